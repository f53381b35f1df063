/* SPDX-License-Identifier: ISC */
/*
 * The POP3 session over net/ (RFC 1939, RFC 2449, RFC 2595, RFC 5034):
 * one command, one reply, in order. Multi-line replies come from net's
 * line reader through the multi-line reader, which un-stuffs dots and
 * knows whether the final "." came; a message that did not end is never
 * handed on, so the caller cannot store half a message or delete one it
 * does not have.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/log.h"
#include "postie/net.h"
#include "postie/pop3.h"

static const char *const ss_names[] = {
#define POP3_SS_NAME_(n, s) s,
	POP3_SS_TABLE(POP3_SS_NAME_)
#undef POP3_SS_NAME_
};

const char *
pop3_ss_name(enum pop3_ss s)
{
	if ((unsigned)s < ARRAY_SIZE(ss_names))
		return ss_names[s];
	return "?";
}

static void
set_state(struct pop3_session *s, enum pop3_ss to)
{
	if (s->state != to && log_trace_on("pop3"))
		log_debug("pop3 %s: %s -> %s", s->host ? s->host : "?",
			  pop3_ss_name(s->state), pop3_ss_name(to));
	s->state = to;
}

/* Send one command line; secret says whether to trace it masked. */
static int
send_line(struct pop3_session *s, const char *line, bool secret,
	  struct perr *e)
{
	if (strpbrk(line, "\r\n"))
		return perr_set(e, PERR_CONFIG,
				"CR or LF in a POP3 command argument");
	if (log_trace_on("pop3"))
		log_trace("pop3", true, secret ? "*****" : line,
			  secret ? 5 : strlen(line));
	if (net_puts(s->conn, line, e) < 0 || net_write(s->conn, "\r\n", 2,
							e) < 0 ||
	    net_flush(s->conn, e) < 0) {
		set_state(s, POP3_SS_DISCONNECTED);
		return -1;
	}
	return 0;
}

/* Read one reply line. Returns 0 for +OK, -1 with PERR_REJECTED and the
 * text for -ERR, -1 for anything else. *text (may be NULL) borrows the
 * text until the next read. */
static int
read_reply(struct pop3_session *s, const char *what, struct slice *text,
	   struct perr *e)
{
	struct slice line;
	struct pop3_reply r;

	/* Any failure but -ERR leaves the connection unusable: it gets no
	 * QUIT, so no deletion is committed (RFC 1939 6). */
	if (net_read_line(s->conn, &line, e) < 0) {
		set_state(s, POP3_SS_DISCONNECTED);
		return perr_prefix(e, "no reply to %s", what);
	}
	if (log_trace_on("pop3"))
		log_trace("pop3", false, line.p, line.len);
	if (pop3_parse_reply(line.p, line.len, &r, e) < 0) {
		set_state(s, POP3_SS_DISCONNECTED);
		return perr_prefix(e, "reply to %s", what);
	}
	if (text)
		*text = r.text;
	if (!r.ok)
		return perr_set(e, PERR_REJECTED, "%s refused: %.*s", what,
				(int)(r.text.len > 300 ? 300 : r.text.len),
				r.text.p);
	return 0;
}

static int
command(struct pop3_session *s, const char *line, const char *what,
	struct slice *text, struct perr *e)
{
	if (!s->conn || s->state == POP3_SS_DISCONNECTED)
		return perr_set(e, PERR_CONN, "POP3 session is not connected");
	if (send_line(s, line, false, e) < 0)
		return -1;
	return read_reply(s, what, text, e);
}

/* The body of a multi-line reply, line by line through fn. */
typedef int (*line_fn)(const char *line, size_t len, void *arg,
		       struct perr *e);

static int
read_multiline(struct pop3_session *s, uint64_t max_bytes, line_fn fn,
	       void *arg, struct perr *e)
{
	struct pop3_ml m;
	int rc = 0;

	pop3_ml_init(&m, s->max_line, max_bytes);
	/* NUL inside a message is kept as a byte (hostile-5) */
	net_set_nul_ok(s->conn, true);
	for (;;) {
		struct slice raw;
		const char *line;
		size_t len;
		if (net_read_line(s->conn, &raw, e) < 0) {
			rc = -1;
			break;
		}
		pop3_ml_feed(&m, raw.p, raw.len);
		pop3_ml_feed(&m, "\r\n", 2);
		int k = pop3_ml_next(&m, &line, &len, e);
		if (k == POP3_ML_END)
			break;
		if (k < 0 || (k == POP3_ML_LINE && fn(line, len, arg, e) < 0)) {
			rc = -1;
			break;
		}
	}
	net_set_nul_ok(s->conn, false);
	pop3_ml_release(&m);
	if (rc < 0)
		set_state(s, POP3_SS_DISCONNECTED);
	return rc;
}

static int
fail_open(struct pop3_session *s, struct perr *e)
{
	perr_prefix(e, "POP3 session with '%s'", s->host ? s->host : "?");
	set_state(s, POP3_SS_DISCONNECTED);
	return -1;
}

static int
capa_line(const char *line, size_t len, void *arg, struct perr *e)
{
	return pop3_caps_add_line(arg, line, len, e);
}

/* CAPA is optional (RFC 2449): -ERR means the server has none. */
static int
ask_capa(struct pop3_session *s, struct perr *e)
{
	struct perr why = PERR_INIT;

	memset(&s->caps, 0, sizeof(s->caps));
	s->have_capa = false;
	if (command(s, "CAPA", "CAPA", NULL, &why) < 0) {
		if (why.kind == PERR_REJECTED)
			return 0;
		if (e)
			*e = why;
		return -1;
	}
	if (read_multiline(s, 0, capa_line, &s->caps, e) < 0)
		return -1;
	s->have_capa = true;
	return 0;
}

static int
auth(struct pop3_session *s, const struct pop3_session_params *p,
     struct perr *e)
{
	struct buf line = BUF_INIT;
	int rc;

	if (!p->user || !p->password)
		return perr_set(e, PERR_CONFIG, "no user name or password");
	if ((s->caps.bits & POP3_CAP_SASL) &&
	    (s->caps.sasl & POP3_SASL_PLAIN)) {
		/* RFC 5034: AUTH PLAIN with the initial response */
		struct net_sasl sasl;
		struct buf ir = BUF_INIT;
		if (net_sasl_start(&sasl, NET_SASL_PLAIN, p->user, p->password,
				   s->host, 0, e) < 0 ||
		    net_sasl_initial(&sasl, &ir, e) < 0) {
			buf_release(&ir);
			return -1;
		}
		buf_addf(&line, "AUTH PLAIN %s", ir.data);
		buf_release(&ir);
		rc = send_line(s, line.data, true, e);
		if (rc == 0)
			rc = read_reply(s, "AUTH PLAIN", NULL, e);
	} else {
		buf_addf(&line, "USER %s", p->user);
		rc = send_line(s, line.data, false, e);
		if (rc == 0)
			rc = read_reply(s, "USER", NULL, e);
		if (rc == 0) {
			buf_reset(&line);
			buf_addf(&line, "PASS %s", p->password);
			rc = send_line(s, line.data, true, e);
			if (rc == 0)
				rc = read_reply(s, "PASS", NULL, e);
		}
	}
	buf_release(&line);
	if (rc < 0 && e && e->kind == PERR_REJECTED)
		e->kind = PERR_AUTH;
	return rc < 0 ? perr_prefix(e, "login refused") : 0;
}

int
pop3_session_open(struct pop3_session *s, const struct pop3_session_params *p,
		  struct perr *e)
{
	net_init();
	struct net_params np = {
		.host = p->host,
		.port = p->port,
		.tls = p->tls == POP3_TLS_IMPLICIT,
		.tls_opts = { p->ca_file, p->fingerprint },
		.connect_timeout_ms = p->connect_timeout_ms,
		.io_timeout_ms = p->io_timeout_ms,
		.max_line = p->max_line ? p->max_line : 1024 * 1024,
		.cancel_fd = p->cancel_fd,
	};
	struct net_conn *conn = net_connect(&np, e);
	if (!conn) {
		memset(s, 0, sizeof(*s));
		buf_init(&s->timestamp);
		return perr_prefix(e, "cannot connect to POP3 server '%s'",
				   p->host ? p->host : "?");
	}
	return pop3_session_open_conn(s, conn, p, e);
}

int
pop3_session_open_conn(struct pop3_session *s, struct net_conn *conn,
		       const struct pop3_session_params *p, struct perr *e)
{
	struct slice line;

	memset(s, 0, sizeof(*s));
	buf_init(&s->timestamp);
	s->conn = conn;
	s->host = xstrdup(p->host ? p->host : "");
	s->max_line = p->max_line ? p->max_line : 1024 * 1024;
	set_state(s, POP3_SS_AUTHORIZATION);

	if (net_read_line(s->conn, &line, e) < 0)
		return fail_open(s, e);
	if (log_trace_on("pop3"))
		log_trace("pop3", false, line.p, line.len);
	if (pop3_parse_greeting(line.p, line.len, &s->timestamp, e) < 0)
		return fail_open(s, e); /* hostile-23: nothing sent */
	if (ask_capa(s, e) < 0)
		return fail_open(s, e);
	if (p->tls == POP3_TLS_STLS) {
		if (s->have_capa && !(s->caps.bits & POP3_CAP_STLS)) {
			perr_set(e, PERR_CONN, "server does not offer STLS");
			return fail_open(s, e);
		}
		if (command(s, "STLS", "STLS", NULL, e) < 0) {
			if (e)
				e->kind = PERR_CONN;
			return fail_open(s, e);
		}
		struct net_tls_opts o = { p->ca_file, p->fingerprint };
		if (net_starttls(s->conn, p->host, &o, e) < 0)
			return fail_open(s, e);
		/* hostile-21: what was said in the clear is forgotten */
		if (ask_capa(s, e) < 0)
			return fail_open(s, e);
	}
	if (auth(s, p, e) < 0)
		return fail_open(s, e);
	set_state(s, POP3_SS_TRANSACTION);
	return 0;
}

void
pop3_session_close(struct pop3_session *s)
{
	if (s->conn && s->state == POP3_SS_TRANSACTION) {
		struct perr ignored = PERR_INIT;
		net_set_io_timeout(s->conn, 5000);
		set_state(s, POP3_SS_UPDATE);
		command(s, "QUIT", "QUIT", NULL, &ignored);
	}
	net_close(s->conn);
	s->conn = NULL;
	set_state(s, POP3_SS_DISCONNECTED);
	buf_release(&s->timestamp);
	free(s->host);
	s->host = NULL;
}

static int
need_transaction(struct pop3_session *s, struct perr *e)
{
	if (!s->conn || s->state != POP3_SS_TRANSACTION)
		return perr_set(e, PERR_CONN, "POP3 session is not logged in");
	return 0;
}

int
pop3_session_stat(struct pop3_session *s, uint32_t *count, uint64_t *size,
		  struct perr *e)
{
	struct slice line;

	if (need_transaction(s, e) < 0 || send_line(s, "STAT", false, e) < 0)
		return -1;
	if (net_read_line(s->conn, &line, e) < 0) {
		set_state(s, POP3_SS_DISCONNECTED);
		return perr_prefix(e, "no reply to STAT");
	}
	if (pop3_parse_stat(line.p, line.len, count, size, e) < 0) {
		if (e && e->kind != PERR_REJECTED)
			set_state(s, POP3_SS_DISCONNECTED);
		return -1;
	}
	return 0;
}

static int
uidl_line(const char *line, size_t len, void *arg, struct perr *e)
{
	return pop3_uidl_add(arg, line, len, e);
}

int
pop3_session_uidl(struct pop3_session *s, struct pop3_uidl_list *l,
		  struct perr *e)
{
	if (need_transaction(s, e) < 0 ||
	    command(s, "UIDL", "UIDL", NULL, e) < 0)
		return -1;
	if (read_multiline(s, UINT64_C(1) << 30, uidl_line, l, e) < 0)
		return perr_prefix(e, "UIDL listing");
	return 0;
}

struct retr {
	struct buf *out;
};

static int
retr_line(const char *line, size_t len, void *arg, struct perr *e)
{
	struct retr *r = arg;

	(void)e;
	buf_add(r->out, line, len);
	buf_add(r->out, "\r\n", 2);
	return 0;
}

int
pop3_session_retr(struct pop3_session *s, uint32_t msgno, struct buf *out,
		  uint64_t max_bytes, struct perr *e)
{
	char cmd[32];
	size_t mark = out->len;
	struct retr r = { out };

	if (need_transaction(s, e) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "RETR %" PRIu32, msgno);
	if (command(s, cmd, cmd, NULL, e) < 0)
		return -1;
	if (read_multiline(s, max_bytes, retr_line, &r, e) < 0) {
		/* hostile-25: half a message is no message */
		buf_truncate(out, mark);
		set_state(s, POP3_SS_DISCONNECTED);
		return perr_prefix(e, "message %" PRIu32 " not received whole",
				   msgno);
	}
	return 0;
}

int
pop3_session_dele(struct pop3_session *s, uint32_t msgno, struct perr *e)
{
	char cmd[32];

	if (need_transaction(s, e) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "DELE %" PRIu32, msgno);
	return command(s, cmd, cmd, NULL, e);
}

int
pop3_session_rset(struct pop3_session *s, struct perr *e)
{
	if (need_transaction(s, e) < 0)
		return -1;
	return command(s, "RSET", "RSET", NULL, e);
}

int
pop3_session_top(struct pop3_session *s, uint32_t msgno, uint32_t lines,
		 struct buf *out, uint64_t max_bytes, struct perr *e)
{
	char cmd[48];
	size_t mark = out->len;
	struct retr r = { out };

	if (need_transaction(s, e) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "TOP %" PRIu32 " %" PRIu32, msgno, lines);
	if (command(s, cmd, cmd, NULL, e) < 0)
		return -1;
	if (read_multiline(s, max_bytes ? max_bytes : UINT64_C(1) << 20,
			   retr_line, &r, e) < 0) {
		buf_truncate(out, mark);
		set_state(s, POP3_SS_DISCONNECTED);
		return perr_prefix(e, "headers of message %" PRIu32
				   " not received whole", msgno);
	}
	return 0;
}

void
pop3_session_abort(struct pop3_session *s)
{
	struct perr ignored = PERR_INIT;

	if (s->conn && s->state == POP3_SS_TRANSACTION)
		pop3_session_rset(s, &ignored);
	set_state(s, POP3_SS_DISCONNECTED);
}
