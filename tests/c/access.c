// SPDX-License-Identifier: GPL-2.0
/*
 * access: the CPU accesses programs make on a mapping, which must work in
 * every cache mode. On arm64 an UNCACHED mapping that is Device
 * memory faults on unaligned accesses and on DC ZVA, which glibc's memset
 * of zero uses; Normal non-cacheable memory takes them all.
 *
 *   access mapping MODE SOURCE
 *
 * MODE is wc, uncached or cached; SOURCE pool or cma. ALLOC 1M from SOURCE,
 * map it whole, then: memset(0xff) and memset(0) of the whole mapping, and
 * check it is zero; 8-byte stores and loads at each of the offsets 1 to 7
 * of a word; memcpy() into the mapping at an odd offset and an odd length,
 * and back out of it, compared with the source. CACHED buffers get
 * CMA_MEM_IOC_SYNC around the CPU access, as the ABI asks.
 */
#include "helper.h"

#define ACCESS_SIZE	(1U << 20)
#define ACCESS_COPY	(65536 + 13)
#define ACCESS_OFF	(4096 + 3)

/* An 8-byte value at any address: the compiler emits one unaligned access. */
struct __attribute__((packed)) unaligned_u64 {
	uint64_t v;
};

static void sub_mapping(int argc, char **argv)
{
	uint32_t flags = t_parse_cache(argv[0]) | CMA_MEM_FROM_CMA;
	struct cma_mem_alloc a;
	unsigned char *p, *src, *back;
	int fd = t_open();
	long bad;
	size_t i;

	(void)argc;
	if (!strcmp(argv[1], "pool"))
		flags ^= CMA_MEM_FROM_CMA | CMA_MEM_FROM_POOL;
	else if (strcmp(argv[1], "cma"))
		DIE("bad source '%s'", argv[1]);

	ALLOC(fd, ACCESS_SIZE, flags, NULL, &a);
	MAP(fd, ACCESS_SIZE, a.mmap_offset, &p);
	if (flags & CMA_MEM_CACHE_CACHED)
		REQUIRE_OK(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_CPU, 0, 0));

	memset(p, 0xff, ACCESS_SIZE);
	memset(p, 0, ACCESS_SIZE);
	bad = t_check_zero(p, ACCESS_SIZE);
	EXPECT_TRUE(bad < 0, "memset(0) of the whole mapping: non-zero at %ld",
		    bad);

	for (i = 1; i < 8; i++) {
		struct unaligned_u64 *u = (void *)(p + 8 * i + i);
		uint64_t want = 0x0102030405060708ULL * i;

		u->v = want;
		EXPECT_EQ(u->v, want);
	}

	src = malloc(ACCESS_COPY);
	back = malloc(ACCESS_COPY);
	if (!src || !back)
		DIE("malloc: out of memory");
	for (i = 0; i < ACCESS_COPY; i++)
		src[i] = (unsigned char)(i * 7 + 1);
	memcpy(p + ACCESS_OFF, src, ACCESS_COPY);
	memcpy(back + 1, p + ACCESS_OFF + 1, ACCESS_COPY - 1);
	EXPECT_TRUE(!memcmp(back + 1, src + 1, ACCESS_COPY - 1),
		    "memcpy out of the mapping at an odd offset differs");
	free(src);
	free(back);

	munmap(p, ACCESS_SIZE);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
	printf("mapping %s %s: ok\n", argv[0], argv[1]);
}

static const struct t_subtest tests[] = {
	{ "mapping", sub_mapping, 2, "wc|uncached|cached pool|cma" },
};

int main(int argc, char **argv)
{
	return t_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
