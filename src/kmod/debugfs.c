// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem debugfs, /sys/kernel/debug/cma_mem/, root only:
 * - buffers: one header line and one line per buffer whose memory exists,
 *   streamed with a seq_file iterator over the id table so that a large
 *   table needs no large allocation; its last column sums up the holders
 *   below, as found when the file was opened;
 * - holders: "id pid comm kind", one line per process holding a buffer and the
 *   way it holds it (see cmamem_holders_collect());
 * - stats: the counters of limits.c and pool.c, one "key value" per line;
 * - refusals: "age_ms uid pid comm size reason errno", the last
 *   CMAMEM_REFUSALS_KEPT failed allocations, newest first (limits.c);
 * - pool_chunks: "dma_addr size used_bytes", one line per pool chunk
 *   (pool.c);
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
#include <linux/dma-buf.h>
#include <linux/fault-inject.h>
#include <linux/fdtable.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <uapi/linux/dma-buf.h>

#include "buffer.h"
#include "cmamem_internal.h"
#include "pool.h"
#include "region.h"

const char *const cmamem_cache_names[CMA_MEM_CACHE_MASK + 1] = {
	[CMA_MEM_CACHE_WC] = "wc",
	[CMA_MEM_CACHE_UNCACHED] = "uncached",
	[CMA_MEM_CACHE_CACHED] = "cached",
};

/*
 * Holders: the processes that keep a buffer, and how. Found only when
 * debugfs is read, so that no fast path pays for it:
 * - handle: a /dev/cma_mem file with a handle to the buffer is open in the
 *   process (in any fd table of its threads), however it got there: open(),
 *   fork() or SCM_RIGHTS;
 * - map: a VMA of the process maps the buffer, through /dev/cma_mem or a
 *   dma-buf (the VMAs carry cmamem_vm_ops, and fork() copies them);
 * - export: a cma_mem dma-buf made from the buffer is open in the process.
 * What no fd table or mm shows is not found: files in flight in an
 * SCM_RIGHTS message, files a driver holds (an importer's dma_buf_get(),
 * io_uring's fixed files), importers' attachments, and mappings of a
 * process whose main thread has exited while others run on.
 */
enum cmamem_held {
	CMAMEM_HELD_HANDLE,
	CMAMEM_HELD_MAP,
	CMAMEM_HELD_EXPORT,
	CMAMEM_HELD_NR,
};

static const char *const cmamem_held_names[CMAMEM_HELD_NR] = {
	[CMAMEM_HELD_HANDLE] = "handle",
	[CMAMEM_HELD_MAP] = "map",
	[CMAMEM_HELD_EXPORT] = "export",
};

/* One (buffer, process, kind); @comm is one word (cmamem_comm_word()). */
struct cmamem_holder {
	u32 id;
	pid_t pid;
	enum cmamem_held kind;
	char comm[TASK_COMM_LEN];
};

/* Holders by increasing id, pid and kind. */
struct cmamem_holders {
	struct cmamem_holder *v;
	size_t n;
	size_t cap;
};

/*
 * @src as one word of a table, in @len bytes: a comm or a dma-buf's name
 * may hold spaces. "-" if empty.
 */
static void cmamem_word(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i < len - 1 && src[i]; i++)
		dst[i] = isgraph(src[i]) ? src[i] : '_';
	if (!i)
		dst[i++] = '-';
	dst[i] = '\0';
}

void cmamem_comm_word(char dst[TASK_COMM_LEN], const char *src)
{
	cmamem_word(dst, TASK_COMM_LEN, src);
}

/*
 * The name column: the buffer's own name; for a heap buffer, which has
 * none, the name its dma-buf has now (cma_mem-<id>, or what a client gave
 * it with DMA_BUF_SET_NAME). The dma-buf lives while heap_dmabuf is set,
 * under cmamem.lock.
 */
static void cmamem_name_word(char dst[DMA_BUF_NAME_LEN], struct cmamem_buf *buf)
{
	struct dma_buf *dmabuf = buf->heap_dmabuf;
	char name[DMA_BUF_NAME_LEN] = "";
	const char *src = buf->name;

	BUILD_BUG_ON(CMA_MEM_NAME_LEN > DMA_BUF_NAME_LEN);
	lockdep_assert_held(&cmamem.lock);
	if (!buf->name[0] && dmabuf) {
		spin_lock(&dmabuf->name_lock);
		if (dmabuf->name)
			strscpy(name, dmabuf->name, sizeof(name));
		spin_unlock(&dmabuf->name_lock);
		src = name;
	}
	cmamem_word(dst, DMA_BUF_NAME_LEN, src);
}

static int cmamem_holders_add(struct cmamem_holders *hs, u32 id, pid_t pid,
			      enum cmamem_held kind, const char *comm)
{
	struct cmamem_holder *h;

	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? 2 * hs->cap : 64;

		/* Not kvrealloc(): its arguments differ between 6.1 and 6.12. */
		h = kvmalloc_array(cap, sizeof(*h), GFP_KERNEL);
		if (!h)
			return -ENOMEM;
		if (hs->n)
			memcpy(h, hs->v, hs->n * sizeof(*h));
		kvfree(hs->v);
		hs->v = h;
		hs->cap = cap;
	}
	h = &hs->v[hs->n++];
	h->id = id;
	h->pid = pid;
	h->kind = kind;
	memcpy(h->comm, comm, TASK_COMM_LEN);
	return 0;
}

/* Note that the process being looked at holds @buf as @kind. */
static void cmamem_hold(struct cmamem_buf *buf, enum cmamem_held kind,
			struct list_head *held)
{
	lockdep_assert_held(&cmamem.lock);
	if (!buf->held)
		list_add_tail(&buf->held_node, held);
	buf->held |= BIT(kind);
}

/*
 * iterate_fd() callback, under the file table's lock and cmamem.lock: the
 * table's reference keeps @file, and so its handles or its export.
 */
static int cmamem_holders_fd(const void *p, struct file *file, unsigned int fd)
{
	struct list_head *held = (struct list_head *)p;
	struct cmamem_file *cf = cmamem_file_of(file);
	struct cmamem_buf *buf;
	unsigned long id;

	if (cf) {
		xa_for_each(&cf->handles, id, buf)
			cmamem_hold(buf, CMAMEM_HELD_HANDLE, held);
		return 0;
	}
	buf = cmamem_dmabuf_file_buf(file);
	if (buf)
		cmamem_hold(buf, CMAMEM_HELD_EXPORT, held);
	return 0;
}

/*
 * Add what the thread group of @task holds to @hs. Lock order as mmap does
 * it: mmap_lock, then cmamem.lock, then (spinlocks) task_lock and the file
 * table's lock.
 */
static int cmamem_holders_of(struct task_struct *task,
			     struct cmamem_holders *hs)
{
	struct files_struct *files = NULL;
	pid_t pid = task_tgid_nr(task);
	char comm[TASK_COMM_LEN], word[TASK_COMM_LEN];
	struct cmamem_buf *buf, *tmp;
	struct vm_area_struct *vma;
	struct task_struct *t;
	struct mm_struct *mm;
	LIST_HEAD(held);
	int kind, ret = 0;

	get_task_comm(comm, task);
	cmamem_comm_word(word, comm);

	/* NULL for kernel threads and exited processes. */
	mm = get_task_mm(task);
	if (mm && mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	mutex_lock(&cmamem.lock);
	if (mm) {
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			buf = cmamem_vma_buf(vma);
			if (buf)
				cmamem_hold(buf, CMAMEM_HELD_MAP, &held);
		}
	}

	/*
	 * Threads usually share one file table; one that unshared it has its
	 * own. The comparison only saves walking the same table twice: the
	 * marks in the buffers count each buffer and kind once anyway.
	 */
	rcu_read_lock();
	for_each_thread(task, t) {
		task_lock(t);
		if (t->files && t->files != files) {
			files = t->files;
			iterate_fd(files, 0, cmamem_holders_fd, &held);
		}
		task_unlock(t);
	}
	rcu_read_unlock();

	list_for_each_entry_safe(buf, tmp, &held, held_node) {
		for (kind = 0; kind < CMAMEM_HELD_NR; kind++)
			if (!ret && (buf->held & BIT(kind)))
				ret = cmamem_holders_add(hs, buf->id, pid, kind,
							 word);
		buf->held = 0;
		list_del(&buf->held_node);
	}
	mutex_unlock(&cmamem.lock);

	if (mm) {
		mmap_read_unlock(mm);
		/* The last mmput() closes VMAs, which takes cmamem.lock. */
		mmput(mm);
	}
	return ret;
}

static int cmamem_holder_cmp(const void *a, const void *b)
{
	const struct cmamem_holder *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * Every process's holds, by pid in the initial pid namespace (as the
 * buffers table's pid), one process at a time so that no lock is held for
 * long. A process that starts or exits meanwhile may be seen or not.
 */
static int cmamem_holders_collect(struct cmamem_holders *hs)
{
	struct task_struct *task;
	struct pid *pid;
	int nr = 1;
	int ret = 0;

	while (!ret) {
		rcu_read_lock();
		pid = find_ge_pid(nr, &init_pid_ns);
		task = NULL;
		if (pid) {
			nr = pid_nr(pid) + 1;
			/* Only a thread group's leader: one pass per process. */
			task = pid_task(pid, PIDTYPE_TGID);
			if (task)
				get_task_struct(task);
		}
		rcu_read_unlock();
		if (!pid)
			break;
		if (!task)
			continue;
		ret = cmamem_holders_of(task, hs);
		put_task_struct(task);
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	if (!ret)
		sort(hs->v, hs->n, sizeof(*hs->v), cmamem_holder_cmp, NULL);
	return ret;
}

static void cmamem_holders_free(struct cmamem_holders *hs)
{
	kvfree(hs->v);
	kfree(hs);
}

/* The buffers table's holders column: "PID:KIND+KIND,PID:KIND", or "-". */
static void cmamem_buffers_show_holders(struct seq_file *m,
					const struct cmamem_holders *hs, u32 id)
{
	size_t lo = 0, hi = hs->n, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hs->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == hs->n || hs->v[lo].id != id) {
		seq_puts(m, " -");
		return;
	}
	for (i = lo; i < hs->n && hs->v[i].id == id; i++) {
		if (i == lo)
			seq_printf(m, " %d:", hs->v[i].pid);
		else if (hs->v[i].pid != hs->v[i - 1].pid)
			seq_printf(m, ",%d:", hs->v[i].pid);
		else
			seq_putc(m, '+');
		seq_puts(m, cmamem_held_names[hs->v[i].kind]);
	}
}

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
	char name[DMA_BUF_NAME_LEN];
	char comm[TASK_COMM_LEN];
	unsigned int mappings;
	const char *state;
	u64 age_ms;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "id name size cache dma_addr uid pid comm age_ms ");
		seq_puts(m, "refs handles mappings persist exports source state ");
		seq_puts(m, "effective holders region\n");
		return 0;
	}

	cmamem_comm_word(comm, buf->comm);
	cmamem_name_word(name, buf);
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

	seq_printf(m, "%u %s %zu %s %pad %u %d %s %llu %u %u %u %u %u %s %s %s",
		   buf->id, name, buf->size,
		   cmamem_cache_names[cmamem_buf_cache(buf)], &buf->dma_addr,
		   from_kuid(&init_user_ns, buf->uid), buf->pid, comm,
		   age_ms, kref_read(&buf->ref), buf->handles, mappings,
		   !!(buf->flags & CMA_MEM_PERSIST), buf->exports,
		   buf->flags & CMA_MEM_FROM_POOL ? "pool" : "cma", state,
		   cmamem_cache_names[cmamem_cache_effective(buf)]);
	cmamem_buffers_show_holders(m, m->private, buf->id);
	seq_printf(m, " %s\n", buf->region->name);
	return 0;
}

static const struct seq_operations cmamem_buffers_sops = {
	.start = cmamem_buffers_start,
	.next = cmamem_buffers_next,
	.stop = cmamem_buffers_stop,
	.show = cmamem_buffers_show,
};

/*
 * The holders are found at open, before the iterator takes cmamem.lock:
 * finding them takes mmap_lock, which must come first.
 */
static int cmamem_buffers_open(struct inode *inode, struct file *file)
{
	struct cmamem_holders *hs;
	int ret;

	hs = kzalloc(sizeof(*hs), GFP_KERNEL);
	if (!hs)
		return -ENOMEM;
	ret = cmamem_holders_collect(hs);
	if (!ret)
		ret = seq_open(file, &cmamem_buffers_sops);
	if (ret) {
		cmamem_holders_free(hs);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = hs;
	return 0;
}

static int cmamem_buffers_release(struct inode *inode, struct file *file)
{
	cmamem_holders_free(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct file_operations cmamem_buffers_fops = {
	.owner = THIS_MODULE,
	.open = cmamem_buffers_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = cmamem_buffers_release,
};

static int cmamem_holders_file_show(struct seq_file *m, void *v)
{
	struct cmamem_holders *hs;
	struct cmamem_holder *h;
	int ret;

	hs = kzalloc(sizeof(*hs), GFP_KERNEL);
	if (!hs)
		return -ENOMEM;
	ret = cmamem_holders_collect(hs);
	if (!ret) {
		/* The column names are an interface: keep them. */
		seq_puts(m, "id pid comm kind\n");
		for (h = hs->v; h < hs->v + hs->n; h++)
			seq_printf(m, "%u %d %s %s\n", h->id, h->pid, h->comm,
				   cmamem_held_names[h->kind]);
	}
	cmamem_holders_free(hs);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(cmamem_holders_file);

static int cmamem_stats_file_show(struct seq_file *m, void *v)
{
	cmamem_stats_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cmamem_stats_file);

static int cmamem_refusals_file_show(struct seq_file *m, void *v)
{
	cmamem_refusals_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cmamem_refusals_file);

static int cmamem_pool_chunks_file_show(struct seq_file *m, void *v)
{
	cmamem_pool_chunks_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cmamem_pool_chunks_file);

/* What the DMA layer decided, so tests can tell which path SYNC takes. */
static int cmamem_coherent_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", cmamem_dma_coherent());
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
	debugfs_create_file("holders", 0400, cmamem.debugfs, NULL,
			    &cmamem_holders_file_fops);
	debugfs_create_file("stats", 0400, cmamem.debugfs, NULL,
			    &cmamem_stats_file_fops);
	debugfs_create_file("refusals", 0400, cmamem.debugfs, NULL,
			    &cmamem_refusals_file_fops);
	debugfs_create_file("pool_chunks", 0400, cmamem.debugfs, NULL,
			    &cmamem_pool_chunks_file_fops);
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
