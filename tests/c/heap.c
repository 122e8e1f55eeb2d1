// SPDX-License-Identifier: GPL-2.0
/*
 * heap: cma_mem's dma-heap node, /dev/dma_heap/<heap_name>, raw:
 * DMA_HEAP_IOCTL_ALLOC as drivers/dma-buf/dma-heap.c answers it, and the
 * cma_mem buffer each allocation is (LIST, INFO, debugfs, lifetime). The
 * kernel's own selftest covers the rest (tests/vm/dmabuf-heap-selftest).
 *
 *   heap SUBTEST [ARGS...] | all | --list
 *
 * The node is $CMAMEM_HEAP_DEV, default /dev/dma_heap/cma_mem. Run by
 * tests/bats/heap.bats; see helper.h for the exit status.
 */
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <sys/stat.h>

#include "helper.h"

static const char *heap_dev(void)
{
	const char *dev = getenv("CMAMEM_HEAP_DEV");

	return dev && *dev ? dev : "/dev/dma_heap/cma_mem";
}

static int heap_open(int flags)
{
	int fd = open(heap_dev(), flags | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "%s %s: open %s: %s\n", t_prog, t_sub,
			heap_dev(), strerror(errno));
		exit(2);
	}
	return fd;
}

/* DMA_HEAP_IOCTL_ALLOC: the dma-buf fd, or -errno. */
static int heap_alloc(int hfd, uint64_t len, uint32_t fd_flags,
		      uint64_t heap_flags)
{
	struct dma_heap_allocation_data d = {
		.len = len, .fd_flags = fd_flags, .heap_flags = heap_flags,
	};
	int ret = t_ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &d);

	return ret ? ret : (int)d.fd;
}

/* The caller's buffers, as LIST gives them; returns the count. */
static uint32_t list_ids(int fd, uint32_t *ids, uint32_t cap)
{
	struct cma_mem_list l = {
		.ids = (uintptr_t)ids, .capacity = cap,
	};

	REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_LIST, &l));
	return l.count;
}

/* The one id in LIST now that was not in @before (@n of them), or 0. */
static uint32_t new_id(int fd, const uint32_t *before, uint32_t n)
{
	uint32_t now[1024], i, j, found = 0;
	uint32_t m = list_ids(fd, now, 1024);

	for (i = 0; i < m; i++) {
		for (j = 0; j < n && before[j] != now[i]; j++)
			;
		if (j == n) {
			if (found)
				FAIL("LIST has two new buffers, %u and %u",
				     found, now[i]);
			found = now[i];
		}
	}
	return found;
}

/* Allocate through the node; the cma_mem id the buffer got. */
static uint32_t heap_alloc_id(int fd, int hfd, uint64_t len, int *dfd)
{
	uint32_t before[1024], n, id;

	n = list_ids(fd, before, 1024);
	*dfd = heap_alloc(hfd, len, O_RDWR | O_CLOEXEC, 0);
	if (*dfd < 0)
		DIE("DMA_HEAP_IOCTL_ALLOC of %" PRIu64 " bytes: %s", len,
		    t_errname(*dfd));
	id = new_id(fd, before, n);
	if (!id)
		DIE("the heap's buffer is not in LIST");
	return id;
}

/*
 * An allocation is a cma_mem buffer: rounded to pages, zeroed, CACHED (the
 * default heap_cache=), marked CMA_MEM_HEAP, held by its dma-buf alone, in
 * LIST, INFO and debugfs, and freed with its last fd and mapping.
 */
static void sub_alloc(int argc, char **argv)
{
	const size_t len = (1 << 20) + 1, rounded = (1 << 20) + t_pg;
	struct cma_mem_info info;
	int fd = t_open(), hfd = heap_open(O_RDWR);
	char name[32];
	uint8_t *p;
	uint32_t id;
	int dfd;

	(void)argc, (void)argv;
	id = heap_alloc_id(fd, hfd, len, &dfd);
	EXPECT_TRUE(fcntl(dfd, F_GETFD) & FD_CLOEXEC,
		    "ALLOC with O_CLOEXEC gave an fd without FD_CLOEXEC");
	EXPECT_EQ(fcntl(dfd, F_GETFL) & O_ACCMODE, O_RDWR);
	EXPECT_EQ(lseek(dfd, 0, SEEK_END), rounded);

	REQUIRE_OK(t_info(fd, id, &info));
	EXPECT_EQ(info.size, rounded);
	EXPECT_TRUE(info.flags & CMA_MEM_HEAP,
		    "INFO flags %#x lack CMA_MEM_HEAP", info.flags);
	EXPECT_EQ(info.flags & CMA_MEM_CACHE_MASK, CMA_MEM_CACHE_CACHED);
	EXPECT_EQ(info.handles, 0);
	EXPECT_EQ(info.exports, 1);
	EXPECT_EQ(info.uid, geteuid());
	EXPECT_STATE(id, "live");
	snprintf(name, sizeof(name), "cma_mem-%u", id);
	EXPECT_TRUE(t_in_bufinfo(name, "cma_mem"),
		    "bufinfo has no line for the heap's dma-buf, %s", name);
	/* Not FREE's to drop: the dma-buf is its holder. */
	EXPECT_ERR(t_free(fd, id), -EBUSY);

	MAP(dfd, rounded, 0, &p);
	EXPECT_EQ(t_check_zero(p, rounded), -1);
	t_pattern(p, rounded, id);
	REQUIRE_OK(t_info(fd, id, &info));
	EXPECT_EQ(info.mappings, 1);

	/* The mapping alone keeps the buffer, still listed. */
	close(dfd);
	EXPECT_STATE(id, "live");
	EXPECT_EQ(t_check_pattern(p, rounded, id), -1);
	munmap(p, rounded);
	EXPECT_TRUE(t_wait_unlisted(id, 5),
		    "buffer %u is still in debugfs after its last fd and mapping",
		    id);
	EXPECT_ERR(t_info(fd, id, &info), -ENOENT);
	close(hfd);
	close(fd);
}

/* libcamera opens the node read-only. */
static void sub_readonly(int argc, char **argv)
{
	int hfd = heap_open(O_RDONLY);
	int dfd = heap_alloc(hfd, 4096, O_RDWR | O_CLOEXEC, 0);

	(void)argc, (void)argv;
	if (EXPECT_TRUE(dfd >= 0, "ALLOC on a read-only open: %s",
			t_errname(dfd)))
		close(dfd);
	close(hfd);
}

/* dma-heap.c's checks and errnos, and an unknown command. */
static void sub_errors(int argc, char **argv)
{
	int hfd = heap_open(O_RDWR);
	struct dma_heap_allocation_data d = { .len = 4096, .fd = 1 };

	(void)argc, (void)argv;
	EXPECT_ERR(t_ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &d), -EINVAL);
	EXPECT_ERR(heap_alloc(hfd, 4096, O_RDWR | O_NONBLOCK, 0), -EINVAL);
	EXPECT_ERR(heap_alloc(hfd, 4096, O_RDWR, 1), -EINVAL);
	EXPECT_ERR(heap_alloc(hfd, 0, O_RDWR, 0), -EINVAL);
	/* Rounds up past the top, to 0. */
	EXPECT_ERR(heap_alloc(hfd, UINT64_MAX, O_RDWR, 0), -EINVAL);
	/* More than there is. */
	EXPECT_ERR(heap_alloc(hfd, 1ULL << 50, O_RDWR, 0), -ENOMEM);
	/* dma-heap.c: a number past its one command is EINVAL. */
	EXPECT_ERR(t_ioctl(hfd, _IOWR(DMA_HEAP_IOC_MAGIC, 1,
				     struct dma_heap_allocation_data), &d),
		   -EINVAL);
	/* Another type is unknown. */
	EXPECT_ERR(t_ioctl(hfd, _IOWR('X', 0, struct dma_heap_allocation_data),
			   &d),
		   -ENOTTY);
	/* Nothing is left behind by the failures. */
	close(hfd);
}

/*
 * A shorter struct is zero-extended; a longer one's extra bytes are
 * ignored and come back as they were, as dma-heap.c does.
 */
static void sub_sizes(int argc, char **argv)
{
	/* The struct without heap_flags: the layout is what is tested. */
	struct older {
		/* cppcheck-suppress unusedStructMember ; read by the kernel */
		uint64_t len;
		uint32_t fd;
		/* cppcheck-suppress unusedStructMember ; read by the kernel */
		uint32_t fd_flags;
	} o = {
		.len = 4096, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	struct newer {
		struct dma_heap_allocation_data d;
		uint64_t extra[3];
	} n = {
		.d = { .len = 4096, .fd_flags = O_RDWR | O_CLOEXEC },
		.extra = { ~0ULL, 1, 2 },
	};
	int hfd = heap_open(O_RDWR);

	(void)argc, (void)argv;
	if (EXPECT_ERR(t_ioctl(hfd, _IOWR(DMA_HEAP_IOC_MAGIC, 0, struct older),
			       &o), 0))
		close(o.fd);
	if (EXPECT_ERR(t_ioctl(hfd, _IOWR(DMA_HEAP_IOC_MAGIC, 0, struct newer),
			       &n), 0)) {
		close(n.d.fd);
		EXPECT_EQ(n.extra[0], ~0ULL);
		EXPECT_EQ(n.extra[2], 2);
	}
	close(hfd);
}

/*
 * DMA_BUF_SET_NAME, which libcamera treats as fatal, names the dma-buf: in
 * bufinfo, and in cma_mem's debugfs table as one word.
 */
static void sub_set_name(int argc, char **argv)
{
	const char *name = "heap set-name";
	int fd = t_open(), hfd = heap_open(O_RDWR), dfd;
	uint32_t id = heap_alloc_id(fd, hfd, 4096, &dfd);
	char col[64], want[32];

	(void)argc, (void)argv;
	snprintf(want, sizeof(want), "cma_mem-%u", id);
	t_debugfs_field(id, 2, col, sizeof(col));
	EXPECT_TRUE(!strcmp(col, want), "debugfs name of heap buffer %u is \"%s\", expected \"%s\"",
		    id, col, want);
	EXPECT_ERR(ioctl(dfd, DMA_BUF_SET_NAME, name) ? -errno : 0, 0);
	EXPECT_TRUE(t_in_bufinfo(name, "cma_mem"),
		    "bufinfo has no line with the name set and exporter cma_mem");
	t_debugfs_field(id, 2, col, sizeof(col));
	EXPECT_TRUE(!strcmp(col, "heap_set-name"),
		    "debugfs name of heap buffer %u is \"%s\", expected \"heap_set-name\"",
		    id, col);
	close(dfd);
	close(hfd);
	close(fd);
}

/* DMA_BUF_IOCTL_SYNC with no device attached, and SYNC by id. */
static void sub_sync(int argc, char **argv)
{
	struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	int fd = t_open(), hfd = heap_open(O_RDWR), dfd;
	uint32_t id = heap_alloc_id(fd, hfd, 1 << 20, &dfd);

	(void)argc, (void)argv;
	EXPECT_ERR(t_ioctl(dfd, DMA_BUF_IOCTL_SYNC, &s), 0);
	s.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	EXPECT_ERR(t_ioctl(dfd, DMA_BUF_IOCTL_SYNC, &s), 0);
	EXPECT_ERR(t_sync(fd, id, CMA_MEM_SYNC_FOR_DEVICE, 4096, 4096), 0);
	close(dfd);
	close(hfd);
	close(fd);
}

/* Where the buffer came from: pool or cma, as the suite set the pool up. */
static void sub_source(int argc, char **argv)
{
	uint32_t want = !strcmp(argv[0], "pool") ? CMA_MEM_FROM_POOL :
			CMA_MEM_FROM_CMA;
	int fd = t_open(), hfd = heap_open(O_RDWR), dfd;
	uint32_t id = heap_alloc_id(fd, hfd, 1 << 20, &dfd);
	struct cma_mem_info info;

	(void)argc;
	REQUIRE_OK(t_info(fd, id, &info));
	EXPECT_EQ(info.flags & (CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA), want);
	close(dfd);
	close(hfd);
	close(fd);
}

/* The buffers' cache mode is MODE (heap_cache=). */
static void sub_cache(int argc, char **argv)
{
	uint32_t want = t_parse_cache(argv[0]);
	int fd = t_open(), hfd = heap_open(O_RDWR), dfd;
	uint32_t id = heap_alloc_id(fd, hfd, 4096, &dfd);
	struct cma_mem_info info;

	(void)argc;
	REQUIRE_OK(t_info(fd, id, &info));
	EXPECT_EQ(info.flags & CMA_MEM_CACHE_MASK, want);
	close(dfd);
	close(hfd);
	close(fd);
}

/* An allocation of SIZE bytes fails with ERRNO (a limit the suite set). */
static void sub_alloc_fails(int argc, char **argv)
{
	uint64_t len = strtoull(argv[0], NULL, 0);
	int hfd = heap_open(O_RDONLY), dfd, want = 0;

	(void)argc;
	if (!strcmp(argv[1], "EDQUOT"))
		want = -EDQUOT;
	else if (!strcmp(argv[1], "ENOSPC"))
		want = -ENOSPC;
	else if (!strcmp(argv[1], "ENOMEM"))
		want = -ENOMEM;
	else
		DIE("errno %s: not EDQUOT, ENOSPC or ENOMEM", argv[1]);
	dfd = heap_alloc(hfd, len, O_RDWR | O_CLOEXEC, 0);
	if (!EXPECT_ERR(dfd < 0 ? dfd : 0, want) && dfd >= 0)
		close(dfd);
	close(hfd);
}

/*
 * Buffers made through the node belong to the caller's euid: uid 1000's is
 * in its LIST, and to uid 1001 it does not exist. Needs both nodes open to
 * those uids (the suite chmods them).
 */
static void sub_isolation(int argc, char **argv)
{
	int sv[2];
	pid_t a, b;
	uint32_t id;

	(void)argc, (void)argv;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		DIE("socketpair: %s", strerror(errno));
	a = fork();
	if (!a) {
		int fd, hfd, dfd;

		if (setresuid(1000, 1000, 1000))
			DIE("setresuid(1000): %s", strerror(errno));
		fd = t_open();
		hfd = heap_open(O_RDWR);
		id = heap_alloc_id(fd, hfd, 4096, &dfd);
		if (write(sv[1], &id, sizeof(id)) != sizeof(id))
			DIE("write: %s", strerror(errno));
		/* Hold the buffer until the other uid has looked. */
		t_recv(sv[1]);
		close(dfd);
		exit(t_failures ? 1 : 0);
	}
	if (read(sv[0], &id, sizeof(id)) != sizeof(id))
		DIE("uid 1000 made no buffer");
	b = fork();
	if (!b) {
		struct cma_mem_info info;
		uint32_t ids[1024], n, i;
		int fd;

		if (setresuid(1001, 1001, 1001))
			DIE("setresuid(1001): %s", strerror(errno));
		fd = t_open();
		EXPECT_ERR(t_info(fd, id, &info), -ENOENT);
		n = list_ids(fd, ids, 1024);
		for (i = 0; i < n; i++)
			EXPECT_TRUE(ids[i] != id,
				    "uid 1001 lists uid 1000's heap buffer %u",
				    id);
		exit(t_failures ? 1 : 0);
	}
	t_reap(b, "uid 1001");
	t_send(sv[0], 'x');
	t_reap(a, "uid 1000");
	close(sv[0]);
	close(sv[1]);
}

static const struct t_subtest tests[] = {
	{ "alloc", sub_alloc, 0, "" },
	{ "readonly", sub_readonly, 0, "" },
	{ "errors", sub_errors, 0, "" },
	{ "sizes", sub_sizes, 0, "" },
	{ "set-name", sub_set_name, 0, "" },
	{ "sync", sub_sync, 0, "" },
	{ "source", sub_source, 1, "pool|cma" },
	{ "cache", sub_cache, 1, "wc|uncached|cached" },
	{ "alloc-fails", sub_alloc_fails, 2, "SIZE EDQUOT|ENOSPC|ENOMEM" },
	{ "isolation", sub_isolation, 0, "" },
};

T_MAIN(tests)
