// SPDX-License-Identifier: GPL-2.0
/*
 * zerocopy: the kernel's zero-copy paths on a cmamem mapping.
 * Each of them takes the mapping's pages with get_user_pages(), which a
 * VM_PFNMAP mapping would refuse.
 *
 *   zerocopy odirect NAME IN OUT   O_DIRECT read() of IN into the buffer,
 *                                  O_DIRECT write() of it to OUT
 *   zerocopy uring NAME IN OUT     the same with io_uring READ/WRITE
 *   zerocopy uring-fixed NAME IN OUT
 *                                  IORING_REGISTER_BUFFERS on the mapping,
 *                                  then READ_FIXED/WRITE_FIXED
 *   zerocopy vmsplice NAME         vmsplice() the mapping into a pipe
 *   zerocopy pipe-pin SIZE         free a buffer whose pages a pipe holds
 *   zerocopy pool-pin SIZE         the same for a buffer from the pool
 *   zerocopy uring-pin SIZE FILE   free a buffer registered with io_uring
 *   zerocopy userptr NAME          V4L2_MEMORY_USERPTR capture (vivid)
 *   zerocopy faults SIZE           page faults of a first touch: cmamem
 *                                  mapping against the dma-heap
 *   zerocopy timing SIZE           mmap + first touch times (the report)
 *
 * NAME is a persistent buffer. A long-term pin (FOLL_LONGTERM: io_uring
 * fixed buffers, V4L2 USERPTR) runs in a child with a deadline: a CMA page
 * is not long-term pinnable, and on the kernels tested the pin retries
 * forever for pages that are not on an LRU list. The outcome is printed,
 * and the child killed if it did not return. See helper.h for the exit
 * status.
 */
#include <liburing.h>
#include <linux/dma-heap.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include "helper.h"
#include "vivid.h"

/* How long a pin may take before it counts as never returning. */
#define PIN_DEADLINE_MS 2000

struct zc_buf {
	int fd;
	struct cma_mem_info info;
	unsigned char *p;
};

static void zc_attach(const char *name, struct zc_buf *b)
{
	b->fd = t_open();
	REQUIRE_OK(t_attach(b->fd, 0, name, &b->info));
	MAP(b->fd, b->info.size, b->info.mmap_offset, &b->p);
}

static void zc_detach(struct zc_buf *b)
{
	munmap(b->p, b->info.size);
	close(b->fd);
}

static int open_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		DIE("open %s: %s", path, strerror(errno));
	return fd;
}

/*
 * Run @fn in a child; return its exit status, or -1 if it had not exited
 * after PIN_DEADLINE_MS, when it is described in @why and killed.
 */
static int bounded(void (*fn)(void *), void *arg, char *why, size_t len)
{
	struct pollfd pfd;
	int pidfd, status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!pid) {
		fn(arg);
		exit(t_failures ? 1 : 0);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		DIE("pidfd_open: %s", strerror(errno));
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, PIN_DEADLINE_MS) == 0) {
		char path[64], sc[64] = "", st[1024] = "";
		unsigned long utime = 0, stime = 0;
		FILE *f;
		char *p;

		snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(sc, sizeof(sc), f))
				sc[0] = '\0';
			fclose(f);
		}
		sc[strcspn(sc, " \n")] = '\0';
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(st, sizeof(st), f))
				st[0] = '\0';
			fclose(f);
		}
		p = strrchr(st, ')');
		if (p)
			sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			       &utime, &stime);
		snprintf(why, len, "in syscall %s, %lu%% of the time in the kernel",
			 sc, (utime + stime) ?
			 stime * 100 / (utime + stime) : 0);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(pidfd);
		return -1;
	}
	waitpid(pid, &status, 0);
	close(pidfd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* odirect NAME IN OUT */
static void t_odirect(int argc, char **argv)
{
	struct zc_buf b;
	int in, out;
	ssize_t n;

	(void)argc;
	zc_attach(argv[0], &b);
	in = open_file(argv[1], O_RDONLY | O_DIRECT);
	/* Direct I/O is real: a buffer off the block size is refused. */
	n = read(in, b.p + 1, 4096);
	EXPECT_TRUE(n < 0 && errno == EINVAL,
		    "O_DIRECT read into a misaligned address: %zd (%s), expected EINVAL",
		    n, n < 0 ? strerror(errno) : "no error");
	n = pread(in, b.p, b.info.size, 0);
	EXPECT_TRUE(n == (ssize_t)b.info.size,
		    "O_DIRECT read of %s into the buffer: %zd (%s), expected %llu",
		    argv[1], n, n < 0 ? strerror(errno) : "short",
		    (unsigned long long)b.info.size);
	close(in);
	out = open_file(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT);
	n = pwrite(out, b.p, b.info.size, 0);
	EXPECT_TRUE(n == (ssize_t)b.info.size,
		    "O_DIRECT write of the buffer to %s: %zd (%s), expected %llu",
		    argv[2], n, n < 0 ? strerror(errno) : "short",
		    (unsigned long long)b.info.size);
	if (fsync(out))
		FAIL("fsync %s: %s", argv[2], strerror(errno));
	close(out);
	printf("odirect %s: %llu bytes in and out\n", argv[0],
	       (unsigned long long)b.info.size);
	zc_detach(&b);
}

static struct io_uring zc_ring(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(4, &ring, 0);

	if (ret)
		DIE("io_uring_queue_init: %s", t_errname(ret));
	return ring;
}

/* One request, waited for; the result (bytes or -errno). */
static int zc_submit(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit_and_wait(ring, 1);

	if (ret < 0)
		DIE("io_uring_submit_and_wait: %s", t_errname(ret));
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret)
		DIE("io_uring_wait_cqe: %s", t_errname(ret));
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

static void zc_uring_io(struct io_uring *ring, struct zc_buf *b,
			const char *in_path, const char *out_path, bool fixed)
{
	unsigned int len = (unsigned int)b->info.size;
	struct io_uring_sqe *sqe;
	int in, out, ret;

	in = open_file(in_path, O_RDONLY | O_DIRECT);
	out = open_file(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT);
	sqe = io_uring_get_sqe(ring);
	if (fixed)
		io_uring_prep_read_fixed(sqe, in, b->p, len, 0, 0);
	else
		io_uring_prep_read(sqe, in, b->p, len, 0);
	ret = zc_submit(ring);
	EXPECT_TRUE(ret == (int)len, "io_uring %s of %s: %s%d, expected %u",
		    fixed ? "READ_FIXED" : "READ", in_path,
		    ret < 0 ? t_errname(ret) : "", ret, len);
	sqe = io_uring_get_sqe(ring);
	if (fixed)
		io_uring_prep_write_fixed(sqe, out, b->p, len, 0, 0);
	else
		io_uring_prep_write(sqe, out, b->p, len, 0);
	ret = zc_submit(ring);
	EXPECT_TRUE(ret == (int)len, "io_uring %s to %s: %s%d, expected %u",
		    fixed ? "WRITE_FIXED" : "WRITE", out_path,
		    ret < 0 ? t_errname(ret) : "", ret, len);
	if (fsync(out))
		FAIL("fsync %s: %s", out_path, strerror(errno));
	close(in);
	close(out);
}

/* uring NAME IN OUT: plain (not fixed) READ and WRITE, O_DIRECT. */
static void t_uring(int argc, char **argv)
{
	struct io_uring ring = zc_ring();
	struct zc_buf b;

	(void)argc;
	zc_attach(argv[0], &b);
	zc_uring_io(&ring, &b, argv[1], argv[2], false);
	io_uring_queue_exit(&ring);
	printf("uring %s: READ and WRITE of %llu bytes\n", argv[0],
	       (unsigned long long)b.info.size);
	zc_detach(&b);
}

static char **fixed_argv;

static void fixed_child(void *arg)
{
	struct io_uring ring = zc_ring();
	struct zc_buf *b = arg;
	struct iovec iov = { b->p, b->info.size };
	int ret;

	ret = io_uring_register_buffers(&ring, &iov, 1);
	if (ret) {
		printf("IORING_REGISTER_BUFFERS: %s\n", t_errname(ret));
		exit(0);
	}
	zc_uring_io(&ring, b, fixed_argv[1], fixed_argv[2], true);
	io_uring_unregister_buffers(&ring);
	io_uring_queue_exit(&ring);
	printf("IORING_REGISTER_BUFFERS: registered; READ_FIXED and WRITE_FIXED of %llu bytes\n",
	       (unsigned long long)b->info.size);
}

/* uring-fixed NAME IN OUT */
static void t_uring_fixed(int argc, char **argv)
{
	struct zc_buf b;
	char why[128];
	int ret;

	(void)argc;
	fixed_argv = argv;
	zc_attach(argv[0], &b);
	ret = bounded(fixed_child, &b, why, sizeof(why));
	if (ret < 0)
		printf("IORING_REGISTER_BUFFERS: did not return within %d ms (%s); killed\n",
		       PIN_DEADLINE_MS, why);
	else if (ret)
		FAIL("the io_uring child exited with %d", ret);
	zc_detach(&b);
}

/* vmsplice NAME: the mapping into a pipe, read back, compared. */
static void t_vmsplice(int argc, char **argv)
{
	size_t len, done = 0, chunk = 64 << 10;
	unsigned char *back;
	struct zc_buf b;
	int pfd[2];

	(void)argc;
	zc_attach(argv[0], &b);
	len = b.info.size;
	back = malloc(chunk);
	if (!back || pipe(pfd))
		DIE("malloc or pipe: %s", strerror(errno));
	if (fcntl(pfd[0], F_SETPIPE_SZ, (int)chunk) < (int)chunk)
		DIE("F_SETPIPE_SZ %zu: %s", chunk, strerror(errno));
	while (done < len) {
		struct iovec iov = { b.p + done, chunk };
		ssize_t n = vmsplice(pfd[1], &iov, 1, 0), got = 0;

		if (n != (ssize_t)chunk)
			DIE("vmsplice of the mapping at %zu: %zd (%s)", done,
			    n, n < 0 ? strerror(errno) : "short");
		while (got < n) {
			ssize_t r = read(pfd[0], back + got, (size_t)(n - got));

			if (r <= 0)
				DIE("read from the pipe: %s", strerror(errno));
			got += r;
		}
		if (memcmp(back, b.p + done, chunk)) {
			FAIL("the pipe gave other bytes than the mapping at %zu",
			     done);
			break;
		}
		done += chunk;
	}
	printf("vmsplice %s: %zu bytes through a pipe\n", argv[0], done);
	close(pfd[0]);
	close(pfd[1]);
	free(back);
	zc_detach(&b);
}

/*
 * pipe-pin SIZE: a buffer from CMA whose pages are in a pipe (vmsplice) is
 * freed: it stays listed as freed-pinned and its memory stays out of CMA;
 * the pipe still reads the buffer's bytes; once the pipe is drained and
 * closed, the memory goes back.
 */
/* The pool's pool_used_bytes, in kB. */
static long pool_used_kb(void)
{
	FILE *f = fopen("/sys/class/misc/cma_mem/pool_used_bytes", "r");
	unsigned long long v;

	if (!f || fscanf(f, "%llu", &v) != 1)
		DIE("cannot read pool_used_bytes");
	fclose(f);
	return (long)(v >> 10);
}

/*
 * What a pinned buffer holds, as a reading that goes down while it lives:
 * for a CMA buffer the CMA areas' used kB, negated (exact), or CmaFree
 * where the kernel does not count them (within held_slack_kb()); for a
 * pooled one pool_used_bytes kB, negated.
 */
static long held_base(bool pooled)
{
	long used;

	if (pooled)
		return -pool_used_kb();
	used = t_cma_used_kb();
	return used >= 0 ? -used : t_cma_free_settled_kb();
}

/* What held_base() read, for the messages. */
static const char *held_name(bool pooled)
{
	if (pooled)
		return "-pool_used";
	return t_cma_used_kb() >= 0 ? "-CMA used" : "CmaFree";
}

/* How far held_base() may drift with nothing of ours changing. */
static long held_slack_kb(bool pooled)
{
	return pooled || t_cma_used_kb() >= 0 ? 0 : 512;
}

static void pipe_pin(size_t len, bool pooled)
{
	size_t got = 0;
	long base, now, kb = (long)(len >> 10);
	struct cma_mem_alloc a;
	unsigned char *p, *back;
	int fd, pfd[2];
	char state[64];

	base = held_base(pooled);
	fd = t_open();
	ALLOC(fd, len, pooled ? CMA_MEM_FROM_POOL : CMA_MEM_FROM_CMA, NULL, &a);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 0x919e);
	if (pipe(pfd))
		DIE("pipe: %s", strerror(errno));
	if (fcntl(pfd[0], F_SETPIPE_SZ, (int)len) < (int)len)
		DIE("F_SETPIPE_SZ %zu: %s", len, strerror(errno));
	{
		struct iovec iov = { p, len };
		ssize_t n = vmsplice(pfd[1], &iov, 1, 0);

		if (n != (ssize_t)len)
			DIE("vmsplice %zu bytes: %zd (%s)", len, n,
			    n < 0 ? strerror(errno) : "short");
	}
	munmap(p, len);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);

	t_debugfs_state(a.id, state, sizeof(state));
	EXPECT_TRUE(!strcmp(state, "freed-pinned"),
		    "buffer %u freed while a pipe holds its pages: state \"%s\", expected \"freed-pinned\"",
		    a.id, state);
	now = held_base(pooled);
	EXPECT_TRUE(base - now >= kb - held_slack_kb(pooled),
		    "%s %ld kB while the pipe holds the freed buffer, %ld kB before it was allocated: the %ld kB went back",
		    held_name(pooled), now, base, kb);

	back = malloc(len);
	if (!back)
		DIE("malloc");
	while (got < len) {
		ssize_t r = read(pfd[0], back + got, len - got);

		if (r <= 0)
			DIE("read from the pipe: %s", strerror(errno));
		got += (size_t)r;
	}
	EXPECT_TRUE(t_check_pattern(back, len, 0x919e) < 0,
		    "the pipe's bytes of the freed buffer differ at %ld",
		    t_check_pattern(back, len, 0x919e));
	close(pfd[0]);
	close(pfd[1]);
	free(back);

	EXPECT_TRUE(t_wait_unlisted(a.id, 10),
		    "buffer %u still listed 10 s after the pipe let go", a.id);
	now = held_base(pooled);
	EXPECT_TRUE(labs(base - now) <= held_slack_kb(pooled),
		    "%s %ld kB after the pipe let go, %ld kB before",
		    held_name(pooled), now, base);
	printf("%s: %zu bytes freed-pinned while in a pipe, back to %s after\n",
	       pooled ? "pool-pin" : "pipe-pin", len, pooled ? "the pool" : "CMA");
}

static void t_pipe_pin(int argc, char **argv)
{
	(void)argc;
	pipe_pin(strtoull(argv[0], NULL, 0), false);
}

static void t_pool_pin(int argc, char **argv)
{
	(void)argc;
	pipe_pin(strtoull(argv[0], NULL, 0), true);
}

static char *pin_file;

/*
 * The io_uring half of uring-pin: register, free, check, do I/O into and
 * out of the freed buffer, unregister, check it goes.
 */
static void uring_pin_child(void *arg)
{
	size_t len = *(size_t *)arg;
	struct io_uring ring = zc_ring();
	struct io_uring_sqe *sqe;
	struct cma_mem_alloc a;
	unsigned char *p;
	char state[64];
	int fd, file, ret;

	fd = t_open();
	ALLOC(fd, len, 0, NULL, &a);
	MAP(fd, len, a.mmap_offset, &p);
	t_pattern(p, len, 0x1f1f);
	{
		struct iovec iov = { p, len };

		ret = io_uring_register_buffers(&ring, &iov, 1);
	}
	if (ret) {
		printf("IORING_REGISTER_BUFFERS: %s\n", t_errname(ret));
		munmap(p, len);
		REQUIRE_OK(t_free(fd, a.id));
		return;
	}
	munmap(p, len);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
	t_debugfs_state(a.id, state, sizeof(state));
	EXPECT_TRUE(!strcmp(state, "freed-pinned"),
		    "buffer %u freed while io_uring holds it: state \"%s\", expected \"freed-pinned\"",
		    a.id, state);

	/* The registered pages are still the buffer's: write them out, read
	 * them back in. */
	file = open_file(pin_file, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write_fixed(sqe, file, p, (unsigned int)len, 0, 0);
	ret = zc_submit(&ring);
	EXPECT_TRUE(ret == (int)len, "WRITE_FIXED from the freed buffer: %d",
		    ret);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read_fixed(sqe, file, p, (unsigned int)len, 0, 0);
	ret = zc_submit(&ring);
	EXPECT_TRUE(ret == (int)len, "READ_FIXED into the freed buffer: %d",
		    ret);
	close(file);
	{
		unsigned char *back = malloc(len);
		int f = open_file(pin_file, O_RDONLY);

		if (!back || pread(f, back, len, 0) != (ssize_t)len)
			DIE("read back %s", pin_file);
		EXPECT_TRUE(t_check_pattern(back, len, 0x1f1f) < 0,
			    "the freed, registered buffer's bytes differ at %ld",
			    t_check_pattern(back, len, 0x1f1f));
		close(f);
		free(back);
	}
	t_debugfs_state(a.id, state, sizeof(state));
	EXPECT_TRUE(!strcmp(state, "freed-pinned"),
		    "after I/O through the registration: state \"%s\"", state);
	io_uring_unregister_buffers(&ring);
	io_uring_queue_exit(&ring);
	EXPECT_TRUE(t_wait_unlisted(a.id, 10),
		    "buffer %u still listed 10 s after io_uring let go", a.id);
	printf("IORING_REGISTER_BUFFERS: registered; freed-pinned until unregistered, then gone\n");
}

/* uring-pin SIZE FILE */
static void t_uring_pin(int argc, char **argv)
{
	size_t len = strtoull(argv[0], NULL, 0);
	char why[128];
	int ret;

	(void)argc;
	pin_file = argv[1];
	ret = bounded(uring_pin_child, &len, why, sizeof(why));
	if (ret < 0)
		printf("IORING_REGISTER_BUFFERS: did not return within %d ms (%s); killed\n",
		       PIN_DEADLINE_MS, why);
	else if (ret)
		FAIL("the io_uring child exited with %d", ret);
}

static void userptr_child(void *arg)
{
	struct zc_buf *b = arg;
	struct vivid v;
	int ret;

	vivid_open(&v);
	vivid_reqbufs(&v, V4L2_MEMORY_USERPTR, 1);
	ret = vivid_qbuf(&v, 0, -1, b->p, b->info.size);
	if (ret) {
		printf("QBUF USERPTR: %s\n", t_errname(ret));
		return;
	}
	vivid_stream(&v, true);
	vivid_dqbuf(&v, NULL);
	vivid_stream(&v, false);
	vivid_reqbufs(&v, V4L2_MEMORY_USERPTR, 0);
	close(v.fd);
	{
		struct vivid m;
		void *ref;

		vivid_open(&m);
		ref = malloc(m.sizeimage);
		if (!ref)
			DIE("malloc");
		vivid_mmap_frame(&m, ref);
		EXPECT_TRUE(!memcmp(ref, b->p, m.sizeimage),
			    "the USERPTR frame differs from the MMAP frame");
		close(m.fd);
		free(ref);
	}
	printf("QBUF USERPTR: captured; the frame is the MMAP frame\n");
}

/* userptr NAME */
static void t_userptr(int argc, char **argv)
{
	struct zc_buf b;
	char why[128];
	int ret;

	(void)argc;
	zc_attach(argv[0], &b);
	ret = bounded(userptr_child, &b, why, sizeof(why));
	if (ret < 0)
		printf("QBUF USERPTR: did not return within %d ms (%s); killed\n",
		       PIN_DEADLINE_MS, why);
	else if (ret)
		FAIL("the USERPTR child exited with %d", ret);
	zc_detach(&b);
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Touch one word per page, writing. */
static void touch(volatile unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += (size_t)t_pg)
		p[i] = 1;
}

/* A dma-heap buffer of @len, or -errno. */
static int heap_alloc(size_t len)
{
	struct dma_heap_allocation_data d = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/reserved", O_RDWR | O_CLOEXEC), ret;

	if (heap < 0)
		DIE("open /dev/dma_heap/reserved: %s", strerror(errno));
	ret = t_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d);
	close(heap);
	return ret ? ret : (int)d.fd;
}

/*
 * faults SIZE: a cmamem mapping is whole at mmap time, so its first touch
 * takes no page fault; the CMA dma-heap's takes one per page.
 */
static void t_faults(int argc, char **argv)
{
	size_t len = strtoull(argv[0], NULL, 0), pages = len / (size_t)t_pg;
	static const uint32_t modes[] = { CMA_MEM_CACHE_WC,
					  CMA_MEM_CACHE_CACHED };
	int fd = t_open(), hfd;
	unsigned int m;
	long f0, cm[2], hp;
	void *p;

	(void)argc;
	for (m = 0; m < 2; m++) {
		struct cma_mem_alloc a;

		ALLOC(fd, len, modes[m], NULL, &a);
		MAP(fd, len, a.mmap_offset, &p);
		f0 = minflt();
		touch(p, len);
		cm[m] = minflt() - f0;
		EXPECT_TRUE(cm[m] == 0,
			    "first touch of a %zu-page cmamem mapping (cache mode %u) took %ld page faults, expected 0",
			    pages, modes[m], cm[m]);
		munmap(p, len);
		REQUIRE_OK(t_free(fd, a.id));
	}
	hfd = heap_alloc(len);
	if (hfd < 0)
		DIE("DMA_HEAP_IOCTL_ALLOC %zu: %s", len, t_errname(hfd));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
	if (p == MAP_FAILED)
		DIE("mmap dma-heap buffer: %s", strerror(errno));
	f0 = minflt();
	touch(p, len);
	hp = minflt() - f0;
	EXPECT_TRUE(hp >= (long)pages,
		    "first touch of a %zu-page dma-heap mapping took %ld page faults, expected one per page",
		    pages, hp);
	munmap(p, len);
	close(hfd);
	close(fd);
	printf("faults on first touch of %zu pages: cmamem wc %ld, cached %ld; dma-heap %ld\n",
	       pages, cm[0], cm[1], hp);
}

/* timing SIZE: alloc, mmap and first-touch times, 3 runs each. */
static void t_timing(int argc, char **argv)
{
	size_t len = strtoull(argv[0], NULL, 0);
	int fd = t_open(), run;

	(void)argc;
	for (run = 0; run < 3; run++) {
		static const uint32_t modes[] = { CMA_MEM_CACHE_WC,
						  CMA_MEM_CACHE_CACHED };
		double t0, t1, t2, t3;
		unsigned int m;
		void *p;
		int hfd;

		for (m = 0; m < 2; m++) {
			struct cma_mem_alloc a;

			t0 = now_ms();
			ALLOC(fd, len, modes[m], NULL, &a);
			t1 = now_ms();
			MAP(fd, len, a.mmap_offset, &p);
			t2 = now_ms();
			touch(p, len);
			t3 = now_ms();
			printf("cmamem-%s alloc %.1f mmap %.2f touch %.2f ms\n",
			       m ? "cached" : "wc", t1 - t0, t2 - t1, t3 - t2);
			munmap(p, len);
			REQUIRE_OK(t_free(fd, a.id));
		}
		t0 = now_ms();
		hfd = heap_alloc(len);
		t1 = now_ms();
		if (hfd < 0)
			DIE("DMA_HEAP_IOCTL_ALLOC: %s", t_errname(hfd));
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
		t2 = now_ms();
		touch(p, len);
		t3 = now_ms();
		printf("dma-heap alloc %.1f mmap %.2f touch %.2f ms\n",
		       t1 - t0, t2 - t1, t3 - t2);
		munmap(p, len);
		close(hfd);
		t1 = now_ms();
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		t2 = now_ms();
		touch(p, len);
		t3 = now_ms();
		printf("anonymous mmap %.2f touch %.2f ms\n", t2 - t1, t3 - t2);
		munmap(p, len);
	}
	close(fd);
}

static const struct t_subtest tests[] = {
	{ "odirect", t_odirect, 3, "NAME IN OUT" },
	{ "uring", t_uring, 3, "NAME IN OUT" },
	{ "uring-fixed", t_uring_fixed, 3, "NAME IN OUT" },
	{ "vmsplice", t_vmsplice, 1, "NAME" },
	{ "pipe-pin", t_pipe_pin, 1, "SIZE" },
	{ "pool-pin", t_pool_pin, 1, "SIZE" },
	{ "uring-pin", t_uring_pin, 2, "SIZE FILE" },
	{ "userptr", t_userptr, 1, "NAME" },
	{ "faults", t_faults, 1, "SIZE" },
	{ "timing", t_timing, 1, "SIZE" },
};

T_MAIN(tests)
