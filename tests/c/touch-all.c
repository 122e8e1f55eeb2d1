// SPDX-License-Identifier: GPL-2.0
/*
 * touch-all: allocate buffers, map them and touch every page.
 *
 *   touch-all [--cache wc|uncached|cached] [--persist] SIZE...
 *
 * For each SIZE (bytes, or with a K, M or G suffix), one after the other:
 * ALLOC it in the cache mode, check what ALLOC and INFO report (page-aligned
 * size, mmap offset, cache mode, handles, mappings), map it whole, check
 * that every byte is zero, write a pattern over every word of every page,
 * read it all back, then unmap, FREE it and check it is gone. CACHED
 * buffers get CMA_MEM_IOC_SYNC around the CPU access, as the ABI asks.
 * Prints one line per size; see helper.h for the exit status.
 */
#include <time.h>

#include "helper.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	}
	if (*end || !v) {
		fprintf(stderr, "touch-all: bad size '%s'\n", s);
		exit(2);
	}
	return v;
}

static const char *const modes[] = { "wc", "uncached", "cached" };

static void touch_one(uint64_t size, uint32_t mode, bool persist)
{
	uint64_t want = (size + t_pg - 1) & ~(uint64_t)(t_pg - 1);
	uint32_t flags = mode | (persist ? CMA_MEM_PERSIST : 0);
	bool cached = mode == CMA_MEM_CACHE_CACHED;
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	double t0, ms_alloc, ms_touch;
	uint64_t seed = size * 3 + mode;
	int fails = t_failures;
	long bad;
	void *p;
	int fd;

	fd = t_open();
	t0 = now_ms();
	ALLOC(fd, size, flags, NULL, &a);
	ms_alloc = now_ms() - t0;
	EXPECT_EQ(a.size, want);
	EXPECT_TRUE(a.id != 0, "ALLOC returned id 0");
	EXPECT_TRUE(a.mmap_offset && !(a.mmap_offset % t_pg),
		    "mmap_offset %#llx is 0 or not page-aligned",
		    (unsigned long long)a.mmap_offset);
	if (geteuid() == 0)
		EXPECT_TRUE(a.dma_addr != 0, "root (CAP_SYS_RAWIO) got no DMA address");

	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.flags & (CMA_MEM_CACHE_MASK | CMA_MEM_PERSIST), flags);
	EXPECT_EQ(info.size, want);
	EXPECT_EQ(info.mmap_offset, a.mmap_offset);
	EXPECT_EQ(info.handles, 1);
	EXPECT_EQ(info.mappings, 0);
	EXPECT_EQ(info.uid, geteuid());

	MAP(fd, want, a.mmap_offset, &p);
	EXPECT_EQ(t_mappings(fd, a.id), 1);

	t0 = now_ms();
	if (cached)
		REQUIRE_OK(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_CPU, 0, 0));
	bad = t_check_zero(p, want);
	if (bad >= 0)
		FAIL("%s buffer of %llu bytes: byte %ld is not zero after ALLOC",
		     modes[mode], (unsigned long long)want, bad);
	t_pattern(p, want, seed);
	if (cached) {
		REQUIRE_OK(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_DEVICE, 0, 0));
		REQUIRE_OK(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_CPU, 0, 0));
	}
	bad = t_check_pattern(p, want, seed);
	if (bad >= 0)
		FAIL("%s buffer of %llu bytes: word at byte %ld reads back wrong",
		     modes[mode], (unsigned long long)want, bad);
	ms_touch = now_ms() - t0;

	REQUIRE_OK(munmap(p, want) ? -errno : 0);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	EXPECT_ERR(t_info(fd, a.id, &info), -ENOENT);
	close(fd);
	printf("%llu %s%s: %s (alloc %.1f ms, zero+write+verify %.1f ms)\n",
	       (unsigned long long)size, modes[mode], persist ? " persist" : "",
	       t_failures == fails ? "ok" : "FAILED", ms_alloc, ms_touch);
}

int main(int argc, char **argv)
{
	uint32_t mode = CMA_MEM_CACHE_WC;
	bool persist = false;
	int i = 1;

	t_prog = "touch-all";
	t_sub = "";
	t_pg = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--persist")) {
			persist = true;
		} else if (!strcmp(argv[i], "--cache") && i + 1 < argc) {
			i++;
			for (mode = 0; mode < 3; mode++)
				if (!strcmp(argv[i], modes[mode]))
					break;
			if (mode == 3) {
				fprintf(stderr, "touch-all: bad cache mode '%s'\n", argv[i]);
				return 2;
			}
		} else {
			break;
		}
	}
	if (i == argc) {
		fprintf(stderr, "usage: touch-all [--cache wc|uncached|cached] [--persist] SIZE...\n");
		return 2;
	}
	for (; i < argc; i++)
		touch_one(parse_size(argv[i]), mode, persist);
	return t_failures ? 1 : 0;
}
