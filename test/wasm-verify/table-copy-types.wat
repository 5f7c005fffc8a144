(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    i32.const 0
    i32.const 0
    i32.const 1
    table.copy 0 1
  )
  (table (;0;) 1 funcref)
  (table (;1;) 1 externref)
)
