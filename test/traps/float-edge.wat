(module
  (memory 1)
  ;; a float load straddling the end of memory, used by a multiply only:
  ;; wasm-codegen gives it no anchor (the multiply keeps it whole, and
  ;; may take it from memory), and it must still trap
  (func $scale (param $p i32) (result f64)
    (f64.mul (f64.load (local.get $p)) (f64.const 3)))
  (func $_start (export "_start")
    (f64.store (i32.const 0) (call $scale (i32.const 65532)))))
