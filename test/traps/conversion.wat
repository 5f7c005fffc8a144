(module
  (global $nan (mut f64) (f64.const nan))
  (func $convert (result i32) (i32.trunc_f64_s (global.get $nan)))
  (func $_start (export "_start") (drop (call $convert))))
