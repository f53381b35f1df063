/* SPDX-License-Identifier: ISC */
/*
 * HTML to plain text, so that mail sent only as HTML (QQ, 163, 126 and most
 * newsletters) reads well in the pager without an external program.
 *
 * A tolerant tokenizer walks the bytes once: tags with quoted or bare
 * attributes, comments, CDATA, declarations, end tags, and a stray '<'
 * taken as text. No tree is built; a small renderer keeps only what the
 * text needs (list levels, blockquote depth, pre depth, the open link),
 * so time is linear and memory bounded by the input whatever the nesting.
 * An unterminated comment, quote or raw-text element swallows the rest of
 * the input, as a browser would, and is never rescanned.
 *
 * Wrapping measures in cells with base's width tables, never the
 * locale's wcwidth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/buf.h"
#include "postie/mime_text.h"

/* ---------------------------------------------------------------------
 * Width: base's tables (text_cp_width), so that wrapped text lines up
 * with what the screen measures.
 */

int
mime_cp_width(uint32_t cp)
{
	int w = text_cp_width(cp);
	return w < 0 ? 0 : w;
}

size_t
mime_text_width(const char *s, size_t len)
{
	return text_width(s, len);
}

/* ---------------------------------------------------------------------
 * Entities
 */

struct entity {
	const char *name;
	uint32_t cp;
};

/* The HTML 4 set plus &apos;, sorted by name (bytewise) for a binary
 * search. HTML5 adds two thousand more; mail uses these. */
static const struct entity entities[] = {
	{ "AElig", 0xc6 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 },
	{ "Agrave", 0xc0 }, { "Alpha", 0x391 }, { "Aring", 0xc5 },
	{ "Atilde", 0xc3 }, { "Auml", 0xc4 }, { "Beta", 0x392 },
	{ "Ccedil", 0xc7 }, { "Chi", 0x3a7 }, { "Dagger", 0x2021 },
	{ "Delta", 0x394 }, { "ETH", 0xd0 }, { "Eacute", 0xc9 },
	{ "Ecirc", 0xca }, { "Egrave", 0xc8 }, { "Epsilon", 0x395 },
	{ "Eta", 0x397 }, { "Euml", 0xcb }, { "Gamma", 0x393 },
	{ "Iacute", 0xcd }, { "Icirc", 0xce }, { "Igrave", 0xcc },
	{ "Iota", 0x399 }, { "Iuml", 0xcf }, { "Kappa", 0x39a },
	{ "Lambda", 0x39b }, { "Mu", 0x39c }, { "Ntilde", 0xd1 },
	{ "Nu", 0x39d }, { "OElig", 0x152 }, { "Oacute", 0xd3 },
	{ "Ocirc", 0xd4 }, { "Ograve", 0xd2 }, { "Omega", 0x3a9 },
	{ "Omicron", 0x39f }, { "Oslash", 0xd8 }, { "Otilde", 0xd5 },
	{ "Ouml", 0xd6 }, { "Phi", 0x3a6 }, { "Pi", 0x3a0 },
	{ "Prime", 0x2033 }, { "Psi", 0x3a8 }, { "Rho", 0x3a1 },
	{ "Scaron", 0x160 }, { "Sigma", 0x3a3 }, { "THORN", 0xde },
	{ "Tau", 0x3a4 }, { "Theta", 0x398 }, { "Uacute", 0xda },
	{ "Ucirc", 0xdb }, { "Ugrave", 0xd9 }, { "Upsilon", 0x3a5 },
	{ "Uuml", 0xdc }, { "Xi", 0x39e }, { "Yacute", 0xdd },
	{ "Yuml", 0x178 }, { "Zeta", 0x396 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "acute", 0xb4 }, { "aelig", 0xe6 },
	{ "agrave", 0xe0 }, { "alefsym", 0x2135 }, { "alpha", 0x3b1 },
	{ "amp", 0x26 }, { "and", 0x2227 }, { "ang", 0x2220 },
	{ "apos", 0x27 }, { "aring", 0xe5 }, { "asymp", 0x2248 },
	{ "atilde", 0xe3 }, { "auml", 0xe4 }, { "bdquo", 0x201e },
	{ "beta", 0x3b2 }, { "brvbar", 0xa6 }, { "bull", 0x2022 },
	{ "cap", 0x2229 }, { "ccedil", 0xe7 }, { "cedil", 0xb8 },
	{ "cent", 0xa2 }, { "chi", 0x3c7 }, { "circ", 0x2c6 },
	{ "clubs", 0x2663 }, { "cong", 0x2245 }, { "copy", 0xa9 },
	{ "crarr", 0x21b5 }, { "cup", 0x222a }, { "curren", 0xa4 },
	{ "dArr", 0x21d3 }, { "dagger", 0x2020 }, { "darr", 0x2193 },
	{ "deg", 0xb0 }, { "delta", 0x3b4 }, { "diams", 0x2666 },
	{ "divide", 0xf7 }, { "eacute", 0xe9 }, { "ecirc", 0xea },
	{ "egrave", 0xe8 }, { "empty", 0x2205 }, { "emsp", 0x2003 },
	{ "ensp", 0x2002 }, { "epsilon", 0x3b5 }, { "equiv", 0x2261 },
	{ "eta", 0x3b7 }, { "eth", 0xf0 }, { "euml", 0xeb },
	{ "euro", 0x20ac }, { "exist", 0x2203 }, { "fnof", 0x192 },
	{ "forall", 0x2200 }, { "frac12", 0xbd }, { "frac14", 0xbc },
	{ "frac34", 0xbe }, { "frasl", 0x2044 }, { "gamma", 0x3b3 },
	{ "ge", 0x2265 }, { "gt", 0x3e }, { "hArr", 0x21d4 },
	{ "harr", 0x2194 }, { "hearts", 0x2665 }, { "hellip", 0x2026 },
	{ "iacute", 0xed }, { "icirc", 0xee }, { "iexcl", 0xa1 },
	{ "igrave", 0xec }, { "image", 0x2111 }, { "infin", 0x221e },
	{ "int", 0x222b }, { "iota", 0x3b9 }, { "iquest", 0xbf },
	{ "isin", 0x2208 }, { "iuml", 0xef }, { "kappa", 0x3ba },
	{ "lArr", 0x21d0 }, { "lambda", 0x3bb }, { "lang", 0x2329 },
	{ "laquo", 0xab }, { "larr", 0x2190 }, { "lceil", 0x2308 },
	{ "ldquo", 0x201c }, { "le", 0x2264 }, { "lfloor", 0x230a },
	{ "lowast", 0x2217 }, { "loz", 0x25ca }, { "lrm", 0x200e },
	{ "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", 0x3c },
	{ "macr", 0xaf }, { "mdash", 0x2014 }, { "micro", 0xb5 },
	{ "middot", 0xb7 }, { "minus", 0x2212 }, { "mu", 0x3bc },
	{ "nabla", 0x2207 }, { "nbsp", 0xa0 }, { "ndash", 0x2013 },
	{ "ne", 0x2260 }, { "ni", 0x220b }, { "not", 0xac },
	{ "notin", 0x2209 }, { "nsub", 0x2284 }, { "ntilde", 0xf1 },
	{ "nu", 0x3bd }, { "oacute", 0xf3 }, { "ocirc", 0xf4 },
	{ "oelig", 0x153 }, { "ograve", 0xf2 }, { "oline", 0x203e },
	{ "omega", 0x3c9 }, { "omicron", 0x3bf }, { "oplus", 0x2295 },
	{ "or", 0x2228 }, { "ordf", 0xaa }, { "ordm", 0xba },
	{ "oslash", 0xf8 }, { "otilde", 0xf5 }, { "otimes", 0x2297 },
	{ "ouml", 0xf6 }, { "para", 0xb6 }, { "part", 0x2202 },
	{ "permil", 0x2030 }, { "perp", 0x22a5 }, { "phi", 0x3c6 },
	{ "pi", 0x3c0 }, { "piv", 0x3d6 }, { "plusmn", 0xb1 },
	{ "pound", 0xa3 }, { "prime", 0x2032 }, { "prod", 0x220f },
	{ "prop", 0x221d }, { "psi", 0x3c8 }, { "quot", 0x22 },
	{ "rArr", 0x21d2 }, { "radic", 0x221a }, { "rang", 0x232a },
	{ "raquo", 0xbb }, { "rarr", 0x2192 }, { "rceil", 0x2309 },
	{ "rdquo", 0x201d }, { "real", 0x211c }, { "reg", 0xae },
	{ "rfloor", 0x230b }, { "rho", 0x3c1 }, { "rlm", 0x200f },
	{ "rsaquo", 0x203a }, { "rsquo", 0x2019 }, { "sbquo", 0x201a },
	{ "scaron", 0x161 }, { "sdot", 0x22c5 }, { "sect", 0xa7 },
	{ "shy", 0xad }, { "sigma", 0x3c3 }, { "sigmaf", 0x3c2 },
	{ "sim", 0x223c }, { "spades", 0x2660 }, { "sub", 0x2282 },
	{ "sube", 0x2286 }, { "sum", 0x2211 }, { "sup", 0x2283 },
	{ "sup1", 0xb9 }, { "sup2", 0xb2 }, { "sup3", 0xb3 },
	{ "supe", 0x2287 }, { "szlig", 0xdf }, { "tau", 0x3c4 },
	{ "there4", 0x2234 }, { "theta", 0x3b8 }, { "thetasym", 0x3d1 },
	{ "thinsp", 0x2009 }, { "thorn", 0xfe }, { "tilde", 0x2dc },
	{ "times", 0xd7 }, { "trade", 0x2122 }, { "uArr", 0x21d1 },
	{ "uacute", 0xfa }, { "uarr", 0x2191 }, { "ucirc", 0xfb },
	{ "ugrave", 0xf9 }, { "uml", 0xa8 }, { "upsih", 0x3d2 },
	{ "upsilon", 0x3c5 }, { "uuml", 0xfc }, { "weierp", 0x2118 },
	{ "xi", 0x3be }, { "yacute", 0xfd }, { "yen", 0xa5 }, { "yuml", 0xff },
	{ "zeta", 0x3b6 }, { "zwj", 0x200d }, { "zwnj", 0x200c },
};

/* Windows-1252 meanings of the C1 range, which numeric references in real
 * mail use for quotes and dashes (&#146; is a right quote). */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

static bool
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int
hex_val(int c)
{
	if (is_digit(c))
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static const struct entity *
entity_find(const char *name, size_t n)
{
	size_t lo = 0, hi = ARRAY_SIZE(entities);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = entities[mid].name;
		int c = strncmp(name, e, n);
		if (c == 0 && e[n] != '\0')
			c = -1;
		if (c < 0)
			hi = mid;
		else if (c > 0)
			lo = mid + 1;
		else
			return &entities[mid];
	}
	return NULL;
}

/* Names browsers accept without the ';', as old mail writes them. */
static bool
entity_bare_ok(const char *name, size_t n)
{
	static const char *const bare[] = { "amp", "lt", "gt", "quot",
					    "nbsp", "copy", "reg" };

	for (size_t i = 0; i < ARRAY_SIZE(bare); i++)
		if (strlen(bare[i]) == n && memcmp(bare[i], name, n) == 0)
			return true;
	return false;
}

/* Decode the reference at p (p[0] == '&'). Returns the bytes used and the
 * code point in *cp, or 0 when this is no reference (the '&' is then
 * text). Numeric references out of range give U+FFFD. */
static size_t
entity_decode(const char *p, size_t len, uint32_t *cp)
{
	size_t i = 1;

	if (len < 3)
		return 0;
	if (p[1] == '#') {
		bool hex = len > 2 && (p[2] == 'x' || p[2] == 'X');
		uint32_t v = 0;
		size_t start;

		i = hex ? 3 : 2;
		start = i;
		for (; i < len; i++) {
			int d = hex ? hex_val((unsigned char)p[i])
				    : (is_digit(p[i]) ? p[i] - '0' : -1);
			if (d < 0)
				break;
			if (v <= 0x10ffff)
				v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (i == start)
			return 0;
		if (i < len && p[i] == ';')
			i++;
		if (v >= 0x80 && v < 0xa0)
			v = cp1252_c1[v - 0x80];
		else if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
			v = 0xfffd;
		*cp = v;
		return i;
	}
	while (i < len && i < 33 && is_alnum(p[i]))
		i++;
	if (i == 1)
		return 0;
	const struct entity *e = entity_find(p + 1, i - 1);
	if (!e)
		return 0;
	if (i < len && p[i] == ';') {
		*cp = e->cp;
		return i + 1;
	}
	if (!entity_bare_ok(p + 1, i - 1))
		return 0;
	*cp = e->cp;
	return i;
}

/* Append (s, n) with references decoded and invalid UTF-8 replaced. */
static void
decode_to(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k;

		if (s[i] == '&' && (k = entity_decode(s + i, n - i, &cp))) {
			utf8_encode(out, cp);
			i += k;
			continue;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			utf8_encode(out, 0xfffd);
			i++;
			continue;
		}
		buf_add(out, s + i, k);
		i += k;
	}
}

/* ---------------------------------------------------------------------
 * Tokenizer
 */

enum attr_id {
	A_HREF,
	A_ALT,
	A_WIDTH,
	A_HEIGHT,
	A_START,
	A_CHARSET,
	A_HTTP_EQUIV,
	A_CONTENT,
	A_CLASS,
	A_COUNT
};

static const char *const attr_names[A_COUNT] = {
	"href", "alt", "width", "height", "start", "charset", "http-equiv",
	"content", "class",
};

struct tag {
	char name[12];  /* lower case; "" when longer than fits */
	bool end;       /* </name> */
	bool self_close;
	const char *val[A_COUNT]; /* raw value or NULL when absent */
	size_t vlen[A_COUNT];
};

enum tok { TOK_TEXT, TOK_TAG, TOK_CDATA, TOK_SKIP, TOK_END };

static bool
at_ci(const char *p, size_t len, const char *s)
{
	size_t n = strlen(s);
	return len >= n && ascii_strncasecmp(p, s, n) == 0;
}

static const char *
find_str(const char *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	while (len >= n) {
		const char *q = memchr(p, s[0], len - n + 1);
		if (!q)
			return NULL;
		if (memcmp(q, s, n) == 0)
			return q;
		len -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return NULL;
}

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Read the name and attributes of a tag; p[*i] is just past "<" or "</".
 * Returns false when the input ends inside the tag. */
static bool
read_tag(const char *p, size_t len, size_t *i, struct tag *t)
{
	size_t k = *i, n = 0;

	while (k < len && !is_space(p[k]) && p[k] != '>' && p[k] != '/') {
		if (n + 1 < sizeof(t->name))
			t->name[n] = (char)ascii_lower((unsigned char)p[k]);
		n++;
		k++;
	}
	t->name[n + 1 < sizeof(t->name) ? n : 0] = '\0';
	for (;;) {
		while (k < len && (is_space(p[k]) || p[k] == '/')) {
			t->self_close = p[k] == '/';
			k++;
		}
		if (k >= len)
			return false;
		if (p[k] == '>') {
			*i = k + 1;
			return true;
		}
		t->self_close = false;
		size_t ns = k++;
		while (k < len && !is_space(p[k]) && p[k] != '>' &&
		       p[k] != '/' && p[k] != '=')
			k++;
		size_t nl = k - ns;
		while (k < len && is_space(p[k]))
			k++;
		const char *v = NULL;
		size_t vl = 0;
		if (k < len && p[k] == '=') {
			k++;
			while (k < len && is_space(p[k]))
				k++;
			if (k >= len)
				return false;
			if (p[k] == '"' || p[k] == '\'') {
				const char *q = memchr(p + k + 1, p[k],
						       len - k - 1);
				if (!q)
					return false;
				v = p + k + 1;
				vl = (size_t)(q - v);
				k = (size_t)(q - p) + 1;
			} else {
				v = p + k;
				while (k < len && !is_space(p[k]) &&
				       p[k] != '>')
					k++;
				vl = (size_t)(p + k - v);
			}
		}
		for (int a = 0; a < A_COUNT; a++) {
			if (strlen(attr_names[a]) == nl && !t->val[a] &&
			    ascii_strncasecmp(p + ns, attr_names[a], nl) == 0) {
				t->val[a] = v ? v : "";
				t->vlen[a] = vl;
			}
		}
	}
}

/* The next token from p[*i]. For TOK_TEXT and TOK_CDATA, (*s, *n) is the
 * raw text; for TOK_TAG, *t is filled. */
static enum tok
next_token(const char *p, size_t len, size_t *i, const char **s, size_t *n,
	   struct tag *t)
{
	size_t k = *i;

	if (k >= len)
		return TOK_END;
	if (p[k] != '<') {
		const char *lt = memchr(p + k, '<', len - k);
		size_t e = lt ? (size_t)(lt - p) : len;
		*s = p + k;
		*n = e - k;
		*i = e;
		return TOK_TEXT;
	}
	if (at_ci(p + k, len - k, "<!--")) {
		const char *q = find_str(p + k + 4, len - k - 4, "-->");
		*i = q ? (size_t)(q - p) + 3 : len;
		return TOK_SKIP;
	}
	if (at_ci(p + k, len - k, "<![cdata[")) {
		const char *q = find_str(p + k + 9, len - k - 9, "]]>");
		*s = p + k + 9;
		*n = q ? (size_t)(q - *s) : len - k - 9;
		*i = q ? (size_t)(q - p) + 3 : len;
		return TOK_CDATA;
	}
	if (k + 1 < len && (p[k + 1] == '!' || p[k + 1] == '?')) {
		const char *q = memchr(p + k, '>', len - k);
		*i = q ? (size_t)(q - p) + 1 : len;
		return TOK_SKIP;
	}
	bool end = k + 1 < len && p[k + 1] == '/';
	size_t ns = k + (end ? 2 : 1);
	if (ns >= len || !is_alpha(p[ns])) {
		/* A stray '<' (or "</" with no name) is text. */
		*s = p + k;
		*n = 1;
		*i = k + 1;
		return TOK_TEXT;
	}
	memset(t, 0, sizeof(*t));
	t->end = end;
	*i = ns;
	if (!read_tag(p, len, i, t)) {
		*i = len;
		return TOK_SKIP;
	}
	return TOK_TAG;
}

/* ---------------------------------------------------------------------
 * Renderer
 */

#define MAX_QUOTE_SHOWN 32
#define MAX_LIST_LEVELS 1000
#define MAX_INDENT 40
#define MAX_LINK_TEXT 4096

struct list_level {
	bool ordered;
	long counter;
	size_t indent;  /* where the marker goes */
	size_t content; /* where the item's text goes */
};

struct h2t {
	struct buf *out;
	size_t width;

	struct buf line; /* the line being filled, prefix included */
	bool started;    /* line holds its prefix */
	size_t col;      /* cells in line */
	size_t prefix;   /* cells of the prefix */

	struct buf word; /* the word being gathered */
	size_t word_cells;
	bool space;      /* white space before the next word */

	bool want_blank; /* a blank line is due before more text */
	size_t blank_depth;
	bool last_blank; /* the last line written was blank */
	bool any;        /* a line has been written */

	size_t quote;
	size_t pre;
	bool pre_skip_nl;
	bool cell_in_row;
	bool in_mso_p; /* inside an Outlook line paragraph */

	struct list_level *lists;
	size_t nlists, caplists, list_overflow;
	bool marker_pending;
	char marker[32];

	bool in_link;
	char *href; /* NULL for a link not worth listing */
	struct buf link_text;
	char **urls;
	size_t nurls, capurls;
	size_t *slots; /* hash of urls: index + 1, 0 for empty */
	size_t nslots;
};

static void
add_quote_prefix(struct buf *b, size_t depth, bool blank)
{
	size_t shown = depth > MAX_QUOTE_SHOWN ? MAX_QUOTE_SHOWN : depth;

	for (size_t i = 0; i < shown; i++)
		buf_addch(b, '>');
	if (shown && !blank)
		buf_addch(b, ' ');
}

static void
write_blank(struct h2t *h, size_t depth)
{
	add_quote_prefix(h->out, depth, true);
	buf_addch(h->out, '\n');
	h->last_blank = true;
	h->any = true;
}

static void
start_line(struct h2t *h)
{
	if (h->want_blank) {
		if (h->any && !h->last_blank)
			write_blank(h, h->blank_depth);
		h->want_blank = false;
	}
	buf_reset(&h->line);
	add_quote_prefix(&h->line, h->quote, false);
	if (h->nlists) {
		const struct list_level *l = &h->lists[h->nlists - 1];
		size_t ind = h->marker_pending ? l->indent : l->content;
		for (size_t i = 0; i < ind; i++)
			buf_addch(&h->line, ' ');
	}
	if (h->marker_pending) {
		buf_addstr(&h->line, h->marker);
		h->marker_pending = false;
	}
	h->col = h->prefix = h->line.len;
	h->started = true;
}

static void
end_line(struct h2t *h)
{
	if (!h->started)
		return;
	size_t n = h->line.len;
	while (n > 0 && h->line.data[n - 1] == ' ')
		n--;
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		blank = h->line.data[i] == '>';
	h->started = false;
	/* Outside pre, runs of empty lines (<br><br><br>, paragraphs of
	 * &nbsp;) shrink to one: the text is read in a pager. */
	if (blank && !h->pre && (h->last_blank || !h->any)) {
		h->space = false;
		return;
	}
	buf_add(h->out, h->line.data, n);
	buf_addch(h->out, '\n');
	h->last_blank = blank;
	h->any = true;
	h->space = false;
}

static void
emit_word(struct h2t *h, const char *w, size_t n, size_t cells, bool sep,
	  bool breakable)
{
	if (!h->started) {
		start_line(h);
		sep = false;
	} else if (h->width && breakable && h->col > h->prefix &&
		   h->col + (sep ? 1 : 0) + cells > h->width) {
		end_line(h);
		start_line(h);
		sep = false;
	}
	if (h->col == h->prefix)
		sep = false;
	if (sep) {
		buf_addch(&h->line, ' ');
		h->col++;
	}
	buf_add(&h->line, w, n);
	h->col += cells;
}

/* The visible text of the open link, white space collapsed, kept to
 * compare with its URL. */
static void
link_text_add(struct h2t *h, uint32_t cp)
{
	struct buf *t = &h->link_text;

	if (t->len >= MAX_LINK_TEXT)
		return;
	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    cp == '\f' || cp == 0xa0) {
		if (t->len && t->data[t->len - 1] != ' ')
			buf_addch(t, ' ');
		return;
	}
	utf8_encode(t, cp);
}

static void
flush_word(struct h2t *h)
{
	if (!h->word.len)
		return;
	emit_word(h, h->word.data, h->word.len, h->word_cells, h->space,
		  true);
	h->space = false;
	buf_reset(&h->word);
	h->word_cells = 0;
}

/* Wide punctuation that must not begin a line. */
static bool
is_closing(uint32_t cp)
{
	switch (cp) {
	case 0x3001: case 0x3002: case 0x3009: case 0x300b: case 0x300d:
	case 0x300f: case 0x3011: case 0x3015: case 0xff01: case 0xff09:
	case 0xff0c: case 0xff0e: case 0xff1a: case 0xff1b: case 0xff1f:
	case 0xff5d:
		return true;
	default:
		return false;
	}
}

static void
feed_pre(struct h2t *h, uint32_t cp)
{
	if (h->pre_skip_nl) {
		h->pre_skip_nl = false;
		if (cp == '\n')
			return;
	}
	if (cp == '\r')
		return;
	if (cp == '\n') {
		if (!h->started)
			start_line(h);
		end_line(h);
		return;
	}
	if (cp != '\t' && mime_cp_width(cp) == 0 && cp < 0xa0)
		return;
	if (!h->started)
		start_line(h);
	if (cp == 0xa0)
		cp = ' ';
	utf8_encode(&h->line, cp);
	h->col += cp == '\t' ? 8 - (h->col % 8) : (size_t)mime_cp_width(cp);
}

static void
feed(struct h2t *h, uint32_t cp)
{
	if (h->in_link)
		link_text_add(h, cp);
	if (h->pre) {
		feed_pre(h, cp);
		return;
	}
	if (is_space((int)cp) && cp < 0x80) {
		flush_word(h);
		h->space = true;
		return;
	}
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad)
		return;
	int w = mime_cp_width(cp);
	if (w == 2) {
		/* CJK text has no spaces: each wide character is a word of
		 * its own that joins its neighbours without one. */
		flush_word(h);
		utf8_encode(&h->word, cp);
		emit_word(h, h->word.data, h->word.len, 2, h->space,
			  !is_closing(cp));
		buf_reset(&h->word);
		h->space = false;
		return;
	}
	if (cp == 0xa0)
		buf_addch(&h->word, ' ');
	else
		utf8_encode(&h->word, cp);
	h->word_cells += (size_t)w;
}

/* Feed raw text (with references when decode) to the renderer. */
static void
feed_text(struct h2t *h, const char *s, size_t n, bool decode)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k;

		if (decode && s[i] == '&' &&
		    (k = entity_decode(s + i, n - i, &cp))) {
			feed(h, cp);
			i += k;
			continue;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			feed(h, 0xfffd);
			i++;
			continue;
		}
		feed(h, cp);
		i += k;
	}
}

static void
request_blank(struct h2t *h)
{
	flush_word(h);
	end_line(h);
	if (!h->want_blank || h->quote < h->blank_depth)
		h->blank_depth = h->quote;
	h->want_blank = true;
}

static void
line_break(struct h2t *h)
{
	flush_word(h);
	end_line(h);
}

static void
attr_value(const struct tag *t, enum attr_id a, struct buf *b)
{
	buf_reset(b);
	if (t->val[a])
		decode_to(b, t->val[a], t->vlen[a]);
}

/* An href is listed unless it is empty, a fragment or script. */
static char *
link_target(const struct tag *t)
{
	struct buf b = BUF_INIT;
	struct buf clean = BUF_INIT;

	attr_value(t, A_HREF, &b);
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] > ' ')
			buf_addch(&clean, b.data[i]);
	buf_release(&b);
	if (clean.len == 0 || clean.data[0] == '#' ||
	    at_ci(clean.data, clean.len, "javascript:") ||
	    at_ci(clean.data, clean.len, "vbscript:") ||
	    at_ci(clean.data, clean.len, "data:")) {
		buf_release(&clean);
		return NULL;
	}
	return buf_detach(&clean, NULL);
}

/* Does the visible text already say where the link goes? */
static bool
text_is_url(const char *text, const char *url)
{
	static const char *const schemes[] = { "mailto:", "https://",
					       "http://", "" };
	size_t tn = strlen(text);

	while (tn && text[tn - 1] == '/')
		tn--;
	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++) {
		size_t sn = strlen(schemes[i]);
		if (ascii_strncasecmp(url, schemes[i], sn) != 0)
			continue;
		const char *rest = url + sn;
		size_t rn = strlen(rest);
		while (rn && rest[rn - 1] == '/')
			rn--;
		if (rn == tn && memcmp(rest, text, tn) == 0)
			return true;
		/* the text may carry the scheme too */
		if (tn > 0 && ascii_strncasecmp(text, schemes[i], sn) == 0 &&
		    tn - sn == rn && memcmp(text + sn, rest, rn) == 0)
			return true;
	}
	return false;
}

static size_t
url_hash(const char *s)
{
	size_t v = 2166136261u;

	for (; *s; s++)
		v = (v ^ (unsigned char)*s) * 16777619u;
	return v;
}

/* The index of url among the listed ones, or h->nurls (with room made)
 * when it is new. A hash table keeps a mail with 100,000 distinct links
 * linear. */
static size_t
url_index(struct h2t *h, const char *url)
{
	if (2 * (h->nurls + 1) > h->nslots) {
		size_t n = h->nslots ? 2 * h->nslots : 64;
		free(h->slots);
		h->slots = xcalloc(n, sizeof(*h->slots));
		h->nslots = n;
		for (size_t i = 0; i < h->nurls; i++) {
			size_t k = url_hash(h->urls[i]) & (n - 1);
			while (h->slots[k])
				k = (k + 1) & (n - 1);
			h->slots[k] = i + 1;
		}
	}
	size_t k = url_hash(url) & (h->nslots - 1);
	while (h->slots[k]) {
		if (strcmp(h->urls[h->slots[k] - 1], url) == 0)
			return h->slots[k] - 1;
		k = (k + 1) & (h->nslots - 1);
	}
	h->slots[k] = h->nurls + 1;
	h->urls = xgrow(h->urls, &h->capurls, h->nurls + 1, sizeof(*h->urls));
	return h->nurls;
}

static void
link_close(struct h2t *h)
{
	if (!h->in_link)
		return;
	flush_word(h);
	h->in_link = false;
	if (!h->href)
		return;
	struct buf *lt = &h->link_text;
	while (lt->len && lt->data[lt->len - 1] == ' ')
		buf_truncate(lt, lt->len - 1);
	if (h->link_text.len && text_is_url(h->link_text.data, h->href)) {
		free(h->href);
		h->href = NULL;
		return;
	}
	size_t idx = url_index(h, h->href);
	if (idx == h->nurls)
		h->urls[h->nurls++] = h->href;
	else
		free(h->href);
	h->href = NULL;
	char ref[32];
	int rn = snprintf(ref, sizeof(ref), "[%zu]", idx + 1);
	/* The number sticks to the link's text; alone it is a word. */
	bool alone = h->link_text.len == 0;
	emit_word(h, ref, (size_t)rn, (size_t)rn, alone && h->space, alone);
	h->space = false;
}

static bool
name_is(const struct tag *t, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t->name, names[i]) == 0)
			return true;
	return false;
}

static const char *const para_tags[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dl", "figure",
};

static const char *const line_tags[] = {
	"div", "tr", "dt", "dd", "address", "center", "section", "article",
	"header", "footer", "nav", "form", "fieldset", "figcaption", "main",
	"aside", "details", "summary", "caption", "tbody", "thead", "tfoot",
	"body", "html", "li", "option", "legend",
};

/* Elements whose content is not shown at all. */
static const char *const raw_skip_tags[] = {
	"script", "style", "title", "noscript", "template",
	"textarea", "select", "object", "svg", "math", "iframe", "noembed",
	"noframes", "xml",
};

static void
list_open(struct h2t *h, const struct tag *t, bool ordered)
{
	if (h->nlists == 0)
		request_blank(h);
	else
		line_break(h);
	if (h->nlists >= MAX_LIST_LEVELS) {
		h->list_overflow++;
		return;
	}
	size_t cap = MAX_INDENT;
	if (h->width && h->width / 2 < cap)
		cap = h->width / 2;
	struct list_level l = { ordered, 1, 0, 2 };
	if (h->nlists) {
		l.indent = h->lists[h->nlists - 1].content;
		if (l.indent > cap)
			l.indent = cap;
	}
	l.content = l.indent + 2;
	if (ordered && t->val[A_START]) {
		struct buf v = BUF_INIT;
		attr_value(t, A_START, &v);
		uint64_t n;
		if (slice_to_u64(slice_trim(slice_make(v.data, v.len)),
				 1000000, &n))
			l.counter = (long)n;
		buf_release(&v);
	}
	h->lists = xgrow(h->lists, &h->caplists, h->nlists + 1,
			 sizeof(*h->lists));
	h->lists[h->nlists++] = l;
}

static void
list_close(struct h2t *h)
{
	line_break(h);
	h->marker_pending = false;
	if (h->list_overflow)
		h->list_overflow--;
	else if (h->nlists)
		h->nlists--;
	if (h->nlists == 0)
		request_blank(h);
}

static void
list_item(struct h2t *h)
{
	line_break(h);
	if (h->nlists == 0) {
		snprintf(h->marker, sizeof(h->marker), "* ");
		h->marker_pending = true;
		return;
	}
	struct list_level *l = &h->lists[h->nlists - 1];
	if (l->ordered)
		snprintf(h->marker, sizeof(h->marker), "%ld. ",
			 l->counter++);
	else
		snprintf(h->marker, sizeof(h->marker), "* ");
	l->content = l->indent + strlen(h->marker);
	h->marker_pending = true;
}

static void
image(struct h2t *h, const struct tag *t)
{
	struct buf alt = BUF_INIT;

	attr_value(t, A_ALT, &alt);
	struct slice s = slice_trim(slice_make(alt.data, alt.len));
	if (s.len == 0) {
		/* Tracking pixels and spacers say nothing. */
		for (int a = A_WIDTH; a <= A_HEIGHT; a++) {
			struct buf v = BUF_INIT;
			attr_value(t, (enum attr_id)a, &v);
			struct slice d = slice_trim(slice_make(v.data, v.len));
			bool tiny = slice_eq(d, "0") || slice_eq(d, "1") ||
				    slice_eq(d, "0px") || slice_eq(d, "1px");
			buf_release(&v);
			if (tiny) {
				buf_release(&alt);
				return;
			}
		}
		feed_text(h, " [image] ", 9, false);
	} else {
		struct buf txt = BUF_INIT;
		buf_addstr(&txt, " [image: ");
		buf_add(&txt, s.p, s.len);
		buf_addstr(&txt, "] ");
		feed_text(h, txt.data, txt.len, false);
		buf_release(&txt);
	}
	buf_release(&alt);
}

static void
hrule(struct h2t *h)
{
	request_blank(h);
	size_t n = 40;
	if (h->width && h->width < n)
		n = h->width;
	start_line(h);
	for (size_t i = 0; i < n; i++)
		buf_addch(&h->line, '-');
	h->col += n;
	end_line(h);
	request_blank(h);
}

static void
handle_tag(struct h2t *h, const struct tag *t)
{
	const char *n = t->name;

	if (!n[0])
		return;
	if (strcmp(n, "br") == 0) {
		if (t->end)
			return;
		flush_word(h);
		if (h->pre) {
			feed_pre(h, '\n');
			return;
		}
		if (!h->started)
			start_line(h);
		end_line(h);
		return;
	}
	if (strcmp(n, "a") == 0) {
		link_close(h);
		if (t->end || t->self_close)
			return;
		h->in_link = true;
		h->href = link_target(t);
		buf_reset(&h->link_text);
		return;
	}
	if (strcmp(n, "img") == 0) {
		if (!t->end)
			image(h, t);
		return;
	}
	if (strcmp(n, "hr") == 0) {
		if (!t->end)
			hrule(h);
		return;
	}
	if (strcmp(n, "ul") == 0 || strcmp(n, "ol") == 0 ||
	    strcmp(n, "menu") == 0 || strcmp(n, "dir") == 0) {
		if (t->end)
			list_close(h);
		else
			list_open(h, t, n[0] == 'o');
		return;
	}
	if (strcmp(n, "li") == 0) {
		if (t->end)
			line_break(h);
		else
			list_item(h);
		return;
	}
	if (strcmp(n, "blockquote") == 0) {
		request_blank(h);
		if (t->end) {
			if (h->quote)
				h->quote--;
		} else {
			h->quote++;
		}
		request_blank(h);
		return;
	}
	if (strcmp(n, "pre") == 0 || strcmp(n, "listing") == 0 ||
	    strcmp(n, "xmp") == 0) {
		request_blank(h);
		if (t->end) {
			if (h->pre)
				h->pre--;
		} else {
			h->pre++;
			h->pre_skip_nl = true;
		}
		return;
	}
	if (strcmp(n, "td") == 0 || strcmp(n, "th") == 0) {
		if (t->end)
			return;
		flush_word(h);
		if (h->cell_in_row && h->started) {
			emit_word(h, "|", 1, 1, true, true);
			h->space = true;
		}
		h->cell_in_row = true;
		return;
	}
	if (strcmp(n, "tr") == 0 || strcmp(n, "table") == 0)
		h->cell_in_row = false;
	/* Outlook writes every line as <p class=MsoNormal> with no margin:
	 * shown as paragraphs, its mail would be double spaced. */
	if (strcmp(n, "p") == 0 && !t->end && t->val[A_CLASS] &&
	    ascii_memcasemem(t->val[A_CLASS], t->vlen[A_CLASS], "msonormal")) {
		line_break(h);
		h->in_mso_p = true;
		return;
	}
	if (strcmp(n, "p") == 0 && t->end && h->in_mso_p) {
		line_break(h);
		h->in_mso_p = false;
		return;
	}
	if (strcmp(n, "p") == 0)
		h->in_mso_p = false;
	if (name_is(t, para_tags, ARRAY_SIZE(para_tags))) {
		request_blank(h);
		return;
	}
	if (name_is(t, line_tags, ARRAY_SIZE(line_tags))) {
		line_break(h);
		return;
	}
	/* Inline elements (span, b, font, ...) change nothing in text. */
}

/* After the start tag of a raw-text element, skip to its end tag. */
static size_t
skip_raw(const char *p, size_t len, size_t i, const char *name)
{
	size_t nl = strlen(name);

	while (i < len) {
		const char *q = memchr(p + i, '<', len - i);
		if (!q)
			return len;
		i = (size_t)(q - p) + 1;
		if (i < len && p[i] == '/' && len - i - 1 >= nl &&
		    ascii_strncasecmp(p + i + 1, name, nl) == 0 &&
		    (i + 1 + nl == len || !is_alnum(p[i + 1 + nl]))) {
			const char *gt = memchr(p + i, '>', len - i);
			return gt ? (size_t)(gt - p) + 1 : len;
		}
	}
	return len;
}

void
mime_html_to_text(struct buf *out, const char *html, size_t len,
		  size_t width)
{
	struct h2t h;
	size_t start = out->len, i = 0;

	memset(&h, 0, sizeof(h));
	h.out = out;
	h.width = width;
	buf_init(&h.line);
	buf_init(&h.word);
	buf_init(&h.link_text);

	for (;;) {
		const char *s = NULL;
		size_t n = 0;
		struct tag t;
		enum tok k = next_token(html, len, &i, &s, &n, &t);

		if (k == TOK_END)
			break;
		if (k == TOK_TEXT)
			feed_text(&h, s, n, true);
		else if (k == TOK_CDATA)
			feed_text(&h, s, n, false);
		else if (k == TOK_TAG) {
			if (!t.end && !t.self_close &&
			    name_is(&t, raw_skip_tags,
				    ARRAY_SIZE(raw_skip_tags))) {
				i = skip_raw(html, len, i, t.name);
				continue;
			}
			handle_tag(&h, &t);
		}
	}
	link_close(&h);
	flush_word(&h);
	end_line(&h);
	if (h.nurls) {
		if (h.any)
			buf_addch(out, '\n');
		for (size_t u = 0; u < h.nurls; u++)
			buf_addf(out, "[%zu] %s\n", u + 1, h.urls[u]);
	}

	/* No blank lines at the start, one line end at the close. */
	size_t lead = start;
	while (lead < out->len && out->data[lead] == '\n')
		lead++;
	buf_remove(out, start, lead - start);
	size_t end = out->len;
	while (end > start && is_space(out->data[end - 1]))
		end--;
	buf_truncate(out, end);
	if (end > start)
		buf_addch(out, '\n');

	for (size_t u = 0; u < h.nurls; u++)
		free(h.urls[u]);
	free(h.urls);
	free(h.slots);
	free(h.href);
	free(h.lists);
	buf_release(&h.line);
	buf_release(&h.word);
	buf_release(&h.link_text);
}

/* A charset label: letters, digits and . _ : -, at most 40. */
static char *
charset_label(const char *s, size_t n)
{
	struct slice v = slice_trim(slice_make(s, n));

	if (v.len >= 2 && (v.p[0] == '"' || v.p[0] == '\'')) {
		v.p++;
		v.len--;
	}
	size_t k = 0;
	while (k < v.len && (is_alnum(v.p[k]) || v.p[k] == '.' ||
			     v.p[k] == '_' || v.p[k] == ':' || v.p[k] == '-'))
		k++;
	if (k == 0 || k > 40 || !is_alnum(v.p[0]))
		return NULL;
	if (k < v.len && v.p[k] != ';' && v.p[k] != '"' && v.p[k] != '\'' &&
	    !is_space(v.p[k]))
		return NULL;
	return xstrndup(v.p, k);
}

char *
mime_html_meta_charset(const char *html, size_t len)
{
	size_t i = 0;

	if (len > 4096)
		len = 4096;
	for (;;) {
		const char *s;
		size_t n;
		struct tag t;
		enum tok k = next_token(html, len, &i, &s, &n, &t);

		if (k == TOK_END)
			return NULL;
		if (k != TOK_TAG || t.end || strcmp(t.name, "meta") != 0)
			continue;
		if (t.val[A_CHARSET]) {
			struct buf v = BUF_INIT;
			attr_value(&t, A_CHARSET, &v);
			char *r = charset_label(v.data, v.len);
			buf_release(&v);
			if (r)
				return r;
			continue;
		}
		if (!t.val[A_CONTENT])
			continue;
		struct buf v = BUF_INIT;
		attr_value(&t, A_CONTENT, &v);
		const char *cs = ascii_memcasemem(v.data, v.len, "charset");
		char *r = NULL;
		if (cs) {
			size_t off = (size_t)(cs - v.data) + 7;
			while (off < v.len && is_space(v.data[off]))
				off++;
			if (off < v.len && v.data[off] == '=')
				r = charset_label(v.data + off + 1,
						  v.len - off - 1);
		}
		buf_release(&v);
		if (r)
			return r;
	}
}
