/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmamem top, in four parts:
 *
 *   top-snapshot.c  one reading of what the system shows: /proc/meminfo,
 *                   the driver's sysfs and debugfs files, /proc/PID/status
 *   top-show.c      a snapshot as text lines or as one JSON document
 *   top-screen.c    the terminal: raw keys, redraws, restoring it
 *   top.c           the action: options, the refresh loop, the keys
 */
#ifndef CMAMEM_CLI_TOP_H
#define CMAMEM_CLI_TOP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "debugfs.h"

/* The orders of the process rows: --sort's words, the keys that pick them. */
enum top_sort {
	TOP_SORT_BYTES, TOP_SORT_PID, TOP_SORT_BUFFERS, TOP_SORT_MAPPED,
	TOP_SORT_EXPORTS,
	TOP_SORT_NR
};
extern const char *const top_sort_words[TOP_SORT_NR + 1];	/* NULL-ended */
extern const char top_sort_keys[TOP_SORT_NR + 1];		/* "MNBmE" */

/* One process that holds buffers. */
struct top_proc {
	long pid;
	char comm[64];
	int64_t uid;			/* effective; -1: unknown (it exited) */
	uint64_t buffers, bytes, mapped_bytes, exports;
};

/*
 * What a snapshot could not read: the sections (their JSON keys, which
 * are also the screen's labels) that it leaves out, the file, and why.
 */
#define TOP_MISSING_MAX	8
struct top_missing {
	const char *sections;		/* "allocs latency" */
	char path[512];
	int err;
};

struct top_snapshot {
	double time;			/* CLOCK_MONOTONIC, seconds */
	int64_t cma_total_kb, cma_free_kb;	/* -1: unknown */
	int have_usage;			/* sysfs: used_bytes, buffers */
	uint64_t used_bytes, buffers;
	int have_pool;
	uint64_t pool[8];		/* by pool_names[] */
	int have_stats;			/* debugfs stats */
	uint64_t allocs, latency_max_us;
	struct latency_bucket latency[STATS_MAX];
	size_t nlatency;
	int have_rate;			/* a previous snapshot had stats */
	double allocs_per_s;
	int have_procs;			/* debugfs holders and buffers */
	struct top_proc *procs;
	size_t nprocs;
	int have_refusals;
	struct refusal refusals[REFUSALS_MAX];
	size_t nrefusals;
	/*
	 * Regions (CMA areas or other carve-outs a buffer can come from) do
	 * not exist yet: when the driver gets them, their rows are read here
	 * and shown between the pool and the processes (top-show.c).
	 */
	struct top_missing missing[TOP_MISSING_MAX];
	size_t nmissing;
};

/* top-snapshot.c */
/* CLOCK_MONOTONIC, in seconds. */
double top_now(void);
/* Read one snapshot; @prev (or NULL) gives the rate. 0 or ENOMEM. */
int top_read(struct top_snapshot *s, const struct top_snapshot *prev);
void top_free(struct top_snapshot *s);
/* Order s->procs by @sort, the largest first (the smallest if @reverse). */
void top_sort(struct top_snapshot *s, enum top_sort sort, int reverse);
/* The latency percentile @pct (1-99) in us, or -1 with no samples. */
int64_t top_percentile(const struct top_snapshot *s, unsigned int pct);
/* What to do about @m, or NULL if there is nothing to suggest. */
const char *top_missing_fix(const struct top_missing *m);

/* top-show.c */
struct top_view {
	double interval;
	enum top_sort sort;
	int reverse;
	int keys;			/* the screen takes keys: say which */
	size_t max_lines;		/* 0: no limit (not a screen) */
	size_t max_refusals;		/* refusal rows shown */
};
void top_show_text(FILE *out, const struct top_snapshot *s,
		   const struct top_view *v);
void top_show_json(const struct top_snapshot *s, const struct top_view *v);

/* top-screen.c: the terminal, when standard output is one */
enum top_event { TOP_TIMEOUT, TOP_KEY, TOP_REDRAW, TOP_SIGNAL };
/* Switch to the alternate screen; raw keys if @keys. 0 or an errno. */
int screen_start(int keys);
/* Back to the terminal as it was; safe to call twice. */
void screen_end(void);
void screen_size(size_t *rows, size_t *cols);
/* Draw @text (lines) from the top left, clipped to the screen. */
void screen_draw(const char *text, size_t len);
/* Wait up to @seconds for a key (*@key), a resize or a signal. */
enum top_event screen_wait(double seconds, int *key);
/* The signal that ended the wait (SIGINT, SIGTERM, SIGHUP), or 0. */
int screen_signal(void);

#endif
