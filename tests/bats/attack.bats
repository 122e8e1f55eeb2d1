#!/usr/bin/env bats
# The unprivileged attack suite: what another uid, with no
# capabilities, tries against other users' buffers and the machine, and
# none of it works:
# - other uids' buffers, found by guessing ids, names or mmap offsets,
#   cannot be looked at, read, written, mapped, freed, attached, exported or
#   synced, and answer as buffers that do not exist (ENOENT; mmap EINVAL)
#   (tests/c/attack guess, ioctl-abi foreign, and the CLI);
# - names are per owner: a user cannot squat the name a root service
#   attaches, and root reaches another user's buffer only by id or UID:NAME;
# - the effective uid owns a buffer and pays for it;
# - the limits cannot be written, debugfs cannot be read;
# - no DMA or physical address: ALLOC, INFO, legacy ALLOC, pagemap;
# - the quota holds (EDQUOT), also for a persistent buffer whose process is
#   gone, and for a dma-buf passed to another uid over a unix socket: it
#   counts against its owner until the last fd closes;
# - a fresh buffer never shows what the previous user of its memory wrote,
#   in every cache mode.

load test_helper/common
load test_helper/other_users
load test_helper/buffers

ATTACKER=1000
VICTIM=1001


teardown() {
	target_sh "echo 0 >$CMAMEM_SYSFS/max_bytes_per_uid"
	free_tracked
	common_teardown
}

# user_alloc UID ARGS...: `cmamem alloc ARGS` as UID, which must work; the
# id is in $output, and root frees it in teardown.
user_alloc() {
	local uid=$1
	shift
	run as_user "$uid" "$CMAMEM_BIN" alloc "$@"
	assert_success
	[[ $output =~ ^[0-9]+$ ]] || fail "alloc as uid $uid printed '$output'"
	CMAMEM_TRACKED+=("$output")
}

# The ids of every live buffer, comma-separated.
all_ids() {
	target_sh "tail -n +2 $CMAMEM_DEBUGFS/buffers | cut -d' ' -f1 | paste -sd, -"
}

@test "guessing ids, names and mmap offsets: no other uid's buffer can be seen, attached, freed, synced, exported or mapped" {
	local v v1 v2 r mine victims sum1 sum2
	user_alloc $VICTIM 64K --name atk-victim
	v1=$output
	user_alloc $VICTIM 32K --name atk-victim-c --cache cached
	v2=$output
	track_alloc 16K --name atk-root
	r=$output
	run as_user $VICTIM "$CMAMEM_BIN" fill "$v1" --random --seed 3
	assert_success
	run as_user $VICTIM "$CMAMEM_BIN" checksum "$v1"
	sum1=$output
	run as_user $VICTIM "$CMAMEM_BIN" checksum "$v2"
	sum2=$output
	# The attacker's own, which it may use.
	user_alloc $ATTACKER 8K
	mine=$output
	victims=$(all_ids | tr , '\n' | grep -vx "$mine" | paste -sd, -)
	for v in "$v1" "$v2" "$r"; do
		[[ ,$victims, == *,$v,* ]] || fail "victim $v is not in $victims"
	done
	run as_user $ATTACKER "$CMAMEM_TESTS/attack" guess "$mine" "$victims" atk-victim,atk-victim-c,atk-root
	assert_success
	# Nothing changed for the victim.
	run as_user $VICTIM "$CMAMEM_BIN" checksum "$v1"
	assert_output "$sum1"
	run as_user $VICTIM "$CMAMEM_BIN" checksum "$v2"
	assert_output "$sum2"
	run_cmamem 0 info atk-root
	assert_line "uid: 0"
}

@test "root's buffer does not exist for a foreign uid: ENOENT (INFO, ATTACH, also as 0:NAME, SYNC, EXPORT, FREE), EINVAL for mmap, not in LIST, its name free" {
	track_alloc 64K --name rootbuf
	local id=$output off
	run_cmamem 0 info "$id"
	off=$(sed -n 's/^mmap_offset: //p' <<<"$output")
	run as_user $ATTACKER "$CMAMEM_TESTS/ioctl-abi" foreign "$id" rootbuf "$off" 0
	local rc=$status out=$output
	run_cmamem 0 free "$id"
	[ "$rc" -eq 0 ] || fail "ioctl-abi foreign exited $rc: $out"
}

@test "a foreign uid's CLI commands on root's buffer exit 3 (no such buffer) and change nothing" {
	track_alloc 8K --name atk-cli
	local id=$output args
	for args in "info $id" "dump $id" "free $id" "fill $id --pattern 0xff" "sync $id --for cpu" \
		    "info atk-cli" "info 0:atk-cli" "free 0:atk-cli" "export 0:atk-cli -- true"; do
		# shellcheck disable=SC2086
		run as_user $ATTACKER "$CMAMEM_BIN" $args
		[ "$status" -eq 3 ] || fail "cmamem $args as uid $ATTACKER: exit $status, expected 3: $output"
		case ${args#* } in
		0:atk-cli*) want="cmamem: no buffer named 'atk-cli' of uid 0 (as root, cmamem list --all shows every user's)" ;;
		atk-cli*) want="cmamem: no buffer named 'atk-cli' (cmamem list shows yours)" ;;
		*) want="cmamem: no buffer $id (cmamem list shows yours)" ;;
		esac
		assert_output "$want"
	done
	run as_user $ATTACKER "$CMAMEM_BIN" list
	assert_success
	refute_listed "$id"
	run_cmamem 0 dump "$id"
	assert_equal "$output" "$(head -c 8192 /dev/zero | hexdump -C)"
	run_cmamem 0 free "$id"
}

@test "another uid cannot write the limits, read debugfs or arm its fault points" {
	local l before
	before=$(target_sh "cd $CMAMEM_SYSFS && cat ${LIMITS[*]}")
	for l in "${LIMITS[@]}"; do
		run as_user $ATTACKER sh -c "echo 4096 >$CMAMEM_SYSFS/$l"
		assert_failure
	done
	assert_equal "$(target_sh "cd $CMAMEM_SYSFS && cat ${LIMITS[*]}")" "$before"
	run as_user $ATTACKER cat "$CMAMEM_DEBUGFS/buffers" "$CMAMEM_DEBUGFS/stats"
	assert_failure
	refute_output --partial "id name"
	refute_output --partial "allocs"
	for l in fail_alloc fail_map fail_export; do
		run as_user $ATTACKER sh -c "echo 100 >$CMAMEM_DEBUGFS/$l/probability"
		assert_failure
	done
	run target_sh "cat $CMAMEM_DEBUGFS/fail_alloc/probability $CMAMEM_DEBUGFS/fail_map/probability $CMAMEM_DEBUGFS/fail_export/probability"
	assert_output $'0\n0\n0'
	# What is meant to be public stays readable.
	run as_user $ATTACKER cat "$CMAMEM_SYSFS/used_bytes"
	assert_success
}

@test "no DMA or physical address for an unprivileged uid: ALLOC, INFO, legacy ALLOC, pagemap" {
	run as_user $ATTACKER "$CMAMEM_TESTS/attack" pagemap
	assert_success
}

@test "a foreign uid's own buffer: its uid, no DMA address; root (CAP_SYS_ADMIN) may inspect and free it by id" {
	user_alloc $ATTACKER 16K
	local id=$output
	run as_user $ATTACKER "$CMAMEM_BIN" info "$id"
	assert_line "uid: $ATTACKER"
	assert_line "dma_addr: 0x0"
	run_cmamem 0 info "$id"
	assert_line "uid: $ATTACKER"
	refute_line "dma_addr: 0x0"
	run_cmamem 0 free "$id"
	run_cmamem 3 info "$id"
}

@test "squatting: uid $ATTACKER's mapped persistent 'frame' is not what root's plain ATTACH finds; each has its own; root says whose to reach it" {
	run_helper 0 ioctl-abi squat $ATTACKER
}

@test "squatting through the CLI: names are per owner, UID:NAME reaches another's for root, and every by-name command takes it" {
	user_alloc $ATTACKER 16K --name frame
	local theirs=$output mine
	run as_user $ATTACKER "$CMAMEM_BIN" fill frame --pattern 0xa5
	assert_success
	# Root has no frame: a plain name is always the caller's own.
	run_cmamem 3 info frame
	run_cmamem 3 dump frame
	track_alloc 8K --name frame
	mine=$output
	[ "$mine" != "$theirs" ] || fail "root's frame is uid $ATTACKER's buffer $theirs"
	run_cmamem 0 info frame
	assert_line "id: $mine"
	assert_line "uid: 0"
	run_cmamem 0 info "$ATTACKER:frame"
	assert_line "id: $theirs"
	assert_line "uid: $ATTACKER"
	run as_user $ATTACKER "$CMAMEM_BIN" checksum frame
	assert_success
	local sum=${output%% *}
	run_cmamem 0 checksum "$ATTACKER:frame"
	assert_equal "${output%% *}" "$sum"
	run_cmamem 0 export "$ATTACKER:frame" -- true
	run as_user $ATTACKER "$CMAMEM_BIN" info frame
	assert_line "id: $theirs"
	run_cmamem 0 free "$ATTACKER:frame"
	run as_user $ATTACKER "$CMAMEM_BIN" info frame
	[ "$status" -eq 3 ] || fail "uid $ATTACKER's frame survived root's free of $ATTACKER:frame: $output"
	run_cmamem 0 info frame
	assert_line "id: $mine"
}

@test "the effective uid owns: a buffer made with euid $ATTACKER (real uid 0) is $ATTACKER's, in its quota, names and LIST" {
	run_helper 0 ioctl-abi euid $ATTACKER
}

@test "capability checks that only decide what to report are quiet: root's ALLOC and INFO get the DMA address without PF_SUPERPRIV; reaching uid $ATTACKER's buffer sets it" {
	user_alloc $ATTACKER 8K
	run_helper 0 ioctl-abi quiet-caps "$output"
}

@test "quota: EDQUOT over max_bytes_per_uid, also for a buffer whose process is gone" {
	target_sh "echo 65536 >$CMAMEM_SYSFS/max_bytes_per_uid"
	user_alloc $ATTACKER 32K
	user_alloc $ATTACKER 32K
	run as_user $ATTACKER "$CMAMEM_BIN" alloc 4K
	[ "$status" -eq 5 ] || fail "over quota: exit $status, $output"
	assert_output "cmamem: alloc 4K: max_bytes_per_uid is 64K, 64K in use by uid $ATTACKER (free some, or as root: cmamem limits --set max_bytes_per_uid=68K)"
	run as_user $ATTACKER "$CMAMEM_BIN" free "${CMAMEM_TRACKED[0]}"
	assert_success
	user_alloc $ATTACKER 32K
}

@test "a dma-buf passed to another uid over a unix socket counts against its owner's quota until the last fd closes" {
	target_sh "echo 65536 >$CMAMEM_SYSFS/max_bytes_per_uid"
	run_helper 0 attack scm-quota $ATTACKER $VICTIM
}

@test "a fresh buffer shows none of what the previous user of its memory wrote, in every cache mode" {
	local mode id dma zero got
	zero=$(head -c 1M /dev/zero | sha256sum | cut -d' ' -f1)
	for mode in wc uncached cached; do
		run_cmamem 0 alloc 1M --cache "$mode"
		id=$output
		run_cmamem 0 fill "$id" --pattern 0xa5
		run_cmamem 0 info "$id"
		dma=$(sed -n 's/^dma_addr: //p' <<<"$output")
		run_cmamem 0 free "$id"
		user_alloc $ATTACKER 1M --cache "$mode"
		id=$output
		run as_user $ATTACKER "$CMAMEM_BIN" checksum "$id"
		assert_success
		got=${output%% *}
		# The same memory, else this proved nothing.
		run_cmamem 0 info "$id"
		assert_line "dma_addr: $dma"
		[ "$got" = "$zero" ] || fail "cache mode $mode: the attacker's fresh buffer is not zero"
		run_cmamem 0 free "$id"
	done
}
