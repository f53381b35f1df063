/* SPDX-License-Identifier: ISC */
/*
 * Connecting: name resolution, one non-blocking connect per address with
 * its own timeout (so a dead IPv6 route costs one timeout, then IPv4 is
 * tried), TCP_NODELAY (commands are small and each waits for its reply),
 * then implicit TLS when asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "private.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
init_once_fn(void)
{
	/* A write to a socket the server closed must be an error, not a
	 * signal that kills the program. */
	signal(SIGPIPE, SIG_IGN);
	OPENSSL_init_ssl(0, NULL);
}

void
net_init(void)
{
	pthread_once(&init_once, init_once_fn);
}

struct net_conn *
net_conn_from_fd_take(int fd, const struct net_params *p)
{
	struct net_conn *c = net_conn_alloc(p ? p->max_line : 0);
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	c->fd = fd;
	c->ops = &net_tcp_ops;
	if (p) {
		net_set_io_timeout(c, p->io_timeout_ms);
		c->cancel_fd = p->cancel_fd;
	}
	return c;
}

/* Connect one socket to one address within timeout_ms. Returns the fd or
 * -1 with *e set. */
static int
connect_one(const struct addrinfo *ai, int timeout_ms, int cancel_fd,
	    struct perr *e)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
					       SOCK_NONBLOCK,
			ai->ai_protocol);
	if (fd < 0)
		return perr_set(e, PERR_CONN, "socket: %s", strerror(errno));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		perr_set(e, PERR_CONN, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	int64_t end = time_mono_ms() + timeout_ms;
	for (;;) {
		int64_t left = end - time_mono_ms();
		if (left <= 0) {
			perr_set(e, PERR_CONN, "timed out after %d ms",
				 timeout_ms);
			close(fd);
			return -1;
		}
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = POLLOUT },
			{ .fd = cancel_fd, .events = POLLIN },
		};
		int n = poll(pfd, cancel_fd >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perr_set(e, PERR_CONN, "poll: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (cancel_fd >= 0 && pfd[1].revents) {
			perr_set(e, PERR_CANCELLED, "cancelled");
			close(fd);
			return -1;
		}
		if (n > 0 && pfd[0].revents)
			break;
	}
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		perr_set(e, PERR_CONN, "%s", strerror(err));
		close(fd);
		return -1;
	}
	return fd;
}

struct net_conn *
net_connect(const struct net_params *p, struct perr *e)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	int timeout = p->connect_timeout_ms > 0 ? p->connect_timeout_ms
						: 30000;

	net_init();
	if (!p->host || !*p->host || !p->port || !*p->port) {
		perr_set(e, PERR_CONFIG, "no server host or port given");
		return NULL;
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	int rc = getaddrinfo(p->host, p->port, &hints, &res);
	if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
		/* AI_ADDRCONFIG hides loopback-only hosts on a machine
		 * without a configured address; ask again without it. */
		hints.ai_flags = 0;
		rc = getaddrinfo(p->host, p->port, &hints, &res);
	}
	if (rc != 0) {
		perr_set(e, PERR_CONN, "cannot resolve '%s': %s", p->host,
			 rc == EAI_SYSTEM ? strerror(errno)
					  : gai_strerror(rc));
		return NULL;
	}
	int fd = -1;
	struct perr last = PERR_INIT;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = connect_one(ai, timeout, p->cancel_fd, &last);
		if (fd >= 0 || last.kind == PERR_CANCELLED)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (last.kind == PERR_CANCELLED)
			perr_set(e, PERR_CANCELLED, "cancelled");
		else
			perr_set(e, PERR_CONN, "cannot connect to '%s' port "
				 "%s: %s", p->host, p->port, last.msg);
		return NULL;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	struct net_conn *c = net_conn_from_fd_take(fd, p);
	if (p->tls && net_tls_handshake(c, p->host, &p->tls_opts, e) < 0) {
		net_close(c);
		return NULL;
	}
	return c;
}
