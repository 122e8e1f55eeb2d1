#!/usr/bin/env bats
# mmap of buffers: which ranges map, which are refused and with what errno,
# and how fork, munmap, mprotect and mremap keep the mapping counts right.
# Each test is one subtest of tests/c/map-lifecycle.c, which checks the data
# seen through the mappings and INFO's mapping count.

load test_helper/common
load test_helper/buffers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { free_tracked; common_teardown; }

@test "partial mappings inside a buffer show, and write, the right pages" {
	run_helper 0 map-lifecycle partial
}

@test "mmap running past the end of a buffer: EINVAL; up to the exact end: fine" {
	run_helper 0 map-lifecycle past-end
}

@test "mmap of an offset that belongs to no buffer (0 with no legacy buffer, far away, a freed buffer's): EINVAL" {
	run_helper 0 map-lifecycle no-buffer
}

@test "mmap of a buffer this file holds no handle to: EACCES, until it attaches" {
	run_helper 0 map-lifecycle not-held
}

@test "MAP_PRIVATE is refused with EINVAL" {
	run_helper 0 map-lifecycle private
}

@test "fork with a mapping: the child's writes are the parent's, and the child's VMA counts until it exits" {
	run_helper 0 map-lifecycle fork
}

@test "munmap of the middle of a mapping splits it in two VMAs, each counted, each showing its pages" {
	run_helper 0 map-lifecycle munmap-hole
}

@test "mprotect on part of a mapping splits it; the read-only part faults on write; counts follow" {
	run_helper 0 map-lifecycle mprotect-split
}

@test "mremap cannot grow a mapping (EFAULT), and the mapping is unharmed" {
	run_helper 0 map-lifecycle mremap-grow
}

@test "mremap can shrink and move a mapping; the count stays one" {
	run_helper 0 map-lifecycle mremap-shrink-move
}

@test "MADV_DONTNEED zaps a mapping; the next touch faults the buffer's own pages back, reads and writes" {
	run_helper 0 map-lifecycle zap-refault
}

@test "the CLI maps a buffer only for the command's duration: no mapping is left after fill" {
	track_alloc 64K
	local id=$output
	run_cmamem 0 fill "$id" --pattern 7
	run_cmamem 0 info "$id"
	assert_line "mappings: 0"
	assert_line "handles: 0"
	run_cmamem 0 free "$id"
}
