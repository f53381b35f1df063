/* SPDX-License-Identifier: ISC */
/*
 * Inside net/: the connection structure that the transports share. Nothing
 * outside src/net/ may include this file.
 */
#ifndef POSTIE_NET_PRIVATE_H
#define POSTIE_NET_PRIVATE_H

#include "postie/net.h"

/* Sending queue size at which net_write sends without waiting for a
 * flush. */
#define NET_WQUEUE_MAX (64 * 1024)

struct net_conn {
	const struct net_ops *ops;
	void *state;      /* the transport's own */
	int fd;           /* the socket, or -1 */

	/* Reader: bytes [rpos, rend) of rbuf are received and unread. rbuf
	 * holds max_line + 2 bytes, so that a whole line of the maximum
	 * length and its CR LF fit; it never grows. */
	char *rbuf;
	size_t rcap, rpos, rend;
	size_t max_line;
	bool nul_ok;
	bool eof;

	struct buf wbuf;

	int io_timeout_ms;
	int64_t deadline; /* time_mono_ms value, or 0 for none */
	int cancel_fd;

	char tls_info[128];
};

/* Set up the common fields; the caller sets ops, state and fd. */
struct net_conn *net_conn_alloc(size_t max_line);

/* The plain TCP transport over c->fd (which must be non-blocking). */
extern const struct net_ops net_tcp_ops;

/* Make the TLS handshake over c's socket and switch c to the TLS
 * transport. */
int net_tls_handshake(struct net_conn *c, const char *host,
		      const struct net_tls_opts *o, struct perr *e);

#endif
