(module
  (func $a,b)
)
