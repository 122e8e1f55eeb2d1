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
#include "odfmt.h"
#include "pattern.h"
#include "progress.h"

/*
 * --from FILE: read straight into the mapping. A regular file that does not
 * fit is refused before a byte is written (a bad argument, like a range
 * past the end); a pipe or device is read until the range is full or the
 * input ends, so `--from /dev/urandom --length 4K` works.
 *
 * With --direct, every read is a whole number of O_DIRECT blocks. Past the
 * end of a file, such a read still writes its whole request (zeros, for a
 * hole or a block's tail) and then reports fewer bytes: so the last request
 * stops at the first boundary past the file's end, and a short read ends
 * the fill (the file position is off the alignment then, and another read
 * would fail rather than say so).
 */
static int fill_from_fd(const struct cli *cli, const struct direct_file *in,
			struct mapped *m, uint64_t *done)
{
	uint64_t total = m->len;
	struct stat st;
	struct progress pr;
	int ret = 0;

	*done = 0;
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t pos = lseek(in->fd, 0, SEEK_CUR);
		uint64_t left = (uint64_t)st.st_size - (pos > 0 ? (uint64_t)pos : 0);

		if (pos <= st.st_size && left > m->len)
			return cli_usage("--from %s: %llu bytes do not fit in the %llu bytes of the range",
					 cli->from_file, (unsigned long long)left,
					 (unsigned long long)m->len);
		if (cli->direct_in)
			total = (left + in->off_align - 1) / in->off_align *
				in->off_align;
	}
	progress_init(&pr, cli, "fill", total, 1);
	while (*done < total) {
		uint64_t rest = total - *done;
		size_t want = rest > CHUNK ? CHUNK : (size_t)rest;
		ssize_t n = read(in->fd, m->p + *done, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = cli->direct_in ?
				explain_direct(errno, "read", cli->from_file, &m->info) :
				cli_fail(errno, "read %s", cli->from_file);
			break;
		}
		if (n == 0)
			break;
		*done += (uint64_t)n;
		progress_add(&pr, (uint64_t)n);
		if (cli->direct_in && (size_t)n < want)
			break;
	}
	progress_end(&pr);
	return ret;
}

/* Check fill's mode options; fills @pt, or opens --from into @in. */
static int fill_args(const struct cli *cli, struct pattern *pt,
		     struct direct_file *in)
{
	in->fd = -1;
	if (cli->fill_modes != 1)
		return cli_usage("fill: give exactly one of --pattern, --word, --counter, --random, --from");
	if (cli->direct_in && (!cli->from_file || !strcmp(cli->from_file, "-")))
		return cli_usage("fill: --direct goes with --from FILE (a file or block device, not standard input)");
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
	if (!strcmp(cli->from_file, "-")) {
		in->fd = STDIN_FILENO;
		return 0;
	}
	return direct_open("--from", cli->from_file,
			   O_RDONLY | (cli->direct_in ? O_DIRECT : 0), in);
}

int action_fill(struct cli *cli)
{
	struct buf_ref ref;
	struct pattern pt;
	struct mapped m;
	struct direct_file in;
	uint64_t off, len, done;
	int ret;

	if (arg_ref(cli->args[0], &ref) || arg_offlen(cli, &off, &len) ||
	    fill_args(cli, &pt, &in))
		return EXIT_USAGE;
	ret = map_range(cli, &ref, off, len, PROT_READ | PROT_WRITE, &m);
	if (ret)
		goto out_fd;
	if (cli->direct_in) {
		ret = direct_check(&in, "--from", m.off, m.len);
		if (ret)
			goto out_unmap;
	}
	/* A CACHED buffer's lines may hold a device's data: own them first. */
	ret = sync_if_cached(&m, &ref, CMAMEM_SYNC_FOR_CPU);
	if (ret)
		goto out_unmap;
	if (in.fd >= 0) {
		ret = fill_from_fd(cli, &in, &m, &done);
	} else {
		struct progress pr;

		/* In chunks, so a progress bar can move on a slow bus. */
		progress_init(&pr, cli, "fill", m.len, 1);
		for (done = 0; done < m.len; done += CHUNK) {
			size_t n = m.len - done > CHUNK ? CHUNK : (size_t)(m.len - done);

			pattern_fill(&pt, m.off + done, m.p + done, n);
			progress_add(&pr, n);
		}
		progress_end(&pr);
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
	if (in.fd > STDIN_FILENO)
		direct_close(&in, ret);
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

enum dump_format { FMT_HEX, FMT_RAW, FMT_U8, FMT_U16, FMT_U32, FMT_U64 };
static const char *const format_words[] = {
	"hex", "raw", "u8", "u16", "u32", "u64", NULL,
};
static const unsigned int format_width[] = { 1, 1, 1, 2, 4, 8 };

/*
 * The range, chunk by chunk, to its formatter or (raw) straight to stdout.
 * The mapping may be uncached, where every read is a bus access: copy each
 * chunk once into cached memory (a fast sequential memcpy) and let the
 * formatter, which reads each byte twice, work there.
 */
static int dump_range(const struct cli *cli, struct mapped *m, int format,
		      int big, int fd)
{
	struct hexdump *hd = NULL;
	struct odfmt od;
	struct progress pr;
	unsigned char *stage = NULL;
	FILE *out = stdout;
	uint64_t pos;
	int ret = 0;

	/* A bar only when the output goes to a file, not over the terminal. */
	progress_init(&pr, cli, "dump", m->len, !isatty(fd));
	if (format == FMT_RAW) {
		/* Straight from the mapping: no stdio copy. */
		fflush(stdout);
		for (pos = 0; pos < m->len && !ret; pos += CHUNK) {
			size_t n = m->len - pos > CHUNK ? CHUNK : (size_t)(m->len - pos);

			ret = write_all(fd, m->p + pos, n);
			progress_add(&pr, n);
		}
		progress_end(&pr);
		return ret;
	}
	stage = malloc(CHUNK);
	if (format == FMT_HEX)
		hd = malloc(sizeof(*hd));
	/* --to: a stream of its own, closed (and its errors seen) here. */
	if (fd != STDOUT_FILENO)
		out = fdopen(dup(fd), "w");
	if (!stage || (format == FMT_HEX && !hd) || !out) {
		if (out && out != stdout)
			fclose(out);
		free(hd);
		free(stage);
		return -ENOMEM;
	}
	if (hd)
		hexdump_init(hd, out, m->off);
	else
		odfmt_init(&od, out, m->off, format_width[format], big);
	for (pos = 0; pos < m->len && !ret; pos += CHUNK) {
		size_t n = m->len - pos > CHUNK ? CHUNK : (size_t)(m->len - pos);

		memcpy(stage, m->p + pos, n);
		ret = hd ? hexdump_feed(hd, stage, n) : odfmt_feed(&od, stage, n);
		progress_add(&pr, n);
	}
	progress_end(&pr);
	if (!ret)
		ret = hd ? hexdump_finish(hd) : odfmt_finish(&od);
	if (out != stdout && fclose(out) && !ret)
		ret = -errno;
	free(hd);
	free(stage);
	return ret;
}

/* --format, --endian and --raw, checked before the device. */
static int dump_args(const struct cli *cli, uint64_t off, uint64_t len,
		     int *format, int *big)
{
	static const char *const orders[] = { "little", "big", NULL };
	unsigned int w;

	*format = cli->raw ? FMT_RAW : FMT_HEX;
	*big = 0;
	if (cli->format) {
		if (arg_word("--format", cli->format, format_words, format))
			return EXIT_USAGE;
		if (cli->raw && *format != FMT_RAW)
			return cli_usage("dump: --raw and --format %s disagree",
					 cli->format);
	}
	if (cli->endian) {
		if (arg_word("--endian", cli->endian, orders, big))
			return EXIT_USAGE;
		if (*format < FMT_U8)
			return cli_usage("dump: --endian goes with --format u8, u16, u32 or u64");
	}
	if (cli->direct_out && (*format != FMT_RAW || !cli->to))
		return cli_usage("dump: --direct goes with --raw and --to FILE");
	w = format_width[*format];
	if (off % w || len % w)
		return cli_usage("dump: --format %s wants --offset and --length in whole %u-byte words",
				 format_words[*format], w);
	return 0;
}

int action_dump(struct cli *cli)
{
	struct buf_ref ref;
	struct mapped m;
	struct direct_file to = { .fd = STDOUT_FILENO };
	uint64_t off, len;
	int format, big, ret;

	if (arg_ref(cli->args[0], &ref) || arg_offlen(cli, &off, &len) ||
	    dump_args(cli, off, len, &format, &big))
		return EXIT_USAGE;
	/* An unwritable --to is a bad argument, found before the device. */
	if (cli->to &&
	    direct_open("--to", cli->to,
			O_WRONLY | O_CREAT | (cli->direct_out ? O_DIRECT : 0), &to))
		return EXIT_USAGE;
	ret = map_range(cli, &ref, off, len, PROT_READ, &m);
	if (ret)
		goto out_to;
	if (m.len % format_width[format]) {
		ret = cli_usage("dump: --format %s wants whole words; the range holds %llu bytes",
				format_words[format], (unsigned long long)m.len);
		goto out_unmap;
	}
	if (cli->direct_out) {
		ret = direct_check(&to, "--to", m.off, m.len);
		if (ret)
			goto out_unmap;
	}
	/* Only now, with the bytes at hand, does an existing --to lose its own. */
	if (cli->to && ftruncate(to.fd, 0)) {
		ret = cli_fail(errno, "truncate %s", cli->to);
		goto out_unmap;
	}
	ret = sync_if_cached(&m, &ref, CMAMEM_SYNC_FOR_CPU);
	if (!ret) {
		ret = dump_range(cli, &m, format, big, to.fd);
		if (ret && cli->direct_out)
			ret = explain_direct(ret, "write", cli->to, &m.info);
		else if (ret)
			ret = cli_fail(ret, "write %s",
				       cli->to ? cli->to : "standard output");
	}
out_unmap:
	unmap_range(&m);
out_to:
	if (cli->to)
		direct_close(&to, ret);
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
