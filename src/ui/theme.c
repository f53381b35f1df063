/* SPDX-License-Identifier: ISC */
/*
 * Themes: theme files found and read (through config's parser, so a
 * theme is written as the dotfile is), each element's colours and
 * attributes checked, and the whole fitted to the terminal: one colour
 * pair per element, made once per theme_use, so that drawing an element
 * is one attron of what theme_attr returns.
 *
 * Colours a terminal cannot show are brought down to the nearest it can,
 * by squared distance in RGB over the xterm palette: #rrggbb to the 240
 * fixed colours of a 256-colour terminal (never to 0-15, which users
 * redefine), or to the 16 or 8 ANSI colours. 24-bit colour is used only
 * on a direct-colour terminal (COLORS >= 2^24, as ncurses reports for
 * TERM=xterm-direct) and only when COLORTERM says truecolor or 24bit;
 * a palette terminal that could redefine its colours (can_change_color)
 * is not asked to, since the change would outlive postie in many
 * terminals. NO_COLOR, whatever its value, turns colour off; attributes
 * stay, an element the theme coloured gets the built-in default's
 * attributes too, and one with a background of its own reverse video, so
 * that what colour told apart stays apart.
 */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/ui.h"

#include "private.h"
#include "screen.h"
#include "theme.h"

static const char *const element_names[] = {
#define THEME_NAME_(id, name) name,
	THEME_ELEMENTS(THEME_NAME_)
#undef THEME_NAME_
	NULL
};

/* The default theme: 16 colours, so that it looks the same everywhere,
 * and attributes that still tell everything apart without colour. It is
 * also what every theme starts from, without its colours. Keep
 * themes/default.theme the same (tests/unit/ui/theme.c checks it). */
static const char builtin_text[] =
	"[color]\n"
	"normal = default default\n"
	"status = white blue bold\n"
	"prompt = default default\n"
	"error = red default bold\n"
	"selection = default default reverse\n"
	"folder = default default\n"
	"folder-current = default default bold\n"
	"folder-unread = default default bold\n"
	"folder-account = default default bold underline\n"
	"folder-new = green default bold\n"
	"index = default default\n"
	"index-unread = default default bold\n"
	"index-flagged = red default\n"
	"index-deleted = bright-black default dim\n"
	"index-tagged = magenta default bold\n"
	"index-cursor = default default reverse\n"
	"tree = blue default\n"
	"header-name = cyan default bold\n"
	"header-value = default default\n"
	"quote-1 = cyan default\n"
	"quote-2 = green default\n"
	"quote-3 = yellow default\n"
	"quote-4 = magenta default\n"
	"link = blue default underline\n"
	"attachment = magenta default\n"
	"signature = bright-black default\n"
	"compose-field = cyan default bold\n";

/* ---------------------------------------------------------------------
 * Names and values
 */
int
theme_element(const char *name)
{
	for (int i = 0; element_names[i]; i++)
		if (strcmp(element_names[i], name) == 0)
			return i;
	return -1;
}

const char *
theme_element_name(enum theme_element el)
{
	return el < THEME_COUNT ? element_names[el] : "?";
}

static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
theme_parse_color(const char *w, struct theme_color *out)
{
	if (ascii_strcasecmp(w, "default") == 0) {
		*out = (struct theme_color){ THEME_C_DEFAULT, 0 };
		return 0;
	}
	if (w[0] == '#') {
		uint32_t v = 0;
		if (strlen(w) != 7)
			return -1;
		for (int i = 1; i < 7; i++) {
			int d = hex_digit(w[i]);
			if (d < 0)
				return -1;
			v = v << 4 | (uint32_t)d;
		}
		*out = (struct theme_color){ THEME_C_RGB, v };
		return 0;
	}
	if (ascii_strncasecmp(w, "color", 5) == 0) {
		uint64_t n;
		const char *d = w + 5;
		if (*d && strspn(d, "0123456789") == strlen(d) &&
		    strlen(d) <= 3 && slice_to_u64(slice_cstr(d), 255, &n)) {
			*out = (struct theme_color){ THEME_C_INDEX,
						     (uint32_t)n };
			return 0;
		}
		return -1;
	}
	unsigned base = 0;
	if (ascii_strncasecmp(w, "bright-", 7) == 0) {
		w += 7;
		base = 8;
	} else if (ascii_strncasecmp(w, "bright", 6) == 0) {
		w += 6;
		base = 8;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(color_names); i++)
		if (ascii_strcasecmp(w, color_names[i]) == 0) {
			*out = (struct theme_color){ THEME_C_INDEX, base + i };
			return 0;
		}
	return -1;
}

static const struct {
	const char *name;
	attr_t attr;
} attr_names[] = {
	{ "bold", A_BOLD },       { "dim", A_DIM },
	{ "underline", A_UNDERLINE }, { "reverse", A_REVERSE },
	{ "italic", A_ITALIC },   { "blink", A_BLINK },
	{ "standout", A_STANDOUT }, { "none", 0 }, { "normal", 0 },
};

int
theme_parse_style(const char *value, struct theme_style *out,
		  struct perr *e)
{
	struct theme_style st = { { THEME_C_DEFAULT, 0 },
				  { THEME_C_DEFAULT, 0 }, 0 };
	int ncolors = 0;
	const char *p = value;

	while (*p) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		size_t len = strcspn(p, " \t");
		char word[32];
		if (len >= sizeof(word))
			return perr_set(e, PERR_CONFIG, "'%.*s...' is neither "
					"a colour nor an attribute", 20, p);
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		bool found = false;
		for (size_t i = 0; i < ARRAY_SIZE(attr_names); i++)
			if (ascii_strcasecmp(word, attr_names[i].name) == 0) {
				st.attrs |= attr_names[i].attr;
				found = true;
			}
		if (found)
			continue;
		struct theme_color c;
		if (theme_parse_color(word, &c) < 0)
			return perr_set(e, PERR_CONFIG, "'%s' is neither a "
					"colour nor an attribute (see "
					"postierc(5))", word);
		if (ncolors == 2)
			return perr_set(e, PERR_CONFIG, "a third colour '%s' "
					"(give a foreground and a background)",
					word);
		if (ncolors++ == 0)
			st.fg = c;
		else
			st.bg = c;
	}
	*out = st;
	return 0;
}

/* ---------------------------------------------------------------------
 * Colour arithmetic
 */

/* xterm's default 16 colours. */
static const uint32_t ansi16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
	0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
	0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};
static const uint8_t cube[6] = { 0, 95, 135, 175, 215, 255 };

uint32_t
theme_index_rgb(unsigned idx)
{
	if (idx < 16)
		return ansi16[idx];
	if (idx < 232) {
		idx -= 16;
		return (uint32_t)cube[idx / 36] << 16 |
		       (uint32_t)cube[idx / 6 % 6] << 8 | cube[idx % 6];
	}
	if (idx < 256) {
		uint32_t g = 8 + 10 * (idx - 232);
		return g << 16 | g << 8 | g;
	}
	return 0;
}

/* Distance as the eye sees it, roughly: RGB weighted by the mean red
 * ("redmean"), cheap and far better than plain RGB for greens and
 * blues. */
static uint32_t
dist2(uint32_t a, uint32_t b)
{
	int ra = (int)(a >> 16 & 0xff), rb = (int)(b >> 16 & 0xff);
	int dr = ra - rb;
	int dg = (int)(a >> 8 & 0xff) - (int)(b >> 8 & 0xff);
	int db = (int)(a & 0xff) - (int)(b & 0xff);
	int rmean = (ra + rb) / 2;
	return (uint32_t)((((512 + rmean) * dr * dr) >> 8) + 4 * dg * dg +
			  (((767 - rmean) * db * db) >> 8));
}

static unsigned
nearest_in(uint32_t rgb, unsigned from, unsigned to)
{
	unsigned best = from;
	uint32_t bd = UINT32_MAX;

	for (unsigned i = from; i < to; i++) {
		uint32_t d = dist2(rgb, theme_index_rgb(i));
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

/* A grey (or nearly) among the ANSI colours: by lightness, never a hue,
 * which a distance would pick for a mid grey among eight colours. */
static bool
ansi_grey(uint32_t rgb, bool sixteen, unsigned *out)
{
	unsigned r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	unsigned hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
	unsigned lo = r < g ? (r < b ? r : b) : (g < b ? g : b);
	unsigned l = (r + g + b) / 3;

	if (hi - lo > 32)
		return false;
	if (!sixteen)
		*out = l < 96 ? 0 : 7;
	else
		*out = l < 64 ? 0 : l < 160 ? 8 : l < 232 ? 7 : 15;
	return true;
}

unsigned
theme_nearest_256(uint32_t rgb)
{
	return nearest_in(rgb, 16, 256);
}

unsigned
theme_nearest_16(uint32_t rgb)
{
	unsigned g;
	return ansi_grey(rgb, true, &g) ? g : nearest_in(rgb, 0, 16);
}

unsigned
theme_nearest_8(uint32_t rgb)
{
	unsigned g;
	return ansi_grey(rgb, false, &g) ? g : nearest_in(rgb, 0, 8);
}

enum theme_depth
theme_depth_for(bool has_colors, int colors, const char *no_color)
{
	if (no_color || !has_colors || colors < 8)
		return THEME_DEPTH_NONE;
	if (colors >= 0x1000000)
		return THEME_DEPTH_DIRECT;
	if (colors >= 256)
		return THEME_DEPTH_256;
	if (colors >= 16)
		return THEME_DEPTH_16;
	return THEME_DEPTH_8;
}

int
theme_color_number(const struct theme_color *c, enum theme_depth d,
		   bool truecolor)
{
	uint32_t rgb;

	if (c->kind == THEME_C_DEFAULT || d == THEME_DEPTH_NONE)
		return -1;
	switch (d) {
	case THEME_DEPTH_DIRECT:
		/* colour numbers under 8 are the ANSI ones; the rest are
		 * RGB, so a palette index becomes its RGB */
		if (c->kind == THEME_C_INDEX)
			return c->v < 8 ? (int)c->v
					: (int)theme_index_rgb(c->v);
		rgb = truecolor ? c->v
				: theme_index_rgb(theme_nearest_256(c->v));
		/* 0x000001-0x000007 would read as ANSI colours */
		return rgb < 8 ? 8 : (int)rgb;
	case THEME_DEPTH_256:
		if (c->kind == THEME_C_INDEX)
			return (int)c->v;
		return (int)theme_nearest_256(c->v);
	case THEME_DEPTH_16:
		if (c->kind == THEME_C_INDEX && c->v < 16)
			return (int)c->v;
		return (int)theme_nearest_16(c->kind == THEME_C_INDEX
						     ? theme_index_rgb(c->v)
						     : c->v);
	case THEME_DEPTH_8:
		if (c->kind == THEME_C_INDEX && c->v < 16)
			return (int)(c->v % 8);
		return (int)theme_nearest_8(c->kind == THEME_C_INDEX
						    ? theme_index_rgb(c->v)
						    : c->v);
	default:
		return -1;
	}
}

/* ---------------------------------------------------------------------
 * Themes as data
 */
int
theme_apply_cfg(struct theme *t, const struct cfg *file, struct perr *e)
{
	for (size_t i = 0; i < file->n_colors; i++) {
		const struct cfg_color *cc = &file->colors[i];
		int el = theme_element(cc->element);
		struct perr se = PERR_INIT;
		if (el < 0) {
			const char *hint =
				cfg_did_you_mean(cc->element, element_names);
			return perr_set(e, PERR_CONFIG, "%s:%u:1: unknown "
					"element '%s'%s%s%s",
					file->display_path, cc->line,
					cc->element,
					hint ? "; did you mean '" : "",
					hint ? hint : "", hint ? "'?" : "");
		}
		if (theme_parse_style(cc->value, &t->el[el], &se) < 0)
			return perr_set(e, PERR_CONFIG, "%s:%u:%u: %s",
					file->display_path, cc->line, cc->col,
					se.msg);
	}
	return 0;
}

void
theme_builtin(struct theme *t)
{
	struct cfg c;
	struct perr e = PERR_INIT;

	memset(t, 0, sizeof(*t));
	t->name = xstrdup("default");
	cfg_init(&c);
	/* our own text: a failure is a bug in this file */
	if (cfg_parse_theme_buffer(&c, "built-in theme", builtin_text,
				   sizeof(builtin_text) - 1, &e) < 0 ||
	    theme_apply_cfg(t, &c, &e) < 0)
	{
		log_error("built-in theme: %s", e.msg);
		abort();
	}
	cfg_release(&c);
}

const char *
theme_builtin_text(void)
{
	return builtin_text;
}

void
theme_release(struct theme *t)
{
	free(t->name);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

static bool
valid_name(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._-", *p)))
			return false;
	return true;
}

static bool
is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Try dir/NAME.theme; on a miss note dir in looked. */
static char *
try_dir(const char *dir, const char *name, struct buf *looked)
{
	if (!dir || !*dir)
		return NULL;
	char *p = xstrfmt("%s/%s.theme", dir, name);
	if (is_file(p))
		return p;
	free(p);
	buf_addf(looked, "%s%s", looked->len ? ", " : "", dir);
	return NULL;
}

/* The directory the running binary is in (Linux), or NULL. */
static char *
exe_dir(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

char *
theme_find(const char *name, const char *dotfile, struct perr *e)
{
	struct buf looked = BUF_INIT;
	char *found = NULL, *dir;

	if (strchr(name, '/')) {
		char *path = file_expand_home(name);
		if (is_file(path))
			return path;
		perr_set(e, PERR_CONFIG, "no theme file '%s'", name);
		free(path);
		return NULL;
	}
	if (!valid_name(name)) {
		perr_set(e, PERR_CONFIG, "'%s' is not a theme name (letters, "
			 "digits, '.', '_' and '-'; or a path with '/')",
			 name);
		return NULL;
	}
	/* beside the dotfile, unless that is $HOME itself */
	if (dotfile && strchr(dotfile, '/')) {
		const char *home = getenv("HOME");
		char *d = xstrndup(dotfile, (size_t)(strrchr(dotfile, '/') -
						     dotfile));
		if (!home || strcmp(d, home) != 0) {
			char *td = xstrfmt("%s/themes", d);
			found = try_dir(td, name, &looked);
			free(td);
		}
		free(d);
	}
	if (!found && (dir = xdg_dir("config"))) {
		char *td = xstrfmt("%s/themes", dir);
		/* the dotfile may be in that directory itself */
		if (!strstr(looked.data, td))
			found = try_dir(td, name, &looked);
		free(td);
		free(dir);
	}
	if (!found)
		found = try_dir(getenv("POSTIE_THEMES"), name, &looked);
	if (!found && (dir = exe_dir())) {
		/* build/VARIANT/postie in a source tree */
		char *up = xstrfmt("%s/../..", dir);
		char *top = realpath(up, NULL);
		char *mk = top ? xstrfmt("%s/Makefile", top) : NULL;
		if (mk && is_file(mk)) {
			char *td = xstrfmt("%s/themes", top);
			found = try_dir(td, name, &looked);
			free(td);
		}
		free(up);
		free(top);
		free(mk);
		free(dir);
	}
	if (!found)
		found = try_dir(POSTIE_DATADIR "/themes", name, &looked);
	if (!found)
		perr_set(e, PERR_CONFIG, "no theme '%s' (looked in %s)", name,
			 looked.data);
	buf_release(&looked);
	return found;
}

int
theme_load(struct theme *t, const char *name, const struct cfg *c,
	   struct perr *e)
{
	struct theme nt;
	struct cfg file;
	struct perr fe = PERR_INIT;
	char *path = theme_find(name, c ? c->path : NULL, &fe);

	theme_builtin(&nt);
	free(nt.name);
	nt.name = xstrdup(name);
	if (!path && strcmp(name, "default") != 0) {
		*e = fe;
		goto fail;
	}
	if (path) {
		/* a theme starts from the default's attributes only, so
		 * that the cursor shows even where the file says nothing
		 * of it */
		for (int i = 0; i < THEME_COUNT; i++) {
			nt.el[i].fg = (struct theme_color){ THEME_C_DEFAULT, 0 };
			nt.el[i].bg = (struct theme_color){ THEME_C_DEFAULT, 0 };
		}
		cfg_init(&file);
		if (cfg_load_theme(&file, path, e) < 0 ||
		    theme_apply_cfg(&nt, &file, e) < 0) {
			cfg_release(&file);
			free(path);
			goto fail;
		}
		cfg_release(&file);
		nt.path = path;
	}
	if (c && theme_apply_cfg(&nt, c, e) < 0)
		goto fail;
	theme_release(t);
	*t = nt;
	return 0;
fail:
	theme_release(&nt);
	return -1;
}

/* ---------------------------------------------------------------------
 * Curses
 */
static attr_t in_use[THEME_COUNT];
static bool has_color_el[THEME_COUNT];
static bool in_use_set;
static enum theme_depth depth_in_use;

static bool
colored(const struct theme_style *s)
{
	return s->fg.kind != THEME_C_DEFAULT || s->bg.kind != THEME_C_DEFAULT;
}

void
theme_use(const struct theme *t)
{
	const char *ct = getenv("COLORTERM");
	bool truecolor = ct && (strcmp(ct, "truecolor") == 0 ||
				strcmp(ct, "24bit") == 0);
	static bool started;
	struct theme def;

	/* COLORS is known only once colour is started */
	if (!started && has_colors() && !getenv("NO_COLOR")) {
		start_color();
		use_default_colors();
		started = true;
	}
	enum theme_depth d = theme_depth_for(started && has_colors(), COLORS,
					     getenv("NO_COLOR"));
	theme_builtin(&def);
	const struct theme_style *n = &t->el[THEME_NORMAL];
	int nfg = theme_color_number(&n->fg, d, truecolor);
	int nbg = theme_color_number(&n->bg, d, truecolor);
	for (int i = 0; i < THEME_COUNT; i++) {
		const struct theme_style *s = &t->el[i];
		attr_t a = s->attrs;
		has_color_el[i] = false;
		if (d == THEME_DEPTH_NONE) {
			/* colour told it apart: the default's attributes
			 * keep it apart (a cursor stays reverse), and a
			 * background of its own becomes reverse video (a
			 * bar stays a bar) */
			if (colored(s))
				a |= def.el[i].attrs;
			if (i != THEME_NORMAL && s->bg.kind != THEME_C_DEFAULT &&
			    (s->bg.kind != n->bg.kind || s->bg.v != n->bg.v))
				a |= A_REVERSE;
		} else if (i + 1 < COLOR_PAIRS) {
			int fg = theme_color_number(&s->fg, d, truecolor);
			int bg = theme_color_number(&s->bg, d, truecolor);
			/* "default" inside a coloured screen is its colour */
			if (s->fg.kind == THEME_C_DEFAULT)
				fg = nfg;
			if (s->bg.kind == THEME_C_DEFAULT)
				bg = nbg;
			if (init_extended_pair(i + 1, fg, bg) != ERR) {
				a |= COLOR_PAIR(i + 1);
				has_color_el[i] = colored(s);
			}
		}
		in_use[i] = a;
	}
	in_use_set = true;
	depth_in_use = d;
	bkgdset(' ' | (in_use[THEME_NORMAL] & A_COLOR));
	theme_release(&def);
}

attr_t
theme_attr(enum theme_element el)
{
	if (el >= THEME_COUNT)
		return 0;
	if (!in_use_set) {
		static const attr_t plain[THEME_COUNT] = {
			[THEME_STATUS] = A_BOLD, [THEME_SELECTION] = A_REVERSE,
			[THEME_INDEX_CURSOR] = A_REVERSE,
			[THEME_INDEX_UNREAD] = A_BOLD, [THEME_ERROR] = A_BOLD,
		};
		return plain[el];
	}
	return in_use[el];
}

attr_t
theme_attr_over(enum theme_element base, enum theme_element over)
{
	attr_t b = theme_attr(base), o = theme_attr(over);

	if (over < THEME_COUNT && has_color_el[over])
		return (b & ~A_COLOR) | o;
	return b | (o & ~A_COLOR);
}

enum theme_depth
theme_depth_in_use(void)
{
	return depth_in_use;
}

/* ---------------------------------------------------------------------
 * The viewer's lines
 */
size_t
theme_signature_start(const struct ui_pager *pg, bool help)
{
	if (help)
		return SIZE_MAX;
	for (size_t i = pg->nheader; i < pg->n; i++) {
		const struct ui_pager_line *l = &pg->v[i];
		const char *t = pg->text.data + l->off;
		/* RFC 3676 4.3: the separator is "-- " alone on a line */
		if ((l->len == 3 && memcmp(t, "-- ", 3) == 0) ||
		    (l->len == 2 && memcmp(t, "--", 2) == 0))
			return i;
	}
	return SIZE_MAX;
}

enum theme_element
theme_pager_element(const struct ui_pager *pg, size_t i, size_t sig)
{
	const struct ui_pager_line *l = &pg->v[i];
	const char *t = pg->text.data + l->off;

	if (l->header && i < pg->nheader)
		return THEME_HEADER_VALUE;
	if (l->header && l->len >= 4 && memcmp(t, "[-- ", 4) == 0)
		return THEME_ATTACHMENT;
	if (i >= sig)
		return THEME_SIGNATURE;
	if (l->quote)
		return l->quote >= 4 ? THEME_QUOTE4
				     : (enum theme_element)(THEME_QUOTE1 +
							    l->quote - 1);
	return THEME_NORMAL;
}

static void
paint(int y, int x, int cells, enum theme_element el)
{
	attr_t a = theme_attr(el);

	if (cells > 0)
		mvchgat(y, x, cells, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
}

/* A URL starts here: the schemes people click. */
static size_t
url_at(const char *p, size_t left)
{
	static const char *const schemes[] = { "https://", "http://",
					       "mailto:", "ftp://" };
	for (size_t k = 0; k < ARRAY_SIZE(schemes); k++) {
		size_t n = strlen(schemes[k]);
		if (left > n && ascii_strncasecmp(p, schemes[k], n) == 0) {
			size_t e = n;
			while (e < left && p[e] != ' ' && p[e] != '\t' &&
			       p[e] != '>' && p[e] != '"' && p[e] != ')')
				e++;
			/* a full stop or comma after a URL ends the
			 * sentence, not the URL */
			while (e > n && strchr(".,;:!?", p[e - 1]))
				e--;
			return e > n ? e : 0;
		}
	}
	return 0;
}

void
theme_paint_line(int y, int x, enum theme_element el, const char *text,
		 size_t len)
{
	if (el == THEME_HEADER_VALUE) {
		/* "Name: value": the name in its own colour */
		size_t n = 0;
		while (n < len && text[n] != ':' && text[n] != ' ')
			n++;
		if (n > 0 && n < len && text[n] == ':')
			paint(y, x, (int)ui_width(text, n + 1),
			      THEME_HEADER_NAME);
		return;
	}
	if (el == THEME_ATTACHMENT)
		return;
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && text[i - 1] != ' ' && text[i - 1] != '<' &&
		    text[i - 1] != '(' && text[i - 1] != '"')
			continue;
		size_t u = url_at(text + i, len - i);
		if (!u)
			continue;
		paint(y, x + (int)ui_width(text, i), (int)ui_width(text + i, u),
		      THEME_LINK);
		i += u - 1;
	}
}

/* ---------------------------------------------------------------------
 * The screen's :theme
 */
void
scr_set_theme(struct screen *s, const char *name)
{
	struct theme t = { 0 };
	struct perr e = PERR_INIT;

	if (theme_load(&t, name, s->p->cfg, &e) < 0) {
		scr_say(s, true, "theme '%s' kept: %s",
			s->theme.name ? s->theme.name : "default", e.msg);
		return;
	}
	theme_release(&s->theme);
	s->theme = t;
	theme_use(&s->theme);
	clearok(curscr, TRUE);
	scr_say(s, false, "theme %s%s%s", name, t.path ? ": " : " (built in)",
		t.path ? t.path : "");
}
