/* SPDX-License-Identifier: ISC */
/*
 * Secrets from helper programs: password-command and oauth-token-command.
 *
 * The command line is split into words by argv_split and run directly,
 * never through a shell, so nothing in it is expanded but a leading ~/
 * in a word (a user who wants a pipeline writes `sh -c '...'` and owns
 * the consequences). The program
 * gets CFG_SECRET_TIMEOUT_MS and CFG_SECRET_MAX_OUT bytes; its first line
 * is the secret. Everything else that can go wrong (hostile-50: a
 * non-zero exit, a hang, nothing printed, a flood, a NUL byte) is refused
 * with a message that names the key and the program but never shows what
 * it printed on stdout, since that is the secret or a piece of it.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/log.h"

#include "private.h"

static void
wipe(struct buf *b)
{
	if (b->cap)
		explicit_bzero(b->data, b->cap);
	buf_release(b);
}

int
cfg_run_secret_command(const char *what, const char *cmdline,
		       int timeout_ms, char **out, struct perr *e)
{
	struct buf o = BUF_INIT, err = BUF_INIT;
	char **argv = argv_split(cmdline, e);
	int rc = -1;

	*out = NULL;
	if (!argv)
		return perr_prefix(e, "cannot run %s", what);
	/* ~/ at the start of a word is the one expansion: gpg -d ~/pw.gpg */
	for (char **w = argv; *w; w++) {
		if ((*w)[0] != '~' || ((*w)[1] != '/' && (*w)[1] != '\0'))
			continue;
		char *full = cfg_expand_home(*w, e);
		if (!full) {
			perr_prefix(e, "cannot run %s", what);
			goto out;
		}
		free(*w);
		*w = full;
	}
	int status = proc_capture(argv, timeout_ms, CFG_SECRET_MAX_OUT, &o,
				  &err, e);
	if (status < 0) {
		perr_prefix(e, "%s '%s'", what, argv[0]);
		goto out;
	}
	if (status != 0) {
		/* its stderr says why (gpg: decryption failed); show the
		 * first line of it, escaped */
		struct buf q = BUF_INIT;
		size_t l = strcspn(err.data, "\r\n");
		if (l)
			cfg_quote_msg(&q, err.data, l);
		perr_set(e, PERR_CONFIG, "%s '%s' exited with status %d%s%s",
			 what, argv[0], status, l ? ": " : "", q.data);
		buf_release(&q);
		goto out;
	}
	if (memchr(o.data, '\0', o.len)) {
		perr_set(e, PERR_CONFIG, "%s '%s' printed a NUL byte", what,
			 argv[0]);
		goto out;
	}
	size_t len = strcspn(o.data, "\n");
	if (len > 0 && o.data[len - 1] == '\r')
		len--;
	if (len == 0) {
		perr_set(e, PERR_CONFIG,
			 o.len ? "%s '%s' printed an empty first line"
			       : "%s '%s' printed nothing",
			 what, argv[0]);
		goto out;
	}
	*out = xstrndup(o.data, len);
	log_add_secret(*out);
	rc = 0;
out:
	wipe(&o);
	buf_release(&err);
	argv_free(argv);
	return rc;
}

int
cfg_account_password(const struct cfg_account *a, char **out,
		     struct perr *e)
{
	*out = NULL;
	if (a->password) {
		*out = xstrdup(a->password);
		log_add_secret(*out);
		return 0;
	}
	if (!a->password_command)
		return perr_set(e, PERR_CONFIG,
				"account \"%s\" has no password or "
				"password-command", a->name);
	if (cfg_run_secret_command("password-command", a->password_command,
				   CFG_SECRET_TIMEOUT_MS, out, e) < 0)
		return perr_prefix(e, "account \"%s\"", a->name);
	return 0;
}

int
cfg_account_oauth_token(const struct cfg_account *a, char **out,
			struct perr *e)
{
	*out = NULL;
	if (!a->oauth_token_command)
		return perr_set(e, PERR_CONFIG,
				"account \"%s\" has no oauth-token-command",
				a->name);
	if (cfg_run_secret_command("oauth-token-command",
				   a->oauth_token_command,
				   CFG_SECRET_TIMEOUT_MS, out, e) < 0)
		return perr_prefix(e, "account \"%s\"", a->name);
	return 0;
}
