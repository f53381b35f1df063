/* SPDX-License-Identifier: ISC */
/*
 * The multi-line reader: dot-unstuffing, the final ".", line ends, caps,
 * and a stream that ends early (hostile-25); every input is also fed one
 * byte at a time and split at every point (hostile-4).
 */
#include <string.h>

#include "harness.h"
#include "postie/pop3.h"

/* All lines joined with "|", then "END", "MORE" (the stream stopped
 * before the final dot) or "ERR msg"; and the pending count. */
static void
run(const char *in, size_t len, size_t split, bool bytewise, struct buf *out)
{
	struct pop3_ml m;
	int rc = POP3_ML_NEED_MORE;
	size_t fed = 0;

	pop3_ml_init(&m, 64, 0);
	while (fed < len && rc != POP3_ML_END && rc != -1) {
		size_t n = bytewise ? 1 : (fed < split ? split - fed :
							 len - fed);
		pop3_ml_feed(&m, in + fed, n);
		fed += n;
		for (;;) {
			const char *line;
			size_t ll;
			struct perr e = PERR_INIT;
			rc = pop3_ml_next(&m, &line, &ll, &e);
			if (rc == POP3_ML_LINE) {
				buf_add(out, line, ll);
				buf_addch(out, '|');
				continue;
			}
			if (rc == -1)
				buf_addf(out, "ERR %s", e.msg);
			break;
		}
	}
	if (rc == POP3_ML_END)
		buf_addf(out, "END pending=%zu", pop3_ml_pending(&m) +
						    (len - fed));
	else if (rc != -1)
		buf_addstr(out, pop3_ml_finish(&m, NULL) < 0 ? "TRUNCATED" :
							       "?");
	pop3_ml_release(&m);
}

static const struct {
	const char *name, *in, *want;
} cases[] = {
	{ "plain message", "Subject: a\r\n\r\nbody\r\n.\r\n",
	  "Subject: a||body|END pending=0" },
	{ "hostile-25: dot-stuffed lines", "..x\r\n..\r\n...\r\n.a\r\n.\r\n",
	  ".x|.|..|a|END pending=0" },
	{ "hostile-25: a body line that is exactly '.'",
	  "a\r\n..\r\nb\r\n.\r\n", "a|.|b|END pending=0" },
	{ "hostile-25: stream ends without the final dot",
	  "a\r\nb\r\n", "a|b|TRUNCATED" },
	{ "hostile-25: stream ends inside a line", "a\r\nb", "a|TRUNCATED" },
	{ "hostile-25: '. ' is not the end", ". \r\n.\r\n",
	  " |END pending=0" },
	{ "LF-only line ends", "a\nb\n.\n", "a|b|END pending=0" },
	{ "hostile-5: bare CR stays in the line", "a\rb\r\n.\r\n",
	  "a\rb|END pending=0" },
	{ "hostile-5: NUL stays in the line as a byte", "a\0b\r\n.\r\n",
	  "a\0b|END pending=0" },
	{ "empty reply", ".\r\n", "END pending=0" },
	{ "pipelined bytes after the end", "x\r\n.\r\n+OK next\r\n",
	  "x|END pending=10" },
	{ "line over the cap",
	  "0123456789012345678901234567890123456789012345678901234567890"
	  "1234567890\r\n.\r\n",
	  "ERR POP3 line longer than 64 bytes" },
};

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].in);
		if (strstr(cases[i].name, "NUL"))
			len = 8;
		size_t wantlen = strlen(cases[i].want);
		if (strstr(cases[i].name, "NUL"))
			wantlen = 3 + strlen("|END pending=0");
		struct buf whole = BUF_INIT, got = BUF_INIT;
		run(cases[i].in, len, len, false, &whole);
		is_mem(whole.data, whole.len, cases[i].want, wantlen, "%s",
		       cases[i].name);
		run(cases[i].in, len, len, true, &got);
		is_mem(got.data, got.len, whole.data, whole.len,
		       "%s: one byte at a time", cases[i].name);
		bool same = true;
		for (size_t k = 1; k < len && same; k++) {
			buf_reset(&got);
			run(cases[i].in, len, k, false, &got);
			same = got.len == whole.len &&
			       memcmp(got.data, whole.data, got.len) == 0;
		}
		ok(same, "%s: split at every point", cases[i].name);
		buf_release(&whole);
		buf_release(&got);
	}

	/* restart keeps the next reply's bytes */
	struct pop3_ml m;
	const char *line;
	size_t ll;
	struct perr e = PERR_INIT;
	pop3_ml_init(&m, 0, 0);
	pop3_ml_feed(&m, "a\r\n.\r\nb\r\n.\r\n", 12);
	ok(pop3_ml_next(&m, &line, &ll, &e) == POP3_ML_LINE &&
		   pop3_ml_next(&m, &line, &ll, &e) == POP3_ML_END,
	   "first reply read");
	ok(pop3_ml_next(&m, &line, &ll, &e) == POP3_ML_END,
	   "END repeats until restart");
	pop3_ml_restart(&m);
	ok(pop3_ml_next(&m, &line, &ll, &e) == POP3_ML_LINE && ll == 1 &&
		   line[0] == 'b',
	   "after restart the second reply's line");
	ok(pop3_ml_next(&m, &line, &ll, &e) == POP3_ML_END &&
		   pop3_ml_finish(&m, &e) == 0,
	   "second reply complete");
	pop3_ml_release(&m);

	/* the whole reply is capped too */
	pop3_ml_init(&m, 0, 100);
	int rc = POP3_ML_NEED_MORE;
	for (int i = 0; i < 100 && rc != -1; i++) {
		pop3_ml_feed(&m, "0123456789\r\n", 12);
		while ((rc = pop3_ml_next(&m, &line, &ll, &e)) ==
		       POP3_ML_LINE)
			;
	}
	ok(rc == -1, "reply over max_bytes refused");
	like(e.msg, "longer than 100 bytes", "and said");
	pop3_ml_release(&m);

	/* hostile-3: a 10 MB line without LF stops at the line cap */
	pop3_ml_init(&m, 0, 0);
	char chunk[65536];
	memset(chunk, 'x', sizeof(chunk));
	size_t fed = 0;
	rc = 0;
	while (fed < 10 * 1024 * 1024 && rc == 0) {
		pop3_ml_feed(&m, chunk, sizeof(chunk));
		fed += sizeof(chunk);
		rc = pop3_ml_next(&m, &line, &ll, &e);
	}
	ok(rc == -1 && fed <= 1024 * 1024 + sizeof(chunk),
	   "hostile-3: 10 MB line stopped after %zu bytes", fed);
	pop3_ml_release(&m);
	return done_testing();
}
