// SPDX-License-Identifier: GPL-2.0
/*
 * abi-lifetimes: what ALLOC makes of a request, and lifetimes that
 * ioctl-abi and map-lifecycle do not cover, raw, one named subtest each:
 *
 *   abi-lifetimes SUBTEST [ARGS] | all | --list
 *
 * Run as root by tests/bats/abi.bats. Every subtest but leave-persistent
 * frees what it allocates; leave-persistent leaves its buffers for the
 * suite's rmmod to free. See helper.h for the exit status.
 */
#include "helper.h"

/* Sizes that are not a multiple of the page size: rounded up, in each mode. */
static void sub_alloc_rounding(int argc, char **argv)
{
	const uint64_t sizes[] = { 1, t_pg - 1, t_pg + 1, 65537 };
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	uint32_t mode;
	size_t i;
	int fd = t_open();

	(void)argc, (void)argv;
	for (mode = 0; mode < 3; mode++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint64_t want = (sizes[i] + t_pg - 1) / t_pg * t_pg;

			ALLOC(fd, sizes[i], mode, NULL, &a);
			EXPECT_EQ(a.size, want);
			REQUIRE_OK(t_info(fd, a.id, &info));
			EXPECT_EQ(info.size, want);
			REQUIRE_OK(t_free(fd, a.id));
		}
	}
	/* An alignment larger than the size: the buffer is the alignment's size. */
	memset(&a, 0, sizeof(a));
	a.size = t_pg;
	a.align = 1 << 20;
	REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_ALLOC, &a));
	EXPECT_EQ(a.size, 1 << 20);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.size, 1 << 20);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/*
 * The source: INFO reports FROM_CMA whether it was asked for or not;
 * FROM_POOL alone is ENOMEM while there is no pool, and makes nothing.
 */
static void sub_alloc_source(int argc, char **argv)
{
	static const uint32_t asked[] = { 0, CMA_MEM_FROM_CMA };
	int count0 = t_debugfs_count();
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	size_t i;
	int fd = t_open();

	(void)argc, (void)argv;
	for (i = 0; i < 2; i++) {
		ALLOC(fd, 2 * t_pg, asked[i] | CMA_MEM_CACHE_CACHED, NULL, &a);
		REQUIRE_OK(t_info(fd, a.id, &info));
		EXPECT_EQ(info.flags & (CMA_MEM_FROM_CMA | CMA_MEM_FROM_POOL),
			  CMA_MEM_FROM_CMA);
		EXPECT_EQ(info.flags & CMA_MEM_CACHE_MASK, CMA_MEM_CACHE_CACHED);
		REQUIRE_OK(t_free(fd, a.id));
	}
	EXPECT_ERR(t_alloc(fd, t_pg, CMA_MEM_FROM_POOL, "no-pool", &a), -ENOMEM);
	EXPECT_EQ(t_debugfs_count(), count0);
	/* Its name was never taken. */
	ALLOC(fd, t_pg, 0, "no-pool", &a);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/*
 * A space is not a name byte: ALLOC refuses it, and ATTACH by a name that
 * could never exist is EINVAL, not ENOENT.
 */
static void sub_name_space(int argc, char **argv)
{
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	int fd = t_open();

	(void)argc, (void)argv;
	EXPECT_ERR(t_alloc(fd, t_pg, 0, "has space", &a), -EINVAL);
	EXPECT_ERR(t_alloc(fd, t_pg, 0, " ", &a), -EINVAL);
	EXPECT_ERR(t_attach(fd, 0, "bad name", &info), -EINVAL);
	EXPECT_ERR(t_attach(fd, 0, "a/b", &info), -EINVAL);
	close(fd);
}

/*
 * A mapping inherited by a forked child keeps a buffer alive after the
 * parent unmapped and freed it: the child still reads the data, and the
 * memory goes when the child exits.
 */
static void sub_fork_outlives_free(int argc, char **argv)
{
	size_t len = 2 * t_pg;
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	int go[2];
	uint8_t *p;
	pid_t pid;
	int fd = t_open();

	(void)argc, (void)argv;
	ALLOC(fd, len, 0, NULL, &a);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 0xf0);
	if (pipe(go))
		DIE("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		t_recv(go[0]);
		_exit(t_check_pattern(p, len, 0xf0) < 0 ? 0 : 1);
	}
	if (munmap(p, len))
		DIE("munmap: %s", strerror(errno));
	REQUIRE_OK(t_free(fd, a.id));
	EXPECT_ERR(t_info(fd, a.id, &info), -ENOENT);
	EXPECT_STATE(a.id, "freed-mapped");
	t_send(go[1], 'g');
	t_reap(pid, "the child reading the freed buffer");
	EXPECT_STATE(a.id, "");
	close(go[0]);
	close(go[1]);
	close(fd);
}

/*
 * FREE by one of two holders: the other keeps the buffer, which is no
 * longer persistent; the first holds nothing now (EBUSY); the last close
 * frees it.
 */
static void sub_free_one_holder(int argc, char **argv)
{
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	int fa = t_open(), fb = t_open();

	(void)argc, (void)argv;
	ALLOC(fa, 2 * t_pg, CMA_MEM_PERSIST, "two-holders", &a);
	REQUIRE_OK(t_attach(fb, a.id, NULL, &info));
	EXPECT_EQ(info.handles, 2);
	REQUIRE_OK(t_free(fa, a.id));
	REQUIRE_OK(t_info(fb, a.id, &info));
	EXPECT_EQ(info.handles, 1);
	EXPECT_EQ(info.flags & CMA_MEM_PERSIST, 0);
	EXPECT_ERR(t_attach(fa, 0, "two-holders", &info), -EINVAL);
	EXPECT_ERR(t_free(fa, a.id), -EBUSY);
	EXPECT_STATE(a.id, "live");
	close(fb);
	EXPECT_STATE(a.id, "");
	EXPECT_ERR(t_info(fa, a.id, &info), -ENOENT);
	close(fa);
}

/*
 * LIST answers at most 1024 ids a call, whatever the capacity: N buffers
 * take several calls, and come back complete and in id order.
 */
static void sub_list_max(int argc, char **argv)
{
	long n = strtol(argv[0], NULL, 10), i, got = 0, found = 0;
	uint32_t *ids, *listed, prev = 0;
	struct cma_mem_list l;
	struct cma_mem_alloc a;
	int calls = 0;
	int fd;

	(void)argc;
	if (n <= 1024)
		DIE("list-max needs more than 1024 buffers, not %s", argv[0]);
	ids = calloc(n, sizeof(*ids));
	/* Room for buffers of other processes of this uid too. */
	listed = calloc(2 * n, sizeof(*listed));
	if (!ids || !listed)
		DIE("out of memory");
	fd = t_open();
	for (i = 0; i < n; i++) {
		ALLOC(fd, t_pg, 0, NULL, &a);
		ids[i] = a.id;
	}
	memset(&l, 0, sizeof(l));
	do {
		l.ids = (uintptr_t)(listed + got);
		l.capacity = 2 * n - got;
		REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_LIST, &l));
		calls++;
		if (l.count > 1024)
			FAIL("LIST answered %u ids in one call, more than 1024", l.count);
		if (l.next && l.count != 1024)
			FAIL("LIST answered %u ids with room for %u and more to come",
			     l.count, l.capacity);
		got += l.count;
		l.start = l.next;
	} while (l.next && got < 2 * n);
	EXPECT_TRUE(calls >= (n + 1023) / 1024, "%ld buffers listed in %d call(s)", n, calls);
	for (i = 0; i < got; i++) {
		if (listed[i] <= prev)
			FAIL("LIST: id %u after %u, not increasing", listed[i], prev);
		prev = listed[i];
		if (found < n && listed[i] == ids[found])
			found++;
	}
	EXPECT_EQ(found, n);
	for (i = 0; i < n; i++)
		REQUIRE_OK(t_free(fd, ids[i]));
	close(fd);
	free(ids);
	free(listed);
}

/*
 * UNCACHED and CACHED buffers come out of CMA and go back to it (WC:
 * lifetimes.bats). 32M is far above CmaFree's noise.
 */
static void sub_cma_each_mode(int argc, char **argv)
{
	static const uint32_t modes[] = { CMA_MEM_CACHE_UNCACHED, CMA_MEM_CACHE_CACHED };
	const long kb = 32 << 10, slack_kb = 4 << 10;
	struct cma_mem_alloc a;
	size_t m;
	int fd = t_open();

	(void)argc, (void)argv;
	for (m = 0; m < 2; m++) {
		long before = t_cma_free_settled_kb(), during, after;

		ALLOC(fd, (uint64_t)kb << 10, modes[m], NULL, &a);
		during = t_cma_free_kb();
		EXPECT_TRUE(before - during >= kb - slack_kb,
			    "mode %u: CmaFree fell by %ld kB for a %ld kB buffer",
			    modes[m], before - during, kb);
		REQUIRE_OK(t_free(fd, a.id));
		after = t_cma_free_settled_kb();
		EXPECT_TRUE(after - during >= kb - slack_kb,
			    "mode %u: CmaFree rose by %ld kB at FREE of a %ld kB buffer",
			    modes[m], after - during, kb);
	}
	close(fd);
}

/*
 * With CMA taken, a larger buffer is ENOMEM (the DMA layer's buddy
 * fallback cannot be mapped), while a single page, which never came from
 * CMA, still works.
 */
static void sub_cma_exhausted(int argc, char **argv)
{
	long total_kb = t_meminfo_kb("CmaTotal"), held_kb = 0;
	uint32_t ids[4096];
	size_t n = 0;
	uint64_t size;
	struct cma_mem_alloc a;
	uint8_t *p;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	if (total_kb <= 0)
		DIE("no CMA area (CmaTotal %ld kB)", total_kb);
	/*
	 * Take CMA in halving pieces, down to 64K. A piece that would take
	 * more than CmaTotal in all is not tried: past that, a success would
	 * be memory from elsewhere, and the 64K ALLOC below tells.
	 */
	for (size = 64 << 20; size >= 64 << 10; size /= 2) {
		while (n < sizeof(ids) / sizeof(ids[0]) &&
		       held_kb + (long)(size >> 10) <= total_kb) {
			int ret = t_alloc(fd, size, 0, NULL, &a);

			if (ret) {
				if (ret != -ENOMEM)
					FAIL("taking CMA in %llu-byte pieces: %s, expected ENOMEM",
					     (unsigned long long)size, t_errname(ret));
				break;
			}
			ids[n++] = a.id;
			held_kb += size >> 10;
		}
	}
	EXPECT_ERR(t_alloc(fd, 64 << 10, 0, NULL, &a), -ENOMEM);
	ALLOC(fd, t_pg, 0, NULL, &a);
	MAP(fd, t_pg, a.mmap_offset, &p);
	bad = t_check_zero(p, t_pg);
	if (bad >= 0)
		FAIL("the page allocated with CMA exhausted is not zero at byte %ld", bad);
	t_pattern(p, t_pg, 0xe0);
	bad = t_check_pattern(p, t_pg, 0xe0);
	if (bad >= 0)
		FAIL("the page allocated with CMA exhausted reads back wrong at byte %ld", bad);
	munmap(p, t_pg);
	REQUIRE_OK(t_free(fd, a.id));
	while (n--)
		REQUIRE_OK(t_free(fd, ids[n]));
	close(fd);
}

/*
 * COUNT persistent buffers of several sizes and modes, left alive when
 * the program exits: the suite then unloads the module, which must free
 * them.
 */
static void sub_leave_persistent(int argc, char **argv)
{
	long count = strtol(argv[0], NULL, 10), i;
	struct cma_mem_alloc a;
	int fd = t_open();

	(void)argc;
	if (count <= 0)
		DIE("bad count %s", argv[0]);
	for (i = 0; i < count; i++) {
		char name[CMA_MEM_NAME_LEN];

		snprintf(name, sizeof(name), "leave%ld", i);
		ALLOC(fd, (1UL << 20) << (i % 4), CMA_MEM_PERSIST | (uint32_t)(i % 3),
		      name, &a);
	}
	close(fd);
}

static const struct t_subtest tests[] = {
	{ "alloc-rounding", sub_alloc_rounding, 0, "" },
	{ "alloc-source", sub_alloc_source, 0, "" },
	{ "name-space", sub_name_space, 0, "" },
	{ "fork-outlives-free", sub_fork_outlives_free, 0, "" },
	{ "free-one-holder", sub_free_one_holder, 0, "" },
	{ "list-max", sub_list_max, 1, "N  (more than 1024)" },
	{ "cma-each-mode", sub_cma_each_mode, 0, "" },
	{ "cma-exhausted", sub_cma_exhausted, 0, "" },
	{ "leave-persistent", sub_leave_persistent, 1, "COUNT  (left for rmmod)" },
};

T_MAIN(tests)
