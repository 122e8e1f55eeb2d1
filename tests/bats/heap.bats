#!/usr/bin/env bats
# cma_mem's dma-heap node, /dev/dma_heap/<heap_name> (cma_mem(4), DMA-HEAP
# INTERFACE): DMA_HEAP_IOCTL_ALLOC as drivers/dma-buf/dma-heap.c answers
# it, each buffer a cma_mem buffer (limits, quota, pool, LIST/INFO,
# debugfs), through tests/c/heap; the kernel's own dmabuf-heaps selftest,
# built from this kernel's source by tests/vm/run, passing every test for
# cma_mem's heap with vgem as the importer (tests/vm/dmabuf-heap-selftest);
# the load failing cleanly when the node's name is taken.

load test_helper/common
load test_helper/buffers

HEAP_DEV=/dev/dma_heap/cma_mem
# The misc device behind the node, whatever heap_name= calls it.
HEAP_SYSFS=/sys/class/misc/cma_mem_heap

# Uids 1000 and 1001 open both nodes for the suite's length (as
# test_helper/other_users does for /dev/cma_mem alone).
setup_file() {
	common_setup_file
	target_run test -c "$HEAP_DEV" || fail "there is no $HEAP_DEV"
	target_run chmod 0666 "$CMAMEM_DEV" "$HEAP_DEV"
}

teardown_file() {
	target_run chmod 0660 "$CMAMEM_DEV" "$HEAP_DEV"
	target_sh "$(limits_off) echo 0 >$CMAMEM_SYSFS/pool_bytes"
	common_teardown_file
}

teardown() { free_tracked; common_teardown; }

@test "the node is a misc device under /dev/dma_heap, with /dev/cma_mem's mode and group" {
	run target_run stat -c '%F %a %G' "$HEAP_DEV"
	local heap=$output
	run target_run stat -c '%F %a %G' "$CMAMEM_DEV"
	[ "$heap" = "$output" ] || fail "$HEAP_DEV is '$heap', $CMAMEM_DEV is '$output'"
	run target_run cat "$HEAP_SYSFS/dev"
	assert_success
	run target_sh "set -- \$(stat -c '%t %T' $HEAP_DEV); printf '%d:%d\\n' 0x\$1 0x\$2"
	assert_output "$(target_run cat "$HEAP_SYSFS/dev")"
}

@test "an allocation is a zeroed cma_mem buffer, marked CMA_MEM_HEAP, held by its dma-buf alone" {
	run_helper 0 heap alloc
}

@test "a read-only open of the node allocates, as libcamera opens it" {
	run_helper 0 heap readonly
}

@test "the errors dma-heap.c gives: fd, fd_flags, heap_flags, len, command number; ENOTTY for another type" {
	run_helper 0 heap errors
}

@test "an older, shorter struct and a newer, longer one both allocate" {
	run_helper 0 heap sizes
}

@test "DMA_BUF_SET_NAME names the heap's dma-buf in bufinfo" {
	run_helper 0 heap set-name
}

@test "DMA_BUF_IOCTL_SYNC works with no device attached, and SYNC by id too" {
	run_helper 0 heap sync
}

@test "the heap takes from the pool first, and from CMA without one" {
	run_helper 0 heap source cma
	target_sh "echo 8M >$CMAMEM_SYSFS/pool_bytes"
	run_helper 0 heap source pool
	target_sh "echo 0 >$CMAMEM_SYSFS/pool_bytes"
}

@test "the device limits hold for the heap: ENOSPC over max_buffer_bytes" {
	target_sh "echo 1048576 >$CMAMEM_SYSFS/max_buffer_bytes"
	run_helper 0 heap alloc-fails 2097152 ENOSPC
	target_sh "$(limits_off)"
}

@test "an unprivileged user allocating through the node is held to their quota (EDQUOT)" {
	target_sh "echo 1048576 >$CMAMEM_SYSFS/max_bytes_per_uid"
	run as_user 1000 "$CMAMEM_TESTS/heap" alloc-fails 2097152 EDQUOT
	target_sh "$(limits_off)"
	assert_success
	run as_user 1000 "$CMAMEM_TESTS/heap" readonly
	assert_success
}

@test "a user's heap buffer is in their LIST, and to another user it does not exist" {
	run_helper 0 heap isolation
}

@test "the kernel's own dmabuf-heaps selftest passes every test for cma_mem's heap, importing into vgem" {
	local bin
	[ -n "${CMAMEM_SELFTESTS:-}" ] ||
		fail "CMAMEM_SELFTESTS is not set: tests/vm/run sets it; for a board, build the selftest for its kernel (tests/vm/dmabuf-heap-selftest build KDIR DIR) and set it to DIR"
	bin=$CMAMEM_SELFTESTS/dmabuf-heap
	target_run test -x "$bin" ||
		fail "$bin was not built (tests/vm/run builds it: tests/vm/dmabuf-heap-selftest build); see $(dirname "$bin")/build.log"
	target_run modprobe vgem || fail "modprobe vgem failed (the guest kernels have DRM_VGEM=m)"
	run target_run "$CMAMEM_TARGET_REPO/tests/vm/dmabuf-heap-selftest" run "$bin" cma_mem
	# As TAP comments: the selftest's own "ok N" lines are not this suite's.
	sed 's/^/# /' <<<"$output" >&3
	# vgem unloads only once the selftest's imports are all gone.
	target_run rmmod vgem || fail "rmmod vgem failed after the selftest: $output"
	[ "$status" -eq 0 ] || fail "$output"
}

# reloading 'SCRIPT': in one target shell, unload the module, run SCRIPT
# (which may insmod $ko, set by the caller to loaded_ko, with other
# parameters), then load it with the defaults again, whatever happened;
# leaves `run`'s $status and $output.
reloading() {
	[ "$(buffer_count)" -eq 0 ] || fail "buffers from earlier suites are alive, so the module cannot be reloaded"
	run target_sh "rmmod cma_mem || exit 9
		$1
		rmmod cma_mem && insmod '$ko' && chmod 0666 $CMAMEM_DEV $HEAP_DEV"
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko"
}

@test "heap_name= serves a fixed name (linux,cma), and a name that is taken fails the load, leaving nothing" {
	local ko got
	ko=$(loaded_ko)
	# The guest kernel's system heap takes "system"; linux,cma is free
	# (its CMA heap is "reserved").
	reloading "insmod '$ko' heap_name=system 2>/dev/null; echo rc=\$?
		test -e /sys/class/misc/cma_mem && echo cma_mem-left
		test -e $HEAP_SYSFS && echo heap-left
		dmesg | grep 'cma_mem: /dev/dma_heap/system exists already' | tail -1 | sed 's/^\[[^]]*\] //'
		insmod '$ko' heap_name=linux,cma || exit 8
		CMAMEM_HEAP_DEV=/dev/dma_heap/linux,cma '$CMAMEM_TESTS/heap' alloc; echo alloc=\$?"
	got=$output
	[ "$status" -eq 0 ] || fail "reload: exit $status: $got"
	[[ $got == $'rc=1\ncma_mem: /dev/dma_heap/system exists already (the kernel\'s own heap, or another driver\'s): load cma_mem with another heap_name=, or heap_name= empty for no heap node\nalloc=0' ]] ||
		fail "after insmod heap_name=system, then linux,cma: $got"
}

@test "heap_cache= picks the buffers' cache mode; a bad one fails the load" {
	local ko got
	ko=$(loaded_ko)
	reloading "insmod '$ko' heap_cache=bogus 2>/dev/null; echo rc=\$?
		insmod '$ko' heap_cache=wc || exit 8
		'$CMAMEM_TESTS/heap' cache wc 2>&1; echo cache=\$?"
	got=$output
	[ "$status" -eq 0 ] || fail "reload: exit $status: $got"
	assert_line "rc=1"
	assert_line "cache=0"
	run target_sh "dmesg | grep -c 'heap_cache=bogus: not cached, wc nor uncached'"
	[ "$output" -ge 1 ] || fail "no message for heap_cache=bogus"
}
