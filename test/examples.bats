#!/usr/bin/env bats
# The example embedders of examples/, built against libwasmrt and run on
# their guests: each one's output is compared with its golden file.

setup_file() {
	export PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	top=$BATS_TEST_DIRNAME/..
	export X=$BATS_FILE_TMPDIR
	rt=$top/build/libwasmrt.a
	[ -f "$rt" ] || skip "build/libwasmrt.a is not built"
	for p in run hostfn pool yield preempt; do
		cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/examples/$p.c" "$rt" \
			-lsodium -ldl -lpthread -lm -o "$X/$p"
	done
	for w in hostfn pool yield preempt; do
		wat2wasm "$top/examples/$w.wat" -o "$X/$w.wasm"
		wasm-aot "$X/$w.wasm" -o "$X/$w.so"
	done
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$top/test/e2e/c/hello.c" -o "$X/hello.wasm"
	wasm-aot "$X/hello.wasm" -o "$X/hello.so"
}

setup() {
	[ -x "$X/run" ] || skip "the examples were not built"
	E=$BATS_TEST_DIRNAME/examples
}

@test "run: a WASI program's _start, with arguments" {
	run "$X/run" "$X/hello.so" world
	[ "$status" -eq 0 ]
	[ "$output" = "Hello from wasm-aot, world!" ]
}

@test "run: a module that is not there is refused with a message" {
	run "$X/run" "$X/nothing.so"
	[ "$status" -eq 1 ]
	[[ "$output" == "run: "*"nothing.so"* ]]
}

@test "hostfn: native and generic host functions; a bad guest pointer traps" {
	run "$X/hostfn" "$X/hostfn.so"
	[ "$status" -eq 0 ]
	diff -u "$E/hostfn.out" - <<< "$output"
}

@test "pool: a fresh instance per request sees none of the last request's state" {
	run "$X/pool" "$X/pool.so" 2000
	[ "$status" -eq 0 ]
	[ "$output" = "2000 requests, 0 saw state of another" ]
}

@test "yield: host calls suspend the guest; three instances resumed in turn" {
	run "$X/yield" "$X/yield.so"
	[ "$status" -eq 0 ]
	diff -u "$E/yield.out" - <<< "$output"
}

@test "preempt: a computing guest suspended from another thread and resumed; a stop wins" {
	run "$X/preempt" "$X/preempt.so"
	[ "$status" -eq 0 ]
	diff -u "$E/preempt.out" - <<< "$output"
}

@test "make install: tools, library, headers, wasmrt.pc and man pages; an embedder builds with pkg-config" {
	command -v pkg-config >/dev/null || skip "pkg-config is not installed"
	top=$BATS_TEST_DIRNAME/..
	make -s -C "$top" install PREFIX="$X/inst" > "$X/install.log" 2>&1 || { cat "$X/install.log"; false; }
	for f in bin/wasm-aot bin/wasm-run lib/libwasmrt.a include/wasm-aot/wasmrt.h \
		include/wasm-aot/contract.h lib/pkgconfig/wasmrt.pc share/man/man3/wasmrt.3 \
		share/man/man1/wasm-run.1 share/man/man5/wasm-contract.5 lib/wasm-aot/libwabuiltins.a; do
		[ -f "$X/inst/$f" ] || { echo "missing $f"; false; }
	done
	export PKG_CONFIG_PATH=$X/inst/lib/pkgconfig
	cc "$top/examples/run.c" $(pkg-config --cflags --libs --static wasmrt) -o "$X/run-installed"
	# the installed toolkit compiles on its own (wasm-link finds the
	# installed builtins)
	PATH="$X/inst/bin:/usr/bin:/bin" wasm-aot "$X/hello.wasm" -o "$X/hello-installed.so"
	run "$X/run-installed" "$X/hello-installed.so" installed
	[ "$status" -eq 0 ]
	[ "$output" = "Hello from wasm-aot, installed!" ]
}
