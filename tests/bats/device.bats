#!/usr/bin/env bats
# The device node, the CMA area behind it, and the module's housekeeping.

load test_helper/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { common_teardown; }

@test "/dev/cma_mem is a character device, mode 0660, root:root" {
	run target_run stat -c '%F %a %U:%G' "$CMAMEM_DEV"
	assert_success
	assert_output "character special file 660 root:root"
}

@test "the device's misc minor is registered under /sys/class/misc" {
	run target_sh "cat /sys/class/misc/cma_mem/dev"
	assert_success
	assert_output --regexp '^10:[0-9]+$'
}

@test "the kernel has a CMA area for the buffers to come from" {
	run cma_free_kb
	assert_success
	[ "$output" -gt 0 ]
	run target_sh "awk '/^CmaTotal:/ { print \$2 }' /proc/meminfo"
	[ "$output" -ge 65536 ]
}

@test "the debugfs buffer table starts with its header and no buffers" {
	run target_run head -n 1 "$CMAMEM_DEBUGFS/buffers"
	assert_success
	assert_output --regexp '^id +name +size'
	run buffer_count
	assert_output "$CMAMEM_BASE_BUFFERS"
}
