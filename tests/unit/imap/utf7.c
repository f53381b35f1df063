/* SPDX-License-Identifier: ISC */
/*
 * Modified UTF-7 mailbox names (RFC 3501 5.1.3): a table of names as the
 * Chinese providers send them, decoded and encoded back, and a table of
 * invalid forms that must be refused so the caller keeps the name opaque
 * (hostile-13).
 */
#include <string.h>

#include "harness.h"
#include "postie/imap.h"

static const struct {
	const char *wire, *utf8;
} good[] = {
	{ "INBOX", "INBOX" },
	{ "&XfJT0ZAB-", "已发送" },           /* QQ, 163: Sent */
	{ "&g0l6P3ux-", "草稿箱" },           /* Drafts */
	{ "&V4NXPpCuTvY-", "垃圾邮件" },      /* Junk */
	{ "&XfJSIJZk-", "已删除" },           /* 163: Trash */
	{ "&ZTZO9nux-", "收件箱" },           /* Inbox */
	{ "&Xn9USpCuTvY-", "广告邮件" },      /* 163: ads */
	{ "&dcVr0mWHTvZZOQ-", "病毒文件夹" }, /* 163: virus */
	{ "&f6SQrk72-", "群邮件" },           /* QQ: group mail */
	{ "QQ&kK5O9ouilgU-", "QQ邮件订阅" },  /* QQ: subscriptions */
	{ "&UXZO1mWHTvZZOQ-/&XeVPXA-", "其他文件夹/工作" },
	{ "&YhF2hGWHTvZZOQ-", "我的文件夹" },
	{ "&XfJ2fJAB-", "已發送" },           /* Big5 users' Sent */
	{ "Sent Messages", "Sent Messages" },
	{ "~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語" },
	{ "&ANw-n&AO8-c&APY-d&AOk-", "Ünïcödé" },
	{ "&Jjo-", "☺" },
	{ "&2DTdHg- music", "𝄞 music" },      /* a surrogate pair */
	{ "a&-b", "a&b" },
	{ "&-", "&" },
	{ "&Ti1lhw-&-English", "中文&English" },
	{ "", "" },
};

static const struct {
	const char *wire, *why;
} bad[] = {
	{ "&", "not terminated" },
	{ "abc&ZeVnLIqe", "not terminated" },
	{ "&Jjo!-", "byte 0x21" },
	{ "&Jj/-", "byte 0x2f" },           /* RFC 2152 '/' is not allowed */
	{ "&AGE-", "encoded printable ASCII 'a'" },
	{ "&ACY-", "encoded printable ASCII '&'" },
	{ "&Jjp-", "non-zero padding bits" },
	{ "&ZeVnLIqeA-", "incomplete character" },
	{ "&2DQ-", "lone high surrogate" },
	{ "&3R4-", "lone low surrogate" },
	{ "&2DTYNA-", "lone high surrogate" },
	{ "&AAA-", "control character" },   /* encoded NUL */
	{ "&AA0-", "control character" },   /* encoded CR */
	{ "a\rb", "byte 0x0d" },
	{ "a\x7f", "byte 0x7f" },
	{ "\xe5\xb7\xb2", "byte 0xe5" }, /* raw UTF-8 is not modified UTF-7 */
	{ "&&-", "byte 0x26" },
};

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct buf b = BUF_INIT;
		struct perr e = PERR_INIT;
		int rc = imap_utf7_decode(good[i].wire, strlen(good[i].wire),
					  &b, &e);
		ok(rc == 0, "decode '%s'", good[i].wire);
		is_str(b.data, good[i].utf8, "decode '%s' gives '%s'",
		       good[i].wire, good[i].utf8);
		buf_reset(&b);
		rc = imap_utf7_encode(good[i].utf8, strlen(good[i].utf8), &b,
				      &e);
		ok(rc == 0, "encode '%s'", good[i].utf8);
		is_str(b.data, good[i].wire, "encode '%s' gives '%s'",
		       good[i].utf8, good[i].wire);
		buf_release(&b);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf b = BUF_INIT;
		struct perr e = PERR_INIT;
		buf_addstr(&b, "keep");
		int rc = imap_utf7_decode(bad[i].wire, strlen(bad[i].wire),
					  &b, &e);
		ok(rc == -1 && e.kind == PERR_PROTO,
		   "hostile-13: '%s' refused", bad[i].wire);
		like(e.msg, bad[i].why, "hostile-13: '%s' says why",
		     bad[i].wire);
		is_str(b.data, "keep", "hostile-13: '%s' leaves out as it was",
		       bad[i].wire);
		buf_release(&b);
	}

	struct buf b = BUF_INIT;
	struct perr e = PERR_INIT;
	ok(imap_utf7_encode("a\xffz", 3, &b, &e) == -1 && b.len == 0,
	   "encode refuses invalid UTF-8");
	like(e.msg, "invalid UTF-8 at offset 1", "and names the offset");
	ok(imap_utf7_encode("a\nb", 3, &b, &e) == -1,
	   "encode refuses a control character");

	/* A long run crosses many 3-unit groups and must stay one run. */
	buf_reset(&b);
	struct buf in = BUF_INIT, back = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_addstr(&in, "邮");
	ok(imap_utf7_encode(in.data, in.len, &b, &e) == 0 &&
		   memchr(b.data + 1, '&', b.len - 1) == NULL,
	   "a 200-character run is one encoded run");
	ok(imap_utf7_decode(b.data, b.len, &back, &e) == 0 &&
		   strcmp(back.data, in.data) == 0,
	   "and decodes back to the same name");
	buf_release(&in);
	buf_release(&back);
	buf_release(&b);
	return done_testing();
}
