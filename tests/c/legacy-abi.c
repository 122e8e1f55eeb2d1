// SPDX-License-Identifier: GPL-2.0
/*
 * legacy-abi: a program written for the original cma_mem driver, from its
 * description alone (its own struct and command number; not our uapi
 * header), run the way its programs ran:
 *
 *   CMEM_ALLOCATE = _IOW('m', 5, unsigned int), called with a pointer to
 *   struct cmamem_info in the native layout; the driver page-aligns len and
 *   makes a write-combined buffer owned by the file; mmap(NULL, len,
 *   PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) maps the file's most recent
 *   one; it is freed when the file closes and its mappings are gone. The
 *   other original numbers, 1-4 and 6-8, are gone: ENOTTY.
 *
 *   legacy-abi SUBTEST | all | --list
 *
 * The debugfs table (id first, cache mode 4th, mappings 12th, state last)
 * shows what the driver made of it. See helper.h for the exit status.
 */
#define T_NO_UAPI
#include "helper.h"

/* As the original driver's header had it. */
struct cmamem_info {
	char *name;
	char is_cache;
	unsigned long id;
	unsigned long offset;
	unsigned long len;
	unsigned long phy_base;
	/* cppcheck-suppress unusedStructMember ; the old ABI's layout */
	unsigned long mem_base;
};

#define CMEM_IOCTL_MAGIC 'm'
#define CMEM_ALLOCATE _IOW(CMEM_IOCTL_MAGIC, 5, unsigned int)

static int legacy_alloc(int fd, unsigned long len, struct cmamem_info *info)
{
	static char name[] = "legacy";

	memset(info, 0, sizeof(*info));
	info->name = name;
	info->is_cache = 1; /* the original ignored it; so does cma_mem */
	info->len = len;
	return ioctl(fd, CMEM_ALLOCATE, info) ? -errno : 0;
}

#define LEGACY_ALLOC(fd, len, info) REQUIRE_OK(legacy_alloc((fd), (len), (info)))

static long dbg_long(unsigned long id, int col)
{
	char v[64];

	t_debugfs_field(id, col, v, sizeof(v));
	return *v ? strtol(v, NULL, 0) : -1;
}

/* The whole life of an old program: allocate, map, use, close. */
static void sub_old_app(int argc, char **argv)
{
	int count0 = t_debugfs_count();
	struct cmamem_info info;
	char cache[32];
	uint8_t *p;
	long bad;
	int fd;

	(void)argc, (void)argv;
	fd = open("/dev/cma_mem", O_RDWR);
	if (fd < 0)
		DIE("open /dev/cma_mem: %s", strerror(errno));
	LEGACY_ALLOC(fd, 100000, &info);
	EXPECT_EQ(info.len, (100000 + t_pg - 1) / t_pg * t_pg);
	EXPECT_EQ(info.offset, 0);
	EXPECT_TRUE(info.id != 0, "CMEM_ALLOCATE gave id 0");
	if (geteuid() == 0)
		EXPECT_TRUE(info.phy_base != 0, "root got no physical address");
	EXPECT_EQ(t_debugfs_count(), count0 + 1);
	t_debugfs_field(info.id, 4, cache, sizeof(cache));
	if (strcmp(cache, "wc"))
		FAIL("the legacy buffer's cache mode is \"%s\", expected \"wc\"", cache);
	EXPECT_EQ(dbg_long(info.id, 3), info.len);

	p = mmap(NULL, info.len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		DIE("mmap(len %lu, offset 0): %s", info.len, strerror(errno));
	EXPECT_EQ(dbg_long(info.id, 12), 1);
	bad = t_check_zero(p, info.len);
	if (bad >= 0)
		FAIL("the new legacy buffer is not zero at byte %ld", bad);
	t_pattern(p, info.len, 0x1e9);
	bad = t_check_pattern(p, info.len, 0x1e9);
	if (bad >= 0)
		FAIL("the legacy mapping reads back wrong at byte %ld", bad);
	if (munmap(p, info.len))
		DIE("munmap: %s", strerror(errno));
	EXPECT_EQ(dbg_long(info.id, 12), 0);
	close(fd);
	EXPECT_EQ(t_debugfs_count(), count0);
}

/* len is page-aligned; 0 is refused. */
static void sub_len(int argc, char **argv)
{
	static const unsigned long lens[] = { 1, 4095, 4096, 4097, 3 << 20 };
	struct cmamem_info info = { 0 };
	size_t i;
	int fd = t_open();

	(void)argc, (void)argv;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		if (!EXPECT_ERR(legacy_alloc(fd, lens[i], &info), 0))
			continue;
		if (info.len != (lens[i] + t_pg - 1) / t_pg * t_pg)
			FAIL("len %lu came back as %lu, not page-aligned up",
			     lens[i], info.len);
	}
	EXPECT_ERR(legacy_alloc(fd, 0, &info), -EINVAL);
	close(fd);
}

/* mmap at offset 0 maps the file's most recent legacy buffer. */
static void sub_most_recent(int argc, char **argv)
{
	struct cmamem_info a, b;
	void *p;
	int fd = t_open();

	(void)argc, (void)argv;
	LEGACY_ALLOC(fd, 2 * t_pg, &a);
	LEGACY_ALLOC(fd, 4 * t_pg, &b);
	EXPECT_TRUE(a.id != b.id, "two allocations got one id (%lu)", a.id);
	/* 4 pages: only the second buffer is that big. */
	if (EXPECT_ERR(t_mmap(fd, 4 * t_pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			      0, &p), 0)) {
		EXPECT_EQ(dbg_long(b.id, 12), 1);
		EXPECT_EQ(dbg_long(a.id, 12), 0);
		munmap(p, 4 * t_pg);
	}
	/* Past the end of the most recent one. */
	EXPECT_ERR(t_mmap(fd, 5 * t_pg, PROT_READ, MAP_SHARED, 0, &p), -EINVAL);
	close(fd);
}

/* Offset 0 in a file with no legacy buffer of its own maps nothing. */
static void sub_per_file(int argc, char **argv)
{
	struct cmamem_info a;
	int fa = t_open(), fb = t_open();
	void *p;

	(void)argc, (void)argv;
	EXPECT_ERR(t_mmap(fa, t_pg, PROT_READ, MAP_SHARED, 0, &p), -EINVAL);
	LEGACY_ALLOC(fa, t_pg, &a);
	EXPECT_ERR(t_mmap(fb, t_pg, PROT_READ, MAP_SHARED, 0, &p), -EINVAL);
	EXPECT_ERR(t_mmap(fa, t_pg, PROT_READ, MAP_PRIVATE, 0, &p), -EINVAL);
	close(fa);
	close(fb);
}

/*
 * Closing the file frees its legacy buffers; a mapping holds the file, so
 * with one they all go at munmap.
 */
static void sub_close(int argc, char **argv)
{
	int count0 = t_debugfs_count();
	struct cmamem_info a, b, c;
	uint8_t *p;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	LEGACY_ALLOC(fd, t_pg, &a);
	LEGACY_ALLOC(fd, 2 * t_pg, &b);
	close(fd);
	EXPECT_EQ(t_debugfs_count(), count0);

	fd = t_open();
	LEGACY_ALLOC(fd, t_pg, &a);
	LEGACY_ALLOC(fd, 2 * t_pg, &b);
	LEGACY_ALLOC(fd, 8 * t_pg, &c);
	EXPECT_EQ(t_debugfs_count(), count0 + 3);
	p = mmap(NULL, c.len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		DIE("mmap: %s", strerror(errno));
	t_pattern(p, c.len, 3);
	close(fd);
	bad = t_check_pattern(p, c.len, 3);
	if (bad >= 0)
		FAIL("after close, the mapping changed at byte %ld", bad);
	munmap(p, c.len);
	EXPECT_EQ(t_debugfs_count(), count0);
}

/* The original's other commands are gone: ENOTTY. */
static void sub_enotty(int argc, char **argv)
{
	struct cmamem_info info;
	unsigned int nr;
	int fd = t_open();

	(void)argc, (void)argv;
	for (nr = 1; nr <= 8; nr++) {
		if (nr == 5)
			continue;
		memset(&info, 0, sizeof(info));
		info.len = t_pg;
		if (!ioctl(fd, _IOW(CMEM_IOCTL_MAGIC, nr, unsigned int), &info))
			FAIL("legacy ioctl %u succeeded, expected ENOTTY", nr);
		else if (errno != ENOTTY)
			FAIL("legacy ioctl %u: got %s, expected ENOTTY", nr,
			     t_errname(errno));
	}
	close(fd);
}

static const struct t_subtest tests[] = {
	{ "old-app", sub_old_app, 0, "" },
	{ "len", sub_len, 0, "" },
	{ "most-recent", sub_most_recent, 0, "" },
	{ "per-file", sub_per_file, 0, "" },
	{ "close", sub_close, 0, "" },
	{ "enotty", sub_enotty, 0, "" },
};

T_MAIN(tests)
