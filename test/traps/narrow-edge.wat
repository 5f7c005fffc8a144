(module
  (memory 1)
  ;; a 4-byte load two bytes before the end of memory, of which one byte
  ;; is used: the code generator would load that byte alone, in bounds;
  ;; the whole load must trap
  (func $narrow (param $p i32) (result i32)
    (i32.and (i32.load (local.get $p)) (i32.const 0xff)))
  (func $_start (export "_start")
    (i32.store8 (i32.const 0) (call $narrow (i32.const 65534)))))
