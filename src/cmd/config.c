/* SPDX-License-Identifier: ISC */
/*
 * postie config: look at the dotfile without starting anything.
 *
 *	postie [-F FILE] config check [--try-secrets]
 *	postie [-F FILE] config path
 *
 * check reads and validates the dotfile (key bindings and the theme with
 * it) and prints it resolved (defaults and presets made explicit) on stdout, with plaintext passwords masked.
 * Password and token commands are shown but not run unless
 * --try-secrets asks for it; even then only the length of what they print
 * is reported. Exit 0 when valid, 78 (EX_CONFIG) with every fault on
 * stderr when not, 66 (EX_NOINPUT) when there is no file to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/ui.h"

#include "cmd.h"

static int
config_usage(void)
{
	fprintf(stderr, "usage: postie [-F FILE] config check [--try-secrets]\n"
			"       postie [-F FILE] config path\n");
	return EXIT_USAGE;
}

/* Run one secret command and say how it went, never what it printed. */
static bool
try_secret(const struct cfg_account *a, const char *what,
	   int (*get)(const struct cfg_account *, char **, struct perr *))
{
	struct perr e = PERR_INIT;
	char *secret = NULL;

	if (get(a, &secret, &e) < 0) {
		fprintf(stderr, "postie: %s\n", e.msg);
		return false;
	}
	size_t n = strlen(secret);
	explicit_bzero(secret, n);
	free(secret);
	printf("# account \"%s\": %s printed a line of %zu bytes\n", a->name,
	       what, n);
	return true;
}

static int
config_check(const struct cmd_ctx *ctx, bool try_secrets)
{
	struct cfg c;
	struct perr e = PERR_INIT;
	int rc = EXIT_OK;

	cfg_init(&c);
	if (cfg_load(&c, ctx->config_path, &e) < 0) {
		if (e.kind != PERR_CONFIG) {
			fprintf(stderr, "postie: %s\n", e.msg);
			rc = EXIT_NOINPUT;
			goto out;
		}
		for (size_t i = 0; i < c.n_errors; i++)
			fprintf(stderr, "%s\n", c.errors[i]);
		for (size_t i = 0; i < c.n_warnings; i++)
			fprintf(stderr, "%s\n", c.warnings[i]);
		if (c.n_errors_dropped)
			fprintf(stderr, "postie: stopped after %zu faults\n",
				c.n_errors);
		fprintf(stderr, "postie: '%s' is not valid: %zu fault%s\n",
			c.display_path, c.n_errors + c.n_errors_dropped,
			c.n_errors + c.n_errors_dropped == 1 ? "" : "s");
		rc = EXIT_CONFIG;
		goto out;
	}
	if (ctx->account && !cfg_select_account(&c, ctx->account, &e)) {
		fprintf(stderr, "postie: %s\n", e.msg);
		rc = EXIT_CONFIG;
		goto out;
	}

	/* what only the screen knows: action names, the theme */
	struct buf uerr = BUF_INIT, uwarn = BUF_INIT;
	size_t nui = ui_config_check(&c, &uerr, &uwarn);
	fputs(uwarn.data, stderr);
	if (nui) {
		fputs(uerr.data, stderr);
		fprintf(stderr, "postie: '%s' is not valid: %zu fault%s\n",
			c.display_path, nui, nui == 1 ? "" : "s");
		buf_release(&uerr);
		buf_release(&uwarn);
		rc = EXIT_CONFIG;
		goto out;
	}
	buf_release(&uerr);
	buf_release(&uwarn);
	for (size_t i = 0; i < c.n_warnings; i++)
		fprintf(stderr, "%s\n", c.warnings[i]);
	struct buf out = BUF_INIT;
	buf_addf(&out, "# %s: valid, %zu account%s, %zu binding%s\n",
		 c.display_path, c.n_accounts, c.n_accounts == 1 ? "" : "s",
		 c.n_binds, c.n_binds == 1 ? "" : "s");
	cfg_format(&c, &out);
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	fflush(stdout);

	if (try_secrets) {
		for (size_t i = 0; i < c.n_accounts; i++) {
			const struct cfg_account *a = &c.accounts[i];
			if (ctx->account && strcmp(a->name, ctx->account) != 0)
				continue;
			if (a->password_command &&
			    !try_secret(a, "password-command",
					cfg_account_password))
				rc = EXIT_CONFIG;
			if (a->oauth_token_command &&
			    !try_secret(a, "oauth-token-command",
					cfg_account_oauth_token))
				rc = EXIT_CONFIG;
		}
	}
out:
	cfg_release(&c);
	return rc;
}

static int
config_path(const struct cmd_ctx *ctx)
{
	if (ctx->config_path) {
		printf("%s\n", ctx->config_path);
		return EXIT_OK;
	}
	char *looked = NULL;
	char *path = cfg_default_path(&looked);
	if (!path) {
		fprintf(stderr, "postie: no dotfile: looked at %s\n", looked);
		free(looked);
		return EXIT_NOINPUT;
	}
	printf("%s\n", path);
	free(path);
	free(looked);
	return EXIT_OK;
}

int
cmd_config(int argc, char **argv, const struct cmd_ctx *ctx)
{
	if (argc < 2)
		return config_usage();
	if (strcmp(argv[1], "check") == 0) {
		bool try_secrets = false;
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--try-secrets") == 0) {
				try_secrets = true;
			} else {
				fprintf(stderr,
					"postie: config check: unknown "
					"argument '%s'\n", argv[i]);
				return config_usage();
			}
		}
		return config_check(ctx, try_secrets);
	}
	if (strcmp(argv[1], "path") == 0 && argc == 2)
		return config_path(ctx);
	fprintf(stderr, "postie: config: unknown sub-command '%s'\n", argv[1]);
	return config_usage();
}
