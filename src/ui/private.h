/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: the viewer's text model (pager.c), shared by the screen and
 * its tests. Not part of the public API.
 */
#ifndef POSTIE_UI_PRIVATE_H
#define POSTIE_UI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "postie/base.h"

/* One screen line of the viewer: (off, len) in the pager's text. */
struct ui_pager_line {
	size_t off, len;
	unsigned quote; /* '>' marks at its start: 0 for none */
	bool header;    /* a header line (or a note of postie's own) */
};

/* A message as lines. text holds sanitised UTF-8 only. */
struct ui_pager {
	struct buf text;
	struct ui_pager_line *v;
	size_t n, cap;
	size_t nheader; /* the first nheader lines are the headers */
};

/* Render the raw message (raw, len) into lines of at most width cells:
 * Date, From, To, Cc and Subject decoded, a blank line, the body text
 * (HTML as text, flowed joined, charsets from the message and assumed),
 * then one line per attachment. Everything is sanitised. pg must be
 * zeroed or hold an earlier render (released first). UI thread or any. */
void ui_pager_render(struct ui_pager *pg, const char *raw, size_t len,
		     const char *const *assumed, int width);
/* Free the lines and zero pg (ready for another render). */
void ui_pager_release(struct ui_pager *pg);

#endif
