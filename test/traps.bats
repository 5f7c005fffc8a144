#!/usr/bin/env bats
# Every trap kind, reported by name with the function it happened in,
# exit status 134, and the host process intact (it prints its message
# and exits normally instead of dying on a signal).

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	for tool in wasm-parse wasm-verify wasm-lower wasm-codegen wasm-link wasm-run wasm-aot; do
		command -v "$tool" >/dev/null || skip "$tool is not built yet"
	done
	T=$BATS_TEST_DIRNAME/traps
}

# run_trap NAME: compile test/traps/NAME.wat at -O0 and at -O2 (or with
# AOT_OPTS), run it (options RUN_OPTS) and check the reported trap
# against expected.txt: NAME, the trap kind, the function.  A trap found
# by a fault (memory, stack) names the function whose machine code holds
# the faulting instruction: after inlining at -O2 that can be the caller,
# given after a '|' (and checked at -O2 only).
run_trap() {
	local name=$1 line kind func want opt
	line=$(grep "^$name " "$T/expected.txt")
	func=${line##* }
	kind=${line#"$name "}
	kind=${kind% "$func"}
	if [ -x "$T/$name.sh" ]; then
		"$T/$name.sh" > "$BATS_TEST_TMPDIR/$name.wat"
	else
		cp "$T/$name.wat" "$BATS_TEST_TMPDIR/$name.wat"
	fi
	wat2wasm --debug-names "$BATS_TEST_TMPDIR/$name.wat" -o "$BATS_TEST_TMPDIR/$name.wasm"
	for opt in ${AOT_OPTS:--O0 -O2}; do
		want=${func%%|*}
		[ "$opt" = -O0 ] || want=${func##*|}
		wasm-aot $opt "$BATS_TEST_TMPDIR/$name.wasm" -o "$BATS_TEST_TMPDIR/$name.so"
		run wasm-run ${RUN_OPTS-} "$BATS_TEST_TMPDIR/$name.so"
		echo "$opt: status $status, output: $output"
		[ "$status" -eq 134 ]
		[ "$output" = "wasm-run: trap: $kind in $want" ]
	done
}

@test "unreachable" { run_trap unreachable; }
@test "integer divide by zero" { run_trap div-zero; }
@test "integer remainder by zero" { run_trap rem-zero; }
@test "integer overflow" { run_trap overflow; }
@test "invalid conversion (NaN)" { run_trap conversion; }
@test "invalid conversion (out of range)" { run_trap conversion-overflow; }
@test "load out of bounds at the 4 GiB edge with a static offset" { run_trap load-oob; }
@test "store out of bounds with the largest static offset" { run_trap store-oob; }
@test "store straddling the end of memory" { run_trap store-edge; }
@test "dead load out of bounds in a loop stepping by a local" { run_trap strided-oob; }
# the anchor wasm-codegen gives each load after the pipeline takes its
# whole value (with --elide-dead-loads the byte alone is loaded, in bounds)
@test "a load of which one byte is used, straddling the end of memory" { run_trap narrow-edge; }
@test "a float load used by a multiply only, straddling the end of memory" { run_trap float-edge; }

# a deadline stops it if the load was deleted: a wrong trap, not a hang
@test "dead load out of bounds in a loop without exit" { RUN_OPTS="--timeout 10s" run_trap endless-oob; }
@test "null indirect call" { run_trap null-call; }
@test "mistyped indirect call" { run_trap type-mismatch; }
@test "indirect call outside the table" { run_trap table-oob; }
@test "stack exhaustion by deep recursion" { run_trap recursion; }
@test "stack exhaustion by one huge frame" { AOT_OPTS=-O0 RUN_OPTS="--stack-size 256K" run_trap huge-frame; }

# test/traps/fold.wat: wasm-lower folds p + c into a load's offset once
# an access at p has completed; every access around the end of memory
# and around 2^32 still does what the spec says, and the stores before
# a trap are kept (the script reads them back)
@test "loads at p + c after an access at p trap exactly, in guard and bounds-check mode" {
	cp "$T/fold.wat" "$BATS_TEST_TMPDIR/fold.wat"
	wat2wasm "$BATS_TEST_TMPDIR/fold.wat" -o "$BATS_TEST_TMPDIR/fold.wasm"
	for mode in "" --bounds-checks; do
		for opt in -O0 -O2; do
			wasm-aot $opt $mode "$BATS_TEST_TMPDIR/fold.wasm" -o "$BATS_TEST_TMPDIR/fold.so"
			(cd "$BATS_TEST_TMPDIR" && wasm-run --script "$T/fold.script") > "$BATS_TEST_TMPDIR/out"
			echo "$opt $mode"
			diff -u "$T/fold.out" "$BATS_TEST_TMPDIR/out"
		done
	done
}

# test/traps/partial.wat: the stores before a trap stay in memory in
# the shapes LLVM combines or vectorises at -O2; partial.out is what
# node's V8 gives for the same calls.  Guard mode keeps every trap but
# not, at -O2, these stores (wasm-aot(1), --bounds-checks).
@test "--bounds-checks: the memory a trap leaves is the spec's, at -O0 and -O2" {
	wat2wasm "$T/partial.wat" -o "$BATS_TEST_TMPDIR/partial.wasm"
	for opt in -O0 -O2; do
		wasm-aot $opt --bounds-checks "$BATS_TEST_TMPDIR/partial.wasm" -o "$BATS_TEST_TMPDIR/partial.so"
		(cd "$BATS_TEST_TMPDIR" && wasm-run --script "$T/partial.script") > "$BATS_TEST_TMPDIR/out"
		echo "$opt"
		diff -u "$T/partial.out" "$BATS_TEST_TMPDIR/out"
	done
}

@test "--elide-dead-loads: the unused out-of-bounds load is gone at -O2, as documented" {
	wat2wasm "$T/load-oob.wat" -o "$BATS_TEST_TMPDIR/l.wasm"
	wasm-aot --elide-dead-loads "$BATS_TEST_TMPDIR/l.wasm" -o "$BATS_TEST_TMPDIR/l.so"
	run wasm-run "$BATS_TEST_TMPDIR/l.so"
	[ "$status" -eq 0 ]
	# while by default it traps (the test above)
	wasm-aot "$BATS_TEST_TMPDIR/l.wasm" -o "$BATS_TEST_TMPDIR/l2.so"
	run wasm-run "$BATS_TEST_TMPDIR/l2.so"
	[ "$status" -eq 134 ]
}
