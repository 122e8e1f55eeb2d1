#!/usr/bin/env bats
# Who holds a buffer: the debugfs holders file, the buffers
# table's holders column, `cmamem holders`, `info` and `list --all` name
# the processes with a handle, a mapping or an exported dma-buf, through
# fork and SCM_RIGHTS, and forget them when they let go. The allocating
# process stays in the table's pid column.
#
# tests/c/holders does the holding: each subtest prints "stage N k=v..." and
# waits for SIGUSR1 before its next step, so every check here sees a settled
# state without sleeping.

load test_helper/common
load test_helper/buffers
load test_helper/holder
bats_require_minimum_version 1.5.0

# uid 1000 uses the device too (the last test): other_users makes it 0666
# for the suite, and defines setup_file and teardown_file.
load test_helper/other_users
setup() { HOLDER_PGID=; }
teardown() {
	holder_teardown
	free_tracked
	common_teardown
}

# holders_of ID: "PID KIND" lines of the holders file for buffer ID.
holders_of() {
	target_sh "awk 'NR > 1 && \$1 == $1 { print \$2, \$4 }' $CMAMEM_DEBUGFS/holders"
}

# table_col ID N: column N of buffer ID's line in the buffers table.
table_col() {
	target_sh "awk '\$1 == $1 { print \$$2 }' $CMAMEM_DEBUGFS/buffers"
}

# lines A B...: the arguments one a line, sorted as the holders file is.
lines() {
	printf '%s\n' "$@" | sort -n -k1,1 -s
}

@test "the holders file: root only, the header 'id pid comm kind', the buffers table's holders column" {
	run target_sh "head -n 1 $CMAMEM_DEBUGFS/holders; stat -c %a $CMAMEM_DEBUGFS/holders; head -n 1 $CMAMEM_DEBUGFS/buffers"
	assert_success
	assert_line -n 0 "id pid comm kind"
	assert_line -n 1 400
	assert_line -n 2 "id name size cache dma_addr uid pid comm age_ms refs handles mappings persist exports source state effective holders region"
}

@test "a mapping inherited by fork: both processes hold it as map; each munmap takes its holder away" {
	hold fork-map
	next_stage 0
	HOLDER_PGID=$parent
	run holders_of "$id"
	assert_output "$(lines "$parent map" "$child map")"
	# The allocator stays in the pid column; the holders column follows.
	run table_col "$id" 7
	assert_output "$parent"
	run table_col "$id" 18
	assert_output "$(lines "$parent" "$child" | paste -sd, | sed 's/[0-9][0-9]*/&:map/g')"
	run_cmamem 0 info "$id"
	assert_line "holders: $(lines "$parent(holders):map" "$child(holders):map" | paste -sd ' ')"

	go
	next_stage 1
	run holders_of "$id"
	assert_output "$parent map"
	run table_col "$id" 18
	assert_output "$parent:map"

	go
	next_stage 2
	run holders_of "$id"
	assert_output ""
	run table_col "$id" 1
	assert_output ""
	finish
}

@test "a file shared by fork: both processes hold a handle; closing the fd takes the child away" {
	hold fork-handle
	next_stage 0
	HOLDER_PGID=$parent
	run holders_of "$id"
	assert_output "$(lines "$parent handle" "$child handle")"
	run_cmamem 0 list --all --json
	run jq -c ".[] | select(.id == $id) | .holders" <<<"$output"
	assert_output "$(jq -cn "[{pid: $parent, kinds: [\"handle\"]}, {pid: $child, kinds: [\"handle\"]}] | sort_by(.pid)")"

	go
	next_stage 1
	run holders_of "$id"
	assert_output "$parent handle"
	run_cmamem 0 list --all
	run awk -v id="$id" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "holders") c = i }
		$1 == id { print $c }' <<<"$output"
	assert_output "$parent:handle"
	finish
}

@test "a dma-buf passed over SCM_RIGHTS and mapped: export and map for the receiver, handle for the exporter" {
	hold scm-export
	next_stage 0
	HOLDER_PGID=$parent
	run holders_of "$id"
	assert_output "$(lines "$parent handle" "$receiver map" "$receiver export")"
	run table_col "$id" 18
	assert_output "$(lines "$parent:handle" "$receiver:map+export" | paste -sd,)"
	run_cmamem 0 holders --json
	run jq -c ".[] | select(.pid == $receiver) | .buffers" <<<"$output"
	assert_output "[{\"id\":$id,\"size\":2097152,\"kinds\":[\"map\",\"export\"]}]"
	run_cmamem 0 info "$id" --json
	run jq -c '.holders | map([.pid, .kinds])' <<<"$output"
	assert_output "$(jq -cn "[[$parent, [\"handle\"]], [$receiver, [\"map\", \"export\"]]] | sort_by(.[0])")"

	go
	next_stage 1
	run holders_of "$id"
	assert_output "$(lines "$parent handle" "$receiver export")"

	go
	next_stage 2
	run holders_of "$id"
	assert_output "$parent handle"
	finish
}

@test "a persistent buffer whose allocator has exited: the table keeps the allocator, the holders name the attacher" {
	track_alloc 1M --name hold-persist
	local bid=$output alloc_pid
	alloc_pid=$(table_col "$bid" 7)
	run holders_of "$bid"
	assert_output ""
	run table_col "$bid" 18
	# Not assert_output "-": bats-assert reads "-" as "expected on stdin".
	assert_equal "$output" "-"
	run_cmamem 0 info hold-persist
	assert_line "holders: -"

	hold attach hold-persist
	next_stage 0
	HOLDER_PGID=$pid
	[ "$id" = "$bid" ] || fail "the holder attached buffer $id, not $bid"
	[ "$pid" != "$alloc_pid" ] || fail "the holder has the allocator's pid $pid"
	run holders_of "$bid"
	assert_output "$(lines "$pid handle" "$pid map")"
	run table_col "$bid" 7
	assert_output "$alloc_pid"
	run_cmamem 0 info hold-persist
	assert_line "holders: $pid(holders):handle+map"

	go
	next_stage 1
	run holders_of "$bid"
	assert_output ""
	finish
	run_cmamem 0 free hold-persist
}

@test "cmamem holders: the process holding the most bytes first, comm made one word" {
	hold most
	next_stage 0
	HOLDER_PGID=$parent
	run_cmamem 0 holders
	assert_line -n 0 --regexp '^ *PID +COMM +BYTES +BUFFERS'
	# The child holds its 4M mapping and, through the shared file, the 1M.
	assert_line -n 1 --regexp "^ *$child big_holder +5242880 +$small:handle $big:map\$|^ *$child big_holder +5242880 +$big:map $small:handle\$"
	assert_line -n 2 --regexp "^ *$parent holders +1048576 +$small:handle\$"
	run_cmamem 0 holders --json
	run jq -c '.[:2] | map([.pid, .comm, .bytes])' <<<"$output"
	assert_output "[[$child,\"big_holder\",5242880],[$parent,\"holders\",1048576]]"
	run target_sh "awk '\$2 == $child { print \$3 }' $CMAMEM_DEBUGFS/holders | sort -u"
	assert_output big_holder
	finish
}

@test "without root: cmamem holders fails with exit 4 naming the file; info says the holders are unknown" {
	run --separate-stderr as_user 1000 "$CMAMEM_BIN" holders
	[ "$status" -eq 4 ] || fail "exit $status, expected 4: $stderr"
	[[ $stderr == *"$CMAMEM_DEBUGFS/holders (root only)"* ]] || fail "stderr: $stderr"
	run as_user 1000 sh -c "id=\$('$CMAMEM_BIN' alloc 4K) && '$CMAMEM_BIN' info \$id; s=\$?; '$CMAMEM_BIN' free \$id; exit \$s"
	assert_success
	assert_line "holders: unknown ($CMAMEM_DEBUGFS/holders: root only)"
}
