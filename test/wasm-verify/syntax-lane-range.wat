(module
  (func
    v128.const i64x2 0 0
    i8x16.extract_lane_s 256
    drop)
)
