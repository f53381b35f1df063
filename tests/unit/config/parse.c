/* SPDX-License-Identifier: ISC */
/*
 * The dotfile parser, driven by a table of texts: each good one must load
 * and show a given line in the resolved output, each bad one must fail
 * with its message at its line and column. Then the things a table does
 * not show well: collecting many faults, the cap, the resolved account
 * structure, did-you-mean, reading the output back, and the refusal of a
 * plaintext password in a file others can read (hostile-50).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/config.h"

#include "private.h"

/* An account that is complete, to put a key under test after. */
#define ACCT "[account \"a\"]\naddress = a@example.com\n" \
	     "receive = imaps://mail.example.com\n"

struct tcase {
	const char *text;
	const char *want; /* good: a line of the resolved output;
			     bad: "LINE:COL: message start" */
	bool bad;
};

static const struct tcase cases[] = {
	/* good */
	{ "", "\ttheme = default\n", false },
	{ "# only a comment\n; and another\n\n", "\tsort = date\n", false },
	{ "[ui]\ntheme = dark\n", "\ttheme = dark\n", false },
	{ "[ui]\n  theme   =   dark   # trailing comment\n",
	  "\ttheme = dark\n", false },
	{ "[ui]\ntheme = dark ; semicolon comment\n", "\ttheme = dark\n",
	  false },
	{ "[ui]\ntheme = a#b\n", "\ttheme = \"a#b\"\n", false },
	{ "[ui]\ntheme = \"with # hash\"  # comment\n",
	  "\ttheme = \"with # hash\"\n", false },
	{ "[ui]\ndate-format = \"%H:%M\\t%d\"\n",
	  "\tdate-format = \"%H:%M\\t%d\"\n", false },
	{ "[UI]\nTheme = x\n", "\ttheme = x\n", false },
	{ "[ui]\r\ntheme = crlf\r\n", "\ttheme = crlf\n", false },
	{ "\xef\xbb\xbf[ui]\ntheme = bom\n", "\ttheme = bom\n", false },
	{ "[ui]\nsort = reverse-date\n", "\tsort = reverse-date\n", false },
	{ "[ui]\nsort = thread\nthreads = on\n", "\tthreads = yes\n", false },
	{ "[ui]\nfolder-width = 0\n", "\tfolder-width = 0\n", false },
	{ "[ui]\nmark-read-delay = 90\n", "\tmark-read-delay = 1m30s\n",
	  false },
	{ "[ui]\neditor = vim -c 'set tw=72'\n",
	  "\teditor = vim -c 'set tw=72'\n", false },
	{ "[ui]\nconfirm-quit = False\n", "\tconfirm-quit = no\n", false },
	{ "", "\tdelete = trash\n", false },
	{ "[ui]\ndelete = mark\n", "\tdelete = mark\n", false },
	{ "[ui]\ndelete = shred\n", "2:10: expected trash or mark, got 'shred'",
	  true },
	{ "", "\tviewer = full\n\tviewer-index-rows = 10\n", false },
	{ "[ui]\nviewer = split\nviewer-index-rows = 4\n",
	  "\tviewer = split\n\tviewer-index-rows = 4\n", false },
	{ "[ui]\nsave-dir = ~/mail files\n",
	  "\tsave-dir = ~/mail files\n", false },
	{ "[ui]\nurl-command = firefox --new-tab\n",
	  "\turl-command = firefox --new-tab\n", false },
	{ "[ui]\naliases = /etc/postie-aliases\n",
	  "\taliases = /etc/postie-aliases\n", false },
	{ "[ui]\nquery-command = khard email --parsable\n",
	  "\tquery-command = khard email --parsable\n", false },
	{ ACCT, "\tpoll = 5m\n", false },
	{ ACCT "poll = 1h30m\n", "\tpoll = 1h30m\n", false },
	{ ACCT "poll = 0\n", "\tpoll = 0s\n", false },
	{ ACCT "name = 张三\n", "\tname = 张三\n", false },
	{ ACCT "name = \"Zhang \\\"San\\\"\"\n",
	  "\tname = \"Zhang \\\"San\\\"\"\n", false },
	{ ACCT, "\treceive = imaps://a%40example.com@mail.example.com:993\n",
	  false },
	{ ACCT "user = bob\n", "\treceive = imaps://bob@mail.example.com:993\n",
	  false },
	{ ACCT "send = submission://mail.example.com\n",
	  "\tsend = submission://a%40example.com@mail.example.com:587\n",
	  false },
	{ ACCT "password-command = pass show mail/a\n",
	  "\tpassword-command = pass show mail/a\n", false },
	{ ACCT "password = s3cret\n", "\tpassword = *****\n", false },
	{ ACCT "assumed-charset = big5, gbk\n",
	  "\tassumed-charset = big5, gbk\n", false },
	{ ACCT, "\tassumed-charset = gb18030\n", false },
	{ ACCT "tls-fingerprint = " "00112233445566778899aabbccddeeff"
	       "00112233445566778899AABBCCDDEEFF\n",
	  "\ttls-fingerprint = 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
	  "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\n", false },
	{ ACCT "sent = 已发送\n", "\tsent = 已发送\n", false },
	{ "[account \"p\"]\naddress = p@example.com\n"
	  "receive = pop3s://pop.example.com\npop3-delete = after 7 days\n",
	  "\tpop3-delete = after 7 days\n", false },
	{ "[account \"qq\"]\naddress = 123@qq.com\npreset = qq\n",
	  "\tsend = smtps://123%40qq.com@smtp.qq.com:465\n", false },
	{ "[account \"qq\"]\naddress = 123@qq.com\npreset = qq\n",
	  "\tsent-copy = no\n", false },
	{ "[account \"qq\"]\naddress = 123@qq.com\npreset = qq\n"
	  "sent-copy = yes\n",
	  "\tsent-copy = yes\n", false },
	{ "[account \"n\"]\naddress = x@163.com\npreset = 163\n",
	  "\timap-id = yes\n", false },
	{ "[account \"qq\"]\naddress = 123@qq.com\npreset = qq\n"
	  "receive = pop3s://pop.qq.com\n",
	  "\treceive = pop3s://123%40qq.com@pop.qq.com:995\n", false },
	{ "[bind \"index\"]\ngg = top\n<C-x> = quit\n",
	  "\t<C-x> = quit\n", false },
	{ "[bind \"pager\"]\n\"#\" = toggle-headers\n",
	  "\t\"#\" = toggle-headers\n", false },
	{ "[bind \"index\"]\n== zoom\n", "\t\"=\" = zoom\n", false },

	/* bad: syntax */
	{ "theme = x\n", "1:1: 'theme' is outside any section", true },
	{ "[ui\n", "1:4: expected ']' to close the section header", true },
	{ "[]\n", "1:2: expected a section name after '['", true },
	{ "[ui] x\n", "1:6: unexpected text after the section header", true },
	{ "[uii]\n", "1:2: unknown section [uii]; did you mean [ui]?", true },
	{ "[colour]\n", "1:2: unknown section [colour]; did you mean [color]?",
	  true },
	{ "[zzz]\n", "1:2: unknown section [zzz] (expected", true },
	{ "[color]\nstatus = red\nstatus = blue\n",
	  "3:1: 'status' is already set on line 2", true },
	{ "[color \"x\"]\n", "1:8: [color] takes no name", true },
	{ "[account \"m\"]\naddress = m@example.com\npoll = 10s\n"
	  "receive = maildir:/m\n", "\tpoll = 10s\n", false },
	{ ACCT "poll = 1s\n", "4:8: 'poll' must be 0 (never) or from 30s to 24h",
	  true },
	{ "[account \"b\"]\naddress = b@example.com\npoll = 5s\n"
	  "receive = imaps://x.example.com\n",
	  "3:8: 'poll' must be 0 (never) or from 30s to 24h for a server", true },
	{ "[ui]\nkeys = vim\nbell-on-new = yes\nset-title = no\n",
	  "\tkeys = vim\n\tbell-on-new = yes\n\tset-title = no\n", false },
	{ "[ui]\nkeys = vi\n", "2:8: expected default, vim or emacs, got 'vi'",
	  true },
	{ "[color]\nstatus = white blue bold\n",
	  "[color]\n\tstatus = white blue bold\n", false },
	{ "[ui \"x\"]\n", "1:5: [ui] takes no name", true },
	{ "[account]\n", "1:1: an account needs a name", true },
	{ "[account \"\"]\n", "1:10: an account needs a name", true },
	{ "[account \"a]\n", "1:10: unclosed quote", true },
	{ "[ui]\ntheme\n", "2:6: expected '=' and a value after 'theme'",
	  true },
	{ "[ui]\ntheme: x\n", "2:6: unexpected character after key 'theme'",
	  true },
	{ "[ui]\n= x\n", "2:1: expected a key name or a [section]", true },
	{ "[ui]\ntheme =\n", "2:8: expected a value for 'theme'", true },
	{ "[ui]\ntheme = \"dark\n", "2:9: unclosed quote", true },
	{ "[ui]\ntheme = \"da\\qrk\"\n", "2:12: unknown escape '\\q'", true },
	{ "[ui]\ntheme = \"dark\" x\n",
	  "2:16: unexpected text after the closing quote", true },
	{ "[ui]\ntheme = d\xffrk\n", "2:10: invalid UTF-8 (byte 0xff)", true },
	{ "[ui]\ntheme = 张\xe4\xb8\n", "2:10: invalid UTF-8 (byte 0xe4)",
	  true },
	{ "[ui]\ntheme = \x1b[31m\n", "2:9: control character 0x1b", true },
	{ "[ui]\ntheme = a\xc2\x9b" "b\n", "2:10: control character U+009B",
	  true },
	{ "[ui]\nthem = x\n",
	  "2:1: unknown key 'them' in [ui]; did you mean 'theme'?", true },
	{ "[ui]\ntheme = a\ntheme = b\n",
	  "3:1: 'theme' is already set on line 2", true },
	/* bad: [ui] values */
	{ "[ui]\nsort = dat\n", "2:8: expected date, arrival, from", true },
	{ "[ui]\nthreads = maybe\n",
	  "2:11: expected yes or no (or true/false, on/off, 1/0), got "
	  "\"maybe\"", true },
	{ "[ui]\nfolder-width = 300\n",
	  "2:16: expected a width in columns from 0 to 200", true },
	{ "[ui]\nmark-read-delay = 2h\n",
	  "2:19: 'mark-read-delay' must be at most 1h", true },
	{ "[ui]\nlog-level = loud\n",
	  "2:13: expected error, warn, info or debug", true },
	{ "[ui]\neditor = vim 'x\n", "2:10: cannot use 'editor'", true },
	{ "[ui]\nviewer = half\n", "2:10: expected split or full, got 'half'",
	  true },
	{ "[ui]\nviewer-index-rows = 0\n",
	  "2:21: expected a number of rows from 1 to 200", true },
	{ "[ui]\nurl-command = open 'x\n", "2:15: cannot use 'url-command'",
	  true },
	{ "[ui]\nquery-command = abook --mutt-query 'x\n",
	  "2:17: cannot use 'query-command': unbalanced quote", true },
	{ "[ui]\naliases = ~bob/aliases\n",
	  "2:11: '~bob/aliases': only ~/ is expanded", true },
	{ "[ui]\naliases = \"a\\nb\"\n",
	  "2:11: 'aliases' cannot hold a line break or a tab", true },
	{ "[ui]\naliasses = x\n",
	  "2:1: unknown key 'aliasses' in [ui]; did you mean 'aliases'?",
	  true },
	/* bad: accounts */
	{ "[account \"a\"]\nadress = a@example.com\n",
	  "2:1: unknown key 'adress' in [account \"a\"]; did you mean "
	  "'address'?", true },
	{ "[account \"a\"]\nreceive = imaps://h\n",
	  "1:1: account \"a\" has no address", true },
	{ "[account \"a\"]\naddress = a@example.com\n",
	  "1:1: account \"a\" has no receive server (add receive = "
	  "imaps://HOST or pop3s://HOST, or preset = NAME)", true },
	{ "[account \"a\"]\naddress = a@qq.com\n",
	  "1:1: account \"a\" has no receive server (add preset = qq", true },
	{ ACCT "\n" ACCT, "5:10: account \"a\" is already defined on line 1",
	  true },
	{ ACCT "poll = 5 minutes\n",
	  "4:8: expected a duration like 30s, 5m or 1h, got \"5 minutes\"",
	  true },
	{ ACCT "poll = 10s\n",
	  "4:8: 'poll' must be 0 (never) or from 30s to 24h", true },
	{ ACCT "poll = 30m1h\n", "4:8: expected a duration", true },
	{ "[account \"a\"]\naddress = nobody\n",
	  "2:11: expected a mail address like name@example.com, got "
	  "\"nobody\"", true },
	{ ACCT "name = \"a\\nb\"\n",
	  "4:8: 'name' cannot hold a line break or a tab", true },
	{ "[account \"a\"]\naddress = a@example.com\n"
	  "receive = smtps://mail.example.com\n",
	  "3:11: 'receive' wants an IMAP or POP3 server", true },
	{ ACCT "send = imaps://mail.example.com\n",
	  "4:8: 'send' wants an SMTP server", true },
	{ ACCT "send = smtps://mail.example.com/path\n",
	  "4:8: 'smtps://mail.example.com/path' has a path, query or "
	  "fragment", true },
	{ "[account \"a\"]\naddress = a@example.com\n"
	  "receive = imap4://h\n",
	  "3:11: unknown URL scheme 'imap4' in 'imap4://h'; did you mean "
	  "'imap'?", true },
	{ ACCT "preset = qqq\n",
	  "4:10: unknown preset 'qqq'; did you mean 'qq'? (known: qq,", true },
	{ ACCT "tls-fingerprint = abcd\n",
	  "4:19: expected a SHA-256 fingerprint", true },
	{ ACCT "assumed-charset = gbk, b/g\n",
	  "4:19: expected charset names separated by commas", true },
	{ "[account \"p\"]\naddress = p@example.com\n"
	  "receive = pop3s://pop.example.com\npop3-delete = sometimes\n",
	  "4:15: expected leave, delete or after N days", true },
	{ ACCT "pop3-delete = delete\n",
	  "4:1: 'pop3-delete' applies only when receive is a POP3 server",
	  true },
	{ ACCT "password = x\npassword-command = pass x\n",
	  "5:1: account \"a\" has both password and password-command", true },
	{ ACCT "password-command = pass 'x\n",
	  "4:20: cannot use 'password-command'", true },
	{ ACCT "signature = ~bob/sig\n",
	  "4:13: '~bob/sig': only ~/ is expanded", true },
	{ ACCT "sent-copy = sometimes\n", "4:13: expected yes or no", true },
	/* bad: bindings */
	{ "[bind \"indx\"]\n", "1:7: unknown pane \"indx\"; did you mean "
	  "\"index\"?", true },
	{ "[bind]\n", "1:1: a bind section needs a pane", true },
	{ "[bind \"index\"]\n<C-x = quit\n", "2:1: unclosed '<' in key", true },
	{ "[bind \"index\"]\n<Entr> = open\n",
	  "2:1: unknown key name '<Entr>' in '<Entr>'; did you mean "
	  "'<Enter>'?", true },
	{ "[bind \"index\"]\nj = down\nj = next\n",
	  "3:1: 'j' is already bound in [bind \"index\"] on line 2", true },
	{ "[bind \"index\"]\nabcde = x\n",
	  "2:1: key sequence 'abcde' is longer than 4 keys", true },
};

static void
test_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct tcase *t = &cases[i];
		struct cfg c;
		struct perr e = PERR_INIT;
		cfg_init(&c);
		int rc = cfg_parse_buffer(&c, "t", t->text, strlen(t->text),
					  &e);
		if (!t->bad) {
			struct buf out = BUF_INIT;
			if (!ok(rc == 0, "case %zu loads", i))
				diag("%s", e.msg);
			cfg_format(&c, &out);
			like(out.data, t->want, "case %zu resolves", i);
			buf_release(&out);
		} else {
			char *want = xstrfmt("t:%s", t->want);
			bool found = false;
			ok(rc < 0 && e.kind == PERR_CONFIG, "case %zu fails",
			   i);
			for (size_t j = 0; j < c.n_errors; j++)
				if (strncmp(c.errors[j], want, strlen(want)) ==
				    0)
					found = true;
			ok(found, "case %zu says %s", i, t->want);
			for (size_t j = 0; !found && j < c.n_errors; j++)
				diag("got: %s", c.errors[j]);
			free(want);
		}
		cfg_release(&c);
	}
}

static void
test_many_faults(void)
{
	const char *text = "[ui]\nthreads = maybe\nsort = x\n"
			   "[account \"a\"]\nadress = a@b\n";
	struct cfg c;
	struct perr e = PERR_INIT;

	cfg_init(&c);
	ok(cfg_parse_buffer(&c, "m", text, strlen(text), &e) < 0,
	   "several faults: fails");
	is_int((intmax_t)c.n_errors, 4, "all four faults are collected");
	if (c.n_errors == 4) {
		like(c.errors[0], "m:2:11:", "first in file order");
		like(c.errors[1], "m:3:8:", "second");
		like(c.errors[2], "m:4:1: account \"a\" has no address",
		     "the account check is placed at its section");
		like(c.errors[3], "m:5:1: unknown key 'adress'", "fourth");
	}
	like(e.msg, "(and 3 more)", "the error counts the others");
	cfg_release(&c);

	/* a section already reported adds no fault per line */
	const char *skip = "[bind \"indx\"]\n<C-x> = quit\n\"#\" = x\n"
			   "[colours]\nindex.fg = red\n";
	cfg_init(&c);
	ok(cfg_parse_buffer(&c, "k", skip, strlen(skip), &e) < 0,
	   "bad sections fail");
	is_int((intmax_t)c.n_errors, 2, "  one fault per bad section only");
	cfg_release(&c);

	/* more than the cap: kept up to it, the rest counted */
	struct buf big = BUF_INIT;
	buf_addstr(&big, "[ui]\n");
	for (int i = 0; i < CFG_MAX_ERRORS + 30; i++)
		buf_addf(&big, "nope%d = 1\n", i);
	cfg_init(&c);
	ok(cfg_parse_buffer(&c, "big", big.data, big.len, &e) < 0,
	   "a flood of faults fails");
	is_int((intmax_t)c.n_errors, CFG_MAX_ERRORS, "faults are capped");
	ok(c.n_errors_dropped > 0, "the dropped ones are counted");
	cfg_release(&c);
	buf_release(&big);

	/* a NUL byte inside the text is a fault, not the end of it */
	static const char nul[] = "[ui]\ntheme = a\0b\nthem = x\n";
	cfg_init(&c);
	ok(cfg_parse_buffer(&c, "n", nul, sizeof(nul) - 1, &e) < 0,
	   "NUL byte: fails");
	ok(c.n_errors == 2 && strcmp(c.errors[0],
				     "n:2:10: NUL byte in the file") == 0,
	   "hostile-5: NUL reported at its column, text after it still read");
	cfg_release(&c);
}

static void
test_structure(void)
{
	const char *text =
		"[ui]\nsort = reverse-subject\n"
		"[account \"qq\"]\n"
		"address = 12345@qq.com\nname = 张三\npreset = QQ\n"
		"password-command = pass show mail/qq\npoll = 2m\n"
		"[account \"work\"]\n"
		"address = me@example.org\n"
		"receive = imap://[2001:db8::1]:1143\n"
		"send = smtp+insecure://127.0.0.1:2525\n"
		"user = me\nsignature = ~/.sig\nca-file = /etc/ca.pem\n"
		"drafts = Drafts\ntrash = Trash\n"
		"[bind \"index\"]\nj = next\n<F5> = sync\n";
	struct cfg c;
	struct perr e = PERR_INIT;

	setenv("HOME", "/home/zs", 1);
	cfg_init(&c);
	if (!ok(cfg_parse_buffer(&c, "s", text, strlen(text), &e) == 0,
		"full file loads"))
		diag("%s", e.msg);
	is_int(c.ui.sort, CFG_SORT_SUBJECT, "sort key");
	ok(c.ui.sort_reverse, "sort reversed");
	is_int((intmax_t)c.n_accounts, 2, "two accounts");
	if (c.n_accounts == 2) {
		const struct cfg_account *qq = cfg_find_account(&c, "qq");
		const struct cfg_account *w = cfg_find_account(&c, "work");
		ok(qq == &c.accounts[0] && w == &c.accounts[1],
		   "find_account, file order");
		is_str(qq->real_name, "张三", "UTF-8 name");
		is_str(qq->receive.host, "imap.qq.com", "preset receive host");
		is_int(qq->receive.port, 993, "preset receive port");
		is_int(qq->receive.tls, CFG_TLS_IMPLICIT, "preset imaps");
		is_str(qq->user, "12345@qq.com", "user defaults to address");
		is_int((intmax_t)qq->poll, 120, "poll 2m");
		ok(qq->preset == cfg_preset_find("qq"), "preset recorded");
		ok(qq->login_hint && strstr(qq->login_hint, "authorisation"),
		   "login hint from the preset");
		is_str(w->receive.host, "2001:db8::1", "IPv6 host");
		is_int(w->receive.port, 1143, "explicit port");
		is_int(w->receive.tls, CFG_TLS_STARTTLS, "imap is STARTTLS");
		is_str(w->receive.user, "me", "user key fills the URL");
		is_int(w->send.tls, CFG_TLS_NONE, "smtp+insecure is plaintext");
		is_str(w->signature, "/home/zs/.sig", "~ expanded");
		is_str(w->drafts, "Drafts", "drafts folder");
		ok(w->sent == NULL, "sent left to the server");
		ok(w->preset == NULL && w->login_hint == NULL, "no preset");
		ok(w->sent_copy, "sent-copy defaults to yes");
	}
	ok(cfg_find_account(&c, "QQ") == NULL, "account names are exact");
	ok(cfg_select_account(&c, NULL, &e) == &c.accounts[0],
	   "select: the first by default");
	ok(cfg_select_account(&c, "work", &e) == &c.accounts[1],
	   "select: by name");
	ok(cfg_select_account(&c, "wrok", &e) == NULL, "select: unknown name");
	is_str(e.msg, "no account \"wrok\"; did you mean \"work\"? (there "
		      "are: \"qq\", \"work\")", "  lists the names");
	is_int((intmax_t)c.n_binds, 2, "two bindings");
	if (c.n_binds == 2) {
		is_str(c.binds[1].keys, "<F5>", "bind keys");
		is_str(c.binds[1].action, "sync", "bind action");
		is_str(c.binds[1].pane, "index", "bind pane");
	}

	/* the output reads back to the same output */
	struct buf out1 = BUF_INIT, out2 = BUF_INIT;
	struct cfg c2;
	cfg_format(&c, &out1);
	cfg_init(&c2);
	if (!ok(cfg_parse_buffer(&c2, "out", out1.data, out1.len, &e) == 0,
		"resolved output parses"))
		diag("%s\n%s", e.msg, out1.data);
	cfg_format(&c2, &out2);
	is_str(out2.data, out1.data, "and gives the same output again");
	buf_release(&out1);
	buf_release(&out2);
	cfg_release(&c2);
	cfg_release(&c);
	ok(c.n_accounts == 0 && c.accounts == NULL, "release re-inits");
}

/* Theme files: the dotfile's syntax, [color] only. */
static void
test_theme(void)
{
	struct cfg c;
	struct perr e = PERR_INIT;
	static const char good[] = "# a theme\n[color]\n"
				   "status = white blue bold  # the bar\n"
				   "quote-1 = \"#5f87af\"\n"
				   "link = #ff8700 #002b36 bold # c\n";
	static const char bad[] = "[color]\nstatus = red\n[ui]\n"
				  "theme = x\n";

	cfg_init(&c);
	is_int(cfg_parse_theme_buffer(&c, "t.theme", good, strlen(good), &e),
	       0, "a theme file parses");
	is_int((intmax_t)c.n_colors, 3, "  three colour lines");
	is_str(c.colors[0].element, "status", "  the element");
	is_str(c.colors[0].value, "white blue bold", "  the value, no comment");
	is_int(c.colors[0].line, 3, "  its line");
	is_int(c.colors[0].col, 10, "  its column");
	is_str(c.colors[1].value, "#5f87af", "  a quoted '#'");
	is_str(c.colors[2].value, "#ff8700 #002b36 bold",
	       "  #rrggbb is a colour, then a comment");
	cfg_release(&c);

	cfg_init(&c);
	is_int(cfg_parse_theme_buffer(&c, "b.theme", bad, strlen(bad), &e),
	       -1, "a theme with [ui] fails");
	like(e.msg, "b.theme:3:2: a theme file holds only [color] sections",
	     "  and says where");
	cfg_release(&c);

	cfg_init(&c);
	is_int(cfg_parse_theme_buffer(&c, "n.theme", "status = red\n", 13,
				      &e), -1, "a line before [color] fails");
	like(e.msg, "n.theme:1:1: 'status' is outside any section; a theme "
	     "starts with [color]", "  and says so");
	cfg_release(&c);

	cfg_init(&c);
	is_int(cfg_load_theme(&c, "/nonexistent/x.theme", &e), -1,
	       "a missing theme file fails");
	is_int(e.kind, PERR_LOCAL, "  as a local error");
	cfg_release(&c);
}

static void
test_did_you_mean(void)
{
	static const char *const keys[] = { "address", "poll", "password",
					    "password-command", "sent",
					    NULL };
	is_str(cfg_did_you_mean("adress", keys), "address", "deletion");
	is_str(cfg_did_you_mean("addresss", keys), "address", "insertion");
	is_str(cfg_did_you_mean("pool", keys), "poll", "substitution");
	is_str(cfg_did_you_mean("pssaword", keys), "password",
	       "transposition");
	is_str(cfg_did_you_mean("Password-Comand", keys), "password-command",
	       "case is ignored");
	ok(cfg_did_you_mean("colour", keys) == NULL, "nothing close");
	ok(cfg_did_you_mean("x", keys) == NULL, "too short to guess");
	is_int((intmax_t)cfg_edit_distance("kitten", "sitting"), 3,
	       "edit distance");
}

static char *
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = xstrfmt("%s/%s", dir, name);
	struct perr e = PERR_INIT;
	if (file_write_atomic(path, text, strlen(text), mode, &e) < 0)
		diag("cannot write %s: %s", path, e.msg);
	chmod(path, mode);
	return path;
}

static void
test_files(void)
{
	char tmpl[] = "/tmp/postie-cfg.XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct cfg c;
	struct perr e = PERR_INIT;
	const char *text = ACCT "password = hunter2hunter2\n";

	if (!dir) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	setenv("HOME", dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	char *priv = write_file(dir, "private", text, 0600);
	char *open = write_file(dir, "open", text, 0644);
	char *grp = write_file(dir, "grp", text, 0640);
	char *link = xstrfmt("%s/link", dir);
	symlink(priv, link);

	cfg_init(&c);
	if (!ok(cfg_load(&c, priv, &e) == 0, "password in a 0600 file"))
		diag("%s", e.msg);
	is_str(c.accounts ? c.accounts[0].password : NULL, "hunter2hunter2",
	       "password read");
	is_str(c.display_path, "~/private", "home shown as ~");

	ok(cfg_load(&c, open, &e) < 0 && e.kind == PERR_CONFIG,
	   "hostile-50: password in a 0644 file refused");
	like(e.msg, "~/open:4:12: a plaintext password is refused because "
		    "'~/open' can be read or written by group or others: "
		    "run chmod 600 ~/open, or use password-command instead",
	     "the refusal names the file and the fix");
	ok(cfg_load(&c, grp, &e) < 0, "hostile-50: 0640 refused too");
	ok(cfg_load(&c, link, &e) < 0, "hostile-50: through a symlink refused");
	like(e.msg, "is a symbolic link", "and says why");

	/* a file of someone else's: only root can set that up */
	char *other = write_file(dir, "other", text, 0600);
	if (getuid() == 0 && chown(other, 65534, 65534) == 0) {
		ok(cfg_load(&c, other, &e) < 0,
		   "hostile-50: password in another user's file refused");
		like(e.msg, "belongs to another user", "  and says why");
	} else {
		diag("not root: the other-owner case needs chown");
	}
	unlink(other);
	free(other);

	char *wcmd = write_file(dir, "wcmd",
				ACCT "password-command = sh -c 'echo x'\n",
				0666);
	ok(cfg_load(&c, wcmd, &e) < 0,
	   "a command in a file others can write is refused");
	like(e.msg, "~/wcmd:4:20: 'password-command' is refused because "
		    "'~/wcmd' can be written by group or others: run chmod "
		    "go-w ~/wcmd", "  naming the fix");
	chmod(wcmd, 0644);
	ok(cfg_load(&c, wcmd, &e) == 0, "  but fine when only readable");
	unlink(wcmd);
	free(wcmd);

	char *nopw = write_file(dir, "nopw", ACCT, 0644);
	ok(cfg_load(&c, nopw, &e) == 0,
	   "a readable file without a password is fine");

	char *missing = xstrfmt("%s/missing", dir);
	ok(cfg_load(&c, missing, &e) < 0 && e.kind == PERR_LOCAL,
	   "a missing file is a local error");
	like(e.msg, "cannot read '~/missing'", "naming the file");

	/* the default place: ~/.postierc, else $XDG_CONFIG_HOME */
	ok(cfg_load(&c, NULL, &e) < 0 && e.kind == PERR_LOCAL,
	   "no default dotfile");
	like(e.msg, "looked at '~/.postierc' and '~/.config/postie/config'",
	     "says where it looked");
	char *xdgdir = xstrfmt("%s/.config/postie", dir);
	file_mkdirs(xdgdir, 0700, &e);
	char *xdg = write_file(xdgdir, "config", "[ui]\ntheme = xdg\n", 0600);
	ok(cfg_load(&c, NULL, &e) == 0 && strcmp(c.ui.theme, "xdg") == 0,
	   "$XDG_CONFIG_HOME/postie/config is read");
	char *dot = write_file(dir, ".postierc", "[ui]\ntheme = dot\n", 0600);
	ok(cfg_load(&c, NULL, &e) == 0 && strcmp(c.ui.theme, "dot") == 0,
	   "~/.postierc comes first");
	char *p = cfg_default_path(NULL);
	is_str(p, dot, "default path");
	free(p);

	char *huge = xstrfmt("%s/huge", dir);
	struct buf hb = BUF_INIT;
	for (int i = 0; i < CFG_MAX_FILE / 8 + 10; i++)
		buf_addstr(&hb, "# 45678\n");
	file_write_atomic(huge, hb.data, hb.len, 0600, &e);
	ok(cfg_load(&c, huge, &e) < 0 && e.kind == PERR_LOCAL,
	   "a file over the size limit is refused before reading");
	buf_release(&hb);

	cfg_release(&c);
	const char *all[] = { priv, open, grp, link, nopw, xdg, dot, huge };
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		unlink(all[i]);
	rmdir(xdgdir);
	char *cfgdir = xstrfmt("%s/.config", dir);
	rmdir(cfgdir);
	rmdir(dir);
	free(cfgdir);
	free(priv);
	free(open);
	free(grp);
	free(link);
	free(nopw);
	free(missing);
	free(xdgdir);
	free(xdg);
	free(dot);
	free(huge);
}

static void
test_select_empty(void)
{
	struct cfg c;
	struct perr e = PERR_INIT;

	cfg_init(&c);
	ok(cfg_parse_buffer(&c, "e", "[ui]\n", 5, &e) == 0, "no accounts");
	ok(cfg_select_account(&c, NULL, &e) == NULL,
	   "select with no account fails");
	like(e.msg, "no account in 'e'", "  and says so");
	cfg_release(&c);
}

static void
test_warnings(void)
{
	const char *text = ACCT "password-command = no-such-prog-xyz show a\n"
			   "ca-file = /nonexistent/ca.pem\n"
			   "oauth-token-command = sh -c 'echo x'\n"
			   "signature = /dev/null\n";
	struct cfg c;
	struct perr e = PERR_INIT;

	cfg_init(&c);
	ok(cfg_parse_buffer(&c, "w", text, strlen(text), &e) == 0,
	   "warnings do not make a load fail");
	is_int((intmax_t)c.n_warnings, 2, "two warnings");
	if (c.n_warnings == 2) {
		is_str(c.warnings[0],
		       "w:4:20: warning: 'password-command' runs "
		       "'no-such-prog-xyz', which is not an executable program "
		       "here", "a program not in PATH");
		like(c.warnings[1], "w:5:11: warning: cannot read ca-file "
				    "'/nonexistent/ca.pem'",
		     "a ca-file that cannot be read");
	}
	cfg_release(&c);
	ok(c.n_warnings == 0 && c.warnings == NULL, "released");
}

static void
test_limits(void)
{
	struct buf t = BUF_INIT;
	struct cfg c;
	struct perr e = PERR_INIT;

	for (int i = 0; i <= CFG_MAX_ACCOUNTS; i++)
		buf_addf(&t, "[account \"a%d\"]\naddress = a%d@example.com\n"
			     "receive = imaps://h\n", i, i);
	cfg_init(&c);
	ok(cfg_parse_buffer(&c, "t", t.data, t.len, &e) < 0,
	   "one account too many fails");
	like(e.msg, "too many accounts (at most 100)", "  and says so");
	is_int((intmax_t)c.n_accounts, CFG_MAX_ACCOUNTS, "  the rest kept");
	cfg_release(&c);

	/* a file at the size limit, as big as a real one could get: the
	 * most accounts and bindings allowed, the rest comments */
	buf_reset(&t);
	for (int i = 0; i < CFG_MAX_ACCOUNTS; i++)
		buf_addf(&t, "[account \"a%d\"]\naddress = a%d@qq.com\n"
			     "preset = qq\npoll = 1h30m\nname = 张三 %d\n"
			     "password-command = pass show mail/a%d\n",
			     i, i, i, i);
	buf_addstr(&t, "[bind \"index\"]\n");
	for (int i = 0; i < CFG_MAX_BINDS; i++)
		buf_addf(&t, "%c%c%c = act-%d\n", 'a' + i % 26,
			 'a' + i / 26 % 26, 'a' + i / 676, i);
	while (t.len < CFG_MAX_FILE - 100)
		buf_addstr(&t, "# comment line, padding to the size limit\n");
	cfg_init(&c);
	int64_t t0 = time_mono_ms();
	int rc = cfg_parse_buffer(&c, "big", t.data, t.len, &e);
	int64_t ms = time_mono_ms() - t0;
	if (!ok(rc == 0, "a 1 MiB file with %d accounts and %d bindings loads",
		CFG_MAX_ACCOUNTS, CFG_MAX_BINDS))
		diag("%s", e.msg);
	ok(ms < 3000, "  quickly");
	diag("parsed %zu bytes (%zu accounts, %zu bindings) in %lld ms",
	     t.len, c.n_accounts, c.n_binds, (long long)ms);
	cfg_release(&c);
	buf_release(&t);
}

/* Random damage to a valid file: every result must be either a clean
 * load whose output reads back the same, or a failure with at least one
 * positioned message. No crash, no hang (run it under SAN=1). */
static void
test_mutations(void)
{
	static const char base[] =
		"[ui]\nsort = reverse-date # c\ndate-format = \"%H:%M\"\n"
		"[account \"q\\\"q\"]\naddress = 1@qq.com\nname = 张三\n"
		"preset = qq\npoll = 1h30m\nsent = 已发送\n"
		"receive = imaps://u%40x@[::1]:993/\n"
		"assumed-charset = gbk, big5\nsignature = ~/s i g\n"
		"[bind \"index\"]\n<C-x> = quit\n\"#\" = x\ngg = top\n";
	static const char pool[] = "\0\"\\[]=#;<>%@:/ \t\n\r\xff\xe5\xc2x0";
	uint32_t seed = 12345;
	int bad = 0, loaded = 0;
	struct cfg c0;
	struct perr e0 = PERR_INIT;

	cfg_init(&c0);
	if (!ok(cfg_parse_buffer(&c0, "f", base, sizeof(base) - 1, &e0) == 0,
		"the undamaged file loads"))
		diag("%s", e0.msg);
	cfg_release(&c0);

	for (int iter = 0; iter < 3000; iter++) {
		struct buf t = BUF_INIT;
		buf_add(&t, base, sizeof(base) - 1);
		int n = 1 + iter % 4;
		for (int m = 0; m < n && t.len > 0; m++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % t.len;
			char ch = pool[(seed >> 20) % (sizeof(pool) - 1)];
			switch ((seed >> 28) % 3) {
			case 0:
				t.data[pos] = ch;
				break;
			case 1:
				buf_insert(&t, pos, &ch, 1);
				break;
			default:
				buf_remove(&t, pos, 1);
			}
		}
		struct cfg c;
		struct perr e = PERR_INIT;
		cfg_init(&c);
		int rc = cfg_parse_buffer(&c, "f", t.data, t.len, &e);
		if (rc == 0 && c.n_errors == 0) {
			struct buf o1 = BUF_INIT, o2 = BUF_INIT;
			struct cfg c2;
			loaded++;
			cfg_format(&c, &o1);
			cfg_init(&c2);
			if (cfg_parse_buffer(&c2, "o", o1.data, o1.len, &e) < 0)
				bad++, diag("output does not read back: %s\n%s",
					    e.msg, o1.data);
			cfg_format(&c2, &o2);
			if (strcmp(o1.data, o2.data) != 0)
				bad++, diag("output changes when read back");
			cfg_release(&c2);
			buf_release(&o1);
			buf_release(&o2);
		} else if (rc == 0 || c.n_errors == 0 ||
			   strncmp(c.errors[0], "f:", 2) != 0 ||
			   e.kind != PERR_CONFIG) {
			bad++;
			diag("iteration %d: rc %d, %zu errors", iter, rc,
			     c.n_errors);
		}
		cfg_release(&c);
		buf_release(&t);
	}
	is_int(bad, 0, "3000 damaged files: each loads cleanly or fails with "
		       "a positioned message");
	diag("%d of 3000 damaged files still loaded", loaded);
}

int
main(void)
{
	test_table();
	test_many_faults();
	test_structure();
	test_did_you_mean();
	test_theme();
	test_files();
	test_select_empty();
	test_warnings();
	test_limits();
	test_mutations();
	return done_testing();
}
