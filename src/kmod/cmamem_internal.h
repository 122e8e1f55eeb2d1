/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cma_mem: the device and the per-file state, shared by the module's files.
 */
#ifndef _CMAMEM_INTERNAL_H
#define _CMAMEM_INTERNAL_H

#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/maple_tree.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/cma_mem.h>

struct cmamem_buf;
struct cmamem_region;
struct dma_buf;
struct seq_file;

/**
 * struct cmamem_dev - the one cma_mem device
 * @misc:	/dev/cma_mem; its this_device does the DMA allocations
 * @ready:	the device's DMA mask is set: open() may succeed
 * @lock:	guards everything below, the buffers' holder counts and every
 *		file's handle table. Never held across a DMA allocation, which
 *		may migrate pages for seconds, nor across copy_{to,from}_user()
 *		or anything else that can take mmap_lock (mmap and vm_ops take
 *		@lock under mmap_lock).
 * @bufs:	id -> buffer, for every buffer whose memory exists, including
 *		freed ones that are still mapped
 * @next_id:	cursor for cyclic id allocation
 * @names:	name -> buffer, for named buffers that are still reachable
 * @offsets:	mmap page offset range -> buffer, for reachable buffers
 * @pinned:	released buffers whose pages are still held elsewhere
 * @reap:	frees @pinned buffers once their pages are idle
 * @nr_bufs:	buffers in @bufs
 * @used_bytes:	bytes charged by those buffers and by allocations in flight
 * @debugfs:	/sys/kernel/debug/cma_mem
 */
struct cmamem_dev {
	struct miscdevice misc;
	bool ready;
	struct mutex lock; /* see above */
	struct xarray bufs;
	u32 next_id;
	DECLARE_HASHTABLE(names, 8);
	struct maple_tree offsets;
	struct list_head pinned;
	struct delayed_work reap;
	unsigned int nr_bufs;
	u64 used_bytes;
	struct dentry *debugfs;
};

extern struct cmamem_dev cmamem;

static inline struct device *cmamem_device(void)
{
	return cmamem.misc.this_device;
}

/**
 * struct cmamem_file - what one open file of /dev/cma_mem holds
 * @handles:	id -> buffer; each entry holds a buffer reference and counts
 *		in the buffer's handles. Under cmamem.lock.
 * @legacy:	the buffer the last CMEM_ALLOCATE made, which mmap at offset
 *		0 maps; one of @handles, or NULL. Under cmamem.lock.
 */
struct cmamem_file {
	struct xarray handles;
	struct cmamem_buf *legacy;
};

/**
 * struct cmamem_pending - what ATTACH and EXPORT made but give the caller
 *	only once the answer has reached user space (see cmamem_ioctl())
 * @buf:	ATTACH: a buffer reference, to become the file's handle
 * @dmabuf:	EXPORT: the dma-buf, whose file goes in @fd
 * @fd:		EXPORT: the reserved, not yet installed, fd the answer names
 */
struct cmamem_pending {
	struct cmamem_buf *buf;
	struct dma_buf *dmabuf;
	int fd;
};

/* main.c */
int cmamem_parse_bytes(const char *s, u64 *v);
struct cmamem_file *cmamem_file_of(struct file *file);

/* ioctl.c */
long cmamem_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* legacy.c */
bool cmamem_is_legacy_ioctl(unsigned int cmd);
long cmamem_legacy_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg);

/* mmap.c */
int cmamem_mmap(struct file *file, struct vm_area_struct *vma);
void cmamem_vma_get(struct cmamem_buf *buf);
bool cmamem_dma_coherent(void);
u32 cmamem_cache_effective(const struct cmamem_buf *buf);
struct cmamem_buf *cmamem_vma_buf(struct vm_area_struct *vma);
unsigned long cmamem_vma_base(struct vm_area_struct *vma,
			      const struct cmamem_buf *buf);
pgprot_t cmamem_pgprot(struct cmamem_buf *buf, pgprot_t prot);
int cmamem_mmap_buf(struct vm_area_struct *vma, struct cmamem_buf *buf,
		    unsigned long first);

/* dmabuf.c */
int cmamem_export(struct cmamem_file *cf, u32 id, u32 flags,
		  struct cmamem_pending *p);
void cmamem_export_install(struct cmamem_pending *p);
void cmamem_export_abort(struct cmamem_pending *p);
struct cmamem_buf *cmamem_dmabuf_file_buf(struct file *file);

/* heap.c */
int cmamem_heap_init(umode_t mode);
void cmamem_heap_exit(void);

/* debugfs.c */
extern const char *const cmamem_cache_names[CMA_MEM_CACHE_MASK + 1];
void cmamem_comm_word(char dst[TASK_COMM_LEN], const char *src);
void cmamem_debugfs_init(void);
void cmamem_debugfs_exit(void);

/* The fault injection points, each a fault_attr in debugfs. */
enum cmamem_fault {
	CMAMEM_FAULT_ALLOC,	/* fail_alloc: the buffer memory, ENOMEM */
	CMAMEM_FAULT_MAP,	/* fail_map: mmap, ENOMEM */
	CMAMEM_FAULT_EXPORT,	/* fail_export: EXPORT, ENOMEM */
	CMAMEM_FAULT_NR,
};

bool cmamem_should_fail(enum cmamem_fault fault, size_t size);

/* limits.c */

/*
 * Why an allocation failed: the limit that refused it (the limits come right
 * after none), or the kind of failure. cmamem_refusal_names[] spells each
 * one, for the debugfs refusals file and the cma_mem_alloc trace event.
 */
enum cmamem_refusal {
	CMAMEM_REFUSED_NONE,
	CMAMEM_REFUSED_MAX_TOTAL_BYTES,
	CMAMEM_REFUSED_MAX_BUFFER_BYTES,
	CMAMEM_REFUSED_MAX_BUFFERS,
	CMAMEM_REFUSED_MAX_BYTES_PER_UID,
	CMAMEM_REFUSED_MAX_BYTES_PER_UID_UNPRIVILEGED,
	CMAMEM_REFUSED_REGION_MAX_BYTES,	/* the region's max_bytes */
	CMAMEM_REFUSED_NOMEM,		/* CMA or the pool had no memory */
	CMAMEM_REFUSED_BAD_ARG,		/* EINVAL */
	CMAMEM_REFUSED_OTHER,
	CMAMEM_REFUSED_NR,
};

/* The longest of cmamem_refusal_names[], with its terminator. */
#define CMAMEM_REFUSAL_NAME_LEN	32

/* The last refusals the debugfs refusals file shows. */
#define CMAMEM_REFUSALS_KEPT	16

/* Bucket 0 counts under 1 us, bucket b 2^(b-1) to 2^b us; the last is open. */
#define CMAMEM_LATENCY_BUCKETS	24

extern const struct attribute_group *cmamem_groups[];
extern const char *const cmamem_refusal_names[CMAMEM_REFUSED_NR];
int cmamem_charge(struct cmamem_region *region, kuid_t uid, u64 bytes,
		  enum cmamem_refusal *why);
void cmamem_charged(struct cmamem_region *region, u64 bytes, u64 ns,
		    bool pooled, bool fell_back);
void cmamem_uncharge(struct cmamem_region *region, kuid_t uid, u64 bytes,
		     bool freed);
void cmamem_alloc_failed(struct cmamem_region *region, u64 size, u32 flags,
			 int err, enum cmamem_refusal why, u64 latency_ns);
void cmamem_stats_show(struct seq_file *m);
void cmamem_refusals_show(struct seq_file *m);
void cmamem_limits_init(void);
void cmamem_limits_exit(void);

#endif /* _CMAMEM_INTERNAL_H */
