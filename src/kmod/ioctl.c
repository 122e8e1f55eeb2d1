// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem ioctls: copy the argument in, check its shape (sizes, flags,
 * reserved fields), call buffer.c, copy the result out. What a request means
 * (ownership, whether a buffer exists) is buffer.c's business.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "buffer.h"
#include "cmamem_internal.h"

/* LIST gathers ids in a kernel array: at most this many per call. */
#define CMAMEM_LIST_MAX 1024

static bool cmamem_name_empty(const char name[CMA_MEM_NAME_LEN])
{
	return !memchr_inv(name, 0, CMA_MEM_NAME_LEN);
}

static bool cmamem_alloc_arg_valid(const struct cma_mem_alloc *arg)
{
	if (!arg->size || arg->flags & ~CMA_MEM_ALLOC_FLAGS)
		return false;
	if ((arg->flags & CMA_MEM_CACHE_MASK) == CMA_MEM_CACHE_MASK)
		return false;
	if ((arg->flags & CMA_MEM_FROM_POOL) && (arg->flags & CMA_MEM_FROM_CMA))
		return false;
	if (arg->align & (arg->align - 1) || arg->reserved)
		return false;
	return cmamem_name_valid(arg->name);
}

static int cmamem_ioc_alloc(struct cmamem_file *cf, void *data)
{
	struct cma_mem_alloc *arg = data;
	struct cmamem_alloc_req req = {
		.size = arg->size,
		.align = arg->align,
		.flags = arg->flags,
		.name = arg->name,
		.region = arg->region,
	};
	struct cma_mem_info info;
	int ret;

	/* A refusal all the same: counted as buffer.c counts its own. */
	if (!cmamem_alloc_arg_valid(arg)) {
		cmamem_alloc_failed(NULL, arg->size, arg->flags, -EINVAL,
				    CMAMEM_REFUSED_BAD_ARG, 0);
		return -EINVAL;
	}

	ret = cmamem_buf_alloc(cf, &req, false, &info);
	if (ret)
		return ret;
	arg->id = info.id;
	arg->size = info.size;
	arg->mmap_offset = info.mmap_offset;
	arg->dma_addr = info.dma_addr;
	return 0;
}

/* ALLOC succeeded but its answer cannot reach user space: undo it. */
static void cmamem_ioc_alloc_undo(struct cmamem_file *cf, void *data)
{
	struct cma_mem_alloc *arg = data;

	cmamem_buf_free(cf, arg->id);
}

static int cmamem_ioc_free(struct cmamem_file *cf, void *data)
{
	struct cma_mem_free *arg = data;

	if (arg->flags)
		return -EINVAL;
	return cmamem_buf_free(cf, arg->id);
}

static struct cmamem_pending *cmamem_pending(void *data);

static int cmamem_ioc_attach(struct cmamem_file *cf, void *data)
{
	struct cma_mem_info *arg = data;

	if (arg->attach_flags & ~CMA_MEM_ATTACH_FLAGS || arg->reserved)
		return -EINVAL;
	/* By id, or by name: exactly one of them. */
	if (!arg->id == cmamem_name_empty(arg->name))
		return -EINVAL;
	if (!arg->id && !cmamem_name_valid(arg->name))
		return -EINVAL;
	/* An id needs no owner. */
	if (arg->id && arg->attach_flags)
		return -EINVAL;
	return cmamem_buf_attach(cf, arg, &cmamem_pending(data)->buf);
}

static void cmamem_ioc_attach_undo(struct cmamem_file *cf, void *data)
{
	cmamem_buf_put(cmamem_pending(data)->buf);
}

static int cmamem_ioc_attach_commit(struct cmamem_file *cf, void *data)
{
	return cmamem_buf_attach_commit(cf, cmamem_pending(data)->buf);
}

static int cmamem_ioc_info(struct cmamem_file *cf, void *data)
{
	struct cma_mem_info *arg = data;

	if (arg->attach_flags || arg->reserved)
		return -EINVAL;
	return cmamem_buf_info(arg);
}

static int cmamem_ioc_list(struct cmamem_file *cf, void *data)
{
	struct cma_mem_list *arg = data;
	u32 capacity = min_t(u32, arg->capacity, CMAMEM_LIST_MAX);
	u32 *ids = NULL;
	int ret;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	if (capacity) {
		ids = kmalloc_array(capacity, sizeof(*ids), GFP_KERNEL);
		if (!ids)
			return -ENOMEM;
	}
	ret = cmamem_buf_list(arg->start, ids, capacity, &arg->count,
			      &arg->next);
	/* Copied after buffer.c let go of its lock: this may fault. */
	if (!ret && arg->count &&
	    copy_to_user(u64_to_user_ptr(arg->ids), ids,
			 array_size(arg->count, sizeof(*ids))))
		ret = -EFAULT;
	kfree(ids);
	return ret;
}

static int cmamem_ioc_sync(struct cmamem_file *cf, void *data)
{
	struct cma_mem_sync *arg = data;

	if (arg->flags != CMA_MEM_SYNC_FOR_CPU &&
	    arg->flags != CMA_MEM_SYNC_FOR_DEVICE)
		return -EINVAL;
	return cmamem_buf_sync(arg->id, arg->offset, arg->length, arg->flags);
}

static int cmamem_ioc_export(struct cmamem_file *cf, void *data)
{
	struct cma_mem_export *arg = data;
	struct cmamem_pending *p = cmamem_pending(data);
	int ret;

	if (arg->reserved || arg->flags & ~(O_CLOEXEC | O_ACCMODE) ||
	    (arg->flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	ret = cmamem_export(cf, arg->id, arg->flags, p);
	if (!ret)
		arg->fd = p->fd;
	return ret;
}

static void cmamem_ioc_export_undo(struct cmamem_file *cf, void *data)
{
	cmamem_export_abort(cmamem_pending(data));
}

static int cmamem_ioc_export_commit(struct cmamem_file *cf, void *data)
{
	cmamem_export_install(cmamem_pending(data));
	return 0;
}

struct cmamem_ioctl_desc {
	unsigned int cmd;
	int (*handler)(struct cmamem_file *cf, void *data);
	/* Called if the result cannot be copied out. */
	void (*undo)(struct cmamem_file *cf, void *data);
	/* The handler writes an answer into the struct. */
	bool answers;
	/* Called once the answer is out: gives what the handler kept back. */
	int (*commit)(struct cmamem_file *cf, void *data);
};

/* The largest argument of all, for the on-stack copy. */
union cmamem_ioctl_arg {
	struct cma_mem_alloc alloc;
	struct cma_mem_info info;
	struct cma_mem_free free;
	struct cma_mem_list list;
	struct cma_mem_sync sync;
	struct cma_mem_export export;
};

/*
 * Indexed by _IOC_NR(), each row named for its command; cmamem_ioctl()
 * checks at build time that every row holds the command it is filed under.
 */
static const struct cmamem_ioctl_desc cmamem_ioctls[] = {
	[_IOC_NR(CMA_MEM_IOC_ALLOC)] = {
		.cmd = CMA_MEM_IOC_ALLOC, .handler = cmamem_ioc_alloc,
		.undo = cmamem_ioc_alloc_undo, .answers = true,
	},
	[_IOC_NR(CMA_MEM_IOC_FREE)] = {
		.cmd = CMA_MEM_IOC_FREE, .handler = cmamem_ioc_free,
	},
	[_IOC_NR(CMA_MEM_IOC_ATTACH)] = {
		.cmd = CMA_MEM_IOC_ATTACH, .handler = cmamem_ioc_attach,
		.undo = cmamem_ioc_attach_undo, .answers = true,
		.commit = cmamem_ioc_attach_commit,
	},
	[_IOC_NR(CMA_MEM_IOC_INFO)] = {
		.cmd = CMA_MEM_IOC_INFO, .handler = cmamem_ioc_info,
		.answers = true,
	},
	[_IOC_NR(CMA_MEM_IOC_LIST)] = {
		.cmd = CMA_MEM_IOC_LIST, .handler = cmamem_ioc_list,
		.answers = true,
	},
	[_IOC_NR(CMA_MEM_IOC_SYNC)] = {
		.cmd = CMA_MEM_IOC_SYNC, .handler = cmamem_ioc_sync,
	},
	[_IOC_NR(CMA_MEM_IOC_EXPORT)] = {
		.cmd = CMA_MEM_IOC_EXPORT, .handler = cmamem_ioc_export,
		.undo = cmamem_ioc_export_undo, .answers = true,
		.commit = cmamem_ioc_export_commit,
	},
};

/*
 * One call: its argument, and what ATTACH and EXPORT made but keep back
 * until the answer is out. Handlers get &arg; cmamem_pending() finds the
 * rest.
 */
struct cmamem_ioctl_call {
	union cmamem_ioctl_arg arg;
	struct cmamem_pending pending;
};

static struct cmamem_pending *cmamem_pending(void *data)
{
	union cmamem_ioctl_arg *arg = data;

	return &container_of(arg, struct cmamem_ioctl_call, arg)->pending;
}

long cmamem_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct cmamem_ioctl_desc *desc;
	void __user *uarg = (void __user *)arg;
	struct cmamem_ioctl_call call = {};
	size_t usize, ksize;
	unsigned int nr;
	int ret;

	/* Each row is its command's: one filed under another's number fails. */
	BUILD_BUG_ON(cmamem_ioctls[_IOC_NR(CMA_MEM_IOC_ALLOC)].cmd != CMA_MEM_IOC_ALLOC);
	BUILD_BUG_ON(cmamem_ioctls[_IOC_NR(CMA_MEM_IOC_FREE)].cmd != CMA_MEM_IOC_FREE);
	BUILD_BUG_ON(cmamem_ioctls[_IOC_NR(CMA_MEM_IOC_ATTACH)].cmd != CMA_MEM_IOC_ATTACH);
	BUILD_BUG_ON(cmamem_ioctls[_IOC_NR(CMA_MEM_IOC_INFO)].cmd != CMA_MEM_IOC_INFO);
	BUILD_BUG_ON(cmamem_ioctls[_IOC_NR(CMA_MEM_IOC_LIST)].cmd != CMA_MEM_IOC_LIST);
	BUILD_BUG_ON(cmamem_ioctls[_IOC_NR(CMA_MEM_IOC_SYNC)].cmd != CMA_MEM_IOC_SYNC);
	BUILD_BUG_ON(cmamem_ioctls[_IOC_NR(CMA_MEM_IOC_EXPORT)].cmd != CMA_MEM_IOC_EXPORT);

	if (cmamem_is_legacy_ioctl(cmd))
		return cmamem_legacy_ioctl(file, cmd, arg);

	nr = _IOC_NR(cmd);
	if (_IOC_TYPE(cmd) != CMA_MEM_IOC_MAGIC ||
	    nr >= ARRAY_SIZE(cmamem_ioctls))
		return -ENOTTY;
	desc = &cmamem_ioctls[array_index_nospec(nr, ARRAY_SIZE(cmamem_ioctls))];
	/* Any size, so that the ABI can grow; but the same direction. */
	if (!desc->handler || _IOC_DIR(cmd) != _IOC_DIR(desc->cmd))
		return -ENOTTY;

	/*
	 * A shorter struct is zero-extended; a longer one must have zeroes
	 * where this driver knows no fields, else E2BIG, as for openat2() and
	 * clone3(): user space built against a newer header can tell.
	 */
	usize = _IOC_SIZE(cmd);
	ksize = _IOC_SIZE(desc->cmd);
	ret = copy_struct_from_user(&call.arg, ksize, uarg, usize);
	if (ret)
		return ret;

	/*
	 * A request whose answer cannot be written back fails before it acts,
	 * which spares ALLOC a long allocation made for nothing. Writing back
	 * the bytes just read changes nothing the caller can see. FREE and
	 * SYNC answer nothing, and are not written back at all. This proves
	 * nothing about the copy after the request (another thread may
	 * mprotect() the page meanwhile): that one has its undo and commit.
	 */
	if (desc->answers && copy_to_user(uarg, &call.arg, min(usize, ksize)))
		return -EFAULT;

	ret = desc->handler(file->private_data, &call.arg);
	if (ret || !desc->answers)
		return ret;

	/*
	 * ATTACH's handle and EXPORT's fd are given only after the answer is
	 * out: an fd installed first could be another thread's before a failed
	 * copy, with no safe undo.
	 */
	if (copy_to_user(uarg, &call.arg, min(usize, ksize))) {
		if (desc->undo)
			desc->undo(file->private_data, &call.arg);
		return -EFAULT;
	}
	return desc->commit ? desc->commit(file->private_data, &call.arg) : 0;
}
