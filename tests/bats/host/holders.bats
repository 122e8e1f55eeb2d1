#!/usr/bin/env bats
# How the CLI shows who holds buffers, from debugfs files written
# here ($CMAMEM_DEBUGFS): `cmamem holders` sorted by bytes, its --json,
# `list --all --json`'s holders column, info's holders line and key, and a
# holders file it cannot read. tests/bats/holders.bats checks the same
# against the driver.

load host_helper

setup() {
	fake_setup
	export CMAMEM_DEBUGFS=$T/debugfs
	mkdir -p "$CMAMEM_DEBUGFS"
	# Buffer 3 (4M) is mapped by 200 and exported to 300; buffer 5 (1M)
	# is held by 100 and 200; buffer 7 (8M) by nobody.
	cat >"$CMAMEM_DEBUGFS/buffers" <<-'EOF'
	id name size cache dma_addr uid pid comm age_ms refs handles mappings persist exports source state holders
	3 cam 4194304 wc 0x0000000000000000 0 90 cmamem 10 3 1 1 1 1 cma live 200:map,300:export
	5 - 1048576 wc 0x0000000000000000 0 100 prog 10 2 2 0 0 0 cma live 100:handle,200:handle
	7 - 8388608 wc 0x0000000000000000 0 90 cmamem 10 1 0 0 1 0 pool live -
	EOF
	cat >"$CMAMEM_DEBUGFS/holders" <<-'EOF'
	id pid comm kind
	3 200 viewer map
	3 300 encoder export
	5 100 prog handle
	5 200 viewer handle
	EOF
}

@test "cmamem holders: one line per process, the most bytes first, each buffer with how it is held" {
	run --separate-stderr fk holders
	assert_success
	assert_line -n 0 --regexp '^ +PID COMM +BYTES  BUFFERS \(ID:HOW\)$'
	assert_line -n 1 --regexp '^ +200 viewer +5242880  3:map 5:handle$'
	assert_line -n 2 --regexp '^ +300 encoder +4194304  3:export$'
	assert_line -n 3 --regexp '^ +100 prog +1048576  5:handle$'
	[ "${#lines[@]}" -eq 4 ] || fail "expected 4 lines: $output"
}

@test "cmamem holders --json: pid, comm, bytes and the buffers with their kinds" {
	run --separate-stderr fk holders --json
	assert_success
	assert_output '[{"pid":200,"comm":"viewer","bytes":5242880,"buffers":[{"id":3,"size":4194304,"kinds":["map"]},{"id":5,"size":1048576,"kinds":["handle"]}]},{"pid":300,"comm":"encoder","bytes":4194304,"buffers":[{"id":3,"size":4194304,"kinds":["export"]}]},{"pid":100,"comm":"prog","bytes":1048576,"buffers":[{"id":5,"size":1048576,"kinds":["handle"]}]}]'
}

@test "one process holding a buffer several ways is one entry with each kind" {
	printf '%s\n' 'id pid comm kind' '3 200 viewer handle' '3 200 viewer map' '3 200 viewer export' >"$CMAMEM_DEBUGFS/holders"
	run --separate-stderr fk holders
	assert_success
	assert_line -n 1 --regexp '^ +200 viewer +4194304  3:handle\+map\+export$'
}

@test "no holders: the header alone (--json: [])" {
	echo 'id pid comm kind' >"$CMAMEM_DEBUGFS/holders"
	run --separate-stderr fk holders
	assert_success
	[ "${#lines[@]}" -eq 1 ] || fail "expected the header alone: $output"
	run --separate-stderr fk holders --json
	assert_success
	assert_output '[]'
}

@test "list --all: the holders column as is; with --json an array of pids and kinds" {
	run --separate-stderr fk list --all
	assert_success
	assert_line -n 1 --partial ' live 200:map,300:export'
	run --separate-stderr fk list --all --json
	assert_success
	[[ $output == *'"state":"live","holders":[{"pid":200,"kinds":["map"]},{"pid":300,"kinds":["export"]}]}'* ]] ||
		fail "buffer 3's holders: $output"
	[[ $output == *'"source":"pool","state":"live","holders":[]}'* ]] ||
		fail "buffer 7's holders: $output"
}

@test "info: a holders line, and a holders key with --json; unknown when the file cannot be read" {
	run fk alloc 4K
	assert_success
	local id=$output
	printf '%s\n' 'id pid comm kind' "$id 42 prog handle" "$id 42 prog map" "$id 43 other export" >"$CMAMEM_DEBUGFS/holders"
	run --separate-stderr fk info "$id"
	assert_success
	assert_line 'holders: 42(prog):handle+map 43(other):export'
	run --separate-stderr fk info "$id" --json
	assert_success
	[[ $output == *'"exports":0,"holders":[{"pid":42,"comm":"prog","kinds":["handle","map"]},{"pid":43,"comm":"other","kinds":["export"]}]}' ]] ||
		fail "info --json: $output"
	rm "$CMAMEM_DEBUGFS/holders"
	run --separate-stderr fk info "$id"
	assert_success
	assert_line "holders: unknown ($CMAMEM_DEBUGFS/holders: No such file or directory)"
	run --separate-stderr fk info "$id" --json
	assert_success
	[[ $output == *'"holders":null}' ]] || fail "info --json: $output"
}

@test "a holders file in another format: exit 1, saying so; a missing one: exit 3, naming it" {
	printf '%s\n' 'id pid comm kind' '3 200 viewer borrowed' >"$CMAMEM_DEBUGFS/holders"
	run --separate-stderr fk holders
	assert_failure 1
	[[ $stderr == *"$CMAMEM_DEBUGFS/holders: not in the format this cmamem reads"* ]] || fail "stderr: $stderr"
	rm "$CMAMEM_DEBUGFS/holders"
	run --separate-stderr fk holders
	assert_failure 3
	[[ $stderr == *"$CMAMEM_DEBUGFS/holders (is the cma_mem module loaded and debugfs mounted?)"* ]] || fail "stderr: $stderr"
}
