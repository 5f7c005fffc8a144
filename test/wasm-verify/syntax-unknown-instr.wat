(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    i32.const 1
    i32.frobnicate
  )
)
