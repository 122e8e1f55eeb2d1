#!/usr/bin/env bats
# Device-tree regions (cma_mem(4), REGIONS), on the arm64 guest booted with
# a board's tree (tests/vm/run --dt regions: QEMU's own tree plus
# tests/vm/dt/regions.dtso, which make check's arm64 guest boots with): a
# reusable CMA region "vpu" and a no-map carve-out "fpga" bind beside
# "default"; allocations land inside them (dma_addr, and the frames of the
# reusable one's pages in /proc/self/pagemap); a full region leaves the
# others usable; max_bytes and the per-uid quota hold; the reusable region
# does what buffers.bats and zerocopy.bats prove for default, the
# carve-out maps, reads and writes and refuses, with the errno of the uapi
# header, what needs struct pages; the tree's malformed nodes are each
# logged in one line and skipped, and an unload and reload binds the same
# regions again. arm64 only (tests/check): the x86 guest has no device
# tree. Drives tests/c/regions and tests/c/touch-all (--region).
#
# O_DIRECT needs a block device: the guest's scratch disk /dev/vda
# (tests/vm/run --disk, which tests/check passes), read, never written.

load test_helper/common
load test_helper/buffers

REGIONS=$CMAMEM_SYSFS/regions
DT=/proc/device-tree

setup_file() {
	common_setup_file
	target_run test -d "$DT/cmamem-vpu" ||
		fail "the guest has no board tree: boot it with tests/vm/run --arch arm64 --dt regions (tests/check does)"
	target_run test -b /dev/vda ||
		fail "no /dev/vda: this suite needs the guest's scratch disk (tests/vm/run --disk, as tests/check passes)"
	# The two reserved-memory regions as the guest booted them: two address
	# and two size cells each, big-endian.
	local c
	read -ra c < <(target_sh "od -An -tu4 --endian=big -w32 \
		$DT/reserved-memory/vpu-cma@*/reg $DT/reserved-memory/fpga@*/reg")
	[ ${#c[@]} -eq 8 ] || fail "the reserved-memory regions' reg: ${c[*]}"
	VPU_BASE=$((c[0] << 32 | c[1])) VPU_SIZE=$((c[2] << 32 | c[3]))
	FPGA_BASE=$((c[4] << 32 | c[5])) FPGA_SIZE=$((c[6] << 32 | c[7]))
	export VPU_BASE VPU_SIZE FPGA_BASE FPGA_SIZE
}

teardown_file() { common_teardown_file; }

setup() { LIMITS_SET=0; }

teardown() {
	free_tracked
	[ "$LIMITS_SET" -eq 0 ] ||
		target_sh "$(limits_off) for f in $REGIONS/*/max_bytes; do echo 0 >\$f; done"
	common_teardown
}

# assert_regions: sysfs lists default, vpu and fpga, nothing else: default
# with id 0, kind cma, and no size, base or free_bytes (cma_mem(4): a module
# cannot read the default area's); vpu and fpga as the tree describes them,
# empty, with counters at 0, base root's and max_bytes writable by root.
# The default region's counters count what earlier suites did.
assert_regions() {
	run target_sh "cd $REGIONS && echo * && grep -r . . && stat -c '%n %a' */base */max_bytes"
	assert_success
	assert_line --index 0 "default fpga vpu"
	assert_line ./default/id:0
	assert_line ./default/kind:cma
	refute_line --regexp '^\./default/(size|base|free_bytes):'
	local r base size coherent kind
	for r in vpu fpga; do
		if [ $r = vpu ]; then
			base=$VPU_BASE size=$VPU_SIZE kind=cma coherent=0
		else
			base=$FPGA_BASE size=$FPGA_SIZE kind=carveout coherent=1
		fi
		assert_line --regexp "^\./$r/id:[1-9][0-9]*$"
		assert_line "./$r/kind:$kind"
		assert_line "./$r/size:$size"
		assert_line "$(printf './%s/base:%#x' $r "$base")"
		assert_line "./$r/coherent:$coherent"
		assert_line "./$r/used_bytes:0"
		assert_line "./$r/free_bytes:$size"
		assert_line "./$r/buffers:0"
		assert_line "./$r/max_bytes:0"
		assert_line "./$r/allocs:0"
		assert_line "./$r/alloc_failures:0"
		assert_line "$r/base 400"
		assert_line "$r/max_bytes 644"
	done
}

@test "the tree's regions bind: default (id 0, cma), vpu (cma) and fpga (carveout, coherent) with their reserved-memory nodes' base and size; an id no region has is ENODEV" {
	assert_regions
	local line vpu fpga
	for line in "${lines[@]}"; do
		case $line in
		./vpu/id:*) vpu=${line#*:} ;;
		./fpga/id:*) fpga=${line#*:} ;;
		esac
	done
	[ "$vpu" != "$fpga" ] || fail "vpu and fpga have one id: $vpu"
	run_helper 0 regions take "$((vpu > fpga ? vpu + 1 : fpga + 1))":4K=ENODEV
}

@test "allocations land inside their region: dma_addr against base and size, and the reusable region's pages are its frames (pagemap)" {
	run_helper 0 regions take vpu:4K vpu:1M fpga:4K fpga:1M vpu:4M/uncached fpga:64K/uncached default:64K
	run_helper 0 regions pfns vpu 4M
	assert_output --regexp "^pfns vpu: 1024 pages, frames 0x[0-9a-f]+-0x[0-9a-f]+, in the region's "
}

@test "the reusable region, as buffers.bats proves for default: 4K to 16M in each cache mode mapped, zero, written and read back; freed memory is zeroed when allocated again" {
	run_helper 0 touch-all --region vpu --dirty --cache wc,uncached,cached 4K 1M 16M
	assert_equal "$(grep -c ': ok' <<<"$output")" 9
}

@test "the carve-out maps, reads and writes: 4K to 8M in WC and UNCACHED, zero, written and read back, zeroed again when reused" {
	run_helper 0 touch-all --region fpga --dirty --cache wc,uncached 4K 1M 8M
	assert_equal "$(grep -c ': ok' <<<"$output")" 6
}

@test "a persistent buffer in each region crosses commands: alloc --region, fill, checksum, info, free; its bytes are counted in the region and given back" {
	local r z base size
	z=$(target_sh "head -c 262144 /dev/zero | tr '\\0' Z | sha256sum | cut -d' ' -f1")
	for r in vpu fpga; do
		if [ $r = vpu ]; then base=$VPU_BASE size=$VPU_SIZE; else base=$FPGA_BASE size=$FPGA_SIZE; fi
		# MERGE: alloc --region and the region in --json come with h-regions-cli.
		track_alloc 256K --region "$r" --name "keep-$r"
		run_cmamem 0 fill "keep-$r" --pattern 0x5a
		run_cmamem 0 checksum "keep-$r"
		assert_output "$z"
		run_cmamem 0 info "keep-$r" --json
		run jq -r '"\(.region) \(.dma_addr >= '"$base"' and .dma_addr + .size <= '"$((base + size))"')"' <<<"$output"
		assert_output "$r true"
		run target_sh "cat $REGIONS/$r/used_bytes && '$CMAMEM_BIN' free keep-$r && cat $REGIONS/$r/used_bytes $REGIONS/$r/buffers"
		assert_success
		assert_equal "$(echo $output)" "262144 0 0"
	done
}

@test "the reusable region's pages take the zero-copy paths: EXPORT, vmsplice and an O_DIRECT read" {
	run_helper 0 regions page-paths vpu /dev/vda
	assert_output "EXPORT: ok
vmsplice: ok
O_DIRECT read: ok"
}

@test "the carve-out refuses what needs struct pages: CACHED and the pool EINVAL (the pool in vpu too), EXPORT EOPNOTSUPP, vmsplice and O_DIRECT EFAULT" {
	run_helper 0 regions take fpga:4K/cached=EINVAL fpga:4K/pool=EINVAL vpu:4K/pool=EINVAL fpga:4K/uncached
	run_helper 0 regions page-paths fpga /dev/vda
	assert_output "EXPORT: EOPNOTSUPP
vmsplice: EFAULT
O_DIRECT read: EFAULT"
}

@test "a region filled to ENOMEM holds exactly its size and leaves the other region and default usable" {
	run_helper 0 regions take vpu:4M+ fpga:1M default:1M vpu:4K=ENOMEM
	assert_line "vpu:4M+: 8 buffers, 33554432 bytes, then ENOMEM"
	run_helper 0 regions take fpga:1M+ vpu:1M default:1M fpga:4K=ENOMEM
	assert_line "fpga:1M+: 16 buffers, 16777216 bytes, then ENOMEM"
}

@test "max_bytes (0644, memparse syntax) limits its region alone with ENOSPC; the per-uid quota counts every region with EDQUOT" {
	LIMITS_SET=1
	run target_sh "echo 8M >$REGIONS/vpu/max_bytes && cat $REGIONS/vpu/max_bytes"
	assert_output 8388608
	run_helper 0 regions take vpu:4M vpu:4M vpu:4K=ENOSPC fpga:4M default:4M
	target_sh "echo 0 >$REGIONS/vpu/max_bytes && echo 8388608 >$CMAMEM_SYSFS/max_bytes_per_uid"
	run_helper 0 regions take vpu:4M fpga:4M default:4K=EDQUOT vpu:4K=EDQUOT fpga:4K=EDQUOT
}

@test "cmamem regions --json lists the regions sysfs has, default's size derived from CmaTotal" {
	local cma_kb
	cma_kb=$(target_sh "awk '/^CmaTotal:/ { print \$2 }' /proc/meminfo")
	# MERGE: cmamem regions comes with h-regions-cli.
	run_cmamem 0 regions --json
	run jq -r '.[] | "\(.name) \(.kind) \(.size)"' <<<"$output"
	assert_output "default cma $((cma_kb * 1024 - VPU_SIZE))
vpu cma $VPU_SIZE
fpga carveout $FPGA_SIZE"
}

@test "unload and reload: the same regions bind again, empty; each malformed node is logged in one error line and skipped" {
	local ko params mark rc
	ko=$(loaded_ko)
	[ "$(buffer_count)" -eq 0 ] || fail "buffers from earlier suites are alive, so the module cannot be reloaded"
	params=$(module_params)
	mark="cmamem-test: regions reload $$-$RANDOM"
	# The kernel's error lines since the mark, without time stamps.
	run target_sh "echo '$mark' >/dev/kmsg && rmmod cma_mem && insmod '$ko' $params &&
		dmesg -x -t | sed -n '/$mark/,\$p' | sed -n 's/^kern *:err *: //p'"
	rc=$status
	# shellcheck disable=SC2086
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko" $params
	[ "$rc" -eq 0 ] || fail "rmmod, insmod: exit $rc: $output"
	# The three malformed nodes; the duplicate name is either node's, as
	# they bind in the tree's order (tests/vm/dt/regions.dtso).
	[ "${#lines[@]}" -eq 3 ] || fail "${#lines[@]} error lines, not one for each of the 3 malformed nodes: $output"
	assert_line --regexp '^cma_mem[a-z_]* cmamem-no-region: '
	assert_line --regexp '^cma_mem[a-z_]* cmamem-not-a-region: '
	assert_line --regexp '^cma_mem[a-z_]* (cmamem-)?vpu: '
	assert_regions
}
