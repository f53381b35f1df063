/* SPDX-License-Identifier: ISC */
/*
 * format=flowed (RFC 3676). Reading: lines that end in a space are soft
 * breaks and are joined into one paragraph; the rest are hard breaks.
 * The pager then wraps paragraphs to the screen, so text written on a
 * narrow phone reads as paragraphs on a wide terminal. Writing: long
 * lines are cut into soft lines, always with DelSp=yes, because Chinese
 * text has no spaces to break at: the space added at each cut is taken
 * away again by the reader, so a cut between two characters leaves no
 * trace.
 *
 * Both directions are a single pass over the lines that never looks
 * back, so they are linear in the input.
 */
#include <string.h>

#include "postie/base.h"
#include "postie/buf.h"
#include "postie/mime_text.h"

static void
emit(struct buf *out, size_t depth, const struct buf *para)
{
	for (size_t i = 0; i < depth; i++)
		buf_addch(out, '>');
	if (depth && para->len)
		buf_addch(out, ' ');
	buf_add(out, para->data, para->len);
	buf_addch(out, '\n');
}

void
mime_flowed_decode(struct buf *out, const char *text, size_t len,
		   bool delsp)
{
	struct buf para = BUF_INIT;
	size_t para_depth = 0, i = 0;
	bool open = false;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *l = text + i;
		size_t n = end - i;

		i = nl ? end + 1 : len;
		if (n && l[n - 1] == '\r')
			n--;

		/* 4.5: the quote depth is the number of '>' at the start. */
		size_t depth = 0;
		while (depth < n && l[depth] == '>')
			depth++;
		l += depth;
		n -= depth;
		/* 4.4: a space right after the quote marks is stuffing. */
		if (n && l[0] == ' ') {
			l++;
			n--;
		}
		/* 4.3: "-- " is the signature separator, never flowed. */
		bool sig = n == 3 && memcmp(l, "-- ", 3) == 0;
		bool flowed = !sig && n && l[n - 1] == ' ';

		/* 4.5: a change of depth inside a paragraph ends it. */
		if (open && depth != para_depth) {
			emit(out, para_depth, &para);
			buf_reset(&para);
			open = false;
		}
		if (flowed && delsp)
			n--;
		buf_add(&para, l, n);
		para_depth = depth;
		open = true;
		if (!flowed) {
			emit(out, depth, &para);
			buf_reset(&para);
			open = false;
		}
	}
	if (open)
		emit(out, para_depth, &para);
	buf_release(&para);
}

#define FLOWED_WIDTH 72

/* One output line: quote marks, stuffing, the text, a soft-break space. */
static void
put_line(struct buf *out, size_t depth, const char *p, size_t n, bool soft)
{
	for (size_t i = 0; i < depth; i++)
		buf_addch(out, '>');
	/* 4.4: after quote marks the space is the separator the reader
	 * removes; unquoted, a leading space or "From " gets one. */
	if (depth || (n && p[0] == ' ') || (n >= 5 && !memcmp(p, "From ", 5)))
		buf_addch(out, ' ');
	buf_add(out, p, n);
	if (soft)
		buf_addch(out, ' ');
	buf_addch(out, '\n');
}

void
mime_flowed_encode(struct buf *out, const char *text, size_t len,
		   size_t width)
{
	size_t i = 0;

	if (width == 0)
		width = FLOWED_WIDTH;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *l = text + i;
		size_t n = end - i;

		i = nl ? end + 1 : len;
		if (n && l[n - 1] == '\r')
			n--;
		size_t depth = 0;
		while (depth < n && l[depth] == '>')
			depth++;
		l += depth;
		n -= depth;
		if (depth && n && l[0] == ' ') {
			l++;
			n--;
		}
		/* 4.2: a hard line must not end in a space. */
		if (!(n == 3 && memcmp(l, "-- ", 3) == 0))
			while (n && l[n - 1] == ' ')
				n--;

		size_t room = depth + 2 < width ? width - depth - 2 : 1;
		size_t start = 0, cells = 0, cut = 0, k = 0;
		bool prev_wide = false;
		while (k < n) {
			uint32_t cp;
			size_t cl = utf8_decode(l + k, n - k, &cp);
			int w;
			if (cl == 0) {
				cl = 1;
				w = 1;
			} else {
				w = mime_cp_width(cp);
			}
			/* Cut points: after a space, or before a wide
			 * character, or right after one. */
			if (k > start &&
			    (l[k - 1] == ' ' || w == 2 || prev_wide))
				cut = k;
			if (cells + (size_t)w > room && cut > start) {
				put_line(out, depth, l + start, cut - start,
					 true);
				start = cut;
				cells = 0;
				k = cut;
				prev_wide = false;
				continue;
			}
			cells += (size_t)w;
			prev_wide = w == 2;
			k += cl;
		}
		put_line(out, depth, l + start, n - start, false);
	}
}
