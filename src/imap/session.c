/* SPDX-License-Identifier: ISC */
/*
 * The IMAP session over net/: one command at a time, blocking with the
 * connection's timeouts, so it belongs in an account's worker thread.
 *
 * Bytes come from net/ a line at a time; a line that announces a literal
 * is followed by net_read_exact in bounded pieces. Everything goes
 * through the push parser, which checks every size against its caps
 * before the session reads the bytes, so a "{4294967295}" costs nothing.
 *
 * The order of the opening follows RFC 3501 6.2.1 and RFC 9051 6.2.1 with
 * the lessons of the STARTTLS attacks: in STARTTLS mode nothing is sent
 * in the clear but CAPABILITY and STARTTLS, the go-ahead must be the last
 * byte before the handshake, and capabilities are asked again afterwards
 * because the pre-TLS list may have been forged.
 */
#include "private.h"

#include "postie/log.h"
#include "postie/net.h"

static const char *const ss_names[] = {
#define IMAP_SS_NAME_(n, s) s,
	IMAP_SS_TABLE(IMAP_SS_NAME_)
#undef IMAP_SS_NAME_
};

const char *
imap_ss_name(enum imap_ss s)
{
	if ((unsigned)s < ARRAY_SIZE(ss_names))
		return ss_names[s];
	return "?";
}

static void
set_state(struct imap_session *s, enum imap_ss to)
{
	if (s->state != to && log_trace_on("imap"))
		log_debug("imap %s: %s -> %s", s->host ? s->host : "?",
			  imap_ss_name(s->state), imap_ss_name(to));
	s->state = to;
}

static void
trace(const char *p, size_t n, bool out)
{
	if (!log_trace_on("imap"))
		return;
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	log_trace("imap", out, p, n);
}

/* Read one whole response into r, leaving the state alone on failure
 * (IDLE's quiet timeout is not a broken connection). */
static int
read_resp_raw(struct imap_session *s, struct imap_resp *r, struct perr *e)
{
	static const size_t piece = 64 * 1024;
	char *tmp = NULL;
	int rc;

	for (;;) {
		rc = imap_parser_next(&s->parser, r, e);
		if (rc != 0)
			break;
		if (s->parser.lit_left) {
			size_t n = s->parser.lit_left < piece ?
					   (size_t)s->parser.lit_left : piece;
			if (!tmp)
				tmp = xmalloc(piece);
			if (net_read_exact(s->conn, tmp, n, e) < 0) {
				rc = -1;
				break;
			}
			imap_parser_feed(&s->parser, tmp, n);
			continue;
		}
		struct slice line;
		if (net_read_line(s->conn, &line, e) < 0) {
			rc = -1;
			break;
		}
		imap_parser_feed(&s->parser, line.p, line.len);
		imap_parser_feed(&s->parser, "\r\n", 2);
	}
	free(tmp);
	if (rc < 0) {
		if (s->bye && e && e->kind == PERR_CONN)
			perr_prefix(e, "server said goodbye ('%s')", s->bye);
		return -1;
	}
	if (r->raw.len)
		trace(r->raw.data, r->raw.len, false);
	else
		trace("(long response or literal data)", 30, false);
	return 0;
}

static int
read_resp(struct imap_session *s, struct imap_resp *r, struct perr *e)
{
	if (read_resp_raw(s, r, e) < 0) {
		/* a connection that lost its place in the stream is not
		 * used again (and gets no LOGOUT) */
		set_state(s, IMAP_SS_DISCONNECTED);
		return -1;
	}
	return 0;
}

static void
note_code(struct imap_session *s, const struct imap_code *c)
{
	switch (c->kind) {
	case IMAP_CODE_CAPABILITY:
		s->caps = c->caps.bits;
		break;
	case IMAP_CODE_UIDVALIDITY:
		s->mbox.uidvalidity = c->num;
		break;
	case IMAP_CODE_UIDNEXT:
		s->mbox.uidnext = c->num;
		break;
	case IMAP_CODE_UNSEEN:
		s->mbox.unseen = c->num;
		break;
	case IMAP_CODE_HIGHESTMODSEQ:
		s->mbox.highestmodseq = c->modseq;
		break;
	case IMAP_CODE_NOMODSEQ:
		s->mbox.nomodseq = true;
		break;
	case IMAP_CODE_READ_ONLY:
		s->mbox.read_only = true;
		break;
	case IMAP_CODE_READ_WRITE:
		s->mbox.read_only = false;
		break;
	default:
		break;
	}
}

/* RFC 3501 7.1: "The human-readable text contained in [the ALERT]
 * response code MUST be presented to the user in a way that calls the
 * user's attention to the message." The session only passes it on; the
 * one who shows it sanitises it. Before STARTTLS completes anyone on the
 * path may have written it, so it is dropped (hostile-14). */
static void
note_alert(struct imap_session *s, const struct imap_resp *r)
{
	if (r->kind != IMAP_RESP_STATUS || r->code.kind != IMAP_CODE_ALERT)
		return;
	if (!s->alert_ok) {
		log_warn("imap %s: ALERT before STARTTLS ignored",
			 s->host ? s->host : "?");
		return;
	}
	log_info("imap %s: server alert (%zu bytes)",
		 s->host ? s->host : "?", r->text ? strlen(r->text) : 0);
	if (s->alert)
		s->alert(s->alert_arg, r->text ? r->text : "");
}

static void
note_untagged(struct imap_session *s, const struct imap_resp *r)
{
	switch (r->kind) {
	case IMAP_RESP_STATUS:
		note_code(s, &r->code);
		note_alert(s, r);
		if (r->status == IMAP_BYE && !s->bye)
			s->bye = xstrdup(r->text ? r->text : "");
		break;
	case IMAP_RESP_CAPABILITY:
		s->caps = r->caps.bits;
		break;
	case IMAP_RESP_EXISTS:
		s->mbox.exists = r->number;
		break;
	case IMAP_RESP_RECENT:
		s->mbox.recent = r->number;
		break;
	case IMAP_RESP_EXPUNGE:
		/* RFC 3501 7.4.1: each EXPUNGE lowers EXISTS by one; an
		 * EXPUNGE beyond EXISTS is ignored (hostile-10). */
		if (r->number <= s->mbox.exists && s->mbox.exists)
			s->mbox.exists--;
		break;
	default:
		break;
	}
}

/* Send a built command (ending in CRLF) and read to its tagged reply.
 * At each wait point the server's "+" is awaited first. fn sees every
 * untagged response. *final gets the tagged reply (caller releases). */
static int
run_cmd(struct imap_session *s, const struct imap_cmd *c, const char *tag,
	bool secret, imap_fetch_fn fn, void *arg, struct imap_resp *final,
	struct perr *e)
{
	struct perr cb_err = PERR_INIT;
	bool cb_failed = false;
	size_t pos = 0;

	for (size_t w = 0; w <= c->nwaits; w++) {
		size_t end = w < c->nwaits ? c->waits[w] : c->text.len;
		if (w == 0) {
			const char *nl = memchr(c->text.data, '\n', end);
			size_t n = nl ? (size_t)(nl - c->text.data) : end;
			trace(c->text.data, n, true);
		} else {
			trace(secret ? "*****" : "(literal data)",
			      secret ? 5 : 14, true);
		}
		if (net_write(s->conn, c->text.data + pos, end - pos, e) < 0 ||
		    net_flush(s->conn, e) < 0) {
			set_state(s, IMAP_SS_DISCONNECTED);
			return -1;
		}
		pos = end;
		if (w == c->nwaits)
			break;
		/* wait for the go-ahead */
		for (;;) {
			if (read_resp(s, final, e) < 0)
				return -1;
			if (final->kind == IMAP_RESP_CONTINUE)
				break;
			if (final->tag)
				goto tagged;
			note_untagged(s, final);
		}
	}
	for (;;) {
		if (read_resp(s, final, e) < 0)
			return -1;
		if (final->tag)
			break;
		if (final->kind == IMAP_RESP_CONTINUE) {
			set_state(s, IMAP_SS_DISCONNECTED);
			return perr_set(e, PERR_PROTO,
					"IMAP server sent an unexpected "
					"continuation request");
		}
		note_untagged(s, final);
		if (fn && !cb_failed && fn(final, arg, &cb_err) < 0)
			cb_failed = true;
	}
tagged:
	if (strcmp(final->tag, tag) != 0) {
		set_state(s, IMAP_SS_DISCONNECTED);
		return perr_set(e, PERR_PROTO,
				"IMAP server completed command '%s' that was "
				"never sent (waiting for '%s')", final->tag,
				tag);
	}
	note_code(s, &final->code);
	note_alert(s, final);
	if (cb_failed) {
		if (e)
			*e = cb_err;
		return -1;
	}
	if (final->status != IMAP_OK)
		return perr_set(e, PERR_REJECTED, "%s: %s",
				imap_status_name(final->status),
				final->text ? final->text : "");
	return 0;
}

static unsigned
cmd_flags(const struct imap_session *s)
{
	unsigned f = 0;
	if (s->caps & IMAP_CAP(LITERALPLUS))
		f |= IMAP_CMD_LITERALPLUS;
	if (s->caps & IMAP_CAP(LITERALMINUS))
		f |= IMAP_CMD_LITERALMINUS;
	return f;
}

const char *
imap_session_tag(struct imap_session *s, char out[IMAP_TAG_SIZE])
{
	return imap_tag_next(&s->tags, out);
}

int
imap_session_run(struct imap_session *s, const struct imap_cmd *c,
		 const char *tag, imap_fetch_fn fn, void *arg,
		 struct imap_resp *final, struct perr *e)
{
	if (!s->conn || s->state == IMAP_SS_DISCONNECTED)
		return perr_set(e, PERR_CONN, "IMAP session is not connected");
	return run_cmd(s, c, tag, false, fn, arg, final, e);
}

int
imap_session_simple(struct imap_session *s, const char *command,
		    imap_fetch_fn fn, void *arg, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	if (!s->conn || s->state == IMAP_SS_DISCONNECTED)
		return perr_set(e, PERR_CONN, "IMAP session is not connected");
	imap_tag_next(&s->tags, tag);
	imap_cmd_init(&c, tag, command, cmd_flags(s));
	imap_cmd_finish(&c);
	imap_resp_init(&r);
	int rc = run_cmd(s, &c, tag, false, fn, arg, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	return rc;
}

static int
open_fail(struct imap_session *s, struct perr *e, const char *what)
{
	perr_prefix(e, "%s '%s'", what, s->host ? s->host : "?");
	/* The connection stays until imap_session_close, which sends
	 * nothing more on it: a test can see what was sent. */
	set_state(s, IMAP_SS_DISCONNECTED);
	return -1;
}

static int
login(struct imap_session *s, const struct imap_session_params *p,
      struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;
	int rc;

	if (!p->user || !p->password)
		return perr_set(e, PERR_CONFIG, "no user name or password");
	imap_tag_next(&s->tags, tag);
	if (!(s->caps & IMAP_CAP(LOGINDISABLED))) {
		imap_cmd_init(&c, tag, "LOGIN", cmd_flags(s));
		if (imap_cmd_astring(&c, p->user, strlen(p->user), e) < 0 ||
		    imap_cmd_astring(&c, p->password, strlen(p->password),
				     e) < 0) {
			imap_cmd_release(&c);
			return perr_prefix(e, "cannot log in");
		}
	} else if (s->caps & IMAP_CAP(AUTH_PLAIN)) {
		struct net_sasl sasl;
		struct buf ir = BUF_INIT;
		if (net_sasl_start(&sasl, NET_SASL_PLAIN, p->user,
				   p->password, s->host, 0, e) < 0 ||
		    net_sasl_initial(&sasl, &ir, e) < 0) {
			buf_release(&ir);
			return -1;
		}
		imap_cmd_init(&c, tag, "AUTHENTICATE PLAIN", 0);
		if (s->caps & IMAP_CAP(SASL_IR)) {
			imap_cmd_raw(&c, ir.data);
		} else {
			/* RFC 3501 6.2.2: the response follows a "+" */
			buf_add(&c.text, "\r\n", 2);
			c.waits = xgrow(c.waits, &c.capwaits, 1,
					sizeof(*c.waits));
			c.waits[c.nwaits++] = c.text.len;
			buf_add(&c.text, ir.data, ir.len);
		}
		buf_release(&ir);
	} else {
		return perr_set(e, PERR_AUTH,
				"server allows neither LOGIN nor "
				"AUTHENTICATE PLAIN");
	}
	imap_cmd_finish(&c);
	imap_resp_init(&r);
	uint64_t before = s->caps;
	s->caps = 0;
	rc = run_cmd(s, &c, tag, true, NULL, NULL, &r, e);
	if (rc < 0 && e && e->kind == PERR_REJECTED)
		e->kind = PERR_AUTH;
	bool got_caps = s->caps != 0;
	if (!got_caps)
		s->caps = before;
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0)
		return perr_prefix(e, "login refused");
	/* Capabilities may grow after login (RFC 3501 6.2.3); ask when the
	 * server did not say. */
	if (!got_caps && imap_session_simple(s, "CAPABILITY", NULL, NULL,
					     e) < 0)
		return -1;
	return 0;
}

int
imap_session_open(struct imap_session *s, const struct imap_session_params *p,
		  struct perr *e)
{
	net_init();
	struct net_params np = {
		.host = p->host,
		.port = p->port,
		.tls = p->tls == IMAP_TLS_IMPLICIT,
		.tls_opts = { p->ca_file, p->fingerprint },
		.connect_timeout_ms = p->connect_timeout_ms,
		.io_timeout_ms = p->io_timeout_ms,
		.max_line = p->lim ? p->lim->max_line : 1024 * 1024,
		.cancel_fd = p->cancel_fd,
	};
	struct net_conn *conn = net_connect(&np, e);
	if (!conn) {
		memset(s, 0, sizeof(*s));
		imap_parser_init(&s->parser, p->lim);
		return perr_prefix(e, "cannot connect to IMAP server '%s'",
				   p->host ? p->host : "?");
	}
	return imap_session_open_conn(s, conn, p, e);
}

int
imap_session_open_conn(struct imap_session *s, struct net_conn *conn,
		       const struct imap_session_params *p, struct perr *e)
{
	struct imap_resp r;

	memset(s, 0, sizeof(*s));
	imap_parser_init(&s->parser, p->lim);
	imap_tagger_init(&s->tags);
	s->host = xstrdup(p->host ? p->host : "");
	s->conn = conn;
	s->alert = p->alert;
	s->alert_arg = p->alert_arg;
	s->alert_ok = p->tls != IMAP_TLS_STARTTLS;
	set_state(s, IMAP_SS_GREETING);

	imap_resp_init(&r);
	if (read_resp(s, &r, e) < 0)
		goto fail;
	note_alert(s, &r);
	if (r.kind != IMAP_RESP_STATUS || r.tag) {
		perr_set(e, PERR_PROTO, "bad IMAP greeting");
		goto fail;
	}
	if (r.status == IMAP_BYE) {
		perr_set(e, PERR_REJECTED, "server refused the connection: %s",
			 r.text ? r.text : "");
		goto fail;
	}
	if (r.status == IMAP_PREAUTH && p->tls == IMAP_TLS_STARTTLS) {
		/* hostile-19: PREAUTH leaves no moment for STARTTLS */
		perr_set(e, PERR_PROTO,
			 "PREAUTH greeting where TLS is required");
		goto fail;
	}
	if (r.status != IMAP_OK && r.status != IMAP_PREAUTH) {
		perr_set(e, PERR_PROTO, "bad IMAP greeting (%s)",
			 imap_status_name(r.status));
		goto fail;
	}
	set_state(s, r.status == IMAP_PREAUTH ? IMAP_SS_AUTH :
						IMAP_SS_NOT_AUTH);
	if (r.code.kind == IMAP_CODE_CAPABILITY)
		s->caps = r.code.caps.bits;
	imap_resp_release(&r);

	if (p->tls == IMAP_TLS_STARTTLS) {
		if (!s->caps && imap_session_simple(s, "CAPABILITY", NULL, NULL,
						    e) < 0)
			goto fail;
		if (!(s->caps & IMAP_CAP(STARTTLS))) {
			/* hostile-18 */
			perr_set(e, PERR_CONN,
				 "server does not offer STARTTLS");
			goto fail;
		}
		if (imap_session_simple(s, "STARTTLS", NULL, NULL, e) < 0) {
			perr_prefix(e, "STARTTLS refused");
			if (e)
				e->kind = PERR_CONN;
			goto fail;
		}
		if (imap_parser_pending(&s->parser)) {
			/* hostile-20 */
			perr_set(e, PERR_PROTO,
				 "data injected after the STARTTLS reply");
			goto fail;
		}
		struct net_tls_opts o = { p->ca_file, p->fingerprint };
		if (net_starttls(s->conn, p->host, &o, e) < 0)
			goto fail;
		/* hostile-21: forget everything said in the clear */
		s->alert_ok = true;
		s->caps = 0;
		free(s->bye);
		s->bye = NULL;
	}
	if (!s->caps &&
	    imap_session_simple(s, "CAPABILITY", NULL, NULL, e) < 0)
		goto fail;
	if (s->state == IMAP_SS_NOT_AUTH) {
		if (login(s, p, e) < 0)
			goto fail;
		set_state(s, IMAP_SS_AUTH);
	}
	if (p->send_id && (s->caps & IMAP_CAP(ID))) {
		struct perr ignored = PERR_INIT;
		char cmd[96];
		snprintf(cmd, sizeof(cmd),
			 "ID (\"name\" \"postie\" \"version\" \"%s\")",
			 POSTIE_VERSION);
		if (imap_session_simple(s, cmd, NULL, NULL, &ignored) < 0 &&
		    ignored.kind != PERR_REJECTED) {
			*e = ignored;
			goto fail;
		}
	}
	return 0;
fail:
	imap_resp_release(&r);
	return open_fail(s, e, "IMAP session with");
}

void
imap_session_close(struct imap_session *s)
{
	if (s->conn && !s->bye && s->state >= IMAP_SS_NOT_AUTH) {
		struct perr ignored = PERR_INIT;
		net_set_io_timeout(s->conn, 5000);
		set_state(s, IMAP_SS_LOGOUT);
		imap_session_simple(s, "LOGOUT", NULL, NULL, &ignored);
	}
	net_close(s->conn);
	s->conn = NULL;
	set_state(s, IMAP_SS_DISCONNECTED);
	imap_parser_release(&s->parser);
	free(s->host);
	free(s->bye);
	s->host = s->bye = NULL;
}

static int
select_cmd(struct imap_session *s, const char *name, bool raw, bool read_only,
	   const struct imap_qresync *q, imap_fetch_fn fn, void *arg,
	   struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	if (!s->conn || s->state < IMAP_SS_AUTH)
		return perr_set(e, PERR_CONN, "IMAP session is not logged in");
	imap_tag_next(&s->tags, tag);
	imap_cmd_init(&c, tag, read_only ? "EXAMINE" : "SELECT",
		      cmd_flags(s));
	if (imap_cmd_mailbox(&c, name, strlen(name), raw, e) < 0) {
		imap_cmd_release(&c);
		return -1;
	}
	if (q) {
		/* RFC 7162 3.2.5:
		 * (QRESYNC (uidvalidity modseq [known-uids])) */
		struct buf p = BUF_INIT;
		buf_addf(&p, "(QRESYNC (%u %llu", (unsigned)q->uidvalidity,
			 (unsigned long long)q->modseq);
		if (q->known && q->known->n) {
			buf_addch(&p, ' ');
			imap_seqset_format(q->known, &p);
		}
		buf_addstr(&p, "))");
		imap_cmd_raw(&c, p.data);
		buf_release(&p);
	}
	imap_cmd_finish(&c);
	memset(&s->mbox, 0, sizeof(s->mbox));
	s->mbox.read_only = read_only;
	imap_resp_init(&r);
	struct perr le = PERR_INIT;
	int rc = run_cmd(s, &c, tag, false, fn, arg, &r, &le);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0) {
		/* Only a tagged NO or BAD leaves the session usable (and no
		 * folder selected, RFC 3501 6.3.1); a broken, cancelled or
		 * confused connection is out of step with the server. */
		if (le.kind == PERR_REJECTED) {
			set_state(s, IMAP_SS_AUTH);
			le.kind = PERR_FOLDER;
		} else {
			set_state(s, IMAP_SS_DISCONNECTED);
		}
		if (e)
			*e = le;
		return perr_prefix(e, "cannot open folder '%s'", name);
	}
	set_state(s, IMAP_SS_SELECTED);
	return 0;
}

int
imap_session_select(struct imap_session *s, const char *name, bool raw,
		    bool read_only, struct perr *e)
{
	return select_cmd(s, name, raw, read_only, NULL, NULL, NULL, e);
}

int
imap_session_select_qresync(struct imap_session *s, const char *name,
			    bool raw, bool read_only,
			    const struct imap_qresync *q, imap_fetch_fn fn,
			    void *arg, struct perr *e)
{
	if (!q || !q->uidvalidity || !q->modseq)
		return perr_set(e, PERR_PROTO, "QRESYNC needs the cache's "
				"UIDVALIDITY and HIGHESTMODSEQ");
	return select_cmd(s, name, raw, read_only, q, fn, arg, e);
}

struct fetch_only {
	imap_fetch_fn fn;
	void *arg;
};

/* UID FETCH hands only FETCH responses to the caller's function. */
static int
fetch_only(const struct imap_resp *r, void *arg, struct perr *e)
{
	const struct fetch_only *fo = arg;

	if (r->kind != IMAP_RESP_FETCH || !fo->fn)
		return 0;
	return fo->fn(r, fo->arg, e);
}

int
imap_session_uid_fetch(struct imap_session *s, const struct imap_seqset *set,
		       const char *items, imap_fetch_fn fn, void *arg,
		       struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	if (!s->conn || s->state != IMAP_SS_SELECTED)
		return perr_set(e, PERR_CONN, "no folder is open");
	imap_tag_next(&s->tags, tag);
	imap_cmd_init(&c, tag, "UID FETCH", cmd_flags(s));
	imap_cmd_seqset(&c, set);
	imap_cmd_raw(&c, items);
	imap_cmd_finish(&c);
	imap_resp_init(&r);
	struct fetch_only fo = { fn, arg };
	int rc = run_cmd(s, &c, tag, false, fetch_only, &fo, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	return rc;
}

static bool
is_change(const struct imap_resp *r)
{
	switch (r->kind) {
	case IMAP_RESP_EXISTS:
	case IMAP_RESP_RECENT:
	case IMAP_RESP_EXPUNGE:
	case IMAP_RESP_FETCH:
	case IMAP_RESP_VANISHED:
		return true;
	default:
		return false;
	}
}

int
imap_session_idle(struct imap_session *s, int wait_ms, imap_fetch_fn fn,
		  void *arg, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_resp r;
	struct buf line = BUF_INIT;
	int changed = 0, rc = -1, io_ms = 0;

	if (!s->conn || s->state != IMAP_SS_SELECTED)
		return perr_set(e, PERR_CONN, "no folder is open");
	io_ms = net_io_timeout(s->conn);
	if (!(s->caps & IMAP_CAP(IDLE)))
		return perr_set(e, PERR_REJECTED, "server has no IDLE");
	imap_tag_next(&s->tags, tag);
	buf_addf(&line, "%s IDLE\r\n", tag);
	trace(line.data, line.len, true);
	if (net_write(s->conn, line.data, line.len, e) < 0 ||
	    net_flush(s->conn, e) < 0) {
		buf_release(&line);
		set_state(s, IMAP_SS_DISCONNECTED);
		return -1;
	}
	buf_release(&line);
	imap_resp_init(&r);
	/* RFC 2177: "+" first; a tagged reply means IDLE was refused */
	for (;;) {
		if (read_resp(s, &r, e) < 0)
			goto out;
		if (r.kind == IMAP_RESP_CONTINUE)
			break;
		if (r.tag)
			goto tagged;
		note_untagged(s, &r);
		if (fn && fn(&r, arg, e) < 0)
			goto out;
		changed |= is_change(&r);
	}
	int64_t end = time_mono_ms() + wait_ms;
	/* A quiet server is what IDLE waits for: the io timeout, meant for
	 * a server that stops half-way through a reply, would end the wait
	 * long before the deadline. The deadline bounds it instead. */
	io_ms = net_io_timeout(s->conn);
	net_set_io_timeout(s->conn, wait_ms + 1000);
	net_set_deadline(s->conn, wait_ms);
	while (!changed) {
		struct perr why = PERR_INIT;
		if (read_resp_raw(s, &r, &why) < 0) {
			/* The deadline passing with nothing half-received is
			 * the quiet end of an IDLE; anything else is not. */
			if (why.kind == PERR_CONN && !s->bye &&
			    time_mono_ms() >= end &&
			    imap_parser_pending(&s->parser) == 0)
				break;
			if (e)
				*e = why;
			set_state(s, IMAP_SS_DISCONNECTED);
			goto out;
		}
		if (r.tag)
			goto tagged; /* the server ended IDLE itself */
		if (r.kind == IMAP_RESP_CONTINUE) {
			/* hostile-17: garbage during IDLE */
			perr_set(e, PERR_PROTO, "unexpected continuation "
						"request during IDLE");
			set_state(s, IMAP_SS_DISCONNECTED);
			goto out;
		}
		note_untagged(s, &r);
		if (fn && fn(&r, arg, e) < 0)
			break;
		changed |= is_change(&r);
	}
	net_set_io_timeout(s->conn, io_ms);
	net_set_deadline(s->conn, 0);
	trace("DONE", 4, true);
	if (net_write(s->conn, "DONE\r\n", 6, e) < 0 ||
	    net_flush(s->conn, e) < 0) {
		set_state(s, IMAP_SS_DISCONNECTED);
		goto out;
	}
	for (;;) {
		if (read_resp(s, &r, e) < 0)
			goto out;
		if (r.tag)
			break;
		if (r.kind == IMAP_RESP_CONTINUE) {
			perr_set(e, PERR_PROTO, "unexpected continuation "
						"request after DONE");
			set_state(s, IMAP_SS_DISCONNECTED);
			goto out;
		}
		note_untagged(s, &r);
		if (fn)
			fn(&r, arg, e);
		changed |= is_change(&r);
	}
tagged:
	net_set_io_timeout(s->conn, io_ms);
	net_set_deadline(s->conn, 0);
	note_alert(s, &r);
	if (strcmp(r.tag, tag) != 0) {
		set_state(s, IMAP_SS_DISCONNECTED);
		perr_set(e, PERR_PROTO,
			 "IMAP server completed command '%s' that was never "
			 "sent (waiting for '%s')", r.tag, tag);
		goto out;
	}
	if (r.status != IMAP_OK) {
		perr_set(e, PERR_REJECTED, "IDLE: %s: %s",
			 imap_status_name(r.status), r.text ? r.text : "");
		goto out;
	}
	rc = changed;
out:
	if (s->conn) {
		net_set_io_timeout(s->conn, io_ms);
		net_set_deadline(s->conn, 0);
	}
	imap_resp_release(&r);
	return rc;
}
