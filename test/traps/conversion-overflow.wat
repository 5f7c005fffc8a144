(module
  (global $big (mut f32) (f32.const 1e10))
  (func $convert (result i32) (i32.trunc_f32_u (global.get $big)))
  (func $_start (export "_start") (drop (call $convert))))
