#!/usr/bin/env bats
# wasm-parse: binary modules to canonical text.  Goldens live in
# test/wasm-parse/: x.wat (assembled here with wat2wasm) or a hand-made
# x.wasm beside x.out (expected text) or x.err (expected message, path
# stripped).  UPDATE_GOLDEN=1 rewrites them.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	command -v wasm-parse >/dev/null || skip "wasm-parse is not built yet"
	D=$BATS_TEST_DIRNAME/wasm-parse
	T=$BATS_TEST_TMPDIR
}

# check_golden FILE TEXT: TEXT equals the content of FILE (or rewrite it).
check_golden() {
	if [ -n "$UPDATE_GOLDEN" ]; then
		printf '%s\n' "$2" > "$1"
		return
	fi
	if [ "$2" != "$(cat "$1")" ]; then
		echo "output differs from $1:"
		diff -u "$1" <(printf '%s\n' "$2") || true
		return 1
	fi
}

# assemble NAME: test/wasm-parse/NAME.wat to $T/NAME.wasm, keeping names.
assemble() {
	wat2wasm --debug-names "$D/$1.wat" -o "$T/$1.wasm"
}

@test "text modules match their golden text" {
	for wat in "$D"/*.wat; do
		name=$(basename "$wat" .wat)
		assemble "$name"
		run wasm-parse "$T/$name.wasm"
		echo "$name: status $status"
		[ "$status" -eq 0 ]
		check_golden "$D/$name.out" "$output"
	done
}

@test "hand-made valid binaries match their golden text" {
	for out in "$D"/*.out; do
		name=$(basename "$out" .out)
		[ -f "$D/$name.wasm" ] || continue
		run wasm-parse "$D/$name.wasm"
		echo "$name: status $status"
		[ "$status" -eq 0 ]
		check_golden "$out" "$output"
	done
}

@test "malformed binaries are rejected with offset and message" {
	n=0
	for wasm in "$D"/*.wasm; do
		name=$(basename "$wasm" .wasm)
		[ -f "$D/$name.out" ] && continue
		run wasm-parse "$wasm"
		echo "$name: status $status: $output"
		[ "$status" -eq 1 ]
		check_golden "$D/$name.err" "${output//$D\//}"
		n=$((n + 1))
	done
	[ "$n" -ge 20 ]
}

@test "the canonical text assembles back to the same module" {
	for wat in "$D"/*.wat; do
		name=$(basename "$wat" .wat)
		assemble "$name"
		wasm-parse "$T/$name.wasm" | wat2wasm --debug-names - -o "$T/$name.2.wasm"
		wasm2wat --no-debug-names "$T/$name.wasm" > "$T/$name.1.wat"
		wasm2wat --no-debug-names "$T/$name.2.wasm" > "$T/$name.2.wat"
		cmp "$T/$name.1.wat" "$T/$name.2.wat"
	done
}

@test "a clang-compiled C program round-trips through wat2wasm" {
	command -v clang >/dev/null || skip "no clang"
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$D/prog.c" -o "$T/prog.wasm" ||
		skip "clang cannot target wasm32-wasi here"
	wasm-parse -o "$T/prog.wat" "$T/prog.wasm"
	grep -q '^ *br_table [0-9 ]*$' "$T/prog.wat"
	grep -q '^  (;@custom "producers" (after data) "' "$T/prog.wat"
	wat2wasm "$T/prog.wat" -o "$T/prog2.wasm"
	wasm2wat "$T/prog.wasm" > "$T/a.wat"
	wasm2wat "$T/prog2.wasm" > "$T/b.wat"
	cmp "$T/a.wat" "$T/b.wat"
}

@test "--strip-custom drops the custom sections, and nothing else" {
	command -v clang >/dev/null || skip "no clang"
	clang --target=wasm32-wasi --sysroot=/usr -O2 -g "$D/prog.c" -o "$T/prog.wasm" ||
		skip "clang cannot target wasm32-wasi here"
	wasm-parse -o "$T/all.wat" "$T/prog.wasm"
	wasm-parse --strip-custom -o "$T/strip.wat" "$T/prog.wasm"
	grep -q '(;@custom ".debug_info"' "$T/all.wat"
	! grep -q '@custom' "$T/strip.wat"
	# the same module otherwise: only the comment lines differ
	grep -v '^  (;@custom ' "$T/all.wat" | cmp - "$T/strip.wat"
	# the name section is not one of them: its names stay identifiers
	assemble names
	wasm-parse --strip-custom "$T/names.wasm" | cmp - "$D/names.out"
	# the compiled code does not depend on them: wasm-aot strips them
	wasm-lower -o "$T/all.ll" "$T/all.wat"
	wasm-lower -o "$T/strip.ll" "$T/strip.wat"
	cmp "$T/all.ll" "$T/strip.ll"
}

@test "reads standard input and '-', writes -o FILE" {
	assemble fields
	wasm-parse "$T/fields.wasm" > "$T/expect"
	wasm-parse < "$T/fields.wasm" > "$T/stdin"
	wasm-parse - < "$T/fields.wasm" > "$T/dash"
	wasm-parse -o "$T/file" "$T/fields.wasm"
	cmp "$T/expect" "$T/stdin"
	cmp "$T/expect" "$T/dash"
	cmp "$T/expect" "$T/file"
}

@test "errors on standard input name it '-'" {
	run wasm-parse < "$D/bad-magic.wasm"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-parse: -: 0x0: magic header not detected" ]
}

@test "a malformed input with -o leaves no output file" {
	run wasm-parse -o "$T/out.wat" "$D/illegal-opcode.wasm"
	[ "$status" -eq 1 ]
	[ ! -e "$T/out.wat" ]
}

@test "usage: -h exits 0, bad options and extra operands exit 2" {
	run wasm-parse -h
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
	run wasm-parse -x
	[ "$status" -eq 2 ]
	run wasm-parse a.wasm b.wasm
	[ "$status" -eq 2 ]
}

@test "a missing file is a system error" {
	run wasm-parse "$T/nonexistent.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"nonexistent.wasm: No such file or directory" ]]
}

@test "a write error on standard output fails" {
	[ -w /dev/full ] || skip "no /dev/full"
	assemble instrs
	run wasm-parse -o /dev/full "$T/instrs.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
}

@test "every prefix of a module is either a module or malformed, never a crash" {
	assemble instrs
	size=$(wc -c < "$T/instrs.wasm")
	for ((n = 0; n < size; n++)); do
		head -c "$n" "$T/instrs.wasm" > "$T/prefix.wasm"
		run wasm-parse "$T/prefix.wasm"
		if [ "$status" -ne 0 ]; then
			[ "$status" -eq 1 ] || { echo "prefix $n: status $status"; return 1; }
			[[ "$output" == "wasm-parse: $T/prefix.wasm: 0x"* ]]
		fi
	done
}

@test "indentation stops growing at 32 levels, keeping output linear" {
	{
		echo '(module (func'
		for ((i = 0; i < 300; i++)); do echo block; done
		for ((i = 0; i < 300; i++)); do echo end; done
		echo '))'
	} > "$T/deep.wat"
	wat2wasm "$T/deep.wat" -o "$T/deep.wasm"
	wasm-parse -o "$T/deep.out" "$T/deep.wasm"
	[ "$(grep -c '^ *block$' "$T/deep.out")" -eq 300 ]
	longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n }' "$T/deep.out")
	echo "longest line: $longest"
	[ "$longest" -eq $((4 + 2 * 32 + 5)) ]
	wat2wasm "$T/deep.out" -o "$T/deep2.wasm"
}
