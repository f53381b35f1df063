/* SPDX-License-Identifier: ISC */
/*
 * The growable byte buffer; the rules it keeps are written atop buf.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/buf.h"

char buf_empty_[1];

void
buf_init(struct buf *b)
{
	b->data = buf_empty_;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

void
buf_grow(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		base_oom(SIZE_MAX);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->cap) {
		b->data = xrealloc(b->data, cap);
	} else {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	}
	b->cap = cap;
}

char *
buf_detach(struct buf *b, size_t *len_out)
{
	char *p;
	if (len_out)
		*len_out = b->len;
	if (b->cap)
		p = b->data;
	else
		p = xcalloc(1, 1);
	buf_init(b);
	return p;
}

void
buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len > b->len)
		len = b->len;
	b->len = len;
	if (b->cap)
		b->data[len] = '\0';
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_grow(b, n);
	memmove(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0,
			  fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= (b->cap ? b->cap - b->len : 0)) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_insert(struct buf *b, size_t pos, const void *p, size_t n)
{
	if (pos > b->len)
		pos = b->len;
	if (!n)
		return;
	buf_grow(b, n);
	memmove(b->data + pos + n, b->data + pos, b->len - pos + 1);
	memcpy(b->data + pos, p, n);
	b->len += n;
}

void
buf_remove(struct buf *b, size_t pos, size_t n)
{
	if (pos >= b->len)
		return;
	if (n > b->len - pos)
		n = b->len - pos;
	memmove(b->data + pos, b->data + pos + n, b->len - pos - n + 1);
	b->len -= n;
}

void
buf_rtrim(struct buf *b)
{
	size_t n = b->len;
	while (n && (b->data[n - 1] == ' ' || b->data[n - 1] == '\t' ||
		     b->data[n - 1] == '\r' || b->data[n - 1] == '\n'))
		n--;
	buf_truncate(b, n);
}

char *
buf_strdup(const struct buf *b)
{
	return xmemdup(b->data, b->len + 1);
}
