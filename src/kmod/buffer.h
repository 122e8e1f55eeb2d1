/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cma_mem buffers: one physically contiguous DMA allocation each.
 */
#ifndef _CMAMEM_BUFFER_H
#define _CMAMEM_BUFFER_H

#include <linux/atomic.h>
#include <linux/dma-mapping.h>
#include <linux/kref.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/linux/cma_mem.h>

struct cmamem_file;
struct dma_buf;
struct cmamem_pool_extent;
struct cmamem_region;

/**
 * struct cmamem_buf - one buffer
 * @ref:	one reference per file handle, per VMA, for persistence, per
 *		dma-buf export, and short-lived ones for ioctls in flight. The
 *		memory goes back when the last one drops.
 * @id:		the id, unique among buffers whose memory exists
 * @flags:	cache mode, CMA_MEM_PERSIST while persistent, the source
 *		the memory came from, and CMA_MEM_HEAP for a buffer the
 *		dma-heap node made. Under cmamem.lock.
 * @dead:	no holders (handles, persistence, a heap buffer's dma-buf) left:
 *		the buffer can no longer be found by id, name or offset, but
 *		mappings and exports keep its memory. Under cmamem.lock.
 * @handles:	files holding a handle. Under cmamem.lock.
 * @mappings:	VMAs mapping the buffer
 * @exports:	live dma-bufs exported from the buffer. Under cmamem.lock.
 * @size:	bytes, a multiple of PAGE_SIZE
 * @nr_pages:	@size in pages
 * @pgoff:	first mmap page offset; the buffer owns @nr_pages from there
 * @vaddr:	kernel address of a WC or UNCACHED buffer
 * @page:	first page of a CACHED buffer
 * @dma_addr:	device address
 * @attrs:	DMA attributes the memory was allocated with
 * @sgt:	the pages, for mapping them into user space and into devices
 * @extent:	where in the pool the memory lies, for a pooled buffer
 * @region:	the region the memory lies in, whose device allocated it; the
 *		buffer holds a reference to it
 * @uid:	the owner
 * @pid:	the creating process
 * @comm:	the creating process's name
 * @created_ns:	creation time, boot-time clock
 * @name_node:	in cmamem.names while named and reachable
 * @pinned:	the last reference is gone, but someone else still holds
 *		the pages (see cmamem_pages_idle()). Under cmamem.lock.
 * @pinned_node: in cmamem.pinned while @pinned
 * @name:	the name, zero-padded, or empty
 * @held:	the holder kinds a read of debugfs found in the process it is
 *		looking at, 0 otherwise (debugfs.c). Under cmamem.lock.
 * @held_node:	in that read's list while @held
 * @heap_dmabuf: a CMA_MEM_HEAP buffer's one dma-buf, from its export until
 *		its release, for the name debugfs shows. Under cmamem.lock.
 */
struct cmamem_buf {
	struct kref ref;
	u32 id;
	u32 flags;
	bool dead;
	unsigned int handles;
	atomic_t mappings;
	unsigned int exports;
	size_t size;
	unsigned long nr_pages;
	unsigned long pgoff;
	void *vaddr;
	struct page *page;
	dma_addr_t dma_addr;
	unsigned long attrs;
	struct sg_table sgt;
	struct cmamem_pool_extent *extent;
	struct cmamem_region *region;
	kuid_t uid;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	u64 created_ns;
	struct hlist_node name_node;
	bool pinned;
	struct list_head pinned_node;
	char name[CMA_MEM_NAME_LEN];
	unsigned int held;
	struct list_head held_node;
	struct dma_buf *heap_dmabuf;
};

static inline u32 cmamem_buf_cache(const struct cmamem_buf *buf)
{
	return buf->flags & CMA_MEM_CACHE_MASK;
}

/**
 * struct cmamem_alloc_req - what ALLOC asks for, its shape already checked
 * @size:	bytes, not 0
 * @align:	0 or a power of two
 * @flags:	CMA_MEM_ALLOC_FLAGS, a valid combination
 * @name:	a valid name, or NULL or empty for none
 * @region:	the region's id: CMA_MEM_REGION_DEFAULT (0), or any other
 *		cmamem_buf_alloc() checks
 */
struct cmamem_alloc_req {
	u64 size;
	u64 align;
	u32 flags;
	const char *name;
	u32 region;
};

bool cmamem_name_valid(const char name[CMA_MEM_NAME_LEN]);
void cmamem_clear_pages(struct page *page, dma_addr_t dma_addr, size_t size);
struct page *cmamem_alloc_zeroed_pages(struct device *dev, size_t size,
				       dma_addr_t *dma_addr, gfp_t gfp);

/* The longest page list entry cmamem_sgt_contig() makes. */
#define CMAMEM_SEG_MAX	SZ_1G
int cmamem_sgt_contig(struct sg_table *sgt, struct page *page, size_t size);

int cmamem_buf_alloc(struct cmamem_file *cf, const struct cmamem_alloc_req *req,
		     bool legacy, struct cma_mem_info *info);
int cmamem_buf_free(struct cmamem_file *cf, u32 id);
int cmamem_buf_attach(struct cmamem_file *cf, struct cma_mem_info *info,
		      struct cmamem_buf **bufp);
int cmamem_buf_attach_commit(struct cmamem_file *cf, struct cmamem_buf *buf);
int cmamem_buf_info(struct cma_mem_info *info);
int cmamem_buf_list(u32 start, u32 *ids, u32 capacity, u32 *count, u32 *next);
int cmamem_buf_sync(u32 id, u64 offset, u64 length, u32 dir);

struct cmamem_buf *cmamem_buf_get_mapping(struct cmamem_file *cf,
					  unsigned long pgoff,
					  unsigned long npages,
					  unsigned long *first);
struct cmamem_buf *cmamem_buf_get_export(struct cmamem_file *cf, u32 id);
void cmamem_buf_put_export(struct cmamem_buf *buf);
struct page *cmamem_buf_page(struct cmamem_buf *buf, unsigned long index);
void cmamem_buf_put(struct cmamem_buf *buf);

void cmamem_file_release(struct cmamem_file *cf);
void cmamem_buf_init(void);
void cmamem_buf_release_all(void);

#endif /* _CMAMEM_BUFFER_H */
