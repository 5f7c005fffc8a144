(module
  (type (;0;) (func (param i32)))
  (func (;0;) (type 0) (param i32)
    (local f32)
    local.get 2
    drop
  )
)
