/* SPDX-License-Identifier: ISC */
/*
 * ISO-2022-JP as Japanese mail really uses it. The strict ISO-2022-JP of
 * RFC 1468 has no circled digits, Roman numerals or other NEC row 13
 * characters, no half-width katakana and no IBM extensions, yet Japanese
 * mailers (Outlook, mobile carriers) put them in: Microsoft reads the JIS
 * pairs through CP932. We do the same: each JIS X 0208 pair is rewritten
 * as its Shift_JIS bytes and the run converted with iconv's CP932; the
 * rarer designations (JIS X 0212, GB 2312, KS C 5601) go through EUC-JP,
 * GB18030 and CP949.
 */
#include <string.h>

#include "postie/mime.h"
#include "private.h"

enum jmode { J_ASCII, J_KANA, J_JIS, J_0212, J_GB, J_KSC };

static const struct {
	const char *seq;
	enum jmode mode;
} escapes[] = {
	{ "\x1b&@\x1b$B", J_JIS }, { "\x1b$(D", J_0212 }, { "\x1b$(C", J_KSC },
	{ "\x1b$(Q", J_JIS },      { "\x1b$(O", J_JIS },  { "\x1b$B", J_JIS },
	{ "\x1b$@", J_JIS },       { "\x1b$A", J_GB },    { "\x1b(B", J_ASCII },
	{ "\x1b(J", J_ASCII },     { "\x1b(H", J_ASCII }, { "\x1b(I", J_KANA },
};

/* Flush the Shift_JIS run collected so far. When a pair does not
 * convert, the run is converted again unit by unit so that a bad pair
 * costs one U+FFFD and its second byte is not read as a letter. */
static size_t
flush(struct buf *out, struct buf *sj, bool strict)
{
	size_t bad = 0, mark = out->len;

	if (!sj->len)
		return 0;
	bad = mime_iconv(out, "CP932", sj->data, sj->len, true);
	if (bad && !strict) {
		buf_truncate(out, mark);
		bad = 0;
		for (size_t i = 0; i < sj->len;) {
			unsigned char c = (unsigned char)sj->data[i];
			size_t n = ((c >= 0x81 && c <= 0x9f) || c >= 0xe0) &&
						   i + 1 < sj->len
					   ? 2
					   : 1;
			size_t m2 = out->len;
			if (mime_iconv(out, "CP932", sj->data + i, n, true)) {
				buf_truncate(out, m2);
				buf_add(out, "\xef\xbf\xbd", 3);
				bad++;
			}
			i += n;
		}
	}
	buf_reset(sj);
	return bad;
}

size_t
mime_iso2022jp_ms(struct buf *out, const char *p, size_t len, bool strict)
{
	struct buf sj = BUF_INIT;
	enum jmode mode = J_ASCII;
	bool shifted = false;
	size_t bad = 0, i = 0;

	while (i < len) {
		unsigned char b = (unsigned char)p[i];
		if (strict && bad)
			break;
		if (b == 0x1b) {
			size_t k;
			for (k = 0; k < ARRAY_SIZE(escapes); k++) {
				size_t l = strlen(escapes[k].seq);
				if (len - i >= l &&
				    memcmp(p + i, escapes[k].seq, l) == 0) {
					mode = escapes[k].mode;
					i += l;
					break;
				}
			}
			if (k < ARRAY_SIZE(escapes))
				continue;
			if (len - i >= 3 && p[i + 1] == '.' &&
			    (p[i + 2] == 'A' || p[i + 2] == 'F')) {
				i += 3;
				continue;
			}
			bad += flush(out, &sj, strict);
			bad++;
			buf_add(out, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		if (b == 0x0e || b == 0x0f) {
			shifted = b == 0x0e;
			i++;
			continue;
		}
		if (b == '\n' || b == '\r') {
			buf_addch(&sj, b);
			i++;
			continue;
		}
		if (shifted && b >= 0x21 && b <= 0x5f) {
			buf_addch(&sj, b + 0x80);
			i++;
			continue;
		}
		if (b >= 0x80) {
			bad += flush(out, &sj, strict);
			bad++;
			buf_add(out, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		if (mode == J_ASCII || b < 0x21 || b > 0x7e) {
			buf_addch(&sj, b);
			i++;
			continue;
		}
		if (mode == J_KANA) {
			if (b <= 0x5f) {
				buf_addch(&sj, b + 0x80);
			} else {
				bad += flush(out, &sj, strict);
				bad++;
				buf_add(out, "\xef\xbf\xbd", 3);
			}
			i++;
			continue;
		}
		unsigned char b2 = i + 1 < len ? (unsigned char)p[i + 1] : 0;
		if (b2 < 0x21 || b2 > 0x7e) {
			bad += flush(out, &sj, strict);
			bad++;
			buf_add(out, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		if (mode == J_JIS) {
			int s1 = (b + 1) / 2 + 0x70;
			int s2;
			if (s1 >= 0xa0)
				s1 += 0x40;
			if (b % 2)
				s2 = b2 + 0x1f + (b2 >= 0x60 ? 1 : 0);
			else
				s2 = b2 + 0x7e;
			buf_addch(&sj, s1);
			buf_addch(&sj, s2);
		} else {
			char pair[3];
			size_t pl = 2;
			const char *cs;
			bad += flush(out, &sj, strict);
			if (mode == J_0212) {
				pair[0] = (char)0x8f;
				pair[1] = (char)(b | 0x80);
				pair[2] = (char)(b2 | 0x80);
				pl = 3;
				cs = "EUC-JP";
			} else {
				pair[0] = (char)(b | 0x80);
				pair[1] = (char)(b2 | 0x80);
				cs = mode == J_GB ? "GB18030" : "CP949";
			}
			size_t r = mime_iconv(out, cs, pair, pl, strict);
			bad += r == SIZE_MAX ? 1 : r;
		}
		i += 2;
	}
	bad += flush(out, &sj, strict);
	buf_release(&sj);
	return bad;
}
