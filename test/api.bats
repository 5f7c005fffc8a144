#!/usr/bin/env bats
# The embedding API (wasmrt(3)) against hostile arguments: region sizes
# that overflow, guest ranges that wrap past 2^64, lengths and indexes
# out of range, a context area too small for the module
# (test/api/edges.c, on hand-made modules from test/wasm-run/basic.c).
# Then the whole API from a --host library inside wasm-run
# (test/api/all-host.c, its guest test/api/guest.wat).

setup_file() {
	top=$BATS_TEST_DIRNAME/..
	export X=$BATS_FILE_TMPDIR
	rt=$top/build/libwasmrt.a
	[ -f "$rt" ] || skip "build/libwasmrt.a is not built"
	CCM="cc -shared -fPIC -O1 -fno-optimize-sibling-calls -I$top/lib"
	$CCM "$top/test/wasm-run/basic.c" -o "$X/basic.so"
	$CCM -DMANY_GLOBALS=180000 "$top/test/wasm-run/basic.c" -o "$X/many.so"
	"${WA_BIN:-$top/bin}/wasm-link" --seal "$X/basic.so" "$X/many.so"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/api/edges.c" "$rt" \
		-lsodium -ldl -lpthread -lm -o "$X/edges"
	cc -std=c11 -O2 -fPIC -shared -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" \
		"$top/test/api/all-host.c" -o "$X/all-host.so"
	export WA_BIN_DIR=${WA_BIN:-$top/bin}
	if command -v wat2wasm >/dev/null && [ -x "$WA_BIN_DIR/wasm-aot" ]; then
		wat2wasm "$top/test/api/guest.wat" -o "$X/guest.wasm"
		"$WA_BIN_DIR/wasm-aot" "$X/guest.wasm" -o "$X/guest.so"
		if command -v minisign >/dev/null; then
			minisign -G -W -p "$X/key.pub" -s "$X/key.sec" > /dev/null
			minisign -S -s "$X/key.sec" -m "$X/guest.so" > /dev/null
		fi
	fi
}

setup() {
	[ -x "$X/edges" ] || skip "the test programs were not built"
}

@test "every argument check of the API holds" {
	TMPDIR=$BATS_TEST_TMPDIR run "$X/edges" "$X/basic.so" "$X/many.so"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<< "$output")" -eq 36 ]
	! grep -q '^not ok' <<< "$output" || false
}

# The functions wasmrt.h declares.
api_functions() {
	grep -o '\bwa_[a-z_0-9]* *(' "$BATS_TEST_DIRNAME/../lib/wasmrt.h" | tr -d '( ' | sort -u
}

@test "wasm-run exports every function of wasmrt.h to --host libraries" {
	command -v nm >/dev/null || skip "nm is not installed"
	nm -D --defined-only "$WA_BIN_DIR/wasm-run" | awk '{print $3}' | sort -u > "$BATS_TEST_TMPDIR/exported"
	api_functions > "$BATS_TEST_TMPDIR/api"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/api")" -ge 41 ]
	missing=$(comm -23 "$BATS_TEST_TMPDIR/api" "$BATS_TEST_TMPDIR/exported")
	echo "not exported: $missing"
	[ -z "$missing" ]
}

@test "the --host library of the API test uses every function of wasmrt.h" {
	missing=$(for f in $(api_functions); do
		grep -q "\\b$f(" "$BATS_TEST_DIRNAME/api/all-host.c" || echo "$f"
	done)
	echo "not used by test/api/all-host.c: $missing"
	[ -z "$missing" ]
}

@test "a --host library calls the whole API inside wasm-run" {
	[ -f "$X/guest.so" ] || skip "wat2wasm or wasm-aot missing"
	[ -f "$X/guest.so.minisig" ] || skip "minisign is not installed"
	WA_TEST_MODULE=$X/guest.so WA_TEST_KEY=$X/key.pub \
		run "$WA_BIN_DIR/wasm-run" --host "$X/all-host.so" --invoke run "$X/guest.so"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q '^not ok' <<< "$output" || false
	[ "$(grep -c '^ok ' <<< "$output")" -eq 38 ]
	[ "${lines[-1]}" = 0 ]
}

@test "wa_exit and wa_trap from a --host library end wasm-run's call" {
	[ -f "$X/guest.so" ] || skip "wat2wasm or wasm-aot missing"
	run "$WA_BIN_DIR/wasm-run" --host "$X/all-host.so" --invoke leave "$X/guest.so" 3
	[ "$status" -eq 3 ]
	run "$WA_BIN_DIR/wasm-run" --host "$X/all-host.so" --invoke fail "$X/guest.so"
	[ "$status" -eq 134 ]
	[ "$output" = "wasm-run: trap: host function failed" ]
}
