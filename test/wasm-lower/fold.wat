(module
  (memory 1)
  ;; a load at p + 4 after a store at p: the 4 joins the load's offset
  ;; (zext p, add i64 4); the store at p + 8 keeps the wrapping form
  (func $pair (param $p i32) (result i32)
    local.get $p
    i32.const 1
    i32.store
    local.get $p
    i32.const 8
    i32.add
    local.get $p
    i32.const 4
    i32.add
    i32.load
    i32.store
    i32.const 0)
  ;; after a load at p too; p + 8 + 4 through a local, as clang's
  ;; unrolled loops step a pointer (add i64 8, add i64 12)
  (func $chain (param $p i32) (result i32) (local $q i32)
    local.get $p
    i32.load
    local.get $p
    i32.const 8
    i32.add
    local.tee $q
    i32.load
    i32.add
    local.get $q
    i32.const 4
    i32.add
    i32.load
    i32.add)
  ;; no access at p before: p + 4 may wrap, as the spec says
  (func $wrap (param $p i32) (result i32)
    local.get $p
    i32.const 4
    i32.add
    i32.load)
  ;; nor with a constant of 65536, nor across a loop's start
  (func $merge (param $p i32) (result i32)
    local.get $p
    i32.load
    drop
    local.get $p
    i32.const 65536
    i32.add
    i32.load
    drop
    loop
      local.get $p
      i32.const 4
      i32.add
      i32.load
      drop
    end
    i32.const 0))
