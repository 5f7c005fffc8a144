#!/usr/bin/env bats
# Integrity and signatures of compiled modules: wasm-link ends every
# .so with a BLAKE2b-256 digest of the file (wasm-contract(5)); wasm-run
# and wasm-link --check refuse a file that does not match it before the
# dynamic loader reads it (one changed byte in .rela.dyn used to crash
# wasm-run inside the loader).  With --trusted-key, wasm-run runs only
# modules that carry a minisign signature by a trusted key.

setup_file() {
	export PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	export X=$BATS_FILE_TMPDIR
	command -v clang >/dev/null && command -v wasm-aot >/dev/null || return 0
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$BATS_TEST_DIRNAME/e2e/c/hello.c" -o "$X/hello.wasm"
	wasm-aot "$X/hello.wasm" -o "$X/hello.so"
	if command -v minisign >/dev/null; then
		minisign -G -W -p "$X/key.pub" -s "$X/key.sec" > /dev/null
		minisign -G -W -p "$X/other.pub" -s "$X/other.sec" > /dev/null
	fi
}

setup() {
	[ -f "$X/hello.so" ] || skip "clang or wasm-aot missing"
	T=$BATS_TEST_TMPDIR
}

# copy NAME: a fresh copy of hello.so as $T/NAME
copy() { cp "$X/hello.so" "$T/$1"; }

# poke FILE OFFSET: change the byte at OFFSET (invert it)
poke() {
	python3 -c 'import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[o] ^= 0xff; open(p, "wb").write(b)' "$1" "$2"
}

@test "the trailer is the magic and the BLAKE2b-256 of every byte before the digest" {
	python3 -c 'import hashlib, sys
d = open(sys.argv[1], "rb").read()
assert d[-40:-32] == b"WAOTSUM1", d[-40:-32]
assert hashlib.blake2b(d[:-32], digest_size=32).digest() == d[-32:]' "$X/hello.so"
	run wasm-link --check "$X/hello.so"
	[ "$status" -eq 0 ]
}

@test "one changed byte anywhere in .rela.dyn: refused before the loader, by wasm-run and --check" {
	command -v readelf >/dev/null || skip "readelf is not installed"
	set -- $(readelf -SW "$X/hello.so" | awk '{ for (i = 1; i < NF; i++) if ($i == ".rela.dyn") print $(i + 3), $(i + 4) }')
	off=$((0x$1)) size=$((0x$2))
	[ "$size" -gt 0 ]
	for o in $(seq "$off" 37 $((off + size - 1))); do
		copy d.so
		poke "$T/d.so" "$o"
		run wasm-run "$T/d.so"
		[ "$status" -eq 1 ] || { echo "offset $o: status $status: $output"; return 1; }
		[ "$output" = "wasm-run: $T/d.so: damaged: the file does not match its integrity digest (changed since wasm-link wrote it)" ]
		run wasm-link --check "$T/d.so"
		[ "$status" -eq 1 ] || { echo "--check passed offset $o"; return 1; }
	done
}

@test "a changed byte in the code, the contract, the digest itself: refused" {
	size=$(stat -c %s "$X/hello.so")
	for o in 0 100 4096 $((size / 2)) $((size - 41)) $((size - 1)); do
		copy d.so
		poke "$T/d.so" "$o"
		run wasm-run "$T/d.so"
		echo "offset $o: $output"
		[ "$status" -eq 1 ]
		[[ "$output" = "wasm-run: $T/d.so: "* ]]
	done
}

@test "without its trailer, or with bytes after it: refused" {
	size=$(stat -c %s "$X/hello.so")
	head -c $((size - 40)) "$X/hello.so" > "$T/short.so"
	run wasm-run "$T/short.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/short.so: damaged, or not made by wasm-link: no integrity digest at the end of the file" ]
	copy long.so
	echo extra >> "$T/long.so"
	run wasm-run "$T/long.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/long.so: damaged, or not made by wasm-link: no integrity digest at the end of the file" ]
	run wasm-link --check "$T/long.so"
	[ "$status" -eq 1 ]
}

@test "--seal replaces a trailer: sealing twice changes nothing" {
	copy s.so
	wasm-link --seal "$T/s.so"
	cmp "$X/hello.so" "$T/s.so"
	run wasm-run "$T/s.so"
	[ "$output" = "Hello, world!" ]
}

@test "--trusted-key: a module signed by the key runs" {
	[ -f "$X/key.pub" ] || skip "minisign is not installed"
	copy ok.so
	minisign -S -s "$X/key.sec" -m "$T/ok.so" > /dev/null
	run wasm-run --trusted-key "$X/key.pub" "$T/ok.so" you
	[ "$status" -eq 0 ]
	[ "$output" = "Hello from wasm-aot, you!" ]
	# a legacy (not prehashed) signature too, and the key among others
	minisign -S -l -s "$X/key.sec" -m "$T/ok.so" > /dev/null
	run wasm-run --trusted-key "$X/other.pub" --trusted-key "$X/key.pub" "$T/ok.so"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, world!" ]
}

@test "--trusted-key: unsigned, tampered, signed by another key, a forged comment: refused with status 1" {
	[ -f "$X/key.pub" ] || skip "minisign is not installed"
	copy u.so
	run wasm-run --trusted-key "$X/key.pub" "$T/u.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/u.so: no signature: $T/u.so.minisig: cannot open: No such file or directory" ]
	# tampered after signing, and sealed again: the digest alone passes
	copy t.so
	minisign -S -s "$X/key.sec" -m "$T/t.so" > /dev/null
	poke "$T/t.so" 5000
	wasm-link --seal "$T/t.so"
	run wasm-run "$T/t.so"
	[ "$status" -eq 0 ]
	run wasm-run --trusted-key "$X/key.pub" "$T/t.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/t.so: the signature does not match the file (changed since it was signed)" ]
	copy o.so
	minisign -S -s "$X/other.sec" -m "$T/o.so" > /dev/null
	id=$(sed -n 's/.*minisign public key //p' "$X/other.pub")
	run wasm-run --trusted-key "$X/key.pub" "$T/o.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/o.so: signed by key $id, which is not trusted" ]
	copy c.so
	minisign -S -s "$X/key.sec" -m "$T/c.so" -t "built by us" > /dev/null
	sed -i 's/built by us/built by them/' "$T/c.so.minisig"
	run wasm-run --trusted-key "$X/key.pub" "$T/c.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/c.so: $T/c.so.minisig: the trusted comment does not match its signature" ]
	copy g.so
	printf 'untrusted comment: x\nnot base64\n' > "$T/g.so.minisig"
	run wasm-run --trusted-key "$X/key.pub" "$T/g.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/g.so: $T/g.so.minisig: not a minisign signature" ]
}

@test "--trusted-key: a key id with leading zeros is named as minisign names it" {
	[ -f "$X/key.pub" ] || skip "minisign is not installed"
	# a key whose id minisign prints with fewer than 16 digits: about
	# one in sixteen has a leading zero
	for i in $(seq 200); do
		rm -f "$T/z.pub" "$T/z.sec"
		minisign -G -W -p "$T/z.pub" -s "$T/z.sec" > /dev/null
		id=$(sed -n 's/.*minisign public key //p' "$T/z.pub")
		[ "${#id}" -lt 16 ] && break
	done
	[ "${#id}" -lt 16 ]
	copy z.so
	minisign -S -s "$T/z.sec" -m "$T/z.so" > /dev/null
	run wasm-run --trusted-key "$X/key.pub" "$T/z.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $T/z.so: signed by key $id, which is not trusted" ]
}

@test "--trusted-key: a bad key file is an error; with --script, a usage error" {
	[ -f "$X/key.pub" ] || skip "minisign is not installed"
	run wasm-run --trusted-key "$X/key.sec" "$X/hello.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: --trusted-key $X/key.sec: not a minisign public key" ]
	run wasm-run --trusted-key "$T/none.pub" "$X/hello.so"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: --trusted-key $T/none.pub: cannot open: No such file or directory" ]
	run wasm-run --trusted-key "$X/key.pub" --script /dev/null
	[ "$status" -eq 2 ]
}
