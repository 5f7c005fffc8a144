(module
  (type (;0;) (func (result i32)))
  (func (;0;) (type 0) (result i32)
    v128.const i32x4 0x00000001 0x00000002 0x00000003 0x00000004
    i32x4.extract_lane 4
  )
)
