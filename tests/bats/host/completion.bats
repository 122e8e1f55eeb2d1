#!/usr/bin/env bats
# completion/cmamem.bash: sourced into this shell, driven through
# COMP_WORDS/COMP_CWORD as bash would, with buffers from the fake device
# (so `cmamem list -v` has something to say).

load host_helper

setup() {
	fake_setup
	# The completion runs COMP_WORDS[0]: a shim that brings the fake along.
	SHIM=$BATS_TEST_TMPDIR/cmamem
	printf '#!/bin/sh\nLD_PRELOAD=%s exec %s "$@"\n' "$FAKE" "$CMAMEM" > "$SHIM"
	chmod +x "$SHIM"
	source "$REPO/completion/cmamem.bash"
}

# complete WORDS...: complete the last word; the sorted candidates in $output.
complete_line() {
	COMP_WORDS=("$SHIM" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMPREPLY=()
	# As bash runs it: not under bats' errexit, where a compgen with no
	# match would end the function early.
	set +e
	_cmamem
	set -e
	output=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
}

@test "the completion is registered for cmamem" {
	run complete -p cmamem
	assert_output "complete -F _cmamem cmamem"
}

@test "actions, and global options before the action" {
	complete_line ""
	assert_equal "$output" "$(printf '%s\n' alloc checksum cmp copy dump export fill free holders info limits list map pool regions stats sync top verify)"
	complete_line c
	assert_equal "$output" "$(printf '%s\n' checksum cmp copy)"
	complete_line --j
	assert_equal "$output" "--json"
	complete_line -d /dev/null ve
	assert_equal "$output" "verify"
}

@test "each action's options match its --help" {
	local a o
	for a in alloc fill dump sync checksum cmp copy list limits pool map top; do
		complete_line "$a" 1 --
		for o in $output; do
			"$CMAMEM" "$a" --help | grep -q -- "$o" || fail "$a: $o is not in its help"
		done
		# And the other way: every long option of the help is offered.
		for o in $("$CMAMEM" "$a" --help | grep -o -- '--[a-z-]*' | sort -u); do
			[[ $'\n'$output$'\n' == *$'\n'$o$'\n'* ]] || fail "$a: $o is not completed"
		done
	done
}

@test "option values: cache modes, formats, algorithms, directions" {
	complete_line alloc 4K --cache ""
	assert_equal "$output" "$(printf '%s\n' cached uncached wc)"
	complete_line alloc 4K --from p
	assert_equal "$output" "pool"
	complete_line dump 1 --format u
	assert_equal "$output" "$(printf '%s\n' u16 u32 u64 u8)"
	complete_line dump 1 --endian b
	assert_equal "$output" "big"
	complete_line checksum 1 --algo ""
	assert_equal "$output" "$(printf '%s\n' crc32 sha256)"
	complete_line sync 1 --for ""
	assert_equal "$output" "$(printf '%s\n' cpu device)"
	complete_line top --sort m
	assert_equal "$output" "mapped"
	complete_line alloc --name ""
	assert_equal "$output" ""
}

@test "--region: the names cmamem regions lists" {
	export CMAMEM_SYSFS=$BATS_TEST_TMPDIR/sysfs
	mkdir -p "$CMAMEM_SYSFS/regions/default" "$CMAMEM_SYSFS/regions/vpu" "$CMAMEM_SYSFS/regions/venc"
	echo 0 >"$CMAMEM_SYSFS/regions/default/id"
	echo 1 >"$CMAMEM_SYSFS/regions/vpu/id"
	echo 2 >"$CMAMEM_SYSFS/regions/venc/id"
	complete_line alloc 4K --region v
	assert_equal "$output" "$(printf '%s\n' venc vpu)"
	complete_line limits -R ""
	assert_equal "$output" "$(printf '%s\n' default venc vpu)"
	# What follows the option's value is the action's again.
	complete_line alloc --region vpu --na
	assert_equal "$output" "--name"
}

@test "buffer ids and names come from cmamem list" {
	"$SHIM" alloc 4K --name frame0 > /dev/null
	"$SHIM" alloc 4K > /dev/null
	"$SHIM" alloc 4K --name fb > /dev/null
	complete_line info ""
	assert_equal "$output" "$(printf '%s\n' 1 2 3 fb frame0)"
	complete_line free fr
	assert_equal "$output" "frame0"
	complete_line copy frame0 ""
	assert_equal "$output" "$(printf '%s\n' 1 2 3 fb frame0)"
	# One buffer argument only: nothing after it but options.
	complete_line info 1 ""
	assert_equal "$output" ""
	complete_line export f
	assert_equal "$output" "$(printf '%s\n' fb frame0)"
	complete_line export fb ""
	assert_equal "$output" "--"
}

@test "files where a file is wanted" {
	touch "$BATS_TEST_TMPDIR/frame.raw"
	complete_line fill 1 --from "$BATS_TEST_TMPDIR/fra"
	assert_equal "$output" "$BATS_TEST_TMPDIR/frame.raw"
	complete_line alloc --size-from "$BATS_TEST_TMPDIR/fra"
	assert_equal "$output" "$BATS_TEST_TMPDIR/frame.raw"
	complete_line cmp 1 "$BATS_TEST_TMPDIR/fra"
	assert_equal "$output" "$BATS_TEST_TMPDIR/frame.raw"
	complete_line dump 1 --raw --to "$BATS_TEST_TMPDIR/fra"
	assert_equal "$output" "$BATS_TEST_TMPDIR/frame.raw"
	complete_line map -o "$BATS_TEST_TMPDIR/fra"
	assert_equal "$output" "$BATS_TEST_TMPDIR/frame.raw"
	complete_line map --output "$BATS_TEST_TMPDIR/fra"
	assert_equal "$output" "$BATS_TEST_TMPDIR/frame.raw"
	# The range actions' -o is an offset: no file names.
	complete_line dump 1 -o "$BATS_TEST_TMPDIR/fra"
	assert_equal "$output" ""
}

@test "UID:NAME: another user's named buffers, from list --all" {
	mkdir "$BATS_TEST_TMPDIR/debugfs"
	printf '%s\n' 'id name size cache dma_addr uid pid comm age_ms' \
		'3 frame 4096 wc 0x0 1000 7 cam 5' '4 - 4096 wc 0x0 1000 7 cam 5' \
		'5 fritz 4096 wc 0x0 1001 8 cam 5' '6 frame2 4096 wc 0x0 1000 7 cam 5' \
		> "$BATS_TEST_TMPDIR/debugfs/buffers"
	export CMAMEM_DEBUGFS=$BATS_TEST_TMPDIR/debugfs
	complete_line info 1000:
	assert_equal "$output" "$(printf '%s\n' 1000:frame 1000:frame2)"
	complete_line free 1001:f
	assert_equal "$output" "1001:fritz"
	complete_line export 1000:frame2
	assert_equal "$output" "1000:frame2"
}

@test "after export ID --: the command, then its own words" {
	complete_line export 1 -- bas
	[[ $'\n'$output$'\n' == *$'\n'bash$'\n'* ]] || fail "bash not offered: $output"
}

@test "the device named on the line is the one listed" {
	"$SHIM" alloc 4K --name onfake > /dev/null
	complete_line -d /fake/cma_mem info on
	assert_equal "$output" "onfake"
	# Another device has none of these buffers (and the error is silent).
	complete_line --device /nonexistent/dev info on
	assert_equal "$output" ""
}
