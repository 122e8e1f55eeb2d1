// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hexdump -C, reimplemented for speed: each line is built in place from
 * lookup tables into a 64K buffer that goes out with one fwrite, so dumping
 * a large buffer costs about as much as the memory read. The squeezing rule
 * is util-linux's: a full line equal to the previous full line is not
 * printed; the first of a run prints "*". A short (last) line always prints.
 */
#include <errno.h>
#include <string.h>

#include "hexdump.h"

static const char hexdigits[] = "0123456789abcdef";

/* Where '|' starts on a line whose address has 8 digits. */
#define ASCII_COL	60
/* The longest line: a 16-digit address, then the 8-digit line's layout. */
#define LINE_MAX_LEN	(16 + ASCII_COL - 8 + 1 + 16 + 2)

void hexdump_init(struct hexdump *hd, FILE *fp, uint64_t base)
{
	memset(hd, 0, sizeof(*hd));
	hd->fp = fp;
	hd->addr = base;
}

static int flush_out(struct hexdump *hd)
{
	if (hd->used && fwrite(hd->out, 1, hd->used, hd->fp) != hd->used)
		return errno ? -errno : -EIO;
	hd->used = 0;
	return 0;
}

/* "%08" PRIx64 without printf: at least 8 digits, more when needed. */
static size_t put_addr(char *p, uint64_t addr)
{
	int digits = 8;
	int i;

	while (digits < 16 && (addr >> (4 * digits)))
		digits++;
	for (i = digits - 1; i >= 0; i--) {
		p[i] = hexdigits[addr & 0xf];
		addr >>= 4;
	}
	return (size_t)digits;
}

/* Append "ADDR\n" to the buffer. */
static void put_addr_line(struct hexdump *hd, uint64_t addr)
{
	char *p = hd->out + hd->used;
	size_t n = put_addr(p, addr);

	p[n] = '\n';
	hd->used += n + 1;
}

/* Append one formatted line of @n (1..16) bytes. */
static void put_line(struct hexdump *hd, const unsigned char *b, size_t n)
{
	char *line = hd->out + hd->used;
	size_t w = put_addr(line, hd->addr);
	char *hex = line + w;		/* the two spaces after the address */
	char *ascii;
	size_t i;

	/* Blank the hex area, then drop the digits into their columns. */
	memset(hex, ' ', ASCII_COL - 8);
	for (i = 0; i < n; i++) {
		char *d = hex + 2 + 3 * i + (i >= 8);

		d[0] = hexdigits[b[i] >> 4];
		d[1] = hexdigits[b[i] & 0xf];
	}
	ascii = hex + ASCII_COL - 8;
	*ascii++ = '|';
	for (i = 0; i < n; i++)
		/* hexdump's %_p: printable ASCII as is, all else '.'. */
		ascii[i] = (b[i] >= 0x20 && b[i] < 0x7f) ? (char)b[i] : '.';
	ascii[n] = '|';
	ascii[n + 1] = '\n';
	hd->used += (size_t)(ascii + n + 2 - line);
}

int hexdump_feed(struct hexdump *hd, const unsigned char *data, size_t len)
{
	int ret;

	while (len) {
		int full = len >= 16;
		size_t n = full ? 16 : len;

		if (hd->used > sizeof(hd->out) - LINE_MAX_LEN) {
			ret = flush_out(hd);
			if (ret)
				return ret;
		}
		if (full && hd->have_prev && !memcmp(hd->prev, data, 16)) {
			if (!hd->squeezed) {
				hd->out[hd->used++] = '*';
				hd->out[hd->used++] = '\n';
				hd->squeezed = 1;
			}
		} else {
			put_line(hd, data, n);
			hd->squeezed = 0;
		}
		if (full) {
			memcpy(hd->prev, data, 16);
			hd->have_prev = 1;
		} else {
			hd->partial = 1;
		}
		hd->addr += n;
		data += n;
		len -= n;
	}
	return 0;
}

int hexdump_finish(struct hexdump *hd)
{
	int ret;

	/* Empty input prints nothing at all, as hexdump does. */
	if (hd->have_prev || hd->partial) {
		if (hd->used > sizeof(hd->out) - LINE_MAX_LEN) {
			ret = flush_out(hd);
			if (ret)
				return ret;
		}
		put_addr_line(hd, hd->addr);
	}
	ret = flush_out(hd);
	if (ret)
		return ret;
	if (fflush(hd->fp))
		return errno ? -errno : -EIO;
	return 0;
}
