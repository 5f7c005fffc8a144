(module
  (type (;0;) (func (result i32)))
  (func (;0;) (type 0) (result i32)
    block (result i32)
      i64.const 1
      i32.const 1
      br_if 0
    end
  )
)
