// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem regions: the memory a buffer can be allocated in.
 *
 * The default region is the default CMA area, which the misc device
 * allocates from. Every other region is a device-tree node compatible with
 * "cmamem,region" (docs/bindings/cmamem,region.yaml), whose memory-region is
 * a reserved-memory "shared-dma-pool". of_reserved_mem_device_init() gives
 * the node's platform device that memory: a reusable pool becomes its CMA
 * area, a no-map one its coherent pool. From then on the DMA API allocates
 * there for that device, with the node's DMA configuration (dma-coherent,
 * dma-ranges), so the dma_addr a buffer reports is the address a device
 * behind that node sees.
 *
 * sysfs, one directory per region, /sys/class/misc/cma_mem/regions/<name>/:
 * id, kind, size, base (0400), used_bytes, free_bytes, buffers, max_bytes
 * (0644), allocs, alloc_failures and coherent (cma_mem(4), REGIONS). The
 * default region has no size, base or free_bytes: a module cannot read the
 * default CMA area's.
 */
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/xarray.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "region.h"

/* The device-tree regions' ids; CMA_MEM_REGION_DEFAULT is the default's. */
#define CMAMEM_REGION_ID_LIMIT XA_LIMIT(1, INT_MAX)

/* id -> region, for the regions ALLOC can find. Under cmamem.lock. */
static DEFINE_XARRAY_ALLOC(cmamem_regions);
static u32 cmamem_region_next_id;
static struct kobject *cmamem_regions_kobj;
static struct cmamem_region *cmamem_default_region;

static const char *const cmamem_region_kind_names[] = {
	[CMAMEM_REGION_CMA] = "cma",
	[CMAMEM_REGION_CARVEOUT] = "carveout",
};

static struct cmamem_region *to_region(struct kobject *kobj)
{
	return container_of(kobj, struct cmamem_region, kobj);
}

/* The last reference: no buffer is left in the region's memory. */
static void cmamem_region_release(struct kobject *kobj)
{
	struct cmamem_region *region = to_region(kobj);

	if (region->mem_bound)
		of_reserved_mem_device_release(region->dev);
	put_device(region->dev);
	kfree(region);
}

/* --- sysfs --- */

static u64 cmamem_region_read(const u64 *v)
{
	u64 val;

	mutex_lock(&cmamem.lock);
	val = *v;
	mutex_unlock(&cmamem.lock);
	return val;
}

static ssize_t id_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *page)
{
	return sysfs_emit(page, "%u\n", to_region(kobj)->id);
}

static struct kobj_attribute cmamem_region_id = __ATTR_RO(id);

static ssize_t kind_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *page)
{
	return sysfs_emit(page, "%s\n",
			  cmamem_region_kind_names[to_region(kobj)->kind]);
}

static struct kobj_attribute cmamem_region_kind = __ATTR_RO(kind);

static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *page)
{
	return sysfs_emit(page, "%llu\n", to_region(kobj)->size);
}

static struct kobj_attribute cmamem_region_size = __ATTR_RO(size);

/* A physical address is a way into memory: root's to read, as dma_addr. */
static ssize_t base_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *page)
{
	return sysfs_emit(page, "0x%llx\n", (u64)to_region(kobj)->base);
}

static struct kobj_attribute cmamem_region_base = __ATTR_RO_MODE(base, 0400);

static ssize_t used_bytes_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *page)
{
	return sysfs_emit(page, "%llu\n",
			  cmamem_region_read(&to_region(kobj)->used_bytes));
}

static struct kobj_attribute cmamem_region_used_bytes = __ATTR_RO(used_bytes);

/*
 * What is left for cma_mem: the allocator may not find it in one piece, and
 * in a reusable region the kernel may have lent some of it to movable pages,
 * which CMA migrates away on demand.
 */
static ssize_t free_bytes_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *page)
{
	struct cmamem_region *region = to_region(kobj);
	u64 used = cmamem_region_read(&region->used_bytes);

	return sysfs_emit(page, "%llu\n", region->size - min(used, region->size));
}

static struct kobj_attribute cmamem_region_free_bytes = __ATTR_RO(free_bytes);

static ssize_t buffers_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(to_region(kobj)->nr_bufs));
}

static struct kobj_attribute cmamem_region_buffers = __ATTR_RO(buffers);

static ssize_t max_bytes_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *page)
{
	return sysfs_emit(page, "%llu\n",
			  cmamem_region_read(&to_region(kobj)->max_bytes));
}

/* Like pool_bytes, in memparse() syntax: 64M. */
static ssize_t max_bytes_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *page,
			       size_t count)
{
	u64 v;
	int ret;

	ret = cmamem_parse_bytes(page, &v);
	if (ret)
		return ret;
	mutex_lock(&cmamem.lock);
	to_region(kobj)->max_bytes = v;
	mutex_unlock(&cmamem.lock);
	return count;
}

static struct kobj_attribute cmamem_region_max_bytes = __ATTR_RW(max_bytes);

static ssize_t allocs_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *page)
{
	return sysfs_emit(page, "%llu\n",
			  cmamem_region_read(&to_region(kobj)->allocs));
}

static struct kobj_attribute cmamem_region_allocs = __ATTR_RO(allocs);

static ssize_t alloc_failures_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *page)
{
	return sysfs_emit(page, "%llu\n",
			  cmamem_region_read(&to_region(kobj)->alloc_failures));
}

static struct kobj_attribute cmamem_region_alloc_failures =
	__ATTR_RO(alloc_failures);

static ssize_t coherent_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *page)
{
	return sysfs_emit(page, "%d\n",
			  cmamem_region_coherent(to_region(kobj)));
}

static struct kobj_attribute cmamem_region_coherent_attr =
	__ATTR_RO(coherent);

static struct attribute *cmamem_region_attrs[] = {
	&cmamem_region_id.attr,
	&cmamem_region_kind.attr,
	&cmamem_region_size.attr,
	&cmamem_region_base.attr,
	&cmamem_region_used_bytes.attr,
	&cmamem_region_free_bytes.attr,
	&cmamem_region_buffers.attr,
	&cmamem_region_max_bytes.attr,
	&cmamem_region_allocs.attr,
	&cmamem_region_alloc_failures.attr,
	&cmamem_region_coherent_attr.attr,
	NULL,
};

/* What the default region cannot know is not shown as a 0. */
static umode_t cmamem_region_attr_visible(struct kobject *kobj,
					  struct attribute *attr, int n)
{
	if (cmamem_region_is_default(to_region(kobj)) &&
	    (attr == &cmamem_region_size.attr ||
	     attr == &cmamem_region_base.attr ||
	     attr == &cmamem_region_free_bytes.attr))
		return 0;
	return attr->mode;
}

static const struct attribute_group cmamem_region_group = {
	.attrs = cmamem_region_attrs,
	.is_visible = cmamem_region_attr_visible,
};
__ATTRIBUTE_GROUPS(cmamem_region);

static const struct kobj_type cmamem_region_ktype = {
	.release = cmamem_region_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cmamem_region_groups,
};

/* --- lookup and checks --- */

/**
 * cmamem_region_get - the region ALLOC names
 * @id:		CMA_MEM_REGION_DEFAULT or a device-tree region's id
 *
 * Return: the region, with a reference for cmamem_region_put(), or
 * ERR_PTR(-ENODEV) if no region has @id.
 */
struct cmamem_region *cmamem_region_get(u32 id)
{
	struct cmamem_region *region;

	mutex_lock(&cmamem.lock);
	region = xa_load(&cmamem_regions, id);
	if (region)
		kobject_get(&region->kobj);
	mutex_unlock(&cmamem.lock);
	return region ?: ERR_PTR(-ENODEV);
}

void cmamem_region_put(struct cmamem_region *region)
{
	kobject_put(&region->kobj);
}

/**
 * cmamem_region_check - whether @region can make a buffer with @flags
 * @region:	the region
 * @flags:	ALLOC's flags, their shape already checked
 *
 * The pool is made of the default region's memory. A carve-out has no
 * struct pages, and is outside the kernel's linear map, where the DMA
 * layer's cache maintenance works: a CACHED buffer there could not be
 * synced.
 *
 * Return: 0, or -EINVAL.
 */
int cmamem_region_check(const struct cmamem_region *region, u32 flags)
{
	if ((flags & CMA_MEM_FROM_POOL) && !cmamem_region_is_default(region))
		return -EINVAL;
	if ((flags & CMA_MEM_CACHE_MASK) == CMA_MEM_CACHE_CACHED &&
	    !cmamem_region_has_pages(region))
		return -EINVAL;
	return 0;
}

/*
 * Whether the DMA layer calls the region's device cache-coherent, which
 * decides its buffers' effective cache mode and what SYNC does.
 */
bool cmamem_region_coherent(const struct cmamem_region *region)
{
	return dev_is_dma_coherent(region->dev);
}

/* --- making and removing regions --- */

static struct cmamem_region *cmamem_region_alloc(struct device *dev,
						 const char *name,
						 enum cmamem_region_kind kind)
{
	struct cmamem_region *region;

	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return NULL;
	kobject_init(&region->kobj, &cmamem_region_ktype);
	region->dev = get_device(dev);
	region->kind = kind;
	strscpy(region->name, name, sizeof(region->name));
	return region;
}

/*
 * Give @region its id and its sysfs directory: from now on ALLOC finds it.
 * Names are unique, since sysfs and the CLI find regions by name.
 */
static int cmamem_region_publish(struct cmamem_region *region, bool dflt)
{
	struct cmamem_region *other;
	unsigned long i;
	int ret = 0;

	mutex_lock(&cmamem.lock);
	xa_for_each(&cmamem_regions, i, other) {
		if (!strcmp(other->name, region->name)) {
			ret = -EEXIST;
			goto out_unlock;
		}
	}
	if (dflt)
		ret = xa_insert(&cmamem_regions, CMA_MEM_REGION_DEFAULT, region,
				GFP_KERNEL);
	else
		ret = xa_alloc_cyclic(&cmamem_regions, &region->id, region,
				      CMAMEM_REGION_ID_LIMIT,
				      &cmamem_region_next_id, GFP_KERNEL);
out_unlock:
	mutex_unlock(&cmamem.lock);
	if (ret < 0)
		return ret;

	/* Outside the lock: a read of the directory's files takes it. */
	ret = kobject_add(&region->kobj, cmamem_regions_kobj, "%s",
			  region->name);
	if (ret) {
		mutex_lock(&cmamem.lock);
		xa_erase(&cmamem_regions, region->id);
		mutex_unlock(&cmamem.lock);
	}
	return ret;
}

/*
 * ALLOC no longer finds @region, and its directory goes (waiting for reads
 * in progress, so not under cmamem.lock); then drop the reference it was
 * made with. Its buffers keep it until they are freed.
 */
static void cmamem_region_unbind(void *data)
{
	struct cmamem_region *region = data;

	mutex_lock(&cmamem.lock);
	xa_erase(&cmamem_regions, region->id);
	mutex_unlock(&cmamem.lock);
	kobject_del(&region->kobj);
	cmamem_region_put(region);
}

/*
 * The node's label, else its name, as a region name (cmamem_name_valid()),
 * in @name; or false.
 */
static bool cmamem_region_name(struct device_node *np,
			       char name[CMA_MEM_NAME_LEN])
{
	const char *s;

	if (of_property_read_string(np, "label", &s))
		s = np->name;
	return strscpy_pad(name, s, CMA_MEM_NAME_LEN) > 0 &&
	       cmamem_name_valid(name);
}

/*
 * A node that cannot be a region is logged in one line and left unbound; the
 * others bind. Probe returns -ENODEV then, which the driver core does not
 * log again.
 */
static int cmamem_region_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	enum cmamem_region_kind kind;
	struct cmamem_region *region;
	char name[CMA_MEM_NAME_LEN];
	struct device_node *mem_np;
	struct reserved_mem *rmem;
	int ret;

	if (!cmamem_region_name(np, name)) {
		dev_err(dev, "not a region name: give the node a label of 1 to %d printable ASCII characters without space or '/'\n",
			CMA_MEM_NAME_MAX);
		return -ENODEV;
	}
	mem_np = of_parse_phandle(np, "memory-region", 0);
	if (!mem_np) {
		dev_err(dev, "region %s: no memory-region: give the node the phandle of a reserved-memory region\n",
			name);
		return -ENODEV;
	}
	rmem = of_device_is_available(mem_np) ?
	       of_reserved_mem_lookup(mem_np) : NULL;
	if (!rmem || !rmem->size) {
		dev_err(dev, "region %s: %pOF is not a reserved-memory region the kernel set up: make it an enabled shared-dma-pool with a reg, reusable or no-map (see the boot log's \"Reserved memory\" lines)\n",
			name, mem_np);
		of_node_put(mem_np);
		return -ENODEV;
	}
	kind = of_property_read_bool(mem_np, "reusable") ? CMAMEM_REGION_CMA :
							   CMAMEM_REGION_CARVEOUT;
	of_node_put(mem_np);

	region = cmamem_region_alloc(dev, name, kind);
	if (!region)
		return -ENOMEM;
	region->base = rmem->base;
	region->size = rmem->size;

	ret = of_reserved_mem_device_init(dev);
	if (ret) {
		dev_err(dev, "region %s: the kernel cannot give it %s (%d): is it a shared-dma-pool?\n",
			name, rmem->name, ret);
		goto err_put;
	}
	region->mem_bound = true;
	/*
	 * Any address in the region will do; the bus's dma-ranges still
	 * limit the device (bus_dma_limit), and translate dma_addr.
	 */
	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret) {
		dev_err(dev, "region %s: no DMA mask (%d)\n", name, ret);
		goto err_put;
	}
	ret = cmamem_region_publish(region, false);
	if (ret) {
		dev_err(dev, "region %s: %s: give the node another label\n",
			name, ret == -EEXIST ? "the name is taken" :
			"cannot list it in sysfs");
		goto err_put;
	}
	dev_info(dev, "region %s, id %u: %s, %pa bytes at %pa%s\n", name,
		 region->id, cmamem_region_kind_names[kind], &rmem->size,
		 &rmem->base, cmamem_region_coherent(region) ? ", coherent" : "");
	return devm_add_action_or_reset(dev, cmamem_region_unbind, region);

err_put:
	cmamem_region_put(region);
	return -ENODEV;
}

static const struct of_device_id cmamem_region_of_match[] = {
	{ .compatible = "cmamem,region" },
	{ }
};
MODULE_DEVICE_TABLE(of, cmamem_region_of_match);

/*
 * No unbind through sysfs: a region goes with the module, once every
 * interface that could allocate in it is gone.
 */
static struct platform_driver cmamem_region_driver = {
	.probe = cmamem_region_probe,
	.driver = {
		.name = "cma_mem_region",
		.of_match_table = cmamem_region_of_match,
		.suppress_bind_attrs = true,
	},
};

/**
 * cmamem_regions_init - the regions directory, the default region, and the
 *			 device-tree regions the platform driver binds
 *
 * After misc_register(): the regions live in the misc device's directory.
 *
 * Return: 0 or -errno.
 */
int cmamem_regions_init(void)
{
	struct cmamem_region *region;
	int ret;

	cmamem_regions_kobj = kobject_create_and_add("regions",
						     &cmamem_device()->kobj);
	if (!cmamem_regions_kobj)
		return -ENOMEM;

	ret = -ENOMEM;
	region = cmamem_region_alloc(cmamem_device(), "default",
				     CMAMEM_REGION_CMA);
	if (!region)
		goto err_dir;
	ret = cmamem_region_publish(region, true);
	if (ret) {
		cmamem_region_put(region);
		goto err_dir;
	}
	cmamem_default_region = region;

	ret = platform_driver_register(&cmamem_region_driver);
	if (ret)
		goto err_default;
	return 0;

err_default:
	cmamem_region_unbind(cmamem_default_region);
err_dir:
	kobject_put(cmamem_regions_kobj);
	return ret;
}

/*
 * Before misc_deregister(), which would take the directory with it. The
 * regions' buffers keep them, and their devices, until cmamem_buf_release_all().
 */
void cmamem_regions_exit(void)
{
	platform_driver_unregister(&cmamem_region_driver);
	cmamem_region_unbind(cmamem_default_region);
	kobject_put(cmamem_regions_kobj);
}
