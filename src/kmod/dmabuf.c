// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem dma-buf export: hands a buffer to other drivers as a dma-buf file
 * descriptor. Each export holds a buffer reference, and the dma-buf core
 * holds a module reference, until the dma-buf is released. Modelled on
 * drivers/dma-buf/heaps/cma_heap.c.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "compat.h"
#include "region.h"
#include "trace.h"

/**
 * struct cmamem_export - one dma-buf made from a buffer
 * @buf:	the buffer; the export holds a reference
 * @lock:	guards @attachments, @vmap_cnt and @vaddr
 * @attachments: the importers' struct cmamem_attachment
 * @vmap_cnt:	users of @vaddr
 * @vaddr:	kernel mapping of a buffer without a DMA API one (CACHED,
 *		pooled), while @vmap_cnt
 */
struct cmamem_export {
	struct cmamem_buf *buf;
	struct mutex lock; /* see above */
	struct list_head attachments;
	unsigned int vmap_cnt;
	void *vaddr;
};

/**
 * struct cmamem_attachment - one importing device
 * @dev:	the device
 * @table:	the buffer's pages, mapped for @dev while @mapped
 * @node:	in the export's attachments
 * @mapped:	@table is DMA-mapped
 */
struct cmamem_attachment {
	struct device *dev;
	struct sg_table table;
	struct list_head node;
	bool mapped;
};

static bool cmamem_export_cached(struct cmamem_export *exp)
{
	return cmamem_buf_cache(exp->buf) == CMA_MEM_CACHE_CACHED;
}

/*
 * Copy @src into @dst, cut into segments of at most @max_seg bytes (a page
 * multiple). dma-debug rightly warns when a mapped segment is longer than
 * the importing device supports (64K for a device without dma_parms, such
 * as vivid's). The pieces stay consecutive, so an importer that merges
 * contiguous segments (vb2-dma-contig) still sees one range.
 */
static int cmamem_sgt_copy_segmented(struct sg_table *dst,
				     struct sg_table *src, unsigned int max_seg)
{
	struct scatterlist *s, *d;
	unsigned int i, nents = 0;
	int ret;

	for_each_sgtable_sg(src, s, i)
		nents += DIV_ROUND_UP(s->length, max_seg);

	ret = sg_alloc_table(dst, nents, GFP_KERNEL);
	if (ret)
		return ret;

	d = dst->sgl;
	for_each_sgtable_sg(src, s, i) {
		struct page *page = sg_page(s);
		unsigned int off = s->offset, left = s->length;

		while (left) {
			unsigned int len = min(left, max_seg);

			sg_set_page(d, page, len, off);
			page = nth_page(page, (off + len) >> PAGE_SHIFT);
			off = (off + len) & ~PAGE_MASK;
			left -= len;
			d = sg_next(d);
		}
	}
	return 0;
}

static int cmamem_dmabuf_attach(struct dma_buf *dmabuf,
				struct dma_buf_attachment *attachment)
{
	struct cmamem_export *exp = dmabuf->priv;
	struct cmamem_attachment *a;
	unsigned int max_seg;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	/* Each importer maps its own copy of the page list. */
	max_seg = max_t(unsigned int, PAGE_SIZE,
			round_down(dma_get_max_seg_size(attachment->dev),
				   PAGE_SIZE));
	ret = cmamem_sgt_copy_segmented(&a->table, &exp->buf->sgt, max_seg);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->dev = attachment->dev;
	attachment->priv = a;

	mutex_lock(&exp->lock);
	list_add(&a->node, &exp->attachments);
	mutex_unlock(&exp->lock);
	trace_cma_mem_attach(exp->buf, a->dev);
	return 0;
}

static void cmamem_dmabuf_detach(struct dma_buf *dmabuf,
				 struct dma_buf_attachment *attachment)
{
	struct cmamem_export *exp = dmabuf->priv;
	struct cmamem_attachment *a = attachment->priv;

	trace_cma_mem_detach(exp->buf, a->dev);
	mutex_lock(&exp->lock);
	list_del(&a->node);
	mutex_unlock(&exp->lock);
	sg_free_table(&a->table);
	kfree(a);
}

static struct sg_table *cmamem_dmabuf_map(struct dma_buf_attachment *attachment,
					  enum dma_data_direction dir)
{
	struct cmamem_export *exp = attachment->dmabuf->priv;
	struct cmamem_attachment *a = attachment->priv;
	int ret;

	/*
	 * The pages are already mapped for our own device, so dma-debug sees
	 * the importer's mapping overlap ours and warns unless the map skips
	 * the CPU sync. The overlap is the point of sharing, so skip it there
	 * and sync right after, even for WC and UNCACHED buffers: the importer
	 * may need bounce buffers, which only a sync fills.
	 */
	ret = dma_map_sgtable(attachment->dev, &a->table, dir,
			      DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		return ERR_PTR(ret);
	dma_sync_sgtable_for_device(attachment->dev, &a->table, dir);
	mutex_lock(&exp->lock);
	a->mapped = true;
	mutex_unlock(&exp->lock);
	return &a->table;
}

static void cmamem_dmabuf_unmap(struct dma_buf_attachment *attachment,
				struct sg_table *table,
				enum dma_data_direction dir)
{
	struct cmamem_export *exp = attachment->dmabuf->priv;
	struct cmamem_attachment *a = attachment->priv;

	mutex_lock(&exp->lock);
	a->mapped = false;
	mutex_unlock(&exp->lock);
	dma_unmap_sgtable(attachment->dev, table, dir, 0);
}

/*
 * Sync an importer's mapping of the buffer, by its DMA addresses alone.
 * While the importer has the table mapped, the dma-buf core scrambles its
 * page pointers (CONFIG_DMABUF_DEBUG, to catch importers that use them), so
 * dma_sync_sgtable_*() would sync, or with dma-debug dereference, pages that
 * do not exist. Each mapped segment is synced as a single range instead.
 */
static void cmamem_attachment_sync(struct cmamem_attachment *a,
				   enum dma_data_direction dir, bool for_cpu)
{
	struct scatterlist *s;
	unsigned int i;

	for_each_sgtable_dma_sg(&a->table, s, i) {
		if (for_cpu)
			dma_sync_single_for_cpu(a->dev, sg_dma_address(s),
						sg_dma_len(s), dir);
		else
			dma_sync_single_for_device(a->dev, sg_dma_address(s),
						   sg_dma_len(s), dir);
	}
}

static int cmamem_dmabuf_begin_cpu_access(struct dma_buf *dmabuf,
					  enum dma_data_direction dir)
{
	struct cmamem_export *exp = dmabuf->priv;
	struct cmamem_buf *buf = exp->buf;
	struct cmamem_attachment *a;

	trace_cma_mem_sync(buf, 0, buf->size, CMA_MEM_SYNC_FOR_CPU, dir, true);
	mutex_lock(&exp->lock);
	if (cmamem_export_cached(exp)) {
		/* The user mappings, and the kernel's linear mapping. */
		dma_sync_single_for_cpu(buf->region->dev, buf->dma_addr,
					buf->size, dir);
		if (exp->vmap_cnt)
			invalidate_kernel_vmap_range(exp->vaddr, buf->size);
	}
	list_for_each_entry(a, &exp->attachments, node)
		if (a->mapped)
			cmamem_attachment_sync(a, dir, true);
	mutex_unlock(&exp->lock);
	return 0;
}

static int cmamem_dmabuf_end_cpu_access(struct dma_buf *dmabuf,
					enum dma_data_direction dir)
{
	struct cmamem_export *exp = dmabuf->priv;
	struct cmamem_buf *buf = exp->buf;
	struct cmamem_attachment *a;

	trace_cma_mem_sync(buf, 0, buf->size, CMA_MEM_SYNC_FOR_DEVICE, dir,
			   true);
	mutex_lock(&exp->lock);
	if (cmamem_export_cached(exp)) {
		if (exp->vmap_cnt)
			flush_kernel_vmap_range(exp->vaddr, buf->size);
		dma_sync_single_for_device(buf->region->dev, buf->dma_addr,
					   buf->size, dir);
	}
	list_for_each_entry(a, &exp->attachments, node)
		if (a->mapped)
			cmamem_attachment_sync(a, dir, false);
	mutex_unlock(&exp->lock);
	return 0;
}

static int cmamem_dmabuf_mmap(struct dma_buf *dmabuf,
			      struct vm_area_struct *vma)
{
	struct cmamem_export *exp = dmabuf->priv;

	/* The dma-buf core checked the range against the buffer's size. */
	cmamem_vma_get(exp->buf);
	return cmamem_mmap_buf(vma, exp->buf, vma->vm_pgoff);
}

/*
 * A kernel mapping of the buffer's pages, which may be highmem, with the
 * attributes its user mappings have: for a CACHED buffer, and for a pooled
 * one, which has no DMA API mapping of its own.
 */
static void *cmamem_vmap_pages(struct cmamem_buf *buf)
{
	struct sg_page_iter it;
	struct page **pages;
	unsigned long n = 0;
	void *vaddr;

	pages = kvmalloc_array(buf->nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for_each_sgtable_page(&buf->sgt, &it, 0)
		pages[n++] = sg_page_iter_page(&it);
	vaddr = vmap(pages, n, VM_MAP, cmamem_pgprot(buf, PAGE_KERNEL));
	kvfree(pages);
	return vaddr;
}

static int cmamem_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct cmamem_export *exp = dmabuf->priv;
	int ret = 0;

	if (exp->buf->vaddr) {
		/* The DMA API's own mapping, with the buffer's attributes. */
		iosys_map_set_vaddr(map, exp->buf->vaddr);
		return 0;
	}

	mutex_lock(&exp->lock);
	if (!exp->vmap_cnt) {
		exp->vaddr = cmamem_vmap_pages(exp->buf);
		if (!exp->vaddr) {
			ret = -ENOMEM;
			goto out_unlock;
		}
	}
	exp->vmap_cnt++;
	iosys_map_set_vaddr(map, exp->vaddr);
out_unlock:
	mutex_unlock(&exp->lock);
	return ret;
}

static void cmamem_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct cmamem_export *exp = dmabuf->priv;

	if (exp->buf->vaddr)
		return;

	mutex_lock(&exp->lock);
	if (!--exp->vmap_cnt) {
		vunmap(exp->vaddr);
		exp->vaddr = NULL;
	}
	mutex_unlock(&exp->lock);
	iosys_map_clear(map);
}

static void cmamem_dmabuf_release(struct dma_buf *dmabuf)
{
	struct cmamem_export *exp = dmabuf->priv;

	cmamem_buf_put_export(exp->buf);
	mutex_destroy(&exp->lock);
	kfree(exp);
}

static const struct dma_buf_ops cmamem_dmabuf_ops = {
	.attach = cmamem_dmabuf_attach,
	.detach = cmamem_dmabuf_detach,
	.map_dma_buf = cmamem_dmabuf_map,
	.unmap_dma_buf = cmamem_dmabuf_unmap,
	.begin_cpu_access = cmamem_dmabuf_begin_cpu_access,
	.end_cpu_access = cmamem_dmabuf_end_cpu_access,
	.mmap = cmamem_dmabuf_mmap,
	.vmap = cmamem_dmabuf_vmap,
	.vunmap = cmamem_dmabuf_vunmap,
	.release = cmamem_dmabuf_release,
};

/*
 * The buffer @file exports, or NULL if @file is not a cma_mem dma-buf. Only
 * the dma-buf core makes files on its pseudo file system, so the magic says
 * that private_data is a struct dma_buf. The caller keeps @file open (holds
 * a reference or the lock of a file table that has it), which keeps the
 * export, and so the buffer.
 */
struct cmamem_buf *cmamem_dmabuf_file_buf(struct file *file)
{
	struct dma_buf *dmabuf;
	struct cmamem_export *exp;

	if (file_inode(file)->i_sb->s_magic != DMA_BUF_MAGIC)
		return NULL;
	dmabuf = file->private_data;
	if (dmabuf->ops != &cmamem_dmabuf_ops)
		return NULL;
	exp = dmabuf->priv;
	return exp->buf;
}

/* cmamem_export(), but for its trace event. */
static int cmamem_export_new(struct cmamem_file *cf, u32 id, u32 flags,
			     struct cmamem_pending *p)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct cmamem_export *exp;
	struct dma_buf *dmabuf;
	char *name;
	int ret;

	exp = kzalloc(sizeof(*exp), GFP_KERNEL);
	if (!exp)
		return -ENOMEM;
	mutex_init(&exp->lock);
	INIT_LIST_HEAD(&exp->attachments);

	exp->buf = cmamem_buf_get_export(cf, id);
	if (IS_ERR(exp->buf)) {
		ret = PTR_ERR(exp->buf);
		goto err_free;
	}
	if (cmamem_should_fail(CMAMEM_FAULT_EXPORT, exp->buf->size)) {
		ret = -ENOMEM;
		goto err_put;
	}

	/* Shown in /sys/kernel/debug/dma_buf/bufinfo and fdinfo. */
	if (exp->buf->name[0])
		name = kstrdup(exp->buf->name, GFP_KERNEL);
	else
		name = kasprintf(GFP_KERNEL, "cma_mem-%u", exp->buf->id);
	if (!name) {
		ret = -ENOMEM;
		goto err_put;
	}

	exp_info.exp_name = KBUILD_MODNAME;
	exp_info.owner = THIS_MODULE;
	exp_info.ops = &cmamem_dmabuf_ops;
	exp_info.size = exp->buf->size;
	exp_info.flags = flags;
	exp_info.priv = exp;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_free_name;
	}
	spin_lock(&dmabuf->name_lock);
	dmabuf->name = name;
	spin_unlock(&dmabuf->name_lock);
	/* A heap buffer's one dma-buf, whose name debugfs shows (heap.c). */
	mutex_lock(&cmamem.lock);
	if (exp->buf->flags & CMA_MEM_HEAP)
		exp->buf->heap_dmabuf = dmabuf;
	mutex_unlock(&cmamem.lock);

	/*
	 * Not dma_buf_fd(), which installs the fd at once: another thread
	 * could use or close it before the answer is written, and if the
	 * answer then cannot be, it could not be taken back.
	 */
	ret = get_unused_fd_flags(flags);
	if (ret < 0) {
		/* Its release drops the buffer and frees @exp and @name. */
		dma_buf_put(dmabuf);
		return ret;
	}
	p->dmabuf = dmabuf;
	p->fd = ret;
	return 0;

err_free_name:
	kfree(name);
err_put:
	cmamem_buf_put_export(exp->buf);
err_free:
	mutex_destroy(&exp->lock);
	kfree(exp);
	return ret;
}

/**
 * cmamem_export - a dma-buf file descriptor for a buffer
 * @cf:		the caller's file, which must hold a handle to the buffer
 * @id:		the buffer
 * @flags:	O_CLOEXEC and the access mode, already checked
 * @p:		set to the dma-buf and a reserved fd for it, which
 *		cmamem_export_install() installs once the caller has been told
 *		the fd, or cmamem_export_abort() gives back if it could not be
 *
 * Return: 0, -ENOENT, -EACCES (see cmamem_buf_get_export()), -ENOMEM,
 * -EMFILE, or the dma-buf core's errors.
 */
int cmamem_export(struct cmamem_file *cf, u32 id, u32 flags,
		  struct cmamem_pending *p)
{
	int ret = cmamem_export_new(cf, id, flags, p);

	trace_cma_mem_export(id, p, ret);
	return ret;
}

/* The fd reserved by cmamem_export() now refers to the dma-buf. */
void cmamem_export_install(struct cmamem_pending *p)
{
	fd_install(p->fd, p->dmabuf->file);
}

/* Nobody saw the fd: give it back, and drop the dma-buf. */
void cmamem_export_abort(struct cmamem_pending *p)
{
	put_unused_fd(p->fd);
	dma_buf_put(p->dmabuf);
}

CMAMEM_IMPORT_NS(DMA_BUF);
