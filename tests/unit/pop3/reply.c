/* SPDX-License-Identifier: ISC */
/*
 * POP3 replies, greeting (hostile-23), STAT, CAPA, UIDL and LIST lines
 * (hostile-24).
 */
#include <string.h>

#include "harness.h"
#include "postie/pop3.h"

static const struct {
	const char *line;
	int rc, ok;
	const char *text;
} replies[] = {
	{ "+OK\r\n", 0, 1, "" },
	{ "+OK POP3 ready\r\n", 0, 1, "POP3 ready" },
	{ "+ok lower case\n", 0, 1, "lower case" },
	{ "-ERR\r\n", 0, 0, "" },
	{ "-ERR [AUTH] bad password", 0, 0, "[AUTH] bad password" },
	{ "+OKAY\r\n", -1, 0, NULL },
	{ "OK\r\n", -1, 0, NULL },
	{ "* OK IMAP\r\n", -1, 0, NULL },
	{ "220 smtp.example.com ESMTP\r\n", -1, 0, NULL },
	{ "", -1, 0, NULL },
	{ "+OK a\rb\r\n", -1, 0, NULL },
};

/* A line shown in a test name: CR and LF must not break the TAP line. */
static const char *
show(const char *s)
{
	static char out[4][256];
	static int k;
	char *o = out[k++ % 4];
	size_t n = 0;

	for (; *s && n + 4 < sizeof(out[0]); s++) {
		if (*s == '\r' || *s == '\n' || (unsigned char)*s < 0x20) {
			n += (size_t)snprintf(o + n, sizeof(out[0]) - n,
					      "\\x%02x", (unsigned char)*s);
			continue;
		}
		o[n++] = *s;
	}
	o[n] = '\0';
	return o;
}

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		struct pop3_reply r;
		struct perr e = PERR_INIT;
		int rc = pop3_parse_reply(replies[i].line,
					  strlen(replies[i].line), &r, &e);
		is_int(rc, replies[i].rc, "reply '%s'", show(replies[i].line));
		if (rc == 0) {
			ok(r.ok == (bool)replies[i].ok, "status of '%s'",
			   show(replies[i].line));
			ok(r.text.len == strlen(replies[i].text) &&
				   memcmp(r.text.p, replies[i].text,
					  r.text.len) == 0,
			   "text of '%s'", show(replies[i].line));
		} else {
			ok(e.kind == PERR_PROTO, "'%s' is a protocol error",
			   show(replies[i].line));
		}
	}
	struct pop3_reply r;
	struct perr e = PERR_INIT;
	ok(pop3_parse_reply("+OK a\0b", 7, &r, &e) == -1,
	   "hostile-5: NUL in a reply refused");

	struct buf ts = BUF_INIT;
	static const char g1[] =
		"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";
	ok(pop3_parse_greeting(g1, strlen(g1), &ts, &e) == 0,
	   "greeting with APOP timestamp");
	is_str(ts.data, "<1896.697170952@dbc.mtview.ca.us>",
	       "APOP timestamp taken");
	static const char g2[] =
		"+OK QQMail POP3 Server v1.0 Service Ready\r\n";
	ok(pop3_parse_greeting(g2, strlen(g2), &ts, &e) == 0 && ts.len == 0,
	   "greeting without a timestamp");
	static const char g3[] = "+OK hi <no-at-sign>\r\n";
	ok(pop3_parse_greeting(g3, strlen(g3), &ts, &e) == 0 && ts.len == 0,
	   "a bracketed word without '@' is no timestamp");
	static const char g4[] = "-ERR too many connections\r\n";
	ok(pop3_parse_greeting(g4, strlen(g4), &ts, &e) == -1 &&
		   e.kind == PERR_REJECTED,
	   "hostile-23: -ERR greeting is a refusal");
	like(e.msg, "too many connections", "hostile-23: keeps the text");
	static const char g5[] = "* OK [CAPABILITY IMAP4rev1] ready\r\n";
	ok(pop3_parse_greeting(g5, strlen(g5), &ts, &e) == -1 &&
		   e.kind == PERR_PROTO,
	   "hostile-19: an IMAP greeting on the POP3 port is garbage");
	buf_release(&ts);

	uint32_t count;
	uint64_t size;
	ok(pop3_parse_stat("+OK 2 320\r\n", 11, &count, &size, &e) == 0 &&
		   count == 2 && size == 320,
	   "STAT 2 320");
	ok(pop3_parse_stat("+OK 0 0", 7, &count, &size, &e) == 0 &&
		   count == 0 && size == 0,
	   "STAT 0 0");
	ok(pop3_parse_stat("+OK 2 320 extra", 15, &count, &size, &e) == 0,
	   "STAT with more text after the size");
	ok(pop3_parse_stat("+OK 4294967296 1", 16, &count, &size, &e) == -1,
	   "STAT count over 32 bits refused");
	ok(pop3_parse_stat("+OK 2", 5, &count, &size, &e) == -1,
	   "STAT without size refused");
	ok(pop3_parse_stat("-ERR locked", 11, &count, &size, &e) == -1 &&
		   e.kind == PERR_REJECTED,
	   "STAT -ERR is a refusal");

	struct pop3_caps c = { 0 };
	static const char *const capa[] = {
		"TOP", "USER", "SASL PLAIN LOGIN XOAUTH2", "RESP-CODES",
		"EXPIRE NEVER", "LOGIN-DELAY 900", "PIPELINING", "UIDL",
		"STLS", "IMPLEMENTATION Dovecot", "X-UNKNOWN 1", "",
	};
	for (size_t i = 0; i < ARRAY_SIZE(capa); i++)
		pop3_caps_add_line(&c, capa[i], strlen(capa[i]), &e);
	is_int(c.bits, POP3_CAP_TOP | POP3_CAP_USER | POP3_CAP_SASL |
			       POP3_CAP_RESP_CODES | POP3_CAP_EXPIRE |
			       POP3_CAP_LOGIN_DELAY | POP3_CAP_PIPELINING |
			       POP3_CAP_UIDL | POP3_CAP_STLS,
	       "CAPA bits");
	is_int(c.sasl, POP3_SASL_PLAIN | POP3_SASL_LOGIN | POP3_SASL_XOAUTH2,
	       "SASL mechanisms");
	ok(c.expire_never && c.login_delay == 900, "EXPIRE and LOGIN-DELAY");
	int rc = 0;
	for (int i = 0; i < 2000 && rc == 0; i++)
		rc = pop3_caps_add_line(&c, "X", 1, &e);
	ok(rc == -1, "CAPA capped at %d lines", POP3_MAX_CAPA_LINES);

	/* UIDL lines: RFC 1939 7, hostile-24 */
	static const struct {
		const char *line;
		int rc;
		uint32_t msgno;
		const char *uid;
	} uidl[] = {
		{ "1 whqtswO00WBw418f9t5JxYwZ", 0, 1,
		  "whqtswO00WBw418f9t5JxYwZ" },
		{ "2 QhdPYR:00WBw1Ph7x7\r\n", 0, 2, "QhdPYR:00WBw1Ph7x7" },
		{ "3 ZC1234567890 ", 0, 3, "ZC1234567890" },
		{ "4 a/b", 0, 4, "a/b" },
		{ "0 abc", -1, 0, NULL },
		{ "4294967296 abc", -1, 0, NULL },
		{ "x abc", -1, 0, NULL },
		{ "5", -1, 0, NULL },
		{ "5 ", -1, 0, NULL },
		{ "6 two words", -1, 0, NULL },
		{ "7 \x01\x02", -1, 0, NULL },
		{ "8 12345678901234567890123456789012345"
		  "67890123456789012345678901234567890x", -1, 0, NULL },
		{ "9 12345678901234567890123456789012345"
		  "67890123456789012345678901234567890", 0, 9,
		  "12345678901234567890123456789012345"
		  "67890123456789012345678901234567890" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(uidl); i++) {
		uint32_t n = 0;
		struct slice u = { NULL, 0 };
		rc = pop3_parse_uidl_line(uidl[i].line, strlen(uidl[i].line),
					  &n, &u, &e);
		is_int(rc, uidl[i].rc, "hostile-24: UIDL line '%s'",
		       show(uidl[i].line));
		if (rc == 0)
			ok(n == uidl[i].msgno && u.len == strlen(uidl[i].uid) &&
				   memcmp(u.p, uidl[i].uid, u.len) == 0,
			   "hostile-24: UIDL line '%s' fields",
			   show(uidl[i].line));
	}
	uint32_t n;
	struct slice u;
	ok(pop3_parse_uidl_line("1 a\0b", 5, &n, &u, &e) == -1,
	   "hostile-24: NUL in a UID refused");

	struct pop3_uidl_list l;
	pop3_uidl_init(&l, 5);
	ok(pop3_uidl_add(&l, "1 aaa", 5, &e) == 0 &&
		   pop3_uidl_add(&l, "2 two words", 11, &e) == 0 &&
		   pop3_uidl_add(&l, "3 ccc", 5, &e) == 0,
	   "UIDL list: a line with a bad UID is skipped");
	ok(l.n == 2 && l.skipped == 1 && strcmp(l.v[1].uid, "ccc") == 0 &&
		   l.v[1].msgno == 3,
	   "UIDL list: two kept, one skipped");
	ok(pop3_uidl_add(&l, "junk", 4, &e) == -1,
	   "UIDL list: a line without a number is an error");
	rc = 0;
	for (int i = 4; i < 100 && rc == 0; i++) {
		char line[32];
		int len = snprintf(line, sizeof(line), "%d u%d", i, i);
		rc = pop3_uidl_add(&l, line, (size_t)len, &e);
	}
	ok(rc == -1 && l.n == 5, "hostile-24: UIDL list capped at 5");
	like(e.msg, "longer than 5 messages", "hostile-24: says why");
	pop3_uidl_release(&l);

	/* hostile-24: a 10,000,000-line UIDL stops at the default cap */
	pop3_uidl_init(&l, 0);
	rc = 0;
	size_t lines = 0;
	int64_t t0 = time_mono_ms();
	for (uint32_t i = 1; i <= 10000000 && rc == 0; i++) {
		char line[32];
		int len = snprintf(line, sizeof(line), "%u UID%u", i, i);
		rc = pop3_uidl_add(&l, line, (size_t)len, &e);
		lines++;
	}
	ok(rc == -1 && l.n == 1000000 && lines == 1000001,
	   "hostile-24: 10,000,000-line UIDL stopped after %zu lines "
	   "(%lld ms)", lines, (long long)(time_mono_ms() - t0));
	pop3_uidl_release(&l);

	static const struct {
		const char *line;
		int rc;
		uint64_t size;
	} list[] = {
		{ "1 120", 0, 120 },
		{ "2 200 extra", 0, 200 },
		{ "3 99999999999999999999", -1, 0 },
		{ "4 12x", -1, 0 },
		{ "0 1", -1, 0 },
		{ "5", -1, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(list); i++) {
		uint64_t sz = 0;
		rc = pop3_parse_list_line(list[i].line, strlen(list[i].line),
					  &n, &sz, &e);
		ok(rc == list[i].rc && (rc < 0 || sz == list[i].size),
		   "LIST line '%s'", show(list[i].line));
	}
	return done_testing();
}
