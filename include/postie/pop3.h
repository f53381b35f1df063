/* SPDX-License-Identifier: ISC */
/*
 * pop3: the POP3 client pieces that need no I/O (RFC 1939, RFC 2449 CAPA,
 * RFC 2595 STLS, RFC 1321 MD5 for APOP).
 *
 *   - single-line replies: "+OK text" / "-ERR text", anything else is a
 *     protocol error; the greeting, with its APOP timestamp;
 *   - CAPA lines as bit flags and SASL mechanisms;
 *   - a push reader for multi-line replies (RETR, TOP, UIDL, LIST, CAPA):
 *     feed bytes in any slicing, take lines out un-dot-stuffed, and learn
 *     whether the terminating "." arrived before the stream ended;
 *   - UIDL, LIST and STAT lines, checked against RFC 1939's rules and caps;
 *   - the APOP digest.
 *
 * Everything a server controls is bounded. Nothing here reads or writes a
 * socket. A reader belongs to one thread at a time; the other functions
 * may be called from any thread.
 */
#ifndef POSTIE_POP3_H
#define POSTIE_POP3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* ---------------------------------------------------------------------
 * Single-line replies
 */
struct pop3_reply {
	bool ok;           /* "+OK" (true) or "-ERR" (false) */
	struct slice text; /* what follows, without the space; borrowed from
			      the line given */
};

/* Parse one reply line (with or without its CRLF / LF). Returns 0, or -1
 * with PERR_PROTO when the line starts with neither "+OK" nor "-ERR"
 * (case-insensitive, then a space or the end), or holds NUL, CR or LF
 * inside. A -ERR reply is not an error here: out->ok says it. */
int pop3_parse_reply(const char *line, size_t len, struct pop3_reply *out,
		     struct perr *e);

/* Parse the greeting. Returns 0 for +OK, copying the APOP timestamp
 * ("<...@...>", at most 255 bytes) into *timestamp (reset first; empty
 * when there is none). A -ERR greeting (hostile-23) returns -1 with
 * PERR_REJECTED and the server's text: the caller then sends nothing
 * more and closes. Garbage returns -1 with PERR_PROTO. */
int pop3_parse_greeting(const char *line, size_t len, struct buf *timestamp,
			struct perr *e);

/* STAT: "+OK count size". Returns 0 or -1 (PERR_PROTO, or PERR_REJECTED
 * for -ERR). */
int pop3_parse_stat(const char *line, size_t len, uint32_t *count,
		    uint64_t *size, struct perr *e);

/* ---------------------------------------------------------------------
 * CAPA (RFC 2449)
 */
enum {
	POP3_CAP_TOP = 1 << 0,
	POP3_CAP_USER = 1 << 1,
	POP3_CAP_SASL = 1 << 2,
	POP3_CAP_UIDL = 1 << 3,
	POP3_CAP_PIPELINING = 1 << 4,
	POP3_CAP_STLS = 1 << 5,
	POP3_CAP_RESP_CODES = 1 << 6,
	POP3_CAP_AUTH_RESP_CODE = 1 << 7,
	POP3_CAP_UTF8 = 1 << 8,
	POP3_CAP_EXPIRE = 1 << 9,
	POP3_CAP_LOGIN_DELAY = 1 << 10,
};

enum {
	POP3_SASL_PLAIN = 1 << 0,
	POP3_SASL_LOGIN = 1 << 1,
	POP3_SASL_XOAUTH2 = 1 << 2,
	POP3_SASL_OAUTHBEARER = 1 << 3,
	POP3_SASL_CRAM_MD5 = 1 << 4,
};

struct pop3_caps {
	unsigned bits;  /* POP3_CAP_* */
	unsigned sasl;  /* POP3_SASL_* */
	bool expire_never;   /* "EXPIRE NEVER" */
	uint32_t expire_days;
	uint32_t login_delay; /* seconds */
	size_t lines;   /* lines seen, for the cap */
};

#define POP3_MAX_CAPA_LINES 1000

/* Add one line of a CAPA reply (un-stuffed, without line end). Unknown
 * capabilities are ignored. Returns -1 with PERR_PROTO past
 * POP3_MAX_CAPA_LINES lines or for a NUL byte. */
int pop3_caps_add_line(struct pop3_caps *c, const char *line, size_t len,
		       struct perr *e);

/* ---------------------------------------------------------------------
 * The multi-line reader
 */
struct pop3_ml {
	struct buf in;
	size_t pos;       /* first byte not yet returned */
	size_t scan;      /* where the search for a line end resumes */
	size_t max_line;  /* bytes of one line */
	uint64_t max_bytes; /* bytes of the whole reply */
	uint64_t total;
	bool done;        /* the "." line was seen */
	struct buf line;  /* the line last returned */
};

enum {
	POP3_ML_NEED_MORE = 0,
	POP3_ML_LINE = 1,
	POP3_ML_END = 2,
};

/* max_line 0 means 1 MiB; max_bytes 0 means 256 MiB. */
void pop3_ml_init(struct pop3_ml *m, size_t max_line, uint64_t max_bytes);
void pop3_ml_release(struct pop3_ml *m);
/* Start over for the next multi-line reply, keeping bytes already fed
 * that follow the previous one (pipelining). */
void pop3_ml_restart(struct pop3_ml *m);
void pop3_ml_feed(struct pop3_ml *m, const void *bytes, size_t len);
/* Take the next line. Returns POP3_ML_LINE with *line (and *len) set to
 * the line without its line end and with the leading "." of a stuffed
 * line removed (valid until the next call on m), POP3_ML_END once the
 * terminating "." line is taken, POP3_ML_NEED_MORE when more bytes are
 * needed, or -1 with PERR_PROTO when a line or the reply exceeds its cap.
 * A line ends at LF (a CR before it is dropped); a bare CR stays in the
 * line. */
int pop3_ml_next(struct pop3_ml *m, const char **line, size_t *len,
		 struct perr *e);
/* Call when the connection has ended: returns 0 if the reply was
 * complete, else -1 with PERR_CONN ("ended without the final '.'"), and
 * the caller must discard what it read (hostile-25). */
int pop3_ml_finish(const struct pop3_ml *m, struct perr *e);
/* Bytes fed but not yet consumed (after END: the next reply's bytes). */
size_t pop3_ml_pending(const struct pop3_ml *m);

/* ---------------------------------------------------------------------
 * UIDL and LIST
 */
#define POP3_UID_MAX 70

/* RFC 1939 7: a unique-id is 1 to 70 characters in 0x21..0x7E. */
bool pop3_uid_valid(const char *uid, size_t len);

/* One line of UIDL (multi-line form "n uid", or the text of a single-line
 * reply to "UIDL n"). *uid borrows from line. Returns 0 or -1 with
 * PERR_PROTO (message number 0 or not a 32-bit number, UID invalid,
 * extra fields). */
int pop3_parse_uidl_line(const char *line, size_t len, uint32_t *msgno,
			 struct slice *uid, struct perr *e);
/* One line of LIST ("n size"). Returns 0 or -1 with PERR_PROTO. */
int pop3_parse_list_line(const char *line, size_t len, uint32_t *msgno,
			 uint64_t *size, struct perr *e);

struct pop3_uidl_entry {
	uint32_t msgno;
	char uid[POP3_UID_MAX + 1];
};

/* The whole UIDL listing, bounded. */
struct pop3_uidl_list {
	struct pop3_uidl_entry *v;
	size_t n, cap;
	size_t max;     /* entries allowed (0: 1,000,000) */
	size_t skipped; /* lines with an invalid UID, left out */
};

void pop3_uidl_init(struct pop3_uidl_list *l, size_t max);
void pop3_uidl_release(struct pop3_uidl_list *l);
/* Add one UIDL line. A line whose UID breaks RFC 1939 is skipped and
 * counted (that message is left on the server untouched); a malformed
 * line otherwise is PERR_PROTO; more than max entries is PERR_PROTO
 * (hostile-24). Returns 0 or -1. */
int pop3_uidl_add(struct pop3_uidl_list *l, const char *line, size_t len,
		  struct perr *e);

/* ---------------------------------------------------------------------
 * APOP (RFC 1939 7): MD5 of the greeting's timestamp followed by the
 * secret, as 32 lower-case hex digits and a NUL in out.
 */
void pop3_apop_digest(const char *timestamp, size_t tslen,
		      const char *secret, size_t secretlen, char out[33]);

/* ---------------------------------------------------------------------
 * The session: one connection to one POP3 server over net/, sequential
 * and blocking with timeouts (an account's worker thread runs it).
 *
 * Security rules it keeps: a -ERR greeting ends the session with nothing
 * sent (hostile-23); with POP3_TLS_STLS nothing but CAPA and STLS goes
 * out before TLS, a missing or refused STLS aborts (hostile-18), bytes
 * after the STLS go-ahead abort (hostile-20, in net_starttls), and CAPA
 * is asked again after TLS (hostile-21). A RETR cut short is an error
 * and its bytes are dropped (hostile-25).
 */
enum pop3_tls_mode {
	POP3_TLS_IMPLICIT, /* pop3s, port 995 */
	POP3_TLS_STLS,     /* pop3, port 110, STLS required */
};

#define POP3_SS_TABLE(X)                    \
	X(DISCONNECTED, "disconnected")     \
	X(AUTHORIZATION, "authorization")   \
	X(TRANSACTION, "transaction")       \
	X(UPDATE, "update")

enum pop3_ss {
#define POP3_SS_ENUM_(n, s) POP3_SS_##n,
	POP3_SS_TABLE(POP3_SS_ENUM_)
#undef POP3_SS_ENUM_
};

const char *pop3_ss_name(enum pop3_ss s);

struct net_conn;

/* Strings are borrowed for the duration of pop3_session_open. */
struct pop3_session_params {
	const char *host, *port;
	enum pop3_tls_mode tls;
	const char *ca_file;     /* NULL: the system store */
	const char *fingerprint; /* a pinned certificate, or NULL */
	const char *user, *password;
	int connect_timeout_ms, io_timeout_ms; /* <= 0: net's defaults */
	int cancel_fd;           /* -1: none */
	size_t max_line;         /* 0: 1 MiB */
};

struct pop3_session {
	struct net_conn *conn;
	enum pop3_ss state;
	struct pop3_caps caps;
	bool have_capa;     /* the server answered CAPA */
	char *host;
	struct buf timestamp; /* APOP timestamp from the greeting */
	size_t max_line;
};

/* Connect, greet, secure, log in: SASL PLAIN when offered, else USER and
 * PASS. Returns 0 in TRANSACTION state, or -1 with *e set (PERR_CONN,
 * PERR_PROTO, PERR_AUTH with the server's text, PERR_REJECTED for a
 * -ERR greeting). After a failure only pop3_session_close is needed. */
int pop3_session_open(struct pop3_session *s,
		      const struct pop3_session_params *p, struct perr *e);
/* The same over a connection already made (taken), e.g. net_conn_fake. */
int pop3_session_open_conn(struct pop3_session *s, struct net_conn *conn,
			   const struct pop3_session_params *p,
			   struct perr *e);
/* QUIT (which makes DELE final) when logged in, then close. */
void pop3_session_close(struct pop3_session *s);

int pop3_session_stat(struct pop3_session *s, uint32_t *count,
		      uint64_t *size, struct perr *e);
/* UIDL for every message into l (initialised by the caller). */
int pop3_session_uidl(struct pop3_session *s, struct pop3_uidl_list *l,
		      struct perr *e);
/* RETR msgno, the message appended to out with CRLF line ends and dots
 * un-stuffed, refusing more than max_bytes (0: 256 MiB). On any failure
 * out is left as it was. */
int pop3_session_retr(struct pop3_session *s, uint32_t msgno,
		      struct buf *out, uint64_t max_bytes, struct perr *e);
int pop3_session_dele(struct pop3_session *s, uint32_t msgno,
		      struct perr *e);
int pop3_session_rset(struct pop3_session *s, struct perr *e);
/* TOP msgno lines (RFC 1939 7): the header block and the first lines of
 * the body appended to out as RETR does, refusing more than max_bytes
 * (0: 1 MiB). A -ERR (servers may lack TOP) is PERR_REJECTED with the
 * session still usable; a reply cut short leaves out as it was and the
 * session DISCONNECTED. */
int pop3_session_top(struct pop3_session *s, uint32_t msgno, uint32_t lines,
		     struct buf *out, uint64_t max_bytes, struct perr *e);
/* Give up on the session after a local failure: RSET (best effort) so
 * that no DELE of this session counts, then state DISCONNECTED, so that
 * pop3_session_close closes the connection without QUIT. The connection
 * stays open until then. Safe in any state. */
void pop3_session_abort(struct pop3_session *s);

#endif
