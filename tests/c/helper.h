/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the device test programs in tests/c: raw ioctls that return
 * -errno, checks that count failures and say precisely what went wrong on
 * stderr, the debugfs table, CmaFree and the module's refcount, steps for
 * forked children, and a table of named subtests selected on the command
 * line:
 *
 *   PROG SUBTEST [ARGS...]    run one subtest
 *   PROG all                  run every subtest that takes no arguments
 *   PROG --list               print the subtests
 *
 * Exit status: 0 when every check held, 1 when one failed (each failure is
 * one line on stderr: "PROG SUBTEST: file:line: what: got X, expected Y"),
 * 2 for a usage error or a setup step that failed (the device did not open).
 */
#ifndef CMAMEM_TESTS_HELPER_H
#define CMAMEM_TESTS_HELPER_H

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef T_NO_UAPI
#include "../../include/uapi/linux/cma_mem.h"
#endif

/* Each program uses some of what follows. */
#pragma GCC diagnostic ignored "-Wunused-function"

static const char *t_prog = "test";
static const char *t_sub = "-";
static int t_failures;
static long t_pg;

#define DEBUGFS_BUFFERS "/sys/kernel/debug/cma_mem/buffers"

static const char *t_errname(int e)
{
	static char buf[32];

	if (e < 0)
		e = -e;
	switch (e) {
	case 0: return "0 (success)";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTTY: return "ENOTTY";
	case ERANGE: return "ERANGE";
	case EAGAIN: return "EAGAIN";
	case E2BIG: return "E2BIG";
	case EOVERFLOW: return "EOVERFLOW";
	case EDQUOT: return "EDQUOT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOSYS: return "ENOSYS";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

static void t_vreport(const char *file, int line, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s%s%s: %s:%d: ", t_prog, *t_sub ? " " : "", t_sub,
		file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* A failed check: count it and say what happened. */
static void __attribute__((format(printf, 3, 4)))
t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t_failures++;
	va_start(ap, fmt);
	t_vreport(file, line, fmt, ap);
	va_end(ap);
}

/* A step the rest of the subtest depends on failed: stop here. */
static void __attribute__((format(printf, 3, 4), noreturn))
t_die(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t_vreport(file, line, fmt, ap);
	va_end(ap);
	exit(1);
}

#define FAIL(...) t_fail(__FILE__, __LINE__, __VA_ARGS__)
#define DIE(...) t_die(__FILE__, __LINE__, __VA_ARGS__)

/* EXPECT_ERR(call returning -errno or 0, wanted -errno or 0) */
#define EXPECT_ERR(expr, want)                                              \
	({                                                                  \
		int _got = (expr), _want = (want);                          \
		if (_got != _want)                                          \
			FAIL("%s: got %s, expected %s", #expr,              \
			     t_errname(_got), t_errname(_want));            \
		_got == _want;                                              \
	})

/* REQUIRE_OK: a call that must succeed for the subtest to go on. */
#define REQUIRE_OK(expr)                                                    \
	do {                                                                \
		int _got = (expr);                                          \
		if (_got)                                                   \
			DIE("%s: got %s, expected success", #expr,          \
			    t_errname(_got));                               \
	} while (0)

#define EXPECT_EQ(a, b)                                                     \
	({                                                                  \
		unsigned long long _a = (a), _b = (b);                      \
		if (_a != _b)                                               \
			FAIL("%s is %llu (%#llx), expected %s = %llu (%#llx)", \
			     #a, _a, _a, #b, _b, _b);                       \
		_a == _b;                                                   \
	})

/* EXPECT_TRUE(cond, printf-style message saying what went wrong) */
#define EXPECT_TRUE(cond, ...)                                              \
	({                                                                  \
		bool _c = (cond);                                           \
		if (!_c)                                                    \
			FAIL(__VA_ARGS__);                                  \
		_c;                                                         \
	})

static int t_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static const char *t_device(void)
{
	const char *dev = getenv("CMAMEM_DEV");

	return dev && *dev ? dev : "/dev/cma_mem";
}

static int t_open(void)
{
	int fd = open(t_device(), O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "%s %s: open %s: %s\n", t_prog, t_sub,
			t_device(), strerror(errno));
		exit(2);
	}
	return fd;
}

#ifndef T_NO_UAPI
/* ALLOC in @region with the given fields; -errno or 0. */
static int t_alloc_in(int fd, uint32_t region, uint64_t size, uint32_t flags,
		      const char *name, struct cma_mem_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
	a->flags = flags;
	a->region = region;
	if (name)
		memcpy(a->name, name, strnlen(name, sizeof(a->name)));
	return t_ioctl(fd, CMA_MEM_IOC_ALLOC, a);
}

/* ALLOC in the default region; -errno or 0. */
static int t_alloc(int fd, uint64_t size, uint32_t flags, const char *name,
		   struct cma_mem_alloc *a)
{
	return t_alloc_in(fd, CMA_MEM_REGION_DEFAULT, size, flags, name, a);
}

/* ALLOC that must succeed. */
#define ALLOC(fd, size, flags, name, a)                                     \
	REQUIRE_OK(t_alloc((fd), (size), (flags), (name), (a)))

static int t_info(int fd, uint32_t id, struct cma_mem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = id;
	return t_ioctl(fd, CMA_MEM_IOC_INFO, info);
}

static int t_attach(int fd, uint32_t id, const char *name,
		    struct cma_mem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = id;
	if (name)
		memcpy(info->name, name, strnlen(name, sizeof(info->name)));
	return t_ioctl(fd, CMA_MEM_IOC_ATTACH, info);
}

static int t_free(int fd, uint32_t id)
{
	struct cma_mem_free f = { .id = id };

	return t_ioctl(fd, CMA_MEM_IOC_FREE, &f);
}

static int t_sync(int fd, uint32_t id, uint32_t flags, uint64_t offset,
		  uint64_t length)
{
	struct cma_mem_sync s = {
		.id = id, .flags = flags, .offset = offset, .length = length,
	};

	return t_ioctl(fd, CMA_MEM_IOC_SYNC, &s);
}

/* EXPORT: the dma-buf fd, or -errno. */
static int t_export(int fd, uint32_t id, uint32_t flags)
{
	struct cma_mem_export e = { .id = id, .flags = flags };
	int ret = t_ioctl(fd, CMA_MEM_IOC_EXPORT, &e);

	return ret ? ret : e.fd;
}

/* A cache mode by its CLI name, or exit 2. */
static uint32_t t_parse_cache(const char *s)
{
	if (!strcmp(s, "wc"))
		return CMA_MEM_CACHE_WC;
	if (!strcmp(s, "uncached"))
		return CMA_MEM_CACHE_UNCACHED;
	if (!strcmp(s, "cached"))
		return CMA_MEM_CACHE_CACHED;
	fprintf(stderr, "%s: cache mode '%s' is not wc, uncached or cached\n",
		t_prog, s);
	exit(2);
}

/* The mappings count INFO reports, or -errno. */
static long t_mappings(int fd, uint32_t id)
{
	struct cma_mem_info info;
	int ret = t_info(fd, id, &info);

	return ret ? ret : (long)info.mappings;
}

#endif /* T_NO_UAPI */

/*
 * The original driver's CMEM_ALLOCATE and its argument, in the native
 * layout (src/kmod/legacy.c), for the programs that poke at the legacy ABI
 * among others; legacy-abi.c has its own, from the old header alone.
 */
#define T_CMEM_MAGIC 'm'
#define T_CMEM_ALLOCATE _IOW(T_CMEM_MAGIC, 5, unsigned int)
struct t_legacy_info {
	char *name;
	char is_cache;
	unsigned long id;
	unsigned long offset;
	unsigned long len;
	unsigned long phy_base;
	unsigned long mem_base;
};

/* mmap returning -errno, the address in *addr. */
static int t_mmap(int fd, size_t len, int prot, int flags, uint64_t offset,
		  void **addr)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)offset);

	if (p == MAP_FAILED) {
		*addr = NULL;
		return -errno;
	}
	*addr = p;
	return 0;
}

#define MAP(fd, len, offset, addr)                                          \
	REQUIRE_OK(t_mmap((fd), (len), PROT_READ | PROT_WRITE, MAP_SHARED,  \
			  (offset), (void **)(addr)))

/* Bytes, or with a K, M or G suffix; exit 2 for anything else or 0. */
static uint64_t t_parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	}
	if (*end || !v) {
		fprintf(stderr, "%s: bad size '%s'\n", t_prog, s);
		exit(2);
	}
	return v;
}

#define T_REGIONS "/sys/class/misc/cma_mem/regions"

/*
 * File @file of region @name's sysfs directory (cma_mem(4), REGIONS) as a
 * number (decimal, or hex with 0x: base); exit 2 where the region or the
 * file does not exist.
 */
static uint64_t t_region_u64(const char *name, const char *file)
{
	char path[256], text[32] = "", *end;
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), T_REGIONS "/%s/%s", name, file);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s %s: %s: %s\n", t_prog, t_sub, path,
			strerror(errno));
		exit(2);
	}
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	v = strtoull(text, &end, 0);
	if (end == text || *end != '\n') {
		fprintf(stderr, "%s %s: %s: \"%s\" is not a number\n", t_prog,
			t_sub, path, text);
		exit(2);
	}
	return v;
}

/* Lines of the debugfs buffer table after its header, or -1. */
static int t_debugfs_count(void)
{
	FILE *f = fopen(DEBUGFS_BUFFERS, "r");
	char line[512];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/*
 * Column @col (1-based; 0 for the last) of buffer @id's line in the debugfs
 * table, copied into @out; "" when the id has no line.
 */
static void t_debugfs_field(uint32_t id, int col, char *out, size_t len)
{
	FILE *f = fopen(DEBUGFS_BUFFERS, "r");
	char line[512];

	*out = '\0';
	if (!f)
		DIE("open %s: %s", DEBUGFS_BUFFERS, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		DIE("%s has no header", DEBUGFS_BUFFERS);
	while (fgets(line, sizeof(line), f)) {
		char *word, *save = NULL, *found = NULL;
		int i = 0;

		if (strtoul(line, NULL, 10) != id)
			continue;
		for (word = strtok_r(line, " \n", &save); word;
		     word = strtok_r(NULL, " \n", &save))
			if (++i == col || !col)
				found = word;
		if (found && col >= 0 && (!col || i >= col)) {
			if (strlen(found) >= len)
				found[len - 1] = '\0';
			strcpy(out, found);
		}
		break;
	}
	fclose(f);
}

/* The state column (the 16th) of buffer @id, "" when it has no line. */
static void t_debugfs_state(uint32_t id, char *state, size_t len)
{
	t_debugfs_field(id, 16, state, len);
}

/* Wait, bounded, for buffer @id to leave the debugfs table (the driver
 * retries freeing pinned memory once a second). */
static bool t_wait_unlisted(uint32_t id, int seconds)
{
	struct timespec ts;
	char s[64];
	time_t end;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec + seconds;
	for (;;) {
		struct pollfd none;

		t_debugfs_state(id, s, sizeof(s));
		if (!s[0])
			return true;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec > end)
			return false;
		poll(&none, 0, 50);
	}
}

#define EXPECT_STATE(id, want)                                              \
	do {                                                                \
		char _s[64];                                                \
		t_debugfs_state((id), _s, sizeof(_s));                      \
		if (strcmp(_s, (want)))                                     \
			FAIL("debugfs state of buffer %u is \"%s\", expected \"%s\"", \
			     (unsigned int)(id), _s, (want));               \
	} while (0)

/* Field @key of /proc/meminfo, in kB; -1 when the kernel has no such field. */
static long t_meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t n = strlen(key);
	char line[256];
	long kb = -1;

	if (!f)
		DIE("open /proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* CmaFree from /proc/meminfo, in kB. */
static long t_cma_free_kb(void)
{
	long kb = t_meminfo_kb("CmaFree");

	if (kb < 0)
		DIE("no CmaFree in /proc/meminfo");
	return kb;
}

/*
 * What the CMA areas have handed out, in kB: debugfs's cma/<area>/used
 * (pages), summed. Exact, unlike CmaFree, which also moves with the page
 * cache and anonymous memory that land in CMA's pageblocks (a 4M check
 * once saw CmaFree 892 kB off with nothing of ours held). -1 where the
 * kernel does not count them (no CONFIG_CMA_DEBUGFS).
 */
static long t_cma_used_kb(void)
{
	long pages = 0, kb;
	glob_t g;
	size_t i;

	if (glob("/sys/kernel/debug/cma/*/used", 0, NULL, &g))
		return -1;
	for (i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		long n = -1;

		if (!f || fscanf(f, "%ld", &n) != 1 || n < 0)
			DIE("read %s: %s", g.gl_pathv[i], f ? "not a number" : strerror(errno));
		fclose(f);
		pages += n;
	}
	globfree(&g);
	kb = pages * (sysconf(_SC_PAGESIZE) >> 10);
	return kb;
}

#ifndef T_NO_UAPI
/*
 * CmaFree with the per-cpu page lists drained, as cma_free_kb in
 * common.bash reads it: freed pages wait there uncounted until something
 * drains them, and a two-page CMA allocation (alloc_contig_range()) does.
 */
static long t_cma_free_settled_kb(void)
{
	struct cma_mem_alloc a;
	int fd = t_open();

	/* From CMA: a pooled allocation would drain nothing. */
	ALLOC(fd, 8192, CMA_MEM_FROM_CMA, NULL, &a);
	REQUIRE_OK(t_free(fd, a.id));
	close(fd);
	return t_cma_free_kb();
}
#endif

/* Whether /sys/kernel/debug/dma_buf/bufinfo has a line naming both words. */
static bool t_in_bufinfo(const char *a, const char *b)
{
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "r");
	char line[512];
	bool found = false;

	if (!f)
		DIE("/sys/kernel/debug/dma_buf/bufinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (strstr(line, a) && strstr(line, b))
			found = true;
	fclose(f);
	return found;
}

/* The module's reference count: each open file, mapping and export pins it. */
static int t_module_refcnt(void)
{
	FILE *f = fopen("/sys/module/cma_mem/refcnt", "r");
	int n = -1;

	if (!f)
		DIE("/sys/module/cma_mem/refcnt: %s", strerror(errno));
	if (fscanf(f, "%d", &n) != 1)
		DIE("/sys/module/cma_mem/refcnt: unreadable");
	fclose(f);
	return n;
}

/* The lowest free fd, the one the next open() gets: a leaked fd moves it. */
static int t_lowest_fd(void)
{
	int fd = dup(0);

	if (fd < 0)
		DIE("dup: %s", strerror(errno));
	close(fd);
	return fd;
}

/* One byte over a pipe, to step a forked child and its parent in turn. */
static void t_send(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		DIE("pipe write: %s", strerror(errno));
}

static char t_recv(int fd)
{
	char c = 0;

	if (read(fd, &c, 1) != 1)
		DIE("pipe read: nothing (the other process died?)");
	return c;
}

/* A file descriptor over a unix socket (SCM_RIGHTS), and its receipt. */
static void t_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		DIE("sendmsg: %s", strerror(errno));
}

static int t_recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		DIE("recvmsg: %s", strerror(errno));
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		DIE("no fd came");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* Wait for child @pid; a failure unless it exited with status 0. */
static void t_reap(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		DIE("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("%s: child exited with status %#x", what, st);
}

/* Word @i (the 8 bytes at 8 * @i) of a buffer filled by t_pattern(). */
static inline uint64_t t_word(uint64_t seed, uint64_t i)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ seed;
}

static void t_pattern(void *p, size_t len, uint64_t seed)
{
	uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = t_word(seed, i);
}

/* Offset of the first word that differs from t_pattern(seed), or -1. */
static long t_check_pattern(const void *p, size_t len, uint64_t seed)
{
	const volatile uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != t_word(seed, i))
			return (long)(i * 8);
	return -1;
}

/* Offset of the first non-zero word, or -1. */
static long t_check_zero(const void *p, size_t len)
{
	const volatile uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i])
			return (long)(i * 8);
	return -1;
}

struct t_subtest {
	const char *name;
	void (*fn)(int argc, char **argv);
	int nargs; /* arguments it needs; "all" runs those needing none */
	const char *usage;
};

static int t_main(const struct t_subtest *tests, size_t n, int argc,
		  char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	size_t i;
	int ran = 0;

	t_prog = slash ? slash + 1 : argv[0];
	t_pg = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: %s SUBTEST [ARGS...] | all | --list\n",
			t_prog);
		return 2;
	}
	if (!strcmp(argv[1], "--list")) {
		for (i = 0; i < n; i++)
			printf("%-22s %s\n", tests[i].name, tests[i].usage);
		return 0;
	}
	for (i = 0; i < n; i++) {
		bool all = !strcmp(argv[1], "all");

		if (!all && strcmp(argv[1], tests[i].name))
			continue;
		if (all && tests[i].nargs)
			continue;
		if (!all && argc - 2 < tests[i].nargs) {
			fprintf(stderr, "usage: %s %s %s\n", t_prog,
				tests[i].name, tests[i].usage);
			return 2;
		}
		t_sub = tests[i].name;
		tests[i].fn(argc - 2, argv + 2);
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "%s: no subtest '%s' (see --list)\n", t_prog,
			argv[1]);
		return 2;
	}
	if (t_failures)
		fprintf(stderr, "%s: %d check(s) failed\n", t_prog, t_failures);
	return t_failures ? 1 : 0;
}

#define T_MAIN(tests)                                                       \
	int main(int argc, char **argv)                                     \
	{                                                                   \
		return t_main(tests, sizeof(tests) / sizeof(tests[0]),      \
			      argc, argv);                                  \
	}

#endif /* CMAMEM_TESTS_HELPER_H */
