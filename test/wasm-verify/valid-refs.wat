(module
  (type (;0;) (func))
  (func (;0;) (type 0)
    ref.func 1
    drop
  )
  (func (;1;) (type 0))
  (table (;0;) 2 funcref)
  (memory (;0;) 1)
  (global (;0;) funcref (ref.func 1))
  (elem (;0;) declare func 1)
  (data (;0;) "passive")
)
