/* SPDX-License-Identifier: ISC */
/*
 * TOP and the abort after a local failure, against scripted servers:
 * TOP's header block un-stuffed and whole, a TOP refused (the session
 * goes on), a TOP cut short (nothing kept, no QUIT), and an abort that
 * sends RSET and never QUIT, so that no DELE counts (hostile-26).
 */
#include <string.h>

#include "harness.h"
#include "postie/net.h"
#include "postie/pop3.h"

static const char opening[] =
	"+OK ready\r\n-ERR no CAPA\r\n+OK user\r\n+OK pass\r\n";

static int
open_script(struct pop3_session *s, const char *tail, size_t chunk)
{
	struct buf in = BUF_INIT;
	struct perr e = PERR_INIT;
	struct pop3_session_params p = {
		.host = "pop.example.com", .tls = POP3_TLS_IMPLICIT,
		.user = "u", .password = "p", .cancel_fd = -1,
	};

	buf_addstr(&in, opening);
	buf_addstr(&in, tail);
	struct net_conn *c = net_conn_fake(in.data, in.len, chunk, 0);
	buf_release(&in);
	int rc = pop3_session_open_conn(s, c, &p, &e);
	if (rc < 0)
		diag("open: %s", e.msg);
	return rc;
}

/* What was sent after PASS. */
static const char *
sent_after_login(const struct pop3_session *s)
{
	const char *o = net_fake_output(s->conn)->data;
	const char *p = o ? strstr(o, "PASS p\r\n") : NULL;
	return p ? p + 8 : "";
}

int
main(void)
{
	struct pop3_session s;
	struct perr e = PERR_INIT;
	struct buf h = BUF_INIT;

	for (size_t chunk = 0; chunk < 2; chunk++) {
		buf_reset(&h);
		open_script(&s, "+OK top follows\r\nSubject: a\r\n"
				"X-Dot: a\r\n..b\r\n\r\n.\r\n"
				"-ERR no TOP here\r\n+OK noop\r\n", chunk);
		is_int(pop3_session_top(&s, 3, 0, &h, 0, &e), 0,
		       "TOP (chunk %zu): %s", chunk, e.msg);
		is_str(h.data, "Subject: a\r\nX-Dot: a\r\n.b\r\n\r\n",
		       "TOP: header block un-stuffed (chunk %zu)", chunk);
		buf_reset(&h);
		is_int(pop3_session_top(&s, 4, 0, &h, 0, &e), -1,
		       "TOP refused");
		ok(e.kind == PERR_REJECTED && strstr(e.msg, "no TOP here"),
		   "TOP refused: the server's text: %s", e.msg);
		is_int(s.state, POP3_SS_TRANSACTION,
		       "TOP refused: the session goes on");
		is_str(sent_after_login(&s), "TOP 3 0\r\nTOP 4 0\r\n",
		       "TOP commands sent");
		pop3_session_close(&s);
	}

	/* cut short: nothing kept, no QUIT afterwards */
	buf_reset(&h);
	buf_addstr(&h, "kept");
	open_script(&s, "+OK top follows\r\nSubject: a\r\n", 0);
	is_int(pop3_session_top(&s, 1, 0, &h, 0, &e), -1, "TOP cut short");
	is_str(h.data, "kept", "TOP cut short: out as it was");
	is_int(s.state, POP3_SS_DISCONNECTED, "TOP cut short: disconnected");
	pop3_session_close(&s);

	/* over its cap */
	struct buf big = BUF_INIT;
	buf_addstr(&big, "+OK top follows\r\n");
	for (int i = 0; i < 100; i++)
		buf_addstr(&big, "X-Long: 0123456789012345678901234567890\r\n");
	buf_addstr(&big, ".\r\n");
	buf_reset(&h);
	open_script(&s, big.data, 0);
	is_int(pop3_session_top(&s, 1, 0, &h, 1000, &e), -1,
	       "TOP over max_bytes refused");
	ok(h.len == 0, "TOP over max_bytes: nothing kept");
	pop3_session_close(&s);
	buf_release(&big);

	/* hostile-26: a DELE, then a local failure: RSET, never QUIT */
	open_script(&s, "+OK deleted\r\n+OK reset\r\n+OK bye\r\n", 0);
	is_int(pop3_session_dele(&s, 1, &e), 0, "DELE: %s", e.msg);
	pop3_session_abort(&s);
	is_int(s.state, POP3_SS_DISCONNECTED, "abort: state disconnected");
	pop3_session_abort(&s);
	pop3_session_close(&s);
	/* the fake's output is gone with the connection: check before */
	open_script(&s, "+OK deleted\r\n+OK reset\r\n+OK bye\r\n", 0);
	pop3_session_dele(&s, 1, &e);
	pop3_session_abort(&s);
	is_str(sent_after_login(&s), "DELE 1\r\nRSET\r\n",
	       "hostile-26: abort sends RSET and no QUIT");
	pop3_session_close(&s);
	buf_release(&h);
	done_testing();
}
