/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: themes. One colour and attribute per screen element, read
 * from a theme file (themes/NAME.theme, the dotfile's syntax, [color]
 * sections) and from the dotfile's own [color] lines, then fitted to what
 * the terminal can show: 24-bit colour on a direct-colour terminal when
 * COLORTERM says truecolor, else the nearest of 256, 16 or 8 colours, and
 * no colour at all under NO_COLOR (attributes stay).
 *
 * Drawing code asks theme_attr(THEME_X) for the attr_t of an element,
 * colour pair included, and draws with it. Parsing and colour arithmetic
 * need no terminal, so they are unit-tested; theme_use talks to curses.
 * UI thread only (the table in use is one per process).
 */
#ifndef POSTIE_UI_THEME_H
#define POSTIE_UI_THEME_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

struct cfg;

/* Every element, its name in a theme file, and what it colours. */
#define THEME_ELEMENTS(X)                                                  \
	X(NORMAL, "normal")             /* the whole screen's background */ \
	X(STATUS, "status")             /* the status bar at the top */    \
	X(PROMPT, "prompt")             /* the bottom line: prompts, notes */ \
	X(ERROR, "error")               /* an error on the bottom line */  \
	X(SELECTION, "selection")       /* the cursor in other lists */    \
	X(FOLDER, "folder")             /* a folder in the folder list */  \
	X(FOLDER_CURRENT, "folder-current") /* the open folder */          \
	X(FOLDER_UNREAD, "folder-unread") /* a folder with unread mail */  \
	X(FOLDER_ACCOUNT, "folder-account") /* an account's heading */     \
	X(FOLDER_NEW, "folder-new")     /* the "N new" marker */           \
	X(INDEX, "index")               /* a message in the index */       \
	X(INDEX_UNREAD, "index-unread")                                    \
	X(INDEX_FLAGGED, "index-flagged")                                  \
	X(INDEX_DELETED, "index-deleted")                                  \
	X(INDEX_TAGGED, "index-tagged")                                    \
	X(INDEX_CURSOR, "index-cursor") /* the message under the cursor */ \
	X(TREE, "tree")                 /* thread tree lines */            \
	X(HEADER_NAME, "header-name")   /* "From:" in the viewer */        \
	X(HEADER_VALUE, "header-value") /* what follows it */              \
	X(QUOTE1, "quote-1")            /* "> " quoted text, by depth */   \
	X(QUOTE2, "quote-2")                                               \
	X(QUOTE3, "quote-3")                                               \
	X(QUOTE4, "quote-4")            /* and deeper */                   \
	X(LINK, "link")                 /* a URL in the viewer */          \
	X(ATTACHMENT, "attachment")     /* the attachment list */          \
	X(SIGNATURE, "signature")       /* after a "-- " line */           \
	X(COMPOSE_FIELD, "compose-field") /* "To:" in the composer */

#define THEME_ENUM_(id, name) THEME_##id,
enum theme_element { THEME_ELEMENTS(THEME_ENUM_) THEME_COUNT };
#undef THEME_ENUM_

/* A colour as written: the terminal's default, a palette index (the 16
 * names are 0-15, colorN is N), or 24-bit RGB (#rrggbb). */
enum theme_color_kind { THEME_C_DEFAULT, THEME_C_INDEX, THEME_C_RGB };
struct theme_color {
	enum theme_color_kind kind;
	uint32_t v; /* index 0-255, or 0xrrggbb */
};

struct theme_style {
	struct theme_color fg, bg;
	attr_t attrs; /* A_BOLD, A_UNDERLINE, ... without colour */
};

struct theme {
	char *name;   /* as chosen: "default", "gruvbox" */
	char *path;   /* the file read, or NULL for the built-in default */
	struct theme_style el[THEME_COUNT];
};

/* What the terminal shows. */
enum theme_depth {
	THEME_DEPTH_NONE,   /* attributes only */
	THEME_DEPTH_8,
	THEME_DEPTH_16,
	THEME_DEPTH_256,
	THEME_DEPTH_DIRECT, /* colour numbers are 0xrrggbb (TERM=*-direct) */
};

/* ---------------------------------------------------------------------
 * Pure parts, any thread
 */
/* The element called name, or -1. */
int theme_element(const char *name);
/* Its name (static). */
const char *theme_element_name(enum theme_element el);
/* One colour word: "default", black red green yellow blue magenta cyan
 * white, the same with "bright-" in front, color0..color255, #rrggbb
 * (ASCII case ignored). 0, or -1 when it is none of these. */
int theme_parse_color(const char *word, struct theme_color *out);
/* An element's value: up to two colours (foreground, background) and
 * any of bold, dim, underline, reverse, italic, blink, standout, none,
 * in any order, separated by blanks. Unset colours are the default.
 * 0, or -1 with PERR_CONFIG saying which word is wrong. */
int theme_parse_style(const char *value, struct theme_style *out,
		      struct perr *e);
/* The xterm palette: the RGB of index idx (0-255). */
uint32_t theme_index_rgb(unsigned idx);
/* The nearest of the 240 fixed colours 16-255 (cube and grey ramp). */
unsigned theme_nearest_256(uint32_t rgb);
/* The nearest of the 16 (or 8) ANSI colours. */
unsigned theme_nearest_16(uint32_t rgb);
unsigned theme_nearest_8(uint32_t rgb);
/* What to draw with, from has_colors(), COLORS and the environment's
 * NO_COLOR (NULL when unset; set to anything, even "", means none). */
enum theme_depth theme_depth_for(bool has_colors, int colors,
				 const char *no_color);
/* The curses colour number of c at depth d (-1: the default colour).
 * truecolor: RGB may be used as it is (direct depth only). */
int theme_color_number(const struct theme_color *c, enum theme_depth d,
		       bool truecolor);

/* The built-in default theme (the same as themes/default.theme), with
 * name "default" and no path. Release with theme_release. */
void theme_builtin(struct theme *t);
/* The text of the built-in default, in theme-file syntax (static). */
const char *theme_builtin_text(void);
/* Apply the [color] lines of file (a theme file or the dotfile, loaded
 * by config) to t: each line sets its element's whole style. -1 with
 * PERR_CONFIG "FILE:LINE:COL: what" at the first line that names no
 * element or holds a bad colour; t is then half changed (use a copy). */
int theme_apply_cfg(struct theme *t, const struct cfg *file,
		    struct perr *e);
/* Free what t owns and zero it. */
void theme_release(struct theme *t);

/* Where the theme called name is: name itself when it holds a '/' (~/
 * expanded), else NAME.theme in, in order, the directory "themes" beside
 * the dotfile (not when the dotfile is directly in $HOME),
 * $XDG_CONFIG_HOME/postie/themes, $POSTIE_THEMES, the themes/ of the
 * source tree a built binary runs from, and the installed
 * POSTIE_DATADIR/themes. A name must be letters, digits, '.', '_' and
 * '-', not starting with '.'. Heap path, or NULL with PERR_CONFIG naming
 * the places looked at. */
char *theme_find(const char *name, const char *dotfile, struct perr *e);
/* Load the theme called name ("default" with no file found gives the
 * built-in one) and then the dotfile's [color] lines (c may be NULL).
 * On failure *t is untouched and *e says what and where. */
int theme_load(struct theme *t, const char *name, const struct cfg *c,
	       struct perr *e);

/* ---------------------------------------------------------------------
 * Curses, UI thread only, after initscr
 */
/* Make t the theme in use: colour pairs set for the terminal's depth
 * (from has_colors, COLORS, NO_COLOR and COLORTERM), the background set.
 * t is copied; the caller keeps it. */
void theme_use(const struct theme *t);
/* The attr_t of an element in the theme in use (colour pair included).
 * Before any theme_use, plain attributes of the built-in default. */
attr_t theme_attr(enum theme_element el);
/* over drawn on base: over's colours when it has any, else base's, and
 * the attributes of both (a flagged message under the cursor). */
attr_t theme_attr_over(enum theme_element base, enum theme_element over);
/* The depth chosen by the last theme_use. */
enum theme_depth theme_depth_in_use(void);

/* The viewer: the first line of the signature (after "-- ") in pg, or
 * SIZE_MAX; none in the help text. */
struct ui_pager;
size_t theme_signature_start(const struct ui_pager *pg, bool help);
/* The element of line i: header value, attachment, signature, quote
 * depth, or normal text. */
enum theme_element theme_pager_element(const struct ui_pager *pg, size_t i,
				       size_t sig);
/* After line (text, len) of element el is drawn at (y, x): paint a
 * header's name and the URLs in it in their elements' colours. */
void theme_paint_line(int y, int x, enum theme_element el, const char *text,
		      size_t len);

#endif
