#!/bin/sh
# `make fuzz`: every libFuzzer target for SECONDS, then the differential
# run against V8 for SECONDS.  See fuzz/README.
# usage: fuzz/run.sh SECONDS TARGET...
# Environment: O (build directory, default build), BIN (tools, default
# bin), SPEC_DIR (the spec suite, for seeds), FUZZ_SEEDS (a directory
# of seeds already made, with wasm/ and wat/ in it), FUZZ_SEED (the
# differential run's seed; random by default), FUZZ_DIFF=0 leaves the
# differential run out.
#
# A target's seeds are named on a line "corpus: KIND" in its source:
#   wasm   the binary modules of the spec suite (wast2json)
#   wat    the text wasm-parse writes for the valid ones
#   none   no seeds
#   DIR    any other word: the files of fuzz/corpus/DIR, a directory
#          a target ships; or, if the script fuzz/corpus/DIR.sh exists,
#          the files it makes (run once, into the seeds directory)
# A line "fuzz-options: -flag=value ..." adds libFuzzer options.
# Its corpus grows in $O/fuzz/corpus/TARGET from one run to the next;
# a crash, a sanitizer report, a timeout or running out of memory is
# saved in $O/fuzz/findings/TARGET/ and counted as a finding.
# Last line: `N passed, M failed` (targets and the differential run
# without and with findings).
secs=${1:?usage: fuzz/run.sh SECONDS TARGET...}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
O=${O:-build}
BIN=${BIN:-bin}
spec=${SPEC_DIR:-$top/../shared/testsuite/core}
seeds=${FUZZ_SEEDS:-$O/fuzz/seeds}
passed=0 failed=0
summary=$(mktemp "${TMPDIR:-/tmp}/fuzz.XXXXXX")
trap 'rm -f "$summary"' EXIT
trap 'exit 130' INT TERM

# Seeds from the spec suite (or from the tests' own modules), made once.
make_seeds() {
	[ -d "$seeds/wasm" ] && [ -d "$seeds/wat" ] && return
	rm -rf "$seeds" && mkdir -p "$seeds/json" "$seeds/wasm" "$seeds/wat"
	if [ -d "$spec" ] && command -v wast2json >/dev/null; then
		for f in "$spec"/*.wast; do
			wast2json "$f" -o "$seeds/json/$(basename "$f" .wast).json" >/dev/null 2>&1
		done
		mv "$seeds"/json/*.wasm "$seeds/wasm/" 2>/dev/null
	else
		for f in test/wasm-parse/*.wasm; do cp "$f" "$seeds/wasm/"; done
	fi
	for f in "$seeds"/wasm/*.wasm; do
		w=$seeds/wat/$(basename "$f" .wasm).wat
		"$BIN/wasm-parse" "$f" 2>/dev/null | "$BIN/wasm-verify" > "$w" 2>/dev/null || rm -f "$w"
	done
	rm -rf "$seeds/json"
}

corpus_of() { # the seed directory of target $1
	kind=$(sed -n 's/.*corpus: \([A-Za-z0-9_-]*\).*/\1/p' "fuzz/$1_fuzz.c" | head -n 1)
	case $kind in
	wasm|wat) echo "$seeds/$kind" ;;
	none|'') ;;
	*)
		if [ -x "fuzz/corpus/$kind.sh" ]; then
			# made by our tools: beside the other seeds, so that a
			# seeds directory of make check's is made afresh
			[ -d "$seeds/$kind" ] || BIN=$BIN "fuzz/corpus/$kind.sh" "$seeds/$kind" >&2
			echo "$seeds/$kind"
		else
			echo "fuzz/corpus/$kind"
		fi ;;
	esac
}

options_of() { # libFuzzer options of target $1: a line "fuzz-options: ..."
	sed -n 's/.*fuzz-options: \([^*]*\).*/\1/p' "fuzz/$1_fuzz.c" | head -n 1
}

row() { # row NAME SECONDS INPUTS FINDINGS NOTE
	printf '%-10s %7s s %12s inputs %4s findings  %s\n' "$1" "$2" "$3" "$4" "$5" >> "$summary"
	if [ "$4" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

make_seeds
for t in "$@"; do
	exe=$O/fuzz/${t}_fuzz
	work=$O/fuzz/corpus/$t
	found=$O/fuzz/findings/$t
	log=$O/fuzz/$t.log
	mkdir -p "$work" "$found"
	before=$(ls "$found" | wc -l)
	echo "=== $t: $secs s, seeds $(corpus_of "$t")"
	# -timeout: a slow input is a finding (time linear in the input);
	# -rss_limit_mb: so is memory past 4 GiB
	"$exe" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$found/" $(options_of "$t") "$work" $(corpus_of "$t") > "$log" 2>&1
	status=$?
	inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{ n += $1 } END { print n + 0 }')
	after=$(ls "$found" | wc -l)
	n=$((after - before))
	[ "$status" -ne 0 ] && [ "$n" -eq 0 ] && n=1
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5
	row "$t" "$secs" "$inputs" "$n" "corpus $(ls "$work" | wc -l) files; log $log"
done
if [ "${FUZZ_DIFF:-1}" != 0 ]; then
	echo "=== differential run against V8: $secs s"
	out=$O/fuzz/diff.log
	python3 fuzz/diff/diff.py "$secs" "${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}" \
		"$BIN" "$O/fuzz/findings/diff" > "$out" 2>&1
	status=$?
	tail -n 32 "$out" | grep -v '^[0-9]* passed'
	if grep -q '^skipping' "$out"; then
		echo "(differential run skipped)"
	else
		ok=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out")
		bad=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out")
		[ "$status" -ne 0 ] && [ "${bad:-0}" -eq 0 ] && bad=1
		row diff "$secs" "${ok:-0} modules" "${bad:-0}" "log $out"
	fi
fi
echo
echo "=== fuzz summary"
cat "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
