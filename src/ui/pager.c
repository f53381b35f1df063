/* SPDX-License-Identifier: ISC */
/*
 * The viewer's text: one raw message turned into screen lines of at most
 * a given width. The common headers are decoded (RFC 2047, raw 8-bit by
 * the assumed charsets), the body is the part mime_choose_body picks,
 * turned into UTF-8 text by mime_part_text (HTML made readable, flowed
 * text joined), the attachments are listed one a line, and everything is
 * passed through ui_sanitize before it is cut into lines, so nothing a
 * mail holds can reach the terminal as a control sequence. Each line
 * carries its quote depth (the '>' marks it starts with) for colouring.
 *
 * No curses here: the screen draws the lines; tests read them.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/mime.h"
#include "postie/ui.h"

#include "private.h"

#define TAB_STOP 8

static void
add_line(struct ui_pager *pg, size_t off, size_t len, unsigned quote,
	 bool header)
{
	if (pg->n == pg->cap) {
		pg->cap = pg->cap ? pg->cap * 2 : 64;
		pg->v = xrealloc(pg->v, pg->cap * sizeof(*pg->v));
	}
	pg->v[pg->n].off = off;
	pg->v[pg->n].len = len;
	pg->v[pg->n].quote = quote;
	pg->v[pg->n].header = header;
	pg->n++;
}

static unsigned
quote_depth(const char *p, size_t len)
{
	unsigned d = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '>')
			d++;
		else if (p[i] != ' ' || d == 0)
			break;
	}
	return d;
}

/* Append one logical line (sanitised UTF-8, no LF) to pg->text as one or
 * more screen lines of at most width cells; tabs are expanded. */
static void
add_wrapped(struct ui_pager *pg, const char *p, size_t len, int width,
	    bool header)
{
	unsigned q = header ? 0 : quote_depth(p, len);
	size_t start = pg->text.len;
	int col = 0;

	if (width < 1)
		width = 1;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			cp = 0xfffd;
			k = 1;
		}
		if (cp == '\t') {
			int n = TAB_STOP - col % TAB_STOP;
			if (col + n > width)
				n = width - col;
			for (int j = 0; j < n; j++)
				buf_addch(&pg->text, ' ');
			col += n;
			i += k;
		} else {
			int w = ui_cp_width(cp);
			if (w < 0)
				w = 0;
			if (col + w > width && col > 0) {
				add_line(pg, start, pg->text.len - start, q,
					 header);
				start = pg->text.len;
				col = 0;
				continue;
			}
			buf_add(&pg->text, p + i, k);
			col += w;
			i += k;
		}
		if (col >= width && i < len) {
			add_line(pg, start, pg->text.len - start, q, header);
			start = pg->text.len;
			col = 0;
		}
	}
	add_line(pg, start, pg->text.len - start, q, header);
}

/* Sanitise (p, len), which may hold several lines, and add them. */
static void
add_text(struct ui_pager *pg, const char *p, size_t len, int width,
	 bool header)
{
	struct buf s = BUF_INIT;

	ui_sanitize(&s, p, len, header ? UI_TAB_SPACE | UI_ALLOW_LF
				       : UI_ALLOW_TAB | UI_ALLOW_LF);
	size_t n = s.len;
	/* trailing blank lines say nothing */
	while (n > 0 && s.data[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s.data + i, '\n', n - i);
		size_t l = nl ? (size_t)(nl - (s.data + i)) : n - i;
		add_wrapped(pg, s.data + i, l, width, header);
		i += l + 1;
	}
	buf_release(&s);
}

static void
add_header(struct ui_pager *pg, const struct mime_message *m,
	   const char *name, int width)
{
	const struct mime_field *f = mime_headers_get(&m->root->headers, name);
	struct buf v = BUF_INIT;

	if (!f)
		return;
	buf_addf(&v, "%s: ", name);
	mime_decode_header(&v, f->value.p, f->value.len,
			   (const char *const *)m->assumed);
	add_text(pg, v.data, v.len, width, true);
	buf_release(&v);
}

void
ui_pager_render(struct ui_pager *pg, const char *raw, size_t len,
		const char *const *assumed, int width)
{
	static const char *const hdrs[] = { "Date", "From", "To", "Cc",
					    "Subject" };
	struct mime_message m;
	struct buf t = BUF_INIT;

	ui_pager_release(pg);
	if (width < 1)
		width = 1;
	mime_message_parse(&m, raw, len, assumed);
	for (size_t i = 0; i < ARRAY_SIZE(hdrs); i++)
		add_header(pg, &m, hdrs[i], width);
	pg->nheader = pg->n;
	add_line(pg, pg->text.len, 0, 0, false);

	const struct mime_part *body = mime_choose_body(&m, false);
	if (body) {
		mime_part_text(&t, &m, body, (size_t)(width > 2 ? width - 1
								 : width));
		add_text(pg, t.data, t.len, width, false);
	} else {
		add_text(pg, "[no text in this message]", 25, width, true);
	}
	bool first = true;
	for (size_t i = 0; i < m.nleaves; i++) {
		const struct mime_part *p = m.leaves[i];
		struct buf a = BUF_INIT;
		if (p == body || (!mime_is_attachment(p) && !p->filename))
			continue;
		if (first) {
			add_line(pg, pg->text.len, 0, 0, false);
			first = false;
		}
		buf_addf(&a, "[-- %zu: %s (%s, ", p->number,
			 p->filename ? p->filename : "(no name)", p->type);
		ui_format_size(&a, mime_part_size(p));
		buf_addstr(&a, ") --]");
		add_text(pg, a.data, a.len, width, true);
		buf_release(&a);
	}
	buf_release(&t);
	mime_message_release(&m);
}

void
ui_pager_release(struct ui_pager *pg)
{
	buf_release(&pg->text);
	free(pg->v);
	memset(pg, 0, sizeof(*pg));
	buf_init(&pg->text);
}
