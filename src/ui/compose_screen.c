/* SPDX-License-Identifier: ISC */
/*
 * The composer's pane: a message being written in the screen, its keys
 * (mutt's compose menu: y send, e edit the body, t/c/b/s edit To, Cc,
 * Bcc and Subject, a attach, D remove, P postpone, q abort, p preview),
 * the external editor run with curses suspended, the built-in body
 * editor, sending through the outbox, postponing and recalling, and the
 * offer at start to recover what a crash left.
 *
 * What is typed is never only in memory: the draft file (compose.h's
 * text format, 0600, written atomically) is written when the composer
 * opens, before the editor starts and after every change, in the From
 * account's data directory under drafts/. "draft-*" files belong to an
 * open composer (a crash leaves them, and the next start offers them);
 * "postponed-*" ones were put aside by P or q and come back with R or
 * :recall. Sending builds the message, puts it in the outbox (fsynced)
 * and only then closes the composer and removes the draft; the account
 * worker is asked to flush (ACCT_REQ_SEND) and its answer shows on the
 * status line. A message that could not go stays in the outbox, counted
 * on the status bar, and the worker's poll timer tries it again.
 */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/mime.h"
#include "postie/mime_text.h"
#include "postie/outbox.h"
#include "postie/send.h"
#include "postie/store.h"
#include "postie/ui.h"

#include "addrbook.h"
#include "compose.h"
#include "private.h"
#include "screen.h"

extern char **environ;

/* What a key edits now. */
enum cfield { CF_NONE, CF_TO, CF_CC, CF_BCC, CF_SUBJECT, CF_BODY,
	      CF_ATTACH };
/* The question on the bottom line. */
enum cask { ASK_NONE, ASK_ABORT, ASK_SEND_EMPTY, ASK_RECOVER,
	    ASK_DELETE_DRAFT };

/* A postponed message in the recall list: a file here, or a copy in the
 * server's Drafts that no file here stands for. */
struct pick_item {
	char *path;             /* the postponed file, or NULL */
	size_t acc;
	int64_t fid;            /* server: the store's folder */
	char *folder;           /* server: its raw name */
	uint32_t uidvalidity, uid; /* the server copy (also of a file) */
	int64_t date;
	char *to, *subject;     /* as stored: sanitised when drawn */
};

struct sending {
	uint64_t req;
	size_t acc;
	bool is_reply;   /* the flag on the original is set here */
	bool forwarded;
	size_t reply_acc;
	char *reply_folder;
	uint32_t reply_uid;
};

/* A request about the server's Drafts waiting for the worker's answer:
 * the APPEND of a postponed draft (which, once done, replaces the copy
 * the draft had there) or the removal of an old copy. */
struct drafting {
	uint64_t req;
	size_t acc;
	bool is_delete;
	char *file;                /* APPEND: the postponed file it copies */
	uint32_t old_uv, old_uid;  /* APPEND: the copy it replaces; 0: none */
	uint32_t uv, uid;          /* APPEND: the new copy (APPENDUID) */
};

struct ui_composer {
	bool open;
	struct ui_draft d;
	char *draft_path;       /* the draft file of the open composer */
	enum cfield field;
	struct ui_lineed saved; /* the field before editing, for Esc */
	struct ui_lineed path;  /* the attach prompt */
	struct ui_texted te;    /* the built-in body editor */
	struct ui_textlayout lay; /* its rows, kept between draws */
	size_t te_top;
	/* the text as drawn when not being edited, kept until the body or
	 * the width changes */
	struct ui_pager bv;
	struct buf bv_body;
	int bv_cols;
	bool bv_ok;
	enum cask ask;
	char *question;         /* the words of ask, on the bottom line */
	char *note;             /* shown under the fields while open */
	bool dirty;             /* typed since the draft file was written */
	int64_t saved_at;       /* time_mono_ms of that write */
	size_t att_sel;
	bool preview;
	struct ui_pager pv;
	size_t pv_top;
	enum view back;         /* where q goes */
	/* sends waiting for the worker's answer */
	struct sending *sends;
	size_t nsends, sends_cap;
	unsigned *waiting;      /* per account: messages in the outbox */
	unsigned *held;         /* of those, held until the user acts */
	/* a reply or forward waiting for its message to be downloaded */
	bool pending;
	enum ui_draft_mode pend_mode;
	size_t pend_acc;
	int64_t pend_fid;
	uint32_t pend_uid;
	struct drafting *drs;
	size_t ndrs, drs_cap;
	/* the recall list (R, :recall) */
	bool picking;
	struct pick_item *pick;
	size_t npick, pick_sel, pick_top;
	enum view pick_back;
	/* a server draft waiting for its body to be downloaded */
	bool recall_wait;
	size_t rw_acc;
	int64_t rw_fid;
	char *rw_folder;
	uint32_t rw_uid, rw_uv;
	/* drafts a crash left, offered at start */
	char **recover;
	size_t nrecover;
	/* address completion (Tab in To, Cc, Bcc): the book, opened at the
	 * first Tab, and the matches a further Tab cycles through */
	struct ui_addrbook *ab;
	struct store **ab_stores; /* the book reads this array */
	bool ab_tried;
	struct ui_addr *cm;
	size_t ncm, cm_i, cm_start, cm_end;
};

#define ATTACH_MAX ((size_t)64 << 20)
#define BODY_MAX ((size_t)16 << 20)

static struct ui_composer *
cmp_of(struct screen *s)
{
	if (!s->cmp) {
		s->cmp = xcalloc(1, sizeof(*s->cmp));
		ui_draft_init(&s->cmp->d);
		ui_lineed_init(&s->cmp->saved);
		ui_lineed_init(&s->cmp->path);
		buf_init(&s->cmp->bv_body);
		s->cmp->waiting = xcalloc(s->nacc + 1,
					  sizeof(*s->cmp->waiting));
		s->cmp->held = xcalloc(s->nacc + 1, sizeof(*s->cmp->held));
	}
	return s->cmp;
}

static void
ask(struct ui_composer *c, enum cask a, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Put a y/n question on the bottom line; it stays there (whatever the
 * workers say meanwhile) until a key answers it. */
static void
ask(struct ui_composer *c, enum cask a, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(c->question);
	c->question = buf_detach(&b, NULL);
	c->ask = a;
}

static const struct cfg_account *
acc_cfg(const struct screen *s, size_t i)
{
	return s->acc[i].ua->cfg;
}

/* ---------------------------------------------------------------------
 * Files
 */
/* The server folder postponed messages are copied to. */
static const char *
drafts_folder(const struct cfg_account *ca)
{
	return ca->drafts && *ca->drafts ? ca->drafts : "Drafts";
}

static void put_fit(int y, int x, const char *p, size_t len, int cells,
		    int attr);

static char *
drafts_dir(const struct screen *s, size_t acc)
{
	return xstrfmt("%s/drafts", s->acc[acc].ua->data_dir);
}

/* The directory beside a draft file that holds copies of what the
 * draft itself carries (a forwarded message): "files-SUFFIX" for
 * "draft-SUFFIX" and "postponed-SUFFIX", so it stays put when the draft
 * is postponed or recalled. NULL for a name not of that shape. */
static char *
files_dir(const char *draft_path)
{
	const char *base = strrchr(draft_path, '/');
	const char *suffix = NULL;

	if (!base)
		return NULL;
	if (strncmp(base + 1, "draft-", 6) == 0)
		suffix = base + 7;
	else if (strncmp(base + 1, "postponed-", 10) == 0)
		suffix = base + 11;
	if (!suffix || !*suffix)
		return NULL;
	return xstrfmt("%.*s/files-%s", (int)(base - draft_path), draft_path,
		       suffix);
}

/* Remove the files directory of a draft and the copies in it (only the
 * names the composer makes are touched). */
static void
remove_files(const char *draft_path)
{
	char *dir = files_dir(draft_path);
	DIR *d = dir ? opendir(dir) : NULL;

	for (struct dirent *de; d && (de = readdir(d));) {
		if (!ui_draft_kept_name_ok(de->d_name))
			continue;
		char *p = xstrfmt("%s/%s", dir, de->d_name);
		if (unlink(p) < 0 && errno != ENOENT)
			log_warn("compose: cannot remove '%s': %s", p,
				 strerror(errno));
		free(p);
	}
	if (d) {
		closedir(d);
		if (rmdir(dir) < 0 && errno != ENOENT)
			log_warn("compose: cannot remove '%s': %s", dir,
				 strerror(errno));
	}
	free(dir);
}

/* Write a copy of every attachment whose bytes only the draft holds
 * (a forwarded message) into the draft's files directory (0700, each
 * copy 0600 and fsynced), under a name made here, before the draft file
 * that names it is written; copies no attachment names any more go.
 * Returns 0, or -1 with *e (the draft file is then not written, so it
 * never names a copy that is not there). */
static int
keep_files(struct ui_composer *c, struct perr *e)
{
	char *dir = files_dir(c->draft_path);
	bool any = false;
	int rc = -1;

	if (!dir)
		return perr_set(e, PERR_LOCAL, "odd draft name '%s'",
				c->draft_path);
	for (size_t i = 0; i < c->d.natt; i++)
		if (!c->d.att[i].path)
			any = true;
	if (!any) {
		free(dir);
		remove_files(c->draft_path);
		return 0;
	}
	if (file_mkdirs(dir, 0700, e) < 0)
		goto out;
	for (size_t i = 0; i < c->d.natt; i++) {
		struct ui_attach *a = &c->d.att[i];
		if (a->path || a->kept)
			continue;
		/* the lowest number no other attachment uses */
		char *name = NULL;
		for (unsigned k = 1; !name; k++) {
			char *t = xstrfmt("part-%u", k);
			bool used = false;
			for (size_t j = 0; j < c->d.natt && !used; j++)
				used = c->d.att[j].kept &&
				       strcmp(c->d.att[j].kept, t) == 0;
			if (used)
				free(t);
			else
				name = t;
		}
		char *p = xstrfmt("%s/%s", dir, name);
		int w = file_write_atomic(p, a->data.data, a->data.len, 0600,
					  e);
		free(p);
		if (w < 0) {
			free(name);
			goto out;
		}
		a->kept = name;
	}
	/* a removed attachment's copy */
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		if (!ui_draft_kept_name_ok(de->d_name))
			continue;
		bool used = false;
		for (size_t j = 0; j < c->d.natt && !used; j++)
			used = !c->d.att[j].path && c->d.att[j].kept &&
			       strcmp(c->d.att[j].kept, de->d_name) == 0;
		if (!used) {
			char *p = xstrfmt("%s/%s", dir, de->d_name);
			unlink(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
	rc = 0;
out:
	free(dir);
	return rc;
}

/* Read the kept copies of a draft just parsed from path; one that is
 * gone or unreadable is left out, and named in *lost (for the user). */
static void
load_files(struct ui_draft *d, const char *path, struct buf *lost)
{
	char *dir = files_dir(path);

	for (size_t i = 0; i < d->natt;) {
		struct ui_attach *a = &d->att[i];
		struct perr e = PERR_INIT;
		if (a->path || !a->kept) {
			i++;
			continue;
		}
		char *p = dir ? xstrfmt("%s/%s", dir, a->kept) : NULL;
		if (p && file_read_all(p, &a->data, OUTBOX_MAX_MESSAGE,
				       &e) == 0) {
			a->size = a->data.len;
			free(p);
			i++;
			continue;
		}
		log_warn("compose: draft '%s': the copy of '%s' is lost: %s",
			 path, a->name, p ? e.msg : "odd draft name");
		buf_addf(lost, "%s'%s'", lost->len ? ", " : "", a->name);
		free(p);
		free(a->name);
		free(a->kept);
		buf_release(&a->data);
		memmove(a, a + 1, (d->natt - i - 1) * sizeof(*a));
		d->natt--;
	}
	free(dir);
}

/* Write the draft file (the open composer's state). A failure is said:
 * the user should know that the safety net is missing. */
static void
save_draft(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	struct buf b = BUF_INIT;
	struct perr e = PERR_INIT;

	if (!c || !c->open)
		return;
	if (!c->draft_path) {
		char *dir = drafts_dir(s, c->d.from);
		static unsigned seq;
		if (file_mkdirs(dir, 0700, &e) < 0) {
			scr_say(s, true, "cannot keep a draft: %s", e.msg);
			free(dir);
			return;
		}
		c->draft_path = xstrfmt("%s/draft-%lld-%ld-%u", dir,
					(long long)time(NULL), (long)getpid(),
					++seq);
		free(dir);
	}
	if (c->field == CF_BODY) {
		/* the built-in editor's text is the body being typed */
		buf_reset(&c->d.body);
		buf_add(&c->d.body, c->te.text.data, c->te.text.len);
	}
	if (keep_files(c, &e) < 0) {
		scr_say(s, true, "cannot keep the draft's attachments: %s",
			e.msg);
		return;
	}
	ui_draft_format(&c->d, acc_cfg(s, c->d.from)->name, &b);
	if (file_write_atomic(c->draft_path, b.data, b.len, 0600, &e) < 0)
		scr_say(s, true, "cannot write the draft: %s", e.msg);
	buf_release(&b);
	c->dirty = false;
	c->saved_at = time_mono_ms();
}

/* After a typed character: the draft file is written at most once a
 * second while typing goes on (each write is an fsync), and when the
 * keys stop (scr_compose_idle); a crash loses at most that second. */
static void
soon_save(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	c->dirty = true;
	if (time_mono_ms() - c->saved_at >= 1000)
		save_draft(s);
}

void
scr_compose_idle(struct screen *s)
{
	if (s->cmp && s->cmp->open && s->cmp->dirty)
		save_draft(s);
}

static void
close_composer(struct screen *s, bool remove_draft)
{
	struct ui_composer *c = s->cmp;

	if (remove_draft && c->draft_path) {
		char *edit = xstrfmt("%s.edit", c->draft_path);
		unlink(edit);
		free(edit);
		unlink(c->draft_path);
		remove_files(c->draft_path);
	}
	free(c->draft_path);
	c->draft_path = NULL;
	ui_draft_release(&c->d);
	ui_draft_init(&c->d);
	ui_texted_release(&c->te);
	ui_textlayout_release(&c->lay);
	ui_pager_release(&c->pv);
	ui_pager_release(&c->bv);
	buf_release(&c->bv_body);
	c->bv_ok = false;
	free(c->note);
	c->note = NULL;
	c->open = false;
	c->field = CF_NONE;
	c->preview = false;
	s->view = c->back == VIEW_PAGER ? VIEW_PAGER : VIEW_INDEX;
}

/* Rename the open draft to a postponed one. Returns the new path. */
static char *
postpone_file(struct screen *s, struct perr *e)
{
	struct ui_composer *c = s->cmp;

	save_draft(s);
	if (!c->draft_path)
		return NULL;
	const char *base = strrchr(c->draft_path, '/');
	char *dir = xstrndup(c->draft_path, (size_t)(base - c->draft_path));
	char *to = xstrfmt("%s/postponed-%s", dir, base + 1 + 6);
	free(dir);
	if (rename(c->draft_path, to) < 0) {
		perr_set(e, PERR_LOCAL, "cannot keep the draft as '%s': %s",
			 to, strerror(errno));
		free(to);
		return NULL;
	}
	char *edit = xstrfmt("%s.edit", c->draft_path);
	unlink(edit);
	free(edit);
	file_fsync_dir(to, e);
	return to;
}

/* ---------------------------------------------------------------------
 * Opening
 */
static bool
has_signature(const struct screen *s, size_t acc)
{
	const char *sig = acc_cfg(s, acc)->signature;

	return sig && *sig;
}

/* Append "-- \n" and the account's signature file to the body, once. */
static void
add_signature(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	struct buf sig = BUF_INIT;
	struct perr e = PERR_INIT;

	if (c->d.signed_ || !has_signature(s, c->d.from))
		return;
	c->d.signed_ = true;
	if (file_read_all(acc_cfg(s, c->d.from)->signature, &sig, 64 * 1024,
			  &e) < 0) {
		scr_say(s, true, "signature: %s", e.msg);
		buf_release(&sig);
		return;
	}
	if (!utf8_valid(sig.data, sig.len)) {
		scr_say(s, true, "signature: '%s' is not UTF-8; left out",
			acc_cfg(s, c->d.from)->signature);
		buf_release(&sig);
		return;
	}
	if (c->d.body.len && c->d.body.data[c->d.body.len - 1] != '\n')
		buf_addch(&c->d.body, '\n');
	buf_addstr(&c->d.body, "\n-- \n");
	buf_add(&c->d.body, sig.data, sig.len);
	if (sig.len && sig.data[sig.len - 1] != '\n')
		buf_addch(&c->d.body, '\n');
	buf_release(&sig);
}

/* Open the composer on c->d as filled by the caller. */
static void
open_composer(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	c->open = true;
	c->field = CF_NONE;
	c->ask = ASK_NONE;
	c->att_sel = 0;
	c->preview = false;
	c->back = s->view == VIEW_PAGER ? VIEW_PAGER : VIEW_INDEX;
	s->view = VIEW_COMPOSE;
	save_draft(s);
}

static void remove_server_draft(struct screen *s, size_t acc, uint32_t uv,
				uint32_t uid);

static bool
busy(struct screen *s)
{
	if (s->cmp && s->cmp->open) {
		scr_say(s, true, "a message is being written already");
		s->view = VIEW_COMPOSE;
		return true;
	}
	return false;
}

void
scr_compose_new(struct screen *s, const char *url)
{
	if (busy(s))
		return;
	struct ui_composer *c = cmp_of(s);
	ui_draft_release(&c->d);
	ui_draft_init(&c->d);
	c->d.from = s->cur_acc;
	if (url && *url) {
		struct mime_mailto mt;
		struct perr e = PERR_INIT;
		if (mime_mailto_parse(url, &mt, &e) < 0) {
			scr_say(s, true, "mailto: %s", e.msg);
			return;
		}
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < mt.nto; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", mt.to[i]);
		ui_lineed_set(&c->d.to, b.data);
		buf_reset(&b);
		for (size_t i = 0; i < mt.ncc; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", mt.cc[i]);
		ui_lineed_set(&c->d.cc, b.data);
		buf_release(&b);
		ui_lineed_set(&c->d.subject, mt.subject);
		if (mt.body)
			buf_addstr(&c->d.body, mt.body);
		if (mt.in_reply_to)
			c->d.in_reply_to = xstrdup(mt.in_reply_to);
		if (mt.nignored) {
			struct buf ig = BUF_INIT;
			for (size_t i = 0; i < mt.nignored &&
					   i < MIME_MAILTO_IGNORED_MAX; i++)
				buf_addf(&ig, "%s%s", i ? ", " : "",
					 mt.ignored[i]);
			free(c->note);
			c->note = xstrfmt("Not taken from the link: %s",
					  ig.data);
			buf_release(&ig);
		}
		mime_mailto_release(&mt);
	}
	open_composer(s);
}

/* The message under the cursor (or in the viewer): its UID, or 0. */
static uint32_t
current_uid(struct screen *s)
{
	const struct store_summary *m = NULL;

	if (s->view == VIEW_PAGER) {
		for (size_t i = 0; i < s->sum.n; i++)
			if (s->sum.v[i].uid == s->pg_uid)
				m = &s->sum.v[i];
	} else {
		m = scr_at(s, s->cursor);
	}
	return m ? m->uid : 0;
}

/* The raw message uid of the open folder into raw. A message not yet
 * downloaded is asked of the worker, and the composer opens when it
 * comes (scr_compose_event). */
static bool
message_raw(struct screen *s, uint32_t uid, enum ui_draft_mode mode,
	    struct buf *raw)
{
	struct acct *a = &s->acc[s->cur_acc];
	struct perr e = PERR_INIT;

	if (!uid || !a->st) {
		scr_say(s, true, "no message here");
		return false;
	}
	int got = store_body_get(a->st, s->cur_fid, uid, raw, &e);
	if (got < 0) {
		scr_say(s, true, "cannot read the message: %s", e.msg);
		return false;
	}
	if (got == 0) {
		struct ui_composer *c = cmp_of(s);
		if (scr_fetch_body(s, uid)) {
			c->pending = true;
			c->pend_mode = mode;
			c->pend_acc = s->cur_acc;
			c->pend_fid = s->cur_fid;
			c->pend_uid = uid;
			scr_say(s, false, "downloading the message...");
		}
		return false;
	}
	return true;
}

static void
compose_from_uid(struct screen *s, enum ui_draft_mode mode, uint32_t uid)
{
	struct buf raw = BUF_INIT;
	struct perr e = PERR_INIT;

	if (busy(s) || !message_raw(s, uid, mode, &raw)) {
		buf_release(&raw);
		return;
	}
	struct ui_composer *c = cmp_of(s);
	c->pending = false;
	const char **own = xcalloc(s->nacc + 1, sizeof(*own));
	for (size_t i = 0; i < s->nacc; i++)
		own[i] = acc_cfg(s, i)->address;
	struct ui_draft_source src = {
		.raw = raw.data, .len = raw.len,
		.assumed = s->acc[s->cur_acc].assumed,
		.own = own, .nown = s->nacc,
		.attribution = s->p->cfg->ui.attribution,
	};
	ui_draft_release(&c->d);
	ui_draft_init(&c->d);
	c->d.from = s->cur_acc;
	int rc = ui_draft_from_message(&c->d, mode, &src, &e);
	free(own);
	buf_release(&raw);
	if (rc < 0) {
		scr_say(s, true, "%s", e.msg);
		ui_draft_release(&c->d);
		ui_draft_init(&c->d);
		return;
	}
	if (mode != UI_DRAFT_EDIT_AS_NEW && s->cur_raw) {
		struct store_folder f;
		struct perr fe = PERR_INIT;
		c->d.is_reply = true;
		c->d.forwarded = mode == UI_DRAFT_FORWARD ||
				 mode == UI_DRAFT_FORWARD_ATTACH;
		c->d.reply_acc = s->cur_acc;
		c->d.reply_folder = xstrdup(s->cur_raw);
		c->d.reply_uid = uid;
		/* the UID means this message only under this UIDVALIDITY */
		if (s->acc[s->cur_acc].st &&
		    store_folder_get(s->acc[s->cur_acc].st, s->cur_fid, &f,
				     &fe) > 0) {
			c->d.reply_uidvalidity = f.uidvalidity;
			store_folder_release(&f);
		}
	}
	open_composer(s);
	if (c->d.left_out) {
		free(c->note);
		c->note = xstrfmt("%zu recipient%s of the message did not fit "
				  "in To and Cc (%d bytes each) and %s left "
				  "out", c->d.left_out,
				  c->d.left_out == 1 ? "" : "s",
				  UI_LINEED_MAX,
				  c->d.left_out == 1 ? "is" : "are");
	}
}

void
scr_compose_from(struct screen *s, enum ui_draft_mode mode)
{
	compose_from_uid(s, mode, current_uid(s));
}

/* ---------------------------------------------------------------------
 * Drafts kept on disk: recall and recovery
 */
struct found {
	char *path;
	time_t mtime;
};

static int
cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : 0;
}

/* Draft files named prefix* in every account's drafts directory, the
 * newest first. */
static struct found *
find_drafts(struct screen *s, const char *prefix, size_t *n)
{
	struct found *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i < s->nacc; i++) {
		char *dir = drafts_dir(s, i);
		DIR *d = opendir(dir);
		for (struct dirent *de; d && (de = readdir(d));) {
			size_t l = strlen(de->d_name);
			struct stat st;
			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
			    (l > 5 && strcmp(de->d_name + l - 5, ".edit") == 0))
				continue;
			char *p = xstrfmt("%s/%s", dir, de->d_name);
			if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			v = xgrow(v, &cap, *n + 1, sizeof(*v));
			v[*n].path = p;
			v[*n].mtime = st.st_mtime;
			(*n)++;
		}
		if (d)
			closedir(d);
		free(dir);
	}
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_found);
	return v;
}

static void
found_free(struct found *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* Open the draft file at path in the composer; it becomes the open
 * draft (a postponed file is renamed back to draft-*). */
static bool
open_draft_file(struct screen *s, const char *path)
{
	struct ui_composer *c = cmp_of(s);
	struct buf text = BUF_INIT, edit = BUF_INIT;
	struct perr e = PERR_INIT;
	char *account = NULL;

	if (file_read_all(path, &text, BODY_MAX, &e) < 0) {
		scr_say(s, true, "cannot read the draft: %s", e.msg);
		buf_release(&text);
		return false;
	}
	ui_draft_release(&c->d);
	ui_draft_init(&c->d);
	if (ui_draft_parse(&c->d, text.data, text.len, &account, &e) < 0) {
		scr_say(s, true, "'%s': %s", path, e.msg);
		buf_release(&text);
		ui_draft_release(&c->d);
		ui_draft_init(&c->d);
		return false;
	}
	buf_release(&text);
	struct buf lost = BUF_INIT;
	load_files(&c->d, path, &lost);
	free(c->note);
	c->note = lost.len ? xstrfmt("Lost from the draft (its kept copy is "
				     "gone): %s", lost.data)
			   : NULL;
	buf_release(&lost);
	c->d.from = s->cur_acc;
	for (size_t i = 0; account && i < s->nacc; i++)
		if (strcmp(acc_cfg(s, i)->name, account) == 0)
			c->d.from = i;
	free(account);
	/* what an editor had saved when the crash came is newer */
	char *ep = xstrfmt("%s.edit", path);
	struct perr ee = PERR_INIT;
	if (file_read_all(ep, &edit, BODY_MAX, &ee) == 0 && edit.len &&
	    utf8_valid(edit.data, edit.len)) {
		buf_reset(&c->d.body);
		buf_add(&c->d.body, edit.data, edit.len);
	}
	unlink(ep);
	free(ep);
	buf_release(&edit);
	for (size_t i = 0; i < c->d.natt; i++) {
		struct stat st;
		if (c->d.att[i].path && stat(c->d.att[i].path, &st) == 0)
			c->d.att[i].size = (uint64_t)st.st_size;
	}
	/* the same file goes on holding it */
	const char *base = strrchr(path, '/');
	if (base && strncmp(base + 1, "postponed-", 10) == 0) {
		char *dir = xstrndup(path, (size_t)(base - path));
		char *to = xstrfmt("%s/draft-%s", dir, base + 11);
		free(dir);
		if (rename(path, to) == 0) {
			c->draft_path = to;
		} else {
			free(to);
			c->draft_path = NULL;
		}
	} else {
		c->draft_path = xstrdup(path);
	}
	open_composer(s);
	return true;
}

static void
pick_free(struct ui_composer *c)
{
	for (size_t i = 0; i < c->npick; i++) {
		free(c->pick[i].path);
		free(c->pick[i].folder);
		free(c->pick[i].to);
		free(c->pick[i].subject);
	}
	free(c->pick);
	c->pick = NULL;
	c->npick = 0;
}

static int
cmp_pick(const void *a, const void *b)
{
	const struct pick_item *x = a, *y = b;

	return x->date < y->date ? 1 : x->date > y->date ? -1 : 0;
}

/* Fill the recall list: the postponed files of every account, then the
 * copies in the current account's Drafts as the store knows them that
 * no file stands for (another program's drafts, or this one's from
 * another machine); the newest first. */
static void
pick_load(struct screen *s)
{
	struct ui_composer *c = cmp_of(s);
	size_t n, cap = 0;
	struct found *v = find_drafts(s, "postponed-", &n);

	pick_free(c);
	for (size_t i = 0; i < n; i++) {
		struct buf text = BUF_INIT;
		struct perr e = PERR_INIT;
		struct ui_draft d;
		char *account = NULL;
		ui_draft_init(&d);
		if (file_read_all(v[i].path, &text, BODY_MAX, &e) < 0 ||
		    ui_draft_parse(&d, text.data, text.len, &account, &e) < 0) {
			/* listed all the same: it can be deleted */
			log_warn("compose: '%s': %s", v[i].path, e.msg);
		}
		c->pick = xgrow(c->pick, &cap, c->npick + 1, sizeof(*c->pick));
		struct pick_item *it = &c->pick[c->npick++];
		memset(it, 0, sizeof(*it));
		it->path = v[i].path;
		v[i].path = NULL;
		it->acc = s->cur_acc;
		for (size_t k = 0; account && k < s->nacc; k++)
			if (strcmp(acc_cfg(s, k)->name, account) == 0)
				it->acc = k;
		it->date = (int64_t)v[i].mtime;
		it->to = xstrdup(d.to.text.data);
		it->subject = xstrdup(d.subject.text.data);
		it->uidvalidity = d.server_uidvalidity;
		it->uid = d.server_uid;
		free(account);
		ui_draft_release(&d);
		buf_release(&text);
	}
	found_free(v, n);

	struct acct *a = &s->acc[s->cur_acc];
	const struct cfg_account *ca = acc_cfg(s, s->cur_acc);
	struct store_folder *fv = NULL;
	size_t nf = 0;
	struct perr e = PERR_INIT;
	if (a->st && ca->receive.proto == CFG_PROTO_IMAP &&
	    store_folder_list(a->st, &fv, &nf, &e) == 0) {
		const char *want = drafts_folder(ca);
		const struct store_folder *f = NULL;
		for (size_t i = 0; i < nf && !f; i++)
			if (strcmp(fv[i].raw, want) == 0 ||
			    strcmp(fv[i].name, want) == 0)
				f = &fv[i];
		for (size_t i = 0; i < nf && !f; i++)
			if (fv[i].role == STORE_ROLE_DRAFTS)
				f = &fv[i];
		struct store_summaries sum = { 0 };
		if (f && store_load(a->st, f->id, &sum, &e) == 0) {
			for (size_t i = 0; i < sum.n; i++) {
				const struct store_summary *m = &sum.v[i];
				bool mine = false;
				if (m->flags & STORE_F_DELETED)
					continue;
				for (size_t k = 0; k < c->npick && !mine; k++)
					mine = c->pick[k].uid == m->uid &&
					       c->pick[k].acc == s->cur_acc &&
					       (!f->uidvalidity ||
						c->pick[k].uidvalidity ==
							f->uidvalidity);
				if (mine)
					continue;
				c->pick = xgrow(c->pick, &cap, c->npick + 1,
						sizeof(*c->pick));
				struct pick_item *it = &c->pick[c->npick++];
				memset(it, 0, sizeof(*it));
				it->acc = s->cur_acc;
				it->fid = f->id;
				it->folder = xstrdup(f->raw);
				it->uidvalidity = f->uidvalidity;
				it->uid = m->uid;
				it->date = m->date ? m->date
						   : m->internal_date;
				it->to = xstrdup(store_str(&sum, m->to));
				it->subject = xstrdup(store_str(&sum,
								m->subject));
			}
			store_summaries_release(&sum);
		}
		store_folder_list_free(fv, nf);
	}
	if (c->npick > 1)
		qsort(c->pick, c->npick, sizeof(*c->pick), cmp_pick);
	if (c->pick_sel >= c->npick)
		c->pick_sel = c->npick ? c->npick - 1 : 0;
}

static void
pick_close(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	c->picking = false;
	pick_free(c);
	if (!c->open)
		s->view = c->pick_back == VIEW_PAGER ? VIEW_PAGER : VIEW_INDEX;
}

/* Recall a copy in the server's Drafts: its recipients, subject and
 * text in a new composer that remembers the copy, so that postponing or
 * sending removes it. A body not downloaded yet is asked for first. */
static void
recall_server(struct screen *s, size_t acc, int64_t fid, const char *folder,
	      uint32_t uv, uint32_t uid)
{
	struct ui_composer *c = cmp_of(s);
	struct acct *a = &s->acc[acc];
	struct buf raw = BUF_INIT;
	struct perr e = PERR_INIT;

	int got = a->st ? store_body_get(a->st, fid, uid, &raw, &e) : -1;
	if (got < 0) {
		scr_say(s, true, "cannot read the draft: %s",
			a->st ? e.msg : "no store");
		buf_release(&raw);
		return;
	}
	if (got == 0) {
		struct acct_op *op = acct_op_new();
		op->uids = xmalloc(sizeof(*op->uids));
		op->uids[0] = uid;
		op->n = 1;
		if (!a->w || acct_post(a->w, ACCT_REQ_FETCH_BODY, folder, op,
				       acct_op_free, NULL, &e) < 0) {
			scr_say(s, true, "cannot download the draft: %s",
				a->w ? e.msg : "the account is not running");
			buf_release(&raw);
			return;
		}
		free(c->rw_folder);
		c->recall_wait = true;
		c->rw_acc = acc;
		c->rw_fid = fid;
		c->rw_folder = xstrdup(folder);
		c->rw_uid = uid;
		c->rw_uv = uv;
		scr_say(s, false, "downloading the draft...");
		buf_release(&raw);
		return;
	}
	c->recall_wait = false;
	const char **own = xcalloc(s->nacc + 1, sizeof(*own));
	for (size_t i = 0; i < s->nacc; i++)
		own[i] = acc_cfg(s, i)->address;
	struct ui_draft_source src = {
		.raw = raw.data, .len = raw.len, .assumed = a->assumed,
		.own = own, .nown = s->nacc,
	};
	ui_draft_release(&c->d);
	ui_draft_init(&c->d);
	int rc = ui_draft_from_message(&c->d, UI_DRAFT_EDIT_AS_NEW, &src, &e);
	free(own);
	if (rc < 0) {
		scr_say(s, true, "%s", e.msg);
		buf_release(&raw);
		ui_draft_release(&c->d);
		ui_draft_init(&c->d);
		return;
	}
	/* only the text comes back: say what does not */
	struct mime_message m;
	mime_message_parse(&m, raw.data, raw.len, a->assumed);
	bool parts = mime_is_multipart(m.root);
	mime_message_release(&m);
	buf_release(&raw);
	c->d.from = acc;
	c->d.server_uidvalidity = uv;
	c->d.server_uid = uid;
	if (c->picking)
		pick_close(s);
	open_composer(s);
	free(c->note);
	c->note = parts ? xstrdup("Recalled from the server's Drafts: its "
				  "text only; its attachments stay in the "
				  "copy there until this is sent")
			: NULL;
	scr_say(s, false, "recalled from the server's Drafts");
}

static void
pick_recall(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	if (c->pick_sel >= c->npick)
		return;
	struct pick_item it = c->pick[c->pick_sel];
	if (it.path) {
		char *path = xstrdup(it.path);
		c->picking = false;
		pick_free(c);
		if (!open_draft_file(s, path))
			s->view = c->pick_back == VIEW_PAGER ? VIEW_PAGER
							     : VIEW_INDEX;
		else
			scr_say(s, false, "recalled");
		free(path);
		return;
	}
	char *folder = xstrdup(it.folder);
	recall_server(s, it.acc, it.fid, folder, it.uidvalidity, it.uid);
	free(folder);
}

/* Delete the selected draft (the question was answered yes): its file,
 * its kept copies and its copy on the server. */
static void
pick_delete(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	if (c->pick_sel >= c->npick)
		return;
	struct pick_item *it = &c->pick[c->pick_sel];
	if (it->path) {
		if (unlink(it->path) < 0 && errno != ENOENT) {
			scr_say(s, true, "cannot delete '%s': %s", it->path,
				strerror(errno));
			return;
		}
		char *edit = xstrfmt("%s.edit", it->path);
		unlink(edit);
		free(edit);
		remove_files(it->path);
	}
	if (it->uid)
		remove_server_draft(s, it->acc, it->uidvalidity, it->uid);
	scr_say(s, false, "draft deleted");
	/* the server copy just asked to go is not listed again */
	uint32_t gone = it->path ? 0 : it->uid;
	pick_load(s);
	for (size_t i = 0; gone && i < c->npick; i++)
		if (!c->pick[i].path && c->pick[i].uid == gone) {
			free(c->pick[i].folder);
			free(c->pick[i].to);
			free(c->pick[i].subject);
			memmove(&c->pick[i], &c->pick[i + 1],
				(c->npick - i - 1) * sizeof(*c->pick));
			c->npick--;
			break;
		}
	if (c->pick_sel >= c->npick && c->pick_sel)
		c->pick_sel = c->npick ? c->npick - 1 : 0;
	if (!c->npick)
		pick_close(s);
}

void
scr_compose_recall(struct screen *s)
{
	if (busy(s))
		return;
	struct ui_composer *c = cmp_of(s);
	c->pick_sel = 0;
	c->pick_top = 0;
	pick_load(s);
	if (!c->npick) {
		pick_free(c);
		scr_say(s, false, "no postponed message");
		return;
	}
	c->pick_back = s->view;
	if (c->npick == 1) {
		/* one: recalled at once, as mutt does */
		pick_recall(s);
		return;
	}
	c->picking = true;
	s->view = VIEW_COMPOSE;
}

static void
pick_key(struct screen *s, int type, wint_t ch)
{
	struct ui_composer *c = s->cmp;
	size_t page = s->rows > 5 ? (size_t)s->rows - 4 : 1;

	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_DOWN: ch = 'j'; break;
		case KEY_UP: ch = 'k'; break;
		case KEY_NPAGE: ch = ' '; break;
		case KEY_PPAGE: ch = '-'; break;
		case KEY_HOME: ch = 'g'; break;
		case KEY_END: ch = 'G'; break;
		case KEY_ENTER: ch = '\n'; break;
		default: return;
		}
	}
	switch (ch) {
	case 'j':
		if (c->pick_sel + 1 < c->npick)
			c->pick_sel++;
		break;
	case 'k':
		if (c->pick_sel)
			c->pick_sel--;
		break;
	case ' ':
		c->pick_sel = c->pick_sel + page < c->npick
				      ? c->pick_sel + page
				      : c->npick - 1;
		break;
	case '-':
		c->pick_sel = c->pick_sel > page ? c->pick_sel - page : 0;
		break;
	case 'g':
		c->pick_sel = 0;
		break;
	case 'G':
		c->pick_sel = c->npick - 1;
		break;
	case '\n':
	case '\r':
		pick_recall(s);
		break;
	case 'd': {
		const struct pick_item *it = &c->pick[c->pick_sel];
		struct buf subj = BUF_INIT;
		ui_sanitize(&subj, it->subject, strlen(it->subject),
			    UI_TAB_SPACE);
		ask(c, ASK_DELETE_DRAFT, "delete the draft '%s'%s? (y/n)",
		    subj.len ? subj.data : "(no subject)",
		    it->path ? "" : " from the server's Drafts");
		buf_release(&subj);
		break;
	}
	case 'q':
	case 27:
	case 7:
		pick_close(s);
		break;
	default:
		scr_say(s, false, "j/k move, Enter recalls, d deletes, q goes "
			"back");
		break;
	}
}

static void
draw_pick(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	int h = s->rows - 3;
	char when[32];

	for (int y = 1; y < s->rows - 1; y++) {
		move(y, 0);
		clrtoeol();
	}
	struct buf head = BUF_INIT;
	buf_addf(&head, "Postponed messages: %zu", c->npick);
	put_fit(1, 0, head.data, head.len, s->cols,
		COLOR_PAIR(PAIR_HDR) | A_BOLD);
	buf_release(&head);
	if (h < 1)
		return;
	if (c->pick_sel < c->pick_top)
		c->pick_top = c->pick_sel;
	if (c->pick_sel >= c->pick_top + (size_t)h)
		c->pick_top = c->pick_sel - (size_t)h + 1;
	int tw = s->cols > 60 ? 28 : s->cols / 3;
	for (int r = 0; r < h; r++) {
		size_t i = c->pick_top + (size_t)r;
		if (i >= c->npick)
			break;
		const struct pick_item *it = &c->pick[i];
		time_t t = (time_t)it->date;
		struct tm tm;
		when[0] = '\0';
		if (t && localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		int attr = i == c->pick_sel ? A_REVERSE : 0;
		int y = 2 + r;
		if (attr) {
			attron(attr);
			mvhline(y, 0, ' ', s->cols);
			attroff(attr);
		}
		put_fit(y, 0, when, strlen(when), 17, attr);
		const char *to = *it->to ? it->to : "(no recipient)";
		put_fit(y, 18, to, strlen(to), tw, attr);
		const char *sub = *it->subject ? it->subject : "(no subject)";
		int sx = 18 + tw + 1;
		const char *where = it->path ? "" : "  [server]";
		put_fit(y, sx, sub, strlen(sub), s->cols - sx - 10, attr);
		put_fit(y, s->cols - 10, where, strlen(where), 10, attr);
	}
	move(s->rows - 1, 0);
	clrtoeol();
	if (s->message)
		put_fit(s->rows - 1, 0, s->message, strlen(s->message),
			s->cols - 1,
			s->message_err ? COLOR_PAIR(PAIR_ERR) | A_BOLD : 0);
	else
		put_fit(s->rows - 1, 0, "j/k:move Enter:recall d:delete q:back",
			37, s->cols - 1, A_BOLD);
	curs_set(0);
}

static void
offer_recovery(struct screen *s)
{
	size_t n;
	struct found *v = find_drafts(s, "draft-", &n);

	if (!n) {
		free(v);
		return;
	}
	struct ui_composer *c = cmp_of(s);
	c->recover = xcalloc(n, sizeof(*c->recover));
	for (size_t i = 0; i < n; i++) {
		c->recover[i] = v[i].path;
		v[i].path = NULL;
	}
	c->nrecover = n;
	char when[32] = "";
	struct tm tm;
	if (localtime_r(&v[0].mtime, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	found_free(v, n);
	ask(c, ASK_RECOVER, "%zu unsent draft%s from %s: recover? (y/n)", n,
	    n == 1 ? "" : "s", when);
}

/* ---------------------------------------------------------------------
 * The external editor
 */
static char *
editor_command(const struct screen *s)
{
	const char *ed = s->p->cfg->ui.editor;

	if (!ed || !*ed)
		ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	return ed && *ed ? xstrdup(ed) : NULL;
}

/* Run the editor on the body: the draft file first, then a file with the
 * body, curses suspended while the editor has the terminal. An editor
 * that fails or leaves the file empty or gone changes nothing
 * (hostile-49). */
static void
run_editor(struct screen *s, const char *cmd)
{
	struct ui_composer *c = s->cmp;
	struct perr e = PERR_INIT;
	char **argv = argv_split(cmd, &e);

	if (!argv) {
		scr_say(s, true, "editor '%s': %s", cmd, e.msg);
		return;
	}
	add_signature(s);
	save_draft(s);
	if (!c->draft_path) {
		argv_free(argv);
		return;
	}
	char *path = xstrfmt("%s.edit", c->draft_path);
	if (file_write_atomic(path, c->d.body.data, c->d.body.len, 0600,
			      &e) < 0) {
		scr_say(s, true, "cannot hand the text to the editor: %s",
			e.msg);
		free(path);
		argv_free(argv);
		return;
	}
	size_t argc = 0;
	while (argv[argc])
		argc++;
	argv = xrealloc(argv, (argc + 2) * sizeof(*argv));
	argv[argc] = xstrdup(path);
	argv[argc + 1] = NULL;

	def_prog_mode();
	endwin();
	pid_t pid;
	struct perr se = PERR_INIT;
	/* base's spawn: the editor must not inherit postie's ignored
	 * SIGPIPE */
	int err = proc_spawn(argv, NULL, 0, &pid, &se) < 0 ? -1 : 0;
	int status = 0;
	if (err == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();

	struct buf text = BUF_INIT;
	struct perr re = PERR_INIT;
	if (err != 0) {
		scr_say(s, true, "editor: %s; the text is as it was",
			se.msg);
	} else if (WIFSIGNALED(status)) {
		scr_say(s, true, "the editor was killed by signal %d; the "
			"text is as it was", WTERMSIG(status));
	} else if (WEXITSTATUS(status) != 0) {
		scr_say(s, true, "the editor exited with status %d; the text "
			"is as it was", WEXITSTATUS(status));
	} else if (file_read_all(path, &text, BODY_MAX, &re) < 0) {
		scr_say(s, true, "the editor's file is gone (%s); the text is "
			"as it was", re.msg);
	} else if (text.len == 0) {
		scr_say(s, true, "the editor left the file empty; the text is "
			"as it was");
	} else if (!utf8_valid(text.data, text.len)) {
		scr_say(s, true, "the edited text is not UTF-8; the text is "
			"as it was");
	} else {
		buf_reset(&c->d.body);
		buf_add(&c->d.body, text.data, text.len);
		save_draft(s);
	}
	unlink(path);
	buf_release(&text);
	free(path);
	argv_free(argv);
}

static void
edit_body(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	char *cmd = editor_command(s);

	if (cmd) {
		run_editor(s, cmd);
		free(cmd);
		return;
	}
	add_signature(s);
	ui_texted_release(&c->te);
	ui_texted_init(&c->te, c->d.body.data, c->d.body.len);
	ui_textlayout_release(&c->lay);
	c->te_top = 0;
	c->field = CF_BODY;
	save_draft(s);
}

/* ---------------------------------------------------------------------
 * Sending
 */
struct addrs {
	char **names, **addrs;
	struct mime_draft_addr *v;
	size_t n;
};

static int
get_addrs(const char *field, const struct ui_lineed *le, struct addrs *a,
	  struct perr *e)
{
	long n = ui_draft_split_addrs(field, le->text.data, &a->names,
				      &a->addrs, e);
	if (n < 0)
		return -1;
	a->n = (size_t)n;
	a->v = xcalloc(a->n + 1, sizeof(*a->v));
	for (size_t i = 0; i < a->n; i++) {
		a->v[i].name = a->names[i];
		a->v[i].addr = a->addrs[i];
	}
	return 0;
}

static void
addrs_release(struct addrs *a)
{
	mime_strv_free(a->names);
	mime_strv_free(a->addrs);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* Build the message as it would go out. Returns 0, or -1 with *e. On
 * success *rcpt gets the envelope recipients (mime_strv_free). */
static int
build(struct screen *s, struct buf *msg, char ***rcpt, size_t *nrcpt,
      struct perr *e)
{
	struct ui_composer *c = s->cmp;
	const struct cfg_account *ca = acc_cfg(s, c->d.from);
	struct addrs to = { 0 }, cc = { 0 }, bcc = { 0 };
	struct mime_draft_file *files = NULL;
	struct buf *data = NULL;
	unsigned char rnd[32];
	int rc = -1;

	if (get_addrs("To", &c->d.to, &to, e) < 0 ||
	    get_addrs("Cc", &c->d.cc, &cc, e) < 0 ||
	    get_addrs("Bcc", &c->d.bcc, &bcc, e) < 0)
		goto out;
	files = xcalloc(c->d.natt + 1, sizeof(*files));
	data = xcalloc(c->d.natt + 1, sizeof(*data));
	for (size_t i = 0; i < c->d.natt; i++) {
		const struct ui_attach *at = &c->d.att[i];
		buf_init(&data[i]);
		if (at->path && file_read_all(at->path, &data[i], ATTACH_MAX,
					      e) < 0) {
			perr_prefix(e, "cannot attach '%s'", at->name);
			goto out;
		}
		files[i].filename = at->name;
		files[i].data = at->path ? data[i].data : at->data.data;
		files[i].len = at->path ? data[i].len : at->data.len;
		files[i].type = at->type;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		perr_set(e, PERR_LOCAL, "no random bytes for the Message-ID");
		goto out;
	}
	/* A forwarded message with 8-bit text can only go as it is (RFC
	 * 2046 5.2.1) in an 8bit part: the SMTP client asks for
	 * BODY=8BITMIME, which every server of today takes. */
	bool eightbit = false;
	for (size_t i = 0; i < c->d.natt; i++) {
		const struct ui_attach *at = &c->d.att[i];
		if (!at->path && strcmp(at->type, "message/rfc822") == 0)
			for (size_t k = 0; k < at->data.len && !eightbit; k++)
				eightbit = (unsigned char)at->data.data[k] >=
					   0x80;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	struct mime_draft md = {
		.eightbit = eightbit,
		.from = { ca->real_name, ca->address },
		.to = to.v, .nto = to.n,
		.cc = cc.v, .ncc = cc.n,
		.bcc = bcc.v, .nbcc = bcc.n,
		.subject = c->d.subject.text.data,
		.in_reply_to = c->d.in_reply_to,
		.references = c->d.references,
		.body = c->d.body.data, .body_len = c->d.body.len,
		.files = files, .nfiles = c->d.natt,
		.date = (int64_t)now,
		.zone_min = (int)(tm.tm_gmtoff / 60),
		.random = rnd, .random_len = sizeof(rnd),
	};
	if (mime_draft_build(&md, msg, e) < 0)
		goto out;
	if (rcpt && !(*rcpt = mime_draft_recipients(&md, nrcpt, e)))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; data && i < c->d.natt; i++)
		buf_release(&data[i]);
	free(data);
	free(files);
	addrs_release(&to);
	addrs_release(&cc);
	addrs_release(&bcc);
	return rc;
}

static void
count_outbox(struct screen *s, size_t acc)
{
	struct ui_composer *c = cmp_of(s);
	char *dir = xstrfmt("%s/outbox/new", s->acc[acc].ua->data_dir);
	DIR *d = opendir(dir);
	unsigned n = 0;

	for (struct dirent *de; d && (de = readdir(d));)
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	free(dir);
	c->waiting[acc] = n;
}

static void
post_send(struct screen *s, size_t acc, struct sending *sd)
{
	struct ui_composer *c = cmp_of(s);
	struct perr e = PERR_INIT;
	uint64_t id = 0;

	if (!s->acc[acc].w ||
	    acct_post(s->acc[acc].w, ACCT_REQ_SEND, NULL, NULL, NULL, &id,
		      &e) < 0) {
		scr_say(s, true, "queued in the outbox, but the account "
			"cannot send now: %s", s->acc[acc].w ? e.msg
							     : "not running");
		if (sd)
			free(sd->reply_folder);
		return;
	}
	c->sends = xgrow(c->sends, &c->sends_cap, c->nsends + 1,
			 sizeof(*c->sends));
	struct sending *n = &c->sends[c->nsends++];
	memset(n, 0, sizeof(*n));
	if (sd)
		*n = *sd;
	n->req = id;
	n->acc = acc;
}

static void
do_send(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	struct buf msg = BUF_INIT;
	struct perr e = PERR_INIT;
	char **rcpt = NULL;
	size_t nrcpt = 0;
	char *id = NULL;
	struct outbox ob;
	size_t acc = c->d.from;

	save_draft(s);
	if (build(s, &msg, &rcpt, &nrcpt, &e) < 0) {
		scr_say(s, true, "not sent: %s", e.msg);
		goto out;
	}
	/* The flag on the original is set by the flusher once the message
	 * is delivered, whichever attempt that is, when the original is in
	 * the sending IMAP account; otherwise here, on the worker's answer
	 * to this send. */
	struct outbox_origin orig = { 0 };
	bool by_flusher = c->d.is_reply && c->d.reply_folder &&
			  c->d.reply_acc == acc && c->d.reply_uid &&
			  acc_cfg(s, acc)->receive.proto == CFG_PROTO_IMAP;
	if (by_flusher) {
		/* borrowed: outbox_add_orig copies them */
		orig.account = (char *)acc_cfg(s, acc)->name;
		orig.folder = c->d.reply_folder;
		orig.uidvalidity = c->d.reply_uidvalidity;
		orig.uid = c->d.reply_uid;
		orig.forwarded = c->d.forwarded;
	}
	memset(&ob, 0, sizeof(ob));
	if (acct_outbox_open(&ob, s->acc[acc].ua->data_dir, &e) < 0 ||
	    outbox_add_orig(&ob, acc_cfg(s, acc)->address,
			    (const char *const *)rcpt, nrcpt, msg.data,
			    msg.len, by_flusher ? &orig : NULL,
			    (int64_t)time(NULL), &id, &e) < 0) {
		outbox_release(&ob);
		scr_say(s, true, "not sent: %s (the draft is kept)", e.msg);
		goto out;
	}
	outbox_release(&ob);
	log_info("compose: message %s queued in the outbox of '%s'", id,
		 acc_cfg(s, acc)->name);
	/* safe in the outbox: the draft may go, and its copy on the
	 * server */
	if (c->d.server_uid)
		remove_server_draft(s, acc, c->d.server_uidvalidity,
				    c->d.server_uid);
	struct sending sd = {
		.is_reply = c->d.is_reply && !by_flusher,
		.forwarded = c->d.forwarded,
		.reply_acc = c->d.reply_acc,
		.reply_folder = c->d.reply_folder ? xstrdup(c->d.reply_folder)
						  : NULL,
		.reply_uid = c->d.reply_uid,
	};
	close_composer(s, true);
	count_outbox(s, acc);
	scr_say(s, false, "sending...");
	post_send(s, acc, &sd);
out:
	free(id);
	mime_strv_free(rcpt);
	buf_release(&msg);
}

static void
try_send(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	struct slice body = slice_trim(slice_make(c->d.body.data,
						  c->d.body.len));
	struct slice subj = slice_trim(slice_make(c->d.subject.text.data,
						  c->d.subject.text.len));

	if (!c->d.to.text.len && !c->d.cc.text.len && !c->d.bcc.text.len) {
		scr_say(s, true, "no recipient: t edits To");
		return;
	}
	if (!body.len || !subj.len) {
		ask(c, ASK_SEND_EMPTY, "%s: send anyway? (y/n)",
		    !body.len && !subj.len ? "no subject and no text"
		    : !body.len		   ? "the message has no text"
					   : "no subject");
		return;
	}
	do_send(s);
}

static void
track(struct screen *s, uint64_t req, size_t acc, bool is_delete,
      const char *file, uint32_t old_uv, uint32_t old_uid)
{
	struct ui_composer *c = cmp_of(s);

	c->drs = xgrow(c->drs, &c->drs_cap, c->ndrs + 1, sizeof(*c->drs));
	struct drafting *d = &c->drs[c->ndrs++];
	memset(d, 0, sizeof(*d));
	d->req = req;
	d->acc = acc;
	d->is_delete = is_delete;
	d->file = file ? xstrdup(file) : NULL;
	d->old_uv = old_uv;
	d->old_uid = old_uid;
}

/* Remove the copy uid of a draft from the server's Drafts of account
 * acc: UID STORE \Deleted and UID EXPUNGE of that UID alone (the
 * worker never sends a bare EXPUNGE; without UIDPLUS the copy stays
 * marked). uv is the UIDVALIDITY the UID was given under; when the
 * store knows another one now, the UID names some other message, or
 * none, and nothing is done. */
static void
remove_server_draft(struct screen *s, size_t acc, uint32_t uv, uint32_t uid)
{
	const struct cfg_account *ca = acc_cfg(s, acc);
	const char *folder = drafts_folder(ca);
	struct perr e = PERR_INIT;

	if (!uid || ca->receive.proto != CFG_PROTO_IMAP || !s->acc[acc].w)
		return;
	if (s->acc[acc].st) {
		struct store_folder f;
		if (store_folder_find(s->acc[acc].st, folder, strlen(folder),
				      &f, &e) > 0 &&
		    f.uidvalidity && f.uidvalidity != uv) {
			log_info("compose: '%s' has UIDVALIDITY %u now (the "
				 "draft's copy was UID %u under %u): the old "
				 "copy is not removed", folder,
				 (unsigned)f.uidvalidity, (unsigned)uid,
				 (unsigned)uv);
			store_folder_release(&f);
			return;
		}
		store_folder_release(&f);
	}
	struct acct_op *op = acct_op_new();
	uint64_t id = 0;
	op->uids = xmalloc(sizeof(*op->uids));
	op->uids[0] = uid;
	op->n = 1;
	if (acct_post(s->acc[acc].w, ACCT_REQ_DELETE, folder, op,
		      acct_op_free, &id, &e) < 0) {
		log_warn("compose: cannot remove the old copy of a draft "
			 "(UID %u of '%s'): %s", (unsigned)uid, folder, e.msg);
		return;
	}
	log_info("compose: removing the old copy of a draft, UID %u of '%s'",
		 (unsigned)uid, folder);
	track(s, id, acc, true, NULL, 0, 0);
}

/* The APPEND of a postponed message (its file: file) to an IMAP
 * account's Drafts. The copy the draft had there before goes once the
 * server has the new one (scr_compose_event). */
static void
append_draft(struct screen *s, const char *file)
{
	struct ui_composer *c = s->cmp;
	const struct cfg_account *ca = acc_cfg(s, c->d.from);
	struct buf msg = BUF_INIT;
	struct perr e = PERR_INIT;
	uint64_t id = 0;

	if (ca->receive.proto != CFG_PROTO_IMAP || !s->acc[c->d.from].w)
		return;
	if (build(s, &msg, NULL, NULL, &e) < 0) {
		log_info("compose: postponed draft not copied to the "
			 "server: %s", e.msg);
		buf_release(&msg);
		return;
	}
	struct acct_op *op = acct_op_new();
	op->len = msg.len;
	op->msg = buf_detach(&msg, NULL);
	op->flags = STORE_F_DRAFT | STORE_F_SEEN;
	if (acct_post(s->acc[c->d.from].w, ACCT_REQ_APPEND, drafts_folder(ca),
		      op, acct_op_free, &id, &e) < 0) {
		scr_say(s, true, "postponed here, but not on the server: %s",
			e.msg);
		return;
	}
	track(s, id, c->d.from, false, file, c->d.server_uidvalidity,
	      c->d.server_uid);
}

/* The server holds a new copy (uv, uid) of the draft kept in file:
 * write that into the file (or into the open composer, if the draft
 * was recalled meanwhile), so that its next postponing or its sending
 * removes that copy and not another. */
static void
note_server_copy(struct screen *s, const char *file, uint32_t uv, uint32_t uid)
{
	struct ui_composer *c = s->cmp;
	char *fdir = files_dir(file);
	char *odir = c->open && c->draft_path ? files_dir(c->draft_path)
					      : NULL;

	if (fdir && odir && strcmp(fdir, odir) == 0) {
		c->d.server_uidvalidity = uv;
		c->d.server_uid = uid;
		save_draft(s);
	} else {
		struct buf text = BUF_INIT, out = BUF_INIT;
		struct perr e = PERR_INIT;
		struct ui_draft d;
		char *account = NULL;
		ui_draft_init(&d);
		if (file_read_all(file, &text, BODY_MAX, &e) == 0 &&
		    ui_draft_parse(&d, text.data, text.len, &account,
				   &e) == 0) {
			d.server_uidvalidity = uv;
			d.server_uid = uid;
			ui_draft_format(&d, account, &out);
			if (file_write_atomic(file, out.data, out.len, 0600,
					      &e) < 0)
				log_warn("compose: %s", e.msg);
		} else {
			log_info("compose: '%s' is gone (%s); its server copy "
				 "is UID %u", file, e.msg, (unsigned)uid);
		}
		free(account);
		ui_draft_release(&d);
		buf_release(&text);
		buf_release(&out);
	}
	free(fdir);
	free(odir);
}

/* The worker's answer about a draft on the server. */
static bool
drafting_event(struct screen *s, size_t acc, const struct acct_event *ev)
{
	struct ui_composer *c = s->cmp;

	for (size_t i = 0; c && i < c->ndrs; i++) {
		struct drafting *d = &c->drs[i];
		if (d->req != ev->req_id || d->acc != acc)
			continue;
		if (ev->kind == ACCT_EV_DATA && !d->is_delete &&
		    !ev->payload) {
			d->uid = (uint32_t)ev->n1;
			d->uv = (uint32_t)ev->n2;
			return true;
		}
		if (!acct_ev_is_terminal(ev->kind))
			return true;
		if (d->is_delete) {
			if (ev->kind == ACCT_EV_FAILED)
				scr_say(s, true, "%s: the old copy of the "
					"draft stays in the server's Drafts: "
					"%s", acc_cfg(s, acc)->name,
					ev->err.msg);
		} else if (ev->kind == ACCT_EV_DONE) {
			if (d->uid)
				note_server_copy(s, d->file, d->uv, d->uid);
			if (d->old_uid && d->uid && d->uv == d->old_uv)
				remove_server_draft(s, acc, d->old_uv,
						    d->old_uid);
			else if (d->old_uid)
				log_info("compose: the server gave no "
					 "APPENDUID in the same UIDVALIDITY; "
					 "the draft's old copy (UID %u) is "
					 "left", (unsigned)d->old_uid);
		} else {
			/* the old copy is all the server has: it stays */
			scr_say(s, true, "%s: the draft was not copied to the "
				"server: %s (kept here%s)",
				acc_cfg(s, acc)->name, ev->err.msg,
				d->old_uid ? "; the earlier copy stays there"
					   : "");
		}
		c = s->cmp; /* remove_server_draft may have grown the list */
		free(c->drs[i].file);
		c->drs[i] = c->drs[--c->ndrs];
		return true;
	}
	return false;
}

static void
postpone(struct screen *s, bool abort)
{
	struct perr e = PERR_INIT;

	char *to = postpone_file(s, &e);
	if (!to) {
		scr_say(s, true, "%s", e.msg[0] ? e.msg
					       : "the draft could not be kept");
		return;
	}
	if (!abort)
		append_draft(s, to);
	free(to);
	close_composer(s, false);
	scr_say(s, false, abort ? "message not sent; kept with the postponed "
				  "ones (R recalls it)"
				: "postponed (R recalls it)");
}

/* ---------------------------------------------------------------------
 * Worker answers
 */
bool
scr_compose_event(struct screen *s, size_t acc, const struct acct_event *ev)
{
	struct ui_composer *c = s->cmp;

	if (ev->req_id && drafting_event(s, acc, ev))
		return true;

	if (ev->kind == ACCT_EV_OUTBOX) {
		const struct acct_outbox_report *r = ev->payload;
		cmp_of(s)->waiting[acc] = r ? r->waiting : 0;
		cmp_of(s)->held[acc] = r ? r->held : 0;
		if (r && r->tick && r->sent)
			scr_say(s, false, "%s: %u message%s from the outbox "
				"sent", acc_cfg(s, acc)->name, r->sent,
				r->sent == 1 ? "" : "s");
		else if (r && r->tick && r->failed)
			scr_say(s, true, "%s: still not sent: %s; %u waiting "
				"in the outbox", acc_cfg(s, acc)->name,
				r->err.msg, r->waiting);
		return true;
	}
	if (ev->kind == ACCT_EV_PROGRESS && ev->folder &&
	    strcmp(ev->folder, "Outbox") == 0) {
		scr_say(s, false, "%s: sending %llu of %llu",
			acc_cfg(s, acc)->name,
			(unsigned long long)ev->n1 + 1,
			(unsigned long long)ev->n2);
		return true;
	}
	if (c && c->recall_wait && ev->kind == ACCT_EV_BODY &&
	    acc == c->rw_acc && (uint32_t)ev->n1 == c->rw_uid && ev->folder &&
	    c->rw_folder && strcmp(ev->folder, c->rw_folder) == 0) {
		/* the server draft to recall came */
		c->recall_wait = false;
		if (!c->open) {
			char *folder = xstrdup(c->rw_folder);
			recall_server(s, acc, c->rw_fid, folder, c->rw_uv,
				      c->rw_uid);
			free(folder);
		}
		return false;
	}
	if (c && c->pending && ev->kind == ACCT_EV_BODY &&
	    acc == c->pend_acc && (uint32_t)ev->n1 == c->pend_uid &&
	    s->cur_acc == c->pend_acc && s->cur_fid == c->pend_fid) {
		/* the message to answer came: the viewer may want it too */
		c->pending = false;
		compose_from_uid(s, c->pend_mode, c->pend_uid);
		return false;
	}
	if (!c || !acct_ev_is_terminal(ev->kind))
		return false;
	for (size_t i = 0; i < c->nsends; i++) {
		struct sending *sd = &c->sends[i];
		if (sd->req != ev->req_id || sd->acc != acc)
			continue;
		if (ev->kind == ACCT_EV_DONE) {
			scr_say(s, false, "%s: sent", acc_cfg(s, acc)->name);
			if (sd->is_reply && sd->reply_folder &&
			    s->acc[sd->reply_acc].w) {
				struct acct_op *op = acct_op_new();
				struct perr e = PERR_INIT;
				op->uids = xmalloc(sizeof(*op->uids));
				op->uids[0] = sd->reply_uid;
				op->n = 1;
				op->set = sd->forwarded ? STORE_F_FORWARDED
							: STORE_F_ANSWERED;
				if (acct_post(s->acc[sd->reply_acc].w,
					      ACCT_REQ_SET_FLAGS,
					      sd->reply_folder, op,
					      acct_op_free, NULL, &e) < 0)
					log_warn("compose: cannot mark the "
						 "original answered: %s",
						 e.msg);
			}
		} else if (ev->kind == ACCT_EV_FAILED) {
			scr_say(s, true, "%s: not sent: %s; %s",
				acc_cfg(s, acc)->name, ev->err.msg,
				c->held[acc]
					? "held in the outbox: fix the cause, "
					  "then :flush"
					: "it waits in the outbox and is tried "
					  "again at the next check");
		}
		free(sd->reply_folder);
		c->sends[i] = c->sends[--c->nsends];
		return true;
	}
	return false;
}

void
scr_compose_bar(struct screen *s, struct buf *b)
{
	unsigned n = 0;

	if (!s->cmp)
		return;
	for (size_t i = 0; i < s->nacc; i++)
		n += s->cmp->waiting[i];
	if (n)
		buf_addf(b, " | outbox: %u waiting", n);
}

void
scr_compose_start(struct screen *s)
{
	cmp_of(s);
	for (size_t i = 0; i < s->nacc; i++)
		count_outbox(s, i);
	if (s->p->compose_url)
		scr_compose_new(s, s->p->compose_url);
	else
		offer_recovery(s);
}

void
scr_compose_flush(struct screen *s)
{
	post_send(s, s->cur_acc, NULL);
	scr_say(s, false, "%s: flushing the outbox",
		acc_cfg(s, s->cur_acc)->name);
}

void
scr_compose_free(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	if (!c)
		return;
	/* the draft file stays: it is offered at the next start */
	free(c->draft_path);
	ui_draft_release(&c->d);
	ui_lineed_release(&c->saved);
	ui_lineed_release(&c->path);
	ui_texted_release(&c->te);
	ui_textlayout_release(&c->lay);
	ui_pager_release(&c->pv);
	ui_pager_release(&c->bv);
	buf_release(&c->bv_body);
	for (size_t i = 0; i < c->nsends; i++)
		free(c->sends[i].reply_folder);
	free(c->sends);
	for (size_t i = 0; i < c->ndrs; i++)
		free(c->drs[i].file);
	free(c->drs);
	pick_free(c);
	free(c->rw_folder);
	free(c->waiting);
	free(c->held);
	free(c->question);
	free(c->note);
	for (size_t i = 0; i < c->nrecover; i++)
		free(c->recover[i]);
	free(c->recover);
	ui_addr_list_free(c->cm, c->ncm);
	ui_addrbook_free(c->ab);
	free(c->ab_stores);
	free(c);
	s->cmp = NULL;
}

/* ---------------------------------------------------------------------
 * Keys
 */
static struct ui_lineed *
field_ed(struct ui_composer *c)
{
	switch (c->field) {
	case CF_TO: return &c->d.to;
	case CF_CC: return &c->d.cc;
	case CF_BCC: return &c->d.bcc;
	case CF_SUBJECT: return &c->d.subject;
	case CF_ATTACH: return &c->path;
	default: return NULL;
	}
}

static void
start_field(struct ui_composer *c, enum cfield f)
{
	c->field = f;
	struct ui_lineed *le = field_ed(c);
	ui_lineed_set(&c->saved, le->text.data);
}

static void
add_attachment(struct screen *s, const char *typed)
{
	struct ui_composer *c = s->cmp;
	struct stat st;
	char *path = file_expand_home(typed);

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    access(path, R_OK) < 0) {
		scr_say(s, true, "cannot attach '%s': %s", typed,
			errno ? strerror(errno) : "not a regular file");
		free(path);
		return;
	}
	if ((uint64_t)st.st_size > ATTACH_MAX) {
		scr_say(s, true, "cannot attach '%s': larger than %zu MiB",
			typed, ATTACH_MAX >> 20);
		free(path);
		return;
	}
	c->d.att = xgrow(c->d.att, &c->d.att_cap, c->d.natt + 1,
			 sizeof(*c->d.att));
	struct ui_attach *a = &c->d.att[c->d.natt++];
	memset(a, 0, sizeof(*a));
	buf_init(&a->data);
	a->path = path;
	const char *base = strrchr(path, '/');
	a->name = mime_safe_filename(base ? base + 1 : path);
	struct buf head = BUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		buf_grow(&head, 512);
		ssize_t r = read(fd, head.data, 512);
		head.len = r > 0 ? (size_t)r : 0;
		close(fd);
	}
	a->type = mime_type_guess(a->name, head.data, head.len);
	buf_release(&head);
	a->size = (uint64_t)st.st_size;
	c->att_sel = c->d.natt - 1;
	save_draft(s);
}

/* ---------------------------------------------------------------------
 * Address completion
 */
static void
complete_reset(struct ui_composer *c)
{
	ui_addr_list_free(c->cm, c->ncm);
	c->cm = NULL;
	c->ncm = c->cm_i = 0;
}

static struct ui_addrbook *
addrbook(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	if (c->ab || c->ab_tried)
		return c->ab;
	c->ab_tried = true;
	struct store **stores = xcalloc(s->nacc + 1, sizeof(*stores));
	size_t n = 0;
	for (size_t i = 0; i < s->nacc; i++)
		if (s->acc[i].st)
			stores[n++] = s->acc[i].st;
	const struct cfg_ui *u = &s->p->cfg->ui;
	struct ui_addrbook_params ap = {
		.aliases_path = u->aliases, .query_command = u->query_command,
		.stores = stores, .nstores = n,
	};
	char *warn = NULL;
	struct perr e = PERR_INIT;
	c->ab = ui_addrbook_open(&ap, &warn, &e);
	c->ab_stores = stores;
	if (!c->ab)
		scr_say(s, true, "address book: %s", e.msg);
	else if (warn)
		scr_say(s, true, "%s", warn);
	free(warn);
	return c->ab;
}

static void
show_match(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	struct ui_lineed *le = field_ed(c);
	struct buf b = BUF_INIT;

	ui_addr_format(&c->cm[c->cm_i], &b);
	if (ui_lineed_replace(le, c->cm_start, c->cm_end, b.data))
		c->cm_end = c->cm_start + b.len;
	if (c->ncm > 1)
		scr_say(s, false, "%zu of %zu matches; Tab: the next",
			c->cm_i + 1, c->ncm);
	else
		scr_say(s, false, "the only match");
	buf_release(&b);
}

/* Tab in an address field: an alias is expanded; otherwise the address
 * being typed is completed from the book, and each further Tab puts the
 * next match in its place. */
static void
complete_addr(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	struct ui_lineed *le = field_ed(c);

	if (c->ncm) {
		c->cm_i = (c->cm_i + 1) % c->ncm;
		show_match(s);
		return;
	}
	size_t start, end;
	ui_addr_token(le, &start, &end);
	char *typed = xstrndup(le->text.data + start, end - start);
	if (!*typed) {
		scr_say(s, false, "type the start of a name, an address or an "
			"alias, then Tab");
		free(typed);
		return;
	}
	struct ui_addrbook *ab = addrbook(s);
	if (!ab) {
		free(typed);
		return;
	}
	struct buf ex = BUF_INIT;
	if (ui_addrbook_expand(ab, typed, &ex) == 1) {
		if (ui_lineed_replace(le, start, end, ex.data))
			scr_say(s, false, "alias '%s' expanded", typed);
		else
			scr_say(s, true, "alias '%s' is too long for the field",
				typed);
		buf_release(&ex);
		free(typed);
		soon_save(s);
		return;
	}
	buf_release(&ex);
	struct perr e = PERR_INIT;
	int rc = ui_addrbook_complete(ab, typed, 50, &c->cm, &c->ncm, &e);
	if (rc < 0) {
		scr_say(s, true, "completion: %s", e.msg);
	} else if (c->ncm == 0) {
		scr_say(s, rc == 1, "no address matches '%s'%s%s", typed,
			rc == 1 ? ": " : "", rc == 1 ? e.msg : "");
	} else {
		c->cm_i = 0;
		c->cm_start = start;
		c->cm_end = end;
		show_match(s);
		soon_save(s);
	}
	free(typed);
}

static bool
enter_key(int type, wint_t ch)
{
	return (type == OK && (ch == '\n' || ch == '\r')) ||
	       (type == KEY_CODE_YES && ch == KEY_ENTER);
}

static void
line_key(struct screen *s, int type, wint_t ch)
{
	struct ui_composer *c = s->cmp;
	struct ui_lineed *le = field_ed(c);

	if (type == OK && ch == '\t' &&
	    (c->field == CF_TO || c->field == CF_CC || c->field == CF_BCC)) {
		complete_addr(s);
		return;
	}
	complete_reset(c);
	if (enter_key(type, ch)) {
		enum cfield f = c->field;
		c->field = CF_NONE;
		if (f == CF_ATTACH) {
			struct slice t = slice_trim(slice_make(
				le->text.data, le->text.len));
			char *p = slice_dup(t);
			if (*p)
				add_attachment(s, p);
			free(p);
		} else {
			save_draft(s);
		}
		return;
	}
	if (type == OK && (ch == 27 || ch == 7)) { /* Esc, Ctrl-G */
		enum cfield f = c->field;
		c->field = CF_NONE;
		if (f != CF_ATTACH) {
			ui_lineed_set(le, c->saved.text.data);
			save_draft(s);
		}
		return;
	}
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_LEFT: ui_lineed_op(le, UI_LE_LEFT); break;
		case KEY_RIGHT: ui_lineed_op(le, UI_LE_RIGHT); break;
		case KEY_HOME: ui_lineed_op(le, UI_LE_HOME); break;
		case KEY_END: ui_lineed_op(le, UI_LE_END); break;
		case KEY_BACKSPACE: ui_lineed_op(le, UI_LE_BACKSPACE); break;
		case KEY_DC: ui_lineed_op(le, UI_LE_DELETE); break;
		default: break;
		}
		return;
	}
	switch (ch) {
	case 1: ui_lineed_op(le, UI_LE_HOME); break;       /* Ctrl-A */
	case 5: ui_lineed_op(le, UI_LE_END); break;        /* Ctrl-E */
	case 2: ui_lineed_op(le, UI_LE_LEFT); break;       /* Ctrl-B */
	case 6: ui_lineed_op(le, UI_LE_RIGHT); break;      /* Ctrl-F */
	case 4: ui_lineed_op(le, UI_LE_DELETE); break;     /* Ctrl-D */
	case 11: ui_lineed_op(le, UI_LE_KILL_END); break;  /* Ctrl-K */
	case 21: ui_lineed_op(le, UI_LE_KILL_START); break; /* Ctrl-U */
	case 23: ui_lineed_op(le, UI_LE_WORD_BACK); break; /* Ctrl-W */
	case 8:
	case 127: ui_lineed_op(le, UI_LE_BACKSPACE); break;
	default:
		ui_lineed_insert(le, (uint32_t)ch);
		break;
	}
	if (c->field != CF_ATTACH)
		soon_save(s);
}

static void
body_key(struct screen *s, int type, wint_t ch)
{
	struct ui_composer *c = s->cmp;
	struct ui_texted *te = &c->te;

	if (type == OK && (ch == 27 || ch == 7)) {
		/* Esc ends the editing and keeps the text */
		buf_reset(&c->d.body);
		buf_add(&c->d.body, te->text.data, te->text.len);
		c->field = CF_NONE;
		save_draft(s);
		return;
	}
	if (enter_key(type, ch)) {
		/* like any other key: written at most once a second while
		 * typing goes on (an fsync per line was a stall per line on
		 * a slow disk), and at once when the text is left */
		ui_texted_op(te, UI_TE_NEWLINE);
		soon_save(s);
		return;
	}
	if (type == KEY_CODE_YES) {
		switch (ch) {
		case KEY_LEFT: ui_texted_op(te, UI_TE_LEFT); break;
		case KEY_RIGHT: ui_texted_op(te, UI_TE_RIGHT); break;
		case KEY_UP: ui_texted_op(te, UI_TE_UP); break;
		case KEY_DOWN: ui_texted_op(te, UI_TE_DOWN); break;
		case KEY_HOME: ui_texted_op(te, UI_TE_HOME); break;
		case KEY_END: ui_texted_op(te, UI_TE_END); break;
		case KEY_BACKSPACE: ui_texted_op(te, UI_TE_BACKSPACE); break;
		case KEY_DC: ui_texted_op(te, UI_TE_DELETE); break;
		default: return;
		}
		soon_save(s);
		return;
	}
	switch (ch) {
	case 1: ui_texted_op(te, UI_TE_HOME); break;
	case 5: ui_texted_op(te, UI_TE_END); break;
	case 11: ui_texted_op(te, UI_TE_KILL_END); break;
	case 8:
	case 127: ui_texted_op(te, UI_TE_BACKSPACE); break;
	default:
		if (!ui_texted_insert(te, (uint32_t)ch))
			return;
		break;
	}
	soon_save(s);
}

static void
preview(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	struct buf msg = BUF_INIT;
	struct perr e = PERR_INIT;

	if (build(s, &msg, NULL, NULL, &e) < 0) {
		scr_say(s, true, "cannot build the message: %s", e.msg);
		buf_release(&msg);
		return;
	}
	ui_pager_render(&c->pv, msg.data, msg.len,
			s->acc[c->d.from].assumed, s->cols);
	buf_release(&msg);
	c->pv_top = 0;
	c->preview = true;
}

static void
preview_key(struct screen *s, int type, wint_t ch)
{
	struct ui_composer *c = s->cmp;
	size_t page = s->rows > 4 ? (size_t)s->rows - 3 : 1;
	size_t max = c->pv.n > page ? c->pv.n - page : 0;

	if (type == KEY_CODE_YES)
		ch = ch == KEY_DOWN ? 'j' : ch == KEY_UP ? 'k'
		     : ch == KEY_NPAGE ? ' ' : ch == KEY_PPAGE ? 'b' : 0;
	switch (ch) {
	case 'j': if (c->pv_top < max) c->pv_top++; break;
	case 'k': if (c->pv_top) c->pv_top--; break;
	case ' ': c->pv_top = c->pv_top + page < max ? c->pv_top + page
						   : max; break;
	case 'b': c->pv_top = c->pv_top > page ? c->pv_top - page : 0; break;
	case 'q':
	case 'i':
		c->preview = false;
		ui_pager_release(&c->pv);
		break;
	default:
		scr_say(s, false, "preview: j/k scroll, q returns to the "
			"message");
		break;
	}
}

static void
ask_key(struct screen *s, int type, wint_t ch)
{
	struct ui_composer *c = s->cmp;
	bool yes = type == OK && (ch == 'y' || ch == 'Y');
	enum cask a = c->ask;

	c->ask = ASK_NONE;
	free(c->question);
	c->question = NULL;
	free(s->message);
	s->message = NULL;
	if (a == ASK_ABORT && yes)
		postpone(s, true);
	else if (a == ASK_SEND_EMPTY && yes)
		do_send(s);
	else if (a == ASK_DELETE_DRAFT && yes && c->picking)
		pick_delete(s);
	else if (a == ASK_RECOVER) {
		char **v = c->recover;
		size_t n = c->nrecover;
		c->recover = NULL;
		c->nrecover = 0;
		if (yes && n) {
			/* the newest in the composer; the others become
			 * postponed ones for R */
			for (size_t i = 1; i < n; i++) {
				const char *base = strrchr(v[i], '/');
				char *dir = xstrndup(v[i],
						     (size_t)(base - v[i]));
				char *to = xstrfmt("%s/postponed-%s", dir,
						   base + 7);
				if (rename(v[i], to) < 0)
					log_warn("compose: cannot keep '%s': "
						 "%s", v[i], strerror(errno));
				free(to);
				free(dir);
			}
			if (open_draft_file(s, v[0]))
				scr_say(s, false, "draft recovered%s",
					n > 1 ? "; the others wait for R"
					      : "");
		} else if (n) {
			scr_say(s, false, "the drafts are kept; they are "
				"offered again at the next start");
		}
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
	}
}

/* The index's question at start, before any composer opens. */
bool
scr_compose_asking(struct screen *s)
{
	return s->cmp && s->cmp->ask != ASK_NONE;
}

bool
scr_compose_raw(struct screen *s)
{
	const struct ui_composer *c = s->cmp;

	return !c || c->ask != ASK_NONE || c->field != CF_NONE || c->preview ||
	       c->picking;
}

void
scr_compose_key(struct screen *s, int type, wint_t ch)
{
	struct ui_composer *c = cmp_of(s);

	if (c->ask != ASK_NONE) {
		ask_key(s, type, ch);
		return;
	}
	if (c->picking) {
		free(s->message);
		s->message = NULL;
		pick_key(s, type, ch);
		return;
	}
	if (!c->open) {
		s->view = VIEW_INDEX;
		return;
	}
	if (c->preview) {
		preview_key(s, type, ch);
		return;
	}
	if (c->field == CF_BODY) {
		body_key(s, type, ch);
		return;
	}
	if (c->field != CF_NONE) {
		line_key(s, type, ch);
		return;
	}
	free(s->message);
	s->message = NULL;
	if (type == KEY_CODE_YES) {
		if (ch == KEY_DOWN && c->att_sel + 1 < c->d.natt)
			c->att_sel++;
		else if (ch == KEY_UP && c->att_sel > 0)
			c->att_sel--;
		return;
	}
	switch (ch) {
	case 'y': try_send(s); break;
	case 'e': edit_body(s); break;
	case 't': start_field(c, CF_TO); break;
	case 'c': start_field(c, CF_CC); break;
	case 'b': start_field(c, CF_BCC); break;
	case 's': start_field(c, CF_SUBJECT); break;
	case 'a':
		ui_lineed_set(&c->path, NULL);
		c->field = CF_ATTACH;
		break;
	case 'D':
		if (c->d.natt) {
			struct ui_attach *a = &c->d.att[c->att_sel];
			free(a->path);
			free(a->name);
			free(a->kept);
			buf_release(&a->data);
			memmove(a, a + 1, (c->d.natt - c->att_sel - 1) *
						  sizeof(*a));
			c->d.natt--;
			if (c->att_sel >= c->d.natt && c->att_sel)
				c->att_sel--;
			save_draft(s);
		} else {
			scr_say(s, false, "no attachment to remove");
		}
		break;
	case 'j': if (c->att_sel + 1 < c->d.natt) c->att_sel++; break;
	case 'k': if (c->att_sel > 0) c->att_sel--; break;
	case 'f':
		/* the identity: the next account's address */
		c->d.from = (c->d.from + 1) % s->nacc;
		save_draft(s);
		break;
	case 'p': preview(s); break;
	case 'P': postpone(s, false); break;
	case 'q':
		ask(c, ASK_ABORT, "abort this message? it is kept with the "
		    "postponed ones (y/n)");
		break;
	case 12: clearok(curscr, TRUE); break;
	case '?': scr_say(s, false, "y send  e edit text  t To  c Cc  b Bcc  "
			  "s Subject  f From  a attach  D remove  p preview  "
			  "P postpone  q abort"); break;
	default:
		scr_say(s, false, "y send, e edit, t/c/b/s fields, a attach, "
			"P postpone, q abort, ? keys");
		break;
	}
}

/* ---------------------------------------------------------------------
 * Drawing
 */
static void
put_fit(int y, int x, const char *p, size_t len, int cells, int attr)
{
	struct buf safe = BUF_INIT, fit = BUF_INIT;

	if (cells <= 0)
		return;
	ui_sanitize(&safe, p, len, UI_TAB_SPACE);
	ui_fit(&fit, safe.data, safe.len, cells, UI_LEFT);
	attron(attr);
	scr_put_cells(y, x, fit.data, fit.len);
	attroff(attr);
	buf_release(&safe);
	buf_release(&fit);
}

/* A header row "Label: value" with the value editable; returns the
 * cursor's column when this field is being edited, else -1. */
static int
draw_field(struct screen *s, int y, const char *label,
	   const struct ui_lineed *le, bool editing)
{
	int lw = 10;
	int w = s->cols - lw;
	size_t cur = ui_lineed_cursor_cells(le);
	size_t skip = 0;

	put_fit(y, 0, label, strlen(label), lw, COLOR_PAIR(PAIR_HDR) | A_BOLD);
	/* a long value scrolls so the cursor stays in sight */
	if (editing && w > 2 && cur >= (size_t)w - 1)
		skip = cur - (size_t)w + 2;
	size_t off = 0, cells = 0;
	while (off < le->text.len && cells < skip) {
		uint32_t cp = 0xfffd;
		size_t k = utf8_decode(le->text.data + off,
				       le->text.len - off, &cp);
		if (!k)
			k = 1; /* shown as U+FFFD, one cell */
		int cw = ui_cp_width(cp);
		cells += cw > 0 ? (size_t)cw : 0;
		off += k;
	}
	put_fit(y, lw, le->text.data + off, le->text.len - off, w,
		editing ? A_UNDERLINE : 0);
	return editing ? lw + (int)(cur - cells) : -1;
}

static void
draw_question(struct screen *s)
{
	struct ui_composer *c = s->cmp;

	move(s->rows - 1, 0);
	clrtoeol();
	put_fit(s->rows - 1, 0, c->question, strlen(c->question),
		s->cols - 1, A_BOLD);
	curs_set(0);
}

void
scr_compose_draw(struct screen *s)
{
	struct ui_composer *c = s->cmp;
	int cy = -1, cx = -1;
	int body_h = s->rows - 2;

	if (c && c->picking && !c->open) {
		draw_pick(s);
		if (c->ask != ASK_NONE && c->question)
			draw_question(s);
		return;
	}
	if (c && c->ask != ASK_NONE && c->question && !c->open) {
		draw_question(s);
		return;
	}
	if (!c || !c->open)
		return;
	for (int y = 1; y < s->rows - 1; y++) {
		move(y, 0);
		clrtoeol();
	}
	if (c->preview) {
		for (int y = 0; y < body_h; y++) {
			size_t i = c->pv_top + (size_t)y;
			if (i >= c->pv.n)
				break;
			const struct ui_pager_line *l = &c->pv.v[i];
			int attr = l->header && i < c->pv.nheader
					   ? COLOR_PAIR(PAIR_HDR) | A_BOLD
					   : 0;
			attron(attr);
			scr_put_cells(1 + y, 0, c->pv.text.data + l->off,
				      l->len);
			attroff(attr);
		}
		put_fit(s->rows - 1, 0, "-- preview: the message as it will "
			"be sent; q returns --", 57, s->cols - 1, A_BOLD);
		curs_set(0);
		return;
	}
	const struct cfg_account *ca = acc_cfg(s, c->d.from);
	struct buf from = BUF_INIT;
	if (ca->real_name)
		buf_addf(&from, "%s <%s>", ca->real_name, ca->address);
	else
		buf_addstr(&from, ca->address);
	buf_addf(&from, "   (account %s%s)", ca->name,
		 s->nacc > 1 ? "; f changes" : "");
	put_fit(1, 0, "From:", 5, 10, COLOR_PAIR(PAIR_HDR) | A_BOLD);
	put_fit(1, 10, from.data, from.len, s->cols - 10, 0);
	buf_release(&from);
	int x;
	if ((x = draw_field(s, 2, "To:", &c->d.to, c->field == CF_TO)) >= 0)
		cy = 2, cx = x;
	if ((x = draw_field(s, 3, "Cc:", &c->d.cc, c->field == CF_CC)) >= 0)
		cy = 3, cx = x;
	if ((x = draw_field(s, 4, "Bcc:", &c->d.bcc, c->field == CF_BCC)) >= 0)
		cy = 4, cx = x;
	if ((x = draw_field(s, 5, "Subject:", &c->d.subject,
			    c->field == CF_SUBJECT)) >= 0)
		cy = 5, cx = x;
	int y = 6;
	if (c->note) {
		put_fit(y, 0, c->note, strlen(c->note), s->cols,
			COLOR_PAIR(PAIR_ERR));
		y++;
	}
	for (size_t i = 0; i < c->d.natt && y < s->rows - 3; i++, y++) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s %zu ", i == c->att_sel ? ">" : " ", i + 1);
		buf_addstr(&b, c->d.att[i].name);
		buf_addstr(&b, "  [");
		buf_addstr(&b, c->d.att[i].type);
		buf_addstr(&b, ", ");
		ui_format_size(&b, c->d.att[i].size);
		buf_addstr(&b, "]");
		put_fit(y, 0, b.data, b.len, s->cols,
			i == c->att_sel ? A_BOLD : 0);
		buf_release(&b);
	}
	attron(A_REVERSE);
	put_fit(y, 0, "-- text (e edits) --", 20, s->cols, A_REVERSE);
	attroff(A_REVERSE);
	y++;
	int h = s->rows - 1 - y;
	if (c->field == CF_BODY) {
		size_t crow, ccol;
		ui_texted_layout(&c->te, s->cols - 1, &c->lay, &crow, &ccol);
		const struct ui_textrow *rows = c->lay.v;
		size_t n = c->lay.n;
		if (h > 0) {
			if (crow < c->te_top)
				c->te_top = crow;
			if (crow >= c->te_top + (size_t)h)
				c->te_top = crow - (size_t)h + 1;
			for (int r = 0; r < h; r++) {
				size_t i = c->te_top + (size_t)r;
				if (i >= n)
					break;
				struct buf safe = BUF_INIT;
				ui_sanitize(&safe, c->te.text.data + rows[i].off,
					    rows[i].len, UI_TAB_SPACE);
				scr_put_cells(y + r, 0, safe.data, safe.len);
				buf_release(&safe);
			}
			cy = y + (int)(crow - c->te_top);
			cx = (int)ccol;
		}
	} else if (h > 0) {
		struct ui_pager *pg = &c->bv;
		/* the text as it stands, through the viewer's renderer; once
		 * for each body and width, not on every draw */
		if (!c->bv_ok || c->bv_cols != s->cols ||
		    c->bv_body.len != c->d.body.len ||
		    memcmp(c->bv_body.data, c->d.body.data,
			   c->d.body.len) != 0) {
			struct buf t = BUF_INIT;
			buf_addstr(&t, "\n");
			buf_add(&t, c->d.body.data, c->d.body.len);
			ui_pager_release(pg);
			memset(pg, 0, sizeof(*pg));
			ui_pager_render(pg, t.data, t.len, NULL, s->cols);
			buf_release(&t);
			buf_reset(&c->bv_body);
			buf_add(&c->bv_body, c->d.body.data, c->d.body.len);
			c->bv_cols = s->cols;
			c->bv_ok = true;
		}
		for (int r = 0; r < h && (size_t)r + 1 < pg->n; r++) {
			const struct ui_pager_line *l = &pg->v[(size_t)r + 1];
			int attr = l->quote ? COLOR_PAIR(PAIR_Q1 +
					       (int)((l->quote - 1) % 3))
					    : 0;
			attron(attr);
			scr_put_cells(y + r, 0, pg->text.data + l->off, l->len);
			attroff(attr);
		}
	}
	/* the bottom line: a question, the attach prompt, or the keys */
	move(s->rows - 1, 0);
	clrtoeol();
	if (c->field == CF_ATTACH) {
		cx = draw_field(s, s->rows - 1, "Attach:", &c->path, true);
		cy = s->rows - 1;
	} else if (s->message) {
		put_fit(s->rows - 1, 0, s->message, strlen(s->message),
			s->cols - 1,
			s->message_err ? COLOR_PAIR(PAIR_ERR) | A_BOLD : 0);
	} else if (c->field == CF_BODY) {
		put_fit(s->rows - 1, 0, "-- editing the text: Esc ends --", 32,
			s->cols - 1, A_BOLD);
	} else if (c->field != CF_NONE) {
		put_fit(s->rows - 1, 0, "-- Enter keeps, Esc cancels --", 30,
			s->cols - 1, A_BOLD);
	} else {
		const char *k = "y:send e:edit t:To c:Cc b:Bcc s:Subject "
				"a:attach D:remove p:preview P:postpone "
				"q:abort";
		put_fit(s->rows - 1, 0, k, strlen(k), s->cols - 1, A_BOLD);
	}
	if (c->ask != ASK_NONE && c->question) {
		draw_question(s);
		return;
	}
	if (cy >= 0 && cx >= 0 && cx < s->cols) {
		curs_set(1);
		move(cy, cx);
	} else {
		curs_set(0);
	}
}
