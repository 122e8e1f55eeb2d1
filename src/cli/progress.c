// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The progress bar: "\rLABEL  42% [==========>          ] 512/1024 MiB".
 * Redrawn at most ten times a second; plain ASCII, no colour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

#define BAR_WIDTH	30

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, const struct cli *cli,
		   const char *label, uint64_t total, int allowed)
{
	const char *env = getenv("CMAMEM_PROGRESS_DELAY");

	memset(p, 0, sizeof(*p));
	p->label = label;
	p->total = total;
	p->delay = env && *env ? strtod(env, NULL) : 1.0;
	p->enabled = allowed && total && !cli->quiet && isatty(STDERR_FILENO);
	if (p->enabled)
		p->start = p->last = now();
}

static void draw(struct progress *p)
{
	unsigned int pct = (unsigned int)(p->done * 100 / p->total);
	unsigned int fill = (unsigned int)(p->done * BAR_WIDTH / p->total);
	char bar[BAR_WIDTH + 1];

	memset(bar, ' ', BAR_WIDTH);
	memset(bar, '=', fill);
	if (fill < BAR_WIDTH)
		bar[fill] = '>';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s %3u%% [%s] %llu/%llu MiB", p->label, pct, bar,
		(unsigned long long)(p->done >> 20),
		(unsigned long long)(p->total >> 20));
	fflush(stderr);
	p->shown = 1;
}

void progress_add(struct progress *p, uint64_t n)
{
	double t;

	p->done += n;
	if (!p->enabled)
		return;
	t = now();
	if (t - p->start < p->delay || (p->shown && t - p->last < 0.1))
		return;
	p->last = t;
	draw(p);
}

void progress_end(struct progress *p)
{
	if (!p->shown)
		return;
	/* Blank the line and return to its start, so what follows is clean. */
	fprintf(stderr, "\r%*s\r", (int)strlen(p->label) + BAR_WIDTH + 30, "");
	fflush(stderr);
	p->shown = 0;
}
