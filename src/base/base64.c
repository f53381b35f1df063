/* SPDX-License-Identifier: ISC */
/*
 * base64 (RFC 4648), encoding with optional MIME line wrapping and a
 * lenient decoder for mail, which skips white space and junk and reports
 * what it skipped, plus a strict one for protocol use.
 *
 * Speed: mail bodies are mostly base64, so the decoder has a fast path
 * that turns four clean characters into three bytes with four table
 * look-ups and one test; anything else (line breaks, junk, padding) falls
 * to a byte-at-a-time path and then returns to the fast one. The tables
 * hold each 6-bit value pre-shifted into place, with bit 24 and up set for
 * bytes outside the alphabet, so one OR of four entries both assembles
 * the 24 bits and detects any bad byte.
 */
#include <pthread.h>
#include <string.h>

#include "postie/base.h"

static const char enc_tab[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#define BAD 0x01000000u

static uint32_t dec0[256], dec1[256], dec2[256], dec3[256];
static signed char dec_val[256]; /* -1 junk, -2 white space, -3 '=' */

static void
init_tables(void)
{
	for (int i = 0; i < 256; i++) {
		dec0[i] = dec1[i] = dec2[i] = dec3[i] = BAD;
		dec_val[i] = -1;
	}
	for (int i = 0; i < 64; i++) {
		unsigned char c = (unsigned char)enc_tab[i];
		dec0[c] = (uint32_t)i << 18;
		dec1[c] = (uint32_t)i << 12;
		dec2[c] = (uint32_t)i << 6;
		dec3[c] = (uint32_t)i;
		dec_val[c] = (signed char)i;
	}
	dec_val[' '] = dec_val['\t'] = dec_val['\r'] = dec_val['\n'] = -2;
	dec_val['\v'] = dec_val['\f'] = -2;
	dec_val['='] = -3;
}


static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* Encode whole 3-byte groups from in into o; returns the end of output. */
static char *
encode_groups(char *o, const unsigned char *in, size_t groups)
{
	for (size_t g = 0; g < groups; g++, in += 3) {
		uint32_t v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
		o[0] = enc_tab[v >> 18];
		o[1] = enc_tab[(v >> 12) & 63];
		o[2] = enc_tab[(v >> 6) & 63];
		o[3] = enc_tab[v & 63];
		o += 4;
	}
	return o;
}

void
b64_encode(struct buf *out, const void *in, size_t len, size_t wrap)
{
	const unsigned char *p = in;
	size_t groups = len / 3 + (len % 3 != 0);
	if (groups > (SIZE_MAX - 16) / 6)
		base_oom(SIZE_MAX);
	size_t chars = groups * 4;
	/* A width that is not a multiple of 4 is rounded down to one. */
	if (wrap)
		wrap = wrap < 4 ? 4 : wrap - wrap % 4;
	buf_grow(out, chars + (wrap ? 2 * (chars / wrap + 1) : 0));
	char *o = out->data + out->len;
	size_t whole = len / 3;
	size_t per_line = wrap ? wrap / 4 : whole;
	size_t done = 0, col = 0;
	while (done < whole) {
		size_t n = whole - done;
		if (wrap && n > per_line - col / 4)
			n = per_line - col / 4;
		o = encode_groups(o, p + done * 3, n);
		done += n;
		col += n * 4;
		if (wrap && col == wrap && (done < whole || len % 3)) {
			*o++ = '\r';
			*o++ = '\n';
			col = 0;
		}
	}
	if (len % 3) {
		const unsigned char *t = p + whole * 3;
		uint32_t v = (uint32_t)t[0] << 16;
		if (len % 3 == 2)
			v |= (uint32_t)t[1] << 8;
		*o++ = enc_tab[v >> 18];
		*o++ = enc_tab[(v >> 12) & 63];
		*o++ = len % 3 == 2 ? enc_tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}

size_t
b64_decode(struct buf *out, const char *in, size_t len,
	   struct b64_report *rep)
{
	struct b64_report dummy;
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0;
	uint32_t acc = 0;
	int quad = 0; /* characters in acc */
	bool padded = false;

	pthread_once(&tables_once, init_tables);
	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	buf_grow(out, len / 4 * 3 + 3);
	unsigned char *o = (unsigned char *)out->data + out->len;
	unsigned char *start = o;

	while (i < len) {
		/* Fast path: whole clean groups, only when aligned. */
		if (quad == 0 && !padded) {
			while (len - i >= 8) {
				uint32_t x = dec0[p[i]] | dec1[p[i + 1]] |
					     dec2[p[i + 2]] | dec3[p[i + 3]];
				uint32_t y = dec0[p[i + 4]] | dec1[p[i + 5]] |
					     dec2[p[i + 6]] | dec3[p[i + 7]];
				if ((x | y) & 0xff000000u)
					break;
				o[0] = (unsigned char)(x >> 16);
				o[1] = (unsigned char)(x >> 8);
				o[2] = (unsigned char)x;
				o[3] = (unsigned char)(y >> 16);
				o[4] = (unsigned char)(y >> 8);
				o[5] = (unsigned char)y;
				o += 6;
				i += 8;
			}
			if (len - i >= 4) {
				uint32_t x = dec0[p[i]] | dec1[p[i + 1]] |
					     dec2[p[i + 2]] | dec3[p[i + 3]];
				if (!(x & 0xff000000u)) {
					o[0] = (unsigned char)(x >> 16);
					o[1] = (unsigned char)(x >> 8);
					o[2] = (unsigned char)x;
					o += 3;
					i += 4;
					continue;
				}
			}
			if (i >= len)
				break;
		}
		int v = dec_val[p[i]];
		if (v >= 0) {
			if (padded) {
				rep->trailing++;
				i++;
				continue;
			}
			acc = (acc << 6) | (uint32_t)v;
			if (++quad == 4) {
				o[0] = (unsigned char)(acc >> 16);
				o[1] = (unsigned char)(acc >> 8);
				o[2] = (unsigned char)acc;
				o += 3;
				quad = 0;
				acc = 0;
			}
		} else if (v == -2) {
			rep->whitespace++;
		} else if (v == -3) {
			/* Padding ends the data; what follows is reported. A
			 * '=' where no padding can stand is junk. */
			if (!padded && quad >= 2) {
				if (quad == 2) {
					o[0] = (unsigned char)(acc >> 4);
					o += 1;
				} else {
					o[0] = (unsigned char)(acc >> 10);
					o[1] = (unsigned char)(acc >> 2);
					o += 2;
				}
				quad = 0;
				acc = 0;
				padded = true;
			} else if (!padded) {
				rep->junk++;
			}
		} else {
			rep->junk++;
		}
		i++;
	}
	if (quad) {
		rep->truncated = true;
		if (quad == 2) {
			*o++ = (unsigned char)(acc >> 4);
		} else if (quad == 3) {
			*o++ = (unsigned char)(acc >> 10);
			*o++ = (unsigned char)(acc >> 2);
		}
	}
	size_t n = (size_t)(o - start);
	out->len += n;
	out->data[out->len] = '\0';
	return n;
}

int
b64_decode_strict(struct buf *out, const char *in, size_t len)
{
	size_t pad = 0;
	if (len % 4)
		return -1;
	if (len && in[len - 1] == '=')
		pad++;
	if (len > 1 && in[len - 2] == '=')
		pad++;
	pthread_once(&tables_once, init_tables);
	for (size_t i = 0; i < len - pad; i++)
		if (dec_val[(unsigned char)in[i]] < 0)
			return -1;
	size_t before = out->len;
	struct b64_report rep;
	b64_decode(out, in, len, &rep);
	if (rep.junk || rep.whitespace || rep.trailing || rep.truncated) {
		buf_truncate(out, before);
		return -1;
	}
	/* Non-zero bits left over in the last character are not canonical. */
	if (pad) {
		int last = dec_val[(unsigned char)in[len - pad - 1]];
		if ((pad == 1 && (last & 3)) || (pad == 2 && (last & 15))) {
			buf_truncate(out, before);
			return -1;
		}
	}
	return 0;
}
