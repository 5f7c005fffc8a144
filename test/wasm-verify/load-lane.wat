(module
  (type (;0;) (func (param v128) (result v128)))
  (func (;0;) (type 0) (param v128) (result v128)
    i32.const 0
    local.get 0
    v128.load64_lane 2
  )
  (memory (;0;) 1)
)
