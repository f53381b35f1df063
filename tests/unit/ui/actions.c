/* SPDX-License-Identifier: ISC */
/*
 * ui: the index's actions on many messages at once. A folder of 100,000
 * summaries is loaded into a screen with no terminal (the actions only
 * change the screen's model and post requests to a worker, here one
 * whose engine answers every request at once). Every message is tagged
 * by a pattern (T), then ;d marks them deleted, ;u undeletes them, ;F
 * flags them, ;d with a Trash folder moves them (hidden until the
 * worker's answer, which is fed back), and in thread order Z folds and
 * unfolds every thread and z one. Each step is checked for what it did,
 * and timed in CPU time; the figures are printed:
 *
 *	build/release/tests/unit/ui/actions.t | grep 'actions:'
 *
 * Each step must take under a second of CPU for 100,000 messages
 * (linear or n log n work; one scan per UID would be far over it).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "postie/account.h"
#include "postie/config.h"
#include "postie/store.h"

#include "screen.h"

#define N 100000

static enum acct_status
answer(struct acct_worker *w, void *state, const struct acct_request *req,
       struct perr *e)
{
	return ACCT_OK;
}

static const struct acct_engine quick = { .name = "quick",
					  .handle = answer };

static double
cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static size_t
count_flag(const struct screen *s, uint32_t bit)
{
	size_t n = 0;
	for (size_t i = 0; i < s->sum.n; i++)
		n += (s->sum.v[i].flags & bit) != 0;
	return n;
}

/* Feed the worker's answers to the actions until `want` requests are
 * answered (each ends with one terminal event). */
static void
answers(struct screen *s, size_t want)
{
	int64_t end = time_mono_ms() + 10000;
	size_t got = 0;

	while (got < want && time_mono_ms() < end) {
		struct acct_event *list = acct_hub_drain(s->hub);
		for (struct acct_event *ev = list; ev; ev = ev->next) {
			scr_act_event(s, &s->acc[0], ev);
			got += acct_ev_is_terminal(ev->kind);
		}
		acct_event_free_list(list);
		if (got < want) {
			struct timespec ts = { 0, 5000000 };
			nanosleep(&ts, NULL);
		}
	}
	is_int((long long)got, (long long)want, "the worker answered");
}

static double
key(struct screen *s, wint_t a, wint_t b)
{
	double t0 = cpu_ms();
	scr_act_key(s, a);
	if (b)
		scr_act_key(s, b);
	return cpu_ms() - t0;
}

static void
report(const char *what, double ms)
{
	diag("actions: %-28s %8.1f ms CPU (%d messages)", what, ms, N);
	ok(ms < 1000, "%s over %d messages in under 1 s of CPU (%.1f ms)",
	   what, N, ms);
}

int
main(void)
{
	struct cfg c;
	char name[] = "t", address[] = "t@example.org";
	struct cfg_account ca = { .name = name, .address = address,
				  .receive = { .proto = CFG_PROTO_MAILDIR } };
	struct ui_account ua = { .cfg = &ca, .cache_dir = "", .data_dir = "" };
	struct ui_screen_params p = { .cfg = &c, .accounts = &ua,
				      .n_accounts = 1 };
	char inbox[] = "INBOX", trash[] = "Trash";
	struct store_folder fv[2] = {
		{ .id = 1, .name = inbox, .raw = inbox, .raw_len = 5,
		  .uidvalidity = 7 },
		{ .id = 2, .name = trash, .raw = trash, .raw_len = 5,
		  .role = STORE_ROLE_TRASH, .uidvalidity = 8 },
	};
	struct acct acc = { .ua = &ua, .fv = fv, .nf = 2 };
	struct screen s = { .p = &p, .acc = &acc, .nacc = 1 };
	struct perr e = PERR_INIT;

	cfg_init(&c);
	c.ui.delete_mark = true;
	s.hub = acct_hub_new(0, &e);
	struct acct_params ap = { .name = "t", .engine = &quick };
	acc.w = s.hub ? acct_start(s.hub, &ap, &e) : NULL;
	if (!acc.w) {
		ok(0, "cannot start a worker: %s", e.msg);
		return done_testing();
	}

	/* 100,000 messages in UID order (with gaps), all read, in threads
	 * of ten: a root and nine replies to it */
	struct buf arena = BUF_INIT;
	buf_addch(&arena, '\0');
	s.sum.v = xcalloc(N, sizeof(*s.sum.v));
	s.sum.n = N;
	uint32_t subject = (uint32_t)arena.len;
	buf_add(&arena, "subject", 8);
	for (uint32_t i = 0; i < N; i++) {
		struct store_summary *m = &s.sum.v[i];
		m->uid = 3 * i + 1;
		m->date = 1700000000 + (int64_t)i * 60;
		m->flags = STORE_F_SEEN;
		m->subject = subject;
		m->message_id = (uint32_t)arena.len;
		buf_addf(&arena, "<%u@example.org>", i);
		buf_addch(&arena, '\0');
		if (i % 10) {
			m->in_reply_to = (uint32_t)arena.len;
			buf_addf(&arena, "<%u@example.org>", i - i % 10);
			buf_addch(&arena, '\0');
			m->references = m->in_reply_to;
		}
	}
	s.sum.arena_len = arena.len;
	s.sum.arena = buf_detach(&arena, NULL);
	s.order = xcalloc(N, sizeof(*s.order));
	s.cur_fid = 1;
	s.cur_raw = xstrdup("INBOX");
	s.sort = STORE_SORT_DATE;
	scr_act_init(&s);
	scr_resort(&s);
	is_int((long long)s.shown, N, "all %d messages shown", N);

	double t0 = cpu_ms();
	scr_act_prompt_done(&s, PROMPT_TAG, "is:read");
	double ms = cpu_ms() - t0;
	like(s.message, "100000 messages tagged", "T is:read tags them all");
	report("T (tag by pattern)", ms);

	report(";d (mark deleted)", key(&s, ';', 'd'));
	is_int((long long)count_flag(&s, STORE_F_DELETED), N,
	       ";d marked every message deleted");
	answers(&s, 1);

	report(";u (undelete)", key(&s, ';', 'u'));
	is_int((long long)count_flag(&s, STORE_F_DELETED), 0,
	       ";u undeleted every message");
	answers(&s, 1);

	report(";F (flag)", key(&s, ';', 'F'));
	is_int((long long)count_flag(&s, STORE_F_FLAGGED), N,
	       ";F flagged every message");
	report(";F again (unflag)", key(&s, ';', 'F'));
	is_int((long long)count_flag(&s, STORE_F_FLAGGED), 0,
	       ";F again cleared the flag on every message");
	answers(&s, 2);

	/* move to Trash: hidden at once, back when the answer comes (the
	 * store, not changed here, still has them) */
	c.ui.delete_mark = false;
	size_t cursor_uid_before = s.sum.v[s.order[0]].uid;
	report(";d (move to Trash)", key(&s, ';', 'd'));
	is_int((long long)s.shown, 0, ";d hid every message");
	ok(s.act && !scr_act_tagged(&s, cursor_uid_before),
	   "and untagged them");
	t0 = cpu_ms();
	answers(&s, 1);
	scr_resort(&s);
	report("the move's answer", cpu_ms() - t0);
	is_int((long long)s.shown, N, "after the answer all are shown again");

	/* one message: d, then its answer */
	s.cursor = 5;
	uint32_t one = s.sum.v[s.order[5]].uid;
	report("d (one message)", key(&s, 'd', 0));
	is_int((long long)s.shown, N - 1, "d hid one message");
	for (size_t i = 0; i < s.shown; i++)
		if (s.sum.v[s.order[i]].uid == one)
			ok(0, "the message moved is not shown");
	is_int((long long)s.cursor, 5, "the cursor stays on the next row");
	answers(&s, 1);

	/* threads: one per ten messages */
	s.sort = STORE_SORT_THREAD;
	scr_resort(&s);
	ok(s.threaded, "sorted by thread");
	size_t all = s.shown;
	t0 = cpu_ms();
	scr_act_key(&s, 'Z');
	report("Z (fold all)", cpu_ms() - t0);
	is_int((long long)s.shown, N / 10, "Z folded every thread");
	t0 = cpu_ms();
	scr_act_key(&s, 'Z');
	report("Z again (unfold all)", cpu_ms() - t0);
	is_int((long long)s.shown, (long long)all, "every message is back");
	s.cursor = 0;
	report("z (one thread)", key(&s, 'z', 0));
	is_int((long long)s.shown, (long long)all - 9, "z folded one thread");

	acct_post(acc.w, ACCT_REQ_QUIT, NULL, NULL, NULL, NULL, &e);
	acct_stop(acc.w, time_mono_ms() + 5000, &e);
	store_thread_release(&s.th);
	acct_hub_free(s.hub);
	scr_act_free(&s);
	free(s.order);
	free(s.cur_raw);
	free(s.message);
	free(s.last_error);
	free(s.sum.v);
	free(s.sum.arena);
	cfg_release(&c);
	return done_testing();
}
