#!/bin/sh
# Throughput of the front half on a large module, beside wabt's tools.
# usage: bench/front.sh [BIN_DIR]      (make bench runs it)
#
# The module: about 6 MB of wasm compiled by clang -O2 from generated C
# (bench/gen-big.py: a fixed seed, so the same module every time; an
# interpreter with big switches, hashing, string, hash-table, float and
# record code, calls between functions, constant tables).  It is built
# once into build/bench/ and rebuilt when gen-big.py changes.
# Each command runs 5 times; the table gives the median wall time and
# the module's binary size divided by it.
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$top/bin}" && pwd) || exit 1
dir=$top/build/bench
units=12 funcs=1000
for t in clang python3 wasm2wat wasm-validate; do
	if ! command -v $t >/dev/null; then
		echo "bench/front.sh: skipping: $t is not installed"
		exit 0
	fi
done
mkdir -p "$dir" || exit 1
stamp="$(cksum < "$top/bench/gen-big.py") $units $funcs"
if [ ! -f "$dir/big.wasm" ] || [ "$(cat "$dir/big.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "building $dir/big.wasm ($units units of $funcs generated C functions; a few minutes, once)"
	rm -rf "$dir/src" && python3 "$top/bench/gen-big.py" "$dir/src" $units $funcs || exit 1
	ls "$dir"/src/*.c | xargs -P"$(nproc)" -I{} \
		clang --target=wasm32-wasi --sysroot=/usr -O2 -c {} -o {}.o || exit 1
	clang --target=wasm32-wasi --sysroot=/usr -nostartfiles -Wl,--no-entry -Wl,--export-all \
		-Wl,--strip-debug "$dir"/src/*.o -lm -o "$dir/big.wasm" || exit 1
	rm -rf "$dir/src"
	echo "$stamp" > "$dir/big.stamp"
fi
"$bin/wasm-parse" "$dir/big.wasm" > "$dir/big.wat" || exit 1

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "front-half throughput: $(nproc) x ${cpu:-unknown CPU}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$dir/big.wasm" "$dir/big.wat" "$bin" <<'EOF'
import os, statistics, subprocess, sys, time
wasm, wat, b = sys.argv[1:4]
size = os.path.getsize(wasm)
print("module: %s, %.2f MB binary, %.2f MB of text" % (wasm, size / 1e6, os.path.getsize(wat) / 1e6))
runs = [
    ("wasm-parse | wasm-verify", "%s/wasm-parse %s | %s/wasm-verify > /dev/null" % (b, wasm, b)),
    ("wasm-parse", "%s/wasm-parse %s > /dev/null" % (b, wasm)),
    ("wasm-verify (text in)", "%s/wasm-verify %s > /dev/null" % (b, wat)),
    ("wasm2wat", "wasm2wat %s > /dev/null" % wasm),
    ("wasm-validate", "wasm-validate %s" % wasm),
]
print("%-26s %10s %10s" % ("command", "median s", "MB/s"))
for name, cmd in runs:
    times = []
    for _ in range(5):
        t = time.monotonic()
        if subprocess.run(cmd, shell=True).returncode != 0:
            sys.exit("bench/front.sh: failed: " + cmd)
        times.append(time.monotonic() - t)
    m = statistics.median(times)
    print("%-26s %10.3f %10.1f" % (name, m, size / 1e6 / m))
print("(MB/s: binary module size / median wall time of 5 runs)")
EOF
