/* SPDX-License-Identifier: ISC */
/*
 * The one error type. Kinds and their names come from PERR_KIND_TABLE in
 * base.h, so adding a kind is one line.
 */
#include <stdio.h>
#include <string.h>

#include "postie/base.h"

static const char *const kind_names[] = {
#define PERR_NAME_(name, text) text,
	PERR_KIND_TABLE(PERR_NAME_)
#undef PERR_NAME_
};

const char *
perr_kind_name(enum perr_kind kind)
{
	if ((unsigned)kind >= PERR_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

/* Cut msg at a UTF-8 boundary and mark the cut, when vsnprintf filled the
 * array. */
static void
mark_cut(char *msg, size_t size, int n)
{
	if (n < 0 || (size_t)n < size)
		return;
	size_t keep = utf8_cut(msg, strlen(msg), size - 4);
	memcpy(msg + keep, "...", 4);
}

int
perr_vset(struct perr *e, enum perr_kind kind, const char *fmt, va_list ap)
{
	if (!e)
		return -1;
	e->kind = kind;
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	mark_cut(e->msg, sizeof(e->msg), n);
	return -1;
}

int
perr_set(struct perr *e, enum perr_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	perr_vset(e, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int
perr_prefix(struct perr *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	char old[sizeof(e->msg)];
	memcpy(old, e->msg, sizeof(old));
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	buf_addstr(&b, ": ");
	buf_addstr(&b, old);
	if (b.len >= sizeof(e->msg)) {
		size_t keep = utf8_cut(b.data, b.len, sizeof(e->msg) - 4);
		memcpy(e->msg, b.data, keep);
		memcpy(e->msg + keep, "...", 4);
	} else {
		memcpy(e->msg, b.data, b.len + 1);
	}
	buf_release(&b);
	return -1;
}

void
perr_clear(struct perr *e)
{
	if (!e)
		return;
	e->kind = PERR_NONE;
	e->msg[0] = '\0';
}
