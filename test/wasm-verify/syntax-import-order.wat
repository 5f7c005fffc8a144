(module
  (global i32 (i32.const 0))
  (import "m" "f" (func))
)
