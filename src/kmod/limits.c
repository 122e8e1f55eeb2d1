// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem accounting: every buffer's bytes are charged here before its
 * memory is allocated and uncharged after it is freed, so the counts cannot
 * drift. The usage is readable in sysfs, on the misc device.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "cma_mem.h"

/**
 * cmamem_charge - account for a buffer about to be allocated
 * @bytes:	its size
 *
 * Return: 0. Limits will be checked here.
 */
int cmamem_charge(u64 bytes)
{
	mutex_lock(&cmamem.lock);
	cmamem.nr_bufs++;
	cmamem.used_bytes += bytes;
	mutex_unlock(&cmamem.lock);
	return 0;
}

/**
 * cmamem_uncharge - give back what cmamem_charge() took
 * @bytes:	the buffer's size
 */
void cmamem_uncharge(u64 bytes)
{
	mutex_lock(&cmamem.lock);
	cmamem.nr_bufs--;
	cmamem.used_bytes -= bytes;
	mutex_unlock(&cmamem.lock);
}

static ssize_t buffers_show(struct device *dev, struct device_attribute *attr,
			    char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(cmamem.nr_bufs));
}
static DEVICE_ATTR_RO(buffers);

static ssize_t used_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *page)
{
	u64 used;

	mutex_lock(&cmamem.lock);
	used = cmamem.used_bytes;
	mutex_unlock(&cmamem.lock);
	return sysfs_emit(page, "%llu\n", used);
}
static DEVICE_ATTR_RO(used_bytes);

static struct attribute *cmamem_attrs[] = {
	&dev_attr_buffers.attr,
	&dev_attr_used_bytes.attr,
	NULL,
};

static const struct attribute_group cmamem_group = {
	.attrs = cmamem_attrs,
};

const struct attribute_group *cmamem_groups[] = {
	&cmamem_group,
	NULL,
};
