#!/bin/sh
# The fuzz smoke test of `make check`: the libFuzzer targets of
# wasm-parse (binary reader, text writer) and wasm-verify (text reader,
# validator), built with AddressSanitizer and UndefinedBehaviorSanitizer,
# each run for a bounded time from a corpus of the spec suite's modules.
# libFuzzer's mutations truncate, flip bits, splice inputs and blow up
# LEB128 numbers.  Any crash or sanitizer report fails, and libFuzzer
# saves the input (its path is printed).
# usage: test/fuzz/smoke.sh [SECONDS_PER_TARGET] [SPEC_DIR]
secs=${1:-50}
spec=${2:-../shared/testsuite/core}
cd "$(dirname "$0")/../.."
if [ ! -d "$spec" ]; then
	echo "skipping: spec suite directory $spec not found"
	exit 0
fi
if ! command -v clang >/dev/null; then
	echo "skipping: clang (with libFuzzer) not installed"
	exit 0
fi
make -s fuzz >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/wasm" "$work/wat" "$work/crash"
for f in "$spec"/*.wast; do
	wast2json "$f" -o "$work/wasm/$(basename "$f" .wast).json" >/dev/null 2>&1
done
rm -f "$work"/wasm/*.json "$work"/wasm/*.wat
for f in "$work"/wasm/*.wasm; do
	bin/wasm-parse "$f" > "$work/wat/$(basename "$f" .wasm).wat" 2>/dev/null || rm -f "$work/wat/$(basename "$f" .wasm).wat"
done
seed=${FUZZ_SEED:-$(date +%s)}
echo "fuzz smoke: $secs s per target, seed $seed, corpus $(ls "$work/wasm" | wc -l) binaries, $(ls "$work/wat" | wc -l) texts"
passed=0 failed=0
run() { # run TARGET CORPUS
	log=$work/$1.log
	ASAN_OPTIONS=detect_leaks=0 build/fuzz/$1 -seed="$seed" -max_total_time="$secs" -max_len=65536 \
		-rss_limit_mb=4096 -artifact_prefix="$work/crash/$1-" -print_final_stats=1 "$2" > "$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	runs=${runs:-0}
	if [ "$status" -eq 0 ]; then
		echo "$1: $runs inputs, no crash, no sanitizer report"
		passed=$((passed + runs))
	else
		keep=$(mktemp -d "${TMPDIR:-/tmp}/wasm-aot-fuzz.XXXXXX")
		cp "$work"/crash/* "$keep"/ 2>/dev/null
		echo "$1: FAILED after $runs inputs (seed $seed); input saved in $keep"
		grep -E 'ERROR|runtime error|SUMMARY' "$log" | head -5
		passed=$((passed + runs))
		failed=$((failed + 1))
	fi
}
run parse_fuzz "$work/wasm"
run verify_fuzz "$work/wat"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
