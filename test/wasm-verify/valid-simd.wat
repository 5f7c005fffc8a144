(module
  (type (;0;) (func (param v128 i32) (result v128)))
  (func (;0;) (type 0) (param v128 i32) (result v128)
    local.get 1
    v128.load offset=16 align=1
    local.get 1
    local.get 0
    v128.load8_lane offset=1 15
    local.get 1
    local.get 0
    v128.load64_lane 1
    i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31
    i8x16.add
    local.get 0
    i32x4.extract_lane 3
    i32x4.splat
    f64x2.extract_lane 1
    f64x2.splat
    i64x2.extract_lane 1
    drop
    local.get 0
    i16x8.extract_lane_u 7
    local.get 0
    i8x16.extract_lane_s 15
    i32.add
    i32x4.replace_lane 0
    local.get 1
    local.get 0
    v128.store32_lane align=1 3
    v128.any_true
    i32x4.splat
    v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
    local.get 0
    v128.bitselect
    i32.const 3
    i8x16.shl
  )
  (memory (;0;) 1)
)
