#!/bin/sh
# alternate.sh N IMPORT G: the module text of one of alternate.c's
# guests: N functions (function i returns i), all in its table, a
# global G, a passive segment holding 1, and an export "sum" that copies
# the segment into memory (memory.init) and returns G + 1 + the sum of
# the N functions called through the table, + env.one (1) if IMPORT.
n=$1 imp=$2 g=$3
echo "(module"
echo "  (type \$r (func (result i32)))"
[ "$imp" = 1 ] && echo '  (import "env" "one" (func $one (result i32)))'
echo "  (memory 1) (global \$g (mut i32) (i32.const $g)) (table $n funcref)"
echo '  (data $p "\\01\\00\\00\\00")'
i=0; while [ $i -lt $n ]; do echo "  (func \$f$i (result i32) (i32.const $i))"; i=$((i+1)); done
printf '  (elem (i32.const 0) func'; i=0; while [ $i -lt $n ]; do printf ' $f%d' $i; i=$((i+1)); done; echo ')'
echo '  (func (export "sum") (result i32) (local $i i32) (local $s i32)'
echo '    (memory.init $p (i32.const 8) (i32.const 0) (i32.const 4))'
echo '    (local.set $s (i32.add (global.get $g) (i32.load (i32.const 8))))'
echo "    (block \$d (loop \$l (br_if \$d (i32.ge_u (local.get \$i) (i32.const $n)))"
echo '      (local.set $s (i32.add (local.get $s) (call_indirect (type $r) (local.get $i))))'
echo '      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))'
[ "$imp" = 1 ] && echo '    (local.set $s (i32.add (local.get $s) (call $one)))'
echo '    (global.set $g (i32.add (global.get $g) (i32.const 1)))'
echo '    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $s)))'
echo '    (i32.load (i32.const 0))))'
