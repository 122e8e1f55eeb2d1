// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-dmabuf: CMA_MEM_IOC_EXPORT and the dma-buf it makes, through the raw
 * ABI. Run as root in the guest with the module loaded:
 *
 *   tests/c/kmod-dmabuf [-v]
 *
 * Also checks that the module cannot be unloaded while a file, a mapping or
 * a dma-buf is alive. Exits 1 if any check failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
/* Relative, so that it builds without -Iinclude/uapi. */
#include "../../include/uapi/linux/cma_mem.h"

#define DEV "/dev/cma_mem"
#define SYSFS_BUFFERS "/sys/class/misc/cma_mem/buffers"

static int failures, verbose;

#define CHECK(cond, ...)                                               \
	do {                                                           \
		if (!(cond)) {                                         \
			failures++;                                    \
			printf("FAIL %s:%d: %s: ", __func__, __LINE__, \
			       #cond);                                 \
			printf(__VA_ARGS__);                           \
			printf("\n");                                  \
		} else if (verbose) {                                  \
			printf("ok   %s:%d: %s\n", __func__, __LINE__, \
			       #cond);                                 \
		}                                                      \
	} while (0)

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
	memset(i, 0, sizeof(i[0]));
	i->id = id;
	return xioctl(fd, CMA_MEM_IOC_INFO, i);
}

/* The dma-buf fd, or -errno. */
static int export(int fd, uint32_t id, uint32_t flags)
{
	struct cma_mem_export e = { .id = id, .flags = flags };
	int ret = xioctl(fd, CMA_MEM_IOC_EXPORT, &e);

	return ret ? ret : e.fd;
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

static int sync_dmabuf(int dfd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return xioctl(dfd, DMA_BUF_IOCTL_SYNC, &s);
}

/* Whether the module refuses to go: it must, while anything is alive. */
static int unload_refused(void)
{
	return syscall(SYS_delete_module, "cma_mem", O_NONBLOCK) == -1 &&
	       (errno == EWOULDBLOCK || errno == EBUSY);
}

static void test_export(int fd, uint32_t mode)
{
	const size_t len = 1 << 20;
	int base = nr_buffers();
	struct cma_mem_alloc a;
	struct cma_mem_info i;
	unsigned char *p, *q;
	int dfd, dfd2;

	CHECK(alloc(fd, len, mode, "exp", &a) == 0, "alloc mode %u", mode);
	dfd = export(fd, a.id, O_RDWR | O_CLOEXEC);
	CHECK(dfd >= 0, "export: %d", dfd);
	if (dfd < 0)
		return;
	CHECK(fcntl(dfd, F_GETFD) & FD_CLOEXEC, "cloexec");
	CHECK((fcntl(dfd, F_GETFL) & O_ACCMODE) == O_RDWR, "rdwr");
	CHECK(lseek(dfd, 0, SEEK_END) == (off_t)len, "dma-buf size");
	CHECK(info(fd, a.id, &i) == 0 && i.exports == 1, "exports %u",
	      i.exports);
	dfd2 = export(fd, a.id, O_RDONLY);
	CHECK(dfd2 >= 0, "second export: %d", dfd2);
	CHECK(info(fd, a.id, &i) == 0 && i.exports == 2, "exports %u",
	      i.exports);
	CHECK(map(dfd2, len, 0) == MAP_FAILED && errno == EACCES,
	      "read-only dma-buf, writable mapping: %m");
	close(dfd2);
	CHECK(info(fd, a.id, &i) == 0 && i.exports == 1, "exports %u",
	      i.exports);

	p = map(fd, len, a.mmap_offset);
	q = map(dfd, len, 0);
	CHECK(p != MAP_FAILED && q != MAP_FAILED, "maps: %m");
	if (p == MAP_FAILED || q == MAP_FAILED)
		return;
	CHECK(info(fd, a.id, &i) == 0 && i.mappings == 2, "mappings %u",
	      i.mappings);
	CHECK(sync_dmabuf(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0,
	      "sync start");
	memset(q, 0x6b, len);
	CHECK(sync_dmabuf(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0,
	      "sync end");
	CHECK(all_bytes(p, len, 0x6b), "same memory");
	CHECK(sync_dmabuf(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0,
	      "sync start rw");
	CHECK(sync_dmabuf(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0,
	      "sync end rw");
	CHECK(map(dfd, len + 4096, 0) == MAP_FAILED, "past the end");
	CHECK(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, dfd, 0) ==
		      MAP_FAILED,
	      "private");

	/* Free: the export and the mappings keep the memory. */
	munmap(p, len);
	CHECK(bfree(fd, a.id) == 0, "free");
	CHECK(info(fd, a.id, &i) == -ENOENT, "unreachable");
	CHECK(export(fd, a.id, O_RDWR) == -ENOENT, "no export after free");
	CHECK(nr_buffers() == base + 1, "kept by the export");
	CHECK(all_bytes(q, len, 0x6b), "dma-buf mapping valid");
	close(dfd);
	CHECK(nr_buffers() == base + 1, "kept by the mapping");
	q[0] = 1;
	munmap(q, len);
	CHECK(nr_buffers() == base, "freed: %d", nr_buffers());
}

static void test_errors(int fd)
{
	struct cma_mem_export e = { 0 };
	struct cma_mem_alloc a;
	int fd2 = dev_open();
	int status;
	pid_t pid;

	CHECK(alloc(fd, 4096, 0, NULL, &a) == 0, "alloc");
	CHECK(export(fd, a.id, O_ACCMODE) == -EINVAL, "access mode 3");
	CHECK(export(fd, a.id, O_NONBLOCK) == -EINVAL, "O_NONBLOCK");
	CHECK(export(fd, a.id, 1U << 31) == -EINVAL, "flag 1<<31");
	e.id = a.id;
	e.reserved = 1;
	CHECK(xioctl(fd, CMA_MEM_IOC_EXPORT, &e) == -EINVAL, "reserved");
	CHECK(export(fd, 0, O_RDWR) == -ENOENT, "id 0");
	CHECK(export(fd, 0x7ffffff0, O_RDWR) == -ENOENT, "bad id");
	CHECK(export(fd2, a.id, O_RDWR) == -EACCES, "not held");

	pid = fork();
	if (!pid) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(99);
		_exit(export(fd, a.id, O_RDWR) == -EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "foreign: %d",
	      WEXITSTATUS(status));
	bfree(fd, a.id);
	close(fd2);
}

/* Close the file, the mapping and the export in every order. */
static void test_orders(void)
{
	static const char *const orders[] = { "fme", "fem", "mfe",
					      "mef", "efm", "emf" };
	int base = nr_buffers();
	unsigned int o, k;

	for (o = 0; o < 6; o++) {
		struct cma_mem_alloc a;
		int fd = dev_open(), dfd;
		unsigned char *p;

		CHECK(alloc(fd, 65536, CMA_MEM_CACHE_CACHED, NULL, &a) == 0,
		      "alloc");
		p = map(fd, 65536, a.mmap_offset);
		dfd = export(fd, a.id, O_RDWR);
		CHECK(p != MAP_FAILED && dfd >= 0, "map and export");
		if (p == MAP_FAILED || dfd < 0)
			continue;
		for (k = 0; k < 3; k++) {
			CHECK(nr_buffers() == base + 1, "order %s step %u",
			      orders[o], k);
			switch (orders[o][k]) {
			case 'f':
				close(fd);
				break;
			case 'm':
				memset(p, k, 65536);
				munmap(p, 65536);
				break;
			case 'e':
				close(dfd);
				break;
			}
		}
		CHECK(nr_buffers() == base, "order %s: freed", orders[o]);
	}
}

static void test_unload(void)
{
	struct cma_mem_alloc a;
	int fd = dev_open(), dfd;
	unsigned char *p;

	CHECK(unload_refused(), "open file");
	CHECK(alloc(fd, 4096, 0, NULL, &a) == 0, "alloc");
	p = map(fd, 4096, a.mmap_offset);
	dfd = export(fd, a.id, O_RDWR);
	CHECK(p != MAP_FAILED && dfd >= 0, "map and export");
	close(fd);
	CHECK(unload_refused(), "mapping and export");
	munmap(p, 4096);
	CHECK(unload_refused(), "export");
	close(dfd);
}

static void test_bufinfo(int fd)
{
	struct cma_mem_alloc a;
	int dfd;
	FILE *f;

	CHECK(alloc(fd, 8192, 0, "bufinfo-name", &a) == 0, "alloc");
	dfd = export(fd, a.id, O_RDWR);
	CHECK(dfd >= 0, "export");
	f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "r");
	if (f) {
		char line[512];
		int found = 0;

		while (fgets(line, sizeof(line), f))
			if (strstr(line, "bufinfo-name") &&
			    strstr(line, "cma_mem"))
				found = 1;
		fclose(f);
		CHECK(found, "named in bufinfo");
	} else {
		printf("skip bufinfo: %m\n");
	}
	close(dfd);
	bfree(fd, a.id);
}

int main(int argc, char **argv)
{
	int fd;

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	fd = dev_open();

	test_export(fd, CMA_MEM_CACHE_WC);
	test_export(fd, CMA_MEM_CACHE_UNCACHED);
	test_export(fd, CMA_MEM_CACHE_CACHED);
	test_errors(fd);
	test_orders();
	test_bufinfo(fd);
	close(fd);
	test_unload();

	printf("%s: %d failure(s), %d buffers left\n", argv[0], failures,
	       nr_buffers());
	return failures ? 1 : 0;
}
