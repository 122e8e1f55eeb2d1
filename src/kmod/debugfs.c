// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem debugfs, /sys/kernel/debug/cma_mem/, root only:
 * - buffers: one header line and one line per buffer whose memory exists,
 *   streamed with a seq_file iterator over the id table so that a large
 *   table needs no large allocation;
 * - stats: the counters of limits.c and pool.c, one "key value" per line;
 * - pool_zero_paused: 1 stops the pool's background zeroing (pool.c), so
 *   tests can prove that allocations zero what it left behind;
 * - coherent: 1 if the DMA layer treats /dev/cma_mem as cache-coherent
 *   (x86), 0 if SYNC and CACHED buffers need cache maintenance (arm64 with
 *   no firmware description of the device);
 * - fail_alloc, fail_map, fail_export: fault_attr directories
 *   (Documentation/fault-injection/) that make ALLOC's memory, mmap and
 *   EXPORT fail with ENOMEM on demand.
 */
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/fault-inject.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>

#include "buffer.h"
#include "cma_mem.h"
#include "pool.h"

static const char *const cmamem_cache_names[] = {
	[CMA_MEM_CACHE_WC] = "wc",
	[CMA_MEM_CACHE_UNCACHED] = "uncached",
	[CMA_MEM_CACHE_CACHED] = "cached",
};

/*
 * The position is the id to look at next; 0 is the header. cmamem.lock is
 * held from start to stop, and seq_read() copies to user space only after
 * stop.
 */
static void *cmamem_buffers_find(loff_t *pos)
{
	unsigned long id = *pos;
	struct cmamem_buf *buf;

	buf = xa_find(&cmamem.bufs, &id, U32_MAX, XA_PRESENT);
	if (buf)
		*pos = id;
	return buf;
}

static void *cmamem_buffers_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&cmamem.lock);
	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos > U32_MAX)
		return NULL;
	return cmamem_buffers_find(pos);
}

static void *cmamem_buffers_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct cmamem_buf *buf = v;

	if (v == SEQ_START_TOKEN)
		*pos = 1;
	else
		*pos = (loff_t)buf->id + 1;
	if (*pos > U32_MAX)
		return NULL;
	return cmamem_buffers_find(pos);
}

static void cmamem_buffers_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&cmamem.lock);
}

static int cmamem_buffers_show(struct seq_file *m, void *v)
{
	struct cmamem_buf *buf = v;
	char comm[TASK_COMM_LEN];
	unsigned int mappings;
	const char *state;
	u64 age_ms;
	int i;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "id name size cache dma_addr uid pid comm age_ms ");
		seq_puts(m, "refs handles mappings persist exports source state ");
		seq_puts(m, "effective\n");
		return 0;
	}

	/* One word per column: a comm may hold spaces. */
	for (i = 0; i < TASK_COMM_LEN && buf->comm[i]; i++)
		comm[i] = isgraph(buf->comm[i]) ? buf->comm[i] : '_';
	comm[i] = '\0';
	mappings = atomic_read(&buf->mappings);
	if (!buf->dead)
		state = "live";
	else if (buf->pinned)
		state = "freed-pinned";
	else if (mappings)
		state = "freed-mapped";
	else
		state = "freed-exported";
	age_ms = div_u64(ktime_get_boottime_ns() - buf->created_ns,
			 NSEC_PER_MSEC);

	seq_printf(m, "%u %s %zu %s %pad %u %d %s %llu %u %u %u %u %u %s %s %s\n",
		   buf->id, buf->name[0] ? buf->name : "-", buf->size,
		   cmamem_cache_names[cmamem_buf_cache(buf)], &buf->dma_addr,
		   from_kuid(&init_user_ns, buf->uid), buf->pid, i ? comm : "-",
		   age_ms, kref_read(&buf->ref), buf->handles, mappings,
		   !!(buf->flags & CMA_MEM_PERSIST), buf->exports,
		   buf->flags & CMA_MEM_FROM_POOL ? "pool" : "cma", state,
		   cmamem_cache_names[cmamem_cache_effective(buf)]);
	return 0;
}

static const struct seq_operations cmamem_buffers_sops = {
	.start = cmamem_buffers_start,
	.next = cmamem_buffers_next,
	.stop = cmamem_buffers_stop,
	.show = cmamem_buffers_show,
};
DEFINE_SEQ_ATTRIBUTE(cmamem_buffers);

static int cmamem_stats_file_show(struct seq_file *m, void *v)
{
	cmamem_stats_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cmamem_stats_file);

/* What the DMA layer decided, so tests can tell which path SYNC takes. */
static int cmamem_coherent_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", dev_is_dma_coherent(cmamem_device()));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cmamem_coherent);

#ifdef CONFIG_FAULT_INJECTION
static struct fault_attr cmamem_faults[CMAMEM_FAULT_NR] = {
	[0 ... CMAMEM_FAULT_NR - 1] = FAULT_ATTR_INITIALIZER,
};

static const char *const cmamem_fault_names[CMAMEM_FAULT_NR] = {
	[CMAMEM_FAULT_ALLOC] = "fail_alloc",
	[CMAMEM_FAULT_MAP] = "fail_map",
	[CMAMEM_FAULT_EXPORT] = "fail_export",
};

/**
 * cmamem_should_fail - whether to fail at an injection point now
 * @fault:	the point
 * @size:	the bytes at stake, for the fault_attr's space filter
 *
 * Return: true if the caller should fail with its errno.
 */
bool cmamem_should_fail(enum cmamem_fault fault, size_t size)
{
	return should_fail(&cmamem_faults[fault], size);
}

static void cmamem_faults_init(void)
{
	int i;

	for (i = 0; i < CMAMEM_FAULT_NR; i++)
		fault_create_debugfs_attr(cmamem_fault_names[i],
					  cmamem.debugfs, &cmamem_faults[i]);
}
#else
bool cmamem_should_fail(enum cmamem_fault fault, size_t size)
{
	return false;
}

static void cmamem_faults_init(void)
{
}
#endif

void cmamem_debugfs_init(void)
{
	/* debugfs is a debugging aid: the driver works without it. */
	cmamem.debugfs = debugfs_create_dir("cma_mem", NULL);
	debugfs_create_file("buffers", 0400, cmamem.debugfs, NULL,
			    &cmamem_buffers_fops);
	debugfs_create_file("stats", 0400, cmamem.debugfs, NULL,
			    &cmamem_stats_file_fops);
	debugfs_create_bool("pool_zero_paused", 0600, cmamem.debugfs,
			    &cmamem_pool_zero_paused);
	debugfs_create_file("coherent", 0400, cmamem.debugfs, NULL,
			    &cmamem_coherent_fops);
	cmamem_faults_init();
}

void cmamem_debugfs_exit(void)
{
	debugfs_remove_recursive(cmamem.debugfs);
}
