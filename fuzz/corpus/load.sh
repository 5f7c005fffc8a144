#!/bin/sh
# Seeds of the loader's target (fuzz/load_fuzz.c), into DIR: a C
# program, the .wat modules of the tests compiled by our tools, the
# hand-made modules of test/wasm-run/basic.c (each BREAK_* variant,
# sealed), modules with what earlier runs found (libFuzzer runs every
# seed first, so those are regression tests), and minisign signatures.
# usage: fuzz/corpus/load.sh DIR      Environment: BIN (default bin)
s=${1:?usage: fuzz/corpus/load.sh DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$s" && s=$(cd "$s" && pwd) || exit 1
cd "$top" || exit 1
bin=$(cd "${BIN:-bin}" && pwd) || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/loadseeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
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
if command -v minisign > /dev/null; then
	minisign -G -W -p "$work/k.pub" -s "$work/k.sec" > /dev/null
	echo message > "$work/m"
	minisign -S -s "$work/k.sec" -m "$work/m" -x "$s/sig.minisig" > /dev/null
	minisign -S -l -s "$work/k.sec" -m "$work/m" -x "$s/legacy.minisig" > /dev/null
fi
echo "load seeds: $(ls "$s" | wc -l) files in $s"
