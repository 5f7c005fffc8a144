#!/bin/sh
# What `make check` runs: every bats file, the spec-suite runs, the fuzz
# smoke test.  Prints a summary per part and, last, one line
# `check: N passed, M failed` (with `, K skipped` if any).
# usage: test/run-all.sh SPEC_DIR
spec=${1:-../shared/testsuite/core}
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
passed=0 failed=0 skipped=0

add() { # add PART PASSED FAILED SKIPPED
	printf '%-24s %6d passed %6d failed %6d skipped\n' "$1" "$2" "$3" "$4" >> "$out/summary"
	passed=$((passed + $2)) failed=$((failed + $3)) skipped=$((skipped + $4))
}

# bats: TAP lines; a skip is "ok N ... # skip"
bats --tap test/*.bats > "$out/bats" 2>&1
cat "$out/bats"
p=$(grep -c '^ok ' "$out/bats" | tr -d ' ')
s=$(grep -c '^ok .*# skip' "$out/bats" | tr -d ' ')
f=$(grep -c '^not ok ' "$out/bats" | tr -d ' ')
add bats $((p - s)) "$f" "$s"

# a part that ends with "N passed, M failed[, K skipped]"
part() { # part NAME COMMAND...
	name=$1
	shift
	"$@" > "$out/$name" 2>&1
	status=$?
	cat "$out/$name"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/$name" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
		[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
		add "$name" "$p" "$f" "${s:-0}"
	elif grep -q '^skipping' "$out/$name"; then
		add "$name" 0 0 1
	else
		add "$name" 0 1 0
	fi
}

part spec-front python3 test/spec/front.py "$spec" bin
[ -x test/spec/run.sh ] && part spec-run test/spec/run.sh "$spec"
[ -x test/fuzz/smoke.sh ] && part fuzz-smoke test/fuzz/smoke.sh

echo
cat "$out/summary"
if [ "$skipped" -gt 0 ]; then
	echo "check: $passed passed, $failed failed, $skipped skipped"
else
	echo "check: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
