/* SPDX-License-Identifier: ISC */
/*
 * format=flowed decoding (RFC 3676): a table of bodies and the text they
 * must give, with and without DelSp.
 */
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/mime_text.h"

struct flowed_case {
	const char *name;
	const char *in;
	bool delsp;
	const char *want;
};

static const struct flowed_case cases[] = {
	{ "empty", "", false, "" },
	{ "fixed lines stay", "one\r\ntwo\r\n", false, "one\ntwo\n" },
	{ "flowed lines join", "Hello \r\nworld \r\nagain\r\n", false,
	  "Hello world again\n" },
	{ "rfc 3676 4.1 paragraph",
	  "`Take some more tea,' the March Hare said to Alice, very \r\n"
	  "earnestly.\r\n"
	  "\r\n"
	  "`I've had nothing yet,' Alice replied in an offended tone, \r\n"
	  "`so I can't take more.'\r\n",
	  false,
	  "`Take some more tea,' the March Hare said to Alice, very "
	  "earnestly.\n\n`I've had nothing yet,' Alice replied in an "
	  "offended tone, `so I can't take more.'\n" },
	{ "delsp removes the soft space", "中文段落 \r\n继续\r\n", true,
	  "中文段落继续\n" },
	{ "delsp on latin", "abc \r\ndef\r\n", true, "abcdef\n" },
	{ "no delsp keeps the space", "中文 \r\n继续\r\n", false,
	  "中文 继续\n" },
	{ "space stuffing removed", " From here\r\n  >not quote\r\n", false,
	  "From here\n >not quote\n" },
	{ "quoted flowed joins at one depth",
	  ">> deep \r\n>> text\r\n> shallow \r\n> text\r\nplain\r\n",
	  false, ">> deep text\n> shallow text\nplain\n" },
	{ "quoted with stuffed space", "> a \r\n> b\r\n", false, "> a b\n" },
	{ "depth change ends a paragraph", "> a \r\n>> b\r\n", false,
	  "> a \n>> b\n" },
	{ "signature separator is not flowed", "text\r\n-- \r\nsig\r\n",
	  false, "text\n-- \nsig\n" },
	{ "quoted signature separator", "> -- \r\n> sig\r\n", false,
	  "> -- \n> sig\n" },
	{ "flowed last line without end", "a \r\nb ", false, "a b \n" },
	{ "lf line ends", "a \nb\n", false, "a b\n" },
	{ "empty quoted line", ">\r\n> x\r\n", false, ">\n> x\n" },
	{ "hostile-5 bare cr stays inside a line", "a\rb \r\nc\r\n", false,
	  "a\rb c\n" },
	{ "only spaces", "   \r\n", false, "  \n" },
};

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct flowed_case *c = &cases[i];
		struct buf out = BUF_INIT;

		mime_flowed_decode(&out, c->in, strlen(c->in), c->delsp);
		is_str(out.data, c->want, "%s", c->name);
		buf_release(&out);
	}

	/* A long flowed body: 100,000 soft lines make one paragraph. */
	struct buf in = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_addstr(&in, "word \r\n");
	buf_addstr(&in, "end\r\n");
	mime_flowed_decode(&out, in.data, in.len, false);
	is_int((intmax_t)out.len, 100000 * 5 + 4,
	       "100,000 flowed lines join into one");
	ok(memchr(out.data, '\n', out.len) == out.data + out.len - 1,
	   "one line end only");
	buf_release(&in);
	buf_release(&out);
	return done_testing();
}
