// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zlib's crc32() and OpenSSL's EVP SHA-256 behind one streaming interface.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "digest.h"

const char *const digest_names[] = { "sha256", "crc32", NULL };

int digest_init(struct digest *d, enum digest_algo algo)
{
	d->algo = algo;
	d->crc = crc32(0L, Z_NULL, 0);
	d->md = NULL;
	if (algo != DIGEST_SHA256)
		return 0;
	d->md = EVP_MD_CTX_new();
	if (!d->md)
		return -ENOMEM;
	if (EVP_DigestInit_ex(d->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(d->md);
		d->md = NULL;
		return -ENOMEM;
	}
	return 0;
}

void digest_update(struct digest *d, const void *p, size_t len)
{
	const unsigned char *b = p;

	if (d->algo == DIGEST_SHA256) {
		EVP_DigestUpdate(d->md, p, len);
		return;
	}
	/* crc32() takes a uInt length: feed it in pieces that fit. */
	while (len) {
		uInt n = len > UINT_MAX ? UINT_MAX : (uInt)len;

		d->crc = crc32(d->crc, b, n);
		b += n;
		len -= n;
	}
}

int digest_final(struct digest *d, char hex[DIGEST_HEX_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int ok;

	if (d->algo == DIGEST_CRC32) {
		snprintf(hex, DIGEST_HEX_MAX, "%08lx", d->crc & 0xffffffffUL);
		return 0;
	}
	ok = EVP_DigestFinal_ex(d->md, md, &n) == 1 && n * 2 < DIGEST_HEX_MAX;
	EVP_MD_CTX_free(d->md);
	d->md = NULL;
	if (!ok)
		return -EIO;
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}
