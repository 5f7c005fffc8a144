(module
  (memory (;0;) 1)
  (data (;0;) (i64.const 0) "x")
)
