/* SPDX-License-Identifier: ISC */
/*
 * The SMTP submission session: a state machine over one net connection.
 *
 * Order of business, and the rule behind each step:
 *
 *   greeting    220 or nothing; a 554 greeting is a refusal, 421 a
 *               temporary one, anything else nonsense (hostile-19).
 *   EHLO        HELO only as a fallback on implicit TLS: without EHLO
 *               there is no STARTTLS, and without TLS no credentials.
 *   STARTTLS    required unless the connection is implicit TLS. Not
 *               offered, refused, or bytes already buffered after the 220
 *               (response injection) all stop the session before AUTH or
 *               MAIL is sent (hostile-18, -20).
 *   EHLO again  after TLS, with every earlier capability forgotten
 *               (RFC 3207 4.2; hostile-21).
 *   AUTH        the best SASL mechanism the server offers for the
 *               credentials given.
 *   per message RSET (from the second message on), MAIL, RCPT per
 *               recipient, DATA, the body streamed through the encoder,
 *               the final dot. With PIPELINING, MAIL + RCPTs + DATA go in
 *               one write (RFC 2920).
 *
 * A connection that breaks after the final dot went out and before its
 * reply leaves the outcome unknown: the result says so, and the caller
 * must warn of a possible duplicate rather than pretend either way.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/log.h"
#include "postie/net.h"
#include "postie/smtp.h"

/* How much of the message is encoded per write. */
#define BODY_CHUNK (64 * 1024)

struct smtp_session {
	struct smtp_params p; /* strings owned (copies) */
	struct net_conn *conn;
	enum smtp_state state;
	struct smtp_caps caps;
	struct smtp_reply reply;
	int last_code;
	bool used;      /* a transaction was started: RSET before the next */
	enum net_sasl_mech mech;
};

static const char *const state_names[] = {
#define SMTP_STATE_NAME_(name, text) text,
	SMTP_STATE_TABLE(SMTP_STATE_NAME_)
#undef SMTP_STATE_NAME_
};

const char *
smtp_state_name(enum smtp_state st)
{
	if ((unsigned)st >= SMTP_ST_COUNT)
		return "?";
	return state_names[st];
}

static void
set_state(struct smtp_session *s, enum smtp_state st)
{
	if (s->state != st && log_trace_on("smtp"))
		log_info("smtp: state %s -> %s", state_names[s->state],
			 state_names[st]);
	s->state = st;
}

/* A failure that leaves the connection unusable. Returns -1. */
static int
fail(struct smtp_session *s)
{
	set_state(s, SMTP_ST_FAILED);
	return -1;
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct smtp_session *
smtp_session_new(const struct smtp_params *p)
{
	struct smtp_session *s = xcalloc(1, sizeof(*s));

	s->p = *p;
	s->p.host = dup_or_null(p->host);
	s->p.port = dup_or_null(p->port ? p->port
				     : p->tls == SMTP_TLS_IMPLICIT ? "465"
								    : "587");
	s->p.ca_file = dup_or_null(p->ca_file);
	s->p.fingerprint = dup_or_null(p->fingerprint);
	s->p.user = dup_or_null(p->user);
	s->p.password = dup_or_null(p->password);
	s->p.token = dup_or_null(p->token);
	s->p.hello = xstrdup(p->hello && *p->hello ? p->hello : "localhost");
	if (s->p.timeout_ms <= 0)
		s->p.timeout_ms = 5 * 60 * 1000;
	if (s->p.data_timeout_ms <= 0)
		s->p.data_timeout_ms = 10 * 60 * 1000;
	if (s->p.password)
		log_add_secret(s->p.password);
	if (s->p.token)
		log_add_secret(s->p.token);
	smtp_reply_init(&s->reply);
	s->state = SMTP_ST_INIT;
	return s;
}

const struct smtp_caps *
smtp_session_caps(const struct smtp_session *s)
{
	return &s->caps;
}

enum smtp_state
smtp_session_state(const struct smtp_session *s)
{
	return s->state;
}

int
smtp_session_last_code(const struct smtp_session *s)
{
	return s->last_code;
}

const char *
smtp_session_auth_mech(const struct smtp_session *s)
{
	return s->mech == NET_SASL_NONE ? NULL : net_sasl_name(s->mech);
}

bool
smtp_session_temporary(const struct smtp_session *s, const struct perr *e)
{
	switch (e->kind) {
	case PERR_CONN:
	case PERR_PROTO:
	case PERR_CANCELLED:
	case PERR_NOMEM:
		return true;
	case PERR_REJECTED:
	case PERR_AUTH:
		return s->last_code >= 400 && s->last_code < 500;
	default:
		return false;
	}
}

/* Queue one command line (CRLF added) and trace it. */
static int
put_cmd(struct smtp_session *s, const char *line, struct perr *e)
{
	log_trace("smtp", true, line, strlen(line));
	if (net_puts(s->conn, line, e) < 0 || net_puts(s->conn, "\r\n", e) < 0)
		return -1;
	return 0;
}

static int
send_cmd(struct smtp_session *s, const char *line, struct perr *e)
{
	if (put_cmd(s, line, e) < 0 || net_flush(s->conn, e) < 0)
		return -1;
	return 0;
}

/* Read one whole reply into s->reply. A 421 at any point means the
 * server is closing: the session is over (RFC 5321 3.8). */
static int
read_reply(struct smtp_session *s, struct perr *e)
{
	struct slice line;

	smtp_reply_reset(&s->reply);
	for (;;) {
		if (net_read_line(s->conn, &line, e) < 0)
			return -1;
		log_trace("smtp", false, line.p, line.len);
		int r = smtp_reply_feed(&s->reply, line.p, line.len, e);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
	}
	s->last_code = s->reply.code;
	return 0;
}

/* Record "what: 550 5.1.1 text" as the error. */
static int
reply_error(struct smtp_session *s, enum perr_kind kind, const char *what,
	    struct perr *e)
{
	struct buf b = BUF_INIT;

	smtp_reply_describe(&s->reply, &b);
	perr_set(e, kind, "%s: %s", what, b.data);
	buf_release(&b);
	return -1;
}

/* A reply that means the server is going away. */
static bool
closing(const struct smtp_session *s)
{
	return s->reply.code == 421;
}

static int
do_ehlo(struct smtp_session *s, struct perr *e)
{
	char *cmd = xstrfmt("EHLO %s", s->p.hello);
	int rc;

	set_state(s, SMTP_ST_EHLO);
	memset(&s->caps, 0, sizeof(s->caps));
	rc = send_cmd(s, cmd, e);
	free(cmd);
	if (rc < 0 || read_reply(s, e) < 0)
		return -1;
	if (s->reply.code == 250) {
		smtp_caps_parse(&s->caps, &s->reply);
		if (log_trace_on("smtp")) {
			struct buf b = BUF_INIT;
			smtp_caps_describe(&s->caps, &b);
			log_info("smtp: capabilities: %s", b.data);
			buf_release(&b);
		}
		return 0;
	}
	if (closing(s))
		return reply_error(s, PERR_CONN, "server closing", e);
	/* No EHLO: only acceptable when TLS is already there, because
	 * HELO has no STARTTLS. */
	if (s->p.tls != SMTP_TLS_IMPLICIT)
		return reply_error(s, PERR_CONN, "server refused EHLO, so "
				   "STARTTLS is impossible", e);
	set_state(s, SMTP_ST_HELO);
	cmd = xstrfmt("HELO %s", s->p.hello);
	rc = send_cmd(s, cmd, e);
	free(cmd);
	if (rc < 0 || read_reply(s, e) < 0)
		return -1;
	if (s->reply.code != 250)
		return reply_error(s, PERR_REJECTED, "server refused HELO",
				   e);
	return 0;
}

static int
do_starttls(struct smtp_session *s, struct perr *e)
{
	set_state(s, SMTP_ST_STARTTLS);
	if (!(s->caps.flags & SMTP_CAP(STARTTLS)))
		return perr_set(e, PERR_CONN, "server '%s' does not offer "
				"STARTTLS; refusing to send credentials or "
				"mail in the clear", s->p.host);
	if (send_cmd(s, "STARTTLS", e) < 0 || read_reply(s, e) < 0)
		return -1;
	if (s->reply.code != 220)
		return reply_error(s, PERR_CONN, "server refused STARTTLS",
				   e);
	struct net_tls_opts o = { s->p.ca_file, s->p.fingerprint };
	if (net_starttls(s->conn, s->p.host, &o, e) < 0)
		return -1;
	log_debug("smtp: TLS with '%s': %s", s->p.host,
		  net_tls_info(s->conn));
	/* RFC 3207 4.2: forget everything learnt before TLS. */
	memset(&s->caps, 0, sizeof(s->caps));
	return do_ehlo(s, e);
}

static unsigned
port_number(const char *port)
{
	uint64_t v = 0;

	if (!port || !slice_to_u64(slice_cstr(port), 65535, &v))
		return 0;
	return (unsigned)v;
}

static int
do_auth(struct smtp_session *s, struct perr *e)
{
	const char *secret = s->p.token ? s->p.token : s->p.password;
	struct net_sasl sasl;
	struct buf line = BUF_INIT, resp = BUF_INIT;
	int rc = -1;

	set_state(s, SMTP_ST_AUTH);
	if (!secret)
		return perr_set(e, PERR_CONFIG, "no password or token for "
				"user '%s'", s->p.user);
	if (!(s->caps.flags & SMTP_CAP(AUTH)) || !s->caps.auth[0])
		return perr_set(e, PERR_AUTH, "server '%s' offers no "
				"authentication", s->p.host);
	s->mech = net_sasl_choose(s->caps.auth, s->p.password != NULL,
				  s->p.token != NULL);
	if (s->mech == NET_SASL_NONE)
		return perr_set(e, PERR_AUTH, "no authentication mechanism "
				"usable with a %s (server offers: %s)",
				s->p.token ? "token" : "password",
				s->caps.auth);
	if (net_sasl_start(&sasl, s->mech, s->p.user, secret, s->p.host,
			   port_number(s->p.port), e) < 0 ||
	    net_sasl_initial(&sasl, &resp, e) < 0)
		goto out;
	buf_addf(&line, "AUTH %s", net_sasl_name(s->mech));
	if (resp.len)
		buf_addf(&line, " %s", resp.data);
	if (send_cmd(s, line.data, e) < 0 || read_reply(s, e) < 0)
		goto out;
	/* Each 334 carries a challenge; a bound on the rounds keeps a
	 * server from looping us. */
	for (int round = 0; s->reply.code == 334; round++) {
		if (round >= 4) {
			perr_set(e, PERR_PROTO, "too many SASL challenges");
			goto out;
		}
		buf_reset(&resp);
		if (net_sasl_step(&sasl, s->reply.text.data,
				  strcspn(s->reply.text.data, " \n"), &resp,
				  e) < 0)
			goto out;
		if (send_cmd(s, resp.data, e) < 0 || read_reply(s, e) < 0)
			goto out;
	}
	if (s->reply.code == 235) {
		rc = 0;
		goto out;
	}
	if (closing(s)) {
		reply_error(s, PERR_CONN, "server closing", e);
		goto out;
	}
	reply_error(s, PERR_AUTH, "authentication failed", e);
	/* The answer to a failed AUTH leaves the connection usable, but
	 * there is nothing more to do on it. */
out:
	buf_release(&line);
	buf_release(&resp);
	return rc;
}

static int
handshake(struct smtp_session *s, struct perr *e)
{
	set_state(s, SMTP_ST_GREETING);
	if (read_reply(s, e) < 0)
		return -1;
	if (s->reply.code == 554)
		return reply_error(s, PERR_REJECTED, "server refused the "
				   "connection", e);
	if (closing(s))
		return reply_error(s, PERR_CONN, "server not available", e);
	if (s->reply.code != 220)
		return reply_error(s, PERR_PROTO, "unexpected greeting", e);
	if (do_ehlo(s, e) < 0)
		return -1;
	if (s->p.tls != SMTP_TLS_IMPLICIT && !net_is_tls(s->conn) &&
	    do_starttls(s, e) < 0)
		return -1;
	if (s->p.user && *s->p.user && do_auth(s, e) < 0)
		return -1;
	set_state(s, SMTP_ST_READY);
	return 0;
}

int
smtp_session_open_conn(struct smtp_session *s, struct net_conn *c,
		       struct perr *e)
{
	s->conn = c;
	net_set_io_timeout(c, s->p.timeout_ms);
	if (handshake(s, e) < 0) {
		perr_prefix(e, "smtp '%s'", s->p.host ? s->p.host : "?");
		return fail(s);
	}
	return 0;
}

int
smtp_session_open(struct smtp_session *s, struct perr *e)
{
	struct net_params np = {
		.host = s->p.host,
		.port = s->p.port,
		.tls = s->p.tls == SMTP_TLS_IMPLICIT,
		.tls_opts = { s->p.ca_file, s->p.fingerprint },
		.connect_timeout_ms = s->p.connect_timeout_ms,
		.io_timeout_ms = s->p.timeout_ms,
		.max_line = 0,
		.cancel_fd = s->p.cancel_fd,
	};

	set_state(s, SMTP_ST_CONNECT);
	struct net_conn *c = net_connect(&np, e);
	if (!c)
		return fail(s);
	return smtp_session_open_conn(s, c, e);
}

void
smtp_result_init(struct smtp_result *r)
{
	memset(r, 0, sizeof(*r));
}

void
smtp_result_release(struct smtp_result *r)
{
	free(r->text);
	for (size_t i = 0; i < r->nrcpt; i++)
		free(r->rcpt[i].text);
	free(r->rcpt);
	smtp_result_init(r);
}

static void
result_set(struct smtp_result *r, const struct smtp_reply *rep)
{
	free(r->text);
	r->code = rep->code;
	r->text = xstrdup(rep->text.data);
}

/* An address for MAIL or RCPT: no CR, LF, other controls, '<', '>' or
 * space (a quoted local part with a space is legal but unheard of in
 * submission, and refusing it closes the door on command injection). */
static int
check_addr(const char *a, bool *utf8, struct perr *e)
{
	for (const unsigned char *p = (const unsigned char *)a; *p; p++) {
		if (*p < 0x21 || *p == 0x7f || *p == '<' || *p == '>')
			return perr_set(e, PERR_MESSAGE, "address '%s' holds "
					"a byte that cannot go in an SMTP "
					"command", a);
		if (*p >= 0x80)
			*utf8 = true;
	}
	if (*utf8 && !utf8_valid(a, strlen(a)))
		return perr_set(e, PERR_MESSAGE, "address '%s' is not valid "
				"UTF-8", a);
	return 0;
}

static bool
has_8bit(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return true;
	return false;
}

/* Stream the message through the encoder in chunks, then the final dot.
 * Returns 0 once the final dot is flushed. */
static int
send_body(struct smtp_session *s, const char *msg, size_t len,
	  struct perr *e)
{
	struct smtp_dot d;
	struct buf out = BUF_INIT;
	size_t off = 0;
	int rc = -1;

	set_state(s, SMTP_ST_BODY);
	smtp_dot_init(&d);
	while (off < len) {
		size_t n = len - off < BODY_CHUNK ? len - off : BODY_CHUNK;
		buf_reset(&out);
		if (smtp_dot_encode(&d, &out, msg + off, n, e) < 0)
			goto out;
		if (net_write(s->conn, out.data, out.len, e) < 0)
			goto out;
		off += n;
	}
	buf_reset(&out);
	smtp_dot_finish(&d, &out);
	if (net_write(s->conn, out.data, out.len, e) < 0 ||
	    net_flush(s->conn, e) < 0)
		goto out;
	log_trace("smtp", true, ".", 1);
	rc = 0;
out:
	buf_release(&out);
	return rc;
}

/* A message that cannot be encoded is found before DATA when possible:
 * the encoder runs over it once without sending, so that a NUL or an
 * overlong line costs no transaction. */
static int
check_body(const char *msg, size_t len, struct perr *e)
{
	struct smtp_dot d;
	struct buf out = BUF_INIT;
	size_t off = 0;
	int rc = 0;

	smtp_dot_init(&d);
	while (off < len && rc == 0) {
		size_t n = len - off < BODY_CHUNK ? len - off : BODY_CHUNK;
		buf_reset(&out);
		rc = smtp_dot_encode(&d, &out, msg + off, n, e);
		off += n;
	}
	buf_release(&out);
	return rc;
}

/* The body could not be written. A server that refuses a message in the
 * middle of DATA (too large, spam, policy) may have said why before it
 * closed: look, briefly, for that reply in what was received, so that the
 * user sees the server's reason and a 5xx is not retried forever. */
static void
early_reply(struct smtp_session *s, struct smtp_result *r, struct perr *e)
{
	struct perr e2 = PERR_INIT;

	if (!e || e->kind != PERR_CONN)
		return;
	net_set_io_timeout(s->conn, 1000);
	if (read_reply(s, &e2) < 0 || s->reply.code < 400)
		return;
	result_set(r, &s->reply);
	reply_error(s, s->reply.code >= 500 ? PERR_REJECTED : PERR_CONN,
		    "server refused the message during DATA", e);
}

/* Fill r and *e for "every recipient refused". */
static int
all_refused(struct smtp_session *s, struct smtp_result *r, struct perr *e)
{
	free(r->text);
	r->code = r->rcpt[0].code;
	r->text = xstrdup(r->rcpt[0].text ? r->rcpt[0].text : "");
	s->last_code = r->code;
	return perr_set(e, PERR_REJECTED, "every recipient refused: %d %s",
			r->code, r->text);
}

int
smtp_session_send(struct smtp_session *s, const struct smtp_envelope *env,
		  const char *msg, size_t len, struct smtp_result *r,
		  struct perr *e)
{
	bool utf8 = false;
	bool pipe;
	struct buf cmd = BUF_INIT;
	int mail_code = 0;
	char *mail_text = NULL;
	int rc = -1;
	bool broken = true;

	smtp_result_release(r);
	if (s->state != SMTP_ST_READY)
		return perr_set(e, PERR_CONN, "smtp session not ready (%s)",
				smtp_state_name(s->state));
	if (env->nrcpt == 0)
		return perr_set(e, PERR_MESSAGE, "no recipients");
	if (check_addr(env->from, &utf8, e) < 0)
		return -1;
	for (size_t i = 0; i < env->nrcpt; i++)
		if (check_addr(env->rcpt[i], &utf8, e) < 0)
			return -1;
	if (utf8 && !(s->caps.flags & SMTP_CAP(SMTPUTF8)))
		return perr_set(e, PERR_MESSAGE, "server '%s' does not accept "
				"non-ASCII addresses (no SMTPUTF8)",
				s->p.host);
	if (s->caps.size && len > s->caps.size)
		return perr_set(e, PERR_MESSAGE, "message of %zu bytes is "
				"over the server's limit of %llu bytes", len,
				(unsigned long long)s->caps.size);
	if (check_body(msg, len, e) < 0)
		return -1;

	r->rcpt = xcalloc(env->nrcpt, sizeof(*r->rcpt));
	r->nrcpt = env->nrcpt;
	pipe = (s->caps.flags & SMTP_CAP(PIPELINING)) != 0;

	/* RSET first when an earlier transaction ran on this session. */
	if (s->used) {
		set_state(s, SMTP_ST_RSET);
		if (send_cmd(s, "RSET", e) < 0 || read_reply(s, e) < 0)
			goto out;
		if (s->reply.code != 250) {
			result_set(r, &s->reply);
			reply_error(s, closing(s) ? PERR_CONN : PERR_PROTO,
				    "RSET refused", e);
			goto out;
		}
	}
	s->used = true;

	/* MAIL, then with PIPELINING every RCPT and DATA in the same write
	 * (RFC 2920 3.1: DATA is the last command of a group). */
	set_state(s, SMTP_ST_MAIL);
	buf_addf(&cmd, "MAIL FROM:<%s>", env->from);
	if (s->caps.flags & SMTP_CAP(SIZE))
		buf_addf(&cmd, " SIZE=%zu", len);
	if (has_8bit(msg, len) && (s->caps.flags & SMTP_CAP(8BITMIME)))
		buf_addstr(&cmd, " BODY=8BITMIME");
	if (utf8)
		buf_addstr(&cmd, " SMTPUTF8");
	if (put_cmd(s, cmd.data, e) < 0)
		goto out;
	if (pipe) {
		for (size_t i = 0; i < env->nrcpt; i++) {
			buf_reset(&cmd);
			buf_addf(&cmd, "RCPT TO:<%s>", env->rcpt[i]);
			if (put_cmd(s, cmd.data, e) < 0)
				goto out;
		}
		if (put_cmd(s, "DATA", e) < 0)
			goto out;
	}
	if (net_flush(s->conn, e) < 0 || read_reply(s, e) < 0)
		goto out;
	mail_code = s->reply.code;
	mail_text = xstrdup(s->reply.text.data);
	if (closing(s)) {
		result_set(r, &s->reply);
		reply_error(s, PERR_CONN, "server closing", e);
		goto out;
	}
	if (mail_code != 250 && !pipe) {
		result_set(r, &s->reply);
		reply_error(s, PERR_REJECTED, "sender refused", e);
		broken = false;
		goto out;
	}

	set_state(s, SMTP_ST_RCPT);
	for (size_t i = 0; i < env->nrcpt; i++) {
		if (!pipe) {
			buf_reset(&cmd);
			buf_addf(&cmd, "RCPT TO:<%s>", env->rcpt[i]);
			if (send_cmd(s, cmd.data, e) < 0)
				goto out;
		}
		if (read_reply(s, e) < 0)
			goto out;
		r->rcpt[i].code = s->reply.code;
		r->rcpt[i].text = xstrdup(s->reply.text.data);
		if (s->reply.code == 250 || s->reply.code == 251)
			r->accepted++;
		if (closing(s)) {
			result_set(r, &s->reply);
			reply_error(s, PERR_CONN, "server closing", e);
			goto out;
		}
	}

	set_state(s, SMTP_ST_DATA);
	if (!pipe) {
		if (r->accepted == 0) {
			all_refused(s, r, e);
			broken = false;
			goto out;
		}
		if (send_cmd(s, "DATA", e) < 0)
			goto out;
	}
	if (read_reply(s, e) < 0)
		goto out;
	if (s->reply.code == 354 && (mail_code != 250 || r->accepted == 0)) {
		/* RFC 2920 3.1: a 354 after a failed MAIL or with no
		 * recipient: end the empty data at once. */
		if (send_cmd(s, ".", e) < 0 || read_reply(s, e) < 0)
			goto out;
	}
	if (mail_code != 250) {
		free(r->text);
		r->code = mail_code;
		r->text = xstrdup(mail_text);
		s->last_code = mail_code;
		perr_set(e, PERR_REJECTED, "sender refused: %d %s", mail_code,
			 mail_text);
		broken = closing(s);
		goto out;
	}
	if (r->accepted == 0) {
		broken = closing(s);
		all_refused(s, r, e);
		goto out;
	}
	if (s->reply.code != 354) {
		result_set(r, &s->reply);
		broken = closing(s);
		reply_error(s, broken ? PERR_CONN : PERR_REJECTED,
			    "DATA refused", e);
		goto out;
	}
	if (send_body(s, msg, len, e) < 0) {
		early_reply(s, r, e);
		goto out;
	}
	/* From here the server may have the message: no reply is not a
	 * "no". */
	set_state(s, SMTP_ST_END_OF_DATA);
	net_set_io_timeout(s->conn, s->p.data_timeout_ms);
	int rr = read_reply(s, e);
	net_set_io_timeout(s->conn, s->p.timeout_ms);
	if (rr < 0) {
		r->unknown = true;
		perr_prefix(e, "no reply after the end of the message, "
			    "delivery unknown");
		goto out;
	}
	result_set(r, &s->reply);
	if (s->reply.code != 250) {
		broken = closing(s);
		reply_error(s, broken ? PERR_CONN : PERR_REJECTED,
			    "message refused", e);
		goto out;
	}
	rc = 0;
	broken = false;
out:
	buf_release(&cmd);
	free(mail_text);
	if (broken)
		return fail(s);
	set_state(s, SMTP_ST_READY);
	return rc;
}

void
smtp_session_close(struct smtp_session *s)
{
	if (!s)
		return;
	if (s->conn && s->state == SMTP_ST_READY) {
		struct perr e = PERR_INIT;
		set_state(s, SMTP_ST_QUIT);
		net_set_io_timeout(s->conn, 5000);
		if (send_cmd(s, "QUIT", &e) == 0)
			read_reply(s, &e);
	}
	set_state(s, SMTP_ST_CLOSED);
	net_close(s->conn);
	smtp_reply_release(&s->reply);
	free((char *)s->p.host);
	free((char *)s->p.port);
	free((char *)s->p.ca_file);
	free((char *)s->p.fingerprint);
	free((char *)s->p.user);
	free((char *)s->p.password);
	free((char *)s->p.token);
	free((char *)s->p.hello);
	free(s);
}
