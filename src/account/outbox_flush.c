/* SPDX-License-Identifier: ISC */
/*
 * The outbox flusher (postie/send.h): one SMTP session for the waiting
 * messages of an account, then the Sent copies. The account worker runs
 * it for ACCT_REQ_SEND and on its poll timer; `postie send` and `postie
 * outbox flush` run it headless. It never prints: each line for the user
 * goes to the caller's note callback, so the commands can print it and
 * the worker can put it on the status line.
 *
 * An attempt is recorded in the outbox (state SENDING, durable) before a
 * byte goes to the server, so a crash mid-send leaves the entry UNKNOWN
 * rather than silently sent twice; the message leaves the outbox only
 * after the server's 250 to the end of DATA.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/base.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/outbox.h"
#include "postie/send.h"
#include "postie/smtp.h"

struct flusher {
	const struct acct_flush_params *p;
	struct acct_flush_result *r;
	struct smtp_session *s;
	char *secret;
};

static void
say(struct flusher *f, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void
say(struct flusher *f, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	if (!f->p->note)
		return;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f->p->note(f->p->arg, b.data);
	buf_release(&b);
}

static void
worse(struct flusher *f, enum acct_flush_status st)
{
	/* A permanent failure outranks a configuration error, which
	 * outranks a temporary one, which outranks success. */
	if (st == ACCT_FLUSH_OK)
		return;
	if (f->r->status == ACCT_FLUSH_OK || f->r->status == ACCT_FLUSH_TEMP)
		f->r->status = st;
}

/* Keep the first failure, with the provider's hint after a refused
 * login, for the caller's status line. */
static void
first_error(struct flusher *f, const struct perr *e)
{
	const struct cfg_account *a = f->p->account;

	if (f->r->err.kind != PERR_NONE)
		return;
	if (e->kind == PERR_AUTH && a->login_hint)
		perr_set(&f->r->err, e->kind, "%s (hint: %s)", e->msg,
			 a->login_hint);
	else
		f->r->err = *e;
}

/* The EHLO name: this host's name when it looks like a domain. */
static char *
hello_name(void)
{
	char host[256];

	if (gethostname(host, sizeof(host) - 1) == 0) {
		host[sizeof(host) - 1] = '\0';
		bool ok = strchr(host, '.') != NULL;
		for (const char *p = host; *p && ok; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '-' ||
			      *p == '.'))
				ok = false;
		if (ok)
			return xstrdup(host);
	}
	return xstrdup("localhost.localdomain");
}

/* Connect and log in, once per flush. Returns 0, or -1 with *e set and
 * *how and *st telling the outcome to record. */
static int
session_open(struct flusher *f, struct perr *e, enum outbox_outcome *how,
	     enum acct_flush_status *st, int *code)
{
	const struct cfg_account *a = f->p->account;
	char fp[65] = "";
	bool token = a->oauth_token_command != NULL;

	*how = OUTBOX_PERMFAIL;
	*st = ACCT_FLUSH_CONFIG;
	if (a->send.proto != CFG_PROTO_SMTP)
		return perr_set(e, PERR_CONFIG, "account '%s' has no send "
				"server (send = smtps://HOST)", a->name);
	if (a->send.tls == CFG_TLS_NONE)
		return perr_set(e, PERR_CONFIG, "account '%s': postie does "
				"not send mail over plaintext SMTP; use "
				"smtp:// (STARTTLS) or smtps://", a->name);
	if (!f->secret && (a->password || a->password_command || token)) {
		int rc = token ? cfg_account_oauth_token(a, &f->secret, e)
			       : cfg_account_password(a, &f->secret, e);
		if (rc < 0)
			return -1;
	}
	if (a->has_fingerprint)
		for (int i = 0; i < 32; i++)
			snprintf(fp + 2 * i, 3, "%02x", a->tls_fingerprint[i]);
	char port[8];
	snprintf(port, sizeof(port), "%u", (unsigned)a->send.port);
	char *hello = hello_name();
	int t = f->p->timeout_ms > 0 ? f->p->timeout_ms : 0;
	struct smtp_params sp = {
		.host = a->send.host,
		.port = port,
		.tls = a->send.tls == CFG_TLS_IMPLICIT ? SMTP_TLS_IMPLICIT
						       : SMTP_TLS_STARTTLS,
		.ca_file = a->ca_file,
		.fingerprint = a->has_fingerprint ? fp : NULL,
		.user = f->secret ? (a->send.user ? a->send.user : a->user)
				  : NULL,
		.password = token ? NULL : f->secret,
		.token = token ? f->secret : NULL,
		.hello = hello,
		.connect_timeout_ms = t,
		.timeout_ms = t,
		.data_timeout_ms = t,
		.cancel_fd = f->p->cancel_fd,
	};
	f->s = smtp_session_new(&sp);
	free(hello);
	if (smtp_session_open(f->s, e) < 0) {
		bool temp = smtp_session_temporary(f->s, e);
		*how = temp ? OUTBOX_TEMPFAIL : OUTBOX_PERMFAIL;
		*st = temp ? ACCT_FLUSH_TEMP : ACCT_FLUSH_FAIL;
		*code = smtp_session_last_code(f->s);
		smtp_session_close(f->s);
		f->s = NULL;
		return -1;
	}
	return 0;
}

/* Map the message file (no copy, even for a large one). */
static const char *
map_file(const char *path, size_t *len, struct perr *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		perr_set(e, PERR_LOCAL, "cannot open '%s': %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*len = (size_t)st.st_size;
	if (*len == 0) {
		close(fd);
		return "";
	}
	void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perr_set(e, PERR_LOCAL, "cannot map '%s': %s", path,
			 strerror(errno));
		return NULL;
	}
	return p;
}

static void
report_rcpts(struct flusher *f, const struct outbox_entry *ent,
	     const struct smtp_result *r)
{
	for (size_t i = 0; i < r->nrcpt && i < ent->nrcpt; i++) {
		int c = r->rcpt[i].code;
		if (c == 250 || c == 251)
			continue;
		say(f, "not delivered to '%s': %d %s", ent->rcpt[i], c,
		    r->rcpt[i].text ? r->rcpt[i].text : "");
	}
}

static void
note_copy(void *arg, const char *msg)
{
	struct flusher *f = arg;

	say(f, "%s", msg);
}

/* Send one entry. ent is consumed (released). */
static void
send_entry(struct flusher *f, struct outbox_entry *ent, int64_t now)
{
	struct outbox *ob = f->p->ob;
	struct perr e = PERR_INIT;
	struct smtp_result r;
	enum outbox_outcome how;
	enum acct_flush_status st;
	int open_code = 0;
	size_t len = 0;
	const char *msg;

	smtp_result_init(&r);
	if (f->r->open_failed) {
		outbox_entry_release(ent);
		return;
	}
	f->r->tried++;
	if (ent->state == OUTBOX_UNKNOWN) {
		const struct outbox_attempt *h =
			ent->nhist ? &ent->hist[ent->nhist - 1] : NULL;
		say(f, "warning: message %s may already have been delivered "
		    "(%s); sending it again may make a duplicate", ent->id,
		    h && *h->text ? h->text
				  : "an earlier attempt was interrupted");
	}
	if (outbox_begin(ob, ent, now, &e) < 0) {
		say(f, "%s", e.msg);
		first_error(f, &e);
		f->r->failed++;
		worse(f, ACCT_FLUSH_FAIL);
		outbox_entry_release(ent);
		return;
	}
	if (!f->s && session_open(f, &e, &how, &st, &open_code) < 0) {
		f->r->open_failed = true;
		goto failed;
	}
	msg = map_file(ent->path, &len, &e);
	if (!msg) {
		how = OUTBOX_TEMPFAIL;
		st = ACCT_FLUSH_FAIL;
		goto failed;
	}
	struct smtp_envelope env = {
		ent->from, (const char *const *)ent->rcpt, ent->nrcpt
	};
	int rc = smtp_session_send(f->s, &env, msg, len, &r, &e);
	if (len)
		munmap((void *)msg, len);
	if (rc == 0) {
		crashpoint("smtp.after-250");
		log_info("outbox: message %s accepted for %zu of %zu "
			 "recipients: %d %s", ent->id, r.accepted, ent->nrcpt,
			 r.code, r.text ? r.text : "");
		report_rcpts(f, ent, &r);
		/* Recipients refused for now get another try; those
		 * refused for good are reported and dropped. */
		const char **again = xcalloc(ent->nrcpt + 1, sizeof(*again));
		size_t nagain = 0;
		bool perm = false;
		for (size_t i = 0; i < r.nrcpt; i++) {
			int c = r.rcpt[i].code;
			if (c >= 400 && c < 500)
				again[nagain++] = ent->rcpt[i];
			else if (c != 250 && c != 251)
				perm = true;
		}
		if (nagain) {
			if (outbox_set_rcpts(ob, ent, again, nagain, &e) < 0 ||
			    outbox_fail(ob, ent, OUTBOX_TEMPFAIL, 0,
					"some recipients refused for now",
					now, &e) < 0)
				say(f, "%s", e.msg);
			worse(f, ACCT_FLUSH_TEMP);
			outbox_entry_release(ent);
		} else {
			/* the copy on an IMAP server's Sent is made after */
			acct_sent_copy_mark(f->p->account, ob, ent->id,
					    note_copy, f);
			/* and the flag on the message it answers */
			acct_flag_original_mark(f->p->account, ob, ent,
						note_copy, f);
			if (outbox_done(ob, ent, &e) < 0) {
				say(f, "sent, but %s", e.msg);
				worse(f, ACCT_FLUSH_FAIL);
				outbox_entry_release(ent);
			} else {
				f->r->sent++;
			}
		}
		free(again);
		if (perm)
			worse(f, ACCT_FLUSH_FAIL);
		smtp_result_release(&r);
		return;
	}
	if (r.nrcpt)
		report_rcpts(f, ent, &r);
	if (r.unknown) {
		how = OUTBOX_UNDETERMINED;
		st = ACCT_FLUSH_TEMP;
	} else if (smtp_session_temporary(f->s, &e)) {
		how = OUTBOX_TEMPFAIL;
		st = ACCT_FLUSH_TEMP;
	} else {
		how = OUTBOX_PERMFAIL;
		st = ACCT_FLUSH_FAIL;
	}
	if (smtp_session_state(f->s) == SMTP_ST_FAILED) {
		smtp_session_close(f->s);
		f->s = NULL;
		f->r->open_failed = true;
	}
failed:
	f->r->failed++;
	first_error(f, &e);
	log_warn("outbox: message %s not sent: %s", ent->id, e.msg);
	say(f, "%s", e.msg);
	if (e.kind == PERR_AUTH && f->p->account->login_hint)
		say(f, "hint: %s", f->p->account->login_hint);
	if (how == OUTBOX_UNDETERMINED)
		say(f, "the connection broke after the end of the message: "
		    "it may have been delivered; kept in the outbox as "
		    "'unknown'");
	else
		say(f, "message kept in the outbox (%s)%s",
		    how == OUTBOX_TEMPFAIL ? "will retry" : "held",
		    how == OUTBOX_TEMPFAIL ? ""
					   : "; fix the cause, then "
					     "'postie outbox flush'");
	{
		struct perr e2 = PERR_INIT;
		int code = r.code ? r.code
			 : f->s	   ? smtp_session_last_code(f->s)
				   : open_code;
		if (code < 200 || code > 599)
			code = 0;
		if (outbox_fail(ob, ent, how, code, e.msg, now, &e2) < 0)
			say(f, "%s", e2.msg);
	}
	worse(f, st);
	smtp_result_release(&r);
	outbox_entry_release(ent);
}

int
acct_outbox_open(struct outbox *ob, const char *data_dir, struct perr *e)
{
	char *obdir = xstrfmt("%s/outbox", data_dir);
	char *sent = xstrfmt("%s/sent", data_dir);
	int rc = outbox_open(ob, obdir, sent, e);

	free(obdir);
	free(sent);
	return rc;
}

long
acct_outbox_count(struct outbox *ob, struct perr *e)
{
	struct outbox_entry *v;
	size_t n;

	if (outbox_list(ob, &v, &n, e) < 0)
		return -1;
	outbox_list_free(v, n);
	return (long)n;
}

/* Is the entry for this flush? */
static bool
wanted(const struct acct_flush_params *p, const struct outbox_entry *ent,
       int64_t now)
{
	if (p->tick)
		return ent->state == OUTBOX_QUEUED ||
		       ent->state == OUTBOX_RETRY ||
		       (ent->state == OUTBOX_UNKNOWN && outbox_due(ent, now));
	return !p->due_only || outbox_due(ent, now);
}

int
acct_outbox_flush(const struct acct_flush_params *p,
		  struct acct_flush_result *r)
{
	struct outbox_entry *v;
	size_t n;
	struct perr e = PERR_INIT;
	int64_t now = (int64_t)time(NULL);
	struct flusher f = { .p = p, .r = r };

	memset(r, 0, sizeof(*r));
	if (outbox_list(p->ob, &v, &n, &e) < 0) {
		say(&f, "%s", e.msg);
		r->err = e;
		r->status = ACCT_FLUSH_FAIL;
		return -1;
	}
	unsigned total = 0, done = 0;
	for (size_t i = 0; i < n; i++)
		if ((!p->only_id || strcmp(v[i].id, p->only_id) == 0) &&
		    v[i].state != OUTBOX_BROKEN && wanted(p, &v[i], now))
			total++;
	for (size_t i = 0; i < n; i++) {
		if (p->only_id && strcmp(v[i].id, p->only_id) != 0)
			continue;
		if (v[i].state == OUTBOX_BROKEN) {
			if (p->tick)
				continue; /* said once, when asked */
			say(&f, "message %s cannot be sent: %s", v[i].id,
			    v[i].nhist ? v[i].hist[0].text : "broken");
			perr_set(&e, PERR_LOCAL, "message %s cannot be sent: "
				 "%s", v[i].id,
				 v[i].nhist ? v[i].hist[0].text : "broken");
			first_error(&f, &e);
			r->failed++;
			worse(&f, ACCT_FLUSH_FAIL);
			continue;
		}
		if (p->due_only && !p->tick && v[i].state == OUTBOX_UNKNOWN)
			say(&f, "message %s may already have been delivered: "
			    "not sent again by --due; 'postie outbox flush' "
			    "sends it", v[i].id);
		if (!wanted(p, &v[i], now))
			continue;
		if (p->count)
			p->count(p->arg, done, total);
		/* send_entry takes the entry; leave an empty one behind */
		struct outbox_entry ent = v[i];
		memset(&v[i], 0, sizeof(v[i]));
		send_entry(&f, &ent, (int64_t)time(NULL));
		done++;
	}
	if (p->count && total)
		p->count(p->arg, done, total);
	smtp_session_close(f.s);
	f.s = NULL;
	if (f.secret) {
		memset(f.secret, 0, strlen(f.secret));
		free(f.secret);
	}
	outbox_list_free(v, n);
	r->copies_waiting = acct_sent_copy_flush(p->account, p->ob,
						 p->timeout_ms, note_copy, &f);
	acct_flag_original_flush(p->account, p->ob, p->timeout_ms, note_copy,
				 &f);
	long left = acct_outbox_count(p->ob, &e);
	r->waiting = left > 0 ? (unsigned)left : 0;
	return r->failed || r->status != ACCT_FLUSH_OK ? -1 : 0;
}

/* ---------------------------------------------------------------------
 * In the worker
 */
static void
log_note(void *arg, const char *msg)
{
	log_info("outbox: %s", msg);
}

static void
emit_count(void *arg, unsigned done, unsigned total)
{
	acct_emit(arg, ACCT_EV_PROGRESS, "Outbox", done, total, NULL, NULL);
}

enum acct_status
acct_outbox_run(struct acct_worker *w, const struct cfg_account *a,
		const char *data_dir, int timeout_ms, bool tick,
		struct perr *e)
{
	struct outbox ob;
	struct acct_flush_result r;

	memset(&ob, 0, sizeof(ob));
	if (acct_outbox_open(&ob, data_dir, e) < 0)
		return ACCT_ERROR;
	if (tick) {
		/* nothing to do is the common case: no event, no login */
		struct outbox_entry *v;
		size_t n;
		bool any = false;
		int64_t now = (int64_t)time(NULL);
		if (outbox_list(&ob, &v, &n, e) < 0) {
			outbox_release(&ob);
			return ACCT_ERROR;
		}
		for (size_t i = 0; i < n && !any; i++)
			any = v[i].state == OUTBOX_QUEUED ||
			      v[i].state == OUTBOX_RETRY ||
			      (v[i].state == OUTBOX_UNKNOWN &&
			       outbox_due(&v[i], now));
		outbox_list_free(v, n);
		if (!any && !acct_flag_original_waiting(&ob)) {
			outbox_release(&ob);
			return ACCT_OK;
		}
	}
	struct acct_flush_params fp = {
		.account = a, .ob = &ob, .tick = tick,
		.timeout_ms = timeout_ms, .cancel_fd = acct_cancel_fd(w),
		.note = log_note, .count = emit_count, .arg = w,
	};
	/* log_note ignores its argument; emit_count needs the worker */
	int rc = acct_outbox_flush(&fp, &r);
	struct acct_outbox_report *rep = xcalloc(1, sizeof(*rep));
	struct outbox_entry *v;
	size_t n;
	struct perr le = PERR_INIT;
	if (outbox_list(&ob, &v, &n, &le) == 0) {
		for (size_t i = 0; i < n; i++)
			if (v[i].state == OUTBOX_HELD ||
			    v[i].state == OUTBOX_BROKEN)
				rep->held++;
		outbox_list_free(v, n);
	}
	outbox_release(&ob);
	rep->sent = r.sent;
	rep->failed = r.failed;
	rep->waiting = r.waiting;
	rep->tick = tick;
	rep->err = r.err;
	acct_emit(w, ACCT_EV_OUTBOX, "Outbox", r.sent, r.waiting, rep, free);
	if (rc == 0)
		return ACCT_OK;
	if (acct_cancelled(w))
		return ACCT_STOPPED;
	if (r.err.kind != PERR_NONE)
		*e = r.err;
	else
		perr_set(e, PERR_LOCAL, "%u message%s not sent", r.failed,
			 r.failed == 1 ? "" : "s");
	return ACCT_ERROR;
}
