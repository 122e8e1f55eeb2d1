#!/usr/bin/env bats
# dump --format uN and checksum's digests, checked against the reference
# tools on the same bytes: od(1) for the word formats, sha256sum(1) and
# zlib (through Python, as crc32(1) prints it) for the digests. cli-unit
# runs the CLI's own formatter and digest code without a device.

load host_helper

setup() {
	host_setup
	T=$BATS_TEST_TMPDIR
}

# Bytes with runs (for od's '*') and noise, of length $1.
sample() {
	{ head -c 100 /dev/urandom; head -c 300 /dev/zero; head -c 77 /dev/urandom
	  head -c 4096 /dev/zero; head -c 5000 /dev/urandom; } | head -c "$1" > "$T/in"
}

@test "u8, u16, u32, u64, both byte orders, are od -A x -t xN" {
	sample 9568
	local w e
	for w in 1 2 4 8; do
		for e in little big; do
			diff <("$CLI_UNIT" od "$T/in" "$w" "$e") \
			     <(od -A x -t "x$w" --endian="$e" "$T/in") || fail "x$w $e"
		done
	done
}

@test "word formats with a skip and a length, and a short last line" {
	sample 9568
	local r
	for r in "16 32" "8 8" "4096 5000" "400 4096" "9560 8"; do
		set -- $r
		diff <("$CLI_UNIT" od "$T/in" 8 little "$1" "$2") \
		     <(od -A x -t x8 -j "$1" -N "$2" "$T/in") || fail "x8 $r"
		diff <("$CLI_UNIT" od "$T/in" 2 big "$1" "$2") \
		     <(od -A x -t x2 --endian=big -j "$1" -N "$2" "$T/in") || fail "x2 $r"
	done
}

@test "addresses widen past six digits as od's do" {
	truncate -s 20M "$T/in"
	printf 'AB' | dd of="$T/in" bs=1 seek=$((0x1234560)) conv=notrunc 2>/dev/null
	diff <("$CLI_UNIT" od "$T/in" 4 little) <(od -A x -t x4 "$T/in")
}

@test "sha256 is sha256sum's digest, crc32 is zlib's as crc32(1) prints it" {
	local n
	for n in 0 1 55 64 1000 4097 100000; do
		sample "$n"
		run -0 "$CLI_UNIT" digest sha256 "$T/in"
		assert_output "$(sha256sum < "$T/in" | cut -d' ' -f1)"
		run -0 "$CLI_UNIT" digest crc32 "$T/in"
		assert_output "$(python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$T/in")"
		assert_output --regexp '^[0-9a-f]{8}$'
	done
}

@test "the published check values: crc32 of 123456789 and sha256 of abc" {
	printf 123456789 > "$T/in"
	run -0 "$CLI_UNIT" digest crc32 "$T/in"
	assert_output cbf43926
	printf abc > "$T/in"
	run -0 "$CLI_UNIT" digest sha256 "$T/in"
	assert_output ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
}

@test "valgrind: the word formatter and both digests" {
	need_valgrind
	sample 9568
	run -0 vg "$CLI_UNIT" od "$T/in" 4 big 16 4096
	run -0 vg "$CLI_UNIT" digest sha256 "$T/in"
	run -0 vg "$CLI_UNIT" digest crc32 "$T/in"
}
