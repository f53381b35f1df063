/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: the query language of the index's limit (l), tag-pattern (T)
 * and search (/) prompts, parsed into terms and matched against the
 * summaries of a loaded folder. Pure: no curses, no store connection, no
 * clock (the caller passes "now"), so tests/unit/ui/query.c runs it on
 * tables.
 *
 * The syntax, terms joined by AND:
 *
 *   word  "a phrase"     in the subject or the sender (name or address)
 *   from:X  to:X         sender; To or Cc
 *   subject:X            subject
 *   body:X               the body text (answered outside: the store's
 *                        full-text index, the server's UID SEARCH)
 *   date:2026-11-01      that day (local time)
 *   date:2026-11-01..2026-11-07   from the first day to the last, both in;
 *                        either end may be left out
 *   date:7d  date:<7d    newer than 7 days; date:>7d older (d, w, m =
 *                        30 days, y = 365 days)
 *   is:unread is:read is:flagged is:replied is:deleted  has:attachment
 *
 * Values may be quoted ("from:\"Li Lei\""). Letters are compared with
 * ASCII case folded; Chinese and other text byte for byte, as a run of
 * characters anywhere in the field. An empty query or "all" is the
 * query with no terms: it matches everything.
 *
 * UI thread or any; a struct ui_query is used by one thread at a time.
 */
#ifndef POSTIE_UI_QUERY_H
#define POSTIE_UI_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"
#include "postie/store.h"

/* Longest query accepted, in bytes. */
#define UI_QUERY_MAX 1024

enum ui_qterm_kind {
	UI_Q_TEXT,    /* subject or sender */
	UI_Q_FROM,
	UI_Q_TO,      /* To or Cc */
	UI_Q_SUBJECT,
	UI_Q_BODY,    /* not judged by ui_query_match */
	UI_Q_DATE,
	UI_Q_FLAG,    /* has every bit of flag */
	UI_Q_NOFLAG,  /* has none of flag */
};

struct ui_qterm {
	enum ui_qterm_kind kind;
	char *text;          /* the value as typed (UTF-8); owned; NULL for
				DATE, FLAG, NOFLAG */
	int64_t from, to;    /* DATE: from <= t < to (seconds) */
	uint32_t flag;       /* FLAG, NOFLAG: STORE_F_* bits */
};

struct ui_query {
	struct ui_qterm *v;
	size_t n;            /* 0: everything matches */
	char *body;          /* the body: values joined by spaces, or NULL
				when the query has none; owned */
};

/* Parse s into *q (which is overwritten: release it first). now is the
 * time dates like "7d" count back from, tz_min the local offset from UTC
 * in minutes for whole days. Returns 0, or -1 with PERR_MESSAGE saying
 * what is wrong and at which byte (an unknown key, an unclosed quote, a
 * key without a value, a bad date); *q is then empty. */
int ui_query_parse(const char *s, int64_t now, int tz_min,
		   struct ui_query *q, struct perr *e);
/* Free the terms and zero *q. Safe on a zeroed struct. */
void ui_query_release(struct ui_query *q);
/* Does the summary m of load s match every term but body: ones? */
bool ui_query_match(const struct ui_query *q, const struct store_summaries *s,
		    const struct store_summary *m);
/* Is needle in hay, ASCII letters case folded? An empty needle is. */
bool ui_query_contains(const char *hay, const char *needle);

#endif
