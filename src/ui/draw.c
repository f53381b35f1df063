/* SPDX-License-Identifier: ISC */
/*
 * Drawing the screen: the status bar, the folder list, the message index,
 * the viewer and the prompt line, from the state in struct screen. Only
 * sanitised text reaches ncurses: names and subjects go through
 * ui_sanitize or ui_format_row, the viewer's lines were sanitised when
 * they were rendered.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/store.h"
#include "postie/ui.h"

#include "compose.h"
#include "private.h"
#include "screen.h"
#include "view.h"

/* ---------------------------------------------------------------------
 * Drawing
 */
void
scr_put_cells(int y, int x, const char *p, size_t len)
{
	mvaddnstr(y, x, p, (int)len);
}

static void
draw_bar(struct screen *s)
{
	struct acct *a = &s->acc[s->cur_acc];
	const struct store_folder *f = scr_cur_folder(s);
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
		buf_addf(&b, " | %zu message%s, %u new", s->sum.n,
			 s->sum.n == 1 ? "" : "s", unread);
		/* the limit before the sort: on a narrow screen it is
		 * what must not be cut off */
		scr_act_status(s, &b);
		buf_addf(&b, " | sort: %s%s", s->reverse ? "reverse-" : "",
			 sorts[s->sort]);
	} else {
		buf_addstr(&b, " | no folder yet");
	}
	scr_notify_status(s, &b);
	for (size_t i = 0; i < s->nacc; i++)
		if (s->acc[i].syncing) {
			buf_addstr(&b, " | syncing");
			break;
		}
	scr_compose_bar(s, &b);
	if (s->last_error) {
		buf_addstr(&b, " | error: ");
		ui_sanitize(&b, s->last_error, strlen(s->last_error),
			    UI_TAB_SPACE);
	}
	ui_fit(&safe, b.data, b.len, s->cols, UI_LEFT);
	attrset(theme_attr(THEME_STATUS));
	scr_put_cells(0, 0, safe.data, safe.len);
	attrset(A_NORMAL);
	buf_release(&b);
	buf_release(&safe);
}

static void
draw_folders(struct screen *s, int x0, int w, int y0, int h)
{
	size_t n = scr_flat_count(s);
	size_t top = 0;

	if (s->fcursor >= n)
		s->fcursor = n ? n - 1 : 0;
	if (s->fcursor >= (size_t)h)
		top = s->fcursor - (size_t)h + 1;
	for (int y = 0; y < h; y++) {
		size_t ai, fi;
		struct buf line = BUF_INIT, t = BUF_INIT;
		move(y0 + y, x0);
		if (scr_flat_get(s, top + (size_t)y, &ai, &fi)) {
			enum theme_element el = THEME_FOLDER;
			struct buf lab = BUF_INIT;
			uint32_t unread = 0, total = 0;
			int mark_at = 0;
			scr_ftree_label(s, ai, fi, &lab, &unread, &total);
			if (fi == SIZE_MAX) {
				ui_sanitize(&t, lab.data, lab.len,
					    UI_TAB_SPACE);
				mark_at = (int)ui_width(t.data, t.len);
				scr_notify_heading(s, ai, &t);
				ui_fit(&line, t.data, t.len, w, UI_LEFT);
				el = THEME_FOLDER_ACCOUNT;
			} else {
				const struct store_folder *f =
					&s->acc[ai].fv[fi];
				struct buf cnt = BUF_INIT;
				if (unread)
					buf_addf(&cnt, " %u/%u", unread,
						 total);
				else
					buf_addf(&cnt, " %u", total);
				int nw = w - 1 - (int)cnt.len;
				buf_addch(&line, ' ');
				ui_sanitize(&t, lab.data, lab.len,
					    UI_TAB_SPACE);
				ui_fit(&line, t.data, t.len, nw, UI_LEFT);
				if (nw >= 0)
					buf_add(&line, cnt.data, cnt.len);
				buf_release(&cnt);
				if (ai == s->cur_acc && f->id == s->cur_fid)
					el = THEME_FOLDER_CURRENT;
				else if (unread)
					el = THEME_FOLDER_UNREAD;
			}
			buf_release(&lab);
			attr_t attr = theme_attr(el);
			if (s->focus == FOCUS_FOLDERS &&
			    top + (size_t)y == s->fcursor)
				attr = theme_attr_over(el, THEME_SELECTION);
			attrset(attr);
			scr_put_cells(y0 + y, x0, line.data, line.len);
			attrset(A_NORMAL);
			if (fi == SIZE_MAX)
				scr_notify_paint_heading(s, ai, y0 + y,
							 x0 + mark_at,
							 w - mark_at);
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
	const struct store_folder *f = scr_cur_folder(s);
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
	if (s->shown == 0) {
		const char *t = !s->cur_fid ? "(no index yet: syncing)"
				: s->sum.n  ? "(no messages match the limit; "
					      "l all shows every message)"
					    : "(no messages in this folder)";
		mvaddstr(y0, x0 + 1, t);
		return;
	}
	for (int y = 0; y < h; y++) {
		size_t pos = s->top + (size_t)y;
		const struct store_summary *m = scr_at(s, pos);
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
		if (s->threaded && !scr_act_limited(s))
			tree_prefix(s, s->order[pos], &subj);
		uint32_t folded = scr_act_folded(s, s->order[pos]);
		if (folded)
			buf_addf(&subj, "(+%u) ", (unsigned)folded);
		buf_addstr(&subj, store_str(&s->sum, m->subject));
		struct ui_summary us = {
			.date = m->date ? m->date : m->internal_date,
			.from = from, .subject = subj.data, .size = m->size,
			.flags = ui_flags(m->flags) |
				 (scr_act_tagged(s, m->uid) ? UI_F_TAGGED : 0),
		};
		buf_reset(&s->row);
		ui_format_row(&s->row, &us, &fmt, &s->scratch);
		enum theme_element el = THEME_INDEX;
		if (us.flags & UI_F_TAGGED)
			el = THEME_INDEX_TAGGED;
		else if (m->flags & STORE_F_DELETED)
			el = THEME_INDEX_DELETED;
		else if (m->flags & STORE_F_FLAGGED)
			el = THEME_INDEX_FLAGGED;
		else if (!(m->flags & STORE_F_SEEN))
			el = THEME_INDEX_UNREAD;
		attr_t attr = theme_attr(el);
		if (el != THEME_INDEX_UNREAD && !(m->flags & STORE_F_SEEN))
			attr |= theme_attr(THEME_INDEX_UNREAD) & ~A_COLOR;
		if (pos == s->cursor)
			attr = theme_attr_over(el, THEME_INDEX_CURSOR) |
			       (attr & ~A_COLOR);
		attrset(attr);
		scr_put_cells(y0 + y, x0, s->row.data, s->row.len);
		attrset(A_NORMAL);
		/* the tree in its own colour, where the subject starts */
		if (s->threaded && !scr_act_limited(s) && pos != s->cursor &&
		    s->th.node[s->order[pos]].depth > 0) {
			int sx = 3 + 1 + fmt.date_cells + 1 + fmt.from_cells + 1;
			int tw = 2 * (int)s->th.node[s->order[pos]].depth + 1;
			if (sx + tw > w)
				tw = w - sx;
			if (tw > 0)
				mvchgat(y0 + y, x0 + sx, tw,
					theme_attr(THEME_TREE) & ~A_COLOR,
					(short)PAIR_NUMBER(theme_attr(
						THEME_TREE)), NULL);
		}
	}
	buf_release(&subj);
	buf_release(&who);
}

static void
draw_pager(struct screen *s, int y0, int h)
{
	if (s->pg.n && s->pg_top >= s->pg.n)
		s->pg_top = s->pg.n - 1;
	size_t sig = theme_signature_start(&s->pg, s->view == VIEW_HELP);
	for (int y = 0; y < h; y++) {
		size_t i = s->pg_top + (size_t)y;
		if (i >= s->pg.n)
			break;
		const struct ui_pager_line *l = &s->pg.v[i];
		const char *text = s->pg.text.data + l->off;
		enum theme_element el = theme_pager_element(&s->pg, i, sig);
		attrset(theme_attr(el));
		scr_put_cells(y0 + y, 0, text, l->len);
		attrset(A_NORMAL);
		theme_paint_line(y0 + y, 0, el, text, l->len);
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
		buf_addstr(&b, s->prompt >= PROMPT_PART_SAVE
				       ? view_prompt_label(s)
				       : s->prompt < ARRAY_SIZE(label)
				       ? label[s->prompt]
				       : scr_act_prompt_label(s));
		ui_sanitize(&b, s->input.data, s->input.len, UI_TAB_SPACE);
		ui_fit(&t, b.data, b.len, s->cols - 1, UI_LEFT);
		attrset(theme_attr(THEME_PROMPT));
		scr_put_cells(s->rows - 1, 0, t.data, t.len);
		attrset(A_NORMAL);
		move(s->rows - 1, (int)ui_width(b.data, b.len) < s->cols - 1
					  ? (int)ui_width(b.data, b.len)
					  : s->cols - 1);
	} else if (s->view != VIEW_COMPOSE && scr_notify_alert_line(s, &b)) {
		/* a server's alert, sanitised when queued (notify.c) */
		ui_fit(&t, b.data, b.len, s->cols - 1, UI_LEFT);
		attrset(theme_attr(THEME_ERROR) | A_REVERSE | A_BOLD);
		scr_put_cells(s->rows - 1, 0, t.data, t.len);
		attrset(A_NORMAL);
	} else if (s->message) {
		ui_sanitize(&b, s->message, strlen(s->message), UI_TAB_SPACE);
		ui_fit(&t, b.data, b.len, s->cols - 1, UI_LEFT);
		attrset(theme_attr(s->message_err ? THEME_ERROR
						   : THEME_PROMPT));
		scr_put_cells(s->rows - 1, 0, t.data, t.len);
		attrset(A_NORMAL);
	}
	buf_release(&b);
	buf_release(&t);
}

/* Is the folder list shown? Not when hidden, nor when the index would
 * be left narrower than 30 columns. */
bool
scr_folders_fit(const struct screen *s)
{
	return s->show_folders && s->folder_width > 0 &&
	       s->cols - s->folder_width - 1 >= 30;
}

static void draw_screen(struct screen *s);

/* Draw the whole screen. With POSTIE_TRACE=ui each draw logs how long it
 * took, for the benchmarks (a key press should cost under a frame). */
void
scr_draw(struct screen *s)
{
	struct timespec t0, t1;

	if (!log_trace_on("ui")) {
		draw_screen(s);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	draw_screen(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("screen: drawn in %.3f ms (%zu messages)",
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			 (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
		 s->sum.n);
}

static void
draw_screen(struct screen *s)
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
		int fw = scr_folders_fit(s) ? s->folder_width : 0;
		if (!fw)
			s->focus = FOCUS_INDEX;
		if (fw)
			draw_folders(s, 0, fw, 1, body);
		draw_index(s, fw ? fw + 1 : 0, s->cols - (fw ? fw + 1 : 0), 1,
			   body);
	} else if (s->view == VIEW_PARTS) {
		view_draw_parts(s, 1, body);
	} else if (view_split_rows(s)) {
		/* the split view: index rows, a rule, the message */
		int ir = view_split_rows(s);
		draw_index(s, 0, s->cols, 1, ir);
		mvhline(1 + ir, 0, ACS_HLINE, s->cols);
		draw_pager(s, 2 + ir, body - ir - 1);
	} else if (s->view != VIEW_COMPOSE) {
		draw_pager(s, 1, body);
	}
	draw_bottom(s);
	curs_set(s->prompt != PROMPT_NONE ? 1 : 0);
	/* last: the composer places the cursor, and its questions take
	 * the bottom line */
	scr_compose_draw(s);
	refresh();
	scr_notify_title(s);
}


/* The colour pairs of the theme, once curses has started. */
void
scr_colors_init(struct screen *s)
{
	theme_use(&s->theme);
}
