#!/usr/bin/env bats
# The unload order, read from the kernel: every interface of the module (the
# heap node, debugfs, the misc device with its sysfs files) is gone before
# the buffers and the pool they read are torn down (src/kmod/main.c,
# cmamem_exit()). teardown.bats races readers against unloads under KASAN,
# which catches a wrong order only when a read lands in the window; this
# suite reads the order itself, with kprobe events on each step, so a wrong
# order fails every time. arm64 guests only (tests/check): the x86 guest
# kernels have no kprobe events.

load test_helper/common

TRACING=/sys/kernel/tracing
EVENTS=$TRACING/events/cmamem_unload

setup_file() {
	common_setup_file
	target_sh "[ -e $TRACING/kprobe_events ] || mount -t tracefs tracefs $TRACING"
	# misc_deregister() returns once the device and its sysfs files are gone
	# (kernfs waits for reads in progress); the heap node is a misc device
	# too, so rmmod's unload returns from it twice.
	target_sh "echo 'r:cmamem_unload/device_gone misc_deregister' >>$TRACING/kprobe_events &&
		echo 'r:cmamem_unload/debugfs_gone cma_mem:cmamem_debugfs_exit' >>$TRACING/kprobe_events &&
		echo 'p:cmamem_unload/release_buffers cma_mem:cmamem_buf_release_all' >>$TRACING/kprobe_events &&
		echo 'p:cmamem_unload/pool_teardown cma_mem:cmamem_pool_exit' >>$TRACING/kprobe_events &&
		echo 'comm == \"rmmod\"' >$EVENTS/device_gone/filter &&
		echo 1 >$EVENTS/enable"
}

teardown_file() {
	target_sh "echo 0 >$EVENTS/enable && echo >$TRACING/trace &&
		for e in device_gone debugfs_gone release_buffers pool_teardown; do
			echo \"-:cmamem_unload/\$e\" >>$TRACING/kprobe_events || exit 1
		done"
	common_teardown_file
}

teardown() { common_teardown; }

@test "rmmod removes the heap node, debugfs and the misc device with its sysfs files before it releases buffers and tears down the pool" {
	local ko params steps
	ko=$(loaded_ko)
	[ "$(buffer_count)" -eq 0 ] || fail "buffers from earlier suites are alive, so the module cannot be reloaded"
	params=$(module_params)
	# A pool with a chunk, so that its teardown has something to free.
	run target_sh "echo >$TRACING/trace && rmmod cma_mem && insmod '$ko' $params pool_size=4M &&
		rmmod cma_mem && cat $TRACING/trace"
	local trace=$output rc=$status
	# shellcheck disable=SC2086
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko" $params
	[ "$rc" -eq 0 ] || fail "rmmod, insmod, rmmod: exit $rc: $trace"
	steps=$(sed -n 's/.* \(device_gone\|debugfs_gone\|release_buffers\|pool_teardown\): .*/\1/p' <<<"$trace" | tr '\n' ' ')
	# Two unloads, each: the heap node, debugfs, /dev/cma_mem, then what
	# they read.
	assert_equal "$steps" "$(for i in 1 2; do printf '%s ' device_gone debugfs_gone device_gone release_buffers pool_teardown; done)"
	run target_run cat /sys/module/cma_mem/parameters/pool_size
	assert_success
	[[ " $params " == *" pool_size=$output "* ]] || fail "reloaded with pool_size=$output, not as found: $params"
}
