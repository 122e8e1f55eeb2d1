// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem's dma-heap: /dev/dma_heap/<heap_name>, for programs written for
 * dma-heaps (libcamera, GStreamer, picamera2) rather than for cma_mem.
 *
 * dma_heap_add() is not exported to modules, so this is a misc device of its
 * own whose node the misc class puts under /dev/dma_heap/. It speaks the
 * ABI of drivers/dma-buf/dma-heap.c, and each allocation is an ordinary
 * cma_mem buffer (limits, quota, pool, debugfs row, LIST and INFO) whose
 * only holder is the dma-buf it comes back as.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-heap.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "trace.h"

static char *heap_name = "cma_mem";
module_param(heap_name, charp, 0444);
MODULE_PARM_DESC(heap_name,
		 "Name of the dma-heap node, /dev/dma_heap/<name> (default cma_mem; linux,cma or reserved for clients that look for those; empty for no node)");

static char *heap_cache = "cached";
module_param(heap_cache, charp, 0444);
MODULE_PARM_DESC(heap_cache,
		 "Cache mode of the dma-heap's buffers: cached (default, as the kernel's CMA heap), wc or uncached");

/* CMA_MEM_CACHE_* of heap_cache=, once cmamem_heap_init() has parsed it. */
static u32 cmamem_heap_cache_mode;

static int cmamem_heap_open(struct inode *inode, struct file *file)
{
	/* Pairs with the release in cmamem_init(), after the DMA mask. */
	if (!smp_load_acquire(&cmamem.ready))
		return -EAGAIN;
	/* As dma-heap.c: the node allocates, it has no position. */
	return nonseekable_open(inode, file);
}

/*
 * Make a cma_mem buffer of @len bytes, and a dma-buf for it with a reserved
 * fd in @p. The buffer is made with a handle in a file that exists only for
 * this call: once the dma-buf holds the buffer, the handle goes, and the
 * dma-buf is the only holder (buffer.c keeps a CMA_MEM_HEAP buffer
 * reachable, by id for its owner, while it is exported).
 */
static int cmamem_heap_alloc_buf(u64 len, u32 fd_flags,
				 struct cmamem_pending *p)
{
	struct cmamem_alloc_req req = {
		.size = len,
		.flags = cmamem_heap_cache_mode | CMA_MEM_HEAP,
	};
	struct cmamem_file cf = {};
	struct cma_mem_info info;
	int ret;

	xa_init(&cf.handles);
	ret = cmamem_buf_alloc(&cf, &req, false, &info);
	if (!ret)
		ret = cmamem_export(&cf, info.id, fd_flags, p);
	cmamem_file_release(&cf);
	return ret;
}

/*
 * The checks of dma_heap_ioctl_allocate() in drivers/dma-buf/dma-heap.c,
 * the same on 6.1 and 6.12, in its order; all are EINVAL there.
 */
static bool cmamem_heap_arg_valid(const struct dma_heap_allocation_data *data)
{
	if (data->fd)
		return false;
	if (data->fd_flags & ~DMA_HEAP_VALID_FD_FLAGS)
		return false;
	if (data->heap_flags & ~DMA_HEAP_VALID_HEAP_FLAGS)
		return false;
	/*
	 * A length that rounds up past the top wraps to 0, as there. One past
	 * SIZE_MAX is EINVAL from cmamem_buf_alloc(), where dma-heap.c's
	 * size_t would keep only the low bits of it (32-bit kernels).
	 */
	return PAGE_ALIGN(data->len) != 0;
}

/*
 * dma_heap_ioctl_allocate(). A failure to allocate is counted and kept
 * (cmamem_alloc_failed()) as any ALLOC's; a failure to export the buffer
 * made is not a refused allocation: cma_mem_export traces it.
 */
static int cmamem_heap_allocate(struct dma_heap_allocation_data *data,
				struct cmamem_pending *p)
{
	int ret;

	if (cmamem_heap_arg_valid(data)) {
		ret = cmamem_heap_alloc_buf(PAGE_ALIGN(data->len),
					    data->fd_flags, p);
	} else {
		ret = -EINVAL;
		cmamem_alloc_failed(NULL, data->len,
				    cmamem_heap_cache_mode | CMA_MEM_HEAP, ret,
				    CMAMEM_REFUSED_BAD_ARG, 0);
	}
	if (!ret)
		data->fd = p->fd;
	trace_cma_mem_heap_alloc(data->len, p, ret);
	return ret;
}

/*
 * dma_heap_ioctl() of drivers/dma-buf/dma-heap.c: any argument size, in
 * either direction; a shorter struct is zero-extended, a longer one's extra
 * bytes are read, ignored and written back as they were. Its one command is
 * number 0, and a higher number is EINVAL there, not ENOTTY. Unlike there,
 * a command of another type than 'H' is unknown (ENOTTY) rather than taken
 * for ALLOC: dma-heap.c looks only at the number.
 */
static long cmamem_heap_ioctl(struct file *file, unsigned int ucmd,
			      unsigned long arg)
{
	const unsigned int kcmd = DMA_HEAP_IOCTL_ALLOC;
	struct cmamem_pending p = {};
	unsigned int in_size, out_size, ksize;
	char stack_kdata[128] __aligned(8);
	char *kdata = stack_kdata;
	int ret;

	if (_IOC_TYPE(ucmd) != DMA_HEAP_IOC_MAGIC)
		return -ENOTTY;
	if (_IOC_NR(ucmd) != _IOC_NR(kcmd))
		return -EINVAL;

	out_size = _IOC_SIZE(ucmd);
	in_size = out_size;
	if (!(ucmd & kcmd & IOC_IN))
		in_size = 0;
	if (!(ucmd & kcmd & IOC_OUT))
		out_size = 0;
	ksize = max3(in_size, out_size, (unsigned int)_IOC_SIZE(kcmd));

	if (ksize > sizeof(stack_kdata)) {
		kdata = kmalloc(ksize, GFP_KERNEL);
		if (!kdata)
			return -ENOMEM;
	}
	if (copy_from_user(kdata, (void __user *)arg, in_size)) {
		ret = -EFAULT;
		goto out_free;
	}
	memset(kdata + in_size, 0, ksize - in_size);

	ret = cmamem_heap_allocate((struct dma_heap_allocation_data *)kdata,
				   &p);
	if (ret)
		goto out_free;
	/* The fd is installed only once the caller has been told it. */
	if (copy_to_user((void __user *)arg, kdata, out_size)) {
		cmamem_export_abort(&p);
		ret = -EFAULT;
	} else {
		cmamem_export_install(&p);
	}
out_free:
	if (kdata != stack_kdata)
		kfree(kdata);
	return ret;
}

static const struct file_operations cmamem_heap_fops = {
	.owner = THIS_MODULE,
	.open = cmamem_heap_open,
	.unlocked_ioctl = cmamem_heap_ioctl,
	/* The struct has one layout everywhere, and holds no pointer. */
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice cmamem_heap_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	/* /sys/class/misc/cma_mem_heap; the node is .nodename. */
	.name = "cma_mem_heap",
	.fops = &cmamem_heap_fops,
};

/*
 * Whether /dev/dma_heap/<name> already exists: the kernel's own heap of that
 * name, or another driver's node. devtmpfs would silently keep the existing
 * node and the misc device would answer nowhere, so look first. Only the
 * loading process's /dev can be looked at; a /dev without devtmpfs (or none)
 * proves nothing, and then the node is registered.
 */
static bool cmamem_heap_name_taken(const char *nodename)
{
	struct path path;
	char *dev_path;
	bool taken;

	dev_path = kasprintf(GFP_KERNEL, "/dev/%s", nodename);
	if (!dev_path)
		return false;
	taken = !kern_path(dev_path, 0, &path);
	if (taken)
		path_put(&path);
	kfree(dev_path);
	return taken;
}

/* A node name that cannot leave /dev/dma_heap/ nor be empty. */
static bool cmamem_heap_name_valid(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < NAME_MAX;
}

/**
 * cmamem_heap_init - register /dev/dma_heap/<heap_name>
 * @mode:	the node's permissions, those of /dev/cma_mem
 *
 * Called once /dev/cma_mem's device can allocate, before cmamem.ready:
 * opens fail with EAGAIN until then.
 *
 * Return: 0 (also with heap_name= empty: no node), -EINVAL for a bad
 * parameter, -EEXIST for a name in use, or misc_register()'s error.
 */
int cmamem_heap_init(umode_t mode)
{
	char *nodename;
	int ret;

	ret = match_string(cmamem_cache_names, CMA_MEM_CACHE_MASK + 1,
			   heap_cache);
	if (ret < 0) {
		pr_err("heap_cache=%s: not cached, wc nor uncached\n",
		       heap_cache);
		return -EINVAL;
	}
	cmamem_heap_cache_mode = ret;

	if (!heap_name || !*heap_name)
		return 0;
	if (!cmamem_heap_name_valid(heap_name)) {
		pr_err("heap_name=%s: not a file name\n", heap_name);
		return -EINVAL;
	}

	nodename = kasprintf(GFP_KERNEL, "dma_heap/%s", heap_name);
	if (!nodename)
		return -ENOMEM;
	if (cmamem_heap_name_taken(nodename)) {
		pr_err("/dev/%s exists already (the kernel's own heap, or another driver's): load cma_mem with another heap_name=, or heap_name= empty for no heap node\n",
		       nodename);
		ret = -EEXIST;
		goto err_free;
	}

	cmamem_heap_misc.nodename = nodename;
	cmamem_heap_misc.mode = mode;
	ret = misc_register(&cmamem_heap_misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", nodename, ret);
		goto err_free;
	}
	return 0;

err_free:
	cmamem_heap_misc.nodename = NULL;
	kfree(nodename);
	return ret;
}

/* Remove the node; its dma-bufs each hold the module, so none is left. */
void cmamem_heap_exit(void)
{
	/* Set only while registered. */
	if (!cmamem_heap_misc.nodename)
		return;
	misc_deregister(&cmamem_heap_misc);
	kfree(cmamem_heap_misc.nodename);
	cmamem_heap_misc.nodename = NULL;
}
