// SPDX-License-Identifier: GPL-2.0
/*
 * Management interface checks the shell cannot make, run by
 * tests/bats/management.bats as root:
 *
 *   mgmt many N          N 4K buffers on one fd; the debugfs table lists
 *                        each once, in id order, with this pid
 *   mgmt fault-alloc     ALLOC fails with ENOMEM once (fail_alloc armed)
 *   mgmt fault-map       mmap fails with ENOMEM once (fail_map armed)
 *   mgmt fault-export    EXPORT fails with ENOMEM once (fail_export armed)
 *   mgmt bad-arg         ALLOC of size 0: EINVAL (a bad-argument failure)
 *   mgmt refuse N        N ALLOCs of sizes 1 to N, each refused (EINVAL, an
 *                        invalid cache mode); prints "pid P", for the
 *                        debugfs refusals file
 *
 * The fault subtests expect the shell to have armed the fault point with
 * times=1; after the failure the same call must succeed.
 */
#include "helper.h"

static void many(int argc, char **argv)
{
	long n = strtol(argv[0], NULL, 10), i, seen = 0, lines = 0;
	uint32_t *ids, last = 0;
	struct cma_mem_alloc a;
	char line[512];
	pid_t pid = getpid();
	FILE *f;
	int fd;

	(void)argc;
	if (n <= 0)
		DIE("bad count %s", argv[0]);
	ids = calloc(n, sizeof(*ids));
	if (!ids)
		DIE("out of memory");
	fd = t_open();
	for (i = 0; i < n; i++) {
		ALLOC(fd, 4096, CMA_MEM_CACHE_WC, NULL, &a);
		ids[i] = a.id;
	}

	f = fopen(DEBUGFS_BUFFERS, "r");
	if (!f)
		DIE("open %s: %s", DEBUGFS_BUFFERS, strerror(errno));
	/* Small reads: seq_file must resume where it stopped. */
	setvbuf(f, NULL, _IOFBF, 100);
	if (!fgets(line, sizeof(line), f) || strncmp(line, "id name ", 8))
		FAIL("the table does not start with its header: %s", line);
	while (fgets(line, sizeof(line), f)) {
		unsigned int id;
		int lpid;

		lines++;
		if (sscanf(line, "%u %*s %*s %*s %*s %*s %d", &id, &lpid) != 2) {
			FAIL("unparsable line: %s", line);
			continue;
		}
		EXPECT_TRUE(id > last, "id %u after %u: not in order", id, last);
		last = id;
		if (lpid != pid)
			continue;
		EXPECT_TRUE(seen < n && ids[seen] == id,
			    "line %ld is buffer %u, expected %u", lines, id,
			    seen < n ? ids[seen] : 0);
		seen++;
	}
	fclose(f);
	EXPECT_EQ(seen, n);
	printf("%ld lines, %ld ours\n", lines, seen);
	close(fd);
	EXPECT_EQ(t_debugfs_count(), lines - seen);
	free(ids);
}

static void fault_alloc(int argc, char **argv)
{
	struct cma_mem_alloc a;
	int fd = t_open();

	(void)argc;
	(void)argv;
	EXPECT_ERR(t_alloc(fd, 8192, CMA_MEM_CACHE_WC, "fault", &a), -ENOMEM);
	/* The name was never taken: the next ALLOC can have it. */
	ALLOC(fd, 8192, CMA_MEM_CACHE_WC, "fault", &a);
	close(fd);
}

static void fault_map(int argc, char **argv)
{
	struct cma_mem_alloc a;
	void *p;
	int fd = t_open();

	(void)argc;
	(void)argv;
	ALLOC(fd, 8192, CMA_MEM_CACHE_WC, NULL, &a);
	EXPECT_ERR(t_mmap(fd, 8192, PROT_READ | PROT_WRITE, MAP_SHARED,
			  a.mmap_offset, &p), -ENOMEM);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	MAP(fd, 8192, a.mmap_offset, &p);
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	munmap(p, 8192);
	close(fd);
}

static void fault_export(int argc, char **argv)
{
	struct cma_mem_export e = { 0 };
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	int fd = t_open();

	(void)argc;
	(void)argv;
	ALLOC(fd, 8192, CMA_MEM_CACHE_WC, NULL, &a);
	e.id = a.id;
	e.flags = O_RDWR | O_CLOEXEC;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_EXPORT, &e), -ENOMEM);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 0);
	REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_EXPORT, &e));
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 1);
	close(e.fd);
	close(fd);
}

static void bad_arg(int argc, char **argv)
{
	struct cma_mem_alloc a;
	int fd = t_open();

	(void)argc;
	(void)argv;
	EXPECT_ERR(t_alloc(fd, 0, CMA_MEM_CACHE_WC, NULL, &a), -EINVAL);
	close(fd);
}

static void refuse(int argc, char **argv)
{
	long n = strtol(argv[0], NULL, 10), i;
	struct cma_mem_alloc a;
	int fd = t_open();

	(void)argc;
	if (n <= 0)
		DIE("bad count %s", argv[0]);
	for (i = 1; i <= n; i++)
		EXPECT_ERR(t_alloc(fd, i, CMA_MEM_CACHE_MASK, NULL, &a),
			   -EINVAL);
	printf("pid %d\n", (int)getpid());
	close(fd);
}

static const struct t_subtest tests[] = {
	{ "many", many, 1, "N" },
	{ "fault-alloc", fault_alloc, 0, "" },
	{ "fault-map", fault_map, 0, "" },
	{ "fault-export", fault_export, 0, "" },
	{ "bad-arg", bad_arg, 0, "" },
	{ "refuse", refuse, 1, "N" },
};

T_MAIN(tests)
