/* SPDX-License-Identifier: ISC */
/*
 * Links in the viewer's text: finding the URLs a reader may want to
 * open, and checking one before it goes to url-command.
 *
 * The finder is a plain scan for the four scheme prefixes the viewer
 * opens (http, https, ftp, mailto), not a full RFC 3986 parser: mail
 * writes URLs inside prose, brackets and Chinese punctuation, so what
 * matters is where one stops. It stops at the first byte outside
 * printable ASCII (a full-width comma or a Chinese word right after a
 * URL is common in mail from QQ and 163, and an IRI written raw is rare),
 * at white space and at the characters RFC 3986 appendix C names as
 * delimiters around URLs in text (<, >, quotes). Trailing punctuation
 * that ends the sentence is trimmed; a ')' or ']' is kept only when the
 * URL opened one, as in Wikipedia addresses. The scan is linear: each
 * byte is looked at a bounded number of times.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"

#include "view.h"

static const struct {
	const char *prefix;
	size_t len;
	bool slashes; /* "scheme://" with a host after it */
} schemes[] = {
	{ "http://", 7, true },
	{ "https://", 8, true },
	{ "ftp://", 6, true },
	{ "mailto:", 7, false },
};

static bool
url_char(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return false;
	return !strchr("<>\"`{}|\\^", c);
}

static bool
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* The scheme that starts at p (n bytes there), or -1. */
static int
scheme_at(const char *p, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
		if (n >= schemes[i].len &&
		    ascii_strncasecmp(p, schemes[i].prefix, schemes[i].len) ==
			    0)
			return (int)i;
	return -1;
}

/* Drop sentence punctuation from the end of (p, *len); keep a closing
 * bracket that the URL opened. */
static void
trim_tail(const char *p, size_t *len, size_t min)
{
	while (*len > min) {
		char c = p[*len - 1];
		if (strchr(".,;:!?'*", c)) {
			(*len)--;
			continue;
		}
		if (c == ')' || c == ']') {
			char open = c == ')' ? '(' : '[';
			long depth = 0;
			for (size_t i = 0; i < *len; i++)
				if (p[i] == open)
					depth++;
				else if (p[i] == c)
					depth--;
			if (depth < 0) {
				(*len)--;
				continue;
			}
		}
		break;
	}
}

void
ui_links_find(struct ui_links *l, const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && l->n < UI_LINKS_MAX) {
		unsigned char c = (unsigned char)p[i];
		if (!(c == 'h' || c == 'H' || c == 'f' || c == 'F' ||
		      c == 'm' || c == 'M') ||
		    (i > 0 && alnum((unsigned char)p[i - 1]))) {
			i++;
			continue;
		}
		int sc = scheme_at(p + i, len - i);
		if (sc < 0) {
			i++;
			continue;
		}
		size_t end = i;
		while (end < len && url_char((unsigned char)p[end]))
			end++;
		size_t n = end - i;
		if (n > UI_URL_MAX) {
			i = end; /* no link, and nothing inside it either */
			continue;
		}
		size_t min = schemes[sc].len;
		trim_tail(p + i, &n, min);
		bool good = n > min;
		if (good && !schemes[sc].slashes)
			good = memchr(p + i + min, '@', n - min) != NULL;
		if (good && schemes[sc].slashes)
			good = alnum((unsigned char)p[i + min]) ||
			       p[i + min] == '[';
		if (good) {
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 16;
				l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
			}
			l->v[l->n].off = i;
			l->v[l->n].len = n;
			l->n++;
		}
		i = end > i ? end : i + 1;
	}
}

void
ui_links_release(struct ui_links *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
ui_url_check(const char *url, size_t len, struct perr *e)
{
	if (len > UI_URL_MAX)
		return perr_set(e, PERR_MESSAGE, "the link is longer than %d "
				"bytes", UI_URL_MAX);
	for (size_t i = 0; i < len; i++)
		if (!url_char((unsigned char)url[i]))
			return perr_set(e, PERR_MESSAGE, "the link holds a "
					"byte 0x%02x that no URL has at %zu",
					(unsigned char)url[i], i);
	int sc = scheme_at(url, len);
	if (sc < 0)
		return perr_set(e, PERR_MESSAGE, "only http, https, ftp and "
				"mailto links are opened");
	if (len == schemes[sc].len)
		return perr_set(e, PERR_MESSAGE, "the link has nothing after "
				"'%s'", schemes[sc].prefix);
	return 0;
}
