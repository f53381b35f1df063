/* SPDX-License-Identifier: ISC */
/*
 * The sub-commands of the postie program. Each takes the words after its
 * name (argv[0] is the command's own name) and the global options, prints
 * its output on stdout and its errors on stderr, and returns the process
 * exit status. They run before any screen exists, so they may print.
 */
#ifndef POSTIE_CMD_H
#define POSTIE_CMD_H

#include <stdbool.h>

struct cmd_ctx {
	const char *config_path; /* -F FILE, or NULL for the default place */
	const char *account;     /* -A ACCOUNT, or NULL */
	const char *folder;      /* -f FOLDER, or NULL */
	bool verbose;            /* -v: log lines also go to stderr */
};

/* Exit statuses, from sysexits.h where one fits. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 64,    /* EX_USAGE */
	EXIT_DATAERR = 65,  /* EX_DATAERR: bad input data */
	EXIT_NOINPUT = 66,  /* EX_NOINPUT */
	EXIT_TEMPFAIL = 75, /* EX_TEMPFAIL: queued for a later try */
	EXIT_CONFIG = 78,   /* EX_CONFIG */
};

/* The table of commands lives in main.c; one line there per command. */
int cmd_config(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_cat(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_send(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_outbox(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_sync(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_check(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_addr(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_tui(int argc, char **argv, const struct cmd_ctx *ctx);
int cmd_setup(int argc, char **argv, const struct cmd_ctx *ctx);
/* Before the screen: with no -F, no dotfile and a terminal, run the setup
 * wizard. EXIT_OK when there is a dotfile to load now (or nothing was
 * needed), else the exit status to end with (the user left the wizard). */
int cmd_setup_first_run(const struct cmd_ctx *ctx);
int cmd_compose(int argc, char **argv, const struct cmd_ctx *ctx);

#endif
