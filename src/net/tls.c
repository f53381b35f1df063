/* SPDX-License-Identifier: ISC */
/*
 * TLS with OpenSSL 3, over a non-blocking socket so that every wait goes
 * through net_wait (timeouts, deadline, cancel fd).
 *
 * Verification: OpenSSL checks the chain (system store or ca-file), the
 * validity dates, the key and signature strength (security level 2: no
 * RSA under 2048 bits, no SHA-1 signatures) and the host name against
 * subjectAltName only (X509_CHECK_FLAG_NEVER_CHECK_SUBJECT: a CN that
 * matches while the SAN does not is a mismatch). The verify callback
 * records every problem and lets the handshake finish, so that the
 * decision is made here, with the certificate in hand: a failure names
 * each problem, the subject, the issuer, the dates and the SHA-256
 * fingerprint, and nothing is sent. A pinned fingerprint excuses only a
 * self-signed certificate or an unknown issuer, never a wrong host name,
 * bad dates or a weak key: a pin says "I know this key", not "I do not
 * care who I talk to".
 */
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "postie/log.h"
#include "private.h"

#define VLOG_MAX 8

struct vlog {
	int n;
	int err[VLOG_MAX];
	int depth[VLOG_MAX];
	/* For a problem above the server's own certificate (depth > 0):
	 * which certificate of the chain it was, and its dates, so that
	 * "expired" does not sit next to the leaf's valid dates. */
	char who[VLOG_MAX][256];
};

static void describe_cert(X509 *cert, char *out, size_t n);

struct tls_state {
	SSL_CTX *ctx;
	SSL *ssl;
	struct vlog vlog;
};

static int vlog_idx = -1;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void
idx_init(void)
{
	vlog_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static int
verify_cb(int ok, X509_STORE_CTX *x)
{
	if (ok)
		return 1;
	SSL *ssl = X509_STORE_CTX_get_ex_data(
		x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct vlog *v = ssl ? SSL_get_ex_data(ssl, vlog_idx) : NULL;
	if (v && v->n < VLOG_MAX) {
		int err = X509_STORE_CTX_get_error(x);
		for (int i = 0; i < v->n; i++)
			if (v->err[i] == err)
				return 1;
		v->err[v->n] = err;
		v->depth[v->n] = X509_STORE_CTX_get_error_depth(x);
		v->who[v->n][0] = '\0';
		X509 *cur = X509_STORE_CTX_get_current_cert(x);
		if (cur && v->depth[v->n] > 0)
			describe_cert(cur, v->who[v->n], sizeof(v->who[0]));
		v->n++;
	}
	/* Go on: the decision is made after the handshake, where the
	 * certificate can be described and a pin consulted. */
	return 1;
}

/* The last OpenSSL error as text, or what (a fallback). */
static const char *
ssl_err_text(char *tmp, size_t n, const char *what)
{
	unsigned long code = ERR_peek_last_error();
	if (!code) {
		snprintf(tmp, n, "%s", what);
		return tmp;
	}
	ERR_error_string_n(code, tmp, n);
	ERR_clear_error();
	return tmp;
}

static ssize_t
tls_read(struct net_conn *c, void *p, size_t n, struct perr *e)
{
	struct tls_state *t = c->state;
	char tmp[256];

	for (;;) {
		size_t got = 0;
		ERR_clear_error();
		if (SSL_read_ex(t->ssl, p, n, &got) == 1)
			return (ssize_t)got;
		int err = SSL_get_error(t->ssl, 0);
		switch (err) {
		case SSL_ERROR_ZERO_RETURN:
			return 0;
		case SSL_ERROR_WANT_READ:
			if (net_wait(c, c->fd, POLLIN, e) < 0)
				return -1;
			break;
		case SSL_ERROR_WANT_WRITE:
			if (net_wait(c, c->fd, POLLOUT, e) < 0)
				return -1;
			break;
		case SSL_ERROR_SYSCALL:
			if (ERR_peek_last_error() == 0)
				return perr_set(e, PERR_CONN,
						"connection reset by server");
			/* fall through */
		default:
			return perr_set(e, PERR_CONN, "tls read: %s",
					ssl_err_text(tmp, sizeof(tmp),
						     "error"));
		}
	}
}

static ssize_t
tls_write(struct net_conn *c, const void *p, size_t n, struct perr *e)
{
	struct tls_state *t = c->state;
	char tmp[256];

	for (;;) {
		size_t put = 0;
		ERR_clear_error();
		if (SSL_write_ex(t->ssl, p, n, &put) == 1)
			return (ssize_t)put;
		int err = SSL_get_error(t->ssl, 0);
		switch (err) {
		case SSL_ERROR_WANT_READ:
			if (net_wait(c, c->fd, POLLIN, e) < 0)
				return -1;
			break;
		case SSL_ERROR_WANT_WRITE:
			if (net_wait(c, c->fd, POLLOUT, e) < 0)
				return -1;
			break;
		case SSL_ERROR_SYSCALL:
			if (ERR_peek_last_error() == 0)
				return perr_set(e, PERR_CONN,
						"connection reset by server");
			/* fall through */
		default:
			return perr_set(e, PERR_CONN, "tls write: %s",
					ssl_err_text(tmp, sizeof(tmp),
						     "error"));
		}
	}
}

static void
tls_free(struct tls_state *t)
{
	if (!t)
		return;
	if (t->ssl)
		SSL_free(t->ssl);
	if (t->ctx)
		SSL_CTX_free(t->ctx);
	free(t);
}

static void
tls_close(struct net_conn *c)
{
	struct tls_state *t = c->state;

	/* One try at close_notify; a server that does not read it is not
	 * waited for. */
	if (t && t->ssl && SSL_is_init_finished(t->ssl))
		SSL_shutdown(t->ssl);
	tls_free(t);
	c->state = NULL;
}

static const struct net_ops tls_ops = {
	.name = "tls",
	.read = tls_read,
	.write = tls_write,
	.close = tls_close,
};

int
net_fingerprint_parse(const char *in, char out[65], struct perr *e)
{
	size_t n = 0;
	const char *p = in;

	if (ascii_strncasecmp(p, "sha256:", 7) == 0)
		p += 7;
	else if (ascii_strncasecmp(p, "sha256/", 7) == 0)
		p += 7;
	for (; *p; p++) {
		int ch = ascii_lower((unsigned char)*p);
		if (ch == ':' || ch == ' ')
			continue;
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) ||
		    n == 64)
			return perr_set(e, PERR_CONFIG,
					"bad tls-fingerprint '%s': want the "
					"64 hex digits of a SHA-256", in);
		out[n++] = (char)ch;
	}
	if (n != 64)
		return perr_set(e, PERR_CONFIG,
				"bad tls-fingerprint '%s': want the 64 hex "
				"digits of a SHA-256", in);
	out[64] = '\0';
	return 0;
}

static bool
pin_may_excuse(int err)
{
	switch (err) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		return true;
	default:
		return false;
	}
}

static const char *
reason(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return "certificate expired";
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return "certificate not yet valid";
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return "self-signed certificate";
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return "self-signed certificate in the chain";
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return "unknown issuer";
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return "wrong host: the certificate's names do not include";
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
		return "weak key";
	case X509_V_ERR_CA_MD_TOO_WEAK:
		return "weak signature algorithm";
	case X509_V_ERR_CERT_REVOKED:
		return "certificate revoked";
	default:
		return X509_verify_cert_error_string(err);
	}
}

/* Append a one-line X509 name to b. */
static void
add_name(struct buf *b, const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;

	if (!bio)
		return;
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
	long n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		buf_add(b, p, (size_t)n);
	BIO_free(bio);
}

static void
add_time(struct buf *b, const ASN1_TIME *t)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;

	if (!bio)
		return;
	ASN1_TIME_print(bio, t);
	long n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		buf_add(b, p, (size_t)n);
	BIO_free(bio);
}

/* "SUBJECT, valid from A to B" into out (cut to n - 1 bytes). */
static void
describe_cert(X509 *cert, char *out, size_t n)
{
	struct buf b = BUF_INIT;

	add_name(&b, X509_get_subject_name(cert));
	buf_addstr(&b, ", valid from ");
	add_time(&b, X509_get0_notBefore(cert));
	buf_addstr(&b, " to ");
	add_time(&b, X509_get0_notAfter(cert));
	snprintf(out, n, "%s", b.data);
	buf_release(&b);
}

/* Decide on the peer's certificate. Returns 0 or -1 with *e set. */
static int
check_peer(struct net_conn *c, struct tls_state *t, const char *host,
	   const struct net_tls_opts *o, struct perr *e)
{
	X509 *cert = SSL_get0_peer_certificate(t->ssl);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char fp[65], pin[65];
	struct buf why = BUF_INIT;
	bool pinned = false, fail = false;

	if (!cert)
		return perr_set(e, PERR_CONN, "server '%s' sent no "
				"certificate", host);
	if (!X509_digest(cert, EVP_sha256(), md, &mdlen) || mdlen != 32)
		return perr_set(e, PERR_CONN, "cannot hash the certificate "
				"of '%s'", host);
	for (unsigned i = 0; i < 32; i++)
		snprintf(fp + 2 * i, 3, "%02x", md[i]);

	if (o && o->fingerprint && *o->fingerprint) {
		if (net_fingerprint_parse(o->fingerprint, pin, e) < 0)
			return -1;
		if (strcmp(pin, fp) != 0) {
			buf_addf(&why, "certificate fingerprint does not "
				 "match the pinned one (pinned sha256:%s)",
				 pin);
			fail = true;
		}
		pinned = !fail;
	}
	long res = SSL_get_verify_result(t->ssl);
	if (res != X509_V_OK && t->vlog.n == 0) {
		t->vlog.err[0] = (int)res;
		t->vlog.depth[0] = 0;
		t->vlog.n = 1;
	}
	bool excusable = true;
	for (int i = 0; i < t->vlog.n; i++) {
		int err = t->vlog.err[i];
		if (pinned && pin_may_excuse(err))
			continue;
		if (!pin_may_excuse(err))
			excusable = false;
		fail = true;
		/* Several codes share one reason ("unknown issuer"). */
		struct buf one = BUF_INIT;
		buf_addstr(&one, reason(err));
		if (err == X509_V_ERR_HOSTNAME_MISMATCH ||
		    err == X509_V_ERR_IP_ADDRESS_MISMATCH)
			buf_addf(&one, " '%s'", host);
		/* RFC 6125 6.4.4: with no subjectAltName the CN would be
		 * the only name, and postie does not use it. */
		if ((err == X509_V_ERR_HOSTNAME_MISMATCH ||
		     err == X509_V_ERR_IP_ADDRESS_MISMATCH) &&
		    X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) < 0)
			buf_addstr(&one, " (it has no subjectAltName, and "
				   "the CN is not used for names)");
		if (t->vlog.depth[i] > 0)
			buf_addf(&one, " (at chain depth %d%s%s)",
				 t->vlog.depth[i], *t->vlog.who[i] ? ": " : "",
				 t->vlog.who[i]);
		if (!strstr(why.data, one.data)) {
			if (why.len)
				buf_addstr(&why, ", ");
			buf_addstr(&why, one.data);
		}
		buf_release(&one);
	}
	if (!fail) {
		buf_release(&why);
		if (log_trace_on("net"))
			log_debug("net: certificate of '%s' accepted%s, "
				  "sha256:%s", host,
				  pinned ? " by its pinned fingerprint" : "",
				  fp);
		return 0;
	}
	buf_addstr(&why, "; subject: ");
	add_name(&why, X509_get_subject_name(cert));
	buf_addstr(&why, "; issuer: ");
	add_name(&why, X509_get_issuer_name(cert));
	buf_addstr(&why, "; valid from ");
	add_time(&why, X509_get0_notBefore(cert));
	buf_addstr(&why, " to ");
	add_time(&why, X509_get0_notAfter(cert));
	buf_addf(&why, "; sha256:%s", fp);
	if (excusable && !pinned && !(o && o->fingerprint))
		buf_addstr(&why, " (if you know this certificate is the "
			   "server's, pin it with tls-fingerprint)");
	perr_set(e, PERR_CONN, "certificate of '%s' not trusted: %s", host,
		 why.data);
	buf_release(&why);
	(void)c;
	return -1;
}

static bool
is_ip_literal(const char *host)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, tmp) == 1 ||
	       inet_pton(AF_INET6, host, tmp) == 1;
}

int
net_tls_handshake(struct net_conn *c, const char *host,
		  const struct net_tls_opts *o, struct perr *e)
{
	struct tls_state *t = xcalloc(1, sizeof(*t));
	char tmp[256];

	net_init();
	pthread_once(&idx_once, idx_init);
	ERR_clear_error();
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx)
		goto ssl_fail;
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_security_level(t->ctx, 2);
	SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
					    SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
					 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (o && o->ca_file && *o->ca_file) {
		if (SSL_CTX_load_verify_locations(t->ctx, o->ca_file,
						  NULL) != 1) {
			perr_set(e, PERR_CONFIG, "cannot load ca-file '%s': "
				 "%s", o->ca_file,
				 ssl_err_text(tmp, sizeof(tmp),
					      "no certificates"));
			tls_free(t);
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
		goto ssl_fail;
	}
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, verify_cb);

	t->ssl = SSL_new(t->ctx);
	if (!t->ssl)
		goto ssl_fail;
	SSL_set_ex_data(t->ssl, vlog_idx, &t->vlog);
	X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
	X509_VERIFY_PARAM_set_hostflags(vp,
		X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
		X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (is_ip_literal(host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1)
			goto ssl_fail;
	} else {
		if (X509_VERIFY_PARAM_set1_host(vp, host, 0) != 1)
			goto ssl_fail;
		SSL_set_tlsext_host_name(t->ssl, host);
	}
	if (SSL_set_fd(t->ssl, c->fd) != 1)
		goto ssl_fail;

	for (;;) {
		ERR_clear_error();
		int r = SSL_connect(t->ssl);
		if (r == 1)
			break;
		int err = SSL_get_error(t->ssl, r);
		if (err == SSL_ERROR_WANT_READ) {
			if (net_wait(c, c->fd, POLLIN, e) < 0)
				goto fail_prefix;
		} else if (err == SSL_ERROR_WANT_WRITE) {
			if (net_wait(c, c->fd, POLLOUT, e) < 0)
				goto fail_prefix;
		} else if (err == SSL_ERROR_SYSCALL &&
			   ERR_peek_last_error() == 0) {
			perr_set(e, PERR_CONN, "tls handshake with '%s' "
				 "failed: connection closed by server", host);
			tls_free(t);
			return -1;
		} else {
			unsigned long code = ERR_peek_last_error();
			int why = ERR_GET_REASON(code);
			bool version =
				ERR_GET_LIB(code) == ERR_LIB_SSL &&
				(why == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION ||
				 why == SSL_R_UNSUPPORTED_PROTOCOL ||
				 why == SSL_R_NO_PROTOCOLS_AVAILABLE);
			perr_set(e, PERR_CONN, "tls handshake with '%s' "
				 "failed: %s%s", host,
				 ssl_err_text(tmp, sizeof(tmp),
					      "protocol error"),
				 version ? " (the server offers no TLS "
					   "version from 1.2 up)"
					 : "");
			tls_free(t);
			return -1;
		}
	}
	if (check_peer(c, t, host, o, e) < 0) {
		tls_free(t);
		return -1;
	}
	snprintf(c->tls_info, sizeof(c->tls_info), "%s %s",
		 SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
	c->ops = &tls_ops;
	c->state = t;
	return 0;

ssl_fail:
	perr_set(e, PERR_CONN, "tls setup failed: %s",
		 ssl_err_text(tmp, sizeof(tmp), "error"));
	tls_free(t);
	return -1;
fail_prefix:
	perr_prefix(e, "tls handshake with '%s'", host);
	tls_free(t);
	return -1;
}

int
net_starttls(struct net_conn *c, const char *host,
	     const struct net_tls_opts *o, struct perr *e)
{
	if (net_is_tls(c))
		return perr_set(e, PERR_PROTO, "STARTTLS on a connection "
				"that is already TLS");
	size_t n = net_pending(c);
	if (n > 0)
		return perr_set(e, PERR_PROTO,
				"server sent %zu bytes after its STARTTLS "
				"reply, before the TLS handshake (response "
				"injection); connection dropped", n);
	if (c->wbuf.len > 0)
		return perr_set(e, PERR_PROTO, "unsent bytes before STARTTLS");
	if (c->fd < 0)
		return perr_set(e, PERR_PROTO, "STARTTLS needs a socket");
	return net_tls_handshake(c, host, o, e);
}
