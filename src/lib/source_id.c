/*
 * source_id.c - the stable identifier of a source.
 *
 * 's-' followed by the first 16 hex digits of the SHA-256 of the URL (or of
 * the citation when there is no URL).  The same rule made the ids of the
 * bundled dataset (tools/bundled/build.py), so a reader that meets the same
 * URL links to the same source instead of creating a second one.
 */
#include "internal.h"

#include <sodium.h>
#include <string.h>

char *pl_source_id(const char *url_or_citation, char *buf, size_t cap)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	static const char hex[] = "0123456789abcdef";
	char out[19] = "s-";
	crypto_hash_sha256(h, (const unsigned char *)url_or_citation, strlen(url_or_citation));
	for (int i = 0; i < 8; i++) {
		out[2 + 2 * i] = hex[h[i] >> 4];
		out[3 + 2 * i] = hex[h[i] & 15];
	}
	out[18] = '\0';
	pl_strlcpy(buf, out, cap);
	return buf;
}
