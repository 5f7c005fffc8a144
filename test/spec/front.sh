#!/bin/sh
# The spec-suite run of the front half: wasm-parse and wasm-verify on
# every module of the WebAssembly core test suite.
# usage: test/spec/front.sh SPEC_DIR [BIN_DIR]
#
# Valid modules must pass `wasm-parse | wasm-verify` and round-trip
# through wat2wasm; binary assert_malformed modules must be rejected by
# wasm-parse with status 1; binary assert_invalid modules by wasm-parse
# or wasm-verify with status 1.  Any other status or a signal is a crash.
# The checks and the normalisation of the round trip are described in
# front.py.  Output: a row per file, the failures with the first lines of
# the tool's stderr, and last `N passed, M failed[, K skipped]`.
# FRONT_SHOW=N lists up to N failures per file (default 30).
here=$(cd "$(dirname "$0")" && pwd)
spec=${1:?usage: front.sh SPEC_DIR [BIN_DIR]}
bin=${2:-$here/../../bin}
if [ ! -d "$spec" ]; then
	echo "skipping: spec suite directory $spec not found"
	exit 0
fi
for t in wasm-parse wasm-verify; do
	if [ ! -x "$bin/$t" ]; then
		echo "front: $bin/$t is not built"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
for t in python3 wast2json wat2wasm wasm2wat; do
	if ! command -v $t >/dev/null; then
		echo "skipping: $t is not installed"
		exit 0
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/front.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
python3 "$here/front.py" "$spec" "$(cd "$bin" && pwd)" "$work"
