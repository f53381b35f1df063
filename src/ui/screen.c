/* SPDX-License-Identifier: ISC */
/*
 * The screen: a status bar, the folder list, the message index and the
 * viewer, and a prompt line, drawn with ncursesw over the local store.
 *
 * It never waits on the network. Each account has a worker (account/)
 * that syncs and changes flags; the screen posts requests to it and reads
 * the answers as events when the hub's fd wakes the loop. What it shows
 * comes from its own read-only connection to each account's store, so a
 * folder appears from disk at once and is reloaded when a worker says it
 * changed. Every string from a mail or a server passes ui_sanitize (the
 * index through ui_format_row, the viewer through the pager) before it
 * is drawn.
 *
 * The terminal is given back on every way out: quit, SIGTERM, SIGINT and
 * SIGHUP (a flag the loop checks), out of memory (the allocators' hook),
 * and around a suspend (ncurses' own SIGTSTP handling).
 */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/store.h"
#include "postie/ui.h"

#include "private.h"

/* Colour pairs. */
enum {
	PAIR_BAR = 1,
	PAIR_Q1,
	PAIR_Q2,
	PAIR_Q3,
	PAIR_HDR,
	PAIR_ERR,
	PAIR_FLAG,
};

enum focus { FOCUS_INDEX, FOCUS_FOLDERS };
enum view { VIEW_INDEX, VIEW_PAGER, VIEW_HELP };
enum prompt_kind { PROMPT_NONE, PROMPT_SEARCH, PROMPT_FOLDER,
		   PROMPT_COMMAND, PROMPT_QUIT };

struct acct {
	const struct ui_account *ua;
	struct acct_worker *w;
	struct store *st;          /* read-only; NULL until an index exists */
	struct store_folder *fv;   /* in display order */
	size_t nf;
	bool syncing;
	uint64_t sync_id;
	const char **assumed;      /* the account's charsets, NULL-ended */
};

/* One key binding from the dotfile, in one pane. */
struct binding {
	enum ui_pane pane;
	struct ui_key keys[UI_KEYSEQ_MAX];
	size_t n;
	struct ui_key to;          /* the built-in key it presses */
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

	/* the folder list */
	bool show_folders;
	int folder_width;
	size_t fcursor;            /* entry in the flat list */

	enum focus focus;
	enum view view;
	struct ui_pager pg;
	size_t pg_top;
	uint32_t pg_uid;

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
};

static volatile sig_atomic_t got_signal;
static bool curses_on;

static void
restore_terminal(void)
{
	if (curses_on) {
		curses_on = false;
		endwin();
	}
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* ---------------------------------------------------------------------
 * Messages
 */
static void PRINTF_LIKE(3, 4)
say(struct screen *s, bool err, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(s->message);
	s->message = buf_detach(&b, NULL);
	s->message_err = err;
	if (err) {
		free(s->last_error);
		s->last_error = xstrdup(s->message);
		log_warn("%s", s->message);
	}
}

/* ---------------------------------------------------------------------
 * Folders
 */
static int
role_rank(enum store_role r)
{
	switch (r) {
	case STORE_ROLE_INBOX: return 0;
	case STORE_ROLE_DRAFTS: return 1;
	case STORE_ROLE_SENT: return 2;
	case STORE_ROLE_TRASH: return 3;
	case STORE_ROLE_JUNK: return 4;
	default: return 5;
	}
}

static int
cmp_folder(const void *a, const void *b)
{
	const struct store_folder *x = a, *y = b;
	int rx = role_rank(x->role), ry = role_rank(y->role);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->name, y->name);
}

/* Open the account's index if it exists now and reload its folders. */
static void
load_folders(struct screen *s, struct acct *a)
{
	struct perr e = PERR_INIT;

	if (!a->st) {
		a->st = store_open(a->ua->cache_dir, STORE_READ, NULL, &e);
		if (!a->st)
			return; /* no index yet: the first sync makes it */
	}
	struct store_folder *v;
	size_t n;
	if (store_folder_list(a->st, &v, &n, &e) < 0) {
		say(s, true, "%s: %s", a->ua->cfg->name, e.msg);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_folder);
	store_folder_list_free(a->fv, a->nf);
	a->fv = v;
	a->nf = n;
}

/* The flat list the folder pane shows: per account a heading, then its
 * folders. Entry i -> (account, folder index or SIZE_MAX for a heading). */
static size_t
flat_count(const struct screen *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nacc; i++)
		n += 1 + s->acc[i].nf;
	return n;
}

static bool
flat_get(const struct screen *s, size_t k, size_t *acc, size_t *fol)
{
	for (size_t i = 0; i < s->nacc; i++) {
		if (k == 0) {
			*acc = i;
			*fol = SIZE_MAX;
			return true;
		}
		k--;
		if (k < s->acc[i].nf) {
			*acc = i;
			*fol = k;
			return true;
		}
		k -= s->acc[i].nf;
	}
	return false;
}

static const struct store_folder *
cur_folder(const struct screen *s)
{
	const struct acct *a = &s->acc[s->cur_acc];

	for (size_t i = 0; i < a->nf; i++)
		if (a->fv[i].id == s->cur_fid)
			return &a->fv[i];
	return NULL;
}

/* ---------------------------------------------------------------------
 * The index
 */
static const struct store_summary *
at(const struct screen *s, size_t pos)
{
	return pos < s->sum.n ? &s->sum.v[s->order[pos]] : NULL;
}

static void
resort(struct screen *s)
{
	struct perr e = PERR_INIT;

	store_thread_release(&s->th);
	memset(&s->th, 0, sizeof(s->th));
	s->threaded = s->sort == STORE_SORT_THREAD;
	if (s->threaded &&
	    store_thread(&s->sum, s->reverse, &s->th, &e) == 0) {
		memcpy(s->order, s->th.order, s->sum.n * sizeof(*s->order));
		return;
	}
	s->threaded = false;
	if (store_sort(&s->sum, s->sort == STORE_SORT_THREAD
					? STORE_SORT_DATE
					: s->sort,
		       s->reverse, s->order, &e) < 0) {
		for (size_t i = 0; i < s->sum.n; i++)
			s->order[i] = (uint32_t)i;
		say(s, true, "cannot sort: %s", e.msg);
	}
}

/* Load the open folder again from the store, keeping the cursor on the
 * same message where it still is. */
static void
reload_index(struct screen *s)
{
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;
	const struct store_summary *m = at(s, s->cursor);
	uint32_t keep = m ? m->uid : 0;

	store_summaries_release(&s->sum);
	free(s->order);
	s->order = NULL;
	if (!a->st || !s->cur_fid)
		return;
	if (store_load(a->st, s->cur_fid, &s->sum, &e) < 0) {
		say(s, true, "cannot load '%s': %s", s->cur_raw, e.msg);
		return;
	}
	s->order = xcalloc(s->sum.n ? s->sum.n : 1, sizeof(*s->order));
	resort(s);
	if (s->cursor >= s->sum.n)
		s->cursor = s->sum.n ? s->sum.n - 1 : 0;
	for (size_t i = 0; keep && i < s->sum.n; i++)
		if (s->sum.v[s->order[i]].uid == keep) {
			s->cursor = i;
			break;
		}
}

/* Open folder f of account ai. */
static void
open_folder(struct screen *s, size_t ai, const struct store_folder *f)
{
	s->cur_acc = ai;
	s->cur_fid = f->id;
	free(s->cur_raw);
	s->cur_raw = xstrndup(f->raw, f->raw_len);
	s->cursor = 0;
	s->top = 0;
	store_summaries_release(&s->sum);
	reload_index(s);
	/* newest mail is where a reader starts */
	if (!s->reverse && s->sum.n)
		s->cursor = s->sum.n - 1;
	s->view = VIEW_INDEX;
}

static bool
open_folder_named(struct screen *s, size_t ai, const char *name)
{
	struct acct *a = &s->acc[ai];

	for (size_t i = 0; i < a->nf; i++)
		if (ascii_strcasecmp(a->fv[i].name, name) == 0 ||
		    (a->fv[i].raw_len == strlen(name) &&
		     memcmp(a->fv[i].raw, name, a->fv[i].raw_len) == 0)) {
			open_folder(s, ai, &a->fv[i]);
			return true;
		}
	return false;
}

/* ---------------------------------------------------------------------
 * Drawing
 */
static void
put_cells(int y, int x, const char *p, size_t len)
{
	mvaddnstr(y, x, p, (int)len);
}

static void
draw_bar(struct screen *s)
{
	struct acct *a = &s->acc[s->cur_acc];
	const struct store_folder *f = cur_folder(s);
	struct buf b = BUF_INIT, safe = BUF_INIT;
	static const char *const sorts[] = { "date", "arrival", "from",
					     "subject", "size", "thread" };
	unsigned unread = 0;

	for (size_t i = 0; i < s->sum.n; i++)
		if (!(s->sum.v[i].flags & STORE_F_SEEN))
			unread++;
	buf_addstr(&b, " postie: ");
	ui_sanitize(&b, a->ua->cfg->name, strlen(a->ua->cfg->name),
		    UI_TAB_SPACE);
	if (f) {
		buf_addstr(&b, " | ");
		ui_sanitize(&b, f->name, strlen(f->name), UI_TAB_SPACE);
		buf_addf(&b, " | %zu message%s, %u new | sort: %s%s",
			 s->sum.n, s->sum.n == 1 ? "" : "s", unread,
			 s->reverse ? "reverse-" : "",
			 sorts[s->sort]);
	} else {
		buf_addstr(&b, " | no folder yet");
	}
	for (size_t i = 0; i < s->nacc; i++)
		if (s->acc[i].syncing) {
			buf_addstr(&b, " | syncing");
			break;
		}
	if (s->last_error) {
		buf_addstr(&b, " | error: ");
		ui_sanitize(&b, s->last_error, strlen(s->last_error),
			    UI_TAB_SPACE);
	}
	ui_fit(&safe, b.data, b.len, s->cols, UI_LEFT);
	attron(COLOR_PAIR(PAIR_BAR) | A_REVERSE);
	put_cells(0, 0, safe.data, safe.len);
	attroff(COLOR_PAIR(PAIR_BAR) | A_REVERSE);
	buf_release(&b);
	buf_release(&safe);
}

static void
draw_folders(struct screen *s, int x0, int w, int y0, int h)
{
	size_t n = flat_count(s);
	size_t top = 0;

	if (s->fcursor >= n)
		s->fcursor = n ? n - 1 : 0;
	if (s->fcursor >= (size_t)h)
		top = s->fcursor - (size_t)h + 1;
	for (int y = 0; y < h; y++) {
		size_t ai, fi;
		struct buf line = BUF_INIT, t = BUF_INIT;
		move(y0 + y, x0);
		if (flat_get(s, top + (size_t)y, &ai, &fi)) {
			int attr = 0;
			if (fi == SIZE_MAX) {
				ui_sanitize(&t, s->acc[ai].ua->cfg->name,
					    strlen(s->acc[ai].ua->cfg->name),
					    UI_TAB_SPACE);
				ui_fit(&line, t.data, t.len, w, UI_LEFT);
				attr = A_BOLD | A_UNDERLINE;
			} else {
				const struct store_folder *f =
					&s->acc[ai].fv[fi];
				struct buf cnt = BUF_INIT;
				if (f->unread)
					buf_addf(&cnt, " %u/%u", f->unread,
						 f->total);
				else
					buf_addf(&cnt, " %u", f->total);
				int nw = w - 1 - (int)cnt.len;
				buf_addch(&line, ' ');
				ui_sanitize(&t, f->name, strlen(f->name),
					    UI_TAB_SPACE);
				ui_fit(&line, t.data, t.len, nw, UI_LEFT);
				if (nw >= 0)
					buf_add(&line, cnt.data, cnt.len);
				buf_release(&cnt);
				if (ai == s->cur_acc && f->id == s->cur_fid)
					attr |= A_BOLD;
				if (f->unread)
					attr |= A_BOLD;
			}
			if (s->focus == FOCUS_FOLDERS &&
			    top + (size_t)y == s->fcursor)
				attr |= A_REVERSE;
			attron(attr);
			put_cells(y0 + y, x0, line.data, line.len);
			attroff(attr);
		}
		buf_release(&line);
		buf_release(&t);
	}
	for (int y = 0; y < h; y++)
		mvaddch(y0 + y, x0 + w, ACS_VLINE);
}

/* The tree in front of a threaded subject: "│ ├─>" */
static void
tree_prefix(const struct screen *s, uint32_t i, struct buf *out)
{
	const struct store_thread_node *nd = &s->th.node[i];

	if (nd->depth == 0)
		return;
	for (uint32_t d = 1; d < nd->depth; d++) {
		bool line = d - 1 < 64 && (nd->lines >> (d - 1) & 1);
		buf_addstr(out, line ? "\u2502 " : "  ");
	}
	buf_addstr(out, nd->flags & STORE_TH_LAST ? "\u2514\u2500>"
						  : "\u251c\u2500>");
}

static unsigned
ui_flags(uint32_t f)
{
	unsigned u = 0;

	if (f & STORE_F_SEEN)
		u |= UI_F_SEEN;
	if (f & STORE_F_ANSWERED)
		u |= UI_F_ANSWERED;
	if (f & STORE_F_FLAGGED)
		u |= UI_F_FLAGGED;
	if (f & STORE_F_DELETED)
		u |= UI_F_DELETED;
	if (f & STORE_F_DRAFT)
		u |= UI_F_DRAFT;
	if (f & STORE_F_ATTACHMENT)
		u |= UI_F_ATTACH;
	return u;
}

static void
draw_index(struct screen *s, int x0, int w, int y0, int h)
{
	struct ui_row_fmt fmt = {
		.width = w, .date_cells = 10, .from_cells = w >= 80 ? 20 : 14,
		.size_cells = w >= 60 ? 5 : 0, .now = (int64_t)time(NULL),
	};
	struct tm tm;
	time_t now = (time_t)fmt.now;
	struct buf subj = BUF_INIT, who = BUF_INIT;
	const struct store_folder *f = cur_folder(s);
	/* in mail of one's own, who it went to is what tells rows apart */
	bool to_col = f && (f->role == STORE_ROLE_SENT ||
			    f->role == STORE_ROLE_DRAFTS);

	if (localtime_r(&now, &tm))
		fmt.tz_offset_min = (int)(tm.tm_gmtoff / 60);
	if (h < 1)
		return;
	if (s->cursor < s->top)
		s->top = s->cursor;
	if (s->cursor >= s->top + (size_t)h)
		s->top = s->cursor - (size_t)h + 1;
	if (s->sum.n == 0) {
		const char *t = s->cur_fid ? "(no messages in this folder)"
					   : "(no index yet: syncing)";
		mvaddstr(y0, x0 + 1, t);
		return;
	}
	for (int y = 0; y < h; y++) {
		size_t pos = s->top + (size_t)y;
		const struct store_summary *m = at(s, pos);
		if (!m)
			break;
		const char *from = store_str(&s->sum, m->from_name);
		if (!*from)
			from = store_str(&s->sum, m->from_addr);
		if (to_col) {
			buf_reset(&who);
			buf_addstr(&who, "To ");
			buf_addstr(&who, store_str(&s->sum, m->to));
			from = who.data;
		}
		buf_reset(&subj);
		if (s->threaded)
			tree_prefix(s, s->order[pos], &subj);
		buf_addstr(&subj, store_str(&s->sum, m->subject));
		struct ui_summary us = {
			.date = m->date ? m->date : m->internal_date,
			.from = from, .subject = subj.data, .size = m->size,
			.flags = ui_flags(m->flags),
		};
		buf_reset(&s->row);
		ui_format_row(&s->row, &us, &fmt, &s->scratch);
		int attr = 0;
		if (!(m->flags & STORE_F_SEEN))
			attr |= A_BOLD;
		if (m->flags & STORE_F_FLAGGED)
			attr |= COLOR_PAIR(PAIR_FLAG);
		if (pos == s->cursor)
			attr |= A_REVERSE;
		attron(attr);
		put_cells(y0 + y, x0, s->row.data, s->row.len);
		attroff(attr);
	}
	buf_release(&subj);
	buf_release(&who);
}

static void
draw_pager(struct screen *s, int y0, int h)
{
	if (s->pg.n && s->pg_top >= s->pg.n)
		s->pg_top = s->pg.n - 1;
	for (int y = 0; y < h; y++) {
		size_t i = s->pg_top + (size_t)y;
		if (i >= s->pg.n)
			break;
		const struct ui_pager_line *l = &s->pg.v[i];
		int attr = 0;
		if (l->header && i < s->pg.nheader)
			attr = COLOR_PAIR(PAIR_HDR) | A_BOLD;
		else if (l->quote)
			attr = COLOR_PAIR(PAIR_Q1 + (int)((l->quote - 1) % 3));
		attron(attr);
		put_cells(y0 + y, 0, s->pg.text.data + l->off, l->len);
		attroff(attr);
	}
}

static void
draw_bottom(struct screen *s)
{
	struct buf b = BUF_INIT, t = BUF_INIT;
	static const char *const label[] = {
		"", "Search: ", "Folder: ", ":", "Quit postie? (y/n) "
	};

	move(s->rows - 1, 0);
	clrtoeol();
	if (s->prompt != PROMPT_NONE) {
		buf_addstr(&b, label[s->prompt]);
		ui_sanitize(&b, s->input.data, s->input.len, UI_TAB_SPACE);
		ui_fit(&t, b.data, b.len, s->cols - 1, UI_LEFT);
		put_cells(s->rows - 1, 0, t.data, t.len);
		move(s->rows - 1, (int)ui_width(b.data, b.len) < s->cols - 1
					  ? (int)ui_width(b.data, b.len)
					  : s->cols - 1);
	} else if (s->message) {
		ui_sanitize(&b, s->message, strlen(s->message), UI_TAB_SPACE);
		ui_fit(&t, b.data, b.len, s->cols - 1, UI_LEFT);
		if (s->message_err)
			attron(COLOR_PAIR(PAIR_ERR) | A_BOLD);
		put_cells(s->rows - 1, 0, t.data, t.len);
		if (s->message_err)
			attroff(COLOR_PAIR(PAIR_ERR) | A_BOLD);
	}
	buf_release(&b);
	buf_release(&t);
}

/* Is the folder list shown? Not when hidden, nor when the index would
 * be left narrower than 30 columns. */
static bool
folders_fit(const struct screen *s)
{
	return s->show_folders && s->folder_width > 0 &&
	       s->cols - s->folder_width - 1 >= 30;
}

static void
draw(struct screen *s)
{
	int body = s->rows - 2;

	erase();
	if (s->rows < 3 || s->cols < 10) {
		mvaddstr(0, 0, "window too small");
		refresh();
		return;
	}
	draw_bar(s);
	if (s->view == VIEW_INDEX) {
		int fw = folders_fit(s) ? s->folder_width : 0;
		if (!fw)
			s->focus = FOCUS_INDEX;
		if (fw)
			draw_folders(s, 0, fw, 1, body);
		draw_index(s, fw ? fw + 1 : 0, s->cols - (fw ? fw + 1 : 0), 1,
			   body);
	} else {
		draw_pager(s, 1, body);
	}
	draw_bottom(s);
	curs_set(s->prompt != PROMPT_NONE ? 1 : 0);
	refresh();
}

/* ---------------------------------------------------------------------
 * Requests
 */
static void
post_sync(struct screen *s, struct acct *a, const char *folder)
{
	struct perr e = PERR_INIT;

	if (a->syncing)
		return;
	if (acct_post(a->w, ACCT_REQ_SYNC, folder, NULL, NULL, &a->sync_id,
		      &e) < 0) {
		say(s, true, "%s: cannot sync: %s", a->ua->cfg->name, e.msg);
		return;
	}
	a->syncing = true;
}

/* Set and clear flags of the message under the cursor; the index shows
 * the change at once and the store confirms it when the worker is done.
 * Returns the request id or 0. */
static uint64_t
change_flags(struct screen *s, uint32_t uid, uint32_t set, uint32_t clear)
{
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;
	struct acct_op *op = acct_op_new();
	uint64_t id = 0;

	op->uids = xmalloc(sizeof(*op->uids));
	op->uids[0] = uid;
	op->n = 1;
	op->set = set;
	op->clear = clear;
	if (acct_post(a->w, ACCT_REQ_SET_FLAGS, s->cur_raw, op, acct_op_free,
		      &id, &e) < 0) {
		say(s, true, "cannot change flags: %s", e.msg);
		return 0;
	}
	for (size_t i = 0; i < s->sum.n; i++)
		if (s->sum.v[i].uid == uid)
			s->sum.v[i].flags = (s->sum.v[i].flags | set) & ~clear;
	return id;
}

/* ---------------------------------------------------------------------
 * The viewer
 */

/* Ask the worker for the body of uid in the open folder (once per
 * message until it answers). */
static bool
fetch_body(struct screen *s, uint32_t uid)
{
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;

	if (s->fetch_id && s->fetch_uid == uid && s->fetch_fid == s->cur_fid)
		return true;
	struct acct_op *op = acct_op_new();
	op->uids = xmalloc(sizeof(*op->uids));
	op->uids[0] = uid;
	op->n = 1;
	if (acct_post(a->w, ACCT_REQ_FETCH_BODY, s->cur_raw, op, acct_op_free,
		      &s->fetch_id, &e) < 0) {
		say(s, true, "cannot fetch the message: %s", e.msg);
		s->fetch_id = 0;
		return false;
	}
	s->fetch_uid = uid;
	s->fetch_fid = s->cur_fid;
	return true;
}

static void
open_message(struct screen *s)
{
	const struct store_summary *m = at(s, s->cursor);
	struct acct *a = &s->acc[s->cur_acc];
	struct buf raw = BUF_INIT;
	struct perr e = PERR_INIT;

	if (!m || !a->st)
		return;
	int got = store_body_get(a->st, s->cur_fid, m->uid, &raw, &e);
	if (got < 0) {
		say(s, true, "cannot read the message: %s", e.msg);
		buf_release(&raw);
		return;
	}
	if (got == 0) {
		/* not downloaded: what the index knows, while the worker
		 * fetches the rest */
		bool asked = fetch_body(s, m->uid);
		buf_addf(&raw, "From: %s <%s>\nSubject: %s\n\n%s\n\n%s\n",
			 store_str(&s->sum, m->from_name),
			 store_str(&s->sum, m->from_addr),
			 store_str(&s->sum, m->subject),
			 store_str(&s->sum, m->preview),
			 asked ? "[fetching the message...]"
			       : "[the message is not downloaded]");
	}
	ui_pager_render(&s->pg, raw.data, raw.len, a->assumed, s->cols);
	buf_release(&raw);
	s->pg_top = 0;
	s->pg_uid = m->uid;
	s->view = VIEW_PAGER;
	if (!(m->flags & STORE_F_SEEN))
		s->auto_seen_id = change_flags(s, m->uid, STORE_F_SEEN, 0);
}

/* Render the message in the viewer again (new width, or its body came),
 * keeping the place. */
static void
reopen_message(struct screen *s)
{
	size_t top = s->pg_top;

	for (size_t i = 0; i < s->sum.n; i++)
		if (s->sum.v[s->order[i]].uid == s->pg_uid) {
			s->cursor = i;
			break;
		}
	open_message(s);
	s->pg_top = top;
}

static void
show_help(struct screen *s)
{
	static const char help[] =
		"postie keys\n"
		"\n"
		"Index\n"
		"  j, Down / k, Up      next / previous message\n"
		"  PgDn, Space / PgUp   next / previous page\n"
		"  g, Home / G, End     first / last message\n"
		"  Enter, l             open the message\n"
		"  Tab                  switch between folder list and index\n"
		"  c, y                 change folder (by name)\n"
		"  B                    show or hide the folder list\n"
		"  /  n  p              search subject and sender; next; back\n"
		"  F                    flag or unflag the message\n"
		"  N                    mark the message new or read\n"
		"  $                    sync the account now\n"
		"  :                    quit, sync, sort KEY, folder NAME\n"
		"  Ctrl-L               redraw\n"
		"  ?                    this list\n"
		"  q                    quit\n"
		"\n"
		"Viewer\n"
		"  j, k, Down, Up       scroll a line\n"
		"  Space, PgDn / b, PgUp   scroll a page\n"
		"  g / G                top / bottom\n"
		"  J / K                next / previous message\n"
		"  F, N                 flag; mark new\n"
		"  q, i                 back to the index\n"
		"\n"
		"Sort keys: date, arrival, from, subject, size, thread\n"
		"(reverse-KEY turns the order round).\n";

	ui_pager_release(&s->pg);
	s->pg.v = NULL;
	const char *p = help;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = (size_t)(nl - p);
		struct ui_pager_line ln = { s->pg.text.len, l, 0, false };
		buf_add(&s->pg.text, p, l);
		if (s->pg.n == s->pg.cap) {
			s->pg.cap = s->pg.cap ? s->pg.cap * 2 : 64;
			s->pg.v = xrealloc(s->pg.v,
					   s->pg.cap * sizeof(*s->pg.v));
		}
		s->pg.v[s->pg.n++] = ln;
		p = nl + 1;
	}
	s->pg.nheader = 0;
	s->pg_top = 0;
	s->view = VIEW_HELP;
}

/* ---------------------------------------------------------------------
 * Search: subject and sender, ASCII case folded, in display order
 */
static bool
contains_folded(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (ascii_strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

static bool
matches(const struct screen *s, const struct store_summary *m)
{
	return contains_folded(store_str(&s->sum, m->subject), s->search) ||
	       contains_folded(store_str(&s->sum, m->from_name), s->search) ||
	       contains_folded(store_str(&s->sum, m->from_addr), s->search);
}

static void
search_next(struct screen *s, bool forward)
{
	if (!s->search || !*s->search) {
		say(s, false, "no search yet: press / first");
		return;
	}
	for (size_t k = 1; k <= s->sum.n; k++) {
		size_t pos = forward ? (s->cursor + k) % s->sum.n
				     : (s->cursor + s->sum.n - k) % s->sum.n;
		const struct store_summary *m = at(s, pos);
		if (m && matches(s, m)) {
			if (forward ? pos <= s->cursor : pos >= s->cursor)
				say(s, false, "search wrapped");
			else
				say(s, false, "/%s", s->search);
			s->cursor = pos;
			return;
		}
	}
	say(s, true, "not found: %s", s->search);
}

/* ---------------------------------------------------------------------
 * Commands (the : prompt) and prompts
 */
static bool
parse_sort(const char *w, enum store_sort_key *key, bool *rev)
{
	static const char *const names[] = { "date", "arrival", "from",
					     "subject", "size", "thread" };

	*rev = strncmp(w, "reverse-", 8) == 0;
	if (*rev)
		w += 8;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(w, names[i]) == 0) {
			*key = (enum store_sort_key)i;
			return true;
		}
	return false;
}

static void
change_folder(struct screen *s, const char *name)
{
	for (size_t k = 0; k < s->nacc; k++) {
		size_t ai = (s->cur_acc + k) % s->nacc;
		if (open_folder_named(s, ai, name)) {
			say(s, false, "%s", name);
			return;
		}
	}
	say(s, true, "no folder '%s'", name);
}

static void
run_command(struct screen *s, const char *line)
{
	char **argv;
	struct perr e = PERR_INIT;

	if (!(argv = argv_split(line, &e))) {
		say(s, true, "%s", e.msg);
		return;
	}
	size_t argc = 0;
	while (argv[argc])
		argc++;
	if (argc == 0) {
		/* nothing typed */
	} else if (strcmp(argv[0], "quit") == 0 || strcmp(argv[0], "q") == 0) {
		s->quit = true;
	} else if (strcmp(argv[0], "sync") == 0) {
		post_sync(s, &s->acc[s->cur_acc], argc > 1 ? argv[1] : NULL);
	} else if (strcmp(argv[0], "sort") == 0 && argc == 2) {
		enum store_sort_key key;
		bool rev;
		if (parse_sort(argv[1], &key, &rev)) {
			s->sort = key;
			s->reverse = rev;
			reload_index(s);
			say(s, false, "sorted by %s", argv[1]);
		} else {
			say(s, true, "unknown sort '%s' (date, arrival, from, "
				     "subject, size, thread)", argv[1]);
		}
	} else if (strcmp(argv[0], "folder") == 0 && argc == 2) {
		change_folder(s, argv[1]);
	} else {
		say(s, true, "unknown command '%s' (quit, sync, sort KEY, "
			     "folder NAME)", argv[0]);
	}
	argv_free(argv);
}

static void
prompt_start(struct screen *s, enum prompt_kind k)
{
	s->prompt = k;
	buf_reset(&s->input);
}

static void
prompt_key(struct screen *s, int type, wint_t ch)
{
	enum prompt_kind k = s->prompt;

	if (k == PROMPT_QUIT) {
		s->prompt = PROMPT_NONE;
		if (type == OK && (ch == 'y' || ch == 'Y'))
			s->quit = true;
		return;
	}
	if (type == OK && (ch == 27 || ch == 7)) { /* Esc, Ctrl-G */
		s->prompt = PROMPT_NONE;
		return;
	}
	if ((type == OK && (ch == '\n' || ch == '\r')) ||
	    (type == KEY_CODE_YES && ch == KEY_ENTER)) {
		char *v = buf_strdup(&s->input);
		s->prompt = PROMPT_NONE;
		if (k == PROMPT_SEARCH) {
			if (*v) {
				free(s->search);
				s->search = v;
				v = NULL;
			}
			search_next(s, true);
		} else if (k == PROMPT_FOLDER) {
			if (*v)
				change_folder(s, v);
		} else if (k == PROMPT_COMMAND) {
			run_command(s, v);
		}
		free(v);
		return;
	}
	if ((type == KEY_CODE_YES && ch == KEY_BACKSPACE) ||
	    (type == OK && (ch == 127 || ch == 8))) {
		size_t n = s->input.len;
		while (n > 0 && ((unsigned char)s->input.data[n - 1] & 0xc0) ==
					0x80)
			n--;
		buf_truncate(&s->input, n ? n - 1 : 0);
		return;
	}
	if (type == OK && ch >= 0x20 && ch != 0x7f && s->input.len < 1024)
		utf8_encode(&s->input, (uint32_t)ch);
}

/* ---------------------------------------------------------------------
 * Keys
 */
static void
move_cursor(struct screen *s, long delta)
{
	if (!s->sum.n)
		return;
	long c = (long)s->cursor + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)s->sum.n)
		c = (long)s->sum.n - 1;
	s->cursor = (size_t)c;
}

static void
toggle(struct screen *s, uint32_t bit)
{
	const struct store_summary *m = s->view == VIEW_PAGER
						? NULL
						: at(s, s->cursor);
	if (s->view == VIEW_PAGER)
		for (size_t i = 0; i < s->sum.n; i++)
			if (s->sum.v[i].uid == s->pg_uid)
				m = &s->sum.v[i];
	if (!m)
		return;
	if (m->flags & bit)
		change_flags(s, m->uid, 0, bit);
	else
		change_flags(s, m->uid, bit, 0);
}

static void
folders_key(struct screen *s, int type, wint_t ch)
{
	size_t n = flat_count(s);

	if (type == KEY_CODE_YES) {
		if (ch == KEY_DOWN && s->fcursor + 1 < n)
			s->fcursor++;
		else if (ch == KEY_UP && s->fcursor > 0)
			s->fcursor--;
		else if (ch == KEY_ENTER)
			ch = '\n', type = OK;
		if (type == KEY_CODE_YES)
			return;
	}
	switch (ch) {
	case 'j':
		if (s->fcursor + 1 < n)
			s->fcursor++;
		break;
	case 'k':
		if (s->fcursor > 0)
			s->fcursor--;
		break;
	case '\n':
	case '\r':
	case 'l': {
		size_t ai, fi;
		if (flat_get(s, s->fcursor, &ai, &fi) && fi != SIZE_MAX) {
			open_folder(s, ai, &s->acc[ai].fv[fi]);
			s->focus = FOCUS_INDEX;
		}
		break;
	}
	case '\t':
		s->focus = FOCUS_INDEX;
		break;
	case 'q':
		s->focus = FOCUS_INDEX;
		break;
	default:
		say(s, false, "folder list: j/k move, Enter opens, Tab "
			      "returns to the index");
		break;
	}
}

static void
quit_key(struct screen *s)
{
	if (s->p->cfg->ui.confirm_quit)
		prompt_start(s, PROMPT_QUIT);
	else
		s->quit = true;
}

static void
index_key(struct screen *s, int type, wint_t ch)
{
	int page = s->rows - 3 > 1 ? s->rows - 3 : 1;

	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_DOWN: move_cursor(s, 1); break;
		case KEY_UP: move_cursor(s, -1); break;
		case KEY_NPAGE: move_cursor(s, page); break;
		case KEY_PPAGE: move_cursor(s, -page); break;
		case KEY_HOME: move_cursor(s, -(long)s->sum.n); break;
		case KEY_END: move_cursor(s, (long)s->sum.n); break;
		case KEY_ENTER: open_message(s); break;
		default: break;
		}
		return;
	}
	switch (ch) {
	case 'j': move_cursor(s, 1); break;
	case 'k': move_cursor(s, -1); break;
	case ' ': move_cursor(s, page); break;
	case 'g': move_cursor(s, -(long)s->sum.n); break;
	case 'G': move_cursor(s, (long)s->sum.n); break;
	case '\n':
	case '\r':
	case 'l':
		open_message(s);
		break;
	case '\t':
		if (s->show_folders && !folders_fit(s)) {
			say(s, false, "the window is too narrow for the folder "
				      "list");
		} else if (s->show_folders) {
			s->focus = FOCUS_FOLDERS;
			/* start from the open folder */
			for (size_t k = 0, n = flat_count(s); k < n; k++) {
				size_t ai, fi;
				if (flat_get(s, k, &ai, &fi) &&
				    ai == s->cur_acc && fi != SIZE_MAX &&
				    s->acc[ai].fv[fi].id == s->cur_fid)
					s->fcursor = k;
			}
		} else {
			say(s, false, "the folder list is hidden (B shows "
				      "it)");
		}
		break;
	case 'B':
		s->show_folders = !s->show_folders && s->folder_width > 0;
		if (!s->show_folders)
			s->focus = FOCUS_INDEX;
		if (s->folder_width == 0)
			say(s, false, "folder-width is 0 in the dotfile");
		break;
	case 'c':
	case 'y':
		prompt_start(s, PROMPT_FOLDER);
		break;
	case '/':
		prompt_start(s, PROMPT_SEARCH);
		break;
	case 'n': search_next(s, true); break;
	case 'p': /* N is toggle-new, as in mutt */
		search_next(s, false);
		break;
	case 'N': toggle(s, STORE_F_SEEN); break;
	case 'F': toggle(s, STORE_F_FLAGGED); break;
	case '$': post_sync(s, &s->acc[s->cur_acc], NULL); break;
	case ':': prompt_start(s, PROMPT_COMMAND); break;
	case '?': show_help(s); break;
	case 'q': quit_key(s); break;
	case 12: clearok(curscr, TRUE); break; /* Ctrl-L */
	default:
		say(s, false, "key not bound here; ? lists the keys");
		break;
	}
}

static void
pager_key(struct screen *s, int type, wint_t ch)
{
	int page = s->rows - 3 > 1 ? s->rows - 3 : 1;
	size_t max = s->pg.n > (size_t)page ? s->pg.n - (size_t)page : 0;

	if (type == KEY_CODE_YES) {
		if (ch == KEY_DOWN)
			ch = 'j';
		else if (ch == KEY_UP)
			ch = 'k';
		else if (ch == KEY_NPAGE)
			ch = ' ';
		else if (ch == KEY_PPAGE)
			ch = 'b';
		else if (ch == KEY_HOME)
			ch = 'g';
		else if (ch == KEY_END)
			ch = 'G';
		else
			return;
	}
	switch (ch) {
	case 'j':
		if (s->pg_top < max)
			s->pg_top++;
		break;
	case 'k':
		if (s->pg_top > 0)
			s->pg_top--;
		break;
	case ' ':
		s->pg_top = s->pg_top + (size_t)page < max
				    ? s->pg_top + (size_t)page
				    : max;
		break;
	case 'b':
		s->pg_top = s->pg_top > (size_t)page ? s->pg_top - (size_t)page
						     : 0;
		break;
	case 'g': s->pg_top = 0; break;
	case 'G': s->pg_top = max; break;
	case 'J':
	case 'K':
		if (s->view == VIEW_PAGER) {
			size_t c = s->cursor;
			move_cursor(s, ch == 'J' ? 1 : -1);
			if (c != s->cursor)
				open_message(s);
			else
				say(s, false, ch == 'J' ? "last message"
							: "first message");
		}
		break;
	case 'F':
	case 'N':
		if (s->view == VIEW_PAGER)
			toggle(s, ch == 'F' ? STORE_F_FLAGGED : STORE_F_SEEN);
		break;
	case 'q':
	case 'i':
		s->view = VIEW_INDEX;
		break;
	case 12: clearok(curscr, TRUE); break;
	default:
		say(s, false, "key not bound in the viewer; q returns, ? "
			      "lists the keys");
		break;
	}
}

static void
default_key(struct screen *s, struct ui_key k)
{
	int type = k.fn ? KEY_CODE_YES : OK;
	wint_t ch = (wint_t)k.code;

	if (s->prompt != PROMPT_NONE) {
		prompt_key(s, type, ch);
		return;
	}
	if (s->view != VIEW_INDEX)
		pager_key(s, type, ch);
	else if (s->focus == FOCUS_FOLDERS)
		folders_key(s, type, ch);
	else
		index_key(s, type, ch);
}

static enum ui_pane
pane_now(const struct screen *s)
{
	if (s->view != VIEW_INDEX)
		return UI_PANE_PAGER;
	return s->focus == FOCUS_FOLDERS ? UI_PANE_FOLDERS : UI_PANE_INDEX;
}

static bool
key_eq(struct ui_key a, struct ui_key b)
{
	return a.fn == b.fn && a.code == b.code;
}

/* The dotfile's bindings first: a key that starts a bound sequence
 * waits for the next; a whole sequence presses its action's key; keys
 * that lead nowhere are taken as the built-in keys they are. */
static void
on_key(struct screen *s, int type, wint_t ch)
{
	struct ui_key k = { type == KEY_CODE_YES, (uint32_t)ch };

	if (s->prompt != PROMPT_NONE) {
		prompt_key(s, type, ch);
		return;
	}
	if (type == KEY_CODE_YES && ch == KEY_RESIZE)
		return;
	free(s->message);
	s->message = NULL;
	if (s->npending == UI_KEYSEQ_MAX)
		s->npending = 0;
	s->pending[s->npending++] = k;
	while (s->npending) {
		enum ui_pane pane = pane_now(s);
		bool prefix = false;
		const struct binding *hit = NULL;
		for (size_t i = 0; i < s->nbind && !hit; i++) {
			const struct binding *b = &s->bind[i];
			if (b->pane != pane || b->n < s->npending)
				continue;
			size_t j = 0;
			while (j < s->npending &&
			       key_eq(b->keys[j], s->pending[j]))
				j++;
			if (j < s->npending)
				continue;
			if (b->n == s->npending)
				hit = b;
			else
				prefix = true;
		}
		if (hit) {
			s->npending = 0;
			default_key(s, hit->to);
			return;
		}
		if (prefix)
			return; /* wait for the rest */
		struct ui_key first = s->pending[0];
		memmove(s->pending, s->pending + 1,
			(s->npending - 1) * sizeof(*s->pending));
		s->npending--;
		default_key(s, first);
		if (s->quit || s->prompt != PROMPT_NONE) {
			/* the rest of the keys go to what opened */
			for (size_t i = 0; i < s->npending && !s->quit; i++)
				default_key(s, s->pending[i]);
			s->npending = 0;
		}
	}
}

/* Turn the dotfile's [bind] sections into bindings; a binding that
 * cannot work is named on the status line, never dropped silently. */
static void
load_bindings(struct screen *s)
{
	const struct cfg *c = s->p->cfg;

	s->bind = xcalloc(c->n_binds * 3 + 1, sizeof(*s->bind));
	for (size_t i = 0; i < c->n_binds; i++) {
		const struct cfg_bind *cb = &c->binds[i];
		static const enum ui_pane all[] = {
			UI_PANE_INDEX, UI_PANE_PAGER, UI_PANE_FOLDERS
		};
		struct perr e = PERR_INIT;
		struct binding b = { 0 };
		bool global = strcmp(cb->pane, "global") == 0;
		size_t added = 0;

		if (strcmp(cb->pane, "compose") == 0) {
			log_info("%s:%u: [bind \"compose\"] waits for the "
				 "composer", c->display_path, cb->line);
			continue;
		}
		if (ui_keyseq_parse(cb->keys, b.keys, UI_KEYSEQ_MAX, &b.n,
				    &e) < 0) {
			say(s, true, "%s:%u: %s", c->display_path, cb->line,
			    e.msg);
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(all); k++) {
			enum ui_pane pn = all[k];
			const char *pname = pn == UI_PANE_INDEX   ? "index"
					    : pn == UI_PANE_PAGER ? "pager"
								  : "folders";
			if (!global && strcmp(cb->pane, pname) != 0)
				continue;
			struct perr ae = PERR_INIT;
			int r = ui_action_key(cb->action, pn, &b.to, &ae);
			if (r != 0) {
				/* in global, an action for some panes only
				 * is fine */
				if (r < 0 || !global)
					e = ae;
				continue;
			}
			b.pane = pn;
			s->bind[s->nbind++] = b;
			added++;
		}
		if (!added)
			say(s, true, "%s:%u: %s", c->display_path, cb->line,
			    e.msg[0] ? e.msg : "binding for no pane");
	}
}

/* ---------------------------------------------------------------------
 * The loop's callbacks
 */
static void
check_signal(struct screen *s)
{
	if (got_signal) {
		log_info("signal %d: leaving", (int)got_signal);
		s->quit = true;
	}
	if (s->quit)
		ui_loop_quit(s->loop);
}

static void
cb_input(void *arg)
{
	struct screen *s = arg;
	wint_t ch;
	int type;

	while ((type = get_wch(&ch)) != ERR) {
		on_key(s, type, ch);
		if (s->quit)
			break;
	}
	check_signal(s);
	if (!s->quit)
		draw(s);
}

static struct acct *
acct_by_name(struct screen *s, const char *name)
{
	for (size_t i = 0; name && i < s->nacc; i++)
		if (strcmp(s->acc[i].ua->cfg->name, name) == 0)
			return &s->acc[i];
	return NULL;
}

static void
cb_wake(void *arg)
{
	struct screen *s = arg;
	struct acct_event *list = acct_hub_drain(s->hub);
	bool reload = false, reopen = false;

	for (struct acct_event *ev = list; ev; ev = ev->next) {
		struct acct *a = acct_by_name(s, ev->account);
		if (!a)
			continue;
		bool cur = a == &s->acc[s->cur_acc];
		switch (ev->kind) {
		case ACCT_EV_DONE:
		case ACCT_EV_FAILED:
		case ACCT_EV_CANCELLED:
			if (ev->req_id && ev->req_id == s->fetch_id)
				s->fetch_id = 0;
			if (ev->req_id == a->sync_id) {
				a->syncing = false;
				load_folders(s, a);
				if (cur)
					reload = true;
				if (ev->kind == ACCT_EV_DONE)
					say(s, false, "%s: synced",
					    a->ua->cfg->name);
			}
			if (ev->kind == ACCT_EV_FAILED) {
				/* a server without flag support refuses the
				 * automatic "read" mark: not worth a word */
				if (!(ev->req_id == s->auto_seen_id &&
				      ev->err.kind == PERR_REJECTED))
					say(s, true, "%s: %s", a->ua->cfg->name,
					    ev->err.msg);
				if (cur)
					reload = true;
			}
			break;
		case ACCT_EV_FOLDER_CHANGED:
		case ACCT_EV_NEW_MAIL:
			load_folders(s, a);
			if (cur)
				reload = true;
			if (ev->kind == ACCT_EV_NEW_MAIL)
				say(s, false, "%s: %llu new message%s",
				    a->ua->cfg->name,
				    (unsigned long long)ev->n1,
				    ev->n1 == 1 ? "" : "s");
			break;
		case ACCT_EV_BODY:
			if (cur && s->view == VIEW_PAGER &&
			    s->pg_uid == (uint32_t)ev->n1 && ev->folder &&
			    s->cur_raw && strcmp(ev->folder, s->cur_raw) == 0)
				reopen = true;
			break;
		case ACCT_EV_PROGRESS:
			say(s, false, "%s: syncing %s %llu/%llu",
			    a->ua->cfg->name, ev->folder ? ev->folder : "",
			    (unsigned long long)ev->n1,
			    (unsigned long long)ev->n2);
			break;
		case ACCT_EV_ERROR:
		case ACCT_EV_DISCONNECTED:
			say(s, true, "%s: %s", a->ua->cfg->name, ev->err.msg);
			break;
		case ACCT_EV_RECONNECTING:
			say(s, true, "%s: %s (next try in %llds)",
			    a->ua->cfg->name, ev->err.msg,
			    (long long)(ev->retry_ms / 1000));
			break;
		default:
			break;
		}
	}
	acct_event_free_list(list);
	/* the first index of the start folder, once the store has it */
	if (!s->cur_fid) {
		struct acct *a = &s->acc[s->cur_acc];
		if (a->nf && !open_folder_named(s, s->cur_acc,
						 s->p->start_folder
							 ? s->p->start_folder
							 : "INBOX"))
			open_folder(s, s->cur_acc, &a->fv[0]);
		if (s->cur_fid)
			log_info("screen: %zu messages of the start folder "
				 "shown %lld ms after start (first index)",
				 s->sum.n,
				 (long long)(time_mono_ms() - s->p->start_ms));
	} else if (reload) {
		reload_index(s);
	}
	if (reopen)
		reopen_message(s);
	check_signal(s);
	if (!s->quit)
		draw(s);
}

static void
cb_resize(void *arg)
{
	struct screen *s = arg;
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, s->rows, s->cols);
	/* the viewer's lines depend on the width */
	if (s->view == VIEW_PAGER)
		reopen_message(s);
	clearok(curscr, TRUE);
	draw(s);
}

static void
cb_timeout(void *arg)
{
	check_signal(arg);
}

/* ---------------------------------------------------------------------
 * Start and end
 */
static void
curses_start(void)
{
	initscr();
	curses_on = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_Q1, COLOR_CYAN, -1);
		init_pair(PAIR_Q2, COLOR_GREEN, -1);
		init_pair(PAIR_Q3, COLOR_YELLOW, -1);
		init_pair(PAIR_HDR, COLOR_CYAN, -1);
		init_pair(PAIR_ERR, COLOR_RED, -1);
		init_pair(PAIR_FLAG, COLOR_RED, -1);
	}
}

static enum store_sort_key
sort_of(enum cfg_sort c)
{
	switch (c) {
	case CFG_SORT_ARRIVAL: return STORE_SORT_ARRIVAL;
	case CFG_SORT_FROM: return STORE_SORT_FROM;
	case CFG_SORT_SUBJECT: return STORE_SORT_SUBJECT;
	case CFG_SORT_SIZE: return STORE_SORT_SIZE;
	case CFG_SORT_THREAD: return STORE_SORT_THREAD;
	default: return STORE_SORT_DATE;
	}
}

int
ui_screen_run(const struct ui_screen_params *p, struct perr *e)
{
	struct screen s = { .p = p };
	struct sigaction sa = { 0 }, old_term, old_int, old_hup;
	int rc = -1;

	if (!p->n_accounts)
		return perr_set(e, PERR_CONFIG, "no account to show");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return perr_set(e, PERR_LOCAL, "the screen needs a terminal "
				"(stdin and stdout)");
	s.nacc = p->n_accounts;
	s.acc = xcalloc(s.nacc, sizeof(*s.acc));
	s.cur_acc = p->start_account < s.nacc ? p->start_account : 0;
	s.sort = sort_of(p->cfg->ui.sort);
	if (p->cfg->ui.threads)
		s.sort = STORE_SORT_THREAD;
	s.reverse = p->cfg->ui.sort_reverse;
	s.folder_width = (int)(p->cfg->ui.folder_width < 60
				       ? p->cfg->ui.folder_width
				       : 60);
	s.show_folders = s.folder_width > 0;
	buf_init(&s.input);
	buf_init(&s.row);
	buf_init(&s.scratch);
	buf_init(&s.pg.text);

	load_bindings(&s);
	if (!(s.hub = acct_hub_new(0, e)))
		goto out;
	/* the index from disk first, then the workers */
	for (size_t i = 0; i < s.nacc; i++) {
		const struct cfg_account *ca = p->accounts[i].cfg;
		s.acc[i].ua = &p->accounts[i];
		s.acc[i].assumed = xcalloc(ca->n_assumed_charsets + 1,
					   sizeof(*s.acc[i].assumed));
		for (size_t k = 0; k < ca->n_assumed_charsets; k++)
			s.acc[i].assumed[k] = ca->assumed_charsets[k];
		load_folders(&s, &s.acc[i]);
	}
	if (s.acc[s.cur_acc].nf &&
	    !open_folder_named(&s, s.cur_acc,
			       p->start_folder ? p->start_folder : "INBOX"))
		open_folder(&s, s.cur_acc, &s.acc[s.cur_acc].fv[0]);

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGHUP, &sa, &old_hup);
	base_set_oom_hook(restore_terminal);
	curses_start();
	getmaxyx(stdscr, s.rows, s.cols);
	draw(&s);

	for (size_t i = 0; i < s.nacc; i++) {
		const struct ui_account *ua = s.acc[i].ua;
		bool md = ua->cfg->receive.proto == CFG_PROTO_MAILDIR;
		struct acct_params ap = {
			.name = ua->cfg->name,
			.engine = md ? &acct_maildir_engine : &acct_sync_engine,
			.state = md ? acct_maildir_engine_state(ua->cfg,
								ua->cache_dir)
				    : acct_sync_engine_state(ua->cfg,
							     ua->cache_dir,
							     ua->data_dir,
							     p->timeout_ms),
			.poll_ms = (int64_t)ua->cfg->poll * 1000,
		};
		struct perr we = PERR_INIT;
		if (!(s.acc[i].w = acct_start(s.hub, &ap, &we))) {
			say(&s, true, "%s: %s", ua->cfg->name, we.msg);
			continue;
		}
		post_sync(&s, &s.acc[i], NULL);
	}
	if (!s.cur_fid && s.acc[s.cur_acc].st == NULL)
		say(&s, false, "building the index...");
	const struct store_folder *sf = cur_folder(&s);
	if (p->start_folder && sf && strcmp(s.cur_raw, p->start_folder) != 0 &&
	    ascii_strcasecmp(sf->name, p->start_folder) != 0)
		say(&s, true, "no folder '%s'", p->start_folder);
	draw(&s);
	log_info("screen: %zu messages of the start folder drawn %lld ms "
		 "after start", s.sum.n,
		 (long long)(time_mono_ms() - p->start_ms));

	static const struct ui_loop_ops ops = {
		.on_input = cb_input, .on_wake = cb_wake,
		.on_resize = cb_resize, .on_timeout = cb_timeout,
		.timeout_ms = 250,
	};
	s.loop = ui_loop_new(STDIN_FILENO, acct_hub_fd(s.hub), &ops, &s, e);
	if (!s.loop)
		goto out_curses;
	rc = ui_loop_run(s.loop, e);
	ui_loop_free(s.loop);
out_curses:
	restore_terminal();
	base_set_oom_hook(NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
out:
	for (size_t i = 0; i < s.nacc; i++) {
		struct perr se = PERR_INIT;
		if (s.acc[i].w &&
		    acct_stop(s.acc[i].w, time_mono_ms() + 3000, &se) < 0)
			log_warn("%s: %s", s.acc[i].ua->cfg->name, se.msg);
		store_close(s.acc[i].st);
		store_folder_list_free(s.acc[i].fv, s.acc[i].nf);
		free(s.acc[i].assumed);
	}
	acct_hub_free(s.hub);
	store_thread_release(&s.th);
	store_summaries_release(&s.sum);
	ui_pager_release(&s.pg);
	buf_release(&s.input);
	buf_release(&s.row);
	buf_release(&s.scratch);
	free(s.order);
	free(s.cur_raw);
	free(s.search);
	free(s.message);
	free(s.last_error);
	free(s.acc);
	free(s.bind);
	return rc;
}
