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

#include "private.h"
#include "screen.h"

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
	scr_put_cells(0, 0, safe.data, safe.len);
	attroff(COLOR_PAIR(PAIR_BAR) | A_REVERSE);
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
			int attr = 0;
			struct buf lab = BUF_INIT;
			uint32_t unread = 0, total = 0;
			scr_ftree_label(s, ai, fi, &lab, &unread, &total);
			if (fi == SIZE_MAX) {
				ui_sanitize(&t, lab.data, lab.len,
					    UI_TAB_SPACE);
				ui_fit(&line, t.data, t.len, w, UI_LEFT);
				attr = A_BOLD | A_UNDERLINE;
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
					attr |= A_BOLD;
				if (unread)
					attr |= A_BOLD;
			}
			buf_release(&lab);
			if (s->focus == FOCUS_FOLDERS &&
			    top + (size_t)y == s->fcursor)
				attr |= A_REVERSE;
			attron(attr);
			scr_put_cells(y0 + y, x0, line.data, line.len);
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
		int attr = 0;
		if (!(m->flags & STORE_F_SEEN))
			attr |= A_BOLD;
		if (m->flags & STORE_F_FLAGGED)
			attr |= COLOR_PAIR(PAIR_FLAG);
		if (pos == s->cursor)
			attr |= A_REVERSE;
		attron(attr);
		scr_put_cells(y0 + y, x0, s->row.data, s->row.len);
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
		scr_put_cells(y0 + y, 0, s->pg.text.data + l->off, l->len);
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
		buf_addstr(&b, s->prompt < ARRAY_SIZE(label)
				       ? label[s->prompt]
				       : scr_act_prompt_label(s));
		ui_sanitize(&b, s->input.data, s->input.len, UI_TAB_SPACE);
		ui_fit(&t, b.data, b.len, s->cols - 1, UI_LEFT);
		scr_put_cells(s->rows - 1, 0, t.data, t.len);
		move(s->rows - 1, (int)ui_width(b.data, b.len) < s->cols - 1
					  ? (int)ui_width(b.data, b.len)
					  : s->cols - 1);
	} else if (s->message) {
		ui_sanitize(&b, s->message, strlen(s->message), UI_TAB_SPACE);
		ui_fit(&t, b.data, b.len, s->cols - 1, UI_LEFT);
		if (s->message_err)
			attron(COLOR_PAIR(PAIR_ERR) | A_BOLD);
		scr_put_cells(s->rows - 1, 0, t.data, t.len);
		if (s->message_err)
			attroff(COLOR_PAIR(PAIR_ERR) | A_BOLD);
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

void
scr_draw(struct screen *s)
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
	} else {
		draw_pager(s, 1, body);
	}
	draw_bottom(s);
	curs_set(s->prompt != PROMPT_NONE ? 1 : 0);
	refresh();
}


/* The colour pairs, once curses has started. */
void
scr_colors_init(void)
{
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
