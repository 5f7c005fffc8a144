(module
  (func
    call 4294967296)
)
