(module (import "B" "put" (func)))
