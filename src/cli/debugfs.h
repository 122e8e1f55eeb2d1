/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver's debugfs files (/sys/kernel/debug/cma_mem, root only) read
 * into structures, for the actions that show them: holders, stats, info,
 * list --all, explain's EBUSY, map and top. This is their one parser:
 * reading only; what to print, and what to say when a file cannot be read,
 * is the caller's. Their formats are cma_mem(4)'s, DEBUGFS.
 *
 * Each parse_*() takes a file the caller opened (so that the caller words
 * the error of opening it), closes it, and returns 0, EIO for a file not
 * in the format this cmamem reads, or ENOMEM.
 */
#ifndef CMAMEM_CLI_DEBUGFS_H
#define CMAMEM_CLI_DEBUGFS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "not in the format this cmamem reads" for EIO, else strerror(). */
const char *debugfs_error(int err);

/*
 * @v (@len elements of @size, room for *@cap) with room for one more: @v
 * itself, or its new place, or NULL (@v untouched) when memory ran out.
 */
void *grow(void *v, size_t size, size_t len, size_t *cap);

/* --- tables: a header of column names, then one row a line --- */

#define TABLE_WORDS	32

/* @line's words (between spaces, tabs), at most TABLE_WORDS, in place. */
size_t table_split(char *line, char **words);

/* A table's column names, as its header has them. */
struct table_header {
	char *keys[TABLE_WORDS];
	size_t n;
};

/* The index of the column named @key, or -1. */
int table_column(const struct table_header *h, const char *key);

/*
 * @row(@ctx, header, words, n) for each line after the header (every
 * line, empty ones included); what it returns other than 0 ends the read
 * and is returned. EIO for a file without a header, or whose header does
 * not name each of @need (NULL-terminated; NULL for none).
 */
int parse_table(FILE *f, const char *const *need,
		int (*row)(void *ctx, const struct table_header *h,
			   char **words, size_t n),
		void *ctx);

/* --- holders: "id pid comm kind" --- */

/* How a process holds a buffer: the holders file's kind column, as bits. */
enum held_kind {
	HELD_HANDLE = 1 << 0,
	HELD_MAP = 1 << 1,
	HELD_EXPORT = 1 << 2,
};
#define HELD_KINDS	3
extern const char *const held_kind_names[HELD_KINDS];
/* The bit of a kind's name, 0 for none. */
unsigned int held_kind_bit(const char *s);

/* One (buffer, process): every way the process holds it. */
struct holder {
	uint32_t id;
	long pid;
	char comm[64];
	unsigned int kinds;		/* enum held_kind bits */
};

/*
 * In the file's order (by id, then pid). The header names id, pid, comm
 * and kind; a row's kind is the first word after its comm that names one
 * (a comm of several words is joined by single spaces).
 */
int parse_holders(FILE *f, struct holder **out, size_t *n);

/* --- buffers: the table, its columns found by the header's names --- */

struct buffer_row {
	uint32_t id;
	uint64_t size, dma_addr;
	char name[64];			/* "" for none ("-") */
	char source[16];		/* pool, cma */
	char state[24];			/* live, freed-mapped, ... */
	char region[64];		/* its region's name; "" from a driver
					   without regions */
	int placed;			/* id, size and dma_addr were numbers */
};

/*
 * Every row; numbers are decimal, or hex with 0x. A column a row lacks
 * reads as 0 or "" (and the row is not @placed). EIO for a table whose
 * header does not name id and size.
 */
int parse_buffers(FILE *f, struct buffer_row **out, size_t *n);
/* 0 for a buffer not in the table (freed between two reads). */
uint64_t buffer_size_of(const struct buffer_row *s, size_t n, uint32_t id);

/* --- pool_chunks: "dma_addr size used_bytes" --- */

struct pool_chunk {
	uint64_t dma_addr, size, used;
	int whole;			/* all three were numbers */
};

/* Every row; EIO for a file without a header. */
int parse_pool_chunks(FILE *f, struct pool_chunk **out, size_t *n);

/* --- holders and sizes together: one entry per process --- */

struct holder_proc {
	long pid;
	const char *comm;		/* in the holders array */
	size_t first, nbufs;		/* its holders: v[first..first+nbufs) */
	uint64_t bytes;			/* of the buffers it holds in any way */
	uint64_t mapped_bytes;		/* of those it maps */
	size_t exports;			/* buffers it has a dma-buf of */
};

/*
 * Sorts @v by pid (then id) and sums each process's buffers; @out is in
 * pid order, malloc()ed (NULL when @n is 0). 0 or ENOMEM.
 */
int holder_procs(struct holder *v, size_t n, const struct buffer_row *s,
		 size_t ns, struct holder_proc **out, size_t *np);

/* --- stats: "key value" lines --- */

#define STATS_MAX	128

struct stat_line {
	char key[64];
	uint64_t val;
};

/* Up to STATS_MAX lines into @s; *@n says how many. */
int parse_stats(FILE *f, struct stat_line *s, size_t *n);
/* 0 for a key the file does not have. */
uint64_t stat_get(const struct stat_line *s, size_t n, const char *key);

/*
 * The latency histogram: latency_us_lt_HI (from the bucket before's HI,
 * 0 for the first, to under HI) and a last latency_us_ge_LO (@hi 0).
 */
struct latency_bucket {
	uint64_t lo, hi;
	uint64_t count;
};

/* The buckets of @s, in the file's order; at most @max. Returns how many. */
size_t stats_latency(const struct stat_line *s, size_t n,
		     struct latency_bucket *b, size_t max);

/* --- refusals: "age_ms uid pid comm size reason errno", newest first --- */

#define REFUSALS_MAX	16

struct refusal {
	uint64_t age_ms;
	uint32_t uid;
	long pid;
	char comm[64];
	uint64_t size;
	char reason[40];
	int err;			/* a positive errno */
};

/* Up to REFUSALS_MAX lines into @r; *@n says how many. */
int parse_refusals(FILE *f, struct refusal *r, size_t *n);

#endif
