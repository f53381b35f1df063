/* SPDX-License-Identifier: ISC */
/*
 * Untrusted text made safe for a terminal, and measured in cells.
 *
 * A terminal obeys the bytes it is given, so a Subject line is a command
 * channel unless every byte that could start a command is taken out: ESC
 * (and with it CSI, OSC title and clipboard writes, OSC 8 links, DCS,
 * APC), the one-byte C1 forms such as 0x9B, and their UTF-8 spellings,
 * which some terminals honour too. Backspace and DEL rewrite what is
 * already on the line; bidi overrides and isolates reorder it
 * ("invoice<U+202E>fdp.exe" reads as "invoiceexe.pdf"); zero-width and
 * format characters hide text or make two different names look alike.
 * All of these are replaced by a visible form, never dropped, so that
 * the reader sees that something was there (and the count returned lets
 * the caller mark the line). Only the escape introducer itself needs to
 * go: once ESC is "^[", the rest of the sequence is printable text that
 * the terminal shows as it is.
 *
 * This lives in base because every path from a mail to a terminal needs
 * the same rules: the screen, `postie cat`, and the wrapping of HTML and
 * flowed text, which measures in the same cells. One policy, one table.
 *
 * Widths follow wcwidth but come from our own tables (width_table.h,
 * generated from the Unicode data by gen-width.py), because the C
 * library's answer depends on the locale and its version, and text must
 * line up the same way in tests and on every machine.
 */
#include <string.h>

#include "postie/base.h"

struct width_range {
	uint32_t first, last;
};

#include "width_table.h"

static bool
in_table(uint32_t cp, const struct width_range *t, size_t n)
{
	if (cp < t[0].first || cp > t[n - 1].last)
		return false;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp > t[mid].last)
			lo = mid + 1;
		else if (cp < t[mid].first)
			hi = mid;
		else
			return true;
	}
	return false;
}

int
text_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return -1;
	if (cp < 0x300)
		return 1;
	if (in_table(cp, zero_width, ARRAY_SIZE(zero_width)))
		return 0;
	if (cp >= 0x1100 &&
	    in_table(cp, double_width, ARRAY_SIZE(double_width)))
		return 2;
	return 1;
}

size_t
text_width(const char *p, size_t len)
{
	size_t w = 0, i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x80) {
			w += c >= 0x20 && c != 0x7f;
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			w++; /* shown as U+FFFD */
			i++;
			continue;
		}
		int cw = text_cp_width(cp);
		w += cw > 0 ? (size_t)cw : 0;
		i += k;
	}
	return w;
}

/* Code points that are never drawn as they are. The format characters
 * (Cf) that render visibly, the Arabic and Syriac prepended
 * concatenation marks, stay. Tag characters are escaped although flags
 * of subdivisions use them: they also carry invisible ASCII, which is
 * worse than a flag drawn as escapes. */
static bool
escaped_cp(uint32_t cp, unsigned flags)
{
	if (cp < 0xa0)
		return cp >= 0x80; /* C1 */
	if (cp < 0x2000) {
		return cp == 0x00ad || cp == 0x061c || cp == 0x180e;
	}
	if (cp <= 0x206f) {
		if (cp == 0x200c || cp == 0x200d)
			return !(flags & TEXT_ALLOW_ZWJ);
		return (cp >= 0x200b && cp <= 0x200f) ||
		       (cp >= 0x2028 && cp <= 0x202e) ||
		       (cp >= 0x2060 && cp <= 0x2064) ||
		       (cp >= 0x2066 && cp <= 0x206f);
	}
	if (cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb))
		return true;
	if (cp >= 0x13430 && cp <= 0x13438)
		return true;
	if (cp >= 0x1bca0 && cp <= 0x1bca3)
		return true;
	if (cp >= 0x1d173 && cp <= 0x1d17a)
		return true;
	return cp == 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f);
}

bool
text_cp_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || escaped_cp(cp, 0);
}

static const char hex[] = "0123456789ABCDEF";
static const char hexl[] = "0123456789abcdef";

static void
add_codepoint_escape(struct buf *out, uint32_t cp)
{
	char tmp[16];
	size_t n = 0;
	tmp[n++] = '<';
	tmp[n++] = 'U';
	tmp[n++] = '+';
	int digits = cp > 0xfffff ? 6 : cp > 0xffff ? 5 : 4;
	for (int d = digits - 1; d >= 0; d--)
		tmp[n++] = hex[(cp >> (4 * d)) & 0xf];
	tmp[n++] = '>';
	buf_add(out, tmp, n);
}

size_t
text_sanitize(struct buf *out, const char *p, size_t len, unsigned flags)
{
	size_t replaced = 0, i = 0;
	buf_grow(out, len);
	while (i < len) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c < 0x7f) {
			size_t j = i + 1;
			while (j < len && (unsigned char)p[j] >= 0x20 &&
			       (unsigned char)p[j] < 0x7f)
				j++;
			buf_add(out, p + i, j - i);
			i = j;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			if (c == '\t' && (flags & TEXT_ALLOW_TAB)) {
				buf_addch(out, '\t');
			} else if (c == '\t' && (flags & TEXT_TAB_SPACE)) {
				buf_addch(out, ' ');
			} else if (c == '\n' && (flags & TEXT_ALLOW_LF)) {
				buf_addch(out, '\n');
			} else {
				char caret[2] = { '^', (char)(c ^ 0x40) };
				buf_add(out, caret, 2);
				replaced++;
			}
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			if (c <= 0x9f) {
				/* A raw C1 byte: 0x9B is CSI on a terminal
				 * that reads 8-bit controls. */
				char esc[4] = { '\\', 'x', hexl[c >> 4],
						 hexl[c & 0xf] };
				buf_add(out, esc, 4);
			} else {
				buf_add(out, "\xef\xbf\xbd", 3);
			}
			replaced++;
			i++;
			continue;
		}
		if (escaped_cp(cp, flags)) {
			add_codepoint_escape(out, cp);
			replaced++;
		} else {
			buf_add(out, p + i, k);
		}
		i += k;
	}
	return replaced;
}

