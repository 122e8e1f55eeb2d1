/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `cmamem map`: where in each CMA area cmamem's buffers lie. area-layout.c
 * reads the kernel's and the driver's debugfs files into a layout;
 * area-map.c (the action) prints it as JSON, area-svg.c draws it.
 *
 * Each area is cut into runs that tile it, start to end, in address order:
 *   buffer  a cmamem buffer, from CMA or from a pool chunk
 *   pool    the part of a pool chunk no buffer uses
 *   other   allocated in CMA's bitmap, not by cmamem
 *   free    clear in CMA's bitmap
 * Pool chunks are listed beside the runs: each is covered by its buffer
 * and pool runs. Addresses are physical, taken to be the DMA addresses
 * the driver shows (cmamem(1), map).
 */
#ifndef CMAMEM_CLI_AREA_MAP_H
#define CMAMEM_CLI_AREA_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum run_kind { RUN_FREE, RUN_OTHER, RUN_POOL, RUN_BUFFER };

/* A row of the debugfs buffers table; @area is -1 if drawn in no area. */
struct map_buffer {
	uint32_t id;
	char name[64];			/* "" for none */
	char source[16];		/* pool, cma */
	char state[24];			/* live, freed-mapped, ... */
	char region[64];		/* "" from a driver without regions */
	uint64_t start, bytes;
	int area;
};

/* A line of the debugfs pool_chunks file. */
struct map_chunk {
	uint64_t start, bytes, used;
	int area;
};

struct map_run {
	enum run_kind kind;
	uint64_t start, bytes;
	const struct map_buffer *buf;	/* RUN_BUFFER */
};

struct map_area {
	char name[256];
	uint64_t base, bytes;
	unsigned int order_per_bit;
	struct map_run *runs;
	size_t nruns;
	/* Fragmentation: CMA's free runs (pool runs are cmamem's, not free). */
	uint64_t free_bytes, free_runs, largest_free;
	uint64_t smallest_buffer;	/* 0 if none */
};

struct map_layout {
	uint64_t page;
	struct map_area *areas;		/* by base */
	size_t nareas;
	struct map_buffer *bufs;	/* by start */
	size_t nbufs;
	struct map_chunk *chunks;	/* by start */
	size_t nchunks;
	int have_chunks;		/* the driver has pool_chunks */
};

struct cli;

/* Read everything; an exit code, the message printed. map_free() after. */
int map_read(const struct cli *cli, struct map_layout *l);
void map_free(struct map_layout *l);
const char *run_kind_name(enum run_kind kind);

/* area-svg.c: the picture, on @f. */
void map_svg(FILE *f, const struct map_layout *l);

#endif
