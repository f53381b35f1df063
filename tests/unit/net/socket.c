/* SPDX-License-Identifier: ISC */
/*
 * The TCP transport over real sockets: the idle timeout, the phase
 * deadline and the cancel fd bound every wait (hostile-6); a peer that
 * closes or resets is reported (hostile-7); connecting to a closed port
 * fails with the reason; and a loopback connect works end to end.
 */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "postie/net.h"

static struct net_conn *
pair(int *peer, int timeout_ms)
{
	int sv[2];
	struct net_params p = { .io_timeout_ms = timeout_ms, .cancel_fd = -1 };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return NULL;
	*peer = sv[1];
	return net_conn_from_fd_take(sv[0], &p);
}

static void
test_timeouts(void)
{
	int peer = -1;
	struct net_conn *c = pair(&peer, 150);

	if (!c) {
		ok(0, "socketpair");
		return;
	}
	struct perr e = PERR_INIT;
	struct slice l;

	int64_t t0 = time_mono_ms();
	ok(net_read_line(c, &l, &e) == -1 && e.kind == PERR_CONN,
	   "silent peer: read fails (hostile-6)");
	int64_t took = time_mono_ms() - t0;
	like(e.msg, "timed out", "says timed out: %s", e.msg);
	ok(took >= 140 && took < 2000, "after the idle timeout (%lld ms)",
	   (long long)took);

	/* A peer that trickles a byte now and then defeats an idle timeout
	 * but not the phase deadline. */
	net_set_io_timeout(c, 5000);
	net_set_deadline(c, 200);
	t0 = time_mono_ms();
	ok(net_read_line(c, &l, &e) == -1, "phase deadline fires");
	like(e.msg, "deadline", "says deadline: %s", e.msg);
	took = time_mono_ms() - t0;
	ok(took < 1500, "within the deadline (%lld ms)", (long long)took);
	net_set_deadline(c, 0);

	/* The cancel fd interrupts a wait at once. */
	int pfd[2];
	if (pipe(pfd) == 0) {
		net_set_cancel_fd(c, pfd[0]);
		if (write(pfd[1], "x", 1) != 1)
			diag("cannot write to the cancel pipe");
		t0 = time_mono_ms();
		ok(net_read_line(c, &l, &e) == -1 && e.kind == PERR_CANCELLED,
		   "cancel fd: PERR_CANCELLED");
		ok(time_mono_ms() - t0 < 1000, "at once");
		net_set_cancel_fd(c, -1);
		close(pfd[0]);
		close(pfd[1]);
	}

	/* Data, then the peer closes mid-line. */
	if (write(peer, "250 ok\r\n250 par", 15) != 15)
		diag("short write");
	close(peer);
	ok(net_read_line(c, &l, &e) == 0 && slice_eq(l, "250 ok"),
	   "line before the close");
	ok(net_read_line(c, &l, &e) == -1 && e.kind == PERR_CONN,
	   "close mid-line: error (hostile-7)");
	like(e.msg, "connection closed by server", "says so: %s", e.msg);
	ok(net_write(c, "QUIT\r\n", 6, &e) == 0, "queued write");
	ok(net_flush(c, &e) == -1 && e.kind == PERR_CONN,
	   "write to a closed peer fails, no SIGPIPE");
	net_close(c);
}

static void
test_connect(void)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct perr e = PERR_INIT;
	char port[16];

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &len) < 0) {
		ok(0, "cannot set up a listening socket");
		return;
	}
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	struct net_params p = {
		.host = "127.0.0.1", .port = port, .connect_timeout_ms = 2000,
		.io_timeout_ms = 2000, .cancel_fd = -1,
	};
	struct net_conn *c = net_connect(&p, &e);
	ok(c != NULL, "connect to a listening loopback port");
	int peer = accept(ls, NULL, NULL);
	if (c && peer >= 0) {
		struct slice l;
		if (write(peer, "220 hi\r\n", 8) != 8)
			diag("short write");
		ok(net_read_line(c, &l, &e) == 0 && slice_eq(l, "220 hi"),
		   "read the greeting");
		net_puts(c, "EHLO x\r\n", &e);
		ok(net_flush(c, &e) == 0, "send a line");
		char got[16] = "";
		ok(read(peer, got, 8) == 8 && memcmp(got, "EHLO x\r\n", 8) == 0,
		   "peer got it");
		is_str(net_transport(c), "tcp", "plain transport");
		is_str(net_tls_info(c), "", "no TLS info");
	}
	if (peer >= 0)
		close(peer);
	net_close(c);
	close(ls);

	/* The port is closed now: refused, with the reason. */
	c = net_connect(&p, &e);
	ok(c == NULL && e.kind == PERR_CONN, "closed port: connect fails");
	like(e.msg, "cannot connect to '127.0.0.1' port", "says where: %s",
	     e.msg);
	p.host = "";
	ok(net_connect(&p, &e) == NULL && e.kind == PERR_CONFIG,
	   "no host: configuration error");
}

/* An IPv6 literal: getaddrinfo gives an AF_INET6 address and the
 * connect goes there. */
static void
test_ipv6(void)
{
	int ls = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	socklen_t len = sizeof(sa);
	struct perr e = PERR_INIT;
	char port[16];

	sa.sin6_addr = in6addr_loopback;
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &len) < 0) {
		ok(1, "# SKIP no IPv6 loopback here");
		if (ls >= 0)
			close(ls);
		return;
	}
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin6_port));
	struct net_params p = {
		.host = "::1", .port = port, .connect_timeout_ms = 2000,
		.io_timeout_ms = 2000, .cancel_fd = -1,
	};
	struct net_conn *c = net_connect(&p, &e);
	ok(c != NULL, "connect to an IPv6 literal: %s", c ? "ok" : e.msg);
	net_close(c);
	close(ls);
}

int
main(void)
{
	net_init();
	test_timeouts();
	test_connect();
	test_ipv6();
	return done_testing();
}
