#!/usr/bin/env bats
# The raw ABI where errors.bats, mmap.bats and lifetimes.bats leave off:
# what ALLOC makes of a request and lifetimes across processes and holders
# (tests/c/abi-lifetimes), EXPORT and its dma-buf without an importer
# (tests/c/dmabuf-abi), and rmmod with persistent buffers alive.

load test_helper/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { common_teardown; }

@test "ALLOC rounds sizes that are not whole pages up, in each cache mode; an alignment above the size sets the size" {
	run_helper 0 abi-lifetimes alloc-rounding
}

@test "INFO reports the CMA source whether it was asked for or not; FROM_POOL with no pool: ENOMEM, nothing made" {
	run_helper 0 abi-lifetimes alloc-source
}

@test "a space is not a name byte: ALLOC refuses it, and ATTACH by a name that cannot exist is EINVAL, not ENOENT" {
	run_helper 0 abi-lifetimes name-space
}

@test "a forked child's mapping keeps a buffer the parent unmapped and freed: the child reads it; it goes when the child exits" {
	run_helper 0 abi-lifetimes fork-outlives-free
}

@test "FREE by one of two holders: the other keeps the buffer, no longer persistent; the first gets EBUSY; the last close frees it" {
	run_helper 0 abi-lifetimes free-one-holder
}

@test "LIST answers at most 1024 ids a call: 1100 buffers come back complete, in id order, over two calls" {
	run_helper 0 abi-lifetimes list-max 1100
}

@test "UNCACHED and CACHED buffers come out of CMA and go back to it at FREE (CmaFree)" {
	run_helper 0 abi-lifetimes cma-each-mode
}

@test "with CMA taken, a larger ALLOC is ENOMEM (quietly: the suite's kernel log is checked) and a single page still works" {
	run_helper 0 abi-lifetimes cma-exhausted
}

@test "EXPORT: the fd has the flags, access and size asked for, is counted and named in bufinfo; its mapping alone keeps a freed buffer" {
	run_helper 0 dmabuf-abi export
}

@test "EXPORT with bad flags or a non-zero reserved field: EINVAL; bad ids: ENOENT; a buffer the file does not hold: EACCES" {
	run_helper 0 dmabuf-abi export-errors
}

@test "an export pins the module after its file and the buffer's mapping are gone" {
	run_helper 0 dmabuf-abi export-pins-module
}

@test "rmmod with persistent buffers alive and no file open succeeds and gives their memory back to CMA" {
	local ko=$CMAMEM_TARGET_REPO/build/kmod-${CMAMEM_KVER:-6.1}-debug/cma_mem.ko
	local before mark left during rc out
	[ "$(buffer_count)" -eq 0 ] || fail "buffers from earlier suites are alive, so the module cannot be reloaded"
	target_run test -f "$ko"
	before=$(cma_free_kb) mark=$(cma_mark)
	# 1M, 2M, 4M, 8M, 1M and 2M, in the three cache modes: 18M in all.
	run_helper 0 abi-lifetimes leave-persistent 6
	left=$(buffer_count)
	during=$(cma_free_kb)
	run target_sh "rmmod cma_mem && insmod '$ko'"
	rc=$status out=$output
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko"
	[ "$rc" -eq 0 ] || fail "rmmod and insmod: exit $rc: $out"
	[ "$left" -eq 6 ] || fail "$left buffers after leave-persistent 6"
	[ $((before - during)) -ge $((18432 - 2048)) ] ||
		fail "CmaFree fell by only $((before - during)) kB for 18M of persistent buffers"
	[ "$(buffer_count)" -eq 0 ] || fail "$(buffer_count) buffers after the reload"
	assert_cma_back "$mark" "after rmmod"
}
