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

#define KINDS	3
static const char *const kind_names[KINDS] = { "handle", "map", "export" };

struct holder {
	uint32_t id;
	long pid;
	char comm[64];
	unsigned int kinds;	/* bit i: kind_names[i] */
};

static int kind_bit(const char *s)
{
	int i;

	for (i = 0; i < KINDS; i++)
		if (!strcmp(s, kind_names[i]))
			return 1 << i;
	return 0;
}

/*
 * The holders file @f (closed here): one entry per (id, pid) with its kinds,
 * in the file's order (by id, then pid). 0, or EIO for a line this cmamem
 * cannot read, or ENOMEM.
 */
static int parse_holders(FILE *f, struct holder **out, size_t *n)
{
	struct holder *v = NULL, *h;
	size_t cap = 0, len = 0;
	char *line = NULL;
	size_t linecap = 0;
	int err = 0;

	/* The header. */
	if (getline(&line, &linecap, f) < 0)
		err = EIO;
	while (!err && getline(&line, &linecap, f) > 0) {
		char comm[64], kind[16];
		unsigned long id;
		long pid;

		if (sscanf(line, "%lu %ld %63s %15s", &id, &pid, comm, kind) != 4 ||
		    !kind_bit(kind)) {
			err = EIO;
			break;
		}
		if (len && v[len - 1].id == id && v[len - 1].pid == pid) {
			v[len - 1].kinds |= (unsigned int)kind_bit(kind);
			continue;
		}
		if (len == cap) {
			cap = cap ? 2 * cap : 64;
			h = realloc(v, cap * sizeof(*v));
			if (!h) {
				err = ENOMEM;
				break;
			}
			v = h;
		}
		h = &v[len++];
		h->id = (uint32_t)id;
		h->pid = pid;
		snprintf(h->comm, sizeof(h->comm), "%s", comm);
		h->kinds = (unsigned int)kind_bit(kind);
	}
	free(line);
	fclose(f);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = len;
	return 0;
}

static const char *parse_error(int err)
{
	return err == EIO ? "not in the format this cmamem reads" :
			    strerror(err);
}

/* "handle+map" for @kinds. */
static void kinds_text(unsigned int kinds, char *out, size_t len)
{
	size_t used = 0;
	int i;

	*out = '\0';
	for (i = 0; i < KINDS; i++)
		if (kinds & (1U << i))
			used += (size_t)snprintf(out + used, len - used, "%s%s",
						 used ? "+" : "", kind_names[i]);
}

static void kinds_json(unsigned int kinds)
{
	int i, n = 0;

	putchar('[');
	for (i = 0; i < KINDS; i++)
		if (kinds & (1U << i)) {
			if (n++)
				putchar(',');
			json_string(kind_names[i]);
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
						       parse_error(err));
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
			kinds |= (unsigned int)kind_bit(k);
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

struct size_of {
	uint32_t id;
	uint64_t size;
};

/* Buffer sizes from the buffers table, found by its header's names. */
static int read_sizes(struct size_of **out, size_t *n)
{
	struct size_of *v = NULL, *s;
	size_t cap = 0, len = 0, linecap = 0;
	int idcol = -1, sizecol = -1, col;
	char *line = NULL, *w, *save;
	FILE *f;
	int ret;

	ret = open_file(debugfs_dir(), "buffers", "r", &f);
	if (ret)
		return ret;
	if (getline(&line, &linecap, f) > 0)
		for (col = 0, save = NULL, w = strtok_r(line, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save), col++) {
			if (!strcmp(w, "id"))
				idcol = col;
			else if (!strcmp(w, "size"))
				sizecol = col;
		}
	if (idcol < 0 || sizecol < 0) {
		cli_err("%s/buffers: no id and size columns", debugfs_dir());
		ret = EXIT_FAILED;
		goto out;
	}
	while (getline(&line, &linecap, f) > 0) {
		uint32_t id = 0;
		uint64_t size = 0;

		for (col = 0, save = NULL, w = strtok_r(line, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save), col++) {
			if (col == idcol)
				id = (uint32_t)strtoul(w, NULL, 10);
			else if (col == sizecol)
				size = strtoull(w, NULL, 10);
		}
		if (len == cap) {
			cap = cap ? 2 * cap : 64;
			s = realloc(v, cap * sizeof(*v));
			if (!s) {
				ret = cli_fail(ENOMEM, "holders");
				goto out;
			}
			v = s;
		}
		v[len].id = id;
		v[len++].size = size;
	}
out:
	free(line);
	fclose(f);
	if (ret) {
		free(v);
		return ret;
	}
	*out = v;
	*n = len;
	return 0;
}

/* 0 for a buffer freed between the two reads. */
static uint64_t size_of(const struct size_of *s, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].id == id)
			return s[i].size;
	return 0;
}

/* One process: its holds are v[first..], those with its pid. */
struct proc {
	long pid;
	const char *comm;
	uint64_t bytes;
	size_t nbufs;
};

static int by_bytes(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int by_pid(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int action_holders(struct cli *cli)
{
	struct holder *v = NULL;
	struct size_of *sizes = NULL;
	struct proc *procs = NULL;
	size_t n = 0, nsizes = 0, np = 0, i, k;
	char kinds[32];
	FILE *f;
	int ret;

	ret = open_file(debugfs_dir(), "holders", "r", &f);
	if (ret)
		return ret;
	ret = parse_holders(f, &v, &n);
	if (ret) {
		cli_err("%s/holders: %s", debugfs_dir(), parse_error(ret));
		return EXIT_FAILED;
	}
	/* After the holders: a buffer made in between has no holder yet. */
	ret = read_sizes(&sizes, &nsizes);
	if (ret) {
		free(v);
		return ret;
	}
	/* A process's holds next to each other, by id. */
	qsort(v, n, sizeof(*v), by_pid);
	procs = calloc(n ? n : 1, sizeof(*procs));
	if (!procs) {
		free(v);
		free(sizes);
		return cli_fail(ENOMEM, "holders");
	}
	for (i = 0; i < n; i++) {
		if (!np || procs[np - 1].pid != v[i].pid) {
			procs[np].pid = v[i].pid;
			procs[np].comm = v[i].comm;
			np++;
		}
		procs[np - 1].bytes += size_of(sizes, nsizes, v[i].id);
		procs[np - 1].nbufs++;
	}
	qsort(procs, np, sizeof(*procs), by_bytes);

	if (cli->json)
		putchar('[');
	else
		printf("%7s %-16s %14s  %s\n", "PID", "COMM", "BYTES",
		       "BUFFERS (ID:HOW)");
	for (k = 0; k < np; k++) {
		const struct proc *p = &procs[k];
		struct json_obj j;
		size_t first;

		/* bsearch would do; the lists are short. */
		for (first = 0; v[first].pid != p->pid; first++)
			;
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
		for (i = first; i < first + p->nbufs; i++) {
			if (cli->json) {
				struct json_obj b;

				if (i > first)
					putchar(',');
				json_begin(&b);
				json_u64(&b, "id", v[i].id);
				json_u64(&b, "size",
					 size_of(sizes, nsizes, v[i].id));
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
