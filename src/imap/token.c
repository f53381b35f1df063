/* SPDX-License-Identifier: ISC */
/*
 * The tokenizer for one complete IMAP response (RFC 3501 9 / RFC 9051 9:
 * atom, astring, quoted, literal, literal8, number, nstring). It works on
 * a response the framer has already checked to be whole, so it never
 * needs more input; it only needs to be exact. Every string it returns is
 * copied into the response being built.
 *
 * NUL and bare CR are refused everywhere except inside literals, where
 * they are kept as bytes (strings carry their length).
 */
#include "private.h"

int
tok_fail(struct tok *t, const char *what)
{
	if (t->i < t->len) {
		unsigned char c = (unsigned char)t->p[t->i];
		if (c >= 0x21 && c <= 0x7e)
			return perr_set(t->e, PERR_PROTO,
					"bad IMAP response: %s at offset %zu "
					"(found '%c')", what, t->i, c);
		return perr_set(t->e, PERR_PROTO,
				"bad IMAP response: %s at offset %zu (found "
				"byte 0x%02x)", what, t->i, c);
	}
	return perr_set(t->e, PERR_PROTO,
			"bad IMAP response: %s at offset %zu", what, t->i);
}

bool
tok_at_eol(const struct tok *t)
{
	size_t rest = t->len - t->i;

	if (rest == 1)
		return t->p[t->i] == '\n';
	return rest == 2 && t->p[t->i] == '\r' && t->p[t->i + 1] == '\n';
}

int
tok_peek(const struct tok *t)
{
	if (t->i >= t->len || tok_at_eol(t))
		return -1;
	return (unsigned char)t->p[t->i];
}

bool
tok_accept(struct tok *t, char c)
{
	if (tok_peek(t) == (unsigned char)c) {
		t->i++;
		return true;
	}
	return false;
}

int
tok_expect(struct tok *t, char c)
{
	char what[16];

	if (tok_accept(t, c))
		return 0;
	if (c == ' ')
		return tok_fail(t, "space expected");
	snprintf(what, sizeof(what), "'%c' expected", c);
	return tok_fail(t, what);
}

int
tok_sp(struct tok *t)
{
	return tok_expect(t, ' ');
}

int
tok_eol(struct tok *t)
{
	if (!tok_at_eol(t))
		return tok_fail(t, "end of line expected");
	t->i = t->len;
	return 0;
}

/* atom-specials: ( ) { SP CTL list-wildcards quoted-specials
 * resp-specials. Bytes above 0x7f are let through: servers in UTF8=ACCEPT
 * mode put UTF-8 in atoms (RFC 6855 3). */
static bool
is_atom_char(unsigned char c, enum tok_class cls)
{
	if (c <= 0x20 || c == 0x7f)
		return false;
	switch (c) {
	case '(':
	case ')':
	case '{':
	case '"':
	case '\\':
		return false;
	case '%':
	case '*':
		return cls == TOK_MAILBOX;
	case ']':
		return cls == TOK_ASTRING || cls == TOK_MAILBOX;
	default:
		return true;
	}
}

int
tok_atom(struct tok *t, enum tok_class cls, struct slice *out)
{
	size_t start = t->i;

	if (cls == TOK_FLAG && tok_accept(t, '\\')) {
		if (tok_accept(t, '*')) {
			*out = slice_make(t->p + start, 2);
			return 0;
		}
	}
	while (t->i < t->len && !tok_at_eol(t) &&
	       is_atom_char((unsigned char)t->p[t->i], cls))
		t->i++;
	if (t->i == start || (cls == TOK_FLAG && t->i == start + 1 &&
			      t->p[start] == '\\')) {
		t->i = start;
		return tok_fail(t, cls == TOK_FLAG ? "flag expected" :
				"atom expected");
	}
	*out = slice_make(t->p + start, t->i - start);
	return 0;
}

bool
tok_word(struct tok *t, const char *word)
{
	size_t n = strlen(word);

	if (t->len - t->i < n ||
	    ascii_strncasecmp(t->p + t->i, word, n) != 0)
		return false;
	if (t->i + n < t->len &&
	    is_atom_char((unsigned char)t->p[t->i + n], TOK_ASTRING) &&
	    t->p[t->i + n] != ']')
		return false;
	t->i += n;
	return true;
}

int
tok_u64(struct tok *t, uint64_t max, uint64_t *out)
{
	size_t start = t->i;
	uint64_t v = 0;

	while (t->i < t->len && t->p[t->i] >= '0' && t->p[t->i] <= '9') {
		unsigned d = (unsigned)(t->p[t->i] - '0');
		if (v > (max - d) / 10) {
			t->i = start;
			return tok_fail(t, "number out of range");
		}
		v = v * 10 + d;
		t->i++;
	}
	if (t->i == start)
		return tok_fail(t, "number expected");
	*out = v;
	return 0;
}

int
tok_u32(struct tok *t, uint32_t *out)
{
	uint64_t v;

	if (tok_u64(t, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
tok_nz32(struct tok *t, uint32_t *out)
{
	size_t start = t->i;

	if (tok_u32(t, out) < 0)
		return -1;
	if (*out == 0) {
		t->i = start;
		return tok_fail(t, "non-zero number expected");
	}
	return 0;
}

/* quoted = DQUOTE *QUOTED-CHAR DQUOTE, with only \" and \\ as escapes.
 * out may be NULL to skip. */
static int
scan_quoted(struct tok *t, struct buf *out)
{
	t->i++; /* the opening quote */
	while (t->i < t->len) {
		unsigned char c = (unsigned char)t->p[t->i];

		if (c == '"') {
			t->i++;
			return 0;
		}
		if (c == '\\') {
			t->i++;
			if (t->i >= t->len ||
			    (t->p[t->i] != '"' && t->p[t->i] != '\\'))
				return tok_fail(t, "bad escape in quoted "
						"string");
			c = (unsigned char)t->p[t->i];
		} else if (c == '\0') {
			return tok_fail(t, "NUL byte in quoted string");
		} else if (c == '\r' || c == '\n') {
			return tok_fail(t, "unterminated quoted string");
		}
		if (out)
			buf_addch(out, c);
		t->i++;
	}
	return tok_fail(t, "unterminated quoted string");
}

/* literal = "{" number64 ["+"] "}" CRLF *CHAR8; literal8 starts "~{". */
static int
scan_literal(struct tok *t, bool allow8, const char **data, size_t *n)
{
	uint64_t v;

	if (t->p[t->i] == '~') {
		if (!allow8)
			return tok_fail(t, "literal8 not allowed here");
		t->i++;
	}
	if (tok_expect(t, '{') < 0 ||
	    tok_u64(t, t->lim->max_literal, &v) < 0)
		return -1;
	tok_accept(t, '+');
	if (tok_expect(t, '}') < 0)
		return -1;
	if (t->i < t->len && t->p[t->i] == '\r')
		t->i++;
	if (t->i >= t->len || t->p[t->i] != '\n')
		return tok_fail(t, "line end expected after literal length");
	t->i++;
	if (v > t->len - t->i)
		return tok_fail(t, "literal longer than the response");
	*data = t->p + t->i;
	*n = (size_t)v;
	t->i += (size_t)v;
	return 0;
}

int
tok_string(struct tok *t, bool allow8, struct imap_str *out)
{
	int c = tok_peek(t);

	if (c == '"') {
		struct buf b = BUF_INIT;
		if (scan_quoted(t, &b) < 0) {
			buf_release(&b);
			return -1;
		}
		out->data = resp_strndup(t->r, b.data, b.len);
		out->len = b.len;
		buf_release(&b);
		return 0;
	}
	if (c == '{' || c == '~') {
		const char *d;
		size_t n;
		if (scan_literal(t, allow8, &d, &n) < 0)
			return -1;
		out->data = resp_strndup(t->r, d, n);
		out->len = n;
		return 0;
	}
	return tok_fail(t, "string expected");
}

int
tok_nstring(struct tok *t, bool allow8, struct imap_str *out)
{
	if (tok_word(t, "NIL")) {
		out->data = NULL;
		out->len = 0;
		return 0;
	}
	return tok_string(t, allow8, out);
}

int
tok_astring(struct tok *t, enum tok_class cls, struct imap_str *out)
{
	int c = tok_peek(t);
	struct slice s;

	if (c == '"' || c == '{' || c == '~')
		return tok_string(t, false, out);
	if (tok_atom(t, cls, &s) < 0)
		return -1;
	out->data = resp_strndup(t->r, s.p, s.len);
	out->len = s.len;
	return 0;
}

int
tok_skip_value(struct tok *t)
{
	size_t depth = 0;

	for (;;) {
		int c = tok_peek(t);

		if (c < 0)
			return tok_fail(t, depth ? "')' expected" :
					"value expected");
		if (c == '(') {
			depth++;
			t->i++;
			continue;
		}
		if (c == ')') {
			if (depth == 0)
				return tok_fail(t, "value expected");
			t->i++;
			if (--depth == 0)
				return 0;
			continue;
		}
		if (c == ' ') {
			if (depth == 0)
				return tok_fail(t, "value expected");
			t->i++;
			continue;
		}
		if (c == '"') {
			if (scan_quoted(t, NULL) < 0)
				return -1;
		} else if (c == '{' || c == '~') {
			const char *d;
			size_t n;
			if (scan_literal(t, true, &d, &n) < 0)
				return -1;
		} else {
			size_t start = t->i;
			while ((c = tok_peek(t)) > 0 && c != ' ' &&
			       c != '(' && c != ')' && c != '"' &&
			       c != '\r' && c != '\n')
				t->i++;
			if (t->i == start)
				return tok_fail(t, "value expected");
		}
		if (depth == 0)
			return 0;
	}
}

int
tok_text(struct tok *t, char **out)
{
	size_t end = t->len;

	if (end && t->p[end - 1] == '\n')
		end--;
	if (end && t->p[end - 1] == '\r')
		end--;
	if (t->i > end)
		return tok_fail(t, "text expected");
	for (size_t k = t->i; k < end; k++) {
		if (t->p[k] == '\0') {
			t->i = k;
			return tok_fail(t, "NUL byte in text");
		}
		if (t->p[k] == '\r' || t->p[k] == '\n') {
			t->i = k;
			return tok_fail(t, "bare CR or LF in text");
		}
	}
	*out = resp_strndup(t->r, t->p + t->i, end - t->i);
	t->i = end;
	return 0;
}

int
tok_atom_list(struct tok *t, enum tok_class cls, struct imap_strlist *out)
{
	struct rvec v;

	rvec_init(t->r, &v);
	if (tok_expect(t, '(') < 0)
		return -1;
	while (!tok_accept(t, ')')) {
		struct slice s;

		if (v.n && tok_sp(t) < 0)
			return -1;
		if (tok_atom(t, cls, &s) < 0)
			return -1;
		if (v.n >= IMAP_MAX_LIST)
			return tok_fail(t, "list too long");
		char **slot = rvec_push(t->r, &v, sizeof(char *));
		*slot = resp_strndup(t->r, s.p, s.len);
	}
	out->v = v.p;
	out->n = v.n;
	return 0;
}
