// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The layout `cmamem map` shows (area-map.h), read from debugfs (root):
 *
 *   /sys/kernel/debug/cma/AREA/   the kernel's CMA areas (mm/cma_debug.c,
 *                                 CONFIG_CMA_DEBUGFS, the same in 6.1 and
 *                                 6.12): base_pfn, count (pages),
 *                                 order_per_bit, and bitmap, the area's
 *                                 allocation bitmap as decimal u32 words
 *   /sys/kernel/debug/cma_mem/buffers      the driver's buffers table
 *   /sys/kernel/debug/cma_mem/pool_chunks  its pool's chunks
 *
 * The files are read one after another, not as one snapshot: a buffer
 * freed meanwhile still shows as a buffer (the table wins over the
 * bitmap), one made meanwhile as "other".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "area-map.h"
#include "cli.h"
#include "debugfs.h"

const char *run_kind_name(enum run_kind kind)
{
	static const char *const names[] = {
		[RUN_FREE] = "free", [RUN_OTHER] = "other",
		[RUN_POOL] = "pool", [RUN_BUFFER] = "buffer",
	};

	return names[kind];
}

/* A file we could not read: root's, or another failure. An exit code. */
static int unreadable(const char *path, int err)
{
	if (err == EACCES || err == EPERM) {
		cli_err("map: cannot read %s: %s (CMA's and cma_mem's debugfs files are root's: run cmamem map as root)",
			path, strerror(err));
		return EXIT_PERM;
	}
	return cli_fail(err, "map: %s", path);
}

static int bad_format(const char *path, const char *why)
{
	cli_err("map: %s: %s, not in the format this cmamem reads", path, why);
	return EXIT_FAILED;
}

/* --- the areas --- */

/*
 * CMA's debugfs is missing: say which of its causes it is, from what else
 * is there.
 */
static int no_cma_dir(const char *dir, int err)
{
	DIR *d;

	if (err != ENOENT)
		return unreadable(dir, err);
	d = opendir(debugfs_dir());
	if (d) {
		closedir(d);
		cli_err("map: no %s: the kernel is built without CONFIG_CMA_DEBUGFS, which cmamem map needs to see the CMA areas",
			dir);
	} else {
		cli_err("map: no %s nor %s: mount debugfs (mount -t debugfs none /sys/kernel/debug); the kernel needs CONFIG_CMA_DEBUGFS, and the cma_mem module loaded",
			dir, debugfs_dir());
	}
	return EXIT_FAILED;
}

static int read_area(const char *dir, const char *name, uint64_t page,
		     struct map_area *a)
{
	static const char *const files[] = { "base_pfn", "count", "order_per_bit" };
	char path[800], file[900];
	uint64_t v[3];
	size_t i;

	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (i = 0; i < 3; i++) {
		int ret = read_u64(path, files[i], &v[i]);

		snprintf(file, sizeof(file), "%s/%s", path, files[i]);
		if (ret == -EINVAL)
			return bad_format(file, "not a number");
		if (ret)
			return unreadable(file, -ret);
	}
	if (v[2] > 30)
		return bad_format(path, "order_per_bit above 30");
	a->base = v[0] * page;
	a->bytes = v[1] * page;
	a->order_per_bit = (unsigned int)v[2];
	return 0;
}

static int by_base(const void *x, const void *y)
{
	const struct map_area *a = x, *b = y;

	return a->base < b->base ? -1 : a->base > b->base;
}

static int read_areas(struct map_layout *l)
{
	struct map_area *p;
	char dir[512];
	struct dirent *de;
	size_t cap = 0;
	int ret = 0;
	DIR *d;

	cma_debugfs_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return no_cma_dir(dir, errno);
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		p = grow(l->areas, sizeof(*l->areas), l->nareas, &cap);
		if (!p) {
			ret = cli_fail(ENOMEM, "map");
			break;
		}
		l->areas = p;
		ret = read_area(dir, de->d_name, l->page, &l->areas[l->nareas]);
		if (!ret)
			l->nareas++;
	}
	closedir(d);
	if (!ret)
		qsort(l->areas, l->nareas, sizeof(*l->areas), by_base);
	return ret;
}

/*
 * An area's bitmap: the kernel's unsigned longs, shown as u32 words in
 * memory order, so on a 64-bit big-endian machine each long's halves come
 * high first. *@words is malloc()ed.
 */
static int read_bitmap(const struct map_area *a, uint32_t **words, size_t *n)
{
	char dir[512], path[1024], *text = NULL, *p, *end;
	size_t cap = 0, textcap = 0, len = 0;
	uint32_t *v = NULL, *nv;
	FILE *f;
	int ret = 0;

	cma_debugfs_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s/bitmap", dir, a->name);
	f = fopen(path, "r");
	if (!f)
		return unreadable(path, errno);
	/* One line, whatever its length. */
	if (getdelim(&text, &textcap, '\0', f) < 0 && ferror(f))
		ret = unreadable(path, errno);
	fclose(f);
	for (p = text; !ret && p && *p && *p != '\n'; p = end) {
		unsigned long w;

		errno = 0;
		w = strtoul(p, &end, 10);
		if (end == p || errno || w > UINT32_MAX || (*end && *end != ' ' &&
							   *end != '\n')) {
			ret = bad_format(path, "not decimal words");
			break;
		}
		nv = grow(v, sizeof(*v), len, &cap);
		if (!nv) {
			ret = cli_fail(ENOMEM, "map");
			break;
		}
		v = nv;
		v[len++] = (uint32_t)w;
		if (*end == ' ')
			end++;
	}
	free(text);
	if (ret) {
		free(v);
		return ret;
	}
	*words = v;
	*n = len;
	return 0;
}

static int bit_set(const uint32_t *words, size_t n, uint64_t bit)
{
	const int swap = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ &&
			 sizeof(long) == 8;
	uint64_t i = bit / 32;

	if (swap)
		i ^= 1;
	/* Past the words: the kernel would not hand it out; not ours, not free. */
	if (i >= n)
		return 1;
	return (words[i] >> (bit % 32)) & 1;
}

/* --- the driver's tables (debugfs.c reads them) --- */

/* After debugfs.c read @path: 0, or an exit code, the error said. */
static int parsed(const char *path, int err)
{
	if (err == EIO)
		return bad_format(path, "no header");
	return err ? cli_fail(err, "map") : 0;
}

static int read_buffers(struct map_layout *l)
{
	struct buffer_row *rows = NULL, *r;
	char path[512];
	size_t n = 0;
	FILE *f;
	int ret;

	ret = open_file(debugfs_dir(), "buffers", "r", &f);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/buffers", debugfs_dir());
	ret = parsed(path, parse_buffers(f, &rows, &n));
	if (!ret && n) {
		l->bufs = calloc(n, sizeof(*l->bufs));
		if (!l->bufs)
			ret = cli_fail(ENOMEM, "map");
	}
	for (r = rows; !ret && r < rows + n; r++) {
		struct map_buffer *b = &l->bufs[l->nbufs];

		if (!r->placed) {
			ret = bad_format(path, "a row without id, size and dma_addr");
			break;
		}
		*b = (struct map_buffer){ .id = r->id, .start = r->dma_addr,
					  .bytes = r->size, .area = -1 };
		memcpy(b->name, r->name, sizeof(b->name));
		memcpy(b->source, r->source, sizeof(b->source));
		memcpy(b->state, r->state, sizeof(b->state));
		memcpy(b->region, r->region, sizeof(b->region));
		l->nbufs++;
	}
	free(rows);
	return ret;
}

/* A driver without pool_chunks (older than this cmamem) is no error. */
static int read_chunks(const struct cli *cli, struct map_layout *l)
{
	struct pool_chunk *rows = NULL, *r;
	char path[512];
	size_t n = 0;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/pool_chunks", debugfs_dir());
	f = fopen(path, "r");
	if (!f && errno == ENOENT) {
		if (!cli->quiet)
			cli_err("map: no %s (a cma_mem module older than this cmamem): the pool's unused memory shows as allocated by others",
				path);
		return 0;
	}
	if (!f)
		return unreadable(path, errno);
	l->have_chunks = 1;
	ret = parsed(path, parse_pool_chunks(f, &rows, &n));
	if (!ret && n) {
		l->chunks = calloc(n, sizeof(*l->chunks));
		if (!l->chunks)
			ret = cli_fail(ENOMEM, "map");
	}
	for (r = rows; !ret && r < rows + n; r++) {
		if (!r->whole) {
			ret = bad_format(path, "a row without dma_addr, size and used_bytes");
			break;
		}
		l->chunks[l->nchunks++] = (struct map_chunk){
			r->dma_addr, r->size, r->used, -1 };
	}
	free(rows);
	return ret;
}

/* --- the runs --- */

static int by_start(const void *x, const void *y)
{
	const struct map_run *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

static int buf_by_start(const void *x, const void *y)
{
	const struct map_buffer *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

static int chunk_by_start(const void *x, const void *y)
{
	const struct map_chunk *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* Append a run to @a; free and other runs merge with a neighbour alike. */
static int push(struct map_area *a, size_t *cap, enum run_kind kind,
		uint64_t start, uint64_t bytes, const struct map_buffer *buf)
{
	struct map_run *last = a->nruns ? &a->runs[a->nruns - 1] : NULL;

	if (!bytes)
		return 0;
	if (last && last->kind == kind && kind <= RUN_OTHER &&
	    last->start + last->bytes == start) {
		last->bytes += bytes;
		return 0;
	}
	last = grow(a->runs, sizeof(*a->runs), a->nruns, cap);
	if (!last)
		return ENOMEM;
	a->runs = last;
	a->runs[a->nruns++] = (struct map_run){ kind, start, bytes, buf };
	return 0;
}

/* [@from, @to) as the bitmap has it: other where set, free where clear. */
static int fill(struct map_area *a, size_t *cap, const uint32_t *words,
		size_t nwords, uint64_t unit, uint64_t from, uint64_t to)
{
	while (from < to) {
		uint64_t bit = (from - a->base) / unit;
		uint64_t end = a->base + (bit + 1) * unit;

		if (end > to)
			end = to;
		if (push(a, cap, bit_set(words, nwords, bit) ? RUN_OTHER : RUN_FREE,
			 from, end - from, NULL))
			return ENOMEM;
		from = end;
	}
	return 0;
}

static int inside(const struct map_area *a, uint64_t start, uint64_t bytes)
{
	return start >= a->base && bytes <= a->bytes &&
	       start - a->base <= a->bytes - bytes;
}

/*
 * What cmamem holds in area @i: its buffers (a buffer overlapping one
 * before it, which only a race between the reads can make, is left out
 * of the area), and each pool chunk's parts between them. Sorted.
 */
static int overlays(struct map_layout *l, int i, struct map_run **out,
		    size_t *n)
{
	const struct map_area *a = &l->areas[i];
	struct map_run *v = NULL, *nv;
	size_t cap = 0, len = 0, k;
	uint64_t end = 0;

	for (k = 0; k < l->nbufs; k++) {
		struct map_buffer *b = &l->bufs[k];

		if (b->area >= 0 || !b->bytes || !inside(a, b->start, b->bytes) ||
		    b->start < end)
			continue;
		nv = grow(v, sizeof(*v), len, &cap);
		if (!nv)
			goto nomem;
		v = nv;
		b->area = i;
		end = b->start + b->bytes;
		v[len++] = (struct map_run){ RUN_BUFFER, b->start, b->bytes, b };
	}
	for (k = 0; k < l->nchunks; k++) {
		struct map_chunk *c = &l->chunks[k];
		uint64_t at = c->start, cend = c->start + c->bytes;
		size_t j;

		if (c->area >= 0 || !inside(a, c->start, c->bytes))
			continue;
		c->area = i;
		/* The buffers are by start: the gaps between those inside. */
		for (j = 0; j <= l->nbufs; j++) {
			const struct map_buffer *b = j < l->nbufs ? &l->bufs[j] : NULL;
			uint64_t to = b ? b->start : cend;

			if (b && (b->area != i || b->start + b->bytes <= at ||
				  b->start >= cend))
				continue;
			if (to > cend)
				to = cend;
			if (to > at) {
				nv = grow(v, sizeof(*v), len, &cap);
				if (!nv)
					goto nomem;
				v = nv;
				v[len++] = (struct map_run){ RUN_POOL, at, to - at, NULL };
			}
			if (b && b->start + b->bytes > at)
				at = b->start + b->bytes;
		}
	}
	qsort(v, len, sizeof(*v), by_start);
	*out = v;
	*n = len;
	return 0;
nomem:
	free(v);
	return ENOMEM;
}

static int build_area(struct map_layout *l, int i)
{
	struct map_area *a = &l->areas[i];
	uint64_t unit = l->page << a->order_per_bit, at = a->base;
	struct map_run *ov = NULL, *r;
	uint32_t *words = NULL;
	size_t nwords = 0, nov = 0, cap = 0, k;
	int ret;

	ret = read_bitmap(a, &words, &nwords);
	if (ret)
		return ret;
	ret = overlays(l, i, &ov, &nov);
	for (k = 0; !ret && k < nov; k++) {
		/* A pool part under a buffer the race left out: what is left. */
		if (ov[k].start + ov[k].bytes <= at)
			continue;
		if (ov[k].start < at) {
			ov[k].bytes -= at - ov[k].start;
			ov[k].start = at;
		}
		ret = fill(a, &cap, words, nwords, unit, at, ov[k].start);
		if (!ret)
			ret = push(a, &cap, ov[k].kind, ov[k].start, ov[k].bytes,
				   ov[k].buf);
		at = ov[k].start + ov[k].bytes;
	}
	if (!ret)
		ret = fill(a, &cap, words, nwords, unit, at, a->base + a->bytes);
	free(words);
	free(ov);
	if (ret)
		return cli_fail(ret, "map");
	for (r = a->runs; r < a->runs + a->nruns; r++) {
		if (r->kind == RUN_FREE) {
			a->free_runs++;
			a->free_bytes += r->bytes;
			if (r->bytes > a->largest_free)
				a->largest_free = r->bytes;
		} else if (r->kind == RUN_BUFFER &&
			   (!a->smallest_buffer || r->bytes < a->smallest_buffer)) {
			a->smallest_buffer = r->bytes;
		}
	}
	return 0;
}

int map_read(const struct cli *cli, struct map_layout *l)
{
	size_t i;
	int ret;

	memset(l, 0, sizeof(*l));
	l->page = (uint64_t)sysconf(_SC_PAGESIZE);
	ret = read_areas(l);
	if (!ret)
		ret = read_buffers(l);
	if (!ret)
		ret = read_chunks(cli, l);
	if (ret)
		return ret;
	qsort(l->bufs, l->nbufs, sizeof(*l->bufs), buf_by_start);
	qsort(l->chunks, l->nchunks, sizeof(*l->chunks), chunk_by_start);
	for (i = 0; i < l->nareas; i++) {
		ret = build_area(l, (int)i);
		if (ret)
			return ret;
	}
	return 0;
}

void map_free(struct map_layout *l)
{
	size_t i;

	for (i = 0; i < l->nareas; i++)
		free(l->areas[i].runs);
	free(l->areas);
	free(l->bufs);
	free(l->chunks);
	memset(l, 0, sizeof(*l));
}
