/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: the viewer's parts and links. links.c finds URLs in text
 * and checks one before it is opened; savefile.c makes a safe local name
 * for a part and writes it; parts.c is the attachments pane (the list of
 * a message's MIME parts, and viewing, saving, opening through mailcap
 * and piping one), the link keys, the header toggle and the split view.
 * The pure functions (links, names) may be called from any thread; the
 * view_ functions belong to the UI thread. Not part of the public API.
 */
#ifndef POSTIE_UI_VIEW_H
#define POSTIE_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "postie/base.h"

/* ---------------------------------------------------------------------
 * Links (links.c)
 */
#define UI_URL_MAX 2048  /* bytes of one URL; a longer run is no link */
#define UI_LINKS_MAX 999 /* links numbered in one text */

/* One URL found in a text: (off, len) in that text. */
struct ui_link {
	size_t off, len;
};

struct ui_links {
	struct ui_link *v;
	size_t n, cap;
};

/* Find the URLs (http://, https://, ftp://, mailto:, scheme in any case)
 * in the UTF-8 text (p, len) and append them to l in order, at most
 * UI_LINKS_MAX in all. A URL starts where no letter or digit is just
 * before it, runs over printable ASCII other than space, quotes, <, >,
 * backquote, braces, '|', '\\' and '^', and loses trailing punctuation
 * (".,;:!?'" and a closing bracket with no opening one inside). Runs
 * longer than UI_URL_MAX are skipped. Linear in len. */
void ui_links_find(struct ui_links *l, const char *p, size_t len);
void ui_links_release(struct ui_links *l);

/* Is (url, len) fit to give to url-command: one of the schemes above, a
 * non-empty rest, no byte outside printable ASCII and at most
 * UI_URL_MAX bytes? 0, or -1 with PERR_MESSAGE saying what is wrong. */
int ui_url_check(const char *url, size_t len, struct perr *e);

/* ---------------------------------------------------------------------
 * Saving parts (savefile.c)
 */

/* The name to suggest for saving a part: the mail's file name made safe
 * by mime_safe_filename (no '/', '\\', "..", leading '.', '-' or '~',
 * no control, bidi or invisible character, at most 200 bytes cut on a
 * UTF-8 boundary), or "part-N.EXT" (N the part's number, EXT from its
 * media type) when the mail gives no name or nothing of it is left. A
 * name only, never a path. Heap string. Any thread. */
char *ui_part_filename(const char *name, size_t number, const char *type);


/* Write (data, len) to path, which must not exist, with mode 0600:
 * created with O_EXCL (a symbolic link there is not followed), fsynced,
 * then its directory fsynced. replace: path may exist and is replaced
 * (by a new file beside it renamed over it, so a crash leaves the old
 * or the new one). 0, or -1 with PERR_LOCAL (errno EEXIST when path was
 * taken and !replace). */
int ui_save_file(const char *path, const void *data, size_t len,
		 bool replace, struct perr *e);

/* Complete the path the user is typing in in: the last component is
 * matched against the entries of its directory (after "~" expansion);
 * one match is completed (with '/' after a directory), several extend
 * in to their common prefix and their names (sanitised, at most a line)
 * go to listing. Returns the number of matches. */
size_t ui_path_complete(struct buf *in, struct buf *listing);

/* ---------------------------------------------------------------------
 * The screen's side (parts.c): UI thread only
 */
struct screen;

/* The view state's life, with the screen's. */
void view_init(struct screen *s);
void view_release(struct screen *s);

/* Flags for the viewer's render (UI_PAGER_*). */
unsigned view_render_flags(const struct screen *s);
/* Called first by scr_reopen_message: when the viewer shows a part or a
 * command's output, render that again at the new width and return
 * true. */
bool view_rerender(struct screen *s);
/* Called by scr_open_message once the message is in the viewer: what
 * the viewer shows is that message now, not a part of an earlier one. */
void view_message_opened(struct screen *s);
/* The body fetch ended without a body (failed or cancelled): stop
 * waiting for it. */
void view_fetch_failed(struct screen *s);
/* Called last by scr_reopen_message (a body came): open the parts pane
 * when it waited for that body. */
void view_after_reopen(struct screen *s);

/* Keys of the viewer this file handles (v, h, Ctrl-B, S, digits and Enter
 * for a link, q from a part); true when the key was taken. */
bool view_pager_key(struct screen *s, int type, wint_t ch);
/* Keys of the parts pane. */
void view_parts_key(struct screen *s, int type, wint_t ch);
/* Keys while one of this file's prompts is open. */
void view_prompt_key(struct screen *s, int type, wint_t ch);
/* The label of this file's prompt. */
const char *view_prompt_label(const struct screen *s);

/* Drawing: the parts pane in rows y0.. (h rows). */
void view_draw_parts(struct screen *s, int y0, int h);
/* Index rows above the viewer in the split view now (0: full view). */
int view_split_rows(const struct screen *s);
/* Rows the viewer's text has now (for paging). */
int view_pager_rows(const struct screen *s);

/* Collect url-command processes that have ended (the loop's timer). */
void view_reap(struct screen *s);

#endif
