#!/usr/bin/env bats
# Zero-copy I/O on cmamem mappings (tests/c/zerocopy). The
# mappings are page-backed (vm_insert_pages), so get_user_pages() works:
# O_DIRECT, io_uring and vmsplice() move data straight in and out of them.
#
# O_DIRECT needs a real block device: the guest's scratch disk /dev/vda
# (tests/check runs the guest with --disk), formatted ext4 for this suite.
#
# Long-term pins (FOLL_LONGTERM: io_uring fixed buffers, V4L2 USERPTR) are
# another matter. A page in a CMA pageblock is not long-term pinnable, so
# the kernel tries to migrate it out of CMA first; a cmamem page is on no
# LRU list and cannot be isolated, and on 6.1 and 6.12 the pin then retries
# forever (mm/gup.c, __gup_longterm_locked(); upstream reverted the one fix,
# 1aaf8c122918, in June 2025, wanting a way for the CMA area's owner to say
# the page may be pinned). The tests pin your way into that loop with a
# deadline, record it, and check the killed pinner leaves everything intact.
# A one-page buffer does not come from CMA and registers where io_uring
# allows it (6.12; 6.1 refuses file-backed memory with EOPNOTSUPP).

load test_helper/common

setup_file() {
	common_setup_file
	target_run test -b /dev/vda ||
		fail "no /dev/vda: this suite needs the guest's scratch disk (tests/vm/run --disk, as tests/check passes)"
	ZC_MNT=$BATS_FILE_TMPDIR/scratch
	export ZC_MNT
	target_run mkdir -p "$ZC_MNT"
	target_run mkfs.ext4 -q -F /dev/vda
	target_run mount -t ext4 /dev/vda "$ZC_MNT"
	# 16 MiB of random data, the source of every transfer.
	target_run dd if=/dev/urandom of="$ZC_MNT/in" bs=1M count=16 status=none
	ZC_KVER=$(target_run uname -r)
	export ZC_KVER
}

teardown_file() {
	if target_run test -d /sys/module/vivid; then
		target_run rmmod vivid
	fi
	target_run umount "$ZC_MNT"
	common_teardown_file
}

setup() { ZC_MADE=(); }

teardown() {
	local n
	for n in "${ZC_MADE[@]}"; do
		run target_run "$CMAMEM_BIN" --quiet free "$n"
	done
	common_teardown
}

# mk NAME ARGS...: a persistent buffer, freed in teardown.
mk() {
	local name=$1
	shift
	run_cmamem 0 alloc "$@" --name "$name"
	ZC_MADE+=("$name")
}

sha() {
	target_sh "sha256sum < '$1' | cut -d' ' -f1"
}

# same_bytes NAME OUT: the buffer and OUT hold exactly the input file.
same_bytes() {
	local want
	want=$(sha "$ZC_MNT/in")
	run_cmamem 0 checksum "$1"
	assert_output "$want"
	assert_equal "$(sha "$2")" "$want"
}

@test "O_DIRECT read() into WC and CACHED buffers and write() back out: the file, the buffer and the copy match" {
	local c
	for c in wc cached; do
		mk "zc-od-$c" 16M --cache "$c"
		run_helper 0 zerocopy odirect "zc-od-$c" "$ZC_MNT/in" "$ZC_MNT/out-$c"
		assert_output "odirect zc-od-$c: 16777216 bytes in and out"
		same_bytes "zc-od-$c" "$ZC_MNT/out-$c"
		target_run rm "$ZC_MNT/out-$c"
	done
}

# resident FILE: bytes of FILE in the page cache.
resident() {
	target_sh "fincore --bytes --noheadings --output RES '$1' | tr -d ' '"
}

@test "cmamem fill --from --direct and dump --raw --to --direct: disk to buffer and back, past the page cache" {
	local c
	for c in wc cached; do
		mk "zc-cli-$c" 16M --cache "$c"
		# Clean page cache goes, so what the fill reads is seen to bypass it.
		target_sh "echo 1 > /proc/sys/vm/drop_caches"
		run_cmamem 0 fill "zc-cli-$c" --from "$ZC_MNT/in" --direct
		run resident "$ZC_MNT/in"
		assert_output 0
		run_cmamem 0 dump "zc-cli-$c" --raw --to "$ZC_MNT/out-cli" --direct
		run resident "$ZC_MNT/out-cli"
		assert_output 0
		same_bytes "zc-cli-$c" "$ZC_MNT/out-cli"
		target_run rm "$ZC_MNT/out-cli"
	done
	# Without --direct the same dump goes through the page cache.
	run_cmamem 0 dump zc-cli-wc --raw --to "$ZC_MNT/out-cached"
	run resident "$ZC_MNT/out-cached"
	assert_output 16777216
	target_run rm "$ZC_MNT/out-cached"
}

@test "cmamem fill --direct off ext4's O_DIRECT alignment: exit 2, the rule in the message, the buffer untouched" {
	mk zc-cli-al 64K
	run_cmamem 2 fill zc-cli-al --from "$ZC_MNT/in" --direct --offset 100 --length 4K
	assert_output --regexp "^cmamem: --direct with --from '$ZC_MNT/in' wants --offset in multiples of [0-9]+ and --length in multiples of [0-9]+ bytes \(got 100 and 4096\)$"
	run_cmamem 0 checksum zc-cli-al
	assert_output "$(target_sh "head -c 65536 /dev/zero | sha256sum | cut -d' ' -f1")"
}

@test "io_uring READ and WRITE (O_DIRECT) into and out of the mapping: the bytes match" {
	mk zc-ur 16M --cache cached
	run_helper 0 zerocopy uring zc-ur "$ZC_MNT/in" "$ZC_MNT/out-ur"
	assert_output "uring zc-ur: READ and WRITE of 16777216 bytes"
	same_bytes zc-ur "$ZC_MNT/out-ur"
	target_run rm "$ZC_MNT/out-ur"
}

@test "vmsplice() of WC and CACHED mappings into a pipe: the other end reads the buffer" {
	local c
	for c in wc cached; do
		mk "zc-vs-$c" 4M --cache "$c"
		run_cmamem 0 fill "zc-vs-$c" --random --seed 11
		run_helper 0 zerocopy vmsplice "zc-vs-$c"
		assert_output "vmsplice zc-vs-$c: 4194304 bytes through a pipe"
	done
}

@test "a CMA buffer freed while a pipe holds its pages: freed-pinned, out of CMA, still readable; back after" {
	run_helper 0 zerocopy pipe-pin 4194304
	assert_output "pipe-pin: 4194304 bytes freed-pinned while in a pipe, back to CMA after"
}

@test "io_uring fixed buffers on a CMA buffer: the long-term pin never returns (kernel); killed, nothing lost" {
	mk zc-fx 1M
	run_cmamem 0 fill zc-fx --pattern 0x77
	run_helper 0 zerocopy uring-fixed zc-fx "$ZC_MNT/in" "$ZC_MNT/out-fx"
	assert_output --regexp '^IORING_REGISTER_BUFFERS: did not return within 2000 ms \(in syscall (427|running), (9[0-9]|100)% of the time in the kernel\); killed$'
	# The killed pinner held nothing: the buffer is live, unpinned, intact.
	run_cmamem 0 info zc-fx --json
	assert_equal "$(jq -r '[.handles, .mappings, .exports] | @tsv' <<<"$output")" "$(printf '0\t0\t0')"
	run_cmamem 0 checksum zc-fx
	assert_output "$(target_sh "head -c 1048576 /dev/zero | tr '\\0' '\\167' | sha256sum | cut -d' ' -f1")"
}

@test "io_uring fixed buffers on a one-page buffer (not CMA): 6.12 registers, READ_FIXED/WRITE_FIXED match; 6.1 EOPNOTSUPP" {
	mk zc-fx4k 4K
	target_run dd if="$ZC_MNT/in" of="$ZC_MNT/in4k" bs=4K count=1 status=none
	run_helper 0 zerocopy uring-fixed zc-fx4k "$ZC_MNT/in4k" "$ZC_MNT/out-fx4k"
	case $ZC_KVER in
	6.1.*)
		assert_output "IORING_REGISTER_BUFFERS: EOPNOTSUPP"
		;;
	*)
		assert_output "IORING_REGISTER_BUFFERS: registered; READ_FIXED and WRITE_FIXED of 4096 bytes"
		run_cmamem 0 checksum zc-fx4k
		assert_output "$(sha "$ZC_MNT/in4k")"
		assert_equal "$(sha "$ZC_MNT/out-fx4k")" "$output"
		;;
	esac
}

@test "a buffer freed while io_uring holds it registered: freed-pinned, usable by the ring, gone after unregister (6.12; 6.1 EOPNOTSUPP)" {
	run_helper 0 zerocopy uring-pin 4096 "$ZC_MNT/pin"
	case $ZC_KVER in
	6.1.*) assert_output "IORING_REGISTER_BUFFERS: EOPNOTSUPP" ;;
	*) assert_output "IORING_REGISTER_BUFFERS: registered; freed-pinned until unregistered, then gone" ;;
	esac
}

@test "V4L2 USERPTR (vivid vmalloc) on a CMA buffer: the long-term pin never returns (kernel); killed, nothing lost" {
	target_run modprobe vivid n_devs=1 node_types=0x1 allocators=0
	mk zc-up 128K
	run_helper 0 zerocopy userptr zc-up
	target_run rmmod vivid
	assert_output --regexp '^QBUF USERPTR: did not return within 2000 ms \(in syscall (16|running), (9[0-9]|100)% of the time in the kernel\); killed$'
	run_cmamem 0 info zc-up --json
	assert_equal "$(jq -r '[.handles, .mappings, .exports] | @tsv' <<<"$output")" "$(printf '0\t0\t0')"
}

@test "mappings are whole at mmap time: first touch of 64M takes no page fault (WC, CACHED); the dma-heap's one per page" {
	run_helper 0 zerocopy faults 67108864
	assert_output --regexp '^faults on first touch of 16384 pages: cmamem wc 0, cached 0; dma-heap [0-9]+$'
}
