#!/usr/bin/env bats
# cmamem map's layout, from debugfs files written here: the kernel's CMA
# areas (base_pfn, count, order_per_bit and the bitmap as mm/cma_debug.c
# prints it, decimal u32 words) beside cma_mem's buffers table and
# pool_chunks ($CMAMEM_DEBUGFS). The runs tile each area; buffers, pool
# chunks, others' memory and free runs are where the files put them, in
# the JSON and in the SVG's data attributes; the scale rule of cmamem(1);
# the errors. tests/bats/area-map.bats checks the same against the driver.

load host_helper
load ../test_helper/svg

PAGE=$(getconf PAGESIZE)
M=$((1 << 20))

setup() {
	host_setup
	T=$BATS_TEST_TMPDIR
	export CMAMEM_DEBUGFS=$T/debug/cma_mem
	mkdir -p "$CMAMEM_DEBUGFS"
	echo 'id name size cache dma_addr uid pid comm age_ms refs handles mappings persist exports source state effective holders region' \
		>"$CMAMEM_DEBUGFS/buffers"
	echo 'dma_addr size used_bytes' >"$CMAMEM_DEBUGFS/pool_chunks"
}

# area NAME BASE COUNT ORDER_PER_BIT [FIRST-LAST...]: a CMA area at byte
# BASE of COUNT pages, its bitmap's bits FIRST to LAST set.
area() {
	local dir=$T/debug/cma/$1 bits=$(($3 >> $4))
	mkdir -p "$dir"
	echo $(($2 / PAGE)) >"$dir/base_pfn"
	echo "$3" >"$dir/count"
	echo "$4" >"$dir/order_per_bit"
	shift 4
	python3 -c '
import sys
n = int(sys.argv[1])
w = [0] * ((n + 31) // 32)
for r in sys.argv[2:]:
    a, b = map(int, r.split("-"))
    for i in range(a, b + 1):
        w[i // 32] |= 1 << (i % 32)
print(" ".join(map(str, w)))' "$bits" "$@" >"$dir/bitmap"
}

# buffer ID NAME BYTES DMA_ADDR SOURCE [STATE [REGION]]: a row of the
# buffers table.
buffer() {
	printf '%s %s %s wc 0x%016x 0 90 prog 10 1 1 0 1 0 %s %s cached - %s\n' \
		"$1" "$2" "$3" "$4" "$5" "${6:-live}" "${7:-default}" >>"$CMAMEM_DEBUGFS/buffers"
}

# chunk DMA_ADDR BYTES USED: a line of pool_chunks.
chunk() {
	printf '0x%016x %s %s\n' "$1" "$2" "$3" >>"$CMAMEM_DEBUGFS/pool_chunks"
}

# The layout of the tests below: a 16M area at 256M; buffer 1 (1M) at its
# start, 2 (1M) at 2M, a 2M pool chunk at 4M holding buffer 3 (512K) at
# 4M+256K, 1M of others' at 8M, and buffer 4 below every area (in a
# carve-out region, which is no CMA area).
layout() {
	local base=$((256 * M)) p=$((M / PAGE))
	area reserved $base $((16 * p)) 0 "0-$((p - 1))" "$((2 * p))-$((3 * p - 1))" \
		"$((4 * p))-$((6 * p - 1))" "$((8 * p))-$((9 * p - 1))"
	buffer 1 A $M $base cma
	buffer 2 'C<&>' $M $((base + 2 * M)) cma
	buffer 3 - $((M / 2)) $((base + 4 * M + M / 4)) pool
	buffer 4 far $PAGE $PAGE cma freed-mapped fpga
	chunk $((base + 4 * M)) $((2 * M)) $((M / 2))
}

@test "--json: the runs tile the area in address order, each where the files put it" {
	layout
	run --separate-stderr "$CMAMEM" map --json
	assert_success
	assert_equal "$stderr" ""
	local json=$output base=$((256 * M))
	run -0 jq -r '.areas[] | [.name, .base, .bytes, .order_per_bit, .free_bytes, .free_runs, .largest_free] | @tsv' <<<"$json"
	assert_output "$(printf 'reserved\t%s\t%s\t0\t%s\t4\t%s' $base $((16 * M)) $((11 * M)) $((7 * M)))"
	run -0 jq -r '.areas[0].runs[] | [.kind, .offset, .bytes, .id // "-", .source // "-"] | @tsv' <<<"$json"
	assert_output "$(printf '%s\t%s\t%s\t%s\t%s\n' \
		buffer 0 $M 1 cma free $M $M - - buffer $((2 * M)) $M 2 cma \
		free $((3 * M)) $M - - pool $((4 * M)) $((M / 4)) - - \
		buffer $((4 * M + M / 4)) $((M / 2)) 3 pool \
		pool $((4 * M + 3 * M / 4)) $((5 * M / 4)) - - free $((6 * M)) $((2 * M)) - - \
		other $((8 * M)) $M - - free $((9 * M)) $((7 * M)) - -)"
	# start is the address, offset from the base; each run begins where
	# the last ended, and the last ends at the area's end.
	run -0 jq -r --argjson base $base '.areas[0] | reduce .runs[] as $r ({at: $base, ok: true};
		{at: ($r.start + $r.bytes), ok: (.ok and $r.start == .at and $r.offset == $r.start - $base)})
		| [.ok, .at - $base == 16 * 1048576] | @tsv' <<<"$json"
	assert_output "$(printf 'true\ttrue')"
	run -0 jq -c '.areas[0].runs[] | select(.kind == "buffer") | [.id, .name, .state]' <<<"$json"
	assert_output "$(printf '%s\n' '[1,"A","live"]' '[2,"C<&>","live"]' '[3,null,"live"]')"
	run -0 jq -c '.areas[0].chunks' <<<"$json"
	assert_output "[{\"start\":$((base + 4 * M)),\"offset\":$((4 * M)),\"bytes\":$((2 * M)),\"used_bytes\":$((M / 2))}]"
	# Below every area: listed, not drawn.
	run -0 jq -c '.outside' <<<"$json"
	assert_output "[{\"kind\":\"buffer\",\"start\":$PAGE,\"bytes\":$PAGE,\"id\":4,\"name\":\"far\",\"source\":\"cma\",\"state\":\"freed-mapped\",\"region\":\"fpga\"}]"
}

@test "the SVG: well formed, an SVG image to file(1), every run's data attributes as in the JSON" {
	layout
	run --separate-stderr "$CMAMEM" map -o "$T/map.svg"
	assert_success
	assert_output ""
	run -0 xmllint --noout "$T/map.svg"
	run -0 file -b "$T/map.svg"
	assert_output "SVG Scalable Vector Graphics image"
	# The same runs, read back from the attributes (offsets in hex).
	run -0 xmllint --xpath "$(svg_xpath data-offset data-bytes data-id)" "$T/map.svg"
	local kind off bytes id got=() want
	while IFS=$'\t' read -r kind off bytes id; do
		case $kind in
		buffer | pool | other | free) got+=("$kind $((off)) $bytes ${id#-}") ;;
		esac
	done < <(svg_rows data-kind data-offset data-bytes data-id <<<"$output")
	want=$("$CMAMEM" map --json | jq -r '.areas[0].runs[] | "\(.kind) \(.offset) \(.bytes) \(.id // "")"' | sort)
	assert_equal "$(printf '%s\n' "${got[@]}" | sort)" "$want"
	# A name is escaped, and reads back as it was; a buffer is labelled
	# with its id and name where they fit.
	run -0 xmllint --xpath 'string(//*[@data-id="2"]/@data-name)' "$T/map.svg"
	assert_output 'C<&>'
	run -0 xmllint --xpath 'string(//*[@data-id="2"]/*[local-name()="text"])' "$T/map.svg"
	assert_output '2 C<&>'
	run -0 xmllint --xpath 'string(//*[@data-id="3"]/*[local-name()="title"])' "$T/map.svg"
	assert_output "buffer 3: 512K at 0x10440000 (from pool, live)"
	run -0 xmllint --xpath 'string(//*[@data-kind="chunk"]/@data-used-bytes)' "$T/map.svg"
	assert_output $((M / 2))
	run -0 xmllint --xpath 'string(//*[@data-kind="area"]/@data-largest-free)' "$T/map.svg"
	assert_output $((7 * M))
	# Buffer 4 is text below the picture, in no area.
	run -0 xmllint --xpath 'count(//*[@data-kind="area"]//*[@data-id="4"])' "$T/map.svg"
	assert_output 0
	run -0 xmllint --xpath 'string(//*[@data-kind="outside"][@data-id="4"])' "$T/map.svg"
	assert_output "buffer 4 far: 4K at 0x1000 (from cma, freed-mapped, region fpga)"
}

@test "the scale: one row if the smallest buffer stays 4 px wide; else 4 px for it, at most 64 rows" {
	local base=$((1 << 32)) p=$((M / PAGE))
	# 16M with a 256K buffer: 16K a pixel, one row, the buffer 16 px.
	area one $base $((16 * p)) 0
	buffer 1 a $((M / 4)) $base cma
	# 64M with a 64K buffer: 16K a pixel keeps it 4 px, 4 rows.
	area four $((base + 64 * M)) $((64 * p)) 0
	buffer 2 b $((64 << 10)) $((base + 64 * M)) cma
	# 256M with one page: 64 rows of 4M, 4K a pixel; the buffer 1 px.
	area many $((base + 128 * M)) $((256 * p)) 0
	buffer 3 c $PAGE $((base + 128 * M)) cma
	run -0 "$CMAMEM" map -o "$T/map.svg"
	run -0 xmllint --xpath "$(svg_xpath data-name data-bytes-per-px data-rows)" "$T/map.svg"
	run -0 awk '$1 == "area" { print $2, $3, $4 }' < <(svg_rows data-kind data-name data-bytes-per-px data-rows <<<"$output")
	assert_output "$(printf '%s\n' 'one 16384 1' 'four 16384 4' 'many 4096 64')"
	run -0 xmllint --xpath 'string(//*[@data-id="3"]/*[local-name()="rect"]/@width)' "$T/map.svg"
	assert_output "1.00"
}

@test "order_per_bit: a bit covers 2^order pages; a buffer wins over the bitmap" {
	local base=$((512 * M))
	# 4M in 64K bits (order 4): bits 2-3 set (others' 128K at 128K); a
	# buffer at 1M whose bits read clear (freed since the table was read).
	area big-bits $base $((4 * M / PAGE)) 4 2-3
	buffer 7 late $((64 << 10)) $((base + M)) cma
	run -0 "$CMAMEM" map --json
	run -0 jq -r '.areas[0] | (.order_per_bit | tostring), (.runs[] | "\(.kind) \(.offset) \(.bytes)")' <<<"$output"
	assert_output "$(printf '%s\n' 4 "free 0 131072" "other 131072 131072" "free 262144 786432" \
		"buffer 1048576 65536" "free 1114112 3080192")"
}

@test "areas by base; an empty area list draws a note; no buffers is no error" {
	area second $((2 << 30)) 256 0
	area first $((1 << 30)) 256 0 0-255
	run -0 "$CMAMEM" map --json
	run -0 jq -c '[.areas[] | [.name, .runs]]' <<<"$output"
	assert_output "[[\"first\",[{\"kind\":\"other\",\"start\":$((1 << 30)),\"offset\":0,\"bytes\":$((256 * PAGE))}]],[\"second\",[{\"kind\":\"free\",\"start\":$((2 << 30)),\"offset\":0,\"bytes\":$((256 * PAGE))}]]]"
	rm -r "$T/debug/cma"/*
	run -0 "$CMAMEM" map --json
	assert_output "{\"page_size\":$PAGE,\"areas\":[],\"outside\":[]}"
	run -0 "$CMAMEM" map -o "$T/none.svg"
	run -0 xmllint --xpath 'string(//*[local-name()="text"][starts-with(., "No CMA area")])' "$T/none.svg"
	assert_output "No CMA area: the kernel has none (boot it with cma=SIZE)"
}

@test "a driver without pool_chunks: said once, and the pool's memory is others'" {
	local base=$((256 * M))
	area reserved $base $((4 * M / PAGE)) 0 0-511
	buffer 1 - $M $base pool
	rm "$CMAMEM_DEBUGFS/pool_chunks"
	run --separate-stderr "$CMAMEM" map --json
	assert_success
	assert_equal "$stderr" "cmamem: map: no $CMAMEM_DEBUGFS/pool_chunks (a cma_mem module older than this cmamem): the pool's unused memory shows as allocated by others"
	run -0 jq -r '.areas[0].runs[] | "\(.kind) \(.bytes)"' <<<"$output"
	assert_output "$(printf '%s\n' "buffer $M" "other $M" "free $((2 * M))")"
	run --separate-stderr "$CMAMEM" --quiet map --json
	assert_success
	assert_equal "$stderr" ""
}

@test "standard output: not a terminal (exit 2, nothing read); -o - is standard output; --json may" {
	# No CMA files yet: the terminal is refused before anything is read.
	run script -qec "$CMAMEM map" /dev/null
	assert_failure 2
	assert_output "cmamem: map: not writing an SVG image to a terminal: give -o FILE, redirect it (cmamem map > cma.svg), or use --json"$'\r'
	layout
	run script -qec "$CMAMEM map -o -" /dev/null
	assert_failure 2
	run script -qec "$CMAMEM map --json" /dev/null
	assert_success
	assert_output --partial '"page_size":'
	run -0 "$CMAMEM" map -o -
	assert_line -n 0 '<?xml version="1.0" encoding="UTF-8"?>'
}

@test "-o FILE: replaced only once the layout is read; a file it made goes if reading fails" {
	layout
	echo keep >"$T/old.svg"
	mv "$T/debug/cma" "$T/away"
	run --separate-stderr "$CMAMEM" map -o "$T/old.svg"
	assert_failure 1
	assert_equal "$(cat "$T/old.svg")" keep
	run --separate-stderr "$CMAMEM" map -o "$T/new.svg"
	assert_failure 1
	[ ! -e "$T/new.svg" ] || fail "map left $T/new.svg behind"
	mv "$T/away" "$T/debug/cma"
	run -0 "$CMAMEM" map -o "$T/old.svg"
	run -0 xmllint --noout "$T/old.svg"
	run --separate-stderr "$CMAMEM" map -o /dev/full
	assert_failure 1
	assert_equal "$stderr" "cmamem: map: write error on /dev/full: No space left on device"
	run --separate-stderr "$CMAMEM" map -o "$T/no/such/dir.svg"
	assert_failure 2
	assert_equal "$stderr" "cmamem: invalid -o '$T/no/such/dir.svg': No such file or directory"
}

@test "errors name the cause and the fix: no CONFIG_CMA_DEBUGFS, no debugfs, no module, a bad bitmap" {
	run --separate-stderr "$CMAMEM" map --json
	assert_failure 1
	assert_equal "$stderr" "cmamem: map: no $T/debug/cma: the kernel is built without CONFIG_CMA_DEBUGFS, which cmamem map needs to see the CMA areas"
	rmdir "$CMAMEM_DEBUGFS" 2>/dev/null || rm -r "$CMAMEM_DEBUGFS"
	run --separate-stderr "$CMAMEM" map --json
	assert_failure 1
	assert_equal "$stderr" "cmamem: map: no $T/debug/cma nor $CMAMEM_DEBUGFS: mount debugfs (mount -t debugfs none /sys/kernel/debug); the kernel needs CONFIG_CMA_DEBUGFS, and the cma_mem module loaded"
	# CMA's files without the driver's: the module is not loaded.
	area reserved $((256 * M)) 256 0
	run --separate-stderr "$CMAMEM" map --json
	assert_failure 3
	assert_equal "$stderr" "cmamem: $CMAMEM_DEBUGFS/buffers (is the cma_mem module loaded and debugfs mounted?): No such file or directory"
	setup
	echo "1 2 x" >"$T/debug/cma/reserved/bitmap"
	run --separate-stderr "$CMAMEM" map --json
	assert_failure 1
	assert_equal "$stderr" "cmamem: map: $T/debug/cma/reserved/bitmap: not decimal words, not in the format this cmamem reads"
	assert_output ""
}
