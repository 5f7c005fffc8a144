(module
  (memory (;0;) 1 65537)
)
