/* SPDX-License-Identifier: ISC */
/*
 * Header blocks, address lists, message-id lists and dates: what real mail
 * writes, the obsolete syntax, and hostile input that must stay linear.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "postie/mime.h"

static const struct {
	const char *in, *want, *what;
} addrs[] = {
	{ "John Doe <jdoe@example.com>", "John Doe <jdoe@example.com>",
	  "name and address" },
	{ "\"Doe, John\" <jdoe@example.com>, a@b.c",
	  "Doe, John <jdoe@example.com>, a@b.c", "quoted name with a comma" },
	{ "jdoe@example.com (John Doe)", "John Doe <jdoe@example.com>",
	  "comment as the name" },
	{ "=?gb2312?B?1cXI/Q==?= <zs@qq.com>", "张三 <zs@qq.com>",
	  "encoded name (GB2312)" },
	{ "\"=?utf-8?B?5byg5LiJ?=\" <zs@163.com>", "张三 <zs@163.com>",
	  "encoded word inside quotes" },
	{ "\xd5\xc5\xc8\xfd <zs@126.com>", "张三 <zs@126.com>",
	  "raw GBK name" },
	{ "张三 <张三@例子.中国>", "张三 <张三@例子.中国>", "RFC 6532 UTF-8" },
	{ "undisclosed-recipients:;", "", "empty group" },
	{ "friends: a@b.c, \"C D\" <c@d.e>;, x@y.z",
	  "a@b.c, C D <c@d.e>, x@y.z", "group" },
	{ "<@route1,@route2:user@host>", "user@host", "obsolete route" },
	{ "a@b.c d@e.f", "a@b.c, d@e.f", "missing comma" },
	{ "Big Bug bb@bug.com", "Big Bug <bb@bug.com>",
	  "phrase before a bare address" },
	{ "\"unterminated <a@b.c>", "\"unterminated <a@b.c>",
	  "hostile-40: unterminated quote runs to the end" },
	{ "a@b.c (unterminated", "unterminated <a@b.c>",
	  "hostile-40: unterminated comment" },
	{ "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
	  "Pete <pete@silly.test>", "comments everywhere" },
	{ "\"Eve\\\"s\" <eve@x.org>", "Eve\"s <eve@x.org>",
	  "an escaped quote inside quotes does not end them" },
};

static void
test_addrs(void)
{
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct mime_addr_list l = { 0 };
		struct buf b = BUF_INIT;
		mime_addr_parse(&l, addrs[i].in, strlen(addrs[i].in), NULL);
		mime_addr_format(&b, &l);
		is_str(b.data, addrs[i].want, "address: %s", addrs[i].what);
		buf_release(&b);
		mime_addr_list_release(&l);
	}
	struct mime_addr_list l = { 0 };
	const char *g = "team: a@b.c;";
	mime_addr_parse(&l, g, strlen(g), NULL);
	ok(l.n == 1 && l.v[0].group && strcmp(l.v[0].group, "team") == 0,
	   "group name kept apart");
	mime_addr_list_release(&l);

	/* hostile-40: 100 000 empty groups, 10 000 nested comments */
	struct buf h = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_addch(&h, ';');
	buf_addstr(&h, "a@b.c");
	clock_t t0 = clock();
	mime_addr_parse(&l, h.data, h.len, NULL);
	ok(l.n == 1 && strcmp(l.v[0].addr, "a@b.c") == 0,
	   "hostile-40: 100 000 ';' then an address");
	mime_addr_list_release(&l);
	buf_reset(&h);
	for (int i = 0; i < 10000; i++)
		buf_addch(&h, '(');
	buf_addstr(&h, "x");
	for (int i = 0; i < 10000; i++)
		buf_addch(&h, ')');
	buf_addstr(&h, " a@b.c");
	mime_addr_parse(&l, h.data, h.len, NULL);
	ok(l.n == 1 && strcmp(l.v[0].addr, "a@b.c") == 0,
	   "hostile-40: comments nested 10 000 deep");
	mime_addr_list_release(&l);
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0,
	   "hostile-40: both in well under a second");
	buf_release(&h);
}

static void
test_msgids(void)
{
	struct buf b = BUF_INIT;
	const char *refs = "<a@b> (comment <x@y>) junk <c@d>\r\n <e @ f>";
	size_t n = mime_msgid_list(&b, refs, strlen(refs));
	is_int(n, 3, "three message ids");
	is_mem(b.data, b.len, "<a@b>\0<c@d>\0<e@f>\0", 18,
	       "ids without comments, spaces squeezed");
	buf_release(&b);
}

static const struct {
	const char *in;
	int64_t t;
	int tz;
	const char *what;
} dates[] = {
	{ "Mon, 1 Apr 2019 07:55:00 +0800", 1554076500, 480, "RFC 5322" },
	{ "1 Apr 2019 07:55 +0800", 1554076500, 480, "no day, no seconds" },
	{ "Mon, 01 Apr 2019 07:55:00 +0800 (CST)", 1554076500, 480,
	  "zone comment" },
	{ "Mon, 1 Apr 19 07:55:00 +0800", 1554076500, 480, "two-digit year" },
	{ "Fri, 21 Nov 97 09:55:06 GMT", 880106106, 0, "obsolete year, GMT" },
	{ "Thu, 13 Feb 1969 23:32:54 -0330", -27723426, -210,
	  "before the epoch" },
	{ "Fri, 21 Nov 1997 09(comment):   55  :  06 -0600", 880127706, -360,
	  "CFWS around colons" },
	{ "Tue, 1 Jul 2003 10:52:37 EDT", 1057071157, -240, "named zone" },
	{ "Mon Jan  2 15:04:05 2006", 1136214245, 0, "ctime order" },
	{ "Sun, 6 Nov 2094 08:49:37 +0000", 3939871777LL, 0,
	  "beyond 2038 (64-bit)" },
};

static const char *const bad_dates[] = {
	"", "garbage", "Mon, 32 Jan 2020 00:00:00 +0000",
	"1 Jan 99999 00:00:00 +0000", "1 Foo 2020 10:00:00",
	"1 Jan 2020 25:00:00 +0000",
};

static void
test_dates(void)
{
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		int64_t t;
		int tz;
		int r = mime_date_parse(dates[i].in, strlen(dates[i].in), &t,
					&tz);
		ok(r == 0 && t == dates[i].t && tz == dates[i].tz,
		   "date: %s", dates[i].what);
		if (r || t != dates[i].t)
			diag("got %d %lld %d", r, (long long)t, tz);
	}
	for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]);
	     i++) {
		int64_t t = 1;
		int tz = 1;
		int r = mime_date_parse(bad_dates[i], strlen(bad_dates[i]), &t,
					&tz);
		ok(r == -1 && t == 0 && tz == 0,
		   "hostile-41: not a date: '%s'", bad_dates[i]);
	}
	int64_t t;
	int tz;
	const char *z = "1 Jan 2020 00:00:00 -9999";
	ok(mime_date_parse(z, strlen(z), &t, &tz) == 0 && tz == 0 &&
		   t == 1577836800,
	   "hostile-41: zone -9999 ignored");
}

static void
test_headers(void)
{
	static const char msg[] = "From MAILER-DAEMON Mon Jan  2 15:04:05 2006\n"
			  "subject : Hello\r\n"
			  "  world\r\n"
			  "X-Nul: a\0b\n"
			  "Broken Name: skipped\n"
			  "To: a@b.c\n"
			  "tO: second@b.c\n"
			  "\n"
			  "body";
	size_t len = sizeof(msg) - 1, off;
	struct mime_headers h;

	mime_headers_parse(&h, msg, len, &off);
	is_int(h.n, 4, "four fields (mbox line and broken name skipped)");
	const struct mime_field *f = mime_headers_get(&h, "SUBJECT");
	ok(f != NULL, "\"subject :\" found in any case");
	struct buf b = BUF_INIT;
	if (f)
		mime_decode_header(&b, f->value.p, f->value.len, NULL);
	is_str(b.data, "Hello  world", "unfolded with bare and CRLF ends");
	f = mime_headers_get(&h, "x-nul");
	ok(f && f->value.len == 4 && memcmp(f->value.p, " a\0b", 4) == 0,
	   "NUL byte kept inside a value");
	f = mime_headers_get(&h, "to");
	ok(f && slice_eq(slice_trim(f->value), "a@b.c"),
	   "repeated field: the first wins");
	is_str(msg + off, "body", "body offset after the empty line");
	buf_release(&b);
	mime_headers_release(&h);

	/* folds that lost their white space, then more fields */
	static const char fold[] = "Received: from a\n"
				   "by b with SMTP; 19 Nov 2014\n"
				   "id 7B/03-15277 for <x@y>\n"
				   "To: t@example.com\n"
				   "From: f@example.com\n"
				   "Subject: s\n"
				   "\n"
				   "real body";
	mime_headers_parse(&h, fold, sizeof(fold) - 1, &off);
	is_str(fold + off, "real body",
	       "broken folds inside a header block join their field");
	f = mime_headers_get(&h, "subject");
	ok(f && h.n == 4, "and the fields after them are kept");
	mime_headers_release(&h);
	static const char nohdr[] = "Subject: s\nplain text\nmore text\n";
	mime_headers_parse(&h, nohdr, sizeof(nohdr) - 1, &off);
	is_str(nohdr + off, "plain text\nmore text\n",
	       "a text line with no fields after it starts the body");
	mime_headers_release(&h);

	/* hostile-35: 100 000 headers, a 1 MB line, ": x", fold only */
	struct buf big = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_addstr(&big, "X-A: b\n");
	buf_addstr(&big, "X-Long: ");
	for (int i = 0; i < 1 << 20; i++)
		buf_addch(&big, 'y');
	buf_addstr(&big, "\n: x\n \t \nSubject: end\n\nbody");
	clock_t t0 = clock();
	mime_headers_parse(&h, big.data, big.len, &off);
	ok(h.n == MIME_MAX_HEADERS && h.dropped > 0,
	   "hostile-35: fields capped at %d", MIME_MAX_HEADERS);
	is_str(big.data + off, "body", "hostile-35: body found after all");
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0,
	   "hostile-35: linear time");
	mime_headers_release(&h);
	buf_release(&big);
}

int
main(void)
{
	test_addrs();
	test_msgids();
	test_dates();
	test_headers();
	return done_testing();
}
