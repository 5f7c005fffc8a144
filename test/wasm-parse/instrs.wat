;; Every immediate kind of the opcode table, at least once.
(module
  (type $bin (func (param i32 i32) (result i32)))
  (type (func (param i64) (result i64 i64)))
  (table 2 funcref)
  (table $t1 1 10 externref)
  (table $t2 1 funcref)
  (memory 1 2)
  (global $g (mut i32) (i32.const 7))
  (data $d "abc")
  (elem $e func 0)
  (func $control (type $bin) (local f32 f64 v128 funcref externref)
    block (result i32)
      i32.const 9
      local.get 0
      br_if 0
      drop
      block
        loop
          local.get 1
          br_table 0 1 1
        end
      end
      i32.const 2
    end
    if (result i32)
      i32.const 3
    else
      i32.const 4
    end
    drop
    i64.const 1
    block (type 1)
      i64.const 0
    end
    drop
    drop
    i32.const 0
    local.get 1
    i32.const 0
    call_indirect (type $bin)
    drop
    i32.const 0
    i32.const 0
    i32.const 0
    call_indirect $t2 (type $bin)
    i32.const 5
    local.get 0
    select
    local.get 1
    local.get 0
    select (result i32)
    return)
  (func $memory (param i32 i64)
    local.get 0
    i32.load offset=8 align=1
    local.get 0
    i64.load8_s offset=4294967295
    i64.store32 align=2
    local.get 0
    i32.const 1
    i32.store16 offset=2
    memory.size
    memory.grow
    drop
    i32.const 0 i32.const 0 i32.const 0 memory.init $d
    data.drop $d
    i32.const 0 i32.const 0 i32.const 0 memory.copy
    i32.const 0 i32.const 0 i32.const 0 memory.fill
    local.get 0
    local.get 0
    local.get 0
    v128.load offset=16
    v128.load8_lane offset=1 3
    v128.store64_lane align=4 1
    local.get 0 v128.load32_zero align=1 drop)
  (func $consts
    i32.const -2147483648 drop
    i32.const 2147483647 drop
    i64.const -9223372036854775808 drop
    i64.const -1 drop
    f32.const 0x1.8p+1 drop
    f32.const -0x1.fffffep+127 drop
    f32.const 0 drop
    f32.const -0 drop
    f32.const 0x1p-149 drop
    f32.const inf drop
    f32.const -inf drop
    f32.const nan drop
    f32.const -nan:0x1 drop
    f32.const nan:0x200000 drop
    f64.const 0x1.921fb54442d18p+1 drop
    f64.const 0x0.0000000000001p-1022 drop
    f64.const -nan:0xfffffffffffff drop
    f64.const 1e300 drop
    v128.const i32x4 1 2 3 0xffffffff drop
    v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
    v128.const i64x2 -1 0
    i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
    i8x16.extract_lane_s 15
    i32x4.splat
    f64x2.extract_lane 1
    drop)
  (func $refs (result i32)
    ref.null func
    ref.is_null
    ref.func $control
    ref.is_null
    i32.add
    i32.const 0
    table.get 0
    drop
    i32.const 0
    ref.null extern
    table.set $t1
    table.size $t1
    ref.null extern
    i32.const 1
    table.grow $t1
    i32.add
    i32.const 0 ref.null func i32.const 0 table.fill 0
    i32.const 0 i32.const 0 i32.const 0 table.copy 0 0
    i32.const 0 i32.const 0 i32.const 0 table.init 0 $e
    elem.drop $e
    f64.const 1
    i32.trunc_sat_f64_u
    i32.add
    global.get $g
    i32.add
    global.set $g)
  (export "control" (func $control)))
