// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A top snapshot shown: as text lines (the screen, --once, or a pipe), or
 * as one JSON document. The JSON keys are those of cmamem(1), TOP; the
 * text's labels are the same words, so a "not shown" line names what the
 * JSON has as null.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "size.h"
#include "top.h"

/* The percentiles shown, and their JSON keys. */
static const unsigned int percentiles[] = { 50, 90, 99 };
static const char *const percentile_keys[] = { "p50_us", "p90_us", "p99_us" };
#define NPCT	(sizeof(percentiles) / sizeof(percentiles[0]))

/* --- text --- */

/* Lines written, so a screen's last section can stop at its bottom. */
struct lines {
	FILE *out;
	size_t n;
};

static void __attribute__((format(printf, 2, 3)))
line(struct lines *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(l->out, fmt, ap);
	va_end(ap);
	fputc('\n', l->out);
	l->n++;
}

static void title(struct lines *l, const struct top_view *v)
{
	char keys[160] = "";

	if (v->keys) {
		size_t i, n = 0;

		for (i = 0; i < TOP_SORT_NR; i++)
			n += (size_t)snprintf(keys + n, sizeof(keys) - n,
					      "  %c %s", top_sort_keys[i],
					      top_sort_words[i]);
		snprintf(keys + n, sizeof(keys) - n, "  R reverse  q quit");
	}
	line(l, "cmamem top: every %gs, by %s%s%s", v->interval,
	     top_sort_words[v->sort], v->reverse ? ", smallest first" : "",
	     keys);
}

static void summary(struct lines *l, const struct top_snapshot *s)
{
	char pct[160];
	size_t i, n = 0;

	if (s->cma_total_kb >= 0 && s->cma_free_kb >= 0)
		line(l, "CMA        %s total, %s free",
		     hs((uint64_t)s->cma_total_kb * 1024).s,
		     hs((uint64_t)s->cma_free_kb * 1024).s);
	else
		line(l, "CMA        -");
	if (s->have_usage)
		line(l, "cmamem     %" PRIu64 " buffers, %s", s->buffers,
		     hs(s->used_bytes).s);
	else
		line(l, "cmamem     -");
	/* pool_names[]: pool_bytes, pool_used_bytes, pool_free_bytes,
	 * pool_largest_free, pool_clean_bytes. */
	if (s->have_pool)
		line(l, "pool       %s, %s used, %s clean", hs(s->pool[0]).s,
		     hs(s->pool[1]).s, hs(s->pool[4]).s);
	else
		line(l, "pool       -");
	if (!s->have_stats) {
		line(l, "allocs     -");
		line(l, "latency    -");
		return;
	}
	if (s->have_rate)
		line(l, "allocs     %.1f/s, %" PRIu64 " in all", s->allocs_per_s,
		     s->allocs);
	else
		line(l, "allocs     -/s (measuring), %" PRIu64 " in all",
		     s->allocs);
	if (top_percentile(s, 50) < 0) {
		line(l, "latency    - (no allocation yet)");
		return;
	}
	for (i = 0; i < NPCT; i++)
		n += (size_t)snprintf(pct + n, sizeof(pct) - n, "p%u %" PRId64 "us, ",
				      percentiles[i],
				      top_percentile(s, percentiles[i]));
	line(l, "latency    %smax %" PRIu64 "us (bucket bounds)", pct,
	     s->latency_max_us);
}

/* The directory part of @path: its length up to the last '/'. */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

static int same_cause(const struct top_missing *a, const struct top_missing *b)
{
	const char *fa = top_missing_fix(a), *fb = top_missing_fix(b);

	return a->err == b->err && dir_len(a->path) == dir_len(b->path) &&
	       !strncmp(a->path, b->path, dir_len(a->path)) &&
	       (fa == fb || (fa && fb && !strcmp(fa, fb)));
}

/* One line per cause: the sections it hides, the file (or directory). */
static void not_shown(struct lines *l, const struct top_snapshot *s)
{
	unsigned int done = 0;
	size_t i, k;

	for (i = 0; i < s->nmissing; i++) {
		const struct top_missing *m = &s->missing[i];
		const char *fix = top_missing_fix(m);
		char what[256];
		size_t n = 0, files = 0;

		if (done & (1U << i))
			continue;
		for (k = i; k < s->nmissing; k++) {
			if (!same_cause(m, &s->missing[k]))
				continue;
			done |= 1U << k;
			files++;
			n += (size_t)snprintf(what + n, sizeof(what) - n, "%s%s",
					      n ? ", " : "",
					      s->missing[k].sections);
		}
		line(l, "not shown: %s (%.*s: %s%s%s)", what,
		     (int)(files > 1 ? dir_len(m->path) : strlen(m->path)),
		     m->path, debugfs_error(m->err), fix ? "; " : "",
		     fix ? fix : "");
	}
}

static void refusals(struct lines *l, const struct top_snapshot *s,
		     size_t max)
{
	size_t i;

	if (!s->have_refusals)
		return;
	line(l, "%s", "");
	if (!s->nrefusals) {
		line(l, "last refusals: none");
		return;
	}
	line(l, "last refusals, newest first:");
	line(l, "%8s %7s %7s %-16s %10s %-7s %s", "AGE", "UID", "PID", "COMM",
	     "SIZE", "ERRNO", "REASON");
	for (i = 0; i < s->nrefusals && i < max; i++) {
		const struct refusal *r = &s->refusals[i];
		const char *name = strerrorname_np(r->err);

		line(l, "%7.1fs %7u %7ld %-16s %10s %-7s %s",
		     (double)r->age_ms / 1000, r->uid, r->pid, r->comm,
		     hs(r->size).s, name ? name : "?", r->reason);
	}
	if (s->nrefusals > max)
		line(l, "(%zu more: cmamem top --once shows them all)",
		     s->nrefusals - max);
}

static void processes(struct lines *l, const struct top_snapshot *s,
		      size_t max_lines)
{
	size_t i, rows = s->nprocs;

	if (!s->have_procs)
		return;
	line(l, "%s", "");
	/* On a screen: as many as fit, and how many did not. */
	if (max_lines && l->n + 1 + rows > max_lines)
		rows = max_lines > l->n + 2 ? max_lines - l->n - 2 : 0;
	line(l, "%7s %-16s %7s %8s %10s %10s %8s", "PID", "COMM", "UID",
	     "BUFFERS", "BYTES", "MAPPED", "EXPORTS");
	for (i = 0; i < rows; i++) {
		const struct top_proc *p = &s->procs[i];
		char uid[24] = "-";

		if (p->uid >= 0)
			snprintf(uid, sizeof(uid), "%" PRId64, p->uid);
		line(l, "%7ld %-16s %7s %8" PRIu64 " %10s %10s %8" PRIu64,
		     p->pid, p->comm, uid, p->buffers, hs(p->bytes).s,
		     hs(p->mapped_bytes).s, p->exports);
	}
	if (rows < s->nprocs)
		line(l, "(%zu more processes)", s->nprocs - rows);
}

void top_show_text(FILE *out, const struct top_snapshot *s,
		   const struct top_view *v)
{
	struct lines l = { out, 0 };

	title(&l, v);
	summary(&l, s);
	not_shown(&l, s);
	refusals(&l, s, v->max_refusals);
	/* Regions, when the driver has them, go here: one row each. */
	processes(&l, s, v->max_lines);
}

/* --- JSON --- */

static void json_cma(struct json_obj *j, const struct top_snapshot *s)
{
	struct json_obj o;

	json_key(j, "cma");
	json_begin(&o);
	if (s->cma_total_kb >= 0)
		json_u64(&o, "total_bytes", (uint64_t)s->cma_total_kb * 1024);
	else
		json_null(&o, "total_bytes");
	if (s->cma_free_kb >= 0)
		json_u64(&o, "free_bytes", (uint64_t)s->cma_free_kb * 1024);
	else
		json_null(&o, "free_bytes");
	json_end(&o);
}

static void json_usage(struct json_obj *j, const struct top_snapshot *s)
{
	struct json_obj o;
	size_t i;

	if (s->have_usage) {
		json_key(j, "cmamem");
		json_begin(&o);
		json_u64(&o, "used_bytes", s->used_bytes);
		json_u64(&o, "buffers", s->buffers);
		json_end(&o);
	} else {
		json_null(j, "cmamem");
	}
	if (!s->have_pool) {
		json_null(j, "pool");
		return;
	}
	/* The keys of `cmamem pool --json`. */
	json_key(j, "pool");
	json_begin(&o);
	for (i = 0; pool_names[i]; i++)
		json_u64(&o, pool_names[i], s->pool[i]);
	json_end(&o);
}

static void json_stats(struct json_obj *j, const struct top_snapshot *s)
{
	struct json_obj o;
	uint64_t samples = 0;
	size_t i;

	if (!s->have_stats) {
		json_null(j, "allocs");
		json_null(j, "latency");
		return;
	}
	json_key(j, "allocs");
	json_begin(&o);
	json_u64(&o, "total", s->allocs);
	if (s->have_rate)
		json_double(&o, "per_s", s->allocs_per_s, 2);
	else
		json_null(&o, "per_s");
	json_end(&o);

	json_key(j, "latency");
	json_begin(&o);
	for (i = 0; i < s->nlatency; i++)
		samples += s->latency[i].count;
	json_u64(&o, "samples", samples);
	for (i = 0; i < NPCT; i++) {
		int64_t p = top_percentile(s, percentiles[i]);

		if (p >= 0)
			json_u64(&o, percentile_keys[i], (uint64_t)p);
		else
			json_null(&o, percentile_keys[i]);
	}
	json_u64(&o, "max_us", s->latency_max_us);
	json_end(&o);
}

static void json_procs(struct json_obj *j, const struct top_snapshot *s)
{
	size_t i;

	if (!s->have_procs) {
		json_null(j, "processes");
		return;
	}
	json_key(j, "processes");
	putchar('[');
	for (i = 0; i < s->nprocs; i++) {
		const struct top_proc *p = &s->procs[i];
		struct json_obj o;

		if (i)
			putchar(',');
		json_begin(&o);
		json_u64(&o, "pid", (uint64_t)p->pid);
		json_str(&o, "comm", p->comm);
		if (p->uid >= 0)
			json_u64(&o, "uid", (uint64_t)p->uid);
		else
			json_null(&o, "uid");
		json_u64(&o, "buffers", p->buffers);
		json_u64(&o, "bytes", p->bytes);
		json_u64(&o, "mapped_bytes", p->mapped_bytes);
		json_u64(&o, "exports", p->exports);
		json_end(&o);
	}
	putchar(']');
}

static void json_refusals(struct json_obj *j, const struct top_snapshot *s)
{
	size_t i;

	if (!s->have_refusals) {
		json_null(j, "refusals");
		return;
	}
	json_key(j, "refusals");
	putchar('[');
	for (i = 0; i < s->nrefusals; i++) {
		const struct refusal *r = &s->refusals[i];
		struct json_obj o;

		if (i)
			putchar(',');
		json_begin(&o);
		json_u64(&o, "age_ms", r->age_ms);
		json_u64(&o, "uid", r->uid);
		json_u64(&o, "pid", (uint64_t)r->pid);
		json_str(&o, "comm", r->comm);
		json_u64(&o, "size", r->size);
		json_str(&o, "reason", r->reason);
		json_u64(&o, "errno", (uint64_t)r->err);
		json_end(&o);
	}
	putchar(']');
}

/* "allocs, latency" as ["allocs","latency"]. */
static void json_sections(const char *sections)
{
	const char *p = sections;
	int n = 0;

	putchar('[');
	while (*p) {
		size_t len = strcspn(p, ",");
		char word[32];

		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		if (n++)
			putchar(',');
		json_string(word);
		p += len;
		p += strspn(p, ", ");
	}
	putchar(']');
}

static void json_missing(struct json_obj *j, const struct top_snapshot *s)
{
	size_t i;

	json_key(j, "unavailable");
	putchar('[');
	for (i = 0; i < s->nmissing; i++) {
		const struct top_missing *m = &s->missing[i];
		struct json_obj o;

		if (i)
			putchar(',');
		json_begin(&o);
		json_key(&o, "sections");
		json_sections(m->sections);
		json_str(&o, "path", m->path);
		json_str(&o, "error", debugfs_error(m->err));
		json_str(&o, "fix", top_missing_fix(m));
		json_end(&o);
	}
	putchar(']');
}

void top_show_json(const struct top_snapshot *s, const struct top_view *v)
{
	struct json_obj j;

	json_begin(&j);
	json_double(&j, "interval_s", v->interval, 3);
	json_str(&j, "sort", top_sort_words[v->sort]);
	json_cma(&j, s);
	json_usage(&j, s);
	json_stats(&j, s);
	json_refusals(&j, s);
	/* Regions, when the driver has them: "regions": [...] here. */
	json_procs(&j, s);
	json_missing(&j, s);
	json_end(&j);
	putchar('\n');
}
