/* SPDX-License-Identifier: ISC */
/*
 * store: the local index of one account. An SQLite database (WAL mode) of
 * folders and message summaries with an FTS5 index over subjects,
 * addresses and cached body text, and a Maildir of cached bodies named
 * only from numbers (folder id, UIDVALIDITY, UID), never from what a
 * server sent. Threading and sorting work on a loaded in-memory array and
 * need no database, so the UI can re-sort without asking the store.
 *
 * Everything here is a cache of what the server holds: a damaged, foreign
 * or newer-version index is moved aside and rebuilt empty (with a warning
 * in the log), and the caller re-syncs. The store only ever touches what
 * it created inside the cache directory given to store_open: the file
 * "index.db" (with its "-wal" and "-shm" companions) and the directory
 * "bodies". Local-only mail (POP3 Maildir, outbox, drafts) lives in other
 * directories, which no function here can name.
 *
 * Threads: one struct store is one SQLite connection and is used by one
 * thread at a time. The account worker opens the writer (STORE_WRITE); the
 * UI thread opens its own reader (STORE_READ) on the same directory. A
 * reader sees each write transaction whole or not at all.
 *
 * Strings given to the store are UTF-8 (the display name of a folder, the
 * decoded header fields); the raw server name of a folder is opaque bytes
 * and is returned byte for byte.
 */
#ifndef POSTIE_STORE_H
#define POSTIE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* The schema version this code writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 3

/* Longest string kept for one header field, in bytes; longer values are
 * cut at a UTF-8 boundary (References keeps its tail: the nearest
 * ancestors matter most for threading). */
#define STORE_MAX_FIELD 4096
/* Longest preview kept, in bytes. */
#define STORE_MAX_PREVIEW 512
/* Largest cached body accepted and read back. */
#define STORE_MAX_BODY ((size_t)256 << 20)

/* Message flags. The low 16 bits are what the server keeps; the high bits
 * are derived by the store when summaries are loaded. */
enum {
	STORE_F_SEEN = 1u << 0,
	STORE_F_ANSWERED = 1u << 1,
	STORE_F_FLAGGED = 1u << 2,
	STORE_F_DELETED = 1u << 3,
	STORE_F_DRAFT = 1u << 4,
	STORE_F_FORWARDED = 1u << 5, /* $Forwarded */
	STORE_F_JUNK = 1u << 6,      /* $Junk */
	STORE_F_SERVER_MASK = 0xffffu,
	STORE_F_ATTACHMENT = 1u << 16, /* has an attachment */
	STORE_F_CACHED = 1u << 17,     /* body cached locally */
};

/* Special-use role of a folder (RFC 6154), as the server or a preset said. */
enum store_role {
	STORE_ROLE_NONE,
	STORE_ROLE_INBOX,
	STORE_ROLE_DRAFTS,
	STORE_ROLE_SENT,
	STORE_ROLE_TRASH,
	STORE_ROLE_JUNK,
	STORE_ROLE_ARCHIVE,
	STORE_ROLE_ALL,
	STORE_ROLE_FLAGGED,
};

enum store_mode {
	STORE_WRITE, /* the account worker: creates, migrates, rebuilds */
	STORE_READ,  /* the UI: never changes the database */
};

struct store;

/* What store_open found. */
struct store_open_info {
	bool created;      /* there was no index: a new empty one was made */
	bool rebuilt;      /* the old index was unusable and moved aside */
	int old_version;   /* the user_version found (before migration) */
	char reason[256];  /* why it was rebuilt ("" otherwise) */
};

/* Open the index in the account's cache directory dir (created 0700 with
 * its parents if missing; the database file is 0600). In STORE_WRITE
 * mode an older schema is migrated, and an index that is damaged
 * (truncated, zeroed, random bytes, fails its integrity check), belongs
 * to another program or has a newer version is renamed to
 * "index.db.damaged" (replacing an earlier one), the cached bodies are
 * removed, a new empty index is made and a warning is logged; the caller
 * must then sync from scratch. In STORE_READ mode nothing is changed: a
 * missing, damaged or other-version index is an error.
 *
 * info may be NULL. Returns a new handle (free with store_close) or NULL
 * with *e set (PERR_LOCAL). Any thread; the handle then belongs to it. */
struct store *store_open(const char *dir, enum store_mode mode,
			 struct store_open_info *info, struct perr *e);
/* Close the handle; NULL is a no-op. */
void store_close(struct store *st);

/* ---------------------------------------------------------------------
 * Folders
 */
struct store_folder {
	int64_t id;        /* the store's number for it; never reused */
	char *name;        /* display name, UTF-8 */
	char *raw;         /* the server's name, opaque; raw_len bytes + NUL */
	size_t raw_len;
	char *delim;       /* hierarchy delimiter ("" for NIL); may be long */
	enum store_role role;
	uint32_t uidvalidity; /* 0: not known yet */
	uint32_t uidnext;     /* 0: not known */
	uint64_t highestmodseq; /* 0: no CONDSTORE */
	uint32_t total;       /* messages in the index */
	uint32_t unread;      /* of which without \Seen */
};

/* What the worker learnt of a folder (LIST, SELECT, STATUS). Strings are
 * borrowed for the call. uidvalidity, uidnext and highestmodseq of 0 keep
 * the stored value. */
struct store_folder_info {
	const char *name;
	const char *raw;
	size_t raw_len;
	const char *delim; /* NULL or "" for NIL */
	enum store_role role;
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint64_t highestmodseq;
};

/* Insert the folder, or update the one with the same raw name. When the
 * stored UIDVALIDITY is known and differs from info->uidvalidity, or the
 * new UIDNEXT is not above the highest cached UID, every cached message
 * and body of the folder is dropped first (RFC 3501 2.3.1.1; the old UIDs
 * mean nothing now) and *reset is set. *id (may be NULL) gets the folder
 * id, *reset (may be NULL) whether messages were dropped. Writer only.
 * Returns 0 or -1. */
int store_folder_upsert(struct store *st, const struct store_folder_info *info,
			int64_t *id, bool *reset, struct perr *e);
/* Every folder, ordered by display name. *out gets a new array (free with
 * store_folder_list_free) and *n its length. Returns 0 or -1. */
int store_folder_list(struct store *st, struct store_folder **out, size_t *n,
		      struct perr *e);
void store_folder_list_free(struct store_folder *v, size_t n);
/* Look a folder up by id (or by raw name) into *out (release with
 * store_folder_release). Returns 1 if found, 0 if not, -1 on error. */
int store_folder_get(struct store *st, int64_t id, struct store_folder *out,
		     struct perr *e);
int store_folder_find(struct store *st, const char *raw, size_t raw_len,
		      struct store_folder *out, struct perr *e);
void store_folder_release(struct store_folder *f);
/* The server renamed a folder (IMAP RENAME): give folder id its new raw
 * and display names, keeping its messages. Refused when another folder
 * has the new raw name. Writer only. Returns 0 or -1. */
int store_folder_rename(struct store *st, int64_t id, const char *raw,
			size_t raw_len, const char *name, struct perr *e);
/* Delete a folder with its messages and cached bodies. Writer only.
 * Returns 0 (also when there was no such folder) or -1. */
int store_folder_delete(struct store *st, int64_t id, struct perr *e);

/* ---------------------------------------------------------------------
 * Messages
 */
/* One summary as the worker hands it in; strings borrowed for the call,
 * NULL meaning empty. */
struct store_msg {
	uint32_t uid;          /* 1 .. 2^32-1 */
	uint32_t flags;        /* STORE_F_* (only the server bits are kept) */
	const char *keywords;  /* other keywords, space-separated */
	int64_t internal_date; /* seconds since the epoch */
	int64_t date;          /* the Date: header, 0 when absent or bad */
	uint64_t size;         /* RFC822.SIZE (clamped to UINT32_MAX) */
	const char *from_name; /* decoded display name */
	const char *from_addr;
	const char *to;        /* decoded, as shown ("张三 <a@b>, c@d") */
	const char *cc;
	const char *subject;   /* decoded */
	const char *message_id; /* without the angle brackets */
	const char *in_reply_to; /* the first msg-id, without brackets */
	const char *references;  /* msg-ids separated by spaces, brackets
				    optional */
	const char *preview;     /* a short plain-text start of the body */
	uint64_t thread_id;      /* the server's thread id (X-GM-THRID), or 0 */
	bool has_attachment;
};

/* Insert or update (by UID) n summaries into a folder in one transaction:
 * all or none. A uid of 0 is refused. New messages reach the full-text
 * index only with the next store_index_update, so that a large sync
 * shows its summaries as soon as they are in; an updated message keeps
 * its entry current. Writer only. Returns 0 or -1. */
int store_msg_put(struct store *st, int64_t folder, const struct store_msg *m,
		  size_t n, struct perr *e);

/* Add up to max (0: all) messages not yet in the full-text index to it,
 * oldest first, in one transaction; *done (may be NULL) gets how many.
 * The worker calls it after store_msg_put, in slices when it wants its
 * write transactions short. Writer only. Returns 0 or -1. */
int store_index_update(struct store *st, size_t max, size_t *done,
		       struct perr *e);
/* How many messages wait for store_index_update. */
int store_index_pending(struct store *st, uint32_t *out, struct perr *e);

/* Add the flags in set and remove those in clear for each UID of uids[n]
 * (UIDs not in the index are skipped). One transaction. Writer only. */
int store_flags_update(struct store *st, int64_t folder, const uint32_t *uids,
		       size_t n, uint32_t set, uint32_t clear, struct perr *e);

/* The server's current flags of one message (FETCH FLAGS). */
struct store_flag_state {
	uint32_t uid;
	uint32_t flags;
	const char *keywords; /* NULL: none */
};
/* Replace the flags of each listed message. One transaction. Writer only. */
int store_flags_replace(struct store *st, int64_t folder,
			const struct store_flag_state *v, size_t n,
			struct perr *e);

/* Remove the messages with these UIDs, their index entries and cached
 * bodies. One transaction. Writer only. Returns 0 or -1. */
int store_expunge(struct store *st, int64_t folder, const uint32_t *uids,
		  size_t n, struct perr *e);

/* Every UID of the folder in the index, ascending, for a sync to compare
 * with the server's (what is gone, what is new). *out gets a new array
 * (free()) and *n its length. Returns 0 or -1. */
int store_uid_list(struct store *st, int64_t folder, uint32_t **out,
		   size_t *n, struct perr *e);
/* The highest UID in the index for the folder (0 when empty). */
int store_max_uid(struct store *st, int64_t folder, uint32_t *out,
		  struct perr *e);
/* Messages without \Seen in the folder, or in every folder when folder is
 * 0. */
int store_count_unread(struct store *st, int64_t folder, uint32_t *out,
		       struct perr *e);

/* One message in memory: small and of fixed size; its strings are offsets
 * into the arena of the struct store_summaries it belongs to (offset 0 is
 * the empty string). Read them with store_str. */
struct store_summary {
	int64_t date;          /* Date: header (0 unknown) */
	int64_t internal_date; /* arrival */
	uint32_t uid;
	uint32_t flags;        /* STORE_F_*, including the derived bits */
	uint32_t size;
	uint32_t from_name;
	uint32_t from_addr;
	uint32_t to;
	uint32_t cc;
	uint32_t subject;
	uint32_t message_id;
	uint32_t in_reply_to;
	uint32_t references;
	uint32_t preview;
	uint32_t keywords;
};

/* The messages of one folder: v[n] in UID order and one arena of
 * NUL-terminated strings. Owned by whoever loaded it; the pure functions
 * below (thread, sort) only read it. */
struct store_summaries {
	int64_t folder;
	struct store_summary *v;
	size_t n;
	char *arena;
	size_t arena_len;
};

static inline const char *
store_str(const struct store_summaries *s, uint32_t off)
{
	return s->arena + off;
}

/* Load every summary of the folder into *out (which must not hold a load:
 * initialise with {0} or release first). Returns 0 or -1 (with *out left
 * empty). Reader or writer. */
int store_load(struct store *st, int64_t folder, struct store_summaries *out,
	       struct perr *e);
/* Free a load and zero it; safe on a zeroed struct. */
void store_summaries_release(struct store_summaries *s);
/* Bytes held by a load (array plus arena). */
size_t store_summaries_bytes(const struct store_summaries *s);

/* One search hit. */
struct store_hit {
	int64_t folder;
	uint32_t uid;
};

/* Full-text search of subjects, addresses and cached body text, in one
 * folder or in all (folder 0), over the messages store_index_update has
 * indexed. query is what the user typed: every word
 * must occur (in any field); quotes, operators and punctuation are taken
 * literally, never as SQL or FTS5 syntax. Chinese, Japanese and Korean
 * text is matched as a run of characters anywhere in a field. A query
 * longer than STORE_MAX_FIELD bytes is refused. Hits come
 * best first, at most limit of them. *out gets a new array (free()) and
 * *n its length (0 hits is success). Returns 0 or -1. */
int store_search(struct store *st, int64_t folder, const char *query,
		 size_t limit, struct store_hit **out, size_t *n,
		 struct perr *e);

/* The UIDs of the folder's messages whose cached body text holds every
 * word of words (blank-separated; taken literally as store_search takes
 * them), ascending. Only bodies cached with their text are found: a
 * message whose body is not here must be asked of the server. *out gets
 * a new array (free()), *n its length. Returns 0 or -1. Reader or
 * writer (search.c). */
int store_search_body(struct store *st, int64_t folder, const char *words,
		      uint32_t **out, size_t *n, struct perr *e);

/* ---------------------------------------------------------------------
 * Cached bodies
 */
/* Cache the raw message (len bytes) of folder/uid, written to a Maildir
 * file named from the numbers only (tmp/ then renamed into cur/, fsynced).
 * text (may be NULL) is the decoded body text to add to the full-text
 * index. The message must be in the index. Writer only. */
int store_body_put(struct store *st, int64_t folder, uint32_t uid,
		   const void *raw, size_t len, const char *text,
		   struct perr *e);
/* Cache n messages of a folder that are already files on disk (a POP3
 * account's Maildir): paths[i] holds the message of uids[i], which must
 * be in the index. Each file is hard-linked into the cache (copied,
 * fsynced, where the link is refused, as across file systems), the cache
 * directory is fsynced once, and the index records them all in one
 * transaction: all or none. The files must not change afterwards (a
 * Maildir message never does). Writer only. Returns 0 or -1. */
int store_body_put_files(struct store *st, int64_t folder,
			 const uint32_t *uids, char *const *paths, size_t n,
			 struct perr *e);
/* Append the cached raw message to out. Returns 1 when cached, 0 when
 * not, -1 on error. */
int store_body_get(struct store *st, int64_t folder, uint32_t uid,
		   struct buf *out, struct perr *e);
/* The path of the cached file of folder/uid in *path (the caller frees
 * it), for handing to another program. Returns 1 when cached, 0 when not
 * (*path NULL), -1 on error. */
int store_body_path(struct store *st, int64_t folder, uint32_t uid,
		    char **path, struct perr *e);

/* ---------------------------------------------------------------------
 * Threads and sorting: pure functions over a load, no database. Any
 * thread may call them, several at once on the same load (they only read
 * it), and they keep no pointer into it after they return.
 */
/* Remove reply and forward prefixes ("Re:", "RE[2]:", "Fwd:", "Fw:",
 * "Aw:", "回复:", "答复:", "转发:", "回覆:", "轉寄:", with ASCII or
 * full-width colons, repeated) and leading white space. Returns a pointer
 * into s; *reply (may be NULL) says whether any prefix was removed. */
const char *store_subject_base(const char *s, bool *reply);

enum store_sort_key {
	STORE_SORT_DATE,    /* Date: header, then arrival */
	STORE_SORT_ARRIVAL, /* UID */
	STORE_SORT_FROM,    /* display name, else address, case-folded */
	STORE_SORT_SUBJECT, /* base subject, case-folded */
	STORE_SORT_SIZE,
	STORE_SORT_THREAD,  /* see store_thread */
};

/* Fill order[s->n] with the indexes of s->v in the order of key (ties
 * broken by UID, so the result is always the same); reverse turns it
 * round. STORE_SORT_THREAD gives the display order of store_thread.
 * Returns 0, or -1 with *e set when memory for the keys is not there. */
int store_sort(const struct store_summaries *s, enum store_sort_key key,
	       bool reverse, uint32_t *order, struct perr *e);

/* Per message, where it sits in its thread. */
enum {
	STORE_TH_LAST = 1u << 0,     /* last among its siblings */
	STORE_TH_CHILDREN = 1u << 1, /* has replies shown under it */
	STORE_TH_ORPHAN = 1u << 2,   /* its real parent is not in the folder;
					shown under a sibling instead */
};
struct store_thread_node {
	int32_t parent;   /* index in s->v of the message shown above it, -1
			     for a thread's first message */
	uint32_t root;    /* index of the thread's first message */
	uint32_t depth;   /* 0 for the first message */
	uint32_t flags;   /* STORE_TH_* */
	uint64_t lines;   /* bit d (d < 64): at indentation level d a
			     vertical line passes, because the ancestor at
			     depth d + 1 has siblings after it */
};

struct store_thread {
	struct store_thread_node *node; /* node[i] for s->v[i] */
	uint32_t *order;  /* display order: threads by their newest message
			     (oldest thread first, or newest first when
			     reverse), each thread depth first, replies by
			     date */
	size_t n;
	size_t threads;   /* number of threads */
};

/* Thread the load with the JWZ algorithm over Message-ID, References and
 * In-Reply-To (loops and duplicate Message-IDs are broken, not followed),
 * then join replies that carry no references to the thread of the same
 * base subject. *out must be zeroed or released. Returns 0 or -1. */
int store_thread(const struct store_summaries *s, bool reverse,
		 struct store_thread *out, struct perr *e);
void store_thread_release(struct store_thread *t);

/* ---------------------------------------------------------------------
 * Addresses seen, for completing addresses in the composer
 */
/* Longest address kept or looked up, in bytes (RFC 5321 4.5.3.1.3: a
 * path of 256 with its brackets). */
#define STORE_ADDR_MAX 254

/* Every address in From, To and Cc of the summaries (mail in a Junk
 * folder aside), one entry per address (compared without ASCII case),
 * counted as summaries go in. */
struct store_addr {
	char *addr;    /* as first seen */
	char *name;    /* the display name of the newest message that gave
			  one, "" when none did; untrusted UTF-8 */
	uint32_t seen; /* messages that named it, other than those below */
	uint32_t sent; /* messages in a Sent folder that went to it (To or
			  Cc); mail one wrote, so they weigh most */
	int64_t last;  /* arrival of the newest of them (seconds) */
	double score;  /* the rank: (8 * sent + min(seen, 16)) scaled by
			  30 / (30 + days since last), so that people one
			  writes to come first and a month halves a weight */
};

/* Up to max addresses (best score first, then newest, then by address)
 * whose address, display name or a word of the display name (after a
 * space) starts with prefix: ASCII letters without case, other text
 * (Chinese names) byte for byte; "" matches every address. now is the
 * time the scores are counted from (seconds). *out gets a new array
 * (free with store_addr_list_free) and *n its length (0 is success).
 * A prefix longer than STORE_ADDR_MAX is refused. Reader or writer.
 * Returns 0 or -1. */
int store_addr_match(struct store *st, const char *prefix, int64_t now,
		     size_t max, struct store_addr **out, size_t *n,
		     struct perr *e);
void store_addr_list_free(struct store_addr *v, size_t n);

/* Is (p, len) an address worth keeping: one '@' with text on both
 * sides, no white space, control or header special characters, valid
 * UTF-8, at most STORE_ADDR_MAX bytes. Pure. */
bool store_addr_valid(const char *p, size_t len);

#endif
