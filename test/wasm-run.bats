#!/usr/bin/env bats
# wasm-run and libwasmrt on hand-made modules (test/wasm-run/basic.c:
# C functions with the calling convention and a contract written by
# hand), so the runtime is tested without the compiler: traps reported
# by name with exit status 134, damaged modules refused with exit 1,
# --invoke parsing and printing.  Then linking and --script on small
# .wat modules compiled by wat2wasm and wasm-aot: each NAME.script runs
# in the directory of the .so files, its answers compared with
# NAME.out (UPDATE_GOLDEN=1 rewrites them).

setup_file() {
	local src=$BATS_TEST_DIRNAME/wasm-run/basic.c inc=$BATS_TEST_DIRNAME/../lib b
	export M=$BATS_FILE_TMPDIR
	# no sibling calls: a trap's return address must stay in the function
	CCM="cc -shared -fPIC -O1 -fno-optimize-sibling-calls -I$inc"
	$CCM "$src" -o "$M/basic.so"
	for b in MAGIC VERSION INDEX TYPE PTR CPU ALIGN; do
		$CCM -DBREAK_$b "$src" -o "$M/bad-$b.so"
	done
	# the limits, each class: counts, name lengths, context area
	$CCM -DMANY_GLOBALS=180000 "$src" -o "$M/many-globals.so"
	$CCM -DLONG_NAME "$src" -o "$M/long-name.so"
	$CCM -DMANY_TABLES "$src" -o "$M/many-tables.so"
	echo 'int not_wasm(void) { return 1; }' > "$M/plain.c"
	cc -shared -fPIC "$M/plain.c" -o "$M/plain.so"
	# hand-made, so sealed by hand: the runtime wants the integrity
	# digest wasm-link records before it reads the contract
	"${WA_BIN:-$BATS_TEST_DIRNAME/../bin}/wasm-link" --seal "$M"/*.so
	head -c 3000 "$M/basic.so" > "$M/truncated.so"
	echo 'not an ELF file' > "$M/text.so"
	compile_wat
}

# The .wat inputs, compiled once if the toolchain is there.
compile_wat() {
	local bin=${WA_BIN:-$BATS_TEST_DIRNAME/../bin} w n
	command -v wat2wasm >/dev/null && [ -x "$bin/wasm-aot" ] || return 0
	for w in "$BATS_TEST_DIRNAME"/wasm-run/*.wat; do
		n=$(basename "$w" .wat)
		wat2wasm "$w" -o "$M/$n.wasm" && "$bin/wasm-aot" "$M/$n.wasm" -o "$M/$n.so" || return 1
	done
	touch "$M/wat-ok"
}

# script NAME: run test/wasm-run/NAME.script in $M, compare its answers
# (standard output) with NAME.out
script() {
	local d=$BATS_TEST_DIRNAME/wasm-run
	[ -e "$M/wat-ok" ] || skip "wat2wasm or wasm-aot missing"
	(cd "$M" && wasm-run --script "$d/$1.script") > "$BATS_TEST_TMPDIR/$1.out" 2> "$BATS_TEST_TMPDIR/$1.err"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$BATS_TEST_TMPDIR/$1.out" "$d/$1.out"
	fi
	diff -u "$d/$1.out" "$BATS_TEST_TMPDIR/$1.out"
}

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	command -v wasm-run >/dev/null || skip "wasm-run is not built yet"
	S=$M/basic.so
}

# trap KIND FUNCTION EXPORT ARGS...: --invoke traps with that message
trap_is() {
	local kind=$1 func=$2
	shift 2
	run wasm-run --invoke "$1" "$S" "${@:2}"
	echo "status $status, output: $output"
	[ "$status" -eq 134 ]
	[ "$output" = "wasm-run: trap: $kind in $func" ]
}

# refused FILE MESSAGE: loading fails with exit 1 and that message
refused() {
	run wasm-run "$M/$1"
	echo "status $status, output: $output"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $M/$1: $2" ]
}

@test "_start writes through an imported fd_write and sees its arguments" {
	run wasm-run "$S" one "two words"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello from a hand-made module" ]
	[ "${lines[1]}" = "$S" ]
	[ "${lines[2]}" = "one" ]
	[ "${lines[3]}" = "two words" ]
}

@test "proc_exit ends the run with its code" {
	run wasm-run "$S" a exit=7 b
	[ "$status" -eq 7 ]
	[ "${lines[3]}" = "exit=7" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "trap: integer divide by zero (rt->trap)" { trap_is "integer divide by zero" divide divide 7 0; }
@test "trap: integer overflow" { trap_is "integer overflow" divide divide 0x80000000 -1; }
@test "trap: unreachable" { trap_is unreachable boom unreachable; }
@test "trap: call stack exhausted by the prologue check" { trap_is "call stack exhausted" recurse recurse 0; }
@test "trap: call stack exhausted at the guard page (SIGSEGV)" { trap_is "call stack exhausted" deep deep 0; }
@test "trap: out of bounds memory access in the heap guard (SIGSEGV)" { trap_is "out of bounds memory access" load load 0xfffffff0; }
@test "trap: out of bounds memory access in a runtime helper" { trap_is "out of bounds memory access" fill fill; }
@test "trap: real idiv by zero (SIGFPE) in an unnamed function" { trap_is "integer divide by zero" wasm_func_19 fpe 1 0; }
@test "trap: uninitialized element" { trap_is "uninitialized element" dispatch dispatch 3; }
@test "trap: undefined element" { trap_is "undefined element" dispatch dispatch 4; }
@test "trap: indirect call type mismatch" { trap_is "indirect call type mismatch" dispatch dispatch 2; }

@test "an indirect call through the table initialised by an element segment" {
	run wasm-run --invoke dispatch "$S" 0
	[ "$output" = 9 ]
	run wasm-run --invoke dispatch "$S" 1
	[ "$output" = 3 ]
}

@test "refused: truncated file" {
	run wasm-run "$M/truncated.so"
	echo "status $status, output: $output"
	[ "$status" -eq 1 ]
	[[ "$output" = "wasm-run: $M/truncated.so: damaged ELF file: "*"(truncated?)" ]]
}
@test "refused: not an ELF file" { refused text.so "not an ELF shared object"; }
@test "refused: missing file" { refused missing.so "cannot open: No such file or directory"; }
@test "refused: a plain C library" { refused plain.so "not a wasm-aot module: no wasm_aot_contract symbol"; }
@test "refused: wrong contract magic" { refused bad-MAGIC.so "contract: bad magic 0x464c457f (not a wasm-aot module)"; }
@test "refused: wrong ABI version" { refused bad-VERSION.so "contract: ABI version 9999, this runtime supports 3"; }
@test "refused: export index out of range" { refused bad-INDEX.so "contract: export 0 (add): kind 0 index 999 out of range"; }
@test "refused: bad value type byte" { refused bad-TYPE.so "contract: type 0: bad value type 0x55"; }
@test "refused: pointer outside the object" { refused bad-PTR.so "contract: types array (11 entries) lies outside the module"; }
@test "refused: a misaligned array (found by fuzz/load_fuzz)" { refused bad-ALIGN.so "contract: imports array is misaligned"; }
@test "refused: unknown CPU feature bits" { refused bad-CPU.so "contract: unknown CPU feature bits 0x10000000000"; }

@test "180,000 globals: instantiated in the default context area (was SIGSEGV)" {
	run wasm-run --invoke gget "$M/many-globals.so"
	echo "status $status, output: $output"
	[ "$status" -eq 0 ]
	[ "$output" = 42 ]
}
@test "refused: an export name of 1 MB, over the limit" {
	refused long-name.so "contract: export 18: name of 1000000 bytes exceeds the limit of 100000"
}
@test "refused: more tables than the limit" { refused many-tables.so "contract: 200000 tables, more than the limit of 100000"; }

@test "--invoke: integers, decimal and hex, printed signed" {
	run wasm-run --invoke add "$S" 40 2
	[ "$output" = 42 ]
	run wasm-run --invoke add "$S" 0xffffffff 0
	[ "$output" = -1 ]
	run wasm-run --invoke addl "$S" 9223372036854775807 1
	[ "$output" = -9223372036854775808 ]
	run wasm-run --invoke addl "$S" -0x10 0xffffffffffffffff
	[ "$output" = -17 ]
}

@test "--invoke: floats print in the shortest exact form" {
	run wasm-run --invoke fmul "$S" 0.1 3
	[ "$output" = 0.30000000000000004 ]
	run wasm-run --invoke fdiv32 "$S" 1 3
	[ "$output" = 0.33333334 ]
	run wasm-run --invoke fmul "$S" 0x1.8p1 2
	[ "$output" = 6 ]
	run wasm-run --invoke fmul "$S" inf -1
	[ "$output" = -inf ]
	run wasm-run --invoke fmul "$S" nan:0x1234 1
	[ "$output" = nan:0x8000000001234 ]
	run wasm-run --invoke fdiv32 "$S" 0 0
	[ "$output" = -nan ]
}

@test "--invoke: several results, one per line" {
	run wasm-run --invoke two "$S"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = -7 ]
	[ "${lines[1]}" = 1099511627776 ]
}

@test "--invoke: memory.grow respects the declared maximum; globals initialised" {
	run wasm-run --invoke grow "$S" 1
	[ "$output" = 1 ]
	run wasm-run --invoke grow "$S" 2
	[ "$output" = -1 ]
	run wasm-run --invoke size "$S"
	[ "$output" = 1 ]
	run wasm-run --invoke gget "$S"
	[ "$output" = 42 ]
}

@test "--invoke: bad arguments are usage errors" {
	run wasm-run --invoke add "$S" 1
	[ "$status" -eq 2 ]
	[ "$output" = "wasm-run: --invoke add: 2 arguments expected, 1 given" ]
	run wasm-run --invoke add "$S" 1 0x100000000
	[ "$status" -eq 2 ]
	[ "$output" = "wasm-run: --invoke add: argument 2 (0x100000000): not an i32" ]
	run wasm-run --invoke fmul "$S" 1 x
	[ "$status" -eq 2 ]
}

@test "--invoke: unknown export" {
	run wasm-run --invoke nosuch "$S"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $S: no exported function nosuch" ]
}

@test "usage" {
	run wasm-run
	[ "$status" -eq 2 ]
	run wasm-run -h
	[ "$status" -eq 0 ]
	[[ "$output" = usage:* ]]
	run wasm-run --env NOEQUALS "$S"
	[ "$status" -eq 2 ]
	run wasm-run --bogus "$S"
	[ "$status" -eq 2 ]
}

@test "linking: shared memory, table and global; a linked function uses its own memory" { script link; }
@test "linking: unlinkable imports, partial initialisation, trapping start" { script link-errors; }
@test "linking: recursion across instances checks the stack in use" { script rec; }

@test "a memory grows to 65,535 pages and no further; 65,536 initial pages are refused" { script mem-cap; }

# rt_fill (zero.c) fills 2 KiB to 256 KiB with its own store loop where
# calibrate found it faster than libc's memset: every byte inside and
# around, at odd offsets and lengths either side of its limits.
@test "--script: memory.fill writes exactly its bytes, at every size and alignment" {
	script fill
}

@test "--script: values of every type, spectest imports, traps then more calls, quoted names" {
	script values
	# the spectest print functions write to standard error only
	[ "$(cat "$BATS_TEST_TMPDIR/values.err")" = "$(printf '5 : i32\n1.5 : f64\n-2 : f64')" ]
}

@test "--script: a non-null funcref result, commands from standard input" {
	[ -e "$M/wat-ok" ] || skip "wat2wasm or wasm-aot missing"
	cd "$M"
	run wasm-run --script - <<-EOF
	spectest
	load v values.so
	invoke v ref-f
	invoke v func funcref:0x1
	EOF
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${lines[1]}" = ok ]
	[[ "${lines[2]}" =~ ^ok\ funcref:0x[0-9a-f]+$ ]]
	[[ "${lines[3]}" = "error: argument 1 (funcref:0x1): "* ]]
}

@test "--script: every answer is flushed as it is written" {
	[ -e "$M/wat-ok" ] || skip "wat2wasm or wasm-aot missing"
	cd "$M"
	coproc wasm-run --script -
	echo 'spectest' >&"${COPROC[1]}"
	read -r -t 10 line <&"${COPROC[0]}"
	[ "$line" = ok ]
	echo 'load v values.so' >&"${COPROC[1]}"
	read -r -t 10 line <&"${COPROC[0]}"
	[ "$line" = ok ]
	echo 'invoke v i32 i32:5' >&"${COPROC[1]}"
	read -r -t 10 line <&"${COPROC[0]}"
	[ "$line" = "ok i32:0x5" ]
	exec {COPROC[1]}>&-
	wait
}

@test "--script: usage errors; missing script file" {
	run wasm-run --script
	[ "$status" -eq 2 ]
	run wasm-run --script x.txt "$S"
	[ "$status" -eq 2 ]
	run wasm-run --script "$M/no-such-script"
	[ "$status" -eq 1 ]
	[ "$output" = "wasm-run: $M/no-such-script: No such file or directory" ]
}

# The compile cache (cmd/wasm-run/cache.c): a .wasm given to wasm-run is
# compiled once, by the wasm-aot beside it, into $XDG_CACHE_HOME/wasm-aot.
@test "a .wasm is compiled once into the compile cache, then run from it" {
	command -v clang >/dev/null && [ -e "$M/wat-ok" ] || skip "clang, wat2wasm or wasm-aot missing"
	T=$BATS_TEST_TMPDIR
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$BATS_TEST_DIRNAME/e2e/c/hello.c" -o "$T/hello.wasm"
	wasm-aot "$T/hello.wasm" -o "$T/hello.so"
	want=$(wasm-run "$T/hello.so" world)
	[ "$want" = "Hello from wasm-aot, world!" ]
	[ "$(XDG_CACHE_HOME=$T/c wasm-run "$T/hello.wasm" world)" = "$want" ]
	[ "$(stat -c %a "$T/c/wasm-aot")" = 700 ]
	[ "$(ls -A "$T/c/wasm-aot" | wc -l)" -eq 1 ]
	entry=$(ls "$T/c/wasm-aot"/*.so)
	before=$(stat -c '%i %Y.%y' "$entry")
	# the second run takes the entry as it is: not compiled again
	[ "$(XDG_CACHE_HOME=$T/c wasm-run "$T/hello.wasm" world)" = "$want" ]
	[ "$(stat -c '%i %Y.%y' "$entry")" = "$before" ]
	# another module (a custom section more) is another entry
	printf '\0\4\3abc' | cat "$T/hello.wasm" - > "$T/hello2.wasm"
	[ "$(XDG_CACHE_HOME=$T/c wasm-run "$T/hello2.wasm")" = "Hello, world!" ]
	[ "$(ls -A "$T/c/wasm-aot" | wc -l)" -eq 2 ]
}

@test "the compile cache: HOME/.cache without XDG_CACHE_HOME; a bad module leaves nothing; no --trusted-key" {
	[ -e "$M/wat-ok" ] || skip "wat2wasm or wasm-aot missing"
	T=$BATS_TEST_TMPDIR
	mkdir "$T/h"
	env -u XDG_CACHE_HOME HOME="$T/h" wasm-run --invoke f "$M/values.wasm" 2>/dev/null ||
		true   # whatever f does, the module is compiled
	[ "$(ls "$T/h/.cache/wasm-aot"/*.so | wc -l)" -eq 1 ]
	# a module that does not validate: refused, no entry, no temporary
	printf '\0asm\1\0\0\0\1\4\1\140\0\0\3\2\1\5' > "$T/bad.wasm"
	run env XDG_CACHE_HOME="$T/c" wasm-run "$T/bad.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"wasm-run: $T/bad.wasm: compilation failed" ]]
	[ -z "$(ls -A "$T/c/wasm-aot")" ]
	# a signature is a .so's: a module to compile cannot be trusted
	run env XDG_CACHE_HOME="$T/c" wasm-run --trusted-key "$T/none.pub" "$M/values.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--trusted-key needs a signed .so, not a module to compile"* ]]
	# no place for a cache
	run env -u XDG_CACHE_HOME -u HOME wasm-run "$M/values.wasm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no cache directory"* ]]
}
