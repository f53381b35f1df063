/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: the viewer's text model (pager.c), shared by the screen and
 * its tests. Not part of the public API.
 */
#ifndef POSTIE_UI_PRIVATE_H
#define POSTIE_UI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* One screen line of the viewer: (off, len) in the pager's text. */
struct ui_pager_line {
	size_t off, len;
	unsigned quote; /* '>' marks at its start: 0 for none */
	bool header;    /* a header line (or a note of postie's own) */
};

/* A message as lines. text holds sanitised UTF-8 only. */
struct ui_pager {
	struct buf text;
	struct ui_pager_line *v;
	size_t n, cap;
	size_t nheader; /* the first nheader lines are the headers */
	char **urls;    /* links numbered in the text: [1] is urls[0] */
	size_t nurls;
};

/* What ui_pager_render_opts shows besides the default. */
#define UI_PAGER_ALL_HEADERS 0x1 /* every header field, not the common */

/* Render the raw message (raw, len) into lines of at most width cells:
 * Date, From, To, Cc and Subject decoded, a blank line, the body text
 * (HTML as text, flowed joined, charsets from the message and assumed),
 * then one line per attachment. Everything is sanitised. pg must be
 * zeroed or hold an earlier render (released first). UI thread or any. */
void ui_pager_render(struct ui_pager *pg, const char *raw, size_t len,
		     const char *const *assumed, int width);
/* The same with flags (UI_PAGER_*). Every URL of the body is numbered:
 * " [N]" follows it and pg->urls[N - 1] holds it. */
void ui_pager_render_opts(struct ui_pager *pg, const char *raw, size_t len,
			  const char *const *assumed, int width,
			  unsigned flags);
/* Render one part of the parsed message m: a title line, then for a
 * message/rfc822 part the message as ui_pager_render_opts does, for any
 * other part its text as mime_part_text gives it (HTML as text). */
struct mime_message;
struct mime_part;
void ui_pager_render_part(struct ui_pager *pg, const struct mime_message *m,
			  const struct mime_part *part,
			  const char *const *assumed, int width,
			  unsigned flags);
/* Render a title line and the UTF-8 text (text, len), for the output of
 * a command; links numbered as above. */
void ui_pager_render_text(struct ui_pager *pg, const char *title,
			  const char *text, size_t len, int width);
/* Free the lines and zero pg (ready for another render). */
void ui_pager_release(struct ui_pager *pg);

/* ---------------------------------------------------------------------
 * Keys (keys.c)
 */
/* One key as curses reports it: a character (fn false; Control-x is
 * 0x18, Esc 27) or a KEY_* code (fn true). */
struct ui_key {
	bool fn;
	uint32_t code;
};

enum ui_pane { UI_PANE_INDEX, UI_PANE_PAGER, UI_PANE_FOLDERS,
	       UI_PANE_COMPOSE };

#define UI_KEYSEQ_MAX 8

/* Parse a key sequence as the dotfile writes it ("gg", "<C-f>",
 * "<M-Enter>" which is Esc then Enter, "<F5>", "<lt>") into out[max];
 * *n gets the number of keys. 0, or -1 with PERR_CONFIG. */
int ui_keyseq_parse(const char *s, struct ui_key *out, size_t max, size_t *n,
		    struct perr *e);
/* The built-in key of the action name in pane (a binding presses it).
 * 0; 1 with a message in *e when the action means nothing in that pane;
 * -1 with PERR_CONFIG for an unknown action (with a did-you-mean). */
int ui_action_key(const char *action, enum ui_pane pane, struct ui_key *out,
		  struct perr *e);
/* Is line (without its ':') a : command the screen knows? 0, or -1 with
 * PERR_CONFIG naming it and a did-you-mean. Its arguments are checked
 * when it runs. */
int ui_command_check(const char *line, struct perr *e);
/* Can a [bind "pane"] line bind action (an action name or ":command")?
 * 0, or -1 with PERR_CONFIG. "compose" is left to the composer. */
int ui_binding_check(const char *pane, const char *action, struct perr *e);

/* A binding of a key preset, as a [bind] line would write it. */
struct ui_preset_bind {
	const char *pane, *keys, *action;
};
/* The bindings of [ui] keys = name ("vim", "emacs"): static data, *n of
 * them; NULL (and 0) for the default or an unknown name. */
const struct ui_preset_bind *ui_key_preset(const char *name, size_t *n);
/* Append the name of k as a [bind] line writes it: "j", "<C-d>",
 * "<Enter>", "<PageUp>", "<F5>". */
void ui_key_name(struct ui_key k, struct buf *out);

#endif
