/* SPDX-License-Identifier: ISC */
/*
 * Reply helpers: the subject normaliser (a table of prefixes in the
 * languages our users get mail in), reply and forward subjects, thread
 * keys, quoting, attribution lines and the References list.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/mime_text.h"

struct subj_case {
	const char *in;
	const char *base;
};

static const struct subj_case subjects[] = {
	{ NULL, "" },
	{ "", "" },
	{ "Hello", "Hello" },
	{ "Re: Hello", "Hello" },
	{ "RE: Hello", "Hello" },
	{ "re:Hello", "Hello" },
	{ "Re: Re: Re: Hello", "Hello" },
	{ "Re[2]: Hello", "Hello" },
	{ "Re(3): Hello", "Hello" },
	{ "Re^2: Hello", "Hello" },
	{ "Re : Hello", "Hello" },
	{ "Fwd: Hello", "Hello" },
	{ "FW: Hello", "Hello" },
	{ "Fw: Re: Fwd: Hello", "Hello" },
	{ "Aw: Hello", "Hello" },
	{ "WG: AW: Hello", "Hello" },
	{ "Sv: Hello", "Hello" },
	{ "VS: Hello", "Hello" },
	{ "Antw: Hello", "Hello" },
	{ "TR: RE: Hello", "Hello" },
	{ "回复: 会议通知", "会议通知" },
	{ "回复：会议通知", "会议通知" },
	{ "回复： 回复：会议通知", "会议通知" },
	{ "答复: 会议通知", "会议通知" },
	{ "转发: 会议通知", "会议通知" },
	{ "转发：Re: 回复: 会议通知", "会议通知" },
	{ "回覆：會議通知", "會議通知" },
	{ "轉寄：會議通知", "會議通知" },
	{ "Re：会议通知", "会议通知" },
	{ "\xe3\x80\x80回复：会议通知", "会议通知" },
	{ "  Re:   lots   of\tspace  ", "lots of space" },
	{ "Resume: my CV", "Resume: my CV" },
	{ "Review: draft", "Review: draft" },
	{ "Re Hello", "Re Hello" },
	{ "Re[x]: odd counter", "Re[x]: odd counter" },
	{ "Hello Re: world", "Hello Re: world" },
	{ "Re:", "" },
	{ "回复", "回复" },
	{ "[list] Re: tagged", "[list] tagged" },
	{ "Re: [list] Re: 回复：tagged", "[list] tagged" },
	{ "[list]no space", "[list]no space" },
	{ "[PATCH v2] fix", "[PATCH v2] fix" },
	{ "[unclosed tag Re: x", "[unclosed tag Re: x" },
	{ "[] Re: empty tag", "[] Re: empty tag" },
	{ "Re: 10:30 meeting", "10:30 meeting" },
};

static void
test_subjects(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(subjects); i++) {
		const struct subj_case *c = &subjects[i];
		char *b = mime_subject_base(c->in);
		is_str(b, c->base, "base of '%s'", c->in ? c->in : "(null)");
		free(b);
	}

	char *s = mime_subject_reply("回复：Re: 会议通知");
	is_str(s, "Re: 会议通知", "reply subject");
	free(s);
	s = mime_subject_reply("Re: Re: hi");
	is_str(s, "Re: hi", "reply to a reply adds no second Re");
	free(s);
	s = mime_subject_reply(NULL);
	is_str(s, "Re:", "reply to no subject");
	free(s);
	s = mime_subject_forward("RE: 报价单");
	is_str(s, "Fwd: 报价单", "forward subject");
	free(s);

	s = mime_subject_reply("[dev] Re: build");
	is_str(s, "Re: [dev] build", "reply on a list keeps the tag");
	free(s);

	char *a = mime_thread_key("Re: Quarterly REPORT 报告");
	char *b = mime_thread_key("回复：quarterly  report 报告");
	is_str(a, "quarterly report 报告", "thread key lower-cased");
	is_str(a, b, "replies in two languages share the thread key");
	free(a);
	free(b);
}

struct quote_case {
	const char *name;
	const char *in;
	const char *want;
};

static const struct quote_case quotes[] = {
	{ "empty", "", "" },
	{ "one line", "hello", "> hello\n" },
	{ "lines", "a\nb\n", "> a\n> b\n" },
	{ "crlf", "a\r\nb\r\n", "> a\n> b\n" },
	{ "blank line", "a\n\nb", "> a\n>\n> b\n" },
	{ "requote", "> old\n>> older\nnew", ">> old\n>>> older\n> new\n" },
	{ "chinese", "你好\n世界", "> 你好\n> 世界\n" },
};

static void
test_quote(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(quotes); i++) {
		struct buf out = BUF_INIT;
		mime_quote(&out, quotes[i].in, strlen(quotes[i].in));
		is_str(out.data, quotes[i].want, "quote: %s", quotes[i].name);
		buf_release(&out);
	}
}

static void
test_attribution(void)
{
	char *s = mime_attribution("On %d, %n wrote:", "Mon, 23 Nov 2026",
				   "张三", "zs@qq.com");
	is_str(s, "On Mon, 23 Nov 2026, 张三 wrote:", "attribution");
	free(s);
	s = mime_attribution("在 %d，%n <%a> 写道：", "2026-11-23", NULL,
			     "zs@qq.com");
	is_str(s, "在 2026-11-23，zs@qq.com <zs@qq.com> 写道：",
	       "attribution without a name uses the address");
	free(s);
	s = mime_attribution("100%% %x %", NULL, "", NULL);
	is_str(s, "100% %x %", "unknown and trailing percent signs kept");
	free(s);
	s = mime_attribution("%n%n", "d", "%d", "a");
	is_str(s, "%d%d", "values are not expanded again");
	free(s);
}

static void
test_references(void)
{
	char *r = mime_reply_references(NULL, "<p@x>", 0);
	is_str(r, "<p@x>", "first reply: the parent only");
	free(r);
	r = mime_reply_references("<a@x> <b@x>", "<c@x>", 0);
	is_str(r, "<a@x> <b@x> <c@x>", "parent appended");
	free(r);
	r = mime_reply_references("<a@x>\r\n <b@x>", "<b@x>", 0);
	is_str(r, "<a@x> <b@x>", "duplicate parent not repeated");
	free(r);
	r = mime_reply_references("junk <a@x> (comment) <bad id> <b@x>",
				  "no id", 0);
	is_str(r, "<a@x> <b@x>", "junk skipped");
	free(r);
	r = mime_reply_references(NULL, NULL, 0);
	is_str(r, "", "nothing gives empty");
	free(r);

	struct buf refs = BUF_INIT;
	for (int i = 1; i <= 30; i++)
		buf_addf(&refs, "<m%d@x> ", i);
	r = mime_reply_references(refs.data, "<p@x>", 5);
	is_str(r, "<m1@x> <m28@x> <m29@x> <m30@x> <p@x>",
	       "trimmed to the first and the last ones");
	free(r);
	r = mime_reply_references(refs.data, "<p@x>", 0);
	size_t n = 0;
	for (const char *p = r; *p; p++)
		n += *p == '<';
	is_int((intmax_t)n, MIME_REFERENCES_MAX, "default limit");
	ok(strncmp(r, "<m1@x> <m13@x> ", 15) == 0, "root then the newest");
	free(r);

	/* 100,000 ids: linear in the input. */
	buf_reset(&refs);
	for (int i = 0; i < 100000; i++)
		buf_addstr(&refs, "<same@x> ");
	r = mime_reply_references(refs.data, "<p@x>", 0);
	is_str(r, "<same@x> <p@x>", "100,000 duplicate ids collapse");
	free(r);
	buf_release(&refs);
}

int
main(void)
{
	test_subjects();
	test_quote();
	test_attribution();
	test_references();
	return done_testing();
}
