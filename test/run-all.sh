#!/bin/sh
# What `make check` runs: every bats file, the spec-suite runs, the fuzz
# smoke test.  Prints each part's output, a summary per part and, last,
# one line `check: N passed, M failed` (with `, K skipped` if any).
# Exits non-zero if anything failed.
# usage: test/run-all.sh [SPEC_DIR]
# Environment: WA_BIN, the tools' directory (default bin, as for the
# bats files); FUZZ_SECONDS (default 100) bounds the fuzz smoke test,
# FUZZ_SECONDS=0 leaves it out (counted as skipped).
top=$(cd "$(dirname "$0")/.." && pwd)
# Not make's jobserver: its file descriptors do not reach the tests, and
# rustc 1.63 panics ("failed to acquire jobserver token") when told of
# one it cannot use.
unset MAKEFLAGS MFLAGS MAKELEVEL
spec=${1:-$top/../shared/testsuite/core}
cd "$top" || exit 1
WA_BIN=$(cd "${WA_BIN:-bin}" && pwd) || exit 1
export WA_BIN
out=$(mktemp -d "${TMPDIR:-/tmp}/check.XXXXXX")
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM
passed=0 failed=0 skipped=0
: > "$out/summary"

add() { # add PART PASSED FAILED SKIPPED SECONDS
	printf '%-12s %6d passed %6d failed %6d skipped %5d s\n' "$1" "$2" "$3" "$4" "$5" \
		>> "$out/summary"
	passed=$((passed + $2)) failed=$((failed + $3)) skipped=$((skipped + $4))
}

# bats: TAP lines; a skip is "ok N ... # skip".  A bats that dies before
# its plan is complete counts as one failure.
bats_part() {
	t0=$(date +%s)
	echo "=== bats"
	bats --tap test/*.bats > "$out/bats" 2>&1
	status=$?
	cat "$out/bats"
	p=$(grep -c '^ok ' "$out/bats")
	s=$(grep -c '^ok .*# skip' "$out/bats")
	f=$(grep -c '^not ok ' "$out/bats")
	[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	add bats $((p - s)) "$f" "$s" $(($(date +%s) - t0))
}

# A part whose output ends with "N passed, M failed[, K skipped]", or
# says "skipping: why" (counted as one skipped).
part() { # part NAME COMMAND...
	name=$1
	shift
	t0=$(date +%s)
	echo "=== $name: $*"
	"$@" > "$out/$name" 2>&1
	status=$?
	cat "$out/$name"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/$name" | tail -n 1)
	secs=$(($(date +%s) - t0))
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
		[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
		add "$name" "$p" "$f" "${s:-0}" "$secs"
	elif [ "$status" -eq 0 ] && grep -q '^skipping' "$out/$name"; then
		add "$name" 0 0 1 "$secs"
	else
		echo "$name: no summary line (status $status)"
		add "$name" 0 1 0 "$secs"
	fi
}

bats_part
part spec-front test/spec/front.sh "$spec" "$WA_BIN"
if [ -x test/spec/run.sh ]; then
	part spec-run test/spec/run.sh "$spec" "$WA_BIN"
fi
if [ "${FUZZ_SECONDS:-100}" -gt 0 ]; then
	part fuzz-smoke test/fuzz/smoke.sh "${FUZZ_SECONDS:-100}" "$spec"
else
	add fuzz-smoke 0 0 1 0
fi

echo
echo "=== summary"
cat "$out/summary"
if [ "$skipped" -gt 0 ]; then
	echo "check: $passed passed, $failed failed, $skipped skipped"
else
	echo "check: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
