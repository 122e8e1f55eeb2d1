// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verify: proof that a buffer is physically contiguous, from the kernel's
 * own page tables rather than the driver's word. Map the buffer, read each
 * page's frame number from /proc/self/pagemap (which shows frame numbers to
 * CAP_SYS_ADMIN only), and check that they run consecutively and that the
 * first one is the DMA address the driver reports (given to CAP_SYS_RAWIO).
 * The second check holds where DMA addresses are physical addresses, as on
 * the test guest and most boards without an IOMMU in front of the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_BATCH	4096	/* entries read per pread */

struct verdict {
	uint64_t pages, first_pfn;
	uint64_t gap;			/* the first page out of line; 0: none */
	int contiguous, dma_match;
	uint64_t phys, dma;
};

/*
 * Walk the pagemap entries of @m's mapping. Returns 0, or an exit code
 * after its message (no frame numbers: not privileged).
 */
static int walk_pagemap(const struct buf_ref *ref, const struct mapped *m,
			uint64_t ps, struct verdict *v)
{
	uint64_t *ent = malloc(PM_BATCH * sizeof(*ent));
	uint64_t i, vpn = (uint64_t)(uintptr_t)m->p / ps;
	int fd, ret = 0;

	if (!ent)
		return cli_fail(ENOMEM, "verify");
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(ent);
		return cli_fail(errno, "open /proc/self/pagemap");
	}
	v->contiguous = 1;
	for (i = 0; i < v->pages && !ret; i += PM_BATCH) {
		uint64_t n = v->pages - i < PM_BATCH ? v->pages - i : PM_BATCH;
		ssize_t got = pread(fd, ent, n * sizeof(*ent),
				    (off_t)((vpn + i) * sizeof(*ent)));
		uint64_t k;

		if (got != (ssize_t)(n * sizeof(*ent))) {
			ret = cli_fail(got < 0 ? errno : EIO, "read /proc/self/pagemap");
			break;
		}
		for (k = 0; k < n; k++) {
			uint64_t pfn = ent[k] & PM_PFN_MASK;

			if (!(ent[k] & PM_PRESENT)) {
				ret = cli_fail(EFAULT, "verify %s: page %llu is not mapped",
					       ref->text, (unsigned long long)(i + k));
				break;
			}
			if (!pfn) {
				cli_err("verify %s: /proc/self/pagemap hides frame numbers: run as root (CAP_SYS_ADMIN)",
					ref->text);
				ret = EXIT_PERM;
				break;
			}
			if (i + k == 0)
				v->first_pfn = pfn;
			else if (v->contiguous && pfn != v->first_pfn + i + k) {
				v->contiguous = 0;
				v->gap = i + k;
			}
		}
	}
	close(fd);
	free(ent);
	return ret;
}

static void print_verdict(const struct cli *cli, const struct mapped *m,
			  const struct verdict *v, int ok)
{
	if (cli->json) {
		struct json_obj j;

		json_begin(&j);
		json_u64(&j, "id", m->info.id);
		json_str(&j, "name", m->info.name[0] ? m->info.name : NULL);
		json_u64(&j, "size", m->info.size);
		json_u64(&j, "pages", v->pages);
		json_bool(&j, "contiguous", v->contiguous);
		json_u64(&j, "phys_addr", v->phys);
		json_u64(&j, "dma_addr", v->dma);
		json_bool(&j, "dma_match", v->dma_match);
		if (v->contiguous)
			json_null(&j, "first_gap");
		else
			json_u64(&j, "first_gap", v->gap);
		json_bool(&j, "ok", ok);
		json_end(&j);
		putchar('\n');
		return;
	}
	printf("buffer %u: %llu pages at phys 0x%llx, dma_addr 0x%llx: ",
	       m->info.id, (unsigned long long)v->pages,
	       (unsigned long long)v->phys, (unsigned long long)v->dma);
	if (ok)
		puts("contiguous, dma_addr matches");
	else if (!v->contiguous)
		printf("NOT contiguous: page %llu is out of line\n",
		       (unsigned long long)v->gap);
	else
		puts("contiguous, but dma_addr does NOT match");
}

int action_verify(struct cli *cli)
{
	long psl = sysconf(_SC_PAGESIZE);
	uint64_t ps = psl > 0 ? (uint64_t)psl : 4096, i;
	struct verdict v;
	struct buf_ref ref;
	struct mapped m;
	int ok, ret;

	if (arg_ref(cli->args[0], &ref))
		return EXIT_USAGE;
	ret = map_range(cli, &ref, 0, 0, PROT_READ, &m);
	if (ret)
		return ret;
	memset(&v, 0, sizeof(v));
	v.pages = m.len / ps;
	/* The driver maps every page at mmap time; touch them all anyway, so
	 * the page tables are certainly filled in before they are read. */
	for (i = 0; i < v.pages; i++)
		(void)*(volatile unsigned char *)(m.p + i * ps);
	ret = walk_pagemap(&ref, &m, ps, &v);
	if (ret)
		goto out;
	v.phys = v.first_pfn * ps;
	v.dma = m.info.dma_addr;
	if (!v.dma) {
		cli_err("verify %s: the driver reports no DMA address: run as root (CAP_SYS_RAWIO)",
			ref.text);
		ret = EXIT_PERM;
		goto out;
	}
	v.dma_match = v.dma == v.phys;
	ok = v.contiguous && v.dma_match;
	print_verdict(cli, &m, &v, ok);
	ret = ok ? EXIT_OK : EXIT_FAILED;
out:
	unmap_range(&m);
	return ret;
}
