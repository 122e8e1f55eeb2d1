// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmamem top: a snapshot every --interval seconds, shown
 *
 *   on a terminal    redrawn in place, sorted by the keys top(1) would use
 *   --once           once, as text (or with --json one document), after
 *                    one interval, so that the allocation rate is measured
 *   --json           one JSON document a line, each interval
 *   otherwise        (standard output is a pipe or file) text each
 *                    interval, a blank line between, as `top -b` does
 *
 * The screen's first frame comes at once, its rate "measuring"; every
 * other output waits one interval, so that each has a rate.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "top.h"

/* On the screen, the newest refusals only: the processes need the room. */
#define SCREEN_REFUSALS	5

struct top_run {
	struct top_view view;
	int screen;
	struct top_snapshot shown;	/* the last one read */
};

/* Show the last snapshot: as text, or drawn over the screen. */
static int show(struct top_run *r)
{
	char *text = NULL;
	size_t len = 0, cols;
	FILE *m;

	top_sort(&r->shown, r->view.sort, r->view.reverse);
	if (!r->screen) {
		top_show_text(stdout, &r->shown, &r->view);
		return 0;
	}
	m = open_memstream(&text, &len);
	if (!m)
		return ENOMEM;
	screen_size(&r->view.max_lines, &cols);
	top_show_text(m, &r->shown, &r->view);
	if (fclose(m)) {
		free(text);
		return ENOMEM;
	}
	screen_draw(text, len);
	free(text);
	return 0;
}

/* A key: 1 to quit, 0 to go on (redrawn if it changed the order). */
static int key(struct top_run *r, int k)
{
	const char *sort = strchr(top_sort_keys, k);

	if (k == 'q')
		return 1;
	if (k && sort) {
		r->view.sort = (enum top_sort)(sort - top_sort_keys);
	} else if (k == 'R') {
		r->view.reverse = !r->view.reverse;
	} else {
		return 0;
	}
	show(r);
	return 0;
}

/* Until @until (top_now()): 1 to quit, 0 when the time has come. */
static int wait_until(struct top_run *r, double until)
{
	double left;
	int k = 0;

	while ((left = until - top_now()) > 0) {
		switch (screen_wait(left, &k)) {
		case TOP_SIGNAL:
			return 1;
		case TOP_KEY:
			if (key(r, k))
				return 1;
			break;
		case TOP_REDRAW:
			if (r->screen)
				show(r);
			break;
		case TOP_TIMEOUT:
			return 0;
		}
	}
	return 0;
}

/* Refresh until q, a signal, --once, or output that cannot be written. */
static int run(struct top_run *r, int once, int json)
{
	struct top_snapshot next;
	int err, frames = 0;

	err = top_read(&r->shown, NULL);
	if (!err && r->screen)
		err = show(r);
	while (!err && !wait_until(r, r->shown.time + r->view.interval)) {
		err = top_read(&next, &r->shown);
		top_free(&r->shown);
		r->shown = next;
		if (err)
			break;
		if (json) {
			top_sort(&r->shown, r->view.sort, r->view.reverse);
			top_show_json(&r->shown, &r->view);
		} else {
			if (!r->screen && frames++)
				putchar('\n');
			err = show(r);
		}
		if (once || fflush(stdout) || ferror(stdout))
			break;
	}
	top_free(&r->shown);
	return err;
}

int action_top(struct cli *cli)
{
	struct top_run r;
	struct stat st;
	int sort = TOP_SORT_BYTES, err, sig;

	memset(&r, 0, sizeof(r));
	r.view.interval = 1;
	r.view.max_refusals = REFUSALS_MAX;
	if (cli->interval && arg_seconds("--interval", cli->interval, 0.1,
					 86400, &r.view.interval))
		return EXIT_USAGE;
	if (cli->sort && arg_word("--sort", cli->sort, top_sort_words, &sort))
		return EXIT_USAGE;
	r.view.sort = (enum top_sort)sort;

	/* Without the driver there is nothing of cmamem's to show. */
	if (stat(sysfs_dir(), &st)) {
		if (errno == ENOENT) {
			cli_err("%s: %s (is the cma_mem module loaded? modprobe cma_mem)",
				sysfs_dir(), strerror(errno));
			return EXIT_FAILED;
		}
		return cli_fail(errno, "%s", sysfs_dir());
	}

	r.screen = !cli->json && !cli->once && isatty(STDOUT_FILENO);
	if (r.screen) {
		r.view.keys = isatty(STDIN_FILENO);
		r.view.max_refusals = SCREEN_REFUSALS;
		err = screen_start(r.view.keys);
		if (err)
			return cli_fail(err, "top: the terminal");
	}
	err = run(&r, cli->once, cli->json);
	sig = screen_signal();
	screen_end();
	/* Killed as the signal would have: the shell sees why it ended. */
	if (sig) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return err ? cli_fail(err, "top") : EXIT_OK;
}
