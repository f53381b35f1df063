/* SPDX-License-Identifier: ISC */
/*
 * The copy of sent mail on an IMAP server: after the SMTP server's 250
 * the message moves to the account's local Sent Maildir, and a marker
 * file (named by the outbox id, in "<sent>-server-copy/") says that its
 * copy in the server's Sent folder is still to be made. The APPEND comes
 * after, over its own IMAP session; the marker goes only when the server
 * said OK, so a failed or interrupted APPEND is retried by the next
 * flush, and nothing here ever touches the SMTP side again: the mail is
 * never sent twice for the sake of its copy.
 *
 * Shared by the account worker and the commands (postie/send.h); what
 * the user should read goes to the caller's note callback.
 *
 * The marker says "appending" while an APPEND is under way. If the
 * process dies after the server stored the copy but before the marker
 * went (or the connection broke after the message was sent), the next
 * flush finds "appending" and first searches the Sent folder for the
 * message's Message-ID, so that the retry does not file a second copy.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/base.h"
#include "postie/config.h"
#include "postie/imap.h"
#include "postie/log.h"
#include "postie/outbox.h"
#include "postie/send.h"

/* A line for the user, through the caller's callback. */
static void
say(acct_note_fn note, void *arg, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void
say(acct_note_fn note, void *arg, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	if (!note)
		return;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	note(arg, b.data);
	buf_release(&b);
}

bool
acct_sent_copy_wanted(const struct cfg_account *a)
{
	return a && a->receive.proto == CFG_PROTO_IMAP && a->sent_copy;
}

static char *
marker_dir(const struct outbox *ob)
{
	return xstrfmt("%s-server-copy", ob->sent);
}

/* Outbox ids are made by postie (no '/', no ':', nothing below '!');
 * anything else in the directory is not a marker of ours. */
static bool
id_ok(const char *id)
{
	if (!*id || *id == '.' || strlen(id) > 255)
		return false;
	for (const char *p = id; *p; p++)
		if (*p == '/' || *p == ':' || (unsigned char)*p < 0x21 ||
		    *p == 0x7f)
			return false;
	return true;
}

void
acct_sent_copy_mark(const struct cfg_account *a, const struct outbox *ob,
		    const char *id, acct_note_fn note, void *arg)
{
	struct perr e = PERR_INIT;

	if (!acct_sent_copy_wanted(a))
		return;
	char *dir = marker_dir(ob);
	char *path = xstrfmt("%s/%s", dir, id);
	if (!id_ok(id))
		perr_set(&e, PERR_LOCAL, "odd message id '%s'", id);
	else if (file_mkdirs(dir, 0700, &e) == 0)
		file_write_atomic(path, "", 0, 0600, &e);
	if (e.kind != PERR_NONE) {
		log_warn("sent copy: %s", e.msg);
		say(note, arg, "no copy of message %s will be made in the "
		    "server's Sent: %s", id, e.msg);
	}
	free(path);
	free(dir);
}

/* ---------------------------------------------------------------------
 * The session and the folder
 */
static int
open_session(const struct cfg_account *a, struct imap_session *s,
	     int timeout_ms, struct perr *e)
{
	struct acct_server_buf sb;
	struct imap_session_params p;
	char *pw = NULL;

	/* The account is checked before its password command runs. */
	if (acct_imap_params(a, NULL, timeout_ms, -1, &sb, &p, e) < 0 ||
	    cfg_account_password(a, &pw, e) < 0)
		return -1;
	p.password = pw;
	int rc = imap_session_open(s, &p, e);
	memset(pw, 0, strlen(pw));
	free(pw);
	if (rc < 0)
		imap_session_close(s);
	return rc;
}

struct sent_box {
	char *name;
	bool raw;
};

static int
on_list(const struct imap_list *l, void *arg, struct perr *e)
{
	struct sent_box *b = arg;

	(void)e;
	if (b->name || !(l->attrs & IMAP_MBX(SENT)) ||
	    (l->attrs & IMAP_MBX(NOSELECT)) || !l->mbox.raw.data ||
	    imap_str_has_nul(&l->mbox.raw))
		return 0;
	b->name = xstrdup(l->mbox.raw.data);
	b->raw = true;
	return 0;
}

static int
find_sent(const struct cfg_account *a, struct imap_session *s,
	  struct sent_box *b, struct perr *e)
{
	if (a->sent && *a->sent) {
		b->name = xstrdup(a->sent);
		b->raw = false;
		return 0;
	}
	struct perr le = PERR_INIT;
	if (imap_list_folders(s, "*", on_list, b, &le) < 0 &&
	    le.kind != PERR_REJECTED) {
		*e = le;
		return -1;
	}
	if (!b->name) {
		b->name = xstrdup("Sent");
		b->raw = false;
	}
	return 0;
}

/* APPEND one message; a missing folder is created once. */
static int
append_one(struct imap_session *s, struct sent_box *b, const char *msg,
	   size_t len, bool *created, struct perr *e)
{
	static const char *const seen[] = { "\\Seen" };
	struct imap_append ap = {
		.folder = b->name, .raw = b->raw, .flags = seen, .nflags = 1,
		.msg = msg, .len = len,
	};

	if (imap_append(s, &ap, e) == 0)
		return 0;
	if (e->kind != PERR_FOLDER || *created)
		return -1;
	*created = true;
	if (imap_create(s, b->name, b->raw, e) < 0)
		return -1;
	return imap_append(s, &ap, e);
}

#define APPENDING "appending"

/* The value of the Message-ID header of (msg, len), unfolded lines only,
 * into out; false when there is none that can be searched for. */
static bool
message_id(const char *msg, size_t len, struct buf *out)
{
	struct slice rest = slice_make(msg, len), line;

	while (rest.len) {
		slice_split(&rest, '\n', &line);
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (!line.len)
			break; /* end of the header */
		if (!slice_starts_ci(line, "Message-ID:"))
			continue;
		struct slice v = slice_make(line.p + 11, line.len - 11);
		v = slice_trim(v);
		if (!v.len || v.len > 900 || memchr(v.p, '"', v.len) ||
		    memchr(v.p, '\\', v.len) || memchr(v.p, '\0', v.len))
			return false;
		buf_add(out, v.p, v.len);
		return true;
	}
	return false;
}

static int
count_search(const struct imap_resp *r, void *arg, struct perr *e)
{
	(void)e;
	if (r->kind == IMAP_RESP_SEARCH)
		*(size_t *)arg += r->search.n;
	return 0;
}

/* Whether the server's Sent already holds (msg, len), looked up by its
 * Message-ID: 1 yes, 0 no (or nothing to look up by), -1 on failure. */
static int
already_filed(struct imap_session *s, const struct sent_box *b,
	      const char *msg, size_t len, struct perr *e)
{
	struct buf id = BUF_INIT;
	char tag[IMAP_TAG_SIZE];
	struct imap_cmd c;
	struct imap_resp final;
	size_t found = 0;
	int rc;

	if (!message_id(msg, len, &id)) {
		buf_release(&id);
		return 0;
	}
	if (imap_session_select(s, b->name, b->raw, true, e) < 0) {
		buf_release(&id);
		if (e->kind != PERR_FOLDER)
			return -1;
		perr_clear(e); /* no Sent folder yet: no copy in it */
		return 0;
	}
	imap_session_tag(s, tag);
	imap_cmd_init(&c, tag, "UID SEARCH", 0);
	imap_cmd_raw(&c, "HEADER Message-ID");
	rc = imap_cmd_astring(&c, id.data, id.len, e);
	if (rc == 0) {
		imap_cmd_finish(&c);
		imap_resp_init(&final);
		rc = imap_session_run(s, &c, tag, count_search, &found,
				      &final, e);
		imap_resp_release(&final);
	}
	imap_cmd_release(&c);
	buf_release(&id);
	if (rc < 0)
		return -1;
	return found > 0;
}

/* Where message id lives in the local Sent, or NULL. */
static char *
sent_file(const struct outbox *ob, const char *id)
{
	char *p = xstrfmt("%s/cur/%s:2,S", ob->sent, id);
	struct stat sb;

	if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
		return p;
	free(p);
	return NULL;
}

unsigned
acct_sent_copy_flush(const struct cfg_account *a, const struct outbox *ob,
		     int timeout_ms, acct_note_fn note, void *arg)
{
	struct perr e = PERR_INIT;
	struct imap_session s;
	struct sent_box box = { NULL, false };
	bool open = false, created = false, failed = false;
	unsigned waiting = 0, done = 0;
	char **ids = NULL;
	size_t n = 0, cap = 0;

	if (!acct_sent_copy_wanted(a))
		return 0;
	char *dir = marker_dir(ob);
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			say(note, arg, "cannot read '%s': %s", dir,
			    strerror(errno));
		free(dir);
		return 0;
	}
	for (struct dirent *de; (de = readdir(d));) {
		if (!id_ok(de->d_name))
			continue;
		ids = xgrow(ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = xstrdup(de->d_name);
	}
	closedir(d);

	for (size_t i = 0; i < n; i++) {
		char *mark = xstrfmt("%s/%s", dir, ids[i]);
		char *path = sent_file(ob, ids[i]);
		struct buf msg = BUF_INIT;

		if (!path) {
			struct outbox_entry ent;
			struct perr ge = PERR_INIT;
			if (outbox_get((struct outbox *)ob, ids[i], &ent,
				       &ge) == 0) {
				/* not moved to Sent yet: a later flush */
				outbox_entry_release(&ent);
				waiting++;
			} else {
				log_warn("sent copy: message %s is no longer "
					 "in the local Sent; no copy made",
					 ids[i]);
				unlink(mark);
			}
			goto next;
		}
		if (failed) {
			waiting++;
			goto next;
		}
		if (file_read_all(path, &msg, OUTBOX_MAX_MESSAGE, &e) < 0)
			goto fail;
		if (!open) {
			if (open_session(a, &s, timeout_ms, &e) < 0 ||
			    find_sent(a, &s, &box, &e) < 0) {
				failed = true;
				goto fail;
			}
			open = true;
		}
		struct buf was = BUF_INIT;
		file_read_all(mark, &was, 4096, NULL);
		bool doubt = was.len >= strlen(APPENDING) &&
			     !memcmp(was.data, APPENDING, strlen(APPENDING));
		buf_release(&was);
		int filed = doubt ? already_filed(&s, &box, msg.data, msg.len,
						  &e)
				  : 0;
		if (filed < 0) {
			if (s.state == IMAP_SS_DISCONNECTED)
				failed = true;
			goto fail;
		}
		if (filed) {
			log_info("sent copy: message %s is in '%s' already "
				 "(an earlier attempt was cut short)", ids[i],
				 box.name);
		} else if (file_write_atomic(mark, APPENDING,
					     strlen(APPENDING), 0600,
					     &e) < 0) {
			goto fail;
		} else if (append_one(&s, &box, msg.data, msg.len, &created,
				      &e) < 0) {
			if (s.state == IMAP_SS_DISCONNECTED)
				failed = true;
			goto fail;
		}
		crashpoint("sent.after-append");
		if (unlink(mark) < 0 && errno != ENOENT)
			log_warn("sent copy: cannot remove '%s': %s", mark,
				 strerror(errno));
		log_info("sent copy: message %s filed in '%s'", ids[i],
			 box.name);
		done++;
		goto next;
fail:
		waiting++;
		log_warn("sent copy: message %s: %s", ids[i], e.msg);
		say(note, arg, "sent, but no copy in the server's Sent yet: "
		    "%s; kept in the local Sent, and the next flush tries "
		    "again", e.msg);
		{
			/* A refusal leaves no copy; anything else (a broken
			 * connection) may have left one: keep the doubt. */
			struct perr we = PERR_INIT;
			char *why = e.kind == PERR_REJECTED
					    ? xstrdup(e.msg)
					    : xstrfmt(APPENDING ": %s", e.msg);
			file_write_atomic(mark, why, strlen(why), 0600, &we);
			free(why);
		}
		perr_clear(&e);
next:
		buf_release(&msg);
		free(path);
		free(mark);
		free(ids[i]);
	}
	if (open)
		imap_session_close(&s);
	if (done)
		file_fsync_dir(dir, &e);
	free(box.name);
	free(ids);
	free(dir);
	return waiting;
}
