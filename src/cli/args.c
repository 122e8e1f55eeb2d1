// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Argument parsers. Each takes the argument's name for its message, so a
 * mistake is reported as e.g. "invalid --length '8Q': unknown suffix" on one
 * line, and returns EXIT_USAGE before anything touches the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/cma_mem.h>

#include "cli.h"
#include "size.h"

int arg_size(const char *what, const char *s, uint64_t *out)
{
	const char *why;

	if (parse_size(s, out, &why))
		return cli_usage("invalid %s '%s': %s", what, s, why);
	return 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The length of @s's "DIGITS:" prefix, or 0 if it has none. */
static size_t owner_prefix(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n && s[n] == ':' ? n + 1 : 0;
}

/*
 * Ids are all digits and names never are, so the two cannot be confused:
 * "12" is buffer 12, "cam12" is the buffer named cam12. Nor do names start
 * with "DIGITS:", so "1000:cam12" is uid 1000's buffer cam12, the way root
 * names another user's buffer (a plain name is always the caller's own).
 */
int arg_ref(const char *s, struct buf_ref *ref)
{
	size_t prefix = owner_prefix(s);

	memset(ref, 0, sizeof(*ref));
	ref->text = s;
	if (prefix) {
		uint64_t v = 0;
		size_t i;

		for (i = 0; i + 1 < prefix; i++) {
			v = v * 10 + (uint64_t)(s[i] - '0');
			if (v > UINT32_MAX)
				return cli_usage("invalid buffer '%s': uid too large",
						 s);
		}
		if (arg_name("buffer name", s + prefix))
			return EXIT_USAGE;
		ref->has_owner = 1;
		ref->owner = (uint32_t)v;
		ref->name = s + prefix;
		return 0;
	}
	if (all_digits(s)) {
		uint64_t v = 0;

		for (; *s; s++) {
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > UINT32_MAX)
				return cli_usage("invalid buffer id '%s': too large",
						 ref->text);
		}
		if (!v)
			return cli_usage("invalid buffer id '%s': ids start at 1",
					 ref->text);
		ref->id = (uint32_t)v;
		return 0;
	}
	if (arg_name("buffer name", s))
		return EXIT_USAGE;
	ref->name = s;
	return 0;
}

/* The kernel's rule (<linux/cma_mem.h>: CMA_MEM_NAME_MAX bytes that pass
 * cma_mem_name_char_valid()),
 * plus ours: not all digits, since such a name would read as an id, and no
 * "DIGITS:" prefix, which would read as UID:NAME. */
int arg_name(const char *what, const char *s)
{
	const char *p;

	if (!*s)
		return cli_usage("invalid %s '': empty", what);
	if (strlen(s) > CMA_MEM_NAME_MAX)
		return cli_usage("invalid %s '%s': longer than %d bytes", what,
				 s, CMA_MEM_NAME_MAX);
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/')
			return cli_usage("invalid %s '%s': contains '/'", what, s);
		if (!cma_mem_name_char_valid(c))
			return cli_usage("invalid %s: byte %zu is a space or not printable ASCII",
					 what, (size_t)(p - s));
	}
	if (all_digits(s))
		return cli_usage("invalid %s '%s': all digits (that is an id)",
				 what, s);
	if (owner_prefix(s))
		return cli_usage("invalid %s '%s': starts with digits and ':' (that is UID:NAME)",
				 what, s);
	return 0;
}

/* Digits in @base (16 after an optional 0x, else 10) up to @max. */
static int parse_uint(const char *s, int hex_only, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (hex_only) {
		base = 16;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -1;
		if (v > (max - d) / base)
			return -2;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int uint_arg(const char *what, const char *s, int hex_only,
		    uint64_t max, const char *range, uint64_t *out)
{
	int ret = parse_uint(s, hex_only, max, out);

	if (ret == -1)
		return cli_usage("invalid %s '%s': not a number", what, s);
	if (ret == -2)
		return cli_usage("invalid %s '%s': out of range (%s)", what, s,
				 range);
	return 0;
}

int arg_u8(const char *what, const char *s, uint64_t *out)
{
	return uint_arg(what, s, 0, 0xff, "0 to 255", out);
}

int arg_hex32(const char *what, const char *s, uint64_t *out)
{
	return uint_arg(what, s, 1, 0xffffffffULL, "at most 8 hex digits", out);
}

int arg_u64(const char *what, const char *s, uint64_t *out)
{
	return uint_arg(what, s, 0, UINT64_MAX, "64 bits", out);
}

int arg_word(const char *what, const char *s, const char *const *words,
	     int *index)
{
	char list[128];
	size_t n = 0;
	int i;

	for (i = 0; words[i]; i++) {
		if (!strcmp(s, words[i])) {
			*index = i;
			return 0;
		}
	}
	/* "a, b or c", for the message. */
	list[0] = '\0';
	for (i = 0; words[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      !i ? "" : words[i + 1] ? ", " : " or ",
				      words[i]);
	return cli_usage("invalid %s '%s': expected %s", what, s, list);
}

int arg_seconds(const char *what, const char *s, double min, double max,
		double *out)
{
	size_t digits = strspn(s, "0123456789"), frac = 0;

	/* Decimal digits and one point: strtod() alone takes "inf", "1e3". */
	if (s[digits] == '.')
		frac = strspn(s + digits + 1, "0123456789") + 1;
	if ((!digits && frac < 2) || s[digits + frac])
		return cli_usage("invalid %s '%s': not a number of seconds (such as 2 or 0.5)",
				 what, s);
	*out = strtod(s, NULL);
	if (*out < min || *out > max)
		return cli_usage("invalid %s '%s': out of range (%g to %g seconds)",
				 what, s, min, max);
	return 0;
}

int arg_offlen(const struct cli *cli, uint64_t *off, uint64_t *len)
{
	*off = 0;
	*len = 0;
	if (cli->offset && arg_size("--offset", cli->offset, off))
		return EXIT_USAGE;
	if (cli->length) {
		if (arg_size("--length", cli->length, len))
			return EXIT_USAGE;
		if (!*len)
			return cli_usage("invalid --length '%s': must not be 0",
					 cli->length);
	}
	return 0;
}

/* After the buffer is known: still a usage error, the range was ours. */
int range_check(const struct buf_ref *ref, uint64_t size, uint64_t off,
		uint64_t *len)
{
	if (off >= size)
		return cli_usage("--offset %llu is past the end of buffer %s (%llu bytes)",
				 (unsigned long long)off, ref->text,
				 (unsigned long long)size);
	if (!*len)
		*len = size - off;
	else if (*len > size - off)
		return cli_usage("--offset %llu --length %llu runs past the end of buffer %s (%llu bytes)",
				 (unsigned long long)off,
				 (unsigned long long)*len, ref->text,
				 (unsigned long long)size);
	return 0;
}
