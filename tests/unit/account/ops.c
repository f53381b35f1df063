/* SPDX-License-Identifier: ISC */
/*
 * Message and folder operations against scripted servers and a real
 * store: the store changes only after the server said OK. A move with
 * MOVE, the COPY fallback with UIDPLUS, no UIDPLUS (hostile-16: the
 * originals stay marked, nothing expunged, a note for the user), a
 * failed COPY and a refused STORE (store untouched), TRYCREATE with and
 * without creating the target, a folder whose UIDVALIDITY changed
 * (refused before any UID is sent), flags, delete, append, and folders
 * created, renamed and deleted with Chinese names.
 */
#include <string.h>

#include "harness.h"
#include "../store/common.h"
#include "postie/account.h"
#include "postie/imap.h"
#include "postie/net.h"
#include "postie/store.h"

static struct store *st;
static int64_t inbox, archive;

static void
fatal(const char *what, const char *msg)
{
	printf("Bail out! %s: %s\n", what, msg);
	exit(1);
}

static void
reset_store(void)
{
	struct perr e = PERR_INIT;
	struct store_folder_info in = {
		.name = "INBOX", .raw = "INBOX", .raw_len = 5, .delim = "/",
		.role = STORE_ROLE_INBOX, .uidvalidity = 42, .uidnext = 10,
	};
	struct store_folder_info ar = {
		.name = "Archive", .raw = "Archive", .raw_len = 7,
		.delim = "/", .uidvalidity = 7, .uidnext = 1,
	};
	struct store_msg m[3] = {
		{ .uid = 1, .subject = "one" },
		{ .uid = 2, .subject = "two", .flags = STORE_F_SEEN },
		{ .uid = 3, .subject = "three" },
	};
	uint32_t all[3] = { 1, 2, 3 };

	if (store_folder_upsert(st, &in, &inbox, NULL, &e) < 0 ||
	    store_folder_upsert(st, &ar, &archive, NULL, &e) < 0 ||
	    store_expunge(st, inbox, all, 3, &e) < 0 ||
	    store_msg_put(st, inbox, m, 3, &e) < 0)
		fatal("store", e.msg);
}

/* "uid:flags uid:flags" of INBOX in the store. */
static void
store_state(struct buf *out)
{
	struct store_summaries s = { 0 };
	struct perr e = PERR_INIT;

	buf_reset(out);
	if (store_load(st, inbox, &s, &e) < 0)
		fatal("load", e.msg);
	for (size_t i = 0; i < s.n; i++)
		buf_addf(out, "%s%u:%u", i ? " " : "", (unsigned)s.v[i].uid,
			 (unsigned)(s.v[i].flags & STORE_F_SERVER_MASK));
	store_summaries_release(&s);
}

struct run {
	int rc;
	struct perr e;
	struct acct_op_result res;
	struct buf sent; /* after LOGIN */
};

/* Log in over a script (capabilities caps, then tail), run one request. */
static void
run(const char *caps, const char *tail, enum acct_req_kind kind,
    const char *folder, struct acct_op *op, struct run *r)
{
	struct buf in = BUF_INIT;
	struct imap_session s;
	struct imap_session_params p = {
		.host = "h", .tls = IMAP_TLS_IMPLICIT, .user = "u",
		.password = "p", .cancel_fd = -1,
	};
	struct acct_request req = {
		.kind = kind, .folder = (char *)folder, .payload = op,
	};

	buf_addf(&in, "* OK [CAPABILITY IMAP4rev1 %s] hi\r\n"
		      "A1 OK [CAPABILITY IMAP4rev1 %s] in\r\n%s",
		 caps, caps, tail);
	perr_clear(&r->e);
	buf_init(&r->sent);
	r->rc = imap_session_open_conn(&s, net_conn_fake(in.data, in.len, 0,
							 0), &p, &r->e);
	if (r->rc == 0)
		r->rc = acct_op_imap(NULL, &s, st, &req, &r->res, &r->e);
	if (s.conn) {
		const struct buf *o = net_fake_output(s.conn);
		const char *after = strstr(o->data, "A1 LOGIN u p\r\n");
		buf_addstr(&r->sent, after ? after + 14 : o->data);
	}
	imap_session_close(&s);
	acct_op_free(op);
	buf_release(&in);
}

static struct acct_op *
uids_op(uint32_t a, uint32_t b)
{
	struct acct_op *op = acct_op_new();
	op->uids = xmalloc(2 * sizeof(uint32_t));
	op->uids[0] = b; /* unsorted on purpose */
	op->uids[1] = a;
	op->n = 2;
	return op;
}

static const char sel[] =
	"* 3 EXISTS\r\n* OK [UIDVALIDITY 42] x\r\nA2 OK [READ-WRITE] sel\r\n";

static void
check_moves(void)
{
	struct run r;
	struct buf state = BUF_INIT;
	struct buf tail = BUF_INIT;
	struct acct_op *op;

	/* MOVE: the two are gone from the store */
	reset_store();
	op = uids_op(1, 2);
	op->dest = xstrdup("Archive");
	buf_addf(&tail, "%s* 1 EXPUNGE\r\n* 1 EXPUNGE\r\nA3 OK moved\r\n",
		 sel);
	run("MOVE UIDPLUS", tail.data, ACCT_REQ_MOVE, "INBOX", op, &r);
	is_int(r.rc, 0, "MOVE: %s", r.e.msg);
	is_str(r.sent.data, "A2 SELECT INBOX\r\nA3 UID MOVE 1:2 Archive\r\n",
	       "MOVE: SELECT then one UID MOVE");
	store_state(&state);
	is_str(state.data, "3:0", "MOVE: store has only what is left");
	ok(r.res.done == 2 && !r.res.marked_only && !r.res.note[0],
	   "MOVE: result");
	buf_release(&r.sent);

	/* COPY fallback with UIDPLUS */
	reset_store();
	op = uids_op(1, 2);
	op->dest = xstrdup("Archive");
	buf_reset(&tail);
	buf_addf(&tail, "%sA3 OK copied\r\nA4 OK stored\r\nA5 OK gone\r\n",
		 sel);
	run("UIDPLUS", tail.data, ACCT_REQ_MOVE, "INBOX", op, &r);
	is_int(r.rc, 0, "COPY fallback: %s", r.e.msg);
	like(r.sent.data, "A5 UID EXPUNGE 1:2\r\n",
	     "COPY fallback: UID EXPUNGE");
	store_state(&state);
	is_str(state.data, "3:0", "COPY fallback: store has only UID 3");
	buf_release(&r.sent);

	/* hostile-16: no UIDPLUS, another message \Deleted already */
	reset_store();
	op = uids_op(1, 2);
	op->dest = xstrdup("Archive");
	buf_reset(&tail);
	buf_addf(&tail, "%s* 3 FETCH (FLAGS (\\Deleted))\r\n"
			"A3 OK copied\r\nA4 OK stored\r\n", sel);
	run("", tail.data, ACCT_REQ_MOVE, "INBOX", op, &r);
	is_int(r.rc, 0, "hostile-16: move without UIDPLUS: %s", r.e.msg);
	ok(!strstr(r.sent.data, "EXPUNGE"), "hostile-16: no EXPUNGE sent");
	store_state(&state);
	is_str(state.data, "1:8 2:9 3:0",
	       "hostile-16: originals kept, marked deleted in the store");
	ok(r.res.marked_only && strstr(r.res.note, "marked deleted"),
	   "hostile-16: the user is told: %s", r.res.note);
	buf_release(&r.sent);

	/* failed COPY: no STORE, store untouched */
	reset_store();
	op = uids_op(1, 2);
	op->dest = xstrdup("Archive");
	buf_reset(&tail);
	buf_addf(&tail, "%sA3 NO [OVERQUOTA] Quota exceeded\r\n", sel);
	run("UIDPLUS", tail.data, ACCT_REQ_MOVE, "INBOX", op, &r);
	ok(r.rc == -1 && strstr(r.e.msg, "Quota exceeded"),
	   "failed COPY: FAILED with the server's text: %s", r.e.msg);
	ok(!strstr(r.sent.data, "STORE"), "failed COPY: no STORE sent");
	store_state(&state);
	is_str(state.data, "1:0 2:1 3:0", "failed COPY: store as it was");
	buf_release(&r.sent);

	/* TRYCREATE without create: FAILED, folder error */
	reset_store();
	op = uids_op(1, 2);
	op->dest = xstrdup("新建");
	buf_reset(&tail);
	buf_addf(&tail, "%sA3 NO [TRYCREATE] no such mailbox\r\n", sel);
	run("MOVE", tail.data, ACCT_REQ_MOVE, "INBOX", op, &r);
	ok(r.rc == -1 && r.e.kind == PERR_FOLDER,
	   "TRYCREATE: a folder error: %s", r.e.msg);
	ok(!strstr(r.sent.data, "CREATE "), "TRYCREATE: nothing created");
	buf_release(&r.sent);

	/* TRYCREATE with create: CREATE and once more */
	op = uids_op(1, 2);
	op->dest = xstrdup("新建");
	op->create = true;
	buf_reset(&tail);
	buf_addf(&tail, "%sA3 NO [TRYCREATE] no such mailbox\r\n"
			"A4 OK created\r\nA5 OK moved\r\n", sel);
	run("MOVE", tail.data, ACCT_REQ_MOVE, "INBOX", op, &r);
	is_int(r.rc, 0, "TRYCREATE with create: %s", r.e.msg);
	like(r.sent.data, "A3 UID MOVE 1:2 &ZbBe+g-\r\nA4 CREATE &ZbBe+g-\r\n"
			  "A5 UID MOVE 1:2 &ZbBe+g-\r\n",
	     "TRYCREATE with create: MOVE, CREATE, MOVE");
	store_state(&state);
	is_str(state.data, "3:0", "TRYCREATE with create: moved");
	buf_release(&r.sent);

	/* UIDVALIDITY changed: nothing but SELECT sent */
	reset_store();
	op = uids_op(1, 2);
	op->dest = xstrdup("Archive");
	run("MOVE", "* 3 EXISTS\r\n* OK [UIDVALIDITY 43] x\r\n"
		    "A2 OK [READ-WRITE] sel\r\n", ACCT_REQ_MOVE, "INBOX", op,
	    &r);
	ok(r.rc == -1 && r.e.kind == PERR_FOLDER &&
		   strstr(r.e.msg, "UIDVALIDITY"),
	   "hostile-15: new UIDVALIDITY refused: %s", r.e.msg);
	is_str(r.sent.data, "A2 SELECT INBOX\r\n",
	       "hostile-15: no UID command sent");
	store_state(&state);
	is_str(state.data, "1:0 2:1 3:0", "hostile-15: store as it was");
	buf_release(&r.sent);
	buf_release(&state);
	buf_release(&tail);
}

static void
check_flags_delete(void)
{
	struct run r;
	struct buf state = BUF_INIT;
	struct buf tail = BUF_INIT;
	struct acct_op *op;

	reset_store();
	op = uids_op(1, 2);
	op->set = STORE_F_FLAGGED | STORE_F_FORWARDED;
	op->clear = STORE_F_SEEN;
	buf_addf(&tail, "%sA3 OK stored\r\nA4 OK stored\r\n", sel);
	run("", tail.data, ACCT_REQ_SET_FLAGS, "INBOX", op, &r);
	is_int(r.rc, 0, "flags: %s", r.e.msg);
	like(r.sent.data, "A3 UID STORE 1:2 +FLAGS.SILENT (\\Flagged "
			  "$Forwarded)\r\nA4 UID STORE 1:2 -FLAGS.SILENT "
			  "(\\Seen)\r\n", "flags: two STOREs");
	store_state(&state);
	is_str(state.data, "1:36 2:36 3:0", "flags: store updated");
	buf_release(&r.sent);

	/* the second STORE refused: only the first shows */
	reset_store();
	op = uids_op(1, 2);
	op->set = STORE_F_FLAGGED;
	op->clear = STORE_F_SEEN;
	buf_reset(&tail);
	buf_addf(&tail, "%sA3 OK stored\r\nA4 NO [CANNOT] not now\r\n", sel);
	run("", tail.data, ACCT_REQ_SET_FLAGS, "INBOX", op, &r);
	ok(r.rc == -1 && strstr(r.e.msg, "not now"), "refused STORE: %s",
	   r.e.msg);
	store_state(&state);
	is_str(state.data, "1:4 2:5 3:0",
	       "refused STORE: store shows only what the server did");
	buf_release(&r.sent);

	/* delete without UIDPLUS: marked only */
	reset_store();
	op = uids_op(3, 3);
	buf_reset(&tail);
	buf_addf(&tail, "%sA3 OK stored\r\n", sel);
	run("", tail.data, ACCT_REQ_DELETE, "INBOX", op, &r);
	is_int(r.rc, 0, "delete: %s", r.e.msg);
	ok(!strstr(r.sent.data, "EXPUNGE") && r.res.marked_only,
	   "hostile-16: delete without UIDPLUS sends no EXPUNGE");
	store_state(&state);
	is_str(state.data, "1:0 2:1 3:8", "delete: marked in the store");
	buf_release(&r.sent);

	/* delete with UIDPLUS: gone */
	op = uids_op(3, 3);
	buf_reset(&tail);
	buf_addf(&tail, "%sA3 OK stored\r\nA4 OK gone\r\n", sel);
	run("UIDPLUS", tail.data, ACCT_REQ_DELETE, "INBOX", op, &r);
	is_int(r.rc, 0, "delete with UIDPLUS: %s", r.e.msg);
	store_state(&state);
	is_str(state.data, "1:0 2:1", "delete with UIDPLUS: gone");
	buf_release(&r.sent);
	buf_release(&state);
	buf_release(&tail);
}

static void
check_folders(void)
{
	struct run r;
	struct store_folder f = { 0 };
	struct perr e = PERR_INIT;
	struct acct_op *op;
	static const char msg[] = "Subject: x\r\n\r\nhi\r\n";

	reset_store();
	run("", "* LIST (\\HasNoChildren) \".\" 项目\r\n"
		"A2 OK created\r\n"
		"* LIST (\\HasNoChildren) \".\" &mHl27g-\r\nA3 OK list\r\n",
	    ACCT_REQ_CREATE_FOLDER, "项目", NULL, &r);
	is_int(r.rc, 0, "create: %s", r.e.msg);
	is_str(r.sent.data, "A2 CREATE &mHl27g-\r\nA3 LIST \"\" &mHl27g-\r\n",
	       "create: CREATE then LIST of the new name");
	ok(store_folder_find(st, "&mHl27g-", 8, &f, &e) == 1 &&
		   strcmp(f.name, "项目") == 0 && strcmp(f.delim, ".") == 0,
	   "create: in the store with its delimiter");
	store_folder_release(&f);
	buf_release(&r.sent);

	op = acct_op_new();
	op->name = xstrdup("项目2026");
	run("", "A2 OK renamed\r\n", ACCT_REQ_RENAME_FOLDER, "&mHl27g-", op,
	    &r);
	is_int(r.rc, 0, "rename: %s", r.e.msg);
	is_str(r.sent.data, "A2 RENAME &mHl27g- &mHl27g-2026\r\n",
	       "rename: raw name out, new name encoded");
	ok(store_folder_find(st, "&mHl27g-2026", 12, &f, &e) == 1 &&
		   strcmp(f.name, "项目2026") == 0,
	   "rename: renamed in the store");
	int64_t id = f.id;
	store_folder_release(&f);
	buf_release(&r.sent);

	run("", "A2 NO [INUSE] in use\r\n", ACCT_REQ_DELETE_FOLDER,
	    "&mHl27g-2026", NULL, &r);
	ok(r.rc == -1 && strstr(r.e.msg, "in use"), "delete refused: %s",
	   r.e.msg);
	ok(store_folder_get(st, id, &f, &e) == 1,
	   "delete refused: still in the store");
	store_folder_release(&f);
	buf_release(&r.sent);
	run("", "A2 OK deleted\r\n", ACCT_REQ_DELETE_FOLDER, "&mHl27g-2026",
	    NULL, &r);
	is_int(r.rc, 0, "delete folder: %s", r.e.msg);
	ok(store_folder_get(st, id, &f, &e) == 0, "deleted from the store");
	buf_release(&r.sent);
	run("", "", ACCT_REQ_DELETE_FOLDER, "INBOX", NULL, &r);
	ok(r.rc == -1 && !r.sent.data[0], "INBOX is never deleted");
	buf_release(&r.sent);

	op = acct_op_new();
	op->msg = xstrdup(msg);
	op->len = strlen(msg);
	op->flags = STORE_F_SEEN;
	run("LITERAL+ UIDPLUS", "A2 OK [APPENDUID 7 12] appended\r\n",
	    ACCT_REQ_APPEND, "Archive", op, &r);
	is_int(r.rc, 0, "append: %s", r.e.msg);
	ok(r.res.uidvalidity == 7 && r.res.uid == 12, "append: APPENDUID");
	like(r.sent.data, "A2 APPEND Archive (\\Seen) {18+}\r\nSubject: x",
	     "append: raw name, flags, literal");
	buf_release(&r.sent);

	op = acct_op_new();
	op->on = true;
	run("", "A2 OK subscribed\r\n", ACCT_REQ_SUBSCRIBE, "Archive", op,
	    &r);
	is_int(r.rc, 0, "subscribe: %s", r.e.msg);
	is_str(r.sent.data, "A2 SUBSCRIBE Archive\r\n", "SUBSCRIBE sent");
	buf_release(&r.sent);
}

int
main(void)
{
	struct perr e = PERR_INIT;
	const char *dir = tmp_make();

	st = store_open(dir, STORE_WRITE, NULL, &e);
	if (!st)
		fatal("store_open", e.msg);
	check_moves();
	check_flags_delete();
	check_folders();
	store_close(st);
	done_testing();
}
