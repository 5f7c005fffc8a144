;; The start function traps after a store to A's memory.
(module
  (import "A" "mem" (memory 1))
  (func $start (i32.store (i32.const 12) (i32.const 5)) unreachable)
  (start $start))
