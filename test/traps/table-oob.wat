(module
  (type $v (func))
  (table 2 funcref)
  (func $dispatch (param i32) (call_indirect (type $v) (local.get 0)))
  (func $_start (export "_start") (call $dispatch (i32.const 10))))
