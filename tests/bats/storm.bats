#!/usr/bin/env bats
# The storm: processes doing every cma_mem operation at random at
# the same time, each buffer's contents checked on every read
# (tests/c/storm.c). Sized for `make check` by CMAMEM_STORM_PROCS and
# CMAMEM_STORM_SECONDS; `make soak` runs the full size. Afterwards the
# suite's teardown checks the kernel log, the buffer count and CmaFree, and
# the runner kmemleak and rmmod.

load test_helper/common

: "${CMAMEM_STORM_PROCS:=4}"
: "${CMAMEM_STORM_SECONDS:=30}"
# A fixed seed, so that a failure in `make check` can be replayed; soak
# runs pass their own.
: "${CMAMEM_STORM_SEED:=20261128}"

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { common_teardown; }

@test "storm: $CMAMEM_STORM_PROCS processes x $CMAMEM_STORM_SECONDS s of random operations, no error, no corruption" {
	run_helper 0 storm -p "$CMAMEM_STORM_PROCS" -t "$CMAMEM_STORM_SECONDS" -s "$CMAMEM_STORM_SEED"
	sed "s/^/# /" <<<"$output" >&3
	assert_line --regexp "^storm: [0-9]+ operations, 0 errors$"
	local line op n total=0
	# Every kind of operation happened; an op that never ran tests nothing.
	for line in "${lines[@]}"; do
		[[ $line == "op "* ]] || continue
		read -r _ op n <<<"$line"
		[ "$n" -gt 0 ] || fail "the storm never did '$op'"
		total=$((total + n))
	done
	[ "$total" -gt 0 ] || fail "no operations"
	report ops "$total"
}
