// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data actions: fill, dump, sync. Each attaches the buffer (which gives
 * this process a handle, so it may map it), maps just the range it needs,
 * works on the mapping in bulk, and lets close drop the handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hexdump.h"
#include "pattern.h"

/* Bytes moved per read/write/staging step: big enough to amortise calls. */
#define CHUNK	(1024 * 1024)

/* An attached buffer with a range of it mapped. */
struct mapped {
	struct cmamem *dev;
	struct cmamem_info info;
	unsigned char *p;
	uint64_t off, len;
};

/* Open, attach, check the range, map. Returns an exit code. */
static int map_range(const struct cli *cli, const struct buf_ref *ref,
		     uint64_t off, uint64_t len, int prot, struct mapped *m)
{
	void *p;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = cli_open(cli, &m->dev);
	if (ret)
		return ret;
	ret = cli_attach(m->dev, ref, &m->info);
	if (!ret)
		ret = range_check(ref, m->info.size, off, &len);
	if (ret) {
		cmamem_close(m->dev);
		return ret;
	}
	ret = cmamem_map(m->dev, &m->info, off, len, prot, &p);
	if (ret) {
		cmamem_close(m->dev);
		return cli_fail(ret, "mmap buffer %s", ref->text);
	}
	m->p = p;
	m->off = off;
	m->len = len;
	return 0;
}

static void unmap_range(struct mapped *m)
{
	cmamem_unmap(m->p, m->len);
	cmamem_close(m->dev);
}

/* Cache maintenance is only needed, and only done, for CACHED buffers. */
static int sync_if_cached(struct mapped *m, const struct buf_ref *ref,
			  enum cmamem_sync_dir dir)
{
	int ret;

	if ((m->info.flags & CMAMEM_CACHE_MASK) != CMAMEM_CACHE_CACHED)
		return 0;
	ret = cmamem_sync(m->dev, m->info.id, m->off, m->len, dir);
	if (ret)
		return cli_fail(ret, "sync buffer %s", ref->text);
	return 0;
}

/*
 * --from FILE: read straight into the mapping. A regular file that does not
 * fit is refused before a byte is written (a bad argument, like a range
 * past the end); a pipe or device is read until the range is full or the
 * input ends, so `--from /dev/urandom --length 4K` works.
 */
static int fill_from_fd(const struct cli *cli, int fd, struct mapped *m,
			uint64_t *done)
{
	struct stat st;

	*done = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t pos = lseek(fd, 0, SEEK_CUR);
		uint64_t left = (uint64_t)st.st_size - (pos > 0 ? (uint64_t)pos : 0);

		if (pos <= st.st_size && left > m->len)
			return cli_usage("--from %s: %llu bytes do not fit in the %llu bytes of the range",
					 cli->from, (unsigned long long)left,
					 (unsigned long long)m->len);
	}
	while (*done < m->len) {
		uint64_t want = m->len - *done;
		ssize_t n = read(fd, m->p + *done,
				 want > CHUNK ? CHUNK : (size_t)want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cli_fail(errno, "read %s", cli->from);
		if (n == 0)
			break;
		*done += (uint64_t)n;
	}
	return 0;
}

/* Check fill's mode options; fills @pt, or opens --from into @fd. */
static int fill_args(const struct cli *cli, struct pattern *pt, int *fd)
{
	*fd = -1;
	if (cli->fill_modes != 1)
		return cli_usage("fill: give exactly one of --pattern, --word, --counter, --random, --from");
	if (cli->seed && !cli->random)
		return cli_usage("fill: --seed goes with --random");
	pt->value = 0;
	if (cli->pattern) {
		pt->kind = PATTERN_BYTE;
		return arg_u8("--pattern", cli->pattern, &pt->value);
	}
	if (cli->word) {
		pt->kind = PATTERN_WORD;
		return arg_hex32("--word", cli->word, &pt->value);
	}
	if (cli->counter) {
		pt->kind = PATTERN_COUNTER;
		return 0;
	}
	if (cli->random) {
		pt->kind = PATTERN_RANDOM;
		return cli->seed ? arg_u64("--seed", cli->seed, &pt->value) : 0;
	}
	/* --from: an unreadable file is a bad argument, found before the device. */
	if (!strcmp(cli->from, "-")) {
		*fd = STDIN_FILENO;
		return 0;
	}
	*fd = open(cli->from, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		int err = errno;

		return cli_usage("invalid --from '%s': %s", cli->from,
				 strerror(err));
	}
	return 0;
}

int action_fill(struct cli *cli)
{
	struct buf_ref ref;
	struct pattern pt;
	struct mapped m;
	uint64_t off, len, done;
	int fd, ret;

	if (arg_ref(cli->args[0], &ref) || arg_offlen(cli, &off, &len) ||
	    fill_args(cli, &pt, &fd))
		return EXIT_USAGE;
	ret = map_range(cli, &ref, off, len, PROT_READ | PROT_WRITE, &m);
	if (ret)
		goto out_fd;
	/* A CACHED buffer's lines may hold a device's data: own them first. */
	ret = sync_if_cached(&m, &ref, CMAMEM_SYNC_FOR_CPU);
	if (ret)
		goto out_unmap;
	if (fd >= 0) {
		ret = fill_from_fd(cli, fd, &m, &done);
	} else {
		pattern_fill(&pt, m.off, m.p, (size_t)m.len);
		done = m.len;
	}
	if (!ret)
		ret = sync_if_cached(&m, &ref, CMAMEM_SYNC_FOR_DEVICE);
	if (!ret)
		cli_note(cli, "filled %llu bytes of buffer %u at offset %llu",
			 (unsigned long long)done, m.info.id,
			 (unsigned long long)m.off);
out_unmap:
	unmap_range(&m);
out_fd:
	if (fd > STDIN_FILENO)
		close(fd);
	return ret;
}

static int write_all(int fd, const unsigned char *p, uint64_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len > CHUNK ? CHUNK : (size_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * hexdump -C of the range. The mapping may be uncached, where every read is
 * a bus access: copy each chunk once into cached memory (a fast sequential
 * memcpy) and let the formatter, which reads each byte twice, work there.
 */
static int dump_hex(struct mapped *m)
{
	struct hexdump *hd = malloc(sizeof(*hd));
	unsigned char *stage = malloc(CHUNK);
	uint64_t pos;
	int ret = 0;

	if (!hd || !stage) {
		free(hd);
		free(stage);
		return -ENOMEM;
	}
	hexdump_init(hd, stdout, m->off);
	for (pos = 0; pos < m->len && !ret; pos += CHUNK) {
		size_t n = m->len - pos > CHUNK ? CHUNK : (size_t)(m->len - pos);

		memcpy(stage, m->p + pos, n);
		ret = hexdump_feed(hd, stage, n);
	}
	if (!ret)
		ret = hexdump_finish(hd);
	free(hd);
	free(stage);
	return ret;
}

int action_dump(struct cli *cli)
{
	struct buf_ref ref;
	struct mapped m;
	uint64_t off, len;
	int ret;

	if (arg_ref(cli->args[0], &ref) || arg_offlen(cli, &off, &len))
		return EXIT_USAGE;
	ret = map_range(cli, &ref, off, len, PROT_READ, &m);
	if (ret)
		return ret;
	ret = sync_if_cached(&m, &ref, CMAMEM_SYNC_FOR_CPU);
	if (!ret) {
		if (cli->raw) {
			/* Straight from the mapping: no stdio copy. */
			fflush(stdout);
			ret = write_all(STDOUT_FILENO, m.p, m.len);
		} else {
			ret = dump_hex(&m);
		}
		if (ret)
			ret = cli_fail(ret, "write");
	}
	unmap_range(&m);
	return ret;
}

int action_sync(struct cli *cli)
{
	static const char *const dirs[] = { "cpu", "device", NULL };
	struct cmamem_info info;
	struct buf_ref ref;
	struct cmamem *dev;
	uint64_t off, len;
	int dir, ret;

	if (arg_ref(cli->args[0], &ref) || arg_offlen(cli, &off, &len))
		return EXIT_USAGE;
	if (!cli->for_dir)
		return cli_usage("sync: --for cpu|device is required");
	if (arg_word("--for", cli->for_dir, dirs, &dir))
		return EXIT_USAGE;

	ret = cli_open(cli, &dev);
	if (ret)
		return ret;
	ret = cli_attach(dev, &ref, &info);
	if (!ret)
		ret = range_check(&ref, info.size, off, &len);
	if (!ret) {
		ret = cmamem_sync(dev, info.id, off, len,
				  dir ? CMAMEM_SYNC_FOR_DEVICE : CMAMEM_SYNC_FOR_CPU);
		if (ret)
			ret = cli_fail(ret, "sync buffer %s", ref.text);
	}
	cmamem_close(dev);
	return ret;
}
