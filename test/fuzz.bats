#!/usr/bin/env bats
# The fuzzers' own judgement (make fuzz, the smoke test of make check):
# fuzz/diff/diff.py compares our logged values with V8's and must let
# pass only the NaN payloads the spec leaves open.

# same X Y: diff.py's same_line on two logged lines
same() {
	python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import diff
print(diff.same_line(sys.argv[2], sys.argv[3]))' "$BATS_TEST_DIRNAME/../fuzz/diff" "$1" "$2"
}

@test "diff.py: equal lines are the same, other values are not" {
	[ "$(same 'log i32 5' 'log i32 5')" = True ]
	[ "$(same 'log i32 5' 'log i32 6')" = False ]
	[ "$(same 'log f32 1' 'log f32 2')" = False ]
	[ "$(same 'log i32 2143289344' 'log i64 2143289344')" = False ]
}

@test "diff.py: an arithmetic NaN against the canonical one is the same, in both widths and signs" {
	# 0x7fc00000 (canonical) and 0x7fc00001 (quiet, another payload)
	[ "$(same 'log i32 2143289344' 'log i32 2143289345')" = True ]
	# -0x400000 is 0xffc00000, the negative canonical NaN
	[ "$(same 'log i32 -4194304' 'log i32 2143289345')" = True ]
	# 0xfff8000000000000 and 0x7ff8000000000001
	[ "$(same 'log i64 -2251799813685248' 'log i64 9221120237041090561')" = True ]
}

@test "diff.py: a signalling NaN, or two payloads neither canonical, differ" {
	# 0x7f800001: quiet bit clear
	[ "$(same 'log i32 2143289344' 'log i32 2139095041')" = False ]
	# 0x7fc00001 and 0x7fc00002
	[ "$(same 'log i32 2143289345' 'log i32 2143289346')" = False ]
	# a NaN's bits against a number
	[ "$(same 'log i32 2143289344' 'log i32 1')" = False ]
	# the same bits as another type's NaN
	[ "$(same 'log i64 2143289344' 'log i64 2143289345')" = False ]
}
