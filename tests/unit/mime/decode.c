/* SPDX-License-Identifier: ISC */
/*
 * Charsets, RFC 2047 encoded words and RFC 2231 parameters: tables of
 * input and the UTF-8 a reader must see, with Chinese, Japanese and Korean
 * mail first.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/mime.h"

static void
check_buf(const struct buf *b)
{
	ok(b->data != NULL && b->data[b->len] == '\0' &&
		   (b->cap == 0 || b->len < b->cap),
	   "  buf rules hold");
}

static const struct {
	const char *label, *in, *want;
} charsets[] = {
	{ "gb2312", "\xd6\xd0\xce\xc4\xd3\xca\xbc\xfe", "中文邮件" },
	{ "GBK", "\xd6\xd0\xce\xc4", "中文" },
	{ "x-gbk", "\xd6\xd0\xce\xc4", "中文" },
	{ "cp936", "\xd6\xd0\xce\xc4", "中文" },
	{ "euc-cn", "\xd6\xd0\xce\xc4", "中文" },
	/* a 4-byte GB18030 sequence under the gb2312 label */
	{ "gb2312", "\x95\x32\x82\x36", "𠀀" },
	{ "big5", "\xc1\x63\xc5\xe9\xa4\xa4\xa4\xe5", "繁體中文" },
	{ "ks_c_5601-1987", "\xc7\xd1\xb1\xb9\xbe\xee", "한국어" },
	{ "euc-kr", "\xc7\xd1\xb1\xb9\xbe\xee", "한국어" },
	{ "shift_jis", "\x93\xfa\x96\x7b\x8c\xea", "日本語" },
	{ "x-sjis", "\x93\xfa\x96\x7b\x8c\xea", "日本語" },
	{ "windows-31j", "\x87\x40", "①" },
	{ "euc-jp", "\xc6\xfc\xcb\xdc\xb8\xec", "日本語" },
	{ "iso-2022-jp", "\x1b$BF|K\\8l\x1b(B", "日本語" },
	/* NEC row 13 inside ISO-2022-JP, read through CP932 */
	{ "iso-2022-jp", "\x1b$B-!\x1b(B", "①" },
	{ "iso-8859-1", "caf\xe9 \x80", "café €" },
	{ "latin1", "\x93q\x94", "“q”" },
	{ "us-ascii", "plain", "plain" },
	{ "us-ascii", "na\xc3\xafve", "naïve" },
	{ "koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет" },
	{ "windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "Привет" },
	{ "tis-620", "\xca\xc7\xd1\xca\xb4\xd5", "สวัสดี" },
	{ "iso-8859-8-i", "\xf9\xec\xe5\xed", "שלום" },
	{ "x-mac-cyrillic", "\x8f\xf0\xe8\xe2\xe5\xf2", "Привет" },
	{ "utf-7", "Hi Mom -+Jjo--!", "Hi Mom -☺-!" },
	{ "utf-16le", "h\0i\0", "hi" },
	/* undeclared: UTF-8 when valid, else the assumed GB18030 */
	{ NULL, "\xe4\xb8\xad", "中" },
	{ NULL, "\xd6\xd0\xce\xc4", "中文" },
	{ "unknown-8bit", "\xd6\xd0\xce\xc4", "中文" },
	{ "x-foo", "\xd6\xd0\xce\xc4", "中文" },
	{ "../../etc/passwd", "\xd6\xd0", "中" },
	/* valid UTF-8 under a legacy label is UTF-8 mislabelled */
	{ "gb2312", "\xe4\xb8\xad\xe6\x96\x87\xe9\x82\xae\xe4\xbb\xb6",
	  "中文邮件" },
	/* an undecodable byte costs one U+FFFD, never the rest */
	{ "utf-8", "a\xffz", "a\xef\xbf\xbdz" },
	{ "shift_jis", "\x93\xfa\xff\x96\x7b", "日\xef\xbf\xbd本" },
};

static void
test_charsets(void)
{
	for (size_t i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++) {
		struct buf b = BUF_INIT;
		size_t n = strlen(charsets[i].in);
		if (charsets[i].label &&
		    strcmp(charsets[i].label, "utf-16le") == 0)
			n = 4;
		mime_charset_decode(&b, charsets[i].label, charsets[i].in, n,
				    NULL);
		is_str(b.data, charsets[i].want, "charset %s: %s",
		       charsets[i].label ? charsets[i].label : "(none)",
		       charsets[i].want);
		buf_release(&b);
	}
	/* the assumed list is tried in order: Big5 first decodes this */
	static const char *const big5_first[] = { "big5", "gb18030", NULL };
	struct buf b = BUF_INIT;
	mime_decode_8bit(&b, "\xc1\x63\xc5\xe9", 4, big5_first);
	is_str(b.data, "繁體", "assumed list order: big5 before gb18030");
	check_buf(&b);
	buf_release(&b);

	char name[64];
	ok(mime_charset_resolve("gb2312", 6, name, sizeof(name)) &&
		   strcmp(name, "GB18030") == 0,
	   "gb2312 resolves to GB18030");
	ok(mime_charset_resolve("ks_c_5601-1987", 14, name, sizeof(name)) &&
		   strcmp(name, "CP949") == 0,
	   "ks_c_5601-1987 resolves to CP949");
	ok(mime_charset_resolve("\"ISO-8859-1\"", 12, name, sizeof(name)) &&
		   strcmp(name, "WINDOWS-1252") == 0,
	   "quoted iso-8859-1 resolves to WINDOWS-1252");
	ok(!mime_charset_resolve("../../x", 7, name, sizeof(name)),
	   "hostile-34: a path as a charset is refused");
	char longlabel[1100];
	memset(longlabel, 'a', sizeof(longlabel));
	ok(!mime_charset_resolve(longlabel, sizeof(longlabel), name,
				 sizeof(name)),
	   "hostile-34: a 1 KB charset label is refused");
}

static const struct {
	const char *in, *want, *what;
} words[] = {
	{ "=?gb2312?B?1tDOxNPKvP4=?=", "中文邮件", "GB2312 B word" },
	{ "=?GBK?b?1tDOxA==?=", "中文", "B in lower case" },
	{ "=?gb2312?Q?=D6=D0=CE=C4?=", "中文", "Q word" },
	{ "=?gb2312?q?=d6=d0=ce=c4?=", "中文", "Q with lower-case hex" },
	{ "=?big5?B?wWPF6aSkpOU=?=", "繁體中文", "Big5" },
	{ "=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "日本語", "ISO-2022-JP" },
	{ "=?euc-kr?B?x9Gxub7u?=", "한국어", "EUC-KR" },
	{ "=?gbk?B?suLK?= =?gbk?B?1M7EvP7D+w==?=", "测试文件名",
	  "a GBK character split across two words" },
	{ "=?utf-8?Q?a?=  \r\n =?utf-8?Q?b?=", "ab",
	  "white space between words dropped" },
	{ "=?utf-8?Q?a?= x =?utf-8?Q?b?=", "a x b",
	  "text between words kept" },
	{ "Re: =?utf-8?Q?caf=C3=A9_au_lait?=", "Re: café au lait",
	  "underscore is a space in Q" },
	{ "=?utf-8*zh-cn?B?5Lit?=", "中", "RFC 2231 language in a word" },
	{ "=?utf-8?B?5Lit5paH?==?utf-8?B?6YKu5Lu2?=", "中文邮件",
	  "adjacent words with no space" },
	{ "=?gb2312?B?1tDOxA==?= =?utf-8?B?5paH?=", "中文文",
	  "mixed charsets in one header" },
	{ "\xd6\xd0\xce\xc4 subject", "中文 subject",
	  "raw GBK header bytes (Foxmail)" },
	{ "\xe4\xb8\xad\xe6\x96\x87", "中文", "raw UTF-8 header (RFC 6532)" },
	{ "=?utf-8?B?broken", "=?utf-8?B?broken",
	  "hostile-34: unterminated word shown raw" },
	{ "=?utf-8?X?abc?=", "=?utf-8?X?abc?=",
	  "hostile-34: unknown encoding shown raw" },
	{ "=?x-foo?B?1tDOxA==?=", "中文",
	  "hostile-34: unknown charset read by the assumed list" },
	{ "=?utf-8?B?5Lit!!5paH?=", "中文",
	  "hostile-34: junk inside base64 skipped" },
	{ "=??B?abc?=", "=??B?abc?=", "hostile-34: empty charset raw" },
	{ "=?utf-8xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "?B?5Lit?=",
	  "中", "hostile-34: a 80-byte charset label is no label" },
	{ "a\r\n b", "a b", "unfolded" },
};

static void
test_words(void)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct buf b = BUF_INIT;
		mime_decode_header(&b, words[i].in, strlen(words[i].in), NULL);
		is_str(b.data, words[i].want, "2047: %s", words[i].what);
		buf_release(&b);
	}
}

static const struct {
	const char *value, *name, *want, *what;
} params[] = {
	{ "text/plain; charset=\"gbk\"", "charset", "gbk", "quoted" },
	{ "text/plain; CHARSET=gbk ; format=flowed", "charset", "gbk",
	  "any case, spaces" },
	{ "attachment; filename*=gbk''%B1%A8%B8%E6.pdf", "filename",
	  "报告.pdf", "RFC 2231 GBK file name" },
	{ "attachment; filename*0*=utf-8''%E4%B8%AD; filename*1=.txt",
	  "filename", "中.txt", "continuations" },
	{ "attachment; filename*1=b.txt; filename*0=a", "filename", "ab.txt",
	  "hostile-39: continuations out of order" },
	{ "attachment; filename*0=a; filename*0=z; filename*1=b", "filename",
	  "ab", "hostile-39: duplicate section keeps the first" },
	{ "attachment; filename*1=b; filename*2=c", "filename", "bc",
	  "hostile-39: missing *0" },
	{ "attachment; filename*0=a; filename*1*=utf-8''%E4%B8%AD",
	  "filename", "autf-8''中",
	  "hostile-39: charset'lang' only in the first section" },
	{ "attachment; filename=\"=?gb2312?B?sai45i5wZGY=?=\"", "filename",
	  "报告.pdf", "RFC 2047 inside a quoted parameter" },
	{ "application/octet-stream; name=\xb1\xa8\xb8\xe6.pdf", "name",
	  "报告.pdf", "raw GBK in a parameter" },
	{ "attachment; filename=\"a \\\"b\\\".txt\"", "filename",
	  "a \"b\".txt", "escaped quotes" },
	{ "attachment; filename=\"a;b.txt\"", "filename", "a;b.txt",
	  "semicolon inside quotes" },
	{ "multipart/mixed; boundary=----=_Part_1", "boundary",
	  "----=_Part_1", "unquoted boundary with '='" },
	{ "text/plain", "charset", NULL, "absent" },
};

static void
test_params(void)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		char *v = mime_param_get(params[i].value,
					 strlen(params[i].value),
					 params[i].name, NULL);
		is_str(v, params[i].want, "param: %s", params[i].what);
		free(v);
	}
	/* hostile-39: 10 000 sections stay bounded */
	struct buf h = BUF_INIT;
	buf_addstr(&h, "attachment");
	for (int i = 9999; i >= 0; i--)
		buf_addf(&h, "; filename*%d=x", i);
	char *v = mime_param_get(h.data, h.len, "filename", NULL);
	ok(v && strlen(v) == MIME_MAX_2231_SECTIONS,
	   "hostile-39: 10 000 sections give at most %d",
	   MIME_MAX_2231_SECTIONS);
	free(v);
	buf_release(&h);
	char *cs = NULL;
	char *raw = mime_param_raw("a; name*=gb2312'zh'%D6%D0", 25, "name",
				   &cs);
	is_str(cs, "gb2312", "raw parameter gives the RFC 2231 charset");
	is_str(raw, "\xd6\xd0", "raw parameter bytes are not converted");
	free(cs);
	free(raw);
}

int
main(void)
{
	test_charsets();
	test_words();
	test_params();
	return done_testing();
}
