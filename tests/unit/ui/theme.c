/* SPDX-License-Identifier: ISC */
/*
 * Themes without a terminal: colour words and element values parsed,
 * #rrggbb brought down to the nearest of 256, 16 and 8 colours, the
 * depth chosen from COLORS and NO_COLOR, colour numbers per depth, the
 * shipped theme files read and checked, errors naming FILE:LINE:COL, and
 * the search path.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/config.h"

#include "theme.h"

static void
test_colors(void)
{
	static const struct {
		const char *word;
		int ok;
		enum theme_color_kind kind;
		uint32_t v;
	} t[] = {
		{ "default", 0, THEME_C_DEFAULT, 0 },
		{ "red", 0, THEME_C_INDEX, 1 },
		{ "White", 0, THEME_C_INDEX, 7 },
		{ "bright-black", 0, THEME_C_INDEX, 8 },
		{ "brightcyan", 0, THEME_C_INDEX, 14 },
		{ "color0", 0, THEME_C_INDEX, 0 },
		{ "color255", 0, THEME_C_INDEX, 255 },
		{ "#ff8700", 0, THEME_C_RGB, 0xff8700 },
		{ "#002B36", 0, THEME_C_RGB, 0x002b36 },
		{ "color256", -1, 0, 0 },
		{ "color", -1, 0, 0 },
		{ "color-1", -1, 0, 0 },
		{ "color0000", -1, 0, 0 },
		{ "#fff", -1, 0, 0 },
		{ "#gg0000", -1, 0, 0 },
		{ "#ff00000", -1, 0, 0 },
		{ "purple", -1, 0, 0 },
		{ "bright-", -1, 0, 0 },
		{ "", -1, 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct theme_color c = { THEME_C_DEFAULT, 12345 };
		int r = theme_parse_color(t[i].word, &c);
		is_int(r, t[i].ok, "colour '%s' %s", t[i].word,
		       t[i].ok ? "refused" : "read");
		if (r == 0)
			ok(c.kind == t[i].kind && c.v == t[i].v,
			   "  '%s' is kind %d value %06x", t[i].word,
			   (int)c.kind, (unsigned)c.v);
	}
}

static void
test_styles(void)
{
	struct theme_style st;
	struct perr e = PERR_INIT;

	is_int(theme_parse_style("white blue bold", &st, &e), 0,
	       "fg bg attr");
	ok(st.fg.v == 7 && st.bg.v == 4 && st.attrs == A_BOLD,
	   "  white on blue, bold");
	is_int(theme_parse_style("  reverse\tunderline ", &st, &e), 0,
	       "attributes only, blanks around");
	ok(st.fg.kind == THEME_C_DEFAULT && st.bg.kind == THEME_C_DEFAULT &&
		   st.attrs == (A_REVERSE | A_UNDERLINE),
	   "  default colours, two attributes");
	is_int(theme_parse_style("bold #ff0000", &st, &e), 0,
	   "an attribute before a colour");
	ok(st.fg.kind == THEME_C_RGB && st.bg.kind == THEME_C_DEFAULT,
	   "  the colour is the foreground");
	is_int(theme_parse_style("none", &st, &e), 0, "none");
	is_int((intmax_t)st.attrs, 0, "  no attribute");
	is_int(theme_parse_style("red blue green", &st, &e), -1,
	       "three colours refused");
	like(e.msg, "a third colour 'green'", "  and named");
	is_int(theme_parse_style("red blinky", &st, &e), -1,
	       "an unknown word refused");
	like(e.msg, "'blinky' is neither a colour", "  and named");
	is_int(theme_parse_style("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				 &st, &e), -1, "a long word refused");
}

static void
test_nearest(void)
{
	static const struct {
		uint32_t rgb;
		unsigned n256, n16, n8;
	} t[] = {
		/* exact cube and grey entries map to themselves */
		{ 0xff8700, 208, 3, 3 }, /* orange: yellow is nearer than red */
		{ 0x5f87af, 67, 8, 6 },
		{ 0x080808, 232, 0, 0 },
		{ 0xeeeeee, 255, 15, 7 },
		{ 0xffffff, 231, 15, 7 },
		{ 0x000000, 16, 0, 0 },
		/* solarized base03: a dark grey more than a cyan */
		{ 0x002b36, 235, 0, 0 },
		/* gruvbox yellow */
		{ 0xfabd2f, 214, 3, 3 },
		/* pure colours */
		{ 0xff0000, 196, 9, 1 },
		{ 0x0000ff, 21, 4, 4 },
		/* a grey between ramp steps: the ramp, not the cube */
		{ 0x7a7a7a, 243, 8, 7 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		is_int(theme_nearest_256(t[i].rgb), t[i].n256,
		       "#%06x nearest of 256", (unsigned)t[i].rgb);
		is_int(theme_nearest_16(t[i].rgb), t[i].n16,
		       "#%06x nearest of 16", (unsigned)t[i].rgb);
		is_int(theme_nearest_8(t[i].rgb), t[i].n8,
		       "#%06x nearest of 8", (unsigned)t[i].rgb);
	}
	is_int(theme_index_rgb(16), 0x000000, "index 16 is black");
	is_int(theme_index_rgb(196), 0xff0000, "index 196 is red");
	is_int(theme_index_rgb(244), 0x808080, "index 244 is grey 128");
	is_int(theme_index_rgb(4), 0x0000ee, "index 4 is xterm's blue");
}

static void
test_depth(void)
{
	is_int(theme_depth_for(true, 256, NULL), THEME_DEPTH_256, "256");
	is_int(theme_depth_for(true, 0x1000000, NULL), THEME_DEPTH_DIRECT,
	       "2^24 colours: direct");
	is_int(theme_depth_for(true, 16, NULL), THEME_DEPTH_16, "16");
	is_int(theme_depth_for(true, 8, NULL), THEME_DEPTH_8, "8");
	is_int(theme_depth_for(true, 256, "1"), THEME_DEPTH_NONE,
	       "NO_COLOR=1: none");
	is_int(theme_depth_for(true, 256, ""), THEME_DEPTH_NONE,
	       "NO_COLOR set empty: none too");
	is_int(theme_depth_for(false, 256, NULL), THEME_DEPTH_NONE,
	       "no colours: none");
	is_int(theme_depth_for(true, 2, NULL), THEME_DEPTH_NONE,
	       "two colours: none");

	struct theme_color rgb = { THEME_C_RGB, 0xff8700 };
	struct theme_color idx = { THEME_C_INDEX, 196 };
	struct theme_color red = { THEME_C_INDEX, 1 };
	struct theme_color bred = { THEME_C_INDEX, 9 };
	struct theme_color def = { THEME_C_DEFAULT, 0 };
	struct theme_color low = { THEME_C_RGB, 0x000003 };

	is_int(theme_color_number(&rgb, THEME_DEPTH_DIRECT, true), 0xff8700,
	       "direct + truecolor: RGB as it is");
	is_int(theme_color_number(&rgb, THEME_DEPTH_DIRECT, false),
	       (int)theme_index_rgb(208),
	       "direct without COLORTERM: the 256 palette's RGB");
	is_int(theme_color_number(&idx, THEME_DEPTH_DIRECT, true), 0xff0000,
	       "direct: index 196 as its RGB");
	is_int(theme_color_number(&red, THEME_DEPTH_DIRECT, true), 1,
	       "direct: ANSI red stays 1");
	is_int(theme_color_number(&low, THEME_DEPTH_DIRECT, true), 8,
	       "direct: RGB under 8 is not read as ANSI");
	is_int(theme_color_number(&rgb, THEME_DEPTH_256, true), 208,
	       "256: nearest");
	is_int(theme_color_number(&idx, THEME_DEPTH_256, true), 196,
	       "256: index kept");
	is_int(theme_color_number(&idx, THEME_DEPTH_16, true), 9,
	       "16: index 196 to bright red");
	is_int(theme_color_number(&bred, THEME_DEPTH_16, true), 9,
	       "16: bright red kept");
	is_int(theme_color_number(&bred, THEME_DEPTH_8, true), 1,
	       "8: bright red to red");
	is_int(theme_color_number(&rgb, THEME_DEPTH_8, true), 3,
	       "8: orange to yellow");
	is_int(theme_color_number(&def, THEME_DEPTH_256, true), -1,
	       "default is -1");
	is_int(theme_color_number(&rgb, THEME_DEPTH_NONE, true), -1,
	       "no colour at depth none");
}

/* The source tree's themes/: from the current directory (make runs
 * tests at the top) or from where this binary is, build/V/tests/unit/ui. */
static void
use_source_themes(void)
{
	char exe[4096];
	ssize_t n;
	struct stat st;

	if (stat("themes/default.theme", &st) == 0) {
		setenv("POSTIE_THEMES", "themes", 1);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		char *dir = xstrfmt("%s/../../../../../themes", exe);
		setenv("POSTIE_THEMES", dir, 1);
		free(dir);
	}
}

/* Every shipped theme reads without a fault and sets every element. */
static void
test_shipped(void)
{
	static const char *const names[] = { "default", "light",
					     "solarized-dark", "gruvbox",
					     "monochrome" };
	struct perr e = PERR_INIT;

	use_source_themes();
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct cfg c;
		char *path = theme_find(names[i], NULL, &e);
		ok(path != NULL, "theme %s found", names[i]);
		if (!path) {
			diag("%s", e.msg);
			continue;
		}
		cfg_init(&c);
		is_int(cfg_load_theme(&c, path, &e), 0, "  %s parses",
		       names[i]);
		is_int((intmax_t)c.n_colors, THEME_COUNT,
		       "  %s sets all %d elements", names[i], THEME_COUNT);
		struct theme t;
		theme_builtin(&t);
		is_int(theme_apply_cfg(&t, &c, &e), 0, "  %s checks",
		       names[i]);
		if (strcmp(names[i], "monochrome") == 0) {
			bool plain = true;
			for (int k = 0; k < THEME_COUNT; k++)
				if (t.el[k].fg.kind != THEME_C_DEFAULT ||
				    t.el[k].bg.kind != THEME_C_DEFAULT)
					plain = false;
			ok(plain, "  monochrome has no colour");
		}
		if (strcmp(names[i], "default") == 0) {
			struct theme b;
			theme_builtin(&b);
			ok(memcmp(b.el, t.el, sizeof(b.el)) == 0,
			   "  default.theme is the built-in default");
			theme_release(&b);
		}
		theme_release(&t);
		cfg_release(&c);
		free(path);
	}
}

static void
test_errors(void)
{
	struct cfg c;
	struct theme t;
	struct perr e = PERR_INIT;
	static const char bad_el[] = "[color]\nstatus = red\nstauts = blue\n";
	static const char bad_val[] = "[color]\n\nindex = red purple\n";

	cfg_init(&c);
	theme_builtin(&t);
	is_int(cfg_parse_theme_buffer(&c, "x.theme", bad_el,
				      strlen(bad_el), &e), 0,
	       "the file's shape is fine");
	is_int(theme_apply_cfg(&t, &c, &e), -1, "an unknown element fails");
	is_str(e.msg, "x.theme:3:1: unknown element 'stauts'; did you mean "
		      "'status'?", "  FILE:LINE and a guess");
	is_int(cfg_parse_theme_buffer(&c, "y.theme", bad_val,
				      strlen(bad_val), &e), 0, "parsed");
	is_int(theme_apply_cfg(&t, &c, &e), -1, "a bad colour fails");
	like(e.msg, "y.theme:3:9: 'purple' is neither a colour",
	     "  FILE:LINE:COL of the value");
	cfg_release(&c);
	theme_release(&t);
	is_int(theme_element("quote-4"), THEME_QUOTE4, "element by name");
	is_int(theme_element("quote-5"), -1, "no such element");
	is_str(theme_element_name(THEME_INDEX_CURSOR), "index-cursor",
	       "name of an element");
}

static void
test_find(void)
{
	struct perr e = PERR_INIT;
	char dir[] = "/tmp/postie-theme-XXXXXX";
	struct theme t = { 0 };

	ok(mkdtemp(dir) != NULL, "a scratch directory");
	char *sub = xstrfmt("%s/themes", dir);
	char *rc = xstrfmt("%s/postierc", dir);
	char *mine = xstrfmt("%s/themes/mine.theme", dir);
	char *broken = xstrfmt("%s/themes/broken.theme", dir);
	mkdir(sub, 0700);
	struct perr we = PERR_INIT;
	file_write_atomic(mine, "[color]\nstatus = black yellow\n", 30,
			  0600, &we);
	file_write_atomic(broken, "[color]\nstatus = black\n[ui]\n", 29,
			  0600, &we);

	char *p = theme_find("mine", rc, &e);
	is_str(p ? p : "(none)", mine, "a theme beside the dotfile");
	free(p);
	p = theme_find("gruvbox", rc, &e);
	ok(p && strstr(p, "themes/gruvbox.theme"),
	   "then the others (POSTIE_THEMES)");
	free(p);
	ok(theme_find("../no/such.theme", rc, &e) == NULL,
	   "a name with '/' outside is a path, and this one is no file");
	ok(theme_find(".hidden", rc, &e) == NULL, "a dot name refused");
	like(e.msg, "is not a theme name", "  said so");
	ok(theme_find("nope", rc, &e) == NULL, "a missing theme");
	like(e.msg, "no theme 'nope' (looked in ", "  says where it looked");

	struct cfg c;
	cfg_init(&c);
	c.path = xstrdup(rc);
	is_int(theme_load(&t, "mine", &c, &e), 0, "theme_load by name");
	ok(t.el[THEME_STATUS].bg.kind == THEME_C_INDEX &&
		   t.el[THEME_STATUS].bg.v == 3, "  its colours");
	ok(t.el[THEME_INDEX_CURSOR].attrs == A_REVERSE,
	   "  what it does not set keeps the default's attributes");
	ok(t.el[THEME_QUOTE1].fg.kind == THEME_C_DEFAULT,
	   "  but not its colours");
	is_int(theme_load(&t, "broken", &c, &e), -1, "a broken theme fails");
	like(e.msg, "broken.theme:3:2: a theme file holds only [color]",
	     "  FILE:LINE:COL");
	is_str(t.name, "mine", "  and the theme before is untouched");
	theme_release(&t);
	cfg_release(&c);
	remove(mine);
	remove(broken);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(rc);
	free(mine);
	free(broken);
}

/* What a theme costs: read, checked and resolved, and the colour
 * arithmetic; printed for the record. */
static void
test_speed(void)
{
	struct perr e = PERR_INIT;
	struct theme t = { 0 };
	int64_t t0 = time_mono_ms();
	int n = 0, rc = 0;

	for (; n < 200; n++)
		rc |= theme_load(&t, "solarized-dark", NULL, &e);
	int64_t t1 = time_mono_ms();
	is_int(rc, 0, "200 loads of solarized-dark");
	diag("theme_load: %.1f us per theme (file read, parsed, checked)",
	     (double)(t1 - t0) * 1000.0 / n);
	unsigned sum = 0;
	for (uint32_t rgb = 0; rgb < 0x1000000; rgb += 97)
		sum += theme_nearest_256(rgb);
	int64_t t2 = time_mono_ms();
	ok(sum > 0, "nearest-256 over a spread of RGB");
	diag("theme_nearest_256: %.2f us per colour",
	     (double)(t2 - t1) * 1000.0 / (0x1000000 / 97));
	theme_release(&t);
}

int
main(void)
{
	test_colors();
	test_styles();
	test_nearest();
	test_depth();
	test_shipped();
	test_errors();
	test_find();
	test_speed();
	return done_testing();
}
