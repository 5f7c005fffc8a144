#!/usr/bin/env bats
# wasm-link: a self-contained shared object, or a refusal; the support
# archive it links in.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-codegen
	T=$BATS_TEST_TMPDIR
}

# a C file defining a contract with the right magic, version and size
contract_c() {
	cat <<EOF
#include "contract.h"
__attribute__((visibility("default"))) const struct wa_contract wasm_aot_contract = {
	WA_CONTRACT_MAGIC, WA_ABI_VERSION, sizeof(struct wa_contract) };
EOF
}

@test "links an object into a shared object with no undefined symbols" {
	wasm-codegen -c -o "$T/t.o" "$D/tiny.ll"
	wasm-link -o "$T/t.so" "$T/t.o"
	file "$T/t.so" | grep -q 'ELF 64-bit LSB shared object, x86-64'
	run sh -c "readelf -W --dyn-syms '$T/t.so' | awk 'NR > 4 && \$7 == \"UND\"'"
	[ -z "$output" ]
	run sh -c "readelf -Wd '$T/t.so' | grep -c NEEDED"
	[ "$output" = 0 ]
	readelf -Wl "$T/t.so" | grep GNU_STACK | grep -qv RWE
}

@test "-v shows the linker's command" {
	wasm-codegen -c -o "$T/t.o" "$D/tiny.ll"
	run wasm-link -v -o "$T/t.so" "$T/t.o"
	[ "$status" -eq 0 ]
	[[ "$output" == *"-shared"*"--version-script="*"$T/t.o"*"libwabuiltins.a"* ]]
}

@test "a compiler driver works as the linker too (WA_LINKER=cc)" {
	wasm-codegen -c -o "$T/t.o" "$D/libcalls.ll"
	WA_LINKER=cc run wasm-link -v -o "$T/t.so" "$T/t.o"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "cc -shared -nostdlib "* ]]
	wasm-link --check "$T/t.so"
}

@test "an undefined symbol is refused and no file is left" {
	wasm-codegen -c -o "$T/u.o" "$D/undefined.ll"
	run wasm-link -o "$T/u.so" "$T/u.o"
	[ "$status" -eq 1 ]
	[[ "$output" == *"host_function_nobody_defines"* ]]
	[ ! -e "$T/u.so" ]
}

@test "an object without a contract is refused" {
	printf 'int f(void) { return 1; }\n' > "$T/plain.c"
	cc -fPIC -c "$T/plain.c" -o "$T/plain.o"
	run wasm-link -o "$T/plain.so" "$T/plain.o"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-link: $T/plain.so: no wasm_aot_contract symbol: not a wasm-lower module" ]
	[ ! -e "$T/plain.so" ]
}

@test "a contract with the wrong ABI version is refused" {
	sed 's/i32 1414480215, i32 3,/i32 1414480215, i32 99,/' "$D/tiny.ll" > "$T/v.ll"
	wasm-codegen -c -o "$T/v.o" "$T/v.ll"
	run wasm-link -o "$T/v.so" "$T/v.o"
	[ "$status" -eq 1 ]
	[[ "$output" == *"contract magic 0x544f4157 version 99 size 184, expected 0x544f4157 3 184" ]]
	[ ! -e "$T/v.so" ]
}

@test "a contract of the wrong size is refused" {
	printf '__attribute__((visibility("default"))) const int wasm_aot_contract[4] = {1};\n' > "$T/s.c"
	cc -fPIC -c "$T/s.c" -o "$T/s.o"
	run wasm-link -o "$T/s.so" "$T/s.o"
	[ "$status" -eq 1 ]
	[[ "$output" == *"wasm_aot_contract has size 16, expected 184" ]]
}

@test "--check reads the ELF itself: undefined symbols, exports, libraries, constructors" {
	contract_c > "$T/c.c"
	printf 'int g(void);\nint f(void) { return g(); }\n' >> "$T/c.c"
	cc -fPIC -shared -nostdlib -I"$BATS_TEST_DIRNAME/../lib" -o "$T/c.so" "$T/c.c"
	run wasm-link --check "$T/c.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-link: $T/c.so: damaged, or not made by wasm-link: no integrity digest at the end of the file" ]
	# sealed by hand, so that the checks behind the digest are reached
	wasm-link --seal "$T/c.so"
	run wasm-link --check "$T/c.so"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/c.so: undefined symbol: g"* ]]
	[[ "$output" == *"$T/c.so: exports f; only wasm_aot_contract may be exported"* ]]
	contract_c > "$T/n.c"
	cc -fPIC -shared -nostdlib -I"$BATS_TEST_DIRNAME/../lib" -o "$T/n.so" "$T/n.c" \
		-Wl,--no-as-needed -lc
	wasm-link --seal "$T/n.so"
	run wasm-link --check "$T/n.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-link: $T/n.so: needs the library libc.so.6" ]
	printf '__attribute__((constructor)) static void c(void) {}\n' >> "$T/n.c"
	cc -fPIC -shared -nostdlib -I"$BATS_TEST_DIRNAME/../lib" -o "$T/i.so" "$T/n.c"
	wasm-link --seal "$T/i.so"
	run wasm-link --check "$T/i.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-link: $T/i.so: has code that runs when it is loaded or unloaded" ]
	printf 'not elf' > "$T/junk.so"
	wasm-link --seal "$T/junk.so"
	run wasm-link --check "$T/junk.so"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not an x86-64 ELF shared object"* ]]
}

@test "--check accepts what wasm-codegen made" {
	wasm-codegen -o "$T/t.so" "$D/tiny.ll"
	wasm-link --check "$T/t.so"
}

@test "the builtins archive: found, overridable, and agreeing with libm and libc" {
	a=$(wasm-link --print-builtins)
	[ -r "$a" ]
	[ "$(WA_BUILTINS=/x/y.a wasm-link --print-builtins)" = /x/y.a ]
	[ "$(WA_BUILTINS=/x/y.a wasm-link --builtins /z.a --print-builtins)" = /z.a ]
	run sh -c "nm -u '$a' | grep -v ':\$' | grep ."
	[ -z "$output" ]
	objcopy --prefix-symbols=wa_ "$a" "$T/pref.a"
	cc -O1 -fno-builtin -o "$T/builtins" "$BATS_TEST_DIRNAME/wasm-link/builtins.c" "$T/pref.a" -lm
	run "$T/builtins"
	[ "$status" -eq 0 ]
	[ "$output" = "0 differences" ]
}

@test "a missing builtins archive is a clear error" {
	wasm-codegen -c -o "$T/t.o" "$D/tiny.ll"
	run wasm-link --builtins "$T/nope.a" -o "$T/t.so" "$T/t.o"
	[ "$status" -eq 1 ]
	[[ "$output" == *nope.a* ]]
	[ ! -e "$T/t.so" ]
}

@test "no temporary files are left behind" {
	mkdir "$T/tmp"
	wasm-codegen -c -o "$T/t.o" "$D/tiny.ll"
	TMPDIR=$T/tmp wasm-link -o "$T/t.so" "$T/t.o"
	wasm-codegen -c -o "$T/u.o" "$D/undefined.ll"
	TMPDIR=$T/tmp run wasm-link -o "$T/u.so" "$T/u.o"
	[ "$status" -eq 1 ]
	[ -z "$(ls -A "$T/tmp")" ]
}

@test "usage errors exit 2" {
	run wasm-link
	[ "$status" -eq 2 ]
	run wasm-link -o x.so
	[ "$status" -eq 2 ]
	run wasm-link --frobnicate x.o
	[ "$status" -eq 2 ]
	run wasm-link -h
	[ "$status" -eq 0 ]
}
