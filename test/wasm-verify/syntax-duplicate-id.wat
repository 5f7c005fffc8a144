(module
  (func $f)
  (func $f)
)
