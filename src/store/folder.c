/* SPDX-License-Identifier: ISC */
/*
 * Folders in the index: upsert from what the server said (with the
 * UIDVALIDITY rule that drops every cached message when the server's UIDs
 * changed meaning), listing, lookup and deletion.
 *
 * The server's name is kept as a BLOB, byte for byte: it may hold
 * anything a hostile LIST reply sends (NUL, CR, "..", "/"), and it is only
 * ever handed back to the IMAP encoder, never used in a path.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/log.h"

#include "private.h"

static const char *
nz(const char *s)
{
	return s ? s : "";
}

static char *
col_dup(sqlite3_stmt *s, int col, size_t *len)
{
	const char *p = (const char *)sqlite3_column_blob(s, col);
	int n = sqlite3_column_bytes(s, col);
	char *r = xmalloc((size_t)n + 1);

	if (n > 0)
		memcpy(r, p, (size_t)n);
	r[n] = '\0';
	if (len)
		*len = (size_t)n;
	return r;
}

static uint32_t
col_u32(sqlite3_stmt *s, int col)
{
	int64_t v = sqlite3_column_int64(s, col);
	return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void
row_to_folder(sqlite3_stmt *s, struct store_folder *f)
{
	f->id = sqlite3_column_int64(s, 0);
	f->name = col_dup(s, 1, NULL);
	f->raw = col_dup(s, 2, &f->raw_len);
	f->delim = col_dup(s, 3, NULL);
	int role = sqlite3_column_int(s, 4);
	f->role = STORE_ROLE_NONE;
	if (role >= 0 && role <= STORE_ROLE_FLAGGED)
		f->role = (enum store_role)role;
	f->uidvalidity = col_u32(s, 5);
	f->uidnext = col_u32(s, 6);
	f->highestmodseq = (uint64_t)sqlite3_column_int64(s, 7);
	f->total = col_u32(s, 8);
	f->unread = col_u32(s, 9);
}

void
store_folder_release(struct store_folder *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->raw);
	free(f->delim);
	memset(f, 0, sizeof(*f));
}

void
store_folder_list_free(struct store_folder *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_folder_release(&v[i]);
	free(v);
}

/* The folder query with one WHERE/ORDER clause; not cached, as it is run
 * rarely and the clause varies. */
static int
folder_query(struct store *st, const char *tail, int64_t id, const char *raw,
	     size_t raw_len, struct store_folder **out, size_t *n,
	     struct perr *e)
{
	char *sql = xstrfmt("SELECT id, name, raw_name, delim, role, "
			    "uidvalidity, uidnext, highestmodseq, total, "
			    "unread FROM folder %s",
			    tail);
	sqlite3_stmt *s;
	struct store_folder *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		free(sql);
		return store_dberr(st, e, "cannot list folders");
	}
	free(sql);
	if (raw)
		sqlite3_bind_blob(s, 1, raw, (int)raw_len, SQLITE_STATIC);
	else if (id)
		sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, len + 1, sizeof(*v));
		row_to_folder(s, &v[len++]);
	}
	if (rc != SQLITE_DONE) {
		store_dberr(st, e, "cannot list folders");
		sqlite3_finalize(s);
		store_folder_list_free(v, len);
		return -1;
	}
	sqlite3_finalize(s);
	*out = v;
	*n = len;
	return 0;
}

int
store_folder_list(struct store *st, struct store_folder **out, size_t *n,
		  struct perr *e)
{
	return folder_query(st, "ORDER BY name, id", 0, NULL, 0, out, n, e);
}

static int
folder_one(struct store *st, const char *tail, int64_t id, const char *raw,
	   size_t raw_len, struct store_folder *out, struct perr *e)
{
	struct store_folder *v;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (folder_query(st, tail, id, raw, raw_len, &v, &n, e) < 0)
		return -1;
	if (n == 0) {
		free(v);
		return 0;
	}
	*out = v[0];
	for (size_t i = 1; i < n; i++)
		store_folder_release(&v[i]);
	free(v);
	return 1;
}

int
store_folder_get(struct store *st, int64_t id, struct store_folder *out,
		 struct perr *e)
{
	return folder_one(st, "WHERE id = ?1", id, NULL, 0, out, e);
}

int
store_folder_find(struct store *st, const char *raw, size_t raw_len,
		  struct store_folder *out, struct perr *e)
{
	return folder_one(st, "WHERE raw_name = ?1", 0, raw ? raw : "",
			  raw ? raw_len : 0, out, e);
}

int
store_folder_recount(struct store *st, int64_t folder, struct perr *e)
{
	sqlite3_stmt *s = store_stmt(st, STMT_FOLDER_COUNTS, e);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	return store_exec_stmt(st, s, "cannot count messages", e);
}

int
store_folder_drop_messages(struct store *st, int64_t folder, struct perr *e)
{
	sqlite3_stmt *s = store_stmt(st, STMT_FOLDER_BODIES, e);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = col_dup(s, 1, NULL);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_dberr(st, e, "cannot drop the messages of a folder");
		goto out;
	}
	rc = -1;
	/* Take the folder's entries out of the search index, each with the
	 * values it went in with. */
	int64_t upto;
	struct buf tmp = BUF_INIT;
	if (store_fts_upto(st, &upto, e) < 0)
		goto out;
	s = store_stmt(st, STMT_FOLDER_FTS_ROWS, e);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, upto);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if (store_fts_apply(st, STMT_FTS_DEL, s, &tmp, e) < 0)
			break;
	sqlite3_reset(s);
	buf_release(&tmp);
	if (step == SQLITE_ROW)
		goto out;
	if (step != SQLITE_DONE) {
		store_dberr(st, e, "cannot drop the messages of a folder");
		goto out;
	}
	s = store_stmt(st, STMT_FOLDER_MSG_DROP, e);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, folder);
	if (store_exec_stmt(st, s, "cannot drop the messages of a folder", e) <
	    0)
		goto out;
	for (size_t i = 0; i < n; i++)
		store_body_unlink(st, names[i]);
	rc = store_folder_recount(st, folder, e);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc == 0 ? 0 : -1;
}

int
store_folder_upsert(struct store *st, const struct store_folder_info *info,
		    int64_t *id_out, bool *reset, struct perr *e)
{
	const char *raw = info->raw ? info->raw : "";
	size_t raw_len = info->raw ? info->raw_len : 0;
	int64_t id = 0, old_validity = 0;
	bool drop = false;
	sqlite3_stmt *s;
	int rc;

	if (reset)
		*reset = false;
	if (raw_len > STORE_MAX_FIELD * 16)
		return perr_set(e, PERR_FOLDER,
				"cannot store a folder name of %zu bytes",
				raw_len);
	if (store_begin(st, e) < 0)
		return -1;
	if (!(s = store_stmt(st, STMT_FOLDER_BY_RAW, e)))
		goto fail;
	sqlite3_bind_blob(s, 1, raw, (int)raw_len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		old_validity = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_dberr(st, e, "cannot look up a folder");
		goto fail;
	}

	if (id) {
		uint32_t max = 0;
		if (store_max_uid(st, id, &max, e) < 0)
			goto fail;
		/* RFC 3501 2.3.1.1: a new UIDVALIDITY means the old UIDs
		 * name nothing; so does a UIDNEXT at or below a UID we hold
		 * (the server lost or renumbered its mailbox). */
		if (info->uidvalidity && old_validity &&
		    info->uidvalidity != (uint32_t)old_validity)
			drop = true;
		if (info->uidnext && max && info->uidnext <= max)
			drop = true;
		if (drop) {
			log_warn("folder '%s': UIDVALIDITY %lld -> %u, UIDNEXT "
				 "%u, highest cached UID %u: dropping its "
				 "cached messages",
				 nz(info->name), (long long)old_validity,
				 info->uidvalidity, info->uidnext, max);
			if (store_folder_drop_messages(st, id, e) < 0)
				goto fail;
		}
		s = store_stmt(st, STMT_FOLDER_UPDATE, e);
	} else {
		s = store_stmt(st, STMT_FOLDER_INSERT, e);
	}
	if (!s)
		goto fail;
	if (id)
		sqlite3_bind_int64(s, 1, id);
	else
		sqlite3_bind_blob(s, 1, raw, (int)raw_len, SQLITE_STATIC);
	store_bind_text(s, 2, info->name, STORE_MAX_FIELD, false);
	store_bind_text(s, 3, info->delim, 64, false);
	sqlite3_bind_int(s, 4, (int)info->role);
	sqlite3_bind_int64(s, 5, info->uidvalidity);
	sqlite3_bind_int64(s, 6, info->uidnext);
	sqlite3_bind_int64(s, 7, (int64_t)info->highestmodseq);
	if (store_exec_stmt(st, s, "cannot store a folder", e) < 0)
		goto fail;
	if (!id)
		id = sqlite3_last_insert_rowid(st->db);
	if (store_commit(st, e) < 0)
		goto fail;
	if (id_out)
		*id_out = id;
	if (reset)
		*reset = drop;
	return 0;
fail:
	store_rollback(st);
	return perr_prefix(e, "folder '%s'", nz(info->name));
}

int
store_folder_delete(struct store *st, int64_t id, struct perr *e)
{
	sqlite3_stmt *s;

	if (store_begin(st, e) < 0)
		return -1;
	if (store_folder_drop_messages(st, id, e) < 0)
		goto fail;
	if (!(s = store_stmt(st, STMT_FOLDER_DELETE, e)))
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	if (store_exec_stmt(st, s, "cannot delete a folder", e) < 0)
		goto fail;
	if (store_commit(st, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
store_folder_rename(struct store *st, int64_t id, const char *raw,
		    size_t raw_len, const char *name, struct perr *e)
{
	struct store_folder other;
	sqlite3_stmt *s;

	if (!raw)
		raw = "";
	if (raw_len > STORE_MAX_FIELD * 16)
		return perr_set(e, PERR_FOLDER,
				"cannot store a folder name of %zu bytes",
				raw_len);
	if (store_begin(st, e) < 0)
		return -1;
	int found = store_folder_find(st, raw, raw_len, &other, e);
	if (found < 0)
		goto fail;
	if (found) {
		bool same = other.id == id;
		store_folder_release(&other);
		if (!same) {
			perr_set(e, PERR_FOLDER,
				 "cannot rename folder %lld to '%s': that "
				 "name is taken",
				 (long long)id, name ? name : "");
			goto fail;
		}
	}
	if (!(s = store_stmt(st, STMT_FOLDER_RENAME, e)))
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, raw, (int)raw_len, SQLITE_STATIC);
	store_bind_text(s, 3, name, STORE_MAX_FIELD, false);
	if (store_exec_stmt(st, s, "cannot rename a folder", e) < 0)
		goto fail;
	if (sqlite3_changes(st->db) != 1) {
		perr_set(e, PERR_FOLDER,
			 "cannot rename folder %lld: no such folder",
			 (long long)id);
		goto fail;
	}
	return store_commit(st, e);
fail:
	store_rollback(st);
	return -1;
}
