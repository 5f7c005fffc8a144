(module
  (type (;0;) (func (param i32) (result i32 i64)))
  (type (;1;) (func (param i64) (result f64)))
  (func $pair (;0;) (type 0) (param i32) (result i32 i64)
    local.get 0
    block (type 0)
      local.get 0
      i64.extend_i32_u
    end
  )
  (func $loop (;1;) (type 1) (param i64) (result f64)
    (local f64)
    block
      loop
        local.get 1
        f64.const 0x1p+0
        f64.add
        local.set 1
        local.get 0
        i64.const 1
        i64.sub
        local.tee 0
        i64.eqz
        br_if 1
        br 0
      end
    end
    local.get 1
  )
  (table (;0;) 2 funcref)
  (memory (;0;) 1 2)
  (global (;0;) (mut i32) (i32.const 1024))
  (export "pair" (func 0))
  (elem (;0;) (i32.const 0) func 0 1)
  (data (;0;) (i32.const 16) "hello")
)
