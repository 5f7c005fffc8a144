(module
  (func
    i32.const 0
    block (param $x i32)
      drop
    end)
)
