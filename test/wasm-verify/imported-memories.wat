(module
  (import "env" "m" (memory (;0;) 1))
  (memory (;1;) 1)
)
