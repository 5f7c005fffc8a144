(module
  (type (;0;) (func (param i32) (result i32)))
  (func (;0;) (type 0) (param i32) (result i32)
    local.get 0
    if (result i32)
      i32.const 1
    else
      f32.const 0x1p+0
    end
  )
)
