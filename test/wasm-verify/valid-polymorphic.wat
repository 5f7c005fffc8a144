(module
  (type (;0;) (func (result i32)))
  (func (;0;) (type 0) (result i32)
    unreachable
    i32.add
    f64.const 0x1p+0
    drop
    br_table 0 0
  )
  (func (;1;) (type 0) (result i32)
    block (result i32)
      i32.const 1
      br 0
      select
    end
  )
)
