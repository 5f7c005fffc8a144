#!/bin/sh
# The fuzz smoke test of the runtime's .so loader, for `make check`:
# builds the libFuzzer target fuzz/load_fuzz.c (clang, ASan, UBSan) and
# runs it for SECONDS on seeds compiled here: a C program, the .wat
# modules of the tests, the hand-made modules of test/wasm-run/basic.c,
# modules with what earlier runs found (libFuzzer runs every seed
# first, so those are regression tests), and minisign signatures.  Any crash, sanitizer report or leak fails
# it (libFuzzer saves the input as crash-* in the work directory,
# whose path is printed).  Prints "N passed, M failed" last: the inputs
# tried, and 1 failure if libFuzzer stopped on a finding.
# usage: test/fuzz/load.sh [SECONDS]      (default 30)
secs=${1:-30}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
bin=${WA_BIN:-$top/bin}
for t in clang wat2wasm minisign; do
	if ! command -v $t >/dev/null; then
		echo "skipping: $t is not installed"
		exit 0
	fi
done
if ! make -s build/fuzz/load_fuzz > /dev/null; then
	echo "load fuzz: the libFuzzer build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/loadfuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/seeds" "$work/run"
s=$work/seeds
clang --target=wasm32-wasi --sysroot=/usr -O2 test/e2e/c/hello.c -o "$work/hello.wasm" 2>/dev/null &&
	"$bin/wasm-aot" "$work/hello.wasm" -o "$s/hello.so"
for w in test/wasm-run/*.wat test/api/guest.wat examples/*.wat; do
	n=$(basename "$w" .wat)
	wat2wasm "$w" -o "$work/$n.wasm" 2>/dev/null && "$bin/wasm-aot" "$work/$n.wasm" -o "$s/$n.so" 2>/dev/null
done
# what the one-hour run found at once: an empty active data segment
# (memcpy from NULL); names of length 0
printf '%s\n' '(module (import "" "" (func)) (memory 1) (data (i32.const 0) "")' \
	'  (data (i32.const 1) "x") (func (export "")))' > "$work/empty.wat"
wat2wasm "$work/empty.wat" -o "$work/empty.wasm" && "$bin/wasm-aot" "$work/empty.wasm" -o "$s/empty.so"
for b in "" MAGIC TYPE INDEX PTR ALIGN; do
	cc -shared -fPIC -O1 -Ilib ${b:+-DBREAK_$b} test/wasm-run/basic.c -o "$s/basic$b.so" &&
		"$bin/wasm-link" --seal "$s/basic$b.so"
done
minisign -G -W -p "$work/k.pub" -s "$work/k.sec" > /dev/null
echo message > "$work/m"
minisign -S -s "$work/k.sec" -m "$work/m" -x "$s/sig.minisig" > /dev/null
minisign -S -l -s "$work/k.sec" -m "$work/m" -x "$s/legacy.minisig" > /dev/null
echo "seeds: $(ls "$s" | wc -l) files; work directory $work/run"
cd "$work/run" || exit 1
"$top/build/fuzz/load_fuzz" -max_total_time="$secs" -rss_limit_mb=4096 -print_final_stats=1 \
	"$s" > "$work/log" 2>&1
status=$?
tail -n 20 "$work/log"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
if [ "$status" -ne 0 ]; then
	ls crash-* leak-* oom-* timeout-* 2>/dev/null
	trap - EXIT       # keep the input that failed
	echo "${runs:-0} passed, 1 failed"
	exit 1
fi
echo "${runs:-0} passed, 0 failed"
