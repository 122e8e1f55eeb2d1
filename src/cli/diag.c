// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Diagnostics and exit codes. Every message is one line on stderr starting
 * "cmamem: ", so scripts can grep for it and people can read it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void vmsg(const char *fmt, va_list ap, const char *tail)
{
	fputs("cmamem: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (tail)
		fprintf(stderr, ": %s", tail);
	fputc('\n', stderr);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}

/* Progress notes for --verbose; --quiet wins if both are given. */
void cli_note(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (!cli->verbose || cli->quiet)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
	return EXIT_USAGE;
}

/* The kernel's (or libc's) errno: its text, and the exit code it maps to. */
int cli_fail(int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	vmsg(fmt, ap, strerror(err));
	va_end(ap);
	return exit_for_errno(err);
}

int exit_for_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return EXIT_OK;
	case ENOENT:
		return EXIT_NOTFOUND;
	case EPERM:
	case EACCES:
		return EXIT_PERM;
	case EDQUOT:
	case ENOSPC:
		return EXIT_LIMIT;
	default:
		return EXIT_FAILED;
	}
}
