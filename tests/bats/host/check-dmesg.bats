#!/usr/bin/env bats
# The kernel-log gate (tests/vm/check-dmesg) must catch every kind of report
# the suites promise to fail on, and pass a clean boot log.

bats_load_library bats-support
bats_load_library bats-assert

check=$BATS_TEST_DIRNAME/../../vm/check-dmesg

log_with() {
	{
		echo "[    0.000000] Linux version 6.1.192"
		echo "[    3.219087] DMA-API: preallocated 65536 debug entries"
		echo "[    3.219361] DMA-API: debugging enabled by kernel config"
		echo "[   14.965069] cma_mem: loading out-of-tree module taints kernel."
		printf '%s\n' "$@"
		echo "[   20.000000] reboot: Restarting system"
	} >"$BATS_TEST_TMPDIR/log"
}

@test "a clean boot log passes" {
	log_with
	run "$check" "$BATS_TEST_TMPDIR/log"
	assert_success
}

@test "each kind of kernel report fails the gate and is shown" {
	reports=(
		"[   14.9] WARNING: CPU: 0 PID: 48 at main.c:70 cmamem_init+0x2/0x1000 [cma_mem]"
		"[   14.9] BUG: KASAN: use-after-free in cmamem_buf_release+0x2a/0x80"
		"[   14.9] BUG: sleeping function called from invalid context at mm/slab.h:742"
		"[   14.9] kernel BUG at mm/page_alloc.c:1234!"
		"[   14.9] general protection fault, probably for non-canonical address 0xdead"
		"[   14.9] Kernel panic - not syncing: Fatal exception"
		"[   14.9] WARNING: possible circular locking dependency detected"
		"[   14.9] WARNING: possible recursive locking detected"
		"[   14.9] inconsistent lock state"
		"[   14.9] kmemleak: 8 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"
		"unreferenced object 0xffff888006537800 (size 512):"
		"[   14.9] DMA-API: cma_mem cma_mem: device driver has pending DMA allocations while released from device [count=1]"
		"[   14.9] list_add corruption. prev->next should be next"
		"[   14.9] BUG: Bad page state in process cmamem  pfn:12345"
	)
	for r in "${reports[@]}"; do
		log_with "$r"
		run "$check" "$BATS_TEST_TMPDIR/log"
		assert_failure
		assert_output --partial "$r"
	done
}
