/* SPDX-License-Identifier: ISC */
/*
 * The query language of the index (query.h): a small tokenizer over the
 * typed text, one term per token, and a matcher over a loaded folder.
 *
 * The matcher runs on every summary of a folder for each limit and each
 * search step, so it works on the load's arena as it is: no copies, no
 * allocation, ASCII case folding done while comparing. Folding more than
 * ASCII (full-width Latin, Greek, Cyrillic) would need a table and a
 * normalised copy of every field; mail in Chinese gains nothing from it,
 * so it is left out on purpose.
 */
#include <stdlib.h>
#include <string.h>

#include "query.h"

#define DAY 86400

static const struct {
	const char *name;
	enum ui_qterm_kind kind;
} keys[] = {
	{ "from", UI_Q_FROM },	     { "to", UI_Q_TO },
	{ "subject", UI_Q_SUBJECT }, { "body", UI_Q_BODY },
	{ "date", UI_Q_DATE },	     { "is", UI_Q_FLAG },
	{ "has", UI_Q_FLAG },
};

static const struct {
	const char *key, *value;
	enum ui_qterm_kind kind;
	uint32_t flag;
} flag_words[] = {
	{ "is", "unread", UI_Q_NOFLAG, STORE_F_SEEN },
	{ "is", "new", UI_Q_NOFLAG, STORE_F_SEEN },
	{ "is", "read", UI_Q_FLAG, STORE_F_SEEN },
	{ "is", "flagged", UI_Q_FLAG, STORE_F_FLAGGED },
	{ "is", "replied", UI_Q_FLAG, STORE_F_ANSWERED },
	{ "is", "deleted", UI_Q_FLAG, STORE_F_DELETED },
	{ "is", "draft", UI_Q_FLAG, STORE_F_DRAFT },
	{ "has", "attachment", UI_Q_FLAG, STORE_F_ATTACHMENT },
};

/* Bytes of white space at p: ASCII blanks and the ideographic space
 * U+3000 that Chinese input methods type. */
static size_t
space_at(const char *p)
{
	if (*p == ' ' || *p == '\t')
		return 1;
	return strncmp(p, "\xe3\x80\x80", 3) == 0 ? 3 : 0;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool
ui_query_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return true;
	int first = lower((unsigned char)needle[0]);
	for (; *hay; hay++) {
		if (lower((unsigned char)*hay) != first)
			continue;
		size_t i = 1;
		while (i < n && hay[i] &&
		       lower((unsigned char)hay[i]) ==
			       lower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD" (len bytes) as the local midnight starting that day. */
static bool
parse_day(const char *p, size_t len, int tz_min, int64_t *out)
{
	unsigned v[3] = { 0, 0, 0 };
	size_t k = 0, digits = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (++digits > (k == 0 ? 4 : 2))
				return false;
			v[k] = v[k] * 10 + (unsigned)(p[i] - '0');
		} else if (p[i] == '-' && k < 2 && digits) {
			k++;
			digits = 0;
		} else {
			return false;
		}
	}
	if (k != 2 || !digits || v[0] < 1970 || v[1] < 1 || v[1] > 12 ||
	    v[2] < 1 || v[2] > 31)
		return false;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };
	if (v[2] > mdays[v[1] - 1])
		return false;
	*out = days_from_civil(v[0], v[1], v[2]) * DAY - (int64_t)tz_min * 60;
	return true;
}

/* "7d", "2w", "3m", "1y" as seconds. */
static bool
parse_age(const char *p, size_t len, int64_t *out)
{
	int64_t n = 0;
	size_t i = 0;

	while (i < len && p[i] >= '0' && p[i] <= '9' && n < 100000)
		n = n * 10 + (p[i++] - '0');
	if (i == 0 || i + 1 != len || n >= 100000)
		return false;
	switch (p[i]) {
	case 'd': *out = n * DAY; return true;
	case 'w': *out = n * 7 * DAY; return true;
	case 'm': *out = n * 30 * DAY; return true;
	case 'y': *out = n * 365 * DAY; return true;
	default: return false;
	}
}

static int
parse_date(const char *v, int64_t now, int tz_min, struct ui_qterm *t,
	   struct perr *e)
{
	size_t len = strlen(v);
	const char *dots = strstr(v, "..");
	int64_t age;

	t->from = INT64_MIN;
	t->to = INT64_MAX;
	if (dots) {
		size_t a = (size_t)(dots - v), b = len - a - 2;
		if (a == 0 && b == 0)
			goto bad;
		if (a && !parse_day(v, a, tz_min, &t->from))
			goto bad;
		if (b && !parse_day(dots + 2, b, tz_min, &t->to))
			goto bad;
		if (b)
			t->to += DAY;
		if (t->from >= t->to)
			return perr_set(e, PERR_MESSAGE, "date:%s ends before "
					"it starts", v);
		return 0;
	}
	if (parse_day(v, len, tz_min, &t->from)) {
		t->to = t->from + DAY;
		return 0;
	}
	if ((v[0] == '<' || v[0] == '>') && parse_age(v + 1, len - 1, &age)) {
		if (v[0] == '<')
			t->from = now - age;
		else
			t->to = now - age;
		return 0;
	}
	if (parse_age(v, len, &age)) {
		t->from = now - age;
		return 0;
	}
bad:
	return perr_set(e, PERR_MESSAGE, "date:%s is not a date (YYYY-MM-DD, "
			"FROM..TO, or an age like 7d, <2w, >1y)", v);
}

static void
add_term(struct ui_query *q, size_t *cap, const struct ui_qterm *t)
{
	q->v = xgrow(q->v, cap, q->n + 1, sizeof(*q->v));
	q->v[q->n++] = *t;
}

/* One value at *pp: a quoted string (quotes removed) or a run up to the
 * next blank. NULL with *e on an unclosed quote. */
static char *
take_value(const char *start, const char **pp, struct perr *e)
{
	const char *p = *pp;

	if (*p == '"') {
		const char *end = strchr(p + 1, '"');
		if (!end) {
			perr_set(e, PERR_MESSAGE, "unclosed quote at byte %zu",
				 (size_t)(p - start) + 1);
			return NULL;
		}
		*pp = end + 1;
		return xstrndup(p + 1, (size_t)(end - p - 1));
	}
	while (*p && !space_at(p))
		p++;
	char *v = xstrndup(*pp, (size_t)(p - *pp));
	*pp = p;
	return v;
}

int
ui_query_parse(const char *s, int64_t now, int tz_min, struct ui_query *q,
	       struct perr *e)
{
	const char *p = s;
	size_t cap = 0;
	struct buf body = BUF_INIT;

	memset(q, 0, sizeof(*q));
	if (strlen(s) > UI_QUERY_MAX)
		return perr_set(e, PERR_MESSAGE, "the query is longer than "
				"%d bytes", UI_QUERY_MAX);
	if (!utf8_valid(s, strlen(s)))
		return perr_set(e, PERR_MESSAGE, "the query is not valid "
				"UTF-8");
	while (*p) {
		size_t k;
		while ((k = space_at(p)) > 0)
			p += k;
		if (!*p)
			break;
		size_t at = (size_t)(p - s) + 1;
		struct ui_qterm t = { .kind = UI_Q_TEXT };
		/* key: ASCII letters then a colon */
		const char *c = p;
		while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
			c++;
		const char *key = NULL;
		size_t klen = 0;
		if (*c == ':' && c > p) {
			key = p;
			klen = (size_t)(c - p);
			bool known = false;
			for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
				if (strlen(keys[i].name) == klen &&
				    ascii_strncasecmp(key, keys[i].name,
						      klen) == 0) {
					t.kind = keys[i].kind;
					known = true;
				}
			if (!known) {
				perr_set(e, PERR_MESSAGE, "unknown key '%.*s:' "
					 "at byte %zu (from, to, subject, "
					 "body, date, is, has; quote a word "
					 "with a colon)", (int)klen, key, at);
				goto fail;
			}
			p = c + 1;
			if (!*p || space_at(p)) {
				perr_set(e, PERR_MESSAGE, "'%.*s:' at byte %zu "
					 "needs a value", (int)klen, key, at);
				goto fail;
			}
		}
		char *v = take_value(s, &p, e);
		if (!v)
			goto fail;
		if (!key && strcmp(v, "all") == 0 && q->n == 0 && !*p) {
			free(v);
			break; /* "all": no terms */
		}
		if (t.kind == UI_Q_DATE) {
			int r = parse_date(v, now, tz_min, &t, e);
			free(v);
			if (r < 0)
				goto fail;
		} else if (t.kind == UI_Q_FLAG) {
			bool found = false;
			for (size_t i = 0; i < ARRAY_SIZE(flag_words); i++)
				if (strlen(flag_words[i].key) == klen &&
				    ascii_strncasecmp(key, flag_words[i].key,
						      klen) == 0 &&
				    ascii_strcasecmp(v, flag_words[i].value) ==
					    0) {
					t.kind = flag_words[i].kind;
					t.flag = flag_words[i].flag;
					found = true;
				}
			if (!found) {
				perr_set(e, PERR_MESSAGE, "'%.*s:%s' at byte "
					 "%zu is not known (is:unread, "
					 "is:read, is:flagged, is:replied, "
					 "is:deleted, has:attachment)",
					 (int)klen, key, v, at);
				free(v);
				goto fail;
			}
			free(v);
		} else {
			if (!*v) {
				free(v);
				continue; /* "" matches everything */
			}
			if (t.kind == UI_Q_BODY) {
				if (body.len)
					buf_addch(&body, ' ');
				buf_addstr(&body, v);
			}
			t.text = v;
		}
		add_term(q, &cap, &t);
	}
	if (body.len)
		q->body = buf_detach(&body, NULL);
	buf_release(&body);
	return 0;
fail:
	buf_release(&body);
	ui_query_release(q);
	return -1;
}

void
ui_query_release(struct ui_query *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->v[i].text);
	free(q->v);
	free(q->body);
	memset(q, 0, sizeof(*q));
}

bool
ui_query_match(const struct ui_query *q, const struct store_summaries *s,
	       const struct store_summary *m)
{
	for (size_t i = 0; i < q->n; i++) {
		const struct ui_qterm *t = &q->v[i];
		bool hit;
		switch (t->kind) {
		case UI_Q_TEXT:
			hit = ui_query_contains(store_str(s, m->subject),
						t->text) ||
			      ui_query_contains(store_str(s, m->from_name),
						t->text) ||
			      ui_query_contains(store_str(s, m->from_addr),
						t->text);
			break;
		case UI_Q_FROM:
			hit = ui_query_contains(store_str(s, m->from_name),
						t->text) ||
			      ui_query_contains(store_str(s, m->from_addr),
						t->text);
			break;
		case UI_Q_TO:
			hit = ui_query_contains(store_str(s, m->to), t->text) ||
			      ui_query_contains(store_str(s, m->cc), t->text);
			break;
		case UI_Q_SUBJECT:
			hit = ui_query_contains(store_str(s, m->subject),
						t->text);
			break;
		case UI_Q_DATE: {
			int64_t d = m->date ? m->date : m->internal_date;
			hit = d >= t->from && d < t->to;
			break;
		}
		case UI_Q_FLAG:
			hit = (m->flags & t->flag) == t->flag;
			break;
		case UI_Q_NOFLAG:
			hit = (m->flags & t->flag) == 0;
			break;
		default: /* UI_Q_BODY: answered by the caller */
			hit = true;
			break;
		}
		if (!hit)
			return false;
	}
	return true;
}
