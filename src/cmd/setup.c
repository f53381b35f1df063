/* SPDX-License-Identifier: ISC */
/*
 * postie setup, and the first run of postie with no dotfile: the wizard
 * of src/ui/wizard.c on the terminal, with the login test it needs.
 *
 * The test logs in the way the account will: the IMAP parameters come
 * from acct_imap_params (the one place every IMAP connection of an
 * account is made from), POP3 and SMTP from the same fields sync and
 * send read. It runs in the wizard's thread and watches its cancel fd,
 * so Esc on the screen ends it at the next wait.
 *
 * Where the file goes: -F FILE when given; else the dotfile postie would
 * read when there is one (then the user is asked before it is replaced,
 * and the old text is kept beside it as FILE.bak); else
 * $XDG_CONFIG_HOME/postie/config when XDG_CONFIG_HOME is set, else
 * ~/.postierc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/base.h"
#include "postie/config.h"
#include "postie/imap.h"
#include "postie/log.h"
#include "postie/net.h"
#include "postie/pop3.h"
#include "postie/smtp.h"

#include "../ui/wizard.h"
#include "cmd.h"

/* A test that hears nothing for this long has failed: long enough for a
 * slow server, short enough that nobody gives up on the screen first. */
#define SETUP_TIMEOUT_MS 20000

static int
test_timeout_ms(void)
{
	const char *v = getenv("POSTIE_TIMEOUT");
	uint64_t s;

	if (v && slice_to_u64(slice_cstr(v), 3600, &s) && s > 0)
		return (int)(s * 1000);
	return SETUP_TIMEOUT_MS;
}

static void
hex_fingerprint(const struct cfg_account *a, char fp[65])
{
	fp[0] = '\0';
	if (a->has_fingerprint)
		for (int i = 0; i < 32; i++)
			snprintf(fp + 2 * i, 3, "%02x", a->tls_fingerprint[i]);
}

static int
test_imap(const struct cfg_account *a, const char *pw, int cancel_fd,
	  struct perr *e)
{
	struct acct_server_buf sb;
	struct imap_session_params p;
	struct imap_session s;

	if (acct_imap_params(a, pw, test_timeout_ms(), cancel_fd, &sb, &p,
			     e) < 0)
		return -1;
	int rc = imap_session_open(&s, &p, e);
	imap_session_close(&s);
	return rc;
}

static int
test_pop3(const struct cfg_account *a, const char *pw, int cancel_fd,
	  struct perr *e)
{
	struct pop3_session s;
	char fp[65], port[8];
	int t = test_timeout_ms();

	hex_fingerprint(a, fp);
	snprintf(port, sizeof(port), "%u", (unsigned)a->receive.port);
	struct pop3_session_params p = {
		.host = a->receive.host,
		.port = port,
		.tls = a->receive.tls == CFG_TLS_IMPLICIT ? POP3_TLS_IMPLICIT
							  : POP3_TLS_STLS,
		.ca_file = a->ca_file,
		.fingerprint = a->has_fingerprint ? fp : NULL,
		.user = a->receive.user ? a->receive.user : a->user,
		.password = pw,
		.connect_timeout_ms = t,
		.io_timeout_ms = t,
		.cancel_fd = cancel_fd,
	};
	int rc = pop3_session_open(&s, &p, e);
	pop3_session_close(&s);
	return rc;
}

static int
test_smtp(const struct cfg_account *a, const char *pw, int cancel_fd,
	  struct perr *e)
{
	char fp[65], port[8];
	int t = test_timeout_ms();

	hex_fingerprint(a, fp);
	snprintf(port, sizeof(port), "%u", (unsigned)a->send.port);
	struct smtp_params p = {
		.host = a->send.host,
		.port = port,
		.tls = a->send.tls == CFG_TLS_IMPLICIT ? SMTP_TLS_IMPLICIT
						       : SMTP_TLS_STARTTLS,
		.ca_file = a->ca_file,
		.fingerprint = a->has_fingerprint ? fp : NULL,
		.user = a->send.user ? a->send.user : a->user,
		.password = pw,
		.connect_timeout_ms = t,
		.timeout_ms = t,
		.data_timeout_ms = t,
		.cancel_fd = cancel_fd,
	};
	struct smtp_session *s = smtp_session_new(&p);
	int rc = smtp_session_open(s, e);
	smtp_session_close(s);
	return rc;
}

/* The wizard's ui_wiz_test_fn. */
static int
test_login(void *arg, const struct cfg_account *a, const char *secret,
	   bool send, int cancel_fd, struct perr *e)
{
	char *pw = NULL;
	int rc;

	(void)arg;
	if (!secret) {
		if (cfg_account_password(a, &pw, e) < 0)
			return -1;
		secret = pw;
	} else {
		log_add_secret(secret);
	}
	if (send)
		rc = test_smtp(a, secret, cancel_fd, e);
	else if (a->receive.proto == CFG_PROTO_POP3)
		rc = test_pop3(a, secret, cancel_fd, e);
	else
		rc = test_imap(a, secret, cancel_fd, e);
	if (rc < 0)
		log_warn("setup: %s login test failed: %s",
			 send ? "SMTP" : "receiving", e->msg);
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	return rc;
}

/* Ask a yes/no question on the terminal (before any screen). */
static bool
ask_yes(const char *question)
{
	char line[64];

	fputs(question, stderr);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

static char *
display(const char *path)
{
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;

	if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/')
		return xstrfmt("~%s", path + hl);
	return xstrdup(path);
}

/* Run the wizard for path. Returns an exit status; EXIT_OK only when
 * the dotfile was written. */
static int
run_wizard(const char *path, bool first_run)
{
	const char *prog = first_run ? "postie" : "postie setup";
	struct perr e = PERR_INIT, le = PERR_INIT;
	struct ui_wiz_params p = {
		.path = path, .test = test_login, .first_run = first_run,
	};

	net_init();
	/* log lines must not reach the screen the wizard draws */
	log_to_stderr(false);
	log_open(NULL, &le); /* without a log file the wizard still works */
	int rc = ui_wizard_run(&p, &e);
	log_close();
	char *shown = display(path);
	int status;
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", prog, e.msg);
		status = EXIT_FAIL;
	} else if (rc > 0) {
		fprintf(stderr, "%s: nothing written; run postie setup "
				"when you are ready, or write %s yourself (see "
				"postierc(5))\n", prog, shown);
		status = EXIT_FAIL;
	} else {
		fprintf(stderr, "%s: wrote '%s'\n", prog, shown);
		status = EXIT_OK;
	}
	free(shown);
	return status;
}

int
cmd_setup(int argc, char **argv, const struct cmd_ctx *ctx)
{
	struct perr e = PERR_INIT;
	struct buf old = BUF_INIT;
	struct stat st;
	char *path = NULL;
	int status = EXIT_FAIL;

	if (argc > 1) {
		fprintf(stderr, "usage: postie [-F FILE] setup\n");
		return EXIT_USAGE;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "postie setup: needs a terminal (it asks "
				"questions on a screen)\n");
		return EXIT_USAGE;
	}
	if (ctx->config_path)
		path = xstrdup(ctx->config_path);
	else if (!(path = cfg_default_path(NULL)) &&
		 !(path = ui_wiz_default_target())) {
		fprintf(stderr, "postie setup: neither HOME nor "
				"XDG_CONFIG_HOME is set; name the file with "
				"-F FILE\n");
		return EXIT_CONFIG;
	}
	char *shown = display(path);
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "postie setup: '%s' is not a regular "
					"file; name another with -F FILE\n",
				shown);
			status = EXIT_CONFIG;
			goto out;
		}
		char *q = xstrfmt("postie setup: '%s' exists. Write a new one "
				  "in its place (the old one is kept as "
				  "'%s.bak')? [y/N] ", shown, shown);
		bool yes = ask_yes(q);
		free(q);
		if (!yes) {
			fprintf(stderr, "postie setup: '%s' left as it is\n",
				shown);
			goto out;
		}
		if (file_read_all(path, &old, CFG_MAX_FILE, &e) < 0) {
			fprintf(stderr, "postie setup: %s\n", e.msg);
			goto out;
		}
	} else if (errno != ENOENT) {
		fprintf(stderr, "postie setup: cannot use '%s': %s\n", shown,
			strerror(errno));
		goto out;
	}
	status = run_wizard(path, false);
	if (status == EXIT_OK && old.len) {
		char *bak = xstrfmt("%s.bak", path);
		/* the old file may hold a password: the copy is 0600 */
		if (file_write_atomic(bak, old.data, old.len, 0600, &e) < 0)
			fprintf(stderr, "postie setup: the old dotfile was not "
					"kept: %s\n", e.msg);
		else
			fprintf(stderr, "postie setup: the old one is '%s.bak'"
					"\n", shown);
		free(bak);
	}
out:
	if (old.cap)
		explicit_bzero(old.data, old.cap);
	buf_release(&old);
	free(shown);
	free(path);
	return status;
}

int
cmd_setup_first_run(const struct cmd_ctx *ctx)
{
	char *found, *target;

	if (ctx->config_path || !isatty(0) || !isatty(1))
		return EXIT_OK;
	if ((found = cfg_default_path(NULL))) {
		free(found);
		return EXIT_OK;
	}
	if (!(target = ui_wiz_default_target()))
		return EXIT_OK; /* cfg_load says where it looked */
	int status = run_wizard(target, true);
	free(target);
	return status;
}
