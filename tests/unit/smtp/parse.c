/* SPDX-License-Identifier: ISC */
/*
 * The pure SMTP pieces from tables: replies good and malformed
 * (hostile-29), capabilities, and the DATA encoder (hostile-31).
 */
#include <string.h>

#include "harness.h"
#include "postie/smtp.h"

struct reply_case {
	const char *name;
	const char *lines; /* lines separated by '\n' */
	int want_rc;       /* of the last line fed: 1 done, 0 more, -1 */
	int code;
	const char *text;
	const char *enh;
	const char *err;   /* part of the error message */
};

static const struct reply_case replies[] = {
	{ "one line", "250 ok", 1, 250, "ok", "", NULL },
	{ "code only", "250", 1, 250, "", "", NULL },
	{ "multi-line", "250-smtp.example\n250-PIPELINING\n250 SIZE 100", 1,
	  250, "smtp.example\nPIPELINING\nSIZE 100", "", NULL },
	{ "continuation pending", "250-a\n250-b", 0, 250, "a\nb", "", NULL },
	{ "enhanced code", "550 5.1.1 no such user", 1, 550,
	  "5.1.1 no such user", "5.1.1", NULL },
	{ "not an enhanced code", "250 2.0 half", 1, 250, "2.0 half", "",
	  NULL },
	{ "UTF-8 text kept", "554 拒绝", 1, 554, "拒绝", "", NULL },
	{ "tab allowed", "220 a\tb", 1, 220, "a\tb", "", NULL },
	{ "four digits (hostile-29)", "2500 ok", -1, 0, NULL, NULL,
	  "malformed reply line" },
	{ "two digits (hostile-29)", "25 ok", -1, 0, NULL, NULL,
	  "malformed reply line" },
	{ "999 (hostile-29)", "999 ok", -1, 0, NULL, NULL,
	  "malformed reply line" },
	{ "199", "199 ok", -1, 0, NULL, NULL, "malformed reply line" },
	{ "600", "600 ok", -1, 0, NULL, NULL, "malformed reply line" },
	{ "letters", "abc def", -1, 0, NULL, NULL, "malformed reply line" },
	{ "empty line", "", -1, 0, NULL, NULL, "malformed reply line" },
	{ "missing space", "250ok", -1, 0, NULL, NULL,
	  "malformed reply line" },
	{ "mixed codes (hostile-29)", "250-a\n550 b", -1, 0, NULL, NULL,
	  "reply mixes codes 250 and 550" },
	{ "control byte", "250 a\033[2Jb", -1, 0, NULL, NULL,
	  "control byte 0x1b" },
	{ "bare CR in text", "250 a\rb", -1, 0, NULL, NULL,
	  "control byte 0x0d" },
};

static void
test_replies(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		const struct reply_case *t = &replies[i];
		struct smtp_reply r;
		struct perr e = PERR_INIT;
		const char *p = t->lines;
		int rc = 0;

		smtp_reply_init(&r);
		for (;;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			rc = smtp_reply_feed(&r, p, n, &e);
			if (rc < 0 || !nl)
				break;
			p = nl + 1;
		}
		is_int(rc, t->want_rc, "reply %s: result", t->name);
		if (t->want_rc >= 0) {
			is_int(r.code, t->code, "reply %s: code", t->name);
			is_str(r.text.data, t->text, "reply %s: text",
			       t->name);
			is_str(r.enh, t->enh, "reply %s: enhanced code",
			       t->name);
		} else {
			is_int(e.kind, PERR_PROTO, "reply %s: protocol error",
			       t->name);
			like(e.msg, t->err, "reply %s: message", t->name);
		}
		smtp_reply_release(&r);
	}
}

/* Endless continuations stop at the line cap; long text at the byte cap
 * (hostile-29). */
static void
test_reply_caps(void)
{
	struct smtp_reply r;
	struct perr e = PERR_INIT;
	int rc = 0, lines = 0;

	smtp_reply_init(&r);
	while (lines < 100000 && (rc = smtp_reply_feed(&r, "250-x", 5,
						       &e)) == 0)
		lines++;
	is_int(rc, -1, "100000 continuation lines: error");
	is_int(lines, SMTP_REPLY_MAX_LINES, "stopped at the line cap");
	like(e.msg, "longer than", "says why: %s", e.msg);
	smtp_reply_release(&r);

	char line[1004];
	memset(line, 'y', sizeof(line));
	memcpy(line, "250-", 4);
	lines = 0;
	while ((rc = smtp_reply_feed(&r, line, sizeof(line), &e)) == 0)
		lines++;
	is_int(rc, -1, "64 KiB of text: error");
	like(e.msg, "bytes", "byte cap: %s", e.msg);
	ok(r.text.len <= SMTP_REPLY_MAX_BYTES, "text kept under the cap");
	smtp_reply_release(&r);

	/* After a complete reply the next feed starts a new one. */
	smtp_reply_feed(&r, "250 a", 5, &e);
	is_int(smtp_reply_feed(&r, "354 go", 6, &e), 1, "next reply");
	is_int(r.code, 354, "new code");
	is_str(r.text.data, "go", "new text");
	struct buf b = BUF_INIT;
	smtp_reply_describe(&r, &b);
	is_str(b.data, "354 go", "describe");
	buf_release(&b);
	smtp_reply_release(&r);
}

static void
caps_of(struct smtp_caps *c, const char *lines)
{
	struct smtp_reply r;
	const char *p = lines;

	smtp_reply_init(&r);
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		smtp_reply_feed(&r, p, n, NULL);
		if (!nl)
			break;
		p = nl + 1;
	}
	smtp_caps_parse(c, &r);
	smtp_reply_release(&r);
}

static void
test_caps(void)
{
	struct smtp_caps c;
	struct buf b = BUF_INIT;

	caps_of(&c, "250-smtp.qq.com\n250-PIPELINING\n250-SIZE 73400320\n"
		    "250-STARTTLS\n250-AUTH LOGIN PLAIN\n250-AUTH=LOGIN\n"
		    "250-MAILCOMPRESS\n250 8BITMIME");
	smtp_caps_describe(&c, &b);
	is_str(b.data, "SIZE=73400320 PIPELINING 8BITMIME STARTTLS "
		       "AUTH=LOGIN,PLAIN", "QQ-style EHLO");
	is_int((intmax_t)c.size, 73400320, "SIZE value");
	is_str(c.auth, "LOGIN PLAIN", "AUTH names without repeats");
	buf_reset(&b);

	caps_of(&c, "250-mx.example says hi\n250-auth=plain\n"
		    "250-smtputf8\n250-ENHANCEDSTATUSCODES\n250-DSN\n"
		    "250-SIZE\n250 CHUNKING");
	smtp_caps_describe(&c, &b);
	is_str(b.data, "SIZE SMTPUTF8 ENHANCEDSTATUSCODES DSN AUTH=PLAIN "
		       "CHUNKING", "old AUTH= form, lower case, bare SIZE");
	is_int((intmax_t)c.size, 0, "SIZE without a value: no limit");
	buf_reset(&b);

	caps_of(&c, "250-x\n250-SIZE 99999999999999999999999\n"
		    "250-AUTH PLAIN b@d LOGIN-WITH-A-VERY-LONG-NAME-X\n"
		    "250 STARTTLSX");
	is_int((intmax_t)c.size, 0, "overflowing SIZE ignored");
	is_str(c.auth, "PLAIN", "malformed mechanism names dropped");
	ok(!(c.flags & SMTP_CAP(STARTTLS)), "STARTTLSX is not STARTTLS");

	caps_of(&c, "250 only a greeting line");
	is_int(c.flags, 0, "greeting line alone gives no capability");
	caps_of(&c, "250-STARTTLS\n250 SIZE 10");
	ok(!(c.flags & SMTP_CAP(STARTTLS)),
	   "the first line is the greeting, never a capability");
	buf_release(&b);
}

struct dot_case {
	const char *name;
	const char *in;
	const char *want;
};

static const struct dot_case dots[] = {
	{ "empty message", "", ".\r\n" },
	{ "CRLF kept", "a\r\nb\r\n", "a\r\nb\r\n.\r\n" },
	{ "LF becomes CRLF", "a\nb\n", "a\r\nb\r\n.\r\n" },
	{ "bare CR becomes CRLF (hostile-31)", "a\rb", "a\r\nb\r\n.\r\n" },
	{ "missing final line end added", "a\r\nb", "a\r\nb\r\n.\r\n" },
	{ "leading dot stuffed (hostile-31)", ".hidden\r\n",
	  "..hidden\r\n.\r\n" },
	{ "lone dot line stuffed (hostile-31)", "a\n.\nb\n",
	  "a\r\n..\r\nb\r\n.\r\n" },
	{ "dot not at line start untouched", "a.b\r\n", "a.b\r\n.\r\n" },
	{ "dot after bare CR stuffed", "x\r.y", "x\r\n..y\r\n.\r\n" },
	{ "CR CR LF", "a\r\r\nb", "a\r\n\r\nb\r\n.\r\n" },
	{ "trailing CR", "a\r", "a\r\n.\r\n" },
	{ "empty lines", "\n\n", "\r\n\r\n.\r\n" },
};

/* Encode in with every chunk size and compare. */
static void
test_dots(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(dots); i++) {
		const struct dot_case *t = &dots[i];
		size_t len = strlen(t->in);
		for (size_t chunk = 1; chunk <= (len ? len : 1); chunk++) {
			struct smtp_dot d;
			struct buf out = BUF_INIT;
			struct perr e = PERR_INIT;
			int rc = 0;
			smtp_dot_init(&d);
			for (size_t off = 0; off < len && rc == 0;
			     off += chunk) {
				size_t n = len - off < chunk ? len - off
							     : chunk;
				rc = smtp_dot_encode(&d, &out, t->in + off, n,
						     &e);
			}
			smtp_dot_finish(&d, &out);
			if (chunk == 1 || chunk == len || len == 0)
				is_str(out.data, t->want, "dot %s, chunk %zu",
				       t->name, chunk);
			else if (strcmp(out.data, t->want) != 0)
				is_str(out.data, t->want, "dot %s, chunk %zu",
				       t->name, chunk);
			buf_release(&out);
		}
	}

	struct smtp_dot d;
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;
	smtp_dot_init(&d);
	is_int(smtp_dot_encode(&d, &out, "ok\nbad\0x\n", 9, &e), -1,
	       "NUL refused (hostile-31)");
	is_int(e.kind, PERR_MESSAGE, "as a message error");
	like(e.msg, "line 2", "names the line: %s", e.msg);
	buf_release(&out);

	char line[1000];
	memset(line, 'a', sizeof(line));
	smtp_dot_init(&d);
	is_int(smtp_dot_encode(&d, &out, line, 998, &e), 0,
	       "998 octets is a legal line");
	is_int(smtp_dot_encode(&d, &out, line, 1, &e), -1,
	       "999 octets refused (hostile-31)");
	like(e.msg, "longer than 998", "says why: %s", e.msg);
	buf_release(&out);
}

int
main(void)
{
	test_replies();
	test_reply_caps();
	test_caps();
	test_dots();
	return done_testing();
}
