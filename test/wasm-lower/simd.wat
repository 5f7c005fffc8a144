(module
  (type (;0;) (func (param v128 v128) (result v128)))
  (type (;1;) (func (param i32) (result i32)))
  (func $min (;0;) (type 0) (param v128 v128) (result v128)
    local.get 0
    local.get 1
    f32x4.min
  )
  (func $swizzle (;1;) (type 0) (param v128 v128) (result v128)
    local.get 0
    local.get 1
    i8x16.swizzle
  )
  (func $narrow (;2;) (type 0) (param v128 v128) (result v128)
    local.get 0
    local.get 1
    i8x16.narrow_i16x8_u
  )
  (func $lanes (;3;) (type 1) (param i32) (result i32)
    local.get 0
    v128.load offset=16 align=1
    local.get 0
    v128.load8_splat
    i16x8.q15mulr_sat_s
    v128.const i32x4 0x00000001 0x00000002 0x00000003 0xffffffff
    i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 31 30 29 28
    i32x4.trunc_sat_f64x2_u_zero
    i32x4.bitmask
  )
  (memory (;0;) 1)
)
