(module
  (import "env" "g" (global (;0;) (mut i32)))
  (global (;1;) i32 (global.get 0))
)
