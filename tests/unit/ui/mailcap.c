/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the mailcap reader and expander (src/ui/mailcap.c):
 * parsing with file:line messages, lookup order, expansion tables, and
 * hostile-45 values run for real through /bin/sh to show that they
 * arrive as literal text and run nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "postie/ui.h"

static void
test_parse(void)
{
	static const char text[] =
		"# a comment\n"
		"\n"
		"   # an indented comment\n"
		"text/html; lynx -dump %s; copiousoutput; "
		"nametemplate=%s.html\n"
		"Text/Plain; less \\\n"
		"  %s; needsterminal; description=Plain \\; text\n"
		"image; display %s; test=test -n \"$DISPLAY\"\n"
		"application/pdf; evince '%s'; print=lp %s; edit=x %s; "
		"compose=y %s; x-unknown=1; textualnewlines\r\n"
		"nocommand\n"
		"text/; x\n"
		"te xt/plain; x\n"
		"text/html;\n"
		"text/html;   ;copiousoutput\n"
		"video/*; mpv %s\n"
		"audio/x; play\\;x %s \\\\\n"
		"# a comment ending in a backslash \\\n"
		"message/rfc822; last \\";
	struct ui_mailcap mc = UI_MAILCAP_INIT;
	struct perr e = PERR_INIT;

	is_int(ui_mailcap_parse(&mc, text, sizeof(text) - 1, "/etc/mailcap",
				&e),
	       0, "parse: bad lines are skipped, not fatal");
	is_int(mc.n, 7, "parse: 7 entries");
	if (mc.n < 7)
		goto out;
	is_str(mc.v[0].type, "text/html", "entry 1 type");
	is_str(mc.v[0].view, "lynx -dump %s", "entry 1 command");
	ok(mc.v[0].copiousoutput && !mc.v[0].needsterminal,
	   "entry 1 copiousoutput only");
	is_str(mc.v[0].nametemplate, "%s.html", "entry 1 nametemplate");
	is_int(mc.v[0].line, 4, "entry 1 on line 4");
	is_str(mc.v[1].type, "text/plain", "type lower-cased");
	is_str(mc.v[1].view, "less   %s", "continuation line joined");
	ok(mc.v[1].needsterminal, "needsterminal");
	is_str(mc.v[1].description, "Plain ; text", "\\; in description");
	is_int(mc.v[1].line, 5, "continued entry numbered by first line");
	is_str(mc.v[2].type, "image/*", "bare major type is a wildcard");
	is_str(mc.v[2].test, "test -n \"$DISPLAY\"", "test=");
	is_str(mc.v[3].print, "lp %s", "print=");
	is_str(mc.v[3].edit, "x %s", "edit=");
	is_str(mc.v[3].compose, "y %s", "compose=");
	is_str(mc.v[3].view, "evince '%s'", "CRLF line end");
	is_str(mc.v[4].type, "video/*", "wildcard subtype");
	is_str(mc.v[5].view, "play\\;x %s \\\\",
	       "\\; kept in the command, even backslashes do not continue");
	is_str(mc.v[6].view, "last", "continuation at end of text");
	is_str(mc.v[6].file, "/etc/mailcap", "file name kept");
	is_int(mc.v[6].line, 17, "a comment does not continue");

	is_int(mc.nskipped, 5, "5 lines skipped");
	is_int(mc.nerrors, 5, "5 messages");
	if (mc.nerrors == 5) {
		is_str(mc.errors[0], "/etc/mailcap:9: no view command (a "
				     "';' and a command after the type)",
		       "message for a line without command");
		is_str(mc.errors[1], "/etc/mailcap:10: bad media type",
		       "message for 'text/'");
		is_str(mc.errors[2], "/etc/mailcap:11: bad media type",
		       "message for a space in the type");
		is_str(mc.errors[3], "/etc/mailcap:12: empty view command",
		       "message for an empty command");
		is_str(mc.errors[4], "/etc/mailcap:13: empty view command",
		       "message for a blank command before flags");
	}
out:
	ui_mailcap_release(&mc);
}

static void
test_parse_limits(void)
{
	struct ui_mailcap mc = UI_MAILCAP_INIT;
	struct perr e = PERR_INIT;
	struct buf t = BUF_INIT;

	/* a line longer than the limit, split in continuations */
	buf_addstr(&t, "text/a; a\n");
	buf_addstr(&t, "text/long; x");
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < UI_MAILCAP_LINE_MAX / 2; k++)
			buf_addch(&t, 'y');
		buf_addstr(&t, "\\\n");
	}
	buf_addstr(&t, "end\ntext/b; b\n");
	buf_add(&t, "text/nul; a\0b\n", 14);
	is_int(ui_mailcap_parse(&mc, t.data, t.len, "big", &e), 0,
	       "over-long entry: parse goes on");
	is_int(mc.n, 2, "entries around the long one kept");
	if (mc.n == 2) {
		is_str(mc.v[1].type, "text/b", "entry after it");
		is_int(mc.v[1].line, 6, "line numbers count the "
					"continuations");
	}
	ok(mc.nerrors >= 2, "two messages");
	if (mc.nerrors >= 2) {
		is_str(mc.errors[0], "big:2: entry longer than the line limit",
		       "message for the long entry");
		is_str(mc.errors[1], "big:7: NUL byte in entry",
		       "message for the NUL");
	}
	ui_mailcap_release(&mc);

	/* entry cap */
	buf_reset(&t);
	for (int i = 0; i < UI_MAILCAP_ENTRIES_MAX + 5; i++)
		buf_addf(&t, "text/x%d; a\n", i);
	is_int(ui_mailcap_parse(&mc, t.data, t.len, "many", &e), -1,
	       "entry cap is an error");
	is_int(mc.n, UI_MAILCAP_ENTRIES_MAX, "entries before the cap kept");
	like(e.msg, "more than 2048 mailcap entries", "cap message: '%s'",
	     e.msg);
	like(e.msg, "many:2049:", "cap message names file and line");
	ui_mailcap_release(&mc);

	/* error list is bounded, the count is not */
	buf_reset(&t);
	for (int i = 0; i < 100; i++)
		buf_addstr(&t, "bad\n");
	is_int(ui_mailcap_parse(&mc, t.data, t.len, "f", &e), 0,
	       "100 bad lines");
	is_int(mc.nerrors, UI_MAILCAP_ERRORS_MAX, "messages capped");
	is_int(mc.nskipped, 100, "all counted");
	ui_mailcap_release(&mc);
	buf_release(&t);
}

static void
test_lookup(void)
{
	static const char user[] = "text/*; user-any %s\n"
				   "image/png; user-png %s\n";
	static const char sys[] = "text/html; sys-html %s\n"
				  "text/plain; sys-plain %s\n"
				  "image/*; sys-image %s\n"
				  "image/png; sys-png %s\n";
	struct ui_mailcap mc = UI_MAILCAP_INIT;
	struct perr e = PERR_INIT;
	ui_mailcap_parse(&mc, user, sizeof(user) - 1, "~/.mailcap", &e);
	ui_mailcap_parse(&mc, sys, sizeof(sys) - 1, "/etc/mailcap", &e);
	is_int(mc.n, 6, "two files, 6 entries");

	static const struct {
		const char *type, *want;
	} t[] = {
		{ "text/html", "user-any %s" },
		{ "TEXT/HTML; charset=utf-8", "user-any %s" },
		{ "image/PNG", "user-png %s" },
		{ "image/gif", "sys-image %s" },
		{ " image/jpeg ; name=x", "sys-image %s" },
		{ "audio/ogg", NULL },
		{ "imag/png", NULL },
		{ "image", "sys-image %s" },
		{ "", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const struct ui_mailcap_entry *ent =
			ui_mailcap_lookup(&mc, t[i].type, NULL);
		is_str(ent ? ent->view : NULL, t[i].want, "lookup '%s'",
		       t[i].type);
	}
	/* walking on after a failed test= */
	const struct ui_mailcap_entry *ent =
		ui_mailcap_lookup(&mc, "text/html", NULL);
	ent = ui_mailcap_lookup(&mc, "text/html", ent);
	is_str(ent ? ent->view : NULL, "sys-html %s", "next match");
	ent = ui_mailcap_lookup(&mc, "text/html", ent);
	ok(ent == NULL, "no third match");
	ent = ui_mailcap_lookup(&mc, "image/png", NULL);
	ent = ui_mailcap_lookup(&mc, "image/png", ent);
	is_str(ent ? ent->view : NULL, "sys-image %s",
	       "wildcard before specific in file order");
	ui_mailcap_release(&mc);

	struct ui_mailcap all = UI_MAILCAP_INIT;
	ui_mailcap_parse(&all, "*/*; any %s\n", 12, "x", &e);
	ent = ui_mailcap_lookup(&all, "model/x", NULL);
	is_str(ent ? ent->view : NULL, "any %s", "*/* matches anything");
	ui_mailcap_release(&all);
}

static const struct ui_mailcap_param params[] = {
	{ "charset", "gb2312" },
	{ "NAME", "a'b" },
	{ "cmd", "$(touch PWNED)" },
	{ "nl", "a\nb" },
	{ "esc", "\033[31m" },
	{ "empty", "" },
};

static void
test_expand(void)
{
	static const struct {
		const char *cmd, *want;
		size_t dropped, missing;
		bool file;
	} t[] = {
		{ "lynx -dump %s", "lynx -dump '/tmp/p x'", 0, 0, true },
		{ "view %t", "view 'text/html'", 0, 0, false },
		{ "iconv -f %{charset}", "iconv -f 'gb2312'", 0, 0, false },
		{ "x %{Charset} %{name}", "x 'gb2312' 'a'\\''b'", 0, 0, false },
		{ "x %{cmd}", "x '$(touch PWNED)'", 0, 0, false },
		{ "x %{nl}", "x ''", 1, 0, false },
		{ "x %{esc}", "x ''", 1, 0, false },
		{ "x %{none}", "x ''", 0, 1, false },
		{ "x %{empty}", "x ''", 0, 0, false },
		{ "x '%s'", "x '/tmp/p x'", 0, 0, true },
		{ "x \"%s\"", "x '/tmp/p x'", 0, 0, true },
		{ "x \"%{name}\" y", "x 'a'\\''b' y", 0, 0, false },
		{ "x 100%% %s", "x 100% '/tmp/p x'", 0, 0, true },
		{ "x \\%s", "x %s", 0, 0, false },
		{ "a\\;b", "a;b", 0, 0, false },
		{ "a\\\\b", "a\\b", 0, 0, false },
		{ "a\\nb", "a\\nb", 0, 0, false },
		{ "x %d %", "x %d %", 0, 0, false },
		{ "x \\\" %s", "x \\\" '/tmp/p x'", 0, 0, true },
		{ "x ' \" ' %s", "x ' \" ' '/tmp/p x'", 0, 0, true },
		{ "x \"a\\\"\" %s", "x \"a\\\"\" '/tmp/p x'", 0, 0, true },
		{ "$(cat %s)", "$(cat '/tmp/p x')", 0, 0, true },
		{ "echo `date` x", "echo `date` x", 0, 0, false },
		{ "echo $$ %s", "echo $$ '/tmp/p x'", 0, 0, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct ui_mailcap_report rep;
		struct perr e = PERR_INIT;
		char **argv = ui_mailcap_expand(t[i].cmd, "/tmp/p x",
						"text/html; charset=x", params,
						ARRAY_SIZE(params), &rep, &e);
		if (!argv) {
			ok(0, "expand '%s': %s", t[i].cmd, e.msg);
			continue;
		}
		ok(strcmp(argv[0], "/bin/sh") == 0 &&
			   strcmp(argv[1], "-c") == 0 && argv[3] == NULL,
		   "expand '%s': argv is /bin/sh -c", t[i].cmd);
		is_str(argv[2], t[i].want, "expand '%s'", t[i].cmd);
		ok(rep.dropped == t[i].dropped && rep.missing == t[i].missing &&
			   rep.uses_file == t[i].file,
		   "expand '%s': report dropped %zu missing %zu file %d",
		   t[i].cmd, rep.dropped, rep.missing, rep.uses_file);
		argv_free(argv);
	}

	static const struct {
		const char *cmd, *msg;
	} bad[] = {
		{ "x \"file %s\"", "inside a quoted string" },
		{ "x 'a %{name}'", "inside a quoted string" },
		{ "x \"%s.pdf\"", "inside a quoted string" },
		{ "x '%s", "inside a quoted string" },
		{ "x \\\\%s", "right after a backslash" },
		{ "x %{name", "'%{' with no '}'" },
		{ "x `echo %{name}`", "backquotes (write $(...) instead)" },
		{ "x '`' %s", "backquotes" },
		{ "echo $((%{name}))", "arithmetic '(('" },
		{ "((x=%s))", "arithmetic '(('" },
		{ "[[ %{name} -eq 1 ]]", "'[['" },
		{ "echo $%s", "right after '$'" },
		{ "echo $\"%s\"", "right after '$'" },
		{ "echo $'%s'", "right after '$'" },
		{ "x %n", "%n (multipart) is not supported" },
		{ "x %F", "%F (multipart) is not supported" },
		{ "", "empty mailcap command" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct perr e = PERR_INIT;
		char **argv = ui_mailcap_expand(bad[i].cmd, "/tmp/f", "a/b",
						params, ARRAY_SIZE(params),
						NULL, &e);
		ok(argv == NULL, "refused: '%s'", bad[i].cmd);
		argv_free(argv);
		like(e.msg, bad[i].msg, "message for '%s': %s", bad[i].cmd,
		     e.msg);
		ok(e.kind == PERR_CONFIG, "kind for '%s'", bad[i].cmd);
	}

	/* the expanded command is capped */
	struct buf big = BUF_INIT;
	for (int i = 0; i < UI_MAILCAP_COMMAND_MAX; i++)
		buf_addch(&big, 'v');
	struct ui_mailcap_param p = { "big", big.data };
	struct perr e = PERR_INIT;
	char **argv = ui_mailcap_expand("x %{big}", "f", "a/b", &p, 1, NULL,
					&e);
	ok(argv == NULL, "over-long expansion refused");
	like(e.msg, "longer than 65536 bytes", "message: %s", e.msg);
	argv_free(argv);
	buf_release(&big);

	/* a hostile type is quoted too, one with a control is dropped */
	argv = ui_mailcap_expand("v %t", "f", "text/$(id)", NULL, 0, NULL, &e);
	is_str(argv ? argv[2] : NULL, "v 'text/$(id)'", "%%t quoted");
	argv_free(argv);
	argv = ui_mailcap_expand("v %t", "f", "text/a\nb", NULL, 0, NULL, &e);
	is_str(argv ? argv[2] : NULL, "v ''", "%%t with a newline dropped");
	argv_free(argv);
}

static void
test_suffix(void)
{
	static const struct {
		const char *tmpl, *want;
	} t[] = {
		{ "%s.pdf", ".pdf" },
		{ "x%s.tar.gz", ".tar.gz" },
		{ "%s.$(id)", ".id" },
		{ "%s/../../etc/passwd", "....etcpasswd" },
		{ "%s;rm -rf ~", "rm-rf" },
		{ "%s", NULL },
		{ "noplaceholder.pdf", NULL },
		{ "%s.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  ".aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct ui_mailcap_entry ent;
		memset(&ent, 0, sizeof(ent));
		ent.nametemplate = (char *)t[i].tmpl;
		char *s = ui_mailcap_suffix(&ent);
		is_str(s, t[i].want, "suffix of '%s'", t[i].tmpl);
		free(s);
	}
	struct ui_mailcap_entry none;
	memset(&none, 0, sizeof(none));
	ok(ui_mailcap_suffix(&none) == NULL, "no nametemplate, no suffix");
}

/* hostile-45: run the expanded command and check what arrives. */
static const char *const hostile[] = {
	"touch${IFS}ME",
	"`touch PWNED`",
	"$(touch PWNED)",
	"'",
	"\"",
	";touch PWNED;",
	"';touch PWNED;'",
	"\"';touch PWNED;'\"",
	"'\\''",
	"\\",
	"$IFS*~",
	"&& touch PWNED",
	"| touch PWNED",
	">PWNED",
	"-n",
	"a\nb;touch PWNED",
	"\xe4\xb8\xad\xe6\x96\x87 \xff",
};

static bool
exists(const char *name)
{
	struct stat st;
	return stat(name, &st) == 0;
}

static void
test_hostile_run(const char *dir)
{
	static const char *const cmds[] = {
		"printf \\%s %{x} > %s",
		"printf '\\%s' '%{x}' > '%s'",
		"printf \"\\%s\" \"%{x}\" > \"%s\"",
	};
	for (size_t c = 0; c < ARRAY_SIZE(cmds); c++) {
		for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
			const char *v = hostile[i];
			bool ctl = strchr(v, '\n') != NULL;
			struct ui_mailcap_param p = { "x", v };
			struct ui_mailcap_report rep;
			struct perr e = PERR_INIT;
			char *out = xstrfmt("%s/out", dir);
			unlink(out);
			char **argv = ui_mailcap_expand(cmds[c], out,
							"application/x", &p, 1,
							&rep, &e);
			if (!argv) {
				ok(0, "hostile-45 expand %zu/%zu: %s", c, i,
				   e.msg);
				free(out);
				continue;
			}
			struct buf o = BUF_INIT, got = BUF_INIT;
			int rc = proc_capture(argv, 5000, 4096, &o, NULL, &e);
			is_int(rc, 0, "hostile-45 cmd %zu value %zu runs", c,
			       i);
			file_read_all(out, &got, 4096, &e);
			const char *want = ctl ? "" : v;
			is_mem(got.data, got.len, want, strlen(want),
			       "hostile-45 cmd %zu value %zu arrives %s", c, i,
			       ctl ? "dropped" : "literally");
			is_int(rep.dropped, ctl ? 1 : 0,
			       "hostile-45 cmd %zu value %zu dropped count", c,
			       i);
			ok(!exists("PWNED") && !exists("ME"),
			   "hostile-45 cmd %zu value %zu ran nothing", c, i);
			buf_release(&o);
			buf_release(&got);
			argv_free(argv);
			free(out);
		}
	}

	/* A file name with the same characters (postie never makes one,
	 * but the quoting does not rely on that). */
	static const char *const names[] = {
		"a'b", "$(touch PWNED)", "x\ny;touch PWNED", "`touch PWNED`",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *path = xstrfmt("%s/%s", dir, names[i]);
		struct perr e = PERR_INIT;
		if (file_write_atomic(path, "data", 4, 0600, &e) < 0) {
			ok(0, "write %s: %s", names[i], e.msg);
			free(path);
			continue;
		}
		char **argv = ui_mailcap_expand("cat %s", path, "a/b", NULL, 0,
						NULL, &e);
		struct buf o = BUF_INIT;
		int rc = argv ? proc_capture(argv, 5000, 4096, &o, NULL, &e)
			      : -1;
		is_int(rc, 0, "hostile-45 file name %zu: cat runs", i);
		is_str(o.data, "data", "hostile-45 file name %zu read", i);
		ok(!exists("PWNED"), "hostile-45 file name %zu ran nothing",
		   i);
		unlink(path);
		buf_release(&o);
		argv_free(argv);
		free(path);
	}
}

/* Speed, printed for the record: make && build/release/tests/unit/ui/
 * mailcap.t | grep '# speed' */
static void
test_speed(void)
{
	struct buf t = BUF_INIT;
	for (int i = 0; i < UI_MAILCAP_ENTRIES_MAX; i++)
		buf_addf(&t, "application/x-type%d; viewer --option=%d "
			     "\\\n  %%s; test=test -n \"$DISPLAY\"; "
			     "nametemplate=%%s.ext; description=Entry %d\n",
			 i, i, i);
	int64_t t0 = time_mono_ms();
	int rounds = 0;
	bool all = true;
	while (rounds < 20 || time_mono_ms() - t0 < 200) {
		struct ui_mailcap mc = UI_MAILCAP_INIT;
		struct perr e = PERR_INIT;
		if (ui_mailcap_parse(&mc, t.data, t.len, "speed", &e) < 0 ||
		    mc.n != UI_MAILCAP_ENTRIES_MAX)
			all = false;
		ui_mailcap_release(&mc);
		rounds++;
	}
	int64_t ms = time_mono_ms() - t0;
	ok(all, "speed: %d entries parse every round", UI_MAILCAP_ENTRIES_MAX);
	diag("speed: parse %zu bytes (%d entries) x%d in %lld ms: %.1f MB/s",
	     t.len, UI_MAILCAP_ENTRIES_MAX, rounds, (long long)ms,
	     ms ? (double)t.len * rounds / 1e3 / (double)ms : 0.0);

	t0 = time_mono_ms();
	int n = 0;
	while (n < 10000 || time_mono_ms() - t0 < 200) {
		char **argv = ui_mailcap_expand(
			"iconv -f %{charset} -t utf-8 '%s' | lynx -dump "
			"-stdin -assume_charset=%{charset}",
			"/tmp/postie-1234/part.html", "text/html", params,
			ARRAY_SIZE(params), NULL, NULL);
		argv_free(argv);
		n++;
	}
	ms = time_mono_ms() - t0;
	diag("speed: %d expansions in %lld ms: %.0f per second", n,
	     (long long)ms, ms ? n * 1000.0 / (double)ms : 0.0);
	buf_release(&t);
}

int
main(void)
{
	test_parse();
	test_parse_limits();
	test_lookup();
	test_expand();
	test_suffix();
	test_speed();

	char tmpl[] = "/tmp/postie-mailcap-XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char *dir_tmpl = tmpdir && *tmpdir
				 ? xstrfmt("%s/postie-mailcap-XXXXXX", tmpdir)
				 : xstrdup(tmpl);
	char *dir = mkdtemp(dir_tmpl);
	if (!dir || chdir(dir) != 0) {
		ok(0, "temporary directory");
	} else {
		test_hostile_run(dir);
		unlink("out");
		if (chdir("/") != 0 || rmdir(dir) != 0)
			diag("could not remove %s", dir);
	}
	free(dir_tmpl);
	return done_testing();
}
