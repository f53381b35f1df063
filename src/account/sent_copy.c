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

/* ---------------------------------------------------------------------
 * The flag on the message answered or forwarded
 *
 * A marker in "<sent>-flag-original/", named by the outbox id, written
 * before the entry leaves the outbox, holds the original's folder,
 * UIDVALIDITY and UID. After the SMTP session the markers are worked
 * through over one IMAP session: the folder is selected, its UIDVALIDITY
 * compared (a changed one means the UID names another message, or none:
 * skipped, with a log line), and the flag stored on exactly that UID. A
 * marker goes once the flag is set or cannot ever be; one that failed
 * for a broken connection waits for the next flush.
 */
static char *
flag_dir(const struct outbox *ob)
{
	return xstrfmt("%s-flag-original", ob->sent);
}

void
acct_flag_original_mark(const struct cfg_account *a, const struct outbox *ob,
			const struct outbox_entry *ent, acct_note_fn note,
			void *arg)
{
	struct perr e = PERR_INIT;

	if (!ent->orig.uid || !ent->orig.account || !ent->orig.folder)
		return;
	if (strcmp(ent->orig.account, a->name) != 0 ||
	    a->receive.proto != CFG_PROTO_IMAP) {
		log_info("flag original: message %s answers a message of "
			 "another account; left to the screen", ent->id);
		return;
	}
	char *dir = flag_dir(ob);
	char *path = xstrfmt("%s/%s", dir, ent->id);
	struct buf b = BUF_INIT;
	buf_addf(&b, "uid %u %u\nflag %s\nfolder %s\n",
		 (unsigned)ent->orig.uidvalidity, (unsigned)ent->orig.uid,
		 ent->orig.forwarded ? "forwarded" : "answered",
		 ent->orig.folder);
	if (!id_ok(ent->id))
		perr_set(&e, PERR_LOCAL, "odd message id '%s'", ent->id);
	else if (file_mkdirs(dir, 0700, &e) == 0)
		file_write_atomic(path, b.data, b.len, 0600, &e);
	if (e.kind != PERR_NONE) {
		log_warn("flag original: %s", e.msg);
		say(note, arg, "the original of message %s will not be "
		    "flagged: %s", ent->id, e.msg);
	}
	buf_release(&b);
	free(path);
	free(dir);
}

struct flag_mark {
	uint32_t uidvalidity, uid;
	bool forwarded;
	char *folder;
};

/* Read a marker; false when it is not one (it is then removed). */
static bool
read_mark(const char *path, struct flag_mark *m)
{
	struct buf b = BUF_INIT;
	struct slice all, line;
	bool uid = false;

	memset(m, 0, sizeof(*m));
	if (file_read_all(path, &b, 8192, NULL) < 0) {
		buf_release(&b);
		return false;
	}
	all = slice_make(b.data, b.len);
	while (all.len) {
		slice_split(&all, '\n', &line);
		struct slice key, val = line;
		if (!slice_split(&val, ' ', &key))
			continue;
		if (slice_eq(key, "uid")) {
			struct slice v1;
			uint64_t uv, u;
			if (slice_split(&val, ' ', &v1) &&
			    slice_to_u64(v1, UINT32_MAX, &uv) &&
			    slice_to_u64(val, UINT32_MAX, &u) && u) {
				m->uidvalidity = (uint32_t)uv;
				m->uid = (uint32_t)u;
				uid = true;
			}
		} else if (slice_eq(key, "flag")) {
			m->forwarded = slice_eq(val, "forwarded");
		} else if (slice_eq(key, "folder") && val.len &&
			   !memchr(val.p, '\0', val.len)) {
			free(m->folder);
			m->folder = slice_dup(val);
		}
	}
	buf_release(&b);
	if (!uid || !m->folder) {
		free(m->folder);
		m->folder = NULL;
		return false;
	}
	return true;
}

/* Set the marker's flag. Returns 1 done, 0 skipped for good (logged),
 * -1 failed with *e (try again later). */
static int
flag_one(struct imap_session *s, const char *id, const struct flag_mark *m,
	 struct perr *e)
{
	const char *flag = m->forwarded ? "$Forwarded" : "\\Answered";

	if (!m->uidvalidity) {
		log_info("flag original: message %s: the UIDVALIDITY of '%s' "
			 "was not known; %s not set", id, m->folder, flag);
		return 0;
	}
	if (imap_session_select(s, m->folder, true, false, e) < 0) {
		if (e->kind != PERR_FOLDER)
			return -1;
		log_info("flag original: message %s: %s; %s not set", id,
			 e->msg, flag);
		perr_clear(e);
		return 0;
	}
	if (s->mbox.uidvalidity != m->uidvalidity) {
		log_info("flag original: message %s: the UIDVALIDITY of '%s' "
			 "changed (%u, was %u): the original is not known any "
			 "more; %s not set", id, m->folder,
			 (unsigned)s->mbox.uidvalidity,
			 (unsigned)m->uidvalidity, flag);
		return 0;
	}
	struct imap_seqset set;
	imap_seqset_init(&set);
	imap_seqset_add(&set, m->uid, m->uid);
	int rc = imap_uid_store(s, &set, true, &flag, 1, 0, NULL, e);
	imap_seqset_release(&set);
	if (rc < 0) {
		if (e->kind != PERR_REJECTED)
			return -1;
		/* a server that keeps no such flag (PERMANENTFLAGS without
		 * it or \*) says NO: nothing to retry */
		log_info("flag original: message %s: the server did not set "
			 "%s on UID %u of '%s': %s", id, flag,
			 (unsigned)m->uid, m->folder, e->msg);
		perr_clear(e);
		return 0;
	}
	/* A UID that is gone is no error (RFC 3501 6.4.8): nothing set. */
	log_info("flag original: %s set on UID %u of '%s' (message %s "
		 "delivered)", flag, (unsigned)m->uid, m->folder, id);
	return 1;
}

bool
acct_flag_original_waiting(const struct outbox *ob)
{
	char *dir = flag_dir(ob);
	DIR *d = opendir(dir);
	bool any = false;

	for (struct dirent *de; d && !any && (de = readdir(d));)
		any = id_ok(de->d_name);
	if (d)
		closedir(d);
	free(dir);
	return any;
}

unsigned
acct_flag_original_flush(const struct cfg_account *a, const struct outbox *ob,
			 int timeout_ms, acct_note_fn note, void *arg)
{
	struct perr e = PERR_INIT;
	struct imap_session s;
	bool open = false, failed = false;
	unsigned waiting = 0;
	char **ids = NULL;
	size_t n = 0, cap = 0;

	char *dir = flag_dir(ob);
	DIR *d = opendir(dir);
	if (!d) {
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
		struct flag_mark m;
		struct outbox_entry ent;
		struct perr ge = PERR_INIT;

		if (outbox_get((struct outbox *)ob, ids[i], &ent, &ge) == 0) {
			/* still in the outbox: not delivered yet */
			outbox_entry_release(&ent);
			waiting++;
			goto next;
		}
		if (!read_mark(mark, &m)) {
			log_warn("flag original: '%s' is not a marker; "
				 "removed", mark);
			unlink(mark);
			goto next;
		}
		int rc = -1;
		if (!failed && !open) {
			if (a->receive.proto != CFG_PROTO_IMAP) {
				rc = 0;
			} else if (open_session(a, &s, timeout_ms, &e) < 0) {
				failed = true;
			} else {
				open = true;
			}
		}
		if (open && !failed)
			rc = flag_one(&s, ids[i], &m, &e);
		if (rc < 0) {
			waiting++;
			if (!failed) {
				log_warn("flag original: message %s: %s",
					 ids[i], e.msg);
				if (s.state == IMAP_SS_DISCONNECTED)
					failed = true;
			}
			if (failed && e.kind != PERR_NONE)
				say(note, arg, "the original of a message sent "
				    "is not flagged yet: %s; the next flush "
				    "tries again", e.msg);
			perr_clear(&e);
		} else if (unlink(mark) < 0 && errno != ENOENT) {
			log_warn("flag original: cannot remove '%s': %s", mark,
				 strerror(errno));
		}
		free(m.folder);
next:
		free(mark);
		free(ids[i]);
	}
	if (open)
		imap_session_close(&s);
	free(ids);
	free(dir);
	return waiting;
}
