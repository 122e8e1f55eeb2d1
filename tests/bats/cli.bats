#!/usr/bin/env bats
# The cmamem CLI's reporting and data actions on the real driver: checksum
# against sha256sum and zlib's crc32 of the same bytes, cmp and copy, dump
# --format against od, verify (page tables against the DMA address) from
# 4K to 128M, export to a command, --json keys through jq, and every
# command of cmamem(1)'s EXAMPLES, taken from the page itself.
#
# The guest is slow to start processes: tests batch their commands.

load test_helper/common
bats_require_minimum_version 1.5.0

# Page cache is movable, so the kernel may place it in the CMA area: what
# this suite reads in (vivid's modules, python) lowers CmaFree by a few MB
# for reasons that are not ours. Drop it before both readings; a buffer
# the driver failed to free is not page cache and still shows.
drop_caches() { target_sh "sync; echo 3 > /proc/sys/vm/drop_caches"; }
setup_file() { drop_caches; common_setup_file; }
teardown_file() { drop_caches; common_teardown_file; }
setup() { CLI_MADE=(); }
teardown() { cli_free_made; common_teardown; }

# mk ARGS...: `cmamem alloc ARGS`, freed in teardown whatever happens.
mk() {
	run_cmamem 0 alloc "$@" || return
	[[ $output =~ ^[0-9]+$ ]] || fail "alloc $*: '$output' is not an id"
	CLI_MADE+=("$output")
}

cli_free_made() {
	local id
	for id in "${CLI_MADE[@]}"; do
		run target_run "$CMAMEM_BIN" --quiet free "$id"
	done
}

# crc32 FILE: the CRC-32 that gzip writes in its trailer (little-endian,
# before the length), computed by gzip's own code rather than zlib's.
crc32_sh='crc32() { gzip -1 -c | tail -c 8 | od -A n -t x4 --endian=little -N 4 | tr -d " "; }'

@test "checksum is sha256sum's and gzip's crc32 of dump --raw, in each cache mode" {
	# One guest shell for the three modes: process starts are the cost here.
	run target_sh "
		set -e
		$crc32_sh
		cm='$CMAMEM_BIN'
		ids=
		trap 'for i in \$ids; do \$cm --quiet free \$i; done' EXIT
		for c in wc cached uncached; do
			id=\$(\$cm alloc 256K --cache \$c)
			ids=\"\$ids \$id\"
			\$cm fill \$id --random --seed 7
			a=\$(\$cm checksum \$id)
			b=\$(\$cm dump \$id --raw | sha256sum | cut -d' ' -f1)
			[ \"\$a\" = \"\$b\" ] || { echo \"\$c: sha256 \$a != \$b\"; exit 1; }
			a=\$(\$cm checksum \$id --algo crc32 --offset 4097 --length 50000)
			b=\$(\$cm dump \$id --raw --offset 4097 --length 50000 | crc32)
			[ \"\$a\" = \"\$b\" ] || { echo \"\$c: crc32 \$a != \$b\"; exit 1; }
			echo \"\$c ok\"
		done"
	assert_success
	assert_equal "$(grep -c ' ok$' <<<"$output")" 3
}

@test "--json: alloc, info, list, checksum and verify keys, through jq" {
	run_cmamem 0 alloc 64K --name cli-json --json
	CLI_MADE+=("$(jq -r .id <<<"$output")")
	run jq -r 'keys_unsorted | join(",")' <<<"$output"
	assert_output "id,name,size,cache,mmap_offset,dma_addr,source,region"
	run_cmamem 0 info cli-json --json
	run jq -r 'keys_unsorted | join(",")' <<<"$output"
	assert_output "id,name,size,cache,cache_effective,persistent,source,region,region_id,heap,mmap_offset,dma_addr,uid,handles,mappings,exports,holders"
	run_cmamem 0 list --json
	run jq -r '.[] | select(.name == "cli-json") | [.size, .persistent, .dma_addr > 0] | @tsv' <<<"$output"
	assert_output "$(printf '65536\ttrue\ttrue')"
	run_cmamem 0 checksum cli-json --json
	run jq -r '[keys_unsorted, [.name, .offset, .length, .algo, (.digest | length)]] | map(join(",")) | join(" ")' <<<"$output"
	assert_output "id,name,offset,length,algo,digest cli-json,0,65536,sha256,64"
	run_cmamem 0 verify cli-json --json
	run jq -r '[keys_unsorted, [.pages, .contiguous, .dma_match, .first_gap == null, .ok, .phys_addr == .dma_addr]] | map(join(",")) | join(" ")' <<<"$output"
	assert_output "id,name,size,pages,contiguous,phys_addr,dma_addr,dma_match,first_gap,ok 16,true,true,true,true,true"
}

@test "verify: buffers from 4K to 128M are contiguous at the DMA address the driver reports" {
	local s
	# One guest shell for the sweep: alloc, verify, free each in turn.
	run target_sh "
		for s in 4K 64K 2M 16M 128M; do
			id=\$('$CMAMEM_BIN' alloc \$s) || exit 1
			'$CMAMEM_BIN' verify \$id; rc=\$?
			'$CMAMEM_BIN' free \$id || exit 1
			[ \$rc -eq 0 ] || exit \$rc
		done"
	assert_success
	assert_equal "$(grep -c 'contiguous, dma_addr matches$' <<<"$output")" 5
	assert_line --regexp '^buffer [0-9]+: 32768 pages at phys 0x[0-9a-f]+, dma_addr 0x[0-9a-f]+: contiguous'
}

@test "verify without privilege: exit 4, saying why" {
	mk 8K --name cli-priv
	# As root without CAP_SYS_ADMIN, pagemap hides frame numbers.
	run target_run capsh --drop=cap_sys_admin -- -c "'$CMAMEM_BIN' verify cli-priv"
	if [ "$status" -eq 127 ] || [[ $output == *"capsh"*"not found"* ]]; then
		fail "capsh is missing on the target (Debian: libcap2-bin; tests/deps installs it)"
	fi
	assert_failure 4
	assert_output --partial "run as root"
}

@test "cmp and copy between buffers, and against a file" {
	local a b f=$BATS_TEST_TMPDIR/a.bin
	mk 64K
	a=$output
	mk 64K --cache cached
	b=$output
	run_cmamem 0 fill "$a" --counter
	run_cmamem 1 cmp "$a" "$b"
	assert_output "$a $b differ: byte 5, line 1"
	run_cmamem 0 copy "$a" "$b"
	run_cmamem 0 cmp "$a" "$b"
	assert_output ""
	run target_sh "'$CMAMEM_BIN' dump $a --raw > '$f'"
	run_cmamem 0 cmp "$b" "$f"
	run_cmamem 0 fill "$b" --pattern 0xff --offset 40000 --length 1
	run_cmamem 1 cmp "$f" "$b"
	assert_output --regexp "^$f $b differ: byte 40001, line [0-9]+$"
	run_cmamem 0 copy "$a" "$b" --offset 32K --length 4K --dest-offset 0
	run target_sh "cmp <('$CMAMEM_BIN' dump $b --raw --length 4K) <('$CMAMEM_BIN' dump $a --raw --offset 32K --length 4K)"
	assert_success
	run_cmamem 3 cmp "$a" 4000000
}

@test "dump --format u16 and u64, both byte orders, are od of dump --raw" {
	mk 8K --cache cached
	local id=$output
	run_cmamem 0 fill "$id" --random --seed 3
	run target_sh "
		set -e
		'$CMAMEM_BIN' dump $id --raw > '$BATS_TEST_TMPDIR/r'
		diff <('$CMAMEM_BIN' dump $id --format u16) <(od -A x -t x2 '$BATS_TEST_TMPDIR/r')
		diff <('$CMAMEM_BIN' dump $id --format u64 --endian big --offset 8 --length 4088) \
		     <(od -A x -t x8 --endian=big -j 8 -N 4088 '$BATS_TEST_TMPDIR/r')"
	assert_success
}

@test "alloc --size-from and fill --from -: a buffer that holds a file" {
	local f=$BATS_TEST_TMPDIR/in
	head -c 30000 /dev/urandom > "$f"
	run_cmamem 0 alloc --size-from "$f" --name cli-file --json
	CLI_MADE+=("$(jq -r .id <<<"$output")")
	assert_equal "$(jq -r .size <<<"$output")" 32768
	run target_sh "'$CMAMEM_BIN' fill cli-file --from - < '$f'"
	assert_success
	run_cmamem 0 cmp cli-file "$f" --length 30000
	run_cmamem 0 checksum cli-file --length 30000
	assert_output "$(sha256sum < "$f" | cut -d' ' -f1)"
}

@test "export: the command gets a dma-buf fd, named after the buffer, and its status is cmamem's" {
	mk 64K --name cli-exp
	run_cmamem 0 export cli-exp -- sh -c '
		readlink /proc/self/fd/$CMAMEM_DMABUF_FD
		echo "id=$CMAMEM_BUFFER_ID size=$CMAMEM_BUFFER_SIZE"
		'"'$CMAMEM_BIN'"' info cli-exp --json | jq -r .exports
		grep -c cli-exp /sys/kernel/debug/dma_buf/bufinfo'
	assert_line --index 0 --regexp 'dmabuf:cli-exp$'
	assert_line --index 1 "id=${CLI_MADE[0]} size=65536"
	assert_line --index 2 1
	assert_line --index 3 --regexp '^[1-9]'
	run_cmamem 5 export cli-exp -- sh -c 'exit 5'
	run -127 target_run "$CMAMEM_BIN" export cli-exp -- /nonexistent
	# The export is gone with the command: the buffer frees as usual.
	run_cmamem 0 info cli-exp --json
	assert_equal "$(jq -r .exports <<<"$output")" 0
}

@test "every command of cmamem(1)'s EXAMPLES runs, with the output the page shows" {
	run target_run "$CMAMEM_REPO/tests/man/run-examples" "$CMAMEM_REPO/cmamem.1"
	assert_success
}

@test "cma_mem(4)'s EXAMPLES program compiles and every call in it succeeds" {
	run target_run "$CMAMEM_REPO/tests/man/run-examples" "$CMAMEM_REPO/cma_mem.4"
	assert_success
	assert_output --partial "1 of 1 examples as documented"
}
