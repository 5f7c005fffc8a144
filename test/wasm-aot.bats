#!/usr/bin/env bats
# wasm-aot: the driver chains the stages, -v shows them, --keep-temps
# keeps the text and the partitions, options reach their stage,
# temporaries go, -j changes nothing but speed.

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
	[[ "${lines[0]}" == "wasm-parse --strip-custom -o "*" $T/x.wasm" ]]
	[[ "${lines[1]}" == "wasm-verify -o "* ]]
	[[ "${lines[2]}" == "wasm-lower --split "* ]]
	[[ "${lines[3]}" == "wasm-codegen -c -O2 -o "*"/p00.o "*"/p00.bc" ]]
	[[ "${lines[4]}" == "wasm-link -o $T/y.so "*"/p00.o" ]]
	[ "${#lines[@]}" -eq 5 ]
}

@test "-O, --target-cpu and --bounds-checks reach their stage" {
	run wasm-aot -v -O3 --target-cpu x86-64-v3 --bounds-checks -o "$T/y.so" "$T/x.wasm"
	[ "$status" -eq 0 ]
	[[ "${lines[2]}" == "wasm-lower --bounds-checks --split "* ]]
	[[ "${lines[3]}" == "wasm-codegen -c -O3 --target-cpu x86-64-v3 -o "* ]]
}

@test "--keep-temps keeps the module text and the partitions beside the output" {
	wasm-aot --keep-temps -O1 -o "$T/k.so" "$T/x.wasm"
	[ -s "$T/k.so" ]
	head -1 "$T/k.wat" | grep -q '^(module'
	[ -s "$T/k.parts/p00.bc" ] && [ -s "$T/k.parts/p00.o" ]
	[ "$(ls "$T" | grep -c '^k\.')" -eq 3 ]
}

# A module of about 60 KB of code (bench/gen-big.py), five partitions.
big_module() {
	python3 "$BATS_TEST_DIRNAME/../bench/gen-big.py" "$T/big" 3 40 >/dev/null
	for c in "$T"/big/*.c; do
		clang --target=wasm32-wasi --sysroot=/usr -O2 -c "$c" -o "${c%.c}.o"
	done
	clang --target=wasm32-wasi --sysroot=/usr -nostartfiles -Wl,--no-entry -Wl,--export-all \
		"$T"/big/*.o -lm -o "$T/big.wasm"
}

@test "-j 1, -j 2 and -j 3 give the same .so, made of several partitions" {
	big_module
	wasm-aot -O1 -j 1 --keep-temps -o "$T/j1.so" "$T/big.wasm"
	[ "$(ls "$T/j1.parts" | grep -c '\.o$')" -ge 3 ]
	wasm-aot -O1 -j 2 -o "$T/j2.so" "$T/big.wasm"
	wasm-aot -O1 -j3 -o "$T/j3.so" "$T/big.wasm"
	cmp "$T/j1.so" "$T/j2.so"
	cmp "$T/j1.so" "$T/j3.so"
	wasm-link --check "$T/j2.so"
}

@test "the Makefile of wasm-aot(1) builds the same .so as wasm-aot" {
	command -v make >/dev/null || skip "make is not installed"
	big_module
	cd "$T"
	# the example of the man page, at -O1
	sed -n '/^# app.mk/,/^\.Ed/p' "$BATS_TEST_DIRNAME/../man/wasm-aot.1" |
		sed -n '/^PARTS/,/^$/p' | sed 's/-O2/-O1/' > app.mk
	grep -q 'wasm-link' app.mk
	cp big.wasm app.wasm
	wasm-parse app.wasm | wasm-verify | wasm-lower --split app.parts
	unset MAKEFLAGS MFLAGS MAKELEVEL
	make -s -j2 -f app.mk
	wasm-aot -O1 -o ref.so app.wasm
	cmp ref.so app.so
}

@test "-j needs a positive number" {
	run wasm-aot -j 0 -o "$T/y.so" "$T/x.wasm"
	[ "$status" -eq 2 ]
	run wasm-aot -j x -o "$T/y.so" "$T/x.wasm"
	[ "$status" -eq 2 ]
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
