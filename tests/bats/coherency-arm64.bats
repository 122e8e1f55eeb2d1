#!/usr/bin/env bats
# Cache maintenance where DMA is not cache-coherent (issue 10). On arm64 the
# misc device has no firmware description, so the DMA layer treats it as
# non-coherent, as on most ARM boards. QEMU's virt machine does not model
# caches: data reads back right with or without maintenance, so a data test
# cannot show it. This suite counts the architecture's cache maintenance
# itself, with kprobe events on arch_sync_dma_for_device (clean) and
# arch_sync_dma_for_cpu (invalidate) and their physical address and length.
# arm64 guests only (tests/check): the x86 kernels have no kprobe events, and
# x86 DMA is coherent, so those functions do not exist there.

load test_helper/common
load test_helper/buffers

TRACING=/sys/kernel/tracing
EVENTS=$TRACING/events/cmamem_cache

setup_file() {
	common_setup_file
	target_sh "[ -e $TRACING/kprobe_events ] || mount -t tracefs tracefs $TRACING"
	# x0 and x1 are the first two arguments: phys_addr_t paddr, size_t size.
	target_sh "echo 'p:cmamem_cache/clean arch_sync_dma_for_device paddr=%x0:x64 size=%x1:u64' >>$TRACING/kprobe_events &&
		echo 'p:cmamem_cache/inval arch_sync_dma_for_cpu paddr=%x0:x64 size=%x1:u64' >>$TRACING/kprobe_events &&
		echo 'comm == \"cmamem\"' >$EVENTS/clean/filter &&
		echo 'comm == \"cmamem\"' >$EVENTS/inval/filter &&
		echo 1 >$EVENTS/enable"
}

teardown_file() {
	target_sh "echo 0 >$EVENTS/enable && echo >$TRACING/trace &&
		echo '-:cmamem_cache/clean' >>$TRACING/kprobe_events &&
		echo '-:cmamem_cache/inval' >>$TRACING/kprobe_events"
	common_teardown_file
}

setup() {
	common_setup
	target_sh "echo >$TRACING/trace"
}
teardown() { free_tracked; common_teardown; }

# maintenance: the cache maintenance the CLI caused since the last clear,
# one "clean|inval ADDR SIZE" line each, in order, ADDR in hex.
maintenance() {
	target_run cat "$TRACING/trace" |
		sed -n 's/.* \(clean\|inval\): ([^)]*) paddr=\(0x[0-9a-f]*\) size=\([0-9]*\).*/\1 \2 \3/p'
}

# dma_addr ID: the buffer's device address, in decimal (no IOMMU on virt:
# the physical address the arch functions get).
dma_addr() {
	target_run "$CMAMEM_BIN" --json list --all | jq -r ".[] | select(.id == $1) | .dma_addr"
}

# op KIND ID OFFSET LENGTH: the line maintenance prints for that range.
op() {
	printf '%s %#x %d\n' "$1" $(($(dma_addr "$2") + $3)) "$4"
}

@test "the misc device is not DMA-coherent on arm64 (debugfs coherent)" {
	run target_run cat "$CMAMEM_DEBUGFS/coherent"
	assert_success
	assert_output 0
}

@test "a CACHED alloc writes its zeroes back: one clean over the whole buffer" {
	track_alloc 64K --cache cached
	local id=$output
	assert_equal "$(maintenance)" "$(op clean "$id" 0 65536)"
}

@test "sync on a CACHED buffer: --for cpu invalidates, --for device cleans, exactly the range asked" {
	track_alloc 64K --cache cached
	local id=$output
	target_sh "echo >$TRACING/trace"
	run_cmamem 0 sync "$id" --for cpu --offset 4K --length 8K
	assert_equal "$(maintenance)" "$(op inval "$id" 4096 8192)"
	target_sh "echo >$TRACING/trace"
	run_cmamem 0 sync "$id" --for device --offset 12K --length 4K
	assert_equal "$(maintenance)" "$(op clean "$id" 12288 4096)"
}

@test "fill on a CACHED buffer invalidates its range before writing and cleans it after" {
	track_alloc 64K --cache cached
	local id=$output
	target_sh "echo >$TRACING/trace"
	run_cmamem 0 fill "$id" --pattern 0x5a --offset 8K --length 16K
	assert_equal "$(maintenance)" "$(op inval "$id" 8192 16384)
$(op clean "$id" 8192 16384)"
	run_cmamem 0 dump "$id" --offset 8K --length 16 --raw
	assert_equal "$output" ZZZZZZZZZZZZZZZZ
}

@test "WC and UNCACHED buffers need none: alloc and sync call no cache maintenance" {
	local mode id
	for mode in wc uncached; do
		target_sh "echo >$TRACING/trace"
		track_alloc 64K --cache "$mode"
		id=$output
		run_cmamem 0 sync "$id" --for cpu
		run_cmamem 0 sync "$id" --for device
		assert_equal "$(maintenance)" ""
	done
}
