#!/usr/bin/env bats
# wasm-codegen: LLVM IR to objects and shared objects, the CPU recorded
# in the contract, bad IR refused.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-codegen
}

# contract_cpu SO: the contract's cpu_features (the u64 at offset 160 of
# struct wa_contract), as hex, read from the file through its section
contract_cpu() {
	local addr name type a off size rest
	addr=$((0x$(readelf -W --dyn-syms "$1" | awk '$8 == "wasm_aot_contract" {print $2; exit}')))
	while read -r name type a off size rest; do
		case $a$off$size in *[!0-9a-f]*|"") continue ;; esac
		if [ $((0x$a)) -ne 0 ] && [ "$addr" -ge $((0x$a)) ] && [ "$addr" -lt $((0x$a + 0x$size)) ]; then
			od -An -tx8 -j $((addr - 0x$a + 0x$off + 160)) -N 8 "$1" | tr -d ' '
			return
		fi
	done <<EOS
$(readelf -WS "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p')
EOS
}

@test "an object for the default CPU" {
	wasm-codegen -o "$BATS_TEST_TMPDIR/t.o" "$D/tiny.ll"
	file "$BATS_TEST_TMPDIR/t.o" | grep -q 'ELF 64-bit LSB relocatable, x86-64'
}

@test "-o x.so links through wasm-link; only the contract is exported" {
	wasm-codegen -o "$BATS_TEST_TMPDIR/t.so" "$D/tiny.ll"
	run sh -c "readelf -W --dyn-syms '$BATS_TEST_TMPDIR/t.so' | awk 'NR > 3 && \$7 != \"UND\" {print \$8}'"
	[ "$output" = "wasm_aot_contract" ]
}

@test "the default CPU x86-64-v2 is recorded as SSSE3, SSE4.1, SSE4.2, POPCNT" {
	wasm-codegen -o "$BATS_TEST_TMPDIR/t.so" "$D/tiny.ll"
	[ "$(contract_cpu "$BATS_TEST_TMPDIR/t.so")" = "0000000000000407" ]
}

@test "--target-cpu x86-64 records no features, x86-64-v3 records AVX2 and friends" {
	wasm-codegen --target-cpu x86-64 -o "$BATS_TEST_TMPDIR/a.so" "$D/tiny.ll"
	[ "$(contract_cpu "$BATS_TEST_TMPDIR/a.so")" = "0000000000000000" ]
	wasm-codegen --target-cpu x86-64-v3 -o "$BATS_TEST_TMPDIR/b.so" "$D/tiny.ll"
	[ "$(contract_cpu "$BATS_TEST_TMPDIR/b.so")" = "00000000000005ff" ]
}

@test "-O0 to -O3, -S and --emit-llvm" {
	for o in -O0 -O1 -O2 -O3; do
		wasm-codegen $o -o "$BATS_TEST_TMPDIR/t$o.o" "$D/tiny.ll"
	done
	wasm-codegen -S -o "$BATS_TEST_TMPDIR/t.s" "$D/tiny.ll"
	grep -q 'wasm_aot_contract' "$BATS_TEST_TMPDIR/t.s"
	wasm-codegen --emit-llvm -o "$BATS_TEST_TMPDIR/t.ll" "$D/tiny.ll"
	grep -q 'wasm_aot_cpu_name' "$BATS_TEST_TMPDIR/t.ll"
}

@test "invalid IR is refused with a message" {
	run wasm-codegen -o "$BATS_TEST_TMPDIR/x.o" "$D/bad.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-codegen: "*"bad.ll"*"undefined_value"* ]]
}

@test "IR without a contract is refused" {
	printf 'define i32 @f() {\n  ret i32 0\n}\n' > "$BATS_TEST_TMPDIR/plain.ll"
	run wasm-codegen -o "$BATS_TEST_TMPDIR/p.o" "$BATS_TEST_TMPDIR/plain.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no wasm_aot_contract"* ]]
}

@test "an unknown CPU is refused" {
	run wasm-codegen --target-cpu pentium9000 -o "$BATS_TEST_TMPDIR/x.o" "$D/tiny.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown CPU"* ]]
}

@test "usage errors exit 2" {
	run wasm-codegen --what
	[ "$status" -eq 2 ]
}
