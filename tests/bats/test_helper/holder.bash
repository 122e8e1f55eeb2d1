# For suites that drive tests/c/holders: a program whose subtests hold
# buffers in a known way, print "stage N key=value..." and wait for the
# test's SIGUSR1 before each next step, so that every check sees a settled
# state without sleeping. It leads its own process group.
#
#   load test_helper/holder
#   setup()    { HOLDER_PGID=; }
#   teardown() { holder_teardown; ...; }
#
#   hold SUBTEST [ARGS]; next_stage 0; HOLDER_PGID=$parent
#   ...checks...; go; next_stage 1; ...; finish

# hold SUBTEST [ARGS]: start the holder program; then next_stage.
hold() {
	coproc HOLDER { target_run "$CMAMEM_TESTS/holders" "$@" 2>&1; }
	HOLDER_JOB=$HOLDER_PID
}

# next_stage N: read the holder's lines up to "stage N ...", and set the
# variables its key=value words name (id, parent, child...).
next_stage() {
	local line word
	while IFS= read -r -t 300 -u "${HOLDER[0]}" line; do
		for word in $line; do
			[[ $word =~ ^[a-z]+=[0-9]+$ ]] && declare -g "$word"
		done
		[[ $line == "stage $1 "* ]] && return 0
		[[ $line == stage* || $line == done ]] &&
			fail "expected stage $1, the holder printed: $line"
		echo "holder: $line" >&2
	done
	fail "the holder stopped before stage $1"
}

# go: let the holder take its next step (it leads its process group).
go() {
	target_run kill -USR1 "$HOLDER_PGID"
}

# finish: the holder's last step; it must print done and exit 0.
finish() {
	local line
	go
	IFS= read -r -t 300 -u "${HOLDER[0]}" line
	[ "$line" = done ] || fail "the holder printed '$line', not done"
	wait "$HOLDER_JOB" || fail "the holder exited with status $?"
	HOLDER_PGID=
}

# holder_teardown: a test that failed midway: its holders go with their
# process group.
holder_teardown() {
	if [ -n "$HOLDER_PGID" ]; then
		target_run kill -KILL -- "-$HOLDER_PGID" 2>/dev/null
		wait "$HOLDER_JOB" 2>/dev/null
	fi
}
