// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-vivid: cmamem buffers handed to a real importer, vivid, as
 * V4L2_MEMORY_DMABUF. vivid must be loaded; with allocators=0 it
 * imports through dma_buf_vmap(), with allocators=1 (dma-contig) through
 * map_dma_buf(), which needs one contiguous DMA range.
 *
 *   dmabuf-vivid mmap FILE      a frame captured the ordinary way, to FILE
 *   dmabuf-vivid dmabuf NAME    capture into the persistent buffer NAME
 *   dmabuf-vivid heap           capture into a buffer from the dma-heap node
 *   dmabuf-vivid free-queued CACHE
 *                               free the buffer while vivid holds it
 *   dmabuf-vivid orders CACHE   close file, mapping, export, importer in
 *                               all 24 orders
 *   dmabuf-vivid sync           DMA_BUF_IOCTL_SYNC on the exported fd
 *   dmabuf-vivid foreign        export of another uid's buffer is refused
 *
 * CACHE is wc, uncached or cached. See helper.h for the exit status.
 */
#include <grp.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <sys/wait.h>

#include "helper.h"
#include "vivid.h"

static int dmabuf_sync(int dfd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return t_ioctl(dfd, DMA_BUF_IOCTL_SYNC, &s);
}

/* Whether buffer @id still has a line in the debugfs table. */
static bool listed(uint32_t id)
{
	char s[64];

	t_debugfs_state(id, s, sizeof(s));
	return s[0] != '\0';
}

static void *reference_frame(struct vivid *v)
{
	void *ref = malloc(v->sizeimage);

	if (!ref)
		DIE("malloc");
	vivid_mmap_frame(v, ref);
	return ref;
}

/* mmap FILE: vivid's frame, captured through its own MMAP buffers. */
static void t_mmap_to_file(int argc, char **argv)
{
	struct vivid v;
	void *ref;
	FILE *f;

	(void)argc;
	vivid_open(&v);
	ref = reference_frame(&v);
	f = fopen(argv[0], "w");
	if (!f || fwrite(ref, 1, v.sizeimage, f) != v.sizeimage || fclose(f))
		DIE("write %s: %s", argv[0], strerror(errno));
	printf("mmap frame: %ux%u YUYV, %u bytes\n", VIVID_WIDTH, VIVID_HEIGHT,
	       v.sizeimage);
	close(v.fd);
	free(ref);
}

/*
 * dmabuf NAME: two frames into the persistent buffer NAME (first filled
 * with 0xa5) through its dma-buf, each compared in place with the MMAP
 * reference; the bytes past the frame are left as they were.
 */
static void t_dmabuf(int argc, char **argv)
{
	int fd = t_open(), dfd, i;
	struct cma_mem_info info;
	unsigned char *p, *before;
	struct vivid v;
	void *ref;

	(void)argc;
	REQUIRE_OK(t_attach(fd, 0, argv[0], &info));
	MAP(fd, info.size, info.mmap_offset, &p);
	vivid_open(&v);
	ref = reference_frame(&v);
	if (info.size < v.sizeimage)
		DIE("buffer %s is %llu bytes, a frame %u", argv[0],
		    (unsigned long long)info.size, v.sizeimage);
	before = malloc(info.size);
	if (!before)
		DIE("malloc");
	memset(p, 0xa5, info.size);
	REQUIRE_OK(t_sync(fd, info.id, CMA_MEM_SYNC_FOR_DEVICE, 0, 0));
	memcpy(before, p, info.size);

	dfd = t_export(fd, info.id, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		DIE("EXPORT %s: %s", argv[0], t_errname(dfd));
	vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 1);
	for (i = 0; i < 2; i++) {
		int ret = vivid_qbuf(&v, 0, dfd, NULL, info.size);
		long off;

		if (ret)
			DIE("QBUF dma-buf of %s: %s", argv[0], t_errname(ret));
		if (!i)
			vivid_stream(&v, true);
		EXPECT_EQ(vivid_dqbuf(&v, NULL), 0);
		REQUIRE_OK(t_sync(fd, info.id, CMA_MEM_SYNC_FOR_CPU, 0, 0));
		off = -1;
		if (memcmp(p, ref, v.sizeimage)) {
			for (off = 0; p[off] == ((unsigned char *)ref)[off];
			     off++)
				;
		}
		EXPECT_TRUE(off < 0,
			    "frame %d in %s differs from the MMAP frame at byte %ld: %#x, expected %#x",
			    i, argv[0], off, off < 0 ? 0 : p[off],
			    off < 0 ? 0 : ((unsigned char *)ref)[off]);
	}
	vivid_stream(&v, false);
	vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 0);
	EXPECT_TRUE(!memcmp(p + v.sizeimage, before + v.sizeimage,
			    info.size - v.sizeimage),
		    "vivid wrote past the %u-byte frame in %s", v.sizeimage,
		    argv[0]);
	close(v.fd);
	close(dfd);
	printf("dmabuf %s: %u bytes captured, 2 frames equal to the MMAP frame\n",
	       argv[0], v.sizeimage);
	munmap(p, info.size);
	close(fd);
	free(ref);
	free(before);
}

/*
 * heap: two frames into a buffer from the dma-heap node ($CMAMEM_HEAP_DEV,
 * default /dev/dma_heap/cma_mem), first filled with 0xa5, through its
 * dma-buf alone, as a dma-heap client (libcamera) does: mapped from the
 * dma-buf, DMA_BUF_IOCTL_SYNC around the CPU's access, each frame compared
 * in place with the MMAP reference, the bytes past it left as they were.
 */
static void t_heap(int argc, char **argv)
{
	const char *dev = getenv("CMAMEM_HEAP_DEV");
	struct dma_heap_allocation_data d = {
		.len = 128 * 1024, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	unsigned char *p, *before;
	struct vivid v;
	int hfd, i;
	void *ref;

	(void)argc, (void)argv;
	if (!dev || !*dev)
		dev = "/dev/dma_heap/cma_mem";
	hfd = open(dev, O_RDONLY | O_CLOEXEC);
	if (hfd < 0)
		DIE("open %s: %s", dev, strerror(errno));
	REQUIRE_OK(t_ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &d));
	MAP(d.fd, d.len, 0, &p);
	vivid_open(&v);
	ref = reference_frame(&v);
	if (d.len < v.sizeimage)
		DIE("the heap buffer is %llu bytes, a frame %u",
		    (unsigned long long)d.len, v.sizeimage);
	before = malloc(d.len);
	if (!before)
		DIE("malloc");
	REQUIRE_OK(dmabuf_sync(d.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	memset(p, 0xa5, d.len);
	REQUIRE_OK(dmabuf_sync(d.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	memcpy(before, p, d.len);

	vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 1);
	for (i = 0; i < 2; i++) {
		int ret = vivid_qbuf(&v, 0, d.fd, NULL, d.len);
		long off = -1;

		if (ret)
			DIE("QBUF the heap's dma-buf: %s", t_errname(ret));
		if (!i)
			vivid_stream(&v, true);
		EXPECT_EQ(vivid_dqbuf(&v, NULL), 0);
		REQUIRE_OK(dmabuf_sync(d.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
		if (memcmp(p, ref, v.sizeimage)) {
			for (off = 0; p[off] == ((unsigned char *)ref)[off];
			     off++)
				;
		}
		REQUIRE_OK(dmabuf_sync(d.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
		EXPECT_TRUE(off < 0,
			    "frame %d in the heap buffer differs from the MMAP frame at byte %ld: %#x, expected %#x",
			    i, off, off < 0 ? 0 : p[off],
			    off < 0 ? 0 : ((unsigned char *)ref)[off]);
	}
	vivid_stream(&v, false);
	vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 0);
	EXPECT_TRUE(!memcmp(p + v.sizeimage, before + v.sizeimage,
			    d.len - v.sizeimage),
		    "vivid wrote past the %u-byte frame in the heap buffer",
		    v.sizeimage);
	close(v.fd);
	printf("heap: %u bytes captured, 2 frames equal to the MMAP frame\n",
	       v.sizeimage);
	munmap(p, d.len);
	close(d.fd);
	close(hfd);
	free(ref);
	free(before);
}

/*
 * free-queued CACHE: the buffer's last handle, mapping and export fd go
 * while vivid holds the dma-buf in its queue. The memory stays until vivid
 * lets go; capturing into it still works and the buffer is listed as
 * freed-exported; then it is gone.
 */
static void t_free_queued(int argc, char **argv)
{
	uint32_t cache = t_parse_cache(argv[0]);
	int fd = t_open(), dfd, ret;
	struct cma_mem_alloc a;
	struct vivid v;
	void *p;

	(void)argc;
	vivid_open(&v);
	ALLOC(fd, v.sizeimage, cache, NULL, &a);
	MAP(fd, a.size, a.mmap_offset, &p);
	dfd = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		DIE("EXPORT: %s", t_errname(dfd));
	vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 1);
	ret = vivid_qbuf(&v, 0, dfd, NULL, a.size);
	if (ret)
		DIE("QBUF: %s", t_errname(ret));

	/* Everything of ours goes; vivid's queue is the only holder. */
	munmap(p, a.size);
	close(dfd);
	EXPECT_ERR(t_free(fd, a.id), 0);
	close(fd);
	EXPECT_STATE(a.id, "freed-exported");

	vivid_stream(&v, true);
	EXPECT_EQ(vivid_dqbuf(&v, NULL), 0);
	vivid_stream(&v, false);
	EXPECT_STATE(a.id, "freed-exported");
	/* The queue lets go at REQBUFS 0 (or close). */
	vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 0);
	EXPECT_TRUE(!listed(a.id),
		    "buffer %u still listed after vivid released its dma-buf",
		    a.id);
	close(v.fd);
	printf("free-queued %s: captured into a freed buffer, gone when vivid let go\n",
	       argv[0]);
}

/*
 * orders CACHE: a buffer held four ways (the file's handle, a mapping, the
 * exported fd, vivid's queue after one frame) let go in each of the 24
 * orders. It stays listed, live while the file or the mapping (which holds
 * the file) is there, then freed-exported, until the last one goes.
 */
static void t_orders(int argc, char **argv)
{
	static const char holders[] = "fmei";
	uint32_t cache = t_parse_cache(argv[0]);
	int perm[4] = { 0, 1, 2, 3 };
	int base = t_debugfs_count();
	unsigned int n = 0;

	(void)argc;
	for (;;) {
		bool held[4] = { true, true, true, true };
		char order[5];
		struct cma_mem_alloc a;
		struct vivid v;
		int fd, dfd, k, ret;
		void *p;

		for (k = 0; k < 4; k++)
			order[k] = holders[perm[k]];
		order[4] = '\0';

		fd = t_open();
		vivid_open(&v);
		ALLOC(fd, v.sizeimage, cache, NULL, &a);
		MAP(fd, a.size, a.mmap_offset, &p);
		dfd = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
		if (dfd < 0)
			DIE("EXPORT: %s", t_errname(dfd));
		vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 1);
		ret = vivid_qbuf(&v, 0, dfd, NULL, a.size);
		if (ret)
			DIE("QBUF: %s", t_errname(ret));
		vivid_stream(&v, true);
		vivid_dqbuf(&v, NULL);
		EXPECT_TRUE(t_check_zero(p, v.sizeimage) >= 0,
			    "order %s: no frame in the buffer", order);

		for (k = 0; k < 4; k++) {
			char want[32], got[64];

			switch (holders[perm[k]]) {
			case 'f':
				close(fd);
				break;
			case 'm':
				munmap(p, a.size);
				break;
			case 'e':
				close(dfd);
				break;
			case 'i':
				close(v.fd);
				break;
			}
			held[perm[k]] = false;
			t_debugfs_state(a.id, got, sizeof(got));
			/*
			 * The mapping holds the struct file (vm_file): the
			 * file's release, which drops its handle, comes with
			 * the later of close and munmap.
			 */
			if (k == 3)
				strcpy(want, "");
			else if (held[0] || held[1])
				strcpy(want, "live");
			else
				strcpy(want, "freed-exported");
			EXPECT_TRUE(!strcmp(got, want),
				    "order %s, after closing '%c': state \"%s\", expected \"%s\"",
				    order, holders[perm[k]], got, want);
		}
		EXPECT_TRUE(t_debugfs_count() == base,
			    "order %s: %d buffers listed, %d before", order,
			    t_debugfs_count(), base);
		n++;

		/* Next permutation, lexicographic. */
		for (k = 2; k >= 0 && perm[k] > perm[k + 1]; k--)
			;
		if (k < 0)
			break;
		{
			int l = 3, tmp;

			while (perm[l] < perm[k])
				l--;
			tmp = perm[k];
			perm[k] = perm[l];
			perm[l] = tmp;
			for (l = 3, k++; k < l; k++, l--) {
				tmp = perm[k];
				perm[k] = perm[l];
				perm[l] = tmp;
			}
		}
	}
	printf("orders %s: %u close orders of file, mapping, export, importer\n",
	       argv[0], n);
}

/*
 * sync: DMA_BUF_IOCTL_SYNC in each cache mode. Bad flags are refused;
 * begin/end in each direction succeed; what the CPU writes through the
 * dma-buf's own mapping between them is what the cmamem mapping reads, and
 * the other way round. With vivid loaded, a CACHED buffer captured into is
 * read through the dma-buf mapping after SYNC_START|READ.
 */
static void t_sync_ioctl(int argc, char **argv)
{
	static const uint32_t modes[] = { CMA_MEM_CACHE_WC,
					  CMA_MEM_CACHE_UNCACHED,
					  CMA_MEM_CACHE_CACHED };
	const size_t len = 256 << 10;
	int fd = t_open();
	unsigned int m;

	(void)argc;
	(void)argv;
	for (m = 0; m < 3; m++) {
		struct cma_mem_alloc a;
		unsigned char *p, *q;
		int dfd;

		ALLOC(fd, len, modes[m], NULL, &a);
		MAP(fd, len, a.mmap_offset, &p);
		dfd = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
		if (dfd < 0)
			DIE("EXPORT: %s", t_errname(dfd));
		q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
		if (q == MAP_FAILED)
			DIE("mmap dma-buf: %s", strerror(errno));

		EXPECT_ERR(dmabuf_sync(dfd, 0), -EINVAL);
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_START), -EINVAL);
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_RW | 8), -EINVAL);
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_READ | (1ULL << 40)),
			   -EINVAL);

		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_START |
					       DMA_BUF_SYNC_WRITE), 0);
		t_pattern(q, len, 0x5eed0000 + m);
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_END |
					       DMA_BUF_SYNC_WRITE), 0);
		REQUIRE_OK(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_CPU, 0, 0));
		EXPECT_TRUE(t_check_pattern(p, len, 0x5eed0000 + m) < 0,
			    "mode %u: the dma-buf mapping's writes differ in the buffer at %ld",
			    modes[m], t_check_pattern(p, len, 0x5eed0000 + m));

		t_pattern(p, len, 0xfeed0000 + m);
		REQUIRE_OK(t_sync(fd, a.id, CMA_MEM_SYNC_FOR_DEVICE, 0, 0));
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_START |
					       DMA_BUF_SYNC_READ), 0);
		EXPECT_TRUE(t_check_pattern(q, len, 0xfeed0000 + m) < 0,
			    "mode %u: the buffer's writes differ in the dma-buf mapping at %ld",
			    modes[m], t_check_pattern(q, len, 0xfeed0000 + m));
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_END |
					       DMA_BUF_SYNC_READ), 0);
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_START |
					       DMA_BUF_SYNC_RW), 0);
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_END |
					       DMA_BUF_SYNC_RW), 0);

		/* An END without a START is accepted too (no state kept). */
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_END |
					       DMA_BUF_SYNC_RW), 0);
		munmap(q, len);
		munmap(p, len);
		close(dfd);
		REQUIRE_OK(t_free(fd, a.id));
	}

	/* A device write (vivid), read by the CPU through the dma-buf. */
	{
		struct cma_mem_alloc a;
		struct vivid v;
		unsigned char *q;
		void *ref;
		int dfd, ret;

		vivid_open(&v);
		ref = reference_frame(&v);
		ALLOC(fd, v.sizeimage, CMA_MEM_CACHE_CACHED, NULL, &a);
		dfd = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
		if (dfd < 0)
			DIE("EXPORT: %s", t_errname(dfd));
		q = mmap(NULL, a.size, PROT_READ, MAP_SHARED, dfd, 0);
		if (q == MAP_FAILED)
			DIE("mmap dma-buf: %s", strerror(errno));
		vivid_reqbufs(&v, V4L2_MEMORY_DMABUF, 1);
		ret = vivid_qbuf(&v, 0, dfd, NULL, a.size);
		if (ret)
			DIE("QBUF: %s", t_errname(ret));
		vivid_stream(&v, true);
		vivid_dqbuf(&v, NULL);
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_START |
					       DMA_BUF_SYNC_READ), 0);
		EXPECT_TRUE(!memcmp(q, ref, v.sizeimage),
			    "the frame read through the dma-buf after SYNC_START differs from the MMAP frame");
		EXPECT_ERR(dmabuf_sync(dfd, DMA_BUF_SYNC_END |
					       DMA_BUF_SYNC_READ), 0);
		vivid_stream(&v, false);
		close(v.fd);
		munmap(q, a.size);
		close(dfd);
		REQUIRE_OK(t_free(fd, a.id));
		free(ref);
	}
	close(fd);
	printf("sync: DMA_BUF_IOCTL_SYNC in wc, uncached and cached, and after a vivid capture\n");
}

/*
 * foreign: another uid cannot export root's buffer, through a descriptor it
 * inherited (which holds the handle) or through a file of its own: for it
 * the buffer does not exist (ENOENT). The buffer is unchanged and has no
 * export afterwards.
 */
static void t_foreign(int argc, char **argv)
{
	int fd = t_open(), status;
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	pid_t pid;

	(void)argc;
	(void)argv;
	ALLOC(fd, 64 << 10, CMA_MEM_PERSIST, "dmabuf-foreign", &a);
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		int own, r1, r2;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(99);
		r1 = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
		own = open(t_device(), O_RDWR | O_CLOEXEC);
		r2 = own < 0 ? -errno : t_export(own, a.id, O_RDONLY);
		printf("uid 65534: export through root's file: %s; through its own file: %s%s\n",
		       r1 >= 0 ? "allowed" : t_errname(r1),
		       r2 >= 0 ? "allowed" : t_errname(r2),
		       own < 0 ? " (open failed)" : "");
		/* Not its buffer: not there at all, even through a file
		 * that holds it. */
		_exit(r1 == -ENOENT && (own < 0 || r2 == -ENOENT) ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		DIE("waitpid: %s", strerror(errno));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "another uid's export was not refused (child status %#x)",
		    status);
	REQUIRE_OK(t_info(fd, a.id, &info));
	EXPECT_EQ(info.exports, 0);
	EXPECT_EQ(info.uid, 0);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
}

static const struct t_subtest tests[] = {
	{ "mmap", t_mmap_to_file, 1, "FILE" },
	{ "dmabuf", t_dmabuf, 1, "NAME" },
	{ "heap", t_heap, 0, "" },
	{ "free-queued", t_free_queued, 1, "wc|uncached|cached" },
	{ "orders", t_orders, 1, "wc|uncached|cached" },
	{ "sync", t_sync_ioctl, 0, "" },
	{ "foreign", t_foreign, 0, "" },
};

T_MAIN(tests)
