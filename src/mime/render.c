/* SPDX-License-Identifier: ISC */
/*
 * What a reader shows: the choice of the body among the parts, its text
 * in UTF-8, and the terminal-safety pass every header, body and file name
 * goes through before it reaches a screen.
 *
 * The choice follows what mail readers agree on: the first text/plain met
 * walking multipart/alternative, mixed and related (only its start part)
 * outside attachments and without entering attached messages; HTML only
 * when asked, when there is no plain text, or when the plain alternative
 * says nothing ("This is an HTML message", white space).
 */
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"
#include "postie/mime_text.h"
#include "private.h"

static bool
is_type(const struct mime_part *p, const char *t)
{
	return strcmp(p->type, t) == 0;
}

static bool
is_container_message(const struct mime_part *p)
{
	return p->child && strncmp(p->type, "message/", 8) == 0;
}

static bool
attached(const struct mime_part *p)
{
	return p->disposition && strcmp(p->disposition, "attachment") == 0;
}

/* Depth-first search for the first part of type want, the way the body
 * of a message is found: attachments and attached messages are not
 * entered, and of multipart/related only the start part. Iterative over
 * siblings, recursive over depth (bounded by MIME_MAX_DEPTH). */
static const struct mime_part *
find_body(const struct mime_part *part, const char *want, bool root)
{
	if (!root && attached(part))
		return NULL;
	if (!part->child)
		return is_type(part, want) ? part : NULL;
	if (strncmp(part->type, "multipart/", 10) != 0)
		return NULL;
	if (is_type(part, "multipart/related")) {
		const struct mime_part *start = part->child;
		size_t vl;
		const struct mime_field *f =
			mime_headers_get(&part->headers, "Content-Type");
		char *s = NULL;
		if (f) {
			struct buf b = BUF_INIT;
			mime_unfold(&b, f->value.p, f->value.len);
			vl = b.len;
			s = mime_param_raw(b.data, vl, "start", NULL);
			buf_release(&b);
		}
		if (s) {
			struct slice id = slice_trim(slice_cstr(s));
			if (id.len && id.p[0] == '<') {
				id.p++;
				id.len--;
			}
			if (id.len && id.p[id.len - 1] == '>')
				id.len--;
			for (const struct mime_part *c = part->child; c;
			     c = c->next)
				if (c->content_id &&
				    strlen(c->content_id) == id.len &&
				    memcmp(c->content_id, id.p, id.len) == 0)
					start = c;
			free(s);
		}
		return find_body(start, want, false);
	}
	for (const struct mime_part *c = part->child; c; c = c->next) {
		const struct mime_part *r = find_body(c, want, false);
		if (r)
			return r;
	}
	return NULL;
}

/* Leaves shown inline, in order: not attachments, and (unless
 * into_messages) not inside attached messages. Calls match on each until
 * it returns true. */
static const struct mime_part *
inline_leaf(const struct mime_part *part, bool root, bool into_messages,
	    bool inside, bool want_inside, const char *want)
{
	if (!root && attached(part))
		return NULL;
	if (part->child) {
		if (is_container_message(part) && !root) {
			if (!into_messages)
				return NULL;
			inside = true;
		}
		for (const struct mime_part *c = part->child; c; c = c->next) {
			const struct mime_part *r = inline_leaf(
				c, false, into_messages, inside, want_inside,
				want);
			if (r)
				return r;
		}
		return NULL;
	}
	if (want_inside && !inside)
		return NULL;
	if (strcmp(want, "multipart/") == 0)
		return strncmp(part->type, "multipart/", 10) == 0 ||
				       part->truncated
			       ? part
			       : NULL;
	return is_type(part, want) ? part : NULL;
}

/* Does a plain part say nothing worth showing? White space, or a short
 * note that the real message is the HTML one. */
static bool
useless_plain(const struct mime_message *m, const struct mime_part *p)
{
	static const char *const notes[] = {
		"html message",	  "html capable",    "html-capable",
		"html email",	  "html e-mail",     "html version",
		"supports html",  "support html",    "view this email",
		"view this message", "html-mail",    "html mail",
	};
	struct buf t = BUF_INIT;
	bool useless = false;

	if (p->body.len > 600)
		return false;
	mime_part_text(&t, m, p, 80);
	struct slice s = slice_trim(slice_make(t.data, t.len));
	if (s.len == 0)
		useless = true;
	for (size_t i = 0; i < ARRAY_SIZE(notes) && s.len < 300 && !useless;
	     i++)
		useless = ascii_memcasemem(s.p, s.len, notes[i]) != NULL;
	buf_release(&t);
	return useless;
}

const struct mime_part *
mime_choose_body(const struct mime_message *m, bool prefer_html)
{
	const struct mime_part *root = m->root, *plain, *html, *r;

	plain = find_body(root, "text/plain", true);
	html = find_body(root, "text/html", true);
	if (prefer_html && html)
		return html;
	if (plain && !(html && useless_plain(m, plain)))
		return plain;
	if (!plain && (r = inline_leaf(root, true, false, false, false,
				       "text/plain")))
		return r;
	if ((r = inline_leaf(root, true, false, false, false, "multipart/")))
		return r;
	if (html)
		return html;
	if (plain)
		return plain;
	if ((r = inline_leaf(root, true, false, false, false, "text/html")))
		return r;
	if ((r = inline_leaf(root, true, true, false, true, "text/plain")))
		return r;
	return inline_leaf(root, true, true, false, true, "text/html");
}

/* CRLF and lone CR become LF, in place. */
static void
normalize_newlines(struct buf *b, size_t from)
{
	size_t o = from;

	for (size_t i = from; i < b->len; i++) {
		char c = b->data[i];
		if (c == '\r') {
			if (i + 1 < b->len && b->data[i + 1] == '\n')
				continue;
			c = '\n';
		}
		b->data[o++] = c;
	}
	buf_truncate(b, o);
}

void
mime_part_text(struct buf *out, const struct mime_message *m,
	       const struct mime_part *part, size_t width)
{
	struct buf raw = BUF_INIT, text = BUF_INIT;
	const char *const *as = (const char *const *)m->assumed;
	bool html = is_type(part, "text/html");
	char *meta = NULL;
	const char *cs = part->charset;

	if (part->truncated || part->child) {
		buf_add(&raw, part->body.p, part->body.len);
	} else if (part->embedded) {
		/* the text around each uuencoded file, and a line for it */
		const char *at = part->body.p;
		const char *end = part->body.p + part->body.len;
		for (const struct mime_part *u = part->embedded; u;
		     u = u->next) {
			buf_add(&raw, at, (size_t)(u->body.p - at));
			buf_addf(&raw, "[uuencoded file: part %zu]\n",
				 u->number);
			at = u->body.p + u->body.len;
		}
		buf_add(&raw, at, (size_t)(end - at));
	} else {
		mime_transfer_decode(&raw, part->cte, part->body.p,
				     part->body.len);
	}
	if (html && (!cs || !*cs)) {
		meta = mime_html_meta_charset(raw.data, raw.len);
		cs = meta;
	}
	mime_charset_decode(&text, cs, raw.data, raw.len, as);
	buf_release(&raw);
	normalize_newlines(&text, 0);
	size_t skip = 0;
	if (text.len >= 3 && memcmp(text.data, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	if (html)
		mime_html_to_text(out, text.data + skip, text.len - skip,
				  width);
	else if (part->flowed)
		mime_flowed_decode(out, text.data + skip, text.len - skip,
				   part->delsp);
	else
		buf_add(out, text.data + skip, text.len - skip);
	buf_release(&text);
	free(meta);
}

void
mime_sanitize(struct buf *out, const char *p, size_t len, bool multiline)
{
	/* One policy for every path to a terminal: base's text_sanitize.
	 * A single-line value shows a tab as a space; a line feed there
	 * cannot come from an unfolded header and is shown as ^J. */
	text_sanitize(out, p, len,
		      multiline ? TEXT_ALLOW_TAB | TEXT_ALLOW_LF : TEXT_TAB_SPACE);
}

static bool
reserved_name(const char *s, size_t n)
{
	static const char *const names[] = { "con", "prn", "aux", "nul" };
	size_t stem = 0;

	while (stem < n && s[stem] != '.')
		stem++;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (stem == 3 && ascii_strncasecmp(s, names[i], 3) == 0)
			return true;
	return stem == 4 &&
	       (ascii_strncasecmp(s, "com", 3) == 0 ||
		ascii_strncasecmp(s, "lpt", 3) == 0) &&
	       s[3] >= '0' && s[3] <= '9';
}

char *
mime_safe_filename(const char *name)
{
	struct buf b = BUF_INIT;
	size_t len = name ? strlen(name) : 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(name + i, len - i, &cp);
		if (!n) {
			buf_addch(&b, '_');
			i++;
			continue;
		}
		if (text_cp_unsafe(cp)) {
			i += n;
			continue;
		}
		if (cp == '/' || cp == '\\' || cp == ':' || cp == '*' ||
		    cp == '?' || cp == '"' || cp == '<' || cp == '>' ||
		    cp == '|')
			buf_addch(&b, '_');
		else if (cp == '.' && b.len && b.data[b.len - 1] == '.')
			b.data[b.len - 1] = '_'; /* no ".." anywhere */
		else
			buf_add(&b, name + i, n);
		i += n;
	}
	/* no leading '-', '.', '~' or space; no trailing dot or space */
	size_t lead = 0;
	while (lead < b.len && (b.data[lead] == '-' || b.data[lead] == '.' ||
				b.data[lead] == '~' || b.data[lead] == ' ' ||
				b.data[lead] == '_'))
		lead++;
	buf_remove(&b, 0, lead); /* all of it when nothing else: "..." */
	while (b.len && (b.data[b.len - 1] == '.' || b.data[b.len - 1] == ' '))
		buf_truncate(&b, b.len - 1);
	for (size_t i = 0; i < b.len && (b.data[i] == '.' || b.data[i] == '-');
	     i++)
		b.data[i] = '_';
	if (b.len > 200) {
		/* keep a short extension, cut the stem at a character */
		const char *dot = memrchr(b.data, '.', b.len);
		size_t ext = dot ? b.len - (size_t)(dot - b.data) : 0;
		if (ext > 16)
			ext = 0;
		size_t keep = utf8_cut(b.data, b.len - ext, 200 - ext);
		buf_remove(&b, keep, b.len - ext - keep);
	}
	if (b.len == 0)
		buf_addstr(&b, "attachment");
	if (reserved_name(b.data, b.len))
		buf_insert(&b, 0, "_", 1);
	return buf_detach(&b, NULL);
}
