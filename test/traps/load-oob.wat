(module
  (memory 1)
  (global $addr (mut i32) (i32.const 0xfffffffc))
  ;; 4 GiB edge: address 0xfffffffc plus a static offset of 8
  (func $load (result i64) (i64.load offset=8 (global.get $addr)))
  (func $_start (export "_start") (drop (call $load))))
