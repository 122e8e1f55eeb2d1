// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cmamem-example: the life of a buffer through libcmamem, as cmamem(3)
 * shows it. Allocate a named CACHED buffer, map it, write to it between
 * the two syncs, export it as a dma-buf and read the bytes back through
 * that, then free it while the dma-buf and the mapping still hold it.
 *
 * Build:  cc -o cmamem-example cmamem-example.c $(pkg-config --cflags --libs cmamem)
 * Run:    ./cmamem-example [NAME]     (the device: $CMAMEM_DEVICE or /dev/cma_mem)
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include <cmamem.h>

#define SIZE	(1024 * 1024)

static const char msg[] = "hello from libcmamem";

/* libcmamem returns -errno: print it with what failed, and fail. */
static int fail(const char *what, int err)
{
	fprintf(stderr, "cmamem-example: %s: %s\n", what, strerror(-err));
	return 1;
}

/* Read the message back through the dma-buf: the same memory. */
static int check_dmabuf(int fd)
{
	struct dma_buf_sync sync = { DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	char *p;
	int same;

	p = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 0;
	same = ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) == 0 &&
	       memcmp(p, msg, sizeof(msg)) == 0;
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync))
		same = 0;
	munmap(p, SIZE);
	return same;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "example";
	struct cmamem_info info;
	struct cmamem *dev;
	const char *what;
	int ret, fd = -1;
	char *p = NULL;

	/* -ENOENT: the module is not loaded; -EACCES: see cma_mem(4)'s mode. */
	ret = cmamem_open(NULL, &dev);
	if (ret)
		return fail("open", ret);

	/* CACHED: fast CPU access, so the syncs below are required. */
	what = "alloc";
	ret = cmamem_alloc(dev, SIZE, 0, CMAMEM_CACHE_CACHED, name, &info);
	if (ret)
		goto out;
	printf("buffer %u \"%s\": %llu bytes\n", info.id, info.name,
	       (unsigned long long)info.size);

	what = "map";
	ret = cmamem_map(dev, &info, 0, 0, PROT_READ | PROT_WRITE, (void **)&p);
	if (ret)
		goto out;
	what = "sync";
	ret = cmamem_sync_begin(dev, info.id, 0, 0);
	if (ret)
		goto out;
	memcpy(p, msg, sizeof(msg));
	/* Before a device reads the buffer: write the CPU's cache back. */
	ret = cmamem_sync_end(dev, info.id, 0, 0);
	if (ret)
		goto out;
	printf("wrote \"%s\"\n", msg);

	what = "export";
	ret = cmamem_export(dev, info.id, O_RDWR | O_CLOEXEC, &fd);
	if (ret)
		goto out;
	printf("dma-buf fd %d: %lld bytes, %s\n", fd, (long long)lseek(fd, 0, SEEK_END),
	       check_dmabuf(fd) ? "the same bytes" : "OTHER BYTES");

	what = "info";
	ret = cmamem_info(dev, info.id, &info);
	if (ret)
		goto out;
	printf("held by %u handle, %u mapping, %u dma-buf\n",
	       info.handles, info.mappings, info.exports);

	/*
	 * Unreachable from now on (info finds no such buffer); its memory
	 * goes back to CMA when the dma-buf and the mapping are gone too.
	 */
	what = "free";
	ret = cmamem_free(dev, info.id);
	if (ret)
		goto out;
	ret = cmamem_info(dev, info.id, &info);
	printf("freed: info now says %s\n", strerror(-ret));
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (p)
		cmamem_unmap(p, info.size);
	/*
	 * The buffer is not persistent, so on an error closing the handle
	 * frees it too: nothing is left behind either way.
	 */
	cmamem_close(dev);
	return ret ? fail(what, ret) : 0;
}
