(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (result i32)))
  (func (;0;) (type 1) (result i32)
    f64.const 0x1p+0
    block (type 0)
      i32.const 1
      i32.add
    end
  )
)
