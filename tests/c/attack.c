// SPDX-License-Identifier: GPL-2.0
/*
 * attack: what an unprivileged user tries against other users' buffers and
 * against the machine (tests/bats/attack.bats runs it):
 *
 *   attack guess MY_IDS VICTIM_IDS NAMES  (as the attacker) every id from
 *       64 below the victims' to 64 past them, every name given, every mmap page
 *       offset up to 1 MiB past the attacker's own buffers (the victims
 *       must have been made before them, lower): nothing but the attacker's own
 *       buffers (MY_IDS, comma-separated) can be looked at, attached, freed,
 *       synced, exported or mapped; VICTIM_IDS (comma-separated) answer
 *       exactly as ids of no buffer (ENOENT), their names too, their mmap
 *       offsets as offsets of no buffer (EINVAL)
 *   attack pagemap   (unprivileged) ALLOC, INFO and the legacy ALLOC report
 *       no DMA address, and /proc/self/pagemap shows a mapped buffer's
 *       pages present with their PFNs zeroed
 *   attack scm-quota UID_A UID_B   (as root) UID_A fills its quota with one
 *       buffer, exports it and passes the dma-buf over a unix socket to
 *       UID_B, then frees the buffer and closes everything: the memory
 *       still counts against UID_A (EDQUOT, used_bytes) until UID_B closes
 *       the last fd; UID_B's own quota is untouched. The caller sets
 *       max_bytes_per_uid to QUOTA_BYTES first.
 *
 * See helper.h for the exit status.
 */
#include <grp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "helper.h"

#define QUOTA_BYTES (64 * 1024)
#define USED_BYTES "/sys/class/misc/cma_mem/used_bytes"


/* Parse "1,2,3" into @ids; the count. */
static int parse_ids(const char *s, uint32_t *ids, int max)
{
	char *end;
	int n = 0;

	while (*s && n < max) {
		ids[n++] = strtoul(s, &end, 0);
		s = *end == ',' ? end + 1 : end;
		if (end == s && *s)
			DIE("bad id list at '%s'", s);
	}
	return n;
}

static bool in_list(uint32_t id, const uint32_t *ids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void sub_guess(int argc, char **argv)
{
	uint32_t mine[64], victims[64], id, max = 0, min = UINT32_MAX;
	int nmine = parse_ids(argv[0], mine, 64);
	int nvict = parse_ids(argv[1], victims, 64);
	int fd = t_open(), want, i;
	struct cma_mem_export e;
	struct cma_mem_info info;
	char names[512], *name, *save = NULL;
	uint64_t pgoff, max_pgoff = 0, own_start[64], own_end[64];
	void *p;

	(void)argc;
	if (!nvict)
		DIE("no victim ids");
	for (i = 0; i < nvict; i++) {
		if (victims[i] > max)
			max = victims[i];
		if (victims[i] < min)
			min = victims[i];
		if (in_list(victims[i], mine, nmine))
			DIE("victim %u is in my own list", victims[i]);
	}
	/*
	 * The ids around the victims' (ids are handed out in increasing order):
	 * a victim's answers exactly as no buffer does, ENOENT, so that other
	 * users' ids cannot be told from free ones.
	 */
	for (id = min > 64 ? min - 64 : 1; id <= max + 64; id++) {
		if (in_list(id, mine, nmine))
			continue;
		want = -ENOENT;
		EXPECT_ERR(t_info(fd, id, &info), want);
		EXPECT_ERR(t_attach(fd, id, NULL, &info), want);
		EXPECT_ERR(t_sync(fd, id, CMA_MEM_SYNC_FOR_CPU, 0, 0), want);
		EXPECT_ERR(t_sync(fd, id, CMA_MEM_SYNC_FOR_DEVICE, 0, 0), want);
		memset(&e, 0, sizeof(e));
		e.id = id;
		e.flags = O_RDWR;
		EXPECT_ERR(t_ioctl(fd, CMA_MEM_IOC_EXPORT, &e), want);
		EXPECT_ERR(t_free(fd, id), want);
	}
	/* The names: the same by name (ATTACH is the only lookup by name). */
	snprintf(names, sizeof(names), "%s", argv[2]);
	for (name = strtok_r(names, ",", &save); name;
	     name = strtok_r(NULL, ",", &save))
		EXPECT_ERR(t_attach(fd, 0, name, &info), -ENOENT);
	/*
	 * The mmap offsets: find the victims' ranges as root would, from the
	 * lowest page on; each page of them, and past them, maps nothing, and
	 * answers as a page of no buffer (EINVAL). Only the attacker's own
	 * buffers, which this file holds no handle to, answer EACCES.
	 * Offset 0 is this file's legacy buffer: it has none.
	 */
	for (i = 0; i < nmine; i++) {
		REQUIRE_OK(t_info(fd, mine[i], &info));
		own_start[i] = info.mmap_offset / t_pg;
		own_end[i] = own_start[i] + info.size / t_pg;
		if (own_end[i] > max_pgoff)
			max_pgoff = own_end[i];
	}
	/* The victims came first, so below; and 1 MiB past, to be sure. */
	max_pgoff += 256;
	for (pgoff = 0; pgoff < max_pgoff; pgoff++) {
		int ret = t_mmap(fd, t_pg, PROT_READ, MAP_SHARED,
				 pgoff * t_pg, &p);

		want = -EINVAL;
		for (i = 0; i < nmine; i++)
			if (pgoff >= own_start[i] && pgoff < own_end[i])
				want = -EACCES;
		if (!ret) {
			FAIL("mmap of page offset %#llx worked: %#llx",
			     (unsigned long long)pgoff,
			     (unsigned long long)*(volatile uint64_t *)p);
			munmap(p, t_pg);
		} else if (ret != want) {
			FAIL("mmap of page offset %#llx: %s, expected %s",
			     (unsigned long long)pgoff, t_errname(ret),
			     t_errname(want));
		}
	}
	close(fd);
}

/* The PFN field (bits 0-54) of @addr's /proc/self/pagemap entry. */
static uint64_t pagemap_entry(int pm, const void *addr)
{
	uint64_t e;

	if (pread(pm, &e, sizeof(e), (uintptr_t)addr / t_pg * sizeof(e)) !=
	    sizeof(e))
		DIE("read /proc/self/pagemap: %s", strerror(errno));
	return e;
}

static void sub_pagemap(int argc, char **argv)
{
	int fd = t_open(), pm, mode;
	struct cma_mem_alloc a;
	struct cma_mem_info info;
	struct t_legacy_info li = { .len = 2 * t_pg };
	long i;
	char *p;

	(void)argc, (void)argv;
	if (!getuid())
		DIE("run this as an unprivileged uid");
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		DIE("open /proc/self/pagemap: %s", strerror(errno));
	for (mode = 0; mode < 3; mode++) {
		ALLOC(fd, 4 * t_pg, mode, NULL, &a);
		EXPECT_EQ(a.dma_addr, 0);
		REQUIRE_OK(t_info(fd, a.id, &info));
		EXPECT_EQ(info.dma_addr, 0);
		MAP(fd, 4 * t_pg, a.mmap_offset, &p);
		for (i = 0; i < 4; i++) {
			uint64_t e;

			p[i * t_pg] = 1;
			e = pagemap_entry(pm, p + i * t_pg);
			EXPECT_TRUE(e >> 63, "page %ld of a cache mode %d buffer is not present in pagemap: %#llx",
				    i, mode, (unsigned long long)e);
			EXPECT_TRUE(!(e & ((1ULL << 55) - 1)),
				    "pagemap shows uid %u the PFN of page %ld of a cache mode %d buffer: %#llx",
				    getuid(), i, mode, (unsigned long long)e);
		}
		munmap(p, 4 * t_pg);
		REQUIRE_OK(t_free(fd, a.id));
	}
	REQUIRE_OK(ioctl(fd, T_CMEM_ALLOCATE, &li) ? -errno : 0);
	EXPECT_EQ(li.phy_base, 0);
	close(pm);
	close(fd);
}

/* Become @uid: no capabilities, no supplementary groups. */
static void become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		DIE("become uid %u: %s", uid, strerror(errno));
}

static long used_bytes(void)
{
	FILE *f = fopen(USED_BYTES, "r");
	long v = -1;

	if (!f || fscanf(f, "%ld", &v) != 1)
		DIE("read %s", USED_BYTES);
	fclose(f);
	return v;
}

/* One byte over @sock, to say a step is done; and wait for one. */
static void say(int sock)
{
	if (write(sock, "s", 1) != 1)
		DIE("write: %s", strerror(errno));
}

static void hear(int sock)
{
	char c;

	if (read(sock, &c, 1) != 1)
		DIE("read: the other side is gone");
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		DIE("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* UID_A's side: fill the quota, export, pass the fd on, let go of it all. */
static void owner(int sock, int to_root)
{
	int fd = t_open(), buf_fd;
	struct cma_mem_export e = { .flags = O_RDWR | O_CLOEXEC };
	struct cma_mem_alloc a, b;
	char *p;

	ALLOC(fd, QUOTA_BYTES, 0, NULL, &a);
	MAP(fd, QUOTA_BYTES, a.mmap_offset, &p);
	t_pattern(p, QUOTA_BYTES, 7);
	munmap(p, QUOTA_BYTES);
	e.id = a.id;
	REQUIRE_OK(t_ioctl(fd, CMA_MEM_IOC_EXPORT, &e));
	buf_fd = e.fd;
	t_send_fd(sock, buf_fd);
	hear(sock); /* B holds it */
	REQUIRE_OK(t_free(fd, a.id));
	close(buf_fd);
	close(fd);
	/* Nothing of A's is left but B's fd: still A's bytes. */
	fd = t_open();
	EXPECT_ERR(t_alloc(fd, t_pg, 0, NULL, &b), -EDQUOT);
	say(to_root); /* root looks at used_bytes */
	hear(to_root);
	say(sock); /* B: let go */
	hear(sock);
	/* The last fd is closed: A's quota is free again. */
	if (EXPECT_ERR(t_alloc(fd, QUOTA_BYTES, 0, NULL, &b), 0))
		REQUIRE_OK(t_free(fd, b.id));
	close(fd);
}

/* UID_B's side: take the fd, read A's data through it, keep it, let go. */
static void holder(int sock)
{
	int buf_fd = t_recv_fd(sock), fd = t_open();
	struct cma_mem_alloc a = { 0 };
	char *p;
	long off;

	p = mmap(NULL, QUOTA_BYTES, PROT_READ, MAP_SHARED, buf_fd, 0);
	if (p == MAP_FAILED)
		DIE("mmap of the passed dma-buf: %s", strerror(errno));
	off = t_check_pattern(p, QUOTA_BYTES, 7);
	EXPECT_TRUE(off < 0, "the passed dma-buf differs at %ld", off);
	say(sock);
	hear(sock);
	/* B's own quota is its own: A's buffer does not count against it. */
	if (EXPECT_ERR(t_alloc(fd, QUOTA_BYTES, 0, NULL, &a), 0))
		REQUIRE_OK(t_free(fd, a.id));
	munmap(p, QUOTA_BYTES);
	close(buf_fd);
	close(fd);
	say(sock);
}

static void sub_scm_quota(int argc, char **argv)
{
	uid_t uid_a = strtoul(argv[0], NULL, 0), uid_b = strtoul(argv[1], NULL, 0);
	int ab[2], root_a[2];
	long used0;
	pid_t pa, pb;

	(void)argc;
	if (getuid())
		DIE("run this as root: it starts both uids");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, ab) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, root_a))
		DIE("socketpair: %s", strerror(errno));
	used0 = used_bytes();
	pa = fork();
	if (!pa) {
		close(ab[1]);
		close(root_a[0]);
		become(uid_a);
		owner(ab[0], root_a[1]);
		exit(t_failures ? 1 : 0);
	}
	pb = fork();
	if (!pb) {
		close(ab[0]);
		close(root_a[0]);
		close(root_a[1]);
		become(uid_b);
		holder(ab[1]);
		exit(t_failures ? 1 : 0);
	}
	close(ab[0]);
	close(ab[1]);
	close(root_a[1]);
	hear(root_a[0]);
	EXPECT_EQ(used_bytes(), used0 + QUOTA_BYTES);
	say(root_a[0]);
	EXPECT_EQ(reap(pa), 0);
	EXPECT_EQ(reap(pb), 0);
	EXPECT_EQ(used_bytes(), used0);
	close(root_a[0]);
}

static const struct t_subtest tests[] = {
	{ "guess", sub_guess, 3, "MY_IDS VICTIM_IDS NAMES  (as the attacker)" },
	{ "pagemap", sub_pagemap, 0, "(unprivileged)" },
	{ "scm-quota", sub_scm_quota, 2, "UID_A UID_B  (as root)" },
};

T_MAIN(tests)
