#!/usr/bin/env bats
# wasm-aot: the driver chains the stages, -v shows them, --keep-temps
# keeps the text and IR, options reach their stage, temporaries go.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	for tool in wasm-parse wasm-verify wasm-lower wasm-codegen wasm-link wasm-aot; do
		command -v "$tool" >/dev/null || skip "$tool is not built yet"
	done
	T=$BATS_TEST_TMPDIR
	printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > "$T/x.c"
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$T/x.c" -o "$T/x.wasm" ||
		skip "clang cannot target wasm32-wasi here"
}

@test "x.wasm to x.so by default" {
	wasm-aot "$T/x.wasm"
	file "$T/x.so" | grep -q 'ELF 64-bit LSB shared object, x86-64'
	wasm-link --check "$T/x.so"
}

@test "-v echoes each stage's command, in order" {
	run wasm-aot -v -o "$T/y.so" "$T/x.wasm"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "wasm-parse -o "*" $T/x.wasm" ]]
	[[ "${lines[1]}" == "wasm-verify -o "* ]]
	[[ "${lines[2]}" == "wasm-lower -o "* ]]
	[[ "${lines[3]}" == "wasm-codegen -O2 -o $T/y.so "* ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "-O, --target-cpu and --bounds-checks reach their stage" {
	run wasm-aot -v -O3 --target-cpu x86-64-v3 --bounds-checks -o "$T/y.so" "$T/x.wasm"
	[ "$status" -eq 0 ]
	[[ "${lines[2]}" == "wasm-lower --bounds-checks -o "* ]]
	[[ "${lines[3]}" == "wasm-codegen -O3 --target-cpu x86-64-v3 -o $T/y.so "* ]]
}

@test "--keep-temps keeps the module text and the IR beside the output" {
	wasm-aot --keep-temps -O1 -o "$T/k.so" "$T/x.wasm"
	[ -s "$T/k.so" ]
	head -1 "$T/k.wat" | grep -q '^(module'
	grep -q '^@wasm_aot_contract = ' "$T/k.ll"
	[ "$(ls "$T" | grep -c '^k\.')" -eq 3 ]
}

@test "without --keep-temps only the output appears" {
	mkdir "$T/out"
	wasm-aot -o "$T/out/m.so" "$T/x.wasm"
	[ "$(ls -A "$T/out")" = m.so ]
}

@test "no temporary files are left behind, even on failure" {
	mkdir "$T/tmp"
	TMPDIR=$T/tmp wasm-aot -o "$T/z.so" "$T/x.wasm"
	printf '\0asm\1\0\0\0\1' > "$T/bad.wasm"
	TMPDIR=$T/tmp run wasm-aot -o "$T/bad.so" "$T/bad.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-parse: "* ]]
	[ ! -e "$T/bad.so" ]
	[ -z "$(ls -A "$T/tmp")" ]
}

@test "an unknown CPU stops the pipeline at codegen" {
	run wasm-aot --target-cpu pentium9000 -o "$T/c.so" "$T/x.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-codegen: "*"unknown CPU"* ]]
	[ ! -e "$T/c.so" ]
}

@test "usage errors exit 2, a missing input exits 1" {
	run wasm-aot
	[ "$status" -eq 2 ]
	run wasm-aot --bogus x.wasm
	[ "$status" -eq 2 ]
	run wasm-aot a.wasm b.wasm
	[ "$status" -eq 2 ]
	run wasm-aot "$T/nope.wasm"
	[ "$status" -eq 1 ]
	run wasm-aot -h
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
}
