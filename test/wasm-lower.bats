#!/usr/bin/env bats
# wasm-lower: module text to LLVM IR that LLVM's verifier accepts, with
# the trap paths, names and contract of the sandbox ABI.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-lower
	OPT=$(command -v opt || command -v opt-14)
	LLC=$(command -v llc || command -v llc-14)
	LLVM_DIS=$(command -v llvm-dis || command -v llvm-dis-14)
}

# Compare the IR of D/NAME.wat with D/NAME.out; UPDATE_GOLDEN=1
# rewrites it.
golden() {
	wasm-lower < "$D/$1.wat" > "$BATS_TEST_TMPDIR/$1.ll"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$BATS_TEST_TMPDIR/$1.ll" "$D/$1.out"
	fi
	diff -u "$D/$1.out" "$BATS_TEST_TMPDIR/$1.ll"
}

@test "a division lowers to IR that passes opt -passes=verify" {
	wasm-lower -o "$BATS_TEST_TMPDIR/d.ll" "$D/divide.wat"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/d.ll" -o /dev/null
}

@test "division by zero and overflow take the trap path with their codes" {
	run wasm-lower "$D/divide.wat"
	[ "$status" -eq 0 ]
	# WA_TRAP_DIV_ZERO = 2, WA_TRAP_INT_OVERFLOW = 3, through the trap
	# stub, with the function index 0
	[[ "$output" == *"@wasm_aot_trap(i8* %0, i32 2, i32 0, i64 0)"* ]]
	[[ "$output" == *"@wasm_aot_trap(i8* %0, i32 3, i32 0, i64 0)"* ]]
	[[ "$output" == *"sdiv i32"* ]]
}

@test "name-section names become the function symbols, under the prefix wasm:" {
	run wasm-lower "$D/divide.wat"
	[[ "$output" == *'define internal i32 @"wasm:divide"(i8* %0, i32 %1, i32 %2)'* ]]
}

# A name section naming functions llvm.trap, wasm_aot_contract, memcpy,
# floorf, our own wasm_func_N and wasm_tramp_T, twice the same, empty,
# with blanks and quotes, 1000 bytes long (test/wasm-lower/names.py).
@test "hostile function names compile, run, and keep distinct readable symbols" {
	T=$BATS_TEST_TMPDIR
	python3 "$D/names.py" "$T/n.wasm"
	# the binary straight to wasm-lower: duplicates and the empty name
	# reach it (the text format cannot carry them)
	wasm-lower -o "$T/n.ll" "$T/n.wasm"
	"$OPT" -passes=verify "$T/n.ll" -o /dev/null
	wasm-codegen -o "$T/n.so" "$T/n.ll"
	for k in $(seq 0 14); do
		[ "$(wasm-run --invoke f$k "$T/n.so")" = "$k" ]
	done
	nm "$T/n.so" | awk '$2 == "t" { print substr($3, 1, 40) }' | sort > "$T/syms"
	cat > "$T/want" <<-'EOF'
		wasm:#5
		wasm:a%20b%0a%23%25%22%5cc#6
		wasm:dup#3
		wasm:dup#4
		wasm:floorf
		wasm:llvm.memcpy.p0i8.p0i8.i64
		wasm:llvm.trap
		wasm:memcpy
		wasm:wasm:dup%233#12
		wasm:wasm_aot_contract
		wasm:wasm_func_8
		wasm:wasm_tramp_0
		wasm:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
		wasm:ünïcödé
		wasm_aot_interrupt
		wasm_aot_trap
		wasm_func_8
		wasm_tramp_0
	EOF
	printf '%b' "$(cat "$T/want")" | LC_ALL=C sort > "$T/want.sorted"
	LC_ALL=C sort "$T/syms" | diff -u "$T/want.sorted" -
	# the 1000-byte name is cut to 256 bytes, with its index
	nm "$T/n.so" | grep -q ' wasm:x\{256\}#10$'
	# the contract is still the one dynamic symbol
	[ "$(readelf -W --dyn-syms "$T/n.so" | awk '$7 != "UND" && NR > 3 { print $8 }')" = wasm_aot_contract ]
	# through the text: wasm-aot compiles it too
	wasm-aot -o "$T/t.so" "$T/n.wasm"
	[ "$(wasm-run --invoke f0 "$T/t.so")" = 0 ]
}

@test "a guest function named after a libcall does not receive the libcall" {
	T=$BATS_TEST_TMPDIR
	# at -O0 for the baseline CPU, f32.floor is a call to floorf
	wasm-lower "$D/hijack.wat" | wasm-codegen -O0 --target-cpu x86-64 -o "$T/h.so" -
	[ "$(wasm-run --invoke floor_of "$T/h.so" 2.5)" = 2 ]
	[ "$(wasm-run --invoke keep "$T/h.so")" = 42 ]
}

@test "a text \$id with any bytes becomes an escaped symbol" {
	printf '(module (func $a\\ffb\\00c (export "g") (result i32) i32.const 7))' > "$BATS_TEST_TMPDIR/u.wat"
	run wasm-lower "$BATS_TEST_TMPDIR/u.wat"
	[ "$status" -eq 0 ]
	[[ "$output" == *'define internal i32 @"wasm:a%ffb%00c#0"(i8* %0)'* ]]
}

@test "the contract is the one exported global" {
	run wasm-lower "$D/multi.wat"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^@wasm_aot_contract = constant')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c '^define [^i]')" -eq 0 ] # everything else internal
}

@test "multi-value, loops, tables, memory, globals and data verify" {
	wasm-lower -o "$BATS_TEST_TMPDIR/m.ll" "$D/multi.wat"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/m.ll" -o /dev/null
	grep -q 'define internal { i32, i64 } @"wasm:pair"' "$BATS_TEST_TMPDIR/m.ll"
	grep -q 'c"hello"' "$BATS_TEST_TMPDIR/m.ll"
}

@test "the output optimises with opt -O2 and compiles with llc" {
	wasm-lower -o "$BATS_TEST_TMPDIR/m.ll" "$D/multi.wat"
	"$OPT" -O2 "$BATS_TEST_TMPDIR/m.ll" -o "$BATS_TEST_TMPDIR/m.bc"
	LLC=$(command -v llc || command -v llc-14)
	"$LLC" -relocation-model=pic -filetype=obj "$BATS_TEST_TMPDIR/m.bc" -o "$BATS_TEST_TMPDIR/m.o"
	[ -s "$BATS_TEST_TMPDIR/m.o" ]
}

@test "a clang-compiled C program lowers and verifies" {
	printf '#include <stdio.h>\nint main(int c, char **v){printf("%%d\\n", c);return 0;}\n' > "$BATS_TEST_TMPDIR/x.c"
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$BATS_TEST_TMPDIR/x.c" -o "$BATS_TEST_TMPDIR/x.wasm"
	wasm-parse "$BATS_TEST_TMPDIR/x.wasm" | wasm-verify | wasm-lower -o "$BATS_TEST_TMPDIR/x.ll"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/x.ll" -o /dev/null
}

@test "invalid text is refused with a message, not a crash" {
	run wasm-lower "$D/stack.wat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"stack.wat:4: function 0: i32.add: operand stack underflow"* ]]
}

@test "--bounds-checks records the mode and checks every access" {
	wasm-lower --bounds-checks -o "$BATS_TEST_TMPDIR/b.ll" "$D/multi.wat"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/b.ll" -o /dev/null
}

@test "usage errors exit 2" {
	run wasm-lower --nonsense
	[ "$status" -eq 2 ]
}

@test "golden: a named function, its trampoline and the contract" {
	golden add
}

@test "golden: SIMD lanes, loads, shuffles and conversions" {
	golden simd
}

# test/wasm-lower/fold.wat's comments say which loads take the fold
@test "golden: a load at p + c after an access at p folds c into its 64-bit offset" {
	golden fold
	"$OPT" -passes=verify "$D/fold.out" -o /dev/null
}

@test "folding: a load under --elide-dead-loads proves nothing; a bounds-checked one does" {
	wasm-lower --elide-dead-loads -o "$BATS_TEST_TMPDIR/e.ll" "$D/fold.wat"
	wasm-lower --bounds-checks -o "$BATS_TEST_TMPDIR/b.ll" "$D/fold.wat"
	# chain: p + 8 and p + 12 after the load at p
	awk '/^define internal i32 @"wasm:chain"/,/^}/' "$BATS_TEST_TMPDIR/e.ll" > "$BATS_TEST_TMPDIR/e.chain"
	awk '/^define internal i32 @"wasm:chain"/,/^}/' "$BATS_TEST_TMPDIR/b.ll" > "$BATS_TEST_TMPDIR/b.chain"
	! grep -q 'add i64 %[0-9]*, 8$' "$BATS_TEST_TMPDIR/e.chain" || false
	grep -q 'add i32 %[0-9]*, 8$' "$BATS_TEST_TMPDIR/e.chain"
	grep -q 'add i64 %[0-9]*, 8$' "$BATS_TEST_TMPDIR/b.chain"
	grep -q 'add i64 %[0-9]*, 12$' "$BATS_TEST_TMPDIR/b.chain"
}

@test "SIMD lowers to IR that verifies and compiles for x86-64-v2" {
	wasm-lower -o "$BATS_TEST_TMPDIR/s.ll" "$D/simd.wat"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/s.ll" -o /dev/null
	"$LLC" -O2 -mcpu=x86-64-v2 -relocation-model=pic -filetype=obj "$BATS_TEST_TMPDIR/s.ll" -o "$BATS_TEST_TMPDIR/s.o"
	# swizzle: portable IR (masked lane extracts, out-of-range lanes
	# cleared by a compare) that the x86 backend turns into pshufb
	grep -q 'icmp ult <16 x i8>' "$BATS_TEST_TMPDIR/s.ll"
	objdump -d "$BATS_TEST_TMPDIR/s.o" | grep -q pshufb
	# f32x4.min: NaN check (uno) and the -0/+0 merge of the equal case
	grep -q 'fcmp uno <4 x float>' "$BATS_TEST_TMPDIR/s.ll"
	# trunc_sat: NaN and out-of-range lanes clamped before a plain fptoui
	grep -q 'fcmp ord <2 x double>' "$BATS_TEST_TMPDIR/s.ll"
	grep -q 'fptoui <2 x double> %[0-9]* to <2 x i32>' "$BATS_TEST_TMPDIR/s.ll"
}

@test "br_table edges, loop parameters and dead code verify" {
	wasm-lower -o "$BATS_TEST_TMPDIR/c.ll" "$D/control.wat"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/c.ll" -o /dev/null
	"$OPT" -O2 "$BATS_TEST_TMPDIR/c.ll" -o "$BATS_TEST_TMPDIR/c.bc"
}

@test "every guard-mode load goes into the sink, so it can still trap" {
	wasm-lower -o "$BATS_TEST_TMPDIR/c.ll" "$D/control.wat"
	# each load's value is xored into the function's i32 sink
	awk '/= load i32, i32\* %[0-9]*, align 1$/ { loads[$1] = 1 }
	     /= xor i32 / { sub(/^.*, /, ""); xored[$0] = 1 }
	     END { n = 0; for (l in loads) { n++; if (!(l in xored)) { print "not kept: " l; exit 1 } }
	           if (n == 0) { print "no loads"; exit 1 } }' "$BATS_TEST_TMPDIR/c.ll"
	# the sink reaches an asm at the return and the trap stub
	grep -q 'call void asm sideeffect "", "r"(i64 %' "$BATS_TEST_TMPDIR/c.ll"
	# and at -O2 the load whose value is dropped is still there
	"$OPT" -O2 "$BATS_TEST_TMPDIR/c.ll" -S -o "$BATS_TEST_TMPDIR/c2.ll"
	grep -q '= load i32, i32\* %[0-9]*, align 1' "$BATS_TEST_TMPDIR/c2.ll"
}

@test "x * 1.0 is kept, so a signalling NaN comes out quiet" {
	run wasm-lower "$D/control.wat"
	[[ "$output" == *"@llvm.experimental.constrained.fmul.f32(float %"*", float 1.000000e+00"* ]]
}

@test "guard mode checks no access; bounds-check mode checks each" {
	wasm-lower -o "$BATS_TEST_TMPDIR/g.ll" "$D/simd.wat"
	wasm-lower --bounds-checks -o "$BATS_TEST_TMPDIR/b.ll" "$D/simd.wat"
	# WA_TRAP_MEM_OOB is 5: wasm_aot_trap(ctx, 5, function, sink)
	[ "$(grep -c 'wasm_aot_trap(i8\* %0, i32 5, i32 [0-9]*,' "$BATS_TEST_TMPDIR/g.ll")" -eq 0 ]
	[ "$(grep -c 'wasm_aot_trap(i8\* %0, i32 5, i32 [0-9]*,' "$BATS_TEST_TMPDIR/b.ll")" -ge 1 ]
	grep -q 'i32 -1, i32 1, i64 4294967296, i64 0' "$BATS_TEST_TMPDIR/b.ll"
}

@test "-h prints the usage and exits 0" {
	run wasm-lower -h
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
}

@test "--elide-dead-loads leaves the sinks out; bounds-check mode needs none" {
	wasm-lower -o "$BATS_TEST_TMPDIR/g.ll" "$D/control.wat"
	wasm-lower --elide-dead-loads -o "$BATS_TEST_TMPDIR/e.ll" "$D/control.wat"
	wasm-lower --bounds-checks -o "$BATS_TEST_TMPDIR/b.ll" "$D/control.wat"
	grep -q 'alloca <2 x i64>' "$BATS_TEST_TMPDIR/g.ll"
	grep -q '= load i32, i32\* %[0-9]*, align 1$' "$BATS_TEST_TMPDIR/e.ll"
	! grep -q 'alloca <2 x i64>' "$BATS_TEST_TMPDIR/e.ll" || false
	! grep -q 'alloca <2 x i64>' "$BATS_TEST_TMPDIR/b.ll" || false
}

@test "--split writes partitions: each function defined once, the contract in the first" {
	python3 "$BATS_TEST_DIRNAME/../bench/gen-big.py" "$BATS_TEST_TMPDIR/big" 3 40 >/dev/null
	for c in "$BATS_TEST_TMPDIR"/big/*.c; do
		clang --target=wasm32-wasi --sysroot=/usr -O2 -c "$c" -o "${c%.c}.o"
	done
	clang --target=wasm32-wasi --sysroot=/usr -nostartfiles -Wl,--no-entry -Wl,--export-all \
		"$BATS_TEST_TMPDIR"/big/*.o -lm -o "$BATS_TEST_TMPDIR/big.wasm"
	P=$BATS_TEST_TMPDIR/parts
	mkdir "$P"
	touch "$P/p63.bc" "$P/p63.o"   # left by an earlier split: removed
	wasm-lower --split "$P" "$BATS_TEST_TMPDIR/big.wasm"
	[ ! -e "$P/p63.bc" ] && [ ! -e "$P/p63.o" ]
	n=$(ls "$P" | grep -c '^p[0-9][0-9]\.bc$')
	[ "$n" -ge 3 ]
	for f in "$P"/p*.bc; do
		"$LLVM_DIS" "$f" -o "${f%.bc}.ll"
	done
	grep -q '^@wasm_aot_contract = ' "$P/p00.ll"
	! grep -q '^@wasm_aot_contract = ' "$P"/p0[1-9].ll || false
	grep -q '"wasm-aot.partition", i32 1}' "$P/p01.ll"
	# every function defined in exactly one partition, as a hidden global
	wasm-lower "$BATS_TEST_TMPDIR/big.wasm" -o "$BATS_TEST_TMPDIR/one.ll"
	sed -n 's/^define internal [^@]*\(@[^(]*\)(.*/\1/p' "$BATS_TEST_TMPDIR/one.ll" |
		grep -v '^@wasm_\(tramp\|import_adapter\|aot_trap\|aot_interrupt\)' | sort > "$BATS_TEST_TMPDIR/want"
	cat "$P"/p*.ll | sed -n 's/^define hidden [^@]*\(@[^(]*\)(.*/\1/p' | sort > "$BATS_TEST_TMPDIR/got"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -ge 100 ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# and the same module gives the same partitions
	wasm-lower --split "$BATS_TEST_TMPDIR/again" "$BATS_TEST_TMPDIR/big.wasm"
	for f in "$P"/p*.bc; do cmp "$f" "$BATS_TEST_TMPDIR/again/${f##*/}"; done
}

@test "-o x.bc writes bitcode" {
	wasm-lower -o "$BATS_TEST_TMPDIR/a.bc" "$D/add.wat"
	[ "$(head -c 2 "$BATS_TEST_TMPDIR/a.bc")" = BC ]
	"$LLVM_DIS" "$BATS_TEST_TMPDIR/a.bc" -o - | grep -q '^@wasm_aot_contract = '
}

# wasm-lower does not take the verifier's word for the indices the
# runtime helpers and the generated code index arrays with
@test "instructions naming a missing memory, segment, table or function are refused" {
	while IFS='|' read -r body want; do
		printf '(module (type (func)) (table 1 externref) (func (type 0) %s))' "$body" \
			> "$BATS_TEST_TMPDIR/i.wat"
		run wasm-lower "$BATS_TEST_TMPDIR/i.wat"
		echo "$body: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *": function 0: $want" ]]
	done <<-'EOF2'
		memory.size drop|memory.size: no memory
		i32.const 0 memory.grow drop|memory.grow: no memory
		i32.const 0 i32.const 0 i32.const 0 memory.fill|memory.fill: no memory
		data.drop 3|data.drop: data segment 3 or memory out of range
		elem.drop 3|elem.drop: element segment 3 out of range
		i32.const 0 i32.const 0 i32.const 0 table.copy 0 4|table.copy: tables 0 and 4 out of range or of different types
		i32.const 0 ref.null extern i32.const 0 table.fill 5|table.fill: table 5 out of range
		ref.null extern i32.const 0 table.grow 3 drop|table.grow: table 3 out of range
		i32.const 0 call_indirect (type 0)|call_indirect: type 0 or funcref table 0 out of range
		call 7|call: function 7 out of range
	EOF2
}

# The stack-limit and interrupt checks at function entry: every function
# that loops, calls or is big (in instructions or in locals) has both; a
# small leaf has neither (its time is bounded by its size, its frame
# fits in the stack margin) and no frame pointer.
@test "entry checks: a function that loops, calls or is big has them; a small leaf not" {
	wasm-lower -o "$BATS_TEST_TMPDIR/l.ll" "$D/leaf.wat"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/l.ll" -o /dev/null
	checks() {
		awk -v f="$1" '$1 == "define" && index($0, "@\"wasm:" f "\"(") { on = 1 }
			on && /llvm.frameaddress/ { fp = 1 }
			on && /call void @wasm_aot_interrupt/ { ir = 1 }
			on && /^}/ { print fp + 0, ir + 0; exit }' "$BATS_TEST_TMPDIR/l.ll"
	}
	[ "$(checks leaf)" = "0 0" ]
	[ "$(checks loops)" = "1 1" ]
	[ "$(checks calls)" = "1 1" ]
	[ "$(checks long)" = "1 1" ]
	[ "$(checks big)" = "1 1" ]
	# the attribute group of the leaf says "non-leaf", the others "all"
	grp=$(awk '$1 == "define" && index($0, "@\"wasm:leaf\"(") { print $NF == "{" ? $(NF-1) : $NF }' "$BATS_TEST_TMPDIR/l.ll")
	grep -q "^attributes $grp = .*\"frame-pointer\"=\"non-leaf\"" "$BATS_TEST_TMPDIR/l.ll"
	[ "$(grep -c '"frame-pointer"="all"' "$BATS_TEST_TMPDIR/l.ll")" -ge 1 ]
	# and they run
	wasm-codegen -o "$BATS_TEST_TMPDIR/l.so" "$BATS_TEST_TMPDIR/l.ll"
	[ "$(wasm-run --invoke leaf "$BATS_TEST_TMPDIR/l.so" 41)" = 42 ]
	[ "$(wasm-run --invoke calls "$BATS_TEST_TMPDIR/l.so" 1)" = 2 ]
	[ "$(wasm-run --invoke loops "$BATS_TEST_TMPDIR/l.so" 5)" = 0 ]
	[ "$(wasm-run --invoke big "$BATS_TEST_TMPDIR/l.so" 41)" = 42 ]
	[ "$(wasm-run --invoke long "$BATS_TEST_TMPDIR/l.so" 0)" = 300 ]
}
