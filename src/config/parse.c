/* SPDX-License-Identifier: ISC */
/*
 * The dotfile parser: lines, sections, keys and values, each value checked
 * as it is read, then the accounts completed from their presets and
 * checked as a whole.
 *
 * The syntax is git-config's INI dialect, trimmed to what a mail client
 * needs:
 *
 *	# comment                     (also ';', at the start of a line)
 *	[ui]
 *	sort = reverse-date           # comment after a space, unless quoted
 *	[account "qq"]
 *	name = "张三"                 (quotes keep '#', ';' and edge blanks;
 *	                               escapes \" \\ \n \t)
 *	[bind "index"]
 *	<C-x> = quit                  (any key sequence on the left)
 *
 * Every fault becomes one "FILE:LINE:COL: message" line and parsing goes
 * on, so that one run of `config check` shows them all; a line with a
 * fault contributes nothing. Columns count characters, not bytes, so
 * they match what an editor shows for Chinese text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/config.h"

#include "private.h"

/* Keys of [account "NAME"], in the order `config check` prints them. */
#define ACCOUNT_KEYS(X)                                                  \
	X(ADDRESS, "address") X(NAME, "name") X(USER, "user")              \
	X(PRESET, "preset") X(RECEIVE, "receive") X(SEND, "send")          \
	X(PASSWORD, "password") X(PASSWORD_COMMAND, "password-command")    \
	X(OAUTH_TOKEN_COMMAND, "oauth-token-command") X(POLL, "poll")      \
	X(CA_FILE, "ca-file") X(TLS_FINGERPRINT, "tls-fingerprint")        \
	X(SENT, "sent") X(DRAFTS, "drafts") X(TRASH, "trash")              \
	X(SIGNATURE, "signature") X(ASSUMED_CHARSET, "assumed-charset")    \
	X(POP3_DELETE, "pop3-delete") X(SENT_COPY, "sent-copy")            \
	X(IMAP_ID, "imap-id") X(NEW_MAIL_COMMAND, "new-mail-command")

#define UI_KEYS(X)                                                       \
	X(THEME, "theme") X(EDITOR, "editor") X(SORT, "sort")              \
	X(THREADS, "threads") X(DATE_FORMAT, "date-format")                \
	X(FOLDER_WIDTH, "folder-width")                                    \
	X(MARK_READ_DELAY, "mark-read-delay")                              \
	X(CONFIRM_QUIT, "confirm-quit") X(LOG_LEVEL, "log-level")          \
	X(DELETE, "delete") X(KEYS, "keys") X(BELL_ON_NEW, "bell-on-new")  \
	X(SET_TITLE, "set-title") X(NEW_MAIL_COMMAND, "new-mail-command") \
	X(SAVE_DIR, "save-dir") X(URL_COMMAND, "url-command")              \
	X(VIEWER, "viewer") X(VIEWER_INDEX_ROWS, "viewer-index-rows")      \
	X(ALIASES, "aliases") X(QUERY_COMMAND, "query-command")  \
	X(ATTRIBUTION, "attribution")

#define KEY_ENUM_A(id, name) AK_##id,
#define KEY_ENUM_U(id, name) UK_##id,
#define KEY_NAME(id, name) name,
enum account_key { ACCOUNT_KEYS(KEY_ENUM_A) AK_COUNT };
enum ui_key { UI_KEYS(KEY_ENUM_U) UK_COUNT };
static const char *const account_keys[] = { ACCOUNT_KEYS(KEY_NAME) NULL };
static const char *const ui_keys[] = { UI_KEYS(KEY_NAME) NULL };
static const char *const sections[] = { "ui", "account", "bind", "color",
					NULL };
static const char *const key_presets[] = { CFG_KEY_PRESETS, NULL };
static const char *const panes[] = { CFG_BIND_PANES, NULL };
static const char *const sort_names[] = { "date", "arrival", "from",
					  "subject", "size", "thread", NULL };
static const char *const log_levels[] = { "error", "warn", "info", "debug",
					  NULL };

#define MAX_CHARSETS 8
#define POLL_MIN 30
/* A local Maildir costs a directory listing per check, not a login. */
#define POLL_MIN_LOCAL 1
#define POLL_MAX (24 * 3600)
#define MARK_READ_MAX 3600
#define FOLDER_WIDTH_MAX 200
#define POP3_DAYS_MAX 3650

enum section { SEC_NONE, SEC_UI, SEC_ACCOUNT, SEC_BIND, SEC_COLOR,
	       SEC_SKIP };

/* A fault before it is sorted into file order. */
struct fault {
	unsigned line, col;
	char *text;
};

struct parser {
	struct cfg *c;
	const char *name;       /* the file as shown in messages */
	const char *not_private; /* why a password is refused, or NULL */
	const char *untrusted;  /* why a command is refused, or NULL */
	bool theme_only;        /* a theme file: [color] sections only */

	struct fault *faults;
	size_t n_faults, cap_faults;

	unsigned line;          /* 1-based */
	const char *ls;         /* the current line (no LF) */
	size_t ll;

	enum section sec;
	unsigned sec_line;
	char *pane;             /* of the current [bind] */
	unsigned ui_lines[UK_COUNT]; /* where each [ui] key was set */
	unsigned (*acct_lines)[AK_COUNT]; /* per account, the same */
	/* per account, the column of a poll under 30s: allowed only for a
	 * local Maildir, which may be named after it (0: none) */
	unsigned *short_poll_col;
	size_t cap_accounts, cap_lines, cap_binds, cap_short, cap_colors;
};

/* ---------------------------------------------------------------------
 * Faults
 */

/* Column of p in the current line: characters, not bytes. */
static unsigned
col_of(const struct parser *ps, const char *p)
{
	unsigned col = 1;
	for (const char *q = ps->ls; q < p; q++)
		if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	return col;
}

PRINTF_LIKE(4, 5) static void
fault_at(struct parser *ps, unsigned line, unsigned col, const char *fmt,
	 ...)
{
	if (ps->n_faults >= CFG_MAX_ERRORS) {
		ps->c->n_errors_dropped++;
		return;
	}
	struct buf b = BUF_INIT;
	va_list ap;
	buf_addf(&b, "%s:%u:%u: ", ps->name, line, col);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	ps->faults = xgrow(ps->faults, &ps->cap_faults, ps->n_faults + 1,
			   sizeof(*ps->faults));
	ps->faults[ps->n_faults++] =
		(struct fault){ line, col, buf_detach(&b, NULL) };
}

PRINTF_LIKE(3, 4) static void
warn_at(struct parser *ps, const char *at, const char *fmt, ...)
{
	struct cfg *c = ps->c;
	struct buf b = BUF_INIT;
	va_list ap;

	if (c->n_warnings >= CFG_MAX_ERRORS)
		return;
	buf_addf(&b, "%s:%u:%u: warning: ", ps->name, ps->line,
		 col_of(ps, at));
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	c->warnings = xrealloc(c->warnings,
			       (c->n_warnings + 1) * sizeof(*c->warnings));
	c->warnings[c->n_warnings++] = buf_detach(&b, NULL);
}

/* A fault at p in the current line. */
#define fault(ps, p, ...) fault_at((ps), (ps)->line, col_of((ps), (p)), \
				   __VA_ARGS__)

/* The message of a value parser, placed at the value. */
static void
fault_perr(struct parser *ps, const char *at, const struct perr *e)
{
	fault(ps, at, "%s", e->msg);
}

/* ---------------------------------------------------------------------
 * Lexing
 */
static bool
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* Is the rest of the line blank or a comment? */
static bool
rest_empty(const char *p, const char *end)
{
	p = skip_blank(p, end);
	return p == end || *p == '#' || *p == ';';
}

/* Check the raw bytes of the current line: UTF-8 only, no control
 * characters but tab (C1 controls included: terminals obey them). */
static bool
line_clean(struct parser *ps)
{
	const char *p = ps->ls, *end = ps->ls + ps->ll;

	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				if (c == 0)
					fault(ps, p, "NUL byte in the file");
				else
					fault(ps, p,
					      "control character 0x%02x in "
					      "the file", c);
				return false;
			}
			p++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0) {
			fault(ps, p,
			      "invalid UTF-8 (byte 0x%02x); the dotfile must "
			      "be UTF-8", c);
			return false;
		}
		if (cp < 0xa0) {
			fault(ps, p, "control character U+%04X in the file",
			      (unsigned)cp);
			return false;
		}
		p += n;
	}
	return true;
}

/* Read a double-quoted string at *pp (on the '"'), with the escapes
 * \" \\ and, when full, \n \t. Returns the text or NULL after a fault. */
static char *
lex_quoted(struct parser *ps, const char **pp, const char *end, bool full)
{
	const char *open = *pp;
	const char *p = open + 1;
	struct buf b = BUF_INIT;

	for (;;) {
		if (p >= end) {
			fault(ps, open, "unclosed quote");
			goto fail;
		}
		if (*p == '"')
			break;
		if (*p != '\\') {
			buf_addch(&b, *p++);
			continue;
		}
		if (p + 1 >= end) {
			fault(ps, open, "unclosed quote");
			goto fail;
		}
		switch (p[1]) {
		case '"':
		case '\\':
			buf_addch(&b, p[1]);
			break;
		case 'n':
		case 't':
			if (full) {
				buf_addch(&b, p[1] == 'n' ? '\n' : '\t');
				break;
			}
			/* fall through */
		default:
			fault(ps, p,
			      full ? "unknown escape '\\%c' (use \\\" \\\\ "
				     "\\n or \\t)"
				   : "unknown escape '\\%c' (use \\\" or \\\\)",
			      p[1]);
			goto fail;
		}
		p += 2;
	}
	*pp = p + 1;
	return buf_detach(&b, NULL);
fail:
	buf_release(&b);
	return NULL;
}

/* ---------------------------------------------------------------------
 * Sections
 */
static struct cfg_account *
cur_account(struct parser *ps)
{
	return &ps->c->accounts[ps->c->n_accounts - 1];
}

static void
open_account(struct parser *ps, const char *at, const char *name)
{
	struct cfg *c = ps->c;

	if (!*name) {
		fault(ps, at, "an account needs a name: [account \"NAME\"]");
		ps->sec = SEC_SKIP;
		return;
	}
	if (c->n_accounts == CFG_MAX_ACCOUNTS) {
		fault(ps, at, "too many accounts (at most %d)",
		      CFG_MAX_ACCOUNTS);
		ps->sec = SEC_SKIP;
		return;
	}
	for (size_t i = 0; i < c->n_accounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0) {
			fault(ps, at,
			      "account \"%s\" is already defined on line %u",
			      name, c->accounts[i].line);
			ps->sec = SEC_SKIP;
			return;
		}
	c->accounts = xgrow(c->accounts, &ps->cap_accounts,
			    c->n_accounts + 1, sizeof(*c->accounts));
	ps->acct_lines = xgrow(ps->acct_lines, &ps->cap_lines,
			       c->n_accounts + 1, sizeof(*ps->acct_lines));
	ps->short_poll_col = xgrow(ps->short_poll_col, &ps->cap_short,
				   c->n_accounts + 1,
				   sizeof(*ps->short_poll_col));
	ps->short_poll_col[c->n_accounts] = 0;
	struct cfg_account *a = &c->accounts[c->n_accounts++];
	memset(a, 0, sizeof(*a));
	memset(ps->acct_lines[c->n_accounts - 1], 0,
	       sizeof(ps->acct_lines[0]));
	a->name = xstrdup(name);
	a->line = ps->line;
	a->poll = 300;
	a->sent_copy = true;
	ps->sec = SEC_ACCOUNT;
}

static void
parse_section(struct parser *ps, const char *p, const char *end)
{
	const char *open = p;
	char *sub = NULL;

	ps->sec = SEC_SKIP;
	ps->sec_line = ps->line;
	free(ps->pane);
	ps->pane = NULL;
	p = skip_blank(p + 1, end);
	const char *name = p;
	while (p < end && ((*p >= 'a' && *p <= 'z') ||
			   (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '-'))
		p++;
	size_t nlen = (size_t)(p - name);
	if (nlen == 0) {
		fault(ps, name, "expected a section name after '['");
		return;
	}
	p = skip_blank(p, end);
	const char *sub_at = p;
	if (p < end && *p == '"') {
		sub = lex_quoted(ps, &p, end, false);
		if (!sub)
			return;
		p = skip_blank(p, end);
	}
	if (p >= end || *p != ']') {
		fault(ps, p, "expected ']' to close the section header");
		goto out;
	}
	if (!rest_empty(p + 1, end)) {
		fault(ps, skip_blank(p + 1, end),
		      "unexpected text after the section header");
		goto out;
	}
	char *sname = xstrndup(name, nlen);
	if (ps->theme_only && ascii_strcasecmp(sname, "color") != 0) {
		fault(ps, name, "a theme file holds only [color] sections, "
			       "not [%s]", sname);
	} else if (ascii_strcasecmp(sname, "color") == 0) {
		if (sub)
			fault(ps, sub_at, "[color] takes no name");
		else
			ps->sec = SEC_COLOR;
	} else if (ascii_strcasecmp(sname, "ui") == 0) {
		if (sub)
			fault(ps, sub_at, "[ui] takes no name");
		else
			ps->sec = SEC_UI;
	} else if (ascii_strcasecmp(sname, "account") == 0) {
		if (!sub)
			fault(ps, open,
			      "an account needs a name: [account \"NAME\"]");
		else
			open_account(ps, sub_at, sub);
	} else if (ascii_strcasecmp(sname, "bind") == 0) {
		const char *hint = sub ? cfg_did_you_mean(sub, panes) : NULL;
		size_t i;
		for (i = 0; sub && panes[i]; i++)
			if (strcmp(sub, panes[i]) == 0)
				break;
		if (!sub) {
			fault(ps, open,
			      "a bind section needs a pane: [bind \"index\"]");
		} else if (!panes[i]) {
			fault(ps, sub_at,
			      "unknown pane \"%s\"%s%s%s (panes: global, "
			      "index, pager, folders, compose)", sub,
			      hint ? "; did you mean \"" : "",
			      hint ? hint : "", hint ? "\"?" : "");
		} else {
			ps->sec = SEC_BIND;
			ps->pane = xstrdup(sub);
		}
	} else {
		const char *hint = cfg_did_you_mean(sname, sections);
		fault(ps, name, "unknown section [%s]%s%s%s", sname,
		      hint ? "; did you mean [" : " (expected [ui], "
						   "[account \"NAME\"], "
						   "[bind \"PANE\"] or [color])",
		      hint ? hint : "", hint ? "]?" : "");
	}
	free(sname);
out:
	free(sub);
}

/* ---------------------------------------------------------------------
 * Values
 */

/* Text that goes into a header or a protocol line: no line breaks, no
 * tabs. (Other control characters never get past line_clean.) */
static bool
check_oneline(struct parser *ps, const char *at, const char *key,
	      const char *v)
{
	if (strpbrk(v, "\n\t")) {
		fault(ps, at, "'%s' cannot hold a line break or a tab", key);
		return false;
	}
	return true;
}

static bool
check_address(const char *v)
{
	const char *at = strrchr(v, '@');
	if (!at || at == v || !at[1])
		return false;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>()[],;\"\\", *p))
			return false;
	return strchr(v, '@') == at && at[1] != '.' && v[strlen(v) - 1] != '.';
}

static bool
check_charset_list(struct parser *ps, const char *at, const char *v,
		   struct cfg_account *a)
{
	char **list = NULL;
	size_t n = 0, cap = 0;
	const char *p = v;

	while (*p) {
		p += strspn(p, ", \t");
		if (!*p)
			break;
		size_t len = strcspn(p, ", \t");
		for (size_t i = 0; i < len; i++) {
			char ch = p[i];
			if (!((ch >= 'a' && ch <= 'z') ||
			      (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || strchr("._:+-", ch)))
				len = 0;
		}
		if (len == 0 || len > 40) {
			struct buf q = BUF_INIT;
			cfg_quote_msg(&q, v, strlen(v));
			fault(ps, at,
			      "expected charset names separated by commas, "
			      "like gb18030, big5, got %s", q.data);
			buf_release(&q);
			goto fail;
		}
		if (n == MAX_CHARSETS) {
			fault(ps, at, "at most %d charsets in "
				      "'assumed-charset'", MAX_CHARSETS);
			goto fail;
		}
		list = xgrow(list, &cap, n + 1, sizeof(*list));
		list[n++] = xstrndup(p, len);
		p += len;
	}
	if (n == 0) {
		fault(ps, at, "expected at least one charset name");
		goto fail;
	}
	a->assumed_charsets = list;
	a->n_assumed_charsets = n;
	return true;
fail:
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return false;
}

static bool
parse_pop3_delete(struct parser *ps, const char *at, const char *v,
		  struct cfg_account *a)
{
	if (strcmp(v, "leave") == 0) {
		a->pop3_delete = CFG_POP3_LEAVE;
		return true;
	}
	if (strcmp(v, "delete") == 0) {
		a->pop3_delete = CFG_POP3_DELETE;
		return true;
	}
	/* "after N days" */
	if (strncmp(v, "after", 5) == 0 && is_blank(v[5])) {
		const char *p = v + 5;
		while (is_blank(*p))
			p++;
		size_t dl = strspn(p, "0123456789");
		const char *unit = p + dl;
		while (is_blank(*unit))
			unit++;
		uint64_t n;
		if (dl > 0 && unit > p + dl &&
		    (strcmp(unit, "days") == 0 || strcmp(unit, "day") == 0) &&
		    slice_to_u64(slice_make(p, dl), POP3_DAYS_MAX, &n) &&
		    n > 0) {
			a->pop3_delete = CFG_POP3_AFTER_DAYS;
			a->pop3_delete_days = (unsigned)n;
			return true;
		}
	}
	struct buf q = BUF_INIT;
	cfg_quote_msg(&q, v, strlen(v));
	fault(ps, at,
	      "expected leave, delete or after N days (N from 1 to %d), "
	      "got %s", POP3_DAYS_MAX, q.data);
	buf_release(&q);
	return false;
}

static bool
is_program(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

/* Is there an executable prog, as posix_spawnp would look it up? */
static bool
program_exists(const char *prog)
{
	if (!*prog)
		return false;
	if (strchr(prog, '/'))
		return is_program(prog);
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char *full = n ? xstrfmt("%.*s/%s", (int)n, path, prog)
			       : xstrfmt("./%s", prog);
		bool found = is_program(full);
		free(full);
		if (found)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* A command line for a helper: it must split into words. A program that
 * cannot be found is worth a warning now rather than a failed login
 * later; it is not an error, since PATH may differ when postie runs. */
static bool
check_command(struct parser *ps, const char *at, const char *key,
	      const char *v)
{
	struct perr e = PERR_INIT;

	if (ps->untrusted) {
		fault(ps, at, "'%s' is refused because '%s' %s", key,
		      ps->name, ps->untrusted);
		return false;
	}
	char **argv = argv_split(v, &e);
	if (!argv) {
		fault(ps, at, "cannot use '%s': %s", key, e.msg);
		return false;
	}
	char *prog = NULL;
	if (argv[0][0] == '~')
		prog = cfg_expand_home(argv[0], &e);
	if (!program_exists(prog ? prog : argv[0]))
		warn_at(ps, at, "'%s' runs '%s', which is not an executable "
				"program here", key, argv[0]);
	free(prog);
	argv_free(argv);
	return true;
}

/* A file the account reads later: warn now when it cannot be read. */
static void
check_readable(struct parser *ps, const char *at, const char *key,
	       const char *path)
{
	if (access(path, R_OK) != 0)
		warn_at(ps, at, "cannot read %s '%s': %s", key, path,
			strerror(errno));
}

/* Move the heap string *v into *slot (freeing what was there). */
static void
take(char **slot, char **v)
{
	free(*slot);
	*slot = *v;
	*v = NULL;
}

static void
set_account_key(struct parser *ps, enum account_key k, const char *key,
		const char *at, char *v)
{
	struct cfg_account *a = cur_account(ps);
	struct perr e = PERR_INIT;
	uint64_t n;

	switch (k) {
	case AK_ADDRESS:
		if (!check_address(v)) {
			struct buf q = BUF_INIT;
			cfg_quote_msg(&q, v, strlen(v));
			fault(ps, at,
			      "expected a mail address like "
			      "name@example.com, got %s", q.data);
			buf_release(&q);
			break;
		}
		take(&a->address, &v);
		break;
	case AK_NAME:
		if (check_oneline(ps, at, key, v))
			take(&a->real_name, &v);
		break;
	case AK_USER:
		if (check_oneline(ps, at, key, v))
			take(&a->user, &v);
		break;
	case AK_PRESET:
		a->preset = cfg_preset_find(v);
		if (!a->preset) {
			const char *names[32] = { NULL };
			size_t np;
			const struct cfg_preset *t = cfg_presets(&np);
			struct buf all = BUF_INIT;
			for (size_t i = 0; i < np && i + 1 < ARRAY_SIZE(names);
			     i++) {
				names[i] = t[i].name;
				buf_addf(&all, "%s%s", i ? ", " : "",
					 t[i].name);
			}
			const char *hint = cfg_did_you_mean(v, names);
			fault(ps, at, "unknown preset '%s'%s%s%s (known: %s)",
			      v, hint ? "; did you mean '" : "",
			      hint ? hint : "", hint ? "'?" : "", all.data);
			buf_release(&all);
		}
		break;
	case AK_RECEIVE:
	case AK_SEND: {
		struct cfg_url u;
		bool rx = k == AK_RECEIVE;
		if (rx && strncmp(v, "maildir:", 8) == 0) {
			if (cfg_parse_maildir(v, ps->c->path, &u, &e) < 0) {
				fault_perr(ps, at, &e);
				break;
			}
			cfg_url_release(&a->receive);
			a->receive = u;
			break;
		}
		if (cfg_parse_url(v, &u, &e) < 0) {
			fault_perr(ps, at, &e);
			break;
		}
		bool smtp = u.proto == CFG_PROTO_SMTP;
		if (rx ? smtp : !smtp) {
			fault(ps, at,
			      rx ? "'receive' wants an IMAP or POP3 server "
				   "(imaps://, pop3s://, ...), got '%s'"
				 : "'send' wants an SMTP server (smtps://, "
				   "submission://, ...), got '%s'", v);
			cfg_url_release(&u);
			break;
		}
		struct cfg_url *slot = rx ? &a->receive : &a->send;
		cfg_url_release(slot);
		*slot = u;
		break;
	}
	case AK_PASSWORD:
		if (ps->not_private) {
			fault(ps, at,
			      "a plaintext password is refused because '%s' "
			      "%s, or use password-command instead",
			      ps->name, ps->not_private);
			break;
		}
		take(&a->password, &v);
		break;
	case AK_PASSWORD_COMMAND:
	case AK_OAUTH_TOKEN_COMMAND:
		if (check_command(ps, at, key, v))
			take(k == AK_PASSWORD_COMMAND ? &a->password_command
						      : &a->oauth_token_command, &v);
		break;
	case AK_NEW_MAIL_COMMAND:
		if (check_command(ps, at, key, v))
			take(&a->new_mail_command, &v);
		break;
	case AK_POLL:
		if (cfg_parse_duration(v, &n, &e) < 0) {
			fault_perr(ps, at, &e);
		} else if (n != 0 && (n < POLL_MIN_LOCAL || n > POLL_MAX ||
				      (n < POLL_MIN &&
				       a->receive.proto != CFG_PROTO_NONE &&
				       a->receive.proto !=
					       CFG_PROTO_MAILDIR))) {
			fault(ps, at,
			      "'poll' must be 0 (never) or from 30s to 24h, "
			      "got '%s'", v);
		} else {
			/* under 30s: checked again once receive is known */
			if (n != 0 && n < POLL_MIN)
				ps->short_poll_col[ps->c->n_accounts - 1] =
					col_of(ps, at);
			a->poll = n;
		}
		break;
	case AK_CA_FILE:
	case AK_SIGNATURE: {
		char *path = cfg_expand_home(v, &e);
		if (!path) {
			fault_perr(ps, at, &e);
			break;
		}
		check_readable(ps, at, key, path);
		take(k == AK_CA_FILE ? &a->ca_file : &a->signature, &path);
		break;
	}
	case AK_TLS_FINGERPRINT:
		if (cfg_parse_fingerprint(v, a->tls_fingerprint, &e) < 0)
			fault_perr(ps, at, &e);
		else
			a->has_fingerprint = true;
		break;
	case AK_SENT:
	case AK_DRAFTS:
	case AK_TRASH:
		if (check_oneline(ps, at, key, v))
			take(k == AK_SENT     ? &a->sent
			     : k == AK_DRAFTS ? &a->drafts
					      : &a->trash, &v);
		break;
	case AK_ASSUMED_CHARSET:
		check_charset_list(ps, at, v, a);
		break;
	case AK_POP3_DELETE:
		parse_pop3_delete(ps, at, v, a);
		break;
	case AK_SENT_COPY:
	case AK_IMAP_ID:
		if (cfg_parse_bool(v, k == AK_SENT_COPY ? &a->sent_copy
							 : &a->imap_id,
				   &e) < 0)
			fault_perr(ps, at, &e);
		break;
	case AK_COUNT:
		break;
	}
	if (v && k == AK_PASSWORD)
		explicit_bzero(v, strlen(v));
	free(v);
}

/* Format a sample date with the user's format: 0 when that yields
 * nothing or more than fits in out. The format is the user's own text,
 * which is the point here. */
static size_t
try_date_format(char *out, size_t size, const char *fmt)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 23,
			 .tm_hour = 13, .tm_min = 5 };
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return strftime(out, size, fmt, &tm);
#pragma GCC diagnostic pop
}

static void
set_ui_key(struct parser *ps, enum ui_key k, const char *key,
	   const char *at, char *v)
{
	struct cfg_ui *ui = &ps->c->ui;
	struct perr e = PERR_INIT;
	uint64_t n;

	switch (k) {
	case UK_THEME:
		if (check_oneline(ps, at, key, v))
			take(&ui->theme, &v);
		break;
	case UK_EDITOR:
		if (check_command(ps, at, key, v))
			take(&ui->editor, &v);
		break;
	case UK_ATTRIBUTION:
		if (check_oneline(ps, at, key, v))
			take(&ui->attribution, &v);
		break;
	case UK_SORT: {
		const char *s = v;
		bool rev = strncmp(s, "reverse-", 8) == 0;
		if (rev)
			s += 8;
		for (size_t i = 0; sort_names[i]; i++)
			if (strcmp(s, sort_names[i]) == 0) {
				ui->sort = (enum cfg_sort)i;
				ui->sort_reverse = rev;
				free(v);
				return;
			}
		const char *hint = cfg_did_you_mean(s, sort_names);
		fault(ps, at,
		      "expected date, arrival, from, subject, size or thread "
		      "(reverse- in front to turn it round), got '%s'%s%s%s",
		      v, hint ? "; did you mean '" : "", hint ? hint : "",
		      hint ? "'?" : "");
		break;
	}
	case UK_THREADS:
	case UK_CONFIRM_QUIT:
	case UK_BELL_ON_NEW:
	case UK_SET_TITLE:
		if (cfg_parse_bool(v, k == UK_THREADS	     ? &ui->threads
				      : k == UK_CONFIRM_QUIT ? &ui->confirm_quit
				      : k == UK_BELL_ON_NEW  ? &ui->bell_on_new
							     : &ui->set_title,
				   &e) < 0)
			fault_perr(ps, at, &e);
		break;
	case UK_KEYS:
		for (size_t i = 0; key_presets[i]; i++)
			if (strcmp(v, key_presets[i]) == 0) {
				take(&ui->keys, &v);
				return;
			}
		fault(ps, at, "expected default, vim or emacs, got '%s'", v);
		break;
	case UK_NEW_MAIL_COMMAND:
		if (check_command(ps, at, key, v))
			take(&ui->new_mail_command, &v);
		break;
	case UK_DATE_FORMAT: {
		/* Try it: a format that yields nothing or more than a line
		 * of the index is a mistake worth reporting now. */
		char out[128];
		if (strchr(v, '\n')) {
			fault(ps, at, "'%s' cannot hold a line break", key);
			break;
		}
		if (strlen(v) > 64 ||
		    try_date_format(out, sizeof(out), v) == 0) {
			fault(ps, at,
			      "'date-format' gives an empty or too long date "
			      "(it is a strftime format like %%Y-%%m-%%d "
			      "%%H:%%M)");
			break;
		}
		take(&ui->date_format, &v);
		break;
	}
	case UK_FOLDER_WIDTH:
		if (!slice_to_u64(slice_cstr(v), FOLDER_WIDTH_MAX, &n)) {
			fault(ps, at,
			      "expected a width in columns from 0 to %d, got "
			      "'%s'", FOLDER_WIDTH_MAX, v);
			break;
		}
		ui->folder_width = (unsigned)n;
		break;
	case UK_DELETE:
		if (strcmp(v, "trash") == 0 || strcmp(v, "mark") == 0)
			ui->delete_mark = v[0] == 'm';
		else
			fault(ps, at, "expected trash or mark, got '%s'", v);
		break;
	case UK_MARK_READ_DELAY:
		if (cfg_parse_duration(v, &n, &e) < 0)
			fault_perr(ps, at, &e);
		else if (n > MARK_READ_MAX)
			fault(ps, at, "'mark-read-delay' must be at most 1h, "
				      "got '%s'", v);
		else
			ui->mark_read_delay = n;
		break;
	case UK_SAVE_DIR:
		if (strchr(v, '\n'))
			fault(ps, at, "'%s' cannot hold a line break", key);
		else
			take(&ui->save_dir, &v);
		break;
	case UK_URL_COMMAND:
		if (check_command(ps, at, key, v))
			take(&ui->url_command, &v);
		break;
	case UK_VIEWER:
		if (strcmp(v, "split") == 0 || strcmp(v, "full") == 0)
			ui->viewer_split = strcmp(v, "split") == 0;
		else
			fault(ps, at, "expected split or full, got '%s'", v);
		break;
	case UK_VIEWER_INDEX_ROWS:
		if (!slice_to_u64(slice_cstr(v), 200, &n) || n == 0)
			fault(ps, at, "expected a number of rows from 1 to 200, "
				      "got '%s'", v);
		else
			ui->viewer_index_rows = (unsigned)n;
		break;
	case UK_LOG_LEVEL:
		for (size_t i = 0; log_levels[i]; i++)
			if (strcmp(v, log_levels[i]) == 0) {
				take(&ui->log_level, &v);
				return;
			}
		fault(ps, at, "expected error, warn, info or debug, got '%s'",
		      v);
		break;
	case UK_ALIASES: {
		char *path = cfg_expand_home(v, &e);
		if (!path) {
			fault_perr(ps, at, &e);
			break;
		}
		if (!check_oneline(ps, at, key, path)) {
			free(path);
			break;
		}
		check_readable(ps, at, key, path);
		take(&ui->aliases, &path);
		break;
	}
	case UK_QUERY_COMMAND:
		if (check_oneline(ps, at, key, v) &&
		    check_command(ps, at, key, v))
			take(&ui->query_command, &v);
		break;
	case UK_COUNT:
		break;
	}
	free(v);
}

static void
set_bind(struct parser *ps, const char *key_at, char *keys,
	 const char *at, char *action)
{
	struct cfg *c = ps->c;
	struct perr e = PERR_INIT;

	if (cfg_check_keyseq(keys, &e) < 0) {
		fault_perr(ps, key_at, &e);
		goto fail;
	}
	if (strpbrk(action, "\n\t")) {
		fault(ps, at, "an action cannot hold a line break or a tab");
		goto fail;
	}
	if (c->n_binds == CFG_MAX_BINDS) {
		fault(ps, key_at, "too many key bindings (at most %d)",
		      CFG_MAX_BINDS);
		goto fail;
	}
	for (size_t i = 0; i < c->n_binds; i++)
		if (strcmp(c->binds[i].pane, ps->pane) == 0 &&
		    strcmp(c->binds[i].keys, keys) == 0) {
			fault(ps, key_at,
			      "'%s' is already bound in [bind \"%s\"] on "
			      "line %u", keys, ps->pane, c->binds[i].line);
			goto fail;
		}
	c->binds = xgrow(c->binds, &ps->cap_binds, c->n_binds + 1,
			 sizeof(*c->binds));
	c->binds[c->n_binds++] = (struct cfg_bind){ xstrdup(ps->pane), keys,
						    action, ps->line };
	return;
fail:
	free(keys);
	free(action);
}

/* An "element = colours and attributes" line of [color]. Only its shape
 * is checked here; the screen knows the element names and colours and
 * reports them with the line and column kept here. */
static void
set_color(struct parser *ps, const char *key_at, char *element,
	  const char *at, char *value)
{
	struct cfg *c = ps->c;

	if (!check_oneline(ps, at, element, value))
		goto fail;
	for (size_t i = 0; i < c->n_colors; i++)
		if (strcmp(c->colors[i].element, element) == 0) {
			fault(ps, key_at, "'%s' is already set on line %u",
			      element, c->colors[i].line);
			goto fail;
		}
	if (c->n_colors == CFG_MAX_COLORS) {
		fault(ps, key_at, "too many colour lines (at most %d)",
		      CFG_MAX_COLORS);
		goto fail;
	}
	c->colors = xgrow(c->colors, &ps->cap_colors, c->n_colors + 1,
			  sizeof(*c->colors));
	c->colors[c->n_colors++] = (struct cfg_color){
		element, value, ps->line, col_of(ps, at)
	};
	return;
fail:
	free(element);
	free(value);
}

/* "#rrggbb" and then a blank or the end, at p. */
static bool
is_hex_color(const char *p, const char *end)
{
	if (end - p < 7 || *p != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
			return false;
	return end - p == 7 || is_blank(p[7]);
}

/* A key = value line. */
static void
parse_assignment(struct parser *ps, const char *p, const char *end)
{
	const char *key_at = p;
	char *key = NULL, *val = NULL;
	/* Bindings have key sequences on the left. A section that is
	 * skipped (already reported) is read the same loose way, so that
	 * its lines do not each add a fault of their own. */
	bool loose = ps->sec == SEC_BIND || ps->sec == SEC_SKIP;

	if (loose && *p == '"') {
		key = lex_quoted(ps, &p, end, true);
		if (!key)
			return;
	} else if (loose) {
		while (p < end && !is_blank(*p) && *p != '=')
			p++;
		/* "==" binds the '=' key */
		if (p == key_at && p + 1 < end && p[1] == '=')
			p++;
		key = xstrndup(key_at, (size_t)(p - key_at));
	} else {
		while (p < end && ((*p >= 'a' && *p <= 'z') ||
				   (*p >= 'A' && *p <= 'Z') ||
				   (*p >= '0' && *p <= '9') || *p == '-' ||
				   *p == '_'))
			p++;
		if (p == key_at) {
			fault(ps, p, "expected a key name or a [section]");
			return;
		}
		key = xstrndup(key_at, (size_t)(p - key_at));
	}
	p = skip_blank(p, end);
	if (p >= end || *p != '=') {
		if (p < end && !loose)
			fault(ps, p, "unexpected character after key '%s'; "
				     "expected '='", key);
		else
			fault(ps, p, "expected '=' and a value after '%s'",
			      key);
		goto out;
	}
	p = skip_blank(p + 1, end);
	const char *val_at = p;
	if (p < end && *p == '"') {
		val = lex_quoted(ps, &p, end, true);
		if (!val)
			goto out;
		if (!rest_empty(p, end)) {
			fault(ps, skip_blank(p, end),
			      "unexpected text after the closing quote");
			goto out;
		}
	} else {
		/* A comment starts at '#' or ';' after a blank; in [color]
		 * "#rrggbb" is a colour. */
		const char *q = p;
		while (q < end && !((*q == '#' || *q == ';') && q > p &&
				    is_blank(q[-1]) &&
				    !(ps->sec == SEC_COLOR &&
				      is_hex_color(q, end))))
			q++;
		while (q > p && is_blank(q[-1]))
			q--;
		val = xstrndup(p, (size_t)(q - p));
	}

	if (ps->sec == SEC_NONE) {
		if (ps->theme_only)
			fault(ps, key_at, "'%s' is outside any section; a "
				       "theme starts with [color]", key);
		else
			fault(ps, key_at,
			      "'%s' is outside any section; put it under "
			      "[ui] or [account \"NAME\"]", key);
		goto out;
	}
	if (ps->sec == SEC_SKIP)
		goto out;
	if (!*val) {
		fault(ps, val_at, "expected a value for '%s'", key);
		goto out;
	}
	if (ps->sec == SEC_BIND) {
		set_bind(ps, key_at, key, val_at, val);
		return;
	}
	if (ps->sec == SEC_COLOR) {
		set_color(ps, key_at, key, val_at, val);
		return;
	}

	const char *const *names =
		ps->sec == SEC_UI ? ui_keys : account_keys;
	size_t k;
	for (k = 0; names[k]; k++)
		if (ascii_strcasecmp(names[k], key) == 0)
			break;
	if (!names[k]) {
		const char *hint = cfg_did_you_mean(key, names);
		if (ps->sec == SEC_UI)
			fault(ps, key_at, "unknown key '%s' in [ui]%s%s%s", key,
			      hint ? "; did you mean '" : "",
			      hint ? hint : "", hint ? "'?" : "");
		else
			fault(ps, key_at,
			      "unknown key '%s' in [account \"%s\"]%s%s%s",
			      key, cur_account(ps)->name,
			      hint ? "; did you mean '" : "",
			      hint ? hint : "", hint ? "'?" : "");
		goto out;
	}
	unsigned *lines = ps->sec == SEC_UI
				  ? ps->ui_lines
				  : ps->acct_lines[ps->c->n_accounts - 1];
	if (lines[k]) {
		fault(ps, key_at, "'%s' is already set on line %u", names[k],
		      lines[k]);
		goto out;
	}
	lines[k] = ps->line;
	if (ps->sec == SEC_UI)
		set_ui_key(ps, (enum ui_key)k, names[k], val_at, val);
	else
		set_account_key(ps, (enum account_key)k, names[k], val_at,
				val);
	val = NULL;
out:
	free(key);
	free(val);
}

/* ---------------------------------------------------------------------
 * Accounts as a whole
 */
static void
fill_url(struct cfg_url *u, enum cfg_proto proto, enum cfg_tls tls,
	 const char *host, uint16_t port)
{
	static const char *const names[3][3] = {
		/* IMPLICIT, STARTTLS, NONE */
		{ "imaps", "imap", "imap+insecure" },
		{ "pop3s", "pop3", "pop3+insecure" },
		{ "smtps", "submission", "smtp+insecure" },
	};
	u->proto = proto;
	u->tls = tls;
	u->scheme = names[proto - CFG_PROTO_IMAP][tls];
	u->host = xstrdup(host);
	u->port = port;
}

static void
finish_account(struct parser *ps, size_t i)
{
	struct cfg_account *a = &ps->c->accounts[i];
	unsigned *lines = ps->acct_lines[i];
	const struct cfg_preset *pr = a->preset;

	if (pr) {
		if (a->receive.proto == CFG_PROTO_NONE)
			fill_url(&a->receive, CFG_PROTO_IMAP, CFG_TLS_IMPLICIT,
				 pr->imap_host, pr->imap_port);
		if (a->send.proto == CFG_PROTO_NONE)
			fill_url(&a->send, CFG_PROTO_SMTP, pr->smtp_tls,
				 pr->smtp_host, pr->smtp_port);
		if (!lines[AK_SENT_COPY])
			a->sent_copy = !pr->files_sent;
		if (!lines[AK_IMAP_ID])
			a->imap_id = pr->imap_id;
		a->login_hint = pr->hint;
	}
	if (!a->address) {
		if (!lines[AK_ADDRESS])
			fault_at(ps, a->line, 1,
				 "account \"%s\" has no address (add address "
				 "= you@example.com)", a->name);
		return;
	}
	if (a->receive.proto == CFG_PROTO_NONE) {
		const struct cfg_preset *guess =
			cfg_preset_for_address(a->address);
		if (lines[AK_RECEIVE] || lines[AK_PRESET])
			return; /* already reported where it was written */
		if (guess)
			fault_at(ps, a->line, 1,
				 "account \"%s\" has no receive server (add "
				 "preset = %s, or receive = imaps://HOST)",
				 a->name, guess->name);
		else
			fault_at(ps, a->line, 1,
				 "account \"%s\" has no receive server (add "
				 "receive = imaps://HOST or pop3s://HOST, or "
				 "preset = NAME)", a->name);
		return;
	}
	if (lines[AK_PASSWORD] && lines[AK_PASSWORD_COMMAND]) {
		unsigned l = lines[AK_PASSWORD] > lines[AK_PASSWORD_COMMAND]
				     ? lines[AK_PASSWORD]
				     : lines[AK_PASSWORD_COMMAND];
		fault_at(ps, l, 1,
			 "account \"%s\" has both password and "
			 "password-command; keep one", a->name);
	}
	if (ps->short_poll_col[i] && a->receive.proto != CFG_PROTO_MAILDIR)
		fault_at(ps, lines[AK_POLL], ps->short_poll_col[i],
			 "'poll' must be 0 (never) or from 30s to 24h for a "
			 "server (under 30s only for a local maildir:)");
	if (lines[AK_POP3_DELETE] && a->receive.proto != CFG_PROTO_POP3)
		fault_at(ps, lines[AK_POP3_DELETE], 1,
			 "'pop3-delete' applies only when receive is a POP3 "
			 "server; account \"%s\" receives by IMAP", a->name);
	if (!a->user)
		a->user = xstrdup(a->address);
	if (!a->receive.user)
		a->receive.user = xstrdup(a->user);
	if (a->send.proto != CFG_PROTO_NONE && !a->send.user)
		a->send.user = xstrdup(a->user);
	if (a->n_assumed_charsets == 0) {
		a->assumed_charsets = xmalloc(sizeof(char *));
		a->assumed_charsets[0] = xstrdup("gb18030");
		a->n_assumed_charsets = 1;
	}
}

/* ---------------------------------------------------------------------
 * The whole text
 */
static int
fault_cmp(const void *x, const void *y)
{
	const struct fault *a = x, *b = y;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	/* keep the order in which they were found */
	return a < b ? -1 : a > b;
}

static int
parse_text(struct cfg *c, const char *name, const char *not_private,
	   const char *untrusted, bool theme_only,
	   const char *text, size_t len, struct perr *e)
{
	struct parser ps = { .c = c, .name = name,
			     .not_private = not_private,
			     .untrusted = untrusted,
			     .theme_only = theme_only };
	const char *p = text, *end = text + len;

	/* a UTF-8 byte-order mark, as some Windows editors write */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		ps.line++;
		ps.ls = p;
		ps.ll = (size_t)(le - p);
		if (ps.ll > 0 && p[ps.ll - 1] == '\r')
			ps.ll--;
		p = nl ? nl + 1 : end;
		if (ps.n_faults >= CFG_MAX_ERRORS)
			break;
		if (!line_clean(&ps))
			continue;
		const char *q = skip_blank(ps.ls, ps.ls + ps.ll);
		const char *lend = ps.ls + ps.ll;
		if (q == lend || *q == '#' || *q == ';')
			continue;
		if (*q == '[')
			parse_section(&ps, q, lend);
		else
			parse_assignment(&ps, q, lend);
	}
	if (ps.n_faults >= CFG_MAX_ERRORS && p < end)
		c->n_errors_dropped++; /* the rest was not even read */
	for (size_t i = 0; i < c->n_accounts; i++)
		finish_account(&ps, i);

	struct cfg_ui *ui = &c->ui;
	if (!ui->theme)
		ui->theme = xstrdup("default");
	if (!ui->date_format)
		ui->date_format = xstrdup("%Y-%m-%d %H:%M");
	if (!ui->log_level)
		ui->log_level = xstrdup("info");
	if (!ui->aliases) {
		char *dir = xdg_dir("config");
		if (dir)
			ui->aliases = xstrfmt("%s/aliases", dir);
		free(dir);
	}

	free(ps.pane);
	free(ps.acct_lines);
	free(ps.short_poll_col);
	if (ps.n_faults == 0) {
		free(ps.faults);
		return 0;
	}
	qsort(ps.faults, ps.n_faults, sizeof(*ps.faults), fault_cmp);
	c->errors = xcalloc(ps.n_faults, sizeof(char *));
	for (size_t i = 0; i < ps.n_faults; i++)
		c->errors[i] = ps.faults[i].text;
	c->n_errors = ps.n_faults;
	free(ps.faults);
	size_t more = c->n_errors - 1 + c->n_errors_dropped;
	if (more)
		return perr_set(e, PERR_CONFIG, "%s (and %zu more)",
				c->errors[0], more);
	return perr_set(e, PERR_CONFIG, "%s", c->errors[0]);
}

/* ---------------------------------------------------------------------
 * Entry points
 */
void
cfg_init(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->ui.sort = CFG_SORT_DATE;
	c->ui.folder_width = 20;
	c->ui.confirm_quit = true;
	c->ui.set_title = true;
	c->ui.viewer_index_rows = 10;
}

static void
account_release(struct cfg_account *a)
{
	free(a->name);
	free(a->address);
	free(a->real_name);
	free(a->user);
	cfg_url_release(&a->receive);
	cfg_url_release(&a->send);
	if (a->password) {
		explicit_bzero(a->password, strlen(a->password));
		free(a->password);
	}
	free(a->password_command);
	free(a->oauth_token_command);
	free(a->ca_file);
	free(a->sent);
	free(a->drafts);
	free(a->trash);
	free(a->signature);
	free(a->new_mail_command);
	for (size_t i = 0; i < a->n_assumed_charsets; i++)
		free(a->assumed_charsets[i]);
	free(a->assumed_charsets);
}

void
cfg_release(struct cfg *c)
{
	for (size_t i = 0; i < c->n_accounts; i++)
		account_release(&c->accounts[i]);
	free(c->accounts);
	for (size_t i = 0; i < c->n_binds; i++) {
		free(c->binds[i].pane);
		free(c->binds[i].keys);
		free(c->binds[i].action);
	}
	free(c->binds);
	for (size_t i = 0; i < c->n_colors; i++) {
		free(c->colors[i].element);
		free(c->colors[i].value);
	}
	free(c->colors);
	free(c->ui.theme);
	free(c->ui.keys);
	free(c->ui.new_mail_command);
	free(c->ui.editor);
	free(c->ui.attribution);
	free(c->ui.date_format);
	free(c->ui.log_level);
	free(c->ui.save_dir);
	free(c->ui.url_command);
	free(c->ui.aliases);
	free(c->ui.query_command);
	for (size_t i = 0; i < c->n_errors; i++)
		free(c->errors[i]);
	free(c->errors);
	for (size_t i = 0; i < c->n_warnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->path);
	free(c->display_path);
	cfg_init(c);
}

int
cfg_parse_buffer(struct cfg *c, const char *name, const char *text,
		 size_t len, struct perr *e)
{
	cfg_release(c);
	c->path = xstrdup(name);
	c->display_path = xstrdup(name);
	return parse_text(c, name, NULL, NULL, false, text, len, e);
}

const struct cfg_account *
cfg_find_account(const struct cfg *c, const char *name)
{
	for (size_t i = 0; i < c->n_accounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0)
			return &c->accounts[i];
	return NULL;
}

const struct cfg_account *
cfg_select_account(const struct cfg *c, const char *name, struct perr *e)
{
	if (c->n_accounts == 0) {
		perr_set(e, PERR_CONFIG, "no account in '%s' (add an "
			 "[account \"NAME\"] section)",
			 c->display_path ? c->display_path : "the dotfile");
		return NULL;
	}
	if (!name)
		return &c->accounts[0];
	const struct cfg_account *a = cfg_find_account(c, name);
	if (a)
		return a;

	struct buf names = BUF_INIT;
	const char *cands[CFG_MAX_ACCOUNTS + 1];
	for (size_t i = 0; i < c->n_accounts; i++) {
		buf_addf(&names, "%s\"%s\"", i ? ", " : "",
			 c->accounts[i].name);
		cands[i] = c->accounts[i].name;
	}
	cands[c->n_accounts] = NULL;
	const char *hint = cfg_did_you_mean(name, cands);
	perr_set(e, PERR_CONFIG, "no account \"%s\"%s%s%s (there are: %s)",
		 name, hint ? "; did you mean \"" : "", hint ? hint : "",
		 hint ? "\"?" : "", names.data);
	buf_release(&names);
	return NULL;
}

/* path with the home directory written as ~, for messages. */
static char *
display_path(const char *path)
{
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;

	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/')
		return xstrfmt("~%s", path + hl);
	return xstrdup(path);
}

char *
cfg_default_path(char **looked)
{
	const char *home = getenv("HOME");
	char *dot = home && *home ? xstrfmt("%s/.postierc", home) : NULL;
	char *dir = xdg_dir("config");
	char *xdg = dir ? xstrfmt("%s/config", dir) : NULL;
	char *found = NULL;
	struct stat st;

	free(dir);
	if (dot && stat(dot, &st) == 0)
		found = xstrdup(dot);
	else if (xdg && stat(xdg, &st) == 0)
		found = xstrdup(xdg);
	if (looked) {
		char *d1 = dot ? display_path(dot) : NULL;
		char *d2 = xdg ? display_path(xdg) : NULL;
		if (d1 && d2)
			*looked = xstrfmt("'%s' and '%s'", d1, d2);
		else if (d1 || d2)
			*looked = xstrfmt("'%s'", d1 ? d1 : d2);
		else
			*looked = xstrdup("nowhere (neither HOME nor "
					  "XDG_CONFIG_HOME is set)");
		free(d1);
		free(d2);
	}
	free(dot);
	free(xdg);
	return found;
}

int
cfg_load(struct cfg *c, const char *path, struct perr *e)
{
	char *chosen = NULL;
	struct buf text = BUF_INIT;
	const char *not_private = NULL, *untrusted = NULL;
	char *why = NULL, *why_cmd = NULL;
	struct stat lst, st;
	int rc = -1;

	cfg_release(c);
	if (!path) {
		char *looked = NULL;
		chosen = cfg_default_path(&looked);
		if (!chosen) {
			perr_set(e, PERR_LOCAL,
				 "no dotfile: looked at %s (write one, or "
				 "name it with -F FILE)", looked);
			free(looked);
			return -1;
		}
		free(looked);
		path = chosen;
	}
	c->path = xstrdup(path);
	c->display_path = display_path(path);
	if (lstat(path, &lst) < 0 || stat(path, &st) < 0) {
		perr_set(e, PERR_LOCAL, "cannot read '%s': %s",
			 c->display_path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		perr_set(e, PERR_LOCAL, "cannot read '%s': not a regular file",
			 c->display_path);
		goto out;
	}
	if (st.st_size > CFG_MAX_FILE) {
		perr_set(e, PERR_LOCAL,
			 "'%s' is larger than %d bytes; that is not a "
			 "dotfile", c->display_path, CFG_MAX_FILE);
		goto out;
	}
	/* hostile-50: a password may sit only in a file nobody else can
	 * read or swap. */
	if (S_ISLNK(lst.st_mode))
		not_private = why = xstrdup(
			"is a symbolic link: name the real file with -F and "
			"chmod 600 it");
	else if (st.st_uid != getuid())
		not_private = why = xstrdup("belongs to another user: keep "
					    "the password in a file of your "
					    "own");
	else if (st.st_mode & 077)
		not_private = why = xstrfmt("can be read or written by group "
					    "or others: run chmod 600 %s",
					    c->display_path);
	/* Commands are run as the user: a file that someone else can
	 * change must not choose them. Root's files are trusted, as
	 * everything else of the system is. */
	if (st.st_uid != getuid() && st.st_uid != 0)
		untrusted = why_cmd = xstrdup("belongs to another user");
	else if (st.st_mode & 022)
		untrusted = why_cmd = xstrfmt("can be written by group or "
					      "others: run chmod go-w %s",
					      c->display_path);
	if (file_read_all(path, &text, CFG_MAX_FILE, e) < 0)
		goto out;
	rc = parse_text(c, c->display_path, not_private, untrusted, false,
			text.data, text.len, e);
out:
	/* the text may hold a password */
	if (text.cap)
		explicit_bzero(text.data, text.len);
	buf_release(&text);
	free(why);
	free(why_cmd);
	free(chosen);
	return rc;
}

int
cfg_load_theme(struct cfg *c, const char *path, struct perr *e)
{
	struct buf text = BUF_INIT;
	struct stat st;
	int rc = -1;

	cfg_release(c);
	c->path = xstrdup(path);
	c->display_path = display_path(path);
	if (stat(path, &st) < 0) {
		perr_set(e, PERR_LOCAL, "cannot read '%s': %s",
			 c->display_path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		perr_set(e, PERR_LOCAL, "cannot read '%s': not a regular file",
			 c->display_path);
		return -1;
	}
	if (st.st_size > CFG_MAX_THEME_FILE) {
		perr_set(e, PERR_LOCAL, "'%s' is larger than %d bytes; that "
			 "is not a theme", c->display_path,
			 CFG_MAX_THEME_FILE);
		return -1;
	}
	if (file_read_all(path, &text, CFG_MAX_THEME_FILE, e) < 0)
		goto out;
	rc = parse_text(c, c->display_path, NULL, NULL, true, text.data,
			text.len, e);
out:
	buf_release(&text);
	return rc;
}

int
cfg_parse_theme_buffer(struct cfg *c, const char *name, const char *text,
		       size_t len, struct perr *e)
{
	cfg_release(c);
	c->path = xstrdup(name);
	c->display_path = xstrdup(name);
	return parse_text(c, name, NULL, NULL, true, text, len, e);
}
