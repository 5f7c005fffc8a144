#!/usr/bin/env bats
# wasm-verify: valid modules pass through unchanged; invalid ones get
# `wasm-verify: FILE:LINE: message` (compared with .err goldens, path
# stripped) and exit status 1.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-verify
}

valid() {
	run wasm-verify "$D/$1.wat"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$D/$1.wat")" ]
}

invalid() {
	local got
	run wasm-verify "$D/$1.wat"
	echo "$output"
	[ "$status" -eq 1 ]
	got=$(printf '%s\n' "$output" | sed "s|$D/||")
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		printf '%s\n' "$got" > "$D/$1.err"
	fi
	[ "$got" = "$(cat "$D/$1.err")" ]
}

@test "blocks with parameters and multi-value results" { valid valid-blocks; }
@test "the polymorphic stack after unreachable and br" { valid valid-polymorphic; }
@test "declared function references, passive data" { valid valid-refs; }
@test "result type mismatch" { invalid type-mismatch; }
@test "operand type mismatch" { invalid operand-type; }
@test "unknown label" { invalid bad-label; }
@test "unknown local" { invalid bad-local; }
@test "non-constant global initializer" { invalid const-expr; }
@test "alignment larger than natural" { invalid alignment; }
@test "lane index out of range" { invalid lane-index; }
@test "duplicate export name" { invalid duplicate-export; }
@test "start function with parameters" { invalid start-type; }
@test "undeclared function reference" { invalid undeclared-ref; }
@test "two memories" { invalid two-memories; }
@test "unknown data segment" { invalid unknown-data; }
@test "values left on the stack" { invalid stack-leftover; }
@test "assignment to an immutable global" { invalid immutable-global; }
@test "constant out of range is a syntax error" { invalid syntax; }
@test "memory minimum above maximum" { invalid limits; }

@test "reads standard input and writes -o FILE" {
	wasm-verify -o "$BATS_TEST_TMPDIR/out.wat" < "$D/valid-refs.wat"
	cmp "$BATS_TEST_TMPDIR/out.wat" "$D/valid-refs.wat"
}

@test "usage errors exit 2" {
	run wasm-verify --no-such-option
	[ "$status" -eq 2 ]
	run wasm-verify -h
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
}

@test "a missing file is a system error with strerror" {
	run wasm-verify "$BATS_TEST_TMPDIR/missing.wat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such file or directory" ]]
}

@test "a clang-compiled C program passes parse and verify" {
	printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > "$BATS_TEST_TMPDIR/x.c"
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$BATS_TEST_TMPDIR/x.c" -o "$BATS_TEST_TMPDIR/x.wasm"
	wasm-parse "$BATS_TEST_TMPDIR/x.wasm" > "$BATS_TEST_TMPDIR/x.wat"
	run wasm-verify "$BATS_TEST_TMPDIR/x.wat"
	[ "$status" -eq 0 ]
}
