// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem: physically contiguous DMA buffers for user space.
 *
 * /dev/cma_mem hands out buffers from CMA through the DMA API, maps them into
 * user space and keeps the original cma_mem driver's ABI alive. See
 * include/uapi/linux/cma_mem.h for the interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "pool.h"
#include "region.h"

static ushort mode = 0660;
module_param(mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permissions of /dev/cma_mem (default 0660)");

/**
 * cmamem_parse_bytes - a byte count in memparse() syntax (64M), as
 *			pool_size= and sysfs pool_bytes take it
 * @s:		the text, which may end in a newline
 * @v:		set to the count
 *
 * Return: 0, or -EINVAL if @s is not a count.
 */
int cmamem_parse_bytes(const char *s, u64 *v)
{
	char *end;

	*v = memparse(s, &end);
	if (end == s || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

static int cmamem_param_set_bytes(const char *val,
				  const struct kernel_param *kp)
{
	u64 v;
	int ret;

	ret = cmamem_parse_bytes(val, &v);
	if (!ret)
		*(unsigned long long *)kp->arg = v;
	return ret;
}

static const struct kernel_param_ops cmamem_param_bytes = {
	.set = cmamem_param_set_bytes,
	.get = param_get_ullong,
};

static unsigned long long pool_size;
module_param_cb(pool_size, &cmamem_param_bytes, &pool_size, 0444);
MODULE_PARM_DESC(pool_size,
		 "Bytes of CMA to reserve for the pool at load, as 64M (default 0); /sys/class/misc/cma_mem/pool_bytes resizes it");

struct cmamem_dev cmamem;

static int cmamem_open(struct inode *inode, struct file *file)
{
	struct cmamem_file *cf;

	/* Pairs with the release in cmamem_init(), after the DMA mask. */
	if (!smp_load_acquire(&cmamem.ready))
		return -EAGAIN;

	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	xa_init(&cf->handles);
	file->private_data = cf;
	return 0;
}

static int cmamem_release(struct inode *inode, struct file *file)
{
	struct cmamem_file *cf = file->private_data;

	/* Mappings hold the file, so none is left: only handles remain. */
	cmamem_file_release(cf);
	kfree(cf);
	return 0;
}

static const struct file_operations cmamem_fops = {
	.owner = THIS_MODULE,
	.open = cmamem_open,
	.release = cmamem_release,
	.unlocked_ioctl = cmamem_ioctl,
	/* The new ABI's structs have one layout everywhere. */
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = cmamem_mmap,
	.llseek = noop_llseek,
};

/* @file's handles, or NULL if @file is not a /dev/cma_mem file. */
struct cmamem_file *cmamem_file_of(struct file *file)
{
	return file->f_op == &cmamem_fops ? file->private_data : NULL;
}

static int __init cmamem_init(void)
{
	struct device *dev;
	int ret;

	if (mode & ~0777) {
		pr_err("mode %#o is not a permission mask\n", mode);
		return -EINVAL;
	}

	mutex_init(&cmamem.lock);
	xa_init_flags(&cmamem.bufs, XA_FLAGS_ALLOC1);
	hash_init(cmamem.names);
	mt_init_flags(&cmamem.offsets, MT_FLAGS_ALLOC_RANGE);
	cmamem_buf_init();
	/* Before misc_register(): its sysfs files show the limits. */
	cmamem_limits_init();

	cmamem.misc.minor = MISC_DYNAMIC_MINOR;
	cmamem.misc.name = "cma_mem";
	cmamem.misc.fops = &cmamem_fops;
	cmamem.misc.mode = mode;
	cmamem.misc.groups = cmamem_groups;
	ret = misc_register(&cmamem.misc);
	if (ret)
		return ret;

	/*
	 * The misc device has no bus to limit its addressing: any memory
	 * will do. Its struct device only exists once it is registered, and
	 * so are /dev/cma_mem and the sysfs files (the attributes come with
	 * the device, before its uevent): until the mask is set and the pool
	 * reserved, open() and pool_bytes fail with EAGAIN, and the files
	 * that only read show the empty pool the pool's static state is.
	 */
	dev = cmamem_device();
	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_deregister;
	/*
	 * The regions, in the misc device's directory: the default one
	 * allocates on the device above, the device tree's on their own.
	 */
	ret = cmamem_regions_init();
	if (ret)
		goto err_deregister;
	/*
	 * The heap node allocates in the default region, so it comes after
	 * it; and before anything it would have to undo, since it is the last
	 * step that can fail. Its open() waits for cmamem.ready too.
	 */
	ret = cmamem_heap_init(mode);
	if (ret)
		goto err_regions;
	cmamem_pool_init(min_t(u64, pool_size, SIZE_MAX));
	cmamem_debugfs_init();
	/* Pairs with the acquire in cmamem_open() and pool_bytes_store(). */
	smp_store_release(&cmamem.ready, true);
	return 0;

err_regions:
	cmamem_regions_exit();
err_deregister:
	misc_deregister(&cmamem.misc);
	return ret;
}

static void __exit cmamem_exit(void)
{
	/* Freed by misc_deregister() unless held: the memory was made on it. */
	struct device *dev = get_device(cmamem_device());

	/*
	 * Every interface goes before what it reads: the heap node, debugfs,
	 * the regions' directories, then the misc device with its sysfs files
	 * (their removal waits for reads in progress; anyone may read
	 * pool_clean_bytes and pool_largest_free).
	 * No open() can succeed meanwhile: it would need a reference to this
	 * module, which is going away.
	 */
	cmamem_heap_exit();
	cmamem_debugfs_exit();
	cmamem_regions_exit();
	misc_deregister(&cmamem.misc);
	/*
	 * Then the buffers and the pool, on the device still held; the
	 * regions' devices are held by their buffers.
	 */
	cmamem_buf_release_all();
	cmamem_pool_exit();
	put_device(dev);
	mtree_destroy(&cmamem.offsets);
	xa_destroy(&cmamem.bufs);
	cmamem_limits_exit();
}

module_init(cmamem_init);
module_exit(cmamem_exit);

MODULE_DESCRIPTION("Physically contiguous DMA buffers for user space");
MODULE_LICENSE("GPL");
