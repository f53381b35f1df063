/* SPDX-License-Identifier: ISC */
/*
 * Message summaries: bulk insert, flag changes and expunges by UID set,
 * the loads that fill the UI's in-memory array, counts and full-text
 * search.
 *
 * Speed comes from doing each batch in one transaction with cached
 * statements (a transaction per row would fsync per row), and from the
 * load reading rows in UID order straight into one array and one arena
 * sized from a count first, so that nothing is copied twice.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define HEAD_MAX STORE_MAX_FIELD

static void
bind_msg(sqlite3_stmt *s, int64_t folder, const struct store_msg *m)
{
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, m->uid);
	sqlite3_bind_int64(s, 3, m->flags & STORE_F_SERVER_MASK);
	store_bind_text(s, 4, m->keywords, HEAD_MAX, false);
	sqlite3_bind_int64(s, 5, m->internal_date);
	sqlite3_bind_int64(s, 6, m->date);
	sqlite3_bind_int64(s, 7, m->size > UINT32_MAX ? UINT32_MAX
						      : (int64_t)m->size);
	store_bind_text(s, 8, m->from_name, HEAD_MAX, false);
	store_bind_text(s, 9, m->from_addr, HEAD_MAX, false);
	store_bind_text(s, 10, m->to, HEAD_MAX, false);
	store_bind_text(s, 11, m->cc, HEAD_MAX, false);
	store_bind_text(s, 12, m->subject, HEAD_MAX, false);
	store_bind_text(s, 13, m->message_id, HEAD_MAX, false);
	store_bind_text(s, 14, m->in_reply_to, HEAD_MAX, false);
	store_bind_text(s, 15, m->references, HEAD_MAX, true);
	store_bind_text(s, 16, m->preview, STORE_MAX_PREVIEW, false);
	sqlite3_bind_int64(s, 17, (int64_t)m->thread_id);
	sqlite3_bind_int(s, 18, m->has_attachment ? 1 : 0);
}

/* Insert one summary, or update the one already at its UID. The insert
 * is tried first (the common case in a sync is new mail); only when the
 * UID is taken is the row looked up, its index entry (if it has one)
 * taken out with its old values and put back with the new. *inserted
 * says which of the two it was. */
static int
put_one(struct store *st, int64_t folder, const struct store_msg *m,
	bool *inserted, struct perr *e)
{
	sqlite3_stmt *s = store_stmt(st, STMT_MSG_INSERT, e);
	int64_t id = 0;
	int rc;

	if (!s)
		return -1;
	bind_msg(s, folder, m);
	if (store_exec_stmt(st, s, "cannot store a message summary", e) < 0)
		return -1;
	*inserted = sqlite3_changes(st->db) == 1;
	if (*inserted) /* indexed by store_index_update */
		return store_addr_note(st, folder, m, e);

	if (!(s = store_stmt(st, STMT_MSG_ID, e)))
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, m->uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_dberr(st, e, "cannot look up a message");
	if (store_fts_row(st, STMT_FTS_DEL, id, e) < 0)
		return -1;
	if (!(s = store_stmt(st, STMT_MSG_UPDATE, e)))
		return -1;
	bind_msg(s, folder, m);
	if (store_exec_stmt(st, s, "cannot store a message summary", e) < 0)
		return -1;
	return store_fts_row(st, STMT_FTS_ADD, id, e);
}

int
store_msg_put(struct store *st, int64_t folder, const struct store_msg *m,
	      size_t n, struct perr *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].uid == 0)
			return perr_set(e, PERR_MESSAGE,
					"cannot store a message with UID 0 "
					"(entry %zu of %zu)",
					i + 1, n);
	if (store_begin(st, e) < 0)
		return -1;
	/* The folder's counts: a batch of new messages only adds to them,
	 * which costs one row update; recounting the folder instead costs a
	 * pass over its index entries per batch, which made a first sync of
	 * 100,000 messages quadratic. An update of a message already there
	 * may change whether it is unread: then the folder is recounted. */
	int64_t added = 0, unread = 0;
	bool updated = false;
	for (i = 0; i < n; i++) {
		bool ins = false;
		if (put_one(st, folder, &m[i], &ins, e) < 0) {
			perr_prefix(e, "UID %u", m[i].uid);
			goto fail;
		}
		if (!ins)
			updated = true;
		added += ins;
		unread += ins && !(m[i].flags & STORE_F_SEEN);
	}
	crashpoint("store.before-commit");
	if (store_addr_flush(st, e) < 0)
		goto fail;
	if (updated) {
		if (store_folder_recount(st, folder, e) < 0)
			goto fail;
	} else if (added) {
		sqlite3_stmt *s = store_stmt(st, STMT_FOLDER_COUNTS_ADD, e);
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, added);
		sqlite3_bind_int64(s, 3, unread);
		if (store_exec_stmt(st, s, "cannot count messages", e) < 0)
			goto fail;
	}
	return store_commit(st, e);
fail:
	store_addr_discard(st);
	store_rollback(st);
	return -1;
}

int
store_index_update(struct store *st, size_t max, size_t *done,
		   struct perr *e)
{
	struct buf tmp = BUF_INIT;
	int64_t upto, last;
	size_t n = 0;
	int rc;

	if (done)
		*done = 0;
	if (store_begin(st, e) < 0)
		return -1;
	if (store_fts_upto(st, &upto, e) < 0)
		goto fail;
	last = upto;
	sqlite3_stmt *src = store_stmt(st, STMT_FTS_PENDING, e);
	if (!src)
		goto fail;
	sqlite3_bind_int64(src, 1, upto);
	sqlite3_bind_int64(src, 2, max && max < INT64_MAX ? (int64_t)max : -1);
	while ((rc = sqlite3_step(src)) == SQLITE_ROW) {
		if (store_fts_apply(st, STMT_FTS_ADD, src, &tmp, e) < 0) {
			sqlite3_reset(src);
			goto fail;
		}
		last = sqlite3_column_int64(src, 0);
		n++;
	}
	sqlite3_reset(src);
	if (rc != SQLITE_DONE) {
		store_dberr(st, e, "cannot read messages to index");
		goto fail;
	}
	if (last != upto) {
		sqlite3_stmt *s = store_stmt(st, STMT_FTS_UPTO_SET, e);
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, last);
		if (store_exec_stmt(st, s, "cannot update the search index",
				    e) < 0)
			goto fail;
	}
	if (store_commit(st, e) < 0)
		goto fail;
	buf_release(&tmp);
	if (done)
		*done = n;
	return 0;
fail:
	store_rollback(st);
	buf_release(&tmp);
	return perr_prefix(e, "cannot update the search index");
}

int
store_index_pending(struct store *st, uint32_t *out, struct perr *e)
{
	int64_t upto;

	*out = 0;
	if (store_fts_upto(st, &upto, e) < 0)
		return -1;
	sqlite3_stmt *s = store_stmt(st, STMT_FTS_LEFT, e);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, upto);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int64_t v = sqlite3_column_int64(s, 0);
		*out = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_dberr(st, e, "cannot count messages to index");
	return 0;
}

int
store_flags_update(struct store *st, int64_t folder, const uint32_t *uids,
		   size_t n, uint32_t set, uint32_t clear, struct perr *e)
{
	if (store_begin(st, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *s = store_stmt(st, STMT_FLAGS_UPDATE, e);
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, uids[i]);
		sqlite3_bind_int64(s, 3, set & STORE_F_SERVER_MASK);
		sqlite3_bind_int64(s, 4, clear & STORE_F_SERVER_MASK);
		if (store_exec_stmt(st, s, "cannot change flags", e) < 0)
			goto fail;
	}
	if (store_folder_recount(st, folder, e) < 0)
		goto fail;
	return store_commit(st, e);
fail:
	store_rollback(st);
	return -1;
}

int
store_flags_replace(struct store *st, int64_t folder,
		    const struct store_flag_state *v, size_t n, struct perr *e)
{
	if (store_begin(st, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *s = store_stmt(st, STMT_FLAGS_REPLACE, e);
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, v[i].uid);
		sqlite3_bind_int64(s, 3, v[i].flags & STORE_F_SERVER_MASK);
		store_bind_text(s, 4, v[i].keywords, HEAD_MAX, false);
		if (store_exec_stmt(st, s, "cannot change flags", e) < 0)
			goto fail;
	}
	if (store_folder_recount(st, folder, e) < 0)
		goto fail;
	return store_commit(st, e);
fail:
	store_rollback(st);
	return -1;
}

int
store_expunge(struct store *st, int64_t folder, const uint32_t *uids,
	      size_t n, struct perr *e)
{
	if (store_begin(st, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *s = store_stmt(st, STMT_MSG_ID, e);
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, folder);
		sqlite3_bind_int64(s, 2, uids[i]);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(s);
			continue;
		}
		if (rc != SQLITE_ROW) {
			store_dberr(st, e, "cannot look up a message");
			goto fail;
		}
		int64_t id = sqlite3_column_int64(s, 0);
		char *body = NULL;
		if (sqlite3_column_type(s, 1) == SQLITE_TEXT)
			body = xstrdup((const char *)sqlite3_column_text(s, 1));
		sqlite3_reset(s);

		int bad = store_fts_row(st, STMT_FTS_DEL, id, e) < 0;
		if (!bad && !(s = store_stmt(st, STMT_MSG_DELETE, e)))
			bad = 1;
		if (!bad) {
			sqlite3_bind_int64(s, 1, id);
			bad = store_exec_stmt(st, s, "cannot expunge", e) < 0;
		}
		if (!bad && body)
			store_body_unlink(st, body);
		free(body);
		if (bad)
			goto fail;
	}
	if (store_folder_recount(st, folder, e) < 0)
		goto fail;
	return store_commit(st, e);
fail:
	store_rollback(st);
	return -1;
}

static int
count_query(struct store *st, enum store_stmt id, int64_t folder,
	    uint32_t *out, const char *what, struct perr *e)
{
	sqlite3_stmt *s = store_stmt(st, id, e);

	*out = 0;
	if (!s)
		return -1;
	if (folder)
		sqlite3_bind_int64(s, 1, folder);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int64_t v = sqlite3_column_int64(s, 0);
		*out = v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_dberr(st, e, what);
	return 0;
}

int
store_uid_list(struct store *st, int64_t folder, uint32_t **out, size_t *n,
	       struct perr *e)
{
	uint32_t *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	sqlite3_stmt *s = store_stmt(st, STMT_UID_LIST, e);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, len + 1, sizeof(*v));
		v[len++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return store_dberr(st, e, "cannot list UIDs");
	}
	*out = v;
	*n = len;
	return 0;
}

int
store_max_uid(struct store *st, int64_t folder, uint32_t *out, struct perr *e)
{
	return count_query(st, STMT_MAX_UID, folder, out,
			   "cannot read the highest UID", e);
}

int
store_count_unread(struct store *st, int64_t folder, uint32_t *out,
		   struct perr *e)
{
	return count_query(st, folder ? STMT_UNREAD_ONE : STMT_UNREAD_ALL,
			   folder, out, "cannot count unread messages", e);
}

/* ---------------------------------------------------------------------
 * Loading
 */
struct arena {
	char *p;
	size_t len, cap;
};

/* Copy a column into the arena; offset 0 is the shared empty string. */
static int
arena_col(struct arena *a, sqlite3_stmt *s, int col, uint32_t *off)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	size_t n = (size_t)sqlite3_column_bytes(s, col);

	if (!t || n == 0) {
		*off = 0;
		return 0;
	}
	/* Offsets are 32 bits: 4 GiB of strings is far beyond any
	 * folder, so stop rather than wrap. */
	if (a->len + n + 1 > UINT32_MAX)
		return -1;
	if (a->len + n + 1 > a->cap)
		a->p = xgrow(a->p, &a->cap, a->len + n + 1, 1);
	memcpy(a->p + a->len, t, n);
	a->p[a->len + n] = '\0';
	*off = (uint32_t)a->len;
	a->len += n + 1;
	return 0;
}

void
store_summaries_release(struct store_summaries *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->arena);
	memset(s, 0, sizeof(*s));
}

size_t
store_summaries_bytes(const struct store_summaries *s)
{
	return s->n * sizeof(*s->v) + s->arena_len;
}

int
store_load(struct store *st, int64_t folder, struct store_summaries *out,
	   struct perr *e)
{
	struct arena a = { 0 };
	struct store_summary *v = NULL;
	uint32_t count;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (count_query(st, STMT_LOAD_COUNT, folder, &count,
			"cannot load messages", e) < 0)
		return -1;
	sqlite3_stmt *s = store_stmt(st, STMT_LOAD, e);
	if (!s)
		return -1;
	/* Start the arena at a guess of 160 bytes a message; it grows by
	 * doubling if the guess is short. */
	a.cap = (size_t)count * 160 + 1;
	a.p = xmalloc(a.cap);
	a.p[0] = '\0';
	a.len = 1;
	v = xcalloc(count ? count : 1, sizeof(*v));

	sqlite3_bind_int64(s, 1, folder);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		/* Another connection may have added rows between the count
		 * and this read, in a transaction the count did not see. */
		if (n == count) {
			size_t cap = count;
			v = xgrow(v, &cap, (size_t)count + 1, sizeof(*v));
			count = (uint32_t)cap;
		}
		struct store_summary *m = &v[n];
		m->uid = (uint32_t)sqlite3_column_int64(s, 0);
		m->flags = (uint32_t)sqlite3_column_int64(s, 1) &
			   STORE_F_SERVER_MASK;
		m->internal_date = sqlite3_column_int64(s, 3);
		m->date = sqlite3_column_int64(s, 4);
		int64_t size = sqlite3_column_int64(s, 5);
		m->size = size < 0 ? 0 : size > UINT32_MAX ? UINT32_MAX
							  : (uint32_t)size;
		if (sqlite3_column_int(s, 16))
			m->flags |= STORE_F_ATTACHMENT;
		if (sqlite3_column_int(s, 17))
			m->flags |= STORE_F_CACHED;
		if (arena_col(&a, s, 2, &m->keywords) < 0 ||
		    arena_col(&a, s, 6, &m->from_name) < 0 ||
		    arena_col(&a, s, 7, &m->from_addr) < 0 ||
		    arena_col(&a, s, 8, &m->to) < 0 ||
		    arena_col(&a, s, 9, &m->cc) < 0 ||
		    arena_col(&a, s, 10, &m->subject) < 0 ||
		    arena_col(&a, s, 11, &m->message_id) < 0 ||
		    arena_col(&a, s, 12, &m->in_reply_to) < 0 ||
		    arena_col(&a, s, 13, &m->references) < 0 ||
		    arena_col(&a, s, 14, &m->preview) < 0) {
			sqlite3_reset(s);
			free(v);
			free(a.p);
			return perr_set(e, PERR_LOCAL,
					"cannot load folder %lld: more than "
					"4 GiB of header text",
					(long long)folder);
		}
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		free(a.p);
		return store_dberr(st, e, "cannot load messages");
	}
	out->folder = folder;
	out->v = v;
	out->n = n;
	/* Give back what the guess over-reserved. */
	out->arena = xrealloc(a.p, a.len);
	out->arena_len = a.len;
	return 0;
}

/* ---------------------------------------------------------------------
 * Search
 */

/* The length of the word separator at p: ASCII white space or U+3000
 * (the ideographic space of Chinese input methods); 0 if none. */
static size_t
space_len(const char *p)
{
	switch (*p) {
	case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
		return 1;
	}
	return strncmp(p, "\xe3\x80\x80", 3) == 0 ? 3 : 0;
}

/* Turn the user's words into an FTS5 query in which each word is a
 * quoted string: inside quotes FTS5 sees no operators (AND, OR, NOT,
 * NEAR, *, ^, column filters, parentheses), and a '"' is doubled. The
 * string is bound as a parameter, so SQL never sees it either. */
static size_t
build_query(struct buf *q, const char *in)
{
	const char *p = in;
	size_t words = 0;

	while (*p) {
		size_t k;
		while ((k = space_len(p)) > 0)
			p += k;
		if (!*p)
			break;
		const char *w = p;
		while (*p && space_len(p) == 0)
			p++;
		struct buf t = BUF_INIT;
		store_fts_text(&t, w, (size_t)(p - w));
		if (words)
			buf_addch(q, ' ');
		buf_addch(q, '"');
		for (size_t i = 0; i < t.len; i++) {
			if (t.data[i] == '"')
				buf_addch(q, '"');
			buf_addch(q, t.data[i]);
		}
		buf_addch(q, '"');
		buf_release(&t);
		words++;
	}
	return words;
}

int
store_search(struct store *st, int64_t folder, const char *query,
	     size_t limit, struct store_hit **out, size_t *n, struct perr *e)
{
	struct buf q = BUF_INIT;
	struct store_hit *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (query && strlen(query) > STORE_MAX_FIELD)
		return perr_set(e, PERR_LOCAL,
				"cannot search: %zu bytes of search words is "
				"over the limit of %d",
				strlen(query), STORE_MAX_FIELD);
	if (!query || build_query(&q, query) == 0 || limit == 0) {
		buf_release(&q);
		return 0;
	}
	sqlite3_stmt *s =
		store_stmt(st, folder ? STMT_SEARCH_ONE : STMT_SEARCH_ALL, e);
	if (!s) {
		buf_release(&q);
		return -1;
	}
	if (limit > INT32_MAX)
		limit = INT32_MAX;
	sqlite3_bind_text(s, 1, q.data, (int)q.len, SQLITE_STATIC);
	if (folder) {
		sqlite3_bind_int64(s, 2, folder);
		sqlite3_bind_int64(s, 3, (int64_t)limit);
	} else {
		sqlite3_bind_int64(s, 2, (int64_t)limit);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, len + 1, sizeof(*v));
		v[len].folder = sqlite3_column_int64(s, 0);
		v[len].uid = (uint32_t)sqlite3_column_int64(s, 1);
		len++;
	}
	sqlite3_reset(s);
	buf_release(&q);
	if (rc != SQLITE_DONE) {
		free(v);
		return store_dberr(st, e, "cannot search");
	}
	*out = v;
	*n = len;
	return 0;
}
