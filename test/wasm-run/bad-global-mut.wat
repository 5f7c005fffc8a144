;; A.g is mutable
(module (import "A" "g" (global i32)))
