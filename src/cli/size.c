// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The size parser. It does its own digit loop rather than strtoull, which
 * accepts leading spaces, a sign (and negates "-1" into a huge number) and
 * octal, all of which would turn a typo into a silently wrong size.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "size.h"

struct suffix {
	const char *text;
	unsigned int shift;
};

/* Matched case-insensitively; "" is plain bytes. */
static const struct suffix suffixes[] = {
	{ "", 0 },
	{ "k", 10 }, { "kib", 10 },
	{ "m", 20 }, { "mib", 20 },
	{ "g", 30 }, { "gib", 30 },
	{ "t", 40 }, { "tib", 40 },
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_size(const char *s, uint64_t *out, const char **why)
{
	unsigned int base = 10;
	uint64_t v = 0;
	const char *p = s;
	size_t i;

	*out = 0;
	if (!s || !*s) {
		*why = "empty";
		return -1;
	}
	if (*p == '-') {
		*why = "negative";
		return -1;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p || hexval((unsigned char)*p) < 0 ||
	    (unsigned int)hexval((unsigned char)*p) >= base) {
		*why = "not a number";
		return -1;
	}
	for (; *p; p++) {
		int d = hexval((unsigned char)*p);

		if (d < 0 || (unsigned int)d >= base)
			break;
		if (v > (UINT64_MAX - (unsigned int)d) / base) {
			*why = "too large";
			return -1;
		}
		v = v * base + (unsigned int)d;
	}
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strcasecmp(p, suffixes[i].text))
			continue;
		if (suffixes[i].shift && v > (UINT64_MAX >> suffixes[i].shift)) {
			*why = "too large";
			return -1;
		}
		*out = v << suffixes[i].shift;
		return 0;
	}
	*why = (*p == '.' || *p == ',') ? "fractions are not accepted" :
	       "unknown suffix (use K, M, G, T)";
	return -1;
}

void human(uint64_t v, char *out, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024 && !(v % 1024)) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, len, "%" PRIu64, v);
	else
		snprintf(out, len, "%" PRIu64 "%c", v, units[u]);
}

struct hsize hs(uint64_t v)
{
	struct hsize h = { "" };

	human(v, h.s, sizeof(h.s));
	return h;
}
