(module
  (memory 1)
  (func
    i32.const 0
    i32.load offset=4294967296
    drop)
)
