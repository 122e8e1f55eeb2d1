// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A test double for /dev/cma_mem, for host-side tests of the CLI and the
 * library: an LD_PRELOAD shim that intercepts open, ioctl, mmap and close
 * on one path and plays the driver's part of the uapi with files.
 *
 *   LD_PRELOAD=build/tests/libcmamem-fake.so CMAMEM_FAKE_DIR=/tmp/state \
 *   CMAMEM_FAKE_DEVICE=/fake/cma_mem CMAMEM_DEVICE=/fake/cma_mem \
 *   cmamem alloc 8M
 *
 * CMAMEM_FAKE_DEVICE is the path it intercepts (any other open() is the
 * real one), and CMAMEM_DEVICE points the CLI there. Each buffer is two
 * files in CMAMEM_FAKE_DIR: ID.data (the bytes, which
 * mmap maps shared, so a persistent buffer crosses commands as it does in
 * the kernel) and ID.meta ("size flags uid region name"). It models the errno
 * conventions the CLI depends on (ENOENT, also for another uid's buffer by
 * the uid in the meta file; names per owner, ATTACH_BY_UID, EINVAL, EEXIST,
 * EACCES for mmap without a handle, EBUSY for FREE of a buffer that is not
 * persistent, ENOTTY; EXPORT hands out the data file), not the memory:
 * there is no DMA, no CMA, and no locking between processes.
 * So that the CLI's error messages can be tested, it refuses as the driver
 * would, from files the test writes:
 *   $CMAMEM_SYSFS/max_*      the limits (ENOSPC, EDQUOT), checked in the
 *                            driver's order (max_bytes_per_uid_unprivileged
 *                            without CAP_SYS_ADMIN); it keeps used_bytes and
 *                            buffers there up to date
 *   $CMAMEM_SYSFS/pool_largest_free  ENOMEM for a bigger FROM_POOL buffer
 *   $CMAMEM_MEMINFO          ENOMEM for a CMA buffer bigger than CmaFree
 *   $CMAMEM_SYSFS/regions/NAME/{id,kind,size,max_bytes}  the regions:
 *                            ENODEV for an id none has, EINVAL for CACHED
 *                            in a carveout or FROM_POOL outside region 0,
 *                            ENOSPC over max_bytes, ENOMEM past size; it
 *                            keeps used_bytes, buffers (and free_bytes where
 *                            size is) up to date; EXPORT of a carveout
 *                            buffer is EOPNOTSUPP
 *   CMAMEM_FAKE_OPEN_ERRNO=N opening the device fails with errno N
 *   CMAMEM_FAKE_ADMIN=1      root passes as CAP_SYS_ADMIN
 * It is not the driver's specification; cma_mem(4) and the guest suites are.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/cma_mem.h>

#define MAX_FILES	16
#define MAX_HANDLES	1024
#define MAX_ID		4096
/* Each buffer's mmap offsets start at id << OFF_SHIFT (a 64-bit host only). */
#define OFF_SHIFT	32

struct fake_file {
	int fd;				/* -1: slot free */
	unsigned int nhandles;
	__u32 handles[MAX_HANDLES];
};

struct meta {
	__u64 size;
	__u32 flags;
	__u32 uid;
	__u32 region;
	char name[CMA_MEM_NAME_LEN];
};

static struct fake_file files[MAX_FILES];
static int files_ready;

static int (*real_open)(const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);

static void init(void)
{
	int i;

	if (files_ready)
		return;
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	real_mmap = (void *(*)(void *, size_t, int, int, int, off_t))
		dlsym(RTLD_NEXT, "mmap");
	for (i = 0; i < MAX_FILES; i++)
		files[i].fd = -1;
	files_ready = 1;
}

static const char *state_dir(void)
{
	const char *d = getenv("CMAMEM_FAKE_DIR");

	return d && *d ? d : "/tmp/cmamem-fake";
}

static struct fake_file *file_of(int fd)
{
	int i;

	init();
	for (i = 0; fd >= 0 && i < MAX_FILES; i++)
		if (files[i].fd == fd)
			return &files[i];
	return NULL;
}

static void path_of(char *buf, size_t len, __u32 id, const char *ext)
{
	snprintf(buf, len, "%s/%u.%s", state_dir(), id, ext);
}

static int meta_read(__u32 id, struct meta *m)
{
	char path[4096];
	unsigned long long size;
	unsigned int flags, uid, region;
	FILE *f;
	int n;

	path_of(path, sizeof(path), id, "meta");
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	memset(m, 0, sizeof(*m));
	n = fscanf(f, "%llu %u %u %u %31[^\n]", &size, &flags, &uid, &region,
		   m->name);
	fclose(f);
	if (n < 4)
		return -EIO;
	m->size = size;
	m->flags = flags;
	m->uid = uid;
	m->region = region;
	if (!strcmp(m->name, "-"))
		m->name[0] = '\0';
	return 0;
}

static int meta_write(__u32 id, const struct meta *m)
{
	char path[4096];
	FILE *f;

	path_of(path, sizeof(path), id, "meta");
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%llu %u %u %u %s\n", (unsigned long long)m->size, m->flags,
		m->uid, m->region, m->name[0] ? m->name : "-");
	fclose(f);
	return 0;
}

static void sysfs_sync(void);

static void buf_remove(__u32 id)
{
	char path[4096];

	path_of(path, sizeof(path), id, "meta");
	unlink(path);
	path_of(path, sizeof(path), id, "data");
	unlink(path);
	sysfs_sync();
}

static int holds(const struct fake_file *f, __u32 id)
{
	unsigned int i;

	for (i = 0; i < f->nhandles; i++)
		if (f->handles[i] == id)
			return 1;
	return 0;
}

static int add_handle(struct fake_file *f, __u32 id)
{
	if (holds(f, id))
		return 0;
	if (f->nhandles == MAX_HANDLES)
		return -ENOMEM;
	f->handles[f->nhandles++] = id;
	return 0;
}

static void drop_handle(struct fake_file *f, __u32 id)
{
	unsigned int i;

	for (i = 0; i < f->nhandles; i++) {
		if (f->handles[i] == id) {
			f->handles[i] = f->handles[--f->nhandles];
			return;
		}
	}
}

static int name_ok(const char *name)
{
	size_t i, len = strnlen(name, CMA_MEM_NAME_LEN);

	if (len == CMA_MEM_NAME_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!cma_mem_name_char_valid(name[i]))
			return 0;
	return 1;
}

/* Names are per owner. */
static __u32 find_name(const char *name, __u32 uid)
{
	struct meta m;
	__u32 id;

	for (id = 1; id < MAX_ID; id++)
		if (!meta_read(id, &m) && m.uid == uid && !strcmp(m.name, name))
			return id;
	return 0;
}

/* A number from $CMAMEM_SYSFS/@name: 0, or -1 when there is none. */
static int sysfs_read(const char *name, __u64 *v)
{
	const char *dir = getenv("CMAMEM_SYSFS");
	unsigned long long x;
	char path[4096];
	FILE *f;
	int ok;

	if (!dir || !*dir)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%llu", &x) == 1;
	fclose(f);
	if (!ok)
		return -1;
	*v = x;
	return 0;
}

/* A limit: 0 (none) when the file is not there. */
static __u64 sysfs_get(const char *name)
{
	__u64 v;

	return sysfs_read(name, &v) ? 0 : v;
}

static void sysfs_put(const char *name, __u64 v)
{
	const char *dir = getenv("CMAMEM_SYSFS");
	char path[4096];
	FILE *f;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%llu\n", (unsigned long long)v);
	fclose(f);
}

/* The use the limits count: every buffer's bytes, and @uid's. */
struct use {
	__u64 bytes, uid_bytes;
	unsigned int buffers;
};

static void use_of(__u32 uid, struct use *u)
{
	struct meta m;
	__u32 id;

	memset(u, 0, sizeof(*u));
	for (id = 1; id < MAX_ID; id++) {
		if (meta_read(id, &m))
			continue;
		u->bytes += m.size;
		u->buffers++;
		if (m.uid == uid)
			u->uid_bytes += m.size;
	}
}

/* Region @id's directory under $CMAMEM_SYSFS ("regions/NAME") in @out: 0,
 * or -ENODEV when no region has it. */
static int region_dir(__u32 id, char *out, size_t len)
{
	const char *dir = getenv("CMAMEM_SYSFS");
	char path[4096];
	struct dirent *de;
	__u64 v;
	DIR *d;
	int ret = -ENODEV;

	if (!dir || !*dir)
		return id ? -ENODEV : -ENOENT;
	snprintf(path, sizeof(path), "%s/regions", dir);
	d = opendir(path);
	if (!d)
		return id ? -ENODEV : -ENOENT;
	while (ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(out, len, "regions/%s", de->d_name);
		snprintf(path, sizeof(path), "%s/id", out);
		if (!sysfs_read(path, &v) && v == id)
			ret = 0;
	}
	closedir(d);
	return ret;
}

/* A number of region directory @rdir: 0 when the file is not there. */
static __u64 region_get(const char *rdir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", rdir, name);
	return sysfs_get(path);
}

static int region_is(const char *rdir, const char *kind)
{
	const char *dir = getenv("CMAMEM_SYSFS");
	char path[8192], word[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/kind", dir, rdir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%31s", word) != 1)
		word[0] = '\0';
	fclose(f);
	return !strcmp(word, kind);
}

/* The bytes and buffers in region @id. */
static void region_use(__u32 id, __u64 *bytes, __u64 *buffers)
{
	struct meta m;
	__u32 i;

	*bytes = *buffers = 0;
	for (i = 1; i < MAX_ID; i++) {
		if (meta_read(i, &m) || m.region != id)
			continue;
		*bytes += m.size;
		(*buffers)++;
	}
}

/* Each region's used_bytes and buffers (and free_bytes, where it has a size). */
static void regions_sync(void)
{
	char rdir[512], path[600];
	__u64 bytes, buffers, size;
	__u32 id;

	for (id = 0; id < 16; id++) {
		if (region_dir(id, rdir, sizeof(rdir)))
			continue;
		region_use(id, &bytes, &buffers);
		snprintf(path, sizeof(path), "%s/used_bytes", rdir);
		sysfs_put(path, bytes);
		snprintf(path, sizeof(path), "%s/buffers", rdir);
		sysfs_put(path, buffers);
		size = region_get(rdir, "size");
		snprintf(path, sizeof(path), "%s/free_bytes", rdir);
		if (size)
			sysfs_put(path, size > bytes ? size - bytes : 0);
	}
}

/* used_bytes and buffers, as the driver's sysfs shows them. */
static void sysfs_sync(void)
{
	struct use u;

	use_of(geteuid(), &u);
	sysfs_put("used_bytes", u.bytes);
	sysfs_put("buffers", u.buffers);
	regions_sync();
}

/* ALLOC's checks of its region (cma_mem(4), REGIONS). */
static int region_charge(const struct cma_mem_alloc *a, __u64 bytes)
{
	char rdir[512];
	__u64 used, buffers, max, size;
	int ret = region_dir(a->region, rdir, sizeof(rdir));

	if (ret == -ENOENT)	/* no regions directory: region 0 only */
		return 0;
	if (ret)
		return ret;
	if ((a->region && (a->flags & CMA_MEM_FROM_POOL)) ||
	    (region_is(rdir, "carveout") &&
	     (a->flags & CMA_MEM_CACHE_MASK) == CMA_MEM_CACHE_CACHED))
		return -EINVAL;
	region_use(a->region, &used, &buffers);
	max = region_get(rdir, "max_bytes");
	if (max && (used > max || bytes > max - used))
		return -ENOSPC;
	size = region_get(rdir, "size");
	if (size && (used > size || bytes > size - used))
		return -ENOMEM;
	return 0;
}

/* CAP_SYS_ADMIN in CapEff, which exempts from the unprivileged quota. */
static int admin(void)
{
	unsigned long long caps = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	if (f)
		fclose(f);
	return (caps >> 21) & 1;
}

/* cmamem_charge()'s checks, in its order (src/kmod/limits.c). */
static int charge(__u64 bytes)
{
	__u64 max_buf = sysfs_get("max_buffer_bytes");
	__u64 max_bufs = sysfs_get("max_buffers");
	__u64 max_total = sysfs_get("max_total_bytes");
	__u64 quota = sysfs_get("max_bytes_per_uid");
	__u64 unpriv = sysfs_get("max_bytes_per_uid_unprivileged");
	struct use u;

	if (unpriv && !admin() && (!quota || unpriv < quota))
		quota = unpriv;
	use_of(geteuid(), &u);
	if ((max_buf && bytes > max_buf) || (max_bufs && u.buffers >= max_bufs) ||
	    (max_total && (u.bytes > max_total || bytes > max_total - u.bytes)))
		return -ENOSPC;
	if (quota && (u.uid_bytes > quota || bytes > quota - u.uid_bytes))
		return -EDQUOT;
	return 0;
}

/* CmaFree from $CMAMEM_MEMINFO in bytes (0 if it has none), or all ones
 * without the file: the fake's CMA never runs out unless asked to. */
static __u64 cma_free(void)
{
	const char *path = getenv("CMAMEM_MEMINFO");
	unsigned long long kb;
	char line[256];
	__u64 v = 0;
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "r")))
		return ~0ULL;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CmaFree: %llu", &kb) == 1)
			v = kb * 1024;
	fclose(f);
	return v;
}

/* The owner check every by-id command makes: another's buffer is absent. */
static int lookup(__u32 id, struct meta *m)
{
	int ret = meta_read(id, m);

	if (ret)
		return ret;
	/* Root passes as CAP_SYS_ADMIN only if asked, so tests as root see ENOENT. */
	if (m->uid != geteuid() &&
	    !(geteuid() == 0 && getenv("CMAMEM_FAKE_ADMIN")))
		return -ENOENT;
	return 0;
}

static int do_alloc(struct fake_file *f, struct cma_mem_alloc *a)
{
	char path[4096];
	struct meta m, other;
	__u64 ps = (__u64)sysconf(_SC_PAGESIZE), pool_room;
	__u32 id, free_id = 0;
	int fd, ret;

	if (!a->size || a->size > (1ULL << 32) ||
	    (a->flags & ~CMA_MEM_ALLOC_FLAGS) ||
	    (a->flags & CMA_MEM_CACHE_MASK) == CMA_MEM_CACHE_MASK ||
	    ((a->flags & CMA_MEM_FROM_POOL) && (a->flags & CMA_MEM_FROM_CMA)) ||
	    (a->align & (a->align - 1)) || !name_ok(a->name) || a->id ||
	    a->mmap_offset || a->dma_addr || a->reserved)
		return -EINVAL;
	if (a->name[0] && find_name(a->name, geteuid()))
		return -EEXIST;
	memset(&m, 0, sizeof(m));
	m.size = (a->size + ps - 1) & ~(ps - 1);
	if (a->align > m.size)
		m.size = a->align;
	ret = charge(m.size);
	if (!ret)
		ret = region_charge(a, m.size);
	if (ret)
		return ret;
	if ((a->flags & CMA_MEM_FROM_POOL) ?
	    !sysfs_read("pool_largest_free", &pool_room) && m.size > pool_room :
	    m.size > cma_free())
		return -ENOMEM;
	for (id = 1; id < MAX_ID && !free_id; id++)
		if (meta_read(id, &other) == -ENOENT)
			free_id = id;
	if (!free_id)
		return -ENOSPC;
	id = free_id;
	/* Report where it "came from", as INFO does. */
	m.flags = a->flags | ((a->flags & CMA_MEM_FROM_POOL) ? 0 : CMA_MEM_FROM_CMA);
	m.uid = geteuid();
	m.region = a->region;
	memcpy(m.name, a->name, sizeof(m.name));
	path_of(path, sizeof(path), id, "data");
	fd = real_open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)m.size)) {
		real_close(fd);
		return -ENOMEM;
	}
	real_close(fd);
	if (meta_write(id, &m))
		return -EIO;
	sysfs_sync();
	a->size = m.size;
	a->id = id;
	a->mmap_offset = (__u64)id << OFF_SHIFT;
	a->dma_addr = 0;
	return add_handle(f, id);
}

static void to_info(__u32 id, const struct meta *m, struct cma_mem_info *i)
{
	memset(i, 0, sizeof(*i));
	i->id = id;
	i->flags = m->flags;
	i->size = m->size;
	i->mmap_offset = (__u64)id << OFF_SHIFT;
	i->uid = m->uid;
	i->region = m->region;
	/* The host is cache-coherent: cacheable, as the module reports it. */
	i->effective = CMA_MEM_EFFECTIVE_KNOWN | CMA_MEM_CACHE_CACHED;
	memcpy(i->name, m->name, sizeof(i->name));
}

static int do_info(struct fake_file *f, struct cma_mem_info *i, int attach)
{
	struct meta m;
	__u32 id = i->id;
	int ret;

	if (i->flags ||
	    (i->attach_flags & ~CMA_MEM_ATTACH_FLAGS) ||
	    (i->attach_flags && (!attach || id)))
		return -EINVAL;
	if (!id) {
		if (!attach || !i->name[0] || !name_ok(i->name))
			return -EINVAL;
		id = find_name(i->name, i->attach_flags ? i->uid : geteuid());
		if (!id)
			return -ENOENT;
	}
	ret = lookup(id, &m);
	if (ret)
		return ret;
	if (attach) {
		if (!(m.flags & CMA_MEM_PERSIST))
			return -EINVAL;
		ret = add_handle(f, id);
		if (ret)
			return ret;
	}
	to_info(id, &m, i);
	i->handles = attach;
	return 0;
}

static int do_free(struct fake_file *f, const struct cma_mem_free *fr)
{
	struct meta m;
	int ret;

	if (fr->flags)
		return -EINVAL;
	ret = lookup(fr->id, &m);
	if (ret)
		return ret;
	if (!(m.flags & CMA_MEM_PERSIST) && !holds(f, fr->id))
		return -EBUSY;
	drop_handle(f, fr->id);
	buf_remove(fr->id);
	return 0;
}

static int do_list(struct cma_mem_list *l)
{
	__u32 *ids = (__u32 *)(unsigned long)l->ids;
	struct meta m;
	__u32 id;

	if (l->flags || l->reserved)
		return -EINVAL;
	l->count = 0;
	l->next = 0;
	for (id = l->start ? l->start : 1; id < MAX_ID; id++) {
		if (meta_read(id, &m) || m.uid != geteuid())
			continue;
		if (l->count == l->capacity) {
			l->next = id;
			break;
		}
		ids[l->count++] = id;
	}
	return 0;
}

/* EXPORT: the data file itself stands in for the dma-buf (it maps the
 * same bytes), so `cmamem export` can be run end to end on the host. */
static int do_export(struct fake_file *f, struct cma_mem_export *e)
{
	char path[4096];
	struct meta m;
	int ret, fd;

	if (e->reserved || (e->flags & ~(__u32)(O_CLOEXEC | O_ACCMODE)) ||
	    (e->flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	ret = lookup(e->id, &m);
	if (ret)
		return ret;
	if (!holds(f, e->id))
		return -EACCES;
	if (!region_dir(m.region, path, 512) && region_is(path, "carveout"))
		return -EOPNOTSUPP;
	path_of(path, sizeof(path), e->id, "data");
	fd = real_open(path, (int)e->flags);
	if (fd < 0)
		return -errno;
	e->fd = fd;
	return 0;
}

static int do_sync(const struct cma_mem_sync *s)
{
	struct meta m;
	int ret;

	if (s->flags != CMA_MEM_SYNC_FOR_CPU && s->flags != CMA_MEM_SYNC_FOR_DEVICE)
		return -EINVAL;
	ret = lookup(s->id, &m);
	if (ret)
		return ret;
	if (s->offset >= m.size || s->length > m.size - s->offset)
		return -EINVAL;
	return 0;
}

int open(const char *path, int flags, ...)
{
	const char *dev = getenv("CMAMEM_FAKE_DEVICE");
	mode_t mode = 0;
	int i, fd;

	init();
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (!dev || strcmp(path, dev))
		return real_open(path, flags, mode);
	/* As the kernel refuses a node's mode: the test picks the errno. */
	if (getenv("CMAMEM_FAKE_OPEN_ERRNO") && atoi(getenv("CMAMEM_FAKE_OPEN_ERRNO"))) {
		errno = atoi(getenv("CMAMEM_FAKE_OPEN_ERRNO"));
		return -1;
	}
	mkdir(state_dir(), 0700);
	fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC));
	for (i = 0; fd >= 0 && i < MAX_FILES; i++) {
		if (files[i].fd < 0) {
			files[i].fd = fd;
			files[i].nhandles = 0;
			return fd;
		}
	}
	if (fd >= 0)
		real_close(fd);
	errno = EMFILE;
	return -1;
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int close(int fd)
{
	struct fake_file *f = file_of(fd);

	if (f) {
		/* Non-persistent buffers die with their last (only) holder. */
		unsigned int i;
		struct meta m;

		for (i = 0; i < f->nhandles; i++)
			if (!meta_read(f->handles[i], &m) &&
			    !(m.flags & CMA_MEM_PERSIST))
				buf_remove(f->handles[i]);
		f->fd = -1;
	}
	return real_close(fd);
}

int ioctl(int fd, unsigned long cmd, ...)
{
	struct fake_file *f = file_of(fd);
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!f)
		return real_ioctl(fd, cmd, arg);

	switch (cmd) {
	case CMA_MEM_IOC_ALLOC:
		ret = do_alloc(f, arg);
		break;
	case CMA_MEM_IOC_FREE:
		ret = do_free(f, arg);
		break;
	case CMA_MEM_IOC_ATTACH:
		ret = do_info(f, arg, 1);
		break;
	case CMA_MEM_IOC_INFO:
		ret = do_info(f, arg, 0);
		break;
	case CMA_MEM_IOC_LIST:
		ret = do_list(arg);
		break;
	case CMA_MEM_IOC_SYNC:
		ret = do_sync(arg);
		break;
	case CMA_MEM_IOC_EXPORT:
		ret = do_export(f, arg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct fake_file *f = file_of(fd);
	__u32 id = (__u32)((__u64)off >> OFF_SHIFT);
	__u64 in = (__u64)off & ((1ULL << OFF_SHIFT) - 1);
	char path[4096];
	struct meta m;
	void *p;
	int dfd;

	if (!f)
		return real_mmap(addr, len, prot, flags, fd, off);
	if (meta_read(id, &m) || in >= m.size || len > m.size - in) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (!holds(f, id)) {
		errno = EACCES;
		return MAP_FAILED;
	}
	path_of(path, sizeof(path), id, "data");
	dfd = real_open(path, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		return MAP_FAILED;
	p = real_mmap(addr, len, prot, flags, dfd, (off_t)in);
	real_close(dfd);
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
