#!/usr/bin/env bats
# Fuzzing: our own fuzzer (tests/c/fuzz) as root and as another
# uid, and Debian's trinity as another uid, against /dev/cma_mem. Each run
# is bounded by a count and seeded, so a failure reproduces:
#   CMAMEM_FUZZ_ITERATIONS (default 20000): the root run; the other uid's
#     is a quarter of it
#   CMAMEM_FUZZ_SEED (default 0xc7c7)
#   CMAMEM_TRINITY_OPS (default 500): trinity's syscalls
# `make fuzz` runs the full size (100000 and 5000) on both kernels.
# The leak check after each test and the suite's teardown (counts, CmaFree,
# kernel log) are what prove that nothing broke.

load test_helper/common
load test_helper/other_users
load test_helper/buffers

: "${CMAMEM_FUZZ_ITERATIONS:=20000}"
: "${CMAMEM_FUZZ_SEED:=0xc7c7}"
: "${CMAMEM_TRINITY_OPS:=500}"
FUZZER=1000
VICTIM=1001

teardown() { free_tracked; common_teardown; }

# fuzz_ok: the fuzzer's last line says it ran $1 iterations with no failure.
fuzz_ok() {
	[[ ${lines[-1]} == "fuzz: $1 iterations ("*", 0 failures" ]] ||
		fail "fuzz did not finish cleanly: ${lines[-1]}"
	report fuzz_iterations "$1"
}

@test "fuzz as root: random ioctls and mmaps, every answer as documented, nothing left behind" {
	run_helper 0 fuzz --seed "$CMAMEM_FUZZ_SEED" --iterations "$CMAMEM_FUZZ_ITERATIONS"
	fuzz_ok "$CMAMEM_FUZZ_ITERATIONS"
	[ "$(stat_value used_bytes)" -eq "$CMAMEM_BASE_USED" ] ||
		fail "used_bytes is $(stat_value used_bytes), $CMAMEM_BASE_USED before"
}

@test "fuzz as another uid, beside root's and a third uid's buffers, which stay as they were" {
	local n=$((CMAMEM_FUZZ_ITERATIONS / 4)) v r sum
	run as_user $VICTIM "$CMAMEM_BIN" alloc 64K --name fz-victim
	assert_success
	v=$output
	CMAMEM_TRACKED+=("$v")
	track_alloc 16K --name fz-root
	r=$output
	run_cmamem 0 fill "$v" --random --seed 5
	run_cmamem 0 checksum "$v"
	sum=$output
	run as_user $FUZZER "$CMAMEM_TESTS/fuzz" --seed "$((CMAMEM_FUZZ_SEED + 1))" --iterations "$n"
	[ "$status" -eq 0 ] || fail "fuzz as uid $FUZZER: exit $status: $output"
	fuzz_ok "$n"
	run_cmamem 0 checksum "$v"
	assert_output "$sum"
	run_cmamem 0 info "$r"
	assert_line "uid: 0"
}

@test "trinity as another uid: ioctl, mmap, munmap, mremap, mprotect and madvise on /dev/cma_mem" {
	local dir
	# trinity wants a writable cwd, and refuses to run as root. Only the
	# device is its victim file; no sockets (the guest's network stays out
	# of it), and no other fd providers that reach beyond the device.
	dir=$(target_sh "d=\$(mktemp -d) && chown $FUZZER:$FUZZER \$d && echo \$d")
	run as_user $FUZZER sh -c "cd $dir && exec trinity -q -l off -s 7 -N $CMAMEM_TRINITY_OPS -C 2 -a64 \
		-V $CMAMEM_DEV -c ioctl -c mmap -c munmap -c mremap -c mprotect -c madvise \
		--disable-fds=sockets,pipes,perf,epoll,eventfd,timerfd,testfile,memfd,drm"
	target_run rm -rf "$dir"
	[ "$status" -eq 0 ] || fail "trinity: exit $status: $output"
	refute_output --partial "became tainted"
	[[ $output =~ Ran\ ([0-9]+)\ syscalls ]] || fail "trinity ran no syscalls: $output"
	[ "${BASH_REMATCH[1]}" -ge "$CMAMEM_TRINITY_OPS" ] || fail "trinity ran ${BASH_REMATCH[1]} syscalls"
	report fuzz_iterations "${BASH_REMATCH[1]}"
}
