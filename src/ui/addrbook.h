/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: the address book the composer completes addresses from.
 * Three sources, merged and ranked: an aliases file (mutt's
 * "alias KEY [NAME] <ADDR>[, ...]" lines), the addresses the account
 * stores have seen in From, To and Cc (ranked by how often and how
 * lately, mail one sent counting most), and an optional query command
 * (khard and abook style: run without a shell with the typed text as its
 * last argument; one "address<TAB>name[<TAB>...]" per line, the first
 * line a heading that is skipped). Not part of the public API; UI thread.
 */
#ifndef POSTIE_UI_ADDRBOOK_H
#define POSTIE_UI_ADDRBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "postie/base.h"

struct store;

enum ui_addr_source { UI_ADDR_ALIAS, UI_ADDR_SEEN, UI_ADDR_QUERY };

/* One completion. Strings are UTF-8 from untrusted sources: sanitise
 * before drawing. */
struct ui_addr {
	char *addr;                /* addr-spec: "zhang@qq.com" */
	char *name;                /* display name, "" when none */
	char *alias;               /* the alias key, or NULL */
	enum ui_addr_source source;
	unsigned rank;             /* higher first */
};

struct ui_addrbook_params {
	const char *aliases_path;  /* NULL: none; a missing file is fine */
	const char *query_command; /* NULL: none; split into argv */
	struct store *const *stores; /* read-only stores, borrowed */
	size_t nstores;
	int query_timeout_ms;      /* the command's time, <= 0: 3000 */
	int query_wait_ms;         /* a completion's wait for it (it runs
				      in a thread), <= 0: 300 */
};

struct ui_addrbook;

/* Open the book: read the aliases file (a bad line is skipped and named
 * in *warn, a heap string the caller frees, or NULL). The stores must
 * outlive the book. NULL with *e on failure (out of memory, or an
 * aliases file that exists and cannot be read). */
struct ui_addrbook *ui_addrbook_open(const struct ui_addrbook_params *p,
				     char **warn, struct perr *e);
void ui_addrbook_free(struct ui_addrbook *ab);

/* Up to max matches for what the user typed (a prefix of the alias, of
 * any word of the name, or of the address; case folded for ASCII, CJK
 * names match by prefix of the name), best first, no address twice.
 * *out is a heap array the caller frees with ui_addr_list_free. The
 * query command runs only when typed has at least 2 characters, in a
 * thread, waited for at most query_wait_ms: when it has not answered
 * then, the others' matches come with *e saying so, and its answer is
 * kept for the next call with the same text. Its failure is reported in
 * *e with what was found elsewhere still returned (returns 1 then), 0
 * on success, -1 on failure with nothing. A command that cannot run,
 * times out or writes too much is not run again by this book. */
int ui_addrbook_complete(struct ui_addrbook *ab, const char *typed,
			 size_t max, struct ui_addr **out, size_t *n,
			 struct perr *e);
void ui_addr_list_free(struct ui_addr *v, size_t n);

/* Expand word if it is an alias: append its addresses to out as an
 * RFC 5322 address list (display names encoded later by the builder)
 * and return 1; 0 when word is no alias. Aliases may name aliases; a
 * loop is cut at depth 8. */
int ui_addrbook_expand(struct ui_addrbook *ab, const char *word,
		       struct buf *out);

/* Format one completion as it goes into an address field:
 * "Name <addr>" (the name quoted when it holds specials), or "addr". */
void ui_addr_format(const struct ui_addr *a, struct buf *out);

#endif
