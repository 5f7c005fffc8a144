(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    i32.const 0
    i32.const 0
    i32.const 1
    table.init 0 0
  )
  (table (;0;) 1 funcref)
  (elem (;0;) externref (ref.null extern))
)
