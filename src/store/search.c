/* SPDX-License-Identifier: ISC */
/*
 * Full-text search in one column: the body text of cached messages, for
 * the index's "body:" limit. store_search (message.c) looks in every
 * column; a body: term must not match a subject that happens to hold
 * the word, so this one puts a column filter in front of the words.
 *
 * The words are quoted one by one exactly as store_search quotes them,
 * so FTS5 sees no operator in what the user typed, and the whole query is
 * bound as a parameter, so SQL never sees it.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

static size_t
blank_len(const char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		return 1;
	return strncmp(p, "\xe3\x80\x80", 3) == 0 ? 3 : 0;
}

/* body : ( "w1" "w2" ... ); returns the number of words. */
static size_t
body_query(struct buf *q, const char *in)
{
	const char *p = in;
	size_t words = 0;

	buf_addstr(q, "body : (");
	while (*p) {
		size_t k;
		while ((k = blank_len(p)) > 0)
			p += k;
		if (!*p)
			break;
		const char *w = p;
		while (*p && blank_len(p) == 0)
			p++;
		struct buf t = BUF_INIT;
		store_fts_text(&t, w, (size_t)(p - w));
		buf_addstr(q, " \"");
		for (size_t i = 0; i < t.len; i++) {
			if (t.data[i] == '"')
				buf_addch(q, '"');
			buf_addch(q, t.data[i]);
		}
		buf_addch(q, '"');
		buf_release(&t);
		words++;
	}
	buf_addstr(q, " )");
	return words;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int
store_search_body(struct store *st, int64_t folder, const char *words,
		  uint32_t **out, size_t *n, struct perr *e)
{
	static const char sql[] =
		"SELECT m.uid FROM message_fts "
		"JOIN message m ON m.id = message_fts.rowid "
		"WHERE message_fts MATCH ?1 AND m.folder = ?2";
	struct buf q = BUF_INIT;
	sqlite3_stmt *s = NULL;
	uint32_t *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (strlen(words) > STORE_MAX_FIELD)
		return perr_set(e, PERR_LOCAL, "cannot search: %zu bytes of "
				"search words is over the limit of %d",
				strlen(words), STORE_MAX_FIELD);
	if (body_query(&q, words) == 0) {
		buf_release(&q);
		return 0;
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		buf_release(&q);
		return store_dberr(st, e, "cannot search the bodies");
	}
	sqlite3_bind_text(s, 1, q.data, (int)q.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, folder);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, len + 1, sizeof(*v));
		v[len++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	if (rc != SQLITE_DONE) {
		store_dberr(st, e, "cannot search the bodies");
		sqlite3_finalize(s);
		buf_release(&q);
		free(v);
		return -1;
	}
	sqlite3_finalize(s);
	buf_release(&q);
	if (len)
		qsort(v, len, sizeof(*v), cmp_u32);
	*out = v;
	*n = len;
	return 0;
}
