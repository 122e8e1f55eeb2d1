/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bytes `cmamem fill` writes. Every pattern is a function of the byte's
 * position in the buffer (not in the filled range), so filling a range
 * writes exactly what filling the whole buffer would have written there, and
 * a test can regenerate any byte from its offset alone:
 *
 *   byte:    every byte is the value
 *   word:    the 32-bit value, little-endian, repeated from offset 0
 *   counter: the 32-bit little-endian word at offset 4*i holds i (mod 2^32)
 *   random:  splitmix64 seeded with the seed; its n-th output (n from 0) is
 *            the little-endian 64-bit word at offset 8*n
 */
#ifndef CMAMEM_CLI_PATTERN_H
#define CMAMEM_CLI_PATTERN_H

#include <stddef.h>
#include <stdint.h>

enum pattern_kind {
	PATTERN_BYTE,
	PATTERN_WORD,
	PATTERN_COUNTER,
	PATTERN_RANDOM,
};

struct pattern {
	enum pattern_kind kind;
	uint64_t value;		/* the byte, the word, or the seed */
};

/* splitmix64's n-th output (n = 0 first) for @seed: random access. */
uint64_t splitmix64_nth(uint64_t seed, uint64_t n);

/*
 * Write the pattern's bytes for buffer positions [@pos, @pos + @len) to
 * @dst. @dst may be uncached or write-combined memory: it is written
 * sequentially with memset/memcpy from a cache-resident staging block.
 */
void pattern_fill(const struct pattern *pt, uint64_t pos, unsigned char *dst,
		  size_t len);

#endif
