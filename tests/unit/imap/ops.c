/* SPDX-License-Identifier: ISC */
/*
 * Operations on messages and folders against scripted servers (net/'s
 * in-memory fake): the commands sent are compared byte for byte. A move
 * with MOVE, the COPY fallback with UIDPLUS, no EXPUNGE at all without
 * UIDPLUS while other messages are marked \Deleted (hostile-16), no STORE
 * after a failed COPY, TRYCREATE, APPEND with and without LITERAL+,
 * conditional STORE, and hostile search texts that must stay one string.
 */
#include <string.h>

#include "harness.h"
#include "postie/imap.h"
#include "postie/net.h"

/* What the client sent after the opening (LOGIN and SELECT). */
static const char *
sent_ops(struct imap_session *s)
{
	const struct buf *o = net_fake_output(s->conn);
	const char *p = o->len ? strstr(o->data, "A2 SELECT INBOX\r\n") : NULL;
	return p ? p + strlen("A2 SELECT INBOX\r\n") : "";
}

/* Open and select INBOX over a script whose capabilities are caps, then
 * whatever tail the test gives (the answers from A3 on). */
static int
open_sel(struct imap_session *s, const char *caps, const char *tail,
	 size_t chunk)
{
	struct buf in = BUF_INIT;
	struct perr e = PERR_INIT;
	struct imap_session_params p = {
		.host = "h", .tls = IMAP_TLS_IMPLICIT, .user = "u",
		.password = "p", .cancel_fd = -1,
	};

	buf_addf(&in, "* OK [CAPABILITY IMAP4rev1 %s] hi\r\n"
		      "A1 OK [CAPABILITY IMAP4rev1 %s] in\r\n"
		      "* 3 EXISTS\r\n* OK [UIDVALIDITY 42] x\r\n"
		      "A2 OK [READ-WRITE] sel\r\n%s",
		 caps, caps, tail);
	struct net_conn *c = net_conn_fake(in.data, in.len, chunk, 0);
	buf_release(&in);
	int rc = imap_session_open_conn(s, c, &p, &e);
	if (rc == 0)
		rc = imap_session_select(s, "INBOX", false, false, &e);
	if (rc < 0)
		diag("open: %s", e.msg);
	return rc;
}

static void
set_of(struct imap_seqset *set, uint32_t lo, uint32_t hi)
{
	imap_seqset_init(set);
	imap_seqset_add(set, lo, hi);
}

static void
check_move(void)
{
	struct imap_session s;
	struct imap_copy_result r;
	struct imap_seqset set;
	struct perr e = PERR_INIT;
	struct buf b = BUF_INIT;

	/* MOVE offered: one command, COPYUID from the untagged OK */
	set_of(&set, 1, 2);
	imap_copy_result_init(&r);
	open_sel(&s, "MOVE UIDPLUS",
		 "* OK [COPYUID 7 1:2 100:101] moving\r\n"
		 "* 1 EXPUNGE\r\n* 1 EXPUNGE\r\nA3 OK moved\r\n", 0);
	is_int(imap_uid_move(&s, &set, "归档", false, &r, &e), 0,
	       "MOVE: succeeds %s", e.msg);
	is_str(sent_ops(&s), "A3 UID MOVE 1:2 &X1JoYw-\r\n",
	       "MOVE: one UID MOVE, name in modified UTF-7");
	is_int(r.how, IMAP_MOVE_MOVED, "MOVE: reported moved");
	imap_seqset_format(&r.dst, &b);
	ok(r.uidvalidity == 7 && strcmp(b.data, "100:101") == 0,
	   "MOVE: COPYUID destination 7 / %s", b.data);
	is_int(s.mbox.exists, 1, "MOVE: EXPUNGEs noted");
	imap_copy_result_release(&r);
	imap_session_close(&s);
	buf_reset(&b);

	/* no MOVE, UIDPLUS: COPY, STORE, UID EXPUNGE of those UIDs only */
	for (size_t chunk = 0; chunk < 2; chunk++) {
		imap_copy_result_init(&r);
		open_sel(&s, "UIDPLUS",
			 "A3 OK [COPYUID 7 1:2 200:201] copied\r\n"
			 "A4 OK stored\r\n"
			 "* 1 EXPUNGE\r\n* 1 EXPUNGE\r\nA5 OK expunged\r\n",
			 chunk);
		is_int(imap_uid_move(&s, &set, "Archive", false, &r, &e), 0,
		       "COPY fallback (chunk %zu): %s", chunk, e.msg);
		is_str(sent_ops(&s),
		       "A3 UID COPY 1:2 Archive\r\n"
		       "A4 UID STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n"
		       "A5 UID EXPUNGE 1:2\r\n",
		       "COPY fallback: COPY, STORE, UID EXPUNGE (chunk %zu)",
		       chunk);
		is_int(r.how, IMAP_MOVE_EXPUNGED, "COPY fallback: expunged");
		imap_copy_result_release(&r);
		imap_session_close(&s);
	}

	/* hostile-16: no UIDPLUS and another message already \Deleted: no
	 * EXPUNGE of any kind, the sources stay marked */
	imap_copy_result_init(&r);
	open_sel(&s, "",
		 "* 3 FETCH (FLAGS (\\Deleted))\r\nA3 OK copied\r\n"
		 "A4 OK stored\r\nA5 OK noop\r\n", 0);
	is_int(imap_uid_move(&s, &set, "Archive", false, &r, &e), 0,
	       "hostile-16: move without UIDPLUS returns 0 (%s)", e.msg);
	is_int(r.how, IMAP_MOVE_MARKED, "hostile-16: reported as marked only");
	is_int(imap_noop(&s, NULL, NULL, &e), 0, "hostile-16: NOOP after");
	is_str(sent_ops(&s),
	       "A3 UID COPY 1:2 Archive\r\n"
	       "A4 UID STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n"
	       "A5 NOOP\r\n", "hostile-16: no EXPUNGE sent");
	imap_copy_result_release(&r);
	imap_session_close(&s);

	/* hostile-16: COPY answered NO [TRYCREATE]: reported, no STORE */
	imap_copy_result_init(&r);
	open_sel(&s, "UIDPLUS",
		 "A3 NO [TRYCREATE] Mailbox doesn't exist: Archive\r\n"
		 "A4 OK noop\r\n", 0);
	is_int(imap_uid_move(&s, &set, "Archive", false, &r, &e), -1,
	       "TRYCREATE: move fails");
	ok(r.trycreate && e.kind == PERR_FOLDER, "TRYCREATE: reported as such");
	like(e.msg, "Mailbox doesn't exist", "TRYCREATE: server text kept");
	is_int(r.how, IMAP_MOVE_NONE, "TRYCREATE: nothing changed");
	is_int(imap_noop(&s, NULL, NULL, &e), 0, "TRYCREATE: session usable");
	is_str(sent_ops(&s), "A3 UID COPY 1:2 Archive\r\nA4 NOOP\r\n",
	       "TRYCREATE: no STORE after the failed COPY");
	imap_copy_result_release(&r);
	imap_session_close(&s);

	/* any other failed COPY: no STORE either */
	imap_copy_result_init(&r);
	open_sel(&s, "", "A3 NO [OVERQUOTA] quota exceeded\r\n", 0);
	is_int(imap_uid_move(&s, &set, "Archive", false, &r, &e), -1,
	       "failed COPY: move fails");
	ok(!r.trycreate && e.kind == PERR_REJECTED && strstr(e.msg, "quota"),
	   "failed COPY: rejected with the server's text: %s", e.msg);
	is_str(sent_ops(&s), "A3 UID COPY 1:2 Archive\r\n",
	       "failed COPY: no STORE sent");
	imap_copy_result_release(&r);
	imap_session_close(&s);

	/* the STORE after COPY fails: reported as copied only */
	imap_copy_result_init(&r);
	open_sel(&s, "UIDPLUS", "A3 OK copied\r\nA4 NO read-only\r\n", 0);
	is_int(imap_uid_move(&s, &set, "Archive", false, &r, &e), -1,
	       "STORE after COPY fails: move fails");
	is_int(r.how, IMAP_MOVE_COPIED, "STORE after COPY fails: copied");
	ok(!strstr(sent_ops(&s), "EXPUNGE"), "STORE failed: no EXPUNGE sent");
	imap_copy_result_release(&r);
	imap_session_close(&s);

	/* delete without UIDPLUS only marks */
	bool gone = true;
	open_sel(&s, "", "A3 OK stored\r\n", 0);
	is_int(imap_uid_delete(&s, &set, &gone, &e), 0, "delete: %s", e.msg);
	ok(!gone, "hostile-16: delete without UIDPLUS only marks");
	is_str(sent_ops(&s), "A3 UID STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n",
	       "delete without UIDPLUS: STORE only");
	imap_session_close(&s);
	open_sel(&s, "UIDPLUS", "A3 OK stored\r\nA4 OK gone\r\n", 0);
	is_int(imap_uid_delete(&s, &set, &gone, &e), 0, "delete: %s", e.msg);
	ok(gone, "delete with UIDPLUS: expunged");
	like(sent_ops(&s), "A4 UID EXPUNGE 1:2\r\n", "UID EXPUNGE sent");
	imap_session_close(&s);
	imap_seqset_release(&set);
	buf_release(&b);
}

static void
check_store(void)
{
	struct imap_session s;
	struct imap_seqset set, mod;
	struct perr e = PERR_INIT;
	struct buf b = BUF_INIT;
	static const char *const fl[] = { "\\Seen", "\\Flagged" };
	static const char *const bad[] = { "\\Seen) (X" };
	static const char *const kw[] = { "$Forwarded" };

	set_of(&set, 5, 7);
	imap_seqset_init(&mod);
	open_sel(&s, "CONDSTORE",
		 "A3 OK [MODIFIED 6] conditional store\r\nA4 OK done\r\n", 0);
	is_int(imap_uid_store(&s, &set, true, fl, 2, 12345, &mod, &e), 0,
	       "conditional STORE: %s", e.msg);
	imap_seqset_format(&mod, &b);
	is_str(b.data, "6", "conditional STORE: MODIFIED UIDs returned");
	is_int(imap_uid_store(&s, &set, true, bad, 1, 0, NULL, &e), -1,
	       "a flag name with specials is refused");
	ok(e.kind == PERR_MESSAGE, "... as a message error: %s", e.msg);
	is_int(imap_uid_store(&s, &set, false, kw, 1, 0, NULL, &e), 0,
	       "remove a keyword: %s", e.msg);
	is_str(sent_ops(&s),
	       "A3 UID STORE 5:7 (UNCHANGEDSINCE 12345) +FLAGS.SILENT "
	       "(\\Seen \\Flagged)\r\n"
	       "A4 UID STORE 5:7 -FLAGS.SILENT ($Forwarded)\r\n",
	       "STORE commands; nothing sent for the bad flag");
	imap_session_close(&s);

	/* without CONDSTORE the modseq is left out */
	open_sel(&s, "", "A3 NO [CANNOT] no\r\n", 0);
	is_int(imap_uid_store(&s, &set, true, fl, 1, 99, NULL, &e), -1,
	       "STORE refused");
	ok(e.kind == PERR_REJECTED && strstr(e.msg, "no"), "says why");
	is_str(sent_ops(&s), "A3 UID STORE 5:7 +FLAGS.SILENT (\\Seen)\r\n",
	       "no UNCHANGEDSINCE without CONDSTORE");
	imap_session_close(&s);
	imap_seqset_release(&mod);
	imap_seqset_release(&set);
	buf_release(&b);
}

static const char message[] = "From: a@b\r\nSubject: hi\r\n\r\nbody\r\n";

static void
check_append(void)
{
	struct imap_session s;
	struct perr e = PERR_INIT;
	static const char *const seen[] = { "\\Seen" };
	struct imap_append a = {
		.folder = "已发送", .flags = seen, .nflags = 1,
		.internal_date = 1700000000, .tz_minutes = 480,
		.msg = message, .len = strlen(message),
	};
	struct buf want = BUF_INIT;

	open_sel(&s, "LITERAL+ UIDPLUS", "A3 OK [APPENDUID 9 55] done\r\n", 0);
	is_int(imap_append(&s, &a, &e), 0, "APPEND with LITERAL+: %s", e.msg);
	buf_addf(&want, "A3 APPEND &XfJT0ZAB- (\\Seen) "
			"\"15-Nov-2023 06:13:20 +0800\" {%zu+}\r\n%s\r\n",
		 strlen(message), message);
	is_str(sent_ops(&s), want.data, "APPEND with LITERAL+: one write");
	ok(a.uidvalidity == 9 && a.uid == 55, "APPENDUID returned");
	imap_session_close(&s);

	/* without LITERAL+: waits for the go-ahead */
	buf_reset(&want);
	a.nflags = 0;
	a.internal_date = 0;
	open_sel(&s, "", "+ go ahead\r\nA3 OK done\r\n", 1);
	is_int(imap_append(&s, &a, &e), 0, "APPEND after '+': %s", e.msg);
	buf_addf(&want, "A3 APPEND &XfJT0ZAB- {%zu}\r\n%s\r\n",
		 strlen(message), message);
	is_str(sent_ops(&s), want.data, "APPEND with a synchronising literal");
	ok(a.uid == 0, "no APPENDUID: uid 0");
	imap_session_close(&s);

	/* refused before the "+": the message is never sent */
	open_sel(&s, "", "A3 NO [TRYCREATE] no such folder\r\n", 0);
	is_int(imap_append(&s, &a, &e), -1, "APPEND refused");
	ok(e.kind == PERR_FOLDER, "APPEND TRYCREATE is a folder error");
	ok(!strstr(sent_ops(&s), "Subject"), "message not sent without '+'");
	imap_session_close(&s);
	buf_release(&want);
}

static void
check_search(void)
{
	struct imap_session s;
	struct perr e = PERR_INIT;
	uint32_t *uids;
	size_t n;

	open_sel(&s, "",
		 "* SEARCH 9 3 9\r\n* SEARCH 1\r\nA3 OK found\r\n"
		 "A4 OK found\r\n"
		 "+ go\r\nA5 OK found\r\n"
		 "+ go\r\nA6 OK found\r\n", 0);
	is_int(imap_uid_search(&s, IMAP_SEARCH_TEXT, "foo\" OR ALL \\", &uids,
			       &n, &e), 0, "search: %s", e.msg);
	ok(n == 3 && uids[0] == 1 && uids[1] == 3 && uids[2] == 9,
	   "results sorted, duplicates gone (%zu)", n);
	free(uids);
	is_int(imap_uid_search(&s, IMAP_SEARCH_SUBJECT, "ALL", &uids, &n, &e),
	       0, "search for a word that is a key");
	ok(n == 0 && !uids, "no results");
	is_int(imap_uid_search(&s, IMAP_SEARCH_FROM,
			       "x\r\nA9 DELETE INBOX", &uids, &n, &e),
	       0, "search with a line end: %s", e.msg);
	is_int(imap_uid_search(&s, IMAP_SEARCH_BODY, "发票", &uids, &n, &e),
	       0, "search in Chinese: %s", e.msg);
	is_int(imap_uid_search(&s, IMAP_SEARCH_TEXT, "\xff", &uids, &n, &e),
	       -1, "invalid UTF-8 refused");
	is_str(sent_ops(&s),
	       "A3 UID SEARCH TEXT \"foo\\\" OR ALL \\\\\"\r\n"
	       "A4 UID SEARCH SUBJECT \"ALL\"\r\n"
	       "A5 UID SEARCH FROM {18}\r\nx\r\nA9 DELETE INBOX\r\n"
	       "A6 UID SEARCH CHARSET UTF-8 BODY {6}\r\n发票\r\n",
	       "hostile queries go as one string or literal");
	imap_session_close(&s);
}

static int
on_list(const struct imap_list *l, void *arg, struct perr *e)
{
	struct buf *b = arg;
	buf_addf(b, "%s%s|", l->mbox.name ? l->mbox.name : "(raw)",
		 (l->attrs & IMAP_MBX(SENT)) ? " sent" : "");
	return 0;
}

static void
check_folders(void)
{
	struct imap_session s;
	struct perr e = PERR_INIT;
	struct imap_mbstatus st;
	struct buf names = BUF_INIT;

	open_sel(&s, "SPECIAL-USE LIST-EXTENDED CONDSTORE",
		 "A3 OK created\r\nA4 OK renamed\r\nA5 OK sub\r\n"
		 "A6 OK unsub\r\nA7 NO [NONEXISTENT] no such folder\r\n"
		 "A8 OK deleted\r\n"
		 "* LIST (\\HasNoChildren \\Sent) \"/\" &XfJT0ZAB-\r\n"
		 "* LIST (\\HasNoChildren) \"/\" \"&Jjo\"\r\n"
		 "A9 OK listed\r\n"
		 "* STATUS INBOX (MESSAGES 4 UIDNEXT 20 UIDVALIDITY 42 "
		 "UNSEEN 1 HIGHESTMODSEQ 77)\r\nA10 OK status\r\n", 0);
	is_int(imap_create(&s, "项目/二〇二六", false, &e), 0, "CREATE");
	is_int(imap_rename(&s, "项目/二〇二六", false, "项目/旧", &e), 0,
	       "RENAME");
	is_int(imap_subscribe(&s, "项目/旧", false, true, &e), 0,
	       "SUBSCRIBE");
	is_int(imap_subscribe(&s, "a \"b\"", true, false, &e), 0,
	       "UNSUBSCRIBE of a raw name");
	is_int(imap_delete_folder(&s, "nope", false, &e), -1,
	       "DELETE refused");
	like(e.msg, "cannot delete folder 'nope'",
	     "DELETE: error names the folder");
	like(e.msg, "no such folder", "DELETE: error gives the reason");
	is_int(imap_delete_folder(&s, "项目/旧", false, &e), 0, "DELETE");
	is_int(imap_list_folders(&s, "*", on_list, &names, &e), 0, "LIST");
	is_str(names.data, "已发送 sent|(raw)|",
	       "LIST: decoded names, special use, bad name kept raw");
	is_int(imap_status(&s, "INBOX", false, &st, &e), 0, "STATUS");
	ok(st.messages == 4 && st.uidnext == 20 && st.uidvalidity == 42 &&
		   st.unseen == 1 && st.highestmodseq == 77,
	   "STATUS values");
	is_str(sent_ops(&s),
	       "A3 CREATE &mHl27g-/&TowwB06MUW0-\r\n"
	       "A4 RENAME &mHl27g-/&TowwB06MUW0- &mHl27g-/&Zec-\r\n"
	       "A5 SUBSCRIBE &mHl27g-/&Zec-\r\n"
	       "A6 UNSUBSCRIBE \"a \\\"b\\\"\"\r\n"
	       "A7 DELETE nope\r\n"
	       "A8 DELETE &mHl27g-/&Zec-\r\n"
	       "A9 LIST \"\" \"*\" RETURN (SPECIAL-USE)\r\n"
	       "A10 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN "
	       "HIGHESTMODSEQ)\r\n",
	       "folder commands");
	imap_session_close(&s);
	buf_release(&names);

	/* LOGOUT: reply read, nothing more sent by close */
	open_sel(&s, "", "* BYE bye\r\nA3 OK done\r\n", 0);
	is_int(imap_logout(&s, &e), 0, "LOGOUT: %s", e.msg);
	is_str(sent_ops(&s), "A3 LOGOUT\r\n", "LOGOUT sent once");
	imap_session_close(&s);
}

int
main(void)
{
	check_move();
	check_store();
	check_append();
	check_search();
	check_folders();
	done_testing();
}
