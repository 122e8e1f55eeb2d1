/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `hexdump -C` format, byte for byte: 16 bytes a line, '*' for a run of
 * lines equal to the one before, and the end address on a line of its own.
 */
#ifndef CMAMEM_CLI_HEXDUMP_H
#define CMAMEM_CLI_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct hexdump {
	FILE *fp;
	uint64_t addr;		/* the address of the next line */
	unsigned char prev[16];	/* the last full line seen */
	int have_prev;
	int squeezed;		/* a '*' stands for the lines since prev printed */
	int partial;		/* a short line was fed: nothing may follow */
	size_t used;		/* bytes waiting in out[] */
	char out[64 * 1024];	/* lines are built here and written in bulk */
};

/* Start a dump whose first byte has address @base (hexdump's -s). */
void hexdump_init(struct hexdump *hd, FILE *fp, uint64_t base);

/*
 * Format @len bytes. Every call but the last must pass a multiple of 16
 * bytes, so lines never straddle calls. Return: 0, or -errno of a write.
 */
int hexdump_feed(struct hexdump *hd, const unsigned char *data, size_t len);

/* Write the end address line (if anything was fed) and flush. 0 or -errno. */
int hexdump_finish(struct hexdump *hd);

#endif
