#!/bin/sh
# The fuzz smoke test of `make check`, SECONDS in all: two fifths for
# process-level variants (below), two fifths shared by the libFuzzer
# targets of make fuzz, one fifth for the differential run against V8
# (fuzz/run.sh, fuzz/README), all on the seeds made here.
# Process-level variants: builds wasm-parse and wasm-verify with
# AddressSanitizer and UndefinedBehaviorSanitizer (into build/asan),
# then feeds them variants of the spec suite's modules:
# binaries truncated, bit-flipped, spliced, with LEB128 numbers blown up,
# for wasm-parse (and its text on to wasm-verify); valid texts with lines
# deleted, tokens swapped or replaced, digits changed, truncated, for
# wasm-verify.  The generator is test/fuzz/smoke.py: a seeded PRNG, the
# seed printed, so a run can be repeated with FUZZ_SEED.  Exit 0 or 1
# with a message is right; any other status, a signal, a sanitizer
# report or a hang is a failure, its input saved and its path printed.
# usage: test/fuzz/smoke.sh [SECONDS] [SPEC_DIR]     (default 100 s)
# The libFuzzer targets (make fuzz, fuzz/README) are for longer runs.
secs=${1:-100}
top=$(cd "$(dirname "$0")/../.." && pwd)
spec=${2:-$top/../shared/testsuite/core}
cd "$top" || exit 1
for t in clang python3 wast2json; do
	if ! command -v $t >/dev/null; then
		echo "skipping: $t is not installed"
		exit 0
	fi
done
asan='-std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'
if ! make -s -j"$(nproc)" O=build/asan BIN=build/asan/bin CC=clang CFLAGS="$asan" \
	LDFLAGS='-fsanitize=address,undefined' build/asan/bin/wasm-parse build/asan/bin/wasm-verify \
	> /dev/null; then
	echo "fuzz smoke: the sanitizer build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/json" "$work/wasm" "$work/wat"

# Seeds: every module of the spec suite (wast2json writes each into its
# own file), and the texts wasm-parse prints for the modules the suite
# says are valid.  Without the suite, the tools' own test inputs.
if [ -d "$spec" ]; then
	ls "$spec"/*.wast | xargs -P"$(nproc)" -I{} sh -c \
		'wast2json "$1" -o "$2/$(basename "$1" .wast).json" >/dev/null 2>&1; true' sh {} "$work/json"
	mv "$work"/json/*.wasm "$work/wasm/" 2>/dev/null
	valid=$(python3 -c 'import json, sys
for p in sys.argv[1:]:
	for c in json.load(open(p))["commands"]:
		if c["type"] == "module" and c.get("module_type", "binary") == "binary":
			print(c["filename"])' "$work"/json/*.json)
else
	echo "(spec suite directory $spec not found: seeds from test/)"
	for f in test/wasm-parse/*.wat test/wasm-verify/*.wat; do
		[ -f "$f" ] && wat2wasm "$f" -o "$work/wasm/$(basename "$f" .wat).wasm" 2>/dev/null
	done
	valid=$(cd "$work/wasm" && ls)
fi
parse=${WA_BIN:-bin}/wasm-parse
[ -x "$parse" ] || parse=build/asan/bin/wasm-parse
for f in $valid; do
	echo "$f"
done | xargs -P"$(nproc)" -I{} sh -c \
	'"$1" "$2/wasm/$3" > "$2/wat/$3.wat" 2>/dev/null || rm -f "$2/wat/$3.wat"' sh "$parse" "$work" {}

seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
targets=$(ls fuzz/*_fuzz.c | sed 's|fuzz/\(.*\)_fuzz\.c|\1|')
per=$((secs * 2 / 5 / $(echo $targets | wc -w)))
[ "$per" -ge 5 ] || per=5
diffsecs=$((secs / 5))
[ "$diffsecs" -ge 10 ] || diffsecs=10
python3 test/fuzz/smoke.py $((secs * 2 / 5)) "$seed" build/asan/bin "$work" | tee "$work/variants.out"
echo
if make -s -j"$(nproc)" fuzz-build > "$work/build.out" 2>&1; then
	FUZZ_SEEDS=$work FUZZ_DIFF=0 BIN=${WA_BIN:-bin} fuzz/run.sh "$per" $targets | tee "$work/libfuzzer.out"
else
	tail -n 20 "$work/build.out"
	echo "fuzz smoke: the libFuzzer targets do not build"
	echo "0 passed, 1 failed" > "$work/libfuzzer.out"
fi
echo
FUZZ_SEEDS=$work FUZZ_SEED=$seed BIN=${WA_BIN:-bin} fuzz/run.sh "$diffsecs" | tee "$work/diff.out"
# the three parts' counts, summed, as the last line
cat "$work/variants.out" "$work/libfuzzer.out" "$work/diff.out" |
	sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' |
	awk '{ p += $1; f += $2 } END { printf "%d passed, %d failed\n", p, f; exit f > 0 }'
