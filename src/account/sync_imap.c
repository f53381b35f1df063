/* SPDX-License-Identifier: ISC */
/*
 * The IMAP sync: bring the store of one account up to date with its
 * server in one pass (see acct_sync_imap in postie/account.h).
 *
 * Per folder the cost is what changed, not what is there:
 *
 *   1. SELECT (as EXAMINE: a sync changes nothing on the server) gives
 *      UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ. store_folder_upsert drops
 *      the folder's cache when UIDVALIDITY changed or UIDNEXT is not above
 *      the highest cached UID (RFC 3501 2.3.1.1, hostile-15), so that no
 *      old UID is used again.
 *   2. New mail: one UID FETCH of (highest cached UID + 1):* for the
 *      summary items, streamed; a writer thread decodes them with mime/
 *      and writes them to the store and its search index in batches of
 *      SYNC_BATCH, each one transaction, while the next batch is read
 *      (see "New mail, in two threads" below). "N:*" also returns the
 *      last message when N is past it (RFC 3501 6.4.8), so UIDs at or
 *      below the cached maximum are skipped; so is a message with the
 *      invalid UID 0, with a warning (hostile-9).
 *   3. Changes to what was cached: with QRESYNC (RFC 7162), one UID
 *      FETCH 1:max (FLAGS) (CHANGEDSINCE modseq VANISHED) when the
 *      folder's HIGHESTMODSEQ moved, which names exactly the messages
 *      whose flags changed and the UIDs expunged since; with nothing
 *      moved, nothing is sent. With CONDSTORE alone, CHANGEDSINCE for
 *      the flags while the message count says nothing was expunged.
 *      Otherwise a sweep of UID FETCH 1:max (UID FLAGS) compared with
 *      the cache (see sync_changes). The QRESYNC parameter
 *      of SELECT would save the round trip of the FETCH, but it makes
 *      SELECT carry FETCH and VANISHED responses, which the session's
 *      select does not hand out; one more command per changed folder is
 *      the price of keeping to the session's API.
 *   4. The folder's HIGHESTMODSEQ is stored only after 3 succeeded, so an
 *      interrupted sync repeats the comparison next time.
 *
 * Bodies are not fetched here: they come on demand.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/imap.h"
#include "postie/log.h"
#include "postie/mime.h"
#include "postie/store.h"

#include "sync.h"


/* Summaries written per store transaction. */
#define SYNC_BATCH 1000
/* A first sync of a folder bigger than this fetches its newest this many
 * messages first (see fetch_new). */
#define NEWEST_FIRST 500

#define SUMMARY_ITEMS                                                   \
	"(UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE "            \
	"BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID "  \
	"IN-REPLY-TO REFERENCES CONTENT-TYPE)])"

/* ---------------------------------------------------------------------
 * Flags
 */
static const struct {
	const char *name;
	uint32_t bit;
} flag_names[] = {
	{ "\\Seen", STORE_F_SEEN },
	{ "\\Answered", STORE_F_ANSWERED },
	{ "\\Flagged", STORE_F_FLAGGED },
	{ "\\Deleted", STORE_F_DELETED },
	{ "\\Draft", STORE_F_DRAFT },
	{ "$Forwarded", STORE_F_FORWARDED },
	{ "$Junk", STORE_F_JUNK },
};

static uint32_t
sync_flags_from_list(const struct imap_strlist *l, struct buf *keywords)
{
	uint32_t f = 0;

	for (size_t i = 0; i < l->n; i++) {
		const char *n = l->v[i];
		bool known = false;
		for (size_t k = 0; k < ARRAY_SIZE(flag_names); k++)
			if (ascii_strcasecmp(n, flag_names[k].name) == 0) {
				f |= flag_names[k].bit;
				known = true;
				break;
			}
		/* \Recent is the server's business, not a keyword */
		if (known || ascii_strcasecmp(n, "\\Recent") == 0)
			continue;
		if (keywords) {
			if (keywords->len)
				buf_addch(keywords, ' ');
			buf_addstr(keywords, n);
		}
	}
	return f;
}

/* ---------------------------------------------------------------------
 * Summaries
 */
static bool
str_ieq(const struct imap_str *s, const char *lit)
{
	return s->data && ascii_strcasecmp(s->data, lit) == 0;
}

/* Does the body structure hold something a reader would call an
 * attachment? A part marked "attachment", or a leaf that is not text
 * and not shown inline (images inside multipart/related are part of an
 * HTML page, not attachments). */
static bool
has_attachment(const struct imap_body *b, bool in_related, unsigned depth)
{
	if (!b || depth > 60)
		return false;
	if (str_ieq(&b->disposition, "attachment"))
		return true;
	if (b->multipart) {
		bool rel = str_ieq(&b->subtype, "related");
		for (size_t i = 0; i < b->nparts; i++)
			if (has_attachment(b->parts[i], rel, depth + 1))
				return true;
		return false;
	}
	if (b->opaque)
		return false;
	if (str_ieq(&b->type, "text"))
		return false;
	if (str_ieq(&b->type, "message"))
		return str_ieq(&b->subtype, "rfc822") ||
		       str_ieq(&b->subtype, "global");
	if (str_ieq(&b->type, "image") &&
	    (in_related || str_ieq(&b->disposition, "inline")))
		return false;
	return true;
}

static const char *
keep(struct sync_msg *p, struct buf *b)
{
	if (!b->len)
		return NULL;
	char *s = buf_strdup(b);
	p->s[p->ns++] = s;
	return s;
}

void
sync_msg_release(struct sync_msg *p)
{
	for (size_t i = 0; i < p->ns; i++)
		free(p->s[i]);
	memset(p, 0, sizeof(*p));
}

/* The ids of a Message-ID style field, without brackets, separated by
 * spaces; first only when first is set. */
static void
ids_of(struct buf *out, const struct mime_field *f, bool first)
{
	struct buf ids;

	buf_reset(out);
	if (!f)
		return;
	buf_init(&ids);
	size_t n = mime_msgid_list(&ids, f->value.p, f->value.len);
	const char *p = ids.data;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(p);
		if (l >= 2 && p[0] == '<' && p[l - 1] == '>') {
			if (out->len)
				buf_addch(out, ' ');
			buf_add(out, p + 1, l - 2);
		}
		p += l + 1;
		if (first && out->len)
			break;
	}
	buf_release(&ids);
}

void
sync_msg_headers(struct sync_msg *p, const char *hdr, size_t len,
		 const char *const *assumed)
{
	struct buf b;
	struct mime_headers h = { 0 };
	const struct mime_field *fl;

	buf_init(&b);
	mime_headers_parse(&h, hdr, len, NULL);
	if ((fl = mime_headers_get(&h, "From")) != NULL) {
		struct mime_addr_list al = { 0 };
		mime_addr_parse(&al, fl->value.p, fl->value.len, assumed);
		if (al.n) {
			buf_reset(&b);
			buf_addstr(&b, al.v[0].name);
			p->m.from_name = keep(p, &b);
			buf_reset(&b);
			buf_addstr(&b, al.v[0].addr);
			p->m.from_addr = keep(p, &b);
		}
		mime_addr_list_release(&al);
	}
	static const char *const lists[] = { "To", "Cc" };
	for (size_t i = 0; i < 2; i++) {
		if (!(fl = mime_headers_get(&h, lists[i])))
			continue;
		struct mime_addr_list al = { 0 };
		mime_addr_parse(&al, fl->value.p, fl->value.len, assumed);
		buf_reset(&b);
		mime_addr_format(&b, &al);
		if (i == 0)
			p->m.to = keep(p, &b);
		else
			p->m.cc = keep(p, &b);
		mime_addr_list_release(&al);
	}
	if ((fl = mime_headers_get(&h, "Subject")) != NULL) {
		buf_reset(&b);
		mime_decode_header(&b, fl->value.p, fl->value.len, assumed);
		p->m.subject = keep(p, &b);
	}
	if ((fl = mime_headers_get(&h, "Date")) != NULL) {
		int tz;
		if (mime_date_parse(fl->value.p, fl->value.len, &p->m.date,
				    &tz) < 0)
			p->m.date = 0;
	}
	ids_of(&b, mime_headers_get(&h, "Message-ID"), true);
	p->m.message_id = keep(p, &b);
	ids_of(&b, mime_headers_get(&h, "In-Reply-To"), true);
	p->m.in_reply_to = keep(p, &b);
	ids_of(&b, mime_headers_get(&h, "References"), false);
	p->m.references = keep(p, &b);
	mime_headers_release(&h);
	buf_release(&b);
}

const char *const *
sync_assumed(const struct cfg_account *a, char ***owned)
{
	*owned = NULL;
	if (!a || !a->n_assumed_charsets)
		return NULL;
	size_t n = a->n_assumed_charsets;
	*owned = xcalloc(n + 1, sizeof(**owned));
	for (size_t i = 0; i < n; i++)
		(*owned)[i] = a->assumed_charsets[i];
	return (const char *const *)*owned;
}

/* ---------------------------------------------------------------------
 * One folder
 */
struct folder_ref {
	char *raw;
	size_t raw_len;
	char *name;   /* display name, UTF-8 */
	char *delim;
	enum store_role role;
};

struct raw_ent {
	uint32_t uid, flags;
	int64_t internal_date;
	uint64_t size;
	bool has_attachment;
	size_t kw, kw_len;    /* offsets into the batch's bytes */
	size_t hdr, hdr_len;
};

struct raw_batch {
	struct raw_ent *v;
	size_t n;
	struct buf bytes;
	struct raw_batch *next;
};

struct writer {
	pthread_t thread;
	bool running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct raw_batch *head, *tail; /* waiting to be written */
	size_t queued;
	bool closing;                  /* no more batches will come */
	int rc;                        /* the writer's result so far */
	struct perr err;
	uint64_t stored;               /* summaries committed */
	/* read-only for the writer thread */
	struct store *store;
	int64_t fid;
	const char *const *assumed;
};

struct sync_ctx {
	struct imap_session *s;
	const struct acct_sync_params *p;
	struct acct_sync_stats *st;
	const char *const *assumed;
	bool qresync;       /* ENABLE QRESYNC succeeded */
	bool condstore;     /* the server has CONDSTORE */
	/* the folder being synced */
	const struct folder_ref *f;
	int64_t fid;
	uint32_t maxuid;    /* highest UID cached before this sync */
	uint32_t skip_from; /* new mail: UIDs from here up are had (0: none) */
	uint32_t lowest;    /* the lowest new UID seen by the FETCH */
	uint32_t *have;     /* resuming a first sync: UIDs cached, sorted */
	size_t nhave;
	/* SELECT with QRESYNC: the cached UIDs, for VANISHED */
	int64_t qs_fid;
	uint32_t *qs_uids;
	size_t qs_n;
	bool qs_loaded;
	uint64_t fnew;      /* new messages stored in this folder */
	struct raw_batch *batch; /* being filled by the reader */
	struct writer w;
	uint64_t done, total;
	struct perr store_err;
	/* flag comparison */
	size_t ncached;     /* messages cached before this sync */
	struct store_summaries cached; /* loaded by load_cached */
	uint32_t *seen;     /* 1 bit per cached message: still on the server */
	struct store_flag_state *repl;
	char **repl_kw;
	size_t nrepl, caprepl;
	uint32_t *gone;
	size_t ngone, capgone;
};

static void
progress(struct sync_ctx *c)
{
	if (c->p->progress)
		c->p->progress(c->p->progress_arg, c->f->name, c->done,
			       c->total);
}

/* ---------------------------------------------------------------------
 * New mail, in two threads
 *
 * A first sync is a stream of summaries to parse, decode and write, and
 * the two halves cost about the same: TLS, the IMAP parser and copying
 * on one side, RFC 2047/address/date decoding, SQLite inserts and the
 * full-text index on the other. Done in one thread, the server waits
 * while a batch is written and the store waits while the next one is
 * read. So the session's thread (the reader) keeps only what it must
 * from each FETCH (numbers, flags, whether BODYSTRUCTURE shows an
 * attachment, and the raw header bytes) in a batch, and hands full
 * batches to a writer thread that decodes them, stores them in one
 * transaction each and adds them to the full-text index. Two batches at
 * most are in flight, so memory stays bounded whatever the folder's
 * size, and the reader blocks only when the writer is two batches behind.
 *
 * The writer is the only user of the store while it runs (the reader
 * touches neither the store nor the cache); it stops at its first error,
 * which the reader sees at its next hand-over and turns into the sync's
 * error. Nothing is written out of order: batches are stored in the
 * order they came, each all or nothing, as before.
 */
#define WRITER_DEPTH 2

static struct raw_batch *
batch_new(void)
{
	struct raw_batch *b = xcalloc(1, sizeof(*b));
	b->v = xcalloc(SYNC_BATCH, sizeof(*b->v));
	buf_init(&b->bytes);
	return b;
}

static void
batch_free(struct raw_batch *b)
{
	if (!b)
		return;
	free(b->v);
	buf_release(&b->bytes);
	free(b);
}

/* Decode and store one batch (writer thread). */
static int
write_batch(struct writer *w, struct raw_batch *b, struct perr *e)
{
	struct sync_msg *m = xcalloc(b->n, sizeof(*m));
	struct store_msg *v = xcalloc(b->n, sizeof(*v));

	for (size_t i = 0; i < b->n; i++) {
		const struct raw_ent *r = &b->v[i];
		m[i].m.uid = r->uid;
		m[i].m.flags = r->flags;
		m[i].m.internal_date = r->internal_date;
		m[i].m.size = r->size;
		m[i].m.has_attachment = r->has_attachment;
		m[i].m.keywords = r->kw_len ? b->bytes.data + r->kw : NULL;
		if (r->hdr_len)
			sync_msg_headers(&m[i], b->bytes.data + r->hdr,
					 r->hdr_len, w->assumed);
		v[i] = m[i].m;
	}
	int rc = store_msg_put(w->store, w->fid, v, b->n, e);
	crashpoint("imap.after-batch");
	/* The search index follows each batch here, while the reader is
	 * busy with the next, rather than in one pass after the FETCH. */
	if (rc == 0)
		rc = store_index_update(w->store, 0, NULL, e);
	for (size_t i = 0; i < b->n; i++)
		sync_msg_release(&m[i]);
	free(m);
	free(v);
	return rc;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->closing)
			pthread_cond_wait(&w->cv, &w->mu);
		struct raw_batch *b = w->head;
		if (!b)
			break;
		w->head = b->next;
		if (!w->head)
			w->tail = NULL;
		bool skip = w->rc < 0;
		pthread_mutex_unlock(&w->mu);
		struct perr e = PERR_INIT;
		int rc = skip ? -1 : write_batch(w, b, &e);
		size_t n = b->n;
		batch_free(b);
		pthread_mutex_lock(&w->mu);
		w->queued--;
		if (!skip) {
			if (rc < 0) {
				w->rc = -1;
				w->err = e;
			} else {
				w->stored += n;
			}
		}
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int
writer_start(struct writer *w, struct store *st, int64_t fid,
	     const char *const *assumed, struct perr *e)
{
	memset(w, 0, sizeof(*w));
	w->store = st;
	w->fid = fid;
	w->assumed = assumed;
	w->err = (struct perr)PERR_INIT;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return perr_set(e, PERR_LOCAL, "cannot start the store "
				"writer thread");
	}
	w->running = true;
	return 0;
}

/* Queue a batch (taking it); waits while WRITER_DEPTH batches are queued.
 * Returns the writer's result so far: -1 with *e once it failed. */
static int
writer_put(struct writer *w, struct raw_batch *b, uint64_t *stored,
	   struct perr *e)
{
	pthread_mutex_lock(&w->mu);
	while (w->queued >= WRITER_DEPTH && w->rc == 0)
		pthread_cond_wait(&w->cv, &w->mu);
	int rc = w->rc;
	if (rc == 0 && b) {
		b->next = NULL;
		if (w->tail)
			w->tail->next = b;
		else
			w->head = b;
		w->tail = b;
		w->queued++;
		b = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	if (rc < 0)
		*e = w->err;
	*stored = w->stored;
	pthread_mutex_unlock(&w->mu);
	batch_free(b);
	return rc;
}

/* Wait until every batch queued is stored. Returns the writer's result
 * so far: -1 with *e once it failed. */
static int
writer_wait_idle(struct writer *w, uint64_t *stored, struct perr *e)
{
	pthread_mutex_lock(&w->mu);
	while (w->queued > 0 && w->rc == 0)
		pthread_cond_wait(&w->cv, &w->mu);
	int rc = w->rc;
	if (rc < 0)
		*e = w->err;
	*stored = w->stored;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

/* Let the writer finish what is queued (or drop it, when abandon is set
 * or it failed), and join it. Returns its result, -1 with *e. */
static int
writer_finish(struct writer *w, bool abandon, uint64_t *stored,
	      struct perr *e)
{
	if (!w->running)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->closing = true;
	if (abandon && w->rc == 0) {
		w->rc = -1;
		w->err = (struct perr)PERR_INIT;
	}
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->running = false;
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	*stored = w->stored;
	if (w->rc < 0 && !abandon)
		*e = w->err;
	return w->rc;
}

/* Keep what the writer needs of one FETCH in the current batch. */
/* The header section of a FETCH, or NULL. */
static const struct imap_section *
header_section(const struct imap_fetch *f)
{
	const struct imap_section *sec = NULL;

	for (size_t i = 0; i < f->nsections; i++)
		if (f->sections[i].data.data &&
		    strncmp(f->sections[i].section, "HEADER", 6) == 0)
			sec = &f->sections[i];
	return sec;
}

static bool
has_header_section(const struct imap_fetch *f)
{
	return header_section(f) != NULL;
}

static void
batch_add(struct raw_batch *b, const struct imap_fetch *f)
{
	struct raw_ent *r = &b->v[b->n++];
	struct buf kw;

	memset(r, 0, sizeof(*r));
	buf_init(&kw);
	r->uid = f->uid;
	r->flags = sync_flags_from_list(&f->flags, &kw);
	r->internal_date = f->internaldate;
	r->size = f->size;
	r->has_attachment = has_attachment(f->body, false, 0);
	if (kw.len) {
		r->kw = b->bytes.len;
		r->kw_len = kw.len;
		buf_add(&b->bytes, kw.data, kw.len + 1);
	}
	buf_release(&kw);
	const struct imap_section *sec = header_section(f);
	if (sec && sec->data.len) {
		r->hdr = b->bytes.len;
		r->hdr_len = sec->data.len;
		buf_add(&b->bytes, sec->data.data, sec->data.len);
	}
}

static bool
uid_in(const uint32_t *v, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == uid)
			return true;
		if (v[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int
on_new(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct sync_ctx *c = arg;
	const struct imap_fetch *f = &r->fetch;

	if (r->kind != IMAP_RESP_FETCH || !(f->have & IMAP_F_UID))
		return 0;
	if (f->uid == 0) {
		/* hostile-9: one message the server numbers wrongly is left
		 * out, with a word in the log; the rest still arrives */
		log_warn("folder '%s': message %u has the invalid UID 0; "
			 "it is skipped", c->f->name, (unsigned)f->seq);
		c->st->skipped++;
		return 0;
	}
	/* A FETCH for a message already cached (the "N:*" rule, or an
	 * unsolicited flag update) is not new. */
	if (c->nhave ? uid_in(c->have, c->nhave, f->uid)
		     : f->uid <= c->maxuid)
		return 0;
	if (c->skip_from && f->uid >= c->skip_from)
		return 0;
	/* An unsolicited FETCH (flags of a message that came in meanwhile,
	 * as a QRESYNC server sends them) carries none of the summary
	 * items: storing it would make a message without headers, or
	 * overwrite the real summary when that came first. */
	if (!(f->have & (IMAP_F_INTERNALDATE | IMAP_F_SIZE)) &&
	    !has_header_section(f))
		return 0;
	if (!c->lowest || f->uid < c->lowest)
		c->lowest = f->uid;
	if (!c->batch)
		c->batch = batch_new();
	batch_add(c->batch, f);
	c->done++;
	if (c->batch->n == SYNC_BATCH) {
		uint64_t stored;
		struct raw_batch *b = c->batch;
		c->batch = NULL;
		if (writer_put(&c->w, b, &stored, &c->store_err) < 0)
			return perr_set(e, PERR_LOCAL, "%s", c->store_err.msg);
		progress(c);
	}
	return 0;
}

/* Hand the batch being filled to the writer. */
static int
flush_partial(struct sync_ctx *c, struct perr *e)
{
	uint64_t stored;

	if (!c->batch || !c->batch->n)
		return 0;
	struct raw_batch *b = c->batch;
	c->batch = NULL;
	return writer_put(&c->w, b, &stored, e);
}

/* FETCH by sequence numbers lo:* (the newest messages of the folder). */
static int
fetch_seq_tail(struct sync_ctx *c, uint32_t lo, struct perr *e)
{
	char tag[IMAP_TAG_SIZE], range[32];
	struct imap_cmd cmd;
	struct imap_resp fin;

	imap_session_tag(c->s, tag);
	imap_cmd_init(&cmd, tag, "FETCH", 0);
	snprintf(range, sizeof(range), "%u:*", (unsigned)lo);
	imap_cmd_raw(&cmd, range);
	imap_cmd_raw(&cmd, SUMMARY_ITEMS);
	imap_cmd_finish(&cmd);
	imap_resp_init(&fin);
	int rc = imap_session_run(c->s, &cmd, tag, on_new, c, &fin, e);
	imap_resp_release(&fin);
	imap_cmd_release(&cmd);
	return rc;
}

/* The new mail, through the writer thread. A first sync of a big folder
 * fetches the NEWEST_FIRST newest messages first (by sequence number:
 * their UIDs are not known yet), waits until they are stored and says so
 * through p->stored, so that a screen waiting on an empty cache shows
 * the top of the folder within a second; then the rest, UIDs below the
 * lowest of those. A first sync cut short leaves the folder's UIDNEXT
 * unset in the store, so the next one knows to fetch 1:* again, skipping
 * what it has (c->have), rather than only above the highest UID. */
static int
fetch_new(struct sync_ctx *c, bool newest_first, struct perr *e)
{
	const struct imap_mailbox_state *mb = &c->s->mbox;
	struct imap_seqset set = IMAP_SEQSET_INIT;
	uint64_t stored = 0;
	int rc = 0;

	if (mb->exists == 0)
		return 0;
	if (!c->nhave && mb->uidnext && mb->uidnext <= c->maxuid + 1)
		return 0;
	c->batch = NULL;
	c->done = 0;
	c->lowest = 0;
	c->skip_from = 0;
	c->total = mb->exists > c->ncached ? mb->exists - c->ncached : 0;
	progress(c);
	if (writer_start(&c->w, c->p->store, c->fid, c->assumed, e) < 0)
		return -1;
	uint32_t from = c->nhave ? 1 : c->maxuid + 1;
	if (newest_first && c->maxuid == 0 && mb->exists > NEWEST_FIRST) {
		rc = fetch_seq_tail(c, mb->exists - NEWEST_FIRST + 1, e);
		if (rc == 0)
			rc = flush_partial(c, e);
		if (rc == 0)
			rc = writer_wait_idle(&c->w, &stored, e);
		if (rc == 0 && stored) {
			progress(c);
			if (c->p->stored)
				c->p->stored(c->p->progress_arg, c->f->name,
					     stored, c->total);
		}
		/* the rest: below the lowest UID just fetched */
		if (rc == 0 && c->lowest > 1) {
			c->skip_from = c->lowest;
			imap_seqset_add(&set, from, c->lowest - 1);
		}
	} else {
		imap_seqset_add(&set, from, IMAP_SEQ_STAR);
	}
	if (rc == 0 && set.n)
		rc = imap_session_uid_fetch(c->s, &set, SUMMARY_ITEMS, on_new,
					    c, e);
	if (rc == 0)
		rc = flush_partial(c, e);
	/* After a failed FETCH the batches still queued are complete
	 * messages: they are stored all the same, as a single-threaded
	 * sync would have stored every full batch before the failure. */
	struct perr we = PERR_INIT;
	if (writer_finish(&c->w, false, &stored, &we) < 0 && rc == 0) {
		*e = we;
		rc = -1;
	}
	batch_free(c->batch);
	c->batch = NULL;
	c->skip_from = 0;
	c->st->new_msgs += stored;
	c->fnew += stored;
	if (rc == 0)
		progress(c);
	imap_seqset_release(&set);
	return rc;
}

/* Index of uid in the cached load (UID order), or -1. */
static ssize_t
cached_index(const struct sync_ctx *c, uint32_t uid)
{
	size_t lo = 0, hi = c->cached.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t u = c->cached.v[mid].uid;
		if (u == uid)
			return (ssize_t)mid;
		if (u < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void
note_gone(struct sync_ctx *c, uint32_t uid)
{
	c->gone = xgrow(c->gone, &c->capgone, c->ngone + 1, sizeof(*c->gone));
	c->gone[c->ngone++] = uid;
}

static int
on_flags(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct sync_ctx *c = arg;

	if (r->kind == IMAP_RESP_VANISHED) {
		/* Only UIDs we hold matter. Walk each range over the sorted
		 * cache from its first UID: linear in ranges and cached
		 * messages, whatever spans the server sends ("1:*"). */
		for (size_t k = 0; k < r->set.n; k++) {
			uint32_t lo = r->set.r[k].lo, hi = r->set.r[k].hi;
			if (lo == IMAP_SEQ_STAR)
				lo = UINT32_MAX;
			if (hi == IMAP_SEQ_STAR)
				hi = UINT32_MAX;
			size_t a = 0, b = c->cached.n;
			while (a < b) {
				size_t mid = a + (b - a) / 2;
				if (c->cached.v[mid].uid < lo)
					a = mid + 1;
				else
					b = mid;
			}
			for (; a < c->cached.n && c->cached.v[a].uid <= hi; a++)
				if (!(c->seen[a / 32] & (1u << (a % 32)))) {
					c->seen[a / 32] |= 1u << (a % 32);
					note_gone(c, c->cached.v[a].uid);
				}
		}
		return 0;
	}
	if (r->kind != IMAP_RESP_FETCH)
		return 0;
	const struct imap_fetch *f = &r->fetch;
	if (!(f->have & IMAP_F_UID) || !(f->have & IMAP_F_FLAGS))
		return 0;
	ssize_t i = cached_index(c, f->uid);
	if (i < 0)
		return 0;
	c->seen[(size_t)i / 32] |= 1u << ((size_t)i % 32);
	struct buf kw;
	buf_init(&kw);
	uint32_t flags = sync_flags_from_list(&f->flags, &kw);
	const struct store_summary *m = &c->cached.v[i];
	if ((m->flags & STORE_F_SERVER_MASK) == flags &&
	    strcmp(store_str(&c->cached, m->keywords), kw.data) == 0) {
		buf_release(&kw);
		return 0;
	}
	c->repl = xgrow(c->repl, &c->caprepl, c->nrepl + 1, sizeof(*c->repl));
	c->repl_kw = xrealloc(c->repl_kw, c->caprepl * sizeof(*c->repl_kw));
	c->repl_kw[c->nrepl] = buf_detach(&kw, NULL);
	c->repl[c->nrepl] = (struct store_flag_state){
		.uid = f->uid, .flags = flags,
		.keywords = c->repl_kw[c->nrepl][0] ? c->repl_kw[c->nrepl]
						     : NULL,
	};
	c->nrepl++;
	return 0;
}

/* One UID FETCH 1:max (UID FLAGS) [modifier] through on_flags. */
static int
fetch_flags(struct sync_ctx *c, const char *modifier, struct perr *e)
{
	char tag[IMAP_TAG_SIZE], range[32];
	struct imap_cmd cmd;
	struct imap_resp fin;

	imap_session_tag(c->s, tag);
	imap_cmd_init(&cmd, tag, "UID FETCH", 0);
	snprintf(range, sizeof(range), "1:%u", (unsigned)c->maxuid);
	imap_cmd_raw(&cmd, range);
	imap_cmd_raw(&cmd, "(UID FLAGS)");
	if (modifier)
		imap_cmd_raw(&cmd, modifier);
	imap_cmd_finish(&cmd);
	imap_resp_init(&fin);
	int rc = imap_session_run(c->s, &cmd, tag, on_flags, c, &fin, e);
	imap_resp_release(&fin);
	imap_cmd_release(&cmd);
	return rc;
}

/* Write the flag changes and expunges found into the store. */
static int
apply_changes(struct sync_ctx *c, struct perr *e)
{
	if (c->nrepl &&
	    store_flags_replace(c->p->store, c->fid, c->repl, c->nrepl, e) < 0)
		return -1;
	c->st->changed += c->nrepl;
	if (c->ngone &&
	    store_expunge(c->p->store, c->fid, c->gone, c->ngone, e) < 0)
		return -1;
	c->st->removed += c->ngone;
	return 0;
}

/* The FETCH and VANISHED (EARLIER) responses a SELECT with QRESYNC
 * carries (RFC 7162 3.2.5.2), noted for apply_changes. Flags are taken
 * as the server gives them, with no comparison with the cache: QRESYNC
 * names only messages whose flags changed since the stored modseq, so
 * the cache need not be loaded at all. Only UIDs up to the highest
 * cached one are ours to change; VANISHED ranges are met with the
 * cached UIDs (loaded on the first one), never expanded, whatever span
 * a server sends. */
static int
on_select_changes(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct sync_ctx *c = arg;

	if (r->kind == IMAP_RESP_VANISHED) {
		if (!c->qs_loaded) {
			if (store_uid_list(c->p->store, c->qs_fid, &c->qs_uids,
					   &c->qs_n, e) < 0)
				return -1;
			c->qs_loaded = true;
		}
		for (size_t k = 0; k < r->set.n; k++) {
			uint32_t lo = r->set.r[k].lo, hi = r->set.r[k].hi;
			if (lo == IMAP_SEQ_STAR)
				lo = UINT32_MAX;
			if (hi == IMAP_SEQ_STAR)
				hi = UINT32_MAX;
			size_t a = 0, b = c->qs_n;
			while (a < b) {
				size_t mid = a + (b - a) / 2;
				if (c->qs_uids[mid] < lo)
					a = mid + 1;
				else
					b = mid;
			}
			for (; a < c->qs_n && c->qs_uids[a] <= hi; a++)
				note_gone(c, c->qs_uids[a]);
		}
		return 0;
	}
	if (r->kind != IMAP_RESP_FETCH)
		return 0;
	const struct imap_fetch *f = &r->fetch;
	if (!(f->have & IMAP_F_UID) || !(f->have & IMAP_F_FLAGS) ||
	    f->uid == 0 || f->uid > c->maxuid)
		return 0;
	struct buf kw;
	buf_init(&kw);
	uint32_t flags = sync_flags_from_list(&f->flags, &kw);
	c->repl = xgrow(c->repl, &c->caprepl, c->nrepl + 1, sizeof(*c->repl));
	c->repl_kw = xrealloc(c->repl_kw, c->caprepl * sizeof(*c->repl_kw));
	c->repl_kw[c->nrepl] = buf_detach(&kw, NULL);
	c->repl[c->nrepl] = (struct store_flag_state){
		.uid = f->uid, .flags = flags,
		.keywords = c->repl_kw[c->nrepl][0] ? c->repl_kw[c->nrepl]
						     : NULL,
	};
	c->nrepl++;
	return 0;
}

/* Load the folder's summaries as they were before this sync: the new
 * mail stored by fetch_new lies above maxuid and is left out, for a
 * sweep of 1:maxuid must not take it for expunged. */
static int
load_cached(struct sync_ctx *c, struct perr *e)
{
	if (store_load(c->p->store, c->fid, &c->cached, e) < 0)
		return -1;
	size_t n = c->cached.n;
	while (n && c->cached.v[n - 1].uid > c->maxuid)
		n--;
	c->cached.n = n;
	return 0;
}

/* Flag changes and expunges among the messages cached before this sync
 * (UIDs 1..maxuid):
 *
 *   QRESYNC    nothing when HIGHESTMODSEQ did not move, else
 *              CHANGEDSINCE with VANISHED, which names both;
 *   CONDSTORE  a message count that differs from the server's means
 *              expunges: a sweep; else CHANGEDSINCE when HIGHESTMODSEQ
 *              moved (flags only), else nothing;
 *   neither    a sweep: every UID and its flags, compared with the
 *              cache; a cached UID missing from it was expunged.
 */
static int
sync_changes(struct sync_ctx *c, uint64_t cached_modseq, struct perr *e)
{
	const struct imap_mailbox_state *mb = &c->s->mbox;
	bool modseq = cached_modseq && mb->highestmodseq && !mb->nomodseq;
	bool moved = mb->highestmodseq != cached_modseq;
	char mod[80];
	int rc = 0;

	if (c->maxuid == 0 || c->ncached == 0)
		return 0;
	bool sweep = false, vanished = false;
	if (c->qresync && modseq) {
		if (!moved)
			return 0;
		vanished = true;
	} else if (c->condstore && modseq &&
		   c->ncached + c->fnew == mb->exists) {
		if (!moved)
			return 0;
	} else {
		sweep = true;
	}
	/* The cache is loaded only now that the server has something to
	 * compare with it: a sync with nothing new on a folder of 100,000
	 * messages costs no load at all. */
	if (load_cached(c, e) < 0)
		return -1;
	c->seen = xcalloc(c->cached.n / 32 + 1, sizeof(*c->seen));
	if (!sweep) {
		snprintf(mod, sizeof(mod), "(CHANGEDSINCE %llu%s)",
			 (unsigned long long)cached_modseq,
			 vanished ? " VANISHED" : "");
		rc = fetch_flags(c, mod, e);
	} else {
		rc = fetch_flags(c, NULL, e);
	}
	if (rc < 0)
		return -1;
	if (sweep)
		for (size_t i = 0; i < c->cached.n; i++)
			if (!(c->seen[i / 32] & (1u << (i % 32))))
				note_gone(c, c->cached.v[i].uid);
	return apply_changes(c, e);
}

/* Forget the flag changes and expunges noted so far. */
static void
ctx_changes_clear(struct sync_ctx *c)
{
	for (size_t i = 0; i < c->nrepl; i++)
		free(c->repl_kw[i]);
	free(c->repl_kw);
	free(c->repl);
	c->repl_kw = NULL;
	c->repl = NULL;
	c->nrepl = c->caprepl = 0;
	free(c->gone);
	c->gone = NULL;
	c->ngone = c->capgone = 0;
}

static void
ctx_folder_release(struct sync_ctx *c)
{
	free(c->have);
	c->have = NULL;
	c->nhave = 0;
	free(c->qs_uids);
	c->qs_uids = NULL;
	c->qs_n = 0;
	c->qs_loaded = false;
	store_summaries_release(&c->cached);
	free(c->seen);
	c->seen = NULL;
	ctx_changes_clear(c);
}

static int
sync_folder(struct sync_ctx *c, const struct folder_ref *f, struct perr *e)
{
	struct store *st = c->p->store;
	struct store_folder old = { 0 };
	bool reset = false;
	int rc = -1;

	c->f = f;
	c->done = c->total = 0;
	c->fnew = 0;
	progress(c);
	int found = store_folder_find(st, f->raw, f->raw_len, &old, e);
	if (found < 0)
		return -1;
	uint64_t cached_modseq = found ? old.highestmodseq : 0;
	uint32_t cached_uidnext = found ? old.uidnext : 0;
	uint32_t cached_validity = found ? (uint32_t)old.uidvalidity : 0;
	uint32_t cached_max = 0;
	if (found && store_max_uid(st, old.id, &cached_max, e) < 0) {
		store_folder_release(&old);
		return -1;
	}
	/* With QRESYNC and a cache from a complete sync, SELECT itself
	 * brings what changed since (RFC 7162 3.2.5): no second command,
	 * and nothing at all when nothing changed. */
	bool qsel = c->qresync && found && cached_validity && cached_modseq &&
		    cached_uidnext && cached_max;
	int sr;
	if (qsel) {
		struct imap_seqset known = IMAP_SEQSET_INIT;
		imap_seqset_add(&known, 1, cached_max);
		struct imap_qresync q = {
			.uidvalidity = cached_validity,
			.modseq = cached_modseq, .known = &known,
		};
		c->qs_fid = old.id;
		c->maxuid = cached_max;
		sr = imap_session_select_qresync(c->s, f->raw, true, true, &q,
						 on_select_changes, c, e);
		imap_seqset_release(&known);
	} else {
		sr = imap_session_select(c->s, f->raw, true, true, e);
	}
	store_folder_release(&old);
	if (sr < 0)
		goto out;
	const struct imap_mailbox_state *mb = &c->s->mbox;

	/* UIDNEXT is stored only once the new mail is in, so that a sync
	 * cut short fetches it next time; the first upsert passes it only
	 * when it is at or below a cached UID, for the store to drop the
	 * cache (hostile-15), as it does for a new UIDVALIDITY. */
	struct store_folder_info info = {
		.name = f->name, .raw = f->raw, .raw_len = f->raw_len,
		.delim = f->delim, .role = f->role,
		.uidvalidity = mb->uidvalidity,
		.uidnext = mb->uidnext && mb->uidnext <= cached_max
				   ? mb->uidnext : 0,
	};
	if (store_folder_upsert(st, &info, &c->fid, &reset, e) < 0)
		goto out;
	if (reset) {
		log_info("folder '%s': UIDVALIDITY or UIDNEXT says the cache "
			 "is stale; fetching it again", f->name);
		cached_modseq = 0;
		cached_uidnext = 0;
	}
	struct store_folder now = { 0 };
	if (store_max_uid(st, c->fid, &c->maxuid, e) < 0 ||
	    store_folder_get(st, c->fid, &now, e) < 0)
		goto out;
	c->ncached = now.total;
	store_folder_release(&now);
	/* With UIDNEXT where the last complete sync left it, nothing
	 * arrived, even when the highest cached message was expunged. */
	bool quiet = cached_uidnext && cached_uidnext == mb->uidnext;
	/* A folder whose first sync never ended (its UIDNEXT is stored only
	 * at the end) may hold its newest messages and not the older ones:
	 * fetch it all again, skipping what is cached. A dropped cache
	 * keeps the old UIDNEXT, so neither this nor newest-first is done
	 * then; that sync fetches in UID order. */
	bool resume = !reset && found && !cached_uidnext && c->maxuid &&
		      mb->uidnext;
	bool newest_first = !reset && !c->maxuid && mb->uidnext;
	if (resume) {
		log_info("folder '%s': its first sync was cut short; "
			 "fetching what is missing", f->name);
		if (store_uid_list(st, c->fid, &c->have, &c->nhave, e) < 0)
			goto out;
	}
	if (!quiet && fetch_new(c, newest_first, e) < 0)
		goto out;
	if (qsel && !reset && mb->uidvalidity == cached_validity &&
	    !mb->nomodseq && mb->highestmodseq) {
		if (apply_changes(c, e) < 0)
			goto out;
	} else {
		/* what a QRESYNC SELECT noted is for a cache now gone */
		ctx_changes_clear(c);
		if (sync_changes(c, cached_modseq, e) < 0)
			goto out;
	}
	/* Everything is in: now UIDNEXT and the modseq may say so. */
	info.uidnext = mb->uidnext;
	info.highestmodseq = mb->nomodseq ? 0 : mb->highestmodseq;
	if (store_folder_upsert(st, &info, NULL, NULL, e) < 0 ||
	    store_index_update(st, 0, NULL, e) < 0)
		goto out;
	c->st->folders++;
	rc = 0;
out:
	ctx_folder_release(c);
	return rc;
}

/* ---------------------------------------------------------------------
 * Folder list
 */
struct folder_list {
	struct folder_ref *v;
	size_t n, cap;
};

static enum store_role
role_of(const struct imap_list *l)
{
	static const struct {
		unsigned bit;
		enum store_role role;
	} map[] = {
		{ IMAP_MBX(DRAFTS), STORE_ROLE_DRAFTS },
		{ IMAP_MBX(SENT), STORE_ROLE_SENT },
		{ IMAP_MBX(TRASH), STORE_ROLE_TRASH },
		{ IMAP_MBX(JUNK), STORE_ROLE_JUNK },
		{ IMAP_MBX(ARCHIVE), STORE_ROLE_ARCHIVE },
		{ IMAP_MBX(ALL), STORE_ROLE_ALL },
		{ IMAP_MBX(FLAGGED), STORE_ROLE_FLAGGED },
	};
	if (l->mbox.raw.len == 5 &&
	    ascii_strcasecmp(l->mbox.raw.data, "INBOX") == 0)
		return STORE_ROLE_INBOX;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (l->attrs & map[i].bit)
			return map[i].role;
	return STORE_ROLE_NONE;
}

/* A display name for a name that is not valid modified UTF-7: the bytes
 * that are printable ASCII as they are, the others as \xNN. */
static char *
opaque_display(const char *p, size_t len)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf_addch(&b, ch);
		else
			buf_addf(&b, "\\x%02x", ch);
	}
	return buf_detach(&b, NULL);
}

static int
on_list(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct folder_list *fl = arg;
	const struct imap_list *l = &r->list;

	if (r->kind != IMAP_RESP_LIST || l->lsub || !l->mbox.raw.data)
		return 0;
	if (l->attrs & (IMAP_MBX(NOSELECT) | IMAP_MBX(NONEXISTENT)))
		return 0;
	if (fl->n >= 100000)
		return perr_set(e, PERR_PROTO, "IMAP server lists more than "
				"100000 folders");
	fl->v = xgrow(fl->v, &fl->cap, fl->n + 1, sizeof(*fl->v));
	struct folder_ref *f = &fl->v[fl->n++];
	f->raw = xmemdup(l->mbox.raw.data, l->mbox.raw.len + 1);
	f->raw_len = l->mbox.raw.len;
	f->name = l->mbox.name ? xstrdup(l->mbox.name)
			       : opaque_display(l->mbox.raw.data,
						l->mbox.raw.len);
	f->delim = xstrdup(l->delim ? l->delim : "");
	f->role = role_of(l);
	if (f->role == STORE_ROLE_INBOX) {
		free(f->name);
		f->name = xstrdup("INBOX");
	}
	return 0;
}

static void
folder_list_release(struct folder_list *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->v[i].raw);
		free(fl->v[i].name);
		free(fl->v[i].delim);
	}
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}

/* Folders in the store that the server no longer lists. */
static int
drop_vanished_folders(struct sync_ctx *c, const struct folder_list *fl,
		      struct perr *e)
{
	struct store_folder *v = NULL;
	size_t n = 0;

	if (store_folder_list(c->p->store, &v, &n, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool listed = false;
		for (size_t j = 0; j < fl->n && !listed; j++)
			listed = fl->v[j].raw_len == v[i].raw_len &&
				 memcmp(fl->v[j].raw, v[i].raw,
					v[i].raw_len) == 0;
		if (!listed) {
			log_info("folder '%s' is gone from the server",
				 v[i].name);
			rc = store_folder_delete(c->p->store, v[i].id, e);
		}
	}
	store_folder_list_free(v, n);
	return rc;
}

static bool
is_connection_error(const struct perr *e)
{
	return e->kind == PERR_CONN || e->kind == PERR_PROTO ||
	       e->kind == PERR_AUTH || e->kind == PERR_CANCELLED ||
	       e->kind == PERR_NOMEM;
}

int
acct_sync_imap_session(struct imap_session *s,
		       const struct acct_sync_params *p,
		       struct acct_sync_stats *out, struct perr *e)
{
	struct sync_ctx c = { .s = s, .p = p, .st = out };
	struct folder_list fl = { 0 };
	char **assumed = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	c.assumed = sync_assumed(p->account, &assumed);
	/* RFC 7162: QRESYNC must be enabled before SELECT; CONDSTORE is
	 * enabled too so that SELECT reports HIGHESTMODSEQ. */
	c.condstore = (s->caps & IMAP_CAP(CONDSTORE)) != 0;
	if ((s->caps & (IMAP_CAP(QRESYNC) | IMAP_CAP(CONDSTORE))) &&
	    (s->caps & IMAP_CAP(ENABLE))) {
		struct perr ee = PERR_INIT;
		bool q = (s->caps & IMAP_CAP(QRESYNC)) != 0;
		if (imap_session_simple(s, q ? "ENABLE QRESYNC"
					     : "ENABLE CONDSTORE",
					NULL, NULL, &ee) == 0) {
			c.qresync = q;
		} else if (s->state == IMAP_SS_DISCONNECTED) {
			*e = ee;
			goto out;
		}
	}
	const char *list = (s->caps & IMAP_CAP(SPECIAL_USE)) &&
				   (s->caps & IMAP_CAP(LIST_EXTENDED))
			   ? "LIST \"\" \"*\" RETURN (SPECIAL-USE)"
			   : "LIST \"\" \"*\"";
	if (imap_session_simple(s, list, on_list, &fl, e) < 0) {
		perr_prefix(e, "cannot list folders");
		goto out;
	}
	size_t matched = 0;
	for (size_t i = 0; i < fl.n; i++) {
		const struct folder_ref *f = &fl.v[i];
		if (p->folder && strcmp(p->folder, f->name) != 0 &&
		    strcmp(p->folder, f->raw) != 0)
			continue;
		matched++;
		struct perr fe = PERR_INIT;
		if (sync_folder(&c, f, &fe) == 0)
			continue;
		if (is_connection_error(&fe) ||
		    s->state == IMAP_SS_DISCONNECTED) {
			/* A SELECT cut short leaves the session in state
			 * AUTH though the stream is out of step: mark it
			 * broken so that nothing more is sent on it. */
			if (fe.kind == PERR_CONN || fe.kind == PERR_PROTO ||
			    fe.kind == PERR_CANCELLED)
				s->state = IMAP_SS_DISCONNECTED;
			*e = fe;
			perr_prefix(e, "folder '%s'", f->name);
			goto out;
		}
		log_warn("sync of folder '%s' failed: %s", f->name, fe.msg);
		if (!out->folders_failed++) {
			out->folder_err = fe;
			if (!strstr(fe.msg, f->name))
				perr_prefix(&out->folder_err, "folder '%s'",
					    f->name);
		}
	}
	if (p->folder && matched == 0) {
		perr_set(e, PERR_FOLDER, "no folder '%s' on the server",
			 p->folder);
		goto out;
	}
	if (!p->folder && drop_vanished_folders(&c, &fl, e) < 0)
		goto out;
	if (out->folders_failed) {
		*e = out->folder_err;
		goto out;
	}
	rc = 0;
out:
	folder_list_release(&fl);
	free(assumed);
	return rc;
}

int
acct_imap_params(const struct cfg_account *a, const char *password,
		 int timeout_ms, int cancel_fd, struct acct_server_buf *sb,
		 struct imap_session_params *ip, struct perr *e)
{
	if (a->receive.proto != CFG_PROTO_IMAP)
		return perr_set(e, PERR_CONFIG, "account '%s' does not receive "
				"over IMAP", a->name);
	if (a->receive.tls == CFG_TLS_NONE)
		return perr_set(e, PERR_CONFIG, "account '%s': postie does not "
				"read mail over plaintext IMAP; use imap:// "
				"(STARTTLS) or imaps://", a->name);
	sb->fp[0] = '\0';
	if (a->has_fingerprint)
		for (int i = 0; i < 32; i++)
			snprintf(sb->fp + 2 * i, 3, "%02x",
				 a->tls_fingerprint[i]);
	snprintf(sb->port, sizeof(sb->port), "%u", (unsigned)a->receive.port);
	*ip = (struct imap_session_params){
		.host = a->receive.host,
		.port = sb->port,
		.tls = a->receive.tls == CFG_TLS_IMPLICIT ? IMAP_TLS_IMPLICIT
							  : IMAP_TLS_STARTTLS,
		.ca_file = a->ca_file,
		.fingerprint = a->has_fingerprint ? sb->fp : NULL,
		.user = a->receive.user ? a->receive.user : a->user,
		.password = password,
		.connect_timeout_ms = timeout_ms,
		.io_timeout_ms = timeout_ms,
		.cancel_fd = cancel_fd,
		.send_id = a->imap_id,
	};
	return 0;
}

int
acct_sync_imap(const struct acct_sync_params *p, struct acct_sync_stats *out,
	       struct perr *e)
{
	struct imap_session s;
	struct imap_session_params ip;
	struct acct_server_buf sb;

	memset(out, 0, sizeof(*out));
	if (acct_imap_params(p->account, p->password, p->timeout_ms,
			     p->cancel_fd, &sb, &ip, e) < 0)
		return -1;
	ip.alert = p->alert;
	ip.alert_arg = p->progress_arg;
	if (imap_session_open(&s, &ip, e) < 0) {
		imap_session_close(&s);
		return -1;
	}
	int rc = acct_sync_imap_session(&s, p, out, e);
	imap_session_close(&s);
	return rc;
}
