/* SPDX-License-Identifier: ISC */
/*
 * password-command and oauth-token-command (hostile-50): small shell
 * scripts in a temporary directory play the helper that prints, fails,
 * hangs, prints nothing, or floods; the secret must come back as the
 * first line, every failure must be a clear error that never shows what
 * the program printed, and the secret must be masked in the log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/config.h"
#include "postie/log.h"

static char dir[] = "/tmp/postie-secret.XXXXXX";
static char *scripts[16];
static size_t n_scripts;

/* Write a script; the path stays owned by scripts[]. */
static const char *
script(const char *name, const char *body)
{
	char *path = xstrfmt("%s/%s", dir, name);
	char *text = xstrfmt("#!/bin/sh\n%s\n", body);
	struct perr e = PERR_INIT;

	if (file_write_atomic(path, text, strlen(text), 0700, &e) < 0)
		diag("cannot write %s: %s", path, e.msg);
	chmod(path, 0700);
	free(text);
	scripts[n_scripts++] = path;
	return path;
}

static int
run(const char *cmd, int timeout_ms, char **out, struct perr *e)
{
	return cfg_run_secret_command("password-command", cmd, timeout_ms, out,
				      e);
}

static void
test_commands(void)
{
	char *out = NULL;
	struct perr e = PERR_INIT;

	const char *good = script("good",
				  "printf 'hunter2hunter2\\nsecond line\\n'");
	ok(run(good, 5000, &out, &e) == 0, "a command that prints");
	is_str(out, "hunter2hunter2", "  the first line is the secret");
	free(out);

	const char *crlf = script("crlf", "printf 'tok\\r\\n'");
	ok(run(crlf, 5000, &out, &e) == 0, "CRLF output");
	is_str(out, "tok", "  CR removed");
	free(out);

	const char *nonl = script("nonl", "printf 'no-newline'");
	ok(run(nonl, 5000, &out, &e) == 0, "output without a newline");
	is_str(out, "no-newline", "  taken whole");
	free(out);

	const char *args = script("args", "printf '%s-%s\\n' \"$1\" \"$2\"");
	char *cmd = xstrfmt("%s 'a b' \"c\"", args);
	ok(run(cmd, 5000, &out, &e) == 0, "arguments are split, not shelled");
	is_str(out, "a b-c", "  quotes group words");
	free(out);
	free(cmd);

	setenv("HOME", dir, 1);
	ok(run("~/nonl", 5000, &out, &e) == 0, "a leading ~/ is expanded");
	is_str(out, "no-newline", "  and the program runs");
	free(out);
	ok(run("~root/nonl", 5000, &out, &e) < 0, "~user is not expanded");

	const char *fail = script("fail", "echo leaked-secret; "
				    "echo 'gpg: decryption failed' >&2; "
				    "exit 1");
	ok(run(fail, 5000, &out, &e) < 0 && out == NULL,
	   "hostile-50: a command that exits 1 is refused");
	like(e.msg, "exited with status 1", "  says the status");
	like(e.msg, "gpg: decryption failed", "  and its stderr");
	ok(strstr(e.msg, "leaked-secret") == NULL,
	   "  but never what it printed on stdout");

	const char *hang = script("hang", "exec sleep 30");
	int64_t t0 = time_mono_ms();
	ok(run(hang, 300, &out, &e) < 0 && out == NULL,
	   "hostile-50: a command that hangs is stopped");
	int64_t took = time_mono_ms() - t0;
	ok(took < 5000, "  within its timeout (took %lld ms)", (long long)took);
	diag("hang stopped after %lld ms (timeout 300 ms)", (long long)took);
	like(e.msg, "password-command", "  the error names the key");

	const char *empty = script("empty", "exit 0");
	ok(run(empty, 5000, &out, &e) < 0,
	   "hostile-50: a command that prints nothing is refused");
	like(e.msg, "printed nothing", "  says so");

	const char *blank = script("blank", "printf '\\nsecret\\n'");
	ok(run(blank, 5000, &out, &e) < 0, "an empty first line is refused");
	like(e.msg, "empty first line", "  says so");

	const char *flood = script("flood",
				   "head -c 1048576 /dev/zero | tr '\\0' a");
	t0 = time_mono_ms();
	ok(run(flood, 5000, &out, &e) < 0 && out == NULL,
	   "hostile-50: 1 MB of output is refused");
	ok(time_mono_ms() - t0 < 5000, "  without waiting for the timeout");
	ok(strlen(e.msg) < 400, "  and the message is short");

	const char *nul = script("nul", "printf 'ab\\000cd\\n'");
	ok(run(nul, 5000, &out, &e) < 0, "a NUL byte in the output is refused");
	like(e.msg, "NUL", "  says so");

	ok(run("/nonexistent/postie-helper", 5000, &out, &e) < 0,
	   "a missing program is an error");
	ok(run("pass 'unbalanced", 5000, &out, &e) < 0,
	   "an unbalanced quote is an error");
	like(e.msg, "cannot run password-command", "  naming the key");

}

static void
test_accounts(void)
{
	char *pw = xstrfmt("%s/pw", dir);
	char *text = xstrfmt("[account \"cmd\"]\naddress = a@example.com\n"
			     "receive = imaps://h\n"
			     "password-command = %s\n"
			     "oauth-token-command = %s\n"
			     "[account \"plain\"]\naddress = b@example.com\n"
			     "receive = imaps://h\npassword = PlainPass99\n"
			     "[account \"none\"]\naddress = c@example.com\n"
			     "receive = imaps://h\n", pw, pw);
	struct cfg c;
	struct perr e = PERR_INIT;
	char *out = NULL;

	script("pw", "echo CmdSecret77");
	cfg_init(&c);
	if (!ok(cfg_parse_buffer(&c, "s", text, strlen(text), &e) == 0,
		"accounts load"))
		diag("%s", e.msg);
	if (c.n_accounts != 3)
		goto out;
	ok(cfg_account_password(&c.accounts[0], &out, &e) == 0,
	   "password from password-command");
	is_str(out, "CmdSecret77", "  is the first line");
	free(out);
	ok(cfg_account_oauth_token(&c.accounts[0], &out, &e) == 0,
	   "token from oauth-token-command");
	is_str(out, "CmdSecret77", "  is the first line");
	free(out);
	ok(cfg_account_password(&c.accounts[1], &out, &e) == 0,
	   "plaintext password");
	is_str(out, "PlainPass99", "  returned");
	free(out);
	ok(cfg_account_password(&c.accounts[2], &out, &e) < 0 && out == NULL,
	   "no password at all is an error");
	like(e.msg, "account \"none\" has no password", "  naming the account");
	ok(cfg_account_oauth_token(&c.accounts[1], &out, &e) < 0,
	   "no token command is an error");

	/* both secrets are now masked in every log line */
	struct buf line = BUF_INIT;
	buf_addstr(&line, "LOGIN a CmdSecret77 and PlainPass99");
	log_redact(&line);
	ok(strstr(line.data, "CmdSecret77") == NULL &&
		   strstr(line.data, "PlainPass99") == NULL,
	   "secrets are registered for the log");
	like(line.data, "*****", "  and masked there");
	buf_release(&line);
out:
	cfg_release(&c);
	free(text);
	free(pw);
}

int
main(void)
{
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return done_testing();
	}
	test_commands();
	test_accounts();
	for (size_t i = 0; i < n_scripts; i++) {
		unlink(scripts[i]);
		free(scripts[i]);
	}
	rmdir(dir);
	return done_testing();
}
