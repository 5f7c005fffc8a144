(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    data.drop 0
  )
  (memory (;0;) 1)
)
