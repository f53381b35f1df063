/* SPDX-License-Identifier: ISC */
/*
 * net: one connection to one server. A connection is a transport (plain
 * TCP, TLS over TCP, or an in-memory fake for tests) behind a table of
 * read/write/close functions, with a buffered line reader and a buffered
 * writer on top. Every wait is bounded: a connect timeout, an idle timeout
 * for each read or write, an optional deadline for a whole phase, and an
 * optional cancel fd polled beside the socket.
 *
 * TLS is OpenSSL 3: TLS 1.2 at least, SNI, the chain verified against the
 * system store or a CA file, the host name checked against the
 * certificate's subjectAltName only, and a SHA-256 fingerprint pin as the
 * one way to trust a self-signed or unknown-CA certificate. A failed check
 * says why and stops; there is no "accept anyway".
 *
 * SASL client encodings for PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER live
 * here too, because IMAP, POP3 and SMTP share them.
 *
 * Threads: a connection belongs to the thread that uses it; none of these
 * functions may be called on the same connection from two threads at once.
 * Different connections are independent. net_init must have run once
 * (it is idempotent and thread-safe).
 */
#ifndef POSTIE_NET_H
#define POSTIE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "postie/base.h"

#define NET_MAX_LINE_DEFAULT (64 * 1024)

struct net_conn;

/* A transport. read returns the number of bytes read (> 0), 0 at the end
 * of the stream, or -1 with *e set; it may wait, bounded by the
 * connection's timeouts (see net_wait). write returns the number of bytes
 * written (> 0) or -1 with *e set. close releases what the transport holds
 * (and its state pointer). */
struct net_ops {
	const char *name;
	ssize_t (*read)(struct net_conn *c, void *p, size_t n, struct perr *e);
	ssize_t (*write)(struct net_conn *c, const void *p, size_t n,
			 struct perr *e);
	void (*close)(struct net_conn *c);
};

/* What a TLS handshake must check. All strings are borrowed for the call. */
struct net_tls_opts {
	const char *ca_file;     /* PEM bundle; NULL: the system store */
	const char *fingerprint; /* SHA-256 of the certificate, 64 hex digits
				    with or without ':' separators and an
				    optional "sha256:" prefix; NULL: none */
};

/* How to connect. Strings are borrowed for the call. */
struct net_params {
	const char *host;
	const char *port;  /* a number or a service name */
	bool tls;          /* implicit TLS right after connecting */
	struct net_tls_opts tls_opts;
	int connect_timeout_ms; /* per address tried; <= 0: 30 s */
	int io_timeout_ms;      /* per read or write wait; <= 0: 60 s */
	size_t max_line;        /* 0: NET_MAX_LINE_DEFAULT */
	int cancel_fd;          /* readable means stop; -1: none */
};

/* Initialise OpenSSL and ignore SIGPIPE. Idempotent; any thread. */
void net_init(void);

/* Connect to p->host:p->port, trying each address getaddrinfo gives
 * (IPv6 and IPv4) until one answers, and with p->tls make the TLS
 * handshake. Returns a new connection (free with net_close) or NULL with
 * *e set: PERR_CONN for DNS, refused, timeout and every TLS failure,
 * PERR_CANCELLED when the cancel fd fired. */
struct net_conn *net_connect(const struct net_params *p, struct perr *e);

/* A connection over an already connected socket fd (taken: net_close
 * closes it). Used for socketpair tests and by net_connect. */
struct net_conn *net_conn_from_fd_take(int fd, const struct net_params *p);

/* An in-memory fake for unit tests: reads come from (in, len), copied,
 * at most chunk bytes per read (0: all at once), then end of stream;
 * writes are appended to a buffer that net_fake_output shows. */
struct net_conn *net_conn_fake(const void *in, size_t len, size_t chunk,
			       size_t max_line);
/* What was written to a fake connection so far (after flushes). The
 * buffer belongs to the connection. NULL for other transports. */
const struct buf *net_fake_output(const struct net_conn *c);

/* Close and free; NULL is a no-op. Nothing is flushed. */
void net_close(struct net_conn *c);

/* Settings that may change during a session. */
void net_set_io_timeout(struct net_conn *c, int ms);
/* The io timeout in force, in ms. */
int net_io_timeout(const struct net_conn *c);
/* Every wait after this fails with PERR_CONN "timed out" once ms have
 * passed from now; ms <= 0 removes the deadline. */
void net_set_deadline(struct net_conn *c, int ms);
void net_set_cancel_fd(struct net_conn *c, int fd);
/* Whether a NUL byte in a line is an error (the default) or kept. */
void net_set_nul_ok(struct net_conn *c, bool ok);
/* The transport's name ("tcp", "tls", "fake"). */
const char *net_transport(const struct net_conn *c);
bool net_is_tls(const struct net_conn *c);

/* Wait until fd is readable (events POLLIN) or writable (POLLOUT), within
 * the connection's io timeout and deadline, watching the cancel fd. For
 * transports. Returns 0 or -1 with PERR_CONN / PERR_CANCELLED. */
int net_wait(struct net_conn *c, int fd, short events, struct perr *e);

/* Read one line. On success *line points at its bytes without the line
 * end and stays valid until the next call on c. A line ends at LF; one CR
 * right before the LF is dropped; a CR anywhere else is kept as a byte
 * (it never ends a line). A line longer than the maximum fails with
 * PERR_PROTO "line too long" without the buffer growing past the maximum;
 * a NUL byte fails with PERR_PROTO unless allowed; the end of the stream
 * fails with PERR_CONN "connection closed by server" (also mid-line). The
 * result is the same however the bytes were split when they arrived.
 * Returns 0 or -1. */
int net_read_line(struct net_conn *c, struct slice *line, struct perr *e);

/* Read exactly n bytes into p (for counted literals). */
int net_read_exact(struct net_conn *c, void *p, size_t n, struct perr *e);

/* Number of bytes already received and buffered but not yet read. */
size_t net_pending(const struct net_conn *c);

/* Queue bytes for sending; they go out when the queue passes 64 KiB or
 * at net_flush. Returns 0 or -1 when a forced send failed. */
int net_write(struct net_conn *c, const void *p, size_t n, struct perr *e);
int net_puts(struct net_conn *c, const char *s, struct perr *e);
/* Send everything queued. Returns 0 or -1. */
int net_flush(struct net_conn *c, struct perr *e);

/* Upgrade a plain connection to TLS (after the server's STARTTLS go-ahead),
 * checking host against the certificate as net_connect does. Refuses with
 * PERR_PROTO when any byte is already buffered after the go-ahead reply:
 * such bytes came before the handshake, in the clear, and would otherwise
 * be taken as the first protected reply (response injection,
 * CVE-2020-14954). Returns 0 or -1; on failure the connection is unusable
 * and must be closed. */
int net_starttls(struct net_conn *c, const char *host,
		 const struct net_tls_opts *o, struct perr *e);

/* The negotiated TLS version and cipher, e.g. "TLSv1.3
 * TLS_AES_256_GCM_SHA384", or "" when not TLS. Borrowed from c. */
const char *net_tls_info(const struct net_conn *c);

/* Normalise a fingerprint given by a user into 64 lower-case hex digits
 * (out must hold 65 bytes). Returns 0, or -1 with PERR_CONFIG. */
int net_fingerprint_parse(const char *in, char out[65], struct perr *e);

/* ---------------------------------------------------------------------
 * SASL (RFC 4422) client side. The caller sends the mechanism name and
 * the initial response, then feeds each server challenge (base64 text as
 * received) to net_sasl_step and sends what comes back. Secrets are
 * registered with log_add_secret, so they never reach a log.
 */
#define NET_SASL_TABLE(X)                                \
	X(NONE, "NONE")                                  \
	X(PLAIN, "PLAIN")                                \
	X(LOGIN, "LOGIN")                                \
	X(XOAUTH2, "XOAUTH2")                            \
	X(OAUTHBEARER, "OAUTHBEARER")

enum net_sasl_mech {
#define NET_SASL_ENUM_(name, text) NET_SASL_##name,
	NET_SASL_TABLE(NET_SASL_ENUM_)
#undef NET_SASL_ENUM_
	NET_SASL_COUNT
};

const char *net_sasl_name(enum net_sasl_mech m);

/* The best mechanism that both the server offers (offered: the names the
 * server listed, separated by spaces, any case) and the credentials allow:
 * with a token OAUTHBEARER then XOAUTH2; with a password PLAIN then LOGIN.
 * NET_SASL_NONE when there is none. */
enum net_sasl_mech net_sasl_choose(const char *offered, bool have_password,
				   bool have_token);

struct net_sasl {
	enum net_sasl_mech mech;
	const char *user;   /* borrowed for the exchange */
	const char *secret; /* password or OAuth token; borrowed */
	const char *host;   /* for OAUTHBEARER */
	unsigned port;      /* for OAUTHBEARER */
	int step;
	bool failed;        /* the server sent an error challenge */
};

/* Start an exchange. Fails with PERR_CONFIG when user or secret hold a
 * byte the mechanism cannot carry (NUL cannot happen; CR, LF, and ^A for
 * the OAuth mechanisms). */
int net_sasl_start(struct net_sasl *s, enum net_sasl_mech mech,
		   const char *user, const char *secret, const char *host,
		   unsigned port, struct perr *e);
/* Append the base64 initial response to out (empty for LOGIN, which has
 * none). */
int net_sasl_initial(struct net_sasl *s, struct buf *out, struct perr *e);
/* Append the base64 answer to a challenge (base64 as the server sent it).
 * For the OAuth mechanisms a challenge is the server's error report; the
 * answer is the dummy reply the RFCs ask for and s->failed becomes true.
 * Fails with PERR_PROTO for a challenge that is not base64 or one too
 * many. */
int net_sasl_step(struct net_sasl *s, const char *chal, size_t len,
		  struct buf *out, struct perr *e);

#endif
