(module
  (global (;0;) i32 (i32.const 1))
  (global (;1;) i32 (global.get 0))
)
