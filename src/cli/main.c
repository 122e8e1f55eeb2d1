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

/* Option codes: popt hands them back, set_option() stores the value. */
enum {
	OPT_DEVICE = 1, OPT_JSON, OPT_QUIET, OPT_VERBOSE, OPT_HELP, OPT_VERSION,
	OPT_NAME, OPT_CACHE, OPT_ALIGN, OPT_FROM, OPT_OFFSET, OPT_LENGTH,
	OPT_PATTERN, OPT_WORD, OPT_COUNTER, OPT_RANDOM, OPT_SEED, OPT_RAW,
	OPT_FOR, OPT_SIZE_FROM, OPT_ALGO, OPT_FORMAT, OPT_ENDIAN, OPT_DEST_OFFSET,
	OPT_SET, OPT_ALL, OPT_TO, OPT_DIRECT, OPT_RESIZE,
};

static const struct poptOption global_options[] = {
	{ "device", 'd', POPT_ARG_STRING, NULL, OPT_DEVICE,
	  "the device node (default: $CMAMEM_DEVICE, else /dev/cma_mem)", "PATH" },
	{ "json", 'j', POPT_ARG_NONE, NULL, OPT_JSON,
	  "print results as JSON", NULL },
	{ "quiet", 'q', POPT_ARG_NONE, NULL, OPT_QUIET,
	  "no notes, warnings or progress bar; errors and results still print", NULL },
	{ "verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
	  "notes on stderr; `list` prints a table", NULL },
	{ "version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION,
	  "print the version and exit", NULL },
	{ "help", 'h', POPT_ARG_NONE, NULL, OPT_HELP,
	  "show help (`cmamem ACTION --help` for an action)", NULL },
	POPT_TABLEEND
};

#define OFFSET_LENGTH_OPTIONS \
	{ "offset", 'o', POPT_ARG_STRING, NULL, OPT_OFFSET, \
	  "start this many bytes into the buffer (default 0)", "SIZE" }, \
	{ "length", 'l', POPT_ARG_STRING, NULL, OPT_LENGTH, \
	  "this many bytes (default: to the end)", "SIZE" }

static const struct poptOption alloc_options[] = {
	{ "name", 'n', POPT_ARG_STRING, NULL, OPT_NAME,
	  "a unique name: 1-31 printable ASCII bytes, no space or '/', not all digits", "NAME" },
	{ "cache", 'c', POPT_ARG_STRING, NULL, OPT_CACHE,
	  "cache mode: wc (default), uncached or cached", "MODE" },
	{ "align", 'a', POPT_ARG_STRING, NULL, OPT_ALIGN,
	  "DMA address alignment, a power of two", "SIZE" },
	{ "from", 'f', POPT_ARG_STRING, NULL, OPT_FROM,
	  "memory source: auto (default: pool, then CMA), pool or cma", "SOURCE" },
	{ "size-from", 0, POPT_ARG_STRING, NULL, OPT_SIZE_FROM,
	  "the size of FILE, instead of SIZE", "FILE" },
	POPT_TABLEEND
};

static const struct poptOption fill_options[] = {
	{ "pattern", 'p', POPT_ARG_STRING, NULL, OPT_PATTERN,
	  "every byte is BYTE (0-255, or 0x00-0xff)", "BYTE" },
	{ "word", 'w', POPT_ARG_STRING, NULL, OPT_WORD,
	  "repeat a 32-bit little-endian word (hex, 0x optional)", "HEX32" },
	{ "counter", 0, POPT_ARG_NONE, NULL, OPT_COUNTER,
	  "the 32-bit little-endian word at offset 4*i holds i", NULL },
	{ "random", 0, POPT_ARG_NONE, NULL, OPT_RANDOM,
	  "splitmix64 from --seed, 64-bit little-endian words", NULL },
	{ "seed", 's', POPT_ARG_STRING, NULL, OPT_SEED,
	  "the seed for --random (default 0)", "S" },
	{ "from", 'f', POPT_ARG_STRING, NULL, OPT_FROM,
	  "copy a file's bytes in ('-': standard input)", "FILE" },
	{ "direct", 0, POPT_ARG_NONE, NULL, OPT_DIRECT,
	  "with --from FILE: O_DIRECT, the disk reads straight into the buffer", NULL },
	OFFSET_LENGTH_OPTIONS,
	POPT_TABLEEND
};

static const struct poptOption dump_options[] = {
	{ "format", 'F', POPT_ARG_STRING, NULL, OPT_FORMAT,
	  "hex (hexdump -C, the default), raw, or words as od -A x -t x1|x2|x4|x8: u8, u16, u32, u64",
	  "FORMAT" },
	{ "endian", 'e', POPT_ARG_STRING, NULL, OPT_ENDIAN,
	  "byte order of u16, u32, u64 words: little (default) or big", "ORDER" },
	{ "raw", 'r', POPT_ARG_NONE, NULL, OPT_RAW,
	  "the same as --format raw: the bytes themselves", NULL },
	{ "to", 'T', POPT_ARG_STRING, NULL, OPT_TO,
	  "write to FILE (created, or replaced) instead of standard output", "FILE" },
	{ "direct", 0, POPT_ARG_NONE, NULL, OPT_DIRECT,
	  "with --raw --to FILE: O_DIRECT, the disk writes straight from the buffer", NULL },
	OFFSET_LENGTH_OPTIONS,
	POPT_TABLEEND
};

static const struct poptOption checksum_options[] = {
	{ "algo", 'A', POPT_ARG_STRING, NULL, OPT_ALGO,
	  "sha256 (default, as sha256sum) or crc32 (as crc32(1))", "ALGO" },
	OFFSET_LENGTH_OPTIONS,
	POPT_TABLEEND
};

static const struct poptOption cmp_options[] = {
	OFFSET_LENGTH_OPTIONS,
	POPT_TABLEEND
};

static const struct poptOption copy_options[] = {
	{ "dest-offset", 't', POPT_ARG_STRING, NULL, OPT_DEST_OFFSET,
	  "where the bytes go in DST (default: --offset)", "SIZE" },
	OFFSET_LENGTH_OPTIONS,
	POPT_TABLEEND
};

static const struct poptOption sync_options[] = {
	{ "for", 0, POPT_ARG_STRING, NULL, OPT_FOR,
	  "cpu: before the CPU reads; device: before a device reads", "cpu|device" },
	OFFSET_LENGTH_OPTIONS,
	POPT_TABLEEND
};

static const struct poptOption no_options[] = {
	POPT_TABLEEND
};

static const struct poptOption list_options[] = {
	{ "all", 0, POPT_ARG_NONE, NULL, OPT_ALL,
	  "every user's buffers, from the debugfs table (root)", NULL },
	POPT_TABLEEND
};

static const struct poptOption limits_options[] = {
	{ "set", 0, POPT_ARG_STRING, NULL, OPT_SET,
	  "set one limit; VALUE in alloc's size syntax, 0 for none", "NAME=VALUE" },
	POPT_TABLEEND
};

static const struct poptOption pool_options[] = {
	{ "resize", 0, POPT_ARG_STRING, NULL, OPT_RESIZE,
	  "make the pool SIZE bytes (alloc's size syntax; 0: no pool)", "SIZE" },
	POPT_TABLEEND
};

static const struct action_type actions[] = {
	{ "alloc", action_alloc, 0, 1, alloc_options, "SIZE",
	  "allocate a persistent buffer and print its id",
	  "Allocates a zeroed, physically contiguous buffer of SIZE bytes (rounded\n"
	  "up to pages) that persists until `cmamem free`, and prints its id\n"
	  "(--json: an object with id, name, size, cache, mmap_offset, dma_addr,\n"
	  "source). SIZE: 4096, 0x1000, 64K, 8M, 1G (binary units; KiB, MiB too);\n"
	  "--size-from FILE takes the size of FILE instead." },
	{ "free", action_free, 1, 1, no_options, "ID|NAME",
	  "free a buffer",
	  "Drops the persistent reference. The memory returns to CMA once no\n"
	  "process holds or maps the buffer." },
	{ "list", action_list, 0, 0, list_options, "",
	  "list your buffers",
	  "Prints the ids of your buffers, one a line; with --verbose a table,\n"
	  "with --json an array of the objects `info --json` prints. --all (root)\n"
	  "prints every buffer, freed-but-mapped ones too: the debugfs table, or\n"
	  "with --json an array of objects keyed by its header." },
	{ "info", action_info, 1, 1, no_options, "ID|NAME",
	  "describe a buffer",
	  "Prints `key: value` lines: id, name, size, cache, persistent, source,\n"
	  "mmap_offset, dma_addr, uid, handles, mappings, exports, holders (the\n"
	  "processes, as PID(COMM):KIND+KIND, read from debugfs: root only)\n"
	  "(--json: one object with the same keys)." },
	{ "fill", action_fill, 1, 1, fill_options, "ID|NAME",
	  "write a pattern, random bytes or a file into a buffer",
	  "Exactly one source: --pattern, --word, --counter, --random or --from.\n"
	  "Patterns depend on the position in the buffer, not in the range, so a\n"
	  "partial fill writes what a whole fill would have written there.\n"
	  "--from FILE --direct reads with O_DIRECT: --offset and --length must be\n"
	  "multiples of the file system's O_DIRECT alignment (see cmamem(1))." },
	{ "dump", action_dump, 1, 1, dump_options, "ID|NAME",
	  "print a buffer as hexdump -C or od does, or raw",
	  "The output is byte for byte that of `hexdump -C -s OFFSET -n LENGTH`\n"
	  "on a file holding the buffer; --format uN that of `od -A x -t xN/8\n"
	  "--endian ORDER -j OFFSET -N LENGTH` (N/8 bytes a word; the range must be\n"
	  "whole words); --format raw (or --raw) writes the bytes instead.\n"
	  "--to FILE writes to FILE; --raw --to FILE --direct writes with O_DIRECT\n"
	  "(--offset and --length aligned as for fill --direct)." },
	{ "sync", action_sync, 1, 1, sync_options, "ID|NAME",
	  "cache maintenance on a buffer range",
	  "--for cpu before the CPU reads what a device wrote; --for device\n"
	  "before a device reads what the CPU wrote. A no-op unless cached." },
	{ "checksum", action_checksum, 1, 1, checksum_options, "ID|NAME",
	  "print the SHA-256 or CRC-32 of a buffer range",
	  "Prints the digest alone, in lowercase hex: what `sha256sum` (without its\n"
	  "file name) or `crc32` prints for a file holding the same bytes (--json:\n"
	  "id, name, offset, length, algo, digest)." },
	{ "cmp", action_cmp, 2, 2, cmp_options, "A B",
	  "compare two buffers, or a buffer and a file, as cmp(1)",
	  "A and B are buffers (ID|NAME) or files: an argument holding a '/' (such\n"
	  "as ./a.bin), or '-' for standard input. Exit 0 if the same, 1 if they\n"
	  "differ (\"A B differ: byte N, line M\" on stdout; --quiet: silent), 2 or\n"
	  "more for trouble. --offset skips that many bytes of both." },
	{ "copy", action_copy, 2, 2, copy_options, "SRC DST",
	  "copy bytes from one buffer to another",
	  "Copies SRC's range --offset/--length (default: all of it) into DST at\n"
	  "--dest-offset (default: the same offset). SRC and DST may be the same\n"
	  "buffer; overlapping ranges are copied as memmove() does." },
	{ "verify", action_verify, 1, 1, no_options, "ID|NAME",
	  "prove a buffer is physically contiguous (root)",
	  "Maps the buffer, reads each page's frame number from\n"
	  "/proc/self/pagemap, and checks that they are consecutive and that the\n"
	  "first is the DMA address the driver reports. Exit 0 if so, 1 if not\n"
	  "(--json: id, name, size, pages, contiguous, phys_addr, dma_addr,\n"
	  "dma_match, first_gap, ok)." },
	{ "stats", action_stats, 0, 0, no_options, "",
	  "print the driver's allocation statistics (root)",
	  "Allocations (by source: pool or CMA, and fallbacks from a full pool),\n"
	  "frees, failures by reason, use, peak, largest buffer and\n"
	  "the allocation latency histogram, from /sys/kernel/debug/cma_mem/stats\n"
	  "(--json: one object with that file's keys)." },
	{ "holders", action_holders, 0, 0, no_options, "",
	  "which processes hold buffers, the most bytes first (root)",
	  "One line per process that holds a buffer: pid, comm, the bytes of the\n"
	  "buffers it holds, and each buffer's id with how it is held: handle (an\n"
	  "open /dev/cma_mem file with a handle), map (a mapping) or export (an\n"
	  "open dma-buf), from /sys/kernel/debug/cma_mem/holders (--json: an\n"
	  "array of objects: pid, comm, bytes, buffers: [{id, size, kinds}])." },
	{ "limits", action_limits, 0, 0, limits_options, "",
	  "show the driver's limits and use; --set one (root)",
	  "Prints max_total_bytes, max_buffer_bytes, max_buffers,\n"
	  "max_bytes_per_uid (0: no limit), used_bytes, buffers and peak_bytes from\n"
	  "/sys/class/misc/cma_mem (--json: one object). --set NAME=VALUE sets a\n"
	  "limit first, as in --set max_total_bytes=64M. Allocations over a limit\n"
	  "fail with exit 5: ENOSPC for the first three, EDQUOT per uid." },
	{ "pool", action_pool, 0, 0, pool_options, "",
	  "show the preallocated pool; --resize it (root)",
	  "Prints pool_bytes (the pool's size), pool_used_bytes, pool_free_bytes,\n"
	  "pool_largest_free (the largest buffer it can give now) and\n"
	  "pool_clean_bytes (free and already zeroed) from /sys/class/misc/cma_mem\n"
	  "(--json: one object). --resize SIZE grows the pool from CMA or frees\n"
	  "its unused chunks; when CMA has no room, or buffers keep chunks in use,\n"
	  "it says by how much it fell short and exits 1." },
	{ "export", action_export, 2, -1, no_options, "ID|NAME -- CMD",
	  "run a command with the buffer's dma-buf fd",
	  "Exports the buffer as a dma-buf and runs CMD with the fd inherited, its\n"
	  "number in $CMAMEM_DMABUF_FD ($CMAMEM_BUFFER_ID and $CMAMEM_BUFFER_SIZE\n"
	  "too). cmamem becomes CMD, so the exit status is CMD's (126 and 127 if\n"
	  "it cannot run, as in sh). Put -- before CMD, so its options stay its own." },
};

#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

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

/* Store one option's value; @val is malloc()ed by popt and now ours. */
static void set_option(struct cli *cli, int code, char *val)
{
	switch (code) {
	case OPT_DEVICE: set_str(&cli->device, val); return;
	case OPT_JSON: cli->json = 1; break;
	case OPT_QUIET: cli->quiet = 1; break;
	case OPT_VERBOSE: cli->verbose = 1; break;
	case OPT_NAME: set_str(&cli->name, val); return;
	case OPT_CACHE: set_str(&cli->cache, val); return;
	case OPT_ALIGN: set_str(&cli->align, val); return;
	case OPT_OFFSET: set_str(&cli->offset, val); return;
	case OPT_LENGTH: set_str(&cli->length, val); return;
	case OPT_FOR: set_str(&cli->for_dir, val); return;
	case OPT_SEED: set_str(&cli->seed, val); return;
	case OPT_RAW: cli->raw = 1; break;
	case OPT_SIZE_FROM: set_str(&cli->size_from, val); return;
	case OPT_ALGO: set_str(&cli->algo, val); return;
	case OPT_FORMAT: set_str(&cli->format, val); return;
	case OPT_ENDIAN: set_str(&cli->endian, val); return;
	case OPT_DEST_OFFSET: set_str(&cli->dest_offset, val); return;
	case OPT_SET: set_str(&cli->set, val); return;
	case OPT_RESIZE: set_str(&cli->resize, val); return;
	case OPT_ALL: cli->all = 1; break;
	case OPT_TO: set_str(&cli->to, val); return;
	case OPT_DIRECT: cli->direct = 1; break;
	/* fill's sources: count distinct ones, so two of them is an error. */
	case OPT_FROM:
		if (!cli->from && cli->action && cli->action->handler == action_fill)
			cli->fill_modes++;
		set_str(&cli->from, val);
		return;
	case OPT_PATTERN:
		cli->fill_modes += !cli->pattern;
		set_str(&cli->pattern, val);
		return;
	case OPT_WORD:
		cli->fill_modes += !cli->word;
		set_str(&cli->word, val);
		return;
	case OPT_COUNTER:
		cli->fill_modes += !cli->counter;
		cli->counter = 1;
		break;
	case OPT_RANDOM:
		cli->fill_modes += !cli->random;
		cli->random = 1;
		break;
	default:
		break;
	}
	free(val);
}

static void free_cli(struct cli *cli)
{
	char **fields[] = {
		&cli->device, &cli->name, &cli->cache, &cli->align, &cli->from,
		&cli->offset, &cli->length, &cli->pattern, &cli->word,
		&cli->seed, &cli->for_dir, &cli->size_from, &cli->algo,
		&cli->format, &cli->endian, &cli->dest_offset, &cli->set,
		&cli->to, &cli->resize,
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char **field = fields[i];

		free(*field);
		*field = NULL;
	}
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
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)global_options, 0,
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
	struct poptOption table[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, NULL, 0, NULL, NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)global_options, 0,
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
	table[0].arg = (void *)a->options;
	table[0].descrip = a->options[0].longName ? "Options:" : NULL;

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
