// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-basic: the cma_mem module's ioctls, mmap and lifetimes, driven through
 * the raw ABI. Run as root in the guest with the module loaded:
 *
 *   tests/c/kmod-basic [-v]
 *
 * Prints one line per failed check and exits 1 if any failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
/* Relative, so that it builds without -Iinclude/uapi. */
#include "../../include/uapi/linux/cma_mem.h"
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEV "/dev/cma_mem"
#define SYSFS_BUFFERS "/sys/class/misc/cma_mem/buffers"

static int failures, verbose;
static long pg;

#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			failures++;                                      \
			printf("FAIL %s:%d: %s: ", __func__, __LINE__,   \
			       #cond);                                   \
			printf(__VA_ARGS__);                             \
			printf("\n");                                    \
		} else if (verbose) {                                    \
			printf("ok   %s:%d: %s\n", __func__, __LINE__,   \
			       #cond);                                   \
		}                                                        \
	} while (0)

/* ioctl() returning -errno, or 0. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int dev_open(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror(DEV);
		exit(2);
	}
	return fd;
}

static int nr_buffers(void)
{
	FILE *f = fopen(SYSFS_BUFFERS, "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static int alloc(int fd, uint64_t size, uint32_t flags, const char *name,
		 struct cma_mem_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
	a->flags = flags;
	if (name)
		memcpy(a->name, name, strnlen(name, sizeof(a->name)));
	return xioctl(fd, CMA_MEM_IOC_ALLOC, a);
}

static int bfree(int fd, uint32_t id)
{
	struct cma_mem_free f = { .id = id };

	return xioctl(fd, CMA_MEM_IOC_FREE, &f);
}

static int info(int fd, uint32_t id, struct cma_mem_info *i)
{
	memset(i, 0, sizeof(*i));
	i->id = id;
	return xioctl(fd, CMA_MEM_IOC_INFO, i);
}

static void *map(int fd, size_t len, uint64_t off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
}

static int all_bytes(const void *p, size_t len, unsigned char c)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != c)
			return 0;
	return 1;
}

static void test_modes_and_sizes(int fd)
{
	static const uint64_t sizes[] = { 1, 4096, 65537, 1 << 20, 16 << 20 };
	static const uint32_t modes[] = { CMA_MEM_CACHE_WC,
					  CMA_MEM_CACHE_UNCACHED,
					  CMA_MEM_CACHE_CACHED };
	int base = nr_buffers();
	unsigned int s, m;

	for (m = 0; m < 3; m++) {
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			struct cma_mem_alloc a;
			struct cma_mem_info i;
			uint64_t want = (sizes[s] + pg - 1) / pg * pg;
			unsigned char *p;
			int ret;

			ret = alloc(fd, sizes[s], modes[m], NULL, &a);
			CHECK(ret == 0, "alloc %llu mode %u: %d",
			      (unsigned long long)sizes[s], modes[m], ret);
			if (ret)
				continue;
			CHECK(a.size == want, "size %llu",
			      (unsigned long long)a.size);
			CHECK(a.id > 0, "id %u", a.id);
			CHECK(a.mmap_offset && !(a.mmap_offset % pg),
			      "offset %llx", (unsigned long long)a.mmap_offset);
			CHECK(a.dma_addr && !(a.dma_addr % pg),
			      "root gets a dma address: %llx",
			      (unsigned long long)a.dma_addr);
			CHECK(info(fd, a.id, &i) == 0, "info");
			CHECK(i.size == a.size && i.handles == 1 &&
				      i.mappings == 0 &&
				      (i.flags & CMA_MEM_CACHE_MASK) ==
					      modes[m] &&
				      (i.flags & CMA_MEM_FROM_CMA),
			      "info: size %llu handles %u mappings %u flags %x",
			      (unsigned long long)i.size, i.handles,
			      i.mappings, i.flags);

			p = map(fd, a.size, a.mmap_offset);
			CHECK(p != MAP_FAILED, "mmap: %m");
			if (p == MAP_FAILED)
				continue;
			CHECK(all_bytes(p, a.size, 0), "zeroed");
			memset(p, 0xa5, a.size);
			CHECK(all_bytes(p, a.size, 0xa5), "readback");
			CHECK(info(fd, a.id, &i) == 0 && i.mappings == 1,
			      "one mapping: %u", i.mappings);
			munmap(p, a.size);
			CHECK(info(fd, a.id, &i) == 0 && i.mappings == 0,
			      "no mapping: %u", i.mappings);
			CHECK(bfree(fd, a.id) == 0, "free");
			CHECK(info(fd, a.id, &i) == -ENOENT, "gone");
		}
	}
	CHECK(nr_buffers() == base, "count %d, was %d", nr_buffers(), base);
}

static void test_alloc_errors(int fd)
{
	struct cma_mem_alloc a, b;
	struct {
		struct cma_mem_alloc a;
		uint64_t extra;
	} big;
	int base = nr_buffers();
	char name[40];

	CHECK(alloc(fd, 0, 0, NULL, &a) == -EINVAL, "size 0");
	CHECK(alloc(fd, ~0ULL, 0, NULL, &a) == -EINVAL, "size ~0");
	CHECK(alloc(fd, 1ULL << 50, 0, NULL, &a) == -ENOMEM, "size 2^50");
	/* More than CMA holds, less than RAM: fails quietly in every mode. */
	CHECK(alloc(fd, 1ULL << 30, 0, NULL, &a) == -ENOMEM, "1G wc");
	CHECK(alloc(fd, 1ULL << 30, 1, NULL, &a) == -ENOMEM, "1G uncached");
	CHECK(alloc(fd, 1ULL << 30, 2, NULL, &a) == -ENOMEM, "1G cached");
	CHECK(alloc(fd, 3ULL << 20, 2, NULL, &a) == 0, "3M cached");
	bfree(fd, a.id);
	CHECK(alloc(fd, 4096, 3, NULL, &a) == -EINVAL, "cache mode 3");
	CHECK(alloc(fd, 4096, 1U << 5, NULL, &a) == -EINVAL, "flag 1<<5");
	CHECK(alloc(fd, 4096, 1U << 31, NULL, &a) == -EINVAL, "flag 1<<31");
	CHECK(alloc(fd, 4096, CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA, NULL,
		    &a) == -EINVAL,
	      "pool|cma");
	CHECK(alloc(fd, 4096, CMA_MEM_FROM_POOL, NULL, &a) == -ENOMEM,
	      "pool: none yet");

	memset(&a, 0, sizeof(a));
	a.size = 4096;
	a.align = 3;
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == -EINVAL, "align 3");
	a.align = 1ULL << 40;
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == -EINVAL, "align 2^40");
	a.align = 1ULL << 63;
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == -EINVAL, "align 2^63");
	a.align = 1 << 20;
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == 0, "align 1M");
	CHECK(a.size == 1 << 20, "align 1M gives 1M: %llu",
	      (unsigned long long)a.size);
	CHECK(!(a.dma_addr & ((1 << 20) - 1)), "aligned: %llx",
	      (unsigned long long)a.dma_addr);
	bfree(fd, a.id);

	CHECK(alloc(fd, 4096, 0, "has space", &a) == -EINVAL, "space");
	CHECK(alloc(fd, 4096, 0, "a/b", &a) == -EINVAL, "slash");
	CHECK(alloc(fd, 4096, 0, "tab\t", &a) == -EINVAL, "tab");
	CHECK(alloc(fd, 4096, 0, "\x7f", &a) == -EINVAL, "DEL");
	memset(name, 'x', sizeof(name));
	memset(&a, 0, sizeof(a));
	a.size = 4096;
	memcpy(a.name, name, sizeof(a.name));
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == -EINVAL, "no NUL");
	memset(a.name, 0, sizeof(a.name));
	memcpy(a.name, "ok\0junk", 7);
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == -EINVAL, "junk after NUL");
	memset(a.name, 0, sizeof(a.name));
	a.name[5] = 'x';
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == -EINVAL, "junk, no name");
	memset(a.name, 0, sizeof(a.name));
	a.name[0] = (char)0x80;
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, &a) == -EINVAL, "high byte");
	name[31] = 0;
	CHECK(alloc(fd, 4096, 0, name, &a) == 0, "31 bytes");
	CHECK(alloc(fd, 4096, 0, name, &b) == -EEXIST, "clash");
	bfree(fd, a.id);
	CHECK(alloc(fd, 4096, 0, name, &b) == 0, "name free again");
	bfree(fd, b.id);

	/* A longer struct: zeroes past the end are fine, others are not. */
	memset(&big, 0, sizeof(big));
	big.a.size = 4096;
	CHECK(xioctl(fd, _IOWR(CMA_MEM_IOC_MAGIC, 0, big), &big) == 0,
	      "longer struct, zero tail");
	bfree(fd, big.a.id);
	big.extra = 1;
	CHECK(xioctl(fd, _IOWR(CMA_MEM_IOC_MAGIC, 0, big), &big) == -E2BIG,
	      "longer struct, non-zero tail");
	/* A shorter one is zero-extended: here, no name. */
	memset(&a, 0, sizeof(a));
	a.size = 4096;
	CHECK(xioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, CMA_MEM_IOC_MAGIC, 0,
			      offsetof(struct cma_mem_alloc, name)),
		     &a) == 0,
	      "shorter struct");
	bfree(fd, a.id);

	CHECK(xioctl(fd, _IOWR(CMA_MEM_IOC_MAGIC, 0x40, a), &a) == -ENOTTY,
	      "unknown nr");
	CHECK(xioctl(fd, _IOR(CMA_MEM_IOC_MAGIC, 0, a), &a) == -ENOTTY,
	      "wrong direction");
	CHECK(xioctl(fd, _IOWR('x', 0, a), &a) == -ENOTTY, "wrong magic");
	CHECK(xioctl(fd, CMA_MEM_IOC_ALLOC, NULL) == -EFAULT, "NULL arg");
	CHECK(nr_buffers() == base, "count %d, was %d", nr_buffers(), base);
}

static void test_other_errors(int fd)
{
	struct cma_mem_alloc a;
	struct cma_mem_info i;
	struct cma_mem_free f = { 0 };
	struct cma_mem_sync s = { 0 };
	struct cma_mem_export e = { 0 };

	CHECK(bfree(fd, 0) == -ENOENT, "free 0");
	CHECK(bfree(fd, 0x7fffffff) == -ENOENT, "free bad id");
	CHECK(info(fd, 12345678, &i) == -ENOENT, "info bad id");
	CHECK(alloc(fd, 4096, 0, NULL, &a) == 0, "alloc");
	f.id = a.id;
	f.flags = 1;
	CHECK(xioctl(fd, CMA_MEM_IOC_FREE, &f) == -EINVAL, "free flags");
	memset(&i, 0, sizeof(i));
	i.id = a.id;
	i.reserved = 1;
	CHECK(xioctl(fd, CMA_MEM_IOC_INFO, &i) == -EINVAL, "info reserved");

	s.id = a.id;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == -EINVAL, "sync no dir");
	s.flags = CMA_MEM_SYNC_FOR_CPU | CMA_MEM_SYNC_FOR_DEVICE;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == -EINVAL, "sync both");
	s.flags = 4;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == -EINVAL, "sync flag 4");
	s.flags = CMA_MEM_SYNC_FOR_CPU;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == 0, "sync wc: no-op");
	s.offset = 4096;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == -EINVAL, "sync at end");
	s.offset = 4095;
	s.length = 2;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == -EINVAL, "sync past end");
	s.offset = 1;
	s.length = ~0ULL;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == -EINVAL, "sync overflow");
	s.id = 999999;
	s.offset = 0;
	s.length = 0;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == -ENOENT, "sync bad id");

	/* kmod-dmabuf tests EXPORT itself. */
	e.id = a.id;
	e.flags = O_RDWR;
	CHECK(xioctl(fd, CMA_MEM_IOC_EXPORT, &e) == 0 && e.fd >= 0, "export");
	close(e.fd);
	bfree(fd, a.id);

	/* Cached: the sync really does something. */
	CHECK(alloc(fd, 1 << 20, CMA_MEM_CACHE_CACHED, NULL, &a) == 0,
	      "alloc cached");
	memset(&s, 0, sizeof(s));
	s.id = a.id;
	s.flags = CMA_MEM_SYNC_FOR_DEVICE;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == 0, "sync for device");
	s.flags = CMA_MEM_SYNC_FOR_CPU;
	s.offset = 4096;
	s.length = 8192;
	CHECK(xioctl(fd, CMA_MEM_IOC_SYNC, &s) == 0, "sync for cpu, range");
	bfree(fd, a.id);
}

static void test_mmap(int fd)
{
	struct cma_mem_alloc a, b;
	struct cma_mem_info i;
	unsigned char *p, *q;
	int fd2 = dev_open();

	CHECK(alloc(fd, 4 * pg, 0, NULL, &a) == 0, "alloc a");
	CHECK(alloc(fd, 4 * pg, 0, NULL, &b) == 0, "alloc b");

	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		 a.mmap_offset);
	CHECK(p == MAP_FAILED && errno == EINVAL, "private: %m");
	p = map(fd, 5 * pg, a.mmap_offset);
	CHECK(p == MAP_FAILED && errno == EINVAL, "past the end: %m");
	p = map(fd, 2 * pg, a.mmap_offset + 3 * pg);
	CHECK(p == MAP_FAILED && errno == EINVAL, "past the end 2: %m");
	p = map(fd, pg, 1ULL << 40);
	CHECK(p == MAP_FAILED && errno == EINVAL, "no buffer: %m");
	p = map(fd2, pg, a.mmap_offset);
	CHECK(p == MAP_FAILED && errno == EACCES, "not held: %m");
	p = map(fd, pg, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL, "no legacy buffer: %m");

	/* Whole, then partial: page 2 is the same memory. */
	p = map(fd, 4 * pg, a.mmap_offset);
	CHECK(p != MAP_FAILED, "map a: %m");
	q = map(fd, 2 * pg, a.mmap_offset + 2 * pg);
	CHECK(q != MAP_FAILED, "map a, pages 2-3: %m");
	if (p != MAP_FAILED && q != MAP_FAILED) {
		p[2 * pg] = 0x11;
		p[3 * pg + 7] = 0x22;
		CHECK(q[0] == 0x11 && q[pg + 7] == 0x22, "partial sees it");
		CHECK(info(fd, a.id, &i) == 0 && i.mappings == 2,
		      "two mappings: %u", i.mappings);

		/* mremap growth is refused, a move keeps the count. */
		CHECK(mremap(q, 2 * pg, 3 * pg, 0) == MAP_FAILED,
		      "mremap grow in place");
		CHECK(mremap(q, 2 * pg, 3 * pg, MREMAP_MAYMOVE) == MAP_FAILED,
		      "mremap grow moving");
		CHECK(info(fd, a.id, &i) == 0 && i.mappings == 2,
		      "still two mappings: %u", i.mappings);

		/* Partial munmap splits the VMA: one more reference. */
		munmap(p + pg, pg);
		CHECK(info(fd, a.id, &i) == 0 && i.mappings == 3,
		      "split: %u", i.mappings);
		/* mprotect of one page splits too. */
		CHECK(mprotect(p + 2 * pg, pg, PROT_READ) == 0, "mprotect");
		CHECK(info(fd, a.id, &i) == 0 && i.mappings == 4,
		      "mprotect split: %u", i.mappings);
		CHECK(p[2 * pg] == 0x11, "read after mprotect");
		munmap(p, 4 * pg);
		munmap(q, 2 * pg);
		CHECK(info(fd, a.id, &i) == 0 && i.mappings == 0,
		      "all gone: %u", i.mappings);
	}

	/* madvise(DONTNEED) zaps the pages; the fault handler restores them. */
	p = map(fd, 4 * pg, b.mmap_offset);
	CHECK(p != MAP_FAILED, "map b: %m");
	if (p != MAP_FAILED) {
		memset(p, 0x5a, 4 * pg);
		/* tinyconfig may lack madvise(). */
		if (madvise(p, 4 * pg, MADV_DONTNEED) == 0)
			CHECK(all_bytes(p, 4 * pg, 0x5a), "survives DONTNEED");
		else
			CHECK(errno == ENOSYS, "dontneed: %m");
		munmap(p, 4 * pg);
	}

	bfree(fd, a.id);
	bfree(fd, b.id);
	close(fd2);
}

static void test_free_while_mapped(int fd)
{
	int base = nr_buffers();
	struct cma_mem_alloc a, b;
	struct cma_mem_info i;
	unsigned char *p, *q;

	CHECK(alloc(fd, 1 << 20, 0, "fwm", &a) == 0, "alloc");
	p = map(fd, 1 << 20, a.mmap_offset);
	CHECK(p != MAP_FAILED, "map: %m");
	if (p == MAP_FAILED)
		return;
	memset(p, 0x77, 1 << 20);
	CHECK(bfree(fd, a.id) == 0, "free");
	CHECK(info(fd, a.id, &i) == -ENOENT, "unreachable");
	CHECK(bfree(fd, a.id) == -ENOENT, "free again");
	CHECK(nr_buffers() == base + 1, "memory still there");
	CHECK(all_bytes(p, 1 << 20, 0x77), "mapping still valid");
	/* The name is free again at once. */
	CHECK(alloc(fd, 4096, 0, "fwm", &b) == 0, "name reusable");
	/* The old offset maps nothing, or b if b got it. */
	q = map(fd, pg, a.mmap_offset);
	CHECK(q == MAP_FAILED || b.mmap_offset == a.mmap_offset,
	      "old offset unmappable");
	if (q != MAP_FAILED)
		munmap(q, pg);
	bfree(fd, b.id);
	memset(p, 0x78, 1 << 20);
	munmap(p, 1 << 20);
	CHECK(nr_buffers() == base, "freed after munmap: %d", nr_buffers());
}

static void test_fork(int fd)
{
	struct cma_mem_alloc a;
	struct cma_mem_info i;
	unsigned char *p;
	int status;
	pid_t pid;

	CHECK(alloc(fd, 2 * pg, 0, NULL, &a) == 0, "alloc");
	p = map(fd, 2 * pg, a.mmap_offset);
	CHECK(p != MAP_FAILED, "map: %m");
	if (p == MAP_FAILED)
		return;
	pid = fork();
	if (!pid) {
		p[0] = 0x42;
		p[pg] = 0x43;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "child ok");
	CHECK(p[0] == 0x42 && p[pg] == 0x43, "child's writes seen");
	CHECK(info(fd, a.id, &i) == 0 && i.mappings == 1 && i.handles == 1,
	      "after child: mappings %u handles %u", i.mappings, i.handles);

	/* The child outlives the parent's munmap and free. */
	pid = fork();
	if (!pid) {
		sleep(1);
		_exit(p[0] == 0x42 ? 0 : 1);
	}
	munmap(p, 2 * pg);
	bfree(fd, a.id);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "child read");
}

static void test_close_frees(int unused __attribute__((unused)))
{
	int base = nr_buffers();
	struct cma_mem_alloc a;
	int fd = dev_open();
	unsigned char *p;
	int i;

	for (i = 0; i < 10; i++)
		CHECK(alloc(fd, 64 * 1024, i % 3, NULL, &a) == 0, "alloc");
	p = map(fd, 64 * 1024, a.mmap_offset);
	CHECK(p != MAP_FAILED, "map: %m");
	CHECK(nr_buffers() == base + 10, "10 more");
	/*
	 * The mapping holds the file: release, and with it the handles, only
	 * comes with the munmap.
	 */
	close(fd);
	CHECK(nr_buffers() == base + 10, "the file lives on: %d",
	      nr_buffers());
	if (p != MAP_FAILED) {
		p[0] = 1;
		munmap(p, 64 * 1024);
	}
	CHECK(nr_buffers() == base, "all gone: %d", nr_buffers());
}

static void test_persist(int unused __attribute__((unused)))
{
	int base = nr_buffers();
	struct cma_mem_alloc a;
	struct cma_mem_info i;
	int fd = dev_open(), fd2;
	unsigned char *p;

	CHECK(alloc(fd, 8192, CMA_MEM_PERSIST, "keep", &a) == 0, "alloc");
	p = map(fd, 8192, a.mmap_offset);
	CHECK(p != MAP_FAILED, "map");
	if (p != MAP_FAILED) {
		strcpy((char *)p, "hello");
		munmap(p, 8192);
	}
	close(fd);
	CHECK(nr_buffers() == base + 1, "persists");

	fd = dev_open();
	memset(&i, 0, sizeof(i));
	strcpy(i.name, "keep");
	CHECK(xioctl(fd, CMA_MEM_IOC_ATTACH, &i) == 0, "attach by name");
	CHECK(i.id == a.id && i.size == 8192 && (i.flags & CMA_MEM_PERSIST) &&
		      i.handles == 1,
	      "info: id %u handles %u flags %x", i.id, i.handles, i.flags);
	memset(&i, 0, sizeof(i));
	i.id = a.id;
	CHECK(xioctl(fd, CMA_MEM_IOC_ATTACH, &i) == 0, "attach twice");
	CHECK(i.handles == 1, "idempotent: %u", i.handles);
	p = map(fd, 8192, i.mmap_offset);
	CHECK(p != MAP_FAILED && !strcmp((char *)p, "hello"), "data kept");
	if (p != MAP_FAILED)
		munmap(p, 8192);

	fd2 = dev_open();
	memset(&i, 0, sizeof(i));
	i.id = a.id;
	CHECK(xioctl(fd2, CMA_MEM_IOC_ATTACH, &i) == 0, "attach by id");
	CHECK(i.handles == 2, "two handles: %u", i.handles);
	memset(&i, 0, sizeof(i));
	CHECK(xioctl(fd2, CMA_MEM_IOC_ATTACH, &i) == -EINVAL, "neither");
	i.id = a.id;
	strcpy(i.name, "keep");
	CHECK(xioctl(fd2, CMA_MEM_IOC_ATTACH, &i) == -EINVAL, "both");
	memset(&i, 0, sizeof(i));
	strcpy(i.name, "nope");
	CHECK(xioctl(fd2, CMA_MEM_IOC_ATTACH, &i) == -ENOENT, "no such name");
	strcpy(i.name, "bad name");
	CHECK(xioctl(fd2, CMA_MEM_IOC_ATTACH, &i) == -EINVAL, "bad name");

	/* FREE from fd drops its handle and the persistence. */
	CHECK(bfree(fd, a.id) == 0, "free");
	CHECK(info(fd2, a.id, &i) == 0 && i.handles == 1 &&
		      !(i.flags & CMA_MEM_PERSIST),
	      "fd2 still holds it: handles %u flags %x", i.handles, i.flags);
	memset(&i, 0, sizeof(i));
	strcpy(i.name, "keep");
	CHECK(xioctl(fd, CMA_MEM_IOC_ATTACH, &i) == -EINVAL,
	      "no longer persistent");
	CHECK(bfree(fd, a.id) == -EBUSY, "fd holds nothing to free");
	close(fd2);
	CHECK(nr_buffers() == base, "gone: %d", nr_buffers());
	close(fd);

	/* Attaching a buffer that is not persistent. */
	fd = dev_open();
	fd2 = dev_open();
	CHECK(alloc(fd, 4096, 0, "np", &a) == 0, "alloc");
	memset(&i, 0, sizeof(i));
	i.id = a.id;
	CHECK(xioctl(fd2, CMA_MEM_IOC_ATTACH, &i) == -EINVAL, "not persistent");
	CHECK(bfree(fd2, a.id) == -EBUSY, "held by another file");
	close(fd);
	close(fd2);
	CHECK(nr_buffers() == base, "gone: %d", nr_buffers());
}

static void test_list(int fd)
{
	uint32_t ids[8] = { 0 }, got[20];
	struct cma_mem_list l;
	struct cma_mem_alloc a;
	unsigned int n = 0, i;

	for (i = 0; i < 20; i++) {
		CHECK(alloc(fd, 4096, 0, NULL, &a) == 0, "alloc");
		got[i] = a.id;
	}
	memset(&l, 0, sizeof(l));
	l.ids = (uintptr_t)ids;
	l.capacity = 8;
	do {
		int ret = xioctl(fd, CMA_MEM_IOC_LIST, &l);

		CHECK(ret == 0, "list: %d", ret);
		if (ret)
			break;
		for (i = 0; i < l.count; i++) {
			if (i)
				CHECK(ids[i] > ids[i - 1], "increasing");
			if (n < 20)
				CHECK(ids[i] == got[n], "id %u want %u", ids[i],
				      got[n]);
			n++;
		}
		l.start = l.next;
	} while (l.next);
	CHECK(n == 20, "listed %u", n);
	l.flags = 1;
	CHECK(xioctl(fd, CMA_MEM_IOC_LIST, &l) == -EINVAL, "flags");
	l.flags = 0;
	l.reserved = 1;
	CHECK(xioctl(fd, CMA_MEM_IOC_LIST, &l) == -EINVAL, "reserved");
	l.reserved = 0;
	l.start = 0;
	l.ids = 8;
	CHECK(xioctl(fd, CMA_MEM_IOC_LIST, &l) == -EFAULT, "bad pointer");
	l.capacity = 0;
	CHECK(xioctl(fd, CMA_MEM_IOC_LIST, &l) == 0 && l.count == 0 &&
		      l.next == got[0],
	      "capacity 0: next %u", l.next);
	for (i = 0; i < 20; i++)
		bfree(fd, got[i]);
}

/* vmsplice() reaches the pages through get_user_pages(). */
static void test_gup(int fd)
{
	struct cma_mem_alloc a;
	unsigned char *p, buf[4096];
	struct iovec iov;
	int pfd[2], base, i;

	CHECK(alloc(fd, 4096, CMA_MEM_CACHE_CACHED, NULL, &a) == 0, "alloc");
	p = map(fd, 4096, a.mmap_offset);
	CHECK(p != MAP_FAILED, "map");
	if (p == MAP_FAILED)
		return;
	memset(p, 0x3c, 4096);
	CHECK(pipe(pfd) == 0, "pipe");
	iov.iov_base = p;
	iov.iov_len = 4096;
	CHECK(vmsplice(pfd[1], &iov, 1, 0) == 4096, "vmsplice: %m");
	CHECK(read(pfd[0], buf, sizeof(buf)) == 4096 &&
		      all_bytes(buf, 4096, 0x3c),
	      "spliced data");

	/*
	 * Pages still in a pipe after munmap and free: the memory must wait
	 * for the pipe, not go back to CMA under it.
	 */
	base = nr_buffers();
	memset(p, 0x3d, 4096);
	CHECK(vmsplice(pfd[1], &iov, 1, 0) == 4096, "vmsplice 2: %m");
	munmap(p, 4096);
	CHECK(bfree(fd, a.id) == 0, "free");
	CHECK(nr_buffers() == base, "held by the pipe: %d", nr_buffers());
	CHECK(read(pfd[0], buf, sizeof(buf)) == 4096 &&
		      all_bytes(buf, 4096, 0x3d),
	      "spliced data after free");
	close(pfd[0]);
	close(pfd[1]);
	for (i = 0; i < 30 && nr_buffers() == base; i++)
		usleep(100000);
	CHECK(nr_buffers() == base - 1, "freed once the pipe let go: %d",
	      nr_buffers());
}

/* The original driver's ABI. */
struct cmamem_info {
	char *name;
	char is_cache;
	unsigned long id;
	unsigned long offset;
	unsigned long len;
	unsigned long phy_base;
	unsigned long mem_base;
};

#define CMEM_ALLOCATE _IOW('m', 5, unsigned int)

static void test_legacy(int unused __attribute__((unused)))
{
	int base = nr_buffers();
	struct cmamem_info ci;
	unsigned char *p, *q;
	int fd = dev_open();

	memset(&ci, 0, sizeof(ci));
	ci.name = "legacy";
	ci.is_cache = 1; /* ignored: always write-combined */
	ci.len = 10000;
	ci.mem_base = 1;
	CHECK(ioctl(fd, CMEM_ALLOCATE, &ci) == 0, "allocate: %m");
	CHECK(ci.len == 12288 && ci.offset == 0 && ci.id && ci.phy_base &&
		      !ci.mem_base,
	      "len %lu offset %lu id %lu phy %lx", ci.len, ci.offset, ci.id,
	      ci.phy_base);
	p = map(fd, ci.len, 0);
	CHECK(p != MAP_FAILED, "map at 0: %m");
	if (p != MAP_FAILED) {
		CHECK(all_bytes(p, ci.len, 0), "zeroed");
		memset(p, 0xee, ci.len);
	}
	/* A second allocation: offset 0 now maps it. */
	ci.len = 4096;
	CHECK(ioctl(fd, CMEM_ALLOCATE, &ci) == 0, "allocate 2: %m");
	q = map(fd, 4096, 0);
	CHECK(q != MAP_FAILED && q[0] == 0, "offset 0 is the new one");
	CHECK(map(fd, 8192, 0) == MAP_FAILED, "past its end");
	CHECK(ioctl(fd, _IOW('m', 1, unsigned int), &ci) == -1 &&
		      errno == ENOTTY,
	      "legacy 1");
	CHECK(ioctl(fd, _IOW('m', 8, unsigned int), &ci) == -1 &&
		      errno == ENOTTY,
	      "legacy 8");
	ci.len = 0;
	CHECK(ioctl(fd, CMEM_ALLOCATE, &ci) == -1 && errno == EINVAL, "len 0");
	close(fd);
	CHECK(nr_buffers() == base + 2, "mapped ones stay");
	if (p != MAP_FAILED) {
		CHECK(all_bytes(p, 12288, 0xee), "still mapped");
		munmap(p, 12288);
	}
	if (q != MAP_FAILED)
		munmap(q, 4096);
	CHECK(nr_buffers() == base, "freed after close and munmap");
}

/* Another uid cannot touch root's buffers. */
static void test_foreign(int rootfd)
{
	struct cma_mem_alloc a;
	int status, fd;
	pid_t pid;

	CHECK(alloc(rootfd, 4096, CMA_MEM_PERSIST, "rootbuf", &a) == 0,
	      "alloc");
	/* Opened as root, but holding no handle to the buffer. */
	fd = dev_open();
	pid = fork();
	if (!pid) {
		struct cma_mem_info i;
		struct cma_mem_sync s = { .id = a.id,
					  .flags = CMA_MEM_SYNC_FOR_CPU };
		struct cma_mem_list l = { 0 };
		struct cma_mem_alloc b;
		uint32_t ids[4] = { 0 };
		int bad = 0, ret;

		/* The fd was opened as root and stays usable. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(99);
		bad |= (info(fd, a.id, &i) != -EPERM) << 0;
		bad |= (bfree(fd, a.id) != -EPERM) << 1;
		memset(&i, 0, sizeof(i));
		i.id = a.id;
		ret = xioctl(fd, CMA_MEM_IOC_ATTACH, &i);
		if (ret != -EPERM)
			fprintf(stderr, "attach by id: %d\n", ret);
		bad |= (ret != -EPERM) << 2;
		memset(&i, 0, sizeof(i));
		strcpy(i.name, "rootbuf");
		bad |= (xioctl(fd, CMA_MEM_IOC_ATTACH, &i) != -EPERM) << 3;
		ret = xioctl(fd, CMA_MEM_IOC_SYNC, &s);
		if (ret != -EPERM)
			fprintf(stderr, "sync: %d\n", ret);
		bad |= (ret != -EPERM) << 4;
		bad |= (map(fd, 4096, a.mmap_offset) != MAP_FAILED ||
			errno != EACCES)
		       << 5;
		/* Its own buffer: no DMA address without CAP_SYS_RAWIO. */
		bad |= (alloc(fd, 4096, 0, NULL, &b) != 0) << 6;
		bad |= (b.dma_addr != 0) << 7;
		l.ids = (uintptr_t)ids;
		l.capacity = 4;
		bad |= (xioctl(fd, CMA_MEM_IOC_LIST, &l) != 0 || l.count != 1 ||
			ids[0] != b.id)
		       << 8;
		bad |= (info(fd, b.id, &i) != 0 || i.uid != 65534) << 9;
		bfree(fd, b.id);
		if (bad)
			fprintf(stderr, "foreign: failed checks %#x\n", bad);
		_exit(!!bad);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "child: status %x",
	      WEXITSTATUS(status));
	close(fd);
	CHECK(bfree(rootfd, a.id) == 0, "free");
}

/* The debugfs table: header plus one line per buffer. */
static void test_debugfs(int fd)
{
	struct cma_mem_alloc a;
	char line[512];
	int lines = 0, found = 0;
	FILE *f;

	CHECK(alloc(fd, 8192, CMA_MEM_CACHE_CACHED, "dbg", &a) == 0, "alloc");
	f = fopen("/sys/kernel/debug/cma_mem/buffers", "r");
	if (!f) {
		printf("skip debugfs: %m\n");
		bfree(fd, a.id);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (lines++ == 0)
			CHECK(!strncmp(line, "id name size", 12), "header: %s",
			      line);
		else if (strstr(line, " dbg 8192 cached "))
			found++;
		if (verbose)
			printf("%s", line);
	}
	fclose(f);
	CHECK(found == 1, "line for dbg");
	CHECK(lines == nr_buffers() + 1, "lines %d buffers %d", lines,
	      nr_buffers());
	bfree(fd, a.id);
}

/*
 * Lines of the debugfs table, read in small pieces so that seq_file stops and
 * restarts many times; *sorted says whether the ids increase. -1 if absent.
 */
static int debugfs_lines(int *sorted)
{
	int dfd = open("/sys/kernel/debug/cma_mem/buffers", O_RDONLY);
	unsigned int prev = 0;
	size_t have = 0;
	char buf[97];
	int lines = 0;
	ssize_t got;

	*sorted = 1;
	if (dfd < 0)
		return -1;
	while ((got = read(dfd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *end;

		have += got;
		buf[have] = 0;
		while ((end = strchr(line, '\n'))) {
			unsigned int id;

			*end = 0;
			if (lines++ && sscanf(line, "%u", &id) == 1) {
				*sorted &= id > prev;
				prev = id;
			}
			line = end + 1;
		}
		have = strlen(line);
		memmove(buf, line, have);
	}
	close(dfd);
	return lines;
}

/* CmaFree in kB, from /proc/meminfo; -1 without CMA. */
static long cma_free_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CmaFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * 128M in each mode comes out of CMA, and goes back to it. CmaFree moves with
 * the page cache too, which may use free CMA pages: allow some slack.
 */
static void test_cma(int fd)
{
	const long len_kb = 128 << 10, slack_kb = 16 << 10;
	struct cma_mem_alloc a;
	unsigned int m;

	if (cma_free_kb() < 0) {
		printf("skip cma: no CmaFree\n");
		return;
	}
	for (m = 0; m < 3; m++) {
		long before = cma_free_kb(), during, after;
		unsigned char *p;

		CHECK(alloc(fd, len_kb << 10, m, NULL, &a) == 0,
		      "alloc 128M mode %u", m);
		during = cma_free_kb();
		CHECK(before - during > len_kb - slack_kb,
		      "from CMA: %ld kB before, %ld during", before, during);
		p = map(fd, len_kb << 10, a.mmap_offset);
		CHECK(p != MAP_FAILED, "map: %m");
		if (p != MAP_FAILED) {
			CHECK(all_bytes(p, len_kb << 10, 0), "zeroed");
			memset(p, 0xc3, len_kb << 10);
			munmap(p, len_kb << 10);
		}
		bfree(fd, a.id);
		after = cma_free_kb();
		CHECK(after - during > len_kb - slack_kb,
		      "back to CMA: %ld kB during, %ld after", during, after);
	}
}

/*
 * With CMA exhausted, the DMA layer falls back to the page allocator: one
 * page still works, more cannot be mapped page by page and gets ENOMEM.
 */
static void test_cma_exhausted(int fd)
{
	struct cma_mem_alloc big[8], a;
	int n = 0, ret;
	uint64_t size;

	if (cma_free_kb() < 0)
		return;
	/* Take all of CMA, in halving pieces. */
	for (size = 256 << 20; size >= (1 << 20) && n < 8; size /= 2)
		if (!alloc(fd, size, 0, NULL, &big[n]))
			n++;
	while (n < 8 && !alloc(fd, 1 << 20, 0, NULL, &big[n]))
		n++;
	ret = alloc(fd, 4096, 0, NULL, &a);
	CHECK(ret == 0, "one page: %d", ret);
	if (!ret)
		bfree(fd, a.id);
	ret = alloc(fd, 65536, 0, NULL, &a);
	if (!ret) {
		printf("note: 64K still came from CMA (%ld kB free)\n",
		       cma_free_kb());
		bfree(fd, a.id);
	} else {
		CHECK(ret == -ENOMEM, "64K without CMA: %d", ret);
	}
	while (n--)
		bfree(fd, big[n].id);
}

/* 10,000 buffers: LIST pages through them, debugfs streams them. */
static void test_many(int fd)
{
	enum { N = 10000 };
	static uint32_t ids[N], listed[N];
	int base = nr_buffers(), lines, sorted;
	struct cma_mem_list l;
	struct cma_mem_alloc a;
	unsigned int n = 0, i;

	for (i = 0; i < N; i++) {
		if (alloc(fd, 4096, 0, NULL, &a)) {
			CHECK(0, "alloc %u: %m", i);
			break;
		}
		ids[i] = a.id;
	}
	CHECK(nr_buffers() == base + N, "count %d", nr_buffers());

	memset(&l, 0, sizeof(l));
	do {
		l.ids = (uintptr_t)(listed + n);
		l.capacity = N - n;
		if (xioctl(fd, CMA_MEM_IOC_LIST, &l))
			break;
		CHECK(l.count <= 1024, "at most 1024 a call: %u", l.count);
		n += l.count;
		l.start = l.next;
	} while (l.next && n < N);
	CHECK(n == N, "listed %u", n);
	CHECK(!memcmp(ids, listed, sizeof(ids)), "in id order");

	lines = debugfs_lines(&sorted);
	if (lines >= 0)
		CHECK(lines == nr_buffers() + 1 && sorted,
		      "debugfs lines %d sorted %d", lines, sorted);

	for (i = 0; i < N; i++)
		bfree(fd, ids[i]);
	CHECK(nr_buffers() == base, "count %d", nr_buffers());
}

int main(int argc, char **argv)
{
	int fd;

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	pg = sysconf(_SC_PAGESIZE);
	fd = dev_open();

	static void (*const tests[])(int fd) = {
		test_modes_and_sizes, test_alloc_errors, test_other_errors,
		test_mmap,	      test_free_while_mapped, test_fork,
		test_close_frees,     test_persist,	     test_list,
		test_gup,	      test_legacy,	     test_foreign,
		test_debugfs,	      test_many,	     test_cma,
		test_cma_exhausted,
	};
	unsigned int t;

	for (t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
		int base = nr_buffers();

		tests[t](fd);
		CHECK(nr_buffers() == base, "test %u leaves %d buffers, not %d",
		      t, nr_buffers(), base);
	}

	close(fd);
	printf("%s: %d failure(s), %d buffers left\n", argv[0], failures,
	       nr_buffers());
	return failures ? 1 : 0;
}
