#!/usr/bin/env bats
# fill's patterns (src/cli/pattern.c) against pattern_ref.py, a plain
# reading of cmamem(1): each byte depends only on its buffer position.

load host_helper

setup() {
	host_setup
	command -v python3 >/dev/null || fail "no python3"
	REF=$BATS_TEST_DIRNAME/pattern_ref.py
}

same_as_ref() {
	cmp <("$CLI_UNIT" pattern "$@") <(python3 "$REF" "$@") ||
		fail "pattern $* differs from the reference"
}

@test "byte, word, counter and random match the reference at odd offsets" {
	local k r
	for k in "byte 0xa5" "byte 0" "word 0xdeadbeef" "word 0x1" "counter 0" \
		 "random 0" "random 42" "random 0xffffffffffffffff"; do
		for r in "0 100" "3 17" "5 40001" "16381 70003"; do
			same_as_ref $k $r
		done
	done
}

@test "splitmix64: the published test vector for seed 1234567" {
	run -0 bash -c "'$CLI_UNIT' pattern random 1234567 0 16 | od -An -tx8 | tr -s ' '"
	assert_output " 599ed017fb08fc85 2c73f08458540fa5"
}

@test "counter: the word at offset 4*i is i, little-endian" {
	run -0 bash -c "'$CLI_UNIT' pattern counter 0 0 16 | od -An -tx1 | tr -s ' '"
	assert_output " 00 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00"
	run -0 bash -c "'$CLI_UNIT' pattern counter 0 0x400 4 | od -An -tx1 | tr -s ' '"
	assert_output " 00 01 00 00"
}

@test "a range is the same bytes as that part of a whole fill" {
	local k
	for k in "word 0x01020304" "counter 0" "random 99"; do
		"$CLI_UNIT" pattern $k 0 64K > "$BATS_TEST_TMPDIR/whole"
		cmp <(tail -c +4098 "$BATS_TEST_TMPDIR/whole" | head -c 1001) \
		    <("$CLI_UNIT" pattern $k 4097 1001)
	done
}
