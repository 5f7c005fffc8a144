(module
  (memory 1)
  (global $addr (mut i32) (i32.const 0xffffffff))
  ;; the largest static offset: 0xffffffff + 0xffffffff, far beyond any guard
  (func $store (i32.store offset=0xffffffff (global.get $addr) (i32.const 1)))
  (func $_start (export "_start") (call $store)))
