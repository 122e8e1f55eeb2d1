/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sizes on the command line, one syntax everywhere (alloc, --align,
 * --offset, --length, and later limits):
 *
 *   4096      decimal bytes
 *   0x1000    hexadecimal bytes (0X too)
 *   64K 8M 1G 2T   binary multiples (1K = 1024), suffix in either case,
 *             also spelled KiB, MiB, GiB, TiB
 *
 * No sign, no spaces, no fractions, no octal (a leading 0 is decimal).
 */
#ifndef CMAMEM_CLI_SIZE_H
#define CMAMEM_CLI_SIZE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse @s into @out. Return 0, or -1 with @why set to a short reason
 * ("empty", "not a number", "unknown suffix", "too large", ...).
 */
int parse_size(const char *s, uint64_t *out, const char **why);

/*
 * @v in that syntax where it is exact ("64K", "48M"), else in bytes, so a
 * message's number can be pasted back as an argument.
 */
void human(uint64_t v, char *out, size_t len);

/* human() into a buffer of its own, for printf arguments: hs(v).s. */
struct hsize {
	char s[32];
};
struct hsize hs(uint64_t v);

#endif
