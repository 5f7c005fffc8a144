#!/usr/bin/env bats
# wasm-aot: the driver chains the stages, -v shows them, --keep-temps
# keeps the text and IR, temporaries are removed.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > "$BATS_TEST_TMPDIR/x.c"
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$BATS_TEST_TMPDIR/x.c" -o "$BATS_TEST_TMPDIR/x.wasm"
}

@test "x.wasm to x.so by default" {
	wasm-aot "$BATS_TEST_TMPDIR/x.wasm"
	[ -s "$BATS_TEST_TMPDIR/x.so" ]
}

@test "-v echoes each stage's command" {
	run wasm-aot -v -o "$BATS_TEST_TMPDIR/y.so" "$BATS_TEST_TMPDIR/x.wasm"
	[ "$status" -eq 0 ]
	[[ "$output" == *"wasm-parse -o"* ]]
	[[ "$output" == *"wasm-verify -o"* ]]
	[[ "$output" == *"wasm-lower -o"* ]]
	[[ "$output" == *"wasm-codegen -O2 -o $BATS_TEST_TMPDIR/y.so"* ]]
}

@test "--keep-temps keeps the module text and the IR beside the output" {
	wasm-aot --keep-temps -O1 -o "$BATS_TEST_TMPDIR/k.so" "$BATS_TEST_TMPDIR/x.wasm"
	[ -s "$BATS_TEST_TMPDIR/k.wat" ]
	[ -s "$BATS_TEST_TMPDIR/k.ll" ]
	head -1 "$BATS_TEST_TMPDIR/k.wat" | grep -q '^(module'
}

@test "no temporary files are left behind, even on failure" {
	mkdir "$BATS_TEST_TMPDIR/tmp"
	TMPDIR=$BATS_TEST_TMPDIR/tmp wasm-aot -o "$BATS_TEST_TMPDIR/z.so" "$BATS_TEST_TMPDIR/x.wasm"
	printf '\0asm\1\0\0\0\1' > "$BATS_TEST_TMPDIR/bad.wasm"
	TMPDIR=$BATS_TEST_TMPDIR/tmp run wasm-aot -o "$BATS_TEST_TMPDIR/bad.so" "$BATS_TEST_TMPDIR/bad.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"wasm-parse: "* ]]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ]
}

@test "usage errors exit 2" {
	run wasm-aot
	[ "$status" -eq 2 ]
	run wasm-aot --bogus x.wasm
	[ "$status" -eq 2 ]
}
