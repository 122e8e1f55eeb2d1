/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A progress bar for long work (fill, copy, checksum, dump to a file): drawn
 * on stderr, only when stderr is a terminal, never with --quiet, and only
 * once the work has run for a second ($CMAMEM_PROGRESS_DELAY seconds), so
 * quick commands and scripts never see it. It erases itself when done.
 */
#ifndef CMAMEM_CLI_PROGRESS_H
#define CMAMEM_CLI_PROGRESS_H

#include <stdint.h>

struct cli;

struct progress {
	const char *label;
	uint64_t total, done;
	double start, last, delay;	/* seconds, CLOCK_MONOTONIC */
	int enabled, shown;
};

/* @allowed: the caller's own condition (dump: stdout is not a terminal). */
void progress_init(struct progress *p, const struct cli *cli,
		   const char *label, uint64_t total, int allowed);
void progress_add(struct progress *p, uint64_t n);
/* Erase the bar, if it was drawn. */
void progress_end(struct progress *p);

#endif
