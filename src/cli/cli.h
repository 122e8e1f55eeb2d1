/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the cmamem CLI's files share: the parsed command line, the action
 * table's shape, exit codes, and the helpers every action uses.
 *
 * The rule every handler follows: parse and check all of its arguments
 * first (a bad one is exit 2), and only then open the device. A range is
 * the one exception: it is checked against the buffer's size once the
 * buffer is attached (range_check()), still exit 2, before any I/O.
 */
#ifndef CMAMEM_CLI_H
#define CMAMEM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "cmamem.h"
#include "options.h"

/* Exit codes: stable, documented in cmamem(1), EXIT STATUS. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the operation failed (kernel or I/O error) */
	EXIT_USAGE = 2,		/* a bad argument; the device was not touched */
	EXIT_NOTFOUND = 3,	/* ENOENT: no such buffer */
	EXIT_PERM = 4,		/* EPERM, EACCES */
	EXIT_LIMIT = 5,		/* EDQUOT, ENOSPC */
};

struct cli;

/*
 * One action, modelled on cryptsetup's struct action_type. Its options are
 * those options.h admits ON() it.
 */
struct action_type {
	const char *name;
	int (*handler)(struct cli *cli);
	int min_args, max_args;		/* positional arguments; max -1: any */
	const char *arg_help;		/* "SIZE", "ID|NAME" */
	const char *summary;		/* one line, for `cmamem --help` */
	const char *help;		/* a paragraph, for `cmamem ACTION --help` */
};

/*
 * The command line: a field per option (options.h), the value as given,
 * parsed by the handler that knows what it means.
 */
struct cli {
	const struct action_type *action;
	const char **args;		/* the positional arguments */
	int nargs;

	CLI_OPTIONS(CLI_OPTION_FIELD)
	int fill_modes;			/* --pattern/--word/--counter/--random/--from seen */
};

/*
 * A buffer as named on the command line: an id (all digits), a name (one of
 * the caller's own), or UID:NAME (uid UID's buffer NAME, which root may
 * reach).
 */
struct buf_ref {
	uint32_t id;			/* 0 when named */
	const char *name;		/* NULL when by id */
	int has_owner;			/* UID:NAME */
	uint32_t owner;			/* UID, when has_owner */
	const char *text;		/* as typed, for messages */
};

/* diag.c: messages to stderr, prefixed "cmamem: ", and exit codes. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_note(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int exit_for_errno(int err);

/* args.c: argument parsers; each prints its one-line message and returns
 * EXIT_USAGE, or 0. @what names the argument in the message. */
int arg_size(const char *what, const char *s, uint64_t *out);
int arg_ref(const char *s, struct buf_ref *ref);
int arg_name(const char *what, const char *s);
int arg_u8(const char *what, const char *s, uint64_t *out);
int arg_hex32(const char *what, const char *s, uint64_t *out);
int arg_u64(const char *what, const char *s, uint64_t *out);
/* Map @s to its index in the NULL-terminated @words. */
int arg_word(const char *what, const char *s, const char *const *words,
	     int *index);
/* --offset and --length: *len is 0 when --length was not given. */
int arg_offlen(const struct cli *cli, uint64_t *off, uint64_t *len);
/* Seconds, as 2, 0.5 or .25, from @min to @max. */
int arg_seconds(const char *what, const char *s, double min, double max,
		double *out);
/* Check a range against the buffer; a *len of 0 becomes "to the end". */
int range_check(const struct buf_ref *ref, uint64_t size, uint64_t off,
		uint64_t *len);

/* device.c: the device and buffers, with messages and exit codes. */
int cli_open(const struct cli *cli, struct cmamem **devp);
int cli_attach(struct cmamem *dev, const struct buf_ref *ref,
	       struct cmamem_info *info);
/* A failed request about buffer @ref: its message, and its exit code. */
int buf_fail(int err, const struct buf_ref *ref);

/* explain.c: where the driver's files are, and the messages that name an
 * error's cause and fix from them. Each prints one line; an exit code. */
const char *sysfs_dir(void);
const char *debugfs_dir(void);
void cma_debugfs_dir(char *out, size_t len);	/* CONFIG_CMA_DEBUGFS's */
const char *meminfo_path(void);
/* One number from @dir/@name, decimal or 0x hex: 0, or a negative errno
 * (-EINVAL: not one). */
int read_u64(const char *dir, const char *name, uint64_t *v);
/* kB values from meminfo by key; a key not there stays -1. 0 or -errno. */
int read_meminfo(const char *const *keys, int64_t *kb, int n);
int explain_open(int err, const char *path);
/* An ALLOC as the command line asked for it, for explain_alloc(). */
struct alloc_req {
	const char *what;		/* SIZE, or --size-from's FILE, as typed */
	uint64_t size, align;
	uint32_t flags;			/* CMAMEM_* */
	uint32_t region;		/* the id ALLOC was given */
	const char *region_arg;		/* --region as typed, or NULL */
};
int explain_alloc(struct cmamem *dev, int err, const struct alloc_req *req);
int explain_busy(uint32_t id);
/* explain-region.c: what only a region explains. ALLOC: an exit code, or
 * -1 when the region is not the cause; @what is as typed, --region too. */
int explain_region_alloc(int err, const struct alloc_req *req,
			 const char *what, uint64_t bytes);
/* EXPORT refused buffer @info, named @text on the command line. */
int explain_export(int err, const char *text, const struct cmamem_info *info);
/* A read or write (@op) of @file with O_DIRECT into or out of @info failed. */
int explain_direct(int err, const char *op, const char *file,
		   const struct cmamem_info *info);

/* map.c: a buffer range mapped for an action. */
struct mapped {
	struct cmamem *dev;		/* NULL once unmapped */
	struct cmamem_info info;
	unsigned char *p;
	uint64_t off, len;
};

/* Bytes moved per read/write/digest step: big enough to amortise calls,
 * small enough for a progress bar to move. */
#define CHUNK	(1024 * 1024)

/* Open, attach, check the range (a *len of 0: to the end), map. An exit code. */
int map_range(const struct cli *cli, const struct buf_ref *ref, uint64_t off,
	      uint64_t len, int prot, struct mapped *m);
void unmap_range(struct mapped *m);
int sync_if_cached(struct mapped *m, const struct buf_ref *ref,
		   enum cmamem_sync_dir dir);

/* direct.c: files for --from/--to, opened O_DIRECT for --direct. */
struct direct_file {
	int fd;
	int created;			/* this open made it: unlink on failure */
	const char *path;
	uint32_t mem_align;		/* O_DIRECT: memory address alignment */
	uint32_t off_align;		/* O_DIRECT: file offset and length */
};

/* Open @path (@what names the option); with O_DIRECT, learn its alignment.
 * O_CREAT never truncates: call ftruncate() once the data is ready. */
int direct_open(const char *what, const char *path, int flags,
		struct direct_file *df);
/* Whether a buffer range at @off, @len bytes long, suits O_DIRECT on @df. */
int direct_check(const struct direct_file *df, const char *what,
		 uint64_t off, uint64_t len);
/* Close; after a failure, remove the file if direct_open() created it. */
void direct_close(struct direct_file *df, int failed);

/* output.c: the names and formats shared by info, list and alloc. */
const char *cache_name(uint32_t flags);
const char *source_name(uint32_t flags);
void json_string(const char *s);
void print_info_json(const struct cmamem_info *info);
void print_info_text(const struct cmamem_info *info);

/*
 * One JSON object on stdout, key by key: every --json result is written
 * with these, so stats and limits get the same escaping and layout.
 *   struct json_obj j; json_begin(&j); json_u64(&j, "id", 1); json_end(&j);
 */
struct json_obj {
	int keys;
};
void json_begin(struct json_obj *j);
void json_u64(struct json_obj *j, const char *key, uint64_t v);
void json_str(struct json_obj *j, const char *key, const char *s); /* NULL: null */
void json_bool(struct json_obj *j, const char *key, int v);
void json_null(struct json_obj *j, const char *key);
void json_end(struct json_obj *j);		/* "}" (no newline) */
/* A number with @decimals digits after the point: a rate, seconds. */
void json_double(struct json_obj *j, const char *key, double v, int decimals);
void json_key(struct json_obj *j, const char *key); /* the value is the caller's */
void print_info_json_with(const struct cmamem_info *info,
			  void (*extra)(struct json_obj *j, uint32_t id));

/* holders.c: who holds the buffers (debugfs, root) */
int action_holders(struct cli *cli);
void print_info_holders_json(struct json_obj *j, uint32_t id);
void print_info_holders_text(uint32_t id);
void json_holders_column(struct json_obj *j, const char *key, char *word);

/* The actions. */
int action_alloc(struct cli *cli);
int action_free(struct cli *cli);
int action_list(struct cli *cli);
int action_info(struct cli *cli);
int action_fill(struct cli *cli);
int action_dump(struct cli *cli);
int action_sync(struct cli *cli);
int action_checksum(struct cli *cli);
int action_cmp(struct cli *cli);
int action_copy(struct cli *cli);
int action_verify(struct cli *cli);
int action_export(struct cli *cli);
int action_top(struct cli *cli);
/* admin.c */
int action_stats(struct cli *cli);
int action_limits(struct cli *cli);
int action_pool(struct cli *cli);
/* regions-show.c */
int action_regions(struct cli *cli);
int admin_list_all(struct cli *cli);
/* The pool's sysfs files, as `pool` shows them; NULL-terminated. */
extern const char *const pool_names[];
int open_file(const char *dir, const char *file, const char *mode, FILE **fp);
/* area-map.c */
int action_map(struct cli *cli);

#endif
