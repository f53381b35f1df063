/* SPDX-License-Identifier: ISC */
/*
 * Allocation that does not return NULL. A mail client that runs out of
 * memory cannot do anything useful for the user except leave the terminal
 * usable, so the hook (set by the UI) restores it before we abort.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"

static void (*oom_hook)(void);

void
base_set_oom_hook(void (*hook)(void))
{
	oom_hook = hook;
}

void
base_oom(size_t n)
{
	if (oom_hook)
		oom_hook();
	fprintf(stderr, "postie: out of memory (asked for %zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		base_oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		base_oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		base_oom(n);
	return q;
}

void *
xgrow(void *p, size_t *cap, size_t want, size_t sz)
{
	if (want <= *cap)
		return p;
	size_t c = *cap ? *cap : 8;
	while (c < want) {
		if (c > SIZE_MAX / 2)
			base_oom(SIZE_MAX);
		c *= 2;
	}
	if (sz && c > SIZE_MAX / sz)
		base_oom(SIZE_MAX);
	p = xrealloc(p, c * sz);
	*cap = c;
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *
xmemdup(const void *p, size_t n)
{
	void *q = xmalloc(n);
	if (n)
		memcpy(q, p, n);
	return q;
}

char *
xstrfmt(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}
