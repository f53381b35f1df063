/* SPDX-License-Identifier: ISC */
/*
 * Declarations shared by the files of the mime module and nobody else.
 */
#ifndef POSTIE_MIME_PRIVATE_H
#define POSTIE_MIME_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "postie/base.h"

/* Pseudo charset name: ISO-2022-JP read the way Microsoft's CP50221 reads
 * it (JIS X 0208 through CP932, so NEC row 13 and IBM extensions work;
 * half-width katakana by ESC ( I or SO/SI; the JIS X 0212, GB 2312 and KS
 * C 5601 designations of ISO-2022-JP-2). */
#define CS_ISO2022JP_MS "@iso-2022-jp-ms"

/* Convert (p, len) from iconv charset from (or one of the pseudo names)
 * to UTF-8, appending to out. U+FFFD for each byte that does not convert.
 * strict: stop at the first such byte (what was appended is then
 * incomplete). Returns the number of bad bytes, or SIZE_MAX when iconv
 * does not know from. */
size_t mime_iconv(struct buf *out, const char *from, const char *p,
		  size_t len, bool strict);
size_t mime_iso2022jp_ms(struct buf *out, const char *p, size_t len,
			 bool strict);

/* RFC 5322 white space. */
static inline bool
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

static inline bool
is_lwsp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode an unstructured header value that is already unfolded. */
void mime_decode_words(struct buf *out, const char *p, size_t len,
		       const char *const *assumed);

#endif
