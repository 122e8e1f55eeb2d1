#!/usr/bin/env bats
# The CLI's error messages name the cause and the fix (src/cli/explain.c,
# buf_fail() in device.c), one line each, with the exit codes of cmamem(1).
# Each case is made on the fake device (tests/host-c/fakedev.c): the driver's
# sysfs files, its debugfs holders table, /proc/meminfo and the node are
# files in the test's directory. The guest suites check the same messages
# against the real driver (errors.bats, management.bats, pool.bats,
# attack.bats, install-udev.bats).

load host_helper

setup() {
	fake_setup
	export CMAMEM_SYSFS=$T/sysfs CMAMEM_DEBUGFS=$T/debug/cma_mem
	mkdir -p "$CMAMEM_SYSFS" "$CMAMEM_DEBUGFS" "$T/debug/cma"
	local f
	for f in max_total_bytes max_buffer_bytes max_buffers max_bytes_per_uid \
		 used_bytes buffers peak_bytes; do
		echo 0 > "$CMAMEM_SYSFS/$f"
	done
}

@test "no such buffer: by name and by id, exit 3, and where to look" {
	fk alloc 4K --name frame > /dev/null
	local a
	for a in "dump fram" "info fram" "free fram" "fill fram --counter" \
		 "sync fram --for cpu" "checksum fram" "export fram -- true"; do
		expect_err 3 "no buffer named 'fram' (cmamem list shows yours)" $a
	done
	for a in "dump 42" "info 42" "free 42" "copy 1 42" "verify 42"; do
		expect_err 3 "no buffer 42 (cmamem list shows yours)" $a
	done
	# An id is reported as the number it is, not as typed.
	expect_err 3 "no buffer 42 (cmamem list shows yours)" info 0042
}

@test "max_total_bytes: which limit, its value and the use; exit 5" {
	echo $((32 << 20)) > "$CMAMEM_SYSFS/max_total_bytes"
	expect_err 5 "alloc 48M: max_total_bytes is 32M, 0 in use (free buffers, or as root: cmamem limits --set max_total_bytes=48M)" alloc 48M
	run -0 fk alloc 20M
	expect_err 5 "alloc 16M: max_total_bytes is 32M, 20M in use (free buffers, or as root: cmamem limits --set max_total_bytes=36M)" alloc 16M
	# The kernel charges whole pages: 5000 bytes are 8K.
	run -0 fk alloc 12M
	expect_err 5 "alloc 5000: max_total_bytes is 32M, 32M in use (free buffers, or as root: cmamem limits --set max_total_bytes=32776K)" alloc 5000
}

@test "max_buffer_bytes: the most one buffer may take; exit 5" {
	echo $((1 << 20)) > "$CMAMEM_SYSFS/max_buffer_bytes"
	expect_err 5 "alloc 1025K: max_buffer_bytes is 1M, the most one buffer may take (root can raise it: cmamem limits --set max_buffer_bytes=1028K)" alloc 1025K
	run -0 fk alloc 1M
}

@test "max_buffers: the count and the use; exit 5" {
	echo 2 > "$CMAMEM_SYSFS/max_buffers"
	run -0 fk alloc 4K
	run -0 fk alloc 4K
	expect_err 5 "alloc 4K: max_buffers is 2, 2 in use (free one, or as root: cmamem limits --set max_buffers=3)" alloc 4K
	run -0 fk free 1
	run -0 fk alloc 4K
}

@test "max_bytes_per_uid: the quota and this uid's use; exit 5" {
	echo $((64 << 10)) > "$CMAMEM_SYSFS/max_bytes_per_uid"
	run -0 fk alloc 32K
	run -0 fk alloc 16K
	expect_err 5 "alloc 32K: max_bytes_per_uid is 64K, 48K in use by uid $(id -u) (free some, or as root: cmamem limits --set max_bytes_per_uid=80K)" alloc 32K
	# Bytes LIST does not show (here another user's, as the kernel's freed
	# but still mapped buffers would be) are named as such.
	sed -i "s/^\([0-9]* [0-9]*\) [0-9]*/\1 $(id -u)/" "$CMAMEM_FAKE_DIR/2.meta"
	run -0 fk alloc 8K
	echo 0 > "$CMAMEM_SYSFS/max_total_bytes"
}

@test "max_bytes_per_uid_unprivileged: the quota without CAP_SYS_ADMIN, when it is the smaller; exit 5" {
	echo $((64 << 10)) > "$CMAMEM_SYSFS/max_bytes_per_uid"
	echo $((32 << 10)) > "$CMAMEM_SYSFS/max_bytes_per_uid_unprivileged"
	# No CAP_SYS_ADMIN: the kernel applies the smaller of the two.
	local nocap=(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin)
	run -0 "${nocap[@]}" env LD_PRELOAD="$FAKE" "$CMAMEM" alloc 16K
	run --separate-stderr "${nocap[@]}" env LD_PRELOAD="$FAKE" "$CMAMEM" alloc 20K
	assert_failure 5
	assert_equal "$stderr" "cmamem: alloc 20K: max_bytes_per_uid_unprivileged is 32K, 16K in use by uid $(id -u) (free some, or as root: echo 36864 > $CMAMEM_SYSFS/max_bytes_per_uid_unprivileged)"
	# With it, only max_bytes_per_uid.
	run -0 fk alloc 20K
	expect_err 5 "alloc 32K: max_bytes_per_uid is 64K, 36K in use by uid $(id -u) (free some, or as root: cmamem limits --set max_bytes_per_uid=68K)" alloc 32K
	# Where max_bytes_per_uid is the smaller, it is the one named.
	echo $((128 << 10)) > "$CMAMEM_SYSFS/max_bytes_per_uid_unprivileged"
	run --separate-stderr "${nocap[@]}" env LD_PRELOAD="$FAKE" "$CMAMEM" alloc 32K
	assert_failure 5
	assert_equal "$stderr" "cmamem: alloc 32K: max_bytes_per_uid is 64K, 36K in use by uid $(id -u) (free some, or as root: cmamem limits --set max_bytes_per_uid=68K)"
}

@test "a limit that no longer refuses when read, and sysfs that cannot be read: still exit 5, saying so" {
	echo 1 > "$CMAMEM_SYSFS/max_buffers"
	run -0 fk alloc 4K
	# As if a buffer went between the refusal and the reading.
	echo 0 > "$CMAMEM_SYSFS/buffers"
	expect_err 5 "alloc 4K: refused by a device-wide limit, but none refuses it now (buffers were freed meanwhile, or no buffer id is left): try again; \`cmamem limits\` shows them" alloc 4K
	rm "$CMAMEM_SYSFS/used_bytes"
	expect_err 5 "alloc 4K: over a device-wide limit, but $CMAMEM_SYSFS/used_bytes cannot be read (No such file or directory); \`cmamem limits\` shows the limits" alloc 4K
	echo 0 > "$CMAMEM_SYSFS/max_buffers"
	run -0 fk alloc 4K
}

@test "CMA exhausted: how much is free, of how much, and the largest run when debugfs shows it; exit 1" {
	export CMAMEM_MEMINFO=$T/meminfo
	printf 'MemTotal:        4028928 kB\nCmaTotal:         262144 kB\nCmaFree:           20480 kB\n' > "$CMAMEM_MEMINFO"
	expect_err 1 "alloc 48M: CMA cannot give 48M contiguous: CmaFree is 20M of 256M (free buffers, or boot with a larger cma=)" alloc 48M
	# The CMA area's debugfs (root) gives the largest free run, in pages.
	mkdir -p "$T/debug/cma/reserved"
	echo $(((16 << 20) / $(getconf PAGESIZE))) > "$T/debug/cma/reserved/maxchunk"
	expect_err 1 "alloc 48M: CMA cannot give 48M contiguous: CmaFree is 20M of 256M, its largest free run 16M (free buffers, or boot with a larger cma=)" alloc 48M
	run -0 fk alloc 16M
}

@test "ENOMEM: more than all RAM, a kernel without CMA, --from pool; exit 1" {
	export CMAMEM_MEMINFO=$T/meminfo CMAMEM_CMDLINE=$T/cmdline
	echo "console=ttyS0 root=/dev/vda" > "$CMAMEM_CMDLINE"
	printf 'MemTotal:        1048576 kB\nCmaTotal:              0 kB\nCmaFree:               0 kB\n' > "$CMAMEM_MEMINFO"
	expect_err 1 "alloc 2G: more than all of RAM (MemTotal is 1G)" alloc 2G
	expect_err 1 "alloc 4K: out of memory, and the kernel has no CMA area (CmaTotal is 0 in $CMAMEM_MEMINFO): boot it with cma=SIZE" alloc 4K
	# Given cma= and still no area: too big to reserve, or no CONFIG_DMA_CMA
	# (a kernel without it ignores cma=, and refuses buffers over a page).
	echo "console=ttyS0 cma=256M quiet" > "$CMAMEM_CMDLINE"
	expect_err 1 "alloc 8K: out of memory, and the kernel has no CMA area (CmaTotal is 0 in $CMAMEM_MEMINFO) although it was booted with cma=256M: it could not reserve that much, or it is built without CONFIG_DMA_CMA (dmesg | grep -i cma shows which)" alloc 8K
	echo "console=ttyS0" > "$CMAMEM_CMDLINE"
	sed -i /^Cma/d "$CMAMEM_MEMINFO"
	expect_err 1 "alloc 4K: out of memory, and the kernel has no CMA area (no CmaTotal in $CMAMEM_MEMINFO): boot it with cma=SIZE" alloc 4K
	echo $((2 << 20)) > "$CMAMEM_SYSFS/pool_bytes"
	echo $((512 << 10)) > "$CMAMEM_SYSFS/pool_largest_free"
	expect_err 1 "alloc 1M --from pool: the pool's largest free extent is 512K, of 2M (use --from auto to fall back to CMA, or as root: cmamem pool --resize 3M)" alloc 1M --from pool
	run -0 fk alloc 512K --from pool
	echo 0 > "$CMAMEM_SYSFS/pool_bytes"
	echo 0 > "$CMAMEM_SYSFS/pool_largest_free"
	expect_err 1 "alloc 4K --from pool: there is no pool (root can make one: cmamem pool --resize SIZE; or use --from auto)" alloc 4K --from pool
}

# A node for the fake, owned by group $1 with mode $2; opening it fails
# with EACCES (13), as the kernel would for a user the mode keeps out.
deny_node() {
	export CMAMEM_FAKE_DEVICE=$T/cma_mem CMAMEM_DEVICE=$T/cma_mem CMAMEM_FAKE_OPEN_ERRNO=13
	: > "$CMAMEM_DEVICE"
	chgrp "$1" "$CMAMEM_DEVICE"
	chmod "$2" "$CMAMEM_DEVICE"
}

@test "permission denied: the node's real group, and the command that adds the user to it; exit 4" {
	local me group
	me=$(id -un)
	for group in video plugdev; do
		getent group "$group" > /dev/null || fail "no group $group on this host"
		deny_node "$group" 0660
		expect_err 4 "cannot open $T/cma_mem: permission denied (the device belongs to group $group: sudo usermod -aG $group $me, then log in again)" list
	done
	# By gid, for a group the database does not know.
	deny_node 54321 0660
	expect_err 4 "cannot open $T/cma_mem: permission denied (the device belongs to group 54321: sudo usermod -aG 54321 $me, then log in again)" alloc 4K
}

@test "permission denied on a root-only node: no group to join; exit 4" {
	deny_node root 0660
	expect_err 4 "cannot open $T/cma_mem: permission denied (the device is root's, mode 0660 group root: run as root, or give it a group with cmamem's udev rule, make install-udev)" info 1
	deny_node video 0600
	expect_err 4 "cannot open $T/cma_mem: permission denied (the device is root's, mode 0600 group video: run as root, or give it a group with cmamem's udev rule, make install-udev)" free 1
}

@test "a missing node is exit 1 and asks for the module" {
	expect_err 1 "cannot open /nonexistent/cma_mem: No such file or directory (is the cma_mem module loaded?)" --device /nonexistent/cma_mem list
}

# A buffer that another process made and holds: not persistent, so FREE
# from here is EBUSY.
busy_buffer() {
	fk alloc 4K > /dev/null
	sed -i 's/^\([0-9]*\) [0-9]*/\1 0/' "$CMAMEM_FAKE_DIR/1.meta"
}

@test "free of a buffer another process holds: who holds it, from debugfs holders; exit 1" {
	busy_buffer
	printf 'id pid comm kind\n1 156 prog handle\n1 156 prog map\n2 99 other handle\n' > "$CMAMEM_DEBUGFS/holders"
	expect_err 1 "buffer 1 is busy: held by pid 156 (prog); it is not persistent, so it goes when its holder closes it" free 1
	# Several holders (a process with two handles named once), a comm with
	# a space, tabs between the columns.
	printf 'id pid comm kind\n1\t156\tprog\thandle\n1 157 my prog handle\n1 156 prog handle\n1 158 cat export\n' > "$CMAMEM_DEBUGFS/holders"
	expect_err 1 "buffer 1 is busy: held by pid 156 (prog), pid 157 (my prog); it is not persistent, so it goes when its holder closes it" free 1
	# Nobody listed any more: it says so, and to try again.
	printf 'id pid comm kind\n' > "$CMAMEM_DEBUGFS/holders"
	expect_err 1 "buffer 1 is busy: another process holds it, though $CMAMEM_DEBUGFS/holders lists none now (it may have just let go): try again" free 1
}

@test "free of a busy buffer without the holders table: what is known, and how to find out" {
	busy_buffer
	expect_err 1 "buffer 1 is busy: another process holds it, and it is not persistent, so only that process can free it (\`cmamem holders\` as root shows who)" free 1
	# Unreadable as a user is the same: a directory stands in for EACCES.
	mkdir "$CMAMEM_DEBUGFS/holders"
	expect_err 1 "buffer 1 is busy: another process holds it, and it is not persistent, so only that process can free it (\`cmamem holders\` as root shows who)" free 1
}
