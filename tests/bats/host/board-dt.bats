#!/usr/bin/env bats
# The arm64 guest's board device tree (tests/vm/build-dtb regions: QEMU's
# own virt tree plus tests/vm/dt/regions.dtso) without a guest: it has the
# two reserved-memory regions and the cmamem nodes pointing at them, the
# binding (docs/bindings/cmamem,region.yaml) finds in it only the malformed
# node a schema can see, and a guest too small for the regions is refused.
# regions-arm64.bats proves what the driver makes of it.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)

setup() { DTB=$BATS_TEST_TMPDIR/regions.dtb; }

# dtb MEM: build the tree for a virt machine with MEM of RAM into $DTB.
dtb() {
	"$REPO/tests/vm/build-dtb" regions "$DTB" -- qemu-system-aarch64 -M virt \
		-cpu cortex-a57 -m "$1" -nodefaults -nographic
}

@test "the tree has the reserved-memory regions, reusable and no-map, and the cmamem nodes point at them" {
	run -0 dtb 2G
	run -0 fdtget -l "$DTB" /reserved-memory
	assert_output "fpga@64000000
vpu-cma@60000000"
	run -0 fdtget "$DTB" /reserved-memory/vpu-cma@60000000 reusable
	run -0 fdtget "$DTB" /reserved-memory/fpga@64000000 no-map
	local vpu fpga
	vpu=$(fdtget -t x "$DTB" /reserved-memory/vpu-cma@60000000 phandle)
	fpga=$(fdtget -t x "$DTB" /reserved-memory/fpga@64000000 phandle)
	run -0 fdtget -t x "$DTB" /cmamem-vpu memory-region
	assert_output "$vpu"
	run -0 fdtget -t x "$DTB" /cmamem-fpga memory-region
	assert_output "$fpga"
	run -0 fdtget "$DTB" /cmamem-fpga label
	assert_output fpga
}

@test "dt-validate with the binding: of the malformed nodes, the one without memory-region is the schema's to find; the others are the driver's" {
	run -0 dtb 2G
	dt-mk-schema -j "$REPO/docs/bindings" >"$BATS_TEST_TMPDIR/schemas.json"
	run -0 dt-validate -s "$BATS_TEST_TMPDIR/schemas.json" "$DTB"
	assert_line --partial "cmamem-no-region: 'memory-region' is a required property"
	[ "$(grep -c 'From schema: .*cmamem,region.yaml' <<<"$output")" -eq 1 ] ||
		fail "the binding found more than the missing memory-region: $output"
}

@test "a guest whose RAM ends below the regions is refused, naming the region and the fix" {
	run -2 dtb 512M
	assert_output "build-dtb: $REPO/tests/vm/dt/regions.dtso: /reserved-memory/fpga@64000000 is outside the guest's RAM (0x40000000-0x60000000); give the guest more memory (--mem)"
}
