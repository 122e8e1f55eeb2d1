#!/usr/bin/env bats
# fill --from FILE --direct and dump --to FILE [--raw --direct] on the host,
# against libcmamem-fake.so (see fake.bats): arguments, alignment, and that
# --to never costs a file its bytes when the dump cannot happen. The real
# thing, O_DIRECT between a disk and a CMA buffer, is in zerocopy.bats.

load host_helper

setup() {
	fake_setup
}

@test "--direct: arguments are checked before the device" {
	: > "$T/f"
	assert_usage "fill: --direct goes with --from FILE (a file or block device, not standard input)" fill 1 --pattern 1 --direct
	assert_usage "fill: --direct goes with --from FILE (a file or block device, not standard input)" fill 1 --from - --direct
	assert_usage "dump: --direct goes with --raw and --to FILE" dump 1 --direct --to "$T/out"
	assert_usage "dump: --direct goes with --raw and --to FILE" dump 1 --raw --direct
	assert_usage "dump: --direct goes with --raw and --to FILE" dump 1 --format u32 --to "$T/out" --direct
	assert_usage "invalid --from '/nonexistent': No such file or directory" fill 1 --from /nonexistent --direct
	assert_usage "invalid --to '/nonexistent/out': No such file or directory" dump 1 --to /nonexistent/out
	assert_reached_device fill 1 --from "$T/f" --direct
	assert_reached_device dump 1 --raw --to "$T/out" --direct
}

@test "fill --from --direct and dump --raw --to --direct move the bytes both ways" {
	head -c 1M /dev/urandom > "$T/in"
	fk alloc 1M --name d > /dev/null
	run -0 fk fill d --from "$T/in" --direct
	run -0 fk cmp d "$T/in"
	run -0 fk dump d --raw --to "$T/out" --direct
	run -0 cmp "$T/in" "$T/out"
	# A range: the second half into a file of its own.
	run -0 fk dump d --raw --to "$T/half" --direct --offset 512K
	run -0 cmp "$T/half" <(tail -c 512K "$T/in")
}

@test "fill --from --direct: a shorter file fills its start; past its last block the range keeps its bytes" {
	head -c 6000 /dev/urandom > "$T/in"
	fk alloc 64K --name s > /dev/null
	fk fill s --pattern 0xee
	run -0 fk fill s --from "$T/in" --direct
	run -0 fk cmp s "$T/in" --length 6000
	# The last O_DIRECT block (at most a page) may take zeros past the
	# file's end; everything after it is untouched.
	fk dump s --raw --offset 8K > "$T/rest"
	run -0 cmp "$T/rest" <(head -c 56K /dev/zero | tr '\0' '\356')
}

@test "--direct: a range off the O_DIRECT alignment is a usage error, and nothing is written" {
	head -c 64K /dev/urandom > "$T/in"
	fk alloc 64K --name a > /dev/null
	run --separate-stderr fk fill a --from "$T/in" --direct --offset 100
	assert_failure 2
	assert_regex "$stderr" "^cmamem: --direct with --from '$T/in' wants --offset in multiples of [0-9]+ and --length in multiples of [0-9]+ bytes \(got 100 and 65436\)$"
	run -0 fk checksum a
	assert_output "$(head -c 64K /dev/zero | sha256sum | cut -d' ' -f1)"
	run --separate-stderr fk dump a --raw --to "$T/out" --direct --length 1000
	assert_failure 2
	assert_regex "$stderr" "wants --offset in multiples of [0-9]+ and --length in multiples of [0-9]+ bytes \(got 0 and 1000\)$"
	# It made $T/out, and failing took it back.
	[ ! -e "$T/out" ] || fail "a failed dump left $T/out behind"
}

@test "dump --to: an existing file keeps its bytes unless the dump happens" {
	echo precious > "$T/keep"
	run -3 fk dump nosuch --raw --to "$T/keep"
	assert_equal "$(cat "$T/keep")" precious
	fk alloc 4K --name k > /dev/null
	fk fill k --counter
	run -0 fk dump k --raw --to "$T/keep"
	run -0 fk cmp k "$T/keep"
}

@test "dump --to FILE writes exactly what standard output would get, in every format" {
	local f
	fk alloc 8K --name h > /dev/null
	fk fill h --random --seed 3
	for f in hex raw u16 u64; do
		fk dump h --format "$f" > "$T/stdout.$f"
		run -0 fk dump h --format "$f" --to "$T/to.$f"
		assert_output ""
		run -0 cmp "$T/stdout.$f" "$T/to.$f"
	done
}

@test "valgrind: --direct and --to, done and refused, leak and error free" {
	need_valgrind
	head -c 64K /dev/urandom > "$T/in"
	fk alloc 64K --name v > /dev/null
	local cmd want
	for cmd in "0 fill v --from $T/in --direct" "0 dump v --to $T/hex" \
		   "0 dump v --raw --to $T/raw --direct" "2 dump v --raw --to $T/odd --direct --length 100" \
		   "3 dump nosuch --to $T/hex"; do
		want=${cmd%% *}
		# shellcheck disable=SC2086
		run env LD_PRELOAD=$FAKE valgrind -q --leak-check=full --error-exitcode=99 \
			--errors-for-leak-kinds=definite,possible "$CMAMEM" ${cmd#* }
		[ "$status" -eq "$want" ] || fail "${cmd#* }: exit $status, expected $want: $output"
	done
}
