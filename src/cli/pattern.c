// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pattern generation in 64-bit words into a small staging block, then
 * memcpy to the destination: the generator runs in L1, and the (possibly
 * uncached) destination sees only wide sequential stores.
 */
#include <endian.h>
#include <string.h>

#include "pattern.h"

#define GOLDEN_GAMMA	0x9e3779b97f4a7c15ULL
#define STAGE_WORDS	2048	/* 16 KiB: well inside L1 + L2 */

uint64_t splitmix64_nth(uint64_t seed, uint64_t n)
{
	/* The classic generator adds the gamma before each output. */
	uint64_t z = seed + (n + 1) * GOLDEN_GAMMA;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The 8 bytes at the 8-aligned position @pos, as a little-endian word. */
static uint64_t word_at(const struct pattern *pt, uint64_t pos)
{
	uint64_t w32, i;

	switch (pt->kind) {
	case PATTERN_BYTE:
		return (pt->value & 0xff) * 0x0101010101010101ULL;
	case PATTERN_WORD:
		w32 = pt->value & 0xffffffffULL;
		return w32 | (w32 << 32);
	case PATTERN_COUNTER:
		i = pos / 4;
		return (i & 0xffffffffULL) | (((i + 1) & 0xffffffffULL) << 32);
	case PATTERN_RANDOM:
	default:
		return splitmix64_nth(pt->value, pos / 8);
	}
}

/* One staging block of @words words for the 8-aligned position @pos. */
static void stage(const struct pattern *pt, uint64_t pos, uint64_t *buf,
		  size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		buf[i] = htole64(word_at(pt, pos + 8 * i));
}

void pattern_fill(const struct pattern *pt, uint64_t pos, unsigned char *dst,
		  size_t len)
{
	uint64_t buf[STAGE_WORDS];
	/* Byte and word patterns repeat every 8 bytes: stage them once. */
	int periodic = pt->kind == PATTERN_BYTE || pt->kind == PATTERN_WORD;
	int staged = 0;

	if (pt->kind == PATTERN_BYTE) {
		memset(dst, (int)(pt->value & 0xff), len);
		return;
	}
	while (len) {
		uint64_t base = pos & ~7ULL;	/* the block starts aligned */
		size_t skip = (size_t)(pos - base);
		size_t n = sizeof(buf) - skip;

		if (n > len)
			n = len;
		if (!periodic || !staged) {
			/* Only the words this chunk touches. */
			stage(pt, periodic ? 0 : base, buf,
			      periodic ? STAGE_WORDS : (skip + n + 7) / 8);
			staged = 1;
		}
		memcpy(dst, (const unsigned char *)buf + skip, n);
		dst += n;
		pos += n;
		len -= n;
	}
}
