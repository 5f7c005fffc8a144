(module (import "A" "tab" (table 1 externref)))
