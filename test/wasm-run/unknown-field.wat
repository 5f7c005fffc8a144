(module (import "A" "nope" (func)))
