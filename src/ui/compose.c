/* SPDX-License-Identifier: ISC */
/*
 * The composer's pure half (compose.h): the line editor for header
 * fields, the built-in body editor, a draft started from a message
 * (reply, reply to all, to the list, forward, edit as new), address
 * fields split and checked, and the draft's text file format. No curses
 * and no files here, so all of it is tested with strings.
 *
 * Text is UTF-8 throughout and cursors are byte offsets kept on
 * character starts; widths come from ui_cp_width (CJK two cells), so a
 * cursor after "张三" stands at cell 4 whatever the locale says.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/mime.h"
#include "postie/mime_text.h"
#include "postie/ui.h"

#include "compose.h"

#define TAB_STOP 8

/* Start of the character before byte offset i (i > 0). */
static size_t
prev_char(const char *p, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)p[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* Length of the character at i (at least 1 while i < len). */
static size_t
char_len(const char *p, size_t len, size_t i)
{
	uint32_t cp;
	size_t k = utf8_decode(p + i, len - i, &cp);

	return k ? k : 1;
}

static int
cp_cells(uint32_t cp)
{
	int w = ui_cp_width(cp);

	return w < 0 ? 0 : w;
}

/* ---------------------------------------------------------------------
 * The line editor
 */
void
ui_lineed_init(struct ui_lineed *le)
{
	buf_init(&le->text);
	le->cur = 0;
}

void
ui_lineed_release(struct ui_lineed *le)
{
	buf_release(&le->text);
	le->cur = 0;
}

void
ui_lineed_set(struct ui_lineed *le, const char *s)
{
	buf_reset(&le->text);
	le->cur = 0;
	if (!s)
		return;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		i += k;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = ' ';
		if (le->text.len + 4 > UI_LINEED_MAX)
			break;
		utf8_encode(&le->text, cp);
	}
	le->cur = le->text.len;
}

bool
ui_lineed_insert(struct ui_lineed *le, uint32_t cp)
{
	struct buf c = BUF_INIT;

	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	utf8_encode(&c, cp);
	if (le->text.len + c.len > UI_LINEED_MAX) {
		buf_release(&c);
		return false;
	}
	buf_insert(&le->text, le->cur, c.data, c.len);
	le->cur += c.len;
	buf_release(&c);
	return true;
}

static void
lineed_cut(struct ui_lineed *le, size_t from, size_t to)
{
	if (to <= from)
		return;
	buf_remove(&le->text, from, to - from);
	le->cur = from;
}

void
ui_lineed_op(struct ui_lineed *le, enum ui_lineed_op op)
{
	const char *p = le->text.data;
	size_t len = le->text.len;

	switch (op) {
	case UI_LE_LEFT:
		le->cur = prev_char(p, le->cur);
		break;
	case UI_LE_RIGHT:
		if (le->cur < len)
			le->cur += char_len(p, len, le->cur);
		break;
	case UI_LE_HOME:
		le->cur = 0;
		break;
	case UI_LE_END:
		le->cur = len;
		break;
	case UI_LE_BACKSPACE:
		if (le->cur > 0)
			lineed_cut(le, prev_char(p, le->cur), le->cur);
		break;
	case UI_LE_DELETE:
		if (le->cur < len)
			lineed_cut(le, le->cur,
				   le->cur + char_len(p, len, le->cur));
		break;
	case UI_LE_KILL_END:
		lineed_cut(le, le->cur, len);
		break;
	case UI_LE_KILL_START:
		lineed_cut(le, 0, le->cur);
		break;
	case UI_LE_WORD_BACK: {
		size_t i = le->cur;
		while (i > 0 && p[i - 1] == ' ')
			i--;
		while (i > 0 && p[i - 1] != ' ')
			i = prev_char(p, i);
		lineed_cut(le, i, le->cur);
		break;
	}
	}
}

bool
ui_lineed_replace(struct ui_lineed *le, size_t start, size_t end,
		  const char *repl)
{
	const char *p = le->text.data;
	size_t len = le->text.len, rlen = strlen(repl);

	if (start > end || end > len || len - (end - start) + rlen >
						 UI_LINEED_MAX)
		return false;
	if ((start < len && ((unsigned char)p[start] & 0xc0) == 0x80) ||
	    (end < len && ((unsigned char)p[end] & 0xc0) == 0x80))
		return false;
	char *r = xstrdup(repl);
	for (char *q = r; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = ' ';
	buf_remove(&le->text, start, end - start);
	buf_insert(&le->text, start, r, rlen);
	le->cur = start + rlen;
	free(r);
	return true;
}

void
ui_addr_token(const struct ui_lineed *le, size_t *start, size_t *end)
{
	const char *p = le->text.data;
	size_t from = 0;
	bool quoted = false;
	int angle = 0;

	for (size_t i = 0; i < le->cur; i++) {
		if (quoted) {
			if (p[i] == '\\' && i + 1 < le->cur)
				i++;
			else if (p[i] == '"')
				quoted = false;
		} else if (p[i] == '"') {
			quoted = true;
		} else if (p[i] == '<') {
			angle++;
		} else if (p[i] == '>' && angle > 0) {
			angle--;
		} else if (p[i] == ',' && angle == 0) {
			from = i + 1;
		}
	}
	while (from < le->cur && p[from] == ' ')
		from++;
	*start = from;
	*end = le->cur;
}

size_t
ui_lineed_cursor_cells(const struct ui_lineed *le)
{
	size_t cells = 0;

	for (size_t i = 0; i < le->cur;) {
		uint32_t cp;
		size_t k = utf8_decode(le->text.data + i, le->cur - i, &cp);
		if (!k) {
			i++;
			cells++;
			continue;
		}
		cells += (size_t)cp_cells(cp);
		i += k;
	}
	return cells;
}

/* ---------------------------------------------------------------------
 * The body editor
 */
/* Note an edit at p that left ins bytes there (in the text as it is
 * now), for ui_texted_layout. */
static void
texted_changed(struct ui_texted *te, size_t p, size_t ins)
{
	size_t tail = te->text.len - (p + ins);

	if (!te->chg) {
		te->chg = true;
		te->chg_lo = p;
		te->chg_tail = tail;
		return;
	}
	if (p < te->chg_lo)
		te->chg_lo = p;
	if (tail < te->chg_tail)
		te->chg_tail = tail;
}

void
ui_texted_init(struct ui_texted *te, const char *s, size_t len)
{
	buf_init(&te->text);
	te->cur = 0;
	te->goal = 0;
	te->chg = true;
	te->chg_lo = 0;
	te->chg_tail = 0;
	for (size_t i = 0; s && i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		i += k;
		if (cp == '\r')
			continue;
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f)
			cp = ' ';
		utf8_encode(&te->text, cp);
	}
}

void
ui_texted_release(struct ui_texted *te)
{
	buf_release(&te->text);
	te->cur = 0;
}

static size_t
line_start(const struct ui_texted *te, size_t i)
{
	while (i > 0 && te->text.data[i - 1] != '\n')
		i--;
	return i;
}

static size_t
line_end(const struct ui_texted *te, size_t i)
{
	const char *nl = memchr(te->text.data + i, '\n', te->text.len - i);

	return nl ? (size_t)(nl - te->text.data) : te->text.len;
}

/* Cells from the line start ls to byte i. */
static size_t
cells_between(const struct ui_texted *te, size_t ls, size_t i)
{
	size_t cells = 0;

	for (size_t k = ls; k < i;) {
		uint32_t cp;
		size_t n = utf8_decode(te->text.data + k, i - k, &cp);
		if (!n) {
			k++;
			cells++;
			continue;
		}
		k += n;
		cells += cp == '\t' ? TAB_STOP - cells % TAB_STOP
				    : (size_t)cp_cells(cp);
	}
	return cells;
}

/* The byte in the line [ls, le) at cell goal or before it. */
static size_t
at_cells(const struct ui_texted *te, size_t ls, size_t le, size_t goal)
{
	size_t cells = 0, k = ls;

	while (k < le) {
		uint32_t cp;
		size_t n = utf8_decode(te->text.data + k, le - k, &cp);
		size_t w;
		if (!n) {
			n = 1;
			w = 1;
		} else {
			w = cp == '\t' ? TAB_STOP - cells % TAB_STOP
				       : (size_t)cp_cells(cp);
		}
		if (cells + w > goal)
			break;
		cells += w;
		k += n;
	}
	return k;
}

bool
ui_texted_insert(struct ui_texted *te, uint32_t cp)
{
	struct buf c = BUF_INIT;

	if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f ||
	    (cp >= 0x80 && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	utf8_encode(&c, cp);
	buf_insert(&te->text, te->cur, c.data, c.len);
	texted_changed(te, te->cur, c.len);
	te->cur += c.len;
	buf_release(&c);
	te->goal = cells_between(te, line_start(te, te->cur), te->cur);
	return true;
}

void
ui_texted_op(struct ui_texted *te, enum ui_texted_op op)
{
	const char *p = te->text.data;
	size_t len = te->text.len;
	bool keep_goal = false;

	switch (op) {
	case UI_TE_LEFT:
		te->cur = prev_char(p, te->cur);
		break;
	case UI_TE_RIGHT:
		if (te->cur < len)
			te->cur += char_len(p, len, te->cur);
		break;
	case UI_TE_HOME:
		te->cur = line_start(te, te->cur);
		break;
	case UI_TE_END:
		te->cur = line_end(te, te->cur);
		break;
	case UI_TE_UP: {
		size_t ls = line_start(te, te->cur);
		keep_goal = true;
		if (ls == 0)
			break;
		size_t pls = line_start(te, ls - 1);
		te->cur = at_cells(te, pls, ls - 1, te->goal);
		break;
	}
	case UI_TE_DOWN: {
		size_t le = line_end(te, te->cur);
		keep_goal = true;
		if (le >= len)
			break;
		te->cur = at_cells(te, le + 1, line_end(te, le + 1), te->goal);
		break;
	}
	case UI_TE_BACKSPACE:
		if (te->cur > 0) {
			size_t from = prev_char(p, te->cur);
			buf_remove(&te->text, from, te->cur - from);
			te->cur = from;
			texted_changed(te, from, 0);
		}
		break;
	case UI_TE_DELETE:
		if (te->cur < len) {
			buf_remove(&te->text, te->cur,
				   char_len(p, len, te->cur));
			texted_changed(te, te->cur, 0);
		}
		break;
	case UI_TE_NEWLINE:
		ui_texted_insert(te, '\n');
		break;
	case UI_TE_KILL_END: {
		size_t le = line_end(te, te->cur);
		if (le == te->cur && le < len)
			le++; /* at the end of a line: join the next */
		buf_remove(&te->text, te->cur, le - te->cur);
		texted_changed(te, te->cur, 0);
		break;
	}
	}
	if (!keep_goal)
		te->goal = cells_between(te, line_start(te, te->cur), te->cur);
}

void
ui_texted_rows(const struct ui_texted *te, int width,
	       struct ui_textrow **rows, size_t *n, size_t *crow,
	       size_t *ccol)
{
	size_t cap = 16, nr = 0;
	struct ui_textrow *v = xcalloc(cap, sizeof(*v));
	const char *p = te->text.data;
	size_t len = te->text.len;
	size_t w = width > 1 ? (size_t)width : 1;
	size_t start = 0, cells = 0;

	*crow = 0;
	*ccol = 0;
	for (size_t i = 0;; ) {
		if (i == te->cur) {
			*crow = nr;
			*ccol = cells;
		}
		if (i >= len || p[i] == '\n') {
			v = xgrow(v, &cap, nr + 1, sizeof(*v));
			v[nr].off = start;
			v[nr].len = i - start;
			nr++;
			if (i >= len)
				break;
			i++;
			start = i;
			cells = 0;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		size_t cw;
		bool tab = false;
		if (!k) {
			k = 1;
			cw = 1;
		} else {
			tab = cp == '\t';
			cw = tab ? TAB_STOP - cells % TAB_STOP
				 : (size_t)cp_cells(cp);
		}
		if (cells + cw > w && cells > 0) {
			v = xgrow(v, &cap, nr + 1, sizeof(*v));
			v[nr].off = start;
			v[nr].len = i - start;
			nr++;
			start = i;
			cells = 0;
			if (tab)
				cw = TAB_STOP; /* at the start of the row */
			if (i == te->cur) {
				*crow = nr;
				*ccol = 0;
			}
		}
		cells += cw;
		i += k;
	}
	*rows = v;
	*n = nr;
}

/* Cut the logical line that starts at start into rows of w cells, as
 * ui_texted_rows does, appending to *v. Returns true when it was the
 * last line (its row ends at len); else *next is where the next starts. */
static bool
wrap_line(const char *p, size_t len, size_t start, size_t w,
	  struct ui_textrow **v, size_t *n, size_t *cap, size_t *next)
{
	size_t cells = 0;

	for (size_t i = start;;) {
		if (i >= len || p[i] == '\n') {
			*v = xgrow(*v, cap, *n + 1, sizeof(**v));
			(*v)[*n].off = start;
			(*v)[*n].len = i - start;
			(*n)++;
			*next = i + 1;
			return i >= len;
		}
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		size_t cw;
		bool tab = false;
		if (!k) {
			k = 1;
			cw = 1;
		} else {
			tab = cp == '\t';
			cw = tab ? TAB_STOP - cells % TAB_STOP
				 : (size_t)cp_cells(cp);
		}
		if (cells + cw > w && cells > 0) {
			*v = xgrow(*v, cap, *n + 1, sizeof(**v));
			(*v)[*n].off = start;
			(*v)[*n].len = i - start;
			(*n)++;
			start = i;
			cells = 0;
			if (tab)
				cw = TAB_STOP; /* at the start of the row */
		}
		cells += cw;
		i += k;
	}
}

/* The first row of v[n] whose offset is at least off. */
static size_t
row_at_or_after(const struct ui_textrow *v, size_t n, size_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
ui_texted_layout(struct ui_texted *te, int width, struct ui_textlayout *lay,
		 size_t *crow, size_t *ccol)
{
	const char *p = te->text.data;
	size_t len = te->text.len;
	size_t w = width > 1 ? (size_t)width : 1;
	struct ui_textrow *nv = NULL;
	size_t nn = 0, ncap = 0;

	if (lay->width != width || !lay->v) {
		/* everything */
		size_t q = 0;
		while (!wrap_line(p, len, q, w, &nv, &nn, &ncap, &q))
			;
	} else if (te->chg) {
		/* the rows of the lines before the change stay; from the
		 * start of the line it begins in, cut again until a line
		 * starts inside the part after it that did not change,
		 * then the old rows follow, moved by the change in length */
		size_t lo = te->chg_lo < len ? te->chg_lo : len;
		while (lo > 0 && p[lo - 1] != '\n')
			lo--;
		size_t keep = row_at_or_after(lay->v, lay->n, lo);
		int64_t delta = (int64_t)len - (int64_t)lay->len;
		size_t same = len - (te->chg_tail < len ? te->chg_tail : len);
		ncap = lay->n + 16;
		nv = xcalloc(ncap, sizeof(*nv));
		memcpy(nv, lay->v, keep * sizeof(*nv));
		nn = keep;
		for (size_t q = lo;;) {
			if (wrap_line(p, len, q, w, &nv, &nn, &ncap, &q))
				break; /* the last row was cut */
			if (q - 1 < same)
				continue;
			/* the newline before q was there before the edit */
			size_t oq = (size_t)((int64_t)q - delta);
			size_t j = row_at_or_after(lay->v, lay->n, oq);
			if (j >= lay->n || lay->v[j].off != oq)
				continue;
			nv = xgrow(nv, &ncap, nn + (lay->n - j), sizeof(*nv));
			for (; j < lay->n; j++) {
				nv[nn].off = (size_t)((int64_t)lay->v[j].off +
						      delta);
				nv[nn].len = lay->v[j].len;
				nn++;
			}
			break;
		}
	}
	if (nv) {
		free(lay->v);
		lay->v = nv;
		lay->n = nn;
		lay->cap = ncap;
	}
	lay->width = width;
	lay->len = len;
	te->chg = false;

	/* the cursor: the last row starting at or before it */
	size_t r = row_at_or_after(lay->v, lay->n, te->cur + 1);
	r = r ? r - 1 : 0;
	size_t cells = 0;
	for (size_t i = lay->v[r].off; i < te->cur;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, te->cur - i, &cp);
		if (!k) {
			i++;
			cells++;
			continue;
		}
		cells += cp == '\t' ? TAB_STOP - cells % TAB_STOP
				    : (size_t)cp_cells(cp);
		i += k;
	}
	*crow = r;
	*ccol = cells;
}

void
ui_textlayout_release(struct ui_textlayout *lay)
{
	free(lay->v);
	memset(lay, 0, sizeof(*lay));
}

/* ---------------------------------------------------------------------
 * Drafts
 */
void
ui_draft_init(struct ui_draft *d)
{
	memset(d, 0, sizeof(*d));
	ui_lineed_init(&d->to);
	ui_lineed_init(&d->cc);
	ui_lineed_init(&d->bcc);
	ui_lineed_init(&d->subject);
	buf_init(&d->body);
}

void
ui_draft_release(struct ui_draft *d)
{
	ui_lineed_release(&d->to);
	ui_lineed_release(&d->cc);
	ui_lineed_release(&d->bcc);
	ui_lineed_release(&d->subject);
	buf_release(&d->body);
	for (size_t i = 0; i < d->natt; i++) {
		free(d->att[i].path);
		free(d->att[i].name);
		free(d->att[i].kept);
		buf_release(&d->att[i].data);
	}
	free(d->att);
	free(d->in_reply_to);
	free(d->references);
	free(d->reply_folder);
	memset(d, 0, sizeof(*d));
}

/* A header field's display value, decoded; "" when absent. */
static void
header_text(struct buf *out, const struct mime_message *m, const char *name,
	    const char *const *assumed)
{
	const struct mime_field *f = mime_headers_get(&m->root->headers, name);

	if (f)
		mime_decode_header(out, f->value.p, f->value.len, assumed);
}

static bool
is_own(const struct ui_draft_source *src, const char *addr)
{
	for (size_t i = 0; i < src->nown; i++)
		if (src->own[i] && ascii_strcasecmp(src->own[i], addr) == 0)
			return true;
	return false;
}

/* "Name <addr>" as a field holds it; a name with characters that mean
 * something in an address list is quoted. */
static void
put_addr(struct buf *out, const char *name, const char *addr)
{
	if (out->len)
		buf_addstr(out, ", ");
	if (!name || !*name) {
		buf_addstr(out, addr);
		return;
	}
	bool quote = strpbrk(name, ",;:<>@()[]\\\".") != NULL;
	if (quote) {
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

/* A set of addresses, compared without regard to ASCII case: open
 * addressing over a power-of-two table, so that a reply to all of a
 * message with thousands of recipients checks each one in constant time
 * rather than against every other. */
struct addr_set {
	char **v;   /* NULL: empty slot; owned strings */
	size_t cap; /* 0 or a power of two */
	size_t n;
};

static uint64_t
addr_hash(const char *a)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */

	for (; *a; a++) {
		unsigned char c = (unsigned char)*a;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 0x100000001b3u;
	}
	return h;
}

/* Add a; returns false when it was there already. */
static bool
addr_set_add(struct addr_set *set, const char *a)
{
	if ((set->n + 1) * 2 > set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 16;
		char **nv = xcalloc(ncap, sizeof(*nv));
		for (size_t i = 0; i < set->cap; i++) {
			if (!set->v[i])
				continue;
			size_t k = (size_t)addr_hash(set->v[i]) & (ncap - 1);
			while (nv[k])
				k = (k + 1) & (ncap - 1);
			nv[k] = set->v[i];
		}
		free(set->v);
		set->v = nv;
		set->cap = ncap;
	}
	size_t k = (size_t)addr_hash(a) & (set->cap - 1);
	for (; set->v[k]; k = (k + 1) & (set->cap - 1))
		if (ascii_strcasecmp(set->v[k], a) == 0)
			return false;
	set->v[k] = xstrdup(a);
	set->n++;
	return true;
}

static void
addr_set_release(struct addr_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* Add the addresses of header name to out, skipping one's own and those
 * already in seen. An address that would take the field past what the
 * line editor holds is counted in *left_out instead of being cut. */
static void
add_field_addrs(struct buf *out, const struct mime_message *m,
		const char *name, const struct ui_draft_source *src,
		struct addr_set *seen, bool drop_own, size_t *left_out)
{
	const struct mime_field *f = mime_headers_get(&m->root->headers, name);
	struct mime_addr_list l = { 0 };

	if (!f)
		return;
	mime_addr_parse(&l, f->value.p, f->value.len, src->assumed);
	for (size_t i = 0; i < l.n; i++) {
		const char *a = l.v[i].addr;
		if (!*a || (drop_own && is_own(src, a)))
			continue;
		if (!addr_set_add(seen, a))
			continue;
		size_t was = out->len;
		put_addr(out, l.v[i].name, a);
		if (out->len + 4 > UI_LINEED_MAX) { /* ui_lineed_set's room */
			buf_truncate(out, was);
			(*left_out)++;
		}
	}
	mime_addr_list_release(&l);
}

static char *
first_msgid(const struct mime_message *m, const char *name)
{
	const struct mime_field *f = mime_headers_get(&m->root->headers, name);
	struct buf ids = BUF_INIT;

	if (!f || mime_msgid_list(&ids, f->value.p, f->value.len) == 0) {
		buf_release(&ids);
		return NULL;
	}
	char *id = xstrdup(ids.data); /* up to the first NUL */
	buf_release(&ids);
	return id;
}

static char *
raw_value(const struct mime_message *m, const char *name)
{
	const struct mime_field *f = mime_headers_get(&m->root->headers, name);
	struct buf b = BUF_INIT;

	if (!f)
		return NULL;
	mime_unfold(&b, f->value.p, f->value.len);
	struct slice t = slice_trim(slice_make(b.data, b.len));
	char *s = slice_dup(t);
	buf_release(&b);
	return s;
}

/* The text of the message as the viewer shows it, for quoting. */
static void
body_text(struct buf *out, const struct mime_message *m)
{
	const struct mime_part *body = mime_choose_body(m, false);

	if (body)
		mime_part_text(out, m, body, 72);
	/* trailing blank lines say nothing */
	while (out->len && (out->data[out->len - 1] == '\n' ||
			    out->data[out->len - 1] == ' '))
		buf_truncate(out, out->len - 1);
}

/* The address of a List-Post value "<mailto:list@host>" (RFC 2369), or
 * NULL ("NO" and URLs other than mailto: give none). */
static char *
list_post(const struct mime_message *m)
{
	char *v = raw_value(m, "List-Post");
	char *addr = NULL;

	if (!v)
		return NULL;
	char *lt = strchr(v, '<');
	char *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		*gt = '\0';
		struct mime_mailto mt;
		struct perr e = PERR_INIT;
		if (ascii_strncasecmp(lt + 1, "mailto:", 7) == 0 &&
		    mime_mailto_parse(lt + 1, &mt, &e) == 0) {
			if (mt.nto)
				addr = xstrdup(mt.to[0]);
			mime_mailto_release(&mt);
		}
	}
	free(v);
	return addr;
}

int
ui_draft_from_message(struct ui_draft *d, enum ui_draft_mode mode,
		      const struct ui_draft_source *src, struct perr *e)
{
	struct mime_message m;
	struct buf b = BUF_INIT, t = BUF_INIT;
	struct addr_set seen = { 0 };
	int rc = -1;

	mime_message_parse(&m, src->raw, src->len, src->assumed);
	header_text(&t, &m, "Subject", src->assumed);
	char *subj = mode == UI_DRAFT_EDIT_AS_NEW ? xstrdup(t.data)
		     : mode == UI_DRAFT_FORWARD ||
				     mode == UI_DRAFT_FORWARD_ATTACH
			     ? mime_subject_forward(t.data)
			     : mime_subject_reply(t.data);
	ui_lineed_set(&d->subject, subj);
	free(subj);

	switch (mode) {
	case UI_DRAFT_REPLY:
	case UI_DRAFT_REPLY_ALL:
		/* Reply-To when the sender asked for it; one's own message
		 * answered goes back to its recipients */
		if (mime_headers_get(&m.root->headers, "Reply-To"))
			add_field_addrs(&b, &m, "Reply-To", src, &seen, false,
					&d->left_out);
		else
			add_field_addrs(&b, &m, "From", src, &seen, false,
					&d->left_out);
		if (mode == UI_DRAFT_REPLY_ALL) {
			/* oneself is never among the recipients, except
			 * when oneself was the only one asked */
			for (size_t i = 0; i < src->nown; i++)
				if (src->own[i])
					addr_set_add(&seen, src->own[i]);
			add_field_addrs(&b, &m, "To", src, &seen, true,
					&d->left_out);
			ui_lineed_set(&d->to, b.data);
			buf_reset(&b);
			add_field_addrs(&b, &m, "Cc", src, &seen, true,
					&d->left_out);
			ui_lineed_set(&d->cc, b.data);
		} else {
			ui_lineed_set(&d->to, b.data);
		}
		break;
	case UI_DRAFT_REPLY_LIST: {
		char *lp = list_post(&m);
		if (!lp) {
			perr_set(e, PERR_MESSAGE, "the message has no "
				 "List-Post address (not from a mailing list)");
			goto out;
		}
		ui_lineed_set(&d->to, lp);
		free(lp);
		break;
	}
	case UI_DRAFT_EDIT_AS_NEW:
		add_field_addrs(&b, &m, "To", src, &seen, false,
					&d->left_out);
		ui_lineed_set(&d->to, b.data);
		buf_reset(&b);
		add_field_addrs(&b, &m, "Cc", src, &seen, false,
					&d->left_out);
		ui_lineed_set(&d->cc, b.data);
		break;
	default:
		break;
	}

	buf_reset(&b);
	if (mode == UI_DRAFT_REPLY || mode == UI_DRAFT_REPLY_ALL ||
	    mode == UI_DRAFT_REPLY_LIST) {
		char *msgid = first_msgid(&m, "Message-ID");
		char *refs = raw_value(&m, "References");
		if (msgid) {
			d->in_reply_to = xstrdup(msgid);
			d->references = mime_reply_references(refs, msgid, 0);
			if (!*d->references) {
				free(d->references);
				d->references = NULL;
			}
		}
		free(msgid);
		free(refs);
		struct buf name = BUF_INIT, date = BUF_INIT;
		struct mime_addr_list from = { 0 };
		const struct mime_field *ff =
			mime_headers_get(&m.root->headers, "From");
		if (ff)
			mime_addr_parse(&from, ff->value.p, ff->value.len,
					src->assumed);
		header_text(&date, &m, "Date", src->assumed);
		char *attr = mime_attribution(
			src->attribution ? src->attribution
					 : "On %d, %n wrote:",
			date.data, from.n ? from.v[0].name : NULL,
			from.n ? from.v[0].addr : NULL);
		buf_addstr(&d->body, attr);
		buf_addch(&d->body, '\n');
		free(attr);
		body_text(&b, &m);
		mime_quote(&d->body, b.data, b.len);
		if (d->body.len && d->body.data[d->body.len - 1] != '\n')
			buf_addch(&d->body, '\n');
		buf_addch(&d->body, '\n');
		mime_addr_list_release(&from);
		buf_release(&name);
		buf_release(&date);
	} else if (mode == UI_DRAFT_FORWARD) {
		static const char *const fields[] = { "From", "Date",
						      "Subject", "To", "Cc" };
		buf_addstr(&d->body, "\n---------- Forwarded message "
				     "----------\n");
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			buf_reset(&t);
			header_text(&t, &m, fields[i], src->assumed);
			if (t.len)
				buf_addf(&d->body, "%s: %s\n", fields[i],
					 t.data);
		}
		buf_addch(&d->body, '\n');
		body_text(&b, &m);
		buf_add(&d->body, b.data, b.len);
		buf_addch(&d->body, '\n');
	} else if (mode == UI_DRAFT_FORWARD_ATTACH) {
		struct ui_attach *a;
		d->att = xgrow(d->att, &d->att_cap, d->natt + 1,
			       sizeof(*d->att));
		a = &d->att[d->natt++];
		memset(a, 0, sizeof(*a));
		buf_init(&a->data);
		buf_add(&a->data, src->raw, src->len);
		buf_reset(&t);
		header_text(&t, &m, "Subject", src->assumed);
		buf_addstr(&t, ".eml");
		a->name = mime_safe_filename(t.len > 4 ? t.data
						       : "message.eml");
		a->type = "message/rfc822";
		a->size = src->len;
	} else if (mode == UI_DRAFT_EDIT_AS_NEW) {
		body_text(&b, &m);
		buf_add(&d->body, b.data, b.len);
		buf_addch(&d->body, '\n');
	}
	rc = 0;
out:
	buf_release(&b);
	buf_release(&t);
	addr_set_release(&seen);
	mime_message_release(&m);
	return rc;
}

long
ui_draft_split_addrs(const char *field, const char *text, char ***names,
		     char ***addrs, struct perr *e)
{
	struct mime_addr_list l = { 0 };
	size_t n = 0;

	*names = *addrs = NULL;
	mime_addr_parse(&l, text, strlen(text), NULL);
	char **nv = xcalloc(l.n + 1, sizeof(*nv));
	char **av = xcalloc(l.n + 1, sizeof(*av));
	for (size_t i = 0; i < l.n; i++) {
		struct perr ae = PERR_INIT;
		if (!*l.v[i].addr && !*l.v[i].name)
			continue;
		if (mime_addr_check(l.v[i].addr, &ae) < 0) {
			perr_set(e, PERR_MESSAGE, "%s: bad address '%s': %s",
				 field, *l.v[i].addr ? l.v[i].addr
						     : l.v[i].name,
				 ae.msg);
			mime_strv_free(nv);
			mime_strv_free(av);
			mime_addr_list_release(&l);
			return -1;
		}
		nv[n] = xstrdup(l.v[i].name);
		av[n] = xstrdup(l.v[i].addr);
		n++;
	}
	mime_addr_list_release(&l);
	*names = nv;
	*addrs = av;
	return (long)n;
}

/* ---------------------------------------------------------------------
 * The draft file
 */
/* A value from outside (a folder name as the server sent it, a
 * Message-ID from the mail) goes into the draft file only when it is one
 * line: a line feed in it would add a field of its choosing, such as
 * "Attach: ~/.ssh/id_rsa" to be read back at recall. */
static bool
one_line(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return false;
	return true;
}

void
ui_draft_format(const struct ui_draft *d, const char *account,
		struct buf *out)
{
	buf_addf(out, "From-Account: %s\n", account ? account : "");
	buf_addf(out, "To: %s\n", d->to.text.data);
	buf_addf(out, "Cc: %s\n", d->cc.text.data);
	buf_addf(out, "Bcc: %s\n", d->bcc.text.data);
	buf_addf(out, "Subject: %s\n", d->subject.text.data);
	if (d->in_reply_to && one_line(d->in_reply_to))
		buf_addf(out, "In-Reply-To: %s\n", d->in_reply_to);
	if (d->references && one_line(d->references))
		buf_addf(out, "References: %s\n", d->references);
	if (d->is_reply && d->reply_folder && one_line(d->reply_folder)) {
		buf_addf(out, "Reply-Folder: %s\n", d->reply_folder);
		buf_addf(out, "Reply-UID: %u\n", (unsigned)d->reply_uid);
		buf_addf(out, "Reply-UIDVALIDITY: %u\n",
			 (unsigned)d->reply_uidvalidity);
		buf_addf(out, "Reply-Flag: %s\n",
			 d->forwarded ? "forwarded" : "answered");
	}
	for (size_t i = 0; i < d->natt; i++) {
		const struct ui_attach *a = &d->att[i];
		if (a->path && one_line(a->path))
			buf_addf(out, "Attach: %s\n", a->path);
		else if (!a->path && a->kept &&
			 ui_draft_kept_name_ok(a->kept) && one_line(a->type) &&
			 !strchr(a->type, ' ') && a->name && one_line(a->name))
			buf_addf(out, "Attach-Kept: %s %s %s\n", a->kept,
				 a->type, a->name);
	}
	if (d->server_uid)
		buf_addf(out, "Server-Draft: %u %u\n",
			 (unsigned)d->server_uidvalidity,
			 (unsigned)d->server_uid);
	buf_addf(out, "Signed: %s\n", d->signed_ ? "yes" : "no");
	buf_addch(out, '\n');
	buf_add(out, d->body.data, d->body.len);
}

bool
ui_draft_kept_name_ok(const char *name)
{
	size_t n;

	if (strncmp(name, "part-", 5) != 0)
		return false;
	for (n = 0; name[5 + n]; n++)
		if (name[5 + n] < '0' || name[5 + n] > '9' || n >= 9)
			return false;
	return n > 0;
}

/* An "Attach-Kept:" value "part-N TYPE NAME" into a new attachment of d;
 * false when it is not one. The type is a static string: message/rfc822
 * as written, any other guessed again from the name. */
static bool
parse_kept(struct ui_draft *d, struct slice v)
{
	struct slice kept, type;

	if (!slice_split(&v, ' ', &kept) || !slice_split(&v, ' ', &type))
		return false;
	v = slice_trim(v);
	char *k = slice_dup(kept);
	if (!ui_draft_kept_name_ok(k) || !v.len) {
		free(k);
		return false;
	}
	d->att = xgrow(d->att, &d->att_cap, d->natt + 1, sizeof(*d->att));
	struct ui_attach *a = &d->att[d->natt++];
	memset(a, 0, sizeof(*a));
	buf_init(&a->data);
	a->kept = k;
	char *n = slice_dup(v);
	a->name = mime_safe_filename(n);
	free(n);
	a->type = slice_eq(type, "message/rfc822")
			  ? "message/rfc822"
			  : mime_type_guess(a->name, NULL, 0);
	return true;
}

static bool
field_is(struct slice line, const char *name, struct slice *val)
{
	size_t n = strlen(name);

	if (line.len < n + 1 || ascii_strncasecmp(line.p, name, n) != 0 ||
	    line.p[n] != ':')
		return false;
	*val = slice_trim(slice_make(line.p + n + 1, line.len - n - 1));
	return true;
}

int
ui_draft_parse(struct ui_draft *d, const char *text, size_t len,
	       char **account, struct perr *e)
{
	size_t i = 0;
	bool any = false;

	*account = NULL;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
		struct slice line = slice_make(text + i, l), v;
		i += l + (nl ? 1 : 0);
		if (l == 0)
			break;
		char *s = NULL;
		if (field_is(line, "From-Account", &v)) {
			free(*account);
			*account = slice_dup(v);
		} else if (field_is(line, "To", &v)) {
			ui_lineed_set(&d->to, s = slice_dup(v));
		} else if (field_is(line, "Cc", &v)) {
			ui_lineed_set(&d->cc, s = slice_dup(v));
		} else if (field_is(line, "Bcc", &v)) {
			ui_lineed_set(&d->bcc, s = slice_dup(v));
		} else if (field_is(line, "Subject", &v)) {
			ui_lineed_set(&d->subject, s = slice_dup(v));
		} else if (field_is(line, "In-Reply-To", &v)) {
			free(d->in_reply_to);
			d->in_reply_to = slice_dup(v);
		} else if (field_is(line, "References", &v)) {
			free(d->references);
			d->references = slice_dup(v);
		} else if (field_is(line, "Reply-Folder", &v)) {
			free(d->reply_folder);
			d->reply_folder = slice_dup(v);
			d->is_reply = true;
		} else if (field_is(line, "Reply-UIDVALIDITY", &v)) {
			uint64_t u;
			if (slice_to_u64(v, UINT32_MAX, &u))
				d->reply_uidvalidity = (uint32_t)u;
		} else if (field_is(line, "Reply-Flag", &v)) {
			d->forwarded = slice_eq(v, "forwarded");
		} else if (field_is(line, "Reply-UID", &v)) {
			uint64_t u;
			if (slice_to_u64(v, UINT32_MAX, &u))
				d->reply_uid = (uint32_t)u;
		} else if (field_is(line, "Server-Draft", &v)) {
			struct slice uv;
			uint64_t a, b;
			if (slice_split(&v, ' ', &uv) &&
			    slice_to_u64(uv, UINT32_MAX, &a) &&
			    slice_to_u64(v, UINT32_MAX, &b)) {
				d->server_uidvalidity = (uint32_t)a;
				d->server_uid = (uint32_t)b;
			}
		} else if (field_is(line, "Signed", &v)) {
			d->signed_ = v.len == 3 && memcmp(v.p, "yes", 3) == 0;
		} else if (field_is(line, "Attach-Kept", &v)) {
			if (!parse_kept(d, v)) {
				free(*account);
				*account = NULL;
				return perr_set(e, PERR_MESSAGE, "not a postie "
						"draft: bad Attach-Kept line");
			}
		} else if (field_is(line, "Attach", &v)) {
			struct ui_attach *a;
			d->att = xgrow(d->att, &d->att_cap, d->natt + 1,
				       sizeof(*d->att));
			a = &d->att[d->natt++];
			memset(a, 0, sizeof(*a));
			buf_init(&a->data);
			a->path = slice_dup(v);
			const char *base = strrchr(a->path, '/');
			a->name = mime_safe_filename(base ? base + 1
							  : a->path);
			a->type = mime_type_guess(a->name, NULL, 0);
		} else {
			free(*account);
			*account = NULL;
			return perr_set(e, PERR_MESSAGE, "not a postie draft: "
					"unknown line '%.*s'",
					(int)(l > 40 ? 40 : l), line.p);
		}
		free(s);
		any = true;
	}
	if (!any) {
		free(*account);
		*account = NULL;
		return perr_set(e, PERR_MESSAGE, "not a postie draft: no "
				"header lines");
	}
	buf_add(&d->body, text + i, len - i);
	return 0;
}
