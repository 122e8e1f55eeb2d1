// SPDX-License-Identifier: GPL-2.0
/*
 * map-lifecycle: mmap of cma_mem buffers, and how long buffers live.
 *
 *   map-lifecycle SUBTEST | all | --list
 *
 * Each subtest allocates its own buffers, checks what it names (through
 * the data seen in the mappings, INFO's handles and mappings counts, the
 * debugfs table and CmaFree) and frees everything it made; see helper.h for
 * the exit status.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "helper.h"

#define NPAGES 16

/* A non-persistent buffer of @npages in @fd. */
static void new_buf(int fd, long npages, uint32_t flags, struct cma_mem_alloc *a)
{
	ALLOC(fd, npages * t_pg, flags, NULL, a);
}

static void unmap(void *p, size_t len)
{
	if (munmap(p, len))
		DIE("munmap(%p, %zu): %s", p, len, strerror(errno));
}

/* Partial mappings inside a buffer see the right pages. */
static void sub_partial(int argc, char **argv)
{
	struct cma_mem_alloc a;
	uint8_t *all, *mid, *last;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	MAP(fd, NPAGES * t_pg, a.mmap_offset, &all);
	t_pattern(all, NPAGES * t_pg, 42);
	/* Pages 3..5 and the last page alone. */
	MAP(fd, 3 * t_pg, a.mmap_offset + 3 * t_pg, &mid);
	MAP(fd, t_pg, a.mmap_offset + (NPAGES - 1) * t_pg, &last);
	EXPECT_EQ(t_mappings(fd, a.id), 3);
	if (memcmp(mid, all + 3 * t_pg, 3 * t_pg))
		FAIL("a mapping of pages 3-5 does not show pages 3-5 of the buffer");
	if (memcmp(last, all + (NPAGES - 1) * t_pg, t_pg))
		FAIL("a mapping of the last page does not show the last page");
	/* Writes through the partial mapping land in page 4 and only there. */
	memset(mid + t_pg, 0xa5, t_pg);
	if (all[4 * t_pg] != 0xa5 || all[5 * t_pg - 1] != 0xa5)
		FAIL("a write through the partial mapping is not seen in page 4");
	t_pattern(all, NPAGES * t_pg, 42);
	memset(last, 0x5a, t_pg);
	if (all[(NPAGES - 1) * t_pg] != 0x5a || all[NPAGES * t_pg - 1] != 0x5a)
		FAIL("a write through the last-page mapping is not seen");
	bad = t_check_pattern(all, (NPAGES - 1) * t_pg, 42);
	if (bad >= 0)
		FAIL("a write to the last page changed byte %ld", bad);
	unmap(mid, 3 * t_pg);
	unmap(last, t_pg);
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	unmap(all, NPAGES * t_pg);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/* A mapping that runs past the end of its buffer gets EINVAL. */
static void sub_past_end(int argc, char **argv)
{
	struct cma_mem_alloc a, b;
	void *p;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	/* A second buffer, likely right after the first in offset space. */
	new_buf(fd, NPAGES, 0, &b);
	EXPECT_ERR(t_mmap(fd, (NPAGES + 1) * t_pg, PROT_READ | PROT_WRITE,
			  MAP_SHARED, a.mmap_offset, &p), -EINVAL);
	EXPECT_ERR(t_mmap(fd, 2 * t_pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			  a.mmap_offset + (NPAGES - 1) * t_pg, &p), -EINVAL);
	EXPECT_ERR(t_mmap(fd, 2 * NPAGES * t_pg, PROT_READ, MAP_SHARED,
			  a.mmap_offset, &p), -EINVAL);
	/* The exact end is fine. */
	if (EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_SHARED,
			      a.mmap_offset + (NPAGES - 1) * t_pg, &p), 0))
		unmap(p, t_pg);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	EXPECT_EQ(t_mappings(fd, b.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	REQUIRE_OK(t_free(fd, b.id));
	close(fd);
}

/* An offset that belongs to no buffer gets EINVAL. */
static void sub_no_buffer(int argc, char **argv)
{
	struct cma_mem_alloc a;
	uint64_t gone;
	void *p;
	int fd = t_open();

	(void)argc, (void)argv;
	/* Offset 0 is the legacy buffer's, and this file has none. */
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_SHARED, 0, &p), -EINVAL);
	/* Far beyond any buffer. */
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_SHARED, 1ULL << 44, &p), -EINVAL);
	/* The offset of a buffer that was freed. */
	new_buf(fd, NPAGES, 0, &a);
	gone = a.mmap_offset;
	REQUIRE_OK(t_free(fd, a.id));
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_SHARED, gone, &p), -EINVAL);
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_SHARED, gone + 3 * t_pg, &p), -EINVAL);
	close(fd);
}

/* mmap of a buffer this file holds no handle to gets EACCES. */
static void sub_not_held(int argc, char **argv)
{
	struct cma_mem_alloc a, pa;
	struct cma_mem_info info;
	int fa = t_open(), fb = t_open();
	void *p;

	(void)argc, (void)argv;
	new_buf(fa, NPAGES, 0, &a);
	EXPECT_ERR(t_mmap(fb, t_pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			  a.mmap_offset, &p), -EACCES);
	EXPECT_ERR(t_mmap(fb, t_pg, PROT_READ, MAP_SHARED,
			  a.mmap_offset + 2 * t_pg, &p), -EACCES);
	/* A persistent buffer: EACCES until this file attaches it. */
	new_buf(fa, NPAGES, CMA_MEM_PERSIST, &pa);
	EXPECT_ERR(t_mmap(fb, t_pg, PROT_READ, MAP_SHARED, pa.mmap_offset, &p),
		   -EACCES);
	REQUIRE_OK(t_attach(fb, pa.id, NULL, &info));
	if (EXPECT_ERR(t_mmap(fb, t_pg, PROT_READ, MAP_SHARED, pa.mmap_offset, &p), 0))
		unmap(p, t_pg);
	/* Freed by this file: its handle is gone, so is the access. */
	REQUIRE_OK(t_free(fb, pa.id));
	EXPECT_ERR(t_mmap(fb, t_pg, PROT_READ, MAP_SHARED, pa.mmap_offset, &p),
		   -EACCES);
	EXPECT_EQ(t_mappings(fa, a.id), 0);
	REQUIRE_OK(t_free(fa, pa.id));
	REQUIRE_OK(t_free(fa, a.id));
	close(fa);
	close(fb);
}

/* MAP_PRIVATE would be copy-on-write copies, not the buffer: EINVAL. */
static void sub_private(int argc, char **argv)
{
	struct cma_mem_alloc a;
	void *p;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			  a.mmap_offset, &p), -EINVAL);
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_PRIVATE, a.mmap_offset, &p),
		   -EINVAL);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/* A forked child shares the mapping: its writes are the parent's. */
static void sub_fork(int argc, char **argv)
{
	struct cma_mem_alloc a;
	int to_child[2], to_parent[2];
	size_t len = NPAGES * t_pg;
	uint8_t *p;
	pid_t pid;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	MAP(fd, len, a.mmap_offset, &p);
	if (pipe(to_child) || pipe(to_parent))
		DIE("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		t_pattern(p, len, 7);
		t_send(to_parent[1], 'w');
		t_recv(to_child[0]);
		/* Exits with the mapping: the VMA goes away with the mm. */
		_exit(0);
	}
	t_recv(to_parent[0]);
	bad = t_check_pattern(p, len, 7);
	if (bad >= 0)
		FAIL("the parent does not see the child's write at byte %ld", bad);
	/* The child's copy of the VMA counts. */
	EXPECT_EQ(t_mappings(fd, a.id), 2);
	t_send(to_child[1], 'x');
	t_reap(pid, "fork child");
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	unmap(p, len);
	EXPECT_EQ(t_mappings(fd, a.id), 0);

	/* A child that unmaps by itself, then writes nothing. */
	MAP(fd, len, a.mmap_offset, &p);
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid)
		_exit(munmap(p, len) ? 1 : 0);
	t_reap(pid, "unmapping child");
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	unmap(p, len);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
	close(to_child[0]), close(to_child[1]);
	close(to_parent[0]), close(to_parent[1]);
}

/* The number of lines of /proc/self/maps inside [start, end). */
static int vmas_in(void *start, size_t len)
{
	unsigned long lo = (unsigned long)start, hi = lo + len, s, e;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	if (!f)
		DIE("/proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s >= lo && e <= hi)
			n++;
	fclose(f);
	return n;
}

/* Unmapping the middle of a mapping splits it; both halves stay counted. */
static void sub_munmap_hole(int argc, char **argv)
{
	struct cma_mem_alloc a;
	size_t len = NPAGES * t_pg;
	uint8_t *p;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 5);
	unmap(p + 4 * t_pg, 4 * t_pg);
	EXPECT_EQ(vmas_in(p, len), 2);
	EXPECT_EQ(t_mappings(fd, a.id), 2);
	bad = t_check_pattern(p, 4 * t_pg, 5);
	if (bad >= 0)
		FAIL("the part before the hole changed at byte %ld", bad);
	if (((uint64_t *)(p + 8 * t_pg))[0] != t_word(5, 8 * t_pg / 8) ||
	    ((uint64_t *)(p + len))[-1] != t_word(5, len / 8 - 1))
		FAIL("the part after the hole does not show pages 8-15");
	/* Unmap the first page of the tail: still two VMAs. */
	unmap(p + 8 * t_pg, t_pg);
	EXPECT_EQ(t_mappings(fd, a.id), 2);
	unmap(p, 4 * t_pg);
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	unmap(p + 9 * t_pg, 7 * t_pg);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/* Whether writing to @p faults, tried in a child. */
static bool write_faults(volatile uint8_t *p)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		signal(SIGSEGV, SIG_DFL);
		/* The mapping is shared: write back what is there. */
		*p = *p; /* cppcheck-suppress selfAssignment ; the write is the test */
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		DIE("waitpid: %s", strerror(errno));
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

/* mprotect on part of a mapping splits it; the counts follow. */
static void sub_mprotect_split(int argc, char **argv)
{
	struct cma_mem_alloc a;
	size_t len = NPAGES * t_pg;
	uint8_t *p;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 9);
	if (mprotect(p + 4 * t_pg, 2 * t_pg, PROT_READ))
		DIE("mprotect: %s", strerror(errno));
	EXPECT_EQ(vmas_in(p, len), 3);
	EXPECT_EQ(t_mappings(fd, a.id), 3);
	EXPECT_TRUE(write_faults(p + 4 * t_pg),
		    "a write to the read-only middle did not fault");
	EXPECT_TRUE(!write_faults(p + 8 * t_pg),
		    "a write to the writable tail faulted");
	bad = t_check_pattern(p, len, 9);
	if (bad >= 0)
		FAIL("the data changed at byte %ld after mprotect", bad);
	/* Back to one protection: the VMAs may merge again; count either way. */
	if (mprotect(p + 4 * t_pg, 2 * t_pg, PROT_READ | PROT_WRITE))
		DIE("mprotect: %s", strerror(errno));
	EXPECT_EQ(t_mappings(fd, a.id), vmas_in(p, len));
	unmap(p, len);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/* Growing a mapping with mremap is refused (VM_DONTEXPAND). */
static void sub_mremap_grow(int argc, char **argv)
{
	struct cma_mem_alloc a;
	size_t len = NPAGES * t_pg;
	uint8_t *p, *q;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, 2 * NPAGES, 0, &a);
	/* The first half only: the buffer itself has room to grow into. */
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 11);
	q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	if (q != MAP_FAILED) {
		FAIL("mremap grew a mapping from %zu to %zu bytes", len, 2 * len);
		p = q;
		len *= 2;
	} else {
		EXPECT_ERR(-errno, -EFAULT);
		q = mremap(p, len, len + t_pg, 0);
		if (q != MAP_FAILED)
			FAIL("mremap grew a mapping in place by a page");
	}
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	bad = t_check_pattern(p, NPAGES * t_pg, 11);
	if (bad >= 0)
		FAIL("after the refused mremap, byte %ld changed", bad);
	unmap(p, len);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

static long minor_faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		DIE("getrusage: %s", strerror(errno));
	return ru.ru_minflt;
}

/*
 * madvise(MADV_DONTNEED) zaps a mapping's page table entries (allowed on a
 * VM_MIXEDMAP mapping). The next touch faults, and the driver's fault
 * handler must map the same page of the buffer again: the whole mapping and
 * one that starts inside the buffer, for reads and for writes.
 */
static void sub_zap_refault(int argc, char **argv)
{
	struct cma_mem_alloc a;
	size_t len = NPAGES * t_pg;
	uint8_t *all, *mid;
	long before, faults, bad, i;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	MAP(fd, len, a.mmap_offset, &all);
	MAP(fd, 4 * t_pg, a.mmap_offset + 5 * t_pg, &mid);
	t_pattern(all, len, 77);
	if (madvise(all, len, MADV_DONTNEED) || madvise(mid, 4 * t_pg, MADV_DONTNEED))
		DIE("madvise(MADV_DONTNEED): %s%s", strerror(errno),
		    errno == ENOSYS ? " (the kernel needs CONFIG_ADVISE_SYSCALLS)" : "");
	/* Every page faults once, and shows the buffer's bytes again. */
	before = minor_faults();
	bad = t_check_pattern(all, len, 77);
	faults = minor_faults() - before;
	if (bad >= 0)
		FAIL("after MADV_DONTNEED, byte %ld of the whole mapping is wrong", bad);
	if (faults < NPAGES)
		FAIL("reading %d zapped pages took %ld faults: the zap did nothing", NPAGES, faults);
	if (memcmp(mid, all + 5 * t_pg, 4 * t_pg))
		FAIL("after MADV_DONTNEED, the mapping of pages 5-8 does not show pages 5-8");
	/* A write after a zap lands in the buffer: the other mapping sees it. */
	if (madvise(mid, 4 * t_pg, MADV_DONTNEED))
		DIE("madvise(MADV_DONTNEED): %s", strerror(errno));
	for (i = 0; i < 4; i++)
		mid[i * t_pg + 1] = 0xc3;
	for (i = 0; i < 4; i++)
		EXPECT_EQ(all[(5 + i) * t_pg + 1], 0xc3);
	EXPECT_EQ(t_mappings(fd, a.id), 2);
	unmap(mid, 4 * t_pg);
	unmap(all, len);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/* Shrinking and moving with mremap work and keep the count right. */
static void sub_mremap_shrink_move(int argc, char **argv)
{
	struct cma_mem_alloc a;
	size_t len = NPAGES * t_pg;
	uint8_t *p, *q, *hole;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 13);
	q = mremap(p, len, len / 2, 0);
	if (q != p)
		DIE("mremap shrink: %s", q == MAP_FAILED ? strerror(errno) : "moved");
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	bad = t_check_pattern(p, len / 2, 13);
	if (bad >= 0)
		FAIL("after mremap shrink, byte %ld changed", bad);
	/* Move it elsewhere: a reserved hole as the target. */
	hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		DIE("mmap anon: %s", strerror(errno));
	q = mremap(p, len / 2, len / 2, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	if (q == MAP_FAILED)
		DIE("mremap move: %s", strerror(errno));
	EXPECT_EQ(t_mappings(fd, a.id), 1);
	bad = t_check_pattern(q, len / 2, 13);
	if (bad >= 0)
		FAIL("after mremap move, byte %ld is wrong", bad);
	unmap(q, len / 2);
	munmap(hole + len / 2, len / 2);
	EXPECT_EQ(t_mappings(fd, a.id), 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/*
 * FREE while mapped: the buffer becomes unreachable at once, its mapping
 * stays valid, and its memory goes back to CMA at munmap.
 */
static void sub_free_while_mapped(int argc, char **argv)
{
	/* Big enough to tell from CmaFree's noise (per-cpu page lists). */
	size_t len = 32UL << 20;
	long kb = len >> 10, before, mapped, after;
	struct cma_mem_alloc a, b;
	struct cma_mem_info info;
	int count0 = t_debugfs_count();
	uint8_t *p;
	void *q;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	ALLOC(fd, len, 0, "freed-while-mapped", &a);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 19);
	EXPECT_STATE(a.id, "live");
	before = t_cma_free_kb();
	REQUIRE_OK(t_free(fd, a.id));
	/* Unreachable: by id, by name, by offset. */
	EXPECT_ERR(t_info(fd, a.id, &info), -ENOENT);
	EXPECT_ERR(t_free(fd, a.id), -ENOENT);
	EXPECT_ERR(t_attach(fd, 0, "freed-while-mapped", &info), -ENOENT);
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_SHARED, a.mmap_offset, &q),
		   -EINVAL);
	/* Its name is free again. */
	if (EXPECT_ERR(t_alloc(fd, t_pg, 0, "freed-while-mapped", &b), 0))
		REQUIRE_OK(t_free(fd, b.id));
	/* Still there, still mapped, still the same bytes. */
	EXPECT_STATE(a.id, "freed-mapped");
	EXPECT_EQ(t_debugfs_count(), count0 + 1);
	bad = t_check_pattern(p, len, 19);
	if (bad >= 0)
		FAIL("the mapping of a freed buffer changed at byte %ld", bad);
	t_pattern(p, len, 23);
	bad = t_check_pattern(p, len, 23);
	if (bad >= 0)
		FAIL("the mapping of a freed buffer is not writable (byte %ld)", bad);
	mapped = t_cma_free_kb();
	if (mapped - before > kb / 2)
		FAIL("CmaFree rose by %ld kB at FREE, while the %ld kB buffer is still mapped",
		     mapped - before, kb);
	unmap(p, len);
	after = t_cma_free_kb();
	EXPECT_STATE(a.id, "");
	EXPECT_EQ(t_debugfs_count(), count0);
	if (after - mapped < kb / 2)
		FAIL("CmaFree rose by only %ld kB at munmap of a freed %ld kB buffer",
		     after - mapped, kb);
	close(fd);
}

/*
 * Closing the file frees the non-persistent buffers it held, and leaves
 * the persistent ones.
 */
static void sub_close_frees(int argc, char **argv)
{
	struct cma_mem_alloc a[3], pa;
	struct cma_mem_info info;
	int count0 = t_debugfs_count();
	int fd = t_open(), other = t_open();
	int i;

	(void)argc, (void)argv;
	for (i = 0; i < 3; i++)
		new_buf(fd, NPAGES << i, i, &a[i]);
	new_buf(fd, NPAGES, CMA_MEM_PERSIST, &pa);
	EXPECT_EQ(t_debugfs_count(), count0 + 4);
	REQUIRE_OK(t_info(other, pa.id, &info));
	EXPECT_EQ(info.handles, 1);
	close(fd);
	for (i = 0; i < 3; i++)
		EXPECT_ERR(t_info(other, a[i].id, &info), -ENOENT);
	EXPECT_EQ(t_debugfs_count(), count0 + 1);
	if (EXPECT_ERR(t_info(other, pa.id, &info), 0)) {
		EXPECT_EQ(info.handles, 0);
		EXPECT_EQ(info.flags & CMA_MEM_PERSIST, CMA_MEM_PERSIST);
	}
	REQUIRE_OK(t_free(other, pa.id));
	EXPECT_ERR(t_info(other, pa.id, &info), -ENOENT);
	EXPECT_EQ(t_debugfs_count(), count0);
	close(other);
}

/*
 * close() with a mapping: the mapping holds the file, so the file and its
 * buffers live on until munmap, which releases them.
 */
static void sub_close_while_mapped(int argc, char **argv)
{
	struct cma_mem_alloc a, b;
	size_t len = NPAGES * t_pg;
	int count0 = t_debugfs_count();
	uint8_t *p;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	new_buf(fd, NPAGES, 0, &b);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 29);
	close(fd);
	EXPECT_STATE(a.id, "live");
	EXPECT_STATE(b.id, "live");
	bad = t_check_pattern(p, len, 29);
	if (bad >= 0)
		FAIL("after close, the mapping changed at byte %ld", bad);
	unmap(p, len);
	EXPECT_STATE(a.id, "");
	EXPECT_STATE(b.id, "");
	EXPECT_EQ(t_debugfs_count(), count0);
}

/* A forked child's copy of the file keeps its buffers alive. */
static void sub_fork_fd(int argc, char **argv)
{
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	int sync_pipe[2], go[2];
	pid_t pid;
	int fd = t_open(), other = t_open();

	(void)argc, (void)argv;
	new_buf(fd, NPAGES, 0, &a);
	if (pipe(sync_pipe) || pipe(go))
		DIE("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		t_send(sync_pipe[1], 'r');
		t_recv(go[0]);
		_exit(0);
	}
	t_recv(sync_pipe[0]);
	/* One open file, shared: the parent's close drops nothing. */
	close(fd);
	EXPECT_ERR(t_info(other, a.id, &info), 0);
	EXPECT_STATE(a.id, "live");
	t_send(go[1], 'g');
	t_reap(pid, "fork-fd child");
	EXPECT_ERR(t_info(other, a.id, &info), -ENOENT);
	EXPECT_STATE(a.id, "");
	close(other);
	close(sync_pipe[0]), close(sync_pipe[1]);
	close(go[0]), close(go[1]);
}

/* ATTACH gives another file a handle, counted; FREE and close drop it. */
static void sub_attach_handles(int argc, char **argv)
{
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	int fa = t_open(), fb = t_open();
	size_t len = NPAGES * t_pg;
	uint8_t *pa, *pb;

	(void)argc, (void)argv;
	new_buf(fa, NPAGES, CMA_MEM_PERSIST, &a);
	REQUIRE_OK(t_attach(fb, a.id, NULL, &info));
	EXPECT_EQ(info.handles, 2);
	EXPECT_EQ(info.mmap_offset, a.mmap_offset);
	EXPECT_EQ(info.size, len);
	/* Attaching twice changes nothing. */
	REQUIRE_OK(t_attach(fb, a.id, NULL, &info));
	EXPECT_EQ(info.handles, 2);
	MAP(fa, len, a.mmap_offset, &pa);
	MAP(fb, len, info.mmap_offset, &pb);
	t_pattern(pa, len, 31);
	if (t_check_pattern(pb, len, 31) >= 0)
		FAIL("two files' mappings of one buffer show different bytes");
	EXPECT_EQ(t_mappings(fa, a.id), 2);
	unmap(pb, len);
	close(fb);
	REQUIRE_OK(t_info(fa, a.id, &info));
	EXPECT_EQ(info.handles, 1);
	EXPECT_EQ(info.mappings, 1);
	unmap(pa, len);
	/* FREE drops the handle and persistence; nothing holds it then. */
	REQUIRE_OK(t_free(fa, a.id));
	EXPECT_ERR(t_info(fa, a.id, &info), -ENOENT);
	EXPECT_STATE(a.id, "");
	close(fa);
}

/* An open file, and a mapping alone, each pin the module. */
static void sub_module_pinned(int argc, char **argv)
{
	struct cma_mem_alloc a;
	int base = t_module_refcnt();
	void *p;
	int fd;

	(void)argc, (void)argv;
	fd = t_open();
	EXPECT_TRUE(t_module_refcnt() > base,
		    "an open file does not pin the module (refcnt %d)", base);
	new_buf(fd, NPAGES, 0, &a);
	MAP(fd, NPAGES * t_pg, a.mmap_offset, &p);
	close(fd);
	EXPECT_TRUE(t_module_refcnt() > base,
		    "a mapping whose file is closed does not pin the module (refcnt %d)",
		    t_module_refcnt());
	unmap(p, NPAGES * t_pg);
	EXPECT_EQ(t_module_refcnt(), base);
}

static const struct t_subtest tests[] = {
	{ "partial", sub_partial, 0, "" },
	{ "past-end", sub_past_end, 0, "" },
	{ "no-buffer", sub_no_buffer, 0, "" },
	{ "not-held", sub_not_held, 0, "" },
	{ "private", sub_private, 0, "" },
	{ "fork", sub_fork, 0, "" },
	{ "munmap-hole", sub_munmap_hole, 0, "" },
	{ "mprotect-split", sub_mprotect_split, 0, "" },
	{ "mremap-grow", sub_mremap_grow, 0, "" },
	{ "mremap-shrink-move", sub_mremap_shrink_move, 0, "" },
	{ "zap-refault", sub_zap_refault, 0, "" },
	{ "free-while-mapped", sub_free_while_mapped, 0, "" },
	{ "close-frees", sub_close_frees, 0, "" },
	{ "close-while-mapped", sub_close_while_mapped, 0, "" },
	{ "fork-fd", sub_fork_fd, 0, "" },
	{ "attach-handles", sub_attach_handles, 0, "" },
	{ "module-pinned", sub_module_pinned, 0, "" },
};

T_MAIN(tests)
