// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem accounting and limits: every buffer's bytes are charged here
 * before its memory is allocated and uncharged after it is freed, so the
 * counts cannot drift. The limits are checked in the same place, under
 * cmamem.lock, which is never held across the allocation itself.
 *
 * sysfs, on the misc device (/sys/class/misc/cma_mem/): the limits
 * max_total_bytes, max_buffer_bytes, max_buffers and max_bytes_per_uid
 * (0644; 0 is no limit), and the usage used_bytes, buffers and peak_bytes
 * (0444). Each limit is also a module parameter. A limit only stops new
 * allocations: lowering it below the current use frees nothing.
 *
 * max_bytes_per_uid_unprivileged is the per-uid limit for callers without
 * CAP_SYS_ADMIN, on top of max_bytes_per_uid. It is the one limit that is
 * not 0 by default: half of the CMA area, computed at load, so that no
 * member of the device's group can take all the CMA that camera, display
 * and codec drivers also need (cma_mem(4), FILES).
 *
 * Each region (region.c) has a limit of its own, max_bytes in its sysfs
 * directory, and counts its own use; the per-uid limits count every region.
 *
 * Errnos: ENOSPC when a device-wide limit (max_total_bytes, max_buffers,
 * max_buffer_bytes) or a region's max_bytes refuses a buffer, EDQUOT when a
 * per-uid one does.
 *
 * Every failed allocation is counted, and the last CMAMEM_REFUSALS_KEPT
 * are kept for the debugfs refusals file: who, how much, which limit or
 * other cause. Only the failure path writes them, under cmamem.lock, which
 * it takes for the counters anyway.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>

#include "cmamem_internal.h"
#include "pool.h"
#include "region.h"
#include "trace.h"

/* Limits, 0 for none. Written under cmamem.lock, read under it. */
static unsigned long long max_total_bytes;
module_param(max_total_bytes, ullong, 0444);
MODULE_PARM_DESC(max_total_bytes,
		 "Bytes all buffers together may take, 0 for no limit (ENOSPC)");

static unsigned long long max_buffer_bytes;
module_param(max_buffer_bytes, ullong, 0444);
MODULE_PARM_DESC(max_buffer_bytes,
		 "Largest buffer in bytes, 0 for no limit (ENOSPC)");

static unsigned int max_buffers;
module_param(max_buffers, uint, 0444);
MODULE_PARM_DESC(max_buffers,
		 "Buffers that may exist at once, 0 for no limit (ENOSPC)");

static unsigned long long max_bytes_per_uid;
module_param(max_bytes_per_uid, ullong, 0444);
MODULE_PARM_DESC(max_bytes_per_uid,
		 "Bytes one user's buffers may take, 0 for no limit (EDQUOT)");

/* Until cmamem_limits_init(): not given at load, so computed there. */
#define CMAMEM_LIMIT_DEFAULT	ULLONG_MAX

static unsigned long long max_bytes_per_uid_unprivileged =
	CMAMEM_LIMIT_DEFAULT;
module_param(max_bytes_per_uid_unprivileged, ullong, 0444);
MODULE_PARM_DESC(max_bytes_per_uid_unprivileged,
		 "Bytes one user's buffers may take when allocated without CAP_SYS_ADMIN, 0 for no limit (EDQUOT); default half the CMA area");

/* What one uid has charged; exists while that is not zero. */
struct cmamem_uid_use {
	struct hlist_node node;
	kuid_t uid;
	u64 bytes;
};

static DEFINE_HASHTABLE(cmamem_uid_uses, 6);

/* Each limit's name is its sysfs file's. */
const char *const cmamem_refusal_names[CMAMEM_REFUSED_NR] = {
	[CMAMEM_REFUSED_NONE] = "none",
	[CMAMEM_REFUSED_MAX_TOTAL_BYTES] = "max_total_bytes",
	[CMAMEM_REFUSED_MAX_BUFFER_BYTES] = "max_buffer_bytes",
	[CMAMEM_REFUSED_MAX_BUFFERS] = "max_buffers",
	[CMAMEM_REFUSED_MAX_BYTES_PER_UID] = "max_bytes_per_uid",
	[CMAMEM_REFUSED_MAX_BYTES_PER_UID_UNPRIVILEGED] =
		"max_bytes_per_uid_unprivileged",
	[CMAMEM_REFUSED_REGION_MAX_BYTES] = "region_max_bytes",
	[CMAMEM_REFUSED_NOMEM] = "nomem",
	[CMAMEM_REFUSED_BAD_ARG] = "bad_arg",
	[CMAMEM_REFUSED_OTHER] = "other",
};

/* Whether @why is one of the limits, which the stats file counts as one. */
static bool cmamem_refusal_is_limit(enum cmamem_refusal why)
{
	return why > CMAMEM_REFUSED_NONE && why < CMAMEM_REFUSED_NOMEM;
}

/* One failed allocation, for the debugfs refusals file. */
struct cmamem_refusal_rec {
	u64 time_ns;		/* boot-time clock */
	u64 size;		/* bytes asked for */
	kuid_t uid;		/* the caller's effective uid */
	pid_t pid;		/* its thread group, in the initial namespace */
	int err;		/* positive errno */
	enum cmamem_refusal why;
	char comm[TASK_COMM_LEN];
};

/* Counters for the debugfs stats file, and the last refusals. */
static struct {
	u64 allocs;
	u64 allocs_pool;
	u64 allocs_cma;
	u64 pool_fallbacks;
	u64 frees;
	u64 failed[CMAMEM_REFUSED_NR];
	u64 peak_bytes;
	u64 largest_bytes;
	u64 latency_max_us;
	u64 latency[CMAMEM_LATENCY_BUCKETS];
	/* A ring: the newest at refusals[(next - 1) % KEPT]. */
	struct cmamem_refusal_rec refusals[CMAMEM_REFUSALS_KEPT];
	unsigned int refusals_next;
	unsigned int refusals_nr;
} cmamem_stats; /* under cmamem.lock */

static struct cmamem_uid_use *cmamem_uid_use_find(kuid_t uid)
{
	struct cmamem_uid_use *use;

	hash_for_each_possible(cmamem_uid_uses, use, node, __kuid_val(uid))
		if (uid_eq(use->uid, uid))
			return use;
	return NULL;
}

/* Would @bytes more take a uid holding @held past @quota (0: none)? */
static bool cmamem_over_quota(u64 quota, u64 held, u64 bytes)
{
	return quota && bytes > quota - min(held, quota);
}

/**
 * cmamem_charge - account for a buffer about to be allocated
 * @region:	the region it is allocated in
 * @uid:	its owner
 * @bytes:	its size
 * @why:	set to the limit that refused it, or to CMAMEM_REFUSED_NOMEM;
 *		the caller reports the failure (cmamem_alloc_failed())
 *
 * Called by the allocating task: whether it has CAP_SYS_ADMIN decides
 * which per-uid limits apply.
 *
 * Return: 0, -ENOSPC over a device-wide limit, -EDQUOT over @uid's quota,
 * or -ENOMEM.
 */
int cmamem_charge(struct cmamem_region *region, kuid_t uid, u64 bytes,
		  enum cmamem_refusal *why)
{
	struct cmamem_uid_use *use, *new = NULL;
	int ret = -ENOSPC;
	u64 held;

	mutex_lock(&cmamem.lock);
	*why = CMAMEM_REFUSED_MAX_BUFFER_BYTES;
	if (max_buffer_bytes && bytes > max_buffer_bytes)
		goto out;
	*why = CMAMEM_REFUSED_MAX_BUFFERS;
	if (max_buffers && cmamem.nr_bufs >= max_buffers)
		goto out;
	*why = CMAMEM_REFUSED_MAX_TOTAL_BYTES;
	if (cmamem_over_quota(max_total_bytes, cmamem.used_bytes, bytes))
		goto out;
	*why = CMAMEM_REFUSED_REGION_MAX_BYTES;
	if (cmamem_over_quota(region->max_bytes, region->used_bytes, bytes))
		goto out;

	use = cmamem_uid_use_find(uid);
	held = use ? use->bytes : 0;
	ret = -EDQUOT;
	*why = CMAMEM_REFUSED_MAX_BYTES_PER_UID;
	if (cmamem_over_quota(max_bytes_per_uid, held, bytes))
		goto out;
	/*
	 * CAP_SYS_ADMIN is asked for only where it makes a difference, so
	 * that an allocation within the limit neither logs a denial nor
	 * counts as a use of the capability (PF_SUPERPRIV).
	 */
	*why = CMAMEM_REFUSED_MAX_BYTES_PER_UID_UNPRIVILEGED;
	if (cmamem_over_quota(max_bytes_per_uid_unprivileged, held, bytes) &&
	    !capable(CAP_SYS_ADMIN))
		goto out;
	if (!use) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new) {
			*why = CMAMEM_REFUSED_NOMEM;
			ret = -ENOMEM;
			goto out;
		}
		new->uid = uid;
		hash_add(cmamem_uid_uses, &new->node, __kuid_val(uid));
		use = new;
	}
	use->bytes += bytes;
	cmamem.nr_bufs++;
	cmamem.used_bytes += bytes;
	region->nr_bufs++;
	region->used_bytes += bytes;
	*why = CMAMEM_REFUSED_NONE;
	ret = 0;
out:
	mutex_unlock(&cmamem.lock);
	return ret;
}

/**
 * cmamem_uncharge - give back what cmamem_charge() took
 * @region:	the buffer's region
 * @uid:	the buffer's owner
 * @bytes:	the buffer's size
 * @freed:	the buffer existed (cmamem_charged() was called), and its
 *		memory is now back: count a free
 */
void cmamem_uncharge(struct cmamem_region *region, kuid_t uid, u64 bytes,
		     bool freed)
{
	struct cmamem_uid_use *use;

	mutex_lock(&cmamem.lock);
	use = cmamem_uid_use_find(uid);
	if (!WARN_ON_ONCE(!use || use->bytes < bytes)) {
		use->bytes -= bytes;
		if (!use->bytes) {
			hash_del(&use->node);
			kfree(use);
		}
	}
	cmamem.nr_bufs--;
	cmamem.used_bytes -= bytes;
	region->nr_bufs--;
	region->used_bytes -= bytes;
	if (freed)
		cmamem_stats.frees++;
	mutex_unlock(&cmamem.lock);
}

/**
 * cmamem_charged - count a buffer whose allocation succeeded
 * @region:	the region it was allocated in
 * @bytes:	its size
 * @ns:		how long getting its memory took
 * @pooled:	its memory came from the pool, not CMA
 * @fell_back:	the pool had no room, so it came from CMA
 */
void cmamem_charged(struct cmamem_region *region, u64 bytes, u64 ns,
		    bool pooled, bool fell_back)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);
	unsigned int bucket;

	/* Bucket 0 is under 1 us, bucket b from 2^(b-1) to 2^b us. */
	bucket = us ? ilog2(us) + 1 : 0;
	bucket = min_t(unsigned int, bucket, CMAMEM_LATENCY_BUCKETS - 1);

	mutex_lock(&cmamem.lock);
	cmamem_stats.allocs++;
	region->allocs++;
	if (pooled)
		cmamem_stats.allocs_pool++;
	else
		cmamem_stats.allocs_cma++;
	cmamem_stats.pool_fallbacks += fell_back;
	/* Here, not at charge time: an allocation that fails is no peak. */
	cmamem_stats.peak_bytes = max(cmamem_stats.peak_bytes,
				      cmamem.used_bytes);
	cmamem_stats.largest_bytes = max(cmamem_stats.largest_bytes, bytes);
	cmamem_stats.latency[bucket]++;
	cmamem_stats.latency_max_us = max(cmamem_stats.latency_max_us, us);
	mutex_unlock(&cmamem.lock);
}

/**
 * cmamem_alloc_failed - count, keep and trace an allocation that failed
 * @region:	the region asked for, or NULL if there is none such
 * @size:	the bytes asked for
 * @flags:	the flags asked for
 * @err:	its -errno
 * @why:	the limit that refused it (cmamem_charge()), or
 *		CMAMEM_REFUSED_NONE to tell the cause by @err
 * @latency_ns:	how long CMA or the pool took to fail, 0 if not asked
 *
 * Called once per failed ALLOC, legacy CMEM_ALLOCATE or dma-heap
 * allocation, by the allocating task.
 */
void cmamem_alloc_failed(struct cmamem_region *region, u64 size, u32 flags,
			 int err, enum cmamem_refusal why, u64 latency_ns)
{
	struct cmamem_refusal_rec rec = {
		.time_ns = ktime_get_boottime_ns(),
		.size = size,
		.uid = current_euid(),
		.pid = task_tgid_nr(current),
		.err = -err,
	};
	struct cmamem_refusal_rec *slot;

	if (why == CMAMEM_REFUSED_NONE)
		why = err == -ENOMEM ? CMAMEM_REFUSED_NOMEM :
		      err == -EINVAL ? CMAMEM_REFUSED_BAD_ARG :
		      CMAMEM_REFUSED_OTHER;
	rec.why = why;
	get_task_comm(rec.comm, current);

	mutex_lock(&cmamem.lock);
	cmamem_stats.failed[why]++;
	if (region)
		region->alloc_failures++;
	slot = &cmamem_stats.refusals[cmamem_stats.refusals_next];
	*slot = rec;
	cmamem_stats.refusals_next = (cmamem_stats.refusals_next + 1) %
				     CMAMEM_REFUSALS_KEPT;
	cmamem_stats.refusals_nr = min(cmamem_stats.refusals_nr + 1,
				       CMAMEM_REFUSALS_KEPT);
	mutex_unlock(&cmamem.lock);
	trace_cma_mem_alloc(0, size, flags, rec.uid, latency_ns, err, why, 0,
			    region ? region->name : NULL);
}

/**
 * cmamem_refusals_show - the last failed allocations, newest first
 * @m:		the debugfs refusals file
 *
 * The header, then "age_ms uid pid comm size reason errno" per failure.
 */
void cmamem_refusals_show(struct seq_file *m)
{
	u64 now = ktime_get_boottime_ns();
	const struct cmamem_refusal_rec *r;
	char comm[TASK_COMM_LEN];
	unsigned int i, at;

	/* The column names are an interface: keep them. */
	seq_puts(m, "age_ms uid pid comm size reason errno\n");
	mutex_lock(&cmamem.lock);
	for (i = 0; i < cmamem_stats.refusals_nr; i++) {
		at = (cmamem_stats.refusals_next + CMAMEM_REFUSALS_KEPT - 1 -
		      i) % CMAMEM_REFUSALS_KEPT;
		r = &cmamem_stats.refusals[at];
		cmamem_comm_word(comm, r->comm);
		seq_printf(m, "%llu %u %d %s %llu %s %d\n",
			   div_u64(now - r->time_ns, NSEC_PER_MSEC),
			   from_kuid(&init_user_ns, r->uid), r->pid, comm,
			   r->size, cmamem_refusal_names[r->why], r->err);
	}
	mutex_unlock(&cmamem.lock);
}

/* The stats file's line of the failures for @why, under cmamem.lock. */
static void cmamem_failed_show(struct seq_file *m, enum cmamem_refusal why)
{
	seq_printf(m, "failed_%s %llu\n", cmamem_refusal_names[why],
		   cmamem_stats.failed[why]);
}

/**
 * cmamem_stats_show - print the counters, one "key value" per line
 * @m:		the debugfs stats file
 */
void cmamem_stats_show(struct seq_file *m)
{
	u64 over_limit = 0;
	unsigned int i;

	mutex_lock(&cmamem.lock);
	seq_printf(m, "allocs %llu\n", cmamem_stats.allocs);
	seq_printf(m, "allocs_pool %llu\n", cmamem_stats.allocs_pool);
	seq_printf(m, "allocs_cma %llu\n", cmamem_stats.allocs_cma);
	seq_printf(m, "pool_fallbacks %llu\n", cmamem_stats.pool_fallbacks);
	seq_printf(m, "frees %llu\n", cmamem_stats.frees);
	/* Every limit's refusals count as one, failed_over_limit. */
	for (i = 0; i < CMAMEM_REFUSED_NR; i++)
		if (cmamem_refusal_is_limit(i))
			over_limit += cmamem_stats.failed[i];
	cmamem_failed_show(m, CMAMEM_REFUSED_NOMEM);
	seq_printf(m, "failed_over_limit %llu\n", over_limit);
	cmamem_failed_show(m, CMAMEM_REFUSED_BAD_ARG);
	cmamem_failed_show(m, CMAMEM_REFUSED_OTHER);
	seq_printf(m, "used_bytes %llu\n", cmamem.used_bytes);
	seq_printf(m, "buffers %u\n", cmamem.nr_bufs);
	seq_printf(m, "peak_bytes %llu\n", cmamem_stats.peak_bytes);
	seq_printf(m, "largest_bytes %llu\n", cmamem_stats.largest_bytes);
	seq_printf(m, "latency_max_us %llu\n", cmamem_stats.latency_max_us);
	for (i = 0; i < CMAMEM_LATENCY_BUCKETS - 1; i++)
		seq_printf(m, "latency_us_lt_%lu %llu\n", 1UL << i,
			   cmamem_stats.latency[i]);
	seq_printf(m, "latency_us_ge_%lu %llu\n", 1UL << (i - 1),
		   cmamem_stats.latency[i]);
	mutex_unlock(&cmamem.lock);
	cmamem_pool_stats_show(m);
}

/* The pages of every CMA area, in every zone of every node. */
static u64 cmamem_cma_pages(void)
{
	u64 pages = 0;
	int nid, z;

	for_each_online_node(nid)
		for (z = 0; z < MAX_NR_ZONES; z++)
			pages += zone_cma_pages(&NODE_DATA(nid)->node_zones[z]);
	return pages;
}

/* At load: the defaults that depend on the machine. */
void cmamem_limits_init(void)
{
	if (max_bytes_per_uid_unprivileged == CMAMEM_LIMIT_DEFAULT)
		max_bytes_per_uid_unprivileged =
			(cmamem_cma_pages() / 2) << PAGE_SHIFT;
}

/* Release what cmamem_charge() may have left: nothing, once all is freed. */
void cmamem_limits_exit(void)
{
	struct cmamem_uid_use *use;
	struct hlist_node *tmp;
	unsigned int bkt;

	hash_for_each_safe(cmamem_uid_uses, bkt, tmp, use, node) {
		hash_del(&use->node);
		kfree(use);
	}
}

/* --- sysfs --- */

static ssize_t cmamem_show_u64(char *page, const u64 *val)
{
	u64 v;

	mutex_lock(&cmamem.lock);
	v = *val;
	mutex_unlock(&cmamem.lock);
	return sysfs_emit(page, "%llu\n", v);
}

static ssize_t cmamem_store_u64(const char *page, size_t count, u64 *val)
{
	u64 v;
	int ret;

	ret = kstrtoull(page, 0, &v);
	if (ret)
		return ret;
	mutex_lock(&cmamem.lock);
	*val = v;
	mutex_unlock(&cmamem.lock);
	return count;
}

/* The byte limits: dev_ext_attribute's var points at the limit. */
static ssize_t cmamem_limit_show(struct device *dev,
				 struct device_attribute *attr, char *page)
{
	struct dev_ext_attribute *ea = container_of(attr, typeof(*ea), attr);

	return cmamem_show_u64(page, ea->var);
}

static ssize_t cmamem_limit_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *page, size_t count)
{
	struct dev_ext_attribute *ea = container_of(attr, typeof(*ea), attr);

	return cmamem_store_u64(page, count, ea->var);
}

static struct dev_ext_attribute dev_attr_max_total_bytes = {
	__ATTR(max_total_bytes, 0644, cmamem_limit_show, cmamem_limit_store),
	&max_total_bytes,
};

static struct dev_ext_attribute dev_attr_max_buffer_bytes = {
	__ATTR(max_buffer_bytes, 0644, cmamem_limit_show, cmamem_limit_store),
	&max_buffer_bytes,
};

static struct dev_ext_attribute dev_attr_max_bytes_per_uid = {
	__ATTR(max_bytes_per_uid, 0644, cmamem_limit_show, cmamem_limit_store),
	&max_bytes_per_uid,
};

static struct dev_ext_attribute dev_attr_max_bytes_per_uid_unprivileged = {
	__ATTR(max_bytes_per_uid_unprivileged, 0644, cmamem_limit_show,
	       cmamem_limit_store),
	&max_bytes_per_uid_unprivileged,
};

static ssize_t max_buffers_show(struct device *dev,
				struct device_attribute *attr, char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(max_buffers));
}

static ssize_t max_buffers_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *page, size_t count)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(page, 0, &v);
	if (ret)
		return ret;
	/* Ids are 1 to INT_MAX: more buffers than that cannot exist. */
	if (v > INT_MAX)
		return -ERANGE;
	mutex_lock(&cmamem.lock);
	max_buffers = v;
	mutex_unlock(&cmamem.lock);
	return count;
}
static DEVICE_ATTR_RW(max_buffers);

static ssize_t buffers_show(struct device *dev, struct device_attribute *attr,
			    char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(cmamem.nr_bufs));
}
static DEVICE_ATTR_RO(buffers);

static ssize_t used_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *page)
{
	return cmamem_show_u64(page, &cmamem.used_bytes);
}
static DEVICE_ATTR_RO(used_bytes);

static ssize_t peak_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *page)
{
	return cmamem_show_u64(page, &cmamem_stats.peak_bytes);
}
static DEVICE_ATTR_RO(peak_bytes);

static struct attribute *cmamem_attrs[] = {
	&dev_attr_max_total_bytes.attr.attr,
	&dev_attr_max_buffer_bytes.attr.attr,
	&dev_attr_max_buffers.attr,
	&dev_attr_max_bytes_per_uid.attr.attr,
	&dev_attr_max_bytes_per_uid_unprivileged.attr.attr,
	&dev_attr_buffers.attr,
	&dev_attr_used_bytes.attr,
	&dev_attr_peak_bytes.attr,
	NULL,
};

static const struct attribute_group cmamem_group = {
	.attrs = cmamem_attrs,
};

const struct attribute_group *cmamem_groups[] = {
	&cmamem_group,
	&cmamem_pool_group,
	NULL,
};
