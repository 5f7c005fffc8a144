(module
  (type (;0;) (func (param i32)))
  (import "env" "log" (func $log (;0;) (type 0)))
  (import "env" "base" (global (;0;) i32))
  (import "env" "counter" (global (;1;) (mut i64)))
  (import "env" "memory" (memory (;0;) 1 65536))
  (import "env" "table" (table (;0;) 0 funcref))
  (func $bump (;1;) (type 0) (param i32)
    global.get 1
    local.get 0
    i64.extend_i32_u
    i64.add
    global.set 1
    local.get 0
    call 0
    memory.size
    memory.grow
    drop
    local.get 0
    i32.const 0
    i32.const 4
    memory.init 1
    data.drop 1
    local.get 0
    i32.const 0
    i32.const 0
    memory.fill
    i32.const 0
    i32.const 1
    i32.const 2
    memory.copy
  )
  (global (;2;) i32 (global.get 0))
  (global (;3;) v128 (v128.const i32x4 0x00000000 0x00000001 0x00000002 0x00000003))
  (export "counter" (global 1))
  (export "bump" (func 1))
  (export "" (memory 0))
  (data (;0;) (global.get 0) "\00\01binary\ff")
  (data (;1;) "passive")
)
