#!/usr/bin/env bats
# cmamem map (cmamem(1)) against the driver and the kernel's CMA debugfs: a
# known layout (buffers A and C where their dma_addr puts them, the freed B
# a free or other run, the pool's chunk with its buffer inside) in --json
# and in the SVG's data attributes; the SVG well formed, an SVG image to
# file(1); the bitmap read as the kernel reads it (its maxchunk and used
# agree); root only. tests/bats/host/area-map.bats covers the layout's
# corner cases and the errors from fixtures.
#
# make check runs it on one kernel (tests/check, suites_for): the CMA
# debugfs files it reads (mm/cma_debug.c) are the same in 6.1 and 6.12.
# check-on: 6.1

load test_helper/common
load test_helper/buffers
load test_helper/svg
bats_require_minimum_version 1.5.0

M=1048576

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() {
	free_tracked
	target_sh "echo 0 >$CMAMEM_SYSFS/pool_bytes"
	common_teardown
}

# dma_of ID...: each buffer's dma_addr, in decimal, from the debugfs table.
dma_of() {
	target_sh "awk 'NR > 1 { print \$1, \$5 }' $CMAMEM_DEBUGFS/buffers" |
		while read -r id dma; do
			[[ " $* " == *" $id "* ]] && echo "$id $((dma))"
		done
}

@test "A, B, C with B freed: A and C at dma_addr minus the area's base, free or others' where B was; the SVG says the same" {
	local a b c da db dc id dma json svg=$BATS_FILE_TMPDIR/map.svg
	track_alloc 1M --name map-a --from cma
	a=$output
	track_alloc 1M --name map-b --from cma
	b=$output
	track_alloc 1M --name map-c --from cma
	c=$output
	while read -r id dma; do
		case $id in
		"$a") da=$dma ;; "$b") db=$dma ;; "$c") dc=$dma ;;
		esac
	done < <(dma_of "$a" "$b" "$c")
	run_cmamem 0 free "$b"

	# The map, then the kernel's own numbers for the area it puts A in.
	run_cmamem 0 map --json
	json=$output
	run -0 jq -r --argjson a "$da" '.page_size as $p | .areas[] | select(.base <= $a and $a < .base + .bytes) |
		"\(.name) \(.base) \(.bytes) \($p) \(.largest_free) \(.bytes - .free_bytes)"' <<<"$json"
	local name base bytes page largest taken
	read -r name base bytes page largest taken <<<"$output"
	[ -n "$taken" ] || fail "no area holds A's dma_addr $da: $json"
	run -0 target_sh "cd /sys/kernel/debug/cma/$name && cat base_pfn maxchunk used"
	assert_equal "$output" "$(printf '%s\n' $((base / page)) $((largest / page)) $((taken / page)))"

	# A and C: buffer runs at their addresses; B's megabyte: free or others'.
	run -0 jq -r --argjson base "$base" --argjson a "$a" --argjson b "$db" --argjson c "$c" '
		.areas[] | select(.base == $base) | .runs as $r |
		($r[] | select(.id == $a or .id == $c) | "\(.id) \(.kind) \(.start) \(.offset) \(.bytes)"),
		([$r[] | select(.start < $b + 1048576 and .start + .bytes > $b) | .kind] | unique | join(",")),
		# The runs tile the area.
		(reduce $r[] as $x ({at: $base, ok: true}; {at: ($x.start + $x.bytes), ok: (.ok and $x.start == .at)}) | .ok)' <<<"$json"
	[[ ${lines[2]} =~ ^(free|other|free,other)$ ]] || fail "B's range holds ${lines[2]}"
	assert_equal "${lines[3]}" true
	# Where A and C must be, in address order, as the JSON and the SVG say it.
	local ra rc ha hc
	ra="$a buffer $da $((da - base)) $M"
	rc="$c buffer $dc $((dc - base)) $M"
	printf -v ha '%s 0x%x 0x%x %s' "$a" "$da" $((da - base)) $M
	printf -v hc '%s 0x%x 0x%x %s' "$c" "$dc" $((dc - base)) $M
	if [ "$da" -lt "$dc" ]; then
		assert_equal "${lines[0]}"$'\n'"${lines[1]}" "$ra"$'\n'"$rc"
	else
		assert_equal "${lines[0]}"$'\n'"${lines[1]}" "$rc"$'\n'"$ra"
	fi

	# The picture: well formed, an SVG image of a sane size, A and C in it
	# at the same places, B not.
	run_cmamem 0 map -o "$svg"
	run -0 target_sh "xmllint --noout '$svg' && file -b '$svg' && stat -c %s '$svg'"
	assert_line -n 0 "SVG Scalable Vector Graphics image"
	[ "${lines[1]}" -gt 2000 ] && [ "${lines[1]}" -lt 2000000 ] || fail "the SVG is ${lines[1]} bytes"
	run -0 target_run xmllint --xpath "$(svg_xpath data-id data-start data-offset data-bytes)" "$svg"
	run -0 awk -v a="$a" -v b="$b" -v c="$c" '$1 == "buffer" && ($2 == a || $2 == b || $2 == c) { print $2, $3, $4, $5 }' \
		< <(svg_rows data-kind data-id data-start data-offset data-bytes <<<"$output")
	if [ "$da" -lt "$dc" ]; then
		assert_output "$ha"$'\n'"$hc"
	else
		assert_output "$hc"$'\n'"$ha"
	fi
}

@test "the pool's chunks: where pool_chunks puts them, the pool's buffer inside, the rest pool; in the SVG too" {
	local d json start off bytes used row want=() svg=$BATS_FILE_TMPDIR/pool.svg
	run_cmamem 0 pool --resize 4M
	track_alloc 1M --name map-d --from pool
	d=$output
	run_cmamem 0 map --json
	json=$output
	# Over the chunks (the pool may be more than one): their bytes and used
	# bytes, the buffers in them, their pool bytes, and whether their buffer
	# and pool runs cover each.
	run -0 jq -r '[.areas[] | .runs as $r | .chunks[] | . as $k |
		{k: $k, in: [$r[] | select(.start >= $k.start and .start + .bytes <= $k.start + $k.bytes)]}] |
		"\(map(.k.bytes) | add) \(map(.k.used_bytes) | add) [\([.[].in[] | select(.kind == "buffer") | .id] | join(","))] \([.[].in[] | select(.kind == "pool") | .bytes] | add) \(all(([.in[].bytes] | add) == .k.bytes))"' <<<"$json"
	assert_output "$((4 * M)) $M [$d] $((3 * M)) true"
	run -0 jq -r '.outside | length' <<<"$json"
	assert_output 0
	run -0 jq -r '.areas[] | .chunks[] | "\(.start) \(.offset) \(.bytes) \(.used_bytes)"' <<<"$json"
	while read -r start off bytes used; do
		printf -v row 'chunk\t0x%x\t0x%x\t%s\t%s' "$start" "$off" "$bytes" "$used"
		want+=("$row")
	done <<<"$output"
	run_cmamem 0 map -o "$svg"
	run -0 target_run xmllint --xpath "$(svg_xpath data-start data-offset data-bytes data-used-bytes)" "$svg"
	run -0 awk '$1 == "chunk"' < <(svg_rows data-kind data-start data-offset data-bytes data-used-bytes <<<"$output")
	assert_output "$(printf '%s\n' "${want[@]}")"
}

@test "not root: exit 4, and what to do" {
	run as_user 1000 "$CMAMEM_BIN" map --json
	assert_failure 4
	assert_output "cmamem: map: cannot read /sys/kernel/debug/cma: Permission denied (CMA's and cma_mem's debugfs files are root's: run cmamem map as root)"
}
