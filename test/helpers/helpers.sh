#!/bin/sh
# The guest of test/helpers.bats: one export per runtime helper, each
# working on more than one chunk (memory.c: 1 MiB, table.c: 65,536
# elements), after env.arm when its argument is 1.  A 2 MiB data
# segment and a 131,072-item element segment feed the init ones.
n=131072
cat <<WAT
(module
  (import "env" "arm" (func \$arm))
  (memory 64)
  (table \$t $((2 * n)) funcref)
  (func \$f)
  (data \$d "$(head -c $((2 << 20)) /dev/zero | tr '\0' 'x')")
  (elem \$e func $(i=0; while [ $i -lt $n ]; do printf '$f '; i=$((i + 1)); done))
  (func \$maybe (param i32) (if (local.get 0) (then (call \$arm))))
  (func \$memory.fill (export "memory.fill") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (memory.fill (i32.const 0) (i32.const 7) (i32.const $((2 << 20))))
    (i32.load8_u (i32.const $(((2 << 20) - 1)))))
  (func \$memory.copy (export "memory.copy") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (memory.copy (i32.const 1) (i32.const 0) (i32.const $((2 << 20))))
    (i32.const 1))
  (func \$memory.init (export "memory.init") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (memory.init \$d (i32.const 0) (i32.const 0) (i32.const $((2 << 20))))
    (i32.load8_u (i32.const 5)))
  (func \$memory.grow (export "memory.grow") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (memory.grow (i32.const 1)))
  (func \$table.fill (export "table.fill") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (table.fill \$t (i32.const 0) (ref.func \$f) (i32.const $((2 * n))))
    (ref.is_null (table.get \$t (i32.const $((2 * n - 1))))))
  (func \$table.copy (export "table.copy") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (table.copy \$t \$t (i32.const 1) (i32.const 0) (i32.const $n))
    (i32.const 1))
  (func \$table.init (export "table.init") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (table.init \$t \$e (i32.const 0) (i32.const 0) (i32.const $n))
    (ref.is_null (table.get \$t (i32.const $((n - 1))))))
  (func \$table.grow (export "table.grow") (param i32) (result i32)
    (call \$maybe (local.get 0))
    (table.grow \$t (ref.null func) (i32.const $n)))
  ;; to the runtime's most, 65,535 pages, and fill all of it
  (func \$big.fill (export "big.fill") (memory.grow (i32.const 65471)) (drop)
    (memory.fill (i32.const 0) (i32.const 1) (i32.const $((65535 << 16))))))
WAT
