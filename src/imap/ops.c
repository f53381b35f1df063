/* SPDX-License-Identifier: ISC */
/*
 * What a mail client does to messages and folders over an IMAP session:
 * flag changes, copy, move, delete, append, folder create / rename /
 * delete / subscribe, LIST with special-use attributes, STATUS, UID
 * SEARCH, NOOP and LOGOUT.
 *
 * Every command is built with the command writer, so that a folder name
 * or a search string the user typed is always one quoted string or one
 * literal, never spliced into the command text. The move without MOVE
 * follows RFC 6851 3.3, with one rule of our own: without UIDPLUS no
 * EXPUNGE is sent at all, because a bare EXPUNGE would also remove
 * messages that someone else marked \Deleted and meant to keep a while.
 */
#include <time.h>

#include "private.h"

/* Flag names we send: an optional backslash and atom characters. */
static bool
flag_ok(const char *f)
{
	size_t i = f[0] == '\\' ? 1 : 0;

	if (!f[i])
		return false;
	for (; f[i]; i++) {
		unsigned char c = (unsigned char)f[i];
		if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c))
			return false;
	}
	return true;
}

static unsigned
cmd_flags(const struct imap_session *s)
{
	unsigned f = 0;

	if (s->caps & IMAP_CAP(LITERALPLUS))
		f |= IMAP_CMD_LITERALPLUS;
	if (s->caps & IMAP_CAP(LITERALMINUS))
		f |= IMAP_CMD_LITERALMINUS;
	if (s->parser.flags & IMAP_PARSER_UTF8)
		f |= IMAP_CMD_UTF8;
	return f;
}

static int
need_selected(const struct imap_session *s, struct perr *e)
{
	if (!s->conn || s->state != IMAP_SS_SELECTED)
		return perr_set(e, PERR_CONN, "no folder is open");
	return 0;
}

static int
need_auth(const struct imap_session *s, struct perr *e)
{
	if (!s->conn || s->state < IMAP_SS_AUTH ||
	    s->state == IMAP_SS_LOGOUT)
		return perr_set(e, PERR_CONN, "IMAP session is not logged in");
	return 0;
}

static int
need_set(const struct imap_seqset *uids, struct perr *e)
{
	if (!uids || uids->n == 0)
		return perr_set(e, PERR_MESSAGE, "no messages given");
	return 0;
}

/* Run c (tag already in it) and keep the tagged reply in *final. */
static int
run(struct imap_session *s, struct imap_cmd *c, const char *tag,
    imap_fetch_fn fn, void *arg, struct imap_resp *final, struct perr *e)
{
	imap_cmd_finish(c);
	return imap_session_run(s, c, tag, fn, arg, final, e);
}

/* Check every flag name before a tag is taken for the command. */
static int
check_flags(const char *const *flags, size_t n, struct perr *e)
{
	for (size_t i = 0; i < n; i++)
		if (!flags[i] || !flag_ok(flags[i]))
			return perr_set(e, PERR_MESSAGE,
					"'%s' is not a flag name",
					flags[i] ? flags[i] : "(null)");
	return 0;
}

/* Append " (flag flag ...)" (names checked with check_flags). */
static void
add_flag_list(struct imap_cmd *c, const char *const *flags, size_t n)
{
	buf_add(&c->text, " (", 2);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(&c->text, ' ');
		buf_addstr(&c->text, flags[i]);
	}
	buf_addch(&c->text, ')');
}

int
imap_uid_store(struct imap_session *s, const struct imap_seqset *uids,
	       bool add, const char *const *flags, size_t n,
	       uint64_t unchangedsince, struct imap_seqset *modified,
	       struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;
	int rc;

	if (need_selected(s, e) < 0 || need_set(uids, e) < 0)
		return -1;
	if (n == 0)
		return perr_set(e, PERR_MESSAGE, "no flags given");
	if (check_flags(flags, n, e) < 0)
		return perr_prefix(e, "cannot change flags");
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "UID STORE", cmd_flags(s));
	imap_cmd_seqset(&c, uids);
	if (unchangedsince && (s->caps & IMAP_CAP(CONDSTORE)))
		buf_addf(&c.text, " (UNCHANGEDSINCE %" PRIu64 ")",
			 unchangedsince);
	imap_cmd_raw(&c, add ? "+FLAGS.SILENT" : "-FLAGS.SILENT");
	add_flag_list(&c, flags, n);
	imap_resp_init(&r);
	rc = run(s, &c, tag, NULL, NULL, &r, e);
	if (rc == 0 && modified && r.code.kind == IMAP_CODE_MODIFIED)
		for (size_t i = 0; i < r.code.set.n; i++)
			imap_seqset_add(modified, r.code.set.r[i].lo,
					r.code.set.r[i].hi);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0)
		return perr_prefix(e, "cannot change flags");
	return 0;
}

void
imap_copy_result_init(struct imap_copy_result *r)
{
	memset(r, 0, sizeof(*r));
	imap_seqset_init(&r->src);
	imap_seqset_init(&r->dst);
}

void
imap_copy_result_release(struct imap_copy_result *r)
{
	imap_seqset_release(&r->src);
	imap_seqset_release(&r->dst);
	imap_copy_result_init(r);
}

static void
take_copyuid(struct imap_copy_result *r, const struct imap_code *c)
{
	if (c->kind != IMAP_CODE_COPYUID)
		return;
	imap_seqset_release(&r->src);
	imap_seqset_release(&r->dst);
	r->uidvalidity = c->num;
	for (size_t i = 0; i < c->set.n; i++)
		imap_seqset_add(&r->src, c->set.r[i].lo, c->set.r[i].hi);
	for (size_t i = 0; i < c->set2.n; i++)
		imap_seqset_add(&r->dst, c->set2.r[i].lo, c->set2.r[i].hi);
}

/* MOVE sends COPYUID in an untagged OK before the EXPUNGEs (RFC 6851
 * 4.3). */
static int
on_copyuid(const struct imap_resp *resp, void *arg, struct perr *e)
{
	(void)e;
	if (resp->kind == IMAP_RESP_STATUS && resp->status == IMAP_OK)
		take_copyuid(arg, &resp->code);
	return 0;
}

/* UID COPY or UID MOVE. */
static int
copy_or_move(struct imap_session *s, const char *verb,
	     const struct imap_seqset *uids, const char *dest, bool raw,
	     struct imap_copy_result *r, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp fin;
	int rc;

	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, verb, cmd_flags(s));
	imap_cmd_seqset(&c, uids);
	if (imap_cmd_mailbox(&c, dest, strlen(dest), raw, e) < 0) {
		imap_cmd_release(&c);
		return -1;
	}
	imap_resp_init(&fin);
	rc = run(s, &c, tag, on_copyuid, r, &fin, e);
	if (fin.tag && fin.code.kind == IMAP_CODE_TRYCREATE)
		r->trycreate = true;
	if (rc == 0)
		take_copyuid(r, &fin.code);
	imap_resp_release(&fin);
	imap_cmd_release(&c);
	if (rc < 0) {
		if (r->trycreate && e)
			e->kind = PERR_FOLDER;
		return perr_prefix(e, "cannot %s to '%s'%s",
				   verb[4] == 'M' ? "move" : "copy", dest,
				   r->trycreate ? " (no such folder)" : "");
	}
	return 0;
}

int
imap_uid_copy(struct imap_session *s, const struct imap_seqset *uids,
	      const char *dest, bool raw, struct imap_copy_result *r,
	      struct perr *e)
{
	if (need_selected(s, e) < 0 || need_set(uids, e) < 0)
		return -1;
	return copy_or_move(s, "UID COPY", uids, dest, raw, r, e);
}

int
imap_uid_expunge(struct imap_session *s, const struct imap_seqset *uids,
		 struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	if (need_selected(s, e) < 0 || need_set(uids, e) < 0)
		return -1;
	if (!(s->caps & IMAP_CAP(UIDPLUS)))
		return perr_set(e, PERR_REJECTED,
				"server has no UID EXPUNGE (UIDPLUS)");
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "UID EXPUNGE", cmd_flags(s));
	imap_cmd_seqset(&c, uids);
	imap_resp_init(&r);
	int rc = run(s, &c, tag, NULL, NULL, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0)
		return perr_prefix(e, "cannot expunge");
	return 0;
}

static const char *const deleted_flag[] = { "\\Deleted" };

int
imap_uid_move(struct imap_session *s, const struct imap_seqset *uids,
	      const char *dest, bool raw, struct imap_copy_result *r,
	      struct perr *e)
{
	r->how = IMAP_MOVE_NONE;
	if (need_selected(s, e) < 0 || need_set(uids, e) < 0)
		return -1;
	if (s->caps & IMAP_CAP(MOVE)) {
		if (copy_or_move(s, "UID MOVE", uids, dest, raw, r, e) < 0)
			return -1;
		r->how = IMAP_MOVE_MOVED;
		return 0;
	}
	/* no STORE after a failed COPY: the messages would be lost */
	if (copy_or_move(s, "UID COPY", uids, dest, raw, r, e) < 0)
		return -1;
	r->how = IMAP_MOVE_COPIED;
	crashpoint("imap.after-copy");
	if (imap_uid_store(s, uids, true, deleted_flag, 1, 0, NULL, e) < 0)
		return perr_prefix(e, "copied to '%s' but the originals stay",
				   dest);
	r->how = IMAP_MOVE_MARKED;
	if (!(s->caps & IMAP_CAP(UIDPLUS)))
		return 0;
	if (imap_uid_expunge(s, uids, e) < 0)
		return perr_prefix(e, "copied to '%s'; the originals stay "
				   "marked deleted", dest);
	r->how = IMAP_MOVE_EXPUNGED;
	return 0;
}

int
imap_uid_delete(struct imap_session *s, const struct imap_seqset *uids,
		bool *expunged, struct perr *e)
{
	if (expunged)
		*expunged = false;
	if (imap_uid_store(s, uids, true, deleted_flag, 1, 0, NULL, e) < 0)
		return -1;
	if (!(s->caps & IMAP_CAP(UIDPLUS)))
		return 0;
	if (imap_uid_expunge(s, uids, e) < 0)
		return perr_prefix(e, "messages marked deleted");
	if (expunged)
		*expunged = true;
	return 0;
}

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* " \"17-Jul-1996 02:44:25 -0700\"" */
static int
add_date_time(struct buf *out, int64_t t, int tz, struct perr *e)
{
	struct tm tm;
	time_t local;

	if (tz < -24 * 60 || tz > 24 * 60)
		return perr_set(e, PERR_MESSAGE, "bad time zone offset %d",
				tz);
	local = (time_t)(t + (int64_t)tz * 60);
	if (!gmtime_r(&local, &tm) || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999)
		return perr_set(e, PERR_MESSAGE, "date out of range");
	int a = tz < 0 ? -tz : tz;
	buf_addf(out, " \"%2d-%s-%04d %02d:%02d:%02d %c%02d%02d\"",
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+', a / 60, a % 60);
	return 0;
}

int
imap_append(struct imap_session *s, struct imap_append *a, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;
	int rc;

	struct buf date = BUF_INIT;

	a->uidvalidity = a->uid = 0;
	if (need_auth(s, e) < 0)
		return -1;
	if (!a->msg || a->len == 0)
		return perr_set(e, PERR_MESSAGE, "empty message");
	if (memchr(a->msg, '\0', a->len))
		return perr_set(e, PERR_MESSAGE,
				"message holds a NUL byte");
	if (a->nflags && check_flags(a->flags, a->nflags, e) < 0)
		return perr_prefix(e, "cannot append to '%s'", a->folder);
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "APPEND", cmd_flags(s));
	if (imap_cmd_mailbox(&c, a->folder, strlen(a->folder), a->raw,
			     e) < 0 ||
	    (a->internal_date &&
	     add_date_time(&date, a->internal_date, a->tz_minutes, e) < 0)) {
		imap_cmd_release(&c);
		buf_release(&date);
		return perr_prefix(e, "cannot append to '%s'", a->folder);
	}
	if (a->nflags)
		add_flag_list(&c, a->flags, a->nflags);
	if (date.len)
		buf_add(&c.text, date.data, date.len);
	buf_release(&date);
	bool plus = (s->caps & IMAP_CAP(LITERALPLUS)) ||
		    ((s->caps & IMAP_CAP(LITERALMINUS)) && a->len <= 4096);
	buf_addf(&c.text, " {%zu%s}\r\n", a->len, plus ? "+" : "");
	if (!plus) {
		c.waits = xgrow(c.waits, &c.capwaits, c.nwaits + 1,
				sizeof(*c.waits));
		c.waits[c.nwaits++] = c.text.len;
	}
	buf_add(&c.text, a->msg, a->len);
	imap_resp_init(&r);
	rc = run(s, &c, tag, NULL, NULL, &r, e);
	if (rc == 0 && r.code.kind == IMAP_CODE_APPENDUID &&
	    r.code.set.n == 1 && r.code.set.r[0].lo == r.code.set.r[0].hi &&
	    r.code.set.r[0].lo != IMAP_SEQ_STAR) {
		a->uidvalidity = r.code.num;
		a->uid = r.code.set.r[0].lo;
	}
	bool trycreate = r.tag && r.code.kind == IMAP_CODE_TRYCREATE;
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0) {
		if (trycreate && e)
			e->kind = PERR_FOLDER;
		return perr_prefix(e, "cannot append to '%s'%s", a->folder,
				   trycreate ? " (no such folder)" : "");
	}
	return 0;
}

/* VERB name */
static int
folder_cmd(struct imap_session *s, const char *verb, const char *what,
	   const char *name, bool raw, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	if (need_auth(s, e) < 0)
		return -1;
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, verb, cmd_flags(s));
	if (imap_cmd_mailbox(&c, name, strlen(name), raw, e) < 0) {
		imap_cmd_release(&c);
		return perr_prefix(e, "cannot %s '%s'", what, name);
	}
	imap_resp_init(&r);
	int rc = run(s, &c, tag, NULL, NULL, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0)
		return perr_prefix(e, "cannot %s '%s'", what, name);
	return 0;
}

int
imap_create(struct imap_session *s, const char *name, bool raw,
	    struct perr *e)
{
	return folder_cmd(s, "CREATE", "create folder", name, raw, e);
}

int
imap_delete_folder(struct imap_session *s, const char *name, bool raw,
		   struct perr *e)
{
	return folder_cmd(s, "DELETE", "delete folder", name, raw, e);
}

int
imap_subscribe(struct imap_session *s, const char *name, bool raw, bool on,
	       struct perr *e)
{
	return folder_cmd(s, on ? "SUBSCRIBE" : "UNSUBSCRIBE",
			  on ? "subscribe to" : "unsubscribe from", name, raw,
			  e);
}

int
imap_rename(struct imap_session *s, const char *from, bool from_raw,
	    const char *to, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	if (need_auth(s, e) < 0)
		return -1;
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "RENAME", cmd_flags(s));
	if (imap_cmd_mailbox(&c, from, strlen(from), from_raw, e) < 0 ||
	    imap_cmd_mailbox(&c, to, strlen(to), false, e) < 0) {
		imap_cmd_release(&c);
		return perr_prefix(e, "cannot rename '%s'", from);
	}
	imap_resp_init(&r);
	int rc = run(s, &c, tag, NULL, NULL, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0)
		return perr_prefix(e, "cannot rename '%s' to '%s'", from, to);
	return 0;
}

struct list_cb {
	imap_list_fn fn;
	void *arg;
};

static int
on_list(const struct imap_resp *r, void *arg, struct perr *e)
{
	const struct list_cb *lc = arg;

	if (r->kind != IMAP_RESP_LIST || r->list.lsub)
		return 0;
	return lc->fn(&r->list, lc->arg, e);
}

int
imap_list_folders(struct imap_session *s, const char *pattern,
		  imap_list_fn fn, void *arg, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	if (need_auth(s, e) < 0)
		return -1;
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "LIST \"\"", cmd_flags(s));
	if (imap_cmd_mailbox(&c, pattern, strlen(pattern), false, e) < 0) {
		imap_cmd_release(&c);
		return perr_prefix(e, "cannot list folders");
	}
	if ((s->caps & IMAP_CAP(SPECIAL_USE)) &&
	    (s->caps & IMAP_CAP(LIST_EXTENDED)))
		imap_cmd_raw(&c, "RETURN (SPECIAL-USE)");
	imap_resp_init(&r);
	struct list_cb lc = { fn, arg };
	int rc = run(s, &c, tag, on_list, &lc, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0)
		return perr_prefix(e, "cannot list folders");
	return 0;
}

static int
on_status(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct imap_mbstatus *out = arg;

	(void)e;
	if (r->kind != IMAP_RESP_MBSTATUS)
		return 0;
	out->have = r->mbstatus.have;
	out->messages = r->mbstatus.messages;
	out->recent = r->mbstatus.recent;
	out->uidnext = r->mbstatus.uidnext;
	out->uidvalidity = r->mbstatus.uidvalidity;
	out->unseen = r->mbstatus.unseen;
	out->deleted = r->mbstatus.deleted;
	out->size = r->mbstatus.size;
	out->highestmodseq = r->mbstatus.highestmodseq;
	return 0;
}

int
imap_status(struct imap_session *s, const char *name, bool raw,
	    struct imap_mbstatus *out, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;

	memset(out, 0, sizeof(*out));
	if (need_auth(s, e) < 0)
		return -1;
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "STATUS", cmd_flags(s));
	if (imap_cmd_mailbox(&c, name, strlen(name), raw, e) < 0) {
		imap_cmd_release(&c);
		return perr_prefix(e, "cannot ask about '%s'", name);
	}
	imap_cmd_raw(&c, (s->caps & IMAP_CAP(CONDSTORE)) ?
				 "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN "
				 "HIGHESTMODSEQ)" :
				 "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)");
	imap_resp_init(&r);
	int rc = run(s, &c, tag, on_status, out, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0)
		return perr_prefix(e, "cannot ask about '%s'", name);
	return 0;
}

struct search_acc {
	uint32_t *v;
	size_t n, cap;
};

static int
on_search(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct search_acc *a = arg;

	(void)e;
	if (r->kind != IMAP_RESP_SEARCH)
		return 0;
	if (r->search.n) {
		a->v = xgrow(a->v, &a->cap, a->n + r->search.n,
			     sizeof(*a->v));
		memcpy(a->v + a->n, r->search.nums,
		       r->search.n * sizeof(*a->v));
		a->n += r->search.n;
	}
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Append " " and a string, always quoted or a literal (never an atom,
 * so that the user's text is never read as a search key). */
static int
add_string(struct imap_cmd *c, const char *p, size_t len, struct perr *e)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f)
			return imap_cmd_astring(c, p, len, e);
	buf_add(&c->text, " \"", 2);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			buf_addch(&c->text, '\\');
		buf_addch(&c->text, p[i]);
	}
	buf_addch(&c->text, '"');
	return 0;
}

static const char *const search_keys[] = {
	[IMAP_SEARCH_TEXT] = "TEXT",
	[IMAP_SEARCH_SUBJECT] = "SUBJECT",
	[IMAP_SEARCH_FROM] = "FROM",
	[IMAP_SEARCH_TO] = "TO",
	[IMAP_SEARCH_BODY] = "BODY",
};

int
imap_uid_search(struct imap_session *s, enum imap_search_key key,
		const char *query, uint32_t **uids, size_t *n, struct perr *e)
{
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp r;
	struct search_acc acc = { NULL, 0, 0 };
	size_t len = strlen(query);

	*uids = NULL;
	*n = 0;
	if (need_selected(s, e) < 0)
		return -1;
	if ((unsigned)key >= ARRAY_SIZE(search_keys))
		return perr_set(e, PERR_MESSAGE, "unknown search key");
	if (!utf8_valid(query, len))
		return perr_set(e, PERR_MESSAGE,
				"search text is not valid UTF-8");
	bool ascii = true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)query[i] >= 0x80)
			ascii = false;
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "UID SEARCH", cmd_flags(s));
	if (!ascii && !(s->parser.flags & IMAP_PARSER_UTF8))
		imap_cmd_raw(&c, "CHARSET UTF-8");
	imap_cmd_raw(&c, search_keys[key]);
	if (add_string(&c, query, len, e) < 0) {
		imap_cmd_release(&c);
		return perr_prefix(e, "cannot search");
	}
	imap_resp_init(&r);
	int rc = run(s, &c, tag, on_search, &acc, &r, e);
	imap_resp_release(&r);
	imap_cmd_release(&c);
	if (rc < 0) {
		free(acc.v);
		return perr_prefix(e, "cannot search");
	}
	if (acc.n) {
		qsort(acc.v, acc.n, sizeof(*acc.v), cmp_u32);
		size_t k = 0;
		for (size_t i = 0; i < acc.n; i++)
			if (acc.v[i] && (k == 0 || acc.v[k - 1] != acc.v[i]))
				acc.v[k++] = acc.v[i];
		acc.n = k;
	}
	*uids = acc.v;
	*n = acc.n;
	return 0;
}

int
imap_noop(struct imap_session *s, imap_fetch_fn fn, void *arg,
	  struct perr *e)
{
	return imap_session_simple(s, "NOOP", fn, arg, e);
}

int
imap_logout(struct imap_session *s, struct perr *e)
{
	if (!s->conn || s->state == IMAP_SS_DISCONNECTED)
		return perr_set(e, PERR_CONN, "IMAP session is not connected");
	int rc = imap_session_simple(s, "LOGOUT", NULL, NULL, e);
	/* whatever the answer, nothing more may be said on it */
	s->state = IMAP_SS_DISCONNECTED;
	return rc;
}
