#!/usr/bin/env bats
# How long buffers and their memory live: FREE while mapped, closing files,
# forked files, handles from ATTACH, persistence across processes, and the
# module pinned by what uses it. Memory is checked in the debugfs table
# (which lists every buffer whose memory exists) and in CmaFree.

load test_helper/common
load test_helper/buffers

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { free_tracked; common_teardown; }

@test "FREE while mapped: unreachable at once, the mapping stays valid and writable, the memory returns at munmap" {
	run_helper 0 map-lifecycle free-while-mapped
}

@test "closing the file frees the non-persistent buffers it held, and leaves the persistent one" {
	run_helper 0 map-lifecycle close-frees
}

@test "closing the file with a mapping: the mapping keeps the file, its buffers go at munmap" {
	run_helper 0 map-lifecycle close-while-mapped
}

@test "a forked copy of the file keeps its buffers until the last copy closes" {
	run_helper 0 map-lifecycle fork-fd
}

@test "ATTACH from a second file adds a handle; closing that file drops it; FREE then frees" {
	run_helper 0 map-lifecycle attach-handles
}

@test "an open file, and a mapping whose file is closed, each pin the module" {
	run_helper 0 map-lifecycle module-pinned
}

@test "a persistent buffer outlives the process that made it, with no handle, until FREE" {
	track_alloc 1M --name outlives
	run_cmamem 0 info outlives
	assert_line "handles: 0"
	assert_line "persistent: yes"
	# The state, the 16th column.
	run target_sh "awk '\$2 == \"outlives\" { print \$16 }' $CMAMEM_DEBUGFS/buffers"
	assert_output live
	run_cmamem 0 free outlives
	run target_sh "awk '\$2 == \"outlives\"' $CMAMEM_DEBUGFS/buffers"
	assert_output ""
}

# The per-cpu page lists can hold a few freed pages back from the CmaFree
# count for a while; a buffer's memory is far more than that.
CMA_SLACK_KB=4096

@test "a freed 64M buffer's memory goes back to CMA (CmaFree), and comes out of it while allocated" {
	local before during after
	before=$(cma_free_kb)
	track_alloc 64M
	local id=$output
	during=$(cma_free_kb)
	[ $((before - during)) -ge $((65536 - CMA_SLACK_KB)) ] ||
		fail "CmaFree fell by $((before - during)) kB for a 64M buffer"
	run_cmamem 0 free "$id"
	after=$(cma_free_kb)
	[ $((before - after)) -le "$CMA_SLACK_KB" ] ||
		fail "CmaFree is $after kB after FREE, $before kB before the alloc"
}
