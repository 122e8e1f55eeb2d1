// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem buffers: allocation, lookup, holders and references.
 *
 * A buffer has two kinds of users. Holders (file handles, persistence and,
 * for a buffer the dma-heap node made, its dma-buf) make it reachable by id,
 * name and mmap offset. References (holders, VMAs,
 * dma-buf exports) keep its memory. When the last holder goes, the buffer
 * becomes unreachable; when the last reference goes, its memory goes back.
 * Between the two it is "freed, still mapped".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "pool.h"
#include "region.h"
#include "trace.h"

/*
 * mmap page offsets. 0 belongs to the legacy ABI. The end of every range,
 * in bytes, must fit in an unsigned long (do_mmap() refuses more for a
 * character device) and in a signed 64-bit off_t.
 */
#define CMAMEM_PGOFF_MIN 1UL
#define CMAMEM_PGOFF_MAX \
	((unsigned long)(min_t(u64, ULONG_MAX, S64_MAX) >> PAGE_SHIFT) - 1)

/* How often to look again at buffers whose pages are held elsewhere. */
#define CMAMEM_REAP_DELAY HZ

/* Ids stay positive in an int, which is kinder to shells and printf. */
#define CMAMEM_ID_LIMIT XA_LIMIT(1, INT_MAX)

bool cmamem_name_valid(const char name[CMA_MEM_NAME_LEN])
{
	const unsigned char *c = (const unsigned char *)name;
	size_t i;

	/*
	 * Printable ASCII without space, so names are single words in the
	 * debugfs table and on command lines, and without '/', so they can
	 * become file names.
	 */
	for (i = 0; i < CMA_MEM_NAME_LEN && c[i]; i++)
		if (!cma_mem_name_char_valid(c[i]))
			return false;
	/* Zeroes after the terminator, so the bytes can mean more one day. */
	return i < CMA_MEM_NAME_LEN &&
	       !memchr_inv(c + i, 0, CMA_MEM_NAME_LEN - i);
}

/*
 * The largest alignment the DMA layer guarantees: CMA aligns an allocation
 * of 2^n pages to 2^min(n, CONFIG_CMA_ALIGNMENT) pages, and cma_mem allocates
 * at least @align bytes.
 */
static u64 cmamem_max_align(void)
{
#ifdef CONFIG_DMA_CMA
	return (u64)PAGE_SIZE << CONFIG_CMA_ALIGNMENT;
#else
	return PAGE_SIZE;
#endif
}

/*
 * Buffers belong to the effective uid, as SysV IPC objects and files do: a
 * setuid helper's buffers are its own, and a daemon that took a user's euid
 * allocates as, and within the quota of, that user.
 */
static kuid_t cmamem_owner(void)
{
	return current_euid();
}

/*
 * Whether the caller may use @buf: its owner may, and so may CAP_SYS_ADMIN
 * once it has named the buffer explicitly (by id, or by name with the
 * owner's uid: plain names only reach the caller's own buffers). To anyone
 * else the buffer does not exist.
 */
static bool cmamem_may_use(const struct cmamem_buf *buf)
{
	if (uid_eq(buf->uid, cmamem_owner()))
		return true;
	/*
	 * The quiet check decides: an unprivileged caller guessing ids would
	 * otherwise log an LSM denial on every guess. A caller that has the
	 * capability is then really using it, so that use is audited (and
	 * marks the task PF_SUPERPRIV).
	 */
	return has_capability_noaudit(current, CAP_SYS_ADMIN) &&
	       capable(CAP_SYS_ADMIN);
}

/* Names are per owner: the uid is part of the key. */
static u32 cmamem_name_hash(const char *name, kuid_t uid)
{
	return full_name_hash(NULL, name, strlen(name)) ^ __kuid_val(uid);
}

/* A reachable buffer by id, or NULL. */
static struct cmamem_buf *cmamem_buf_find(u32 id)
{
	struct cmamem_buf *buf;

	lockdep_assert_held(&cmamem.lock);
	buf = xa_load(&cmamem.bufs, id);
	return buf && !buf->dead ? buf : NULL;
}

/*
 * @buf, found by id or name, if the caller may use it, else ERR_PTR(-ENOENT):
 * a buffer the caller may not use answers as one that does not exist, so
 * that other users' ids and names cannot be told from free ones.
 */
static struct cmamem_buf *cmamem_buf_usable(struct cmamem_buf *buf)
{
	if (!buf || !cmamem_may_use(buf))
		return ERR_PTR(-ENOENT);
	return buf;
}

/* @uid's reachable buffer called @name, or NULL. */
static struct cmamem_buf *cmamem_buf_find_name(const char *name, kuid_t uid)
{
	struct cmamem_buf *buf;

	lockdep_assert_held(&cmamem.lock);
	hash_for_each_possible(cmamem.names, buf, name_node,
			       cmamem_name_hash(name, uid))
		if (uid_eq(buf->uid, uid) && !strcmp(buf->name, name))
			return buf;
	return NULL;
}

/*
 * Whether each of @buf's pages holds exactly one reference, the allocation's.
 *
 * At allocation: vm_insert_pages() takes a reference on every page it maps,
 * and drops it at munmap. CMA hands out pages with a reference each. When
 * the DMA layer falls back to one high-order buddy allocation instead, only
 * its first page has one, and mapping the others would free them on munmap.
 * Such memory cannot be mapped with its struct pages, so cma_mem refuses it.
 *
 * At release: a mapping's references are gone by the time its VMA closes,
 * but get_user_pages() users can hold theirs for longer: a pipe that
 * vmsplice() filled, O_DIRECT in flight. Giving such pages back to CMA would
 * make it warn, and hand memory still in use to the next cma_alloc().
 */
static bool cmamem_pages_idle(struct cmamem_buf *buf)
{
	struct sg_page_iter it;

	for_each_sgtable_page(&buf->sgt, &it, 0)
		if (page_count(sg_page_iter_page(&it)) != 1)
			return false;
	return true;
}

/* Give back what cmamem_dma_alloc() got from the DMA API. */
static void cmamem_dma_release(struct cmamem_buf *buf)
{
	struct device *dev = buf->region->dev;

	if (cmamem_buf_cache(buf) == CMA_MEM_CACHE_CACHED)
		dma_free_pages(dev, buf->size, buf->page, buf->dma_addr,
			       DMA_BIDIRECTIONAL);
	else
		dma_free_attrs(dev, buf->size, buf->vaddr, buf->dma_addr,
			       buf->attrs);
}

static void cmamem_dma_free(struct cmamem_buf *buf)
{
	sg_free_table(&buf->sgt);
	cmamem_dma_release(buf);
	/* What the pool lent may fit again. */
	if (cmamem_region_is_default(buf->region))
		cmamem_pool_regrow();
}

/**
 * cmamem_clear_pages - zero memory and write the zeroes back to it
 * @page:	the first page
 * @dma_addr:	its DMA address
 * @size:	bytes, a multiple of PAGE_SIZE
 *
 * Through the kernel's cacheable mapping, then synced for the device, so
 * that a WC or UNCACHED mapping, which reads memory, sees the zeroes too.
 * For the pool's freed extents, which nothing else zeroes.
 */
void cmamem_clear_pages(struct page *page, dma_addr_t dma_addr, size_t size)
{
	unsigned long i;

	for (i = 0; i < size >> PAGE_SHIFT; i++) {
		clear_highpage(nth_page(page, i));
		if (!(i % 1024))
			cond_resched();
	}
	dma_sync_single_for_device(cmamem_device(), dma_addr, size,
				   DMA_BIDIRECTIONAL);
}

/**
 * cmamem_alloc_zeroed_pages - dma_alloc_pages(), zeroed once, for CACHED
 *			       buffers and pool chunks
 * @dev:	the region's device (region.h)
 * @size:	bytes, a multiple of PAGE_SIZE
 * @dma_addr:	set to the DMA address
 * @gfp:	for dma_alloc_pages()
 *
 * The DMA layer zeroes this memory, so cma_mem does not zero it again. The
 * API text does not say so, but every implementation our device can reach
 * does, in 6.1 and 6.12 alike: a misc device has no IOMMU and no dma_ops of
 * its own (nor has a region's platform device, whose memory is a CMA area
 * the IOMMU is not asked about), so dma_alloc_pages() is
 * dma_direct_alloc_pages() (kernel/dma/
 * direct.c: memset() after page_address(); its atomic-pool branch through
 * dma_alloc_from_pool(), kernel/dma/pool.c: memset()), and where an IOMMU or
 * arch ops do serve it, dma_common_alloc_pages() (kernel/dma/ops_helpers.c:
 * memset()). The zeroes are written through the cacheable kernel mapping,
 * so they are synced for the device here: that writes them back to memory,
 * where a WC or UNCACHED mapping and the device read. The stale-data tests
 * (attack.bats, pool.bats) check the result on every kernel we test.
 *
 * Return: the first page, or NULL.
 */
struct page *cmamem_alloc_zeroed_pages(struct device *dev, size_t size,
				       dma_addr_t *dma_addr, gfp_t gfp)
{
	struct page *page;

	page = dma_alloc_pages(dev, size, dma_addr, DMA_BIDIRECTIONAL, gfp);
	if (!page)
		return NULL;
	/*
	 * Never true here, but before 6.4 dma-debug tracks this allocation
	 * as a streaming mapping and warns at free time unless it was
	 * checked.
	 */
	if (dma_mapping_error(dev, *dma_addr)) {
		dma_free_pages(dev, size, page, *dma_addr, DMA_BIDIRECTIONAL);
		return NULL;
	}
	dma_sync_single_for_device(dev, *dma_addr, size, DMA_BIDIRECTIONAL);
	return page;
}

/**
 * cmamem_sgt_contig - the page list of physically contiguous memory
 * @sgt:	the table to fill
 * @page:	the first page
 * @size:	bytes, a multiple of PAGE_SIZE
 *
 * A scatterlist entry's length is an unsigned int, so one entry cannot
 * describe 4 GiB or more: cut the memory into consecutive entries of at
 * most CMAMEM_SEG_MAX bytes. 1 GiB keeps every length clear of drivers
 * that hold one in an int.
 *
 * Return: 0 or -ENOMEM.
 */
int cmamem_sgt_contig(struct sg_table *sgt, struct page *page, size_t size)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = sg_alloc_table(sgt, DIV_ROUND_UP(size, CMAMEM_SEG_MAX),
			     GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(sgt, sg, i) {
		size_t len = min_t(size_t, size, CMAMEM_SEG_MAX);

		sg_set_page(sg, page, len, 0);
		page = nth_page(page, len >> PAGE_SHIFT);
		size -= len;
	}
	return 0;
}

/*
 * Whether @buf's memory lies in its region. When a device's CMA area has no
 * room, the DMA layer falls back to the page allocator: for the default
 * region that is still memory for the device, but a device-tree region's
 * buffer must be in the region, or the device behind it may not reach it.
 * (A coherent pool, a carve-out, never falls back.)
 */
static bool cmamem_in_region(const struct cmamem_buf *buf)
{
	const struct cmamem_region *region = buf->region;
	phys_addr_t start;

	if (cmamem_region_is_default(region))
		return true;
	start = dma_to_phys(region->dev, buf->dma_addr);
	return start >= region->base && buf->size <= region->size &&
	       start - region->base <= region->size - buf->size;
}

static int cmamem_dma_alloc(struct cmamem_buf *buf, u64 align)
{
	struct device *dev = buf->region->dev;
	/* User space asks for any size; failing is its answer, not a splat. */
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	int ret;

	if (cmamem_buf_cache(buf) == CMA_MEM_CACHE_CACHED) {
		buf->page = cmamem_alloc_zeroed_pages(dev, buf->size,
						      &buf->dma_addr, gfp);
		if (!buf->page)
			return -ENOMEM;
		ret = cmamem_sgt_contig(&buf->sgt, buf->page, buf->size);
		if (ret)
			goto err_free;
	} else {
		/* dma_alloc_attrs() zeroes. */
		if (cmamem_buf_cache(buf) == CMA_MEM_CACHE_WC)
			buf->attrs = DMA_ATTR_WRITE_COMBINE;
		buf->vaddr = dma_alloc_attrs(dev, buf->size, &buf->dma_addr,
					     gfp, buf->attrs);
		if (!buf->vaddr)
			return -ENOMEM;
		/* A carve-out has no pages: it is mapped by frame number. */
		if (!cmamem_region_has_pages(buf->region))
			goto check;
		/*
		 * The kernel address may be a remapping, so ask the DMA layer
		 * for the pages rather than calling virt_to_page().
		 */
		ret = dma_get_sgtable_attrs(dev, &buf->sgt, buf->vaddr,
					    buf->dma_addr, buf->size,
					    buf->attrs);
		if (ret)
			goto err_free;
		/*
		 * Physically contiguous (no IOMMU), the DMA layer gives one
		 * entry, whose unsigned int length cannot hold 4 GiB or
		 * more: rebuild it in segments from its first page.
		 */
		if (buf->sgt.orig_nents == 1) {
			struct page *page = sg_page(buf->sgt.sgl);

			sg_free_table(&buf->sgt);
			ret = cmamem_sgt_contig(&buf->sgt, page, buf->size);
			if (ret)
				goto err_free;
		}
	}

check:
	if ((align && !IS_ALIGNED(buf->dma_addr, align)) ||
	    !cmamem_pages_idle(buf) || !cmamem_in_region(buf)) {
		ret = -ENOMEM;
		goto err_free_sgt;
	}
	return 0;

err_free_sgt:
	sg_free_table(&buf->sgt);
err_free:
	cmamem_dma_release(buf);
	return ret;
}

/*
 * The one place that decides where a buffer's memory comes from. It sets the
 * source in buf->flags, and @fell_back when the pool had no room for a
 * buffer that then came from CMA.
 */
static int cmamem_buf_alloc_mem(struct cmamem_buf *buf, u64 align,
				bool *fell_back)
{
	u32 want = buf->flags & (CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA);
	/* The pool is made of the default region (cmamem_region_check()). */
	bool dflt = cmamem_region_is_default(buf->region);
	int ret;

	buf->flags &= ~(CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA);
	if (cmamem_should_fail(CMAMEM_FAULT_ALLOC, buf->size))
		return -ENOMEM;
	if (want == CMA_MEM_FROM_POOL ||
	    (want != CMA_MEM_FROM_CMA && dflt && !cmamem_pool_empty())) {
		ret = cmamem_pool_alloc(buf, align);
		if (!ret) {
			buf->flags |= CMA_MEM_FROM_POOL;
			return 0;
		}
		if (want == CMA_MEM_FROM_POOL)
			return ret;
		*fell_back = true;
	}
	buf->flags |= CMA_MEM_FROM_CMA;
	ret = cmamem_dma_alloc(buf, align);
	/* The pool may hold the room CMA lacks: borrow it (pool.c, Lending). */
	if (ret == -ENOMEM && dflt && cmamem_pool_lend()) {
		ret = cmamem_dma_alloc(buf, align);
		if (ret)
			cmamem_pool_regrow();
	}
	return ret;
}

static void cmamem_buf_free_mem(struct cmamem_buf *buf)
{
	if (buf->flags & CMA_MEM_FROM_POOL)
		cmamem_pool_free(buf);
	else
		cmamem_dma_free(buf);
}

/* Give @buf an id, an mmap offset range and a name, and a handle in @cf. */
static int cmamem_buf_publish(struct cmamem_file *cf, struct cmamem_buf *buf,
			      bool legacy)
{
	MA_STATE(mas, &cmamem.offsets, 0, 0);
	unsigned long start;
	int ret;

	lockdep_assert_held(&cmamem.lock);

	if (buf->name[0] && cmamem_buf_find_name(buf->name, buf->uid))
		return -EEXIST;

	ret = xa_alloc_cyclic(&cmamem.bufs, &buf->id, buf, CMAMEM_ID_LIMIT,
			      &cmamem.next_id, GFP_KERNEL);
	if (ret < 0)
		return ret == -EBUSY ? -ENOSPC : ret;

	/*
	 * Lowest free range. mtree_alloc_range() would do this in one call,
	 * but before 6.5 it mishandles an empty tree. cmamem.lock serializes
	 * every writer, so the range stays free between the search and the
	 * insertion.
	 */
	mtree_lock(&cmamem.offsets);
	ret = mas_empty_area(&mas, CMAMEM_PGOFF_MIN, CMAMEM_PGOFF_MAX,
			     buf->nr_pages);
	start = mas.index;
	mtree_unlock(&cmamem.offsets);
	if (ret) {
		ret = -ENOMEM;
		goto err_id;
	}
	ret = mtree_insert_range(&cmamem.offsets, start,
				 start + buf->nr_pages - 1, buf, GFP_KERNEL);
	if (ret)
		goto err_id;
	buf->pgoff = start;

	ret = xa_insert(&cf->handles, buf->id, buf, GFP_KERNEL);
	if (ret)
		goto err_offsets;
	buf->handles = 1;

	if (buf->name[0])
		hash_add(cmamem.names, &buf->name_node,
			 cmamem_name_hash(buf->name, buf->uid));
	if (legacy)
		cf->legacy = buf;
	return 0;

err_offsets:
	mtree_erase(&cmamem.offsets, buf->pgoff);
err_id:
	xa_erase(&cmamem.bufs, buf->id);
	return ret;
}

/* If nothing holds @buf any more, make it unreachable. */
static void cmamem_buf_unpublish(struct cmamem_buf *buf)
{
	lockdep_assert_held(&cmamem.lock);

	if (buf->dead || buf->handles || (buf->flags & CMA_MEM_PERSIST))
		return;
	/* heap.c: the dma-buf is a heap buffer's only holder. */
	if ((buf->flags & CMA_MEM_HEAP) && buf->exports)
		return;
	buf->dead = true;
	if (buf->name[0])
		hash_del(&buf->name_node);
	mtree_erase(&cmamem.offsets, buf->pgoff);
}

/* Drop @cf's handle to @buf; the caller then drops its reference. */
static void cmamem_file_drop(struct cmamem_file *cf, struct cmamem_buf *buf)
{
	lockdep_assert_held(&cmamem.lock);

	xa_erase(&cf->handles, buf->id);
	if (cf->legacy == buf)
		cf->legacy = NULL;
	buf->handles--;
}

static void cmamem_buf_fill_info(struct cmamem_buf *buf,
				 struct cma_mem_info *info)
{
	lockdep_assert_held(&cmamem.lock);

	info->id = buf->id;
	info->flags = buf->flags;
	info->size = buf->size;
	info->mmap_offset = (u64)buf->pgoff << PAGE_SHIFT;
	/*
	 * A physical address is a way into memory: keep it to the trusted.
	 * This only decides what to report, on every ALLOC and INFO: it must
	 * neither log a denial nor count as a use of the capability
	 * (PF_SUPERPRIV, which ns_capable_noaudit() would still set).
	 */
	info->dma_addr = has_capability_noaudit(current, CAP_SYS_RAWIO) ?
			 buf->dma_addr : 0;
	info->uid = from_kuid_munged(current_user_ns(), buf->uid);
	info->handles = buf->handles;
	info->mappings = atomic_read(&buf->mappings);
	info->exports = buf->exports;
	info->effective = CMA_MEM_EFFECTIVE_KNOWN | cmamem_cache_effective(buf);
	memcpy(info->name, buf->name, sizeof(info->name));
	info->region = buf->region->id;
}

/*
 * The memory goes back before the id does: a buffer leaves the table (and
 * the debugfs view of it) only once its pages are free, so whoever sees it
 * gone finds them back in CMA or the pool. Lookups skip it meanwhile, as
 * it is dead.
 */
static void cmamem_buf_destroy(struct cmamem_buf *buf)
{
	cmamem_buf_free_mem(buf);
	trace_cma_mem_release(buf);
	mutex_lock(&cmamem.lock);
	xa_erase(&cmamem.bufs, buf->id);
	mutex_unlock(&cmamem.lock);
	cmamem_uncharge(buf->region, buf->uid, buf->size, true);
	cmamem_region_put(buf->region);
	kfree(buf);
}

/* Free the buffers whose pages have become idle; retry later for the rest. */
static void cmamem_reap(struct work_struct *work)
{
	struct cmamem_buf *buf, *tmp;
	LIST_HEAD(idle);
	bool busy;

	mutex_lock(&cmamem.lock);
	list_for_each_entry_safe(buf, tmp, &cmamem.pinned, pinned_node) {
		if (!cmamem_pages_idle(buf))
			continue;
		list_move(&buf->pinned_node, &idle);
	}
	busy = !list_empty(&cmamem.pinned);
	mutex_unlock(&cmamem.lock);

	list_for_each_entry_safe(buf, tmp, &idle, pinned_node)
		cmamem_buf_destroy(buf);
	if (busy)
		schedule_delayed_work(&cmamem.reap, CMAMEM_REAP_DELAY);
}

static void cmamem_buf_release(struct kref *ref)
{
	struct cmamem_buf *buf = container_of(ref, struct cmamem_buf, ref);

	/* kref_put_mutex() took the lock; @buf is dead, so no lookup finds it. */
	if (!cmamem_pages_idle(buf)) {
		buf->pinned = true;
		list_add_tail(&buf->pinned_node, &cmamem.pinned);
		mutex_unlock(&cmamem.lock);
		schedule_delayed_work(&cmamem.reap, CMAMEM_REAP_DELAY);
		return;
	}
	mutex_unlock(&cmamem.lock);
	cmamem_buf_destroy(buf);
}

void cmamem_buf_put(struct cmamem_buf *buf)
{
	kref_put_mutex(&buf->ref, cmamem_buf_release, &cmamem.lock);
}

/**
 * cmamem_buf_alloc - make a buffer, with a handle to it in @cf
 * @cf:		the file that gets the handle
 * @req:	size, alignment, flags and name, their shape already checked
 * @legacy:	make it @cf's legacy buffer, which mmap maps at offset 0
 * @info:	filled in for the new buffer
 *
 * A failure is counted and kept (cmamem_alloc_failed()) here.
 *
 * Return: 0, -ENODEV for no such region, -EINVAL for an alignment that
 * cannot be guaranteed or flags the region cannot serve
 * (cmamem_region_check()), -ENOMEM, -EEXIST for a name in use, or -ENOSPC or
 * -EDQUOT over a limit (limits.c).
 */
int cmamem_buf_alloc(struct cmamem_file *cf, const struct cmamem_alloc_req *req,
		     bool legacy, struct cma_mem_info *info)
{
	enum cmamem_refusal why = CMAMEM_REFUSED_NONE;
	struct cmamem_region *region;
	u64 start_ns, alloc_ns = 0;
	struct cmamem_buf *buf;
	bool fell_back = false;
	size_t size;
	int ret;

	region = cmamem_region_get(req->region);
	if (IS_ERR(region)) {
		ret = PTR_ERR(region);
		region = NULL;
		goto err;
	}
	ret = cmamem_region_check(region, req->flags);
	if (ret)
		goto err;

	ret = -EINVAL;
	if (req->size > SIZE_MAX - PAGE_SIZE + 1)
		goto err;
	if (req->align > cmamem_max_align())
		goto err;
	size = max_t(size_t, PAGE_ALIGN(req->size), req->align);
	/* Fail early, and before the page allocator can warn about it. */
	ret = -ENOMEM;
	if (size >> PAGE_SHIFT > totalram_pages())
		goto err;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		goto err;
	kref_init(&buf->ref); /* @cf's handle */
	buf->region = region; /* the reference taken above */
	buf->flags = req->flags;
	buf->size = size;
	buf->nr_pages = size >> PAGE_SHIFT;
	buf->uid = cmamem_owner();
	buf->pid = task_tgid_nr(current);
	get_task_comm(buf->comm, current);
	buf->created_ns = ktime_get_boottime_ns();
	if (req->name)
		strscpy_pad(buf->name, req->name, sizeof(buf->name));

	/* Spare a long allocation doomed to fail; publishing checks again. */
	if (buf->name[0]) {
		mutex_lock(&cmamem.lock);
		ret = cmamem_buf_find_name(buf->name, buf->uid) ? -EEXIST : 0;
		mutex_unlock(&cmamem.lock);
		if (ret)
			goto err_free_buf;
	}

	ret = cmamem_charge(region, buf->uid, size, &why);
	if (ret)
		goto err_free_buf;

	start_ns = ktime_get_ns();
	ret = cmamem_buf_alloc_mem(buf, req->align, &fell_back);
	alloc_ns = ktime_get_ns() - start_ns;
	if (ret)
		goto err_uncharge;

	mutex_lock(&cmamem.lock);
	ret = cmamem_buf_publish(cf, buf, legacy);
	if (ret) {
		mutex_unlock(&cmamem.lock);
		goto err_free_mem;
	}
	if (buf->flags & CMA_MEM_PERSIST)
		kref_get(&buf->ref);
	cmamem_buf_fill_info(buf, info);
	/* Under the lock: once published, another thread may free it. */
	trace_cma_mem_alloc(buf->id, buf->size, buf->flags, buf->uid, alloc_ns,
			    0, CMAMEM_REFUSED_NONE, buf->dma_addr,
			    buf->region->name);
	mutex_unlock(&cmamem.lock);
	cmamem_charged(region, size, alloc_ns, buf->flags & CMA_MEM_FROM_POOL,
		       fell_back);
	return 0;

err_free_mem:
	cmamem_buf_free_mem(buf);
err_uncharge:
	cmamem_uncharge(region, buf->uid, size, false);
err_free_buf:
	kfree(buf);
err:
	cmamem_alloc_failed(region, req->size, req->flags, ret, why, alloc_ns);
	if (region)
		cmamem_region_put(region);
	return ret;
}

/**
 * cmamem_buf_free - drop @cf's handle to buffer @id, and its persistence
 * @cf:		the caller's file
 * @id:		the buffer
 *
 * Return: 0, -ENOENT for no such buffer (or one the caller may not use), or
 * -EBUSY if there was nothing to drop: a buffer that is not persistent
 * and that @cf holds no handle to.
 */
int cmamem_buf_free(struct cmamem_file *cf, u32 id)
{
	struct cmamem_buf *buf;
	int refs = 0;
	int ret = 0;

	mutex_lock(&cmamem.lock);
	buf = cmamem_buf_usable(cmamem_buf_find(id));
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto out_unlock;
	}
	if (xa_load(&cf->handles, id)) {
		cmamem_file_drop(cf, buf);
		refs++;
	}
	if (buf->flags & CMA_MEM_PERSIST) {
		buf->flags &= ~CMA_MEM_PERSIST;
		refs++;
	}
	if (!refs) {
		ret = -EBUSY;
		goto out_unlock;
	}
	trace_cma_mem_free(buf, refs, false);
	cmamem_buf_unpublish(buf);
out_unlock:
	mutex_unlock(&cmamem.lock);

	/* Each reference dropped here is one this call owned. */
	while (refs--)
		cmamem_buf_put(buf);
	return ret;
}

/**
 * cmamem_buf_attach - find the persistent buffer ATTACH asks for
 * @cf:		the caller's file
 * @info:	in: id, or 0 and a name (and, with CMA_MEM_ATTACH_BY_UID, the
 *		owner's uid); out: the buffer's info, as it will be once @cf
 *		holds it
 * @bufp:	set to the buffer, with a reference that the caller passes to
 *		cmamem_buf_attach_commit() once the answer reached user space,
 *		or drops with cmamem_buf_put() if it could not
 *
 * A plain name is looked up among the caller's own buffers, whoever the
 * caller is: root reaches another user's buffer only by saying so.
 *
 * Return: 0, -ENOENT (also for a buffer the caller may not use), or -EINVAL
 * for a buffer that is not persistent or a uid that does not map.
 */
int cmamem_buf_attach(struct cmamem_file *cf, struct cma_mem_info *info,
		      struct cmamem_buf **bufp)
{
	kuid_t owner = cmamem_owner();
	struct cmamem_buf *buf;
	int ret = 0;

	if (info->attach_flags & CMA_MEM_ATTACH_BY_UID) {
		owner = make_kuid(current_user_ns(), info->uid);
		if (!uid_valid(owner))
			return -EINVAL;
	}

	mutex_lock(&cmamem.lock);
	if (info->id)
		buf = cmamem_buf_usable(cmamem_buf_find(info->id));
	else
		buf = cmamem_buf_usable(cmamem_buf_find_name(info->name,
							     owner));
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto out_unlock;
	}
	if (!(buf->flags & CMA_MEM_PERSIST)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	kref_get(&buf->ref);
	cmamem_buf_fill_info(buf, info);
	if (!xa_load(&cf->handles, buf->id))
		info->handles++;
	*bufp = buf;
out_unlock:
	mutex_unlock(&cmamem.lock);
	return ret;
}

/**
 * cmamem_buf_attach_commit - give @cf the handle ATTACH found @buf for
 * @cf:		the caller's file
 * @buf:	from cmamem_buf_attach(); its reference becomes the handle's,
 *		or is dropped
 *
 * Called only once the answer is out, so that no handle is made that the
 * caller was not told about. Attaching a buffer @cf already holds changes
 * nothing.
 *
 * Return: 0, -ENOENT if the buffer was freed meanwhile, -EINVAL if it stopped
 * being persistent, or -ENOMEM.
 */
int cmamem_buf_attach_commit(struct cmamem_file *cf, struct cmamem_buf *buf)
{
	int ret = 0;

	mutex_lock(&cmamem.lock);
	if (buf->dead || !(buf->flags & CMA_MEM_PERSIST)) {
		ret = buf->dead ? -ENOENT : -EINVAL;
		goto out_put;
	}
	if (xa_load(&cf->handles, buf->id))
		goto out_put;
	ret = xa_insert(&cf->handles, buf->id, buf, GFP_KERNEL);
	if (ret)
		goto out_put;
	buf->handles++;
	mutex_unlock(&cmamem.lock);
	return 0;

out_put:
	mutex_unlock(&cmamem.lock);
	cmamem_buf_put(buf);
	return ret;
}

/**
 * cmamem_buf_info - describe a buffer
 * @info:	in: id; out: the buffer's info
 *
 * Return: 0, or -ENOENT (also for a buffer the caller may not use).
 */
int cmamem_buf_info(struct cma_mem_info *info)
{
	struct cmamem_buf *buf;
	int ret = 0;

	mutex_lock(&cmamem.lock);
	buf = cmamem_buf_usable(cmamem_buf_find(info->id));
	if (IS_ERR(buf))
		ret = PTR_ERR(buf);
	else
		cmamem_buf_fill_info(buf, info);
	mutex_unlock(&cmamem.lock);
	return ret;
}

/**
 * cmamem_buf_list - the caller's own reachable buffers, by increasing id
 * @start:	the first id to consider
 * @ids:	filled with up to @capacity ids
 * @capacity:	entries @ids holds
 * @count:	set to the entries filled
 * @next:	set to the id to start the next call from, or 0 if none is left
 *
 * Return: 0.
 */
int cmamem_buf_list(u32 start, u32 *ids, u32 capacity, u32 *count, u32 *next)
{
	kuid_t uid = cmamem_owner();
	struct cmamem_buf *buf;
	unsigned long id;
	u32 n = 0;

	*next = 0;
	mutex_lock(&cmamem.lock);
	xa_for_each_start(&cmamem.bufs, id, buf, start) {
		if (buf->dead || !uid_eq(buf->uid, uid))
			continue;
		if (n == capacity) {
			*next = id;
			break;
		}
		ids[n++] = id;
	}
	mutex_unlock(&cmamem.lock);
	*count = n;
	return 0;
}

/**
 * cmamem_buf_sync - cache maintenance on a range of a buffer
 * @id:		the buffer
 * @offset:	bytes into it
 * @length:	bytes, or 0 for the rest of the buffer
 * @dir:	CMA_MEM_SYNC_FOR_CPU or CMA_MEM_SYNC_FOR_DEVICE
 *
 * Only CACHED buffers need it; for the others the CPU mapping does not
 * cache, and this only checks the arguments.
 *
 * Return: 0, -ENOENT (also for a buffer the caller may not use), or -EINVAL
 * for a range outside the buffer.
 */
int cmamem_buf_sync(u32 id, u64 offset, u64 length, u32 dir)
{
	struct cmamem_buf *buf;
	struct device *dev;
	bool cached = false;
	int ret = 0;

	mutex_lock(&cmamem.lock);
	buf = cmamem_buf_usable(cmamem_buf_find(id));
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto out_unlock;
	}
	if (offset >= buf->size) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (!length)
		length = buf->size - offset;
	if (length > buf->size - offset) {
		ret = -EINVAL;
		goto out_unlock;
	}
	trace_cma_mem_sync(buf, offset, length, dir, DMA_BIDIRECTIONAL, false);
	cached = cmamem_buf_cache(buf) == CMA_MEM_CACHE_CACHED;
	if (cached)
		kref_get(&buf->ref);
out_unlock:
	mutex_unlock(&cmamem.lock);
	if (!cached)
		return ret;

	/* Outside the lock: a big buffer can take a while. */
	dev = buf->region->dev;
	if (dir == CMA_MEM_SYNC_FOR_CPU)
		dma_sync_single_for_cpu(dev, buf->dma_addr + offset, length,
					DMA_BIDIRECTIONAL);
	else
		dma_sync_single_for_device(dev, buf->dma_addr + offset, length,
					   DMA_BIDIRECTIONAL);
	cmamem_buf_put(buf);
	return 0;
}

/**
 * cmamem_buf_get_mapping - the buffer an mmap of @cf asks for
 * @cf:		the mapping's file
 * @pgoff:	the mapping's page offset: 0 for @cf's legacy buffer, else
 *		inside a buffer's range
 * @npages:	the mapping's length in pages
 * @first:	set to the buffer page the mapping starts at
 *
 * On success the caller owns a reference for the VMA, taken with
 * cmamem_vma_get().
 *
 * Return: the buffer, ERR_PTR(-EINVAL) for an offset that belongs to no
 * buffer or a range past its end, or ERR_PTR(-EACCES) for a buffer of the
 * caller's that @cf holds no handle to. Another user's buffer that @cf holds
 * no handle to answers as no buffer at all (-EINVAL), root's mappings too:
 * mmap names no owner, and root can ATTACH the buffer by id first.
 */
struct cmamem_buf *cmamem_buf_get_mapping(struct cmamem_file *cf,
					  unsigned long pgoff,
					  unsigned long npages,
					  unsigned long *first)
{
	struct cmamem_buf *buf;

	mutex_lock(&cmamem.lock);
	if (!pgoff) {
		buf = cf->legacy;
		*first = 0;
	} else {
		buf = mtree_load(&cmamem.offsets, pgoff);
		if (buf)
			*first = pgoff - buf->pgoff;
	}
	if (!buf || npages > buf->nr_pages - *first) {
		buf = ERR_PTR(-EINVAL);
		goto out_unlock;
	}
	if (!xa_load(&cf->handles, buf->id)) {
		buf = ERR_PTR(uid_eq(buf->uid, cmamem_owner()) ? -EACCES :
				   -EINVAL);
		goto out_unlock;
	}
	cmamem_vma_get(buf);
out_unlock:
	mutex_unlock(&cmamem.lock);
	return buf;
}

/**
 * cmamem_buf_get_export - a reference to buffer @id for a dma-buf export
 * @cf:		the caller's file, which must hold a handle to it
 * @id:		the buffer
 *
 * The buffer counts the export until cmamem_buf_put_export().
 *
 * Return: the buffer, ERR_PTR(-ENOENT) (also for a buffer the caller may not
 * use), ERR_PTR(-EACCES) for one @cf holds no handle to, or
 * ERR_PTR(-EOPNOTSUPP) for one in a carve-out, which has no struct pages for
 * an importer to map.
 */
struct cmamem_buf *cmamem_buf_get_export(struct cmamem_file *cf, u32 id)
{
	struct cmamem_buf *buf;

	mutex_lock(&cmamem.lock);
	buf = cmamem_buf_usable(cmamem_buf_find(id));
	if (!IS_ERR(buf) && !xa_load(&cf->handles, id))
		buf = ERR_PTR(-EACCES);
	if (!IS_ERR(buf) && !cmamem_region_has_pages(buf->region))
		buf = ERR_PTR(-EOPNOTSUPP);
	if (!IS_ERR(buf)) {
		kref_get(&buf->ref);
		buf->exports++;
	}
	mutex_unlock(&cmamem.lock);
	return buf;
}

void cmamem_buf_put_export(struct cmamem_buf *buf)
{
	mutex_lock(&cmamem.lock);
	buf->exports--;
	/* The dma-buf core frees it once this returns. */
	if (!buf->exports)
		buf->heap_dmabuf = NULL;
	/* A heap buffer's last holder may have been this export. */
	cmamem_buf_unpublish(buf);
	mutex_unlock(&cmamem.lock);
	cmamem_buf_put(buf);
}

/*
 * Page @index of @buf, or NULL past its end. The page list has one entry
 * per segment (cmamem_sgt_contig()), or per page or run of pages from an
 * IOMMU: walk the entries, never assume one.
 */
struct page *cmamem_buf_page(struct cmamem_buf *buf, unsigned long index)
{
	struct scatterlist *sg;
	unsigned long n;
	unsigned int i;

	if (index >= buf->nr_pages)
		return NULL;
	for_each_sgtable_sg(&buf->sgt, sg, i) {
		n = sg->length >> PAGE_SHIFT;
		if (index < n)
			return nth_page(sg_page(sg), index);
		index -= n;
	}
	return NULL;
}

/* Drop every handle @cf holds. */
void cmamem_file_release(struct cmamem_file *cf)
{
	struct cmamem_buf *buf;
	unsigned long id;

	/* One at a time: the puts must happen outside the lock. */
	do {
		id = 0;
		mutex_lock(&cmamem.lock);
		buf = xa_find(&cf->handles, &id, ULONG_MAX, XA_PRESENT);
		if (buf) {
			cmamem_file_drop(cf, buf);
			trace_cma_mem_free(buf, 1, true);
			cmamem_buf_unpublish(buf);
		}
		mutex_unlock(&cmamem.lock);
		if (buf)
			cmamem_buf_put(buf);
	} while (buf);
	xa_destroy(&cf->handles);
}

/*
 * At module unload no file, mapping or export is left (each pins the
 * module), so only persistent buffers remain: free them. Buffers whose pages
 * someone else still holds cannot be freed; they are left to their holders.
 */
void cmamem_buf_release_all(void)
{
	struct cmamem_buf *buf, *tmp;
	unsigned long id;

	do {
		mutex_lock(&cmamem.lock);
		xa_for_each(&cmamem.bufs, id, buf)
			if (buf->flags & CMA_MEM_PERSIST)
				break;
		if (buf) {
			buf->flags &= ~CMA_MEM_PERSIST;
			cmamem_buf_unpublish(buf);
		}
		mutex_unlock(&cmamem.lock);
		if (buf)
			cmamem_buf_put(buf);
	} while (buf);

	cancel_delayed_work_sync(&cmamem.reap);
	cmamem_reap(&cmamem.reap.work);
	cancel_delayed_work_sync(&cmamem.reap);
	list_for_each_entry_safe(buf, tmp, &cmamem.pinned, pinned_node) {
		pr_warn("leaving %zu bytes at %pad to their holders\n",
			buf->size, &buf->dma_addr);
		xa_erase(&cmamem.bufs, buf->id);
		if (buf->flags & CMA_MEM_FROM_POOL)
			cmamem_pool_abandon(buf);
		else
			sg_free_table(&buf->sgt);
		cmamem_region_put(buf->region);
		kfree(buf);
	}
	WARN_ON(!xa_empty(&cmamem.bufs));
}

void cmamem_buf_init(void)
{
	INIT_LIST_HEAD(&cmamem.pinned);
	INIT_DELAYED_WORK(&cmamem.reap, cmamem_reap);
}
