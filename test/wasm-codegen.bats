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

@test "the default CPU is this machine's: the contract names it and the .so runs here" {
	wasm-codegen -o "$T/t.so" "$D/tiny.ll"
	set -- $(contract_cpu "$T/t.so")
	[ "$2" != x86-64-v2 ] && [ "$2" != "(null)" ]
	# the runtime refuses a .so whose features the machine lacks
	printf 'load m %s\n' "$T/t.so" | wasm-run --script - | grep -qx ok
}

@test "--target-cpu x86-64 records no features, v2, v3 and v4 theirs" {
	wasm-codegen --target-cpu x86-64 -o "$T/a.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/a.so")" = "0 x86-64" ]
	# sse3 ssse3 sse4.1 sse4.2 popcnt cx16 sahf
	wasm-codegen --target-cpu x86-64-v2 -o "$T/b.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/b.so")" = "0x3c07 x86-64-v2" ]
	# and avx avx2 bmi bmi2 lzcnt fma movbe f16c
	wasm-codegen --target-cpu=x86-64-v3 -o "$T/c.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/c.so")" = "0xfdff x86-64-v3" ]
	# and avx512f, vl, bw, dq, cd
	wasm-codegen --target-cpu x86-64-v4 -o "$T/d.so" "$D/tiny.ll"
	[ "$(contract_cpu "$T/d.so")" = "0xfffff x86-64-v4" ]
}

@test "a .so for features the machine lacks is refused, naming them" {
	command -v qemu-x86_64 >/dev/null || skip "qemu-x86_64 (qemu-user) is not installed"
	wasm-codegen --target-cpu x86-64-v3 -o "$T/v3.so" "$D/tiny.ll"
	wasm-codegen --target-cpu x86-64-v2 -o "$T/v2.so" "$D/tiny.ll"
	# qemu's Nehalem has SSE4.2 and POPCNT, no AVX
	run qemu-x86_64 -cpu Nehalem "$(command -v wasm-run)" --script - <<-EOF
	load a $T/v3.so
	load b $T/v2.so
	EOF
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "error: "*"compiled for CPU x86-64-v3: this CPU lacks avx avx2 bmi bmi2 lzcnt fma movbe f16c"* ]]
	[ "${lines[1]}" = ok ]
}

@test "-O0 to -O3, -S and --emit-llvm" {
	for o in -O0 -O1 -O2 -O3; do
		wasm-codegen $o -o "$T/t$o.o" "$D/tiny.ll"
	done
	wasm-codegen -S -o "$T/t.s" "$D/tiny.ll"
	grep -q 'wasm_aot_contract' "$T/t.s"
	wasm-codegen --target-cpu x86-64-v2 --emit-llvm -o "$T/t.ll" "$D/tiny.ll"
	grep -q 'c"x86-64-v2\\00"' "$T/t.ll"
}

@test "--passes runs a pipeline of LLVM's; a bad one is an error, not a crash" {
	wasm-codegen --passes 'function(sroa,instcombine)' -o "$T/p.o" "$D/tiny.ll"
	file "$T/p.o" | grep -q 'ELF 64-bit LSB relocatable'
	run wasm-codegen --passes 'no-such-pass' -o "$T/q.o" "$D/tiny.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-codegen: --passes no-such-pass: "* ]]
	# refused by LLVM only when it meets a loop (it used to abort)
	wasm-lower -o "$T/loop.ll" "$D/../loops/counted.wat"
	run wasm-codegen --passes 'loop(licm)' -o "$T/q.o" "$T/loop.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-codegen: --passes loop(licm): "*MemorySSA* ]]
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

@test "a partition of wasm-lower --split needs no contract" {
	wasm-codegen -c -o "$T/part.o" "$D/part.ll"
	readelf -Ws "$T/part.o" | grep -q ' HIDDEN .* forty$'
	# every object says which CPU it is for
	readelf -WS "$T/part.o" | grep -q '\.wasm_aot\.cpu'
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

# The SLP vectoriser made scalar rotate-and-add code twice as slow with
# AVX-512 (passes.c): at -O2 it runs only on modules with wasm SIMD.
@test "the SLP vectoriser runs at -O2 only in modules with SIMD, and at -O3" {
	wasm-lower "$D/slp.wat" -o "$T/scalar.ll"
	wasm-codegen -O2 --target-cpu x86-64-v2 -S -o "$T/o2.s" "$T/scalar.ll"
	! grep -q paddd "$T/o2.s" || false
	wasm-codegen -O3 --target-cpu x86-64-v2 -S -o "$T/o3.s" "$T/scalar.ll"
	grep -q paddd "$T/o3.s"
	# the same function beside one that uses a v128
	sed '$ s/)$/\n  (func (export "simd") (result v128) (v128.const i32x4 1 2 3 4)))/' \
		"$D/slp.wat" > "$T/simd.wat"
	wasm-lower "$T/simd.wat" -o "$T/simd.ll"
	grep -q 'wasm-aot.simd' "$T/simd.ll"
	wasm-codegen -O2 --target-cpu x86-64-v2 -S -o "$T/simd.s" "$T/simd.ll"
	grep -q paddd "$T/simd.s"
}

# wasm-aot compiles the partitions of wasm-lower --split in one process:
# each FILE.bc gives FILE.o beside it, whatever the number of threads.
@test "several inputs: objects beside them, the same as one at a time, with any -j" {
	wasm-lower --split "$T/parts" "$D/slp.wat"
	cp "$D/tiny.ll" "$T/parts/tiny.ll"
	for f in "$T"/parts/p*.bc "$T/parts/tiny.ll"; do
		wasm-codegen -c -o "${f%.*}.one.o" "$f"
	done
	for j in 1 2 3; do
		wasm-codegen -c -j "$j" "$T"/parts/p*.bc "$T/parts/tiny.ll"
		for f in "$T"/parts/p*.bc "$T/parts/tiny.ll"; do
			cmp "${f%.*}.one.o" "${f%.*}.o"
		done
		rm "$T"/parts/p*[0-9].o "$T/parts/tiny.o"
	done
	# -S gives FILE.s
	wasm-codegen -S -j2 "$T/parts/tiny.ll" "$T"/parts/p00.bc
	grep -q 'wasm_aot_contract' "$T/parts/tiny.s"
}

@test "several inputs: -o, --emit-llvm and a bad -j are usage errors; a bad input is named" {
	run wasm-codegen -c -o "$T/x.o" "$D/tiny.ll" "$D/part.ll"
	[ "$status" -eq 2 ]
	run wasm-codegen --emit-llvm "$D/tiny.ll" "$D/part.ll"
	[ "$status" -eq 2 ]
	run wasm-codegen -j 0 "$D/tiny.ll"
	[ "$status" -eq 2 ]
	run wasm-codegen -jx "$D/tiny.ll"
	[ "$status" -eq 2 ]
	cp "$D/tiny.ll" "$D/bad.ll" "$T/"
	run wasm-codegen -c -j 2 "$T/tiny.ll" "$T/bad.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-codegen: $T/bad.ll:"* ]]
}

# The SLP vectoriser's switch is the process's (passes.c).
@test "several inputs must agree on the SLP vectoriser at -O2" {
	sed '$ s/)$/\n  (func (export "simd") (result v128) (v128.const i32x4 1 2 3 4)))/' \
		"$D/slp.wat" > "$T/simd.wat"
	wasm-lower "$T/simd.wat" -o "$T/simd.ll"
	wasm-lower "$D/slp.wat" -o "$T/scalar.ll"
	run wasm-codegen -c -O2 "$T/simd.ll" "$T/scalar.ll"
	[ "$status" -eq 1 ]
	[[ "$output" == *"needs the SLP vectoriser off, unlike $T/simd.ll"* ]]
	# at -O3 both want it
	wasm-codegen -c -O3 "$T/simd.ll" "$T/scalar.ll"
	[ -s "$T/simd.o" ] && [ -s "$T/scalar.o" ]
}

# wasm-lower xors every guard-mode load into a sink so that the optimiser
# keeps it; after the pipeline each such load gets an anchor of its own
# (an empty asm taking its value) and the xor chains go (anchors.c).
@test "after the pipeline every guest load has its own anchor and no sink is left" {
	wasm-lower "$D/anchors.wat" -o "$T/a.ll"
	grep -q ' xor ' "$T/a.ll"
	wasm-codegen -O2 --emit-llvm -o "$T/a.opt.ll" "$T/a.ll"
	! grep -q ' xor ' "$T/a.opt.ll" || false
	# guest loads are the ones of alignment 1: four, each anchored but
	# the one of the multiply
	run awk '/= load .*, align 1$/ { n++; l = $0; getline next_line; if (next_line !~ /asm sideeffect/) print l }
	         END { print n }' "$T/a.opt.ll"
	[ "${#lines[@]}" -eq 2 ] && [ "${lines[1]}" = 4 ]
	[[ "${lines[0]}" == *"load double"* ]]
	# the code still traps on the dead loads
	wasm-codegen -O2 -o "$T/a.so" "$T/a.ll"
	printf 'load m %s\ninvoke m sum i32:70000\ninvoke m div i32:65534 i32:1\ninvoke m scale i32:65532\n' \
		"$T/a.so" > "$T/a.script"
	run wasm-run --script "$T/a.script"
	[ "${lines[1]}" = "trap: out of bounds memory access" ]
	[ "${lines[2]}" = "trap: out of bounds memory access" ]
	[ "${lines[3]}" = "trap: out of bounds memory access" ]
}
