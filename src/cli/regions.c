// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The regions' sysfs directories read into struct region (regions.h), and
 * --region resolved to the id ALLOC takes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regions.h"

const char *const region_files[RF_NR] = {
	[RF_ID] = "id",
	[RF_SIZE] = "size",
	[RF_BASE] = "base",
	[RF_USED] = "used_bytes",
	[RF_FREE] = "free_bytes",
	[RF_MAX] = "max_bytes",
	[RF_BUFFERS] = "buffers",
	[RF_ALLOCS] = "allocs",
	[RF_FAILURES] = "alloc_failures",
	[RF_COHERENT] = "coherent",
};

void regions_dir(char *out, size_t len)
{
	snprintf(out, len, "%s/regions", sysfs_dir());
}

/* The first word of @dir/@file into @out ("" if there is none): 0 or -errno. */
static int read_word(const char *dir, const char *file, char *out, size_t len)
{
	char path[768], line[64];
	FILE *f;

	*out = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (fgets(line, sizeof(line), f))
		snprintf(out, len, "%.*s", (int)strcspn(line, " \t\n"), line);
	fclose(f);
	return 0;
}

int region_read(const char *name, struct region *r)
{
	char dir[512], path[640];
	int f, ret;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	regions_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	/* The id makes a region: without it, this is no region's directory. */
	ret = read_u64(path, region_files[RF_ID], &r->v[RF_ID]);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return -ENODEV;
	if (ret)
		return ret;
	r->have = 1U << RF_ID;
	for (f = RF_ID + 1; f < RF_NR; f++)
		if (!read_u64(path, region_files[f], &r->v[f]))
			r->have |= 1U << f;
	/* No kind file: a kind this cmamem cannot name, shown as unknown. */
	read_word(path, "kind", r->kind, sizeof(r->kind));
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	return x->v[RF_ID] < y->v[RF_ID] ? -1 : x->v[RF_ID] > y->v[RF_ID];
}

/* cma_mem(4): the default area's share of CmaTotal and CmaFree. */
static void derive_default(struct region *v, size_t n)
{
	static const char *const keys[] = { "CmaTotal", "CmaFree" };
	uint64_t dt_size = 0, dt_free = 0;
	struct region *def = NULL;
	int64_t kb[2];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!v[i].v[RF_ID]) {
			def = &v[i];
		} else if (!strcmp(v[i].kind, "cma")) {
			dt_size += v[i].v[RF_SIZE];
			dt_free += v[i].v[RF_FREE];
		}
	}
	if (!def || read_meminfo(keys, kb, 2))
		return;
	if (kb[0] >= 0 && !region_has(def, RF_SIZE)) {
		uint64_t total = (uint64_t)kb[0] * 1024;

		def->v[RF_SIZE] = total > dt_size ? total - dt_size : 0;
		def->have |= 1U << RF_SIZE;
		def->derived = 1;
	}
	if (kb[1] >= 0 && !region_has(def, RF_FREE)) {
		uint64_t avail = (uint64_t)kb[1] * 1024;

		def->v[RF_FREE] = avail > dt_free ? avail - dt_free : 0;
		def->have |= 1U << RF_FREE;
		def->derived = 1;
	}
}

int regions_read(struct region **out, size_t *n)
{
	struct region *v = NULL;
	size_t len = 0, cap = 0;
	struct dirent *de;
	char dir[512];
	DIR *d;
	int ret = 0;

	*out = NULL;
	*n = 0;
	regions_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (len == cap) {
			struct region *grown = realloc(v, (cap + 8) * sizeof(*v));

			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			v = grown;
			cap += 8;
		}
		ret = region_read(de->d_name, &v[len]);
		/* A directory that is no region's (or went away) is skipped. */
		if (ret == -ENODEV)
			ret = 0;
		else if (!ret)
			len++;
	}
	closedir(d);
	if (ret) {
		free(v);
		return ret;
	}
	qsort(v, len, sizeof(*v), by_id);
	derive_default(v, len);
	*out = v;
	*n = len;
	return 0;
}

const char *region_name(uint32_t id)
{
	static struct region *v;
	static size_t n;
	static int read;
	size_t i;

	if (!read) {
		read = 1;
		if (regions_read(&v, &n))
			n = 0;
	}
	for (i = 0; i < n; i++)
		if (v[i].v[RF_ID] == id)
			return v[i].name;
	return id == CMAMEM_REGION_DEFAULT ? CMAMEM_REGION_DEFAULT_NAME : NULL;
}

const char *region_label(uint32_t id)
{
	static char digits[16];
	const char *name = region_name(id);

	if (name)
		return name;
	snprintf(digits, sizeof(digits), "%u", id);
	return digits;
}

int no_region(const char *what, const char *text)
{
	int numeric = !text[strspn(text, "0123456789")];
	char dir[512], which[128];
	DIR *d;

	snprintf(which, sizeof(which), numeric ? "has id %s" : "named '%s'", text);
	regions_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (d)
		closedir(d);
	if (!d && errno == ENOENT)
		cli_err("%sno region %s: there is no %s (is the cma_mem module loaded, and new enough to have regions?)",
			what, which, dir);
	else
		cli_err("%sno region %s (cmamem regions lists them)", what, which);
	return EXIT_NOTFOUND;
}

int region_arg(const char *text, uint32_t *id)
{
	uint64_t v;
	int ret;

	if (*text && !text[strspn(text, "0123456789")]) {
		if (arg_u64("--region", text, &v))
			return EXIT_USAGE;
		if (v > UINT32_MAX)
			return cli_usage("invalid --region '%s': an id is at most %u",
					 text, UINT32_MAX);
		*id = (uint32_t)v;
		return 0;
	}
	if (!*text || *text == '.' || strchr(text, '/') ||
	    strlen(text) >= REGION_NAME_LEN)
		return cli_usage("invalid --region '%s': not a region name or id (cmamem regions lists them)",
				 text);
	ret = cmamem_region_id(text, id);
	if (ret == -ENODEV)
		return no_region("", text);
	if (ret)
		return cli_fail(ret, "--region '%s': %s/%s/id", text,
				sysfs_dir(), text);
	return 0;
}
