/* SPDX-License-Identifier: ISC */
/*
 * New mail, told: a "N new" marker on the account's heading in the
 * folder list and on the status bar until the user next looks at that
 * account, an optional bell, an optional new-mail-command, and the
 * terminal title ("postie: work/INBOX (3)").
 *
 * A batch is what one wake-up of the screen brings for an account: the
 * NEW_MAIL events of one drain of the hub. How many messages are new,
 * and in which folders, comes from the folders' totals before and after
 * (capped by what the worker counted): a worker's count is per sync, not
 * per folder, and a local Maildir that another program delivered into
 * is renumbered and counted whole. The first sync of each account after
 * start only sets the baseline (a fresh index would otherwise announce
 * every message it ever held).
 *
 * new-mail-command is split into words (no shell; ~/ at the start of a
 * word is the home directory, as in password-command) and run with three
 * more: the account's name, the folder (several joined by commas) and
 * the count. It is spawned with stdin, stdout and stderr on /dev/null in
 * a process group of its own and never waited for: the loop's ticks reap
 * it with WNOHANG and kill the group after NOTIFY_TIMEOUT_MS. A failure
 * goes to the log, never in the way of the screen.
 *
 * The title is written only where the terminal takes it: TERM of the
 * xterm, screen, tmux or rxvt families (OSC 2), or a terminfo entry with
 * tsl and fsl. Its text goes through ui_sanitize, so a folder name
 * cannot end the sequence early or start another (hostile-42). xterm's
 * title stack saves the old title at start and restores it on exit;
 * terminals without the stack keep ours.
 *
 * A server's [ALERT] (RFC 3501 7.1: it MUST be shown to the user) is
 * queued here and shown on the bottom line, in the error colour and
 * reversed, with its place in the queue ("alert 1/3"), until a key is
 * pressed; that key only dismisses it. The text is the server's: it is
 * sanitised when queued, so no escape, control or bidi character of it
 * reaches the terminal (hostile-14, hostile-42). While a prompt or the
 * composer has the bottom line, alerts wait and the status bar counts
 * them. An alert the same as one still waiting is not queued twice. The
 * queue holds ALERT_QUEUE_MAX; more are counted and logged.
 */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/store.h"
#include "postie/ui.h"

#include "compose.h"
#include "screen.h"

/* How long a new-mail-command may run, and how many at once. */
#define NOTIFY_TIMEOUT_MS 10000
#define NOTIFY_MAX_RUNNING 4
/* The title's text, at most (bytes, before sanitising). */
#define TITLE_MAX 200
/* Server alerts waiting to be seen, at most. */
#define ALERT_QUEUE_MAX 64

struct notify_acct {
	unsigned unseen;     /* new since the user last looked */
	bool baseline;       /* the first sync is over */
	uint64_t batch;      /* new in this wake-up, as the worker counts */
	bool changed;        /* an event came since the last snapshot */
	/* the folders' totals when last looked at here: what grew since
	 * is what is new (a Maildir renumbered by a delivery reports all
	 * its messages as new) */
	char **names;
	uint32_t *totals;
	size_t nt;
};

struct notify_child {
	pid_t pid;
	int64_t started;
	char *what;          /* for the log: the account */
};

struct scr_notify {
	struct notify_acct *acc;
	size_t nacc;
	struct notify_child run[NOTIFY_MAX_RUNNING];
	size_t nrun;
	enum { TITLE_NONE, TITLE_OSC, TITLE_TSL } title;
	bool title_stack;
	char *title_last;
	/* server alerts, oldest first: "ACCOUNT: text", sanitised */
	char *alert[ALERT_QUEUE_MAX];
	size_t nalert;
	unsigned alert_dropped; /* did not fit in the queue */
};

void
scr_notify_start(struct screen *s)
{
	struct scr_notify *n = xcalloc(1, sizeof(*n));
	const char *term = getenv("TERM");

	n->nacc = s->nacc;
	n->acc = xcalloc(s->nacc, sizeof(*n->acc));
	s->notify = n;
	if (!s->p->cfg->ui.set_title || !term)
		return;
	static const char *const osc_terms[] = { "xterm", "screen", "tmux",
						 "rxvt", "alacritty", "foot",
						 "kitty" };
	for (size_t i = 0; i < ARRAY_SIZE(osc_terms); i++)
		if (strncmp(term, osc_terms[i], strlen(osc_terms[i])) == 0)
			n->title = TITLE_OSC;
	char *tsl = tigetstr("tsl"), *fsl = tigetstr("fsl");
	if (n->title == TITLE_NONE && tsl && tsl != (char *)-1 && fsl &&
	    fsl != (char *)-1)
		n->title = TITLE_TSL;
	/* xterm's stack: save the title now, give it back at the end */
	n->title_stack = n->title == TITLE_OSC &&
			 strncmp(term, "xterm", 5) == 0;
	if (n->title_stack) {
		fputs("\033[22;2t", stdout);
		fflush(stdout);
	}
}

void
scr_notify_stop(struct screen *s)
{
	struct scr_notify *n = s->notify;

	if (!n)
		return;
	if (n->title_stack && n->title_last) {
		fputs("\033[23;2t", stdout);
		fflush(stdout);
	}
	/* children still running finish on their own; their zombies go
	 * with the process */
	for (size_t i = 0; i < n->nrun; i++)
		free(n->run[i].what);
	for (size_t i = 0; i < n->nacc; i++) {
		for (size_t k = 0; k < n->acc[i].nt; k++)
			free(n->acc[i].names[k]);
		free(n->acc[i].names);
		free(n->acc[i].totals);
	}
	free(n->acc);
	free(n->title_last);
	for (size_t i = 0; i < n->nalert; i++)
		free(n->alert[i]);
	free(n);
	s->notify = NULL;
}

/* ---------------------------------------------------------------------
 * Events
 */
static void
queue_alert(struct screen *s, size_t ai, const char *text)
{
	struct scr_notify *n = s->notify;
	const char *name = s->acc[ai].ua->cfg->name;
	struct buf b = BUF_INIT;

	ui_sanitize(&b, name, strlen(name), UI_TAB_SPACE);
	buf_addstr(&b, ": ");
	ui_sanitize(&b, text, strlen(text), UI_TAB_SPACE);
	log_warn("server alert: %s", b.data);
	/* a server that repeats its alert at each login (the screen's
	 * first sync logs in again) says one thing, not two */
	for (size_t i = 0; i < n->nalert; i++) {
		if (strcmp(n->alert[i], b.data) == 0) {
			buf_release(&b);
			return;
		}
	}
	if (n->nalert == ALERT_QUEUE_MAX) {
		n->alert_dropped++;
		buf_release(&b);
		return;
	}
	n->alert[n->nalert++] = buf_detach(&b, NULL);
}

bool
scr_notify_alert_line(const struct screen *s, struct buf *out)
{
	const struct scr_notify *n = s->notify;

	if (!n || !n->nalert)
		return false;
	buf_addf(out, "alert %u/%zu%s ", 1u,
		 n->nalert + n->alert_dropped,
		 n->alert_dropped ? "+" : "");
	buf_addstr(out, n->alert[0]);
	buf_addstr(out, "  (any key)");
	return true;
}

bool
scr_notify_alert_key(struct screen *s)
{
	struct scr_notify *n = s->notify;

	if (!n || !n->nalert || s->prompt != PROMPT_NONE ||
	    s->view == VIEW_COMPOSE || scr_compose_asking(s))
		return false;
	free(n->alert[0]);
	memmove(n->alert, n->alert + 1, (n->nalert - 1) * sizeof(*n->alert));
	n->nalert--;
	if (!n->nalert)
		n->alert_dropped = 0;
	return true;
}

void
scr_notify_event(struct screen *s, size_t ai, const struct acct_event *ev)
{
	struct scr_notify *n = s->notify;

	if (!n || ai >= n->nacc)
		return;
	struct notify_acct *na = &n->acc[ai];
	na->changed = true;
	if (ev->kind == ACCT_EV_ALERT) {
		queue_alert(s, ai, ev->payload ? ev->payload : "");
		return;
	}
	if (ev->kind == ACCT_EV_NEW_MAIL) {
		if (na->baseline)
			na->batch += ev->n1;
		return;
	}
	/* the end of the first sync: from now on new is new */
	if ((ev->kind == ACCT_EV_DONE || ev->kind == ACCT_EV_FAILED ||
	     ev->kind == ACCT_EV_CANCELLED) &&
	    ev->req_id == s->acc[ai].sync_id)
		na->baseline = true;
}

/* Remember the account's folder totals as they are now. */
static void
snapshot(struct notify_acct *na, const struct acct *a)
{
	for (size_t k = 0; k < na->nt; k++)
		free(na->names[k]);
	free(na->names);
	free(na->totals);
	na->nt = a->nf;
	na->names = xcalloc(a->nf + 1, sizeof(*na->names));
	na->totals = xcalloc(a->nf + 1, sizeof(*na->totals));
	for (size_t k = 0; k < a->nf; k++) {
		na->names[k] = xstrndup(a->fv[k].raw, a->fv[k].raw_len);
		na->totals[k] = a->fv[k].total;
	}
}

/* What grew since the snapshot: the folders (display names,
 * comma-joined) and how many messages. */
static uint64_t
growth(const struct notify_acct *na, const struct acct *a, struct buf *list)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < a->nf; i++) {
		const struct store_folder *f = &a->fv[i];
		uint32_t before = 0;
		for (size_t k = 0; k < na->nt; k++)
			if (strlen(na->names[k]) == f->raw_len &&
			    memcmp(na->names[k], f->raw, f->raw_len) == 0)
				before = na->totals[k];
		if (f->total <= before)
			continue;
		sum += f->total - before;
		if (list->len < 1024)
			buf_addf(list, "%s%s", list->len ? "," : "", f->name);
	}
	return sum;
}

static void
reap(struct scr_notify *n, bool force)
{
	int64_t now = time_mono_ms();

	for (size_t i = 0; i < n->nrun;) {
		struct notify_child *c = &n->run[i];
		int status;
		pid_t r = waitpid(c->pid, &status, WNOHANG);
		if (r == 0 && (force || now - c->started > NOTIFY_TIMEOUT_MS)) {
			log_warn("%s: new-mail-command ran for more than %ds: "
				 "killed", c->what, NOTIFY_TIMEOUT_MS / 1000);
			kill(-c->pid, SIGKILL);
			kill(c->pid, SIGKILL);
			while ((r = waitpid(c->pid, &status, 0)) < 0 &&
			       errno == EINTR)
				;
			status = 0;
		} else if (r == 0) {
			i++;
			continue;
		}
		if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
			log_warn("%s: new-mail-command exited with %d", c->what,
				 WEXITSTATUS(status));
		else if (r > 0 && WIFSIGNALED(status))
			log_warn("%s: new-mail-command killed by signal %d",
				 c->what, WTERMSIG(status));
		free(c->what);
		n->run[i] = n->run[--n->nrun];
	}
}

/* Start the command without waiting for it. */
static void
run_command(struct screen *s, size_t ai, const char *cmdline,
	    const char *folders, unsigned count)
{
	struct scr_notify *n = s->notify;
	const char *name = s->acc[ai].ua->cfg->name;
	struct perr e = PERR_INIT;
	char **words, **argv = NULL;
	char countbuf[16];
	pid_t pid;

	reap(n, false);
	if (n->nrun == NOTIFY_MAX_RUNNING) {
		log_warn("%s: new-mail-command not run: %d still running",
			 name, NOTIFY_MAX_RUNNING);
		return;
	}
	if (!(words = argv_split(cmdline, &e))) {
		log_warn("%s: new-mail-command: %s", name, e.msg);
		return;
	}
	size_t nw = 0;
	for (; words[nw]; nw++) {
		/* ~/ at the start of a word is the one expansion, as for
		 * password-command */
		if (words[nw][0] == '~') {
			char *full = file_expand_home(words[nw]);
			free(words[nw]);
			words[nw] = full;
		}
	}
	snprintf(countbuf, sizeof(countbuf), "%u", count);
	argv = xcalloc(nw + 4, sizeof(*argv));
	memcpy(argv, words, nw * sizeof(*argv));
	argv[nw] = (char *)name;
	argv[nw + 1] = (char *)folders;
	argv[nw + 2] = countbuf;
	/* its own group: the terminal's ^C is not for it, and a timeout
	 * kills what it started too */
	if (proc_spawn(argv, NULL, PROC_NULL_STDIO | PROC_OWN_GROUP, &pid,
		       &e) < 0) {
		log_warn("%s: new-mail-command: %s", name, e.msg);
	} else {
		n->run[n->nrun++] = (struct notify_child){
			pid, time_mono_ms(), xstrdup(name)
		};
		log_info("%s: new-mail-command started for %u in %s", name,
			 count, folders);
	}
	free(argv);
	argv_free(words);
}

void
scr_notify_flush(struct screen *s)
{
	struct scr_notify *n = s->notify;
	bool bell = false;

	if (!n)
		return;
	for (size_t i = 0; i < n->nacc; i++) {
		struct notify_acct *na = &n->acc[i];
		const struct acct *a = &s->acc[i];
		struct buf list = BUF_INIT;
		/* an account that said nothing in this wake-up has the
		 * totals of its last snapshot: copying every folder name
		 * again on each wake-up is waste */
		if (!na->changed)
			continue;
		na->changed = false;
		uint64_t grew = na->batch ? growth(na, a, &list) : 0;
		unsigned count = (unsigned)(grew < na->batch ? grew : na->batch);
		if (count > 100000)
			count = 100000;
		na->batch = 0;
		snapshot(na, a);
		if (!count) {
			buf_release(&list);
			continue;
		}
		na->unseen += count;
		const struct cfg_account *ca = a->ua->cfg;
		const char *cmd = ca->new_mail_command
					  ? ca->new_mail_command
					  : s->p->cfg->ui.new_mail_command;
		scr_say(s, false, "%s: %u new message%s in %s", ca->name, count,
			count == 1 ? "" : "s", list.data);
		if (cmd)
			run_command(s, i, cmd, list.data, count);
		bell = true;
		buf_release(&list);
	}
	if (bell && s->p->cfg->ui.bell_on_new)
		beep();
}

void
scr_notify_tick(struct screen *s)
{
	if (s->notify && s->notify->nrun)
		reap(s->notify, false);
}

void
scr_notify_seen(struct screen *s)
{
	struct scr_notify *n = s->notify;

	if (n && s->cur_acc < n->nacc && s->cur_fid && s->view == VIEW_INDEX &&
	    s->focus == FOCUS_INDEX)
		n->acc[s->cur_acc].unseen = 0;
}

/* ---------------------------------------------------------------------
 * Drawing
 */
void
scr_notify_heading(const struct screen *s, size_t ai, struct buf *line)
{
	const struct scr_notify *n = s->notify;

	if (n && ai < n->nacc && n->acc[ai].unseen)
		buf_addf(line, " (%u new)", n->acc[ai].unseen);
}

void
scr_notify_paint_heading(const struct screen *s, size_t ai, int y, int x,
			 int w)
{
	const struct scr_notify *n = s->notify;
	struct buf m = BUF_INIT;

	if (!n || ai >= n->nacc || !n->acc[ai].unseen)
		return;
	scr_notify_heading(s, ai, &m);
	int cells = (int)ui_width(m.data, m.len);
	if (cells > w)
		cells = w;
	attr_t a = theme_attr(THEME_FOLDER_NEW);
	if (cells > 0)
		mvchgat(y, x, cells, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
	buf_release(&m);
}

void
scr_notify_status(const struct screen *s, struct buf *bar)
{
	const struct scr_notify *n = s->notify;
	bool first = true;

	if (!n)
		return;
	for (size_t i = 0; i < n->nacc; i++) {
		if (!n->acc[i].unseen || i == s->cur_acc)
			continue;
		const char *name = s->acc[i].ua->cfg->name;
		buf_addstr(bar, first ? " | new mail: " : ", ");
		ui_sanitize(bar, name, strlen(name), UI_TAB_SPACE);
		buf_addf(bar, " %u", n->acc[i].unseen);
		first = false;
	}
	if (n->nalert)
		buf_addf(bar, " | %zu%s server alert%s", n->nalert,
			 n->alert_dropped ? "+" : "",
			 n->nalert + n->alert_dropped == 1 ? "" : "s");
}

void
scr_notify_title_text(const struct screen *s, struct buf *out)
{
	const struct acct *a = &s->acc[s->cur_acc];
	const struct store_folder *f = scr_cur_folder(s);
	struct buf raw = BUF_INIT;

	buf_addf(&raw, "postie: %s", a->ua->cfg->name);
	if (f) {
		buf_addf(&raw, "/%s", f->name);
		if (f->unread)
			buf_addf(&raw, " (%u)", f->unread);
	}
	if (raw.len > TITLE_MAX) {
		size_t cut = TITLE_MAX;
		while (cut > 0 && ((unsigned char)raw.data[cut] & 0xc0) == 0x80)
			cut--;
		buf_truncate(&raw, cut);
	}
	ui_sanitize(out, raw.data, raw.len, UI_TAB_SPACE);
	buf_release(&raw);
}

void
scr_notify_title(struct screen *s)
{
	struct scr_notify *n = s->notify;
	struct buf t = BUF_INIT;

	if (!n || n->title == TITLE_NONE)
		return;
	scr_notify_title_text(s, &t);
	if (n->title_last && strcmp(n->title_last, t.data) == 0) {
		buf_release(&t);
		return;
	}
	if (n->title == TITLE_OSC) {
		fprintf(stdout, "\033]2;%s\007", t.data);
	} else {
		putp(tiparm(tigetstr("tsl"), 0));
		fputs(t.data, stdout);
		putp(tigetstr("fsl"));
	}
	fflush(stdout);
	free(n->title_last);
	n->title_last = buf_detach(&t, NULL);
}
