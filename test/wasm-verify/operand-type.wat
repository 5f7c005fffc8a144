(module
  (type (;0;) (func (param i64) (result i32)))
  (func (;0;) (type 0) (param i64) (result i32)
    local.get 0
    i32.const 1
    i32.add
  )
)
