/* SPDX-License-Identifier: ISC */
/*
 * Modified UTF-7 for mailbox names (RFC 3501 5.1.3): printable US-ASCII
 * stands for itself except "&", which is written "&-"; everything else is
 * UTF-16 in a base64 variant ("," instead of "/", no padding) between "&"
 * and "-".
 *
 * The decoder is strict on purpose. A name that does not decode exactly
 * is not guessed at: the caller keeps the server's bytes as an opaque
 * name, shows them escaped, and sends them back unchanged, so a name can
 * never turn into a different folder on the way back.
 */
#include <stdlib.h>

#include "postie/imap.h"

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int
imap_utf7_decode(const char *p, size_t len, struct buf *out, struct perr *e)
{
	size_t mark = out->len;
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)p[i];

		if (c != '&') {
			if (c < 0x20 || c > 0x7e) {
				perr_set(e, PERR_PROTO,
					 "modified UTF-7: byte 0x%02x at "
					 "offset %zu", c, i);
				goto fail;
			}
			buf_addch(out, c);
			i++;
			continue;
		}
		size_t amp = i++;
		if (i < len && p[i] == '-') {
			buf_addch(out, '&');
			i++;
			continue;
		}
		uint32_t bits = 0, high = 0;
		unsigned nbits = 0;
		size_t nchars = 0;
		while (i < len && p[i] != '-') {
			int v = b64_value((unsigned char)p[i]);
			if (v < 0) {
				perr_set(e, PERR_PROTO,
					 "modified UTF-7: byte 0x%02x in the "
					 "encoded run at offset %zu",
					 (unsigned char)p[i], i);
				goto fail;
			}
			bits = (bits << 6) | (uint32_t)v;
			nbits += 6;
			nchars++;
			i++;
			if (nbits < 16)
				continue;
			nbits -= 16;
			uint32_t u = (bits >> nbits) & 0xffff;
			bits &= (UINT32_C(1) << nbits) - 1;
			if (high) {
				if (u < 0xdc00 || u > 0xdfff) {
					perr_set(e, PERR_PROTO,
						 "modified UTF-7: lone high "
						 "surrogate before offset %zu",
						 i);
					goto fail;
				}
				uint32_t cp = 0x10000 +
					      ((high - 0xd800) << 10) +
					      (u - 0xdc00);
				utf8_encode(out, cp);
				high = 0;
			} else if (u >= 0xd800 && u <= 0xdbff) {
				high = u;
			} else if (u >= 0xdc00 && u <= 0xdfff) {
				perr_set(e, PERR_PROTO,
					 "modified UTF-7: lone low surrogate "
					 "before offset %zu", i);
				goto fail;
			} else if (u < 0x20 || u == 0x7f) {
				perr_set(e, PERR_PROTO,
					 "modified UTF-7: encoded control "
					 "character U+%04X before offset %zu",
					 (unsigned)u, i);
				goto fail;
			} else if (u < 0x7f) {
				/* "US-ASCII characters ... represent
				 * themselves": encoding them is invalid and
				 * would let two spellings name one folder. */
				perr_set(e, PERR_PROTO,
					 "modified UTF-7: encoded printable "
					 "ASCII '%c' before offset %zu",
					 (char)u, i);
				goto fail;
			} else {
				utf8_encode(out, u);
			}
		}
		if (i >= len) {
			perr_set(e, PERR_PROTO,
				 "modified UTF-7: '&' at offset %zu is not "
				 "terminated by '-'", amp);
			goto fail;
		}
		i++; /* the '-' */
		if (nchars == 0 || high || nbits >= 6 || bits != 0) {
			perr_set(e, PERR_PROTO,
				 "modified UTF-7: bad encoded run at offset "
				 "%zu (%s)", amp,
				 high ? "lone high surrogate" :
				 nbits >= 6 ? "incomplete character" :
				 "non-zero padding bits");
			goto fail;
		}
	}
	return 0;
fail:
	buf_truncate(out, mark);
	return -1;
}

static void
flush_run(struct buf *out, const uint16_t *u, size_t n)
{
	uint32_t bits = 0;
	unsigned nbits = 0;

	buf_addch(out, '&');
	for (size_t i = 0; i < n; i++) {
		bits = (bits << 16) | u[i];
		nbits += 16;
		while (nbits >= 6) {
			nbits -= 6;
			buf_addch(out, b64_chars[(bits >> nbits) & 0x3f]);
		}
		bits &= (UINT32_C(1) << nbits) - 1;
	}
	if (nbits)
		buf_addch(out, b64_chars[(bits << (6 - nbits)) & 0x3f]);
	buf_addch(out, '-');
}

int
imap_utf7_encode(const char *p, size_t len, struct buf *out, struct perr *e)
{
	size_t mark = out->len;
	uint16_t *run = NULL;
	size_t nrun = 0, caprun = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (n == 0) {
			free(run);
			buf_truncate(out, mark);
			return perr_set(e, PERR_PROTO,
					"mailbox name: invalid UTF-8 at offset "
					"%zu", i);
		}
		if (cp < 0x20 || cp == 0x7f) {
			free(run);
			buf_truncate(out, mark);
			return perr_set(e, PERR_PROTO,
					"mailbox name: control character at "
					"offset %zu", i);
		}
		i += n;
		if (cp >= 0x20 && cp <= 0x7e) {
			if (nrun) {
				flush_run(out, run, nrun);
				nrun = 0;
			}
			if (cp == '&')
				buf_add(out, "&-", 2);
			else
				buf_addch(out, (int)cp);
			continue;
		}
		run = xgrow(run, &caprun, nrun + 2, sizeof(*run));
		if (cp >= 0x10000) {
			cp -= 0x10000;
			run[nrun++] = (uint16_t)(0xd800 + (cp >> 10));
			run[nrun++] = (uint16_t)(0xdc00 + (cp & 0x3ff));
		} else {
			run[nrun++] = (uint16_t)cp;
		}
	}
	if (nrun)
		flush_run(out, run, nrun);
	free(run);
	return 0;
}
