/* SPDX-License-Identifier: ISC */
/*
 * ui: mailcap files (RFC 1524), read and turned into a shell command line
 * with the values of a mail quoted so that the shell cannot read them as
 * code.
 *
 * The danger is old and well known (CVE-2015-20107 and the Mutt security
 * notes): a mailcap command such as "lynx -dump %s" or "iconv -f
 * %{charset}" has values from a hostile mail pasted into it and is then
 * given to /bin/sh. Here every value goes in as one single-quoted word,
 * each ' inside written as '\'' (close, escaped quote, reopen), which is
 * the one quoting that the shell undoes without expanding anything in
 * between. For that to hold, our quotes must open where the shell is
 * outside any quoting of its own, so the expander follows the shell's
 * quote state over the command it writes: a placeholder the user wrapped
 * in quotes of their own ('%s', "%s") has those quotes removed; one
 * inside a longer quoted string, or right after a backslash, is refused,
 * because nothing we could write there is safe in every shell. So is a
 * placeholder right after '$' (bash's $'...' reads backslash escapes),
 * and any placeholder in a command with backquotes, "((" or "[[", where
 * the shell reads a word twice.
 *
 * What no quoting can stop is a command that reads the value a second
 * time (eval, bash arithmetic, a script that runs its argument); such an
 * entry is the user's own.
 *
 * Parsing is one pass over the text; lookups are a walk over the entries
 * in file order, which is the order RFC 1524 section 3 prescribes.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/ui.h"

void
ui_mailcap_init(struct ui_mailcap *mc)
{
	struct ui_mailcap blank = UI_MAILCAP_INIT;
	*mc = blank;
}

static void
entry_release(struct ui_mailcap_entry *ent)
{
	free(ent->type);
	free(ent->view);
	free(ent->test);
	free(ent->nametemplate);
	free(ent->description);
	free(ent->print);
	free(ent->edit);
	free(ent->compose);
	free(ent->file);
}

void
ui_mailcap_release(struct ui_mailcap *mc)
{
	for (size_t i = 0; i < mc->n; i++)
		entry_release(&mc->v[i]);
	free(mc->v);
	for (size_t i = 0; i < mc->nerrors; i++)
		free(mc->errors[i]);
	ui_mailcap_init(mc);
}

/* ---------------------------------------------------------------------
 * Parsing
 */

/* Keep a message on a skipped line. */
static void
skip_line(struct ui_mailcap *mc, const char *file, unsigned line,
	  const char *what)
{
	mc->nskipped++;
	if (mc->nerrors < UI_MAILCAP_ERRORS_MAX)
		mc->errors[mc->nerrors++] = xstrfmt("%s:%u: %s", file, line,
						    what);
}

/* RFC 2045 token characters, less those no registered type uses. */
static bool
is_type_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("!#$&-^_.+", c) != NULL;
}

/* The lower-case type of field 0, or NULL with *why set. "text" alone
 * means "text/" and a wildcard subtype (RFC 1524 section 3). */
static char *
parse_type(struct slice f, const char **why)
{
	struct buf b = BUF_INIT;
	size_t i = 0;
	if (slice_eq(f, "*") || slice_eq(f, "*/*"))
		return xstrdup("*/*");
	for (; i < f.len && f.p[i] != '/'; i++) {
		if (!is_type_char((unsigned char)f.p[i]))
			goto bad;
		buf_addch(&b, ascii_lower((unsigned char)f.p[i]));
	}
	if (b.len == 0) {
		*why = "no media type";
		buf_release(&b);
		return NULL;
	}
	buf_addch(&b, '/');
	if (i == f.len || (f.len - i == 2 && f.p[i + 1] == '*')) {
		buf_addch(&b, '*');
		return buf_detach(&b, NULL);
	}
	if (++i == f.len)
		goto bad;
	for (; i < f.len; i++) {
		if (!is_type_char((unsigned char)f.p[i]))
			goto bad;
		buf_addch(&b, ascii_lower((unsigned char)f.p[i]));
	}
	return buf_detach(&b, NULL);
bad:
	*why = "bad media type";
	buf_release(&b);
	return NULL;
}

/* A field value with the mailcap escapes undone (for the description,
 * which no shell reads). */
static char *
unescape(struct slice f)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < f.len; i++) {
		if (f.p[i] == '\\' && i + 1 < f.len)
			i++;
		buf_addch(&b, f.p[i]);
	}
	return buf_detach(&b, NULL);
}

static void
set_field(char **dst, struct slice v, bool raw)
{
	free(*dst);
	*dst = NULL;
	if (v.len)
		*dst = raw ? slice_dup(v) : unescape(v);
}

/* One flag field: "needsterminal", "test=...". Unknown ones are ignored
 * as RFC 1524 asks (section 3, "x11-bitmap", "textualnewlines" and
 * private "x-" flags among them). */
static void
parse_flag(struct ui_mailcap_entry *ent, struct slice f)
{
	struct slice name = f, value = slice_make("", 0);
	bool has_value = slice_split(&f, '=', &name);
	if (has_value)
		value = slice_trim(f);
	name = slice_trim(name);
	if (slice_eq_ci(name, "needsterminal"))
		ent->needsterminal = true;
	else if (slice_eq_ci(name, "copiousoutput"))
		ent->copiousoutput = true;
	else if (!has_value)
		return;
	else if (slice_eq_ci(name, "test"))
		set_field(&ent->test, value, true);
	else if (slice_eq_ci(name, "nametemplate"))
		set_field(&ent->nametemplate, value, true);
	else if (slice_eq_ci(name, "description"))
		set_field(&ent->description, value, false);
	else if (slice_eq_ci(name, "print"))
		set_field(&ent->print, value, true);
	else if (slice_eq_ci(name, "edit"))
		set_field(&ent->edit, value, true);
	else if (slice_eq_ci(name, "compose"))
		set_field(&ent->compose, value, true);
}

/* The next field of (p, n) from *pos: up to a ';' that no backslash
 * escapes, trimmed. */
static struct slice
next_field(const char *p, size_t n, size_t *pos)
{
	size_t i = *pos;
	size_t start = i;
	while (i < n && p[i] != ';') {
		if (p[i] == '\\' && i + 1 < n)
			i++;
		i++;
	}
	struct slice f = slice_trim(slice_make(p + start, i - start));
	*pos = i < n ? i + 1 : n;
	return f;
}

/* One logical line (continuations joined). Returns -1 only for the entry
 * cap. */
static int
parse_entry(struct ui_mailcap *mc, const char *p, size_t n,
	    const char *file, unsigned line, struct perr *e)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n || p[i] == '#')
		return 0;
	if (memchr(p, '\0', n)) {
		skip_line(mc, file, line, "NUL byte in entry");
		return 0;
	}
	size_t pos = i;
	const char *why = NULL;
	char *type = parse_type(next_field(p, n, &pos), &why);
	if (!type) {
		skip_line(mc, file, line, why);
		return 0;
	}
	if (pos >= n && (pos == 0 || p[pos - 1] != ';')) {
		free(type);
		skip_line(mc, file, line, "no view command (a ';' and a "
					  "command after the type)");
		return 0;
	}
	struct slice view = next_field(p, n, &pos);
	if (view.len == 0) {
		free(type);
		skip_line(mc, file, line, "empty view command");
		return 0;
	}
	if (mc->n >= UI_MAILCAP_ENTRIES_MAX) {
		free(type);
		return perr_set(e, PERR_CONFIG,
				"%s:%u: more than %d mailcap entries; the "
				"rest are ignored",
				file, line, UI_MAILCAP_ENTRIES_MAX);
	}
	mc->v = xgrow(mc->v, &mc->cap, mc->n + 1, sizeof(*mc->v));
	struct ui_mailcap_entry *ent = &mc->v[mc->n++];
	memset(ent, 0, sizeof(*ent));
	ent->type = type;
	ent->view = slice_dup(view);
	ent->file = xstrdup(file);
	ent->line = line;
	while (pos < n) {
		struct slice f = next_field(p, n, &pos);
		if (f.len)
			parse_flag(ent, f);
	}
	return 0;
}

int
ui_mailcap_parse(struct ui_mailcap *mc, const char *text, size_t len,
		 const char *file, struct perr *e)
{
	struct buf logical = BUF_INIT;
	unsigned lineno = 0, start = 0;
	bool cont = false, toolong = false;
	size_t i = 0;
	int ret = 0;

	if (!file)
		file = "mailcap";
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *l = text + i;
		size_t n = end - i;
		i = nl ? end + 1 : len;
		lineno++;
		if (n && l[n - 1] == '\r')
			n--;
		if (!cont) {
			/* A comment ends at its line even with a backslash
			 * at the end, so that it cannot swallow the entry
			 * below it. */
			size_t k = 0;
			while (k < n && (l[k] == ' ' || l[k] == '\t'))
				k++;
			if (k < n && l[k] == '#')
				continue;
			start = lineno;
			toolong = false;
			buf_reset(&logical);
		}
		/* An odd run of backslashes at the end continues the line;
		 * an even one is escaped backslashes. */
		size_t bs = 0;
		while (bs < n && l[n - 1 - bs] == '\\')
			bs++;
		cont = bs % 2 == 1;
		if (cont)
			n--;
		if (!toolong && logical.len + n > UI_MAILCAP_LINE_MAX) {
			toolong = true;
			skip_line(mc, file, start, "entry longer than the "
						   "line limit");
		}
		if (toolong) {
			buf_reset(&logical);
			continue;
		}
		buf_add(&logical, l, n);
		if (cont)
			continue;
		if (parse_entry(mc, logical.data, logical.len, file, start,
				e) < 0) {
			ret = -1;
			goto out;
		}
	}
	/* A continuation on the last line ends with the text. */
	if (cont && !toolong &&
	    parse_entry(mc, logical.data, logical.len, file, start, e) < 0)
		ret = -1;
out:
	buf_release(&logical);
	return ret;
}

/* ---------------------------------------------------------------------
 * Lookup
 */

/* The length of the type without parameters or trailing space. */
static size_t
bare_type_len(const char *type)
{
	size_t n = strcspn(type, ";");
	while (n && (type[n - 1] == ' ' || type[n - 1] == '\t'))
		n--;
	return n;
}

static bool
type_matches(const char *pattern, const char *type, size_t tlen)
{
	const char *slash = memchr(type, '/', tlen);
	size_t plen = strlen(pattern);
	if (plen >= 2 && pattern[plen - 1] == '*' && pattern[plen - 2] == '/') {
		size_t major = slash ? (size_t)(slash - type) : tlen;
		if (plen == 3 && pattern[0] == '*')
			return true;
		return major == plen - 2 &&
		       ascii_strncasecmp(pattern, type, major) == 0;
	}
	return plen == tlen && ascii_strncasecmp(pattern, type, tlen) == 0;
}

const struct ui_mailcap_entry *
ui_mailcap_lookup(const struct ui_mailcap *mc, const char *type,
		  const struct ui_mailcap_entry *after)
{
	if (!type)
		return NULL;
	while (*type == ' ' || *type == '\t')
		type++;
	size_t tlen = bare_type_len(type);
	size_t i = 0;
	if (after) {
		if (after < mc->v || after >= mc->v + mc->n)
			return NULL;
		i = (size_t)(after - mc->v) + 1;
	}
	for (; i < mc->n; i++)
		if (type_matches(mc->v[i].type, type, tlen))
			return &mc->v[i];
	return NULL;
}

/* ---------------------------------------------------------------------
 * Expansion
 */

/* The shell's quote state over what has been written so far. */
enum sh_quote { SH_NONE, SH_SINGLE, SH_DOUBLE };

struct expander {
	struct buf out;
	enum sh_quote q;
	bool esc;        /* the last byte was a backslash that escapes */
	size_t qopen;    /* where the open quote mark is in out */
	const char *reread; /* why no value is safe anywhere in cmd */
};

/* Write one literal byte and follow the shell's reading of it. */
static void
put_lit(struct expander *x, char c)
{
	buf_addch(&x->out, c);
	switch (x->q) {
	case SH_NONE:
		if (x->esc) {
			x->esc = false;
		} else if (c == '\\') {
			x->esc = true;
		} else if (c == '\'' || c == '"') {
			x->q = c == '\'' ? SH_SINGLE : SH_DOUBLE;
			x->qopen = x->out.len - 1;
		}
		break;
	case SH_SINGLE:
		if (c == '\'')
			x->q = SH_NONE;
		break;
	case SH_DOUBLE:
		if (x->esc)
			x->esc = false;
		else if (c == '\\')
			x->esc = true;
		else if (c == '"')
			x->q = SH_NONE;
		break;
	}
}

/* Write (v, n) as one single-quoted shell word. */
static void
put_quoted(struct buf *out, const char *v, size_t n)
{
	buf_addch(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\'')
			buf_add(out, "'\\''", 4);
		else
			buf_addch(out, v[i]);
	}
	buf_addch(out, '\'');
}

static bool
has_control(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return true;
	return false;
}

/* Write a placeholder's value at cmd[*i] (just past the placeholder),
 * taking care of the quote marks around it. */
static int
put_value(struct expander *x, const char *cmd, size_t *i, const char *v,
	  const char *ph, struct perr *e)
{
	if (x->reread)
		return perr_set(e, PERR_CONFIG,
				"mailcap command '%s': %s in a command with "
				"%s cannot be quoted safely",
				cmd, ph, x->reread);
	if (x->esc && x->q == SH_NONE)
		return perr_set(e, PERR_CONFIG,
				"mailcap command '%s': %s right after a "
				"backslash cannot be quoted safely",
				cmd, ph);
	if (x->q != SH_NONE) {
		char mark = x->q == SH_SINGLE ? '\'' : '"';
		if (x->qopen + 1 != x->out.len || cmd[*i] != mark)
			return perr_set(e, PERR_CONFIG,
					"mailcap command '%s': %s inside a "
					"quoted string cannot be quoted "
					"safely; write it alone",
					cmd, ph);
		/* '%s' or "%s": our quotes take the place of theirs. */
		buf_truncate(&x->out, x->qopen);
		x->q = SH_NONE;
		x->esc = false;
		(*i)++;
	}
	/* $'...' is bash's quoting with backslash escapes: ours would no
	 * longer be the last word on what the value means. */
	if (x->out.len && x->out.data[x->out.len - 1] == '$')
		return perr_set(e, PERR_CONFIG,
				"mailcap command '%s': %s right after '$' "
				"cannot be quoted safely",
				cmd, ph);
	put_quoted(&x->out, v, strlen(v));
	return 0;
}

static const char *
param_value(const struct ui_mailcap_param *params, size_t n,
	    const char *name, size_t nlen)
{
	for (size_t k = 0; k < n; k++) {
		const char *pn = params[k].name;
		if (pn && strlen(pn) == nlen &&
		    ascii_strncasecmp(pn, name, nlen) == 0)
			return params[k].value ? params[k].value : "";
	}
	return NULL;
}

char **
ui_mailcap_expand(const char *cmd, const char *file, const char *type,
		  const struct ui_mailcap_param *params, size_t nparams,
		  struct ui_mailcap_report *rep, struct perr *e)
{
	struct ui_mailcap_report dummy;
	struct expander x = { BUF_INIT, SH_NONE, false, 0, NULL };
	char *tbare = NULL;

	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	if (!cmd || !*cmd) {
		perr_set(e, PERR_CONFIG, "empty mailcap command");
		return NULL;
	}
	if (!file)
		file = "";
	if (!type)
		type = "";
	/* Where the shell reads a word a second time, single quotes do not
	 * hold: a backquoted command ends at the first backquote even
	 * inside quotes, and bash evaluates array subscripts in arithmetic
	 * ((...)), $((...)) and [[ ... -eq ... ]] (command substitution
	 * included). A placeholder in such a command is refused. $(...)
	 * parses its contents afresh and is safe. */
	if (strchr(cmd, '`'))
		x.reread = "backquotes (write $(...) instead)";
	else if (strstr(cmd, "(("))
		x.reread = "arithmetic '(('";
	else if (strstr(cmd, "[["))
		x.reread = "'[['";
	tbare = xstrndup(type, bare_type_len(type));
	if (has_control(tbare))
		tbare[0] = '\0';

	size_t n = strlen(cmd);
	for (size_t i = 0; i < n;) {
		char c = cmd[i++];
		if (c == '\\' && i < n &&
		    (cmd[i] == ';' || cmd[i] == '%' || cmd[i] == '\\')) {
			/* mailcap's own escapes (RFC 1524 section 4) */
			put_lit(&x, cmd[i++]);
		} else if (c != '%' || i == n) {
			put_lit(&x, c);
		} else if (cmd[i] == '%') {
			put_lit(&x, '%');
			i++;
		} else if (cmd[i] == 's' || cmd[i] == 't') {
			bool s = cmd[i++] == 's';
			if (s)
				rep->uses_file = true;
			if (put_value(&x, cmd, &i, s ? file : tbare,
				      s ? "%s" : "%t", e) < 0)
				goto fail;
		} else if (cmd[i] == '{') {
			const char *close = strchr(cmd + i, '}');
			if (!close) {
				perr_set(e, PERR_CONFIG,
					 "mailcap command '%s': '%%{' with no "
					 "'}'", cmd);
				goto fail;
			}
			const char *name = cmd + i + 1;
			size_t nlen = (size_t)(close - name);
			const char *v = param_value(params, nparams, name,
						    nlen);
			if (!v) {
				rep->missing++;
				v = "";
			} else if (has_control(v)) {
				rep->dropped++;
				v = "";
			}
			i = (size_t)(close - cmd) + 1;
			if (put_value(&x, cmd, &i, v, "%{...}", e) < 0)
				goto fail;
		} else if (cmd[i] == 'n' || cmd[i] == 'F') {
			perr_set(e, PERR_CONFIG,
				 "mailcap command '%s': %%%c (multipart) is "
				 "not supported", cmd, cmd[i]);
			goto fail;
		} else {
			/* Another '%x' is no placeholder: kept as written. */
			put_lit(&x, '%');
		}
		if (x.out.len > UI_MAILCAP_COMMAND_MAX) {
			perr_set(e, PERR_CONFIG,
				 "mailcap command longer than %d bytes once "
				 "expanded", UI_MAILCAP_COMMAND_MAX);
			goto fail;
		}
	}
	free(tbare);
	char **argv = xcalloc(4, sizeof(*argv));
	argv[0] = xstrdup("/bin/sh");
	argv[1] = xstrdup("-c");
	argv[2] = buf_detach(&x.out, NULL);
	return argv;
fail:
	free(tbare);
	buf_release(&x.out);
	return NULL;
}

char *
ui_mailcap_suffix(const struct ui_mailcap_entry *ent)
{
	if (!ent || !ent->nametemplate)
		return NULL;
	const char *s = strstr(ent->nametemplate, "%s");
	if (!s)
		return NULL;
	struct buf b = BUF_INIT;
	for (s += 2; *s && b.len < 32; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-')
			buf_addch(&b, c);
	}
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}
