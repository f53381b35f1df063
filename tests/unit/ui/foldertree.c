/* SPDX-License-Identifier: ISC */
/*
 * ui: the folder list as a tree (src/ui/foldertree.c): the order (special
 * folders first, children right after their parent), parents and depths
 * by the hierarchy delimiter, folders whose parent is not a folder kept
 * whole at the top, labels, and folding a parent and an account.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/config.h"
#include "screen.h"

static struct store_folder
folder(const char *name, const char *delim, enum store_role role,
       uint32_t unread, uint32_t total)
{
	struct store_folder f = { 0 };

	f.name = xstrdup(name);
	f.raw = xstrdup(name);
	f.raw_len = strlen(name);
	f.delim = xstrdup(delim);
	f.role = role;
	f.unread = unread;
	f.total = total;
	return f;
}

/* The visible rows of the folder pane as "label unread/total|..." */
static char *
rows(const struct screen *s)
{
	struct buf out = BUF_INIT;

	for (size_t k = 0, n = scr_flat_count(s); k < n; k++) {
		size_t ai, fi;
		uint32_t u = 0, t = 0;
		struct buf l = BUF_INIT;
		if (!scr_flat_get(s, k, &ai, &fi))
			break;
		scr_ftree_label(s, ai, fi, &l, &u, &t);
		if (fi == SIZE_MAX)
			buf_addf(&out, "%s|", l.data);
		else
			buf_addf(&out, "%s %u/%u|", l.data, (unsigned)u,
				 (unsigned)t);
		buf_release(&l);
	}
	return buf_detach(&out, NULL);
}

int
main(void)
{
	struct cfg_account ca = { .name = (char *)"qq" };
	struct ui_account ua = { .cfg = &ca };
	struct acct a = { .ua = &ua };
	struct screen s = { .acc = &a, .nacc = 1 };
	struct store_folder v[] = {
		folder("Work/2026", "/", STORE_ROLE_NONE, 1, 3),
		folder("Archive", "/", STORE_ROLE_ARCHIVE, 0, 9),
		folder("Trash", "/", STORE_ROLE_TRASH, 0, 2),
		folder("Work", "/", STORE_ROLE_NONE, 0, 1),
		folder("INBOX", "/", STORE_ROLE_INBOX, 4, 10),
		folder("Work-old", "/", STORE_ROLE_NONE, 0, 5),
		folder("Lists/rust", "/", STORE_ROLE_NONE, 2, 2),
		folder("Sent Messages", "/", STORE_ROLE_SENT, 0, 7),
		folder("Work/2026/Q1", "/", STORE_ROLE_NONE, 2, 2),
		folder("Outbox", "/", STORE_ROLE_NONE, 0, 0),
		folder("Junk", "/", STORE_ROLE_JUNK, 0, 0),
		folder("Drafts", "/", STORE_ROLE_DRAFTS, 0, 1),
		folder("项目", "/", STORE_ROLE_NONE, 0, 0),
		folder("项目/北京", "/", STORE_ROLE_NONE, 1, 1),
	};
	size_t n = sizeof(v) / sizeof(v[0]);

	scr_ftree_sort(v, n);
	a.fv = v;
	a.nf = n;
	scr_ftree_build(&a);
	char *got = rows(&s);
	is_str(got,
	       "qq|INBOX 4/10|Drafts 0/1|Sent Messages 0/7|Outbox 0/0|"
	       "Trash 0/2|Junk 0/0|Archive 0/9|Lists/rust 2/2|"
	       "\u25beWork 0/1|  \u25be2026 1/3|    Q1 2/2|Work-old 0/5|"
	       "\u25be项目 0/0|  北京 1/1|",
	       "special folders first, then the tree; a parent-less child "
	       "whole");
	free(got);

	/* fold Work: the row of Work is the 9th (after the heading) */
	s.fcursor = 9;
	ok(scr_ftree_key(&s, ' '), "Space on a parent folds it");
	got = rows(&s);
	like(got, "|\u25b8Work 3/6|Work-old", "folded: children hidden, "
	     "their counts added");
	free(got);
	ok(scr_ftree_key(&s, 'l'), "l unfolds it");
	got = rows(&s);
	like(got, "|\u25beWork 0/1|  \u25be2026 1/3|", "unfolded again");
	free(got);
	s.fcursor = 11; /* Q1 */
	ok(scr_ftree_key(&s, 'h'), "h on a child");
	is_int((intmax_t)s.fcursor, 10, "goes to its parent");
	ok(scr_ftree_key(&s, 'h'), "h on an open parent");
	got = rows(&s);
	like(got, "|  \u25b82026 3/5|Work-old", "folds it");
	free(got);
	ok(!scr_ftree_key(&s, 'j'), "other keys are left to the list");

	/* folds survive a rebuild (a sync reloads the list) */
	scr_ftree_build(&a);
	got = rows(&s);
	like(got, "\u25b82026", "a fold survives a rebuild");
	free(got);

	s.fcursor = 0;
	ok(scr_ftree_key(&s, '\n'), "Enter on the heading");
	got = rows(&s);
	is_str(got, "\u25b8 qq|", "folds the account");
	is_int((intmax_t)scr_flat_count(&s), 1, "one row left");
	free(got);
	ok(scr_ftree_key(&s, ' '), "Space on it");
	is_int((intmax_t)scr_flat_count(&s), 14, "unfolds it");

	scr_ftree_free(&a);
	for (size_t i = 0; i < n; i++)
		store_folder_release(&v[i]);
	return done_testing();
}
