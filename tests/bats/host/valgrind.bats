#!/usr/bin/env bats
# The CLI's parsing paths and the formatter under valgrind: no leak, no
# invalid access (exit 99 otherwise).

load host_helper

setup() {
	host_setup
	need_valgrind
}

@test "valgrind: help and version" {
	run -0 vg "$CMAMEM" --help
	run -0 vg "$CMAMEM" fill --help
	run -0 vg "$CMAMEM" --version
}

@test "valgrind: usage errors, including repeated string options" {
	run -2 vg "$CMAMEM" -d "$NODEV" alloc 8Q --name a --name b
	run -2 vg "$CMAMEM" -d "$NODEV" fill x --counter --random --seed 1 --offset 1
	run -2 vg "$CMAMEM" -d "$NODEV" sync 1 --for gpu
	run -2 vg "$CMAMEM" -d "$NODEV" dump 1 --bogus
	run -2 vg "$CMAMEM" -d "$NODEV" -d "$NODEV" info 0
	run -2 vg "$CMAMEM" -d "$NODEV" frobnicate
	run -2 vg "$CMAMEM"
}

@test "valgrind: runs that reach the device" {
	run -1 vg "$CMAMEM" -d "$NODEV" alloc 8M --name cam0 --cache cached --align 1M
	run -1 vg "$CMAMEM" -d "$NODEV" fill cam0 --from /dev/null
	run -1 vg "$CMAMEM" -d /dev/null list --json
	run -1 vg "$CMAMEM" -d /dev/null info cam0
	run -1 vg "$CMAMEM" -d /dev/null dump 1 --offset 16
}

@test "valgrind: hexdump formatter and pattern generator" {
	"$CLI_UNIT" pattern random 3 0 100000 > "$BATS_TEST_TMPDIR/r"
	run -0 vg "$CLI_UNIT" hexdump "$BATS_TEST_TMPDIR/r" 5 70000
	run -0 vg "$CLI_UNIT" pattern counter 0 3 70001
}
