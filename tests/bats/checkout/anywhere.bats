#!/usr/bin/env bats
# A checkout works wherever people clone it. The guest covers /tmp,
# /var/tmp, /run, /root and /home with tmpfs mounts of its own, and a Unix
# socket's path has at most 107 bytes: each once broke a clone in a home
# directory (the module "not found" at insmod; ssh unable to make its
# multiplexing socket). Each test lays out this checkout as a fresh clone
# has it, builds the library and CLI there, then runs the demo in a guest
# from it; the one in $HOME also runs it on arm64, the deepest also runs the
# ssh leg (tests/vm/check-ssh). Run by
# tests/check beside the guests; on its own: bats tests/bats/checkout.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

REPO=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
# The kernel with the cheaper kmemleak scans; any kernel proves the paths.
: "${CMAMEM_ANYWHERE_KVER:=6.12}"

setup() {
	CLONE_TOP=
}

# A failed test keeps its clone's guest console logs, in this checkout's
# build/check/clones/, for the reason.
teardown() {
	[ -n "$CLONE_TOP" ] || return 0
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		local keep=$REPO/build/check/clones/$BATS_TEST_NUMBER
		mkdir -p "$keep"
		find "$CLONE_TOP" -path '*/build/vm/*.console.log' -exec cp {} "$keep/" \;
		echo "# the clone's console logs: $keep" >&3
	fi
	rm -rf "$CLONE_TOP"
}

# fresh_clone DIR: the files a clone of this checkout has (what git tracks
# or would track, as they are in the work tree), and no build outputs.
fresh_clone() {
	mkdir -p "$1"
	(cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | cpio -pdm0 --quiet "$1")
}

# demo_from DIR ARCH: the demo in an ARCH guest, run from the clone at DIR.
demo_from() {
	run "$1/tests/vm/run" --arch "$2" --kver "$CMAMEM_ANYWHERE_KVER" -- tests/demo
	assert_success
	assert_output --partial "Every page is back"
}

# from_clone DIR [ssh|arm64]: build in a fresh clone at DIR, then the demo
# in a guest from there; with ssh the ssh leg too, with arm64 the demo in an
# arm64 guest too. The demo is what shows a hidden checkout (the module,
# the CLI and the scripts are all read from it in the guest). The ssh leg
# adds the socket path, whose length only the deep clone tests; the arm64
# guest builds its root from its own tree and the host's (rootfs-init),
# which a clone under a directory both have (/root, /home) once broke. Each
# extra guest runs from one clone only.
from_clone() {
	local dir=$1
	fresh_clone "$dir"
	run make -s -C "$dir" lib cli
	assert_success
	demo_from "$dir" x86_64
	case ${2:-} in
	ssh)
		run "$dir/tests/vm/check-ssh" --kver "$CMAMEM_ANYWHERE_KVER" device
		assert_success
		assert_output --partial "ok - ssh guest $CMAMEM_ANYWHERE_KVER: kernel log gate"
		refute_output --partial "not ok"
		;;
	arm64)
		run make -s -C "$dir" user-arm64
		assert_success
		demo_from "$dir" arm64
		;;
	esac
}

@test "a clone under /tmp" {
	CLONE_TOP=$(mktemp -d /tmp/cmamem-clone.XXXXXX)
	from_clone "$CLONE_TOP/cmamem"
}

@test "a clone in \$HOME, and the demo in an arm64 guest from it" {
	CLONE_TOP=$(mktemp -d "$HOME/cmamem-clone.XXXXXX")
	from_clone "$CLONE_TOP/cmamem" arm64
}

@test "a clone deep under /home/<user>, at a path of 80 characters or more, and the ssh leg from it" {
	CLONE_TOP=$(mktemp -d /home/cmamem-newcomer.XXXXXX)
	dir=$CLONE_TOP/src/camera-pipeline-bring-up/third-party/contiguous-memory/cmamem
	[ ${#dir} -ge 80 ] || fail "the path has ${#dir} characters: $dir"
	from_clone "$dir" ssh
}
