// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection and limits under load, run by
 * tests/bats/faults.bats as root in the debug guest.
 *
 * The sweeps use /proc/thread-self/fail-nth: writing N makes the Nth
 * fault-injection site this thread passes fail (a kmalloc under failslab, a
 * page under fail_page_alloc, or one of the module's fail_alloc, fail_map,
 * fail_export). A sweep runs one call with N = 1, 2, 3, ... until the call
 * passes fewer than N sites, so that every allocation the call makes fails
 * once. After each run, failed or not, the call must have given a clean
 * errno, and left nothing behind: the buffer count and used bytes, the
 * handles, mappings and exports the driver reports, and the fds. The shell
 * sets up failslab and fail_page_alloc to count GFP_KERNEL allocations and
 * every fault_attr to stay quiet.
 *
 *   faults alloc FLAGS PAGES [NAME]  ALLOC
 *   faults attach id|name            ATTACH of another file's buffer
 *   faults mmap PAGES FIRST          mmap of pages [FIRST, PAGES) of 16
 *   faults unmap-hole                munmap of one page inside a mapping
 *   faults fork                      fork with the buffer mapped
 *   faults export                    EXPORT
 *   faults dmabuf-mmap               mmap of a dma-buf
 *   faults list                      LIST
 *   faults open                      open of the device
 *
 * Each sweep prints "faults N", the faults it injected.
 *
 * With CMAMEM_FAULTS_RANDOM=ROUNDS, a sweep instead runs its call ROUNDS
 * times with /proc/thread-self/make-it-fail set: with the fault_attrs'
 * task-filter on, each site fails at the probability the shell set, so one
 * call may see several failures, its error paths' included.
 *
 *   faults exhaust PROCS PAGES ERRNO COUNT [UID]
 *
 * PROCS processes (as UID, if given) allocate PAGES-page buffers at the same
 * time until each gets an error, which must be ERRNO (ENOMEM, ENOSPC or
 * EDQUOT); together they must have COUNT buffers (-1: any number). In that
 * state each frees one buffer and allocates one again; then all free
 * everything and do it again, and must get as many buffers as the first
 * time. Prints "exhaust N buffers, then M".
 */
#include <linux/dma-buf.h>
#include <pthread.h>
#include <sys/wait.h>

#include "helper.h"

/* Far more sites than any of these calls passes. */
#define MAX_NTH 5000
#define SYSFS "/sys/class/misc/cma_mem/"

static int nth_fd = -1;
static unsigned long injected;
/* Random mode: rounds per sweep; 0 for the fail-nth sweeps. */
static unsigned int random_rounds;
static unsigned long long times_left;

static const char *const fault_times[] = {
	"/sys/kernel/debug/failslab/times",
	"/sys/kernel/debug/fail_page_alloc/times",
	"/sys/kernel/debug/cma_mem/fail_alloc/times",
	"/sys/kernel/debug/cma_mem/fail_map/times",
	"/sys/kernel/debug/cma_mem/fail_export/times",
};

/* The failures the fault_attrs have left to give: each one injected is one less. */
static unsigned long long sum_times(void)
{
	unsigned long long sum = 0;
	char val[32];
	size_t i;

	for (i = 0; i < sizeof(fault_times) / sizeof(fault_times[0]); i++) {
		FILE *f = fopen(fault_times[i], "r");

		if (!f || !fgets(val, sizeof(val), f))
			DIE("read %s: %s", fault_times[i], strerror(errno));
		fclose(f);
		sum += strtoull(val, NULL, 10);
	}
	return sum;
}

static void write_knob(int fd, const char *what, unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	if (pwrite(fd, s, len, 0) != len)
		DIE("write %s: %s", what, strerror(errno));
}

/*
 * Arm: the Nth fault site from now fails. In random mode (the shell set
 * task-filter, a probability and a large times on every fault_attr), any
 * site may fail, as often as the probability says, until disarmed.
 */
static void nth_set(unsigned int n)
{
	const char *path = random_rounds ? "/proc/thread-self/make-it-fail" :
					   "/proc/thread-self/fail-nth";

	if (nth_fd < 0) {
		nth_fd = open(path, O_RDWR | O_CLOEXEC);
		if (nth_fd < 0)
			DIE("open %s: %s", path, strerror(errno));
		if (random_rounds)
			times_left = sum_times();
	}
	if (random_rounds && n)
		n = 1;
	write_knob(nth_fd, path, n);
}

/* Disarm; return whether a fault was injected. */
static bool nth_fired(void)
{
	char s[16] = "";
	ssize_t n;
	bool fired;

	if (random_rounds) {
		unsigned long long left;

		nth_set(0);
		left = sum_times();
		injected += times_left - left;
		fired = left != times_left;
		times_left = left;
		return fired;
	}
	n = pread(nth_fd, s, sizeof(s) - 1, 0);
	if (n <= 0)
		DIE("read fail-nth: %s", n ? strerror(errno) : "empty");
	fired = strtoul(s, NULL, 10) == 0;
	nth_set(0);
	injected += fired;
	return fired;
}

/*
 * Whether the sweep goes on to N: a fail-nth sweep until a run passes fewer
 * than N sites, a random one for its rounds.
 */
static bool sweep_more(unsigned int n, bool fired)
{
	if (random_rounds)
		return n <= random_rounds;
	return fired && n <= MAX_NTH;
}

static unsigned long long sysfs_ull(const char *name)
{
	char path[128], val[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), SYSFS "%s", name);
	f = fopen(path, "r");
	if (!f || !fgets(val, sizeof(val), f))
		DIE("read %s: %s", path, strerror(errno));
	fclose(f);
	return strtoull(val, NULL, 10);
}

/* The run a sweep is at (N of fail-nth), for the messages. */
static unsigned int cur_n;

struct baseline {
	unsigned long long buffers, used;
	int fd;
};

static void snap(struct baseline *b)
{
	if (nth_fd < 0)
		nth_set(0);
	b->buffers = sysfs_ull("buffers");
	b->used = sysfs_ull("used_bytes");
	b->fd = t_lowest_fd();
}

/* No buffer, byte or fd more than in @b. */
static void expect_baseline(const struct baseline *b)
{
	unsigned long long buffers = sysfs_ull("buffers");
	unsigned long long used = sysfs_ull("used_bytes");
	int fd = t_lowest_fd();

	EXPECT_TRUE(buffers == b->buffers && used == b->used && fd == b->fd,
		    "fail-nth %u: %llu buffers, %llu bytes, lowest fd %d; before: %llu, %llu, %d",
		    cur_n, buffers, used, fd, b->buffers, b->used, b->fd);
}

/* A buffer of @pages with the pattern, seed = its id. */
static void make_buffer(int fd, uint32_t pages, uint32_t flags,
			const char *name, struct cma_mem_alloc *a)
{
	void *p;

	ALLOC(fd, (uint64_t)pages * t_pg, flags, name, a);
	MAP(fd, a->size, a->mmap_offset, &p);
	t_pattern(p, a->size, a->id);
	munmap(p, a->size);
}

/* @len bytes at @p are buffer @id's pattern from its byte @from on. */
static void expect_pattern(const void *p, size_t len, uint32_t id, size_t from)
{
	const volatile uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != t_word(id, from / 8 + i)) {
			FAIL("fail-nth %u: buffer %u differs at byte %zu",
			     cur_n, id, from + i * 8);
			return;
		}
}

/* The VMAs of this process that start in [p, p + len). */
static uint32_t vmas_in(const void *p, size_t len)
{
	unsigned long start, lo = (uintptr_t)p, hi = lo + len;
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	uint32_t n = 0;

	if (!f)
		DIE("open /proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-", &start) == 1 && start >= lo &&
		    start < hi)
			n++;
	fclose(f);
	return n;
}

static void expect_counts(int fd, uint32_t id, uint32_t handles,
			  uint32_t mappings, uint32_t exports)
{
	struct cma_mem_info info;
	int ret = t_info(fd, id, &info);

	if (ret) {
		FAIL("fail-nth %u: INFO %u: %s", cur_n, id, t_errname(ret));
		return;
	}
	EXPECT_TRUE(info.handles == handles && info.mappings == mappings &&
		    info.exports == exports,
		    "fail-nth %u: buffer %u has %u handles, %u mappings, %u exports; expected %u, %u, %u",
		    cur_n, id, info.handles, info.mappings, info.exports,
		    handles, mappings, exports);
}

/*
 * One sweep: the call under the faults, and what must hold after it. Every
 * hook but call may be NULL.
 */
struct sweep_ctx {
	char **argv;		/* the subtest's arguments */
	struct baseline b;	/* taken before each run */
	int fd;			/* the device file the call uses */
	int fd2;		/* a second file, or a dma-buf */
	struct cma_mem_alloc a;	/* the buffer the call works on */
	struct cma_mem_info info;
	uint32_t ids[16];
	char *p;		/* a mapping */
	size_t len, first;	/* its length; the buffer byte it starts at */
	pid_t pid;
};

struct sweep {
	const char *name;	/* the subtest, and what the call is */
	int nargs;
	const char *usage;
	void (*setup)(struct sweep_ctx *c);	/* once, before the runs */
	void (*before)(struct sweep_ctx *c);	/* each run, after the baseline */
	int (*call)(struct sweep_ctx *c);	/* under the faults: 0 or -errno */
	void (*failed)(struct sweep_ctx *c);	/* after the call failed */
	void (*passed)(struct sweep_ctx *c);	/* after it succeeded */
	void (*teardown)(struct sweep_ctx *c);	/* once, after the runs */
};

static void run_sweep(const struct sweep *s, char **argv)
{
	struct sweep_ctx c = { .argv = argv, .fd = -1, .fd2 = -1 };
	bool fired = true;

	if (s->setup)
		s->setup(&c);
	for (cur_n = 1; sweep_more(cur_n, fired); cur_n++) {
		int ret;

		snap(&c.b);
		if (s->before)
			s->before(&c);
		nth_set(cur_n);
		ret = s->call(&c);
		fired = nth_fired();
		if (ret) {
			/* ENOMEM: the only errno these calls give for no memory. */
			EXPECT_TRUE(ret == -ENOMEM,
				    "fail-nth %u: %s: %s, expected ENOMEM",
				    cur_n, s->name, t_errname(ret));
			if (s->failed)
				s->failed(&c);
		} else if (s->passed) {
			s->passed(&c);
		}
		expect_baseline(&c.b);
	}
	if (s->teardown)
		s->teardown(&c);
	if (!random_rounds && cur_n > MAX_NTH)
		FAIL("still injecting after %d faults", MAX_NTH);
	printf("faults %lu\n", injected);
}

#define SWEEP_PAGES 16

static uint32_t arg_u32(const struct sweep_ctx *c, int i)
{
	return strtoul(c->argv[i], NULL, 0);
}

/* alloc FLAGS PAGES [NAME] */
static const char *alloc_name(const struct sweep_ctx *c)
{
	return c->argv[2] && *c->argv[2] ? c->argv[2] : NULL;
}

static void alloc_before(struct sweep_ctx *c)
{
	c->fd = t_open();
}

static int alloc_call(struct sweep_ctx *c)
{
	return t_alloc(c->fd, (uint64_t)arg_u32(c, 1) * t_pg, arg_u32(c, 0),
		       alloc_name(c), &c->a);
}

static void alloc_failed(struct sweep_ctx *c)
{
	/* Before the close, which would free a buffer the file held. */
	EXPECT_EQ(sysfs_ull("buffers"), c->b.buffers);
	EXPECT_EQ(sysfs_ull("used_bytes"), c->b.used);
	/* The name was never taken. */
	if (alloc_name(c))
		EXPECT_ERR(t_attach(c->fd, 0, alloc_name(c), &c->info), -ENOENT);
	close(c->fd);
}

/* A buffer that works: zeroed, holds what is written, frees. */
static void alloc_passed(struct sweep_ctx *c)
{
	void *p;

	MAP(c->fd, c->a.size, c->a.mmap_offset, &p);
	EXPECT_TRUE(t_check_zero(p, c->a.size) < 0,
		    "fail-nth %u: buffer not zeroed", cur_n);
	t_pattern(p, c->a.size, c->a.id);
	expect_pattern(p, c->a.size, c->a.id, 0);
	munmap(p, c->a.size);
	EXPECT_ERR(t_free(c->fd, c->a.id), 0);
	close(c->fd);
}

/* attach id|name: another file's persistent buffer, from a new file */
static void attach_setup(struct sweep_ctx *c)
{
	c->fd = t_open();
	make_buffer(c->fd, 4, CMA_MEM_PERSIST, "faults-attach", &c->a);
}

static void attach_before(struct sweep_ctx *c)
{
	c->fd2 = t_open();
}

static int attach_call(struct sweep_ctx *c)
{
	if (!strcmp(c->argv[0], "name"))
		return t_attach(c->fd2, 0, "faults-attach", &c->info);
	return t_attach(c->fd2, c->a.id, NULL, &c->info);
}

static void attach_failed(struct sweep_ctx *c)
{
	expect_counts(c->fd, c->a.id, 1, 0, 0);
	close(c->fd2);
}

static void attach_passed(struct sweep_ctx *c)
{
	void *p;

	EXPECT_EQ(c->info.id, c->a.id);
	expect_counts(c->fd, c->a.id, 2, 0, 0);
	MAP(c->fd2, c->a.size, c->info.mmap_offset, &p);
	expect_pattern(p, c->a.size, c->a.id, 0);
	munmap(p, c->a.size);
	close(c->fd2);
	expect_counts(c->fd, c->a.id, 1, 0, 0);
}

static void free_close(struct sweep_ctx *c)
{
	EXPECT_ERR(t_free(c->fd, c->a.id), 0);
	close(c->fd);
}

/* A file with a 16-page buffer; mmap PAGES FIRST maps [FIRST, PAGES). */
static void buffer_setup(struct sweep_ctx *c)
{
	uint32_t pages = c->argv[0] ? arg_u32(c, 0) : SWEEP_PAGES;

	c->first = c->argv[0] ? arg_u32(c, 1) : 0;
	if (c->first >= pages || pages > SWEEP_PAGES)
		DIE("mmap PAGES FIRST: FIRST < PAGES <= %d", SWEEP_PAGES);
	c->len = (pages - c->first) * t_pg;
	c->first *= t_pg;
	c->fd = t_open();
	make_buffer(c->fd, SWEEP_PAGES, CMA_MEM_CACHE_WC, NULL, &c->a);
}

static void close_fd(struct sweep_ctx *c)
{
	close(c->fd);
}

static int mmap_call(struct sweep_ctx *c)
{
	return t_mmap(c->fd, c->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->a.mmap_offset + c->first, (void **)&c->p);
}

static void mmap_failed(struct sweep_ctx *c)
{
	expect_counts(c->fd, c->a.id, 1, 0, 0);
}

static void mmap_passed(struct sweep_ctx *c)
{
	expect_counts(c->fd, c->a.id, 1, 1, 0);
	expect_pattern(c->p, c->len, c->a.id, c->first);
	munmap(c->p, c->len);
	expect_counts(c->fd, c->a.id, 1, 0, 0);
}

/* unmap-hole: munmap of page 4 of a 16-page mapping */
static void hole_before(struct sweep_ctx *c)
{
	MAP(c->fd, c->len, c->a.mmap_offset, &c->p);
}

static int hole_call(struct sweep_ctx *c)
{
	return munmap(c->p + 4 * t_pg, t_pg) ? -errno : 0;
}

static void hole_failed(struct sweep_ctx *c)
{
	/*
	 * The core may have split the VMA before it failed: the driver must
	 * count what is there, and the whole range must still map the buffer.
	 */
	expect_counts(c->fd, c->a.id, 1, vmas_in(c->p, c->len), 0);
	expect_pattern(c->p, c->len, c->a.id, 0);
	munmap(c->p, c->len);
	expect_counts(c->fd, c->a.id, 1, 0, 0);
}

static void hole_passed(struct sweep_ctx *c)
{
	size_t tail = 5 * t_pg;

	expect_counts(c->fd, c->a.id, 1, 2, 0);
	expect_pattern(c->p, 4 * t_pg, c->a.id, 0);
	expect_pattern(c->p + tail, c->len - tail, c->a.id, tail);
	munmap(c->p, 4 * t_pg);
	munmap(c->p + tail, c->len - tail);
	expect_counts(c->fd, c->a.id, 1, 0, 0);
}

/* fork with the buffer mapped: the child checks its copy of the mapping */
static void fork_setup(struct sweep_ctx *c)
{
	buffer_setup(c);
	MAP(c->fd, c->len, c->a.mmap_offset, &c->p);
}

static int fork_call(struct sweep_ctx *c)
{
	c->pid = fork();
	if (!c->pid)
		_exit(t_check_pattern(c->p, c->len, c->a.id) < 0 ? 0 : 3);
	return c->pid < 0 ? -errno : 0;
}

static void fork_failed(struct sweep_ctx *c)
{
	expect_counts(c->fd, c->a.id, 1, 1, 0);
	expect_pattern(c->p, c->len, c->a.id, 0);
}

static void fork_passed(struct sweep_ctx *c)
{
	int status;

	if (waitpid(c->pid, &status, 0) != c->pid)
		DIE("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status),
		    "fail-nth %u: the child saw another buffer (status %#x)",
		    cur_n, status);
	fork_failed(c);
}

static void fork_teardown(struct sweep_ctx *c)
{
	munmap(c->p, c->len);
	close(c->fd);
}

/* export */
static void export_setup(struct sweep_ctx *c)
{
	c->fd = t_open();
	make_buffer(c->fd, 4, CMA_MEM_CACHE_WC, "faults-export", &c->a);
}

static int export_call(struct sweep_ctx *c)
{
	struct cma_mem_export e = { .id = c->a.id, .flags = O_RDWR | O_CLOEXEC };
	int ret = t_ioctl(c->fd, CMA_MEM_IOC_EXPORT, &e);

	c->fd2 = e.fd;
	return ret;
}

static void export_failed(struct sweep_ctx *c)
{
	expect_counts(c->fd, c->a.id, 1, 0, 0);
}

static void export_passed(struct sweep_ctx *c)
{
	void *p;

	expect_counts(c->fd, c->a.id, 1, 0, 1);
	REQUIRE_OK(t_mmap(c->fd2, c->a.size, PROT_READ, MAP_SHARED, 0, &p));
	expect_pattern(p, c->a.size, c->a.id, 0);
	munmap(p, c->a.size);
	close(c->fd2);
	expect_counts(c->fd, c->a.id, 1, 0, 0);
}

/* dmabuf-mmap */
static void dmabuf_setup(struct sweep_ctx *c)
{
	struct cma_mem_export e = { .flags = O_RDWR | O_CLOEXEC };

	c->fd = t_open();
	make_buffer(c->fd, 4, CMA_MEM_CACHE_UNCACHED, NULL, &c->a);
	e.id = c->a.id;
	REQUIRE_OK(t_ioctl(c->fd, CMA_MEM_IOC_EXPORT, &e));
	c->fd2 = e.fd;
}

static int dmabuf_call(struct sweep_ctx *c)
{
	return t_mmap(c->fd2, c->a.size, PROT_READ, MAP_SHARED, 0,
		      (void **)&c->p);
}

static void dmabuf_failed(struct sweep_ctx *c)
{
	expect_counts(c->fd, c->a.id, 1, 0, 1);
}

static void dmabuf_passed(struct sweep_ctx *c)
{
	expect_counts(c->fd, c->a.id, 1, 1, 1);
	expect_pattern(c->p, c->a.size, c->a.id, 0);
	munmap(c->p, c->a.size);
	expect_counts(c->fd, c->a.id, 1, 0, 1);
}

static void dmabuf_teardown(struct sweep_ctx *c)
{
	close(c->fd2);
	close(c->fd);
}

/* list: three buffers, listed from the first */
static void list_setup(struct sweep_ctx *c)
{
	int i;

	c->fd = t_open();
	for (i = 0; i < 3; i++) {
		ALLOC(c->fd, t_pg, 0, NULL, &c->a);
		c->ids[8 + i] = c->a.id;
	}
}

static int list_call(struct sweep_ctx *c)
{
	struct cma_mem_list l = {
		.ids = (uintptr_t)c->ids, .capacity = 8, .start = c->ids[8],
	};
	int ret = t_ioctl(c->fd, CMA_MEM_IOC_LIST, &l);

	c->len = l.count;
	return ret;
}

static void list_passed(struct sweep_ctx *c)
{
	EXPECT_TRUE(c->len == 3 && !memcmp(c->ids, c->ids + 8, 3 * 4),
		    "fail-nth %u: LIST gave %zu ids from %u, expected 3 from %u",
		    cur_n, c->len, c->ids[0], c->ids[8]);
}

/* open */
static int open_call(struct sweep_ctx *c)
{
	c->fd = open(t_device(), O_RDWR | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

/* A file that works. */
static void open_passed(struct sweep_ctx *c)
{
	EXPECT_ERR(t_alloc(c->fd, t_pg, 0, NULL, &c->a), 0);
	close(c->fd);
}

static const struct sweep sweeps[] = {
	{ "alloc", 2, "FLAGS PAGES [NAME]", NULL, alloc_before, alloc_call,
	  alloc_failed, alloc_passed, NULL },
	{ "attach", 1, "id|name", attach_setup, attach_before, attach_call,
	  attach_failed, attach_passed, free_close },
	{ "mmap", 2, "PAGES FIRST", buffer_setup, NULL, mmap_call,
	  mmap_failed, mmap_passed, close_fd },
	{ "unmap-hole", 0, "", buffer_setup, hole_before, hole_call,
	  hole_failed, hole_passed, close_fd },
	{ "fork", 0, "", fork_setup, NULL, fork_call, fork_failed,
	  fork_passed, fork_teardown },
	{ "export", 0, "", export_setup, NULL, export_call, export_failed,
	  export_passed, close_fd },
	{ "dmabuf-mmap", 0, "", dmabuf_setup, NULL, dmabuf_call,
	  dmabuf_failed, dmabuf_passed, dmabuf_teardown },
	{ "list", 0, "", list_setup, NULL, list_call, NULL, list_passed,
	  close_fd },
	{ "open", 0, "", NULL, NULL, open_call, NULL, open_passed, NULL },
};

#define NR_SWEEPS (sizeof(sweeps) / sizeof(sweeps[0]))

/* The subtest t_main() is running is the sweep of that name. */
static void sweep_subtest(int argc, char **argv)
{
	size_t i;

	(void)argc;
	for (i = 0; i < NR_SWEEPS; i++)
		if (!strcmp(sweeps[i].name, t_sub))
			run_sweep(&sweeps[i], argv);
}

/* --- limits under load ---------------------------------------------------- */

struct exhaust_shared {
	pthread_barrier_t barrier;
	int count[2][64];	/* buffers per process, per round */
};

static int errno_named(const char *name)
{
	if (!strcmp(name, "ENOMEM"))
		return ENOMEM;
	if (!strcmp(name, "ENOSPC"))
		return ENOSPC;
	if (!strcmp(name, "EDQUOT"))
		return EDQUOT;
	DIE("unknown errno %s", name);
}

/* One process: allocate until refused, twice. */
static int exhaust_one(struct exhaust_shared *sh, int idx, uint32_t pages,
		       int want, int uid)
{
	struct cma_mem_alloc a;
	uint32_t *ids = NULL;
	int fd = t_open(), round, n, cap = 0, ret, i;

	if (uid >= 0 && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
		DIE("setresuid %d: %s", uid, strerror(errno));
	for (round = 0; round < 2; round++) {
		pthread_barrier_wait(&sh->barrier);
		for (n = 0;; n++) {
			/* Every cache mode, so each allocator path runs dry. */
			ret = t_alloc(fd, (uint64_t)pages * t_pg, n % 3, NULL, &a);
			if (ret)
				break;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				ids = realloc(ids, cap * sizeof(*ids));
				if (!ids)
					DIE("out of memory");
			}
			ids[n] = a.id;
		}
		if (ret != -want) {
			FAIL("process %d, round %d: buffer %d: %s, expected %s",
			     idx, round, n, t_errname(ret), t_errname(want));
		}
		sh->count[round][idx] = n;
		/* Everyone is at the limit: a FREE works, and makes room. */
		pthread_barrier_wait(&sh->barrier);
		if (n) {
			EXPECT_ERR(t_free(fd, ids[n - 1]), 0);
			pthread_barrier_wait(&sh->barrier);
			ret = t_alloc(fd, (uint64_t)pages * t_pg, 0, NULL, &a);
			EXPECT_TRUE(!ret,
				    "process %d: ALLOC after a FREE at the limit: %s",
				    idx, t_errname(ret));
			if (!ret)
				ids[n - 1] = a.id;
		} else {
			pthread_barrier_wait(&sh->barrier);
		}
		for (i = 0; i < n; i++)
			EXPECT_ERR(t_free(fd, ids[i]), 0);
		pthread_barrier_wait(&sh->barrier);
	}
	close(fd);
	free(ids);
	return t_failures;
}

static void exhaust(int argc, char **argv)
{
	int procs = atoi(argv[0]), want = errno_named(argv[2]);
	uint32_t pages = strtoul(argv[1], NULL, 0);
	int expect = atoi(argv[3]), uid = argc > 4 ? atoi(argv[4]) : -1;
	int total[2] = { 0, 0 }, i, r, status;
	pthread_barrierattr_t attr;
	struct exhaust_shared *sh;
	unsigned long long buffers = sysfs_ull("buffers");

	if (procs < 1 || procs > 64 || !pages)
		DIE("exhaust: 1 to 64 processes, at least one page");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		DIE("mmap: %s", strerror(errno));
	pthread_barrierattr_init(&attr);
	pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sh->barrier, &attr, procs);
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			DIE("fork: %s", strerror(errno));
		if (!pid)
			_exit(exhaust_one(sh, i, pages, want, uid) ? 1 : 0);
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			FAIL("a process failed (status %#x)", status);
	for (r = 0; r < 2; r++)
		for (i = 0; i < procs; i++)
			total[r] += sh->count[r][i];
	printf("exhaust %d buffers, then %d\n", total[0], total[1]);
	if (expect >= 0)
		EXPECT_EQ(total[0], expect);
	/* Recovered fully: the same allocations succeed again. */
	EXPECT_EQ(total[1], total[0]);
	EXPECT_EQ(sysfs_ull("buffers"), buffers);
}

int main(int argc, char **argv)
{
	struct t_subtest tests[NR_SWEEPS + 1];
	const char *rounds = getenv("CMAMEM_FAULTS_RANDOM");
	size_t i;

	for (i = 0; i < NR_SWEEPS; i++)
		tests[i] = (struct t_subtest){ sweeps[i].name, sweep_subtest,
					       sweeps[i].nargs, sweeps[i].usage };
	tests[i] = (struct t_subtest){ "exhaust", exhaust, 4,
				       "PROCS PAGES ERRNO COUNT [UID]" };
	if (rounds && *rounds)
		random_rounds = strtoul(rounds, NULL, 10);
	return t_main(tests, NR_SWEEPS + 1, argc, argv);
}
