#!/usr/bin/env bats
# The management interface: the debugfs buffer table and stats,
# the sysfs limits and their errnos (ENOSPC for the device-wide limits,
# EDQUOT for the per-uid quota), the fault injection points, the limits as
# module parameters, and the CLI's stats, limits and list --all.

load test_helper/common
load test_helper/other_users
load test_helper/buffers

UID_A=1000
UID_B=1001


# Whatever a test did, the next one starts with no limits and no faults.
# Few processes: each costs a second or so in the debug guest.
teardown() {
	local f cmd
	cmd=$(limits_off)
	for f in fail_alloc fail_map fail_export; do
		cmd+="echo 0 >$CMAMEM_DEBUGFS/$f/probability; echo 1 >$CMAMEM_DEBUGFS/$f/times; "
	done
	target_sh "$cmd"
	free_tracked
	common_teardown
}

# read_stats: the debugfs stats file into ST[key]; ST[latency_total] is the
# sum of the latency histogram's buckets.
declare -gA ST
read_stats() {
	local k v
	ST=([latency_total]=0)
	while read -r k v; do
		ST[$k]=$v
		[[ $k != latency_us_* ]] || ST[latency_total]=$((ST[latency_total] + v))
	done < <(target_run cat "$CMAMEM_DEBUGFS/stats")
}

# read_sysfs: every sysfs file of the device into SY[name].
declare -gA SY
read_sysfs() {
	local f v
	SY=()
	while IFS=: read -r f v; do
		SY[${f##*/}]=$v
	done < <(target_run grep -H . "${LIMITS[@]/#/$CMAMEM_SYSFS/}" \
		"$CMAMEM_SYSFS/used_bytes" "$CMAMEM_SYSFS/buffers" "$CMAMEM_SYSFS/peak_bytes")
}

# expect ARRAY KEY VALUE: ARRAY[KEY] is VALUE.
expect() {
	local -n arr=$1
	[ "${arr[$2]}" = "$3" ] || fail "$2 is '${arr[$2]}', expected '$3'"
}

# read_table: the debugfs buffer table into ROW[id].
declare -gA ROW
read_table() {
	local line
	ROW=()
	while read -r line; do
		ROW[${line%% *}]=$line
	done < <(target_run cat "$CMAMEM_DEBUGFS/buffers")
}

sysfs() {
	target_run cat "$CMAMEM_SYSFS/$1"
}

set_limit() {
	target_sh "echo $2 >$CMAMEM_SYSFS/$1"
}

# human_size BYTES: a size as the CLI's messages write it, in the largest
# unit that is exact (src/cli/size.c, human()).
human_size() {
	local v=$1 u=0 units=("" K M G T)
	while ((v >= 1024 && v % 1024 == 0 && u < 4)); do
		v=$((v / 1024))
		u=$((u + 1))
	done
	echo "$v${units[u]}"
}

# arm FAULT: the next call through that fault point fails, once.
arm() {
	target_sh "cd $CMAMEM_DEBUGFS/$1 && echo 0 >verbose && echo 1 >times && echo 100 >probability"
}

@test "debugfs and sysfs files exist with root-only modes; no limits by default" {
	run target_run stat -c '%n %a' "$CMAMEM_DEBUGFS/buffers" "$CMAMEM_DEBUGFS/stats" \
		"$CMAMEM_DEBUGFS/refusals" "$CMAMEM_DEBUGFS/pool_chunks" \
		"${LIMITS[@]/#/$CMAMEM_SYSFS/}" \
		"$CMAMEM_SYSFS/used_bytes" "$CMAMEM_SYSFS/buffers" "$CMAMEM_SYSFS/peak_bytes" \
		"$CMAMEM_DEBUGFS/fail_alloc/probability" "$CMAMEM_DEBUGFS/fail_map/probability" \
		"$CMAMEM_DEBUGFS/fail_export/probability"
	assert_success
	assert_output "$CMAMEM_DEBUGFS/buffers 400
$CMAMEM_DEBUGFS/stats 400
$CMAMEM_DEBUGFS/refusals 400
$CMAMEM_DEBUGFS/pool_chunks 400
$CMAMEM_SYSFS/max_total_bytes 644
$CMAMEM_SYSFS/max_buffer_bytes 644
$CMAMEM_SYSFS/max_buffers 644
$CMAMEM_SYSFS/max_bytes_per_uid 644
$CMAMEM_SYSFS/used_bytes 444
$CMAMEM_SYSFS/buffers 444
$CMAMEM_SYSFS/peak_bytes 444
$CMAMEM_DEBUGFS/fail_alloc/probability 600
$CMAMEM_DEBUGFS/fail_map/probability 600
$CMAMEM_DEBUGFS/fail_export/probability 600"
	read_sysfs
	for l in "${LIMITS[@]}"; do
		expect SY "$l" 0
	done
}

@test "table and stats match a scripted sequence, column by column" {
	local a b c dma eff
	read_stats
	local -A st0
	for k in "${!ST[@]}"; do st0[$k]=${ST[$k]}; done
	read_sysfs
	expect SY used_bytes "${st0[used_bytes]}"

	track_alloc 64K --name mg-a --cache cached
	a=$output
	track_alloc 8K
	b=$output
	track_alloc 12K --name mg-c --cache uncached
	c=$output
	run_cmamem 0 free "$b"

	eff=$(effective_cache uncached)
	read_table
	[[ ${ROW[id]} == "id name size cache dma_addr uid pid comm age_ms refs handles mappings persist exports source state effective holders region" ]] ||
		fail "header: ${ROW[id]}"
	[[ ${ROW[$a]} =~ ^$a\ mg-a\ 65536\ cached\ 0x[0-9a-f]{16}\ 0\ [0-9]+\ cmamem\ [0-9]+\ 1\ 0\ 0\ 1\ 0\ cma\ live\ cached\ -\ default$ ]] ||
		fail "row of $a: '${ROW[$a]}'"
	[[ ${ROW[$c]} =~ ^$c\ mg-c\ 12288\ uncached\ 0x[0-9a-f]{16}\ 0\ [0-9]+\ cmamem\ [0-9]+\ 1\ 0\ 0\ 1\ 0\ cma\ live\ $eff\ -\ default$ ]] ||
		fail "row of $c: '${ROW[$c]}'"
	[ -z "${ROW[$b]:-}" ] || fail "freed $b is still in the table: ${ROW[$b]}"
	# The DMA address is the one INFO gives root.
	dma=$(echo "${ROW[$a]}" | cut -d' ' -f5)
	[ "$((dma))" -ne 0 ] || fail "DMA address 0 in the table"
	run_cmamem 0 info "$a"
	assert_line "$(printf 'dma_addr: 0x%x' "$dma")"

	read_stats
	expect ST allocs $((st0[allocs] + 3))
	expect ST frees $((st0[frees] + 1))
	expect ST used_bytes $((st0[used_bytes] + 65536 + 12288))
	expect ST buffers $((st0[buffers] + 2))
	expect ST latency_total $((st0[latency_total] + 3))
	expect ST failed_nomem "${st0[failed_nomem]}"
	expect ST failed_over_limit "${st0[failed_over_limit]}"
	expect ST failed_bad_arg "${st0[failed_bad_arg]}"
	[ "${ST[peak_bytes]}" -ge $((st0[used_bytes] + 65536 + 8192 + 12288)) ] || fail "peak_bytes ${ST[peak_bytes]}"
	[ "${ST[largest_bytes]}" -ge 65536 ] || fail "largest_bytes ${ST[largest_bytes]}"
	[ "${ST[latency_max_us]}" -gt 0 ] || fail "latency_max_us is 0"
	read_sysfs
	expect SY used_bytes "${ST[used_bytes]}"
	expect SY buffers "${ST[buffers]}"
	expect SY peak_bytes "${ST[peak_bytes]}"

	# Freed while exported: the table keeps it, as freed-exported.
	run target_run "$CMAMEM_BIN" export "$c" -- sh -c \
		"'$CMAMEM_BIN' free $c && grep '^$c ' $CMAMEM_DEBUGFS/buffers"
	assert_success
	[[ $output =~ ^$c\ mg-c\ 12288\ uncached\ 0x[0-9a-f]{16}\ 0\ [0-9]+\ cmamem\ [0-9]+\ 1\ 0\ 0\ 0\ 1\ cma\ freed-exported\ $eff\ [0-9]+:export[0-9a-z:+,]*\ default$ ]] ||
		fail "row of exported, freed $c: '$output'"
	run_cmamem 0 free "$a"
	read_stats
	expect ST frees $((st0[frees] + 3))
	expect ST used_bytes "${st0[used_bytes]}"
	expect ST buffers "${st0[buffers]}"
}

@test "a bad argument counts as failed_bad_arg" {
	local before
	read_stats
	before=${ST[failed_bad_arg]}
	run_helper 0 mgmt bad-arg
	read_stats
	expect ST failed_bad_arg $((before + 1))
}

@test "max_total_bytes: ENOSPC, exit 5, message; counted as over_limit" {
	local over
	read_stats
	over=${ST[failed_over_limit]}
	set_limit max_total_bytes $((ST[used_bytes] + 65536))
	track_alloc 32K
	track_alloc 32K
	run_cmamem 5 alloc 4K
	local max
	max=$(human_size $((ST[used_bytes] + 65536)))
	assert_output "cmamem: alloc 4K: max_total_bytes is $max, $max in use (free buffers, or as root: cmamem limits --set max_total_bytes=$(human_size $((ST[used_bytes] + 69632))))"
	read_stats
	expect ST failed_over_limit $((over + 1))
	set_limit max_total_bytes 0
	track_alloc 4K
}

@test "max_buffer_bytes: one byte over is ENOSPC, exactly the limit works" {
	set_limit max_buffer_bytes 65536
	run_cmamem 5 alloc 65537
	assert_output "cmamem: alloc 65537: max_buffer_bytes is 64K, the most one buffer may take (root can raise it: cmamem limits --set max_buffer_bytes=68K)"
	track_alloc 64K
}

@test "max_buffers: ENOSPC at the count, a free makes room" {
	local max=$(($(sysfs buffers) + 2))
	set_limit max_buffers $max
	track_alloc 4K
	track_alloc 4K
	run_cmamem 5 alloc 4K
	assert_output "cmamem: alloc 4K: max_buffers is $max, $max in use (free one, or as root: cmamem limits --set max_buffers=$((max + 1)))"
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
	assert_output "cmamem: alloc 4K: max_bytes_per_uid is 64K, 64K in use by uid $UID_A (free some, or as root: cmamem limits --set max_bytes_per_uid=68K)"
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
	read_table
	[[ ${ROW[$output]} =~ ^$output\ -\ 65536\ wc\ 0x[0-9a-f]+\ $UID_A\  ]] ||
		fail "row of uid $UID_A's buffer: ${ROW[$output]}"
	# Freed while a dma-buf holds it, it still counts, but LIST no longer
	# shows it: the message says where the bytes are.
	local id=$output
	run as_user $UID_A "$CMAMEM_BIN" export "$id" -- sh -c "'$CMAMEM_BIN' free $id && '$CMAMEM_BIN' alloc 4K"
	[ "$status" -eq 5 ] || fail "uid $UID_A, its buffer freed but exported: exit $status, output $output"
	assert_output "cmamem: alloc 4K: max_bytes_per_uid is 64K, 0 in use by uid $UID_A and more in freed buffers still mapped or exported (free some, or as root: cmamem limits --set max_bytes_per_uid=68K)"
}

@test "max_bytes_per_uid_unprivileged: half the CMA area by default; EDQUOT for uid $UID_A at it, root not held back" {
	local def cma half a
	def=$(sysfs max_bytes_per_uid_unprivileged)
	cma=$(($(target_sh "awk '/^CmaTotal:/ { print \$2 }' /proc/meminfo") * 1024))
	half=$((cma / 2))
	# Computed at load, shown in sysfs and as the parameter: half of the
	# CMA area, in whole pages.
	[ "$def" -le "$half" ] && [ "$def" -gt $((half - 65536)) ] && [ $((def % 4096)) -eq 0 ] ||
		fail "default $def, CmaTotal $cma bytes"
	[ "$(target_run cat /sys/module/cma_mem/parameters/max_bytes_per_uid_unprivileged)" = "$def" ]
	run target_run stat -c %a "$CMAMEM_SYSFS/max_bytes_per_uid_unprivileged"
	assert_output 644
	# uid A has no CAP_SYS_ADMIN: one page over is refused before any
	# memory is taken; all of it is allowed, and then nothing more.
	run as_user $UID_A "$CMAMEM_BIN" alloc $((def + 4096))
	[ "$status" -eq 5 ] || fail "uid $UID_A over the default: exit $status, output $output"
	assert_output --partial "max_bytes_per_uid_unprivileged is "
	assert_output --partial ", 0 in use by uid $UID_A (free some, or as root: echo $((def + 4096)) > $CMAMEM_SYSFS/max_bytes_per_uid_unprivileged)"
	run as_user $UID_A "$CMAMEM_BIN" alloc "$def"
	assert_success
	a=$output
	CMAMEM_TRACKED+=("$a")
	run as_user $UID_A "$CMAMEM_BIN" alloc 4K
	[ "$status" -eq 5 ] || fail "uid $UID_A at the default: exit $status, output $output"
	run_cmamem 0 free "$a"
	# Root is not held back by it.
	track_alloc $((def + 4096))
	run_cmamem 0 free "${CMAMEM_TRACKED[-1]}"
	# 0 turns it off; max_bytes_per_uid still applies to everyone.
	set_limit max_bytes_per_uid_unprivileged 0
	run as_user $UID_A "$CMAMEM_BIN" alloc $((def + 4096))
	assert_success
	CMAMEM_TRACKED+=("$output")
	set_limit max_bytes_per_uid_unprivileged "$def"
}

@test "refusals: the last 16 failed allocations, newest first, each with the limit or cause and the errno" {
	local pid i age=0 a
	[ "$(sysfs pool_bytes)" -eq 0 ] || fail "the pool has memory, so --from pool would not fail"
	target_sh "echo 65536 >$CMAMEM_SYSFS/max_buffer_bytes; echo 4096 >$CMAMEM_SYSFS/max_bytes_per_uid"
	run_cmamem 5 alloc 65537
	run as_user $UID_A "$CMAMEM_BIN" alloc 8K
	[ "$status" -eq 5 ] || fail "uid $UID_A over quota: exit $status, output $output"
	# No pool: the pool cannot give the memory.
	run_cmamem 1 alloc 4K --from pool
	run target_run head -4 "$CMAMEM_DEBUGFS/refusals"
	assert_success
	assert_line -n 0 "age_ms uid pid comm size reason errno"
	# ENOMEM 12, EDQUOT 122, ENOSPC 28; the size asked, not rounded up.
	assert_line -n 1 --regexp '^[0-9]+ 0 [0-9]+ cmamem 4096 nomem 12$'
	assert_line -n 2 --regexp "^[0-9]+ $UID_A [0-9]+ cmamem 8192 max_bytes_per_uid 122\$"
	assert_line -n 3 --regexp '^[0-9]+ 0 [0-9]+ cmamem 65537 max_buffer_bytes 28$'

	# 20 more: the 16 newest are kept, newest first (sizes 20 down to 5).
	run_helper 0 mgmt refuse 20
	pid=${output#pid }
	run target_run cat "$CMAMEM_DEBUGFS/refusals"
	[ "${#lines[@]}" -eq 17 ] || fail "$((${#lines[@]} - 1)) refusals kept, not 16: $output"
	for ((i = 1; i <= 16; i++)); do
		[[ ${lines[i]} =~ ^([0-9]+)\ 0\ $pid\ mgmt\ $((21 - i))\ bad_arg\ 22$ ]] ||
			fail "line $i: '${lines[i]}'"
		a=${BASH_REMATCH[1]}
		[ "$a" -ge "$age" ] || fail "line $i is $a ms old, the one before $age ms"
		age=$a
	done
}

@test "lowering limits under current use keeps every buffer and its data" {
	local id sum
	track_alloc 64K
	id=$output
	track_alloc 64K
	run_cmamem 0 fill "$id" --random --seed 7
	run_cmamem 0 checksum "$id"
	sum=$output
	target_sh "cd $CMAMEM_SYSFS && echo 4096 >max_total_bytes && echo 1 >max_buffers &&
		echo 4096 >max_buffer_bytes && echo 4096 >max_bytes_per_uid"
	run_cmamem 5 alloc 4K
	read_table
	[[ ${ROW[$id]} == *" live "* ]] || fail "row of $id: ${ROW[$id]}"
	run_cmamem 0 checksum "$id"
	assert_output "$sum"
	[ "$(sysfs used_bytes)" -ge 131072 ] || fail "used_bytes $(sysfs used_bytes)"
}

@test "limits: range-checked, one value per file" {
	local w
	for w in "-1 max_buffers" "2147483648 max_buffers" "12abc max_total_bytes" \
		"18446744073709551616 max_total_bytes" " max_bytes_per_uid"; do
		run target_sh "echo ${w% *} >$CMAMEM_SYSFS/${w#* }"
		assert_failure
	done
	target_sh "echo 0x100000 >$CMAMEM_SYSFS/max_total_bytes && echo 2147483647 >$CMAMEM_SYSFS/max_buffers"
	read_sysfs
	expect SY max_total_bytes 1048576
	expect SY max_buffers 2147483647
	expect SY max_bytes_per_uid 0
}

# fault_test FAULT SUBTEST: arm FAULT, run `mgmt SUBTEST`, then the fault
# must have fired, and the use be back where it was.
fault_test() {
	local -A st0
	read_stats
	st0[used_bytes]=${ST[used_bytes]}
	st0[buffers]=${ST[buffers]}
	st0[failed_nomem]=${ST[failed_nomem]}
	arm "$1"
	run_helper 0 mgmt "$2"
	run target_run cat "$CMAMEM_DEBUGFS/$1/times"
	assert_output 0
	read_stats
	expect ST used_bytes "${st0[used_bytes]}"
	expect ST buffers "${st0[buffers]}"
	FAULT_NOMEM=$((ST[failed_nomem] - st0[failed_nomem]))
}

@test "fail_alloc: ENOMEM once, nothing left behind, counted as nomem; the CLI says so" {
	fault_test fail_alloc fault-alloc
	[ "$FAULT_NOMEM" -eq 1 ] || fail "failed_nomem went up by $FAULT_NOMEM"
	arm fail_alloc
	run_cmamem 1 alloc 8K
	# Root reads the largest free run from the CMA area's debugfs.
	assert_output --regexp '^cmamem: alloc 8K: CMA cannot give 8K contiguous: CmaFree is [0-9]+[KMG] of [0-9]+[KMG], its largest free run [0-9]+[KMG] \(free buffers, or boot with a larger cma=\)$'
}

@test "fail_map: mmap ENOMEM once, no mapping counted, the retry maps" {
	fault_test fail_map fault-map
}

@test "fail_export: EXPORT ENOMEM once, no export counted, the retry exports" {
	fault_test fail_export fault-export
}

@test "cmamem limits: shows, --set takes the size syntax, --json; non-root may look, not set" {
	run_cmamem 0 limits --set max_total_bytes=64M
	assert_line "max_total_bytes: 67108864 (64M)"
	assert_line "max_buffers: 0 (no limit)"
	[ "$(sysfs max_total_bytes)" = 67108864 ] || fail "sysfs says $(sysfs max_total_bytes)"
	run_cmamem 0 --json limits --set max_buffers=0x10
	assert_output --regexp '^\{"max_total_bytes":67108864,"max_buffer_bytes":0,"max_buffers":16,"max_bytes_per_uid":0,"used_bytes":[0-9]+,"buffers":[0-9]+,"peak_bytes":[0-9]+\}$'
	run_cmamem 2 limits --set max_total_bytes=12Q
	run_cmamem 2 limits --set nosuch=1
	run as_user $UID_A "$CMAMEM_BIN" limits --set max_total_bytes=1M
	[ "$status" -eq 4 ] || fail "non-root --set: exit $status, $output"
	run as_user $UID_A "$CMAMEM_BIN" limits
	assert_success
	assert_line "max_total_bytes: 67108864 (64M)"
}

@test "cmamem stats and list --all: root reads the driver's counters and every buffer; --json" {
	local a b
	track_alloc 64K --name mg-all
	a=$output
	run as_user $UID_A "$CMAMEM_BIN" alloc 8K
	assert_success
	b=$output
	CMAMEM_TRACKED+=("$b")
	run_cmamem 0 list --all
	assert_line --index 0 --regexp '^id name size cache dma_addr uid pid comm age_ms refs'
	assert_line --regexp "^$a mg-all 65536 wc 0x[0-9a-f]+ 0 "
	assert_line --regexp "^$b - 8192 wc 0x[0-9a-f]+ $UID_A "
	run_cmamem 0 --json list --all
	assert_output --regexp "\{\"id\":$a,\"name\":\"mg-all\",\"size\":65536,\"cache\":\"wc\",\"dma_addr\":[1-9][0-9]*,\"uid\":0,\"pid\":[0-9]+,\"comm\":\"cmamem\",\"age_ms\":[0-9]+,\"refs\":1,\"handles\":0,\"mappings\":0,\"persist\":1,\"exports\":0,\"source\":\"cma\",\"state\":\"live\",\"effective\":\"$(effective_cache wc)\",\"holders\":\[\],\"region\":\"default\"\}"
	[[ $output == \[*\] ]] || fail "not an array: $output"
	run as_user $UID_A "$CMAMEM_BIN" list --all
	[ "$status" -eq 4 ] || fail "non-root list --all: exit $status, $output"
	assert_output --partial "root only"
	run_cmamem 0 stats
	assert_line --regexp '^allocations: [1-9][0-9]*$'
	assert_line --regexp '^  from the pool: [0-9]+, from CMA: [1-9][0-9]* \([0-9]+ because the pool was full\)$'
	assert_line --regexp '^in use: [0-9]+ buffers, '
	assert_line --regexp '^allocation latency: worst [0-9]+ us$'
	run_cmamem 0 --json stats
	assert_output --regexp '^\{"allocs":[0-9]+,"allocs_pool":[0-9]+,"allocs_cma":[0-9]+,"pool_fallbacks":[0-9]+,"frees":[0-9]+,"failed_nomem":[0-9]+,"failed_over_limit":[0-9]+,"failed_bad_arg":[0-9]+,"failed_other":[0-9]+,"used_bytes":[0-9]+,"buffers":[0-9]+,"peak_bytes":[0-9]+,"largest_bytes":[0-9]+,"latency_max_us":[0-9]+,"latency_us_lt_1":[0-9]+,.*"latency_us_ge_4194304":[0-9]+,"pool_chunks":[0-9]+,"pool_lends":[0-9]+,"pool_zeroed_background_bytes":[0-9]+,"pool_zeroed_inline_bytes":[0-9]+\}$'
	run as_user $UID_A "$CMAMEM_BIN" stats
	[ "$status" -eq 4 ] || fail "non-root stats: exit $status, $output"
}

@test "a 10,000-buffer table streams, every buffer once, in order" {
	run_helper 0 mgmt many 10000
	[[ $output == *", 10000 ours" ]] || fail "$output"
}

@test "module parameters set the limits at load time" {
	# CMAMEM_KMOD: the module the guest loaded (tests/vm/guest-init).
	local ko got
	ko=$(loaded_ko)
	[ "$(buffer_count)" -eq 0 ] || fail "buffers from earlier suites are alive, so the module cannot be reloaded"
	target_run test -f "$ko"
	# One guest shell: rmmod, insmod with limits, read them back, try a
	# buffer over max_buffer_bytes, and reload with the defaults whatever
	# happened.
	run target_sh "rmmod cma_mem && insmod '$ko' max_total_bytes=1048576 max_buffer_bytes=262144 \
		max_buffers=3 max_bytes_per_uid=524288 || exit 9
		cd $CMAMEM_SYSFS && cat max_total_bytes max_buffer_bytes max_buffers max_bytes_per_uid
		cat /sys/module/cma_mem/parameters/max_buffers
		'$CMAMEM_BIN' alloc 512K 2>&1; echo rc=\$?
		rmmod cma_mem && insmod '$ko' && chmod 0666 $CMAMEM_DEV"
	got=$output
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko"
	target_run chmod 0666 "$CMAMEM_DEV"
	[ "$status" -eq 0 ] || fail "reload: exit $status: $got"
	[[ $got == $'1048576\n262144\n3\n524288\n3\ncmamem: alloc 512K: max_buffer_bytes is 256K, the most one buffer may take (root can raise it: cmamem limits --set max_buffer_bytes=512K)\nrc=5' ]] ||
		fail "after insmod with limits: $got"
	read_sysfs
	for l in "${LIMITS[@]}"; do
		expect SY "$l" 0
	done
}
