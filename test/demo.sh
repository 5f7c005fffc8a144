#!/bin/sh
# The README's demo: a C program compiled to wasm by clang, compiled by
# wasm-aot, run by wasm-run.  Each command is shown before it runs.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$PATH"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
cd "$dir"
cp "$top/test/e2e/c/hello.c" hello.c
show() { echo "\$ $*"; "$@"; }
echo "--- hello.c"
cat hello.c
show clang --target=wasm32-wasi --sysroot=/usr -O2 hello.c -o hello.wasm
if [ -x "$top/bin/wasm-lower" ] && [ -x "$top/bin/wasm-run" ]; then
	show wasm-aot hello.wasm -o hello.so
	show wasm-run hello.so
	show wasm-run hello.so world
else
	echo "(the back half is not built yet: showing the front half)"
	echo "\$ wasm-parse hello.wasm | wasm-verify | head -40"
	wasm-parse hello.wasm | wasm-verify | head -40
fi
