/* SPDX-License-Identifier: ISC */
/*
 * The folder list as a tree: per account a heading, then its folders
 * with the special ones first (Inbox, Drafts, Sent, Outbox, Trash, Junk)
 * and each folder under its parent ("Work/2026" under "Work", by the
 * folder's hierarchy delimiter), indented. A heading or a parent can be
 * folded; a folded parent shows the counts of everything under it.
 *
 * A folder whose parent is not a folder itself ("Lists.rust" in a
 * Maildir++ without "Lists") stays at the top with its whole name: a
 * parent row that cannot be opened would only be in the way.
 *
 * What is folded is kept by raw folder name, so it survives the reloads
 * of the folder list that every sync brings. The visible rows of each
 * account are listed again after each change, so drawing and moving
 * cost one step per account, not a walk over every folder.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "postie/config.h"
#include "postie/store.h"

#include "screen.h"

struct scr_ftree {
	size_t n;          /* folders this was built for */
	size_t *parent;    /* index in fv, or SIZE_MAX */
	unsigned *depth;
	bool *kids;
	size_t *vis;       /* visible folders, in display order */
	size_t nvis;
	char **folded;     /* raw names of folded parents */
	size_t nfolded, cfolded;
	bool acct_folded;
};

static int
rank_of(const struct store_folder *f)
{
	switch (f->role) {
	case STORE_ROLE_INBOX: return 0;
	case STORE_ROLE_DRAFTS: return 1;
	case STORE_ROLE_SENT: return 2;
	case STORE_ROLE_TRASH: return 4;
	case STORE_ROLE_JUNK: return 5;
	default: break;
	}
	if (ascii_strcasecmp(f->name, "INBOX") == 0)
		return 0;
	if (ascii_strcasecmp(f->name, "Outbox") == 0)
		return 3;
	return 6;
}

static char
delim_of(const struct store_folder *f)
{
	return f->delim && f->delim[0] ? f->delim[0] : '\0';
}

/* Length of the first component of f's name. */
static size_t
top_len(const struct store_folder *f)
{
	char d = delim_of(f);
	const char *p = d ? strchr(f->name, d) : NULL;

	return p ? (size_t)(p - f->name) : strlen(f->name);
}

/* The rank of a folder is the rank of its top-level folder when it has
 * one that is special, so "INBOX/lists" stays with INBOX. */
static const struct store_folder *sort_v;
static size_t sort_n;

static int
rank_top(const struct store_folder *f)
{
	size_t tl = top_len(f);

	if (tl == strlen(f->name))
		return rank_of(f);
	for (size_t i = 0; i < sort_n; i++)
		if (strlen(sort_v[i].name) == tl &&
		    memcmp(sort_v[i].name, f->name, tl) == 0)
			return rank_of(&sort_v[i]);
	return 6;
}

/* Compare names component by component, so that a parent comes right
 * before its children ("Work", "Work/2026", "Work-old"). */
static int
cmp_path(const struct store_folder *x, const struct store_folder *y)
{
	char dx = delim_of(x), dy = delim_of(y);
	const unsigned char *a = (const unsigned char *)x->name;
	const unsigned char *b = (const unsigned char *)y->name;

	for (;; a++, b++) {
		int ca = *a && dx && *a == (unsigned char)dx ? 1 : *a;
		int cb = *b && dy && *b == (unsigned char)dy ? 1 : *b;
		if (ca != cb || !ca)
			return ca - cb;
	}
}

static int
cmp_folder(const void *pa, const void *pb)
{
	const struct store_folder *x = pa, *y = pb;
	int rx = rank_top(x), ry = rank_top(y);

	if (rx != ry)
		return rx - ry;
	return cmp_path(x, y);
}

void
scr_ftree_sort(struct store_folder *v, size_t n)
{
	/* the comparator needs the whole list to find top-level folders;
	 * a copy keeps it stable while qsort moves entries */
	struct store_folder *copy = xcalloc(n ? n : 1, sizeof(*copy));
	memcpy(copy, v, n * sizeof(*v));
	sort_v = copy;
	sort_n = n;
	qsort(v, n, sizeof(*v), cmp_folder);
	sort_v = NULL;
	sort_n = 0;
	free(copy);
}

static bool
is_folded(const struct scr_ftree *t, const struct store_folder *f)
{
	for (size_t i = 0; i < t->nfolded; i++)
		if (strlen(t->folded[i]) == f->raw_len &&
		    memcmp(t->folded[i], f->raw, f->raw_len) == 0)
			return true;
	return false;
}

static void
list_visible(struct acct *a)
{
	struct scr_ftree *t = a->ft;

	t->nvis = 0;
	if (t->acct_folded)
		return;
	for (size_t i = 0; i < t->n; i++) {
		bool hidden = false;
		for (size_t p = t->parent[i]; p != SIZE_MAX; p = t->parent[p])
			if (is_folded(t, &a->fv[p])) {
				hidden = true;
				break;
			}
		if (!hidden)
			t->vis[t->nvis++] = i;
	}
}

void
scr_ftree_build(struct acct *a)
{
	if (!a->ft)
		a->ft = xcalloc(1, sizeof(*a->ft));
	struct scr_ftree *t = a->ft;
	size_t n = a->nf;

	free(t->parent);
	free(t->depth);
	free(t->kids);
	free(t->vis);
	t->n = n;
	t->parent = xcalloc(n ? n : 1, sizeof(*t->parent));
	t->depth = xcalloc(n ? n : 1, sizeof(*t->depth));
	t->kids = xcalloc(n ? n : 1, sizeof(*t->kids));
	t->vis = xcalloc(n ? n : 1, sizeof(*t->vis));
	/* the parent is the nearest folder whose name is a start of this
	 * one's ending at a delimiter; sorted, it comes before */
	for (size_t i = 0; i < n; i++) {
		const struct store_folder *f = &a->fv[i];
		char d = delim_of(f);
		t->parent[i] = SIZE_MAX;
		for (size_t k = i; d && k-- > 0;) {
			size_t l = strlen(a->fv[k].name);
			if (strncmp(f->name, a->fv[k].name, l) == 0 &&
			    f->name[l] == d) {
				t->parent[i] = k;
				t->depth[i] = t->depth[k] + 1;
				t->kids[k] = true;
				break;
			}
		}
	}
	list_visible(a);
}

void
scr_ftree_free(struct acct *a)
{
	struct scr_ftree *t = a->ft;

	if (!t)
		return;
	free(t->parent);
	free(t->depth);
	free(t->kids);
	free(t->vis);
	for (size_t i = 0; i < t->nfolded; i++)
		free(t->folded[i]);
	free(t->folded);
	free(t);
	a->ft = NULL;
}

size_t
scr_flat_count(const struct screen *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nacc; i++)
		n += 1 + (s->acc[i].ft ? s->acc[i].ft->nvis : 0);
	return n;
}

bool
scr_flat_get(const struct screen *s, size_t k, size_t *acc, size_t *fol)
{
	for (size_t i = 0; i < s->nacc; i++) {
		size_t nv = s->acc[i].ft ? s->acc[i].ft->nvis : 0;
		if (k == 0) {
			*acc = i;
			*fol = SIZE_MAX;
			return true;
		}
		k--;
		if (k < nv) {
			*acc = i;
			*fol = s->acc[i].ft->vis[k];
			return true;
		}
		k -= nv;
	}
	return false;
}

void
scr_ftree_label(const struct screen *s, size_t ai, size_t fi,
		struct buf *out, uint32_t *unread, uint32_t *total)
{
	const struct acct *a = &s->acc[ai];
	const struct scr_ftree *t = a->ft;

	if (fi == SIZE_MAX) {
		if (t && t->acct_folded)
			buf_addstr(out, "\u25b8 ");
		buf_addstr(out, a->ua->cfg->name);
		return;
	}
	const struct store_folder *f = &a->fv[fi];
	*unread = f->unread;
	*total = f->total;
	for (unsigned d = 0; d < t->depth[fi]; d++)
		buf_addstr(out, "  ");
	const char *name = f->name;
	if (t->parent[fi] != SIZE_MAX)
		name += strlen(a->fv[t->parent[fi]].name) + 1;
	if (t->kids[fi]) {
		bool folded = is_folded(t, f);
		buf_addstr(out, folded ? "\u25b8" : "\u25be");
		if (folded) {
			/* what is under it counts too */
			for (size_t i = fi + 1; i < t->n; i++) {
				size_t p = t->parent[i];
				while (p != SIZE_MAX && p != fi)
					p = t->parent[p];
				if (p != fi)
					break;
				*unread += a->fv[i].unread;
				*total += a->fv[i].total;
			}
		}
	}
	buf_addstr(out, name);
}

/* Fold or unfold folder fi (SIZE_MAX: the account). */
static void
set_fold(struct screen *s, size_t ai, size_t fi, bool fold)
{
	struct acct *a = &s->acc[ai];
	struct scr_ftree *t = a->ft;

	if (fi == SIZE_MAX) {
		t->acct_folded = fold;
	} else {
		const struct store_folder *f = &a->fv[fi];
		if (fold && !is_folded(t, f)) {
			t->folded = xgrow(t->folded, &t->cfolded,
					  t->nfolded + 1, sizeof(*t->folded));
			t->folded[t->nfolded++] = xstrndup(f->raw, f->raw_len);
		} else if (!fold) {
			for (size_t i = 0; i < t->nfolded; i++)
				if (strlen(t->folded[i]) == f->raw_len &&
				    memcmp(t->folded[i], f->raw,
					   f->raw_len) == 0) {
					free(t->folded[i]);
					t->folded[i] = t->folded[--t->nfolded];
					break;
				}
		}
	}
	list_visible(a);
}

/* The flat position of (ai, fi). */
static void
cursor_on(struct screen *s, size_t ai, size_t fi)
{
	for (size_t k = 0, n = scr_flat_count(s); k < n; k++) {
		size_t x, y;
		if (scr_flat_get(s, k, &x, &y) && x == ai && y == fi) {
			s->fcursor = k;
			return;
		}
	}
}

bool
scr_ftree_key(struct screen *s, wint_t ch)
{
	size_t ai, fi;

	if (!scr_flat_get(s, s->fcursor, &ai, &fi))
		return false;
	struct acct *a = &s->acc[ai];
	struct scr_ftree *t = a->ft;
	if (!t)
		return false;
	bool parent = fi != SIZE_MAX && t->kids[fi];
	bool folded = fi == SIZE_MAX ? t->acct_folded
				     : parent && is_folded(t, &a->fv[fi]);
	switch (ch) {
	case ' ':
		if (fi != SIZE_MAX && !parent)
			return false;
		set_fold(s, ai, fi, !folded);
		cursor_on(s, ai, fi);
		return true;
	case '\n':
	case '\r':
		if (fi != SIZE_MAX)
			return false; /* a folder opens */
		set_fold(s, ai, fi, !folded);
		cursor_on(s, ai, fi);
		return true;
	case 'h':
		if ((fi == SIZE_MAX || parent) && !folded) {
			set_fold(s, ai, fi, true);
			cursor_on(s, ai, fi);
		} else if (fi != SIZE_MAX) {
			/* to the parent, or the heading */
			cursor_on(s, ai, t->parent[fi]);
		}
		return true;
	case 'l':
		if (folded) {
			set_fold(s, ai, fi, false);
			cursor_on(s, ai, fi);
			return true;
		}
		return false; /* a folder opens */
	default:
		return false;
	}
}
