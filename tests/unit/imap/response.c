/* SPDX-License-Identifier: ISC */
/*
 * The IMAP response parser. Each fixture is fed whole, one byte at a
 * time, and split in two at every byte (hostile-4); all three must give
 * the same responses and errors, and the whole feed must give the
 * expected dump. Then the hostile inputs that need generated data: caps
 * on lines, literals, BODYSTRUCTURE depth and parts, capability lists,
 * and bytes pending after a response (STARTTLS injection).
 */
#include <string.h>

#include "harness.h"
#include "postie/imap.h"

struct fixture {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	unsigned flags;
	const char *want;
};

#include "response_fixtures.h"

/* Everything the parser returns for in, as text: one dump per response,
 * "ERR message" per error; after a framing error the parser is dead and
 * the run stops. split is where the input is cut (len: not cut);
 * bytewise feeds one byte at a time. */
static void
run(const struct fixture *f, size_t len, size_t split, bool bytewise,
    const struct imap_limits *lim, struct buf *out)
{
	struct imap_parser p;
	struct imap_resp r;
	bool stop = false;

	imap_parser_init(&p, lim);
	imap_parser_set_flags(&p, f->flags);
	imap_resp_init(&r);
	size_t fed = 0;
	while (fed < len && !stop) {
		size_t n = bytewise ? 1 : (fed < split ? split - fed :
							 len - fed);
		imap_parser_feed(&p, f->in + fed, n);
		fed += n;
		for (;;) {
			struct perr e = PERR_INIT;
			int rc = imap_parser_next(&p, &r, &e);
			if (rc == 0)
				break;
			if (rc < 0) {
				buf_addf(out, "ERR %s\n", e.msg);
				if (p.dead) {
					stop = true;
					break;
				}
				continue;
			}
			imap_resp_dump(&r, out);
			buf_addch(out, '\n');
		}
	}
	if (!stop && imap_parser_pending(&p))
		buf_addf(out, "PENDING %zu\n", imap_parser_pending(&p));
	imap_resp_release(&r);
	imap_parser_release(&p);
}

static void
check_fixture(const struct fixture *f)
{
	size_t len = f->len ? f->len : strlen(f->in);
	struct buf whole = BUF_INIT, got = BUF_INIT;

	run(f, len, len, false, NULL, &whole);
	is_str(whole.data, f->want, "%s", f->name);
	run(f, len, len, true, NULL, &got);
	is_str(got.data, whole.data, "%s: one byte at a time", f->name);
	bool same = true;
	for (size_t k = 1; k < len && same; k++) {
		buf_reset(&got);
		run(f, len, k, false, NULL, &got);
		if (strcmp(got.data, whole.data) != 0) {
			diag("split at %zu differs:", k);
			diag("%s", got.data);
			same = false;
		}
	}
	ok(same, "%s: split at each of %zu points", f->name, len - 1);
	buf_release(&whole);
	buf_release(&got);
}

static int
parse_one(const char *s, size_t len, const struct imap_limits *lim,
	  struct imap_resp *r, struct perr *e)
{
	return imap_parse_response(s, len, 0, lim, r, e);
}

static void
hostile_sizes(void)
{
	struct imap_parser p;
	struct imap_resp r;
	struct perr e = PERR_INIT;

	/* hostile-3: a 10 MB line without CRLF stops at the 1 MiB cap,
	 * having buffered no more than one feed past it. */
	imap_parser_init(&p, NULL);
	imap_resp_init(&r);
	char chunk[65536];
	memset(chunk, 'x', sizeof(chunk));
	chunk[0] = '*';
	chunk[1] = ' ';
	size_t fed = 0;
	int rc = 0;
	while (fed < 10 * 1024 * 1024) {
		imap_parser_feed(&p, chunk, sizeof(chunk));
		fed += sizeof(chunk);
		if ((rc = imap_parser_next(&p, &r, &e)) != 0)
			break;
	}
	ok(rc == -1 && fed <= 1024 * 1024 + sizeof(chunk),
	   "hostile-3: 10 MB line stopped after %zu bytes", fed);
	like(e.msg, "longer than 1048576 bytes", "hostile-3: says why");
	perr_clear(&e);
	ok(imap_parser_next(&p, &r, &e) == -1 &&
		   strstr(e.msg, "longer than") != NULL,
	   "hostile-3: the parser stays dead");
	imap_parser_release(&p);

	/* hostile-2: a literal cut short is not a response; the bytes stay
	 * pending for the session to see the loss. */
	imap_parser_init(&p, NULL);
	static const char cut[] =
		"* 1 FETCH (UID 5 BODY[] {1000}\r\n0123456789";
	imap_parser_feed(&p, cut, sizeof(cut) - 1);
	ok(imap_parser_next(&p, &r, &e) == 0 &&
		   imap_parser_pending(&p) == sizeof(cut) - 1,
	   "hostile-2: literal {1000} with 10 bytes: need more, all pending");
	imap_parser_release(&p);

	/* hostile-20: bytes after the tagged OK to STARTTLS are visible. */
	imap_parser_init(&p, NULL);
	static const char inj[] = "A2 OK Begin TLS\r\n* 1 EXISTS\r\n";
	imap_parser_feed(&p, inj, sizeof(inj) - 1);
	ok(imap_parser_next(&p, &r, &e) == 1 && r.kind == IMAP_RESP_STATUS,
	   "hostile-20: the tagged OK comes out");
	is_int((intmax_t)imap_parser_pending(&p), 12,
	       "hostile-20: and the injected bytes are pending");
	imap_parser_release(&p);

	/* the literal cap is configurable and applies before allocation */
	struct imap_limits lim;
	imap_limits_default(&lim);
	lim.max_literal = 100;
	static const char big[] = "* 1 FETCH (BODY[] {101}\r\n";
	ok(parse_one(big, sizeof(big) - 1, &lim, &r, &e) == -1,
	   "hostile-1: {101} over a cap of 100 refused");
	like(e.msg, "literal of 101 bytes is over the limit of 100",
	     "hostile-1: says why");
	static const char fits[] = "* 1 FETCH (BODY[] {3}\r\nabc)\r\n";
	ok(parse_one(fits, sizeof(fits) - 1, &lim, &r, &e) == 0 &&
		   r.fetch.nsections == 1 && r.fetch.sections[0].data.len == 3,
	   "a literal under the cap is read");
	lim.max_literals = 2;
	static const char many[] =
		"* 1 FETCH (BODY[1] {1}\r\na BODY[2] {1}\r\nb BODY[3] {1}\r\n"
		"c)\r\n";
	ok(parse_one(many, sizeof(many) - 1, &lim, &r, &e) == -1,
	   "literals per response capped");
	like(e.msg, "more than 2 literals", "and said");

	/* the memory of a 2 MiB literal is given back afterwards */
	imap_parser_init(&p, NULL);
	struct buf big2 = BUF_INIT;
	buf_addstr(&big2, "* 1 FETCH (BODY[] {2097152}\r\n");
	for (int i = 0; i < 2097152; i++)
		buf_addch(&big2, 'x');
	buf_addstr(&big2, ")\r\n");
	imap_parser_feed(&p, big2.data, big2.len);
	ok(imap_parser_next(&p, &r, &e) == 1 &&
		   r.fetch.sections[0].data.len == 2097152,
	   "a 2 MiB literal is read");
	imap_parser_feed(&p, "* 1 EXISTS\r\n", 12);
	ok(imap_parser_next(&p, &r, &e) == 1 && p.in.cap < 4096,
	   "and the parser's buffer shrinks afterwards (cap %zu)", p.in.cap);
	imap_parser_release(&p);
	buf_release(&big2);

	/* hostile-9: a 10 KB INTERNALDATE is refused, not truncated */
	struct buf d = BUF_INIT;
	buf_addstr(&d, "* 1 FETCH (INTERNALDATE \"");
	for (int i = 0; i < 10240; i++)
		buf_addch(&d, '1');
	buf_addstr(&d, "\")\r\n");
	ok(parse_one(d.data, d.len, NULL, &r, &e) == -1 &&
		   strstr(e.msg, "bad INTERNALDATE"),
	   "hostile-9: 10 KB INTERNALDATE refused");
	buf_release(&d);
	imap_resp_release(&r);
}

static void
hostile_bodystructure(void)
{
	struct imap_limits lim;
	struct imap_resp r;
	struct perr e = PERR_INIT;
	struct buf s = BUF_INIT;

	imap_limits_default(&lim);
	imap_resp_init(&r);
	/* hostile-12: nested 10,000 deep */
	buf_addstr(&s, "* 1 FETCH (BODYSTRUCTURE ");
	for (int i = 0; i < 10000; i++)
		buf_addch(&s, '(');
	buf_addstr(&s, "\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1");
	buf_addch(&s, ')');
	for (int i = 1; i < 10000; i++)
		buf_addstr(&s, " \"mixed\")");
	buf_addstr(&s, ")\r\n");
	ok(parse_one(s.data, s.len, &lim, &r, &e) == 0,
	   "hostile-12: BODYSTRUCTURE nested 10000 deep parses: %s", e.msg);
	unsigned depth = 0;
	const struct imap_body *b = r.fetch.body;
	while (b && !b->opaque && b->multipart && b->nparts == 1) {
		b = b->parts[0];
		depth++;
	}
	ok(b && b->opaque && depth == lim.max_depth,
	   "hostile-12: opaque below depth %u (got %u)", lim.max_depth, depth);

	/* hostile-12: 1,000,000 parts (a 38 MB line, so the line cap is
	 * raised to the literal cap); the first 5000 kept, the rest one
	 * opaque node */
	buf_reset(&s);
	buf_addstr(&s, "* 2 FETCH (BODYSTRUCTURE (");
	for (int i = 0; i < 1000000; i++)
		buf_addstr(&s, "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)");
	buf_addstr(&s, " \"mixed\"))\r\n");
	lim.max_line = 64 * 1024 * 1024;
	int64_t t0 = time_mono_ms();
	ok(parse_one(s.data, s.len, &lim, &r, &e) == 0,
	   "hostile-12: 1000000 parts parse: %s", e.msg);
	size_t opaque = 0;
	for (size_t i = 0; r.fetch.body && i < r.fetch.body->nparts; i++)
		opaque += r.fetch.body->parts[i]->opaque;
	ok(r.fetch.body && r.fetch.body->nparts == 5000 && opaque == 1 &&
		   r.fetch.body->parts[4999]->opaque,
	   "hostile-12: 4999 parts kept under the multipart, one opaque "
	   "node for the rest (%zu opaque) in %lld ms", opaque,
	   (long long)(time_mono_ms() - t0));

	ok(r.raw.len == 0, "hostile-12: a 38 MB response is not kept twice");

	/* hostile-12: a parameter list with 100,000 pairs */
	buf_reset(&s);
	buf_addstr(&s, "* 3 FETCH (BODY (\"text\" \"plain\" (");
	for (int i = 0; i < 100000; i++)
		buf_addf(&s, "%s\"n%d\" \"v\"", i ? " " : "", i);
	buf_addstr(&s, ") NIL NIL \"7bit\" 1 1))\r\n");
	ok(parse_one(s.data, s.len, &lim, &r, &e) == 0 &&
		   r.fetch.body->params.n == IMAP_MAX_PARAMS &&
		   r.fetch.body->params.truncated,
	   "hostile-12: 100000 parameters capped at %d", IMAP_MAX_PARAMS);

	/* hostile-14: CAPABILITY with 100,000 atoms */
	buf_reset(&s);
	buf_addstr(&s, "* CAPABILITY IMAP4rev1");
	for (int i = 0; i < 100000; i++)
		buf_addf(&s, " X%d", i);
	buf_addstr(&s, " IDLE\r\n");
	ok(parse_one(s.data, s.len, &lim, &r, &e) == 0 &&
		   r.caps.names.n == IMAP_MAX_CAPS && r.caps.truncated &&
		   (r.caps.bits & IMAP_CAP(IDLE)),
	   "hostile-14: 100000 capabilities: list capped, bits still set");

	/* hostile-13: a 64 KB mailbox name is kept whole */
	buf_reset(&s);
	buf_addstr(&s, "* LIST () \"/\" {65536}\r\n");
	size_t at = s.len;
	for (int i = 0; i < 65536; i++)
		buf_addch(&s, 'a' + i % 26);
	buf_addstr(&s, "\r\n");
	ok(parse_one(s.data, s.len, &lim, &r, &e) == 0 &&
		   r.list.mbox.raw.len == 65536 &&
		   memcmp(r.list.mbox.raw.data, s.data + at, 65536) == 0,
	   "hostile-13: 64 KB mailbox name kept");

	/* a SEARCH result of a million numbers, capped by max_numbers */
	buf_reset(&s);
	buf_addstr(&s, "* SEARCH");
	for (int i = 1; i <= 1000000; i++)
		buf_addf(&s, " %d", i);
	buf_addstr(&s, "\r\n");
	ok(parse_one(s.data, s.len, &lim, &r, &e) == 0 &&
		   r.search.n == 1000000 && r.search.nums[999999] == 1000000,
	   "SEARCH with 1000000 results");
	lim.max_numbers = 1000;
	ok(parse_one(s.data, s.len, &lim, &r, &e) == -1,
	   "SEARCH results over max_numbers refused");
	like(e.msg, "too many numbers", "and said");
	imap_resp_release(&r);
	buf_release(&s);
}

static void
check_dates(void)
{
	static const struct {
		const char *in;
		int64_t t;
		int tz;
	} good[] = {
		{ "17-Jul-1996 02:44:25 -0700", 837596665, -420 },
		{ " 1-Jan-2024 00:00:00 +0800", 1704038400, 480 },
		{ "1-Jan-2024 00:00:00 +0800", 1704038400, 480 },
		{ "29-Feb-2000 23:59:59 +0000", 951868799, 0 },
		{ "01-jan-1970 00:00:00 +0000", 0, 0 },
	};
	static const char *const bad[] = {
		"17-Jul-1996 02:44:25", "32-Jul-1996 02:44:25 -0700",
		"17-Jux-1996 02:44:25 -0700", "17-Jul-1996 24:44:25 -0700",
		"17-Jul-1996 02:44:25 -07a0", "17/Jul/1996 02:44:25 -0700",
		"", "17-Jul-1996 02:44:25 +0760",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		int64_t t = -1;
		int tz = -1;
		ok(imap_parse_date_time(good[i].in, strlen(good[i].in), &t,
					&tz) == 0 &&
			   t == good[i].t && tz == good[i].tz,
		   "INTERNALDATE '%s'", good[i].in);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int64_t t;
		int tz;
		ok(imap_parse_date_time(bad[i], strlen(bad[i]), &t, &tz) == -1,
		   "INTERNALDATE '%s' refused", bad[i]);
	}
}

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++)
		check_fixture(&fixtures[i]);
	hostile_sizes();
	hostile_bodystructure();
	check_dates();
	return done_testing();
}
