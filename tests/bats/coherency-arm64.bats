#!/usr/bin/env bats
# Cache maintenance where DMA is not cache-coherent. On arm64 the
# misc device has no firmware description, so the DMA layer treats it as
# non-coherent, as on most ARM boards. QEMU's virt machine does not model
# caches: data reads back right with or without maintenance, so a data test
# cannot show it. This suite counts the architecture's cache maintenance
# itself, with kprobe events on arch_sync_dma_for_device (clean) and
# arch_sync_dma_for_cpu (invalidate) and their physical address and length.
# arm64 guests only (tests/check): the x86 kernels have no kprobe events, and
# x86 DMA is coherent, so those functions do not exist there.
#
# The memory type of a mapping: UNCACHED must be Normal
# non-cacheable, not Device memory, where unaligned accesses and DC ZVA
# (memset of zero) fault on real hardware. QEMU TCG does not fault on
# Device memory, so besides doing those accesses (tests/c/access), the
# suite reads the attributes themselves: a kretprobe on cmamem_pgprot(),
# the one function every user mapping and every kernel vmap of a buffer
# takes its pgprot from, gives the MAIR index (bits 4:2) of each:
# MT_NORMAL 0, MT_NORMAL_NC 2, MT_DEVICE_nGnRnE 3.

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
		echo 'r:cmamem_cache/prot cma_mem:cmamem_pgprot prot=\$retval:x64' >>$TRACING/kprobe_events &&
		echo 'comm == \"cmamem\"' >$EVENTS/clean/filter &&
		echo 'comm == \"cmamem\"' >$EVENTS/inval/filter &&
		echo 1 >$EVENTS/enable"
}

teardown_file() {
	target_sh "echo 0 >$EVENTS/enable && echo >$TRACING/trace &&
		echo '-:cmamem_cache/clean' >>$TRACING/kprobe_events &&
		echo '-:cmamem_cache/inval' >>$TRACING/kprobe_events &&
		echo '-:cmamem_cache/prot' >>$TRACING/kprobe_events &&
		echo 0 >$CMAMEM_SYSFS/pool_bytes"
	common_teardown_file
}

setup() {
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

# attr_indices: the MAIR index of every pgprot cmamem_pgprot() returned since
# the last clear, one a line, in order.
attr_indices() {
	local prot
	for prot in $(target_run cat "$TRACING/trace" |
		sed -n 's/.* prot: (.*) prot=\(0x[0-9a-f]*\).*/\1/p'); do
		echo $(((prot >> 2) & 7))
	done
}

@test "UNCACHED, WC and CACHED mappings from CMA and the pool take memset(0), unaligned 8-byte stores and odd memcpy" {
	local mode src
	run_cmamem 0 pool --resize 4M
	for src in cma pool; do
		for mode in uncached wc cached; do
			run_helper 0 access mapping "$mode" "$src"
			assert_output "mapping $mode $src: ok"
		done
	done
	run_cmamem 0 pool --resize 0
}

@test "UNCACHED and WC user mappings are Normal non-cacheable (MAIR index 2), CACHED Normal (0), from CMA and the pool" {
	local mode src want
	run_cmamem 0 pool --resize 4M
	for src in cma pool; do
		for mode in uncached wc cached; do
			want=2
			[ "$mode" != cached ] || want=0
			target_sh "echo >$TRACING/trace"
			run_helper 0 access mapping "$mode" "$src"
			assert_equal "$(attr_indices)" "$want"
		done
	done
	run_cmamem 0 pool --resize 0
}

@test "a pooled UNCACHED buffer's kernel vmap, an importer's (vivid vmalloc), is Normal non-cacheable and is captured into" {
	local ref=$BATS_TEST_TMPDIR/mmap.frame frame=$((320 * 180 * 2)) sum
	run_cmamem 0 pool --resize 4M
	target_run modprobe vivid n_devs=1 \
		node_types=0x1 allocators=0 || fail "modprobe vivid failed"
	run_helper 0 dmabuf-vivid mmap "$ref"
	sum=$(sha256sum <"$ref" | cut -d' ' -f1)
	run_cmamem 0 alloc 128K --name vmap-uc --cache uncached --from pool
	target_sh "echo >$TRACING/trace"
	run_helper 0 dmabuf-vivid dmabuf vmap-uc
	assert_output "dmabuf vmap-uc: $frame bytes captured, 2 frames equal to the MMAP frame"
	# One pgprot per vmap (vivid maps each queued buffer once), and the
	# program maps it once for its own comparison: every one Normal-NC.
	run attr_indices
	[ "${#lines[@]}" -ge 2 ] || fail "cmamem_pgprot returned ${#lines[@]} times: $output"
	[[ $'\n'$output$'\n' != *$'\n'[^2]$'\n'* ]] || fail "MAIR indices: $output"
	run_cmamem 0 checksum vmap-uc --length "$frame"
	assert_output "$sum"
	run_cmamem 0 free vmap-uc
	target_run rmmod vivid
	run_cmamem 0 pool --resize 0
}
