// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who holds the buffers, from the driver's debugfs files (root):
 *
 *   holders          every process that holds a buffer, the most bytes first
 *   info ID          its "holders:" line / key
 *   list --all       the buffers table's holders column, as JSON
 *
 * /sys/kernel/debug/cma_mem/holders has one line per (buffer, process,
 * kind): "id pid comm kind", kind being handle, map or export. How the
 * driver finds them, and what it cannot see, is in cma_mem(4).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "debugfs.h"

/* "handle+map" for @kinds. */
static void kinds_text(unsigned int kinds, char *out, size_t len)
{
	size_t used = 0;
	int i;

	*out = '\0';
	for (i = 0; i < HELD_KINDS; i++)
		if (kinds & (1U << i))
			used += (size_t)snprintf(out + used, len - used, "%s%s",
						 used ? "+" : "", held_kind_names[i]);
}

static void kinds_json(unsigned int kinds)
{
	int i, n = 0;

	putchar('[');
	for (i = 0; i < HELD_KINDS; i++)
		if (kinds & (1U << i)) {
			if (n++)
				putchar(',');
			json_string(held_kind_names[i]);
		}
	putchar(']');
}

/* --- info ID --- */

/*
 * The holders file, for info, which works without root: then, or without
 * debugfs, the holders are unknown. 0 or an errno; @path gets the file's.
 */
static int info_holders(struct holder **v, size_t *n, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/holders", debugfs_dir());
	f = fopen(path, "r");
	return f ? parse_holders(f, v, n) : errno;
}

/* "holders: PID(COMM):KIND+KIND ...", "holders: -" or "holders: unknown (why)". */
void print_info_holders_text(uint32_t id)
{
	struct holder *v = NULL;
	size_t n = 0, i, shown = 0;
	char path[512], kinds[32];
	int err;

	err = info_holders(&v, &n, path, sizeof(path));
	if (err) {
		printf("holders: unknown (%s: %s)\n", path,
		       err == EACCES || err == EPERM ? "root only" :
						       debugfs_error(err));
		return;
	}
	fputs("holders:", stdout);
	for (i = 0; i < n; i++) {
		if (v[i].id != id)
			continue;
		kinds_text(v[i].kinds, kinds, sizeof(kinds));
		printf(" %ld(%s):%s", v[i].pid, v[i].comm, kinds);
		shown++;
	}
	puts(shown ? "" : " -");
	free(v);
}

/* "holders": [{"pid", "comm", "kinds"}...], or null when unknown. */
void print_info_holders_json(struct json_obj *j, uint32_t id)
{
	struct holder *v = NULL;
	size_t n = 0, i, shown = 0;
	char path[512];

	if (info_holders(&v, &n, path, sizeof(path))) {
		json_null(j, "holders");
		return;
	}
	json_key(j, "holders");
	putchar('[');
	for (i = 0; i < n; i++) {
		struct json_obj o;

		if (v[i].id != id)
			continue;
		if (shown++)
			putchar(',');
		json_begin(&o);
		json_u64(&o, "pid", (uint64_t)v[i].pid);
		json_str(&o, "comm", v[i].comm);
		json_key(&o, "kinds");
		kinds_json(v[i].kinds);
		json_end(&o);
	}
	putchar(']');
	free(v);
}

/* --- list --all --json: the buffers table's holders column --- */

/* "156:handle+map,160:export" or "-" as [{"pid":156,"kinds":[...]}, ...]. */
void json_holders_column(struct json_obj *j, const char *key, char *word)
{
	char *save = NULL, *h;
	int n = 0;

	json_key(j, key);
	putchar('[');
	for (h = strtok_r(word, ",", &save); h && strcmp(h, "-");
	     h = strtok_r(NULL, ",", &save)) {
		char *save2 = NULL, *k, *colon = strchr(h, ':');
		unsigned int kinds = 0;
		struct json_obj o;

		if (!colon)
			continue;
		*colon = '\0';
		for (k = strtok_r(colon + 1, "+", &save2); k;
		     k = strtok_r(NULL, "+", &save2))
			kinds |= held_kind_bit(k);
		if (n++)
			putchar(',');
		json_begin(&o);
		json_u64(&o, "pid", strtoull(h, NULL, 10));
		json_key(&o, "kinds");
		kinds_json(kinds);
		json_end(&o);
	}
	putchar(']');
}

/* --- holders --- */

/* The processes, the one holding the most bytes first. */
static int by_bytes(const void *a, const void *b)
{
	const struct holder_proc *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The holders file, then the buffers table's sizes: -1, or an exit code. */
static int read_holds(struct holder **v, size_t *n, struct buffer_row **sizes,
		      size_t *nsizes)
{
	FILE *f;
	int ret;

	ret = open_file(debugfs_dir(), "holders", "r", &f);
	if (ret)
		return ret;
	ret = parse_holders(f, v, n);
	if (ret) {
		cli_err("%s/holders: %s", debugfs_dir(), debugfs_error(ret));
		return EXIT_FAILED;
	}
	/* After the holders: a buffer made in between has no holder yet. */
	ret = open_file(debugfs_dir(), "buffers", "r", &f);
	if (!ret) {
		ret = parse_buffers(f, sizes, nsizes);
		if (ret == EIO)
			cli_err("%s/buffers: no id and size columns", debugfs_dir());
		ret = ret == EIO ? EXIT_FAILED : ret ? cli_fail(ret, "holders") : -1;
	}
	if (ret >= 0)
		free(*v);
	return ret;
}

int action_holders(struct cli *cli)
{
	struct holder *v = NULL;
	struct buffer_row *sizes = NULL;
	struct holder_proc *procs = NULL;
	size_t n = 0, nsizes = 0, np = 0, i, k;
	char kinds[32];
	int ret;

	ret = read_holds(&v, &n, &sizes, &nsizes);
	if (ret >= 0)
		return ret;
	if (holder_procs(v, n, sizes, nsizes, &procs, &np)) {
		free(v);
		free(sizes);
		return cli_fail(ENOMEM, "holders");
	}
	qsort(procs, np, sizeof(*procs), by_bytes);

	if (cli->json)
		putchar('[');
	else
		printf("%7s %-16s %14s  %s\n", "PID", "COMM", "BYTES",
		       "BUFFERS (ID:HOW)");
	for (k = 0; k < np; k++) {
		const struct holder_proc *p = &procs[k];
		struct json_obj j;

		if (cli->json) {
			if (k)
				putchar(',');
			json_begin(&j);
			json_u64(&j, "pid", (uint64_t)p->pid);
			json_str(&j, "comm", p->comm);
			json_u64(&j, "bytes", p->bytes);
			json_key(&j, "buffers");
			putchar('[');
		} else {
			printf("%7ld %-16s %14" PRIu64 " ", p->pid, p->comm,
			       p->bytes);
		}
		for (i = p->first; i < p->first + p->nbufs; i++) {
			if (cli->json) {
				struct json_obj b;

				if (i > p->first)
					putchar(',');
				json_begin(&b);
				json_u64(&b, "id", v[i].id);
				json_u64(&b, "size",
					 buffer_size_of(sizes, nsizes, v[i].id));
				json_key(&b, "kinds");
				kinds_json(v[i].kinds);
				json_end(&b);
			} else {
				kinds_text(v[i].kinds, kinds, sizeof(kinds));
				printf(" %u:%s", v[i].id, kinds);
			}
		}
		if (cli->json) {
			putchar(']');
			json_end(&j);
		} else {
			putchar('\n');
		}
	}
	if (cli->json)
		puts("]");
	free(procs);
	free(v);
	free(sizes);
	return EXIT_OK;
}
