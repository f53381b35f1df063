/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: the screen's state and the functions its files share.
 * screen.c holds the state's life (start, the loop's callbacks, folders,
 * the index, requests to the workers, the viewer), draw.c draws it,
 * input.c turns keys and prompts into changes. Not part of the public
 * API; UI thread only.
 */
#ifndef POSTIE_UI_SCREEN_H
#define POSTIE_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "postie/account.h"
#include "postie/base.h"
#include "postie/store.h"
#include "postie/ui.h"

#include "private.h"
#include "theme.h"

struct scr_notify;

/* Colour pairs by their first names: the pair of theme element N is
 * N + 1. New drawing code asks theme_attr(THEME_X) instead. */
enum {
	PAIR_BAR = THEME_STATUS + 1,
	PAIR_Q1 = THEME_QUOTE1 + 1,
	PAIR_Q2 = THEME_QUOTE2 + 1,
	PAIR_Q3 = THEME_QUOTE3 + 1,
	PAIR_HDR = THEME_HEADER_NAME + 1,
	PAIR_ERR = THEME_ERROR + 1,
	PAIR_FLAG = THEME_INDEX_FLAGGED + 1,
};

enum focus { FOCUS_INDEX, FOCUS_FOLDERS };
enum view { VIEW_INDEX, VIEW_PAGER, VIEW_HELP, VIEW_PARTS, VIEW_COMPOSE };
enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_FOLDER,
		   PROMPT_COMMAND, PROMPT_QUIT,
		   /* actions.c */
		   PROMPT_SAVE, PROMPT_COPY, PROMPT_LIMIT, PROMPT_TAG,
		   PROMPT_CREATE,
		   /* the viewer's parts and links (parts.c) from here */
		   PROMPT_PART_SAVE, PROMPT_PART_OVERWRITE, PROMPT_PART_PIPE,
		   PROMPT_LINK };

struct acct {
	const struct ui_account *ua;
	struct acct_worker *w;
	struct store *st;          /* read-only; NULL until an index exists */
	struct store_folder *fv;   /* in display order */
	size_t nf;
	bool syncing;
	uint64_t sync_id;
	const char **assumed;      /* the account's charsets, NULL-ended */
	struct scr_ftree *ft;      /* foldertree.c: parents, folds */
};

/* One key binding from the dotfile, in one pane. */
struct binding {
	enum ui_pane pane;
	struct ui_key keys[UI_KEYSEQ_MAX];
	size_t n;
	struct ui_key to;          /* the built-in key it presses */
	const char *cmd;           /* or the : command it runs (borrowed
				      from the dotfile), or NULL */
};

struct screen {
	const struct ui_screen_params *p;
	struct acct *acc;
	size_t nacc;
	struct acct_hub *hub;
	struct ui_loop *loop;

	/* the open folder */
	size_t cur_acc;
	int64_t cur_fid;           /* 0: none */
	char *cur_raw;             /* its raw name */
	struct store_summaries sum;
	uint32_t *order;           /* display order, sum.n entries */
	struct store_thread th;
	bool threaded;
	enum store_sort_key sort;
	bool reverse;
	size_t cursor, top;        /* positions in order */
	size_t shown;              /* entries of order shown: the limit, moves
				      in flight and folded threads hide some */
	struct scr_act *act;       /* actions.c: tags, limit, folds, requests */

	/* the folder list */
	bool show_folders;
	int folder_width;
	size_t fcursor;            /* entry in the flat list */

	enum focus focus;
	enum view view;
	struct ui_pager pg;
	size_t pg_top;
	uint32_t pg_uid;
	struct view_state *vs;     /* parts, links, split view (parts.c) */

	enum prompt_kind prompt;
	struct buf input;
	char *search;              /* last search, lower case */
	char *message;             /* the bottom line */
	bool message_err;
	char *last_error;          /* for the status bar */
	uint64_t auto_seen_id;     /* request marking a message read */
	uint64_t fetch_id;         /* body being fetched, 0: none */
	uint32_t fetch_uid;
	int64_t fetch_fid;

	struct binding *bind;
	size_t nbind;
	struct ui_key pending[UI_KEYSEQ_MAX]; /* keys of a sequence so far */
	size_t npending;

	int rows, cols;
	struct buf row, scratch;
	bool quit;

	struct theme theme;        /* in use (theme.c) */
	struct scr_notify *notify; /* new mail: markers, title (notify.c) */
	struct ui_composer *cmp;   /* the composer (compose_screen.c) */
};

/* ---------------------------------------------------------------------
 * screen.c
 */

/* Put a message on the bottom line; err also keeps it for the status bar
 * and the log. */
void scr_say(struct screen *s, bool err, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* Open the account's index if it exists now and reload its folders. */
void scr_load_folders(struct screen *s, struct acct *a);
/* The open folder, or NULL. */
const struct store_folder *scr_cur_folder(const struct screen *s);

/* The summary at display position pos, or NULL. */
const struct store_summary *scr_at(const struct screen *s, size_t pos);
/* Sort (or thread) the loaded summaries into s->order. */
void scr_resort(struct screen *s);
/* Load the open folder again from the store, keeping the cursor on the
 * same message where it still is. */
void scr_reload_index(struct screen *s);
void scr_open_folder(struct screen *s, size_t ai,
		     const struct store_folder *f);
/* Open the folder of account ai by decoded or raw name; false if none. */
bool scr_open_folder_named(struct screen *s, size_t ai, const char *name);

/* Ask the account's worker to sync (folder NULL: all). */
void scr_post_sync(struct screen *s, struct acct *a, const char *folder);
/* Set and clear flags of uid in the open folder: shown at once, the
 * store confirms when the worker is done. Returns the request id or 0. */
uint64_t scr_change_flags(struct screen *s, uint32_t uid, uint32_t set,
			  uint32_t clear);
/* Ask the worker for the body of uid in the open folder. */
bool scr_fetch_body(struct screen *s, uint32_t uid);
/* Show the message under the cursor in the viewer. */
void scr_open_message(struct screen *s);
/* Render the viewer's message again, keeping the place. */
void scr_reopen_message(struct screen *s);
void scr_show_help(struct screen *s);

/* ---------------------------------------------------------------------
 * draw.c
 */
void scr_put_cells(int y, int x, const char *p, size_t len);
/* Is the folder list shown (not hidden, and the index left at least 30
 * columns)? */
bool scr_folders_fit(const struct screen *s);
void scr_draw(struct screen *s);
/* The colour pairs of s->theme, once curses has started. */
void scr_colors_init(struct screen *s);

/* ---------------------------------------------------------------------
 * input.c
 */
void scr_on_key(struct screen *s, int type, wint_t ch);
/* Turn the dotfile's [bind] sections, then the [ui] keys preset, into
 * bindings (the dotfile's first: they win). */
void scr_load_bindings(struct screen *s);
void scr_prompt_start(struct screen *s, enum prompt_kind k);
void scr_move_cursor(struct screen *s, long delta);
/* Flip flag bit of the message under the cursor (or in the viewer). */
void scr_toggle(struct screen *s, uint32_t bit);
void scr_quit_key(struct screen *s);
void scr_change_folder(struct screen *s, const char *name);
void scr_run_command(struct screen *s, const char *line);
void scr_search_next(struct screen *s, bool forward);

/* ---------------------------------------------------------------------
 * actions.c: delete, move, copy, tags, limit, folded threads
 */
struct scr_act;
/* scr_act_event's answer bits */
#define SCR_ACT_RELOAD 1   /* reload the index */
#define SCR_ACT_HANDLED 2  /* said all there is to say about the event */

void scr_act_init(struct screen *s);
void scr_act_free(struct screen *s);
/* After s->order holds every message (s->shown of them): keep only what
 * the limit matches, leave out moves in flight and the replies of folded
 * threads, and set s->shown. */
void scr_act_filter(struct screen *s);
/* A key of the index: true when it was an action's (done). */
bool scr_act_key(struct screen *s, wint_t ch);
/* d, u, s or C in the viewer: for the message shown; d goes on to the
 * next message. */
void scr_act_pager_key(struct screen *s, wint_t ch);
/* Enter on one of the prompts of actions.c with the text typed. */
void scr_act_prompt_done(struct screen *s, enum prompt_kind k,
			 const char *v);
/* Tab in the move and copy prompts: complete the folder name. */
void scr_act_complete(struct screen *s);
/* The text in front of the input for the prompts of actions.c. */
const char *scr_act_prompt_label(const struct screen *s);
/* An event of account a: SCR_ACT_* bits. */
int scr_act_event(struct screen *s, struct acct *a,
		  const struct acct_event *ev);
/* The open folder is left: expunge what d marked deleted there, forget
 * tags, limit and folds. */
void scr_act_leave(struct screen *s);
/* Post the expunge of the open folder's messages marked deleted. */
void scr_act_expunge(struct screen *s);
bool scr_act_tagged(const struct screen *s, uint32_t uid);
bool scr_act_limited(const struct screen *s);
/* Messages folded under summary idx (0: none). */
uint32_t scr_act_folded(const struct screen *s, uint32_t idx);
/* The limit, tags and ';' for the status bar. */
void scr_act_status(const struct screen *s, struct buf *b);

/* ---------------------------------------------------------------------
 * foldertree.c: the folder list as a tree
 */
struct scr_ftree;
/* Sort an account's folders for the list: the special ones first, then
 * each parent followed by its children. */
void scr_ftree_sort(struct store_folder *v, size_t n);
/* (Re)build the tree of a->fv (sorted), keeping what was folded. */
void scr_ftree_build(struct acct *a);
void scr_ftree_free(struct acct *a);
/* The folder pane's flat list: per account a heading, then its visible
 * folders. Entry k -> (account, folder index or SIZE_MAX for a
 * heading). */
size_t scr_flat_count(const struct screen *s);
bool scr_flat_get(const struct screen *s, size_t k, size_t *acc,
		  size_t *fol);
/* The row's text (not sanitised): the heading, or the folder indented
 * with its fold mark and the last part of its name; *unread and *total
 * (folders only) include what a folded parent hides. */
void scr_ftree_label(const struct screen *s, size_t ai, size_t fi,
		     struct buf *out, uint32_t *unread, uint32_t *total);
/* Space, Enter, h, l in the folder list: true when taken (a fold). */
bool scr_ftree_key(struct screen *s, wint_t ch);

/* ---------------------------------------------------------------------
 * keys.c
 */
/* The help: per pane every action with its keys, bound ones first, and
 * the command bindings; generated from the action table. */
void scr_help_text(const struct screen *s, struct buf *out);

/* ---------------------------------------------------------------------
 * theme.c
 */
/* Load the theme called name (and the dotfile's [color] lines) and use
 * it at once; on failure say why and keep the one in use. */
void scr_set_theme(struct screen *s, const char *name);

/* ---------------------------------------------------------------------
 * notify.c: new mail told on the screen, by the bell, a command, and
 * the terminal title
 */
/* After curses started / before it ends. */
void scr_notify_start(struct screen *s);
void scr_notify_stop(struct screen *s);
/* Each event of a wake-up, then flush once: the bell and the
 * new-mail-command for what the wake-up brought. */
void scr_notify_event(struct screen *s, size_t ai,
		      const struct acct_event *ev);
void scr_notify_flush(struct screen *s);
/* Reap finished or overdue commands; never waits. */
void scr_notify_tick(struct screen *s);
/* The user looked at the open folder's account: its marker goes. */
void scr_notify_seen(struct screen *s);
/* Append " (N new)" to an account's heading; paint it in its colour
 * after the heading of width w is drawn at (y, x). */
void scr_notify_heading(const struct screen *s, size_t ai,
			struct buf *line);
void scr_notify_paint_heading(const struct screen *s, size_t ai, int y,
			      int x, int w);
/* Append " | new mail: ACCT N, ..." for the other accounts. */
void scr_notify_status(const struct screen *s, struct buf *bar);
/* Server alerts (ACCT_EV_ALERT, queued by scr_notify_event): append the
 * oldest, with its place in the queue, to out and return true, or
 * return false when none waits. */
bool scr_notify_alert_line(const struct screen *s, struct buf *out);
/* A key was pressed: when an alert is on the bottom line (no prompt,
 * not the composer) dismiss it and return true: the key is used up. */
bool scr_notify_alert_key(struct screen *s);
/* The title's text, sanitised; write it when it changed. */
void scr_notify_title_text(const struct screen *s, struct buf *out);
void scr_notify_title(struct screen *s);

#endif
