(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    i32.const 0x1_0000_0000
    drop
  )
)
