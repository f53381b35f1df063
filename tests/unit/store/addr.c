/* SPDX-License-Identifier: ISC */
/*
 * The addresses the store has seen (src/store/addr.c): what a new
 * summary adds (From, To and Cc in their display form, names with
 * commas, CJK names, junk that is no address), the ranking (Sent above
 * received, recency, Junk ignored), prefix matching on the address, the
 * name and a word of the name, LIKE wildcards taken literally, and the
 * upgrade of a version-2 index whose summaries were there before the
 * table.
 */
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "postie/log.h"
#include "postie/store.h"
#include "private.h"

#include "common.h"

#define DAY 86400
static const int64_t now = 1763900000; /* November 2025 */

static int64_t
folder(struct store *st, const char *name, enum store_role role)
{
	struct store_folder_info fi = { .name = name, .raw = name,
					.raw_len = strlen(name), .role = role,
					.uidvalidity = 1 };
	struct perr e = PERR_INIT;
	int64_t id = 0;

	if (store_folder_upsert(st, &fi, &id, NULL, &e) < 0)
		diag("folder: %s", e.msg);
	return id;
}

static int
put(struct store *st, int64_t f, uint32_t uid, const char *from_name,
    const char *from_addr, const char *to, const char *cc, int64_t when)
{
	struct store_msg m = { .uid = uid, .from_name = from_name,
			       .from_addr = from_addr, .to = to, .cc = cc,
			       .internal_date = when, .subject = "s" };
	struct perr e = PERR_INIT;

	if (store_msg_put(st, f, &m, 1, &e) < 0) {
		diag("put: %s", e.msg);
		return -1;
	}
	return 0;
}

/* The matches for prefix as "addr|name|seen|sent" lines. */
static char *
match(struct store *st, const char *prefix, size_t max)
{
	struct store_addr *v;
	size_t n;
	struct perr e = PERR_INIT;
	struct buf b = BUF_INIT;

	if (store_addr_match(st, prefix, now, max, &v, &n, &e) < 0) {
		buf_addf(&b, "error: %s", e.msg);
		return buf_detach(&b, NULL);
	}
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%s|%s|%u|%u", i ? "\n" : "", v[i].addr,
			 v[i].name, v[i].seen, v[i].sent);
	store_addr_list_free(v, n);
	return buf_detach(&b, NULL);
}

static void
check(struct store *st, const char *prefix, size_t max, const char *want,
      const char *what)
{
	char *got = match(st, prefix, max);
	is_str(got, want, "%s", what);
	free(got);
}

static void
test_valid(void)
{
	static const struct {
		const char *in;
		bool ok;
	} t[] = {
		{ "zhang@qq.com", true },
		{ "张三@例子.中国", true },
		{ "a@b", true },
		{ "", false },
		{ "@qq.com", false },
		{ "zhang@", false },
		{ "a@b@c", false },
		{ "a b@c", false },
		{ "a@b.", false },
		{ "a@.b", false },
		{ "a\x1b[31m@b", false },
		{ "a<b@c", false },
		{ "a\xff@b", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		ok(store_addr_valid(t[i].in, strlen(t[i].in)) == t[i].ok,
		   "address '%s' is %s", t[i].in, t[i].ok ? "good" : "refused");
	char big[300];
	memset(big, 'a', sizeof(big));
	big[10] = '@';
	ok(!store_addr_valid(big, sizeof(big)),
	   "an address over STORE_ADDR_MAX bytes is refused");
}

static void
test_fields(const char *root)
{
	char *dir = xstrfmt("%s/fields", root);
	struct perr e = PERR_INIT;
	struct store *st = store_open(dir, STORE_WRITE, NULL, &e);

	if (!ok(st != NULL, "open"))
		goto out;
	int64_t in = folder(st, "INBOX", STORE_ROLE_INBOX);
	put(st, in, 1, "张三", "zhang@qq.com",
	    "Zhang, San <zs@163.com>, bare@126.com, 李四 <lisi@qq.com>",
	    "undisclosed-recipients:;, Broken <no-at-sign>, "
	    "\"Quoted Name\" <q@x.org>, ZHANG@QQ.COM",
	    now - DAY);
	check(st, "zs", 10, "zs@163.com|Zhang, San|1|0",
	      "a name with a comma stays whole");
	check(st, "bare", 10, "bare@126.com||1|0", "a bare address");
	check(st, "李", 10, "lisi@qq.com|李四|1|0", "a CJK name by its prefix");
	check(st, "quoted", 10, "q@x.org|Quoted Name|1|0",
	      "quotes around a name are dropped");
	check(st, "zhang@", 10, "zhang@qq.com|张三|1|0",
	      "an address twice in one message counts once, whatever its "
	      "case");
	check(st, "no-at", 10, "", "a bracketed word without @ is no address");
	check(st, "undisclosed", 10, "", "a group name is no address");

	/* The same UID again is an update: nothing counted twice. */
	put(st, in, 1, "张三", "zhang@qq.com", "", "", now);
	check(st, "zhang@", 10, "zhang@qq.com|张三|1|0",
	      "an update of a summary counts nothing again");

	/* A later message with another name: the newest name wins; an
	 * empty name never replaces one. */
	put(st, in, 2, "Zhang San", "Zhang@QQ.com", "", "", now);
	put(st, in, 3, "", "zhang@qq.com", "", "", now - 2 * DAY);
	check(st, "zhang@", 10, "zhang@qq.com|Zhang San|3|0",
	      "the newest name wins, case folded into one row");

	/* One batch naming the same people many times: counted in memory,
	 * written once, the same figures. */
	struct store_msg batch[40];
	char *names[40];
	for (int i = 0; i < 40; i++) {
		names[i] = xstrfmt("Batch %d", i);
		batch[i] = (struct store_msg){
			.uid = 100 + (uint32_t)i, .from_name = names[i],
			.from_addr = i % 2 ? "odd@x.org" : "Even@X.org",
			.to = "Me <me@x.org>, Odd <ODD@x.org>",
			.internal_date = now - DAY * (40 - i) };
	}
	ok(store_msg_put(st, in, batch, 40, &e) == 0, "a batch of 40 goes in");
	check(st, "odd", 10, "ODD@x.org|Batch 39|40|0",
	      "in a batch: counted once a message, the newest name");
	check(st, "even", 10, "Even@X.org|Batch 38|20|0",
	      "the address as first seen");
	check(st, "me@x", 10, "me@x.org|Me|40|0", "the recipient of them all");
	for (int i = 0; i < 40; i++)
		free(names[i]);
	/* A batch that fails leaves no count behind. */
	struct store_msg bad[2] = {
		{ .uid = 200, .from_addr = "ghost@x.org" },
		{ .uid = 201, .from_addr = "ghost@x.org" },
	};
	ok(store_msg_put(st, 999, bad, 2, &e) < 0,
	   "a batch into a folder that is not there fails");
	check(st, "ghost", 10, "", "and counts nobody");

	/* Hostile names: an escape sequence is kept as text (the UI
	 * sanitises before drawing), invalid UTF-8 becomes no name. */
	put(st, in, 4, "Evil\x1b[2J", "evil@x.org", "Bad\xff <bad@x.org>", "",
	    now);
	check(st, "evil", 10, "evil@x.org|Evil\x1b[2J|1|0",
	      "a control character in a name is stored as it came");
	check(st, "bad@", 10, "bad@x.org||1|0",
	      "a name of invalid UTF-8 is dropped, the address kept");

	/* A list of hundreds: only the first NOTE_MAX are counted. */
	struct buf many = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_addf(&many, "%sm%03d@list.org", i ? ", " : "", i);
	put(st, in, 5, "", "", many.data, "", now);
	buf_release(&many);
	struct store_addr *v;
	size_t n;
	ok(store_addr_match(st, "m0", now, 1000, &v, &n, &e) == 0 && n == 32,
	   "a message to 300 people adds 32 of them");
	store_addr_list_free(v, n);

	/* hostile-40: fields of a hundred thousand separators. */
	struct buf h1 = BUF_INIT, h2 = BUF_INIT, h3 = BUF_INIT;
	for (int i = 0; i < 100000; i++) {
		buf_addstr(&h1, "x, ");
		buf_addstr(&h2, "<");
		buf_addstr(&h3, "a <");
	}
	buf_addstr(&h1, "Far <far@x.org>");
	int64_t t0 = time_mono_ms();
	put(st, in, 8, "", "h@x.org", h1.data, h2.data, now);
	put(st, in, 9, h3.data, "h@x.org", h3.data, h1.data, now);
	int64_t took = time_mono_ms() - t0;
	ok(took < 1000, "fields of 100,000 commas or brackets go in in %lld "
			"ms (hostile-40)",
	   (long long)took);
	check(st, "far", 10, "",
	      "what lies beyond the part of a field the index keeps is not "
	      "counted");
	check(st, "h@", 10, "h@x.org||2|0",
	      "the sender is counted; a name of 300 KB is none");
	buf_release(&h1);
	buf_release(&h2);
	buf_release(&h3);

	check(st, "50%_", 10, "", "% and _ in what is typed are literal");
	put(st, in, 6, "", "50%_off@shop.com", "", "", now);
	put(st, in, 7, "", "50xyoff@shop.com", "", "", now);
	check(st, "50%_", 10, "50%_off@shop.com||1|0",
	      "a LIKE wildcard matches only itself");
	char big[STORE_ADDR_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(store_addr_match(st, big, now, 10, &v, &n, &e) < 0 &&
		   strstr(e.msg, "over the limit"),
	   "an over-long prefix is refused with a message");
	store_close(st);
out:
	free(dir);
}

static void
test_rank(const char *root)
{
	char *dir = xstrfmt("%s/rank", root);
	struct perr e = PERR_INIT;
	struct store *st = store_open(dir, STORE_WRITE, NULL, &e);

	if (!ok(st != NULL, "open"))
		goto out;
	int64_t in = folder(st, "INBOX", STORE_ROLE_INBOX);
	int64_t sent = folder(st, "Sent", STORE_ROLE_SENT);
	int64_t junk = folder(st, "Junk", STORE_ROLE_JUNK);

	/* wang: three mails received today. wu: one mail sent to him
	 * today. chen: one sent, but a year ago. */
	put(st, in, 1, "王芳", "wang@qq.com", "me@qq.com", "", now);
	put(st, in, 2, "王芳", "wang@qq.com", "me@qq.com", "", now);
	put(st, in, 3, "王芳", "wang@qq.com", "me@qq.com", "", now);
	put(st, sent, 1, "Me", "me@qq.com", "吴 <wu@qq.com>", "", now);
	put(st, sent, 2, "Me", "me@qq.com", "", "Chen Wei <wei@qq.com>",
	    now - 365 * DAY);
	check(st, "w", 10,
	      "wu@qq.com|吴|0|1\nwang@qq.com|王芳|3|0\nwei@qq.com|Chen Wei|0|1",
	      "sent beats received; a year-old sent mail falls behind");
	check(st, "me@", 10, "me@qq.com|Me|5|0",
	      "one's own From in Sent counts as seen, not as sent");

	/* Recency among equals. */
	put(st, in, 4, "Old", "old@x.org", "", "", now - 200 * DAY);
	put(st, in, 5, "New", "new@x.org", "", "", now - DAY);
	check(st, "o", 10, "old@x.org|Old|1|0", "a prefix of the address");
	put(st, in, 6, "Oscar New", "osc@x.org", "", "", now - 100 * DAY);
	check(st, "new", 10, "new@x.org|New|1|0\nosc@x.org|Oscar New|1|0",
	      "a word of the name matches; newer first");
	check(st, "NEW", 1, "new@x.org|New|1|0",
	      "ASCII case does not matter; max is kept");

	put(st, junk, 1, "Spam", "spam@bad.example", "me@qq.com", "", now);
	check(st, "spam", 10, "", "mail in Junk adds nobody");
	check(st, "me@", 10, "me@qq.com|Me|5|0",
	      "and counts nobody it was sent to");

	struct store_addr *v;
	size_t n;
	ok(store_addr_match(st, "wu", now, 1, &v, &n, &e) == 0 && n == 1 &&
		   v[0].score > 7.9 && v[0].last == now,
	   "a mail sent today scores 8 and keeps its date");
	store_addr_list_free(v, n);
	ok(store_addr_match(st, "", now, 0, &v, &n, &e) == 0 && n == 0 && !v,
	   "max 0 asks for nothing");

	/* A reader sees the same. */
	struct store *rd = store_open(dir, STORE_READ, NULL, &e);
	if (ok(rd != NULL, "a reader opens")) {
		check(rd, "吴", 10, "wu@qq.com|吴|0|1",
		      "the reader finds a CJK name");
		store_close(rd);
	}
	store_close(st);
out:
	free(dir);
}

static int64_t
pragma(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

/* An index made by the previous version (2) with mail in it: the
 * upgrade makes the table and counts what was there, Sent included. */
static void
test_migration(const char *root)
{
	char *dir = xstrfmt("%s/migrate", root);
	char *db = xstrfmt("%s/%s", dir, STORE_DB_NAME);
	struct store_open_info info;
	struct perr e = PERR_INIT;
	struct store raw = { 0 };

	file_mkdirs(dir, 0700, &e);
	raw.db_path = db;
	raw.mode = STORE_WRITE;
	if (sqlite3_open(db, &raw.db) != SQLITE_OK) {
		ok(0, "open a v2 database");
		goto out;
	}
	ok(store_schema_migrate(&raw, 0, 2, &e) == 0, "make a v2 schema");
	ok(sqlite3_exec(raw.db,
			"INSERT INTO folder (id, raw_name, name, role) VALUES "
			"(1, 'INBOX', 'INBOX', 1), (2, 'Sent', 'Sent', 3);"
			"INSERT INTO message (folder, uid, internal_date, "
			"from_name, from_addr, to_addr, cc_addr) VALUES "
			"(1, 10, 1763800000, '王五', 'ww@163.com', "
			"'me@qq.com', ''),"
			"(1, 11, 1763800000, 'Bob', 'bob@x.org', "
			"'me@qq.com', 'Zhang, San <zs@qq.com>'),"
			"(2, 1, 1763850000, 'Me', 'me@qq.com', "
			"'王五 <ww@163.com>', '');",
			NULL, NULL, NULL) == SQLITE_OK,
	   "v2 holds three messages");
	sqlite3_close(raw.db);
	is_int(pragma(db, "PRAGMA user_version"), 2, "the file is at v2");

	struct store *st = store_open(dir, STORE_WRITE, &info, &e);
	if (!ok(st && info.old_version == 2 && !info.rebuilt,
		"v2 opens and migrates"))
		diag("%s", e.msg);
	is_int(pragma(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	       "now at the current version");
	if (st) {
		check(st, "ww", 10, "ww@163.com|王五|1|1",
		      "a v2 sender, also written to from Sent, is counted");
		check(st, "san", 10, "zs@qq.com|Zhang, San|1|0",
		      "a v2 Cc is counted");
		check(st, "me", 10, "me@qq.com|Me|3|0",
		      "every v2 message is counted once");
		store_close(st);
	}
	/* Opening again does not count again. */
	st = store_open(dir, STORE_WRITE, &info, &e);
	if (st) {
		check(st, "me", 10, "me@qq.com|Me|3|0",
		      "a second open counts nothing again");
		store_close(st);
	}
out:
	free(db);
	free(dir);
}

int
main(void)
{
	const char *root = tmp_make();
	char *log_path = xstrfmt("%s/store.log", root);
	struct perr le = PERR_INIT;
	if (log_open(log_path, &le) < 0)
		diag("no log: %s", le.msg);
	free(log_path);

	test_valid();
	test_fields(root);
	test_rank(root);
	test_migration(root);
	log_close();
	return done_testing();
}
