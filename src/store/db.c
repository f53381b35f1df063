/* SPDX-License-Identifier: ISC */
/*
 * Opening the index: the file checks that tell a damaged or foreign file
 * from ours, the schema and its migrations, moving a bad index aside, the
 * cache of prepared statements and transactions.
 *
 * The checks are layered so that the common case stays cheap. Before
 * SQLite sees the file we read its first 100 bytes: a zeroed or random
 * file fails the magic string there. Then application_id and user_version
 * say whether the file is ours and of which schema. The writer then sees
 * that the file holds every page its header counts, which catches a
 * truncated file (its header is fine but pages are missing) at no cost.
 * It runs PRAGMA quick_check, a pass over the whole file, only when the
 * index may be damaged: a WAL left by a crash, or a mark left by a run
 * that met SQLITE_CORRUPT. Only the account worker pays it, off the UI
 * thread, while the UI opens its reader at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postie/log.h"

#include "private.h"

static const char *const stmt_sql[STMT_COUNT] = {
#define STORE_STMT_SQL_(name, sql) sql,
	STORE_STMT_TABLE(STORE_STMT_SQL_)
#undef STORE_STMT_SQL_
};

sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt id, struct perr *e)
{
	sqlite3_stmt *s = st->stmt[id];

	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	int rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
				    SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK) {
		store_dberr(st, e, "cannot prepare a statement of the index");
		sqlite3_finalize(s);
		return NULL;
	}
	st->stmt[id] = s;
	return s;
}

int
store_dberr(struct store *st, struct perr *e, const char *what)
{
	int code = sqlite3_errcode(st->db) & 0xff;

	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
		/* Make the next writer's open run the full check, which
		 * then moves the index aside and rebuilds it. */
		char *mark = xstrfmt("%s.check", st->db_path);
		int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC |
					    O_NOFOLLOW, 0600);
		if (fd >= 0)
			close(fd);
		free(mark);
	}
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return perr_set(e, PERR_LOCAL,
				"%s: %s (the index '%s' is damaged; it is "
				"rebuilt when the account starts again)",
				what, sqlite3_errmsg(st->db), st->db_path);
	return perr_set(e, PERR_LOCAL, "%s: %s", what,
			sqlite3_errmsg(st->db));
}

int
store_exec_stmt(struct store *st, sqlite3_stmt *s, const char *what,
		struct perr *e)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_dberr(st, e, what);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return -1;
	}
	/* Strings are bound without a copy (SQLITE_STATIC); drop the
	 * pointers now, while the caller's strings are still alive. */
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 0;
}

int
store_begin(struct store *st, struct perr *e)
{
	if (st->mode != STORE_WRITE)
		return perr_set(e, PERR_LOCAL,
				"cannot change the index '%s': read-only",
				st->db_path);
	sqlite3_stmt *s = store_stmt(st, STMT_BEGIN, e);
	if (!s)
		return -1;
	return store_exec_stmt(st, s, "cannot start a transaction", e);
}

int
store_commit(struct store *st, struct perr *e)
{
	sqlite3_stmt *s = store_stmt(st, STMT_COMMIT, e);
	if (!s)
		return -1;
	if (store_exec_stmt(st, s, "cannot commit to the index", e) < 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return;
	sqlite3_stmt *s = store_stmt(st, STMT_ROLLBACK, NULL);
	if (!s || sqlite3_step(s) != SQLITE_DONE)
		log_warn("cannot roll back in '%s': %s", st->db_path,
			 sqlite3_errmsg(st->db));
	if (s)
		sqlite3_reset(s);
}

int
store_bind_text(sqlite3_stmt *s, int col, const char *v, size_t max,
		bool keep_tail)
{
	if (!v)
		v = "";
	size_t len = strlen(v);
	if (len > max) {
		if (keep_tail) {
			/* Skip continuation bytes so that the tail starts on
			 * a character, then on a word if there is one. */
			const char *p = v + len - max;
			while (*p && ((unsigned char)*p & 0xc0) == 0x80)
				p++;
			const char *sp = strchr(p, ' ');
			if (sp && sp[1])
				p = sp + 1;
			len = strlen(p);
			v = p;
		} else {
			len = utf8_cut(v, len, max);
		}
	}
	return sqlite3_bind_text(s, col, v, (int)len, SQLITE_STATIC);
}

/* CJK ideographs, kana, Hangul and their compatibility forms: scripts
 * written without spaces between words. */
static bool
is_cjk(uint32_t cp)
{
	return (cp >= 0x2e80 && cp <= 0x2fdf) ||   /* radicals */
	       (cp >= 0x3040 && cp <= 0x30ff) ||   /* kana */
	       (cp >= 0x3100 && cp <= 0x31ff) ||   /* bopomofo, kana ext */
	       (cp >= 0x3400 && cp <= 0x4dbf) ||   /* ext A */
	       (cp >= 0x4e00 && cp <= 0x9fff) ||   /* unified */
	       (cp >= 0xac00 && cp <= 0xd7af) ||   /* Hangul */
	       (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility */
	       (cp >= 0x20000 && cp <= 0x3ffff);   /* ext B and later */
}

void
store_fts_text(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (k == 0) {
			buf_addch(out, s[i]);
			i++;
			continue;
		}
		if (is_cjk(cp)) {
			buf_addch(out, ' ');
			buf_add(out, s + i, k);
			buf_addch(out, ' ');
		} else {
			buf_add(out, s + i, k);
		}
		i += k;
	}
}

int
store_fts_upto(struct store *st, int64_t *upto, struct perr *e)
{
	sqlite3_stmt *s = store_stmt(st, STMT_FTS_UPTO, e);
	int rc;

	*upto = 0;
	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*upto = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_dberr(st, e, "cannot read the search index state");
	return 0;
}

/* Column c of src as a slice (SQLite keeps the bytes until the next step
 * of src). */
static const char *
col_text(sqlite3_stmt *src, int c, size_t *len)
{
	const char *t = (const char *)sqlite3_column_text(src, c);
	*len = t ? (size_t)sqlite3_column_bytes(src, c) : 0;
	return t ? t : "";
}

int
store_fts_apply(struct store *st, enum store_stmt which, sqlite3_stmt *src,
		struct buf *tmp, struct perr *e)
{
	size_t len, subj_len, addrs_at;
	const char *t;

	/* One buffer: subject, then the four address fields joined by
	 * spaces. The body text is stored already split (message_text). */
	buf_reset(tmp);
	t = col_text(src, 1, &len);
	store_fts_text(tmp, t, len);
	subj_len = tmp->len;
	addrs_at = tmp->len;
	for (int c = 2; c <= 5; c++) {
		if (c > 2)
			buf_addch(tmp, ' ');
		t = col_text(src, c, &len);
		store_fts_text(tmp, t, len);
	}
	sqlite3_stmt *s = store_stmt(st, which, e);
	if (!s)
		return -1;
	t = col_text(src, 6, &len);
	sqlite3_bind_int64(s, 1, sqlite3_column_int64(src, 0));
	sqlite3_bind_text(s, 2, tmp->data, (int)subj_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, tmp->data + addrs_at,
			  (int)(tmp->len - addrs_at), SQLITE_STATIC);
	sqlite3_bind_text(s, 4, t, (int)len, SQLITE_STATIC);
	return store_exec_stmt(st, s, "cannot update the search index", e);
}

int
store_fts_row(struct store *st, enum store_stmt which, int64_t id,
	      struct perr *e)
{
	int64_t upto;
	struct buf tmp = BUF_INIT;
	int rc;

	if (store_fts_upto(st, &upto, e) < 0)
		return -1;
	if (id > upto)
		return 0;
	sqlite3_stmt *src = store_stmt(st, STMT_FTS_ROW, e);
	if (!src)
		return -1;
	sqlite3_bind_int64(src, 1, id);
	rc = sqlite3_step(src);
	if (rc == SQLITE_ROW)
		rc = store_fts_apply(st, which, src, &tmp, e);
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_dberr(st, e, "cannot read a message");
	sqlite3_reset(src);
	buf_release(&tmp);
	return rc;
}

/* ---------------------------------------------------------------------
 * The schema, as steps: migration[v] takes a database from version v to
 * v + 1. A new version appends a step; old steps never change, so every
 * old index upgrades along the same path.
 */
static const char *const migration[] = {
	/* 0 -> 1: folders and message summaries. */
	"CREATE TABLE folder ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" raw_name BLOB NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" delim TEXT NOT NULL DEFAULT '',"
	" role INTEGER NOT NULL DEFAULT 0,"
	" uidvalidity INTEGER NOT NULL DEFAULT 0,"
	" uidnext INTEGER NOT NULL DEFAULT 0,"
	" highestmodseq INTEGER NOT NULL DEFAULT 0,"
	" total INTEGER NOT NULL DEFAULT 0,"
	" unread INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE message ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" folder INTEGER NOT NULL REFERENCES folder(id) ON DELETE CASCADE,"
	" uid INTEGER NOT NULL,"
	" flags INTEGER NOT NULL DEFAULT 0,"
	" keywords TEXT NOT NULL DEFAULT '',"
	" internal_date INTEGER NOT NULL DEFAULT 0,"
	" date INTEGER NOT NULL DEFAULT 0,"
	" size INTEGER NOT NULL DEFAULT 0,"
	" from_name TEXT NOT NULL DEFAULT '',"
	" from_addr TEXT NOT NULL DEFAULT '',"
	" to_addr TEXT NOT NULL DEFAULT '',"
	" cc_addr TEXT NOT NULL DEFAULT '',"
	" subject TEXT NOT NULL DEFAULT '',"
	" message_id TEXT NOT NULL DEFAULT '',"
	" in_reply_to TEXT NOT NULL DEFAULT '',"
	" refs TEXT NOT NULL DEFAULT '',"
	" preview TEXT NOT NULL DEFAULT '',"
	" thread_id INTEGER NOT NULL DEFAULT 0,"
	" has_attachment INTEGER NOT NULL DEFAULT 0,"
	" body_path TEXT,"
	" UNIQUE (folder, uid));"
	/* Unread counts run after every flag change: keep them off a
	 * scan of the folder. */
	"CREATE INDEX message_unread ON message (folder) "
	" WHERE flags & 1 = 0;",

	/* 1 -> 2: full-text search over subjects, addresses and body text.
	 * The index keeps no text of its own (content=''); message_text
	 * holds the split body text given for cached bodies. The index
	 * starts empty with its mark at 0: store_index_update then indexes
	 * the summaries already there. */
	"CREATE VIRTUAL TABLE message_fts USING fts5("
	" subject, addrs, body, content = '',"
	" tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TABLE message_text ("
	" id INTEGER PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE,"
	" body TEXT NOT NULL);"
	"CREATE TABLE state (key TEXT PRIMARY KEY, value);"
	"INSERT INTO state (key, value) VALUES ('fts_upto', 0);",

	/* 2 -> 3: the addresses seen, for completion (addr.c). NOCASE
	 * makes one row of Zhang@QQ.com and zhang@qq.com. The summaries
	 * already there are counted by migration_fill below. */
	"CREATE TABLE addr ("
	" addr TEXT PRIMARY KEY COLLATE NOCASE,"
	" name TEXT NOT NULL DEFAULT '',"
	" seen INTEGER NOT NULL DEFAULT 0,"
	" sent INTEGER NOT NULL DEFAULT 0,"
	" last INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
};

/* What a step needs beyond SQL, run inside its transaction: NULL for
 * most. */
static int (*const migration_fill[])(struct store *, struct perr *) = {
	NULL,
	NULL,
	store_addr_fill,
};

_Static_assert(ARRAY_SIZE(migration) == STORE_SCHEMA_VERSION,
	       "one migration step per schema version");
_Static_assert(ARRAY_SIZE(migration_fill) == STORE_SCHEMA_VERSION,
	       "one fill entry per schema version");

static int
exec_sql(struct store *st, const char *sql, const char *what,
	 struct perr *e)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		perr_set(e, PERR_LOCAL, "%s in '%s': %s", what, st->db_path,
			 msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
pragma_int(struct store *st, const char *sql, int64_t *out, struct perr *e)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, e, "cannot read the index header");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_dberr(st, e, "cannot read the index header");
	return 0;
}

int
store_schema_migrate(struct store *st, int from, int up_to, struct perr *e)
{
	for (int v = from; v < up_to; v++) {
		char *sql = xstrfmt("BEGIN IMMEDIATE; %s "
				    "PRAGMA application_id = %d; "
				    "PRAGMA user_version = %d;",
				    migration[v], STORE_APP_ID, v + 1);
		int rc = exec_sql(st, sql, "cannot upgrade the index", e);
		free(sql);
		if (rc == 0 && migration_fill[v])
			rc = migration_fill[v](st, e);
		if (rc == 0)
			rc = exec_sql(st, "COMMIT", "cannot upgrade the index",
				      e);
		if (rc < 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return perr_prefix(e, "schema %d to %d", v, v + 1);
		}
		if (v > 0)
			log_info("index '%s' upgraded from version %d to %d",
				 st->db_path, v, v + 1);
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Opening
 */

/* What a look at the file's first bytes says. */
enum file_state { FILE_MISSING, FILE_EMPTY, FILE_SQLITE, FILE_BAD };

static enum file_state
file_state(const char *path, char *why, size_t whylen)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char hdr[100];
	struct stat sb;
	/* O_NONBLOCK: a FIFO planted under our name must not hang us. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0) {
		if (errno == ENOENT)
			return FILE_MISSING;
		snprintf(why, whylen, "cannot open it: %s", strerror(errno));
		return FILE_BAD;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		snprintf(why, whylen, "not a regular file");
		return FILE_BAD;
	}
	if (sb.st_size == 0) {
		close(fd);
		return FILE_EMPTY;
	}
	ssize_t got = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (got < (ssize_t)sizeof(hdr)) {
		snprintf(why, whylen, "truncated to %lld bytes",
			 (long long)sb.st_size);
		return FILE_BAD;
	}
	if (memcmp(hdr, magic, sizeof(magic)) != 0) {
		snprintf(why, whylen, "not an SQLite database");
		return FILE_BAD;
	}
	return FILE_SQLITE;
}

/* Rename db_path+suffix to db_path.damaged+suffix when it exists,
 * replacing an earlier damaged copy. */
static int
move_aside(const char *db_path, const char *suffix, struct perr *e)
{
	char *from = xstrfmt("%s%s", db_path, suffix);
	char *to = xstrfmt("%s.damaged%s", db_path, suffix);
	int rc = 0;

	if (rename(from, to) < 0 && errno != ENOENT)
		rc = perr_set(e, PERR_LOCAL, "cannot move '%s' aside: %s",
			      from, strerror(errno));
	free(from);
	free(to);
	return rc;
}

static void
close_db(struct store *st)
{
	for (size_t i = 0; i < STMT_COUNT; i++) {
		sqlite3_finalize(st->stmt[i]);
		st->stmt[i] = NULL;
	}
	if (st->db)
		sqlite3_close_v2(st->db);
	st->db = NULL;
}

static int
connect_db(struct store *st, struct perr *e)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		    SQLITE_OPEN_NOFOLLOW;

	if (st->mode == STORE_WRITE) {
		/* SQLite creates files 0644; make ours 0600 first. The
		 * -wal and -shm files take the mode of the database. */
		int fd = open(st->db_path, O_WRONLY | O_CREAT | O_CLOEXEC |
						   O_NOFOLLOW | O_NONBLOCK,
			      0600);
		if (fd < 0)
			return perr_set(e, PERR_LOCAL,
					"cannot create the index '%s': %s",
					st->db_path, strerror(errno));
		close(fd);
		flags |= SQLITE_OPEN_CREATE;
	}
	if (st->mode == STORE_WRITE) {
		/* The full check is for an index that may be damaged: one a
		 * crash left with its WAL (a clean close removes it), or
		 * one an earlier run found damaged (the mark store_dberr
		 * leaves). Looked at before SQLite opens the file, which
		 * makes a WAL of its own. */
		struct stat sb;
		char *wal = xstrfmt("%s-wal", st->db_path);
		char *mark = xstrfmt("%s.check", st->db_path);
		st->deep_check = (stat(wal, &sb) == 0 && sb.st_size > 0) ||
				 access(mark, F_OK) == 0;
		free(mark);
		free(wal);
	}
	if (sqlite3_open_v2(st->db_path, &st->db, flags, NULL) != SQLITE_OK) {
		if (!st->db)
			return perr_set(e, PERR_NOMEM, "cannot open '%s'",
					st->db_path);
		store_dberr(st, e, "cannot open the index");
		close_db(st);
		return -1;
	}
	sqlite3_extended_result_codes(st->db, 0);
	sqlite3_busy_timeout(st->db, 5000);
	return 0;
}

/* Is the open database ours and sound? 1 yes, 0 no (reason in why), -1
 * on an error that is not about the file (busy, out of memory). */
static int
check_db(struct store *st, int64_t *version, char *why, size_t whylen,
	 struct perr *e)
{
	int64_t app = 0, count = 0;
	struct perr pe = PERR_INIT;

	if (pragma_int(st, "PRAGMA application_id", &app, &pe) < 0 ||
	    pragma_int(st, "PRAGMA user_version", version, &pe) < 0 ||
	    pragma_int(st, "SELECT count(*) FROM sqlite_schema", &count,
		       &pe) < 0) {
		int code = sqlite3_errcode(st->db);
		if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
			snprintf(why, whylen, "%s", sqlite3_errmsg(st->db));
			return 0;
		}
		*e = pe;
		return -1;
	}
	if (app != STORE_APP_ID && !(app == 0 && *version == 0 &&
				     count == 0)) {
		snprintf(why, whylen, "it belongs to another program");
		return 0;
	}
	if (*version > STORE_SCHEMA_VERSION || *version < 0) {
		snprintf(why, whylen, "its version %lld is not known here",
			 (long long)*version);
		return 0;
	}
	if (st->mode != STORE_WRITE)
		return 1;
	if (!st->deep_check) {
		/* A clean index: only see that the file holds every page its
		 * header counts (a truncated copy does not), which costs
		 * nothing, where the full check costs a pass over the file
		 * (a tenth of a second at 100,000 messages) at every start. */
		int64_t pages = 0, page_size = 0;
		struct stat sb;
		if (pragma_int(st, "PRAGMA page_count", &pages, &pe) < 0 ||
		    pragma_int(st, "PRAGMA page_size", &page_size, &pe) < 0) {
			snprintf(why, whylen, "%s", pe.msg);
			return 0;
		}
		if (stat(st->db_path, &sb) == 0 &&
		    (int64_t)sb.st_size < pages * page_size) {
			snprintf(why, whylen, "truncated: %lld of %lld bytes",
				 (long long)sb.st_size,
				 (long long)(pages * page_size));
			return 0;
		}
		return 1;
	}

	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s, NULL) !=
	    SQLITE_OK) {
		snprintf(why, whylen, "%s", sqlite3_errmsg(st->db));
		return 0;
	}
	int rc = sqlite3_step(s);
	const char *r = rc == SQLITE_ROW
				? (const char *)sqlite3_column_text(s, 0)
				: NULL;
	int good = r && strcmp(r, "ok") == 0;
	if (!good)
		snprintf(why, whylen, "%s",
			 r ? r : sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	if (good) {
		char *mark = xstrfmt("%s.check", st->db_path);
		unlink(mark);
		free(mark);
	}
	return good;
}

static int
set_pragmas(struct store *st, struct perr *e)
{
	if (exec_sql(st, "PRAGMA foreign_keys = ON", "cannot set up the index",
		     e) < 0)
		return -1;
	if (st->mode == STORE_READ)
		return exec_sql(st, "PRAGMA query_only = ON",
				"cannot set up the index", e);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s,
			       NULL) != SQLITE_OK)
		return store_dberr(st, e, "cannot set up the index");
	int rc = sqlite3_step(s);
	const char *mode = rc == SQLITE_ROW
				   ? (const char *)sqlite3_column_text(s, 0)
				   : NULL;
	bool wal = mode && strcmp(mode, "wal") == 0;
	sqlite3_finalize(s);
	if (!wal)
		return perr_set(e, PERR_LOCAL,
				"cannot put the index '%s' in WAL mode: %s",
				st->db_path, sqlite3_errmsg(st->db));
	/* NORMAL is durable enough for a cache in WAL mode (a crash may
	 * lose the last transactions, never corrupt the file). The sync
	 * writes in batches of about a thousand summaries, each its own
	 * transaction, so an 8 MiB page cache holds a batch with room to
	 * spare; 32 MiB cost 15 MB of resident memory in a first sync of
	 * 100,000 messages and no measurable time. The size limit gives the
	 * disk back after a big batch is checkpointed. */
	return exec_sql(st, "PRAGMA synchronous = NORMAL; "
			"PRAGMA cache_size = -8192; "
			"PRAGMA journal_size_limit = 16777216",
			"cannot set up the index", e);
}

/* Move a bad index and the bodies it named out of the way. */
static int
rebuild(struct store *st, const char *why, struct perr *e)
{
	log_warn("the index '%s' is unusable (%s): moved aside to "
		 "'%s.damaged' and rebuilt empty; the account syncs again",
		 st->db_path, why, st->db_path);
	close_db(st);
	char *mark = xstrfmt("%s.check", st->db_path);
	unlink(mark);
	free(mark);
	char *shm = xstrfmt("%s-shm", st->db_path);
	int rc = move_aside(st->db_path, "", e);
	if (rc == 0)
		rc = move_aside(st->db_path, "-wal", e);
	/* The shared-memory index is rebuilt from the WAL by SQLite; it
	 * is of no use beside a damaged file. */
	if (rc == 0 && unlink(shm) < 0 && errno != ENOENT)
		rc = perr_set(e, PERR_LOCAL, "cannot remove '%s': %s", shm,
			      strerror(errno));
	free(shm);
	if (rc == 0)
		rc = store_body_wipe(st, e);
	return rc;
}

struct store *
store_open(const char *dir, enum store_mode mode,
	   struct store_open_info *info, struct perr *e)
{
	struct store_open_info dummy;
	struct store *st;
	char why[256] = "";
	int64_t version = 0;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	if (!dir || !*dir) {
		perr_set(e, PERR_LOCAL, "cannot open the index: no directory");
		return NULL;
	}
	if (mode == STORE_WRITE && file_mkdirs(dir, 0700, e) < 0) {
		perr_prefix(e, "cannot open the index in '%s'", dir);
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->mode = mode;
	st->dir = xstrdup(dir);
	st->db_path = xstrfmt("%s/%s", dir, STORE_DB_NAME);
	st->body_dir = xstrfmt("%s/%s", dir, STORE_BODY_DIR);

	enum file_state fs = file_state(st->db_path, why, sizeof(why));
	if (mode == STORE_READ) {
		if (fs == FILE_MISSING || fs == FILE_EMPTY) {
			perr_set(e, PERR_LOCAL,
				 "cannot open the index '%s': not created yet",
				 st->db_path);
			goto fail;
		}
		if (fs == FILE_BAD) {
			perr_set(e, PERR_LOCAL,
				 "cannot open the index '%s': %s", st->db_path,
				 why);
			goto fail;
		}
	}
	info->created = fs == FILE_MISSING || fs == FILE_EMPTY;
	if (fs == FILE_BAD) {
		info->rebuilt = true;
		snprintf(info->reason, sizeof(info->reason), "%s", why);
		if (rebuild(st, why, e) < 0)
			goto fail;
	}
	if (connect_db(st, e) < 0)
		goto fail;

	int ok = check_db(st, &version, why, sizeof(why), e);
	if (ok < 0)
		goto fail;
	if (ok == 0) {
		if (mode == STORE_READ) {
			perr_set(e, PERR_LOCAL,
				 "cannot open the index '%s': %s", st->db_path,
				 why);
			goto fail;
		}
		info->rebuilt = true;
		snprintf(info->reason, sizeof(info->reason), "%s", why);
		if (rebuild(st, why, e) < 0 || connect_db(st, e) < 0)
			goto fail;
		version = 0;
	}
	info->old_version = (int)version;
	if (mode == STORE_READ && version != STORE_SCHEMA_VERSION) {
		perr_set(e, PERR_LOCAL,
			 "cannot open the index '%s': version %lld, not %d "
			 "(the account worker upgrades it)",
			 st->db_path, (long long)version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (set_pragmas(st, e) < 0)
		goto fail;
	if (mode == STORE_WRITE &&
	    store_schema_migrate(st, (int)version, STORE_SCHEMA_VERSION, e) < 0)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (!st)
		return;
	store_addr_discard(st);
	close_db(st);
	free(st->dir);
	free(st->db_path);
	free(st->body_dir);
	free(st);
}
