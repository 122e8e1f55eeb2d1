// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem: physically contiguous DMA buffers for user space.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static const struct file_operations cma_mem_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice cma_mem_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "cma_mem",
	.fops = &cma_mem_fops,
	.mode = 0660,
};

module_misc_device(cma_mem_misc);

MODULE_DESCRIPTION("Physically contiguous DMA buffers for user space");
MODULE_LICENSE("GPL");
