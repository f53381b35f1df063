/* SPDX-License-Identifier: ISC */
/*
 * Single values of the dotfile: server URLs, durations, booleans, key
 * sequences and fingerprints, each from a table of good and bad inputs.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/config.h"

#include "private.h"

static void
test_urls(void)
{
	static const struct {
		const char *in;
		const char *scheme;
		enum cfg_proto proto;
		enum cfg_tls tls;
		const char *host;
		unsigned port;
		const char *user; /* NULL: none */
		const char *back; /* cfg_url_format */
	} good[] = {
		{ "imaps://imap.qq.com", "imaps", CFG_PROTO_IMAP,
		  CFG_TLS_IMPLICIT, "imap.qq.com", 993, NULL,
		  "imaps://imap.qq.com:993" },
		{ "imap://mail.example.com", "imap", CFG_PROTO_IMAP,
		  CFG_TLS_STARTTLS, "mail.example.com", 143, NULL,
		  "imap://mail.example.com:143" },
		{ "pop3://h", "pop3", CFG_PROTO_POP3, CFG_TLS_STARTTLS, "h",
		  110, NULL, "pop3://h:110" },
		{ "pop3s://pop.163.com/", "pop3s", CFG_PROTO_POP3,
		  CFG_TLS_IMPLICIT, "pop.163.com", 995, NULL,
		  "pop3s://pop.163.com:995" },
		{ "smtp://h", "smtp", CFG_PROTO_SMTP, CFG_TLS_STARTTLS, "h",
		  587, NULL, "smtp://h:587" },
		{ "submission://h", "submission", CFG_PROTO_SMTP,
		  CFG_TLS_STARTTLS, "h", 587, NULL, "submission://h:587" },
		{ "smtps://smtp.163.com", "smtps", CFG_PROTO_SMTP,
		  CFG_TLS_IMPLICIT, "smtp.163.com", 465, NULL,
		  "smtps://smtp.163.com:465" },
		{ "IMAPS://Host:10993", "imaps", CFG_PROTO_IMAP,
		  CFG_TLS_IMPLICIT, "Host", 10993, NULL,
		  "imaps://Host:10993" },
		{ "imap+insecure://127.0.0.1:1143", "imap+insecure",
		  CFG_PROTO_IMAP, CFG_TLS_NONE, "127.0.0.1", 1143, NULL,
		  "imap+insecure://127.0.0.1:1143" },
		{ "pop3+insecure://localhost", "pop3+insecure", CFG_PROTO_POP3,
		  CFG_TLS_NONE, "localhost", 110, NULL,
		  "pop3+insecure://localhost:110" },
		{ "smtp+insecure://[::1]:2525", "smtp+insecure", CFG_PROTO_SMTP,
		  CFG_TLS_NONE, "::1", 2525, NULL,
		  "smtp+insecure://[::1]:2525" },
		{ "imaps://[2001:db8::1]", "imaps", CFG_PROTO_IMAP,
		  CFG_TLS_IMPLICIT, "2001:db8::1", 993, NULL,
		  "imaps://[2001:db8::1]:993" },
		{ "imaps://bob@h", "imaps", CFG_PROTO_IMAP, CFG_TLS_IMPLICIT,
		  "h", 993, "bob", "imaps://bob@h:993" },
		{ "imaps://12345%40qq.com@imap.qq.com:993", "imaps",
		  CFG_PROTO_IMAP, CFG_TLS_IMPLICIT, "imap.qq.com", 993,
		  "12345@qq.com", "imaps://12345%40qq.com@imap.qq.com:993" },
		{ "imaps://12345@qq.com@imap.qq.com", "imaps", CFG_PROTO_IMAP,
		  CFG_TLS_IMPLICIT, "imap.qq.com", 993, "12345@qq.com",
		  "imaps://12345%40qq.com@imap.qq.com:993" },
		{ "imaps://%E5%BC%A0@h", "imaps", CFG_PROTO_IMAP,
		  CFG_TLS_IMPLICIT, "h", 993, "张", "imaps://张@h:993" },
		{ "imaps://a%20b%3Ac@h", "imaps", CFG_PROTO_IMAP,
		  CFG_TLS_IMPLICIT, "h", 993, "a b:c",
		  "imaps://a%20b%3Ac@h:993" },
	};
	static const struct {
		const char *in;
		const char *msg;
	} bad[] = {
		{ "imap.qq.com", "expected a server URL like imaps://" },
		{ "", "expected a server URL" },
		{ "http://h", "unknown URL scheme 'http'" },
		{ "imaps4://h", "did you mean 'imaps'?" },
		{ "imaps://", "no host name in 'imaps://'" },
		{ "imaps://:993", "no host name" },
		{ "imaps://h/INBOX", "has a path, query or fragment" },
		{ "imaps://h?x=1", "has a path, query or fragment" },
		{ "imaps://h#frag", "has a path, query or fragment" },
		{ "imaps://h//", "has a path" },
		{ "imaps://h:0", "expected a port from 1 to 65535" },
		{ "imaps://h:65536", "expected a port from 1 to 65535" },
		{ "imaps://h:99999999999999999999", "expected a port" },
		{ "imaps://h:-1", "expected a port" },
		{ "imaps://h:", "expected a port" },
		{ "imaps://h:99a", "expected a port" },
		{ "imaps://bob:secret@h", "holds a password; put it in "
					  "password-command" },
		{ "imaps://@h", "empty user name" },
		{ "imaps://a%4@h", "bad percent escape" },
		{ "imaps://a%@h", "bad percent escape" },
		{ "imaps://a%zz@h", "bad percent escape" },
		{ "imaps://a%00b@h", "control character" },
		{ "imaps://a%0Ab@h", "control character" },
		{ "imaps://a%ff@h", "not valid UTF-8" },
		{ "imaps://[::1", "unclosed '['" },
		{ "imaps://[nothost]", "is not an IPv6 address" },
		{ "imaps://[::1]x", "expected ':' and a port after ']'" },
		{ "imaps://ho st", "bad character in the host" },
		{ "imaps://h\xc3\xa9", "bad character in the host" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct cfg_url u;
		struct perr e = PERR_INIT;
		if (!ok(cfg_parse_url(good[i].in, &u, &e) == 0, "url '%s'",
			good[i].in)) {
			diag("%s", e.msg);
			continue;
		}
		is_str(u.scheme, good[i].scheme, "  scheme");
		ok(u.proto == good[i].proto && u.tls == good[i].tls,
		   "  protocol and TLS");
		is_str(u.host, good[i].host, "  host");
		is_int(u.port, good[i].port, "  port");
		is_str(u.user, good[i].user, "  user");
		struct buf b = BUF_INIT;
		cfg_url_format(&u, &b);
		is_str(b.data, good[i].back, "  formats back");
		buf_release(&b);
		cfg_url_release(&u);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cfg_url u;
		struct perr e = PERR_INIT;
		ok(cfg_parse_url(bad[i].in, &u, &e) < 0 &&
			   e.kind == PERR_CONFIG && u.host == NULL &&
			   u.user == NULL,
		   "bad url '%s' refused", bad[i].in);
		like(e.msg, bad[i].msg, "  says why");
	}
	is_int(cfg_scheme_port("smtps"), 465, "default port of smtps");
	is_int(cfg_scheme_port("submission"), 587,
	       "default port of submission");
	is_int(cfg_scheme_port("gopher"), 0, "unknown scheme has no port");
}

static void
test_durations(void)
{
	static const struct {
		const char *in;
		uint64_t secs;
	} good[] = {
		{ "0", 0 },       { "30", 30 },       { "30s", 30 },
		{ "5m", 300 },    { "1h", 3600 },     { "1h30m", 5400 },
		{ "2d", 172800 }, { "1d2h3m4s", 93784 }, { "90m", 5400 },
		{ "0s", 0 },      { "366d", 366 * 86400 },
	};
	static const char *const bad[] = {
		"", "5 minutes", "5min", "m", "1.5h", "-1", "+5", "30m1h",
		"1m1m", "5s5", " 5m", "5m ", "1w", "367d",
		"99999999999999999999", "1H",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		uint64_t s = 12345;
		struct perr e = PERR_INIT;
		ok(cfg_parse_duration(good[i].in, &s, &e) == 0 &&
			   s == good[i].secs,
		   "duration '%s' is %llu s", good[i].in,
		   (unsigned long long)good[i].secs);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t s = 12345;
		struct perr e = PERR_INIT;
		ok(cfg_parse_duration(bad[i], &s, &e) < 0 && s == 12345,
		   "duration '%s' refused", bad[i]);
		ok(strstr(e.msg, "expected a duration like 30s, 5m or 1h") ||
			   strstr(e.msg, "too long"),
		   "  with a message: %s", e.msg);
	}
}

static void
test_bools(void)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES",
					   "True" };
	static const char *const no[] = { "no", "false", "off", "0", "No",
					  "OFF" };
	static const char *const bad[] = { "", "y", "2", "yess", "enable" };
	struct perr e = PERR_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		bool b = false;
		ok(cfg_parse_bool(yes[i], &b, &e) == 0 && b, "'%s' is true",
		   yes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		bool b = true;
		ok(cfg_parse_bool(no[i], &b, &e) == 0 && !b, "'%s' is false",
		   no[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		bool b = true;
		ok(cfg_parse_bool(bad[i], &b, &e) < 0 && b,
		   "'%s' is not a boolean", bad[i]);
		like(e.msg, "expected yes or no", "  says what it wants");
	}
}

static void
test_keys(void)
{
	static const char *const good[] = {
		"j", "gg", "<C-x>", "<F5>", "<F12>", "<Enter>", "<enter>",
		"<M-Enter>", "<C-M-x>", "<PageDown>", "<lt>", "?", "/", "张",
		"g<C-x>", "<Space>", "<->", "<C-->", "abcd",
	};
	static const struct {
		const char *in;
		const char *msg;
	} bad[] = {
		{ "", "expected a key" },
		{ "<", "unclosed '<'" },
		{ "<C-x", "unclosed '<'" },
		{ "<>", "unclosed '<'" },
		{ "<F0>", "unknown key name '<F0>'" },
		{ "<F25>", "unknown key name" },
		{ "<Entr>", "did you mean '<Enter>'?" },
		{ "<C-C-x>", "modifier 'C-' twice" },
		{ "a b", "blank or control" },
		{ "\t", "blank or control" },
		{ "abcde", "longer than 4 keys" },
		{ "\xff", "blank or control" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct perr e = PERR_INIT;
		if (!ok(cfg_check_keyseq(good[i], &e) == 0, "key '%s'",
			good[i]))
			diag("%s", e.msg);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct perr e = PERR_INIT;
		ok(cfg_check_keyseq(bad[i].in, &e) < 0, "bad key '%s'",
		   bad[i].in);
		like(e.msg, bad[i].msg, "  says why");
	}
}

static void
test_fingerprints(void)
{
	uint8_t fp[32];
	struct perr e = PERR_INIT;
	const char *hex = "AB00112233445566778899aabbccddeeff"
			  "00112233445566778899aabbccdd01";
	const char *col = "AB:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
			  "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:01";

	ok(cfg_parse_fingerprint(hex, fp, &e) == 0 && fp[0] == 0xab &&
		   fp[31] == 0x01,
	   "64 hex digits");
	ok(cfg_parse_fingerprint(col, fp, &e) == 0 && fp[16] == 0xff,
	   "with colons");
	struct buf b = BUF_INIT;
	cfg_format_fingerprint(fp, &b);
	like(b.data, "AB:00:11:", "formatted upper case with colons");
	is_int((intmax_t)b.len, 95, "formatted length");
	buf_release(&b);
	ok(cfg_parse_fingerprint("AB00", fp, &e) < 0, "too short");
	like(e.msg, "expected a SHA-256 fingerprint", "says why");
	ok(cfg_parse_fingerprint("zz00112233445566778899aabbccddeeff0011223344"
				 "5566778899aabbccdd01", fp, &e) < 0,
	   "not hex");
	ok(cfg_parse_fingerprint("AB-00:11:22:33:44:55:66:77:88:99:aa:bb:cc:"
				 "dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:"
				 "bb:cc:dd:01", fp, &e) < 0,
	   "a wrong separator");
}

static void
test_quoting(void)
{
	struct buf b = BUF_INIT;

	cfg_quote_msg(&b, "a\x1b[2Jb\"", 7);
	is_str(b.data, "\"a\\x1b[2Jb\\\"\"",
	       "escape sequences shown, not sent");
	buf_reset(&b);
	cfg_quote_msg(&b, "\xc2\x9b\xff", 3);
	is_str(b.data, "\"\\xc2\\x9b\\xff\"", "C1 and invalid bytes escaped");
	buf_reset(&b);
	cfg_quote_msg(&b, "张三", strlen("张三"));
	is_str(b.data, "\"张三\"", "UTF-8 kept");
	buf_reset(&b);
	cfg_quote_value(&b, "plain value");
	is_str(b.data, "plain value", "plain value bare");
	buf_reset(&b);
	cfg_quote_value(&b, " edge");
	is_str(b.data, "\" edge\"", "leading blank quoted");
	buf_release(&b);
}

/* receive = maildir:PATH: relative to the dotfile, ~/ from $HOME, and
 * nothing else expanded. */
static void
test_maildir(void)
{
	struct cfg_url u;
	struct perr e = PERR_INIT;
	struct buf b = BUF_INIT;

	is_int(cfg_parse_maildir("maildir:Maildir", "/etc/postie/rc", &u, &e),
	       0, "maildir: relative path");
	is_str(u.path, "/etc/postie/Maildir", "relative to the dotfile");
	is_int(u.proto, CFG_PROTO_MAILDIR, "proto is maildir");
	cfg_url_format(&u, &b);
	is_str(b.data, "maildir:/etc/postie/Maildir", "formats back");
	cfg_url_release(&u);
	is_int(cfg_parse_maildir("maildir:/var/mail/x//", NULL, &u, &e), 0,
	       "maildir: absolute path");
	is_str(u.path, "/var/mail/x", "trailing slashes dropped");
	cfg_url_release(&u);
	setenv("HOME", "/home/zs", 1);
	is_int(cfg_parse_maildir("maildir:~/Mail", "rc", &u, &e), 0,
	       "maildir: ~/ path");
	is_str(u.path, "/home/zs/Mail", "~/ is $HOME");
	cfg_url_release(&u);
	is_int(cfg_parse_maildir("maildir:$HOME/m", "/a/rc", &u, &e), 0,
	       "maildir: a dollar is a character");
	is_str(u.path, "/a/$HOME/m", "no variable expansion");
	cfg_url_release(&u);
	is_int(cfg_parse_maildir("maildir:", "/a/rc", &u, &e), -1,
	       "maildir: empty path refused");
	like(e.msg, "empty path", "says the path is empty");
	is_int(cfg_parse_maildir("maildir:a\033[2Jb", "/a/rc", &u, &e), -1,
	       "maildir: control character refused");
	like(e.msg, "control character", "says why");
	is_int(cfg_parse_maildir("maildir:~root/x", "/a/rc", &u, &e), -1,
	       "maildir: ~USER refused");

	struct cfg c;
	static const char rc[] =
		"[account \"demo\"]\n"
		"address = demo@example.com\n"
		"receive = maildir:Maildir\n";
	cfg_init(&c);
	is_int(cfg_parse_buffer(&c, "/srv/demo/postierc", rc, sizeof(rc) - 1,
				&e), 0, "dotfile with a maildir account loads");
	ok(c.n_accounts == 1 && c.accounts[0].receive.proto ==
	   CFG_PROTO_MAILDIR, "the account receives from a Maildir");
	if (c.n_accounts == 1)
		is_str(c.accounts[0].receive.path, "/srv/demo/Maildir",
		       "path from the dotfile's directory");
	cfg_release(&c);
	buf_release(&b);
}

int
main(void)
{
	test_urls();
	test_maildir();
	test_durations();
	test_bools();
	test_keys();
	test_fingerprints();
	test_quoting();
	return done_testing();
}
