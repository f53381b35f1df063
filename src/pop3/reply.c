/* SPDX-License-Identifier: ISC */
/*
 * POP3 single-line replies, the greeting, STAT, CAPA lines, UIDL and
 * LIST lines, and the APOP digest (RFC 1939, RFC 2449).
 *
 * RFC 1939 says a reply is "+OK" or "-ERR" followed by text; anything else
 * is not a POP3 server talking, and the caller closes the connection.
 * Lines are checked for bytes that could make a string mean something
 * else later (NUL, CR, LF) before any of them is kept.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "md5.h"
#include "postie/pop3.h"

static size_t
strip_eol(const char *line, size_t len)
{
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	return len;
}

int
pop3_parse_reply(const char *line, size_t len, struct pop3_reply *out,
		 struct perr *e)
{
	size_t n;

	len = strip_eol(line, len);
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\0' || line[i] == '\r' || line[i] == '\n')
			return perr_set(e, PERR_PROTO,
					"bad POP3 reply: byte 0x%02x at offset "
					"%zu", (unsigned char)line[i], i);
	if (len >= 3 && ascii_strncasecmp(line, "+OK", 3) == 0) {
		out->ok = true;
		n = 3;
	} else if (len >= 4 && ascii_strncasecmp(line, "-ERR", 4) == 0) {
		out->ok = false;
		n = 4;
	} else {
		return perr_set(e, PERR_PROTO,
				"bad POP3 reply: neither +OK nor -ERR: '%.*s'",
				(int)(len > 40 ? 40 : len), line);
	}
	if (n < len && line[n] != ' ')
		return perr_set(e, PERR_PROTO,
				"bad POP3 reply: no space after status: '%.*s'",
				(int)(len > 40 ? 40 : len), line);
	if (n < len)
		n++;
	out->text = slice_make(line + n, len - n);
	return 0;
}

int
pop3_parse_greeting(const char *line, size_t len, struct buf *timestamp,
		    struct perr *e)
{
	struct pop3_reply r;

	buf_reset(timestamp);
	if (pop3_parse_reply(line, len, &r, e) < 0)
		return perr_prefix(e, "bad POP3 greeting");
	if (!r.ok)
		return perr_set(e, PERR_REJECTED,
				"POP3 server refused the connection: '%.*s'",
				(int)(r.text.len > 200 ? 200 : r.text.len),
				r.text.p);
	/* RFC 1939 7: msg-id = "<" *VCHAR "@" *VCHAR ">" somewhere in the
	 * text, used by APOP. */
	const char *lt = memchr(r.text.p, '<', r.text.len);
	if (!lt)
		return 0;
	size_t rest = r.text.len - (size_t)(lt - r.text.p);
	const char *gt = memchr(lt, '>', rest);
	if (!gt)
		return 0;
	size_t n = (size_t)(gt - lt) + 1;
	if (n > 255 || !memchr(lt, '@', n))
		return 0;
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)lt[i];
		if (c <= 0x20 || c >= 0x7f)
			return 0;
	}
	buf_add(timestamp, lt, n);
	return 0;
}

/* *DIGIT with a value of at most max */
static bool
take_number(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s == end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

int
pop3_parse_stat(const char *line, size_t len, uint32_t *count,
		uint64_t *size, struct perr *e)
{
	struct pop3_reply r;
	uint64_t c, s;

	if (pop3_parse_reply(line, len, &r, e) < 0)
		return -1;
	if (!r.ok)
		return perr_set(e, PERR_REJECTED, "STAT refused: '%.*s'",
				(int)(r.text.len > 200 ? 200 : r.text.len),
				r.text.p);
	const char *p = r.text.p, *end = r.text.p + r.text.len;
	if (!take_number(&p, end, UINT32_MAX, &c) || p == end || *p != ' ' ||
	    (p++, !take_number(&p, end, INT64_MAX, &s)) ||
	    (p != end && *p != ' '))
		return perr_set(e, PERR_PROTO, "bad STAT reply: '%.*s'",
				(int)(r.text.len > 40 ? 40 : r.text.len),
				r.text.p);
	*count = (uint32_t)c;
	*size = s;
	return 0;
}

/* ---------------------------------------------------------------------
 * CAPA
 */
static bool
word_is(struct slice w, const char *s)
{
	return slice_eq_ci(w, s);
}

static bool
next_word(struct slice *s, struct slice *w)
{
	while (s->len && s->p[0] == ' ') {
		s->p++;
		s->len--;
	}
	if (!s->len)
		return false;
	size_t n = 0;
	while (n < s->len && s->p[n] != ' ')
		n++;
	*w = slice_make(s->p, n);
	s->p += n;
	s->len -= n;
	return true;
}

int
pop3_caps_add_line(struct pop3_caps *c, const char *line, size_t len,
		   struct perr *e)
{
	struct slice s = slice_make(line, strip_eol(line, len)), w;

	if (++c->lines > POP3_MAX_CAPA_LINES)
		return perr_set(e, PERR_PROTO,
				"POP3 CAPA reply longer than %d lines",
				POP3_MAX_CAPA_LINES);
	if (memchr(s.p, '\0', s.len))
		return perr_set(e, PERR_PROTO, "NUL byte in POP3 CAPA reply");
	if (!next_word(&s, &w))
		return 0;
	static const struct {
		const char *name;
		unsigned bit;
	} simple[] = {
		{ "TOP", POP3_CAP_TOP },
		{ "USER", POP3_CAP_USER },
		{ "UIDL", POP3_CAP_UIDL },
		{ "PIPELINING", POP3_CAP_PIPELINING },
		{ "STLS", POP3_CAP_STLS },
		{ "RESP-CODES", POP3_CAP_RESP_CODES },
		{ "AUTH-RESP-CODE", POP3_CAP_AUTH_RESP_CODE },
		{ "UTF8", POP3_CAP_UTF8 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
		if (word_is(w, simple[i].name)) {
			c->bits |= simple[i].bit;
			return 0;
		}
	if (word_is(w, "SASL")) {
		static const struct {
			const char *name;
			unsigned bit;
		} mechs[] = {
			{ "PLAIN", POP3_SASL_PLAIN },
			{ "LOGIN", POP3_SASL_LOGIN },
			{ "XOAUTH2", POP3_SASL_XOAUTH2 },
			{ "OAUTHBEARER", POP3_SASL_OAUTHBEARER },
			{ "CRAM-MD5", POP3_SASL_CRAM_MD5 },
		};
		c->bits |= POP3_CAP_SASL;
		while (next_word(&s, &w))
			for (size_t i = 0; i < ARRAY_SIZE(mechs); i++)
				if (word_is(w, mechs[i].name))
					c->sasl |= mechs[i].bit;
		return 0;
	}
	if (word_is(w, "EXPIRE")) {
		c->bits |= POP3_CAP_EXPIRE;
		if (next_word(&s, &w)) {
			uint64_t v;
			const char *p = w.p;
			if (word_is(w, "NEVER"))
				c->expire_never = true;
			else if (take_number(&p, w.p + w.len, UINT32_MAX, &v))
				c->expire_days = (uint32_t)v;
		}
		return 0;
	}
	if (word_is(w, "LOGIN-DELAY")) {
		c->bits |= POP3_CAP_LOGIN_DELAY;
		if (next_word(&s, &w)) {
			uint64_t v;
			const char *p = w.p;
			if (take_number(&p, w.p + w.len, UINT32_MAX, &v))
				c->login_delay = (uint32_t)v;
		}
		return 0;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * UIDL and LIST
 */
bool
pop3_uid_valid(const char *uid, size_t len)
{
	if (len < 1 || len > POP3_UID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uid[i];
		if (c < 0x21 || c > 0x7e)
			return false;
	}
	return true;
}

/* "n" SP rest: message numbers start at 1 */
static int
take_msgno(const char **p, const char *end, uint32_t *msgno, const char *what,
	   struct perr *e)
{
	uint64_t v;

	if (!take_number(p, end, UINT32_MAX, &v) || v == 0)
		return perr_set(e, PERR_PROTO,
				"bad POP3 %s line: bad message number", what);
	if (*p == end || **p != ' ')
		return perr_set(e, PERR_PROTO,
				"bad POP3 %s line: space expected after the "
				"message number", what);
	(*p)++;
	*msgno = (uint32_t)v;
	return 0;
}

/* "n uid" without checking the UID; *uid borrows from line */
static int
uidl_split(const char *line, size_t len, uint32_t *msgno, struct slice *uid,
	   struct perr *e)
{
	const char *p = line, *end = line + strip_eol(line, len);

	if (take_msgno(&p, end, msgno, "UIDL", e) < 0)
		return -1;
	size_t n = (size_t)(end - p);
	/* Some servers end the line with spaces; nothing else may follow. */
	while (n && p[n - 1] == ' ')
		n--;
	*uid = slice_make(p, n);
	return 0;
}

int
pop3_parse_uidl_line(const char *line, size_t len, uint32_t *msgno,
		     struct slice *uid, struct perr *e)
{
	if (uidl_split(line, len, msgno, uid, e) < 0)
		return -1;
	if (!pop3_uid_valid(uid->p, uid->len))
		return perr_set(e, PERR_PROTO,
				"bad POP3 UIDL line: the UID of message %"
				PRIu32 " is not 1-70 printable characters",
				*msgno);
	return 0;
}

int
pop3_parse_list_line(const char *line, size_t len, uint32_t *msgno,
		     uint64_t *size, struct perr *e)
{
	const char *p = line, *end = line + strip_eol(line, len);

	if (take_msgno(&p, end, msgno, "LIST", e) < 0)
		return -1;
	if (!take_number(&p, end, INT64_MAX, size))
		return perr_set(e, PERR_PROTO,
				"bad POP3 LIST line: bad size for message %"
				PRIu32, *msgno);
	/* RFC 1939 allows more after the size; it must start with SP. */
	if (p != end && *p != ' ')
		return perr_set(e, PERR_PROTO,
				"bad POP3 LIST line: junk after the size of "
				"message %" PRIu32, *msgno);
	return 0;
}

void
pop3_uidl_init(struct pop3_uidl_list *l, size_t max)
{
	l->v = NULL;
	l->n = l->cap = 0;
	l->max = max ? max : 1000000;
	l->skipped = 0;
}

void
pop3_uidl_release(struct pop3_uidl_list *l)
{
	free(l->v);
	pop3_uidl_init(l, l->max);
}

int
pop3_uidl_add(struct pop3_uidl_list *l, const char *line, size_t len,
	      struct perr *e)
{
	uint32_t msgno;
	struct slice uid;

	if (uidl_split(line, len, &msgno, &uid, e) < 0)
		return -1;
	/* A bad UID costs that one message (it stays on the server); a
	 * line that is not "number SP ..." at all means the server is
	 * confused. */
	if (!pop3_uid_valid(uid.p, uid.len)) {
		l->skipped++;
		return 0;
	}
	if (l->n >= l->max)
		return perr_set(e, PERR_PROTO,
				"POP3 UIDL listing longer than %zu messages",
				l->max);
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].msgno = msgno;
	memcpy(l->v[l->n].uid, uid.p, uid.len);
	l->v[l->n].uid[uid.len] = '\0';
	l->n++;
	return 0;
}

void
pop3_apop_digest(const char *timestamp, size_t tslen, const char *secret,
		 size_t secretlen, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	struct pop3_md5 m;
	unsigned char d[16];

	pop3_md5_init(&m);
	pop3_md5_update(&m, timestamp, tslen);
	pop3_md5_update(&m, secret, secretlen);
	pop3_md5_final(&m, d);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[32] = '\0';
}
