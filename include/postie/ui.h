/* SPDX-License-Identifier: ISC */
/*
 * ui: the layer between untrusted text and the screen, and the loop the
 * screen runs in. Nothing here needs ncurses or a terminal, so all of it
 * is tested with strings and pipes.
 *
 * Text from a mail or a server reaches the screen in three steps:
 *
 *   1. ui_sanitize turns bytes into text that is safe to draw: every
 *      control character, escape sequence introducer, C1 control, bidi
 *      override or isolate, invisible character and invalid UTF-8 is
 *      replaced by a visible form (hostile-42, hostile-43). What it
 *      returns is valid UTF-8 with no C0 or C1 control in it except those
 *      the caller allowed.
 *   2. ui_width measures it in screen cells with wcwidth rules from our
 *      own Unicode tables (CJK and emoji two cells, combining marks zero),
 *      the same on every machine and in every locale.
 *   3. ui_fit cuts or pads it to an exact number of cells, never
 *      splitting a wide character.
 *
 * ui_format_row does all three for one line of the message index.
 *
 * All functions here are for the UI thread; those on text keep no state
 * and may be called from any thread.
 */
#ifndef POSTIE_UI_H
#define POSTIE_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* ---------------------------------------------------------------------
 * Sanitising
 */

/* What ui_sanitize may let through. Everything else is escaped. The
 * rules are base's text_sanitize (one policy for every path from a mail
 * to a terminal); these names are the screen's spelling of its flags. */
enum {
	UI_ALLOW_TAB = TEXT_ALLOW_TAB, /* keep tabs (the pager expands them) */
	UI_ALLOW_LF = TEXT_ALLOW_LF,   /* keep line feeds (multi-line text) */
	UI_TAB_SPACE = TEXT_TAB_SPACE, /* a tab becomes one space (headers) */
	UI_ALLOW_ZWJ = TEXT_ALLOW_ZWJ, /* keep the joiners U+200C and U+200D
					  (emoji sequences, Persian text) */
};

/* Append the drawable form of (p, len) to out:
 *
 *   C0 controls, DEL      ^@ .. ^_, ^?   (so ESC is ^[ and the sequence
 *                                         it starts is inert text)
 *   C1 as a raw byte      \x80 .. \x9f   (0x9B is a one-byte CSI)
 *   C1 as UTF-8           <U+0080> .. <U+009F>
 *   bidi controls         <U+202A> .. <U+202E>, <U+2066> .. <U+2069>,
 *                         <U+200E>, <U+200F>, <U+061C>
 *   invisible characters  <U+200B> .. <U+200D>, <U+2060> .. <U+2064>,
 *                         <U+FEFF>, <U+2028>, <U+2029>, <U+00AD> and the
 *                         other format characters (general category Cf)
 *   other invalid UTF-8   U+FFFD for each byte
 *
 * Returns the number of replacements made (0: the text was drawn as it
 * came), so that a caller can flag a header that hid something. out
 * keeps what it held before. */
size_t ui_sanitize(struct buf *out, const char *p, size_t len,
		   unsigned flags);

/* ---------------------------------------------------------------------
 * Width
 */

/* Cells taken by code point cp: 2 for East Asian Wide and Fullwidth
 * (CJK, Hangul syllables, kana, emoji with emoji presentation), 0 for
 * combining marks, format characters and conjoining Hangul jamo, -1 for
 * C0 and C1 controls and DEL, 1 otherwise. Unicode 14.0 tables. */
int ui_cp_width(uint32_t cp);

/* Cells taken by the UTF-8 text (p, len). Meant for sanitised text: an
 * invalid byte counts as one cell (U+FFFD) and a control as none. */
size_t ui_width(const char *p, size_t len);

/* ---------------------------------------------------------------------
 * Fitting
 */

enum ui_align { UI_LEFT, UI_RIGHT };

/* Append (p, len), sanitised text, to out in exactly cells cells: when it
 * is wider, cut at a character boundary so that it and an ellipsis
 * (U+2026, one cell) fill the width, with one space more where a wide
 * character would have straddled the edge; when narrower, pad with
 * spaces after it (UI_LEFT) or before it (UI_RIGHT). Zero-width marks
 * stay with the character they follow. cells <= 0 appends nothing. */
void ui_fit(struct buf *out, const char *p, size_t len, int cells,
	    enum ui_align align);

/* ---------------------------------------------------------------------
 * The message index
 */

enum {
	UI_F_SEEN = 1 << 0,
	UI_F_ANSWERED = 1 << 1,
	UI_F_FLAGGED = 1 << 2,
	UI_F_DELETED = 1 << 3,
	UI_F_DRAFT = 1 << 4,
	UI_F_ATTACH = 1 << 5,
	UI_F_TAGGED = 1 << 6,      /* shown '*' where '!' would be */
};

/* What one index row shows. Fixed size; the strings are borrowed (from
 * the store's arena) and untrusted: the formatter sanitises them. */
struct ui_summary {
	int64_t date;         /* seconds since the epoch, UTC; 0: unknown */
	const char *from;     /* display name or address; NULL: none */
	const char *subject;  /* decoded; NULL: none */
	uint64_t size;        /* bytes */
	unsigned flags;       /* UI_F_* */
};

/* Layout of an index row, in cells. The subject takes what is left of
 * width after the fixed columns and one space between each. */
struct ui_row_fmt {
	int width;            /* the whole row */
	int date_cells;       /* e.g. 10 */
	int from_cells;       /* e.g. 20 */
	int size_cells;       /* e.g. 5; 0 hides the column */
	int64_t now;          /* for "today" and "this year" dates */
	int tz_offset_min;    /* local time = UTC + this; one offset for
				 every row (DST edges may be an hour off) */
};

/* Append one row, exactly fmt->width cells, to out:
 *
 *   flags(3) date from subject size
 *
 * flags: D (deleted), N (new), r (answered) or space; ! (flagged) or
 * space; + (attachment) or space. date: "14:05" today, "Nov 23" this
 * year, "2025-11-23" before. size: "512", "1.2K", "34K", "5.6M", "1.1G".
 * scratch is a buffer the caller keeps between rows so that formatting a
 * screenful allocates nothing. */
void ui_format_row(struct buf *out, const struct ui_summary *s,
		   const struct ui_row_fmt *fmt, struct buf *scratch);

/* Append a size in at most 4 cells ("512", "1.2K", "34K", "999M", ...). */
void ui_format_size(struct buf *out, uint64_t size);

/* ---------------------------------------------------------------------
 * The main loop
 *
 * One poll() over the terminal input, the accounts' wake-up fd and a
 * self-pipe written by the SIGWINCH handler. The callbacks run in the UI
 * thread, from ui_loop_run or ui_loop_once. on_input and on_wake must
 * read their fd (acct_hub_drain does for the hub), or the loop calls them
 * again at once. Several SIGWINCH between two rounds give one on_resize.
 */
struct ui_loop_ops {
	void (*on_input)(void *arg);  /* in_fd readable, or at end of file */
	void (*on_wake)(void *arg);   /* wake_fd readable */
	void (*on_resize)(void *arg); /* the terminal changed size */
	void (*on_timeout)(void *arg); /* timeout_ms passed with nothing */
	int timeout_ms;               /* -1: no timeout */
};

struct ui_loop;

/* Make the loop and install the SIGWINCH handler (the previous one comes
 * back with ui_loop_free). in_fd or wake_fd may be -1 (not polled).
 * Only one loop may exist at a time. NULL with *e set when a loop exists
 * or the self-pipe or handler cannot be set up. ops and arg are borrowed
 * and must outlive the loop. */
struct ui_loop *ui_loop_new(int in_fd, int wake_fd,
			    const struct ui_loop_ops *ops, void *arg,
			    struct perr *e);
/* Wait up to timeout_ms (-1: forever, capped by ops->timeout_ms) for one
 * round and run the callbacks that are due, resize first, then wake-up,
 * then input. Returns the number of callbacks run, or -1 with *e set
 * (poll failed, or an fd was closed under the loop). */
int ui_loop_once(struct ui_loop *l, int timeout_ms, struct perr *e);
/* Run rounds until a callback calls ui_loop_quit. 0, or -1 with *e. */
int ui_loop_run(struct ui_loop *l, struct perr *e);
void ui_loop_quit(struct ui_loop *l);
/* Restore the previous SIGWINCH handler and free. NULL is a no-op. */
void ui_loop_free(struct ui_loop *l);

/* ---------------------------------------------------------------------
 * mailcap (RFC 1524): which program shows a media type (mailcap.c)
 *
 * Pure: the caller reads ~/.mailcap and /etc/mailcap and runs what comes
 * out; nothing here touches a file or starts a process. Any thread.
 */

#define UI_MAILCAP_LINE_MAX 8192     /* bytes of one entry, joined */
#define UI_MAILCAP_ENTRIES_MAX 2048  /* entries kept over all files */
#define UI_MAILCAP_ERRORS_MAX 32     /* messages kept on skipped lines */
#define UI_MAILCAP_COMMAND_MAX 65536 /* bytes of an expanded command */

/* One entry. Strings are owned by the struct ui_mailcap that holds it;
 * fields the entry does not give are NULL. Commands are kept as written
 * (backslash escapes included) for ui_mailcap_expand. */
struct ui_mailcap_entry {
	char *type;        /* lower case "text/html"; a subtype "*" is a
			      wildcard for the whole major type */
	char *view;        /* the view command (second field) */
	char *test;        /* test=: run it, use the entry on exit 0 */
	char *nametemplate;
	char *description;
	char *print;
	char *edit;
	char *compose;
	bool needsterminal;
	bool copiousoutput;
	char *file;        /* the file name given to ui_mailcap_parse */
	unsigned line;     /* where the entry starts in it */
};

struct ui_mailcap {
	struct ui_mailcap_entry *v;
	size_t n, cap;
	char *errors[UI_MAILCAP_ERRORS_MAX]; /* "file:line: what" */
	size_t nerrors;     /* messages kept */
	size_t nskipped;    /* lines skipped in all (may exceed nerrors) */
};

#define UI_MAILCAP_INIT { NULL, 0, 0, { NULL }, 0, 0 }

void ui_mailcap_init(struct ui_mailcap *mc);
/* Free every entry and message and re-initialise. */
void ui_mailcap_release(struct ui_mailcap *mc);

/* Add the entries of the mailcap text (text, len), read from the file
 * named file (used in messages only), after those already in mc, so that
 * parsing ~/.mailcap then /etc/mailcap gives RFC 1524's search order.
 * Comments (#, never continued), blank lines, continuation lines (a
 * backslash at the end) and "\;" inside a field are understood;
 * unknown flags are ignored. A line that cannot be read (a bad type, no
 * command, longer than UI_MAILCAP_LINE_MAX, a NUL byte) is skipped and
 * leaves a message "file:line: what" in mc->errors; the rest of the file
 * still counts.
 * Returns 0, or -1 with PERR_CONFIG in *e when the entries would pass
 * UI_MAILCAP_ENTRIES_MAX (those before the cap are kept). Time is linear
 * in len. */
int ui_mailcap_parse(struct ui_mailcap *mc, const char *text, size_t len,
		     const char *file, struct perr *e);

/* The first entry after `after` (NULL: from the start) whose type matches
 * the media type type ("Text/HTML", parameters after ';' ignored): the
 * same type/subtype, ASCII case ignored, or a wildcard entry (subtype
 * "*") of the same major type. File order decides, as RFC 1524 says, so
 * a specific entry wins over a wildcard only when it comes first. Call
 * again with the result as `after` when its test= command fails.
 * Borrowed from mc; NULL when none matches. */
const struct ui_mailcap_entry *
ui_mailcap_lookup(const struct ui_mailcap *mc, const char *type,
		  const struct ui_mailcap_entry *after);

/* A Content-Type parameter from the mail: untrusted. */
struct ui_mailcap_param {
	const char *name;
	const char *value;
};

/* What ui_mailcap_expand did besides the command. */
struct ui_mailcap_report {
	bool uses_file; /* %s appeared; otherwise give the data on stdin */
	size_t dropped; /* %{param} values dropped for control characters */
	size_t missing; /* %{param} names not among the parameters */
};

/* Expand the mailcap command cmd (an entry's view, test, print, edit or
 * compose) into an argv for proc_capture or posix_spawn: "/bin/sh", "-c",
 * the command, NULL. Heap vector; free with argv_free.
 *
 *   %s      file, the temporary file postie made
 *   %t      type, the media type without parameters
 *   %{name} the value of parameter name (ASCII case ignored), "" if absent
 *   %%      a percent sign;  \%  a percent sign;  \;  a semicolon;
 *   \\      a backslash; any other backslash is kept for the shell
 *
 * Every substituted value is written single-quoted, with each ' as
 * '\'', so that the shell reads it as one literal word whatever it holds
 * (hostile-45): $(...), backquotes, ${IFS}, quotes, ';' and newlines do
 * nothing. A parameter value with a control character (C0 or DEL) is
 * dropped and written as '' (counted in rep->dropped). A placeholder the
 * entry itself quotes, '%s' or "%s" with the quote marks right beside
 * it, loses those quote marks (ours replace them); a placeholder inside
 * a longer quoted string ("file %s") is refused with PERR_CONFIG, since
 * no quoting of ours is safe inside someone else's double quotes. So is
 * a placeholder right after a backslash or '$', one in a command with
 * backquotes, "((" or "[[" (where a shell reads the word a second time),
 * %n, %F, or a command longer than UI_MAILCAP_COMMAND_MAX once expanded.
 * rep may be NULL. NULL with *e set on failure. */
char **ui_mailcap_expand(const char *cmd, const char *file,
			 const char *type,
			 const struct ui_mailcap_param *params,
			 size_t nparams, struct ui_mailcap_report *rep,
			 struct perr *e);

/* The file-name suffix the entry's nametemplate asks for ("%s.pdf" gives
 * ".pdf"): what follows %s, keeping only [A-Za-z0-9._-], at most 32
 * bytes. Heap string; NULL when there is no nametemplate, no %s in it or
 * nothing left. */
char *ui_mailcap_suffix(const struct ui_mailcap_entry *ent);

/* ---------------------------------------------------------------------
 * The screen (screen.c): status bar, folder list, index, viewer, prompt
 */
struct cfg;
struct cfg_account;

/* One account as the screen needs it; everything borrowed. */
struct ui_account {
	const struct cfg_account *cfg;
	const char *cache_dir; /* its store directory */
	const char *data_dir;  /* its data directory (POP3 mail) */
};

struct ui_screen_params {
	const struct cfg *cfg;               /* [ui] settings */
	const struct ui_account *accounts;
	size_t n_accounts;
	size_t start_account;                /* index into accounts */
	const char *start_folder;            /* NULL: INBOX */
	int timeout_ms;                      /* network; <= 0: defaults */
	int64_t start_ms;                    /* time_mono_ms at start, for
						the log's timing line */
	const char *compose_url;             /* open the composer at start:
						a mailto: URL, or "" for an
						empty message; NULL: no */
};

/* Run the screen on the terminal (stdin and stdout) until the user
 * quits or SIGTERM, SIGINT or SIGHUP arrives: one worker per account
 * (a local Maildir account gets acct_maildir_engine, others
 * acct_sync_engine), each synced once at start and then on its poll
 * timer. The start folder shows from the store before any sync. The
 * terminal is restored before this returns, and on out of memory.
 * Returns 0, or -1 with *e (no terminal, or the loop failed). UI thread;
 * only one screen at a time. */
int ui_screen_run(const struct ui_screen_params *p, struct perr *e);

/* What `postie config check` asks of the screen: every [bind] line
 * names an action the pane has (or a : command the screen knows), and
 * the theme [ui] theme names, with the dotfile's [color] lines, reads.
 * Appends one "FILE:LINE: what" line per fault to errors and returns
 * their count; a theme that cannot be found goes to warnings (the
 * screen would use the default). Any thread. */
size_t ui_config_check(const struct cfg *c, struct buf *errors,
		       struct buf *warnings);

#endif
