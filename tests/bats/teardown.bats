#!/usr/bin/env bats
# Unloading under readers: every interface of the module
# (debugfs, the misc device and its sysfs files) goes before what it reads
# is torn down. Readers of every sysfs, module parameter and debugfs file,
# as root and as uid 1000, loop while the module is unloaded and reloaded;
# the gate (KASAN, lockdep, WARNING, kmemleak) must stay clean. The module
# is left loaded with the parameters it had.
#
# A race: a wrong order shows only if a read lands in its window, and 20
# unloads under readers did not catch the order this replaced (pool torn
# down before the misc device went). teardown-arm64.bats checks the order
# itself on every run. So `make check` runs 5 unloads here, about 20 s each
# in the debug guest, and `make soak` the full 20 (CMAMEM_TEARDOWN_CYCLES).

load test_helper/common

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
teardown() { common_teardown; }

: "${CMAMEM_TEARDOWN_CYCLES:=5}"

@test "unload and reload $CMAMEM_TEARDOWN_CYCLES times under readers of every sysfs and debugfs file, as root and as uid 1000" {
	local ko stop params files p root_pid user_pid got
	ko=$(loaded_ko)
	[ "$(buffer_count)" -eq 0 ] || fail "buffers from earlier suites are alive, so the module cannot be reloaded"
	target_run test -f "$ko"
	# The parameters it has now, to reload with: the loop's pool_size=
	# comes after, and wins, so that the pool has chunks to tear down.
	params=$(module_params)
	[[ $params == *pool_size=* ]] || fail "parameters: $params"
	files=$(target_sh "find -L $CMAMEM_SYSFS -maxdepth 1 -type f -perm -0400;
		find /sys/module/cma_mem/parameters $CMAMEM_DEBUGFS -type f -perm -0400")
	for p in pool_clean_bytes pool_largest_free max_bytes_per_uid stats buffers pool_zero_paused; do
		[[ $files == *"/$p"* ]] || fail "no $p among the files to read: $files"
	done
	# The stop flag, where uid 1000 can see it (not under bats' 0700 dirs).
	stop=$(target_run mktemp -d /tmp/cmamem-teardown.XXXXXX)
	target_run chmod 0755 "$stop"
	stop=$stop/stop
	# shellcheck disable=SC2086
	target_run "$CMAMEM_TESTS/readers" loop "$stop" $files >"$BATS_TEST_TMPDIR/root.out" 3>&- &
	root_pid=$!
	# shellcheck disable=SC2086
	as_user 1000 "$CMAMEM_TESTS/readers" loop "$stop" $files >"$BATS_TEST_TMPDIR/user.out" 3>&- &
	user_pid=$!
	# Each cycle leaves the unload something to do: a persistent pooled
	# buffer, and a freed one that stays dirty. A debugfs file open holds
	# the module, so rmmod is retried (it fails at once, EWOULDBLOCK)
	# until it finds no reader inside one.
	run target_sh "unload() {
			for t in \$(seq 2000); do rmmod cma_mem 2>/dev/null && return; done
			rmmod cma_mem
		}
		for i in \$(seq $CMAMEM_TEARDOWN_CYCLES); do
			unload || exit 9
			insmod '$ko' $params pool_size=8M || exit 9
			echo 1 >$CMAMEM_DEBUGFS/pool_zero_paused &&
			'$CMAMEM_BIN' alloc 1M --from pool >/dev/null &&
			id=\$('$CMAMEM_BIN' alloc 2M --from pool --cache cached) &&
			'$CMAMEM_BIN' free \$id || exit 8
		done
		unload && insmod '$ko' $params"
	got=$output
	target_run touch "$stop"
	wait "$root_pid" || fail "root's readers: exit $?: $(cat "$BATS_TEST_TMPDIR/root.out")"
	wait "$user_pid" || fail "uid 1000's readers: exit $?: $(cat "$BATS_TEST_TMPDIR/user.out")"
	target_run rm -r "${stop%/stop}"
	# shellcheck disable=SC2086
	target_run test -c "$CMAMEM_DEV" || target_run insmod "$ko" $params
	[ "$status" -eq 0 ] || fail "the unload/reload loop: exit $status: $got"
	# Both read, and read something while the module was there.
	for p in root user; do
		grep -Eq '^loop: [1-9][0-9]* rounds, [1-9][0-9]* reads' "$BATS_TEST_TMPDIR/$p.out" ||
			fail "$p's readers: $(cat "$BATS_TEST_TMPDIR/$p.out")"
	done
	# Back as it was found.
	run module_params
	assert_output "$params"
	[ "$(target_run cat "$CMAMEM_SYSFS/pool_bytes")" -eq "$(target_run cat /sys/module/cma_mem/parameters/pool_size)" ]
}
