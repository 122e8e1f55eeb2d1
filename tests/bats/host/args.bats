#!/usr/bin/env bats
# Argument errors for each action: exit 2, one line naming the argument,
# and the device (which does not exist here) is never opened.

load host_helper

setup() { host_setup; }

@test "no action, an unknown action, an unknown global option" {
	assert_usage "no action given"
	run --separate-stderr "$CMAMEM"
	assert_failure 2
	assert_usage "unknown action ''" ''
	assert_usage "unknown action 'frobnicate'" frobnicate
	assert_usage "--bogus" --bogus list
}

@test "each action wants its positional arguments, exactly" {
	assert_usage "alloc: missing SIZE" alloc
	assert_usage "alloc: unexpected argument '2M'" alloc 1M 2M
	local a
	for a in free info fill dump sync; do
		assert_usage "$a: missing ID|NAME" "$a"
		assert_usage "$a: unexpected argument 'b'" "$a" a b
	done
	assert_usage "list: unexpected argument 'x'" list x
}

@test "an option of another action is unknown here" {
	assert_usage "alloc --pattern" alloc 4K --pattern 1
	assert_usage "free --name" free 1 --name x
	assert_usage "list --raw" list --raw
	assert_usage "dump --counter" dump 1 --counter
	assert_usage "sync --cache" sync 1 --for cpu --cache wc
	assert_usage "fill --for" fill 1 --counter --for cpu
}

@test "an option missing its value" {
	assert_usage "--name" alloc 4K --name
	assert_usage "--offset" dump 1 --offset
}

@test "ID|NAME: ids are digits, names are checked like the kernel does" {
	assert_usage "invalid buffer id '0': ids start at 1" info 0
	assert_usage "invalid buffer id '4294967296': too large" info 4294967296
	assert_usage "invalid buffer name '': empty" free ''
	assert_usage "invalid buffer name 'a/b': contains '/'" dump a/b
	assert_usage "longer than 31 bytes" info aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	assert_usage "byte 1 is a space or not printable ASCII" info "a$(printf '\t')b"
	assert_usage "byte 0 is a space or not printable ASCII" info "$(printf '\xc3\xa9')"
	assert_usage "byte 3 is a space or not printable ASCII" info "cam 0"
	assert_usage "byte 0 is a space or not printable ASCII" alloc 4K --name " "
	# Ids and names that are fine get as far as the device.
	assert_reached_device info 4294967295
	assert_reached_device info 007
	assert_reached_device info aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	assert_reached_device info '~!cam#0'
	assert_reached_device free frame-buffer.1
	# UID:NAME: another uid's buffer, for root; the NAME part as above.
	assert_usage "invalid buffer '4294967296:cam': uid too large" info 4294967296:cam
	assert_usage "invalid buffer name '': empty" info 1000:
	assert_usage "invalid buffer name '12': all digits (that is an id)" info 1000:12
	assert_reached_device info 1000:frame
	assert_reached_device export 0:frame -- true
	assert_reached_device info :frame
	assert_reached_device info cam:1000
}

@test "alloc: --name, --cache, --align, --from" {
	assert_usage "invalid --name '123': all digits (that is an id)" alloc 4K --name 123
	assert_usage "invalid --name '1000:cam': starts with digits and ':' (that is UID:NAME)" alloc 4K --name 1000:cam
	assert_usage "invalid --name 'x/y': contains '/'" alloc 4K --name x/y
	assert_usage "invalid --name '': empty" alloc 4K --name ''
	assert_usage "invalid --cache 'writeback': expected wc, uncached or cached" alloc 4K --cache writeback
	assert_usage "invalid --cache 'WC'" alloc 4K --cache WC
	assert_usage "invalid --align '3K': not a power of two" alloc 4K --align 3K
	assert_usage "invalid --align '0x3000': not a power of two" alloc 4K --align 0x3000
	assert_usage "invalid --from 'heap': expected auto, pool or cma" alloc 4K --from heap
	assert_reached_device alloc 4K --name cam0 --cache cached --align 2M --from cma
	assert_reached_device alloc 4K --cache uncached --from pool --align 0
	assert_reached_device alloc 4K -n x -c wc -a 4K -f auto
}

@test "fill: exactly one source" {
	local msg="give exactly one of --pattern, --word, --counter, --random, --from"
	assert_usage "$msg" fill 1
	assert_usage "$msg" fill 1 --counter --random
	assert_usage "$msg" fill 1 --pattern 0 --word 1
	assert_usage "$msg" fill 1 --from /dev/null --counter
	# Repeating one source is not two sources: the last value wins.
	assert_reached_device fill 1 --pattern 1 --pattern 2
	assert_reached_device fill 1 --counter --counter
}

@test "fill: each source's value" {
	assert_usage "invalid --pattern '256': out of range (0 to 255)" fill 1 --pattern 256
	assert_usage "invalid --pattern '0x100': out of range" fill 1 --pattern 0x100
	assert_usage "invalid --pattern 'a': not a number" fill 1 --pattern a
	assert_usage "invalid --pattern '': not a number" fill 1 --pattern ''
	assert_usage "invalid --word '123456789': out of range" fill 1 --word 123456789
	assert_usage "invalid --word 'xyz': not a number" fill 1 --word xyz
	assert_usage "invalid --word '0x': not a number" fill 1 --word 0x
	assert_usage "invalid --seed 'x'" fill 1 --random --seed x
	assert_usage "invalid --seed '18446744073709551616': out of range" fill 1 --random --seed 18446744073709551616
	assert_usage "--seed goes with --random" fill 1 --counter --seed 1
	assert_usage "invalid --from '/nonexistent/file': No such file or directory" fill 1 --from /nonexistent/file
	assert_usage "invalid --length '0': must not be 0" fill 1 --counter --length 0
	assert_reached_device fill 1 --pattern 255
	assert_reached_device fill 1 --pattern 0xA5
	assert_reached_device fill 1 --word deadbeef
	assert_reached_device fill 1 --word 0xDEADBEEF
	assert_reached_device fill 1 --counter --offset 4K --length 1M
	assert_reached_device fill 1 --random
	assert_reached_device fill 1 --random --seed 0xffffffffffffffff
	assert_reached_device fill 1 --from /dev/null
	assert_reached_device fill 1 --from -
}

@test "dump: options" {
	assert_usage "invalid --length '0': must not be 0" dump 1 --length 0
	assert_reached_device dump 1 --raw
	assert_reached_device dump name --offset 16 --length 16
}

@test "sync: --for is required and checked" {
	assert_usage "sync: --for cpu|device is required" sync 1
	assert_usage "invalid --for 'gpu': expected cpu or device" sync 1 --for gpu
	assert_reached_device sync 1 --for cpu
	assert_reached_device sync cam0 --for device --offset 4K --length 4K
}

@test "pool: --resize takes a size; the pool files are read from \$CMAMEM_SYSFS" {
	assert_usage "pool: unexpected argument '64M'" pool 64M
	assert_usage "--resize" pool --resize
	assert_usage "--resize lots" pool --resize lots
	assert_usage "--resize" limits --resize 4M
	local d=$BATS_TEST_TMPDIR/sysfs f
	mkdir "$d"
	for f in pool_bytes:8388608 pool_used_bytes:4096 pool_free_bytes:8384512 \
		pool_largest_free:4194304 pool_clean_bytes:0 pool_lent_bytes:0; do
		echo "${f#*:}" >"$d/${f%%:*}"
	done
	CMAMEM_SYSFS=$d run --separate-stderr cm pool
	assert_success
	assert_output "$(printf '%s\n' 'pool_bytes: 8388608 (8M)' 'pool_used_bytes: 4096 (4K)' \
		'pool_free_bytes: 8384512 (8188K)' 'pool_largest_free: 4194304 (4M)' 'pool_clean_bytes: 0' \
		'pool_lent_bytes: 0')"
	CMAMEM_SYSFS=$d run --separate-stderr cm pool --resize 16M --json
	assert_success
	assert_equal "$(cat "$d/pool_bytes")" 16777216
	assert_output '{"pool_bytes":16777216,"pool_used_bytes":4096,"pool_free_bytes":8384512,"pool_largest_free":4194304,"pool_clean_bytes":0,"pool_lent_bytes":0}'
	CMAMEM_SYSFS=$BATS_TEST_TMPDIR/none run --separate-stderr cm pool
	assert_failure 3
	[[ $stderr == *"pool_bytes (is the cma_mem module loaded?)"* ]] || fail "$stderr"
}

@test "global options go before or after the action" {
	assert_reached_device -v list
	assert_reached_device list --json
	assert_reached_device --json -q info 1
}

@test "the device: --device beats \$CMAMEM_DEVICE, which beats the default" {
	run --separate-stderr env CMAMEM_DEVICE=/nonexistent/env "$CMAMEM" list
	assert_failure 1
	[[ $stderr == "cmamem: cannot open /nonexistent/env: No such file or directory"* ]]
	run --separate-stderr env CMAMEM_DEVICE=/nonexistent/env "$CMAMEM" -d /nonexistent/opt list
	assert_failure 1
	[[ $stderr == "cmamem: cannot open /nonexistent/opt:"* ]]
	[ ! -e /dev/cma_mem ] || fail "a real /dev/cma_mem is present: run the host suites where the module is not loaded"
	run --separate-stderr env -u CMAMEM_DEVICE "$CMAMEM" list
	assert_failure 1
	[[ $stderr == "cmamem: cannot open /dev/cma_mem:"* ]]
}

@test "a device that is not cma_mem fails the ioctl: exit 1, with the errno text" {
	run --separate-stderr "$CMAMEM" --device /dev/null list
	assert_failure 1
	[[ $stderr == "cmamem: list: Inappropriate ioctl for device" ]] || fail "$stderr"
}
