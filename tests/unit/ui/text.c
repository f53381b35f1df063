/* SPDX-License-Identifier: ISC */
/*
 * ui: the sanitiser (every hostile class of hostile-42 and hostile-43),
 * cell widths for Chinese, Japanese, Korean, emoji and combining marks,
 * and fitting text into a number of cells.
 */
#include <string.h>

#include "harness.h"
#include "postie/ui.h"

struct san_case {
	const char *in;
	size_t inlen; /* 0: strlen */
	unsigned flags;
	const char *out;
	size_t replaced;
	const char *name;
};

static const struct san_case san[] = {
	{ "Hello, world", 0, 0, "Hello, world", 0, "plain ASCII untouched" },
	{ "\xe4\xbd\xa0\xe5\xa5\xbd \xe4\xb8\x96\xe7\x95\x8c", 0, 0,
	  "\xe4\xbd\xa0\xe5\xa5\xbd \xe4\xb8\x96\xe7\x95\x8c", 0,
	  "Chinese untouched" },
	{ "e\xcc\x81t\xc3\xa9", 0, 0, "e\xcc\x81t\xc3\xa9", 0,
	  "combining mark untouched" },
	{ "\xf0\x9f\x98\x80!", 0, 0, "\xf0\x9f\x98\x80!", 0,
	  "emoji untouched" },
	/* hostile-42: escape sequences */
	{ "a\x1b[2Jb", 0, 0, "a^[[2Jb", 1, "hostile-42 CSI clear screen" },
	{ "\x1b[31mred\x1b[0m", 0, 0, "^[[31mred^[[0m", 2,
	  "hostile-42 CSI colour" },
	{ "\x1b]0;pwned\x07", 0, 0, "^[]0;pwned^G", 2,
	  "hostile-42 OSC 0 title with BEL" },
	{ "\x1b]2;t\x1b\\", 0, 0, "^[]2;t^[\\", 2,
	  "hostile-42 OSC 2 title with ST" },
	{ "\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\", 0, 0,
	  "^[]8;;http://evil/^[\\click^[]8;;^[\\", 4,
	  "hostile-42 OSC 8 hyperlink" },
	{ "\x1b]52;c;cm0gLXJmIH4=\x07", 0, 0, "^[]52;c;cm0gLXJmIH4=^G", 2,
	  "hostile-42 OSC 52 clipboard write" },
	{ "\x1bP+q544e\x1b\\", 0, 0, "^[P+q544e^[\\", 2, "hostile-42 DCS" },
	{ "\x1b_apc\x1b\\", 0, 0, "^[_apc^[\\", 2, "hostile-42 APC" },
	{ "\x1b^pm\x1b\\", 0, 0, "^[^pm^[\\", 2, "hostile-42 PM" },
	{ "x\x1b", 0, 0, "x^[", 1, "hostile-42 ESC at the end" },
	/* hostile-42: 8-bit C1 */
	{ "a\x9b" "2Jb", 0, 0, "a\\x9b2Jb", 1, "hostile-42 raw 0x9B CSI" },
	{ "\x9d" "0;t\x9c", 0, 0, "\\x9d0;t\\x9c", 2,
	  "hostile-42 raw OSC and ST bytes" },
	{ "\x80\x9f", 0, 0, "\\x80\\x9f", 2, "hostile-42 raw C1 ends" },
	{ "a\xc2\x9b" "2J", 0, 0, "a<U+009B>2J", 1,
	  "hostile-42 C1 CSI as UTF-8" },
	{ "\xc2\x80\xc2\x9f\xc2\xa0", 0, 0, "<U+0080><U+009F>\xc2\xa0", 2,
	  "hostile-42 UTF-8 C1 range, NBSP kept" },
	/* hostile-42: DEL, backspace, other C0 */
	{ "abc\x08\x08\x08xyz", 0, 0, "abc^H^H^Hxyz", 3,
	  "hostile-42 backspace overstrike" },
	{ "a\x7f" "b", 0, 0, "a^?b", 1, "hostile-42 DEL" },
	{ "a\rb", 0, 0, "a^Mb", 1, "hostile-42 CR" },
	{ "a\x00" "b", 3, 0, "a^@b", 1, "NUL" },
	{ "\x01\x1f", 0, 0, "^A^_", 2, "C0 ends" },
	{ "a\tb\nc", 0, 0, "a^Ib^Jc", 2, "tab and LF escaped by default" },
	{ "a\tb\nc", 0, UI_ALLOW_TAB | UI_ALLOW_LF, "a\tb\nc", 0,
	  "tab and LF allowed" },
	{ "a\tb", 0, UI_TAB_SPACE, "a b", 0, "tab as a space" },
	{ "a\nb", 0, UI_ALLOW_TAB, "a^Jb", 1, "allowing tabs keeps LF out" },
	/* hostile-43: bidi */
	{ "invoice\xe2\x80\xae" "fdp.exe", 0, 0, "invoice<U+202E>fdp.exe", 1,
	  "hostile-43 RLO in a filename" },
	{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0, 0,
	  "<U+202A><U+202B><U+202C><U+202D>", 4,
	  "hostile-43 LRE RLE PDF LRO" },
	{ "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", 0, 0,
	  "<U+2066><U+2067><U+2068><U+2069>", 4,
	  "hostile-43 isolates LRI RLI FSI PDI" },
	{ "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0, 0,
	  "<U+200E><U+200F><U+061C>", 3, "hostile-43 LRM RLM ALM" },
	/* hostile-43: invisible */
	{ "pay\xe2\x80\x8bpal", 0, 0, "pay<U+200B>pal", 1,
	  "hostile-43 zero width space" },
	{ "\xef\xbb\xbfhi", 0, 0, "<U+FEFF>hi", 1, "hostile-43 BOM / ZWNBSP" },
	{ "a\xe2\x80\xa8" "b\xe2\x80\xa9", 0, 0, "a<U+2028>b<U+2029>", 2,
	  "line and paragraph separators" },
	{ "\xe2\x80\x8c\xe2\x80\x8d", 0, 0, "<U+200C><U+200D>", 2,
	  "joiners escaped by default" },
	{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", 0, UI_ALLOW_ZWJ,
	  "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", 0,
	  "ZWJ kept for emoji when allowed" },
	{ "\xe2\x81\xa0\xe2\x81\xa4", 0, 0, "<U+2060><U+2064>", 2,
	  "word joiner, invisible plus" },
	{ "so\xc2\xad" "ft", 0, 0, "so<U+00AD>ft", 1, "soft hyphen" },
	{ "\xf3\xa0\x80\x81\xf3\xa0\x81\x81", 0, 0, "<U+E0001><U+E0041>", 2,
	  "tag characters (invisible ASCII)" },
	/* invalid UTF-8 */
	{ "a\xff" "b", 0, 0, "a\xef\xbf\xbd" "b", 1, "0xFF" },
	{ "\xc0\xaf", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd", 2,
	  "overlong slash" },
	{ "\xed\xa0\x80", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd\\x80", 3,
	  "surrogate bytes: a stray 0x80 shown as a C1 byte" },
	{ "\xe4\xbd", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd", 2,
	  "truncated sequence at the end" },
	{ "\xe4\xbd" "a", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd" "a", 2,
	  "truncated sequence then ASCII" },
	{ "\xf4\x90\x80\x80", 0, 0,
	  "\xef\xbf\xbd\\x90\\x80\\x80", 4, "above U+10FFFF" },
};

static void
test_sanitize(void)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(san); i++) {
		const struct san_case *c = &san[i];
		size_t len = c->inlen ? c->inlen : strlen(c->in);
		buf_reset(&b);
		size_t n = ui_sanitize(&b, c->in, len, c->flags);
		is_mem(b.data, b.len, c->out, strlen(c->out), "sanitise: %s",
		       c->name);
		is_int((intmax_t)n, (intmax_t)c->replaced, "count: %s",
		       c->name);
	}
	/* Every byte value and every C1 and bidi code point, at every
	 * position: what comes out is valid UTF-8 with no ESC, no C0 but
	 * the allowed ones, no C1 and no bidi control. */
	bool clean = true;
	char in[3];
	for (int x = 0; x < 256 && clean; x++) {
		for (int y = 0; y < 256 && clean; y++) {
			in[0] = (char)x;
			in[1] = (char)y;
			in[2] = 'z';
			buf_reset(&b);
			ui_sanitize(&b, in, 3, UI_ALLOW_LF);
			if (!utf8_valid(b.data, b.len))
				clean = false;
			size_t j = 0;
			while (clean && j < b.len) {
				uint32_t cp;
				size_t k = utf8_decode(b.data + j, b.len - j,
						       &cp);
				if (k == 0 ||
				    (cp < 0x20 && cp != '\n') || cp == 0x7f ||
				    (cp >= 0x80 && cp < 0xa0) ||
				    (cp >= 0x202a && cp <= 0x202e) ||
				    (cp >= 0x2066 && cp <= 0x2069))
					clean = false;
				j += k ? k : 1;
			}
			if (!clean)
				diag("bytes %02x %02x", x, y);
		}
	}
	ok(clean, "hostile-42: all two-byte inputs come out drawable");
	buf_reset(&b);
	buf_addstr(&b, "keep:");
	ui_sanitize(&b, "x", 1, 0);
	is_str(b.data, "keep:x", "sanitise appends");
	buf_release(&b);
}

struct width_case {
	const char *s;
	size_t width;
	const char *name;
};

static const struct width_case widths[] = {
	{ "", 0, "empty" },
	{ "abc", 3, "ASCII" },
	{ "\xe4\xb8\xad\xe6\x96\x87", 4, "Chinese 中文" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6, "Japanese kanji 日本語" },
	{ "\xe3\x81\xb2\xe3\x82\x89\xe3\x81\x8c\xe3\x81\xaa", 8,
	  "hiragana ひらがな" },
	{ "\xef\xbd\xb6\xef\xbe\x80\xef\xbd\xb6\xef\xbe\x85", 4,
	  "halfwidth katakana ｶﾀｶﾅ" },
	{ "\xef\xbc\xa1\xef\xbc\xa2", 4, "fullwidth Ａ Ｂ" },
	{ "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 6, "Korean 한국어" },
	{ "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 2,
	  "conjoining jamo ᄒ ᅡ ᆫ: one syllable" },
	{ "\xf0\x9f\x98\x80", 2, "emoji 😀" },
	{ "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 4, "thumbs up + skin tone" },
	{ "\xe2\x9c\x85", 2, "✅ emoji presentation" },
	{ "\xe2\x9c\x94", 1, "✔ text presentation" },
	{ "e\xcc\x81", 1, "e + combining acute" },
	{ "a\xcc\x80\xcc\x81\xcc\x82", 1, "three combining marks" },
	{ "\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7", 2, "Devanagari क्ष" },
	{ "\xe3\x80\x80", 2, "ideographic space" },
	{ "\xe2\x80\xa6", 1, "ellipsis" },
	{ "\xf0\xa0\x80\x80", 2, "CJK extension B 𠀀" },
	{ "\xf0\xaa\x9b\x9e", 2, "CJK extension B end region" },
	{ "\xc3\xa9t\xc3\xa9", 3, "Latin-1 été" },
	{ "\xd0\x9f\xd1\x80\xd0\xb8", 3, "Cyrillic При" },
	{ "\xef\xbf\xbd", 1, "U+FFFD" },
	{ "a\xff" "b", 3, "invalid byte counts one" },
};

static void
test_width(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(widths); i++)
		is_int((intmax_t)ui_width(widths[i].s, strlen(widths[i].s)),
		       (intmax_t)widths[i].width, "width: %s", widths[i].name);
	is_int(ui_cp_width(0x1b), -1, "ESC has no width");
	is_int(ui_cp_width(0x9b), -1, "C1 has no width");
	is_int(ui_cp_width(0x7f), -1, "DEL has no width");
	is_int(ui_cp_width('A'), 1, "A is one cell");
	is_int(ui_cp_width(0x4e00), 2, "U+4E00 is two");
	is_int(ui_cp_width(0x9fff), 2, "U+9FFF (unassigned in older data) two");
	is_int(ui_cp_width(0xac00), 2, "U+AC00 Hangul syllable two");
	is_int(ui_cp_width(0x0301), 0, "U+0301 combining zero");
	is_int(ui_cp_width(0x200b), 0, "U+200B zero");
	is_int(ui_cp_width(0xfe0f), 0, "VS16 zero");
	is_int(ui_cp_width(0x1f1e8), 1, "regional indicator one (a flag: 2)");
	is_int(ui_cp_width(0x3000), 2, "ideographic space two");
	is_int(ui_cp_width(0xff61), 1, "halfwidth ideographic stop one");
	is_int(ui_cp_width(0x10ffff), 1, "last code point one");
}

struct fit_case {
	const char *s;
	int cells;
	enum ui_align align;
	const char *out;
	const char *name;
};

static const struct fit_case fits[] = {
	{ "hello", 8, UI_LEFT, "hello   ", "pad left-aligned" },
	{ "hello", 8, UI_RIGHT, "   hello", "pad right-aligned" },
	{ "hello", 5, UI_LEFT, "hello", "exact fit" },
	{ "hello world", 8, UI_LEFT, "hello w\xe2\x80\xa6",
	  "cut with ellipsis" },
	{ "hello world", 1, UI_LEFT, "\xe2\x80\xa6", "one cell: ellipsis" },
	{ "hello", 0, UI_LEFT, "", "zero cells" },
	{ "hello", -3, UI_LEFT, "", "negative cells" },
	{ "", 3, UI_LEFT, "   ", "empty padded" },
	{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 6, UI_LEFT,
	  "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", "中文字 exact" },
	{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5, UI_LEFT,
	  "\xe4\xb8\xad\xe6\x96\x87\xe2\x80\xa6", "中文字 in 5: 中文…" },
	{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, UI_LEFT,
	  "\xe4\xb8\xad\xe2\x80\xa6 ", "中文字 in 4: no split, space pad" },
	{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, UI_RIGHT,
	  " \xe4\xb8\xad\xe2\x80\xa6", "中文字 in 4 right-aligned" },
	{ "\xe4\xb8\xad\xe6\x96\x87", 2, UI_LEFT, "\xe2\x80\xa6 ",
	  "中文 in 2: the first does not fit beside the ellipsis" },
	{ "\xe4\xb8\xad", 3, UI_RIGHT, " \xe4\xb8\xad", "中 right in 3" },
	{ "a\xe4\xb8\xad" "b", 3, UI_LEFT, "a\xe2\x80\xa6 ", "a中b in 3" },
	{ "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 5, UI_LEFT,
	  "\xed\x95\x9c\xea\xb5\xad\xe2\x80\xa6", "Korean 한국어 in 5" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 4, UI_LEFT,
	  "\xf0\x9f\x98\x80\xe2\x80\xa6 ", "emoji in 4" },
	{ "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 3, UI_LEFT,
	  "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", "combining: fits in 3" },
	{ "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 2, UI_LEFT,
	  "e\xcc\x81\xe2\x80\xa6", "combining: mark stays with its base" },
	{ "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" "abc", 7, UI_LEFT,
	  "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\xe2\x80\xa6",
	  "katakana テスト then ASCII" },
};

static void
test_fit(void)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(fits); i++) {
		const struct fit_case *c = &fits[i];
		buf_reset(&b);
		ui_fit(&b, c->s, strlen(c->s), c->cells, c->align);
		is_str(b.data, c->out, "fit: %s", c->name);
		if (c->cells > 0)
			is_int((intmax_t)ui_width(b.data, b.len), c->cells,
			       "fit width: %s", c->name);
	}
	buf_release(&b);
}

/* Random text built from hostile pieces: sanitised, it is always valid
 * UTF-8 free of controls; fitted to any width, it is always exactly that
 * wide and begins with a prefix of the sanitised text. Fixed seed. */
static void
test_random(void)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "\x1b", "[", "\x07", "\x9b", "\x7f", "\x08",
		"\t", "\n", "\r", "\xc2\x9b", "\xe2\x80\xae", "\xe2\x81\xa6",
		"\xe2\x80\x8b", "\xef\xbb\xbf", "\xe4\xb8\xad",
		"\xed\x95\x9c", "\xf0\x9f\x98\x80", "\xcc\x81",
		"\xe3\x80\x80", "\xff", "\xe4", "\xf0\x9f", "\x00",
	};
	unsigned seed = 42;
	struct buf in = BUF_INIT, clean = BUF_INIT, out = BUF_INIT;
	int bad_clean = 0, bad_width = 0, bad_prefix = 0;
	for (int round = 0; round < 20000; round++) {
		buf_reset(&in);
		seed = seed * 1103515245u + 12345u;
		int n = (int)(seed >> 16) % 24;
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			size_t k = (seed >> 16) % ARRAY_SIZE(pieces);
			const char *pc = pieces[k];
			buf_add(&in, pc, *pc ? strlen(pc) : 1);
		}
		buf_reset(&clean);
		ui_sanitize(&clean, in.data, in.len, 0);
		for (size_t j = 0; j < clean.len; j++) {
			unsigned char c = (unsigned char)clean.data[j];
			if (c < 0x20 || c == 0x7f)
				bad_clean++;
		}
		if (!utf8_valid(clean.data, clean.len))
			bad_clean++;
		seed = seed * 1103515245u + 12345u;
		int cells = 1 + (int)((seed >> 16) % 30);
		enum ui_align al = (seed >> 8) & 1 ? UI_RIGHT : UI_LEFT;
		buf_reset(&out);
		ui_fit(&out, clean.data, clean.len, cells, al);
		if (ui_width(out.data, out.len) != (size_t)cells)
			bad_width++;
		/* What fits is shown whole and padded; what does not is
		 * a prefix, an ellipsis, and at most one space of padding
		 * on the side alignment puts it. */
		const char *o = out.data;
		size_t ol = out.len;
		size_t w = ui_width(clean.data, clean.len);
		if (w <= (size_t)cells) {
			size_t pad = (size_t)cells - w;
			const char *body = al == UI_LEFT ? o : o + pad;
			if (ol != clean.len + pad ||
			    memcmp(body, clean.data, clean.len) != 0)
				bad_prefix++;
			continue;
		}
		bool good = false;
		for (size_t lead = 0; lead < 2 && !good; lead++) {
			for (size_t trail = 0; trail < 2 && !good; trail++) {
				if (lead + trail > ol)
					continue;
				if (lead && (al != UI_RIGHT || o[0] != ' '))
					continue;
				if (trail &&
				    (al != UI_LEFT || o[ol - 1] != ' '))
					continue;
				const char *q = o + lead;
				size_t ql = ol - lead - trail;
				good = ql >= 3 &&
				       memcmp(q + ql - 3, "\xe2\x80\xa6", 3) ==
					       0 &&
				       ql - 3 <= clean.len &&
				       memcmp(q, clean.data, ql - 3) == 0;
			}
		}
		if (!good) {
			if (bad_prefix++ < 3) {
				diag("cells %d align %d", cells, (int)al);
				tap_show_("clean", clean.data, clean.len);
				tap_show_("out", out.data, out.len);
			}
		}
	}
	is_int(bad_clean, 0, "random hostile text sanitises clean");
	is_int(bad_width, 0, "random text fits to the exact width");
	is_int(bad_prefix, 0, "and what is shown is the start of the text");
	buf_release(&in);
	buf_release(&clean);
	buf_release(&out);
}

int
main(void)
{
	test_sanitize();
	test_width();
	test_fit();
	test_random();
	return done_testing();
}
