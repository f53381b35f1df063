/* SPDX-License-Identifier: ISC */
/*
 * format=flowed (RFC 3676) for reading: lines that end in a space are
 * soft breaks and are joined into one paragraph; the rest are hard
 * breaks. The pager then wraps paragraphs to the screen, so text written
 * on a narrow phone reads as paragraphs on a wide terminal.
 *
 * The decoder is a single pass over the lines; it holds one paragraph at
 * a time and never looks back, so it is linear in the input.
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
