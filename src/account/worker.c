/* SPDX-License-Identifier: ISC */
/*
 * account: the worker thread of one account.
 *
 * The thread runs one loop: under the worker's lock it decides what comes
 * next (quit, the oldest request, a reconnect that is due, a poll tick
 * that is due, or waiting), then runs it with the lock released. Doing
 * one thing at a time in one thread is what keeps a poll tick from ever
 * overlapping a request or another tick (hostile-28): there is no second
 * thread that could start one. The wait is on a condition variable with a
 * timeout equal to the time until the next tick or reconnect, on the
 * monotonic clock so that a change of the wall clock neither fires nor
 * starves the timer; an engine that can IDLE waits in idle_wait instead,
 * watching the cancel fd, which a post then pokes.
 *
 * The framework, not the engine, answers each request: the engine returns
 * a status and the loop turns it into exactly one terminal event. Ids come
 * from one process-wide counter taken under the worker's lock, so they
 * are unique across accounts and increase in each queue's order.
 *
 * The cancel pipe serves three purposes with one fd for the engine to
 * poll: cancel of the running request, quit, and "a request arrived"
 * while idling. It is emptied, under the lock, each time an operation
 * starts, so a stale byte never cancels the next one.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/log.h"
#include "private.h"

#define DEFAULT_QUEUE_MAX 256
#define DEFAULT_BACKOFF_MIN 1000
#define DEFAULT_BACKOFF_MAX (5 * 60 * 1000)

static atomic_uint_fast64_t next_req_id = 1;

struct acct_worker {
	char *name;
	const struct acct_engine *eng;
	void *state;
	struct acct_hub *hub;
	int64_t poll_ms, bo_min, bo_max;
	size_t qmax;
	bool strict;

	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;      /* queue, quit */
	pthread_cond_t exit_cond; /* exited */
	unsigned refs;            /* the UI's handle and the thread */

	/* Under mu. */
	struct acct_request *qhead, *qtail;
	size_t qlen;
	bool op_active;    /* a request, tick or connect is running */
	uint64_t op_id;    /* the running request; 0 for tick/connect */
	bool op_cancelled;
	bool idling;
	bool poke_pending; /* a byte sits in the cancel pipe */
	bool quitting;
	uint64_t quit_id;  /* the QUIT request to answer; 0: none */
	bool exited;
	enum acct_state st;
	struct acct_stats stats;

	int cfd[2];        /* cancel pipe: [0] polled by the engine */

	/* Worker thread only. */
	uint64_t cur_req;  /* req_id for acct_emit */
	int64_t next_poll, retry_at;
	struct perr last_err; /* why the connection is down */
};

const char *
acct_name(const struct acct_worker *w)
{
	return w->name;
}

int
acct_cancel_fd(const struct acct_worker *w)
{
	return w->cfd[0];
}

void
acct_get_stats(struct acct_worker *w, struct acct_stats *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->stats;
	pthread_mutex_unlock(&w->mu);
}

bool
acct_cancelled(struct acct_worker *w)
{
	pthread_mutex_lock(&w->mu);
	bool c = w->op_cancelled || w->quitting;
	pthread_mutex_unlock(&w->mu);
	return c;
}

static bool
cancelled_cb(void *arg)
{
	return acct_cancelled(arg);
}

static void
request_free(struct acct_request *r)
{
	if (!r)
		return;
	if (r->payload && r->payload_free)
		r->payload_free(r->payload);
	free(r->folder);
	free(r);
}

static void
worker_unref(struct acct_worker *w)
{
	pthread_mutex_lock(&w->mu);
	bool last = --w->refs == 0;
	pthread_mutex_unlock(&w->mu);
	if (!last)
		return;
	struct acct_request *r = w->qhead;
	while (r) {
		struct acct_request *next = r->next;
		request_free(r);
		r = next;
	}
	close(w->cfd[0]);
	close(w->cfd[1]);
	pthread_cond_destroy(&w->cond);
	pthread_cond_destroy(&w->exit_cond);
	pthread_mutex_destroy(&w->mu);
	free(w->name);
	free(w);
}

/* Write a byte to the cancel pipe unless one is there. Under mu. */
static void
poke_locked(struct acct_worker *w)
{
	if (w->poke_pending)
		return;
	w->poke_pending = true;
	pipe_poke(w->cfd[1]);
}

/* Start an operation: fresh cancel flag, empty cancel pipe. Under mu. */
static void
op_begin_locked(struct acct_worker *w, uint64_t id)
{
	w->op_active = true;
	w->op_id = id;
	w->op_cancelled = false;
	pipe_drain(w->cfd[0]);
	w->poke_pending = false;
}

/* End it; returns whether it was cancelled (or quit came). */
static bool
op_end(struct acct_worker *w)
{
	pthread_mutex_lock(&w->mu);
	bool c = w->op_cancelled || w->quitting;
	w->op_active = false;
	w->op_id = 0;
	w->op_cancelled = false;
	pthread_mutex_unlock(&w->mu);
	return c;
}

static enum acct_state
state_now(struct acct_worker *w)
{
	pthread_mutex_lock(&w->mu);
	enum acct_state st = w->quitting ? ACCT_ST_STOPPING : w->st;
	pthread_mutex_unlock(&w->mu);
	return st;
}

static void
set_state(struct acct_worker *w, enum acct_state st)
{
	pthread_mutex_lock(&w->mu);
	w->st = st;
	pthread_mutex_unlock(&w->mu);
}

static struct acct_event *
event_new(struct acct_worker *w, enum acct_ev_kind kind, uint64_t req_id)
{
	struct acct_event *ev = xcalloc(1, sizeof(*ev));
	ev->kind = kind;
	ev->account = xstrdup(w->name);
	ev->req_id = req_id;
	ev->state = state_now(w);
	return ev;
}

/* Queue a framework event (terminal or state): never refused. */
static void
emit_framework(struct acct_worker *w, struct acct_event *ev)
{
	hub_push(w->hub, ev, false, NULL, NULL);
}

static void
emit_terminal(struct acct_worker *w, enum acct_ev_kind kind, uint64_t id,
	      const struct perr *err)
{
	struct acct_event *ev = event_new(w, kind, id);
	if (err)
		ev->err = *err;
	emit_framework(w, ev);
}

int
acct_emit(struct acct_worker *w, enum acct_ev_kind kind, const char *folder,
	  uint64_t n1, uint64_t n2, void *payload, acct_free_fn payload_free)
{
	if ((unsigned)kind >= ACCT_EV_COUNT || kind <= ACCT_EV_STOPPED) {
		/* The framework alone answers requests and reports the
		 * connection; an engine doing it would break the
		 * one-terminal-event rule the UI relies on. */
		pthread_mutex_lock(&w->mu);
		w->stats.engine_bugs++;
		pthread_mutex_unlock(&w->mu);
		log_error("BUG: engine '%s' emitted a '%s' event for request "
			  "%llu; refused",
			  w->eng->name ? w->eng->name : "?", acct_ev_name(kind),
			  (unsigned long long)w->cur_req);
		if (payload && payload_free)
			payload_free(payload);
		if (w->strict)
			abort();
		return -1;
	}
	bool unsolicited = kind == ACCT_EV_NEW_MAIL ||
			   kind == ACCT_EV_FOLDER_CHANGED;
	struct acct_event *ev =
		event_new(w, kind, unsolicited ? 0 : w->cur_req);
	ev->folder = folder ? xstrdup(folder) : NULL;
	ev->n1 = n1;
	ev->n2 = n2;
	ev->payload = payload;
	ev->payload_free = payload_free;
	return hub_push(w->hub, ev, true, cancelled_cb, w);
}

static bool
retryable(const struct perr *e)
{
	return e->kind == PERR_CONN || e->kind == PERR_PROTO;
}

static int64_t
backoff_delay(const struct acct_worker *w, unsigned failures)
{
	int64_t d = w->bo_min;
	for (unsigned i = 1; i < failures && d < w->bo_max; i++)
		d *= 2;
	return d < w->bo_max ? d : w->bo_max;
}

/* The connection failed (connecting, or a request or tick lost it). */
static void
connection_failed(struct acct_worker *w, const struct perr *err,
		  bool was_online)
{
	w->last_err = *err;
	if (was_online && w->eng->disconnect)
		w->eng->disconnect(w, w->state);
	if (was_online) {
		set_state(w, ACCT_ST_OFFLINE);
		struct acct_event *ev = event_new(w, ACCT_EV_DISCONNECTED, 0);
		ev->err = *err;
		emit_framework(w, ev);
	}
	if (!retryable(err)) {
		log_warn("connection: %s; not retrying until asked", err->msg);
		pthread_mutex_lock(&w->mu);
		w->st = ACCT_ST_OFFLINE;
		w->stats.failures++;
		w->stats.next_retry_ms = 0;
		pthread_mutex_unlock(&w->mu);
		if (!was_online) {
			struct acct_event *ev =
				event_new(w, ACCT_EV_DISCONNECTED, 0);
			ev->err = *err;
			emit_framework(w, ev);
		}
		return;
	}
	pthread_mutex_lock(&w->mu);
	unsigned failures = ++w->stats.failures;
	int64_t delay = backoff_delay(w, failures);
	w->stats.next_retry_ms = delay;
	w->st = ACCT_ST_WAITING;
	pthread_mutex_unlock(&w->mu);
	w->retry_at = time_mono_ms() + delay;
	log_warn("connection: %s; retry %u in %lld ms", err->msg, failures,
		 (long long)delay);
	struct acct_event *ev = event_new(w, ACCT_EV_RECONNECTING, 0);
	ev->err = *err;
	ev->n1 = failures;
	ev->retry_ms = delay;
	emit_framework(w, ev);
}

/* Connect (the engine has a connect) inside an operation already begun,
 * so that cancel and quit reach it. 0 when online afterwards; -1 with
 * *out set (PERR_CANCELLED when stopped by a cancel or quit). */
static int
do_connect(struct acct_worker *w, struct perr *out)
{
	struct perr e = PERR_INIT;
	pthread_mutex_lock(&w->mu);
	w->stats.connects_tried++;
	pthread_mutex_unlock(&w->mu);
	int r = w->eng->connect(w, w->state, &e);
	if (r == 0) {
		pthread_mutex_lock(&w->mu);
		w->st = ACCT_ST_ONLINE;
		w->stats.failures = 0;
		w->stats.next_retry_ms = 0;
		pthread_mutex_unlock(&w->mu);
		w->next_poll = time_mono_ms() + w->poll_ms;
		log_info("connected");
		emit_framework(w, event_new(w, ACCT_EV_CONNECTED, 0));
		return 0;
	}
	if (e.kind == PERR_NONE)
		perr_set(&e, PERR_CONN, "cannot connect: engine '%s' gave no "
			 "reason", w->eng->name ? w->eng->name : "?");
	if (acct_cancelled(w)) {
		/* Cancelled or quit while connecting: no backoff. */
		perr_set(out, PERR_CANCELLED, "connecting cancelled");
		return -1;
	}
	*out = e;
	connection_failed(w, &e, false);
	return -1;
}

/* A connect of the worker's own (at start, or when the backoff is up). */
static void
try_connect(struct acct_worker *w)
{
	struct perr e = PERR_INIT;
	pthread_mutex_lock(&w->mu);
	op_begin_locked(w, 0);
	pthread_mutex_unlock(&w->mu);
	w->cur_req = 0;
	do_connect(w, &e);
	op_end(w);
}

static void
run_request(struct acct_worker *w, struct acct_request *req)
{
	struct perr e = PERR_INIT;
	enum acct_status st;
	w->cur_req = req->id;

	/* The operation was begun when the request left the queue, under
	 * the same lock, so a cancel can never fall between the two. */
	pthread_mutex_lock(&w->mu);
	enum acct_state cst = w->st;
	pthread_mutex_unlock(&w->mu);
	bool online = cst == ACCT_ST_ONLINE;
	/* Sending goes over its own SMTP session: the receiving side being
	 * down is no reason to keep mail in the outbox. */
	bool own_conn = req->kind == ACCT_REQ_SEND;
	if (!online && w->eng->connect && req->kind != ACCT_REQ_SYNC &&
	    !own_conn) {
		/* Fail fast: fifty flag changes queued while the server is
		 * down must not become fifty connection timeouts. Only
		 * "sync now" connects out of turn. */
		if (op_end(w)) {
			emit_terminal(w, ACCT_EV_CANCELLED, req->id, NULL);
			w->cur_req = 0;
			return;
		}
		int64_t left = w->retry_at - time_mono_ms();
		if (cst == ACCT_ST_WAITING)
			perr_set(&e, PERR_CONN, "account '%s' is offline, "
				 "retrying in %lld s: %s", w->name,
				 (long long)((left > 0 ? left : 0) + 999) /
					 1000,
				 w->last_err.msg);
		else
			perr_set(&e, w->last_err.kind ? w->last_err.kind
						      : PERR_CONN,
				 "account '%s' is offline: %s", w->name,
				 w->last_err.msg);
		emit_terminal(w, ACCT_EV_FAILED, req->id, &e);
		w->cur_req = 0;
		return;
	}
	if (!online && w->eng->connect && !own_conn) {
		/* "Sync now": try at once, whatever the backoff says. */
		if (do_connect(w, &e) < 0) {
			op_end(w);
			if (e.kind == PERR_CANCELLED)
				emit_terminal(w, ACCT_EV_CANCELLED, req->id,
					      NULL);
			else
				emit_terminal(w, ACCT_EV_FAILED, req->id, &e);
			w->cur_req = 0;
			return;
		}
	}

	pthread_mutex_lock(&w->mu);
	w->stats.requests_run++;
	pthread_mutex_unlock(&w->mu);
	if (w->eng->handle) {
		st = w->eng->handle(w, w->state, req, &e);
	} else {
		perr_set(&e, PERR_REJECTED, "engine '%s' cannot %s",
			 w->eng->name ? w->eng->name : "?",
			 acct_req_name(req->kind));
		st = ACCT_ERROR;
	}
	bool cancelled = op_end(w);

	/* Work that finished is reported done even when a cancel came
	 * late: saying "cancelled" about a move that happened would be a
	 * lie. An error after a cancel is the cancel's doing. */
	if (st == ACCT_OK) {
		emit_terminal(w, ACCT_EV_DONE, req->id, NULL);
		if (req->kind == ACCT_REQ_SYNC)
			w->next_poll = time_mono_ms() + w->poll_ms;
	} else if (st == ACCT_STOPPED || cancelled) {
		emit_terminal(w, ACCT_EV_CANCELLED, req->id, NULL);
	} else {
		if (e.kind == PERR_NONE)
			perr_set(&e, PERR_LOCAL, "engine '%s' failed to %s "
				 "without a reason",
				 w->eng->name ? w->eng->name : "?",
				 acct_req_name(req->kind));
		log_warn("request %llu (%s) failed: %s",
			 (unsigned long long)req->id, acct_req_name(req->kind),
			 e.msg);
		emit_terminal(w, ACCT_EV_FAILED, req->id, &e);
		if (retryable(&e) && w->eng->connect && !own_conn)
			connection_failed(w, &e, true);
	}
	w->cur_req = 0;
}

static void
run_tick(struct acct_worker *w)
{
	struct perr e = PERR_INIT;
	w->cur_req = 0;
	pthread_mutex_lock(&w->mu);
	op_begin_locked(w, 0);
	w->stats.polls_run++;
	pthread_mutex_unlock(&w->mu);
	enum acct_status st = w->eng->poll_tick(w, w->state, &e);
	bool cancelled = op_end(w);
	/* From the end of this tick, not its start: a slow tick must not
	 * be followed by a burst of catching-up ones. */
	w->next_poll = time_mono_ms() + w->poll_ms;
	if (st != ACCT_ERROR || cancelled)
		return;
	if (e.kind == PERR_NONE)
		perr_set(&e, PERR_LOCAL, "poll failed without a reason");
	log_warn("poll failed: %s", e.msg);
	if (retryable(&e) && w->eng->connect) {
		connection_failed(w, &e, true);
		return;
	}
	struct acct_event *ev = event_new(w, ACCT_EV_ERROR, 0);
	ev->err = e;
	emit_framework(w, ev);
}

static void
run_idle(struct acct_worker *w, int64_t deadline)
{
	struct perr e = PERR_INIT;
	w->cur_req = 0;
	int r = w->eng->idle_wait(w, w->state, deadline, &e);
	pthread_mutex_lock(&w->mu);
	w->idling = false;
	bool quitting = w->quitting;
	pthread_mutex_unlock(&w->mu);
	if (r == 0 || quitting)
		return;
	if (e.kind == PERR_NONE)
		perr_set(&e, PERR_CONN, "idle failed without a reason");
	if (w->eng->connect)
		connection_failed(w, &e, true);
	else {
		struct acct_event *ev = event_new(w, ACCT_EV_ERROR, 0);
		ev->err = e;
		emit_framework(w, ev);
	}
}

static void
run_quit(struct acct_worker *w)
{
	pthread_mutex_lock(&w->mu);
	struct acct_request *r = w->qhead;
	w->qhead = w->qtail = NULL;
	w->qlen = 0;
	enum acct_state st = w->st;
	uint64_t quit_id = w->quit_id;
	pthread_mutex_unlock(&w->mu);
	while (r) {
		struct acct_request *next = r->next;
		emit_terminal(w, ACCT_EV_CANCELLED, r->id, NULL);
		request_free(r);
		r = next;
	}
	if (st == ACCT_ST_ONLINE && w->eng->disconnect)
		w->eng->disconnect(w, w->state);
	if (w->eng->destroy && w->state)
		w->eng->destroy(w->state);
	w->state = NULL;
	log_info("stopped");
	if (quit_id)
		emit_terminal(w, ACCT_EV_DONE, quit_id, NULL);
	emit_framework(w, event_new(w, ACCT_EV_STOPPED, 0));
}

static void
wait_until(struct acct_worker *w, int64_t deadline)
{
	if (deadline == INT64_MAX) {
		pthread_cond_wait(&w->cond, &w->mu);
		return;
	}
	struct timespec ts;
	ts.tv_sec = deadline / 1000;
	ts.tv_nsec = (long)(deadline % 1000) * 1000000L;
	pthread_cond_timedwait(&w->cond, &w->mu, &ts);
}

enum next_step { STEP_QUIT, STEP_REQUEST, STEP_CONNECT, STEP_TICK,
		 STEP_IDLE };

static void *
worker_main(void *arg)
{
	struct acct_worker *w = arg;
	struct acct_hub *hub = w->hub;
	log_set_context(w->name);
	log_info("worker started (%s)", w->eng->name ? w->eng->name : "?");

	if (w->eng->connect)
		try_connect(w);
	else {
		set_state(w, ACCT_ST_ONLINE);
		w->next_poll = time_mono_ms() + w->poll_ms;
	}

	for (;;) {
		enum next_step step;
		struct acct_request *req = NULL;
		int64_t deadline = INT64_MAX;

		pthread_mutex_lock(&w->mu);
		for (;;) {
			if (w->quitting) {
				step = STEP_QUIT;
				break;
			}
			if (w->qhead) {
				req = w->qhead;
				w->qhead = req->next;
				if (!w->qhead)
					w->qtail = NULL;
				w->qlen--;
				req->next = NULL;
				op_begin_locked(w, req->id);
				step = STEP_REQUEST;
				break;
			}
			int64_t now = time_mono_ms();
			deadline = INT64_MAX;
			if (w->st == ACCT_ST_WAITING) {
				if (now >= w->retry_at) {
					step = STEP_CONNECT;
					break;
				}
				deadline = w->retry_at;
			}
			if (w->st == ACCT_ST_ONLINE && w->poll_ms > 0 &&
			    w->eng->poll_tick) {
				if (now >= w->next_poll) {
					step = STEP_TICK;
					break;
				}
				deadline = w->next_poll;
			}
			if (w->st == ACCT_ST_ONLINE && w->eng->idle_wait) {
				w->idling = true;
				pipe_drain(w->cfd[0]);
				w->poke_pending = false;
				step = STEP_IDLE;
				break;
			}
			wait_until(w, deadline);
		}
		pthread_mutex_unlock(&w->mu);

		switch (step) {
		case STEP_QUIT:
			run_quit(w);
			pthread_mutex_lock(&w->mu);
			w->exited = true;
			pthread_cond_broadcast(&w->exit_cond);
			pthread_mutex_unlock(&w->mu);
			log_set_context(NULL);
			worker_unref(w);
			hub_unref(hub);
			return NULL;
		case STEP_REQUEST:
			run_request(w, req);
			request_free(req);
			break;
		case STEP_CONNECT:
			try_connect(w);
			break;
		case STEP_TICK:
			run_tick(w);
			break;
		case STEP_IDLE:
			run_idle(w, deadline);
			break;
		}
	}
}

struct acct_worker *
acct_start(struct acct_hub *hub, const struct acct_params *p,
	   struct perr *e)
{
	if (!p->name || !*p->name || !p->engine) {
		if (p->engine && p->engine->destroy && p->state)
			p->engine->destroy(p->state);
		perr_set(e, PERR_CONFIG, "cannot start an account without a "
			 "name and an engine");
		return NULL;
	}
	struct acct_worker *w = xcalloc(1, sizeof(*w));
	if (pipe_make(w->cfd, e) < 0) {
		perr_prefix(e, "cannot start account '%s'", p->name);
		if (p->engine->destroy && p->state)
			p->engine->destroy(p->state);
		free(w);
		return NULL;
	}
	w->name = xstrdup(p->name);
	w->eng = p->engine;
	w->state = p->state;
	w->hub = hub;
	w->poll_ms = p->poll_ms > 0 ? p->poll_ms : 0;
	w->bo_min = p->backoff_min_ms > 0 ? p->backoff_min_ms
					  : DEFAULT_BACKOFF_MIN;
	w->bo_max = p->backoff_max_ms > 0 ? p->backoff_max_ms
					  : DEFAULT_BACKOFF_MAX;
	if (w->bo_max < w->bo_min)
		w->bo_max = w->bo_min;
	w->qmax = p->queue_max ? p->queue_max : DEFAULT_QUEUE_MAX;
	w->strict = p->strict;
	w->st = ACCT_ST_OFFLINE;
	w->refs = 2;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_cond_init(&w->exit_cond, &ca);
	pthread_condattr_destroy(&ca);

	hub_ref(hub);
	/* The worker takes no signals: SIGWINCH and friends belong to the
	 * UI thread's self-pipe. The new thread inherits this mask. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		perr_set(e, PERR_LOCAL, "cannot start account '%s': %s",
			 p->name, strerror(r));
		hub_unref(hub);
		if (w->eng->destroy)
			w->eng->destroy(w->state);
		w->refs = 1;
		worker_unref(w);
		return NULL;
	}
	return w;
}

int
acct_post(struct acct_worker *w, enum acct_req_kind kind, const char *folder,
	  void *payload, acct_free_fn payload_free, uint64_t *id,
	  struct perr *e)
{
	if ((unsigned)kind >= ACCT_REQ_COUNT) {
		if (payload && payload_free)
			payload_free(payload);
		return perr_set(e, PERR_LOCAL, "unknown request kind %d",
				(int)kind);
	}
	pthread_mutex_lock(&w->mu);
	if (w->quitting) {
		pthread_mutex_unlock(&w->mu);
		if (payload && payload_free)
			payload_free(payload);
		return perr_set(e, PERR_CANCELLED, "account '%s' is stopping",
				w->name);
	}
	if (kind != ACCT_REQ_QUIT && w->qlen >= w->qmax) {
		size_t waiting = w->qlen;
		pthread_mutex_unlock(&w->mu);
		if (payload && payload_free)
			payload_free(payload);
		return perr_set(e, PERR_LOCAL, "account '%s' is busy: %zu "
				"requests waiting", w->name, waiting);
	}
	uint64_t rid = atomic_fetch_add(&next_req_id, 1);
	if (kind == ACCT_REQ_QUIT) {
		/* Not queued: quit overtakes everything waiting. */
		w->quitting = true;
		w->quit_id = rid;
		if (w->op_active || w->idling)
			poke_locked(w);
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->mu);
		if (payload && payload_free)
			payload_free(payload);
		if (id)
			*id = rid;
		return 0;
	}
	struct acct_request *r = xcalloc(1, sizeof(*r));
	r->kind = kind;
	r->id = rid;
	r->folder = folder ? xstrdup(folder) : NULL;
	r->payload = payload;
	r->payload_free = payload_free;
	if (w->qtail)
		w->qtail->next = r;
	else
		w->qhead = r;
	w->qtail = r;
	w->qlen++;
	if (w->idling)
		poke_locked(w);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
	if (id)
		*id = rid;
	return 0;
}

int
acct_cancel(struct acct_worker *w, uint64_t id, struct perr *e)
{
	pthread_mutex_lock(&w->mu);
	if (id != 0 && w->op_active && w->op_id == id) {
		w->op_cancelled = true;
		poke_locked(w);
		pthread_mutex_unlock(&w->mu);
		return 0;
	}
	struct acct_request **pp = &w->qhead, *prev = NULL;
	while (*pp && (*pp)->id != id) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	struct acct_request *r = *pp;
	if (!r || id == 0) {
		pthread_mutex_unlock(&w->mu);
		return perr_set(e, PERR_LOCAL, "no request %llu waiting or "
				"running in account '%s'",
				(unsigned long long)id, w->name);
	}
	*pp = r->next;
	if (w->qtail == r)
		w->qtail = prev;
	w->qlen--;
	/* Answered here, in the caller's thread, so that a cancel of a
	 * request stuck behind a slow one takes effect at once. Removal
	 * and answer happen under the worker's lock, so the worker cannot
	 * have taken the request in between. */
	struct acct_event *ev = xcalloc(1, sizeof(*ev));
	ev->kind = ACCT_EV_CANCELLED;
	ev->account = xstrdup(w->name);
	ev->req_id = r->id;
	ev->state = w->st;
	hub_push(w->hub, ev, false, NULL, NULL);
	pthread_mutex_unlock(&w->mu);
	request_free(r);
	return 0;
}

int
acct_stop(struct acct_worker *w, int64_t deadline_ms, struct perr *e)
{
	pthread_mutex_lock(&w->mu);
	if (!w->quitting) {
		w->quitting = true;
		if (w->op_active || w->idling)
			poke_locked(w);
		pthread_cond_signal(&w->cond);
	}
	struct timespec ts;
	ts.tv_sec = deadline_ms / 1000;
	ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
	while (!w->exited) {
		int r = pthread_cond_timedwait(&w->exit_cond, &w->mu, &ts);
		if (r == ETIMEDOUT)
			break;
	}
	bool exited = w->exited;
	pthread_mutex_unlock(&w->mu);
	if (exited) {
		pthread_join(w->thread, NULL);
		worker_unref(w);
		return 0;
	}
	pthread_detach(w->thread);
	char *name = xstrdup(w->name);
	worker_unref(w);
	perr_set(e, PERR_LOCAL, "account '%s' did not stop in time; left "
		 "to end on its own", name);
	log_warn("account '%s' did not stop in time", name);
	free(name);
	return -1;
}
