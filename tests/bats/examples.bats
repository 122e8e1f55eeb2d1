#!/usr/bin/env bats
# The example programs of examples/, on the real driver: cmamem(3)'s
# EXAMPLES taken from the page itself (its listing must be
# examples/cmamem-example.c; the program is compiled in the guest with
# pkg-config against the build tree, then run), and the binary `make
# examples` built the same way, on its error paths. cmamem(1)'s
# v4l2-capture runs in cli.bats, with that page's EXAMPLES.
#
# The compile step needs a C compiler and pkg-config in the guest: the x86
# guests have the host's; the arm64 root has neither.

load test_helper/common
bats_require_minimum_version 1.5.0

# The build tree the suite's binaries come from (build/arm64 on arm64).
EX_BUILD=${CMAMEM_BIN%/bin/cmamem}
EXAMPLE=$EX_BUILD/examples/cmamem-example

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() {
	target_sh "$(limits_off) '$CMAMEM_BIN' --quiet free ex-taken 2>/dev/null; exit 0"
	common_teardown
}

@test "every command of cmamem(3)'s EXAMPLES runs, with the output the page shows, and its listing is the example's source" {
	run target_run env BUILD="$EX_BUILD" "$CMAMEM_REPO/tests/man/run-examples" "$CMAMEM_REPO/cmamem.3"
	assert_success
	assert_line "ok: the listing is examples/cmamem-example.c"
	assert_line "3 of 3 examples as documented"
}

@test "make examples' cmamem-example: the buffer's life, and nothing left behind" {
	[ -x "$EXAMPLE" ] || fail "$EXAMPLE is not built (make examples)"
	run target_sh "'$EXAMPLE' ex-built && '$CMAMEM_BIN' info ex-built; echo \"status \$?\""
	assert_line --index 0 --regexp '^buffer [1-9][0-9]* "ex-built": 1048576 bytes$'
	assert_line --index 1 'wrote "hello from libcmamem"'
	# bats holds descriptors open: the number is not the page's 4.
	assert_line --index 2 --regexp '^dma-buf fd [0-9]+: 1048576 bytes, the same bytes$'
	assert_line --index 3 'held by 1 handle, 1 mapping, 1 dma-buf'
	assert_line --index 4 'freed: info now says No such file or directory'
	# The CLI cannot find it either: it was freed, not left persistent.
	assert_line --index 5 --regexp '^cmamem: .*ex-built'
	assert_line --index 6 'status 3'
}

@test "cmamem-example's errors: the library's -errno, named with the step, and no buffer left" {
	[ -x "$EXAMPLE" ] || fail "$EXAMPLE is not built (make examples)"
	run_cmamem 0 alloc 4K --name ex-taken
	# EEXIST from the kernel, EINVAL from the library (a name over 31
	# bytes never reaches the kernel), ENOSPC from the max_buffers limit.
	run target_sh "
		'$EXAMPLE' ex-taken; echo \"status \$?\"
		'$EXAMPLE' $(printf 'n%.0s' {1..32}); echo \"status \$?\"
		echo 1 >'$CMAMEM_SYSFS/max_buffers'
		'$EXAMPLE' ex-limit; echo \"status \$?\"
		echo 0 >'$CMAMEM_SYSFS/max_buffers'"
	assert_success
	assert_output "cmamem-example: alloc: File exists
status 1
cmamem-example: alloc: Invalid argument
status 1
cmamem-example: alloc: No space left on device
status 1"
	# The buffer that held the name is untouched.
	run_cmamem 0 info ex-taken --json
	assert_equal "$(jq -r .size <<<"$output")" 4096
}
