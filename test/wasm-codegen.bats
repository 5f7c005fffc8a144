#!/usr/bin/env bats
# wasm-codegen: LLVM IR to objects and shared objects, the CPU recorded
# in the contract, the sandbox attributes kept, bad IR refused.

setup_file() {
	# reads the contract of a .so back through dlopen, as the runtime does
	cc -I"$BATS_TEST_DIRNAME/../lib" -o "$BATS_FILE_TMPDIR/contract-cpu" \
		"$BATS_TEST_DIRNAME/wasm-codegen/contract-cpu.c" -ldl
}

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-codegen
	T=$BATS_TEST_TMPDIR
}

contract_cpu() {
	"$BATS_FILE_TMPDIR/contract-cpu" "$1"
}

@test "an object for the default CPU" {
	wasm-codegen -o "$T/t.o" "$D/tiny.ll"
	file "$T/t.o" | grep -q 'ELF 64-bit LSB relocatable, x86-64'
}

@test "reads standard input, text or bitcode" {
	wasm-codegen -o "$T/a.o" < "$D/tiny.ll"
	llvm-as -o "$T/tiny.bc" "$D/tiny.ll"
	wasm-codegen -o "$T/b.o" "$T/tiny.bc"
	wasm-codegen -o "$T/c.o" - < "$T/tiny.bc"
	file "$T/c.o" | grep -q 'ELF 64-bit LSB relocatable, x86-64'
}

@test "-o x.so links through wasm-link; only the contract is exported" {
	wasm-codegen -o "$T/t.so" "$D/tiny.ll"
	run sh -c "readelf -W --dyn-syms '$T/t.so' | awk 'NR > 3 && \$7 != \"UND\" {print \$8}'"
	[ "$output" = "wasm_aot_contract" ]
}

@test "-c writes an object even when the name ends in .so" {
	wasm-codegen -c -o "$T/t.so" "$D/tiny.ll"
	file "$T/t.so" | grep -q 'relocatable'
}

@test "the default CPU x86-64-v2 is recorded as SSSE3, SSE4.1, SSE4.2, POPCNT" {
	wasm-codegen -o "$T/t.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/t.so")" = "0x407 x86-64-v2" ]
}

@test "--target-cpu x86-64 records no features, x86-64-v3 AVX2 and friends" {
	wasm-codegen --target-cpu x86-64 -o "$T/a.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/a.so")" = "0 x86-64" ]
	wasm-codegen --target-cpu=x86-64-v3 -o "$T/b.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/b.so")" = "0x5ff x86-64-v3" ]
	wasm-codegen --target-cpu x86-64-v4 -o "$T/c.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/c.so")" = "0x7ff x86-64-v4" ]
}

@test "--target-cpu native records what /proc/cpuinfo lists" {
	[ -r /proc/cpuinfo ] || skip "no /proc/cpuinfo"
	wasm-codegen --target-cpu native -o "$T/n.so" "$D/tiny.ll"
	set -- $(contract_cpu "$T/n.so")
	[ "$2" != "" ] && [ "$2" != "(null)" ]
	flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
	bit=0
	# the WA_CPU_* bits of lib/contract.h in order, as cpuinfo names them
	for f in sse4_1 sse4_2 popcnt avx avx2 bmi1 bmi2 abm fma avx512f ssse3; do
		want=0 got=$(( ($1 >> bit) & 1 ))
		case $flags in *" $f "*) want=1 ;; esac
		# lzcnt (cpuinfo's abm) is read from CPUID by LLVM; some
		# hypervisors leave it out of the flags line, so only a
		# claim that cpuinfo confirms is checked for it
		[ $f = abm ] && [ $want = 0 ] && want=$got
		[ "$got" = "$want" ] || { echo "$f: contract $got, cpuinfo $want"; return 1; }
		bit=$((bit + 1))
	done
}

@test "-O0 to -O3, -S and --emit-llvm" {
	for o in -O0 -O1 -O2 -O3; do
		wasm-codegen $o -o "$T/t$o.o" "$D/tiny.ll"
	done
	wasm-codegen -S -o "$T/t.s" "$D/tiny.ll"
	grep -q 'wasm_aot_contract' "$T/t.s"
	wasm-codegen --emit-llvm -o "$T/t.ll" "$D/tiny.ll"
	grep -q 'c"x86-64-v2\\00"' "$T/t.ll"
}

@test "the optimised IR keeps the sandbox attributes of every function" {
	wasm-codegen -O3 --emit-llvm -o "$T/l.ll" "$D/libcalls.ll"
	n=$(grep -c '^define' "$T/l.ll")
	[ "$n" -eq 2 ]
	for f in rounding memory; do
		group=$(sed -n "s/^define .*@$f(.*) .*#\([0-9]*\) {$/\1/p" "$T/l.ll")
		line=$(grep "^attributes #$group = " "$T/l.ll")
		[[ $line == *'"probe-stack"="inline-asm"'* ]]
		[[ $line == *'"no-builtins"'* ]]
		[[ $line == *'"frame-pointer"="all"'* ]]
		[[ $line == *nounwind* ]]
		[[ $line == *'"disable-tail-calls"="true"'* ]]
	done
}

@test "recursion stays recursion, so that the stack check can trap" {
	for o in -O1 -O2 -O3; do
		wasm-codegen $o -S -o "$T/r.s" "$D/recursion.ll"
		# count calls itself; ping and pong call each other (pong may be inlined)
		sed -n '/^count:/,/^\.Lfunc_end/p' "$T/r.s" | grep -q 'callq.*count'
		sed -n '/^ping:/,/^\.Lfunc_end/p' "$T/r.s" | grep -Eq 'callq.*p[io]ng'
	done
}

@test "libcalls of rounding and memory intrinsics resolve in the .so, for every CPU and level" {
	for cpu in x86-64 x86-64-v2 x86-64-v3; do
		for o in -O0 -O2; do
			wasm-codegen $o --target-cpu $cpu -o "$T/l.so" "$D/libcalls.ll"
			run sh -c "readelf -W --dyn-syms '$T/l.so' | awk 'NR > 4 && \$7 == \"UND\"'"
			[ -z "$output" ]
		done
	done
	# the baseline really does call them
	wasm-codegen -O0 --target-cpu x86-64 -c -o "$T/l.o" "$D/libcalls.ll"
	nm -u "$T/l.o" | grep -qw floorf
	nm -u "$T/l.o" | grep -qw memmove
}

@test "invalid IR is refused with its location" {
	run wasm-codegen -o "$T/x.o" "$D/bad.ll"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "wasm-codegen: $D/bad.ll:2:20: use of undefined value '%undefined_value'" ]
	[ ! -e "$T/x.o" ]
}

@test "IR that parses but does not verify is refused" {
	printf 'define void @f() {\n  %%a = add i32 %%b, 1\n  %%b = add i32 %%a, 1\n  ret void\n}\n' > "$T/v.ll"
	run wasm-codegen -o "$T/x.o" "$T/v.ll"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "wasm-codegen: $T/v.ll: invalid module: Instruction does not dominate all uses!" ]
}

@test "bad bitcode is refused with a message" {
	printf 'BC\300\336garbage' > "$T/bad.bc"
	run wasm-codegen -o "$T/x.o" "$T/bad.bc"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-codegen: $T/bad.bc: invalid bitcode: "* ]]
}

@test "IR without a contract is refused" {
	printf 'define i32 @f() {\n  ret i32 0\n}\n' > "$T/plain.ll"
	run wasm-codegen -o "$T/p.o" "$T/plain.ll"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-codegen: $T/plain.ll: no wasm_aot_contract global with an initializer: not a wasm-lower module" ]
}

@test "a contract of the wrong shape is refused" {
	printf '@wasm_aot_contract = constant { i32, i32 } { i32 1, i32 2 }\n' > "$T/c.ll"
	run wasm-codegen -o "$T/p.o" "$T/c.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not have the contract's 32 fields" ]]
}

@test "an unknown CPU is refused" {
	run wasm-codegen --target-cpu pentium9000 -o "$T/x.o" "$D/tiny.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown CPU"* ]]
	run wasm-codegen --list-cpus
	[[ "$output" == *x86-64-v3* ]]
}

@test "a failed link leaves no temporary object" {
	mkdir "$T/tmp"
	TMPDIR=$T/tmp run wasm-codegen -o "$T/u.so" "$D/undefined.ll"
	[ "$status" -eq 1 ]
	[ -z "$(ls -A "$T/tmp")" ]
	[ ! -e "$T/u.so" ]
}

@test "usage errors exit 2, -h exits 0" {
	run wasm-codegen --what
	[ "$status" -eq 2 ]
	run wasm-codegen -O7 "$D/tiny.ll"
	[ "$status" -eq 2 ]
	run wasm-codegen -h
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
}
