(module
  (table (;0;) 1 funcref)
  (elem (;0;) (i32.const 0) externref (ref.null extern))
)
