/* SPDX-License-Identifier: ISC */
/*
 * ui, inside: the composer. A message being written (its From identity,
 * To, Cc, Bcc, Subject, body and attachments), the line editor its
 * header fields are typed in, the multi-line editor for the body when no
 * external editor is set, how a reply or a forward is started from a
 * raw message, and the draft files that keep what was typed safe across
 * a crash. compose.c holds the pure parts (tested in
 * tests/unit/ui/compose.c), compose_screen.c the pane: keys, drawing,
 * the external editor, sending and postponing. UI thread only.
 */
#ifndef POSTIE_UI_COMPOSE_H
#define POSTIE_UI_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wchar.h>

#include "postie/base.h"

/* ---------------------------------------------------------------------
 * The line editor: one line of UTF-8 text and a cursor.
 */
struct ui_lineed {
	struct buf text; /* UTF-8, no control characters */
	size_t cur;      /* byte offset of the cursor, on a character start */
};

/* The longest line the editor takes, in bytes. */
#define UI_LINEED_MAX 4096

void ui_lineed_init(struct ui_lineed *le);
void ui_lineed_release(struct ui_lineed *le);
/* Replace the text (s may be NULL: empty); the cursor goes to the end.
 * Control characters in s become spaces and invalid UTF-8 is dropped. */
void ui_lineed_set(struct ui_lineed *le, const char *s);
/* Insert code point cp at the cursor. Controls are refused (returns
 * false), as is text past UI_LINEED_MAX. */
bool ui_lineed_insert(struct ui_lineed *le, uint32_t cp);

/* Editing keys the line editor knows. */
enum ui_lineed_op {
	UI_LE_LEFT, UI_LE_RIGHT, UI_LE_HOME, UI_LE_END,
	UI_LE_BACKSPACE, UI_LE_DELETE,
	UI_LE_KILL_END,   /* Ctrl-K: delete to the end */
	UI_LE_KILL_START, /* Ctrl-U: delete to the start */
	UI_LE_WORD_BACK,  /* Ctrl-W: delete the word before the cursor */
};
void ui_lineed_op(struct ui_lineed *le, enum ui_lineed_op op);
/* Cells from the start of the text to the cursor (CJK counts 2). */
size_t ui_lineed_cursor_cells(const struct ui_lineed *le);
/* Replace the bytes [start, end) of the text with repl (control
 * characters become spaces); the cursor goes after repl. Nothing happens
 * when the result would pass UI_LINEED_MAX or the range is not on
 * character boundaries. Returns whether it was done. */
bool ui_lineed_replace(struct ui_lineed *le, size_t start, size_t end,
		       const char *repl);
/* The address being typed in an address field: from after the last
 * comma before the cursor that is not inside a quoted name or angle
 * brackets, spaces skipped, to the cursor. [*start, *end) in bytes. */
void ui_addr_token(const struct ui_lineed *le, size_t *start, size_t *end);

/* ---------------------------------------------------------------------
 * The body editor (built in, when no external editor is set): many lines
 * of UTF-8 and a cursor, shown wrapped by cells.
 */
struct ui_texted {
	struct buf text; /* UTF-8, lines end in "\n"; no other controls
			    except tab */
	size_t cur;      /* byte offset, on a character start */
	size_t goal;     /* the column in cells up and down aim for */
	/* what changed since the last ui_texted_layout: the bytes before
	 * chg_lo and the last chg_tail bytes are as they were */
	bool chg;
	size_t chg_lo, chg_tail;
};

void ui_texted_init(struct ui_texted *te, const char *s, size_t len);
void ui_texted_release(struct ui_texted *te);
bool ui_texted_insert(struct ui_texted *te, uint32_t cp);
enum ui_texted_op {
	UI_TE_LEFT, UI_TE_RIGHT, UI_TE_UP, UI_TE_DOWN, UI_TE_HOME, UI_TE_END,
	UI_TE_BACKSPACE, UI_TE_DELETE, UI_TE_NEWLINE, UI_TE_KILL_END,
};
void ui_texted_op(struct ui_texted *te, enum ui_texted_op op);

/* One screen row of the wrapped text: bytes [off, off + len) of it. */
struct ui_textrow {
	size_t off, len;
};
/* Cut the text into rows of at most width cells (wide characters never
 * split, a tab counts as the cells to the next multiple of 8). *rows is
 * a heap array; *crow and *ccol get the cursor's row and cell. */
void ui_texted_rows(const struct ui_texted *te, int width,
		    struct ui_textrow **rows, size_t *n, size_t *crow,
		    size_t *ccol);

/* The rows of ui_texted_rows kept from one draw to the next: after an
 * edit only the lines it touched are cut again (the rows after them are
 * moved by the change in length), so a key in a text of thousands of
 * lines costs the line it is in, not the whole text. Initialise with
 * { 0 }; v belongs to it. */
struct ui_textlayout {
	struct ui_textrow *v;
	size_t n, cap;
	int width;  /* 0: not built */
	size_t len; /* the text's length when last brought up to date */
};
/* Bring lay up to date with te (cut to width as ui_texted_rows does,
 * with the same rows) and give the cursor's row and cell. */
void ui_texted_layout(struct ui_texted *te, int width,
		      struct ui_textlayout *lay, size_t *crow, size_t *ccol);
void ui_textlayout_release(struct ui_textlayout *lay);

/* ---------------------------------------------------------------------
 * A message being written
 */
struct ui_attach {
	char *path;       /* the local file, or NULL for data held here */
	char *name;       /* the file name the recipient sees, UTF-8 */
	const char *type; /* static media type */
	uint64_t size;
	struct buf data;  /* for a forwarded message: its raw bytes */
	char *kept;       /* data's copy kept with the draft file: a name
			     made here ("part-N"), never one from a mail;
			     NULL until written */
};

/* Whether name is one the composer makes for a kept copy: "part-" and
 * 1 to 9 digits (so it can never reach outside the draft's files
 * directory). */
bool ui_draft_kept_name_ok(const char *name);

struct ui_draft {
	size_t from;               /* the identity: an account index */
	struct ui_lineed to, cc, bcc, subject;
	struct buf body;
	struct ui_attach *att;
	size_t natt, att_cap;
	char *in_reply_to;         /* "<id>" or NULL */
	char *references;          /* or NULL */
	/* the message answered (or forwarded), flagged \Answered (or
	 * $Forwarded) once this is delivered */
	bool is_reply;
	bool forwarded;            /* a forward: $Forwarded */
	size_t reply_acc;
	char *reply_folder;        /* raw folder name */
	uint32_t reply_uid;
	uint32_t reply_uidvalidity; /* its folder's; 0: not known */
	bool signed_;              /* the signature was appended */
	/* its copy in the server's Drafts (APPENDUID when postponed),
	 * removed once a newer copy is there or the message is sent */
	uint32_t server_uidvalidity, server_uid; /* 0: none known */
	/* recipients of the message answered that did not fit in To or
	 * Cc (UI_LINEED_MAX), for the screen to say */
	size_t left_out;
};

void ui_draft_init(struct ui_draft *d);
void ui_draft_release(struct ui_draft *d);

/* How a draft starts from a message. */
enum ui_draft_mode {
	UI_DRAFT_REPLY,      /* to Reply-To, else From */
	UI_DRAFT_REPLY_ALL,  /* and everyone in To and Cc but oneself */
	UI_DRAFT_REPLY_LIST, /* to the List-Post address */
	UI_DRAFT_FORWARD,    /* the text inline, below a heading */
	UI_DRAFT_FORWARD_ATTACH, /* the whole message as message/rfc822 */
	UI_DRAFT_EDIT_AS_NEW,    /* its recipients, subject and text */
};

struct ui_draft_source {
	const char *raw;            /* the whole message */
	size_t len;
	const char *const *assumed; /* charsets for raw 8-bit text */
	const char *const *own;     /* one's own addresses (every account) */
	size_t nown;
	const char *attribution;    /* "On %d, %n wrote:"; NULL: that */
};

/* Fill d (initialised, empty) from the message for mode: recipients,
 * subject (Re:/Fwd: normalised, 回复: and friends understood), In-Reply-To
 * and References for replies, the body quoted with "> " below the
 * attribution line (the decoded text the viewer shows, HTML as text when
 * that was all there was), or the forward heading and text, or the raw
 * message as an attachment. Returns 0, or -1 with PERR_MESSAGE (reply to
 * list: the message has no List-Post address). Any thread. */
int ui_draft_from_message(struct ui_draft *d, enum ui_draft_mode mode,
			  const struct ui_draft_source *src, struct perr *e);

/* Split an address field as typed ("Name <a@b>, c@d") into a NULL-ended
 * heap vector of "name" and "addr" pairs: names[i] (may be "") and
 * addrs[i]. Each address is checked (mime_addr_check). Returns the
 * count, or -1 with PERR_MESSAGE naming the field and the bad address.
 * Free both with mime_strv_free. */
long ui_draft_split_addrs(const char *field, const char *text, char ***names,
			  char ***addrs, struct perr *e);

/* The draft as a text file a person can read, and back: header lines
 * ("From-Account:", "To:", "Cc:", "Bcc:", "Subject:", "In-Reply-To:",
 * "References:", "Reply-Folder:", "Reply-UID:", "Reply-UIDVALIDITY:",
 * "Reply-Flag:" (answered or forwarded), "Server-Draft:" UIDVALIDITY and
 * UID of the copy in the server's Drafts, "Attach:" with the path,
 * "Attach-Kept: part-N TYPE NAME" for bytes held by the draft itself,
 * kept in a file of that local name beside the draft) in UTF-8, a blank
 * line, the body. An "Attach-Kept:" line comes back with kept, type and
 * name set and data empty: the caller reads the bytes. ui_draft_parse
 * fills d (initialised) and returns 0, or -1 with PERR_MESSAGE for a
 * file that is not one. */
void ui_draft_format(const struct ui_draft *d, const char *account,
		     struct buf *out);
int ui_draft_parse(struct ui_draft *d, const char *text, size_t len,
		   char **account, struct perr *e);

/* ---------------------------------------------------------------------
 * The pane (compose_screen.c), for the screen's files
 */
struct screen;
struct acct_event;
struct buf;

/* At start, after the workers: count what waits in each outbox, then
 * open the composer on the command line's mailto: URL, or offer to
 * recover drafts a crash left. */
void scr_compose_start(struct screen *s);
/* A new message (url: a mailto: URL, or NULL / "" for an empty one). */
void scr_compose_new(struct screen *s, const char *url);
/* A reply, forward or edit-as-new of the message under the cursor or in
 * the viewer. */
void scr_compose_from(struct screen *s, enum ui_draft_mode mode);
/* Reopen the newest postponed message. */
void scr_compose_recall(struct screen *s);
/* Ask the current account's worker to flush its outbox now. */
void scr_compose_flush(struct screen *s);
/* Keys while the composer (or its question) has the screen. */
void scr_compose_key(struct screen *s, int type, wint_t ch);
/* Is a question of the composer's on the bottom line (it takes the next
 * key, wherever the screen is)? */
bool scr_compose_asking(struct screen *s);
/* Whether keys go to a field, the text editor or the preview as they
 * are (no [bind "compose"] binding applies then). */
bool scr_compose_raw(struct screen *s);
/* Draw the pane (after the rest: it places the cursor). */
void scr_compose_draw(struct screen *s);
/* Append " | outbox: N waiting" to the status bar when N > 0. */
void scr_compose_bar(struct screen *s, struct buf *b);
/* An account's event (acc: its index): the answers to sends, ACCT_EV_OUTBOX
 * and the outbox's progress. Returns true when it was the composer's. */
bool scr_compose_event(struct screen *s, size_t acc,
		       const struct acct_event *ev);
/* The keys stopped for a moment: write the draft file if typing
 * changed it since. */
void scr_compose_idle(struct screen *s);
void scr_compose_free(struct screen *s);

#endif
