#!/usr/bin/env bats
# cmamem top over files written here ($CMAMEM_SYSFS, $CMAMEM_DEBUGFS,
# $CMAMEM_MEMINFO): the rows joined from holders and buffers, the latency
# percentiles from a histogram, the refusals, --sort and the keys, what it
# says for files it cannot read, its usage errors, its output on a pipe,
# and its screen in script(1)'s pseudo-terminal. tests/bats/top.bats checks
# the same against the driver.

load host_helper
load ../test_helper/screen

# No process has this pid (pid_max is at most 2^22): its uid is unknown.
GONE=99999999

teardown() { screen_teardown; }

setup() {
	host_setup
	T=$BATS_TEST_TMPDIR
	export CMAMEM_SYSFS=$T/sysfs CMAMEM_DEBUGFS=$T/debugfs CMAMEM_MEMINFO=$T/meminfo
	mkdir -p "$CMAMEM_SYSFS" "$CMAMEM_DEBUGFS"
	local f
	for f in used_bytes=9437184 buffers=3 pool_bytes=16777216 pool_used_bytes=4194304 \
		 pool_free_bytes=12582912 pool_largest_free=8388608 pool_clean_bytes=4194304 \
		 pool_lent_bytes=0; do
		echo "${f#*=}" >"$CMAMEM_SYSFS/${f%=*}"
	done
	printf 'MemTotal: 2097152 kB\nCmaTotal: 262144 kB\nCmaFree: 196608 kB\n' >"$CMAMEM_MEMINFO"
	# This shell ($$) maps buffer 3 (4M) and holds 5 (1M); a process that
	# has exited exports 3 and holds 7 (4M) too.
	cat >"$CMAMEM_DEBUGFS/buffers" <<-'EOF'
	id name size cache dma_addr uid pid comm age_ms refs handles mappings persist exports source state effective holders
	3 cam 4194304 wc 0x0 0 90 cmamem 10 3 1 1 1 1 cma live wc -
	5 - 1048576 wc 0x0 0 100 prog 10 2 2 0 0 0 cma live wc -
	7 - 4194304 wc 0x0 0 100 prog 10 2 2 0 0 0 pool live wc -
	EOF
	printf '%s\n' 'id pid comm kind' "3 $$ viewer handle" "3 $$ viewer map" "3 $GONE encoder export" \
		"5 $$ viewer handle" "7 $GONE encoder handle" >"$CMAMEM_DEBUGFS/holders"
	# 10 allocations: 1 under 2 us, 4 under 4, 3 under 8, 1 under 16, 1
	# of 16 or more (the worst, 700 us).
	printf '%s\n' 'allocs 10' 'latency_max_us 700' 'latency_us_lt_1 0' 'latency_us_lt_2 1' \
		'latency_us_lt_4 4' 'latency_us_lt_8 3' 'latency_us_lt_16 1' 'latency_us_ge_16 1' \
		>"$CMAMEM_DEBUGFS/stats"
	printf '%s\n' 'age_ms uid pid comm size reason errno' '1500 1000 4242 grabber 2097152 max_bytes_per_uid 122' \
		'9000 0 17 cmamem 8388608 nomem 12' >"$CMAMEM_DEBUGFS/refusals"
}

@test "--once --json: the summary, the percentiles as bucket bounds, the refusals, a row per process" {
	run --separate-stderr "$CMAMEM" top --once --json --interval 0.1
	assert_success
	assert_equal "$stderr" ""
	[ "${#lines[@]}" -eq 1 ] || fail "not one line: $output"
	local uid
	uid=$(id -u)
	run jq -c 'del(.processes, .refusals)' <<<"$output"
	assert_output '{"interval_s":0.1,"sort":"bytes","cma":{"total_bytes":268435456,"free_bytes":201326592},"cmamem":{"used_bytes":9437184,"buffers":3},"pool":{"pool_bytes":16777216,"pool_used_bytes":4194304,"pool_free_bytes":12582912,"pool_largest_free":8388608,"pool_clean_bytes":4194304,"pool_lent_bytes":0},"allocs":{"total":10,"per_s":0},"latency":{"samples":10,"p50_us":4,"p90_us":16,"p99_us":700,"max_us":700},"unavailable":[]}'
	run --separate-stderr "$CMAMEM" top --once --json --interval 0.1
	run jq -c '.refusals, .processes' <<<"$output"
	assert_line -n 0 '[{"age_ms":1500,"uid":1000,"pid":4242,"comm":"grabber","size":2097152,"reason":"max_bytes_per_uid","errno":122},{"age_ms":9000,"uid":0,"pid":17,"comm":"cmamem","size":8388608,"reason":"nomem","errno":12}]'
	assert_line -n 1 "[{\"pid\":$GONE,\"comm\":\"encoder\",\"uid\":null,\"buffers\":2,\"bytes\":8388608,\"mapped_bytes\":0,\"exports\":1},{\"pid\":$$,\"comm\":\"viewer\",\"uid\":$uid,\"buffers\":2,\"bytes\":5242880,\"mapped_bytes\":4194304,\"exports\":0}]"
}

@test "the pool object has the keys of cmamem pool --json" {
	run -0 "$CMAMEM" pool --json
	local pool=$output
	run -0 "$CMAMEM" top --once --json --interval 0.1
	run jq -c '.pool' <<<"$output"
	assert_output "$pool"
}

@test "--once: the same as text, the processes last" {
	run --separate-stderr "$CMAMEM" top --once --interval 0.1
	assert_success
	assert_line -n 0 "cmamem top: every 0.1s, by bytes"
	assert_line -n 1 "CMA        256M total, 192M free"
	assert_line -n 2 "cmamem     3 buffers, 9M"
	assert_line -n 3 "pool       16M, 4M used, 4M clean"
	assert_line -n 4 "allocs     0.0/s, 10 in all"
	assert_line -n 5 "latency    p50 4us, p90 16us, p99 700us, max 700us (bucket bounds)"
	assert_line -n 6 "last refusals, newest first:"
	assert_line -n 8 --regexp '^ +1.5s +1000 +4242 grabber +2M EDQUOT +max_bytes_per_uid$'
	assert_line -n 9 --regexp '^ +9.0s +0 +17 cmamem +8M ENOMEM +nomem$'
	assert_line -n 10 --regexp '^ +PID COMM +UID +BUFFERS +BYTES +MAPPED +EXPORTS$'
	assert_line -n 11 --regexp "^ *$GONE encoder +- +2 +8M +0 +1\$"
	assert_line -n 12 --regexp "^ +$$ viewer +$(id -u) +2 +5M +4M +0\$"
	[ "${#lines[@]}" -eq 13 ] || fail "expected 13 lines: $output"
}

@test "--sort: by pid, buffers, mapped bytes or exports, the largest first; a tie by pid" {
	local k want
	for k in pid:"$GONE $$" buffers:"$$ $GONE" mapped:"$$ $GONE" exports:"$GONE $$" bytes:"$GONE $$"; do
		want=${k#*:}
		run -0 "$CMAMEM" top --once --json --interval 0.1 --sort "${k%%:*}"
		run jq -r '.processes | map(.pid) | join(" ")' <<<"$output"
		assert_output "$want"
	done
}

@test "no allocation yet: the percentiles are null, and the text says so" {
	printf '%s\n' 'allocs 0' 'latency_max_us 0' 'latency_us_lt_1 0' 'latency_us_ge_1 0' >"$CMAMEM_DEBUGFS/stats"
	run -0 "$CMAMEM" top --once --json --interval 0.1
	run jq -c '.latency' <<<"$output"
	assert_output '{"samples":0,"p50_us":null,"p90_us":null,"p99_us":null,"max_us":0}'
	run -0 "$CMAMEM" top --once --interval 0.1
	assert_line "latency    - (no allocation yet)"
}

@test "no debugfs: what sysfs and meminfo show; the rest not shown, with the fix; exit 0" {
	rm -r "$CMAMEM_DEBUGFS"
	run --separate-stderr "$CMAMEM" top --once --interval 0.1
	assert_success
	assert_line "allocs     -"
	assert_line "not shown: allocs, latency, refusals, processes ($CMAMEM_DEBUGFS: No such file or directory; mount debugfs: mount -t debugfs none /sys/kernel/debug)"
	run -0 "$CMAMEM" top --once --json --interval 0.1
	run jq -c '[.allocs, .latency, .refusals, .processes, .cmamem.buffers], .unavailable[0]' <<<"$output"
	assert_line -n 0 '[null,null,null,null,3]'
	assert_line -n 1 "{\"sections\":[\"allocs\",\"latency\"],\"path\":\"$CMAMEM_DEBUGFS/stats\",\"error\":\"No such file or directory\",\"fix\":\"mount debugfs: mount -t debugfs none /sys/kernel/debug\"}"
}

@test "a module without the refusals file, or a file in another format: the refusals not shown" {
	rm "$CMAMEM_DEBUGFS/refusals"
	run -0 "$CMAMEM" top --once --interval 0.1
	assert_line "not shown: refusals ($CMAMEM_DEBUGFS/refusals: No such file or directory; load the cma_mem module that came with this cmamem)"
	echo 'when who what' >"$CMAMEM_DEBUGFS/refusals"
	run -0 "$CMAMEM" top --once --interval 0.1
	assert_line "not shown: refusals ($CMAMEM_DEBUGFS/refusals: not in the format this cmamem reads)"
	refute_line --partial "last refusals"
}

@test "no driver (no sysfs directory): exit 1, naming the fix" {
	run --separate-stderr env CMAMEM_SYSFS="$T/none" "$CMAMEM" top --once
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "cmamem: $T/none: No such file or directory (is the cma_mem module loaded? modprobe cma_mem)"
}

@test "usage errors: --interval, --sort, an argument" {
	assert_usage "invalid --interval '0': out of range (0.1 to 86400 seconds)" top --interval 0
	assert_usage "invalid --interval '1e3': not a number of seconds (such as 2 or 0.5)" top --interval 1e3
	assert_usage "invalid --interval '.': not a number of seconds" top --interval .
	assert_usage "invalid --interval '90000'" top --interval 90000
	assert_usage "invalid --sort 'cpu': expected bytes, pid, buffers, mapped or exports" top --sort cpu
	assert_usage "top: unexpected argument 'now'" top now
	assert_usage "top --resize: unknown option" top --once --resize 1M
}

@test "on a pipe: a frame each interval, a blank line between, no escapes" {
	run bash -c "'$CMAMEM' top --interval 0.1 | head -n 40"
	assert_success
	[[ $output != *$'\e'* ]] || fail "escapes on a pipe: $output"
	run grep -c '^cmamem top: every 0.1s' <<<"$output"
	assert_output 3
	run bash -c "'$CMAMEM' top --json --interval 0.1 | head -n 2 | jq -c '.cmamem'"
	assert_success
	assert_output "$(printf '%s\n' '{"used_bytes":9437184,"buffers":3}' '{"used_bytes":9437184,"buffers":3}')"
}

@test "the screen: the keys sort, R reverses, a new holder's row appears; q restores the terminal, exit 0" {
	mkfifo "$T/keys"
	screen_start "bash -c" "$T/keys" "'$CMAMEM' top --interval 0.1"
	local re k
	screen_until shows "cmamem top: every 0.1s, by bytes  M bytes  N pid  B buffers  m mapped  E exports  R reverse  q quit"
	[[ $frame == *"allocs     -/s (measuring), 10 in all"* ]] || fail "the first frame: $frame"
	# By pid, the largest first; then R: the smallest.
	printf N >"$T/keys"
	screen_until shows "cmamem top: every 0.1s, by pid  M"
	re="$GONE encoder [^"$'\n'"]*"$'\n'" +$$ viewer "
	[[ $frame =~ $re ]] || fail "not by pid: $frame"
	printf R >"$T/keys"
	screen_until shows "cmamem top: every 0.1s, by pid, smallest first"
	re=" $$ viewer [^"$'\n'"]*"$'\n'" *$GONE encoder "
	[[ $frame =~ $re ]] || fail "not reversed: $frame"
	# A third buffer for this shell (the sizes first: top reads the
	# holders, then the sizes); eight refusals, of which the screen shows
	# the newest five (top reads them before the holders).
	echo "9 - 65536 wc 0x0 0 1 x 10 1 1 0 0 0 cma live wc -" >>"$CMAMEM_DEBUGFS/buffers"
	echo "9 $$ viewer handle" >>"$CMAMEM_DEBUGFS/holders"
	for k in 1 2 3 4 5 6; do echo "$k 0 $k prog 4096 other 5"; done >>"$CMAMEM_DEBUGFS/refusals"
	screen_until shows "\\(3 more: cmamem top --once shows them all\\)"
	re=" $$ viewer +[0-9]+ +3 +5184K "
	[[ $frame =~ $re ]] || fail "no third buffer for $$: $frame"
	printf q >"$T/keys"
	screen_quit
}

@test "valgrind: --once, --json and a usage error" {
	need_valgrind
	run -0 vg "$CMAMEM" top --once --interval 0.1
	run -0 vg "$CMAMEM" top --once --json --interval 0.1 --sort mapped
	rm "$CMAMEM_DEBUGFS/holders"
	run -0 vg "$CMAMEM" top --once --interval 0.1
	run -2 vg "$CMAMEM" top --sort cpu --interval 2
}
