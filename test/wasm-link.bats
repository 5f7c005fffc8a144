#!/usr/bin/env bats
# wasm-link: a self-contained shared object, or a refusal.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-codegen
}

@test "links an object into a shared object with no undefined symbols" {
	wasm-codegen -c -o "$BATS_TEST_TMPDIR/t.o" "$D/tiny.ll"
	wasm-link -o "$BATS_TEST_TMPDIR/t.so" "$BATS_TEST_TMPDIR/t.o"
	run sh -c "readelf -W --dyn-syms '$BATS_TEST_TMPDIR/t.so' | awk 'NR > 4 && \$7 == \"UND\"'"
	[ -z "$output" ]
}

@test "an undefined symbol is refused and no file is left" {
	wasm-codegen -c -o "$BATS_TEST_TMPDIR/u.o" "$D/undefined.ll"
	run wasm-link -o "$BATS_TEST_TMPDIR/u.so" "$BATS_TEST_TMPDIR/u.o"
	[ "$status" -eq 1 ]
	[[ "$output" == *"host_function_nobody_defines"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/u.so" ]
}

@test "an object without a contract is refused" {
	printf 'int f(void) { return 1; }\n' > "$BATS_TEST_TMPDIR/plain.c"
	cc -fPIC -c "$BATS_TEST_TMPDIR/plain.c" -o "$BATS_TEST_TMPDIR/plain.o"
	run wasm-link -o "$BATS_TEST_TMPDIR/plain.so" "$BATS_TEST_TMPDIR/plain.o"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no wasm_aot_contract symbol"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/plain.so" ]
}

@test "a contract with the wrong ABI version is refused" {
	sed 's/i32 1414480215, i32 1,/i32 1414480215, i32 99,/' "$D/tiny.ll" > "$BATS_TEST_TMPDIR/v.ll"
	wasm-codegen -c -o "$BATS_TEST_TMPDIR/v.o" "$BATS_TEST_TMPDIR/v.ll"
	run wasm-link -o "$BATS_TEST_TMPDIR/v.so" "$BATS_TEST_TMPDIR/v.o"
	[ "$status" -eq 1 ]
	[[ "$output" == *"version 99"* ]]
}

@test "usage errors exit 2" {
	run wasm-link
	[ "$status" -eq 2 ]
}
