;; A.put is (i32) -> i32, not () -> i32
(module (import "A" "put" (func (result i32))))
