#!/usr/bin/env bats
# cmamem buffers handed to a real importer, the V4L2 test driver
# vivid, as dma-bufs (tests/c/dmabuf-vivid). vivid is loaded with one node
# (video capture) and either memory back-end: allocators=0 (vmalloc,
# imports through dma_buf_vmap) or allocators=1 (dma-contig, imports
# through map_dma_buf and needs a contiguous sg table). Its frames are made
# reproducible (static colour bars, no OSD text), so a frame captured into
# a cmamem buffer is compared byte for byte with one captured through
# vivid's own MMAP buffers.
#
# `verify` from 4K to 128M is in cli.bats. The common helper checks buffer
# counts after each test and CmaFree and the kernel log after the suite;
# the runner's gate adds kmemleak and rmmod.

load test_helper/common

FOREIGN_UID=65534
FRAME=$((320 * 180 * 2))

setup_file() { common_setup_file; }

teardown_file() {
	vivid_unload
	common_teardown_file
}

setup() {
	DMABUF_MADE=()
	DMABUF_MODE=
	DMABUF_MARK="cmamem-test: dmabuf.bats test $BATS_TEST_NUMBER $$-$RANDOM"
	target_sh "echo '$DMABUF_MARK' >/dev/kmsg"
}

# The DMA API debug layer's complaints since this test began (an sg table
# that breaks the importing device's DMA constraints, for one).
dma_api_complaints() {
	target_sh "dmesg | sed -n '/$DMABUF_MARK/,\$p' | grep 'DMA-API: ' | grep -v 'DMA-API: preallocated\|debugging enabled'" | head -n 5
}

teardown() {
	local n
	[ -z "$DMABUF_MODE" ] || target_run chmod "$DMABUF_MODE" "$CMAMEM_DEV"
	for n in "${DMABUF_MADE[@]}"; do
		run target_run "$CMAMEM_BIN" --quiet free "$n"
	done
	common_teardown
}

vivid_unload() {
	if target_run test -d /sys/module/vivid; then
		target_run rmmod vivid || fail "rmmod vivid failed"
	fi
	return 0
}

# vivid_load 0|1: vivid with this allocator, reloaded only if it differs.
vivid_load() {
	local want=$1 have
	have=$(target_sh "p=/sys/module/vivid/parameters/allocators; if [ -e \$p ]; then cut -d, -f1 \$p; fi")
	[ "$have" = "$want" ] && return 0
	vivid_unload
	target_run modprobe vivid n_devs=1 \
		node_types=0x1 "allocators=$want" ||
		fail "modprobe vivid allocators=$want failed"
	assert_equal "$(target_sh "cut -d, -f1 /sys/module/vivid/parameters/allocators")" "$want"
}

# capture_compare ALLOCATOR: a DMABUF capture into a WC and a CACHED buffer
# is the MMAP frame, by the program's own comparison (which also checks that
# the bytes past the frame are untouched) and by cmamem checksum against
# sha256sum of the MMAP frame.
capture_compare() {
	local c ref=$BATS_TEST_TMPDIR/mmap.frame sum
	vivid_load "$1"
	run_helper 0 dmabuf-vivid mmap "$ref"
	assert_output "mmap frame: 320x180 YUYV, $FRAME bytes"
	sum=$(sha256sum <"$ref" | cut -d' ' -f1)
	for c in wc cached; do
		run_cmamem 0 alloc 128K --name "vcap-$1-$c" --cache "$c"
		DMABUF_MADE+=("vcap-$1-$c")
		run_helper 0 dmabuf-vivid dmabuf "vcap-$1-$c"
		assert_output "dmabuf vcap-$1-$c: $FRAME bytes captured, 2 frames equal to the MMAP frame"
		run_cmamem 0 checksum "vcap-$1-$c" --length "$FRAME"
		assert_output "$sum"
	done
	# An importer's map_dma_buf must get an sg table that respects its
	# dma_get_max_seg_size() (vivid's platform device: 64K).
	assert_equal "$(dma_api_complaints)" ""
}

@test "vivid vmalloc (dma_buf_vmap): DMABUF capture into WC and CACHED buffers is the MMAP frame" {
	capture_compare 0
}

@test "vivid vmalloc: a buffer freed while vivid holds its dma-buf is still captured into, then freed" {
	vivid_load 0
	run_helper 0 dmabuf-vivid free-queued wc
	run_helper 0 dmabuf-vivid free-queued cached
}

@test "vivid vmalloc: file, mapping, export and importer closed in all 24 orders (CACHED)" {
	vivid_load 0
	run_helper 0 dmabuf-vivid orders cached
	assert_output "orders cached: 24 close orders of file, mapping, export, importer"
}

@test "DMA_BUF_IOCTL_SYNC on the exported fd: bad flags refused; CPU and device writes seen across it" {
	vivid_load 0
	run_helper 0 dmabuf-vivid sync
}

@test "vivid dma-contig (map_dma_buf): DMABUF capture into WC and CACHED buffers is the MMAP frame" {
	capture_compare 1
}

@test "vivid vmalloc and dma-contig: DMABUF capture into a buffer from the dma-heap node is the MMAP frame" {
	local a
	for a in 0 1; do
		vivid_load "$a"
		run_helper 0 dmabuf-vivid heap
		assert_output "heap: $FRAME bytes captured, 2 frames equal to the MMAP frame"
	done
	assert_equal "$(dma_api_complaints)" ""
}

@test "vivid dma-contig: a buffer freed while vivid holds its dma-buf is still captured into, then freed" {
	vivid_load 1
	run_helper 0 dmabuf-vivid free-queued wc
	run_helper 0 dmabuf-vivid free-queued cached
}

@test "vivid dma-contig: file, mapping, export and importer closed in all 24 orders (WC)" {
	vivid_load 1
	run_helper 0 dmabuf-vivid orders wc
	assert_output "orders wc: 24 close orders of file, mapping, export, importer"
}

@test "export of another uid's buffer is refused, raw (ENOENT) and through the CLI (exit 3)" {
	# The foreign uid may open the device here, as in errors.bats.
	DMABUF_MODE=$(target_run stat -c %a "$CMAMEM_DEV")
	target_run chmod 0666 "$CMAMEM_DEV"
	run_helper 0 dmabuf-vivid foreign
	assert_output "uid 65534: export through root's file: ENOENT; through its own file: ENOENT"
	run_cmamem 0 alloc 8K --name dmabuf-root
	DMABUF_MADE+=(dmabuf-root)
	run as_user "$FOREIGN_UID" "$CMAMEM_BIN" export dmabuf-root -- true
	[ "$status" -eq 3 ] || fail "cmamem export as uid $FOREIGN_UID: exit $status, expected 3: $output"
	assert_output --partial "no buffer named 'dmabuf-root'"
	run_cmamem 0 info dmabuf-root --json
	assert_equal "$(jq -r .exports <<<"$output")" 0
}
