#!/bin/sh
# What `make demo` runs: the README's demo.  The hello.c of the README is
# compiled to wasm by clang, then by wasm-aot, and run by wasm-run.  While
# the back half is not built, the front half shows its text instead.
# Each command is shown before it runs.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${WA_BIN:-$top/bin}" && pwd)
PATH="$bin:$PATH"
dir=$(mktemp -d "${TMPDIR:-/tmp}/demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
cd "$dir"
# The program is the README's own: its indented block from #include to
# the closing brace, indentation removed.
sed -n '/^    #include <stdio.h>/,/^    }/s/^    //p' "$top/README.md" > hello.c
[ -s hello.c ] || { echo "demo: no hello.c in README.md" >&2; exit 1; }
show() { echo "\$ $*"; "$@"; }
echo "--- hello.c (from README.md)"
cat hello.c
show clang --target=wasm32-wasi --sysroot=/usr -O2 hello.c -o hello.wasm
if [ -x "$bin/wasm-lower" ] && [ -x "$bin/wasm-codegen" ] && [ -x "$bin/wasm-run" ]; then
	show wasm-aot hello.wasm -o hello.so
	show wasm-run hello.so
	show wasm-run hello.so world
else
	echo "(the back half is not built yet: wasm-lower, wasm-codegen, wasm-run;"
	echo " showing the front half instead)"
	echo "\$ wasm-parse hello.wasm | wasm-verify | head -40"
	wasm-parse hello.wasm | wasm-verify | head -40
fi
