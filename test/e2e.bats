#!/usr/bin/env bats
# End to end: C and Rust programs compiled to wasm32-wasi, compiled by
# wasm-aot, run by wasm-run, print what the same program prints when
# compiled natively.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	for tool in wasm-parse wasm-verify wasm-lower wasm-codegen wasm-link wasm-run wasm-aot; do
		command -v "$tool" >/dev/null || skip "$tool is not built yet"
	done
	E=$BATS_TEST_DIRNAME/e2e
	D=$BATS_TEST_TMPDIR
	RUSTC=/usr/bin/rustc
	# rustc 1.63 panics on a jobserver from make whose descriptors are gone
	unset MAKEFLAGS MFLAGS
	WASI_CC="clang --target=wasm32-wasi --sysroot=/usr"
	FEATURES="-msimd128 -mbulk-memory -msign-ext -mnontrapping-fptoint"
}

# same_as_native NAME.so NATIVE [ARGS...]: outputs and exit status equal
same_as_native() {
	local so=$1 native=$2
	shift 2
	local want got want_status got_status
	set +e
	want=$(WA_TEST_VAR=forty-two "$native" "$@" 2>&1)
	want_status=$?
	got=$(wasm-run --env WA_TEST_VAR=forty-two "$so" "$@" 2>&1)
	got_status=$?
	set -e
	if [ "$want" != "$got" ] || [ "$want_status" != "$got_status" ]; then
		echo "native ($want_status):"; echo "$want"
		echo "wasm-run ($got_status):"; echo "$got"
		return 1
	fi
}

# c_program NAME CFLAGS...: build natively and to wasm, compare
c_program() {
	local name=$1
	shift
	clang -O2 "$E/c/$name.c" -o "$D/$name.native" -lm
	$WASI_CC "$@" "$E/c/$name.c" -o "$D/$name.wasm"
	wasm-aot "$D/$name.wasm" -o "$D/$name.so"
	same_as_native "$D/$name.so" "$D/$name.native"
	same_as_native "$D/$name.so" "$D/$name.native" one "two words" three
}

rust_program() {
	local name=$1
	shift
	[ -x "$RUSTC" ] || skip "Debian's rustc is not installed"
	"$RUSTC" -O "$E/rust/$name.rs" -o "$D/$name.native"
	"$RUSTC" -O -C debuginfo=0 --target wasm32-wasi "$E/rust/$name.rs" -o "$D/$name.wasm"
	wasm-aot "$D/$name.wasm" -o "$D/$name.so"
	same_as_native "$D/$name.so" "$D/$name.native" "$@"
}

@test "demo: hello world and hello with an argument" {
	$WASI_CC -O2 "$E/c/hello.c" -o "$D/hello.wasm"
	wasm-aot "$D/hello.wasm" -o "$D/hello.so"
	run wasm-run "$D/hello.so"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
	run wasm-run "$D/hello.so" world
	[ "$status" -eq 0 ]
	[ "$output" = "Hello from wasm-aot, world!" ]
}

@test "C arith -O0" { c_program arith -O0; }
@test "C arith -O2" { c_program arith -O2; }
@test "C arith -O2 with simd128, bulk memory, sign-ext, non-trapping fptoint" { c_program arith -O2 $FEATURES; }
@test "C sort -O0" { c_program sort -O0; }
@test "C sort -O2" { c_program sort -O2; }
@test "C sort -O2 with features" { c_program sort -O2 $FEATURES; }
@test "C vector -O0" { c_program vector -O0; }
@test "C vector -O2" { c_program vector -O2; }
@test "C vector -O2 with features" { c_program vector -O2 $FEATURES; }
@test "C args and exit status -O2" { c_program args -O2; }
@test "C args with features" { c_program args -O2 $FEATURES; }
@test "Rust collections" { rust_program collections; }
@test "Rust recursion and 128-bit arithmetic" { rust_program fib 27; }

@test "the explicit pipeline and wasm-aot give .so files that behave the same" {
	$WASI_CC -O2 "$E/c/sort.c" -o "$D/sort.wasm"
	wasm-parse "$D/sort.wasm" | wasm-verify | wasm-lower | wasm-codegen -o "$D/pipe.so"
	wasm-aot "$D/sort.wasm" -o "$D/driver.so"
	a=$(wasm-run "$D/pipe.so")
	b=$(wasm-run "$D/driver.so")
	[ -n "$a" ]
	[ "$a" = "$b" ]
}
