#!/usr/bin/env bats
# cmamem top (cmamem(1), top): its JSON against buffers a process holds in
# known ways (tests/c/holders top), the totals, the rate and the latency
# percentiles, the last refusals after a refused allocation, what it shows
# without root, and its screen in a pseudo-terminal (script(1)): a
# holder's row appears and goes, and q restores the terminal and exits 0.
#
# make check runs it on one kernel (tests/check, suites_for): top reads the
# driver's debugfs files, whose formats are the driver's own on every
# kernel; arm64's screen needs no more than 6.12's.
# check-on: 6.12

load test_helper/common
load test_helper/buffers
load test_helper/holder
load test_helper/screen
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { HOLDER_PGID= SCREEN_JOB= KEYS=; }
teardown() {
	screen_teardown
	holder_teardown
	target_sh "echo 0 >$CMAMEM_SYSFS/max_buffer_bytes${KEYS:+; rm -f $KEYS}"
	free_tracked
	common_teardown
}

# One refresh is enough for --once: it measures the rate over it.
ONCE=(top --once --interval 0.1)

@test "--once --json: a holder's row (buffers, bytes, mapped bytes, exports), the totals, the rate and percentiles" {
	hold top top-a top-b
	next_stage 0
	HOLDER_PGID=$pid
	run_cmamem 0 "${ONCE[@]}" --json
	local json=$output
	run jq -c ".processes[] | select(.pid == $pid) | [.comm, .uid, .buffers, .bytes, .mapped_bytes, .exports]" <<<"$json"
	assert_output '["holders",0,2,4194304,1048576,1]'
	run jq -c '[.cmamem.buffers, .cmamem.used_bytes]' <<<"$json"
	assert_output "[$((CMAMEM_BASE_BUFFERS + 2)),$((CMAMEM_BASE_USED + 4194304))]"
	run jq -c '[.allocs.per_s, .latency.p50_us, .latency.p90_us, .latency.p99_us, .latency.max_us, .cma.free_bytes, .pool.pool_clean_bytes] | map(type)' <<<"$json"
	assert_output '["number","number","number","number","number","number","number"]'
	run jq -c '.unavailable' <<<"$json"
	assert_output '[]'
	# The text: the same row, sizes as alloc takes them.
	run_cmamem 0 "${ONCE[@]}"
	assert_line --regexp "^ *$pid holders +0 +2 +4M +1M +1\$"
	go
	next_stage 1
	run_cmamem 0 "${ONCE[@]}" --json
	run jq ".processes | map(select(.pid == $pid)) | length" <<<"$output"
	assert_output 0
	finish
}

@test "a refused allocation is the newest of the last refusals: its uid, comm, size, reason and errno" {
	run_cmamem 0 limits --set max_buffer_bytes=1M
	run_cmamem 5 alloc 2M
	run_cmamem 0 "${ONCE[@]}" --json
	run jq -c '.refusals[0] | [.uid, .comm, .size, .reason, .errno, (.age_ms | type)]' <<<"$output"
	assert_output '[0,"cmamem",2097152,"max_buffer_bytes",28,"number"]'
	run_cmamem 0 "${ONCE[@]}"
	assert_line --regexp '^ +[0-9.]+s +0 +[0-9]+ cmamem +2M ENOSPC +max_buffer_bytes$'
}

@test "without root: CMA, use and the pool; the rest named as not shown, with the fix" {
	run --separate-stderr as_user 1000 "$CMAMEM_BIN" "${ONCE[@]}" --json
	assert_success
	local json=$output
	run jq -c '[.cma.total_bytes, .cmamem.used_bytes, .pool.pool_bytes] | map(type)' <<<"$json"
	assert_output '["number","number","number"]'
	run jq -c '[.allocs, .latency, .refusals, .processes], ([.unavailable[].sections[]] | sort), ([.unavailable[].fix] | unique)' <<<"$json"
	assert_output "$(printf '%s\n' '[null,null,null,null]' '["allocs","latency","processes","refusals"]' '["run it as root"]')"
	run --separate-stderr as_user 1000 "$CMAMEM_BIN" "${ONCE[@]}"
	assert_success
	assert_line --regexp "^not shown: allocs, latency, refusals, processes \\(.*: Permission denied; run it as root\\)\$"
}

@test "the screen in a pseudo-terminal: a holder's row appears, then goes; q restores the terminal, exit 0" {
	command -v script >/dev/null || fail "no script(1) (util-linux's bsdutils)"
	KEYS=$(target_sh 'f=$(mktemp -u /tmp/cmamem-top-keys.XXXXXX) && mkfifo "$f" && echo "$f"')
	screen_start target_sh "$KEYS" "$CMAMEM_BIN top --interval 0.2"
	screen_until shows '^ +PID COMM +UID +BUFFERS +BYTES +MAPPED +EXPORTS$'

	hold top top-a top-b
	next_stage 0
	HOLDER_PGID=$pid
	screen_until shows "^ *$pid holders +0 +2 +4M +1M +1\$"
	go
	next_stage 1
	screen_until lacks "^ *$pid holders "
	finish

	target_sh "printf q >$KEYS"
	screen_quit
}
