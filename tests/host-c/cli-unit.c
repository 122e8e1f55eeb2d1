// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli-unit: the CLI's device-free logic, runnable from host tests. Built
 * from the same sources as cmamem, so what it prints is what cmamem does.
 *
 *   cli-unit hexdump FILE [SKIP [LENGTH]]   as `hexdump -C -s SKIP -n LENGTH`
 *   cli-unit size STRING                    the parsed size, or exit 2
 *   cli-unit pattern KIND VALUE POS LEN     the bytes `fill` would write at
 *                                           buffer positions [POS, POS+LEN);
 *                                           KIND: byte, word, counter, random
 *   cli-unit od FILE WIDTH ENDIAN [SKIP [LENGTH]]
 *                                           as `od -A x -t xWIDTH --endian
 *                                           ENDIAN -j SKIP -N LENGTH`
 *   cli-unit digest ALGO FILE               checksum's digest of FILE
 *
 * hexdump feeds the file through in odd-sized (but 16-multiple) chunks, as
 * dump does, so line and squeeze state must survive chunk boundaries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "digest.h"
#include "hexdump.h"
#include "odfmt.h"
#include "pattern.h"
#include "size.h"

static int unit_hexdump(int argc, char **argv)
{
	uint64_t skip = 0, len = UINT64_MAX, pos = 0;
	static unsigned char buf[4096 + 48];	/* not a power of two */
	struct hexdump *hd;
	FILE *in;
	int ret = 0;

	if (argc > 3 && arg_size("SKIP", argv[3], &skip))
		return EXIT_USAGE;
	if (argc > 4 && arg_size("LENGTH", argv[4], &len))
		return EXIT_USAGE;
	in = fopen(argv[2], "rb");
	if (!in)
		return cli_fail(errno, "%s", argv[2]);
	if (skip && fseek(in, (long)skip, SEEK_SET)) {
		fclose(in);
		return cli_fail(errno, "seek");
	}
	hd = malloc(sizeof(*hd));
	if (!hd) {
		fclose(in);
		return EXIT_FAILED;
	}
	hexdump_init(hd, stdout, skip);
	while (pos < len && !ret) {
		size_t want = len - pos < sizeof(buf) ? (size_t)(len - pos) : sizeof(buf);
		size_t n = fread(buf, 1, want, in);

		if (!n)
			break;
		ret = hexdump_feed(hd, buf, n);
		pos += n;
		if (n < want)
			break;
	}
	if (!ret)
		ret = hexdump_finish(hd);
	free(hd);
	fclose(in);
	return ret ? EXIT_FAILED : EXIT_OK;
}

static int unit_pattern(char **argv)
{
	static const char *const kinds[] = { "byte", "word", "counter", "random", NULL };
	static const enum pattern_kind kind_of[] = {
		PATTERN_BYTE, PATTERN_WORD, PATTERN_COUNTER, PATTERN_RANDOM,
	};
	struct pattern pt;
	uint64_t pos, len;
	unsigned char *buf;
	int k;

	if (arg_word("KIND", argv[2], kinds, &k) ||
	    arg_u64("VALUE", argv[3], &pt.value) ||
	    arg_size("POS", argv[4], &pos) || arg_size("LEN", argv[5], &len))
		return EXIT_USAGE;
	pt.kind = kind_of[k];
	buf = malloc(len ? (size_t)len : 1);
	if (!buf)
		return EXIT_FAILED;
	pattern_fill(&pt, pos, buf, (size_t)len);
	fwrite(buf, 1, (size_t)len, stdout);
	free(buf);
	return EXIT_OK;
}

/* The file in one piece (tests use small files), fed in odd chunks. */
static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	size_t cap = 0;
	FILE *in = fopen(path, "rb");

	*len = 0;
	if (!in)
		return NULL;
	for (;;) {
		size_t n;

		if (*len == cap) {
			unsigned char *grown = realloc(buf, cap + 65536);

			if (!grown)
				break;
			buf = grown;
			cap += 65536;
		}
		n = fread(buf + *len, 1, cap - *len, in);
		if (!n)
			break;
		*len += n;
	}
	fclose(in);
	return buf ? buf : malloc(1);
}

static int unit_od(int argc, char **argv)
{
	static const char *const orders[] = { "little", "big", NULL };
	uint64_t width, skip = 0, len = UINT64_MAX, pos;
	struct odfmt od;
	unsigned char *buf;
	size_t size;
	int big;

	if (arg_u64("WIDTH", argv[3], &width) ||
	    arg_word("ENDIAN", argv[4], orders, &big) ||
	    (argc > 5 && arg_size("SKIP", argv[5], &skip)) ||
	    (argc > 6 && arg_size("LENGTH", argv[6], &len)))
		return EXIT_USAGE;
	buf = slurp(argv[2], &size);
	if (!buf)
		return cli_fail(errno, "%s", argv[2]);
	if (skip > size)
		skip = size;
	if (len > size - skip)
		len = size - skip;
	odfmt_init(&od, stdout, skip, (unsigned int)width, big);
	/* 4096 + 48 bytes a call: a multiple of 16 that is not a power of two. */
	for (pos = 0; pos < len; pos += 4144)
		odfmt_feed(&od, buf + skip + pos,
			   len - pos < 4144 ? (size_t)(len - pos) : 4144);
	odfmt_finish(&od);
	free(buf);
	return EXIT_OK;
}

static int unit_digest(char **argv)
{
	char hex[DIGEST_HEX_MAX];
	struct digest d;
	unsigned char *buf;
	size_t size, pos;
	int algo;

	if (arg_word("ALGO", argv[2], digest_names, &algo))
		return EXIT_USAGE;
	buf = slurp(argv[3], &size);
	if (!buf)
		return cli_fail(errno, "%s", argv[3]);
	if (digest_init(&d, (enum digest_algo)algo)) {
		free(buf);
		return EXIT_FAILED;
	}
	/* Odd pieces: a digest must not depend on how it was fed. */
	for (pos = 0; pos < size; pos += 1000)
		digest_update(&d, buf + pos, size - pos < 1000 ? size - pos : 1000);
	free(buf);
	if (digest_final(&d, hex))
		return EXIT_FAILED;
	puts(hex);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	uint64_t v;

	if (argc >= 3 && !strcmp(argv[1], "hexdump"))
		return unit_hexdump(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "size")) {
		if (arg_size("SIZE", argv[2], &v))
			return EXIT_USAGE;
		printf("%llu\n", (unsigned long long)v);
		return EXIT_OK;
	}
	if (argc == 6 && !strcmp(argv[1], "pattern"))
		return unit_pattern(argv);
	if (argc >= 5 && argc <= 7 && !strcmp(argv[1], "od"))
		return unit_od(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "digest"))
		return unit_digest(argv);
	fputs("usage: cli-unit hexdump FILE [SKIP [LENGTH]] | size STRING |"
	      " pattern KIND VALUE POS LEN | od FILE WIDTH ENDIAN [SKIP [LENGTH]] |"
	      " digest ALGO FILE\n", stderr);
	return EXIT_USAGE;
}
