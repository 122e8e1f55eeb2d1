// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-abi: CMA_MEM_IOC_EXPORT and the dma-buf it makes, raw, without an
 * importer (dmabuf-vivid drives one), one named subtest each:
 *
 *   dmabuf-abi SUBTEST | all | --list
 *
 * Run as root by tests/bats/abi.bats. Every subtest frees what it
 * allocates; see helper.h for the exit status.
 */
#include "helper.h"

/*
 * The dma-buf fd: its flags, size and access mode, counted in INFO's
 * exports, listed in bufinfo; its mapping counted in INFO's mappings, and
 * enough, alone, to keep a freed buffer.
 */
static void sub_export(int argc, char **argv)
{
	const size_t len = 1 << 20;
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	uint8_t *p, *q;
	int dfd, ro;
	long bad;
	int fd = t_open();

	(void)argc, (void)argv;
	ALLOC(fd, len, CMA_MEM_CACHE_WC, "dmabuf-abi", &a);
	dfd = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		DIE("EXPORT: %s", t_errname(dfd));
	EXPECT_TRUE(fcntl(dfd, F_GETFD) & FD_CLOEXEC,
		    "EXPORT with O_CLOEXEC gave an fd without FD_CLOEXEC");
	EXPECT_EQ(fcntl(dfd, F_GETFL) & O_ACCMODE, O_RDWR);
	EXPECT_EQ(lseek(dfd, 0, SEEK_END), len);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 1);
	EXPECT_TRUE(t_in_bufinfo("dmabuf-abi", "cma_mem"),
		    "bufinfo has no line for the export with its name and exporter cma_mem");

	/* A second, read-only export: counted; no writable mapping of it. */
	ro = t_export(fd, a.id, O_RDONLY);
	if (ro < 0)
		DIE("EXPORT O_RDONLY: %s", t_errname(ro));
	EXPECT_EQ(fcntl(ro, F_GETFD) & FD_CLOEXEC, 0);
	EXPECT_EQ(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 2);
	EXPECT_ERR(t_mmap(ro, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0, (void **)&q),
		   -EACCES);
	close(ro);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 1);

	/* Mappings of the dma-buf: not past its end, not private. */
	EXPECT_ERR(t_mmap(dfd, len + t_pg, PROT_READ | PROT_WRITE, MAP_SHARED, 0,
			  (void **)&q), -EINVAL);
	EXPECT_ERR(t_mmap(dfd, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0,
			  (void **)&q), -EINVAL);
	MAP(fd, len, a.mmap_offset, &p);
	MAP(dfd, len, 0, &q);
	EXPECT_EQ(t_mappings(fd, a.id), 2);
	t_pattern(p, len, 0xdb);
	munmap(p, len);

	/* FREE: unreachable; the export and its mapping keep the memory. */
	REQUIRE_OK(t_free(fd, a.id));
	EXPECT_ERR(t_info(fd, a.id, &info), -ENOENT);
	EXPECT_ERR(t_export(fd, a.id, O_RDWR), -ENOENT);
	EXPECT_STATE(a.id, "freed-mapped");
	close(dfd);
	/* The dma-buf mapping alone. */
	EXPECT_STATE(a.id, "freed-mapped");
	bad = t_check_pattern(q, len, 0xdb);
	if (bad >= 0)
		FAIL("the dma-buf mapping of the freed buffer differs at byte %ld", bad);
	munmap(q, len);
	EXPECT_STATE(a.id, "");
	close(fd);
}

/* EXPORT's arguments: flags, reserved, ids, and a buffer the file does not hold. */
static void sub_export_errors(int argc, char **argv)
{
	struct cma_mem_export e = { 0 };
	struct cma_mem_info info;
	struct cma_mem_alloc a;
	int fd = t_open(), other = t_open();

	(void)argc, (void)argv;
	ALLOC(fd, t_pg, 0, NULL, &a);
	EXPECT_ERR(t_export(fd, a.id, O_ACCMODE), -EINVAL);
	EXPECT_ERR(t_export(fd, a.id, O_RDWR | O_NONBLOCK), -EINVAL);
	EXPECT_ERR(t_export(fd, a.id, O_RDWR | (1U << 31)), -EINVAL);
	e.id = a.id;
	e.flags = O_RDWR;
	e.reserved = 1;
	EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_EXPORT, &e), -EINVAL);
	EXPECT_ERR(t_export(fd, 0, O_RDWR), -ENOENT);
	EXPECT_ERR(t_export(fd, 0x7ffffff0, O_RDWR), -ENOENT);
	EXPECT_ERR(t_export(other, a.id, O_RDWR), -EACCES);
	/* None of that made an export. */
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
	close(other);
}

/*
 * An export pins the module, also after the file and the buffer's
 * mapping are gone (the open file and the mapping: map-lifecycle).
 */
static void sub_export_pins_module(int argc, char **argv)
{
	struct cma_mem_alloc a;
	int base = t_module_refcnt();
	int fd = t_open(), dfd;
	void *p;

	(void)argc, (void)argv;
	ALLOC(fd, t_pg, 0, NULL, &a);
	MAP(fd, t_pg, a.mmap_offset, &p);
	dfd = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		DIE("EXPORT: %s", t_errname(dfd));
	close(fd);
	munmap(p, t_pg);
	EXPECT_TRUE(t_module_refcnt() > base,
		    "an export alone does not pin the module (refcnt %d, %d before)",
		    t_module_refcnt(), base);
	EXPECT_STATE(a.id, "freed-exported");
	close(dfd);
	EXPECT_STATE(a.id, "");
	EXPECT_EQ(t_module_refcnt(), base);
}

static const struct t_subtest tests[] = {
	{ "export", sub_export, 0, "" },
	{ "export-errors", sub_export_errors, 0, "" },
	{ "export-pins-module", sub_export_pins_module, 0, "" },
};

T_MAIN(tests)
