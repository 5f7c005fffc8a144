;; Writes A's table at 3 and A's memory at 8, then a data segment out of
;; bounds (A has 2 pages by then) fails the instantiation: the writes
;; before it stay, and the function in A's table still runs (its
;; instance is kept alive).
(module
  (import "A" "mem" (memory 1))
  (import "A" "tab" (table 4 funcref))
  (func $nine (result i32) (i32.const 9))
  (elem (i32.const 3) $nine)
  (data (i32.const 8) "\2a")
  (data (i32.const 0x1ffff) "ab"))
