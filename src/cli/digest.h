/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Digests for `cmamem checksum`, from well-kept libraries: CRC-32 from zlib
 * (the one crc32(1), gzip and zip use) and SHA-256 from libcrypto's EVP.
 * The text is lowercase hex: 8 digits for crc32, as crc32(1) prints; 64
 * for sha256, as sha256sum prints before the file name.
 */
#ifndef CMAMEM_CLI_DIGEST_H
#define CMAMEM_CLI_DIGEST_H

#include <stddef.h>

enum digest_algo {
	DIGEST_SHA256,
	DIGEST_CRC32,
};

/* The names, in enum order, NULL-terminated (for arg_word). */
extern const char *const digest_names[];

struct digest {
	enum digest_algo algo;
	unsigned long crc;
	void *md;			/* EVP_MD_CTX */
};

#define DIGEST_HEX_MAX	65	/* sha256: 64 digits and a NUL */

/* 0, or -ENOMEM. */
int digest_init(struct digest *d, enum digest_algo algo);
void digest_update(struct digest *d, const void *p, size_t len);
/* Write the digest as text to @hex and free the context. 0 or -EIO. */
int digest_final(struct digest *d, char hex[DIGEST_HEX_MAX]);

#endif
