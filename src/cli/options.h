/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every option of the cmamem CLI, declared once, as cryptsetup's
 * cryptsetup_arg_list.h declares its own. The list generates the option
 * codes (OPT_*), the popt entries, the fields of struct cli and their
 * freeing (main.c, cli.h); a new option is one line here and its use in a
 * handler.
 *
 *   X(ID, FIELD, KIND, LONG, SHORT, ARG, ACTIONS, HELP)
 *
 * KIND is STR (a char * field: the value as given, malloc()ed, the last of
 * a repeated option wins) or FLAG (an int field, set to 1). ACTIONS is
 * GLOBAL, or the ON() of each action whose popt table admits the option;
 * within an action's table the options come in this list's order. Two
 * actions' options may share a long name (alloc's --from SOURCE and fill's
 * --from FILE), never a field.
 */
#ifndef CMAMEM_CLI_OPTIONS_H
#define CMAMEM_CLI_OPTIONS_H

/* The actions, in the order of main.c's action table. */
enum action_id {
	ACT_ALLOC, ACT_FREE, ACT_LIST, ACT_INFO, ACT_FILL, ACT_DUMP, ACT_SYNC,
	ACT_CHECKSUM, ACT_CMP, ACT_COPY, ACT_VERIFY, ACT_STATS, ACT_HOLDERS,
	ACT_MAP,
	ACT_LIMITS, ACT_POOL, ACT_REGIONS, ACT_EXPORT,
	ACT_TOP,
	ACT_NR
};

#define ON(action)	(1u << ACT_##action)
#define GLOBAL		(1u << ACT_NR)
/* The actions that take a range of a buffer. */
#define ON_RANGE	(ON(FILL) | ON(DUMP) | ON(SYNC) | ON(CHECKSUM) | \
			 ON(CMP) | ON(COPY))

#define CLI_OPTIONS(X)							\
	X(DEVICE, device, STR, "device", 'd', "PATH", GLOBAL,		\
	  "the device node (default: $CMAMEM_DEVICE, else /dev/cma_mem)") \
	X(JSON, json, FLAG, "json", 'j', NULL, GLOBAL,			\
	  "print results as JSON")					\
	X(QUIET, quiet, FLAG, "quiet", 'q', NULL, GLOBAL,		\
	  "no notes, warnings or progress bar; errors and results still print") \
	X(VERBOSE, verbose, FLAG, "verbose", 'v', NULL, GLOBAL,	\
	  "notes on stderr; `list` prints a table")			\
	X(VERSION, version, FLAG, "version", 'V', NULL, GLOBAL,	\
	  "print the version and exit")					\
	X(HELP, help, FLAG, "help", 'h', NULL, GLOBAL,			\
	  "show help (`cmamem ACTION --help` for an action)")		\
	X(NAME, name, STR, "name", 'n', "NAME", ON(ALLOC),		\
	  "a unique name: 1-31 printable ASCII bytes, no space or '/', not all digits") \
	X(CACHE, cache, STR, "cache", 'c', "MODE", ON(ALLOC),		\
	  "cache mode: wc (default), uncached or cached")		\
	X(ALIGN, align, STR, "align", 'a', "SIZE", ON(ALLOC),		\
	  "DMA address alignment, a power of two")			\
	X(SOURCE, source, STR, "from", 'f', "SOURCE", ON(ALLOC),	\
	  "memory source: auto (default: pool, then CMA), pool or cma")	\
	X(SIZE_FROM, size_from, STR, "size-from", 0, "FILE", ON(ALLOC),	\
	  "the size of FILE, instead of SIZE")				\
	X(REGION, region, STR, "region", 'R', "NAME|ID", ON(ALLOC) | ON(LIMITS), \
	  "a region, by name or id (`cmamem regions` lists them): alloc allocates in it, limits shows and sets its max_bytes") \
	X(PATTERN, pattern, STR, "pattern", 'p', "BYTE", ON(FILL),	\
	  "every byte is BYTE (0-255, or 0x00-0xff)")			\
	X(WORD, word, STR, "word", 'w', "HEX32", ON(FILL),		\
	  "repeat a 32-bit little-endian word (hex, 0x optional)")	\
	X(COUNTER, counter, FLAG, "counter", 0, NULL, ON(FILL),	\
	  "the 32-bit little-endian word at offset 4*i holds i")	\
	X(RANDOM, random, FLAG, "random", 0, NULL, ON(FILL),		\
	  "splitmix64 from --seed, 64-bit little-endian words")		\
	X(SEED, seed, STR, "seed", 's', "S", ON(FILL),			\
	  "the seed for --random (default 0)")				\
	X(FROM_FILE, from_file, STR, "from", 'f', "FILE", ON(FILL),	\
	  "copy a file's bytes in ('-': standard input)")		\
	X(FORMAT, format, STR, "format", 'F', "FORMAT", ON(DUMP),	\
	  "hex (hexdump -C, the default), raw, or words as od -A x -t x1|x2|x4|x8: u8, u16, u32, u64") \
	X(ENDIAN, endian, STR, "endian", 'e', "ORDER", ON(DUMP),	\
	  "byte order of u16, u32, u64 words: little (default) or big")	\
	X(RAW, raw, FLAG, "raw", 'r', NULL, ON(DUMP),			\
	  "the same as --format raw: the bytes themselves")		\
	X(TO, to, STR, "to", 'T', "FILE", ON(DUMP),			\
	  "write to FILE (created, or replaced) instead of standard output") \
	X(OUTPUT, output, STR, "output", 'o', "FILE", ON(MAP),		\
	  "write to FILE (created, or replaced) instead of standard output") \
	X(DIRECT_IN, direct_in, FLAG, "direct", 0, NULL, ON(FILL),	\
	  "with --from FILE: O_DIRECT, the disk reads straight into the buffer") \
	X(DIRECT_OUT, direct_out, FLAG, "direct", 0, NULL, ON(DUMP),	\
	  "with --raw --to FILE: O_DIRECT, the disk writes straight from the buffer") \
	X(ALGO, algo, STR, "algo", 'A', "ALGO", ON(CHECKSUM),		\
	  "sha256 (default, as sha256sum) or crc32 (as crc32(1))")	\
	X(DEST_OFFSET, dest_offset, STR, "dest-offset", 't', "SIZE", ON(COPY), \
	  "where the bytes go in DST (default: --offset)")		\
	X(FOR, for_dir, STR, "for", 0, "cpu|device", ON(SYNC),		\
	  "cpu: before the CPU reads; device: before a device reads")	\
	X(OFFSET, offset, STR, "offset", 'o', "SIZE", ON_RANGE,	\
	  "start this many bytes into the buffer (default 0)")		\
	X(LENGTH, length, STR, "length", 'l', "SIZE", ON_RANGE,	\
	  "this many bytes (default: to the end)")			\
	X(ALL, all, FLAG, "all", 0, NULL, ON(LIST),			\
	  "every user's buffers, from the debugfs table (root)")	\
	X(SET, set, STR, "set", 0, "NAME=VALUE", ON(LIMITS),		\
	  "set one limit; VALUE in alloc's size syntax, 0 for none")	\
	X(RESIZE, resize, STR, "resize", 0, "SIZE", ON(POOL),		\
	  "make the pool SIZE bytes (alloc's size syntax; 0: no pool)") \
	X(INTERVAL, interval, STR, "interval", 0, "SECONDS", ON(TOP),	\
	  "seconds between refreshes, 0.1 to 86400 (default 1; 0.5 too)") \
	X(SORT, sort, STR, "sort", 0, "KEY", ON(TOP),			\
	  "order the processes by bytes (default), pid, buffers, mapped or exports") \
	X(ONCE, once, FLAG, "once", 0, NULL, ON(TOP),			\
	  "print one screen (with --json, one document) and exit")

/* The option codes popt hands back: OPT_DEVICE... (0 is popt's "none"). */
#define CLI_OPTION_CODE(id, ...)	OPT_##id,
enum {
	OPT_NONE_,
	CLI_OPTIONS(CLI_OPTION_CODE)
	OPT_NR
};
#undef CLI_OPTION_CODE

/* struct cli's fields, one per option. */
#define CLI_FIELD_STR(field)		char *field;
#define CLI_FIELD_FLAG(field)		int field;
#define CLI_OPTION_FIELD(id, field, kind, ...)	CLI_FIELD_##kind(field)

#endif
