;; The guest of resets.c: memory it can grow and dirty on request.
(module
  (memory 2 16)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0xcd) (local.get 1))))
