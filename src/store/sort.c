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
	/* Most subjects start with none: check the first byte before the
	 * table (r f a s w, or the lead byte of 回 答 转 轉 返). */
	switch ((unsigned char)*p) {
	case 'r': case 'R': case 'f': case 'F': case 'a': case 'A':
	case 's': case 'S': case 'w': case 'W': case 0xe5: case 0xe7:
	case 0xe8:
		break;
	default:
		return 0;
	}
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
 *
 * The flat sorts sort keys, not indexes: each entry carries its primary
 * key as numbers (for strings, the first 24 bytes folded, big-endian, so
 * that comparing numbers compares the prefixes), so most comparisons
 * touch only the array being sorted and never chase a pointer into the
 * arena, where a cache miss costs more than the comparison. Only equal
 * prefixes go on to compare the rest of the strings.
 */
struct skey {
	uint64_t k[3];    /* primary key; strings: first 24 bytes folded */
	const char *rest; /* strings longer than 24 bytes: from byte 24 */
	int64_t date;     /* second key (strings only; 0 otherwise) */
	uint32_t uid;     /* last key */
	uint32_t idx;
};

static inline int
skey_cmp(const struct skey *a, const struct skey *b)
{
	for (int i = 0; i < 3; i++)
		if (a->k[i] != b->k[i])
			return a->k[i] < b->k[i] ? -1 : 1;
	if (a->rest && b->rest) {
		int r = store_fold_cmp(a->rest, b->rest);
		if (r)
			return r;
	}
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The same merge sort as store_msort, on keys, with the comparison
 * inlined. */
static void
skey_sort(struct skey *v, size_t n)
{
	const size_t run = 16;

	for (size_t lo = 0; lo < n; lo += run) {
		size_t hi = lo + run < n ? lo + run : n;
		for (size_t i = lo + 1; i < hi; i++) {
			struct skey x = v[i];
			size_t j = i;
			while (j > lo && skey_cmp(&v[j - 1], &x) > 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
	}
	if (n <= run)
		return;
	struct skey *tmp = xmalloc(n * sizeof(*tmp));
	struct skey *src = v, *dst = tmp;
	for (size_t w = run; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			if (mid < hi &&
			    skey_cmp(&src[mid - 1], &src[mid]) <= 0) {
				memcpy(dst + lo, src + lo,
				       (hi - lo) * sizeof(*src));
				continue;
			}
			while (i < mid && j < hi)
				dst[k++] = skey_cmp(&src[j], &src[i]) < 0
						   ? src[j++]
						   : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct skey *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

/* The folded first 24 bytes of s as three numbers, zero-padded, and where
 * the rest starts (NULL when s ends within them; two strings with equal
 * numbers then both end there). */
static void
str_prefix(const char *s, uint64_t k[3], const char **rest)
{
	size_t i = 0;

	for (int w = 0; w < 3; w++) {
		uint64_t v = 0;
		for (int b = 0; b < 8; b++) {
			unsigned char c = (unsigned char)s[i];
			v = v << 8 | (uint64_t)ascii_lower(c);
			if (c)
				i++;
		}
		k[w] = v;
	}
	*rest = i == 24 ? s + 24 : NULL;
}

int
store_sort(const struct store_summaries *s, enum store_sort_key key,
	   bool reverse, uint32_t *order, struct perr *e)
{
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
	if (key != STORE_SORT_DATE && key != STORE_SORT_ARRIVAL &&
	    key != STORE_SORT_SIZE && key != STORE_SORT_FROM &&
	    key != STORE_SORT_SUBJECT)
		return perr_set(e, PERR_LOCAL, "unknown sort order %d",
				(int)key);

	struct skey *v = xmalloc((s->n ? s->n : 1) * sizeof(*v));
	for (size_t i = 0; i < s->n; i++) {
		const struct store_summary *m = &s->v[i];
		struct skey *x = &v[i];
		const char *str;

		x->k[1] = x->k[2] = 0;
		x->rest = NULL;
		x->date = 0;
		x->uid = m->uid;
		x->idx = (uint32_t)i;
		switch (key) {
		case STORE_SORT_DATE:
			/* Flip the sign bit so that unsigned order is signed
			 * order. */
			x->k[0] = (uint64_t)store_sort_date(m) ^ (1ull << 63);
			break;
		case STORE_SORT_ARRIVAL:
			x->k[0] = m->uid;
			break;
		case STORE_SORT_SIZE:
			x->k[0] = m->size;
			break;
		default:
			if (key == STORE_SORT_SUBJECT)
				str = store_subject_base(
					store_str(s, m->subject), NULL);
			else if (*store_str(s, m->from_name))
				str = store_str(s, m->from_name);
			else
				str = store_str(s, m->from_addr);
			str_prefix(str, x->k, &x->rest);
			x->date = store_sort_date(m);
			break;
		}
	}
	skey_sort(v, s->n);
	for (size_t i = 0; i < s->n; i++)
		order[reverse ? s->n - 1 - i : i] = v[i].idx;
	free(v);
	return 0;
}
