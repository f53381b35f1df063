/* SPDX-License-Identifier: ISC */
/*
 * Where an account's files live, for the commands that open them: the
 * index (a cache: $XDG_CACHE_HOME/postie/ACCOUNT) and POP3 mail (data:
 * $XDG_DATA_HOME/postie/ACCOUNT).
 */
#ifndef POSTIE_CMD_DIRS_H
#define POSTIE_CMD_DIRS_H

struct cfg_account;

/* $XDG_<which>_HOME/postie/ACCOUNT for which "cache" or "data", as a
 * heap string; NULL after printing "postie PROG: ..." on stderr when
 * neither the XDG variable nor HOME is set. */
char *account_dir(const char *which, const struct cfg_account *a,
		  const char *prog);

#endif
