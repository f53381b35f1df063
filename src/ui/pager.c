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
#include "view.h"

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

/* The number of url (n bytes) among the links so far, adding it when new
 * (the same address twice keeps one number). 0 when the list is full. */
static size_t
link_number(struct ui_pager *pg, const char *url, size_t n)
{
	for (size_t i = 0; i < pg->nurls; i++)
		if (strlen(pg->urls[i]) == n &&
		    memcmp(pg->urls[i], url, n) == 0)
			return i + 1;
	if (pg->nurls == UI_LINKS_MAX)
		return 0;
	pg->urls = xrealloc(pg->urls, (pg->nurls + 1) * sizeof(*pg->urls));
	pg->urls[pg->nurls++] = xstrndup(url, n);
	return pg->nurls;
}

/* Add body text with every link numbered: " [N]" after it, unless the
 * text already says "[N] " just before it with the same N (the list at
 * the end of an HTML message). */
static void
add_body(struct ui_pager *pg, const char *t, size_t len, int width)
{
	struct ui_links l = { 0 };
	struct buf out = BUF_INIT, mark = BUF_INIT;
	size_t at = 0;

	ui_links_find(&l, t, len);
	for (size_t i = 0; i < l.n; i++) {
		const struct ui_link *k = &l.v[i];
		size_t num = link_number(pg, t + k->off, k->len);
		buf_add(&out, t + at, k->off + k->len - at);
		at = k->off + k->len;
		if (!num)
			continue;
		buf_reset(&mark);
		buf_addf(&mark, "[%zu] ", num);
		if (k->off >= mark.len &&
		    memcmp(t + k->off - mark.len, mark.data, mark.len) == 0)
			continue;
		buf_addf(&out, " [%zu]", num);
	}
	buf_add(&out, t + at, len - at);
	add_text(pg, out.data, out.len, width, false);
	ui_links_release(&l);
	buf_release(&out);
	buf_release(&mark);
}

/* Every header field in order, each decoded as unstructured text. */
static void
add_all_headers(struct ui_pager *pg, const struct mime_message *m, int width)
{
	const struct mime_headers *h = &m->root->headers;
	struct buf v = BUF_INIT;

	for (size_t i = 0; i < h->n; i++) {
		buf_reset(&v);
		buf_add(&v, h->v[i].name.p, h->v[i].name.len);
		buf_addstr(&v, ": ");
		mime_decode_header(&v, h->v[i].value.p, h->v[i].value.len,
				   (const char *const *)m->assumed);
		add_text(pg, v.data, v.len, width, true);
	}
	buf_release(&v);
}

void
ui_pager_render(struct ui_pager *pg, const char *raw, size_t len,
		const char *const *assumed, int width)
{
	ui_pager_render_opts(pg, raw, len, assumed, width, 0);
}

void
ui_pager_render_opts(struct ui_pager *pg, const char *raw, size_t len,
		     const char *const *assumed, int width, unsigned flags)
{
	static const char *const hdrs[] = { "Date", "From", "To", "Cc",
					    "Reply-To", "Subject" };
	struct mime_message m;
	struct buf t = BUF_INIT;

	ui_pager_release(pg);
	if (width < 1)
		width = 1;
	mime_message_parse(&m, raw, len, assumed);
	if (flags & UI_PAGER_ALL_HEADERS)
		add_all_headers(pg, &m, width);
	else
		for (size_t i = 0; i < ARRAY_SIZE(hdrs); i++)
			add_header(pg, &m, hdrs[i], width);
	pg->nheader = pg->n;
	add_line(pg, pg->text.len, 0, 0, false);

	const struct mime_part *body = mime_choose_body(&m, false);
	if (body) {
		mime_part_text(&t, &m, body, (size_t)(width > 2 ? width - 1
								 : width));
		add_body(pg, t.data, t.len, width);
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
	if (m.nleaves > 1 || first == false)
		add_text(pg, "[-- v lists the parts to view, save or open --]",
			 47, width, true);
	buf_release(&t);
	mime_message_release(&m);
}

void
ui_pager_render_part(struct ui_pager *pg, const struct mime_message *m,
		     const struct mime_part *part,
		     const char *const *assumed, int width, unsigned flags)
{
	struct buf title = BUF_INIT, t = BUF_INIT;

	if (width < 1)
		width = 1;
	if (ascii_strcasecmp(part->type, "message/rfc822") == 0) {
		struct buf raw = BUF_INIT;
		mime_transfer_decode(&raw, part->cte, part->body.p,
				     part->body.len);
		ui_pager_render_opts(pg, raw.data, raw.len, assumed, width,
				     flags);
		buf_release(&raw);
		return;
	}
	ui_pager_release(pg);
	buf_addf(&title, "[-- part %zu: %s", part->number, part->type);
	if (part->filename) {
		buf_addstr(&title, ", ");
		buf_addstr(&title, part->filename);
	}
	buf_addstr(&title, ", ");
	ui_format_size(&title, mime_part_size(part));
	buf_addstr(&title, " --]");
	add_text(pg, title.data, title.len, width, true);
	pg->nheader = pg->n;
	add_line(pg, pg->text.len, 0, 0, false);
	mime_part_text(&t, m, part, (size_t)(width > 2 ? width - 1 : width));
	add_body(pg, t.data, t.len, width);
	buf_release(&title);
	buf_release(&t);
}

void
ui_pager_render_text(struct ui_pager *pg, const char *title,
		     const char *text, size_t len, int width)
{
	ui_pager_release(pg);
	if (width < 1)
		width = 1;
	add_text(pg, title, strlen(title), width, true);
	pg->nheader = pg->n;
	add_line(pg, pg->text.len, 0, 0, false);
	/* a command's output is read as UTF-8 (what the locale is here);
	 * the sanitiser shows anything else as U+FFFD */
	add_body(pg, text, len, width);
}

void
ui_pager_release(struct ui_pager *pg)
{
	buf_release(&pg->text);
	free(pg->v);
	for (size_t i = 0; i < pg->nurls; i++)
		free(pg->urls[i]);
	free(pg->urls);
	memset(pg, 0, sizeof(*pg));
	buf_init(&pg->text);
}
