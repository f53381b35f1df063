/* SPDX-License-Identifier: ISC */
/*
 * The local Maildir account (receive = maildir:PATH): a Maildir on this
 * machine, indexed into the account's store so that the screen reads it
 * as it reads an IMAP account, and its flags changed by renaming files
 * as the Maildir convention says (cur/NAME:2,FLAGS).
 *
 * Folders are Maildir++: the root is INBOX, and each subdirectory whose
 * name starts with a dot and which holds cur/ is a folder (".Sent" is
 * "Sent", ".Lists.rust" is "Lists.rust"). A message's UID is its place
 * among the folder's unique names (the file name without ":2,FLAGS")
 * in byte order, and the folder's UIDVALIDITY a hash of those names, so
 * that a message added or removed by another program renumbers the folder
 * and the store drops the old numbers at once (RFC 3501's rule) instead
 * of showing one message under another's UID. A change of flags alone
 * keeps the names, the UIDs and the index.
 *
 * Nothing here reaches the network; a sync of a few thousand messages is
 * a directory listing and, for new ones, a read of each file.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "postie/account.h"
#include "postie/send.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/maildir.h"
#include "postie/store.h"

#include "sync.h"

/* Folders looked at under one root. */
#define MAILDIR_MAX_FOLDERS 1024

/* One message of a folder: its file and its unique part. */
struct md_ent {
	char *name;     /* "cur/NAME:2,FS" as maildir_list gives it */
	size_t base;    /* offset of the unique part in name */
	size_t base_len;
	uint32_t flags; /* STORE_F_* from the info part */
};

struct md_folder {
	struct md_ent *v; /* one per unique name, in UID order */
	size_t n;
	char **names;   /* maildir_list's array, owned */
	size_t nnames;
	uint32_t uidvalidity;
};

static uint32_t
flags_from_info(const char *name)
{
	const char *info = strstr(name, ":2,");
	uint32_t f = 0;

	if (!info)
		return 0;
	for (const char *p = info + 3; *p; p++) {
		switch (*p) {
		case 'S': f |= STORE_F_SEEN; break;
		case 'R': f |= STORE_F_ANSWERED; break;
		case 'F': f |= STORE_F_FLAGGED; break;
		case 'T': f |= STORE_F_DELETED; break;
		case 'D': f |= STORE_F_DRAFT; break;
		case 'P': f |= STORE_F_FORWARDED; break;
		default: break;
		}
	}
	return f;
}

/* The info letters of flags, in ASCII order as the convention asks. */
static void
info_from_flags(uint32_t f, char out[8])
{
	size_t o = 0;

	if (f & STORE_F_DRAFT)
		out[o++] = 'D';
	if (f & STORE_F_FLAGGED)
		out[o++] = 'F';
	if (f & STORE_F_FORWARDED)
		out[o++] = 'P';
	if (f & STORE_F_ANSWERED)
		out[o++] = 'R';
	if (f & STORE_F_SEEN)
		out[o++] = 'S';
	if (f & STORE_F_DELETED)
		out[o++] = 'T';
	out[o] = '\0';
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct md_ent *x = a, *y = b;
	size_t n = x->base_len < y->base_len ? x->base_len : y->base_len;
	int c = memcmp(x->name + x->base, y->name + y->base, n);

	if (c)
		return c;
	return x->base_len < y->base_len ? -1 : x->base_len > y->base_len;
}

static void
md_folder_release(struct md_folder *f)
{
	maildir_names_free(f->names, f->nnames);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* List the folder's messages in UID order. A unique name found twice
 * (the same message in new/ and cur/ during another program's rename)
 * is taken once. Returns the number of messages or -1. */
static int
md_folder_scan(const struct maildir *md, struct md_folder *f, struct perr *e)
{
	memset(f, 0, sizeof(*f));
	if (maildir_list(md, &f->names, &f->nnames, e) < 0)
		return -1;
	if (f->nnames >= INT32_MAX) {
		md_folder_release(f);
		return perr_set(e, PERR_LOCAL, "too many messages in '%s'",
				md->root);
	}
	f->v = xcalloc(f->nnames ? f->nnames : 1, sizeof(*f->v));
	for (size_t i = 0; i < f->nnames; i++) {
		struct md_ent *m = &f->v[i];
		const char *colon;
		m->name = f->names[i];
		m->base = 4; /* "new/" or "cur/" */
		colon = strchr(m->name + m->base, ':');
		m->base_len = colon ? (size_t)(colon - m->name) - m->base
				    : strlen(m->name + m->base);
		m->flags = strncmp(m->name, "cur/", 4) == 0
				   ? flags_from_info(m->name)
				   : 0;
	}
	qsort(f->v, f->nnames, sizeof(*f->v), cmp_ent);
	size_t o = 0;
	for (size_t i = 0; i < f->nnames; i++)
		if (o == 0 || cmp_ent(&f->v[o - 1], &f->v[i]) != 0)
			f->v[o++] = f->v[i];
	f->n = o;
	/* FNV-1a over the names, each ended by a line feed */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < o; i++) {
		const unsigned char *p =
			(const unsigned char *)f->v[i].name + f->v[i].base;
		for (size_t k = 0; k < f->v[i].base_len; k++)
			h = (h ^ p[k]) * 16777619u;
		h = (h ^ '\n') * 16777619u;
	}
	f->uidvalidity = h ? h : 1;
	return (int)o;
}

static bool
cancelled(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return fd >= 0 && poll(&pfd, 1, 0) > 0;
}

static enum store_role
role_of(const char *name)
{
	static const struct {
		const char *name;
		enum store_role role;
	} t[] = {
		{ "Drafts", STORE_ROLE_DRAFTS },
		{ "Sent", STORE_ROLE_SENT },
		{ "Trash", STORE_ROLE_TRASH },
		{ "Junk", STORE_ROLE_JUNK },
		{ "Spam", STORE_ROLE_JUNK },
		{ "Archive", STORE_ROLE_ARCHIVE },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (ascii_strcasecmp(name, t[i].name) == 0)
			return t[i].role;
	return STORE_ROLE_NONE;
}

/* The folder names under root: "INBOX" first, then each ".NAME" with a
 * cur/ in it, without the dot. *out is a heap array of heap strings. */
static int
list_folders(const char *root, char ***out, size_t *n, struct perr *e)
{
	DIR *d = opendir(root);
	char **v = xcalloc(1, sizeof(*v));
	size_t cnt = 1, cap = 1;

	v[0] = xstrdup("INBOX");
	*out = NULL;
	*n = 0;
	if (!d) {
		free(v[0]);
		free(v);
		return perr_set(e, PERR_LOCAL, "cannot open the Maildir '%s': "
				"%s", root, strerror(errno));
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		struct stat sb;
		if (nm[0] != '.' || nm[1] == '\0' || strcmp(nm, "..") == 0 ||
		    !utf8_valid(nm + 1, strlen(nm + 1)))
			continue;
		/* A folder is a directory with cur/ or new/ (a copy made
		 * by a tool that drops empty directories, such as git, may
		 * have only one of them; maildir_open makes the others). */
		bool is_folder = false;
		for (int k = 0; k < 2 && !is_folder; k++) {
			char *sub = xstrfmt("%s/%s/%s", root, nm,
					    k ? "new" : "cur");
			is_folder = stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode);
			free(sub);
		}
		if (!is_folder)
			continue;
		if (cnt >= MAILDIR_MAX_FOLDERS) {
			log_warn("Maildir '%s': more than %d folders; the "
				 "rest are not shown", root,
				 MAILDIR_MAX_FOLDERS);
			break;
		}
		if (cnt == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[cnt++] = xstrdup(nm + 1);
	}
	closedir(d);
	*out = v;
	*n = cnt;
	return 0;
}

static char *
folder_dir(const char *root, const char *folder)
{
	if (strcmp(folder, "INBOX") == 0)
		return xstrdup(root);
	return xstrfmt("%s/.%s", root, folder);
}

/* A folder name the UI sends back must be one of ours: no '/', no
 * leading dot, not "..". */
static bool
folder_name_ok(const char *folder)
{
	return folder && folder[0] && folder[0] != '.' &&
	       !strchr(folder, '/') && utf8_valid(folder, strlen(folder));
}

static int
sync_folder(const struct acct_sync_params *p, const char *name,
	    const char *const *assumed, struct acct_sync_stats *out,
	    struct perr *e)
{
	struct maildir md = { 0 };
	struct md_folder f;
	struct store_summaries have = { 0 };
	struct buf raw = BUF_INIT;
	char *dir = folder_dir(p->account->receive.path, name);
	int64_t fid;
	int rc = -1, n;

	if (maildir_open(&md, dir, e) < 0) {
		free(dir);
		return -1;
	}
	if ((n = md_folder_scan(&md, &f, e)) < 0)
		goto out_md;
	struct store_folder_info fi = {
		.name = name, .raw = name, .raw_len = strlen(name),
		.delim = ".",
		.role = strcmp(name, "INBOX") == 0 ? STORE_ROLE_INBOX
						   : role_of(name),
		.uidvalidity = f.uidvalidity, .uidnext = (uint32_t)n + 1,
	};
	if (store_folder_upsert(p->store, &fi, &fid, NULL, e) < 0 ||
	    store_load(p->store, fid, &have, e) < 0)
		goto out;
	/* have.v is in UID order; UIDs are 1..n, so i + 1 is the UID */
	size_t h = 0;
	struct store_flag_state *chg = xcalloc((size_t)n + 1, sizeof(*chg));
	size_t nchg = 0;
	for (int i = 0; i < n; i++) {
		uint32_t uid = (uint32_t)i + 1;
		struct md_ent *m = &f.v[i];
		while (h < have.n && have.v[h].uid < uid)
			h++;
		if (h < have.n && have.v[h].uid == uid) {
			if ((have.v[h].flags & STORE_F_SERVER_MASK) !=
			    m->flags) {
				chg[nchg].uid = uid;
				chg[nchg].flags = m->flags;
				nchg++;
			}
			continue;
		}
		struct stat sb;
		char *path = xstrfmt("%s/%s", dir, m->name);
		int64_t when = stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : 0;
		free(path);
		buf_reset(&raw);
		struct perr re = PERR_INIT;
		if (maildir_read(&md, m->name, &raw, 0, &re) < 0) {
			log_warn("Maildir message '%s' skipped: %s", m->name,
				 re.msg);
			continue;
		}
		if (sync_index_raw(p->store, fid, uid, m->flags, when,
				   raw.data, raw.len, assumed, e) < 0) {
			free(chg);
			goto out;
		}
		out->new_msgs++;
		if (p->progress && out->new_msgs % 100 == 0)
			p->progress(p->progress_arg, name, (uint64_t)i + 1,
				    (uint64_t)n);
	}
	if (nchg && store_flags_replace(p->store, fid, chg, nchg, e) < 0) {
		free(chg);
		goto out;
	}
	out->changed += nchg;
	free(chg);
	/* UIDs above n are gone (the folder shrank with the same names
	 * hash only if nothing changed, so this is rare but cheap) */
	uint32_t *gone = xcalloc(have.n + 1, sizeof(*gone));
	size_t ngone = 0;
	for (size_t i = 0; i < have.n; i++)
		if (have.v[i].uid > (uint32_t)n)
			gone[ngone++] = have.v[i].uid;
	if (ngone && store_expunge(p->store, fid, gone, ngone, e) < 0) {
		free(gone);
		goto out;
	}
	out->removed += ngone;
	free(gone);
	out->folders++;
	rc = 0;
out:
	md_folder_release(&f);
out_md:
	store_summaries_release(&have);
	buf_release(&raw);
	maildir_release(&md);
	free(dir);
	return rc;
}

int
acct_sync_maildir(const struct acct_sync_params *p,
		  struct acct_sync_stats *out, struct perr *e)
{
	const struct cfg_account *a = p->account;
	char **folders = NULL, **assumed_owned = NULL;
	size_t nf = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (a->receive.proto != CFG_PROTO_MAILDIR || !a->receive.path)
		return perr_set(e, PERR_CONFIG, "account '%s' does not read "
				"a local Maildir", a->name);
	if (p->folder && !folder_name_ok(p->folder))
		return perr_set(e, PERR_FOLDER, "no folder '%s' in the "
				"Maildir", p->folder);
	const char *const *assumed = sync_assumed(a, &assumed_owned);
	if (list_folders(a->receive.path, &folders, &nf, e) < 0) {
		free(assumed_owned);
		return -1;
	}
	for (size_t i = 0; i < nf; i++) {
		struct perr fe = PERR_INIT;
		if (p->folder && strcmp(p->folder, folders[i]) != 0)
			continue;
		if (cancelled(p->cancel_fd)) {
			rc = perr_set(e, PERR_CANCELLED, "sync cancelled");
			break;
		}
		if (sync_folder(p, folders[i], assumed, out, &fe) < 0) {
			out->folders_failed++;
			if (out->folder_err.kind == PERR_NONE)
				out->folder_err = fe;
			log_warn("Maildir folder '%s': %s", folders[i],
				 fe.msg);
			rc = -1;
			*e = fe;
		}
	}
	if (rc == 0 && store_index_update(p->store, 0, NULL, e) < 0)
		rc = -1;
	for (size_t i = 0; i < nf; i++)
		free(folders[i]);
	free(folders);
	free(assumed_owned);
	return rc;
}

int
acct_maildir_set_flags(const struct cfg_account *a, struct store *st,
		       const char *folder, const uint32_t *uids, size_t n,
		       uint32_t set, uint32_t clear, struct perr *e)
{
	struct maildir md = { 0 };
	struct store_folder sf = { 0 };
	struct md_folder f;
	char *dir;
	int rc = -1, cnt;

	set &= STORE_F_SERVER_MASK;
	clear &= STORE_F_SERVER_MASK;
	if (a->receive.proto != CFG_PROTO_MAILDIR || !a->receive.path)
		return perr_set(e, PERR_CONFIG, "account '%s' does not read "
				"a local Maildir", a->name);
	if (!folder_name_ok(folder))
		return perr_set(e, PERR_FOLDER, "no folder '%s' in the "
				"Maildir", folder ? folder : "");
	int found = store_folder_find(st, folder, strlen(folder), &sf, e);
	if (found <= 0)
		return found < 0 ? -1
				 : perr_set(e, PERR_FOLDER, "folder '%s' is "
					    "not in the index", folder);
	dir = folder_dir(a->receive.path, folder);
	if (maildir_open(&md, dir, e) < 0)
		goto out_sf;
	if ((cnt = md_folder_scan(&md, &f, e)) < 0)
		goto out_md;
	if (f.uidvalidity != sf.uidvalidity) {
		perr_set(e, PERR_FOLDER, "folder '%s' changed on disk; sync "
			 "it first", folder);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (uids[i] == 0 || uids[i] > (uint32_t)cnt)
			continue;
		struct md_ent *m = &f.v[uids[i] - 1];
		uint32_t nf = (m->flags | set) & ~clear;
		char info[8];
		info_from_flags(nf, info);
		char *from = xstrfmt("%s/%s", dir, m->name);
		char *to = xstrfmt("%s/cur/%.*s:2,%s", dir, (int)m->base_len,
				   m->name + m->base, info);
		int r = strcmp(from, to) == 0 ? 0 : rename(from, to);
		if (r < 0)
			perr_set(e, PERR_LOCAL, "cannot rename '%s': %s",
				 from, strerror(errno));
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	if (store_flags_update(st, sf.id, uids, n, set, clear, e) < 0)
		goto out;
	rc = 0;
out:
	md_folder_release(&f);
out_md:
	maildir_release(&md);
	free(dir);
out_sf:
	store_folder_release(&sf);
	return rc;
}

/* ---------------------------------------------------------------------
 * Moving, copying and removing messages
 *
 * A Maildir message is a file, so a copy is a new delivery of its bytes
 * into the other folder (tmp/, fsync, link into new/, then renamed into
 * cur/ with its flags) and a move is that copy followed by the removal
 * of the original: a crash in between leaves the message twice, never
 * nowhere. Both folders are then synced again: their names changed, so
 * their UIDs are renumbered as for any other program's change.
 */

/* The folder's messages after checking that the store's UIDs still
 * name them. dir gets the folder's directory (the caller frees it). */
static int
md_open_checked(const struct cfg_account *a, struct store *st,
		const char *folder, struct maildir *md, struct md_folder *f,
		char **dir, struct perr *e)
{
	struct store_folder sf = { 0 };
	int cnt;

	*dir = NULL;
	if (a->receive.proto != CFG_PROTO_MAILDIR || !a->receive.path)
		return perr_set(e, PERR_CONFIG, "account '%s' does not read "
				"a local Maildir", a->name);
	if (!folder_name_ok(folder))
		return perr_set(e, PERR_FOLDER, "no folder '%s' in the "
				"Maildir", folder ? folder : "");
	int found = store_folder_find(st, folder, strlen(folder), &sf, e);
	if (found <= 0)
		return found < 0 ? -1
				 : perr_set(e, PERR_FOLDER, "folder '%s' is "
					    "not in the index", folder);
	*dir = folder_dir(a->receive.path, folder);
	if (maildir_open(md, *dir, e) < 0)
		goto fail;
	if ((cnt = md_folder_scan(md, f, e)) < 0) {
		maildir_release(md);
		goto fail;
	}
	if (f->uidvalidity != sf.uidvalidity) {
		md_folder_release(f);
		maildir_release(md);
		perr_set(e, PERR_FOLDER, "folder '%s' changed on disk; sync "
			 "it first", folder);
		goto fail;
	}
	store_folder_release(&sf);
	return cnt;
fail:
	store_folder_release(&sf);
	free(*dir);
	*dir = NULL;
	return -1;
}

/* Deliver message m of the source (md) into dst with its flags. */
static int
md_copy_one(const struct maildir *md, const struct md_ent *m,
	    struct maildir *dst, struct perr *e)
{
	struct buf raw = BUF_INIT;
	char *name = NULL;
	int rc = -1;

	if (maildir_read(md, m->name, &raw, 0, e) < 0)
		goto out;
	if (maildir_deliver(dst, raw.data, raw.len, &name, e) < 0)
		goto out;
	char info[8];
	info_from_flags(m->flags, info);
	char *from = xstrfmt("%s/%s", dst->root, name);
	char *to = xstrfmt("%s/cur/%s:2,%s", dst->root, name + 4, info);
	/* the copy is safe in new/ already; a failed rename only loses
	 * its flags */
	if (rename(from, to) < 0)
		log_warn("cannot rename '%s': %s", from, strerror(errno));
	free(from);
	free(to);
	rc = 0;
out:
	free(name);
	buf_release(&raw);
	return rc;
}

int
acct_maildir_copy(const struct cfg_account *a, struct store *st,
		  const char *folder, const uint32_t *uids, size_t n,
		  const char *dest, bool create, bool move, size_t *done,
		  struct perr *e)
{
	struct maildir md = { 0 }, dm = { 0 };
	struct md_folder f;
	char *dir = NULL, *ddir = NULL;
	struct stat sb;
	int rc = -1, cnt;

	*done = 0;
	if (!folder_name_ok(dest))
		return perr_set(e, PERR_MESSAGE, "'%s' cannot be a folder "
				"name here (no '/', no leading dot)",
				dest ? dest : "");
	if (strcmp(folder, dest) == 0)
		return perr_set(e, PERR_MESSAGE, "the messages are in '%s' "
				"already", folder);
	if ((cnt = md_open_checked(a, st, folder, &md, &f, &dir, e)) < 0)
		return -1;
	ddir = folder_dir(a->receive.path, dest);
	char *dcur = xstrfmt("%s/cur", ddir);
	bool exists = stat(dcur, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(dcur);
	if (!exists && !create) {
		perr_set(e, PERR_FOLDER, "cannot %s to '%s' (no such folder)",
			 move ? "move" : "copy", dest);
		goto out;
	}
	if (maildir_open(&dm, ddir, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (uids[i] == 0 || uids[i] > (uint32_t)cnt)
			continue;
		const struct md_ent *m = &f.v[uids[i] - 1];
		if (md_copy_one(&md, m, &dm, e) < 0)
			goto out_dm;
		if (move && maildir_remove(&md, m->name, e) < 0)
			goto out_dm;
		(*done)++;
	}
	rc = 0;
out_dm:
	maildir_release(&dm);
out:
	md_folder_release(&f);
	maildir_release(&md);
	free(dir);
	free(ddir);
	return rc;
}

int
acct_maildir_remove(const struct cfg_account *a, struct store *st,
		    const char *folder, const uint32_t *uids, size_t n,
		    size_t *done, struct perr *e)
{
	struct maildir md = { 0 };
	struct md_folder f;
	char *dir = NULL;
	int rc = -1, cnt;

	*done = 0;
	if ((cnt = md_open_checked(a, st, folder, &md, &f, &dir, e)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (uids[i] == 0 || uids[i] > (uint32_t)cnt)
			continue;
		if (maildir_remove(&md, f.v[uids[i] - 1].name, e) < 0)
			goto out;
		(*done)++;
	}
	rc = 0;
out:
	md_folder_release(&f);
	maildir_release(&md);
	free(dir);
	return rc;
}

/* ---------------------------------------------------------------------
 * As a worker engine
 */
struct md_engine {
	const struct cfg_account *a;
	char *cache_dir;
	struct store *store;
};

void *
acct_maildir_engine_state(const struct cfg_account *a, const char *cache_dir)
{
	struct md_engine *g = xcalloc(1, sizeof(*g));

	g->a = a;
	g->cache_dir = xstrdup(cache_dir);
	return g;
}

static int
md_connect(struct acct_worker *w, void *state, struct perr *e)
{
	struct md_engine *g = state;

	if (!g->store &&
	    !(g->store = store_open(g->cache_dir, STORE_WRITE, NULL, e)))
		return -1;
	return 0;
}

static enum acct_status
md_sync(struct acct_worker *w, struct md_engine *g, const char *folder,
	struct perr *e)
{
	struct acct_sync_stats st;
	struct acct_sync_params p = {
		.account = g->a, .store = g->store, .folder = folder,
		.cancel_fd = acct_cancel_fd(w),
	};

	if (md_connect(w, g, e) < 0)
		return ACCT_ERROR;
	int rc = acct_sync_maildir(&p, &st, e);
	if (st.new_msgs)
		acct_emit(w, ACCT_EV_NEW_MAIL, folder, st.new_msgs, 0, NULL,
			  NULL);
	if (st.changed || st.removed || st.new_msgs)
		acct_emit(w, ACCT_EV_FOLDER_CHANGED, folder, st.changed,
			  st.removed, NULL, NULL);
	if (rc == 0)
		return ACCT_OK;
	return e->kind == PERR_CANCELLED ? ACCT_STOPPED : ACCT_ERROR;
}

/* MOVE, COPY and DELETE (which removes the files: the expunge of a
 * Maildir), then a sync of the folders touched so that the store has
 * their new UIDs. */
static enum acct_status
md_change(struct acct_worker *w, struct md_engine *g,
	  const struct acct_request *req, struct perr *e)
{
	const struct acct_op *op = req->payload;
	size_t done = 0;
	int rc;

	if (md_connect(w, g, e) < 0)
		return ACCT_ERROR;
	if (req->kind == ACCT_REQ_DELETE)
		rc = acct_maildir_remove(g->a, g->store, req->folder, op->uids,
					 op->n, &done, e);
	else
		rc = acct_maildir_copy(g->a, g->store, req->folder, op->uids,
				       op->n, op->dest, op->create,
				       req->kind == ACCT_REQ_MOVE, &done, e);
	/* resync what changed, even after a failure part way; the
	 * messages are not new mail, so only FOLDER_CHANGED is said */
	for (int k = 0; k < 2 && (done || rc == 0); k++) {
		const char *fo = k == 0 ? req->folder : op->dest;
		if ((k == 0 && req->kind == ACCT_REQ_COPY) ||
		    (k == 1 && req->kind == ACCT_REQ_DELETE))
			continue;
		struct acct_sync_stats st;
		struct acct_sync_params p = {
			.account = g->a, .store = g->store, .folder = fo,
			.cancel_fd = acct_cancel_fd(w),
		};
		struct perr se = PERR_INIT;
		if (acct_sync_maildir(&p, &st, &se) < 0 && rc == 0) {
			*e = se;
			rc = -1;
		}
		acct_emit(w, ACCT_EV_FOLDER_CHANGED, fo, done, 0, NULL, NULL);
	}
	return rc == 0 ? ACCT_OK : ACCT_ERROR;
}

/* The outbox lives in the account's data directory, as for the other
 * engines ($XDG_DATA_HOME/postie/NAME). */
static enum acct_status
md_outbox(struct acct_worker *w, struct md_engine *g, bool tick,
	  struct perr *e)
{
	char *data = xdg_dir("data");

	if (!data) {
		perr_set(e, PERR_LOCAL, "neither XDG_DATA_HOME nor HOME is "
			 "set");
		return ACCT_ERROR;
	}
	char *dir = xstrfmt("%s/%s", data, g->a->name);
	enum acct_status st = acct_outbox_run(w, g->a, dir, 0, tick, e);
	free(dir);
	free(data);
	return st;
}

static enum acct_status
md_handle(struct acct_worker *w, void *state, const struct acct_request *req,
	  struct perr *e)
{
	struct md_engine *g = state;

	if (req->kind == ACCT_REQ_SYNC)
		return md_sync(w, g, req->folder, e);
	if (req->kind == ACCT_REQ_SEND)
		return md_outbox(w, g, false, e);
	if (req->kind == ACCT_REQ_SET_FLAGS && req->payload) {
		const struct acct_op *sf = req->payload;
		if (md_connect(w, g, e) < 0 ||
		    acct_maildir_set_flags(g->a, g->store, req->folder,
					   sf->uids, sf->n, sf->set,
					   sf->clear, e) < 0)
			return ACCT_ERROR;
		acct_emit(w, ACCT_EV_FOLDER_CHANGED, req->folder, sf->n, 0,
			  NULL, NULL);
		return ACCT_OK;
	}
	if ((req->kind == ACCT_REQ_MOVE || req->kind == ACCT_REQ_COPY ||
	     req->kind == ACCT_REQ_DELETE) && req->payload)
		return md_change(w, g, req, e);
	perr_set(e, PERR_REJECTED, "a local Maildir account cannot %s",
		 acct_req_name(req->kind));
	return ACCT_ERROR;
}

static enum acct_status
md_poll_tick(struct acct_worker *w, void *state, struct perr *e)
{
	struct perr oe = PERR_INIT;

	if (md_outbox(w, state, true, &oe) == ACCT_STOPPED)
		return ACCT_STOPPED;
	return md_sync(w, state, NULL, e);
}

static void
md_destroy(void *state)
{
	struct md_engine *g = state;

	if (!g)
		return;
	store_close(g->store);
	free(g->cache_dir);
	free(g);
}

const struct acct_engine acct_maildir_engine = {
	.name = "maildir",
	.connect = md_connect,
	.handle = md_handle,
	.poll_tick = md_poll_tick,
	.destroy = md_destroy,
};
