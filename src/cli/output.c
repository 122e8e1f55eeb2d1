// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How a buffer is shown: `info` as "key: value" lines, and the JSON object
 * `info`, `list --json` and `alloc --json` share. The keys are a stable
 * interface (cmamem(1), JSON OUTPUT); add keys, never rename them.
 */
#include <stdio.h>

#include "cli.h"
#include "regions.h"

const char *cache_name(uint32_t flags)
{
	switch (flags & CMAMEM_CACHE_MASK) {
	case CMAMEM_CACHE_WC:
		return "wc";
	case CMAMEM_CACHE_UNCACHED:
		return "uncached";
	case CMAMEM_CACHE_CACHED:
		return "cached";
	default:
		return "unknown";
	}
}

const char *source_name(uint32_t flags)
{
	if (flags & CMAMEM_FROM_POOL)
		return "pool";
	if (flags & CMAMEM_FROM_CMA)
		return "cma";
	return "unknown";
}

/* A JSON string, escaped per RFC 8259; names are ASCII, but be safe. */
void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void json_key(struct json_obj *j, const char *key)
{
	if (j->keys++)
		putchar(',');
	json_string(key);
	putchar(':');
}

void json_begin(struct json_obj *j)
{
	j->keys = 0;
	putchar('{');
}

void json_u64(struct json_obj *j, const char *key, uint64_t v)
{
	json_key(j, key);
	printf("%llu", (unsigned long long)v);
}

void json_str(struct json_obj *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s)
		json_string(s);
	else
		fputs("null", stdout);
}

void json_double(struct json_obj *j, const char *key, double v, int decimals)
{
	json_key(j, key);
	printf("%.*f", decimals, v);
}

void json_bool(struct json_obj *j, const char *key, int v)
{
	json_key(j, key);
	fputs(v ? "true" : "false", stdout);
}

void json_null(struct json_obj *j, const char *key)
{
	json_key(j, key);
	fputs("null", stdout);
}

void json_end(struct json_obj *j)
{
	(void)j;
	putchar('}');
}

/* @extra, if not NULL, adds keys for the buffer (as info's "holders"). */
void print_info_json_with(const struct cmamem_info *info,
			  void (*extra)(struct json_obj *j, uint32_t id))
{
	struct json_obj j;

	json_begin(&j);
	json_u64(&j, "id", info->id);
	json_str(&j, "name", info->name[0] ? info->name : NULL);
	json_u64(&j, "size", info->size);
	json_str(&j, "cache", cache_name(info->flags));
	json_str(&j, "cache_effective",
		 (info->flags & CMAMEM_EFFECTIVE_KNOWN) ?
		 cache_name(CMAMEM_EFFECTIVE(info->flags)) : NULL);
	json_bool(&j, "persistent", info->flags & CMAMEM_PERSIST);
	json_str(&j, "source", source_name(info->flags));
	json_str(&j, "region", region_name(CMAMEM_REGION(info->flags)));
	json_u64(&j, "region_id", CMAMEM_REGION(info->flags));
	json_bool(&j, "heap", info->flags & CMAMEM_HEAP);
	json_u64(&j, "mmap_offset", info->mmap_offset);
	json_u64(&j, "dma_addr", info->dma_addr);
	json_u64(&j, "uid", info->uid);
	json_u64(&j, "handles", info->handles);
	json_u64(&j, "mappings", info->mappings);
	json_u64(&j, "exports", info->exports);
	if (extra)
		extra(&j, info->id);
	json_end(&j);
}

void print_info_json(const struct cmamem_info *info)
{
	print_info_json_with(info, NULL);
}

void print_info_text(const struct cmamem_info *info)
{
	printf("id: %u\n", info->id);
	printf("name: %s\n", info->name);
	printf("size: %llu\n", (unsigned long long)info->size);
	printf("cache: %s\n", cache_name(info->flags));
	if (info->flags & CMAMEM_EFFECTIVE_KNOWN)
		printf("cache_effective: %s\n",
		       cache_name(CMAMEM_EFFECTIVE(info->flags)));
	printf("persistent: %s\n", (info->flags & CMAMEM_PERSIST) ? "yes" : "no");
	printf("source: %s\n", source_name(info->flags));
	printf("region: %s\n", region_label(CMAMEM_REGION(info->flags)));
	printf("heap: %s\n", (info->flags & CMAMEM_HEAP) ? "yes" : "no");
	printf("mmap_offset: 0x%llx\n", (unsigned long long)info->mmap_offset);
	printf("dma_addr: 0x%llx\n", (unsigned long long)info->dma_addr);
	printf("uid: %u\n", info->uid);
	printf("handles: %u\n", info->handles);
	printf("mappings: %u\n", info->mappings);
	printf("exports: %u\n", info->exports);
}
