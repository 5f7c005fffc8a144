(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65533))
  ;; straddles the end of the one-page memory
  (func $store (i32.store (global.get $addr) (i32.const 1)))
  (func $_start (export "_start") (call $store)))
