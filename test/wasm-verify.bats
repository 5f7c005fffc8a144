#!/usr/bin/env bats
# wasm-verify: valid modules pass through unchanged; invalid ones get
# `wasm-verify: FILE:LINE: message` (compared with .err goldens, path
# stripped) and exit status 1.  UPDATE_GOLDEN=1 rewrites the goldens.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	D=$BATS_TEST_DIRNAME/wasm-verify
}

valid() {
	run wasm-verify "$D/$1.wat"
	echo "$output"
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

# valid modules: the output is the input, byte for byte
@test "blocks with parameters and multi-value results" { valid valid-blocks; }
@test "the polymorphic stack after unreachable and br" { valid valid-polymorphic; }
@test "declared function references, passive data" { valid valid-refs; }
@test "tables, reference instructions, typed select, every elem form" { valid valid-tables; }
@test "SIMD: memory lanes, shuffles, extract and replace lane" { valid valid-simd; }
@test "imports, mutable imported global, constant global.get, bulk memory" { valid valid-imports; }
@test "number syntax: hex, underscores, signs, hex floats, nan payloads, v128 shapes" { valid valid-literals; }
@test "comments, free whitespace, no index comments, escaped names, custom section" { valid valid-comments; }
@test "symbolic \$id references, named locals and labels, inline exports" { valid valid-symbolic; }
@test "folded instructions, structured if with then and else" { valid valid-folded; }
@test "a module given by its fields alone, without (module ...)" { valid valid-bare-fields; }

# operand stack typing
@test "result type mismatch" { invalid type-mismatch; }
@test "operand type mismatch" { invalid operand-type; }
@test "values left on the stack" { invalid stack-leftover; }
@test "known types are still checked after unreachable" { invalid polymorphic-known; }
@test "block parameters of the wrong type" { invalid block-params; }
@test "if without else must not produce values" { invalid if-no-else; }
@test "else branch of the wrong type" { invalid else-mismatch; }
@test "return of the wrong type" { invalid return-type; }
@test "br_if carrying the wrong type" { invalid br-if-type; }
@test "br_table targets of different arity" { invalid br-table-arity; }
@test "untyped select on references" { invalid select-ref; }
@test "type error inside a folded expression" { invalid folded-type; }

# indices, immediates, references
@test "unknown label" { invalid bad-label; }
@test "unknown local" { invalid bad-local; }
@test "unknown function" { invalid unknown-func; }
@test "unknown data segment" { invalid unknown-data; }
@test "memory instruction without a memory" { invalid no-memory; }
@test "assignment to an immutable global" { invalid immutable-global; }
@test "alignment larger than natural" { invalid alignment; }
@test "lane index out of range" { invalid lane-index; }
@test "memory lane index out of range" { invalid load-lane; }
@test "shuffle lane index out of range" { invalid shuffle-lane; }
@test "undeclared function reference" { invalid undeclared-ref; }
@test "call_indirect through an externref table" { invalid call-indirect-extern; }
@test "table.copy between tables of different types" { invalid table-copy-types; }
@test "table.init from a segment of another type" { invalid table-init-types; }

# module-level rules
@test "non-constant global initializer" { invalid const-expr; }
@test "constant global.get of a defined global" { invalid const-defined-global; }
@test "constant global.get of a mutable global" { invalid const-mutable-global; }
@test "constant expression of the wrong type" { invalid const-type; }
@test "element segment type against its table" { invalid elem-type; }
@test "duplicate export name" { invalid duplicate-export; }
@test "start function with parameters" { invalid start-type; }
@test "unknown start function" { invalid unknown-start; }
@test "two memories" { invalid two-memories; }
@test "an imported and a defined memory" { invalid imported-memories; }
@test "memory minimum above maximum" { invalid limits; }
@test "memory above 65536 pages" { invalid memory-pages; }

# syntax errors in the text
@test "constant out of range is a syntax error" { invalid syntax; }
@test "unknown instruction" { invalid syntax-unknown-instr; }
@test "float literal out of range" { invalid syntax-float-range; }
@test "underscores only between digits" { invalid syntax-underscore; }
@test "(type N) and inline (param) that disagree" { invalid syntax-typeuse; }
@test "nan payload of zero" { invalid syntax-nan-payload; }
@test "v128.const with too few lanes" { invalid syntax-v128-lanes; }
@test "unknown \$id" { invalid syntax-unknown-name; }
@test "\$id defined twice" { invalid syntax-duplicate-id; }
@test "unterminated string" { invalid syntax-unterminated-string; }
@test "text ends inside a function" { invalid syntax-truncated; }
@test "a name that is not UTF-8" { invalid syntax-name-utf8; }
@test "an import after a definition of another kind" { invalid syntax-import-order; }
@test "a param after a result" { invalid syntax-param-order; }
@test "a named param in a block type" { invalid syntax-block-param-id; }
@test "a named param in call_indirect" { invalid syntax-call-indirect-param-id; }
@test "end with another block's label" { invalid syntax-end-label; }
@test "a reserved character in an atom" { invalid syntax-reserved; }
@test "a keyword and a string with no space between" { invalid syntax-string-space; }
@test "an index past 32 bits" { invalid syntax-index-range; }
@test "a limit past 32 bits" { invalid syntax-limit-range; }
@test "a memory offset past 32 bits" { invalid syntax-offset-range; }
@test "a lane index past a byte" { invalid syntax-lane-range; }

# robustness: explicit stacks, never a crash
@test "100000 nested blocks are checked without recursion" {
	awk 'BEGIN { n = 100000
		print "(module\n  (type (;0;) (func))\n  (func (;0;) (type 0)"
		for (i = 0; i < n; i++) print "block"
		for (i = 0; i < n; i++) print "end"
		print "  )\n)" }' > "$BATS_TEST_TMPDIR/deep.wat"
	run wasm-verify -o "$BATS_TEST_TMPDIR/out.wat" "$BATS_TEST_TMPDIR/deep.wat"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/deep.wat" "$BATS_TEST_TMPDIR/out.wat"
}

@test "100000 nested folded instructions are flattened without recursion" {
	awk 'BEGIN { n = 100000
		printf "(module\n  (func (result i32)\n"
		for (i = 0; i < n; i++) printf "(i32.add (i32.const 1) "
		printf "(i32.const 1)"
		for (i = 0; i < n; i++) printf ")"
		printf "\n  )\n)\n" }' > "$BATS_TEST_TMPDIR/folded.wat"
	run wasm-verify -o "$BATS_TEST_TMPDIR/out.wat" "$BATS_TEST_TMPDIR/folded.wat"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/folded.wat" "$BATS_TEST_TMPDIR/out.wat"
}

@test "100000 nested parentheses are an error, not a stack overflow" {
	awk 'BEGIN { printf "(module "; for (i = 0; i < 100000; i++) printf "("; print "" }' \
		> "$BATS_TEST_TMPDIR/parens.wat"
	run wasm-verify "$BATS_TEST_TMPDIR/parens.wat"
	[ "$status" -eq 1 ]
	[[ "$output" == wasm-verify:*parens.wat:1:* ]]
}

@test "every truncation of a valid module is rejected cleanly" {
	local f=$D/valid-tables.wat n i st
	n=$(wc -c < "$f")
	# from 1 byte: the empty text is the empty module, valid
	for ((i = 1; i < n - 2; i += 7)); do
		head -c "$i" "$f" > "$BATS_TEST_TMPDIR/cut.wat"
		st=0
		wasm-verify "$BATS_TEST_TMPDIR/cut.wat" > /dev/null 2>&1 || st=$?
		[ "$st" -eq 1 ] || { echo "status $st at $i bytes"; false; }
	done
}

# the command line
@test "reads standard input and writes -o FILE" {
	wasm-verify -o "$BATS_TEST_TMPDIR/out.wat" < "$D/valid-refs.wat"
	cmp "$BATS_TEST_TMPDIR/out.wat" "$D/valid-refs.wat"
}

@test "nothing is written to -o FILE for an invalid module" {
	run wasm-verify -o "$BATS_TEST_TMPDIR/out.wat" "$D/type-mismatch.wat"
	[ "$status" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/out.wat" ]
}

@test "usage errors exit 2" {
	run wasm-verify --no-such-option
	[ "$status" -eq 2 ]
	run wasm-verify a.wat b.wat
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
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/x.wat")" ]
}
