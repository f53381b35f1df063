/* SPDX-License-Identifier: ISC */
/*
 * account: events and the hub that carries them from the workers to the
 * UI thread.
 *
 * The hub is a FIFO under a mutex plus a wake-up pipe. A worker that
 * queues an event writes one byte to the pipe only when no byte is
 * pending, so a burst of a thousand summaries costs the UI one wake-up;
 * the UI empties the pipe before it takes the queue, so an event queued
 * after the take always leaves a byte behind (no lost wake-up). Data
 * events wait for room when the hub is full (back-pressure on the worker,
 * which may block; never on the UI, which must not), while terminal and
 * state events always go in: the number of those is bounded by the
 * request queues, and losing one would break the one-answer-per-request
 * rule.
 *
 * The hub is reference counted: the UI holds one reference and each live
 * worker another, so a worker that missed its stop deadline can still
 * finish (its events are then discarded) without touching freed memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/log.h"
#include "private.h"

struct acct_hub {
	pthread_mutex_t mu;
	pthread_cond_t space; /* signalled when the UI takes events */
	struct acct_event *head, *tail;
	size_t count, max;
	int fds[2];
	bool wake_pending;
	bool closed; /* the UI let go */
	unsigned refs;
};

static const char *const req_names[] = {
#define ACCT_REQ_NAME_(name, text) text,
	ACCT_REQ_TABLE(ACCT_REQ_NAME_)
#undef ACCT_REQ_NAME_
};

static const char *const ev_names[] = {
#define ACCT_EV_NAME_(name, text) text,
	ACCT_EV_TABLE(ACCT_EV_NAME_)
#undef ACCT_EV_NAME_
};

const char *
acct_req_name(enum acct_req_kind kind)
{
	if ((unsigned)kind >= ARRAY_SIZE(req_names))
		return "unknown request";
	return req_names[kind];
}

const char *
acct_ev_name(enum acct_ev_kind kind)
{
	if ((unsigned)kind >= ARRAY_SIZE(ev_names))
		return "unknown event";
	return ev_names[kind];
}

bool
acct_ev_is_terminal(enum acct_ev_kind kind)
{
	return kind == ACCT_EV_DONE || kind == ACCT_EV_FAILED ||
	       kind == ACCT_EV_CANCELLED;
}

const char *
acct_state_name(enum acct_state st)
{
	switch (st) {
	case ACCT_ST_OFFLINE:
		return "offline";
	case ACCT_ST_ONLINE:
		return "online";
	case ACCT_ST_WAITING:
		return "waiting to reconnect";
	case ACCT_ST_STOPPING:
		return "stopping";
	}
	return "unknown state";
}

void
acct_event_free(struct acct_event *ev)
{
	if (!ev)
		return;
	if (ev->payload && ev->payload_free)
		ev->payload_free(ev->payload);
	free(ev->folder);
	free(ev->account);
	free(ev);
}

void
acct_event_free_list(struct acct_event *ev)
{
	while (ev) {
		struct acct_event *next = ev->next;
		acct_event_free(ev);
		ev = next;
	}
}

void
pipe_poke(int fd)
{
	char c = 1;
	ssize_t n;
	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	/* EAGAIN: the pipe is full, so a reader will wake anyway. */
}

void
pipe_drain(int fd)
{
	char tmp[64];
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
}

int
pipe_make(int fds[2], struct perr *e)
{
	if (pipe(fds) < 0)
		return perr_set(e, PERR_LOCAL, "cannot make a pipe: %s",
				strerror(errno));
	for (int i = 0; i < 2; i++) {
		int fl = fcntl(fds[i], F_GETFL);
		if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) < 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0) {
			int err = errno;
			close(fds[0]);
			close(fds[1]);
			fds[0] = fds[1] = -1;
			return perr_set(e, PERR_LOCAL,
					"cannot set up a pipe: %s",
					strerror(err));
		}
	}
	return 0;
}

struct acct_hub *
acct_hub_new(size_t max_events, struct perr *e)
{
	struct acct_hub *hub = xcalloc(1, sizeof(*hub));
	if (pipe_make(hub->fds, e) < 0) {
		free(hub);
		return NULL;
	}
	pthread_mutex_init(&hub->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&hub->space, &ca);
	pthread_condattr_destroy(&ca);
	hub->max = max_events ? max_events : 4096;
	hub->refs = 1;
	return hub;
}

void
hub_ref(struct acct_hub *hub)
{
	pthread_mutex_lock(&hub->mu);
	hub->refs++;
	pthread_mutex_unlock(&hub->mu);
}

void
hub_unref(struct acct_hub *hub)
{
	pthread_mutex_lock(&hub->mu);
	bool last = --hub->refs == 0;
	pthread_mutex_unlock(&hub->mu);
	if (!last)
		return;
	acct_event_free_list(hub->head);
	close(hub->fds[0]);
	close(hub->fds[1]);
	pthread_cond_destroy(&hub->space);
	pthread_mutex_destroy(&hub->mu);
	free(hub);
}

void
acct_hub_free(struct acct_hub *hub)
{
	if (!hub)
		return;
	pthread_mutex_lock(&hub->mu);
	hub->closed = true;
	struct acct_event *list = hub->head;
	hub->head = hub->tail = NULL;
	hub->count = 0;
	/* A worker waiting for room gives up its event at once. */
	pthread_cond_broadcast(&hub->space);
	pthread_mutex_unlock(&hub->mu);
	acct_event_free_list(list);
	hub_unref(hub);
}

int
acct_hub_fd(const struct acct_hub *hub)
{
	return hub->fds[0];
}

size_t
acct_hub_count(struct acct_hub *hub)
{
	pthread_mutex_lock(&hub->mu);
	size_t n = hub->count;
	pthread_mutex_unlock(&hub->mu);
	return n;
}

struct acct_event *
acct_hub_drain(struct acct_hub *hub)
{
	/* Empty the pipe first: a byte written after this belongs to
	 * events queued after the take below. */
	pipe_drain(hub->fds[0]);
	pthread_mutex_lock(&hub->mu);
	struct acct_event *list = hub->head;
	hub->head = hub->tail = NULL;
	hub->count = 0;
	hub->wake_pending = false;
	pthread_cond_broadcast(&hub->space);
	pthread_mutex_unlock(&hub->mu);
	return list;
}

static bool
same_folder(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* A FOLDER_CHANGED still waiting for the UI says all a second one would.
 * The scan is linear, which is fine for a queue the UI empties on every
 * wake-up; it only runs for this one kind. */
static bool
merges(const struct acct_hub *hub, const struct acct_event *ev)
{
	if (ev->kind != ACCT_EV_FOLDER_CHANGED || ev->req_id != 0)
		return false;
	for (const struct acct_event *q = hub->head; q; q = q->next) {
		if (q->kind == ACCT_EV_FOLDER_CHANGED && q->req_id == 0 &&
		    strcmp(q->account, ev->account) == 0 &&
		    same_folder(q->folder, ev->folder))
			return true;
	}
	return false;
}

int
hub_push(struct acct_hub *hub, struct acct_event *ev, bool may_wait,
	 bool (*stop)(void *arg), void *arg)
{
	ev->next = NULL;
	pthread_mutex_lock(&hub->mu);
	while (may_wait && !hub->closed && hub->count >= hub->max) {
		pthread_mutex_unlock(&hub->mu);
		if (stop && stop(arg)) {
			acct_event_free(ev);
			return -1;
		}
		pthread_mutex_lock(&hub->mu);
		if (hub->closed || hub->count < hub->max)
			break;
		/* Wake every 20 ms to ask stop(): the cancel flag lives
		 * under another lock. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 20 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&hub->space, &hub->mu, &ts);
	}
	if (hub->closed || merges(hub, ev)) {
		pthread_mutex_unlock(&hub->mu);
		acct_event_free(ev);
		return 0;
	}
	if (hub->tail)
		hub->tail->next = ev;
	else
		hub->head = ev;
	hub->tail = ev;
	hub->count++;
	if (!hub->wake_pending) {
		hub->wake_pending = true;
		pipe_poke(hub->fds[1]);
	}
	pthread_mutex_unlock(&hub->mu);
	return 0;
}
