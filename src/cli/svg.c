// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SVG writer (svg.h). Every attribute value and every text is escaped:
 * the names drawn come from the kernel (CMA areas, buffers, dma-bufs) and
 * must not break the document. Bytes outside printable ASCII become '?',
 * since an invalid UTF-8 sequence would make the file ill-formed too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "svg.h"

static void escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(c >= 0x20 && c < 0x7f ? c : '?', f);
		}
	}
}

void svg_vtext(FILE *f, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0) {
		/* Out of memory: the caller sees the stream's error at the end. */
		fputs("?", f);
		return;
	}
	escape(f, s);
	free(s);
}

void svg_begin(FILE *f, double width, double height)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	svg_tag(f, "svg");
	svg_attr(f, "xmlns", "http://www.w3.org/2000/svg");
	svg_attr(f, "width", "%.0f", width);
	svg_attr(f, "height", "%.0f", height);
	svg_attr(f, "viewBox", "0 0 %.0f %.0f", width, height);
	svg_attr(f, "font-family", "sans-serif");
	svg_attr(f, "font-size", "12");
	svg_open(f);
}

void svg_end(FILE *f)
{
	svg_close(f, "svg");
}

void svg_tag(FILE *f, const char *name)
{
	fprintf(f, "<%s", name);
}

void svg_attr(FILE *f, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, " %s=\"", name);
	va_start(ap, fmt);
	svg_vtext(f, fmt, ap);
	va_end(ap);
	fputc('"', f);
}

void svg_open(FILE *f)
{
	fputs(">", f);
}

void svg_empty(FILE *f)
{
	fputs("/>\n", f);
}

void svg_close(FILE *f, const char *name)
{
	fprintf(f, "</%s>\n", name);
}

void svg_text(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	svg_vtext(f, fmt, ap);
	va_end(ap);
}
