/* SPDX-License-Identifier: ISC */
/*
 * Address lists (RFC 5322 section 3.4 with the obsolete forms of section
 * 4.4, RFC 6532 UTF-8) and message-id lists, read the way a person reads
 * them rather than the way a validator would: a group's name is kept
 * apart, `a@b (Name)` takes its comment as the name, `Name a@b` with the
 * angle brackets missing and `a@b c@d` with the comma missing both give
 * what was meant, and an unterminated quote or comment runs to the end.
 *
 * One pass splits the list into items and a second reads each item; both
 * keep counters instead of recursing, so 10 000 nested comments or 100 000
 * empty groups cost linear time (hostile-40).
 */
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"
#include "private.h"

struct item {
	size_t s, e;
	size_t group; /* index into the group names + 1, or 0 */
};

/* Append the text of (p, n) without (comments), and the comments'
 * contents (space-separated) to com. Quoted strings stay as written. */
static void
strip_comments(const char *p, size_t n, struct buf *text, struct buf *com)
{
	size_t depth = 0;
	bool inq = false;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if ((inq || depth) && c == '\\' && i + 1 < n) {
			if (inq) {
				buf_addch(text, '\\');
				buf_addch(text, (unsigned char)p[++i]);
			} else {
				buf_addch(com, (unsigned char)p[++i]);
			}
			continue;
		}
		if (inq) {
			buf_addch(text, (unsigned char)c);
			if (c == '"')
				inq = false;
			continue;
		}
		if (depth) {
			if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			if (depth)
				buf_addch(com, (unsigned char)c);
			else
				buf_addch(com, ' ');
			continue;
		}
		if (c == '"') {
			inq = true;
			buf_addch(text, '"');
		} else if (c == '(') {
			depth = 1;
			if (com->len && com->data[com->len - 1] != ' ')
				buf_addch(com, ' ');
		} else {
			buf_addch(text, (unsigned char)c);
		}
	}
}

/* Append (p, n) without the quotes of quoted strings and their escapes. */
static void
unquote_words(struct buf *out, const char *p, size_t n)
{
	bool inq = false;

	for (size_t i = 0; i < n; i++) {
		if (inq && p[i] == '\\' && i + 1 < n) {
			buf_addch(out, (unsigned char)p[++i]);
			continue;
		}
		if (p[i] == '"')
			inq = !inq;
		else
			buf_addch(out, (unsigned char)p[i]);
	}
}

/* Append (p, n) with runs of white space made one space, trimmed. */
static void
squeeze(struct buf *out, const char *p, size_t n, bool drop_all)
{
	bool sp = false;
	size_t start = out->len;

	for (size_t i = 0; i < n; i++) {
		if (is_lwsp(p[i])) {
			sp = true;
			continue;
		}
		if (sp && !drop_all && out->len > start)
			buf_addch(out, ' ');
		sp = false;
		buf_addch(out, (unsigned char)p[i]);
	}
}

static bool
has_8bit(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return true;
	return false;
}

static void
push(struct mime_addr_list *l, const char *name, size_t nl,
     const char *addr, size_t al, const char *group,
     const char *const *assumed)
{
	struct buf n = BUF_INIT, a = BUF_INIT, t = BUF_INIT;

	mime_decode_header(&n, name, nl, assumed);
	squeeze(&t, n.data, n.len, false);
	if (has_8bit(addr, al))
		mime_decode_8bit(&a, addr, al, assumed);
	else
		buf_add(&a, addr, al);
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	struct mime_addr *m = &l->v[l->n++];
	m->name = buf_detach(&t, NULL);
	m->addr = buf_detach(&a, NULL);
	m->group = group ? xstrdup(group) : NULL;
	buf_release(&n);
}

/* Is this word an addr-spec (has '@', no quote)? */
static bool
word_is_addr(const char *p, size_t n)
{
	return memchr(p, '@', n) && !memchr(p, '"', n);
}

static void
read_item(struct mime_addr_list *l, const char *p, size_t n,
	  const char *group, const char *const *assumed)
{
	struct buf text = BUF_INIT, com = BUF_INIT, name = BUF_INIT,
		   addr = BUF_INIT;

	strip_comments(p, n, &text, &com);
	struct slice t = slice_trim(slice_make(text.data, text.len));
	struct slice c = slice_trim(slice_make(com.data, com.len));
	if (t.len == 0)
		goto out; /* nothing, or only a comment: no address */
	size_t lt = SIZE_MAX;
	bool inq = false;
	for (size_t i = 0; i < t.len; i++) {
		if (inq && t.p[i] == '\\')
			i++; /* an escaped '"' does not end the quotes */
		else if (t.p[i] == '"')
			inq = !inq;
		else if (t.p[i] == '<' && !inq)
			lt = i;
	}
	if (lt != SIZE_MAX) {
		unquote_words(&name, t.p, lt);
		const char *a = t.p + lt + 1;
		size_t al = t.len - lt - 1;
		const char *gt = memchr(a, '>', al);
		if (gt)
			al = (size_t)(gt - a);
		/* obsolete route: @a,@b:user@host */
		struct slice as = slice_trim(slice_make(a, al));
		if (as.len && as.p[0] == '@') {
			const char *colon = memchr(as.p, ':', as.len);
			if (colon) {
				as.len -= (size_t)(colon + 1 - as.p);
				as.p = colon + 1;
			}
		}
		squeeze(&addr, as.p, as.len, false);
		struct slice ns = slice_trim(slice_make(name.data, name.len));
		if (ns.len == 0)
			push(l, c.p, c.len, addr.data, addr.len, group,
			     assumed);
		else
			push(l, ns.p, ns.len, addr.data, addr.len, group,
			     assumed);
		goto out;
	}
	/* No angle brackets. Count the words and the addresses among them. */
	size_t nwords = 0, nat = 0;
	struct slice last = { NULL, 0 };
	for (size_t i = 0; i < t.len;) {
		while (i < t.len && is_lwsp(t.p[i]))
			i++;
		if (i >= t.len)
			break;
		size_t s = i;
		while (i < t.len && !is_lwsp(t.p[i]))
			i++;
		nwords++;
		last = slice_make(t.p + s, i - s);
		if (word_is_addr(last.p, last.len))
			nat++;
	}
	bool quoted = memchr(t.p, '"', t.len) != NULL;
	if (nwords > 1 && nat == nwords) {
		/* "a@b c@d": a comma is missing */
		for (size_t i = 0; i < t.len;) {
			while (i < t.len && is_lwsp(t.p[i]))
				i++;
			size_t s = i;
			while (i < t.len && !is_lwsp(t.p[i]))
				i++;
			if (i > s)
				push(l, "", 0, t.p + s, i - s, group, assumed);
		}
		goto out;
	}
	if (nwords > 1 && nat == 1 && !quoted &&
	    word_is_addr(last.p, last.len)) {
		/* "Big Bug bb@bug.com": a phrase before a bare address */
		if (c.len)
			push(l, c.p, c.len, last.p, last.len, group, assumed);
		else
			push(l, t.p, (size_t)(last.p - t.p), last.p, last.len,
			     group, assumed);
		goto out;
	}
	if (quoted) {
		squeeze(&addr, t.p, t.len, false);
	} else {
		struct buf u = BUF_INIT;
		unquote_words(&u, t.p, t.len);
		squeeze(&addr, u.data, u.len, true);
		buf_release(&u);
	}
	push(l, c.p, c.len, addr.data, addr.len, group, assumed);
out:
	buf_release(&text);
	buf_release(&com);
	buf_release(&name);
	buf_release(&addr);
}

void
mime_addr_parse(struct mime_addr_list *l, const char *raw, size_t rawlen,
		const char *const *assumed)
{
	struct buf u = BUF_INIT, gname = BUF_INIT;
	size_t depth = 0, start = 0;
	bool inq = false, ina = false, esc = false, closed = false;
	bool seen_at = false; /* '@' or '<' outside comments since start */
	bool in_group = false;

	mime_unfold(&u, raw, rawlen);
	const char *p = u.data;
	size_t n = u.len;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (closed && !esc && !inq && !depth &&
		    !is_lwsp(ch) && ch != ',' && ch != ';' && ch != '(') {
			read_item(l, p + start, i - start,
				  in_group ? gname.data : NULL, assumed);
			start = i;
			seen_at = false;
		}
		if (closed && !is_lwsp(ch))
			closed = false;
		if (esc) {
			esc = false;
			continue;
		}
		if (ch == '\\' && (inq || depth)) {
			esc = true;
			continue;
		}
		if (inq) {
			if (ch == '"')
				inq = false;
			else if (ch == '@')
				seen_at = true;
			continue;
		}
		if (depth) {
			if (ch == '(')
				depth++;
			else if (ch == ')')
				depth--;
			continue;
		}
		if (ch == '"') {
			inq = true;
		} else if (ch == '(') {
			depth = 1;
		} else if (ch == '<') {
			ina = true;
			seen_at = true;
		} else if (ch == '>' && ina) {
			ina = false;
			closed = true;
		} else if ((ch == ',' || ch == ';') && !ina) {
			read_item(l, p + start, i - start,
				  in_group ? gname.data : NULL, assumed);
			start = i + 1;
			seen_at = false;
			if (ch == ';')
				in_group = false;
		} else if (ch == ':' && !ina && !seen_at) {
			/* a group's display name */
			struct buf t = BUF_INIT, c = BUF_INIT;
			strip_comments(p + start, i - start, &t, &c);
			buf_reset(&gname);
			struct buf uq = BUF_INIT;
			unquote_words(&uq, t.data, t.len);
			mime_decode_header(&gname, uq.data, uq.len, assumed);
			buf_release(&uq);
			buf_release(&t);
			buf_release(&c);
			in_group = true;
			start = i + 1;
		} else if (ch == '@') {
			seen_at = true;
		}
	}
	read_item(l, p + start, n - start, in_group ? gname.data : NULL,
		  assumed);
	buf_release(&u);
	buf_release(&gname);
}

void
mime_addr_list_release(struct mime_addr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].addr);
		free(l->v[i].group);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
mime_addr_format(struct buf *out, const struct mime_addr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct mime_addr *a = &l->v[i];
		if (i)
			buf_addstr(out, ", ");
		if (*a->name && *a->addr)
			buf_addf(out, "%s <%s>", a->name, a->addr);
		else if (*a->addr)
			buf_addstr(out, a->addr);
		else
			buf_addstr(out, a->name);
	}
}

size_t
mime_msgid_list(struct buf *out, const char *p, size_t len)
{
	size_t count = 0, depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (depth) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '(')
				depth++;
			else if (p[i] == ')')
				depth--;
			continue;
		}
		if (p[i] == '(') {
			depth = 1;
			continue;
		}
		if (p[i] != '<')
			continue;
		size_t j = i + 1;
		while (j < len && p[j] != '>' && p[j] != '<')
			j++;
		if (j >= len || p[j] != '>') {
			continue;
		}
		buf_addch(out, '<');
		squeeze(out, p + i + 1, j - i - 1, true);
		buf_addch(out, '>');
		buf_addch(out, '\0');
		count++;
		i = j;
	}
	return count;
}
