// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmamem map [-o FILE] [--json]: where in each CMA area cmamem's buffers
 * lie, as an SVG picture (area-svg.c) or as JSON, from the layout
 * area-layout.c reads (root).
 *
 * The picture goes to standard output, as a filter's would, or to -o FILE;
 * not to a terminal, where it would only be noise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "area-map.h"
#include "cli.h"

static void json_buffer(struct json_obj *j, const struct map_buffer *b)
{
	json_u64(j, "id", b->id);
	json_str(j, "name", b->name[0] ? b->name : NULL);
	json_str(j, "source", b->source);
	json_str(j, "state", b->state);
	json_str(j, "region", b->region[0] ? b->region : NULL);
}

static void json_run(const struct map_area *a, const struct map_run *r)
{
	struct json_obj j;

	json_begin(&j);
	json_str(&j, "kind", run_kind_name(r->kind));
	json_u64(&j, "start", r->start);
	json_u64(&j, "offset", r->start - a->base);
	json_u64(&j, "bytes", r->bytes);
	if (r->buf)
		json_buffer(&j, r->buf);
	json_end(&j);
}

/* A chunk's keys; its offset in area @a, if in one. */
static void json_chunk(struct json_obj *j, const struct map_area *a,
		       const struct map_chunk *c)
{
	json_u64(j, "start", c->start);
	if (a)
		json_u64(j, "offset", c->start - a->base);
	json_u64(j, "bytes", c->bytes);
	json_u64(j, "used_bytes", c->used);
}

static void json_area(const struct map_layout *l, int i)
{
	const struct map_area *a = &l->areas[i];
	struct json_obj j;
	size_t k, n = 0;

	json_begin(&j);
	json_str(&j, "name", a->name);
	json_u64(&j, "base", a->base);
	json_u64(&j, "bytes", a->bytes);
	json_u64(&j, "order_per_bit", a->order_per_bit);
	json_u64(&j, "free_bytes", a->free_bytes);
	json_u64(&j, "free_runs", a->free_runs);
	json_u64(&j, "largest_free", a->largest_free);
	json_key(&j, "runs");
	putchar('[');
	for (k = 0; k < a->nruns; k++) {
		if (k)
			putchar(',');
		json_run(a, &a->runs[k]);
	}
	putchar(']');
	json_key(&j, "chunks");
	putchar('[');
	for (k = 0; k < l->nchunks; k++) {
		struct json_obj c;

		if (l->chunks[k].area != i)
			continue;
		if (n++)
			putchar(',');
		json_begin(&c);
		json_chunk(&c, a, &l->chunks[k]);
		json_end(&c);
	}
	putchar(']');
	json_end(&j);
}

/* What no area holds: listed, not drawn. */
static void json_outside(const struct map_layout *l)
{
	size_t k, n = 0;

	putchar('[');
	for (k = 0; k < l->nbufs; k++) {
		const struct map_buffer *b = &l->bufs[k];
		struct json_obj j;

		if (b->area >= 0)
			continue;
		if (n++)
			putchar(',');
		json_begin(&j);
		json_str(&j, "kind", "buffer");
		json_u64(&j, "start", b->start);
		json_u64(&j, "bytes", b->bytes);
		json_buffer(&j, b);
		json_end(&j);
	}
	for (k = 0; k < l->nchunks; k++) {
		struct json_obj j;

		if (l->chunks[k].area >= 0)
			continue;
		if (n++)
			putchar(',');
		json_begin(&j);
		json_str(&j, "kind", "chunk");
		json_chunk(&j, NULL, &l->chunks[k]);
		json_end(&j);
	}
	putchar(']');
}

static void map_json(const struct map_layout *l)
{
	struct json_obj j;
	size_t i;

	json_begin(&j);
	json_u64(&j, "page_size", l->page);
	json_key(&j, "areas");
	putchar('[');
	for (i = 0; i < l->nareas; i++) {
		if (i)
			putchar(',');
		json_area(l, (int)i);
	}
	putchar(']');
	json_key(&j, "outside");
	json_outside(l);
	json_end(&j);
	putchar('\n');
}

int action_map(struct cli *cli)
{
	const char *path = cli->output && strcmp(cli->output, "-") ? cli->output : NULL;
	struct direct_file out = { .fd = -1 };
	struct map_layout l;
	int ret;

	if (!path && !cli->json && isatty(STDOUT_FILENO))
		return cli_usage("map: not writing an SVG image to a terminal: give -o FILE, redirect it (cmamem map > cma.svg), or use --json");
	/* The file is opened first, as an argument, but emptied only once
	 * there is something to write. */
	if (path && direct_open("-o", path, O_WRONLY | O_CREAT, &out))
		return EXIT_USAGE;
	ret = map_read(cli, &l);
	if (ret)
		goto out;
	fflush(stdout);
	/* A device or a pipe (EINVAL) has nothing to empty. */
	if (path && ((ftruncate(out.fd, 0) && errno != EINVAL) ||
		     dup2(out.fd, STDOUT_FILENO) < 0)) {
		ret = cli_fail(errno, "map: -o %s", path);
		goto out;
	}
	if (cli->json)
		map_json(&l);
	else
		map_svg(stdout, &l);
	if (fflush(stdout) || ferror(stdout)) {
		cli_err("map: write error on %s: %s",
			path ? path : "standard output", strerror(errno));
		ret = EXIT_FAILED;
		/* Said: main() need not say it again. */
		clearerr(stdout);
	}
out:
	map_free(&l);
	if (path)
		direct_close(&out, ret);
	return ret;
}
