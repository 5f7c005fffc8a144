(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i32) (result i32 i32)))
  (func $swap_add (;0;) (type 0) (param i32 i32) (result i32)
    local.get 0
    local.get 1
    block (type 0)
      i32.add
    end
  )
  (func (;1;) (type 1) (param i32) (result i32 i32)
    local.get 0
    local.get 0
    loop (type 0)
      i32.sub
      local.get 0
      br 1
    end
    unreachable
  )
  (export "swap_add" (func 0))
)
