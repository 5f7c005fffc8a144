(module
  (func (export "\80"))
)
