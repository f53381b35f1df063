/* SPDX-License-Identifier: ISC */
/*
 * account, inside: what the worker needs from the hub. Not part of the
 * public API.
 */
#ifndef POSTIE_ACCOUNT_PRIVATE_H
#define POSTIE_ACCOUNT_PRIVATE_H

#include "postie/account.h"

/* Take a hold on the hub (one per live worker). */
void hub_ref(struct acct_hub *hub);
/* Drop a hold; the last one frees the hub. */
void hub_unref(struct acct_hub *hub);

/* Queue ev on the hub, taking it. A data event (may_wait) waits while the
 * hub is full, asking stop(arg) every few milliseconds; when stop says
 * yes the event is freed and -1 returned. Other events are always queued.
 * A FOLDER_CHANGED event with req_id 0 is merged into one still queued
 * for the same account and folder. On a hub the UI has let go of, the
 * event is freed and 0 returned. */
int hub_push(struct acct_hub *hub, struct acct_event *ev, bool may_wait,
	     bool (*stop)(void *arg), void *arg);

/* Write one byte to a non-blocking pipe; a full pipe already holds one. */
void pipe_poke(int fd);
/* Read everything a non-blocking pipe holds. */
void pipe_drain(int fd);
/* A pipe with both ends non-blocking and close-on-exec. */
int pipe_make(int fds[2], struct perr *e);

#endif
