/* SPDX-License-Identifier: ISC */
/*
 * Parsers for single values of the dotfile: durations, booleans, key
 * sequences, TLS fingerprints and home-relative paths, plus the
 * did-you-mean search and the quoting used in messages and in the output
 * of `config check`. None of them knows about files or lines; the parser
 * in parse.c puts the position in front of their messages.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"

#include "private.h"

static void
perr_quoted(struct perr *e, const char *what, const char *s)
{
	struct buf q = BUF_INIT;

	cfg_quote_msg(&q, s, strlen(s));
	perr_set(e, PERR_CONFIG, "expected %s, got %s", what, q.data);
	buf_release(&q);
}

/* ---------------------------------------------------------------------
 * Durations
 */

/* Units from the largest down; a duration names each at most once and in
 * this order, so "1h30m" is fine and "30m1h" or "1m1m" are not. */
static const struct {
	char unit;
	uint64_t secs;
} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };

int
cfg_parse_duration(const char *s, uint64_t *secs, struct perr *e)
{
	static const char what[] = "a duration like 30s, 5m or 1h";
	const char *p = s;
	uint64_t total = 0;
	size_t next_unit = 0;

	if (*p == '\0') {
		perr_quoted(e, what, s);
		return -1;
	}
	while (*p) {
		uint64_t n = 0;
		const char *digits = p;

		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (uint64_t)(*p - '0');
			if (n > CFG_MAX_DURATION)
				goto too_long;
			p++;
		}
		if (p == digits) {
			perr_quoted(e, what, s);
			return -1;
		}
		if (*p == '\0' && digits == s) {
			/* a plain number: seconds */
			total = n;
			break;
		}
		size_t u = next_unit;
		while (u < ARRAY_SIZE(units) && units[u].unit != *p)
			u++;
		if (u == ARRAY_SIZE(units)) {
			perr_quoted(e, what, s);
			return -1;
		}
		total += n * units[u].secs;
		if (total > CFG_MAX_DURATION)
			goto too_long;
		next_unit = u + 1;
		p++;
	}
	*secs = total;
	return 0;
too_long:
	return perr_set(e, PERR_CONFIG,
			"duration '%s' is too long (at most 366d)", s);
}

/* ---------------------------------------------------------------------
 * Booleans
 */
int
cfg_parse_bool(const char *s, bool *out, struct perr *e)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (ascii_strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (ascii_strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	perr_quoted(e, "yes or no (or true/false, on/off, 1/0)", s);
	return -1;
}

/* ---------------------------------------------------------------------
 * Key sequences
 */
static const char *const key_names[] = {
	"Enter", "Esc", "Tab", "BackTab", "Space", "Backspace", "Delete",
	"Insert", "Home", "End", "PageUp", "PageDown", "Up", "Down", "Left",
	"Right", "lt", "gt", NULL
};

#define CFG_MAX_KEYS 4

/* Is the inner part of <...> (len bytes at p) a key name? */
static int
check_key_name(const char *seq, const char *p, size_t len, struct perr *e)
{
	/* modifiers: C- and M-, each at most once */
	bool ctrl = false, meta = false;
	while (len > 2 && p[1] == '-' && (p[0] == 'C' || p[0] == 'M')) {
		bool *m = p[0] == 'C' ? &ctrl : &meta;
		if (*m)
			return perr_set(e, PERR_CONFIG,
					"modifier '%c-' twice in key '%s'",
					p[0], seq);
		*m = true;
		p += 2;
		len -= 2;
	}
	uint32_t cp;
	size_t n = utf8_decode(p, len, &cp);
	if (n == len && cp > 0x20 && cp != 0x7f)
		return 0; /* one character: <C-x>, <M-.> */
	if (len >= 2 && len <= 3 && (p[0] == 'F' || p[0] == 'f')) {
		unsigned num = 0;
		size_t i;
		for (i = 1; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			num = num * 10 + (unsigned)(p[i] - '0');
		if (i == len && num >= 1 && num <= 24)
			return 0;
	}
	for (size_t i = 0; key_names[i]; i++)
		if (strlen(key_names[i]) == len &&
		    ascii_strncasecmp(key_names[i], p, len) == 0)
			return 0;

	char *name = xstrndup(p, len);
	const char *hint = cfg_did_you_mean(name, key_names);
	perr_set(e, PERR_CONFIG,
		 "unknown key name '<%s>' in '%s'%s%s%s", name, seq,
		 hint ? "; did you mean '<" : "", hint ? hint : "",
		 hint ? ">'?" : " (names are like <Enter>, <C-x>, <F5>)");
	free(name);
	return -1;
}

int
cfg_check_keyseq(const char *s, struct perr *e)
{
	const char *p = s;
	size_t left = strlen(s);
	int keys = 0;

	if (left == 0)
		return perr_set(e, PERR_CONFIG, "expected a key, got nothing");
	while (left > 0) {
		if (++keys > CFG_MAX_KEYS)
			return perr_set(e, PERR_CONFIG,
					"key sequence '%s' is longer than %d "
					"keys", s, CFG_MAX_KEYS);
		if (*p == '<') {
			const char *end = memchr(p + 1, '>', left - 1);
			/* "<>" and a lone '<' are not keys; <lt> is '<'. */
			if (!end || end == p + 1)
				return perr_set(e, PERR_CONFIG,
						"unclosed '<' in key '%s' "
						"(write <lt> for the '<' key)",
						s);
			if (check_key_name(s, p + 1, (size_t)(end - p - 1),
					   e) < 0)
				return -1;
			left -= (size_t)(end + 1 - p);
			p = end + 1;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(p, left, &cp);
		if (n == 0 || cp <= 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0))
			return perr_set(e, PERR_CONFIG,
					"key '%s' holds a blank or control "
					"character (write <Space>, <Tab>, "
					"<Enter>)", s);
		p += n;
		left -= n;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Did you mean
 */
size_t
cfg_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* Three rows of the optimal-string-alignment table: cheap, and the
	 * words compared here are key names, a few bytes long. */
	size_t rows[3][65];

	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = ascii_lower((unsigned char)a[i - 1]);
			int cb = ascii_lower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == ascii_lower((unsigned char)b[j - 2]) &&
			    ascii_lower((unsigned char)a[i - 2]) == cb &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *
cfg_did_you_mean(const char *word, const char *const *cands)
{
	size_t wl = strlen(word);
	size_t best_d = (size_t)-1;
	const char *best = NULL;

	for (size_t i = 0; cands[i]; i++) {
		size_t d = cfg_edit_distance(word, cands[i]);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	if (!best || best_d > 2 || best_d * 2 > wl)
		return NULL;
	return best;
}

/* ---------------------------------------------------------------------
 * Quoting
 */
void
cfg_quote_msg(struct buf *out, const char *s, size_t len)
{
	size_t shown = utf8_cut(s, len, 60);
	size_t i = 0;

	buf_addch(out, '"');
	while (i < shown) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n = c >= 0x80 ? utf8_decode(s + i, shown - i, &cp) : 1;

		if (c == '"' || c == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, c);
		} else if (c < 0x20 || c == 0x7f || n == 0 ||
			   (c >= 0x80 && cp >= 0x80 && cp < 0xa0)) {
			/* show the bytes, never send them to a terminal */
			size_t k = n ? n : 1;
			for (size_t j = 0; j < k; j++)
				buf_addf(out, "\\x%02x",
					 (unsigned char)s[i + j]);
			i += k;
			continue;
		} else if (c >= 0x80) {
			buf_add(out, s + i, n);
			i += n;
			continue;
		} else {
			buf_addch(out, c);
		}
		i++;
	}
	buf_addch(out, '"');
	if (shown < len)
		buf_addstr(out, "...");
}

void
cfg_quote_value(struct buf *out, const char *s)
{
	size_t len = strlen(s);
	bool quote = len == 0 || s[0] == ' ' || s[0] == '\t' ||
		     s[len - 1] == ' ' || s[len - 1] == '\t' || s[0] == '"' ||
		     strpbrk(s, "#;\\\"\n\t") != NULL;

	if (!quote) {
		buf_add(out, s, len);
		return;
	}
	buf_addch(out, '"');
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '"':
			buf_addstr(out, "\\\"");
			break;
		case '\\':
			buf_addstr(out, "\\\\");
			break;
		case '\n':
			buf_addstr(out, "\\n");
			break;
		case '\t':
			buf_addstr(out, "\\t");
			break;
		default:
			buf_addch(out, *p);
		}
	}
	buf_addch(out, '"');
}

/* ---------------------------------------------------------------------
 * Fingerprints and paths
 */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
cfg_parse_fingerprint(const char *s, uint8_t out[32], struct perr *e)
{
	size_t len = strlen(s);
	bool colons = len == 32 * 3 - 1;
	const char *p = s;

	if (len != 64 && !colons)
		goto bad;
	for (size_t i = 0; i < 32; i++) {
		int hi = hexval((unsigned char)p[0]);
		int lo = hexval((unsigned char)p[1]);
		if (hi < 0 || lo < 0)
			goto bad;
		out[i] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (colons && i < 31 && *p++ != ':')
			goto bad;
	}
	return 0;
bad:
	perr_quoted(e,
		    "a SHA-256 fingerprint (64 hex digits, colons allowed)",
		    s);
	return -1;
}

void
cfg_format_fingerprint(const uint8_t fp[32], struct buf *out)
{
	for (size_t i = 0; i < 32; i++)
		buf_addf(out, "%s%02X", i ? ":" : "", fp[i]);
}

char *
cfg_expand_home(const char *path, struct perr *e)
{
	if (path[0] != '~')
		return xstrdup(path);
	if (path[1] != '/' && path[1] != '\0') {
		perr_set(e, PERR_CONFIG,
			 "'%s': only ~/ is expanded, not ~user; write the "
			 "full path", path);
		return NULL;
	}
	const char *home = getenv("HOME");
	if (!home || !*home) {
		perr_set(e, PERR_CONFIG,
			 "cannot expand '%s': HOME is not set", path);
		return NULL;
	}
	return xstrfmt("%s%s", home, path + 1);
}
