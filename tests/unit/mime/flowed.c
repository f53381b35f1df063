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

struct enc_case {
	const char *name;
	const char *in;
	size_t width;
	const char *want;
};

static const struct enc_case enc_cases[] = {
	{ "short lines stay", "one\ntwo\n", 72, "one\ntwo\n" },
	{ "trailing spaces of hard lines dropped", "a  \nb\n", 72,
	  "a\nb\n" },
	{ "signature separator kept", "x\n-- \nsig\n", 72,
	  "x\n-- \nsig\n" },
	{ "wrap at spaces", "aaa bbb ccc ddd", 10, "aaa bbb  \nccc ddd\n" },
	{ "wrap CJK between characters", "一二三四五六七八九十", 10,
	  "一二三四 \n五六七八 \n九十\n" },
	{ "quoted lines keep depth", "> aaa bbb ccc\n>> x", 10,
	  "> aaa  \n> bbb ccc\n>> x\n" },
	{ "space and From stuffed", " lead\nFrom me\n", 72,
	  "  lead\n From me\n" },
	{ "long word left whole", "abcdefghijklmnop q", 8,
	  "abcdefghijklmnop  \nq\n" },
	{ "crlf in", "a\r\nb\r\n", 72, "a\nb\n" },
};

/* Encoding: fixed cases, then decode(encode(x)) == x on mixed text. */
static void
test_encode(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(enc_cases); i++) {
		const struct enc_case *c = &enc_cases[i];
		struct buf out = BUF_INIT;

		mime_flowed_encode(&out, c->in, strlen(c->in), c->width);
		is_str(out.data, c->want, "encode: %s", c->name);
		buf_release(&out);
	}

	static const char *const texts[] = {
		"The quick brown fox jumps over the lazy dog and keeps running "
		"far beyond the end of any reasonable line on a terminal.\n",
		"各位好：下周一上午九点在三楼会议室开会，请准时参加。"
		"会议材料见附件，如有问题请随时联系我。谢谢！\n\n张三\n",
		"> quoted text that is long enough to need a break somewhere "
		"in the middle\n>> deeper quoted 中文引用内容也很长"
		"需要换行才可以放得下\nplain\n",
		"two  spaces  kept  everywhere  even  at  the  cut  points  "
		"of  this  line\n",
		" From the start\nFrom here\n-- \nsig\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		for (size_t w = 10; w <= 80; w += 7) {
			struct buf enc = BUF_INIT, dec = BUF_INIT;
			mime_flowed_encode(&enc, texts[i], strlen(texts[i]), w);
			mime_flowed_decode(&dec, enc.data, enc.len, true);
			size_t longest = 0, col = 0;
			for (size_t k = 0; k < enc.len; k++) {
				if (enc.data[k] == '\n') {
					col = 0;
					continue;
				}
				if (((unsigned char)enc.data[k] & 0xc0) != 0x80)
					col++;
				if (col > longest)
					longest = col;
			}
			is_str(dec.data, texts[i],
			       "round trip text %zu width %zu", i, w);
			/* below 17 a single word can be wider than a line */
			ok(w < 17 || longest <= w,
			   "text %zu width %zu: lines within width (%zu)", i,
			   w, longest);
			buf_release(&enc);
			buf_release(&dec);
		}
	}
}

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
	test_encode();
	return done_testing();
}
