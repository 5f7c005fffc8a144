#!/usr/bin/env bats
# WASI preview1 (lib/rt/wasi*.c): C and Rust guests doing file system
# work give the output of the same programs built natively; the errno of
# each failure; the escape suite, under both resolvers (openat2 and the
# component walk, WASM_RUN_RESOLVER=walk); poll_oneoff, sockets, every
# preview1 function; descriptors do not outlive their instance; an
# embedder's per-instance arguments and standard streams.

setup_file() {
	export PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	top=$BATS_TEST_DIRNAME/..
	export W=$BATS_TEST_DIRNAME/wasi X=$BATS_FILE_TMPDIR
	command -v wasm-aot >/dev/null || return 0
	local wasi_cc="clang --target=wasm32-wasi --sysroot=/usr -O2 -I$W"
	for p in files errno escape all poll echo leak echoenv preopens stdflags; do
		$wasi_cc "$W/$p.c" -o "$X/$p.wasm" 2>"$X/$p.cc-err" || { cat "$X/$p.cc-err"; return 1; }
		wasm-aot "$X/$p.wasm" -o "$X/$p.so"
	done
	clang -O2 -D_GNU_SOURCE "$W/files.c" -o "$X/files.native"
	if [ -f "$top/build/libwasmrt.a" ]; then
		cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$W/capture.c" "$top/build/libwasmrt.a" \
			-lsodium -ldl -lpthread -lm -o "$X/capture"
	fi
}

setup() {
	command -v wasm-run >/dev/null || skip "wasm-run is not built yet"
	[ -f "$X/files.so" ] || skip "the guests were not built"
	D=$BATS_TEST_TMPDIR
}

# same_as_native NATIVE SO [RESOLVER]: both run in empty directories
# of their own; outputs and statuses equal
same_as_native() {
	mkdir "$D/n" "$D/w"
	[ -z "${LINK:-}" ] || { ln -s "$LINK" "$D/n/link"; ln -s "$LINK" "$D/w/link"; }
	(cd "$D/n" && "$1" > "$D/native.out" 2>&1; echo "status $?" >> "$D/native.out")
	(cd "$D/w" && WASM_RUN_RESOLVER=${3:-} wasm-run --dir . "$2" > "$D/wasm.out" 2>&1; echo "status $?" >> "$D/wasm.out")
	diff -u "$D/native.out" "$D/wasm.out"
}

@test "C: stdio, POSIX files, directories, renames, links, times, poll: as native (openat2)" {
	same_as_native "$X/files.native" "$X/files.so"
	grep -qx "0 failures" "$D/wasm.out"
}

@test "C: the same, resolving by the component walk" {
	same_as_native "$X/files.native" "$X/files.so" walk
	grep -qx "0 failures" "$D/wasm.out"
}

@test "Rust: std::fs, std::io, std::time: as native" {
	[ -x /usr/bin/rustc ] || skip "Debian's rustc is not installed"
	unset MAKEFLAGS MFLAGS
	/usr/bin/rustc -O "$W/fs.rs" -o "$D/fs.native"
	/usr/bin/rustc -O -C debuginfo=0 --target wasm32-wasi "$W/fs.rs" -o "$D/fs.wasm"
	wasm-aot "$D/fs.wasm" -o "$D/fs.so"
	LINK=target.txt same_as_native "$D/fs.native" "$D/fs.so"
	grep -qx "left behind: 1" "$D/wasm.out"
}

# in_box SO [ARGS...]: run in $D/box, preopened as ".", beside
# $D/outside, which holds secret.txt and dir/
in_box() {
	local so=$1
	shift
	mkdir -p "$D/box/inner" "$D/outside/dir"
	echo SECRET > "$D/outside/secret.txt"
	echo INSIDE > "$D/box/inner/inside.txt"
	touch -d @1000000000 "$D/outside/secret.txt"
	(cd "$D/box" && wasm-run --dir . "$so" "$@")
}

outside_listing() {
	(cd "$D/outside" && find . -printf '%p %s %T@\n' | sort)
}

@test "path_open, path_rename and friends: the errno of each failure" {
	for r in "" walk; do
		rm -rf "$D/e" && mkdir "$D/e"
		(cd "$D/e" && WASM_RUN_RESOLVER=$r wasm-run --dir . "$X/errno.so") > "$D/errno$r.out"
		diff -u "$W/errno.out" "$D/errno$r.out"
	done
}

@test "escape suite (openat2): every attempt refused, nothing outside touched" {
	in_box "$X/escape.so" > /dev/null
	before=$(outside_listing)
	rm -rf "$D/box"
	in_box "$X/escape.so" > "$D/escape.out"
	diff -u "$W/escape.out" "$D/escape.out"
	[ "$(outside_listing)" = "$before" ]
	[ "$(cat "$D/outside/secret.txt")" = SECRET ]
}

@test "escape suite (component walk): the same answers" {
	in_box "$X/escape.so" > /dev/null
	before=$(outside_listing)
	rm -rf "$D/box"
	export WASM_RUN_RESOLVER=walk
	in_box "$X/escape.so" > "$D/escape.out"
	diff -u "$W/escape.out" "$D/escape.out"
	[ "$(outside_listing)" = "$before" ]
}

# race RESOLVER: a directory swapped for a symlink to outside, and a
# directory moved outside while the guest is inside it and climbs out
race() {
	mkdir -p "$D/box/swap.d" "$D/box/a/b/c" "$D/outside/x"
	echo SECRET > "$D/outside/secret.txt"
	echo SECRET > "$D/outside/x/secret.txt"
	echo INSIDE > "$D/box/swap.d/secret.txt"
	echo INSIDE > "$D/box/a/secret.txt"
	ln -s ../outside "$D/box/swap.l"
	python3 "$W/swap.py" "$D/stop1" link "$D/box" > "$D/rounds1" &
	until [ -e "$D/stop1.running" ]; do sleep 0.05; done
	(cd "$D/box" && WASM_RUN_RESOLVER=$1 wasm-run --dir . "$X/escape.so" race swap/secret.txt 20000) > "$D/race1"
	touch "$D/stop1"
	wait
	python3 "$W/swap.py" "$D/stop2" move "$D/box/a/b" "$D/outside/x/b" > "$D/rounds2" &
	until [ -e "$D/stop2.running" ]; do sleep 0.05; done
	(cd "$D/box" && WASM_RUN_RESOLVER=$1 wasm-run --dir . "$X/escape.so" race a/b/c/../../secret.txt 20000) > "$D/race2"
	touch "$D/stop2"
	wait
	cat "$D/rounds1" "$D/race1" "$D/rounds2" "$D/race2"
	grep -q "secret 0 " "$D/race1"
	grep -q "secret 0 " "$D/race2"
	grep -q "other 0" "$D/race1"
	grep -q "other 0" "$D/race2"
}

@test "races with concurrent renames never read outside (openat2)" {
	race ""
}

@test "races with concurrent renames never read outside (component walk)" {
	race walk
}

@test "with / preopened, /proc's magic links are not followed" {
	for r in "" walk; do
		WASM_RUN_RESOLVER=$r run wasm-run --dir / "$X/escape.so" open proc/self/root/etc/hostname \
			proc/self/fd/0 proc/self/cwd/x etc/hostname
		[ "$status" -eq 0 ]
		echo "$output"
		[ "$(echo "$output" | grep -c ' LOOP$')" -eq 3 ]
		echo "$output" | grep -q '^etc/hostname *SUCCESS'
	done
}

@test "every preview1 function is there and answers as the witx says" {
	run wasm-run "$X/all.so"
	[ "$status" -eq 7 ]
	diff -u "$W/all.out" <(echo "$output")
}

@test "poll_oneoff: clocks, relative and absolute, beside fd readiness" {
	mkdir "$D/p"
	mkfifo "$D/p/empty.fifo"
	echo ready > "$D/p/in.txt"
	wasm-run --dir "$D/p::." "$X/poll.so" < "$D/p/in.txt" > "$D/poll.out"
	diff -u "$W/poll.out" "$D/poll.out"
}

@test "--listen: a guest accepts a TCP connection and answers it" {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	wasm-run --listen "127.0.0.1:$port" "$X/echo.so" > "$D/echo.out" 2>&1 &
	pid=$!
	python3 - "$port" > "$D/client.out" <<'EOF'
import socket, sys, time
for _ in range(200):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
        break
    except OSError:
        time.sleep(0.05)
s.sendall(b"hello over sock_recv\n")
print(s.recv(100).decode(), end="")
s.sendall(b"and over read\n")
print(s.recv(100).decode(), end="")
print("end of stream:", s.recv(100) == b"")
EOF
	wait $pid
	diff -u - "$D/client.out" <<'EOF'
HELLO OVER SOCK_RECV
AND OVER READ
end of stream: True
EOF
	diff -u "$W/echo.out" "$D/echo.out"
}

@test "--listen: bad addresses are usage or system errors" {
	run wasm-run --listen nocolon "$X/echo.so"
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected ADDR:PORT"* ]]
	run wasm-run --listen 256.1.1.1:80 "$X/echo.so"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-run: --listen 256.1.1.1:80: "* ]]
}

@test "--dir: preopens in order from fd 3, GUEST names, / as a guest path" {
	mkdir -p "$D/a" "$D/b"
	echo "in a" > "$D/a/f.txt"
	echo "in b" > "$D/b/f.txt"
	cd "$D"
	run wasm-run --dir a --dir "$D/b::/data" --dir "a::/" "$X/preopens.so" a/f.txt /data/f.txt /f.txt
	[ "$status" -eq 0 ]
	diff -u - <(echo "$output") <<EOF
fd 3: a
  name into a buffer one byte short: NAMETOOLONG
fd 4: /data
  name into a buffer one byte short: NAMETOOLONG
fd 5: /
  name into a buffer one byte short: NAMETOOLONG
fd 6: BADF
a/f.txt: in a
/data/f.txt: in b
/f.txt: in a
EOF
}

@test "--dir: a directory that cannot be opened is an error" {
	run wasm-run --dir "$D/missing" "$X/all.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $X/all.so: cannot open directory $D/missing: No such file or directory" ]
	touch "$D/file"
	run wasm-run --dir "$D/file::/x" "$X/all.so"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot open directory $D/file: Not a directory" ]]
}

@test "rename across file systems is EXDEV" {
	[ -d /dev/shm ] && [ -w /dev/shm ] || skip "no writable /dev/shm"
	[ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$D")" ] || skip "/dev/shm is on the same file system"
	shm=$(mktemp -d /dev/shm/wasi-bats.XXXXXX)
	echo x > "$D/f"
	cat > "$D/xdev.wat" <<'EOF'
(module
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "f")
  (func (export "_start") (call $exit (call $rename (i32.const 3) (i32.const 0) (i32.const 1)
                                                (i32.const 4) (i32.const 0) (i32.const 1)))))
EOF
	wat2wasm "$D/xdev.wat" -o "$D/xdev.wasm"
	wasm-aot "$D/xdev.wasm" -o "$D/xdev.so"
	run wasm-run --dir "$D" --dir "$shm" "$D/xdev.so"
	rm -rf "$shm"
	[ "$status" -eq 75 ]    # WASI's EXDEV
	[ -f "$D/f" ]
}

@test "--repeat: descriptors die with their instance (64 allowed, 3000 runs)" {
	mkdir "$D/l"
	echo data > "$D/l/in.txt"
	run bash -c "ulimit -n 64 && wasm-run --dir '$D/l::.' --repeat 3000 '$X/leak.so' < /dev/null | sort | uniq -c"
	[ "$status" -eq 0 ]
	[ "$output" = "   3000 stdin's file type before: 2; opened 4 5; renumber onto stdin: SUCCESS; its type now: 4" ]
}

@test "embedding: per-instance arguments, environment, stdio buffers; reset takes them away" {
	[ -x "$X/capture" ] || skip "build/libwasmrt.a is not built"
	"$X/capture" "$X/echoenv.so" < /dev/null > "$D/capture.out" 2> "$D/capture.err"
	diff -u "$W/capture.out" "$D/capture.out"
	[ "$(cat "$D/capture.err")" = "$(printf 'to stderr\nto stderr')" ]
}

@test "the host's stdout: fdstat kept from the start, changed flags seen at once and by the next instance" {
	run bash -c "wasm-run --repeat 2 '$X/stdflags.so' 2>&1 > '$BATS_TEST_TMPDIR/out'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "append before: 0; tty: 0" ]
	[ "${lines[1]}" = "append after: 1" ]
	[ "${lines[2]}" = "append before: 1; tty: 0" ]
	[ "${lines[3]}" = "append after: 1" ]
}
