#!/usr/bin/env bats
# The trace events, system cma_mem (cma_mem(4), TRACING): enabled in a
# tracefs instance of the suite's own, each CLI operation, pool resize,
# refused allocation, page fault, dma-buf import (vivid) and dma-heap
# allocation leaves its event, with the ids and sizes the CLI reported;
# trace-cmd and perf, which read the events' format files, record and
# print them in words (perf where the kernel has perf events: not the arm64
# guest's).
#
# make check runs it on x86 6.1 and on the arm64 6.12 guest (ARM64_SUITES):
# the two kernel versions, one of each architecture, and the longest x86
# guest (6.12) keeps its time (tests/check, suites_for).
# check-on: 6.1

load test_helper/common
load test_helper/buffers

TRACEFS=/sys/kernel/tracing
INST=$TRACEFS/instances/cmamem-bats

setup_file() {
	common_setup_file
	target_sh "mountpoint -q $TRACEFS || mount -t tracefs nodev $TRACEFS
		mkdir $INST && echo 1 >$INST/events/cma_mem/enable" ||
		fail "cannot enable the cma_mem events in $INST"
}

# The events hold the module while enabled: disable them before rmmod.
teardown_file() {
	target_sh "echo 0 >$INST/events/cma_mem/enable && rmdir $INST &&
		if [ -d /sys/module/vivid ]; then rmmod vivid; fi" ||
		fail "cannot remove $INST or unload vivid"
	common_teardown_file
}

# What the test made freed, then in one guest shell (a process costs in the
# debug guest): no filter, no limit, the pool zeroing again, no pool, and an
# empty trace for the next test.
teardown() {
	free_tracked
	target_sh "echo 0 >$INST/events/cma_mem/cma_mem_alloc/filter
		echo 0 >$CMAMEM_SYSFS/max_buffer_bytes
		echo 0 >$CMAMEM_DEBUGFS/pool_zero_paused
		echo 0 >$CMAMEM_SYSFS/pool_bytes; echo >$INST/trace"
	common_teardown
}

# take_events: the instance's events since the last take into EV, one
# "name: fields" each, in order; the buffer is emptied.
take_events() {
	local line
	EV=()
	while IFS= read -r line; do
		[[ $line =~ \ (cma_mem_[a-z_]+:\ .*)$ ]] && EV+=("${BASH_REMATCH[1]}")
	done < <(target_sh "cat $INST/trace; echo >$INST/trace")
}

# event REGEX: the first of EV that matches REGEX (anchored at both ends),
# in $output, its groups in BASH_REMATCH; fails, listing EV, if none does.
event() {
	local e
	for e in "${EV[@]}"; do
		if [[ $e =~ ^$1$ ]]; then
			output=$e
			return 0
		fi
	done
	fail "no event matches '$1' among: $(printf '\n  %s' "${EV[@]}")"
}

# no_event REGEX: none of EV matches.
no_event() {
	local e
	for e in "${EV[@]}"; do
		[[ ! $e =~ ^$1$ ]] || fail "unexpected event: $e"
	done
}

# info_field ID KEY: a number from `cmamem info ID --json`.
info_field() {
	run_cmamem 0 info "$1" --json
	[[ $output =~ \"$2\":([0-9]+) ]] || fail "no $2 in $output"
	echo "${BASH_REMATCH[1]}"
}

# last_id: ID, the last line of $output that is a buffer id, as `cmamem
# alloc` prints it among a tracer's messages; tracked, to be freed.
last_id() {
	local l
	ID=
	for l in "${lines[@]}"; do
		[[ $l =~ ^[0-9]+$ ]] && ID=$l
	done
	[ -n "$ID" ] || fail "no buffer id in: $output"
	CMAMEM_TRACKED+=("$ID")
}

N='[0-9]+'

@test "alloc, fill, sync, export, free: each leaves its event with the CLI's id and size" {
	local id dma
	# cmamem alloc makes persistent buffers; each command after it holds a
	# handle while it runs, whose drop is a cma_mem_free by=close.
	track_alloc 64K --cache cached
	id=$output
	dma=$(info_field "$id" dma_addr)
	run_cmamem 0 fill "$id" --pattern 7
	run_cmamem 0 sync "$id" --for cpu --offset 4K --length 8K
	run_cmamem 0 export "$id" -- true
	run_cmamem 0 free "$id"
	take_events
	event "cma_mem_alloc: id=$id size=65536 cache=cached source=cma flags=persist uid=0 latency_ns=$N result=0 refused=none dma_addr=0x([0-9a-f]+) region=default"
	[ $((16#${BASH_REMATCH[1]})) -eq "$dma" ] || fail "dma_addr 0x${BASH_REMATCH[1]}, INFO says $dma"
	# fill maps the whole buffer once; the mapping's mode is the one the
	# DMA layer gives (cached where the device is coherent).
	event "cma_mem_map: id=$id offset=0 length=65536 cache=$(effective_cache cached) start=0x[0-9a-f]+"
	event "cma_mem_unmap: id=$id offset=0 length=65536 cache=[a-z]+ start=0x[0-9a-f]+"
	event "cma_mem_sync: id=$id offset=4096 length=8192 sync=for_cpu dir=bidirectional via=ioctl"
	event "cma_mem_export: id=$id size=65536 fd=$N result=0"
	# FREE drops the buffer's persistence, its last reference: the memory
	# goes back to CMA at once.
	event "cma_mem_free: id=$id size=65536 refs=0 by=free"
	event "cma_mem_release: id=$id size=65536 to=cma age_ms=$N"
}

@test "a refused alloc: id 0, the errno, the limit's name; a filter on result keeps only failures" {
	target_sh "echo 65536 >$CMAMEM_SYSFS/max_buffer_bytes
		echo 'result != 0' >$INST/events/cma_mem/cma_mem_alloc/filter"
	run_cmamem 5 alloc 65537 --from pool
	track_alloc 4K
	run_cmamem 1 alloc 8K --from pool
	take_events
	event "cma_mem_alloc: id=0 size=65537 cache=wc source=pool flags=persist uid=0 latency_ns=0 result=-28 refused=max_buffer_bytes dma_addr=0x0 region=default"
	event "cma_mem_alloc: id=0 size=8192 cache=wc source=pool flags=persist uid=0 latency_ns=$N result=-12 refused=nomem dma_addr=0x0 region=default"
	no_event "cma_mem_alloc: .* result=0 .*"
}

@test "the pool: grow, a pooled buffer, zeroing inline and in the background, shrink" {
	local a b chunk
	run_cmamem 0 pool --resize 4M
	track_alloc 1M --from pool
	a=$output
	target_sh "echo 1 >$CMAMEM_DEBUGFS/pool_zero_paused"
	run_cmamem 0 free "$a"
	# The only clean space is 3M: a 4M buffer zeroes the freed 1M itself.
	track_alloc 4M --from pool
	b=$output
	target_sh "echo 0 >$CMAMEM_DEBUGFS/pool_zero_paused"
	take_events
	event "cma_mem_pool_grow: bytes=4194304 dma_addr=(0x[0-9a-f]+)"
	chunk=${BASH_REMATCH[1]}
	event "cma_mem_alloc: id=$a size=1048576 cache=wc source=pool flags=persist uid=0 latency_ns=$N result=0 refused=none dma_addr=$chunk region=default"
	event "cma_mem_release: id=$a size=1048576 to=pool age_ms=$N"
	event "cma_mem_pool_zero: bytes=1048576 dma_addr=$chunk by=inline latency_ns=$N"
	event "cma_mem_alloc: id=$b size=4194304 cache=wc source=pool flags=persist uid=0 latency_ns=$N result=0 refused=none dma_addr=$chunk region=default"
	# Freed, the 4M goes to the work item: trace_pipe blocks until its
	# event comes (and consumes what it reads).
	run_cmamem 0 free "$b"
	run target_sh "timeout 60 grep -m1 ' cma_mem_pool_zero: bytes=4194304 ' $INST/trace_pipe"
	assert_success
	assert_output --regexp "cma_mem_pool_zero: bytes=4194304 dma_addr=$chunk by=background latency_ns=$N$"
	run_cmamem 0 pool --resize 0
	take_events
	event "cma_mem_pool_shrink: bytes=4194304 dma_addr=$chunk"
}

@test "MADV_DONTNEED: each zapped page faults back, traced with its buffer page; two mappings, two unmaps" {
	local id
	run_helper 0 map-lifecycle zap-refault
	take_events
	event "cma_mem_alloc: id=($N) size=65536 .* result=0 .*"
	id=${BASH_REMATCH[1]}
	# map-lifecycle maps all 16 pages, and pages 5 to 8 again.
	event "cma_mem_map: id=$id offset=0 length=65536 .*"
	event "cma_mem_map: id=$id offset=20480 length=16384 .*"
	event "cma_mem_fault: id=$id page=0 address=0x[0-9a-f]+ result=0"
	event "cma_mem_fault: id=$id page=15 address=0x[0-9a-f]+ result=0"
	event "cma_mem_fault: id=$id page=5 address=0x[0-9a-f]+ result=0"
	event "cma_mem_unmap: id=$id offset=20480 length=16384 .*"
	event "cma_mem_unmap: id=$id offset=0 length=65536 .*"
	no_event "cma_mem_fault: .* result=-.*"
}

@test "a dma-buf imported by vivid: export, attach and detach name the device; the dma-heap node's allocation and its dma-buf syncs" {
	local id dev
	target_run modprobe vivid n_devs=1 node_types=0x1 allocators=1 ||
		fail "modprobe vivid failed"
	track_alloc 128K --name trace-vivid
	id=$output
	run_helper 0 dmabuf-vivid dmabuf trace-vivid
	run_helper 0 dmabuf-vivid heap
	take_events
	event "cma_mem_export: id=$id size=131072 fd=$N result=0"
	event "cma_mem_attach: id=$id dev=(.+)"
	dev=${BASH_REMATCH[1]}
	[[ $dev == vivid* ]] || fail "the importer is '$dev', not vivid"
	event "cma_mem_detach: id=$id dev=$dev"
	# The heap's buffer: an alloc with the heap flag, then the heap event.
	event "cma_mem_alloc: id=($N) size=$N cache=cached source=cma flags=heap uid=0 .* result=0 .*"
	id=${BASH_REMATCH[1]}
	event "cma_mem_heap_alloc: size=$N fd=$N result=0"
	event "cma_mem_attach: id=$id dev=$dev"
	event "cma_mem_sync: id=$id offset=0 length=$N sync=for_cpu dir=[a-z_]+ via=dma_buf"
	event "cma_mem_sync: id=$id offset=0 length=$N sync=for_device dir=[a-z_]+ via=dma_buf"
	event "cma_mem_release: id=$id .*"
}

@test "trace-cmd records the cma_mem events and reports them in words" {
	local f=$BATS_TEST_TMPDIR/trace.dat
	# Its own instance, which it removes when done; it writes its per-CPU
	# files in the working directory.
	run target_sh "cd $BATS_TEST_TMPDIR && trace-cmd record -q -B cmamem-tc \
		-e cma_mem -o $f $CMAMEM_BIN alloc 8K --cache uncached"
	last_id
	assert_success
	run target_run trace-cmd report -i "$f"
	assert_success
	assert_output --regexp "cma_mem_alloc: +id=$ID size=8192 cache=uncached source=cma flags=persist uid=0 latency_ns=$N result=0 refused=none dma_addr=0x[0-9a-f]+ region=default"
	refute_output --partial "FAILED TO PARSE"
}

@test "perf records the cma_mem events and prints them in words" {
	local f=$BATS_TEST_TMPDIR/perf.data
	# The arm64 guest's kernel has no CONFIG_PERF_EVENTS (its config
	# leaves it out), so there is no perf_event_open() to record with.
	target_run test -e /proc/sys/kernel/perf_event_paranoid ||
		skip "this kernel has no perf events (CONFIG_PERF_EVENTS is not set)"
	run target_run perf record -q -e 'cma_mem:*' -o "$f" -- \
		"$CMAMEM_BIN" alloc 16K --from cma
	last_id
	assert_success
	run target_run perf script -i "$f"
	assert_success
	assert_output --regexp "cma_mem:cma_mem_alloc: id=$ID size=16384 cache=wc source=cma flags=persist uid=0 latency_ns=$N result=0 refused=none dma_addr=0x[0-9a-f]+ region=default"
}
