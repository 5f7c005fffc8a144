(module
  (func $floorf (param f32) (result f32) f32.const 42)
  (func $floor_of (export "floor_of") (param f32) (result f32) local.get 0 f32.floor)
  (func $keep (export "keep") (result f32) f32.const 1 call $floorf)
)
