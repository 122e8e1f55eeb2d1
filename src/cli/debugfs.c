// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The driver's debugfs files read into structures (debugfs.h): one parser
 * per file, shared by every action that shows it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debugfs.h"

const char *debugfs_error(int err)
{
	return err == EIO ? "not in the format this cmamem reads" :
			    strerror(err);
}

/*
 * @v (@len elements of @size, room for *@cap) with room for one more: @v
 * itself, or its new place, or NULL (@v untouched) when memory ran out.
 */
static void *grow(void *v, size_t size, size_t len, size_t *cap)
{
	size_t want = *cap ? 2 * *cap : 64;

	if (len < *cap)
		return v;
	v = realloc(v, want * size);
	if (v)
		*cap = want;
	return v;
}

/* A parse's end: @v (@len elements) for the caller, or freed on @err. */
static void *result(int err, void *v, size_t len, size_t *n)
{
	if (err) {
		free(v);
		return NULL;
	}
	*n = len;
	return v;
}

/* --- holders --- */

const char *const held_kind_names[HELD_KINDS] = { "handle", "map", "export" };

unsigned int held_kind_bit(const char *s)
{
	int i;

	for (i = 0; i < HELD_KINDS; i++)
		if (!strcmp(s, held_kind_names[i]))
			return 1U << i;
	return 0;
}

int parse_holders(FILE *f, struct holder **out, size_t *n)
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
		    !held_kind_bit(kind)) {
			err = EIO;
			break;
		}
		if (len && v[len - 1].id == id && v[len - 1].pid == pid) {
			v[len - 1].kinds |= held_kind_bit(kind);
			continue;
		}
		h = grow(v, sizeof(*v), len, &cap);
		if (!h) {
			err = ENOMEM;
			break;
		}
		v = h;
		h = &v[len++];
		h->id = (uint32_t)id;
		h->pid = pid;
		snprintf(h->comm, sizeof(h->comm), "%s", comm);
		h->kinds = held_kind_bit(kind);
	}
	free(line);
	fclose(f);
	*out = result(err, v, len, n);
	return err;
}

/* --- buffers --- */

int parse_buffer_sizes(FILE *f, struct buffer_size **out, size_t *n)
{
	struct buffer_size *v = NULL, *p;
	size_t cap = 0, len = 0, linecap = 0;
	int idcol = -1, sizecol = -1, col, err = 0;
	char *line = NULL, *w, *save;

	if (getline(&line, &linecap, f) > 0)
		for (col = 0, save = NULL, w = strtok_r(line, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save), col++) {
			if (!strcmp(w, "id"))
				idcol = col;
			else if (!strcmp(w, "size"))
				sizecol = col;
		}
	if (idcol < 0 || sizecol < 0)
		err = EIO;
	while (!err && getline(&line, &linecap, f) > 0) {
		uint32_t id = 0;
		uint64_t size = 0;

		for (col = 0, save = NULL, w = strtok_r(line, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save), col++) {
			if (col == idcol)
				id = (uint32_t)strtoul(w, NULL, 10);
			else if (col == sizecol)
				size = strtoull(w, NULL, 10);
		}
		p = grow(v, sizeof(*v), len, &cap);
		if (!p) {
			err = ENOMEM;
			break;
		}
		v = p;
		v[len].id = id;
		v[len++].size = size;
	}
	free(line);
	fclose(f);
	*out = result(err, v, len, n);
	return err;
}

uint64_t buffer_size_of(const struct buffer_size *s, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].id == id)
			return s[i].size;
	return 0;
}

/* --- holders by process --- */

static int by_pid(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int holder_procs(struct holder *v, size_t n, const struct buffer_size *s,
		 size_t ns, struct holder_proc **out, size_t *np)
{
	struct holder_proc *procs = NULL, *p = NULL;
	size_t i, len = 0;

	*out = NULL;
	*np = 0;
	if (!n)
		return 0;
	/* A process's holds next to each other, by id. */
	qsort(v, n, sizeof(*v), by_pid);
	procs = calloc(n, sizeof(*procs));
	if (!procs)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t size = buffer_size_of(s, ns, v[i].id);

		if (!len || p->pid != v[i].pid) {
			p = &procs[len++];
			p->pid = v[i].pid;
			p->comm = v[i].comm;
			p->first = i;
		}
		p->nbufs++;
		p->bytes += size;
		if (v[i].kinds & HELD_MAP)
			p->mapped_bytes += size;
		if (v[i].kinds & HELD_EXPORT)
			p->exports++;
	}
	*out = procs;
	*np = len;
	return 0;
}

/* --- stats --- */

int parse_stats(FILE *f, struct stat_line *s, size_t *n)
{
	char line[256];

	*n = 0;
	while (*n < STATS_MAX && fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "%63s %llu", s[*n].key, &v) == 2) {
			s[*n].val = v;
			(*n)++;
		}
	}
	fclose(f);
	return 0;
}

uint64_t stat_get(const struct stat_line *s, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s[i].key, key))
			return s[i].val;
	return 0;
}

size_t stats_latency(const struct stat_line *s, size_t n,
		     struct latency_bucket *b, size_t max)
{
	unsigned long long bound;
	uint64_t lo = 0;
	size_t i, nb = 0;

	for (i = 0; i < n && nb < max; i++) {
		if (sscanf(s[i].key, "latency_us_lt_%llu", &bound) == 1) {
			b[nb].lo = lo;
			b[nb].hi = bound;
			b[nb++].count = s[i].val;
			lo = bound;
		} else if (sscanf(s[i].key, "latency_us_ge_%llu", &bound) == 1) {
			b[nb].lo = bound;
			b[nb].hi = 0;
			b[nb++].count = s[i].val;
		}
	}
	return nb;
}

/* --- refusals --- */

int parse_refusals(FILE *f, struct refusal *r, size_t *n)
{
	static const char header[] = "age_ms uid pid comm size reason errno";
	char line[512];
	int err = 0;

	*n = 0;
	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, header, sizeof(header) - 1))
		err = EIO;
	while (!err && *n < REFUSALS_MAX && fgets(line, sizeof(line), f)) {
		struct refusal *x = &r[*n];
		unsigned long long age, size;
		unsigned long uid;

		if (sscanf(line, "%llu %lu %ld %63s %llu %39s %d", &age, &uid,
			   &x->pid, x->comm, &size, x->reason, &x->err) != 7) {
			err = EIO;
			break;
		}
		x->age_ms = age;
		x->uid = (uint32_t)uid;
		x->size = size;
		(*n)++;
	}
	fclose(f);
	return err;
}
