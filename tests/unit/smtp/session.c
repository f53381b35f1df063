/* SPDX-License-Identifier: ISC */
/*
 * The SMTP session over the in-memory transport: the exact commands sent
 * for a given script of replies. The fake has no socket, so these run in
 * implicit-TLS mode; STARTTLS is covered by the protocol tests with a
 * real socket.
 */
#include <string.h>

#include "harness.h"
#include "postie/net.h"
#include "postie/smtp.h"

struct run {
	struct smtp_session *s;
	struct net_conn *c;
	struct perr e;
	int open_rc;
};

static void
start(struct run *r, const char *replies, const char *user,
      const char *password)
{
	struct smtp_params p = {
		.host = "mx.example", .tls = SMTP_TLS_IMPLICIT,
		.user = user, .password = password, .hello = "client.example",
		.cancel_fd = -1,
	};
	memset(r, 0, sizeof(*r));
	r->s = smtp_session_new(&p);
	r->c = net_conn_fake(replies, strlen(replies), 1, 0);
	r->open_rc = smtp_session_open_conn(r->s, r->c, &r->e);
}

static const char *
sent(struct run *r)
{
	return net_fake_output(r->c)->data;
}

static const char *const two[] = { "bob@example.org", "nobody@example.org" };

static void
test_pipelined(void)
{
	struct run r;
	struct smtp_result res;
	struct smtp_envelope env = { "alice@example.org", two, 2 };
	const char msg[] = "Subject: hi\n\n.leading dot\nend";

	start(&r, "220 mx ESMTP\r\n"
		  "250-mx\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
		  "250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n"
		  "235 2.7.0 ok\r\n"
		  "250 sender ok\r\n250 rcpt ok\r\n"
		  "550 5.1.1 no such user\r\n354 go\r\n"
		  "250 2.0.0 queued as X\r\n221 bye\r\n",
	      "alice", "pw");
	is_int(r.open_rc, 0, "pipelined: open");
	is_str(smtp_session_auth_mech(r.s), "PLAIN", "PLAIN chosen");
	smtp_result_init(&res);
	is_int(smtp_session_send(r.s, &env, msg, strlen(msg), &res, &r.e), 0,
	       "pipelined: sent");
	is_int((intmax_t)res.accepted, 1, "one recipient accepted");
	is_int(res.rcpt[1].code, 550, "the other refused with 550");
	is_str(res.rcpt[1].text, "5.1.1 no such user", "with its text");
	is_int(res.code, 250, "final reply 250");
	ok(!res.unknown, "delivery known");
	is_str(sent(&r),
	       "EHLO client.example\r\n"
	       "AUTH PLAIN AGFsaWNlAHB3\r\n"
	       "MAIL FROM:<alice@example.org> SIZE=29\r\n"
	       "RCPT TO:<bob@example.org>\r\n"
	       "RCPT TO:<nobody@example.org>\r\n"
	       "DATA\r\n"
	       "Subject: hi\r\n\r\n..leading dot\r\nend\r\n.\r\n",
	       "pipelined: transcript");
	smtp_result_release(&res);
	smtp_session_close(r.s);
}

static void
test_all_refused(void)
{
	struct run r;
	struct smtp_result res;
	struct smtp_envelope env = { "a@example.org", two, 2 };

	start(&r, "220 mx\r\n250 mx\r\n250 ok\r\n550 no\r\n"
		  "450 4.2.0 later\r\n250 reset\r\n250 ok\r\n250 ok\r\n"
		  "250 ok\r\n354 go\r\n250 done\r\n",
	      NULL, NULL);
	is_int(r.open_rc, 0, "no pipelining: open without AUTH");
	smtp_result_init(&res);
	is_int(smtp_session_send(r.s, &env, "x", 1, &res, &r.e), -1,
	       "every recipient refused: fails");
	is_int(r.e.kind, PERR_REJECTED, "as rejected");
	like(r.e.msg, "every recipient refused", "says so: %s", r.e.msg);
	is_int(smtp_session_last_code(r.s), 550, "last code");
	ok(strstr(sent(&r), "DATA") == NULL, "no DATA sent");
	is_int(smtp_session_state(r.s), SMTP_ST_READY, "session usable");

	/* The second message on the same session starts with RSET. */
	is_int(smtp_session_send(r.s, &env, "y\n", 2, &res, &r.e), 0,
	       "second message sent");
	like(sent(&r), "RCPT TO:<nobody@example.org>\r\nRSET\r\nMAIL FROM:",
	     "RSET between messages");
	like(sent(&r), "DATA\r\ny\r\n.\r\n", "second body");
	smtp_result_release(&res);
	smtp_session_close(r.s);
}

static void
test_unknown(void)
{
	struct run r;
	struct smtp_result res;
	struct smtp_envelope env = { "a@example.org", two, 1 };

	start(&r, "220 mx\r\n250-mx\r\n250 PIPELINING\r\n250 ok\r\n250 ok\r\n"
		  "354 go\r\n", NULL, NULL);
	smtp_result_init(&res);
	is_int(smtp_session_send(r.s, &env, "x\n", 2, &res, &r.e), -1,
	       "closed after the final dot: fails");
	ok(res.unknown, "delivery unknown (hostile-30)");
	like(r.e.msg, "delivery unknown", "says so: %s", r.e.msg);
	ok(smtp_session_temporary(r.s, &r.e), "counted as temporary");
	is_int(smtp_session_state(r.s), SMTP_ST_FAILED, "session failed");
	smtp_result_release(&res);
	smtp_session_close(r.s);

	/* A 421 in the middle: the server is leaving, session over. */
	start(&r, "220 mx\r\n250 mx\r\n250 ok\r\n421 4.3.2 shutting down\r\n",
	      NULL, NULL);
	smtp_result_init(&res);
	is_int(smtp_session_send(r.s, &env, "x\n", 2, &res, &r.e), -1,
	       "421 at RCPT (hostile-30)");
	is_int(r.e.kind, PERR_CONN, "connection-level error");
	like(r.e.msg, "421 4.3.2 shutting down", "server text kept");
	ok(!res.unknown, "not unknown: no data was sent");
	ok(smtp_session_temporary(r.s, &r.e), "temporary");
	smtp_result_release(&res);
	smtp_session_close(r.s);
}

static void
test_open_failures(void)
{
	struct run r;

	start(&r, "220 mx\r\n250 mx\r\n", "alice", "pw");
	is_int(r.open_rc, -1, "credentials but no AUTH offered");
	is_int(r.e.kind, PERR_AUTH, "auth error");
	smtp_session_close(r.s);

	start(&r, "220 mx\r\n250-mx\r\n250 AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\n"
		  "334 UGFzc3dvcmQ6\r\n535 5.7.8 bad credentials\r\n",
	      "alice", "wrong");
	is_int(r.open_rc, -1, "LOGIN refused");
	is_int(r.e.kind, PERR_AUTH, "as an auth error");
	like(r.e.msg, "535 5.7.8 bad credentials", "server text: %s",
	     r.e.msg);
	like(sent(&r), "AUTH LOGIN\r\nYWxpY2U=\r\nd3Jvbmc=\r\n",
	     "LOGIN exchange");
	ok(!smtp_session_temporary(r.s, &r.e), "535 is permanent");
	smtp_session_close(r.s);

	start(&r, "554 go away\r\n", NULL, NULL);
	is_int(r.e.kind, PERR_REJECTED, "554 greeting is a refusal");
	smtp_session_close(r.s);

	start(&r, "* OK IMAP4rev1 ready\r\n", NULL, NULL);
	is_int(r.e.kind, PERR_PROTO, "garbage greeting (hostile-19)");
	is_str(sent(&r), "", "nothing sent after a garbage greeting");
	smtp_session_close(r.s);

	start(&r, "220 mx\r\n250-mx\r\n250 X\r\n", NULL, NULL);
	is_int(r.open_rc, 0, "open without credentials");
	struct smtp_result res;
	smtp_result_init(&res);
	const char *bad[] = { "bob@example.org>\r\nRCPT TO:<evil@x" };
	struct smtp_envelope env = { "a@example.org", bad, 1 };
	is_int(smtp_session_send(r.s, &env, "x", 1, &res, &r.e), -1,
	       "CRLF in an address refused (hostile-32)");
	is_int(r.e.kind, PERR_MESSAGE, "as a message error");
	const char *utf[] = { "张三@example.cn" };
	struct smtp_envelope env2 = { "a@example.org", utf, 1 };
	is_int(smtp_session_send(r.s, &env2, "x", 1, &res, &r.e), -1,
	       "non-ASCII address without SMTPUTF8 refused");
	like(r.e.msg, "SMTPUTF8", "says why: %s", r.e.msg);
	struct smtp_envelope env3 = { "a@example.org", two, 1 };
	is_int(smtp_session_send(r.s, &env3, "a\0b", 3, &res, &r.e), -1,
	       "NUL in the message refused before MAIL");
	is_str(sent(&r), "EHLO client.example\r\n", "no command sent for them");
	smtp_result_release(&res);
	smtp_session_close(r.s);

	start(&r, "220 mx\r\n500 what\r\n250 mx\r\n", NULL, NULL);
	is_int(r.open_rc, 0, "HELO fallback on implicit TLS");
	like(sent(&r), "HELO client.example", "HELO sent");
	smtp_session_close(r.s);
}

int
main(void)
{
	test_pipelined();
	test_all_refused();
	test_unknown();
	test_open_failures();
	for (int i = 0; i < SMTP_ST_COUNT; i++)
		ok(strcmp(smtp_state_name((enum smtp_state)i), "?") != 0,
		   "state %d has a name (%s)", i,
		   smtp_state_name((enum smtp_state)i));
	return done_testing();
}
