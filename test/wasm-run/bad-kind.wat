;; A.g is a global, not a function
(module (import "A" "g" (func)))
