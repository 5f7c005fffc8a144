(module (import "A" "mem" (memory 1 3)))
