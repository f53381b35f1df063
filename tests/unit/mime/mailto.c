/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for mailto: URLs (src/mime/mailto.c): the examples of RFC
 * 6068 section 6, then links that try to set headers a link may not set,
 * inject header lines or smuggle bytes (hostile-32, hostile-46).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/mime_text.h"

static char *
join(char **v, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(&b, '|');
		buf_addstr(&b, v[i]);
	}
	return buf_detach(&b, NULL);
}

struct good {
	const char *url, *to, *cc, *subject, *body, *irt, *ignored;
};

static const struct good good[] = {
	/* RFC 6068 section 6.1 */
	{ "mailto:chris@example.com", "chris@example.com", "", NULL, NULL,
	  NULL, "" },
	{ "mailto:infobot@example.com?subject=current-issue",
	  "infobot@example.com", "", "current-issue", NULL, NULL, "" },
	{ "mailto:infobot@example.com?body=send%20current-issue",
	  "infobot@example.com", "", NULL, "send current-issue", NULL, "" },
	{ "mailto:infobot@example.com?body=send%20current-issue%0D%0A"
	  "send%20index",
	  "infobot@example.com", "", NULL, "send current-issue\nsend index",
	  NULL, "" },
	{ "mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@"
	  "example.com%3E",
	  "list@example.org", "", NULL, NULL, "<3469A91.D10AF4C@example.com>",
	  "" },
	{ "mailto:majordomo@example.com?body=subscribe%20bamboo-l",
	  "majordomo@example.com", "", NULL, "subscribe bamboo-l", NULL, "" },
	{ "mailto:joe@example.com?cc=bob@example.com&body=hello",
	  "joe@example.com", "bob@example.com", NULL, "hello", NULL, "" },
	{ "mailto:gorby%25kremvax@example.com", "gorby%kremvax@example.com",
	  "", NULL, NULL, NULL, "" },
	{ "mailto:unlikely%3Faddress@example.com?blat=foop",
	  "unlikely?address@example.com", "", NULL, NULL, NULL, "blat" },
	{ "mailto:Mike%26family@example.org", "Mike&family@example.org", "",
	  NULL, NULL, NULL, "" },
	/* RFC 6068 section 6.2 */
	{ "mailto:%22not%40me%22@example.org", "\"not@me\"@example.org", "",
	  NULL, NULL, NULL, "" },
	{ "mailto:%22oh%5C%5Cno%22@example.org", "\"oh\\\\no\"@example.org",
	  "", NULL, NULL, NULL, "" },
	{ "mailto:%22%5C%5C%5C%22it's%5C%20ugly%5C%5C%5C%22%22@example.org",
	  "\"\\\\\\\"it's\\ ugly\\\\\\\"\"@example.org", "", NULL, NULL, NULL,
	  "" },
	{ "mailto:user@example.org?subject=caf%C3%A9", "user@example.org", "",
	  "caf\xc3\xa9", NULL, NULL, "" },
	{ "mailto:user@example.org?subject=%3D%3Futf-8%3FQ%3Fcaf%3DC3%3DA9"
	  "%3F%3D",
	  "user@example.org", "", "=?utf-8?Q?caf=C3=A9?=", NULL, NULL, "" },
	{ "mailto:user@example.org?subject=%3D%3Fiso-8859-1%3FQ%3Fcaf%3DE9"
	  "%3F%3D",
	  "user@example.org", "", "=?iso-8859-1?Q?caf=E9?=", NULL, NULL, "" },
	/* RFC 6068 section 6.3 */
	{ "mailto:?to=addr1@an.example,addr2@an.example",
	  "addr1@an.example|addr2@an.example", "", NULL, NULL, NULL, "" },
	{ "mailto:addr1@an.example,addr2@an.example",
	  "addr1@an.example|addr2@an.example", "", NULL, NULL, NULL, "" },
	{ "mailto:addr1@an.example?to=addr2@an.example",
	  "addr1@an.example|addr2@an.example", "", NULL, NULL, NULL, "" },
	{ "mailto:?to=joe@example.com&cc=bob@example.com&body=hello",
	  "joe@example.com", "bob@example.com", NULL, "hello", NULL, "" },
	/* ours */
	{ "MAILTO:a@b.example?SUBJECT=x&Cc=c@d.example,e@f.example&cc=g@h."
	  "example",
	  "a@b.example", "c@d.example|e@f.example|g@h.example", "x", NULL,
	  NULL, "" },
	{ "mailto:a@b.example?subject=a+b", "a@b.example", "", "a+b", NULL,
	  NULL, "" },
	{ "mailto:a@b.example?subject=%E4%BD%A0%E5%A5%BD&body=%E4%B8%AD",
	  "a@b.example", "", "\xe4\xbd\xa0\xe5\xa5\xbd", "\xe4\xb8\xad", NULL,
	  "" },
	{ "mailto:a@b.example?subject=a%09b&body=x%09y%0Dz%0Aw",
	  "a@b.example", "", "a b", "x\ty\nz\nw", NULL, "" },
	{ "mailto:", "", "", NULL, NULL, NULL, "" },
	{ "mailto:?subject=", "", "", "", NULL, NULL, "" },
	{ "mailto:a@b.example?&&subject=s&", "a@b.example", "", "s", NULL,
	  NULL, "" },
	{ "mailto:%20a@b.example%20,%20", "a@b.example", "", NULL, NULL, NULL,
	  "" },
	/* hostile-46: headers a link may not set are dropped and listed */
	{ "mailto:a@b.example?Attach=/etc/passwd&attachment=%2Fhome%2Fx"
	  "&From=boss@corp.example&Bcc=spy@evil.example&Reply-To=r@evil."
	  "example&Sender=s@x.example&X-Mailer=y&Received=z",
	  "a@b.example", "", NULL, NULL, NULL,
	  "attach|attachment|from|bcc|reply-to|sender|x-mailer|received" },
	{ "mailto:a@b.example?%62cc=spy@evil.example", "a@b.example", "",
	  NULL, NULL, NULL, "bcc" },
	{ "mailto:a@b.example?bcc", "a@b.example", "", NULL, NULL, NULL,
	  "bcc" },
	{ "mailto:a@b.example?b%09cc=x", "a@b.example", "", NULL, NULL, NULL,
	  "b?cc" },
	/* double encoding is decoded once: the text stays */
	{ "mailto:a@b.example?subject=hi%250D%250ABcc:x@y.example",
	  "a@b.example", "", "hi%0D%0ABcc:x@y.example", NULL, NULL, "" },
	{ "mailto:a@b.example?body=%2500", "a@b.example", "", NULL, "%00",
	  NULL, "" },
};

static void
test_good(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const struct good *g = &good[i];
		struct mime_mailto m;
		struct perr e = PERR_INIT;
		if (mime_mailto_parse(g->url, &m, &e) < 0) {
			ok(0, "parse '%s': %s", g->url, e.msg);
			continue;
		}
		char *to = join(m.to, m.nto), *cc = join(m.cc, m.ncc);
		char *ign = join(m.ignored, m.nignored);
		is_str(to, g->to, "'%s': to", g->url);
		is_str(cc, g->cc, "'%s': cc", g->url);
		is_str(m.subject, g->subject, "'%s': subject", g->url);
		is_str(m.body, g->body, "'%s': body", g->url);
		is_str(m.in_reply_to, g->irt, "'%s': in-reply-to", g->url);
		is_str(ign, g->ignored, "%s'%s': ignored",
		       g->ignored[0] ? "hostile-46 " : "", g->url);
		free(to);
		free(cc);
		free(ign);
		mime_mailto_release(&m);
		ok(m.to == NULL && m.nto == 0 && m.subject == NULL,
		   "'%s': release empties", g->url);
	}
}

static const struct {
	const char *url, *msg;
} bad[] = {
	{ "http://example.com/", "not a mailto: URL" },
	{ "mail", "not a mailto: URL" },
	/* hostile-32 / hostile-46: header injection */
	{ "mailto:a@b.example?subject=hi%0D%0ABcc:%20spy@evil.example",
	  "CR or LF in 'subject' at offset 29" },
	{ "mailto:a@b.example?subject=hi%0ABcc:x", "CR or LF in 'subject'" },
	{ "mailto:a@b.example%0D%0ABcc:spy@evil.example",
	  "CR or LF in 'to' at offset 18" },
	{ "mailto:a@b.example?cc=c@d.example%0D%0ABcc:x@y.example",
	  "CR or LF in 'cc'" },
	{ "mailto:a@b.example?to=c@d.example%0ABcc:x@y.example",
	  "CR or LF in 'to'" },
	{ "mailto:a@b.example?in-reply-to=%3Ca@b%3E%0D%0ABcc:x@y.example",
	  "CR or LF in 'in-reply-to'" },
	{ "mailto:a@b.example?subject%0D%0ABcc=x", "CR or LF in 'header "
						   "name'" },
	/* NUL and other controls */
	{ "mailto:a@b.example?subject=a%00b", "NUL (%00) in 'subject' at "
					      "offset 28" },
	{ "mailto:a@b.example?body=a%00b", "NUL (%00) in 'body'" },
	{ "mailto:a%00@b.example", "NUL (%00) in 'to'" },
	{ "mailto:a@b.example?subject=%1B[31m", "control character 0x1b in "
						"'subject'" },
	{ "mailto:a@b.example?body=%1B]0;x%07", "control character 0x1b in "
						"'body'" },
	{ "mailto:a@b.example?subject=%7F", "control character 0x7f" },
	{ "mailto:a@b.example\n?subject=x", "raw control character 0x0a at "
					    "offset 18" },
	/* escapes and UTF-8 */
	{ "mailto:a@b.example?subject=100%", "invalid percent escape in "
					     "'subject' at offset 30" },
	{ "mailto:a@b.example?subject=%4", "invalid percent escape" },
	{ "mailto:a@b.example?subject=%G0", "invalid percent escape" },
	{ "mailto:a@b.example?subject=%C3", "not UTF-8 once decoded" },
	{ "mailto:a@b.example?subject=%FF%FE", "not UTF-8" },
	{ "mailto:a@b.example?subject=%C0%AF", "not UTF-8" },
	{ "mailto:a@b.example?body=%ED%A0%80", "'body' at offset 24 is not "
					       "UTF-8" },
	/* addresses */
	{ "mailto:not-an-address", "'to' at offset 7" },
	{ "mailto:a@b.example?cc=@x", "'cc' at offset 22" },
	{ "mailto:a%20b@c.example", "'to'" },
	{ "mailto:a@b.example,%3Cx@y.example%3E", "'to' at offset 19" },
	{ "mailto:user@%E7%B4%8D%E8%B1%86.example.org", "non-ASCII" },
	/* fields */
	{ "mailto:a@b.example?subject=a&subject=b", "'subject' given twice "
						    "(offset 37)" },
	{ "mailto:a@b.example?body=a&Body=b", "'body' given twice" },
	{ "mailto:a@b.example?=x", "empty header name at offset 19" },
	{ "mailto:a@b.example?in-reply-to=foo", "not one message identifier" },
	{ "mailto:a@b.example?in-reply-to=%3Ca%20b@c%3E",
	  "not one message identifier" },
	{ "mailto:a@b.example?in-reply-to=%3Ca@b%3E%3Cc@d%3E",
	  "not one message identifier" },
	{ NULL, "no URL" },
};

static void
test_bad(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mime_mailto m;
		struct perr e = PERR_INIT;
		/* the name shows control bytes as '?' to keep TAP lines */
		char *u = xstrdup(bad[i].url ? bad[i].url : "(null)");
		for (char *p = u; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = '?';
		is_int(mime_mailto_parse(bad[i].url, &m, &e), -1,
		       "refused: '%s'", u);
		like(e.msg, bad[i].msg, "%smessage for '%s': %s",
		     strstr(bad[i].msg, "CR or LF") ? "hostile-32 hostile-46 "
						    : "",
		     u, e.msg);
		ok(e.kind == PERR_MESSAGE && m.nto == 0 && m.to == NULL &&
			   m.subject == NULL && m.nignored == 0,
		   "'%s': kind and empty result", u);
		free(u);
	}
}

static void
test_limits(void)
{
	struct buf u = BUF_INIT;
	struct mime_mailto m;
	struct perr e = PERR_INIT;

	/* overlong URL */
	buf_addstr(&u, "mailto:a@b.example?body=");
	while (u.len <= MIME_MAILTO_MAX)
		buf_addstr(&u, "%41");
	is_int(mime_mailto_parse(u.data, &m, &e), -1, "overlong URL refused");
	like(e.msg, "longer than 65536 bytes", "message: %s", e.msg);

	/* the longest body that fits */
	buf_reset(&u);
	buf_addstr(&u, "mailto:a@b.example?body=");
	while (u.len < MIME_MAILTO_MAX)
		buf_addch(&u, 'x');
	is_int(mime_mailto_parse(u.data, &m, &e), 0, "URL at the cap");
	is_int(m.body ? (long)strlen(m.body) : -1,
	       MIME_MAILTO_MAX - 24, "body at the cap kept whole");
	mime_mailto_release(&m);

	/* overlong subject */
	buf_reset(&u);
	buf_addstr(&u, "mailto:a@b.example?subject=");
	for (int i = 0; i <= MIME_MAILTO_FIELD_MAX; i++)
		buf_addch(&u, 's');
	is_int(mime_mailto_parse(u.data, &m, &e), -1, "long subject refused");
	like(e.msg, "'subject' longer than 2048 bytes", "message: %s", e.msg);

	/* too many recipients */
	buf_reset(&u);
	buf_addstr(&u, "mailto:?to=");
	for (int i = 0; i < MIME_MAILTO_RCPT_MAX; i++)
		buf_addf(&u, "a%d@b.example,", i);
	is_int(mime_mailto_parse(u.data, &m, &e), 0, "100 recipients");
	is_int(m.nto, MIME_MAILTO_RCPT_MAX, "all kept");
	mime_mailto_release(&m);
	buf_addstr(&u, "&cc=one@more.example");
	is_int(mime_mailto_parse(u.data, &m, &e), -1, "101 refused");
	like(e.msg, "more than 100 addresses", "message: %s", e.msg);

	/* many ignored names: a bounded list, a full count */
	buf_reset(&u);
	buf_addstr(&u, "mailto:a@b.example?");
	for (int i = 0; i < 100; i++)
		buf_addf(&u, "x-%d=1&", i);
	buf_addstr(&u, "attach=/etc/shadow");
	is_int(mime_mailto_parse(u.data, &m, &e), 0, "101 unknown headers");
	is_int(m.nignored, 101, "all counted");
	is_str(m.ignored[MIME_MAILTO_IGNORED_MAX - 1], "x-31",
	       "first ones kept");
	mime_mailto_release(&m);

	/* a long ignored name is cut */
	buf_reset(&u);
	buf_addstr(&u, "mailto:?");
	for (int i = 0; i < 200; i++)
		buf_addch(&u, 'N');
	is_int(mime_mailto_parse(u.data, &m, &e), 0, "long unknown name");
	is_int(m.nignored == 1 ? (long)strlen(m.ignored[0]) : -1, 64,
	       "kept cut to 64 bytes");
	mime_mailto_release(&m);
	buf_release(&u);
}

/* Speed, printed for the record: make && build/release/tests/unit/mime/
 * mailto.t | grep '# speed' */
static void
test_speed(void)
{
	static const char *const shapes[] = { "%E4%BD%A0", ",", "&", "x" };
	for (size_t k = 0; k < ARRAY_SIZE(shapes); k++) {
		struct buf u = BUF_INIT;
		buf_addstr(&u, k == 1 ? "mailto:" : "mailto:a@b.example?body=");
		while (u.len + strlen(shapes[k]) <= MIME_MAILTO_MAX)
			buf_addstr(&u, shapes[k]);
		int64_t t0 = time_mono_ms();
		int rounds = 0;
		while (rounds < 20 || time_mono_ms() - t0 < 100) {
			struct mime_mailto m;
			struct perr e = PERR_INIT;
			if (mime_mailto_parse(u.data, &m, &e) == 0)
				mime_mailto_release(&m);
			rounds++;
		}
		int64_t ms = time_mono_ms() - t0;
		ok(rounds >= 20, "speed: 64 KiB of '%s'", shapes[k]);
		diag("speed: %zu-byte URL of '%s' x%d in %lld ms: %.1f MB/s",
		     u.len, shapes[k], rounds, (long long)ms,
		     ms ? (double)u.len * rounds / 1e3 / (double)ms : 0.0);
		buf_release(&u);
	}
}

int
main(void)
{
	test_good();
	test_bad();
	test_limits();
	test_speed();
	return done_testing();
}
