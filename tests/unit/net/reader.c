/* SPDX-License-Identifier: ISC */
/*
 * The line reader over the in-memory transport: every input gives the
 * same lines and the same error whether it arrives one byte at a time, in
 * odd chunks, or all at once (hostile-4); the line cap holds without the
 * buffer growing (hostile-3); CR, LF and NUL rules (hostile-5); the
 * sending queue and STARTTLS's refusal of buffered bytes (hostile-20).
 */
#include <string.h>

#include "harness.h"
#include "postie/net.h"

/* Read every line of in through a fake with the given chunk size and
 * describe the result: lines joined by '|', then "!KIND: message" for the
 * error that ended it. */
static char *
transcript(const char *in, size_t len, size_t chunk, size_t max,
	   bool nul_ok)
{
	struct net_conn *c = net_conn_fake(in, len, chunk, max);
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;
	struct slice line;

	net_set_nul_ok(c, nul_ok);
	while (net_read_line(c, &line, &e) == 0) {
		buf_add(&out, line.p, line.len);
		buf_addch(&out, '|');
	}
	buf_addf(&out, "!%s: %s", perr_kind_name(e.kind), e.msg);
	net_close(c);
	return buf_detach(&out, NULL);
}

struct line_case {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen */
	size_t max;
	bool nul_ok;
	const char *want;
};

static const struct line_case cases[] = {
	{ "CRLF lines", "250-a\r\n250 b\r\n", 0, 0, false,
	  "250-a|250 b|!connection: connection closed by server" },
	{ "LF-only tolerated (hostile-5)", "one\ntwo\n", 0, 0, false,
	  "one|two|!connection: connection closed by server" },
	{ "bare CR does not end a line (hostile-5)", "a\rb\r\nc\n", 0, 0,
	  false, "a\rb|c|!connection: connection closed by server" },
	{ "CR CR LF keeps one CR", "x\r\r\n", 0, 0, false,
	  "x\r|!connection: connection closed by server" },
	{ "empty lines", "\r\n\n", 0, 0, false,
	  "||!connection: connection closed by server" },
	{ "unterminated last line", "250 ok\r\n250 trunc", 0, 0, false,
	  "250 ok|!connection: incomplete line: connection closed by "
	  "server" },
	{ "NUL rejected (hostile-5)", "ab\0cd\r\n", 7, 0, false,
	  "!protocol: NUL byte in a line from the server" },
	{ "NUL kept when allowed", "ab\0cd\r\n", 7, 0, true,
	  "ab\0cd|!connection: connection closed by server" },
	{ "line at the cap", "12345678\r\n", 0, 8, false,
	  "12345678|!connection: connection closed by server" },
	{ "LF-only line one over the cap",
	  "123456789\n", 0, 8, false,
	  "!protocol: line too long (more than 8 bytes)" },
	{ "line over the cap (hostile-3)", "ok\r\n123456789012\r\nnext\r\n",
	  0, 8, false, "ok|!protocol: line too long (more than 8 bytes)" },
	{ "endless line (hostile-3)", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0,
	  8, false, "!protocol: line too long (more than 8 bytes)" },
};

static void
test_lines(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct line_case *t = &cases[i];
		size_t len = t->len ? t->len : strlen(t->in);
		size_t wantlen = strlen(t->want);
		/* the NUL case's expected text holds a NUL too */
		if (t->nul_ok)
			wantlen = 5 + 1 + strlen(t->want + 6);
		size_t chunks[] = { 0, 1, 2, 3, 7 };
		for (size_t k = 0; k < ARRAY_SIZE(chunks); k++) {
			char *got = transcript(t->in, len, chunks[k], t->max,
					       t->nul_ok);
			size_t gotlen = t->nul_ok ? 5 + 1 + strlen(got + 6)
						  : strlen(got);
			is_mem(got, gotlen, t->want, wantlen,
			       "%s, chunk %zu", t->name, chunks[k]);
			free(got);
		}
	}
}

/* A 10 MB line in one go and byte by byte: same error, and the second
 * line after a good one still reads. */
static void
test_huge_line(void)
{
	size_t n = 10 * 1024 * 1024;
	char *big = xmalloc(n + 16);
	memcpy(big, "250 ok\r\n", 8);
	memset(big + 8, 'x', n);
	char *a = transcript(big, n + 8, 0, 0, false);
	char *b = transcript(big, n + 8, 4096, 0, false);
	is_str(a, "250 ok|!protocol: line too long (more than 65536 bytes)",
	       "10 MB line all at once stops at the cap (hostile-3)");
	is_str(b, a, "10 MB line in 4 KiB reads: same result (hostile-4)");
	free(a);
	free(b);
	free(big);
}

/* Random split points give the same transcript as one read. */
static void
test_random_splits(void)
{
	const char in[] = "220 hi\r\n250-a\r\n250-b\nbare\rcr\r\n\r\n"
			  "250 done\r\ntail";
	char *want = transcript(in, sizeof(in) - 1, 0, 16, false);
	int same = 1;
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t chunk = 1 + (seed >> 16) % 9;
		char *got = transcript(in, sizeof(in) - 1, chunk, 16, false);
		if (strcmp(got, want) != 0)
			same = 0;
		free(got);
	}
	ok(same, "200 random chunk sizes give one transcript (hostile-4)");
	free(want);
}

static void
test_read_exact_and_pending(void)
{
	const char in[] = "* 1 FETCH {5}\r\nhello)\r\nafter\r\n";
	struct net_conn *c = net_conn_fake(in, sizeof(in) - 1, 3, 0);
	struct perr e = PERR_INIT;
	struct slice l;
	char lit[5];

	ok(net_read_line(c, &l, &e) == 0 && slice_eq(l, "* 1 FETCH {5}"),
	   "literal header line");
	ok(net_read_exact(c, lit, 5, &e) == 0 && memcmp(lit, "hello", 5) == 0,
	   "read_exact across chunks");
	ok(net_read_line(c, &l, &e) == 0 && slice_eq(l, ")"),
	   "line after literal");
	ok(net_read_line(c, &l, &e) == 0 && slice_eq(l, "after"),
	   "next line");
	is_int((intmax_t)net_pending(c), 0, "nothing pending at the end");
	net_close(c);

	/* Response injection: a reply and more bytes in the same read. */
	const char inj[] = "220 go ahead\r\n250 injected\r\n";
	c = net_conn_fake(inj, sizeof(inj) - 1, 0, 0);
	ok(net_read_line(c, &l, &e) == 0, "STARTTLS reply read");
	is_int((intmax_t)net_pending(c), 14,
	       "injected bytes show as pending (hostile-20)");
	ok(net_starttls(c, "example.org", NULL, &e) == -1 &&
		   e.kind == PERR_PROTO,
	   "net_starttls refuses with bytes buffered (hostile-20)");
	like(e.msg, "response injection", "and says why: %s", e.msg);
	net_close(c);
}

static void
test_writer(void)
{
	struct net_conn *c = net_conn_fake("", 0, 0, 0);
	struct perr e = PERR_INIT;

	ok(net_puts(c, "EHLO x\r\n", &e) == 0, "queue a line");
	is_int((intmax_t)net_fake_output(c)->len, 0, "not sent before flush");
	ok(net_flush(c, &e) == 0, "flush");
	is_str(net_fake_output(c)->data, "EHLO x\r\n", "sent after flush");
	char *big = xcalloc(1, 70000);
	memset(big, 'a', 70000);
	ok(net_write(c, big, 70000, &e) == 0, "a write over 64 KiB");
	is_int((intmax_t)net_fake_output(c)->len, 70008,
	       "goes out without a flush");
	free(big);
	is_str(net_transport(c), "fake", "transport name");
	ok(!net_is_tls(c), "fake is not TLS");
	net_close(c);
}

static void
test_fingerprint(void)
{
	char out[65];
	struct perr e = PERR_INIT;
	const char *hex = "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
			  "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";

	ok(net_fingerprint_parse(hex, out, &e) == 0, "colon form parses");
	is_str(out, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789", "normalised to lower-case hex");
	ok(net_fingerprint_parse("sha256:abcdef0123456789abcdef0123456789"
				 "abcdef0123456789abcdef0123456789",
				 out, &e) == 0, "sha256: prefix accepted");
	ok(net_fingerprint_parse("abcd", out, &e) == -1 &&
		   e.kind == PERR_CONFIG, "short fingerprint refused");
	ok(net_fingerprint_parse("zz", out, &e) == -1, "non-hex refused");
}

int
main(void)
{
	net_init();
	test_lines();
	test_huge_line();
	test_random_splits();
	test_read_exact_and_pending();
	test_writer();
	test_fingerprint();
	return done_testing();
}
