// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The actions that read whole ranges: checksum, cmp, copy. Each works on
 * mappings in CHUNK steps, so a progress bar can follow long runs, and
 * syncs CACHED buffers around the CPU's access as fill and dump do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "digest.h"
#include "progress.h"

static size_t step(uint64_t pos, uint64_t len)
{
	return len - pos > CHUNK ? CHUNK : (size_t)(len - pos);
}

int action_checksum(struct cli *cli)
{
	char hex[DIGEST_HEX_MAX];
	struct progress pr;
	struct digest d;
	struct buf_ref ref;
	struct mapped m;
	uint64_t off, len, pos;
	int algo = DIGEST_SHA256, ret;

	if (arg_ref(cli->args[0], &ref) || arg_offlen(cli, &off, &len) ||
	    (cli->algo && arg_word("--algo", cli->algo, digest_names, &algo)))
		return EXIT_USAGE;
	ret = map_range(cli, &ref, off, len, PROT_READ, &m);
	if (ret)
		return ret;
	ret = sync_if_cached(&m, &ref, CMAMEM_SYNC_FOR_CPU);
	if (ret)
		goto out;
	ret = digest_init(&d, (enum digest_algo)algo);
	if (ret) {
		ret = cli_fail(ret, "checksum");
		goto out;
	}
	progress_init(&pr, cli, "checksum", m.len, 1);
	for (pos = 0; pos < m.len; pos += CHUNK) {
		digest_update(&d, m.p + pos, step(pos, m.len));
		progress_add(&pr, step(pos, m.len));
	}
	progress_end(&pr);
	ret = digest_final(&d, hex);
	if (ret) {
		ret = cli_fail(ret, "checksum");
		goto out;
	}
	if (cli->json) {
		struct json_obj j;

		json_begin(&j);
		json_u64(&j, "id", m.info.id);
		json_str(&j, "name", m.info.name[0] ? m.info.name : NULL);
		json_u64(&j, "offset", m.off);
		json_u64(&j, "length", m.len);
		json_str(&j, "algo", digest_names[algo]);
		json_str(&j, "digest", hex);
		json_end(&j);
		putchar('\n');
	} else {
		puts(hex);
	}
out:
	unmap_range(&m);
	return ret;
}

/*
 * One side of cmp: a buffer range (mapped) or a file read in chunks. An
 * argument with a '/' is a file, and so is '-' (stdin); names never hold a
 * '/', so the two cannot be confused.
 */
struct side {
	const char *text;
	int fd;				/* a file; -1 for a buffer */
	struct mapped m;
	uint64_t pos;			/* bytes consumed */
	unsigned char *buf;		/* a file's current chunk */
	size_t have, at;
	int eof;
};

static int is_file_arg(const char *s)
{
	return !strcmp(s, "-") || strchr(s, '/');
}

/* Parse a side's argument; opening a file is part of checking it. */
static int side_arg(const char *s, struct side *sd, struct buf_ref *ref)
{
	memset(sd, 0, sizeof(*sd));
	sd->text = s;
	sd->fd = -1;
	if (!is_file_arg(s))
		return arg_ref(s, ref);
	if (!strcmp(s, "-")) {
		sd->fd = STDIN_FILENO;
	} else {
		sd->fd = open(s, O_RDONLY | O_CLOEXEC);
		if (sd->fd < 0) {
			int err = errno;

			return cli_usage("cmp: cannot open '%s': %s", s,
					 strerror(err));
		}
	}
	sd->buf = malloc(CHUNK);
	if (!sd->buf)
		return cli_fail(ENOMEM, "cmp");
	return 0;
}

/* Skip @off bytes of a file: seek if it can, else read them away. */
static int side_skip(struct side *sd, uint64_t off)
{
	while (off) {
		ssize_t n;

		if (lseek(sd->fd, (off_t)off, SEEK_CUR) >= 0)
			return 0;
		n = read(sd->fd, sd->buf, off > CHUNK ? CHUNK : (size_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		off -= (uint64_t)n;
	}
	return 0;
}

/* The next bytes of a side: *@p and the count, 0 at the end; or -errno. */
static ssize_t side_next(struct side *sd, uint64_t limit,
			 const unsigned char **p)
{
	if (sd->fd < 0) {
		uint64_t left = sd->m.len - sd->pos;

		if (left > limit)
			left = limit;
		*p = sd->m.p + sd->pos;
		return left > CHUNK ? CHUNK : (ssize_t)left;
	}
	if (sd->at == sd->have && !sd->eof) {
		ssize_t n;

		do {
			n = read(sd->fd, sd->buf, CHUNK);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		sd->have = (size_t)n;
		sd->at = 0;
		sd->eof = !n;
	}
	*p = sd->buf + sd->at;
	if ((uint64_t)(sd->have - sd->at) > limit)
		return (ssize_t)limit;
	return (ssize_t)(sd->have - sd->at);
}

static void side_consume(struct side *sd, size_t n)
{
	sd->pos += n;
	if (sd->fd >= 0)
		sd->at += n;
}

static void side_close(struct side *sd)
{
	unmap_range(&sd->m);
	if (sd->fd > STDIN_FILENO)
		close(sd->fd);
	free(sd->buf);
}

/* cmp(1)'s words for where the shorter input ended. */
static void eof_message(const struct side *sd, uint64_t lines, int at_line_start)
{
	if (!sd->pos)
		cli_err("EOF on %s which is empty", sd->text);
	else if (at_line_start)
		cli_err("EOF on %s after byte %llu, line %llu", sd->text,
			(unsigned long long)sd->pos, (unsigned long long)lines);
	else
		cli_err("EOF on %s after byte %llu, in line %llu", sd->text,
			(unsigned long long)sd->pos,
			(unsigned long long)lines + 1);
}

/* cmp's trouble is exit 2 or more: our 1 (failed) would read as "differ". */
static int cmp_trouble(int code)
{
	return code == EXIT_FAILED ? EXIT_USAGE : code;
}

int action_cmp(struct cli *cli)
{
	struct buf_ref ref[2];
	struct side sd[2];
	uint64_t off, len, lines = 0, limit;
	int i, ret, last_nl = 0;

	memset(sd, 0, sizeof(sd));
	sd[0].fd = sd[1].fd = -1;
	if (arg_offlen(cli, &off, &len))
		return EXIT_USAGE;
	ret = EXIT_OK;
	for (i = 0; i < 2 && !ret; i++) {
		ret = side_arg(cli->args[i], &sd[i], &ref[i]);
		if (ret) {
			ret = cmp_trouble(ret);
			goto out;
		}
	}
	if (sd[0].fd == STDIN_FILENO && sd[1].fd == STDIN_FILENO) {
		ret = cli_usage("cmp: standard input given twice");
		goto out;
	}
	for (i = 0; i < 2; i++) {
		if (sd[i].fd >= 0) {
			ret = side_skip(&sd[i], off);
			if (ret) {
				ret = cmp_trouble(cli_fail(ret, "cmp: %s", sd[i].text));
				goto out;
			}
			continue;
		}
		/* A range past a buffer's end is the caller's mistake. */
		ret = map_range(cli, &ref[i], off, len, PROT_READ, &sd[i].m);
		if (!ret)
			ret = sync_if_cached(&sd[i].m, &ref[i], CMAMEM_SYNC_FOR_CPU);
		if (ret) {
			ret = cmp_trouble(ret);
			goto out;
		}
	}
	limit = len ? len : UINT64_MAX;
	for (;;) {
		const unsigned char *p0, *p1;
		ssize_t n0 = side_next(&sd[0], limit - sd[0].pos, &p0);
		ssize_t n1 = side_next(&sd[1], limit - sd[1].pos, &p1);
		size_t n, k;

		if (n0 < 0 || n1 < 0) {
			i = n0 < 0 ? 0 : 1;
			ret = cmp_trouble(cli_fail((int)(n0 < 0 ? n0 : n1),
						   "cmp: read %s", sd[i].text));
			goto out;
		}
		if (!n0 || !n1) {
			if (n0 == n1) {
				ret = EXIT_OK;
			} else {
				if (!cli->quiet)
					eof_message(&sd[n0 ? 1 : 0], lines, last_nl);
				ret = 1;
			}
			goto out;
		}
		n = (size_t)(n0 < n1 ? n0 : n1);
		if (memcmp(p0, p1, n)) {
			for (k = 0; p0[k] == p1[k]; k++)
				lines += p0[k] == '\n';
			if (!cli->quiet)
				printf("%s %s differ: byte %llu, line %llu\n",
				       sd[0].text, sd[1].text,
				       (unsigned long long)(sd[0].pos + k + 1),
				       (unsigned long long)(lines + 1));
			ret = 1;
			goto out;
		}
		for (k = 0; k < n; k++)
			lines += p0[k] == '\n';
		last_nl = p0[n - 1] == '\n';
		side_consume(&sd[0], n);
		side_consume(&sd[1], n);
	}
out:
	side_close(&sd[0]);
	side_close(&sd[1]);
	return ret;
}

/*
 * copy SRC DST: SRC's range into DST at --dest-offset. The same buffer on
 * both sides is mapped once and moved with memmove(), since two mappings
 * of one buffer would hide an overlap from it.
 */
int action_copy(struct cli *cli)
{
	struct buf_ref src, dst;
	struct mapped ms, md, *to;
	struct progress pr;
	uint64_t off, len, doff, pos;
	int same, ret;

	if (arg_ref(cli->args[0], &src) || arg_ref(cli->args[1], &dst) ||
	    arg_offlen(cli, &off, &len))
		return EXIT_USAGE;
	doff = off;
	if (cli->dest_offset && arg_size("--dest-offset", cli->dest_offset, &doff))
		return EXIT_USAGE;

	memset(&md, 0, sizeof(md));
	ret = map_range(cli, &src, off, len, PROT_READ | PROT_WRITE, &ms);
	if (ret)
		return ret;
	len = ms.len;
	same = (dst.id && dst.id == ms.info.id) ||
	       (dst.name && !strcmp(dst.name, ms.info.name));
	if (same) {
		/* Remap the whole buffer: both ranges lie in it. */
		unmap_range(&ms);
		ret = map_range(cli, &src, 0, 0, PROT_READ | PROT_WRITE, &ms);
	} else {
		/* All of DST, so its range is checked here, in its own words. */
		ret = map_range(cli, &dst, 0, 0, PROT_READ | PROT_WRITE, &md);
	}
	if (ret) {
		unmap_range(&ms);
		return ret;
	}
	to = same ? &ms : &md;
	if (doff >= to->len || len > to->len - doff) {
		ret = cli_usage("copy: %llu bytes at --dest-offset %llu run past the end of buffer %s (%llu bytes)",
				(unsigned long long)len, (unsigned long long)doff,
				dst.text, (unsigned long long)to->len);
		goto out;
	}
	ret = sync_if_cached(&ms, &src, CMAMEM_SYNC_FOR_CPU);
	if (!ret && !same)
		ret = sync_if_cached(&md, &dst, CMAMEM_SYNC_FOR_CPU);
	if (ret)
		goto out;
	progress_init(&pr, cli, "copy", len, 1);
	if (same) {
		/* One move: chunking an overlapping move would need care. */
		memmove(ms.p + doff, ms.p + off, (size_t)len);
		progress_add(&pr, len);
	} else {
		for (pos = 0; pos < len; pos += CHUNK) {
			memcpy(md.p + doff + pos, ms.p + pos, step(pos, len));
			progress_add(&pr, step(pos, len));
		}
	}
	progress_end(&pr);
	ret = sync_if_cached(same ? &ms : &md, &dst, CMAMEM_SYNC_FOR_DEVICE);
	if (!ret)
		cli_note(cli, "copied %llu bytes from %s at %llu to %s at %llu",
			 (unsigned long long)len, src.text,
			 (unsigned long long)off, dst.text,
			 (unsigned long long)doff);
out:
	unmap_range(&md);
	unmap_range(&ms);
	return ret;
}
