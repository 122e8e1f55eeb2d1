// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The administrator's actions, over the driver's debugfs and sysfs files
 * rather than ioctls:
 *
 *   stats            /sys/kernel/debug/cma_mem/stats, readably (root)
 *   limits [--set K=V]  /sys/class/misc/cma_mem/{max_*,used_bytes,...}
 *   limits --region R [--set max_bytes=V]  .../regions/R/{max_bytes,...}
 *   pool [--resize SIZE]  /sys/class/misc/cma_mem/pool_*
 *   list --all       every buffer, from /sys/kernel/debug/cma_mem/buffers (root)
 *
 * $CMAMEM_DEBUGFS and $CMAMEM_SYSFS override the two directories.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "debugfs.h"
#include "regions.h"
#include "size.h"

static const char *const limit_names[] = {
	"max_total_bytes", "max_buffer_bytes", "max_buffers",
	"max_bytes_per_uid", NULL,
};

static const char *const usage_names[] = {
	"used_bytes", "buffers", "peak_bytes", NULL,
};

/* Where `limits` reads and writes: the device's, or one region's. */
struct limits_dir {
	char dir[640];
	const char *region;		/* its name, or NULL for the device's */
	const char *const *limits, *const *usage;
};

/* fopen() @dir/@file for reading, or fail with the errno's exit code. */
int open_file(const char *dir, const char *file, const char *mode, FILE **fp)
{
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	*fp = fopen(path, mode);
	if (*fp)
		return 0;
	err = errno;
	if (err == EACCES || err == EPERM)
		return cli_fail(err, "%s (root only)", path);
	if (err == ENOENT)
		return cli_fail(err, "%s (is the cma_mem module loaded%s?)", path,
				dir == debugfs_dir() ? " and debugfs mounted" : "");
	return cli_fail(err, "%s", path);
}

/* --- stats --- */

int action_stats(struct cli *cli)
{
	struct stat_line s[STATS_MAX];
	struct latency_bucket b[STATS_MAX];
	size_t n = 0, nb, i;
	char h[32];
	FILE *f;
	int ret;

	ret = open_file(debugfs_dir(), "stats", "r", &f);
	if (ret)
		return ret;
	parse_stats(f, s, &n);

	if (cli->json) {
		struct json_obj j;

		json_begin(&j);
		for (i = 0; i < n; i++)
			json_u64(&j, s[i].key, s[i].val);
		json_end(&j);
		putchar('\n');
		return EXIT_OK;
	}

	printf("allocations: %" PRIu64 "\n", stat_get(s, n, "allocs"));
	printf("  from the pool: %" PRIu64 ", from CMA: %" PRIu64
	       " (%" PRIu64 " because the pool was full)\n",
	       stat_get(s, n, "allocs_pool"), stat_get(s, n, "allocs_cma"),
	       stat_get(s, n, "pool_fallbacks"));
	printf("frees: %" PRIu64 "\n", stat_get(s, n, "frees"));
	printf("failures: %" PRIu64 " no memory, %" PRIu64 " over a limit, %"
	       PRIu64 " bad argument, %" PRIu64 " other\n",
	       stat_get(s, n, "failed_nomem"), stat_get(s, n, "failed_over_limit"),
	       stat_get(s, n, "failed_bad_arg"), stat_get(s, n, "failed_other"));
	human(stat_get(s, n, "used_bytes"), h, sizeof(h));
	printf("in use: %" PRIu64 " buffers, %s\n", stat_get(s, n, "buffers"), h);
	human(stat_get(s, n, "peak_bytes"), h, sizeof(h));
	printf("peak: %s\n", h);
	human(stat_get(s, n, "largest_bytes"), h, sizeof(h));
	printf("largest buffer: %s\n", h);
	printf("allocation latency: worst %" PRIu64 " us\n",
	       stat_get(s, n, "latency_max_us"));
	nb = stats_latency(s, n, b, STATS_MAX);
	for (i = 0; i < nb; i++) {
		if (!b[i].count)
			continue;
		if (b[i].hi)
			printf("  %8" PRIu64 " - %8" PRIu64 " us: %" PRIu64 "\n",
			       b[i].lo, b[i].hi, b[i].count);
		else
			printf("  %8" PRIu64 " us or more: %" PRIu64 "\n",
			       b[i].lo, b[i].count);
	}
	return EXIT_OK;
}

/* --- limits --- */

static int read_value(const char *dir, const char *name, uint64_t *v)
{
	unsigned long long x;
	FILE *f;
	int ret, ok;

	ret = open_file(dir, name, "r", &f);
	if (ret)
		return ret;
	ok = fscanf(f, "%llu", &x) == 1;
	fclose(f);
	if (!ok) {
		cli_err("%s/%s: not a number", dir, name);
		return EXIT_FAILED;
	}
	*v = x;
	return 0;
}

static int show_limits(const struct cli *cli, const struct limits_dir *ld)
{
	const char *const *groups[] = { ld->limits, ld->usage };
	uint64_t v;
	struct json_obj j;
	size_t g, i;
	int ret;

	if (cli->json) {
		json_begin(&j);
		if (ld->region)
			json_str(&j, "region", ld->region);
	} else if (ld->region) {
		printf("region: %s\n", ld->region);
	}
	for (g = 0; g < 2; g++) {
		for (i = 0; groups[g][i]; i++) {
			const char *name = groups[g][i];
			char h[32];

			ret = read_value(ld->dir, name, &v);
			if (ret) {
				if (cli->json)
					puts("}");
				return ret;
			}
			if (cli->json) {
				json_u64(&j, name, v);
				continue;
			}
			if (!g && !v)
				printf("%s: 0 (no limit)\n", name);
			else if (!strcmp(name, "max_buffers") ||
				 !strcmp(name, "buffers"))
				printf("%s: %" PRIu64 "\n", name, v);
			else if (v >= 1024 && !(v % 1024)) {
				human(v, h, sizeof(h));
				printf("%s: %" PRIu64 " (%s)\n", name, v, h);
			} else {
				printf("%s: %" PRIu64 "\n", name, v);
			}
		}
	}
	if (cli->json) {
		json_end(&j);
		putchar('\n');
	}
	return EXIT_OK;
}

/* @names as "a, b, c", for a message. */
static void name_list(const char *const *names, char *out, size_t len)
{
	size_t used = 0;

	*out = '\0';
	for (; *names && used < len; names++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 used ? ", " : "", *names);
}

/* Parse --set NAME=VALUE: one of @ld's limits, and a size (a count for
 * max_buffers). Exit 2 for anything else. */
static int parse_set(const char *set, const struct limits_dir *ld,
		     int *which, uint64_t *v)
{
	const char *eq = strchr(set, '=');
	const char *why;
	size_t len;
	int i;

	if (!eq)
		return cli_usage("--set %s: expected NAME=VALUE", set);
	len = (size_t)(eq - set);
	for (i = 0; ld->limits[i]; i++)
		if (strlen(ld->limits[i]) == len &&
		    !strncmp(ld->limits[i], set, len))
			break;
	if (!ld->limits[i]) {
		char names[128];

		name_list(ld->limits, names, sizeof(names));
		return cli_usage("--set %s: no such limit (%s%s)", set, names,
				 ld->limits == limit_names ?
				 "; a region's max_bytes takes --region NAME" : "");
	}
	*which = i;
	if (!strcmp(ld->limits[i], "max_buffers")) {
		if (arg_u64("--set max_buffers", eq + 1, v))
			return EXIT_USAGE;
		if (*v > INT32_MAX)
			return cli_usage("--set %s: at most %d buffers", set,
					 INT32_MAX);
		return 0;
	}
	if (parse_size(eq + 1, v, &why))
		return cli_usage("--set %s: %s", set, why);
	return 0;
}

/* --region NAME|ID: that region's directory, else the device's. */
static int limits_where(const struct cli *cli, struct limits_dir *ld,
			struct region *r)
{
	const char *name;
	uint32_t id;
	int ret;

	snprintf(ld->dir, sizeof(ld->dir), "%s", sysfs_dir());
	if (!cli->region)
		return 0;
	ret = region_arg(cli->region, &id);
	if (ret)
		return ret;
	name = region_name(id);
	ret = name ? region_read(name, r) : -ENODEV;
	if (ret == -ENODEV)
		return no_region("", cli->region);
	if (ret)
		return cli_fail(ret, "region %s", cli->region);
	ld->region = r->name;
	regions_dir(ld->dir, sizeof(ld->dir));
	snprintf(ld->dir + strlen(ld->dir), sizeof(ld->dir) - strlen(ld->dir),
		 "/%s", r->name);
	return 0;
}

int action_limits(struct cli *cli)
{
	/* A region's, in its directory. */
	const char *const region_limits[] = { region_files[RF_MAX], NULL };
	const char *const region_usage[] = {
		region_files[RF_USED], region_files[RF_BUFFERS], NULL,
	};
	struct limits_dir ld = {
		.limits = cli->region ? region_limits : limit_names,
		.usage = cli->region ? region_usage : usage_names,
	};
	struct region r;
	uint64_t v;
	int which = 0, ret;
	FILE *f;

	/* Every argument first: --set, then the region it names. */
	if (cli->set) {
		ret = parse_set(cli->set, &ld, &which, &v);
		if (ret)
			return ret;
	}
	ret = limits_where(cli, &ld, &r);
	if (ret)
		return ret;
	if (cli->set) {
		ret = open_file(ld.dir, ld.limits[which], "w", &f);
		if (ret)
			return ret;
		fprintf(f, "%" PRIu64 "\n", v);
		if (fclose(f))
			return cli_fail(errno, "%s/%s: %" PRIu64, ld.dir,
					ld.limits[which], v);
	}
	return show_limits(cli, &ld);
}

/* --- pool --- */

const char *const pool_names[] = {
	"pool_bytes", "pool_used_bytes", "pool_free_bytes",
	"pool_largest_free", "pool_clean_bytes", "pool_lent_bytes", NULL,
};

static int show_pool(const struct cli *cli)
{
	uint64_t v[sizeof(pool_names) / sizeof(pool_names[0])];
	struct json_obj j;
	char h[32];
	size_t i;

	/* Read everything first, so a failure prints nothing half done. */
	for (i = 0; pool_names[i]; i++) {
		int ret = read_value(sysfs_dir(), pool_names[i], &v[i]);

		if (ret)
			return ret;
	}
	if (cli->json)
		json_begin(&j);
	for (i = 0; pool_names[i]; i++) {
		if (cli->json) {
			json_u64(&j, pool_names[i], v[i]);
			continue;
		}
		human(v[i], h, sizeof(h));
		if (v[i] >= 1024 && !(v[i] % 1024))
			printf("%s: %" PRIu64 " (%s)\n", pool_names[i], v[i], h);
		else
			printf("%s: %" PRIu64 "\n", pool_names[i], v[i]);
	}
	if (cli->json) {
		json_end(&j);
		putchar('\n');
	}
	return EXIT_OK;
}

/*
 * pool --resize SIZE: write pool_bytes. The driver grows the pool by what
 * CMA gives (ENOMEM if less than asked) and shrinks it by the chunks nobody
 * uses (EBUSY if that falls short); either way say by how much, show the
 * pool as it now is, and exit 1.
 */
int action_pool(struct cli *cli)
{
	uint64_t want, now;
	const char *why;
	int ret, err;
	FILE *f;

	if (!cli->resize)
		return show_pool(cli);
	if (parse_size(cli->resize, &want, &why))
		return cli_usage("--resize %s: %s", cli->resize, why);
	ret = open_file(sysfs_dir(), "pool_bytes", "w", &f);
	if (ret)
		return ret;
	fprintf(f, "%" PRIu64 "\n", want);
	if (!fclose(f))
		return show_pool(cli);
	err = errno;
	ret = read_value(sysfs_dir(), "pool_bytes", &now);
	if (ret)
		return ret;
	if (err == EBUSY && now > want)
		cli_err("pool: could not free %" PRIu64 " bytes: buffers use those chunks (the pool is %" PRIu64 " bytes)",
			now - want, now);
	else if (err == ENOMEM && now < want)
		cli_err("pool: CMA had no room for %" PRIu64 " more bytes (the pool is %" PRIu64 " bytes)",
			want - now, now);
	else
		return cli_fail(err, "%s/pool_bytes: %" PRIu64, sysfs_dir(), want);
	show_pool(cli);
	return EXIT_FAILED;
}

/* --- list --all --- */

/* Columns printed as JSON numbers; dma_addr is hex in the table. */
static int numeric_column(const char *key)
{
	static const char *const numeric[] = {
		"id", "size", "uid", "pid", "age_ms", "refs", "handles",
		"mappings", "persist", "exports", NULL,
	};
	int i;

	for (i = 0; numeric[i]; i++)
		if (!strcmp(numeric[i], key))
			return 1;
	return 0;
}

/* A row of the table as a JSON object, its keys the header's names. */
static int json_row(void *ctx, const struct table_header *h, char **words,
		    size_t n)
{
	size_t *shown = ctx, i;
	struct json_obj j;

	putchar((*shown)++ ? ',' : '[');
	json_begin(&j);
	for (i = 0; i < n && i < h->n; i++) {
		const char *key = h->keys[i];

		if (numeric_column(key))
			json_u64(&j, key, strtoull(words[i], NULL, 10));
		else if (!strcmp(key, "dma_addr"))
			json_u64(&j, key, strtoull(words[i], NULL, 16));
		else if (!strcmp(key, "holders"))
			json_holders_column(&j, key, words[i]);
		else if (!strcmp(words[i], "-"))
			json_null(&j, key);
		else
			json_str(&j, key, words[i]);
	}
	json_end(&j);
	return 0;
}

int admin_list_all(struct cli *cli)
{
	char header[512], *line = NULL;
	size_t shown = 0, linecap = 0;
	FILE *f;
	int ret;

	ret = open_file(debugfs_dir(), "buffers", "r", &f);
	if (ret)
		return ret;
	if (cli->json) {
		/* The table's columns, whichever this driver has, as keys. */
		if (parse_table(f, NULL, json_row, &shown) == EIO) {
			cli_err("%s/buffers: no header", debugfs_dir());
			return EXIT_FAILED;
		}
		puts(shown ? "]" : "[]");
		return EXIT_OK;
	}
	if (!fgets(header, sizeof(header), f)) {
		fclose(f);
		cli_err("%s/buffers: no header", debugfs_dir());
		return EXIT_FAILED;
	}
	/* The table is already one buffer a line: pass it on. */
	fputs(header, stdout);
	/* getline(): the holders column has no bound. */
	while (getline(&line, &linecap, f) > 0)
		fputs(line, stdout);
	free(line);
	fclose(f);
	return EXIT_OK;
}
