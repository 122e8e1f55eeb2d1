#!/usr/bin/env bats
# The CLI end to end on the host, against libcmamem-fake.so (tests/host-c/
# fakedev.c), an LD_PRELOAD stand-in for /dev/cma_mem that keeps buffers as
# files. It checks the CLI's side: persistence across commands, fill and
# dump bytes, JSON, ranges, exit codes per errno. The driver's own behaviour
# is the guest suites' job.

load host_helper

setup() {
	fake_setup
}

@test "a persistent buffer crosses commands: alloc, fill, dump, free" {
	run --separate-stderr fk alloc 8M --name frame0
	assert_success
	assert_output 1
	run -0 fk fill frame0 --counter
	run -0 fk dump 1 --length 32
	assert_output - <<-'EOT'
	00000000  00 00 00 00 01 00 00 00  02 00 00 00 03 00 00 00  |................|
	00000010  04 00 00 00 05 00 00 00  06 00 00 00 07 00 00 00  |................|
	00000020
	EOT
	run -0 fk free frame0
	run -0 fk list
	assert_output ""
}

@test "a new buffer dumps as zeros, squeezed, like hexdump -C" {
	run -0 fk alloc 64K
	run -0 fk dump 1
	assert_output - <<-'EOT'
	00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
	*
	00010000
	EOT
}

@test "dump is hexdump -C of the same bytes, whole and in ranges" {
	fk alloc 1M > /dev/null
	fk fill 1 --random --seed 5
	fk fill 1 --pattern 0x41 --offset 4096 --length 8K
	fk dump 1 --raw > "$T/raw"
	[ "$(stat -c %s "$T/raw")" -eq 1048576 ]
	diff <(fk dump 1) <(hexdump -C "$T/raw")
	local r
	for r in "0 16" "1 1" "4090 20000" "1048575 1" "12345 678"; do
		set -- $r
		diff <(fk dump 1 --offset "$1" --length "$2") <(hexdump -C -s "$1" -n "$2" "$T/raw")
	done
	diff <(fk dump 1 --offset 1000000) <(hexdump -C -s 1000000 "$T/raw")
}

@test "fill patterns land where the reference says" {
	fk alloc 256K > /dev/null
	local k
	for k in "word 0xdeadbeef" "counter 0" "random 42" "byte 7"; do
		set -- $k
		case $1 in
		word) fk fill 1 --word "$2" ;;
		counter) fk fill 1 --counter ;;
		random) fk fill 1 --random --seed "$2" ;;
		byte) fk fill 1 --pattern "$2" ;;
		esac
		cmp <(fk dump 1 --raw) <("$CLI_UNIT" pattern $k 0 256K)
	done
	# A partial fill is the same bytes as that part of a whole one.
	fk fill 1 --pattern 0
	fk fill 1 --counter --offset 4099 --length 1001
	cmp <(fk dump 1 --raw --offset 4099 --length 1001) <("$CLI_UNIT" pattern counter 0 4099 1001)
	cmp <(fk dump 1 --raw --length 4099) <(head -c 4099 /dev/zero)
}

@test "fill --from FILE and --from - (stdin)" {
	fk alloc 8K > /dev/null
	head -c 5000 /dev/urandom > "$T/in"
	run -0 fk fill 1 --from "$T/in"
	cmp <(fk dump 1 --raw --length 5000) "$T/in"
	# Shorter input fills only the start; the rest is untouched.
	fk fill 1 --pattern 0xff
	printf 'hello' | fk fill 1 --from - --offset 100
	run -0 fk dump 1 --offset 96 --length 16
	assert_output - <<-'EOT'
	00000060  ff ff ff ff 68 65 6c 6c  6f ff ff ff ff ff ff ff  |....hello.......|
	00000070
	EOT
	# A regular file larger than the range: exit 2, and nothing written.
	fk fill 1 --pattern 0
	run --separate-stderr fk fill 1 --from "$T/in" --length 4K
	assert_failure 2
	[[ $stderr == "cmamem: --from $T/in: 5000 bytes do not fit in the 4096 bytes of the range" ]] || fail "$stderr"
	run -2 fk fill 1 --from - --length 4K < "$T/in"
	cmp <(fk dump 1 --raw) <(head -c 8K /dev/zero)
	# A stream fills the range and stops.
	run -0 fk fill 1 --from /dev/urandom --length 4K
	run -0 bash -c "head -c 10000 /dev/zero | tr '\\0' x | LD_PRELOAD=$FAKE $CMAMEM fill 1 --from - --offset 4K"
	run -0 fk dump 1 --offset 4K --length 16
	assert_line --index 0 "00001000  78 78 78 78 78 78 78 78  78 78 78 78 78 78 78 78  |xxxxxxxxxxxxxxxx|"
}

@test "alloc --json and info --json have the documented keys" {
	run -0 fk alloc 64K --json --name cam0 --cache cached
	run -0 jq -r '[.id, .name, .size, .cache, .source, .mmap_offset >= 0, .dma_addr] | @tsv' <<<"$output"
	assert_output "$(printf '1\tcam0\t65536\tcached\tcma\ttrue\t0')"
	run -0 fk info cam0 --json
	run -0 jq -r 'keys_unsorted | join(",")' <<<"$output"
	assert_output "id,name,size,cache,cache_effective,persistent,source,region,region_id,heap,mmap_offset,dma_addr,uid,handles,mappings,exports,holders"
	fk alloc 4K --from pool > /dev/null
	run -0 fk info 2 --json
	run -0 jq -r '[.name == null, .persistent, .source] | @tsv' <<<"$output"
	assert_output "$(printf 'true\ttrue\tpool')"
}

@test "info prints key: value lines" {
	fk alloc 5000 --name frame > /dev/null
	run -0 fk info frame
	assert_line "id: 1"
	assert_line "name: frame"
	assert_line "size: 8192"
	assert_line "cache: wc"
	# The fake device answers as a cache-coherent machine does.
	assert_line "cache_effective: cached"
	assert_line "persistent: yes"
	assert_line "source: cma"
	# The fake has no regions directory: default, as an older driver.
	assert_line "region: default"
	assert_line "heap: no"
	assert_line --regexp '^mmap_offset: 0x[0-9a-f]+$'
	assert_line "dma_addr: 0x0"
	assert_line "handles: 0"
	# From debugfs, which the fake device has not: unknown.
	assert_line --regexp '^holders: unknown \(.*/holders: '
	[ "${#lines[@]}" -eq 16 ]
}

@test "list: ids, a table with -v, JSON with --json" {
	fk alloc 4K > /dev/null
	fk alloc 8K --name b > /dev/null
	fk alloc 12K > /dev/null
	run -0 fk list
	assert_output "$(printf '1\n2\n3')"
	run -0 fk list -v
	assert_line --index 0 --regexp '^ +ID +SIZE CACHE +SOURCE PERSIST HEAP HANDLES MAPPINGS EXPORTS REGION +NAME$'
	assert_line --index 2 --regexp '^ +2 +8192 wc +cma +yes +no +0 +0 +0 default +b$'
	assert_line --index 3 --regexp '  -$'
	run -0 fk list --json
	run -0 jq -r 'map(.id) | join(" ")' <<<"$output"
	assert_output "1 2 3"
	fk free 1 && fk free 2 && fk free 3
	run -0 fk list --json
	assert_output "[]"
}

@test "exit 3: no such buffer, by id and by name, for every action" {
	local a
	for a in "free 9" "info 9" "dump 9" "fill 9 --counter" "sync 9 --for cpu" \
		 "free nope" "info nope" "dump nope" "fill nope --counter" "sync nope --for cpu"; do
		run --separate-stderr fk $a
		assert_failure 3
		[[ $stderr == "cmamem: no buffer 9 (cmamem list shows yours)" ||
		   $stderr == "cmamem: no buffer named 'nope' (cmamem list shows yours)" ]] ||
			fail "$a: $stderr"
	done
}

@test "exit 3: another user's buffer is not there, its name is free; root reaches it as UID:NAME" {
	fk alloc 4K --name frame > /dev/null
	sed -i 's/^\([0-9]* [0-9]*\) [0-9]*/\1 12345/' "$CMAMEM_FAKE_DIR/1.meta"
	run --separate-stderr fk info 1
	assert_failure 3
	[[ $stderr == "cmamem: no buffer 1 (cmamem list shows yours)" ]] || fail "$stderr"
	run -3 fk dump 1
	run -3 fk free 1
	run -3 fk info frame
	run --separate-stderr fk info 12345:frame
	assert_failure 3
	[[ $stderr == "cmamem: no buffer named 'frame' of uid 12345 (as root, cmamem list --all shows every user's)" ]] || fail "$stderr"
	# Names are per owner: ours is another buffer.
	run -0 fk alloc 4K --name frame
	assert_output 2
	run -0 env CMAMEM_FAKE_ADMIN=1 LD_PRELOAD="$FAKE" "$CMAMEM" info 12345:frame
	assert_line "id: 1"
	assert_line "uid: 12345"
	run -0 fk info frame
	assert_line "id: 2"
}

@test "exit 5: a limit reached; exit 1: a name taken" {
	# The fake refuses by the limits in $CMAMEM_SYSFS (messages.bats has each).
	export CMAMEM_SYSFS=$T/sysfs
	mkdir "$CMAMEM_SYSFS"
	echo 4096 > "$CMAMEM_SYSFS/max_bytes_per_uid"
	fk alloc 4K > /dev/null
	run --separate-stderr fk alloc 4K
	assert_failure 5
	[[ $stderr == "cmamem: alloc 4K: max_bytes_per_uid is 4K, 4K in use by uid $(id -u) "* ]] || fail "$stderr"
	rm "$CMAMEM_SYSFS/max_bytes_per_uid"
	fk alloc 4K --name taken > /dev/null
	run --separate-stderr fk alloc 4K --name taken
	assert_failure 1
	[[ $stderr == "cmamem: alloc: name 'taken': File exists" ]] || fail "$stderr"
}

@test "ranges past the end are usage errors, found once the size is known" {
	fk alloc 4K > /dev/null
	run --separate-stderr fk dump 1 --offset 4K
	assert_failure 2
	[[ $stderr == "cmamem: --offset 4096 is past the end of buffer 1 (4096 bytes)" ]] || fail "$stderr"
	run -2 fk fill 1 --counter --offset 4000 --length 97
	run -2 fk sync 1 --for cpu --length 8K
	run -0 fk fill 1 --counter --offset 4000 --length 96
	run -0 fk sync 1 --for device --offset 4095
}

@test "free removes the buffer named and no other" {
	fk alloc 4K --name a > /dev/null
	fk alloc 4K --name b > /dev/null
	run -0 fk free a
	run -0 fk list
	assert_output 2
	run -3 fk free a
}

@test "valgrind: alloc, fill, dump, list, info and free against the fake" {
	need_valgrind
	run -0 env LD_PRELOAD=$FAKE valgrind -q --leak-check=full --error-exitcode=99 \
		--errors-for-leak-kinds=definite,possible "$CMAMEM" alloc 64K --name v --json
	local cmd
	for cmd in "fill v --random --seed 3" "dump v --offset 5" "dump v --raw" \
		   "list --json" "list -v" "info v" "sync v --for cpu" "free v"; do
		run env LD_PRELOAD=$FAKE valgrind -q --leak-check=full --error-exitcode=99 \
			--errors-for-leak-kinds=definite,possible "$CMAMEM" $cmd
		[ "$status" -eq 0 ] || fail "$cmd: exit $status: $output"
	done
	run -3 env LD_PRELOAD=$FAKE valgrind -q --leak-check=full --error-exitcode=99 \
		"$CMAMEM" info v
}
