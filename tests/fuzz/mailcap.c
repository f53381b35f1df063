/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the mailcap reader and expander. The input is
 * parsed as a mailcap file; each entry must be found again by a lookup of
 * its own type, and each view command is expanded with hostile values
 * that all contain 'Z' (a letter removed from the command first). Beyond
 * "no memory error" the target checks, with a shell quote tracker of its
 * own, that every Z of the expanded command lies inside single quotes:
 * no value can reach the shell as code (hostile-45). The bytes after the
 * first NUL are a parameter value whose expansion must read back exactly
 * when the single quotes are undone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is every 'Z' in s inside single quotes, as /bin/sh reads s? */
static bool
zs_quoted(const char *s)
{
	enum { NONE, SQ, DQ } q = NONE;
	bool esc = false;
	for (; *s; s++) {
		char c = *s;
		if (c == 'Z' && q != SQ)
			return false;
		if (esc) {
			esc = false;
			continue;
		}
		if (q == SQ) {
			if (c == '\'')
				q = NONE;
		} else if (c == '\\') {
			esc = true;
		} else if (q == NONE && c == '\'') {
			q = SQ;
		} else if (c == '"') {
			q = q == DQ ? NONE : DQ;
		}
	}
	return true;
}

/* Undo one single-quoted word written as '...' and '\'' pieces. */
static bool
unquote(const char *s, struct buf *out)
{
	while (*s) {
		if (s[0] == '\\' && s[1] == '\'') {
			buf_addch(out, '\'');
			s += 2;
			continue;
		}
		if (*s++ != '\'')
			return false;
		const char *end = strchr(s, '\'');
		if (!end)
			return false;
		buf_add(out, s, (size_t)(end - s));
		s = end + 1;
	}
	return true;
}

static void
check_command(const char *cmd)
{
	static const struct ui_mailcap_param params[] = {
		{ "a", "Z'Z\"Z\\Z$(Z)`Z`;Z" },
		{ "b", "'\\''Z" },
		{ "c", "Z\nZ" },
	};
	char *c = xstrdup(cmd);
	for (char *p = c; *p; p++)
		if (*p == 'Z')
			*p = 'Y';
	struct perr e = PERR_INIT;
	char **argv = ui_mailcap_expand(c, "Z'f", "Z/Z'", params,
					ARRAY_SIZE(params), NULL, &e);
	if (argv) {
		if (strcmp(argv[0], "/bin/sh") || strcmp(argv[1], "-c") ||
		    argv[3] || !zs_quoted(argv[2]))
			abort();
		argv_free(argv);
	} else if (!e.msg[0]) {
		abort();
	}
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ui_mailcap mc = UI_MAILCAP_INIT;
	struct perr e = PERR_INIT;

	ui_mailcap_parse(&mc, text, size, "fuzz", &e);
	if (mc.nerrors > UI_MAILCAP_ERRORS_MAX || mc.nerrors > mc.nskipped)
		abort();
	for (size_t i = 0; i < mc.n; i++) {
		const struct ui_mailcap_entry *ent = &mc.v[i];
		const struct ui_mailcap_entry *f =
			ui_mailcap_lookup(&mc, ent->type, NULL);
		/* the first match comes no later than the entry itself */
		if (!f || f > ent || !ent->view || !ent->view[0])
			abort();
		if (i < 64)
			check_command(ent->view);
		char *sfx = ui_mailcap_suffix(ent);
		if (sfx && (strlen(sfx) > 32 ||
			    strspn(sfx, "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789._-") != strlen(sfx)))
			abort();
		free(sfx);
	}
	ui_mailcap_release(&mc);

	/* The whole input up to a NUL as a command. */
	char *cmd = xstrndup(text, size);
	if (*cmd)
		check_command(cmd);

	/* The bytes after the first NUL as a value: it reads back. */
	const char *nul = memchr(text, '\0', size);
	if (nul) {
		char *v = xstrndup(nul + 1, size - (size_t)(nul + 1 - text));
		struct ui_mailcap_param p = { "v", v };
		struct ui_mailcap_report rep;
		char **argv = ui_mailcap_expand("%{v}", "f", "a/b", &p, 1, &rep,
						&e);
		if (!argv) {
			/* only the length cap may refuse it */
			if (strlen(v) < UI_MAILCAP_COMMAND_MAX / 4 - 2)
				abort();
			free(v);
			free(cmd);
			return 0;
		}
		struct buf back = BUF_INIT;
		if (!unquote(argv[2], &back))
			abort();
		if (rep.dropped ? back.len != 0 : strcmp(back.data, v) != 0)
			abort();
		buf_release(&back);
		argv_free(argv);
		free(v);
	}
	free(cmd);
	return 0;
}
