#!/bin/sh
# Writes a module whose function $huge has one native frame larger than
# any guest stack: N values loaded from memory stay live across a call,
# so the register allocator must spill every one of them.
n=${1:-90000}
awk -v n="$n" 'BEGIN {
	print "(module"
	print "  (memory 1)"
	print "  (func $callee (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))"
	printf "  (func $huge (param $p i32) (result i64)\n    (local"
	for (i = 0; i < n; i++) printf " i64"
	print ")"
	for (i = 0; i < n; i++)
		printf "    (local.set %d (i64.load offset=%d (local.get $p)))\n", i + 1, (i % 8000) * 8
	print "    (drop (call $callee (local.get $p)))"
	printf "    (i64.const 0)\n"
	for (i = 0; i < n; i++) printf "    (i64.xor (local.get %d))\n", i + 1
	print "  )"
	print "  (func $_start (export \"_start\") (drop (call $huge (i32.const 0)))))"
}'
