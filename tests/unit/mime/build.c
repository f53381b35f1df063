/* SPDX-License-Identifier: ISC */
/*
 * Building outgoing messages: golden outputs for fixed drafts (fixed
 * time, fixed random bytes), header encoding and folding rules checked
 * line by line, transfer encoding choices, a 10 MB attachment, header
 * injection refused, Bcc kept out, and a round trip through the reading
 * half of mime/ that must give every field and every byte back.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/mime.h"
#include "postie/mime_text.h"

static const unsigned char rnd[MIME_DRAFT_RANDOM_MIN] = {
	1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
	13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
};

/* 2026-11-23 13:39:28 UTC */
#define T0 1795441168

static double
secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
draft_init(struct mime_draft *d)
{
	memset(d, 0, sizeof(*d));
	d->date = T0;
	d->random = rnd;
	d->random_len = sizeof(rnd);
}

static const char golden_ascii[] =
	"Date: Mon, 23 Nov 2026 13:39:28 +0000\r\n"
	"From: Alice Example <alice@example.org>\r\n"
	"To: bob@example.net\r\n"
	"Subject: Lunch on Friday?\r\n"
	"Message-ID: <0102030405060708090a0b0c@example.org>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: 7bit\r\n"
	"\r\n"
	"Hi Bob,\r\n"
	"\r\n"
	"Noon at the usual place?\r\n"
	"-- \r\n"
	"Alice\r\n";

static void
test_golden_ascii(void)
{
	struct mime_draft d;
	struct mime_draft_addr to = { NULL, "bob@example.net" };
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;

	draft_init(&d);
	d.from = (struct mime_draft_addr){ "Alice Example",
					   "alice@example.org" };
	d.to = &to;
	d.nto = 1;
	d.subject = "Lunch on Friday?";
	d.body = "Hi Bob,\n\nNoon at the usual place?\n-- \nAlice";
	d.body_len = strlen(d.body);
	ok(mime_draft_build(&d, &out, &e) == 0, "ascii draft builds");
	is_str(out.data, golden_ascii, "ascii draft golden output");
	buf_release(&out);
}

static const char golden_cjk[] =
	"Date: Mon, 23 Nov 2026 21:39:28 +0800\r\n"
	"From: =?UTF-8?B?5p2O6Zu3?= <lilei@qq.com>\r\n"
	"To: =?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>, \"Li, Si\" <li"
	"si@163.com>,\r\n"
	" wangwu@126.com, =?UTF-8?B?5qyn6Ziz5aic5aicICjluILlnLrpg"
	"6gpIOmdnuW4uOmVvw==?=\r\n"
	" =?UTF-8?B?55qE5pi+56S65ZCN5a2X6ZyA6KaB6KKr5oqY5Y+g5oiQ5"
	"aSa5Liq57yW56CB?=\r\n"
	" =?UTF-8?B?6K+N5omN6KGM?= <ouyang@example.com.cn>\r\n"
	"Cc: Bob Smith <bob@example.org>\r\n"
	"Subject: =?UTF-8?B?5Zue5aSN77ya5YWz5LqO5LiL5ZGo5LiA55qE5"
	"Lya6K6u5a6J5o6S77yM?=\r\n"
	" =?UTF-8?B?6K+35aSn5a625YeG5pe25Y+C5Yqg77yM5bm25o+Q5YmN5"
	"YeG5aSH5aW95ZCE?=\r\n"
	" =?UTF-8?B?6Ieq6LSf6LSj6YOo5YiG55qE5p2Q5paZ?= thanks\r\n"
	"Message-ID: <0102030405060708090a0b0c@qq.com>\r\n"
	"In-Reply-To: <abc@qq.com>\r\n"
	"References: <x@y> <abc@qq.com>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=\"=_0d0e0f1011121"
	"31415161718\"\r\n"
	"\r\n"
	"This is a message in MIME format.\r\n"
	"\r\n"
	"--=_0d0e0f101112131415161718\r\n"
	"Content-Type: text/plain; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"5L2g5aW977yMDQoNCui/meaYr+ato+aWh+OAgg0K\r\n"
	"\r\n"
	"--=_0d0e0f101112131415161718\r\n"
	"Content-Type: application/pdf;\r\n"
	" name=\"=?UTF-8?B?5a2j5bqm5oql5ZGKIDIwMjYg5bm056ys5LiJ5a2"
	"j5bqmIOacgA==?=\r\n"
	" =?UTF-8?B?57uI54mI5pys77yI6K+35Yu/5aSW5Lyg77yJLnBkZg==?"
	"=\"\r\n"
	"Content-Disposition: attachment;\r\n"
	" filename*0*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A"
	"%202026%20;\r\n"
	" filename*1*=%E5%B9%B4%E7%AC%AC%E4%B8%89%E5%AD%A3%E5%BA%"
	"A6%20;\r\n"
	" filename*2*=%E6%9C%80%E7%BB%88%E7%89%88%E6%9C%AC%EF%BC%"
	"88%E8%AF%B7;\r\n"
	" filename*3*=%E5%8B%BF%E5%A4%96%E4%BC%A0%EF%BC%89.pdf\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"JVBERi0xLjQgaGVsbG8=\r\n"
	"\r\n"
	"--=_0d0e0f101112131415161718\r\n"
	"Content-Type: text/plain; charset=UTF-8; name=\"notes.txt"
	"\"\r\n"
	"Content-Disposition: attachment; filename=\"notes.txt\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"aGkK\r\n"
	"\r\n"
	"--=_0d0e0f101112131415161718--\r\n";

static const struct mime_draft_addr cjk_to[] = {
	{ "张三", "zhangsan@qq.com" },
	{ "Li, Si", "lisi@163.com" },
	{ NULL, "wangwu@126.com" },
	{ "欧阳娜娜 (市场部) 非常长的显示名字需要被折叠成多个编码词才行",
	  "ouyang@example.com.cn" },
};
static const struct mime_draft_addr cjk_cc[] = {
	{ "Bob Smith", "bob@example.org" },
};
static const struct mime_draft_addr cjk_bcc[] = {
	{ "秘密", "secret@example.com" },
	{ NULL, "ZhangSan@QQ.com" },
};
static const char cjk_subject[] =
	"回复：关于下周一的会议安排，请大家准时参加，"
	"并提前准备好各自负责部分的材料 thanks";
static const char cjk_body[] = "你好，\n\n这是正文。\n";
static const char cjk_file1[] =
	"季度报告 2026 年第三季度 最终版本（请勿外传）.pdf";
static const struct mime_draft_file cjk_files[] = {
	{ cjk_file1, "%PDF-1.4 hello", 14, NULL },
	{ "notes.txt", "hi\n", 3, NULL },
};

static void
cjk_draft(struct mime_draft *d)
{
	draft_init(d);
	d->from = (struct mime_draft_addr){ "李雷", "lilei@qq.com" };
	d->to = cjk_to;
	d->nto = ARRAY_SIZE(cjk_to);
	d->cc = cjk_cc;
	d->ncc = 1;
	d->bcc = cjk_bcc;
	d->nbcc = ARRAY_SIZE(cjk_bcc);
	d->subject = cjk_subject;
	d->body = cjk_body;
	d->body_len = strlen(cjk_body);
	d->files = cjk_files;
	d->nfiles = ARRAY_SIZE(cjk_files);
	d->zone_min = 480;
	d->in_reply_to = "<abc@qq.com>";
	d->references = "<x@y> <abc@qq.com>";
}

/* Every line ends in CRLF, no bare CR or LF, header lines within 78
 * columns, encoded words within 75 characters. */
static void
check_shape(const char *m, size_t len, const char *label)
{
	size_t i = 0, longest = 0, longest_ew = 0, bare = 0;
	bool in_header = true;

	while (i < len) {
		const char *lf = memchr(m + i, '\n', len - i);
		size_t end = lf ? (size_t)(lf - m) : len;
		if (!lf || end == i || m[end - 1] != '\r') {
			bare++;
			break;
		}
		size_t n = end - 1 - i;
		if (memchr(m + i, '\r', n))
			bare++;
		if (n == 0)
			in_header = false;
		if (in_header && n > longest)
			longest = n;
		for (const char *p = m + i; p < m + i + n;) {
			const char *s = NULL;
			for (const char *q = p; q + 1 < m + i + n; q++)
				if (q[0] == '=' && q[1] == '?') {
					s = q;
					break;
				}
			if (!s)
				break;
			const char *t = NULL;
			for (const char *q = s + 2; q + 1 < m + i + n; q++)
				if (q[0] == '?' && q[1] == '=' &&
				    q - s > 10) {
					t = q;
					break;
				}
			if (!t)
				break;
			if ((size_t)(t + 2 - s) > longest_ew)
				longest_ew = (size_t)(t + 2 - s);
			p = t + 2;
		}
		i = end + 1;
	}
	is_int((intmax_t)bare, 0, "%s: CRLF line ends only", label);
	ok(longest <= 78, "%s: header lines within 78 columns (%zu)", label,
	   longest);
	ok(longest_ew <= 75, "%s: encoded words within 75 (%zu)", label,
	   longest_ew);
}

static char *
field(const struct mime_headers *h, const char *name)
{
	const struct mime_field *f = mime_headers_get(h, name);
	struct buf b = BUF_INIT;

	if (!f)
		return NULL;
	mime_decode_header(&b, f->value.p, f->value.len, NULL);
	return buf_detach(&b, NULL);
}

static void
test_golden_cjk(void)
{
	struct mime_draft d;
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;

	cjk_draft(&d);
	ok(mime_draft_build(&d, &out, &e) == 0, "chinese draft builds");
	is_str(out.data, golden_cjk, "chinese draft golden output");
	check_shape(out.data, out.len, "chinese draft");
	ok(!strstr(out.data, "Bcc") && !strstr(out.data, "secret@"),
	   "Bcc is not in the message");
	size_t longest = 0;
	for (const char *p = out.data; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > longest)
			longest = n;
		p += n + (nl != NULL);
	}
	ok(longest <= 79, "every line of every part within 78 columns (%zu)",
	   longest ? longest - 1 : 0);

	/* Read it back with the reading half. */
	struct mime_message m;
	mime_message_parse(&m, out.data, out.len, NULL);
	const struct mime_headers *h = &m.root->headers;
	char *s = field(h, "Subject");
	is_str(s, cjk_subject, "round trip: subject");
	free(s);

	const struct mime_field *f = mime_headers_get(h, "From");
	struct mime_addr_list l = { 0 };
	if (f)
		mime_addr_parse(&l, f->value.p, f->value.len, NULL);
	ok(l.n == 1 && strcmp(l.v[0].name, "李雷") == 0 &&
	   strcmp(l.v[0].addr, "lilei@qq.com") == 0, "round trip: from");
	mime_addr_list_release(&l);

	f = mime_headers_get(h, "To");
	memset(&l, 0, sizeof(l));
	if (f)
		mime_addr_parse(&l, f->value.p, f->value.len, NULL);
	is_int((intmax_t)l.n, (intmax_t)ARRAY_SIZE(cjk_to),
	       "round trip: to count");
	for (size_t i = 0; i < l.n && i < ARRAY_SIZE(cjk_to); i++) {
		const char *want = cjk_to[i].name ? cjk_to[i].name : "";
		is_str(l.v[i].name, want, "round trip: to %zu name", i);
		is_str(l.v[i].addr, cjk_to[i].addr, "round trip: to %zu addr",
		       i);
	}
	mime_addr_list_release(&l);

	s = field(h, "In-Reply-To");
	is_str(s, "<abc@qq.com>", "round trip: in-reply-to");
	free(s);
	is_int((intmax_t)m.nleaves, 3, "round trip: three parts");
	if (m.nleaves == 3) {
		struct buf t = BUF_INIT;
		mime_part_text(&t, &m, m.leaves[0], 0);
		is_str(t.data, cjk_body, "round trip: text body");
		buf_release(&t);
		for (size_t i = 0; i < 2; i++) {
			const struct mime_part *p = m.leaves[i + 1];
			struct buf b = BUF_INIT;
			is_str(p->filename, cjk_files[i].filename,
			       "round trip: file name %zu", i);
			mime_transfer_decode(&b, p->cte, p->body.p,
					     p->body.len);
			is_mem(b.data, b.len, cjk_files[i].data,
			       cjk_files[i].len, "round trip: file %zu bytes",
			       i);
			buf_release(&b);
		}
		is_str(m.leaves[1]->type, "application/pdf",
		       "media type from the extension");
		is_str(m.leaves[2]->type, "text/plain", "text attachment");
	}
	mime_message_release(&m);
	buf_release(&out);

	size_t n = 0;
	char **v = mime_draft_recipients(&d, &n, &e);
	ok(v != NULL, "recipients listed");
	is_int((intmax_t)n, 6, "To + Cc + Bcc without the duplicate");
	if (v && n == 6) {
		is_str(v[0], "zhangsan@qq.com", "first recipient");
		is_str(v[4], "bob@example.org", "cc recipient");
		is_str(v[5], "secret@example.com", "bcc recipient");
		ok(v[6] == NULL, "vector ends with NULL");
	}
	mime_strv_free(v);

	/* Many recipients, many repeated: linear, order kept. */
	struct mime_draft_addr *many = xcalloc(60000, sizeof(*many));
	char **addrs = xcalloc(60000, sizeof(*addrs));
	for (size_t i = 0; i < 60000; i++) {
		addrs[i] = xstrfmt("%s%zu@example.com", i % 2 ? "U" : "u",
				   i % 30000);
		many[i].addr = addrs[i];
	}
	struct mime_draft big;
	draft_init(&big);
	big.to = many;
	big.nto = 60000;
	double t0 = secs();
	v = mime_draft_recipients(&big, &n, &e);
	double dt = secs() - t0;
	is_int((intmax_t)n, 30000, "60,000 recipients, 30,000 distinct");
	ok(dt < 1.0, "recipients deduplicated in %.3f s", dt);
	ok(v && strcmp(v[29999], "U29999@example.com") == 0,
	   "first spelling kept, order kept");
	mime_strv_free(v);
	for (size_t i = 0; i < 60000; i++)
		free(addrs[i]);
	free(addrs);
	free(many);
}

/* A reply put together with the reply helpers: Reply-To, References
 * folded, extra headers, a mostly-ASCII body in quoted-printable, a zone
 * west of UTC with minutes. */
static const char golden_reply[] =
	"Date: Mon, 23 Nov 2026 08:09:28 -0530\r\n"
	"From: Li Lei <lilei@example.com>\r\n"
	"Reply-To: Sales Team <sales@example.com>\r\n"
	"To: Zhang San <zs@qq.com>\r\n"
	"Subject: Re: Price list 2027\r\n"
	"Message-ID: <deadbeef0001020304050607@example.com>\r\n"
	"In-Reply-To: <parent.5@qq.com>\r\n"
	"References: <root.1@qq.com> <a.2@qq.com> <b.3@qq.com> <c"
	".4@qq.com>\r\n"
	" <parent.5@qq.com>\r\n"
	"X-Mailer: postie 0.1.0\r\n"
	"X-Note: =?UTF-8?B?5aSH5rOo77ya5YaF6YOo?=\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"Prices are fine. Caf=C3=A9 at 10?\r\n"
	"\r\n"
	"On Fri, 20 Nov 2026 10:12:00 +0800, =E5=BC=A0=E4=B8=89 w"
	"rote:\r\n"
	"> Here is the list.\r\n"
	">> earlier text\r\n"
	"> Thanks\r\n";

static void
test_golden_reply(void)
{
	static const unsigned char r2[MIME_DRAFT_RANDOM_MIN] = {
		0xde, 0xad, 0xbe, 0xef, 0,  1,  2,  3,  4,  5,  6,  7,
		8,    9,    10,   11,   12, 13, 14, 15, 16, 17, 18, 19,
	};
	struct mime_draft_addr to = { "Zhang San", "zs@qq.com" };
	struct mime_draft_addr rt = { "Sales Team", "sales@example.com" };
	struct mime_draft_header hs[] = {
		{ "X-Mailer", "postie 0.1.0" },
		{ "X-Note", "备注：内部" },
	};
	static const char quoted[] =
		"Here is the list.\n> earlier text\nThanks";
	struct mime_draft d;
	struct buf body = BUF_INIT, out = BUF_INIT;
	struct perr e = PERR_INIT;

	draft_init(&d);
	d.random = r2;
	d.zone_min = -330;
	d.from = (struct mime_draft_addr){ "Li Lei", "lilei@example.com" };
	d.reply_to = &rt;
	d.to = &to;
	d.nto = 1;
	char *subj = mime_subject_reply("回复: Re: Price list 2027");
	char *refs = mime_reply_references("<root.1@qq.com> <a.2@qq.com> "
					   "<b.3@qq.com> <c.4@qq.com>",
					   "<parent.5@qq.com>", 0);
	char *attr = mime_attribution("On %d, %n wrote:",
				      "Fri, 20 Nov 2026 10:12:00 +0800",
				      "张三", NULL);
	d.subject = subj;
	d.references = refs;
	d.in_reply_to = "<parent.5@qq.com>";
	d.headers = hs;
	d.nheaders = ARRAY_SIZE(hs);
	buf_addstr(&body, "Prices are fine. Café at 10?\n\n");
	buf_addstr(&body, attr);
	buf_addch(&body, '\n');
	mime_quote(&body, quoted, strlen(quoted));
	d.body = body.data;
	d.body_len = body.len;
	ok(mime_draft_build(&d, &out, &e) == 0, "reply draft builds");
	is_str(out.data, golden_reply, "reply draft golden output");
	check_shape(out.data, out.len, "reply draft");
	free(subj);
	free(refs);
	free(attr);
	buf_release(&body);
	buf_release(&out);
}

/* Round trips of subjects through encoding and the reading half's
 * decoder, and the line rules on each. */
static void
test_subjects(void)
{
	static const char *const subjects[] = {
		"",
		"plain ascii",
		"  two  spaces  inside and around  ",
		"中文主题",
		"混合 mixed 中文 and English 文本",
		"looks =?like?= an encoded word",
		"tab\there",
		"表情 😀 emoji and 繁體中文 臺灣 and ÄÖÜ äöü ß",
		"a very long ascii subject that must be folded somewhere "
		"because it is longer than seventy eight columns by far, "
		"really quite far",
		"很长很长很长很长很长很长很长很长很长很长很长很长很长很长"
		"很长很长很长很长很长很长很长很长很长很长很长很长很长很长"
		"很长很长很长很长很长很长很长很长很长很长很长很长很长很长"
		"很长很长很长很长很长很长",
		"a_b=c?d (paren) \"quote\" 中",
		"Re: [list] 回复： 答复: Fwd: 转发",
	};

	for (size_t i = 0; i < ARRAY_SIZE(subjects); i++) {
		struct buf out = BUF_INIT, dec = BUF_INIT;
		struct perr e = PERR_INIT;
		const char *want = subjects[i];

		ok(mime_put_unstructured(&out, "Subject", want, &e) == 0,
		   "subject %zu encodes", i);
		check_shape(out.data, out.len, want);
		/* The decoder trims the ends; compare what it keeps. */
		struct slice t = slice_trim(slice_cstr(want));
		char *tw = slice_dup(t);
		mime_decode_header(&dec, out.data + 8, out.len - 10, NULL);
		is_str(dec.data, tw, "subject %zu decodes back", i);
		free(tw);
		buf_release(&out);
		buf_release(&dec);
	}
}

/* Random subjects and display names from awkward pieces: each must come
 * back through the reading half as it went in (ends trimmed; for names,
 * runs of spaces as one, which is how a phrase reads). */
static void
test_property(void)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "  ", "中", "文", "😀", "é", "=?", "?=",
		"_", "=", "?", "(", ")", "\"", "\\", ",", ";", ":", "<", ">",
		"@", "~", "abcdefghijklmnopqrstuvwxyz", "很长的中文句子", "Re:",
	};
	uint32_t x = 12345;
	int bad_subject = 0, bad_name = 0, long_ew = 0;

	for (int it = 0; it < 2000; it++) {
		struct buf in = BUF_INIT, out = BUF_INIT, dec = BUF_INIT;
		struct perr e = PERR_INIT;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		for (uint32_t i = 0, n = x % 40; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf_addstr(&in, pieces[x % ARRAY_SIZE(pieces)]);
		}
		if (mime_put_unstructured(&out, "Subject", in.data, &e) < 0) {
			bad_subject++;
			continue;
		}
		mime_decode_header(&dec, out.data + 8, out.len - 10, NULL);
		struct slice t = slice_trim(slice_cstr(in.data));
		if (dec.len != t.len || memcmp(dec.data, t.p, t.len) != 0) {
			if (!bad_subject++)
				diag("subject '%s' came back as '%s'", in.data,
				     dec.data);
		}
		for (const char *p = out.data; (p = strstr(p, "=?UTF-8?"));) {
			const char *end = strstr(p + 10, "?=");
			if (end && end + 2 - p > 75)
				long_ew++;
			p = end ? end + 2 : p + 1;
		}

		struct mime_draft_addr a = { in.data, "x@y.z" };
		struct buf ab = BUF_INIT, want = BUF_INIT;
		bool sp = false;
		for (size_t i = 0; i < in.len; i++) {
			if (in.data[i] == ' ') {
				sp = want.len > 0;
				continue;
			}
			if (sp)
				buf_addch(&want, ' ');
			sp = false;
			buf_addch(&want, in.data[i]);
		}
		if (mime_put_addresses(&ab, "To", &a, 1, &e) == 0) {
			struct mime_addr_list l = { 0 };
			mime_addr_parse(&l, ab.data + 3, ab.len - 5, NULL);
			if (l.n != 1 || strcmp(l.v[0].name, want.data) != 0 ||
			    strcmp(l.v[0].addr, "x@y.z") != 0) {
				if (!bad_name++)
					diag("name '%s' written as '%s'",
					     in.data, ab.data);
			}
			mime_addr_list_release(&l);
		} else {
			bad_name++;
		}
		buf_release(&ab);
		buf_release(&want);
		buf_release(&in);
		buf_release(&out);
		buf_release(&dec);
	}
	is_int(bad_subject, 0, "2,000 random subjects read back");
	is_int(bad_name, 0, "2,000 random display names read back");
	is_int(long_ew, 0, "no encoded word over 75 characters");
}

static void
test_injection(void)
{
	struct mime_draft d;
	struct mime_draft_addr to = { NULL, "bob@example.net" };
	struct mime_draft_addr evil_to = { "Bob\r\nBcc: x@evil.com",
					   "bob@example.net" };
	struct mime_draft_header xh = { "X-Mailer", "postie\nBcc: x@e.com" };
	struct mime_draft_header reserved = { "bcc", "x@e.com" };
	struct mime_draft_header badname = { "X Bad:", "v" };
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;

	buf_addstr(&out, "before");

	draft_init(&d);
	d.from = (struct mime_draft_addr){ NULL, "a@example.org" };
	d.to = &to;
	d.nto = 1;
	d.subject = "hi\r\nBcc: victim@example.com";
	ok(mime_draft_build(&d, &out, &e) < 0,
	   "hostile-32: CRLF in the subject is refused");
	like(e.msg, "'Subject'", "hostile-32: the error names Subject");
	is_str(out.data, "before", "nothing written on failure");

	d.subject = "ok";
	d.to = &evil_to;
	ok(mime_draft_build(&d, &out, &e) < 0,
	   "hostile-32: CRLF in a display name is refused");
	like(e.msg, "'To'", "hostile-32: the error names To");

	d.to = &to;
	d.headers = &xh;
	d.nheaders = 1;
	ok(mime_draft_build(&d, &out, &e) < 0,
	   "hostile-32: LF in an extra header is refused");
	like(e.msg, "'X-Mailer'", "hostile-32: the error names X-Mailer");
	d.headers = &reserved;
	ok(mime_draft_build(&d, &out, &e) < 0,
	   "Bcc as an extra header refused");
	d.headers = &badname;
	ok(mime_draft_build(&d, &out, &e) < 0, "bad header name refused");
	like(e.msg, "bad header name", "bad header name message");
	d.headers = NULL;
	d.nheaders = 0;

	d.in_reply_to = "<a@b>\r\nX: y";
	ok(mime_draft_build(&d, &out, &e) < 0,
	   "hostile-32: CRLF in In-Reply-To refused");
	like(e.msg, "'In-Reply-To'", "the error names In-Reply-To");
	d.in_reply_to = "not an id";
	ok(mime_draft_build(&d, &out, &e) < 0, "bad message id refused");
	d.in_reply_to = NULL;

	d.body = "a\0b";
	d.body_len = 3;
	ok(mime_draft_build(&d, &out, &e) < 0,
	   "hostile-31: NUL in the body is refused");
	like(e.msg, "NUL byte at offset 1", "NUL offset reported");
	d.body = "caf\xe9";
	d.body_len = 4;
	ok(mime_draft_build(&d, &out, &e) < 0, "invalid UTF-8 body refused");
	like(e.msg, "not valid UTF-8 at offset 3", "bad byte offset reported");
	d.body = "x";
	d.body_len = 1;

	d.random_len = 8;
	ok(mime_draft_build(&d, &out, &e) < 0, "too little randomness refused");
	d.random_len = sizeof(rnd);

	struct mime_draft_file badf = { "a\nb.txt", "x", 1, NULL };
	d.files = &badf;
	d.nfiles = 1;
	ok(mime_draft_build(&d, &out, &e) < 0,
	   "control character in a file name refused");
	struct mime_draft_file badt = { "a.txt", "x", 1, "text/plain\r\nX: y" };
	d.files = &badt;
	ok(mime_draft_build(&d, &out, &e) < 0, "bad media type refused");
	d.files = NULL;
	d.nfiles = 0;

	is_str(out.data, "before", "out untouched by every failure");
	ok(mime_draft_build(&d, &out, &e) == 0, "the fixed draft builds");
	ok(strncmp(out.data, "beforeDate: ", 12) == 0, "appended after");
	buf_release(&out);
}

struct body_case {
	const char *name;
	const char *body;
	bool eightbit;
	const char *cte;
};

static void
test_body_encodings(void)
{
	struct buf longline = BUF_INIT, longcjk = BUF_INIT;

	for (int i = 0; i < 1200; i++)
		buf_addch(&longline, "abcdefgh ="[i % 10]);
	for (int i = 0; i < 400; i++)
		buf_addstr(&longcjk, "中");
	const struct body_case cases[] = {
		{ "short ascii", "hello\n", false, "7bit" },
		{ "utf-8 with 8bitmime", "你好\n", true, "8bit" },
		{ "utf-8 without 8bitmime", "你好，世界\n", false, "base64" },
		{ "mostly ascii utf-8", "Hello world, caf\xc3\xa9 time\n",
		  false, "quoted-printable" },
		{ "hostile-31: long ascii line", longline.data, false,
		  "quoted-printable" },
		{ "hostile-31: long ascii line with 8bitmime", longline.data,
		  true, "quoted-printable" },
		{ "long cjk line", longcjk.data, true, "base64" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct body_case *c = &cases[i];
		struct mime_draft d;
		struct mime_draft_addr to = { NULL, "b@example.net" };
		struct buf out = BUF_INIT, dec = BUF_INIT;
		struct perr e = PERR_INIT;

		draft_init(&d);
		d.from = (struct mime_draft_addr){ NULL, "a@example.org" };
		d.to = &to;
		d.nto = 1;
		d.body = c->body;
		d.body_len = strlen(c->body);
		d.eightbit = c->eightbit;
		ok(mime_draft_build(&d, &out, &e) == 0, "%s: builds", c->name);
		char want[80];
		snprintf(want, sizeof(want),
			 "Content-Transfer-Encoding: %s\r\n", c->cte);
		like(out.data, want, "%s: %s", c->name, c->cte);
		check_shape(out.data, out.len, c->name);

		struct mime_message m;
		mime_message_parse(&m, out.data, out.len, NULL);
		if (m.nleaves == 1)
			mime_part_text(&dec, &m, m.leaves[0], 0);
		/* The text comes back with a final line end added. */
		struct buf want_body = BUF_INIT;
		buf_addstr(&want_body, c->body);
		if (want_body.len && want_body.data[want_body.len - 1] != '\n')
			buf_addch(&want_body, '\n');
		is_str(dec.data, want_body.data, "%s: reads back", c->name);
		if (strcmp(c->cte, "quoted-printable") == 0) {
			const char *sep = strstr(out.data, "\r\n\r\n");
			size_t body_off = (size_t)(sep - out.data) + 4;
			size_t maxl = 0, run = 0;
			for (size_t k = body_off; k < out.len; k++) {
				if (out.data[k] == '\r')
					continue;
				run = out.data[k] == '\n' ? 0 : run + 1;
				if (run > maxl)
					maxl = run;
			}
			ok(maxl <= 76, "%s: QP lines within 76 (%zu)", c->name,
			   maxl);
		}
		buf_release(&want_body);
		mime_message_release(&m);
		buf_release(&out);
		buf_release(&dec);
	}
	buf_release(&longline);
	buf_release(&longcjk);

	/* Bare CR and LF become CRLF. */
	struct mime_draft d;
	struct mime_draft_addr to = { NULL, "b@example.net" };
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;
	draft_init(&d);
	d.from = (struct mime_draft_addr){ NULL, "a@example.org" };
	d.to = &to;
	d.nto = 1;
	d.body = "a\rb\nc\r\nd";
	d.body_len = strlen(d.body);
	ok(mime_draft_build(&d, &out, &e) == 0, "mixed line ends build");
	like(out.data, "\r\n\r\na\r\nb\r\nc\r\nd\r\n",
	     "hostile-31: bare CR and LF made CRLF");
	buf_release(&out);
}

/* format=flowed on the way out, undone by the reader on the way in. */
static void
test_flowed_body(void)
{
	static const char text[] =
		"各位好：下周一上午九点在三楼会议室开会，请准时参加。会议材料"
		"见附件，如有问题请随时联系我。\n\n"
		"A long English line that goes on well past the seventy-two "
		"columns a flowed line may use.\n"
		"> quoted\n-- \n张三\n";
	struct mime_draft d;
	struct mime_draft_addr to = { NULL, "b@example.net" };
	struct buf out = BUF_INIT, dec = BUF_INIT;
	struct perr e = PERR_INIT;

	draft_init(&d);
	d.from = (struct mime_draft_addr){ NULL, "a@example.org" };
	d.to = &to;
	d.nto = 1;
	d.body = text;
	d.body_len = strlen(text);
	d.eightbit = true;
	d.flowed = true;
	ok(mime_draft_build(&d, &out, &e) == 0, "flowed draft builds");
	like(out.data, "Content-Type: text/plain; charset=UTF-8; "
		       "format=flowed; delsp=yes\r\n", "flowed content type");
	like(out.data, "Content-Transfer-Encoding: 8bit\r\n",
	     "flowed text in 8bit");
	like(out.data, "columns a  \r\nflowed line may use.\r\n",
	     "long line cut at a space, soft break marked");
	check_shape(out.data, out.len, "flowed draft");

	struct mime_message m;
	mime_message_parse(&m, out.data, out.len, NULL);
	if (m.nleaves == 1)
		mime_part_text(&dec, &m, m.leaves[0], 0);
	is_str(dec.data, text, "flowed body reads back as written");
	mime_message_release(&m);
	buf_release(&out);
	buf_release(&dec);
}

static void
test_big_attachment(void)
{
	const size_t size = 10 * 1024 * 1024;
	unsigned char *data = xmalloc(size);
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	struct mime_draft d;
	struct mime_draft_addr to = { NULL, "b@example.net" };
	struct mime_draft_file f = { "大文件.bin", data, size, NULL };
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;

	draft_init(&d);
	d.from = (struct mime_draft_addr){ NULL, "a@example.org" };
	d.to = &to;
	d.nto = 1;
	d.files = &f;
	d.nfiles = 1;
	double t0 = secs();
	ok(mime_draft_build(&d, &out, &e) == 0, "10 MB attachment builds");
	double dt = secs() - t0;
	diag("10 MB attachment built in %.3f s (%.0f MB/s)", dt,
	     (double)size / 1e6 / dt);
	like(out.data, "Content-Type: application/octet-stream;",
	     "random bytes are application/octet-stream");

	const char *hdr = strstr(out.data, "Content-Transfer-Encoding: base64"
					   "\r\n\r\n");
	ok(hdr != NULL, "attachment is base64");
	if (hdr) {
		const char *b = hdr + strlen("Content-Transfer-Encoding: "
					     "base64\r\n\r\n");
		const char *end = strstr(b, "\r\n--=_");
		size_t chars = 4 * ((size + 2) / 3);
		size_t want = chars + 2 * ((chars + 75) / 76);
		ok(end != NULL, "closing boundary found");
		if (end) {
			is_int((intmax_t)(end - b), (intmax_t)want,
			       "base64 length: 76-column lines with CRLF");
			struct buf dec = BUF_INIT;
			struct b64_report rep;
			memset(&rep, 0, sizeof(rep));
			b64_decode(&dec, b, (size_t)(end - b), &rep);
			is_mem(dec.data, dec.len, data, size,
			       "10 MB decode round trip");
			is_int((intmax_t)rep.junk, 0, "no junk in base64");
			buf_release(&dec);
		}
	}
	free(data);
	buf_release(&out);
}

struct type_case {
	const char *name;
	const char *data;
	size_t len;
	const char *want;
};

static void
test_types(void)
{
	const struct type_case cases[] = {
		{ "report.PDF", NULL, 0, "application/pdf" },
		{ "photo.jpeg", NULL, 0, "image/jpeg" },
		{ "表格.xlsx", NULL, 0,
		  "application/vnd.openxmlformats-officedocument."
		  "spreadsheetml.sheet" },
		{ "a.tar.gz", NULL, 0, "application/gzip" },
		{ "noext", "%PDF-1.7\n", 9, "application/pdf" },
		{ "noext", "\x89PNG\r\n\x1a\n....", 12, "image/png" },
		{ "x.unknown", "GIF89a..", 8, "image/gif" },
		{ NULL, "PK\x03\x04rest", 8, "application/zip" },
		{ NULL, "plain 中文 text\n", 18, "text/plain" },
		{ NULL, "bin\0ary", 7, "application/octet-stream" },
		{ NULL, "\xff\xfe\x00", 3, "application/octet-stream" },
		{ ".bashrc", "x=1\n", 4, "text/plain" },
		{ "trailingdot.", NULL, 0, "application/octet-stream" },
		{ NULL, NULL, 0, "application/octet-stream" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		is_str(mime_type_guess(cases[i].name, cases[i].data,
				       cases[i].len),
		       cases[i].want, "media type of '%s' (%zu)",
		       cases[i].name ? cases[i].name : "(none)", i);
}

struct addr_case {
	const char *addr;
	bool good;
};

static void
test_addresses(void)
{
	const struct addr_case cases[] = {
		{ "a@b", true },
		{ "first.last@example.com", true },
		{ "12345@qq.com", true },
		{ "user+tag@sub.example.co.uk", true },
		{ "\"odd person\"@example.com", true },
		{ "a@[192.0.2.1]", true },
		{ "", false },
		{ "noat", false },
		{ "@example.com", false },
		{ "a@", false },
		{ "a b@example.com", false },
		{ "a@exa mple.com", false },
		{ ".a@example.com", false },
		{ "a..b@example.com", false },
		{ "a.@example.com", false },
		{ "a@-example.com", false },
		{ "a@example-.com", false },
		{ "a@example..com", false },
		{ "a\r\n@example.com", false },
		{ "a@example.com\r\nBcc: x@y", false },
		{ "\xe5\xbc\xa0@example.com", false },
		{ "a<b@example.com", false },
		{ "a@exam_ple.com", false },
		{ "\"unbalanced@example.com", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct perr e = PERR_INIT;
		int r = mime_addr_check(cases[i].addr, &e);
		ok((r == 0) == cases[i].good, "address %zu %s (%s)", i,
		   cases[i].good ? "accepted" : "refused",
		   cases[i].good ? "" : e.msg);
	}
	char big[300];
	memset(big, 'a', sizeof(big));
	big[70] = '@';
	big[sizeof(big) - 1] = '\0';
	struct perr e = PERR_INIT;
	ok(mime_addr_check(big, &e) < 0, "address over 254 octets refused");
	big[10] = '@';
	big[70] = 'a';
	big[120] = '\0';
	ok(mime_addr_check(big, &e) < 0, "domain label over 63 refused");
}

struct phrase_case {
	const char *name;
	const char *want;
};

static void
test_display_names(void)
{
	const struct phrase_case cases[] = {
		{ "Alice", "To: Alice <a@b.c>\r\n" },
		{ "Alice B. Smith", "To: \"Alice B. Smith\" <a@b.c>\r\n" },
		{ "Smith, John", "To: \"Smith, John\" <a@b.c>\r\n" },
		{ "say \"hi\" \\o/",
		  "To: =?UTF-8?B?c2F5ICJoaSIgXG8v?= <a@b.c>\r\n" },
		{ "张三", "To: =?UTF-8?B?5byg5LiJ?= <a@b.c>\r\n" },
		{ "Zhang 三", "To: Zhang =?UTF-8?B?5LiJ?= <a@b.c>\r\n" },
		{ "José", "To: =?UTF-8?B?Sm9zw6k=?= <a@b.c>\r\n" },
		{ "José Luis García Pérez",
		  "To: =?UTF-8?B?Sm9zw6k=?= Luis "
		  "=?UTF-8?B?R2FyY8OtYSBQw6lyZXo=?= <a@b.c>\r\n" },
		{ "Zürichsee-Schifffahrt AG",
		  "To: =?UTF-8?Q?Z=C3=BCrichsee-Schifffahrt?= AG <a@b.c>\r\n" },
		{ "", "To: a@b.c\r\n" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mime_draft_addr a = { cases[i].name, "a@b.c" };
		struct buf out = BUF_INIT;
		struct perr e = PERR_INIT;
		ok(mime_put_addresses(&out, "To", &a, 1, &e) == 0,
		   "display name '%s' writes", cases[i].name);
		is_str(out.data, cases[i].want, "display name '%s'",
		       cases[i].name);

		/* and reads back */
		struct mime_addr_list l = { 0 };
		mime_addr_parse(&l, out.data + 3, out.len - 5, NULL);
		ok(l.n == 1 && strcmp(l.v[0].name, cases[i].name) == 0,
		   "display name '%s' reads back", cases[i].name);
		mime_addr_list_release(&l);
		buf_release(&out);
	}
}

struct date_case {
	int64_t t;
	int zone;
	const char *want;
};

static void
test_dates(void)
{
	const struct date_case cases[] = {
		{ 0, 0, "Thu, 1 Jan 1970 00:00:00 +0000" },
		{ T0, 480, "Mon, 23 Nov 2026 21:39:28 +0800" },
		{ T0, -300, "Mon, 23 Nov 2026 08:39:28 -0500" },
		{ T0, 330, "Mon, 23 Nov 2026 19:09:28 +0530" },
		{ 951782400, 0, "Tue, 29 Feb 2000 00:00:00 +0000" },
		{ -86400, 0, "Wed, 31 Dec 1969 00:00:00 +0000" },
		{ 4102444799LL, 0, "Thu, 31 Dec 2099 23:59:59 +0000" },
		{ 1709164800, -720, "Wed, 28 Feb 2024 12:00:00 -1200" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf out = BUF_INIT;
		struct perr e = PERR_INIT;
		ok(mime_date_format(&out, cases[i].t, cases[i].zone, &e) == 0,
		   "date %zu formats", i);
		is_str(out.data, cases[i].want, "date %zu", i);

		int64_t t;
		int z;
		ok(mime_date_parse(out.data, out.len, &t, &z) == 0 &&
		   t == cases[i].t && z == cases[i].zone,
		   "date %zu reads back", i);
		buf_release(&out);
	}
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;
	ok(mime_date_format(&out, 0, 1440, &e) < 0, "zone of 24 h refused");
	ok(mime_date_format(&out, 300000000000LL, 0, &e) < 0,
	   "year beyond 9999 refused");
	is_int((intmax_t)out.len, 0, "nothing written for a bad date");
	buf_release(&out);
}

int
main(void)
{
	test_golden_ascii();
	test_golden_cjk();
	test_golden_reply();
	test_subjects();
	test_property();
	test_display_names();
	test_injection();
	test_body_encodings();
	test_flowed_body();
	test_big_attachment();
	test_types();
	test_addresses();
	test_dates();
	return done_testing();
}
