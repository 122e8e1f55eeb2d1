// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `cmamem map`'s picture: one band per CMA area, wrapped into rows of
 * ROW_PX pixels, each run (area-map.h) a coloured rectangle, pool chunks
 * outlined over theirs. Every run, chunk and area is a <g> whose data-*
 * attributes say what it is (data-kind, data-start, data-offset,
 * data-bytes, data-id...), so scripts and tests can read the layout back;
 * its <title> is the tooltip a browser shows.
 *
 * The scale, per area (cmamem(1), map): a pixel stands for a power of two
 * of bytes, the smallest that fits the area in one row, unless the
 * smallest buffer would then be narrower than MIN_PX; then the largest
 * that keeps it MIN_PX wide, but never so few that the area needs more
 * than MAX_ROWS rows. A run narrower than a pixel is drawn one pixel wide.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "area-map.h"
#include "cmamem.h"
#include "svg.h"

#define ROW_PX		1024
#define MIN_PX		4
#define MAX_ROWS	64
#define ROW_H		24
#define ROW_GAP		6
#define LEFT		64	/* room for the rows' offsets */
#define RIGHT		16
#define LINE		18	/* a line of text */
#define CHAR_PX		7	/* a character's width, about, at 12 px */

/* Each kind's colour and what the legend calls it. */
static const struct {
	const char *fill, *label;
} kinds[] = {
	[RUN_FREE] = { "#e3f1dc", "free" },
	[RUN_OTHER] = { "#9a9a9a", "allocated by others" },
	[RUN_POOL] = { "#f5c451", "pool chunk, unused" },
	[RUN_BUFFER] = { "#3b6fb6", "cmamem buffer (id name)" },
};
static const char chunk_stroke[] = "#a0522d";
static const char buffer_stroke[] = "#1c3d6e";

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + !!(a % b);
}

static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static uint64_t pow2_at_most(uint64_t v)
{
	uint64_t p = 1;

	while (p <= v / 2)
		p <<= 1;
	return p;
}

static uint64_t bytes_per_px(const struct map_area *a)
{
	uint64_t bpp = pow2_at_least(div_up(a->bytes, ROW_PX));
	uint64_t fewest = pow2_at_least(div_up(a->bytes, ROW_PX * MAX_ROWS));

	if (a->smallest_buffer && a->smallest_buffer / bpp < MIN_PX) {
		bpp = pow2_at_most(a->smallest_buffer / MIN_PX);
		if (bpp < fewest)
			bpp = fewest;
	}
	return bpp;
}

static uint64_t rows_of(const struct map_area *a)
{
	uint64_t rows = div_up(a->bytes, bytes_per_px(a) * ROW_PX);

	return rows ? rows : 1;
}

/* A size for people, in its largest unit: "64K", "48M", "255.7M". */
static const char *size_text(uint64_t v, char *out, size_t len)
{
	static const char units[] = " KMGT";
	uint64_t unit = 1;
	int u = 0;

	while (u < 4 && v / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	if (!u)
		snprintf(out, len, "%" PRIu64, v);
	else if (!(v % unit))
		snprintf(out, len, "%" PRIu64 "%c", v / unit, units[u]);
	else
		snprintf(out, len, "%.1f%c", (double)v / (double)unit, units[u]);
	return out;
}

/*
 * "buffer 3 frame: 4M at 0x10000000 (from cma, live)", for tooltips and
 * lists; "(..., region fpga)" for a region but the default.
 */
static const char *buffer_text(const struct map_buffer *b, char *out,
			       size_t len)
{
	int other = b->region[0] && strcmp(b->region, CMAMEM_REGION_DEFAULT_NAME);
	char size[32];

	snprintf(out, len, "buffer %u%s%s: %s at 0x%" PRIx64 " (from %s, %s%s%s)",
		 b->id, b->name[0] ? " " : "", b->name,
		 size_text(b->bytes, size, sizeof(size)), b->start, b->source,
		 b->state, other ? ", region " : "", other ? b->region : "");
	return out;
}

/* The run's place as data attributes; start and offset in hex. */
static void place_attrs(FILE *f, const struct map_area *a, uint64_t start,
			uint64_t bytes)
{
	svg_attr(f, "data-start", "0x%" PRIx64, start);
	svg_attr(f, "data-offset", "0x%" PRIx64, start - a->base);
	svg_attr(f, "data-bytes", "%" PRIu64, bytes);
}

/* Where a run's first rectangle went, for its label. */
struct box {
	double x, y, w;
};

/*
 * Rectangles for [@start, @start + @bytes) of area @a, whose rows begin at
 * @y, one per row it crosses; a chunk's outline if @fill is NULL.
 */
static struct box rects(FILE *f, const struct map_area *a, double y,
			uint64_t start, uint64_t bytes, const char *fill)
{
	uint64_t bpp = bytes_per_px(a);
	double px0 = (double)(start - a->base) / (double)bpp;
	double px1 = (double)(start - a->base + bytes) / (double)bpp;
	struct box first = { 0, 0, 0 };

	while (px0 < px1) {
		uint64_t row = (uint64_t)px0 / ROW_PX;
		double row_end = (double)((row + 1) * ROW_PX);
		double end = px1 < row_end ? px1 : row_end;
		struct box b = {
			LEFT + px0 - (double)(row * ROW_PX),
			y + (double)row * (ROW_H + ROW_GAP),
			end - px0 < 1 ? 1 : end - px0,
		};

		svg_tag(f, "rect");
		svg_attr(f, "x", "%.2f", b.x);
		svg_attr(f, "y", "%.0f", b.y);
		svg_attr(f, "width", "%.2f", b.w);
		svg_attr(f, "height", "%d", ROW_H);
		if (fill) {
			svg_attr(f, "fill", "%s", fill);
			/* Buffers side by side stay apart. */
			if (fill == kinds[RUN_BUFFER].fill)
				svg_attr(f, "stroke", "%s", buffer_stroke);
		} else {
			svg_attr(f, "fill", "none");
			svg_attr(f, "stroke", "%s", chunk_stroke);
			svg_attr(f, "stroke-width", "2");
		}
		svg_empty(f);
		if (!first.w)
			first = b;
		px0 = end;
	}
	return first;
}

enum { BOLD = 1, ENDS_AT_X = 2 };

/* A line of text at (@x, @y), @size px; @how: BOLD, ENDS_AT_X. */
static void text(FILE *f, double x, double y, int size, int how,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void text(FILE *f, double x, double y, int size, int how,
		 const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	svg_tag(f, "text");
	svg_attr(f, "x", "%.2f", x);
	svg_attr(f, "y", "%.0f", y);
	if (size != 12)
		svg_attr(f, "font-size", "%d", size);
	if (how & BOLD)
		svg_attr(f, "font-weight", "bold");
	if (how & ENDS_AT_X)
		svg_attr(f, "text-anchor", "end");
	svg_open(f);
	svg_text(f, "%s", line);
	svg_close(f, "text");
}

static void title(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void title(FILE *f, const char *fmt, ...)
{
	va_list ap;

	svg_tag(f, "title");
	svg_open(f);
	va_start(ap, fmt);
	svg_vtext(f, fmt, ap);
	va_end(ap);
	svg_close(f, "title");
}

/* What a run is, for its tooltip. */
static const char *run_text(const struct map_run *r, char *out, size_t len)
{
	char size[32];

	if (r->buf)
		return buffer_text(r->buf, out, len);
	snprintf(out, len, "%s: %s at 0x%" PRIx64, kinds[r->kind].label,
		 size_text(r->bytes, size, sizeof(size)), r->start);
	return out;
}

static void run(FILE *f, const struct map_area *a, const struct map_run *r,
		double y)
{
	const struct map_buffer *b = r->buf;
	char line[256];
	struct box box;

	svg_tag(f, "g");
	svg_attr(f, "data-kind", "%s", run_kind_name(r->kind));
	if (b) {
		svg_attr(f, "data-id", "%u", b->id);
		svg_attr(f, "data-name", "%s", b->name);
		svg_attr(f, "data-source", "%s", b->source);
		svg_attr(f, "data-state", "%s", b->state);
		if (b->region[0])
			svg_attr(f, "data-region", "%s", b->region);
	}
	place_attrs(f, a, r->start, r->bytes);
	svg_open(f);
	title(f, "%s", run_text(r, line, sizeof(line)));
	box = rects(f, a, y, r->start, r->bytes, kinds[r->kind].fill);
	/* A buffer's label, where it fits its first rectangle. */
	if (b) {
		snprintf(line, sizeof(line), "%u%s%s", b->id,
			 b->name[0] ? " " : "", b->name);
		if (box.w >= (double)(strlen(line) * CHAR_PX + 6)) {
			svg_tag(f, "text");
			svg_attr(f, "x", "%.2f", box.x + 3);
			svg_attr(f, "y", "%.0f", box.y + 16);
			svg_attr(f, "fill", "#ffffff");
			svg_open(f);
			svg_text(f, "%s", line);
			svg_close(f, "text");
		}
	}
	svg_close(f, "g");
}

static void chunk(FILE *f, const struct map_area *a, const struct map_chunk *c,
		  double y)
{
	char size[32], used[32];

	svg_tag(f, "g");
	svg_attr(f, "data-kind", "chunk");
	place_attrs(f, a, c->start, c->bytes);
	svg_attr(f, "data-used-bytes", "%" PRIu64, c->used);
	svg_open(f);
	title(f, "pool chunk: %s at 0x%" PRIx64 ", %s used",
	      size_text(c->bytes, size, sizeof(size)), c->start,
	      size_text(c->used, used, sizeof(used)));
	rects(f, a, y, c->start, c->bytes, NULL);
	svg_close(f, "g");
}

static double area_height(const struct map_area *a)
{
	return 2 * LINE + 4 + (double)rows_of(a) * (ROW_H + ROW_GAP) + 12;
}

/* Area @i from @y: its title, its numbers, its rows. Returns the next y. */
static double area(FILE *f, const struct map_layout *l, int i, double y)
{
	const struct map_area *a = &l->areas[i];
	uint64_t bpp = bytes_per_px(a), rows = rows_of(a), row;
	uint64_t nbufs = 0, bufs = 0, other = 0, nchunks = 0, pool = 0, used = 0;
	char s[6][32];
	size_t k;

	for (k = 0; k < a->nruns; k++) {
		if (a->runs[k].kind == RUN_BUFFER) {
			nbufs++;
			bufs += a->runs[k].bytes;
		} else if (a->runs[k].kind == RUN_OTHER) {
			other += a->runs[k].bytes;
		}
	}
	for (k = 0; k < l->nchunks; k++)
		if (l->chunks[k].area == i) {
			nchunks++;
			pool += l->chunks[k].bytes;
			used += l->chunks[k].used;
		}
	svg_tag(f, "g");
	svg_attr(f, "data-kind", "area");
	svg_attr(f, "data-name", "%s", a->name);
	svg_attr(f, "data-start", "0x%" PRIx64, a->base);
	svg_attr(f, "data-bytes", "%" PRIu64, a->bytes);
	svg_attr(f, "data-order-per-bit", "%u", a->order_per_bit);
	svg_attr(f, "data-bytes-per-px", "%" PRIu64, bpp);
	svg_attr(f, "data-rows", "%" PRIu64, rows);
	svg_attr(f, "data-free-bytes", "%" PRIu64, a->free_bytes);
	svg_attr(f, "data-free-runs", "%" PRIu64, a->free_runs);
	svg_attr(f, "data-largest-free", "%" PRIu64, a->largest_free);
	svg_open(f);
	y += LINE;
	text(f, LEFT, y, 14, BOLD, "%s: %s at 0x%" PRIx64 " (a bitmap bit per %s; a pixel per %s)",
	     a->name, size_text(a->bytes, s[0], 32), a->base,
	     size_text(l->page << a->order_per_bit, s[1], 32),
	     size_text(bpp, s[2], 32));
	y += LINE;
	size_text(a->free_bytes, s[0], 32);
	size_text(a->largest_free, s[1], 32);
	size_text(bufs, s[2], 32);
	size_text(other, s[3], 32);
	if (nchunks)
		snprintf(s[4], 32, "%" PRIu64 ", %s", nchunks,
			 size_text(pool, s[5], 32));
	else
		snprintf(s[4], 32, "none");
	text(f, LEFT, y, 12, 0, "free: %s in %" PRIu64 " runs, the largest %s; cmamem's buffers: %" PRIu64 ", %s; pool chunks: %s%s%s; others: %s",
	     s[0], a->free_runs, s[1], nbufs, s[2], s[4],
	     nchunks ? ", used " : "", nchunks ? size_text(used, s[5], 32) : "",
	     s[3]);
	y += 4;
	for (row = 0; row < rows; row++)
		text(f, LEFT - 6, y + (double)row * (ROW_H + ROW_GAP) + 16,
		     10, ENDS_AT_X, "+%s", size_text(row * ROW_PX * bpp, s[0], 32));
	/* Buffers last of the runs, so that one narrower than a pixel shows. */
	for (k = 0; k < a->nruns; k++)
		if (a->runs[k].kind != RUN_BUFFER)
			run(f, a, &a->runs[k], y);
	for (k = 0; k < a->nruns; k++)
		if (a->runs[k].kind == RUN_BUFFER)
			run(f, a, &a->runs[k], y);
	for (k = 0; k < l->nchunks; k++)
		if (l->chunks[k].area == i)
			chunk(f, a, &l->chunks[k], y);
	svg_close(f, "g");
	return y + (double)rows * (ROW_H + ROW_GAP) + 12;
}

static void legend(FILE *f, double y)
{
	static const enum run_kind order[] = {
		RUN_BUFFER, RUN_POOL, RUN_OTHER, RUN_FREE,
	};
	double x = LEFT;
	size_t i;

	svg_tag(f, "g");
	svg_attr(f, "data-kind", "legend");
	svg_open(f);
	for (i = 0; i <= 4; i++) {
		const char *label = i < 4 ? kinds[order[i]].label :
				    "pool chunk (outline)";

		svg_tag(f, "rect");
		svg_attr(f, "x", "%.0f", x);
		svg_attr(f, "y", "%.0f", y - 11);
		svg_attr(f, "width", "14");
		svg_attr(f, "height", "14");
		if (i < 4) {
			svg_attr(f, "fill", "%s", kinds[order[i]].fill);
		} else {
			svg_attr(f, "fill", "none");
			svg_attr(f, "stroke", "%s", chunk_stroke);
			svg_attr(f, "stroke-width", "2");
		}
		svg_empty(f);
		text(f, x + 20, y, 12, 0, "%s", label);
		x += 20 + (double)(strlen(label) * CHAR_PX) + 18;
	}
	svg_close(f, "g");
}

static size_t n_outside(const struct map_layout *l)
{
	size_t k, n = 0;

	for (k = 0; k < l->nbufs; k++)
		n += l->bufs[k].area < 0;
	for (k = 0; k < l->nchunks; k++)
		n += l->chunks[k].area < 0;
	return n;
}

/* An entry of what no area holds: a <g> around a line of text. */
static void outside_entry(FILE *f, double y, const char *of, uint32_t id,
			  uint64_t start, uint64_t bytes, const char *line)
{
	svg_tag(f, "g");
	svg_attr(f, "data-kind", "outside");
	svg_attr(f, "data-of", "%s", of);
	if (id)
		svg_attr(f, "data-id", "%u", id);
	svg_attr(f, "data-start", "0x%" PRIx64, start);
	svg_attr(f, "data-bytes", "%" PRIu64, bytes);
	svg_open(f);
	text(f, LEFT, y, 12, 0, "%s", line);
	svg_close(f, "g");
}

/* What no area holds, as text: drawing it would put it in the wrong place. */
static void outside(FILE *f, const struct map_layout *l, double y)
{
	char size[32], line[256];
	size_t k;

	text(f, LEFT, y, 12, BOLD, "Not in any CMA area (a DMA address that is not the physical one, or one that changed while read):");
	for (k = 0; k < l->nbufs; k++) {
		const struct map_buffer *b = &l->bufs[k];

		if (b->area < 0) {
			y += LINE;
			outside_entry(f, y, "buffer", b->id, b->start, b->bytes,
				      buffer_text(b, line, sizeof(line)));
		}
	}
	for (k = 0; k < l->nchunks; k++) {
		const struct map_chunk *c = &l->chunks[k];

		if (c->area < 0) {
			y += LINE;
			snprintf(line, sizeof(line), "pool chunk: %s at 0x%" PRIx64,
				 size_text(c->bytes, size, sizeof(size)), c->start);
			outside_entry(f, y, "chunk", 0, c->start, c->bytes, line);
		}
	}
}

void map_svg(FILE *f, const struct map_layout *l)
{
	size_t i, nout = n_outside(l);
	double height = 70 + 10, y;
	char page[32];

	for (i = 0; i < l->nareas; i++)
		height += area_height(&l->areas[i]);
	if (!l->nareas)
		height += LINE;
	if (nout)
		height += LINE * (double)(nout + 1) + 8;
	svg_begin(f, LEFT + ROW_PX + RIGHT, height);
	title(f, "cmamem map");
	text(f, LEFT, 28, 16, BOLD, "CMA areas and cmamem buffers (pages of %s)",
	     size_text(l->page, page, sizeof(page)));
	legend(f, 52);
	y = 70;
	for (i = 0; i < l->nareas; i++)
		y = area(f, l, (int)i, y);
	if (!l->nareas) {
		y += LINE;
		text(f, LEFT, y, 12, 0, "No CMA area: the kernel has none (boot it with cma=SIZE)");
	}
	if (nout)
		outside(f, l, y + LINE);
	svg_end(f);
}
