// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * od -A x -t xN, reimplemented so dump needs no od on the board. The
 * squeezing rule is od's: a full line equal to the previous full line is
 * not printed, and the first of a run prints "*"; a short last line always
 * prints.
 */
#include <errno.h>
#include <string.h>

#include "odfmt.h"

static const char hexdigits[] = "0123456789abcdef";

void odfmt_init(struct odfmt *o, FILE *fp, uint64_t base, unsigned int width,
		int big)
{
	memset(o, 0, sizeof(*o));
	o->fp = fp;
	o->addr = base;
	o->width = width;
	o->big = big;
}

static void put_line(struct odfmt *o, const unsigned char *b, size_t n)
{
	/* 16 bytes are at most 16 words of " xx": 48 characters. */
	char line[24 + 48 + 2];
	size_t len = (size_t)snprintf(line, 24, "%06llx",
				      (unsigned long long)o->addr);
	size_t w, i;

	for (w = 0; w < n; w += o->width) {
		line[len++] = ' ';
		for (i = 0; i < o->width; i++) {
			/* Most significant byte first: the last one if little. */
			unsigned char c = o->big ? b[w + i] : b[w + o->width - 1 - i];

			line[len++] = hexdigits[c >> 4];
			line[len++] = hexdigits[c & 0xf];
		}
	}
	line[len++] = '\n';
	fwrite(line, 1, len, o->fp);
}

int odfmt_feed(struct odfmt *o, const unsigned char *data, size_t len)
{
	while (len) {
		int full = len >= 16;
		size_t n = full ? 16 : len;

		if (full && o->have_prev && !memcmp(o->prev, data, 16)) {
			if (!o->squeezed) {
				fputs("*\n", o->fp);
				o->squeezed = 1;
			}
		} else {
			put_line(o, data, n);
			o->squeezed = 0;
		}
		if (full) {
			memcpy(o->prev, data, 16);
			o->have_prev = 1;
		}
		o->addr += n;
		data += n;
		len -= n;
	}
	return ferror(o->fp) ? -EIO : 0;
}

int odfmt_finish(struct odfmt *o)
{
	fprintf(o->fp, "%06llx\n", (unsigned long long)o->addr);
	if (fflush(o->fp) || ferror(o->fp))
		return errno ? -errno : -EIO;
	return 0;
}
