/* SPDX-License-Identifier: ISC */
/*
 * The local Maildir: delivery lands byte for byte in new/ under a unique
 * Maildir name and leaves nothing in tmp/; a delivery that cannot finish
 * leaves nothing behind; what a crash left in tmp/ is never listed and is
 * cleaned once old; names from outside new/ and cur/ are refused.
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "common.h"
#include "postie/maildir.h"

static size_t
count_dir(const char *root, const char *sub)
{
	char *dir = xstrfmt("%s/%s", root, sub);
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	free(dir);
	return n;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int
main(void)
{
	const char *tmp = tmp_make();
	struct perr e = PERR_INIT;
	struct maildir md;
	char *root = xstrfmt("%s/acct/inbox", tmp);

	ok(maildir_open(&md, root, &e) == 0, "open creates the Maildir: %s",
	   e.msg);
	struct stat st;
	ok(stat(root, &st) == 0 && (st.st_mode & 0777) == 0700,
	   "the Maildir is private (0700)");

	/* delivery: byte for byte, a unique Maildir name, tmp/ empty */
	static const char m1[] = "From: a@b\r\nSubject: one\r\n\r\nbody\r\n";
	static const char m2[] = "From: c@d\r\n\r\n\0binary\r\n";
	char *n1 = NULL, *n2 = NULL;
	ok(maildir_deliver(&md, m1, strlen(m1), &n1, &e) == 0,
	   "deliver message 1: %s", e.msg);
	ok(maildir_deliver(&md, m2, sizeof(m2) - 1, &n2, &e) == 0,
	   "deliver message 2 (holds a NUL byte): %s", e.msg);
	ok(n1 && n2 && strcmp(n1, n2) != 0, "two deliveries, two names");
	like(n1 ? n1 : "", "new/", "delivered into new/");
	char host[256];
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	ok(n1 && strstr(n1, ".M") && strstr(n1, "P") && strstr(n1, "Q1."),
	   "name has the time, microseconds, pid and counter: %s",
	   n1 ? n1 : "");
	ok(n1 && !strchr(n1 + 4, ':') && !strchr(n1 + 4, '/'),
	   "no ':' or '/' in the file name");
	is_int((intmax_t)count_dir(root, "tmp"), 0, "tmp/ is empty after "
	       "delivery");
	is_int((intmax_t)count_dir(root, "new"), 2, "new/ holds both");

	struct buf b;
	buf_init(&b);
	ok(maildir_read(&md, n1, &b, 0, &e) == 0, "read message 1: %s", e.msg);
	is_mem(b.data, b.len, m1, strlen(m1), "message 1 byte for byte");
	buf_reset(&b);
	ok(maildir_read(&md, n2, &b, 0, &e) == 0, "read message 2");
	is_mem(b.data, b.len, m2, sizeof(m2) - 1,
	       "message 2 byte for byte, NUL included");
	buf_reset(&b);
	ok(maildir_read(&md, n1, &b, 5, &e) < 0 && b.len == 0,
	   "a read over the size cap is refused and appends nothing");

	/* crash leftovers in tmp/ are ignored, then cleaned when old */
	char *left = xstrfmt("%s/tmp/123.M1P1Q1.host", root);
	write_file(left, "From: half\r\n");
	char *dot = xstrfmt("%s/new/.hidden", root);
	write_file(dot, "x");
	char *sub = xstrfmt("%s/cur/adir", root);
	mkdir(sub, 0700);
	char *curmsg = xstrfmt("%s/cur/1.M1P1Q1.host:2,S", root);
	write_file(curmsg, "From: seen\r\n\r\n");
	char **v = NULL;
	size_t n = 0;
	ok(maildir_list(&md, &v, &n, &e) == 0, "list: %s", e.msg);
	is_int((intmax_t)n, 3, "list gives new/ and cur/ messages only");
	bool leak = false;
	for (size_t i = 0; i < n; i++)
		if (strstr(v[i], "tmp/") || strstr(v[i], ".hidden") ||
		    strstr(v[i], "adir"))
			leak = true;
	ok(!leak, "tmp/ leftovers, dot files and directories are not listed");
	ok(n == 3 && strcmp(v[0], "cur/1.M1P1Q1.host:2,S") == 0 &&
		   strncmp(v[1], "new/", 4) == 0,
	   "names are sorted and relative to the root");
	maildir_names_free(v, n);

	size_t removed = 99;
	ok(maildir_clean_tmp(&md, 36 * 3600, &removed, &e) == 0 &&
		   removed == 0,
	   "a fresh tmp/ file is kept (a delivery may be under way)");
	struct timeval old[2] = { { 1000, 0 }, { 1000, 0 } };
	utimes(left, old);
	ok(maildir_clean_tmp(&md, 36 * 3600, &removed, &e) == 0 &&
		   removed == 1 && access(left, F_OK) < 0,
	   "an old tmp/ file is removed");

	/* names from outside are refused */
	static const char *const bad[] = {
		"tmp/123.M1P1Q1.host", "new/../../etc/passwd", "new/.hidden",
		"../x", "cur/", "new/a/b", "/etc/passwd",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		buf_reset(&b);
		e = (struct perr)PERR_INIT;
		ok(maildir_read(&md, bad[i], &b, 0, &e) < 0 &&
			   e.kind == PERR_LOCAL && b.len == 0,
		   "read of '%s' is refused", bad[i]);
	}
	ok(maildir_remove(&md, n1, &e) == 0 && maildir_remove(&md, n1, &e) == 0,
	   "remove, twice, is fine");
	ok(maildir_remove(&md, "new/../x", &e) < 0, "remove of '../' refused");

	/* a delivery that cannot be finished leaves nothing behind: new/
	 * replaced by a file makes the link fail */
	char *newdir = xstrfmt("%s/new", root);
	char *name = NULL;
	ok(maildir_list(&md, &v, &n, &e) == 0, "list before the failure");
	maildir_names_free(v, n);
	char *cmd = xstrfmt("rm -rf '%s'", newdir);
	ok(system(cmd) == 0, "remove new/");
	free(cmd);
	write_file(newdir, "not a directory");
	e = (struct perr)PERR_INIT;
	ok(maildir_deliver(&md, m1, strlen(m1), &name, &e) < 0 &&
		   e.kind == PERR_LOCAL && name == NULL,
	   "delivery into a broken Maildir fails: %s", e.msg);
	like(e.msg, "new/", "and the error names the step");
	is_int((intmax_t)count_dir(root, "tmp"), 0,
	       "the half delivery is removed from tmp/");
	ok(maildir_open(&(struct maildir){ 0 }, newdir, &e) < 0,
	   "opening a Maildir whose root is a file fails");

	/* a second handle (another process) never reuses a name */
	unlink(newdir);
	struct maildir md2;
	ok(maildir_open(&md2, root, &e) == 0, "reopen");
	char *names[40];
	bool uniq = true;
	for (int i = 0; i < 40; i++) {
		struct maildir *h = (i & 1) ? &md2 : &md;
		names[i] = NULL;
		if (maildir_deliver(h, "x", 1, &names[i], &e) < 0)
			uniq = false;
		for (int j = 0; j < i && uniq; j++)
			if (names[j] && names[i] &&
			    strcmp(names[j], names[i]) == 0)
				uniq = false;
	}
	ok(uniq, "40 quick deliveries from two handles: all names differ");
	is_int((intmax_t)count_dir(root, "new"), 40, "and all 40 are there");
	for (int i = 0; i < 40; i++)
		free(names[i]);

	maildir_release(&md2);
	maildir_release(&md);
	buf_release(&b);
	free(newdir);
	free(curmsg);
	free(sub);
	free(dot);
	free(left);
	free(n1);
	free(n2);
	free(root);
	return done_testing();
}
