// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The driver's debugfs files read into structures (debugfs.h): one parser
 * per file, shared by every action that shows it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "debugfs.h"

const char *debugfs_error(int err)
{
	return err == EIO ? "not in the format this cmamem reads" :
			    strerror(err);
}

void *grow(void *v, size_t size, size_t len, size_t *cap)
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

/* What a list parser builds, as its rows' context. */
struct list {
	void *v;
	size_t len, cap;
};

/* Room for one more @size-byte element at the end of @l: it, or NULL. */
static void *list_add(struct list *l, size_t size)
{
	void *v = grow(l->v, size, l->len, &l->cap);

	if (!v)
		return NULL;
	l->v = v;
	return (char *)v + size * l->len++;
}

/* A number in a table: decimal, or hex with 0x (strtoull's base 0). */
static int number(const char *s, uint64_t *v)
{
	char *end;

	*v = 0;
	if (!s)
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return end == s || *end || errno ? -1 : 0;
}

/* --- tables --- */

size_t table_split(char *line, char **words)
{
	char *save = NULL, *w;
	size_t n = 0;

	for (w = strtok_r(line, " \t\n", &save); w && n < TABLE_WORDS;
	     w = strtok_r(NULL, " \t\n", &save))
		words[n++] = w;
	return n;
}

int table_column(const struct table_header *h, const char *key)
{
	size_t k;

	for (k = 0; k < h->n; k++)
		if (!strcmp(h->keys[k], key))
			return (int)k;
	return -1;
}

int parse_table(FILE *f, const char *const *need,
		int (*row)(void *ctx, const struct table_header *h,
			   char **words, size_t n),
		void *ctx)
{
	char *header = NULL, *line = NULL, *words[TABLE_WORDS];
	size_t hcap = 0, lcap = 0;
	struct table_header h;
	int err = 0;

	if (getline(&header, &hcap, f) <= 0) {
		err = EIO;
		goto out;
	}
	h.n = table_split(header, h.keys);
	for (; need && *need; need++)
		if (table_column(&h, *need) < 0)
			err = EIO;
	while (!err && getline(&line, &lcap, f) > 0)
		err = row(ctx, &h, words, table_split(line, words));
out:
	free(header);
	free(line);
	fclose(f);
	return err;
}

/* Row @w's word in the column named @key, or NULL. */
static const char *cell(const struct table_header *h, char **w, size_t n,
			const char *key)
{
	int col = table_column(h, key);

	return col >= 0 && (size_t)col < n ? w[col] : NULL;
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

static int holder_row(void *ctx, const struct table_header *h, char **w,
		      size_t n)
{
	struct list *l = ctx;
	struct holder *v = l->v, *x;
	unsigned int kind = 0;
	size_t k, used = 0;
	char comm[64] = "";
	uint64_t id, pid;

	(void)h;
	/* comm is w[2], or more words up to the kind. */
	for (k = 3; k < n && !kind; k++)
		kind = held_kind_bit(w[k]);
	if (!kind || number(w[0], &id) || id > UINT32_MAX ||
	    number(w[1], &pid) || pid > LONG_MAX)
		return EIO;
	if (l->len && v[l->len - 1].id == id && v[l->len - 1].pid == (long)pid) {
		v[l->len - 1].kinds |= kind;
		return 0;
	}
	for (n = 2; n < k - 1 && used < sizeof(comm); n++)
		used += (size_t)snprintf(comm + used, sizeof(comm) - used,
					 "%s%s", used ? " " : "", w[n]);
	x = list_add(l, sizeof(*x));
	if (!x)
		return ENOMEM;
	x->id = (uint32_t)id;
	x->pid = (long)pid;
	snprintf(x->comm, sizeof(x->comm), "%s", comm);
	x->kinds = kind;
	return 0;
}

int parse_holders(FILE *f, struct holder **out, size_t *n)
{
	static const char *const need[] = { "id", "pid", "comm", "kind", NULL };
	struct list l = { 0 };
	int err = parse_table(f, need, holder_row, &l);

	*out = result(err, l.v, l.len, n);
	return err;
}

/* --- buffers --- */

/* @s, or "" for none or "-". */
static void copy_word(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s && strcmp(s, "-") ? s : "");
}

static int buffer_row(void *ctx, const struct table_header *h, char **w,
		      size_t n)
{
	struct buffer_row *b = list_add(ctx, sizeof(*b));
	uint64_t id;

	if (!b)
		return ENOMEM;
	memset(b, 0, sizeof(*b));
	b->placed = !number(cell(h, w, n, "id"), &id) && id <= UINT32_MAX;
	b->id = (uint32_t)id;
	b->placed &= !number(cell(h, w, n, "size"), &b->size);
	b->placed &= !number(cell(h, w, n, "dma_addr"), &b->dma_addr);
	copy_word(b->name, sizeof(b->name), cell(h, w, n, "name"));
	copy_word(b->source, sizeof(b->source), cell(h, w, n, "source"));
	copy_word(b->state, sizeof(b->state), cell(h, w, n, "state"));
	copy_word(b->region, sizeof(b->region), cell(h, w, n, "region"));
	return 0;
}

int parse_buffers(FILE *f, struct buffer_row **out, size_t *n)
{
	static const char *const need[] = { "id", "size", NULL };
	struct list l = { 0 };
	int err = parse_table(f, need, buffer_row, &l);

	*out = result(err, l.v, l.len, n);
	return err;
}

uint64_t buffer_size_of(const struct buffer_row *s, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].id == id)
			return s[i].size;
	return 0;
}

/* --- pool_chunks --- */

static int chunk_row(void *ctx, const struct table_header *h, char **w,
		     size_t n)
{
	struct pool_chunk *c = list_add(ctx, sizeof(*c));

	if (!c)
		return ENOMEM;
	c->whole = !number(cell(h, w, n, "dma_addr"), &c->dma_addr);
	c->whole &= !number(cell(h, w, n, "size"), &c->size);
	c->whole &= !number(cell(h, w, n, "used_bytes"), &c->used);
	return 0;
}

int parse_pool_chunks(FILE *f, struct pool_chunk **out, size_t *n)
{
	struct list l = { 0 };
	int err = parse_table(f, NULL, chunk_row, &l);

	*out = result(err, l.v, l.len, n);
	return err;
}

/* --- holders by process --- */

static int by_pid(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int holder_procs(struct holder *v, size_t n, const struct buffer_row *s,
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
