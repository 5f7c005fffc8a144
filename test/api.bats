#!/usr/bin/env bats
# The embedding API (wasmrt(3)) against hostile arguments: region sizes
# that overflow, guest ranges that wrap past 2^64, lengths and indexes
# out of range, a context area too small for the module
# (test/api/edges.c, on hand-made modules from test/wasm-run/basic.c).

setup_file() {
	top=$BATS_TEST_DIRNAME/..
	export X=$BATS_FILE_TMPDIR
	rt=$top/build/libwasmrt.a
	[ -f "$rt" ] || skip "build/libwasmrt.a is not built"
	CCM="cc -shared -fPIC -O1 -fno-optimize-sibling-calls -I$top/lib"
	$CCM "$top/test/wasm-run/basic.c" -o "$X/basic.so"
	$CCM -DMANY_GLOBALS=180000 "$top/test/wasm-run/basic.c" -o "$X/many.so"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/api/edges.c" "$rt" \
		-ldl -lpthread -lm -o "$X/edges"
}

setup() {
	[ -x "$X/edges" ] || skip "the test programs were not built"
}

@test "every argument check of the API holds" {
	run "$X/edges" "$X/basic.so" "$X/many.so"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<< "$output")" -eq 29 ]
	! grep -q '^not ok' <<< "$output"
}
