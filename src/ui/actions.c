/* SPDX-License-Identifier: ISC */
/*
 * The actions of the message index: delete and undelete (d, u), move and
 * copy to a folder (s, C) with folder names completed by Tab, tags (t,
 * T, and ; to apply the next action to every tagged message), the limit
 * (l), folded threads (z, Z), and the expunge of messages marked deleted
 * ($, or leaving the folder).
 *
 * Every action shows its result at once and leaves the truth to the
 * store: a moved message is hidden (the "gone" set) until the worker
 * answers; a flag is changed in the loaded summaries; then the worker's
 * FOLDER_CHANGED reloads the folder from the store. When the worker
 * fails, the reload brings the message back and the error is shown: the
 * screen never pretends a server did what it did not.
 *
 * One request per action, with every UID of the messages it acts on. A
 * move or copy to a folder the server does not have is answered with
 * the question whether to create it, and tried once more.
 *
 * Work is linear or n log n in the messages acted on, so that ";d" over
 * 100,000 tagged messages takes milliseconds (tests/unit/ui/actions.c
 * times it): a UID is found by binary search in the summaries, which the
 * store keeps in UID order; sets take many UIDs in one sorted merge or
 * one pass of removal, never one memmove each; and what only hides or
 * shows messages (d, s, z, Z, the limit) filters the last sort's order
 * again instead of sorting the folder again.
 *
 * The limit and the search share query.c. A body: term is answered by
 * the store's full-text index for cached bodies and, on an IMAP account
 * with bodies not cached, by the server's UID SEARCH through the worker;
 * its hits merge in when they come, so the screen never waits for them.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/store.h"
#include "postie/ui.h"

#include "private.h"
#include "query.h"
#include "screen.h"

/* A set of UIDs: sorted, no duplicates. */
struct uidset {
	uint32_t *v;
	size_t n, cap;
};

/* A request this file posted, kept until its terminal event. */
struct pend {
	uint64_t id;
	enum acct_req_kind kind;
	size_t acc;
	char *folder;          /* raw name of the source */
	uint32_t *uids;
	size_t n;
	char *dest;            /* MOVE, COPY: as posted */
	char *dest_shown;      /* for messages */
	bool created;          /* already posted with create */
	struct pend *next;
};

struct scr_act {
	struct uidset tags;
	struct uidset gone;    /* moved or expunged, waiting for the store */
	struct uidset folded;  /* thread roots shown folded */
	struct uidset marked;  /* marked deleted by d here: leaving the
				  folder expunges these (and only these) */
	uint32_t *kids;        /* per summary: messages folded under it */
	size_t nkids;
	uint32_t *full;        /* s->order as the last sort left it, before
				  the filter: d, s, z and Z filter it again */
	size_t nfull, capfull;
	bool prefix;           /* ';' pressed: the next action is for tags */

	uint32_t uidvalidity;  /* of the open folder when the sets were made */

	bool limited;
	struct ui_query limit;
	char *limit_text;
	struct uidset body;    /* UIDs whose body matched the limit */
	uint64_t search_id;    /* the server's part of a body: limit */

	struct pend *pending;
	struct pend *ask;      /* waiting for "create the folder?" */
	char *label;           /* the prompt's text when it is made here */
	char *comp_typed;      /* what was typed before the Tabs */
	char *comp_last;       /* the last completion put in the input */
	size_t comp_i;         /* the next name the Tabs give */
};

/* ---------------------------------------------------------------------
 * UID sets
 */
static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static bool
set_has(const struct uidset *s, uint32_t uid)
{
	return s->n && bsearch(&uid, s->v, s->n, sizeof(*s->v), cmp_u32);
}

static void
set_add(struct uidset *s, uint32_t uid)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->v[lo] == uid)
		return;
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof(*s->v));
	s->v[lo] = uid;
	s->n++;
}

static void
set_del(struct uidset *s, uint32_t uid)
{
	uint32_t *p = s->n ? bsearch(&uid, s->v, s->n, sizeof(*s->v),
				     cmp_u32)
			   : NULL;
	if (!p)
		return;
	size_t i = (size_t)(p - s->v);
	memmove(s->v + i, s->v + i + 1, (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

/* Add v[n] (ascending) in one merge: a server's answer may hold tens of
 * thousands of UIDs, which one insertion each would make quadratic. */
static void
set_merge(struct uidset *s, const uint32_t *v, size_t n)
{
	size_t cap = s->n + n ? s->n + n : 1;
	uint32_t *out = xmalloc(cap * sizeof(*out));
	size_t i = 0, j = 0, o = 0;

	while (i < s->n || j < n) {
		uint32_t x;
		if (j == n || (i < s->n && s->v[i] <= v[j]))
			x = s->v[i++];
		else
			x = v[j++];
		if (o == 0 || out[o - 1] != x)
			out[o++] = x;
	}
	free(s->v);
	s->v = out;
	s->n = o;
	s->cap = cap;
}

/* Add v[n] in any order: sorted in a copy, then one merge. */
static void
set_add_many(struct uidset *s, const uint32_t *v, size_t n)
{
	if (!n)
		return;
	uint32_t *c = xmalloc(n * sizeof(*c));
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_u32);
	set_merge(s, c, n);
	free(c);
}

/* Remove v[n] (any order) in one pass over the set. */
static void
set_del_many(struct uidset *s, const uint32_t *v, size_t n)
{
	if (!n || !s->n)
		return;
	uint32_t *c = xmalloc(n * sizeof(*c));
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_u32);
	size_t j = 0, o = 0;
	for (size_t i = 0; i < s->n; i++) {
		while (j < n && c[j] < s->v[i])
			j++;
		if (j < n && c[j] == s->v[i])
			continue;
		s->v[o++] = s->v[i];
	}
	s->n = o;
	free(c);
}

static void
set_clear(struct uidset *s)
{
	s->n = 0;
}

static void
set_free(struct uidset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The summary of uid, or NULL. The store hands the summaries over in
 * UID order (struct store_summaries), so this is a binary search. */
static struct store_summary *
by_uid(const struct screen *s, uint32_t uid)
{
	size_t lo = 0, hi = s->sum.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->sum.v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->sum.n && s->sum.v[lo].uid == uid ? &s->sum.v[lo]
							: NULL;
}

/* ---------------------------------------------------------------------
 * Life
 */
static void
pend_free(struct pend *p)
{
	if (!p)
		return;
	free(p->folder);
	free(p->uids);
	free(p->dest);
	free(p->dest_shown);
	free(p);
}

void
scr_act_init(struct screen *s)
{
	s->act = xcalloc(1, sizeof(*s->act));
}

static void
limit_clear(struct scr_act *t)
{
	ui_query_release(&t->limit);
	free(t->limit_text);
	t->limit_text = NULL;
	t->limited = false;
	set_clear(&t->body);
	t->search_id = 0;
}

void
scr_act_free(struct screen *s)
{
	struct scr_act *t = s->act;

	if (!t)
		return;
	set_free(&t->tags);
	set_free(&t->gone);
	set_free(&t->folded);
	set_free(&t->marked);
	set_free(&t->body);
	free(t->kids);
	free(t->full);
	limit_clear(t);
	while (t->pending) {
		struct pend *n = t->pending->next;
		pend_free(t->pending);
		t->pending = n;
	}
	pend_free(t->ask);
	free(t->label);
	free(t->comp_typed);
	free(t->comp_last);
	free(t);
	s->act = NULL;
}

/* A server search still running for a limit that is being replaced or
 * dropped: its answer would be ignored, so spare the server the work. */
static void
cancel_search(struct screen *s)
{
	struct scr_act *t = s->act;
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;

	if (t->search_id && a->w && acct_cancel(a->w, t->search_id, &e) < 0)
		log_info("search %llu: %s", (unsigned long long)t->search_id,
			 e.msg);
	t->search_id = 0;
}

/* ---------------------------------------------------------------------
 * What the index shows
 */
static bool
limit_match(const struct screen *s, const struct store_summary *m)
{
	const struct scr_act *t = s->act;

	if (!t->limited)
		return true;
	if (!ui_query_match(&t->limit, &s->sum, m))
		return false;
	return !t->limit.body || set_has(&t->body, m->uid);
}

/* The store's answer to the limit's body: words, into body. */
static int
body_hits(struct screen *s, struct uidset *body)
{
	const struct ui_query *q = &s->act->limit;
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;
	uint32_t *v;
	size_t n;

	set_clear(body);
	if (!s->act->limited || !q->body || !a->st)
		return 0;
	if (store_search_body(a->st, s->cur_fid, q->body, &v, &n, &e) < 0) {
		scr_say(s, true, "%s", e.msg);
		return -1;
	}
	set_merge(body, v, n);
	free(v);
	return 0;
}

static void filter_order(struct screen *s);

void
scr_act_filter(struct screen *s)
{
	struct scr_act *t = s->act;

	/* keep the sort's order: hiding and showing filter it again */
	t->full = xgrow(t->full, &t->capfull, s->shown ? s->shown : 1,
			sizeof(*t->full));
	memcpy(t->full, s->order, s->shown * sizeof(*t->full));
	t->nfull = s->shown;
	filter_order(s);
}

/* The sets changed, not the messages nor their order: filter the last
 * sort's order again (linear), without sorting or threading again. */
static void
refilter(struct screen *s)
{
	struct scr_act *t = s->act;

	if (t->nfull != s->sum.n || !s->order) {
		scr_resort(s);
		return;
	}
	memcpy(s->order, t->full, t->nfull * sizeof(*s->order));
	s->shown = t->nfull;
	filter_order(s);
}

static void
filter_order(struct screen *s)
{
	struct scr_act *t = s->act;
	size_t n = s->shown, o = 0;
	const struct store_folder *f = scr_cur_folder(s);

	/* renumbered (a Maildir changed, a server remade the folder): the
	 * UIDs in the sets name other messages now */
	if (f && f->uidvalidity != t->uidvalidity) {
		if (t->uidvalidity) {
			set_clear(&t->tags);
			set_clear(&t->gone);
			set_clear(&t->folded);
			set_clear(&t->marked);
			body_hits(s, &t->body);
		}
		t->uidvalidity = f->uidvalidity;
	}

	if (t->nkids < s->sum.n) {
		free(t->kids);
		t->kids = xcalloc(s->sum.n ? s->sum.n : 1, sizeof(*t->kids));
		t->nkids = s->sum.n;
	} else if (t->kids) {
		/* (an empty folder first has none: memset of NULL is
		 * undefined even for 0 bytes) */
		memset(t->kids, 0, t->nkids * sizeof(*t->kids));
	}
	bool fold = s->threaded && !t->limited && t->folded.n;
	for (size_t i = 0; i < n; i++) {
		uint32_t idx = s->order[i];
		const struct store_summary *m = &s->sum.v[idx];
		if (set_has(&t->gone, m->uid) || !limit_match(s, m))
			continue;
		s->order[o++] = idx;
		if (fold && s->th.node[idx].depth == 0 &&
		    set_has(&t->folded, m->uid)) {
			size_t j = i + 1;
			uint32_t cnt = 0;
			while (j < n && s->th.node[s->order[j]].depth > 0) {
				if (!set_has(&t->gone,
					     s->sum.v[s->order[j]].uid))
					cnt++;
				j++;
			}
			t->kids[idx] = cnt;
			i = j - 1;
		}
	}
	s->shown = o;
}

bool
scr_act_tagged(const struct screen *s, uint32_t uid)
{
	return set_has(&s->act->tags, uid);
}

uint32_t
scr_act_folded(const struct screen *s, uint32_t idx)
{
	return idx < s->act->nkids ? s->act->kids[idx] : 0;
}

bool
scr_act_limited(const struct screen *s)
{
	return s->act->limited;
}

void
scr_act_status(const struct screen *s, struct buf *b)
{
	const struct scr_act *t = s->act;

	if (t->limited) {
		buf_addstr(b, " | limit: ");
		ui_sanitize(b, t->limit_text, strlen(t->limit_text),
			    UI_TAB_SPACE);
		buf_addf(b, " (%zu of %zu%s)", s->shown, s->sum.n,
			 t->search_id ? ", asking the server" : "");
	}
	if (t->tags.n)
		buf_addf(b, " | %zu tagged", t->tags.n);
	if (t->prefix)
		buf_addstr(b, " | ;");
}

/* ---------------------------------------------------------------------
 * Requests
 */
static struct acct *
cur_acct(struct screen *s)
{
	return &s->acc[s->cur_acc];
}

/* Post kind over uids in the open folder; the request is remembered
 * until it is answered. Returns it or NULL (the error said). */
static struct pend *
post_op(struct screen *s, enum acct_req_kind kind, const uint32_t *uids,
	size_t n, uint32_t set, uint32_t clear, const char *dest,
	const char *dest_shown, bool create)
{
	struct acct *a = cur_acct(s);
	struct perr e = PERR_INIT;
	struct acct_op *op = acct_op_new();
	struct pend *p = xcalloc(1, sizeof(*p));

	if (!a->w || !s->cur_raw) {
		scr_say(s, true, "%s: the account is not running",
			a->ua->cfg->name);
		acct_op_free(op);
		free(p);
		return NULL;
	}
	op->uids = xmalloc((n ? n : 1) * sizeof(*op->uids));
	memcpy(op->uids, uids, n * sizeof(*uids));
	op->n = n;
	op->set = set;
	op->clear = clear;
	op->create = create;
	if (dest)
		op->dest = xstrdup(dest);
	p->kind = kind;
	p->acc = s->cur_acc;
	p->folder = xstrdup(s->cur_raw);
	p->uids = xmalloc((n ? n : 1) * sizeof(*uids));
	memcpy(p->uids, uids, n * sizeof(*uids));
	p->n = n;
	p->dest = dest ? xstrdup(dest) : NULL;
	p->dest_shown = dest_shown ? xstrdup(dest_shown) : NULL;
	p->created = create;
	if (acct_post(a->w, kind, s->cur_raw, op, acct_op_free, &p->id,
		      &e) < 0) {
		scr_say(s, true, "cannot %s: %s", acct_req_name(kind), e.msg);
		pend_free(p);
		return NULL;
	}
	p->next = s->act->pending;
	s->act->pending = p;
	return p;
}

/* Change flags of uids: at once in the loaded summaries, then by the
 * worker. */
static void
post_flags(struct screen *s, const uint32_t *uids, size_t n, uint32_t set,
	   uint32_t clear)
{
	if (!post_op(s, ACCT_REQ_SET_FLAGS, uids, n, set, clear, NULL, NULL,
		     false))
		return;
	for (size_t k = 0; k < n; k++) {
		struct store_summary *m = by_uid(s, uids[k]);
		if (m)
			m->flags = (m->flags | set) & ~clear;
	}
}

/* Hide uids until the store has the worker's answer. */
static void
hide(struct screen *s, const uint32_t *uids, size_t n)
{
	const struct store_summary *m = scr_at(s, s->cursor);
	uint32_t keep = m ? m->uid : 0;
	size_t pos = s->cursor;

	set_add_many(&s->act->gone, uids, n);
	set_del_many(&s->act->tags, uids, n);
	/* the cursor stays on the row after the last one hidden */
	refilter(s);
	if (keep && !set_has(&s->act->gone, keep)) {
		for (size_t i = 0; i < s->shown; i++)
			if (s->sum.v[s->order[i]].uid == keep)
				pos = i;
	}
	s->cursor = pos < s->shown ? pos : s->shown ? s->shown - 1 : 0;
}

/* ---------------------------------------------------------------------
 * Which messages an action is for
 */

/* The tagged messages (after ';') or the one under the cursor. *out is
 * a new array; returns how many (0: none, said). */
static size_t
targets(struct screen *s, uint32_t **out)
{
	struct scr_act *t = s->act;
	size_t n = 0;

	*out = NULL;
	if (t->prefix) {
		t->prefix = false;
		*out = xmalloc((t->tags.n ? t->tags.n : 1) * sizeof(**out));
		for (size_t i = 0; i < s->sum.n; i++)
			if (set_has(&t->tags, s->sum.v[i].uid) &&
			    !set_has(&t->gone, s->sum.v[i].uid))
				(*out)[n++] = s->sum.v[i].uid;
		if (!n) {
			free(*out);
			*out = NULL;
			scr_say(s, false, "no tagged messages (t tags one, T "
				      "by a pattern)");
			return 0;
		}
		qsort(*out, n, sizeof(**out), cmp_u32);
		return n;
	}
	const struct store_summary *m = scr_at(s, s->cursor);
	if (!m) {
		scr_say(s, false, "no message here");
		return 0;
	}
	*out = xmalloc(sizeof(**out));
	(*out)[0] = m->uid;
	return 1;
}

/* ---------------------------------------------------------------------
 * Delete, undelete, expunge
 */

/* The account's Trash: the trash key, else the folder with the \Trash
 * role, else one named Trash. */
static const struct store_folder *
trash_of(const struct acct *a)
{
	const char *want = a->ua->cfg->trash;

	for (size_t i = 0; want && i < a->nf; i++)
		if (strcmp(a->fv[i].name, want) == 0 ||
		    (a->fv[i].raw_len == strlen(want) &&
		     memcmp(a->fv[i].raw, want, a->fv[i].raw_len) == 0))
			return &a->fv[i];
	for (size_t i = 0; i < a->nf; i++)
		if (a->fv[i].role == STORE_ROLE_TRASH)
			return &a->fv[i];
	for (size_t i = 0; i < a->nf; i++)
		if (ascii_strcasecmp(a->fv[i].name, "Trash") == 0)
			return &a->fv[i];
	return NULL;
}

static void
do_delete(struct screen *s)
{
	uint32_t *uids;
	size_t n = targets(s, &uids);
	struct acct *a = cur_acct(s);
	const struct store_folder *tr = trash_of(a);

	if (!n)
		return;
	if (!s->p->cfg->ui.delete_mark && tr && tr->id != s->cur_fid) {
		char *raw = xstrndup(tr->raw, tr->raw_len);
		if (post_op(s, ACCT_REQ_MOVE, uids, n, 0, 0, raw, tr->name,
			    false)) {
			hide(s, uids, n);
			scr_say(s, false, "%zu message%s to %s", n,
				n == 1 ? "" : "s", tr->name);
		}
		free(raw);
	} else {
		post_flags(s, uids, n, STORE_F_DELETED, 0);
		set_add_many(&s->act->marked, uids, n);
		if (n == 1 && !s->act->tags.n)
			scr_move_cursor(s, 1);
		scr_say(s, false, "%zu message%s marked deleted ($ or leaving "
			"the folder expunges%s)", n, n == 1 ? "" : "s",
			!s->p->cfg->ui.delete_mark && !tr ? "; no Trash folder"
							  : "");
	}
	free(uids);
}

static void
do_undelete(struct screen *s)
{
	uint32_t *uids;
	size_t n = targets(s, &uids);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct store_summary *m = by_uid(s, uids[i]);
		if (m && (m->flags & STORE_F_DELETED))
			uids[k++] = uids[i];
	}
	if (n && !k)
		scr_say(s, false, "not marked deleted");
	if (k) {
		post_flags(s, uids, k, 0, STORE_F_DELETED);
		set_del_many(&s->act->marked, uids, k);
		scr_say(s, false, "%zu message%s undeleted", k,
			k == 1 ? "" : "s");
	}
	free(uids);
}

/* Expunge the messages of the open folder marked \Deleted (only_mine:
 * those d marked here; a message another program marked is not thrown
 * away without the user's $). */
static void
expunge(struct screen *s, bool only_mine)
{
	uint32_t *uids = xmalloc((s->sum.n ? s->sum.n : 1) * sizeof(*uids));
	size_t n = 0;

	for (size_t i = 0; i < s->sum.n; i++)
		if ((s->sum.v[i].flags & STORE_F_DELETED) &&
		    !set_has(&s->act->gone, s->sum.v[i].uid) &&
		    (!only_mine || set_has(&s->act->marked, s->sum.v[i].uid)))
			uids[n++] = s->sum.v[i].uid;
	if (n && post_op(s, ACCT_REQ_DELETE, uids, n, 0, 0, NULL, NULL,
			 false)) {
		hide(s, uids, n);
		scr_say(s, false, "expunging %zu message%s", n,
			n == 1 ? "" : "s");
	}
	set_clear(&s->act->marked);
	free(uids);
}

void
scr_act_expunge(struct screen *s)
{
	expunge(s, false);
}

void
scr_act_leave(struct screen *s)
{
	struct scr_act *t = s->act;

	if (s->cur_fid)
		expunge(s, true);
	cancel_search(s);
	set_clear(&t->tags);
	set_clear(&t->gone);
	set_clear(&t->folded);
	limit_clear(t);
	t->prefix = false;
	t->uidvalidity = 0;
}

/* ---------------------------------------------------------------------
 * Move and copy
 */

/* The folder of the open account named name (decoded name, exactly, then
 * with ASCII case folded; or its raw name). */
static const struct store_folder *
folder_named(const struct acct *a, const char *name)
{
	for (size_t i = 0; i < a->nf; i++)
		if (strcmp(a->fv[i].name, name) == 0)
			return &a->fv[i];
	for (size_t i = 0; i < a->nf; i++)
		if (ascii_strcasecmp(a->fv[i].name, name) == 0 ||
		    (a->fv[i].raw_len == strlen(name) &&
		     memcmp(a->fv[i].raw, name, a->fv[i].raw_len) == 0))
			return &a->fv[i];
	return NULL;
}

static void
set_label(struct screen *s, char *label)
{
	free(s->act->label);
	s->act->label = label;
}

static void
ask_create(struct screen *s, struct pend *p)
{
	pend_free(s->act->ask);
	s->act->ask = p;
	struct buf name = BUF_INIT;
	/* the name may be the server's: made safe before it is drawn */
	ui_sanitize(&name, p->dest_shown, strlen(p->dest_shown),
		    UI_TAB_SPACE);
	set_label(s, xstrfmt("Folder '%s' does not exist; create it? (y/n) ",
			     name.data ? name.data : ""));
	buf_release(&name);
	scr_prompt_start(s, PROMPT_CREATE);
}

static void
move_copy(struct screen *s, bool move, const char *name)
{
	struct acct *a = cur_acct(s);
	uint32_t *uids;
	size_t n;

	if (!*name) {
		s->act->prefix = false;
		return;
	}
	if (!utf8_valid(name, strlen(name))) {
		scr_say(s, true, "the folder name is not valid UTF-8");
		return;
	}
	const struct store_folder *f = folder_named(a, name);
	if (f && f->id == s->cur_fid) {
		s->act->prefix = false;
		scr_say(s, true, "the messages are in '%s' already", f->name);
		return;
	}
	if (!(n = targets(s, &uids)))
		return;
	if (!f) {
		/* ask first; the answer posts it */
		struct pend *p = xcalloc(1, sizeof(*p));
		p->kind = move ? ACCT_REQ_MOVE : ACCT_REQ_COPY;
		p->acc = s->cur_acc;
		p->folder = xstrdup(s->cur_raw ? s->cur_raw : "");
		p->uids = uids;
		p->n = n;
		p->dest = xstrdup(name);
		p->dest_shown = xstrdup(name);
		ask_create(s, p);
		return;
	}
	char *raw = xstrndup(f->raw, f->raw_len);
	if (post_op(s, move ? ACCT_REQ_MOVE : ACCT_REQ_COPY, uids, n, 0, 0,
		    raw, f->name, false)) {
		if (move)
			hide(s, uids, n);
		scr_say(s, false, "%s %zu message%s to %s",
			move ? "moving" : "copying", n, n == 1 ? "" : "s",
			f->name);
	}
	free(raw);
	free(uids);
}

/* The answer to "create the folder?": post the move or copy with create
 * set, or drop it. */
static void
create_answer(struct screen *s, bool yes)
{
	struct pend *p = s->act->ask;

	s->act->ask = NULL;
	if (!p)
		return;
	if (!yes || p->acc != s->cur_acc || !s->cur_raw ||
	    strcmp(p->folder, s->cur_raw) != 0) {
		scr_say(s, false, "not %s", p->kind == ACCT_REQ_MOVE ? "moved"
								    : "copied");
		pend_free(p);
		return;
	}
	if (post_op(s, p->kind, p->uids, p->n, 0, 0, p->dest, p->dest_shown,
		    true)) {
		if (p->kind == ACCT_REQ_MOVE)
			hide(s, p->uids, p->n);
		scr_say(s, false, "creating %s and %s %zu message%s",
			p->dest_shown,
			p->kind == ACCT_REQ_MOVE ? "moving" : "copying", p->n,
			p->n == 1 ? "" : "s");
	}
	pend_free(p);
}

/* Tab in the folder prompts: the longest common start of the folder
 * names that start with what is typed (ASCII case folded), then each of
 * them in turn on the next Tabs. */
void
scr_act_complete(struct screen *s)
{
	struct scr_act *t = s->act;
	struct acct *a = cur_acct(s);
	bool again = t->comp_last && strcmp(t->comp_last, s->input.data) == 0;

	if (!again) {
		free(t->comp_typed);
		t->comp_typed = xstrdup(s->input.data);
		t->comp_i = 0;
	}
	const char **m = xcalloc(a->nf + 1, sizeof(*m));
	size_t nm = 0, pl = strlen(t->comp_typed);
	for (size_t i = 0; i < a->nf; i++)
		if (ascii_strncasecmp(a->fv[i].name, t->comp_typed, pl) == 0)
			m[nm++] = a->fv[i].name;
	if (nm == 0) {
		scr_say(s, false, "no folder starts with '%s'", t->comp_typed);
		free(m);
		return;
	}
	struct buf put = BUF_INIT;
	if (nm == 1) {
		buf_addstr(&put, m[0]);
	} else if (!again) {
		size_t l = strlen(m[0]);
		for (size_t i = 1; i < nm; i++) {
			size_t k = 0;
			while (k < l && m[i][k] == m[0][k])
				k++;
			l = k;
		}
		l = utf8_cut(m[0], strlen(m[0]), l);
		if (l > pl) {
			buf_add(&put, m[0], l);
		} else {
			buf_addstr(&put, m[0]);
			t->comp_i = 1;
		}
	} else {
		buf_addstr(&put, m[t->comp_i % nm]);
		t->comp_i++;
	}
	buf_reset(&s->input);
	buf_add(&s->input, put.data, put.len);
	free(t->comp_last);
	t->comp_last = buf_detach(&put, NULL);
	free(m);
}

/* ---------------------------------------------------------------------
 * Tags, limit, folded threads
 */
static void
toggle_tag(struct screen *s)
{
	const struct store_summary *m = scr_at(s, s->cursor);

	if (!m)
		return;
	if (set_has(&s->act->tags, m->uid))
		set_del(&s->act->tags, m->uid);
	else
		set_add(&s->act->tags, m->uid);
	scr_move_cursor(s, 1);
}

/* Parse text into q; the body: words answered by the store now. */
static int
parse_query(struct screen *s, const char *text, struct ui_query *q,
	    struct uidset *body)
{
	struct perr e = PERR_INIT;
	struct tm tm;
	time_t now = time(NULL);
	int tz = localtime_r(&now, &tm) ? (int)(tm.tm_gmtoff / 60) : 0;

	if (ui_query_parse(text, (int64_t)now, tz, q, &e) < 0) {
		scr_say(s, true, "%s", e.msg);
		return -1;
	}
	set_clear(body);
	struct acct *a = cur_acct(s);
	if (q->body && a->st) {
		uint32_t *v;
		size_t n;
		if (store_search_body(a->st, s->cur_fid, q->body, &v, &n,
				      &e) < 0) {
			scr_say(s, true, "%s", e.msg);
			ui_query_release(q);
			return -1;
		}
		set_merge(body, v, n);
		free(v);
	}
	return 0;
}

static void
tag_pattern(struct screen *s, const char *text)
{
	struct ui_query q;
	struct uidset body = { 0 };
	size_t n = 0;

	if (!*text) {
		n = s->act->tags.n;
		set_clear(&s->act->tags);
		scr_say(s, false, "%zu message%s untagged", n,
			n == 1 ? "" : "s");
		return;
	}
	if (parse_query(s, text, &q, &body) < 0)
		return;
	uint32_t *hit = xmalloc((s->shown ? s->shown : 1) * sizeof(*hit));
	for (size_t i = 0; i < s->shown; i++) {
		const struct store_summary *m = scr_at(s, i);
		if (ui_query_match(&q, &s->sum, m) &&
		    (!q.body || set_has(&body, m->uid)) &&
		    !set_has(&s->act->tags, m->uid))
			hit[n++] = m->uid;
	}
	set_add_many(&s->act->tags, hit, n);
	free(hit);
	scr_say(s, false, "%zu message%s tagged", n, n == 1 ? "" : "s");
	ui_query_release(&q);
	set_free(&body);
}

/* Any message of the folder whose body is not cached? */
static bool
bodies_missing(const struct screen *s)
{
	for (size_t i = 0; i < s->sum.n; i++)
		if (!(s->sum.v[i].flags & STORE_F_CACHED))
			return true;
	return false;
}

static void
set_limit(struct screen *s, const char *text)
{
	struct scr_act *t = s->act;
	struct ui_query q;
	struct uidset body = { 0 };
	struct acct *a = cur_acct(s);

	if (!*text || strcmp(text, "all") == 0) {
		cancel_search(s);
		limit_clear(t);
		refilter(s);
		scr_say(s, false, "limit cleared: all %zu messages", s->shown);
		return;
	}
	if (parse_query(s, text, &q, &body) < 0)
		return;
	cancel_search(s);
	limit_clear(t);
	t->limit = q;
	t->limit_text = xstrdup(text);
	t->limited = true;
	set_free(&t->body);
	t->body = body;
	if (q.body && a->ua->cfg->receive.proto == CFG_PROTO_IMAP && a->w &&
	    s->cur_raw && bodies_missing(s)) {
		struct acct_op *op = acct_op_new();
		struct perr e = PERR_INIT;
		op->name = xstrdup(q.body);
		if (acct_post(a->w, ACCT_REQ_SEARCH, s->cur_raw, op,
			      acct_op_free, &t->search_id, &e) < 0) {
			t->search_id = 0;
			scr_say(s, true, "cannot ask the server: %s", e.msg);
		}
	}
	refilter(s);
	s->cursor = s->shown ? s->shown - 1 : 0;
	s->top = 0;
	if (!s->shown && !t->search_id)
		scr_say(s, false, "no message matches '%s'", text);
}

/* The index of the summary at the root of the thread under the cursor. */
static bool
cursor_root(const struct screen *s, uint32_t *root)
{
	if (s->cursor >= s->shown)
		return false;
	*root = s->th.node[s->order[s->cursor]].root;
	return true;
}

static void
cursor_to(struct screen *s, uint32_t idx)
{
	for (size_t i = 0; i < s->shown; i++)
		if (s->order[i] == idx) {
			s->cursor = i;
			return;
		}
}

static void
fold(struct screen *s, bool all)
{
	struct scr_act *t = s->act;
	uint32_t root;

	if (!s->threaded) {
		scr_say(s, false, "threads fold when sorted by thread (:sort "
			      "thread)");
		return;
	}
	if (t->limited) {
		scr_say(s, false, "threads do not fold while a limit is on "
			      "(l all clears it)");
		return;
	}
	bool have = cursor_root(s, &root);
	if (all) {
		if (t->folded.n) {
			set_clear(&t->folded);
		} else {
			uint32_t *roots = xmalloc((s->sum.n ? s->sum.n : 1) *
						  sizeof(*roots));
			size_t nr = 0;
			for (size_t i = 0; i < s->sum.n; i++)
				if (s->th.node[i].depth == 0 &&
				    (s->th.node[i].flags & STORE_TH_CHILDREN))
					roots[nr++] = s->sum.v[i].uid;
			set_add_many(&t->folded, roots, nr);
			free(roots);
		}
	} else if (have) {
		uint32_t uid = s->sum.v[root].uid;
		if (set_has(&t->folded, uid))
			set_del(&t->folded, uid);
		else if (s->th.node[root].flags & STORE_TH_CHILDREN)
			set_add(&t->folded, uid);
		else
			scr_say(s, false, "no replies to fold");
	}
	refilter(s);
	if (have)
		cursor_to(s, root);
}

/* ---------------------------------------------------------------------
 * Keys and prompts
 */
static void
flag_targets(struct screen *s, uint32_t bit)
{
	uint32_t *uids;
	size_t n = targets(s, &uids);
	bool all = true;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct store_summary *m = by_uid(s, uids[i]);
		if (m && !(m->flags & bit))
			all = false;
	}
	/* as for one message: set when any lacks it, else clear */
	if (all)
		post_flags(s, uids, n, 0, bit);
	else
		post_flags(s, uids, n, bit, 0);
	free(uids);
}

bool
scr_act_key(struct screen *s, wint_t ch)
{
	struct scr_act *t = s->act;

	if (t->prefix) {
		switch (ch) {
		case 'd': do_delete(s); return true;
		case 'u': do_undelete(s); return true;
		case 's': scr_prompt_start(s, PROMPT_SAVE); return true;
		case 'C': scr_prompt_start(s, PROMPT_COPY); return true;
		case 'F': flag_targets(s, STORE_F_FLAGGED); return true;
		case 'N': flag_targets(s, STORE_F_SEEN); return true;
		default:
			t->prefix = false;
			scr_say(s, false, "; works with d, u, s, C, F and N");
			return true;
		}
	}
	switch (ch) {
	case 'd': do_delete(s); return true;
	case 'u': do_undelete(s); return true;
	case 's': scr_prompt_start(s, PROMPT_SAVE); return true;
	case 'C': scr_prompt_start(s, PROMPT_COPY); return true;
	case 't': toggle_tag(s); return true;
	case 'T': scr_prompt_start(s, PROMPT_TAG); return true;
	case 'l': scr_prompt_start(s, PROMPT_LIMIT); return true;
	case 'z': fold(s, false); return true;
	case 'Z': fold(s, true); return true;
	case ';':
		if (!t->tags.n) {
			scr_say(s, false, "no tagged messages (t tags one, T "
				      "by a pattern)");
			return true;
		}
		t->prefix = true;
		scr_say(s, false, "; for %zu tagged: d, u, s, C, F or N",
			t->tags.n);
		return true;
	case '$':
		/* the expunge goes first; the sync (input.c) follows it */
		scr_act_expunge(s);
		return false;
	default:
		return false;
	}
}

void
scr_act_pager_key(struct screen *s, wint_t ch)
{
	uint32_t uid = s->pg_uid;
	bool found = false;

	for (size_t i = 0; i < s->shown; i++)
		if (s->sum.v[s->order[i]].uid == uid) {
			s->cursor = i;
			found = true;
		}
	if (!found) {
		scr_say(s, false, "the message is no longer in the index");
		return;
	}
	s->act->prefix = false;
	scr_act_key(s, ch);
	if (ch == 'd') {
		/* as in the index: on to the next message */
		const struct store_summary *m = scr_at(s, s->cursor);
		if (m && m->uid != uid)
			scr_open_message(s);
		else
			s->view = VIEW_INDEX;
	} else if (ch == 's' || ch == 'C') {
		s->view = VIEW_INDEX; /* the prompt, and then the index */
	}
}

void
scr_act_prompt_done(struct screen *s, enum prompt_kind k, const char *v)
{
	switch (k) {
	case PROMPT_SAVE: move_copy(s, true, v); break;
	case PROMPT_COPY: move_copy(s, false, v); break;
	case PROMPT_LIMIT: set_limit(s, v); break;
	case PROMPT_TAG: tag_pattern(s, v); break;
	case PROMPT_CREATE: create_answer(s, v[0] == 'y'); break;
	default: break;
	}
	if (k != PROMPT_CREATE)
		s->act->prefix = false;
}

const char *
scr_act_prompt_label(const struct screen *s)
{
	switch (s->prompt) {
	case PROMPT_SAVE:
		return s->act->prefix ? "Move tagged to folder: "
				      : "Move to folder: ";
	case PROMPT_COPY:
		return s->act->prefix ? "Copy tagged to folder: "
				      : "Copy to folder: ";
	case PROMPT_LIMIT: return "Limit to: ";
	case PROMPT_TAG: return "Tag messages matching: ";
	case PROMPT_CREATE:
		return s->act->label ? s->act->label : "Create it? (y/n) ";
	default: return "";
	}
}

/* ---------------------------------------------------------------------
 * Answers from the workers
 */
int
scr_act_event(struct screen *s, struct acct *a, const struct acct_event *ev)
{
	struct scr_act *t = s->act;
	size_t ai = (size_t)(a - s->acc);
	bool cur = ai == s->cur_acc;

	if (ev->req_id && ev->req_id == t->search_id) {
		if (ev->kind == ACCT_EV_DATA && ev->payload && cur) {
			const struct acct_uids *u = ev->payload;
			set_merge(&t->body, u->v, u->n);
			return SCR_ACT_RELOAD | SCR_ACT_HANDLED;
		}
		if (acct_ev_is_terminal(ev->kind)) {
			t->search_id = 0;
			if (ev->kind == ACCT_EV_FAILED) {
				scr_say(s, true, "%s: the server's search "
					"failed: %s (the limit shows what the "
					"cached bodies hold)", a->ua->cfg->name,
					ev->err.msg);
				return SCR_ACT_HANDLED;
			}
			return SCR_ACT_RELOAD | SCR_ACT_HANDLED;
		}
		return SCR_ACT_HANDLED;
	}
	struct pend **pp = &t->pending;
	while (*pp && (*pp)->id != ev->req_id)
		pp = &(*pp)->next;
	struct pend *p = *pp;
	if (!p || !ev->req_id)
		return 0;
	if (ev->kind == ACCT_EV_DATA && ev->payload &&
	    ev->payload_free == free) {
		/* an operation's note (no UIDPLUS, ...) */
		scr_say(s, false, "%s: %s", a->ua->cfg->name,
			(const char *)ev->payload);
		return SCR_ACT_HANDLED;
	}
	if (!acct_ev_is_terminal(ev->kind))
		return 0;
	*pp = p->next;
	if (cur)
		set_del_many(&t->gone, p->uids, p->n);
	int r = SCR_ACT_RELOAD;
	if (ev->kind == ACCT_EV_FAILED &&
	    (p->kind == ACCT_REQ_MOVE || p->kind == ACCT_REQ_COPY) &&
	    ev->err.kind == PERR_FOLDER && !p->created &&
	    strstr(ev->err.msg, "no such folder") && cur && s->cur_raw &&
	    strcmp(p->folder, s->cur_raw) == 0) {
		p->next = NULL;
		ask_create(s, p);
		return r | SCR_ACT_HANDLED;
	}
	if (ev->kind == ACCT_EV_DONE &&
	    (p->kind == ACCT_REQ_MOVE || p->kind == ACCT_REQ_COPY)) {
		scr_say(s, false, "%s %zu message%s to %s",
			p->kind == ACCT_REQ_MOVE ? "moved" : "copied", p->n,
			p->n == 1 ? "" : "s", p->dest_shown);
		/* the server has them in the target now; its summaries come
		 * with a sync of that folder (a Maildir account's worker
		 * did that already) */
		struct perr e = PERR_INIT;
		if (a->ua->cfg->receive.proto == CFG_PROTO_IMAP && a->w &&
		    acct_post(a->w, ACCT_REQ_SYNC, p->dest, NULL, NULL, NULL,
			      &e) < 0)
			log_warn("%s: cannot sync '%s': %s", a->ua->cfg->name,
				 p->dest_shown, e.msg);
	}
	else if (ev->kind == ACCT_EV_DONE && p->kind == ACCT_REQ_DELETE)
		scr_say(s, false, "expunged %zu message%s", p->n,
			p->n == 1 ? "" : "s");
	pend_free(p);
	return r;
}
