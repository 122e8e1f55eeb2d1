// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --direct: O_DIRECT file I/O between a file and a buffer's mapping.
 *
 * cmamem maps buffers with their struct pages, so get_user_pages() works on
 * the mapping and the disk's DMA reads or writes the buffer itself: no copy
 * through the page cache. O_DIRECT wants the memory address, the file offset
 * and the length aligned. The file system says to what (statx(2),
 * STATX_DIOALIGN, since Linux 6.1); where it does not say, the page size is
 * the alignment every block device and file system accepts.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void direct_align(struct direct_file *df)
{
	long page = sysconf(_SC_PAGESIZE);
	struct statx sx;

	df->mem_align = (uint32_t)page;
	df->off_align = (uint32_t)page;
	if (statx(df->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
	    (sx.stx_mask & STATX_DIOALIGN) && sx.stx_dio_offset_align) {
		df->mem_align = sx.stx_dio_mem_align;
		df->off_align = sx.stx_dio_offset_align;
	}
}

int direct_open(const char *what, const char *path, int flags,
		struct direct_file *df)
{
	int err;

	df->created = 0;
	df->path = path;
	if (flags & O_CREAT) {
		/* Remember whether we made it, to take it back on failure. */
		df->fd = open(path, flags | O_EXCL | O_CLOEXEC, 0666);
		if (df->fd >= 0)
			df->created = 1;
		else if (errno == EEXIST)
			df->fd = open(path, (flags & ~O_CREAT) | O_CLOEXEC);
	} else {
		df->fd = open(path, flags | O_CLOEXEC);
	}
	if (df->fd >= 0) {
		if (flags & O_DIRECT)
			direct_align(df);
		return 0;
	}
	err = errno;
	/* open(2) says EINVAL for O_DIRECT on a file system without it. */
	if (err == EINVAL && (flags & O_DIRECT))
		return cli_usage("invalid %s '%s': its file system does not support O_DIRECT (--direct)",
				 what, path);
	return cli_usage("invalid %s '%s': %s", what, path, strerror(err));
}

int direct_check(const struct direct_file *df, const char *what,
		 uint64_t off, uint64_t len)
{
	if (off % df->mem_align || len % df->off_align)
		return cli_usage("--direct with %s '%s' wants --offset in multiples of %u and --length in multiples of %u bytes (got %llu and %llu)",
				 what, df->path, df->mem_align, df->off_align,
				 (unsigned long long)off,
				 (unsigned long long)len);
	return 0;
}

void direct_close(struct direct_file *df, int failed)
{
	if (df->fd < 0)
		return;
	close(df->fd);
	df->fd = -1;
	if (failed && df->created)
		unlink(df->path);
}
