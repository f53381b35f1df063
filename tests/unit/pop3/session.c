/* SPDX-License-Identifier: ISC */
/*
 * The POP3 session against scripted servers (net/'s in-memory fake),
 * whole and one byte per read: login, STAT, UIDL, RETR with dot-stuffing,
 * DELE and QUIT; a -ERR greeting (hostile-23), STLS missing or refused
 * (hostile-18), a wrong password, and a RETR cut short (hostile-25).
 */
#include <string.h>

#include "harness.h"
#include "postie/net.h"
#include "postie/pop3.h"

struct result {
	int rc;
	struct buf sent;
	struct buf msg;
	struct perr e;
	uint32_t count;
	uint64_t size;
	size_t nuidl;
	enum pop3_ss state; /* before close: TRANSACTION means QUIT follows */
};

/* Open against server; with full, run STAT, UIDL, RETR 1 and DELE 1. */
static void
run(const char *server, size_t chunk, enum pop3_tls_mode tls, bool full,
    struct result *res)
{
	struct pop3_session s;
	struct pop3_session_params p = {
		.host = "pop.example.com", .tls = tls, .user = "alice",
		.password = "s3cret", .cancel_fd = -1,
	};
	struct net_conn *c = net_conn_fake(server, strlen(server), chunk, 0);

	buf_init(&res->sent);
	buf_init(&res->msg);
	perr_clear(&res->e);
	res->rc = pop3_session_open_conn(&s, c, &p, &res->e);
	if (res->rc == 0 && full) {
		struct pop3_uidl_list l;
		pop3_uidl_init(&l, 0);
		res->rc = pop3_session_stat(&s, &res->count, &res->size,
					    &res->e);
		if (res->rc == 0)
			res->rc = pop3_session_uidl(&s, &l, &res->e);
		res->nuidl = l.n;
		pop3_uidl_release(&l);
		if (res->rc == 0)
			res->rc = pop3_session_retr(&s, 1, &res->msg, 0,
						    &res->e);
		if (res->rc == 0)
			res->rc = pop3_session_dele(&s, 1, &res->e);
	}
	if (s.conn)
		buf_add(&res->sent, net_fake_output(s.conn)->data,
			net_fake_output(s.conn)->len);
	res->state = s.state;
	pop3_session_close(&s);
}

static const char good[] =
	"+OK Dovecot ready. <1.2@pop.example.com>\r\n"
	"+OK\r\nTOP\r\nUSER\r\nUIDL\r\nSASL PLAIN\r\n.\r\n"
	"+OK Logged in.\r\n"
	"+OK 2 58\r\n"
	"+OK\r\n1 UID-one\r\n2 UID-two\r\n.\r\n"
	"+OK 30 octets\r\nSubject: x\r\n\r\n..dot\r\n..\r\n.\r\n"
	"+OK Marked to be deleted.\r\n"
	"+OK Logging out.\r\n";

int
main(void)
{
	static const size_t chunks[] = { 0, 1, 5 };
	struct result r;

	for (size_t i = 0; i < ARRAY_SIZE(chunks); i++) {
		run(good, chunks[i], POP3_TLS_IMPLICIT, true, &r);
		ok(r.rc == 0, "session (chunk %zu): %s", chunks[i], r.e.msg);
		is_str(r.sent.data,
		       "CAPA\r\nAUTH PLAIN AGFsaWNlAHMzY3JldA==\r\nSTAT\r\n"
		       "UIDL\r\nRETR 1\r\nDELE 1\r\n",
		       "commands (chunk %zu)", chunks[i]);
		ok(r.count == 2 && r.size == 58 && r.nuidl == 2,
		   "STAT and UIDL (chunk %zu)", chunks[i]);
		is_str(r.msg.data, "Subject: x\r\n\r\n.dot\r\n.\r\n",
		       "RETR un-stuffed (chunk %zu)", chunks[i]);
		buf_release(&r.sent);
		buf_release(&r.msg);
	}

	/* USER/PASS when SASL PLAIN is not offered; CAPA refused */
	run("+OK hi\r\n-ERR no CAPA\r\n+OK user\r\n+OK pass\r\n+OK bye\r\n",
	    0, POP3_TLS_IMPLICIT, false, &r);
	ok(r.rc == 0, "USER and PASS without CAPA: %s", r.e.msg);
	is_str(r.sent.data, "CAPA\r\nUSER alice\r\nPASS s3cret\r\n",
	       "USER and PASS sent");
	buf_release(&r.sent);
	buf_release(&r.msg);

	run("-ERR [SYS/TEMP] too many connections\r\n", 0, POP3_TLS_IMPLICIT,
	    false, &r);
	ok(r.rc == -1 && r.e.kind == PERR_REJECTED &&
		   strstr(r.e.msg, "too many connections"),
	   "hostile-23: -ERR greeting is a refusal");
	ok(r.sent.len == 0, "hostile-23: nothing sent after a -ERR greeting");
	buf_release(&r.sent);
	buf_release(&r.msg);

	run("+OK hi\r\n+OK\r\nUSER\r\n.\r\n", 0, POP3_TLS_STLS, false, &r);
	ok(r.rc == -1 && r.e.kind == PERR_CONN &&
		   strstr(r.e.msg, "does not offer STLS"),
	   "hostile-18: STLS not offered aborts");
	is_str(r.sent.data, "CAPA\r\n", "hostile-18: no USER in the clear");
	buf_release(&r.sent);
	buf_release(&r.msg);

	run("+OK hi\r\n+OK\r\nSTLS\r\n.\r\n-ERR not now\r\n", 1,
	    POP3_TLS_STLS, false, &r);
	ok(r.rc == -1 && r.e.kind == PERR_CONN,
	   "hostile-18: STLS refused aborts");
	is_str(r.sent.data, "CAPA\r\nSTLS\r\n",
	       "hostile-18: nothing after the refusal");
	buf_release(&r.sent);
	buf_release(&r.msg);

	run("+OK hi\r\n+OK\r\nSTLS\r\n.\r\n+OK Begin TLS\r\n+OK injected\r\n",
	    0, POP3_TLS_STLS, false, &r);
	ok(r.rc == -1, "hostile-20: data after the STLS go-ahead: %s",
	   r.e.msg);
	is_str(r.sent.data, "CAPA\r\nSTLS\r\n", "hostile-20: no login");
	buf_release(&r.sent);
	buf_release(&r.msg);

	run("+OK hi\r\n-ERR\r\n+OK\r\n-ERR [AUTH] Authentication failed.\r\n",
	    0, POP3_TLS_IMPLICIT, false, &r);
	ok(r.rc == -1 && r.e.kind == PERR_AUTH &&
		   strstr(r.e.msg, "Authentication failed."),
	   "a wrong password is PERR_AUTH with the server's text");
	buf_release(&r.sent);
	buf_release(&r.msg);

	run("+OK hi\r\n-ERR\r\n+OK\r\n+OK\r\n+OK 1 9\r\n+OK\r\n1 a\r\n.\r\n"
	    "+OK\r\nSubject: cut\r\nbody line", 0, POP3_TLS_IMPLICIT, true,
	    &r);
	ok(r.rc == -1 && r.e.kind == PERR_CONN,
	   "hostile-25: RETR cut short fails: %s", r.e.msg);
	ok(r.msg.len == 0, "hostile-25: nothing of the message is kept");
	ok(!strstr(r.sent.data, "DELE") && r.state == POP3_SS_DISCONNECTED,
	   "hostile-25/27: no DELE and no QUIT after a lost message");
	buf_release(&r.sent);
	buf_release(&r.msg);

	run("+OK hi\r\n-ERR\r\n+OK\r\n+OK\r\n* OK IMAP here\r\n", 0,
	    POP3_TLS_IMPLICIT, true, &r);
	ok(r.rc == -1 && r.e.kind == PERR_PROTO,
	   "a STAT reply that is not POP3 is a protocol error");
	ok(r.state == POP3_SS_DISCONNECTED,
	   "hostile-27: after a protocol error no QUIT commits deletions");
	buf_release(&r.sent);
	buf_release(&r.msg);
	return done_testing();
}
