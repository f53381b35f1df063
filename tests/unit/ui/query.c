/* SPDX-License-Identifier: ISC */
/*
 * ui: the query language of the limit, tag-pattern and search prompts
 * (src/ui/query.c): parsing, its errors, dates, and matching a small
 * folder with Chinese and English mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "query.h"

/* 2026-11-23 12:00 UTC */
#define NOW 1795435200
#define DAY 86400

struct msg {
	const char *from_name, *from_addr, *to, *subject;
	int64_t date;
	uint32_t flags;
};

static const struct msg msgs[] = {
	{ "张伟", "zhangwei@163.com", "demo@example.org",
	  "关于下周项目评审的安排", NOW - 2 * DAY, STORE_F_SEEN },
	{ "Li Lei", "lilei@qq.com", "demo@example.org, 韩梅梅 <hmm@126.com>",
	  "Weekly Report", NOW - 10 * DAY, 0 },
	{ "", "noreply@bank.example", "demo@example.org", "Statement",
	  NOW - 40 * DAY, STORE_F_SEEN | STORE_F_ATTACHMENT },
	{ "王芳", "wangfang@126.com", "demo@example.org",
	  "Re: 周末爬山", NOW - 1 * DAY,
	  STORE_F_SEEN | STORE_F_FLAGGED | STORE_F_ANSWERED },
	{ "Spam King", "k@spam.example", "x@y", "WIN A PRIZE",
	  NOW - 3 * DAY, STORE_F_DELETED },
};
#define NMSG (sizeof(msgs) / sizeof(msgs[0]))

static uint32_t
put(struct buf *arena, const char *s)
{
	uint32_t off = (uint32_t)arena->len;
	buf_add(arena, s, strlen(s) + 1);
	return off;
}

static void
load(struct store_summaries *s)
{
	struct buf arena = BUF_INIT;

	buf_addch(&arena, '\0');
	memset(s, 0, sizeof(*s));
	s->v = calloc(NMSG, sizeof(*s->v));
	s->n = NMSG;
	for (size_t i = 0; i < NMSG; i++) {
		struct store_summary *m = &s->v[i];
		m->uid = (uint32_t)i + 1;
		m->from_name = put(&arena, msgs[i].from_name);
		m->from_addr = put(&arena, msgs[i].from_addr);
		m->to = put(&arena, msgs[i].to);
		m->subject = put(&arena, msgs[i].subject);
		m->date = msgs[i].date;
		m->flags = msgs[i].flags;
	}
	s->arena_len = arena.len;
	s->arena = buf_detach(&arena, NULL);
}

/* The UIDs a query matches, as "1,3" ("" for none, "ERR: msg" on a
 * parse error). */
static char *
run(const struct store_summaries *s, const char *query)
{
	struct ui_query q;
	struct perr e = PERR_INIT;
	struct buf out = BUF_INIT;

	if (ui_query_parse(query, NOW, 0, &q, &e) < 0) {
		buf_addf(&out, "ERR: %s", e.msg);
		return buf_detach(&out, NULL);
	}
	for (size_t i = 0; i < s->n; i++)
		if (ui_query_match(&q, s, &s->v[i]))
			buf_addf(&out, "%s%u", out.len ? "," : "",
				 (unsigned)s->v[i].uid);
	ui_query_release(&q);
	return buf_detach(&out, NULL);
}

static const struct {
	const char *query, *want, *name;
} cases[] = {
	{ "", "1,2,3,4,5", "empty matches all" },
	{ "all", "1,2,3,4,5", "all matches all" },
	{ "report", "2", "a word in the subject, case folded" },
	{ "REPORT", "2", "upper case folded" },
	{ "li", "2", "a word in the sender name" },
	{ "qq.com", "2", "a word in the sender address" },
	{ "项目", "1", "Chinese in the subject" },
	{ "张伟", "1", "Chinese sender name" },
	{ "from:王芳", "4", "from: Chinese" },
	{ "from:126.com", "4", "from: address part" },
	{ "to:韩梅梅", "2", "to: a Chinese name among several" },
	{ "subject:周末", "4", "subject: Chinese" },
	{ "subject:\"weekly report\"", "2", "a quoted phrase" },
	{ "\"Weekly Report\"", "2", "a quoted phrase without a key" },
	{ "subject:weekly subject:statement", "", "terms are joined by AND" },
	{ "from:li subject:weekly", "2", "two keys AND" },
	{ "is:unread", "2,5", "is:unread" },
	{ "is:read", "1,3,4", "is:read" },
	{ "is:flagged", "4", "is:flagged" },
	{ "is:replied", "4", "is:replied" },
	{ "is:deleted", "5", "is:deleted" },
	{ "has:attachment", "3", "has:attachment" },
	{ "IS:Unread", "2,5", "keys and values case folded" },
	{ "date:7d", "1,4,5", "date:7d is the last week" },
	{ "date:<7d", "1,4,5", "date:<7d the same" },
	{ "date:>7d", "2,3", "date:>7d is older" },
	{ "date:2026-11-13", "2", "date: one day" },
	{ "date:2026-11-13..2026-11-21", "1,2,5", "date: a range, both ends in" },
	{ "date:2026-11-13..2026-11-20", "2,5", "date: the last day counts whole" },
	{ "date:2026-11-20..", "1,4,5", "date: open end" },
	{ "date:..2026-11-13", "2,3", "date: open start" },
	{ "\xe3\x80\x80项目\xe3\x80\x80", "1", "ideographic spaces are blanks" },
	{ "body:合同", "1,2,3,4,5", "body: is left to the caller" },
	{ "nothing-like-this", "", "no match" },
	{ "foo:bar", "ERR: unknown key 'foo:' at byte 1", "unknown key" },
	{ "report from:", "ERR: 'from:' at byte 8 needs a value",
	  "a key without a value" },
	{ "subject:\"open", "ERR: unclosed quote at byte 9", "unclosed quote" },
	{ "date:2026-13-01", "ERR: date:2026-13-01 is not a date",
	  "a bad month" },
	{ "date:2026-02-30", "ERR: date:2026-02-30 is not a date",
	  "a day past the month" },
	{ "date:2026-11-10..2026-11-01", "ERR: date:2026-11-10..2026-11-01 "
	  "ends before", "a range turned round" },
	{ "date:7x", "ERR: date:7x is not a date", "a bad age" },
	{ "is:fancy", "ERR: 'is:fancy' at byte 1 is not known",
	  "unknown is: value" },
	{ "has:wings", "ERR: 'has:wings' at byte 1 is not known",
	  "unknown has: value" },
	{ "\xff", "ERR: the query is not valid UTF-8", "invalid UTF-8" },
};

static void
test_table(void)
{
	struct store_summaries s;

	load(&s);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = run(&s, cases[i].query);
		if (strncmp(cases[i].want, "ERR: ", 5) == 0)
			like(got, cases[i].want, "%s", cases[i].name);
		else
			is_str(got, cases[i].want, "%s", cases[i].name);
		free(got);
	}
	store_summaries_release(&s);
}

static void
test_body(void)
{
	struct ui_query q;
	struct perr e = PERR_INIT;

	is_int(ui_query_parse("body:合同 report body:\"draft two\"", NOW, 0,
			      &q, &e), 0, "body terms parse");
	is_str(q.body, "合同 draft two", "body values joined for the index");
	is_int((intmax_t)q.n, 3, "three terms");
	ui_query_release(&q);
	is_int(ui_query_parse("report", NOW, 0, &q, &e), 0, "no body term");
	ok(q.body == NULL, "no body text");
	ui_query_release(&q);
}

static void
test_limits(void)
{
	struct ui_query q;
	struct perr e = PERR_INIT;
	char *big = malloc(UI_QUERY_MAX + 2);

	memset(big, 'a', UI_QUERY_MAX + 1);
	big[UI_QUERY_MAX + 1] = '\0';
	is_int(ui_query_parse(big, NOW, 0, &q, &e), -1, "an over-long query");
	like(e.msg, "longer than", "is refused with a reason");
	ok(q.n == 0 && q.v == NULL, "and leaves the query empty");
	free(big);
	/* the local day: UTC+8 moves midnight 8 hours back */
	is_int(ui_query_parse("date:2026-11-23", NOW, 480, &q, &e), 0,
	       "a day in UTC+8");
	is_int(q.v[0].from, 1795392000 - 8 * 3600, "starts at local midnight");
	is_int(q.v[0].to - q.v[0].from, DAY, "lasts one day");
	ui_query_release(&q);
	ok(ui_query_contains("Hello", ""), "empty needle is contained");
	ok(!ui_query_contains("", "x"), "nothing in an empty field");
	ok(ui_query_contains("abc周末def", "C周末D"), "mixed text folded");
}

/* The cost of a limit on a large folder: every summary of a synthetic
 * load of 100,000 messages against a query of four terms. Prints the
 * figure (make && build/release/tests/unit/ui/query.t | grep limit:). */
static void
test_speed(void)
{
	enum { N = 100000 };
	struct store_summaries s = { 0 };
	struct buf arena = BUF_INIT;
	struct ui_query q;
	struct perr e = PERR_INIT;

	buf_addch(&arena, '\0');
	s.v = calloc(N, sizeof(*s.v));
	s.n = N;
	for (size_t i = 0; i < N; i++) {
		struct store_summary *m = &s.v[i];
		char t[128];
		m->uid = (uint32_t)i + 1;
		snprintf(t, sizeof(t), "用户%zu", i % 977);
		m->from_name = put(&arena, t);
		snprintf(t, sizeof(t), "u%zu@example.com", i % 977);
		m->from_addr = put(&arena, t);
		m->to = put(&arena, "demo@example.org");
		snprintf(t, sizeof(t), "Re: 项目周报 week %zu report", i % 52);
		m->subject = put(&arena, t);
		m->date = NOW - (int64_t)(i % 400) * DAY;
		m->flags = i % 3 ? STORE_F_SEEN : 0;
	}
	s.arena_len = arena.len;
	s.arena = buf_detach(&arena, NULL);
	is_int(ui_query_parse("from:用户12 subject:周报 date:30d is:unread",
			      NOW, 0, &q, &e), 0, "a four-term query");
	int64_t t0 = time_mono_ms();
	size_t hits = 0;
	for (int round = 0; round < 5; round++)
		for (size_t i = 0; i < N; i++)
			hits += ui_query_match(&q, &s, &s.v[i]);
	int64_t ms = time_mono_ms() - t0;
	ok(hits > 0, "it matches some");
	diag("limit: %d summaries matched in %.1f ms (%zu hits)", N,
	     (double)ms / 5, hits / 5);
	ui_query_release(&q);
	store_summaries_release(&s);
}

int
main(void)
{
	test_speed();
	test_table();
	test_body();
	test_limits();
	return done_testing();
}
