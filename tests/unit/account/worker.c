/* SPDX-License-Identifier: ISC */
/*
 * account: the worker framework driven by a fake engine. Ordering and ids,
 * exactly one terminal event per request (also over thousands of random
 * post/cancel/quit interleavings with a fixed seed), cancellation of
 * queued and running requests, the poll timer and its never overlapping a
 * request (hostile-28), reconnect backoff, quit with work pending, the
 * wake-up pipe, back-pressure, merging of folder-changed events, and an
 * engine that breaks the contract.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "postie/account.h"

/* ------------------------------------------------------------------ */
/* The fake engine. What a request does is in its payload, a struct job. */

struct job {
	int data;          /* PROGRESS events to emit */
	int sleep_ms;      /* then sleep */
	bool wait_cancel;  /* then wait (wait_ms, or 5 s) for the cancel fd */
	int wait_ms;
	bool ignore_cancel;
	enum acct_status result;
	enum perr_kind err;
	bool bug_terminal; /* emit a DONE itself */
	int folder_changed;
};

static atomic_int payloads_live;

static struct job *
job_new(void)
{
	atomic_fetch_add(&payloads_live, 1);
	struct job *j = calloc(1, sizeof(*j));
	j->result = ACCT_OK;
	return j;
}

static void
job_free(void *p)
{
	atomic_fetch_sub(&payloads_live, 1);
	free(p);
}

#define MAX_LOG 4096

struct fake {
	pthread_mutex_t mu;
	atomic_int in_op;
	atomic_int overlaps;
	int connect_fail;          /* fail this many connects */
	enum perr_kind connect_err;
	int64_t connect_at[64];
	int nconnect;
	int64_t tick_at[MAX_LOG];
	int ntick;
	int tick_sleep_ms;
	int64_t req_start[64], req_end[64];
	int nreq_times;
	uint64_t ran[MAX_LOG];
	int nran;
	int destroyed;
	bool idle;
	int idle_calls;
};

static struct fake *
fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	f->connect_err = PERR_CONN;
	return f;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
enter(struct fake *f)
{
	if (atomic_fetch_add(&f->in_op, 1) != 0)
		atomic_fetch_add(&f->overlaps, 1);
}

static void
leave(struct fake *f)
{
	atomic_fetch_sub(&f->in_op, 1);
}

static int
fake_connect(struct acct_worker *w, void *state, struct perr *e)
{
	struct fake *f = state;
	pthread_mutex_lock(&f->mu);
	if (f->nconnect < 64)
		f->connect_at[f->nconnect] = time_mono_ms();
	f->nconnect++;
	bool fail = f->connect_fail > 0;
	if (fail)
		f->connect_fail--;
	enum perr_kind k = f->connect_err;
	pthread_mutex_unlock(&f->mu);
	if (fail)
		return perr_set(e, k, "cannot connect to 'fake': refused");
	return 0;
}

static enum acct_status
fake_handle(struct acct_worker *w, void *state, const struct acct_request *r,
	    struct perr *e)
{
	struct fake *f = state;
	struct job *j = r->payload;
	enter(f);
	pthread_mutex_lock(&f->mu);
	if (f->nran < MAX_LOG)
		f->ran[f->nran++] = r->id;
	int slot = f->nreq_times < 64 ? f->nreq_times++ : -1;
	if (slot >= 0)
		f->req_start[slot] = time_mono_ms();
	pthread_mutex_unlock(&f->mu);

	enum acct_status st = ACCT_OK;
	if (!j) {
		leave(f);
		return ACCT_OK;
	}
	for (int i = 0; i < j->data; i++) {
		if (acct_emit(w, ACCT_EV_PROGRESS, r->folder, (uint64_t)i,
			      (uint64_t)j->data, NULL, NULL) < 0) {
			st = ACCT_STOPPED;
			goto out;
		}
	}
	for (int i = 0; i < j->folder_changed; i++)
		acct_emit(w, ACCT_EV_FOLDER_CHANGED,
			  i % 3 == 2 ? "Sent" : "INBOX", 0, 0, NULL, NULL);
	if (j->bug_terminal)
		acct_emit(w, ACCT_EV_DONE, NULL, 0, 0, job_new(), job_free);
	if (j->sleep_ms)
		sleep_ms(j->sleep_ms);
	if (j->wait_cancel) {
		struct pollfd p = { acct_cancel_fd(w), POLLIN, 0 };
		poll(&p, 1, j->wait_ms ? j->wait_ms : 5000);
		if (!j->ignore_cancel && acct_cancelled(w)) {
			st = ACCT_STOPPED;
			goto out;
		}
	}
	st = j->result;
	if (st == ACCT_ERROR)
		perr_set(e, j->err, "job %llu failed",
			 (unsigned long long)r->id);
out:
	pthread_mutex_lock(&f->mu);
	if (slot >= 0)
		f->req_end[slot] = time_mono_ms();
	pthread_mutex_unlock(&f->mu);
	leave(f);
	return st;
}

static enum acct_status
fake_tick(struct acct_worker *w, void *state, struct perr *e)
{
	struct fake *f = state;
	enter(f);
	pthread_mutex_lock(&f->mu);
	if (f->ntick < MAX_LOG)
		f->tick_at[f->ntick] = time_mono_ms();
	f->ntick++;
	int s = f->tick_sleep_ms;
	pthread_mutex_unlock(&f->mu);
	if (s)
		sleep_ms(s);
	leave(f);
	return ACCT_OK;
}

static int
fake_idle(struct acct_worker *w, void *state, int64_t deadline,
	  struct perr *e)
{
	struct fake *f = state;
	pthread_mutex_lock(&f->mu);
	f->idle_calls++;
	pthread_mutex_unlock(&f->mu);
	int64_t now = time_mono_ms();
	int wait = deadline == INT64_MAX ? 10000 : (int)(deadline - now);
	if (wait < 0)
		wait = 0;
	struct pollfd p = { acct_cancel_fd(w), POLLIN, 0 };
	poll(&p, 1, wait);
	return 0;
}

static void
fake_destroy(void *state)
{
	struct fake *f = state;
	pthread_mutex_lock(&f->mu);
	f->destroyed++;
	pthread_mutex_unlock(&f->mu);
}

static const struct acct_engine plain_engine = {
	.name = "fake",
	.handle = fake_handle,
	.poll_tick = fake_tick,
	.destroy = fake_destroy,
};

static const struct acct_engine conn_engine = {
	.name = "fake",
	.connect = fake_connect,
	.handle = fake_handle,
	.poll_tick = fake_tick,
	.destroy = fake_destroy,
};

static const struct acct_engine idle_engine = {
	.name = "fake",
	.handle = fake_handle,
	.poll_tick = fake_tick,
	.idle_wait = fake_idle,
	.destroy = fake_destroy,
};

/* ------------------------------------------------------------------ */
/* The UI side: collect events and check the one-answer rule. */

#define MAX_IDS 20000

struct seen {
	int terminal[MAX_IDS];
	int after_terminal[MAX_IDS];
	int data[MAX_IDS];
	enum acct_ev_kind last[MAX_IDS];
	int unknown;
	int total;
	int stopped;
	struct acct_event *keep[8192];
	int nkeep;
};

static void
seen_take(struct seen *s, struct acct_event *list)
{
	while (list) {
		struct acct_event *ev = list;
		list = ev->next;
		ev->next = NULL;
		s->total++;
		s->stopped += ev->kind == ACCT_EV_STOPPED;
		uint64_t id = ev->req_id;
		if (id >= MAX_IDS) {
			s->unknown++;
		} else if (id) {
			if (s->terminal[id])
				s->after_terminal[id]++;
			if (acct_ev_is_terminal(ev->kind)) {
				s->terminal[id]++;
				s->last[id] = ev->kind;
			} else {
				s->data[id]++;
			}
		}
		if (s->nkeep < (int)ARRAY_SIZE(s->keep))
			s->keep[s->nkeep++] = ev;
		else
			acct_event_free(ev);
	}
}

static void
seen_release(struct seen *s)
{
	for (int i = 0; i < s->nkeep; i++)
		acct_event_free(s->keep[i]);
	memset(s, 0, sizeof(*s));
}

/* Poll the hub and collect until cond(s, arg) or timeout. */
static bool
collect_until(struct acct_hub *hub, struct seen *s, int timeout_ms,
	      bool (*cond)(struct seen *, uint64_t), uint64_t arg)
{
	int64_t end = time_mono_ms() + timeout_ms;
	for (;;) {
		if (cond && cond(s, arg))
			return true;
		int64_t left = end - time_mono_ms();
		if (left <= 0)
			return cond ? cond(s, arg) : true;
		struct pollfd p = { acct_hub_fd(hub), POLLIN, 0 };
		if (poll(&p, 1, (int)left) > 0)
			seen_take(s, acct_hub_drain(hub));
	}
}

static bool
has_terminal(struct seen *s, uint64_t id)
{
	return id < MAX_IDS && s->terminal[id] > 0;
}

static bool
has_kind(struct seen *s, uint64_t kind)
{
	for (int i = 0; i < s->nkeep; i++)
		if (s->keep[i]->kind == (enum acct_ev_kind)kind)
			return true;
	return false;
}

static int
count_kind(struct seen *s, enum acct_ev_kind kind)
{
	int n = 0;
	for (int i = 0; i < s->nkeep; i++)
		n += s->keep[i]->kind == kind;
	return n;
}

static struct acct_worker *
start(struct acct_hub *hub, const struct acct_engine *eng, struct fake *f,
      int64_t poll_ms, size_t qmax)
{
	struct acct_params p = {
		.name = "qq",
		.engine = eng,
		.state = f,
		.poll_ms = poll_ms,
		.queue_max = qmax,
		.backoff_min_ms = 20,
		.backoff_max_ms = 80,
	};
	struct perr e = PERR_INIT;
	struct acct_worker *w = acct_start(hub, &p, &e);
	if (!w)
		diag("acct_start: %s", e.msg);
	return w;
}

static uint64_t
post_job(struct acct_worker *w, struct job *j)
{
	uint64_t id = 0;
	struct perr e = PERR_INIT;
	if (acct_post(w, ACCT_REQ_FETCH_BODY, "INBOX", j, job_free, &id,
		      &e) < 0) {
		diag("post: %s", e.msg);
		return 0;
	}
	return id;
}

static void
stop(struct acct_worker *w)
{
	struct perr e = PERR_INIT;
	if (acct_stop(w, time_mono_ms() + 5000, &e) < 0)
		diag("stop: %s", e.msg);
}

/* ------------------------------------------------------------------ */

static void
test_order_and_ids(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	uint64_t ids[5];
	for (int i = 0; i < 5; i++) {
		struct job *j = job_new();
		j->data = 3;
		if (i == 3) {
			j->result = ACCT_ERROR;
			j->err = PERR_REJECTED;
		}
		ids[i] = post_job(w, j);
	}
	bool incr = true;
	for (int i = 1; i < 5; i++)
		incr = incr && ids[i] > ids[i - 1];
	ok(ids[0] > 0 && incr, "request ids are set and increase");

	struct seen *s = calloc(1, sizeof(*s));
	ok(collect_until(hub, s, 3000, has_terminal, ids[4]),
	   "all five requests answered");
	/* Expected sequence: for each id, 3 PROGRESS then its terminal. */
	int k = 0;
	bool order = s->nkeep == 20;
	for (int i = 0; i < 5 && order; i++) {
		for (int d = 0; d < 3; d++, k++) {
			struct acct_event *ev = s->keep[k];
			order = order && ev->kind == ACCT_EV_PROGRESS &&
				ev->req_id == ids[i] && ev->n1 == (uint64_t)d &&
				ev->n2 == 3 && ev->folder &&
				strcmp(ev->folder, "INBOX") == 0;
		}
		struct acct_event *t = s->keep[k++];
		order = order && t->req_id == ids[i] &&
			t->kind == (i == 3 ? ACCT_EV_FAILED : ACCT_EV_DONE);
	}
	ok(order, "data events in order, each request ended by its terminal");
	struct acct_event *failed = s->nkeep == 20 ? s->keep[15] : NULL;
	ok(failed && failed->err.kind == PERR_REJECTED &&
		   strstr(failed->err.msg, "failed"),
	   "FAILED carries the engine's perr");
	ok(s->nkeep > 0 && strcmp(s->keep[0]->account, "qq") == 0 &&
		   s->keep[0]->state == ACCT_ST_ONLINE,
	   "events name the account and its state");
	stop(w);
	seen_release(s);
	acct_hub_free(hub);
	is_int(f->destroyed, 1, "engine state destroyed once");
	is_int(atomic_load(&payloads_live), 0, "every payload freed");
	free(f);
	free(s);
}

static void
test_wake_pipe(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct job *j = job_new();
	j->data = 50;
	uint64_t id = post_job(w, j);
	/* Wait until the terminal event is queued, without draining. */
	int64_t end = time_mono_ms() + 3000;
	while (acct_hub_count(hub) < 51 && time_mono_ms() < end)
		sleep_ms(2);
	is_int((intmax_t)acct_hub_count(hub), 51, "51 events queued");
	int avail = -1;
	ioctl(acct_hub_fd(hub), FIONREAD, &avail);
	is_int(avail, 1, "one byte in the wake pipe for the batch");
	struct acct_event *list = acct_hub_drain(hub);
	int n = 0;
	bool last_ok = false;
	for (struct acct_event *ev = list; ev; ev = ev->next) {
		n++;
		last_ok = ev->next == NULL && ev->kind == ACCT_EV_DONE &&
			  ev->req_id == id;
	}
	is_int(n, 51, "drain takes every event");
	ok(last_ok, "the list ends with the terminal event");
	acct_event_free_list(list);
	ioctl(acct_hub_fd(hub), FIONREAD, &avail);
	is_int(avail, 0, "drain empties the pipe");
	ok(acct_hub_drain(hub) == NULL, "a second drain finds nothing");
	stop(w);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
}

static void
test_cancel(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct seen *s = calloc(1, sizeof(*s));

	struct job *a = job_new();
	a->wait_cancel = true;
	uint64_t ida = post_job(w, a);
	uint64_t idb = post_job(w, job_new());
	/* Let A start. */
	int64_t end = time_mono_ms() + 2000;
	while (atomic_load(&f->in_op) == 0 && time_mono_ms() < end)
		sleep_ms(1);
	is_int(acct_cancel(w, idb, &e), 0, "cancel of a queued request");
	ok(collect_until(hub, s, 1000, has_terminal, idb) &&
		   s->last[idb] == ACCT_EV_CANCELLED && !has_terminal(s, ida),
	   "queued request answered CANCELLED while the first still runs");
	int64_t t0 = time_mono_ms();
	is_int(acct_cancel(w, ida, &e), 0, "cancel of the running request");
	ok(collect_until(hub, s, 2000, has_terminal, ida) &&
		   s->last[ida] == ACCT_EV_CANCELLED,
	   "running request ends CANCELLED");
	int64_t took = time_mono_ms() - t0;
	ok(took < 500, "within 500 ms of the cancel (took %lld ms)",
	   (long long)took);
	bool b_ran = false;
	pthread_mutex_lock(&f->mu);
	for (int i = 0; i < f->nran; i++)
		b_ran = b_ran || f->ran[i] == idb;
	pthread_mutex_unlock(&f->mu);
	ok(!b_ran, "the cancelled queued request never ran");
	is_int(s->terminal[idb], 1, "exactly one answer to the queued one");
	ok(acct_cancel(w, ida, &e) < 0 && strstr(e.msg, "no request"),
	   "cancel of an answered request is refused: %s", e.msg);

	/* A late cancel of work that completed is reported DONE. */
	struct job *c = job_new();
	c->wait_cancel = true;
	c->ignore_cancel = true;
	uint64_t idc = post_job(w, c);
	end = time_mono_ms() + 2000;
	while (atomic_load(&f->in_op) == 0 && time_mono_ms() < end)
		sleep_ms(1);
	acct_cancel(w, idc, &e);
	ok(collect_until(hub, s, 2000, has_terminal, idc) &&
		   s->last[idc] == ACCT_EV_DONE,
	   "a request that finished despite a cancel is DONE");

	/* A cancel while the hub is full stops an emitting engine. */
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	is_int(atomic_load(&payloads_live), 0, "every payload freed");
	free(f);
	free(s);
}

static void
test_queue_full(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 4);
	struct job *a = job_new();
	a->wait_cancel = true;
	uint64_t ida = post_job(w, a);
	int64_t end = time_mono_ms() + 2000;
	while (atomic_load(&f->in_op) == 0 && time_mono_ms() < end)
		sleep_ms(1);
	int okc = 0;
	for (int i = 0; i < 4; i++)
		okc += post_job(w, job_new()) != 0;
	is_int(okc, 4, "four requests fit behind the running one");
	int64_t t0 = time_mono_ms();
	uint64_t id = 1;
	int r = acct_post(w, ACCT_REQ_SYNC, NULL, job_new(), job_free, &id,
			  &e);
	ok(r < 0 && strstr(e.msg, "busy") && strstr(e.msg, "'qq'"),
	   "a full queue refuses: %s", e.msg);
	ok(time_mono_ms() - t0 < 200, "and does not block");
	is_int(atomic_load(&payloads_live), 5,
	       "the refused payload was freed at once");
	acct_cancel(w, ida, &e);
	stop(w);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	is_int(atomic_load(&payloads_live), 0, "every payload freed");
	free(f);
}

static void
test_poll_tick(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	int64_t t0 = time_mono_ms();
	struct acct_worker *w = start(hub, &plain_engine, f, 50, 0);
	sleep_ms(530);
	pthread_mutex_lock(&f->mu);
	int n = f->ntick;
	int64_t first = f->ntick ? f->tick_at[0] - t0 : -1;
	int64_t mingap = INT64_MAX;
	for (int i = 1; i < f->ntick; i++)
		if (f->tick_at[i] - f->tick_at[i - 1] < mingap)
			mingap = f->tick_at[i] - f->tick_at[i - 1];
	pthread_mutex_unlock(&f->mu);
	/* At most ten; fewer only when the machine is loaded. */
	ok(n >= 5 && n <= 10, "about ten ticks in 530 ms at 50 ms (%d)", n);
	ok(first >= 45, "the first tick waits an interval (%lld ms)",
	   (long long)first);
	ok(mingap >= 45, "ticks at least an interval apart (%lld ms)",
	   (long long)mingap);

	/* A 300 ms request: no tick while it runs, then one tick, not a
	 * burst of six. */
	struct job *j = job_new();
	j->sleep_ms = 300;
	pthread_mutex_lock(&f->mu);
	int before = f->ntick;
	pthread_mutex_unlock(&f->mu);
	uint64_t id = post_job(w, j);
	struct seen *s = calloc(1, sizeof(*s));
	collect_until(hub, s, 3000, has_terminal, id);
	sleep_ms(30);
	pthread_mutex_lock(&f->mu);
	int slot = f->nreq_times - 1;
	int64_t rs = f->req_start[slot], re = f->req_end[slot];
	int inside = 0, after_soon = 0;
	for (int i = before; i < f->ntick && i < MAX_LOG; i++) {
		if (f->tick_at[i] >= rs && f->tick_at[i] < re)
			inside++;
		if (f->tick_at[i] >= re && f->tick_at[i] < re + 30)
			after_soon++;
	}
	pthread_mutex_unlock(&f->mu);
	is_int(inside, 0, "hostile-28: no tick starts while a request runs");
	ok(after_soon <= 1, "no burst of catching-up ticks (%d)", after_soon);
	is_int(atomic_load(&f->overlaps), 0,
	       "hostile-28: tick and request never overlap");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

static void
test_slow_tick_no_overlap(void)
{
	/* A tick slower than the interval, with requests raining in. */
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	f->tick_sleep_ms = 30;
	struct acct_worker *w = start(hub, &plain_engine, f, 10, 0);
	uint64_t last = 0;
	for (int i = 0; i < 40; i++) {
		struct job *j = job_new();
		j->sleep_ms = 2;
		last = post_job(w, j);
		sleep_ms(5);
	}
	struct seen *s = calloc(1, sizeof(*s));
	ok(collect_until(hub, s, 5000, has_terminal, last),
	   "all requests answered beside slow ticks");
	pthread_mutex_lock(&f->mu);
	int nt = f->ntick;
	pthread_mutex_unlock(&f->mu);
	ok(nt >= 2, "ticks ran in between (%d)", nt);
	is_int(atomic_load(&f->overlaps), 0,
	       "hostile-28: a slow tick never overlaps a request or a tick");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

static void
test_idle(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &idle_engine, f, 60000, 0);
	int64_t end = time_mono_ms() + 2000;
	while (time_mono_ms() < end) {
		pthread_mutex_lock(&f->mu);
		int n = f->idle_calls;
		pthread_mutex_unlock(&f->mu);
		if (n)
			break;
		sleep_ms(1);
	}
	sleep_ms(20);
	int64_t t0 = time_mono_ms();
	uint64_t id = post_job(w, job_new());
	struct seen *s = calloc(1, sizeof(*s));
	ok(collect_until(hub, s, 2000, has_terminal, id) &&
		   s->last[id] == ACCT_EV_DONE,
	   "a request posted while idling is run");
	int64_t took = time_mono_ms() - t0;
	ok(took < 1000, "the post interrupts idle, not the 60 s timer "
	   "(%lld ms)",
	   (long long)took);
	t0 = time_mono_ms();
	stop(w);
	ok(time_mono_ms() - t0 < 500, "quit interrupts idle too");
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

static bool
has_n_connects(struct seen *s, uint64_t n)
{
	return count_kind(s, ACCT_EV_CONNECTED) >= (int)n;
}

static void
test_backoff(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	f->connect_fail = 4;
	struct acct_worker *w = start(hub, &conn_engine, f, 0, 0);
	struct seen *s = calloc(1, sizeof(*s));
	ok(collect_until(hub, s, 3000, has_n_connects, 1),
	   "connected after four failures");
	int64_t want[] = { 20, 40, 80, 80 };
	int k = 0;
	bool seq = true;
	for (int i = 0; i < s->nkeep; i++) {
		struct acct_event *ev = s->keep[i];
		if (ev->kind != ACCT_EV_RECONNECTING)
			continue;
		seq = seq && k < 4 && ev->retry_ms == want[k] &&
		      ev->n1 == (uint64_t)k + 1 && ev->err.kind == PERR_CONN &&
		      ev->state == ACCT_ST_WAITING && ev->req_id == 0;
		k++;
	}
	ok(seq && k == 4, "backoff 20, 40, 80, 80 ms with the count (%d)", k);
	pthread_mutex_lock(&f->mu);
	bool gaps = f->nconnect == 5;
	for (int i = 1; i < f->nconnect && i < 5; i++)
		gaps = gaps && f->connect_at[i] - f->connect_at[i - 1] >=
				       want[i - 1] - 2;
	pthread_mutex_unlock(&f->mu);
	ok(gaps, "each retry waited its delay");
	struct acct_stats st;
	acct_get_stats(w, &st);
	ok(st.failures == 0 && st.next_retry_ms == 0,
	   "a success resets the backoff");

	/* A request that loses the connection: FAILED, DISCONNECTED, then
	 * the first delay again. */
	pthread_mutex_lock(&f->mu);
	f->connect_fail = 1;
	pthread_mutex_unlock(&f->mu);
	struct job *j = job_new();
	j->result = ACCT_ERROR;
	j->err = PERR_CONN;
	uint64_t id = post_job(w, j);
	ok(collect_until(hub, s, 3000, has_n_connects, 2),
	   "reconnected after a drop");
	ok(s->terminal[id] == 1 && s->last[id] == ACCT_EV_FAILED,
	   "the request that saw the drop FAILED");
	int disc = count_kind(s, ACCT_EV_DISCONNECTED);
	is_int(disc, 1, "one DISCONNECTED");
	struct acct_event *rc[2] = { NULL, NULL };
	int nrc = 0;
	bool after_disc = false;
	for (int i = 0; i < s->nkeep; i++) {
		if (s->keep[i]->kind == ACCT_EV_DISCONNECTED)
			after_disc = true;
		else if (after_disc && nrc < 2 &&
			 s->keep[i]->kind == ACCT_EV_RECONNECTING)
			rc[nrc++] = s->keep[i];
	}
	ok(nrc == 2 && rc[0]->retry_ms == 20 && rc[0]->n1 == 1 &&
		   rc[1]->retry_ms == 40 && rc[1]->n1 == 2,
	   "backoff starts again at 20 ms after a success, then 40 ms");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

static void
test_auth_not_retried(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	f->connect_fail = 100;
	f->connect_err = PERR_AUTH;
	struct acct_worker *w = start(hub, &conn_engine, f, 0, 0);
	struct seen *s = calloc(1, sizeof(*s));
	ok(collect_until(hub, s, 2000, has_kind, ACCT_EV_DISCONNECTED),
	   "an authentication failure is reported");
	sleep_ms(150);
	pthread_mutex_lock(&f->mu);
	int n = f->nconnect;
	pthread_mutex_unlock(&f->mu);
	is_int(n, 1, "and not retried by the timer");
	uint64_t id0 = post_job(w, job_new());
	ok(collect_until(hub, s, 2000, has_terminal, id0) &&
		   s->last[id0] == ACCT_EV_FAILED,
	   "a request while offline fails at once");
	struct acct_event *t = NULL;
	for (int i = 0; i < s->nkeep; i++)
		if (s->keep[i]->req_id == id0)
			t = s->keep[i];
	ok(t && t->err.kind == PERR_AUTH && strstr(t->err.msg, "offline") &&
		   strstr(t->err.msg, "refused"),
	   "saying why: %s", t ? t->err.msg : "");
	uint64_t id = 0;
	acct_post(w, ACCT_REQ_SYNC, NULL, NULL, NULL, &id, &e);
	ok(collect_until(hub, s, 2000, has_terminal, id) &&
		   s->last[id] == ACCT_EV_FAILED,
	   "sync now tries to connect again and fails");
	t = NULL;
	for (int i = 0; i < s->nkeep; i++)
		if (s->keep[i]->req_id == id)
			t = s->keep[i];
	ok(t && t->err.kind == PERR_AUTH && strstr(t->err.msg, "refused"),
	   "with the connect error");
	pthread_mutex_lock(&f->mu);
	n = f->nconnect;
	pthread_mutex_unlock(&f->mu);
	is_int(n, 2, "one more connect attempt");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

/* While waiting out a backoff, requests fail at once instead of each
 * trying to connect; "sync now" connects out of turn. */
static void
test_offline_fail_fast(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	f->connect_fail = 100;
	struct acct_params p = {
		.name = "126",
		.engine = &conn_engine,
		.state = f,
		.backoff_min_ms = 1000,
		.backoff_max_ms = 60000,
	};
	struct acct_worker *w = acct_start(hub, &p, &e);
	struct seen *s = calloc(1, sizeof(*s));
	ok(collect_until(hub, s, 2000, has_kind, ACCT_EV_RECONNECTING),
	   "first connect failed; waiting");
	uint64_t ids[20];
	for (int i = 0; i < 20; i++)
		ids[i] = post_job(w, job_new());
	ok(collect_until(hub, s, 2000, has_terminal, ids[19]),
	   "twenty requests answered while waiting");
	int failed = 0;
	for (int i = 0; i < 20; i++)
		failed += s->last[ids[i]] == ACCT_EV_FAILED;
	is_int(failed, 20, "all FAILED");
	struct acct_event *t = NULL;
	for (int i = 0; i < s->nkeep; i++)
		if (s->keep[i]->req_id == ids[0])
			t = s->keep[i];
	ok(t && t->err.kind == PERR_CONN &&
		   strstr(t->err.msg, "retrying in 1 s"),
	   "saying when the next try is: %s", t ? t->err.msg : "");
	pthread_mutex_lock(&f->mu);
	int n = f->nconnect;
	pthread_mutex_unlock(&f->mu);
	is_int(n, 1, "without a connect attempt each");
	uint64_t id = 0;
	acct_post(w, ACCT_REQ_SYNC, NULL, NULL, NULL, &id, &e);
	ok(collect_until(hub, s, 2000, has_terminal, id) &&
		   s->last[id] == ACCT_EV_FAILED,
	   "sync now connects at once (and fails)");
	struct acct_event *rc = NULL;
	for (int i = 0; i < s->nkeep; i++)
		if (s->keep[i]->kind == ACCT_EV_RECONNECTING)
			rc = s->keep[i];
	ok(rc && rc->n1 == 2 && rc->retry_ms == 2000,
	   "and the backoff doubles to 2 s");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	is_int(atomic_load(&payloads_live), 0, "every payload freed");
	free(f);
	free(s);
}

/* Sending goes over its own SMTP session: ACCT_REQ_SEND runs while the
 * receiving side is offline, without a connect, and its failure is not
 * taken for the receiving connection's. */
static void
test_send_own_connection(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	f->connect_fail = 1;
	f->connect_err = PERR_AUTH;
	struct acct_worker *w = start(hub, &conn_engine, f, 0, 0);
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t id = 0;

	ok(collect_until(hub, s, 2000, has_kind, ACCT_EV_DISCONNECTED),
	   "send: the receiving side is offline (login refused)");
	struct job *j = job_new();
	j->result = ACCT_ERROR;
	j->err = PERR_CONN;
	acct_post(w, ACCT_REQ_SEND, NULL, j, job_free, &id, &e);
	ok(collect_until(hub, s, 2000, has_terminal, id) &&
		   s->last[id] == ACCT_EV_FAILED,
	   "send while offline runs and answers FAILED with its own error");
	pthread_mutex_lock(&f->mu);
	int n = f->nconnect, ran = f->nran;
	pthread_mutex_unlock(&f->mu);
	is_int(ran, 1, "the engine ran the send");
	is_int(n, 1, "without connecting the receiving side");
	is_int(count_kind(s, ACCT_EV_RECONNECTING), 0,
	       "its connection error starts no reconnect");
	id = 0;
	acct_post(w, ACCT_REQ_SYNC, NULL, NULL, NULL, &id, &e);
	ok(collect_until(hub, s, 2000, has_terminal, id) &&
		   s->last[id] == ACCT_EV_DONE,
	   "sync now connects (the second login works)");
	int disc = count_kind(s, ACCT_EV_DISCONNECTED);
	j = job_new();
	j->result = ACCT_ERROR;
	j->err = PERR_CONN;
	acct_post(w, ACCT_REQ_SEND, NULL, j, job_free, &id, &e);
	ok(collect_until(hub, s, 2000, has_terminal, id) &&
		   s->last[id] == ACCT_EV_FAILED,
	   "a send that cannot reach its server fails");
	is_int(count_kind(s, ACCT_EV_DISCONNECTED), disc,
	       "and the online account stays connected");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	is_int(atomic_load(&payloads_live), 0, "every payload freed");
	free(f);
	free(s);
}

static void
test_quit_pending(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct job *a = job_new();
	a->wait_cancel = true;
	uint64_t ida = post_job(w, a);
	int64_t end = time_mono_ms() + 2000;
	while (atomic_load(&f->in_op) == 0 && time_mono_ms() < end)
		sleep_ms(1);
	uint64_t idb = post_job(w, job_new());
	uint64_t idc = post_job(w, job_new());
	uint64_t qid = 0;
	is_int(acct_post(w, ACCT_REQ_QUIT, NULL, NULL, NULL, &qid, &e), 0,
	       "quit is accepted");
	uint64_t x = 0;
	ok(acct_post(w, ACCT_REQ_SYNC, NULL, job_new(), job_free, &x, &e) <
			   0 &&
		   strstr(e.msg, "stopping"),
	   "a post after quit is refused: %s", e.msg);
	struct seen *s = calloc(1, sizeof(*s));
	ok(collect_until(hub, s, 3000, has_kind, ACCT_EV_STOPPED),
	   "the worker stops");
	ok(s->last[ida] == ACCT_EV_CANCELLED && s->last[idb] ==
		   ACCT_EV_CANCELLED && s->last[idc] == ACCT_EV_CANCELLED,
	   "running and queued requests answered CANCELLED");
	ok(s->terminal[ida] == 1 && s->terminal[idb] == 1 &&
		   s->terminal[idc] == 1,
	   "each exactly once");
	ok(s->terminal[qid] == 1 && s->last[qid] == ACCT_EV_DONE,
	   "the quit request is DONE");
	ok(s->nkeep > 0 && s->keep[s->nkeep - 1]->kind == ACCT_EV_STOPPED &&
		   s->keep[s->nkeep - 1]->state == ACCT_ST_STOPPING,
	   "STOPPED comes last");
	is_int(f->nran, 1, "the queued requests never ran");
	struct perr e2 = PERR_INIT;
	is_int(acct_stop(w, time_mono_ms() + 2000, &e2), 0,
	       "acct_stop joins");
	is_int(f->destroyed, 1, "state destroyed");
	seen_release(s);
	acct_hub_free(hub);
	is_int(atomic_load(&payloads_live), 0, "every payload freed");
	free(f);
	free(s);
}

static void
test_stop_deadline(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct job *a = job_new();
	a->sleep_ms = 400; /* deaf to cancel */
	post_job(w, a);
	int64_t end = time_mono_ms() + 2000;
	while (atomic_load(&f->in_op) == 0 && time_mono_ms() < end)
		sleep_ms(1);
	int64_t t0 = time_mono_ms();
	int r = acct_stop(w, t0 + 50, &e);
	int64_t took = time_mono_ms() - t0;
	ok(r < 0 && strstr(e.msg, "did not stop"),
	   "a stop past its deadline says so: %s", e.msg);
	ok(took >= 45 && took < 1000, "after the deadline (%lld ms)",
	   (long long)took);
	acct_hub_free(hub); /* the worker still holds it */
	end = time_mono_ms() + 3000;
	int d = 0;
	while (time_mono_ms() < end) {
		pthread_mutex_lock(&f->mu);
		d = f->destroyed;
		pthread_mutex_unlock(&f->mu);
		if (d)
			break;
		sleep_ms(5);
	}
	is_int(d, 1, "the detached worker ends on its own");
	sleep_ms(50); /* let it free itself */
	is_int(atomic_load(&payloads_live), 0, "and frees its payloads");
	free(f);
}

static void
test_folder_changed_merged(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct job *j = job_new();
	j->folder_changed = 9; /* INBOX x6, Sent x3 interleaved */
	uint64_t id = post_job(w, j);
	int64_t end = time_mono_ms() + 2000;
	while (acct_hub_count(hub) < 3 && time_mono_ms() < end)
		sleep_ms(2);
	sleep_ms(20);
	struct seen *s = calloc(1, sizeof(*s));
	seen_take(s, acct_hub_drain(hub));
	int inbox = 0, sent = 0, unsol = 1;
	for (int i = 0; i < s->nkeep; i++) {
		struct acct_event *ev = s->keep[i];
		if (ev->kind != ACCT_EV_FOLDER_CHANGED)
			continue;
		inbox += strcmp(ev->folder, "INBOX") == 0;
		sent += strcmp(ev->folder, "Sent") == 0;
		unsol = unsol && ev->req_id == 0;
	}
	ok(inbox == 1 && sent == 1,
	   "repeated folder-changed merged per folder (%d, %d)", inbox, sent);
	ok(unsol, "folder-changed is unsolicited (req_id 0)");
	ok(s->terminal[id] == 1, "the request still gets its answer");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

static void
test_backpressure(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(8, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct job *j = job_new();
	j->data = 200;
	uint64_t id = post_job(w, j);
	sleep_ms(30);
	ok(acct_hub_count(hub) <= 8, "a full hub holds the worker back (%zu)",
	   acct_hub_count(hub));
	struct seen *s = calloc(1, sizeof(*s));
	collect_until(hub, s, 5000, has_terminal, id);
	int n = 0;
	bool order = true;
	for (int i = 0; i < s->nkeep; i++) {
		if (s->keep[i]->kind != ACCT_EV_PROGRESS)
			continue;
		order = order && s->keep[i]->n1 == (uint64_t)n;
		n++;
	}
	ok(n == 200 && order, "all 200 data events arrive in order (%d)", n);

	/* Cancel while the worker waits for room: it gives up. */
	struct job *k = job_new();
	k->data = 100;
	uint64_t idk = post_job(w, k);
	sleep_ms(50);
	acct_cancel(w, idk, &e);
	collect_until(hub, s, 3000, has_terminal, idk);
	ok(s->last[idk] == ACCT_EV_CANCELLED && s->data[idk] < 100,
	   "a cancel frees a worker waiting on a full hub (%d data)",
	   s->data[idk]);
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

static void
test_engine_bug(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct job *j = job_new();
	j->bug_terminal = true;
	uint64_t id = post_job(w, j);
	struct seen *s = calloc(1, sizeof(*s));
	collect_until(hub, s, 2000, has_terminal, id);
	sleep_ms(20);
	seen_take(s, acct_hub_drain(hub));
	is_int(s->terminal[id], 1,
	       "an engine's own terminal event is refused: one answer");
	struct acct_stats st;
	acct_get_stats(w, &st);
	is_int((intmax_t)st.engine_bugs, 1, "and counted as an engine bug");
	stop(w);
	seen_release(s);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);

	/* A strict worker aborts on it. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct acct_hub *h = acct_hub_new(0, NULL);
		struct fake *g = fake_new();
		struct acct_params p = { .name = "strict",
					 .engine = &plain_engine,
					 .state = g,
					 .strict = true };
		struct acct_worker *sw = acct_start(h, &p, NULL);
		struct job *b = job_new();
		b->bug_terminal = true;
		acct_post(sw, ACCT_REQ_SYNC, NULL, b, job_free, NULL, NULL);
		sleep_ms(3000);
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	   "a strict worker aborts on an engine bug");
}

/* Random interleavings of post, cancel, drain and quit over two
 * accounts; every accepted request must get exactly one terminal event
 * and nothing after it. */
static void
test_random(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(64, &e);
	struct seen *s = calloc(1, sizeof(*s));
	srand(20261123);
	static uint64_t accepted[MAX_IDS];
	int naccepted = 0, restarts = 0, refused = 0, cancels = 0;
	struct fake *fakes[128];
	int nfakes = 0;
	struct acct_worker *w[2];
	for (int i = 0; i < 2; i++) {
		fakes[nfakes] = fake_new();
		w[i] = start(hub, &plain_engine, fakes[nfakes++], 3, 16);
	}
	for (int step = 0; step < 8000; step++) {
		int which = rand() % 2;
		int r = rand() % 1000;
		if (r < 550) {
			struct job *j = job_new();
			j->data = rand() % 4;
			int m = rand() % 10;
			if (m == 0) {
				j->wait_cancel = true;
				j->wait_ms = 1 + rand() % 20;
			}
			else if (m == 1)
				j->sleep_ms = 1;
			int res = rand() % 6;
			j->result = res == 0	 ? ACCT_ERROR
				    : res == 1 ? ACCT_STOPPED
					       : ACCT_OK;
			j->err = PERR_REJECTED;
			uint64_t id = 0;
			if (acct_post(w[which], (enum acct_req_kind)(1 +
				      rand() % (ACCT_REQ_COUNT - 1)), "INBOX",
				      j, job_free, &id, &e) == 0) {
				if (id < MAX_IDS)
					accepted[naccepted++] = id;
			} else {
				/* Full: what a UI does is tell the user;
				 * here, let the worker catch up. */
				refused++;
				seen_take(s, acct_hub_drain(hub));
				sleep_ms(1);
			}
		} else if (r < 850) {
			if (naccepted) {
				/* Mostly recent ids, which may still be
				 * queued or running. */
				int back = rand() % (naccepted < 24 ? naccepted
								    : 24);
				uint64_t id = accepted[naccepted - 1 - back];
				cancels += acct_cancel(w[which], id, &e) == 0;
			}
		} else if (r < 995) {
			seen_take(s, acct_hub_drain(hub));
		} else {
			uint64_t qid = 0;
			if (acct_post(w[which], ACCT_REQ_QUIT, NULL, NULL,
				      NULL, &qid, &e) == 0 && qid < MAX_IDS)
				accepted[naccepted++] = qid;
			if (rand() % 2)
				sleep_ms(1);
			/* Mostly a patient stop; sometimes one whose deadline
			 * has passed, which leaves the worker to end on its
			 * own. Neither may lose an answer. */
			struct perr se = PERR_INIT;
			int64_t wait = rand() % 4 ? 5000 : 0;
			acct_stop(w[which], time_mono_ms() + wait, &se);
			w[which] = NULL;
			if (nfakes < 128) {
				fakes[nfakes] = fake_new();
				w[which] = start(hub, &plain_engine,
						 fakes[nfakes++], 3, 16);
			}
			restarts++;
			if (!w[which])
				break;
		}
		if (naccepted >= MAX_IDS - 100)
			break;
	}
	for (int i = 0; i < 2; i++) {
		if (!w[i])
			continue;
		uint64_t qid = 0;
		if (acct_post(w[i], ACCT_REQ_QUIT, NULL, NULL, NULL, &qid,
			      &e) == 0 && qid < MAX_IDS)
			accepted[naccepted++] = qid;
	}
	/* Every worker, including the ones stopped without waiting above,
	 * ends with STOPPED: wait for all of them. */
	int want_stopped = nfakes;
	int64_t end = time_mono_ms() + 20000;
	while (s->stopped < want_stopped && time_mono_ms() < end) {
		struct pollfd p = { acct_hub_fd(hub), POLLIN, 0 };
		if (poll(&p, 1, 100) > 0)
			seen_take(s, acct_hub_drain(hub));
	}
	for (int i = 0; i < 2; i++)
		if (w[i])
			acct_stop(w[i], time_mono_ms() + 5000, &e);
	seen_take(s, acct_hub_drain(hub));
	is_int(s->stopped, want_stopped,
	       "all %d workers stopped", want_stopped);
	int missing = 0, dup = 0, after = 0;
	for (int i = 0; i < naccepted; i++) {
		uint64_t id = accepted[i];
		missing += s->terminal[id] == 0;
		dup += s->terminal[id] > 1;
		after += s->after_terminal[id];
	}
	diag("%d accepted, %d refused, %d cancels, %d restarts, %d events",
	     naccepted, refused, cancels, restarts, s->total);
	ok(naccepted > 2000, "thousands of requests posted (%d)", naccepted);
	is_int(missing, 0, "no request left without a terminal event");
	is_int(dup, 0, "no request with two terminal events");
	is_int(after, 0, "no event after a request's terminal event");
	is_int(s->unknown, 0, "no event for an unknown id");
	int overlaps = 0;
	for (int i = 0; i < nfakes; i++)
		overlaps += atomic_load(&fakes[i]->overlaps);
	is_int(overlaps, 0, "hostile-28: no overlapping operations");
	seen_release(s);
	acct_hub_free(hub);
	sleep_ms(20);
	is_int(atomic_load(&payloads_live), 0, "every payload freed");
	for (int i = 0; i < nfakes; i++)
		free(fakes[i]);
	free(s);
}

/* Figures: events a second through the hub, and the round trip of a
 * request that does nothing (post -> worker -> DONE -> wake -> drain). */
static void
test_throughput(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct fake *f = fake_new();
	struct acct_worker *w = start(hub, &plain_engine, f, 0, 0);
	struct seen *s = calloc(1, sizeof(*s));
	struct job *j = job_new();
	j->data = 100000;
	int64_t t0 = time_mono_ms();
	uint64_t id = post_job(w, j);
	int n = 0;
	int64_t end = t0 + 20000;
	while (!has_terminal(s, id) && time_mono_ms() < end) {
		struct pollfd p = { acct_hub_fd(hub), POLLIN, 0 };
		if (poll(&p, 1, 100) <= 0)
			continue;
		struct acct_event *list = acct_hub_drain(hub);
		for (struct acct_event *ev = list; ev; ev = ev->next) {
			n += ev->kind == ACCT_EV_PROGRESS;
			if (ev->req_id == id && acct_ev_is_terminal(ev->kind))
				s->terminal[id]++;
		}
		acct_event_free_list(list);
	}
	int64_t ms = time_mono_ms() - t0;
	is_int(n, 100000, "100000 data events through the hub");
	diag("hub: 100000 events in %lld ms = %.0f events/s", (long long)ms,
	     ms > 0 ? 100000.0 * 1000 / (double)ms : 0.0);

	enum { R = 2000 };
	int64_t worst = 0;
	t0 = time_mono_ms();
	int answered = 0;
	for (int i = 0; i < R; i++) {
		int64_t a = time_mono_ms();
		uint64_t rid = post_job(w, NULL);
		while (!has_terminal(s, rid) && time_mono_ms() - a < 2000) {
			struct pollfd p = { acct_hub_fd(hub), POLLIN, 0 };
			if (poll(&p, 1, 100) > 0) {
				struct acct_event *l = acct_hub_drain(hub);
				for (struct acct_event *ev = l; ev;
				     ev = ev->next)
					if (ev->req_id < MAX_IDS &&
					    acct_ev_is_terminal(ev->kind))
						s->terminal[ev->req_id]++;
				acct_event_free_list(l);
			}
		}
		answered += has_terminal(s, rid);
		if (time_mono_ms() - a > worst)
			worst = time_mono_ms() - a;
	}
	ms = time_mono_ms() - t0;
	is_int(answered, R, "%d round trips answered", R);
	diag("round trip: %d requests in %lld ms = %.1f us each, worst %lld ms",
	     R, (long long)ms, (double)ms * 1000 / R, (long long)worst);
	stop(w);
	acct_event_free_list(acct_hub_drain(hub));
	acct_hub_free(hub);
	free(f);
	free(s);
}

static void
test_names(void)
{
	is_str(acct_req_name(ACCT_REQ_FETCH_BODY), "fetch body",
	       "request name");
	is_str(acct_ev_name(ACCT_EV_RECONNECTING), "reconnecting",
	       "event name");
	is_str(acct_ev_name((enum acct_ev_kind)999), "unknown event",
	       "out of range name");
	ok(acct_ev_is_terminal(ACCT_EV_CANCELLED) &&
		   !acct_ev_is_terminal(ACCT_EV_PROGRESS),
	   "terminal kinds");
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct acct_params p = { .name = "", .engine = &plain_engine };
	ok(acct_start(hub, &p, &e) == NULL && strstr(e.msg, "name"),
	   "an account without a name is refused: %s", e.msg);
	acct_hub_free(hub);
}

int
main(void)
{
	test_names();
	test_order_and_ids();
	test_wake_pipe();
	test_cancel();
	test_queue_full();
	test_poll_tick();
	test_slow_tick_no_overlap();
	test_idle();
	test_backoff();
	test_auth_not_retried();
	test_offline_fail_fast();
	test_send_own_connection();
	test_quit_pending();
	test_stop_deadline();
	test_folder_changed_merged();
	test_backpressure();
	test_engine_bug();
	test_random();
	test_throughput();
	return done_testing();
}
