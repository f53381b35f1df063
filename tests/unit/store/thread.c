/* SPDX-License-Identifier: ISC */
/*
 * Threading tables: each case is a small folder written as lines of
 * "uid date message-id references subject", threaded, and drawn as
 * "uid@depth" in display order with the tree marks, then compared with
 * the expected drawing. Covers the JWZ cases: missing parents, loops in
 * References, duplicate Message-IDs, the subject fallback, ordering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/store.h"

struct tmsg {
	uint32_t uid;
	int64_t date;
	const char *id;
	const char *refs;
	const char *irt;
	const char *subject;
};

/* Build a load by hand: the arena holds every string once. */
static void
make_load(struct store_summaries *s, const struct tmsg *m, size_t n)
{
	struct buf a = BUF_INIT;

	buf_addch(&a, '\0');
	s->v = xcalloc(n ? n : 1, sizeof(*s->v));
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		const char *f[] = { m[i].id, m[i].refs, m[i].irt,
				    m[i].subject };
		uint32_t off[4];
		for (size_t k = 0; k < 4; k++) {
			if (!f[k] || !*f[k]) {
				off[k] = 0;
				continue;
			}
			off[k] = (uint32_t)a.len;
			buf_add(&a, f[k], strlen(f[k]) + 1);
		}
		s->v[i].uid = m[i].uid;
		s->v[i].date = m[i].date;
		s->v[i].message_id = off[0];
		s->v[i].references = off[1];
		s->v[i].in_reply_to = off[2];
		s->v[i].subject = off[3];
	}
	s->arena_len = a.len;
	s->arena = buf_detach(&a, NULL);
}

/* "uid@depth" per message in display order, with '*' for an orphan,
 * joined by spaces. */
static char *
draw(const struct store_summaries *s, const struct store_thread *t)
{
	struct buf b = BUF_INIT;

	for (size_t k = 0; k < t->n; k++) {
		uint32_t i = t->order[k];
		if (k)
			buf_addch(&b, ' ');
		buf_addf(&b, "%u@%u%s", s->v[i].uid, t->node[i].depth,
			 t->node[i].flags & STORE_TH_ORPHAN ? "*" : "");
	}
	return buf_detach(&b, NULL);
}

struct tcase {
	const char *name;
	struct tmsg m[8];
	size_t n;
	const char *want;
	size_t threads;
};

static const struct tcase cases[] = {
	{ "simple reply chain",
	  { { 1, 100, "a@x", "", "", "lunch" },
	    { 2, 200, "b@x", "<a@x>", "", "Re: lunch" },
	    { 3, 300, "c@x", "<a@x> <b@x>", "", "Re: lunch" } },
	  3, "1@0 2@1 3@2", 1 },
	{ "replies sorted by date, not UID",
	  { { 1, 100, "a@x", "", "", "q" },
	    { 2, 300, "b@x", "<a@x>", "", "Re: q" },
	    { 3, 200, "c@x", "<a@x>", "", "Re: q" } },
	  3, "1@0 3@1 2@1", 1 },
	{ "in-reply-to alone makes the link",
	  { { 1, 100, "a@x", "", "", "q" },
	    { 2, 200, "b@x", "", "<a@x>", "Re: q" } },
	  2, "1@0 2@1", 1 },
	{ "missing parent: grandchild still under the grandparent",
	  { { 1, 100, "a@x", "", "", "q" },
	    { 3, 300, "c@x", "<a@x> <b@x>", "", "Re: q" } },
	  2, "1@0 3@1", 1 },
	{ "missing root: siblings joined, oldest shown as root",
	  { { 5, 500, "b@x", "<gone@x>", "", "Re: q" },
	    { 4, 400, "c@x", "<gone@x>", "", "Re: q" } },
	  2, "4@0 5@1*", 1 },
	{ "missing root with one child: the child is the root",
	  { { 1, 100, "b@x", "<gone@x>", "", "Re: q" } },
	  1, "1@0", 1 },
	{ "loop in references is broken",
	  { { 1, 100, "a@x", "<b@x>", "", "x" },
	    { 2, 200, "b@x", "<a@x>", "", "y" } },
	  2, "2@0 1@1", 1 },
	{ "message in its own references",
	  { { 1, 100, "a@x", "<a@x>", "", "x" },
	    { 2, 200, "b@x", "<a@x> <b@x>", "", "y" } },
	  2, "1@0 2@1", 1 },
	{ "duplicate message-id threads apart",
	  { { 1, 100, "a@x", "", "", "one" },
	    { 2, 200, "a@x", "", "", "two" },
	    { 3, 300, "r@x", "<a@x>", "", "Re: one" } },
	  3, "2@0 1@0 3@1", 2 },
	{ "subject fallback joins a reply without references",
	  { { 1, 100, "a@x", "", "", "会议通知" },
	    { 2, 200, "b@x", "", "", "回复：会议通知" },
	    { 3, 300, "c@x", "", "", "Other" } },
	  3, "1@0 2@1 3@0", 2 },
	{ "subject fallback ignores case and stacked prefixes",
	  { { 1, 100, "a@x", "", "", "Budget" },
	    { 2, 200, "b@x", "", "", "RE: Fwd: budget" } },
	  2, "1@0 2@1", 1 },
	{ "two non-replies with the same subject stay apart",
	  { { 1, 100, "a@x", "", "", "hello" },
	    { 2, 200, "b@x", "", "", "hello" } },
	  2, "1@0 2@0", 2 },
	{ "a reply with references is not moved by subject",
	  { { 1, 100, "a@x", "", "", "topic" },
	    { 2, 200, "b@x", "<zz@x>", "", "Re: topic" } },
	  2, "1@0 2@0", 2 },
	{ "threads ordered by their newest message",
	  { { 1, 100, "a@x", "", "", "old thread" },
	    { 2, 200, "b@x", "", "", "newer" },
	    { 3, 300, "c@x", "<a@x>", "", "Re: old thread" } },
	  3, "2@0 1@0 3@1", 2 },
	{ "no message-ids at all",
	  { { 1, 100, "", "", "", "x" }, { 2, 50, "", "", "", "y" } },
	  2, "2@0 1@0", 2 },
	{ "angle brackets and commas in references",
	  { { 1, 100, "a@x", "", "", "x" },
	    { 2, 200, "b@x", " <a@x>,\t<c@x> ", "", "y" },
	    { 3, 300, "c@x", "", "", "z" } },
	  3, "1@0 3@1 2@2", 1 },
};

static void
test_tables(void)
{
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct tcase *tc = &cases[c];
		struct store_summaries s = { 0 };
		struct store_thread t = { 0 };
		struct perr e = PERR_INIT;

		make_load(&s, tc->m, tc->n);
		if (!ok(store_thread(&s, false, &t, &e) == 0, "%s: threads",
			tc->name)) {
			diag("%s", e.msg);
			store_summaries_release(&s);
			continue;
		}
		char *got = draw(&s, &t);
		is_str(got, tc->want, "%s", tc->name);
		is_int((intmax_t)t.threads, (intmax_t)tc->threads,
		       "%s: thread count", tc->name);
		free(got);
		store_thread_release(&t);
		store_summaries_release(&s);
	}
}

/* The tree marks: parent, root, last-child and the vertical lines. */
static void
test_marks(void)
{
	/* 1
	 * ├ 2
	 * │ └ 4
	 * └ 3
	 *   └ 5 */
	static const struct tmsg m[] = {
		{ 1, 100, "a", "", "", "s" },
		{ 2, 200, "b", "<a>", "", "s" },
		{ 3, 300, "c", "<a>", "", "s" },
		{ 4, 400, "d", "<a> <b>", "", "s" },
		{ 5, 500, "e", "<a> <c>", "", "s" },
	};
	struct store_summaries s = { 0 };
	struct store_thread t = { 0 };
	struct perr e = PERR_INIT;

	make_load(&s, m, ARRAY_SIZE(m));
	ok(store_thread(&s, false, &t, &e) == 0, "marks: threads");
	char *got = draw(&s, &t);
	is_str(got, "1@0 2@1 4@2 3@1 5@2", "marks: order");
	free(got);
	is_int(t.node[0].parent, -1, "marks: root has no parent");
	is_int(t.node[3].parent, 1, "marks: 4 under 2");
	is_int(t.node[4].root, 0, "marks: 5 in the thread of 1");
	ok(!(t.node[1].flags & STORE_TH_LAST), "marks: 2 is not last");
	ok(t.node[2].flags & STORE_TH_LAST, "marks: 3 is last");
	ok(t.node[1].flags & STORE_TH_CHILDREN, "marks: 2 has children");
	ok(!(t.node[3].flags & STORE_TH_CHILDREN), "marks: 4 has none");
	is_int((intmax_t)t.node[3].lines, 1,
	       "marks: a line passes left of 4 (2 has a sibling below)");
	is_int((intmax_t)t.node[4].lines, 0, "marks: no line left of 5");
	store_thread_release(&t);

	ok(store_thread(&s, true, &t, &e) == 0, "marks: threads reversed");
	is_int(t.order[0], 0, "marks: one thread, reverse keeps its shape");
	store_thread_release(&t);
	store_summaries_release(&s);
}

/* A chain 20,000 deep must not recurse (stack) nor go quadratic, in
 * whichever order the messages come. */
static void
test_deep_chain(void)
{
	enum { N = 20000 };
	struct tmsg *m = xcalloc(N, sizeof(*m));
	char (*ids)[16] = xcalloc(N, sizeof(*ids));
	char (*refs)[16] = xcalloc(N, sizeof(*refs));

	for (size_t i = 0; i < N; i++) {
		/* newest first, as a server sorted backwards would send */
		size_t k = N - 1 - i;
		snprintf(ids[i], sizeof(ids[i]), "m%zu", k);
		snprintf(refs[i], sizeof(refs[i]), "m%zu", k ? k - 1 : 0);
		m[i].uid = (uint32_t)(k + 1);
		m[i].date = (int64_t)k;
		m[i].id = ids[i];
		m[i].irt = k ? refs[i] : "";
		m[i].refs = "";
		m[i].subject = "deep";
	}
	struct store_summaries s = { 0 };
	struct store_thread t = { 0 };
	struct perr e = PERR_INIT;
	make_load(&s, m, N);
	ok(store_thread(&s, false, &t, &e) == 0, "deep chain: threads");
	is_int((intmax_t)t.threads, 1, "deep chain: one thread");
	is_int(t.node[0].depth, N - 1, "deep chain: the newest is deepest");
	is_int(s.v[t.order[0]].uid, 1, "deep chain: the oldest first");
	store_thread_release(&t);
	store_summaries_release(&s);
	free(m);
	free(ids);
	free(refs);
}

/* A References list of 1,000 ids: only the nearest are followed, and the
 * message still lands under its parent. */
static void
test_long_references(void)
{
	struct buf refs = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_addf(&refs, "<junk%d@x> ", i);
	buf_addstr(&refs, "<a@x>");
	struct tmsg m[] = {
		{ 1, 100, "a@x", "", "", "q" },
		{ 2, 200, "b@x", refs.data, "", "Re: q" },
	};
	struct store_summaries s = { 0 };
	struct store_thread t = { 0 };
	struct perr e = PERR_INIT;

	make_load(&s, m, 2);
	ok(store_thread(&s, false, &t, &e) == 0, "long references: threads");
	char *got = draw(&s, &t);
	is_str(got, "1@0 2@1", "long references: under its parent");
	free(got);
	store_thread_release(&t);
	store_summaries_release(&s);
	buf_release(&refs);
}

/* Lines at two levels: 6 sits under 4 (which has a later sibling, 7)
 * under 2 (which has a later sibling, 3).
 *
 * 1
 * ├ 2
 * │ ├ 4
 * │ │ └ 6
 * │ └ 7
 * └ 3
 *   └ 5 */
static void
test_deep_marks(void)
{
	static const struct tmsg m[] = {
		{ 1, 100, "a", "", "", "s" },
		{ 2, 200, "b", "<a>", "", "s" },
		{ 3, 300, "c", "<a>", "", "s" },
		{ 4, 400, "d", "<a> <b>", "", "s" },
		{ 5, 500, "e", "<a> <c>", "", "s" },
		{ 6, 600, "f", "<a> <b> <d>", "", "s" },
		{ 7, 700, "g", "<a> <b>", "", "s" },
	};
	struct store_summaries s = { 0 };
	struct store_thread t = { 0 };
	struct perr e = PERR_INIT;

	make_load(&s, m, ARRAY_SIZE(m));
	ok(store_thread(&s, false, &t, &e) == 0, "deep marks: threads");
	char *got = draw(&s, &t);
	is_str(got, "1@0 2@1 4@2 6@3 7@2 3@1 5@2", "deep marks: order");
	free(got);
	is_int((intmax_t)t.node[5].lines, 3,
	       "deep marks: two lines pass left of 6");
	ok(t.node[5].flags & STORE_TH_LAST, "deep marks: 6 is last under 4");
	is_int((intmax_t)t.node[6].lines, 1, "deep marks: one left of 7");
	ok(t.node[6].flags & STORE_TH_LAST, "deep marks: 7 is last under 2");
	ok(!(t.node[3].flags & STORE_TH_LAST), "deep marks: 4 is not last");
	is_int((intmax_t)t.node[4].lines, 0, "deep marks: none left of 5");
	store_thread_release(&t);
	store_summaries_release(&s);
}

static void
test_empty(void)
{
	struct store_summaries s = { 0 };
	struct store_thread t = { 0 };
	struct perr e = PERR_INIT;

	ok(store_thread(&s, false, &t, &e) == 0 && t.n == 0 &&
		   t.threads == 0,
	   "empty folder threads to nothing");
	store_thread_release(&t);
}

int
main(void)
{
	test_tables();
	test_marks();
	test_deep_marks();
	test_deep_chain();
	test_long_references();
	test_empty();
	return done_testing();
}
