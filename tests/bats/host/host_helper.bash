# Shared setup for the host-side suites: no device, no root, no guest.
# The CLI and cli-unit come from the build tree; every run points --device
# (and $CMAMEM_DEVICE) at a path that does not exist, so a test can tell a
# usage error (exit 2, device untouched) from a run that got as far as
# opening the device (exit 1, "cannot open").
#
# BUILD selects another build tree, e.g. an ASan one:
#   for d in src/cli tests/host-c; do make -C $d BUILD=/tmp/asan \
#        CFLAGS="-g -fsanitize=address,undefined" \
#        LDFLAGS=-fsanitize=address,undefined; done
#   BUILD=/tmp/asan ASAN_OPTIONS=verify_asan_link_order=0 bats tests/bats/host

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
	[ -x "$CMAMEM" ] || fail "build/bin/cmamem not built (make tests-host)"
	[ -x "$CLI_UNIT" ] || fail "build/tests/cli-unit not built (make tests-host)"
}

# fake_setup: host_setup, with libcmamem-fake.so (tests/host-c/fakedev.c)
# standing in for the device, its buffers kept in the test's own directory.
# Sets FAKE (the library) and T (the test's temporary directory).
fake_setup() {
	host_setup
	FAKE=$BUILD/tests/libcmamem-fake.so
	[ -f "$FAKE" ] || fail "libcmamem-fake.so not built (make tests-host)"
	export CMAMEM_FAKE_DIR=$BATS_TEST_TMPDIR/fake
	export CMAMEM_FAKE_DEVICE=/fake/cma_mem
	export CMAMEM_DEVICE=/fake/cma_mem
	T=$BATS_TEST_TMPDIR
}

# cmamem against the fake device.
fk() {
	LD_PRELOAD=$FAKE "$CMAMEM" "$@"
}

# expect_err STATUS MESSAGE CMAMEM-ARGS...: against the fake device, exit
# STATUS, nothing on stdout, and exactly the line "cmamem: MESSAGE" on stderr.
expect_err() {
	local want=$1 msg=$2
	shift 2
	run --separate-stderr fk "$@"
	[ "$status" -eq "$want" ] || fail "cmamem $*: exit $status, expected $want; stderr: $stderr"
	assert_output ''
	assert_equal "$stderr" "cmamem: $msg"
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

# Skip a valgrind test when valgrind is missing, or when the binaries were
# built with ASan (make ... CFLAGS=-fsanitize=address), which valgrind
# cannot run; such a build is checked by running the other suites.
need_valgrind() {
	command -v valgrind >/dev/null || fail "no valgrind (tests/deps installs it)"
	if nm "$CMAMEM" 2>/dev/null | grep -q __asan_init; then
		skip "an ASan build: valgrind cannot run it"
	fi
}
