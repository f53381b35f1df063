/* SPDX-License-Identifier: ISC */
/*
 * smtp: the submission client (RFC 5321, 6409, 3207, 4954, 2920, 1870,
 * 6152, 6531, 2034). Two layers:
 *
 *   - pure pieces that do no I/O and are tested from tables: the reply
 *     parser (smtp_reply_feed), the EHLO capability parser
 *     (smtp_caps_parse) and the DATA encoder that normalises line ends
 *     and dot-stuffs (smtp_dot_*);
 *   - a session over one net connection: greeting, EHLO (HELO fallback on
 *     implicit TLS only), STARTTLS (always, unless the connection is
 *     implicit TLS), EHLO again after TLS, AUTH, then any number of
 *     messages (RSET between them), then QUIT.
 *
 * The session knows nothing of accounts, configuration or the screen: it
 * takes a params struct and reports through struct perr and struct
 * smtp_result. It runs in one thread (an account worker or a headless
 * command) and blocks with timeouts; the cancel fd interrupts it.
 */
#ifndef POSTIE_SMTP_H
#define POSTIE_SMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

struct net_conn;

/* Bounds on one reply: a server may not make the client hold more. */
#define SMTP_REPLY_MAX_LINES 128
#define SMTP_REPLY_MAX_BYTES (64 * 1024)
/* RFC 5321 4.5.3.1.6: a text line is at most 998 octets before CRLF. */
#define SMTP_MAX_TEXT_LINE 998

/* ---------------------------------------------------------------------
 * Replies
 */
struct smtp_reply {
	int code;       /* 200-599 once the first line is in */
	char enh[16];   /* "5.7.8" when the text starts with an enhanced
			   status code (RFC 3463), else "" */
	struct buf text; /* the text of each line, joined by '\n' */
	size_t nlines;
	bool done;
};

void smtp_reply_init(struct smtp_reply *r);
void smtp_reply_release(struct smtp_reply *r);
/* Forget the reply, keeping memory, ready for the next. */
void smtp_reply_reset(struct smtp_reply *r);

/* Feed one line of a reply (without its line end). Returns 1 when the
 * reply is complete, 0 when more lines must follow, -1 with PERR_PROTO for
 * a malformed line: a code that is not three digits from 200 to 599, a
 * fourth byte other than ' ', '-' or the end, a code that differs from the
 * first line's, a control byte in the text, or more than
 * SMTP_REPLY_MAX_LINES lines or SMTP_REPLY_MAX_BYTES bytes of text
 * (hostile-29). */
int smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len,
		    struct perr *e);

/* "250 2.0.0 ok" style one-line summary of r for messages (first line of
 * the text, cut at 200 bytes), appended to b. */
void smtp_reply_describe(const struct smtp_reply *r, struct buf *b);

/* ---------------------------------------------------------------------
 * Capabilities (from the EHLO reply)
 */
#define SMTP_CAP_TABLE(X)                          \
	X(SIZE, "SIZE")                            \
	X(PIPELINING, "PIPELINING")                \
	X(8BITMIME, "8BITMIME")                    \
	X(SMTPUTF8, "SMTPUTF8")                    \
	X(ENHANCEDSTATUSCODES, "ENHANCEDSTATUSCODES") \
	X(DSN, "DSN")                              \
	X(STARTTLS, "STARTTLS")                    \
	X(AUTH, "AUTH")                            \
	X(CHUNKING, "CHUNKING")

enum smtp_cap_bit {
#define SMTP_CAP_BIT_(name, text) SMTP_CAPB_##name,
	SMTP_CAP_TABLE(SMTP_CAP_BIT_)
#undef SMTP_CAP_BIT_
	SMTP_CAPB_COUNT
};

#define SMTP_CAP(name) (1u << SMTP_CAPB_##name)

struct smtp_caps {
	unsigned flags;   /* SMTP_CAP(...) bits */
	uint64_t size;    /* SIZE value; 0 when none or unlimited */
	char auth[256];   /* AUTH mechanism names, space separated, upper
			     case, each known to be a valid name */
};

/* Parse an EHLO reply (the first line is the greeting and is skipped).
 * Unknown keywords are ignored; a malformed SIZE value counts as no
 * limit. Never fails. */
void smtp_caps_parse(struct smtp_caps *c, const struct smtp_reply *r);
/* "SIZE=35882577 PIPELINING 8BITMIME AUTH=PLAIN,LOGIN" for traces. */
void smtp_caps_describe(const struct smtp_caps *c, struct buf *b);

/* ---------------------------------------------------------------------
 * DATA encoding: CRLF normalisation (CRLF, bare LF and bare CR all become
 * CRLF: postie never sends a bare CR or LF), dot-stuffing (RFC 5321
 * 4.5.2), a NUL is refused, a line over 998 octets is refused. Streaming:
 * feed any split of the message and get the same bytes.
 */
struct smtp_dot {
	bool cr;        /* the last byte fed was a CR */
	size_t linelen; /* octets in the current line so far */
	size_t lineno;  /* 1-based, for messages */
	bool any;       /* anything fed */
};

void smtp_dot_init(struct smtp_dot *d);
/* Append the encoding of (p, n) to out. Returns 0, or -1 with
 * PERR_MESSAGE (and out holding what came before the fault). */
int smtp_dot_encode(struct smtp_dot *d, struct buf *out, const char *p,
		    size_t n, struct perr *e);
/* Append the end: a CRLF if the message did not end with one, then
 * ".\r\n". */
void smtp_dot_finish(struct smtp_dot *d, struct buf *out);

/* ---------------------------------------------------------------------
 * Session
 */
enum smtp_tls_mode {
	SMTP_TLS_STARTTLS, /* plain connect, STARTTLS required */
	SMTP_TLS_IMPLICIT, /* TLS from the first byte (smtps, port 465) */
};

struct smtp_params {
	const char *host;
	const char *port;        /* NULL: 587 or 465 by tls mode */
	enum smtp_tls_mode tls;
	const char *ca_file;     /* NULL: the system store */
	const char *fingerprint; /* SHA-256 pin, or NULL */
	const char *user;        /* NULL: no AUTH */
	const char *password;    /* for PLAIN / LOGIN */
	const char *token;       /* OAuth token: OAUTHBEARER / XOAUTH2 */
	const char *hello;       /* EHLO name; NULL: "localhost" */
	int connect_timeout_ms;  /* <= 0: 30 s */
	int timeout_ms;          /* per reply; <= 0: 5 min (RFC 5321 4.5.3.2) */
	int data_timeout_ms;     /* for the reply to the final dot; <= 0:
				    10 min */
	int cancel_fd;           /* -1: none */
};

#define SMTP_STATE_TABLE(X)            \
	X(INIT, "init")                \
	X(CONNECT, "connect")          \
	X(GREETING, "greeting")        \
	X(EHLO, "ehlo")                \
	X(HELO, "helo")                \
	X(STARTTLS, "starttls")        \
	X(AUTH, "auth")                \
	X(READY, "ready")              \
	X(RSET, "rset")                \
	X(MAIL, "mail")                \
	X(RCPT, "rcpt")                \
	X(DATA, "data")                \
	X(BODY, "body")                \
	X(END_OF_DATA, "end-of-data")  \
	X(QUIT, "quit")                \
	X(CLOSED, "closed")            \
	X(FAILED, "failed")

enum smtp_state {
#define SMTP_STATE_ENUM_(name, text) SMTP_ST_##name,
	SMTP_STATE_TABLE(SMTP_STATE_ENUM_)
#undef SMTP_STATE_ENUM_
	SMTP_ST_COUNT
};

const char *smtp_state_name(enum smtp_state st);

struct smtp_session;

/* A session that has not connected yet. The strings of p are copied. */
struct smtp_session *smtp_session_new(const struct smtp_params *p);
/* Connect (net_connect), read the greeting, EHLO, STARTTLS, EHLO, AUTH.
 * Returns 0 in state READY, or -1 with *e set: PERR_CONN (network, TLS,
 * STARTTLS missing or refused, 421), PERR_PROTO (malformed reply,
 * injected bytes), PERR_AUTH (the server refused the credentials or
 * offers no usable mechanism), PERR_REJECTED (a 5xx greeting). */
int smtp_session_open(struct smtp_session *s, struct perr *e);
/* The same over a connection made by the caller (taken: the session
 * closes it). Used by tests with the in-memory transport. */
int smtp_session_open_conn(struct smtp_session *s, struct net_conn *c,
			   struct perr *e);

/* The capabilities in force (after TLS, the post-TLS ones only). */
const struct smtp_caps *smtp_session_caps(const struct smtp_session *s);
enum smtp_state smtp_session_state(const struct smtp_session *s);
/* The code of the last reply read (0 before any). */
int smtp_session_last_code(const struct smtp_session *s);
/* The SASL mechanism used (NULL when no AUTH was made). */
const char *smtp_session_auth_mech(const struct smtp_session *s);

/* Whether a failure of this session is worth a later retry: CONN, PROTO
 * and CANCELLED are; REJECTED and AUTH are when the last code was 4xx. */
bool smtp_session_temporary(const struct smtp_session *s,
			    const struct perr *e);

struct smtp_envelope {
	const char *from;         /* the reverse path; "" for <> */
	const char *const *rcpt;  /* forward paths */
	size_t nrcpt;
};

struct smtp_rcpt_status {
	int code;    /* the reply to RCPT TO (0 when never answered) */
	char *text;  /* its text, owned by the result */
};

struct smtp_result {
	int code;    /* reply to the final dot (or the failing step) */
	char *text;  /* its text; owned */
	struct smtp_rcpt_status *rcpt; /* one per envelope recipient */
	size_t nrcpt;
	size_t accepted;   /* recipients the server accepted */
	bool unknown;      /* the final dot went out but no reply came:
			      the server may have accepted the message */
};

void smtp_result_init(struct smtp_result *r);
void smtp_result_release(struct smtp_result *r);

/* Send one message (msg, len: RFC 5322 bytes, any line ends) to the
 * recipients of env. The message is streamed through the DATA encoder in
 * chunks, never copied whole. Returns 0 when the server accepted it (250
 * to the final dot) for r->accepted of the recipients (the others are
 * refused: see r->rcpt[i]); -1 with *e set otherwise: PERR_REJECTED with
 * the server's text (MAIL refused, every recipient refused, DATA or the
 * message refused), PERR_MESSAGE for a message or address that cannot be
 * sent (NUL, line over 998 octets, CR/LF in an address, over the SIZE
 * limit, non-ASCII address without SMTPUTF8), PERR_CONN / PERR_PROTO when
 * the connection failed (r->unknown tells whether after the final dot).
 * After a REJECTED or MESSAGE failure the session can send again; after
 * CONN or PROTO it is FAILED. r is filled in both cases; release it. */
int smtp_session_send(struct smtp_session *s, const struct smtp_envelope *env,
		      const char *msg, size_t len, struct smtp_result *r,
		      struct perr *e);

/* QUIT (when the session is usable; a short wait for the reply), close and
 * free. NULL is a no-op. */
void smtp_session_close(struct smtp_session *s);

#endif
