/* SPDX-License-Identifier: ISC */
/*
 * The outbox state machine on a real directory: enter, fail, retry,
 * unknown, success; the files and modes at each step; what a crash at
 * each step leaves behind (hostile-33).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "postie/outbox.h"

static char root[256];

static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int
mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

/* root + "/" + rel + a ("" when a is NULL) */
static char *
path_of2(const char *rel, const char *a)
{
	return xstrfmt("%s/%s%s", root, rel, a ? a : "");
}

static void
test_lifecycle(void)
{
	struct outbox ob;
	struct perr e = PERR_INIT;
	const char *rcpt[] = { "bob@example.org", "carol@example.org" };
	const char msg[] = "Subject: t\r\n\r\nbody\r\n";
	char *id = NULL;
	char *ob_dir = path_of2("outbox", "");
	char *sent_dir = path_of2("sent", "");

	ok(outbox_open(&ob, ob_dir, sent_dir, &e) == 0, "open creates dirs");
	is_int(mode_of(ob_dir), 0700, "outbox dir 0700");
	char *p = path_of2("outbox/meta", "");
	is_int(mode_of(p), 0700, "meta dir 0700");
	free(p);

	ok(outbox_add(&ob, "alice@example.org", rcpt, 2, msg,
		      sizeof(msg) - 1, 1000, &id, &e) == 0, "add: %s", e.msg);
	p = path_of2("outbox/new/", id);
	is_int(mode_of(p), 0600, "message file 0600, in new/");
	struct buf b = BUF_INIT;
	ok(file_read_all(p, &b, 1 << 20, &e) == 0 &&
		   b.len == sizeof(msg) - 1 &&
		   memcmp(b.data, msg, b.len) == 0, "message bytes intact");
	buf_release(&b);
	free(p);
	p = path_of2("outbox/meta/", id);
	is_int(mode_of(p), 0600, "side file 0600");
	free(p);
	p = path_of2("outbox/tmp", "");
	is_int(count_files(p), 0, "nothing left in tmp/");
	free(p);

	struct outbox_entry *v;
	size_t n;
	ok(outbox_list(&ob, &v, &n, &e) == 0 && n == 1, "listed");
	is_str(v[0].from, "alice@example.org", "from kept");
	is_int((intmax_t)v[0].nrcpt, 2, "two recipients");
	is_str(v[0].rcpt[1], "carol@example.org", "recipient kept");
	is_int(v[0].state, OUTBOX_QUEUED, "state queued");
	ok(outbox_due(&v[0], 1000), "due at once");
	is_int((intmax_t)v[0].size, sizeof(msg) - 1, "size");
	outbox_list_free(v, n);

	struct outbox_entry ent;
	ok(outbox_get(&ob, id, &ent, &e) == 0, "get by id");
	ok(outbox_begin(&ob, &ent, 1001, &e) == 0, "begin an attempt");
	ok(outbox_fail(&ob, &ent, OUTBOX_TEMPFAIL, 421,
		       "4.3.2 try\r\nlater", 1002, &e) == 0,
	   "temporary failure recorded");
	outbox_entry_release(&ent);
	ok(outbox_get(&ob, id, &ent, &e) == 0, "reload");
	is_int(ent.state, OUTBOX_RETRY, "state retry");
	is_int(ent.attempts, 1, "one attempt");
	is_int((intmax_t)ent.next_try, 1002 + 60, "next try after 1 min");
	ok(!outbox_due(&ent, 1030), "not due during backoff");
	ok(outbox_due(&ent, 1062), "due after backoff");
	is_int((intmax_t)ent.nhist, 1, "history has the attempt");
	is_int(ent.hist[0].code, 421, "with its code");
	is_str(ent.hist[0].text, "4.3.2 try  later",
	       "and its text, made one line");
	is_str(ent.hist[0].result, "temp", "and its kind");

	/* A crash during an attempt: loaded back as unknown. */
	ok(outbox_begin(&ob, &ent, 1100, &e) == 0, "second attempt begins");
	outbox_entry_release(&ent);
	ok(outbox_get(&ob, id, &ent, &e) == 0, "reload after a 'crash'");
	is_int(ent.state, OUTBOX_UNKNOWN,
	       "an interrupted attempt is delivery unknown");
	ok(!outbox_due(&ent, 999999),
	   "hostile-48: unknown is never due by itself (no silent resend)");

	ok(outbox_fail(&ob, &ent, OUTBOX_UNDETERMINED, 0,
		       "no reply after the final dot", 1200, &e) == 0,
	   "unknown outcome recorded");
	is_int(ent.state, OUTBOX_UNKNOWN, "state unknown");
	is_int((intmax_t)ent.next_try, 1200 + 120, "backoff doubles");
	const char *left[] = { "carol@example.org" };
	ok(outbox_set_rcpts(&ob, &ent, left, 1, &e) == 0,
	   "recipients narrowed");
	outbox_entry_release(&ent);
	ok(outbox_get(&ob, id, &ent, &e) == 0 && ent.nrcpt == 1 &&
		   strcmp(ent.rcpt[0], "carol@example.org") == 0,
	   "narrowed recipients persist");
	is_int((intmax_t)ent.nhist, 2, "history of two attempts");

	ok(outbox_done(&ob, &ent, &e) == 0, "done: moved to Sent");
	p = path_of2("outbox/new", "");
	is_int(count_files(p), 0, "outbox new/ empty");
	free(p);
	p = path_of2("outbox/meta", "");
	is_int(count_files(p), 0, "side file removed");
	free(p);
	p = xstrfmt("%s/sent/cur/%s:2,S", root, id);
	is_int(mode_of(p), 0600, "in Sent cur/ with the S flag");
	free(p);

	/* Permanent failure: held, not due. */
	free(id);
	ok(outbox_add(&ob, "", rcpt, 1, "x", 1, 2000, &id, &e) == 0,
	   "null reverse path accepted");
	ok(outbox_get(&ob, id, &ent, &e) == 0, "get");
	is_str(ent.from, "", "empty from kept");
	ok(outbox_fail(&ob, &ent, OUTBOX_PERMFAIL, 550, "no", 2001, &e) == 0,
	   "permanent failure");
	ok(!outbox_due(&ent, 999999), "held: never due by itself");
	ok(outbox_remove(&ob, &ent, &e) == 0, "removed on request");
	free(id);

	outbox_release(&ob);
	free(ob_dir);
	free(sent_dir);
}

static void
test_refusals_and_crashes(void)
{
	struct outbox ob;
	struct perr e = PERR_INIT;
	char *ob_dir = path_of2("outbox2", "");
	char *sent_dir = path_of2("sent2", "");
	const char *evil[] = { "bob@example.org\r\nRCPT TO:<x@y>" };
	const char *empty[] = { "" };

	outbox_open(&ob, ob_dir, sent_dir, &e);
	ok(outbox_add(&ob, "a@b", evil, 1, "x", 1, 1, NULL, &e) == -1 &&
		   e.kind == PERR_MESSAGE, "CRLF in a recipient (hostile-32)");
	ok(outbox_add(&ob, "a@b", empty, 1, "x", 1, 1, NULL, &e) == -1,
	   "empty recipient");
	ok(outbox_add(&ob, "a@b", NULL, 0, "x", 1, 1, NULL, &e) == -1,
	   "no recipients");

	/* A crash after tmp/ was written: nothing visible, nothing lost
	 * that had been promised. */
	char *p = path_of2("outbox2/tmp/", "123.crash");
	FILE *f = fopen(p, "w");
	fputs("half", f);
	fclose(f);
	free(p);
	struct outbox_entry *v;
	size_t n;
	ok(outbox_list(&ob, &v, &n, &e) == 0 && n == 0,
	   "a half-written tmp/ file is not listed");
	outbox_list_free(v, n);

	/* A message whose side file is gone is listed as broken. */
	p = path_of2("outbox2/new/", "456.orphan");
	f = fopen(p, "w");
	fputs("Subject: x\r\n\r\n", f);
	fclose(f);
	free(p);
	ok(outbox_list(&ob, &v, &n, &e) == 0 && n == 1,
	   "a message without envelope is still listed");
	is_int(v[0].state, OUTBOX_BROKEN, "as broken");
	ok(v[0].nhist == 1 && strlen(v[0].hist[0].text) > 0,
	   "with a reason: %s", v[0].nhist ? v[0].hist[0].text : "");
	outbox_list_free(v, n);

	/* A corrupt side file is broken too, and named. */
	p = path_of2("outbox2/meta/", "456.orphan");
	f = fopen(p, "w");
	fputs("postie-outbox 1\nqueued x\n", f);
	fclose(f);
	free(p);
	ok(outbox_list(&ob, &v, &n, &e) == 0 && n == 1 &&
		   v[0].state == OUTBOX_BROKEN, "corrupt envelope: broken");
	like(v[0].hist[0].text, "bad line 2", "says where: %s",
	     v[0].hist[0].text);
	outbox_list_free(v, n);

	/* Reopening removes stale leftovers, and only those. */
	p = path_of2("outbox2/tmp/", "123.crash");
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	utimensat(AT_FDCWD, p, old, 0);
	free(p);
	p = path_of2("outbox2/meta/", "789.gone");
	f = fopen(p, "w");
	fputs("postie-outbox 1\n", f);
	fclose(f);
	utimensat(AT_FDCWD, p, old, 0);
	free(p);
	p = path_of2("outbox2/meta/", "456.orphan");
	utimensat(AT_FDCWD, p, old, 0);
	free(p);
	outbox_release(&ob);
	ok(outbox_open(&ob, ob_dir, sent_dir, &e) == 0, "reopen");
	p = path_of2("outbox2/tmp", NULL);
	is_int(count_files(p), 0, "stale tmp/ file removed");
	free(p);
	p = path_of2("outbox2/meta", NULL);
	is_int(count_files(p), 1,
	       "stale orphan side file removed, the one with a message kept");
	free(p);
	p = path_of2("outbox2/new", NULL);
	is_int(count_files(p), 1, "new/ untouched");
	free(p);

	struct outbox_entry ent;
	ok(outbox_get(&ob, "../x", &ent, &e) == -1, "id with a slash refused");
	ok(outbox_get(&ob, "nope", &ent, &e) == -1, "unknown id refused");
	outbox_release(&ob);
	free(ob_dir);
	free(sent_dir);
}

/* A reply carries the message it answers through every attempt; an
 * entry written before origins were kept reads back with none. */
static void
test_origin(void)
{
	struct outbox ob;
	struct perr e = PERR_INIT;
	const char *rcpt[] = { "bob@example.org" };
	const char msg[] = "Subject: Re: t\r\n\r\nbody\r\n";
	char *id = NULL;
	char *ob_dir = path_of2("outbox-orig", "");
	char *sent_dir = path_of2("sent-orig", "");
	struct outbox_origin o = {
		.account = (char *)"qq", .folder = (char *)"INBOX/项目",
		.uidvalidity = 1700000000u, .uid = 42, .forwarded = true,
	};
	struct outbox_entry ent;

	ok(outbox_open(&ob, ob_dir, sent_dir, &e) == 0, "open");
	ok(outbox_add_orig(&ob, "alice@example.org", rcpt, 1, msg,
			   sizeof(msg) - 1, &o, 1000, &id, &e) == 0,
	   "add with an origin: %s", e.msg);
	ok(outbox_get(&ob, id, &ent, &e) == 0, "get");
	is_str(ent.orig.account, "qq", "the original's account");
	is_str(ent.orig.folder, "INBOX/项目", "its folder");
	ok(ent.orig.uidvalidity == 1700000000u && ent.orig.uid == 42,
	   "its UIDVALIDITY and UID");
	ok(ent.orig.forwarded, "the flag: $Forwarded");
	/* kept through a failed attempt, which rewrites the side file */
	ok(outbox_begin(&ob, &ent, 1001, &e) == 0 &&
	   outbox_fail(&ob, &ent, OUTBOX_TEMPFAIL, 0, "connection refused",
		       1002, &e) == 0, "a failed attempt");
	outbox_entry_release(&ent);
	ok(outbox_get(&ob, id, &ent, &e) == 0 && ent.orig.uid == 42 &&
	   ent.orig.folder && strcmp(ent.orig.folder, "INBOX/项目") == 0,
	   "the origin is still there for the next attempt");
	outbox_entry_release(&ent);
	free(id);

	o.folder = (char *)"IN\nBOX";
	ok(outbox_add_orig(&ob, "alice@example.org", rcpt, 1, msg,
			   sizeof(msg) - 1, &o, 1000, &id, &e) < 0,
	   "a folder name of two lines is refused");

	/* an entry of the older format: no orig- lines */
	char *m = path_of2("outbox-orig/meta/", "old1");
	char *f = path_of2("outbox-orig/new/", "old1");
	const char old[] = "postie-outbox 1\nqueued 5\nfrom a@b.org\n"
			   "rcpt c@d.org\nstate queued\nattempts 0\n"
			   "next 0\n";
	ok(file_write_atomic(m, old, sizeof(old) - 1, 0600, &e) == 0 &&
	   file_write_atomic(f, msg, sizeof(msg) - 1, 0600, &e) == 0,
	   "an old entry written");
	ok(outbox_get(&ob, "old1", &ent, &e) == 0, "the old entry reads");
	ok(ent.orig.uid == 0 && ent.orig.folder == NULL, "with no origin");
	is_int(ent.state, OUTBOX_QUEUED, "and its state");
	outbox_entry_release(&ent);
	free(m);
	free(f);
	outbox_release(&ob);
	free(ob_dir);
	free(sent_dir);
}

static void
test_backoff(void)
{
	is_int(outbox_backoff(1), 60, "1st failure: 1 min");
	is_int(outbox_backoff(2), 120, "2nd: 2 min");
	is_int(outbox_backoff(5), 960, "5th: 16 min");
	is_int(outbox_backoff(20), 6 * 3600, "capped at 6 h");
	is_int(outbox_backoff(4000000000u), 6 * 3600, "no overflow");
}

int
main(void)
{
	snprintf(root, sizeof(root), "%s/postie-outbox.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_lifecycle();
	test_refusals_and_crashes();
	test_origin();
	test_backoff();
	char rm[] = "rm", rf[] = "-rf";
	char *cmd[] = { rm, rf, root, NULL };
	struct buf out = BUF_INIT;
	proc_capture(cmd, 10000, 1024, &out, NULL, NULL);
	buf_release(&out);
	return done_testing();
}
