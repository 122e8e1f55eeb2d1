// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmamem regions [--json]: the regions the driver allocates from, one row
 * each, from their sysfs directories (regions.c reads them). The default
 * region's size and free bytes are derived from /proc/meminfo, and marked
 * so: "~" in the table, "derived": true in JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regions.h"
#include "size.h"

/* A number of @r, as the table shows it: "-" where the file is missing. */
static const char *cell(const struct region *r, enum region_field f,
			char *out, size_t len)
{
	if (!region_has(r, f))
		return "-";
	if (f == RF_MAX && !r->v[f])
		return "none";
	if (f == RF_BUFFERS) {
		snprintf(out, len, "%llu", (unsigned long long)r->v[f]);
		return out;
	}
	snprintf(out, len, "%s%s",
		 r->derived && (f == RF_SIZE || f == RF_FREE) ? "~" : "",
		 hs(r->v[f]).s);
	return out;
}

static void print_table(const struct region *v, size_t n)
{
	static const enum region_field cols[] = {
		RF_SIZE, RF_USED, RF_FREE, RF_MAX, RF_BUFFERS,
	};
	int width = 7;
	size_t i, c;

	for (i = 0; i < n; i++)
		if ((int)strlen(v[i].name) > width)
			width = (int)strlen(v[i].name);
	printf("%-*s %5s %-8s %10s %10s %10s %10s %7s %s\n", width, "NAME",
	       "ID", "KIND", "SIZE", "USED", "FREE", "MAX", "BUFFERS",
	       "COHERENT");
	for (i = 0; i < n; i++) {
		const struct region *r = &v[i];
		char buf[40];

		printf("%-*s %5llu %-8s", width, r->name,
		       (unsigned long long)r->v[RF_ID], *r->kind ? r->kind : "-");
		for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			printf(" %*s", cols[c] == RF_BUFFERS ? 7 : 10,
			       cell(r, cols[c], buf, sizeof(buf)));
		printf(" %s\n", !region_has(r, RF_COHERENT) ? "-" :
		       r->v[RF_COHERENT] ? "yes" : "no");
	}
}

/* A number of @r as JSON, null where the file is missing. */
static void json_field(struct json_obj *j, const struct region *r,
		       enum region_field f)
{
	if (!region_has(r, f))
		json_null(j, region_files[f]);
	else if (f == RF_COHERENT)
		json_bool(j, region_files[f], (int)r->v[f]);
	else
		json_u64(j, region_files[f], r->v[f]);
}

static void print_json(const struct region *v, size_t n)
{
	static const enum region_field fields[] = {
		RF_BASE, RF_SIZE, RF_USED, RF_FREE, RF_MAX, RF_BUFFERS,
		RF_COHERENT, RF_ALLOCS, RF_FAILURES,
	};
	size_t i, f;

	putchar('[');
	for (i = 0; i < n; i++) {
		struct json_obj j;

		if (i)
			putchar(',');
		json_begin(&j);
		json_str(&j, "name", v[i].name);
		json_u64(&j, "id", v[i].v[RF_ID]);
		json_str(&j, "kind", *v[i].kind ? v[i].kind : NULL);
		for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			json_field(&j, &v[i], fields[f]);
		json_bool(&j, "derived", v[i].derived);
		json_end(&j);
	}
	puts("]");
}

int action_regions(struct cli *cli)
{
	struct region *v;
	size_t n;
	int ret;

	ret = regions_read(&v, &n);
	if (ret) {
		char dir[512];

		regions_dir(dir, sizeof(dir));
		if (ret == -ENOENT)
			return cli_fail(ret, "%s (is the cma_mem module loaded, and new enough to have regions?)",
					dir);
		return cli_fail(ret, "%s", dir);
	}
	if (cli->json)
		print_json(v, n);
	else
		print_table(v, n);
	if (n && v[0].derived)
		cli_note(cli, "~: %s's size and free bytes are %s's CmaTotal and CmaFree less the device-tree regions of kind cma",
			 v[0].name, meminfo_path());
	free(v);
	return EXIT_OK;
}
