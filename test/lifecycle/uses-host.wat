;; Imports env.now and env.add, which wasm-run gets from a --host library.
(module
  (import "env" "now" (func $now (result i64)))
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (func (export "twice_now") (result i64) (i64.mul (call $now) (i64.const 2)))
  (func (export "add3") (param i32) (result i32) (call $add (local.get 0) (i32.const 3))))
