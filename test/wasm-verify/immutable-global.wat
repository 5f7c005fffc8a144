(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    i32.const 5
    global.set 0
  )
  (global (;0;) i32 (i32.const 0))
)
