#!/usr/bin/env bats
# Counted loops: wasm-lower strip-mines them (the interrupt check runs
# once per strip, so that LLVM can vectorise the loop).  The loops of
# test/loops/counted.wat must count the same iterations as their
# unrecognised twins (NAME_ref) on inputs that end inside a strip, on a
# strip boundary, after several strips, at once and after wrapping; an
# endless one must still be interruptible.

setup() {
	PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	for tool in wasm-parse wasm-verify wasm-lower wasm-codegen wasm-link wasm-run wasm-aot; do
		command -v "$tool" >/dev/null || skip "$tool is not built yet"
	done
	command -v wat2wasm >/dev/null || skip "wat2wasm is not installed"
	D=$BATS_TEST_DIRNAME/loops
	T=$BATS_TEST_TMPDIR
	wat2wasm "$D/counted.wat" -o "$T/counted.wasm"
}

# The inputs, "export i n" or "export i n s" (the last argument, 1,
# keeps the twin's extra branch untaken).  A strip is 65536 iterations
# here.
inputs() {
	cat <<-'EOF'
	ne_up1 i32:0 i32:200000
	ne_up1 i32:0 i32:65536
	ne_up1 i32:0 i32:65537
	ne_up1 i32:0 i32:131072
	ne_up1 i32:0xfffffff0 i32:0x10
	ne_up1 i32:-100 i32:100
	ne_up1 i32:5 i32:6
	ne_up4 i32:0 i32:800000
	ne_up4 i32:1 i32:262145
	ne_up4 i32:0xfffffff0 i32:0x100
	ne_up4 i32:3 i32:7
	ne_down2 i32:400000 i32:0
	ne_down2 i32:10 i32:-10
	ne_down2 i32:131074 i32:2
	ne_swapped i32:0 i32:1120000
	ne_swapped i32:0xffffff00 i32:0x1000
	tee_zero i32:-560000 i32:0
	tee_zero i32:-8 i32:0
	tee_zero i32:-524288 i32:7
	ltu i32:0 i32:200000
	ltu i32:10 i32:5
	ltu i32:0xfffffff0 i32:0xffffffff
	ltu i32:0 i32:65537
	ltu i32:0 i32:0
	lts i32:-100000 i32:100000
	lts i32:0x7ffffff0 i32:0x7fffffff
	lts i32:5 i32:-5
	gtu i32:200000 i32:0
	gtu i32:5 i32:10
	gtu i32:70000 i32:4464
	gts_swapped i32:-70000 i32:0
	gts_swapped i32:0x7fffff00 i32:0x7fffffff
	gts_swapped i32:3 i32:1
	ne64_up8 i64:0 i64:1600000
	ne64_up8 i64:0xffffffffffffff00 i64:0x80
	ltu64 i64:0x100000000 i64:0x100030000
	ltu64 i64:5 i64:1
	gts64 i64:0 i64:-200000
	gts64 i64:0x8000000000000010 i64:0x8000000000000000
	gts64 i64:0 i64:5
	set_then_get i32:0 i32:200000
	set_then_get i32:7 i32:3
	ltu_by i32:0 i32:200000 i32:3
	ltu_by i32:0 i32:196608 i32:3
	ltu_by i32:5 i32:5 i32:0
	ltu_by i32:20 i32:100 i32:0xfffffff6
	ltu_by i32:0 i32:0xfffffff0 i32:0x10001
	lts_by i32:-100000 i32:100000 i32:7
	lts_by i32:0x7f800000 i32:0x7f000000 i32:0x1000000
	lts_by i32:0 i32:100 i32:0xf0000000
	lts_by i32:9 i32:1 i32:0
	gtu_by i32:200000 i32:0 i32:5
	gtu_by i32:100 i32:0x1000 i32:0x80000000
	gts_by_swapped i32:200000 i32:-200000 i32:9
	gts_by_swapped i32:0x80000010 i32:0x80000100 i32:0x1000000
	gts_by_swapped i32:0 i32:5 i32:0
	lts64_by i64:0 i64:1000000 i64:11
	lts64_by i64:0x7800000000000000 i64:0x7000000000000000 i64:0x1000000000000000
	EOF
}

# compare OPT: every input through both twins in one script run.
compare() {
	wasm-aot "$1" "$T/counted.wasm" -o "$T/counted.so"
	{
		echo "load m $T/counted.so"
		inputs | while read -r f i n; do
			echo "invoke m $f $i $n i32:1"
			echo "invoke m ${f}_ref $i $n i32:1"
		done
	} > "$T/script"
	wasm-run --script "$T/script" > "$T/out"
	[ "$(wc -l < "$T/out")" -eq $((2 * $(inputs | wc -l) + 1)) ]
	paste - - < <(tail -n +2 "$T/out") | paste - <(inputs) | while IFS=$'\t' read -r a b what; do
		case $a in "ok i64:"*) ;; *) echo "$what: $a"; return 1 ;; esac
		[ "$a" = "$b" ] || { echo "$what: strip-mined $a, plain $b"; return 1; }
	done
}

@test "strip-mined loops count like plain ones at -O2" {
	compare -O2
}

@test "strip-mined loops count like plain ones at -O0" {
	compare -O0
}

@test "every loop of counted.wat but the twins is strip-mined" {
	wasm-lower "$D/counted.wat" > "$T/on.ll"
	[ "$(grep -c '^strip[0-9]*:' "$T/on.ll")" -eq "$(grep -c '_ref"' "$D/counted.wat")" ]
	wasm-lower --no-strip-mining "$D/counted.wat" > "$T/off.ll"
	! grep -q '^strip[0-9]*:' "$T/off.ll" || false
}

@test "a strip-mined loop that never ends is interrupted" {
	wasm-aot "$T/counted.wasm" -o "$T/counted.so"
	# i += 4 never meets an odd bound: every strip is full, for ever
	run wasm-run --timeout 200ms --invoke ne_up4 "$T/counted.so" 0 2 1
	[ "$status" -eq 134 ]
	[[ "$output" == "wasm-run: trap: interrupted in "* ]]
	# 2^62 iterations of a 64-bit loop: it would end, much later
	run wasm-run --timeout 200ms --invoke ltu64 "$T/counted.so" 0 4611686018427387904 1
	[ "$status" -eq 134 ]
	[[ "$output" == "wasm-run: trap: interrupted in "* ]]
}

@test "a counted loop over an array is vectorised" {
	cat > "$T/sum.wat" <<-'EOF'
	(module (memory 1)
	  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
	    (loop
	      (local.set $s (i32.add (local.get $s) (i32.load (local.get $i))))
	      (br_if 0 (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 4)))
	                       (local.get $n))))
	    (local.get $s)))
	EOF
	wasm-lower "$T/sum.wat" -o "$T/sum.ll"
	wasm-codegen -O2 --target-cpu x86-64-v2 -S -o "$T/sum.s" "$T/sum.ll"
	grep -q 'paddd' "$T/sum.s"
}

# N nested loops, each `loop (br_if 0 (local.get 0))`: 7 bytes a loop.
nest() {
	python3 - "$1" "$2" <<-'PY'
	import sys
	n, out = int(sys.argv[1]), sys.argv[2]
	def leb(v):
	    b = bytearray()
	    while True:
	        c, v = v & 0x7f, v >> 7
	        b.append(c | (0x80 if v else 0))
	        if not v:
	            return bytes(b)
	def sec(i, body):
	    return bytes([i]) + leb(len(body)) + body
	body = b'\0' + b'\x03\x40\x20\x00\x0d\x00' * n + b'\x0b' * (n + 1)
	code = leb(1) + leb(len(body)) + body
	open(out, 'wb').write(b'\0asm\1\0\0\0' + sec(1, b'\x01\x60\x01\x7f\x00') + sec(3, b'\x01\x00') +
	                      sec(7, b'\x01\x01f\x00\x00') + sec(10, code))
	PY
}

@test "a deep loop nest is left unoptimised (LLVM's loop passes are quadratic in depth)" {
	nest 3000 "$T/deep.wasm"
	nest 8 "$T/shallow.wasm"
	wasm-lower "$T/deep.wasm" | grep -q '^attributes #[0-9]* = { noinline nounwind optnone'
	! wasm-lower "$T/shallow.wasm" | grep -q optnone || false
	# the interrupt check of a loop does not leave it: a branch to a
	# trap block would be an exit of every loop around it
	wasm-lower --no-strip-mining "$T/shallow.wasm" > "$T/s.ll"
	# (eight loops and the function entry)
	[ "$(grep -c 'call void @wasm_aot_interrupt' "$T/s.ll")" -eq 9 ]
	! grep -q 'wasm_aot_trap(i8\* %0, i32 11,' "$T/s.ll" || false
	# split, the deep function has a partition of its own (which
	# wasm-codegen compiles as at -O0), its loops polling the interrupt
	# word through one call each
	mkdir "$T/parts"
	wasm-lower --split "$T/parts" "$T/deep.wasm"
	[ "$(ls "$T/parts")" = "$(printf 'p00.bc\np01.bc')" ]
	dis=$(command -v llvm-dis || command -v llvm-dis-14)
	"$dis" "$T/parts/p00.bc" -o "$T/p00.ll"
	"$dis" "$T/parts/p01.bc" -o "$T/p01.ll"
	grep -q '^define hidden void @wasm_func_0(' "$T/p01.ll"
	! grep -q '^define hidden void @wasm_func_0(' "$T/p00.ll" || false
	[ "$(grep -c 'call void @wasm_aot_poll' "$T/p01.ll")" -eq 3001 ]
	# and the deep nest compiles at -O2 and runs, and stays interruptible
	wasm-aot -O2 "$T/deep.wasm" -o "$T/deep.so"
	run wasm-run --invoke f "$T/deep.so" 0
	[ "$status" -eq 0 ]
	run wasm-run --timeout 50ms --invoke f "$T/deep.so" 1
	[ "$status" -eq 134 ]
	[ "$output" = "wasm-run: trap: interrupted in wasm_func_0" ]
}

# test/loops/once.py: loops whose induction variable starts at a constant
# with a constant bound and step, every comparison, around wrapping and
# the strip length.  Those that run at most one strip (once_*) are one
# plain loop with a check before it, so that LLVM sees the trip count;
# the others (strip_*) are strip-mined.  Each counts like its twin.
@test "a loop from a constant start that runs at most one strip is one plain loop, counting right" {
	python3 "$D/once.py" > "$T/once.wat"
	wat2wasm "$T/once.wat" -o "$T/once.wasm"
	names=$(cd "$D" && python3 -c 'import once; print(" ".join(c[0] for c in once.CASES))')
	wasm-lower "$T/once.wat" > "$T/once.ll"
	for f in $names; do
		n=$(awk -v f="define internal i64 @\"wasm:$f\"(" 'index($0, f) == 1 { p = 1 }
			p && /^strip[0-9]*:/ { c++ } p && /^}/ { p = 0 } END { print c + 0 }' "$T/once.ll")
		echo "$f: $n strip headers"
		case $f in once_*) [ "$n" -eq 0 ] ;; *) [ "$n" -eq 1 ] ;; esac
	done
	for opt in -O0 -O2; do
		wasm-aot $opt "$T/once.wasm" -o "$T/once.so"
		{
			echo "load m $T/once.so"
			for f in $names; do
				echo "invoke m $f i32:1"
				echo "invoke m ${f}_ref i32:1"
			done
		} > "$T/script"
		wasm-run --script "$T/script" > "$T/out"
		[ "$(wc -l < "$T/out")" -eq $((2 * $(echo $names | wc -w) + 1)) ]
		tail -n +2 "$T/out" | paste - - | paste - <(printf '%s\n' $names) | while IFS=$'\t' read -r a b what; do
			case $a in "ok i64:"*) ;; *) echo "$opt $what: $a"; return 1 ;; esac
			[ "$a" = "$b" ] || { echo "$opt $what: $a, plain $b"; return 1; }
		done
	done
	# from 0 by 4, never 2: strip-mined, so still interruptible
	cat > "$T/endless.wat" <<-'WAT'
	(module
	  (func (export "endless") (local $i i32)
	    (local.set $i (i32.const 0))
	    (loop (br_if 0 (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 2))))))
	WAT
	wat2wasm "$T/endless.wat" -o "$T/endless.wasm"
	wasm-aot "$T/endless.wasm" -o "$T/endless.so"
	run timeout 20 wasm-run --timeout 200ms --invoke endless "$T/endless.so"
	[ "$status" -eq 134 ]
	[[ "$output" == "wasm-run: trap: interrupted in "* ]]
}
