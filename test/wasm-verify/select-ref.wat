(module
  (type (;0;) (func (result funcref)))
  (func (;0;) (type 0) (result funcref)
    ref.null func
    ref.null func
    i32.const 1
    select
  )
)
