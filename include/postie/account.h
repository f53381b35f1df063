/* SPDX-License-Identifier: ISC */
/*
 * account: one worker thread per account, and the two queues between it
 * and the UI thread.
 *
 * The UI posts requests (open folder, fetch body, sync now, quit, ...) to
 * a worker with acct_post; the worker runs them one at a time through its
 * engine (IMAP, POP3, SMTP: a table of functions with an opaque state)
 * and answers with events on a hub that the UI shares between all its
 * accounts. The hub has a wake-up pipe: a readable byte means "events are
 * waiting"; the UI polls it beside the terminal and then takes every
 * event at once with acct_hub_drain.
 *
 * The contract, enforced here rather than trusted to each engine:
 *
 *   - Every request gets zero or more data events and then exactly one
 *     terminal event: ACCT_EV_DONE, ACCT_EV_FAILED (with a struct perr)
 *     or ACCT_EV_CANCELLED. The engine returns a status; the framework
 *     emits the terminal event. An engine that emits a terminal event
 *     itself has a bug: the event is refused, counted, logged, and in a
 *     strict worker the process aborts.
 *   - Request ids are unique across all workers and increase in the
 *     order of posting; events carry the id of the request they answer,
 *     or 0 when unsolicited (new mail, folder changed, disconnect, poll
 *     results).
 *   - A request is run by one thread at a time per account: the poll
 *     tick never overlaps a request and requests never overlap each other
 *     (hostile-28).
 *   - Payloads move with the message: what is posted belongs to the
 *     worker, what is emitted belongs to the UI; each side frees what it
 *     was given (acct_event_free).
 *
 * Connection errors (PERR_CONN, PERR_PROTO) make the worker reconnect
 * with an exponential backoff (1 s doubling to 5 min by default, reset by
 * a successful connect); ACCT_EV_RECONNECTING says when the next try is.
 * Authentication and configuration errors are not retried by the timer,
 * because hammering a server with a wrong password gets accounts locked.
 * While the account is offline, requests fail at once with the reason
 * (and the time of the next try), so that fifty queued flag changes do
 * not become fifty connection timeouts; only ACCT_REQ_SYNC ("sync now")
 * connects out of turn.
 */
#ifndef POSTIE_ACCOUNT_H
#define POSTIE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* Frees a payload; NULL means the payload needs no freeing. */
typedef void (*acct_free_fn)(void *payload);

/* Request kinds (UI -> worker). QUIT is handled by the framework; the
 * others are given to the engine, which refuses kinds it does not know
 * with PERR_REJECTED. */
#define ACCT_REQ_TABLE(X)                                   \
	X(QUIT, "quit")                                     \
	X(SYNC, "sync")                                     \
	X(LIST_FOLDERS, "list folders")                     \
	X(OPEN_FOLDER, "open folder")                       \
	X(FETCH_BODY, "fetch body")                         \
	X(SET_FLAGS, "set flags")                           \
	X(MOVE, "move")                                     \
	X(DELETE, "delete")                                 \
	X(SEND, "send")                                     \
	X(COPY, "copy")                                     \
	X(APPEND, "append")                                 \
	X(CREATE_FOLDER, "create folder")                   \
	X(RENAME_FOLDER, "rename folder")                   \
	X(DELETE_FOLDER, "delete folder")                   \
	X(SUBSCRIBE, "subscribe")                           \
	X(SEARCH, "search")

enum acct_req_kind {
#define ACCT_REQ_ENUM_(name, text) ACCT_REQ_##name,
	ACCT_REQ_TABLE(ACCT_REQ_ENUM_)
#undef ACCT_REQ_ENUM_
	ACCT_REQ_COUNT
};

/* Event kinds (worker -> UI). The first three are the terminal events
 * of a request; the framework alone emits them and the state events
 * (CONNECTED .. STOPPED; ERROR is a failure that answers no request, such
 * as a poll tick that went wrong). Engines emit the others. */
#define ACCT_EV_TABLE(X)                                    \
	X(DONE, "done")                                     \
	X(FAILED, "failed")                                 \
	X(CANCELLED, "cancelled")                           \
	X(CONNECTED, "connected")                           \
	X(DISCONNECTED, "disconnected")                     \
	X(RECONNECTING, "reconnecting")                     \
	X(ERROR, "error")                                   \
	X(STOPPED, "stopped")                               \
	X(PROGRESS, "progress")                             \
	X(FOLDERS, "folders")                               \
	X(SUMMARIES, "summaries")                           \
	X(BODY, "body")                                     \
	X(NEW_MAIL, "new mail")                             \
	X(FOLDER_CHANGED, "folder changed")                 \
	X(DATA, "data")                                     \
	X(OUTBOX, "outbox")                                 \
	X(ALERT, "alert")

enum acct_ev_kind {
#define ACCT_EV_ENUM_(name, text) ACCT_EV_##name,
	ACCT_EV_TABLE(ACCT_EV_ENUM_)
#undef ACCT_EV_ENUM_
	ACCT_EV_COUNT
};

/* Names for logs and the status line; never NULL. */
const char *acct_req_name(enum acct_req_kind kind);
const char *acct_ev_name(enum acct_ev_kind kind);
/* Is kind one of DONE, FAILED, CANCELLED? */
bool acct_ev_is_terminal(enum acct_ev_kind kind);

/* The connection state of an account, carried by every event. */
enum acct_state {
	ACCT_ST_OFFLINE,      /* never connected, or gave up (auth) */
	ACCT_ST_ONLINE,       /* connected (or an engine with no connect) */
	ACCT_ST_WAITING,      /* connection lost; next try after backoff */
	ACCT_ST_STOPPING,     /* quit posted */
};
const char *acct_state_name(enum acct_state st);

/* What the engine says about a request or a poll tick it ran. */
enum acct_status {
	ACCT_OK,
	ACCT_ERROR,     /* details in the struct perr */
	ACCT_STOPPED,   /* it saw the cancel flag or fd and stopped */
};

/* A request. The framework allocates it in acct_post; the engine borrows
 * it while handle() runs. */
struct acct_request {
	enum acct_req_kind kind;
	uint64_t id;             /* unique, increasing; set by acct_post */
	char *folder;            /* owned; may be NULL */
	void *payload;           /* owned; freed with payload_free */
	acct_free_fn payload_free;
	struct acct_request *next; /* queue link, framework only */
};

/* An event. Everything in it belongs to whoever holds the event; free it
 * with acct_event_free. */
struct acct_event {
	enum acct_ev_kind kind;
	char *account;           /* owned copy of the account name */
	uint64_t req_id;         /* 0: unsolicited */
	enum acct_state state;   /* the account's state when emitted */
	struct perr err;         /* FAILED, DISCONNECTED, RECONNECTING, ERROR */
	char *folder;            /* owned; may be NULL */
	/* RECONNECTING: failures in a row and the delay before the next
	 * try; PROGRESS: done and total, as the engine defines them. */
	uint64_t n1, n2;
	int64_t retry_ms;
	void *payload;           /* owned; freed with payload_free */
	acct_free_fn payload_free;
	struct acct_event *next; /* list link (acct_hub_drain) */
};

/* Free one event and everything it owns (not ev->next). NULL is a
 * no-op. Any thread. */
void acct_event_free(struct acct_event *ev);
/* Free a whole list linked through next. */
void acct_event_free_list(struct acct_event *ev);

/* ---------------------------------------------------------------------
 * The hub: the events of every account for one UI.
 */
struct acct_hub;

/* A new hub with room for max_events queued events (0: 4096). Data events
 * from an engine wait while the hub is full (back-pressure on the worker,
 * never on the UI); terminal and state events are always accepted, so a
 * request's answer is never lost. NULL with *e set when the wake-up pipe
 * cannot be made. UI thread. */
struct acct_hub *acct_hub_new(size_t max_events, struct perr *e);
/* Drop the UI's hold on the hub: events still queued are freed. Workers
 * that are still running (a stop that timed out) keep the memory alive
 * until they end and their later events are discarded. NULL is a no-op.
 * UI thread, after acct_stop of every worker. */
void acct_hub_free(struct acct_hub *hub);
/* The fd to poll for reading: readable means events are waiting. It
 * carries at most one byte per batch. Borrowed; valid until
 * acct_hub_free. */
int acct_hub_fd(const struct acct_hub *hub);
/* Empty the wake-up pipe and take every queued event, oldest first,
 * linked through next. The caller owns the list (acct_event_free each
 * or acct_event_free_list). NULL when nothing is queued. UI thread. */
struct acct_event *acct_hub_drain(struct acct_hub *hub);
/* Number of events queued now (for tests and the status line). */
size_t acct_hub_count(struct acct_hub *hub);

/* ---------------------------------------------------------------------
 * Engines. Every function runs in the worker thread and may block (with
 * timeouts); while it blocks it should poll acct_cancel_fd beside its
 * socket and check acct_cancelled between steps. Any member may be NULL:
 * no connect means always online; no handle refuses every request; no
 * poll_tick means the timer does nothing; no idle_wait means the worker
 * sleeps on its queue instead.
 */
struct acct_worker;

struct acct_engine {
	const char *name; /* "imap", "pop3", "smtp": for logs */
	/* Open the connection. 0, or -1 with *e (PERR_CONN and PERR_PROTO
	 * are retried after a backoff; others wait for the user). */
	int (*connect)(struct acct_worker *w, void *state, struct perr *e);
	/* Close the connection (after an error, before a reconnect, and at
	 * quit). Must not fail. */
	void (*disconnect)(struct acct_worker *w, void *state);
	/* Run one request. Data events go out through acct_emit. Return
	 * ACCT_OK, ACCT_ERROR with *e set (a PERR_CONN or PERR_PROTO error
	 * also drops the connection), or ACCT_STOPPED after a cancel. */
	enum acct_status (*handle)(struct acct_worker *w, void *state,
				   const struct acct_request *req,
				   struct perr *e);
	/* The poll timer fired: check for new mail, flush the outbox. */
	enum acct_status (*poll_tick)(struct acct_worker *w, void *state,
				      struct perr *e);
	/* Wait for the server to say something (IMAP IDLE) until the
	 * monotonic time deadline_ms, or until acct_cancel_fd is readable (a
	 * request was posted, or quit). 0, or -1 with *e (connection
	 * lost). */
	int (*idle_wait)(struct acct_worker *w, void *state,
			 int64_t deadline_ms, struct perr *e);
	/* Free the state at the end of the worker (after disconnect). */
	void (*destroy)(void *state);
};

struct acct_params {
	const char *name;                 /* account name; copied */
	const struct acct_engine *engine; /* borrowed; must outlive it */
	void *state;                      /* taken: freed by destroy */
	int64_t poll_ms;         /* poll interval; 0: no timer */
	int64_t backoff_min_ms;  /* first reconnect delay; 0: 1 s */
	int64_t backoff_max_ms;  /* cap; 0: 5 min */
	size_t queue_max;        /* queued requests; 0: 256 */
	/* Abort on an engine bug (a terminal event emitted by the engine)
	 * instead of only refusing and counting it. Debug builds. */
	bool strict;
};

/* Start a worker thread for an account, answering on hub. Returns the
 * worker, or NULL with *e set (the state is then destroyed). UI thread.
 */
struct acct_worker *acct_start(struct acct_hub *hub,
			       const struct acct_params *p, struct perr *e);

/* Post a request. Takes folder (copied) and payload (always, even on
 * failure, when it is freed with payload_free). Never blocks: a full
 * queue or a stopping worker refuses with -1 and *e. On success *id
 * (may be NULL) gets the request id. Posting ACCT_REQ_QUIT is always
 * accepted (once): the running request is cancelled, the queued ones are
 * answered CANCELLED, then the quit request gets DONE and the worker
 * ends with ACCT_EV_STOPPED. UI thread (any thread is safe). */
int acct_post(struct acct_worker *w, enum acct_req_kind kind,
	      const char *folder, void *payload, acct_free_fn payload_free,
	      uint64_t *id, struct perr *e);

/* Cancel request id: a queued one is answered CANCELLED at once and never
 * runs; a running one is told through acct_cancel_fd and acct_cancelled
 * and ends CANCELLED unless it had finished. -1 with *e when id is not
 * queued or running (already answered, or never posted). Any thread. */
int acct_cancel(struct acct_worker *w, uint64_t id, struct perr *e);

/* Post QUIT (unless posted) and wait until the monotonic time
 * deadline_ms for the thread to end. Frees the worker in both cases; on
 * -1 (*e says the thread did not stop in time) the thread is detached
 * and frees what it holds when it ends. UI thread. */
int acct_stop(struct acct_worker *w, int64_t deadline_ms, struct perr *e);

/* The account name. Borrowed; lives as long as the worker. Any thread. */
const char *acct_name(const struct acct_worker *w);

/* Counters for tests and diagnostics. */
struct acct_stats {
	uint64_t requests_run;    /* handed to the engine */
	uint64_t polls_run;
	uint64_t connects_tried;
	uint64_t engine_bugs;     /* terminal events emitted by the engine */
	unsigned failures;        /* connection failures in a row */
	int64_t next_retry_ms;    /* backoff delay now; 0 when online */
};
void acct_get_stats(struct acct_worker *w, struct acct_stats *out);

/* ---------------------------------------------------------------------
 * For engines, from inside connect/handle/poll_tick/idle_wait (the worker
 * thread only).
 */

/* Emit an event for the request being run (req_id is set by the
 * framework: the running request, or 0 in connect, poll_tick and
 * idle_wait, or for NEW_MAIL and FOLDER_CHANGED, which are always
 * unsolicited). Takes folder (copied) and payload (always). Repeated
 * FOLDER_CHANGED events for a folder still queued are merged into one.
 * Returns 0; -1 when the event was refused: a terminal or state kind
 * (an engine bug), or the request was cancelled while the hub was full.
 */
int acct_emit(struct acct_worker *w, enum acct_ev_kind kind,
	      const char *folder, uint64_t n1, uint64_t n2, void *payload,
	      acct_free_fn payload_free);

/* Has the running request (or tick) been cancelled, or quit posted? */
bool acct_cancelled(struct acct_worker *w);

/* An fd that becomes readable when the running operation should stop
 * (cancel or quit), and during idle_wait when a request arrives. Poll it
 * for reading; never read it. Borrowed. */
int acct_cancel_fd(const struct acct_worker *w);

/* ---------------------------------------------------------------------
 * Sync: one pass that brings an account's local copy up to date with its
 * server (src/account/sync_imap.c, sync_pop3.c). Blocking, with the
 * network timeouts of net/: run it in the account's worker thread or in
 * a headless command. Nothing here draws or prints; progress goes to a
 * callback.
 */
struct cfg_account;
struct store;
struct imap_session;
struct imap_session_params;
struct pop3_session;

/* What one sync did. */
struct acct_sync_stats {
	unsigned folders;        /* folders brought up to date */
	unsigned folders_failed; /* folders skipped after an error */
	uint64_t new_msgs;       /* summaries added (POP3: downloaded) */
	uint64_t changed;        /* messages whose flags changed */
	uint64_t removed;        /* IMAP: expunged on the server; POP3:
				    deleted on the server by this sync */
	uint64_t bytes;          /* POP3: bytes downloaded */
	uint64_t skipped;        /* IMAP: messages left out because the
				    server gave them the invalid UID 0 */
	struct perr folder_err;  /* the first folder error, if any */
};

/* Called between steps: the folder (UTF-8 display name) and how far the
 * current step is (done of total; total 0 when unknown). */
typedef void (*acct_sync_progress_fn)(void *arg, const char *folder,
				      uint64_t done, uint64_t total);

/* Everything borrowed for the call. */
struct acct_sync_params {
	const struct cfg_account *account;
	const char *password;    /* the secret (cfg_account_password) */
	struct store *store;     /* the account's store, opened to write */
	const char *folder;      /* IMAP: only this folder (display or raw
				    name); NULL: every folder */
	const char *data_dir;    /* POP3: the account's data directory
				    ($XDG_DATA_HOME/postie/NAME): the
				    Maildir "inbox" and the file
				    "pop3-uidl" live there */
	int cancel_fd;           /* -1: none */
	int timeout_ms;          /* <= 0: net's defaults */
	int64_t now;             /* POP3: the time (0: time(NULL)) */
	acct_sync_progress_fn progress; /* may be NULL */
	void *progress_arg;
	/* IMAP: called (with progress_arg) when part of a folder's new mail
	 * is in the store before the sync of that folder ends: the newest
	 * messages of a first sync come first, and a screen can show them
	 * at once. May be NULL. */
	acct_sync_progress_fn stored;
	/* IMAP: the text of each [ALERT] the server sent (RFC 3501 7.1),
	 * unsanitised and borrowed for the call; with progress_arg. May be
	 * NULL. */
	void (*alert)(void *arg, const char *text);
};

/* Storage the session parameters below point into; it must outlive them. */
struct acct_server_buf {
	char fp[65];  /* the pinned SHA-256 in hex, or "" */
	char port[8];
};

/* The IMAP session parameters for account a's receiving server: host,
 * port, TLS mode, CA file, pin, user, the ID command when the account or
 * its preset wants it, timeouts and the cancel fd (-1: none). password is
 * borrowed. Refuses an account that does not receive over IMAP or would
 * need plaintext. Returns 0 or -1 with PERR_CONFIG. One place, so that
 * every connection an account makes (sync, IDLE, operations, the Sent
 * copy) is made the same way. */
int acct_imap_params(const struct cfg_account *a, const char *password,
		     int timeout_ms, int cancel_fd, struct acct_server_buf *sb,
		     struct imap_session_params *ip, struct perr *e);

/* IMAP: connect, list the folders (special-use roles, modified UTF-7
 * names decoded, raw names kept), and for each: check UIDVALIDITY (a
 * change drops the folder's cache), fetch the summaries of new messages
 * in one UID FETCH written in batches, then flag changes and expunges
 * (QRESYNC where the server has it, else a FLAGS sweep). Folders gone
 * from the server are removed from the store (full sync only). A folder
 * that fails is counted and skipped; a connection, protocol or login
 * error ends the sync. Returns 0 when every folder synced, -1 with *e
 * (for a folder failure: its error) otherwise; *out is filled in both
 * cases. */
int acct_sync_imap(const struct acct_sync_params *p,
		   struct acct_sync_stats *out, struct perr *e);
/* The same over a session already logged in (tests drive it through a
 * scripted connection); the session stays open. */
int acct_sync_imap_session(struct imap_session *s,
			   const struct acct_sync_params *p,
			   struct acct_sync_stats *out, struct perr *e);

/* The receiving engine for acct_start: connect logs in (IMAP) or only
 * prepares (POP3), ACCT_REQ_SYNC and the poll timer run the sync of the
 * account (of req->folder when set), and an IMAP server with IDLE is
 * watched on INBOX between them. Emits PROGRESS (folder, done, total),
 * NEW_MAIL (n1: new messages), FOLDER_CHANGED (n1 changed, n2
 * removed) and ALERT (payload: the char * text of a server's [ALERT],
 * unsanitised, at most 1 KiB) at login, in a sync, an operation or
 * IDLE. On an IMAP account the message and folder operations below
 * (acct_op_imap) are run too, with FOLDER_CHANGED for each folder they
 * touched and DATA (payload: a char * note) when there is more to say;
 * other requests are refused with PERR_REJECTED. ACCT_REQ_SEND flushes
 * the account's outbox now (postie/send.h: acct_outbox_run): PROGRESS
 * (folder "Outbox"), then ACCT_EV_OUTBOX, then DONE or FAILED with the
 * server's reason; it runs even while the receiving side is offline, and
 * its failure never counts as the receiving connection's. The poll
 * timer flushes what is due before each sync. */
extern const struct acct_engine acct_sync_engine;
/* Its state, for acct_params.state: a (borrowed: it must outlive the
 * worker), the store directory and the data directory (copied), the
 * network timeout (<= 0: net's defaults). */
void *acct_sync_engine_state(const struct cfg_account *a,
			     const char *cache_dir, const char *data_dir,
			     int timeout_ms);

/* A local Maildir account (receive = maildir:PATH; sync_maildir.c): index
 * the Maildir and its Maildir++ folders (".Sent" is "Sent") into the
 * store. UIDs are the places of the messages' unique names in byte
 * order, UIDVALIDITY a hash of those names: a message added or removed
 * by another program renumbers the folder (the store drops its old
 * entries), a change of flags alone only updates flags. Only p->account,
 * p->store, p->folder (NULL: all) and p->cancel_fd are used. Returns 0,
 * or -1 with *e (the first folder's failure; the others still sync). */
int acct_sync_maildir(const struct acct_sync_params *p,
		      struct acct_sync_stats *out, struct perr *e);
/* Set and clear flags (STORE_F_* server bits) of messages of a Maildir
 * account's folder (its raw name) by renaming their files (cur/NAME:2,
 * with the letters DFPRST), then in the store (opened to write). Refused
 * with PERR_FOLDER when the folder changed on disk since its last sync.
 * Returns 0 or -1 with *e. */
int acct_maildir_set_flags(const struct cfg_account *a, struct store *st,
			   const char *folder, const uint32_t *uids, size_t n,
			   uint32_t set, uint32_t clear, struct perr *e);

/* Copy (move: and then remove) messages of a Maildir account's folder
 * into the folder dest, which is made when create is set and refused
 * with PERR_FOLDER "(no such folder)" otherwise, as an IMAP server's
 * TRYCREATE is. Each copy is delivered (fsynced) before its original is
 * removed. *done gets the messages done. The store is not changed: sync
 * both folders after (their UIDs are renumbered). Returns 0 or -1. */
int acct_maildir_copy(const struct cfg_account *a, struct store *st,
		      const char *folder, const uint32_t *uids, size_t n,
		      const char *dest, bool create, bool move, size_t *done,
		      struct perr *e);
/* Remove the files of messages (the expunge of a Maildir); *done gets
 * how many. The store is not changed: sync the folder after. Returns 0
 * or -1. */
int acct_maildir_remove(const struct cfg_account *a, struct store *st,
			const char *folder, const uint32_t *uids, size_t n,
			size_t *done, struct perr *e);

/* The engine of a local Maildir account: ACCT_REQ_SYNC and the poll timer
 * run acct_sync_maildir, ACCT_REQ_SET_FLAGS (req->folder the folder's
 * raw name, the payload a struct acct_op with uids, n, set and clear, as
 * for IMAP below) acct_maildir_set_flags, ACCT_REQ_MOVE and ACCT_REQ_COPY
 * (op->dest, op->create) acct_maildir_copy and ACCT_REQ_DELETE
 * acct_maildir_remove, each followed by a sync of the folders touched; it
 * emits NEW_MAIL and FOLDER_CHANGED as acct_sync_engine does. Its state:
 * a (borrowed; must outlive the worker) and the store directory
 * (copied). */
extern const struct acct_engine acct_maildir_engine;
void *acct_maildir_engine_state(const struct cfg_account *a,
				const char *cache_dir);

/* POP3: download every message whose UIDL (on a server without UIDL: a
 * hash of its header block, from TOP n 0) is not yet known into the
 * Maildir data_dir/inbox (each fsynced before anything else happens),
 * record its UIDL in data_dir/pop3-uidl (written atomically after each
 * message), index it in the store's local folder "INBOX", and delete on
 * the server as the account's pop3-delete mode says: never, at once
 * after the download, or once the message was first seen N days ago. A
 * DELE is sent only for a message already safe on disk; any local
 * failure sends RSET and ends the session without QUIT, so nothing is
 * deleted (hostile-26), and an interrupted sync leaves no duplicate and
 * no loss (hostile-27). Returns 0 or -1 with *e. */
int acct_sync_pop3(const struct acct_sync_params *p,
		   struct acct_sync_stats *out, struct perr *e);
/* The same over a session already logged in. On success the session is
 * left in TRANSACTION for pop3_session_close to QUIT; after a failure
 * (RSET sent where possible) it is left in state DISCONNECTED, so that
 * pop3_session_close closes it without QUIT. */
int acct_sync_pop3_session(struct pop3_session *s,
			   const struct acct_sync_params *p,
			   struct acct_sync_stats *out, struct perr *e);

/* ---------------------------------------------------------------------
 * Operations on messages and folders (src/account/ops.c), run by the
 * receiving engine for an IMAP account: SET_FLAGS, MOVE, COPY, DELETE,
 * APPEND, CREATE_FOLDER, RENAME_FOLDER, DELETE_FOLDER, SUBSCRIBE.
 *
 * req->folder names the folder acted on: its raw server name as the
 * store keeps it (store_folder.raw), or for a folder the store does not
 * know (CREATE_FOLDER, an APPEND or MOVE target not yet synced) its name
 * in UTF-8. The payload is a struct acct_op (acct_op_new, freed with
 * acct_op_free as payload_free).
 *
 * Each operation is done on the server first and then, for what the
 * server did, in the store in one transaction per step (flags, expunge,
 * folder rows), so the store never shows what the server did not do; a
 * refusal leaves the store as it was and the request FAILED with the
 * server's text. Message UIDs are checked against the folder's
 * UIDVALIDITY before anything is sent. A move on a server without MOVE
 * or UIDPLUS leaves the originals marked \Deleted (never a bare
 * EXPUNGE, hostile-16) and says so in the result's note.
 */
struct acct_op {
	uint32_t *uids;      /* SET_FLAGS, MOVE, COPY, DELETE; owned */
	size_t n;
	uint32_t set, clear; /* SET_FLAGS: STORE_F_* server bits */
	char *dest;          /* MOVE, COPY: the target folder (raw name
				known to the store, or UTF-8); owned */
	bool create;         /* MOVE, COPY: create a missing target
				(TRYCREATE) and try once more */
	char *msg;           /* APPEND: the message, CRLF ends; owned */
	size_t len;
	uint32_t flags;      /* APPEND: STORE_F_* to give it */
	int64_t internal_date; /* APPEND: 0 for the server's time */
	int tz_minutes;
	char *name;          /* RENAME_FOLDER: the new name, UTF-8; owned */
	bool on;             /* SUBSCRIBE: subscribe (true) or unsubscribe */
};

/* A zeroed operation; fill it and post it as the payload. */
struct acct_op *acct_op_new(void);
/* Free an operation and what it owns (an acct_free_fn); NULL is a
 * no-op. */
void acct_op_free(void *op);

/* An APPEND that the server answered with APPENDUID (RFC 4315) is
 * followed, before its DONE, by an ACCT_EV_DATA without payload: n1 the
 * new message's UID, n2 the folder's UIDVALIDITY. */

/* What an operation did. */
struct acct_op_result {
	uint64_t done;       /* messages (or folders) acted on */
	bool marked_only;    /* a move or delete left the originals marked
				\Deleted (no UIDPLUS) */
	uint32_t uidvalidity, uid; /* APPEND: APPENDUID, 0 if none */
	char note[256];      /* "" or what the user should be told */
};

/* ACCT_REQ_FETCH_BODY (body.c): req->folder the raw folder name, the
 * payload a struct acct_op whose uids[0] is the message. The receiving
 * engine fetches it with BODY.PEEK[] (its \Seen flag untouched) after
 * checking the folder's UIDVALIDITY, caches it with store_body_put and
 * emits ACCT_EV_BODY (folder, n1: the UID). This is the fetch itself,
 * over a logged-in session and the store (writer). Returns 0 or -1 with
 * *e. */
int acct_fetch_body_imap(struct imap_session *s, struct store *st,
			 const char *folder, uint32_t uid, struct perr *e);

/* A list of UIDs, the payload of the ACCT_EV_DATA event that answers
 * ACCT_REQ_SEARCH. */
struct acct_uids {
	uint32_t *v;         /* ascending, owned */
	size_t n;
};
/* Free a struct acct_uids and its array (an acct_free_fn); NULL is a
 * no-op. */
void acct_uids_free(void *p);

/* ACCT_REQ_SEARCH: req->folder the raw folder name, the payload a struct
 * acct_op whose name holds the words to find in the bodies (UTF-8,
 * separated by blanks). The receiving engine of an IMAP account asks the
 * server (UID SEARCH BODY, once per word, the answers intersected) after
 * checking the folder's UIDVALIDITY, and emits one ACCT_EV_DATA (folder,
 * n1: the number of hits) whose payload is a struct acct_uids. Here over
 * a logged-in session; *out gets the hits. Returns 0 or -1 with *e. */
int acct_search_imap(struct imap_session *s, struct store *st,
		     const char *folder, const char *words,
		     struct acct_uids *out, struct perr *e);

/* Run one operation request over a logged-in session and the account's
 * store (writer). w may be NULL; when set, acct_cancelled(w) is checked
 * between steps. Returns 0, or -1 with *e (PERR_REJECTED or PERR_FOLDER
 * with the server's text for a refusal; then the store shows only the
 * steps that were done before). *out is filled in both cases. */
int acct_op_imap(struct acct_worker *w, struct imap_session *s,
		 struct store *st, const struct acct_request *req,
		 struct acct_op_result *out, struct perr *e);

#endif
