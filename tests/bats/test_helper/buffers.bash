# For the suites that make buffers through the CLI: allocate with
# track_alloc, and a test that fails half-way still frees what it made, so
# that one failure does not cascade into the leak checks of the tests after
# it. The leak check still sees a buffer the driver failed to free: FREE of
# an unreachable buffer fails, and the count stays up.
#
#   load test_helper/buffers
#   teardown() { free_tracked; common_teardown; }

CMAMEM_TRACKED=()

# track_alloc ARGS...: `cmamem alloc ARGS`, which must succeed; the id is in
# $output.
track_alloc() {
	run_cmamem 0 alloc "$@" || return
	[[ $output =~ ^[0-9]+$ ]] || fail "cmamem alloc $*: printed '$output', not an id"
	CMAMEM_TRACKED+=("$output")
}

# Free what the test made and did not free itself. `run` keeps the status
# of a FREE that finds nothing (exit 3) from failing the teardown.
free_tracked() {
	local id
	for id in "${CMAMEM_TRACKED[@]}"; do
		run target_run "$CMAMEM_BIN" --quiet free "$id"
	done
	CMAMEM_TRACKED=()
}

# refute_listed ID: $output (of `cmamem list`) has no line that is ID.
refute_listed() {
	[[ $'\n'$output$'\n' != *$'\n'$1$'\n'* ]] ||
		fail "buffer $1 is listed: $output"
}

# effective_cache MODE: the cache mode a buffer asked for as MODE really gets
# (INFO's cache_effective, the debugfs table's effective column): cached
# where the device is DMA-coherent (x86), MODE elsewhere (cma_mem(4)).
effective_cache() {
	if [ "$(target_run cat "$CMAMEM_DEBUGFS/coherent")" = 1 ]; then
		echo cached
	else
		echo "$1"
	fi
}
