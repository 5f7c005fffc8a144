(module
  (type (;0;) (func (result i32)))
  (func $answer (;0;) (type 0) (result i32)
    f64.const 0x1.5p+5
  )
)
