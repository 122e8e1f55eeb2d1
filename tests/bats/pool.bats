#!/usr/bin/env bats
# The pool: chunks reserved from CMA ahead of time, sub-allocated
# with genalloc, resized through sysfs pool_bytes, zeroed in the background.
# Each test sizes the pool itself and leaves it at 0, so that CmaFree is back
# at the suite's baseline; teardown does that whatever happened.

load test_helper/common
load test_helper/buffers

ZERO_SHA_1M=$(head -c 1048576 /dev/zero | sha256sum | cut -d' ' -f1)

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }

teardown() {
	target_sh "echo 0 >$CMAMEM_DEBUGFS/pool_zero_paused; echo 0 >$CMAMEM_SYSFS/max_buffer_bytes"
	free_tracked
	target_sh "echo 0 >$CMAMEM_SYSFS/pool_bytes"
	common_teardown
}

# pool_value NAME: one of the pool's sysfs files.
pool_value() {
	target_run cat "$CMAMEM_SYSFS/$1"
}

# resize SIZE: the pool must become exactly SIZE bytes.
resize() {
	run_cmamem 0 pool --resize "$1" || return
	[ "$(pool_value pool_bytes)" -eq "$2" ] ||
		fail "pool --resize $1: pool_bytes is $(pool_value pool_bytes), not $2"
}

# source_of ID: pool or cma, from INFO.
source_of() {
	target_run "$CMAMEM_BIN" info "$1" | awk '$1 == "source:" { print $2 }'
}

@test "pool shows the sysfs files; --resize grows it from CMA; --json" {
	local before after
	before=$(cma_free_kb)
	resize 8M 8388608
	after=$(cma_free_kb)
	# The pool's memory is CMA's: CmaFree goes down by what the pool took.
	[ $((before - after)) -ge $((8192 - CMAMEM_CMA_SLACK_KB)) ] || fail "CmaFree $before kB, $after kB with an 8M pool"
	run_cmamem 0 pool
	assert_line "pool_bytes: 8388608 (8M)"
	assert_line "pool_used_bytes: 0"
	assert_line "pool_free_bytes: 8388608 (8M)"
	assert_line "pool_largest_free: 8388608 (8M)"
	assert_line "pool_clean_bytes: 8388608 (8M)"
	track_alloc 1M --from pool
	run_cmamem 0 pool --json
	assert_output '{"pool_bytes":8388608,"pool_used_bytes":1048576,"pool_free_bytes":7340032,"pool_largest_free":7340032,"pool_clean_bytes":7340032}'
	run target_run stat -c '%n %a' "$CMAMEM_SYSFS"/pool_{bytes,used_bytes,free_bytes,largest_free,clean_bytes} \
		"$CMAMEM_DEBUGFS/pool_zero_paused"
	assert_output "$(printf '%s\n' "$CMAMEM_SYSFS/pool_bytes 644" "$CMAMEM_SYSFS/pool_used_bytes 444" \
		"$CMAMEM_SYSFS/pool_free_bytes 444" "$CMAMEM_SYSFS/pool_largest_free 444" \
		"$CMAMEM_SYSFS/pool_clean_bytes 444" "$CMAMEM_DEBUGFS/pool_zero_paused 600")"
	# Not root: the sysfs file is 0644.
	run as_user 1000 "$CMAMEM_BIN" pool --resize 4M
	[ "$status" -eq 4 ] || fail "non-root resize: exit $status, $output"
	[ "$(pool_value pool_bytes)" -eq 8388608 ]
}

@test "debugfs pool_chunks: a line per chunk, the sizes add up to pool_bytes, used_bytes follows the buffers" {
	local a dma line addr size used sum=0 n=0
	resize 8M 8388608
	resize 12M 12582912
	track_alloc 1M --from pool
	a=$output
	run_cmamem 0 info "$a" --json
	[[ $output =~ \"dma_addr\":([0-9]+) ]] || fail "no dma_addr in $output"
	dma=${BASH_REMATCH[1]}
	run target_run cat "$CMAMEM_DEBUGFS/pool_chunks"
	assert_line -n 0 "dma_addr size used_bytes"
	# Two resizes, two chunks at least; the buffer's is 1M used.
	[ "${#lines[@]}" -ge 3 ] || fail "fewer than two chunks: $output"
	for line in "${lines[@]:1}"; do
		read -r addr size used <<<"$line"
		[[ $addr =~ ^0x[0-9a-f]+$ ]] || fail "dma_addr '$addr' in '$line'"
		if ((dma >= addr && dma < addr + size)); then
			n=$((n + 1))
			[ "$used" -eq 1048576 ] || fail "the buffer's chunk: '$line'"
		else
			[ "$used" -eq 0 ] || fail "a chunk without the buffer: '$line'"
		fi
		sum=$((sum + size))
	done
	[ "$n" -eq 1 ] || fail "the buffer at $dma is in $n chunks: $output"
	[ "$sum" -eq 12582912 ] || fail "the chunks add up to $sum bytes: $output"
	run_cmamem 0 free "$a"
	run target_sh "awk 'NR > 1 { s += \$3 } END { print s }' $CMAMEM_DEBUGFS/pool_chunks"
	assert_output 0
}

@test "exhaustion: auto falls back to CMA, --from pool fails with ENOMEM, --from cma skips the pool" {
	local fb0 p0 c0 a b c d
	resize 4M 4194304
	fb0=$(stat_value pool_fallbacks)
	p0=$(stat_value allocs_pool)
	c0=$(stat_value allocs_cma)
	track_alloc 2M --from pool
	a=$output
	track_alloc 2M
	b=$output
	[ "$(source_of "$a")" = pool ] || fail "$a: $(source_of "$a")"
	[ "$(source_of "$b")" = pool ] || fail "$b: $(source_of "$b")"
	[ "$(pool_value pool_free_bytes)" -eq 0 ]
	# Full: the default falls back to CMA and counts it.
	track_alloc 1M
	c=$output
	[ "$(source_of "$c")" = cma ] || fail "$c: $(source_of "$c")"
	[ "$(stat_value pool_fallbacks)" -eq $((fb0 + 1)) ]
	# --from pool fails cleanly, and leaves nothing behind.
	run_cmamem 1 alloc 1M --from pool
	assert_output "cmamem: alloc 1M --from pool: the pool's largest free extent is 0, of 4M (use --from auto to fall back to CMA, or as root: cmamem pool --resize 5M)"
	# --from cma never touches the pool, and is no fallback.
	run_cmamem 0 free "$a"
	track_alloc 1M --from cma
	d=$output
	[ "$(source_of "$d")" = cma ] || fail "$d: $(source_of "$d")"
	[ "$(pool_value pool_used_bytes)" -eq 2097152 ]
	[ "$(stat_value pool_fallbacks)" -eq $((fb0 + 1)) ]
	[ "$(stat_value allocs_pool)" -eq $((p0 + 2)) ]
	[ "$(stat_value allocs_cma)" -eq $((c0 + 2)) ]
	# The source is in INFO --json, list -v and the debugfs table.
	run_cmamem 0 info "$b" --json
	assert_output --partial '"source":"pool"'
	# The source, the 15th column.
	run target_sh "awk '\$1 == $b { print \$15 } \$1 == $d { print \$15 }' $CMAMEM_DEBUGFS/buffers"
	assert_output "$(printf '%s\n' pool cma)"
}

@test "fragmentation: freed neighbours merge, and a large buffer fits only then" {
	local ids=() i addr0 big
	resize 8M 8388608
	for i in 0 1 2 3 4 5 6 7; do
		track_alloc 1M --from pool
		ids+=("$output")
	done
	addr0=$(target_run "$CMAMEM_BIN" info "${ids[0]}" --json | grep -o '"dma_addr":[0-9]*,')
	# Every other one: 4M free, but no two pages of it adjacent.
	for i in 0 2 4 6; do
		run_cmamem 0 free "${ids[$i]}"
	done
	[ "$(pool_value pool_free_bytes)" -eq 4194304 ]
	[ "$(pool_value pool_largest_free)" -eq 1048576 ]
	run_cmamem 1 alloc 2M --from pool
	# Free the ones between: 0 to 4 are one 5M extent once merged.
	run_cmamem 0 free "${ids[1]}"
	run_cmamem 0 free "${ids[3]}"
	[ "$(pool_value pool_largest_free)" -eq 5242880 ]
	track_alloc 5M --from pool
	big=$output
	[ "$(source_of "$big")" = pool ]
	run_cmamem 0 info "$big" --json
	assert_output --partial "$addr0"
	run_cmamem 0 checksum "$big" --length 1M
	assert_output "$ZERO_SHA_1M"
}

@test "resize with live buffers: grow, shrink around them (EBUSY, how much), then to 0" {
	local a sum
	resize 4M 4194304
	track_alloc 1M --from pool --name pool-live
	a=$output
	run_cmamem 0 fill "$a" --random --seed 3
	run_cmamem 0 checksum "$a"
	sum=$output
	resize 12M 12582912
	[ "$(pool_value pool_used_bytes)" -eq 1048576 ]
	# The 8M chunk is unused and goes; the 4M one holds the buffer.
	run_cmamem 1 pool --resize 0
	assert_output --partial "could not free 4194304 bytes"
	assert_output --partial "pool_bytes: 4194304 (4M)"
	[ "$(pool_value pool_bytes)" -eq 4194304 ]
	run_cmamem 0 checksum "$a"
	assert_output "$sum"
	# Shrinking part of an unused chunk: freed and the rest regrown.
	run_cmamem 0 free "$a"
	resize 2M 2097152
	resize 0 0
	run_cmamem 0 pool --json
	assert_output '{"pool_bytes":0,"pool_used_bytes":0,"pool_free_bytes":0,"pool_largest_free":0,"pool_clean_bytes":0}'
	# No pool: --from pool fails, the default is CMA and no fallback.
	run_cmamem 1 alloc 4K --from pool
}

@test "no dirty data: a buffer freed and reallocated before the background zeroing reads zeros" {
	local c a inl0
	resize 1M 1048576
	target_sh "echo 1 >$CMAMEM_DEBUGFS/pool_zero_paused"
	for c in wc uncached cached; do
		track_alloc 1M --from pool --cache "$c"
		a=$output
		run_cmamem 0 fill "$a" --pattern 0xa5
		run_cmamem 0 free "$a"
		# The only free space is dirty: freed, not yet zeroed.
		[ "$(pool_value pool_clean_bytes)" -eq 0 ] || fail "$c: clean $(pool_value pool_clean_bytes)"
		[ "$(pool_value pool_free_bytes)" -eq 1048576 ]
		inl0=$(stat_value pool_zeroed_inline_bytes)
		track_alloc 1M --from pool --cache "$c"
		a=$output
		run_cmamem 0 checksum "$a"
		assert_output "$ZERO_SHA_1M"
		# The allocation zeroed it itself.
		[ "$(stat_value pool_zeroed_inline_bytes)" -eq $((inl0 + 1048576)) ]
		run_cmamem 0 free "$a"
	done
	# And the same in one process, the allocation right after the free.
	run_helper 0 touch-all --dirty --cache wc,uncached,cached 1M
	assert_output --partial "reused"
}

@test "reading the pool's files has no side effects: dirty extents stay dirty, and count as free in pool_largest_free" {
	local a inl0 bg0
	resize 4M 4194304
	target_sh "echo 1 >$CMAMEM_DEBUGFS/pool_zero_paused"
	track_alloc 1M --from pool
	a=$output
	track_alloc 1M --from pool
	run_cmamem 0 fill "$a" --pattern 0xa5
	run_cmamem 0 free "$a"
	inl0=$(stat_value pool_zeroed_inline_bytes)
	bg0=$(stat_value pool_zeroed_background_bytes)
	# The freed 1M is dirty; the live buffer lies between it and the 2M
	# that is clean. Read as root and as another uid: nothing may be
	# zeroed.
	run target_sh "cat $CMAMEM_SYSFS/pool_largest_free $CMAMEM_SYSFS/pool_clean_bytes
		setpriv --reuid=1000 --regid=1000 --clear-groups cat $CMAMEM_SYSFS/pool_largest_free $CMAMEM_SYSFS/pool_clean_bytes"
	assert_output "$(printf '%s\n' 2097152 2097152 2097152 2097152)"
	[ "$(stat_value pool_zeroed_inline_bytes)" -eq "$inl0" ] || fail "a read zeroed $(($(stat_value pool_zeroed_inline_bytes) - inl0)) bytes"
	[ "$(stat_value pool_zeroed_background_bytes)" -eq "$bg0" ]
	[ "$(pool_value pool_free_bytes)" -eq 3145728 ]
	# Dirty space counts: freeing the live buffer makes the whole pool
	# the largest free run, with only 2M of it clean.
	run_cmamem 0 free "${CMAMEM_TRACKED[1]}"
	[ "$(pool_value pool_largest_free)" -eq 4194304 ]
	[ "$(pool_value pool_clean_bytes)" -eq 2097152 ]
	# And an allocation of all of it zeroes the dirty part itself.
	track_alloc 4M --from pool
	run_cmamem 0 checksum "$output" --length 1M
	assert_output "$ZERO_SHA_1M"
	[ "$(stat_value pool_zeroed_inline_bytes)" -eq $((inl0 + 2097152)) ]
}

@test "two allocations racing for a dirty pool: one zeroes, the other waits for it, neither gets ENOMEM (200 rounds)" {
	resize 64M 67108864
	target_sh "echo 1 >$CMAMEM_DEBUGFS/pool_zero_paused"
	run_helper 0 pool concurrent 200 $((64 << 20)) $((16 << 20))
	assert_output "concurrent: 200 rounds, 400 allocations from a dirty pool, 0 failed"
	[ "$(pool_value pool_used_bytes)" -eq 0 ]
}

@test "pooled buffers keep the buffer rules: mappings, zeroing, fork, legacy ABI, limits, dma-buf" {
	local p0 c0
	resize 64M 67108864
	p0=$(stat_value allocs_pool)
	c0=$(stat_value allocs_cma)
	run_helper 0 touch-all --cache wc,uncached,cached 4K 1M 16M
	run_helper 0 map-lifecycle close-while-mapped
	run_helper 0 map-lifecycle fork
	run_helper 0 map-lifecycle partial
	run_helper 0 map-lifecycle munmap-hole
	run_helper 0 legacy-abi old-app
	run_helper 0 dmabuf-abi export
	# Every one of those buffers came from the pool.
	[ "$(stat_value allocs_cma)" -eq "$c0" ] || fail "$(($(stat_value allocs_cma) - c0)) from CMA"
	[ "$(stat_value allocs_pool)" -gt $((p0 + 10)) ] || fail "only $(($(stat_value allocs_pool) - p0)) from the pool"
	# The limits count pooled buffers.
	target_sh "echo 1048576 >$CMAMEM_SYSFS/max_buffer_bytes"
	run_cmamem 5 alloc 2M --from pool
	[ "$(pool_value pool_used_bytes)" -eq 0 ]
}

@test "a pooled buffer whose pages a pipe holds stays out of the pool until the pipe lets go" {
	resize 4M 4194304
	run_helper 0 zerocopy pool-pin 4194304
	assert_output "pool-pin: 4194304 bytes freed-pinned while in a pipe, back to the pool after"
}

@test "rmmod with a pool_size= pool and live persistent pooled buffers: CMA gets every page back, then reload" {
	local ko=$CMAMEM_TARGET_REPO/build/kmod-${CMAMEM_KVER:-6.1}-debug/cma_mem.ko mark got
	[ "$(buffer_count)" -eq 0 ] || fail "buffers from earlier suites are alive, so the module cannot be reloaded"
	target_run test -f "$ko"
	mark=$(cma_mark)
	# One guest shell: reload with a pool, make persistent buffers (one
	# dirty), unload, measure, reload with the defaults whatever happened.
	run target_sh "rmmod cma_mem && insmod '$ko' pool_size=16M || exit 9
		cat $CMAMEM_SYSFS/pool_bytes /sys/module/cma_mem/parameters/pool_size
		a=\$('$CMAMEM_BIN' alloc 4M --from pool) && '$CMAMEM_BIN' fill \$a --pattern 7 &&
		b=\$('$CMAMEM_BIN' alloc 1M --from pool --cache cached) &&
		c=\$('$CMAMEM_BIN' alloc 1M --from pool) && '$CMAMEM_BIN' free \$c &&
		'$CMAMEM_BIN' info \$b | grep source:
		rmmod cma_mem; echo rmmod=\$?
		insmod '$ko'"
	got=$output
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko"
	[ "$status" -eq 0 ] || fail "reload: exit $status: $got"
	[[ $got == $'16777216\n16777216\nsource: pool\nrmmod=0' ]] || fail "$got"
	# The pool's chunk and the buffers are all back with CMA (measured with
	# the default module, which has no pool).
	assert_cma_back "$mark" "after rmmod and a reload"
	[ "$(pool_value pool_bytes)" -eq 0 ]
	target_sh "echo scan >/sys/kernel/debug/kmemleak; cat /sys/kernel/debug/kmemleak" >"$BATS_TEST_TMPDIR/leaks"
	[ ! -s "$BATS_TEST_TMPDIR/leaks" ] || fail "kmemleak: $(cat "$BATS_TEST_TMPDIR/leaks")"
}

@test "pool_size= that CMA cannot give loads anyway, with the part it got and a warning" {
	local ko=$CMAMEM_TARGET_REPO/build/kmod-${CMAMEM_KVER:-6.1}-debug/cma_mem.ko got
	[ "$(buffer_count)" -eq 0 ] || fail "buffers are alive, so the module cannot be reloaded"
	run target_sh "rmmod cma_mem && insmod '$ko' pool_size=1G || exit 9
		cat $CMAMEM_SYSFS/pool_bytes; rmmod cma_mem; insmod '$ko'"
	got=$output
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko"
	[ "$status" -eq 0 ] || fail "reload: exit $status: $got"
	# The guest's CMA area is 256M: the pool got less than 1G but something.
	[ "$got" -lt 1073741824 ] && [ "$got" -gt 0 ] || fail "pool_bytes $got"
	run target_sh "dmesg | grep -c 'pool: got [0-9]* of the 1073741824 bytes of pool_size'"
	[ "$output" -ge 1 ]
}
