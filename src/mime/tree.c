/* SPDX-License-Identifier: ISC */
/*
 * The MIME tree (RFC 2045, 2046, 2183). A message is parsed in place:
 * every part's header and body are slices of the caller's bytes, except
 * the bodies of message/rfc822 parts sent base64 or quoted-printable,
 * which are decoded into buffers the message owns.
 *
 * A multipart body is cut at delimiter lines ("--" boundary, then only
 * white space, or "--" and white space for the close). Each level scans
 * only its own body, so an inner boundary that is never closed ends at
 * the outer delimiter, and a boundary that is a prefix of another does
 * not match it (the rest of the line must be blank). Nesting stops at
 * MIME_MAX_DEPTH and the part count at MIME_MAX_PARTS; what lies beyond is
 * kept as one plain part, so nothing is lost and nothing explodes
 * (hostile-36, hostile-37). Cost: linear in the size times the depth.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"
#include "private.h"

struct parser {
	struct mime_message *m;
	struct mime_part **all;
	size_t nall, capall;
	size_t capleaves;
	const char *const *caller_assumed;
	/* the last child appended, so appending n siblings costs O(n) */
	struct mime_part *tail_parent, *tail;
};

static struct mime_part *
new_part(struct parser *ps, struct mime_part *parent, int depth)
{
	struct mime_part *part = xcalloc(1, sizeof(*part));

	part->parent = parent;
	part->depth = depth;
	if (parent) {
		struct mime_part **pp = &parent->child;
		if (ps->tail_parent == parent && ps->tail)
			pp = &ps->tail->next;
		while (*pp)
			pp = &(*pp)->next;
		*pp = part;
		ps->tail_parent = parent;
		ps->tail = part;
	}
	ps->all = xgrow(ps->all, &ps->capall, ps->nall + 1, sizeof(*ps->all));
	ps->all[ps->nall++] = part;
	ps->m->nparts++;
	return part;
}

static void
add_leaf(struct parser *ps, struct mime_part *part)
{
	struct mime_message *m = ps->m;

	m->leaves = xgrow(m->leaves, &ps->capleaves, m->nleaves + 1,
			  sizeof(*m->leaves));
	m->leaves[m->nleaves++] = part;
	part->number = m->nleaves;
}

/* The unfolded value of a field, or NULL. */
static char *
field_value(const struct mime_headers *h, const char *name, size_t *len)
{
	const struct mime_field *f = mime_headers_get(h, name);
	struct buf b = BUF_INIT;

	if (!f)
		return NULL;
	mime_unfold(&b, f->value.p, f->value.len);
	return buf_detach(&b, len);
}

/* "type/subtype" in lower case from a Content-Type value, or NULL when it
 * is not one (then the default applies, RFC 2045 section 5.2). */
static char *
parse_type(const char *v, size_t len)
{
	size_t e = 0;

	while (e < len && v[e] != ';')
		e++;
	struct slice t = slice_trim(slice_make(v, e));
	const char *slash = memchr(t.p, '/', t.len);
	if (!slash || slash == t.p || slash == t.p + t.len - 1)
		return NULL;
	for (size_t i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];
		if (c <= ' ' || c >= 0x7f || c == '"')
			return NULL;
	}
	char *s = slice_dup(t);
	for (char *q = s; *q; q++)
		*q = (char)ascii_lower((unsigned char)*q);
	return s;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Is there a delimiter line for boundary (bl bytes) at p + at? Sets
 * *close and *next (start of the following line). */
static bool
delimiter_at(const char *p, size_t len, size_t at, const char *b, size_t bl,
	     bool *close, size_t *next)
{
	if (at > 0 && p[at - 1] != '\n')
		return false;
	size_t i = at + 2 + bl;
	*close = false;
	if (i + 2 <= len && p[i] == '-' && p[i + 1] == '-') {
		*close = true;
		i += 2;
	}
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	if (i < len && p[i] != '\n')
		return false;
	*next = i < len ? i + 1 : len;
	return true;
}

/* End of a part that a delimiter at `at` follows: the line break before
 * the delimiter belongs to it (RFC 2046 section 5.1.1). */
static size_t
part_end(const char *p, size_t start, size_t at)
{
	size_t e = at;

	if (e > start && p[e - 1] == '\n')
		e--;
	if (e > start && p[e - 1] == '\r')
		e--;
	return e;
}

/* Files uuencoded inside a text/plain part sent as it is (hostile-38
 * covers what the decoder meets there). Each becomes a leaf after the
 * text so it can be listed and saved; the text shows a line instead. */
static void
find_uuencoded(struct parser *ps, struct mime_part *part)
{
	const char *p = part->body.p;
	size_t len = part->body.len, pos = 0;
	struct mime_part **tail = &part->embedded;

	if (strcmp(part->type, "text/plain") != 0 ||
	    (part->cte != MIME_CTE_7BIT && part->cte != MIME_CTE_8BIT &&
	     part->cte != MIME_CTE_BINARY))
		return;
	while (pos < len && ps->m->nparts < MIME_MAX_PARTS) {
		size_t at = pos + mime_uu_find(p + pos, len - pos);
		if (at >= len)
			break;
		struct buf scratch = BUF_INIT;
		char *name = NULL;
		size_t used = 0;
		mime_uu_decode(&scratch, p + at, len - at, &name, &used);
		buf_release(&scratch);
		struct mime_part *u = xcalloc(1, sizeof(*u));
		u->parent = part;
		u->depth = part->depth + 1;
		u->type = xstrdup("application/octet-stream");
		u->disposition = xstrdup("attachment");
		u->cte = MIME_CTE_UUENCODE;
		u->header = slice_make(p + at, 0);
		u->body = slice_make(p + at, used);
		if (name) {
			struct buf n = BUF_INIT;
			mime_decode_8bit(&n, name, strlen(name),
					 ps->caller_assumed);
			u->filename = buf_detach(&n, NULL);
			free(name);
		}
		*tail = u;
		tail = &u->next;
		ps->m->nparts++;
		add_leaf(ps, u);
		pos = at + (used ? used : 1);
	}
}

static void parse_entity(struct parser *ps, struct mime_part *part,
			 const char *p, size_t len, const char *deftype);

static struct mime_part *
child(struct parser *ps, struct mime_part *parent, const char *p, size_t len,
      const char *deftype)
{
	struct mime_part *c = new_part(ps, parent, parent->depth + 1);

	parse_entity(ps, c, p, len, deftype);
	return c;
}

/* A leaf standing in for what lies past a limit. */
static void
overflow_leaf(struct parser *ps, struct mime_part *parent, const char *p,
	      size_t len)
{
	struct mime_part *c = new_part(ps, parent, parent->depth + 1);

	c->type = xstrdup("text/plain");
	c->header = slice_make(p, 0);
	c->body = slice_make(p, len);
	c->truncated = true;
	ps->m->limited = true;
	add_leaf(ps, c);
}

/* Split a multipart body; returns false when no delimiter is found. */
static bool
split_multipart(struct parser *ps, struct mime_part *part, const char *b,
		size_t bl)
{
	const char *p = part->body.p;
	size_t len = part->body.len, pos = 0, start = SIZE_MAX;
	bool found = false;
	const char *deftype = strcmp(part->type, "multipart/digest") == 0
				      ? "message/rfc822"
				      : "text/plain";
	char *needle = xmalloc(bl + 3);

	needle[0] = '-';
	needle[1] = '-';
	memcpy(needle + 2, b, bl);
	needle[bl + 2] = '\0';
	while (pos < len) {
		const char *q = memmem(p + pos, len - pos, needle, bl + 2);
		if (!q)
			break;
		size_t at = (size_t)(q - p), next;
		bool close;
		if (!delimiter_at(p, len, at, b, bl, &close, &next)) {
			pos = at + 1;
			continue;
		}
		found = true;
		if (start != SIZE_MAX) {
			if (ps->m->nparts >= MIME_MAX_PARTS) {
				overflow_leaf(ps, part, p + start,
					      len - start);
				start = SIZE_MAX;
				break;
			}
			child(ps, part, p + start, part_end(p, start, at) - start,
			      deftype);
		}
		start = SIZE_MAX;
		if (close)
			break;
		start = next;
		pos = next;
	}
	if (start != SIZE_MAX && start <= len) {
		/* never closed: the last part runs to the end */
		if (ps->m->nparts >= MIME_MAX_PARTS)
			overflow_leaf(ps, part, p + start, len - start);
		else
			child(ps, part, p + start, len - start, deftype);
	}
	free(needle);
	return found;
}

static void
parse_entity(struct parser *ps, struct mime_part *part, const char *p,
	     size_t len, const char *deftype)
{
	size_t boff, vl, ctl = 0;
	char *ct;

	mime_headers_parse(&part->headers, p, len, &boff);
	part->header = slice_make(p, boff);
	part->body = slice_make(p + boff, len - boff);
	ct = field_value(&part->headers, "Content-Type", &ctl);
	part->type = ct ? parse_type(ct, ctl) : NULL;
	if (!part->type)
		part->type = xstrdup(ct ? "text/plain" : deftype);
	if (ct) {
		part->charset = mime_param_raw(ct, ctl, "charset", NULL);
		char *f = mime_param_raw(ct, ctl, "format", NULL);
		char *d = mime_param_raw(ct, ctl, "delsp", NULL);
		struct slice fs = slice_trim(slice_cstr(f ? f : ""));
		struct slice ds = slice_trim(slice_cstr(d ? d : ""));
		part->flowed = slice_eq_ci(fs, "flowed");
		part->delsp = slice_eq_ci(ds, "yes");
		free(f);
		free(d);
	}
	char *cte = field_value(&part->headers, "Content-Transfer-Encoding",
				&vl);
	part->cte = cte ? mime_cte_parse(cte, vl) : MIME_CTE_7BIT;
	free(cte);
	char *cd = field_value(&part->headers, "Content-Disposition", &vl);
	if (cd) {
		size_t e = 0;
		while (e < vl && cd[e] != ';')
			e++;
		struct slice d = slice_trim(slice_make(cd, e));
		if (d.len) {
			part->disposition = slice_dup(d);
			for (char *q = part->disposition; *q; q++)
				*q = (char)ascii_lower((unsigned char)*q);
		}
		free(cd);
	}
	char *cid = field_value(&part->headers, "Content-ID", &vl);
	if (cid) {
		struct slice s = slice_trim(slice_make(cid, vl));
		if (s.len && s.p[0] == '<') {
			s.p++;
			s.len--;
		}
		if (s.len && s.p[s.len - 1] == '>')
			s.len--;
		part->content_id = slice_dup(s);
		free(cid);
	}

	if (has_prefix(part->type, "multipart/") && ct) {
		char *b = mime_param_raw(ct, ctl, "boundary", NULL);
		bool split = false;
		if (b && *b && part->depth < MIME_MAX_DEPTH)
			split = split_multipart(ps, part, b, strlen(b));
		else if (b && *b)
			ps->m->limited = true;
		free(b);
		free(ct);
		if (!split)
			add_leaf(ps, part);
		return;
	}
	free(ct);
	if (strcmp(part->type, "message/rfc822") == 0 ||
	    strcmp(part->type, "message/global") == 0 ||
	    strcmp(part->type, "message/news") == 0) {
		if (part->depth >= MIME_MAX_DEPTH ||
		    ps->m->nparts >= MIME_MAX_PARTS) {
			ps->m->limited = true;
			add_leaf(ps, part);
			return;
		}
		const char *bp = part->body.p;
		size_t bl = part->body.len;
		if (part->cte == MIME_CTE_BASE64 || part->cte == MIME_CTE_QP) {
			struct mime_message *m = ps->m;
			m->owned = xrealloc(m->owned,
					    (m->nowned + 1) * sizeof(*m->owned));
			struct buf *ob = &m->owned[m->nowned++];
			buf_init(ob);
			mime_transfer_decode(ob, part->cte, bp, bl);
			bp = ob->data;
			bl = ob->len;
		}
		child(ps, part, bp, bl, "text/plain");
		return;
	}
	add_leaf(ps, part);
	find_uuencoded(ps, part);
}

static bool
label_useful(const char *l)
{
	char n[64];

	if (!l || !mime_charset_resolve(l, strlen(l), n, sizeof(n)))
		return false;
	return strcmp(n, "UTF-8") != 0 && strcmp(n, "US-ASCII") != 0;
}

/* The charsets a message declares (Content-Type charsets, then those of
 * encoded words in the top header), most relevant first, then the
 * caller's assumed list: raw 8-bit text in a message that declares GBK
 * somewhere is most likely GBK. */
static void
build_assumed(struct parser *ps)
{
	struct mime_message *m = ps->m;
	const char *const *ca = ps->caller_assumed ? ps->caller_assumed
						   : mime_default_assumed;
	size_t n = 0, cap = 0, nca = 0;
	const char **v = NULL;

	while (ca[nca])
		nca++;
	for (size_t i = 0; i < ps->nall && n < 6; i++) {
		const char *cs = ps->all[i]->charset;
		if (!label_useful(cs))
			continue;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			if (ascii_strcasecmp(v[k], cs) == 0)
				dup = true;
		if (dup)
			continue;
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n++] = xstrdup(cs);
	}
	const struct mime_headers *h = &m->root->headers;
	for (size_t i = 0; i < h->n && n < 8; i++) {
		const char *s = h->v[i].value.p;
		size_t l = h->v[i].value.len;
		const char *q;
		while (n < 8 && (q = memmem(s, l, "=?", 2)) != NULL) {
			size_t off = (size_t)(q - s) + 2, e = off;
			while (e < l && s[e] != '?' && e - off < 40)
				e++;
			l -= e;
			s += e;
			if (e >= off + 40 || e == off)
				continue;
			char *cs = xstrndup(q + 2, e - off);
			bool dup = !label_useful(cs);
			for (size_t k = 0; k < n && !dup; k++)
				if (ascii_strcasecmp(v[k], cs) == 0)
					dup = true;
			if (dup) {
				free(cs);
				continue;
			}
			v = xgrow(v, &cap, n + 1, sizeof(*v));
			v[n++] = cs;
		}
	}
	v = xgrow(v, &cap, n + nca + 1, sizeof(*v));
	for (size_t i = 0; i < nca; i++)
		v[n + i] = xstrdup(ca[i]);
	v[n + nca] = NULL;
	m->assumed = v;
}

/* File names need the assumed list, so they come after the tree. */
static void
set_filenames(struct parser *ps)
{
	const char *const *as = (const char *const *)ps->m->assumed;

	for (size_t i = 0; i < ps->nall; i++) {
		struct mime_part *part = ps->all[i];
		size_t vl;
		char *cd = field_value(&part->headers, "Content-Disposition",
				       &vl);
		if (cd) {
			part->filename = mime_param_get(cd, vl, "filename", as);
			free(cd);
		}
		if (!part->filename) {
			char *ct = field_value(&part->headers, "Content-Type",
					       &vl);
			if (ct) {
				part->filename = mime_param_get(ct, vl, "name",
								as);
				free(ct);
			}
		}
	}
}

void
mime_message_parse(struct mime_message *m, const char *p, size_t len,
		   const char *const *assumed)
{
	struct parser ps = { .m = m, .caller_assumed = assumed };

	memset(m, 0, sizeof(*m));
	m->data = p;
	m->len = len;
	m->root = new_part(&ps, NULL, 0);
	parse_entity(&ps, m->root, p, len, "text/plain");
	build_assumed(&ps);
	set_filenames(&ps);
	free(ps.all);
}

static void
free_part(struct mime_part *part)
{
	while (part) {
		struct mime_part *next = part->next;
		free_part(part->child);
		free_part(part->embedded);
		mime_headers_release(&part->headers);
		free(part->type);
		free(part->charset);
		free(part->filename);
		free(part->content_id);
		free(part->disposition);
		free(part);
		part = next;
	}
}

void
mime_message_release(struct mime_message *m)
{
	free_part(m->root);
	free(m->leaves);
	if (m->assumed) {
		for (size_t i = 0; m->assumed[i]; i++)
			free((char *)m->assumed[i]);
		free(m->assumed);
	}
	for (size_t i = 0; i < m->nowned; i++)
		buf_release(&m->owned[i]);
	free(m->owned);
	memset(m, 0, sizeof(*m));
}

bool
mime_is_multipart(const struct mime_part *part)
{
	return part->child != NULL;
}

bool
mime_is_attachment(const struct mime_part *part)
{
	if (part->disposition && strcmp(part->disposition, "attachment") == 0)
		return true;
	return !has_prefix(part->type, "text/") && !part->child;
}

size_t
mime_part_size(const struct mime_part *part)
{
	struct buf b = BUF_INIT;
	size_t n;

	if (part->cte != MIME_CTE_BASE64 && part->cte != MIME_CTE_QP &&
	    part->cte != MIME_CTE_UUENCODE)
		return part->body.len;
	if (part->cte == MIME_CTE_BASE64) {
		/* count without decoding: 3 bytes per 4 characters. The
		 * table makes this a load and an add per byte, no branch. */
		static const unsigned char alpha[256] = {
			['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,
			['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
			['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
			['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
			['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1,
			['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
			['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
			['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
			['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1,
			['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
			['y'] = 1, ['z'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
			['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
			['8'] = 1, ['9'] = 1, ['+'] = 1, ['/'] = 1,
		};
		size_t chars = 0;
		const unsigned char *q = (const unsigned char *)part->body.p;
		for (size_t i = 0; i < part->body.len; i++)
			chars += alpha[q[i]];
		return chars / 4 * 3 + (chars % 4 > 1 ? chars % 4 - 1 : 0);
	}
	mime_transfer_decode(&b, part->cte, part->body.p, part->body.len);
	n = b.len;
	buf_release(&b);
	return n;
}
