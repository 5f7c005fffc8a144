#!/usr/bin/env bats
# The per-request life cycle: many live instances, isolation between
# requests, wasm-run's --repeat, --concurrent, --stats, --timeout, --host.

setup_file() {
	export PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	top=$BATS_TEST_DIRNAME/..
	export X=$BATS_FILE_TMPDIR
	rt=$top/build/libwasmrt.a
	[ -f "$rt" ] || skip "build/libwasmrt.a is not built"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/lifecycle/many.c" "$rt" \
		-lsodium -ldl -lpthread -lm -o "$X/many"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/lifecycle/threads.c" "$rt" \
		-lsodium -ldl -lpthread -lm -o "$X/threads"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/lifecycle/calls.c" \
		"$top/test/lifecycle/regs.S" "$rt" -lsodium -ldl -lpthread -lm -o "$X/calls"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/lifecycle/resets.c" "$rt" \
		-lsodium -ldl -lpthread -lm -o "$X/resets"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/lifecycle/alternate.c" "$rt" \
		-lsodium -ldl -lpthread -lm -o "$X/alternate"
	cc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/lib" "$top/test/lifecycle/fresh.c" "$rt" \
		-lsodium -ldl -lpthread -lm -o "$X/fresh"
	cc -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I"$top/lib" "$top/test/lifecycle/now-host.c" \
		-o "$X/now-host.so"
	for w in state uses-host spin count calls grow resets kernel-writes fresh; do
		wat2wasm "$top/test/lifecycle/$w.wat" -o "$X/$w.wasm"
		wasm-aot "$X/$w.wasm" -o "$X/$w.so"
	done
	# bounds-checked: state with a declared maximum of one page; count
	# without one (wasm-run --max-memory caps it)
	sed 's/(memory 1)/(memory 1 1)/' "$top/test/lifecycle/state.wat" > "$X/state-checked.wat"
	wat2wasm "$X/state-checked.wat" -o "$X/state-checked.wasm"
	wasm-aot --bounds-checks "$X/state-checked.wasm" -o "$X/state-checked.so"
	wasm-aot --bounds-checks "$X/count.wasm" -o "$X/count-checked.so"
	wasm-aot --bounds-checks "$X/grow.wasm" -o "$X/grow-checked.so"
	wasm-aot --bounds-checks "$X/resets.wasm" -o "$X/resets-checked.so"
	wasm-aot --bounds-checks "$X/fresh.wasm" -o "$X/fresh-checked.so"
}

setup() {
	[ -x "$X/many" ] || skip "the test programs were not built"
}

@test "20,000 live instances, each with its own state; one in ten traps; resets leave nothing" {
	echo "vm.max_map_count: $(cat /proc/sys/vm/max_map_count)"
	run "$X/many" "$X/state.so" 20000
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "20000 live instances, 0 with wrong state" ]
	[ "${lines[1]}" = "20000 requests: 2000 trapped as they should, 18000 completed correctly" ]
	[ "${lines[2]}" = "20000 resets, 0 left bytes of the last request" ]
}

@test "100,000 live instances in bounds-checked slots, each with its own state; traps; resets" {
	echo "vm.max_map_count: $(cat /proc/sys/vm/max_map_count)"
	run "$X/many" "$X/state-checked.so" 100000 fit
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "100000 live instances, 0 with wrong state" ]
	[ "${lines[1]}" = "100000 requests: 10000 trapped as they should, 90000 completed correctly" ]
	[ "${lines[2]}" = "100000 resets, 0 left bytes of the last request" ]
}

@test "wasm-run --concurrent 100000: a module compiled with --bounds-checks" {
	wasm-run --concurrent 100000 --max-memory 64K --stats "$X/count-checked.so" > "$X/out" 2> "$X/err"
	cat "$X/err"
	[ "$(wc -l < "$X/out")" -eq 100000 ]
	[ "$(grep -c '^1$' "$X/out")" -eq 100000 ]
	grep -q '^wasm-run: 100000 runs, 100000 instances at once$' "$X/err"
}

@test "four threads create, run and free instances at once in one region" {
	run "$X/threads" "$X/state.so" 4 5000
	[ "$status" -eq 0 ]
	[ "$output" = "4 threads, 20000 life cycles, 2000 trapped as they should, 0 wrong" ]
}

@test "calls: returns, traps, interrupts, nested calls, yield and resume, on both call paths; relinking" {
	run "$X/calls" "$X/calls.so"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 30 ]
	[ -z "$(printf '%s\n' "${lines[@]}" | grep -v ': ok$')" ]
}

@test "--repeat: every run in a fresh instance sees none of the last run's memory" {
	run wasm-run --repeat 300 "$X/count.so"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 300 ]
	[ -z "$(printf '%s\n' "${lines[@]}" | grep -v '^1$')" ]
}

@test "--keep-resident: grown and dirtied memory reads zero in the next run, whatever is kept" {
	for so in grow.so grow-checked.so; do
		for keep in 0 4K 100K 1M 64M; do
			run wasm-run --repeat 20 --keep-resident $keep "$X/$so"
			[ "$status" -eq 0 ]
			[ "${#lines[@]}" -eq 20 ]
			[ -z "$(printf '%s\n' "${lines[@]}" | grep -v '^1$')" ] || { echo "$so, keep $keep: $output"; return 1; }
		done
		run wasm-run --repeat 20 "$X/$so"
		[ -z "$(printf '%s\n' "${lines[@]}" | grep -v '^1$')" ]
	done
	run wasm-run --keep-resident lots "$X/count.so"
	[ "$status" -eq 2 ]
}

@test "resets: memory reads zero after any mix of growing and dirtying, any slot layout, any keep_resident" {
	# each way of finding what the guest dirtied, whatever this machine
	# would choose: reading the whole heap, mincore, and the choice
	# and reading with write tracking (lib/rt/wtrack.c) and without
	for how in read mincore ""; do
		for track in 1 0; do
			for so in resets.so resets-checked.so; do
				WASMRT_RESET=$how WASMRT_WRITE_TRACK=$track run "$X/resets" "$X/$so"
				echo "$how, tracking $track, $so: $output"
				[ "$status" -eq 0 ]
				[ "${#lines[@]}" -eq 8 ]
				[ -z "$(printf '%s\n' "${lines[@]}" | grep -v ': 0 of 100 requests left something$')" ]
			done
		done
	done
}

# A reset renews what a request can change and keeps what setup made
# from the module, slot and host (instance.c, renew); WASMRT_RENEW=0
# takes the whole way, teardown and setup.  Either must leave the
# instance as a fresh one: fresh.c digests every kind of state after
# every kind of change (a deliberate bug, not cancelling the deadline
# or not clearing the dropped segments, fails 10 or 40 of 80).
@test "resets: globals, tables, segments, start, WASI, deadline, interrupt and trap are as fresh" {
	for renew in 1 0; do
		for so in fresh.so fresh-checked.so; do
			WASMRT_RENEW=$renew run "$X/fresh" "$X/$so"
			echo "renew $renew, $so: $output"
			[ "$status" -eq 0 ]
			[ "$output" = "80 resets, 0 wrong" ]
		done
	done
}

@test "resets: the runtime and the kernel write into a slot's tracked heap (data segments, fd_read)" {
	# each request reads its own 3 bytes into a page only the kernel
	# writes; once the slot tracks writes that page starts read-only,
	# and without wtrack.c's preparation readv fails with EFAULT
	for i in $(seq 10 39); do printf 'r%d' "$i"; done > "$X/kw.in"
	for i in $(seq 10 39); do printf 'data:r%d' "$i"; done > "$X/kw.want"
	for how in read mincore ""; do
		WASMRT_RESET=$how run wasm-run --repeat 30 "$X/kernel-writes.so" < "$X/kw.in"
		echo "$how: $output"
		[ "$status" -eq 0 ]
		[ "$(printf '%s' "$output" | tr -d '\n')" = "$(cat "$X/kw.want")" ]
	done
}

@test "one slot takes instances of modules of 3, 40 and 200 functions in turn: every call right" {
	# what a freed slot keeps for its next instance of the same module
	# (function records, tracked heap) must never leak into another's
	for spec in "3 0 100" "200 1 7" "40 0 -5"; do
		set -- $spec
		sh "$BATS_TEST_DIRNAME/lifecycle/alternate.sh" "$1" "$2" "$3" > "$X/alt$1.wat"
		wat2wasm "$X/alt$1.wat" -o "$X/alt$1.wasm"
		wasm-aot "$X/alt$1.wasm" -o "$X/alt$1.so"
	done
	# G + 1 + N(N-1)/2 (+ 1 for the import)
	run "$X/alternate" "$X/alt3.so" 104 "$X/alt200.so" 19909 "$X/alt40.so" 776
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^0\ of\ [0-9]+\ calls\ wrong$ ]]
}

@test "--concurrent with --repeat: batches of live instances, all runs made" {
	run wasm-run --repeat 250 --concurrent 100 "$X/count.so"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 250 ]
	[ -z "$(printf '%s\n' "${lines[@]}" | grep -v '^1$')" ]
}

@test "--stats prints each phase's median and 99th percentile and the memory per instance" {
	wasm-run --repeat 200 --concurrent 10 --stats "$X/count.so" > "$X/out" 2> "$X/err"
	cat "$X/err"
	[ "$(wc -l < "$X/out")" -eq 200 ]
	grep -q '^wasm-run: 200 runs, 10 instances at once$' "$X/err"
	grep -Eq '^instantiate +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+$' "$X/err"
	grep -Eq '^run +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+$' "$X/err"
	grep -Eq '^reset +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+$' "$X/err"
	grep -Eq '^resident memory per live instance: [0-9.]+ KiB idle' "$X/err"
}

@test "--timeout ends a runaway loop with the trap \"interrupted\"" {
	run wasm-run --timeout 200ms "$X/spin.so"
	[ "$status" -eq 134 ]
	[ "$output" = "wasm-run: trap: interrupted in wasm_func_0" ]
}

@test "--timeout with --repeat: every run is interrupted, each alone" {
	run wasm-run --timeout 20ms --repeat 3 "$X/spin.so"
	[ "$status" -eq 134 ]
	[ "${#lines[@]}" -eq 3 ]
	[ -z "$(printf '%s\n' "${lines[@]}" | grep -v 'trap: interrupted')" ]
}

@test "--timeout leaves a run that finishes in time alone" {
	run wasm-run --timeout 10s "$X/count.so"
	[ "$status" -eq 0 ]
	[ "$output" = "1" ]
}

@test "--host: a library registers the host functions a module imports" {
	run wasm-run --host "$X/now-host.so" --invoke twice_now "$X/uses-host.so"
	[ "$status" -eq 0 ]
	[ "$output" = "42" ]
	run wasm-run --host "$X/now-host.so" --invoke add3 "$X/uses-host.so" 39
	[ "$status" -eq 0 ]
	[ "$output" = "42" ]
}

@test "without its --host library the module does not link" {
	run wasm-run --invoke twice_now "$X/uses-host.so"
	[ "$status" -eq 1 ]
	[[ "$output" == *"env.now"* ]]
}

@test "bad life-cycle options are usage errors" {
	run wasm-run --repeat 0 "$X/count.so"
	[ "$status" -eq 2 ]
	run wasm-run --timeout soon "$X/count.so"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--timeout soon: expected a duration"* ]]
	run wasm-run --host "$X/nothing.so" "$X/count.so"
	[ "$status" -eq 1 ]
}
