(module
  (type (;0;) (func (param i32) (result i32)))
  (func (;0;) (type 0) (param i32) (result i32)
    block (result i32)
      block
        i32.const 7
        local.get 0
        br_table 0 1
      end
      i32.const 0
    end
  )
)
