/* SPDX-License-Identifier: ISC */
/*
 * The viewer's lines: headers decoded, GBK and HTML bodies as readable
 * text, quote depths, attachments listed, lines never wider than asked,
 * and nothing from the mail left able to drive the terminal.
 */
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/ui.h"

#include "private.h"

static const char *const assumed[] = { "gb18030", NULL };

/* Is any line text equal to / containing want? */
static bool
has_line(const struct ui_pager *pg, const char *want, bool exact)
{
	for (size_t i = 0; i < pg->n; i++) {
		const char *p = pg->text.data + pg->v[i].off;
		size_t l = pg->v[i].len;
		if (exact ? (l == strlen(want) && memcmp(p, want, l) == 0)
			  : memmem(p, l, want, strlen(want)) != NULL)
			return true;
	}
	return false;
}

static unsigned
depth_of(const struct ui_pager *pg, const char *start)
{
	for (size_t i = 0; i < pg->n; i++)
		if (pg->v[i].len >= strlen(start) &&
		    memcmp(pg->text.data + pg->v[i].off, start,
			   strlen(start)) == 0)
			return pg->v[i].quote;
	return 99;
}

static void
test_gbk(void)
{
	/* "张三" / "你好" in GB2312, the body "你好，" in GBK base64 */
	static const char msg[] =
		"From: =?GB2312?B?1cXI/Q==?= <zs@qq.com>\n"
		"Subject: =?GB2312?B?xOO6ww==?=\n"
		"Content-Type: text/plain; charset=gbk\n"
		"Content-Transfer-Encoding: base64\n\n"
		"xOO6w6Oshsrnow==\n";
	struct ui_pager pg = { 0 };

	ui_pager_render(&pg, msg, sizeof(msg) - 1, assumed, 80);
	ok(has_line(&pg, "From: 张三 <zs@qq.com>", true), "From decoded");
	ok(has_line(&pg, "Subject: 你好", true), "GB2312 subject decoded");
	is_int(pg.nheader, 2, "two header lines");
	ok(has_line(&pg, "你好，", false), "GBK base64 body decoded");
	ui_pager_release(&pg);
}

static void
test_html_quotes_attach(void)
{
	static const char html[] =
		"Subject: news\nContent-Type: text/html; charset=utf-8\n\n"
		"<html><head><style>p{x:y}</style></head><body><h1>Weekly"
		"</h1><p>Hello <b>there</b></p></body></html>\n";
	static const char quoted[] =
		"Subject: re\n\nmine\n> one\n> > two\n>>> three\n";
	static const char att[] =
		"Subject: a\nContent-Type: multipart/mixed; boundary=b\n\n"
		"--b\nContent-Type: text/plain\n\nsee file\n"
		"--b\nContent-Type: application/pdf\n"
		"Content-Disposition: attachment; filename=\"r.pdf\"\n"
		"Content-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n";
	struct ui_pager pg = { 0 };

	ui_pager_render(&pg, html, sizeof(html) - 1, assumed, 80);
	ok(has_line(&pg, "Hello there", false), "HTML-only body as text");
	ok(!has_line(&pg, "<b>", false) && !has_line(&pg, "p{x:y}", false),
	   "no tags or style text");
	ui_pager_render(&pg, quoted, sizeof(quoted) - 1, assumed, 80);
	is_int(depth_of(&pg, "mine"), 0, "plain line: depth 0");
	is_int(depth_of(&pg, "> one"), 1, "depth 1");
	is_int(depth_of(&pg, "> > two"), 2, "'> >' is depth 2");
	is_int(depth_of(&pg, ">>> three"), 3, "depth 3");
	ui_pager_render(&pg, att, sizeof(att) - 1, assumed, 80);
	ok(has_line(&pg, "see file", true), "text part shown");
	ok(has_line(&pg, "r.pdf (application/pdf", false),
	   "attachment listed with its type");
	ui_pager_release(&pg);
}

static void
test_width(void)
{
	struct buf m = BUF_INIT;
	struct ui_pager pg = { 0 };

	buf_addstr(&m, "Subject: ");
	for (int i = 0; i < 50; i++)
		buf_addstr(&m, "很长的标题");
	buf_addstr(&m, "\nContent-Type: text/plain; charset=utf-8\n\n");
	for (int i = 0; i < 40; i++)
		buf_addstr(&m, "word 字\tx ");
	buf_addch(&m, '\n');
	for (int w = 2; w <= 42; w += 8) {
		ui_pager_render(&pg, m.data, m.len, assumed, w);
		bool fits = true;
		for (size_t i = 0; i < pg.n; i++) {
			const char *p = pg.text.data + pg.v[i].off;
			if ((int)ui_width(p, pg.v[i].len) > w ||
			    memchr(p, '\t', pg.v[i].len))
				fits = false;
		}
		ok(fits && pg.n > 2, "width %d: every line fits, tabs "
				     "expanded (%zu lines)", w, pg.n);
	}
	ui_pager_release(&pg);
	buf_release(&m);
}

/* hostile-42, hostile-43: escape sequences, C1 bytes and bidi controls
 * in headers and body come out as visible text */
static void
test_hostile(void)
{
	static const char msg[] =
		"From: evil \x1b]0;pwned\x07 <e@x>\n"
		"Subject: inv\xe2\x80\xaeoice\n"
		"Content-Type: text/plain; charset=utf-8\n\n"
		"a\x1b[2Jb\x1bP1$q\x1b\\ c\x08\x08 \x9b" "31m\n";
	struct ui_pager pg = { 0 };
	bool clean = true;

	ui_pager_render(&pg, msg, sizeof(msg) - 1, assumed, 80);
	for (size_t i = 0; i < pg.text.len; i++) {
		unsigned char c = (unsigned char)pg.text.data[i];
		if (c < 0x20 || c == 0x7f)
			clean = false;
	}
	ok(clean, "hostile-42: no control byte left in the viewer's text");
	ok(utf8_valid(pg.text.data, pg.text.len), "the text is valid UTF-8");
	ok(has_line(&pg, "^[]0;pwned", false), "OSC shown as text");
	ok(has_line(&pg, "<U+202E>", false), "hostile-43: bidi override shown");
	ok(has_line(&pg, "a^[[2Jb", false), "CSI in the body shown as text");
	ui_pager_release(&pg);
}

int
main(void)
{
	test_gbk();
	test_html_quotes_attach();
	test_width();
	test_hostile();
	return done_testing();
}
