// SPDX-License-Identifier: GPL-2.0
/*
 * The original cma_mem driver's ABI, kept so that its programs run
 * unmodified: CMEM_ALLOCATE makes a write-combined buffer owned by the file,
 * and mmap at offset 0 maps the file's most recent one. Its other commands
 * are gone.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "buffer.h"
#include "cmamem_internal.h"

#define CMEM_MAGIC 'm'
#define CMEM_ALLOCATE _IOW(CMEM_MAGIC, 5, unsigned int)
/* The original driver's commands were numbered from 1 to 8. */
#define CMEM_NR_FIRST 1
#define CMEM_NR_LAST 8

/* The original argument, in the native layout. */
struct cmamem_legacy_info {
	char __user *name; /* ignored */
	char is_cache; /* ignored: the buffer is write-combined */
	unsigned long id;
	unsigned long offset;
	unsigned long len;
	unsigned long phy_base;
	unsigned long mem_base;
};

bool cmamem_is_legacy_ioctl(unsigned int cmd)
{
	return _IOC_TYPE(cmd) == CMEM_MAGIC;
}

static long cmamem_legacy_allocate(struct cmamem_file *cf,
				   struct cmamem_legacy_info __user *uinfo)
{
	struct cmamem_alloc_req req = { .flags = CMA_MEM_CACHE_WC };
	struct cmamem_legacy_info linfo;
	struct cma_mem_info info;
	int ret;

	if (copy_from_user(&linfo, uinfo, sizeof(linfo)))
		return -EFAULT;
	if (!linfo.len) {
		cmamem_alloc_failed(NULL, 0, req.flags, -EINVAL,
				    CMAMEM_REFUSED_BAD_ARG, 0);
		return -EINVAL;
	}
	req.size = linfo.len;

	ret = cmamem_buf_alloc(cf, &req, true, &info);
	if (ret)
		return ret;

	linfo.id = info.id;
	linfo.offset = 0;
	linfo.len = info.size;
	linfo.phy_base = info.dma_addr;
	/* Was a kernel address: nothing user space should see. */
	linfo.mem_base = 0;
	if (copy_to_user(uinfo, &linfo, sizeof(linfo))) {
		cmamem_buf_free(cf, info.id);
		return -EFAULT;
	}
	return 0;
}

long cmamem_legacy_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned int nr = _IOC_NR(cmd);

	/* The struct holds longs and a pointer: native callers only. */
	if (cmd == CMEM_ALLOCATE && !in_compat_syscall())
		return cmamem_legacy_allocate(file->private_data,
					      (void __user *)arg);

	if (nr >= CMEM_NR_FIRST && nr <= CMEM_NR_LAST)
		pr_warn_ratelimited("%s[%d]: legacy ioctl %u unsupported\n",
				    current->comm, task_pid_nr(current), nr);
	return -ENOTTY;
}
