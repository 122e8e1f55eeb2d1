// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem's pool: physically contiguous chunks taken from CMA ahead of time
 * (pool_size= at load, pool_bytes in sysfs at run time), from which buffers
 * are carved with genalloc. A CMA allocation isolates every page of its
 * range and migrates what is there, which takes tens of milliseconds idle
 * and can stall or fail with EBUSY on a busy system; a pooled one is a
 * bitmap search.
 *
 * Chunks: each has its own gen_pool (best fit, page granularity), so that a
 * chunk nobody uses can be destroyed and its memory given back to CMA;
 * genalloc cannot remove a chunk from a pool. The genalloc addresses are the
 * chunks' DMA addresses, so that an alignment genalloc keeps is one the
 * device sees.
 *
 * Zeroing: the free space genalloc knows about is always zero, written back
 * to memory. A freed extent is dirty: it stays allocated in its gen_pool and
 * waits on @dirty until a work item zeroes it and only then frees it to
 * genalloc; while one is being zeroed (by the work item or inline) it is on
 * @zeroing. So an allocation is handed clean space first, and never dirty
 * space: when no clean space fits, it zeroes a waiting extent itself, or
 * waits for one that someone else is zeroing, and tries again, by which time
 * freed neighbours have merged; only when nothing is dirty is the pool full.
 * Each piece of memory is zeroed once: a new chunk by dma_alloc_pages()
 * (cmamem_alloc_zeroed_pages()), a freed extent here.
 *
 * Cache modes: chunks come from dma_alloc_pages() (cacheable kernel
 * mapping, page-backed, so buffers map with vm_insert_pages() and export as
 * dma-bufs like CMA ones), and the same chunk serves every mode. Zeroes are
 * written through the kernel's cacheable mapping and then synced for the
 * device, which writes them back to memory: a WC or UNCACHED user mapping,
 * which reads memory and not the cache, sees them too.
 *
 * Pages: an extent goes back to genalloc only when its buffer is destroyed,
 * which buffer.c delays until no get_user_pages() user holds its pages.
 *
 * Lending: pool_bytes is a target, not a reservation CMA allocations must
 * fail around. An allocation from CMA that fails takes the pool's wholly
 * unused chunks back to CMA and tries once more (cmamem_pool_lend()); the
 * pool grows back to its target in a work item when a buffer from CMA is
 * freed, or when that retry failed anyway (cmamem_pool_regrow()). So a
 * buffer as large as CMA's free space succeeds with a pool configured, and
 * the pool is refilled when memory allows, never by failing an allocation.
 *
 * Locking: @lock guards the chunk list, @dirty, @zeroing, the counters and
 * genalloc (held over gen_pool_alloc(), which is quick); it is never held
 * while zeroing or while allocating from CMA, and never together with
 * cmamem.lock. @resize_lock serializes resizes. The sysfs files only read,
 * under @lock: they neither zero nor wait (a read has no side effects).
 * Unloading removes them before cmamem_pool_exit() (main.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/genalloc.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "pool.h"
#include "trace.h"

/* Growing tries one chunk of the whole size, then halves down to this. */
#define CMAMEM_POOL_MIN_CHUNK	SZ_1M

/**
 * struct cmamem_pool_chunk - one contiguous allocation from CMA
 * @node:	in cmamem_pool.chunks
 * @gp:		its allocator; addresses are DMA addresses
 * @page:	its first page
 * @dma_addr:	its DMA address
 * @size:	bytes
 * @used_bytes:	bytes in live buffers; the rest is free, clean or dirty
 * @abandoned:	an extent was left to holders of its pages at unload: the
 *		chunk cannot go back to CMA
 */
struct cmamem_pool_chunk {
	struct list_head node;
	struct gen_pool *gp;
	struct page *page;
	dma_addr_t dma_addr;
	size_t size;
	size_t used_bytes;
	bool abandoned;
};

/**
 * struct cmamem_pool_extent - a pooled buffer's memory
 * @node:	in cmamem_pool.dirty once freed, then in .zeroing while zeroed
 * @chunk:	where it lies
 * @addr:	its DMA address, which is its genalloc address
 * @size:	bytes
 */
struct cmamem_pool_extent {
	struct list_head node;
	struct cmamem_pool_chunk *chunk;
	unsigned long addr;
	size_t size;
};

static void cmamem_pool_zero_work(struct work_struct *work);
static void cmamem_pool_regrow_work(struct work_struct *work);

static struct {
	struct mutex lock; /* see the top of this file */
	struct mutex resize_lock; /* serializes resizes */
	struct list_head chunks;
	struct list_head dirty;
	struct list_head zeroing;	/* off @dirty, being zeroed */
	struct work_struct zero_work;
	struct work_struct regrow_work;	/* grows @bytes back to @target */
	wait_queue_head_t zeroed;	/* woken when @zeroed_seq moves */
	unsigned long zeroed_seq;	/* extents zeroed so far */
	size_t bytes;		/* in chunks */
	size_t target;		/* pool_bytes: @bytes less what is lent */
	u64 lends;		/* allocations that took chunks back */
	size_t dirty_bytes;	/* freed, not yet zeroed (both lists) */
	u64 zeroed_background;	/* bytes the work item zeroed */
	u64 zeroed_inline;	/* bytes an allocation had to zero itself */
} cmamem_pool = {
	.lock = __MUTEX_INITIALIZER(cmamem_pool.lock),
	.resize_lock = __MUTEX_INITIALIZER(cmamem_pool.resize_lock),
	.chunks = LIST_HEAD_INIT(cmamem_pool.chunks),
	.dirty = LIST_HEAD_INIT(cmamem_pool.dirty),
	.zeroing = LIST_HEAD_INIT(cmamem_pool.zeroing),
	.zeroed = __WAIT_QUEUE_HEAD_INITIALIZER(cmamem_pool.zeroed),
	/* Initialized here: sysfs can resize before cmamem_pool_init(). */
	.zero_work = __WORK_INITIALIZER(cmamem_pool.zero_work,
					cmamem_pool_zero_work),
	.regrow_work = __WORK_INITIALIZER(cmamem_pool.regrow_work,
					  cmamem_pool_regrow_work),
};

static void cmamem_pool_chunk_free(struct cmamem_pool_chunk *chunk)
{
	gen_pool_destroy(chunk->gp);
	if (chunk->abandoned) {
		pr_warn("leaving a %zu-byte pool chunk at %pad to its holders\n",
			chunk->size, &chunk->dma_addr);
	} else {
		trace_cma_mem_pool_shrink(chunk->size, chunk->dma_addr);
		dma_free_pages(cmamem_device(), chunk->size, chunk->page,
			       chunk->dma_addr, DMA_BIDIRECTIONAL);
	}
	kfree(chunk);
}

/* A new zeroed chunk of @size bytes from CMA, or NULL. */
static struct cmamem_pool_chunk *cmamem_pool_chunk_new(size_t size)
{
	struct device *dev = cmamem_device();
	struct cmamem_pool_chunk *chunk;
	unsigned long i;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return NULL;
	chunk->size = size;
	chunk->page = cmamem_alloc_zeroed_pages(dev, size, &chunk->dma_addr,
						GFP_KERNEL | __GFP_NOWARN);
	if (!chunk->page)
		goto err_free;
	/*
	 * genalloc's addresses are unsigned long, and 0 is its failure: the
	 * chunk must fit in one without wrapping.
	 */
	if (!chunk->dma_addr || chunk->dma_addr != (unsigned long)chunk->dma_addr ||
	    chunk->dma_addr + size - 1 < chunk->dma_addr ||
	    chunk->dma_addr + size - 1 > ULONG_MAX)
		goto err_free_pages;
	/* As for buffers: pages mapped one by one need a reference each. */
	for (i = 0; i < size >> PAGE_SHIFT; i++)
		if (page_count(nth_page(chunk->page, i)) != 1)
			goto err_free_pages;

	chunk->gp = gen_pool_create(PAGE_SHIFT, -1);
	if (!chunk->gp)
		goto err_free_pages;
	gen_pool_set_algo(chunk->gp, gen_pool_best_fit, NULL);
	if (gen_pool_add(chunk->gp, chunk->dma_addr, size, -1))
		goto err_destroy;
	return chunk;

err_destroy:
	gen_pool_destroy(chunk->gp);
err_free_pages:
	dma_free_pages(dev, size, chunk->page, chunk->dma_addr,
		       DMA_BIDIRECTIONAL);
err_free:
	kfree(chunk);
	return NULL;
}

/* Zero one waiting extent and free it to genalloc; false if none waits. */
static bool cmamem_pool_zero_one(bool inline_zero)
{
	struct cmamem_pool_extent *ext;
	u64 start_ns = 0;
	dma_addr_t off;

	mutex_lock(&cmamem_pool.lock);
	ext = list_first_entry_or_null(&cmamem_pool.dirty,
				       struct cmamem_pool_extent, node);
	if (ext)
		list_move_tail(&ext->node, &cmamem_pool.zeroing);
	mutex_unlock(&cmamem_pool.lock);
	if (!ext)
		return false;

	if (trace_cma_mem_pool_zero_enabled())
		start_ns = ktime_get_ns();
	off = ext->addr - ext->chunk->dma_addr;
	cmamem_clear_pages(nth_page(ext->chunk->page, off >> PAGE_SHIFT),
			   ext->addr, ext->size);
	trace_cma_mem_pool_zero(ext->size, ext->addr, inline_zero, start_ns);

	mutex_lock(&cmamem_pool.lock);
	list_del(&ext->node);
	gen_pool_free(ext->chunk->gp, ext->addr, ext->size);
	cmamem_pool.dirty_bytes -= ext->size;
	if (inline_zero)
		cmamem_pool.zeroed_inline += ext->size;
	else
		cmamem_pool.zeroed_background += ext->size;
	cmamem_pool.zeroed_seq++;
	mutex_unlock(&cmamem_pool.lock);
	wake_up_all(&cmamem_pool.zeroed);
	kfree(ext);
	return true;
}

/*
 * Bring the pool one extent closer to clean: zero a waiting extent inline,
 * or else wait until one that someone else is zeroing is done (the work
 * item, or another allocation). False when nothing was dirty.
 */
static bool cmamem_pool_zero_step(void)
{
	unsigned long seq;
	bool busy;

	if (cmamem_pool_zero_one(true))
		return true;
	mutex_lock(&cmamem_pool.lock);
	busy = !list_empty(&cmamem_pool.zeroing);
	seq = cmamem_pool.zeroed_seq;
	mutex_unlock(&cmamem_pool.lock);
	if (!busy)
		return false;
	wait_event(cmamem_pool.zeroed, READ_ONCE(cmamem_pool.zeroed_seq) != seq);
	return true;
}

/*
 * debugfs pool_zero_paused: while set, the work item leaves freed extents
 * dirty, so that tests can prove allocations never see them.
 */
bool cmamem_pool_zero_paused;

static void cmamem_pool_zero_work(struct work_struct *work)
{
	while (!READ_ONCE(cmamem_pool_zero_paused) &&
	       cmamem_pool_zero_one(false))
		cond_resched();
}

/* Make every freed extent clean now, those being zeroed included. */
static void cmamem_pool_zero_all(void)
{
	while (cmamem_pool_zero_step())
		;
}

/* Carve @ext out of clean space, under the lock; false if nothing fits. */
static bool cmamem_pool_take(struct cmamem_pool_extent *ext, u64 align)
{
	struct genpool_data_align data = { .align = align };
	struct cmamem_pool_chunk *chunk;
	unsigned long addr;

	lockdep_assert_held(&cmamem_pool.lock);
	list_for_each_entry(chunk, &cmamem_pool.chunks, node) {
		if (align > PAGE_SIZE)
			addr = gen_pool_alloc_algo(chunk->gp, ext->size,
						   gen_pool_first_fit_align,
						   &data);
		else
			addr = gen_pool_alloc(chunk->gp, ext->size);
		if (addr) {
			ext->chunk = chunk;
			ext->addr = addr;
			chunk->used_bytes += ext->size;
			return true;
		}
	}
	return false;
}

/**
 * cmamem_pool_alloc - give @buf zeroed memory from the pool
 * @buf:	its size and cache mode set
 * @align:	0 or a power of two, at most what CMA guarantees
 *
 * Sets @buf's page, DMA address, sgt and extent.
 *
 * Return: 0, or -ENOMEM if the pool has no room.
 */
int cmamem_pool_alloc(struct cmamem_buf *buf, u64 align)
{
	struct cmamem_pool_extent *ext;
	dma_addr_t off;
	bool found;
	int ret;

	ext = kzalloc(sizeof(*ext), GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	ext->size = buf->size;

	mutex_lock(&cmamem_pool.lock);
	found = cmamem_pool_take(ext, align);
	mutex_unlock(&cmamem_pool.lock);
	/*
	 * The background zeroing is behind: catch up one extent at a time,
	 * and wait for those another allocation is zeroing, which would
	 * otherwise look like a full pool (a spurious ENOMEM or fallback).
	 */
	while (!found && cmamem_pool_zero_step()) {
		mutex_lock(&cmamem_pool.lock);
		found = cmamem_pool_take(ext, align);
		mutex_unlock(&cmamem_pool.lock);
	}
	if (!found) {
		ret = -ENOMEM;
		goto err_free;
	}

	off = ext->addr - ext->chunk->dma_addr;
	buf->page = nth_page(ext->chunk->page, off >> PAGE_SHIFT);
	ret = cmamem_sgt_contig(&buf->sgt, buf->page, buf->size);
	if (ret)
		goto err_give_back;
	buf->dma_addr = ext->addr;
	buf->extent = ext;
	return 0;

err_give_back:
	/* Never handed out: still clean. */
	mutex_lock(&cmamem_pool.lock);
	gen_pool_free(ext->chunk->gp, ext->addr, ext->size);
	ext->chunk->used_bytes -= ext->size;
	mutex_unlock(&cmamem_pool.lock);
err_free:
	kfree(ext);
	return ret;
}

/**
 * cmamem_pool_free - give a pooled buffer's memory back, to be zeroed
 * @buf:	the buffer, whose pages nobody else holds any more
 */
void cmamem_pool_free(struct cmamem_buf *buf)
{
	struct cmamem_pool_extent *ext = buf->extent;

	sg_free_table(&buf->sgt);
	buf->extent = NULL;
	mutex_lock(&cmamem_pool.lock);
	list_add_tail(&ext->node, &cmamem_pool.dirty);
	ext->chunk->used_bytes -= ext->size;
	cmamem_pool.dirty_bytes += ext->size;
	mutex_unlock(&cmamem_pool.lock);
	queue_work(system_unbound_wq, &cmamem_pool.zero_work);
}

/**
 * cmamem_pool_abandon - at unload, leave a pooled buffer's memory to the
 * holders of its pages: its chunk will not go back to CMA
 * @buf:	the buffer
 */
void cmamem_pool_abandon(struct cmamem_buf *buf)
{
	struct cmamem_pool_extent *ext = buf->extent;

	sg_free_table(&buf->sgt);
	buf->extent = NULL;
	mutex_lock(&cmamem_pool.lock);
	/* Free in genalloc only, so that gen_pool_destroy() finds it empty. */
	gen_pool_free(ext->chunk->gp, ext->addr, ext->size);
	ext->chunk->abandoned = true;
	ext->chunk->used_bytes -= ext->size;
	mutex_unlock(&cmamem_pool.lock);
	kfree(ext);
}

/* Whether the pool has no memory at all: then ALLOC's default is CMA. */
bool cmamem_pool_empty(void)
{
	return !READ_ONCE(cmamem_pool.bytes);
}

/* --- resizing --- */

/* Add @want bytes in chunks as large as CMA will give. */
static int cmamem_pool_grow(size_t want)
{
	struct cmamem_pool_chunk *chunk;
	size_t try = want;

	while (want) {
		try = min(try, want);
		chunk = cmamem_pool_chunk_new(try);
		if (!chunk) {
			if (try <= CMAMEM_POOL_MIN_CHUNK)
				return -ENOMEM;
			try = max_t(size_t, PAGE_ALIGN(try / 2),
				    CMAMEM_POOL_MIN_CHUNK);
			continue;
		}
		mutex_lock(&cmamem_pool.lock);
		list_add_tail(&chunk->node, &cmamem_pool.chunks);
		WRITE_ONCE(cmamem_pool.bytes, cmamem_pool.bytes + try);
		mutex_unlock(&cmamem_pool.lock);
		/* Resizes are serialized: no shrink can free it meanwhile. */
		trace_cma_mem_pool_grow(chunk->size, chunk->dma_addr);
		want -= try;
	}
	return 0;
}

static bool cmamem_pool_chunk_unused(struct cmamem_pool_chunk *chunk)
{
	return gen_pool_avail(chunk->gp) == chunk->size;
}

/*
 * Free wholly unused chunks until the pool is at most @target bytes. A chunk
 * larger than the excess is freed, and the difference regrown, only when no
 * smaller one will do.
 */
static int cmamem_pool_shrink(size_t target)
{
	struct cmamem_pool_chunk *chunk, *pick, *tmp;
	size_t regrow = 0;
	LIST_HEAD(gone);

	/* Dirty extents hold their chunks: make them clean first. */
	cmamem_pool_zero_all();

	mutex_lock(&cmamem_pool.lock);
	while (cmamem_pool.bytes > target) {
		size_t excess = cmamem_pool.bytes - target;

		pick = NULL;
		/* The largest unused chunk that fits in the excess... */
		list_for_each_entry(chunk, &cmamem_pool.chunks, node)
			if (cmamem_pool_chunk_unused(chunk) &&
			    chunk->size <= excess &&
			    (!pick || chunk->size > pick->size))
				pick = chunk;
		/* ...else the smallest unused one, partly regrown. */
		if (!pick) {
			list_for_each_entry(chunk, &cmamem_pool.chunks, node)
				if (cmamem_pool_chunk_unused(chunk) &&
				    (!pick || chunk->size < pick->size))
					pick = chunk;
			if (pick)
				regrow = pick->size - excess;
		}
		if (!pick)
			break;
		list_move(&pick->node, &gone);
		WRITE_ONCE(cmamem_pool.bytes, cmamem_pool.bytes - pick->size);
		if (regrow)
			break;
	}
	mutex_unlock(&cmamem_pool.lock);

	list_for_each_entry_safe(chunk, tmp, &gone, node)
		cmamem_pool_chunk_free(chunk);
	if (regrow)
		return cmamem_pool_grow(regrow);
	return READ_ONCE(cmamem_pool.bytes) > target ? -EBUSY : 0;
}

/*
 * Make the pool @bytes, and its target: -ENOMEM if CMA could not give all
 * of a growth (what it gave stays), -EBUSY if chunks in use kept a shrink
 * short; either way the target is then what the pool is.
 */
static int cmamem_pool_resize(size_t bytes)
{
	int ret = 0;

	bytes = PAGE_ALIGN(bytes);
	mutex_lock(&cmamem_pool.resize_lock);
	if (bytes > cmamem_pool.bytes)
		ret = cmamem_pool_grow(bytes - cmamem_pool.bytes);
	else if (bytes < cmamem_pool.bytes)
		ret = cmamem_pool_shrink(bytes);
	WRITE_ONCE(cmamem_pool.target, ret ? cmamem_pool.bytes : bytes);
	mutex_unlock(&cmamem_pool.resize_lock);
	return ret;
}

/* --- lending to CMA allocations (see the top of this file) --- */

/**
 * cmamem_pool_lend - give every wholly unused chunk back to CMA
 *
 * For an allocation from CMA that has just failed. Which chunks lie next to
 * CMA's own free space is not known here, so all unused ones go; the target
 * stays, and cmamem_pool_regrow() brings them back.
 *
 * Return: the bytes given back; 0 if there were none, and a retry is
 * pointless.
 */
size_t cmamem_pool_lend(void)
{
	struct cmamem_pool_chunk *chunk, *tmp;
	size_t lent = 0;
	LIST_HEAD(gone);

	mutex_lock(&cmamem_pool.resize_lock);
	/* Dirty extents hold their chunks: make them clean first. */
	cmamem_pool_zero_all();
	mutex_lock(&cmamem_pool.lock);
	list_for_each_entry_safe(chunk, tmp, &cmamem_pool.chunks, node) {
		if (!cmamem_pool_chunk_unused(chunk))
			continue;
		list_move(&chunk->node, &gone);
		lent += chunk->size;
	}
	WRITE_ONCE(cmamem_pool.bytes, cmamem_pool.bytes - lent);
	if (lent)
		cmamem_pool.lends++;
	mutex_unlock(&cmamem_pool.lock);
	/* Under resize_lock, so that no regrowth races the borrower for it. */
	list_for_each_entry_safe(chunk, tmp, &gone, node)
		cmamem_pool_chunk_free(chunk);
	mutex_unlock(&cmamem_pool.resize_lock);
	return lent;
}

/*
 * Grow back towards the target. What CMA cannot give now stays lent until
 * the next chance (cmamem_pool_regrow()); a partial growth keeps its chunks.
 */
static void cmamem_pool_regrow_work(struct work_struct *work)
{
	mutex_lock(&cmamem_pool.resize_lock);
	if (cmamem_pool.bytes < cmamem_pool.target)
		cmamem_pool_grow(cmamem_pool.target - cmamem_pool.bytes);
	mutex_unlock(&cmamem_pool.resize_lock);
}

/**
 * cmamem_pool_regrow - refill lent chunks in the background
 *
 * Called when CMA memory may have come free: a buffer from CMA was freed,
 * or a borrower's retry failed and left what it was lent unused.
 */
void cmamem_pool_regrow(void)
{
	if (READ_ONCE(cmamem_pool.bytes) < READ_ONCE(cmamem_pool.target))
		queue_work(system_unbound_wq, &cmamem_pool.regrow_work);
}

/**
 * cmamem_pool_init - reserve the pool at load time
 * @bytes:	the pool_size parameter
 *
 * A pool smaller than asked is a warning, not a failed load: buffers still
 * come from CMA.
 */
void cmamem_pool_init(size_t bytes)
{
	if (bytes > (size_t)totalram_pages() << PAGE_SHIFT) {
		pr_warn("pool_size=%zu is more than all memory: no pool\n",
			bytes);
		return;
	}
	if (bytes && cmamem_pool_resize(bytes))
		pr_warn("pool: got %zu of the %zu bytes of pool_size from CMA\n",
			cmamem_pool.bytes, (size_t)PAGE_ALIGN(bytes));
}

/*
 * At unload, after every buffer is gone and the sysfs and debugfs files that
 * read the pool are removed (main.c): give every chunk back.
 */
void cmamem_pool_exit(void)
{
	struct cmamem_pool_extent *ext, *etmp;
	struct cmamem_pool_chunk *chunk, *ctmp;

	/* No regrowth after this: every buffer is gone (main.c). */
	mutex_lock(&cmamem_pool.resize_lock);
	WRITE_ONCE(cmamem_pool.target, 0);
	mutex_unlock(&cmamem_pool.resize_lock);
	cancel_work_sync(&cmamem_pool.regrow_work);
	cancel_work_sync(&cmamem_pool.zero_work);
	/* Nothing else is zeroing: no file is open. */
	WARN_ON(!list_empty(&cmamem_pool.zeroing));
	/* No need to zero what goes back to CMA. */
	list_for_each_entry_safe(ext, etmp, &cmamem_pool.dirty, node) {
		gen_pool_free(ext->chunk->gp, ext->addr, ext->size);
		list_del(&ext->node);
		kfree(ext);
	}
	list_for_each_entry_safe(chunk, ctmp, &cmamem_pool.chunks, node) {
		list_del(&chunk->node);
		cmamem_pool_chunk_free(chunk);
	}
	cmamem_pool.bytes = 0;
	cmamem_pool.dirty_bytes = 0;
}

/* --- what it holds --- */

/* For cmamem_pool_largest_run(): a pool chunk, and the answer so far. */
struct cmamem_pool_run {
	struct cmamem_pool_chunk *chunk;
	unsigned long *bits;	/* scratch, a page per bit */
	size_t largest;
};

/*
 * Copy into @bits which pages of @gc genalloc has allocated, a bit a page,
 * and return how many pages @gc has. genalloc has no call that answers
 * where its free space lies, only how much there is: this is the one place
 * that reads its bitmap (struct gen_pool_chunk, <linux/genalloc.h>). Every
 * pool gen_pool has page granularity (min_alloc_order PAGE_SHIFT).
 */
static unsigned long cmamem_pool_chunk_bitmap(struct gen_pool *gp,
					      struct gen_pool_chunk *gc,
					      unsigned long *bits)
{
	unsigned long nbits = (gc->end_addr - gc->start_addr + 1) >>
			      gp->min_alloc_order;

	bitmap_copy(bits, gc->bits, nbits);
	return nbits;
}

/*
 * The longest run of free pages in @run's chunk, in bytes, counting its
 * dirty extents (allocated in genalloc until zeroed) as free.
 */
static void cmamem_pool_largest_run(struct gen_pool *gp,
				    struct gen_pool_chunk *gc, void *data)
{
	struct cmamem_pool_run *run = data;
	struct cmamem_pool_chunk *chunk = run->chunk;
	struct cmamem_pool_extent *ext;
	unsigned long start, end, nbits;
	struct list_head *lists[] = {
		&cmamem_pool.dirty, &cmamem_pool.zeroing,
	};
	unsigned int i;

	nbits = cmamem_pool_chunk_bitmap(gp, gc, run->bits);
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(ext, lists[i], node)
			if (ext->chunk == chunk)
				bitmap_clear(run->bits,
					     (ext->addr - chunk->dma_addr) >>
					     PAGE_SHIFT,
					     ext->size >> PAGE_SHIFT);
	for (start = find_first_zero_bit(run->bits, nbits); start < nbits;
	     start = find_next_zero_bit(run->bits, nbits, end)) {
		end = find_next_bit(run->bits, nbits, start);
		run->largest = max_t(size_t, run->largest,
				     (end - start) << PAGE_SHIFT);
	}
}

/*
 * The largest buffer an allocation could get now: free space, with freed
 * extents that wait to be zeroed counted as free, since an allocation that
 * needs them zeroes them itself and they merge with their neighbours. A
 * report only: nothing is zeroed, and nothing waits but for the lock.
 */
static ssize_t cmamem_pool_largest_free(size_t *largest)
{
	struct cmamem_pool_run run = { };
	struct cmamem_pool_chunk *chunk;
	ssize_t ret = 0;

	mutex_lock(&cmamem_pool.lock);
	list_for_each_entry(chunk, &cmamem_pool.chunks, node) {
		run.chunk = chunk;
		/* Each gen_pool has the one chunk of chunk->size bytes. */
		run.bits = bitmap_alloc(chunk->size >> PAGE_SHIFT, GFP_KERNEL);
		if (!run.bits) {
			ret = -ENOMEM;
			break;
		}
		gen_pool_for_each_chunk(chunk->gp, cmamem_pool_largest_run,
					&run);
		bitmap_free(run.bits);
	}
	mutex_unlock(&cmamem_pool.lock);
	*largest = run.largest;
	return ret;
}

/* Bytes in live buffers, under the lock: each chunk counts its own. */
static size_t cmamem_pool_used_bytes(void)
{
	struct cmamem_pool_chunk *chunk;
	size_t used = 0;

	lockdep_assert_held(&cmamem_pool.lock);
	list_for_each_entry(chunk, &cmamem_pool.chunks, node)
		used += chunk->used_bytes;
	return used;
}

static size_t cmamem_pool_clean_bytes(void)
{
	struct cmamem_pool_chunk *chunk;
	size_t clean = 0;

	mutex_lock(&cmamem_pool.lock);
	list_for_each_entry(chunk, &cmamem_pool.chunks, node)
		clean += gen_pool_avail(chunk->gp);
	mutex_unlock(&cmamem_pool.lock);
	return clean;
}

/* The pool's lines of the debugfs stats file. */
void cmamem_pool_stats_show(struct seq_file *m)
{
	unsigned int chunks = 0;
	struct cmamem_pool_chunk *chunk;

	mutex_lock(&cmamem_pool.lock);
	list_for_each_entry(chunk, &cmamem_pool.chunks, node)
		chunks++;
	seq_printf(m, "pool_chunks %u\n", chunks);
	seq_printf(m, "pool_lends %llu\n", cmamem_pool.lends);
	seq_printf(m, "pool_zeroed_background_bytes %llu\n",
		   cmamem_pool.zeroed_background);
	seq_printf(m, "pool_zeroed_inline_bytes %llu\n",
		   cmamem_pool.zeroed_inline);
	mutex_unlock(&cmamem_pool.lock);
}

/**
 * cmamem_pool_chunks_show - the debugfs pool_chunks file
 * @m:		the file
 *
 * The header, then "dma_addr size used_bytes" per chunk, in the order
 * allocations try them. Only reads, under the lock.
 */
void cmamem_pool_chunks_show(struct seq_file *m)
{
	struct cmamem_pool_chunk *chunk;

	/* The column names are an interface: keep them. */
	seq_puts(m, "dma_addr size used_bytes\n");
	mutex_lock(&cmamem_pool.lock);
	list_for_each_entry(chunk, &cmamem_pool.chunks, node)
		seq_printf(m, "%pad %zu %zu\n", &chunk->dma_addr, chunk->size,
			   chunk->used_bytes);
	mutex_unlock(&cmamem_pool.lock);
}

/* --- sysfs: /sys/class/misc/cma_mem/pool_* --- */

/* The target: what the pool holds, and what it has lent (pool_lent_bytes). */
static ssize_t pool_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *page)
{
	return sysfs_emit(page, "%zu\n", READ_ONCE(cmamem_pool.target));
}

/*
 * A size in memparse() syntax (64M). Growing that CMA cannot satisfy in
 * full fails with ENOMEM, shrinking that chunks in use keep short with
 * EBUSY; either way pool_bytes then says what the pool is.
 */
static ssize_t pool_bytes_store(struct device *dev,
				struct device_attribute *attr,
				const char *page, size_t count)
{
	u64 v;
	int ret;

	/* Pairs with the release in cmamem_init(), after the DMA mask. */
	if (!smp_load_acquire(&cmamem.ready))
		return -EAGAIN;
	if (cmamem_parse_bytes(page, &v))
		return -EINVAL;
	if (v > (u64)totalram_pages() << PAGE_SHIFT)
		return -ENOMEM;
	ret = cmamem_pool_resize(v);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(pool_bytes);

static ssize_t pool_used_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *page)
{
	size_t v;

	mutex_lock(&cmamem_pool.lock);
	v = cmamem_pool_used_bytes();
	mutex_unlock(&cmamem_pool.lock);
	return sysfs_emit(page, "%zu\n", v);
}
static DEVICE_ATTR_RO(pool_used_bytes);

/* Free includes freed extents still waiting to be zeroed. */
static ssize_t pool_free_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *page)
{
	size_t v;

	mutex_lock(&cmamem_pool.lock);
	v = cmamem_pool.bytes - cmamem_pool_used_bytes();
	mutex_unlock(&cmamem_pool.lock);
	return sysfs_emit(page, "%zu\n", v);
}
static DEVICE_ATTR_RO(pool_free_bytes);

static ssize_t pool_largest_free_show(struct device *dev,
				      struct device_attribute *attr,
				      char *page)
{
	size_t largest;
	ssize_t ret;

	ret = cmamem_pool_largest_free(&largest);
	return ret ? ret : sysfs_emit(page, "%zu\n", largest);
}
static DEVICE_ATTR_RO(pool_largest_free);

static ssize_t pool_clean_bytes_show(struct device *dev,
				     struct device_attribute *attr, char *page)
{
	return sysfs_emit(page, "%zu\n", cmamem_pool_clean_bytes());
}
static DEVICE_ATTR_RO(pool_clean_bytes);

static ssize_t pool_lent_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *page)
{
	/*
	 * Without resize_lock, which a growth from CMA holds for seconds: while
	 * pool_bytes is being written the figure is the resize's progress.
	 */
	size_t target = READ_ONCE(cmamem_pool.target);
	size_t bytes = READ_ONCE(cmamem_pool.bytes);

	return sysfs_emit(page, "%zu\n", target > bytes ? target - bytes : 0);
}
static DEVICE_ATTR_RO(pool_lent_bytes);

static struct attribute *cmamem_pool_attrs[] = {
	&dev_attr_pool_bytes.attr,
	&dev_attr_pool_used_bytes.attr,
	&dev_attr_pool_free_bytes.attr,
	&dev_attr_pool_largest_free.attr,
	&dev_attr_pool_clean_bytes.attr,
	&dev_attr_pool_lent_bytes.attr,
	NULL,
};

const struct attribute_group cmamem_pool_group = {
	.attrs = cmamem_pool_attrs,
};
