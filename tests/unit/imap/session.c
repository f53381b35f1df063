/* SPDX-License-Identifier: ISC */
/*
 * The IMAP session against scripted servers (net/'s in-memory fake): the
 * whole opening, SELECT and UID FETCH with literals, delivered at once
 * and one byte per read; and the ways a session must refuse to go on:
 * no STARTTLS (hostile-18), PREAUTH before TLS (hostile-19), bytes after
 * the STARTTLS go-ahead (hostile-20), a reply for a command never sent
 * (hostile-8), a refused login, a BYE greeting.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "postie/imap.h"
#include "postie/net.h"

struct got {
	int n;
	struct buf dump;
};

static int
on_fetch(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct got *g = arg;
	g->n++;
	imap_resp_dump(r, &g->dump);
	buf_addch(&g->dump, '\n');
	return 0;
}

/* Run a session against server bytes; returns open's result and leaves
 * what the client sent in *sent and any error in *e. */
static int
session(const char *server, size_t chunk, enum imap_tls_mode tls,
	const char *password, bool do_select, struct got *g, struct buf *sent,
	struct perr *e)
{
	struct imap_session s;
	struct imap_session_params p = {
		.host = "imap.example.com", .tls = tls, .user = "alice",
		.password = password, .cancel_fd = -1, .send_id = true,
	};
	struct net_conn *c = net_conn_fake(server, strlen(server), chunk, 0);
	int rc = imap_session_open_conn(&s, c, &p, e);
	if (rc == 0 && do_select) {
		rc = imap_session_select(&s, "已发送", false, false, e);
		if (rc == 0) {
			ok(s.mbox.exists == 2 && s.mbox.uidvalidity == 42 &&
				   s.mbox.uidnext == 10 && !s.mbox.read_only,
			   "SELECT state (chunk %zu)", chunk);
			struct imap_seqset set = IMAP_SEQSET_INIT;
			imap_seqset_add(&set, 1, IMAP_SEQ_STAR);
			rc = imap_session_uid_fetch(
				&s, &set, "(UID RFC822.SIZE BODY.PEEK[])",
				on_fetch, g, e);
			imap_seqset_release(&set);
		}
	}
	/* what was written, before close adds LOGOUT */
	if (s.conn)
		buf_add(sent, net_fake_output(s.conn)->data,
			net_fake_output(s.conn)->len);
	imap_session_close(&s);
	return rc;
}

static const char idle_open[] =
	"* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\nA1 OK in\r\n"
	"* CAPABILITY IMAP4rev1 IDLE\r\nA2 OK x\r\n"
	"* 2 EXISTS\r\nA3 OK [READ-WRITE] sel\r\n";

/* Open and select over conn, then IDLE for wait_ms. */
static int
idle_run(struct net_conn *conn, int wait_ms, struct imap_session *s,
	 struct perr *e)
{
	struct imap_session_params p = {
		.host = "h", .tls = IMAP_TLS_IMPLICIT, .user = "u",
		.password = "p", .cancel_fd = -1,
	};
	if (imap_session_open_conn(s, conn, &p, e) < 0 ||
	    imap_session_select(s, "INBOX", false, false, e) < 0)
		return -2;
	return imap_session_idle(s, wait_ms, NULL, NULL, e);
}

/* After a failed SELECT the session is usable again only when the
 * server answered NO or BAD; a connection that broke or stopped making
 * sense is out of step and must not be reused (its state says so). */
static void
select_failure(const char *reply, enum imap_ss want,
	       const char *name)
{
	static const char open[] =
		"* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\nA1 OK in\r\n"
		"* CAPABILITY IMAP4rev1 IDLE\r\nA2 OK x\r\n";
	struct buf in = BUF_INIT;
	struct imap_session s;
	struct perr e = PERR_INIT;
	struct imap_session_params p = {
		.host = "h", .tls = IMAP_TLS_IMPLICIT, .user = "u",
		.password = "p", .cancel_fd = -1,
	};

	buf_addstr(&in, open);
	buf_addstr(&in, reply);
	struct net_conn *c = net_conn_fake(in.data, in.len, 0, 0);
	if (imap_session_open_conn(&s, c, &p, &e) < 0) {
		ok(0, "%s: open failed: %s", name, e.msg);
		buf_release(&in);
		return;
	}
	is_int(imap_session_select(&s, "INBOX", false, false, &e), -1,
	       "%s: SELECT fails", name);
	is_int(s.state, want, "%s: session state afterwards", name);
	like(e.msg, "cannot open folder 'INBOX'", "%s: error names it", name);
	imap_session_close(&s);
	buf_release(&in);
}

static void
idle_script(const char *tail, size_t chunk, int want_rc, const char *name,
	    const char *want_err)
{
	struct buf in = BUF_INIT;
	struct imap_session s;
	struct perr e = PERR_INIT;

	buf_addstr(&in, idle_open);
	buf_addstr(&in, tail);
	int rc = idle_run(net_conn_fake(in.data, in.len, chunk, 0), 5000, &s,
			  &e);
	is_int(rc, want_rc, "%s (chunk %zu): %s", name, chunk, e.msg);
	if (want_err)
		like(e.msg, want_err, "%s: error says why", name);
	if (rc == 1)
		ok(s.mbox.exists == 3 &&
			   strstr(net_fake_output(s.conn)->data,
				  "A4 IDLE\r\nDONE\r\n"),
		   "%s: EXISTS noted, DONE sent", name);
	imap_session_close(&s);
	buf_release(&in);
}

/* A quiet IDLE times out, sends DONE and reads the reply, which a
 * server process sends only later. io_ms is the connection's io timeout:
 * one shorter than the IDLE's wait must not end it early. */
static void
quiet_idle(int io_ms, int wait_ms, const char *name)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		ok(0, "socketpair");
		return;
	}
	if (write(sv[1], idle_open, strlen(idle_open)) < 0 ||
	    write(sv[1], "+ idling\r\n", 10) < 0)
		ok(0, "write script");
	pid_t pid = fork();
	if (pid == 0) {
		usleep((useconds_t)(wait_ms + 50) * 1000);
		if (write(sv[1], "A4 OK IDLE terminated\r\n", 23) < 0)
			_exit(1);
		_exit(0);
	}
	struct net_params np = { .host = "h", .cancel_fd = -1,
				 .io_timeout_ms = io_ms };
	struct imap_session s;
	struct perr e = PERR_INIT;
	int64_t t0 = time_mono_ms();
	int rc = idle_run(net_conn_from_fd_take(sv[0], &np), wait_ms, &s, &e);
	int64_t dt = time_mono_ms() - t0;
	waitpid(pid, NULL, 0);
	is_int(rc, 0, "%s: quiet IDLE ends after its wait: %s", name, e.msg);
	ok(dt >= wait_ms && dt < wait_ms + 4000, "%s: after %lld ms", name,
	   (long long)dt);
	char sent[512];
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	ssize_t n = read(sv[1], sent, sizeof(sent) - 1);
	sent[n > 0 ? n : 0] = '\0';
	like(sent, "A4 IDLE\r\nDONE\r\n", "%s: DONE was sent", name);
	ok(s.state == IMAP_SS_SELECTED, "%s: the session is still usable",
	   name);
	imap_session_close(&s);
	close(sv[1]);
}

static void
check_idle(void)
{
	for (size_t chunk = 0; chunk < 2; chunk++) {
		idle_script("+ idling\r\n* 3 EXISTS\r\nA4 OK done\r\n", chunk,
			    1, "IDLE ends on new mail", NULL);
		idle_script("+ idling\r\ngarbage\r\n", chunk, -1,
			    "hostile-17: garbage during IDLE", "bad IMAP");
		idle_script("+ idling\r\n* BYE shutting down\r\n", chunk, -1,
			    "hostile-17: BYE during IDLE", "shutting down");
		idle_script("A4 NO not now\r\n", chunk, -1,
			    "IDLE refused", "not now");
	}

	quiet_idle(5000, 200, "io timeout longer");
	quiet_idle(100, 500, "io timeout shorter than the wait");
}

/* RFC 3501 7.1: every [ALERT] reaches the caller, wherever it comes: in
 * the greeting, untagged or tagged at login, in SELECT's answer, during
 * IDLE and in IDLE's tagged end; and nothing else does. */
static void
alert_note(void *arg, const char *text)
{
	struct buf *b = arg;
	buf_addstr(b, text);
	buf_addch(b, '|');
}

static void
check_alerts(void)
{
	static const char server[] =
		"* OK [ALERT] greeting alert\r\n"
		"* OK [ALERT] untagged at login\r\n"
		"A1 OK [ALERT] tagged login\r\n"
		"* CAPABILITY IMAP4rev1 IDLE\r\nA2 OK x\r\n"
		"* NO [ALERT] quota \x1b[21t warning\r\n"
		"* OK [UIDVALIDITY 3] not an alert\r\n"
		"A3 OK [READ-WRITE] sel\r\n"
		"+ idling\r\n* OK [ALERT] in idle\r\n* 3 EXISTS\r\n"
		"A4 OK [ALERT] idle done\r\n";

	for (size_t chunk = 0; chunk < 2; chunk++) {
		struct buf got = BUF_INIT;
		struct imap_session s;
		struct perr e = PERR_INIT;
		struct imap_session_params p = {
			.host = "h", .tls = IMAP_TLS_IMPLICIT, .user = "u",
			.password = "p", .cancel_fd = -1,
			.alert = alert_note, .alert_arg = &got,
		};
		struct net_conn *c =
			net_conn_fake(server, strlen(server), chunk, 0);
		int rc = imap_session_open_conn(&s, c, &p, &e);
		if (rc == 0)
			rc = imap_session_select(&s, "INBOX", false, false,
						 &e);
		if (rc == 0)
			rc = imap_session_idle(&s, 5000, NULL, NULL, &e);
		is_int(rc, 1, "rfc3501-alert: session (chunk %zu): %s", chunk,
		       e.msg);
		is_str(got.data,
		       "greeting alert|untagged at login|tagged login|"
		       "quota \x1b[21t warning|in idle|idle done|",
		       "rfc3501-alert: every alert, in order, raw (chunk %zu)",
		       chunk);
		imap_session_close(&s);
		buf_release(&got);
	}

	/* hostile-14: in STARTTLS mode the clear-text part is anyone's;
	 * the fake has no TLS, so the session stops at the handshake, and
	 * no alert may have been passed on by then */
	static const char pre[] =
		"* OK [CAPABILITY IMAP4rev1 STARTTLS] [ALERT] x\r\n"
		"* OK [ALERT] injected before TLS\r\n"
		"A1 OK [ALERT] go ahead\r\n";
	struct buf got = BUF_INIT;
	struct imap_session s;
	struct perr e = PERR_INIT;
	struct imap_session_params p = {
		.host = "h", .tls = IMAP_TLS_STARTTLS, .user = "u",
		.password = "p", .cancel_fd = -1,
		.alert = alert_note, .alert_arg = &got,
	};
	int rc = imap_session_open_conn(
		&s, net_conn_fake(pre, strlen(pre), 0, 0), &p, &e);
	ok(rc < 0, "hostile-14: the fake cannot do TLS: %s", e.msg);
	is_str(got.data, "", "hostile-14: no alert from before STARTTLS");
	imap_session_close(&s);
	buf_release(&got);
}

static const char good_server[] =
	"* OK [CAPABILITY IMAP4rev1 ID AUTH=PLAIN] ready\r\n"
	"A1 OK [CAPABILITY IMAP4rev1 ID IDLE MOVE UIDPLUS] Logged in\r\n"
	"* ID (\"name\" \"Dovecot\")\r\nA2 OK ID completed\r\n"
	"* FLAGS (\\Seen)\r\n* 2 EXISTS\r\n* 0 RECENT\r\n"
	"* OK [UIDVALIDITY 42] x\r\n* OK [UIDNEXT 10] x\r\n"
	"A3 OK [READ-WRITE] SELECT done\r\n"
	"* 1 FETCH (UID 5 RFC822.SIZE 3 BODY[] {3}\r\nabc)\r\n"
	"* 3 EXPUNGE\r\n"
	"* 2 FETCH (UID 7 RFC822.SIZE 2 BODY[] {2}\r\n\r\n)\r\n"
	"A4 OK Fetch completed\r\n"
	"* BYE Logging out\r\nA5 OK Logout completed\r\n";

int
main(void)
{
	static const size_t chunks[] = { 0, 1, 7 };

	for (size_t i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct got g = { 0, BUF_INIT };
		struct buf sent = BUF_INIT;
		struct perr e = PERR_INIT;
		int rc = session(good_server, chunks[i], IMAP_TLS_IMPLICIT,
				 "car ol\"\\pw", true, &g, &sent, &e);
		ok(rc == 0, "session with chunk %zu: %s", chunks[i], e.msg);
		is_str(sent.data,
		       "A1 LOGIN alice \"car ol\\\"\\\\pw\"\r\n"
		       "A2 ID (\"name\" \"postie\" \"version\" \""
		       POSTIE_VERSION "\")\r\n"
		       "A3 SELECT &XfJT0ZAB-\r\n"
		       "A4 UID FETCH 1:* (UID RFC822.SIZE BODY.PEEK[])\r\n",
		       "commands sent (chunk %zu)", chunks[i]);
		is_int(g.n, 2, "two FETCH responses (chunk %zu)", chunks[i]);
		is_str(g.dump.data,
		       "FETCH seq=1 uid=5 size=3 BODY[]=\"abc\"\n"
		       "FETCH seq=2 uid=7 size=2 BODY[]=\"\\x0d\\x0a\"\n",
		       "FETCH data (chunk %zu)", chunks[i]);
		buf_release(&g.dump);
		buf_release(&sent);
	}

	struct got g = { 0, BUF_INIT };
	struct buf sent = BUF_INIT;
	struct perr e = PERR_INIT;

	/* hostile-18: STARTTLS required but not offered */
	int rc = session("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n", 0,
			 IMAP_TLS_STARTTLS, "pw", false, &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_CONN,
	   "hostile-18: no STARTTLS capability aborts");
	like(e.msg, "does not offer STARTTLS", "hostile-18: says why");
	ok(sent.len == 0, "hostile-18: nothing sent in the clear");
	buf_reset(&sent);

	rc = session("* OK hi\r\n* CAPABILITY IMAP4rev1\r\nA1 OK done\r\n", 0,
		     IMAP_TLS_STARTTLS, "pw", false, &g, &sent, &e);
	ok(rc == -1 && strstr(e.msg, "does not offer STARTTLS"),
	   "hostile-18: asked with CAPABILITY, still not offered");
	is_str(sent.data, "A1 CAPABILITY\r\n",
	       "hostile-18: only CAPABILITY was sent");
	buf_reset(&sent);

	rc = session("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n"
		     "A1 NO not now\r\n", 0, IMAP_TLS_STARTTLS, "pw", false,
		     &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_CONN && strstr(e.msg, "not now"),
	   "hostile-18: STARTTLS answered NO aborts");
	is_str(sent.data, "A1 STARTTLS\r\n", "hostile-18: no LOGIN after NO");
	buf_reset(&sent);

	/* hostile-19 */
	rc = session("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", 0,
		     IMAP_TLS_STARTTLS, "pw", false, &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_PROTO && strstr(e.msg, "PREAUTH"),
	   "hostile-19: PREAUTH where TLS is required aborts");
	ok(sent.len == 0, "hostile-19: nothing sent");
	buf_reset(&sent);
	rc = session("garbage\r\n", 0, IMAP_TLS_IMPLICIT, "pw", false, &g,
		     &sent, &e);
	ok(rc == -1 && sent.len == 0,
	   "hostile-19: a garbage greeting aborts before any login");
	buf_reset(&sent);

	/* hostile-20 */
	for (size_t i = 0; i < 2; i++) {
		rc = session("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n"
			     "A1 OK Begin TLS\r\n* 1 EXISTS\r\nA2 OK x\r\n",
			     i ? 1 : 0, IMAP_TLS_STARTTLS, "pw", false, &g,
			     &sent, &e);
		ok(rc == -1, "hostile-20: injected data after the go-ahead "
		   "(chunk %zu): %s", i, e.msg);
		is_str(sent.data, "A1 STARTTLS\r\n",
		       "hostile-20: no LOGIN (chunk %zu)", i);
		buf_reset(&sent);
	}

	/* hostile-8 */
	rc = session("* OK [CAPABILITY IMAP4rev1] hi\r\nA7 OK Logged in\r\n",
		     0, IMAP_TLS_IMPLICIT, "pw", false, &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_PROTO && strstr(e.msg, "'A7'"),
	   "hostile-8: a reply to a command never sent is an error");
	buf_reset(&sent);

	rc = session("* OK [CAPABILITY IMAP4rev1] hi\r\n"
		     "A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
		     0, IMAP_TLS_IMPLICIT, "pw", false, &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_AUTH &&
		   strstr(e.msg, "Authentication failed."),
	   "a refused login is PERR_AUTH with the server's text");
	buf_reset(&sent);

	rc = session("* BYE too many connections\r\n", 0, IMAP_TLS_IMPLICIT,
		     "pw", false, &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_REJECTED &&
		   strstr(e.msg, "too many connections"),
	   "a BYE greeting is a refusal");
	buf_reset(&sent);

	rc = session("* OK [CAPABILITY IMAP4rev1] hi\r\nA1 OK in\r\n"
		     "* CAPABILITY IMAP4rev1\r\nA2 OK x\r\n"
		     "A3 NO [NONEXISTENT] Mailbox doesn't exist\r\n",
		     0, IMAP_TLS_IMPLICIT, "pw", true, &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_FOLDER &&
		   strstr(e.msg, "Mailbox doesn't exist"),
	   "SELECT refused is PERR_FOLDER");
	buf_reset(&sent);

	/* LOGINDISABLED: AUTHENTICATE PLAIN, response after "+" */
	rc = session("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN] "
		     "hi\r\n+ \r\nA1 OK [CAPABILITY IMAP4rev1] in\r\n", 1,
		     IMAP_TLS_IMPLICIT, "pw", false, &g, &sent, &e);
	ok(rc == 0, "AUTHENTICATE PLAIN: %s", e.msg);
	is_str(sent.data, "A1 AUTHENTICATE PLAIN\r\nAGFsaWNlAHB3\r\n",
	       "AUTHENTICATE PLAIN waits for the continuation");
	buf_reset(&sent);

	/* the connection drops mid-literal (hostile-2) */
	rc = session("* OK [CAPABILITY IMAP4rev1] hi\r\nA1 OK in\r\n"
		     "A2 OK x\r\n* 2 EXISTS\r\n* OK [UIDVALIDITY 42] x\r\n"
		     "* OK [UIDNEXT 10] x\r\nA3 OK sel\r\n"
		     "* 1 FETCH (UID 5 BODY[] {1000}\r\n0123456789", 0,
		     IMAP_TLS_IMPLICIT, "pw", true, &g, &sent, &e);
	ok(rc == -1 && e.kind == PERR_CONN,
	   "hostile-2: connection lost during a literal: %s", e.msg);
	buf_release(&sent);
	buf_release(&g.dump);

	/* APPEND with a synchronising literal through imap_session_run */
	static const char srv[] =
		"* OK [CAPABILITY IMAP4rev1 UIDPLUS] hi\r\nA1 OK in\r\n"
		"* CAPABILITY IMAP4rev1 UIDPLUS\r\nA2 OK x\r\n"
		"+ Ready for literal data\r\n"
		"A3 OK [APPENDUID 38505 3955] APPEND completed\r\n"
		"A4 NO [TRYCREATE] no such mailbox\r\n";
	for (size_t chunk = 0; chunk < 2; chunk++) {
		struct imap_session s;
		struct imap_session_params p = {
			.host = "h", .tls = IMAP_TLS_IMPLICIT, .user = "u",
			.password = "p", .cancel_fd = -1,
		};
		struct imap_cmd c;
		struct imap_resp fin;
		char tag[IMAP_TAG_SIZE];
		e = (struct perr)PERR_INIT;
		rc = imap_session_open_conn(
			&s, net_conn_fake(srv, strlen(srv), chunk, 0), &p, &e);
		ok(rc == 0, "open for APPEND (chunk %zu): %s", chunk, e.msg);
		imap_session_tag(&s, tag);
		imap_cmd_init(&c, tag, "APPEND", 0);
		imap_cmd_mailbox(&c, "草稿箱", strlen("草稿箱"), false, &e);
		imap_cmd_raw(&c, "(\\Draft)");
		imap_cmd_astring(&c, "Subject: x\r\n\r\nhi\r\n", 18, &e);
		imap_cmd_finish(&c);
		imap_resp_init(&fin);
		rc = imap_session_run(&s, &c, tag, NULL, NULL, &fin, &e);
		ok(rc == 0 && fin.code.kind == IMAP_CODE_APPENDUID &&
			   fin.code.num == 38505 && fin.code.set.n == 1 &&
			   fin.code.set.r[0].lo == 3955,
		   "APPEND gives APPENDUID 38505 3955 (chunk %zu)", chunk);
		imap_cmd_release(&c);
		is_str(net_fake_output(s.conn)->data,
		       "A1 LOGIN u p\r\nA2 CAPABILITY\r\n"
		       "A3 APPEND &g0l6P3ux- (\\Draft) {18}\r\n"
		       "Subject: x\r\n\r\nhi\r\n\r\n",
		       "the literal followed the continuation (chunk %zu)",
		       chunk);
		imap_session_tag(&s, tag);
		imap_cmd_init(&c, tag, "COPY 1", 0);
		imap_cmd_mailbox(&c, "x", 1, false, &e);
		imap_cmd_finish(&c);
		rc = imap_session_run(&s, &c, tag, NULL, NULL, &fin, &e);
		ok(rc == -1 && e.kind == PERR_REJECTED &&
			   fin.code.kind == IMAP_CODE_TRYCREATE,
		   "hostile-16: COPY refused with TRYCREATE is seen as such");
		imap_cmd_release(&c);
		imap_resp_release(&fin);
		imap_session_close(&s);
	}
	check_idle();
	check_alerts();
	select_failure("A3 NO no such folder\r\n", IMAP_SS_AUTH,
		       "SELECT refused with NO");
	select_failure("* 2 EXISTS\r\n", IMAP_SS_DISCONNECTED,
		       "connection lost during SELECT");
	select_failure("A3 WHAT\r\n", IMAP_SS_DISCONNECTED,
		       "nonsense answer to SELECT");
	return done_testing();
}
