#!/usr/bin/env bats
# checksum, cmp, copy, dump --format, alloc --size-from, export and the
# progress bar, end to end on the host against libcmamem-fake.so (see
# fake.bats). verify needs real page tables: it is tested in the guest.

load host_helper

setup() {
	fake_setup
}

crc32_of() {
	python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(sys.stdin.buffer.read()))'
}

@test "checksum: the digest alone, as sha256sum and crc32 print it" {
	fk alloc 256K --name c > /dev/null
	fk fill c --random --seed 9
	fk dump c --raw > "$T/c"
	run --separate-stderr fk checksum c
	assert_success
	assert_output "$(sha256sum < "$T/c" | cut -d' ' -f1)"
	assert_equal "$stderr" ""
	run -0 fk checksum c --algo crc32
	assert_output "$(crc32_of < "$T/c")"
	run -0 fk checksum 1 --algo sha256 --offset 4097 --length 1000
	assert_output "$(tail -c +4098 "$T/c" | head -c 1000 | sha256sum | cut -d' ' -f1)"
}

@test "checksum --json: id, name, offset, length, algo, digest" {
	fk alloc 8K --name j > /dev/null
	run -0 fk checksum j --json --algo crc32 --offset 4K
	run -0 jq -r 'keys_unsorted | join(",")' <<<"$output"
	assert_output "id,name,offset,length,algo,digest"
	run -0 fk checksum j --json --algo crc32 --offset 4K
	run -0 jq -r '[.id, .name, .offset, .length, .algo, .digest] | @tsv' <<<"$output"
	assert_output "$(printf '1\tj\t4096\t4096\tcrc32\t%s' "$(head -c 4096 /dev/zero | crc32_of)")"
}

@test "cmp: same is exit 0 and silent; a difference is cmp(1)'s line and exit 1" {
	fk alloc 8K --name a > /dev/null
	fk alloc 8K --name b > /dev/null
	run --separate-stderr fk cmp a b
	assert_success
	assert_output ""
	# A newline before the difference makes it line 2, as cmp counts.
	printf 'x\ny' | fk fill b --from - --offset 100
	fk dump b --raw > "$T/b"
	fk dump a --raw > "$T/a"
	run --separate-stderr fk cmp a b
	assert_failure 1
	assert_output "a b differ: byte 101, line 1"
	run -1 cmp "$T/a" "$T/b"
	assert_output "$T/a $T/b differ: byte 101, line 1"
	printf 'x\ny' | fk fill a --from - --offset 100
	printf 'z' | fk fill a --from - --offset 102
	fk dump a --raw > "$T/a"
	run -1 fk cmp a b
	assert_output "a b differ: byte 103, line 2"
	run -1 cmp "$T/a" "$T/b"
	assert_output "$T/a $T/b differ: byte 103, line 2"
	run -1 fk cmp a b --quiet
	assert_output ""
}

@test "cmp: a buffer against a file, stdin, an offset and a length" {
	fk alloc 8K --name a > /dev/null
	fk fill a --counter
	fk dump a --raw > "$T/a"
	run -0 fk cmp a "$T/a"
	run -0 fk cmp "$T/a" 1
	run -0 fk cmp - a < "$T/a"
	cp "$T/a" "$T/orig"
	printf 'Q' | dd of="$T/a" bs=1 seek=5000 conv=notrunc 2>/dev/null
	# The counter holds 0x0a bytes: the line number is cmp's count of them.
	run -1 fk cmp a "$T/a"
	assert_output "$(cmp "$T/orig" "$T/a" | sed "s|^$T/orig|a|")"
	assert_output --regexp "^a $T/a differ: byte 5001, line [0-9]+$"
	run -1 fk cmp a "$T/a" --offset 4K
	assert_output "$(cmp -i 4096 "$T/orig" "$T/a" | sed "s|^$T/orig|a|")"
	assert_output --regexp "differ: byte 905, line "
	run -0 fk cmp a "$T/a" --offset 5001
	run -0 fk cmp a "$T/a" --length 5000
}

@test "cmp: EOF on the shorter side, in cmp(1)'s words, on stderr" {
	fk alloc 4K --name a > /dev/null
	printf 'ab\ncd' > "$T/short"
	printf 'ab\ncd' | fk fill a --from -
	run --separate-stderr fk cmp a "$T/short"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "cmamem: EOF on $T/short after byte 5, in line 2"
	printf 'ab\n' > "$T/short"
	run --separate-stderr fk cmp "$T/short" a
	assert_equal "$stderr" "cmamem: EOF on $T/short after byte 3, line 1"
	: > "$T/empty"
	run --separate-stderr fk cmp a "$T/empty"
	assert_failure 1
	assert_equal "$stderr" "cmamem: EOF on $T/empty which is empty"
}

@test "cmp: trouble is exit 2 or more, never 1" {
	fk alloc 4K --name a > /dev/null
	run --separate-stderr fk cmp a nope
	assert_failure 3
	run --separate-stderr fk cmp a /nonexistent/file
	assert_failure 2
	assert_equal "$stderr" "cmamem: cmp: cannot open '/nonexistent/file': No such file or directory"
	run -2 fk cmp - -
	run -2 fk cmp a a --offset 8K
	run -2 "$CMAMEM" --device /dev/null cmp 1 2
}

@test "copy: a range into another buffer, at the same or another offset" {
	fk alloc 64K --name s > /dev/null
	fk alloc 64K --name d > /dev/null
	fk fill s --random --seed 1
	run --separate-stderr fk copy s d
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	run -0 fk cmp s d
	fk fill d --pattern 0
	run -0 fk copy s d --offset 4K --length 100
	cmp <(fk dump d --raw --offset 4K --length 100) <(fk dump s --raw --offset 4K --length 100)
	cmp <(fk dump d --raw --length 4K) <(head -c 4K /dev/zero)
	run -0 fk copy s d --offset 0 --length 16 --dest-offset 60K
	cmp <(fk dump d --raw --offset 60K --length 16) <(fk dump s --raw --length 16)
}

@test "copy: within one buffer, overlapping, as memmove" {
	fk alloc 8K --name m > /dev/null
	fk fill m --counter
	fk dump m --raw > "$T/before"
	run -0 fk copy m 1 --offset 0 --length 4K --dest-offset 8
	fk dump m --raw > "$T/after"
	cmp <(head -c 8 "$T/after") <(head -c 8 "$T/before")
	cmp <(tail -c +9 "$T/after" | head -c 4096) <(head -c 4096 "$T/before")
}

@test "copy: ranges past either end are usage errors" {
	fk alloc 8K --name s > /dev/null
	fk alloc 4K --name d > /dev/null
	run --separate-stderr fk copy s d
	assert_failure 2
	assert_equal "$stderr" "cmamem: copy: 8192 bytes at --dest-offset 0 run past the end of buffer d (4096 bytes)"
	run -2 fk copy s d --offset 8K
	run -2 fk copy s s --length 4K --dest-offset 6K
	run -0 fk copy s d --offset 4K --dest-offset 0
	run -3 fk copy s nope
}

@test "dump --format u8..u64 and --endian are od -A x -t xN of the same bytes" {
	fk alloc 8K --name w > /dev/null
	fk fill w --random --seed 2 --length 4K
	fk dump w --raw > "$T/w"
	local n e
	for n in 1 2 4 8; do
		for e in little big; do
			diff <(fk dump w --format "u$((n * 8))" --endian "$e") \
			     <(od -A x -t "x$n" --endian="$e" "$T/w") || fail "u$((n * 8)) $e"
		done
	done
	diff <(fk dump w --format u32 --offset 4088 --length 24) <(od -A x -t x4 -j 4088 -N 24 "$T/w")
	run -0 fk dump w --format hex --length 16
	assert_line --index 0 --regexp '^00000000  [0-9a-f]{2} '
	cmp <(fk dump w --format raw) "$T/w"
}

@test "dump: format argument errors" {
	assert_usage "invalid --format 'u128': expected hex, raw, u8, u16, u32 or u64" dump 1 --format u128
	assert_usage "invalid --endian 'middle': expected little or big" dump 1 --format u16 --endian middle
	assert_usage "dump: --endian goes with --format u8, u16, u32 or u64" dump 1 --endian big
	assert_usage "dump: --raw and --format hex disagree" dump 1 --raw --format hex
	assert_usage "dump: --format u32 wants --offset and --length in whole 4-byte words" dump 1 --format u32 --offset 2
	assert_usage "whole 8-byte words" dump 1 --format u64 --length 12
	assert_reached_device dump 1 --format u16 --endian big --offset 2 --length 6
	assert_reached_device dump 1 --raw --format raw
}

@test "alloc --size-from: a buffer that fits the file, then fill --from it" {
	head -c 10000 /dev/urandom > "$T/f"
	run -0 fk alloc --size-from "$T/f" --json --name f
	run -0 jq -r .size <<<"$output"
	assert_output 12288
	run -0 fk fill f --from "$T/f"
	run -0 fk cmp f "$T/f" --length 10000
	# The rest of the page is zeros past the file's end.
	run -1 fk cmp f "$T/f"
}

@test "alloc --size-from: argument errors" {
	: > "$T/empty"
	assert_usage "alloc: give SIZE or --size-from, not both" alloc 4K --size-from "$T/empty"
	assert_usage "invalid --size-from '$T/empty': the file is empty" alloc --size-from "$T/empty"
	assert_usage "invalid --size-from '/nonexistent': No such file or directory" alloc --size-from /nonexistent
	assert_usage "invalid --size-from '/dev/null': not a regular file" alloc --size-from /dev/null
	assert_usage "alloc: missing SIZE" alloc
}

@test "export: CMD runs with the fd and the variables; its status is ours" {
	fk alloc 8K --name e > /dev/null
	fk fill e --pattern 0x5a
	run --separate-stderr fk export e -- sh -c \
		'echo "$CMAMEM_BUFFER_ID $CMAMEM_BUFFER_SIZE"; head -c 4 <&"$CMAMEM_DMABUF_FD" | od -A n -t x1; exit 7'
	assert_failure 7
	assert_line --index 0 "1 8192"
	assert_line --index 1 " 5a 5a 5a 5a"
	assert_equal "$stderr" ""
	run -0 fk export 1 -- true
	run -127 --separate-stderr fk export e -- /nonexistent/cmd
	assert_equal "$stderr" "cmamem: export: cannot run /nonexistent/cmd: No such file or directory"
	run -126 fk export e -- "$T"
	run -3 fk export nope -- true
	assert_usage "export: missing ID|NAME -- CMD" export e
}

@test "new actions: arguments are checked before the device" {
	assert_usage "invalid --algo 'md5': expected sha256 or crc32" checksum 1 --algo md5
	assert_usage "checksum: unexpected argument 'x'" checksum 1 x
	assert_usage "cmp: missing A B" cmp 1
	assert_usage "invalid --dest-offset '1Q'" copy 1 2 --dest-offset 1Q
	assert_usage "copy: missing SRC DST" copy 1
	assert_usage "verify: missing ID|NAME" verify
	assert_usage "verify --offset" verify 1 --offset 4K
	assert_usage "invalid buffer id '0'" verify 0
	assert_reached_device checksum 1 --algo crc32 --offset 1 --length 1
	assert_reached_device copy a b --dest-offset 4K
	assert_reached_device verify frame
	assert_reached_device export 1 -- true
}

@test "the progress bar: on a terminal after the delay, never otherwise" {
	fk alloc 1M --name p > /dev/null
	# Not a terminal: nothing on stderr, even with no delay at all.
	run --separate-stderr env CMAMEM_PROGRESS_DELAY=0 LD_PRELOAD=$FAKE "$CMAMEM" fill p --counter
	assert_equal "$stderr" ""
	# A terminal (script(1)'s pty) and no delay: the bar, then erased.
	run script -qec "env CMAMEM_PROGRESS_DELAY=0 LD_PRELOAD=$FAKE $CMAMEM checksum p >/dev/null" /dev/null
	assert_success
	assert_output --partial "checksum 100% [==============================] 1/1 MiB"
	# The default delay of a second: a quick run shows none.
	run script -qec "env LD_PRELOAD=$FAKE $CMAMEM checksum p >/dev/null" /dev/null
	assert_output ""
	run script -qec "env CMAMEM_PROGRESS_DELAY=0 LD_PRELOAD=$FAKE $CMAMEM --quiet fill p --counter" /dev/null
	assert_output ""
}

@test "valgrind: the new actions against the fake" {
	need_valgrind
	fk alloc 64K --name v > /dev/null
	fk alloc 64K --name w > /dev/null
	printf 'abc' > "$T/f"
	local cmd
	for cmd in "checksum v" "checksum v --algo crc32 --json" "cmp v w" "copy v w --length 4K" \
		   "copy v v --dest-offset 4K --length 8K" "dump v --format u32 --endian big" \
		   "dump v --format u8 --length 16" "alloc --size-from $T/f" "export v -- true"; do
		run env LD_PRELOAD=$FAKE valgrind -q --leak-check=full --error-exitcode=99 \
			--errors-for-leak-kinds=definite,possible "$CMAMEM" $cmd
		[ "$status" -eq 0 ] || fail "$cmd: exit $status: $output"
	done
	run env LD_PRELOAD=$FAKE valgrind -q --leak-check=full --error-exitcode=99 \
		--errors-for-leak-kinds=definite,possible "$CMAMEM" cmp v "$T/f"
	[ "$status" -eq 1 ] || fail "cmp: exit $status: $output"
}
