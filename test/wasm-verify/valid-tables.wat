(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func))
  (import "env" "t" (table (;0;) 2 funcref))
  (func (;0;) (type 0) (param i32) (result i32)
    local.get 0
    i32.const 0
    call_indirect 1 (type 0)
  )
  (func (;1;) (type 1)
    (local funcref externref)
    i32.const 0
    ref.func 0
    i32.const 1
    table.fill 1
    ref.null extern
    i32.const 4
    table.grow 2
    table.size 2
    i32.add
    drop
    i32.const 0
    table.get 1
    local.set 0
    ref.func 2
    local.get 0
    local.get 1
    ref.is_null
    select (result funcref)
    i32.const 0
    call_indirect (type 1)
    ref.is_null
    drop
    i32.const 0
    i32.const 0
    i32.const 1
    table.copy 0 1
    i32.const 0
    i32.const 0
    i32.const 1
    table.init 1 0
    elem.drop 3
    i32.const 1
    local.get 1
    table.set 2
  )
  (func (;2;) (type 1))
  (table (;1;) 4 10 funcref)
  (table (;2;) 0 externref)
  (global (;0;) funcref (ref.func 0))
  (global (;1;) (mut externref) (ref.null extern))
  (export "t1" (table 1))
  (elem (;0;) func 0 1)
  (elem (;1;) (table 1) (i32.const 2) func 0 1)
  (elem (;2;) (i32.const 0) funcref (ref.func 1) (ref.null func))
  (elem (;3;) declare func 2)
  (elem (;4;) externref (ref.null extern))
)
