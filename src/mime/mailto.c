/* SPDX-License-Identifier: ISC */
/*
 * mime: mailto: URLs (RFC 6068), read into the few fields a link may set
 * in a new message.
 *
 * A link is written by a stranger and followed with one click, so it is
 * given as little power as RFC 6068 section 6 allows: To, Cc, Subject,
 * Body and In-Reply-To. A link that names From, Bcc, Reply-To or an
 * attachment (several clients once attached local files named by
 * "attach=") is followed without those, and the names are listed so that
 * the composer can say what was left out. Header values are refused, not
 * cleaned, when they hold CR or LF: a %0D%0A in a subject is an attempt to
 * add header lines (hostile-32, hostile-46), and a link that tries is not
 * one to follow halfway.
 *
 * Percent escapes are decoded exactly once, so "%250A" is the text "%0A"
 * and never a line feed; an escape that is not '%' and two hex digits is
 * an error rather than text, because RFC 3986 has no such thing and a
 * browser would not have produced it. '+' is not a space here (that is
 * HTML forms' encoding, not URLs').
 *
 * One pass over the URL; every value is bounded before it is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/mime_text.h"

void
mime_mailto_release(struct mime_mailto *m)
{
	for (size_t i = 0; i < m->nto; i++)
		free(m->to[i]);
	free(m->to);
	for (size_t i = 0; i < m->ncc; i++)
		free(m->cc[i]);
	free(m->cc);
	free(m->subject);
	free(m->body);
	free(m->in_reply_to);
	size_t kept = m->nignored < MIME_MAILTO_IGNORED_MAX
			      ? m->nignored
			      : MIME_MAILTO_IGNORED_MAX;
	for (size_t i = 0; i < kept; i++)
		free(m->ignored[i]);
	memset(m, 0, sizeof(*m));
}

/* How a decoded value may look. */
enum field_kind {
	FK_NAME,   /* a header name: any text, checked by the caller */
	FK_HEADER, /* one line: no control character but tab */
	FK_BODY,   /* text: CR, LF and tab allowed */
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)ascii_lower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Append the percent-decoding of url[at .. at + len) to out, checking
 * each byte against kind. what names the field in messages. */
static int
decode(struct buf *out, const char *url, size_t at, size_t len,
       enum field_kind kind, const char *what, struct perr *e)
{
	size_t start = out->len;
	for (size_t i = at; i < at + len; i++) {
		size_t pos = i;
		unsigned char c = (unsigned char)url[i];
		if (c == '%') {
			bool two = i + 2 < at + len;
			int hi = two ? hexval(url[i + 1]) : -1;
			int lo = two ? hexval(url[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return perr_set(e, PERR_MESSAGE,
						"mailto: invalid percent "
						"escape in '%s' at offset %zu",
						what, pos);
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c == 0)
			return perr_set(e, PERR_MESSAGE,
					"mailto: NUL (%%00) in '%s' at offset "
					"%zu", what, pos);
		if ((c == '\r' || c == '\n') && kind != FK_BODY)
			return perr_set(e, PERR_MESSAGE,
					"mailto: CR or LF in '%s' at offset "
					"%zu (it would add header lines)",
					what, pos);
		if ((c < 0x20 || c == 0x7f) && c != '\t' && c != '\r' &&
		    c != '\n' && kind != FK_NAME)
			return perr_set(e, PERR_MESSAGE,
					"mailto: control character 0x%02x in "
					"'%s' at offset %zu",
					c, what, pos);
		buf_addch(out, (char)c);
	}
	if (!utf8_valid(out->data + start, out->len - start))
		return perr_set(e, PERR_MESSAGE,
				"mailto: '%s' at offset %zu is not UTF-8 once "
				"decoded", what, at);
	return 0;
}

/* Add the comma-separated addresses of url[at .. at + len) to *v. The
 * split comes before decoding, so a %2C inside a quoted local part stays
 * in its address (RFC 6068 section 2). */
static int
add_addresses(struct mime_mailto *m, char ***v, size_t *n, const char *url,
	      size_t at, size_t len, const char *what, struct perr *e)
{
	struct buf b = BUF_INIT;
	size_t end = at + len;
	while (at < end) {
		const char *comma = memchr(url + at, ',', end - at);
		size_t piece = comma ? (size_t)(comma - url) - at : end - at;
		buf_reset(&b);
		if (decode(&b, url, at, piece, FK_HEADER, what, e) < 0)
			goto fail;
		struct slice s = slice_trim(slice_make(b.data, b.len));
		if (s.len) {
			if (m->nto + m->ncc >= MIME_MAILTO_RCPT_MAX) {
				perr_set(e, PERR_MESSAGE,
					 "mailto: more than %d addresses",
					 MIME_MAILTO_RCPT_MAX);
				goto fail;
			}
			char *addr = slice_dup(s);
			if (mime_addr_check(addr, e) < 0) {
				free(addr);
				perr_prefix(e, "mailto: '%s' at offset %zu",
					    what, at);
				goto fail;
			}
			*v = xrealloc(*v, (*n + 1) * sizeof(**v));
			(*v)[(*n)++] = addr;
		}
		at += piece + 1;
	}
	buf_release(&b);
	return 0;
fail:
	buf_release(&b);
	return -1;
}

/* A header value given once: decoded, checked, bounded. */
static int
set_once(char **dst, const char *url, size_t at, size_t len,
	 enum field_kind kind, const char *what, struct perr *e)
{
	if (*dst)
		return perr_set(e, PERR_MESSAGE,
				"mailto: '%s' given twice (offset %zu)", what,
				at);
	struct buf b = BUF_INIT;
	if (decode(&b, url, at, len, kind, what, e) < 0)
		goto fail;
	if (kind == FK_HEADER && b.len > MIME_MAILTO_FIELD_MAX) {
		perr_set(e, PERR_MESSAGE,
			 "mailto: '%s' longer than %d bytes", what,
			 MIME_MAILTO_FIELD_MAX);
		goto fail;
	}
	if (kind == FK_BODY) {
		/* RFC 6068 section 5: line breaks are %0D%0A; we keep "\n",
		 * and a lone CR or LF counts as one too. */
		size_t w = 0;
		for (size_t r = 0; r < b.len; r++) {
			if (b.data[r] == '\r') {
				b.data[w++] = '\n';
				if (r + 1 < b.len && b.data[r + 1] == '\n')
					r++;
			} else {
				b.data[w++] = b.data[r];
			}
		}
		buf_truncate(&b, w);
	} else {
		for (size_t r = 0; r < b.len; r++)
			if (b.data[r] == '\t')
				b.data[r] = ' ';
	}
	*dst = buf_detach(&b, NULL);
	return 0;
fail:
	buf_release(&b);
	return -1;
}

/* "<id-left@id-right>": one message identifier, no space, no brackets
 * inside (RFC 5322 section 3.6.4, the dot-atom and no-fold forms). */
static bool
is_msgid(const char *s)
{
	size_t n = strlen(s);
	if (n < 5 || s[0] != '<' || s[n - 1] != '>')
		return false;
	const char *at = memchr(s, '@', n);
	if (!at || at == s + 1 || at == s + n - 2)
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>')
			return false;
	}
	return true;
}

static void
note_ignored(struct mime_mailto *m, const char *name, size_t len)
{
	if (m->nignored < MIME_MAILTO_IGNORED_MAX) {
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < len && i < 64; i++) {
			unsigned char c = (unsigned char)name[i];
			buf_addch(&b, c > ' ' && c < 0x7f ? ascii_lower(c)
							   : '?');
		}
		m->ignored[m->nignored] = buf_detach(&b, NULL);
	}
	m->nignored++;
}

/* One "name=value" of the query. */
static int
hfield(struct mime_mailto *m, const char *url, size_t at, size_t len,
       struct perr *e)
{
	const char *eq = memchr(url + at, '=', len);
	size_t nlen = eq ? (size_t)(eq - url) - at : len;
	size_t vat = at + nlen + (eq ? 1 : 0);
	size_t vlen = len - nlen - (eq ? 1 : 0);
	struct buf name = BUF_INIT;
	int ret = -1;

	if (decode(&name, url, at, nlen, FK_NAME, "header name", e) < 0)
		goto out;
	if (name.len == 0) {
		perr_set(e, PERR_MESSAGE,
			 "mailto: empty header name at offset %zu", at);
		goto out;
	}
	if (slice_eq_ci(slice_make(name.data, name.len), "to")) {
		ret = add_addresses(m, &m->to, &m->nto, url, vat, vlen, "to",
				    e);
	} else if (slice_eq_ci(slice_make(name.data, name.len), "cc")) {
		ret = add_addresses(m, &m->cc, &m->ncc, url, vat, vlen, "cc",
				    e);
	} else if (slice_eq_ci(slice_make(name.data, name.len), "subject")) {
		ret = set_once(&m->subject, url, vat, vlen, FK_HEADER,
			       "subject", e);
	} else if (slice_eq_ci(slice_make(name.data, name.len), "body")) {
		ret = set_once(&m->body, url, vat, vlen, FK_BODY, "body", e);
	} else if (slice_eq_ci(slice_make(name.data, name.len),
			       "in-reply-to")) {
		ret = set_once(&m->in_reply_to, url, vat, vlen, FK_HEADER,
			       "in-reply-to", e);
		if (ret == 0 && !is_msgid(m->in_reply_to))
			ret = perr_set(e, PERR_MESSAGE,
				       "mailto: 'in-reply-to' at offset %zu "
				       "is not one message identifier "
				       "<id@host>", vat);
	} else {
		note_ignored(m, name.data, name.len);
		ret = 0;
	}
out:
	buf_release(&name);
	return ret;
}

int
mime_mailto_parse(const char *url, struct mime_mailto *out, struct perr *e)
{
	memset(out, 0, sizeof(*out));
	if (!url)
		return perr_set(e, PERR_MESSAGE, "mailto: no URL");
	size_t n = strnlen(url, (size_t)MIME_MAILTO_MAX + 1);
	if (n > MIME_MAILTO_MAX)
		return perr_set(e, PERR_MESSAGE,
				"mailto: URL longer than %d bytes",
				MIME_MAILTO_MAX);
	if (n < 7 || ascii_strncasecmp(url, "mailto:", 7) != 0)
		return perr_set(e, PERR_MESSAGE,
				"not a mailto: URL: does not start with "
				"'mailto:'");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c < 0x20 || c == 0x7f)
			return perr_set(e, PERR_MESSAGE,
					"mailto: raw control character 0x%02x "
					"at offset %zu", c, i);
	}

	const char *q = memchr(url + 7, '?', n - 7);
	size_t pend = q ? (size_t)(q - url) : n;
	if (add_addresses(out, &out->to, &out->nto, url, 7, pend - 7, "to",
			  e) < 0)
		goto fail;
	for (size_t at = pend + 1; q && at <= n;) {
		const char *amp = memchr(url + at, '&', n - at);
		size_t len = amp ? (size_t)(amp - url) - at : n - at;
		if (len && hfield(out, url, at, len, e) < 0)
			goto fail;
		at += len + 1;
	}
	return 0;
fail:
	mime_mailto_release(out);
	return -1;
}
