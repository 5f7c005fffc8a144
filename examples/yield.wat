;; The guest of yield.c: asks the host for two values through env.fetch,
;; which suspends the call until the host has the answer.
(module
  (import "env" "fetch" (func $fetch (param i32) (result i32)))
  (func (export "handle") (param $key i32) (result i32)
    (i32.add (call $fetch (local.get $key))
             (call $fetch (i32.add (local.get $key) (i32.const 1))))))
