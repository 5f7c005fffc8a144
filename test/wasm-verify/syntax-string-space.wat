(module
  (memory 1)
  (data"a")
)
