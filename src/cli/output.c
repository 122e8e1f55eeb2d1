// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How a buffer is shown: `info` as "key: value" lines, and the JSON object
 * `info`, `list --json` and `alloc --json` share. The keys are a stable
 * interface (cmamem(1), JSON OUTPUT); add keys, never rename them.
 */
#include <stdio.h>

#include "cli.h"

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

void print_info_json(const struct cmamem_info *info)
{
	printf("{\"id\":%u,\"name\":", info->id);
	if (info->name[0])
		json_string(info->name);
	else
		fputs("null", stdout);
	printf(",\"size\":%llu,\"cache\":\"%s\",\"persistent\":%s,"
	       "\"source\":\"%s\",\"mmap_offset\":%llu,\"dma_addr\":%llu,"
	       "\"uid\":%u,\"handles\":%u,\"mappings\":%u,\"exports\":%u}",
	       (unsigned long long)info->size, cache_name(info->flags),
	       (info->flags & CMAMEM_PERSIST) ? "true" : "false",
	       source_name(info->flags),
	       (unsigned long long)info->mmap_offset,
	       (unsigned long long)info->dma_addr, info->uid, info->handles,
	       info->mappings, info->exports);
}

void print_info_text(const struct cmamem_info *info)
{
	printf("id: %u\n", info->id);
	printf("name: %s\n", info->name);
	printf("size: %llu\n", (unsigned long long)info->size);
	printf("cache: %s\n", cache_name(info->flags));
	printf("persistent: %s\n", (info->flags & CMAMEM_PERSIST) ? "yes" : "no");
	printf("source: %s\n", source_name(info->flags));
	printf("mmap_offset: 0x%llx\n", (unsigned long long)info->mmap_offset);
	printf("dma_addr: 0x%llx\n", (unsigned long long)info->dma_addr);
	printf("uid: %u\n", info->uid);
	printf("handles: %u\n", info->handles);
	printf("mappings: %u\n", info->mappings);
	printf("exports: %u\n", info->exports);
}
