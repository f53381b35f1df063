/* SPDX-License-Identifier: ISC */
/*
 * The postie command line: global options, then a sub-command. Each
 * sub-command lives in src/cmd/ and is listed once in the table below.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/log.h"

#include "cmd/cmd.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv, const struct cmd_ctx *ctx);
	const char *usage;
};

static const struct command commands[] = {
	{ "config", cmd_config,
	  "config check                  validate the dotfile and print it resolved" },
	{ "cat", cmd_cat,
	  "cat [--headers all|common] [--part N] [--raw] [--save-attachments DIR] FILE...|-\n"
	  "                                render one message as the pager shows it" },
	{ "send", cmd_send,
	  "send [-q] [-s SUBJ] [-c CC] [-b BCC] [-a FILE]... ADDR... < BODY\n"
	  "                                queue a message in the outbox and submit it" },
	{ "outbox", cmd_outbox,
	  "outbox [list | show N | flush [--due]]\n"
	  "                                show or retry the messages waiting to be sent" },
	{ "sync", cmd_sync,
	  "sync [ACCOUNT [FOLDER]]        fetch new mail and changes from the servers" },
	{ "check", cmd_check,
	  "check [--all] [--total] [ACCOUNT]\n"
	  "                                print unread counts per folder from the index" },
	{ "setup", cmd_setup,
	  "setup                         ask for an account, test the login, "
	  "write the dotfile" },
	{ "addr", cmd_addr,
	  "addr [-n MAX] TEXT | --expand ALIAS\n"
	  "                                the addresses the composer offers for TEXT" },
	{ "compose", cmd_compose,
	  "compose [mailto:URL]          the screen with the composer open\n"
	  "                                (also: postie mailto:URL)" },
	{ "tui", cmd_tui,
	  "tui                           the screen (also what postie does with no command)" },
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: postie [-F FILE] [-A ACCOUNT] [-f FOLDER] [-v] [COMMAND [ARGS]]\n"
		"       postie --version | --help\n"
		"\n"
		"options:\n"
		"  -F FILE      read this dotfile instead of ~/.postierc\n"
		"  -A ACCOUNT   the account to use (default: the first)\n"
		"  -f FOLDER    the folder to open\n"
		"  -v           also print log lines on stderr\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "\nSee postie(1) and postierc(5).\n");
}

/* Options take their value as the next word or glued (-Fpath). */
static const char *
opt_value(int *i, int argc, char **argv)
{
	const char *a = argv[*i];
	if (a[2])
		return a + 2;
	if (*i + 1 >= argc) {
		fprintf(stderr, "postie: option '%s' needs a value\n", a);
		exit(EXIT_USAGE);
	}
	return argv[++*i];
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	int i;

	setlocale(LC_ALL, "");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("postie %s\n", POSTIE_VERSION);
			return EXIT_OK;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		}
		switch (a[1]) {
		case 'F':
			ctx.config_path = opt_value(&i, argc, argv);
			break;
		case 'A':
			ctx.account = opt_value(&i, argc, argv);
			break;
		case 'f':
			ctx.folder = opt_value(&i, argc, argv);
			break;
		case 'v':
			ctx.verbose = true;
			break;
		default:
			fprintf(stderr, "postie: unknown option '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (ctx.verbose)
		log_to_stderr(true);
	if (i >= argc)
		return cmd_tui(0, argv + i, &ctx);
	if (ascii_strncasecmp(argv[i], "mailto:", 7) == 0) {
		char *av[] = { (char *)"compose", argv[i], NULL };
		if (argc - i > 1) {
			fprintf(stderr, "usage: postie mailto:URL\n");
			return EXIT_USAGE;
		}
		return cmd_compose(2, av, &ctx);
	}
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i, &ctx);
	fprintf(stderr, "postie: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return EXIT_USAGE;
}
