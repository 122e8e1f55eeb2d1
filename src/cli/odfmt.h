/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `dump --format u8|u16|u32|u64`: the output of GNU
 * `od -A x -t xN [--endian=big]`, byte for byte: a 6-digit (or wider) hex
 * address, then 16 bytes a line as N-byte words in zero-padded lowercase
 * hex, one space before each; '*' for a run of lines equal to the line
 * before; the end address on a line of its own.
 */
#ifndef CMAMEM_CLI_ODFMT_H
#define CMAMEM_CLI_ODFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct odfmt {
	FILE *fp;
	unsigned int width;	/* bytes a word: 1, 2, 4 or 8 */
	int big;		/* big-endian words */
	uint64_t addr;		/* the address of the next line */
	unsigned char prev[16];
	int have_prev, squeezed;
};

void odfmt_init(struct odfmt *o, FILE *fp, uint64_t base, unsigned int width,
		int big);
/*
 * Format @len bytes, a multiple of the word size. Every call but the last
 * must pass a multiple of 16. Return: 0, or -errno of a write.
 */
int odfmt_feed(struct odfmt *o, const unsigned char *data, size_t len);
/* The end address line, and flush. 0 or -errno. */
int odfmt_finish(struct odfmt *o);

#endif
