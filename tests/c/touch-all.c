// SPDX-License-Identifier: GPL-2.0
/*
 * touch-all: allocate buffers, map them and touch every page.
 *
 *   touch-all [--cache MODE[,MODE...]] [--persist] [--dirty] [--region NAME] SIZE...
 *
 * For each cache MODE (wc, uncached, cached; default wc) and each SIZE
 * (bytes, or with a K, M or G suffix), one after the other: ALLOC it, check what ALLOC and INFO report (page-aligned
 * size, mmap offset, cache mode, handles, mappings), map it whole, check
 * that every byte is zero, write a pattern over every word of every page,
 * read it all back, then unmap, FREE it and check it is gone. CACHED
 * buffers get CMA_MEM_IOC_SYNC around the CPU access, as the ABI asks.
 *
 * --dirty proves the zeroing: before each buffer, allocate the same size,
 * fill it with 0xa5, note its DMA address and free it; the buffer that
 * follows must read all zeros, and the line says "reused" when it got the
 * same DMA address (the dirty memory itself), else "moved". Needs
 * CAP_SYS_RAWIO to see DMA addresses.
 *
 * --region NAME allocates in that region (cma_mem(4), REGIONS) instead of
 * the default one, and checks INFO reports it.
 *
 * Prints one line per buffer; see helper.h for the exit status.
 */
#include <time.h>

#include "helper.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *const modes[] = { "wc", "uncached", "cached" };

/* --region's id, CMA_MEM_REGION_DEFAULT without it. */
static uint32_t region;

/* Leave @size bytes of 0xa5 behind, freed; return their DMA address. */
static uint64_t dirty(uint64_t size, uint32_t mode)
{
	struct cma_mem_alloc a;
	void *p;
	int fd = t_open();

	REQUIRE_OK(t_alloc_in(fd, region, size, mode, NULL, &a));
	MAP(fd, a.size, a.mmap_offset, &p);
	memset(p, 0xa5, a.size);
	if (mode == CMA_MEM_CACHE_CACHED)
		REQUIRE_OK(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_DEVICE, 0, 0));
	munmap(p, a.size);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
	return a.dma_addr;
}

static void touch_one(uint64_t size, uint32_t mode, bool persist, bool dirty_first)
{
	uint64_t want = (size + t_pg - 1) & ~(uint64_t)(t_pg - 1);
	uint32_t flags = mode | (persist ? CMA_MEM_PERSIST : 0);
	bool cached = mode == CMA_MEM_CACHE_CACHED;
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	double t0, ms_alloc, ms_touch;
	uint64_t seed = size * 3 + mode;
	uint64_t dirty_dma = dirty_first ? dirty(size, mode) : 0;
	int fails = t_failures;
	long bad;
	void *p;
	int fd;

	fd = t_open();
	t0 = now_ms();
	REQUIRE_OK(t_alloc_in(fd, region, size, flags, NULL, &a));
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
	EXPECT_EQ(info.region, region);

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
	printf("%llu %s%s: %s%s (alloc %.1f ms, zero+write+verify %.1f ms)\n",
	       (unsigned long long)size, modes[mode], persist ? " persist" : "",
	       t_failures == fails ? "ok" : "FAILED",
	       !dirty_first ? "" : dirty_dma == a.dma_addr ? ", reused" : ", moved",
	       ms_alloc, ms_touch);
}

/* Parse "wc,cached" into a bit per mode. */
static unsigned int parse_modes(char *list)
{
	unsigned int set = 0, m;
	char *save = NULL, *w;

	for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (m = 0; m < 3; m++)
			if (!strcmp(w, modes[m]))
				break;
		if (m == 3) {
			fprintf(stderr, "touch-all: bad cache mode '%s'\n", w);
			exit(2);
		}
		set |= 1U << m;
	}
	return set;
}

int main(int argc, char **argv)
{
	unsigned int set = 1U << CMA_MEM_CACHE_WC;
	bool persist = false, dirty_first = false;
	uint32_t mode;
	int i = 1, j;

	t_prog = "touch-all";
	t_sub = "";
	t_pg = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--persist"))
			persist = true;
		else if (!strcmp(argv[i], "--dirty"))
			dirty_first = true;
		else if (!strcmp(argv[i], "--cache") && i + 1 < argc)
			set = parse_modes(argv[++i]);
		else if (!strcmp(argv[i], "--region") && i + 1 < argc)
			region = (uint32_t)t_region_u64(argv[++i], "id");
		else
			break;
	}
	if (i == argc || !set) {
		fprintf(stderr, "usage: touch-all [--cache MODE[,MODE...]] [--persist] [--dirty] [--region NAME] SIZE...\n");
		return 2;
	}
	for (mode = 0; mode < 3; mode++)
		for (j = i; j < argc && (set & (1U << mode)); j++)
			touch_one(t_parse_size(argv[j]), mode, persist, dirty_first);
	return t_failures ? 1 : 0;
}
