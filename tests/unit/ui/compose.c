/* SPDX-License-Identifier: ISC */
/*
 * The composer's pure half: the line editor and the body editor on UTF-8
 * and CJK text (cursor by character, cells by width), replies, forwards
 * and edit-as-new built from raw messages (a GBK one among them),
 * address fields split and checked, and the draft file read back.
 */
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/mime_text.h"
#include "postie/ui.h"

#include "compose.h"

static const char *const assumed[] = { "gb18030", NULL };

static void
test_lineed(void)
{
	struct ui_lineed le;

	ui_lineed_init(&le);
	ui_lineed_set(&le, "张三 <z@qq.com>");
	is_int((intmax_t)ui_lineed_cursor_cells(&le), 15,
	       "cursor at the end: 2 wide characters count 4 cells, 11 more");
	ui_lineed_op(&le, UI_LE_HOME);
	is_int((intmax_t)le.cur, 0, "Home: byte 0");
	ui_lineed_op(&le, UI_LE_RIGHT);
	is_int((intmax_t)le.cur, 3, "Right steps over a whole CJK character");
	is_int((intmax_t)ui_lineed_cursor_cells(&le), 2, "and 2 cells");
	ui_lineed_op(&le, UI_LE_DELETE);
	is_str(le.text.data, "张 <z@qq.com>", "Delete removes 三 whole");
	ui_lineed_op(&le, UI_LE_BACKSPACE);
	is_str(le.text.data, " <z@qq.com>", "Backspace removes 张 whole");
	is_int((intmax_t)le.cur, 0, "cursor at the start");
	ok(ui_lineed_insert(&le, 0x674e), "insert 李");
	ok(ui_lineed_insert(&le, 0x56db), "insert 四");
	is_str(le.text.data, "李四 <z@qq.com>", "inserted at the cursor");
	ok(!ui_lineed_insert(&le, 0x1b), "ESC is refused");
	ok(!ui_lineed_insert(&le, '\n'), "a line feed is refused");
	ok(!ui_lineed_insert(&le, 0x9b), "a C1 control is refused");
	is_str(le.text.data, "李四 <z@qq.com>", "nothing was inserted");
	ui_lineed_op(&le, UI_LE_KILL_END);
	is_str(le.text.data, "李四", "Ctrl-K deletes to the end");
	ui_lineed_op(&le, UI_LE_LEFT);
	ui_lineed_op(&le, UI_LE_KILL_START);
	is_str(le.text.data, "四", "Ctrl-U deletes to the start");
	ui_lineed_set(&le, "one two  three");
	ui_lineed_op(&le, UI_LE_WORD_BACK);
	is_str(le.text.data, "one two  ", "Ctrl-W deletes the last word");
	ui_lineed_op(&le, UI_LE_WORD_BACK);
	is_str(le.text.data, "one ", "and the spaces before the next");
	ui_lineed_set(&le, "a\x1b[2Jb\xff\xfe c");
	is_str(le.text.data, "a [2Jb c", "set: a control becomes a space, "
	       "invalid UTF-8 goes");
	ui_lineed_op(&le, UI_LE_END);
	ui_lineed_op(&le, UI_LE_RIGHT);
	is_int((intmax_t)le.cur, (intmax_t)le.text.len,
	       "Right at the end stays");
	ui_lineed_set(&le, NULL);
	ui_lineed_op(&le, UI_LE_BACKSPACE);
	ui_lineed_op(&le, UI_LE_LEFT);
	is_int((intmax_t)le.text.len, 0, "editing an empty line is safe");
	ui_lineed_release(&le);
}

static void
test_texted(void)
{
	struct ui_texted te;
	struct ui_textrow *rows;
	size_t n, crow, ccol;

	ui_texted_init(&te, "中文中文\r\nab\tc\x07\n", 20);
	is_str(te.text.data, "中文中文\nab\tc \n",
	       "init: CR dropped, a bell becomes a space, tab kept");
	te.cur = 0;
	ui_texted_op(&te, UI_TE_END);
	is_int((intmax_t)te.cur, 12, "End of a CJK line");
	ui_texted_op(&te, UI_TE_LEFT);
	ui_texted_op(&te, UI_TE_DOWN);
	/* goal: 6 cells; the second line's "ab<tab>" reaches cell 8 */
	is_int((intmax_t)te.cur, 15, "Down keeps the cell column (a tab is "
	       "wider than the goal)");
	ui_texted_op(&te, UI_TE_UP);
	is_int((intmax_t)te.cur, 9, "Up comes back to cell 6 of the CJK "
	       "line");
	ui_texted_op(&te, UI_TE_HOME);
	ui_texted_op(&te, UI_TE_NEWLINE);
	is_str(te.text.data, "\n中文中文\nab\tc \n", "Enter splits the line");
	ui_texted_op(&te, UI_TE_BACKSPACE);
	is_str(te.text.data, "中文中文\nab\tc \n", "Backspace joins again");
	ui_texted_op(&te, UI_TE_END);
	ui_texted_op(&te, UI_TE_KILL_END);
	is_str(te.text.data, "中文中文ab\tc \n",
	       "Ctrl-K at the end of a line joins the next");
	ui_texted_release(&te);

	ui_texted_init(&te, "一二三四五六", strlen("一二三四五六"));
	te.cur = te.text.len;
	ui_texted_rows(&te, 5, &rows, &n, &crow, &ccol);
	is_int((intmax_t)n, 3, "6 wide characters in 5 cells: 3 rows");
	ok(n == 3 && rows[0].len == 6 && rows[1].len == 6 && rows[2].len == 6,
	   "two characters a row, none split");
	is_int((intmax_t)crow, 2, "cursor on the last row");
	is_int((intmax_t)ccol, 4, "after its 4 cells");
	free(rows);
	ok(ui_texted_insert(&te, 'x'), "insert at the end");
	ok(!ui_texted_insert(&te, 0x1b), "ESC refused in the body");
	ui_texted_release(&te);
}

static const char gbk_msg[] =
	"From: =?GBK?B?wO7EyA==?= <lina@163.com>\r\n"
	"To: demo@postie.example, =?UTF-8?B?546L5LqU?= <wang@qq.com>\r\n"
	"Cc: DEMO@POSTIE.EXAMPLE, other@126.com, wang@qq.com\r\n"
	"Subject: =?GBK?B?u9i4tDogz+7Ev8bAyfM=?=\r\n"
	"Date: Wed, 14 Oct 2026 10:00:00 +0800\r\n"
	"Message-ID: <gbk1@163.com>\r\n"
	"References: <root@163.com>\r\n"
	"Content-Type: text/plain; charset=GBK\r\n"
	"Content-Transfer-Encoding: 8bit\r\n"
	"\r\n"
	"\xb8\xf7\xce\xbb\xcd\xac\xca\xc2\r\n"
	"> \xd2\xfd\xd3\xc3\r\n";

static void
test_reply(void)
{
	static const char *const own[] = { "demo@postie.example",
					   "me@other.example" };
	struct ui_draft_source src = {
		gbk_msg, sizeof(gbk_msg) - 1, assumed, own, 2, NULL
	};
	struct ui_draft d;
	struct perr e = PERR_INIT;

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY, &src, &e) == 0, "reply");
	is_str(d.to.text.data, "李娜 <lina@163.com>", "reply goes to From");
	is_str(d.cc.text.data, "", "no Cc on a plain reply");
	is_str(d.subject.text.data, "Re: 项目评审",
	       "回复: is taken as a reply prefix; GBK subject decoded");
	is_str(d.in_reply_to, "<gbk1@163.com>", "In-Reply-To");
	is_str(d.references, "<root@163.com> <gbk1@163.com>", "References");
	like(d.body.data, "On Wed, 14 Oct 2026 10:00:00 +0800, 李娜 wrote:\n",
	     "the attribution line");
	like(d.body.data, "\n> 各位同事\n", "the GBK text quoted, decoded");
	like(d.body.data, "\n>> 引用\n", "a quoted line quoted again");
	ui_draft_release(&d);

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY_ALL, &src, &e) == 0,
	   "reply to all");
	is_str(d.to.text.data, "李娜 <lina@163.com>, 王五 <wang@qq.com>",
	       "To: the sender and the other recipients, not oneself");
	is_str(d.cc.text.data, "other@126.com",
	       "Cc: one's own address (any case) and a repeat are dropped");
	ui_draft_release(&d);

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY_LIST, &src, &e) < 0,
	   "reply to the list without List-Post fails");
	like(e.msg, "List-Post", "and says why");
	ui_draft_release(&d);

	src.attribution = "%n <%a> schrieb am %d:";
	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY, &src, &e) == 0,
	   "reply with an attribution of one's own");
	like(d.body.data, "李娜 <lina@163.com> schrieb am Wed, 14 Oct",
	     "the attribution format is used");
	ui_draft_release(&d);
}

static void
test_reply_to_and_list(void)
{
	static const char msg[] =
		"From: Alice <alice@example.org>\n"
		"Reply-To: \"Alice, at home\" <alice@home.example>\n"
		"To: dev@lists.example\n"
		"List-Post: <mailto:dev@lists.example?subject=x>\n"
		"Subject: Re: [dev] Re: build\n"
		"Content-Type: text/html; charset=utf-8\n"
		"\n"
		"<p>Hello <b>there</b></p>\n";
	struct ui_draft_source src = { msg, sizeof(msg) - 1, NULL, NULL, 0,
				       NULL };
	struct ui_draft d;
	struct perr e = PERR_INIT;

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY, &src, &e) == 0, "reply");
	is_str(d.to.text.data, "\"Alice, at home\" <alice@home.example>",
	       "Reply-To wins; a name with a comma is quoted");
	is_str(d.subject.text.data, "Re: [dev] build",
	       "the prefixes after a list tag go");
	like(d.body.data, "> Hello there", "an HTML-only message quoted as "
	     "text");
	ok(!d.in_reply_to, "no Message-ID: no In-Reply-To");
	char **names, **addrs;
	is_int(ui_draft_split_addrs("To", d.to.text.data, &names, &addrs, &e),
	       1, "the quoted name splits as one address");
	is_str(names[0], "Alice, at home", "its name");
	is_str(addrs[0], "alice@home.example", "its address");
	mime_strv_free(names);
	mime_strv_free(addrs);
	ui_draft_release(&d);

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY_LIST, &src, &e) == 0,
	   "reply to the list");
	is_str(d.to.text.data, "dev@lists.example", "to the List-Post address");
	ui_draft_release(&d);

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_FORWARD, &src, &e) == 0,
	   "forward");
	is_str(d.subject.text.data, "Fwd: [dev] build", "Fwd: subject");
	like(d.body.data, "---------- Forwarded message ----------\n"
	     "From: Alice <alice@example.org>\n", "the forward heading");
	like(d.body.data, "Hello there", "and the text");
	is_str(d.to.text.data, "", "no recipient yet");
	ui_draft_release(&d);

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_FORWARD_ATTACH, &src, &e) == 0,
	   "forward as an attachment");
	ok(d.natt == 1 && strcmp(d.att[0].type, "message/rfc822") == 0,
	   "one message/rfc822 attachment");
	ok(d.natt == 1 && d.att[0].data.len == sizeof(msg) - 1 &&
	   memcmp(d.att[0].data.data, msg, sizeof(msg) - 1) == 0,
	   "holding the message exactly");
	ok(d.natt == 1 && strstr(d.att[0].name, ".eml") != NULL,
	   "named .eml");
	ok(d.body.len == 0, "no text");
	{
		/* RFC 2046 5.2.1: the forwarded message goes as it is */
		static const unsigned char rnd[32] = { 1, 2, 3 };
		struct mime_draft_addr from = { "Me", "me@example.org" };
		struct mime_draft_addr to = { NULL, "you@example.org" };
		struct mime_draft_file file = {
			d.att[0].name, d.att[0].data.data, d.att[0].data.len,
			d.att[0].type
		};
		struct mime_draft md = {
			.from = from, .to = &to, .nto = 1, .subject = "Fwd",
			.body = "see below\n", .body_len = 10,
			.files = &file, .nfiles = 1, .date = 1790000000,
			.random = rnd, .random_len = sizeof(rnd),
		};
		struct buf out = BUF_INIT;
		ok(mime_draft_build(&md, &out, &e) == 0, "built");
		like(out.data, "Content-Type: message/rfc822",
		     "the part is message/rfc822");
		like(out.data, "Content-Transfer-Encoding: 7bit\r\n\r\n"
		     "From: Alice <alice@example.org>\r\n",
		     "7bit, the message itself with CRLF line ends, not "
		     "base64");
		buf_release(&out);
	}
	ui_draft_release(&d);

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_EDIT_AS_NEW, &src, &e) == 0,
	   "edit as new");
	is_str(d.to.text.data, "dev@lists.example", "its recipients");
	is_str(d.subject.text.data, "Re: [dev] Re: build",
	       "its subject unchanged");
	like(d.body.data, "Hello there", "its text, not quoted");
	ui_draft_release(&d);
}

static void
test_split(void)
{
	char **names, **addrs;
	struct perr e = PERR_INIT;

	is_int(ui_draft_split_addrs("To", "张三 <zhang@qq.com>, b@c.d,",
				    &names, &addrs, &e),
	       2, "two addresses, a trailing comma ignored");
	is_str(names[0], "张三", "a CJK name");
	is_str(addrs[1], "b@c.d", "a bare address");
	is_str(names[1], "", "with no name");
	mime_strv_free(names);
	mime_strv_free(addrs);
	is_int(ui_draft_split_addrs("Cc", "ok@x.y, not an address", &names,
				    &addrs, &e),
	       -1, "a bad address fails");
	like(e.msg, "Cc: bad address", "naming the field");
	is_int(ui_draft_split_addrs("To", "", &names, &addrs, &e), 0,
	       "an empty field has none");
	mime_strv_free(names);
	mime_strv_free(addrs);
}

static void
test_file(void)
{
	struct ui_draft d, back;
	struct buf b = BUF_INIT;
	struct perr e = PERR_INIT;
	char *acct = NULL;

	ui_draft_init(&d);
	ui_lineed_set(&d.to, "张三 <zhang@qq.com>");
	ui_lineed_set(&d.subject, "测试");
	d.in_reply_to = xstrdup("<a@b>");
	d.is_reply = true;
	d.reply_folder = xstrdup("INBOX");
	d.reply_uid = 42;
	buf_addstr(&d.body, "正文\n\nFrom: not a header\n");
	ui_draft_format(&d, "qq", &b);
	ui_draft_init(&back);
	ok(ui_draft_parse(&back, b.data, b.len, &acct, &e) == 0,
	   "the draft file reads back");
	is_str(acct, "qq", "its account");
	is_str(back.to.text.data, "张三 <zhang@qq.com>", "To");
	is_str(back.subject.text.data, "测试", "Subject");
	is_str(back.in_reply_to, "<a@b>", "In-Reply-To");
	ok(back.is_reply && back.reply_uid == 42 &&
	   strcmp(back.reply_folder, "INBOX") == 0, "the message answered");
	is_str(back.body.data, "正文\n\nFrom: not a header\n",
	       "the body, header-like lines and all");
	free(acct);
	ui_draft_release(&back);
	ui_draft_init(&back);
	ok(ui_draft_parse(&back, "hello world\n\nx", 14, &acct, &e) < 0,
	   "a file that is not a draft is refused");
	like(e.msg, "not a postie draft", "and said so");
	ui_draft_release(&back);

	/* a folder name or Message-ID from outside cannot add a field */
	free(d.reply_folder);
	d.reply_folder = xstrdup("X\nAttach: /etc/passwd");
	free(d.in_reply_to);
	d.in_reply_to = xstrdup("<a@b>\nAttach: /etc/shadow");
	buf_reset(&b);
	ui_draft_format(&d, "qq", &b);
	ok(strstr(b.data, "Attach:") == NULL,
	   "no Attach line from a server's name");
	ui_draft_init(&back);
	ok(ui_draft_parse(&back, b.data, b.len, &acct, &e) == 0,
	   "the draft still reads back");
	ok(back.natt == 0, "with no attachment");
	ok(back.in_reply_to == NULL && back.reply_folder == NULL,
	   "and without the values that were not one line");
	free(acct);
	ui_draft_release(&back);
	ui_draft_release(&d);
	buf_release(&b);
}

/* A forwarded message is kept beside the draft under a name made here;
 * the draft file names that copy, and never a name from the mail. */
static void
test_file_kept(void)
{
	struct ui_draft d, back;
	struct buf b = BUF_INIT;
	struct perr e = PERR_INIT;
	char *acct = NULL;

	ui_draft_init(&d);
	d.att = xcalloc(2, sizeof(*d.att));
	d.att_cap = 2;
	d.natt = 2;
	buf_init(&d.att[0].data);
	buf_addstr(&d.att[0].data, "Subject: x\r\n\r\nhi\r\n");
	d.att[0].name = xstrdup("Fwd 项目 评审.eml");
	d.att[0].type = "message/rfc822";
	d.att[0].kept = xstrdup("part-1");
	buf_init(&d.att[1].data);
	d.att[1].path = xstrdup("/home/u/报告.txt");
	d.att[1].name = xstrdup("报告.txt");
	d.att[1].type = "text/plain";
	d.server_uidvalidity = 1700000001u;
	d.server_uid = 77;
	ui_draft_format(&d, "qq", &b);
	like(b.data, "Server-Draft: 1700000001 77\n",
	     "the copy in the server's Drafts is named");
	like(b.data, "Attach-Kept: part-1 message/rfc822 Fwd 项目 评审.eml\n",
	     "the kept copy is named with its type and name");
	like(b.data, "Attach: /home/u/报告.txt\n", "the file by its path");
	ui_draft_init(&back);
	ok(ui_draft_parse(&back, b.data, b.len, &acct, &e) == 0,
	   "reads back");
	ok(back.natt == 2, "both attachments");
	is_str(back.att[0].kept, "part-1", "the copy's local name");
	is_str(back.att[0].type, "message/rfc822", "its type");
	is_str(back.att[0].name, "Fwd 项目 评审.eml", "its name, spaces kept");
	ok(back.att[0].path == NULL && back.att[0].data.len == 0,
	   "no path, and the bytes are the caller's to read");
	is_str(back.att[1].path, "/home/u/报告.txt", "the file's path");
	ok(back.server_uidvalidity == 1700000001u && back.server_uid == 77,
	   "the server copy's UIDVALIDITY and UID read back");
	free(acct);
	ui_draft_release(&back);

	/* a name that could leave the files directory is refused */
	static const char *const bad[] = {
		"Attach-Kept: ../../.ssh/id_rsa message/rfc822 x.eml\n\n",
		"Attach-Kept: part-1/../x message/rfc822 x.eml\n\n",
		"Attach-Kept: part- message/rfc822 x.eml\n\n",
		"Attach-Kept: part-1234567890 message/rfc822 x.eml\n\n",
		"Attach-Kept: part-1 message/rfc822\n\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ui_draft_init(&back);
		ok(ui_draft_parse(&back, bad[i], strlen(bad[i]), &acct, &e) < 0,
		   "refused: %.*s", (int)strcspn(bad[i], "\n"), bad[i]);
		ui_draft_release(&back);
	}
	ok(ui_draft_kept_name_ok("part-12") &&
	   !ui_draft_kept_name_ok("part-") &&
	   !ui_draft_kept_name_ok("part-1a") && !ui_draft_kept_name_ok(".."),
	   "kept names: part- and digits only");

	/* a copy not yet written is not named */
	free(d.att[0].kept);
	d.att[0].kept = NULL;
	buf_reset(&b);
	ui_draft_format(&d, "qq", &b);
	ok(strstr(b.data, "Attach-Kept") == NULL, "no copy, no line");
	ui_draft_release(&d);
	buf_release(&b);
}

/* Reply to all with many recipients, the same ones again in Cc in
 * another case: each address once (a set, not every pair compared). */
static void
test_reply_all_many(void)
{
	struct buf msg = BUF_INIT;
	const char *own[] = { "me@example.org" };

	buf_addstr(&msg, "From: boss@example.org\nTo: ");
	for (int i = 0; i < 150; i++)
		buf_addf(&msg, "%su%d@x.org", i ? ", " : "", i);
	buf_addstr(&msg, ", me@example.org\nCc: ");
	for (int i = 0; i < 150; i++)
		buf_addf(&msg, "%sU%d@X.ORG", i ? ", " : "", 149 - i);
	buf_addstr(&msg, ", Boss@Example.org, new@x.org\nSubject: s\n\nhi\n");
	struct ui_draft_source src = { msg.data, msg.len, NULL, own, 1, NULL };
	struct ui_draft d;
	struct perr e = PERR_INIT;
	char **names, **addrs;

	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY_ALL, &src, &e) == 0,
	   "reply to all of 150 recipients");
	is_int(ui_draft_split_addrs("To", d.to.text.data, &names, &addrs, &e),
	       151, "To: the sender and the 150, oneself left out");
	is_str(addrs[0], "boss@example.org", "the sender first");
	is_str(addrs[150], "u149@x.org", "in their order");
	mime_strv_free(names);
	mime_strv_free(addrs);
	is_str(d.cc.text.data, "new@x.org",
	       "Cc: only the one not seen before, whatever the case");
	ok(d.left_out == 0, "nothing left out");
	ui_draft_release(&d);
	buf_release(&msg);

	/* more than the field holds: whole addresses left out, and
	 * counted, never one cut in half */
	buf_addstr(&msg, "From: boss@example.org\nTo: ");
	for (int i = 0; i < 600; i++)
		buf_addf(&msg, "%s\"Person %d\" <person%d@x.org>", i ? ", " : "",
			 i, i);
	buf_addstr(&msg, "\nSubject: s\n\nhi\n");
	src.raw = msg.data;
	src.len = msg.len;
	ui_draft_init(&d);
	ok(ui_draft_from_message(&d, UI_DRAFT_REPLY_ALL, &src, &e) == 0,
	   "reply to all of 600");
	long n = ui_draft_split_addrs("To", d.to.text.data, &names, &addrs,
				      &e);
	ok(n > 100 && d.left_out > 0, "%ld in To (each a whole, valid "
	   "address), %zu left out", n, d.left_out);
	is_int(n + (long)d.left_out, 601, "every one either in To or counted");
	ok(d.to.text.len <= UI_LINEED_MAX, "To within the field");
	mime_strv_free(names);
	mime_strv_free(addrs);
	ui_draft_release(&d);
	buf_release(&msg);
}

/* The kept layout after each of many random edits is the layout cut
 * from scratch: the same rows, the same cursor. */
static void
test_layout(void)
{
	static const uint32_t cps[] = { 'a', 'b', ' ', '\t', '\n', 0x4e2d,
					0x6587, 0xe9, '\n', 'x' };
	struct ui_texted te;
	struct ui_textlayout lay = { 0 };
	unsigned seed = 12345;
	size_t bad = 0, steps = 0;

	static const char start[] = "第一行 first line\n\tsecond\n\nlast";
	ui_texted_init(&te, start, sizeof(start) - 1);
	for (int round = 0; round < 4000; round++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = (seed >> 16) % 100;
		if (r < 45)
			ui_texted_insert(&te,
					 cps[(seed >> 8) % ARRAY_SIZE(cps)]);
		else if (r < 55)
			ui_texted_op(&te, UI_TE_BACKSPACE);
		else if (r < 60)
			ui_texted_op(&te, UI_TE_DELETE);
		else if (r < 63)
			ui_texted_op(&te, UI_TE_KILL_END);
		else if (r < 70)
			ui_texted_op(&te, UI_TE_UP);
		else if (r < 78)
			ui_texted_op(&te, UI_TE_DOWN);
		else if (r < 85)
			ui_texted_op(&te, UI_TE_LEFT);
		else if (r < 92)
			ui_texted_op(&te, UI_TE_RIGHT);
		else if (r < 95)
			ui_texted_op(&te, UI_TE_HOME);
		else
			ui_texted_op(&te, UI_TE_END);
		if (round % 3 == 0)
			continue; /* two edits before a draw, at times */
		int width = round > 3000 ? 7 : 12;
		struct ui_textrow *rows;
		size_t n, crow, ccol, lrow, lcol;
		ui_texted_rows(&te, width, &rows, &n, &crow, &ccol);
		ui_texted_layout(&te, width, &lay, &lrow, &lcol);
		steps++;
		bool same = n == lay.n && crow == lrow && ccol == lcol;
		for (size_t i = 0; same && i < n; i++)
			same = rows[i].off == lay.v[i].off &&
			       rows[i].len == lay.v[i].len;
		if (!same && bad++ == 0) {
			diag("round %d: %zu rows vs %zu, cursor %zu/%zu vs "
			     "%zu/%zu", round, n, lay.n, crow, ccol, lrow,
			     lcol);
			tap_show_("text", te.text.data, te.text.len);
			diag("cur %zu", te.cur);
			for (size_t i = 0; i < n && i < lay.n; i++)
				diag("row %zu+%zu, kept %zu+%zu", rows[i].off,
				     rows[i].len, lay.v[i].off, lay.v[i].len);
		}
		free(rows);
	}
	ok(bad == 0, "the kept layout equals a fresh one after %zu draws "
	   "of random edits (%zu differed)", steps, bad);
	ui_textlayout_release(&lay);
	ui_texted_release(&te);
}

/* The address being typed, for Tab completion, and the replacement. */
static void
test_addr_token(void)
{
	struct ui_lineed le;
	size_t a, b;
	static const struct {
		const char *text;
		const char *want; /* the token before the cursor (at the end) */
	} cases[] = {
		{ "zh", "zh" },
		{ "a@x.org, zh", "zh" },
		{ "a@x.org,zh", "zh" },
		{ "\"Zhang, San\" <z@qq.com>, li", "li" },
		{ "\"Zhang, San", "\"Zhang, San" },
		{ "<a,b@x>, 张", "张" },
		{ "a@x.org,   ", "" },
		{ "\"a\\\", b\" <q@x>, w", "w" },
		{ "", "" },
	};

	ui_lineed_init(&le);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ui_lineed_set(&le, cases[i].text);
		ui_addr_token(&le, &a, &b);
		is_mem(le.text.data + a, b - a, cases[i].want,
		       strlen(cases[i].want), "token of '%s'", cases[i].text);
	}
	/* the cursor in the middle: only what is before it */
	ui_lineed_set(&le, "a@x.org, li, b@y.org");
	le.cur = 11;
	ui_addr_token(&le, &a, &b);
	is_mem(le.text.data + a, b - a, "li", 2, "the token ends at the cursor");
	ok(ui_lineed_replace(&le, a, b, "李四 <li@163.com>"), "replaced");
	is_str(le.text.data, "a@x.org, 李四 <li@163.com>, b@y.org",
	       "the match takes the token's place");
	is_int((long long)le.cur, (long long)strlen("a@x.org, 李四 <li@163.com>"),
	       "the cursor after the match");
	ok(ui_lineed_replace(&le, 0, 7, "x\ty@z"), "controls allowed in");
	is_str(le.text.data, "x y@z, 李四 <li@163.com>, b@y.org",
	       "a control character becomes a space");
	/* inside a UTF-8 character: refused, nothing changed */
	ui_lineed_set(&le, "李四");
	ok(!ui_lineed_replace(&le, 1, 3, "x"), "not on a boundary: refused");
	is_str(le.text.data, "李四", "the text is unchanged");
	ok(!ui_lineed_replace(&le, 0, 99, "x"), "past the end: refused");
	struct buf big = BUF_INIT;
	for (size_t i = 0; i < UI_LINEED_MAX; i++)
		buf_addch(&big, 'a');
	ok(!ui_lineed_replace(&le, 0, 0, big.data), "too long: refused");
	is_str(le.text.data, "李四", "still unchanged");
	buf_release(&big);
	ui_lineed_release(&le);
}

int
main(void)
{
	test_lineed();
	test_texted();
	test_layout();
	test_reply();
	test_reply_to_and_list();
	test_split();
	test_reply_all_many();
	test_file();
	test_file_kept();
	test_addr_token();
	return done_testing();
}
