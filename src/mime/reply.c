/* SPDX-License-Identifier: ISC */
/*
 * What a reply or a forward needs from the message it answers: the
 * subject without its pile of "Re:" and "回复：" prefixes (also the key the
 * index threads by), the text quoted with "> ", an attribution line, and
 * the References list kept to a sane length.
 *
 * Prefixes are matched as a word, an optional counter ("[2]", "(2)",
 * "^2"), optional spaces, and a colon, ASCII or full-width, so that
 * "Resume: ..." or "Review: ..." are left alone. The list covers the
 * clients people mail from in Chinese, English and the European languages
 * whose mailers translate the prefix.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/buf.h"
#include "postie/mime_text.h"

static const char *const prefixes[] = {
	/* English and most clients */
	"re", "fwd", "fw",
	/* German, Dutch, Scandinavian, Finnish, French, Italian, Spanish,
	 * Portuguese, Polish, Turkish */
	"aw", "wg", "antw", "doorst", "sv", "vs", "vl", "tr", "rif", "rv",
	"res", "enc", "odp", "pd", "ynt",
	/* Chinese (simplified and traditional), Japanese, Korean */
	"回复", "回覆", "答复", "答覆", "转发", "轉發", "转寄", "轉寄",
	"返信", "転送", "회신", "전달",
};

static size_t
skip_space(const char *s, size_t i)
{
	for (;;) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			i++;
		else if (strncmp(s + i, "\xe3\x80\x80", 3) == 0) /* U+3000 */
			i += 3;
		else
			return i;
	}
}

/* The length of a reply or forward prefix at s, colon included, or 0. */
static size_t
prefix_len(const char *s)
{
	for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++) {
		size_t n = strlen(prefixes[k]);
		if (ascii_strncasecmp(s, prefixes[k], n) != 0)
			continue;
		size_t i = n;
		/* a counter: Re[2]: Re(2): Re^2: */
		if (s[i] == '[' || s[i] == '(' || s[i] == '^') {
			char close = s[i] == '[' ? ']' : s[i] == '(' ? ')' : 0;
			size_t j = i + 1, d = 0;
			while (s[j] >= '0' && s[j] <= '9' && d < 6) {
				j++;
				d++;
			}
			if (d && (!close || s[j] == close))
				i = j + (close ? 1 : 0);
		}
		while (s[i] == ' ' || s[i] == '\t')
			i++;
		if (s[i] == ':')
			return i + 1;
		if (strncmp(s + i, "\xef\xbc\x9a", 3) == 0) /* U+FF1A */
			return i + 3;
	}
	return 0;
}

char *
mime_subject_base(const char *subject)
{
	const char *s = subject ? subject : "";
	size_t i = 0, k;
	struct buf b = BUF_INIT;

	for (;;) {
		i = skip_space(s, i);
		if (!(k = prefix_len(s + i)))
			break;
		i += k;
	}
	/* A list tag ("[dev] Re: x") stays, with the prefixes after it
	 * removed too, so that replies on a list share one subject. */
	bool space = false;
	if (s[i] == '[') {
		size_t j = i + 1;
		while (s[j] && s[j] != ']' && s[j] != '[' && j - i < 64)
			j++;
		if (s[j] == ']' && j > i + 1) {
			buf_add(&b, s + i, j + 1 - i);
			i = j + 1;
			size_t tag_end = i;
			for (;;) {
				i = skip_space(s, i);
				if (!(k = prefix_len(s + i)))
					break;
				i += k;
			}
			space = i > tag_end;
		}
	}
	for (; s[i]; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addch(&b, ' ');
		space = false;
		buf_addch(&b, c);
	}
	return buf_detach(&b, NULL);
}

static char *
with_prefix(const char *prefix, const char *subject)
{
	char *base = mime_subject_base(subject);
	char *r = *base ? xstrfmt("%s %s", prefix, base) : xstrdup(prefix);
	free(base);
	return r;
}

char *
mime_subject_reply(const char *subject)
{
	return with_prefix("Re:", subject);
}

char *
mime_subject_forward(const char *subject)
{
	return with_prefix("Fwd:", subject);
}

char *
mime_thread_key(const char *subject)
{
	char *k = mime_subject_base(subject);

	for (char *p = k; *p; p++)
		*p = (char)ascii_lower((unsigned char)*p);
	return k;
}

void
mime_quote(struct buf *out, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - i;
		if (n && text[end - 1] == '\r')
			n--;
		if (n == 0 || text[i] == '>')
			buf_addch(out, '>');
		else
			buf_addstr(out, "> ");
		buf_add(out, text + i, n);
		buf_addch(out, '\n');
		i = nl ? end + 1 : len;
	}
}

char *
mime_attribution(const char *fmt, const char *date, const char *name,
		 const char *addr)
{
	struct buf b = BUF_INIT;

	date = date ? date : "";
	addr = addr ? addr : "";
	name = name && *name ? name : addr;
	for (const char *p = fmt ? fmt : ""; *p; p++) {
		if (*p != '%') {
			buf_addch(&b, *p);
			continue;
		}
		switch (p[1]) {
		case 'd':
			buf_addstr(&b, date);
			break;
		case 'n':
			buf_addstr(&b, name);
			break;
		case 'a':
			buf_addstr(&b, addr);
			break;
		case '%':
			buf_addch(&b, '%');
			break;
		default:
			/* unknown or at the end: keep the '%' as it is */
			buf_addch(&b, '%');
			continue;
		}
		p++;
	}
	return buf_detach(&b, NULL);
}

/* A message identifier longer than this is junk, not an id. */
#define MSGID_MAX 250

struct ids {
	struct slice *v;
	size_t n, cap;
};

/* Collect the "<...>" identifiers of s, skipping what is between. */
static void
collect_ids(struct ids *ids, const char *s)
{
	size_t i = 0;

	if (!s)
		return;
	while (s[i]) {
		const char *lt = strchr(s + i, '<');
		if (!lt)
			return;
		size_t a = (size_t)(lt - s), j = a + 1;
		while (s[j] && s[j] != '>' && s[j] != '<' &&
		       (unsigned char)s[j] > ' ')
			j++;
		if (s[j] == '>' && j - a > 1 && j - a + 1 <= MSGID_MAX) {
			ids->v = xgrow(ids->v, &ids->cap, ids->n + 1,
				       sizeof(*ids->v));
			ids->v[ids->n++] = slice_make(s + a, j - a + 1);
			i = j + 1;
		} else {
			i = s[j] == '<' ? j : (s[j] ? j + 1 : j);
		}
	}
}

static bool
same(struct slice a, struct slice b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

char *
mime_reply_references(const char *parent_refs, const char *parent_msgid,
		      size_t max)
{
	struct ids ids = { 0 }, own = { 0 };
	struct buf b = BUF_INIT;

	if (max == 0)
		max = MIME_REFERENCES_MAX;
	collect_ids(&ids, parent_refs);
	collect_ids(&own, parent_msgid);
	if (own.n) {
		ids.v = xgrow(ids.v, &ids.cap, ids.n + 1, sizeof(*ids.v));
		ids.v[ids.n++] = own.v[0];
	}

	/* RFC 5322 3.6.4 and RFC 5537 3.4.4: when trimming, keep the first
	 * (the thread's root) and the most recent ones. Walking back from
	 * the end costs O(n * max), whatever n is. */
	struct slice *keep = xcalloc(max, sizeof(*keep));
	size_t nk = 0;
	if (ids.n) {
		keep[nk++] = ids.v[0];
		size_t tail_start = nk;
		for (size_t i = ids.n; i-- > 1 && nk < max;) {
			bool dup = false;
			for (size_t k = 0; k < nk && !dup; k++)
				dup = same(keep[k], ids.v[i]);
			if (!dup)
				keep[nk++] = ids.v[i];
		}
		/* the tail was gathered newest first */
		for (size_t l = tail_start, r = nk; l + 1 < r; l++, r--) {
			struct slice t = keep[l];
			keep[l] = keep[r - 1];
			keep[r - 1] = t;
		}
	}
	for (size_t k = 0; k < nk; k++) {
		if (k)
			buf_addch(&b, ' ');
		buf_add(&b, keep[k].p, keep[k].len);
	}
	free(keep);
	free(ids.v);
	free(own.v);
	return buf_detach(&b, NULL);
}
