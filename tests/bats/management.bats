#!/usr/bin/env bats
# The management interface (issue 4): the debugfs buffer table and stats,
# the sysfs limits and their errnos (ENOSPC for the device-wide limits,
# EDQUOT for the per-uid quota), the fault injection points, the limits as
# module parameters, and the CLI's stats, limits and list --all.
# The device is 0666 for this suite, so that two other uids can use it.

load test_helper/common
load test_helper/buffers

: "${CMAMEM_SYSFS:=/sys/class/misc/cma_mem}"
LIMITS=(max_total_bytes max_buffer_bytes max_buffers max_bytes_per_uid)
UID_A=1000
UID_B=1001

setup_file() {
	common_setup_file
	target_run chmod 0666 "$CMAMEM_DEV"
}

teardown_file() {
	target_run chmod 0660 "$CMAMEM_DEV"
	common_teardown_file
}

setup() { common_setup; }

# Whatever a test did, the next one starts with no limits and no faults.
teardown() {
	local l f
	for l in "${LIMITS[@]}"; do
		target_sh "echo 0 >$CMAMEM_SYSFS/$l"
	done
	for f in fail_alloc fail_map fail_export; do
		target_sh "echo 0 >$CMAMEM_DEBUGFS/$f/probability; echo 1 >$CMAMEM_DEBUGFS/$f/times"
	done
	free_tracked
	common_teardown
}

# stat_of KEY: one value of the debugfs stats file.
stat_of() {
	target_sh "awk '\$1 == \"$1\" { print \$2; found = 1 } END { exit !found }' $CMAMEM_DEBUGFS/stats"
}

# The sum of the latency histogram's buckets.
latency_total() {
	target_sh "awk '/^latency_us_/ { n += \$2 } END { print n }' $CMAMEM_DEBUGFS/stats"
}

# row ID: buffer ID's line of the debugfs table.
row() {
	target_sh "awk '\$1 == $1' $CMAMEM_DEBUGFS/buffers"
}

sysfs() {
	target_run cat "$CMAMEM_SYSFS/$1"
}

set_limit() {
	target_sh "echo $2 >$CMAMEM_SYSFS/$1"
}

# arm FAULT: the next call through that fault point fails, once.
arm() {
	target_sh "cd $CMAMEM_DEBUGFS/$1 && echo 0 >verbose && echo 1 >times && echo 100 >probability"
}

@test "debugfs and sysfs files exist with root-only modes" {
	run target_run stat -c '%n %a' "$CMAMEM_DEBUGFS/buffers" "$CMAMEM_DEBUGFS/stats" \
		"$CMAMEM_SYSFS/max_total_bytes" "$CMAMEM_SYSFS/max_buffer_bytes" \
		"$CMAMEM_SYSFS/max_buffers" "$CMAMEM_SYSFS/max_bytes_per_uid" \
		"$CMAMEM_SYSFS/used_bytes" "$CMAMEM_SYSFS/buffers" "$CMAMEM_SYSFS/peak_bytes"
	assert_success
	assert_output "$CMAMEM_DEBUGFS/buffers 400
$CMAMEM_DEBUGFS/stats 400
$CMAMEM_SYSFS/max_total_bytes 644
$CMAMEM_SYSFS/max_buffer_bytes 644
$CMAMEM_SYSFS/max_buffers 644
$CMAMEM_SYSFS/max_bytes_per_uid 644
$CMAMEM_SYSFS/used_bytes 444
$CMAMEM_SYSFS/buffers 444
$CMAMEM_SYSFS/peak_bytes 444"
	for f in fail_alloc fail_map fail_export; do
		target_run test -f "$CMAMEM_DEBUGFS/$f/probability"
	done
	for l in "${LIMITS[@]}"; do
		[ "$(sysfs "$l")" = 0 ] || fail "$l is $(sysfs "$l"), not 0 (no limit)"
	done
}

@test "table and stats match a scripted sequence, column by column" {
	local allocs0 frees0 used0 bufs0 lat0 a b c now
	allocs0=$(stat_of allocs)
	frees0=$(stat_of frees)
	used0=$(stat_of used_bytes)
	bufs0=$(stat_of buffers)
	lat0=$(latency_total)
	[ "$used0" = "$(sysfs used_bytes)" ] || fail "stats and sysfs disagree on used_bytes"

	track_alloc 64K --name mg-a --cache cached
	a=$output
	track_alloc 8K
	b=$output
	track_alloc 12K --name mg-c --cache uncached
	c=$output
	run_cmamem 0 free "$b"

	run row "$a"
	[[ $output =~ ^$a\ mg-a\ 65536\ cached\ 0x[0-9a-f]{16}\ 0\ [0-9]+\ cmamem\ [0-9]+\ 1\ 0\ 0\ 1\ 0\ live$ ]] ||
		fail "row of $a: '$output'"
	# The DMA address is the one INFO gives root.
	local dma
	dma=$(echo "$output" | cut -d' ' -f5)
	run_cmamem 0 info "$a"
	assert_line "$(printf 'dma_addr: 0x%x' "$dma")"
	[ "$((dma))" -ne 0 ] || fail "DMA address 0 in the table"
	run row "$c"
	[[ $output =~ ^$c\ mg-c\ 12288\ uncached\ 0x[0-9a-f]{16}\ 0\ [0-9]+\ cmamem\ [0-9]+\ 1\ 0\ 0\ 1\ 0\ live$ ]] ||
		fail "row of $c: '$output'"
	run row "$b"
	assert_output ""

	[ "$(stat_of allocs)" -eq $((allocs0 + 3)) ] || fail "allocs $(stat_of allocs), expected $((allocs0 + 3))"
	[ "$(stat_of frees)" -eq $((frees0 + 1)) ] || fail "frees $(stat_of frees), expected $((frees0 + 1))"
	[ "$(stat_of used_bytes)" -eq $((used0 + 65536 + 12288)) ] || fail "used_bytes $(stat_of used_bytes)"
	[ "$(sysfs used_bytes)" -eq $((used0 + 65536 + 12288)) ] || fail "sysfs used_bytes $(sysfs used_bytes)"
	[ "$(stat_of buffers)" -eq $((bufs0 + 2)) ] || fail "buffers $(stat_of buffers)"
	[ "$(sysfs buffers)" -eq $((bufs0 + 2)) ] || fail "sysfs buffers $(sysfs buffers)"
	[ "$(latency_total)" -eq $((lat0 + 3)) ] || fail "latency histogram holds $(latency_total), expected $((lat0 + 3))"
	[ "$(stat_of peak_bytes)" -ge $((used0 + 65536 + 8192 + 12288)) ] || fail "peak_bytes $(stat_of peak_bytes)"
	[ "$(stat_of peak_bytes)" = "$(sysfs peak_bytes)" ] || fail "stats and sysfs disagree on peak_bytes"
	[ "$(stat_of largest_bytes)" -ge 65536 ] || fail "largest_bytes $(stat_of largest_bytes)"
	[ "$(stat_of latency_max_us)" -gt 0 ] || fail "latency_max_us is 0"

	# Freed but exported: the table keeps it, as freed-exported.
	run target_run "$CMAMEM_BIN" export "$c" -- sh -c \
		"'$CMAMEM_BIN' free $c && awk '\$1 == $c' $CMAMEM_DEBUGFS/buffers"
	assert_success
	[[ $output =~ ^$c\ mg-c\ 12288\ uncached\ 0x[0-9a-f]{16}\ 0\ [0-9]+\ cmamem\ [0-9]+\ 1\ 0\ 0\ 0\ 1\ freed-exported$ ]] ||
		fail "row of exported, freed $c: '$output'"
	run_cmamem 0 free "$a"
	now=$(stat_of frees)
	[ "$now" -eq $((frees0 + 3)) ] || fail "frees $now, expected $((frees0 + 3))"
	[ "$(stat_of used_bytes)" -eq "$used0" ] || fail "used_bytes $(stat_of used_bytes), expected $used0"
}

@test "a bad argument counts as failed_bad_arg" {
	local before
	before=$(stat_of failed_bad_arg)
	run_helper 0 mgmt bad-arg
	[ "$(stat_of failed_bad_arg)" -eq $((before + 1)) ] || fail "failed_bad_arg $(stat_of failed_bad_arg)"
}

@test "max_total_bytes: ENOSPC, exit 5, message; counted as over_limit" {
	local used over
	used=$(sysfs used_bytes)
	over=$(stat_of failed_over_limit)
	set_limit max_total_bytes $((used + 65536))
	track_alloc 32K
	track_alloc 32K
	run_cmamem 5 alloc 4K
	assert_output --partial "No space left on device"
	[ "$(stat_of failed_over_limit)" -eq $((over + 1)) ] || fail "failed_over_limit $(stat_of failed_over_limit)"
	set_limit max_total_bytes 0
	track_alloc 4K
}

@test "max_buffer_bytes: one byte over is ENOSPC, exactly the limit works" {
	set_limit max_buffer_bytes 65536
	run_cmamem 5 alloc 65537
	assert_output --partial "No space left on device"
	track_alloc 64K
}

@test "max_buffers: ENOSPC at the count, a free makes room" {
	local n
	n=$(sysfs buffers)
	set_limit max_buffers $((n + 2))
	track_alloc 4K
	track_alloc 4K
	run_cmamem 5 alloc 4K
	assert_output --partial "No space left on device"
	run_cmamem 0 free "${CMAMEM_TRACKED[0]}"
	track_alloc 4K
}

@test "max_bytes_per_uid: EDQUOT for one uid, the other uid and root unaffected" {
	set_limit max_bytes_per_uid 65536
	run as_user $UID_A "$CMAMEM_BIN" alloc 64K
	assert_success
	CMAMEM_TRACKED+=("$output")
	run as_user $UID_A "$CMAMEM_BIN" alloc 4K
	[ "$status" -eq 5 ] || fail "uid $UID_A over quota: exit $status, output $output"
	assert_output --partial "Disk quota exceeded"
	run as_user $UID_B "$CMAMEM_BIN" alloc 64K
	assert_success
	CMAMEM_TRACKED+=("$output")
	run as_user $UID_B "$CMAMEM_BIN" alloc 4K
	[ "$status" -eq 5 ] || fail "uid $UID_B over quota: exit $status"
	track_alloc 64K
	# The quota follows the bytes back: a free gives uid A room again.
	run_cmamem 0 free "${CMAMEM_TRACKED[0]}"
	run as_user $UID_A "$CMAMEM_BIN" alloc 64K
	assert_success
	CMAMEM_TRACKED+=("$output")
	run row "$output"
	[[ $output == *" $UID_A "* ]] || fail "uid column of $UID_A's buffer: $output"
}

@test "lowering limits under current use keeps every buffer and its data" {
	local id sum
	track_alloc 64K
	id=$output
	track_alloc 64K
	run_cmamem 0 fill "$id" --random --seed 7
	run_cmamem 0 checksum "$id"
	sum=$output
	set_limit max_total_bytes 4096
	set_limit max_buffers 1
	set_limit max_buffer_bytes 4096
	set_limit max_bytes_per_uid 4096
	run_cmamem 5 alloc 4K
	run row "$id"
	[[ $output == *" live" ]] || fail "row of $id: $output"
	run_cmamem 0 checksum "$id"
	assert_output "$sum"
	[ "$(sysfs used_bytes)" -ge 131072 ] || fail "used_bytes $(sysfs used_bytes)"
}

@test "limits: range-checked, one value per file" {
	run target_sh "echo -1 >$CMAMEM_SYSFS/max_buffers"
	assert_failure
	run target_sh "echo 2147483648 >$CMAMEM_SYSFS/max_buffers"
	assert_failure
	run target_sh "echo 12abc >$CMAMEM_SYSFS/max_total_bytes"
	assert_failure
	run target_sh "echo 18446744073709551616 >$CMAMEM_SYSFS/max_total_bytes"
	assert_failure
	[ "$(sysfs max_buffers)" = 0 ] && [ "$(sysfs max_total_bytes)" = 0 ] ||
		fail "a refused write changed a limit"
	set_limit max_total_bytes 0x100000
	[ "$(sysfs max_total_bytes)" = 1048576 ] || fail "max_total_bytes reads $(sysfs max_total_bytes)"
	set_limit max_buffers 2147483647
	[ "$(sysfs max_buffers)" = 2147483647 ] || fail "max_buffers reads $(sysfs max_buffers)"
}

@test "non-root cannot write limits or read debugfs" {
	local l
	for l in "${LIMITS[@]}"; do
		run as_user $UID_A sh -c "echo 4096 >$CMAMEM_SYSFS/$l"
		assert_failure
		[ "$(sysfs "$l")" = 0 ] || fail "uid $UID_A changed $l"
	done
	run as_user $UID_A cat "$CMAMEM_DEBUGFS/buffers"
	assert_failure
	run as_user $UID_A cat "$CMAMEM_DEBUGFS/stats"
	assert_failure
	run as_user $UID_A cat "$CMAMEM_SYSFS/used_bytes"
	assert_success
}

@test "fail_alloc: ENOMEM once, nothing left behind, counted as nomem" {
	local nomem used
	nomem=$(stat_of failed_nomem)
	used=$(stat_of used_bytes)
	arm fail_alloc
	run_helper 0 mgmt fault-alloc
	[ "$(target_run cat "$CMAMEM_DEBUGFS/fail_alloc/times")" = 0 ] || fail "fail_alloc never fired"
	[ "$(stat_of failed_nomem)" -eq $((nomem + 1)) ] || fail "failed_nomem $(stat_of failed_nomem)"
	[ "$(stat_of used_bytes)" -eq "$used" ] || fail "used_bytes $(stat_of used_bytes), was $used"
	# Through the CLI: the error, its message, no buffer.
	arm fail_alloc
	run_cmamem 1 alloc 8K
	assert_output --partial "Cannot allocate memory"
	[ "$(stat_of used_bytes)" -eq "$used" ] || fail "used_bytes $(stat_of used_bytes), was $used"
}

@test "fail_map: mmap ENOMEM once, no mapping counted, the retry maps" {
	local used
	used=$(stat_of used_bytes)
	arm fail_map
	run_helper 0 mgmt fault-map
	[ "$(target_run cat "$CMAMEM_DEBUGFS/fail_map/times")" = 0 ] || fail "fail_map never fired"
	[ "$(stat_of used_bytes)" -eq "$used" ] || fail "used_bytes $(stat_of used_bytes), was $used"
}

@test "fail_export: EXPORT ENOMEM once, no export counted, the retry exports" {
	local used
	used=$(stat_of used_bytes)
	arm fail_export
	run_helper 0 mgmt fault-export
	[ "$(target_run cat "$CMAMEM_DEBUGFS/fail_export/times")" = 0 ] || fail "fail_export never fired"
	[ "$(stat_of used_bytes)" -eq "$used" ] || fail "used_bytes $(stat_of used_bytes), was $used"
}

@test "a 10,000-buffer table streams, every buffer once, in order" {
	run_helper 0 mgmt many 10000
	[[ $output == *", 10000 ours" ]] || fail "$output"
}

@test "module parameters set the limits at load time" {
	local ko=$CMAMEM_TARGET_REPO/build/kmod-${CMAMEM_KVER:-6.1}-debug/cma_mem.ko
	[ "$(buffer_count)" -eq 0 ] || skip "buffers from earlier suites are alive: cannot reload"
	target_run test -f "$ko"
	target_run rmmod cma_mem
	run target_run insmod "$ko" max_total_bytes=1048576 max_buffer_bytes=262144 \
		max_buffers=3 max_bytes_per_uid=524288
	if [ "$status" -ne 0 ]; then
		target_run insmod "$ko"
		fail "insmod with limits: $output"
	fi
	run target_sh "cd $CMAMEM_SYSFS && cat max_total_bytes max_buffer_bytes max_buffers max_bytes_per_uid"
	local got=$output
	run target_sh "cat /sys/module/cma_mem/parameters/max_buffers"
	local param=$output
	run_cmamem 5 alloc 512K
	local big=$status
	target_run chmod 0666 "$CMAMEM_DEV"
	target_run rmmod cma_mem
	target_run insmod "$ko"
	target_run chmod 0666 "$CMAMEM_DEV"
	[ "$got" = $'1048576\n262144\n3\n524288' ] || fail "limits after insmod: $got"
	[ "$param" = 3 ] || fail "parameter max_buffers reads $param"
	[ "$big" = 5 ] || fail "512K over max_buffer_bytes: exit $big"
	for l in "${LIMITS[@]}"; do
		[ "$(sysfs "$l")" = 0 ] || fail "$l is $(sysfs "$l") after a plain insmod"
	done
}
