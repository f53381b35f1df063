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

#include "compose.h"
#include "private.h"
#include "screen.h"
#include "view.h"

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
void
scr_say(struct screen *s, bool err, const char *fmt, ...)
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
/* Open the account's index if it exists now and reload its folders. */
void
scr_load_folders(struct screen *s, struct acct *a)
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
		scr_say(s, true, "%s: %s", a->ua->cfg->name, e.msg);
		return;
	}
	scr_ftree_sort(v, n);
	store_folder_list_free(a->fv, a->nf);
	a->fv = v;
	a->nf = n;
	scr_ftree_build(a);
}

const struct store_folder *
scr_cur_folder(const struct screen *s)
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
const struct store_summary *
scr_at(const struct screen *s, size_t pos)
{
	return pos < s->shown && pos < s->sum.n ? &s->sum.v[s->order[pos]]
						: NULL;
}

void
scr_resort(struct screen *s)
{
	struct perr e = PERR_INIT;

	store_thread_release(&s->th);
	memset(&s->th, 0, sizeof(s->th));
	s->threaded = s->sort == STORE_SORT_THREAD;
	s->shown = s->sum.n;
	if (s->threaded &&
	    store_thread(&s->sum, s->reverse, &s->th, &e) == 0) {
		memcpy(s->order, s->th.order, s->sum.n * sizeof(*s->order));
		scr_act_filter(s);
		return;
	}
	s->threaded = false;
	if (store_sort(&s->sum, s->sort == STORE_SORT_THREAD
					? STORE_SORT_DATE
					: s->sort,
		       s->reverse, s->order, &e) < 0) {
		for (size_t i = 0; i < s->sum.n; i++)
			s->order[i] = (uint32_t)i;
		scr_say(s, true, "cannot sort: %s", e.msg);
	}
	scr_act_filter(s);
}

/* Load the open folder again from the store, keeping the cursor on the
 * same message where it still is. */
void
scr_reload_index(struct screen *s)
{
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;
	const struct store_summary *m = scr_at(s, s->cursor);
	uint32_t keep = m ? m->uid : 0;

	store_summaries_release(&s->sum);
	free(s->order);
	s->order = NULL;
	s->shown = 0;
	if (!a->st || !s->cur_fid)
		return;
	if (store_load(a->st, s->cur_fid, &s->sum, &e) < 0) {
		scr_say(s, true, "cannot load '%s': %s", s->cur_raw, e.msg);
		return;
	}
	s->order = xcalloc(s->sum.n ? s->sum.n : 1, sizeof(*s->order));
	scr_resort(s);
	if (s->cursor >= s->shown)
		s->cursor = s->shown ? s->shown - 1 : 0;
	for (size_t i = 0; keep && i < s->shown; i++)
		if (s->sum.v[s->order[i]].uid == keep) {
			s->cursor = i;
			break;
		}
}

/* Open folder f of account ai. */
void
scr_open_folder(struct screen *s, size_t ai, const struct store_folder *f)
{
	/* leaving a folder expunges what is marked deleted there */
	if (s->cur_fid && (ai != s->cur_acc || f->id != s->cur_fid))
		scr_act_leave(s);
	s->cur_acc = ai;
	s->cur_fid = f->id;
	free(s->cur_raw);
	s->cur_raw = xstrndup(f->raw, f->raw_len);
	s->cursor = 0;
	s->top = 0;
	store_summaries_release(&s->sum);
	s->shown = 0;
	scr_reload_index(s);
	/* newest mail is where a reader starts */
	if (!s->reverse && s->shown)
		s->cursor = s->shown - 1;
	s->view = VIEW_INDEX;
}

bool
scr_open_folder_named(struct screen *s, size_t ai, const char *name)
{
	struct acct *a = &s->acc[ai];

	for (size_t i = 0; i < a->nf; i++)
		if (ascii_strcasecmp(a->fv[i].name, name) == 0 ||
		    (a->fv[i].raw_len == strlen(name) &&
		     memcmp(a->fv[i].raw, name, a->fv[i].raw_len) == 0)) {
			scr_open_folder(s, ai, &a->fv[i]);
			return true;
		}
	return false;
}

/* ---------------------------------------------------------------------
 * Requests
 */
void
scr_post_sync(struct screen *s, struct acct *a, const char *folder)
{
	struct perr e = PERR_INIT;

	if (a->syncing)
		return;
	if (acct_post(a->w, ACCT_REQ_SYNC, folder, NULL, NULL, &a->sync_id,
		      &e) < 0) {
		scr_say(s, true, "%s: cannot sync: %s", a->ua->cfg->name, e.msg);
		return;
	}
	a->syncing = true;
}

/* Set and clear flags of the message under the cursor; the index shows
 * the change at once and the store confirms it when the worker is done.
 * Returns the request id or 0. */
uint64_t
scr_change_flags(struct screen *s, uint32_t uid, uint32_t set, uint32_t clear)
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
		scr_say(s, true, "cannot change flags: %s", e.msg);
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
bool
scr_fetch_body(struct screen *s, uint32_t uid)
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
		scr_say(s, true, "cannot fetch the message: %s", e.msg);
		s->fetch_id = 0;
		return false;
	}
	s->fetch_uid = uid;
	s->fetch_fid = s->cur_fid;
	return true;
}

void
scr_open_message(struct screen *s)
{
	const struct store_summary *m = scr_at(s, s->cursor);
	struct acct *a = &s->acc[s->cur_acc];
	struct buf raw = BUF_INIT;
	struct perr e = PERR_INIT;

	if (!m || !a->st)
		return;
	int got = store_body_get(a->st, s->cur_fid, m->uid, &raw, &e);
	if (got < 0) {
		scr_say(s, true, "cannot read the message: %s", e.msg);
		buf_release(&raw);
		return;
	}
	if (got == 0) {
		/* not downloaded: what the index knows, while the worker
		 * fetches the rest */
		bool asked = scr_fetch_body(s, m->uid);
		buf_addf(&raw, "From: %s <%s>\nSubject: %s\n\n%s\n\n%s\n",
			 store_str(&s->sum, m->from_name),
			 store_str(&s->sum, m->from_addr),
			 store_str(&s->sum, m->subject),
			 store_str(&s->sum, m->preview),
			 asked ? "[fetching the message...]"
			       : "[the message is not downloaded]");
	}
	ui_pager_render_opts(&s->pg, raw.data, raw.len, a->assumed, s->cols,
			     view_render_flags(s));
	buf_release(&raw);
	s->pg_top = 0;
	s->pg_uid = m->uid;
	s->view = VIEW_PAGER;
	view_message_opened(s);
	if (!(m->flags & STORE_F_SEEN))
		s->auto_seen_id = scr_change_flags(s, m->uid, STORE_F_SEEN, 0);
}

/* Render the message in the viewer again (new width, or its body came),
 * keeping the place. */
void
scr_reopen_message(struct screen *s)
{
	size_t top = s->pg_top;

	if (view_rerender(s))
		return;
	for (size_t i = 0; i < s->shown; i++)
		if (s->sum.v[s->order[i]].uid == s->pg_uid) {
			s->cursor = i;
			break;
		}
	scr_open_message(s);
	s->pg_top = top;
	view_after_reopen(s);
}

void
scr_show_help(struct screen *s)
{
	struct buf help = BUF_INIT;

	scr_help_text(s, &help);
	ui_pager_release(&s->pg);
	s->pg.v = NULL;
	const char *p = help.data;
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
	buf_release(&help);
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
		if (!(type == KEY_CODE_YES && ch == KEY_RESIZE) &&
		    scr_notify_alert_key(s))
			continue; /* the key dismissed a server's alert */
		scr_on_key(s, type, ch);
		if (s->quit)
			break;
	}
	scr_notify_seen(s);
	check_signal(s);
	if (!s->quit)
		scr_draw(s);
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
		if (scr_compose_event(s, (size_t)(a - s->acc), ev))
			continue;
		bool cur = a == &s->acc[s->cur_acc];
		scr_notify_event(s, (size_t)(a - s->acc), ev);
		int act = scr_act_event(s, a, ev);
		if ((act & SCR_ACT_RELOAD) && cur)
			reload = true;
		if (act & SCR_ACT_HANDLED)
			continue;
		switch (ev->kind) {
		case ACCT_EV_DONE:
		case ACCT_EV_FAILED:
		case ACCT_EV_CANCELLED:
			if (ev->req_id && ev->req_id == s->fetch_id) {
				s->fetch_id = 0;
				if (ev->kind != ACCT_EV_DONE)
					view_fetch_failed(s);
			}
			if (ev->req_id == a->sync_id) {
				a->syncing = false;
				scr_load_folders(s, a);
				if (cur)
					reload = true;
				if (ev->kind == ACCT_EV_DONE)
					scr_say(s, false, "%s: synced",
					    a->ua->cfg->name);
			}
			if (ev->kind == ACCT_EV_FAILED) {
				/* a server without flag support refuses the
				 * automatic "read" mark: not worth a word */
				if (!(ev->req_id == s->auto_seen_id &&
				      ev->err.kind == PERR_REJECTED))
					scr_say(s, true, "%s: %s", a->ua->cfg->name,
					    ev->err.msg);
				if (cur)
					reload = true;
			}
			break;
		case ACCT_EV_FOLDER_CHANGED:
		case ACCT_EV_NEW_MAIL:
			/* new mail is told by scr_notify_flush */
			scr_load_folders(s, a);
			if (cur)
				reload = true;
			break;
		case ACCT_EV_BODY:
			if (cur && s->view == VIEW_PAGER &&
			    s->pg_uid == (uint32_t)ev->n1 && ev->folder &&
			    s->cur_raw && strcmp(ev->folder, s->cur_raw) == 0)
				reopen = true;
			break;
		case ACCT_EV_PROGRESS:
			scr_say(s, false, "%s: syncing %s %llu/%llu",
			    a->ua->cfg->name, ev->folder ? ev->folder : "",
			    (unsigned long long)ev->n1,
			    (unsigned long long)ev->n2);
			break;
		case ACCT_EV_ERROR:
		case ACCT_EV_DISCONNECTED:
			scr_say(s, true, "%s: %s", a->ua->cfg->name, ev->err.msg);
			break;
		case ACCT_EV_RECONNECTING:
			scr_say(s, true, "%s: %s (next try in %llds)",
			    a->ua->cfg->name, ev->err.msg,
			    (long long)(ev->retry_ms / 1000));
			break;
		default:
			break;
		}
	}
	acct_event_free_list(list);
	scr_notify_flush(s);
	scr_notify_tick(s);
	/* the first index of the start folder, once the store has it */
	if (!s->cur_fid) {
		struct acct *a = &s->acc[s->cur_acc];
		if (a->nf && !scr_open_folder_named(s, s->cur_acc,
						 s->p->start_folder
							 ? s->p->start_folder
							 : "INBOX"))
			scr_open_folder(s, s->cur_acc, &a->fv[0]);
		if (s->cur_fid)
			log_info("screen: %zu messages of the start folder "
				 "shown %lld ms after start (first index)",
				 s->sum.n,
				 (long long)(time_mono_ms() - s->p->start_ms));
	} else if (reload) {
		scr_reload_index(s);
	}
	if (reopen)
		scr_reopen_message(s);
	check_signal(s);
	if (!s->quit)
		scr_draw(s);
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
		scr_reopen_message(s);
	clearok(curscr, TRUE);
	scr_draw(s);
}

static void
cb_timeout(void *arg)
{
	scr_notify_tick(arg);
	view_reap(arg);
	scr_compose_idle(arg);
	check_signal(arg);
}

/* ---------------------------------------------------------------------
 * Start and end
 */
static void
curses_start(struct screen *s)
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
	scr_colors_init(s);
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

	scr_load_bindings(&s);
	scr_act_init(&s);
	/* a theme that cannot be used is said once the screen is up */
	struct perr te = PERR_INIT;
	bool theme_bad = theme_load(&s.theme, p->cfg->ui.theme, p->cfg,
				    &te) < 0;
	if (theme_bad) {
		struct perr de = PERR_INIT;
		if (theme_load(&s.theme, "default", NULL, &de) < 0)
			theme_builtin(&s.theme);
	}
	view_init(&s);
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
		scr_load_folders(&s, &s.acc[i]);
	}
	if (s.acc[s.cur_acc].nf &&
	    !scr_open_folder_named(&s, s.cur_acc,
			       p->start_folder ? p->start_folder : "INBOX"))
		scr_open_folder(&s, s.cur_acc, &s.acc[s.cur_acc].fv[0]);

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGHUP, &sa, &old_hup);
	base_set_oom_hook(restore_terminal);
	curses_start(&s);
	scr_notify_start(&s);
	getmaxyx(stdscr, s.rows, s.cols);
	if (theme_bad)
		scr_say(&s, true, "%s; the default theme is used", te.msg);
	scr_draw(&s);

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
			scr_say(&s, true, "%s: %s", ua->cfg->name, we.msg);
			continue;
		}
		scr_post_sync(&s, &s.acc[i], NULL);
	}
	if (!s.cur_fid && s.acc[s.cur_acc].st == NULL)
		scr_say(&s, false, "building the index...");
	scr_compose_start(&s);
	const struct store_folder *sf = scr_cur_folder(&s);
	if (p->start_folder && sf && strcmp(s.cur_raw, p->start_folder) != 0 &&
	    ascii_strcasecmp(sf->name, p->start_folder) != 0)
		scr_say(&s, true, "no folder '%s'", p->start_folder);
	scr_draw(&s);
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
	scr_notify_stop(&s);
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
		scr_ftree_free(&s.acc[i]);
		free(s.acc[i].assumed);
	}
	scr_compose_free(&s);
	acct_hub_free(s.hub);
	store_thread_release(&s.th);
	store_summaries_release(&s.sum);
	ui_pager_release(&s.pg);
	view_release(&s);
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
	scr_act_free(&s);
	theme_release(&s.theme);
	return rc;
}
