;; The guest of hostfn.c: imports a native and a generic host function.
(module
  (import "env" "now" (func $now (result i64)))
  (import "env" "log" (func $log (param i32 i32)))
  (memory 1)
  (data (i32.const 16) "hello from the guest")
  (func (export "run") (result i64)
    (call $log (i32.const 16) (i32.const 20))
    (i64.sub (call $now) (call $now)))
  (func (export "bad")
    (call $log (i32.const 65530) (i32.const 100))))
