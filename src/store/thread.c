/* SPDX-License-Identifier: ISC */
/*
 * Threads: Jamie Zawinski's algorithm (the one Netscape 2 used, and
 * after it most mail programs) over a loaded folder, then the order and
 * tree marks the index draws. Pure: no database, no I/O.
 *
 * The algorithm, briefly. Every Message-ID seen (as a message's own id or
 * inside a References list) gets a container; a container may be empty,
 * standing for a message we do not have. Each References list links its
 * ids parent to child, unless that would make a loop or the child already
 * has a parent; then the message is made the child of the last id of its
 * own list, which overrides a parent guessed from someone else's list.
 * Empty containers are then pruned: one inside a tree gives its children
 * to its parent; one at the top with a single child gives way to it; one
 * at the top with several children stays as the missing root of those
 * siblings (we show the oldest of them as the root and the others under
 * it, marked STORE_TH_ORPHAN). Finally a reply that carries no reference
 * at all ("Re: lunch" from a client that sends no In-Reply-To) is joined
 * to the thread whose top message has the same base subject.
 *
 * Unlike JWZ's step 5 we never merge two threads only because their
 * subjects match when both have references or neither is a reply: two
 * unrelated mails called "hello" stay apart.
 *
 * Everything is iterative (a 100,000-deep chain must not exhaust the
 * stack), and containers live in one array addressed by index, with
 * message ids as slices into the load's arena found through one
 * open-addressing hash table.
 */
#include <stdlib.h>
#include <string.h>

#include "order.h"

/* References followed per message, from the end of its list. */
#define MAX_REFS 64

struct ctr {
	const char *key; /* message id (a slice into the arena) or NULL */
	uint32_t keylen;
	int32_t msg;     /* index in s->v, or -1 for an empty container */
	int32_t parent;  /* container index, -1 at the top */
	int32_t child;   /* first child */
	int32_t next;    /* next sibling */
};

struct jwz {
	const struct store_summaries *s;
	struct ctr *c;
	size_t n, cap;
	int32_t *slot; /* container index + 1; 0 is free */
	size_t mask;
	size_t used;
};

static uint64_t
hash_bytes(const char *p, size_t n, bool fold)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		h ^= (uint64_t)(fold ? ascii_lower(c) : c);
		h *= 1099511628211ull;
	}
	return h;
}

static int32_t
ctr_new(struct jwz *j, const char *key, size_t len)
{
	if (j->n >= INT32_MAX)
		return -1;
	j->c = xgrow(j->c, &j->cap, j->n + 1, sizeof(*j->c));
	struct ctr *c = &j->c[j->n];
	c->key = key;
	c->keylen = (uint32_t)len;
	c->msg = -1;
	c->parent = c->child = c->next = -1;
	return (int32_t)j->n++;
}

static void
table_grow(struct jwz *j)
{
	size_t size = (j->mask + 1) * 2;
	int32_t *slot = xcalloc(size, sizeof(*slot));

	for (size_t i = 0; i <= j->mask; i++) {
		int32_t k = j->slot[i];
		if (!k)
			continue;
		const struct ctr *c = &j->c[k - 1];
		size_t h = hash_bytes(c->key, c->keylen, false) & (size - 1);
		while (slot[h])
			h = (h + 1) & (size - 1);
		slot[h] = k;
	}
	free(j->slot);
	j->slot = slot;
	j->mask = size - 1;
}

/* The container of a message id, created empty when new; -1 when there
 * can be no more containers. */
static int32_t
ctr_get(struct jwz *j, const char *key, size_t len)
{
	size_t h = hash_bytes(key, len, false) & j->mask;

	for (;;) {
		int32_t k = j->slot[h];
		if (!k)
			break;
		const struct ctr *c = &j->c[k - 1];
		if (c->keylen == len && memcmp(c->key, key, len) == 0)
			return k - 1;
		h = (h + 1) & j->mask;
	}
	int32_t id = ctr_new(j, key, len);
	if (id < 0)
		return -1;
	j->slot[h] = id + 1;
	if (++j->used * 2 > j->mask + 1)
		table_grow(j);
	return id;
}

/* Would making p the parent of x close a loop (is x p or above p)? */
static bool
would_loop(const struct jwz *j, int32_t p, int32_t x)
{
	if (p == x)
		return true;
	/* A container with no children cannot be above anything. */
	if (j->c[x].child < 0)
		return false;
	for (int32_t y = j->c[p].parent; y >= 0; y = j->c[y].parent)
		if (y == x)
			return true;
	return false;
}

static void
ctr_link(struct jwz *j, int32_t p, int32_t x)
{
	j->c[x].parent = p;
	j->c[x].next = j->c[p].child;
	j->c[p].child = x;
}

static void
ctr_unlink(struct jwz *j, int32_t x)
{
	int32_t p = j->c[x].parent;
	int32_t *link = &j->c[p].child;

	while (*link >= 0 && *link != x)
		link = &j->c[*link].next;
	if (*link == x)
		*link = j->c[x].next;
	j->c[x].parent = -1;
	j->c[x].next = -1;
}

/* The next message id in a References-like string: the bytes between
 * separators (white space, commas, angle brackets). */
static inline bool
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' ||
	       c == '<' || c == '>';
}

static bool
next_id(const char **pp, const char **id, size_t *len)
{
	const char *p = *pp;

	while (*p && is_sep(*p))
		p++;
	if (!*p)
		return false;
	*id = p;
	while (*p && !is_sep(*p))
		p++;
	*len = (size_t)(p - *id);
	*pp = p;
	return true;
}

/* Steps 1 of JWZ: containers and links from every message. */
static int
build(struct jwz *j)
{
	const struct store_summaries *s = j->s;

	for (size_t i = 0; i < s->n; i++) {
		const struct store_summary *m = &s->v[i];
		const char *p = store_str(s, m->message_id);
		const char *id;
		size_t len;
		int32_t c = -1;

		if (next_id(&p, &id, &len)) {
			c = ctr_get(j, id, len);
			if (c < 0)
				return -1;
			/* A second message with the same id is threaded as
			 * if it had none, rather than replacing the first. */
			if (j->c[c].msg >= 0)
				c = -1;
		}
		if (c < 0 && (c = ctr_new(j, NULL, 0)) < 0)
			return -1;
		j->c[c].msg = (int32_t)i;

		p = store_str(s, m->references);
		if (!*p)
			p = store_str(s, m->in_reply_to);
		/* Only the nearest ancestors: older ones are linked by the
		 * messages in between, and a hostile list of thousands of ids
		 * would otherwise cost a container each. */
		size_t count = 0;
		for (const char *q = p; next_id(&q, &id, &len);)
			count++;
		for (; count > MAX_REFS; count--)
			next_id(&p, &id, &len);
		int32_t prev = -1;
		while (next_id(&p, &id, &len)) {
			int32_t r = ctr_get(j, id, len);
			if (r < 0)
				return -1;
			if (r == c)
				break; /* a message in its own references */
			if (prev >= 0 && j->c[r].parent < 0 &&
			    !would_loop(j, prev, r))
				ctr_link(j, prev, r);
			prev = r;
		}
		/* The message's own list has the last word on its parent;
		 * with no list at all, a parent that other messages' lists
		 * gave it stands. */
		if (prev < 0 || j->c[c].parent == prev)
			continue;
		if (j->c[c].parent >= 0)
			ctr_unlink(j, c);
		if (!would_loop(j, prev, c))
			ctr_link(j, prev, c);
	}
	return 0;
}

/* Per message: the nearest message above it in the container forest
 * (empty containers are skipped, which is JWZ's pruning) and the top
 * container of its tree. */
static void
flatten(const struct jwz *j, int32_t *up, int32_t *top)
{
	int32_t *stack = xmalloc((j->n ? j->n : 1) * sizeof(*stack));
	int32_t *anc = xmalloc((j->n ? j->n : 1) * sizeof(*anc));
	size_t sp = 0;

	for (size_t r = 0; r < j->n; r++) {
		if (j->c[r].parent >= 0)
			continue;
		anc[r] = -1;
		stack[sp++] = (int32_t)r;
		while (sp) {
			int32_t c = stack[--sp];
			const struct ctr *x = &j->c[c];
			if (x->msg >= 0) {
				up[x->msg] = anc[c];
				top[x->msg] = (int32_t)r;
			}
			int32_t pass = x->msg >= 0 ? x->msg : anc[c];
			for (int32_t k = x->child; k >= 0; k = j->c[k].next) {
				anc[k] = pass;
				stack[sp++] = k;
			}
		}
	}
	free(anc);
	free(stack);
}

struct tctx {
	const struct store_summaries *s;
	const int32_t *up;
	const int64_t *newest;
};

static int
cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* Siblings: by parent (so each family is one range), then date. */
static int
by_parent_date(uint32_t a, uint32_t b, const void *ctx)
{
	const struct tctx *t = ctx;
	int r = cmp_i64(t->up[a], t->up[b]);
	if (!r)
		r = cmp_i64(store_sort_date(&t->s->v[a]),
			    store_sort_date(&t->s->v[b]));
	if (!r)
		r = cmp_i64(t->s->v[a].uid, t->s->v[b].uid);
	return r ? r : cmp_i64(a, b);
}

/* Threads: by their newest message, then their first. */
static int
by_newest(uint32_t a, uint32_t b, const void *ctx)
{
	const struct tctx *t = ctx;
	int r = cmp_i64(t->newest[a], t->newest[b]);
	return r ? r : by_parent_date(a, b, ctx);
}

/* Top messages under one empty top container become one thread: the
 * oldest stands as its root, the others hang under it as orphans. */
static void
join_orphans(const struct store_summaries *s, int32_t *up,
	     const int32_t *top, uint32_t *flags)
{
	size_t nc = 0;
	for (size_t i = 0; i < s->n; i++)
		if (top[i] >= 0 && (size_t)top[i] + 1 > nc)
			nc = (size_t)top[i] + 1;
	int32_t *first = xmalloc((nc ? nc : 1) * sizeof(*first));
	for (size_t i = 0; i < nc; i++)
		first[i] = -1;
	for (size_t i = 0; i < s->n; i++) {
		if (up[i] >= 0 || top[i] < 0)
			continue;
		int32_t *f = &first[top[i]];
		if (*f < 0 || store_sort_date(&s->v[i]) <
				      store_sort_date(&s->v[*f]))
			*f = (int32_t)i;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (up[i] >= 0 || top[i] < 0 || first[top[i]] == (int32_t)i)
			continue;
		up[i] = first[top[i]];
		flags[i] |= STORE_TH_ORPHAN;
	}
	free(first);
}

/* A reply with no references joins the thread of its base subject. */
static void
join_by_subject(const struct store_summaries *s, int32_t *up)
{
	size_t size = 16;
	while (size < s->n * 2)
		size *= 2;
	int32_t *slot = xcalloc(size, sizeof(*slot)); /* anchor + 1 */
	const char **base = xcalloc(s->n ? s->n : 1, sizeof(*base));
	bool *reply = xcalloc(s->n ? s->n : 1, sizeof(*reply));

	/* Anchors: per base subject, the oldest thread root that is not a
	 * reply, else the oldest root of all. Roots are taken in date
	 * order by two passes, non-replies first. */
	for (size_t i = 0; i < s->n; i++)
		if (up[i] < 0)
			base[i] = store_subject_base(
				store_str(s, s->v[i].subject), &reply[i]);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->n; i++) {
			if (up[i] >= 0 || !*base[i] || reply[i] != (pass == 1))
				continue;
			size_t h = hash_bytes(base[i], strlen(base[i]), true) &
				   (size - 1);
			for (;;) {
				int32_t k = slot[h];
				if (!k) {
					slot[h] = (int32_t)i + 1;
					break;
				}
				if (store_fold_cmp(base[k - 1], base[i]) == 0) {
					/* Keep the older non-reply; replies
					 * never replace a non-reply. */
					if (reply[k - 1] == reply[i] &&
					    store_sort_date(&s->v[i]) <
						    store_sort_date(
							    &s->v[k - 1]))
						slot[h] = (int32_t)i + 1;
					break;
				}
				h = (h + 1) & (size - 1);
			}
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct store_summary *m = &s->v[i];
		if (up[i] >= 0 || !reply[i] || !*base[i] ||
		    *store_str(s, m->references) ||
		    *store_str(s, m->in_reply_to))
			continue;
		size_t h = hash_bytes(base[i], strlen(base[i]), true) &
			   (size - 1);
		while (slot[h] &&
		       store_fold_cmp(base[slot[h] - 1], base[i]) != 0)
			h = (h + 1) & (size - 1);
		int32_t a = slot[h] - 1;
		if (a >= 0 && a != (int32_t)i && up[a] < 0)
			up[i] = a;
	}
	free(reply);
	free(base);
	free(slot);
}

int
store_thread(const struct store_summaries *s, bool reverse,
	     struct store_thread *out, struct perr *e)
{
	struct jwz j = { .s = s };
	size_t n = s->n;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (n > INT32_MAX / 4)
		return perr_set(e, PERR_LOCAL, "cannot thread %zu messages", n);
	size_t size = 64;
	while (size < n * 4)
		size *= 2;
	j.slot = xcalloc(size, sizeof(*j.slot));
	j.mask = size - 1;

	int32_t *up = xmalloc((n ? n : 1) * sizeof(*up));
	int32_t *top = xmalloc((n ? n : 1) * sizeof(*top));
	uint32_t *flags = xcalloc(n ? n : 1, sizeof(*flags));
	uint32_t *sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
	uint32_t *start = xcalloc(n + 2, sizeof(*start));
	uint32_t *stack = xmalloc((n ? n : 1) * sizeof(*stack));
	int64_t *newest = xmalloc((n ? n : 1) * sizeof(*newest));
	uint32_t *roots = xmalloc((n ? n : 1) * sizeof(*roots));
	uint32_t *first_of = xmalloc((n ? n : 1) * sizeof(*first_of));
	uint32_t *dfs = xmalloc((n ? n : 1) * sizeof(*dfs));
	struct store_thread_node *node = xcalloc(n ? n : 1, sizeof(*node));
	size_t nroots = 0, emitted = 0;

	if (build(&j) < 0) {
		perr_set(e, PERR_LOCAL, "cannot thread: too many message ids");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		top[i] = -1;
	flatten(&j, up, top);
	join_orphans(s, up, top, flags);
	join_by_subject(s, up);

	/* Families: every message sorted by (parent, date), so the replies
	 * to message p are one run sorted[start[p+1] .. start[p+2]) and
	 * the roots (parent -1) the run at start[0]. */
	struct tctx t = { s, up, newest };
	for (size_t i = 0; i < n; i++) {
		sorted[i] = (uint32_t)i;
		start[(size_t)(up[i] + 1) + 1]++;
	}
	for (size_t i = 1; i < n + 2; i++)
		start[i] += start[i - 1];
	store_msort(sorted, n, by_parent_date, &t);

	/* Walk each thread depth first into dfs[], from the roots in date
	 * order, recording where each thread starts and its newest date. */
	for (uint32_t r = start[0]; r < start[1]; r++) {
		uint32_t root = sorted[r];
		size_t sp = 0;
		int64_t best = store_sort_date(&s->v[root]);

		first_of[root] = (uint32_t)emitted;
		node[root].parent = -1;
		node[root].flags |= STORE_TH_LAST;
		stack[sp++] = root;
		while (sp) {
			uint32_t m = stack[--sp];
			struct store_thread_node *nd = &node[m];
			if (emitted >= n)
				break;
			dfs[emitted++] = m;
			nd->root = root;
			nd->flags |= flags[m];
			if (store_sort_date(&s->v[m]) > best)
				best = store_sort_date(&s->v[m]);
			uint32_t lo = start[m + 1], hi = start[m + 2];
			if (lo < hi)
				nd->flags |= STORE_TH_CHILDREN;
			/* Push the replies last first, so the first is
			 * emitted next. */
			for (uint32_t k = hi; k > lo; k--) {
				uint32_t c = sorted[k - 1];
				struct store_thread_node *cn = &node[c];
				cn->parent = (int32_t)m;
				cn->depth = nd->depth + 1;
				cn->lines = nd->lines;
				if (nd->depth >= 1 && nd->depth <= 64 &&
				    !(nd->flags & STORE_TH_LAST))
					cn->lines |= 1ull << (nd->depth - 1);
				if (k == hi)
					cn->flags |= STORE_TH_LAST;
				stack[sp++] = c;
			}
		}
		newest[root] = best;
		/* top[] is spent; it now holds each thread's size. */
		top[root] = (int32_t)(emitted - first_of[root]);
		roots[nroots++] = root;
	}
	if (emitted != n) {
		perr_set(e, PERR_LOCAL,
			 "cannot thread: %zu of %zu messages placed", emitted,
			 n);
		goto out;
	}
	store_msort(roots, nroots, by_newest, &t);

	out->order = xmalloc((n ? n : 1) * sizeof(*out->order));
	size_t k = 0;
	for (size_t r = 0; r < nroots; r++) {
		uint32_t root = roots[reverse ? nroots - 1 - r : r];
		memcpy(out->order + k, dfs + first_of[root],
		       (size_t)top[root] * sizeof(*dfs));
		k += (size_t)top[root];
	}
	out->node = node;
	node = NULL;
	out->n = n;
	out->threads = nroots;
	rc = 0;
out:
	free(node);
	free(dfs);
	free(first_of);
	free(roots);
	free(newest);
	free(stack);
	free(start);
	free(sorted);
	free(flags);
	free(top);
	free(up);
	free(j.slot);
	free(j.c);
	return rc;
}

void
store_thread_release(struct store_thread *t)
{
	if (!t)
		return;
	free(t->node);
	free(t->order);
	memset(t, 0, sizeof(*t));
}
