/* SPDX-License-Identifier: ISC */
/*
 * The receiving engine: the IMAP and POP3 syncs plugged into the worker
 * framework's function table (see acct_sync_engine in postie/account.h).
 *
 * IMAP keeps one logged-in session between requests, so that "sync now"
 * and the poll timer cost no new TLS handshake, and waits in IDLE on
 * INBOX between them; a change seen in IDLE syncs INBOX at once and is
 * announced as NEW_MAIL. A request posted while idling makes the cancel
 * fd readable, which ends IDLE by dropping the session (the session's
 * rule); the next operation logs in again. That costs a login per
 * interrupted IDLE, and keeps the worker's one-thing-at-a-time rule
 * without a second connection.
 *
 * POP3 has no lasting session: each sync connects, downloads and QUITs,
 * because a POP3 server locks the mailbox while a session is open and
 * only applies DELE at QUIT.
 *
 * Both also flush the account's outbox (postie/send.h): ACCT_REQ_SEND at
 * once, and the poll timer before each sync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/imap.h"
#include "postie/log.h"
#include "postie/send.h"
#include "postie/store.h"

/* Re-enter IDLE before the 29 minutes RFC 2177 allows. */
#define IDLE_MAX_MS (25 * 60 * 1000)

struct sync_engine {
	const struct cfg_account *a;
	char *cache_dir, *data_dir;
	int timeout_ms;
	char *password;
	struct store *store;
	struct imap_session s;
	bool open;      /* s is logged in */
	bool inbox_selected; /* s has INBOX open (for IDLE) */
};

void *
acct_sync_engine_state(const struct cfg_account *a, const char *cache_dir,
		       const char *data_dir, int timeout_ms)
{
	struct sync_engine *g = xcalloc(1, sizeof(*g));

	g->a = a;
	g->cache_dir = xstrdup(cache_dir);
	g->data_dir = xstrdup(data_dir);
	g->timeout_ms = timeout_ms;
	return g;
}

static void
eng_destroy(void *state)
{
	struct sync_engine *g = state;

	if (!g)
		return;
	if (g->open)
		imap_session_close(&g->s);
	store_close(g->store);
	if (g->password) {
		memset(g->password, 0, strlen(g->password));
		free(g->password);
	}
	free(g->cache_dir);
	free(g->data_dir);
	free(g);
}

/* What every connect needs once: the secret and the store. */
static int
prepare(struct sync_engine *g, struct perr *e)
{
	if (!g->password && cfg_account_password(g->a, &g->password, e) < 0)
		return -1;
	if (!g->store) {
		struct store_open_info info;
		g->store = store_open(g->cache_dir, STORE_WRITE, &info, e);
		if (!g->store)
			return -1;
		if (info.rebuilt)
			log_warn("index rebuilt: %s", info.reason);
	}
	return 0;
}

/* Close the session for good: after a cancel or a broken connection it
 * may have lost its place in the stream whatever its state says. */
static void
drop_session(struct sync_engine *g)
{
	if (g->open) {
		g->s.state = IMAP_SS_DISCONNECTED; /* no LOGOUT into a
						      stream out of step */
		imap_session_close(&g->s);
		g->open = false;
	}
	g->inbox_selected = false;
}

/* An [ALERT] from the server, for the screen to show (RFC 3501 7.1).
 * Longer than anyone reads on a status line: cut, on a character. */
#define ALERT_MAX 1024

static void
on_alert(void *arg, const char *text)
{
	size_t n = utf8_cut(text, strlen(text), ALERT_MAX);

	acct_emit(arg, ACCT_EV_ALERT, NULL, 0, 0, xstrndup(text, n), free);
}

static int
imap_login(struct acct_worker *w, struct sync_engine *g, struct perr *e)
{
	const struct cfg_account *a = g->a;

	if (g->open && g->s.state != IMAP_SS_DISCONNECTED)
		return 0;
	if (g->open) {
		imap_session_close(&g->s);
		g->open = false;
	}
	struct acct_server_buf sb;
	struct imap_session_params p;
	if (acct_imap_params(a, g->password, g->timeout_ms, acct_cancel_fd(w),
			     &sb, &p, e) < 0)
		return -1;
	p.alert = on_alert;
	p.alert_arg = w;
	if (imap_session_open(&g->s, &p, e) < 0) {
		imap_session_close(&g->s);
		if (e && e->kind == PERR_AUTH && a->login_hint) {
			struct perr t = *e;
			perr_set(e, t.kind, "%s (hint: %s)", t.msg,
				 a->login_hint);
		}
		return -1;
	}
	g->open = true;
	g->inbox_selected = false;
	return 0;
}

static int
eng_connect(struct acct_worker *w, void *state, struct perr *e)
{
	struct sync_engine *g = state;

	if (prepare(g, e) < 0)
		return -1;
	if (g->a->receive.proto == CFG_PROTO_IMAP)
		return imap_login(w, g, e);
	if (g->a->receive.proto == CFG_PROTO_POP3)
		return 0;
	return perr_set(e, PERR_CONFIG, "account '%s' has no receive server",
			g->a->name);
}

static void
eng_disconnect(struct acct_worker *w, void *state)
{
	struct sync_engine *g = state;

	if (g->open) {
		imap_session_close(&g->s);
		g->open = false;
	}
}

static void
on_progress(void *arg, const char *folder, uint64_t done, uint64_t total)
{
	acct_emit(arg, ACCT_EV_PROGRESS, folder, done, total, NULL, NULL);
}

/* The newest mail of a first sync is in the store: the screen may show
 * it while the rest comes. */
static void
on_stored(void *arg, const char *folder, uint64_t done, uint64_t total)
{
	acct_emit(arg, ACCT_EV_FOLDER_CHANGED, folder, 0, 0, NULL, NULL);
}

static enum acct_status
run_sync(struct acct_worker *w, struct sync_engine *g, const char *folder,
	 struct perr *e)
{
	struct acct_sync_stats st;
	struct acct_sync_params p = {
		.account = g->a, .password = g->password, .store = g->store,
		.folder = folder, .data_dir = g->data_dir,
		.cancel_fd = acct_cancel_fd(w), .timeout_ms = g->timeout_ms,
		.progress = on_progress, .progress_arg = w,
		.stored = on_stored,
	};
	int rc;

	if (prepare(g, e) < 0)
		return ACCT_ERROR;
	if (g->a->receive.proto == CFG_PROTO_POP3) {
		rc = acct_sync_pop3(&p, &st, e);
	} else {
		if (imap_login(w, g, e) < 0)
			return acct_cancelled(w) ? ACCT_STOPPED : ACCT_ERROR;
		rc = acct_sync_imap_session(&g->s, &p, &st, e);
		g->inbox_selected = false;
		if (rc < 0 && (e->kind == PERR_CONN || e->kind == PERR_PROTO ||
			       e->kind == PERR_CANCELLED))
			drop_session(g);
	}
	if (st.new_msgs)
		acct_emit(w, ACCT_EV_NEW_MAIL, folder, st.new_msgs, 0, NULL,
			  NULL);
	if (st.changed || st.removed || st.new_msgs)
		acct_emit(w, ACCT_EV_FOLDER_CHANGED, folder, st.changed,
			  st.removed, NULL, NULL);
	log_info("sync: %u folders, %llu new, %llu changed, %llu removed",
		 st.folders, (unsigned long long)st.new_msgs,
		 (unsigned long long)st.changed,
		 (unsigned long long)st.removed);
	if (rc == 0)
		return ACCT_OK;
	if (e->kind == PERR_CANCELLED || acct_cancelled(w))
		return ACCT_STOPPED;
	return ACCT_ERROR;
}

static bool
is_op(enum acct_req_kind k)
{
	switch (k) {
	case ACCT_REQ_SET_FLAGS:
	case ACCT_REQ_MOVE:
	case ACCT_REQ_COPY:
	case ACCT_REQ_DELETE:
	case ACCT_REQ_APPEND:
	case ACCT_REQ_CREATE_FOLDER:
	case ACCT_REQ_RENAME_FOLDER:
	case ACCT_REQ_DELETE_FOLDER:
	case ACCT_REQ_SUBSCRIBE:
		return true;
	default:
		return false;
	}
}

/* A message or folder operation (ops.c): FOLDER_CHANGED for the folders
 * it touched, and a DATA event carrying a note (char *) when the user
 * should know more than DONE says. */
static enum acct_status
run_op(struct acct_worker *w, struct sync_engine *g,
       const struct acct_request *req, struct perr *e)
{
	struct acct_op_result res;
	const struct acct_op *op = req->payload;

	if (prepare(g, e) < 0)
		return ACCT_ERROR;
	if (imap_login(w, g, e) < 0)
		return acct_cancelled(w) ? ACCT_STOPPED : ACCT_ERROR;
	int rc = acct_op_imap(w, &g->s, g->store, req, &res, e);
	g->inbox_selected = false; /* another folder may be selected now */
	if (rc < 0 && (e->kind == PERR_CONN || e->kind == PERR_PROTO ||
		       e->kind == PERR_CANCELLED))
		drop_session(g);
	if (res.done) {
		acct_emit(w, ACCT_EV_FOLDER_CHANGED, req->folder, res.done, 0,
			  NULL, NULL);
		if (op && op->dest && (req->kind == ACCT_REQ_MOVE ||
				       req->kind == ACCT_REQ_COPY))
			acct_emit(w, ACCT_EV_FOLDER_CHANGED, op->dest,
				  res.done, 0, NULL, NULL);
	}
	if (res.note[0])
		acct_emit(w, ACCT_EV_DATA, req->folder, res.done, 0,
			  xstrdup(res.note), free);
	/* where the server put an appended message (APPENDUID), so that
	 * a postponed draft can later remove exactly its old copy */
	if (rc == 0 && req->kind == ACCT_REQ_APPEND && res.uid)
		acct_emit(w, ACCT_EV_DATA, req->folder, res.uid,
			  res.uidvalidity, NULL, NULL);
	if (rc == 0)
		return ACCT_OK;
	if (e->kind == PERR_CANCELLED || acct_cancelled(w))
		return ACCT_STOPPED;
	return ACCT_ERROR;
}

/* One message's body for the viewer (body.c), then ACCT_EV_BODY. */
static enum acct_status
run_body(struct acct_worker *w, struct sync_engine *g,
	 const struct acct_request *req, struct perr *e)
{
	const struct acct_op *op = req->payload;

	if (!op || op->n != 1) {
		perr_set(e, PERR_MESSAGE, "fetch body: one message at a time");
		return ACCT_ERROR;
	}
	if (prepare(g, e) < 0)
		return ACCT_ERROR;
	if (imap_login(w, g, e) < 0)
		return acct_cancelled(w) ? ACCT_STOPPED : ACCT_ERROR;
	int rc = acct_fetch_body_imap(&g->s, g->store, req->folder,
				      op->uids[0], e);
	g->inbox_selected = false;
	if (rc < 0 && (e->kind == PERR_CONN || e->kind == PERR_PROTO ||
		       e->kind == PERR_CANCELLED))
		drop_session(g);
	if (rc == 0) {
		acct_emit(w, ACCT_EV_BODY, req->folder, op->uids[0], 0, NULL,
			  NULL);
		return ACCT_OK;
	}
	if (e->kind == PERR_CANCELLED || acct_cancelled(w))
		return ACCT_STOPPED;
	return ACCT_ERROR;
}

/* A body search the store could not answer (the bodies are not all
 * cached), then one DATA event with the UIDs. */
static enum acct_status
run_search(struct acct_worker *w, struct sync_engine *g,
	   const struct acct_request *req, struct perr *e)
{
	const struct acct_op *op = req->payload;
	struct acct_uids res;

	if (!op || !op->name) {
		perr_set(e, PERR_MESSAGE, "search: nothing to find");
		return ACCT_ERROR;
	}
	if (prepare(g, e) < 0)
		return ACCT_ERROR;
	if (imap_login(w, g, e) < 0)
		return acct_cancelled(w) ? ACCT_STOPPED : ACCT_ERROR;
	int rc = acct_search_imap(&g->s, g->store, req->folder, op->name,
				  &res, e);
	g->inbox_selected = false;
	if (rc < 0) {
		if (e->kind == PERR_CONN || e->kind == PERR_PROTO)
			drop_session(g);
		return acct_cancelled(w) ? ACCT_STOPPED : ACCT_ERROR;
	}
	struct acct_uids *u = xmalloc(sizeof(*u));
	*u = res;
	acct_emit(w, ACCT_EV_DATA, req->folder, u->n, 0, u, acct_uids_free);
	return ACCT_OK;
}

/* Flags of POP3 mail: POP3 has none on the server, so they are the
 * local index's alone (the mail itself is in the account's own Maildir).
 * No password and no connection are needed. */
static enum acct_status
run_local_flags(struct acct_worker *w, struct sync_engine *g,
		const struct acct_request *req, struct perr *e)
{
	const struct acct_op *op = req->payload;
	struct store_folder sf = { 0 };

	if (!op || !op->n || !req->folder) {
		perr_set(e, PERR_MESSAGE, "set flags: no messages given");
		return ACCT_ERROR;
	}
	if (!g->store) {
		struct store_open_info info;
		g->store = store_open(g->cache_dir, STORE_WRITE, &info, e);
		if (!g->store)
			return ACCT_ERROR;
		if (info.rebuilt)
			log_warn("index rebuilt: %s", info.reason);
	}
	int found = store_folder_find(g->store, req->folder,
				      strlen(req->folder), &sf, e);
	if (found <= 0) {
		if (found == 0)
			perr_set(e, PERR_FOLDER, "no folder '%s' in the index",
				 req->folder);
		return ACCT_ERROR;
	}
	int rc = store_flags_update(g->store, sf.id, op->uids, op->n, op->set,
				    op->clear, e);
	store_folder_release(&sf);
	if (rc < 0)
		return ACCT_ERROR;
	acct_emit(w, ACCT_EV_FOLDER_CHANGED, req->folder, op->n, 0, NULL,
		  NULL);
	return ACCT_OK;
}

static enum acct_status
eng_handle(struct acct_worker *w, void *state, const struct acct_request *req,
	   struct perr *e)
{
	struct sync_engine *g = state;

	if (req->kind == ACCT_REQ_FETCH_BODY &&
	    g->a->receive.proto == CFG_PROTO_IMAP)
		return run_body(w, g, req, e);

	if (req->kind == ACCT_REQ_SYNC)
		return run_sync(w, g, req->folder, e);
	if (req->kind == ACCT_REQ_SEARCH &&
	    g->a->receive.proto == CFG_PROTO_IMAP)
		return run_search(w, g, req, e);
	if (req->kind == ACCT_REQ_SEND)
		return acct_outbox_run(w, g->a, g->data_dir, g->timeout_ms,
				       false, e);
	if (is_op(req->kind) && g->a->receive.proto == CFG_PROTO_IMAP)
		return run_op(w, g, req, e);
	if (req->kind == ACCT_REQ_SET_FLAGS &&
	    g->a->receive.proto == CFG_PROTO_POP3)
		return run_local_flags(w, g, req, e);
	perr_set(e, PERR_REJECTED, "the receiving engine cannot %s",
		 acct_req_name(req->kind));
	return ACCT_ERROR;
}

static enum acct_status
eng_poll_tick(struct acct_worker *w, void *state, struct perr *e)
{
	struct sync_engine *g = state;
	struct perr se = PERR_INIT;

	/* What waits in the outbox first: its failures are the outbox's
	 * (an ACCT_EV_OUTBOX event), never the receiving connection's. */
	if (acct_outbox_run(w, g->a, g->data_dir, g->timeout_ms, true,
			    &se) == ACCT_STOPPED)
		return ACCT_STOPPED;
	return run_sync(w, state, NULL, e);
}

/* IMAP IDLE on INBOX until the deadline; a change syncs INBOX. */
static int
eng_idle_wait(struct acct_worker *w, void *state, int64_t deadline_ms,
	      struct perr *e)
{
	struct sync_engine *g = state;

	if (g->a->receive.proto != CFG_PROTO_IMAP)
		return 0;
	if (imap_login(w, g, e) < 0) {
		/* A request posted while logging in to idle pokes the
		 * cancel fd: that is no connection failure, the request
		 * runs next (and logs in again). */
		if (acct_cancelled(w) || e->kind == PERR_CANCELLED) {
			perr_clear(e);
			return 0;
		}
		return -1;
	}
	if (!(g->s.caps & IMAP_CAP(IDLE)))
		return 0; /* nothing to wait on: the poll timer does the work */
	if (!g->inbox_selected || g->s.state != IMAP_SS_SELECTED) {
		if (imap_session_select(&g->s, "INBOX", false, true, e) < 0) {
			if (e->kind == PERR_FOLDER || e->kind == PERR_REJECTED)
				return 0; /* no INBOX to watch: poll only */
			/* A failed SELECT leaves the session in state AUTH
			 * even when the connection lost its place: never
			 * use it again. */
			drop_session(g);
			if (e->kind == PERR_CANCELLED || acct_cancelled(w)) {
				perr_clear(e);
				return 0;
			}
			return -1;
		}
		g->inbox_selected = true;
	}
	int64_t left = deadline_ms - time_mono_ms();
	if (left <= 0)
		return 0;
	if (left > IDLE_MAX_MS)
		left = IDLE_MAX_MS;
	int r = imap_session_idle(&g->s, (int)left, NULL, NULL, e);
	if (r < 0) {
		if (e->kind == PERR_REJECTED)
			return 0;
		drop_session(g);
		if (e->kind == PERR_CANCELLED) {
			/* A request or quit came: the session is gone, the
			 * next operation logs in again. */
			perr_clear(e);
			return 0;
		}
		return -1;
	}
	if (r == 1) {
		struct perr se = PERR_INIT;
		if (run_sync(w, g, "INBOX", &se) == ACCT_ERROR) {
			*e = se;
			return se.kind == PERR_CONN || se.kind == PERR_PROTO
				       ? -1 : 0;
		}
	}
	return 0;
}

const struct acct_engine acct_sync_engine = {
	.name = "sync",
	.connect = eng_connect,
	.disconnect = eng_disconnect,
	.handle = eng_handle,
	.poll_tick = eng_poll_tick,
	.idle_wait = eng_idle_wait,
	.destroy = eng_destroy,
};
