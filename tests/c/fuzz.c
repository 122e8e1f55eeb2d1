// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random ioctls and mmaps against /dev/cma_mem, reproducible from a
 * seed.
 *
 *   fuzz [--seed N] [--iterations N] [--verbose]
 *
 * Each iteration is one action: an ioctl (one of ours, mostly valid and
 * mutated a little, or a random command near and inside our magic and the
 * legacy one, with every size at its edges and random struct bytes), an
 * mmap (random offsets, lengths, protections and flags, on live buffers,
 * partial and past the end), or something done to a mapping, a dma-buf or a
 * file (munmap of part of it, mprotect, madvise and touch, mremap, dma-buf
 * mmap and sync, close and reopen). Argument pointers are valid, NULL,
 * unmapped, misaligned, read-only, straddling a guard page, or kernel
 * addresses.
 *
 * It keeps track of the buffers it made (ids, offsets, names, which files
 * hold them, persistence), so that most requests reach deep paths, and
 * checks what it can know:
 * - every failure is an errno the driver documents (cma_mem(4);
 *   documented_errnos below);
 * - an unmutated request on a tracked buffer gets exactly the answer the
 *   driver's rules give (INFO, FREE, ATTACH, SYNC, EXPORT, mmap; EBUSY,
 *   EACCES, EINVAL past the end);
 * - a failed ioctl leaves no file descriptor behind;
 * - a buffer no one has written reads as zeroes.
 * At the end it frees everything, including buffers whose ids it never
 * learnt (LIST), and leaves the device as it found it: the caller checks the
 * counts. It prints the seed first, and "fuzz: N iterations ..." last.
 * Exit status: 0, 1 when a check failed, 2 for a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>
#include <linux/dma-buf.h>
#include <sys/time.h>

#include "helper.h"

#define MAX_FDS 3
#define MAX_BUFS 24
#define MAX_MAPS 32
#define MAX_EXPORTS 12
/* Ioctl arguments live here: 4 pages, then a PROT_NONE guard page. */
#define ARENA_PAGES 4

struct fz_buf {
	bool used;
	uint32_t id;
	uint64_t size;
	uint64_t off;
	uint32_t flags;
	unsigned int holders; /* bit i: fds[i] holds a handle */
	bool persist;
	bool written;
	char name[CMA_MEM_NAME_LEN];
};

struct fz_map {
	bool used;
	char *addr;
	size_t len;
	int prot;
	uint32_t id;
};

static uint64_t rng;
static unsigned long iter;
static bool verbose;
static int fds[MAX_FDS];
static struct fz_buf bufs[MAX_BUFS];
static struct fz_map maps[MAX_MAPS];
/* The buffer a legacy ALLOCATE last made on fds[i], which mmap offset 0 maps. */
static uint32_t legacy_id[MAX_FDS];
static int exports[MAX_EXPORTS];
static uint32_t export_ids[MAX_EXPORTS];
static char *arena, *ro_page, *gone_page;
static unsigned long n_ioctl, n_mmap, n_other, n_ok;
static unsigned int name_seq;

/* xorshift64*: the same seed gives the same run. */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[below(n)];
}

#define PICK(...)                                                           \
	({                                                                  \
		const uint64_t _v[] = { __VA_ARGS__ };                      \
		pick(_v, sizeof(_v) / sizeof(_v[0]));                       \
	})

#define NOTE(...)                                                           \
	do {                                                                \
		if (verbose)                                                \
			printf(__VA_ARGS__);                                \
	} while (0)

/*
 * What a failed call may say: the errnos cma_mem(4) documents (each ioctl's
 * ERRORS, MMAP, and ERRORS), and for mmap the core's own checks.
 */
#define FZ_IOCTL	1u
#define FZ_MMAP		2u
static const struct {
	int err;
	unsigned int calls;
} documented_errnos[] = {
	{ ENOTTY, FZ_IOCTL },
	{ E2BIG, FZ_IOCTL },
	{ EINVAL, FZ_IOCTL | FZ_MMAP },
	{ ENOMEM, FZ_IOCTL | FZ_MMAP },
	{ ENOSPC, FZ_IOCTL },
	{ EDQUOT, FZ_IOCTL },
	{ EEXIST, FZ_IOCTL },
	{ ENOENT, FZ_IOCTL },
	{ EACCES, FZ_IOCTL | FZ_MMAP },
	{ EBUSY, FZ_IOCTL },
	{ EFAULT, FZ_IOCTL },
	{ ENODEV, FZ_IOCTL },	/* ALLOC in a region that does not exist */
	{ EOVERFLOW, FZ_MMAP },
	{ EPERM, FZ_MMAP },
	/* mmap: MAP_SHARED_VALIDATE with MAP_SYNC; EXPORT: a carve-out buffer */
	{ EOPNOTSUPP, FZ_IOCTL | FZ_MMAP },
};

/* Whether -@e is documented for @call (FZ_IOCTL or FZ_MMAP). */
static bool errno_documented(int e, unsigned int call)
{
	size_t i;

	for (i = 0; i < sizeof(documented_errnos) / sizeof(documented_errnos[0]); i++)
		if (documented_errnos[i].err == -e)
			return documented_errnos[i].calls & call;
	return false;
}

static int fz_ioctl(int fd, unsigned long cmd, void *arg)
{
	int before = t_lowest_fd();
	int ret;

	n_ioctl++;
	ret = t_ioctl(fd, cmd, arg);
	if (ret && !errno_documented(ret, FZ_IOCTL))
		FAIL("iteration %lu: ioctl %#lx: undocumented %s", iter, cmd,
		     t_errname(ret));
	if (ret && t_lowest_fd() != before)
		FAIL("iteration %lu: ioctl %#lx failed with %s but left a file descriptor open",
		     iter, cmd, t_errname(ret));
	if (!ret)
		n_ok++;
	return ret;
}

/* --- the tracked state ---------------------------------------------------- */

static struct fz_buf *buf_by_id(uint32_t id)
{
	int i;

	for (i = 0; i < MAX_BUFS; i++)
		if (bufs[i].used && bufs[i].id == id)
			return &bufs[i];
	return NULL;
}

static struct fz_buf *any_buf(void)
{
	int i, start = below(MAX_BUFS);

	for (i = 0; i < MAX_BUFS; i++) {
		struct fz_buf *b = &bufs[(start + i) % MAX_BUFS];

		if (b->used)
			return b;
	}
	return NULL;
}

static int nbufs(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_BUFS; i++)
		n += bufs[i].used;
	return n;
}

/* The handles INFO counts on buffer @id, or -errno. */
static long fz_handles(uint32_t id)
{
	struct cma_mem_info info;
	int ret;

	n_ioctl++;
	ret = t_info(fds[0], id, &info);
	return ret ? ret : (long)info.handles;
}

/* A buffer no one holds any more is unreachable: forget it. */
static void buf_settle(struct fz_buf *b)
{
	if (!b->holders && !b->persist)
		b->used = false;
}

static void mark_written(uint32_t id)
{
	struct fz_buf *b = buf_by_id(id);

	if (b)
		b->written = true;
}

/* A buffer ALLOC or ATTACH (on fds[slot]) told us about: ask INFO the rest. */
static void track(int slot, uint32_t id)
{
	struct cma_mem_info info;
	struct fz_buf *b = buf_by_id(id);

	if (!b) {
		int i;

		for (i = 0; i < MAX_BUFS && bufs[i].used; i++)
			;
		if (i == MAX_BUFS)
			return; /* full: it lives untracked until cleanup */
		b = &bufs[i];
		memset(b, 0, sizeof(*b));
	}
	n_ioctl++;
	if (t_info(fds[slot], id, &info)) {
		FAIL("iteration %lu: INFO of buffer %u just made or attached failed",
		     iter, id);
		b->used = false;
		return;
	}
	b->used = true;
	b->id = id;
	b->size = info.size;
	b->off = info.mmap_offset;
	b->flags = info.flags;
	b->persist = info.flags & CMA_MEM_PERSIST;
	b->holders |= 1U << slot;
	memcpy(b->name, info.name, sizeof(b->name));
}

/*
 * The tracked buffer an mmap of @off on fds[@slot] maps, or 0 for none we
 * track. Not the buffer the offset was made from: offsets are packed, so an
 * offset just past one buffer's end, or a random one, is another buffer's,
 * and writes through that mapping must count as that buffer's (a mapping
 * that got it wrong let a later "never written" check see our own data).
 */
static uint32_t mapped_id(int slot, uint64_t off)
{
	struct fz_buf *b;
	int i;

	if (!off) {
		b = buf_by_id(legacy_id[slot]);
		return b && b->holders & 1U << slot ? b->id : 0;
	}
	for (i = 0; i < MAX_BUFS; i++) {
		b = &bufs[i];
		if (b->used && off >= b->off && off - b->off < b->size)
			return b->id;
	}
	return 0;
}

/* --- argument pointers ---------------------------------------------------- */

enum ptr_kind { P_GOOD, P_NULL, P_LOW, P_GONE, P_MISALIGNED, P_RO, P_GUARD,
		P_KERNEL, P_TOP, P_NKINDS };

/*
 * Where to put an argument of @len bytes whose wanted content is at @good.
 * Mostly the arena; else one of the bad kinds, some with the content copied
 * (read-only, straddling the guard), so that the kernel can read it and
 * fails only when it writes back.
 */
static void *place(const void *good, size_t len, enum ptr_kind *kind)
{
	size_t arena_len = ARENA_PAGES * t_pg;
	char *p;

	*kind = chance(80) ? P_GOOD : (enum ptr_kind)below(P_NKINDS);
	switch (*kind) {
	case P_GOOD:
		p = arena + (len < arena_len ? below(arena_len - len) & ~7UL : 0);
		memcpy(p, good, len < arena_len ? len : arena_len);
		return p;
	case P_NULL:
		return NULL;
	case P_LOW:
		return (void *)(uintptr_t)PICK(1, 16, 4095, 4096);
	case P_GONE:
		return gone_page + below(t_pg);
	case P_MISALIGNED:
		p = arena + 1 + below(7);
		memcpy(p, good, len < arena_len - 8 ? len : arena_len - 8);
		return p;
	case P_RO:
		/* The page is made read-only after the copy. */
		mprotect(ro_page, t_pg, PROT_READ | PROT_WRITE);
		memcpy(ro_page, good, len < (size_t)t_pg ? len : (size_t)t_pg);
		mprotect(ro_page, t_pg, PROT_READ);
		return ro_page;
	case P_GUARD:
		/* Ends 1 to 16 bytes into the guard page. */
		p = arena + arena_len - (len > 16 ? len - 1 - below(16) : 0);
		if (p < arena)
			p = arena;
		memcpy(p, good, arena + arena_len - p < (long)len ?
					(size_t)(arena + arena_len - p) : len);
		return p;
	case P_KERNEL:
		return (void *)(uintptr_t)PICK(0xffff888000000000ULL,
					       0xffffffff81000000ULL,
					       0xffffffffff600000ULL,
					       0xfffffffffffff000ULL);
	default:
		/* The very top of user space, crossing into the hole. */
		return (void *)(uintptr_t)(0x7ffffffff000ULL - below(16));
	}
}

/* --- values at their edges ------------------------------------------------ */

static uint64_t edge_u64(uint64_t near)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return near - 1;
	case 3: return near + 1;
	case 4: return near;
	case 5: return ~0ULL;
	case 6: return 1ULL << below(64);
	case 7: return (1ULL << below(64)) - 1;
	case 8: return near + t_pg;
	default: return rnd();
	}
}

static uint32_t edge_u32(uint32_t near)
{
	return (uint32_t)PICK(0, 1, near - 1, near, near + 1, 0x7fffffff,
			      0x80000000, 0xffffffff, rnd());
}

/* Flip a bit, or set a byte, of @s (@len bytes). */
static void scribble(void *s, size_t len)
{
	unsigned char *p = s;

	if (chance(50))
		p[below(len)] ^= 1U << below(8);
	else
		p[below(len)] = rnd();
}

static uint32_t some_id(void)
{
	struct fz_buf *b = any_buf();
	uint32_t id = b ? b->id : 1;

	switch (below(8)) {
	case 0: return 0;
	case 1: return id + 1;
	case 2: return id - 1;
	case 3: return (uint32_t)PICK(0x7fffffff, 0x80000000, 0xffffffff);
	case 4: return below(64);
	default: return id;
	}
}

/* A fresh valid name, or a bad one now and then. */
static void some_name(char name[CMA_MEM_NAME_LEN])
{
	memset(name, 0, CMA_MEM_NAME_LEN);
	switch (below(10)) {
	case 0: /* a live one: EEXIST */
		if (any_buf() && any_buf()->name[0]) {
			memcpy(name, any_buf()->name, CMA_MEM_NAME_LEN);
			break;
		}
		/* fall through */
	case 1: /* 32 bytes, no NUL */
		memset(name, 'a' + below(26), CMA_MEM_NAME_LEN);
		break;
	case 2: /* a bad byte */
		snprintf(name, CMA_MEM_NAME_LEN, "fz%d-%u", getpid(), name_seq++);
		name[below(strlen(name))] = (char)PICK('/', ' ', 0x7f, 0x80, 1, 0xff);
		break;
	case 3: /* bytes after the NUL */
		snprintf(name, CMA_MEM_NAME_LEN, "fz%d-%u", getpid(), name_seq++);
		name[CMA_MEM_NAME_LEN - 1] = 'x';
		break;
	default:
		snprintf(name, CMA_MEM_NAME_LEN, "fz%d-%u", getpid(), name_seq++);
	}
}

static uint64_t some_size(void)
{
	switch (below(20)) {
	case 0: return edge_u64(t_pg);
	case 1: return (1 + below(64)) * 64 * 1024; /* up to 4 MiB */
	case 2: return PICK(1ULL << 40, 1ULL << 63, ~0ULL, -(uint64_t)t_pg,
			    -(uint64_t)t_pg + 1, 0);
	default: return 1 + below(16 * t_pg);
	}
}

/* --- ioctls: one of ours, mostly valid ------------------------------------ */

static int some_slot(void)
{
	return below(MAX_FDS);
}

static void do_alloc(int slot, bool mutate)
{
	struct cma_mem_alloc a = { 0 }, *p;
	enum ptr_kind kind;
	int ret;

	if (nbufs() >= MAX_BUFS - 2)
		return;
	a.size = some_size();
	a.align = chance(80) ? 0 : PICK(t_pg, 2 * t_pg, 64 * 1024, 1 << 20, 3,
					 1ULL << 40, 1ULL << 63);
	a.flags = below(3) | (chance(30) ? CMA_MEM_PERSIST : 0);
	if (chance(10))
		a.flags |= PICK(CMA_MEM_FROM_POOL, CMA_MEM_FROM_CMA,
				CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA, 3, 1U << 5,
				1U << 31);
	if (chance(40))
		some_name(a.name);
	if (mutate)
		scribble(&a, sizeof(a));
	p = place(&a, sizeof(a), &kind);
	ret = fz_ioctl(fds[slot], CMA_MEM_IOC_ALLOC, p);
	NOTE("%lu: ALLOC fd%d size %#llx flags %#x ptr %d: %s\n", iter, slot,
	     (unsigned long long)a.size, a.flags, kind, t_errname(ret));
	if (ret)
		return;
	if (kind != P_GOOD && kind != P_MISALIGNED && kind != P_GUARD)
		FAIL("iteration %lu: ALLOC succeeded with argument kind %d", iter,
		     kind);
	/* Whatever it wrote back is in the copy we handed it. */
	memcpy(&a, p, sizeof(a));
	track(slot, a.id);
	if (a.dma_addr && getuid())
		FAIL("iteration %lu: ALLOC told uid %u the DMA address", iter,
		     getuid());
}

static void do_free(int slot, bool mutate)
{
	struct cma_mem_free f = { .id = some_id() };
	struct fz_buf *b;
	enum ptr_kind kind;
	void *p;
	int ret;

	if (mutate)
		scribble(&f, sizeof(f));
	p = place(&f, sizeof(f), &kind);
	b = buf_by_id(f.id);
	ret = fz_ioctl(fds[slot], CMA_MEM_IOC_FREE, p);
	NOTE("%lu: FREE fd%d id %u ptr %d: %s\n", iter, slot, f.id, kind,
	     t_errname(ret));
	if (!b)
		return;
	if (ret && fz_handles(b->id) < 0)
		FAIL("iteration %lu: FREE of buffer %u failed with %s, yet the buffer is gone",
		     iter, b->id, t_errname(ret));
	if (!f.flags && kind == P_GOOD) {
		int want = (b->holders & 1U << slot) || b->persist ? 0 : -EBUSY;
		if (ret != want)
			FAIL("iteration %lu: FREE of buffer %u on fd%d (holders %#x, persist %d): got %s, expected %s",
			     iter, b->id, slot, b->holders, b->persist,
			     t_errname(ret), t_errname(want));
	}
	if (!ret) {
		b->holders &= ~(1U << slot);
		b->persist = false;
		buf_settle(b);
	}
}

static void do_info(int slot, bool mutate, bool attach)
{
	struct cma_mem_info in = { .id = some_id() }, *p;
	struct fz_buf *b;
	enum ptr_kind kind;
	long handles;
	int ret;

	if (attach && chance(40)) {
		b = any_buf();
		in.id = 0;
		if (b && b->name[0])
			memcpy(in.name, b->name, sizeof(in.name));
		else
			some_name(in.name);
	}
	if (mutate)
		scribble(&in, sizeof(in));
	p = place(&in, sizeof(in), &kind);
	b = in.id ? buf_by_id(in.id) : NULL;
	if (!in.id)
		for (int i = 0; i < MAX_BUFS; i++)
			if (bufs[i].used && bufs[i].name[0] &&
			    !memcmp(bufs[i].name, in.name, sizeof(in.name)))
				b = &bufs[i];
	handles = b && attach ? fz_handles(b->id) : 0;
	ret = fz_ioctl(fds[slot],
		       attach ? CMA_MEM_IOC_ATTACH : CMA_MEM_IOC_INFO, p);
	if (ret && b && attach && fz_handles(b->id) != handles)
		FAIL("iteration %lu: ATTACH of buffer %u failed with %s, yet its handles went from %ld to %ld",
		     iter, b->id, t_errname(ret), handles, fz_handles(b->id));
	NOTE("%lu: %s fd%d id %u ptr %d: %s\n", iter, attach ? "ATTACH" : "INFO",
	     slot, in.id, kind, t_errname(ret));
	if (!b)
		return;
	if (!mutate && kind == P_GOOD) {
		int want = attach && !b->persist ? -EINVAL : 0;

		if (ret != want)
			FAIL("iteration %lu: %s of tracked buffer %u (persist %d): got %s, expected %s",
			     iter, attach ? "ATTACH" : "INFO", b->id, b->persist,
			     t_errname(ret), t_errname(want));
		memcpy(&in, p, sizeof(in));
		if (!ret && (in.size != b->size || in.id != b->id ||
			     in.mmap_offset != b->off))
			FAIL("iteration %lu: INFO of buffer %u says size %llu offset %#llx, ALLOC said %llu %#llx",
			     iter, b->id, (unsigned long long)in.size,
			     (unsigned long long)in.mmap_offset,
			     (unsigned long long)b->size,
			     (unsigned long long)b->off);
		if (!ret && in.dma_addr && getuid())
			FAIL("iteration %lu: INFO told uid %u the DMA address",
			     iter, getuid());
	}
	if (!ret && attach)
		b->holders |= 1U << slot;
}

static void do_list(int slot, bool mutate)
{
	struct cma_mem_list l = {
		.capacity = (uint32_t)PICK(0, 1, 2, 16, 1023, 1024, 1025,
					   0xffffffff),
		.start = chance(70) ? 0 : edge_u32(some_id()),
	};
	enum ptr_kind kind, ids_kind;
	void *p;

	/* The id array: most of the arena's second half, or a bad pointer. */
	l.ids = (uintptr_t)place(arena, 0, &ids_kind);
	if (ids_kind == P_GOOD)
		l.ids = (uintptr_t)(arena + 2 * t_pg);
	if (mutate)
		scribble(&l, sizeof(l));
	p = place(&l, sizeof(l), &kind);
	if (kind == P_GOOD && (char *)p >= arena + 2 * t_pg)
		p = arena; /* keep the struct out of the id array */
	if (kind == P_GOOD)
		memcpy(p, &l, sizeof(l));
	NOTE("%lu: LIST fd%d cap %u start %u ids %d ptr %d: %s\n", iter, slot,
	     l.capacity, l.start, ids_kind, kind,
	     t_errname(fz_ioctl(fds[slot], CMA_MEM_IOC_LIST, p)));
}

static void do_sync(int slot, bool mutate)
{
	struct fz_buf *b = any_buf();
	uint64_t size = b ? b->size : (uint64_t)t_pg;
	struct cma_mem_sync s = {
		.id = some_id(),
		.flags = chance(90) ? 1 + below(2) : edge_u32(2),
		.offset = chance(60) ? 0 : edge_u64(size),
		.length = chance(60) ? 0 : edge_u64(size),
	};
	enum ptr_kind kind;
	void *p;
	int ret;

	if (mutate)
		scribble(&s, sizeof(s));
	p = place(&s, sizeof(s), &kind);
	b = buf_by_id(s.id);
	ret = fz_ioctl(fds[slot], CMA_MEM_IOC_SYNC, p);
	NOTE("%lu: SYNC id %u flags %#x %#llx+%#llx: %s\n", iter, s.id,
	     s.flags, (unsigned long long)s.offset,
	     (unsigned long long)s.length, t_errname(ret));
	if (b && !mutate && kind == P_GOOD) {
		bool inside = (s.flags == CMA_MEM_SYNC_FOR_CPU ||
			       s.flags == CMA_MEM_SYNC_FOR_DEVICE) &&
			      s.offset < b->size &&
			      s.length <= b->size - s.offset;

		if (ret != (inside ? 0 : -EINVAL))
			FAIL("iteration %lu: SYNC of buffer %u (%llu bytes) flags %#x %#llx+%#llx: got %s",
			     iter, b->id, (unsigned long long)b->size, s.flags,
			     (unsigned long long)s.offset,
			     (unsigned long long)s.length, t_errname(ret));
	}
}

static void do_export(int slot, bool mutate)
{
	struct cma_mem_export e = {
		.id = some_id(),
		.flags = chance(90) ? (uint32_t)PICK(O_RDWR, O_RDONLY, O_WRONLY,
						   O_RDWR | O_CLOEXEC) :
				      edge_u32(O_RDWR),
	};
	struct fz_buf *b;
	enum ptr_kind kind;
	void *p;
	int i, ret;

	for (i = 0; i < MAX_EXPORTS && exports[i] >= 0; i++)
		;
	if (i == MAX_EXPORTS)
		return;
	if (mutate)
		scribble(&e, sizeof(e));
	p = place(&e, sizeof(e), &kind);
	b = buf_by_id(e.id);
	ret = fz_ioctl(fds[slot], CMA_MEM_IOC_EXPORT, p);
	NOTE("%lu: EXPORT fd%d id %u flags %#x ptr %d: %s\n", iter, slot, e.id,
	     e.flags, kind, t_errname(ret));
	if (b && !mutate && kind == P_GOOD) {
		bool flags_ok = !(e.flags & ~(O_CLOEXEC | O_ACCMODE)) &&
				(e.flags & O_ACCMODE) != O_ACCMODE;
		int want = !flags_ok ? -EINVAL :
			   (b->holders & 1U << slot) ? 0 : -EACCES;

		if (ret != want)
			FAIL("iteration %lu: EXPORT of buffer %u on fd%d (holders %#x): got %s, expected %s",
			     iter, b->id, slot, b->holders, t_errname(ret),
			     t_errname(want));
	}
	if (ret)
		return;
	memcpy(&e, p, sizeof(e));
	exports[i] = e.fd;
	export_ids[i] = e.id;
}

/* The legacy ABI: T_CMEM_ALLOCATE, valid or not, and the other numbers. */
static void do_legacy(int slot)
{
	struct t_legacy_info li = { .len = 1 + below(4 * t_pg) };
	unsigned long cmd = T_CMEM_ALLOCATE;
	enum ptr_kind kind;
	void *p;
	int ret;

	if (nbufs() >= MAX_BUFS - 2)
		return;
	if (chance(30))
		cmd = _IOC(below(4), T_CMEM_MAGIC, below(12), PICK(0, 4, 8,
				sizeof(li), below(1 << 14)));
	if (chance(20))
		scribble(&li, sizeof(li));
	if (chance(5))
		li.len = edge_u64(t_pg);
	p = place(&li, sizeof(li), &kind);
	ret = fz_ioctl(fds[slot], cmd, p);
	NOTE("%lu: legacy %#lx len %lu ptr %d: %s\n", iter, cmd, li.len, kind,
	     t_errname(ret));
	if (!ret) {
		memcpy(&li, p, sizeof(li));
		track(slot, li.id);
		if (cmd == T_CMEM_ALLOCATE)
			legacy_id[slot] = li.id;
	}
}

/*
 * A random command: our magic (mostly), its neighbours, or the legacy one;
 * any number, direction and size, the size often at an edge of a struct's;
 * random bytes, or a valid struct with a random tail.
 */
static void do_random_cmd(int slot)
{
	static const size_t ksizes[] = {
		sizeof(struct cma_mem_alloc), sizeof(struct cma_mem_free),
		sizeof(struct cma_mem_info), sizeof(struct cma_mem_list),
		sizeof(struct cma_mem_sync), sizeof(struct cma_mem_export),
	};
	unsigned int type = (unsigned int)PICK(CMA_MEM_IOC_MAGIC,
					       CMA_MEM_IOC_MAGIC,
					       CMA_MEM_IOC_MAGIC,
					       CMA_MEM_IOC_MAGIC - 1,
					       CMA_MEM_IOC_MAGIC + 1, T_CMEM_MAGIC,
					       below(256));
	unsigned int nr = chance(80) ? below(10) : below(256);
	size_t ks = ksizes[nr < 6 ? nr : below(6)];
	size_t size = (size_t)PICK(0, 1, 4, 8, ks - 1, ks, ks, ks + 1, ks + 8,
				   64, 4095, 4096, (1 << 14) - 1, below(1 << 14));
	unsigned int dir = chance(70) ? _IOC_READ | _IOC_WRITE : below(4);
	unsigned long cmd = _IOC(dir, type, nr, size);
	char data[1 << 14];
	enum ptr_kind kind;
	size_t fill = size ? size : 64;
	void *p;
	int ret;

	if (nbufs() >= MAX_BUFS - 2 && nr == 0)
		return;
	if (chance(50)) {
		memset(data, 0, fill);
		for (size_t i = 0; i < fill && i < ks; i++)
			data[i] = chance(30) ? (char)rnd() : 0;
	} else {
		for (size_t i = 0; i < fill; i++)
			data[i] = (char)rnd();
	}
	/* Now and then a real id where ids go, so the request gets further. */
	if (chance(50) && fill >= 4) {
		uint32_t *id = (uint32_t *)data;

		if (nr == 0 && fill >= 24)
			id = (uint32_t *)(data + 20);
		*id = some_id();
	}
	/* Sizes that allocate little, when it is an ALLOC. */
	if (type == CMA_MEM_IOC_MAGIC && nr == 0 && fill >= 8 && chance(80))
		*(uint64_t *)data = 1 + below(8 * t_pg);
	/* Exports are made only by do_export(), which closes them. */
	if (type == CMA_MEM_IOC_MAGIC && nr == 6)
		return;
	p = place(data, fill, &kind);
	ret = fz_ioctl(fds[slot], cmd, p);
	NOTE("%lu: cmd %#lx (dir %u type %#x nr %u size %zu) ptr %d: %s\n",
	     iter, cmd, dir, type, nr, size, kind, t_errname(ret));
	/* A buffer it made: learn its id if it came back, else LIST finds it. */
	if (!ret && type == CMA_MEM_IOC_MAGIC && nr == 0 &&
	    size >= offsetof(struct cma_mem_alloc, mmap_offset) &&
	    kind != P_RO && kind != P_KERNEL && p)
		track(slot, ((struct cma_mem_alloc *)p)->id);
	if (!ret && type == T_CMEM_MAGIC && cmd == T_CMEM_ALLOCATE) {
		legacy_id[slot] = ((struct t_legacy_info *)p)->id;
		track(slot, legacy_id[slot]);
	}
	/* A FREE or ATTACH that worked changes what the fds hold. */
	if (!ret && type == CMA_MEM_IOC_MAGIC && (nr == 1 || nr == 2)) {
		uint32_t rid = 0;
		struct fz_buf *b;

		memcpy(&rid, data, size < 4 ? size : 4);
		if (nr == 2 && size >= 4 && kind != P_RO && kind != P_KERNEL)
			memcpy(&rid, p, 4); /* ATTACH by name answers the id */
		b = buf_by_id(rid);
		if (b && nr == 1) {
			b->holders &= ~(1U << slot);
			b->persist = false;
			buf_settle(b);
		} else if (b) {
			b->holders |= 1U << slot;
		}
	}
}

/* --- mmap ----------------------------------------------------------------- */

static struct fz_map *free_map(void)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (!maps[i].used)
			return &maps[i];
	return NULL;
}

static struct fz_map *any_map(void)
{
	int i, start = below(MAX_MAPS);

	for (i = 0; i < MAX_MAPS; i++)
		if (maps[(start + i) % MAX_MAPS].used)
			return &maps[(start + i) % MAX_MAPS];
	return NULL;
}

/*
 * The last words written through mappings, so that data a "never written"
 * buffer shows can be told apart: our own, written through a mapping we
 * took for another buffer's (a fuzzer bug), or nobody's we know of (the
 * driver's).
 */
#define WLOG_LEN 4096
static struct {
	uint64_t value;
	unsigned long iter;
	uint32_t id;
} wlog[WLOG_LEN];
static unsigned long wlog_n;

static void wlog_add(uint64_t value, uint32_t id)
{
	wlog[wlog_n++ % WLOG_LEN] = (typeof(wlog[0])){ value, iter, id };
}

static void stale(const struct fz_map *m, uint64_t value)
{
	unsigned long i;

	for (i = 0; i < WLOG_LEN && i < wlog_n; i++) {
		if (value && wlog[i].value == value) {
			FAIL("iteration %lu: buffer %u, never written, reads %#llx, which iteration %lu wrote through a mapping of buffer %u",
			     iter, m->id, (unsigned long long)value,
			     wlog[i].iter, wlog[i].id);
			return;
		}
	}
	FAIL("iteration %lu: buffer %u, never written, reads %#llx: stale data",
	     iter, m->id, (unsigned long long)value);
}

/* Read, and maybe write, the first and last words of a new mapping. */
static void touch(struct fz_map *m, bool fresh)
{
	volatile uint64_t *first = (uint64_t *)m->addr;
	volatile uint64_t *last = (uint64_t *)(m->addr + m->len - 8);

	if (!(m->prot & PROT_READ))
		return;
	if (fresh && *first)
		stale(m, *first);
	else if (fresh && *last)
		stale(m, *last);
	if (m->prot & PROT_WRITE && chance(50)) {
		*first = rnd();
		*last = rnd();
		wlog_add(*first, m->id);
		wlog_add(*last, m->id);
		if (*first == 0 && *last == 0)
			return;
		mark_written(m->id);
	}
}

static void add_map(void *addr, size_t len, int prot, uint32_t id, bool fresh)
{
	struct fz_map *m = free_map();

	if (!m) {
		munmap(addr, len);
		return;
	}
	*m = (struct fz_map){ true, addr, len, prot, id };
	touch(m, fresh);
}

static void do_mmap(int slot)
{
	struct fz_buf *b = chance(85) ? any_buf() : NULL;
	uint64_t npages = b ? b->size / t_pg : 1 + below(8);
	uint64_t first = 0, off, len;
	int prot = (int)PICK(PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
			     PROT_READ, PROT_WRITE, PROT_NONE,
			     PROT_READ | PROT_EXEC);
	int flags = (int)PICK(MAP_SHARED, MAP_SHARED, MAP_SHARED, MAP_SHARED,
			      MAP_SHARED | MAP_POPULATE, MAP_PRIVATE,
			      MAP_SHARED_VALIDATE | MAP_SYNC);
	bool exact;
	void *addr;
	int ret;

	if (!free_map())
		return;
	switch (below(6)) {
	case 0: first = below(npages); break;
	case 1: first = npages - 1; break;
	case 2: first = npages; break;
	case 3: first = npages + 1; break;
	default: first = 0;
	}
	off = b ? b->off + first * t_pg : (uint64_t)PICK(0, t_pg, 1ULL << 40,
							 below(1 << 20) * t_pg);
	if (chance(5))
		off += PICK(1, t_pg / 2, t_pg - 1); /* not page-aligned */
	switch (below(6)) {
	case 0: len = t_pg; break;
	case 1: len = (1 + below(npages + 2)) * t_pg; break;
	case 2: len = PICK(0, 1, t_pg - 1, t_pg + 1); break;
	default: len = (npages > first ? npages - first : 1) * t_pg;
	}
	/* A request the rules say must work. */
	exact = b && (b->holders & 1U << slot) && flags == MAP_SHARED &&
		!(off % t_pg) && len && !(len % t_pg) && first < npages &&
		len / t_pg <= npages - first;
	n_mmap++;
	ret = t_mmap(fds[slot], len, prot, flags, off, &addr);
	NOTE("%lu: mmap fd%d id %u off %#llx len %#llx prot %d flags %#x: %s\n",
	     iter, slot, b ? b->id : 0, (unsigned long long)off,
	     (unsigned long long)len, prot, flags, t_errname(ret));
	if (ret && !errno_documented(ret, FZ_MMAP))
		FAIL("iteration %lu: mmap: undocumented %s", iter,
		     t_errname(ret));
	if (exact && ret)
		FAIL("iteration %lu: mmap of buffer %u pages %llu+%llu on a holding fd: %s",
		     iter, b->id, (unsigned long long)first,
		     (unsigned long long)(len / t_pg), t_errname(ret));
	/* Past the end of a buffer this fd holds: EINVAL, never a mapping. */
	if (b && (b->holders & 1U << slot) && flags == MAP_SHARED &&
	    !(off % t_pg) && len && first < npages &&
	    (len + t_pg - 1) / t_pg > npages - first && ret != -EINVAL)
		FAIL("iteration %lu: mmap past the end of buffer %u (%llu pages) from page %llu, %llu bytes: got %s, expected EINVAL",
		     iter, b->id, (unsigned long long)npages,
		     (unsigned long long)first, (unsigned long long)len,
		     t_errname(ret));
	if (ret)
		return;
	n_ok++;
	b = buf_by_id(mapped_id(slot, off));
	add_map(addr, (len + t_pg - 1) & ~(uint64_t)(t_pg - 1), prot,
		b ? b->id : 0, b && !b->written);
}

/* mmap of a dma-buf: the dma-buf core checks the range, we map. */
static void do_export_mmap(void)
{
	int i = below(MAX_EXPORTS);
	struct fz_buf *b;
	uint64_t npages, first, len;
	int prot = (int)PICK(PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE);
	void *addr;
	int ret;

	if (exports[i] < 0 || !free_map())
		return;
	b = buf_by_id(export_ids[i]);
	npages = b ? b->size / t_pg : 1;
	first = PICK(0, 0, below(npages + 1), npages);
	len = PICK(npages - first, 1, npages + 1) * t_pg;
	n_mmap++;
	ret = t_mmap(exports[i], len, prot, MAP_SHARED, first * t_pg, &addr);
	NOTE("%lu: dma-buf mmap id %u pages %llu+%llu prot %d: %s\n", iter,
	     export_ids[i], (unsigned long long)first,
	     (unsigned long long)(len / t_pg), prot, t_errname(ret));
	if (ret && !errno_documented(ret, FZ_MMAP))
		FAIL("iteration %lu: dma-buf mmap: undocumented %s", iter,
		     t_errname(ret));
	if (!ret)
		add_map(addr, len, prot, export_ids[i], false);
}

static void do_export_sync(void)
{
	int i = below(MAX_EXPORTS);
	struct dma_buf_sync s = {
		.flags = chance(80) ? (uint64_t)PICK(DMA_BUF_SYNC_START,
						     DMA_BUF_SYNC_END) |
					      (1 + below(3)) :
				      edge_u64(DMA_BUF_SYNC_RW),
	};

	if (exports[i] < 0)
		return;
	n_ioctl++;
	if (!t_ioctl(exports[i], DMA_BUF_IOCTL_SYNC, &s))
		n_ok++;
}

/* munmap part or all of a mapping, mprotect, madvise and touch, mremap. */
static void do_map_op(void)
{
	struct fz_map *m = any_map(), *tail;
	size_t pages;
	void *p;

	if (!m)
		return;
	pages = m->len / t_pg;
	n_other++;
	switch (below(6)) {
	case 0: /* all of it */
		munmap(m->addr, m->len);
		m->used = false;
		break;
	case 1: /* the first page, or the last */
		if (pages < 2)
			break;
		if (chance(50)) {
			munmap(m->addr, t_pg);
			m->addr += t_pg;
		} else {
			munmap(m->addr + m->len - t_pg, t_pg);
		}
		m->len -= t_pg;
		break;
	case 2: /* a hole in the middle: two VMAs */
		tail = free_map();
		if (pages < 3 || !tail)
			break;
		munmap(m->addr + t_pg, t_pg);
		*tail = *m;
		tail->addr = m->addr + 2 * t_pg;
		tail->len = m->len - 2 * t_pg;
		m->len = t_pg;
		break;
	case 3: /* a VMA split by protection */
		/* The last page keeps the old protection: read only. */
		if (!mprotect(m->addr, t_pg, PROT_READ))
			m->prot &= PROT_READ;
		break;
	case 4: /* zap the pages: the next touch faults them back in */
		/* ENOSYS: a kernel without CONFIG_ADVISE_SYSCALLS. */
		if (madvise(m->addr, m->len, MADV_DONTNEED) && errno != ENOSYS)
			FAIL("iteration %lu: madvise(MADV_DONTNEED): %s", iter,
			     strerror(errno));
		touch(m, false);
		break;
	default: /* grow (refused: VM_DONTEXPAND) or shrink */
		p = mremap(m->addr, m->len, chance(50) ? m->len + t_pg :
				m->len - (pages > 1 ? t_pg : 0), MREMAP_MAYMOVE);
		if (p != MAP_FAILED && pages > 1) {
			m->addr = p;
			m->len = m->len - t_pg;
		}
		break;
	}
}

/* Close a device fd and open a new one: its handles go. */
static void do_reopen(void)
{
	int slot = some_slot(), i;

	n_other++;
	close(fds[slot]);
	fds[slot] = t_open();
	legacy_id[slot] = 0;
	for (i = 0; i < MAX_BUFS; i++) {
		if (!bufs[i].used)
			continue;
		bufs[i].holders &= ~(1U << slot);
		buf_settle(&bufs[i]);
	}
}

static void do_close_export(void)
{
	int i = below(MAX_EXPORTS);

	if (exports[i] < 0)
		return;
	n_other++;
	close(exports[i]);
	exports[i] = -1;
}

static void step(void)
{
	int slot = some_slot();
	bool mutate = chance(25);
	unsigned int r = below(100);

	if (r < 12)
		do_alloc(slot, mutate);
	else if (r < 20)
		do_free(slot, mutate);
	else if (r < 30)
		do_info(slot, mutate, false);
	else if (r < 36)
		do_info(slot, mutate, true);
	else if (r < 40)
		do_list(slot, mutate);
	else if (r < 47)
		do_sync(slot, mutate);
	else if (r < 52)
		do_export(slot, mutate);
	else if (r < 54)
		do_legacy(slot);
	else if (r < 68)
		do_random_cmd(slot);
	else if (r < 82)
		do_mmap(slot);
	else if (r < 85)
		do_export_mmap();
	else if (r < 87)
		do_export_sync();
	else if (r < 94)
		do_map_op();
	else if (r < 97)
		do_close_export();
	else
		do_reopen();
}

/* Unmap, close, and FREE what is left, found by LIST. */
static void cleanup(void)
{
	uint32_t ids[1024];
	struct cma_mem_list l;
	int fd, i, left = 0;

	for (i = 0; i < MAX_MAPS; i++)
		if (maps[i].used)
			munmap(maps[i].addr, maps[i].len);
	for (i = 0; i < MAX_EXPORTS; i++)
		if (exports[i] >= 0)
			close(exports[i]);
	for (i = 0; i < MAX_FDS; i++)
		close(fds[i]);
	/* Only persistent buffers can outlive their files. */
	fd = t_open();
	do {
		memset(&l, 0, sizeof(l));
		l.ids = (uintptr_t)ids;
		l.capacity = 1024;
		REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_LIST, &l));
		for (i = 0; i < (int)l.count; i++) {
			int ret = t_free(fd, ids[i]);

			if (ret)
				FAIL("cleanup: FREE of buffer %u: %s", ids[i],
				     t_errname(ret));
		}
	} while (l.count);
	memset(&l, 0, sizeof(l));
	l.ids = (uintptr_t)ids;
	l.capacity = 1024;
	REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_LIST, &l));
	left = l.count;
	if (left)
		FAIL("cleanup: %d buffers still listed after freeing them all",
		     left);
	close(fd);
}

/* A fault in the fuzzer itself: say where, for --verbose to take over. */
static void on_fault(int sig)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "fuzz: signal %d at iteration %lu\n",
			 sig, iter);

	if (write(2, msg, n) < 0)
		_exit(3);
	_exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz [--seed N] [--iterations N] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long iterations = 100000;
	uint64_t seed = 0xc7c7;
	struct timespec t0, t1;
	double secs;
	int c, i;

	t_prog = "fuzz";
	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);
	t_pg = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "s:n:v", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': iterations = strtoul(optarg, NULL, 0); break;
		case 'v': verbose = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	printf("fuzz: seed %#llx, %lu iterations, uid %u\n",
	       (unsigned long long)seed, iterations, getuid());
	rng = seed ? seed : 1;

	arena = mmap(NULL, (ARENA_PAGES + 1) * t_pg, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, t_pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone_page = mmap(NULL, t_pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED || ro_page == MAP_FAILED || gone_page == MAP_FAILED)
		DIE("mmap: %s", strerror(errno));
	if (mprotect(arena + ARENA_PAGES * t_pg, t_pg, PROT_NONE) ||
	    munmap(gone_page, t_pg))
		DIE("guard pages: %s", strerror(errno));
	for (i = 0; i < MAX_FDS; i++)
		fds[i] = t_open();
	for (i = 0; i < MAX_EXPORTS; i++)
		exports[i] = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (iter = 0; iter < iterations; iter++)
		step();
	cleanup();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("fuzz: %lu iterations (%lu ioctls, %lu mmaps, %lu other; %lu succeeded) in %.1f s, %.0f/s, seed %#llx, %d failures\n",
	       iterations, n_ioctl, n_mmap, n_other, n_ok, secs,
	       secs > 0 ? iterations / secs : 0.0, (unsigned long long)seed,
	       t_failures);
	return t_failures ? 1 : 0;
}
