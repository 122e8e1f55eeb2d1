// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A buffer range mapped for an action: open, attach (which gives this
 * process a handle, so it may map the buffer), check the range, map just
 * that range. Shared by every action that touches a buffer's bytes.
 */
#include <string.h>
#include <sys/mman.h>

#include "cli.h"

int map_range(const struct cli *cli, const struct buf_ref *ref, uint64_t off,
	      uint64_t len, int prot, struct mapped *m)
{
	void *p;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = cli_open(cli, &m->dev);
	if (ret)
		return ret;
	ret = cli_attach(m->dev, ref, &m->info);
	if (!ret)
		ret = range_check(ref, m->info.size, off, &len);
	if (ret) {
		cmamem_close(m->dev);
		m->dev = NULL;
		return ret;
	}
	ret = cmamem_map(m->dev, &m->info, off, len, prot, &p);
	if (ret) {
		cmamem_close(m->dev);
		m->dev = NULL;
		return cli_fail(ret, "mmap buffer %s", ref->text);
	}
	m->p = p;
	m->off = off;
	m->len = len;
	return 0;
}

void unmap_range(struct mapped *m)
{
	if (!m->dev)
		return;
	cmamem_unmap(m->p, m->len);
	cmamem_close(m->dev);
	m->dev = NULL;
}

/* Cache maintenance is only needed, and only done, for CACHED buffers. */
int sync_if_cached(struct mapped *m, const struct buf_ref *ref,
		   enum cmamem_sync_dir dir)
{
	int ret;

	if ((m->info.flags & CMAMEM_CACHE_MASK) != CMAMEM_CACHE_CACHED)
		return 0;
	ret = cmamem_sync(m->dev, m->info.id, m->off, m->len, dir);
	if (ret)
		return cli_fail(ret, "sync buffer %s", ref->text);
	return 0;
}
