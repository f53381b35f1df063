/* SPDX-License-Identifier: ISC */
/*
 * ui: the URL finder of the viewer (where a link starts and stops in
 * mail prose, English and Chinese) and the check before a link goes to
 * url-command.
 */
#include <string.h>

#include "harness.h"
#include "postie/base.h"

#include "private.h"
#include "view.h"

struct find_case {
	const char *text;
	const char *want[4]; /* the URLs, in order */
	const char *name;
};

static const struct find_case finds[] = {
	{ "see https://example.com/a.", { "https://example.com/a" },
	  "a full stop is not part of it" },
	{ "at http://example.com/x, then", { "http://example.com/x" },
	  "nor a comma" },
	{ "(http://en.wikipedia.org/wiki/Foo_(bar))",
	  { "http://en.wikipedia.org/wiki/Foo_(bar)" },
	  "a bracket the URL opened is kept, the outer one is not" },
	{ "[https://example.com/p]", { "https://example.com/p" },
	  "square brackets around it" },
	{ "<https://example.com/q?a=1&b=2>",
	  { "https://example.com/q?a=1&b=2" },
	  "angle brackets around it, query kept" },
	{ "\"http://example.com/\"", { "http://example.com/" },
	  "quotes around it" },
	{ "HTTPS://EXAMPLE.COM/Up", { "HTTPS://EXAMPLE.COM/Up" },
	  "the scheme in upper case" },
	{ "ftp://ftp.example.net/pub/f.tar.gz!",
	  { "ftp://ftp.example.net/pub/f.tar.gz" },
	  "ftp, an exclamation mark left out" },
	{ "write to mailto:a@example.com?subject=hi;",
	  { "mailto:a@example.com?subject=hi" }, "mailto with a query" },
	{ "mailto:nobody here", { NULL }, "mailto: without an @ is no link" },
	{ "http:// nothing", { NULL }, "a scheme alone is no link" },
	{ "http://-x", { NULL }, "a host must start with a letter or digit" },
	{ "xhttp://example.com", { NULL },
	  "not inside a word" },
	{ "javascript:alert(1) file:///etc/passwd data:text/html,x",
	  { NULL }, "other schemes are not found" },
	{ "\xe8\xaf\xb7\xe8\xae\xbf\xe9\x97\xae"
	  "https://example.cn/a\xef\xbc\x8c\xe8\xb0\xa2\xe8\xb0\xa2",
	  { "https://example.cn/a" },
	  "Chinese text right before and a full-width comma after" },
	{ "one http://a.example/1 two https://b.example/2 three",
	  { "http://a.example/1", "https://b.example/2" }, "two in a line" },
	{ "http://a.example/\x1b]8;;x", { "http://a.example/" },
	  "hostile-42: an escape byte ends it" },
	{ "http://a.example/\xe2\x80\xaegpj", { "http://a.example/" },
	  "hostile-43: a bidi override ends it" },
	{ "http://a.example/x\ny", { "http://a.example/x" },
	  "a line break ends it" },
};

static void
test_find(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(finds); i++) {
		const struct find_case *c = &finds[i];
		struct ui_links l = { 0 };
		size_t want = 0;
		ui_links_find(&l, c->text, strlen(c->text));
		while (want < 4 && c->want[want])
			want++;
		is_int((intmax_t)l.n, (intmax_t)want, "%s: count", c->name);
		for (size_t k = 0; k < l.n && k < want; k++)
			is_mem(c->text + l.v[k].off, l.v[k].len, c->want[k],
			       strlen(c->want[k]), "%s: link %zu", c->name,
			       k + 1);
		ui_links_release(&l);
	}
}

static void
test_bounds(void)
{
	struct buf b = BUF_INIT;
	struct ui_links l = { 0 };

	/* a run longer than UI_URL_MAX is no link, nor anything inside it */
	buf_addstr(&b, "http://x.example/");
	for (int i = 0; i < UI_URL_MAX; i++)
		buf_addch(&b, 'a');
	buf_addstr(&b, "http://inner.example/ ok http://after.example/");
	ui_links_find(&l, b.data, b.len);
	is_int((intmax_t)l.n, 1, "an overlong URL is skipped whole");
	if (l.n)
		is_mem(b.data + l.v[0].off, l.v[0].len,
		       "http://after.example/", 21, "the one after it found");
	ui_links_release(&l);

	/* at most UI_LINKS_MAX */
	buf_reset(&b);
	for (int i = 0; i < UI_LINKS_MAX + 50; i++)
		buf_addf(&b, "http://h%d.example/ ", i);
	ui_links_find(&l, b.data, b.len);
	is_int((intmax_t)l.n, UI_LINKS_MAX, "links capped at %d",
	       UI_LINKS_MAX);
	ui_links_release(&l);

	/* linear: a megabyte of "http:" fragments */
	buf_reset(&b);
	for (int i = 0; i < 200000; i++)
		buf_addstr(&b, "http:");
	int64_t t0 = time_mono_ms();
	ui_links_find(&l, b.data, b.len);
	int64_t ms = time_mono_ms() - t0;
	is_int((intmax_t)l.n, 0, "a megabyte of broken schemes: no link");
	ok(ms < 2000, "and it takes %lld ms (under 2 s)", (long long)ms);
	ui_links_release(&l);
	buf_release(&b);
}

struct check_case {
	const char *url;
	int rc;
	const char *why;
	const char *name;
};

static const struct check_case checks[] = {
	{ "https://example.com/a", 0, NULL, "https" },
	{ "http://example.com/", 0, NULL, "http" },
	{ "ftp://example.com/f", 0, NULL, "ftp" },
	{ "mailto:a@example.com", 0, NULL, "mailto" },
	{ "file:///etc/passwd", -1, "only http, https, ftp and mailto",
	  "file: refused" },
	{ "javascript:alert(1)", -1, "only http", "javascript: refused" },
	{ "https://", -1, "nothing after", "nothing after the scheme" },
	{ "https://a.example/\x1b[2J", -1, "byte 0x1b",
	  "hostile-42: an escape refused" },
	{ "https://a.example/ b", -1, "byte 0x20", "a space refused" },
	{ "https://a.example/\n", -1, "byte 0x0a", "a line break refused" },
	{ "-https://x", -1, "only http", "a leading dash (an option) refused" },
};

static void
test_check(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		struct perr e = PERR_INIT;
		const struct check_case *c = &checks[i];
		int rc = ui_url_check(c->url, strlen(c->url), &e);
		is_int(rc, c->rc, "%s", c->name);
		if (c->why)
			like(e.msg, c->why, "%s: says why", c->name);
	}
	struct buf b = BUF_INIT;
	struct perr e = PERR_INIT;
	buf_addstr(&b, "https://a.example/");
	while (b.len <= UI_URL_MAX)
		buf_addch(&b, 'x');
	is_int(ui_url_check(b.data, b.len, &e), -1, "an overlong URL refused");
	like(e.msg, "longer than", "and says so");
	buf_release(&b);
}

static bool
has_line(const struct ui_pager *pg, const char *want)
{
	for (size_t i = 0; i < pg->n; i++)
		if (pg->v[i].len == strlen(want) &&
		    memcmp(pg->text.data + pg->v[i].off, want,
			   pg->v[i].len) == 0)
			return true;
	return false;
}

/* The viewer numbers the links of what it renders. */
static void
test_pager(void)
{
	static const char plain[] =
		"From: a@example.com\nSubject: s\nX-Mailer: m\n"
		"Message-ID: <id@example.com>\n\n"
		"Go to https://a.example/x. Again https://a.example/x!\n"
		"Then http://b.example/y\n";
	static const char html[] =
		"From: a@example.com\nSubject: h\nMIME-Version: 1.0\n"
		"Content-Type: text/html; charset=utf-8\n\n"
		"<p>Read <a href=\"https://h.example/1\">this</a> and "
		"<a href=\"https://h.example/2\">that</a>.</p>\n";
	struct ui_pager pg = { 0 };

	ui_pager_render(&pg, plain, sizeof(plain) - 1, NULL, 80);
	ok(has_line(&pg, "Go to https://a.example/x [1]. Again "
			 "https://a.example/x [1]!"),
	   "a link numbered after it; the same URL keeps its number");
	ok(has_line(&pg, "Then http://b.example/y [2]"), "the next is [2]");
	is_int((intmax_t)pg.nurls, 2, "two links kept");
	if (pg.nurls == 2) {
		is_str(pg.urls[0], "https://a.example/x", "urls[0]");
		is_str(pg.urls[1], "http://b.example/y", "urls[1]");
	}
	ok(!has_line(&pg, "X-Mailer: m"), "the common headers only");
	ui_pager_render_opts(&pg, plain, sizeof(plain) - 1, NULL, 80,
			     UI_PAGER_ALL_HEADERS);
	ok(has_line(&pg, "X-Mailer: m"), "UI_PAGER_ALL_HEADERS: every one");
	ok(has_line(&pg, "Message-ID: <id@example.com>"), "the Message-ID");
	is_int((intmax_t)pg.nurls, 2, "the links again after a new render");

	ui_pager_render(&pg, html, sizeof(html) - 1, NULL, 80);
	ok(has_line(&pg, "[1] https://h.example/1"),
	   "HTML: the target listed once, not numbered twice");
	ok(has_line(&pg, "[2] https://h.example/2"), "HTML: the second");
	is_int((intmax_t)pg.nurls, 2, "HTML: the targets are the links");
	ui_pager_release(&pg);
	is_int((intmax_t)pg.nurls, 0, "released");

	/* the cost of numbering: a 1 MB body with a link on every line */
	struct buf big = BUF_INIT;
	buf_addstr(&big, "From: a@example.com\nSubject: big\n\n");
	for (int i = 0; big.len < (1u << 20); i++)
		buf_addf(&big, "line %d see https://example.com/page/%d, "
			       "or not.\n", i, i % 2000);
	int64_t t0 = time_mono_ms();
	ui_pager_render(&pg, big.data, big.len, NULL, 100);
	int64_t ms = time_mono_ms() - t0;
	is_int((intmax_t)pg.nurls, UI_LINKS_MAX,
	       "a 1 MB body: links numbered up to the cap");
	ok(ms < 5000, "rendered with its links in %lld ms (under 5 s)",
	   (long long)ms);
	diag("pager: 1 MB body, %zu lines, %zu links numbered: %lld ms",
	     pg.n, pg.nurls, (long long)ms);
	ui_pager_release(&pg);
	buf_release(&big);
}

int
main(void)
{
	test_pager();
	test_find();
	test_bounds();
	test_check();
	return done_testing();
}
