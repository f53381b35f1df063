/* SPDX-License-Identifier: ISC */
/*
 * HTML to text: a table of documents and the text they must give, in the
 * shapes QQ, 163 and newsletters send (div-per-line bodies with <br>
 * blank lines, tables, nested lists, entities, links), plus the charset
 * sniffing of <meta> and hostile inputs that must stay linear.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/mime_text.h"

struct h2t_case {
	const char *name;
	const char *html;
	size_t width;
	const char *want;
};

static const struct h2t_case cases[] = {
	{ "empty", "", 0, "" },
	{ "plain text", "hello world", 0, "hello world\n" },
	{ "white space collapsed", "  a \n\t b   c  ", 0, "a b c\n" },
	{ "paragraphs", "<p>one</p><p>two</p>", 0, "one\n\ntwo\n" },
	{ "br", "a<br>b<br/>c<BR />d", 0, "a\nb\nc\nd\n" },
	{ "blank lines shrink to one",
	  "a<br><br><br><br>b<p>&nbsp;</p><p>&nbsp;</p><p>c</p>", 0,
	  "a\n\nb\n\nc\n" },
	{ "pre keeps its blank lines", "<pre>a\n\n\nb</pre>", 0,
	  "a\n\n\nb\n" },
	{ "qq div lines with br blank line",
	  "<div>第一行</div><div><br></div><div>第二行</div>", 0,
	  "第一行\n\n第二行\n" },
	{ "163 style body",
	  "<html><head><meta http-equiv=\"Content-Type\" "
	  "content=\"text/html; charset=UTF-8\"><style>body{font:12px}"
	  "</style></head><body><div style=\"line-height:1.7;"
	  "color:#000000;font-size:14px\"><div>您好，</div><div>&nbsp;"
	  "&nbsp;附件是本月报表，请查收。</div></div><br><br><span "
	  "title=\"neteasefooter\"><p>&nbsp;</p></span></body></html>",
	  0, "您好，\n  附件是本月报表，请查收。\n" },
	{ "head title script style noscript dropped",
	  "<head><title>T</title><script>var a='<p>x</p>';</script>"
	  "</head><body><style>p{}</style>visible<noscript>no"
	  "</noscript><!-- gone --></body>",
	  0, "visible\n" },
	{ "entities named",
	  "&amp;&lt;&gt;&quot;&apos;&copy;&reg;&mdash;&ndash;&hellip;"
	  "&middot;&ldquo;&rdquo;&lsquo;&rsquo;&yen;&euro;",
	  0, "&<>\"'©®—–…·“”‘’¥€\n" },
	{ "entities numeric",
	  "&#65;&#x42;&#X43;&#20013;&#x6587;&#146;&#0;&#x110000;", 0,
	  "ABC中文’\xef\xbf\xbd\xef\xbf\xbd\n" },
	{ "entities invalid kept", "&bogus; &amp &#; &#xZ; a&b &", 0,
	  "&bogus; & &#; &#xZ; a&b &\n" },
	{ "nbsp keeps spaces", "a&nbsp;&nbsp;&nbsp;b", 0, "a   b\n" },
	{ "ul", "<ul><li>one</li><li>two</li></ul>", 0,
	  "* one\n* two\n" },
	{ "ol with start", "<ol start=\"3\"><li>c<li>d</ol>", 0,
	  "3. c\n4. d\n" },
	{ "nested lists",
	  "<ul><li>a<ul><li>a1</li><li>a2<ol><li>x</li></ol></li></ul>"
	  "</li><li>b</li></ul>after",
	  0, "* a\n  * a1\n  * a2\n    1. x\n* b\n\nafter\n" },
	{ "list item wraps under its text",
	  "<ol><li>alpha beta gamma delta</li></ol>", 14,
	  "1. alpha beta\n   gamma delta\n" },
	{ "blockquote", "<p>reply</p><blockquote>quoted<br>text"
	  "</blockquote><p>end</p>", 0,
	  "reply\n\n> quoted\n> text\n\nend\n" },
	{ "nested blockquote",
	  "<blockquote>a<blockquote>b</blockquote>c</blockquote>", 0,
	  "> a\n>\n>> b\n>\n> c\n" },
	{ "pre keeps white space",
	  "<p>x</p><pre>\n  int a;\n\tb  c\n</pre>y", 0,
	  "x\n\n  int a;\n\tb  c\n\ny\n" },
	{ "table rows and cells",
	  "<table><tr><th>名称</th><th>数量</th></tr><tr><td>苹果</td>"
	  "<td>3</td></tr></table>", 0,
	  "名称 | 数量\n苹果 | 3\n" },
	{ "outlook MsoNormal paragraphs are lines",
	  "<p class=MsoNormal>one<o:p></o:p></p><p class=\"MsoNormal\">two"
	  "<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	  "<p class=MsoNormal>Regards<o:p></o:p></p><p>para</p>", 0,
	  "one\ntwo\n\nRegards\n\npara\n" },
	{ "headings", "<h1>Title</h1>text<h2>Sub</h2>more", 0,
	  "Title\n\ntext\n\nSub\n\nmore\n" },
	{ "hr", "a<hr>b", 10, "a\n\n----------\n\nb\n" },
	{ "links numbered",
	  "See <a href=\"https://a.example/x?a=1&amp;b=2\">the page</a> "
	  "and <a href='https://b.example/'>that</a>.", 0,
	  "See the page[1] and that[2].\n\n"
	  "[1] https://a.example/x?a=1&b=2\n[2] https://b.example/\n" },
	{ "link text equal to url shown once",
	  "<a href=\"https://qq.com/\">https://qq.com/</a> "
	  "<a href=\"http://163.com\">163.com</a> "
	  "<a href=\"mailto:a@b.cn\">a@b.cn</a>", 0,
	  "https://qq.com/ 163.com a@b.cn\n" },
	{ "text before the link is not its text",
	  "From: \"<a href=\"mailto:a@b.cn\">a@b.cn</a>\" "
	  "<<a href=\"mailto:a@b.cn\">a@b.cn</a>>", 0,
	  "From: \"a@b.cn\" <a@b.cn>\n" },
	{ "same url one number",
	  "<a href=x>one</a> <a href=x>two</a>", 0,
	  "one[1] two[1]\n\n[1] x\n" },
	{ "javascript and fragment links dropped",
	  "<a href=\"javascript:alert(1)\">click</a> "
	  "<a href=\" JavaScript:x\">b</a> <a href=\"#top\">top</a>", 0,
	  "click b top\n" },
	{ "images", "<img src=a.png alt=\"Logo\"> <img src=t.gif "
	  "width=1 height=1> <img src=c.png>", 0,
	  "[image: Logo] [image]\n" },
	{ "image in a link", "<a href=\"https://x.cn/\"><img alt=ad></a>",
	  0, "[image: ad][1]\n\n[1] https://x.cn/\n" },
	{ "wrap at width", "the quick brown fox jumps over the lazy dog",
	  16, "the quick brown\nfox jumps over\nthe lazy dog\n" },
	{ "wrap CJK as two cells",
	  "这是一段很长的中文文本，没有空格也要能够换行。", 20,
	  "这是一段很长的中文文\n本，没有空格也要能够\n换行。\n" },
	{ "closing punctuation never starts a line",
	  "一二三四五，六", 10, "一二三四五，\n六\n" },
	{ "mixed CJK and latin", "<p>请访问 postie 项目主页</p>", 12,
	  "请访问\npostie 项目\n主页\n" },
	{ "long word overflows alone", "a verylongwordhere b", 6,
	  "a\nverylongwordhere\nb\n" },
	{ "comment, doctype, cdata, pi",
	  "<!DOCTYPE html><?xml version=\"1.0\"?>a<!-- x -->b"
	  "<![CDATA[<c>]]>", 0, "ab<c>\n" },
	{ "stray lt is text", "1 < 2 and 3 <4 and a<", 0,
	  "1 < 2 and 3 <4 and a<\n" },
	{ "unquoted and odd attributes",
	  "<a href=http://x.cn/a title='q \"x\"' data-x>t</a>", 0,
	  "t[1]\n\n[1] http://x.cn/a\n" },
	{ "unterminated comment eats the rest", "a<!-- b <p>c", 0,
	  "a\n" },
	{ "unterminated tag at end dropped", "a<div class=\"x", 0, "a\n" },
	{ "unterminated script dropped", "a<script>b<p>c", 0, "a\n" },
	{ "script end tag needs its name", "<script>x</scriptx>y</script>z",
	  0, "z\n" },
	{ "invalid utf-8 replaced", "a\xff" "b", 0, "a\xef\xbf\xbd" "b\n" },
	{ "control characters dropped", "a\x1b[31mb\x07", 0, "a[31mb\n" },
	{ "upper case tags", "<P>A</P><UL><LI>B</UL>", 0, "A\n\n* B\n" },
	{ "soft hyphen dropped", "co&shy;operate", 0, "cooperate\n" },
};

/* Tags left open: inline ones join words, block ones break lines. */
static void
test_unclosed(void)
{
	struct buf out = BUF_INIT;
	const char *in = "<div><p>a<b>bold<i>it</div>c";

	mime_html_to_text(&out, in, strlen(in), 0);
	is_str(out.data, "aboldit\nc\n", "inline tags join, blocks break");
	buf_release(&out);
}

static void
test_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct h2t_case *c = &cases[i];
		struct buf out = BUF_INIT;
		buf_addstr(&out, "keep:");
		mime_html_to_text(&out, c->html, strlen(c->html), c->width);
		ok(strncmp(out.data, "keep:", 5) == 0,
		   "%s: appends to what is there", c->name);
		is_str(out.data + 5, c->want, "%s", c->name);
		ok(out.data[out.len] == '\0' && utf8_valid(out.data, out.len),
		   "%s: valid UTF-8 and terminated", c->name);
		buf_release(&out);
	}
}

struct meta_case {
	const char *html;
	const char *want;
};

static const struct meta_case metas[] = {
	{ "<meta charset=\"gb2312\">", "gb2312" },
	{ "<META CHARSET=GBK>", "GBK" },
	{ "<meta http-equiv=\"Content-Type\" content=\"text/html; "
	  "charset=big5\">", "big5" },
	{ "<meta content='text/html;charset=\"utf-8\"' "
	  "http-equiv='content-type'>", "utf-8" },
	{ "<html><head><meta name=x content=y></head>", NULL },
	{ "<meta charset=\"../../etc\">", NULL },
	{ "no html here", NULL },
	{ "<!-- <meta charset=koi8-r> --><meta charset=gb18030>",
	  "gb18030" },
};

static void
test_meta(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(metas); i++) {
		char *got = mime_html_meta_charset(metas[i].html,
						   strlen(metas[i].html));
		is_str(got, metas[i].want, "meta charset in '%s'",
		       metas[i].html);
		free(got);
	}

	/* Only the first 4 KiB are looked at. */
	struct buf b = BUF_INIT;
	for (int i = 0; i < 5000; i++)
		buf_addch(&b, ' ');
	buf_addstr(&b, "<meta charset=gbk>");
	char *got = mime_html_meta_charset(b.data, b.len);
	is_str(got, NULL, "meta charset beyond 4 KiB is ignored");
	free(got);
	buf_release(&b);
}

static double
secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hostile shapes: each must finish quickly with bounded output. */
static void
test_hostile(void)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	double t0;

	for (int i = 0; i < 10000; i++)
		buf_addstr(&in, "<div><blockquote><ul><li>");
	buf_addstr(&in, "deep");
	t0 = secs();
	mime_html_to_text(&out, in.data, in.len, 80);
	ok(secs() - t0 < 2.0, "10,000 nested HTML levels in %.3f s",
	   secs() - t0);
	like(out.data, "deep", "the text under the nesting shows");
	ok(out.len < 10 * in.len, "nesting output bounded (%zu bytes)",
	   out.len);
	buf_reset(&in);
	buf_reset(&out);

	buf_addstr(&in, "<a href=\"");
	for (int i = 0; i < 1000000; i++)
		buf_addch(&in, 'x');
	buf_addstr(&in, "\">t</a><img alt=\"");
	for (int i = 0; i < 1000000; i++)
		buf_addch(&in, 'y');
	buf_addstr(&in, "\">");
	t0 = secs();
	mime_html_to_text(&out, in.data, in.len, 72);
	ok(secs() - t0 < 2.0, "1 MB attributes in %.3f s", secs() - t0);
	ok(out.len > 2000000 && out.len < 2100000,
	   "1 MB href and alt both kept (%zu bytes)", out.len);
	buf_reset(&in);
	buf_reset(&out);

	for (int i = 0; i < 200000; i++)
		buf_addstr(&in, "<!-- <a x=\"");
	t0 = secs();
	mime_html_to_text(&out, in.data, in.len, 72);
	ok(secs() - t0 < 2.0, "unterminated comments in %.3f s", secs() - t0);
	is_int((intmax_t)out.len, 0, "unterminated comment gives nothing");
	buf_reset(&in);
	buf_reset(&out);

	for (int i = 0; i < 200000; i++)
		buf_addstr(&in, "<a href='x");
	t0 = secs();
	mime_html_to_text(&out, in.data, in.len, 72);
	ok(secs() - t0 < 2.0, "200,000 unterminated quotes in %.3f s",
	   secs() - t0);
	buf_reset(&in);
	buf_reset(&out);

	for (int i = 0; i < 100000; i++)
		buf_addstr(&in, "<a href=u>&amp;</a>< <<<&#x&#99999999999;");
	t0 = secs();
	mime_html_to_text(&out, in.data, in.len, 72);
	ok(secs() - t0 < 2.0, "100,000 links and broken references in %.3f s",
	   secs() - t0);
	ok(utf8_valid(out.data, out.len), "output stays valid UTF-8");

	buf_reset(&in);
	buf_reset(&out);

	for (int i = 0; i < 100000; i++)
		buf_addf(&in, "<a href=\"https://x.cn/%d\">l</a> ", i);
	t0 = secs();
	mime_html_to_text(&out, in.data, in.len, 72);
	ok(secs() - t0 < 2.0, "100,000 distinct links in %.3f s",
	   secs() - t0);
	like(out.data, "[100000] https://x.cn/99999\n",
	     "every distinct link numbered");

	buf_release(&in);
	buf_release(&out);
}

/* Throughput on a QQ-style body, printed for the record. */
static void
test_speed(void)
{
	static const char chunk[] =
		"<div style=\"font-family:微软雅黑;font-size:14px\"><span>"
		"您好，附件是本月的报表&nbsp;&nbsp;请查收。如有问题请联系"
		"<a href=\"https://mail.qq.com/x?a=1&amp;b=2\">这里</a>。"
		"</span></div><div><br></div><table><tr><td>项目</td><td>"
		"金额 &yen;1,000</td></tr></table><ul><li>第一</li><li>第二"
		"</li></ul><blockquote>引用的文字 quoted text</blockquote>";
	struct buf in = BUF_INIT, out = BUF_INIT;

	while (in.len < 4 * 1024 * 1024)
		buf_addstr(&in, chunk);
	double t0 = secs();
	mime_html_to_text(&out, in.data, in.len, 78);
	double dt = secs() - t0;
	diag("html to text: %.1f MB in %.3f s, %.0f MB/s",
	     (double)in.len / 1e6, dt, (double)in.len / 1e6 / dt);
	ok(dt < 2.0, "4 MB of QQ-style HTML in under 2 s");
	like(out.data, "[1] https://mail.qq.com/x?a=1&b=2",
	     "one link listed once for the whole document");
	buf_release(&in);
	buf_release(&out);
}

int
main(void)
{
	test_table();
	test_unclosed();
	test_meta();
	test_hostile();
	test_speed();
	return done_testing();
}
