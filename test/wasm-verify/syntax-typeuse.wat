(module
  (type (;0;) (func (param i64)))
  (func (;0;) (type 0) (param i32)
  )
)
