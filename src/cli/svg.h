/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small SVG writer: elements, attributes and text, escaped for XML, one
 * element a line. It knows nothing of what is drawn (area-svg.c does).
 *
 *   svg_begin(f, 200, 100);
 *   svg_tag(f, "rect"); svg_attr(f, "width", "%d", 10); svg_empty(f);
 *   svg_tag(f, "text"); svg_open(f); svg_text(f, "%s", name); svg_close(f, "text");
 *   svg_end(f);
 */
#ifndef CMAMEM_CLI_SVG_H
#define CMAMEM_CLI_SVG_H

#include <stdarg.h>
#include <stdio.h>

/* The XML declaration and the <svg> element, @width by @height pixels. */
void svg_begin(FILE *f, double width, double height);
void svg_end(FILE *f);

/* "<name", then attributes, then svg_open() (">") or svg_empty() ("/>"). */
void svg_tag(FILE *f, const char *name);
void svg_attr(FILE *f, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void svg_open(FILE *f);
void svg_empty(FILE *f);
void svg_close(FILE *f, const char *name);

/* Character data, inside an open element. */
void svg_text(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void svg_vtext(FILE *f, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
