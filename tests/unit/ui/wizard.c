/* SPDX-License-Identifier: ISC */
/*
 * ui: the first-run wizard's logic without its screen: which addresses
 * and host names it takes, the defaults it proposes for a preset and for
 * an unknown domain, the TLS a port means, the account name, where the
 * dotfile goes, and the dotfile text itself, which must read back
 * through the real parser as exactly what was typed, whatever the value
 * holds (spaces, '#', ';', quotes, backslashes, Chinese). Tabs and other
 * control characters never reach it: the fields refuse them as typed.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/config.h"

#include "wizard.h"

static void
test_address(void)
{
	static const struct {
		const char *s;
		bool good;
		const char *why;
	} cases[] = {
		{ "alice@lab.test", true, "" },
		{ "12345@qq.com", true, "" },
		{ "x@[127.0.0.1]", true, "" },
		{ "", false, "type the address" },
		{ "alice", false, "exactly one '@'" },
		{ "a@b@c.com", false, "exactly one '@'" },
		{ "@qq.com", false, "nothing before" },
		{ "x@", false, "no domain" },
		{ "x@localhost", false, "needs a dot" },
		{ "x@.com", false, "needs a dot" },
		{ "x y@qq.com", false, "no spaces" },
		{ "x\033[31m@qq.com", false, "control characters" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct perr e = PERR_INIT;
		int rc = ui_wiz_check_address(cases[i].s, &e);
		is_int(rc, cases[i].good ? 0 : -1, "address '%s' %s",
		       cases[i].s, cases[i].good ? "taken" : "refused");
		if (!cases[i].good)
			ok(strstr(e.msg, cases[i].why) != NULL,
			   "  saying '%s' (%s)", cases[i].why, e.msg);
	}
	char big[300];
	memset(big, 'a', sizeof(big));
	memcpy(big + 280, "@example.com", 13);
	struct perr e = PERR_INIT;
	is_int(ui_wiz_check_address(big, &e), -1, "a 292-byte address is "
	       "refused");
}

static void
test_host(void)
{
	static const struct {
		const char *s;
		bool good;
	} cases[] = {
		{ "imap.qq.com", true }, { "127.0.0.1", true },
		{ "::1", true },         { "IMAP-1.Example.COM", true },
		{ "", false },           { "-x.com", false },
		{ "a b.com", false },    { "a#b.com", false },
		{ "a/b", false },        { "\xe9\x82\xae.com", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct perr e = PERR_INIT;
		is_int(ui_wiz_check_host(cases[i].s, &e),
		       cases[i].good ? 0 : -1, "host '%s' %s", cases[i].s,
		       cases[i].good ? "taken" : "refused");
	}
}

static void
test_defaults(void)
{
	struct ui_wiz_answers w = { 0 };

	w.address = xstrdup("x@163.com");
	ui_wiz_defaults(&w);
	ok(w.preset && strcmp(w.preset->name, "163") == 0,
	   "x@163.com: preset 163");
	is_str(w.recv_host, "imap.163.com", "  its IMAP server");
	is_int(w.recv_port, 993, "  on 993");
	is_str(w.send_host, "smtp.163.com", "  its SMTP server");
	is_int(w.send_port, 465, "  on 465");
	ui_wiz_answers_release(&w);

	w.address = xstrdup("me@vip.qq.com");
	w.recv = UI_WIZ_POP3;
	ui_wiz_defaults(&w);
	ok(w.preset && strcmp(w.preset->name, "qq") == 0,
	   "vip.qq.com: preset qq");
	is_str(w.recv_host, "pop.qq.com", "  POP3 asked: its POP3 server");
	is_int(w.recv_port, 995, "  on 995");
	ui_wiz_answers_release(&w);

	w.address = xstrdup("me@icloud.com");
	w.recv = UI_WIZ_POP3;
	ui_wiz_defaults(&w);
	is_str(w.recv_host, "imap.mail.me.com",
	       "iCloud has no POP3: IMAP is kept");
	is_int(w.recv, UI_WIZ_IMAP, "  and the choice says so");
	ui_wiz_answers_release(&w);

	w.address = xstrdup("alice@lab.test.");
	ui_wiz_defaults(&w);
	ok(w.preset == NULL, "lab.test: no preset");
	is_str(w.recv_host, "imap.lab.test",
	       "  IMAP server imap.DOMAIN (trailing dot dropped)");
	is_int(w.recv_port, 993, "  on 993");
	is_str(w.send_host, "smtp.lab.test", "  SMTP server smtp.DOMAIN");
	is_int(w.send_port, 465, "  on 465");
	ui_wiz_answers_release(&w);

	w.address = xstrdup("bob@example.org");
	w.recv = UI_WIZ_POP3;
	ui_wiz_defaults(&w);
	is_str(w.recv_host, "pop.example.org", "POP3: pop.DOMAIN");
	is_int(w.recv_port, 995, "  on 995");
	ui_wiz_answers_release(&w);
}

static void
test_tls_and_names(void)
{
	is_int(ui_wiz_recv_tls(UI_WIZ_IMAP, 993), CFG_TLS_IMPLICIT,
	       "IMAP 993: TLS");
	is_int(ui_wiz_recv_tls(UI_WIZ_IMAP, 143), CFG_TLS_STARTTLS,
	       "IMAP 143: STARTTLS");
	is_int(ui_wiz_recv_tls(UI_WIZ_POP3, 110), CFG_TLS_STARTTLS,
	       "POP3 110: STARTTLS");
	is_int(ui_wiz_recv_tls(UI_WIZ_POP3, 143), CFG_TLS_IMPLICIT,
	       "POP3 on 143: TLS (143 is IMAP's)");
	is_int(ui_wiz_recv_tls(UI_WIZ_IMAP, 40123), CFG_TLS_IMPLICIT,
	       "another port: TLS");
	is_int(ui_wiz_send_tls(465), CFG_TLS_IMPLICIT, "SMTP 465: TLS");
	is_int(ui_wiz_send_tls(587), CFG_TLS_STARTTLS, "SMTP 587: STARTTLS");
	is_int(ui_wiz_send_tls(25), CFG_TLS_STARTTLS, "SMTP 25: STARTTLS");
	ok(ui_wiz_port_known(UI_WIZ_IMAP, false, 993) &&
		   ui_wiz_port_known(UI_WIZ_IMAP, false, 143) &&
		   ui_wiz_port_known(UI_WIZ_POP3, false, 995) &&
		   ui_wiz_port_known(UI_WIZ_POP3, false, 110) &&
		   ui_wiz_port_known(UI_WIZ_IMAP, true, 465) &&
		   ui_wiz_port_known(UI_WIZ_IMAP, true, 587),
	   "the usual ports say their TLS");
	ok(!ui_wiz_port_known(UI_WIZ_POP3, false, 993) &&
		   !ui_wiz_port_known(UI_WIZ_IMAP, false, 40993) &&
		   !ui_wiz_port_known(UI_WIZ_IMAP, true, 2525),
	   "others do not (the wizard asks)");

	static const struct {
		const char *address, *want;
	} names[] = {
		{ "x@163.com", "163" },
		{ "x@foxmail.com", "foxmail" },
		{ "alice@lab.test", "lab" },
		{ "a@Mail-Server.Example.com", "mail-server" },
		{ "a@[127.0.0.1]", "127" },
		{ "a@\xe9\x82\xae\xe4\xbb\xb6.cn", "mail" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *n = ui_wiz_account_name(names[i].address);
		is_str(n, names[i].want, "account name for '%s'",
		       names[i].address);
		free(n);
	}
}

static void
test_target(void)
{
	char *old_xdg = getenv("XDG_CONFIG_HOME")
				? xstrdup(getenv("XDG_CONFIG_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	char *t;

	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_CONFIG_HOME");
	t = ui_wiz_default_target();
	is_str(t, "/home/u/.postierc", "no XDG_CONFIG_HOME: ~/.postierc");
	free(t);
	setenv("XDG_CONFIG_HOME", "", 1);
	t = ui_wiz_default_target();
	is_str(t, "/home/u/.postierc", "an empty XDG_CONFIG_HOME is unset");
	free(t);
	setenv("XDG_CONFIG_HOME", "/home/u/.cfg", 1);
	t = ui_wiz_default_target();
	is_str(t, "/home/u/.cfg/postie/config",
	       "XDG_CONFIG_HOME set: its postie/config");
	free(t);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	ok(ui_wiz_default_target() == NULL, "neither set: no place");
	if (old_home)
		setenv("HOME", old_home, 1);
	if (old_xdg)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	free(old_home);
	free(old_xdg);
}

static void
test_dotfile_text(void)
{
	struct ui_wiz_answers w = { 0 };
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;

	w.address = xstrdup("alice@lab.test");
	ui_wiz_defaults(&w);
	free(w.recv_host);
	w.recv_host = xstrdup("127.0.0.1");
	w.recv_port = 40993;
	free(w.send_host);
	w.send_host = xstrdup("127.0.0.1");
	w.send_port = 587;
	w.user = xstrdup("alice");
	w.password = xstrdup("secret");
	w.password_command = xstrdup("pass show mail/alice");
	is_int(ui_wiz_dotfile(&w, &out, &e), 0, "a dotfile for the lab");
	const char *want =
		"[account \"lab\"]\n"
		"\taddress = alice@lab.test\n"
		"\treceive = imaps://127.0.0.1:40993\n"
		"\tsend = smtp://127.0.0.1:587\n"
		"\tuser = alice\n"
		"\tpassword-command = pass show mail/alice\n";
	const char *sec = strstr(out.data, "[account");
	is_str(sec, want, "  its account section (587: STARTTLS, smtp://)");
	ok(!strstr(out.data, "secret"),
	   "  no plaintext password without the user's yes");
	ok(strncmp(out.data, "# ", 2) == 0, "  it starts with a comment");

	w.recv_tls = UI_WIZ_TLS_STARTTLS;
	w.send_port = 2587;
	w.send_tls = UI_WIZ_TLS_STARTTLS;
	buf_reset(&out);
	ui_wiz_dotfile(&w, &out, &e);
	ok(strstr(out.data, "\treceive = imap://127.0.0.1:40993\n") &&
		   strstr(out.data, "\tsend = smtp://127.0.0.1:2587\n"),
	   "STARTTLS chosen for odd ports: imap:// and smtp://");
	w.send_tls = UI_WIZ_TLS_IMPLICIT;
	w.send_port = 587;
	buf_reset(&out);
	ui_wiz_dotfile(&w, &out, &e);
	ok(strstr(out.data, "\tsend = smtps://127.0.0.1:587\n") != NULL,
	   "TLS chosen wins over what the port says");

	w.write_password = true;
	buf_reset(&out);
	ui_wiz_dotfile(&w, &out, &e);
	ok(strstr(out.data, "\tpassword = secret\n") &&
		   !strstr(out.data, "password-command"),
	   "with the user's yes: the password, and no command");
	ui_wiz_answers_release(&w);

	w.address = xstrdup("x@163.com");
	ui_wiz_defaults(&w);
	buf_reset(&out);
	ui_wiz_dotfile(&w, &out, &e);
	is_str(strstr(out.data, "[account"),
	       "[account \"163\"]\n\taddress = x@163.com\n\tpreset = 163\n",
	       "163 over IMAP: the preset says the rest");
	w.recv = UI_WIZ_POP3;
	ui_wiz_defaults(&w);
	buf_reset(&out);
	ui_wiz_dotfile(&w, &out, &e);
	ok(strstr(out.data, "\tpreset = 163\n"
			    "\treceive = pop3s://pop.163.com:995\n") != NULL,
	   "163 over POP3: the preset and the POP3 server");
	w.recv = UI_WIZ_IMAP;
	ui_wiz_defaults(&w);
	free(w.recv_host);
	w.recv_host = xstrdup("imap.corp.example.cn");
	free(w.send_host);
	w.send_host = xstrdup("smtp.corp.example.cn");
	w.send_port = 587;
	buf_reset(&out);
	ui_wiz_dotfile(&w, &out, &e);
	ok(strstr(out.data,
		  "\tpreset = 163\n"
		  "\treceive = imaps://imap.corp.example.cn:993\n"
		  "\tsend = smtp://smtp.corp.example.cn:587\n") != NULL,
	   "163 with servers of its own: the preset and both servers");
	ui_wiz_answers_release(&w);

	buf_reset(&out);
	is_int(ui_wiz_dotfile(&w, &out, &e), -1, "no address: refused");
	buf_release(&out);
}

/* Every value goes through the real parser and comes back the same. */
static void
test_round_trip(void)
{
	static const char *const hostile[] = {
		"plain",
		"with space",
		" leading space",
		"trailing space ",
		"hash # not a comment",
		"#starts with a hash",
		"semi;colon",
		"\"quoted\"",
		"back\\slash",
		"\xe5\xbc\xa0\xe4\xb8\x89 (Zh\xc4\x81ng)",
		"p@ss w0rd \"#;\\",
	};

	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
		struct ui_wiz_answers w = { 0 };
		struct buf out = BUF_INIT;
		struct perr e = PERR_INIT;
		struct cfg c;

		w.address = xstrdup("carol@lab.test");
		ui_wiz_defaults(&w);
		w.real_name = xstrdup(hostile[i]);
		w.user = xstrdup(hostile[i]);
		w.ca_file = xstrdup(hostile[i]);
		w.password = xstrdup(hostile[i]);
		w.write_password = true;
		ui_wiz_dotfile(&w, &out, &e);
		cfg_init(&c);
		int rc = cfg_parse_buffer(&c, "t", out.data, out.len, &e);
		is_int(rc, 0, "value %zu parses back (%s)", i,
		       rc ? e.msg : "ok");
		if (rc == 0 && c.n_accounts == 1) {
			const struct cfg_account *a = &c.accounts[0];
			is_str(a->real_name, hostile[i], "  name the same");
			is_str(a->user, hostile[i], "  user the same");
			is_str(a->ca_file, hostile[i], "  ca-file the same");
			is_str(a->password, hostile[i],
			       "  password the same");
		}
		cfg_release(&c);

		/* and as a password-command, when it is one (the prompt
		 * refuses what argv_split cannot split, such as an
		 * unbalanced quote) */
		char **argv = argv_split(hostile[i], &e);
		if (!argv) {
			ok(strstr(hostile[i], "\"") != NULL,
			   "  not a command: %s", e.msg);
			buf_release(&out);
			ui_wiz_answers_release(&w);
			continue;
		}
		argv_free(argv);
		free(w.password);
		w.password = NULL;
		w.write_password = false;
		w.password_command = xstrdup(hostile[i]);
		buf_reset(&out);
		ui_wiz_dotfile(&w, &out, &e);
		cfg_init(&c);
		rc = cfg_parse_buffer(&c, "t", out.data, out.len, &e);
		ok(rc == 0 && c.n_accounts == 1 &&
			   strcmp(c.accounts[0].password_command,
				  hostile[i]) == 0,
		   "  as a password-command too");
		cfg_release(&c);
		buf_release(&out);
		ui_wiz_answers_release(&w);
	}
}

int
main(void)
{
	test_address();
	test_host();
	test_defaults();
	test_tls_and_names();
	test_target();
	test_dotfile_text();
	test_round_trip();
	return done_testing();
}
