#!/usr/bin/env bats
# Every error path of the ioctls and of mmap, raw (tests/c/ioctl-abi) and
# through the CLI's exit codes. What another uid may not do is attack.bats's.

load test_helper/common
load test_helper/buffers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

teardown() { free_tracked; common_teardown; }

@test "ALLOC of size 0: EINVAL" {
	run_helper 0 ioctl-abi size-zero
}

@test "ALLOC of huge sizes (2^63, ~0, more than RAM, more than the CMA area): refused, nothing made" {
	run_helper 0 ioctl-abi size-huge
}

@test "ALLOC with unknown flags, cache mode 3, or POOL|CMA: EINVAL" {
	run_helper 0 ioctl-abi flags
}

@test "ALLOC with a bad alignment (3, 4097, 2^40, ...): EINVAL; good ones align the DMA address" {
	run_helper 0 ioctl-abi align
}

@test "ALLOC with a bad name (32 bytes without NUL, '/', control bytes, bytes after the NUL): EINVAL" {
	run_helper 0 ioctl-abi names-bad
}

@test "a 31-byte printable name works, and ATTACH finds it" {
	run_helper 0 ioctl-abi names-good
}

@test "ALLOC with a name in use: EEXIST; free again once its buffer is gone" {
	run_helper 0 ioctl-abi name-clash
}

@test "INFO, FREE, ATTACH and SYNC of bad ids (0, 2^31, ~0, never made, freed): ENOENT" {
	run_helper 0 ioctl-abi bad-ids
}

@test "FREE of another file's non-persistent buffer: EBUSY; ATTACH of one: EINVAL; double FREE: ENOENT" {
	run_helper 0 ioctl-abi free-attach
}

@test "unknown command numbers, wrong directions and other magics: ENOTTY" {
	run_helper 0 ioctl-abi unknown-cmd
}

@test "non-zero reserved fields and flags (INFO, ATTACH, FREE, LIST, SYNC): EINVAL" {
	run_helper 0 ioctl-abi reserved
}

@test "struct sizes: a shorter struct works, a longer one with a zero tail works, a non-zero tail is E2BIG" {
	run_helper 0 ioctl-abi struct-size
}

@test "LIST pages through the caller's buffers in id order, honours capacity and start, EFAULT on a bad array" {
	run_helper 0 ioctl-abi list
}

@test "SYNC ranges outside the buffer, and overflowing ones: EINVAL, in each cache mode" {
	run_helper 0 ioctl-abi sync-range
}

@test "bad pointers: EFAULT; an ALLOC whose answer cannot be written back leaves no buffer" {
	run_helper 0 ioctl-abi efault
}

@test "an argument that cannot be written back: EFAULT and nothing done (ATTACH, EXPORT); FREE and SYNC work" {
	run_helper 0 ioctl-abi readonly-arg
}

# The copy back can fail after the request acted, when
# another thread makes the page read-only between the writability check and
# the answer.
@test "EXPORT racing mprotect() of its argument: as many dma-buf fds open as EXPORTs that succeeded" {
	run_helper 0 ioctl-abi export-race
}

@test "ATTACH racing mprotect() of its argument: a handle only when ATTACH succeeded" {
	run_helper 0 ioctl-abi attach-race
}

@test "the CLI's exit codes for kernel errors: ENOENT 3, EEXIST 1, ENOMEM 1" {
	run_cmamem 3 info 2147483647
	assert_output "cmamem: no buffer 2147483647 (cmamem list shows yours)"
	run_cmamem 3 free 2147483647
	assert_output "cmamem: no buffer 2147483647 (cmamem list shows yours)"
	run_cmamem 3 dump no-such-name
	assert_output "cmamem: no buffer named 'no-such-name' (cmamem list shows yours)"
	track_alloc 4K --name taken
	run_cmamem 1 alloc 4K --name taken
	assert_output --partial "File exists"
	run_cmamem 0 free taken
	# More than the target's RAM.
	local ram_kb
	ram_kb=$(target_sh "awk '/^MemTotal:/ { print \$2 }' /proc/meminfo")
	run_cmamem 1 alloc "$((ram_kb + 4096))K"
	# MemTotal as the CLI writes sizes: in the largest unit that is exact.
	local total=$ram_kb unit=K
	while ((total % 1024 == 0)) && [ "$unit" != G ]; do
		total=$((total / 1024))
		unit=$([ "$unit" = K ] && echo M || echo G)
	done
	assert_output "cmamem: alloc $((ram_kb + 4096))K: more than all of RAM (MemTotal is $total$unit)"
}
