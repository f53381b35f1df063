/* SPDX-License-Identifier: ISC */
/*
 * Building an outgoing message: a draft (addresses, subject, a UTF-8
 * text, attachments) in, RFC 5322/MIME bytes with CRLF line ends out.
 *
 * The choices, each the one that keeps the message readable everywhere:
 * header text goes out as RFC 2047 encoded words (encode.c); the text
 * part is 7bit when it can be, 8bit only when the server said 8BITMIME,
 * else quoted-printable or base64, whichever is smaller for this text;
 * attachments are base64 with the file name given twice, RFC 2231 for
 * readers that follow the standard and RFC 2047 in name= for the many
 * that still look there. The multipart boundary starts with "=_", which
 * neither base64 nor quoted-printable can produce, and is checked against
 * the text anyway.
 *
 * Nothing is written to out unless the whole message could be built.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/buf.h"
#include "postie/mime_text.h"

/* RFC 5322 2.1.1: a line MUST be at most 998 octets. */
#define LINE_MAX_OCTETS 998
/* RFC 2045 6.7 (5): encoded lines at most 76 characters. */
#define QP_LINE 76
#define FILENAME_MAX_OCTETS 255

static const char hexdig[] = "0123456789abcdef";

static void
add_hex(struct buf *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_addch(b, hexdig[p[i] >> 4]);
		buf_addch(b, hexdig[p[i] & 15]);
	}
}

char *
mime_make_message_id(const char *addr, const unsigned char *rnd, size_t n)
{
	struct buf b = BUF_INIT;
	const char *at = addr ? strrchr(addr, '@') : NULL;
	const char *dom = at && at[1] && at[1] != '[' ? at + 1 : "localhost";

	buf_addch(&b, '<');
	add_hex(&b, rnd, n);
	buf_addch(&b, '@');
	buf_addstr(&b, dom);
	buf_addch(&b, '>');
	return buf_detach(&b, NULL);
}

void
mime_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* FNV-1a over the address with ASCII letters in lower case. */
static size_t
addr_hash(const char *a)
{
	size_t h = 2166136261u;

	for (; *a; a++)
		h = (h ^ (size_t)ascii_lower((unsigned char)*a)) * 16777619u;
	return h;
}

char **
mime_draft_recipients(const struct mime_draft *d, size_t *n,
		      struct perr *e)
{
	const struct mime_draft_addr *lists[] = { d->to, d->cc, d->bcc };
	const size_t counts[] = { d->nto, d->ncc, d->nbcc };
	const char *const names[] = { "To", "Cc", "Bcc" };
	size_t total = d->nto + d->ncc + d->nbcc, k = 0;

	if (total == 0) {
		perr_set(e, PERR_MESSAGE, "no recipients");
		return NULL;
	}
	/* Duplicates are found through a hash table of the addresses kept,
	 * so that a list of thousands stays linear. */
	size_t nslots = 16;
	while (nslots < 2 * total)
		nslots *= 2;
	size_t *slots = xcalloc(nslots, sizeof(*slots));
	char **v = xcalloc(total + 1, sizeof(*v));
	for (size_t l = 0; l < 3; l++) {
		for (size_t i = 0; i < counts[l]; i++) {
			const char *a = lists[l][i].addr;
			if (mime_addr_check(a, e) < 0) {
				perr_prefix(e, "header '%s'", names[l]);
				mime_strv_free(v);
				free(slots);
				return NULL;
			}
			size_t s = addr_hash(a) & (nslots - 1);
			bool dup = false;
			while (slots[s] && !dup) {
				dup = ascii_strcasecmp(v[slots[s] - 1], a) == 0;
				s = (s + 1) & (nslots - 1);
			}
			if (!dup) {
				slots[s] = k + 1;
				v[k++] = xstrdup(a);
			}
		}
	}
	free(slots);
	if (n)
		*n = k;
	return v;
}

/* A message identifier as RFC 5322 3.6.4 writes it: "<", printable
 * ASCII without space or angle brackets, ">". */
static bool
msgid_ok(const char *s, size_t n)
{
	if (n < 3 || n > 900 || s[0] != '<' || s[n - 1] != '>')
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* Write a field holding message identifiers separated by white space,
 * folding between them. */
static int
put_msgids(struct buf *out, const char *field, const char *v,
	   struct perr *e)
{
	struct mime_fold f;
	size_t n = strlen(v), i = 0, count = 0;

	for (size_t j = 0; j < n; j++)
		if (v[j] == '\r' || v[j] == '\n')
			return perr_set(e, PERR_MESSAGE,
					"header '%s' holds a line break",
					field);
	mime_fold_start(&f, out, field);
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t s = i;
		while (i < n && v[i] != ' ' && v[i] != '\t')
			i++;
		if (i == s)
			break;
		if (!msgid_ok(v + s, i - s))
			return perr_set(e, PERR_MESSAGE,
					"header '%s': bad message id", field);
		mime_fold_token(&f, v + s, i - s, true);
		count++;
	}
	if (count == 0)
		return perr_set(e, PERR_MESSAGE,
				"header '%s' has no message id", field);
	mime_fold_end(&f);
	return 0;
}

/* Fields the builder writes itself; a caller may not add them again. */
static bool
reserved_header(const char *name)
{
	static const char *const names[] = {
		"From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Date",
		"Subject", "Message-ID", "In-Reply-To", "References",
		"MIME-Version", "Content-Type", "Content-Transfer-Encoding",
		"Content-Disposition",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (ascii_strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* The text with every line end (CRLF, LF or a lone CR) made CRLF and a
 * final CRLF added; NUL and invalid UTF-8 are refused. *maxline gets the
 * longest line in octets and *ascii whether it is all ASCII. */
static int
normalise_text(struct buf *t, const char *p, size_t n, size_t *maxline,
	       bool *ascii, struct perr *e)
{
	size_t line = 0, i = 0;

	*maxline = 0;
	*ascii = true;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\r' || c == '\n') {
			buf_add(t, "\r\n", 2);
			i += (c == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2
									 : 1;
			line = 0;
			continue;
		}
		if (c == 0)
			return perr_set(e, PERR_MESSAGE,
					"body holds a NUL byte at offset %zu",
					i);
		uint32_t cp;
		size_t k = c < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
		if (k == 0)
			return perr_set(e, PERR_MESSAGE,
					"body is not valid UTF-8 at offset %zu",
					i);
		if (c >= 0x80)
			*ascii = false;
		buf_add(t, p + i, k);
		i += k;
		line += k;
		if (line > *maxline)
			*maxline = line;
	}
	if (t->len && t->data[t->len - 1] != '\n')
		buf_add(t, "\r\n", 2);
	return 0;
}

/* RFC 2045 6.7 quoted-printable of CRLF text: rules (1) to (5), soft
 * breaks before column 76, never inside an =XX. */
static void
qp_encode(struct buf *out, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *crlf = NULL;
		for (size_t j = i; j + 1 < n; j++)
			if (p[j] == '\r' && p[j + 1] == '\n') {
				crlf = p + j;
				break;
			}
		size_t end = crlf ? (size_t)(crlf - p) : n;
		size_t col = 0;
		for (size_t j = i; j < end; j++) {
			unsigned char c = (unsigned char)p[j];
			bool last = j + 1 == end;
			bool lit = (c >= 33 && c <= 126 && c != '=') ||
				   ((c == ' ' || c == '\t') && !last);
			size_t w = lit ? 1 : 3;
			/* Keep room for the '=' of a soft break unless
			 * this is the line's last character. */
			if (col + w > (last ? QP_LINE : QP_LINE - 1)) {
				buf_add(out, "=\r\n", 3);
				col = 0;
			}
			if (lit) {
				buf_addch(out, c);
			} else {
				buf_addch(out, '=');
				buf_addch(out, "0123456789ABCDEF"[c >> 4]);
				buf_addch(out, "0123456789ABCDEF"[c & 15]);
			}
			col += w;
		}
		if (!crlf)
			break;
		buf_add(out, "\r\n", 2);
		i = end + 2;
	}
}

static void
b64_lines(struct buf *out, const void *p, size_t n)
{
	b64_encode(out, p, n, 76);
	if (out->len && out->data[out->len - 1] != '\n')
		buf_add(out, "\r\n", 2);
}

/* Encode the CRLF text for the wire; returns the encoding's name. */
static const char *
encode_text(struct buf *out, const struct buf *t, size_t maxline,
	    bool ascii, bool eightbit)
{
	if (maxline <= LINE_MAX_OCTETS && (ascii || eightbit)) {
		buf_add(out, t->data, t->len);
		return ascii ? "7bit" : "8bit";
	}
	struct buf qp = BUF_INIT, b64 = BUF_INIT;
	qp_encode(&qp, t->data, t->len);
	b64_lines(&b64, t->data, t->len);
	const char *cte;
	if (qp.len <= b64.len) {
		buf_add(out, qp.data, qp.len);
		cte = "quoted-printable";
	} else {
		buf_add(out, b64.data, b64.len);
		cte = "base64";
	}
	buf_release(&qp);
	buf_release(&b64);
	return cte;
}

/* RFC 2045 5.1: type "/" subtype, both tokens. */
static bool
type_ok(const char *t)
{
	size_t slash = 0, n = strlen(t);

	if (n == 0 || n > 127)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == '/') {
			if (slash || i == 0 || i + 1 == n)
				return false;
			slash = i;
			continue;
		}
		if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"[]?=", c))
			return false;
	}
	return slash != 0;
}

/* RFC 2231 7: attribute-char, what may stay unescaped. */
static bool
attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$&+-.^_`|~", c));
}

/* A file name that can go in a plain quoted parameter. */
static bool
plain_name(const char *s, size_t n)
{
	if (n > 60)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return false;
	}
	return true;
}

struct params {
	char **v;
	size_t n, cap;
};

static void
param_add(struct params *p, struct buf *b)
{
	p->v = xgrow(p->v, &p->cap, p->n + 1, sizeof(*p->v));
	p->v[p->n++] = buf_detach(b, NULL);
}

static void
params_release(struct params *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Write "field: value; p1; p2" with the parameters as tokens. Tokens
 * that begin with a space continue the previous one after white space
 * (FWS inside a quoted string, RFC 5322 3.2.4). */
static void
put_params(struct buf *out, const char *field, const char *value,
	   const struct params *p)
{
	struct mime_fold f;

	mime_fold_start(&f, out, field);
	mime_fold_token(&f, value, strlen(value), true);
	for (size_t i = 0; i < p->n; i++) {
		const char *t = p->v[i];
		bool cont = t[0] == ' ';
		if (!cont)
			mime_fold_token(&f, ";", 1, false);
		mime_fold_token(&f, t + cont, strlen(t + cont), true);
	}
	mime_fold_end(&f);
}

/* name= in RFC 2047 form (or plain), split into tokens at the spaces
 * between encoded words. */
static void
name_params(struct params *p, const char *attr, const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s=\"", attr);
	if (plain_name(s, n)) {
		buf_add(&b, s, n);
		buf_addch(&b, '"');
		param_add(p, &b);
		return;
	}
	/* 64 keeps ' name="' + word + '"' within 78 columns. */
	struct buf w = BUF_INIT;
	mime_encode_words(&w, s, n, false, 64);
	size_t i = 0;
	while (i < w.len) {
		const char *sp = memchr(w.data + i, ' ', w.len - i);
		size_t e = sp ? (size_t)(sp - w.data) : w.len;
		if (b.len == 0)
			buf_addch(&b, ' ');
		buf_add(&b, w.data + i, e - i);
		if (!sp)
			buf_addch(&b, '"');
		param_add(p, &b);
		i = e + 1;
	}
	buf_release(&w);
}

/* Is p the %XX form of a UTF-8 continuation byte (0x80 to 0xBF)? */
static bool
cont_byte(const char *p, size_t n)
{
	return n >= 3 && p[0] == '%' && (p[1] == '8' || p[1] == '9' ||
					 p[1] == 'A' || p[1] == 'B');
}

/* filename= plain, or RFC 2231 filename*= with %XX escapes, split into
 * numbered sections (filename*0*=, filename*1*=, ...) when long. */
static void
filename_params(struct params *p, const char *s, size_t n)
{
	struct buf b = BUF_INIT, pct = BUF_INIT;

	if (plain_name(s, n)) {
		buf_addstr(&b, "filename=\"");
		buf_add(&b, s, n);
		buf_addch(&b, '"');
		param_add(p, &b);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (attr_char(c)) {
			buf_addch(&pct, c);
		} else {
			buf_addch(&pct, '%');
			buf_addch(&pct, "0123456789ABCDEF"[c >> 4]);
			buf_addch(&pct, "0123456789ABCDEF"[c & 15]);
		}
	}
	if (pct.len <= 50) {
		buf_addstr(&b, "filename*=UTF-8''");
		buf_add(&b, pct.data, pct.len);
		param_add(p, &b);
		buf_release(&pct);
		return;
	}
	size_t i = 0, sec = 0;
	while (i < pct.len) {
		size_t take = pct.len - i > 54 ? 54 : pct.len - i;
		/* Never cut inside a %XX, nor (for readers that decode
		 * each section alone) inside a UTF-8 character. */
		if (i + take < pct.len) {
			if (pct.data[i + take - 1] == '%')
				take -= 1;
			else if (take >= 2 && pct.data[i + take - 2] == '%')
				take -= 2;
			while (take > 3 && cont_byte(pct.data + i + take,
						     pct.len - i - take))
				take -= 3;
		}
		buf_addf(&b, "filename*%zu*=%s", sec, sec ? "" : "UTF-8''");
		buf_add(&b, pct.data + i, take);
		param_add(p, &b);
		i += take;
		sec++;
	}
	buf_release(&pct);
}

/* How (p, len) may go unencoded: 7 (ASCII), 8 (with 8-bit bytes) or 0
 * (not at all: a NUL, a bare CR or a line over 998 octets). */
static int
body_class(const char *p, size_t len)
{
	size_t col = 0;
	int cls = 7;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0 ||
		    (c == '\r' && (i + 1 >= len || p[i + 1] != '\n')))
			return 0;
		if (c >= 0x80)
			cls = 8;
		if (c == '\n') {
			col = 0;
			continue;
		}
		if (c != '\r' && ++col > 998)
			return 0;
	}
	return cls;
}

/* Append (p, len) with every line ending in CRLF. */
static void
put_crlf(struct buf *out, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			buf_addch(out, '\r');
		buf_addch(out, p[i]);
	}
	if (len && p[len - 1] != '\n')
		buf_add(out, "\r\n", 2);
}

static int
put_file(struct buf *out, const char *boundary,
	 const struct mime_draft_file *fl, size_t idx, bool eightbit,
	 struct perr *e)
{
	const char *fname = fl->filename ? fl->filename : "";
	size_t fn = strlen(fname);
	struct params ct = { 0 }, cd = { 0 };
	const char *type = fl->type;
	struct buf tb = BUF_INIT;

	for (size_t i = 0; i < fn; i++)
		if ((unsigned char)fname[i] < 0x20 || fname[i] == 0x7f)
			return perr_set(e, PERR_MESSAGE,
					"attachment %zu: file name holds a "
					"control character", idx + 1);
	if (!utf8_valid(fname, fn))
		return perr_set(e, PERR_MESSAGE,
				"attachment %zu: file name is not valid "
				"UTF-8", idx + 1);
	if (fn > FILENAME_MAX_OCTETS)
		return perr_set(e, PERR_MESSAGE,
				"attachment %zu: file name longer than %d "
				"octets", idx + 1, FILENAME_MAX_OCTETS);
	if (fl->len && !fl->data)
		return perr_set(e, PERR_MESSAGE,
				"attachment %zu: no data", idx + 1);
	if (type && !type_ok(type))
		return perr_set(e, PERR_MESSAGE,
				"attachment %zu: bad media type", idx + 1);
	if (!type) {
		type = mime_type_guess(fn ? fname : NULL, fl->data, fl->len);
		if (strncmp(type, "text/", 5) == 0 &&
		    utf8_valid(fl->data, fl->len)) {
			buf_addstr(&tb, "charset=UTF-8");
			param_add(&ct, &tb);
		}
	}
	if (fn) {
		name_params(&ct, "name", fname, fn);
		filename_params(&cd, fname, fn);
	}
	buf_addf(out, "--%s\r\n", boundary);
	put_params(out, "Content-Type", type, &ct);
	put_params(out, "Content-Disposition", "attachment", &cd);
	/* RFC 2046 5.2.1: a message/rfc822 body is 7bit, 8bit or binary,
	 * never base64 or quoted-printable. A message that is neither 7bit
	 * nor allowed as 8bit (no 8BITMIME) goes in base64 all the same:
	 * readers take it, and changing its bytes would break signatures. */
	int cls = ascii_strcasecmp(type, "message/rfc822") == 0 && fl->len
			  ? body_class(fl->data, fl->len)
			  : 0;
	if (cls == 7 || (cls == 8 && eightbit)) {
		buf_addf(out, "Content-Transfer-Encoding: %dbit\r\n\r\n",
			 cls);
		put_crlf(out, fl->data, fl->len);
	} else {
		buf_addstr(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		b64_lines(out, fl->data, fl->len);
	}
	params_release(&ct);
	params_release(&cd);
	return 0;
}

static int
put_headers(struct buf *out, const struct mime_draft *d, struct perr *e)
{
	buf_addstr(out, "Date: ");
	if (mime_date_format(out, d->date, d->zone_min, e) < 0)
		return -1;
	buf_add(out, "\r\n", 2);
	if (mime_put_addresses(out, "From", &d->from, 1, e) < 0)
		return -1;
	if (d->reply_to &&
	    mime_put_addresses(out, "Reply-To", d->reply_to, 1, e) < 0)
		return -1;
	if (d->nto && mime_put_addresses(out, "To", d->to, d->nto, e) < 0)
		return -1;
	if (d->ncc && mime_put_addresses(out, "Cc", d->cc, d->ncc, e) < 0)
		return -1;
	/* Bcc: checked, never written (the envelope carries it). */
	for (size_t i = 0; i < d->nbcc; i++)
		if (mime_addr_check(d->bcc[i].addr, e) < 0)
			return perr_prefix(e, "header 'Bcc'");
	if (mime_put_unstructured(out, "Subject", d->subject, e) < 0)
		return -1;

	char *id = d->message_id ? xstrdup(d->message_id)
				 : mime_make_message_id(d->from.addr,
							d->random, 12);
	int r = put_msgids(out, "Message-ID", id, e);
	free(id);
	if (r < 0)
		return -1;
	if (d->in_reply_to && *d->in_reply_to &&
	    put_msgids(out, "In-Reply-To", d->in_reply_to, e) < 0)
		return -1;
	if (d->references && *d->references &&
	    put_msgids(out, "References", d->references, e) < 0)
		return -1;
	for (size_t i = 0; i < d->nheaders; i++) {
		const struct mime_draft_header *h = &d->headers[i];
		if (!h->name)
			return perr_set(e, PERR_MESSAGE,
					"extra header %zu has no name", i + 1);
		if (reserved_header(h->name))
			return perr_set(e, PERR_MESSAGE,
					"header '%s' is written from the "
					"draft's own field", h->name);
		if (mime_put_unstructured(out, h->name, h->value, e) < 0)
			return -1;
	}
	buf_addstr(out, "MIME-Version: 1.0\r\n");
	return 0;
}

int
mime_draft_build(const struct mime_draft *d, struct buf *out,
		 struct perr *e)
{
	size_t start = out->len, maxline;
	struct buf text = BUF_INIT, body = BUF_INIT, boundary = BUF_INIT;
	bool ascii;
	int r = -1;

	if (!d->random || d->random_len < MIME_DRAFT_RANDOM_MIN) {
		perr_set(e, PERR_MESSAGE,
			 "%zu random bytes given, %d needed",
			 d->random ? d->random_len : 0,
			 MIME_DRAFT_RANDOM_MIN);
		goto out;
	}
	if (d->body_len && !d->body) {
		perr_set(e, PERR_MESSAGE, "body of %zu bytes missing",
			 d->body_len);
		goto out;
	}
	if (normalise_text(&text, d->body ? d->body : "", d->body_len,
			   &maxline, &ascii, e) < 0)
		goto out;
	if (d->flowed) {
		struct buf fl = BUF_INIT;
		mime_flowed_encode(&fl, text.data, text.len, 0);
		buf_reset(&text);
		/* cannot fail: the same text passed the checks above */
		normalise_text(&text, fl.data, fl.len, &maxline, &ascii, e);
		buf_release(&fl);
	}
	const char *ctype = d->flowed ? "Content-Type: text/plain; "
					"charset=UTF-8; format=flowed; "
					"delsp=yes\r\n"
				      : "Content-Type: text/plain; "
					"charset=UTF-8\r\n";
	const char *cte = encode_text(&body, &text, maxline, ascii,
				      d->eightbit);

	if (put_headers(out, d, e) < 0)
		goto out;

	if (d->nfiles == 0) {
		buf_addstr(out, ctype);
		buf_addf(out, "Content-Transfer-Encoding: %s\r\n\r\n", cte);
		buf_add(out, body.data, body.len);
		r = 0;
		goto out;
	}

	/* "=_" cannot occur in base64 or quoted-printable; a 7bit or 8bit
	 * text could hold anything, so look, and change it if need be. */
	for (unsigned n = 0;; n++) {
		buf_reset(&boundary);
		buf_addstr(&boundary, "=_");
		add_hex(&boundary, d->random + 12, 12);
		if (n)
			buf_addf(&boundary, ".%u", n);
		if (!ascii_memcasemem(body.data, body.len, boundary.data))
			break;
	}
	buf_addf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n",
		 boundary.data);
	buf_addstr(out, "\r\nThis is a message in MIME format.\r\n");
	buf_addf(out, "\r\n--%s\r\n", boundary.data);
	buf_addstr(out, ctype);
	buf_addf(out, "Content-Transfer-Encoding: %s\r\n\r\n", cte);
	buf_add(out, body.data, body.len);
	for (size_t i = 0; i < d->nfiles; i++) {
		buf_add(out, "\r\n", 2);
		if (put_file(out, boundary.data, &d->files[i], i, d->eightbit,
			     e) < 0)
			goto out;
	}
	buf_addf(out, "\r\n--%s--\r\n", boundary.data);
	r = 0;
out:
	if (r < 0)
		buf_truncate(out, start);
	buf_release(&text);
	buf_release(&body);
	buf_release(&boundary);
	return r;
}
