#!/usr/bin/env bats
# The original cma_mem driver's ABI, kept for its programs: tests/c/legacy-abi
# is such a program, written from the old description with its own struct.

load test_helper/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { common_teardown; }

@test "an old program runs unmodified: CMEM_ALLOCATE, mmap at offset 0, write, read, close frees it" {
	run_helper 0 legacy-abi old-app
}

@test "CMEM_ALLOCATE page-aligns len, and refuses 0 with EINVAL" {
	run_helper 0 legacy-abi len
}

@test "mmap at offset 0 maps the file's most recent legacy buffer, and not past its end" {
	run_helper 0 legacy-abi most-recent
}

@test "offset 0 maps nothing in a file without a legacy buffer of its own; MAP_PRIVATE is refused" {
	run_helper 0 legacy-abi per-file
}

@test "closing the file frees its legacy buffers; with a mapping, at munmap" {
	run_helper 0 legacy-abi close
}

@test "legacy numbers 1-4 and 6-8 give ENOTTY and a kernel message naming them" {
	run_helper 0 legacy-abi enotty
	run target_sh "dmesg | sed -n '/$BATS_SUITE_MARK/,\$p' | grep -c 'legacy ioctl [1-4678] unsupported'"
	[ "$output" -ge 1 ] || fail "no 'legacy ioctl N unsupported' message in the kernel log"
}
