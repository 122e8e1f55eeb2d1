// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmamem top's terminal, with plain ANSI escapes (no curses): the
 * alternate screen and a hidden cursor while it runs, keys read one at a
 * time without echo, each frame drawn over the last from the top left.
 * Whatever ends it (q, SIGINT, SIGTERM, SIGHUP, an error, exit()) gives the
 * terminal back as it was; ^Z gives it back while stopped, and fg takes it
 * again. The handlers only set flags and make the async-signal-safe calls
 * that undo and redo the terminal's state.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "top.h"

/* Enter: the alternate screen, no cursor. Leave: the reverse. */
static const char enter_seq[] = "\033[?1049h\033[?25l";
static const char leave_seq[] = "\033[?25h\033[?1049l";

static struct termios saved;
static int keys_on;			/* stdin is in raw mode */
static int keys_gone;			/* and at its end: poll it no more */
static volatile sig_atomic_t active;	/* the screen is ours */
static volatile sig_atomic_t redraw;	/* resized, or back from ^Z */
static volatile sig_atomic_t stop_sig;	/* SIGINT, SIGTERM or SIGHUP */

static void put(const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* Async-signal-safe: write() and tcsetattr() only. */
static void terminal_enter(void)
{
	struct termios raw = saved;

	if (keys_on) {
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	put(enter_seq, sizeof(enter_seq) - 1);
}

static void terminal_leave(void)
{
	put(leave_seq, sizeof(leave_seq) - 1);
	if (keys_on)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
}

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void on_winch(int sig)
{
	(void)sig;
	redraw = 1;
}

/* ^Z: the terminal back, then stop as the default action would. */
static void on_tstp(int sig)
{
	int e = errno;

	if (active)
		terminal_leave();
	signal(sig, SIG_DFL);
	errno = e;
	raise(sig);		/* delivered when this handler returns */
}

static void on_tstp_install(void);

/* fg: take the terminal again, and draw it whole. */
static void on_cont(int sig)
{
	int e = errno;

	(void)sig;
	on_tstp_install();
	if (active)
		terminal_enter();
	redraw = 1;
	errno = e;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void on_tstp_install(void)
{
	handle(SIGTSTP, on_tstp);
}

int screen_start(int keys)
{
	if (keys && tcgetattr(STDIN_FILENO, &saved))
		return errno;
	keys_on = keys;
	handle(SIGINT, on_stop);
	handle(SIGTERM, on_stop);
	handle(SIGHUP, on_stop);
	handle(SIGWINCH, on_winch);
	handle(SIGCONT, on_cont);
	on_tstp_install();
	atexit(screen_end);
	active = 1;
	terminal_enter();
	return 0;
}

void screen_end(void)
{
	if (!active)
		return;
	active = 0;
	fflush(stdout);
	terminal_leave();
}

void screen_size(size_t *rows, size_t *cols)
{
	struct winsize ws;
	const char *e;

	*rows = 24;
	*cols = 80;
	/* A pseudo-terminal nobody sized says 0x0: then $LINES, $COLUMNS. */
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
		return;
	}
	e = getenv("LINES");
	if (e && atoi(e) > 0)
		*rows = (size_t)atoi(e);
	e = getenv("COLUMNS");
	if (e && atoi(e) > 0)
		*cols = (size_t)atoi(e);
}

void screen_draw(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t rows, cols, row = 0;

	screen_size(&rows, &cols);
	fputs("\033[H", stdout);
	while (p < end && row < rows) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		/* A line that fills the last row would scroll: the rest
		 * of each is cut, and the last has no newline. */
		fwrite(p, 1, n < cols ? n : cols, stdout);
		fputs("\033[K", stdout);
		if (++row < rows && nl && nl + 1 < end)
			fputs("\n", stdout);
		p = nl ? nl + 1 : end;
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

enum top_event screen_wait(double seconds, int *key)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	int ms = seconds > 0 ? (int)(seconds * 1000 + 0.5) : 0;
	unsigned char c[16];
	ssize_t n;
	int ret;

	if (stop_sig)
		return TOP_SIGNAL;
	if (redraw) {
		redraw = 0;
		return TOP_REDRAW;
	}
	ret = poll(&pfd, keys_on && !keys_gone ? 1 : 0, ms);
	if (ret < 0)	/* EINTR: a signal, whose flag says which */
		return stop_sig ? TOP_SIGNAL : TOP_REDRAW;
	if (!ret)
		return TOP_TIMEOUT;
	n = read(STDIN_FILENO, c, sizeof(c));
	if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
		keys_gone = 1;
	/* An escape sequence (an arrow key) is not a key of ours. */
	if (n <= 0 || c[0] == '\033')
		return TOP_REDRAW;
	*key = c[n - 1];
	return TOP_KEY;
}

int screen_signal(void)
{
	return stop_sig;
}
