#!/usr/bin/env bats
# SIZE syntax (src/cli/size.c), shared by alloc SIZE, --align, --offset and
# --length: every accepted form, and every error as exit 2 with one line
# naming the argument, before the device is opened.

load host_helper

setup() { host_setup; }

size_is() {
	run "$CLI_UNIT" size "$1"
	assert_success
	assert_output "$2"
}

@test "decimal bytes" {
	size_is 0 0
	size_is 1 1
	size_is 4096 4096
	size_is 007 7
	size_is 18446744073709551615 18446744073709551615
}

@test "hexadecimal bytes" {
	size_is 0x1000 4096
	size_is 0X1000 4096
	size_is 0xdeadBEEF 3735928559
	size_is 0xffffffffffffffff 18446744073709551615
}

@test "binary suffixes, both cases, and the KiB spellings" {
	size_is 64K 65536
	size_is 64k 65536
	size_is 8M 8388608
	size_is 8m 8388608
	size_is 1G 1073741824
	size_is 1g 1073741824
	size_is 2T 2199023255552
	size_is 4KiB 4096
	size_is 4kib 4096
	size_is 3MiB 3145728
	size_is 1GiB 1073741824
	size_is 1TiB 1099511627776
	size_is 0x10K 16384
	size_is 16777215T 18446742974197923840
}

@test "errors: empty, negative, garbage, fractions, spaces, suffixes" {
	local bad why
	while IFS='|' read -r bad why; do
		run "$CLI_UNIT" size "$bad"
		assert_failure 2
		assert_output "cmamem: invalid SIZE '$bad': $why"
	done <<-'EOT'
	|empty
	-1|negative
	-0x10|negative
	+4|not a number
	 4|not a number
	4 |unknown suffix (use K, M, G, T)
	abc|not a number
	0x|not a number
	0xg|not a number
	K|not a number
	1.5M|fractions are not accepted
	1,5M|fractions are not accepted
	4Q|unknown suffix (use K, M, G, T)
	4KB|unknown suffix (use K, M, G, T)
	4MiBs|unknown suffix (use K, M, G, T)
	4096b|unknown suffix (use K, M, G, T)
	12x34|unknown suffix (use K, M, G, T)
	EOT
}

@test "errors: overflow, of the digits and of the suffix" {
	for bad in 18446744073709551616 99999999999999999999999 \
		   0x10000000000000000 16777216T 17179869184G 0xffffffffffffffffK; do
		run "$CLI_UNIT" size "$bad"
		assert_failure 2
		assert_output "cmamem: invalid SIZE '$bad': too large"
	done
}

@test "alloc SIZE: every form gets past parsing to the device" {
	for good in 4096 64K 8M 1G 0x1000 4KiB 2MiB; do
		assert_reached_device alloc "$good"
	done
}

@test "alloc SIZE: bad sizes are usage errors naming SIZE" {
	assert_usage "invalid SIZE '8Q': unknown suffix" alloc 8Q
	assert_usage "invalid SIZE '': empty" alloc ''
	assert_usage "invalid SIZE 'x': not a number" alloc x
	assert_usage "invalid SIZE '99999999999999999999': too large" alloc 99999999999999999999
	assert_usage "invalid SIZE '0': must not be 0" alloc 0
	assert_usage "invalid SIZE '0x0': must not be 0" alloc 0x0
}

@test "alloc SIZE: a negative size is refused, as an option or an argument" {
	# popt sees "-1" as an option; after "--" it is SIZE.
	assert_usage "-1" alloc -1
	assert_usage "invalid SIZE '-1': negative" alloc -- -1
}

@test "--align, --offset and --length use the same syntax and name themselves" {
	assert_usage "invalid --align '4Q'" alloc 4K --align 4Q
	assert_usage "invalid --offset '1.5K'" dump 1 --offset 1.5K
	assert_usage "invalid --length ''" dump 1 --length ''
	assert_usage "invalid --offset '-4'" fill 1 --counter --offset=-4
	assert_usage "invalid --length 'lots'" sync 1 --for cpu --length lots
	assert_reached_device dump 1 --offset 0x1000 --length 4K
}
