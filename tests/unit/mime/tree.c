/* SPDX-License-Identifier: ISC */
/*
 * The MIME tree and what a reader shows from it: multipart kinds,
 * attached messages, boundaries that are never closed or are prefixes of
 * each other, the depth and part limits, file names, the choice of the
 * body, and the terminal-safety pass.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "postie/mime.h"

static char *
body_of(const char *msg, bool prefer_html)
{
	struct mime_message m;
	struct buf b = BUF_INIT;

	mime_message_parse(&m, msg, strlen(msg), NULL);
	const struct mime_part *p = mime_choose_body(&m, prefer_html);
	if (p)
		mime_part_text(&b, &m, p, 80);
	mime_message_release(&m);
	return buf_detach(&b, NULL);
}

static const char alt[] =
	"Content-Type: multipart/alternative; boundary=\"b1\"\n"
	"\n"
	"preamble\n"
	"--b1\n"
	"Content-Type: text/plain; charset=gbk\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"1tDOxA==\n"
	"--b1\n"
	"Content-Type: text/html; charset=utf-8\n"
	"\n"
	"<p>html</p>\n"
	"--b1--\n"
	"epilogue\n";

static const char mixed[] =
	"Content-Type: multipart/mixed; boundary=b\n"
	"\n"
	"--b\n"
	"Content-Type: multipart/alternative; boundary=b2\n"
	"\n"
	"--b2\n"
	"Content-Type: text/plain\n"
	"\n"
	"inner never closed\n"
	"--b\n"
	"Content-Type: application/pdf; name=\"=?gb2312?B?sai45i5wZGY=?=\"\n"
	"Content-Disposition: attachment;\n"
	" filename*=gbk''%B1%A8%B8%E6.pdf\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"JVBERg==\n"
	"--b\n"
	"Content-Type: message/rfc822\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"U3ViamVjdDogaW5uZXIKCmlubmVyIGJvZHkK\n"
	"--b--\n";

static void
test_shapes(void)
{
	struct mime_message m;
	char *t;

	t = body_of(alt, false);
	is_str(t, "中文", "alternative: plain first, GBK base64 decoded");
	free(t);
	t = body_of(alt, true);
	like(t, "html", "alternative: HTML when preferred");
	free(t);

	mime_message_parse(&m, mixed, strlen(mixed), NULL);
	is_int(m.nleaves, 3, "mixed: three leaves");
	ok(m.nleaves == 3 && strcmp(m.leaves[0]->type, "text/plain") == 0,
	   "inner boundary never closed ends at the outer delimiter");
	ok(m.nleaves == 3 && m.leaves[1]->filename &&
		   strcmp(m.leaves[1]->filename, "报告.pdf") == 0,
	   "RFC 2231 GBK filename* wins over the RFC 2047 name");
	ok(m.nleaves == 3 && mime_part_size(m.leaves[1]) == 4,
	   "decoded size of a base64 part");
	ok(m.nleaves == 3 && mime_is_attachment(m.leaves[1]),
	   "attachment disposition");
	const struct mime_part *inner = m.nleaves == 3 ? m.leaves[2] : NULL;
	ok(inner && inner->parent &&
		   strcmp(inner->parent->type, "message/rfc822") == 0,
	   "base64 message/rfc822 decoded and parsed");
	struct buf b = BUF_INIT;
	if (inner)
		mime_part_text(&b, &m, inner, 80);
	is_str(b.data, "inner body\n", "attached message body");
	buf_release(&b);
	const struct mime_part *shown = mime_choose_body(&m, false);
	ok(shown == m.leaves[0], "body is not taken from the attachment");
	mime_message_release(&m);

	/* a boundary that is a prefix of another */
	const char *pre = "Content-Type: multipart/mixed; boundary=ab\n\n"
			  "--ab\n\nfirst\n--abc\nstill first\n--ab--\n";
	t = body_of(pre, false);
	is_str(t, "first\n--abc\nstill first",
	       "hostile-37: '--abc' is not the delimiter '--ab'");
	free(t);

	/* multipart/digest defaults to message/rfc822 */
	const char *dig = "Content-Type: multipart/digest; boundary=d\n\n"
			  "--d\n\nSubject: one\n\nfirst digest\n--d--\n";
	mime_message_parse(&m, dig, strlen(dig), NULL);
	ok(m.root->child && strcmp(m.root->child->type, "message/rfc822") == 0,
	   "digest parts default to message/rfc822");
	mime_message_release(&m);

	/* multipart/related: the start part */
	const char *rel = "Content-Type: multipart/related; boundary=r; "
			  "start=\"<two>\"\n\n"
			  "--r\nContent-Type: text/plain\nContent-ID: <one>\n\n"
			  "not me\n--r\nContent-Type: text/plain\n"
			  "Content-ID: <two>\n\nthe start\n--r--\n";
	t = body_of(rel, false);
	is_str(t, "the start", "related: the start part is the body");
	free(t);

	/* empty plain alternative falls back to HTML */
	const char *empty = "Content-Type: multipart/alternative; boundary=e\n"
			    "\n--e\nContent-Type: text/plain\n\n  \n--e\n"
			    "Content-Type: text/html\n\n<b>rich</b>\n--e--\n";
	t = body_of(empty, false);
	like(t, "rich", "an empty plain part falls back to HTML");
	free(t);

	/* no charset: UTF-8 when valid, else the assumed list */
	t = body_of("Subject: x\n\n\xd6\xd0\xce\xc4\r\nline\r\n", false);
	is_str(t, "中文\nline\n", "raw GBK body with no charset; CRLF to LF");
	free(t);

	/* hostile-38: a uuencoded file inside text/plain */
	const char *uu = "Subject: uu\n\nHello\nbegin 644 a.txt\n#86)C\n`\n"
			 "end\nBye\n";
	mime_message_parse(&m, uu, strlen(uu), NULL);
	ok(m.nleaves == 2 && m.leaves[1]->filename &&
		   strcmp(m.leaves[1]->filename, "a.txt") == 0 &&
		   mime_part_size(m.leaves[1]) == 3,
	   "hostile-38: uuencoded file in text/plain becomes part 2");
	mime_message_release(&m);
	t = body_of(uu, false);
	is_str(t, "Hello\n[uuencoded file: part 2]\nBye\n",
	       "hostile-38: the text shows a line in its place");
	free(t);
	t = body_of("Subject: x\n\nbegin 2020 plans\nnow\n", false);
	is_str(t, "begin 2020 plans\nnow\n", "'begin 2020 plans' is prose");
	free(t);

	t = body_of("Content-Type: text/plain; format=flowed\n\n"
		    "one \ntwo\n", false);
	is_str(t, "one two\n", "format=flowed undone");
	free(t);
}

static void
test_limits(void)
{
	struct buf msg = BUF_INIT;
	struct mime_message m;

	/* hostile-36: 1 000 nested multiparts */
	for (int i = 0; i < 1000; i++)
		buf_addf(&msg, "Content-Type: multipart/mixed; boundary=b%d\n"
			       "\n--b%d\n",
			 i, i);
	buf_addstr(&msg, "Content-Type: text/plain\n\ndeep\n");
	clock_t t0 = clock();
	mime_message_parse(&m, msg.data, msg.len, NULL);
	ok(m.limited, "hostile-36: the depth limit is reached");
	int depth = 0;
	for (const struct mime_part *p = m.root; p; p = p->child)
		depth = p->depth;
	ok(depth <= MIME_MAX_DEPTH, "hostile-36: depth %d <= %d", depth,
	   MIME_MAX_DEPTH);
	ok(m.nleaves >= 1 && mime_choose_body(&m, false) != NULL,
	   "hostile-36: the rest is still shown as text");
	mime_message_release(&m);
	buf_reset(&msg);

	/* hostile-36: message/rfc822 nested 1 000 deep */
	for (int i = 0; i < 1000; i++)
		buf_addstr(&msg, "Content-Type: message/rfc822\n\n");
	buf_addstr(&msg, "\nbottom\n");
	mime_message_parse(&m, msg.data, msg.len, NULL);
	ok(m.limited && m.nparts <= MIME_MAX_DEPTH + 1,
	   "hostile-36: message/rfc822 nesting bounded");
	mime_message_release(&m);
	buf_reset(&msg);

	/* hostile-36: 100 000 tiny parts */
	buf_addstr(&msg, "Content-Type: multipart/mixed; boundary=x\n\n");
	for (int i = 0; i < 100000; i++)
		buf_addstr(&msg, "--x\n\np\n");
	buf_addstr(&msg, "--x--\n");
	mime_message_parse(&m, msg.data, msg.len, NULL);
	ok(m.limited && m.nparts <= MIME_MAX_PARTS + 1,
	   "hostile-36: parts capped at %d (got %zu)", MIME_MAX_PARTS,
	   m.nparts);
	ok(m.nleaves && m.leaves[m.nleaves - 1]->truncated,
	   "hostile-36: the overflow is one plain part");
	mime_message_release(&m);
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0,
	   "hostile-36: all of it in under two seconds");
	buf_reset(&msg);

	/* hostile-37: boundary never closed, empty boundary, 10 KB one */
	const char *open = "Content-Type: multipart/mixed; boundary=o\n\n"
			   "--o\n\nno end";
	char *t;
	mime_message_parse(&m, open, strlen(open), NULL);
	struct buf b = BUF_INIT;
	if (m.nleaves)
		mime_part_text(&b, &m, m.leaves[0], 80);
	is_str(b.data, "no end", "hostile-37: unclosed part runs to EOF");
	buf_release(&b);
	mime_message_release(&m);
	const char *emptyb = "Content-Type: multipart/mixed; boundary=\"\"\n\n"
			     "--\n\nx\n";
	mime_message_parse(&m, emptyb, strlen(emptyb), NULL);
	ok(m.nleaves == 1 && m.root->child == NULL,
	   "hostile-37: empty boundary leaves the body as data");
	mime_message_release(&m);
	buf_addstr(&msg, "Content-Type: multipart/mixed; boundary=\"");
	for (int i = 0; i < 10240; i++)
		buf_addch(&msg, 'q');
	buf_addstr(&msg, "\"\n\nbody\n");
	mime_message_parse(&m, msg.data, msg.len, NULL);
	t = NULL;
	ok(m.nleaves == 1, "hostile-37: a 10 KB boundary that never occurs");
	mime_message_release(&m);
	free(t);
	buf_release(&msg);
}

static const struct {
	const char *in, *want, *what;
} safe[] = {
	{ "\x1b]0;pwned\x07title", "^[]0;pwned^Gtitle",
	  "hostile-42: OSC title sequence" },
	{ "\x1b[2J", "^[[2J", "hostile-42: CSI" },
	{ "a\xc2\x9b" "31mb", "a<U+009B>31mb", "hostile-42: C1 CSI as UTF-8" },
	{ "a\x9b" "31mb", "a\\x9b31mb", "hostile-42: C1 CSI as a raw byte" },
	{ "del\x7f bs\x08", "del^? bs^H", "hostile-42: DEL and backspace" },
	{ "invoice\xe2\x80\xae" "fdp.exe", "invoice<U+202E>fdp.exe",
	  "hostile-43: right-to-left override" },
	{ "\xe2\x81\xa6x\xe2\x81\xa9", "<U+2066>x<U+2069>",
	  "hostile-43: isolates" },
	{ "zero\xe2\x80\x8bwidth\xef\xbb\xbf", "zero<U+200B>width<U+FEFF>",
	  "hostile-43: invisible characters" },
	{ "bad\xff", "bad\xef\xbf\xbd", "invalid UTF-8 shown as U+FFFD" },
	{ "tab\tnl\n中文", "tab\tnl\n中文", "tab, newline and CJK kept" },
};

static const struct {
	const char *in, *want, *what;
} names[] = {
	{ "../../.bashrc", "bashrc", "hostile-44: traversal" },
	{ "/etc/passwd", "etc_passwd", "hostile-44: absolute path" },
	{ "~/.ssh/authorized_keys", "ssh_authorized_keys",
	  "hostile-44: home path" },
	{ "-rf", "rf", "hostile-44: leading dash" },
	{ "...", "attachment", "hostile-44: only dots" },
	{ "CON.txt", "_CON.txt", "hostile-44: Windows reserved name" },
	{ "invoice\xe2\x80\xae" "fdp.exe", "invoicefdp.exe",
	  "hostile-43: bidi override dropped from a file name" },
	{ "a\x01\x1b" "b.pdf", "ab.pdf", "control characters dropped" },
	{ "报告.pdf", "报告.pdf", "CJK kept" },
	{ "", "attachment", "empty" },
};

static void
test_safety(void)
{
	for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++) {
		struct buf b = BUF_INIT;
		mime_sanitize(&b, safe[i].in, strlen(safe[i].in), true);
		is_str(b.data, safe[i].want, "sanitize: %s", safe[i].what);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	mime_sanitize(&b, "a\tb\nc", 5, false);
	is_str(b.data, "a b^Jc",
	       "one-line form: a tab becomes a space, a newline is shown");
	buf_release(&b);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *s = mime_safe_filename(names[i].in);
		is_str(s, names[i].want, "file name: %s", names[i].what);
		free(s);
	}
	struct buf longname = BUF_INIT;
	for (int i = 0; i < 10000; i++)
		buf_addstr(&longname, "中");
	buf_addstr(&longname, ".pdf");
	char *s = mime_safe_filename(longname.data);
	size_t n = strlen(s);
	ok(n <= 200 && n > 4 && strcmp(s + n - 4, ".pdf") == 0 &&
		   utf8_valid(s, n),
	   "hostile-44: 10 000 characters cut to 200 bytes, extension kept");
	free(s);
	buf_release(&longname);
}

int
main(void)
{
	test_shapes();
	test_limits();
	test_safety();
	return done_testing();
}
