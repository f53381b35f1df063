/* SPDX-License-Identifier: ISC */
/*
 * The viewer's parts and links: the attachments pane (v), which lists
 * every MIME part of the open message as a tree and views (Enter), saves
 * (s), opens through mailcap (o) or pipes (|) the one under the cursor;
 * the link keys (Ctrl-B, or a number then Enter) that give a URL of the text
 * to url-command; the header toggle (h); and the split view (S), where
 * index rows stay above the message.
 *
 * Programs run here in three ways, none of them through a shell of ours:
 * a pipe command and url-command are split into argv by argv_split and
 * started by base's proc_spawn and proc_run, which give every child
 * default signal dispositions; a mailcap entry is a shell command by its
 * nature (RFC 1524), so it goes through ui_mailcap_expand, which quotes
 * every value from the mail so that /bin/sh reads it as one literal word
 * (hostile-45). The part a program reads is written first to a file of
 * mode 0600 in a fresh directory of mode 0700 (mkdtemp), both removed as
 * soon as the program has ended.
 *
 * The screen waits for a pipe command or a mailcap viewer to end, as
 * mutt does; a pipe command is stopped after PIPE_TIMEOUT_MS so that a
 * command that never ends cannot hold the screen. url-command is started
 * and left running (a browser outlives the keypress); the loop's timer
 * collects it when it ends.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/mime.h"
#include "postie/store.h"
#include "postie/ui.h"

#include "private.h"
#include "screen.h"
#include "view.h"

#define PIPE_TIMEOUT_MS 60000     /* a pipe command or copiousoutput */
#define TEST_TIMEOUT_MS 5000      /* a mailcap test= command */
#define OUTPUT_MAX (8u << 20)     /* bytes of output shown */
#define MAILCAP_FILE_MAX (1u << 20)
#define KIDS_MAX 16               /* url-command processes not yet ended */
#define PARAMS_MAX 16             /* %{name} values in one mailcap command */

enum shows { SHOW_MESSAGE, SHOW_PART, SHOW_OUTPUT };

struct part_row {
	const struct mime_part *p;
	int depth;
};

struct view_state {
	/* the message whose parts are listed (parsed once for the pane) */
	struct buf raw;
	struct mime_message m;
	bool parsed;
	uint32_t uid;
	struct part_row *rows;
	size_t nrows, caprows, cur, top;
	size_t msg_top;            /* the viewer's place in the message */

	enum shows shows;
	const struct mime_part *part; /* shown, or the one a prompt acts on */
	struct buf output;         /* a command's output in the viewer */
	char *title;

	bool want_parts;           /* v waits for the body */
	bool all_headers;
	bool split;
	int index_rows;
	char num[8];               /* link number typed in the viewer */
	size_t nnum;
	char *save_path;           /* waiting for the y/n answer */
	struct buf label;
	pid_t kids[KIDS_MAX];
	size_t nkids;
};

/* ---------------------------------------------------------------------
 * Life
 */
void
view_init(struct screen *s)
{
	const struct cfg_ui *ui = &s->p->cfg->ui;
	struct view_state *v = xcalloc(1, sizeof(*v));

	buf_init(&v->raw);
	buf_init(&v->output);
	buf_init(&v->label);
	v->split = ui->viewer_split;
	v->index_rows = ui->viewer_index_rows ? (int)ui->viewer_index_rows
					      : 10;
	s->vs = v;
}

static void
drop_parts(struct view_state *v)
{
	if (v->parsed)
		mime_message_release(&v->m);
	v->parsed = false;
	buf_reset(&v->raw);
	free(v->rows);
	v->rows = NULL;
	v->nrows = v->caprows = v->cur = v->top = 0;
	v->part = NULL;
}

void
view_release(struct screen *s)
{
	struct view_state *v = s->vs;

	if (!v)
		return;
	drop_parts(v);
	buf_release(&v->raw);
	buf_release(&v->output);
	buf_release(&v->label);
	free(v->title);
	free(v->save_path);
	free(v);
	s->vs = NULL;
}

unsigned
view_render_flags(const struct screen *s)
{
	return s->vs && s->vs->all_headers ? UI_PAGER_ALL_HEADERS : 0;
}

/* ---------------------------------------------------------------------
 * Running programs
 */

static int
wait_child(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* What a wait status says, for a title or a message. */
static void
describe_status(struct buf *out, int status)
{
	if (WIFEXITED(status))
		buf_addf(out, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		buf_addf(out, "killed by signal %d", WTERMSIG(status));
	else
		buf_addstr(out, "ended");
}

/* Run argv with stdin from in_path (NULL: /dev/null) and stdout and
 * stderr read into out together (at most max bytes), stopped after
 * timeout_ms: base's proc_run. Returns the wait status, or -1 with *e
 * set when it could not run, took too long or wrote too much. */
static int
run_capture(char *const argv[], const char *in_path, int timeout_ms,
	    size_t max, struct buf *out, struct perr *e)
{
	struct proc_io io = { .in_path = in_path, .merge_err = true };

	return proc_run(argv, &io, timeout_ms, max, out, NULL, e);
}

/* Run argv on the terminal, curses put aside, stdin from in_path when
 * given; wait for it. Returns the wait status or -1 with *e. */
static int
run_on_terminal(char *const argv[], const char *in_path, struct perr *e)
{
	pid_t pid;

	def_prog_mode();
	endwin();
	int rc = proc_spawn(argv, in_path, 0, &pid, e);
	int status = rc < 0 ? -1 : wait_child(pid);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return status;
}

void
view_reap(struct screen *s)
{
	struct view_state *v = s->vs;

	for (size_t i = 0; v && i < v->nkids;) {
		int st;
		pid_t r = waitpid(v->kids[i], &st, WNOHANG);
		if (r == v->kids[i] || (r < 0 && errno == ECHILD)) {
			v->kids[i] = v->kids[--v->nkids];
			continue;
		}
		i++;
	}
}

/* A private directory for a part: mode 0700, made by mkdtemp. */
static char *
private_dir(struct perr *e)
{
	const char *t = getenv("TMPDIR");
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s/postie-XXXXXX", t && *t == '/' ? t : "/tmp");
	if (!mkdtemp(b.data)) {
		perr_set(e, PERR_LOCAL, "cannot make a private directory in "
			 "'%s': %s", t && *t == '/' ? t : "/tmp",
			 strerror(errno));
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* The decoded bytes of part p. */
static void
part_data(const struct mime_part *p, struct buf *out)
{
	mime_transfer_decode(out, p->cte, p->body.p, p->body.len);
}

/* ---------------------------------------------------------------------
 * The parts pane
 */
static void
add_row(struct view_state *v, const struct mime_part *p, int depth)
{
	if (v->nrows >= MIME_MAX_PARTS)
		return;
	if (v->nrows == v->caprows) {
		v->caprows = v->caprows ? v->caprows * 2 : 16;
		v->rows = xrealloc(v->rows, v->caprows * sizeof(*v->rows));
	}
	v->rows[v->nrows].p = p;
	v->rows[v->nrows].depth = depth;
	v->nrows++;
}

/* The tree in order: each part, then its children, then the files
 * uuencoded inside it. Depth is bounded by MIME_MAX_DEPTH. */
static void
walk(struct view_state *v, const struct mime_part *p, int depth)
{
	for (; p; p = p->next) {
		add_row(v, p, depth);
		if (p->child)
			walk(v, p->child, depth + 1);
		for (const struct mime_part *u = p->embedded; u; u = u->next)
			add_row(v, u, depth + 1);
	}
}

/* Load the open message for the pane; false while its body is on the
 * way (the worker was asked) or on an error (said). */
static bool
load_parts(struct screen *s)
{
	struct view_state *v = s->vs;
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;

	drop_parts(v);
	if (!a->st)
		return false;
	int got = store_body_get(a->st, s->cur_fid, s->pg_uid, &v->raw, &e);
	if (got < 0) {
		scr_say(s, true, "cannot read the message: %s", e.msg);
		return false;
	}
	if (got == 0) {
		if (scr_fetch_body(s, s->pg_uid)) {
			v->want_parts = true;
			scr_say(s, false, "loading the message... (any key "
				      "cancels)");
		}
		return false;
	}
	mime_message_parse(&v->m, v->raw.data, v->raw.len, a->assumed);
	v->parsed = true;
	v->uid = s->pg_uid;
	walk(v, v->m.root, 0);
	/* the cursor on the first part that is not the text shown */
	const struct mime_part *body = mime_choose_body(&v->m, false);
	for (size_t i = 0; i < v->nrows; i++)
		if (v->rows[i].p->number && v->rows[i].p != body) {
			v->cur = i;
			break;
		}
	return true;
}

static void
open_parts(struct screen *s)
{
	struct view_state *v = s->vs;

	v->msg_top = s->pg_top;
	if (!load_parts(s))
		return;
	v->shows = SHOW_MESSAGE;
	s->view = VIEW_PARTS;
}

/* Back from the pane to the message in the viewer. */
static void
back_to_message(struct screen *s)
{
	struct view_state *v = s->vs;
	size_t top = v->msg_top;

	v->shows = SHOW_MESSAGE;
	s->view = VIEW_PAGER;
	scr_reopen_message(s);
	s->pg_top = top;
}

void
view_message_opened(struct screen *s)
{
	struct view_state *v = s->vs;

	if (!v)
		return;
	v->shows = SHOW_MESSAGE;
	v->nnum = 0;
	drop_parts(v);
}

void
view_fetch_failed(struct screen *s)
{
	if (s->vs && s->vs->want_parts) {
		s->vs->want_parts = false;
		scr_say(s, true, "the message could not be loaded; v tries "
			      "again");
	}
}

void
view_after_reopen(struct screen *s)
{
	struct view_state *v = s->vs;

	if (v->want_parts && s->view == VIEW_PAGER) {
		v->want_parts = false;
		open_parts(s);
	}
}

void
view_draw_parts(struct screen *s, int y0, int h)
{
	struct view_state *v = s->vs;
	struct buf line = BUF_INIT, fit = BUF_INIT;

	if (h < 2)
		return;
	buf_addf(&line, " %zu part%s%s: Enter view, s save, o open, | pipe, "
			"q back", v->nrows, v->nrows == 1 ? "" : "s",
		 v->m.limited ? ", more not read" : "");
	ui_fit(&fit, line.data, line.len, s->cols, UI_LEFT);
	attron(A_BOLD);
	scr_put_cells(y0, 0, fit.data, fit.len);
	attroff(A_BOLD);
	h--;
	y0++;
	if (v->cur < v->top)
		v->top = v->cur;
	if (v->cur >= v->top + (size_t)h)
		v->top = v->cur - (size_t)h + 1;
	for (int y = 0; y < h && v->top + (size_t)y < v->nrows; y++) {
		const struct part_row *r = &v->rows[v->top + (size_t)y];
		const struct mime_part *p = r->p;
		buf_reset(&line);
		if (p->number)
			buf_addf(&line, "%4zu ", p->number);
		else
			buf_addstr(&line, "     ");
		for (int d = 0; d < r->depth && d < 12; d++)
			buf_addstr(&line, "  ");
		/* type, charset and name come from the mail */
		ui_sanitize(&line, p->type, strlen(p->type), UI_TAB_SPACE);
		if (p->charset) {
			buf_addstr(&line, "; ");
			ui_sanitize(&line, p->charset, strlen(p->charset),
				    UI_TAB_SPACE);
		}
		if (p->number) {
			buf_addstr(&line, "  ");
			ui_format_size(&line, mime_part_size(p));
		}
		if (p->filename) {
			buf_addstr(&line, "  ");
			ui_sanitize(&line, p->filename, strlen(p->filename),
				    UI_TAB_SPACE);
		}
		if (p->disposition && strcmp(p->disposition, "attachment") == 0)
			buf_addstr(&line, "  [attachment]");
		buf_reset(&fit);
		ui_fit(&fit, line.data, line.len, s->cols, UI_LEFT);
		int attr = v->top + (size_t)y == v->cur ? A_REVERSE : 0;
		attron(attr);
		scr_put_cells(y0 + y, 0, fit.data, fit.len);
		attroff(attr);
	}
	buf_release(&line);
	buf_release(&fit);
}

static const struct mime_part *
cur_part(struct screen *s)
{
	struct view_state *v = s->vs;

	return v->cur < v->nrows ? v->rows[v->cur].p : NULL;
}

/* A leaf to act on, or NULL with a word said. */
static const struct mime_part *
leaf_part(struct screen *s)
{
	const struct mime_part *p = cur_part(s);

	if (p && p->number == 0 &&
	    ascii_strcasecmp(p->type, "message/rfc822") != 0) {
		scr_say(s, false, "%s holds the parts below it",
			mime_is_multipart(p) ? "this container" : "this part");
		return NULL;
	}
	return p;
}

static bool
is_text(const struct mime_part *p)
{
	return ascii_strncasecmp(p->type, "text/", 5) == 0 ||
	       ascii_strcasecmp(p->type, "message/rfc822") == 0;
}

static void
show_part(struct screen *s, const struct mime_part *p)
{
	struct view_state *v = s->vs;
	struct acct *a = &s->acc[s->cur_acc];

	ui_pager_render_part(&s->pg, &v->m, p, a->assumed, s->cols,
			     view_render_flags(s));
	v->shows = SHOW_PART;
	v->part = p;
	s->pg_top = 0;
	s->view = VIEW_PAGER;
}

/* Show a command's output in the viewer (q returns to the pane). */
static void
show_output(struct screen *s, const char *title)
{
	struct view_state *v = s->vs;

	free(v->title);
	v->title = xstrdup(title);
	ui_pager_render_text(&s->pg, v->title, v->output.data, v->output.len,
			     s->cols);
	v->shows = SHOW_OUTPUT;
	s->pg_top = 0;
	s->view = VIEW_PAGER;
}

bool
view_rerender(struct screen *s)
{
	struct view_state *v = s->vs;
	struct acct *a = &s->acc[s->cur_acc];

	if (!v || s->view != VIEW_PAGER)
		return false;
	size_t top = s->pg_top;
	if (v->shows == SHOW_PART && v->parsed && v->part)
		ui_pager_render_part(&s->pg, &v->m, v->part, a->assumed,
				     s->cols, view_render_flags(s));
	else if (v->shows == SHOW_OUTPUT)
		ui_pager_render_text(&s->pg, v->title, v->output.data,
				     v->output.len, s->cols);
	else
		return false;
	s->pg_top = top;
	return true;
}

/* ---------------------------------------------------------------------
 * Opening through mailcap
 */
static void
load_mailcap(struct ui_mailcap *mc)
{
	const char *list = getenv("MAILCAPS");
	const char *home = getenv("HOME");
	struct buf paths = BUF_INIT;

	if (list && *list) {
		buf_addstr(&paths, list);
	} else {
		if (home && *home)
			buf_addf(&paths, "%s/.mailcap:", home);
		buf_addstr(&paths, "/etc/mailcap");
	}
	char *save = NULL;
	for (char *f = strtok_r(paths.data, ":", &save); f;
	     f = strtok_r(NULL, ":", &save)) {
		struct buf text = BUF_INIT;
		struct perr e = PERR_INIT;
		if (access(f, F_OK) != 0)
			continue;
		if (file_read_all(f, &text, MAILCAP_FILE_MAX, &e) < 0)
			log_warn("mailcap: %s", e.msg);
		else if (ui_mailcap_parse(mc, text.data, text.len, f, &e) < 0)
			log_warn("mailcap: %s", e.msg);
		buf_release(&text);
	}
	for (size_t i = 0; i < mc->nerrors; i++)
		log_info("mailcap: %s", mc->errors[i]);
	buf_release(&paths);
}

/* The %{name} values a command asks for, from the part's Content-Type.
 * Values are heap strings in vals[]; returns how many. */
static size_t
collect_params(const char *cmd, const struct mime_part *p,
	       struct ui_mailcap_param *out, char **names, char **vals)
{
	const struct mime_field *f = mime_headers_get(&p->headers,
						      "Content-Type");
	size_t n = 0;

	for (const char *q = strstr(cmd, "%{"); q && n < PARAMS_MAX;
	     q = strstr(q + 2, "%{")) {
		const char *end = strchr(q + 2, '}');
		if (!end || end - q > 66)
			continue;
		names[n] = xstrndup(q + 2, (size_t)(end - q - 2));
		vals[n] = f ? mime_param_raw(f->value.p, f->value.len, names[n],
					     NULL)
			    : NULL;
		if (!vals[n])
			vals[n] = xstrdup("");
		out[n].name = names[n];
		out[n].value = vals[n];
		n++;
	}
	return n;
}

/* Expand cmd of ent for the file path; NULL with *e. */
static char **
expand(const char *cmd, const struct mime_part *p, const char *path,
       bool *uses_file, struct perr *e)
{
	struct ui_mailcap_param params[PARAMS_MAX];
	char *names[PARAMS_MAX], *vals[PARAMS_MAX];
	struct ui_mailcap_report rep = { 0 };
	size_t n = collect_params(cmd, p, params, names, vals);

	char **argv = ui_mailcap_expand(cmd, path, p->type, params, n, &rep,
					e);
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(vals[i]);
	}
	if (argv && rep.dropped)
		log_info("mailcap: %zu parameter value%s with control "
			 "characters left out", rep.dropped,
			 rep.dropped == 1 ? "" : "s");
	*uses_file = rep.uses_file;
	return argv;
}

/* Write the part to dir/name (0600); the path, or NULL with *e. */
static char *
write_private(const char *dir, const char *name, const struct buf *data,
	      struct perr *e)
{
	struct buf path = BUF_INIT;

	buf_addf(&path, "%s/%s", dir, name);
	if (file_create_synced(path.data, data->data, data->len, 0600, e) <
	    0) {
		buf_release(&path);
		return NULL;
	}
	return buf_detach(&path, NULL);
}

static void
open_part(struct screen *s, const struct mime_part *p)
{
	struct view_state *v = s->vs;
	struct ui_mailcap mc;
	struct perr e = PERR_INIT;
	struct buf data = BUF_INIT, title = BUF_INIT;
	char *dir = NULL, *path = NULL;
	const struct ui_mailcap_entry *ent = NULL;

	ui_mailcap_init(&mc);
	load_mailcap(&mc);
	part_data(p, &data);
	if (!(dir = private_dir(&e))) {
		scr_say(s, true, "%s", e.msg);
		goto out;
	}
	/* RFC 1524: the first entry whose test= passes */
	while ((ent = ui_mailcap_lookup(&mc, p->type, ent))) {
		char *suffix = ui_mailcap_suffix(ent);
		struct buf name = BUF_INIT;
		if (suffix)
			buf_addf(&name, "part%s", suffix);
		else
			buf_addf(&name, "part-%zu", p->number);
		free(suffix);
		buf_reset(&title);
		buf_addf(&title, "%s/%s", dir, name.data);
		if (!path || strcmp(path, title.data) != 0) {
			if (path) {
				unlink(path);
				free(path);
			}
			path = write_private(dir, name.data, &data, &e);
		}
		buf_release(&name);
		if (!path) {
			scr_say(s, true, "%s", e.msg);
			goto out;
		}
		if (!ent->test)
			break;
		bool uf;
		char **targv = expand(ent->test, p, path, &uf, &e);
		if (!targv) {
			log_info("mailcap: %s:%u: test: %s", ent->file,
				 ent->line, e.msg);
			continue;
		}
		struct buf junk = BUF_INIT;
		struct perr te = PERR_INIT;
		int st = run_capture(targv, NULL, TEST_TIMEOUT_MS, 65536,
				     &junk, &te);
		argv_free(targv);
		buf_release(&junk);
		if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			break;
	}
	if (!ent) {
		scr_say(s, true, "no mailcap entry for %s (s saves the part)",
			p->type);
		goto out;
	}
	bool uses_file;
	char **argv = expand(ent->view, p, path, &uses_file, &e);
	if (!argv) {
		scr_say(s, true, "%s:%u: %s", ent->file, ent->line, e.msg);
		goto out;
	}
	if (ent->copiousoutput) {
		buf_reset(&v->output);
		int st = run_capture(argv, uses_file ? NULL : path,
				     PIPE_TIMEOUT_MS, OUTPUT_MAX, &v->output,
				     &e);
		if (st < 0) {
			scr_say(s, true, "%s", e.msg);
		} else {
			buf_reset(&title);
			buf_addf(&title, "[-- part %zu (%s) through mailcap, ",
				 p->number, p->type);
			describe_status(&title, st);
			buf_addstr(&title, " --]");
			show_output(s, title.data);
		}
	} else {
		int st = run_on_terminal(argv, uses_file ? NULL : path, &e);
		if (st < 0) {
			scr_say(s, true, "%s", e.msg);
		} else {
			buf_reset(&title);
			describe_status(&title, st);
			scr_say(s, !(WIFEXITED(st) && WEXITSTATUS(st) == 0),
				"the viewer of %s ended (%s)", p->type,
				title.data);
		}
	}
	argv_free(argv);
out:
	if (path) {
		unlink(path);
		free(path);
	}
	if (dir) {
		rmdir(dir);
		free(dir);
	}
	buf_release(&data);
	buf_release(&title);
	ui_mailcap_release(&mc);
}

/* ---------------------------------------------------------------------
 * Piping and saving
 */
static void
pipe_part(struct screen *s, const struct mime_part *p, const char *cmd)
{
	struct view_state *v = s->vs;
	struct perr e = PERR_INIT;
	struct buf data = BUF_INIT, title = BUF_INIT;
	char **argv = argv_split(cmd, &e);
	char *dir = NULL, *path = NULL;

	if (!argv) {
		scr_say(s, true, "cannot run '%s': %s", cmd, e.msg);
		return;
	}
	part_data(p, &data);
	if (!(dir = private_dir(&e)) ||
	    !(path = write_private(dir, "part", &data, &e))) {
		scr_say(s, true, "%s", e.msg);
		goto out;
	}
	buf_reset(&v->output);
	int st = run_capture(argv, path, PIPE_TIMEOUT_MS, OUTPUT_MAX,
			     &v->output, &e);
	if (st < 0) {
		scr_say(s, true, "%s", e.msg);
		goto out;
	}
	buf_addf(&title, "[-- part %zu piped to '%s', ", p->number, cmd);
	describe_status(&title, st);
	buf_addstr(&title, " --]");
	show_output(s, title.data);
out:
	if (path) {
		unlink(path);
		free(path);
	}
	if (dir) {
		rmdir(dir);
		free(dir);
	}
	argv_free(argv);
	buf_release(&data);
	buf_release(&title);
}

/* The directory the save prompt starts in, as the user writes it. */
static void
save_dir(const struct screen *s, struct buf *out)
{
	const char *d = s->p->cfg->ui.save_dir;
	const char *home = getenv("HOME");

	if (d && *d) {
		buf_addstr(out, d);
	} else if (home && *home) {
		struct buf dl = BUF_INIT;
		struct stat st;
		buf_addf(&dl, "%s/Downloads", home);
		buf_addstr(out, stat(dl.data, &st) == 0 && S_ISDIR(st.st_mode)
					? "~/Downloads"
					: "~");
		buf_release(&dl);
	} else {
		buf_addstr(out, ".");
	}
	if (out->len && out->data[out->len - 1] != '/')
		buf_addch(out, '/');
}

static void
start_save(struct screen *s, const struct mime_part *p)
{
	s->vs->part = p;
	scr_prompt_start(s, PROMPT_PART_SAVE);
	save_dir(s, &s->input);
	char *name = ui_part_filename(p->filename, p->number, p->type);
	buf_addstr(&s->input, name);
	free(name);
}

static void
do_save(struct screen *s, const char *path, bool replace)
{
	struct view_state *v = s->vs;
	struct perr e = PERR_INIT;
	struct buf data = BUF_INIT;

	part_data(v->part, &data);
	if (ui_save_file(path, data.data, data.len, replace, &e) < 0) {
		if (!replace && errno == EEXIST) {
			free(v->save_path);
			v->save_path = xstrdup(path);
			scr_prompt_start(s, PROMPT_PART_OVERWRITE);
		} else {
			scr_say(s, true, "not saved: %s", e.msg);
		}
	} else {
		scr_say(s, false, "saved %zu bytes to %s", data.len, path);
	}
	buf_release(&data);
}

static void
submit_save(struct screen *s, const char *typed)
{
	struct view_state *v = s->vs;
	struct stat st;

	if (!*typed) {
		scr_say(s, false, "not saved");
		return;
	}
	char *path = file_expand_home(typed);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* a directory: the suggested name in it */
		char *name = ui_part_filename(v->part->filename,
					      v->part->number, v->part->type);
		struct buf b = BUF_INIT;
		buf_addstr(&b, path);
		if (b.data[b.len - 1] != '/')
			buf_addch(&b, '/');
		buf_addstr(&b, name);
		free(name);
		free(path);
		path = buf_detach(&b, NULL);
	}
	if (lstat(path, &st) == 0) {
		free(v->save_path);
		v->save_path = path;
		scr_prompt_start(s, PROMPT_PART_OVERWRITE);
		return;
	}
	do_save(s, path, false);
	free(path);
}

/* ---------------------------------------------------------------------
 * Links
 */
static void
open_link(struct screen *s, size_t n)
{
	struct view_state *v = s->vs;
	struct perr e = PERR_INIT;

	if (n == 0 || n > s->pg.nurls) {
		scr_say(s, true, "no link %zu (the text has %zu)", n,
			s->pg.nurls);
		return;
	}
	const char *url = s->pg.urls[n - 1];
	if (ui_url_check(url, strlen(url), &e) < 0) {
		scr_say(s, true, "link %zu not opened: %s", n, e.msg);
		return;
	}
	if (ascii_strncasecmp(url, "mailto:", 7) == 0) {
		scr_say(s, true, "link %zu is a mailto: link; this build "
			      "has no composer to open it, so nothing was run",
			n);
		return;
	}
	view_reap(s);
	if (v->nkids == KIDS_MAX) {
		scr_say(s, true, "%d url-command programs are still running; "
			      "not opened", KIDS_MAX);
		return;
	}
	const char *cmd = s->p->cfg->ui.url_command;
	char **argv = argv_split(cmd && *cmd ? cmd : "xdg-open", &e);
	if (!argv) {
		scr_say(s, true, "url-command: %s", e.msg);
		return;
	}
	size_t argc = 0;
	while (argv[argc])
		argc++;
	argv = xrealloc(argv, (argc + 2) * sizeof(*argv));
	argv[argc] = xstrdup(url);
	argv[argc + 1] = NULL;
	if (argv[0][0] == '~') {
		char *x = file_expand_home(argv[0]);
		free(argv[0]);
		argv[0] = x;
	}

	pid_t pid;
	if (proc_spawn(argv, NULL, PROC_NULL_STDIO | PROC_OWN_GROUP, &pid,
		       &e) < 0) {
		scr_say(s, true, "%s", e.msg);
	} else {
		v->kids[v->nkids++] = pid;
		scr_say(s, false, "opening link %zu: %s", n, url);
	}
	argv_free(argv);
}

/* ---------------------------------------------------------------------
 * Keys
 */
int
view_split_rows(const struct screen *s)
{
	const struct view_state *v = s->vs;
	int body = s->rows - 2;

	if (!v || !v->split || s->view != VIEW_PAGER ||
	    v->shows != SHOW_MESSAGE)
		return 0;
	int r = v->index_rows;
	if (body - r - 1 < 3)
		r = body - 4;
	return r > 0 ? r : 0;
}

int
view_pager_rows(const struct screen *s)
{
	int body = s->rows - 2;
	int r = view_split_rows(s);

	if (r)
		body -= r + 1;
	return body - 1 > 1 ? body - 1 : 1;
}

bool
view_pager_key(struct screen *s, int type, wint_t ch)
{
	struct view_state *v = s->vs;
	bool enter = (type == OK && (ch == '\n' || ch == '\r')) ||
		     (type == KEY_CODE_YES && ch == KEY_ENTER);

	if (s->view != VIEW_PAGER)
		return false;
	if (v->want_parts) {
		struct perr e = PERR_INIT;
		v->want_parts = false;
		if (s->fetch_id &&
		    acct_cancel(s->acc[s->cur_acc].w, s->fetch_id, &e) < 0)
			log_info("cancel: %s", e.msg);
		scr_say(s, false, "loading cancelled");
		return true;
	}
	if (type == OK && ch >= '0' && ch <= '9') {
		if (v->nnum < 4)
			v->num[v->nnum++] = (char)ch;
		v->num[v->nnum] = '\0';
		scr_say(s, false, "link %s (Enter opens it)", v->num);
		return true;
	}
	if (v->nnum && enter) {
		size_t n = (size_t)strtoul(v->num, NULL, 10);
		v->nnum = 0;
		open_link(s, n);
		return true;
	}
	v->nnum = 0;
	if (type != OK)
		return false;
	switch (ch) {
	case 'v':
		if (v->shows == SHOW_MESSAGE)
			open_parts(s);
		else
			s->view = VIEW_PARTS;
		return true;
	case 'h':
		v->all_headers = !v->all_headers;
		scr_reopen_message(s);
		scr_say(s, false, v->all_headers ? "all headers"
						 : "common headers");
		return true;
	case 2: /* Ctrl-B, as mutt users bind urlview; u is undelete */
		if (s->pg.nurls == 0) {
			scr_say(s, false, "no links in this text");
		} else if (s->pg.nurls == 1) {
			open_link(s, 1);
		} else {
			scr_prompt_start(s, PROMPT_LINK);
		}
		return true;
	case 'S':
		v->split = !v->split;
		scr_say(s, false, v->split ? "split view" : "full view");
		return true;
	case 'q':
	case 'i':
		if (v->shows == SHOW_MESSAGE || !v->parsed)
			return false;
		s->view = VIEW_PARTS;
		return true;
	case 'J':
	case 'K':
		if (v->shows == SHOW_MESSAGE)
			return false;
		scr_say(s, false, "q returns to the parts first");
		return true;
	default:
		return false;
	}
}

void
view_parts_key(struct screen *s, int type, wint_t ch)
{
	struct view_state *v = s->vs;
	const struct mime_part *p;

	if (type == KEY_CODE_YES) {
		if (ch == KEY_DOWN)
			ch = 'j';
		else if (ch == KEY_UP)
			ch = 'k';
		else if (ch == KEY_HOME)
			ch = 'g';
		else if (ch == KEY_END)
			ch = 'G';
		else if (ch == KEY_ENTER)
			ch = '\n';
		else
			return;
	}
	switch (ch) {
	case 'j':
		if (v->cur + 1 < v->nrows)
			v->cur++;
		break;
	case 'k':
		if (v->cur > 0)
			v->cur--;
		break;
	case 'g': v->cur = 0; break;
	case 'G': v->cur = v->nrows ? v->nrows - 1 : 0; break;
	case '\n':
	case '\r':
		if (!(p = leaf_part(s)))
			break;
		if (is_text(p))
			show_part(s, p);
		else
			open_part(s, p);
		break;
	case 's':
		if ((p = leaf_part(s)))
			start_save(s, p);
		break;
	case 'o':
		if ((p = leaf_part(s)))
			open_part(s, p);
		break;
	case '|':
		if ((p = leaf_part(s))) {
			v->part = p;
			scr_prompt_start(s, PROMPT_PART_PIPE);
		}
		break;
	case 'q':
	case 'v':
	case 'i':
		back_to_message(s);
		break;
	case '?':
		scr_show_help(s);
		break;
	case 12: clearok(curscr, TRUE); break;
	default:
		scr_say(s, false, "parts: j/k move, Enter views, s saves, o "
			      "opens, | pipes, q returns");
		break;
	}
}

/* ---------------------------------------------------------------------
 * Prompts
 */
const char *
view_prompt_label(const struct screen *s)
{
	struct view_state *v = s->vs;

	buf_reset(&v->label);
	switch (s->prompt) {
	case PROMPT_PART_SAVE:
		buf_addstr(&v->label, "Save to: ");
		break;
	case PROMPT_PART_OVERWRITE:
		buf_addstr(&v->label, "'");
		ui_sanitize(&v->label, v->save_path, strlen(v->save_path),
			    UI_TAB_SPACE);
		buf_addstr(&v->label, "' exists; replace it? (y/n) ");
		break;
	case PROMPT_PART_PIPE:
		buf_addstr(&v->label, "Pipe the part to: ");
		break;
	case PROMPT_LINK:
		buf_addf(&v->label, "Open link (1-%zu): ", s->pg.nurls);
		break;
	default:
		break;
	}
	return v->label.data;
}

void
view_prompt_key(struct screen *s, int type, wint_t ch)
{
	struct view_state *v = s->vs;
	enum prompt_kind k = s->prompt;

	if (k == PROMPT_PART_OVERWRITE) {
		s->prompt = PROMPT_NONE;
		if (type == OK && (ch == 'y' || ch == 'Y'))
			do_save(s, v->save_path, true);
		else
			scr_say(s, false, "not saved");
		free(v->save_path);
		v->save_path = NULL;
		return;
	}
	if (type == OK && (ch == 27 || ch == 7)) {
		s->prompt = PROMPT_NONE;
		scr_say(s, false, "cancelled");
		return;
	}
	if ((type == OK && (ch == '\n' || ch == '\r')) ||
	    (type == KEY_CODE_YES && ch == KEY_ENTER)) {
		char *typed = buf_strdup(&s->input);
		s->prompt = PROMPT_NONE;
		if (k == PROMPT_PART_SAVE && v->part)
			submit_save(s, typed);
		else if (k == PROMPT_PART_PIPE && v->part && *typed)
			pipe_part(s, v->part, typed);
		else if (k == PROMPT_LINK && *typed)
			open_link(s, (size_t)strtoul(typed, NULL, 10));
		free(typed);
		return;
	}
	if (type == OK && ch == '\t' && k == PROMPT_PART_SAVE) {
		struct buf list = BUF_INIT;
		size_t n = ui_path_complete(&s->input, &list);
		if (n == 0)
			scr_say(s, false, "no match");
		else if (n > 1)
			scr_say(s, false, "%s", list.data);
		buf_release(&list);
		return;
	}
	if ((type == KEY_CODE_YES && ch == KEY_BACKSPACE) ||
	    (type == OK && (ch == 127 || ch == 8))) {
		size_t n = s->input.len;
		while (n > 0 &&
		       ((unsigned char)s->input.data[n - 1] & 0xc0) == 0x80)
			n--;
		buf_truncate(&s->input, n ? n - 1 : 0);
		return;
	}
	if (type == OK && ch == 21) { /* Ctrl-U */
		buf_reset(&s->input);
		return;
	}
	if (k == PROMPT_LINK && type == OK && !(ch >= '0' && ch <= '9'))
		return;
	if (type == OK && ch >= 0x20 && ch != 0x7f && s->input.len < 4096)
		utf8_encode(&s->input, (uint32_t)ch);
}
