#!/usr/bin/env bats
# Device-tree regions (cma_mem(4), REGIONS), on the arm64 guest booted with
# a board's tree (tests/vm/run --dt regions: QEMU's own tree plus
# tests/vm/dt/regions.dtso, which make check's arm64 guest boots with): a
# reusable CMA region "vpu" and a no-map carve-out "fpga" bind beside
# "default"; allocations land inside them (dma_addr, and for the reusable
# one the page frames cmamem verify reads from /proc/self/pagemap); a full
# region leaves the others usable; max_bytes and the per-uid quota hold;
# the reusable region does what buffers.bats and zerocopy.bats prove for
# default, the carve-out maps, reads and writes and refuses, with the errno
# of the uapi header, what needs struct pages; the tree's malformed nodes
# are each logged in one line and skipped, and an unload and reload binds
# the same regions again. arm64 only (tests/check): the x86 guest has no
# device tree. Drives tests/c/regions and tests/c/touch-all (--region).
#
# A process costs about a second in the arm64 debug guest (TCG): the tests
# gather their reads into one target_sh and match JSON in the shell.
#
# O_DIRECT needs a block device: the guest's scratch disk /dev/vda
# (tests/vm/run --disk, which tests/check passes), read, never written.

load test_helper/common
load test_helper/buffers

REGIONS=$CMAMEM_SYSFS/regions
DT=/proc/device-tree

setup_file() {
	common_setup_file
	# The two reserved-memory regions as the guest booted them: two address
	# and two size cells each, big-endian.
	local c
	read -ra c < <(target_sh "
		[ -d $DT/cmamem-vpu ] || { echo 'the guest has no board tree: boot it with tests/vm/run --arch arm64 --dt regions (tests/check does)'; exit 1; }
		[ -b /dev/vda ] || { echo 'no /dev/vda: this suite needs the guest scratch disk (tests/vm/run --disk, as tests/check passes)'; exit 1; }
		od -An -tu4 --endian=big -w32 $DT/reserved-memory/vpu-cma@*/reg $DT/reserved-memory/fpga@*/reg")
	[ ${#c[@]} -eq 8 ] || fail "${c[*]}"
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
# The default region's counters count what earlier suites did. Sets VPU_ID,
# FPGA_ID and CMA_KB (CmaTotal).
assert_regions() {
	run target_sh "cd $REGIONS && echo * && grep -r . . && stat -c '%n %a' */base */max_bytes &&
		grep '^CmaTotal:' /proc/meminfo"
	assert_success
	assert_line --index 0 "default fpga vpu"
	assert_line ./default/id:0
	assert_line ./default/kind:cma
	refute_line --regexp '^\./default/(size|base|free_bytes):'
	local r base size coherent kind line
	for r in vpu fpga; do
		if [ $r = vpu ]; then
			base=$VPU_BASE size=$VPU_SIZE kind=cma coherent=0
		else
			base=$FPGA_BASE size=$FPGA_SIZE kind=carveout coherent=1
		fi
		assert_line --regexp "^\./$r/id:[1-9][0-9]*$"
		assert_line "./$r/kind:$kind"
		assert_line "./$r/size:$size"
		printf -v line './%s/base:%#x' $r "$base"
		assert_line "$line"
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
	for line in "${lines[@]}"; do
		case $line in
		./vpu/id:*) VPU_ID=${line#*:} ;;
		./fpga/id:*) FPGA_ID=${line#*:} ;;
		CmaTotal:*) read -r _ CMA_KB _ <<<"$line" ;;
		esac
	done
	[ "$VPU_ID" != "$FPGA_ID" ] || fail "vpu and fpga have one id: $VPU_ID"
}

# assert_oks N: touch-all printed N lines of buffers that were ok.
assert_oks() {
	local line n=0
	for line in "${lines[@]}"; do
		[[ $line != *': ok'* ]] || n=$((n + 1))
	done
	[ "$n" -eq "$1" ] || fail "$n buffers ok, not $1: $output"
}

@test "the tree's regions bind: default (id 0, cma), vpu (cma) and fpga (carveout, coherent) with their reserved-memory nodes' base and size; cmamem regions shows them; an id no region has is ENODEV" {
	assert_regions
	# MERGE: cmamem regions comes with h-regions-cli. The default area's
	# size is derived: CmaTotal counts the reusable regions too.
	run_cmamem 0 regions --json
	run jq -r '.[] | "\(.name) \(.kind) \(.size)"' <<<"$output"
	assert_output "default cma $((CMA_KB * 1024 - VPU_SIZE))
vpu cma $VPU_SIZE
fpga carveout $FPGA_SIZE"
	run_helper 0 regions take "$((VPU_ID > FPGA_ID ? VPU_ID + 1 : FPGA_ID + 1))":4K=ENODEV
}

@test "allocations land inside their region: dma_addr against base and size, in every cache mode the region takes" {
	run_helper 0 regions take vpu:4K vpu:1M vpu:4M/uncached vpu:64K/cached \
		fpga:4K fpga:1M fpga:64K/uncached default:64K
}

@test "the reusable region, as buffers.bats proves for default: 4K and 4M in each cache mode mapped, zero, written and read back; freed memory is zeroed when allocated again" {
	run_helper 0 touch-all --region vpu --dirty --cache wc,uncached,cached 4K 4M
	assert_oks 6
}

@test "the carve-out maps, reads and writes: 4K and 4M in WC and UNCACHED, zero, written and read back, zeroed again when reused" {
	run_helper 0 touch-all --region fpga --dirty --cache wc,uncached 4K 4M
	assert_oks 4
}

@test "a persistent buffer in the reusable region crosses commands: alloc --region, fill, dump; its pages are the region's frames (verify: pagemap); free gives its bytes back" {
	local base=$VPU_BASE end=$((VPU_BASE + VPU_SIZE)) phys
	# MERGE: alloc --region and the region in --json come with h-regions-cli.
	run_cmamem 0 alloc 256K --region vpu --name keep-vpu --json
	CMAMEM_TRACKED+=(keep-vpu)
	[[ $output == *'"region":"vpu"'* ]] || fail "alloc --json: $output"
	run_cmamem 0 fill keep-vpu --pattern 0x5a
	run_cmamem 0 dump keep-vpu --offset 262128 --length 16 --raw
	assert_output ZZZZZZZZZZZZZZZZ
	# Contiguous frames, the first at dma_addr (exit 0), inside the region.
	run_cmamem 0 verify keep-vpu
	[[ $output =~ ^buffer\ [0-9]+:\ 64\ pages\ at\ phys\ (0x[0-9a-f]+),\ .*:\ contiguous,\ dma_addr\ matches$ ]] ||
		fail "verify: $output"
	phys=${BASH_REMATCH[1]}
	((phys >= base && phys + 262144 <= end)) || fail "keep-vpu at $phys, outside vpu ($base-$end)"
	run target_sh "cat $REGIONS/vpu/used_bytes && '$CMAMEM_BIN' free keep-vpu && cat $REGIONS/vpu/used_bytes $REGIONS/vpu/buffers"
	assert_success
	CMAMEM_TRACKED=()
	assert_equal "${lines[*]}" "262144 0 0"
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
