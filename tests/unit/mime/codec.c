/* SPDX-License-Identifier: ISC */
/*
 * Transfer codecs: quoted-printable, base64 through mime_transfer_decode,
 * uuencode, and the Content-Transfer-Encoding names. Edge cases of
 * hostile-38 included: nothing read out of bounds, nothing lost.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/mime.h"

static const struct {
	const char *in, *want, *what;
} qp[] = {
	{ "caf=C3=A9", "café", "upper-case hex" },
	{ "caf=c3=a9", "café", "lower-case hex" },
	{ "soft=\r\nbreak", "softbreak", "soft break CRLF" },
	{ "soft=\nbreak", "softbreak", "soft break LF" },
	{ "soft= \t\nbreak", "softbreak", "soft break with trailing space" },
	{ "trailing   \nnext", "trailing\nnext", "transport padding dropped" },
	{ "a=ZZb", "a=ZZb", "hostile-38: invalid escape kept" },
	{ "end=", "end", "hostile-38: '=' at the end" },
	{ "end=4", "end=4", "hostile-38: half an escape at the end" },
	{ "=E4=B8=AD=E6=96=87", "中文", "UTF-8 bytes" },
	{ "=D6=D0=CE=C4", "\xd6\xd0\xce\xc4", "GBK bytes stay bytes" },
	{ "a b\tc", "a b\tc", "inner white space kept" },
};

static void
test_qp(void)
{
	for (size_t i = 0; i < sizeof(qp) / sizeof(qp[0]); i++) {
		struct buf b = BUF_INIT;
		mime_qp_decode(&b, qp[i].in, strlen(qp[i].in), false);
		is_str(b.data, qp[i].want, "qp: %s", qp[i].what);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	mime_qp_decode(&b, "a_b=5F", 6, true);
	is_str(b.data, "a b_", "qp header form: '_' is a space");
	buf_release(&b);

	/* hostile-38: a soft break after 10 000 characters */
	struct buf in = BUF_INIT;
	for (int i = 0; i < 10000; i++)
		buf_addch(&in, 'x');
	buf_addstr(&in, "=\r\ny");
	mime_qp_decode(&b, in.data, in.len, false);
	ok(b.len == 10001 && b.data[10000] == 'y',
	   "hostile-38: soft break at 10 000 characters");
	buf_release(&b);
	buf_release(&in);
}

static const struct {
	const char *in, *want, *what;
} b64[] = {
	{ "5Lit5paH\r\n6YKu5Lu2", "中文邮件", "CRLF between lines" },
	{ "5Lit\r\n5p\r\naH", "中文", "CRLF in odd places" },
	{ "5Lit5pa", "中\xe6\x96", "hostile-38: missing padding" },
	{ "5Lit!5paH", "中文", "hostile-38: junk skipped" },
	{ "", "", "empty" },
};

static void
test_b64(void)
{
	for (size_t i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		struct buf b = BUF_INIT;
		mime_transfer_decode(&b, MIME_CTE_BASE64, b64[i].in,
				     strlen(b64[i].in));
		is_str(b.data, b64[i].want, "base64: %s", b64[i].what);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	const char *text = "This is plain text\nsent as base64 by mistake\n";
	mime_transfer_decode(&b, MIME_CTE_BASE64, text, strlen(text));
	is_str(b.data, text, "base64 that is plainly text is kept as text");
	buf_release(&b);
}

static void
test_uu(void)
{
	const char *uu = "begin 644 hello.txt\n"
			 "#86)C\n"
			 "`\n"
			 "end\n"
			 "after";
	struct buf b = BUF_INIT;
	char *name = NULL;
	size_t used = 0;
	is_int(mime_uu_decode(&b, uu, strlen(uu), &name, &used), 0,
	       "uudecode finds the begin line");
	is_str(b.data, "abc", "uudecoded data");
	is_str(name, "hello.txt", "uuencoded file name");
	is_str(uu + used, "after", "stops after the end line");
	free(name);
	buf_reset(&b);

	/* hostile-38: the length byte claims more than the line holds */
	const char *lie = "begin 644 x\nM86)C\nend\n";
	is_int(mime_uu_decode(&b, lie, strlen(lie), NULL, NULL), 0,
	       "hostile-38: lying length byte decoded");
	is_int(b.len, 3, "hostile-38: only what the line holds");
	buf_reset(&b);
	is_int(mime_uu_decode(&b, "no begin\n", 9, NULL, NULL), -1,
	       "no begin line is an error");

	const char *text = "Hello\nbegin 600 a.bin\n#86)C\nend\nBye\n";
	is_int(mime_uu_find(text, strlen(text)), 6,
	       "hostile-38: uuencoded block found inside text/plain");
	is_int(mime_uu_find("begin here\n", 11), 11,
	       "'begin' in prose is not a block");
	buf_release(&b);
}

static void
test_cte(void)
{
	is_int(mime_cte_parse(" BASE64 ", 8), MIME_CTE_BASE64, "cte: base64");
	is_int(mime_cte_parse("Quoted-Printable", 16), MIME_CTE_QP, "cte: qp");
	is_int(mime_cte_parse("x-uuencode", 10), MIME_CTE_UUENCODE,
	       "cte: x-uuencode");
	is_int(mime_cte_parse("\"8bit\"", 6), MIME_CTE_8BIT, "cte: quoted");
	is_int(mime_cte_parse("", 0), MIME_CTE_7BIT, "cte: empty is 7bit");
	is_int(mime_cte_parse("x-gzip", 6), MIME_CTE_UNKNOWN,
	       "cte: unknown");
	struct buf b = BUF_INIT;
	mime_transfer_decode(&b, MIME_CTE_UNKNOWN, "as is", 5);
	is_str(b.data, "as is", "unknown encoding taken as it is");
	buf_release(&b);
}

int
main(void)
{
	test_qp();
	test_b64();
	test_uu();
	test_cte();
	return done_testing();
}
