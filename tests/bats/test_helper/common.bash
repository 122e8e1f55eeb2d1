# Shared setup for cmamem's device suites. Load it first in every suite:
#
#   load test_helper/common
#   setup_file()    { common_setup_file; }
#   teardown_file() { common_teardown_file; }
#   teardown()      { common_teardown; }
#
# Every command under test goes through target_run, which runs it here, or on
# CMAMEM_TARGET=user@host[:port] over ssh (a board, or the guest of
# `make check-ssh`). On a target the repository must be at the same path
# (CMAMEM_TARGET_REPO overrides it), with the binaries built for it.
#
# Guards, so that no test can pass while the driver misbehaves:
# - after each test, the number of live buffers is back to where the suite
#   started (a leak fails the test that leaked);
# - after the suite, every page it took from CMA is back (assert_cma_back),
#   and the kernel log written during the suite has no WARNING, BUG,
#   lockdep, KASAN or kmemleak report (tests/vm/check-dmesg).

load test_helper/bats_libs

# bats sources this before every test, and a $(...) is a process, 0.1-0.5 s
# in the debug guest: BATS_TEST_DIRNAME is already absolute (tests/bats).
CMAMEM_REPO=${BATS_TEST_DIRNAME%/*/*}
: "${CMAMEM_TARGET_REPO:=$CMAMEM_REPO}"
: "${CMAMEM_BIN:=$CMAMEM_TARGET_REPO/build/bin/cmamem}"
: "${CMAMEM_TESTS:=$CMAMEM_TARGET_REPO/build/tests}"
: "${CMAMEM_DEBUGFS:=/sys/kernel/debug/cma_mem}"
: "${CMAMEM_DEV:=/dev/cma_mem}"
: "${CMAMEM_SYSFS:=/sys/class/misc/cma_mem}"
export CMAMEM_REPO CMAMEM_TARGET_REPO CMAMEM_BIN CMAMEM_TESTS CMAMEM_DEBUGFS CMAMEM_DEV CMAMEM_SYSFS

# The sysfs limits; 0 means none.
LIMITS=(max_total_bytes max_buffer_bytes max_buffers max_bytes_per_uid)

# limits_off: shell text that sets every limit back to 0, for a teardown to
# put in its one target_sh (each guest process costs time in the debug guest).
limits_off() {
	local l
	for l in "${LIMITS[@]}"; do
		printf 'echo 0 >%s/%s; ' "$CMAMEM_SYSFS" "$l"
	done
}

# target_run CMD [ARGS...]: run a command on the target, as root.
target_run() {
	if [ -z "${CMAMEM_TARGET:-}" ]; then
		"$@"
		return
	fi
	local host=${CMAMEM_TARGET%:*} port=22 q
	[ "$host" = "$CMAMEM_TARGET" ] || port=${CMAMEM_TARGET##*:}
	q=$(printf '%q ' "$@")
	# shellcheck disable=SC2086
	ssh -p "$port" ${CMAMEM_SSH_OPTS:-} "$host" -- "cd $(printf %q "$CMAMEM_TARGET_REPO") && $q" </dev/null
}

# target_sh 'SCRIPT': a shell snippet on the target (pipes, redirections).
target_sh() {
	target_run bash -c "$1"
}

# as_user UID CMD [ARGS...]: run a command on the target as another uid,
# with no capabilities and no supplementary groups.
as_user() {
	local uid=$1
	shift
	target_run setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

# run_cmamem EXPECTED_STATUS ARGS...: run the CLI on the target and fail,
# showing its output, unless it exits with EXPECTED_STATUS. Leaves $status,
# $output and $lines as `run` does.
run_cmamem() {
	local want=$1
	shift
	run target_run "$CMAMEM_BIN" "$@"
	if [ "$status" -ne "$want" ]; then
		echo "cmamem $*: exit status $status, expected $want" >&2
		echo "output: $output" >&2
		return 1
	fi
}

# run_helper EXPECTED_STATUS PROGRAM ARGS...: the same for a test program
# from tests/c.
run_helper() {
	local want=$1 prog=$2
	shift 2
	run target_run "$CMAMEM_TESTS/$prog" "$@"
	if [ "$status" -ne "$want" ]; then
		echo "$prog $*: exit status $status, expected $want" >&2
		echo "output: $output" >&2
		return 1
	fi
}

# loaded_ko: the module the guest loaded (CMAMEM_KMOD, tests/vm/guest-init),
# for suites that unload and reload it.
loaded_ko() {
	echo "${CMAMEM_KMOD:-$CMAMEM_TARGET_REPO/build/kmod-${CMAMEM_KVER:-6.1}-debug/cma_mem.ko}"
}

# module_params: the loaded module's parameters as insmod takes them,
# "NAME=VALUE " each, to reload it as it was. Four processes, not one per
# parameter: in the arm64 debug guest a process costs a second.
module_params() {
	target_sh "cd /sys/module/cma_mem/parameters && grep -r '' . | sed 's|^\./||; s|:|=|' | tr '\n' ' '"
}

# The number of live buffers: lines of the debugfs table after its header.
# One process: every test's teardown calls this.
buffer_count() {
	target_run awk 'END { print NR - 1 }' "$CMAMEM_DEBUGFS/buffers"
}

# CmaFree, in kB, read in a settled state. Freed CMA pages can sit on the
# per-cpu page lists, uncounted, until something drains them, which made
# back-to-back readings differ by a few hundred kB. A CMA allocation drains
# every list (alloc_contig_range()), so make one of two pages (from CMA, not
# from a pool), free it (two pages go back onto a list, the same two every
# time), then read.
# Freed CMA pages also go on the movable lists, so page cache fills them:
# after the storm suite CmaFree was 644 kB low with every buffer freed, and
# back within 24 kB once the page cache was dropped. Drop it first.
cma_free_kb() {
	target_sh "echo 1 >/proc/sys/vm/drop_caches &&
		id=\$('$CMAMEM_BIN' alloc 8K --from cma) && '$CMAMEM_BIN' free \"\$id\" &&
		awk '/^CmaFree:/ { print \$2 }' /proc/meminfo"
}

# Even settled, CmaFree moves between readings with no buffer alive: other
# movable memory (tmpfs, anonymous pages) lands in CMA's pageblocks. Tests
# that read it allow this much; the end of a suite checks cma_used_pages, which
# is exact, where the kernel has it.
: "${CMAMEM_CMA_SLACK_KB:=512}"
export CMAMEM_CMA_SLACK_KB

# stat_value KEY: one counter from the debugfs stats file.
stat_value() {
	target_sh "awk '\$1 == \"$1\" { print \$2 }' $CMAMEM_DEBUGFS/stats"
}

# report KEY N: add N to KEY in the run's summary, which tests/check prints
# after the guest runs ("reliability: ..."). Keys: ops, faults,
# fuzz_iterations, leaked_bytes. A no-op outside a guest run.
report() {
	[ -z "${CMAMEM_REPORT:-}" ] || echo "$1 $2" >>"$CMAMEM_REPORT"
}

# cma_used_pages: pages the CMA areas have handed out through cma_alloc(),
# summed over /sys/kernel/debug/cma/*/used (CONFIG_CMA_DEBUGFS), or "none"
# where the kernel does not say. Unlike CmaFree, it does not move when page
# cache, tmpfs or anonymous memory lands in CMA's pageblocks (on the 2-CPU
# 6.1 guest the attack suite left CmaFree 1 MB low with nothing of ours
# held). Pages, not kB: the arm64 root has no getconf, and only equality
# between two readings matters.
cma_used_pages() {
	target_sh "cat /sys/kernel/debug/cma/*/used 2>/dev/null |
		awk '{ s += \$1 } END { if (NR) print s; else print \"none\" }'"
}

# cma_mark: a reading of how much CMA is out, for assert_cma_back: "used N"
# (pages, exact) where the kernel counts its CMA allocations, else "free N"
# (CmaFree in kB, settled).
cma_mark() {
	local used
	used=$(cma_used_pages)
	if [ "$used" != none ]; then
		echo "used $used"
	else
		echo "free $(cma_free_kb)"
	fi
}

# assert_cma_back MARK WHEN: every page taken from CMA since cma_mark printed
# MARK is back: exactly, or CmaFree within CMAMEM_CMA_SLACK_KB.
assert_cma_back() {
	local kind=${1% *} base=${1#* } now drift
	if [ "$kind" = used ]; then
		now=$(cma_used_pages)
		[ "$now" -eq "$base" ] ||
			fail "the CMA areas have $now pages allocated $2, $base pages before"
		return 0
	fi
	now=$(cma_free_kb)
	drift=$((base - now))
	[ "${drift#-}" -le "$CMAMEM_CMA_SLACK_KB" ] ||
		fail "CmaFree is $now kB $2, $base kB before (more than $CMAMEM_CMA_SLACK_KB kB apart)"
}

# target_ready: fail, naming the cause and the fix, unless the target can run
# the device suites: reachable, root (the suites read debugfs and the kernel
# log, and write sysfs), the module loaded, debugfs mounted.
target_ready() {
	local why
	why=$(target_sh "
		[ \"\$(id -u)\" -eq 0 ] || { echo 'the suites run as root on the target (CMAMEM_TARGET=root@HOST)'; exit 1; }
		[ -c '$CMAMEM_DEV' ] || { echo 'there is no $CMAMEM_DEV (load the module: modprobe cma_mem)'; exit 1; }
		[ -d '$CMAMEM_DEBUGFS' ] || { echo 'there is no $CMAMEM_DEBUGFS (mount debugfs: mount -t debugfs none /sys/kernel/debug)'; exit 1; }
		[ -x '$CMAMEM_BIN' ] || { echo 'there is no $CMAMEM_BIN (build it: make, or set CMAMEM_BIN)'; exit 1; }
		exit 0" 2>&1) ||
		fail "cannot run $(basename "$BATS_TEST_FILENAME") on ${CMAMEM_TARGET:-this machine}: ${why:-the target did not answer}"
}

# A buffer's memory goes back where it came from (CMA, or the pool, which
# gives CMA its chunks only when it shrinks) when its last reference is
# gone, unless the driver defers the release: pages a pipe or another kernel
# user still pins when the last reference goes stay out, and the driver's
# pin reaper (a delayed work item, buffer.c) frees them once they are idle;
# the buffer shows as freed-pinned in the table meanwhile. Suites that pin
# pages wait for the reaper themselves.
common_setup_file() {
	target_ready
	BATS_SUITE_MARK="cmamem-test: begin $(basename "$BATS_TEST_FILENAME") $$-$RANDOM"
	target_sh "echo '$BATS_SUITE_MARK' >/dev/kmsg"
	CMAMEM_BASE_BUFFERS=$(buffer_count)
	CMAMEM_BASE_CMA=$(cma_mark)
	CMAMEM_BASE_USED=$(stat_value used_bytes)
	export BATS_SUITE_MARK CMAMEM_BASE_BUFFERS CMAMEM_BASE_CMA CMAMEM_BASE_USED
}

common_teardown_file() {
	local now_buffers now_used
	# A setup_file that failed has said why; there is no baseline to check.
	[ -n "${CMAMEM_BASE_USED:-}" ] || return 0
	now_buffers=$(buffer_count)
	now_used=$(stat_value used_bytes)
	# The module's own count of bytes it holds: what this suite left behind.
	report leaked_bytes $((now_used > CMAMEM_BASE_USED ? now_used - CMAMEM_BASE_USED : 0))
	kernel_log_clean
	[ "$now_buffers" -eq "$CMAMEM_BASE_BUFFERS" ] ||
		fail "suite leaked buffers: $now_buffers live, $CMAMEM_BASE_BUFFERS at start"
	assert_cma_back "$CMAMEM_BASE_CMA" "after the suite"
}

common_teardown() {
	local now
	now=$(buffer_count)
	[ "$now" -eq "$CMAMEM_BASE_BUFFERS" ] ||
		fail "leak check: $now buffers live after the test, $CMAMEM_BASE_BUFFERS before"
}

# The kernel log since this suite began must be free of reports.
kernel_log_clean() {
	local log
	log=$(mktemp "$BATS_FILE_TMPDIR/dmesg.XXXXXX")
	target_sh "dmesg" | sed -n "/$BATS_SUITE_MARK/,\$p" >"$log"
	[ -s "$log" ] || fail "the kernel log lost this suite's start mark"
	"$CMAMEM_REPO/tests/vm/check-dmesg" "$log" ||
		fail "the kernel reported problems during $(basename "$BATS_TEST_FILENAME")"
}
