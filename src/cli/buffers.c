// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The buffer life-cycle actions: alloc, free, list, info.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "regions.h"

static const char *const cache_words[] = { "wc", "uncached", "cached", NULL };
static const uint32_t cache_flags[] = {
	CMAMEM_CACHE_WC, CMAMEM_CACHE_UNCACHED, CMAMEM_CACHE_CACHED,
};
static const char *const source_words[] = { "auto", "pool", "cma", NULL };
static const uint32_t source_flags[] = { 0, CMAMEM_FROM_POOL, CMAMEM_FROM_CMA };

/*
 * --size-from FILE: the size of a file, so `fill --from FILE` fits. Only a
 * regular file has a size to take; a pipe or device is a usage error.
 */
static int size_from_file(const char *path, uint64_t *size)
{
	struct stat st;

	if (stat(path, &st)) {
		int err = errno;

		return cli_usage("invalid --size-from '%s': %s", path,
				 strerror(err));
	}
	if (!S_ISREG(st.st_mode))
		return cli_usage("invalid --size-from '%s': not a regular file",
				 path);
	if (!st.st_size)
		return cli_usage("invalid --size-from '%s': the file is empty",
				 path);
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Buffers made from the command line outlive it: that is their point. */
int action_alloc(struct cli *cli)
{
	struct cmamem_info info, full;
	struct alloc_req req = { .flags = CMAMEM_PERSIST };
	struct cmamem *dev;
	int idx, ret;

	if (cli->size_from) {
		if (cli->nargs)
			return cli_usage("alloc: give SIZE or --size-from, not both");
		if (size_from_file(cli->size_from, &req.size))
			return EXIT_USAGE;
		req.what = cli->size_from;
	} else {
		if (!cli->nargs)
			return cli_usage("alloc: missing SIZE; try `cmamem alloc --help`");
		if (arg_size("SIZE", cli->args[0], &req.size))
			return EXIT_USAGE;
		if (!req.size)
			return cli_usage("invalid SIZE '%s': must not be 0",
					 cli->args[0]);
		req.what = cli->args[0];
	}
	if (cli->name && arg_name("--name", cli->name))
		return EXIT_USAGE;
	if (cli->cache) {
		if (arg_word("--cache", cli->cache, cache_words, &idx))
			return EXIT_USAGE;
		req.flags |= cache_flags[idx];
	}
	if (cli->source) {
		if (arg_word("--from", cli->source, source_words, &idx))
			return EXIT_USAGE;
		req.flags |= source_flags[idx];
	}
	if (cli->align) {
		if (arg_size("--align", cli->align, &req.align))
			return EXIT_USAGE;
		if (req.align & (req.align - 1))
			return cli_usage("invalid --align '%s': not a power of two",
					 cli->align);
	}
	/* Last: a name is looked up in sysfs, once the rest is known good. */
	req.region_arg = cli->region;
	if (cli->region) {
		ret = region_arg(cli->region, &req.region);
		if (ret)
			return ret;
	}

	ret = cli_open(cli, &dev);
	if (ret)
		return ret;
	ret = cmamem_alloc_region(dev, req.region, req.size, req.align,
				  req.flags, cli->name, &info);
	if (ret) {
		if (ret == -EEXIST)
			ret = cli_fail(ret, "alloc: name '%s'", cli->name);
		else
			ret = explain_alloc(dev, ret, &req);
		cmamem_close(dev);
		return ret;
	}
	/* ALLOC does not say where the memory came from; INFO does. */
	if (cmamem_info(dev, info.id, &full) == 0)
		info = full;
	cmamem_close(dev);

	if (cli->json) {
		struct json_obj j;

		json_begin(&j);
		json_u64(&j, "id", info.id);
		json_str(&j, "name", info.name[0] ? info.name : NULL);
		json_u64(&j, "size", info.size);
		json_str(&j, "cache", cache_name(info.flags));
		json_u64(&j, "mmap_offset", info.mmap_offset);
		json_u64(&j, "dma_addr", info.dma_addr);
		json_str(&j, "source", source_name(info.flags));
		json_str(&j, "region", region_name(CMAMEM_REGION(info.flags)));
		json_end(&j);
		putchar('\n');
	} else {
		printf("%u\n", info.id);
	}
	cli_note(cli, "buffer %u: %llu bytes, %s, from %s, in region %s",
		 info.id, (unsigned long long)info.size, cache_name(info.flags),
		 source_name(info.flags), region_label(CMAMEM_REGION(info.flags)));
	return EXIT_OK;
}

int action_free(struct cli *cli)
{
	struct cmamem_info info;
	struct buf_ref ref;
	struct cmamem *dev;
	uint32_t id;
	int ret;

	if (arg_ref(cli->args[0], &ref))
		return EXIT_USAGE;
	ret = cli_open(cli, &dev);
	if (ret)
		return ret;
	/*
	 * Attach first, so FREE acts on a handle we hold, as the kernel
	 * expects. A buffer that cannot be attached for another reason (a
	 * live non-persistent one) still gets its FREE, and the kernel's
	 * answer to that (EBUSY) is the one worth reporting.
	 */
	if (ref.name) {
		ret = cli_attach(dev, &ref, &info);
		if (ret) {
			cmamem_close(dev);
			return ret;
		}
		id = info.id;
	} else {
		id = ref.id;
		ret = cmamem_attach(dev, id, &info);
		if (ret == -ENOENT || ret == -EPERM) {
			cmamem_close(dev);
			return buf_fail(ret, &ref);
		}
	}
	ret = cmamem_free(dev, id);
	cmamem_close(dev);
	if (ret == -EBUSY)
		return explain_busy(id);
	if (ret)
		return cli_fail(ret, "free %s", ref.text);
	cli_note(cli, "freed buffer %u", id);
	return EXIT_OK;
}

static void list_table_row(const struct cmamem_info *i)
{
	printf("%6u %14llu %-8s %-6s %-7s %-4s %7u %8u %7u %-10s %s\n", i->id,
	       (unsigned long long)i->size, cache_name(i->flags),
	       source_name(i->flags), (i->flags & CMAMEM_PERSIST) ? "yes" : "no",
	       (i->flags & CMAMEM_HEAP) ? "yes" : "no",
	       i->handles, i->mappings, i->exports,
	       region_label(CMAMEM_REGION(i->flags)), i->name[0] ? i->name : "-");
}

/* Ids one a line; --verbose: a table; --json: an array of info objects. */
int action_list(struct cli *cli)
{
	struct cmamem *dev;
	uint32_t *ids;
	size_t n, i, shown = 0;
	int ret;

	if (cli->all)
		return admin_list_all(cli);
	ret = cli_open(cli, &dev);
	if (ret)
		return ret;
	ret = cmamem_list(dev, &ids, &n);
	if (ret) {
		cmamem_close(dev);
		return cli_fail(ret, "list");
	}
	if (!cli->json && !cli->verbose) {
		for (i = 0; i < n; i++)
			printf("%u\n", ids[i]);
		free(ids);
		cmamem_close(dev);
		return EXIT_OK;
	}

	if (cli->json)
		putchar('[');
	else
		printf("%6s %14s %-8s %-6s %-7s %-4s %7s %8s %7s %-10s %s\n", "ID",
		       "SIZE", "CACHE", "SOURCE", "PERSIST", "HEAP", "HANDLES",
		       "MAPPINGS", "EXPORTS", "REGION", "NAME");
	for (i = 0; i < n; i++) {
		struct cmamem_info info;

		ret = cmamem_info(dev, ids[i], &info);
		/* Freed since LIST: it is simply no longer there. */
		if (ret == -ENOENT)
			continue;
		if (ret) {
			if (cli->json)
				puts("]");
			free(ids);
			cmamem_close(dev);
			return cli_fail(ret, "info %u", ids[i]);
		}
		if (cli->json) {
			if (shown)
				putchar(',');
			print_info_json(&info);
		} else {
			list_table_row(&info);
		}
		shown++;
	}
	if (cli->json)
		puts("]");
	free(ids);
	cmamem_close(dev);
	return EXIT_OK;
}

int action_info(struct cli *cli)
{
	struct cmamem_info info;
	struct buf_ref ref;
	struct cmamem *dev;
	uint32_t id = 0;
	int ret;

	if (arg_ref(cli->args[0], &ref))
		return EXIT_USAGE;
	ret = cli_open(cli, &dev);
	if (ret)
		return ret;
	if (ref.name) {
		/*
		 * Names resolve through ATTACH, which leaves a handle on this
		 * file; reopen so the handle count we report is not ours.
		 */
		ret = cli_attach(dev, &ref, &info);
		cmamem_close(dev);
		if (ret)
			return ret;
		id = info.id;
		ret = cli_open(cli, &dev);
		if (ret)
			return ret;
	} else {
		id = ref.id;
	}
	ret = cmamem_info(dev, id, &info);
	cmamem_close(dev);
	if (ret)
		return buf_fail(ret, &ref);
	if (cli->json) {
		print_info_json_with(&info, print_info_holders_json);
		putchar('\n');
	} else {
		print_info_text(&info);
		print_info_holders_text(info.id);
	}
	return EXIT_OK;
}
