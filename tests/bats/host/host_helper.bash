# Shared setup for the host-side suites: no device, no root, no guest.
# The CLI and cli-unit come from the build tree; every run points --device
# (and $CMAMEM_DEVICE) at a path that does not exist, so a test can tell a
# usage error (exit 2, device untouched) from a run that got as far as
# opening the device (exit 1, "cannot open").

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
BUILD=${BUILD:-$REPO/build}
CMAMEM=$BUILD/bin/cmamem
CLI_UNIT=$BUILD/tests/cli-unit
NODEV=/nonexistent/cma_mem
export CMAMEM_DEVICE=$NODEV

host_setup() {
	[ -x "$CMAMEM" ] || skip "build/bin/cmamem not built (make cli)"
	[ -x "$CLI_UNIT" ] || skip "build/tests/cli-unit not built (make cli)"
}

# cmamem with the nonexistent device.
cm() {
	"$CMAMEM" --device "$NODEV" "$@"
}

# A usage error: exit 2, one line on stderr naming $want, nothing on stdout.
assert_usage() {
	local want=$1
	shift
	run --separate-stderr cm "$@"
	assert_failure 2
	assert_output ''
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] ||
		fail "expected one line on stderr, got: $stderr"
	[[ $stderr == "cmamem: "*"$want"* ]] ||
		fail "stderr '$stderr' does not name '$want'"
	[[ $stderr != *"cannot open"* ]] || fail "the device was opened: $stderr"
}

# Parsing passed: the run failed only at opening the (missing) device.
assert_reached_device() {
	run --separate-stderr cm "$@"
	assert_failure 1
	[[ $stderr == *"cannot open $NODEV"* ]] || fail "stderr: $stderr"
}

# Run under valgrind; any leak or error is exit 99.
vg() {
	valgrind -q --leak-check=full --show-leak-kinds=definite,possible \
		--errors-for-leak-kinds=definite,possible --error-exitcode=99 "$@"
}
