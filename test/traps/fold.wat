(module
  ;; wasm-lower folds p + c into the offset of a load at p + c once an
  ;; access at p has completed (cmd/wasm-lower/lower-addr.c): these run
  ;; at the end of the one-page memory, and around 2^32
  (memory 1)
  ;; store at p, then at p + 4
  (func (export "pair") (param $p i32) (param $v i32)
    local.get $p
    local.get $v
    i32.store
    local.get $p
    i32.const 4
    i32.add
    local.get $v
    i32.const 1
    i32.add
    i32.store)
  ;; store at p, then load at p + 4 (folded)
  (func (export "store-load") (param $p i32) (param $v i32) (result i32)
    local.get $p
    local.get $v
    i32.store
    local.get $p
    i32.const 4
    i32.add
    i32.load)
  ;; load at p, then at p + 4 (folded)
  (func (export "load-pair") (param $p i32) (result i32)
    local.get $p
    i32.load
    local.get $p
    i32.const 4
    i32.add
    i32.load
    i32.add)
  ;; no access at p before: p + 8 wraps around 2^32
  (func (export "wrap") (param $p i32) (result i32)
    local.get $p
    i32.const 8
    i32.add
    i32.load)
  ;; clang's loop unrolled by two: stores at p and p + 4 through a
  ;; local, p stepping by 8, n times
  (func (export "fill") (param $p i32) (param $n i32) (local $q i32)
    loop
      local.get $p
      local.get $n
      i32.store
      local.get $p
      i32.const 4
      i32.add
      local.tee $q
      local.get $n
      i32.store
      local.get $q
      i32.const 4
      i32.add
      local.set $p
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if 0
    end)
  (func (export "get") (param $p i32) (result i32)
    local.get $p
    i32.load))
