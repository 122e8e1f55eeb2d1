#!/usr/bin/env bats
# Buffers of 4 GiB and more: a scatterlist entry's length is an
# unsigned int, so the page list of a 4G+8K buffer is built in segments, and
# mmap, the fault handler, the pin check and dma-buf export all see every
# page (tests/c/big). The guest needs the memory: `make check-big` runs this
# suite alone in a guest started with --mem 10G --cma 5G (with 7G the guest
# finds no 5G of contiguous RAM above the PCI hole and reserves no CMA), and
# tests/check runs it the same way as one more guest job per kernel. It is
# not one of the suites of the ordinary guests, whose CMA is 256M.
#
# O_DIRECT needs a real block device: the guest's scratch disk /dev/vda
# (--disk), formatted ext4 here.

load test_helper/common

setup_file() {
	common_setup_file
	target_run test -b /dev/vda ||
		fail "no /dev/vda: this suite needs the guest's scratch disk (tests/vm/run --disk, as make check-big passes)"
	BIG_MNT=$BATS_FILE_TMPDIR/scratch
	export BIG_MNT
	target_run mkdir -p "$BIG_MNT"
	target_run mkfs.ext4 -q -F /dev/vda
	target_run mount -t ext4 /dev/vda "$BIG_MNT"
}

teardown_file() {
	target_run umount "$BIG_MNT"
	common_teardown_file
}

teardown() { common_teardown; }

@test "the guest has the CMA for a 4G+8K buffer (--mem 10G --cma 5G)" {
	local kb
	kb=$(target_sh "awk '/^CmaTotal:/ { print \$2 }' /proc/meminfo")
	[ "$kb" -ge $((4 * 1024 * 1024 + 8)) ] ||
		fail "CmaTotal is $kb kB: run this suite with tests/vm/run --mem 10G --cma 5G (make check-big)"
}

# Each mode: ALLOC 4G+8K, map it, write the first page, the page at 4 GiB
# and the last, MADV_DONTNEED and read the top back through the fault
# handler, O_DIRECT into and out of the top 64K, EXPORT and check the
# dma-buf's size and its page at 4 GiB, vmsplice that page into a pipe and
# FREE: freed-pinned until the pipe closes, then gone.
@test "a 4G+8K WC buffer: every page past 4 GiB maps, faults, does O_DIRECT, exports and pins" {
	run_helper 0 big buffer wc "$BIG_MNT"
}

@test "a 4G+8K UNCACHED buffer: every page past 4 GiB maps, faults, does O_DIRECT, exports and pins" {
	run_helper 0 big buffer uncached "$BIG_MNT"
}

@test "a 4G+8K CACHED buffer: every page past 4 GiB maps, faults, does O_DIRECT, exports and pins" {
	run_helper 0 big buffer cached "$BIG_MNT"
}
