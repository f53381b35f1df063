/* SPDX-License-Identifier: ISC */
/*
 * postie addr: the address book from the command line. It prints what
 * the composer would offer for TEXT (the aliases file, the addresses in
 * every account's index, the query command), in mutt's query_command
 * format, so that postie can itself serve as the query command of
 * another mail program; with --expand it prints what an alias expands
 * to. The indexes are opened read-only: a sync may run meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/store.h"

#include "../ui/addrbook.h"
#include "cmd.h"
#include "dirs.h"

#define ADDR_MAX_DEFAULT 20
#define ADDR_MAX_LIMIT 1000

static const char addr_usage[] =
	"usage: postie addr [-n MAX] TEXT\n"
	"       postie addr --expand ALIAS\n";

/* Print text that came from mail or a file so that it stays on its line
 * and in its column: sanitised, tabs as spaces. */
static void
put_text(const char *s)
{
	struct buf b = BUF_INIT;
	text_sanitize(&b, s, strlen(s), TEXT_TAB_SPACE);
	fputs(b.data, stdout);
	buf_release(&b);
}

static void
print_warn(const char *warn)
{
	struct buf b = BUF_INIT;
	/* one line each; the book already named file and line */
	for (const char *p = warn; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		buf_reset(&b);
		text_sanitize(&b, p, len, 0);
		fprintf(stderr, "postie addr: %s\n", b.data);
		p += len + (nl ? 1 : 0);
	}
	buf_release(&b);
}

int
cmd_addr(int argc, char **argv, const struct cmd_ctx *ctx)
{
	struct cfg c;
	struct perr e = PERR_INIT;
	bool expand = false;
	uint64_t max = ADDR_MAX_DEFAULT;
	int i, status = EXIT_FAIL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--expand") == 0 ||
		    strcmp(argv[i], "-x") == 0) {
			expand = true;
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			if (!slice_to_u64(slice_cstr(argv[++i]), ADDR_MAX_LIMIT,
					  &max) ||
			    max == 0) {
				fprintf(stderr, "postie addr: -n wants a number "
						"from 1 to %d, got '%s'\n",
					ADDR_MAX_LIMIT, argv[i]);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "postie addr: unknown option '%s'\n%s",
				argv[i], addr_usage);
			return EXIT_USAGE;
		} else {
			break;
		}
	}
	if (argc - i != 1) {
		fputs(addr_usage, stderr);
		return EXIT_USAGE;
	}
	const char *text = argv[i];

	cfg_init(&c);
	if (cfg_load(&c, ctx->config_path, &e) < 0) {
		fprintf(stderr, "postie addr: %s\n", e.msg);
		cfg_release(&c);
		return EXIT_CONFIG;
	}
	struct store **stores = xcalloc(c.n_accounts + 1, sizeof(*stores));
	size_t nstores = 0;
	for (size_t k = 0; k < c.n_accounts && !expand; k++) {
		char *cache = account_dir("cache", &c.accounts[k], "addr");
		if (!cache)
			continue;
		struct perr se = PERR_INIT;
		struct store *st = store_open(cache, STORE_READ, NULL, &se);
		free(cache);
		/* An account never synced has no index: nothing to offer
		 * from it, and no fault. */
		if (st)
			stores[nstores++] = st;
		else if (ctx->verbose)
			fprintf(stderr, "postie addr: %s: %s\n",
				c.accounts[k].name, se.msg);
	}

	struct ui_addrbook_params p = {
		.aliases_path = c.ui.aliases,
		.query_command = expand ? NULL : c.ui.query_command,
		.stores = stores,
		.nstores = nstores,
	};
	char *warn = NULL;
	struct ui_addrbook *ab = ui_addrbook_open(&p, &warn, &e);
	if (warn)
		print_warn(warn);
	free(warn);
	if (!ab) {
		fprintf(stderr, "postie addr: %s\n", e.msg);
		goto out;
	}
	if (expand) {
		struct buf b = BUF_INIT;
		if (ui_addrbook_expand(ab, text, &b)) {
			put_text(b.data);
			putchar('\n');
			status = EXIT_OK;
		} else {
			fprintf(stderr, "postie addr: no alias '%s'\n", text);
		}
		buf_release(&b);
		goto out;
	}

	struct ui_addr *v;
	size_t n;
	int rc = ui_addrbook_complete(ab, text, (size_t)max, &v, &n, &e);
	if (rc != 0)
		fprintf(stderr, "postie addr: %s\n", e.msg);
	/* mutt's query_command format: a heading, then
	 * address<TAB>name<TAB>where it came from. */
	printf("postie: %zu address%s\n", n, n == 1 ? "" : "es");
	static const char *const source[] = { "alias", "seen", "query" };
	for (size_t k = 0; k < n; k++) {
		put_text(v[k].addr);
		putchar('\t');
		put_text(v[k].name);
		putchar('\t');
		fputs(source[v[k].source], stdout);
		if (v[k].alias) {
			putchar(' ');
			put_text(v[k].alias);
		}
		putchar('\n');
	}
	ui_addr_list_free(v, n);
	status = n ? EXIT_OK : EXIT_FAIL;
out:
	ui_addrbook_free(ab);
	for (size_t k = 0; k < nstores; k++)
		store_close(stores[k]);
	free(stores);
	cfg_release(&c);
	return status;
}
