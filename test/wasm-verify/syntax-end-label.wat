(module
  (func
    block $a
    end $b)
)
