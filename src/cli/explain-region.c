// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The errors only a region explains (cma_mem(4), REGIONS), named with their
 * cause and fix from the region's sysfs directory, as explain.c does for
 * the device's:
 *
 *   ALLOC   ENODEV   no region has that id
 *           EINVAL   --from pool outside the default region; --cache
 *                    cached in a carve-out
 *           ENOSPC   the region's max_bytes
 *           ENOMEM   the region has no room
 *   EXPORT  EOPNOTSUPP  a carve-out buffer: no struct pages to share
 *   O_DIRECT EFAULT  the same, for fill --direct and dump --direct
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "regions.h"
#include "size.h"

/* What a carve-out is, for every message about one. */
#define CARVEOUT	"a carve-out, memory without struct pages"

/* Region @id's directory into @r: 0, or -1 when it cannot be read. */
static int read_region_of(uint32_t id, struct region *r)
{
	const char *name = region_name(id);

	return name && !region_read(name, r) ? 0 : -1;
}

static int is_carveout(uint32_t id, struct region *r)
{
	return !read_region_of(id, r) && !strcmp(r->kind, "carveout");
}

int explain_region_alloc(int err, const struct alloc_req *req,
			 const char *what, uint64_t bytes)
{
	struct region r;

	if (err == ENODEV) {
		char prefix[320], id[16];

		snprintf(prefix, sizeof(prefix), "alloc %s: ", what);
		snprintf(id, sizeof(id), "%u", req->region);
		return no_region(prefix, req->region_arg ? req->region_arg : id);
	}
	if (err == EINVAL && req->region && (req->flags & CMAMEM_FROM_POOL)) {
		cli_err("alloc %s --from pool: the pool is made of the default region's memory, and serves no other (use --from auto or cma)",
			what);
		return EXIT_FAILED;
	}
	if (err == EINVAL && is_carveout(req->region, &r) &&
	    (req->flags & CMAMEM_CACHE_MASK) == CMAMEM_CACHE_CACHED) {
		cli_err("alloc %s --cache cached: region %s is " CARVEOUT ", which is mapped wc or uncached only (use --cache wc or uncached)",
			what, r.name);
		return EXIT_FAILED;
	}
	if (err == ENOSPC && !read_region_of(req->region, &r) &&
	    region_has(&r, RF_MAX) && region_has(&r, RF_USED) &&
	    r.v[RF_MAX]) {
		uint64_t max = r.v[RF_MAX], used = r.v[RF_USED];

		if (used > max || bytes > max - used) {
			cli_err("alloc %s: region %s's max_bytes is %s, %s in use (free buffers in it, or as root: cmamem limits --region %s --set max_bytes=%s)",
				what, r.name, hs(max).s, hs(used).s, r.name,
				hs(used + bytes).s);
			return EXIT_LIMIT;
		}
	}
	if (err == ENOMEM && req->region && !read_region_of(req->region, &r) &&
	    region_has(&r, RF_SIZE) && region_has(&r, RF_FREE)) {
		cli_err("alloc %s: region %s cannot give %s contiguous: %s free of %s (free buffers in it, or use another region: cmamem regions lists them)",
			what, r.name, hs(bytes).s, hs(r.v[RF_FREE]).s,
			hs(r.v[RF_SIZE]).s);
		return EXIT_FAILED;
	}
	return -1;
}

int explain_export(int err, const char *text, const struct cmamem_info *info)
{
	struct region r;

	if (err < 0)
		err = -err;
	if (err != EOPNOTSUPP || !is_carveout(CMAMEM_REGION(info->flags), &r))
		return cli_fail(err, "export %s", text);
	cli_err("export %s: buffer %u lies in region %s, " CARVEOUT ", which no importer can map (allocate it in a region of kind cma to share it)",
		text, info->id, r.name);
	return exit_for_errno(err);
}

int explain_direct(int err, const char *op, const char *file,
		   const struct cmamem_info *info)
{
	struct region r;

	if (err < 0)
		err = -err;
	if (err != EFAULT || !is_carveout(CMAMEM_REGION(info->flags), &r))
		return cli_fail(err, "%s %s", op, file);
	cli_err("%s %s: O_DIRECT cannot reach buffer %u: region %s is " CARVEOUT " (leave out --direct)",
		op, file, info->id, r.name);
	return exit_for_errno(err);
}
