#!/usr/bin/env bats
# The udev rule `make install` installs, applied by udev to the real node.
#
# `make install-udev` (the recipe `make install` runs) writes the rule into
# /run/udev/rules.d, which udev reads and the guest can write (its /etc is the
# host's, read-only). The guest runs no udevd, so `udevadm test` runs the rules
# for /sys/class/misc/cma_mem: it applies OWNER, GROUP and MODE to the node
# itself ("Setting permissions ..."), as udevd does for an add event. Each test
# first sets the node to 0600 root:root, so only the rule can give it what the
# test then reads back with stat, and an unprivileged process shows what the
# mode and group mean. The node's mode and owner come back at the end.

load test_helper/common

RULE=/run/udev/rules.d/60-cmamem.rules

setup_file() {
	common_setup_file
	target_run sh -c 'command -v udevadm' >/dev/null || fail "no udevadm on the target (tests/deps installs udev)"
	# A rule of the same name in /etc shadows one in /run: the test would
	# read the installed rule's verdict, not this one's.
	if target_run test -e /etc/udev/rules.d/60-cmamem.rules; then
		fail "/etc/udev/rules.d/60-cmamem.rules exists and would shadow the rule under test: move it aside to run this suite"
	fi
	CMAMEM_NODE_WAS=$(target_run stat -c '%a %u %g' "$CMAMEM_DEV")
	export CMAMEM_NODE_WAS
}

teardown_file() {
	local mode uid gid
	if [ -n "${CMAMEM_NODE_WAS:-}" ]; then
		read -r mode uid gid <<<"$CMAMEM_NODE_WAS"
		target_run rm -f "$RULE"
		target_run chown "$uid:$gid" "$CMAMEM_DEV"
		target_run chmod "$mode" "$CMAMEM_DEV"
	fi
	common_teardown_file
}

teardown() { common_teardown; }

# apply_rule [MAKE VARIABLES...]: install the rule, reset the node, run udev.
apply_rule() {
	run target_run make -s -C "$CMAMEM_TARGET_REPO" install-udev UDEVRULESDIR=/run/udev/rules.d "$@"
	assert_success
	target_run chown root:root "$CMAMEM_DEV"
	target_run chmod 0600 "$CMAMEM_DEV"
	run target_run udevadm test --action=add /sys/class/misc/cma_mem
	assert_success
}

@test "the installed udev rule makes /dev/cma_mem mode 0660, group video" {
	local gid
	gid=$(target_run getent group video | cut -d: -f3)
	[ -n "$gid" ] || fail "no group video on the target"
	apply_rule
	assert_output --partial "$RULE:"
	assert_output --partial "Setting permissions $CMAMEM_DEV, uid=0, gid=$gid, mode=0660"
	run target_run stat -c '%F %a %U:%G' "$CMAMEM_DEV"
	assert_output "character special file 660 root:video"
}

@test "make install UDEV_GROUP=audio picks the group" {
	target_run getent group audio >/dev/null || fail "no group audio on the target"
	apply_rule UDEV_GROUP=audio
	# /dev/cma_mem's rule, the heap node's, and the commented uaccess one.
	run target_run grep -c 'GROUP="audio", MODE="0660"' "$RULE"
	assert_output 3
	run target_run stat -c '%a %U:%G' "$CMAMEM_DEV"
	assert_output "660 root:audio"
}

@test "with the rule, a member of the group opens the device and others do not" {
	local gid
	gid=$(target_run getent group video | cut -d: -f3)
	[ -n "$gid" ] || fail "no group video on the target"
	apply_rule
	# nobody, with video as its only group: the group's rw bits let it in.
	run target_run setpriv --reuid=65534 --regid=65534 --groups="$gid" "$CMAMEM_BIN" list
	assert_success
	# nobody in no group: mode 0660 keeps it out (exit 4), and the message
	# names the node's group and how to join it.
	run target_run setpriv --reuid=65534 --regid=65534 --clear-groups "$CMAMEM_BIN" list
	assert_failure 4
	assert_output "cmamem: cannot open $CMAMEM_DEV: permission denied (the device belongs to group video: sudo usermod -aG video $(target_run getent passwd 65534 | cut -d: -f1), then log in again)"
}

@test "the installed udev rule gives the dma-heap node /dev/cma_mem's mode and group" {
	local gid node=/dev/dma_heap/cma_mem was
	gid=$(target_run getent group video | cut -d: -f3)
	[ -n "$gid" ] || fail "no group video on the target"
	target_run test -c "$node" || fail "there is no $node"
	was=$(target_run stat -c '%a %u:%g' "$node")
	apply_rule
	target_run chown root:root "$node"
	target_run chmod 0600 "$node"
	run target_run udevadm test --action=add /sys/class/misc/cma_mem_heap
	target_run chown "${was#* }" "$node"
	target_run chmod "${was%% *}" "$node"
	assert_success
	assert_output --partial "Setting permissions $node, uid=0, gid=$gid, mode=0660"
}
