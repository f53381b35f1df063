/* SPDX-License-Identifier: ISC */
/*
 * Sorting tables and the base-subject rules: a small folder sorted by
 * every key, forwards and backwards, written as its UIDs in order.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/store.h"

struct smsg {
	uint32_t uid;
	int64_t date;
	uint32_t size;
	const char *from_name;
	const char *from_addr;
	const char *subject;
};

static const struct smsg folder[] = {
	{ 10, 300, 500, "Zhang San", "zs@qq.com", "Re: 会议通知" },
	{ 11, 100, 100, "", "alice@163.com", "budget" },
	{ 12, 200, 900, "bob", "bob@126.com", "回复: Budget" },
	{ 13, 0, 100, "张三", "zs2@qq.com", "Apple" },
	{ 14, 200, 50, "Alice", "a@b.c", "FW: apple pie" },
};

static void
make_load(struct store_summaries *s)
{
	struct buf a = BUF_INIT;
	size_t n = ARRAY_SIZE(folder);

	buf_addch(&a, '\0');
	s->v = xcalloc(n, sizeof(*s->v));
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		struct store_summary *m = &s->v[i];
		m->uid = folder[i].uid;
		m->date = folder[i].date;
		m->internal_date = 150; /* what a missing Date falls back to */
		m->size = folder[i].size;
		m->from_name = (uint32_t)a.len;
		buf_add(&a, folder[i].from_name,
			strlen(folder[i].from_name) + 1);
		m->from_addr = (uint32_t)a.len;
		buf_add(&a, folder[i].from_addr,
			strlen(folder[i].from_addr) + 1);
		m->subject = (uint32_t)a.len;
		buf_add(&a, folder[i].subject, strlen(folder[i].subject) + 1);
	}
	s->arena_len = a.len;
	s->arena = buf_detach(&a, NULL);
}

static char *
uids(const struct store_summaries *s, const uint32_t *order)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < s->n; i++)
		buf_addf(&b, "%s%u", i ? " " : "", s->v[order[i]].uid);
	return buf_detach(&b, NULL);
}

static const struct {
	enum store_sort_key key;
	bool reverse;
	const char *want;
	const char *name;
} sorts[] = {
	{ STORE_SORT_ARRIVAL, false, "10 11 12 13 14", "arrival" },
	{ STORE_SORT_ARRIVAL, true, "14 13 12 11 10", "arrival reversed" },
	/* 13 has no Date: it sorts by its arrival (150); 12 and 14 tie on
	 * date and fall back to UID. */
	{ STORE_SORT_DATE, false, "11 13 12 14 10", "date" },
	{ STORE_SORT_DATE, true, "10 14 12 13 11", "date reversed" },
	{ STORE_SORT_SIZE, false, "14 11 13 10 12", "size" },
	/* by display name, else address, ASCII case folded: Alice before
	 * alice@163.com (a prefix sorts first), bob, Zhang San, then the
	 * UTF-8 bytes of 张三 */
	{ STORE_SORT_FROM, false, "14 11 12 10 13", "from" },
	/* apple, apple pie, budget x2 (dates 100, 200), 会议通知 */
	{ STORE_SORT_SUBJECT, false, "13 14 11 12 10", "subject" },
	{ STORE_SORT_SUBJECT, true, "10 12 11 14 13", "subject reversed" },
	/* no message ids: 12 (回复: Budget) joins 11 by subject; threads
	 * by their newest message, ties by their first */
	{ STORE_SORT_THREAD, false, "13 11 12 14 10", "thread" },
};

static void
test_sorts(void)
{
	struct store_summaries s = { 0 };
	uint32_t order[ARRAY_SIZE(folder)];
	struct perr e = PERR_INIT;

	make_load(&s);
	for (size_t i = 0; i < ARRAY_SIZE(sorts); i++) {
		memset(order, 0xff, sizeof(order));
		if (!ok(store_sort(&s, sorts[i].key, sorts[i].reverse, order,
				   &e) == 0,
			"sort %s runs", sorts[i].name))
			continue;
		char *got = uids(&s, order);
		is_str(got, sorts[i].want, "sort %s", sorts[i].name);
		free(got);
	}
	store_summaries_release(&s);
}

static const struct {
	const char *in;
	const char *base;
	bool reply;
} subjects[] = {
	{ "Re: hello", "hello", true },
	{ "RE: re: Fwd: hello", "hello", true },
	{ "Re[3]: hello", "hello", true },
	{ "Re(2): hello", "hello", true },
	{ "Fw:hello", "hello", true },
	{ "AW: Termin", "Termin", true },
	{ "回复：会议", "会议", true },
	{ "回复: 答复：转发: 会议", "会议", true },
	{ "回覆：會議", "會議", true },
	{ "轉寄: 會議", "會議", true },
	{ "\xe3\x80\x80Re: 全角空格", "全角空格", true },
	{ "Re : spaced colon", "spaced colon", true },
	{ "hello", "hello", false },
	{ "Rebate: offer", "Rebate: offer", false },
	{ "Re[x]: not a count", "Re[x]: not a count", false },
	{ "Fwd", "Fwd", false },
	{ "", "", false },
	{ "回复", "回复", false },
	{ "  leading space", "leading space", false },
};

static void
test_subject_base(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(subjects); i++) {
		bool reply = !subjects[i].reply;
		const char *got = store_subject_base(subjects[i].in, &reply);
		is_str(got, subjects[i].base, "base subject of '%s'",
		       subjects[i].in);
		ok(reply == subjects[i].reply, "'%s' is %sa reply",
		   subjects[i].in, subjects[i].reply ? "" : "not ");
	}
	is_str(store_subject_base(NULL, NULL), "", "NULL subject is empty");
}

/* Long keys that share their first 8 bytes are told apart by the rest,
 * still without regard to ASCII case. */
static void
test_long_keys(void)
{
	static const char *const subj[] = {
		"quarterly report b", "QUARTERLY REPORT A", "quarterly",
		"quarterl", "会议通知第十期", "会议通知第二期",
	};
	struct store_summaries s = { 0 };
	struct buf a = BUF_INIT;
	uint32_t order[ARRAY_SIZE(subj)];
	struct perr e = PERR_INIT;

	buf_addch(&a, '\0');
	s.n = ARRAY_SIZE(subj);
	s.v = xcalloc(s.n, sizeof(*s.v));
	for (size_t i = 0; i < s.n; i++) {
		s.v[i].uid = (uint32_t)i + 1;
		s.v[i].subject = (uint32_t)a.len;
		buf_add(&a, subj[i], strlen(subj[i]) + 1);
	}
	s.arena_len = a.len;
	s.arena = buf_detach(&a, NULL);
	ok(store_sort(&s, STORE_SORT_SUBJECT, false, order, &e) == 0,
	   "sort long subjects");
	char *got = uids(&s, order);
	/* 十 is U+5341, 二 is U+4E8C: by bytes 二 comes first */
	is_str(got, "4 3 2 1 6 5", "long subjects by their whole text");
	free(got);
	store_summaries_release(&s);
}

static void
test_empty(void)
{
	struct store_summaries s = { 0 };
	struct perr e = PERR_INIT;
	uint32_t one;

	ok(store_sort(&s, STORE_SORT_SUBJECT, false, &one, &e) == 0,
	   "sorting an empty folder works");
	ok(store_sort(&s, (enum store_sort_key)99, false, &one, &e) == -1,
	   "an unknown sort key is an error");
	like(e.msg, "unknown sort order", "and says so");
}

int
main(void)
{
	test_sorts();
	test_subject_base();
	test_long_keys();
	test_empty();
	return done_testing();
}
