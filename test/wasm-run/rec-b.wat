(module
  (import "A" "pong" (func $pong (param i32) (result i32)))
  (import "A" "t" (table 1 funcref))
  (func $ping (export "ping") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $pong (i32.sub (local.get 0) (i32.const 1)))))))
  (elem (i32.const 0) $ping))
