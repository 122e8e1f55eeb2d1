/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cma_mem regions: where a buffer's memory comes from (cma_mem(4), REGIONS).
 */
#ifndef _CMAMEM_REGION_H
#define _CMAMEM_REGION_H

#include <linux/kobject.h>
#include <linux/types.h>
#include <uapi/linux/cma_mem.h>

struct device;

enum cmamem_region_kind {
	CMAMEM_REGION_CMA,	/* a CMA area: struct pages, every path works */
	CMAMEM_REGION_CARVEOUT,	/* a device's coherent pool: no struct pages */
};

/**
 * struct cmamem_region - memory buffers are allocated in
 * @kobj:	regions/<name>/ in the misc device's sysfs directory. Holds the
 *		region; so does each buffer in it, so the device and its
 *		reserved memory outlive an unbind until the last buffer goes.
 * @dev:	the device whose DMA API calls allocate in the region, and
 *		whose address the buffers' dma_addr is: the misc device for the
 *		default region, the bound platform device (its memory-region,
 *		DMA mask, dma-ranges and coherency) for the others
 * @mem_bound:	of_reserved_mem_device_init() gave @dev the region's memory
 * @id:		what ALLOC's region field takes: CMA_MEM_REGION_DEFAULT (0)
 *		for the default region, from 1 in bind order for the others,
 *		never reused while the module is loaded
 * @kind:	whether the memory has struct pages
 * @name:	the node's label, else its name; "default"
 * @base:	physical base; 0 for the default region, which a module
 *		cannot see
 * @size:	bytes; 0 for the default region, for the same reason
 * @max_bytes:	the region's limit, 0 for none. Under cmamem.lock.
 * @used_bytes:	bytes charged by its buffers. Under cmamem.lock.
 * @nr_bufs:	its buffers, counted as cmamem.nr_bufs is. Under cmamem.lock.
 * @allocs:	allocations made in it. Under cmamem.lock.
 * @alloc_failures: allocations in it that failed. Under cmamem.lock.
 */
struct cmamem_region {
	struct kobject kobj;
	struct device *dev;
	bool mem_bound;
	u32 id;
	enum cmamem_region_kind kind;
	char name[CMA_MEM_NAME_LEN];
	phys_addr_t base;
	u64 size;
	u64 max_bytes;
	u64 used_bytes;
	unsigned int nr_bufs;
	u64 allocs;
	u64 alloc_failures;
};

static inline bool cmamem_region_is_default(const struct cmamem_region *r)
{
	return r->id == CMA_MEM_REGION_DEFAULT;
}

/* Whether the memory has struct pages: mappable page by page, exportable. */
static inline bool cmamem_region_has_pages(const struct cmamem_region *r)
{
	return r->kind == CMAMEM_REGION_CMA;
}

struct cmamem_region *cmamem_region_get(u32 id);
void cmamem_region_put(struct cmamem_region *region);
int cmamem_region_check(const struct cmamem_region *region, u32 flags);
bool cmamem_region_coherent(const struct cmamem_region *region);
int cmamem_regions_init(void);
void cmamem_regions_exit(void);

#endif /* _CMAMEM_REGION_H */
