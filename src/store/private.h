/* SPDX-License-Identifier: ISC */
/*
 * Inside the store: the connection handle, the cache of prepared
 * statements (every SQL text the store runs more than once is listed in
 * STORE_STMT_TABLE below, prepared on first use and kept), transactions,
 * and the helpers shared by the files of this folder. Nothing outside
 * src/store/ (and its unit tests) includes this.
 */
#ifndef POSTIE_STORE_PRIVATE_H
#define POSTIE_STORE_PRIVATE_H

#include <sqlite3.h>

#include "postie/base.h"
#include "postie/store.h"

/* Names inside the cache directory; the only ones the store touches. */
#define STORE_DB_NAME "index.db"
#define STORE_BODY_DIR "bodies"

/* The application_id of our databases ("pstI"), so that a foreign SQLite
 * file in the cache directory is recognised as not ours. */
#define STORE_APP_ID 0x70737449

#define MSG_COLS                                                          \
	"uid, flags, keywords, internal_date, date, size, from_name, "    \
	"from_addr, to_addr, cc_addr, subject, message_id, in_reply_to, " \
	"refs, preview, thread_id, has_attachment"

/* The columns the full-text entry of a message is made from, in the
 * order store_fts_bind reads them. */
#define FTS_SOURCE                                                       \
	"SELECT m.id, m.subject, m.from_name, m.from_addr, m.to_addr, "   \
	"m.cc_addr, coalesce(t.body, '') FROM message m "                 \
	"LEFT JOIN message_text t ON t.id = m.id "

#define STORE_STMT_TABLE(X)                                                \
	X(BEGIN, "BEGIN IMMEDIATE")                                        \
	X(COMMIT, "COMMIT")                                                \
	X(ROLLBACK, "ROLLBACK")                                            \
	X(FOLDER_BY_RAW, "SELECT id, uidvalidity FROM folder "             \
			 "WHERE raw_name = ?1")                            \
	X(FOLDER_INSERT, "INSERT INTO folder (raw_name, name, delim, "     \
			 "role, uidvalidity, uidnext, highestmodseq) "     \
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")            \
	X(FOLDER_UPDATE, "UPDATE folder SET name = ?2, delim = ?3, "       \
			 "role = ?4, "                                     \
			 "uidvalidity = CASE WHEN ?5 = 0 THEN uidvalidity "\
			 "ELSE ?5 END, "                                   \
			 "uidnext = CASE WHEN ?6 = 0 THEN uidnext "        \
			 "ELSE ?6 END, "                                   \
			 "highestmodseq = CASE WHEN ?7 = 0 "               \
			 "THEN highestmodseq ELSE ?7 END WHERE id = ?1")   \
	X(FOLDER_SELECT, "SELECT id, name, raw_name, delim, role, "        \
			 "uidvalidity, uidnext, highestmodseq, total, "    \
			 "unread FROM folder")                             \
	X(FOLDER_COUNTS, "UPDATE folder SET "                              \
			 "total = (SELECT count(*) FROM message "          \
			 "WHERE folder = ?1), "                            \
			 "unread = (SELECT count(*) FROM message "         \
			 "WHERE folder = ?1 AND flags & 1 = 0) "           \
			 "WHERE id = ?1")                                  \
	X(FOLDER_COUNTS_ADD, "UPDATE folder SET total = total + ?2, "      \
			     "unread = unread + ?3 WHERE id = ?1")         \
	X(FOLDER_DELETE, "DELETE FROM folder WHERE id = ?1")               \
	X(FOLDER_RENAME, "UPDATE folder SET raw_name = ?2, name = ?3 "     \
			 "WHERE id = ?1")                                  \
	X(UID_LIST, "SELECT uid FROM message WHERE folder = ?1 "           \
		    "ORDER BY uid")                                        \
	X(FOLDER_UIDVALIDITY, "SELECT uidvalidity FROM folder "            \
			      "WHERE id = ?1")                             \
	X(FOLDER_BODIES, "SELECT uid, body_path FROM message "             \
			 "WHERE folder = ?1 AND body_path IS NOT NULL")    \
	X(FOLDER_FTS_ROWS, FTS_SOURCE "WHERE m.folder = ?1 AND m.id <= ?2")  \
	X(FOLDER_MSG_DROP, "DELETE FROM message WHERE folder = ?1")        \
	X(MSG_ID, "SELECT id, body_path FROM message "                     \
		  "WHERE folder = ?1 AND uid = ?2")                        \
	X(MSG_INSERT, "INSERT INTO message (folder, " MSG_COLS ") VALUES " \
		      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, " \
		      "?13, ?14, ?15, ?16, ?17, ?18) "                     \
		      "ON CONFLICT (folder, uid) DO NOTHING")              \
	X(MSG_UPDATE, "UPDATE message SET flags = ?3, keywords = ?4, "     \
		      "internal_date = ?5, date = ?6, size = ?7, "         \
		      "from_name = ?8, from_addr = ?9, to_addr = ?10, "    \
		      "cc_addr = ?11, subject = ?12, message_id = ?13, "   \
		      "in_reply_to = ?14, refs = ?15, preview = ?16, "     \
		      "thread_id = ?17, has_attachment = ?18 "             \
		      "WHERE folder = ?1 AND uid = ?2")                    \
	X(FTS_ROW, FTS_SOURCE "WHERE m.id = ?1")                            \
	X(FTS_PENDING, FTS_SOURCE "WHERE m.id > ?1 ORDER BY m.id LIMIT ?2") \
	X(FTS_ADD, "INSERT INTO message_fts (rowid, subject, addrs, body) " \
		   "VALUES (?1, ?2, ?3, ?4)")                              \
	X(FTS_DEL, "INSERT INTO message_fts (message_fts, rowid, subject, " \
		   "addrs, body) VALUES ('delete', ?1, ?2, ?3, ?4)")       \
	X(FTS_UPTO, "SELECT value FROM state WHERE key = 'fts_upto'")     \
	X(FTS_UPTO_SET, "INSERT OR REPLACE INTO state (key, value) "       \
			"VALUES ('fts_upto', ?1)")                         \
	X(FTS_LEFT, "SELECT count(*) FROM message WHERE id > ?1")          \
	X(TEXT_SET, "INSERT OR REPLACE INTO message_text (id, body) "      \
		    "VALUES (?1, ?2)")                                     \
	X(FLAGS_UPDATE, "UPDATE message SET flags = (flags | ?3) & ~?4 "   \
			"WHERE folder = ?1 AND uid = ?2")                  \
	X(FLAGS_REPLACE, "UPDATE message SET flags = ?3, keywords = ?4 "   \
			 "WHERE folder = ?1 AND uid = ?2")                 \
	X(MSG_DELETE, "DELETE FROM message WHERE id = ?1")                 \
	X(MAX_UID, "SELECT max(uid) FROM message WHERE folder = ?1")       \
	X(UNREAD_ONE, "SELECT count(*) FROM message "                      \
		      "WHERE folder = ?1 AND flags & 1 = 0")               \
	X(UNREAD_ALL, "SELECT count(*) FROM message WHERE flags & 1 = 0")  \
	X(LOAD_COUNT, "SELECT count(*) FROM message WHERE folder = ?1")    \
	X(LOAD, "SELECT " MSG_COLS ", body_path IS NOT NULL "              \
		"FROM message WHERE folder = ?1 ORDER BY uid")             \
	X(SEARCH_ONE, "SELECT m.folder, m.uid FROM message_fts "           \
		      "JOIN message m ON m.id = message_fts.rowid "        \
		      "WHERE message_fts MATCH ?1 AND m.folder = ?2 "      \
		      "ORDER BY rank LIMIT ?3")                            \
	X(SEARCH_ALL, "SELECT m.folder, m.uid FROM message_fts "           \
		      "JOIN message m ON m.id = message_fts.rowid "        \
		      "WHERE message_fts MATCH ?1 ORDER BY rank LIMIT ?2") \
	X(BODY_SET, "UPDATE message SET body_path = ?2 WHERE id = ?1")    \
	ADDR_STMTS(X)

/* The address book (addr.c): add one address's counts of a batch, ?3
 * messages from it and ?6 to it, in folder ?4. Mail to it counts as
 * sent when the folder is a Sent folder, and nothing in a Junk folder
 * counts. The newest non-empty name wins. */
#define ADDR_STMTS(X)                                                      \
	X(ADDR_NOTE, "INSERT INTO addr (addr, name, seen, sent, last) "     \
		     "SELECT ?1, ?2, ?3 + CASE WHEN r = 3 THEN 0 ELSE ?6 "  \
		     "END, CASE WHEN r = 3 THEN ?6 ELSE 0 END, ?5 FROM "    \
		     "(SELECT coalesce((SELECT role FROM folder "           \
		     "WHERE id = ?4), 0) AS r) WHERE r <> 5 "               \
		     "ON CONFLICT (addr) DO UPDATE SET "                    \
		     "seen = seen + excluded.seen, "                        \
		     "sent = sent + excluded.sent, "                        \
		     "name = CASE WHEN excluded.name <> '' AND "            \
		     "(name = '' OR excluded.last >= last) "                \
		     "THEN excluded.name ELSE name END, "                   \
		     "last = max(last, excluded.last)")                     \
	X(ADDR_MATCH, "SELECT addr, name, seen, sent, last, "               \
		      "(sent * 8 + min(seen, 16)) * 30.0 / "                \
		      "(30.0 + max(0, ?2 - last) / 86400.0) AS score "      \
		      "FROM addr WHERE addr LIKE ?1 ESCAPE '\\' "          \
		      "OR name LIKE ?1 ESCAPE '\\' "                       \
		      "OR name LIKE ?3 ESCAPE '\\' "                       \
		      "ORDER BY score DESC, last DESC, addr LIMIT ?4")

enum store_stmt {
#define STORE_STMT_ENUM_(name, sql) STMT_##name,
	STORE_STMT_TABLE(STORE_STMT_ENUM_)
#undef STORE_STMT_ENUM_
	STMT_COUNT
};

struct store {
	sqlite3 *db;
	enum store_mode mode;
	char *dir;      /* the account's cache directory */
	char *db_path;  /* dir/index.db */
	char *body_dir; /* dir/bodies */
	bool deep_check; /* writer: run PRAGMA quick_check when opening */
	sqlite3_stmt *stmt[STMT_COUNT];
	struct store_addr_acc *addr_acc; /* addresses of the batch going in */
};

/* The cached statement id, reset and with its bindings cleared, or NULL
 * with *e set. The statement stays owned by st. */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt id, struct perr *e);

/* Record the connection's last error as "what: sqlite's message" (with a
 * hint when the file is damaged). Returns -1. */
int store_dberr(struct store *st, struct perr *e, const char *what);

/* Run a cached statement that returns no rows to completion. */
int store_exec_stmt(struct store *st, sqlite3_stmt *s, const char *what,
		    struct perr *e);

/* Write transactions. store_begin refuses a reader. store_rollback keeps
 * the error already in *e. */
int store_begin(struct store *st, struct perr *e);
int store_commit(struct store *st, struct perr *e);
void store_rollback(struct store *st);

/* Bind a string (NULL as ''), cut to max bytes at a UTF-8 boundary. With
 * keep_tail the end is kept instead of the start. */
int store_bind_text(sqlite3_stmt *s, int col, const char *v, size_t max,
		    bool keep_tail);

/* The full-text index follows the message table a step behind: every
 * message with an id up to the "fts_upto" mark (table state) has its
 * entry, none above it has one. Ids only grow (AUTOINCREMENT), so new
 * rows are always above the mark until store_index_update moves it. */
int store_fts_upto(struct store *st, int64_t *upto, struct perr *e);
/* Add (STMT_FTS_ADD) or delete (STMT_FTS_DEL) the entry of the row that
 * the statement src (FTS_SOURCE columns) is on. The index keeps no copy
 * of its text (content=''), so FTS5 can delete an entry only when given
 * exactly the values it indexed; computing both from the stored row by
 * this one function makes that so. */
int store_fts_apply(struct store *st, enum store_stmt which,
		    sqlite3_stmt *src, struct buf *tmp, struct perr *e);
/* store_fts_apply for one row id, found through FTS_ROW, when it is at
 * or below the mark (a row above it has no entry to delete). */
int store_fts_row(struct store *st, enum store_stmt which, int64_t id,
		  struct perr *e);

/* Append s to out with a space on each side of every CJK character, so
 * that FTS5's unicode61 tokenizer makes each of them a token and a phrase
 * query on a run of them matches that run anywhere (Chinese has no spaces
 * between words). Invalid UTF-8 is copied as it is. */
void store_fts_text(struct buf *out, const char *s, size_t len);

/* The schema: run every migration from the database's version up to
 * STORE_SCHEMA_VERSION (exposed for the migration tests: up_to lets them
 * stop at an older version). */
int store_schema_migrate(struct store *st, int from, int up_to,
			 struct perr *e);

/* Count the addresses of a summary that was just inserted (From, To,
 * Cc) in the batch kept in st->addr_acc (in memory). */
int store_addr_note(struct store *st, int64_t folder,
		    const struct store_msg *m, struct perr *e);
/* Write the batch's counts to the address table (one upsert per
 * distinct address) inside the caller's transaction, and forget them;
 * store_addr_discard forgets them unwritten (the transaction failed). */
int store_addr_flush(struct store *st, struct perr *e);
void store_addr_discard(struct store *st);
/* Count the addresses of every summary in the index (the upgrade that
 * adds the table runs it, inside its transaction). */
int store_addr_fill(struct store *st, struct perr *e);

/* Remove the cached bodies of one folder (or, when folder is 0, all of
 * them); used by the drop paths after the rows are gone. Errors are
 * logged, not returned: a stale file is never read again, because names
 * carry the UIDVALIDITY and folder ids are never reused. */
void store_body_unlink(struct store *st, const char *name);
/* Remove dir/bodies and everything in it (the store's own files only). */
int store_body_wipe(struct store *st, struct perr *e);

/* Drop every message of a folder (rows, FTS entries, bodies). Inside a
 * transaction the caller holds. */
int store_folder_drop_messages(struct store *st, int64_t folder,
			       struct perr *e);
/* Recompute a folder's total/unread counts (inside a transaction). */
int store_folder_recount(struct store *st, int64_t folder, struct perr *e);

#endif
