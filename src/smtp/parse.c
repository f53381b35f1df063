/* SPDX-License-Identifier: ISC */
/*
 * The pure parts of the SMTP client: the reply parser, the EHLO
 * capability parser and the DATA encoder. No I/O: bytes in, structures or
 * bytes out, so they are tested from tables and can be fuzzed.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/smtp.h"

/* ---------------------------------------------------------------------
 * Replies. RFC 5321 4.2:
 *
 *	Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *	             Reply-code [ SP textstring ] CRLF
 *	Reply-code = %x32-35 %x30-35 %x30-39
 *
 * The grammar is stricter on the second digit than servers are (some send
 * 2.x.x codes like "271"); we take 200-599 whole and refuse the rest.
 */
void
smtp_reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text);
}

void
smtp_reply_release(struct smtp_reply *r)
{
	buf_release(&r->text);
	smtp_reply_init(r);
}

void
smtp_reply_reset(struct smtp_reply *r)
{
	buf_reset(&r->text);
	r->code = 0;
	r->enh[0] = '\0';
	r->nlines = 0;
	r->done = false;
}

/* An RFC 3463 code at the start of text: class "." subject "." detail,
 * class 2, 4 or 5, 1-3 and 1-3 digits. Copies it to enh. */
static void
parse_enh(struct smtp_reply *r, const char *p, size_t n)
{
	size_t i = 0, parts = 0, digits = 0;

	if (n < 5 || (p[0] != '2' && p[0] != '4' && p[0] != '5'))
		return;
	for (i = 0; i < n && i < sizeof(r->enh) - 1; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (++digits > 3)
				return;
		} else if (p[i] == '.' && digits > 0 && parts < 2) {
			parts++;
			digits = 0;
		} else {
			break;
		}
	}
	if (parts != 2 || digits == 0 || (i < n && p[i] != ' '))
		return;
	memcpy(r->enh, p, i);
	r->enh[i] = '\0';
}

int
smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len,
		struct perr *e)
{
	if (r->done)
		smtp_reply_reset(r);
	if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '9' || line[2] < '0' || line[2] > '9')
		return perr_set(e, PERR_PROTO, "malformed reply line '%.*s'",
				(int)(len > 60 ? 60 : len), line);
	if (len > 3 && line[3] != ' ' && line[3] != '-')
		return perr_set(e, PERR_PROTO, "malformed reply line '%.*s'",
				(int)(len > 60 ? 60 : len), line);
	int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		   (line[2] - '0');
	if (r->nlines > 0 && code != r->code)
		return perr_set(e, PERR_PROTO, "reply mixes codes %d and %d",
				r->code, code);
	const char *text = len > 4 ? line + 4 : "";
	size_t tlen = len > 4 ? len - 4 : 0;
	for (size_t i = 0; i < tlen; i++) {
		unsigned char ch = (unsigned char)text[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return perr_set(e, PERR_PROTO, "control byte 0x%02x "
					"in a reply", ch);
	}
	if (r->nlines + 1 > SMTP_REPLY_MAX_LINES)
		return perr_set(e, PERR_PROTO, "reply longer than %d lines",
				SMTP_REPLY_MAX_LINES);
	if (r->text.len + tlen + 1 > SMTP_REPLY_MAX_BYTES)
		return perr_set(e, PERR_PROTO, "reply longer than %d bytes",
				SMTP_REPLY_MAX_BYTES);
	if (r->nlines == 0) {
		r->code = code;
		parse_enh(r, text, tlen);
	} else {
		buf_addch(&r->text, '\n');
	}
	buf_add(&r->text, text, tlen);
	r->nlines++;
	if (len > 3 && line[3] == '-')
		return 0;
	r->done = true;
	return 1;
}

void
smtp_reply_describe(const struct smtp_reply *r, struct buf *b)
{
	const char *nl = memchr(r->text.data, '\n', r->text.len);
	size_t n = nl ? (size_t)(nl - r->text.data) : r->text.len;

	n = utf8_cut(r->text.data, n, 200);
	buf_addf(b, "%d", r->code);
	if (n)
		buf_addf(b, " %.*s", (int)n, r->text.data);
}

/* ---------------------------------------------------------------------
 * Capabilities. RFC 5321 4.1.1.1: after the greeting line, each line is
 * an ehlo-keyword (ALPHA / DIGIT, then also "-") and parameters.
 */
static const char *const cap_names[] = {
#define SMTP_CAP_NAME_(name, text) text,
	SMTP_CAP_TABLE(SMTP_CAP_NAME_)
#undef SMTP_CAP_NAME_
};

static bool
sasl_name_ok(struct slice w)
{
	/* RFC 4422 3.1: 1 to 20 of upper-case letters, digits, '-', '_' */
	if (w.len == 0 || w.len > 20)
		return false;
	for (size_t i = 0; i < w.len; i++) {
		unsigned char ch = (unsigned char)w.p[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

static void
add_auth(struct smtp_caps *c, struct slice params)
{
	struct slice w;

	for (;;) {
		bool more = slice_split(&params, ' ', &w);
		size_t have = strlen(c->auth);
		if (sasl_name_ok(w) && have + w.len + 2 < sizeof(c->auth)) {
			char name[24];
			for (size_t i = 0; i < w.len; i++)
				name[i] = (char)(w.p[i] >= 'a' && w.p[i] <= 'z'
							 ? w.p[i] - 32
							 : w.p[i]);
			name[w.len] = '\0';
			/* skip a name listed twice (AUTH and AUTH=) */
			struct slice all = slice_cstr(c->auth), x;
			bool dup = false;
			for (;;) {
				bool m = slice_split(&all, ' ', &x);
				if (x.len && slice_eq(x, name))
					dup = true;
				if (!m)
					break;
			}
			if (!dup) {
				if (have)
					c->auth[have++] = ' ';
				memcpy(c->auth + have, name, w.len + 1);
			}
		}
		if (!more)
			break;
	}
}

void
smtp_caps_parse(struct smtp_caps *c, const struct smtp_reply *r)
{
	struct slice all = slice_make(r->text.data, r->text.len);
	struct slice line;
	bool first = true;

	memset(c, 0, sizeof(*c));
	for (;;) {
		bool more = slice_split(&all, '\n', &line);
		if (!first) {
			struct slice kw, params = slice_trim(line);
			bool has_params = slice_split(&params, ' ', &kw);
			if (!has_params)
				params = slice_make("", 0);
			/* Old servers say "AUTH=PLAIN LOGIN" */
			if (slice_starts_ci(kw, "AUTH=")) {
				c->flags |= SMTP_CAP(AUTH);
				add_auth(c, slice_make(kw.p + 5, kw.len - 5));
				add_auth(c, params);
			}
			for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++) {
				if (!slice_eq_ci(kw, cap_names[i]))
					continue;
				c->flags |= 1u << i;
				if (i == SMTP_CAPB_SIZE) {
					uint64_t v = 0;
					if (slice_to_u64(slice_trim(params),
							 UINT64_MAX / 2, &v))
						c->size = v;
				} else if (i == SMTP_CAPB_AUTH) {
					add_auth(c, params);
				}
			}
		}
		first = false;
		if (!more)
			break;
	}
}

void
smtp_caps_describe(const struct smtp_caps *c, struct buf *b)
{
	size_t start = b->len;

	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++) {
		if (!(c->flags & (1u << i)))
			continue;
		if (b->len > start)
			buf_addch(b, ' ');
		buf_addstr(b, cap_names[i]);
		if (i == SMTP_CAPB_SIZE && c->size)
			buf_addf(b, "=%llu", (unsigned long long)c->size);
		if (i == SMTP_CAPB_AUTH && c->auth[0]) {
			buf_addch(b, '=');
			for (const char *p = c->auth; *p; p++)
				buf_addch(b, *p == ' ' ? ',' : *p);
		}
	}
}

/* ---------------------------------------------------------------------
 * DATA encoding.
 */
void
smtp_dot_init(struct smtp_dot *d)
{
	memset(d, 0, sizeof(*d));
	d->lineno = 1;
}

static void
end_line(struct smtp_dot *d, struct buf *out)
{
	buf_add(out, "\r\n", 2);
	d->linelen = 0;
	d->lineno++;
}

int
smtp_dot_encode(struct smtp_dot *d, struct buf *out, const char *p,
		size_t n, struct perr *e)
{
	size_t i = 0;

	buf_grow(out, n + n / 64 + 8);
	while (i < n) {
		char ch = p[i];

		if (d->cr) {
			/* A CR seen last: CRLF or a bare CR, both one line
			 * end. */
			d->cr = false;
			end_line(d, out);
			if (ch == '\n') {
				i++;
				continue;
			}
		}
		if (ch == '\r') {
			d->cr = true;
			d->any = true;
			i++;
			continue;
		}
		if (ch == '\n') {
			end_line(d, out);
			d->any = true;
			i++;
			continue;
		}
		/* A run of ordinary bytes up to the next CR, LF or NUL. */
		size_t j = i;
		while (j < n && p[j] != '\r' && p[j] != '\n' && p[j] != '\0')
			j++;
		if (j == i) {
			return perr_set(e, PERR_MESSAGE, "NUL byte in the "
					"message at line %zu", d->lineno);
		}
		if (d->linelen == 0 && ch == '.')
			buf_addch(out, '.');
		if (d->linelen + (j - i) > SMTP_MAX_TEXT_LINE)
			return perr_set(e, PERR_MESSAGE, "line %zu of the "
					"message is longer than %d octets",
					d->lineno, SMTP_MAX_TEXT_LINE);
		buf_add(out, p + i, j - i);
		d->linelen += j - i;
		d->any = true;
		i = j;
	}
	return 0;
}

void
smtp_dot_finish(struct smtp_dot *d, struct buf *out)
{
	if (d->cr) {
		d->cr = false;
		end_line(d, out);
	} else if (d->linelen > 0) {
		end_line(d, out);
	}
	buf_add(out, ".\r\n", 3);
}
