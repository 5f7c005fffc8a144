(module
  (memory (;0;) 2 1)
)
