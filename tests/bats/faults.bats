#!/usr/bin/env bats
# Fault injection and limits under load. Every allocation the
# driver's calls make fails in turn (/proc/thread-self/fail-nth through
# failslab, fail_page_alloc and the module's fail_alloc, fail_map and
# fail_export), and then at random (task-filter and make-it-fail): each
# failure must give ENOMEM and leave nothing behind (tests/c/faults.c says
# what is checked). Then processes exhaust the CMA area and each sysfs limit
# at once: the errno is the documented one, FREE keeps working, and the same
# allocations succeed again afterwards.

load test_helper/common

DBG=/sys/kernel/debug
ATTRS=(failslab fail_page_alloc cma_mem/fail_alloc cma_mem/fail_map cma_mem/fail_export)
KNOBS=(verbose probability interval times task-filter)
UID_A=1000

# Save every knob this suite turns, to put it back afterwards.
setup_file() {
	common_setup_file
	local a k saved=()
	for a in "${ATTRS[@]}"; do
		for k in "${KNOBS[@]}"; do
			saved+=("$a/$k=$(target_run cat "$DBG/$a/$k")")
		done
	done
	for a in failslab fail_page_alloc; do
		saved+=("$a/ignore-gfp-wait=$(target_run cat "$DBG/$a/ignore-gfp-wait")")
	done
	saved+=("fail_page_alloc/min-order=$(target_run cat "$DBG/fail_page_alloc/min-order")")
	FAULTS_SAVED=${saved[*]}
	export FAULTS_SAVED
	# Quiet (a report is a stack dump, which the log gate fails on), and
	# counting the GFP_KERNEL and single-page allocations the driver makes,
	# which failslab and fail_page_alloc skip by default.
	local cmd=""
	for a in "${ATTRS[@]}"; do
		cmd+="echo 0 >$DBG/$a/verbose; "
	done
	cmd+="echo N >$DBG/failslab/ignore-gfp-wait; "
	cmd+="echo N >$DBG/fail_page_alloc/ignore-gfp-wait; "
	cmd+="echo 0 >$DBG/fail_page_alloc/min-order"
	target_sh "$cmd"
}

teardown_file() {
	local kv cmd=""
	for kv in $FAULTS_SAVED; do
		cmd+="echo ${kv#*=} >$DBG/${kv%%=*}; "
	done
	target_sh "$cmd"
	common_teardown_file
}


# Whatever a test did, the next starts with no limits, no random faults,
# the device as it was, and no buffer of UID_A's.
teardown() {
	local a cmd
	cmd="chmod 0660 $CMAMEM_DEV; $(limits_off)"
	for a in "${ATTRS[@]}"; do
		cmd+="echo 0 >$DBG/$a/probability; "
	done
	target_sh "$cmd"
	[ -z "${UID_A_BUF:-}" ] || run target_run "$CMAMEM_BIN" --quiet free "$UID_A_BUF"
	common_teardown
}

# sweep ARGS...: one `faults` sweep; adds the faults it injected to
# $FAULTS_TOTAL. A sweep that injected none would test nothing.
FAULTS_TOTAL=0
sweep() {
	run_helper 0 faults "$@" || return
	local n=${lines[-1]#faults }
	[[ $n =~ ^[0-9]+$ ]] || fail "faults $*: last line '${lines[-1]}', not 'faults N'"
	[ "$n" -gt 0 ] || fail "faults $*: no fault was injected"
	FAULTS_TOTAL=$((FAULTS_TOTAL + n))
}

# point_armed POINT / point_hit POINT: the module's fault point POINT has
# one failure to give (times 1), and has given it: fail-nth reached it.
point_armed() {
	target_sh "echo 1 >$DBG/cma_mem/$1/times"
}
point_hit() {
	run target_run cat "$DBG/cma_mem/$1/times"
	assert_output 0
}

@test "fail-nth: ALLOC in each cache mode, one page and many, persistent and named" {
	point_armed fail_alloc
	sweep alloc 0 1
	sweep alloc 1 16
	sweep alloc 2 3
	sweep alloc 4 1 faults-named
	sweep alloc 6 16 faults-named
	point_hit fail_alloc
	report faults "$FAULTS_TOTAL"
}

@test "fail-nth: ATTACH by id and by name; open of the device; LIST" {
	sweep attach id
	sweep attach name
	sweep open
	sweep list
	report faults "$FAULTS_TOTAL"
}

@test "fail-nth: mmap of all and of part of a buffer, munmap of a hole, fork while mapped" {
	point_armed fail_map
	sweep mmap 16 0
	point_hit fail_map
	sweep mmap 9 3
	sweep unmap-hole
	sweep fork
	report faults "$FAULTS_TOTAL"
}

@test "fail-nth: EXPORT, and mmap of the dma-buf" {
	point_armed fail_export
	sweep export
	point_hit fail_export
	sweep dmabuf-mmap
	report faults "$FAULTS_TOTAL"
}

@test "make-it-fail at random, 20% of sites, several failures in one call: ALLOC, ATTACH, mmap, fork, EXPORT" {
	local a cmd=""
	for a in "${ATTRS[@]}"; do
		cmd+="echo Y >$DBG/$a/task-filter; echo 20 >$DBG/$a/probability; "
		cmd+="echo 1 >$DBG/$a/interval; echo 1000000 >$DBG/$a/times; "
	done
	target_sh "$cmd"
	export CMAMEM_FAULTS_RANDOM=25
	sweep alloc 0 1
	sweep alloc 2 16 faults-named
	sweep attach name
	sweep mmap 9 3
	sweep unmap-hole
	sweep fork
	sweep export
	sweep dmabuf-mmap
	report faults "$FAULTS_TOTAL"
}

# exhaust ARGS...: `faults exhaust`, which prints "exhaust N buffers, then N".
exhaust() {
	run_helper 0 faults exhaust "$@" || return
	assert_output --regexp "exhaust [0-9]+ buffers, then [0-9]+"
}

@test "the CMA area runs dry under 4 processes: ENOMEM, FREE works, and all of it comes back" {
	# 1M buffers: the whole 256M area, as CMA hands out 1M-aligned blocks.
	exhaust 4 256 ENOMEM -1
	local n=${output##* then }
	[ "$n" -ge 200 ] || fail "only $n 1M buffers from a 256M CMA area"
}

@test "max_total_bytes under 4 processes: exactly the limit, then ENOSPC; recovers" {
	target_sh "echo $((16 << 20)) >$CMAMEM_SYSFS/max_total_bytes"
	exhaust 4 64 ENOSPC 64
}

@test "max_buffers under 4 processes: exactly the limit, then ENOSPC; recovers" {
	target_sh "echo 20 >$CMAMEM_SYSFS/max_buffers"
	exhaust 4 1 ENOSPC 20
}

@test "max_buffer_bytes: every process gets ENOSPC for a buffer one page over, none for one at it" {
	target_sh "echo $((64 << 10)) >$CMAMEM_SYSFS/max_buffer_bytes"
	# 17 pages: refused at once, in every process.
	exhaust 4 17 ENOSPC 0
	# 16 pages fit; 4 processes with a total limit of 1M get 16 of them.
	target_sh "echo $((1 << 20)) >$CMAMEM_SYSFS/max_total_bytes"
	exhaust 4 16 ENOSPC 16
}

@test "max_bytes_per_uid under 3 processes of one user: EDQUOT at the quota; another user is not held back" {
	target_run chmod 0666 "$CMAMEM_DEV"
	target_sh "echo $((8 << 20)) >$CMAMEM_SYSFS/max_bytes_per_uid"
	exhaust 3 32 EDQUOT 64 $UID_A
	# While UID_A holds its whole quota, root still gets all of its own.
	run as_user $UID_A "$CMAMEM_BIN" alloc 8M
	assert_success
	UID_A_BUF=$output
	exhaust 3 32 EDQUOT 64
	run as_user $UID_A "$CMAMEM_BIN" alloc 4K
	assert_failure 5
	assert_output --partial "max_bytes_per_uid is 8M, 8M in use by uid $UID_A"
	run_cmamem 0 free "$UID_A_BUF"
	UID_A_BUF=
}
