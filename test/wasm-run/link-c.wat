;; A third instance with a memory of its own, which calls A.put: the
;; store lands in A's memory, not in C's.
(module
  (import "A" "put" (func $put (param i32) (result i32)))
  (memory 1)
  (func (export "put") (param i32) (result i32) (call $put (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
