#!/bin/sh
# wasm-aot: compile a WebAssembly module to a native shared object by
# chaining the pipeline's stages.  The stage list is stages() below.
set -eu

usage() {
	echo "usage: wasm-aot [-o OUT.so] [-O0|-O1|-O2|-O3] [-j N] [-v] [--keep-temps]"
	echo "                [--target-cpu CPU] [--bounds-checks] [--elide-dead-loads]"
	echo "                [--no-strip-mining] FILE.wasm"
}

out= opt=-O2 verbose=0 keep=0 cpu= bounds= elide= strip= in= jobs=
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	-o) [ $# -ge 2 ] || { usage >&2; exit 2; }; out=$2; shift ;;
	-O0|-O1|-O2|-O3) opt=$1 ;;
	-j) [ $# -ge 2 ] || { usage >&2; exit 2; }; jobs=$2; shift ;;
	-j*) jobs=${1#-j} ;;
	-v) verbose=1 ;;
	--keep-temps) keep=1 ;;
	--target-cpu) [ $# -ge 2 ] || { usage >&2; exit 2; }; cpu=$2; shift ;;
	--target-cpu=*) cpu=${1#--target-cpu=} ;;
	--bounds-checks) bounds=--bounds-checks ;;
	--elide-dead-loads) elide=--elide-dead-loads ;;
	--no-strip-mining) strip=--no-strip-mining ;;
	--) shift; break ;;
	-?*) echo "wasm-aot: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) [ -z "$in" ] || { usage >&2; exit 2; }; in=$1 ;;
	esac
	shift
done
if [ $# -gt 0 ]; then
	[ -z "$in" ] && [ $# -eq 1 ] || { usage >&2; exit 2; }
	in=$1
fi
[ -n "$in" ] || { usage >&2; exit 2; }
[ -r "$in" ] || { echo "wasm-aot: $in: cannot read" >&2; exit 1; }
[ -n "$out" ] || out=${in%.wasm}.so
case $jobs in
'') jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) ;;
*[!0-9]*|0*) echo "wasm-aot: -j needs a positive number" >&2; usage >&2; exit 2 ;;
esac

# The sibling tools of this script come first.
here=$(cd "$(dirname "$0")" && pwd)
PATH="$here:$PATH"

# Intermediate files live in a private directory, removed on any exit;
# --keep-temps keeps the module text and the partitions (IR and objects)
# beside the output.
tmp=
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasm-aot.XXXXXX")
if [ "$keep" = 1 ]; then
	wat=${out%.so}.wat parts=${out%.so}.parts
else
	wat=$tmp/module.wat parts=$tmp/parts
fi

# run CMD...: echo it with -v, then run it
run() {
	[ "$verbose" = 0 ] || echo "$*" >&2
	"$@"
}

# Code generation of the partitions, pNN.bc to pNN.o, in one process
# with up to $jobs threads (a process each would start LLVM once a
# partition: 40 ms of CPU each).  How the module is split depends on
# the module alone, so the .so does not depend on -j.  With several
# inputs wasm-codegen writes each object beside its input; one input
# needs -o.
codegen() {
	set -- "$parts"/p*.bc
	if [ $# -eq 1 ]; then
		run wasm-codegen -c "$opt" ${cpu:+--target-cpu "$cpu"} -o "${1%.bc}.o" "$1"
	else
		run wasm-codegen -c "$opt" ${cpu:+--target-cpu "$cpu"} -j "$jobs" "$@"
	fi
}

# The pipeline, the one place that names the stages.
stages() {
	run wasm-parse --strip-custom -o "$tmp/parsed.wat" "$in"
	run wasm-verify -o "$wat" "$tmp/parsed.wat"
	run wasm-lower $bounds $elide $strip --split "$parts" "$wat"
	codegen
	run wasm-link -o "$out" "$parts"/p*.o
}

stages
