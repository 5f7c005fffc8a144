#!/usr/bin/env bats
# Implementation limits (lib/limits.h) of wasm-parse, wasm-verify and
# wasm-lower: each limit refuses a module one over it with status 1, the
# byte offset (binary) or line (text), and a message naming the limit
# and the option that raises it, and accepts one at it.  Modules come
# from test/limits/mkmod.py; limits are lowered with --limit so that
# the modules stay small.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	MK=$BATS_TEST_DIRNAME/limits/mkmod.py
	T=$BATS_TEST_TMPDIR
}

# one KIND LIMIT N: a module of KIND N+1 is refused with LIMIT=N by the
# binary reader (wasm-parse) and the text reader (wasm-verify,
# wasm-lower), and a module of KIND N is accepted.
one() {
	kind=$1 limit=$2 n=$3
	python3 "$MK" "$kind" "$n" "$T/ok.wasm"
	python3 "$MK" "$kind" $((n + 1)) "$T/over.wasm"
	wasm-parse --limit "$limit=$n" "$T/ok.wasm" > "$T/ok.wat"
	wasm-verify --limit "$limit=$n" "$T/ok.wat" > /dev/null
	run wasm-parse --limit "$limit=$n" "$T/over.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" =~ ^"wasm-parse: $T/over.wasm: 0x"[0-9a-f]+": ".*": $((n + 1)) is over the limit of $n (--limit $limit=N raises it)"$ ]]
	wasm-parse "$T/over.wasm" > "$T/over.wat"
	for tool in wasm-verify wasm-lower; do
		run $tool --limit "$limit=$n" "$T/over.wat"
		[ "$status" -eq 1 ]
		[[ "$output" =~ ^"$tool: $T/over.wat:"[0-9]+": ".*"is over the limit of $n (--limit $limit=N raises it)"$ ]]
	done
}

@test "types" { one types types 10; }
@test "functions" { one funcs functions 10; }
@test "imports" { one imports imports 10; }
@test "exports" { one exports exports 10; }
@test "globals" { one globals globals 10; }
@test "data segments" { one datas data-segments 10; }
@test "element segments" { one elems elem-segments 10; }
@test "elements of a segment" { one elemitems elem-items 10; }
@test "tables" { one tables tables 10; }
@test "table size" { one table table-size 10; }
@test "memory size" { one memory memory-pages 10; }
@test "parameters" { one params params 10; }
@test "results" { one results results 10; }
@test "locals" { one locals locals 10; }
@test "nesting" { one nest nesting 10; }

@test "body size: bytes in a binary, instructions in text" {
	# nops N: a body of N + 2 bytes (local count, N nops, end), N + 1
	# instructions
	python3 "$MK" nops 100 "$T/b.wasm"
	wasm-parse --limit body-size=102 "$T/b.wasm" > "$T/b.wat"
	run wasm-parse --limit body-size=101 "$T/b.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *": 0x15: bytes in the body of function 0: 102 is over the limit of 101 (--limit body-size=N raises it)" ]]
	wasm-verify --limit body-size=101 "$T/b.wat" > /dev/null
	run wasm-verify --limit body-size=100 "$T/b.wat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"b.wat:104: instructions in a body: 101 is over the limit of 100 (--limit body-size=N raises it)" ]]
}

@test "module size and locals of the whole module" {
	python3 "$MK" funcs 10 "$T/m.wasm"
	size=$(wc -c < "$T/m.wasm")
	wasm-parse --limit module-size="$size" "$T/m.wasm" > /dev/null
	run wasm-parse --limit module-size=$((size - 1)) "$T/m.wasm"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-parse: $T/m.wasm: 0x0: bytes in the module: $size is over the limit of $((size - 1)) (--limit module-size=N raises it)" ]
	# one function of 1,000 locals
	python3 "$MK" locals 1000 "$T/l.wasm"
	wasm-parse "$T/l.wasm" > "$T/l.wat"
	wasm-verify --limit module-locals=1000 "$T/l.wat" > /dev/null
	run wasm-verify --limit module-locals=999 "$T/l.wat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"locals declared in the module: 1000 is over the limit of 999"* ]]
}

@test "the defaults are the JS API's: 100,000 imports pass, 100,001 do not" {
	python3 "$MK" imports 100000 "$T/a.wasm"
	python3 "$MK" imports 100001 "$T/b.wasm"
	wasm-parse "$T/a.wasm" | wasm-verify > /dev/null
	run wasm-parse "$T/b.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *": 0x12: imports: 100001 is over the limit of 100000 (--limit imports=N raises it)" ]]
	wasm-parse --limit imports=100001 "$T/b.wasm" > /dev/null
	wasm-parse --no-limits "$T/b.wasm" > /dev/null
}

@test "a function of 8 MB is over the default body size; --limit and --no-limits take it" {
	python3 "$MK" nops 8000000 "$T/big.wasm"
	run wasm-parse "$T/big.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bytes in the body of function 0: 8000002 is over the limit of 7654321"* ]]
	wasm-parse --no-limits "$T/big.wasm" > "$T/big.wat"
	run wasm-verify "$T/big.wat"
	[ "$status" -eq 1 ]
	wasm-verify --limit body-size=8000001 "$T/big.wat" > /dev/null
	wasm-lower --no-limits -o /dev/null "$T/big.wat"
}

@test "bad limit options are usage errors, -h lists the limits" {
	for tool in wasm-parse wasm-verify wasm-lower; do
		for bad in "--limit" "--limit types" "--limit nosuch=1" "--limit types=-1" \
			"--limit types=99999999999999999999" "--limit=types=1x"; do
			run $tool $bad /dev/null
			[ "$status" -eq 2 ]
			[[ "$output" == *"nesting=100000"* ]]
		done
		run $tool -h
		[ "$status" -eq 0 ]
		[[ "$output" == *"types=1000000"*"body-size=7654321"* ]]
	done
}
