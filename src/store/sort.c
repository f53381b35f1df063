/* SPDX-License-Identifier: ISC */
/*
 * Sorting a loaded folder: date, arrival, sender, subject, size, thread.
 * Pure functions over struct store_summaries; the UI calls them again on
 * every change of sort order without asking the database.
 *
 * Each sort builds its keys once (the base subject of every message, the
 * name to sort a sender by) and then merge-sorts an array of indexes, so
 * the costly work is O(n) and only cheap comparisons run O(n log n)
 * times. Ties fall back to the UID, which makes every order total and
 * repeatable across runs.
 */
#include <stdlib.h>
#include <string.h>

#include "order.h"

/* ---------------------------------------------------------------------
 * Subjects
 */

/* Reply and forward markers in the languages postie's users write in. The
 * ASCII ones match in any case. */
static const char *const subject_prefix[] = {
	"re", "fwd", "fw", "aw", "sv", "wg",
	"回复", "答复", "转发", "回覆", "轉寄", "轉發", "返信",
};

/* Length of the colon at p: ':' or the full-width U+FF1A; 0 if none. */
static size_t
colon_len(const char *p)
{
	if (*p == ':')
		return 1;
	if (strncmp(p, "\xef\xbc\x9a", 3) == 0)
		return 3;
	return 0;
}

/* White space at p, including U+3000 and U+00A0; its length or 0. */
static size_t
space_len(const char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		return 1;
	if (strncmp(p, "\xe3\x80\x80", 3) == 0)
		return 3;
	if (strncmp(p, "\xc2\xa0", 2) == 0)
		return 2;
	return 0;
}

/* If p starts with a prefix and its colon ("Re:", "RE[3]:", "Re(2):",
 * "回复："), the length of all that; else 0. */
static size_t
prefix_len(const char *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(subject_prefix); i++) {
		const char *w = subject_prefix[i];
		size_t wl = strlen(w);
		if (ascii_strncasecmp(p, w, wl) != 0)
			continue;
		const char *q = p + wl;
		if (*q == '[' || *q == '(') {
			char close = *q == '[' ? ']' : ')';
			const char *d = q + 1;
			while (*d >= '0' && *d <= '9')
				d++;
			if (d == q + 1 || *d != close)
				continue;
			q = d + 1;
		}
		while (*q == ' ')
			q++;
		size_t c = colon_len(q);
		if (c)
			return (size_t)(q + c - p);
	}
	return 0;
}

const char *
store_subject_base(const char *s, bool *reply)
{
	bool r = false;
	size_t k;

	if (!s)
		s = "";
	for (;;) {
		while ((k = space_len(s)) > 0)
			s += k;
		k = prefix_len(s);
		if (k == 0)
			break;
		s += k;
		r = true;
	}
	if (reply)
		*reply = r;
	return s;
}

int
store_fold_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (;; x++, y++) {
		int cx = ascii_lower(*x), cy = ascii_lower(*y);
		if (cx != cy)
			return cx < cy ? -1 : 1;
		if (!cx)
			return 0;
	}
}

/* ---------------------------------------------------------------------
 * Merge sort
 */
void
store_msort(uint32_t *v, size_t n,
	    int (*cmp)(uint32_t a, uint32_t b, const void *ctx),
	    const void *ctx)
{
	if (n < 2)
		return;
	/* Insertion-sort short runs first: cheaper than merging pairs. */
	const size_t run = 16;
	for (size_t lo = 0; lo < n; lo += run) {
		size_t hi = lo + run < n ? lo + run : n;
		for (size_t i = lo + 1; i < hi; i++) {
			uint32_t x = v[i];
			size_t j = i;
			while (j > lo && cmp(v[j - 1], x, ctx) > 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
	}
	if (n <= run)
		return;
	uint32_t *tmp = xmalloc(n * sizeof(*tmp));
	uint32_t *src = v, *dst = tmp;
	for (size_t w = run; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			/* Already in order: copy the run through. */
			if (mid < hi && cmp(src[mid - 1], src[mid], ctx) <= 0) {
				memcpy(dst + lo, src + lo,
				       (hi - lo) * sizeof(*src));
				continue;
			}
			while (i < mid && j < hi)
				dst[k++] = cmp(src[j], src[i], ctx) < 0
						   ? src[j++]
						   : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

/* ---------------------------------------------------------------------
 * Sorting
 */
struct sort_ctx {
	const struct store_summary *v;
	const char **key; /* per message, for the string sorts */
};

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int
by_uid(uint32_t a, uint32_t b, const void *c)
{
	const struct sort_ctx *x = c;
	int r = cmp_u64(x->v[a].uid, x->v[b].uid);
	return r ? r : cmp_u64(a, b);
}

static int
by_date(uint32_t a, uint32_t b, const void *c)
{
	const struct sort_ctx *x = c;
	int r = cmp_i64(store_sort_date(&x->v[a]), store_sort_date(&x->v[b]));
	return r ? r : by_uid(a, b, c);
}

static int
by_size(uint32_t a, uint32_t b, const void *c)
{
	const struct sort_ctx *x = c;
	int r = cmp_u64(x->v[a].size, x->v[b].size);
	return r ? r : by_uid(a, b, c);
}

static int
by_key(uint32_t a, uint32_t b, const void *c)
{
	const struct sort_ctx *x = c;
	int r = store_fold_cmp(x->key[a], x->key[b]);
	return r ? r : by_date(a, b, c);
}

int
store_sort(const struct store_summaries *s, enum store_sort_key key,
	   bool reverse, uint32_t *order, struct perr *e)
{
	struct sort_ctx ctx = { s->v, NULL };
	int (*cmp)(uint32_t, uint32_t, const void *) = by_uid;

	if (s->n > UINT32_MAX)
		return perr_set(e, PERR_LOCAL, "cannot sort %zu messages",
				s->n);
	if (key == STORE_SORT_THREAD) {
		struct store_thread th = { 0 };
		if (store_thread(s, reverse, &th, e) < 0)
			return -1;
		if (s->n)
			memcpy(order, th.order, s->n * sizeof(*order));
		store_thread_release(&th);
		return 0;
	}
	for (size_t i = 0; i < s->n; i++)
		order[i] = (uint32_t)i;
	switch (key) {
	case STORE_SORT_DATE:
		cmp = by_date;
		break;
	case STORE_SORT_ARRIVAL:
		cmp = by_uid;
		break;
	case STORE_SORT_SIZE:
		cmp = by_size;
		break;
	case STORE_SORT_FROM:
	case STORE_SORT_SUBJECT:
		ctx.key = xmalloc((s->n ? s->n : 1) * sizeof(*ctx.key));
		for (size_t i = 0; i < s->n; i++) {
			const struct store_summary *m = &s->v[i];
			if (key == STORE_SORT_SUBJECT)
				ctx.key[i] = store_subject_base(
					store_str(s, m->subject), NULL);
			else if (*store_str(s, m->from_name))
				ctx.key[i] = store_str(s, m->from_name);
			else
				ctx.key[i] = store_str(s, m->from_addr);
		}
		cmp = by_key;
		break;
	case STORE_SORT_THREAD:
		break;
	default:
		return perr_set(e, PERR_LOCAL, "unknown sort order %d",
				(int)key);
	}
	store_msort(order, s->n, cmp, &ctx);
	free(ctx.key);
	if (reverse)
		for (size_t i = 0, j = s->n; i + 1 < j; i++, j--) {
			uint32_t t = order[i];
			order[i] = order[j - 1];
			order[j - 1] = t;
		}
	return 0;
}
