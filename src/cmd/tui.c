/* SPDX-License-Identifier: ISC */
/*
 * postie with no command (or `postie tui`): the screen. It loads the
 * dotfile, finds each account's index and data directories, opens the
 * log (the terminal belongs to curses now), and hands everything to
 * ui_screen_run, which shows the start folder from the index at once and
 * lets the account workers sync behind it. -A picks the start account,
 * -f the start folder. With no dotfile at all (and no -F) on a
 * terminal, the setup wizard runs first and writes one. `postie compose
 * [mailto:URL]` and `postie mailto:URL` start it with the composer open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/mime_text.h"
#include "postie/ui.h"

#include "cmd.h"
#include "dirs.h"

static int
network_timeout_ms(void)
{
	const char *v = getenv("POSTIE_TIMEOUT");
	uint64_t s;

	if (v && slice_to_u64(slice_cstr(v), 3600, &s) && s > 0)
		return (int)(s * 1000);
	return 0;
}

static int
run_screen(const struct cmd_ctx *ctx, const char *compose_url)
{
	int64_t t0 = time_mono_ms();
	struct cfg c;
	struct perr e = PERR_INIT;
	struct ui_account *ua = NULL;
	size_t n = 0, start = 0;
	int status = EXIT_FAIL;

	/* first run: no dotfile anywhere, so ask for one */
	if ((status = cmd_setup_first_run(ctx)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	cfg_init(&c);
	if (cfg_load(&c, ctx->config_path, &e) < 0) {
		fprintf(stderr, "postie: %s\n", e.msg);
		for (size_t i = 0; i < c.n_errors; i++)
			fprintf(stderr, "%s\n", c.errors[i]);
		if (e.kind == PERR_LOCAL && !ctx->config_path)
			fprintf(stderr, "postie: on a terminal, postie setup "
					"asks for an account and writes one\n");
		cfg_release(&c);
		return EXIT_CONFIG;
	}
	if (!c.n_accounts) {
		fprintf(stderr, "postie: no account in '%s'\n",
			c.display_path);
		cfg_release(&c);
		return EXIT_CONFIG;
	}
	ua = xcalloc(c.n_accounts, sizeof(*ua));
	for (size_t i = 0; i < c.n_accounts; i++) {
		n = i + 1;
		ua[i].cfg = &c.accounts[i];
		if (!(ua[i].cache_dir = account_dir("cache", &c.accounts[i],
						    "tui")) ||
		    !(ua[i].data_dir = account_dir("data", &c.accounts[i],
						   "tui")))
			goto out;
		if (ctx->account &&
		    strcmp(ctx->account, c.accounts[i].name) == 0)
			start = i;
	}
	if (ctx->account && !cfg_find_account(&c, ctx->account)) {
		fprintf(stderr, "postie: no account '%s' in '%s'\n",
			ctx->account, c.display_path);
		status = EXIT_CONFIG;
		goto out;
	}
	struct perr le = PERR_INIT;
	if (log_open(NULL, &le) < 0 && ctx->verbose)
		fprintf(stderr, "postie: no log file: %s\n", le.msg);
	/* lines must not reach the screen curses draws */
	log_to_stderr(false);
	struct ui_screen_params p = {
		.cfg = &c, .accounts = ua, .n_accounts = c.n_accounts,
		.start_account = start, .start_folder = ctx->folder,
		.timeout_ms = network_timeout_ms(), .start_ms = t0,
		.compose_url = compose_url,
	};
	if (ui_screen_run(&p, &e) < 0) {
		fprintf(stderr, "postie: %s\n", e.msg);
		log_error("screen: %s", e.msg);
	} else {
		status = EXIT_OK;
	}
	log_close();
out:
	for (size_t i = 0; i < n; i++) {
		free((char *)ua[i].cache_dir);
		free((char *)ua[i].data_dir);
	}
	free(ua);
	cfg_release(&c);
	return status;
}

int
cmd_tui(int argc, char **argv, const struct cmd_ctx *ctx)
{
	if (argc > 1) {
		fprintf(stderr, "usage: postie [-F FILE] [-A ACCOUNT] "
				"[-f FOLDER] [tui]\n");
		return EXIT_USAGE;
	}
	return run_screen(ctx, NULL);
}

/* postie compose [mailto:URL], and postie mailto:URL: the screen with
 * the composer open. The URL is checked here first, so that a bad link
 * is refused before the terminal changes; only To, Cc, Subject, Body and
 * In-Reply-To are taken from it (hostile-46). */
int
cmd_compose(int argc, char **argv, const struct cmd_ctx *ctx)
{
	struct mime_mailto mt;
	struct perr e = PERR_INIT;

	if (argc > 2) {
		fprintf(stderr, "usage: postie compose [mailto:URL]\n");
		return EXIT_USAGE;
	}
	if (argc == 2) {
		if (mime_mailto_parse(argv[1], &mt, &e) < 0) {
			fprintf(stderr, "postie compose: %s\n", e.msg);
			return EXIT_DATAERR;
		}
		mime_mailto_release(&mt);
	}
	return run_screen(ctx, argc == 2 ? argv[1] : "");
}
