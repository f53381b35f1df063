/* SPDX-License-Identifier: ISC */
/*
 * Where an account's index and local mail live (see dirs.h); shared by
 * postie sync, postie check and the screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"

#include "dirs.h"

char *
account_dir(const char *which, const struct cfg_account *a, const char *prog)
{
	char *base = xdg_dir(which);

	if (!base) {
		fprintf(stderr, "postie %s: neither XDG_%s_HOME nor HOME is "
				"set\n", prog,
			strcmp(which, "cache") == 0 ? "CACHE" : "DATA");
		return NULL;
	}
	char *d = xstrfmt("%s/%s", base, a->name);
	free(base);
	return d;
}
