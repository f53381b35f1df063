/* SPDX-License-Identifier: ISC */
/*
 * The IMAP sync against scripted servers (net/'s in-memory fake) and a
 * real store: a first sync of two folders (a Chinese name in modified
 * UTF-7, RFC 2047 and GBK headers, an attachment seen in BODYSTRUCTURE);
 * a server without CONDSTORE, where flag changes and expunges come from a
 * FLAGS sweep; a UIDVALIDITY change that drops the cache (hostile-15);
 * UIDNEXT below the cached maximum (hostile-15); QRESYNC, where EXAMINE
 * carries the stored HIGHESTMODSEQ and brings only what changed since,
 * and nothing is fetched when it did not move; CONDSTORE alone; a folder
 * the server no longer lists; folder names that are not valid modified
 * UTF-7 or hold "../" (hostile-13); a FETCH with UID 0, skipped while
 * the rest of the FETCH is stored (hostile-9); more new messages than
 * one batch, stored by the writer thread in order, the newest 500 first;
 * a first sync cut short, resumed without a gap or a duplicate; a drop
 * during FETCH (hostile-2).
 */
#include <string.h>

#include "harness.h"
#include "../store/common.h"
#include "postie/account.h"
#include "postie/imap.h"
#include "postie/net.h"
#include "postie/store.h"

static struct store *st;

/* Append "{n}\r\ntext" to b. */
static void
lit(struct buf *b, const char *text)
{
	buf_addf(b, "{%zu}\r\n%s", strlen(text), text);
}

static const char hdr1[] =
	"From: =?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>\r\n"
	"To: alice@lab.test, =?GBK?B?wO7LxA==?= <lisi@163.com>\r\n"
	"Subject: =?GBK?B?1tDOxNb3zOI=?=\r\n"
	"Date: Mon, 23 Nov 2026 10:00:00 +0800\r\n"
	"Message-ID: <m1@qq.com>\r\n\r\n";
static const char hdr2[] =
	"From: bob@lab.test\r\nSubject: report\r\n"
	"Message-ID: <m2@lab.test>\r\nIn-Reply-To: <m1@qq.com>\r\n"
	"References: <m0@qq.com> <m1@qq.com>\r\n\r\n";

static const char bs_text[] =
	"(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 "
	"NIL NIL NIL NIL)";
static const char bs_mixed[] =
	"((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1)"
	"(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 100"
	" NIL (\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL) \"mixed\")";

static void
fetch_resp(struct buf *b, unsigned seq, unsigned uid, const char *flags,
	   const char *bs, const char *hdr)
{
	buf_addf(b, "* %u FETCH (UID %u FLAGS (%s) INTERNALDATE "
		    "\"23-Nov-2026 10:00:00 +0800\" RFC822.SIZE 1234 "
		    "BODYSTRUCTURE %s BODY[HEADER.FIELDS (FROM TO CC SUBJECT "
		    "DATE MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE)] ",
		 seq, uid, flags, bs);
	lit(b, hdr);
	buf_addstr(b, ")\r\n");
}

/* What the sync said was stored before a folder's end, and how many
 * messages the store held then. */
static uint64_t stored_said, stored_seen;

static void
on_stored(void *arg, const char *folder, uint64_t done, uint64_t total)
{
	struct store_folder f = { 0 };
	struct perr e = PERR_INIT;

	(void)arg;
	(void)total;
	stored_said = done;
	if (store_folder_find(st, folder, strlen(folder), &f, &e) == 1)
		stored_seen = f.total;
	store_folder_release(&f);
}

/* Run one sync against the server bytes; the client's lines go to sent. */
static int
run(const struct buf *server, size_t chunk, const char *folder,
    struct acct_sync_stats *stats, struct buf *sent, struct perr *e)
{
	struct imap_session s;
	struct imap_session_params ip = {
		.host = "imap.example.com", .tls = IMAP_TLS_IMPLICIT,
		.user = "alice", .password = "pw", .cancel_fd = -1,
	};
	struct acct_sync_params p = {
		.store = st, .folder = folder, .cancel_fd = -1,
		.stored = on_stored,
	};
	struct net_conn *c = net_conn_fake(server->data, server->len, chunk,
					   0);
	int rc = imap_session_open_conn(&s, c, &ip, e);
	if (rc == 0)
		rc = acct_sync_imap_session(&s, &p, stats, e);
	buf_reset(sent);
	if (s.conn)
		buf_add(sent, net_fake_output(s.conn)->data,
			net_fake_output(s.conn)->len);
	imap_session_close(&s);
	return rc;
}

static int64_t
folder_id(const char *raw)
{
	struct store_folder f = { 0 };
	struct perr e = PERR_INIT;
	int64_t id = 0;
	if (store_folder_find(st, raw, strlen(raw), &f, &e) == 1)
		id = f.id;
	store_folder_release(&f);
	return id;
}

static void
first_sync(size_t chunk)
{
	struct buf srv, sent;
	struct acct_sync_stats stats;
	struct perr e = PERR_INIT;

	buf_init(&srv);
	buf_init(&sent);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
			 "* LIST (\\HasNoChildren \\Sent) \"/\" &XfJT0ZAB-\r\n"
			 "* LIST (\\Noselect) \"/\" foo\r\n"
			 "A2 OK list\r\n"
			 "* 2 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n"
			 "* OK [UIDNEXT 3] x\r\nA3 OK [READ-ONLY] sel\r\n");
	fetch_resp(&srv, 1, 1, "\\Seen", bs_text, hdr1);
	fetch_resp(&srv, 2, 2, "", bs_mixed, hdr2);
	buf_addstr(&srv, "A4 OK fetch\r\n"
			 "* 0 EXISTS\r\n* OK [UIDVALIDITY 9] x\r\n"
			 "* OK [UIDNEXT 1] x\r\nA5 OK [READ-ONLY] sel\r\n");
	int rc = run(&srv, chunk, NULL, &stats, &sent, &e);
	is_int(rc, 0, "first sync (chunk %zu): %s", chunk, e.msg);
	like(sent.data, "A2 LIST \"\" \"*\"\r\n", "LIST sent");
	like(sent.data, "A3 EXAMINE INBOX\r\n", "INBOX examined, not selected");
	like(sent.data, "A4 UID FETCH 1:* (UID FLAGS INTERNALDATE "
			"RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS",
	     "new mail fetched in one UID FETCH 1:*");
	like(sent.data, "A5 EXAMINE &XfJT0ZAB-\r\n",
	     "the Chinese folder is examined by its raw name");
	ok(!strstr(sent.data, "EXAMINE foo"), "a \\Noselect folder is skipped");
	ok(stats.folders == 2 && stats.new_msgs == 2 && stats.changed == 0 &&
		   stats.removed == 0,
	   "stats: 2 folders, 2 new (%u %llu)", stats.folders,
	   (unsigned long long)stats.new_msgs);

	struct store_summaries sum = { 0 };
	int64_t inbox = folder_id("INBOX");
	ok(inbox > 0 && store_load(st, inbox, &sum, &e) == 0 && sum.n == 2,
	   "INBOX holds two summaries");
	if (sum.n == 2) {
		const struct store_summary *m = &sum.v[0];
		is_str(store_str(&sum, m->subject), "中文主题",
		       "GBK encoded word decoded");
		is_str(store_str(&sum, m->from_name), "张三",
		       "From display name decoded");
		is_str(store_str(&sum, m->from_addr), "zhangsan@qq.com",
		       "From address");
		like(store_str(&sum, m->to), "李四 <lisi@163.com>",
		     "To decoded and formatted");
		is_str(store_str(&sum, m->message_id), "m1@qq.com",
		       "Message-ID without brackets");
		ok(m->flags & STORE_F_SEEN, "\\Seen kept");
		ok(!(m->flags & STORE_F_ATTACHMENT), "plain text: no "
		   "attachment");
		is_int(m->size, 1234, "RFC822.SIZE");
		is_int(m->date, 1795399200, "Date: parsed");
		m = &sum.v[1];
		ok(!(m->flags & STORE_F_SEEN), "message 2 unread");
		ok(m->flags & STORE_F_ATTACHMENT,
		   "the PDF in BODYSTRUCTURE is an attachment");
		is_str(store_str(&sum, m->in_reply_to), "m1@qq.com",
		       "In-Reply-To");
		is_str(store_str(&sum, m->references), "m0@qq.com m1@qq.com",
		       "References");
	}
	store_summaries_release(&sum);
	struct store_folder f = { 0 };
	ok(store_folder_find(st, "&XfJT0ZAB-", 10, &f, &e) == 1 &&
		   strcmp(f.name, "已发送") == 0 && f.role == STORE_ROLE_SENT &&
		   f.uidvalidity == 9,
	   "the Sent folder is stored with its UTF-8 name and role");
	store_folder_release(&f);
	buf_release(&srv);
	buf_release(&sent);
}

/* More new messages than one batch: the writer thread stores them all,
 * in order, with the folder's counts and the search index current. */
static void
many_new(const char *tmp)
{
	enum { N = 2500 };
	struct buf srv, sent;
	struct acct_sync_stats stats;
	struct perr e = PERR_INIT;
	char *dir = xstrfmt("%s/many", tmp);

	st = store_open(dir, STORE_WRITE, NULL, &e);
	ok(st != NULL, "store open: %s", e.msg);
	buf_init(&srv);
	buf_init(&sent);
	buf_addf(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
		       "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
		       "* LIST () \"/\" INBOX\r\nA2 OK list\r\n"
		       "* %d EXISTS\r\n* OK [UIDVALIDITY 3] x\r\n"
		       "* OK [UIDNEXT %d] x\r\nA3 OK sel\r\n", N, 2 * N + 1);
	/* the newest 500 first, by sequence number, then the rest by UID */
	for (unsigned k = 0; k < 2; k++) {
		unsigned lo = k ? 1 : N - 499, hi = k ? N - 500 : N;
		for (unsigned i = lo; i <= hi; i++) {
			char hdr[160];
			snprintf(hdr, sizeof(hdr),
				 "From: a%u@lab.test\r\nSubject: note%u\r\n"
				 "Message-ID: <n%u@lab.test>\r\n\r\n", i, i,
				 i);
			fetch_resp(&srv, i, 2 * i, i % 2 ? "\\Seen" : "",
				   bs_text, hdr);
		}
		buf_addstr(&srv, k ? "A5 OK fetch\r\n" : "A4 OK fetch\r\n");
	}
	stored_said = stored_seen = 0;
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "%d new messages in one sync: %s", N, e.msg);
	like(sent.data, "A4 FETCH 2001:* (UID FLAGS ",
	     "a first sync asks for the newest 500 messages first");
	like(sent.data, "A5 UID FETCH 1:4001 (UID FLAGS ",
	     "then for the UIDs below the lowest of them");
	ok(stored_said == 500 && stored_seen == 500,
	   "the newest 500 are in the store, and said so, before the rest "
	   "(said %llu, stored %llu)", (unsigned long long)stored_said,
	   (unsigned long long)stored_seen);
	ok(stats.new_msgs == N, "all counted as new (%llu)",
	   (unsigned long long)stats.new_msgs);
	int64_t id = folder_id("INBOX");
	uint32_t *uids = NULL;
	size_t n = 0;
	bool in_order = store_uid_list(st, id, &uids, &n, &e) == 0 && n == N;
	for (size_t i = 0; in_order && i < n; i++)
		in_order = uids[i] == 2 * (i + 1);
	ok(in_order, "every UID stored (%zu of %d), none twice", n, N);
	free(uids);
	struct store_folder f = { 0 };
	ok(store_folder_get(st, id, &f, &e) == 1 && f.total == N &&
		   f.unread == N / 2,
	   "the folder's counts add up (total %u, unread %u)",
	   (unsigned)f.total, (unsigned)f.unread);
	store_folder_release(&f);
	struct store_hit *hits = NULL;
	size_t nh = 0;
	ok(store_search(st, id, "note2345", 10, &hits, &nh, &e) == 0 &&
		   nh == 1 && hits[0].uid == 4690,
	   "a message of the last batch is in the search index (%zu hits)",
	   nh);
	free(hits);
	uint32_t pending = 1;
	ok(store_index_pending(st, &pending, &e) == 0 && pending == 0,
	   "nothing is left out of the search index (%u)", (unsigned)pending);
	store_close(st);
	st = NULL;
	buf_release(&srv);
	buf_release(&sent);
	free(dir);
}

/* A first sync cut short after its newest messages: the next sync
 * fetches 1:* again, skipping what it has, and ends with every message
 * once. */
static void
resume_first(const char *tmp)
{
	enum { N = 600 };
	struct buf srv, sent;
	struct acct_sync_stats stats;
	struct perr e = PERR_INIT;
	char *dir = xstrfmt("%s/resume", tmp);
	static const char head[] =
		"* OK [CAPABILITY IMAP4rev1] hi\r\n"
		"A1 OK [CAPABILITY IMAP4rev1] in\r\n"
		"* LIST () \"/\" INBOX\r\nA2 OK list\r\n"
		"* 600 EXISTS\r\n* OK [UIDVALIDITY 3] x\r\n"
		"* OK [UIDNEXT 601] x\r\nA3 OK sel\r\n";

	st = store_open(dir, STORE_WRITE, NULL, &e);
	buf_init(&srv);
	buf_init(&sent);
	buf_addstr(&srv, head);
	for (unsigned i = N - 499; i <= N; i++)
		fetch_resp(&srv, i, i, "", bs_text, hdr2);
	buf_addstr(&srv, "A4 OK fetch\r\n");
	for (unsigned i = 1; i <= 50; i++)
		fetch_resp(&srv, i, i, "", bs_text, hdr2);
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), -1,
	       "resume: the first sync is cut after the newest 500");
	int64_t id = folder_id("INBOX");
	uint32_t *uids = NULL;
	size_t n = 0;
	ok(store_uid_list(st, id, &uids, &n, &e) == 0 && n == 500 &&
		   uids[0] == 101,
	   "resume: the newest 500 are kept (%zu)", n);
	free(uids);

	buf_reset(&srv);
	buf_addstr(&srv, head);
	for (unsigned i = 1; i <= N; i++)
		fetch_resp(&srv, i, i, "", bs_text, hdr2);
	buf_addstr(&srv, "A4 OK fetch\r\n");
	for (unsigned i = 1; i <= N; i++)
		buf_addf(&srv, "* %u FETCH (UID %u FLAGS ())\r\n", i, i);
	buf_addstr(&srv, "A5 OK sweep\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "resume: the next sync: %s", e.msg);
	like(sent.data, "A4 UID FETCH 1:* (UID FLAGS ",
	     "resume: it fetches 1:* again");
	ok(stats.new_msgs == 100 && stats.removed == 0,
	   "resume: the 100 missing are new, none removed (%llu, %llu)",
	   (unsigned long long)stats.new_msgs,
	   (unsigned long long)stats.removed);
	bool once = store_uid_list(st, id, &uids, &n, &e) == 0 && n == N;
	for (size_t i = 0; once && i < n; i++)
		once = uids[i] == i + 1;
	ok(once, "resume: every message once (%zu of %d)", n, N);
	free(uids);
	store_close(st);
	st = NULL;
	buf_release(&srv);
	buf_release(&sent);
	free(dir);
}

int
main(void)
{
	const char *tmp = tmp_make();
	struct perr e = PERR_INIT;
	struct acct_sync_stats stats;
	struct buf srv, sent;

	buf_init(&srv);
	buf_init(&sent);
	for (size_t chunk = 0; chunk < 2; chunk++) {
		char *dir = xstrfmt("%s/c%zu", tmp, chunk);
		st = store_open(dir, STORE_WRITE, NULL, &e);
		ok(st != NULL, "store open: %s", e.msg);
		first_sync(chunk ? 7 : 0);
		store_close(st);
		free(dir);
	}
	many_new(tmp);
	resume_first(tmp);
	st = store_open(tmp, STORE_WRITE, NULL, &e);
	first_sync(0);
	int64_t inbox = folder_id("INBOX");
	uint32_t unread = 0;

	/* no CONDSTORE: a FLAGS sweep finds a flag change and an expunge;
	 * the folder the server stopped listing is dropped */
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
			 "A2 OK list\r\n"
			 "* 2 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n"
			 "* OK [UIDNEXT 4] x\r\nA3 OK [READ-ONLY] sel\r\n");
	fetch_resp(&srv, 2, 3, "\\Recent", bs_text, hdr2);
	buf_addstr(&srv, "A4 OK fetch\r\n"
			 "* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged work))\r\n"
			 "* 2 FETCH (UID 3 FLAGS ())\r\n"
			 "A5 OK sweep\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "sweep sync: %s", e.msg);
	like(sent.data, "A4 UID FETCH 3:* (UID FLAGS",
	     "new mail asked from the cached maximum + 1");
	like(sent.data, "A5 UID FETCH 1:2 (UID FLAGS)\r\n",
	     "without CONDSTORE, a FLAGS sweep over the cached UIDs");
	ok(stats.new_msgs == 1 && stats.changed == 1 && stats.removed == 1,
	   "1 new, 1 changed, 1 removed (%llu %llu %llu)",
	   (unsigned long long)stats.new_msgs,
	   (unsigned long long)stats.changed,
	   (unsigned long long)stats.removed);
	uint32_t *uids = NULL;
	size_t n = 0;
	ok(store_uid_list(st, inbox, &uids, &n, &e) == 0 && n == 2 &&
		   uids[0] == 1 && uids[1] == 3,
	   "UID 2, missing from the sweep, is expunged from the store");
	free(uids);
	struct store_summaries sum = { 0 };
	store_load(st, inbox, &sum, &e);
	ok(sum.n == 2 && (sum.v[0].flags & STORE_F_FLAGGED) &&
		   strcmp(store_str(&sum, sum.v[0].keywords), "work") == 0,
	   "\\Flagged and a keyword set by another client are seen");
	store_summaries_release(&sum);
	ok(folder_id("&XfJT0ZAB-") == 0,
	   "a folder the server no longer lists is dropped");

	/* hostile-15: UIDVALIDITY changed: the cache is dropped, the new
	 * UIDs fetched from 1 */
	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" INBOX\r\nA2 OK list\r\n"
			 "* 1 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 2] x\r\nA3 OK [READ-ONLY] sel\r\n");
	fetch_resp(&srv, 1, 1, "", bs_text, hdr2);
	buf_addstr(&srv, "A4 OK fetch\r\n");
	is_int(run(&srv, 0, "INBOX", &stats, &sent, &e), 0,
	       "hostile-15 UIDVALIDITY change: %s", e.msg);
	like(sent.data, "A4 UID FETCH 1:* ", "everything is fetched again");
	ok(!strstr(sent.data, "A5 "), "no flag sweep with the old UIDs");
	store_count_unread(st, inbox, &unread, &e);
	ok(store_uid_list(st, inbox, &uids, &n, &e) == 0 && n == 1 &&
		   uids[0] == 1 && unread == 1,
	   "only the message under the new UIDVALIDITY is left");
	free(uids);

	/* hostile-15: UIDNEXT at or below the highest cached UID */
	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" INBOX\r\nA2 OK list\r\n"
			 "* 0 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 1] x\r\nA3 OK [READ-ONLY] sel\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "hostile-15 UIDNEXT below the cache: %s", e.msg);
	ok(store_uid_list(st, inbox, &uids, &n, &e) == 0 && n == 0,
	   "the folder's cache is dropped");
	free(uids);

	/* QRESYNC: the first sync stores HIGHESTMODSEQ; the next passes it
	 * to EXAMINE, which brings what changed since, with VANISHED
	 * (EARLIER) (a range reaching 2^32-1 is met with the cached UIDs,
	 * not expanded); a third with the same HIGHESTMODSEQ sends no FETCH
	 * at all */
	static const char qcaps[] =
		"* OK [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] hi\r\n"
		"A1 OK [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] in\r\n"
		"* ENABLED QRESYNC\r\nA2 OK enabled\r\n"
		"* LIST () \"/\" INBOX\r\nA3 OK list\r\n";
	buf_reset(&srv);
	buf_addstr(&srv, qcaps);
	buf_addstr(&srv, "* 2 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 3] x\r\n"
			 "* OK [HIGHESTMODSEQ 100] x\r\nA4 OK sel\r\n");
	fetch_resp(&srv, 1, 1, "", bs_text, hdr1);
	fetch_resp(&srv, 2, 2, "", bs_text, hdr2);
	buf_addstr(&srv, "A5 OK fetch\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0, "QRESYNC first: %s",
	       e.msg);
	like(sent.data, "A2 ENABLE QRESYNC\r\n", "QRESYNC enabled");
	struct store_folder f = { 0 };
	ok(store_folder_get(st, inbox, &f, &e) == 1 &&
		   f.highestmodseq == 100,
	   "HIGHESTMODSEQ stored after the sync");
	store_folder_release(&f);

	buf_reset(&srv);
	buf_addstr(&srv, qcaps);
	buf_addstr(&srv, "* 1 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 3] x\r\n"
			 "* OK [HIGHESTMODSEQ 105] x\r\n"
			 "* VANISHED (EARLIER) 2:4294967295\r\n"
			 "* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (104))\r\n"
			 "A4 OK sel\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "QRESYNC changes: %s", e.msg);
	like(sent.data, "A4 EXAMINE INBOX (QRESYNC (8 100 1:2))\r\n",
	     "EXAMINE carries the cache's UIDVALIDITY, HIGHESTMODSEQ and UIDs");
	ok(!strstr(sent.data, "A5 "),
	   "the changes come with it: no second command");
	ok(!strstr(sent.data, "1:* (UID FLAGS INTERNALDATE"),
	   "no new-mail FETCH when UIDNEXT did not move");
	ok(stats.changed == 1 && stats.removed == 1,
	   "VANISHED and a FETCH: 1 changed, 1 removed");
	store_count_unread(st, inbox, &unread, &e);
	ok(store_uid_list(st, inbox, &uids, &n, &e) == 0 && n == 1 &&
		   unread == 0,
	   "the store follows: UID 2 gone, UID 1 seen");
	free(uids);

	buf_reset(&srv);
	buf_addstr(&srv, qcaps);
	buf_addstr(&srv, "* 1 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 3] x\r\n"
			 "* OK [HIGHESTMODSEQ 105] x\r\nA4 OK sel\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "QRESYNC, nothing changed: %s", e.msg);
	ok(!strstr(sent.data, "FETCH"), "nothing changed: no FETCH at all");

	/* CONDSTORE without QRESYNC (a separate store): CHANGEDSINCE while
	 * the message count matches, a sweep when it does not, nothing when
	 * HIGHESTMODSEQ did not move */
	struct store *main_st = st;
	char *csdir = xstrfmt("%s/condstore", tmp);
	st = store_open(csdir, STORE_WRITE, NULL, &e);
	static const char ccaps[] =
		"* OK [CAPABILITY IMAP4rev1 ENABLE CONDSTORE] hi\r\n"
		"A1 OK [CAPABILITY IMAP4rev1 ENABLE CONDSTORE] in\r\n"
		"* ENABLED CONDSTORE\r\nA2 OK enabled\r\n"
		"* LIST () \"/\" INBOX\r\nA3 OK list\r\n";
	buf_reset(&srv);
	buf_addstr(&srv, ccaps);
	buf_addstr(&srv, "* 2 EXISTS\r\n* OK [UIDVALIDITY 3] x\r\n"
			 "* OK [UIDNEXT 3] x\r\n"
			 "* OK [HIGHESTMODSEQ 50] x\r\nA4 OK sel\r\n");
	fetch_resp(&srv, 1, 1, "", bs_text, hdr1);
	fetch_resp(&srv, 2, 2, "", bs_text, hdr2);
	buf_addstr(&srv, "A5 OK fetch\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "CONDSTORE first: %s", e.msg);
	like(sent.data, "A2 ENABLE CONDSTORE\r\n", "CONDSTORE enabled");
	buf_reset(&srv);
	buf_addstr(&srv, ccaps);
	buf_addstr(&srv, "* 2 EXISTS\r\n* OK [UIDVALIDITY 3] x\r\n"
			 "* OK [UIDNEXT 3] x\r\n"
			 "* OK [HIGHESTMODSEQ 60] x\r\nA4 OK sel\r\n"
			 "* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (55))\r\n"
			 "A5 OK changes\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "CONDSTORE flags: %s", e.msg);
	like(sent.data, "A5 UID FETCH 1:2 (UID FLAGS) (CHANGEDSINCE 50)\r\n",
	     "CONDSTORE: only flags changed since the stored modseq");
	ok(stats.changed == 1 && stats.removed == 0, "CONDSTORE: 1 changed");
	buf_reset(&srv);
	buf_addstr(&srv, ccaps);
	buf_addstr(&srv, "* 1 EXISTS\r\n* OK [UIDVALIDITY 3] x\r\n"
			 "* OK [UIDNEXT 3] x\r\n"
			 "* OK [HIGHESTMODSEQ 61] x\r\nA4 OK sel\r\n"
			 "* 1 FETCH (UID 2 FLAGS ())\r\nA5 OK sweep\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "CONDSTORE expunge: %s", e.msg);
	like(sent.data, "A5 UID FETCH 1:2 (UID FLAGS)\r\n",
	     "CONDSTORE: a count that differs means a sweep");
	ok(stats.changed == 0 && stats.removed == 1,
	   "CONDSTORE: the expunge is found");
	buf_reset(&srv);
	buf_addstr(&srv, ccaps);
	buf_addstr(&srv, "* 1 EXISTS\r\n* OK [UIDVALIDITY 3] x\r\n"
			 "* OK [UIDNEXT 3] x\r\n"
			 "* OK [HIGHESTMODSEQ 61] x\r\nA4 OK sel\r\n");
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "CONDSTORE unchanged: %s", e.msg);
	ok(!strstr(sent.data, "FETCH"), "CONDSTORE: nothing moved, no FETCH");
	store_close(st);
	st = main_st;
	free(csdir);

	/* a folder the server refuses is counted and reported; a named
	 * folder that does not exist is an error */
	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" INBOX\r\n* LIST () \"/\" Bad\r\n"
			 "A2 OK list\r\n"
			 "* 1 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 3] x\r\nA3 OK sel\r\n"
			 "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nA4 OK sweep\r\n"
			 "A5 NO [NONEXISTENT] gone\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), -1,
	       "a refused folder fails the sync");
	ok(stats.folders == 1 && stats.folders_failed == 1 &&
		   e.kind == PERR_FOLDER && strstr(e.msg, "Bad"),
	   "the other folder synced; the error names the folder: %s", e.msg);
	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" INBOX\r\nA2 OK list\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run(&srv, 0, "Nope", &stats, &sent, &e), -1,
	       "sync of a folder the server does not list");
	like(e.msg, "no folder 'Nope'", "says which");

	/* hostile-13: a name that is not valid modified UTF-7 and one with
	 * "../" are kept opaque, shown as their bytes, and selected by their
	 * raw bytes */
	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" INBOX\r\n"
			 "* LIST () \"/\" \"&Jjo\"\r\n"
			 "* LIST () \"/\" \"../x\"\r\n"
			 "A2 OK list\r\n"
			 "* 1 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 3] x\r\nA3 OK sel\r\n"
			 "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nA4 OK sweep\r\n"
			 "* 1 EXISTS\r\n* OK [UIDVALIDITY 5] x\r\n"
			 "* OK [UIDNEXT 9] x\r\nA5 OK sel\r\n");
	fetch_resp(&srv, 1, 7, "", bs_text, hdr2);
	buf_addstr(&srv, "A6 OK fetch\r\n"
			 "* 0 EXISTS\r\n* OK [UIDVALIDITY 6] x\r\n"
			 "* OK [UIDNEXT 1] x\r\nA7 OK sel\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), 0,
	       "hostile-13 odd folder names: %s", e.msg);
	like(sent.data, "A5 EXAMINE &Jjo\r\n",
	     "the invalid modified UTF-7 name is sent back as it came");
	like(sent.data, "A7 EXAMINE ../x\r\n", "so is '../x'");
	ok(store_folder_find(st, "&Jjo", 4, &f, &e) == 1 &&
		   strcmp(f.name, "&Jjo") == 0,
	   "the opaque name is stored and shown as its bytes");
	int64_t odd = f.id;
	store_folder_release(&f);
	ok(store_uid_list(st, odd, &uids, &n, &e) == 0 && n == 1 &&
		   uids[0] == 7,
	   "its message is stored under it");
	free(uids);

	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" \"&Jjo\"\r\nA2 OK list\r\n"
			 "* 2 EXISTS\r\n* OK [UIDVALIDITY 5] x\r\n"
			 "* OK [UIDNEXT 12] x\r\nA3 OK sel\r\n");
	fetch_resp(&srv, 2, 0, "", bs_text, hdr2);
	fetch_resp(&srv, 3, 11, "\\Seen", bs_mixed, hdr1);
	buf_addstr(&srv, "A4 OK fetch\r\n"
			 "* 1 FETCH (UID 7 FLAGS ())\r\nA5 OK sweep\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run(&srv, 0, "&Jjo", &stats, &sent, &e), 0,
	       "hostile-9: a FETCH with UID 0 does not fail the sync: %s",
	       e.msg);
	ok(stats.skipped == 1 && stats.new_msgs == 1,
	   "hostile-9: that message is skipped, the next one stored "
	   "(skipped %llu, new %llu)", (unsigned long long)stats.skipped,
	   (unsigned long long)stats.new_msgs);
	ok(store_uid_list(st, odd, &uids, &n, &e) == 0 && n == 2 &&
		   uids[0] == 7 && uids[1] == 11,
	   "hostile-9: nothing is stored for UID 0, UID 11 is");
	free(uids);

	/* an unsolicited flags-only FETCH among the new-mail FETCH answers
	 * is no new message */
	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" \"&Jjo\"\r\nA2 OK list\r\n"
			 "* 4 EXISTS\r\n* OK [UIDVALIDITY 5] x\r\n"
			 "* OK [UIDNEXT 14] x\r\nA3 OK sel\r\n"
			 "* 3 FETCH (UID 12 FLAGS (\\Seen))\r\n");
	fetch_resp(&srv, 4, 13, "", bs_text, hdr2);
	buf_addstr(&srv, "A4 OK fetch\r\n"
			 "* 1 FETCH (UID 7 FLAGS ())\r\n"
			 "* 2 FETCH (UID 11 FLAGS (\\Seen))\r\nA5 OK sweep\r\n");
	e = (struct perr)PERR_INIT;
	is_int(run(&srv, 0, "&Jjo", &stats, &sent, &e), 0,
	       "a flags-only FETCH in the new-mail answers: %s", e.msg);
	ok(stats.new_msgs == 1, "only the real summary is new (new %llu)",
	   (unsigned long long)stats.new_msgs);
	ok(store_uid_list(st, odd, &uids, &n, &e) == 0 && n == 3 &&
		   uids[2] == 13,
	   "UID 13 is stored, the flags-only UID 12 is not (n %zu)", n);
	free(uids);

	/* the connection drops in the middle of the new-mail FETCH: an
	 * error, and what was not complete is not stored */
	buf_reset(&srv);
	buf_addstr(&srv, "* OK [CAPABILITY IMAP4rev1] hi\r\n"
			 "A1 OK [CAPABILITY IMAP4rev1] in\r\n"
			 "* LIST () \"/\" INBOX\r\nA2 OK list\r\n"
			 "* 3 EXISTS\r\n* OK [UIDVALIDITY 8] x\r\n"
			 "* OK [UIDNEXT 9] x\r\nA3 OK sel\r\n"
			 "* 3 FETCH (UID 8 BODY[HEADER.FIELDS (FROM)] {100}\r\n"
			 "From: x");
	e = (struct perr)PERR_INIT;
	is_int(run(&srv, 0, NULL, &stats, &sent, &e), -1,
	       "hostile-2: a drop during the FETCH fails the sync");
	ok(e.kind == PERR_CONN, "as a connection error: %s", e.msg);
	ok(store_uid_list(st, inbox, &uids, &n, &e) == 0 && n == 1 &&
		   uids[0] == 1,
	   "nothing half-fetched is stored");
	free(uids);

	store_close(st);
	buf_release(&srv);
	buf_release(&sent);
	return done_testing();
}
