/* SPDX-License-Identifier: ISC */
/*
 * The POP3 sync: download new mail into the account's local Maildir and
 * index it in the store (see acct_sync_pop3 in postie/account.h).
 *
 * POP3 mail is data, not cache: once the server deletes a message, the
 * Maildir copy is the only one. Messages are downloaded in groups (up to
 * GROUP_MAX of them or GROUP_BYTES of mail) and the order of each step
 * is fixed:
 *
 *   RETR each -> staged in the Maildir's tmp/, each file fsynced
 *   -> their lines appended to the UIDL journal, fdatasynced
 *   -> linked into new/, new/ fsynced once -> store index (one
 *   transaction, bodies hard-linked into the cache) -> DELE (only in the
 *   delete modes)
 *
 * so every message is on disk before any DELE, at the price of one
 * fsync per message and three per group rather than six per message.
 * Any local failure in a group removes what the group staged, sends
 * RSET (which un-marks every DELE of this session) and drops the
 * connection without QUIT, so the server deletes nothing (hostile-26).
 * A connection lost during a RETR first makes the group's complete
 * messages safe, then fails. A connection lost at any point leaves the
 * messages already recorded, each complete on disk, and the rest on the
 * server, still undeleted; the next sync takes up where this one
 * stopped, with no duplicate and no loss (hostile-27).
 *
 * What is downloaded is recorded in two files in the account's data
 * directory. "pop3-uidl" is the whole set, rewritten atomically:
 *
 *	postie-pop3-uidl 1
 *	UIDL FIRST-SEEN LOCAL-UID MAILDIR-NAME
 *
 * one line per message downloaded: the server's unique id (RFC 1939: 1
 * to 70 bytes in 0x21..0x7E, so a space separates safely), when it was
 * first downloaded (for "delete after N days"), its UID in the store's
 * local INBOX, and its file in the Maildir. Lines for messages the
 * server no longer lists are dropped. "pop3-uidl.journal" holds the
 * lines of the messages downloaded since, appended a group at a time;
 * at the end of a sync (and when the next one starts) the two are
 * merged into a new pop3-uidl and the journal removed. Rewriting the
 * whole set after every message made a first download of 10,000
 * messages quadratic.
 *
 * Crashes. The journal lines of a group are written before its messages
 * are linked into new/, so a crash between the two leaves lines naming
 * files that are not there: on loading, a journal line whose file is
 * missing from the Maildir is dropped, and that message, never deleted
 * on the server (no DELE came before the link), is downloaded again:
 * no loss, and no duplicate, since its first copy never reached new/. A
 * crash before the journal write leaves only staged files in tmp/, which
 * nothing lists. A torn last journal line is ignored the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/maildir.h"
#include "postie/mime.h"
#include "postie/net.h"
#include "postie/pop3.h"
#include "postie/store.h"

#include "sync.h"

#define UIDL_MAGIC "postie-pop3-uidl 1"
#define JOURNAL_MAGIC "postie-pop3-uidl-journal 1"
/* A group of downloads made safe together (see the top of the file). */
#define GROUP_MAX 64
#define GROUP_BYTES ((size_t)8 << 20)
#define UIDL_MAX_FILE ((size_t)256 << 20)
/* Largest message downloaded. */
#define POP3_MAX_MESSAGE ((uint64_t)256 << 20)

struct seen_ent {
	char uid[POP3_UID_MAX + 1];
	int64_t first;
	uint32_t local;
	char *name;
	bool listed;  /* the server lists it now */
	bool handled; /* met in this session's listing already */
};

/* The messages downloaded: entries in the order they were added, found
 * by uid through an open-addressing hash table of their places. A first
 * download of 100,000 messages adds 100,000 entries and looks each uid
 * up a few times; a sorted array paid a memmove of the whole tail for
 * every insertion, which made it quadratic. Pointers to entries live
 * until the next seen_add or seen_drop_unlisted. */
struct seen {
	struct seen_ent *v;
	size_t n, cap;
	uint32_t *slot;      /* 0: empty, else the entry's place + 1 */
	size_t nslot;        /* a power of two, more than twice n */
};

/* FNV-1a: the uids are the server's, but a flood of colliding ones
 * costs only time, bounded by the UIDL cap, never memory or safety. */
static size_t
uid_hash(const char *uid)
{
	uint64_t h = 14695981039346656037u;

	for (const unsigned char *p = (const unsigned char *)uid; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return (size_t)(h ^ (h >> 29));
}

static void
seen_rehash(struct seen *s, size_t want)
{
	size_t n = 64;

	while (n < 2 * want + 2)
		n *= 2;
	free(s->slot);
	s->slot = xcalloc(n, sizeof(*s->slot));
	s->nslot = n;
	for (size_t i = 0; i < s->n; i++) {
		size_t h = uid_hash(s->v[i].uid) & (n - 1);
		while (s->slot[h])
			h = (h + 1) & (n - 1);
		s->slot[h] = (uint32_t)(i + 1);
	}
}

static struct seen_ent *
seen_find(const struct seen *s, const char *uid)
{
	if (!s->n)
		return NULL;
	for (size_t h = uid_hash(uid) & (s->nslot - 1); s->slot[h];
	     h = (h + 1) & (s->nslot - 1)) {
		struct seen_ent *en = &s->v[s->slot[h] - 1];
		if (strcmp(en->uid, uid) == 0)
			return en;
	}
	return NULL;
}

/* Add an entry for uid, which must not be in the set. */
static struct seen_ent *
seen_add(struct seen *s, const char *uid, int64_t first, uint32_t local,
	 const char *name)
{
	/* n stays far below UINT32_MAX: the UIDL file is capped at
	 * UIDL_MAX_FILE bytes and the server's listing by pop3/ */
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	struct seen_ent *en = &s->v[s->n++];
	memset(en, 0, sizeof(*en));
	snprintf(en->uid, sizeof(en->uid), "%s", uid);
	en->first = first;
	en->local = local;
	en->name = xstrdup(name);
	en->listed = true;
	if (2 * s->n + 2 > s->nslot) {
		seen_rehash(s, s->n);
	} else {
		size_t h = uid_hash(uid) & (s->nslot - 1);
		while (s->slot[h])
			h = (h + 1) & (s->nslot - 1);
		s->slot[h] = (uint32_t)s->n;
	}
	return en;
}

/* Forget, in one pass, every entry the server no longer lists. Returns
 * how many were dropped. */
static size_t
seen_drop_unlisted(struct seen *s)
{
	size_t o = 0, before = s->n;

	for (size_t i = 0; i < s->n; i++) {
		if (!s->v[i].listed) {
			free(s->v[i].name);
			continue;
		}
		s->v[o++] = s->v[i];
	}
	s->n = o;
	if (o != before)
		seen_rehash(s, o);
	return before - o;
}

static void
seen_release(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* Parse one "UIDL FIRST-SEEN LOCAL-UID NAME" line into its fields;
 * false when malformed. */
static bool
parse_seen_line(struct slice line, char uid[POP3_UID_MAX + 1],
		uint64_t *first, uint64_t *local, struct slice *name)
{
	struct slice f[4];
	size_t nf = 0;
	struct slice l = line, w;

	while (nf < 4 && l.len) {
		slice_split(&l, ' ', &w);
		f[nf++] = w;
	}
	if (nf != 4 || l.len || !pop3_uid_valid(f[0].p, f[0].len) ||
	    !slice_to_u64(f[1], INT64_MAX, first) ||
	    !slice_to_u64(f[2], UINT32_MAX, local) || *local == 0 ||
	    f[3].len < 5)
		return false;
	memcpy(uid, f[0].p, f[0].len);
	uid[f[0].len] = '\0';
	*name = f[3];
	return true;
}

/* Read the UIDL file; a missing file is an empty set. */
static int
seen_load(struct seen *s, const char *path, struct perr *e)
{
	struct buf b;
	FILE *probe = fopen(path, "rb");

	if (!probe)
		return 0;
	fclose(probe);
	buf_init(&b);
	if (file_read_all(path, &b, UIDL_MAX_FILE, e) < 0) {
		buf_release(&b);
		return -1;
	}
	struct slice rest = slice_make(b.data, b.len), line;
	unsigned lineno = 0;
	int rc = 0;
	while (rc == 0 && rest.len) {
		slice_split(&rest, '\n', &line);
		lineno++;
		if (lineno == 1) {
			if (!slice_eq(line, UIDL_MAGIC))
				rc = perr_set(e, PERR_LOCAL, "'%s' is not a "
					      "POP3 UIDL file of this "
					      "version", path);
			continue;
		}
		if (!line.len)
			continue;
		char uid[POP3_UID_MAX + 1];
		uint64_t first, local;
		struct slice nm;
		if (!parse_seen_line(line, uid, &first, &local, &nm)) {
			rc = perr_set(e, PERR_LOCAL, "'%s' line %u: expected "
				      "'UIDL FIRST-SEEN LOCAL-UID NAME'",
				      path, lineno);
			break;
		}
		if (seen_find(s, uid))
			continue;
		char *name = slice_dup(nm);
		struct seen_ent *en = seen_add(s, uid, (int64_t)first,
					       (uint32_t)local, name);
		en->listed = false;
		free(name);
	}
	buf_release(&b);
	return rc;
}

static void
seen_line(struct buf *b, const struct seen_ent *en)
{
	buf_addf(b, "%s %lld %u %s\n", en->uid, (long long)en->first,
		 (unsigned)en->local, en->name);
}

static int
cmp_ent_ptr(const void *a, const void *b)
{
	return strcmp((*(const struct seen_ent *const *)a)->uid,
		      (*(const struct seen_ent *const *)b)->uid);
}

/* The whole set, sorted by uid so that the file does not depend on the
 * order of downloads. */
static int
seen_save(const struct seen *s, const char *path, struct perr *e)
{
	struct buf b;
	const struct seen_ent **by = xmalloc((s->n ? s->n : 1) *
					     sizeof(*by));

	for (size_t i = 0; i < s->n; i++)
		by[i] = &s->v[i];
	qsort(by, s->n, sizeof(*by), cmp_ent_ptr);
	buf_init(&b);
	buf_addstr(&b, UIDL_MAGIC "\n");
	for (size_t i = 0; i < s->n; i++)
		seen_line(&b, by[i]);
	free(by);
	int rc = file_write_atomic(path, b.data, b.len, 0600, e);
	buf_release(&b);
	return rc;
}

/* Is the Maildir file name (as recorded: "new/X" or "cur/X", nothing
 * else) there? */
static bool
maildir_has(const struct maildir *md, struct slice name)
{
	if (!maildir_name_ok(name.p, name.len))
		return false;
	char *path = xstrfmt("%s/%.*s", md->root, (int)name.len, name.p);
	struct stat sb;
	bool there = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	free(path);
	return there;
}

/* Merge the journal (if any) into the set. Lines whose file is not in
 * the Maildir are dropped (see the crash rules at the top), as are a
 * torn last line and lines that do not parse; *merged gets how many
 * lines were taken. */
static int
journal_load(struct seen *s, const char *path, const struct maildir *md,
	     size_t *merged, struct perr *e)
{
	struct buf b;
	struct stat sb;

	*merged = 0;
	if (stat(path, &sb) < 0)
		return 0;
	buf_init(&b);
	if (file_read_all(path, &b, UIDL_MAX_FILE, e) < 0) {
		buf_release(&b);
		return -1;
	}
	struct slice rest = slice_make(b.data, b.len), line;
	unsigned lineno = 0;
	int rc = 0;
	while (rest.len) {
		bool complete = memchr(rest.p, '\n', rest.len) != NULL;
		slice_split(&rest, '\n', &line);
		lineno++;
		if (lineno == 1) {
			if (!slice_eq(line, JOURNAL_MAGIC)) {
				rc = perr_set(e, PERR_LOCAL, "'%s' is not a "
					      "POP3 UIDL journal of this "
					      "version", path);
				break;
			}
			continue;
		}
		if (!complete || !line.len)
			continue;
		char uid[POP3_UID_MAX + 1];
		uint64_t first, local;
		struct slice name;
		if (!parse_seen_line(line, uid, &first, &local, &name)) {
			log_warn("'%s' line %u is damaged; ignored", path,
				 lineno);
			continue;
		}
		if (!maildir_has(md, name)) {
			log_info("POP3 message '%s' was recorded but never "
				 "reached the Maildir; it is downloaded "
				 "again", uid);
			continue;
		}
		(*merged)++;
		if (seen_find(s, uid))
			continue;
		char *nm = slice_dup(name);
		struct seen_ent *en = seen_add(s, uid, (int64_t)first,
					       (uint32_t)local, nm);
		en->listed = false;
		free(nm);
	}
	buf_release(&b);
	return rc;
}

/* ---------------------------------------------------------------------
 * Servers without UIDL (RFC 1939 lists it as optional): each message is
 * named by a hash of its header block, read with TOP n 0.
 */
#define TOP_MAX_HEADER ((uint64_t)1 << 20)

struct hdr_hash {
	char md5[33];
	uint32_t msgno;
	uint32_t dup;   /* 1 for the first block with this hash, 2, 3, ... */
};

static int
cmp_hdr_hash(const void *a, const void *b)
{
	const struct hdr_hash *x = a, *y = b;
	int c = strcmp(x->md5, y->md5);

	if (c)
		return c;
	return x->msgno < y->msgno ? -1 : x->msgno > y->msgno;
}

static int
cmp_hdr_msgno(const void *a, const void *b)
{
	const struct hdr_hash *x = a, *y = b;

	return x->msgno < y->msgno ? -1 : x->msgno > y->msgno;
}

/* Build the listing UIDL would have given: "hdr-" and the MD5 of the
 * header block; identical header blocks get "-2", "-3", ... in message
 * order. The twins are found by sorting the hashes (n log n) rather than
 * by comparing each with all before it. */
static int
uidl_by_headers(struct pop3_session *s, struct pop3_uidl_list *l,
		struct perr *e)
{
	uint32_t count;
	uint64_t size;
	struct buf h;
	int rc = 0;

	if (pop3_session_stat(s, &count, &size, e) < 0)
		return -1;
	if (count > 1000000)
		return perr_set(e, PERR_PROTO, "POP3 server claims %u "
				"messages", (unsigned)count);
	struct hdr_hash *v = xmalloc((count ? count : 1) * sizeof(*v));
	buf_init(&h);
	for (uint32_t n = 1; n <= count && rc == 0; n++) {
		buf_reset(&h);
		if ((rc = pop3_session_top(s, n, 0, &h, TOP_MAX_HEADER,
					   e)) < 0)
			break;
		pop3_apop_digest(h.data, h.len, "", 0, v[n - 1].md5);
		v[n - 1].msgno = n;
	}
	buf_release(&h);
	if (rc == 0) {
		qsort(v, count, sizeof(*v), cmp_hdr_hash);
		for (uint32_t i = 0; i < count; i++)
			v[i].dup = i && strcmp(v[i].md5, v[i - 1].md5) == 0
					   ? v[i - 1].dup + 1
					   : 1;
		qsort(v, count, sizeof(*v), cmp_hdr_msgno);
	}
	for (uint32_t i = 0; i < count && rc == 0; i++) {
		char line[POP3_UID_MAX + 16];
		if (v[i].dup == 1)
			snprintf(line, sizeof(line), "%u hdr-%s",
				 (unsigned)v[i].msgno, v[i].md5);
		else
			snprintf(line, sizeof(line), "%u hdr-%s-%u",
				 (unsigned)v[i].msgno, v[i].md5,
				 (unsigned)v[i].dup);
		rc = pop3_uidl_add(l, line, strlen(line), e);
	}
	free(v);
	return rc;
}

/* ---------------------------------------------------------------------
 * The store's view
 */
struct pop3_ctx {
	struct pop3_session *s;
	const struct acct_sync_params *p;
	struct acct_sync_stats *st;
	const char *const *assumed;
	struct maildir md;
	struct seen seen;
	char *uidl_path;
	char *journal_path;
	int jfd;            /* the journal, open for appending, or -1 */
	int64_t fid;
	int64_t now;
	uint32_t next_uid;  /* local UID of the next message stored */
	/* the group being downloaded */
	struct pending *grp;
	size_t ngrp;
	size_t grp_bytes;
};

/* One downloaded message on its way to disk. */
struct pending {
	const struct pop3_uidl_entry *u;
	struct buf raw;
	struct maildir_staged sg; /* its file, "new/NAME" once committed */
	uint32_t local;
};

void
sync_body_text(struct buf *out, const char *raw, size_t len,
	       const char *const *assumed)
{
	struct mime_message mm;
	size_t start = out->len;

	mime_message_parse(&mm, raw, len, assumed);
	const struct mime_part *body = mime_choose_body(&mm, false);
	if (body)
		mime_part_text(out, &mm, body, 200);
	mime_message_release(&mm);
	if (out->len - start > SYNC_TEXT_MAX)
		buf_truncate(out, start + utf8_cut(out->data + start,
						   out->len - start,
						   SYNC_TEXT_MAX));
}

/* The summary of one message as the store keeps it: the headers the
 * index shows, and whether it has an attachment (a non-text leaf). */
static void
summary_of(struct sync_msg *m, uint32_t uid, uint32_t flags, int64_t date,
	   const char *raw, size_t len, const char *const *assumed)
{
	struct mime_message mm;

	memset(m, 0, sizeof(*m));
	m->m.uid = uid;
	m->m.flags = flags;
	m->m.internal_date = date;
	m->m.size = len;
	sync_msg_headers(m, raw, len, assumed);
	mime_message_parse(&mm, raw, len, assumed);
	for (size_t i = 0; i < mm.nleaves && !m->m.has_attachment; i++)
		if (mime_is_attachment(mm.leaves[i]) &&
		    strncmp(mm.leaves[i]->type, "text/", 5) != 0)
			m->m.has_attachment = true;
	mime_message_release(&mm);
}

int
sync_index_raw(struct store *st, int64_t folder, uint32_t uid,
	       uint32_t flags, int64_t internal_date, const char *raw,
	       size_t len, const char *const *assumed, struct perr *e)
{
	struct sync_msg m;

	summary_of(&m, uid, flags, internal_date, raw, len, assumed);
	int rc = store_msg_put(st, folder, &m.m, 1, e);
	if (rc == 0) {
		/* the text too, so that body: searches find it */
		struct buf text = BUF_INIT;
		sync_body_text(&text, raw, len, assumed);
		rc = store_body_put(st, folder, uid, raw, len, text.data, e);
		buf_release(&text);
	}
	sync_msg_release(&m);
	return rc;
}

static int
index_message(struct pop3_ctx *c, uint32_t local, const char *raw,
	      size_t len, struct perr *e)
{
	return sync_index_raw(c->p->store, c->fid, local, 0, c->now, raw, len,
			      c->assumed, e);
}

/* Messages recorded in the UIDL file whose index entry is missing (the
 * store was rebuilt, or is new) are indexed again from the Maildir. */
static int
reindex(struct pop3_ctx *c, struct perr *e)
{
	uint32_t *uids = NULL;
	size_t n = 0;

	if (store_uid_list(c->p->store, c->fid, &uids, &n, e) < 0)
		return -1;
	int rc = 0;
	struct buf raw;
	buf_init(&raw);
	for (size_t i = 0; i < c->seen.n && rc == 0; i++) {
		uint32_t u = c->seen.v[i].local;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (uids[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n && uids[lo] == u)
			continue;
		buf_reset(&raw);
		struct perr re = PERR_INIT;
		if (maildir_read(&c->md, c->seen.v[i].name, &raw, 0, &re) < 0) {
			log_warn("POP3 message '%s' is missing from the "
				 "Maildir: %s", c->seen.v[i].uid, re.msg);
			continue;
		}
		rc = index_message(c, u, raw.data, raw.len, e);
	}
	buf_release(&raw);
	free(uids);
	return rc;
}

static bool
want_delete(const struct pop3_ctx *c, const struct seen_ent *en)
{
	const struct cfg_account *a = c->p->account;

	if (!a || a->pop3_delete == CFG_POP3_LEAVE)
		return false;
	if (a->pop3_delete == CFG_POP3_DELETE)
		return true;
	return c->now - en->first >= (int64_t)a->pop3_delete_days * 86400;
}

/* Append the group's lines to the journal and make them durable. On
 * failure the journal is cut back to where it was, so that no half line
 * stays to spoil the next. */
static int
journal_append(struct pop3_ctx *c, struct perr *e)
{
	struct buf b;
	bool created = false;

	if (c->jfd < 0) {
		c->jfd = open(c->journal_path, O_WRONLY | O_APPEND | O_CREAT |
					       O_CLOEXEC | O_NOFOLLOW, 0600);
		if (c->jfd < 0)
			return perr_set(e, PERR_LOCAL, "cannot open '%s': %s",
					c->journal_path, strerror(errno));
		created = lseek(c->jfd, 0, SEEK_END) == 0;
	}
	off_t at = lseek(c->jfd, 0, SEEK_END);
	buf_init(&b);
	if (created || at == 0)
		buf_addstr(&b, JOURNAL_MAGIC "\n");
	for (size_t i = 0; i < c->ngrp; i++) {
		struct seen_ent en = { .first = c->now,
				       .local = c->grp[i].local,
				       .name = c->grp[i].sg.name };
		snprintf(en.uid, sizeof(en.uid), "%s", c->grp[i].u->uid);
		seen_line(&b, &en);
	}
	int rc = 0;
	if (file_write_fd(c->jfd, b.data, b.len) < 0 || fdatasync(c->jfd) < 0) {
		rc = perr_set(e, PERR_LOCAL, "cannot write '%s': %s",
			      c->journal_path, strerror(errno));
		if (at >= 0 && ftruncate(c->jfd, at) < 0)
			log_warn("cannot cut '%s' back after a failed write: "
				 "%s", c->journal_path, strerror(errno));
	} else if (created) {
		/* the journal's own directory entry */
		rc = file_fsync_dir(c->journal_path, e);
	}
	buf_release(&b);
	return rc;
}

/* Merge the journal into pop3-uidl and remove it. */
static int
seen_compact(struct pop3_ctx *c, struct perr *e)
{
	if (seen_save(&c->seen, c->uidl_path, e) < 0)
		return -1;
	if (c->jfd >= 0) {
		close(c->jfd);
		c->jfd = -1;
	}
	if (unlink(c->journal_path) < 0 && errno != ENOENT)
		return perr_set(e, PERR_LOCAL, "cannot remove '%s': %s",
				c->journal_path, strerror(errno));
	return 0;
}

static void
group_clear(struct pop3_ctx *c, bool unstage)
{
	for (size_t i = 0; i < c->ngrp; i++) {
		if (unstage)
			maildir_unstage(&c->md, &c->grp[i].sg);
		free(c->grp[i].sg.name);
		buf_release(&c->grp[i].raw);
	}
	c->ngrp = 0;
	c->grp_bytes = 0;
}

/* Index the group's messages, now in new/: their summaries in one
 * transaction, their files linked into the body cache. */
static int
group_index(struct pop3_ctx *c, struct perr *e)
{
	struct sync_msg *sm = xcalloc(c->ngrp, sizeof(*sm));
	struct store_msg *v = xcalloc(c->ngrp, sizeof(*v));
	uint32_t *uids = xcalloc(c->ngrp, sizeof(*uids));
	char **paths = xcalloc(c->ngrp, sizeof(*paths));

	for (size_t i = 0; i < c->ngrp; i++) {
		struct pending *pd = &c->grp[i];
		summary_of(&sm[i], pd->local, 0, c->now, pd->raw.data,
			   pd->raw.len, c->assumed);
		v[i] = sm[i].m;
		uids[i] = pd->local;
		paths[i] = xstrfmt("%s/%s", c->md.root, pd->sg.name);
	}
	int rc = store_msg_put(c->p->store, c->fid, v, c->ngrp, e);
	if (rc == 0)
		rc = store_body_put_files(c->p->store, c->fid, uids, paths,
					  c->ngrp, e);
	for (size_t i = 0; i < c->ngrp; i++) {
		sync_msg_release(&sm[i]);
		free(paths[i]);
	}
	free(paths);
	free(uids);
	free(v);
	free(sm);
	return rc;
}

/* Make the group's messages safe (see the top of the file), then DELE
 * those the account deletes when dele is set. On a local failure *local
 * is set and nothing of the group is left in new/ or recorded as done in
 * this session. */
static int
group_flush(struct pop3_ctx *c, bool dele, bool *local, struct perr *e)
{
	if (!c->ngrp)
		return 0;
	*local = true;
	struct maildir_staged *sg = xcalloc(c->ngrp, sizeof(*sg));
	for (size_t i = 0; i < c->ngrp; i++)
		sg[i] = c->grp[i].sg;
	int rc = journal_append(c, e);
	if (rc == 0) {
		crashpoint("pop3.after-uidl");
		rc = maildir_commit(&c->md, sg, c->ngrp, e);
	}
	if (rc == 0)
		crashpoint("pop3.after-deliver");
	for (size_t i = 0; i < c->ngrp; i++)
		c->grp[i].sg.fd = sg[i].fd;
	free(sg);
	if (rc < 0) {
		group_clear(c, true);
		return -1;
	}
	/* From here the messages are on disk and recorded: a failure to
	 * index them is repaired by the next sync (reindex). */
	if (group_index(c, e) < 0) {
		group_clear(c, false);
		return -1;
	}
	for (size_t i = 0; i < c->ngrp; i++) {
		struct pending *pd = &c->grp[i];
		struct seen_ent *en = seen_add(&c->seen, pd->u->uid, c->now,
					       pd->local, pd->sg.name);
		en->handled = true;
		c->st->new_msgs++;
		c->st->bytes += pd->raw.len;
	}
	*local = false;
	rc = 0;
	for (size_t i = 0; i < c->ngrp && rc == 0 && dele; i++) {
		struct seen_ent *en = seen_find(&c->seen, c->grp[i].u->uid);
		if (en && want_delete(c, en)) {
			rc = pop3_session_dele(c->s, c->grp[i].u->msgno, e);
			if (rc == 0) {
				crashpoint("pop3.after-dele");
				c->st->removed++;
			}
		}
	}
	group_clear(c, false);
	return rc;
}

/* Download one message into the group and stage it in tmp/. Returns 0,
 * or -1 with *local set when the failure was on this machine. */
static int
download(struct pop3_ctx *c, const struct pop3_uidl_entry *u, bool *local,
	 struct perr *e)
{
	*local = false;
	if (c->next_uid == 0)
		return *local = true,
		       perr_set(e, PERR_LOCAL, "the local INBOX is full");
	struct pending *pd = &c->grp[c->ngrp];
	memset(pd, 0, sizeof(*pd));
	buf_init(&pd->raw);
	if (pop3_session_retr(c->s, u->msgno, &pd->raw, POP3_MAX_MESSAGE,
			      e) < 0) {
		buf_release(&pd->raw);
		return -1;
	}
	crashpoint("pop3.after-retr");
	if (maildir_stage(&c->md, pd->raw.data, pd->raw.len, &pd->sg,
			  e) < 0) {
		buf_release(&pd->raw);
		*local = true;
		return -1;
	}
	pd->u = u;
	pd->local = c->next_uid++;
	c->ngrp++;
	c->grp_bytes += pd->raw.len;
	return 0;
}

int
acct_sync_pop3_session(struct pop3_session *s,
		       const struct acct_sync_params *p,
		       struct acct_sync_stats *out, struct perr *e)
{
	struct pop3_ctx c = { .s = s, .p = p, .st = out };
	struct pop3_uidl_list list;
	char **assumed = NULL;
	char *mdroot = NULL;
	bool local = false;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	pop3_uidl_init(&list, 0);
	c.now = p->now ? p->now : (int64_t)time(NULL);
	c.assumed = sync_assumed(p->account, &assumed);
	if (!p->data_dir) {
		perr_set(e, PERR_CONFIG, "no data directory for POP3 mail");
		local = true;
		goto out;
	}
	local = true;
	mdroot = xstrfmt("%s/inbox", p->data_dir);
	c.uidl_path = xstrfmt("%s/pop3-uidl", p->data_dir);
	c.journal_path = xstrfmt("%s/pop3-uidl.journal", p->data_dir);
	c.jfd = -1;
	size_t merged = 0;
	if (maildir_open(&c.md, mdroot, e) < 0 ||
	    seen_load(&c.seen, c.uidl_path, e) < 0 ||
	    journal_load(&c.seen, c.journal_path, &c.md, &merged, e) < 0)
		goto out;
	/* What an earlier sync left in the journal goes into pop3-uidl now,
	 * so that the journal only ever holds this sync's lines. That sync
	 * may have stopped between linking its last group into new/ and
	 * fsyncing new/: fsync it now, before those messages are counted
	 * as safe (and perhaps deleted on the server). */
	if (merged) {
		char *newdir = xstrfmt("%s/new", mdroot);
		int fr = file_fsync_dir(newdir, e);
		free(newdir);
		if (fr < 0)
			goto out;
	}
	if (access(c.journal_path, F_OK) == 0 && seen_compact(&c, e) < 0)
		goto out;
	struct store_folder_info fi = {
		.name = "INBOX", .raw = "INBOX", .raw_len = 5,
		.role = STORE_ROLE_INBOX, .uidvalidity = 1,
	};
	uint32_t max = 0;
	if (store_folder_upsert(p->store, &fi, &c.fid, NULL, e) < 0 ||
	    reindex(&c, e) < 0 || store_max_uid(p->store, c.fid, &max, e) < 0)
		goto out;
	c.next_uid = max + 1; /* 0 after UINT32_MAX: full */
	local = false;
	if (s->have_capa && !(s->caps.bits & POP3_CAP_UIDL)) {
		log_info("POP3 server has no UIDL: naming messages by a hash "
			 "of their headers");
		if (uidl_by_headers(s, &list, e) < 0)
			goto out;
	} else if (pop3_session_uidl(s, &list, e) < 0) {
		if (e->kind != PERR_REJECTED || s->state != POP3_SS_TRANSACTION)
			goto out;
		log_info("POP3 server refused UIDL (%s): naming messages by a "
			 "hash of their headers", e->msg);
		pop3_uidl_release(&list);
		pop3_uidl_init(&list, 0);
		perr_clear(e);
		if (uidl_by_headers(s, &list, e) < 0)
			goto out;
	}
	if (list.skipped)
		log_warn("POP3 server listed %zu messages with an invalid "
			 "unique id; they stay on the server untouched",
			 list.skipped);
	/* What the server no longer has is forgotten. */
	for (size_t i = 0; i < c.seen.n; i++)
		c.seen.v[i].listed = false;
	for (size_t i = 0; i < list.n; i++) {
		struct seen_ent *en = seen_find(&c.seen, list.v[i].uid);
		if (en)
			en->listed = true;
	}
	if (seen_drop_unlisted(&c.seen) && seen_compact(&c, e) < 0) {
		local = true;
		goto out;
	}

	uint64_t todo = 0, done = 0;
	for (size_t i = 0; i < list.n; i++)
		if (!seen_find(&c.seen, list.v[i].uid))
			todo++;
	out->folders = 1;
	c.grp = xcalloc(GROUP_MAX, sizeof(*c.grp));
	for (size_t i = 0; i < list.n; i++) {
		const struct pop3_uidl_entry *u = &list.v[i];
		struct seen_ent *en = seen_find(&c.seen, u->uid);
		bool twice = en && en->handled;
		for (size_t k = 0; k < c.ngrp && !twice; k++)
			twice = strcmp(c.grp[k].u->uid, u->uid) == 0;
		if (twice) {
			/* Two messages under one unique id: only the first
			 * is ours; deleting the other could lose mail that
			 * was never downloaded. */
			log_warn("POP3 server lists unique id '%s' twice; "
				 "message %u is left alone", u->uid,
				 (unsigned)u->msgno);
			continue;
		}
		if (en) {
			/* Recorded by an earlier sync, so safe on disk. */
			en->handled = true;
			if (want_delete(&c, en)) {
				if (pop3_session_dele(s, u->msgno, e) < 0)
					goto out;
				crashpoint("pop3.after-dele");
				out->removed++;
			}
			continue;
		}
		if (p->progress)
			p->progress(p->progress_arg, "INBOX", done, todo);
		if (download(&c, u, &local, e) < 0) {
			if (!local) {
				/* The connection failed: what the group holds
				 * is complete and is kept (no DELE now). */
				struct perr fe = PERR_INIT;
				bool fl = false;
				if (group_flush(&c, false, &fl, &fe) < 0)
					log_warn("POP3 messages downloaded "
						 "before the connection "
						 "failed are not kept: %s",
						 fe.msg);
			}
			goto out;
		}
		done++;
		if ((c.ngrp == GROUP_MAX || c.grp_bytes >= GROUP_BYTES) &&
		    group_flush(&c, true, &local, e) < 0)
			goto out;
	}
	if (group_flush(&c, true, &local, e) < 0)
		goto out;
	if (p->progress)
		p->progress(p->progress_arg, "INBOX", done, todo);
	local = true;
	if (store_index_update(p->store, 0, NULL, e) < 0 ||
	    (done && seen_compact(&c, e) < 0))
		goto out;
	local = false;
	rc = 0;
out:
	if (rc < 0) {
		if (local)
			perr_prefix(e, "nothing deleted on the server");
		/* un-mark every DELE; close without QUIT */
		pop3_session_abort(s);
		out->removed = 0;
	}
	group_clear(&c, true);
	free(c.grp);
	if (c.jfd >= 0)
		close(c.jfd);
	pop3_uidl_release(&list);
	seen_release(&c.seen);
	maildir_release(&c.md);
	free(c.uidl_path);
	free(c.journal_path);
	free(mdroot);
	free(assumed);
	return rc;
}

int
acct_sync_pop3(const struct acct_sync_params *p, struct acct_sync_stats *out,
	       struct perr *e)
{
	const struct cfg_account *a = p->account;
	struct pop3_session s;
	char fp[65] = "", port[8];

	memset(out, 0, sizeof(*out));
	if (a->receive.proto != CFG_PROTO_POP3)
		return perr_set(e, PERR_CONFIG, "account '%s' does not receive "
				"over POP3", a->name);
	if (a->receive.tls == CFG_TLS_NONE)
		return perr_set(e, PERR_CONFIG, "account '%s': postie does not "
				"read mail over plaintext POP3; use pop3:// "
				"(STLS) or pop3s://", a->name);
	if (a->has_fingerprint)
		for (int i = 0; i < 32; i++)
			snprintf(fp + 2 * i, 3, "%02x", a->tls_fingerprint[i]);
	snprintf(port, sizeof(port), "%u", (unsigned)a->receive.port);
	struct pop3_session_params pp = {
		.host = a->receive.host,
		.port = port,
		.tls = a->receive.tls == CFG_TLS_IMPLICIT ? POP3_TLS_IMPLICIT
							  : POP3_TLS_STLS,
		.ca_file = a->ca_file,
		.fingerprint = a->has_fingerprint ? fp : NULL,
		.user = a->receive.user ? a->receive.user : a->user,
		.password = p->password,
		.connect_timeout_ms = p->timeout_ms,
		.io_timeout_ms = p->timeout_ms,
		.cancel_fd = p->cancel_fd,
	};
	if (pop3_session_open(&s, &pp, e) < 0) {
		pop3_session_close(&s);
		return -1;
	}
	int rc = acct_sync_pop3_session(&s, p, out, e);
	/* QUIT (which makes the DELEs final) only after a clean run: a
	 * failed one has already dropped the connection without it. */
	pop3_session_close(&s);
	return rc;
}
