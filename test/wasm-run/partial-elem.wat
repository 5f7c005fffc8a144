;; The second segment is out of bounds: the first stays written.
(module
  (import "A" "tab" (table 4 funcref))
  (func $ten (result i32) (i32.const 10))
  (elem (i32.const 2) $ten)
  (elem (i32.const 3) $ten $ten))
