// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmamem: the command line over libcmamem.
 *
 *   cmamem [GLOBAL OPTIONS] ACTION [ARGS] [OPTIONS]
 *
 * Parsing runs in two passes, as cryptsetup's does in spirit: the first
 * takes the global options up to the action's name; the second parses the
 * rest against that action's own popt table (plus the global one, so global
 * options may also follow the action). An option another action owns is
 * therefore "unknown" here, and every such mistake is exit 2.
 */
#include <errno.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Every option's popt entry, in options.h's order. */
#define POPT_KIND_STR	POPT_ARG_STRING
#define POPT_KIND_FLAG	POPT_ARG_NONE
#define OPTION_ENTRY(id, field, kind, lname, sname, arg, actions, help) \
	{ lname, sname, POPT_KIND_##kind, NULL, OPT_##id, help, arg },
static const struct poptOption option_entries[] = {
	CLI_OPTIONS(OPTION_ENTRY)
};

#define OPTION_ACTIONS(id, field, kind, lname, sname, arg, actions, help) \
	actions,
static const unsigned int option_actions[] = {
	CLI_OPTIONS(OPTION_ACTIONS)
};

#define N_OPTIONS (sizeof(option_entries) / sizeof(option_entries[0]))

/* The global options' table, made by main(). */
static struct poptOption global_options[N_OPTIONS + 1];

/*
 * The popt table of the options admitted @where (GLOBAL, or an action's
 * ON()), with room for every option and the end. Returns how many.
 */
static size_t option_table(unsigned int where,
			   struct poptOption table[N_OPTIONS + 1])
{
	static const struct poptOption end = POPT_TABLEEND;
	size_t i, n = 0;

	for (i = 0; i < N_OPTIONS; i++)
		if (option_actions[i] & where)
			table[n++] = option_entries[i];
	table[n] = end;
	return n;
}

static const struct action_type actions[] = {
	[ACT_ALLOC] = { "alloc", action_alloc, 0, 1, "SIZE",
	  "allocate a persistent buffer and print its id",
	  "Allocates a zeroed, physically contiguous buffer of SIZE bytes (rounded\n"
	  "up to pages) that persists until `cmamem free`, and prints its id\n"
	  "(--json: an object with id, name, size, cache, mmap_offset, dma_addr,\n"
	  "source, region). SIZE: 4096, 0x1000, 64K, 8M, 1G (binary units; KiB,\n"
	  "MiB too); --size-from FILE takes the size of FILE instead. --region\n"
	  "allocates in a region other than default (`cmamem regions`)." },
	[ACT_FREE] = { "free", action_free, 1, 1, "ID|NAME",
	  "free a buffer",
	  "Drops the persistent reference. The memory returns to CMA once no\n"
	  "process holds or maps the buffer." },
	[ACT_LIST] = { "list", action_list, 0, 0, "",
	  "list your buffers",
	  "Prints the ids of your buffers, one a line; with --verbose a table,\n"
	  "with --json an array of the objects `info --json` prints. --all (root)\n"
	  "prints every buffer, freed-but-mapped ones too: the debugfs table, or\n"
	  "with --json an array of objects keyed by its header." },
	[ACT_INFO] = { "info", action_info, 1, 1, "ID|NAME",
	  "describe a buffer",
	  "Prints `key: value` lines: id, name, size, cache, persistent, source,\n"
	  "region, mmap_offset, dma_addr, uid, handles, mappings, exports, holders (the\n"
	  "processes, as PID(COMM):KIND+KIND, read from debugfs: root only)\n"
	  "(--json: one object with the same keys)." },
	[ACT_FILL] = { "fill", action_fill, 1, 1, "ID|NAME",
	  "write a pattern, random bytes or a file into a buffer",
	  "Exactly one source: --pattern, --word, --counter, --random or --from.\n"
	  "Patterns depend on the position in the buffer, not in the range, so a\n"
	  "partial fill writes what a whole fill would have written there.\n"
	  "--from FILE --direct reads with O_DIRECT: --offset and --length must be\n"
	  "multiples of the file system's O_DIRECT alignment (see cmamem(1))." },
	[ACT_DUMP] = { "dump", action_dump, 1, 1, "ID|NAME",
	  "print a buffer as hexdump -C or od does, or raw",
	  "The output is byte for byte that of `hexdump -C -s OFFSET -n LENGTH`\n"
	  "on a file holding the buffer; --format uN that of `od -A x -t xN/8\n"
	  "--endian ORDER -j OFFSET -N LENGTH` (N/8 bytes a word; the range must be\n"
	  "whole words); --format raw (or --raw) writes the bytes instead.\n"
	  "--to FILE writes to FILE; --raw --to FILE --direct writes with O_DIRECT\n"
	  "(--offset and --length aligned as for fill --direct)." },
	[ACT_SYNC] = { "sync", action_sync, 1, 1, "ID|NAME",
	  "cache maintenance on a buffer range",
	  "--for cpu before the CPU reads what a device wrote; --for device\n"
	  "before a device reads what the CPU wrote. A no-op unless cached." },
	[ACT_CHECKSUM] = { "checksum", action_checksum, 1, 1, "ID|NAME",
	  "print the SHA-256 or CRC-32 of a buffer range",
	  "Prints the digest alone, in lowercase hex: what `sha256sum` (without its\n"
	  "file name) or `crc32` prints for a file holding the same bytes (--json:\n"
	  "id, name, offset, length, algo, digest)." },
	[ACT_CMP] = { "cmp", action_cmp, 2, 2, "A B",
	  "compare two buffers, or a buffer and a file, as cmp(1)",
	  "A and B are buffers (ID|NAME) or files: an argument holding a '/' (such\n"
	  "as ./a.bin), or '-' for standard input. Exit 0 if the same, 1 if they\n"
	  "differ (\"A B differ: byte N, line M\" on stdout; --quiet: silent), 2 or\n"
	  "more for trouble. --offset skips that many bytes of both." },
	[ACT_COPY] = { "copy", action_copy, 2, 2, "SRC DST",
	  "copy bytes from one buffer to another",
	  "Copies SRC's range --offset/--length (default: all of it) into DST at\n"
	  "--dest-offset (default: the same offset). SRC and DST may be the same\n"
	  "buffer; overlapping ranges are copied as memmove() does." },
	[ACT_VERIFY] = { "verify", action_verify, 1, 1, "ID|NAME",
	  "prove a buffer is physically contiguous (root)",
	  "Maps the buffer, reads each page's frame number from\n"
	  "/proc/self/pagemap, and checks that they are consecutive and that the\n"
	  "first is the DMA address the driver reports. Exit 0 if so, 1 if not\n"
	  "(--json: id, name, size, pages, contiguous, phys_addr, dma_addr,\n"
	  "dma_match, first_gap, ok)." },
	[ACT_STATS] = { "stats", action_stats, 0, 0, "",
	  "print the driver's allocation statistics (root)",
	  "Allocations (by source: pool or CMA, and fallbacks from a full pool),\n"
	  "frees, failures by reason, use, peak, largest buffer and\n"
	  "the allocation latency histogram, from /sys/kernel/debug/cma_mem/stats\n"
	  "(--json: one object with that file's keys)." },
	[ACT_HOLDERS] = { "holders", action_holders, 0, 0, "",
	  "which processes hold buffers, the most bytes first (root)",
	  "One line per process that holds a buffer: pid, comm, the bytes of the\n"
	  "buffers it holds, and each buffer's id with how it is held: handle (an\n"
	  "open /dev/cma_mem file with a handle), map (a mapping) or export (an\n"
	  "open dma-buf), from /sys/kernel/debug/cma_mem/holders (--json: an\n"
	  "array of objects: pid, comm, bytes, buffers: [{id, size, kinds}])." },
	[ACT_MAP] = { "map", action_map, 0, 0, "",
	  "draw where the buffers lie in the CMA areas, as SVG (root)",
	  "An SVG picture of each CMA area: cmamem's buffers (labelled id and\n"
	  "name), the pool's chunks, memory CMA gave others, and the free runs,\n"
	  "with the largest free run and their number. It goes to standard\n"
	  "output, which may not be a terminal, or to -o FILE. --json prints the\n"
	  "same layout: areas, each with its runs (kind, start, offset, bytes,\n"
	  "id) and pool chunks. Reads /sys/kernel/debug/cma (the kernel's\n"
	  "CONFIG_CMA_DEBUGFS) and cma_mem's debugfs files: root only." },
	[ACT_LIMITS] = { "limits", action_limits, 0, 0, "",
	  "show the driver's limits and use; --set one (root)",
	  "Prints max_total_bytes, max_buffer_bytes, max_buffers,\n"
	  "max_bytes_per_uid (0: no limit), used_bytes, buffers and peak_bytes from\n"
	  "/sys/class/misc/cma_mem (--json: one object). --set NAME=VALUE sets a\n"
	  "limit first, as in --set max_total_bytes=64M. Allocations over a limit\n"
	  "fail with exit 5: ENOSPC for the first three, EDQUOT per uid.\n"
	  "--region NAME shows a region's limit, max_bytes, and its used_bytes and\n"
	  "buffers instead, and --set max_bytes=SIZE sets it (ENOSPC too)." },
	[ACT_POOL] = { "pool", action_pool, 0, 0, "",
	  "show the preallocated pool; --resize it (root)",
	  "Prints pool_bytes (the pool's size), pool_used_bytes, pool_free_bytes,\n"
	  "pool_largest_free (the largest buffer it can give now),\n"
	  "pool_clean_bytes (free and already zeroed) and pool_lent_bytes (taken\n"
	  "back by allocations CMA could not satisfy, until it regrows) from\n"
	  "/sys/class/misc/cma_mem\n"
	  "(--json: one object). --resize SIZE grows the pool from CMA or frees\n"
	  "its unused chunks; when CMA has no room, or buffers keep chunks in use,\n"
	  "it says by how much it fell short and exits 1." },
	[ACT_REGIONS] = { "regions", action_regions, 0, 0, "",
	  "list the regions buffers are allocated from",
	  "One row per region: name, id, kind (cma: CMA, page-backed; carveout:\n"
	  "memory without struct pages), size, used, free, max (max_bytes, its\n"
	  "limit), buffers, and coherent (whether its device snoops the CPU's\n"
	  "caches), from /sys/class/misc/cma_mem/regions. Region default is the\n"
	  "kernel's default CMA area: its size and free, marked ~, are derived\n"
	  "from /proc/meminfo. --json: an array of objects: name, id, kind, base,\n"
	  "size, used_bytes, free_bytes, max_bytes, buffers, coherent, allocs,\n"
	  "alloc_failures, derived." },
	[ACT_EXPORT] = { "export", action_export, 2, -1, "ID|NAME -- CMD",
	  "run a command with the buffer's dma-buf fd",
	  "Exports the buffer as a dma-buf and runs CMD with the fd inherited, its\n"
	  "number in $CMAMEM_DMABUF_FD ($CMAMEM_BUFFER_ID and $CMAMEM_BUFFER_SIZE\n"
	  "too). cmamem becomes CMD, so the exit status is CMD's (126 and 127 if\n"
	  "it cannot run, as in sh). Put -- before CMD, so its options stay its own." },
	[ACT_TOP] = { "top", action_top, 0, 0, "",
	  "a live view of CMA, the pool and who holds buffers, as top(1)",
	  "Redraws every --interval seconds: CMA's total and free memory, what\n"
	  "cmamem uses, the pool, the allocation rate and latency percentiles, the\n"
	  "last refused allocations, and one row per process that holds buffers\n"
	  "(pid, comm, uid, buffers, bytes, mapped bytes, exports). Keys: M bytes,\n"
	  "N pid, B buffers, m mapped, E exports (sort by), R reverse, q quit.\n"
	  "--once prints one screen, --json one JSON document per refresh. Rows,\n"
	  "rate, latency and refusals come from debugfs (root); without it, top\n"
	  "shows the rest and says what it cannot show and why." },
};

#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))
_Static_assert(N_ACTIONS == ACT_NR, "an action without its row");

/* How a buffer is named, for every action that takes one. */
static const char buffer_help[] =
	"A buffer is ID (all digits), NAME (one of your own buffers), or UID:NAME\n"
	"(user UID's buffer NAME, for root: a plain NAME never reaches another\n"
	"user's buffer).";

static const struct action_type *find_action(const char *name)
{
	size_t i;

	for (i = 0; i < N_ACTIONS; i++)
		if (!strcmp(actions[i].name, name))
			return &actions[i];
	return NULL;
}

static void set_str(char **dst, char *val)
{
	free(*dst);		/* the last of a repeated option wins */
	*dst = val;
}

/* fill's sources: two distinct ones are an error. */
static int is_fill_source(int code)
{
	return code == OPT_PATTERN || code == OPT_WORD || code == OPT_COUNTER ||
	       code == OPT_RANDOM || code == OPT_FROM_FILE;
}

#define STORE_STR(field, val)	set_str(&(field), val)
#define STORE_FLAG(field, val)	((field) = 1, free(val))
#define OPTION_STORE(id, field, kind, ...)				\
	case OPT_##id:							\
		fresh = !cli->field;					\
		STORE_##kind(cli->field, val);				\
		break;

/* Store one option's value; @val is malloc()ed by popt and now ours. */
static void set_option(struct cli *cli, int code, char *val)
{
	int fresh = 0;

	switch (code) {
	CLI_OPTIONS(OPTION_STORE)
	default:
		free(val);
		return;
	}
	if (fresh && is_fill_source(code))
		cli->fill_modes++;
}

#define FREE_STR(field)		(free(field), (field) = NULL)
#define FREE_FLAG(field)	((void)0)
#define OPTION_FREE(id, field, kind, ...)	FREE_##kind(cli->field);

static void free_cli(struct cli *cli)
{
	CLI_OPTIONS(OPTION_FREE)
}

static void print_global_help(poptContext ctx)
{
	size_t i;

	poptPrintHelp(ctx, stdout, 0);
	puts("\nActions:");
	for (i = 0; i < N_ACTIONS; i++) {
		char head[40];

		snprintf(head, sizeof(head), "%s %s", actions[i].name,
			 actions[i].arg_help);
		printf("  %-20s %s\n", head, actions[i].summary);
	}
	printf("\n%s\n", buffer_help);
	puts("\nRun `cmamem ACTION --help` for an action's options; see cmamem(1).\n"
	     "Exit status: 0 ok, 1 failed, 2 usage error, 3 not found,\n"
	     "4 permission denied, 5 limit reached.");
}

static void print_action_help(poptContext ctx, const struct action_type *a)
{
	poptPrintHelp(ctx, stdout, 0);
	printf("\n%s\n", a->help);
	/* The actions that take a buffer argument. */
	if (strstr(a->arg_help, "ID|NAME") || strstr(a->help, "ID|NAME") ||
	    a->handler == action_copy)
		printf("\n%s\n", buffer_help);
}

/* popt's error for the option it stopped at, as one usage line. */
static int popt_error(poptContext ctx, const char *where, int rc)
{
	return cli_usage("%s%s%s: %s", where, *where ? " " : "",
			 poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
			 poptStrerror(rc));
}

/*
 * Pass 1: global options, up to the action. Returns -1 to go on, with the
 * action and its arguments in @rest; they may live in the context, so the
 * caller frees *@ctxp only when done with them.
 */
static int parse_global(struct cli *cli, int argc, const char **argv,
			poptContext *ctxp, const char ***rest, int *nrest,
			int *help)
{
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, global_options, 0,
		  "Global options:", NULL },
		POPT_TABLEEND
	};
	poptContext ctx;
	const char **left;
	int rc, ret = -1, n = 0;

	ctx = poptGetContext("cmamem", argc, argv, table,
			     POPT_CONTEXT_POSIXMEHARDER);
	*ctxp = ctx;
	poptSetOtherOptionHelp(ctx, "[OPTION...] ACTION [ARGS...]");
	while ((rc = poptGetNextOpt(ctx)) > 0) {
		if (rc == OPT_HELP)
			*help = 1;
		else if (rc == OPT_VERSION)
			ret = EXIT_OK;
		set_option(cli, rc, poptGetOptArg(ctx));
	}
	if (rc < -1) {
		return popt_error(ctx, "", rc);
	}
	if (ret == EXIT_OK) {
		printf("cmamem %s (libcmamem %s)\n", CMAMEM_VERSION,
		       cmamem_version());
		return ret;
	}
	left = poptGetArgs(ctx);
	while (left && left[n])
		n++;
	if (!n) {
		if (*help) {
			print_global_help(ctx);
			return EXIT_OK;
		}
		return cli_usage("no action given; try `cmamem --help`");
	}
	*rest = left;
	*nrest = n;
	return -1;
}

/* Pass 2: the action's arguments and options. */
static int run_action(struct cli *cli, int argc, const char **argv, int help)
{
	const struct action_type *a = find_action(argv[0]);
	static struct poptOption action_options[N_OPTIONS + 1];
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, action_options, 0, NULL,
		  NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, global_options, 0,
		  "Global options:", NULL },
		POPT_TABLEEND
	};
	char argv0[64], usage[64];
	const char **pargv;
	const char **left;
	poptContext ctx;
	int rc, n = 0, ret;

	if (!a)
		return cli_usage("unknown action '%s'; try `cmamem --help`", argv[0]);
	cli->action = a;
	if (option_table(1u << (a - actions), action_options))
		table[0].descrip = "Options:";

	/* popt names the program after argv[0]: make it "cmamem ACTION". */
	snprintf(argv0, sizeof(argv0), "cmamem %s", a->name);
	pargv = malloc(sizeof(*pargv) * (size_t)(argc + 1));
	if (!pargv)
		return cli_fail(ENOMEM, "parse");
	memcpy(pargv, argv, sizeof(*pargv) * (size_t)(argc + 1));
	pargv[0] = argv0;

	ctx = poptGetContext(argv0, argc, pargv, table, 0);
	snprintf(usage, sizeof(usage), "%s%s[OPTION...]", a->arg_help,
		 *a->arg_help ? " " : "");
	poptSetOtherOptionHelp(ctx, usage);
	while ((rc = poptGetNextOpt(ctx)) > 0) {
		if (rc == OPT_HELP)
			help = 1;
		set_option(cli, rc, poptGetOptArg(ctx));
	}
	if (rc < -1) {
		ret = popt_error(ctx, a->name, rc);
		goto out;
	}
	if (help) {
		print_action_help(ctx, a);
		ret = EXIT_OK;
		goto out;
	}
	left = poptGetArgs(ctx);
	while (left && left[n])
		n++;
	if (n < a->min_args) {
		ret = cli_usage("%s: missing %s; try `cmamem %s --help`", a->name,
				a->arg_help, a->name);
		goto out;
	}
	if (a->max_args >= 0 && n > a->max_args) {
		ret = cli_usage("%s: unexpected argument '%s'", a->name,
				left[a->max_args]);
		goto out;
	}
	cli->args = left;
	cli->nargs = n;
	ret = a->handler(cli);
out:
	poptFreeContext(ctx);
	free(pargv);
	return ret;
}

int main(int argc, const char **argv)
{
	struct cli cli;
	poptContext ctx = NULL;
	const char **rest = NULL;
	int nrest = 0, help = 0, ret;

	memset(&cli, 0, sizeof(cli));
	option_table(GLOBAL, global_options);
	ret = parse_global(&cli, argc, argv, &ctx, &rest, &nrest, &help);
	if (ret < 0)
		ret = run_action(&cli, nrest, rest, help);
	poptFreeContext(ctx);
	free_cli(&cli);

	/* Results that never reached stdout are a failure, as in coreutils. */
	if (fflush(stdout) || ferror(stdout)) {
		cli_err("write error on standard output");
		if (ret == EXIT_OK)
			ret = EXIT_FAILED;
	}
	return ret;
}
