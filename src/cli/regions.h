/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver's regions (cma_mem(4), REGIONS): one sysfs directory each,
 * $CMAMEM_SYSFS/regions/<name>, read here and nowhere else, for `cmamem
 * regions`, `limits --region`, the region `info` and `list -v` show, and
 * the messages of a refused `alloc --region`.
 */
#ifndef CMAMEM_CLI_REGIONS_H
#define CMAMEM_CLI_REGIONS_H

#include <stddef.h>
#include <stdint.h>

/* A region directory's numbers, by the names of their files. */
enum region_field {
	RF_ID, RF_SIZE, RF_BASE, RF_USED, RF_FREE, RF_MAX, RF_BUFFERS,
	RF_ALLOCS, RF_FAILURES, RF_COHERENT,
	RF_NR
};
extern const char *const region_files[RF_NR];

/* The longest region name this reads: a device-tree label or node name. */
#define REGION_NAME_LEN	64

struct region {
	char name[REGION_NAME_LEN];
	char kind[16];			/* cma, carveout; "" where unknown */
	uint64_t v[RF_NR];
	unsigned int have;		/* 1 << RF_*: each file read */
	/* The default region's size and free_bytes, which its directory
	 * lacks, worked out from /proc/meminfo (region_derive_default()). */
	int derived;
};

static inline int region_has(const struct region *r, enum region_field f)
{
	return !!(r->have & (1U << f));
}

/* $CMAMEM_SYSFS/regions, into @out. */
void regions_dir(char *out, size_t len);

/*
 * Region @name's directory into @r: 0, -ENODEV for no such region, or
 * another -errno. A file the directory lacks is left out of @r->have
 * (the default region has no size, base or free_bytes; base is root's).
 */
int region_read(const char *name, struct region *r);

/*
 * Every region, by id, into a malloc()ed array (free() it): 0, or -errno
 * (-ENOENT: no regions directory, a driver older than regions). The
 * default region's size and free_bytes are derived as cma_mem(4) says:
 * CmaTotal and CmaFree less what the kind=cma device-tree regions have.
 */
int regions_read(struct region **out, size_t *n);

/*
 * The name of region @id, or NULL if no region has it now. Read once per
 * run; region 0 is "default" even where the driver lists no regions.
 */
const char *region_name(uint32_t id);

/* region_name(@id), or else @id in digits (in a buffer of its own). */
const char *region_label(uint32_t id);

/*
 * --region as typed: an id (all digits) or a name. Sets *@id and returns
 * 0, or prints the message and returns the exit code: 2 for a word that
 * cannot be a name, 3 for a name no region has.
 */
int region_arg(const char *text, uint32_t *id);

/* "no region named 'X' (...)" or "no region has id N (...)": exit 3. */
int no_region(const char *what, const char *text);

#endif
