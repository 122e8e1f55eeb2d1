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
	# mawk reads a pipe in blocks, and waits to fill one, unless told to
	# read lines as they come; gawk does that by itself.
	SCREEN_AWK_OPTS=
	[[ $(awk -W version 2>&1) != mawk* ]] || SCREEN_AWK_OPTS="-W interactive"
}

# screen_until shows|lacks REGEX: read until a whole frame has (shows) or
# has not (lacks) a line matching REGEX (an awk ERE); that frame, its
# escapes taken out, is then in $frame. At most 200 frames, and 60 s.
# awk reads the frames, not bash: bash reads a pipe a byte at a time, which
# in the debug guest was slower than top drew.
screen_until() {
	frame=$(SCREEN_WANT=$1 SCREEN_RE=$2 timeout 60 awk $SCREEN_AWK_OPTS '
		BEGIN { want = ENVIRON["SCREEN_WANT"] == "shows"; re = ENVIRON["SCREEN_RE"] }
		function add(text) {
			cur = cur text "\n"
			if (text ~ re)
				has = 1
		}
		{
			gsub(/\r|\033\[[JK]/, "")
			while ((at = index($0, "\033[H"))) {
				add(substr($0, 1, at - 1))
				# The first frame may have begun before this read.
				if (frames++ && has == want) {
					printf "%s", cur
					found = 1
					exit
				}
				if (frames > 200)
					exit
				cur = ""
				has = 0
				$0 = substr($0, at + 3)
			}
			add($0)
		}
		END { exit !found }' <&"$SCREEN") ||
		fail "no frame $1 '$2' (within 200 frames or 60 s)"
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
