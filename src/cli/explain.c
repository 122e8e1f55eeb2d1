// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Errors explained. The kernel answers a refused request with a number;
 * the user needs its cause and its fix. So when open, ALLOC or FREE fails,
 * these read what the system shows (the device node's owner and mode, the
 * driver's limits and use in sysfs, its holders table in debugfs, CMA in
 * /proc/meminfo) and print one line that names both. The exit status stays
 * the errno's (exit_for_errno()), whatever could be read: where a file
 * cannot be read, the message says what is known and where to look.
 *
 * $CMAMEM_SYSFS, $CMAMEM_DEBUGFS, $CMAMEM_MEMINFO and $CMAMEM_CMDLINE say
 * where those files are, for the host tests over the fake device
 * (tests/bats/host).
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "debugfs.h"
#include "size.h"

static const char *dir_of(const char *env, const char *dflt)
{
	const char *d = getenv(env);

	return d && *d ? d : dflt;
}

const char *debugfs_dir(void)
{
	return dir_of("CMAMEM_DEBUGFS", "/sys/kernel/debug/cma_mem");
}

const char *sysfs_dir(void)
{
	return dir_of(CMAMEM_SYSFS_ENV, CMAMEM_DEFAULT_SYSFS);
}

const char *meminfo_path(void)
{
	return dir_of("CMAMEM_MEMINFO", "/proc/meminfo");
}

static const char *cmdline_path(void)
{
	return dir_of("CMAMEM_CMDLINE", "/proc/cmdline");
}

/* The CMA areas' debugfs (CONFIG_CMA_DEBUGFS) sits beside cma_mem's. */
void cma_debugfs_dir(char *out, size_t len)
{
	const char *d = debugfs_dir(), *slash = strrchr(d, '/');

	snprintf(out, len, "%.*s/cma", slash ? (int)(slash - d) : 0, d);
}

int read_u64(const char *dir, const char *name, uint64_t *v)
{
	char path[768], line[32], *end;
	unsigned long long x;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	/* Decimal, or hex with 0x (a region's base); no sign, no octal. */
	if (!ok || strchr(line, '-'))
		return -EINVAL;
	errno = 0;
	x = strtoull(line, &end, strstr(line, "0x") ? 16 : 10);
	if (end == line || errno || end[strspn(end, " \t\n")])
		return -EINVAL;
	*v = x;
	return 0;
}

/* --- open --- */

static int in_group_now(gid_t gid)
{
	gid_t groups[256];
	int i, n;

	if (getegid() == gid)
		return 1;
	n = getgroups(sizeof(groups) / sizeof(groups[0]), groups);
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/* In the group database, whether or not this login has the group yet. */
static int in_group_db(const struct passwd *pw, gid_t gid)
{
	gid_t groups[256];
	int i, n = sizeof(groups) / sizeof(groups[0]);

	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/*
 * EACCES opening the node: say whose it is and how to get in. The udev
 * rule (packaging/60-cmamem.rules.in) gives it a group, mode 0660; without
 * it the node is root's.
 */
static int explain_open_perm(int err, const char *path)
{
	const struct passwd *pw = getpwuid(getuid());
	const struct group *gr;
	char user[64], group[64];
	struct stat st;

	if (stat(path, &st))
		return cli_fail(err, "cannot open %s", path);
	gr = getgrgid(st.st_gid);
	if (pw)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "%u", (unsigned int)getuid());
	if (gr)
		snprintf(group, sizeof(group), "%s", gr->gr_name);
	else
		snprintf(group, sizeof(group), "%u", (unsigned int)st.st_gid);

	/* O_RDWR: the group needs both bits, and group root is no way in. */
	if (!st.st_gid || (st.st_mode & (S_IRGRP | S_IWGRP)) != (S_IRGRP | S_IWGRP)) {
		cli_err("cannot open %s: permission denied (the device is root's, mode %04o group %s: run as root, or give it a group with cmamem's udev rule, make install-udev)",
			path, (unsigned int)(st.st_mode & 07777), group);
		return EXIT_PERM;
	}
	if (in_group_now(st.st_gid)) {
		/* The bits let the group in: something else (an ACL, an LSM). */
		return cli_fail(err, "cannot open %s (mode %04o, group %s, which you are in)",
				path, (unsigned int)(st.st_mode & 07777), group);
	}
	if (pw && in_group_db(pw, st.st_gid)) {
		cli_err("cannot open %s: permission denied (the device belongs to group %s; %s is in it, but this login is not yet: log in again, or run newgrp %s)",
			path, group, user, group);
		return EXIT_PERM;
	}
	cli_err("cannot open %s: permission denied (the device belongs to group %s: sudo usermod -aG %s %s, then log in again)",
		path, group, group, user);
	return EXIT_PERM;
}

int explain_open(int err, const char *path)
{
	if (err < 0)
		err = -err;
	/* A missing node is a setup problem, not a missing buffer: exit 1. */
	if (err == ENOENT || err == ENODEV || err == ENXIO) {
		cli_err("cannot open %s: %s (is the cma_mem module loaded?)",
			path, strerror(err));
		return EXIT_FAILED;
	}
	if (err == EACCES || err == EPERM)
		return explain_open_perm(err, path);
	return cli_fail(err, "cannot open %s", path);
}

/* --- ALLOC: ENOSPC, EDQUOT, ENOMEM --- */

/* Say that @name could not be read; the errno's exit status all the same. */
static int unreadable(int err, const char *what, const char *cause,
		      const char *dir, const char *name, int rerr)
{
	cli_err("alloc %s: %s, but %s/%s cannot be read (%s); `cmamem limits` shows the limits",
		what, cause, dir, name, strerror(-rerr));
	return exit_for_errno(err);
}

/* cmamem_charge()'s checks, in its order (src/kmod/limits.c). */
static int over_device_limit(const char *what, uint64_t bytes)
{
	static const char *const names[] = {
		"max_buffer_bytes", "max_buffers", "buffers",
		"max_total_bytes", "used_bytes",
	};
	enum { MAX_BUF, MAX_BUFS, BUFS, MAX_TOTAL, USED, N };
	const char *dir = sysfs_dir();
	uint64_t v[N];
	int i;

	for (i = 0; i < N; i++) {
		int ret = read_u64(dir, names[i], &v[i]);

		if (ret)
			return unreadable(ENOSPC, what,
					  "over a device-wide limit", dir,
					  names[i], ret);
	}
	if (v[MAX_BUF] && bytes > v[MAX_BUF]) {
		cli_err("alloc %s: max_buffer_bytes is %s, the most one buffer may take (root can raise it: cmamem limits --set max_buffer_bytes=%s)",
			what, hs(v[MAX_BUF]).s, hs(bytes).s);
	} else if (v[MAX_BUFS] && v[BUFS] >= v[MAX_BUFS]) {
		cli_err("alloc %s: max_buffers is %" PRIu64 ", %" PRIu64 " in use (free one, or as root: cmamem limits --set max_buffers=%" PRIu64 ")",
			what, v[MAX_BUFS], v[BUFS], v[BUFS] + 1);
	} else if (v[MAX_TOTAL] && (v[USED] > v[MAX_TOTAL] ||
				    bytes > v[MAX_TOTAL] - v[USED])) {
		cli_err("alloc %s: max_total_bytes is %s, %s in use (free buffers, or as root: cmamem limits --set max_total_bytes=%s)",
			what, hs(v[MAX_TOTAL]).s, hs(v[USED]).s,
			hs(v[USED] + bytes).s);
	} else {
		/* Use fell between the refusal and our reading, or ids ran out. */
		cli_err("alloc %s: refused by a device-wide limit, but none refuses it now (buffers were freed meanwhile, or no buffer id is left): try again; `cmamem limits` shows them",
			what);
	}
	return EXIT_LIMIT;
}

/* The bytes of the caller's buffers that LIST shows; -errno if it fails. */
static int64_t listed_bytes(struct cmamem *dev)
{
	uint32_t *ids;
	size_t n, i;
	int64_t sum = 0;
	int ret = cmamem_list(dev, &ids, &n);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		struct cmamem_info info;

		if (!cmamem_info(dev, ids[i], &info))
			sum += (int64_t)info.size;
	}
	free(ids);
	return sum;
}

/* Whether this process has CAP_SYS_ADMIN (bit 21 of CapEff), as the
 * kernel's per-uid check asks; root if /proc cannot say. */
static int cap_sys_admin(void)
{
	unsigned long long caps;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	int ret = geteuid() == 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			ret = (caps >> 21) & 1;
	if (f)
		fclose(f);
	return ret;
}

/*
 * The per-uid limit that applies, as cmamem_charge() picks it: the smaller
 * non-zero of max_bytes_per_uid and, without CAP_SYS_ADMIN,
 * max_bytes_per_uid_unprivileged (a kernel without that file has none).
 */
static int uid_quota(const char **name, uint64_t *quota)
{
	static const char unpriv[] = "max_bytes_per_uid_unprivileged";
	uint64_t v;
	int ret;

	*name = "max_bytes_per_uid";
	ret = read_u64(sysfs_dir(), *name, quota);
	if (ret)
		return ret;
	ret = read_u64(sysfs_dir(), unpriv, &v);
	if (ret == -ENOENT || cap_sys_admin())
		return 0;
	if (ret) {
		*name = unpriv;
		return ret;
	}
	if (v && (!*quota || v < *quota)) {
		*name = unpriv;
		*quota = v;
	}
	return 0;
}

static int over_uid_limit(struct cmamem *dev, const char *what, uint64_t bytes)
{
	unsigned int uid = (unsigned int)getuid();
	int64_t listed = listed_bytes(dev);
	const char *name;
	uint64_t quota, use, fix;
	char how[640];
	int ret, hidden;

	ret = uid_quota(&name, &quota);
	if (ret)
		return unreadable(EDQUOT, what, "over your uid's quota",
				  sysfs_dir(), name, ret);
	if (listed < 0)
		return cli_fail((int)listed, "alloc %s: %s is %s; listing uid %u's buffers",
				what, name, hs(quota).s, uid);
	use = (uint64_t)listed;
	if (!quota) {
		cli_err("alloc %s: refused by a per-uid limit, but none is set now: try again; `cmamem limits` shows them",
			what);
		return EXIT_LIMIT;
	}
	/*
	 * The kernel charges freed buffers until their last mapping or dma-buf
	 * goes, and LIST does not show those: say so when the listed ones do
	 * not account for the refusal, and size the fix by the quota then.
	 */
	hidden = use <= quota && bytes <= quota - use;
	fix = (hidden ? quota : use) + bytes;
	/* `limits --set` takes the four limits; the other is written as is. */
	if (!strcmp(name, "max_bytes_per_uid"))
		snprintf(how, sizeof(how), "cmamem limits --set %s=%s", name,
			 hs(fix).s);
	else
		snprintf(how, sizeof(how), "echo %" PRIu64 " > %s/%s", fix,
			 sysfs_dir(), name);
	cli_err("alloc %s: %s is %s, %s in use by uid %u%s (free some, or as root: %s)",
		what, name, hs(quota).s, hs(use).s, uid,
		hidden ? " and more in freed buffers still mapped or exported" : "",
		how);
	return EXIT_LIMIT;
}

int read_meminfo(const char *const *keys, int64_t *kb, int n)
{
	char line[256];
	FILE *f = fopen(meminfo_path(), "r");
	int i;

	for (i = 0; i < n; i++)
		kb[i] = -1;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < n; i++) {
			size_t len = strlen(keys[i]);
			long long v;

			if (!strncmp(line, keys[i], len) && line[len] == ':' &&
			    sscanf(line + len + 1, "%lld", &v) == 1)
				kb[i] = v;
		}
	}
	fclose(f);
	return 0;
}

/*
 * The kernel command line's cma= word into @out (empty if it has none): a
 * kernel that was given one and still has no CMA area could not reserve it,
 * or ignores it for want of CONFIG_DMA_CMA.
 */
static void boot_cma_arg(char *out, size_t len)
{
	char line[4096], *save = NULL;
	FILE *f = fopen(cmdline_path(), "r");

	*out = '\0';
	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		char *word;

		for (word = strtok_r(line, " \n", &save); word;
		     word = strtok_r(NULL, " \n", &save))
			if (!strncmp(word, "cma=", 4))
				snprintf(out, len, "%s", word);
	}
	fclose(f);
}

/* The largest free run in any CMA area (root, CONFIG_CMA_DEBUGFS), or 0. */
static uint64_t cma_maxchunk(void)
{
	char dir[512], area[800];
	uint64_t best = 0, pages;
	struct dirent *de;
	DIR *d;

	cma_debugfs_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(area, sizeof(area), "%s/%s", dir, de->d_name);
		if (!read_u64(area, "maxchunk", &pages) && pages > best)
			best = pages;
	}
	closedir(d);
	return best * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int no_pool_room(const char *what, uint64_t bytes)
{
	const char *dir = sysfs_dir();
	uint64_t pool, largest;

	if (read_u64(dir, "pool_bytes", &pool) ||
	    read_u64(dir, "pool_largest_free", &largest))
		cli_err("alloc %s --from pool: the pool has no room for it (`cmamem pool` shows the pool; --from auto falls back to CMA)",
			what);
	else if (!pool)
		cli_err("alloc %s --from pool: there is no pool (root can make one: cmamem pool --resize SIZE; or use --from auto)",
			what);
	else
		cli_err("alloc %s --from pool: the pool's largest free extent is %s, of %s (use --from auto to fall back to CMA, or as root: cmamem pool --resize %s)",
			what, hs(largest).s, hs(pool).s, hs(pool + bytes).s);
	return EXIT_FAILED;
}

static int no_memory(const char *what, uint64_t bytes, uint32_t flags)
{
	static const char *const keys[] = { "MemTotal", "CmaTotal", "CmaFree" };
	enum { TOTAL, CMA_TOTAL, CMA_FREE, N };
	char largest[80] = "";
	uint64_t chunk;
	int64_t kb[N];
	int ret;

	if (flags & CMAMEM_FROM_POOL)
		return no_pool_room(what, bytes);
	ret = read_meminfo(keys, kb, N);
	if (ret)
		return cli_fail(ENOMEM, "alloc %s (and %s cannot be read: %s)",
				what, meminfo_path(), strerror(-ret));
	if (kb[TOTAL] >= 0 && bytes > (uint64_t)kb[TOTAL] * 1024) {
		cli_err("alloc %s: more than all of RAM (MemTotal is %s)", what,
			hs((uint64_t)kb[TOTAL] * 1024).s);
		return EXIT_FAILED;
	}
	if (kb[CMA_TOTAL] <= 0) {
		char arg[64], fix[200] = ": boot it with cma=SIZE";

		boot_cma_arg(arg, sizeof(arg));
		if (*arg)
			snprintf(fix, sizeof(fix),
				 " although it was booted with %s: it could not reserve that much, or it is built without CONFIG_DMA_CMA (dmesg | grep -i cma shows which)",
				 arg);
		cli_err("alloc %s: out of memory, and the kernel has no CMA area (%s in %s)%s",
			what, kb[CMA_TOTAL] ? "no CmaTotal" : "CmaTotal is 0",
			meminfo_path(), fix);
		return EXIT_FAILED;
	}
	chunk = cma_maxchunk();
	if (chunk)
		snprintf(largest, sizeof(largest), ", its largest free run %s",
			 hs(chunk).s);
	cli_err("alloc %s: CMA cannot give %s contiguous: CmaFree is %s of %s%s (free buffers, or boot with a larger cma=)",
		what, hs(bytes).s, hs((uint64_t)kb[CMA_FREE] * 1024).s,
		hs((uint64_t)kb[CMA_TOTAL] * 1024).s, largest);
	return EXIT_FAILED;
}

int explain_alloc(struct cmamem *dev, int err, const struct alloc_req *req)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), size = req->size;
	/* What the kernel charges: whole pages, at least the alignment. */
	uint64_t bytes = size > UINT64_MAX - page ? size :
			 (size + page - 1) & ~(page - 1);
	char what[320];
	int ret;

	if (req->align > bytes)
		bytes = req->align;
	if (err < 0)
		err = -err;
	snprintf(what, sizeof(what), "%s%s%s", req->what,
		 req->region_arg ? " --region " : "",
		 req->region_arg ? req->region_arg : "");
	/* The default region has its own max_bytes too. */
	ret = explain_region_alloc(err, req, what, bytes);
	if (ret >= 0)
		return ret;
	switch (err) {
	case ENOSPC:
		return over_device_limit(what, bytes);
	case EDQUOT:
		return over_uid_limit(dev, what, bytes);
	case ENOMEM:
		return no_memory(what, bytes, req->flags);
	default:
		return cli_fail(err, "alloc %s", what);
	}
}

/* --- FREE: EBUSY --- */

/*
 * FREE answers EBUSY for a buffer that is not persistent and that this
 * file holds no handle to: another process made it and holds it. The
 * driver's holders table (debugfs, root; parse_holders()) names the
 * processes that have a handle to it.
 */
int explain_busy(uint32_t id)
{
	char path[512], one[300], who[400] = "";
	struct holder *v = NULL;
	size_t n = 0, nv = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/holders", debugfs_dir());
	f = fopen(path, "r");
	if (!f || parse_holders(f, &v, &nv)) {
		cli_err("buffer %u is busy: another process holds it, and it is not persistent, so only that process can free it (`cmamem holders` as root shows who)",
			id);
		return exit_for_errno(EBUSY);
	}
	for (i = 0; i < nv; i++) {
		if (v[i].id != id || !(v[i].kinds & HELD_HANDLE) || n >= sizeof(who))
			continue;
		/* A process with the buffer open twice is named once. */
		snprintf(one, sizeof(one), "pid %ld (%s)", v[i].pid, v[i].comm);
		if (!strstr(who, one))
			n += (size_t)snprintf(who + n, sizeof(who) - n, "%s%s",
					      n ? ", " : "", one);
	}
	free(v);
	if (n)
		cli_err("buffer %u is busy: held by %s; it is not persistent, so it goes when its holder closes it",
			id, who);
	else
		cli_err("buffer %u is busy: another process holds it, though %s lists none now (it may have just let go): try again",
			id, path);
	return exit_for_errno(EBUSY);
}
