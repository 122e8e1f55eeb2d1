// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem mmap: the page offset selects a buffer (offset 0: the file's legacy
 * buffer), and the whole range is mapped at mmap time with the buffer's own
 * struct pages. There is no fault per page, and get_user_pages() works on
 * the mapping, which a VM_PFNMAP mapping would refuse. A carve-out region's
 * memory has no struct pages: its buffers get that VM_PFNMAP mapping, and
 * O_DIRECT, vmsplice() and io_uring's fixed buffers fail on it with EFAULT.
 *
 * Each VMA holds a buffer reference: the mmap call takes the first, and
 * vm_ops open/close follow the VMA through fork, split and mremap, as
 * drm_gem_mmap_obj() and drm_gem_vm_open() do.
 */
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "compat.h"
#include "region.h"
#include "trace.h"

/* Pages handed to vm_insert_pages() per call: one page of pointers. */
#define CMAMEM_INSERT_BATCH (PAGE_SIZE / sizeof(struct page *))

static const struct vm_operations_struct cmamem_vm_ops;

/* A reference for a VMA, counted in the buffer's mappings. */
void cmamem_vma_get(struct cmamem_buf *buf)
{
	kref_get(&buf->ref);
	atomic_inc(&buf->mappings);
}

static void cmamem_vma_put(struct cmamem_buf *buf)
{
	atomic_dec(&buf->mappings);
	cmamem_buf_put(buf);
}

/* A copy of a VMA: fork(), a split by munmap() or mprotect(), mremap(). */
static void cmamem_vm_open(struct vm_area_struct *vma)
{
	cmamem_vma_get(vma->vm_private_data);
	trace_cma_mem_map(vma->vm_private_data, vma);
}

static void cmamem_vm_close(struct vm_area_struct *vma)
{
	trace_cma_mem_unmap(vma->vm_private_data, vma);
	cmamem_vma_put(vma->vm_private_data);
}

/*
 * The page offset of @buf's first page in @vma, from which the VMA's page
 * offsets count: the buffer's mmap offset in a mapping of /dev/cma_mem
 * (cmamem_mmap() moves a legacy mapping there too), 0 in a mapping of a
 * dma-buf, whose file offsets are the buffer's own.
 */
unsigned long cmamem_vma_base(struct vm_area_struct *vma,
			      const struct cmamem_buf *buf)
{
	return cmamem_file_of(vma->vm_file) ? buf->pgoff : 0;
}

/*
 * Every page is mapped at mmap time, but the core may zap them later
 * (madvise(MADV_DONTNEED) is allowed on a VM_MIXEDMAP mapping): map the page
 * again.
 */
static vm_fault_t cmamem_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct cmamem_buf *buf = vma->vm_private_data;
	unsigned long base = cmamem_vma_base(vma, buf);
	vm_fault_t ret = VM_FAULT_SIGBUS;
	struct page *page;

	if (vmf->pgoff >= base) {
		page = cmamem_buf_page(buf, vmf->pgoff - base);
		if (page)
			ret = vmf_insert_page(vma, vmf->address, page);
	}
	trace_cma_mem_fault(buf, vmf->pgoff - base, vmf->address, ret);
	return ret;
}

static const struct vm_operations_struct cmamem_vm_ops = {
	.open = cmamem_vm_open,
	.close = cmamem_vm_close,
	.fault = cmamem_vm_fault,
};

/*
 * The buffer @vma maps, or NULL if it is not a cma_mem mapping (of
 * /dev/cma_mem or of a cma_mem dma-buf). The VMA's reference keeps the
 * buffer while the caller holds the mm's mmap_lock.
 */
struct cmamem_buf *cmamem_vma_buf(struct vm_area_struct *vma)
{
	if (vma->vm_ops != &cmamem_vm_ops)
		return NULL;
	return vma->vm_private_data;
}

/* Whether the DMA layer calls the default region's device cache-coherent. */
bool cmamem_dma_coherent(void)
{
	return dev_is_dma_coherent(cmamem_device());
}

/**
 * cmamem_cache_effective - the cache mode @buf's CPU mappings really get
 * @buf:	the buffer
 *
 * What the DMA layer itself would map (dma_pgprot()): on a device it calls
 * cache-coherent (every x86 device; a region's device with dma-coherent in
 * its node), every buffer is cacheable, since the
 * device snoops the caches. WC or uncached user mappings there would alias
 * the kernel's write-back linear map of the same RAM, which PAT does not
 * track for vm_insert_page(), and would read memory older than the zeroes
 * still in the cache. Otherwise the mode asked for.
 *
 * Return: a CMA_MEM_CACHE_* value.
 */
u32 cmamem_cache_effective(const struct cmamem_buf *buf)
{
	if (cmamem_region_coherent(buf->region))
		return CMA_MEM_CACHE_CACHED;
	return cmamem_buf_cache(buf);
}

/*
 * The user (and dma-buf kernel) mapping of @buf's effective cache mode.
 * UNCACHED is Normal non-cacheable memory, as the DMA layer maps it, not
 * pgprot_noncached(): on arm64 that is Device-nGnRnE, where unaligned
 * accesses and DC ZVA (memset of zero) fault. Never inlined, so that every
 * mapping's attributes pass through one function a kretprobe can read
 * (tests/bats/coherency-arm64.bats).
 */
noinline pgprot_t cmamem_pgprot(struct cmamem_buf *buf, pgprot_t prot)
{
	switch (cmamem_cache_effective(buf)) {
	case CMA_MEM_CACHE_WC:
		return pgprot_writecombine(prot);
	case CMA_MEM_CACHE_UNCACHED:
		return pgprot_dmacoherent(prot);
	default:
		return prot;
	}
}

/* Map @buf's pages from @first on over the whole of @vma. */
static int cmamem_insert_pages(struct vm_area_struct *vma,
			       struct cmamem_buf *buf, unsigned long first)
{
	unsigned long addr = vma->vm_start;
	unsigned long n = 0, left;
	struct sg_page_iter it;
	struct page **pages;
	int ret = 0;

	pages = kmalloc_array(CMAMEM_INSERT_BATCH, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	for_each_sgtable_page(&buf->sgt, &it, first) {
		if (addr + (n << PAGE_SHIFT) >= vma->vm_end)
			break;
		pages[n++] = sg_page_iter_page(&it);
		if (n < CMAMEM_INSERT_BATCH)
			continue;
		left = n;
		ret = vm_insert_pages(vma, addr, pages, &left);
		if (ret)
			goto out;
		addr += n << PAGE_SHIFT;
		n = 0;
	}
	if (n) {
		left = n;
		ret = vm_insert_pages(vma, addr, pages, &left);
	}
out:
	kfree(pages);
	return ret;
}

/*
 * Map a carve-out buffer's frames from @first on over the whole of @vma. Its
 * dma_addr is the device's view; the CPU's is what the DMA layer translates
 * it back to.
 */
static int cmamem_remap_pfns(struct vm_area_struct *vma,
			     struct cmamem_buf *buf, unsigned long first)
{
	phys_addr_t phys = dma_to_phys(buf->region->dev, buf->dma_addr);

	return remap_pfn_range(vma, vma->vm_start, PHYS_PFN(phys) + first,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

/**
 * cmamem_mmap_buf - map a buffer into a VMA
 * @vma:	the VMA, for which the caller took a reference with
 *		cmamem_vma_get(); on failure this drops it
 * @buf:	the buffer
 * @first:	the buffer page the VMA starts at
 *
 * Return: 0 or -errno.
 */
int cmamem_mmap_buf(struct vm_area_struct *vma, struct cmamem_buf *buf,
		    unsigned long first)
{
	int ret;

	/* A private mapping would give copy-on-write copies, not the buffer. */
	if (!(vma->vm_flags & VM_SHARED)) {
		ret = -EINVAL;
		goto err_put;
	}
	if (cmamem_should_fail(CMAMEM_FAULT_MAP, vma->vm_end - vma->vm_start)) {
		ret = -ENOMEM;
		goto err_put;
	}

	/*
	 * Not VM_DONTCOPY: a forked child keeps the mapping, and vm_ops->open
	 * counts it.
	 */
	cmamem_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = cmamem_pgprot(buf, vma->vm_page_prot);
	vma->vm_private_data = buf;
	vma->vm_ops = &cmamem_vm_ops;

	if (cmamem_region_has_pages(buf->region))
		ret = cmamem_insert_pages(vma, buf, first);
	else
		ret = cmamem_remap_pfns(vma, buf, first);
	if (ret)
		goto err_put;
	trace_cma_mem_map(buf, vma);
	return 0;

err_put:
	/*
	 * The core unmaps what was inserted, but does not call vm_ops->close
	 * on a VMA whose mmap failed.
	 */
	cmamem_vma_put(buf);
	return ret;
}

int cmamem_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct cmamem_buf *buf;
	unsigned long first;

	buf = cmamem_buf_get_mapping(file->private_data, vma->vm_pgoff,
				     vma_pages(vma), &first);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/*
	 * A legacy mapping (offset 0) continues at the buffer's own offset,
	 * as dma_buf_mmap() moves a VMA to the dma-buf's: every mapping of
	 * the device then counts its pages from buf->pgoff, and the fault
	 * handler needs no other record of which offset mapped it.
	 */
	vma->vm_pgoff = buf->pgoff + first;
	return cmamem_mmap_buf(vma, buf, first);
}
