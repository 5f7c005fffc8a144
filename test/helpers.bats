#!/usr/bin/env bats
# The runtime helpers (memory.fill/copy/init/grow, table.fill/copy/
# init/grow) honour the interrupt word as generated code does: each
# works in chunks and traps "interrupted" between them.  The guest
# (test/helpers/helpers.sh) calls env.arm (test/helpers/arm-host.c),
# which sets the interrupt word, right before the helper: nothing of
# generated code reads the word in between, so only the helper can
# stop.  Unarmed, each runs to the end.

setup_file() {
	export PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	export X=$BATS_FILE_TMPDIR
	top=$BATS_TEST_DIRNAME/..
	command -v wat2wasm >/dev/null && command -v wasm-aot >/dev/null || return 0
	cc -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I"$top/lib" "$top/test/helpers/arm-host.c" \
		-o "$X/arm.so"
	"$top/test/helpers/helpers.sh" > "$X/helpers.wat"
	wat2wasm --debug-names "$X/helpers.wat" -o "$X/helpers.wasm"
	wasm-aot "$X/helpers.wasm" -o "$X/helpers.so"
}

setup() {
	[ -f "$X/helpers.so" ] || skip "wat2wasm or wasm-aot missing"
}

# helper NAME UNARMED: unarmed, NAME returns UNARMED; armed, it traps
helper() {
	run wasm-run --host "$X/arm.so" --invoke "$1" "$X/helpers.so" 0
	echo "unarmed: status $status, output: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "$2" ]
	run wasm-run --host "$X/arm.so" --invoke "$1" "$X/helpers.so" 1
	echo "armed: status $status, output: $output"
	[ "$status" -eq 134 ]
	[ "$output" = "wasm-run: trap: interrupted in $1" ]
}

@test "memory.fill of 2 MiB stops at an interrupt" { helper memory.fill 7; }
@test "memory.copy of 2 MiB stops at an interrupt" { helper memory.copy 1; }
@test "memory.init of 2 MiB stops at an interrupt" { helper memory.init 120; }
@test "memory.grow stops at an interrupt" { helper memory.grow 64; }
@test "table.fill of 262,144 elements stops at an interrupt" { helper table.fill 0; }
@test "table.copy of 131,072 elements stops at an interrupt" { helper table.copy 1; }
@test "table.init of 131,072 elements stops at an interrupt" { helper table.init 0; }
@test "table.grow by 131,072 elements stops at an interrupt" { helper table.grow 262144; }

@test "--timeout cuts short a memory.fill of 65,535 pages (4 GiB less 64 KiB)" {
	run wasm-run --timeout 200ms --host "$X/arm.so" --invoke big.fill "$X/helpers.so"
	echo "status $status, output: $output"
	[ "$status" -eq 134 ]
	[ "$output" = "wasm-run: trap: interrupted in big.fill" ]
}
