/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * cma_mem: physically contiguous DMA buffers for user space.
 *
 * The ABI of /dev/cma_mem. Every struct is made of __u32/__u64 fields with
 * explicit padding, so it has one layout on every architecture and needs no
 * compat ioctl. The driver copies each struct with copy_struct_from_user():
 * an older, shorter struct is zero-extended, and a newer, longer one is
 * accepted as long as the fields this driver does not know are zero. Unknown
 * flags and non-zero reserved fields are rejected with EINVAL, unknown
 * commands with ENOTTY. See cma_mem(4).
 */
#ifndef _UAPI_LINUX_CMA_MEM_H
#define _UAPI_LINUX_CMA_MEM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Names are 1 to CMA_MEM_NAME_MAX (31) bytes of printable ASCII other than
 * space and '/' (cma_mem_name_char_valid(): 0x21-0x7e but '/'),
 * NUL-terminated, and unique among one owner's live buffers: two uids may
 * each have a buffer called "frame". A name is looked up among
 * the caller's own buffers (its effective uid's), unless ATTACH says whose
 * with CMA_MEM_ATTACH_BY_UID.
 */
#define CMA_MEM_NAME_LEN		32
/* The longest name, without its terminator. */
#define CMA_MEM_NAME_MAX		(CMA_MEM_NAME_LEN - 1)
/* The bytes a name may hold: CMA_MEM_NAME_CHAR_MIN to _MAX, but not '/'. */
#define CMA_MEM_NAME_CHAR_MIN		0x21
#define CMA_MEM_NAME_CHAR_MAX		0x7e

static inline int cma_mem_name_char_valid(unsigned char c)
{
	return c >= CMA_MEM_NAME_CHAR_MIN && c <= CMA_MEM_NAME_CHAR_MAX &&
	       c != '/';
}

/*
 * Buffer flags: given to ALLOC, and reported back by ALLOC, ATTACH and INFO.
 *
 * The cache mode is a two-bit field. Write-combined is the default (0).
 * CACHED buffers need CMA_MEM_IOC_SYNC (or DMA_BUF_IOCTL_SYNC on an export)
 * around device access; on a cache-coherent machine that is a cheap no-op.
 */
#define CMA_MEM_CACHE_WC		0x0
#define CMA_MEM_CACHE_UNCACHED		0x1
#define CMA_MEM_CACHE_CACHED		0x2
#define CMA_MEM_CACHE_MASK		0x3
/* The buffer outlives the file that made it, until CMA_MEM_IOC_FREE. */
#define CMA_MEM_PERSIST			(1U << 2)
/*
 * Where the memory comes from. Neither: the preallocated pool first, then
 * CMA. POOL only: fail with ENOMEM if the pool has no room. CMA only: never
 * the pool. Both: EINVAL. INFO reports the source the buffer came from.
 */
#define CMA_MEM_FROM_POOL		(1U << 3)
#define CMA_MEM_FROM_CMA		(1U << 4)
#define CMA_MEM_ALLOC_FLAGS		(CMA_MEM_CACHE_MASK | CMA_MEM_PERSIST | \
					 CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA)
/*
 * Reported only: the buffer was made through the dma-heap node
 * (/dev/dma_heap/<heap_name>), and its dma-buf is its one holder. ALLOC
 * refuses it (EINVAL), as any flag outside CMA_MEM_ALLOC_FLAGS.
 */
#define CMA_MEM_HEAP			(1U << 5)

/* In struct cma_mem_info's effective: the kernel reported it. */
#define CMA_MEM_EFFECTIVE_KNOWN		(1U << 31)

/**
 * struct cma_mem_alloc - CMA_MEM_IOC_ALLOC
 * @size:	in: bytes wanted (not 0); out: bytes allocated: page-aligned,
 *		and at least @align
 * @align:	in: 0, or a power of two; the DMA address is a multiple of it.
 *		Alignments beyond what CMA guarantees (PAGE_SIZE <<
 *		CONFIG_CMA_ALIGNMENT) are refused with EINVAL.
 * @flags:	in: CMA_MEM_ALLOC_FLAGS
 * @id:		out: the buffer id; this file now holds a handle to it
 * @mmap_offset: out: pass to mmap() to map the buffer: a page-aligned byte
 *		offset, never 0 (offset 0 belongs to the legacy ABI)
 * @dma_addr:	out: the device address; 0 unless the caller has
 *		CAP_SYS_RAWIO
 * @name:	in: optional name, unique among the caller's buffers, or all
 *		zero
 * @region:	in: the region to allocate from (cma_mem(4), REGIONS):
 *		CMA_MEM_REGION_DEFAULT, the default CMA area, or the id in
 *		/sys/class/misc/cma_mem/regions/<name>/id of one the device
 *		tree describes. ENODEV for an id no region has.
 * @reserved:	must be zero
 *
 * The buffer belongs to the caller's effective uid, which its quota
 * (max_bytes_per_uid) is charged to.
 *
 * Besides EINVAL for a malformed request, EEXIST for a name the caller
 * already gave a buffer, and ENOMEM when there is no contiguous memory,
 * ALLOC fails with:
 * ENOSPC: a device-wide limit would be exceeded: max_total_bytes (all
 *	buffers' bytes), max_buffers (buffers in existence) or
 *	max_buffer_bytes (this buffer's size); also when no id is left.
 * EDQUOT: the caller's uid would hold more than max_bytes_per_uid bytes,
 *	in all regions together.
 * A region's own max_bytes refuses with ENOSPC too. A carve-out region
 * (memory without struct pages) refuses CMA_MEM_CACHE_CACHED and
 * CMA_MEM_FROM_POOL with EINVAL, and so does any region but the default
 * one CMA_MEM_FROM_POOL: the pool is made of the default area.
 * The limits are in /sys/class/misc/cma_mem/ and are module parameters;
 * 0 means no limit. Sizes count after rounding up to pages, and a buffer
 * counts until its memory is freed (mapped or exported after FREE
 * included). Lowering a limit never frees a buffer; it only refuses new
 * allocations.
 */
struct cma_mem_alloc {
	__u64 size;
	__u64 align;
	__u32 flags;
	__u32 id;
	__u64 mmap_offset;
	__u64 dma_addr;
	char name[CMA_MEM_NAME_LEN];
	__u32 region;
	__u32 reserved;
};

/* The region every kernel has: the default CMA area (cma= or the device tree). */
#define CMA_MEM_REGION_DEFAULT		0

/*
 * CMA_MEM_IOC_ATTACH's attach_flags. BY_UID: look @name up among the buffers
 * of uid @uid rather than the caller's own. Another uid's buffer is found
 * only for a caller with CAP_SYS_ADMIN; for any other it does not exist
 * (ENOENT). Kernels that predate a flag refuse it (EINVAL): attach_flags was
 * part of a reserved field that had to be zero.
 */
#define CMA_MEM_ATTACH_BY_UID		(1U << 0)
#define CMA_MEM_ATTACH_FLAGS		CMA_MEM_ATTACH_BY_UID

/**
 * struct cma_mem_info - CMA_MEM_IOC_INFO, CMA_MEM_IOC_ATTACH
 * @id:		in: the buffer. ATTACH takes exactly one of @id and @name:
 *		@id 0 to look the buffer up by @name, or an empty @name
 * @flags:	out: cache mode, CMA_MEM_PERSIST, and the source
 *		(CMA_MEM_FROM_POOL or CMA_MEM_FROM_CMA)
 * @size:	out: bytes
 * @mmap_offset: out: pass to mmap() to map the buffer
 * @dma_addr:	out: device address, 0 unless the caller has CAP_SYS_RAWIO
 * @uid:	out: the owner (its effective uid when it made the buffer).
 *		ATTACH in, with CMA_MEM_ATTACH_BY_UID: whose buffer @name is
 * @handles:	out: open files holding a handle
 * @mappings:	out: VMAs mapping the buffer
 * @exports:	out: live dma-bufs exported from the buffer
 * @attach_flags: ATTACH in: CMA_MEM_ATTACH_FLAGS, only with @name; INFO:
 *		must be zero
 * @effective:	out only (ignored on the way in, so that an answer can be
 *		passed back as the next request, as it could when this was
 *		reserved): CMA_MEM_EFFECTIVE_KNOWN | the cache
 *		mode (CMA_MEM_CACHE_*) CPU mappings of the buffer really get,
 *		which differs from the one in @flags where the device is
 *		cache-coherent: there every buffer is mapped cacheable, as the
 *		DMA layer maps it (cma_mem(4)). Kernels before this field
 *		leave it zero (it was reserved).
 * @name:	out: the name, or empty (ATTACH: in, when @id is 0)
 * @region:	out only (ignored on the way in, as @effective): the region
 *		the buffer lies in. Kernels before this field leave it zero,
 *		the default region, the only one they had.
 * @reserved:	must be zero
 */
struct cma_mem_info {
	__u32 id;
	__u32 flags;
	__u64 size;
	__u64 mmap_offset;
	__u64 dma_addr;
	__u32 uid;
	__u32 handles;
	__u32 mappings;
	__u32 exports;
	__u32 attach_flags;
	__u32 effective;
	char name[CMA_MEM_NAME_LEN];
	__u32 region;
	__u32 reserved;
};

/**
 * struct cma_mem_free - CMA_MEM_IOC_FREE
 * @id:		the buffer. Drops this file's handle, and the persistent
 *		reference. The memory is released once no file, mapping or
 *		dma-buf holds it.
 * @flags:	must be zero
 */
struct cma_mem_free {
	__u32 id;
	__u32 flags;
};

/**
 * struct cma_mem_list - CMA_MEM_IOC_LIST: the caller's own buffers
 * @ids:	in: user pointer to an array of @capacity __u32
 * @capacity:	in: entries the array holds
 * @count:	out: entries written, in increasing id order. One call writes
 *		at most 1024, whatever @capacity says: follow @next.
 * @start:	in: list ids from this one on (0 or 1 for the first page)
 * @next:	out: @start for the next page, or 0 when this was the last
 * @flags:	must be zero
 * @reserved:	must be zero
 */
struct cma_mem_list {
	__u64 ids;
	__u32 capacity;
	__u32 count;
	__u32 start;
	__u32 next;
	__u32 flags;
	__u32 reserved;
};

/* CMA_MEM_IOC_SYNC directions: exactly one. */
#define CMA_MEM_SYNC_FOR_CPU		(1U << 0)
#define CMA_MEM_SYNC_FOR_DEVICE		(1U << 1)

/**
 * struct cma_mem_sync - CMA_MEM_IOC_SYNC: cache maintenance on a range
 * @id:		the buffer
 * @flags:	CMA_MEM_SYNC_FOR_CPU before the CPU reads what a device
 *		wrote; CMA_MEM_SYNC_FOR_DEVICE before a device reads what the
 *		CPU wrote
 * @offset:	byte offset in the buffer
 * @length:	bytes; 0 means to the end of the buffer
 */
struct cma_mem_sync {
	__u32 id;
	__u32 flags;
	__u64 offset;
	__u64 length;
};

/**
 * struct cma_mem_export - CMA_MEM_IOC_EXPORT: a dma-buf for the buffer
 * @id:		in: the buffer; the caller must hold a handle to it
 * @flags:	in: O_CLOEXEC, and O_RDONLY, O_WRONLY or O_RDWR for the fd
 * @fd:		out: the dma-buf file descriptor
 * @reserved:	must be zero
 *
 * A buffer in a carve-out region has no struct pages for an importer to map:
 * EXPORT refuses it with EOPNOTSUPP.
 */
struct cma_mem_export {
	__u32 id;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

#define CMA_MEM_IOC_MAGIC		0xC7

#define CMA_MEM_IOC_ALLOC	_IOWR(CMA_MEM_IOC_MAGIC, 0x00, struct cma_mem_alloc)
#define CMA_MEM_IOC_FREE	_IOWR(CMA_MEM_IOC_MAGIC, 0x01, struct cma_mem_free)
#define CMA_MEM_IOC_ATTACH	_IOWR(CMA_MEM_IOC_MAGIC, 0x02, struct cma_mem_info)
#define CMA_MEM_IOC_INFO	_IOWR(CMA_MEM_IOC_MAGIC, 0x03, struct cma_mem_info)
#define CMA_MEM_IOC_LIST	_IOWR(CMA_MEM_IOC_MAGIC, 0x04, struct cma_mem_list)
#define CMA_MEM_IOC_SYNC	_IOWR(CMA_MEM_IOC_MAGIC, 0x05, struct cma_mem_sync)
#define CMA_MEM_IOC_EXPORT	_IOWR(CMA_MEM_IOC_MAGIC, 0x06, struct cma_mem_export)

#endif /* _UAPI_LINUX_CMA_MEM_H */
