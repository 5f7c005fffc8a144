(module
  (type (;0;) (func (result i32)))
  (func (;0;) (type 0) (result i32)
    unreachable
    f32.const 0x1p+0
    i32.eqz
  )
)
