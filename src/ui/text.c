/* SPDX-License-Identifier: ISC */
/*
 * ui: untrusted text made safe to draw, measured in cells and fitted to a
 * column. The rules for what may reach the terminal and how wide it is
 * are base's (text_sanitize, text_cp_width, text_width in base/text.c),
 * shared with `postie cat` and the HTML and flowed wrapping in mime/, so
 * that there is one policy; the screen's own part is fitting text into a
 * column without splitting a wide character.
 */
#include <string.h>

#include "postie/ui.h"

int
ui_cp_width(uint32_t cp)
{
	return text_cp_width(cp);
}

size_t
ui_width(const char *p, size_t len)
{
	return text_width(p, len);
}

size_t
ui_sanitize(struct buf *out, const char *p, size_t len, unsigned flags)
{
	return text_sanitize(out, p, len, flags);
}

static void
add_spaces(struct buf *out, size_t n)
{
	static const char spaces[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		buf_add(out, spaces, k);
		n -= k;
	}
}

void
ui_fit(struct buf *out, const char *p, size_t len, int cells,
       enum ui_align align)
{
	if (cells <= 0)
		return;
	size_t want = (size_t)cells;
	/* One pass: measure, and remember where the text must be cut if
	 * it turns out too wide (the last point at or under want - 1
	 * cells that is not followed by a zero-width mark). */
	size_t w = 0, i = 0, cut = 0, cut_w = 0;
	bool over = false;
	while (i < len) {
		unsigned char c = (unsigned char)p[i];
		uint32_t cp = c;
		size_t k = 1;
		int cw;
		if (c < 0x80) {
			cw = c >= 0x20 && c != 0x7f;
		} else if ((k = utf8_decode(p + i, len - i, &cp)) == 0) {
			k = 1;
			cw = 1;
		} else {
			cw = ui_cp_width(cp);
			if (cw < 0)
				cw = 0;
		}
		if (w + (size_t)cw <= want - 1) {
			cut = i + k;
			cut_w = w + (size_t)cw;
		}
		w += (size_t)cw;
		i += k;
		if (w > want) {
			over = true;
			break;
		}
	}
	if (!over) {
		if (align == UI_RIGHT)
			add_spaces(out, want - w);
		buf_add(out, p, len);
		if (align == UI_LEFT)
			add_spaces(out, want - w);
		return;
	}
	/* Too wide: the prefix, an ellipsis, and a space where a wide
	 * character would have straddled the edge. */
	size_t pad = want - 1 - cut_w;
	if (align == UI_RIGHT)
		add_spaces(out, pad);
	buf_add(out, p, cut);
	buf_add(out, "\xe2\x80\xa6", 3);
	if (align == UI_LEFT)
		add_spaces(out, pad);
}
