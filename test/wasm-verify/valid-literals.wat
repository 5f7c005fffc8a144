(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    i32.const 0xffff_ffff
    i32.const -2147483648
    i32.const 4_294_967_295
    i32.const +0x7fffffff
    drop
    drop
    drop
    drop
    i64.const -9_223_372_036_854_775_808
    i64.const 0xffffffffffffffff
    drop
    drop
    f32.const 0x1p-149
    f32.const 0x1.fffffep+127
    f32.const 1.5e-45
    f32.const 3.4028235e38
    f32.const 1_000.000_5
    f32.const -0x0p+0
    f32.const inf
    f32.const -inf
    f32.const nan
    f32.const -nan:0x1
    f32.const nan:0x7fffff
    f32.const 0x1.
    f32.const 1e0
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    f64.const 0x0.0000000000001p-1022
    f64.const 0x1.fffffffffffffp+1023
    f64.const 4.9406564584124654e-324
    f64.const 1.7976931348623157e308
    f64.const +nan:0xfffffffffffff
    f64.const -0x1.8p+1
    drop
    drop
    drop
    drop
    drop
    drop
    v128.const i8x16 -128 255 0 1 2 3 4 5 6 7 8 9 10 11 12 0xff
    v128.const i16x8 -32768 65535 0 1 2 3 4 0x7fff
    v128.const i32x4 0x00000001 0x00000002 0x00000003 0xffffffff
    v128.const i64x2 -1 0x8000_0000_0000_0000
    v128.const f32x4 nan:0x1 -inf 0x1p-149 1.5
    v128.const f64x2 -nan 0x1p-1074
    drop
    drop
    drop
    drop
    drop
    drop
  )
)
