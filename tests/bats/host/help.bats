#!/usr/bin/env bats
# --help, ACTION --help and --version: exit 0, text on stdout, nothing on
# stderr, and no device needed.

load host_helper

setup() { host_setup; }

ACTIONS="alloc free list info fill dump sync checksum cmp copy verify export top"

@test "cmamem --help lists every action and the exit codes" {
	run --separate-stderr cm --help
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 "Usage: cmamem [OPTION...] ACTION [ARGS...]"
	local a
	for a in $ACTIONS; do
		assert_line --regexp "^  $a "
	done
	assert_output --partial "Exit status: 0 ok, 1 failed, 2 usage error, 3 not found,"
	assert_output --partial "4 permission denied, 5 limit reached."
	run -0 cm -h
}

@test "every action has --help, -h, and cmamem --help ACTION" {
	local a
	for a in $ACTIONS; do
		run --separate-stderr cm "$a" --help
		assert_success
		assert_equal "$stderr" ""
		assert_line --index 0 --regexp "^Usage: cmamem $a "
		assert_output --partial "Global options:"
		run -0 cm "$a" -h
		run -0 cm --help "$a"
		assert_line --index 0 --regexp "^Usage: cmamem $a "
	done
}

@test "action help names the action's options" {
	run -0 cm alloc --help
	assert_output --partial "--name=NAME"
	assert_output --partial "--cache=MODE"
	assert_output --partial "--align=SIZE"
	assert_output --partial "--from=SOURCE"
	run -0 cm fill --help
	for o in --pattern=BYTE --word=HEX32 --counter --random --seed=S \
		 --from=FILE --offset=SIZE --length=SIZE; do
		assert_output --partial -- "$o"
	done
	run -0 cm dump --help
	assert_output --partial "--raw"
	assert_output --partial "hexdump -C"
	run -0 cm sync --help
	assert_output --partial "--for=cpu|device"
}

@test "--help wins over bad arguments" {
	run -0 cm alloc 8Q --help
	run -0 cm fill --counter --random --help
}

@test "--version" {
	run --separate-stderr cm --version
	assert_success
	assert_equal "$stderr" ""
	assert_output --regexp '^cmamem [0-9]+\.[0-9]+\.[0-9]+ \(libcmamem [0-9]+\.[0-9]+\.[0-9]+\)$'
	run -0 cm -V
}
