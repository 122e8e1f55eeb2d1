// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libcmamem: one function per ioctl, plus mmap with offset rounding and a
 * LIST that walks every page. Each call reports failure as -errno and leaves
 * no state behind but what the caller holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/cma_mem.h>

#include "cmamem.h"

/* Only the functions marked so leave the shared object (-fvisibility=hidden). */
#define CMAMEM_EXPORT __attribute__((visibility("default")))

/* The public flag values are the uapi's, so no translation is needed. */
_Static_assert(CMAMEM_CACHE_WC == CMA_MEM_CACHE_WC, "flag drift");
_Static_assert(CMAMEM_CACHE_UNCACHED == CMA_MEM_CACHE_UNCACHED, "flag drift");
_Static_assert(CMAMEM_CACHE_CACHED == CMA_MEM_CACHE_CACHED, "flag drift");
_Static_assert(CMAMEM_CACHE_MASK == CMA_MEM_CACHE_MASK, "flag drift");
_Static_assert(CMAMEM_PERSIST == CMA_MEM_PERSIST, "flag drift");
_Static_assert(CMAMEM_FROM_POOL == CMA_MEM_FROM_POOL, "flag drift");
_Static_assert(CMAMEM_FROM_CMA == CMA_MEM_FROM_CMA, "flag drift");
_Static_assert(CMAMEM_HEAP == CMA_MEM_HEAP, "flag drift");
/* The effective mode's bits must stay clear of the uapi's flags. */
_Static_assert(!((CMAMEM_EFFECTIVE_KNOWN |
		  CMAMEM_CACHE_MASK << CMAMEM_EFFECTIVE_SHIFT) &
		 (CMA_MEM_ALLOC_FLAGS | CMA_MEM_HEAP)), "flag overlap");
_Static_assert((unsigned int)CMAMEM_SYNC_FOR_CPU == CMA_MEM_SYNC_FOR_CPU, "flag drift");
_Static_assert((unsigned int)CMAMEM_SYNC_FOR_DEVICE == CMA_MEM_SYNC_FOR_DEVICE, "flag drift");
_Static_assert(CMAMEM_NAME_MAX == CMA_MEM_NAME_MAX, "name length drift");
_Static_assert(CMAMEM_REGION_DEFAULT == CMA_MEM_REGION_DEFAULT, "region drift");
/* The region's bits must stay clear of the uapi's flags and the effective mode. */
_Static_assert(!(((uint32_t)CMAMEM_REGION_MAX << CMAMEM_REGION_SHIFT) &
		 (CMA_MEM_ALLOC_FLAGS | CMA_MEM_HEAP | CMAMEM_EFFECTIVE_KNOWN |
		  CMAMEM_CACHE_MASK << CMAMEM_EFFECTIVE_SHIFT)), "flag overlap");

struct cmamem {
	int fd;
};

/* The ids fetched per LIST call; the loop makes the total unbounded. */
#define LIST_PAGE	256

/* ioctl, retried on EINTR, as 0 or -errno. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/* Copy a name into a kernel name field; -EINVAL if it cannot fit. */
static int put_name(char dst[CMA_MEM_NAME_LEN], const char *name)
{
	size_t len = name ? strlen(name) : 0;

	memset(dst, 0, CMA_MEM_NAME_LEN);
	if (len > CMAMEM_NAME_MAX)
		return -EINVAL;
	if (len)
		memcpy(dst, name, len);
	return 0;
}

/* @flags with region @region's id in its bits; -EOVERFLOW if it cannot fit. */
static int put_region(uint32_t *flags, uint32_t region)
{
	if (region > CMAMEM_REGION_MAX)
		return -EOVERFLOW;
	*flags |= region << CMAMEM_REGION_SHIFT;
	return 0;
}

static int from_kinfo(struct cmamem_info *out, const struct cma_mem_info *k)
{
	uint32_t flags = k->flags;

	if (put_region(&flags, k->region))
		return -EOVERFLOW;
	memset(out, 0, sizeof(*out));
	out->id = k->id;
	out->flags = flags;
	if (k->effective & CMA_MEM_EFFECTIVE_KNOWN)
		out->flags |= CMAMEM_EFFECTIVE_KNOWN |
			      (k->effective & CMA_MEM_CACHE_MASK)
				      << CMAMEM_EFFECTIVE_SHIFT;
	out->size = k->size;
	out->mmap_offset = k->mmap_offset;
	out->dma_addr = k->dma_addr;
	out->uid = k->uid;
	out->handles = k->handles;
	out->mappings = k->mappings;
	out->exports = k->exports;
	/* The kernel NUL-terminates; do not trust it to. */
	memcpy(out->name, k->name, CMAMEM_NAME_MAX);
	out->name[CMAMEM_NAME_MAX] = '\0';
	return 0;
}

CMAMEM_EXPORT const char *cmamem_version(void)
{
	return CMAMEM_VERSION;
}

CMAMEM_EXPORT int cmamem_open(const char *path, struct cmamem **devp)
{
	struct cmamem *dev;
	int fd;

	*devp = NULL;
	if (!path) {
		/* secure_getenv: a setuid user of the library keeps its device. */
		path = secure_getenv(CMAMEM_DEVICE_ENV);
		if (!path || !*path)
			path = CMAMEM_DEFAULT_DEVICE;
	}
	dev = malloc(sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		free(dev);
		return err;
	}
	dev->fd = fd;
	*devp = dev;
	return 0;
}

CMAMEM_EXPORT void cmamem_close(struct cmamem *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

CMAMEM_EXPORT int cmamem_fd(const struct cmamem *dev)
{
	return dev->fd;
}

CMAMEM_EXPORT int cmamem_alloc_region(struct cmamem *dev, uint32_t region,
				      uint64_t size, uint64_t align,
				      uint32_t flags, const char *name,
				      struct cmamem_info *info)
{
	struct cma_mem_alloc req;
	uint32_t out_flags = flags;
	int ret;

	/* Checked first: a buffer made and then unreportable would leak. */
	ret = put_region(&out_flags, region);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	req.size = size;
	req.align = align;
	req.flags = flags;
	req.region = region;
	ret = put_name(req.name, name);
	if (ret)
		return ret;
	ret = xioctl(dev->fd, CMA_MEM_IOC_ALLOC, &req);
	/*
	 * A kernel from before regions takes the struct only with the fields
	 * it knows zero (E2BIG otherwise, see cma_mem(4)): it has no region
	 * of that id.
	 */
	if (ret == -E2BIG && region)
		return -ENODEV;
	if (ret)
		return ret;

	memset(info, 0, sizeof(*info));
	info->id = req.id;
	info->flags = out_flags;
	info->size = req.size;
	info->mmap_offset = req.mmap_offset;
	info->dma_addr = req.dma_addr;
	memcpy(info->name, req.name, CMAMEM_NAME_MAX);
	return 0;
}

CMAMEM_EXPORT int cmamem_alloc(struct cmamem *dev, uint64_t size,
			       uint64_t align, uint32_t flags,
			       const char *name, struct cmamem_info *info)
{
	return cmamem_alloc_region(dev, CMAMEM_REGION_DEFAULT, size, align,
				   flags, name, info);
}

CMAMEM_EXPORT int cmamem_region_id(const char *name, uint32_t *idp)
{
	const char *dir = secure_getenv(CMAMEM_SYSFS_ENV);
	unsigned long long id;
	char path[4096], line[32], *end;
	FILE *f;
	int n;

	if (!name || !*name || *name == '.' || strchr(name, '/'))
		return -EINVAL;
	/* Every kernel has it, those without a regions directory too. */
	if (!strcmp(name, CMAMEM_REGION_DEFAULT_NAME)) {
		*idp = CMAMEM_REGION_DEFAULT;
		return 0;
	}
	if (!dir || !*dir)
		dir = CMAMEM_DEFAULT_SYSFS;
	n = snprintf(path, sizeof(path), "%s/regions/%s/id", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -EINVAL;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT || errno == ENOTDIR ? -ENODEV : -errno;
	n = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	if (!n)
		return -EIO;
	errno = 0;
	id = strtoull(line, &end, 10);
	if (end == line || (*end && *end != '\n') || errno || id > UINT32_MAX)
		return -EIO;
	*idp = (uint32_t)id;
	return 0;
}

/*
 * ATTACH and INFO share a struct: id, or id 0 and a name; for ATTACH by
 * name, @owner (if not NULL) says whose buffer it is.
 */
static int info_ioctl(struct cmamem *dev, unsigned long cmd, uint32_t id,
		      const char *name, const uint32_t *owner,
		      struct cmamem_info *info)
{
	struct cma_mem_info req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.id = id;
	if (owner) {
		req.attach_flags = CMA_MEM_ATTACH_BY_UID;
		req.uid = *owner;
	}
	ret = put_name(req.name, name);
	if (ret)
		return ret;
	ret = xioctl(dev->fd, cmd, &req);
	if (ret)
		return ret;
	return from_kinfo(info, &req);
}

CMAMEM_EXPORT int cmamem_attach(struct cmamem *dev, uint32_t id,
				struct cmamem_info *info)
{
	/* id 0 would mean "by name" to the kernel: not what was asked. */
	if (!id)
		return -ENOENT;
	return info_ioctl(dev, CMA_MEM_IOC_ATTACH, id, NULL, NULL, info);
}

CMAMEM_EXPORT int cmamem_attach_name(struct cmamem *dev, const char *name,
				     struct cmamem_info *info)
{
	if (!name || !*name)
		return -EINVAL;
	return info_ioctl(dev, CMA_MEM_IOC_ATTACH, 0, name, NULL, info);
}

CMAMEM_EXPORT int cmamem_attach_owned(struct cmamem *dev, uint32_t uid,
				      const char *name,
				      struct cmamem_info *info)
{
	if (!name || !*name)
		return -EINVAL;
	return info_ioctl(dev, CMA_MEM_IOC_ATTACH, 0, name, &uid, info);
}

CMAMEM_EXPORT int cmamem_info(struct cmamem *dev, uint32_t id,
			      struct cmamem_info *info)
{
	if (!id)
		return -ENOENT;
	return info_ioctl(dev, CMA_MEM_IOC_INFO, id, NULL, NULL, info);
}

CMAMEM_EXPORT int cmamem_list(struct cmamem *dev, uint32_t **idsp,
			      size_t *countp)
{
	uint32_t *ids = NULL;
	size_t count = 0, cap = 0;
	uint32_t start = 0;

	*idsp = NULL;
	*countp = 0;
	do {
		struct cma_mem_list req;
		int ret;

		/* Always room for one more page, written in place. */
		if (cap - count < LIST_PAGE) {
			uint32_t *grown = realloc(ids, (cap + LIST_PAGE) * sizeof(*ids));

			if (!grown) {
				free(ids);
				return -ENOMEM;
			}
			ids = grown;
			cap += LIST_PAGE;
		}
		/*
		 * The kernel writes the ids through a pointer inside the
		 * struct, which tools like valgrind cannot see: zero the page
		 * so they do not flag the ids as uninitialised.
		 */
		memset(ids + count, 0, LIST_PAGE * sizeof(*ids));
		memset(&req, 0, sizeof(req));
		req.ids = (uintptr_t)(ids + count);
		req.capacity = LIST_PAGE;
		req.start = start;
		ret = xioctl(dev->fd, CMA_MEM_IOC_LIST, &req);
		if (ret) {
			free(ids);
			return ret;
		}
		if (req.count > LIST_PAGE) {
			/* A kernel that overran the array: do not trust it. */
			free(ids);
			return -EIO;
		}
		count += req.count;
		/* next must move forward, or a buggy kernel would loop us. */
		if (req.next && req.next <= start) {
			free(ids);
			return -EIO;
		}
		start = req.next;
	} while (start);

	if (!count) {
		free(ids);
		ids = NULL;
	}
	*idsp = ids;
	*countp = count;
	return 0;
}

CMAMEM_EXPORT int cmamem_free(struct cmamem *dev, uint32_t id)
{
	struct cma_mem_free req;

	memset(&req, 0, sizeof(req));
	req.id = id;
	return xioctl(dev->fd, CMA_MEM_IOC_FREE, &req);
}

static uint64_t page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096;
}

CMAMEM_EXPORT int cmamem_map(struct cmamem *dev,
			     const struct cmamem_info *info, uint64_t offset,
			     uint64_t length, int prot, void **addrp)
{
	uint64_t ps = page_size();
	uint64_t head, span;
	void *p;

	*addrp = NULL;
	if (offset >= info->size)
		return -EINVAL;
	if (!length)
		length = info->size - offset;
	if (length > info->size - offset)
		return -EINVAL;

	/* mmap wants a page-aligned offset: start at the page holding it. */
	head = offset & (ps - 1);
	span = head + length;
	if (span > SIZE_MAX || info->mmap_offset > UINT64_MAX - (offset - head) ||
	    info->mmap_offset + offset - head > (uint64_t)INT64_MAX)
		return -EOVERFLOW;
	p = mmap(NULL, (size_t)span, prot, MAP_SHARED, dev->fd,
		 (off_t)(info->mmap_offset + offset - head));
	if (p == MAP_FAILED)
		return -errno;
	*addrp = (char *)p + head;
	return 0;
}

CMAMEM_EXPORT int cmamem_unmap(void *addr, uint64_t length)
{
	uintptr_t head = (uintptr_t)addr & (uintptr_t)(page_size() - 1);

	if (!addr)
		return -EINVAL;
	if (munmap((char *)addr - head, (size_t)(length + head)))
		return -errno;
	return 0;
}

CMAMEM_EXPORT int cmamem_sync(struct cmamem *dev, uint32_t id,
			      uint64_t offset, uint64_t length,
			      enum cmamem_sync_dir dir)
{
	struct cma_mem_sync req;

	if (dir != CMAMEM_SYNC_FOR_CPU && dir != CMAMEM_SYNC_FOR_DEVICE)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.flags = (uint32_t)dir;
	req.offset = offset;
	req.length = length;
	return xioctl(dev->fd, CMA_MEM_IOC_SYNC, &req);
}

CMAMEM_EXPORT int cmamem_sync_begin(struct cmamem *dev, uint32_t id,
				    uint64_t offset, uint64_t length)
{
	return cmamem_sync(dev, id, offset, length, CMAMEM_SYNC_FOR_CPU);
}

CMAMEM_EXPORT int cmamem_sync_end(struct cmamem *dev, uint32_t id,
				  uint64_t offset, uint64_t length)
{
	return cmamem_sync(dev, id, offset, length, CMAMEM_SYNC_FOR_DEVICE);
}

CMAMEM_EXPORT int cmamem_export(struct cmamem *dev, uint32_t id,
				uint32_t flags, int *fdp)
{
	struct cma_mem_export req;
	int ret;

	*fdp = -1;
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.flags = flags;
	ret = xioctl(dev->fd, CMA_MEM_IOC_EXPORT, &req);
	if (ret)
		return ret;
	*fdp = req.fd;
	return 0;
}
