# A full-screen program (cmamem top) driven in script(1)'s pseudo-terminal,
# for the guest suites and the host ones (tests/bats/host loads it as
# ../test_helper/screen). Its screen is read frame by frame, a frame being
# what it draws from one cursor-home (ESC [ H) to the next; no sleeps: each
# wait reads until the frame it wants comes, within bounds.
#
#   screen_start target_sh "$KEYS" "$CMAMEM_BIN top"   (or bash -c)
#   screen_until shows 'REGEX'; ...; echo q >KEYS; screen_quit
#   teardown() { screen_teardown; ... }

# screen_start SH KEYS COMMAND: run COMMAND in a 40x120 terminal through
# `SH 'script ...'` (target_sh, or bash -c), its keys from the FIFO KEYS
# (opened read-write: script(1) waits for no writer and sees no end), its
# output on fd $SCREEN. $SCREEN_JOB is the job.
screen_start() {
	local sh=$1 keys=$2 cmd=$3
	mkfifo "$BATS_TEST_TMPDIR/screen"
	$sh "exec script -q -e -c 'stty rows 40 cols 120 && exec $cmd' /dev/null <>$keys 2>&1" \
		>"$BATS_TEST_TMPDIR/screen" 3>&- &
	SCREEN_JOB=$!
	exec {SCREEN}<"$BATS_TEST_TMPDIR/screen"
}

# screen_until shows|lacks REGEX: read until a whole frame has (shows) or
# has not (lacks) a line matching REGEX; that frame, its escapes taken
# out, is then in $frame. At most 200 frames, 60 s a line.
screen_until() {
	local want=$1 re=$'\n'$2 line cur="" frames=0 has
	while IFS= read -r -t 60 -u "$SCREEN" line; do
		line=${line//$'\r'/}
		line=${line//$'\e[K'/}
		line=${line//$'\e[J'/}
		if [[ $line == *$'\e[H'* ]]; then
			cur+=${line%%$'\e[H'*}
			has=no
			[[ $'\n'$cur =~ $re ]] && has=yes
			if ((frames++)) && [ "$want/$has" = shows/yes -o "$want/$has" = lacks/no ]; then
				frame=$cur
				return 0
			fi
			((frames < 200)) || break
			cur=""
			line=${line##*$'\e[H'}
		fi
		cur+=$line$'\n'
	done
	fail "no frame $want '$2' (after $frames frames)"
}

# screen_quit: after the key that quits: the program must exit 0, with the
# cursor shown and the alternate screen left (the terminal as it was).
screen_quit() {
	local rest status=0
	rest=$(timeout 60 cat <&"$SCREEN")
	wait "$SCREEN_JOB" || status=$?
	SCREEN_JOB=
	exec {SCREEN}<&-
	[ "$status" -eq 0 ] || fail "exit $status after the key that quits"
	[[ $rest == *$'\e[?25h\e[?1049l' ]] ||
		fail "the terminal was not restored: $(printf %q "${rest: -40}")"
}

# screen_teardown: a test that failed midway: script(1), and with it the
# program, goes.
screen_teardown() {
	if [ -n "${SCREEN_JOB:-}" ]; then
		kill "$SCREEN_JOB"
		wait "$SCREEN_JOB" || echo "screen: exit $?" >&2
		SCREEN_JOB=
	fi
}
