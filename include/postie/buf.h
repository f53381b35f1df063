/* SPDX-License-Identifier: ISC */
/*
 * buf: the one growable byte buffer.
 *
 * The rules, which every function here keeps and the tests check after
 * every case:
 *
 *   1. After buf_init (or BUF_INIT), data is never NULL: it points at a
 *      static empty string until the first growth, so a buf can always be
 *      printed or compared without a check.
 *   2. data[len] is always '\0', so a buf that holds text is a C string.
 *      The contents may hold NUL bytes too; use len, not strlen.
 *   3. len < cap whenever memory is owned (cap counts the terminator); cap
 *      is 0 exactly when data points at the static empty string.
 *   4. Pointers into data live until the next call that may grow the
 *      buffer (any add, grow, insert or detach).
 *   5. buf_release frees and re-initialises, so a released buf is ready
 *      for use again; buf_detach hands the memory to the caller.
 *
 * Growth doubles, so n appends cost O(n) amortised; an overflowing size
 * aborts like out-of-memory rather than wrap.
 */
#ifndef POSTIE_BUF_H
#define POSTIE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty_[1];
#define BUF_INIT { buf_empty_, 0, 0 }

void buf_init(struct buf *b);
/* Free the memory and re-initialise. */
void buf_release(struct buf *b);
/* Make room for at least extra more bytes (plus the terminator). */
void buf_grow(struct buf *b, size_t extra);
/* Hand the memory to the caller (always a heap string, even when empty)
 * and re-initialise b. *len_out (may be NULL) gets the length. */
char *buf_detach(struct buf *b, size_t *len_out);
/* Set len to 0, keeping the memory. */
void buf_reset(struct buf *b);
/* Cut to len bytes (len must not exceed the current length). */
void buf_truncate(struct buf *b, size_t len);

void buf_add(struct buf *b, const void *p, size_t n);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Insert n bytes at pos (pos <= len). */
void buf_insert(struct buf *b, size_t pos, const void *p, size_t n);
/* Remove n bytes at pos. */
void buf_remove(struct buf *b, size_t pos, size_t n);
/* Remove trailing white space (space, tab, CR, LF). */
void buf_rtrim(struct buf *b);
/* Copy of the contents as a fresh heap string. */
char *buf_strdup(const struct buf *b);

#endif
