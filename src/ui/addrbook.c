/* SPDX-License-Identifier: ISC */
/*
 * The address book behind the composer's completion (addrbook.h): the
 * aliases file read once when the book opens, the stores asked on every
 * keystroke (their addr table answers a prefix in a few milliseconds
 * even at 100,000 summaries), and the query command run when what was
 * typed is long enough, its answer kept for the same text.
 *
 * The query command runs in a thread of its own, so that a slow or
 * hanging program never freezes the screen: a Tab waits for it at most
 * QUERY_WAIT_MS and otherwise completes from the other sources, saying
 * the command has not answered yet; its answer, when it comes, is kept
 * for the next Tab. One command runs at a time. A command that could not
 * run, ran over its timeout or wrote too much is not run again while the
 * book is open (each composer opens one); a command that fails for one
 * text is not run again for that text.
 *
 * Ranking puts the user's own words first and strangers last: aliases
 * (an exact key before a prefix, then by key), then addresses one has
 * written to (by the store's score: mail sent, recency), then what the
 * query command answered (in its order), then addresses only ever seen
 * in received mail (newsletters live there). One address appears once,
 * at its best place, with the first display name any source gave it.
 *
 * Every display name that leaves here is cleaned: control, bidi and
 * invisible characters are dropped and line breaks become spaces, since
 * a name goes into a header field (a CR LF from a decoded From of a
 * hostile mail must not start a new field) as well as onto the screen.
 * Addresses are checked with store_addr_valid.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "postie/base.h"
#include "postie/mime.h"
#include "postie/store.h"

#include "addrbook.h"

/* The aliases file is a hand-written list: a few MiB is already absurd. */
#define ALIASES_MAX_BYTES ((size_t)4 << 20)
/* Bad lines named one by one; the rest are counted. */
#define WARN_MAX 20
/* What a query command may print, and how many of its lines count. */
#define QUERY_MAX_BYTES ((size_t)1 << 20)
#define QUERY_MAX_LINES 10000
#define QUERY_TIMEOUT_MS 3000
/* How long a Tab waits for the query command before it completes from
 * the other sources alone. */
#define QUERY_WAIT_MS 300
/* A display name longer than this is cut (at a character). */
#define NAME_MAX_BYTES 256
/* The depth at which nested aliases stop being followed, and how many
 * members one expansion or completion visits at most: aliases naming
 * aliases can fan out (ten names of ten names, eight deep, is 10^8). */
#define ALIAS_DEPTH_MAX 8
#define ALIAS_WALK_MAX 2000

struct member {
	char *name; /* cleaned display name, "" when none */
	char *addr; /* an address, or NULL when ref names another alias */
	char *ref;
	unsigned line;
};

struct alias {
	char *key;
	struct member *v;
	size_t n, cap;
	unsigned line;
};

struct qhit {
	char *addr, *name;
};

/* One run of the query command, shared by the book and the thread that
 * runs it; the last of the two to let go frees it. */
struct qjob {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	bool done;
	char **argv;       /* owned, the typed text last */
	char *typed;
	int timeout_ms;
	int rc;            /* proc_capture's */
	struct buf out, err;
	struct perr pe;
};

struct ui_addrbook {
	char *aliases_path;
	struct alias *al;
	size_t nal, al_cap;
	struct store *const *stores;
	size_t nstores;
	char **query_argv; /* without the typed word; NULL when none */
	int timeout_ms;
	int wait_ms;
	struct qjob *job;  /* running, or done and not yet taken */
	char *q_off;       /* why the command is not run again, or NULL */
	/* The query command's answer for q_typed. */
	char *q_typed;
	struct qhit *q;
	size_t nq;
};

/* ---------------------------------------------------------------------
 * Names and addresses
 */

/* Append a cleaned display name: invalid bytes and unsafe characters
 * dropped, white space (line breaks too) folded into one space, trimmed,
 * at most NAME_MAX_BYTES. */
static void
clean_name(struct buf *out, const char *p, size_t len)
{
	size_t start = out->len;
	bool space = false;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		i += k;
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
		    cp == 0x3000) {
			space = out->len > start;
			continue;
		}
		if (text_cp_unsafe(cp))
			continue;
		size_t need = (space ? 1 : 0) + k;
		if (out->len - start + need > NAME_MAX_BYTES)
			break;
		if (space)
			buf_addch(out, ' ');
		space = false;
		utf8_encode(out, cp);
	}
}

static char *
clean_name_dup(const char *p, size_t len)
{
	struct buf b = BUF_INIT;
	clean_name(&b, p, len);
	return buf_detach(&b, NULL);
}

/* Does s start with prefix, ASCII letters without case? */
static bool
starts_ci(const char *s, const char *prefix, size_t plen)
{
	return ascii_strncasecmp(s, prefix, plen) == 0;
}

/* Is prefix at the start of the name or of a word in it? A word starts
 * after a space or ASCII punctuation ("Zhang, San", "(Li)", "Mary-Ann");
 * Chinese names match at their start only. */
static bool
name_matches(const char *name, const char *prefix, size_t plen)
{
	if (plen == 0)
		return true;
	for (const char *p = name; *p; p++) {
		if (p != name) {
			unsigned char c = (unsigned char)p[-1];
			bool sep = c == ' ' || (c < 0x80 && c > ' ' &&
						!(c >= '0' && c <= '9') &&
						!((c | 0x20) >= 'a' &&
						  (c | 0x20) <= 'z'));
			if (!sep)
				continue;
		}
		if (starts_ci(p, prefix, plen))
			return true;
	}
	return false;
}

/* RFC 5322 3.2.3: a phrase may be atoms (atext, and UTF-8 by RFC 6532)
 * and spaces; anything else in ASCII needs a quoted string. */
static bool
needs_quotes(const char *s)
{
	if (!*s || *s == ' ')
		return true;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80 || (c >= '0' && c <= '9') ||
		    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			continue;
		if (c == ' ' && p[1] != ' ' && p[1])
			continue;
		if (!strchr("!#$%&'*+-/=?^_`{|}~", c))
			return true;
	}
	return false;
}

static void
format_pair(struct buf *out, const char *name, const char *addr)
{
	if (!name || !*name) {
		buf_addstr(out, addr);
		return;
	}
	if (needs_quotes(name)) {
		buf_addch(out, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(out, '\\');
			buf_addch(out, *p);
		}
		buf_addch(out, '"');
	} else {
		buf_addstr(out, name);
	}
	buf_addf(out, " <%s>", addr);
}

void
ui_addr_format(const struct ui_addr *a, struct buf *out)
{
	format_pair(out, a->name, a->addr);
}

/* ---------------------------------------------------------------------
 * The aliases file
 */

struct warnings {
	struct buf b;
	size_t n;
};

static void PRINTF_LIKE(4, 5)
warn_line(struct warnings *w, const char *path, unsigned line,
	  const char *fmt, ...)
{
	va_list ap;

	if (w->n++ >= WARN_MAX)
		return;
	if (w->b.len)
		buf_addch(&w->b, '\n');
	buf_addf(&w->b, "%s:%u: ", path, line);
	va_start(ap, fmt);
	buf_vaddf(&w->b, fmt, ap);
	va_end(ap);
}

static void
alias_release(struct alias *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].addr);
		free(a->v[i].ref);
	}
	free(a->v);
	free(a->key);
}

/* Compare a key with (p, len) as alias names compare: ASCII case
 * folded. */
static int
key_cmp(const char *key, const char *p, size_t len)
{
	int c = ascii_strncasecmp(key, p, len);
	if (c)
		return c;
	return key[len] ? 1 : 0;
}

/* The alias named (key, len), once finish_aliases has sorted the book:
 * a binary search. */
static struct alias *
alias_find(struct ui_addrbook *ab, const char *key, size_t len)
{
	size_t lo = 0, hi = ab->nal;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(ab->al[mid].key, key, len);
		if (c == 0)
			return &ab->al[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The next word of a line (no quotes in keys or options). */
static struct slice
next_word(struct slice *s)
{
	size_t i = 0, j;

	while (i < s->len && (s->p[i] == ' ' || s->p[i] == '\t'))
		i++;
	for (j = i; j < s->len && s->p[j] != ' ' && s->p[j] != '\t'; j++)
		;
	struct slice w = slice_make(s->p + i, j - i);
	s->p += j;
	s->len -= j;
	return w;
}

/* Cut a comment: '#' outside quotes and angle brackets. */
static struct slice
strip_comment(struct slice s)
{
	bool quoted = false, angle = false;

	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = false;
		} else if (c == '"') {
			quoted = true;
		} else if (c == '<') {
			angle = true;
		} else if (c == '>') {
			angle = false;
		} else if (c == '#' && !angle) {
			s.len = i;
			break;
		}
	}
	return slice_trim(s);
}

static bool
has_control(struct slice s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if ((c < ' ' && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

/* Parse one line into an alias (a->key set on success). Returns NULL
 * when the line is good, or why it is bad. */
static const char *
parse_line(struct slice line, unsigned lineno, struct alias *a,
	   char **what)
{
	*what = NULL;
	if (!utf8_valid(line.p, line.len))
		return "invalid UTF-8";
	if (has_control(line))
		return "a control character";
	struct slice s = strip_comment(line);
	struct slice cmd = next_word(&s);
	if (!slice_eq(cmd, "alias")) {
		*what = slice_dup(cmd);
		return "not an alias command";
	}
	struct slice key = next_word(&s);
	/* mutt's "alias -group NAME KEY ...": the groups mean nothing
	 * here. */
	while (slice_eq(key, "-group")) {
		next_word(&s);
		key = next_word(&s);
	}
	if (key.len == 0)
		return "no alias name";
	for (size_t i = 0; i < key.len; i++)
		if (strchr(",<>\"()@;:", key.p[i])) {
			*what = slice_dup(key);
			return "an alias name cannot hold , < > \" ( ) @ ; :";
		}
	s = slice_trim(s);
	if (s.len == 0) {
		*what = slice_dup(key);
		return "no address for the alias";
	}

	struct mime_addr_list l = { 0 };
	mime_addr_parse(&l, s.p, s.len, NULL);
	const char *bad = NULL;
	for (size_t i = 0; i < l.n && !bad; i++) {
		const struct mime_addr *m = &l.v[i];
		struct member mb = { .line = lineno };
		if (*m->addr && !*m->name && !strchr(m->addr, '@')) {
			/* a bare word: another alias, resolved at the end
			 * (mutt takes it for a local address; we send to
			 * none) */
			mb.ref = xstrdup(m->addr);
			mb.name = xstrdup("");
		} else if (*m->addr) {
			if (!store_addr_valid(m->addr, strlen(m->addr))) {
				*what = xstrdup(m->addr);
				bad = "not an address";
				break;
			}
			mb.addr = xstrdup(m->addr);
			mb.name = clean_name_dup(m->name, strlen(m->name));
		} else if (*m->name) {
			*what = xstrdup(m->name);
			bad = "not an address";
			break;
		} else {
			continue;
		}
		a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
		a->v[a->n++] = mb;
	}
	mime_addr_list_release(&l);
	if (!bad && a->n == 0) {
		*what = slice_dup(key);
		bad = "no address for the alias";
	}
	if (bad)
		return bad;
	a->key = slice_dup(key);
	a->line = lineno;
	return NULL;
}

static void
add_alias(struct ui_addrbook *ab, struct alias *a)
{
	ab->al = xgrow(ab->al, &ab->al_cap, ab->nal + 1, sizeof(*ab->al));
	ab->al[ab->nal++] = *a;
}

/* By key (ASCII case folded), then by line. */
static int
alias_cmp(const void *x, const void *y)
{
	const struct alias *a = x, *b = y;
	int c = ascii_strcasecmp(a->key, b->key);
	if (c)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Sort the aliases for binary search and keep the last definition of
 * each name (as mutt does); then every reference must name an alias:
 * drop those that do not, and an alias left with nothing. Sorting
 * first keeps a file of 100,000 aliases from costing n^2 lookups. */
static void
finish_aliases(struct ui_addrbook *ab, struct warnings *w)
{
	size_t k = 0;

	if (ab->nal > 1)
		qsort(ab->al, ab->nal, sizeof(*ab->al), alias_cmp);
	for (size_t i = 0; i < ab->nal; i++) {
		if (i + 1 < ab->nal &&
		    ascii_strcasecmp(ab->al[i].key, ab->al[i + 1].key) == 0) {
			alias_release(&ab->al[i]); /* a later line wins */
			continue;
		}
		ab->al[k++] = ab->al[i];
	}
	ab->nal = k;
	for (size_t i = 0; i < ab->nal; i++) {
		struct alias *a = &ab->al[i];
		k = 0;
		for (size_t j = 0; j < a->n; j++) {
			struct member *m = &a->v[j];
			if (m->ref && !alias_find(ab, m->ref, strlen(m->ref))) {
				warn_line(w, ab->aliases_path, m->line,
					  "'%s' is neither an address nor an "
					  "alias; left out of '%s'",
					  m->ref, a->key);
				free(m->ref);
				free(m->name);
				continue;
			}
			a->v[k++] = *m;
		}
		a->n = k;
	}
	/* Dropping keeps the order, so the search still works. */
	k = 0;
	for (size_t i = 0; i < ab->nal; i++) {
		if (ab->al[i].n == 0) {
			alias_release(&ab->al[i]);
			continue;
		}
		ab->al[k++] = ab->al[i];
	}
	ab->nal = k;
}

static int
read_aliases(struct ui_addrbook *ab, struct warnings *w, struct perr *e)
{
	const char *path = ab->aliases_path;
	struct stat sb;
	struct buf text = BUF_INIT;

	if (stat(path, &sb) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return perr_set(e, PERR_LOCAL, "cannot read aliases '%s': %s",
				path, strerror(errno));
	}
	/* Not a FIFO or a device: opening one could hang the screen. */
	if (!S_ISREG(sb.st_mode))
		return perr_set(e, PERR_LOCAL,
				"cannot read aliases '%s': not a regular file",
				path);
	if (file_read_all(path, &text, ALIASES_MAX_BYTES, e) < 0) {
		buf_release(&text);
		return perr_prefix(e, "cannot read aliases");
	}

	const char *p = text.data, *end = text.data + text.len;
	unsigned lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct slice line = slice_make(p, (size_t)(le - p));
		p = nl ? nl + 1 : end;
		lineno++;
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		struct slice t = slice_trim(line);
		if (t.len == 0 || t.p[0] == '#')
			continue;
		struct alias a = { 0 };
		char *what;
		const char *why = parse_line(line, lineno, &a, &what);
		if (why) {
			struct buf shown = BUF_INIT;
			if (what)
				text_sanitize(&shown, what, strlen(what), 0);
			warn_line(w, path, lineno, "%s%s%s%s; line skipped",
				  why, what ? " ('" : "",
				  what ? shown.data : "", what ? "')" : "");
			buf_release(&shown);
			free(what);
			alias_release(&a);
			continue;
		}
		add_alias(ab, &a);
	}
	buf_release(&text);
	finish_aliases(ab, w);
	return 0;
}

struct ui_addrbook *
ui_addrbook_open(const struct ui_addrbook_params *p, char **warn,
		 struct perr *e)
{
	struct ui_addrbook *ab = xcalloc(1, sizeof(*ab));
	struct warnings w = { BUF_INIT, 0 };

	if (warn)
		*warn = NULL;
	ab->stores = p->stores;
	ab->nstores = p->stores ? p->nstores : 0;
	ab->timeout_ms = p->query_timeout_ms > 0 ? p->query_timeout_ms
						 : QUERY_TIMEOUT_MS;
	ab->wait_ms = p->query_wait_ms > 0 ? p->query_wait_ms : QUERY_WAIT_MS;
	if (p->query_command && *p->query_command) {
		ab->query_argv = argv_split(p->query_command, e);
		if (!ab->query_argv) {
			perr_prefix(e, "cannot use query-command");
			goto fail;
		}
	}
	if (p->aliases_path && *p->aliases_path) {
		ab->aliases_path = xstrdup(p->aliases_path);
		if (read_aliases(ab, &w, e) < 0)
			goto fail;
	}
	if (w.n > WARN_MAX)
		buf_addf(&w.b, "\n%s: %zu more bad lines skipped",
			 ab->aliases_path, w.n - WARN_MAX);
	if (warn && w.n)
		*warn = buf_detach(&w.b, NULL);
	buf_release(&w.b);
	return ab;
fail:
	buf_release(&w.b);
	ui_addrbook_free(ab);
	return NULL;
}

static void
qjob_unref(struct qjob *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	int left = --j->refs;
	pthread_mutex_unlock(&j->mu);
	if (left)
		return;
	argv_free(j->argv);
	free(j->typed);
	buf_release(&j->out);
	buf_release(&j->err);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}

static void
query_forget(struct ui_addrbook *ab)
{
	for (size_t i = 0; i < ab->nq; i++) {
		free(ab->q[i].addr);
		free(ab->q[i].name);
	}
	free(ab->q);
	free(ab->q_typed);
	ab->q = NULL;
	ab->nq = 0;
	ab->q_typed = NULL;
}

void
ui_addrbook_free(struct ui_addrbook *ab)
{
	if (!ab)
		return;
	for (size_t i = 0; i < ab->nal; i++)
		alias_release(&ab->al[i]);
	free(ab->al);
	argv_free(ab->query_argv);
	query_forget(ab);
	/* a command still running is killed at its timeout by proc_run;
	 * its thread frees the job */
	qjob_unref(ab->job);
	free(ab->q_off);
	free(ab->aliases_path);
	free(ab);
}

/* ---------------------------------------------------------------------
 * Expansion
 */

/* The addresses already written by one expansion. */
struct done {
	const char **v;
	size_t n, cap;
};

/* Append the addresses of a, following references to depth
 * ALIAS_DEPTH_MAX; an address already written is not written again. */
static void
expand_into(struct ui_addrbook *ab, const struct alias *a, int depth,
	    struct buf *out, struct done *d, size_t *left)
{
	if (depth >= ALIAS_DEPTH_MAX)
		return; /* a loop, or a chain too long to be meant */
	for (size_t i = 0; i < a->n && *left; i++) {
		const struct member *m = &a->v[i];
		--*left;
		if (m->ref) {
			const struct alias *r =
				alias_find(ab, m->ref, strlen(m->ref));
			if (r)
				expand_into(ab, r, depth + 1, out, d, left);
			continue;
		}
		size_t j;
		for (j = 0; j < d->n; j++)
			if (ascii_strcasecmp(d->v[j], m->addr) == 0)
				break;
		if (j < d->n)
			continue;
		d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
		d->v[d->n++] = m->addr;
		if (d->n > 1)
			buf_addstr(out, ", ");
		format_pair(out, m->name, m->addr);
	}
}

int
ui_addrbook_expand(struct ui_addrbook *ab, const char *word, struct buf *out)
{
	struct slice w = slice_trim(slice_cstr(word ? word : ""));
	const struct alias *a = w.len ? alias_find(ab, w.p, w.len) : NULL;
	struct done d = { 0 };
	size_t left = ALIAS_WALK_MAX;

	if (!a)
		return 0;
	expand_into(ab, a, 0, out, &d, &left);
	free(d.v);
	return 1;
}

/* ---------------------------------------------------------------------
 * Completion
 */

struct cand {
	char *addr, *name;
	const char *alias; /* borrowed from the book */
	enum ui_addr_source source;
	unsigned rank;
	size_t order; /* insertion order: ties keep it */
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static void
cand_add(struct cands *c, const char *addr, const char *name,
	 const char *alias, enum ui_addr_source src, unsigned rank)
{
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	struct cand *x = &c->v[c->n];
	x->addr = xstrdup(addr);
	x->name = clean_name_dup(name, strlen(name));
	x->alias = alias;
	x->source = src;
	x->rank = rank;
	x->order = c->n;
	c->n++;
}

static void
cands_release(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].addr);
		free(c->v[i].name);
	}
	free(c->v);
}

/* Tiers, high bits of the rank. */
#define TIER_ALIAS (3u << 28)
#define TIER_SENT (2u << 28)
#define TIER_QUERY (1u << 28)
#define TIER_SEEN 0u
#define TIER_LOW 0x0fffffffu

/* Does a member match what was typed, by address or a word of its
 * name? */
static bool
member_matches(const struct member *m, const char *typed, size_t tlen)
{
	return starts_ci(m->addr, typed, tlen) ||
	       name_matches(m->name, typed, tlen);
}

/* How alias_members picks the addresses an alias reaches. */
enum pick {
	PICK_ALL,    /* its key matched: every address */
	PICK_DIRECT, /* only its own addresses that match themselves */
	PICK_NESTED, /* only matching addresses of the aliases it names */
};

/* The walk of one completion over the aliases: the rank of the entries
 * of the alias at hand, how many members it may still visit, and how
 * many addresses are wanted. */
struct walk {
	const char *typed;
	size_t tlen;
	unsigned rank;
	size_t left;
	size_t max;
};

/* Add an alias's address unless an alias ranked higher has it; the
 * aliases come first, so c holds only theirs. */
static void
alias_cand(struct cands *c, const struct member *m, const char *key,
	   const struct walk *w)
{
	for (size_t i = 0; i < c->n; i++)
		if (ascii_strcasecmp(c->v[i].addr, m->addr) == 0)
			return;
	if (c->n < w->max)
		cand_add(c, m->addr, m->name, key, UI_ADDR_ALIAS, w->rank);
}

static void
alias_members(struct ui_addrbook *ab, const struct alias *top,
	      const struct alias *a, int depth, enum pick pick,
	      struct walk *w, struct cands *c)
{
	if (depth >= ALIAS_DEPTH_MAX ||
	    (pick == PICK_DIRECT && depth > 0))
		return;
	for (size_t i = 0; i < a->n && w->left; i++) {
		const struct member *m = &a->v[i];
		w->left--;
		if (m->ref) {
			const struct alias *r =
				alias_find(ab, m->ref, strlen(m->ref));
			if (r)
				alias_members(ab, top, r, depth + 1, pick, w,
					      c);
			continue;
		}
		if (pick == PICK_NESTED && depth == 0)
			continue;
		if (pick == PICK_ALL || member_matches(m, w->typed, w->tlen))
			alias_cand(c, m, top->key, w);
	}
}

static void
complete_aliases(struct ui_addrbook *ab, const char *typed, size_t tlen,
		 size_t max, struct cands *c)
{
	struct walk w = { typed, tlen, 0, 0, max };
	unsigned pos = 0;

	/* The array is sorted by key. First the key that is what was
	 * typed, then keys it begins, then the aliases' own addresses
	 * that match by address or name, then those they reach through
	 * other aliases (so "zs" comes before a "team" naming it). */
	for (int pass = 0; pass < 4; pass++)
		for (size_t i = 0; i < ab->nal && c->n < max; i++) {
			const struct alias *a = &ab->al[i];
			bool prefix = starts_ci(a->key, typed, tlen);
			bool exact = prefix && strlen(a->key) == tlen;
			if ((pass == 0 && !exact) ||
			    (pass == 1 && (exact || !prefix)) ||
			    (pass > 1 && prefix))
				continue;
			w.rank = TIER_ALIAS | (TIER_LOW - pos++);
			w.left = ALIAS_WALK_MAX;
			alias_members(ab, a, a, 0,
				      pass < 2    ? PICK_ALL
				      : pass == 2 ? PICK_DIRECT
						  : PICK_NESTED,
				      &w, c);
		}
}

static int
complete_stores(struct ui_addrbook *ab, const char *typed, size_t max,
		struct cands *c, struct perr *e)
{
	int failed = 0;

	if (strlen(typed) > STORE_ADDR_MAX)
		return 0; /* nothing so long is in a store */
	int64_t now = (int64_t)time(NULL);
	for (size_t i = 0; i < ab->nstores; i++) {
		struct store_addr *v;
		size_t n;
		struct perr se = PERR_INIT;
		/* A few more than asked: some may be duplicates. */
		if (store_addr_match(ab->stores[i], typed, now, max + 8, &v, &n,
				     &se) < 0) {
			if (!failed)
				*e = se;
			failed = 1;
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			double s = v[j].score * 1000.0;
			unsigned low = s >= TIER_LOW ? TIER_LOW
				       : s <= 0 ? 0 : (unsigned)s;
			cand_add(c, v[j].addr, v[j].name, NULL, UI_ADDR_SEEN,
				 (v[j].sent ? TIER_SENT : TIER_SEEN) | low);
		}
		store_addr_list_free(v, n);
	}
	return failed ? -1 : 0;
}

/* Parse the query command's output: a heading, then one
 * "address<TAB>name<TAB>other" per line. Only complete lines count
 * (output cut by the size limit ends in half a line). */
static void
query_parse(struct ui_addrbook *ab, const char *p, size_t len)
{
	const char *end = p + len;
	size_t lineno = 0, cap = 0;

	while (p < end && ab->nq < QUERY_MAX_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		struct slice line = slice_make(p, (size_t)(nl - p));
		p = nl + 1;
		if (lineno++ == 0)
			continue; /* the heading */
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		struct slice addr, name = slice_make("", 0);
		const char *tab = memchr(line.p, '\t', line.len);
		if (tab) {
			addr = slice_make(line.p, (size_t)(tab - line.p));
			struct slice rest = slice_make(tab + 1,
					line.len - (size_t)(tab + 1 - line.p));
			const char *tab2 = memchr(rest.p, '\t', rest.len);
			name = slice_make(rest.p, tab2 ? (size_t)(tab2 - rest.p)
						       : rest.len);
		} else {
			addr = line;
		}
		addr = slice_trim(addr);
		if (!store_addr_valid(addr.p, addr.len))
			continue;
		ab->q = xgrow(ab->q, &cap, ab->nq + 1, sizeof(*ab->q));
		ab->q[ab->nq].addr = slice_dup(addr);
		ab->q[ab->nq].name = clean_name_dup(name.p, name.len);
		ab->nq++;
	}
}

static void *
qjob_main(void *arg)
{
	struct qjob *j = arg;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct perr pe = PERR_INIT;

	int rc = proc_capture(j->argv, j->timeout_ms, QUERY_MAX_BYTES, &out,
			      &err, &pe);
	pthread_mutex_lock(&j->mu);
	j->rc = rc;
	j->out = out;
	j->err = err;
	j->pe = pe;
	j->done = true;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	qjob_unref(j);
	return NULL;
}

/* Start the command for typed in a thread of its own. */
static int
query_start(struct ui_addrbook *ab, const char *typed, struct perr *e)
{
	struct qjob *j = xcalloc(1, sizeof(*j));
	size_t argc = 0;

	while (ab->query_argv[argc])
		argc++;
	j->argv = xcalloc(argc + 2, sizeof(*j->argv));
	for (size_t i = 0; i < argc; i++)
		j->argv[i] = xstrdup(ab->query_argv[i]);
	j->argv[argc] = xstrdup(typed);
	j->typed = xstrdup(typed);
	j->timeout_ms = ab->timeout_ms;
	j->refs = 2;
	buf_init(&j->out);
	buf_init(&j->err);
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);

	/* The thread takes no signal: the screen's thread handles them. */
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t t;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &attr, qjob_main, j);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		j->refs = 1;
		qjob_unref(j);
		return perr_set(e, PERR_LOCAL, "query-command: cannot start a "
				"thread: %s", strerror(rc));
	}
	ab->job = j;
	return 0;
}

/* Wait up to ms for the running job; true when it is done. */
static bool
query_wait(struct qjob *j, int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->mu);
	while (!j->done &&
	       pthread_cond_timedwait(&j->cv, &j->mu, &until) != ETIMEDOUT)
		;
	bool done = j->done;
	pthread_mutex_unlock(&j->mu);
	return done;
}

/* Take the answer of the finished job: its addresses become the kept
 * answer for its text. Returns 0, or -1 with *e set (what it printed
 * before it failed is still used). */
static int
query_take(struct ui_addrbook *ab, struct perr *e)
{
	struct qjob *j = ab->job;
	int ret = 0;

	ab->job = NULL;
	query_forget(ab);
	query_parse(ab, j->out.data, j->out.len);
	ab->q_typed = xstrdup(j->typed);
	if (j->rc < 0) {
		/* Could not run, timed out, wrote too much: it would do so
		 * again, and each Tab would pay for it. */
		*e = j->pe;
		perr_prefix(e, "query-command");
		free(ab->q_off);
		ab->q_off = xstrdup(e->msg);
		perr_set(e, PERR_LOCAL, "%s (not run again until the next "
			 "message)", ab->q_off);
		ret = -1;
	} else if (j->rc != 0 && j->out.len == 0) {
		/* Some programs exit 1 when nothing matches, with their
		 * heading; silence and a status is a failure (kept for this
		 * text: the same text is not tried again). */
		struct buf shown = BUF_INIT;
		struct slice first = j->err.len ? slice_make(j->err.data,
							     j->err.len)
						: slice_make("", 0);
		struct slice head;
		slice_split(&first, '\n', &head);
		text_sanitize(&shown, head.p, head.len, 0);
		perr_set(e, PERR_LOCAL, "query-command '%s' exited with %d%s%s",
			 ab->query_argv[0], j->rc, shown.len ? ": " : "",
			 shown.data);
		buf_release(&shown);
		ret = -1;
	}
	qjob_unref(j);
	return ret;
}

/* The query command's answer for typed into ab->q: the kept one, or a
 * run's (started now or earlier) when it comes within the wait. Returns
 * 0 (ab->q may then be for other text: check q_typed), or -1 with *e
 * set. */
static int
query_run(struct ui_addrbook *ab, const char *typed, struct perr *e)
{
	if (ab->q_typed && strcmp(ab->q_typed, typed) == 0)
		return 0;
	if (ab->q_off)
		return 0;
	if (ab->job) {
		if (!query_wait(ab->job, ab->wait_ms))
			return perr_set(e, PERR_LOCAL, "query-command has not "
					"answered yet for '%s'",
					ab->job->typed);
		bool same = strcmp(ab->job->typed, typed) == 0;
		int rc = query_take(ab, e);
		if (same || rc < 0)
			return rc;
	}
	if (query_start(ab, typed, e) < 0)
		return -1;
	if (!query_wait(ab->job, ab->wait_ms))
		return perr_set(e, PERR_LOCAL, "query-command has not answered "
				"yet; Tab again for its answer");
	return query_take(ab, e);
}

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
ui_addrbook_complete(struct ui_addrbook *ab, const char *typed, size_t max,
		     struct ui_addr **out, size_t *n, struct perr *e)
{
	struct cands c = { 0 };
	bool failed = false;
	struct perr qe = PERR_INIT;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	struct slice ts = slice_trim(slice_cstr(typed ? typed : ""));
	char *t = slice_dup(ts);

	complete_aliases(ab, t, ts.len, max, &c);
	if (complete_stores(ab, t, max, &c, e) < 0)
		failed = true;
	/* Text starting with '-' would reach the program as an option
	 * (no address or name starts so). */
	if (ab->query_argv && utf8_chars(t) >= 2 && t[0] != '-') {
		if (query_run(ab, t, &qe) < 0) {
			if (!failed)
				*e = qe;
			failed = true;
		}
		/* an answer for other text (a run that was still going) is
		 * kept for that text, not shown for this one */
		bool mine = ab->q_typed && strcmp(ab->q_typed, t) == 0;
		for (size_t i = 0; mine && i < ab->nq; i++)
			cand_add(&c, ab->q[i].addr, ab->q[i].name, NULL,
				 UI_ADDR_QUERY,
				 TIER_QUERY | (TIER_LOW - (unsigned)i));
	}
	free(t);

	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cand_cmp);
	struct ui_addr *v = xcalloc(c.n ? (c.n < max ? c.n : max) : 1,
				    sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < c.n && k < max; i++) {
		struct cand *x = &c.v[i];
		size_t j;
		for (j = 0; j < k; j++)
			if (ascii_strcasecmp(v[j].addr, x->addr) == 0)
				break;
		if (j < k) {
			/* Seen at a better place: lend it a name. */
			if (!*v[j].name && *x->name) {
				free(v[j].name);
				v[j].name = x->name;
				x->name = NULL;
			}
			continue;
		}
		v[k].addr = x->addr;
		v[k].name = x->name;
		x->addr = x->name = NULL;
		v[k].alias = x->alias ? xstrdup(x->alias) : NULL;
		v[k].source = x->source;
		v[k].rank = x->rank;
		k++;
	}
	/* A duplicate further down may still have the name a kept entry
	 * lacks. */
	for (size_t i = 0; i < c.n; i++) {
		struct cand *x = &c.v[i];
		if (!x->addr || !x->name || !*x->name)
			continue;
		for (size_t j = 0; j < k; j++)
			if (!*v[j].name &&
			    ascii_strcasecmp(v[j].addr, x->addr) == 0) {
				free(v[j].name);
				v[j].name = x->name;
				x->name = NULL;
				break;
			}
	}
	cands_release(&c);
	if (k == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = k;
	if (failed)
		return k ? 1 : -1;
	return 0;
}

void
ui_addr_list_free(struct ui_addr *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].addr);
		free(v[i].name);
		free(v[i].alias);
	}
	free(v);
}
