(module
  (type (;0;) (func (result i64)))
  (func $get (;0;) (type 0) (result i64)
    block
      i32.const 3
      return
    end
    i64.const 0
  )
)
