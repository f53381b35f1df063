/* SPDX-License-Identifier: ISC */
/*
 * Operations on messages and folders for an IMAP account: the requests a
 * mail client sends when the user flags, moves, copies or deletes
 * messages, files a message into a folder, or creates, renames, deletes
 * or subscribes to a folder.
 *
 * The order is always the server first, then the store: each step the
 * server confirmed is written to the store in one transaction before the
 * next step goes out, so that after a refusal, a cancel or a dropped
 * connection the store shows at most what the server did, never more
 * (the next sync brings in what the store missed). UIDs are only
 * meaningful under one UIDVALIDITY, so a folder whose UIDVALIDITY changed
 * since the store last saw it is refused before any command that names a
 * UID is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/account.h"
#include "postie/imap.h"
#include "postie/log.h"
#include "postie/store.h"

/* UIDs per command: keeps a line well under any server's limit. */
#define OP_CHUNK 500

struct acct_op *
acct_op_new(void)
{
	return xcalloc(1, sizeof(struct acct_op));
}

void
acct_op_free(void *p)
{
	struct acct_op *op = p;

	if (!op)
		return;
	free(op->uids);
	free(op->dest);
	free(op->msg);
	free(op->name);
	free(op);
}

static const struct {
	uint32_t bit;
	const char *name;
} flag_names[] = {
	{ STORE_F_SEEN, "\\Seen" },
	{ STORE_F_ANSWERED, "\\Answered" },
	{ STORE_F_FLAGGED, "\\Flagged" },
	{ STORE_F_DELETED, "\\Deleted" },
	{ STORE_F_DRAFT, "\\Draft" },
	{ STORE_F_FORWARDED, "$Forwarded" },
	{ STORE_F_JUNK, "$Junk" },
};

/* The IMAP names of the flags in bits; returns how many. */
static size_t
flag_list(uint32_t bits, const char *out[ARRAY_SIZE(flag_names)])
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (bits & flag_names[i].bit)
			out[n++] = flag_names[i].name;
	return n;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorted, without zeros and duplicates; a new array in *out. */
static size_t
clean_uids(const uint32_t *in, size_t n, uint32_t **out)
{
	uint32_t *v = xmalloc((n ? n : 1) * sizeof(*v));
	size_t k = 0;

	memcpy(v, in, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (v[i] && (k == 0 || v[k - 1] != v[i]))
			v[k++] = v[i];
	*out = v;
	return k;
}

/* A folder named by the request: the store's row when the store has one
 * by that raw name (sent back raw), else a UTF-8 name. */
struct target {
	const char *name;
	bool raw;
	bool known;
	struct store_folder f;
};

static int
target_find(struct store *st, const char *name, struct target *t,
	    struct perr *e)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	int rc = store_folder_find(st, name, strlen(name), &t->f, e);
	if (rc < 0)
		return -1;
	t->known = t->raw = rc == 1;
	return 0;
}

static void
target_release(struct target *t)
{
	if (t->known)
		store_folder_release(&t->f);
	t->known = false;
}

static bool
stopped(struct acct_worker *w)
{
	return w && acct_cancelled(w);
}

/* SELECT the source read-write and check that its UIDs still mean what
 * the store thinks. */
static int
open_source(struct imap_session *s, const struct target *t, struct perr *e)
{
	if (!t->known)
		return perr_set(e, PERR_FOLDER, "folder '%s' is not known; "
				"sync the account first", t->name);
	if (imap_session_select(s, t->name, true, false, e) < 0)
		return -1;
	if (s->mbox.read_only)
		return perr_set(e, PERR_FOLDER, "folder '%s' is read-only "
				"on the server", t->f.name);
	if (t->f.uidvalidity && s->mbox.uidvalidity != t->f.uidvalidity)
		return perr_set(e, PERR_FOLDER, "folder '%s' was remade on "
				"the server (UIDVALIDITY %u, was %u); sync it "
				"before changing messages", t->f.name,
				(unsigned)s->mbox.uidvalidity,
				(unsigned)t->f.uidvalidity);
	return 0;
}

static void
chunk_set(const uint32_t *uids, size_t n, struct imap_seqset *set)
{
	imap_seqset_init(set);
	imap_seqset_from_sorted(set, uids, n);
}

static int
do_flags(struct acct_worker *w, struct imap_session *s, struct store *st,
	 const struct target *t, const uint32_t *uids, size_t n,
	 const struct acct_op *op, struct acct_op_result *out,
	 struct perr *e)
{
	const char *add[ARRAY_SIZE(flag_names)], *del[ARRAY_SIZE(flag_names)];
	uint32_t set = op->set & STORE_F_SERVER_MASK;
	uint32_t clear = op->clear & STORE_F_SERVER_MASK & ~set;
	size_t nadd = flag_list(set, add), ndel = flag_list(clear, del);

	if (nadd + ndel == 0)
		return perr_set(e, PERR_MESSAGE, "no flag to change");
	for (size_t i = 0; i < n; i += OP_CHUNK) {
		size_t k = n - i < OP_CHUNK ? n - i : OP_CHUNK;
		struct imap_seqset cs;
		int rc = 0;

		if (stopped(w))
			return perr_set(e, PERR_CANCELLED, "cancelled");
		chunk_set(uids + i, k, &cs);
		if (nadd && (rc = imap_uid_store(s, &cs, true, add, nadd, 0,
						 NULL, e)) == 0)
			rc = store_flags_update(st, t->f.id, uids + i, k, set,
						0, e);
		if (rc == 0 && ndel &&
		    (rc = imap_uid_store(s, &cs, false, del, ndel, 0, NULL,
					 e)) == 0)
			rc = store_flags_update(st, t->f.id, uids + i, k, 0,
						clear, e);
		imap_seqset_release(&cs);
		if (rc < 0)
			return -1;
		out->done += k;
	}
	return 0;
}

/* Record in the store what a move or copy of uids did to the source. */
static int
note_source(struct store *st, int64_t folder, const uint32_t *uids,
	    size_t n, enum imap_move_how how, struct acct_op_result *out,
	    struct perr *e)
{
	switch (how) {
	case IMAP_MOVE_MOVED:
	case IMAP_MOVE_EXPUNGED:
		return store_expunge(st, folder, uids, n, e);
	case IMAP_MOVE_MARKED:
		out->marked_only = true;
		return store_flags_update(st, folder, uids, n,
					  STORE_F_DELETED, 0, e);
	default:
		return 0;
	}
}

static int
do_copy_move(struct acct_worker *w, struct imap_session *s, struct store *st,
	     const struct target *t, const uint32_t *uids, size_t n,
	     const struct acct_op *op, bool move, struct acct_op_result *out,
	     struct perr *e)
{
	struct target d;
	bool created = false;
	int rc = 0;

	if (!op->dest || !*op->dest)
		return perr_set(e, PERR_MESSAGE, "no target folder");
	if (target_find(st, op->dest, &d, e) < 0)
		return -1;
	if (d.known && d.f.id == t->f.id) {
		target_release(&d);
		return perr_set(e, PERR_MESSAGE, "the messages are in '%s' "
				"already", t->f.name);
	}
	for (size_t i = 0; i < n && rc == 0; i += OP_CHUNK) {
		size_t k = n - i < OP_CHUNK ? n - i : OP_CHUNK;
		struct imap_seqset cs;
		struct imap_copy_result r;

		if (stopped(w)) {
			rc = perr_set(e, PERR_CANCELLED, "cancelled");
			break;
		}
		chunk_set(uids + i, k, &cs);
		imap_copy_result_init(&r);
		rc = move ? imap_uid_move(s, &cs, d.name, d.raw, &r, e)
			  : imap_uid_copy(s, &cs, d.name, d.raw, &r, e);
		if (rc < 0 && r.trycreate && op->create && !created) {
			/* RFC 3501 6.4.7: create it and try once more */
			created = true;
			if (imap_create(s, d.name, d.raw, e) == 0) {
				imap_copy_result_release(&r);
				imap_copy_result_init(&r);
				rc = move ? imap_uid_move(s, &cs, d.name,
							  d.raw, &r, e)
					  : imap_uid_copy(s, &cs, d.name,
							  d.raw, &r, e);
			}
		}
		crashpoint("imap.after-move");
		struct perr le = PERR_INIT;
		if (move && note_source(st, t->f.id, uids + i, k, r.how, out,
					&le) < 0 && rc == 0) {
			*e = le;
			rc = -1;
		}
		if (rc == 0)
			out->done += k;
		imap_copy_result_release(&r);
		imap_seqset_release(&cs);
	}
	if (out->marked_only)
		snprintf(out->note, sizeof(out->note),
			 "copied to '%s'; the server cannot expunge single "
			 "messages (no UIDPLUS), so the originals stay in "
			 "'%s' marked deleted", op->dest, t->f.name);
	target_release(&d);
	return rc;
}

static int
do_delete(struct acct_worker *w, struct imap_session *s, struct store *st,
	  const struct target *t, const uint32_t *uids, size_t n,
	  struct acct_op_result *out, struct perr *e)
{
	static const char *const deleted[] = { "\\Deleted" };
	bool uidplus = s->caps & IMAP_CAP(UIDPLUS);

	for (size_t i = 0; i < n; i += OP_CHUNK) {
		size_t k = n - i < OP_CHUNK ? n - i : OP_CHUNK;
		struct imap_seqset cs;
		int rc;

		if (stopped(w))
			return perr_set(e, PERR_CANCELLED, "cancelled");
		chunk_set(uids + i, k, &cs);
		rc = imap_uid_store(s, &cs, true, deleted, 1, 0, NULL, e);
		if (rc == 0)
			rc = store_flags_update(st, t->f.id, uids + i, k,
						STORE_F_DELETED, 0, e);
		/* hostile-16: without UIDPLUS no EXPUNGE at all */
		if (rc == 0 && uidplus &&
		    (rc = imap_uid_expunge(s, &cs, e)) == 0)
			rc = store_expunge(st, t->f.id, uids + i, k, e);
		imap_seqset_release(&cs);
		if (rc < 0)
			return -1;
		if (!uidplus)
			out->marked_only = true;
		out->done += k;
	}
	if (out->marked_only)
		snprintf(out->note, sizeof(out->note),
			 "marked deleted; the server cannot expunge single "
			 "messages (no UIDPLUS), so they stay in '%s' until "
			 "the folder is expunged", t->f.name);
	return 0;
}

static int
do_append(struct imap_session *s, const struct target *t,
	  const struct acct_op *op, struct acct_op_result *out,
	  struct perr *e)
{
	const char *fl[ARRAY_SIZE(flag_names)];
	struct imap_append a = {
		.folder = t->name, .raw = t->raw,
		.flags = fl, .nflags = flag_list(op->flags &
						 STORE_F_SERVER_MASK, fl),
		.internal_date = op->internal_date,
		.tz_minutes = op->tz_minutes,
		.msg = op->msg, .len = op->len,
	};

	if (imap_append(s, &a, e) < 0)
		return -1;
	out->done = 1;
	out->uidvalidity = a.uidvalidity;
	out->uid = a.uid;
	return 0;
}

struct listed {
	const char *raw;
	size_t raw_len;
	char *delim;
	unsigned attrs;
	bool found;
};

static int
on_listed(const struct imap_list *l, void *arg, struct perr *e)
{
	struct listed *x = arg;

	(void)e;
	if (x->found || l->mbox.raw.len != x->raw_len ||
	    memcmp(l->mbox.raw.data, x->raw, x->raw_len) != 0)
		return 0;
	x->found = true;
	x->delim = l->delim ? xstrdup(l->delim) : NULL;
	x->attrs = l->attrs;
	return 0;
}

/* The wire form of a UTF-8 folder name on this session. */
static int
wire_name(struct imap_session *s, const char *name, struct buf *out,
	  struct perr *e)
{
	if (s->parser.flags & IMAP_PARSER_UTF8) {
		buf_addstr(out, name);
		return 0;
	}
	return imap_utf7_encode(name, strlen(name), out, e);
}

static int
do_create(struct imap_session *s, struct store *st, const char *name,
	  struct acct_op_result *out, struct perr *e)
{
	struct buf raw = BUF_INIT;
	struct listed x = { 0 };
	int rc = -1;

	if (!utf8_valid(name, strlen(name)) || !*name)
		return perr_set(e, PERR_MESSAGE, "folder name is empty or not "
				"valid UTF-8");
	if (wire_name(s, name, &raw, e) < 0)
		goto out;
	if (imap_create(s, name, false, e) < 0)
		goto out;
	/* ask for its delimiter; a LIST failure costs only that */
	x.raw = raw.data;
	x.raw_len = raw.len;
	struct perr le = PERR_INIT;
	if (imap_list_folders(s, name, on_listed, &x, &le) < 0 &&
	    le.kind != PERR_REJECTED) {
		*e = le;
		goto out;
	}
	struct store_folder_info info = {
		.name = name, .raw = raw.data, .raw_len = raw.len,
		.delim = x.delim,
	};
	if (store_folder_upsert(st, &info, NULL, NULL, e) < 0)
		goto out;
	out->done = 1;
	rc = 0;
out:
	free(x.delim);
	buf_release(&raw);
	return rc;
}

static int
do_rename(struct imap_session *s, struct store *st, const struct target *t,
	  const char *to, struct acct_op_result *out, struct perr *e)
{
	struct buf raw = BUF_INIT;
	int rc = -1;

	if (!to || !*to || !utf8_valid(to, strlen(to)))
		return perr_set(e, PERR_MESSAGE, "new folder name is empty or "
				"not valid UTF-8");
	if (!t->known)
		return perr_set(e, PERR_FOLDER, "folder '%s' is not known; "
				"sync the account first", t->name);
	if (wire_name(s, to, &raw, e) < 0)
		goto out;
	if (imap_rename(s, t->name, true, to, e) < 0)
		goto out;
	if (store_folder_rename(st, t->f.id, raw.data, raw.len, to, e) < 0)
		goto out;
	out->done = 1;
	rc = 0;
out:
	buf_release(&raw);
	return rc;
}

static int
do_delete_folder(struct imap_session *s, struct store *st,
		 const struct target *t, struct acct_op_result *out,
		 struct perr *e)
{
	if (t->known && t->f.role == STORE_ROLE_INBOX)
		return perr_set(e, PERR_MESSAGE, "INBOX cannot be deleted");
	if (ascii_strcasecmp(t->name, "INBOX") == 0)
		return perr_set(e, PERR_MESSAGE, "INBOX cannot be deleted");
	if (imap_delete_folder(s, t->name, t->raw, e) < 0)
		return -1;
	if (t->known && store_folder_delete(st, t->f.id, e) < 0)
		return -1;
	out->done = 1;
	return 0;
}

int
acct_op_imap(struct acct_worker *w, struct imap_session *s, struct store *st,
	     const struct acct_request *req, struct acct_op_result *out,
	     struct perr *e)
{
	const struct acct_op *op = req->payload;
	struct target t;
	uint32_t *uids = NULL;
	size_t n = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!req->folder || !*req->folder)
		return perr_set(e, PERR_MESSAGE, "%s: no folder given",
				acct_req_name(req->kind));
	if (!op && req->kind != ACCT_REQ_DELETE_FOLDER &&
	    req->kind != ACCT_REQ_CREATE_FOLDER)
		return perr_set(e, PERR_MESSAGE, "%s: nothing to do",
				acct_req_name(req->kind));
	if (target_find(st, req->folder, &t, e) < 0)
		return -1;
	switch (req->kind) {
	case ACCT_REQ_SET_FLAGS:
	case ACCT_REQ_MOVE:
	case ACCT_REQ_COPY:
	case ACCT_REQ_DELETE:
		n = clean_uids(op->uids, op->n, &uids);
		if (n == 0) {
			perr_set(e, PERR_MESSAGE, "no messages given");
			break;
		}
		if (open_source(s, &t, e) < 0)
			break;
		if (req->kind == ACCT_REQ_SET_FLAGS)
			rc = do_flags(w, s, st, &t, uids, n, op, out, e);
		else if (req->kind == ACCT_REQ_DELETE)
			rc = do_delete(w, s, st, &t, uids, n, out, e);
		else
			rc = do_copy_move(w, s, st, &t, uids, n, op,
					  req->kind == ACCT_REQ_MOVE, out, e);
		break;
	case ACCT_REQ_APPEND:
		if (!op->msg || !op->len) {
			perr_set(e, PERR_MESSAGE, "no message to append");
			break;
		}
		rc = do_append(s, &t, op, out, e);
		break;
	case ACCT_REQ_CREATE_FOLDER:
		if (t.known) {
			perr_set(e, PERR_FOLDER, "folder '%s' exists already",
				 t.f.name);
			break;
		}
		rc = do_create(s, st, req->folder, out, e);
		break;
	case ACCT_REQ_RENAME_FOLDER:
		rc = do_rename(s, st, &t, op->name, out, e);
		break;
	case ACCT_REQ_DELETE_FOLDER:
		rc = do_delete_folder(s, st, &t, out, e);
		break;
	case ACCT_REQ_SUBSCRIBE:
		rc = imap_subscribe(s, t.name, t.raw, op->on, e);
		if (rc == 0)
			out->done = 1;
		break;
	default:
		perr_set(e, PERR_REJECTED, "cannot %s on an IMAP account",
			 acct_req_name(req->kind));
		break;
	}
	if (rc < 0 && out->note[0] == '\0' && out->marked_only)
		snprintf(out->note, sizeof(out->note), "the originals stay "
			 "marked deleted");
	if (out->note[0])
		log_info("%s: %s", acct_req_name(req->kind), out->note);
	free(uids);
	target_release(&t);
	return rc;
}

void
acct_uids_free(void *p)
{
	struct acct_uids *u = p;

	if (!u)
		return;
	free(u->v);
	free(u);
}

/* Keep in a[*na] only what is also in b[nb]; both ascending. */
static void
intersect(uint32_t *a, size_t *na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, o = 0;

	while (i < *na && j < nb) {
		if (a[i] < b[j]) {
			i++;
		} else if (a[i] > b[j]) {
			j++;
		} else {
			a[o++] = a[i];
			i++;
			j++;
		}
	}
	*na = o;
}

int
acct_search_imap(struct imap_session *s, struct store *st, const char *folder,
		 const char *words, struct acct_uids *out, struct perr *e)
{
	struct target t;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!folder || !words)
		return perr_set(e, PERR_MESSAGE, "search: nothing to find");
	if (target_find(st, folder, &t, e) < 0)
		return -1;
	if (!t.known) {
		perr_set(e, PERR_FOLDER, "folder '%s' is not known; sync the "
			 "account first", folder);
		goto out;
	}
	if (imap_session_select(s, t.name, true, true, e) < 0)
		goto out;
	if (t.f.uidvalidity && s->mbox.uidvalidity != t.f.uidvalidity) {
		perr_set(e, PERR_FOLDER, "folder '%s' was remade on the "
			 "server; sync it before searching", t.f.name);
		goto out;
	}
	bool first = true;
	for (const char *p = words; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p == w)
			break;
		char *word = xstrndup(w, (size_t)(p - w));
		uint32_t *v = NULL;
		size_t n = 0;
		int r = imap_uid_search(s, IMAP_SEARCH_BODY, word, &v, &n, e);
		free(word);
		if (r < 0)
			goto out;
		if (first) {
			out->v = v;
			out->n = n;
			first = false;
		} else {
			intersect(out->v, &out->n, v, n);
			free(v);
		}
	}
	rc = 0;
out:
	if (rc < 0) {
		free(out->v);
		memset(out, 0, sizeof(*out));
	}
	target_release(&t);
	return rc;
}
