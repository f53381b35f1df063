/* SPDX-License-Identifier: ISC */
/*
 * Header blocks (RFC 5322 section 2.2 and the obsolete syntax of section
 * 4), RFC 2047 encoded words and RFC 2231 parameters.
 *
 * Everything here is lenient in what it reads because real mail is: bare
 * LF line ends, "Name : value", a mbox "From " line on top, encoded words
 * with spaces inside or in quoted strings, parameters that are RFC 2047
 * encoded instead of RFC 2231. What does not parse is kept as written,
 * never dropped. All loops are linear in the input.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"
#include "private.h"

/* ---------------------------------------------------------------------
 * Header block
 */

/* Is (p, n) a field line "name: ..." (or obsolete "name : ...")? Sets
 * *colon to the colon's offset. The name is printable ASCII without
 * spaces (stray spaces before the colon are allowed) and not empty. */
static bool
field_line(const char *p, size_t n, size_t *colon)
{
	size_t i = 0;

	while (i < n && p[i] != ':') {
		unsigned char c = (unsigned char)p[i];
		if (c <= ' ' || c >= 0x7f)
			break;
		i++;
	}
	size_t name_end = i;
	while (i < n && is_wsp(p[i]))
		i++;
	if (i >= n || p[i] != ':' || name_end == 0)
		return false;
	*colon = i;
	return true;
}

/* A field line with a broken name: printable text with spaces or tabs,
 * at most 100 bytes, then a colon. */
static bool
bad_field_line(const char *p, size_t n)
{
	if (n == 0 || (unsigned char)p[0] <= ' ' || p[0] == ':')
		return false;
	for (size_t i = 1; i < n && i <= 101; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ':')
			return true;
		if ((c < ' ' && c != '\t') || c >= 0x7f)
			return false;
	}
	return false;
}

static size_t line_end(const char *p, size_t len, size_t pos, size_t *eol);

/* After a line that is not a field: do the next (at most 200) lines up
 * to an empty line look like the rest of a header block? At least three
 * fields, and more fields than other lines. Called at most once per
 * block, so parsing stays linear. */
static bool
block_goes_on(const char *p, size_t len, size_t pos)
{
	size_t fields = 0, other = 0, eol, c;

	for (int n = 0; n < 200 && pos < len; n++) {
		size_t next = line_end(p, len, pos, &eol);
		if (eol == pos)
			return fields >= 3 && fields > other;
		if (field_line(p + pos, eol - pos, &c))
			fields++;
		else if (!is_wsp(p[pos]))
			other++;
		pos = next;
	}
	return false;
}

/* End of the line at pos: *eol is where CR LF or LF starts, the return
 * value where the next line starts. */
static size_t
line_end(const char *p, size_t len, size_t pos, size_t *eol)
{
	const char *nl = memchr(p + pos, '\n', len - pos);
	size_t e = nl ? (size_t)(nl - p) : len;
	size_t next = nl ? e + 1 : len;

	if (e > pos && p[e - 1] == '\r')
		e--;
	*eol = e;
	return next;
}

void
mime_headers_parse(struct mime_headers *h, const char *p, size_t len,
		   size_t *body_off)
{
	size_t pos = 0, eol, next;
	struct mime_field *cur = NULL;
	bool looked = false, goes_on = false;

	memset(h, 0, sizeof(*h));
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	if (len - pos >= 5 && memcmp(p + pos, "From ", 5) == 0) {
		/* a mbox separator, unless it is "From : x" */
		size_t c;
		next = line_end(p, len, pos, &eol);
		if (!field_line(p + pos, eol - pos, &c))
			pos = next;
	}
	while (pos < len) {
		next = line_end(p, len, pos, &eol);
		if (eol == pos) {
			pos = next;
			goto out;
		}
		if (is_wsp(p[pos])) {
			/* A continuation line; one with nothing before it
			 * (or after a dropped field) is ignored. */
			if (cur)
				cur->value.len = (size_t)(p + eol -
							  cur->value.p);
			pos = next;
			continue;
		}
		size_t colon;
		if (field_line(p + pos, eol - pos, &colon)) {
			struct slice name = slice_make(p + pos, colon);
			name = slice_trim(name);
			if (h->n >= MIME_MAX_HEADERS) {
				h->dropped++;
				cur = NULL;
			} else {
				h->v = xgrow(h->v, &h->cap, h->n + 1,
					     sizeof(*h->v));
				cur = &h->v[h->n++];
				cur->name = name;
				cur->value = slice_make(p + pos + colon + 1,
							eol - pos - colon - 1);
			}
			pos = next;
			continue;
		}
		/* Not a field. A name with spaces inside ("X Y: z") is junk,
		 * skipped with its continuations. Another line is a fold
		 * that lost its leading white space when a field or a
		 * continuation follows it, or when the block clearly goes
		 * on (mostly fields up to an empty line); it joins the
		 * field before it. Otherwise the body starts here. */
		size_t eol2, c2;
		if (bad_field_line(p + pos, eol - pos)) {
			cur = NULL;
			pos = next;
			continue;
		}
		bool more = false;
		if (next < len) {
			line_end(p, len, next, &eol2);
			more = eol2 > next &&
			       (is_wsp(p[next]) ||
				field_line(p + next, eol2 - next, &c2));
		}
		if (!more) {
			if (!looked) {
				looked = true;
				goes_on = block_goes_on(p, len, next);
			}
			more = goes_on;
		}
		if (more) {
			if (cur)
				cur->value.len = (size_t)(p + eol -
							  cur->value.p);
			pos = next;
			continue;
		}
		goto out;
	}
out:
	if (body_off)
		*body_off = pos > len ? len : pos;
}

void
mime_headers_release(struct mime_headers *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}

const struct mime_field *
mime_headers_get(const struct mime_headers *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (slice_eq_ci(h->v[i].name, name))
			return &h->v[i];
	return NULL;
}

void
mime_unfold(struct buf *out, const char *p, size_t len)
{
	size_t run = 0;

	buf_grow(out, len);
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '\r' && p[i] != '\n')
			continue;
		buf_add(out, p + run, i - run);
		size_t j = i;
		if (p[j] == '\r' && j + 1 < len && p[j + 1] == '\n')
			j++;
		if (!(j + 1 < len && is_wsp(p[j + 1])))
			buf_addch(out, ' ');
		i = j;
		run = j + 1;
	}
	buf_add(out, p + run, len - run);
}

/* ---------------------------------------------------------------------
 * RFC 2047 encoded words
 */

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* The B form, leniently: junk skipped, '=' ends a group (so words made of
 * several padded pieces decode whole), a lone trailing sextet dropped. */
static void
word_b64(struct buf *out, const char *p, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b64val((unsigned char)p[i]);
		if (p[i] == '=') {
			acc = 0;
			bits = 0;
			continue;
		}
		if (v < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (int)((acc >> bits) & 0xff));
		}
	}
}

/* Parse an encoded word at p (which starts with "=?"). On success sets
 * the charset label (up to any RFC 2231 '*language'), the encoding and
 * the encoded text and returns the word's length; 0 if it is not one. */
static size_t
parse_word(const char *p, size_t len, struct slice *cs, char *enc,
	   struct slice *text)
{
	size_t i = 2;

	while (i < len && p[i] != '?' && !is_lwsp(p[i]) && p[i] != '"')
		i++;
	if (i == 2 || i + 2 >= len || p[i] != '?')
		return 0;
	*cs = slice_make(p + 2, i - 2);
	const char *star = memchr(cs->p, '*', cs->len);
	if (star)
		cs->len = (size_t)(star - cs->p);
	char e = (char)ascii_lower((unsigned char)p[i + 1]);
	if ((e != 'b' && e != 'q') || p[i + 2] != '?')
		return 0;
	*enc = e;
	size_t t = i + 3, j = t;
	while (j < len && p[j] != '?' && p[j] != '\r' && p[j] != '\n')
		j++;
	if (j + 1 >= len || p[j] != '?' || p[j + 1] != '=')
		return 0;
	*text = slice_make(p + t, j - t);
	return j + 2;
}

struct pending {
	char label[64];
	bool have;
	struct buf bytes;
};

static void
flush_pending(struct buf *out, struct pending *pd,
	      const char *const *assumed)
{
	if (!pd->have)
		return;
	mime_charset_decode(out, pd->label, pd->bytes.data, pd->bytes.len,
			    assumed);
	buf_reset(&pd->bytes);
	pd->have = false;
}

static void
add_text(struct buf *out, const char *p, size_t n,
	 const char *const *assumed)
{
	mime_decode_8bit(out, p, n, assumed);
}

void
mime_decode_words(struct buf *out, const char *p, size_t len,
		  const char *const *assumed)
{
	struct pending pd = { .have = false, .bytes = BUF_INIT };
	size_t i = 0, text = 0;

	while (i < len) {
		const char *q = memmem(p + i, len - i, "=?", 2);
		if (!q)
			break;
		size_t at = (size_t)(q - p);
		struct slice cs, et;
		char enc;
		size_t wl = parse_word(q, len - at, &cs, &enc, &et);
		if (!wl) {
			i = at + 1;
			continue;
		}
		/* Text between the previous word (or the start) and this
		 * one: dropped when it is only white space between two
		 * words (RFC 2047 section 6.2). */
		bool blank = true;
		for (size_t k = text; k < at; k++)
			if (!is_lwsp(p[k]))
				blank = false;
		if (!(blank && pd.have)) {
			flush_pending(out, &pd, assumed);
			add_text(out, p + text, at - text, assumed);
		}
		/* a label too long to be a charset reads as no label
		 * (hostile-34), never as a shortened one */
		char label[64];
		size_t ll = cs.len < sizeof(label) ? cs.len : 0;
		memcpy(label, cs.p, ll);
		label[ll] = '\0';
		if (pd.have && ascii_strcasecmp(pd.label, label) != 0)
			flush_pending(out, &pd, assumed);
		if (!pd.have) {
			memcpy(pd.label, label, ll + 1);
			pd.have = true;
		}
		if (enc == 'b')
			word_b64(&pd.bytes, et.p, et.len);
		else
			mime_qp_decode(&pd.bytes, et.p, et.len, true);
		i = at + wl;
		text = i;
	}
	flush_pending(out, &pd, assumed);
	add_text(out, p + text, len - text, assumed);
	buf_release(&pd.bytes);
}

void
mime_decode_header(struct buf *out, const char *p, size_t len,
		   const char *const *assumed)
{
	struct buf u = BUF_INIT, d = BUF_INIT;

	mime_unfold(&u, p, len);
	mime_decode_words(&d, u.data, u.len, assumed);
	struct slice s = slice_trim(slice_make(d.data, d.len));
	buf_add(out, s.p, s.len);
	buf_release(&u);
	buf_release(&d);
}

/* ---------------------------------------------------------------------
 * Parameters and RFC 2231
 */

struct section {
	unsigned idx;
	bool enc;
	struct slice val;
};

/* Next ';'-separated item of a parameter list, quotes respected. */
static bool
next_item(const char *p, size_t len, size_t *pos, struct slice *item)
{
	size_t i = *pos;
	bool inq = false;

	if (i >= len)
		return false;
	size_t start = i;
	for (; i < len; i++) {
		if (inq && p[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (p[i] == '"')
			inq = !inq;
		else if (p[i] == ';' && !inq)
			break;
	}
	*item = slice_make(p + start, i - start);
	*pos = i < len ? i + 1 : len;
	return true;
}

/* Append a parameter value without its quotes and escapes. */
static void
unquote(struct buf *out, struct slice v)
{
	v = slice_trim(v);
	if (v.len == 0 || v.p[0] != '"') {
		buf_add(out, v.p, v.len);
		return;
	}
	size_t end = v.len;
	while (end > 1 && v.p[end - 1] != '"')
		end--;
	if (end <= 1)
		end = v.len + 1; /* no closing quote: to the end */
	for (size_t i = 1; i < end - 1 && i < v.len; i++) {
		if (v.p[i] == '\\' && i + 1 < end - 1)
			i++;
		buf_addch(out, (unsigned char)v.p[i]);
	}
}

static int
cmp_section(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void
pct_decode(struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int h1, h2;
		if (p[i] == '%' && i + 2 < n &&
		    (h1 = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (h2 = hexval((unsigned char)p[i + 2])) >= 0) {
			buf_addch(out, h1 * 16 + h2);
			i += 2;
		} else {
			buf_addch(out, (unsigned char)p[i]);
		}
	}
}

/* Find parameter name; see mime.h. rfc2231 tells whether the value came
 * from RFC 2231 sections (so the caller knows whether 2231 decoding
 * applies). */
static char *
param_find(const char *p, size_t len, const char *name, char **charset,
	   bool *rfc2231)
{
	size_t pos = 0, nl = strlen(name);
	struct slice item, plain = { NULL, 0 };
	bool have_plain = false;
	struct section *sec = NULL;
	size_t nsec = 0, capsec = 0;

	if (charset)
		*charset = NULL;
	*rfc2231 = false;
	/* the first item is the type or disposition itself */
	next_item(p, len, &pos, &item);
	while (next_item(p, len, &pos, &item)) {
		const char *eq = memchr(item.p, '=', item.len);
		if (!eq)
			continue;
		struct slice k = slice_trim(slice_make(item.p,
						       (size_t)(eq - item.p)));
		struct slice v = slice_make(eq + 1,
					    item.len - (size_t)(eq - item.p) - 1);
		if (k.len < nl || ascii_strncasecmp(k.p, name, nl) != 0)
			continue;
		if (k.len == nl) {
			if (!have_plain) {
				plain = v;
				have_plain = true;
			}
			continue;
		}
		if (k.p[nl] != '*')
			continue;
		/* name*, name*N, name*N* */
		size_t j = nl + 1;
		uint64_t idx = 0;
		bool enc = false, digits = false;
		while (j < k.len && k.p[j] >= '0' && k.p[j] <= '9') {
			if (idx < 100000)
				idx = idx * 10 + (uint64_t)(k.p[j] - '0');
			digits = true;
			j++;
		}
		if (j < k.len && k.p[j] == '*') {
			enc = true;
			j++;
		}
		if (!digits)
			enc = true;
		if (j != k.len || (!digits && j != nl + 1))
			continue;
		if (nsec >= MIME_MAX_2231_SECTIONS)
			continue;
		bool dup = false;
		for (size_t s = 0; s < nsec; s++)
			if (sec[s].idx == idx)
				dup = true;
		if (dup)
			continue;
		sec = xgrow(sec, &capsec, nsec + 1, sizeof(*sec));
		sec[nsec].idx = (unsigned)idx;
		sec[nsec].enc = enc;
		sec[nsec].val = v;
		nsec++;
	}
	if (nsec == 0) {
		free(sec);
		if (!have_plain)
			return NULL;
		struct buf b = BUF_INIT;
		unquote(&b, plain);
		return buf_detach(&b, NULL);
	}
	qsort(sec, nsec, sizeof(*sec), cmp_section);
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	for (size_t s = 0; s < nsec; s++) {
		buf_reset(&tmp);
		unquote(&tmp, sec[s].val);
		const char *v = tmp.data;
		size_t vl = tmp.len;
		if (sec[s].enc && s == 0) {
			const char *q1 = memchr(v, '\'', vl);
			const char *q2 = q1 ? memchr(q1 + 1, '\'',
						     vl - (size_t)(q1 - v) - 1)
					    : NULL;
			if (q2) {
				if (charset && q1 > v)
					*charset = xstrndup(v,
							    (size_t)(q1 - v));
				vl -= (size_t)(q2 + 1 - v);
				v = q2 + 1;
			}
		}
		if (sec[s].enc)
			pct_decode(&b, v, vl);
		else
			buf_add(&b, v, vl);
	}
	buf_release(&tmp);
	free(sec);
	*rfc2231 = true;
	/* a NUL from %00 would cut the C string: show it as U+FFFD */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\0')
			b.data[i] = '?';
	return buf_detach(&b, NULL);
}

char *
mime_param_raw(const char *p, size_t len, const char *name, char **charset)
{
	bool r;

	return param_find(p, len, name, charset, &r);
}

char *
mime_param_get(const char *p, size_t len, const char *name,
	       const char *const *assumed)
{
	char *cs = NULL;
	bool r2231;
	char *raw = param_find(p, len, name, &cs, &r2231);
	struct buf t = BUF_INIT, out = BUF_INIT;

	if (!raw)
		return NULL;
	if (r2231 && cs)
		mime_charset_decode(&t, cs, raw, strlen(raw), assumed);
	else
		mime_decode_8bit(&t, raw, strlen(raw), assumed);
	mime_decode_header(&out, t.data, t.len, assumed);
	free(raw);
	free(cs);
	buf_release(&t);
	return buf_detach(&out, NULL);
}
