/* SPDX-License-Identifier: ISC */
/*
 * Transfer encodings (RFC 2045 section 6): quoted-printable, base64 (the
 * lenient decoder of base), uuencode, and the identity ones. Decoders
 * never fail and never read past their input: junk is skipped or kept
 * literally, whichever loses less (hostile-38).
 */
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"
#include "private.h"

static const struct {
	const char *name;
	enum mime_cte cte;
} cte_names[] = {
	{ "7bit", MIME_CTE_7BIT },
	{ "7-bit", MIME_CTE_7BIT },
	{ "8bit", MIME_CTE_8BIT },
	{ "8-bit", MIME_CTE_8BIT },
	{ "binary", MIME_CTE_BINARY },
	{ "quoted-printable", MIME_CTE_QP },
	{ "quoted_printable", MIME_CTE_QP },
	{ "quotedprintable", MIME_CTE_QP },
	{ "qp", MIME_CTE_QP },
	{ "base64", MIME_CTE_BASE64 },
	{ "base-64", MIME_CTE_BASE64 },
	{ "b64", MIME_CTE_BASE64 },
	{ "x-uuencode", MIME_CTE_UUENCODE },
	{ "uuencode", MIME_CTE_UUENCODE },
	{ "x-uue", MIME_CTE_UUENCODE },
	{ "uue", MIME_CTE_UUENCODE },
};

enum mime_cte
mime_cte_parse(const char *p, size_t len)
{
	size_t i = 0, e;

	while (i < len && (is_lwsp(p[i]) || p[i] == '"' || p[i] == '\''))
		i++;
	for (e = i; e < len; e++)
		if (is_lwsp(p[e]) || p[e] == ';' || p[e] == ',' ||
		    p[e] == '"' || p[e] == '\'' || p[e] == '(')
			break;
	if (e == i)
		return MIME_CTE_7BIT;
	for (size_t k = 0; k < ARRAY_SIZE(cte_names); k++)
		if (strlen(cte_names[k].name) == e - i &&
		    ascii_strncasecmp(p + i, cte_names[k].name, e - i) == 0)
			return cte_names[k].cte;
	return MIME_CTE_UNKNOWN;
}

const char *
mime_cte_name(enum mime_cte cte)
{
	switch (cte) {
	case MIME_CTE_7BIT:
		return "7bit";
	case MIME_CTE_8BIT:
		return "8bit";
	case MIME_CTE_BINARY:
		return "binary";
	case MIME_CTE_QP:
		return "quoted-printable";
	case MIME_CTE_BASE64:
		return "base64";
	case MIME_CTE_UUENCODE:
		return "x-uuencode";
	case MIME_CTE_UNKNOWN:
		break;
	}
	return "unknown";
}

/* Hex digit values plus one (0 for anything else); and which bytes
 * need more than a copy (1: '=', space, tab; 2: '_', special in the
 * header form). */
static const unsigned char hexv[256] = {
	['0'] = 1,   ['1'] = 2,	  ['2'] = 3,   ['3'] = 4,   ['4'] = 5,
	['5'] = 6,   ['6'] = 7,	  ['7'] = 8,   ['8'] = 9,   ['9'] = 10,
	['A'] = 11,  ['B'] = 12,  ['C'] = 13,  ['D'] = 14,  ['E'] = 15,
	['F'] = 16,  ['a'] = 11,  ['b'] = 12,  ['c'] = 13,  ['d'] = 14,
	['e'] = 15,  ['f'] = 16,
};
static const unsigned char qp_special[256] = {
	['='] = 1, [' '] = 1, ['\t'] = 1, ['_'] = 2,
};

/* The output is never longer than the input, so it is written straight
 * into the buffer grown once; a byte at a time through buf_addch would
 * cost several times more. The common escape "=XX" is decoded by table
 * on the fast path. */
void
mime_qp_decode(struct buf *out, const char *p, size_t len, bool header)
{
	const char *s = p, *end = p + len;
	unsigned char mask = header ? 3 : 1;
	char *o;

	buf_grow(out, len);
	o = out->data + out->len;
	while (s < end) {
		unsigned char c = (unsigned char)*s;
		if (!(qp_special[c] & mask)) {
			*o++ = (char)c;
			s++;
			continue;
		}
		if (c == '=' && end - s >= 3) {
			unsigned h1 = hexv[(unsigned char)s[1]];
			unsigned h2 = hexv[(unsigned char)s[2]];
			if (h1 && h2) {
				*o++ = (char)((h1 - 1) << 4 | (h2 - 1));
				s += 3;
				continue;
			}
		}
		if (c == '_') {
			*o++ = ' ';
			s++;
		} else if (c == ' ' || c == '\t') {
			/* white space before a line end is padding added
			 * in transport (RFC 2045 rule 3) */
			const char *j = s;
			while (j < end && (*j == ' ' || *j == '\t'))
				j++;
			if ((j < end && *j != '\r' && *j != '\n') ||
			    (j >= end && header)) {
				memcpy(o, s, (size_t)(j - s));
				o += j - s;
			}
			s = j;
		} else { /* '=' */
			int h1 = s + 1 < end ? hexval((unsigned char)s[1]) : -1;
			int h2 = h1 >= 0 && s + 2 < end
					 ? hexval((unsigned char)s[2])
					 : -1;
			if (h2 >= 0) {
				*o++ = (char)(h1 * 16 + h2);
				s += 3;
				continue;
			}
			/* a soft line break: '=' then optional white space
			 * then the line end (or the end of the text) */
			const char *j = s + 1;
			while (j < end && (*j == ' ' || *j == '\t'))
				j++;
			if (j >= end) {
				s = j;
			} else if (*j == '\n') {
				s = j + 1;
			} else if (*j == '\r') {
				s = j + 1 < end && j[1] == '\n' ? j + 2 : j + 1;
			} else {
				/* not an escape: keep the '=' literally */
				*o++ = '=';
				s++;
			}
		}
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}

/* Is the line at p (n bytes, no newline) "begin MODE NAME"? */
static bool
uu_begin(const char *p, size_t n, struct slice *name)
{
	size_t i = 6;

	if (n < 8 || memcmp(p, "begin ", 6) != 0)
		return false;
	size_t d = i;
	while (i < n && p[i] >= '0' && p[i] <= '7')
		i++;
	if (i - d < 3 || i - d > 4 || i >= n || p[i] != ' ')
		return false;
	i++;
	struct slice s = slice_trim(slice_make(p + i, n - i));
	if (s.len == 0)
		return false;
	if (name)
		*name = s;
	return true;
}

/* Does the line at p look like uuencoded data: characters from ' ' to
 * '`' only, and as many as its length character promises? */
static bool
uu_data_line(const char *p, size_t len)
{
	const char *nl = memchr(p, '\n', len);
	size_t n = nl ? (size_t)(nl - p) : len;

	while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	if (n == 0 || p[0] < ' ' || p[0] > '`')
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < ' ' || p[i] > '`')
			return false;
	size_t want = (size_t)((p[0] - ' ') & 0x3f);
	size_t chars = (want + 2) / 3 * 4;
	return n - 1 + 2 >= chars && n - 1 <= chars + 2;
}

size_t
mime_uu_find(const char *p, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(p + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - p) : len;
		size_t n = e - pos;
		if (n && p[e - 1] == '\r')
			n--;
		size_t next = nl ? e + 1 : len;
		if (uu_begin(p + pos, n, NULL) && uu_data_line(p + next,
							       len - next)) {
			/* a begin line followed by a line that looks like
			 * uuencoded data: "begin 2020 plans" in prose is
			 * not a file */
			return pos;
		}
		pos = next;
	}
	return len;
}

int
mime_uu_decode(struct buf *out, const char *p, size_t len, char **name,
	       size_t *used)
{
	size_t pos = 0;
	bool started = false;

	if (name)
		*name = NULL;
	while (pos < len) {
		const char *nl = memchr(p + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - p) : len;
		size_t next = nl ? e + 1 : len;
		size_t n = e - pos;
		const char *l = p + pos;
		while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
			n--;
		pos = next;
		if (!started) {
			struct slice nm;
			if (uu_begin(l, n, &nm)) {
				started = true;
				if (name)
					*name = slice_dup(nm);
			}
			continue;
		}
		if (n == 3 && memcmp(l, "end", 3) == 0)
			break;
		if (n == 0)
			continue;
		size_t want = (size_t)((l[0] - ' ') & 0x3f);
		/* each group of 4 characters after the length gives 3
		 * bytes; never read beyond the line (CVE-2022-1328) */
		size_t got = 0;
		for (size_t i = 1; got < want && i < n; i += 4) {
			unsigned v[4] = { 0, 0, 0, 0 };
			for (size_t k = 0; k < 4; k++)
				if (i + k < n)
					v[k] = (unsigned)(l[i + k] - ' ') &
					       0x3f;
			unsigned char b[3] = {
				(unsigned char)(v[0] << 2 | v[1] >> 4),
				(unsigned char)(v[1] << 4 | v[2] >> 2),
				(unsigned char)(v[2] << 6 | v[3]),
			};
			size_t take = want - got < 3 ? want - got : 3;
			size_t avail = n - i; /* characters present */
			size_t maxb = avail >= 4 ? 3 : avail >= 2 ? avail - 1
								  : 0;
			if (take > maxb)
				take = maxb;
			buf_add(out, b, take);
			got += take;
			if (take < 3)
				break;
		}
	}
	if (used)
		*used = pos;
	if (!started)
		return -1;
	return 0;
}

/* Is a body declared base64 plainly text instead? Words separated by
 * spaces on most lines, or many bytes outside the alphabet. */
static bool
looks_like_base64(const char *p, size_t len)
{
	size_t lines = 0, spaced = 0, chars = 0, bad = 0, pos = 0;

	while (pos < len && lines < 200) {
		const char *nl = memchr(p + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - p) : len;
		struct slice l = slice_trim(slice_make(p + pos, e - pos));
		pos = nl ? e + 1 : len;
		if (!l.len)
			continue;
		lines++;
		bool word = false, gap = false;
		for (size_t i = 0; i < l.len; i++) {
			unsigned char c = (unsigned char)l.p[i];
			if (is_lwsp(c)) {
				if (word)
					gap = true;
				continue;
			}
			if (gap) {
				spaced++;
				gap = false;
				word = false;
				/* count the line once */
				while (i < l.len)
					i++;
				break;
			}
			word = true;
			chars++;
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '+' || c == '/' ||
			      c == '='))
				bad++;
		}
	}
	if (!lines)
		return true;
	return spaced * 2 < lines && bad * 5 <= chars;
}

void
mime_transfer_decode(struct buf *out, enum mime_cte cte, const char *p,
		     size_t len)
{
	switch (cte) {
	case MIME_CTE_BASE64:
		if (looks_like_base64(p, len))
			b64_decode(out, p, len, NULL);
		else
			buf_add(out, p, len);
		return;
	case MIME_CTE_QP:
		mime_qp_decode(out, p, len, false);
		return;
	case MIME_CTE_UUENCODE: {
		size_t mark = out->len;
		if (mime_uu_decode(out, p, len, NULL, NULL) < 0) {
			buf_truncate(out, mark);
			buf_add(out, p, len);
		}
		return;
	}
	case MIME_CTE_7BIT:
	case MIME_CTE_8BIT:
	case MIME_CTE_BINARY:
	case MIME_CTE_UNKNOWN:
		break;
	}
	buf_add(out, p, len);
}
