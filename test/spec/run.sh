#!/bin/sh
# The spec-suite run of the whole toolkit: every command of every .wast
# of the WebAssembly core test suite, carried out by our own compiler
# and runtime (modules compiled by the pipeline, commands run by
# `wasm-run --script`).  The checks are described in run.py.
# usage: test/spec/run.sh SPEC_DIR [BIN_DIR]      (make spectest)
# Output: a row per file, the failures, the skipped and not-applicable
# commands with reasons, and last `N passed, M failed[, K skipped]`.
# SPEC_JOBS=N compiles N modules at a time (default: the CPU count);
# SPEC_ONLY=name,name runs only those files; SPEC_SHOW=N lists up to N
# failures per file.  Nothing is cached from one run to the next.
here=$(cd "$(dirname "$0")" && pwd)
spec=${1:?usage: run.sh SPEC_DIR [BIN_DIR]}
bin=${2:-$here/../../bin}
if [ ! -d "$spec" ]; then
	echo "skipping: spec suite directory $spec not found"
	exit 0
fi
for t in wasm-parse wasm-verify wasm-lower wasm-codegen wasm-link wasm-run; do
	if [ ! -x "$bin/$t" ]; then
		echo "spec: $bin/$t is not built"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
for t in python3 wast2json bash; do
	if ! command -v $t >/dev/null; then
		echo "skipping: $t is not installed"
		exit 0
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/spec.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
python3 "$here/run.py" "$spec" "$(cd "$bin" && pwd)" "$work"
