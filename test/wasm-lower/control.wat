(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (func $table (;0;) (type 0) (param i32) (result i32)
    block (result i32)
      block (result i32)
        i32.const 7
        local.get 0
        br_table 0 1 0 1 1
      end
      i32.const 1
      i32.add
    end
  )
  (func $loopparams (;1;) (type 0) (param i32) (result i32)
    i32.const 1
    local.get 0
    loop (type 1)
      i32.add
    end
  )
  (func $dead (;2;) (type 0) (param i32) (result i32)
    block (result i32)
      local.get 0
      br 0
      i32.add
      drop
      unreachable
    end
  )
  (func $probe (;3;) (type 0) (param i32) (result i32)
    local.get 0
    i32.load
    drop
    local.get 0
  )
  (func $nanfold (;4;) (type 0) (param i32) (result i32)
    local.get 0
    f32.reinterpret_i32
    f32.const 0x1p+0
    f32.mul
    i32.reinterpret_f32
  )
  (memory (;0;) 1)
)
