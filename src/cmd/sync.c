/* SPDX-License-Identifier: ISC */
/*
 * postie sync and postie check: the receiving side without a screen.
 *
 * `postie sync [ACCOUNT [FOLDER]]` runs one sync of every account (or of
 * the one named, here or with -A; of one folder with FOLDER or -f): IMAP
 * into the account's index, POP3 into its local Maildir and index, a
 * local Maildir account (receive = maildir:PATH) into its index. On a
 * terminal a progress line is drawn on stderr; each account ends with a
 * summary line on stdout:
 *
 *	qq: 5 folders, 12 new, 3 changed, 1 removed
 *
 * A failed account prints its reason on stderr (with the provider's hint
 * when the login was refused) and makes the exit status 1; the other
 * accounts are still synced.
 *
 * `postie check [--all] [--total] [ACCOUNT]` reads the indexes only (no
 * network, fast enough for a status bar) and prints, per folder with
 * unread mail, "ACCOUNT<TAB>FOLDER<TAB>UNREAD<TAB>TOTAL"; --all lists
 * every folder, --total prints only the sum of unread messages.
 *
 * Places: the index is $XDG_CACHE_HOME/postie/ACCOUNT (a cache: it can
 * be rebuilt from the server), POP3 mail $XDG_DATA_HOME/postie/ACCOUNT
 * (data: the only copy once the server deleted it). POSTIE_TIMEOUT
 * (seconds) shortens the network timeouts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/base.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/store.h"

#include "cmd.h"
#include "dirs.h"

static const char sync_usage[] =
	"usage: postie sync [ACCOUNT [FOLDER]]\n";
static const char check_usage[] =
	"usage: postie check [--all] [--total] [ACCOUNT]\n";

static int
timeout_ms(void)
{
	const char *v = getenv("POSTIE_TIMEOUT");
	uint64_t s;

	if (v && slice_to_u64(slice_cstr(v), 3600, &s) && s > 0)
		return (int)(s * 1000);
	return 0;
}

/* The accounts to work on: the one named (argument, else -A), or all. */
static int
pick_accounts(const struct cfg *c, const char *name, const char *prog,
	      const struct cfg_account ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (name) {
		const struct cfg_account *a = cfg_find_account(c, name);
		if (!a) {
			fprintf(stderr, "postie %s: no account '%s' in '%s'\n",
				prog, name, c->display_path);
			return EXIT_CONFIG;
		}
		*out = xcalloc(1, sizeof(**out));
		(*out)[0] = a;
		*n = 1;
		return EXIT_OK;
	}
	if (!c->n_accounts) {
		fprintf(stderr, "postie %s: no account in '%s'\n", prog,
			c->display_path);
		return EXIT_CONFIG;
	}
	*out = xcalloc(c->n_accounts, sizeof(**out));
	for (size_t i = 0; i < c->n_accounts; i++)
		(*out)[i] = &c->accounts[i];
	*n = c->n_accounts;
	return EXIT_OK;
}

/* ---------------------------------------------------------------------
 * sync
 */
struct progress {
	const char *account;
	bool tty;
	bool drawn;
	int64_t last_ms;
};

static void
on_progress(void *arg, const char *folder, uint64_t done, uint64_t total)
{
	struct progress *p = arg;

	if (!p->tty)
		return;
	/* a few redraws a second are plenty */
	int64_t now = time_mono_ms();
	if (p->drawn && now - p->last_ms < 100 && done != total)
		return;
	p->last_ms = now;
	/* the folder name comes from the server: controls, C1 and bidi
	 * characters are shown as inert text, never sent as they came */
	struct buf safe = BUF_INIT;
	text_sanitize(&safe, folder, utf8_cut(folder, strlen(folder), 64),
		      TEXT_TAB_SPACE);
	if (total)
		fprintf(stderr, "\r\033[Ksync %s: %s %llu/%llu", p->account,
			safe.data ? safe.data : "", (unsigned long long)done,
			(unsigned long long)total);
	else
		fprintf(stderr, "\r\033[Ksync %s: %s", p->account,
			safe.data ? safe.data : "");
	fflush(stderr);
	buf_release(&safe);
	p->drawn = true;
}

static void
progress_clear(struct progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = false;
	}
}

/* An IMAP server's [ALERT] (RFC 3501 7.1: shown to the user), on stderr
 * as "ACCOUNT: server alert: TEXT". The text is the server's: escapes,
 * controls and bidi characters are shown as inert text. */
static void
on_alert(void *arg, const char *text)
{
	struct progress *p = arg;
	struct buf b = BUF_INIT;

	progress_clear(p);
	text_sanitize(&b, p->account, strlen(p->account), TEXT_TAB_SPACE);
	buf_addstr(&b, ": server alert: ");
	text_sanitize(&b, text, utf8_cut(text, strlen(text), 4096),
		      TEXT_TAB_SPACE);
	fprintf(stderr, "%s\n", b.data);
	fflush(stderr);
	buf_release(&b);
}

static int
sync_account(const struct cfg_account *a, const char *folder,
	     const char *prog)
{
	struct perr e = PERR_INIT;
	struct acct_sync_stats stats = { 0 };
	struct progress pr = { .account = a->name, .tty = isatty(2) == 1 };
	char *password = NULL;
	char *cache = NULL, *data = NULL;
	struct store *st = NULL;
	int status = EXIT_FAIL;

	log_set_context(a->name);
	bool local = a->receive.proto == CFG_PROTO_MAILDIR;
	if (a->receive.proto != CFG_PROTO_IMAP &&
	    a->receive.proto != CFG_PROTO_POP3 && !local) {
		fprintf(stderr, "postie %s: %s: no receive server (receive = "
				"imaps://HOST or pop3s://HOST)\n",
			prog, a->name);
		status = EXIT_CONFIG;
		goto out;
	}
	if (!local && !a->password && !a->password_command) {
		fprintf(stderr, "postie %s: %s: no password or "
				"password-command to log in with\n",
			prog, a->name);
		status = EXIT_CONFIG;
		goto out;
	}
	if (!(cache = account_dir("cache", a, prog)) ||
	    !(data = account_dir("data", a, prog)))
		goto out;
	if (!local && cfg_account_password(a, &password, &e) < 0) {
		fprintf(stderr, "postie %s: %s: %s\n", prog, a->name, e.msg);
		status = EXIT_CONFIG;
		goto out;
	}
	struct store_open_info info;
	st = store_open(cache, STORE_WRITE, &info, &e);
	if (!st) {
		fprintf(stderr, "postie %s: %s: %s\n", prog, a->name, e.msg);
		goto out;
	}
	if (info.rebuilt)
		fprintf(stderr, "postie %s: %s: the index was unusable (%s) "
				"and is rebuilt\n",
			prog, a->name, info.reason);
	struct acct_sync_params p = {
		.account = a, .password = password, .store = st,
		.folder = folder, .data_dir = data, .cancel_fd = -1,
		.timeout_ms = timeout_ms(), .progress = on_progress,
		.progress_arg = &pr, .alert = on_alert,
	};
	int64_t t0 = time_mono_ms();
	int rc = local ? acct_sync_maildir(&p, &stats, &e)
		 : a->receive.proto == CFG_PROTO_IMAP
			 ? acct_sync_imap(&p, &stats, &e)
			 : acct_sync_pop3(&p, &stats, &e);
	progress_clear(&pr);
	if (rc == 0 || stats.folders) {
		printf("%s: %u folder%s, %llu new, %llu changed, %llu removed",
		       a->name, stats.folders, stats.folders == 1 ? "" : "s",
		       (unsigned long long)stats.new_msgs,
		       (unsigned long long)stats.changed,
		       (unsigned long long)stats.removed);
		if (stats.folders_failed)
			printf(", %u failed", stats.folders_failed);
		printf("\n");
		fflush(stdout);
	}
	log_info("sync: %u folders, %llu new, %llu changed, %llu removed "
		 "in %lld ms", stats.folders,
		 (unsigned long long)stats.new_msgs,
		 (unsigned long long)stats.changed,
		 (unsigned long long)stats.removed,
		 (long long)(time_mono_ms() - t0));
	if (rc < 0) {
		fprintf(stderr, "postie %s: %s: %s\n", prog, a->name, e.msg);
		if (e.kind == PERR_AUTH && a->login_hint)
			fprintf(stderr, "postie %s: hint: %s\n", prog,
				a->login_hint);
		log_error("sync failed: %s", e.msg);
		status = e.kind == PERR_CONFIG ? EXIT_CONFIG : EXIT_FAIL;
		goto out;
	}
	status = EXIT_OK;
out:
	progress_clear(&pr);
	store_close(st);
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	free(cache);
	free(data);
	log_set_context(NULL);
	return status;
}

int
cmd_sync(int argc, char **argv, const struct cmd_ctx *ctx)
{
	struct cfg c;
	struct perr e = PERR_INIT;
	const char *name = ctx->account, *folder = ctx->folder;
	int i = 1;

	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "-") != 0) {
		fprintf(stderr, "postie sync: unknown option '%s'\n%s",
			argv[i], sync_usage);
		return EXIT_USAGE;
	}
	if (i < argc)
		name = argv[i++];
	if (i < argc)
		folder = argv[i++];
	if (i < argc) {
		fputs(sync_usage, stderr);
		return EXIT_USAGE;
	}
	cfg_init(&c);
	if (cfg_load(&c, ctx->config_path, &e) < 0) {
		fprintf(stderr, "postie sync: %s\n", e.msg);
		cfg_release(&c);
		return EXIT_CONFIG;
	}
	const struct cfg_account **accts;
	size_t n;
	int status = pick_accounts(&c, name, "sync", &accts, &n);
	if (status == EXIT_OK) {
		struct perr le = PERR_INIT;
		if (log_open(NULL, &le) < 0 && ctx->verbose)
			fprintf(stderr, "postie sync: no log file: %s\n",
				le.msg);
		if (folder && n > 1) {
			fprintf(stderr, "postie sync: a folder needs an "
					"account\n%s",
				sync_usage);
			status = EXIT_USAGE;
		}
		for (size_t k = 0; k < n && status != EXIT_USAGE; k++) {
			int rc = sync_account(accts[k], folder, "sync");
			if (rc != EXIT_OK && status == EXIT_OK)
				status = rc;
		}
		log_close();
	}
	free(accts);
	cfg_release(&c);
	return status;
}

/* ---------------------------------------------------------------------
 * check
 */
static int
check_account(const struct cfg_account *a, bool all, bool total_only,
	      uint64_t *sum)
{
	struct perr e = PERR_INIT;
	char *cache = account_dir("cache", a, "check");

	if (!cache)
		return EXIT_FAIL;
	struct store *st = store_open(cache, STORE_READ, NULL, &e);
	free(cache);
	if (!st) {
		fprintf(stderr, "postie check: %s: no index yet (run 'postie "
				"sync'): %s\n",
			a->name, e.msg);
		return EXIT_FAIL;
	}
	struct store_folder *v = NULL;
	size_t n = 0;
	if (store_folder_list(st, &v, &n, &e) < 0) {
		fprintf(stderr, "postie check: %s: %s\n", a->name, e.msg);
		store_close(st);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		*sum += v[i].unread;
		if (total_only || (!all && v[i].unread == 0))
			continue;
		/* names come from the server: tabs would break the
		 * columns, controls and bidi characters reach the terminal */
		struct buf name = BUF_INIT;
		text_sanitize(&name, v[i].name, strlen(v[i].name),
			      TEXT_TAB_SPACE);
		printf("%s\t%s\t%u\t%u\n", a->name,
		       name.data ? name.data : "", (unsigned)v[i].unread,
		       (unsigned)v[i].total);
		buf_release(&name);
	}
	store_folder_list_free(v, n);
	store_close(st);
	return EXIT_OK;
}

int
cmd_check(int argc, char **argv, const struct cmd_ctx *ctx)
{
	struct cfg c;
	struct perr e = PERR_INIT;
	const char *name = ctx->account;
	bool all = false, total_only = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0 || strcmp(argv[i], "-a") == 0)
			all = true;
		else if (strcmp(argv[i], "--total") == 0)
			total_only = true;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "postie check: unknown option '%s'\n%s",
				argv[i], check_usage);
			return EXIT_USAGE;
		} else
			break;
	}
	if (i < argc)
		name = argv[i++];
	if (i < argc) {
		fputs(check_usage, stderr);
		return EXIT_USAGE;
	}
	cfg_init(&c);
	if (cfg_load(&c, ctx->config_path, &e) < 0) {
		fprintf(stderr, "postie check: %s\n", e.msg);
		cfg_release(&c);
		return EXIT_CONFIG;
	}
	const struct cfg_account **accts;
	size_t n;
	uint64_t sum = 0;
	int status = pick_accounts(&c, name, "check", &accts, &n);
	if (status == EXIT_OK) {
		/* an account without an index fails the status, but the
		 * others' counts are still printed */
		for (size_t k = 0; k < n; k++)
			if (check_account(accts[k], all, total_only, &sum) !=
			    EXIT_OK)
				status = EXIT_FAIL;
		if (total_only)
			printf("%llu\n", (unsigned long long)sum);
	}
	free(accts);
	cfg_release(&c);
	return status;
}
