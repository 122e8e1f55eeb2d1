// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-abi: the cma_mem ioctls with bad arguments, raw, one named subtest
 * per kind of mistake:
 *
 *   ioctl-abi SUBTEST [ARGS] | all | --list
 *
 * Every subtest frees what it allocates. `foreign` is meant to run as a uid
 * other than the owner of the buffer it is given. See helper.h for the exit
 * status.
 */
#include <dirent.h>
#include <grp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>

#include "helper.h"

static uint32_t debug_count_or_die(void)
{
	int n = t_debugfs_count();

	if (n < 0)
		DIE("cannot read %s", DEBUGFS_BUFFERS);
	return n;
}

/* ALLOC that must fail with one of two errnos, and leave nothing behind. */
static void alloc_fails(int fd, uint64_t size, uint64_t align, uint32_t flags,
			const char *name, size_t name_len, int want, int want2)
{
	struct cma_mem_alloc a;
	uint32_t n0 = debug_count_or_die();
	int ret;

	memset(&a, 0, sizeof(a));
	a.size = size;
	a.align = align;
	a.flags = flags;
	if (name)
		memcpy(a.name, name, name_len);
	ret = t_ioctl(fd, CMA_MEM_IOC_ALLOC, &a);
	if (ret != want && ret != want2) {
		FAIL("ALLOC size %#llx align %#llx flags %#x name \"%.*s\": got %s, expected %s%s%s",
		     (unsigned long long)size, (unsigned long long)align, flags,
		     (int)name_len, name ? name : "", t_errname(ret),
		     t_errname(want), want2 != want ? " or " : "",
		     want2 != want ? t_errname(want2) : "");
		if (!ret)
			t_free(fd, a.id);
	}
	if ((uint32_t)t_debugfs_count() != n0)
		FAIL("a failed ALLOC (size %#llx) left a buffer in the debugfs table",
		     (unsigned long long)size);
}

static void sub_size_zero(int argc, char **argv)
{
	int fd = t_open();

	(void)argc, (void)argv;
	alloc_fails(fd, 0, 0, 0, NULL, 0, -EINVAL, -EINVAL);
	alloc_fails(fd, 0, 0, CMA_MEM_PERSIST | CMA_MEM_CACHE_CACHED, NULL, 0,
		    -EINVAL, -EINVAL);
	close(fd);
}

/* Sizes no allocation can satisfy: refused, no buffer, no kernel warning. */
static void sub_size_huge(int argc, char **argv)
{
	uint64_t cma = (uint64_t)t_meminfo_kb("CmaTotal") << 10;
	uint64_t ram;
	struct sysinfo si;
	int fd = t_open();

	(void)argc, (void)argv;
	if (sysinfo(&si))
		DIE("sysinfo: %s", strerror(errno));
	ram = (uint64_t)si.totalram * si.mem_unit;
	/* Absurd: either answer is fair, as long as nothing is made. */
	alloc_fails(fd, 1ULL << 63, 0, 0, NULL, 0, -ENOMEM, -EINVAL);
	alloc_fails(fd, ~0ULL, 0, 0, NULL, 0, -ENOMEM, -EINVAL);
	alloc_fails(fd, ~0ULL - 4094, 0, 0, NULL, 0, -ENOMEM, -EINVAL);
	alloc_fails(fd, 1ULL << 48, 0, CMA_MEM_CACHE_CACHED, NULL, 0, -ENOMEM, -EINVAL);
	/* Plausible but too big: out of memory. */
	alloc_fails(fd, ram + t_pg, 0, 0, NULL, 0, -ENOMEM, -ENOMEM);
	alloc_fails(fd, ram + t_pg, 0, CMA_MEM_CACHE_CACHED, NULL, 0, -ENOMEM, -ENOMEM);
	if (cma && cma + (4 << 20) < ram) {
		alloc_fails(fd, cma + (4 << 20), 0, 0, NULL, 0, -ENOMEM, -ENOMEM);
		alloc_fails(fd, cma + (4 << 20), 0, CMA_MEM_CACHE_UNCACHED,
			    NULL, 0, -ENOMEM, -ENOMEM);
		alloc_fails(fd, cma + (4 << 20), 0, CMA_MEM_CACHE_CACHED,
			    NULL, 0, -ENOMEM, -ENOMEM);
	}
	close(fd);
}

static void sub_flags(int argc, char **argv)
{
	int fd = t_open();
	int bit;

	(void)argc, (void)argv;
	for (bit = 5; bit < 32; bit++)
		alloc_fails(fd, t_pg, 0, 1U << bit, NULL, 0, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, ~CMA_MEM_ALLOC_FLAGS, NULL, 0, -EINVAL, -EINVAL);
	/* Cache mode 3 does not exist. */
	alloc_fails(fd, t_pg, 0, CMA_MEM_CACHE_MASK, NULL, 0, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, CMA_MEM_CACHE_MASK | CMA_MEM_PERSIST, NULL, 0,
		    -EINVAL, -EINVAL);
	/* Both sources at once. */
	alloc_fails(fd, t_pg, 0, CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA, NULL, 0,
		    -EINVAL, -EINVAL);
	close(fd);
}

static void sub_align(int argc, char **argv)
{
	static const uint64_t bad[] = {
		3, 6, 4097, 4096 + 2048, (1ULL << 63) | 1, 1ULL << 40, 1ULL << 63,
	};
	static const uint64_t good[] = { 0, 1, 4096, 64 << 10, 1 << 20 };
	struct cma_mem_alloc a;
	size_t i;
	int fd = t_open();

	(void)argc, (void)argv;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		alloc_fails(fd, 2 * t_pg, bad[i], 0, NULL, 0, -EINVAL, -EINVAL);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.size = 2 * t_pg;
		a.align = good[i];
		if (!EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ALLOC, &a), 0))
			continue;
		if (geteuid() == 0 && good[i] && a.dma_addr % good[i])
			FAIL("align %#llx: DMA address %#llx is not a multiple",
			     (unsigned long long)good[i],
			     (unsigned long long)a.dma_addr);
		REQUIRE_OK(t_free(fd, a.id));
	}
	close(fd);
}

static void sub_names_bad(int argc, char **argv)
{
	char n32[CMA_MEM_NAME_LEN];
	int fd = t_open();

	(void)argc, (void)argv;
	memset(n32, 'a', sizeof(n32));
	/* 32 bytes, no NUL. */
	alloc_fails(fd, t_pg, 0, 0, n32, sizeof(n32), -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, 0, "a/b", 4, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, 0, "/", 2, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, 0, "tab\there", 9, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, 0, "bell\a", 6, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, 0, "del\x7f", 5, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, 0, "high\x80", 6, -EINVAL, -EINVAL);
	alloc_fails(fd, t_pg, 0, 0, "nl\n", 4, -EINVAL, -EINVAL);
	/* Empty, with bytes after the terminator. */
	alloc_fails(fd, t_pg, 0, 0, "\0garbage", 9, -EINVAL, -EINVAL);
	/* A name, then bytes after its terminator. */
	alloc_fails(fd, t_pg, 0, 0, "name\0junk", 10, -EINVAL, -EINVAL);
	close(fd);
}

static void sub_names_good(int argc, char **argv)
{
	char n31[CMA_MEM_NAME_LEN] = { 0 };
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	int fd = t_open(), other = t_open();

	(void)argc, (void)argv;
	memset(n31, '~', CMA_MEM_NAME_LEN - 1);
	n31[0] = '!';
	ALLOC(fd, t_pg, CMA_MEM_PERSIST, n31, &a);
	REQUIRE_OK(t_info(fd, a.id, &info));
	if (memcmp(info.name, n31, sizeof(n31)))
		FAIL("INFO gives the name \"%.32s\", expected \"%s\"", info.name, n31);
	if (EXPECT_ERR(t_attach(other, 0, n31, &info), 0)) {
		EXPECT_EQ(info.id, a.id);
		/* Drops the other file's handle, and persistence. */
		REQUIRE_OK(t_free(other, a.id));
	}
	REQUIRE_OK(t_free(fd, a.id));
	EXPECT_ERR(t_attach(other, 0, n31, &info), -ENOENT);
	close(fd);
	close(other);
}

static void sub_name_clash(int argc, char **argv)
{
	struct cma_mem_alloc a, b;
	int fd = t_open(), other = t_open();

	(void)argc, (void)argv;
	ALLOC(fd, t_pg, 0, "clash", &a);
	alloc_fails(fd, t_pg, 0, 0, "clash", 6, -EEXIST, -EEXIST);
	alloc_fails(other, 2 * t_pg, 0, CMA_MEM_PERSIST, "clash", 6, -EEXIST, -EEXIST);
	/* Names are whole: a prefix or an extension is another name. */
	ALLOC(other, t_pg, 0, "clas", &b);
	REQUIRE_OK(t_free(other, b.id));
	ALLOC(other, t_pg, 0, "clash2", &b);
	REQUIRE_OK(t_free(other, b.id));
	/* Free again once the holder is gone. */
	REQUIRE_OK(t_free(fd, a.id));
	if (EXPECT_ERR(t_alloc(other, t_pg, 0, "clash", &b), 0))
		REQUIRE_OK(t_free(other, b.id));
	close(fd);
	close(other);
}

static void sub_bad_ids(int argc, char **argv)
{
	static const uint32_t ids[] = { 0, 1U << 31, 0xffffffff, 0x7ffffff0 };
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	size_t i;
	int fd = t_open();

	(void)argc, (void)argv;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		EXPECT_ERR(t_info(fd, ids[i], &info), -ENOENT);
		EXPECT_ERR(t_free(fd, ids[i]), -ENOENT);
		EXPECT_ERR(t_sync(fd, ids[i], CMA_MEM_SYNC_FOR_CPU, 0, 0), -ENOENT);
		if (ids[i])
			EXPECT_ERR(t_attach(fd, ids[i], NULL, &info), -ENOENT);
	}
	/* An id that existed and was freed. */
	ALLOC(fd, t_pg, CMA_MEM_PERSIST, NULL, &a);
	REQUIRE_OK(t_free(fd, a.id));
	EXPECT_ERR(t_info(fd, a.id, &info), -ENOENT);
	EXPECT_ERR(t_free(fd, a.id), -ENOENT);
	EXPECT_ERR(t_attach(fd, a.id, NULL, &info), -ENOENT);
	EXPECT_ERR(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_DEVICE, 0, 0), -ENOENT);
	/* ATTACH: neither an id nor a name, both, or a name nobody has. */
	EXPECT_ERR(t_attach(fd, 0, NULL, &info), -EINVAL);
	EXPECT_ERR(t_attach(fd, 0, "no-such-buffer", &info), -ENOENT);
	ALLOC(fd, t_pg, CMA_MEM_PERSIST, "both", &a);
	EXPECT_ERR(t_attach(fd, a.id, "both", &info), -EINVAL);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/* FREE and ATTACH rules: EBUSY, EINVAL for a non-persistent buffer. */
static void sub_free_attach(int argc, char **argv)
{
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	int fa = t_open(), fb = t_open();

	(void)argc, (void)argv;
	ALLOC(fa, t_pg, 0, "private-one", &a);
	EXPECT_ERR(t_free(fb, a.id), -EBUSY);
	EXPECT_ERR(t_attach(fb, a.id, NULL, &info), -EINVAL);
	EXPECT_ERR(t_attach(fb, 0, "private-one", &info), -EINVAL);
	REQUIRE_OK(t_info(fa, a.id, &info));
	EXPECT_EQ(info.handles, 1);
	REQUIRE_OK(t_free(fa, a.id));
	EXPECT_ERR(t_free(fa, a.id), -ENOENT);
	close(fa);
	close(fb);
}

static void sub_unknown_cmd(int argc, char **argv)
{
	struct cma_mem_alloc big[4];
	unsigned int nr;
	int fd = t_open();

	(void)argc, (void)argv;
	memset(big, 0, sizeof(big));
	big[0].size = t_pg;
	for (nr = 7; nr <= 0xff; nr++)
		EXPECT_ERR(t_ioctl(fd, _IOWR(CMA_MEM_IOC_MAGIC, nr, struct cma_mem_alloc), big),
			   -ENOTTY);
	/* ALLOC's number with the wrong direction. */
	EXPECT_ERR(t_ioctl(fd, _IOR(CMA_MEM_IOC_MAGIC, 0, struct cma_mem_alloc), big), -ENOTTY);
	EXPECT_ERR(t_ioctl(fd, _IOW(CMA_MEM_IOC_MAGIC, 0, struct cma_mem_alloc), big), -ENOTTY);
	EXPECT_ERR(t_ioctl(fd, _IO(CMA_MEM_IOC_MAGIC, 0), big), -ENOTTY);
	EXPECT_ERR(t_ioctl(fd, _IO(CMA_MEM_IOC_MAGIC, 3), big), -ENOTTY);
	/* Another magic. */
	EXPECT_ERR(t_ioctl(fd, _IOWR(CMA_MEM_IOC_MAGIC + 1, 0, struct cma_mem_alloc), big), -ENOTTY);
	EXPECT_ERR(t_ioctl(fd, _IOWR('d', 0, struct cma_mem_alloc), big), -ENOTTY);
	close(fd);
}

static void sub_reserved(int argc, char **argv)
{
	struct cma_mem_alloc a, b;
	struct cma_mem_info info;
	struct cma_mem_free fr;
	struct cma_mem_list l;
	uint32_t ids[8] = { 0 };
	int fd = t_open();

	(void)argc, (void)argv;
	ALLOC(fd, t_pg, CMA_MEM_PERSIST, NULL, &a);
	memset(&info, 0, sizeof(info));
	info.id = a.id;
	/*
	 * effective is out only, and was reserved: whatever comes in is
	 * ignored, so an old program that passes an answer back as its next
	 * request keeps working.
	 */
	info.effective = ~0U;
	info.region = ~0U;
	if (t_ioctl(fd, CMA_MEM_IOC_INFO, &info) ||
	    !(info.effective & CMA_MEM_EFFECTIVE_KNOWN))
		FAIL("INFO with garbage in the out-only effective and region failed");
	/* ALLOC made it in the default region, which INFO reports. */
	EXPECT_EQ(info.region, CMA_MEM_REGION_DEFAULT);
	info.reserved = 1;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_INFO, &info), -EINVAL);
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ATTACH, &info), -EINVAL);
	info.reserved = 0;
	/* ALLOC: reserved is zero, and a region no one has does not exist. */
	memset(&b, 0, sizeof(b));
	b.size = t_pg;
	b.reserved = 1;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ALLOC, &b), -EINVAL);
	b.reserved = 0;
	b.region = 0x7fffffff;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ALLOC, &b), -ENODEV);
	/* attach_flags: ATTACH's only, known bits only, and only by name. */
	info.attach_flags = CMA_MEM_ATTACH_BY_UID;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_INFO, &info), -EINVAL);
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ATTACH, &info), -EINVAL);
	memset(&info, 0, sizeof(info));
	memcpy(info.name, "x", 1);
	info.attach_flags = 1U << 1;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ATTACH, &info), -EINVAL);
	info.attach_flags = 1U << 31;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ATTACH, &info), -EINVAL);
	memset(&fr, 0, sizeof(fr));
	fr.id = a.id;
	fr.flags = 1;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_FREE, &fr), -EINVAL);
	fr.flags = 0x80000000;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_FREE, &fr), -EINVAL);
	memset(&l, 0, sizeof(l));
	l.ids = (uintptr_t)ids;
	l.capacity = 8;
	l.flags = 1;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_LIST, &l), -EINVAL);
	l.flags = 0;
	l.reserved = 1;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_LIST, &l), -EINVAL);
	/* SYNC: exactly one direction. */
	EXPECT_ERR(t_sync(fd, a.id, 0, 0, 0), -EINVAL);
	EXPECT_ERR(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_CPU | CMA_MEM_SYNC_FOR_DEVICE, 0, 0),
		   -EINVAL);
	EXPECT_ERR(t_sync(fd, a.id, 4, 0, 0), -EINVAL);
	EXPECT_ERR(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_CPU | 0x100, 0, 0), -EINVAL);
	/* The buffer is untouched by all that. */
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/*
 * ALLOC with its struct at another size, in a buffer with guard bytes:
 * status, and whether the bytes past @usize were left alone.
 */
static int alloc_sized(int fd, size_t usize, const void *tail, size_t tail_len,
		       uint32_t *id)
{
	uint8_t mem[sizeof(struct cma_mem_alloc) + 64];
	struct cma_mem_alloc *a = (void *)mem;
	size_t i;
	int ret;

	memset(mem, 0xee, sizeof(mem));
	memset(mem, 0, usize);
	if (tail)
		memcpy(mem + sizeof(*a), tail, tail_len);
	a->size = 2 * t_pg;
	ret = t_ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, CMA_MEM_IOC_MAGIC, 0, usize), mem);
	for (i = usize; i < sizeof(mem); i++)
		if (mem[i] != 0xee && (i >= sizeof(*a) + tail_len || i < sizeof(*a))) {
			FAIL("ALLOC with a %zu-byte struct wrote byte %zu", usize, i);
			break;
		}
	*id = usize >= offsetof(struct cma_mem_alloc, id) + 4 ? a->id : 0;
	if (!ret && usize >= offsetof(struct cma_mem_alloc, id) + 4 &&
	    a->size != (uint64_t)2 * t_pg)
		FAIL("ALLOC with a %zu-byte struct: size %llu came back", usize,
		     (unsigned long long)a->size);
	return ret;
}

static void sub_struct_size(int argc, char **argv)
{
	static const uint8_t zeros[16], junk[16] = { [15] = 1 };
	size_t full = sizeof(struct cma_mem_alloc);
	struct cma_mem_info info;
	uint8_t imem[sizeof(info) + 16];
	uint32_t n0 = debug_count_or_die(), id = 0;
	struct cma_mem_alloc a;
	int fd = t_open();

	(void)argc, (void)argv;
	/* An older, shorter struct: size, align, flags, id. */
	if (EXPECT_ERR(alloc_sized(fd, offsetof(struct cma_mem_alloc, mmap_offset),
				   NULL, 0, &id), 0)) {
		EXPECT_TRUE(id != 0, "a short ALLOC returned no id");
		REQUIRE_OK(t_free(fd, id));
	}
	/* A newer, longer one whose extra fields are zero. */
	if (EXPECT_ERR(alloc_sized(fd, full + 16, zeros, 16, &id), 0))
		REQUIRE_OK(t_free(fd, id));
	/* A newer one that asks for something this driver does not know. */
	if (!EXPECT_ERR(alloc_sized(fd, full + 16, junk, 16, &id), -E2BIG) && id)
		t_free(fd, id);
	if (!EXPECT_ERR(alloc_sized(fd, full + 1, junk + 15, 1, &id), -E2BIG) && id)
		t_free(fd, id);
	EXPECT_EQ(t_debugfs_count(), n0);

	/* INFO, short: id, flags and size only. */
	ALLOC(fd, 3 * t_pg, CMA_MEM_CACHE_UNCACHED, NULL, &a);
	memset(imem, 0xee, sizeof(imem));
	memset(imem, 0, 16);
	((struct cma_mem_info *)imem)->id = a.id;
	if (EXPECT_ERR(t_ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, CMA_MEM_IOC_MAGIC,
					3, 16), imem), 0)) {
		EXPECT_EQ(((struct cma_mem_info *)imem)->size, 3 * t_pg);
		EXPECT_EQ(((struct cma_mem_info *)imem)->flags & CMA_MEM_CACHE_MASK,
			  CMA_MEM_CACHE_UNCACHED);
		EXPECT_EQ(imem[16], 0xee);
	}
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

static int list_page(int fd, uint32_t start, uint32_t *ids, uint32_t cap,
		     struct cma_mem_list *l)
{
	memset(l, 0, sizeof(*l));
	l->ids = (uintptr_t)ids;
	l->capacity = cap;
	l->start = start;
	return t_ioctl(fd, CMA_MEM_IOC_LIST, l);
}

static void sub_list(int argc, char **argv)
{
	struct cma_mem_alloc a[5];
	struct cma_mem_list l;
	uint32_t all[256], ids[64], start = 0, prev = 0;
	size_t n = 0, i, j, found = 0;
	int pages = 0;
	int fd = t_open();

	(void)argc, (void)argv;
	for (i = 0; i < 5; i++)
		ALLOC(fd, t_pg, i == 2 ? CMA_MEM_PERSIST : 0, NULL, &a[i]);
	/* Two at a time, to the end. */
	do {
		memset(ids, 0xff, sizeof(ids));
		REQUIRE_OK(list_page(fd, start, ids, 2, &l));
		if (l.count > 2)
			DIE("LIST wrote %u ids into room for 2", l.count);
		if (ids[2] != 0xffffffff)
			FAIL("LIST with capacity 2 wrote a third entry");
		for (i = 0; i < l.count; i++) {
			if (ids[i] <= prev)
				FAIL("LIST: id %u after %u: not increasing", ids[i], prev);
			prev = ids[i];
			if (n < 256)
				all[n++] = ids[i];
		}
		if (l.next && l.count != 2)
			FAIL("LIST: a page of %u with a next page (%u)", l.count, l.next);
		if (l.next && l.next <= prev)
			FAIL("LIST: next %u is not past the last id %u", l.next, prev);
		start = l.next;
	} while (start && ++pages < 200);
	for (i = 0; i < 5; i++)
		for (j = 0; j < n; j++)
			if (all[j] == a[i].id)
				found++;
	EXPECT_EQ(found, 5);

	/* Capacity 0: nothing written, next is the first id. */
	REQUIRE_OK(list_page(fd, a[0].id, ids, 0, &l));
	EXPECT_EQ(l.count, 0);
	EXPECT_EQ(l.next, a[0].id);
	/* From the middle. */
	REQUIRE_OK(list_page(fd, a[3].id, ids, 64, &l));
	EXPECT_TRUE(l.count >= 2 && ids[0] == a[3].id && ids[1] == a[4].id,
		    "LIST from id %u gave %u ids starting %u", a[3].id, l.count,
		    l.count ? ids[0] : 0);
	EXPECT_EQ(l.next, 0);
	/* A capacity far beyond the array, but more than the buffers there are. */
	REQUIRE_OK(list_page(fd, a[0].id, ids, 0xffffffff, &l));
	EXPECT_TRUE(l.count >= 5 && l.count <= 64, "LIST count %u", l.count);
	/* A freed buffer is not listed. */
	REQUIRE_OK(t_free(fd, a[3].id));
	REQUIRE_OK(list_page(fd, a[3].id, ids, 64, &l));
	EXPECT_TRUE(l.count >= 1 && ids[0] == a[4].id,
		    "after FREE of %u, LIST from it starts at %u", a[3].id,
		    l.count ? ids[0] : 0);
	/* A bad array. */
	memset(&l, 0, sizeof(l));
	l.ids = 16;
	l.capacity = 4;
	l.start = a[0].id;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_LIST, &l), -EFAULT);
	for (i = 0; i < 5; i++)
		if (i != 3)
			REQUIRE_OK(t_free(fd, a[i].id));
	close(fd);
}

static void sub_sync_range(int argc, char **argv)
{
	uint32_t mode;
	int fd = t_open();

	(void)argc, (void)argv;
	for (mode = 0; mode < 3; mode++) {
		struct cma_mem_alloc a;
		uint64_t sz = 4 * t_pg;
		uint32_t dir;

		ALLOC(fd, sz, mode, NULL, &a);
		for (dir = CMA_MEM_SYNC_FOR_CPU; dir <= CMA_MEM_SYNC_FOR_DEVICE; dir++) {
			EXPECT_ERR(t_sync(fd, a.id, dir, 0, 0), 0);
			EXPECT_ERR(t_sync(fd, a.id, dir, 0, sz), 0);
			EXPECT_ERR(t_sync(fd, a.id, dir, sz - 1, 1), 0);
			EXPECT_ERR(t_sync(fd, a.id, dir, 100, 0), 0);
			EXPECT_ERR(t_sync(fd, a.id, dir, 100, sz - 100), 0);
			EXPECT_ERR(t_sync(fd, a.id, dir, sz, 0), -EINVAL);
			EXPECT_ERR(t_sync(fd, a.id, dir, sz, 1), -EINVAL);
			EXPECT_ERR(t_sync(fd, a.id, dir, 0, sz + 1), -EINVAL);
			EXPECT_ERR(t_sync(fd, a.id, dir, sz - 1, 2), -EINVAL);
			EXPECT_ERR(t_sync(fd, a.id, dir, t_pg, ~0ULL), -EINVAL);
			EXPECT_ERR(t_sync(fd, a.id, dir, ~0ULL, 2), -EINVAL);
			EXPECT_ERR(t_sync(fd, a.id, dir, 1ULL << 63, 1ULL << 63), -EINVAL);
		}
		REQUIRE_OK(t_free(fd, a.id));
	}
	close(fd);
}

/*
 * Bad pointers: EFAULT. An ALLOC whose answer cannot be written back must
 * not leave the buffer it made.
 */
static void sub_efault(int argc, char **argv)
{
	uint32_t n0 = debug_count_or_die();
	struct cma_mem_alloc *ro;
	int fd = t_open();

	(void)argc, (void)argv;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ALLOC, NULL), -EFAULT);
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_INFO, (void *)16), -EFAULT);
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_LIST, (void *)16), -EFAULT);
	ro = mmap(NULL, t_pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		DIE("mmap: %s", strerror(errno));
	ro->size = 8 * t_pg;
	ro->flags = CMA_MEM_PERSIST;
	strcpy(ro->name, "efault");
	if (mprotect(ro, t_pg, PROT_READ))
		DIE("mprotect: %s", strerror(errno));
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ALLOC, ro), -EFAULT);
	EXPECT_EQ(t_debugfs_count(), n0);
	/* Nor its name. */
	{
		struct cma_mem_alloc a = { 0 };

		if (EXPECT_ERR(t_alloc(fd, t_pg, 0, "efault", &a), 0))
			REQUIRE_OK(t_free(fd, a.id));
	}
	munmap(ro, t_pg);
	close(fd);
}

/*
 * An argument the driver can read but not write back (found by the fuzzer,
 * tests/c/fuzz.c): a request that answers fails with EFAULT before it acts
 * (ATTACH made a handle, EXPORT an fd the caller never learnt of); FREE and
 * SYNC answer nothing, so they work (FREE used to free, then fail).
 */
static void sub_readonly_arg(int argc, char **argv)
{
	int fd = t_open(), fd2 = t_open(), before;
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	void *ro;

	(void)argc, (void)argv;
	ALLOC(fd, t_pg, CMA_MEM_PERSIST, NULL, &a);
	ro = mmap(NULL, t_pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		DIE("mmap: %s", strerror(errno));

	memset(ro, 0, t_pg);
	((struct cma_mem_info *)ro)->id = a.id;
	REQUIRE_OK(mprotect(ro, t_pg, PROT_READ) ? -errno : 0);
	EXPECT_ERR(t_ioctl(fd2, CMA_MEM_IOC_ATTACH, ro), -EFAULT);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.handles, 1);

	REQUIRE_OK(mprotect(ro, t_pg, PROT_READ | PROT_WRITE) ? -errno : 0);
	memset(ro, 0, t_pg);
	((struct cma_mem_export *)ro)->id = a.id;
	((struct cma_mem_export *)ro)->flags = O_RDWR;
	REQUIRE_OK(mprotect(ro, t_pg, PROT_READ) ? -errno : 0);
	before = t_lowest_fd();
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_EXPORT, ro), -EFAULT);
	EXPECT_EQ(t_lowest_fd(), before);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 0);

	REQUIRE_OK(mprotect(ro, t_pg, PROT_READ | PROT_WRITE) ? -errno : 0);
	memset(ro, 0, t_pg);
	*(struct cma_mem_sync *)ro = (struct cma_mem_sync){
		.id = a.id, .flags = CMA_MEM_SYNC_FOR_CPU,
	};
	REQUIRE_OK(mprotect(ro, t_pg, PROT_READ) ? -errno : 0);
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_SYNC, ro), 0);

	REQUIRE_OK(mprotect(ro, t_pg, PROT_READ | PROT_WRITE) ? -errno : 0);
	memset(ro, 0, t_pg);
	((struct cma_mem_free *)ro)->id = a.id;
	REQUIRE_OK(mprotect(ro, t_pg, PROT_READ) ? -errno : 0);
	if (!EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_FREE, ro), 0))
		t_free(fd, a.id);
	EXPECT_ERR(t_info(fd, a.id, &info), -ENOENT);
	munmap(ro, t_pg);
	close(fd2);
	close(fd);
}

/*
 * Run as another uid, against buffer ID (named NAME, mapped at OFFSET) of
 * a different owner, uid OWNER: it does not exist for this caller: ENOENT
 * everywhere, also by name qualified with its owner; mmap at its offset as
 * at one that belongs to no buffer (EINVAL); not in LIST; and its name is
 * free for this caller's own buffer. This caller's own buffers carry its
 * uid and no DMA address.
 */
static void sub_foreign(int argc, char **argv)
{
	uint32_t id = strtoul(argv[0], NULL, 0);
	const char *name = argv[1];
	uint64_t offset = strtoull(argv[2], NULL, 0);
	uint32_t owner = strtoul(argv[3], NULL, 0);
	struct cma_mem_info info;
	struct cma_mem_alloc a, mine;
	struct cma_mem_list l;
	uint32_t ids[64];
	uint32_t i;
	void *p;
	int fd = t_open();

	(void)argc;
	EXPECT_ERR(t_info(fd, id, &info), -ENOENT);
	EXPECT_ERR(t_attach(fd, id, NULL, &info), -ENOENT);
	EXPECT_ERR(t_attach(fd, 0, name, &info), -ENOENT);
	memset(&info, 0, sizeof(info));
	memcpy(info.name, name, strnlen(name, sizeof(info.name)));
	info.attach_flags = CMA_MEM_ATTACH_BY_UID;
	info.uid = owner;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_ATTACH, &info), -ENOENT);
	EXPECT_ERR(t_sync(fd, id, CMA_MEM_SYNC_FOR_CPU, 0, 0), -ENOENT);
	EXPECT_ERR(t_free(fd, id), -ENOENT);
	EXPECT_ERR(t_export(fd, id, O_RDWR), -ENOENT);
	EXPECT_ERR(t_mmap(fd, t_pg, PROT_READ, MAP_SHARED, offset, &p), -EINVAL);
	/* Names are per owner: this one is free for this caller. */
	ALLOC(fd, t_pg, 0, name, &mine);
	EXPECT_TRUE(mine.id != id, "ALLOC of %s gave the other owner's id %u",
		    name, id);
	REQUIRE_OK(t_free(fd, mine.id));
	ALLOC(fd, 2 * t_pg, 0, NULL, &a);
	EXPECT_EQ(a.dma_addr, 0);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.uid, getuid());
	EXPECT_EQ(info.dma_addr, 0);
	REQUIRE_OK(list_page(fd, 0, ids, 64, &l));
	for (i = 0; i < l.count; i++)
		if (ids[i] == id)
			FAIL("LIST shows another uid's buffer %u", id);
	EXPECT_TRUE(l.count >= 1, "LIST does not show the caller's own buffer");
	for (i = 0; i < l.count; i++) {
		REQUIRE_OK(t_info(fd, ids[i], &info));
		EXPECT_EQ(info.uid, getuid());
	}
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

/*
 * The page another thread flips between read-only and writable while
 * install_race() issues requests whose argument lives in it.
 */
struct flipper {
	void *page;
	volatile bool stop;
	unsigned long flips;
};

static void *flip(void *arg)
{
	struct flipper *f = arg;

	while (!f->stop) {
		mprotect(f->page, t_pg, PROT_READ);
		mprotect(f->page, t_pg, PROT_READ | PROT_WRITE);
		f->flips++;
	}
	return NULL;
}

static double t_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* dma-buf fds in /proc/self/fd. */
static int dmabuf_fds(void)
{
	char target[256];
	struct dirent *d;
	int n = 0;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		DIE("opendir /proc/self/fd: %s", strerror(errno));
	while ((d = readdir(dir))) {
		ssize_t len = readlinkat(dirfd(dir), d->d_name, target,
					 sizeof(target) - 1);

		if (len < 0)
			continue;
		target[len] = '\0';
		if (strstr(target, "dmabuf"))
			n++;
	}
	closedir(dir);
	return n;
}

#define RACE_SECONDS 4
#define RACE_MAX_OK 400

/*
 * EXPORT and ATTACH with their argument in a page another thread keeps
 * making read-only and writable again: the answer's copy back fails now and
 * then after the request acted. Whatever the request made (a dma-buf fd, a
 * handle) must then be taken back: the caller holds exactly what the
 * successful calls told it about. @export: EXPORT, else ATTACH.
 */
static void install_race(bool export)
{
	struct flipper f = { 0 };
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	struct rlimit rl = { 4096, 4096 };
	unsigned long ok = 0, efault = 0, leaked = 0, calls = 0;
	int fd = t_open(), *fds;
	pthread_t thread;
	double end;

	fds = calloc(RACE_MAX_OK, sizeof(*fds));
	if (!fds)
		DIE("calloc failed");
	setrlimit(RLIMIT_NOFILE, &rl);
	ALLOC(fd, t_pg, CMA_MEM_PERSIST, NULL, &a);
	f.page = mmap(NULL, t_pg, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f.page == MAP_FAILED)
		DIE("mmap: %s", strerror(errno));
	/*
	 * Written once, while writable: this thread never writes the page
	 * again, as it may be read-only at any moment. The kernel's answer
	 * leaves the fields the next call reads as they were (EXPORT's id and
	 * flags; ATTACH's id, and an empty name for an unnamed buffer).
	 */
	if (export)
		*(struct cma_mem_export *)f.page = (struct cma_mem_export){
			.id = a.id, .flags = O_RDWR | O_CLOEXEC,
		};
	else
		((struct cma_mem_info *)f.page)->id = a.id;
	if (pthread_create(&thread, NULL, flip, &f))
		DIE("pthread_create failed");

	end = t_now() + RACE_SECONDS;
	while (ok < RACE_MAX_OK && t_now() < end) {
		int target = fd, ret;

		if (!export)
			target = t_open();
		ret = t_ioctl(target, export ? CMA_MEM_IOC_EXPORT :
				      CMA_MEM_IOC_ATTACH, f.page);
		calls++;
		if (ret && ret != -EFAULT)
			DIE("%s: %s", export ? "EXPORT" : "ATTACH",
			    t_errname(ret));
		if (!ret && export)
			fds[ok] = ((volatile struct cma_mem_export *)f.page)->fd;
		if (!ret)
			ok++;
		else
			efault++;
		if (!export) {
			/* This file's handle, if the answer said it has one. */
			REQUIRE_OK(t_info(fd, a.id, &info));
			if (info.handles != 1 + !ret)
				leaked++;
			close(target);
		}
	}
	f.stop = true;
	pthread_join(thread, NULL);

	if (export) {
		int n = dmabuf_fds(), i;

		EXPECT_TRUE(n == (int)ok,
			    "%d dma-buf fds are open after %lu successful EXPORTs (%lu EFAULT)",
			    n, ok, efault);
		for (i = 0; i < (int)ok; i++)
			close(fds[i]);
	} else {
		EXPECT_TRUE(!leaked,
			    "%lu ATTACHes answered EFAULT yet left a handle (%lu successful, %lu EFAULT)",
			    leaked, ok, efault);
	}
	/* Both outcomes happened, else the race was not run. */
	EXPECT_TRUE(ok && efault, "%lu calls: %lu successful, %lu EFAULT, %lu flips",
		    calls, ok, efault, f.flips);
	printf("%s: %lu calls, %lu successful, %lu EFAULT, %lu flips\n",
	       export ? "EXPORT" : "ATTACH", calls, ok, efault, f.flips);
	REQUIRE_OK(t_free(fd, a.id));
	munmap(f.page, t_pg);
	free(fds);
	close(fd);
}

static void sub_export_race(int argc, char **argv)
{
	(void)argc, (void)argv;
	install_race(true);
}

static void sub_attach_race(int argc, char **argv)
{
	(void)argc, (void)argv;
	install_race(false);
}

/* Become @uid in every way (after opening what it needs). */
static void t_become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		DIE("become uid %u: %s", (unsigned int)uid, strerror(errno));
}

#define MAX_BYTES_PER_UID "/sys/class/misc/cma_mem/max_bytes_per_uid"

static void set_max_bytes_per_uid(long bytes)
{
	FILE *f = fopen(MAX_BYTES_PER_UID, "w");

	if (!f || fprintf(f, "%ld\n", bytes) < 0 || fclose(f))
		DIE("write %s: %s", MAX_BYTES_PER_UID, strerror(errno));
}

/*
 * Run as root: a buffer made with effective uid UID (real and saved uid 0)
 * belongs to UID, is charged to UID's quota (max_bytes_per_uid, set to 3
 * pages here and to none after), and is listed and named for UID, not root.
 */
static void sub_euid(int argc, char **argv)
{
	uid_t uid = strtoul(argv[0], NULL, 0);
	struct cma_mem_alloc a, b;
	struct cma_mem_info info;
	struct cma_mem_list l;
	uint32_t ids[64];
	pid_t pid;
	int fd = t_open(), i;
	bool listed = false;

	(void)argc;
	set_max_bytes_per_uid(3 * t_pg);
	if (setresuid(-1, uid, -1))
		DIE("setresuid(-1, %u, -1): %s", (unsigned int)uid,
		    strerror(errno));
	ALLOC(fd, 2 * t_pg, CMA_MEM_PERSIST, "euid-made", &a);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.uid, uid);
	REQUIRE_OK(list_page(fd, 0, ids, 64, &l));
	for (i = 0; i < (int)l.count; i++)
		listed |= ids[i] == a.id;
	EXPECT_TRUE(listed, "LIST with euid %u does not show buffer %u",
		    (unsigned int)uid, a.id);
	/* Its name is the euid's: ATTACH by plain name finds it. */
	REQUIRE_OK(t_attach(fd, 0, "euid-made", &info));
	EXPECT_EQ(info.id, a.id);
	if (setresuid(-1, 0, -1))
		DIE("setresuid(-1, 0, -1): %s", strerror(errno));

	/* Root's name space and quota are untouched. */
	EXPECT_ERR(t_attach(fd, 0, "euid-made", &info), -ENOENT);
	EXPECT_ERR(t_alloc(fd, 2 * t_pg, 0, NULL, &b), 0);
	REQUIRE_OK(t_free(fd, b.id));
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.uid, uid);

	/* UID itself has one page of its quota left. */
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		int own = t_open();

		t_become(uid);
		EXPECT_ERR(t_alloc(own, 2 * t_pg, 0, NULL, &b), -EDQUOT);
		EXPECT_ERR(t_alloc(own, t_pg, 0, NULL, &b), 0);
		REQUIRE_OK(t_attach(own, 0, "euid-made", &info));
		EXPECT_EQ(info.id, a.id);
		_exit(t_failures ? 1 : 0);
	}
	t_reap(pid, "uid's own allocations");
	REQUIRE_OK(t_free(fd, a.id));
	set_max_bytes_per_uid(0);
	close(fd);
}

/*
 * Run as root. Squatting: uid UID makes a persistent buffer called "frame",
 * the name a root service would ATTACH, and keeps it mapped. Root's plain
 * ATTACH of "frame" must not find it; root may make its own "frame"; each
 * plain ATTACH then finds its caller's own; and root reaches UID's only by
 * saying whose (CMA_MEM_ATTACH_BY_UID) or by id.
 */
static void sub_squat(int argc, char **argv)
{
	uid_t uid = strtoul(argv[0], NULL, 0);
	struct cma_mem_info info, theirs;
	struct cma_mem_alloc a;
	int fd = t_open(), to_child[2], to_parent[2];
	uint32_t their_id;
	pid_t pid;

	(void)argc;
	if (pipe(to_child) || pipe(to_parent))
		DIE("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		int own = t_open();
		struct cma_mem_alloc s;
		void *p;

		close(fd);
		t_become(uid);
		ALLOC(own, 4 * t_pg, CMA_MEM_PERSIST, "frame", &s);
		MAP(own, s.size, s.mmap_offset, &p);
		t_pattern(p, s.size, 0x5a);
		if (write(to_parent[1], &s.id, sizeof(s.id)) != sizeof(s.id))
			DIE("pipe write: %s", strerror(errno));
		/* Mapped until root has looked. */
		t_recv(to_child[0]);
		REQUIRE_OK(t_attach(own, 0, "frame", &info));
		EXPECT_EQ(info.id, s.id);
		EXPECT_EQ(info.uid, uid);
		_exit(t_failures ? 1 : 0);
	}
	if (read(to_parent[0], &their_id, sizeof(their_id)) !=
	    sizeof(their_id))
		DIE("the child made no buffer");

	/* Root's plain ATTACH never returns another user's buffer. */
	EXPECT_ERR(t_attach(fd, 0, "frame", &info), -ENOENT);
	/* Both may have a "frame". */
	ALLOC(fd, t_pg, CMA_MEM_PERSIST, "frame", &a);
	EXPECT_TRUE(a.id != their_id, "root's frame is uid %u's buffer %u",
		    (unsigned int)uid, their_id);
	{
		int fd2 = t_open();
		void *p;

		REQUIRE_OK(t_attach(fd2, 0, "frame", &info));
		EXPECT_EQ(info.id, a.id);
		EXPECT_EQ(info.uid, 0);
		MAP(fd2, t_pg, info.mmap_offset, &p);
		EXPECT_TRUE(t_check_zero(p, t_pg) < 0,
			    "root's frame holds data it never wrote");
		munmap(p, t_pg);
		close(fd2);
	}
	/* Root reaches uid's by saying whose, or by id. */
	memset(&theirs, 0, sizeof(theirs));
	memcpy(theirs.name, "frame", 5);
	theirs.attach_flags = CMA_MEM_ATTACH_BY_UID;
	theirs.uid = uid;
	REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_ATTACH, &theirs));
	EXPECT_EQ(theirs.id, their_id);
	EXPECT_EQ(theirs.uid, uid);
	EXPECT_EQ(theirs.mappings, 1);
	REQUIRE_OK(t_info(fd, their_id, &info));
	EXPECT_EQ(info.uid, uid);

	t_send(to_child[1], 'k');
	t_reap(pid, "uid's side of the squat");
	REQUIRE_OK(t_free(fd, a.id));
	REQUIRE_OK(t_free(fd, their_id));
	close(fd);
}

/* PF_SUPERPRIV: the task used a capability (capable() and friends set it). */
#define T_PF_SUPERPRIV 0x00000100UL

/* The task flags of this process, field 9 of /proc/self/stat. */
static unsigned long task_flags(void)
{
	char line[1024], *p;
	unsigned long flags = 0;
	FILE *f = fopen("/proc/self/stat", "r");

	if (!f || !fgets(line, sizeof(line), f))
		DIE("read /proc/self/stat: %s", strerror(errno));
	fclose(f);
	/* After the command name in parentheses: state, ppid, pgrp, session,
	 * tty_nr, tpgid, then the flags. */
	p = strrchr(line, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		DIE("no flags in /proc/self/stat: %s", line);
	return flags;
}

/*
 * Run as root, with ID another uid's buffer. The capability checks that only
 * decide what to report do not count as using the capability: ALLOC and INFO
 * of root's own buffer report its DMA address, yet leave the task without
 * PF_SUPERPRIV. Reaching another uid's buffer does use CAP_SYS_ADMIN, and
 * that use is recorded. Each in a fresh process (fork clears the flag).
 */
static void sub_quiet_caps(int argc, char **argv)
{
	uint32_t id = strtoul(argv[0], NULL, 0);
	pid_t pid;

	(void)argc;
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		struct cma_mem_alloc a;
		struct cma_mem_info info;
		int fd = t_open();

		if (task_flags() & T_PF_SUPERPRIV)
			DIE("PF_SUPERPRIV before any request");
		ALLOC(fd, t_pg, 0, NULL, &a);
		REQUIRE_OK(t_info(fd, a.id, &info));
		EXPECT_TRUE(a.dma_addr && info.dma_addr == a.dma_addr,
			    "root was not told the DMA address: ALLOC %#llx, INFO %#llx",
			    (unsigned long long)a.dma_addr,
			    (unsigned long long)info.dma_addr);
		EXPECT_TRUE(!(task_flags() & T_PF_SUPERPRIV),
			    "ALLOC and INFO of root's own buffer counted as a use of a capability (PF_SUPERPRIV): the dma_addr check is not a quiet one");
		REQUIRE_OK(t_info(fd, id, &info));
		EXPECT_TRUE(task_flags() & T_PF_SUPERPRIV,
			    "INFO of another uid's buffer used CAP_SYS_ADMIN unrecorded");
		_exit(t_failures ? 1 : 0);
	}
	t_reap(pid, "quiet capability checks");
}

static const struct t_subtest tests[] = {
	{ "size-zero", sub_size_zero, 0, "" },
	{ "size-huge", sub_size_huge, 0, "" },
	{ "flags", sub_flags, 0, "" },
	{ "align", sub_align, 0, "" },
	{ "names-bad", sub_names_bad, 0, "" },
	{ "names-good", sub_names_good, 0, "" },
	{ "name-clash", sub_name_clash, 0, "" },
	{ "bad-ids", sub_bad_ids, 0, "" },
	{ "free-attach", sub_free_attach, 0, "" },
	{ "unknown-cmd", sub_unknown_cmd, 0, "" },
	{ "reserved", sub_reserved, 0, "" },
	{ "struct-size", sub_struct_size, 0, "" },
	{ "list", sub_list, 0, "" },
	{ "sync-range", sub_sync_range, 0, "" },
	{ "efault", sub_efault, 0, "" },
	{ "readonly-arg", sub_readonly_arg, 0, "" },
	{ "foreign", sub_foreign, 4,
	  "ID NAME MMAP_OFFSET OWNER_UID  (as another uid)" },
	{ "export-race", sub_export_race, 0, "" },
	{ "attach-race", sub_attach_race, 0, "" },
	{ "euid", sub_euid, 1, "UID  (as root; max_bytes_per_uid 3 pages)" },
	{ "squat", sub_squat, 1, "UID  (as root)" },
	{ "quiet-caps", sub_quiet_caps, 1,
	  "ID  (as root; ID: another uid's buffer)" },
};

T_MAIN(tests)
