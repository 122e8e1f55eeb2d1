#!/usr/bin/env bats
# Buffers end to end: allocate, map and touch every page in each cache mode;
# zeroing; a persistent buffer that crosses CLI commands; fill and dump
# against hexdump -C of the same bytes; names; the debugfs table. It also
# runs over ssh in CI, so it stays brisk: one helper process per size sweep,
# few CLI calls. And the regions a machine without device-tree regions has.

load test_helper/common
load test_helper/buffers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { free_tracked; common_teardown; }

MODES=wc,uncached,cached

# dump_matches ID HEXDUMP_OF_EXPECTED [DUMP OPTIONS...]
dump_matches() {
	local id=$1 want=$2
	shift 2
	run_cmamem 0 dump "$id" "$@"
	assert_equal "$output" "$want"
}

@test "buffers of 4K to 128M in all three cache modes: alloc, map, every page zero, written and read back" {
	local sizes=(4K 8K 64K 1M 4M 16M 128M)
	run_helper 0 touch-all --cache "$MODES" "${sizes[@]}"
	assert_equal "$(grep -c ': ok' <<<"$output")" "$((3 * ${#sizes[@]}))"
}

@test "zeroing: memory filled with 0xa5 and freed reads all zeros when allocated again, in each cache mode" {
	run_helper 0 touch-all --dirty --cache "$MODES" 8K 1M 16M
	assert_equal "$(grep -c ': ok' <<<"$output")" 9
	# Else the test proves nothing: the dirty memory itself came back.
	refute_output --partial moved
}

@test "a persistent buffer crosses commands: alloc in one, fill in a second, dump in a third, free in a fourth" {
	track_alloc 256K
	local id=$output
	assert_equal "$(buffer_count)" "$((CMAMEM_BASE_BUFFERS + 1))"
	run_cmamem 0 fill "$id" --pattern 0x5a
	# No process holds or maps it between commands.
	run_cmamem 0 info "$id"
	assert_line "size: 262144"
	assert_line "persistent: yes"
	assert_line "handles: 0"
	assert_line "mappings: 0"
	dump_matches "$id" "$(head -c 262144 /dev/zero | tr '\0' 'Z' | hexdump -C)"
	run_cmamem 0 free "$id"
	run_cmamem 3 info "$id"
	assert_equal "$(buffer_count)" "$CMAMEM_BASE_BUFFERS"
}

@test "fill --from a file at an offset, then dump (whole, a range, raw): hexdump -C of the same bytes, zeros around them" {
	track_alloc 64K
	local id=$output f want
	f=$(target_run mktemp)
	# A line of text and random bytes, 10000 in all; and the image of the
	# buffer that should result.
	target_sh "{ printf 'cmamem fill test\\n'; head -c 9983 /dev/urandom; } >$f &&
		{ head -c 4096 /dev/zero; cat $f; head -c 51440 /dev/zero; } >$f.img"
	run_cmamem 0 fill "$id" --from "$f" --offset 4096
	run target_run hexdump -C "$f.img"
	want=$output
	dump_matches "$id" "$want"
	run target_run hexdump -C -s 4000 -n 5000 "$f.img"
	want=$output
	dump_matches "$id" "$want" --offset 4000 --length 5000
	run target_sh "$CMAMEM_BIN dump $id --raw --offset 4096 --length 10000 | cmp - $f && echo same"
	target_run rm -f "$f" "$f.img"
	assert_output same
	run_cmamem 0 free "$id"
}

@test "fill --word and --counter: dump is hexdump -C of the bytes printf makes" {
	track_alloc 8K
	local id=$output words= i img=$BATS_TEST_TMPDIR/img
	run_cmamem 0 fill "$id" --word 0xdeadbeef --length 4096
	# The counter is the word's index in the buffer: 1024 at byte 4096.
	run_cmamem 0 fill "$id" --counter --offset 4096 --length 256
	for i in $(seq 1024 1087); do
		words+=$(printf '\\%03o\\%03o\\000\\000' $((i & 255)) $((i >> 8)))
	done
	{
		for i in $(seq 1024); do printf '\357\276\255\336'; done
		printf "$words"
		head -c $((4096 - 256)) /dev/zero
	} >"$img"
	dump_matches "$id" "$(hexdump -C "$img")"
	dump_matches "$id" "$(hexdump -C -s 4096 -n 256 "$img")" --offset 4096 --length 256
	run_cmamem 0 free "$id"
}

@test "names: alloc --name, then info, fill, dump and free by name; a taken name is refused with EEXIST" {
	track_alloc 8K --name frame0
	local id=$output
	run_cmamem 0 info frame0
	assert_line "id: $id"
	assert_line "name: frame0"
	run_cmamem 1 alloc 4K --name frame0
	assert_output --partial "File exists"
	assert_equal "$(buffer_count)" "$((CMAMEM_BASE_BUFFERS + 1))"
	run_cmamem 0 fill frame0 --pattern 0x01
	dump_matches frame0 "$(head -c 8192 /dev/zero | tr '\0' '\001' | hexdump -C)"
	run_cmamem 0 free frame0
	run_cmamem 3 info frame0
	# The name is free again.
	track_alloc 4K --name frame0
	run_cmamem 0 free frame0
}

@test "list shows the caller's buffers, and the debugfs table describes them" {
	track_alloc 64K --name dbg-a --cache uncached
	local a=$output
	track_alloc 12K --cache cached
	local b=$output
	run_cmamem 0 list
	assert_line "$a"
	assert_line "$b"
	# id name size cache dma_addr uid pid comm age_ms refs handles mappings
	# persist exports source state effective holders region
	local eff
	eff=$(effective_cache uncached)
	run target_sh "awk '\$1 == $a || \$1 == $b' $CMAMEM_DEBUGFS/buffers"
	assert_line --regexp "^$a dbg-a 65536 uncached 0x[0-9a-f]+ 0 [0-9]+ cmamem [0-9]+ 1 0 0 1 0 cma live $eff - default$"
	assert_line --regexp "^$b - 12288 cached 0x[0-9a-f]+ 0 [0-9]+ cmamem [0-9]+ 1 0 0 1 0 cma live cached - default$"
	run_cmamem 0 free "$a"
	run_cmamem 0 free "$b"
	run_cmamem 0 list
	refute_listed "$a"
	refute_listed "$b"
}

@test "INFO, info, info --json, list --json and the debugfs table report the effective cache mode beside the requested one" {
	local mode id eff
	for mode in wc uncached cached; do
		eff=$(effective_cache "$mode")
		track_alloc 8K --cache "$mode"
		id=$output
		run_cmamem 0 info "$id"
		assert_line "cache: $mode"
		assert_line "cache_effective: $eff"
		run_cmamem 0 info "$id" --json
		assert_equal "$(jq -r '"\(.cache) \(.cache_effective)"' <<<"$output")" "$mode $eff"
		run_cmamem 0 list --json
		assert_equal "$(jq -r ".[] | select(.id == $id) | .cache_effective" <<<"$output")" "$eff"
		run target_sh "awk '\$1 == $id { print \$4, \$17 }' $CMAMEM_DEBUGFS/buffers"
		assert_output "$mode $eff"
		run_cmamem 0 free "$id"
	done
}

@test "sync --for device and --for cpu, whole and a range, on a cached buffer" {
	track_alloc 16K --cache cached
	local id=$output
	run_cmamem 0 sync "$id" --for device
	run_cmamem 0 sync "$id" --for cpu --offset 4096 --length 4096
	run_cmamem 0 free "$id"
}

@test "regions: default first, its size CmaTotal, and alone without device-tree regions; alloc --region default; --region nosuch is exit 3 with the fix" {
	local json dt cma_kb id
	# cmamem,region nodes (cma_mem(4), REGIONS): x86 has no device tree.
	dt=$(target_sh "grep -rlF --include=compatible cmamem,region /proc/device-tree 2>/dev/null | wc -l")
	cma_kb=$(target_run awk '/^CmaTotal:/ { print $2 }' /proc/meminfo)
	run_cmamem 0 regions --json
	json=$output
	assert_equal "$(jq -c '.[0] | [.name, .id, .kind, .derived, .base]' <<<"$json")" '["default",0,"cma",true,null]'
	if [ "$dt" -eq 0 ]; then
		assert_equal "$(jq -c 'map(.name)' <<<"$json")" '["default"]'
		assert_equal "$(jq '.[0].size' <<<"$json")" "$((cma_kb * 1024))"
	fi
	track_alloc 64K --region default
	id=$output
	run_cmamem 0 info "$id"
	assert_line "region: default"
	# The debugfs table's region column, as list --all shows it.
	run_cmamem 0 list --all --json
	assert_equal "$(jq -r ".[] | select(.id == $id) | .region" <<<"$output")" default
	run_cmamem 0 limits --region default --json
	assert_equal "$(jq -c '[.region, .max_bytes, .used_bytes >= 65536, .buffers >= 1]' <<<"$output")" '["default",0,true,true]'
	run_cmamem 3 alloc 4K --region nosuch
	assert_output "cmamem: no region named 'nosuch' (cmamem regions lists them)"
	run_cmamem 0 free "$id"
}
