// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmabench: cmamem against the dma-heap CMA heap and anonymous memory,
 * measured side by side in one boot. Runs inside the bench guest
 * (bench/run boots it); prints CSV on stdout, notes on stderr.
 *
 *   cmabench [-r REPS] [-F FAMILIES] [-c CMAMEM_CLI] [-s SIZE] [-p] [-q] [-v]
 *
 * -r   repeats per case (at least 15, the default; sizes up to 16M in the
 *      life family run three times as many)
 * -F   comma-separated subset of: life,node,live,tput,cli,big,pressure
 *      (default all)
 * -c   the cmamem CLI for the fill/dump family (default build/bin/cmamem)
 * -p   prefix CSV rows with '@' and metadata with '@#', so a host script can
 *      pick them out of a console that also carries stderr
 * -q   quick: fewer sizes and live counts, for a smoke test (not for numbers)
 * -v   progress notes on stderr for every repeat of the pressure family
 * -s   only this size in the life family (4K, 64M, ...), e.g. under perf
 *
 * CSV columns: family,backend,operation,size,param,unit,n,median,p90,max.
 * Latencies are in microseconds. For bandwidths (MB/s, 10^6 bytes) and rates
 * (allocs/s) the statistics are taken over the times, so median is the
 * bandwidth of the median run, and p90 and max are the bandwidths of the
 * p90 and the slowest run: the slow tail, as for latencies. A case that
 * cannot run (no pool yet, no export, a failed allocation) has n = 0 and
 * "n/a" in the three value columns.
 *
 * The clock is CLOCK_MONOTONIC, and the harness refuses to run unless the
 * kernel's clocksource is the TSC: under TCG the fallback is jiffies, in
 * 4 ms steps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#include "cmamem.h"

#define KiB		1024UL
#define MiB		(1024UL * KiB)
#define MIN_REPS	15
#define MAX_REPS	1000
#define PG		4096UL
#define CLOCKSOURCE	"/sys/devices/system/clocksource/clocksource0/current_clocksource"

enum backend { B_WC, B_UC, B_CACHED, B_POOL, B_HEAP, B_NODE, B_ANON, NBACKENDS };

static const char *const backend_name[NBACKENDS] = {
	[B_WC] = "cmamem-wc",
	[B_UC] = "cmamem-uncached",
	[B_CACHED] = "cmamem-cached",
	[B_POOL] = "cmamem-pool",
	[B_HEAP] = "heap",
	[B_NODE] = "node",
	[B_ANON] = "anon",
};

/* Explicit sources, so the cache-mode columns stay CMA once a pool exists. */
static const uint32_t backend_flags[NBACKENDS] = {
	[B_WC] = CMAMEM_CACHE_WC | CMAMEM_FROM_CMA,
	[B_UC] = CMAMEM_CACHE_UNCACHED | CMAMEM_FROM_CMA,
	[B_CACHED] = CMAMEM_CACHE_CACHED | CMAMEM_FROM_CMA,
	[B_POOL] = CMAMEM_CACHE_WC | CMAMEM_FROM_POOL,
};

/* One buffer of any backend. */
struct bbuf {
	enum backend b;
	size_t size;
	struct cmamem_info info;
	int fd;			/* the heap's or the node's dma-buf */
	void *map;
};

/* The state of one run. */
static struct {
	struct cmamem *dev;
	int heap_fd;
	char heap_name[64];
	int node_fd;		/* cma_mem's own heap node */
	char node_name[64];
	uint64_t cma_base_pfn, cma_count;	/* 0 if debugfs does not say */
	uint64_t cma_bytes;
	int have_pool;
	int have_export;
	unsigned int reps;
	int prefix;
	int quick;
	int verbose;
	size_t only_size;
	const char *cli;
	unsigned char *src;	/* memcpy source, prefaulted */
	size_t src_size;
} g = { .heap_fd = -1, .node_fd = -1, .reps = MIN_REPS, .cli = "build/bin/cmamem" };

static volatile uint64_t sink;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("cmabench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("cmabench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void meta(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void meta(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s%s=", g.prefix ? "@#" : "# ", key);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* ---- statistics and CSV ---------------------------------------------- */

enum unit { U_US, U_MBS, U_RATE, U_COUNT };
static const char *const unit_name[] = { "us", "MB/s", "allocs/s", "faults" };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A sample set: times in ns, one per repeat that ran. */
struct samples {
	unsigned int n;
	double t[MAX_REPS];
};

static void add(struct samples *s, uint64_t ns)
{
	if (s->n < MAX_REPS)
		s->t[s->n++] = (double)ns;
}

/*
 * One CSV row. @work is bytes for U_MBS, operations for U_RATE, unused for
 * U_US. Sorts @s.
 */
static void emit(const char *family, const char *backend, const char *op,
		 uint64_t size, uint64_t param, enum unit u, double work,
		 struct samples *s)
{
	double v[3];
	unsigned int i;

	printf("%s%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%u", g.prefix ? "@" : "",
	       family, backend, op, size, param, unit_name[u], s->n);
	if (!s->n) {
		printf(",n/a,n/a,n/a\n");
		fflush(stdout);
		return;
	}
	qsort(s->t, s->n, sizeof(s->t[0]), cmp_double);
	v[0] = s->t[(s->n - 1) / 2];
	/* nearest rank: the smallest value with 90 % of the samples at or below */
	v[1] = s->t[(s->n * 9 + 9) / 10 - 1];
	v[2] = s->t[s->n - 1];
	for (i = 0; i < 3; i++) {
		double x = v[i] > 0 ? v[i] : 1;

		if (u == U_US)
			printf(",%.1f", v[i] / 1000.0);
		else if (u == U_COUNT)
			printf(",%.0f", v[i]);
		else if (u == U_MBS)
			printf(",%.1f", work * 1000.0 / x);
		else
			printf(",%.1f", work * 1e9 / x);
	}
	putchar('\n');
	fflush(stdout);
}

static void emit_header(void)
{
	printf("%sfamily,backend,operation,size,param,unit,n,median,p90,max\n",
	       g.prefix ? "@" : "");
}

/* ---- sysfs and debugfs ----------------------------------------------- */

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static uint64_t read_u64(const char *path)
{
	char buf[64];

	return read_line(path, buf, sizeof(buf)) ? 0 : strtoull(buf, NULL, 0);
}

/* ---- backends -------------------------------------------------------- */

static int is_cmamem(enum backend b)
{
	return b == B_WC || b == B_UC || b == B_CACHED || b == B_POOL;
}

static int bb_alloc(struct bbuf *x, enum backend b, size_t size)
{
	memset(x, 0, sizeof(*x));
	x->b = b;
	x->size = size;
	x->fd = -1;
	if (b == B_ANON)
		return 0;
	if (b == B_HEAP || b == B_NODE) {
		struct dma_heap_allocation_data d = {
			.len = size,
			.fd_flags = O_RDWR | O_CLOEXEC,
		};

		if (ioctl(b == B_HEAP ? g.heap_fd : g.node_fd,
			  DMA_HEAP_IOCTL_ALLOC, &d) < 0)
			return -errno;
		x->fd = (int)d.fd;
		return 0;
	}
	return cmamem_alloc(g.dev, size, 0, backend_flags[b], NULL, &x->info);
}

static int bb_map(struct bbuf *x)
{
	void *p;

	if (is_cmamem(x->b)) {
		int ret = cmamem_map(g.dev, &x->info, 0, 0, PROT_READ | PROT_WRITE, &p);
		if (ret)
			return ret;
	} else {
		p = mmap(NULL, x->size, PROT_READ | PROT_WRITE,
			 x->b == B_ANON ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED,
			 x->fd, 0);
		if (p == MAP_FAILED)
			return -errno;
	}
	x->map = p;
	return 0;
}

static void bb_unmap(struct bbuf *x)
{
	if (x->map)
		munmap(x->map, x->size);
	x->map = NULL;
}

static int bb_free(struct bbuf *x)
{
	int ret = 0;

	if (x->b == B_HEAP || x->b == B_NODE) {
		if (x->fd >= 0 && close(x->fd))
			ret = -errno;
		x->fd = -1;
	} else if (is_cmamem(x->b) && x->info.id) {
		ret = cmamem_free(g.dev, x->info.id);
		x->info.id = 0;
	}
	return ret;
}

static void touch_pages(void *p, size_t size)
{
	volatile unsigned char *c = p;
	size_t off;

	for (off = 0; off < size; off += PG)
		c[off] = (unsigned char)(off >> 12);
}

static uint64_t sum64(const void *p, size_t size)
{
	const uint64_t *q = p;
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < size / sizeof(*q); i++)
		s += q[i];
	return s;
}

/* ---- family "life": one buffer's whole life, per size --------------- */

enum op { OP_ALLOC, OP_MMAP, OP_TOUCH, OP_RETOUCH, OP_AMT, OP_MEMSET, OP_MEMCPY,
	  OP_READ, OP_EXPORT, OP_MUNMAP, OP_FREE, OP_FAULTS, NOPS };

static const char *const op_name[NOPS] = {
	[OP_ALLOC] = "alloc",
	[OP_MMAP] = "mmap",
	[OP_TOUCH] = "touch",
	[OP_RETOUCH] = "retouch",
	[OP_AMT] = "alloc_mmap_touch",
	[OP_MEMSET] = "memset",
	[OP_MEMCPY] = "memcpy",
	[OP_READ] = "read",
	[OP_EXPORT] = "export",
	[OP_MUNMAP] = "munmap",
	[OP_FREE] = "free",
	/* page faults taken by the first touch (getrusage minor faults) */
	[OP_FAULTS] = "faults",
};

/* Repeat small copies so that each timed run moves at least this much. */
#define BW_BYTES	(4 * MiB)

/* Which backends can do an operation at all (anonymous memory has no alloc). */
static int op_applies(enum backend b, enum op op)
{
	switch (op) {
	case OP_ALLOC:
	case OP_FREE:
		return b != B_ANON;
	case OP_EXPORT:
		return is_cmamem(b) && g.have_export;
	default:
		return 1;
	}
}

static int backend_present(enum backend b)
{
	if (b == B_POOL)
		return g.have_pool;
	if (b == B_HEAP)
		return g.heap_fd >= 0;
	if (b == B_NODE)
		return g.node_fd >= 0;
	return is_cmamem(b) ? g.dev != NULL : 1;
}

static struct samples life[NBACKENDS][NOPS];

/* One life of one buffer: every operation timed once. */
static int one_life(enum backend b, size_t size)
{
	struct samples *s = life[b];
	unsigned int i, inner = size >= BW_BYTES ? 1 : (unsigned int)(BW_BYTES / size);
	uint64_t t0, t1, t2, t3, t4, amt;
	struct rusage ru0, ru1;
	struct bbuf x;
	int ret;

	t0 = now_ns();
	ret = bb_alloc(&x, b, size);
	t1 = now_ns();
	if (ret)
		return ret;
	ret = bb_map(&x);
	t2 = now_ns();
	if (ret) {
		bb_free(&x);
		return ret;
	}
	getrusage(RUSAGE_SELF, &ru0);
	t3 = now_ns();
	touch_pages(x.map, size);
	t4 = now_ns();
	getrusage(RUSAGE_SELF, &ru1);
	amt = (t2 - t0) + (t4 - t3);
	if (op_applies(b, OP_ALLOC))
		add(&s[OP_ALLOC], t1 - t0);
	else
		amt -= t1 - t0;
	add(&s[OP_MMAP], t2 - t1);
	add(&s[OP_TOUCH], t4 - t3);
	add(&s[OP_AMT], amt);
	add(&s[OP_FAULTS], (uint64_t)(ru1.ru_minflt - ru0.ru_minflt));

	/*
	 * A second pass over pages that are already mapped: the floor of a
	 * touch. Under TCG it is not free, since the emulator's soft TLB
	 * walks the page tables on the first access to each page.
	 */
	t0 = now_ns();
	touch_pages(x.map, size);
	add(&s[OP_RETOUCH], now_ns() - t0);

	t0 = now_ns();
	for (i = 0; i < inner; i++)
		memset(x.map, (int)i + 1, size);
	add(&s[OP_MEMSET], (now_ns() - t0) / inner);

	t0 = now_ns();
	for (i = 0; i < inner; i++)
		memcpy(x.map, g.src, size);
	add(&s[OP_MEMCPY], (now_ns() - t0) / inner);

	t0 = now_ns();
	for (i = 0; i < inner; i++)
		sink += sum64(x.map, size);
	add(&s[OP_READ], (now_ns() - t0) / inner);

	if (op_applies(b, OP_EXPORT)) {
		int fd;

		t0 = now_ns();
		ret = cmamem_export(g.dev, x.info.id, O_RDWR | O_CLOEXEC, &fd);
		if (!ret)
			close(fd);
		t1 = now_ns();
		if (!ret)
			add(&s[OP_EXPORT], t1 - t0);
	}

	t0 = now_ns();
	bb_unmap(&x);
	t1 = now_ns();
	ret = bb_free(&x);
	t2 = now_ns();
	add(&s[OP_MUNMAP], t1 - t0);
	if (op_applies(b, OP_FREE) && !ret)
		add(&s[OP_FREE], t2 - t1);
	return ret;
}

static const size_t life_sizes[] = {
	4 * KiB, 64 * KiB, 1 * MiB, 4 * MiB, 16 * MiB, 64 * MiB, 128 * MiB,
};

static void family_life(void)
{
	static const enum backend order[] = { B_WC, B_UC, B_CACHED, B_POOL, B_HEAP, B_ANON };
	size_t si, bi;
	unsigned int r, o;

	for (si = 0; si < sizeof(life_sizes) / sizeof(life_sizes[0]); si++) {
		size_t size = life_sizes[si];
		int failed[NBACKENDS] = { 0 };
		uint64_t t0 = now_ns();

		if (g.quick && size != 64 * KiB && size != 16 * MiB)
			continue;
		if (g.only_size && size != g.only_size)
			continue;
		/* Small cases are cheap: three times the repeats steadies
		 * their medians on a shared host. */
		unsigned int reps = size <= 16 * MiB ? 3 * g.reps : g.reps;

		if (reps > MAX_REPS)
			reps = MAX_REPS;
		memset(life, 0, sizeof(life));
		/* Backends take turns within each repeat, so a noisy moment
		 * on a shared host spreads over all of them. */
		for (r = 0; r < reps; r++) {
			size_t nb = sizeof(order) / sizeof(order[0]);

			for (bi = 0; bi < nb; bi++) {
				/* Each repeat starts with another backend, so no
				 * backend always runs right after the same one. */
				enum backend b = order[(bi + r) % nb];
				int ret;

				if (!backend_present(b) || failed[b])
					continue;
				ret = one_life(b, size);
				if (ret) {
					note("%s %zu bytes: %s; no numbers for it at this size",
					     backend_name[b], size, strerror(-ret));
					failed[b] = 1;
				}
			}
		}
		for (bi = 0; bi < sizeof(order) / sizeof(order[0]); bi++) {
			enum backend b = order[bi];

			for (o = 0; o < NOPS; o++) {
				enum unit u = U_US;

				if (!op_applies(b, (enum op)o) && !(o == OP_EXPORT && b == B_HEAP))
					continue;
				if (o == OP_MEMSET || o == OP_MEMCPY || o == OP_READ)
					u = U_MBS;
				if (o == OP_FAULTS)
					u = U_COUNT;
				if (failed[b])
					life[b][o].n = 0;
				emit(op_name[o], backend_name[b], op_name[o], size, 0, u,
				     (double)size, &life[b][o]);
			}
		}
		note("life %zu KiB: %.1f s", size / KiB, (double)(now_ns() - t0) / 1e9);
	}
}

/* ---- family "node": cma_mem's heap node against the kernel's heap ---- */

#define POOL_BYTES	"/sys/class/misc/cma_mem/pool_bytes"
#define POOL_USED	"/sys/class/misc/cma_mem/pool_used_bytes"

static int write_u64(const char *path, uint64_t v)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%" PRIu64 "\n", v) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/*
 * Whether the node's allocation of @size comes from the pool now: the
 * node has no flag for it (heap_flags must be 0), it takes the pool first.
 */
static int node_takes_pool(size_t size)
{
	uint64_t before = read_u64(POOL_USED), after;
	struct bbuf x;

	if (bb_alloc(&x, B_NODE, size))
		return 0;
	after = read_u64(POOL_USED);
	bb_free(&x);
	return after >= before + size;
}

/*
 * DMA_HEAP_IOCTL_ALLOC + mmap + first touch through cma_mem's node, with
 * the pool (param 1) and with the pool emptied (param 0, the node then
 * allocates from CMA), each phase against the kernel's CMA heap in turns,
 * in the same boot. The pool is restored afterwards.
 */
static void family_node(void)
{
	static const enum backend order[] = { B_HEAP, B_NODE };
	static const size_t sizes[] = { 16 * MiB, 64 * MiB };
	static const enum op ops[] = { OP_ALLOC, OP_MMAP, OP_TOUCH, OP_AMT };
	uint64_t pool_bytes = read_u64(POOL_BYTES);
	size_t si, bi, oi;
	unsigned int r;
	int pooled;

	if (g.node_fd < 0 || g.heap_fd < 0) {
		note("node: %s: no node rows", g.node_fd < 0 ?
		     "cma_mem has no heap node" : "no kernel CMA heap to compare");
		return;
	}
	for (pooled = 1; pooled >= 0; pooled--) {
		if (!pooled && pool_bytes && write_u64(POOL_BYTES, 0)) {
			note("node: emptying the pool: %s", strerror(errno));
			break;
		}
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			size_t size = sizes[si];
			/* Two sizes only: three times the repeats at both. */
			unsigned int reps = 3 * g.reps;
			int failed[NBACKENDS] = { 0 };

			if (reps > MAX_REPS)
				reps = MAX_REPS;
			if (node_takes_pool(size) != pooled) {
				note("node %zu MiB: the allocation %s the pool; no %s rows",
				     size / MiB, pooled ? "did not come from" : "came from",
				     pooled ? "pooled" : "unpooled");
				continue;
			}
			memset(life, 0, sizeof(life));
			for (r = 0; r < reps; r++) {
				for (bi = 0; bi < 2; bi++) {
					enum backend b = order[(bi + r) % 2];
					int ret;

					if (failed[b])
						continue;
					ret = one_life(b, size);
					if (ret) {
						note("node: %s %zu bytes: %s", backend_name[b],
						     size, strerror(-ret));
						failed[b] = 1;
					}
				}
			}
			for (bi = 0; bi < 2; bi++)
				for (oi = 0; oi < sizeof(ops) / sizeof(ops[0]); oi++) {
					enum backend b = order[bi];

					if (failed[b])
						life[b][ops[oi]].n = 0;
					emit("node", backend_name[b], op_name[ops[oi]], size,
					     pooled, U_US, (double)size, &life[b][ops[oi]]);
				}
		}
	}
	if (pool_bytes && write_u64(POOL_BYTES, pool_bytes))
		note("node: restoring pool_bytes %" PRIu64 ": %s", pool_bytes, strerror(errno));
}

/* ---- family "live": alloc and free with many buffers alive ---------- */

static void family_live(void)
{
	static const enum backend order[] = { B_WC, B_POOL, B_HEAP };
	static const unsigned int counts[] = { 1, 100, 1000, 10000 };
	static const size_t sizes[] = { 4 * KiB, 8 * KiB };
	unsigned int reps = g.reps < 31 ? 31 : g.reps;
	size_t si, bi, ci;

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (bi = 0; bi < sizeof(order) / sizeof(order[0]); bi++) {
			enum backend b = order[bi];
			size_t size = sizes[si];
			struct bbuf *fill = NULL;
			unsigned int live = 0, r;
			int broken = !backend_present(b);
			uint64_t t0 = now_ns();

			if (!broken) {
				struct bbuf warm;

				fill = calloc(10000, sizeof(*fill));
				if (!fill)
					die("out of memory");
				/* Unmeasured: the first calls pay for cold caches. */
				for (r = 0; r < 5; r++)
					if (!bb_alloc(&warm, b, size))
						bb_free(&warm);
			}
			for (ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++) {
				struct samples sa = { 0 }, sf = { 0 };
				unsigned int want = counts[ci];

				if (g.quick && want > 1000)
					continue;
				/* @want buffers live while the measured one is made. */
				while (!broken && live + 1 < want) {
					int ret = bb_alloc(&fill[live], b, size);

					if (ret) {
						note("live %s: filler %u of %zu bytes: %s",
						     backend_name[b], live + 1, size, strerror(-ret));
						broken = 1;
						break;
					}
					live++;
				}
				for (r = 0; !broken && r < reps; r++) {
					struct bbuf x;
					uint64_t a, c, d;
					int ret;

					a = now_ns();
					ret = bb_alloc(&x, b, size);
					c = now_ns();
					if (ret) {
						note("live %s: %s", backend_name[b], strerror(-ret));
						broken = 1;
						sa.n = sf.n = 0;
						break;
					}
					ret = bb_free(&x);
					d = now_ns();
					add(&sa, c - a);
					if (!ret)
						add(&sf, d - c);
				}
				emit("live", backend_name[b], "alloc", size, want, U_US, 0, &sa);
				emit("live", backend_name[b], "free", size, want, U_US, 0, &sf);
			}
			while (live > 0)
				bb_free(&fill[--live]);
			free(fill);
			note("live %s %zu KiB: %.1f s", backend_name[b], size / KiB,
			     (double)(now_ns() - t0) / 1e9);
		}
	}
}

/* ---- family "tput": alloc throughput, 1 and 2 processes ------------- */

/* A child: its own handle, wait for the start, then @k alloc+free pairs. */
static void tput_child(enum backend b, size_t size, unsigned int k, int go)
{
	char c;
	unsigned int i;

	if (is_cmamem(b)) {
		cmamem_close(g.dev);
		if (cmamem_open(NULL, &g.dev))
			_exit(2);
	}
	if (read(go, &c, 1) < 0)
		_exit(2);
	for (i = 0; i < k; i++) {
		struct bbuf x;

		if (bb_alloc(&x, b, size))
			_exit(1);
		bb_free(&x);
	}
	_exit(0);
}

static void family_tput(void)
{
	static const enum backend order[] = { B_WC, B_POOL, B_HEAP };
	static const size_t sizes[] = { 64 * KiB, 1 * MiB, 16 * MiB };
	static const unsigned int per[] = { 64, 24, 4 };
	size_t si, bi;
	unsigned int procs, r, p;

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (bi = 0; bi < sizeof(order) / sizeof(order[0]); bi++) {
			enum backend b = order[bi];

			for (procs = 1; procs <= 2; procs++) {
				struct samples s = { 0 };
				int ok = backend_present(b);

				for (r = 0; ok && r < g.reps; r++) {
					int pfd[2], status;
					pid_t pid[2];
					uint64_t t0;

					if (pipe(pfd))
						die("pipe: %s", strerror(errno));
					for (p = 0; p < procs; p++) {
						pid[p] = fork();
						if (pid[p] < 0)
							die("fork: %s", strerror(errno));
						if (!pid[p]) {
							close(pfd[1]);
							tput_child(b, sizes[si], per[si], pfd[0]);
						}
					}
					close(pfd[0]);
					/* Let the children reach read(). */
					usleep(20000);
					t0 = now_ns();
					close(pfd[1]);
					for (p = 0; p < procs; p++) {
						if (waitpid(pid[p], &status, 0) < 0 ||
						    !WIFEXITED(status) || WEXITSTATUS(status))
							ok = 0;
					}
					if (ok)
						add(&s, now_ns() - t0);
				}
				if (!ok) {
					if (backend_present(b))
						note("tput %s %zu: a child failed", backend_name[b], sizes[si]);
					s.n = 0;
				}
				emit("tput", backend_name[b], "alloc_free", sizes[si], procs,
				     U_RATE, (double)procs * per[si], &s);
			}
		}
	}
}

/* ---- family "cli": cmamem fill / dump --raw against dd and cat ------- */

/*
 * Run @argv with stdin from /dev/null. With @drain, its stdout is a pipe that
 * this process reads to the end (so the bytes are really moved, as a
 * consumer would), else /dev/null. Returns the bytes drained, or -1.
 */
static long long run_prog(char *const argv[], int drain)
{
	long long total = 0;
	int pfd[2] = { -1, -1 }, status;
	pid_t pid;

	if (drain && pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(drain ? pfd[1] : null, 1);
		if (drain) {
			close(pfd[0]);
			close(pfd[1]);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (drain) {
		static char buf[1 << 20];
		ssize_t n;

		close(pfd[1]);
		while ((n = read(pfd[0], buf, sizeof(buf))) > 0)
			total += n;
		close(pfd[0]);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return total;
}

static const char *find_prog(const char *name)
{
	static const char *const dirs[] = { "/usr/bin/", "/bin/" };
	static char path[4][64];
	static unsigned int slot;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *p = path[slot++ % 4];

		snprintf(p, sizeof(path[0]), "%s%s", dirs[i], name);
		if (!access(p, X_OK))
			return p;
	}
	return NULL;
}

static void family_cli(void)
{
	static const size_t sizes[] = { 1 * MiB, 16 * MiB, 64 * MiB };
	static const enum backend modes[] = { B_CACHED, B_WC };
	const char *dd = find_prog("dd"), *cat = find_prog("cat");
	const char *file = "/dev/shm/cmabench.dat";
	int cli_ok = g.dev && !access(g.cli, X_OK);
	size_t si, mi;
	unsigned int r;

	if (!cli_ok)
		note("cli: %s is missing or there is no device; cmamem rows are n/a", g.cli);
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		size_t size = sizes[si];
		char count[32], of[80], idstr[16];
		struct samples sdd = { 0 }, scat = { 0 };
		int fd;

		/* dd and cat: a tmpfs file of the same size, written beforehand
		 * so dd measures copying, not page allocation. */
		fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)size))
			die("%s: %s", file, strerror(errno));
		close(fd);
		snprintf(count, sizeof(count), "count=%zu", size / MiB);
		snprintf(of, sizeof(of), "of=%s", file);
		{
			char *dd_argv[] = { (char *)dd, "if=/dev/zero", of, "bs=1M", count,
					    "conv=notrunc", "status=none", NULL };
			char *cat_argv[] = { (char *)cat, (char *)file, NULL };

			/* fill the file once, then time */
			run_prog(dd_argv, 0);
			for (r = 0; dd && r < g.reps; r++) {
				uint64_t t0 = now_ns();

				if (run_prog(dd_argv, 0) < 0)
					break;
				add(&sdd, now_ns() - t0);
			}
			for (r = 0; cat && r < g.reps; r++) {
				uint64_t t0 = now_ns();

				if (run_prog(cat_argv, 1) != (long long)size)
					break;
				add(&scat, now_ns() - t0);
			}
		}
		unlink(file);
		emit("cli", "dd", "fill", size, 0, U_MBS, (double)size, &sdd);
		emit("cli", "cat", "dump", size, 0, U_MBS, (double)size, &scat);

		for (mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
			struct samples sfill = { 0 }, sdump = { 0 };
			struct cmamem_info info;
			int ret = -ENODEV;

			if (cli_ok)
				ret = cmamem_alloc(g.dev, size, 0,
						   backend_flags[modes[mi]] | CMAMEM_PERSIST,
						   NULL, &info);
			if (!ret) {
				char *fill_argv[] = { (char *)g.cli, "-q", "fill", idstr,
						      "--pattern", "0x5a", NULL };
				char *dump_argv[] = { (char *)g.cli, "-q", "dump", idstr,
						      "--raw", NULL };

				snprintf(idstr, sizeof(idstr), "%u", info.id);
				for (r = 0; r < g.reps; r++) {
					uint64_t t0 = now_ns();

					if (run_prog(fill_argv, 0) < 0)
						break;
					add(&sfill, now_ns() - t0);
				}
				for (r = 0; r < g.reps; r++) {
					uint64_t t0 = now_ns();

					if (run_prog(dump_argv, 1) != (long long)size)
						break;
					add(&sdump, now_ns() - t0);
				}
				if (sfill.n < g.reps || sdump.n < g.reps)
					note("cli: cmamem fill/dump of buffer %u failed", info.id);
				cmamem_free(g.dev, info.id);
			}
			emit("cli", backend_name[modes[mi]], "fill", size, 0, U_MBS,
			     (double)size, &sfill);
			emit("cli", backend_name[modes[mi]], "dump", size, 0, U_MBS,
			     (double)size, &sdump);
		}
	}
	/* What starting a program costs here, for reading the numbers above. */
	{
		const char *tru = find_prog("true");
		char *argv[] = { (char *)tru, NULL };
		struct samples s = { 0 };

		for (r = 0; tru && r < g.reps; r++) {
			uint64_t t0 = now_ns();

			if (run_prog(argv, 0) < 0)
				break;
			add(&s, now_ns() - t0);
		}
		emit("cli", "true", "exec", 0, 0, U_US, 0, &s);
	}
}

/* ---- family "big": one buffer of 90 % of the CMA area ---------------- */

static void family_big(void)
{
	static const enum backend order[] = { B_WC, B_HEAP };
	size_t size = (size_t)(g.cma_bytes / 10 * 9) & ~(MiB - 1);
	size_t bi;
	unsigned int r;

	if (!size) {
		note("big: the CMA area's size is unknown");
		return;
	}
	for (bi = 0; bi < sizeof(order) / sizeof(order[0]); bi++) {
		enum backend b = order[bi];
		struct samples s = { 0 };
		unsigned int fails = 0;
		int last_err = 0;

		for (r = 0; backend_present(b) && r < g.reps; r++) {
			struct bbuf x;
			uint64_t t0 = now_ns();
			int ret = bb_alloc(&x, b, size);
			uint64_t t1 = now_ns();

			if (ret) {
				fails++;
				last_err = ret;
				continue;
			}
			add(&s, t1 - t0);
			bb_free(&x);
		}
		emit("big", backend_name[b], "alloc", size, 90, U_US, 0, &s);
		meta("big", "%s %zu bytes (90%% of %" PRIu64 "): %u of %u succeeded%s%s",
		     backend_name[b], size, g.cma_bytes, s.n, s.n + fails,
		     last_err ? "; last error: " : "", last_err ? strerror(-last_err) : "");
	}
}

/* ---- family "pressure": CMA full of movable pages -------------------- */

static long meminfo_kb(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * How the CMA area gets full of movable pages. The page allocator gives
 * movable allocations MIGRATE_CMA pageblocks only while the CMA area holds
 * more than half of the zone's free memory (or when the movable free lists
 * are empty), so on a mostly free guest an anonymous allocation never lands
 * there. So:
 *  - pipes: their buffers are unmovable pages, which never come from CMA.
 *    Filling pipes takes the memory outside CMA down to a little
 *    (squeeze), and closing pipes gives it back at once (room), which
 *    anonymous pages could not do without touching CMA;
 *  - the hog: anonymous memory touched page by page. With little free
 *    memory left outside CMA, its pages land in CMA, until CmaFree is
 *    small. Hog pages outside CMA (those a CMA allocation migrated out)
 *    are found through /proc/self/pagemap and given back, so the hog's
 *    size stays about the CMA area's.
 * Before each timed allocation the pipes give back the size of the buffer
 * plus a margin, so the migration has somewhere to go and nothing comes
 * near the OOM killer.
 */
struct hog {
	unsigned char *base;
	size_t reserved, filled;
	int pagemap;
	int (*pipes)[2];
	unsigned int npipes, cap;
};

#define HOG_RESERVE	(64UL << 30)
#define HOG_STEP	(1 * MiB)
#define PIPE_BYTES	(1 * MiB)
/* Free memory outside CMA after a squeeze; it includes ZONE_DMA's 16M. */
#define SQUEEZE_KB	(48L * 1024)
/* CmaFree the hog stops at. */
#define CMA_FULL_KB	(12L * 1024)

static long normal_free_kb(void)
{
	return meminfo_kb("MemFree") - meminfo_kb("CmaFree");
}

static int in_cma(uint64_t pfn)
{
	return pfn >= g.cma_base_pfn && pfn < g.cma_base_pfn + g.cma_count;
}

/* One more pipe, full: PIPE_BYTES of unmovable memory. */
static int pipe_add(struct hog *h)
{
	static unsigned char chunk[64 * KiB];
	size_t done = 0;
	int *fd;

	if (h->npipes == h->cap) {
		unsigned int cap = h->cap ? 2 * h->cap : 256;
		int (*p)[2] = realloc(h->pipes, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		h->pipes = p;
		h->cap = cap;
	}
	fd = h->pipes[h->npipes];
	if (pipe2(fd, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	if (fcntl(fd[1], F_SETPIPE_SZ, (int)PIPE_BYTES) < 0) {
		close(fd[0]);
		close(fd[1]);
		return -errno;
	}
	h->npipes++;
	memset(chunk, 0xa5, sizeof(chunk));
	while (done < PIPE_BYTES) {
		ssize_t n = write(fd[1], chunk, sizeof(chunk));

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return 0;
}

/* Close pipes worth @bytes: that memory is free at once. */
static void pipes_drop(struct hog *h, size_t bytes)
{
	size_t done;

	for (done = 0; done < bytes && h->npipes; done += PIPE_BYTES) {
		h->npipes--;
		close(h->pipes[h->npipes][0]);
		close(h->pipes[h->npipes][1]);
	}
}

/* Fill pipes until the free memory outside CMA is at most SQUEEZE_KB. */
static void squeeze(struct hog *h)
{
	long kb;

	while ((kb = normal_free_kb()) > SQUEEZE_KB) {
		/* big steps while far away: /proc/meminfo is not free */
		long steps = (kb - SQUEEZE_KB) / 1024 / 2 + 1, i;

		for (i = 0; i < steps; i++)
			if (pipe_add(h))
				return;
	}
}

/* Touch hog pages until CmaFree is at most CMA_FULL_KB, or @limit bytes. */
static void hog_fill(struct hog *h, size_t limit)
{
	size_t start = h->filled;

	while (h->filled + HOG_STEP <= h->reserved && h->filled - start < limit) {
		if (meminfo_kb("CmaFree") <= CMA_FULL_KB)
			break;
		/* Once CMA is nearly full the hog takes from both sides; keep
		 * some memory outside CMA free. */
		if (normal_free_kb() < SQUEEZE_KB * 3 / 4) {
			if (!h->npipes)
				break;
			pipes_drop(h, 8 * MiB);
		}
		touch_pages(h->base + h->filled, HOG_STEP);
		h->filled += HOG_STEP;
	}
}

/*
 * Free a run of hog pages. The guest kernel (tinyconfig) has no madvise(),
 * so map fresh anonymous memory over the run: the old pages go, and the new
 * mapping merges back into its neighbours, so the VMA count stays small.
 */
static void hog_drop(unsigned char *p, size_t len)
{
	if (mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		die("hog: mmap over %p: %s", (void *)p, strerror(errno));
}

/* Give back every hog page that is not in CMA. Returns the bytes. */
static size_t hog_trim(struct hog *h)
{
	static uint64_t pm[512];
	size_t pos = 0, released = 0;

	while (pos < h->filled) {
		size_t batch = sizeof(pm) / sizeof(pm[0]), i, run = 0;
		off_t off = (off_t)((uintptr_t)(h->base + pos) / PG * sizeof(uint64_t));

		if (batch > (h->filled - pos) / PG)
			batch = (h->filled - pos) / PG;
		if (pread(h->pagemap, pm, batch * sizeof(uint64_t), off) !=
		    (ssize_t)(batch * sizeof(uint64_t)))
			die("pagemap: %s", strerror(errno));
		for (i = 0; i <= batch; i++) {
			if (i < batch && (pm[i] >> 63) && !in_cma(pm[i] & ((1ULL << 55) - 1))) {
				run++;
				continue;
			}
			if (run) {
				hog_drop(h->base + pos + (i - run) * PG, run * PG);
				released += run * PG;
				run = 0;
			}
		}
		pos += batch * PG;
	}
	return released;
}

/* Time alloc, and alloc + mmap + first touch, of one buffer. */
static int timed_amt(enum backend b, size_t size, struct samples *sa, struct samples *st)
{
	struct bbuf x;
	uint64_t a, c;
	int ret;

	a = now_ns();
	ret = bb_alloc(&x, b, size);
	c = now_ns();
	if (ret)
		return ret;
	ret = bb_map(&x);
	if (!ret) {
		touch_pages(x.map, size);
		add(sa, c - a);
		add(st, now_ns() - a);
		bb_unmap(&x);
	}
	bb_free(&x);
	return ret;
}

static void family_pressure(void)
{
	static const enum backend order[] = { B_WC, B_POOL, B_HEAP };
	static const size_t sizes[] = { 16 * MiB, 64 * MiB };
	struct samples s[2][3][2];	/* [size][backend][alloc, amt] */
	long migrated[2][3] = { { 0 } }, cmafree[2][3] = { { 0 } };
	struct hog h = { 0 };
	size_t si, bi;
	unsigned int r, c;
	uint64_t t0 = now_ns();
	int fails = 0;

	if (!g.cma_count) {
		note("pressure: no CMA range in debugfs; skipped");
		return;
	}
	memset(s, 0, sizeof(s));
	/* The idle numbers first, in this same moment of the boot. */
	for (si = 0; si < 2; si++)
		for (r = 0; r < g.reps; r++)
			for (bi = 0; bi < 3; bi++)
				if (backend_present(order[bi]))
					timed_amt(order[bi], sizes[si], &s[si][bi][0], &s[si][bi][1]);
	for (si = 0; si < 2; si++)
		for (bi = 0; bi < 3; bi++) {
			emit("pressure", backend_name[order[bi]], "alloc-idle", sizes[si], 0,
			     U_US, 0, &s[si][bi][0]);
			emit("pressure", backend_name[order[bi]], "alloc_mmap_touch-idle",
			     sizes[si], 0, U_US, 0, &s[si][bi][1]);
		}
	memset(s, 0, sizeof(s));

	h.pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (h.pagemap < 0)
		die("/proc/self/pagemap: %s", strerror(errno));
	h.reserved = HOG_RESERVE;
	h.base = mmap(NULL, h.reserved, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h.base == MAP_FAILED)
		die("hog: %s", strerror(errno));

	note("pressure: filling (MemFree %ld kB, CmaFree %ld kB)",
	     meminfo_kb("MemFree"), meminfo_kb("CmaFree"));
	squeeze(&h);
	hog_fill(&h, SIZE_MAX);
	hog_trim(&h);
	note("pressure: pipes %u MiB, hog %zu MiB touched; MemFree %ld kB, CmaFree %ld kB",
	     h.npipes, h.filled / MiB, meminfo_kb("MemFree"), meminfo_kb("CmaFree"));

	for (si = 0; si < 2; si++) {
		size_t size = sizes[si];

		for (r = 0; r < g.reps; r++) {
			for (bi = 0; bi < 3; bi++) {
				size_t trimmed;
				int ret;

				if (!backend_present(order[bi]) || fails > 8)
					continue;
				/* CMA full again, then room outside it to migrate to. */
				hog_trim(&h);
				squeeze(&h);
				hog_fill(&h, 4 * size);
				pipes_drop(&h, size + 32 * MiB);
				cmafree[si][bi] += meminfo_kb("CmaFree");
				trimmed = hog_trim(&h);
				if (g.verbose)
					note("pressure: %s %zu MiB rep %u: pipes %u MiB, hog %zu MiB, "
					     "normal free %ld kB, CmaFree %ld kB, trimmed %zu kB",
					     backend_name[order[bi]], size / MiB, r, h.npipes,
					     h.filled / MiB, normal_free_kb(), meminfo_kb("CmaFree"),
					     trimmed / KiB);
				ret = timed_amt(order[bi], size, &s[si][bi][0], &s[si][bi][1]);
				/* Hog pages now outside CMA: what the allocation migrated. */
				migrated[si][bi] += (long)(hog_trim(&h) / PG);
				if (ret) {
					note("pressure: %s %zu MiB: %s", backend_name[order[bi]],
					     size / MiB, strerror(-ret));
					fails++;
				}
			}
		}
	}
	for (si = 0; si < 2; si++)
		for (bi = 0; bi < 3; bi++) {
			for (c = 0; c < 2; c++)
				emit("pressure", backend_name[order[bi]],
				     c ? "alloc_mmap_touch-pressure" : "alloc-pressure",
				     sizes[si], 1, U_US, 0, &s[si][bi][c]);
			if (backend_present(order[bi]))
				meta("pressure", "%s %zu MiB: mean CmaFree %ld kB before, "
				     "%ld hog pages migrated out of CMA per allocation",
				     backend_name[order[bi]], sizes[si] / MiB,
				     cmafree[si][bi] / g.reps, migrated[si][bi] / g.reps);
		}
	munmap(h.base, h.reserved);
	close(h.pagemap);
	pipes_drop(&h, SIZE_MAX);
	free(h.pipes);
	note("pressure: %.1f s", (double)(now_ns() - t0) / 1e9);
}

/* ---- set-up ----------------------------------------------------------- */

/*
 * The CMA heap is named after the CMA area ("reserved" for the default
 * area). Take the heap whose name is a CMA area in debugfs; failing that,
 * any heap but "system" and cma_mem's own (its heap_name= parameter).
 */
static void find_heap(void)
{
	DIR *d = opendir("/dev/dma_heap");
	struct dirent *e;
	char path[128], fallback[64] = "", ours[128] = "";

	if (read_line("/sys/module/cma_mem/parameters/heap_name", ours,
		      sizeof(ours)))
		ours[0] = '\0';
	if (ours[0] && strlen(ours) < sizeof(g.node_name)) {
		snprintf(g.node_name, sizeof(g.node_name), "%s", ours);
		snprintf(path, sizeof(path), "/dev/dma_heap/%s", ours);
		g.node_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (g.node_fd < 0)
			note("%s: %s: node rows are n/a", path, strerror(errno));
	}

	if (!d) {
		note("no /dev/dma_heap: heap rows are n/a");
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "system") ||
		    !strcmp(e->d_name, ours) ||
		    strlen(e->d_name) >= sizeof(fallback))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s", e->d_name);
		if (!stat(path, &st)) {
			snprintf(g.heap_name, sizeof(g.heap_name), "%s", e->d_name);
			break;
		}
		if (!fallback[0])
			snprintf(fallback, sizeof(fallback), "%s", e->d_name);
	}
	closedir(d);
	if (!g.heap_name[0])
		snprintf(g.heap_name, sizeof(g.heap_name), "%s", fallback);
	if (!g.heap_name[0]) {
		note("no CMA heap in /dev/dma_heap: heap rows are n/a");
		return;
	}
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", g.heap_name);
	g.heap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (g.heap_fd < 0)
		note("%s: %s: heap rows are n/a", path, strerror(errno));

	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/base_pfn", g.heap_name);
	g.cma_base_pfn = read_u64(path);
	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/count", g.heap_name);
	g.cma_count = read_u64(path);
}

static void probe_cmamem(void)
{
	struct cmamem_info info;
	int ret, fd;

	ret = cmamem_open(NULL, &g.dev);
	if (ret) {
		note("/dev/cma_mem: %s: cmamem rows are n/a", strerror(-ret));
		g.dev = NULL;
		return;
	}
	ret = cmamem_alloc(g.dev, MiB, 0, backend_flags[B_POOL], NULL, &info);
	if (!ret) {
		g.have_pool = 1;
		cmamem_free(g.dev, info.id);
	}
	meta("pool", "%s", g.have_pool ? "yes" : "n/a (FROM_POOL allocation failed)");
	ret = cmamem_alloc(g.dev, MiB, 0, backend_flags[B_WC], NULL, &info);
	if (ret)
		die("a 1 MiB cmamem buffer failed: %s", strerror(-ret));
	ret = cmamem_export(g.dev, info.id, O_RDWR | O_CLOEXEC, &fd);
	if (!ret) {
		g.have_export = 1;
		close(fd);
	}
	meta("export", "%s", g.have_export ? "yes" : "n/a (CMA_MEM_IOC_EXPORT failed)");
	cmamem_free(g.dev, info.id);
}

/*
 * The module's own counters and alloc latency histogram, for the record
 * (debugfs cma_mem/stats, when the module has it).
 */
static void dump_kstats(void)
{
	FILE *f = fopen("/sys/kernel/debug/cma_mem/stats", "r");
	char line[128];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		meta("kstats", "%s", line);
	}
	fclose(f);
}

static void usage(void)
{
	fprintf(stderr, "usage: cmabench [-r REPS] [-F life,node,live,tput,cli,big,pressure] "
		"[-c CMAMEM_CLI] [-s SIZE] [-p] [-q] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *families = "life,node,live,tput,cli,big,pressure";
	char clock[64];
	struct utsname u;
	struct rlimit rl = { 65536, 65536 };
	char *end;
	uint64_t t0;
	int c;

	while ((c = getopt(argc, argv, "r:F:c:s:pqvh")) != -1) {
		switch (c) {
		case 'r':
			g.reps = (unsigned int)strtoul(optarg, NULL, 10);
			if (g.reps < MIN_REPS || g.reps > MAX_REPS)
				die("-r: between %d and %d", MIN_REPS, MAX_REPS);
			break;
		case 'F': families = optarg; break;
		case 'c': g.cli = optarg; break;
		case 'p': g.prefix = 1; break;
		case 'q': g.quick = 1; break;
		case 'v': g.verbose = 1; break;
		case 's':
			g.only_size = (size_t)strtoul(optarg, &end, 0);
			if (*end == 'K')
				g.only_size *= KiB;
			else if (*end == 'M')
				g.only_size *= MiB;
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	if (read_line(CLOCKSOURCE, clock, sizeof(clock)))
		die("%s: %s", CLOCKSOURCE, strerror(errno));
	if (strcmp(clock, "tsc"))
		die("the clocksource is '%s', not tsc: timings would be in jiffies. "
		    "Boot with tsc=reliable tsc_early_khz=<host kHz> (tests/vm/run does).", clock);

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* 10,000 live heap buffers are 10,000 file descriptors. */
	if (setrlimit(RLIMIT_NOFILE, &rl))
		note("RLIMIT_NOFILE: %s; the 10,000-buffer heap case may fail", strerror(errno));

	uname(&u);
	find_heap();
	probe_cmamem();
	g.cma_bytes = g.cma_count * PG;
	if (!g.cma_bytes)
		g.cma_bytes = (uint64_t)meminfo_kb("CmaTotal") * KiB;
	meta("kernel", "%s %s", u.release, u.version);
	meta("clocksource", "%s", clock);
	meta("heap", "%s", g.heap_name[0] ? g.heap_name : "n/a");
	meta("node", "%s", g.node_fd >= 0 ? g.node_name : "n/a");
	meta("cma_bytes", "%" PRIu64, g.cma_bytes);
	meta("cma_base_pfn", "%" PRIu64, g.cma_base_pfn);
	meta("mem_total_kb", "%ld", meminfo_kb("MemTotal"));
	meta("cpus", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	meta("reps", "%u", g.reps);
	meta("quick", "%d", g.quick);
	if (!g.dev && g.heap_fd < 0)
		die("neither /dev/cma_mem nor a CMA heap: nothing to measure");

	g.src_size = 128 * MiB;
	g.src = mmap(NULL, g.src_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g.src == MAP_FAILED)
		die("memcpy source: %s", strerror(errno));
	memset(g.src, 0x5a, g.src_size);

	emit_header();
	t0 = now_ns();
#define WANT(f) (strstr(families, f) != NULL)
	if (WANT("life"))
		family_life();
	if (WANT("node"))
		family_node();
	munmap(g.src, g.src_size);
	if (WANT("big"))
		family_big();
	if (WANT("live"))
		family_live();
	if (WANT("tput"))
		family_tput();
	if (WANT("cli"))
		family_cli();
	if (WANT("pressure"))
		family_pressure();
	meta("elapsed_s", "%.1f", (double)(now_ns() - t0) / 1e9);
	dump_kstats();
	cmamem_close(g.dev);
	if (g.heap_fd >= 0)
		close(g.heap_fd);
	if (g.node_fd >= 0)
		close(g.node_fd);
	return 0;
}
