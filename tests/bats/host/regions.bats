#!/usr/bin/env bats
# Regions on the host (cmamem(1), regions, alloc --region, limits --region;
# cma_mem(4), REGIONS): `cmamem regions` and its --json over a sysfs tree
# written here, with the default region, a reusable CMA region and a
# carve-out; --region by name and by id on the fake device
# (tests/host-c/fakedev.c), and the messages for a region that does not
# exist, flags a carve-out refuses, a region's max_bytes and a full region;
# info and list showing the region. regions-arm64.bats checks the same
# against the driver, on a guest booted with a device tree that has them.

load host_helper

setup() {
	fake_setup
	export CMAMEM_SYSFS=$T/sysfs CMAMEM_MEMINFO=$T/meminfo
	local r=$CMAMEM_SYSFS/regions f
	mkdir -p "$r/default" "$r/vpu" "$r/fpga"
	# The default region has neither size, base nor free_bytes.
	for f in id=0 kind=cma used_bytes=0 buffers=0 max_bytes=0 coherent=1 allocs=7 alloc_failures=1; do
		echo "${f#*=}" >"$r/default/${f%=*}"
	done
	for f in id=1 kind=cma size=33554432 base=0x60000000 free_bytes=33554432 used_bytes=0 \
		 buffers=0 max_bytes=0 coherent=0 allocs=0 alloc_failures=0; do
		echo "${f#*=}" >"$r/vpu/${f%=*}"
	done
	for f in id=2 kind=carveout size=16777216 base=0x64000000 free_bytes=16777216 used_bytes=0 \
		 buffers=0 max_bytes=0 coherent=1 allocs=0 alloc_failures=0; do
		echo "${f#*=}" >"$r/fpga/${f%=*}"
	done
	# CmaTotal counts vpu's 32M too: default is 256M, and 200M - 32M free.
	printf 'MemTotal: 2097152 kB\nCmaTotal: 294912 kB\nCmaFree: 204800 kB\n' >"$CMAMEM_MEMINFO"
}

@test "regions: a row per region by id; default's size and free derived from meminfo, marked ~" {
	run --separate-stderr fk regions
	assert_success
	assert_equal "$stderr" ""
	assert_output "$(cat <<-'EOF'
	NAME       ID KIND           SIZE       USED       FREE        MAX BUFFERS COHERENT
	default     0 cma           ~256M          0      ~168M       none       0 yes
	vpu         1 cma             32M          0        32M       none       0 no
	fpga        2 carveout        16M          0        16M       none       0 yes
	EOF
	)"
	run --separate-stderr fk regions -v
	assert_success
	[[ $stderr == "cmamem: ~: default's size and free bytes are $CMAMEM_MEMINFO's CmaTotal and CmaFree less"* ]] ||
		fail "no note on what ~ means: $stderr"
}

@test "regions --json: one object per region, the files' names as keys, null for what a region lacks" {
	run --separate-stderr fk regions --json
	assert_success
	assert_output '[{"name":"default","id":0,"kind":"cma","base":null,"size":268435456,"used_bytes":0,"free_bytes":176160768,"max_bytes":0,"buffers":0,"coherent":true,"allocs":7,"alloc_failures":1,"derived":true},{"name":"vpu","id":1,"kind":"cma","base":1610612736,"size":33554432,"used_bytes":0,"free_bytes":33554432,"max_bytes":0,"buffers":0,"coherent":false,"allocs":0,"alloc_failures":0,"derived":false},{"name":"fpga","id":2,"kind":"carveout","base":1677721600,"size":16777216,"used_bytes":0,"free_bytes":16777216,"max_bytes":0,"buffers":0,"coherent":true,"allocs":0,"alloc_failures":0,"derived":false}]'
}

@test "regions: a driver without the regions directory, exit 3, and what to check" {
	rm -r "$CMAMEM_SYSFS/regions"
	expect_err 3 "$CMAMEM_SYSFS/regions (is the cma_mem module loaded, and new enough to have regions?): No such file or directory" regions
	# Its one region, default, is still there to allocate in.
	run -0 fk alloc 4K --region default
	run -0 fk info "$output"
	assert_line "region: default"
}

@test "alloc --region by name and by id; info, info --json, list -v and alloc --json show the region" {
	run -0 fk alloc 4M --region vpu --name frame
	run -0 fk alloc 1M --region 2 --json
	assert_output '{"id":2,"name":null,"size":1048576,"cache":"wc","mmap_offset":8589934592,"dma_addr":0,"source":"cma","region":"fpga"}'
	run -0 fk alloc 8K
	run -0 fk info frame
	assert_line "region: vpu"
	run -0 fk info frame --json
	assert_equal "$(jq -c '[.region, .region_id]' <<<"$output")" '["vpu",1]'
	run -0 fk list -v
	assert_line -n 0 --regexp '^ +ID +SIZE CACHE +SOURCE PERSIST HEAP HANDLES MAPPINGS EXPORTS REGION +NAME$'
	assert_line -n 1 --regexp '^ +1 +4194304 .* vpu +frame$'
	assert_line -n 2 --regexp '^ +2 +1048576 .* fpga +-$'
	assert_line -n 3 --regexp '^ +3 +8192 .* default +-$'
	run -0 fk list --json
	assert_equal "$(jq -r 'map(.region) | join(" ")' <<<"$output")" "vpu fpga default"
	# The driver's use in each region, as regions shows it.
	run -0 fk regions --json
	assert_equal "$(jq -c 'map([.name, .used_bytes, .buffers])' <<<"$output")" \
		'[["default",8192,1],["vpu",4194304,1],["fpga",1048576,1]]'
}

@test "no such region: by name (before the device is opened) and by id, exit 3; a word that is no name, exit 2" {
	expect_err 3 "no region named 'vpu0' (cmamem regions lists them)" alloc 4K --region vpu0
	# The name is looked up before the device: the same without one.
	run --separate-stderr cm alloc 4K --region vpu0
	assert_failure 3
	assert_equal "$stderr" "cmamem: no region named 'vpu0' (cmamem regions lists them)"
	expect_err 3 "alloc 4K --region 9: no region has id 9 (cmamem regions lists them)" alloc 4K --region 9
	assert_usage "invalid --region '../vpu': not a region name or id" alloc 4K --region ../vpu
	assert_usage "invalid --region '': not a region name or id" alloc 4K --region ''
	[ -z "$(ls "$CMAMEM_FAKE_DIR")" ] || fail "a buffer was made: $(ls "$CMAMEM_FAKE_DIR")"
}

@test "a carve-out refuses --cache cached and export, and no region but default takes --from pool: exit 1, why and what to do" {
	expect_err 1 "alloc 4K --region fpga --cache cached: region fpga is a carve-out, memory without struct pages, which is mapped wc or uncached only (use --cache wc or uncached)" \
		alloc 4K --region fpga --cache cached
	expect_err 1 "alloc 4K --region vpu --from pool: the pool is made of the default region's memory, and serves no other (use --from auto or cma)" \
		alloc 4K --region vpu --from pool
	run -0 fk alloc 4K --region fpga --name fb
	expect_err 1 "export fb: buffer 1 lies in region fpga, a carve-out, memory without struct pages, which no importer can map (allocate it in a region of kind cma to share it)" \
		export fb -- true
	# A vpu buffer exports.
	run -0 fk alloc 4K --region vpu --name cam
	run -0 fk export cam -- sh -c 'test -n "$CMAMEM_DMABUF_FD"'
}

@test "limits --region: a region's max_bytes, used_bytes and buffers; --set max_bytes; alloc over it is exit 5 naming the fix" {
	run -0 fk alloc 4M --region fpga
	run -0 fk limits --region fpga --set max_bytes=6M
	assert_output "$(printf '%s\n' 'region: fpga' 'max_bytes: 6291456 (6M)' 'used_bytes: 4194304 (4M)' 'buffers: 1')"
	assert_equal "$(cat "$CMAMEM_SYSFS/regions/fpga/max_bytes")" 6291456
	run -0 fk limits --region 2 --json
	assert_output '{"region":"fpga","max_bytes":6291456,"used_bytes":4194304,"buffers":1}'
	expect_err 5 "alloc 4M --region fpga: region fpga's max_bytes is 6M, 4M in use (free buffers in it, or as root: cmamem limits --region fpga --set max_bytes=8M)" \
		alloc 4M --region fpga
	# The default region's limit refuses a plain alloc too.
	run -0 fk limits --region default --set max_bytes=64K
	expect_err 5 "alloc 128K: region default's max_bytes is 64K, 0 in use (free buffers in it, or as root: cmamem limits --region default --set max_bytes=128K)" \
		alloc 128K
}

@test "limits: --set max_bytes wants --region, a region's only limit is max_bytes, no such region is exit 3" {
	assert_usage "--set max_bytes=1M: no such limit (max_total_bytes, max_buffer_bytes, max_buffers, max_bytes_per_uid; a region's max_bytes takes --region NAME)" \
		limits --set max_bytes=1M
	assert_usage "--set max_buffers=1: no such limit (max_bytes)" limits --region vpu --set max_buffers=1
	expect_err 3 "no region named 'gpu' (cmamem regions lists them)" limits --region gpu
	expect_err 3 "no region has id 7 (cmamem regions lists them)" limits --region 7
}

@test "a full region: exit 1, how much it has free, and where else to look" {
	run -0 fk alloc 12M --region fpga
	expect_err 1 "alloc 8M --region fpga: region fpga cannot give 8M contiguous: 4M free of 16M (free buffers in it, or use another region: cmamem regions lists them)" \
		alloc 8M --region fpga
}
