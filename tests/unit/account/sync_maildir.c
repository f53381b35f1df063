/* SPDX-License-Identifier: ISC */
/*
 * The local Maildir account: a Maildir with two folders indexed into a
 * real store, flags read from file names and written back by renaming,
 * a message added by another program renumbering the folder, and folder
 * names from the UI that try to leave the Maildir refused.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "../store/common.h"
#include "postie/account.h"
#include "postie/config.h"
#include "postie/store.h"

static void
put(const char *dir, const char *name, const char *text)
{
	char *p = xstrfmt("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(p);
}

static void
mkmaildir(const char *root)
{
	static const char *const sub[] = { "", "/cur", "/new", "/tmp" };
	for (size_t i = 0; i < 4; i++) {
		char *p = xstrfmt("%s%s", root, sub[i]);
		mkdir(p, 0700);
		free(p);
	}
}

static bool
exists(const char *dir, const char *name)
{
	char *p = xstrfmt("%s/%s", dir, name);
	bool r = access(p, F_OK) == 0;
	free(p);
	return r;
}

static int
load(struct store *st, const char *folder, struct store_summaries *s)
{
	struct store_folder f;
	struct perr e = PERR_INIT;

	memset(s, 0, sizeof(*s));
	if (store_folder_find(st, folder, strlen(folder), &f, &e) != 1)
		return -1;
	int rc = store_load(st, f.id, s, &e);
	store_folder_release(&f);
	return rc;
}

int
main(void)
{
	const char *tmp = tmp_make();
	char *root = xstrfmt("%s/Maildir", tmp);
	char *sent = xstrfmt("%s/.Sent", root);
	char *cache = xstrfmt("%s/cache", tmp);
	struct perr e = PERR_INIT;
	struct cfg c;
	char *rc = xstrfmt("[account \"demo\"]\naddress = d@example.com\n"
			   "receive = maildir:%s\n", root);

	mkmaildir(root);
	mkmaildir(sent);
	put(root, "cur/100.a.host:2,S",
	    "From: =?GB2312?B?1cXI/Q==?= <zs@qq.com>\n"
	    "Subject: =?GB2312?B?xOO6ww==?=\nMessage-ID: <a@x>\n\nhi\n");
	put(root, "cur/200.b.host:2,FRS",
	    "From: b@x\nSubject: two\nMessage-ID: <b@x>\n"
	    "In-Reply-To: <a@x>\n\nbody\n");
	put(root, "new/300.c.host", "From: c@x\nSubject: three\n\nnew\n");
	put(sent, "cur/400.d.host:2,S", "From: me@x\nSubject: sent\n\nx\n");
	/* a dot file and tmp/ are never messages */
	put(root, "cur/.hidden", "From: h@x\n\n");
	put(root, "tmp/500.e.host", "From: half@x\n");

	cfg_init(&c);
	is_int(cfg_parse_buffer(&c, "rc", rc, strlen(rc), &e), 0,
	       "dotfile loads");
	const struct cfg_account *a = &c.accounts[0];
	struct store *st = store_open(cache, STORE_WRITE, NULL, &e);
	ok(st != NULL, "store opens");

	struct acct_sync_stats stats;
	struct acct_sync_params p = {
		.account = a, .store = st, .cancel_fd = -1,
	};
	is_int(acct_sync_maildir(&p, &stats, &e), 0, "first sync");
	is_int(stats.folders, 2, "two folders: INBOX and Sent");
	is_int(stats.new_msgs, 4, "four messages indexed");

	struct store_folder *fv;
	size_t nf;
	is_int(store_folder_list(st, &fv, &nf, &e), 0, "folder list");
	is_int(nf, 2, "two folders in the store");
	for (size_t i = 0; i < nf; i++) {
		if (strcmp(fv[i].name, "INBOX") == 0) {
			is_int(fv[i].role, STORE_ROLE_INBOX, "INBOX role");
			is_int(fv[i].total, 3, "INBOX has 3");
			is_int(fv[i].unread, 1, "one unread (in new/)");
		} else {
			is_str(fv[i].name, "Sent", "the other is Sent");
			is_int(fv[i].role, STORE_ROLE_SENT, "Sent role");
		}
	}
	store_folder_list_free(fv, nf);

	struct store_summaries s;
	is_int(load(st, "INBOX", &s), 0, "INBOX loads");
	is_int(s.n, 3, "three summaries");
	if (s.n == 3) {
		is_str(store_str(&s, s.v[0].subject), "你好",
		       "GB2312 subject decoded");
		is_str(store_str(&s, s.v[0].from_name), "张三",
		       "GB2312 sender decoded");
		is_int(s.v[1].flags & STORE_F_SERVER_MASK,
		       STORE_F_SEEN | STORE_F_ANSWERED | STORE_F_FLAGGED,
		       "flags F R S from the file name");
		is_int(s.v[2].flags & STORE_F_SERVER_MASK, 0,
		       "new/ message unseen");
	}
	store_summaries_release(&s);

	/* flag the first message: the file is renamed */
	uint32_t uid = 1;
	is_int(acct_maildir_set_flags(a, st, "INBOX", &uid, 1,
				      STORE_F_FLAGGED, 0, &e), 0,
	       "set \\Flagged");
	ok(exists(root, "cur/100.a.host:2,FS"), "renamed to :2,FS");
	ok(!exists(root, "cur/100.a.host:2,S"), "old name gone");
	uid = 3;
	is_int(acct_maildir_set_flags(a, st, "INBOX", &uid, 1, STORE_F_SEEN,
				      0, &e), 0, "mark the new one seen");
	ok(exists(root, "cur/300.c.host:2,S"), "moved from new/ to cur/");
	is_int(load(st, "INBOX", &s), 0, "INBOX loads again");
	ok(s.n == 3 && (s.v[0].flags & STORE_F_FLAGGED) &&
		   (s.v[2].flags & STORE_F_SEEN),
	   "the store has the new flags");
	store_summaries_release(&s);

	/* a sync after only renames changes nothing */
	is_int(acct_sync_maildir(&p, &stats, &e), 0, "second sync");
	is_int(stats.new_msgs, 0, "nothing new");
	is_int(stats.changed, 0, "no flag change");

	/* another program flags a message and delivers one */
	uid = 2;
	char *from = xstrfmt("%s/cur/200.b.host:2,FRS", root);
	char *to = xstrfmt("%s/cur/200.b.host:2,RS", root);
	ok(rename(from, to) == 0, "unflag behind our back");
	is_int(acct_sync_maildir(&p, &stats, &e), 0, "third sync");
	is_int(stats.changed, 1, "one flag change seen");
	put(root, "new/050.z.host", "From: z@x\nSubject: early\n\nz\n");
	is_int(acct_maildir_set_flags(a, st, "INBOX", &uid, 1,
				      STORE_F_FLAGGED, 0, &e), -1,
	       "flags refused while the folder changed on disk");
	like(e.msg, "changed on disk", "says why");
	is_int(acct_sync_maildir(&p, &stats, &e), 0, "fourth sync");
	is_int(load(st, "INBOX", &s), 0, "INBOX loads after renumbering");
	ok(s.n == 4 && strcmp(store_str(&s, s.v[0].subject), "early") == 0,
	   "the new message sorts first, the folder renumbered");
	store_summaries_release(&s);

	/* folder names that leave the Maildir */
	static const char *const bad[] = { "../x", ".", "a/b", "" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		is_int(acct_maildir_set_flags(a, st, bad[i], &uid, 1,
					      STORE_F_SEEN, 0, &e), -1,
		       "folder '%s' refused", bad[i]);
		p.folder = bad[i];
		is_int(acct_sync_maildir(&p, &stats, &e), -1,
		       "sync of folder '%s' refused", bad[i]);
	}
	p.folder = NULL;

	/* A folder copied by something that drops empty directories (git
	 * does) may have new/ and nothing else: it is still a folder. */
	char *lists = xstrfmt("%s/.Lists", root);
	char *lists_new = xstrfmt("%s/new", lists);
	mkdir(lists, 0700);
	mkdir(lists_new, 0700);
	put(lists, "new/600.f.host", "From: l@x\nSubject: list\n\nl\n");
	is_int(acct_sync_maildir(&p, &stats, &e), 0,
	       "sync with a folder that has only new/");
	is_int(stats.folders, 3, "it is counted as a folder");
	is_int(load(st, "Lists", &s), 0, "and it loads");
	is_int(s.n, 1, "with its one message");
	store_summaries_release(&s);
	ok(exists(lists, "cur") && exists(lists, "tmp"),
	   "its missing cur/ and tmp/ are made");
	free(lists);
	free(lists_new);

	/* move, copy and remove files; the store follows after a sync */
	size_t done = 0;
	uint32_t two[] = { 1, 2 };
	is_int(acct_maildir_copy(a, st, "INBOX", two, 2, "归档", false, true,
				 &done, &e), -1,
	       "a move to a missing folder without create is refused");
	like(e.msg, "no such folder", "as TRYCREATE would say");
	is_int(acct_maildir_copy(a, st, "INBOX", two, 2, "归档", true, true,
				 &done, &e), 0, "move two to a new Chinese folder");
	is_int(done, 2, "two moved");
	char *gd = xstrfmt("%s/.归档", root);
	ok(exists(gd, "cur"), "the folder is made");
	p.folder = NULL;
	is_int(acct_sync_maildir(&p, &stats, &e), 0, "sync after the move");
	is_int(load(st, "INBOX", &s), 0, "INBOX loads");
	is_int(s.n, 2, "INBOX keeps two");
	store_summaries_release(&s);
	is_int(load(st, "归档", &s), 0, "the new folder loads");
	ok(s.n == 2 && strcmp(store_str(&s, s.v[0].subject), "early") == 0,
	   "with the two messages");
	ok(s.n == 2 && (s.v[1].flags & STORE_F_SERVER_MASK) ==
			       (STORE_F_FLAGGED | STORE_F_SEEN),
	   "and their flags (F and S kept in the new file name)");
	store_summaries_release(&s);
	uint32_t one = 1;
	is_int(acct_maildir_copy(a, st, "归档", &one, 1, "Sent", false, false,
				 &done, &e), 0, "copy one to Sent");
	is_int(acct_sync_maildir(&p, &stats, &e), 0, "sync after the copy");
	is_int(load(st, "归档", &s), 0, "the source loads");
	is_int(s.n, 2, "the source keeps both");
	store_summaries_release(&s);
	is_int(load(st, "Sent", &s), 0, "Sent loads");
	is_int(s.n, 2, "Sent has the copy");
	store_summaries_release(&s);
	is_int(acct_maildir_copy(a, st, "Sent", &one, 1, "Sent", false, true,
				 &done, &e), -1, "a move into its own folder");
	like(e.msg, "already", "is refused");
	is_int(acct_maildir_copy(a, st, "Sent", &one, 1, "../x", true, true,
				 &done, &e), -1, "a target outside the Maildir");
	is_int(acct_maildir_remove(a, st, "归档", &one, 1, &done, &e), 0,
	       "remove one");
	is_int(acct_sync_maildir(&p, &stats, &e), 0, "sync after the removal");
	is_int(load(st, "归档", &s), 0, "the folder loads");
	is_int(s.n, 1, "one left");
	store_summaries_release(&s);

	/* the body text went into the full-text index: body search */
	struct store_folder sf;
	uint32_t *hits = NULL;
	size_t nh = 0;
	ok(store_folder_find(st, "Sent", 4, &sf, &e) == 1, "Sent is known");
	is_int(store_search_body(st, sf.id, "z", &hits, &nh, &e), 0,
	       "body search");
	is_int(nh, 1, "finds the body with the word");
	free(hits);
	is_int(store_search_body(st, sf.id, "early", &hits, &nh, &e), 0,
	       "body search for a subject word");
	is_int(nh, 0, "a subject is not a body");
	free(hits);
	store_folder_release(&sf);
	free(gd);

	store_close(st);
	cfg_release(&c);
	free(from);
	free(to);
	free(rc);
	free(root);
	free(sent);
	free(cache);
	return done_testing();
}
