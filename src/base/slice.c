/* SPDX-License-Identifier: ISC */
/*
 * Slices and locale-free ASCII helpers. Wire data is parsed through these,
 * so none of them looks for a NUL terminator in the bytes they are given.
 */
#include <string.h>

#include "postie/base.h"

struct slice
slice_cstr(const char *s)
{
	return slice_make(s, s ? strlen(s) : 0);
}

static bool
is_trim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct slice
slice_trim(struct slice s)
{
	while (s.len && is_trim(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_trim(s.p[s.len - 1]))
		s.len--;
	return s;
}

bool
slice_eq(struct slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

bool
slice_eq_ci(struct slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && ascii_strncasecmp(a.p, s, n) == 0;
}

bool
slice_starts_ci(struct slice a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && ascii_strncasecmp(a.p, prefix, n) == 0;
}

bool
slice_split(struct slice *s, char c, struct slice *head)
{
	const char *at = s->len ? memchr(s->p, c, s->len) : NULL;
	if (!at) {
		*head = *s;
		s->p += s->len;
		s->len = 0;
		return false;
	}
	*head = slice_make(s->p, (size_t)(at - s->p));
	s->len -= head->len + 1;
	s->p = at + 1;
	return true;
}

char *
slice_dup(struct slice s)
{
	char *p = xmalloc(s.len + 1);
	if (s.len)
		memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	return p;
}

bool
slice_to_u64(struct slice s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!s.len)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';
		if (d > 9)
			return false;
		if (v > max / 10 || (v == max / 10 && d > max % 10))
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int
ascii_strncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = ascii_lower((unsigned char)a[i]);
		int cb = ascii_lower((unsigned char)b[i]);
		if (ca != cb)
			return ca - cb;
		if (!ca)
			return 0;
	}
	return 0;
}

int
ascii_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = ascii_lower((unsigned char)*a);
		int cb = ascii_lower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

const char *
ascii_memcasemem(const char *h, size_t hlen, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return h;
	if (n > hlen)
		return NULL;
	int first = ascii_lower((unsigned char)needle[0]);
	for (size_t i = 0; i + n <= hlen; i++) {
		if (ascii_lower((unsigned char)h[i]) == first &&
		    ascii_strncasecmp(h + i, needle, n) == 0)
			return h + i;
	}
	return NULL;
}
