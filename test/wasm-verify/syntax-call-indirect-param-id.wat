(module
  (table 0 funcref)
  (func
    i32.const 0
    i32.const 0
    call_indirect (param $x i32))
)
