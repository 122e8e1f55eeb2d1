/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cma_mem's pool: contiguous chunks reserved from CMA ahead of time, from
 * which buffers are carved without migrating a page.
 */
#ifndef _CMAMEM_POOL_H
#define _CMAMEM_POOL_H

#include <linux/types.h>

struct attribute_group;
struct cmamem_buf;
struct seq_file;

void cmamem_pool_init(size_t bytes);
void cmamem_pool_exit(void);
int cmamem_pool_alloc(struct cmamem_buf *buf, u64 align);
void cmamem_pool_free(struct cmamem_buf *buf);
void cmamem_pool_abandon(struct cmamem_buf *buf);
bool cmamem_pool_empty(void);
void cmamem_pool_stats_show(struct seq_file *m);
void cmamem_pool_chunks_show(struct seq_file *m);

extern const struct attribute_group cmamem_pool_group;
extern bool cmamem_pool_zero_paused;

#endif /* _CMAMEM_POOL_H */
