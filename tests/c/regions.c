// SPDX-License-Identifier: GPL-2.0
/*
 * regions: allocations in the device-tree regions (cma_mem(4), REGIONS),
 * placed, filled, limited and refused, through the raw ioctls. Regions are
 * named as in /sys/class/misc/cma_mem/regions; their id, base and size are
 * read there. Run as root: dma_addr is root's.
 *
 *   regions take STEP...      ALLOC each step in turn, on one open file,
 *                             holding what succeeds; then FREE it all.
 *     STEP is REGION:SIZE[+][/MODE...][=ERRNO]: SIZE bytes (K, M, G) in
 *     REGION (a name, or a bare number: an id, sysfs unread), with
 *     MODE wc, uncached, cached, pool or cma (ALLOC's cache and source
 *     flags); =ERRNO expects that refusal (ENOSPC, EINVAL...), else
 *     success. SIZE+ allocates SIZE until ENOMEM, and then the region must
 *     be full: the run's buffers in it hold exactly its size.
 *     Every buffer made must lie inside its region (dma_addr against base
 *     and size) and INFO must name the region; used_bytes and buffers of
 *     each region named must grow by what the steps hold there, and go
 *     back once it is freed.
 *   regions page-paths REGION DEV
 *                             what needs struct pages, on a 1M buffer in
 *                             REGION: EXPORT, vmsplice() of the mapping
 *                             into a pipe, an O_DIRECT read() of block
 *                             device DEV into it. Prints one line each,
 *                             "ok" (the bytes checked) or the errno; the
 *                             suite says which is expected.
 *
 * See helper.h for the exit status.
 */
#include <sys/uio.h>

#include "helper.h"

/* Regions a run has named, with their sysfs readings before it. */
#define MAX_REGIONS 8
struct region {
	char name[CMA_MEM_NAME_LEN];
	uint32_t id;
	bool named;		/* found in sysfs: base, size and counters */
	uint64_t base, size;
	uint64_t used0, bufs0;	/* used_bytes and buffers before */
	uint64_t held, nheld;	/* what this run holds there */
};

static struct region regions[MAX_REGIONS];
static int nregions;

/* REGION (a name, or a bare id) as a region of this run. */
static struct region *region_of(const char *s, size_t len)
{
	struct region *r;
	int i;

	if (len >= CMA_MEM_NAME_LEN)
		DIE("region name '%.*s' is too long", (int)len, s);
	for (i = 0; i < nregions; i++)
		if (strlen(regions[i].name) == len &&
		    !strncmp(regions[i].name, s, len))
			return &regions[i];
	if (nregions == MAX_REGIONS)
		DIE("more than %d regions", MAX_REGIONS);
	r = &regions[nregions++];
	memcpy(r->name, s, len);
	if (strspn(r->name, "0123456789") == len) {
		r->id = (uint32_t)strtoul(r->name, NULL, 10);
		return r;
	}
	r->named = true;
	r->id = (uint32_t)t_region_u64(r->name, "id");
	r->used0 = t_region_u64(r->name, "used_bytes");
	r->bufs0 = t_region_u64(r->name, "buffers");
	if (r->id != CMA_MEM_REGION_DEFAULT) {
		r->base = t_region_u64(r->name, "base");
		r->size = t_region_u64(r->name, "size");
	}
	return r;
}

static int errno_of(const char *name)
{
	static const int known[] = {
		ENOMEM, ENOSPC, EDQUOT, EINVAL, ENODEV, EOPNOTSUPP, EFAULT,
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, t_errname(known[i])))
			return known[i];
	fprintf(stderr, "%s %s: unknown errno '%s'\n", t_prog, t_sub, name);
	exit(2);
}

static uint32_t flag_of(const char *mode, size_t len)
{
	static const struct { const char *name; uint32_t flag; } flags[] = {
		{ "wc", CMA_MEM_CACHE_WC },
		{ "uncached", CMA_MEM_CACHE_UNCACHED },
		{ "cached", CMA_MEM_CACHE_CACHED },
		{ "pool", CMA_MEM_FROM_POOL },
		{ "cma", CMA_MEM_FROM_CMA },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strlen(flags[i].name) == len &&
		    !strncmp(flags[i].name, mode, len))
			return flags[i].flag;
	fprintf(stderr, "%s %s: unknown mode '%.*s'\n", t_prog, t_sub,
		(int)len, mode);
	exit(2);
}

/* The buffer ALLOC just made is in @r, and INFO says so. */
static void check_placed(int fd, const struct region *r,
			 const struct cma_mem_alloc *a)
{
	struct cma_mem_info info;

	REQUIRE_OK(t_info(fd, a->id, &info));
	EXPECT_EQ(info.region, r->id);
	if (!r->named || r->id == CMA_MEM_REGION_DEFAULT)
		return;
	EXPECT_TRUE(a->dma_addr >= r->base &&
		    a->dma_addr + a->size <= r->base + r->size,
		    "buffer %u in region %s: %#llx bytes at %#llx, outside the region's %#llx bytes at %#llx",
		    a->id, r->name, (unsigned long long)a->size,
		    (unsigned long long)a->dma_addr,
		    (unsigned long long)r->size, (unsigned long long)r->base);
}

/* take STEP... */
static void t_take(int argc, char **argv)
{
	uint32_t ids[1024];
	size_t n = 0, i;
	int fd = t_open(), k;

	for (k = 0; k < argc; k++) {
		char *step = argv[k], *colon = strchr(step, ':'), *p, *end;
		uint32_t flags = 0;
		bool until_full = false;
		struct cma_mem_alloc a;
		struct region *r;
		uint64_t size, got = 0, count = 0;
		int want = 0, ret;

		if (!colon) {
			fprintf(stderr, "%s take: '%s' is not REGION:SIZE\n", t_prog, step);
			exit(2);
		}
		r = region_of(step, (size_t)(colon - step));
		p = colon + 1;
		end = p + strcspn(p, "+/=");
		{
			char num[32];

			snprintf(num, sizeof(num), "%.*s", (int)(end - p), p);
			size = t_parse_size(num);
		}
		p = end;
		if (*p == '+') {
			until_full = true;
			p++;
		}
		while (*p == '/') {
			size_t len = strcspn(p + 1, "/=");

			flags |= flag_of(p + 1, len);
			p += 1 + len;
		}
		if (*p == '=')
			want = -errno_of(p + 1);
		else if (*p)
			DIE("step '%s': trailing '%s'", step, p);

		do {
			if (n == sizeof(ids) / sizeof(ids[0]))
				DIE("more than %zu buffers", n);
			ret = t_alloc_in(fd, r->id, size, flags, NULL, &a);
			if (ret)
				break;
			check_placed(fd, r, &a);
			ids[n++] = a.id;
			r->held += a.size;
			r->nheld++;
			got += a.size;
			count++;
		} while (until_full);

		if (until_full) {
			EXPECT_TRUE(ret == -ENOMEM,
				    "%s: ALLOC after %llu buffers: %s, expected ENOMEM",
				    step, (unsigned long long)count, t_errname(ret));
			EXPECT_TRUE(r->held == r->size,
				    "%s: ENOMEM with %llu bytes held in region %s, which has %llu",
				    step, (unsigned long long)r->held, r->name,
				    (unsigned long long)r->size);
			printf("%s: %llu buffers, %llu bytes, then ENOMEM\n", step,
			       (unsigned long long)count, (unsigned long long)got);
		} else {
			EXPECT_TRUE(ret == want, "%s: ALLOC: %s, expected %s", step,
				    t_errname(ret), t_errname(want));
			printf("%s: %s\n", step, ret ? t_errname(ret) : "ok");
		}
	}

	for (k = 0; k < nregions; k++) {
		struct region *r = &regions[k];

		if (!r->named)
			continue;
		EXPECT_TRUE(t_region_u64(r->name, "used_bytes") == r->used0 + r->held,
			    "region %s: used_bytes %llu while %llu bytes are held there, %llu before",
			    r->name, (unsigned long long)t_region_u64(r->name, "used_bytes"),
			    (unsigned long long)r->held, (unsigned long long)r->used0);
		EXPECT_TRUE(t_region_u64(r->name, "buffers") == r->bufs0 + r->nheld,
			    "region %s: buffers %llu while %llu are held there, %llu before",
			    r->name, (unsigned long long)t_region_u64(r->name, "buffers"),
			    (unsigned long long)r->nheld, (unsigned long long)r->bufs0);
	}
	for (i = 0; i < n; i++)
		REQUIRE_OK(t_free(fd, ids[i]));
	close(fd);
	for (k = 0; k < nregions; k++) {
		struct region *r = &regions[k];

		if (!r->named)
			continue;
		EXPECT_TRUE(t_region_u64(r->name, "used_bytes") == r->used0,
			    "region %s: used_bytes %llu after FREE, %llu before the run",
			    r->name, (unsigned long long)t_region_u64(r->name, "used_bytes"),
			    (unsigned long long)r->used0);
		EXPECT_TRUE(t_region_u64(r->name, "buffers") == r->bufs0,
			    "region %s: buffers %llu after FREE, %llu before the run",
			    r->name, (unsigned long long)t_region_u64(r->name, "buffers"),
			    (unsigned long long)r->bufs0);
	}
}

/* vmsplice() the mapping into a pipe and read it back: 0 or -errno. */
static int through_pipe(const unsigned char *p, size_t len, unsigned char *back)
{
	size_t done = 0;
	int pfd[2], ret = 0;

	if (pipe(pfd))
		DIE("pipe: %s", strerror(errno));
	while (done < len && !ret) {
		struct iovec iov = { (void *)(p + done), len - done };
		ssize_t n = vmsplice(pfd[1], &iov, 1, 0), got = 0;

		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		while (got < n) {
			ssize_t r = read(pfd[0], back + done + got, (size_t)(n - got));

			if (r <= 0)
				DIE("read from the pipe: %s", strerror(errno));
			got += r;
		}
		done += (size_t)n;
	}
	close(pfd[0]);
	close(pfd[1]);
	return ret;
}

/* page-paths REGION DEV */
static void t_page_paths(int argc, char **argv)
{
	struct region *r = region_of(argv[0], strlen(argv[0]));
	const size_t len = 1 << 20;
	struct cma_mem_alloc a;
	unsigned char *p, *back = malloc(len);
	int fd = t_open(), ret, dev;
	ssize_t n;

	(void)argc;
	if (!back)
		DIE("malloc");
	REQUIRE_OK(t_alloc_in(fd, r->id, len, 0, NULL, &a));
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 0x4e61);

	ret = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
	if (ret >= 0)
		close(ret);
	printf("EXPORT: %s\n", ret >= 0 ? "ok" : t_errname(ret));

	ret = through_pipe(p, len, back);
	if (!ret && memcmp(back, p, len))
		FAIL("vmsplice: the pipe gave other bytes than the mapping");
	printf("vmsplice: %s\n", ret ? t_errname(ret) : "ok");

	/* What DEV holds, read through the page cache, then O_DIRECT into
	 * the buffer. */
	dev = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (dev < 0 || pread(dev, back, len, 0) != (ssize_t)len)
		DIE("read %s: %s", argv[1], strerror(errno));
	close(dev);
	dev = open(argv[1], O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (dev < 0)
		DIE("open %s O_DIRECT: %s", argv[1], strerror(errno));
	n = pread(dev, p, len, 0);
	ret = n < 0 ? -errno : 0;
	close(dev);
	if (!ret && (n != (ssize_t)len || memcmp(back, p, len)))
		FAIL("O_DIRECT read of %s: %zd bytes, not the %zu bytes a buffered read gave",
		     argv[1], n, len);
	printf("O_DIRECT read: %s\n", ret ? t_errname(ret) : "ok");

	munmap(p, len);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
	free(back);
}

static const struct t_subtest tests[] = {
	{ "take", t_take, 1, "STEP... (REGION:SIZE[+][/MODE...][=ERRNO])" },
	{ "page-paths", t_page_paths, 2, "REGION DEV" },
};

T_MAIN(tests)
