// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One reading of what cmamem top shows. Each source is read on its own,
 * and one that cannot be read leaves its sections out with the reason
 * (struct top_missing), so a user without root still sees what
 * /proc/meminfo and sysfs tell:
 *
 *   cma          /proc/meminfo CmaTotal, CmaFree
 *   cmamem       sysfs used_bytes, buffers
 *   pool         sysfs pool_* (pool_names[], as `cmamem pool` shows them)
 *   allocs       debugfs stats: the allocs counter, per second between two
 *   latency      debugfs stats: the histogram and latency_max_us
 *   processes    debugfs holders and buffers, /proc/PID/status for the uid
 *   refusals     debugfs refusals
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "top.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

const char *const top_sort_words[TOP_SORT_NR + 1] = {
	[TOP_SORT_BYTES] = "bytes",
	[TOP_SORT_PID] = "pid",
	[TOP_SORT_BUFFERS] = "buffers",
	[TOP_SORT_MAPPED] = "mapped",
	[TOP_SORT_EXPORTS] = "exports",
};
const char top_sort_keys[TOP_SORT_NR + 1] = "MNBmE";

static void missing(struct top_snapshot *s, const char *sections,
		    const char *dir, const char *file, int err)
{
	struct top_missing *m;

	if (s->nmissing == TOP_MISSING_MAX)
		return;
	m = &s->missing[s->nmissing++];
	m->sections = sections;
	snprintf(m->path, sizeof(m->path), "%s%s%s", dir, file ? "/" : "",
		 file ? file : "");
	m->err = err < 0 ? -err : err;
}

/* fopen() @file of debugfs, or note why not. */
static FILE *open_debugfs(struct top_snapshot *s, const char *sections,
			  const char *file)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", debugfs_dir(), file);
	f = fopen(path, "r");
	if (!f)
		missing(s, sections, debugfs_dir(), file, errno);
	return f;
}

static void read_cma(struct top_snapshot *s)
{
	static const char *const keys[] = { "CmaTotal", "CmaFree" };
	int64_t kb[2];
	int ret = read_meminfo(keys, kb, 2);

	s->cma_total_kb = kb[0];
	s->cma_free_kb = kb[1];
	if (ret)
		missing(s, "cma", meminfo_path(), NULL, ret);
}

static void read_sysfs(struct top_snapshot *s)
{
	static const char *const usage[] = { "used_bytes", "buffers", NULL };
	uint64_t *usage_v[] = { &s->used_bytes, &s->buffers };
	size_t i;
	int ret = 0;

	for (i = 0; usage[i] && !ret; i++) {
		ret = read_u64(sysfs_dir(), usage[i], usage_v[i]);
		if (ret)
			missing(s, "cmamem", sysfs_dir(), usage[i], ret);
	}
	s->have_usage = !ret;

	ret = 0;
	for (i = 0; i < ARRAY_LEN(s->pool) && pool_names[i] && !ret; i++) {
		ret = read_u64(sysfs_dir(), pool_names[i], &s->pool[i]);
		if (ret)
			missing(s, "pool", sysfs_dir(), pool_names[i], ret);
	}
	s->have_pool = !ret;
}

static void read_stats(struct top_snapshot *s, const struct top_snapshot *prev)
{
	struct stat_line st[STATS_MAX];
	FILE *f = open_debugfs(s, "allocs, latency", "stats");
	size_t n;

	if (!f)
		return;
	parse_stats(f, st, &n);
	s->have_stats = 1;
	s->allocs = stat_get(st, n, "allocs");
	s->latency_max_us = stat_get(st, n, "latency_max_us");
	s->nlatency = stats_latency(st, n, s->latency, STATS_MAX);
	/* A counter that went back: the module was reloaded in between. */
	if (prev && prev->have_stats && s->time > prev->time &&
	    s->allocs >= prev->allocs) {
		s->have_rate = 1;
		s->allocs_per_s = (double)(s->allocs - prev->allocs) /
				  (s->time - prev->time);
	}
}

/* The effective uid of @pid, from /proc/PID/status; -1 if it is gone. */
static int64_t proc_uid(long pid)
{
	char path[64], line[256];
	unsigned long real, eff;
	int64_t uid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %lu %lu", &real, &eff) == 2) {
			uid = (int64_t)eff;
			break;
		}
	fclose(f);
	return uid;
}

/* The holders, then the buffers' sizes, into one row per process. */
static int read_procs(struct top_snapshot *s)
{
	struct buffer_row *sizes = NULL;
	struct holder_proc *hp = NULL;
	struct holder *v = NULL;
	size_t n = 0, nsizes = 0, np = 0, i;
	FILE *f;
	int err;

	f = open_debugfs(s, "processes", "holders");
	if (!f)
		return 0;
	err = parse_holders(f, &v, &n);
	if (err) {
		missing(s, "processes", debugfs_dir(), "holders", err);
		return err == ENOMEM ? err : 0;
	}
	/* After the holders: a buffer made in between has no holder yet. */
	f = open_debugfs(s, "processes", "buffers");
	err = f ? parse_buffers(f, &sizes, &nsizes) : -1;
	if (err > 0)
		missing(s, "processes", debugfs_dir(), "buffers", err);
	if (!err)
		err = holder_procs(v, n, sizes, nsizes, &hp, &np);
	if (!err && np) {
		s->procs = calloc(np, sizeof(*s->procs));
		if (!s->procs)
			err = ENOMEM;
	}
	for (i = 0; !err && i < np; i++) {
		struct top_proc *p = &s->procs[i];

		p->pid = hp[i].pid;
		snprintf(p->comm, sizeof(p->comm), "%s", hp[i].comm);
		p->uid = proc_uid(p->pid);
		p->buffers = hp[i].nbufs;
		p->bytes = hp[i].bytes;
		p->mapped_bytes = hp[i].mapped_bytes;
		p->exports = hp[i].exports;
	}
	if (!err) {
		s->nprocs = np;
		s->have_procs = 1;
	}
	free(hp);
	free(sizes);
	free(v);
	return err == ENOMEM ? err : 0;
}

static void read_refusals(struct top_snapshot *s)
{
	FILE *f = open_debugfs(s, "refusals", "refusals");
	int err;

	if (!f)
		return;
	err = parse_refusals(f, s->refusals, &s->nrefusals);
	if (err)
		missing(s, "refusals", debugfs_dir(), "refusals", err);
	s->have_refusals = !err;
}

double top_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int top_read(struct top_snapshot *s, const struct top_snapshot *prev)
{
	memset(s, 0, sizeof(*s));
	s->time = top_now();
	read_cma(s);
	read_sysfs(s);
	read_stats(s, prev);
	read_refusals(s);
	/* Regions, when the driver has them, are read here. */
	return read_procs(s);
}

void top_free(struct top_snapshot *s)
{
	free(s->procs);
	s->procs = NULL;
	s->nprocs = 0;
}

static uint64_t sort_value(const struct top_proc *p, enum top_sort sort)
{
	switch (sort) {
	case TOP_SORT_PID:
		return (uint64_t)p->pid;
	case TOP_SORT_BUFFERS:
		return p->buffers;
	case TOP_SORT_MAPPED:
		return p->mapped_bytes;
	case TOP_SORT_EXPORTS:
		return p->exports;
	default:
		return p->bytes;
	}
}

struct sort_by {
	enum top_sort sort;
	int reverse;
};

/* As top(1): the largest first, R turns it round; ties by pid. */
static int compare(const void *a, const void *b, void *arg)
{
	const struct sort_by *by = arg;
	const struct top_proc *x = a, *y = b;
	uint64_t vx = sort_value(x, by->sort), vy = sort_value(y, by->sort);
	int c = vx > vy ? -1 : vx < vy;

	if (!c)
		c = x->pid < y->pid ? -1 : x->pid > y->pid;
	return by->reverse ? -c : c;
}

void top_sort(struct top_snapshot *s, enum top_sort sort, int reverse)
{
	struct sort_by by = { sort, reverse };

	if (s->nprocs)
		qsort_r(s->procs, s->nprocs, sizeof(*s->procs), compare, &by);
}

/*
 * The latency histogram counts each allocation in a power-of-two bucket
 * (latency_us_lt_N: under N us), so a percentile is known only to its
 * bucket: give the bucket's bound, or the worst latency where that is
 * lower (the last bucket has no bound).
 */
int64_t top_percentile(const struct top_snapshot *s, unsigned int pct)
{
	uint64_t total = 0, seen = 0;
	size_t i;

	for (i = 0; i < s->nlatency; i++)
		total += s->latency[i].count;
	if (!total)
		return -1;
	for (i = 0; i < s->nlatency; i++) {
		uint64_t hi = s->latency[i].hi;

		seen += s->latency[i].count;
		if (seen * 100 >= (uint64_t)pct * total)
			return (int64_t)(hi && hi < s->latency_max_us ?
					 hi : s->latency_max_us);
	}
	return (int64_t)s->latency_max_us;
}

const char *top_missing_fix(const struct top_missing *m)
{
	struct stat st;

	if (m->err == EACCES || m->err == EPERM)
		return "run it as root";
	if (m->err != ENOENT)
		return NULL;
	if (!strncmp(m->path, debugfs_dir(), strlen(debugfs_dir())) &&
	    stat(debugfs_dir(), &st))
		return "mount debugfs: mount -t debugfs none /sys/kernel/debug";
	if (!strncmp(m->path, meminfo_path(), strlen(meminfo_path())))
		return NULL;
	/* The directory is there, the file is not. */
	return "load the cma_mem module that came with this cmamem";
}
