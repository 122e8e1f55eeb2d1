#!/usr/bin/env bats
# A device suite run where it cannot run (no module, no debugfs, no target)
# says why in one line, and nothing else: its teardown must not pile helper
# errors on top of the reason (it did: "the kernel log lost this suite's
# start mark", "[: : integer expression expected").

load host_helper

# suite_on ENV...: run device.bats with the given environment, as a user
# would against a board.
suite_on() {
	run env "$@" bats --tap "$REPO/tests/bats/device.bats"
}

refute_noise() {
	refute_output --partial "integer expression"
	refute_output --partial "lost this suite's start mark"
	refute_output --partial "leaked buffers"
	refute_output --partial "No such file or directory"
}

@test "no device node: the suite names the module to load" {
	suite_on CMAMEM_DEV=/nonexistent/cma_mem
	assert_failure
	assert_output --partial "cannot run device.bats on ${CMAMEM_TARGET:-this machine}: there is no /nonexistent/cma_mem (load the module: modprobe cma_mem)"
	refute_noise
}

@test "no debugfs: the suite says how to mount it" {
	suite_on CMAMEM_DEV=/dev/null CMAMEM_DEBUGFS=/nonexistent/debugfs
	assert_failure
	assert_output --partial "there is no /nonexistent/debugfs (mount debugfs: mount -t debugfs none /sys/kernel/debug)"
	refute_noise
}

@test "an unreachable target: the suite shows ssh's reason" {
	suite_on CMAMEM_TARGET=root@127.0.0.1:1 CMAMEM_SSH_OPTS="-o BatchMode=yes -o ConnectTimeout=5"
	assert_failure
	assert_output --partial "cannot run device.bats on root@127.0.0.1:1: ssh: connect to host 127.0.0.1 port 1"
	refute_noise
}
