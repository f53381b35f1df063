/* SPDX-License-Identifier: ISC */
/*
 * The index file itself: creation and modes, WAL and the other pragmas,
 * the reader/writer split, the schema migration from version 0 and from
 * version 1, and what happens to a damaged, foreign or newer index
 * (hostile-47): moved aside, rebuilt empty, a warning, no crash, and
 * nothing outside the store's own names touched.
 */
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "postie/log.h"
#include "postie/store.h"
#include "private.h"

#include "common.h"

static char *
path_in(const char *dir, const char *name)
{
	return xstrfmt("%s/%s", dir, name);
}

static int64_t
pragma(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

/* A folder with one message, so that a rebuild visibly loses it. */
static int
fill(struct store *st, int64_t *fid)
{
	struct store_folder_info fi = { .name = "INBOX", .raw = "INBOX",
					.raw_len = 5, .uidvalidity = 7 };
	struct store_msg m = { .uid = 1, .subject = "第一封信",
			       .from_addr = "a@qq.com" };
	struct perr e = PERR_INIT;

	if (store_folder_upsert(st, &fi, fid, NULL, &e) < 0 ||
	    store_msg_put(st, *fid, &m, 1, &e) < 0) {
		diag("fill: %s", e.msg);
		return -1;
	}
	if (store_body_put(st, *fid, 1, "Subject: x\r\n\r\nhi\r\n", 18, "hi",
			   &e) < 0) {
		diag("fill: %s", e.msg);
		return -1;
	}
	return 0;
}

static size_t
folder_count(struct store *st)
{
	struct store_folder *v;
	size_t n = 0;
	struct perr e = PERR_INIT;

	if (store_folder_list(st, &v, &n, &e) < 0)
		return (size_t)-1;
	store_folder_list_free(v, n);
	return n;
}

static void
test_create(const char *root)
{
	char *dir = xstrfmt("%s/create/acct", root);
	char *db = path_in(dir, STORE_DB_NAME);
	struct store_open_info info;
	struct perr e = PERR_INIT;
	int64_t fid;

	struct store *st = store_open(dir, STORE_WRITE, &info, &e);
	if (!ok(st != NULL, "open a new index for writing"))
		diag("%s", e.msg);
	if (!st)
		goto out;
	ok(info.created && !info.rebuilt, "reported as created, not rebuilt");
	is_int(file_mode(dir), 0700, "the directory is 0700");
	is_int(file_mode(db), 0600, "the database is 0600");
	is_int(pragma(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	       "user_version is the current schema");
	is_int(pragma(db, "PRAGMA application_id"), STORE_APP_ID,
	       "application_id marks the file as ours");
	is_int(pragma(db, "SELECT count(*) FROM sqlite_schema WHERE "
			  "name = 'message_fts'"),
	       1, "the full-text table exists");
	ok(fill(st, &fid) == 0, "a folder and a message go in");
	char *wal = path_in(dir, STORE_DB_NAME "-wal");
	is_int(file_mode(wal), 0600, "the WAL file is 0600 too");
	free(wal);
	char *body = xstrfmt("%s/bodies/cur/f%lld.v7.u1", dir, (long long)fid);
	is_int(file_mode(body), 0600, "the cached body is 0600");
	free(body);

	/* The UI's reader beside the open writer. */
	struct store *rd = store_open(dir, STORE_READ, NULL, &e);
	if (!ok(rd != NULL, "a reader opens beside the writer"))
		diag("%s", e.msg);
	if (rd) {
		is_int((intmax_t)folder_count(rd), 1,
		       "the reader sees the folder");
		struct store_folder_info fi = { .name = "X", .raw = "X",
						.raw_len = 1 };
		ok(store_folder_upsert(rd, &fi, NULL, NULL, &e) == -1,
		   "the reader cannot write");
		like(e.msg, "read-only", "and says it is read-only");
		store_close(rd);
	}
	store_close(st);

	/* Reopen: nothing rebuilt, data still there. */
	st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && !info.created && !info.rebuilt &&
		   info.old_version == STORE_SCHEMA_VERSION,
	   "reopening keeps the index");
	if (st) {
		is_int((intmax_t)folder_count(st), 1,
		       "the folder is still there");
		sqlite3_stmt *s;
		const char *mode = "";
		if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			mode = xstrdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		is_str(mode, "wal", "journal_mode is WAL");
		if (*mode)
			free((char *)mode);
		int64_t v = -1;
		if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_keys", -1, &s,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		is_int(v, 1, "foreign keys are on");
		if (sqlite3_prepare_v2(st->db, "PRAGMA synchronous", -1, &s,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		is_int(v, 1, "synchronous is NORMAL");
		store_close(st);
	}
out:
	free(db);
	free(dir);
}

static void
test_reader_alone(const char *root)
{
	char *dir = xstrfmt("%s/reader", root);
	struct perr e = PERR_INIT;

	ok(store_open(dir, STORE_READ, NULL, &e) == NULL,
	   "a reader cannot open an index that does not exist");
	like(e.msg, "not created yet", "and says why");
	ok(store_open("", STORE_WRITE, NULL, &e) == NULL,
	   "an empty directory name is refused");
	free(dir);
}

/* Damage the index of a filled account in one way, reopen, check. */
static void
damage_case(const char *root, const char *name, long n, int c, int trunc,
	    const char *why)
{
	char *dir = xstrfmt("%s/damage-%s", root, name);
	char *db = path_in(dir, STORE_DB_NAME);
	char *aside = path_in(dir, STORE_DB_NAME ".damaged");
	/* Local-only mail lives beside the cache; a rebuild must not touch
	 * it. */
	char *local = xstrfmt("%s/damage-%s-maildir", root, name);
	char *local_file = path_in(local, "precious");
	struct store_open_info info;
	struct perr e = PERR_INIT;
	int64_t fid;

	struct store *st = store_open(dir, STORE_WRITE, NULL, &e);
	if (!st || fill(st, &fid) < 0) {
		ok(0, "hostile-47 %s: set up: %s", name, e.msg);
		store_close(st);
		goto out;
	}
	store_close(st);
	file_mkdirs(local, 0700, &e);
	file_write_atomic(local_file, "mine", 4, 0600, &e);

	ok(file_damage(db, n, c, trunc) == 0, "hostile-47 %s: damage the file",
	   name);
	struct store *rd = store_open(dir, STORE_READ, NULL, &e);
	ok(rd == NULL, "hostile-47 %s: the reader refuses it", name);
	store_close(rd);

	st = store_open(dir, STORE_WRITE, &info, &e);
	if (!ok(st != NULL, "hostile-47 %s: the writer opens it anyway",
		name)) {
		diag("%s", e.msg);
		goto out;
	}
	ok(info.rebuilt, "hostile-47 %s: reported as rebuilt", name);
	struct buf logged = BUF_INIT;
	char *log_path = path_in(root, "store.log");
	file_read_all(log_path, &logged, 1 << 20, &e);
	char *want = xstrfmt("damage-%s/index.db' is unusable", name);
	like(logged.data, want, "hostile-47 %s: a warning is logged", name);
	free(want);
	free(log_path);
	buf_release(&logged);
	like(info.reason, why, "hostile-47 %s: with the reason", name);
	ok(file_size(aside) >= 0, "hostile-47 %s: the old file was moved aside",
	   name);
	is_int((intmax_t)folder_count(st), 0,
	       "hostile-47 %s: the new index is empty",
	       name);
	char *bodies = path_in(dir, "bodies");
	is_int(file_size(bodies), -1,
	       "hostile-47 %s: the cached bodies are gone", name);
	free(bodies);
	is_int(file_size(local_file), 4,
	       "hostile-47 %s: local mail elsewhere untouched",
	       name);
	ok(fill(st, &fid) == 0, "hostile-47 %s: the new index takes mail",
	   name);
	store_close(st);

	st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && !info.rebuilt, "hostile-47 %s: and opens cleanly after", name);
	store_close(st);
out:
	free(local_file);
	free(local);
	free(aside);
	free(db);
	free(dir);
}

/* Pages zeroed in the middle of a cleanly closed index: the file is
 * whole, so opening it is cheap and succeeds; the first read that meets
 * the damage fails and leaves a mark, and the next writer's open runs
 * the full check, which finds it and rebuilds the index. */
static void
test_damage_middle(const char *root)
{
	char *dir = xstrfmt("%s/damage-middle", root);
	char *db = path_in(dir, STORE_DB_NAME);
	char *mark = path_in(dir, STORE_DB_NAME ".check");
	struct store_open_info info;
	struct perr e = PERR_INIT;
	int64_t fid = 0;

	struct store *st = store_open(dir, STORE_WRITE, NULL, &e);
	struct store_folder_info fi = { .name = "INBOX", .raw = "INBOX",
					.raw_len = 5 };
	store_folder_upsert(st, &fi, &fid, NULL, &e);
	static struct store_msg m[2000];
	static char subj[2000][48];
	for (int i = 0; i < 2000; i++) {
		snprintf(subj[i], sizeof(subj[i]), "消息 %d padding padding", i);
		m[i] = (struct store_msg){ .uid = (uint32_t)i + 1,
					   .subject = subj[i],
					   .preview = "a preview long enough to "
						      "fill a few pages" };
	}
	ok(store_msg_put(st, fid, m, 2000, &e) == 0,
	   "hostile-47 middle: 2000 summaries: %s", e.msg);
	store_close(st);
	long size = file_size(db);
	FILE *f = fopen(db, "r+b");
	if (f) {
		fseek(f, size / 2 / 4096 * 4096, SEEK_SET);
		for (long i = 0; i < size / 4; i++)
			fputc(0, f);
		fclose(f);
	}
	st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && !info.rebuilt,
	   "hostile-47 middle: a whole file opens without the full check");
	struct store_summaries sum = { 0 };
	int rc = st ? store_load(st, fid, &sum, &e) : -1;
	ok(rc < 0 && strstr(e.msg, "damaged"),
	   "hostile-47 middle: the read that meets the damage says so: %s",
	   e.msg);
	ok(access(mark, F_OK) == 0, "hostile-47 middle: and leaves the mark");
	store_summaries_release(&sum);
	store_close(st);
	e = (struct perr)PERR_INIT;
	st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && info.rebuilt, "hostile-47 middle: the next open rebuilds it");
	ok(access(mark, F_OK) != 0, "hostile-47 middle: the mark is gone");
	store_close(st);
	free(mark);
	free(db);
	free(dir);
}

static void
test_damage(const char *root)
{
	test_damage_middle(root);
	damage_case(root, "truncated-header", 50, 0, 1, "truncated");
	damage_case(root, "zeroed", 8192, 0, 0, "not an SQLite database");
	damage_case(root, "random", 8192, -1, 0, "not an SQLite database");
	/* Header intact, pages gone: only the integrity check sees it. */
	long half = 0;
	{
		/* Big enough that cutting it loses table pages. */
		char *dir = xstrfmt("%s/damage-truncated-half", root);
		struct perr e = PERR_INIT;
		struct store *st = store_open(dir, STORE_WRITE, NULL, &e);
		struct store_folder_info fi = { .name = "INBOX", .raw = "INBOX",
						.raw_len = 5 };
		int64_t fid = 0;
		store_folder_upsert(st, &fi, &fid, NULL, &e);
		struct store_msg m[400];
		char subj[400][32];
		memset(m, 0, sizeof(m));
		for (int i = 0; i < 400; i++) {
			snprintf(subj[i], sizeof(subj[i]), "消息 %d padding", i);
			m[i].uid = (uint32_t)i + 1;
			m[i].subject = subj[i];
			m[i].preview = "一段很长的预览文字 a long preview text "
				       "to fill the pages of the table";
		}
		store_msg_put(st, fid, m, 400, &e);
		/* Checkpoint so the data is in the main file. */
		sqlite3_wal_checkpoint_v2(st->db, NULL,
					  SQLITE_CHECKPOINT_TRUNCATE, NULL,
					  NULL);
		store_close(st);
		char *db = path_in(dir, STORE_DB_NAME);
		half = file_size(db) / 2;
		free(db);
		free(dir);
	}
	{
		char *dir = xstrfmt("%s/damage-truncated-half", root);
		char *db = path_in(dir, STORE_DB_NAME);
		struct store_open_info info;
		struct perr e = PERR_INIT;
		ok(file_damage(db, half, 0, 1) == 0,
		   "hostile-47 truncated-half: cut the file to %ld bytes",
		   half);
		struct store *st = store_open(dir, STORE_WRITE, &info, &e);
		ok(st != NULL && info.rebuilt,
		   "hostile-47 truncated-half: found by the check, rebuilt");
		if (st)
			is_int((intmax_t)folder_count(st), 0,
			       "hostile-47 truncated-half: empty after");
		store_close(st);
		free(db);
		free(dir);
	}
}

/* hostile-47: the index's name taken by a symbolic link (to a file of
 * the user's elsewhere) or by a directory. The link is never followed:
 * it is moved aside itself, and what it pointed at is unchanged. */
static void
test_not_a_file(const char *root)
{
	char *dir = xstrfmt("%s/symlink", root);
	char *db = path_in(dir, STORE_DB_NAME);
	char *victim = xstrfmt("%s/victim", root);
	struct store_open_info info;
	struct perr e = PERR_INIT;

	file_mkdirs(dir, 0700, &e);
	file_write_atomic(victim, "precious", 8, 0600, &e);
	ok(symlink(victim, db) == 0, "hostile-47: plant a symlink as index");
	struct store *st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && info.rebuilt, "hostile-47: symlink: rebuilt, not followed");
	is_int(file_size(victim), 8, "hostile-47: symlink target untouched");
	struct stat sb;
	ok(lstat(db, &sb) == 0 && S_ISREG(sb.st_mode),
	   "hostile-47: the index is a regular file again");
	store_close(st);
	free(db);
	free(dir);

	dir = xstrfmt("%s/fifo", root);
	db = path_in(dir, STORE_DB_NAME);
	file_mkdirs(dir, 0700, &e);
	ok(mkfifo(db, 0600) == 0, "hostile-47: plant a FIFO as index");
	st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && info.rebuilt, "hostile-47: a FIFO does not hang the open");
	store_close(st);
	free(db);
	free(dir);

	dir = xstrfmt("%s/isdir", root);
	db = path_in(dir, STORE_DB_NAME);
	file_mkdirs(db, 0700, &e);
	st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && info.rebuilt, "hostile-47: a directory in its place: rebuilt");
	like(info.reason, "not a regular file", "hostile-47: saying why");
	store_close(st);
	free(db);
	free(dir);
	free(victim);
}

/* A file that is SQLite but not ours, or ours from a newer postie. */
static void
foreign_case(const char *root, const char *name, const char *sql,
	     const char *why)
{
	char *dir = xstrfmt("%s/%s", root, name);
	char *db = path_in(dir, STORE_DB_NAME);
	struct store_open_info info;
	struct perr e = PERR_INIT;
	sqlite3 *h;

	file_mkdirs(dir, 0700, &e);
	if (sqlite3_open(db, &h) != SQLITE_OK ||
	    sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK) {
		ok(0, "hostile-47 %s: set up: %s", name, sqlite3_errmsg(h));
		sqlite3_close(h);
		goto out;
	}
	sqlite3_close(h);
	struct store *rd = store_open(dir, STORE_READ, NULL, &e);
	ok(rd == NULL, "hostile-47 %s: the reader refuses it", name);
	like(e.msg, why, "hostile-47 %s: saying why", name);
	store_close(rd);
	struct store *st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st != NULL && info.rebuilt,
	   "hostile-47 %s: the writer rebuilds it", name);
	like(info.reason, why, "hostile-47 %s: reason", name);
	is_int(pragma(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	       "hostile-47 %s: now at the current version", name);
	store_close(st);
out:
	free(db);
	free(dir);
}

static void
test_foreign(const char *root)
{
	char *newer = xstrfmt("PRAGMA application_id = %d; "
			      "PRAGMA user_version = %d; "
			      "CREATE TABLE future (x);",
			      STORE_APP_ID, STORE_SCHEMA_VERSION + 1);
	foreign_case(root, "newer", newer, "version");
	free(newer);
	foreign_case(root, "foreign", "CREATE TABLE moz_places (url TEXT);",
		     "another program");
	foreign_case(root, "foreign-app",
		     "PRAGMA application_id = 42; CREATE TABLE t (x);",
		     "another program");
}

/* Version 1 had no full-text index: an index left at version 1 with
 * mail in it upgrades to the current one, keeps its rows and can search
 * them. Also the plain v0 (empty file) case. */
static void
test_migration(const char *root)
{
	char *dir = xstrfmt("%s/migrate", root);
	char *db = path_in(dir, STORE_DB_NAME);
	struct store_open_info info;
	struct perr e = PERR_INIT;

	/* An empty file is a version-0 database: migrated from scratch. */
	file_mkdirs(dir, 0700, &e);
	file_write_atomic(db, "", 0, 0600, &e);
	struct store *st = store_open(dir, STORE_WRITE, &info, &e);
	ok(st && info.created && info.old_version == 0 && !info.rebuilt,
	   "v0 (empty file): created at the current version");
	store_close(st);
	unlink(db);

	/* Build a version-1 index by hand: the first step only. */
	struct store raw = { 0 };
	raw.db_path = db;
	raw.mode = STORE_WRITE;
	if (sqlite3_open(db, &raw.db) != SQLITE_OK) {
		ok(0, "open a v1 database");
		goto out;
	}
	ok(store_schema_migrate(&raw, 0, 1, &e) == 0, "make a v1 schema");
	ok(sqlite3_exec(raw.db,
			"INSERT INTO folder (id, raw_name, name, uidvalidity) "
			"VALUES (1, 'INBOX', 'INBOX', 5);"
			"INSERT INTO message (folder, uid, flags, subject, "
			"from_name, from_addr) VALUES "
			"(1, 10, 0, '关于明天的会议安排', '王五', 'ww@163.com'),"
			"(1, 11, 1, 'lunch', 'Bob', 'bob@x.org');",
			NULL, NULL, NULL) == SQLITE_OK,
	   "v1 holds two messages");
	sqlite3_close(raw.db);
	is_int(pragma(db, "PRAGMA user_version"), 1, "the file is at v1");

	st = store_open(dir, STORE_WRITE, &info, &e);
	if (!ok(st && info.old_version == 1 && !info.rebuilt,
		"v1 opens and migrates"))
		diag("%s", e.msg);
	is_int(pragma(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	       "now at the current version");
	if (st) {
		struct store_hit *h;
		size_t n, done = 0;
		ok(store_index_update(st, 0, &done, &e) == 0 && done == 2,
		   "the rows from v1 are indexed after the upgrade");
		ok(store_search(st, 0, "会议", 10, &h, &n, &e) == 0 && n == 1 &&
			   h[0].uid == 10,
		   "rows from v1 are searchable after the upgrade");
		free(h);
		ok(store_search(st, 1, "王五", 10, &h, &n, &e) == 0 && n == 1,
		   "their addresses too");
		free(h);
		uint32_t unread = 0;
		store_count_unread(st, 1, &unread, &e);
		is_int(unread, 1, "flags kept");
		store_close(st);
	}
out:
	free(db);
	free(dir);
}

int
main(void)
{
	const char *root = tmp_make();
	char *log_path = xstrfmt("%s/store.log", root);
	struct perr le = PERR_INIT;
	if (log_open(log_path, &le) < 0)
		diag("no log: %s", le.msg);
	free(log_path);

	test_create(root);
	test_reader_alone(root);
	test_damage(root);
	test_foreign(root);
	test_not_a_file(root);
	test_migration(root);
	log_close();
	return done_testing();
}
