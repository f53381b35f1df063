/* SPDX-License-Identifier: ISC */
/*
 * The POP3 sync against scripted servers (net/'s in-memory fake), a real
 * Maildir and a real store: "leave" downloads each message once; a
 * connection cut in the middle of RETR loses nothing and duplicates
 * nothing (hostile-27); "delete" sends DELE only for messages safe on
 * disk, including ones downloaded by an earlier sync; a local failure
 * (the disk refusing writes) while storing message 2 sends RSET and no
 * QUIT, so message 1's DELE is undone (hostile-26); "after N days"
 * deletes only what was first seen long enough ago; a server without
 * UIDL gets its messages named by a hash of their headers (TOP n 0); one
 * unique id listed twice (hostile-24); a UIDL file that is not ours is
 * refused; the UIDL journal after a crash (lines whose file never reached
 * the Maildir dropped, torn or damaged lines ignored); downloads in
 * groups, each group's DELEs only after its messages are safe.
 */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "harness.h"
#include "../store/common.h"
#include "postie/account.h"
#include "postie/config.h"
#include "postie/net.h"
#include "postie/pop3.h"
#include "postie/store.h"

static struct store *st;
static char *data_dir;
static struct cfg_account pacct;

static const char open_ok[] = "+OK hi\r\n-ERR no CAPA\r\n+OK\r\n+OK in\r\n";

static const char msg1[] =
	"From: =?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>\r\n"
	"Subject: =?GBK?B?1tDOxNb3zOI=?=\r\nMessage-ID: <p1@qq.com>\r\n\r\n"
	"..stuffed\r\nbody\r\n";
static const char msg2[] = "From: bob@lab.test\r\nSubject: two\r\n\r\nx\r\n";
static const char msg3[] =
	"From: carol@lab.test\r\nSubject: three\r\n\r\ny\r\n";

static void
retr(struct buf *b, const char *m)
{
	buf_addstr(b, "+OK message follows\r\n");
	/* dot-stuff lines that start with '.' */
	const char *p = m;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		if (*p == '.')
			buf_addch(b, '.');
		buf_add(b, p, n);
		p += n;
	}
	buf_addstr(b, ".\r\n");
}

/* Run one sync; what the client sent goes to sent, followed by
 * "(open)" when the session was left for QUIT (a clean run). */
static int
run_capture(const struct buf *server, struct acct_sync_stats *stats,
	    struct buf *sent, void (*progress)(void *, const char *, uint64_t,
					       uint64_t),
	    int64_t now, struct perr *e)
{
	struct pop3_session s;
	struct pop3_session_params pp = {
		.host = "pop.example.com", .tls = POP3_TLS_IMPLICIT,
		.user = "alice", .password = "pw", .cancel_fd = -1,
	};
	struct acct_sync_params p = {
		.account = &pacct, .store = st, .data_dir = data_dir,
		.cancel_fd = -1, .progress = progress, .now = now,
	};
	struct net_conn *c = net_conn_fake(server->data, server->len, 0, 0);
	int rc = pop3_session_open_conn(&s, c, &pp, e);
	if (rc == 0)
		rc = acct_sync_pop3_session(&s, &p, stats, e);
	buf_reset(sent);
	if (s.conn)
		buf_add(sent, net_fake_output(s.conn)->data,
			net_fake_output(s.conn)->len);
	if (s.state == POP3_SS_TRANSACTION)
		buf_addstr(sent, "(open)\r\n");
	pop3_session_close(&s);
	return rc;
}

static size_t
count_new(void)
{
	char *dir = xstrfmt("%s/inbox/new", data_dir);
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

static size_t
count_indexed(void)
{
	struct store_folder f = { 0 };
	struct perr e = PERR_INIT;
	uint32_t *u = NULL;
	size_t n = 0;
	if (store_folder_find(st, "INBOX", 5, &f, &e) == 1)
		store_uid_list(st, f.id, &u, &n, &e);
	store_folder_release(&f);
	free(u);
	return n;
}

static void
fail_writes(void *arg, const char *folder, uint64_t done, uint64_t total)
{
	(void)arg;
	(void)folder;
	(void)total;
	if (done == 1) {
		struct rlimit rl = { 1, RLIM_INFINITY };
		setrlimit(RLIMIT_FSIZE, &rl);
	}
}

static void
fresh(const char *tmp, const char *name)
{
	if (st)
		store_close(st);
	free(data_dir);
	data_dir = xstrfmt("%s/%s", tmp, name);
	char *cache = xstrfmt("%s/%s-cache", tmp, name);
	struct perr e = PERR_INIT;
	st = store_open(cache, STORE_WRITE, NULL, &e);
	if (!st)
		diag("store: %s", e.msg);
	free(cache);
}

int
main(void)
{
	const char *tmp = tmp_make();
	struct perr e = PERR_INIT;
	struct acct_sync_stats stats;
	struct buf srv, sent;

	signal(SIGXFSZ, SIG_IGN);
	buf_init(&srv);
	buf_init(&sent);
	pacct.name = (char *)"pop";
	pacct.pop3_delete = CFG_POP3_LEAVE;

	/* leave: both downloaded, nothing deleted */
	fresh(tmp, "leave");
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 UID-one\r\n2 UID-two\r\n.\r\n");
	retr(&srv, msg1);
	retr(&srv, msg2);
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
	       "leave: sync: %s", e.msg);
	like(sent.data, "UIDL\r\nRETR 1\r\nRETR 2\r\n(open)",
	     "leave: UIDL, then RETR of each, session left for QUIT");
	ok(!strstr(sent.data, "DELE"), "leave: no DELE");
	ok(stats.new_msgs == 2 && stats.removed == 0, "leave: 2 new");
	is_int((intmax_t)count_new(), 2, "leave: 2 files in the Maildir");
	is_int((intmax_t)count_indexed(), 2, "leave: 2 indexed in the store");
	struct buf f;
	buf_init(&f);
	char *uidl = xstrfmt("%s/pop3-uidl", data_dir);
	ok(file_read_all(uidl, &f, 1 << 20, &e) == 0 &&
		   strstr(f.data, "postie-pop3-uidl 1\nUID-one ") &&
		   strstr(f.data, "\nUID-two "),
	   "leave: both UIDLs recorded");
	struct store_folder fo = { 0 };
	struct store_summaries sum = { 0 };
	ok(store_folder_find(st, "INBOX", 5, &fo, &e) == 1 &&
		   store_load(st, fo.id, &sum, &e) == 0 && sum.n == 2 &&
		   strcmp(store_str(&sum, sum.v[0].subject), "中文主题") == 0,
	   "leave: the GBK subject is decoded in the index");
	struct buf body;
	buf_init(&body);
	ok(sum.n == 2 && store_body_get(st, fo.id, sum.v[0].uid, &body,
					&e) == 1 &&
		   body.len == strlen(msg1) &&
		   memcmp(body.data, msg1, body.len) == 0,
	   "leave: the body is readable through the store, un-stuffed");
	store_summaries_release(&sum);
	store_folder_release(&fo);

	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 UID-one\r\n2 UID-two\r\n.\r\n");
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
	       "leave: second sync");
	ok(!strstr(sent.data, "RETR") && stats.new_msgs == 0,
	   "leave: the second sync downloads nothing");
	is_int((intmax_t)count_new(), 2, "leave: still 2 files");

	/* hostile-27: the connection is cut in the middle of RETR 2 */
	fresh(tmp, "cut");
	pacct.pop3_delete = CFG_POP3_DELETE;
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 A\r\n2 B\r\n3 C\r\n.\r\n");
	retr(&srv, msg1);
	buf_addstr(&srv, "+OK marked\r\n");
	buf_addstr(&srv, "+OK message follows\r\nFrom: bob@lab.test\r\nSub");
	e = (struct perr)PERR_INIT;
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), -1,
	       "hostile-27: a cut during RETR fails the sync");
	ok(e.kind == PERR_CONN, "as a connection error: %s", e.msg);
	ok(!strstr(sent.data, "(open)"), "the session is dropped, no QUIT");
	is_int((intmax_t)count_new(), 1, "message 1 is safe on disk");
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 A\r\n2 B\r\n3 C\r\n.\r\n");
	buf_addstr(&srv, "+OK marked\r\n");
	retr(&srv, msg2);
	retr(&srv, msg3);
	buf_addstr(&srv, "+OK marked\r\n+OK marked\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
	       "hostile-27: the next sync: %s", e.msg);
	like(sent.data, "UIDL\r\nDELE 1\r\nRETR 2\r\nRETR 3\r\nDELE 2\r\n"
			"DELE 3\r\n(open)",
	     "delete: message 1, already safe, is deleted without a "
	     "second RETR; the DELEs of new mail follow their group");
	is_int((intmax_t)count_new(), 3, "three messages, no duplicate");
	is_int((intmax_t)count_indexed(), 3, "three indexed, no duplicate");
	ok(stats.new_msgs == 2 && stats.removed == 3, "2 new, 3 deleted");

	/* hostile-26: the disk refuses writes while message 2 is stored */
	fresh(tmp, "full");
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 A\r\n2 B\r\n.\r\n");
	retr(&srv, msg1);
	retr(&srv, msg2);
	buf_addstr(&srv, "+OK reset\r\n");
	e = (struct perr)PERR_INIT;
	int rc = run_capture(&srv, &stats, &sent, fail_writes, 0, &e);
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	setrlimit(RLIMIT_FSIZE, &rl);
	is_int(rc, -1, "hostile-26: a local failure fails the sync");
	ok(e.kind == PERR_LOCAL && strstr(e.msg, "nothing deleted"),
	   "a local error that says nothing was deleted: %s", e.msg);
	ok(!strstr(sent.data, "(open)"), "no QUIT after a local failure");
	free(uidl);
	uidl = xstrfmt("%s/pop3-uidl", data_dir);
	char *journal = xstrfmt("%s/pop3-uidl.journal", data_dir);
	buf_reset(&f);
	ok(file_read_all(uidl, &f, 1 << 20, &e) < 0 &&
		   file_read_all(journal, &f, 1 << 20, &e) < 0,
	   "nothing of the failed group is recorded");
	is_int((intmax_t)count_new(), 0,
	       "nothing of the failed group is in the Maildir");
	like(sent.data, "RETR 1\r\nRETR 2\r\nRSET\r\n",
	     "no DELE, and RSET before the connection is dropped");
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 A\r\n2 B\r\n.\r\n");
	retr(&srv, msg1);
	retr(&srv, msg2);
	buf_addstr(&srv, "+OK marked\r\n+OK marked\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
	       "after the disk is back: %s", e.msg);
	like(sent.data, "RETR 1\r\nRETR 2\r\nDELE 1\r\nDELE 2\r\n(open)",
	     "both downloaded once, then deleted");
	is_int((intmax_t)count_new(), 2, "two messages, no duplicate");
	buf_reset(&f);
	ok(file_read_all(uidl, &f, 1 << 20, &e) == 0 &&
		   strstr(f.data, "\nA ") && strstr(f.data, "\nB ") &&
		   access(journal, F_OK) != 0,
	   "both recorded in pop3-uidl, the journal merged into it");
	free(journal);

	/* after N days */
	fresh(tmp, "days");
	pacct.pop3_delete = CFG_POP3_AFTER_DAYS;
	pacct.pop3_delete_days = 2;
	int64_t t0 = 1795399200;
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 old\r\n.\r\n");
	retr(&srv, msg1);
	is_int(run_capture(&srv, &stats, &sent, NULL, t0, &e), 0,
	       "days: first sync");
	ok(!strstr(sent.data, "DELE"), "days: a new message is kept");
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 old\r\n2 new\r\n.\r\n");
	buf_addstr(&srv, "+OK marked\r\n");
	retr(&srv, msg2);
	is_int(run_capture(&srv, &stats, &sent, NULL, t0 + 3 * 86400, &e), 0,
	       "days: three days later: %s", e.msg);
	like(sent.data, "UIDL\r\nDELE 1\r\nRETR 2\r\n(open)",
	     "days: the three-day-old message is deleted, the new one kept");

	/* a server without UIDL: messages named by a hash of TOP 0 */
	fresh(tmp, "nouidl");
	pacct.pop3_delete = CFG_POP3_LEAVE;
	static const char top[] = "+OK\r\nFrom: bob@lab.test\r\n"
				  "Subject: same\r\n\r\n.\r\n";
	for (int round = 0; round < 2; round++) {
		buf_reset(&srv);
		buf_addstr(&srv, open_ok);
		buf_addstr(&srv, "-ERR unknown command\r\n+OK 2 100\r\n");
		buf_addstr(&srv, top);
		buf_addstr(&srv, top);
		if (round == 0) {
			retr(&srv, msg2);
			retr(&srv, msg3);
		}
		e = (struct perr)PERR_INIT;
		is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
		       "no UIDL, sync %d: %s", round + 1, e.msg);
		like(sent.data, "UIDL\r\nSTAT\r\nTOP 1 0\r\nTOP 2 0\r\n",
		     "no UIDL, sync %d: STAT and TOP n 0 instead", round + 1);
		if (round == 0)
			like(sent.data, "RETR 1\r\nRETR 2\r\n(open)",
			     "no UIDL: both downloaded");
		else
			ok(!strstr(sent.data, "RETR"),
			   "no UIDL: the second sync downloads nothing");
	}
	free(uidl);
	uidl = xstrfmt("%s/pop3-uidl", data_dir);
	buf_reset(&f);
	ok(file_read_all(uidl, &f, 1 << 20, &e) == 0 &&
		   strstr(f.data, "\nhdr-") && strstr(f.data, "-2 "),
	   "no UIDL: header hashes recorded, the twin with '-2'");
	is_int((intmax_t)count_new(), 2, "no UIDL: two messages, once each");

	/* twins among others, in message order: A B A A gives hdr-A,
	 * hdr-B, hdr-A-2, hdr-A-3, the same at every sync */
	fresh(tmp, "nouidl-twins");
	static const char top_b[] = "+OK\r\nFrom: carol@lab.test\r\n"
				    "Subject: other\r\n\r\n.\r\n";
	for (int round = 0; round < 2; round++) {
		buf_reset(&srv);
		buf_addstr(&srv, open_ok);
		buf_addstr(&srv, "-ERR unknown command\r\n+OK 4 400\r\n");
		buf_addstr(&srv, top);
		buf_addstr(&srv, top_b);
		buf_addstr(&srv, top);
		buf_addstr(&srv, top);
		if (round == 0) {
			retr(&srv, msg1);
			retr(&srv, msg2);
			retr(&srv, msg3);
			retr(&srv, msg1);
		}
		e = (struct perr)PERR_INIT;
		is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
		       "no UIDL twins, sync %d: %s", round + 1, e.msg);
		if (round == 0)
			like(sent.data, "RETR 1\r\nRETR 2\r\nRETR 3\r\n"
					"RETR 4\r\n(open)",
			     "no UIDL twins: all four downloaded");
		else
			ok(!strstr(sent.data, "RETR"),
			   "no UIDL twins: the second sync downloads nothing");
	}
	free(uidl);
	uidl = xstrfmt("%s/pop3-uidl", data_dir);
	buf_reset(&f);
	ok(file_read_all(uidl, &f, 1 << 20, &e) == 0 &&
		   strstr(f.data, "-2 ") && strstr(f.data, "-3 ") &&
		   !strstr(f.data, "-4 "),
	   "no UIDL twins: three of one header block are hdr-X, -2 and -3");
	is_int((intmax_t)count_new(), 4, "no UIDL twins: four messages, once "
	       "each");

	/* hostile-24: one unique id listed twice: the second message is
	 * neither downloaded as a duplicate nor deleted unread */
	fresh(tmp, "twice");
	pacct.pop3_delete = CFG_POP3_DELETE;
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 same\r\n2 same\r\n.\r\n");
	retr(&srv, msg1);
	buf_addstr(&srv, "+OK marked\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
	       "hostile-24 duplicate UIDL: %s", e.msg);
	like(sent.data, "UIDL\r\nRETR 1\r\nDELE 1\r\n(open)",
	     "hostile-24: only the first of two messages with one id is "
	     "taken and deleted");
	ok(!strstr(sent.data, "DELE 2") && !strstr(sent.data, "RETR 2"),
	   "hostile-24: the second is left alone");

	/* a UIDL file that is not ours is refused, nothing downloaded */
	fresh(tmp, "bad");
	file_mkdirs(data_dir, 0700, &e);
	free(uidl);
	uidl = xstrfmt("%s/pop3-uidl", data_dir);
	file_write_atomic(uidl, "something else\n", 15, 0600, &e);
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 A\r\n.\r\n");
	retr(&srv, msg1);
	e = (struct perr)PERR_INIT;
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), -1,
	       "a foreign UIDL file fails the sync");
	like(e.msg, "not a POP3 UIDL file", "and says why");
	ok(!strstr(sent.data, "RETR"), "nothing is downloaded");

	/* The journal after a crash: a line whose file reached new/ is
	 * kept (no second RETR; indexed again from the Maildir); a line
	 * whose file never got there is dropped and that message
	 * downloaded again, once; a damaged line and a torn last line are
	 * ignored. */
	fresh(tmp, "journal");
	pacct.pop3_delete = CFG_POP3_LEAVE;
	char *newdir = xstrfmt("%s/inbox/new", data_dir);
	char *kept = xstrfmt("%s/1795399200.M1P1Q1.host", newdir);
	ok(file_mkdirs(newdir, 0700, &e) == 0 &&
		   file_write_atomic(kept, msg1, strlen(msg1), 0600, &e) == 0,
	   "journal: a message already in new/: %s", e.msg);
	char *jpath = xstrfmt("%s/pop3-uidl.journal", data_dir);
	static const char jtext[] =
		"postie-pop3-uidl-journal 1\n"
		"A 1795399200 1 new/1795399200.M1P1Q1.host\n"
		"B 1795399200 2 new/1795399200.M2P1Q2.host\n"
		"X not a line\n"
		"C 1795399200 3 new/17";
	file_write_atomic(jpath, jtext, strlen(jtext), 0600, &e);
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n1 A\r\n2 B\r\n3 C\r\n.\r\n");
	retr(&srv, msg2);
	retr(&srv, msg3);
	e = (struct perr)PERR_INIT;
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
	       "journal: sync after a crash: %s", e.msg);
	like(sent.data, "UIDL\r\nRETR 2\r\nRETR 3\r\n(open)",
	     "journal: only the messages whose files never arrived are "
	     "downloaded again");
	is_int((intmax_t)count_new(), 3, "journal: three files, no duplicate");
	is_int((intmax_t)count_indexed(), 3,
	       "journal: three indexed (the kept one from the Maildir)");
	free(uidl);
	uidl = xstrfmt("%s/pop3-uidl", data_dir);
	buf_reset(&f);
	ok(file_read_all(uidl, &f, 1 << 20, &e) == 0 &&
		   strstr(f.data, "\nA 1795399200 1 new/1795399200.M1P1Q1") &&
		   strstr(f.data, "\nB ") && strstr(f.data, "\nC ") &&
		   !strstr(f.data, "M2P1Q2") && access(jpath, F_OK) != 0,
	   "journal: merged into pop3-uidl and removed");
	free(jpath);
	free(kept);
	free(newdir);

	/* More than one group (64 messages): the DELEs of a group go out
	 * once its messages are safe, before the next group is fetched;
	 * every message is stored once. */
	fresh(tmp, "groups");
	pacct.pop3_delete = CFG_POP3_DELETE;
	buf_reset(&srv);
	buf_addstr(&srv, open_ok);
	buf_addstr(&srv, "+OK\r\n");
	for (int i = 1; i <= 150; i++)
		buf_addf(&srv, "%d U%d\r\n", i, i);
	buf_addstr(&srv, ".\r\n");
	for (int i = 1; i <= 150; i++) {
		retr(&srv, i % 2 ? msg1 : msg2);
		if (i == 64 || i == 128 || i == 150)
			for (int k = i == 150 ? 129 : i - 63; k <= i; k++)
				buf_addstr(&srv, "+OK marked\r\n");
	}
	e = (struct perr)PERR_INIT;
	is_int(run_capture(&srv, &stats, &sent, NULL, 0, &e), 0,
	       "groups: 150 messages: %s", e.msg);
	like(sent.data, "RETR 64\r\nDELE 1\r\n",
	     "groups: the first group's DELEs follow its last RETR");
	like(sent.data, "DELE 64\r\nRETR 65\r\n",
	     "groups: and come before the next group's first RETR");
	like(sent.data, "RETR 150\r\nDELE 129\r\n", "groups: the last group");
	ok(stats.new_msgs == 150 && stats.removed == 150,
	   "groups: 150 new, 150 deleted (%llu, %llu)",
	   (unsigned long long)stats.new_msgs,
	   (unsigned long long)stats.removed);
	is_int((intmax_t)count_new(), 150, "groups: 150 files");
	is_int((intmax_t)count_indexed(), 150, "groups: 150 indexed");

	store_close(st);
	free(data_dir);
	free(uidl);
	buf_release(&body);
	buf_release(&f);
	buf_release(&srv);
	buf_release(&sent);
	return done_testing();
}
