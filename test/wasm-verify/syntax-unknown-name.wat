(module
  (func $f
    call $g
  )
)
