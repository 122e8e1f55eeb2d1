// SPDX-License-Identifier: GPL-2.0
/*
 * storm: processes doing random cma_mem operations at the same time, for
 * lockdep, KASAN, kmemleak and the reference counts to judge.
 * Run as root in the guest with the module loaded:
 *
 *   storm [-p PROCS] [-t SECONDS] [-s SEED]     defaults 4 x 60 s, seed
 *                                               from the clock
 *
 * Each process keeps a few buffers and does, at random: ALLOC in every cache
 * mode and size, persistent and named or not; mmap of all or part of a
 * buffer; munmap of the head, the tail or a hole; fork while mapped (the
 * child checks the mappings it inherited, and makes and frees a buffer on
 * a file it shares with the parent); SYNC; EXPORT, and mmap of the
 * dma-buf; ATTACH of the other processes' persistent buffers by id and by
 * name; FREE while mapped or exported; close of its files in any order; INFO
 * and LIST; reads of the debugfs table and stats and of the sysfs files.
 *
 * A buffer holds a pattern given by its id (t_pattern()), written once by
 * the process that made it, before anyone else can find it: every read,
 * through any mapping in any process, checks it, so memory handed to the
 * wrong buffer or freed under a mapping shows. The seed is printed; the same
 * seed gives each process the same sequence of choices (timing still
 * differs between runs).
 *
 * Output: the seed, then "op NAME COUNT" per operation type and
 * "storm: N operations, E errors". Exit status 1 if any operation failed in
 * a way the test's own state does not explain, or if buffers are left over.
 */
#include <linux/dma-buf.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>

#include "helper.h"

#define SLOTS 8			/* buffers per process */
#define FILES 3			/* device files per process */
#define MAX_PROCS 32
#define SYSFS "/sys/class/misc/cma_mem/"

enum op {
	OP_ALLOC, OP_MAP, OP_UNMAP_PART, OP_WRITE, OP_READ, OP_FORK, OP_SYNC,
	OP_EXPORT, OP_DMABUF_MAP, OP_ATTACH_ID, OP_ATTACH_NAME, OP_FREE,
	OP_CLOSE, OP_INFO, OP_LIST, OP_DEBUGFS, OP_SYSFS, OP_NR
};

static const char *const op_names[OP_NR] = {
	"alloc", "map", "unmap_part", "write", "read", "fork", "sync",
	"export", "dmabuf_map", "attach_id", "attach_name", "free", "close",
	"info", "list", "debugfs", "sysfs",
};

/* Shared by every process: the counters and the persistent buffers. */
struct published {
	_Atomic uint32_t id;	/* 0: the entry is being changed */
	uint32_t pages;
	char name[CMA_MEM_NAME_LEN];
};

static struct shared {
	_Atomic unsigned long ops[OP_NR];
	_Atomic unsigned long enomem;
	_Atomic unsigned long errors;
	struct published pub[MAX_PROCS * SLOTS];
} *sh;

struct slot {
	uint32_t id;		/* 0: none */
	int file;		/* index into files[] of the handle's file */
	bool handle;		/* that file still holds a handle */
	bool persist;		/* persistence not yet dropped by FREE */
	uint32_t pages;
	uint64_t mmap_offset;
	char *map;		/* a mapping of [map_first, +map_pages) */
	uint32_t map_first, map_pages;
	int dmabuf;		/* an exported dma-buf fd, or -1 */
};

static int worker;		/* this process's index */
static int procs = 4;
static uint64_t rng;
static int files[FILES];
static int attach_fd = -1;	/* holds the handles ATTACH gives */
static unsigned int attached;
static struct slot slots[SLOTS];
static uint32_t name_seq;

static uint64_t rnd(void)
{
	/* splitmix64: good enough, and the same everywhere */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* An operation failed in a way this process's state does not explain. */
static void __attribute__((format(printf, 1, 2))) unexpected(const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(&sh->errors, 1);
	fprintf(stderr, "storm[%d, pid %d]: ", worker, getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t pattern_seed(uint32_t id)
{
	return 0x5deece66dULL * id + 0xb;
}

/* Check pages [first, first + n) of buffer @id, mapped at @p. */
static void check(const char *what, uint32_t id, const char *p,
		  uint32_t first, uint32_t n)
{
	uint64_t seed = pattern_seed(id);
	const volatile uint64_t *w = (const void *)p;
	size_t words = (size_t)n * t_pg / 8, base = (size_t)first * t_pg / 8;
	size_t i;

	for (i = 0; i < words; i++)
		if (w[i] != t_word(seed, base + i)) {
			unexpected("%s: buffer %u: word at byte %zu of the buffer is %#llx, expected %#llx",
			    what, id, (base + i) * 8,
			    (unsigned long long)w[i],
			    (unsigned long long)t_word(seed, base + i));
			return;
		}
}

/* Write the pattern over pages [first, first + n): the values it has. */
static void fill(uint32_t id, char *p, uint32_t first, uint32_t n)
{
	uint64_t seed = pattern_seed(id);
	uint64_t *w = (void *)p;
	size_t words = (size_t)n * t_pg / 8, base = (size_t)first * t_pg / 8;
	size_t i;

	for (i = 0; i < words; i++)
		w[i] = t_word(seed, base + i);
}

static void count(enum op op)
{
	atomic_fetch_add(&sh->ops[op], 1);
}

static struct published *my_pub(const struct slot *s)
{
	return &sh->pub[worker * SLOTS + (s - slots)];
}

static void unpublish(struct slot *s)
{
	atomic_store(&my_pub(s)->id, 0);
}

static bool slot_empty(const struct slot *s)
{
	return !s->id && !s->map && s->dmabuf < 0;
}

static void unmap_slot(struct slot *s)
{
	if (s->map && munmap(s->map, (size_t)s->map_pages * t_pg))
		unexpected("munmap: %s", strerror(errno));
	s->map = NULL;
}

/* A slot forgets its buffer once nothing of it is left in this process. */
static void settle(struct slot *s)
{
	if (!s->handle && !s->persist && !s->map && s->dmabuf < 0)
		s->id = 0;
}

static void op_alloc(struct slot *s)
{
	static const uint32_t sizes[] = { 1, 1, 2, 3, 4, 16, 33, 256 };
	uint32_t flags = below(3), pages = sizes[below(8)];
	struct cma_mem_alloc a;
	char name[CMA_MEM_NAME_LEN] = "";
	char *p;
	int f = below(FILES), ret;

	if (!below(32))
		pages = 1024;
	if (below(2)) {
		flags |= CMA_MEM_PERSIST;
		if (below(4))
			snprintf(name, sizeof(name), "storm-%d-%d-%u", getpid(),
				 worker, ++name_seq);
	}
	ret = t_alloc(files[f], (uint64_t)pages * t_pg, flags, name, &a);
	if (ret == -ENOMEM) {
		atomic_fetch_add(&sh->enomem, 1);
		return;
	}
	if (ret) {
		unexpected("ALLOC %u pages flags %#x: %s", pages, flags,
		    t_errname(ret));
		return;
	}
	count(OP_ALLOC);
	*s = (struct slot){ .id = a.id, .file = f, .handle = true,
			    .persist = flags & CMA_MEM_PERSIST, .pages = pages,
			    .mmap_offset = a.mmap_offset, .dmabuf = -1 };
	if (a.size != (uint64_t)pages * t_pg)
		unexpected("ALLOC: size %llu, expected %llu",
		    (unsigned long long)a.size, (unsigned long long)pages * t_pg);
	/* The pattern goes in before any other process can find the buffer. */
	ret = t_mmap(files[f], a.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		     a.mmap_offset, (void **)&p);
	if (ret) {
		unexpected("mmap of new buffer %u: %s", a.id, t_errname(ret));
		return;
	}
	if (t_check_zero(p, a.size) >= 0)
		unexpected("new buffer %u is not zeroed", a.id);
	fill(a.id, p, 0, pages);
	if (below(2)) {
		s->map = p;
		s->map_first = 0;
		s->map_pages = pages;
	} else if (munmap(p, a.size)) {
		unexpected("munmap: %s", strerror(errno));
	}
	if (s->persist) {
		struct published *pub = my_pub(s);

		pub->pages = pages;
		memcpy(pub->name, name, sizeof(pub->name));
		atomic_store(&pub->id, a.id);
	}
}

/* Map pages [first, first + n) of a buffer this process holds a handle to. */
static void op_map(struct slot *s)
{
	uint32_t first = below(s->pages), n = 1 + below(s->pages - first);
	void *p;
	int ret;

	unmap_slot(s);
	ret = t_mmap(files[s->file], (size_t)n * t_pg, PROT_READ | PROT_WRITE,
		     MAP_SHARED, s->mmap_offset + (uint64_t)first * t_pg, &p);
	if (ret) {
		unexpected("mmap of buffer %u pages %u+%u: %s", s->id, first, n,
		    t_errname(ret));
		return;
	}
	count(OP_MAP);
	s->map = p;
	s->map_first = first;
	s->map_pages = n;
	check("new mapping", s->id, p, first, n);
}

/* Unmap the head, the tail, or a hole (and then what follows it). */
static void op_unmap_part(struct slot *s)
{
	uint32_t n = s->map_pages, k;
	size_t pg = t_pg;

	if (n < 2) {
		unmap_slot(s);
		count(OP_UNMAP_PART);
		return;
	}
	k = 1 + below(n - 1);
	switch (below(3)) {
	case 0: /* the head */
		if (munmap(s->map, k * pg))
			unexpected("munmap head: %s", strerror(errno));
		s->map += k * pg;
		s->map_first += k;
		s->map_pages -= k;
		break;
	case 1: /* the tail */
		if (munmap(s->map + k * pg, (n - k) * pg))
			unexpected("munmap tail: %s", strerror(errno));
		s->map_pages = k;
		break;
	default: /* a hole of one page: two mappings, check both, keep one */
		if (munmap(s->map + (k - 1) * pg, pg))
			unexpected("munmap hole: %s", strerror(errno));
		check("before a hole", s->id, s->map, s->map_first, k - 1);
		check("after a hole", s->id, s->map + k * pg,
		      s->map_first + k, n - k);
		if (k < n && munmap(s->map + k * pg, (n - k) * pg))
			unexpected("munmap after hole: %s", strerror(errno));
		if (k == 1)
			s->map = NULL;
		else
			s->map_pages = k - 1;
		break;
	}
	count(OP_UNMAP_PART);
}

static void op_write(struct slot *s)
{
	uint32_t first = below(s->map_pages), n = 1 + below(s->map_pages - first);

	fill(s->id, s->map + (size_t)first * t_pg, s->map_first + first, n);
	count(OP_WRITE);
}

static void op_read(struct slot *s)
{
	uint32_t first = below(s->map_pages), n = 1 + below(s->map_pages - first);

	check("read", s->id, s->map + (size_t)first * t_pg,
	      s->map_first + first, n);
	count(OP_READ);
}

/*
 * ALLOC, map, check and FREE a buffer on a file the parent shares (a forked
 * child's files are the parent's), while the parent uses that file too.
 */
static void shared_file_alloc(void)
{
	struct cma_mem_alloc a;
	int fd = files[below(FILES)], ret;
	void *p;

	ret = t_alloc(fd, (uint64_t)(1 + below(4)) * t_pg, below(3), NULL, &a);
	if (ret == -ENOMEM)
		return;
	if (ret) {
		unexpected("ALLOC on a shared file: %s", t_errname(ret));
		return;
	}
	ret = t_mmap(fd, a.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		     a.mmap_offset, &p);
	if (ret) {
		unexpected("mmap on a shared file: %s", t_errname(ret));
	} else {
		fill(a.id, p, 0, a.size / t_pg);
		check("shared file", a.id, p, 0, a.size / t_pg);
		munmap(p, a.size);
	}
	ret = t_free(fd, a.id);
	if (ret)
		unexpected("FREE on a shared file: %s", t_errname(ret));
}

/*
 * The child checks every mapping it inherited, rewrites one, unmaps part of
 * another, makes and frees a buffer on a file it shares with the parent,
 * and exits; the parent goes on meanwhile, so its munmaps, FREEs and closes
 * race the child's use of the same buffers and files.
 */
static void op_fork(void)
{
	pid_t pid = fork();
	int i;

	if (pid < 0) {
		unexpected("fork: %s", strerror(errno));
		return;
	}
	if (pid) {
		count(OP_FORK);
		return;
	}
	rng ^= (uint64_t)getpid() << 32;
	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[i];

		if (!s->map)
			continue;
		check("forked child", s->id, s->map, s->map_first,
		      s->map_pages);
		if (below(2))
			fill(s->id, s->map, s->map_first, s->map_pages);
		if (below(2))
			op_unmap_part(s);
	}
	shared_file_alloc();
	_exit(atomic_load(&sh->errors) ? 1 : 0);
}

static void reap(bool wait_all)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, wait_all ? 0 : WNOHANG)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			unexpected("child %d ended with status %#x", pid, status);
}

static void op_sync(struct slot *s)
{
	uint64_t size = (uint64_t)s->pages * t_pg;
	uint64_t off = rnd() % size, len = below(2) ? 0 : 1 + rnd() % (size - off);
	uint32_t dir = below(2) ? CMA_MEM_SYNC_FOR_CPU : CMA_MEM_SYNC_FOR_DEVICE;
	int ret = t_sync(files[s->file], s->id, dir, off, len);

	if (ret)
		unexpected("SYNC buffer %u %llu+%llu: %s", s->id,
		    (unsigned long long)off, (unsigned long long)len,
		    t_errname(ret));
	else
		count(OP_SYNC);
}

static void op_export(struct slot *s)
{
	struct cma_mem_export e = { .id = s->id, .flags = O_CLOEXEC | O_RDWR };
	int ret = t_ioctl(files[s->file], CMA_MEM_IOC_EXPORT, &e);

	if (ret) {
		unexpected("EXPORT buffer %u: %s", s->id, t_errname(ret));
		return;
	}
	count(OP_EXPORT);
	if (s->dmabuf >= 0)
		close(s->dmabuf);
	s->dmabuf = e.fd;
}

/* mmap the dma-buf, check it between the CPU-access brackets, unmap. */
static void op_dmabuf_map(struct slot *s)
{
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	size_t len = (size_t)s->pages * t_pg;
	void *p;
	int ret;

	ret = t_mmap(s->dmabuf, len, PROT_READ, MAP_SHARED, 0, &p);
	if (ret) {
		unexpected("mmap of dma-buf of buffer %u: %s", s->id, t_errname(ret));
		return;
	}
	if (ioctl(s->dmabuf, DMA_BUF_IOCTL_SYNC, &sync))
		unexpected("DMA_BUF_IOCTL_SYNC start: %s", strerror(errno));
	check("dma-buf mapping", s->id, p, 0, s->pages);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	if (ioctl(s->dmabuf, DMA_BUF_IOCTL_SYNC, &sync))
		unexpected("DMA_BUF_IOCTL_SYNC end: %s", strerror(errno));
	if (munmap(p, len))
		unexpected("munmap: %s", strerror(errno));
	count(OP_DMABUF_MAP);
}

/*
 * ATTACH another process's persistent buffer, map and check it. The handle
 * stays on attach_fd until op_close() closes it: a FREE here would also
 * drop the owner's persistence.
 */
static void op_attach(bool by_name)
{
	uint32_t start = below(procs * SLOTS), i, id = 0, pages;
	struct published *pub = NULL;
	char name[CMA_MEM_NAME_LEN];
	struct cma_mem_info info;
	void *p;
	int ret;

	/* The next published buffer from a random place (by name: a named one). */
	for (i = 0; i < (uint32_t)procs * SLOTS && !id; i++) {
		pub = &sh->pub[(start + i) % (procs * SLOTS)];
		id = atomic_load(&pub->id);
		if (by_name && !pub->name[0])
			id = 0;
	}
	if (!id)
		return;
	pages = pub->pages;
	memcpy(name, pub->name, sizeof(name));
	if (atomic_load(&pub->id) != id)
		return;
	if (attach_fd < 0)
		attach_fd = t_open();
	ret = by_name ? t_attach(attach_fd, 0, name, &info) :
			t_attach(attach_fd, id, NULL, &info);
	/*
	 * The owner unpublishes before FREE: while the entry still says @id,
	 * the buffer must be there and persistent.
	 */
	if ((ret == -ENOENT || ret == -EINVAL) && atomic_load(&pub->id) != id)
		return;
	if (ret) {
		unexpected("ATTACH buffer %u (%s): %s", id, by_name ? name : "by id",
		    t_errname(ret));
		return;
	}
	count(by_name ? OP_ATTACH_NAME : OP_ATTACH_ID);
	attached++;
	if (info.id != id || info.size != (uint64_t)pages * t_pg) {
		unexpected("ATTACH %s: buffer %u of %llu bytes, expected %u of %llu",
		    by_name ? name : "by id", info.id,
		    (unsigned long long)info.size, id,
		    (unsigned long long)pages * t_pg);
		return;
	}
	ret = t_mmap(attach_fd, info.size, PROT_READ, MAP_SHARED,
		     info.mmap_offset, &p);
	if (ret) {
		unexpected("mmap of attached buffer %u: %s", id, t_errname(ret));
		return;
	}
	check("attached", id, p, 0, pages);
	if (munmap(p, info.size))
		unexpected("munmap: %s", strerror(errno));
}

/* FREE: drops the handle and the persistence; mappings and exports stay. */
static void op_free(struct slot *s)
{
	int f = s->handle ? s->file : (int)below(FILES), ret;

	if (s->persist)
		unpublish(s);
	ret = t_free(files[f], s->id);
	if (ret) {
		unexpected("FREE buffer %u (handle %d, persistent %d): %s", s->id,
		    s->handle, s->persist, t_errname(ret));
		return;
	}
	count(OP_FREE);
	s->handle = false;
	s->persist = false;
	settle(s);
}

/* Close a file (its handles go; mappings stay), or a dma-buf, or attach_fd. */
static void op_close(void)
{
	int f = below(FILES + 2), i;

	if (f == FILES) {
		if (attach_fd >= 0)
			close(attach_fd);
		attach_fd = -1;
		attached = 0;
	} else if (f == FILES + 1) {
		struct slot *s = &slots[below(SLOTS)];

		if (s->dmabuf < 0)
			return;
		close(s->dmabuf);
		s->dmabuf = -1;
		settle(s);
	} else {
		if (close(files[f]))
			unexpected("close: %s", strerror(errno));
		files[f] = t_open();
		for (i = 0; i < SLOTS; i++)
			if (slots[i].id && slots[i].file == f) {
				slots[i].handle = false;
				settle(&slots[i]);
			}
	}
	count(OP_CLOSE);
}

static void op_info(struct slot *s)
{
	struct cma_mem_info info;
	int ret = t_info(files[s->file], s->id, &info);

	if (ret) {
		unexpected("INFO buffer %u: %s", s->id, t_errname(ret));
		return;
	}
	count(OP_INFO);
	if (info.size != (uint64_t)s->pages * t_pg || info.mmap_offset != s->mmap_offset)
		unexpected("INFO buffer %u: size %llu offset %#llx, expected %llu %#llx",
		    s->id, (unsigned long long)info.size,
		    (unsigned long long)info.mmap_offset,
		    (unsigned long long)s->pages * t_pg,
		    (unsigned long long)s->mmap_offset);
	if (s->map && !info.mappings)
		unexpected("INFO buffer %u: no mappings, but this process maps it",
		    s->id);
}

static void op_list(void)
{
	uint32_t ids[64];
	struct cma_mem_list l = { .ids = (uintptr_t)ids, .capacity = 64 };

	do {
		int ret = t_ioctl(files[0], CMA_MEM_IOC_LIST, &l);
		if (ret) {
			unexpected("LIST: %s", t_errname(ret));
			return;
		}
		l.start = l.next;
	} while (l.next);
	count(OP_LIST);
}

/* Read a whole file in small pieces, so seq_file resumes often. */
static long read_all(const char *path, char *first, size_t len)
{
	char buf[200];
	long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		unexpected("open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (!total && first) {
			size_t c = (size_t)n < len - 1 ? (size_t)n : len - 1;

			memcpy(first, buf, c);
			first[c] = '\0';
		}
		total += n;
	}
	if (n < 0)
		unexpected("read %s: %s", path, strerror(errno));
	close(fd);
	return total;
}

static void op_debugfs(void)
{
	char head[200];

	if (below(2)) {
		if (read_all(DEBUGFS_BUFFERS, head, sizeof(head)) > 0 &&
		    strncmp(head, "id name ", 8))
			unexpected("%s starts with \"%.20s\"", DEBUGFS_BUFFERS, head);
	} else if (read_all("/sys/kernel/debug/cma_mem/stats", head,
			    sizeof(head)) <= 0) {
		unexpected("the debugfs stats are empty");
	}
	count(OP_DEBUGFS);
}

static void op_sysfs(void)
{
	static const char *const names[] = {
		"buffers", "used_bytes", "peak_bytes", "max_total_bytes",
		"max_buffer_bytes", "max_buffers", "max_bytes_per_uid",
	};
	char path[128], val[64];

	snprintf(path, sizeof(path), SYSFS "%s", names[below(7)]);
	if (read_all(path, val, sizeof(val)) <= 0 ||
	    (val[0] < '0' || val[0] > '9'))
		unexpected("%s holds \"%s\"", path, val);
	count(OP_SYSFS);
}

/* One random operation on a random slot, among those that apply to it. */
static void one_op(void)
{
	struct slot *s = &slots[below(SLOTS)];
	uint32_t r = below(100);

	if (r < 4) {
		op_debugfs();
	} else if (r < 7) {
		op_sysfs();
	} else if (r < 9) {
		op_list();
	} else if (r < 12) {
		op_close();
	} else if (r < 18) {
		if (attached < 16)
			op_attach(below(2));
	} else if (r < 20) {
		op_fork();
	} else if (slot_empty(s)) {
		op_alloc(s);
	} else if (r < 30) {
		if (s->map)
			op_unmap_part(s);
		else if (s->handle)
			op_map(s);
	} else if (r < 45) {
		if (s->map)
			(below(2) ? op_read : op_write)(s);
	} else if (r < 50) {
		if (s->handle)
			op_sync(s);
	} else if (r < 56) {
		if (s->handle && s->dmabuf < 0)
			op_export(s);
		else if (s->dmabuf >= 0)
			op_dmabuf_map(s);
	} else if (r < 62) {
		if (s->handle)
			op_info(s);
	} else if (r < 70) {
		if (s->handle || s->persist) {
			op_free(s);
		} else if (s->map) {
			unmap_slot(s);
			settle(s);
		}
	} else if (s->map) {
		op_read(s);
	} else if (s->handle) {
		op_map(s);
	}
}

/* Give back everything, as a well-behaved program would. */
static void cleanup(void)
{
	int i;

	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[i];

		if (s->persist)
			op_free(s);
		unmap_slot(s);
		if (s->dmabuf >= 0)
			close(s->dmabuf);
	}
	for (i = 0; i < FILES; i++)
		close(files[i]);
	if (attach_fd >= 0)
		close(attach_fd);
}

static void run_worker(int idx, uint64_t seed, double seconds)
{
	struct timespec now, end;
	int i;

	worker = idx;
	rng = seed + (uint64_t)idx * 0x632be59bd9b4e019ULL;
	for (i = 0; i < FILES; i++)
		files[i] = t_open();
	for (i = 0; i < SLOTS; i++)
		slots[i].dmabuf = -1;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)seconds;
	do {
		for (i = 0; i < 16; i++)
			one_op();
		reap(false);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < end.tv_sec ||
		 (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
	reap(true);
	cleanup();
	_exit(atomic_load(&sh->errors) ? 1 : 0);
}

static int sysfs_buffers(void)
{
	char val[64] = "";

	if (read_all(SYSFS "buffers", val, sizeof(val)) <= 0)
		return -1;
	return atoi(val);
}

int main(int argc, char **argv)
{
	int opt, i, status, before, after;
	unsigned long total = 0;
	uint64_t seed = (uint64_t)time(NULL);
	double seconds = 60;

	t_prog = "storm";
	t_pg = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "p:t:s:")) != -1) {
		switch (opt) {
		case 'p':
			procs = atoi(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: storm [-p PROCS] [-t SECONDS] [-s SEED]\n");
			return 2;
		}
	}
	if (procs < 1 || procs > MAX_PROCS || seconds < 1) {
		fprintf(stderr, "storm: 1 to %d processes, at least 1 second\n",
			MAX_PROCS);
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("storm: mmap");
		return 2;
	}
	before = sysfs_buffers();
	printf("storm: seed %llu, %d processes, %g s, %ld CPUs online\n",
	       (unsigned long long)seed, procs, seconds,
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("storm: fork");
			return 2;
		}
		if (!pid)
			run_worker(i, seed, seconds);
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			atomic_fetch_add(&sh->errors, 1);
	for (i = 0; i < OP_NR; i++) {
		printf("op %s %lu\n", op_names[i], atomic_load(&sh->ops[i]));
		total += atomic_load(&sh->ops[i]);
	}
	printf("alloc ENOMEM %lu\n", atomic_load(&sh->enomem));
	after = sysfs_buffers();
	if (after != before) {
		fprintf(stderr, "storm: %d buffers before, %d after\n", before,
			after);
		atomic_fetch_add(&sh->errors, 1);
	}
	printf("storm: %lu operations, %lu errors\n", total,
	       atomic_load(&sh->errors));
	return atomic_load(&sh->errors) ? 1 : 0;
}
