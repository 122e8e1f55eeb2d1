/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcmamem: a thin C API over /dev/cma_mem (see cma_mem(4)).
 *
 * Conventions, for every function below:
 *  - The return value is 0 on success or a negative errno (-ENOENT, ...),
 *    exactly as the kernel reports it. errno itself is left unspecified.
 *  - Nothing is printed and nothing is global: all state lives in the
 *    struct cmamem a caller opened, so threads may use separate handles
 *    freely. One handle may be shared between threads, since every call is a
 *    single ioctl or mmap on its file descriptor.
 *  - Buffers are named by their id (never 0) or, for ATTACH, by name.
 *
 * Link with `pkg-config --libs cmamem`.
 */
#ifndef CMAMEM_H
#define CMAMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library version; the shared object's soname follows the major number. */
#define CMAMEM_VERSION		"0.1.0"

/* The device used when neither the caller nor $CMAMEM_DEVICE names one. */
#define CMAMEM_DEFAULT_DEVICE	"/dev/cma_mem"
#define CMAMEM_DEVICE_ENV	"CMAMEM_DEVICE"

/*
 * The driver's sysfs directory, where cmamem_region_id() looks regions up
 * (regions/<name>/id), unless $CMAMEM_SYSFS names another.
 */
#define CMAMEM_DEFAULT_SYSFS	"/sys/class/misc/cma_mem"
#define CMAMEM_SYSFS_ENV	"CMAMEM_SYSFS"

/* A name is 1 to 31 bytes of printable ASCII, without space or '/'. */
#define CMAMEM_NAME_MAX		31

/*
 * Allocation flags, the same values as the uapi's CMA_MEM_* (checked at
 * build time in the library), so callers need not include the uapi header.
 */
#define CMAMEM_CACHE_WC		0x0U	/* write-combined: the default */
#define CMAMEM_CACHE_UNCACHED	0x1U
#define CMAMEM_CACHE_CACHED	0x2U	/* needs cmamem_sync_*() around DMA */
#define CMAMEM_CACHE_MASK	0x3U
#define CMAMEM_PERSIST		(1U << 2)	/* outlives this handle */
#define CMAMEM_FROM_POOL	(1U << 3)	/* only the preallocated pool */
#define CMAMEM_FROM_CMA		(1U << 4)	/* never the pool */
/* Reported only: made through the dma-heap node, /dev/dma_heap/<name>. */
#define CMAMEM_HEAP		(1U << 5)

/*
 * cmamem_info() and cmamem_attach*() also report in flags the cache mode the
 * buffer's CPU mappings really get: CMAMEM_EFFECTIVE(flags), a CMAMEM_CACHE_*
 * value, valid when CMAMEM_EFFECTIVE_KNOWN is set (a kernel from before it
 * reports none). On a cache-coherent machine (x86) it is CMAMEM_CACHE_CACHED
 * whatever was asked; see cma_mem(4). Kept in flags so that struct
 * cmamem_info keeps its size.
 */
#define CMAMEM_EFFECTIVE_SHIFT	8
#define CMAMEM_EFFECTIVE_KNOWN	(1U << 10)
#define CMAMEM_EFFECTIVE(flags)	\
	(((flags) >> CMAMEM_EFFECTIVE_SHIFT) & CMAMEM_CACHE_MASK)

/*
 * Regions (cma_mem(4), REGIONS): the default CMA area, region 0, which every
 * kernel has, and those the device tree describes, each with an id (see
 * cmamem_region_id()). cmamem_info(), cmamem_attach*() and
 * cmamem_alloc_region() report the buffer's region in flags:
 * CMAMEM_REGION(flags) is its id (0 from a kernel that predates regions,
 * whose buffers all lie in the default area). Kept in flags, as the
 * effective mode is, so that struct cmamem_info keeps its size; an id above
 * CMAMEM_REGION_MAX does not fit, and those calls fail with -EOVERFLOW.
 */
#define CMAMEM_REGION_DEFAULT		0U
#define CMAMEM_REGION_DEFAULT_NAME	"default"
#define CMAMEM_REGION_SHIFT		16
#define CMAMEM_REGION_MAX		0xffffU
#define CMAMEM_REGION(flags)	\
	(((flags) >> CMAMEM_REGION_SHIFT) & CMAMEM_REGION_MAX)

/* Directions for cmamem_sync(). */
enum cmamem_sync_dir {
	CMAMEM_SYNC_FOR_CPU = 1,	/* before the CPU reads what a device wrote */
	CMAMEM_SYNC_FOR_DEVICE = 2,	/* before a device reads what the CPU wrote */
};

/* An open device: an opaque file descriptor wrapper. */
struct cmamem;

/*
 * What the library knows of a buffer. cmamem_alloc() fills id, flags (those
 * requested), size, mmap_offset, dma_addr and name (cmamem_alloc_region()
 * the region too); cmamem_attach*() and cmamem_info() fill every field from
 * the kernel.
 */
struct cmamem_info {
	uint32_t id;
	uint32_t flags;		/* CMAMEM_CACHE_*, CMAMEM_PERSIST, CMAMEM_FROM_*,
				   CMAMEM_HEAP, CMAMEM_EFFECTIVE_*,
				   CMAMEM_REGION() */
	uint64_t size;		/* bytes, a multiple of the page size */
	uint64_t mmap_offset;	/* the offset of byte 0 for mmap() */
	uint64_t dma_addr;	/* 0 unless the caller has CAP_SYS_RAWIO */
	uint32_t uid;		/* the owner */
	uint32_t handles;	/* open files holding a handle */
	uint32_t mappings;	/* VMAs mapping it */
	uint32_t exports;	/* live dma-bufs */
	char name[CMAMEM_NAME_MAX + 1];	/* "" when unnamed */
};

/**
 * cmamem_version() - the library's version string, CMAMEM_VERSION at build.
 */
const char *cmamem_version(void);

/**
 * cmamem_open() - open the device.
 * @path:	the device node, or NULL for $CMAMEM_DEVICE if set and
 *		non-empty, else CMAMEM_DEFAULT_DEVICE
 * @devp:	out: the handle, for every other call; close it with
 *		cmamem_close()
 *
 * The file is opened O_RDWR | O_CLOEXEC. Errors are open(2)'s (-ENOENT when
 * the module is not loaded, -EACCES for the node's mode), or -ENOMEM.
 */
int cmamem_open(const char *path, struct cmamem **devp);

/**
 * cmamem_close() - close the device and free the handle.
 * @dev:	the handle, or NULL (nothing happens)
 *
 * Non-persistent buffers that only this handle held are freed once their
 * mappings are gone; mappings stay valid until munmap.
 */
void cmamem_close(struct cmamem *dev);

/**
 * cmamem_fd() - the file descriptor underneath, for poll, fstat or raw ioctls.
 * @dev:	the handle
 */
int cmamem_fd(const struct cmamem *dev);

/**
 * cmamem_alloc() - allocate a zeroed, physically contiguous buffer.
 * @dev:	the handle; it holds a handle to the new buffer
 * @size:	bytes, not 0; rounded up to whole pages
 * @align:	0, or a power of two that the DMA address must be a multiple of
 * @flags:	one CMAMEM_CACHE_* mode, optionally CMAMEM_PERSIST and one of
 *		CMAMEM_FROM_POOL or CMAMEM_FROM_CMA
 * @name:	NULL or "" for none, else a unique name (CMAMEM_NAME_MAX)
 * @info:	out: the buffer (see struct cmamem_info)
 *
 * Return: 0; -EINVAL for a bad size, alignment, flag or name (a name that is
 * too long is caught here, before the kernel); -EEXIST if the name is taken;
 * -ENOMEM when CMA (or the pool) has no room; -EDQUOT or -ENOSPC when a
 * limit would be exceeded.
 */
int cmamem_alloc(struct cmamem *dev, uint64_t size, uint64_t align,
		 uint32_t flags, const char *name, struct cmamem_info *info);

/**
 * cmamem_alloc_region() - cmamem_alloc() in region @region (since 0.3).
 * @dev:	the handle; it holds a handle to the new buffer
 * @region:	the region's id: CMAMEM_REGION_DEFAULT, or one that
 *		cmamem_region_id() found
 * @size:	as for cmamem_alloc()
 * @align:	as for cmamem_alloc()
 * @flags:	as for cmamem_alloc(); a carve-out region (memory without
 *		struct pages) takes neither CMAMEM_CACHE_CACHED nor
 *		CMAMEM_FROM_POOL, and no region but the default
 *		CMAMEM_FROM_POOL (the pool is made of the default area)
 * @name:	as for cmamem_alloc()
 * @info:	out: the buffer, its region in flags (CMAMEM_REGION())
 *
 * cmamem_alloc() is cmamem_alloc_region() in CMAMEM_REGION_DEFAULT.
 *
 * Return: as cmamem_alloc(), and -ENODEV for an id no region has (also for
 * any but CMAMEM_REGION_DEFAULT from a kernel that predates regions);
 * -EINVAL for flags the region does not take; -ENOSPC over the region's
 * max_bytes; -ENOMEM when the region has no room; -EOVERFLOW for @region
 * above CMAMEM_REGION_MAX.
 */
int cmamem_alloc_region(struct cmamem *dev, uint32_t region, uint64_t size,
			uint64_t align, uint32_t flags, const char *name,
			struct cmamem_info *info);

/**
 * cmamem_region_id() - the id of the region called @name (since 0.3).
 * @name:	a region's name, as cma_mem(4)'s sysfs directory
 *		regions/<name> has it; "default" (CMAMEM_REGION_DEFAULT_NAME)
 *		is always CMAMEM_REGION_DEFAULT, from any kernel
 * @idp:	out: the id, for cmamem_alloc_region()
 *
 * Reads regions/@name/id in $CMAMEM_SYSFS, else CMAMEM_DEFAULT_SYSFS; needs
 * no handle.
 *
 * Return: 0; -ENODEV if no region has that name (or the driver has no
 * regions directory: not loaded, or older than regions); -EINVAL for an
 * empty name, one with a '/', one that starts with '.', or one too long for
 * a path; -EIO for an id file that holds no number; fopen(3)'s other
 * errors.
 */
int cmamem_region_id(const char *name, uint32_t *idp);

/**
 * cmamem_attach() - take a handle to an existing persistent buffer, by id.
 * @dev:	the handle that will hold the buffer
 * @id:		the buffer id
 * @info:	out: the buffer, including its mmap_offset
 *
 * Return: 0; -ENOENT if there is no such buffer, or if another user owns
 * it and the caller lacks CAP_SYS_ADMIN; -EINVAL if it is not persistent
 * (only its holders reach it); -EOVERFLOW for a region id above
 * CMAMEM_REGION_MAX (see CMAMEM_REGION()).
 */
int cmamem_attach(struct cmamem *dev, uint32_t id, struct cmamem_info *info);

/**
 * cmamem_attach_name() - take a handle to an existing persistent buffer, by
 * name.
 * @dev:	the handle that will hold the buffer
 * @name:	the name of one of the caller's own buffers (names are per
 *		owner, the effective uid); never another user's, even for root
 * @info:	out: the buffer, including its id and mmap_offset
 *
 * Return: as cmamem_attach(), and -EINVAL for an empty or overlong name.
 */
int cmamem_attach_name(struct cmamem *dev, const char *name,
		       struct cmamem_info *info);

/**
 * cmamem_attach_owned() - take a handle to uid @uid's persistent buffer
 * called @name (since 0.2).
 * @dev:	the handle that will hold the buffer
 * @uid:	the owner
 * @name:	the buffer's name among @uid's buffers
 * @info:	out: the buffer, including its id and mmap_offset
 *
 * How root reaches another user's buffer by name. For a caller without
 * CAP_SYS_ADMIN, another uid's buffers do not exist.
 *
 * Return: as cmamem_attach_name(); -EINVAL also from kernels that predate
 * it, and for a uid that does not map into the caller's user namespace.
 */
int cmamem_attach_owned(struct cmamem *dev, uint32_t uid, const char *name,
			struct cmamem_info *info);

/**
 * cmamem_info() - describe a buffer.
 * @dev:	the handle (it need not hold the buffer)
 * @id:		the buffer id
 * @info:	out: the buffer
 *
 * Return: 0; -ENOENT, also for another user's buffer without CAP_SYS_ADMIN;
 * -EOVERFLOW as for cmamem_attach().
 */
int cmamem_info(struct cmamem *dev, uint32_t id, struct cmamem_info *info);

/**
 * cmamem_list() - the ids of all the caller's buffers.
 * @dev:	the handle
 * @idsp:	out: a malloc()ed array in increasing id order, or NULL when
 *		there are none; free() it
 * @countp:	out: the number of ids
 *
 * Walks every page of CMA_MEM_IOC_LIST, so the result is complete, though
 * buffers may come and go while it runs.
 *
 * Return: 0; -ENOMEM; the kernel's error.
 */
int cmamem_list(struct cmamem *dev, uint32_t **idsp, size_t *countp);

/**
 * cmamem_free() - free a buffer: drop this handle's reference and the
 * persistent one.
 * @dev:	the handle
 * @id:		the buffer id
 *
 * The memory goes back once no file, mapping or dma-buf holds it.
 *
 * Return: 0; -ENOENT (as for cmamem_info()); -EBUSY for a non-persistent
 * buffer that another file holds.
 */
int cmamem_free(struct cmamem *dev, uint32_t id);

/**
 * cmamem_map() - map a buffer, or part of it, shared.
 * @dev:	the handle; it must hold the buffer (alloc or attach)
 * @info:	the buffer, as cmamem_alloc() or cmamem_attach*() gave it
 * @offset:	byte offset in the buffer; need not be page-aligned
 * @length:	bytes, or 0 for everything from @offset to the end
 * @prot:	PROT_READ and/or PROT_WRITE
 * @addrp:	out: the address of byte @offset
 *
 * An unaligned @offset maps from the page that holds it, and @addrp points
 * into that page; cmamem_unmap() undoes that rounding.
 *
 * Return: 0; -EINVAL if the range is empty or runs past the end; mmap(2)'s
 * errors (-EACCES when this handle holds no handle to the buffer).
 */
int cmamem_map(struct cmamem *dev, const struct cmamem_info *info,
	       uint64_t offset, uint64_t length, int prot, void **addrp);

/**
 * cmamem_unmap() - undo cmamem_map().
 * @addr:	the address cmamem_map() returned
 * @length:	the length mapped (the resolved one if 0 was passed: the
 *		buffer's size minus the offset)
 *
 * Return: 0 or munmap(2)'s error.
 */
int cmamem_unmap(void *addr, uint64_t length);

/**
 * cmamem_sync() - cache maintenance on a range of a buffer.
 * @dev:	the handle
 * @id:		the buffer
 * @offset:	byte offset
 * @length:	bytes, 0 for to the end
 * @dir:	CMAMEM_SYNC_FOR_CPU or CMAMEM_SYNC_FOR_DEVICE
 *
 * Needed for CMAMEM_CACHE_CACHED buffers; a cheap no-op for the others.
 *
 * Return: 0; -EINVAL for a bad range or direction; -ENOENT (as for
 * cmamem_info()).
 */
int cmamem_sync(struct cmamem *dev, uint32_t id, uint64_t offset,
		uint64_t length, enum cmamem_sync_dir dir);

/**
 * cmamem_sync_begin() - before CPU access: cmamem_sync(..., FOR_CPU).
 * @dev:	the handle
 * @id:		the buffer
 * @offset:	byte offset
 * @length:	bytes, 0 for to the end
 */
int cmamem_sync_begin(struct cmamem *dev, uint32_t id, uint64_t offset,
		      uint64_t length);

/**
 * cmamem_sync_end() - after CPU access, before the device's: cmamem_sync(...,
 * FOR_DEVICE).
 * @dev:	the handle
 * @id:		the buffer
 * @offset:	byte offset
 * @length:	bytes, 0 for to the end
 */
int cmamem_sync_end(struct cmamem *dev, uint32_t id, uint64_t offset,
		    uint64_t length);

/**
 * cmamem_export() - export a buffer as a dma-buf.
 * @dev:	the handle; it must hold the buffer
 * @id:		the buffer
 * @flags:	O_CLOEXEC, and one of O_RDONLY, O_WRONLY, O_RDWR
 * @fdp:	out: the dma-buf file descriptor; close() it
 *
 * The dma-buf holds its own reference: the buffer lives while the fd (or a
 * mapping or importer of it) does, even after cmamem_free().
 *
 * Return: 0; -EINVAL for other @flags; -ENOENT (as for cmamem_info());
 * -EACCES if @dev holds no handle to the buffer; -EOPNOTSUPP for a buffer
 * in a carve-out region, which has no struct pages for an importer;
 * -ENOMEM. cma_mem(4) has the whole list.
 */
int cmamem_export(struct cmamem *dev, uint32_t id, uint32_t flags, int *fdp);

#ifdef __cplusplus
}
#endif

#endif /* CMAMEM_H */
