#!/bin/sh
# Writes a module whose function $huge has one native frame larger than
# the guest stack: N i64 locals, each loaded from its own address and
# all live across a call.  Compiled at -O0 every local has its own slot
# in the frame (8 bytes each, plus as much again for the loaded values),
# so 45000 of them (the parser allows 50000) make a frame of about
# 700 KiB, which a 256 KiB guest stack cannot hold.  (At -O2 the
# register allocator would need minutes for so many live values.)
n=${1:-45000}
awk -v n="$n" 'BEGIN {
	print "(module"
	printf "  (memory %d)\n", int(n * 8 / 65536) + 1
	print "  (func $callee (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))"
	printf "  (func $huge (param $p i32) (result i64)\n    (local"
	for (i = 0; i < n; i++) printf " i64"
	print ")"
	for (i = 0; i < n; i++)
		printf "    (local.set %d (i64.load offset=%d (local.get $p)))\n", i + 1, i * 8
	print "    (drop (call $callee (local.get $p)))"
	printf "    (i64.const 0)\n"
	for (i = 0; i < n; i++) printf "    (i64.xor (local.get %d))\n", i + 1
	print "  )"
	print "  (func $_start (export \"_start\") (drop (call $huge (i32.const 0)))))"
}'
