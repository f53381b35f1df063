/* SPDX-License-Identifier: ISC */
/*
 * Keys and prompts: the dotfile's bindings, the built-in keys of each
 * pane, the search, folder and command prompts, and the : commands.
 * Each key changes the state in struct screen or posts a request to an
 * account's worker; nothing here waits for the network.
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
#include "query.h"
#include "screen.h"
#include "view.h"

/* ---------------------------------------------------------------------
 * Search: the limit's query language (query.c), in display order; words
 * look in the subject and the sender, ASCII case folded
 */
void
scr_search_next(struct screen *s, bool forward)
{
	struct ui_query q;
	struct perr e = PERR_INIT;
	time_t now = time(NULL);
	struct tm tm;

	if (!s->search || !*s->search) {
		scr_say(s, false, "no search yet: press / first");
		return;
	}
	if (ui_query_parse(s->search, (int64_t)now,
			   localtime_r(&now, &tm) ? (int)(tm.tm_gmtoff / 60)
						  : 0,
			   &q, &e) < 0) {
		scr_say(s, true, "%s", e.msg);
		return;
	}
	if (q.body) {
		ui_query_release(&q);
		scr_say(s, true, "body: works in the limit (l), not in /");
		return;
	}
	for (size_t k = 1; k <= s->shown; k++) {
		size_t pos = forward ? (s->cursor + k) % s->shown
				     : (s->cursor + s->shown - k) % s->shown;
		const struct store_summary *m = scr_at(s, pos);
		if (m && ui_query_match(&q, &s->sum, m)) {
			ui_query_release(&q);
			if (forward ? pos <= s->cursor : pos >= s->cursor)
				scr_say(s, false, "search wrapped");
			else
				scr_say(s, false, "/%s", s->search);
			s->cursor = pos;
			return;
		}
	}
	ui_query_release(&q);
	scr_say(s, true, "not found: %s", s->search);
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

void
scr_change_folder(struct screen *s, const char *name)
{
	for (size_t k = 0; k < s->nacc; k++) {
		size_t ai = (s->cur_acc + k) % s->nacc;
		if (scr_open_folder_named(s, ai, name)) {
			scr_say(s, false, "%s", name);
			return;
		}
	}
	scr_say(s, true, "no folder '%s'", name);
}

void
scr_run_command(struct screen *s, const char *line)
{
	char **argv;
	struct perr e = PERR_INIT;

	if (!(argv = argv_split(line, &e))) {
		scr_say(s, true, "%s", e.msg);
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
		scr_post_sync(s, &s->acc[s->cur_acc], argc > 1 ? argv[1] : NULL);
	} else if (strcmp(argv[0], "sort") == 0 && argc == 2) {
		enum store_sort_key key;
		bool rev;
		if (parse_sort(argv[1], &key, &rev)) {
			s->sort = key;
			s->reverse = rev;
			scr_reload_index(s);
			scr_say(s, false, "sorted by %s", argv[1]);
		} else {
			scr_say(s, true, "unknown sort '%s' (date, arrival, from, "
				     "subject, size, thread)", argv[1]);
		}
	} else if (strcmp(argv[0], "folder") == 0 && argc == 2) {
		scr_change_folder(s, argv[1]);
	} else if (strcmp(argv[0], "theme") == 0 && argc <= 2) {
		if (argc == 2)
			scr_set_theme(s, argv[1]);
		else
			scr_say(s, false, "theme %s", s->theme.name);
	} else if ((strcmp(argv[0], "compose") == 0 ||
		    strcmp(argv[0], "mail") == 0) && argc <= 2) {
		scr_compose_new(s, argc == 2 ? argv[1] : NULL);
	} else if (strcmp(argv[0], "recall") == 0) {
		scr_compose_recall(s);
	} else if (strcmp(argv[0], "edit-as-new") == 0) {
		scr_compose_from(s, UI_DRAFT_EDIT_AS_NEW);
	} else if (strcmp(argv[0], "forward-attached") == 0) {
		scr_compose_from(s, UI_DRAFT_FORWARD_ATTACH);
	} else if (strcmp(argv[0], "flush") == 0) {
		scr_compose_flush(s);
	} else {
		scr_say(s, true, "unknown command '%s' (quit, sync, sort KEY, "
			     "folder NAME, theme NAME, compose, recall, "
			     "edit-as-new, forward-attached, flush)", argv[0]);
	}
	argv_free(argv);
}

void
scr_prompt_start(struct screen *s, enum prompt_kind k)
{
	s->prompt = k;
	buf_reset(&s->input);
}

static void
prompt_key(struct screen *s, int type, wint_t ch)
{
	enum prompt_kind k = s->prompt;

	if (k >= PROMPT_PART_SAVE) {
		view_prompt_key(s, type, ch);
		return;
	}
	if (k == PROMPT_QUIT) {
		s->prompt = PROMPT_NONE;
		if (type == OK && (ch == 'y' || ch == 'Y'))
			s->quit = true;
		return;
	}
	if (k == PROMPT_CREATE) {
		s->prompt = PROMPT_NONE;
		scr_act_prompt_done(s, k, type == OK && (ch == 'y' || ch == 'Y')
						  ? "y" : "n");
		return;
	}
	if (type == OK && ch == '\t' && (k == PROMPT_SAVE || k == PROMPT_COPY)) {
		scr_act_complete(s);
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
			scr_search_next(s, true);
		} else if (k == PROMPT_FOLDER) {
			if (*v)
				scr_change_folder(s, v);
		} else if (k == PROMPT_COMMAND) {
			scr_run_command(s, v);
		} else {
			scr_act_prompt_done(s, k, v);
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
void
scr_move_cursor(struct screen *s, long delta)
{
	if (!s->shown)
		return;
	long c = (long)s->cursor + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)s->shown)
		c = (long)s->shown - 1;
	s->cursor = (size_t)c;
}

void
scr_toggle(struct screen *s, uint32_t bit)
{
	const struct store_summary *m = s->view == VIEW_PAGER
						? NULL
						: scr_at(s, s->cursor);
	if (s->view == VIEW_PAGER)
		for (size_t i = 0; i < s->sum.n; i++)
			if (s->sum.v[i].uid == s->pg_uid)
				m = &s->sum.v[i];
	if (!m)
		return;
	if (m->flags & bit)
		scr_change_flags(s, m->uid, 0, bit);
	else
		scr_change_flags(s, m->uid, bit, 0);
}

static void
folders_key(struct screen *s, int type, wint_t ch)
{
	size_t n = scr_flat_count(s);

	if ((type == OK || (type == KEY_CODE_YES && ch == KEY_ENTER)) &&
	    scr_ftree_key(s, type == OK ? ch : '\n'))
		return;
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
		if (scr_flat_get(s, s->fcursor, &ai, &fi) && fi != SIZE_MAX) {
			scr_open_folder(s, ai, &s->acc[ai].fv[fi]);
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
		scr_say(s, false, "folder list: j/k move, Enter opens, Space "
			      "or h/l fold, Tab returns to the index");
		break;
	}
}

void
scr_quit_key(struct screen *s)
{
	if (s->p->cfg->ui.confirm_quit)
		scr_prompt_start(s, PROMPT_QUIT);
	else
		s->quit = true;
}

static void
index_key(struct screen *s, int type, wint_t ch)
{
	int page = s->rows - 3 > 1 ? s->rows - 3 : 1;

	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_DOWN: scr_move_cursor(s, 1); break;
		case KEY_UP: scr_move_cursor(s, -1); break;
		case KEY_NPAGE: scr_move_cursor(s, page); break;
		case KEY_PPAGE: scr_move_cursor(s, -page); break;
		case KEY_HOME: scr_move_cursor(s, -(long)s->sum.n); break;
		case KEY_END: scr_move_cursor(s, (long)s->sum.n); break;
		case KEY_ENTER: scr_open_message(s); break;
		default: break;
		}
		return;
	}
	if (scr_act_key(s, ch))
		return;
	switch (ch) {
	case 'j': scr_move_cursor(s, 1); break;
	case 'k': scr_move_cursor(s, -1); break;
	case ' ': scr_move_cursor(s, page); break;
	case 'g': scr_move_cursor(s, -(long)s->sum.n); break;
	case 'G': scr_move_cursor(s, (long)s->sum.n); break;
	case '\n':
	case '\r':
		scr_open_message(s);
		break;
	case '\t':
		if (s->show_folders && !scr_folders_fit(s)) {
			scr_say(s, false, "the window is too narrow for the folder "
				      "list");
		} else if (s->show_folders) {
			s->focus = FOCUS_FOLDERS;
			/* start from the open folder */
			for (size_t k = 0, n = scr_flat_count(s); k < n; k++) {
				size_t ai, fi;
				if (scr_flat_get(s, k, &ai, &fi) &&
				    ai == s->cur_acc && fi != SIZE_MAX &&
				    s->acc[ai].fv[fi].id == s->cur_fid)
					s->fcursor = k;
			}
		} else {
			scr_say(s, false, "the folder list is hidden (B shows "
				      "it)");
		}
		break;
	case 'B':
		s->show_folders = !s->show_folders && s->folder_width > 0;
		if (!s->show_folders)
			s->focus = FOCUS_INDEX;
		if (s->folder_width == 0)
			scr_say(s, false, "folder-width is 0 in the dotfile");
		break;
	case 'c':
	case 'y':
		scr_prompt_start(s, PROMPT_FOLDER);
		break;
	case '/':
		scr_prompt_start(s, PROMPT_SEARCH);
		break;
	case 'n': scr_search_next(s, true); break;
	case 'p': /* N is toggle-new, as in mutt */
		scr_search_next(s, false);
		break;
	case 'N': scr_toggle(s, STORE_F_SEEN); break;
	case 'F': scr_toggle(s, STORE_F_FLAGGED); break;
	case '$': scr_post_sync(s, &s->acc[s->cur_acc], NULL); break;
	case ':': scr_prompt_start(s, PROMPT_COMMAND); break;
	case 'm': scr_compose_new(s, NULL); break;
	case 'r': scr_compose_from(s, UI_DRAFT_REPLY); break;
	case 'a': scr_compose_from(s, UI_DRAFT_REPLY_ALL); break;
	case 'L': scr_compose_from(s, UI_DRAFT_REPLY_LIST); break;
	case 'f': scr_compose_from(s, UI_DRAFT_FORWARD); break;
	case 'R': scr_compose_recall(s); break;
	case 'e': {
		const struct store_folder *f = scr_cur_folder(s);
		if (f && (f->role == STORE_ROLE_SENT ||
			  f->role == STORE_ROLE_DRAFTS))
			scr_compose_from(s, UI_DRAFT_EDIT_AS_NEW);
		else
			scr_say(s, false, "e edits as new in Sent and Drafts; "
				      ":edit-as-new does it anywhere");
		break;
	}
	case '?': scr_show_help(s); break;
	case 'q': scr_quit_key(s); break;
	case 12: clearok(curscr, TRUE); break; /* Ctrl-L */
	default:
		scr_say(s, false, "key not bound here; ? lists the keys");
		break;
	}
}

static void
pager_key(struct screen *s, int type, wint_t ch)
{
	int page = view_pager_rows(s);
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
			scr_move_cursor(s, ch == 'J' ? 1 : -1);
			if (c != s->cursor)
				scr_open_message(s);
			else
				scr_say(s, false, ch == 'J' ? "last message"
							: "first message");
		}
		break;
	case 'F':
	case 'N':
		if (s->view == VIEW_PAGER)
			scr_toggle(s, ch == 'F' ? STORE_F_FLAGGED : STORE_F_SEEN);
		break;
	case 'd':
	case 'u':
	case 's':
	case 'C':
		if (s->view == VIEW_PAGER)
			scr_act_pager_key(s, ch);
		break;
	case 'm':
	case 'r':
	case 'a':
	case 'L':
	case 'f':
		if (s->view != VIEW_PAGER)
			break;
		if (ch == 'm')
			scr_compose_new(s, NULL);
		else
			scr_compose_from(s, ch == 'r'	? UI_DRAFT_REPLY
					    : ch == 'a' ? UI_DRAFT_REPLY_ALL
					    : ch == 'L' ? UI_DRAFT_REPLY_LIST
							: UI_DRAFT_FORWARD);
		break;
	case 'q':
	case 'i':
		s->view = VIEW_INDEX;
		break;
	case '?':
		if (s->view == VIEW_HELP)
			s->view = VIEW_INDEX;
		else
			scr_show_help(s);
		break;
	case 12: clearok(curscr, TRUE); break;
	default:
		scr_say(s, false, "key not bound in the viewer; q returns, ? "
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
	if (s->view == VIEW_COMPOSE || scr_compose_asking(s)) {
		scr_compose_key(s, type, ch);
		return;
	}
	if (s->view == VIEW_PARTS)
		view_parts_key(s, type, ch);
	else if (s->view == VIEW_PAGER && view_pager_key(s, type, ch))
		return;
	else if (s->view != VIEW_INDEX)
		pager_key(s, type, ch);
	else if (s->focus == FOCUS_FOLDERS)
		folders_key(s, type, ch);
	else
		index_key(s, type, ch);
}

static enum ui_pane
pane_now(const struct screen *s)
{
	if (s->view == VIEW_COMPOSE)
		return UI_PANE_COMPOSE;
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
void
scr_on_key(struct screen *s, int type, wint_t ch)
{
	struct ui_key k = { type == KEY_CODE_YES, (uint32_t)ch };

	if (s->prompt != PROMPT_NONE) {
		prompt_key(s, type, ch);
		return;
	}
	if (type == KEY_CODE_YES && ch == KEY_RESIZE)
		return;
	if (scr_compose_asking(s) ||
	    (s->view == VIEW_COMPOSE && scr_compose_raw(s))) {
		/* a question, a field or the text: keys as typed */
		s->npending = 0;
		scr_compose_key(s, type, ch);
		return;
	}
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
			if (hit->cmd)
				scr_run_command(s, hit->cmd);
			else
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

/* One binding line, from the dotfile or a preset, into s->bind (which
 * has room for three per line: global covers three panes). A binding
 * that cannot work is named on the status line, never dropped silently;
 * where names the line. */
static void
add_binding(struct screen *s, const char *pane, const char *keys,
	    const char *action, const char *where)
{
	static const enum ui_pane all[] = {
		UI_PANE_INDEX, UI_PANE_PAGER, UI_PANE_FOLDERS, UI_PANE_COMPOSE
	};
	struct perr e = PERR_INIT;
	struct binding b = { 0 };
	bool global = strcmp(pane, "global") == 0;
	size_t added = 0;

	if (ui_keyseq_parse(keys, b.keys, UI_KEYSEQ_MAX, &b.n, &e) < 0) {
		scr_say(s, true, "%s: %s", where, e.msg);
		return;
	}
	if (action[0] == ':') {
		if (ui_command_check(action + 1, &e) < 0) {
			scr_say(s, true, "%s: %s", where, e.msg);
			return;
		}
		b.cmd = action + 1;
	}
	for (size_t k = 0; k < ARRAY_SIZE(all); k++) {
		enum ui_pane pn = all[k];
		const char *pname = pn == UI_PANE_INDEX     ? "index"
				    : pn == UI_PANE_PAGER   ? "pager"
				    : pn == UI_PANE_COMPOSE ? "compose"
							    : "folders";
		/* global is the three panes of reading mail */
		if (global ? pn == UI_PANE_COMPOSE
			   : strcmp(pane, pname) != 0)
			continue;
		if (!b.cmd) {
			struct perr ae = PERR_INIT;
			int r = ui_action_key(action, pn, &b.to, &ae);
			if (r != 0) {
				/* in global, an action for some panes only
				 * is fine */
				if (r < 0 || !global)
					e = ae;
				continue;
			}
		}
		b.pane = pn;
		s->bind[s->nbind++] = b;
		added++;
	}
	if (!added)
		scr_say(s, true, "%s: %s", where,
			e.msg[0] ? e.msg : "binding for no pane");
}

void
scr_load_bindings(struct screen *s)
{
	const struct cfg *c = s->p->cfg;
	size_t np;
	const struct ui_preset_bind *pre = ui_key_preset(c->ui.keys, &np);

	s->bind = xcalloc((c->n_binds + np) * 3 + 1, sizeof(*s->bind));
	for (size_t i = 0; i < c->n_binds; i++) {
		const struct cfg_bind *cb = &c->binds[i];
		char *where = xstrfmt("%s:%u", c->display_path, cb->line);
		add_binding(s, cb->pane, cb->keys, cb->action, where);
		free(where);
	}
	for (size_t i = 0; i < np; i++) {
		char *where = xstrfmt("keys = %s, '%s'", c->ui.keys,
				      pre[i].keys);
		add_binding(s, pre[i].pane, pre[i].keys, pre[i].action,
			    where);
		free(where);
	}
}
