/* SPDX-License-Identifier: ISC */
/*
 * Folders and message summaries through the public API: upsert with
 * hostile raw names (hostile-13), the UIDVALIDITY reset (hostile-15),
 * bulk insert and load round trip with Chinese text, flag changes,
 * expunge, counts, full-text search with Chinese and with quotes and
 * operators that must stay literal, cached bodies and their names.
 */
#include <dirent.h>
#include <string.h>

#include "harness.h"
#include "postie/store.h"
#include "private.h"

#include "common.h"

static struct store *st;
static struct perr e = PERR_INIT;

static int64_t
folder(const char *name, const char *raw, size_t raw_len,
       uint32_t validity, uint32_t uidnext, bool *reset)
{
	struct store_folder_info fi = { .name = name, .raw = raw,
					.raw_len = raw_len, .delim = "/",
					.uidvalidity = validity,
					.uidnext = uidnext };
	int64_t id = 0;

	if (store_folder_upsert(st, &fi, &id, reset, &e) < 0)
		diag("upsert '%s': %s", name, e.msg);
	return id;
}

static void
test_folders(void)
{
	/* hostile-13: a name with NUL, CR, LF, "..", "/" and shell
	 * syntax is kept byte for byte and never used as a path. */
	static const char evil[] = "../../etc\0;$(rm -rf ~)\r\n`x`/..";
	bool reset = true;
	int64_t inbox = folder("INBOX", "INBOX", 5, 100, 0, &reset);
	ok(inbox > 0 && !reset, "INBOX inserted");
	int64_t cn = folder("已发送", "&XfJT0ZAB-", 10, 0, 0, NULL);
	int64_t bad = folder("evil", evil, sizeof(evil) - 1, 0, 0, NULL);
	ok(cn > 0 && bad > 0 && cn != inbox && bad != cn,
	   "hostile-13: more folders, each its own id");
	is_int(folder("收件箱", "INBOX", 5, 0, 0, &reset), inbox,
	       "upsert by raw name finds the same folder");
	ok(!reset, "uidvalidity 0 (unknown) does not reset");

	struct store_folder f;
	is_int(store_folder_find(st, evil, sizeof(evil) - 1, &f, &e), 1,
	       "hostile-13: found by its raw bytes");
	is_mem(f.raw, f.raw_len, evil, sizeof(evil) - 1,
	       "hostile-13: raw name returned byte for byte");
	is_str(f.delim, "/", "delimiter kept");
	store_folder_release(&f);
	is_int(store_folder_get(st, inbox, &f, &e), 1, "get by id");
	is_str(f.name, "收件箱", "display name updated");
	is_int(f.uidvalidity, 100, "uidvalidity kept when given as 0");
	store_folder_release(&f);
	is_int(store_folder_get(st, 9999, &f, &e), 0, "unknown id: not found");

	struct store_folder *v;
	size_t n;
	ok(store_folder_list(st, &v, &n, &e) == 0 && n == 3, "three folders");
	if (n == 3)
		is_str(v[0].name, "evil", "listed by name");
	store_folder_list_free(v, n);

	ok(store_folder_rename(st, cn, "&XfJT0ZAB-.old", 14, "已发送.old",
			       &e) == 0,
	   "rename a folder");
	is_int(store_folder_find(st, "&XfJT0ZAB-.old", 14, &f, &e), 1,
	   "found by its new raw name");
	ok(f.id == cn && strcmp(f.name, "已发送.old") == 0,
	   "same id, new display name");
	store_folder_release(&f);
	is_int(store_folder_find(st, "&XfJT0ZAB-", 10, &f, &e), 0,
	       "the old raw name is free");
	ok(store_folder_rename(st, cn, "INBOX", 5, "x", &e) == -1,
	   "renaming onto another folder's name is refused");
	like(e.msg, "taken", "saying so");
	ok(store_folder_rename(st, 424242, "zz", 2, "zz", &e) == -1,
	   "renaming a folder that does not exist is refused");

	ok(store_folder_delete(st, bad, &e) == 0, "delete a folder");
	is_int(store_folder_get(st, bad, &f, &e), 0, "it is gone");
	int64_t again = folder("evil", evil, sizeof(evil) - 1, 0, 0, NULL);
	ok(again > bad, "folder ids are never reused");
	store_folder_delete(st, again, &e);
	store_folder_delete(st, cn, &e);
}

/* The fixture: n messages in a folder, some Chinese. */
static char (*subj)[64];
static char (*ids)[32];
static char (*refs)[64];

static struct store_msg *
make_msgs(uint32_t first, size_t n)
{
	struct store_msg *m = xcalloc(n, sizeof(*m));

	subj = xcalloc(n, sizeof(*subj));
	ids = xcalloc(n, sizeof(*ids));
	refs = xcalloc(n, sizeof(*refs));
	for (size_t i = 0; i < n; i++) {
		uint32_t uid = first + (uint32_t)i;
		snprintf(subj[i], sizeof(subj[i]), "%s第%u号 report",
			 i % 3 ? "Re: " : "", uid);
		snprintf(ids[i], sizeof(ids[i]), "m%u@example.cn", uid);
		snprintf(refs[i], sizeof(refs[i]), "<m%u@example.cn>",
			 uid > first ? uid - 1 : uid);
		m[i].uid = uid;
		m[i].flags = i % 2 ? STORE_F_SEEN : 0;
		m[i].internal_date = 1700000000 + (int64_t)i;
		m[i].date = 1700000000 + (int64_t)i;
		m[i].size = 1000 + i;
		m[i].from_name = i % 2 ? "张三" : "Li Si";
		m[i].from_addr = i % 2 ? "zhangsan@qq.com" : "lisi@163.com";
		m[i].to = "王五 <ww@126.com>";
		m[i].subject = subj[i];
		m[i].message_id = ids[i];
		m[i].references = i ? refs[i] : NULL;
		m[i].preview = "你好，附件是本周的报告。";
		m[i].has_attachment = i % 5 == 0;
		m[i].keywords = i % 7 == 0 ? "$Label1 工作" : NULL;
	}
	return m;
}

static void
free_msgs(struct store_msg *m)
{
	free(m);
	free(subj);
	free(ids);
	free(refs);
}

static void
test_round_trip(int64_t f)
{
	enum { N = 500 };
	struct store_msg *m = make_msgs(1, N);
	struct store_summaries s = { 0 };
	uint32_t u;

	ok(store_msg_put(st, f, m, N, &e) == 0, "bulk insert %d", N);
	ok(store_index_pending(st, &u, &e) == 0 && u == N,
	   "all %d wait for the search index", N);
	size_t done = 0;
	ok(store_index_update(st, 100, &done, &e) == 0 && done == 100,
	   "index a slice of 100");
	ok(store_index_pending(st, &u, &e) == 0 && u == N - 100,
	   "the rest still wait");
	ok(store_index_update(st, 0, &done, &e) == 0 && done == N - 100,
	   "index the rest");
	ok(store_index_pending(st, &u, &e) == 0 && u == 0, "none wait");
	ok(store_index_update(st, 0, &done, &e) == 0 && done == 0,
	   "a second update has nothing to do");
	ok(store_load(st, f, &s, &e) == 0, "load");
	is_int((intmax_t)s.n, N, "every summary loaded");
	int same = s.n == N;
	for (size_t i = 0; same && i < N; i++) {
		const struct store_summary *x = &s.v[i];
		same = x->uid == m[i].uid &&
		       (x->flags & STORE_F_SERVER_MASK) == m[i].flags &&
		       !!(x->flags & STORE_F_ATTACHMENT) == m[i].has_attachment &&
		       x->date == m[i].date && x->size == m[i].size &&
		       strcmp(store_str(&s, x->subject), m[i].subject) == 0 &&
		       strcmp(store_str(&s, x->from_name), m[i].from_name) == 0 &&
		       strcmp(store_str(&s, x->from_addr), m[i].from_addr) == 0 &&
		       strcmp(store_str(&s, x->to), m[i].to) == 0 &&
		       strcmp(store_str(&s, x->message_id), ids[i]) == 0 &&
		       strcmp(store_str(&s, x->preview), m[i].preview) == 0 &&
		       strcmp(store_str(&s, x->keywords),
			      m[i].keywords ? m[i].keywords : "") == 0;
		if (!same)
			diag("summary %zu differs", i);
	}
	ok(same, "every field round-trips, Chinese included");
	is_str(store_str(&s, s.v[0].cc), "", "an absent field is empty");
	ok(store_summaries_bytes(&s) > N * sizeof(*s.v),
	   "the load counts its bytes");
	store_summaries_release(&s);

	ok(store_max_uid(st, f, &u, &e) == 0 && u == N, "max UID is %d", N);
	uint32_t *ul;
	size_t nu;
	ok(store_uid_list(st, f, &ul, &nu, &e) == 0 && nu == N &&
		   ul[0] == 1 && ul[N - 1] == N,
	   "the UID list holds every UID in order");
	free(ul);
	ok(store_count_unread(st, f, &u, &e) == 0 && u == N / 2,
	   "half unread");
	struct store_folder fo;
	store_folder_get(st, f, &fo, &e);
	ok(fo.total == N && fo.unread == N / 2, "folder counts follow");
	store_folder_release(&fo);

	/* Update by UID: the same UID again replaces the summary. */
	struct store_msg up = m[0];
	up.subject = "改过的主题";
	ok(store_msg_put(st, f, &up, 1, &e) == 0, "re-put an existing UID");
	ok(store_load(st, f, &s, &e) == 0 && s.n == N &&
		   strcmp(store_str(&s, s.v[0].subject), "改过的主题") == 0,
	   "replaced, not duplicated");
	store_summaries_release(&s);

	/* All or nothing: a UID 0 in the batch refuses the batch. */
	struct store_msg two[2] = { m[0], m[1] };
	two[0].uid = N + 1;
	two[1].uid = 0;
	ok(store_msg_put(st, f, two, 2, &e) == -1, "a UID 0 is refused");
	like(e.msg, "UID 0", "saying so");
	ok(store_max_uid(st, f, &u, &e) == 0 && u == N,
	   "and nothing of the batch went in");

	/* Long fields are cut at a character, References keeps its tail. */
	struct buf big = BUF_INIT, bigref = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_addstr(&big, "汉");
	for (int i = 0; i < 1000; i++)
		buf_addf(&bigref, "<r%d@x> ", i);
	struct store_msg lng = { .uid = N + 10, .subject = big.data,
				 .references = bigref.data };
	ok(store_msg_put(st, f, &lng, 1, &e) == 0, "oversized fields go in");
	ok(store_load(st, f, &s, &e) == 0, "load again");
	const char *ls = store_str(&s, s.v[s.n - 1].subject);
	const char *lr = store_str(&s, s.v[s.n - 1].references);
	ok(strlen(ls) <= STORE_MAX_FIELD && strlen(ls) % 3 == 0 &&
		   utf8_valid(ls, strlen(ls)),
	   "a long subject is cut at a character boundary");
	ok(strlen(lr) <= STORE_MAX_FIELD && strstr(lr, "<r999@x>") &&
		   lr[0] == '<',
	   "long references keep their tail, from a whole id");
	store_summaries_release(&s);
	buf_release(&big);
	buf_release(&bigref);
	/* Expunged before it was ever indexed: nothing to take out of the
	 * index, and nothing wrongly taken. */
	uint32_t gone = N + 10;
	ok(store_expunge(st, f, &gone, 1, &e) == 0,
	   "expunge a message not yet indexed");
	ok(store_index_pending(st, &u, &e) == 0 && u == 0,
	   "nothing left to index");
	free_msgs(m);
}

/* Entries in the full-text index itself matching an FTS5 query, with no
 * join to the message table that would hide stale ones. */
static int64_t
raw_fts(const char *q)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT count(*) FROM message_fts "
			       "WHERE message_fts MATCH ?1",
			       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, q, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void
fts_sound(const char *when)
{
	ok(sqlite3_exec(st->db,
			"INSERT INTO message_fts (message_fts) "
			"VALUES ('integrity-check')",
			NULL, NULL, NULL) == SQLITE_OK,
	   "full-text index passes its integrity check %s", when);
}

static void
test_flags(int64_t f)
{
	uint32_t uids[] = { 1, 3, 5, 99999 };
	struct store_summaries s = { 0 };
	uint32_t u;

	ok(store_flags_update(st, f, uids, ARRAY_SIZE(uids),
			      STORE_F_FLAGGED | STORE_F_SEEN, 0, &e) == 0,
	   "set flags on a UID set (one not in the index)");
	store_load(st, f, &s, &e);
	ok((s.v[0].flags & (STORE_F_FLAGGED | STORE_F_SEEN)) ==
			   (STORE_F_FLAGGED | STORE_F_SEEN) &&
		   (s.v[2].flags & STORE_F_FLAGGED) &&
		   !(s.v[1].flags & STORE_F_FLAGGED),
	   "exactly those messages changed");
	store_summaries_release(&s);
	store_count_unread(st, f, &u, &e);
	is_int(u, 250 - 3, "unread count follows");

	ok(store_flags_update(st, f, uids, 1, 0, STORE_F_SEEN, &e) == 0,
	   "clear a flag");
	store_load(st, f, &s, &e);
	ok(!(s.v[0].flags & STORE_F_SEEN) && (s.v[0].flags & STORE_F_FLAGGED),
	   "cleared, the other kept");
	store_summaries_release(&s);

	struct store_flag_state fs[] = {
		{ 2, STORE_F_ANSWERED | STORE_F_FORWARDED, "$Label2" },
		{ 4, 0, NULL },
	};
	ok(store_flags_replace(st, f, fs, 2, &e) == 0, "replace flags");
	store_load(st, f, &s, &e);
	ok((s.v[1].flags & STORE_F_SERVER_MASK) ==
			   (STORE_F_ANSWERED | STORE_F_FORWARDED) &&
		   strcmp(store_str(&s, s.v[1].keywords), "$Label2") == 0,
	   "flags and keywords replaced");
	ok(!(s.v[3].flags & STORE_F_SEEN), "\\Seen removed by a replace");
	store_summaries_release(&s);
}

static void
test_expunge(int64_t f)
{
	uint32_t uids[] = { 2, 4, 6, 424242 };
	struct store_summaries s = { 0 };
	struct store_hit *h;
	size_t n;

	ok(store_expunge(st, f, uids, ARRAY_SIZE(uids), &e) == 0,
	   "expunge a UID set");
	store_load(st, f, &s, &e);
	is_int((intmax_t)s.n, 497, "three fewer");
	ok(s.n > 3 && s.v[1].uid == 3 && s.v[2].uid == 5,
	   "the right ones went");
	store_summaries_release(&s);
	ok(store_search(st, f, "第4号", 10, &h, &n, &e) == 0 && n == 0,
	   "expunged messages leave the search index");
	free(h);
	ok(store_search(st, f, "第5号", 10, &h, &n, &e) == 0 && n == 1 &&
		   h[0].uid == 5,
	   "others stay in it");
	free(h);
	is_int(raw_fts("\"第 4 号\""), 0,
	       "no stale entry left in the index itself");
	is_int(raw_fts("\"第 1 号\""), 0,
	       "the replaced subject of UID 1 left the index");
	is_int(raw_fts("改"), 1, "its new subject is in it");
	fts_sound("after updates and expunges");
}

static size_t
hits(int64_t f, const char *q)
{
	struct store_hit *h = NULL;
	size_t n = 0;

	if (store_search(st, f, q, 1000, &h, &n, &e) < 0) {
		diag("search '%s': %s", q, e.msg);
		n = (size_t)-1;
	}
	free(h);
	return n;
}

static void
test_search(int64_t f)
{
	/* Chinese, matched inside a run of characters */
	is_int((intmax_t)hits(f, "第37号"), 1, "search a Chinese run");
	is_int((intmax_t)hits(f, "张三"), 247, "search a Chinese name");
	is_int((intmax_t)hits(f, "附件"), 0,
	       "previews are not in the index (only cached bodies)");
	is_int((intmax_t)hits(f, "王五"), 497, "search the To field");
	is_int((intmax_t)hits(f, "zhangsan@qq.com"), 247, "an address");
	is_int((intmax_t)hits(f, "ZHANGSAN"), 247, "case folded");
	is_int((intmax_t)hits(f, "张三 第38号"), 1,
	       "two words must both match");
	is_int((intmax_t)hits(f, "第38号\xe3\x80\x80张三"), 1,
	       "an ideographic space separates words");
	is_int((intmax_t)hits(f, "张三 nothere"), 0, "no partial AND");
	is_int((intmax_t)hits(f, ""), 0, "empty query: no hits");
	is_int((intmax_t)hits(f, "   "), 0, "blank query: no hits");

	/* Injection: FTS5 syntax and SQL must be taken literally. */
	static const char *const hostile[] = {
		"\"", "\"\"", "report\"", "\"report", "report OR 1",
		"NOT report", "report AND", "NEAR(report lisi)",
		"subject:report", "report*", "^report", "(report",
		"'; DROP TABLE message; --", "report' OR '1'='1",
		"-report", "+report", "{subject}: report",
	};
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++)
		ok(hits(f, hostile[i]) != (size_t)-1,
		   "query '%s' is not a syntax error", hostile[i]);
	is_int((intmax_t)hits(f, "report OR 1"), 0,
	       "'OR' is a word, not an operator");
	is_int((intmax_t)hits(f, "NOT report"), 0,
	       "'NOT' is a word, not an operator");
	/* 497 messages, and UID 1's subject was replaced earlier */
	is_int((intmax_t)hits(f, "report*"), 496,
	       "'*' is punctuation, not a prefix query");
	uint32_t u;
	ok(store_max_uid(st, f, &u, &e) == 0 && u == 500,
	   "the message table survived the DROP attempt");

	struct store_hit *h;
	size_t n;
	struct buf huge = BUF_INIT;
	for (int i = 0; i < 2000; i++)
		buf_addstr(&huge, "NEAR( ");
	ok(store_search(st, f, huge.data, 5, &h, &n, &e) == -1,
	   "an oversized query is refused");
	like(e.msg, "over the limit", "saying so");
	buf_release(&huge);
	ok(store_search(st, f, "report", 5, &h, &n, &e) == 0 && n == 5,
	   "limit is kept");
	free(h);
	ok(store_search(st, 0, "report", 1000, &h, &n, &e) == 0 && n == 496 &&
		   h[0].folder == f,
	   "search across all folders");
	free(h);
}

static size_t
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
test_bodies(const char *dir, int64_t f)
{
	static const char raw[] = "From: a@b\r\nSubject: x\r\n\r\n正文内容\r\n";
	struct buf b = BUF_INIT;

	is_int(store_body_get(st, f, 1, &b, &e), 0, "no body cached yet");
	ok(store_body_put(st, f, 1, raw, sizeof(raw) - 1,
			  "正文内容 with a 关键词 inside", &e) == 0,
	   "cache a body");
	is_int(store_body_get(st, f, 1, &b, &e), 1, "it is cached");
	is_mem(b.data, b.len, raw, sizeof(raw) - 1, "byte for byte");
	buf_release(&b);
	char *path = xstrfmt("%s/bodies/cur/f%lld.v100.u1", dir, (long long)f);
	is_int(file_size(path), (intmax_t)sizeof(raw) - 1,
	       "hostile-13: named from folder id, UIDVALIDITY and UID only");
	char *got_path = NULL;
	is_int(store_body_path(st, f, 1, &got_path, &e), 1, "its path");
	is_str(got_path, path, "is the Maildir file");
	free(got_path);
	is_int(store_body_path(st, f, 2, &got_path, &e), 0,
	       "no path for a body not cached");
	ok(got_path == NULL, "and NULL");
	char *curd = xstrfmt("%s/bodies/cur", dir);
	is_int(file_mode(curd), 0700, "the Maildir is 0700");
	free(curd);
	char *tmpd = xstrfmt("%s/bodies/tmp", dir);
	is_int((intmax_t)count_files(tmpd), 0, "nothing left in tmp/");
	free(tmpd);
	is_int((intmax_t)hits(f, "关键词"), 1, "body text is searchable");

	struct store_summaries s = { 0 };
	store_load(st, f, &s, &e);
	ok(s.v[0].flags & STORE_F_CACHED, "the summary says cached");
	ok(!(s.v[1].flags & STORE_F_CACHED), "others do not");
	store_summaries_release(&s);

	ok(store_body_put(st, f, 77777, raw, 3, NULL, &e) == -1,
	   "a body for a message not in the index is refused");
	like(e.msg, "not in the index", "saying so");

	/* A body cached before its message was indexed: its text goes in
	 * with the message. */
	struct store_msg fresh = { .uid = 600, .subject = "未索引" };
	store_msg_put(st, f, &fresh, 1, &e);
	ok(store_body_put(st, f, 600, raw, 3, "稍后才索引的正文", &e) == 0,
	   "cache the body of a message not yet indexed");
	is_int((intmax_t)hits(f, "稍后"), 0, "not searchable yet");
	store_index_update(st, 0, NULL, &e);
	is_int((intmax_t)hits(f, "稍后"), 1, "searchable once indexed");
	is_int((intmax_t)hits(f, "未索引"), 1, "its subject too");
	uint32_t six = 600;
	store_expunge(st, f, &six, 1, &e);
	is_int(raw_fts("稍"), 0, "and out again with the message");

	/* A summary update keeps the body's text in the search index. */
	struct store_msg m = { .uid = 1, .subject = "new subject" };
	store_msg_put(st, f, &m, 1, &e);
	is_int((intmax_t)hits(f, "关键词"), 1,
	       "body text survives a summary update");

	uint32_t one = 1;
	store_expunge(st, f, &one, 1, &e);
	is_int(file_size(path), -1, "expunge removes the cached body");
	is_int((intmax_t)hits(f, "关键词"), 0, "and its text");
	is_int(raw_fts("关"), 0, "and its text is out of the index itself");
	fts_sound("after body changes");
	free(path);
}

static void
test_uidvalidity(const char *dir, int64_t f)
{
	bool reset = false;
	static const char raw[] = "x";
	uint32_t u;

	ok(store_body_put(st, f, 3, raw, 1, NULL, &e) == 0, "cache a body");
	char *path = xstrfmt("%s/bodies/cur/f%lld.v100.u3", dir, (long long)f);
	is_int(folder("收件箱", "INBOX", 5, 100, 501, &reset), f,
	       "same UIDVALIDITY");
	ok(!reset, "hostile-15: same UIDVALIDITY keeps messages");
	store_max_uid(st, f, &u, &e);
	is_int(u, 500, "still there");

	is_int(folder("收件箱", "INBOX", 5, 200, 0, &reset), f,
	       "new UIDVALIDITY");
	ok(reset, "hostile-15: a new UIDVALIDITY drops the folder's messages");
	store_max_uid(st, f, &u, &e);
	is_int(u, 0, "hostile-15: no message left");
	is_int(file_size(path), -1, "hostile-15: nor its cached bodies");
	is_int((intmax_t)hits(f, "report"), 0,
	       "hostile-15: nor its search entries");
	is_int(raw_fts("report"), 0, "hostile-15: none left in the index");
	fts_sound("after a folder reset");
	struct store_folder fo;
	store_folder_get(st, f, &fo, &e);
	ok(fo.uidvalidity == 200 && fo.total == 0 && fo.unread == 0,
	   "hostile-15: the folder now has the new UIDVALIDITY, counts 0");
	store_folder_release(&fo);
	free(path);

	/* UIDNEXT at or below a cached UID: the mailbox was renumbered. */
	struct store_msg *m = make_msgs(1, 10);
	store_msg_put(st, f, m, 10, &e);
	free_msgs(m);
	folder("收件箱", "INBOX", 5, 200, 11, &reset);
	ok(!reset, "hostile-15: UIDNEXT above the highest UID keeps them");
	folder("收件箱", "INBOX", 5, 200, 5, &reset);
	ok(reset, "hostile-15: UIDNEXT at or below a cached UID drops them");
	store_max_uid(st, f, &u, &e);
	is_int(u, 0, "hostile-15: dropped");
}

/* The UI's reader sees what the worker commits. */
static void
test_reader(const char *dir, int64_t f)
{
	struct store *rd = store_open(dir, STORE_READ, NULL, &e);
	struct store_summaries s = { 0 };

	if (!ok(rd != NULL, "open a reader")) {
		diag("%s", e.msg);
		return;
	}
	struct store_msg m = { .uid = 42, .subject = "新邮件" };
	ok(store_load(rd, f, &s, &e) == 0 && s.n == 0, "reader: empty");
	store_summaries_release(&s);
	store_msg_put(st, f, &m, 1, &e);
	ok(store_load(rd, f, &s, &e) == 0 && s.n == 1 &&
		   strcmp(store_str(&s, s.v[0].subject), "新邮件") == 0,
	   "reader: sees the commit");
	store_summaries_release(&s);
	uint32_t u = 42;
	ok(store_expunge(rd, f, &u, 1, &e) == -1, "reader: cannot expunge");
	store_close(rd);
}

int
main(void)
{
	const char *root = tmp_make();
	char *dir = xstrfmt("%s/acct", root);

	st = store_open(dir, STORE_WRITE, NULL, &e);
	if (!st) {
		diag("%s", e.msg);
		ok(0, "open");
		return done_testing();
	}
	test_folders();
	int64_t f = folder("INBOX", "INBOX", 5, 100, 0, NULL);
	test_round_trip(f);
	test_flags(f);
	test_expunge(f);
	test_search(f);
	test_bodies(dir, f);
	test_uidvalidity(dir, f);
	test_reader(dir, f);
	store_close(st);
	free(dir);
	return done_testing();
}
