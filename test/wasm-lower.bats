#!/usr/bin/env bats
# wasm-lower: module text to LLVM IR that LLVM's verifier accepts, with
# the trap paths, names and contract of the sandbox ABI.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-lower
	OPT=$(command -v opt || command -v opt-14)
}

@test "a division lowers to IR that passes opt -passes=verify" {
	wasm-lower -o "$BATS_TEST_TMPDIR/d.ll" "$D/divide.wat"
	"$OPT" -passes=verify "$BATS_TEST_TMPDIR/d.ll" -o /dev/null
}

@test "division by zero and overflow take the trap path with their codes" {
	run wasm-lower "$D/divide.wat"
	[ "$status" -eq 0 ]
	# WA_TRAP_DIV_ZERO = 2, WA_TRAP_INT_OVERFLOW = 3, through ctx->rt->trap
	[[ "$output" == *"i32 2)"* ]]
	[[ "$output" == *"i32 3)"* ]]
	[[ "$output" == *"sdiv i32"* ]]
}

@test "name-section names become the function symbols" {
	run wasm-lower "$D/divide.wat"
	[[ "$output" == *"define internal i32 @divide(i8* %0, i32 %1, i32 %2)"* ]]
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
	grep -q 'define internal { i32, i64 } @pair' "$BATS_TEST_TMPDIR/m.ll"
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
