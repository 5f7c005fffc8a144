(module
  (type $v (func))
  (type $i (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $target)
  (func $target (param i32) (result i32) (local.get 0))
  (func $dispatch (param i32) (call_indirect (type $v) (local.get 0)))
  (func $_start (export "_start") (call $dispatch (i32.const 0))))
