/* SPDX-License-Identifier: ISC */
/*
 * Cached message bodies: a Maildir (tmp/, new/, cur/) under the cache
 * directory, one file per message named "f<folder>.v<uidvalidity>.u<uid>"
 * and nothing else. No byte a server sent reaches a path (HOSTILE 13):
 * folder ids are the store's own numbers, never reused, and carrying the
 * UIDVALIDITY in the name means a file left over from an older mailbox
 * generation can never be mistaken for the message now at that UID.
 *
 * A body is written Maildir-fashion: into tmp/, fsynced, renamed into
 * cur/, and the directory fsynced, so a crash leaves either the whole
 * file or none in cur/. The index row then records the name; a row whose
 * file has gone just reads as "not cached".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postie/log.h"

#include "private.h"

static const char *const maildir_sub[] = { "tmp", "new", "cur" };

/* Only names the store made are ever opened or removed, whatever a
 * damaged index might hold. */
static bool
body_name_ok(const char *name)
{
	if (!name || name[0] != 'f')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == 'f' ||
		      *p == 'v' || *p == 'u'))
			return false;
	return strlen(name) < 64;
}

static int
ensure_maildir(struct store *st, struct perr *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(maildir_sub); i++) {
		char *d = xstrfmt("%s/%s", st->body_dir, maildir_sub[i]);
		int rc = file_mkdirs(d, 0700, e);
		free(d);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Write the file into tmp/ and move it into cur/. */
static int
body_write(struct store *st, const char *name, const void *raw, size_t len,
	   struct perr *e)
{
	char *tmp = xstrfmt("%s/tmp/%s.%ld", st->body_dir, name,
			    (long)getpid());
	char *cur = xstrfmt("%s/cur/%s", st->body_dir, name);
	char *curdir = xstrfmt("%s/cur", st->body_dir);
	int rc = -1;

	unlink(tmp);
	if (file_create_synced(tmp, raw, len, 0600, e) < 0)
		goto out;
	if (rename(tmp, cur) < 0) {
		perr_set(e, PERR_LOCAL, "cannot move '%s' into place: %s", tmp,
			 strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = file_fsync_dir(curdir, e);
out:
	free(tmp);
	free(cur);
	free(curdir);
	return rc;
}

/* The row id, folder UIDVALIDITY and cached name of folder/uid; *id is 0
 * when there is no such message. */
static int
lookup(struct store *st, int64_t folder, uint32_t uid, int64_t *id,
       char **name, struct perr *e)
{
	sqlite3_stmt *s = store_stmt(st, STMT_MSG_ID, e);
	int rc;

	*id = 0;
	if (name)
		*name = NULL;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder);
	sqlite3_bind_int64(s, 2, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		const unsigned char *t = sqlite3_column_text(s, 1);
		if (name && t)
			*name = xstrdup((const char *)t);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_dberr(st, e, "cannot look up a message");
	return 0;
}

/* Replace the body text in the full-text index: the old entry goes out
 * with the values it went in with, then back with the new text. */
static int
set_text(struct store *st, int64_t id, const char *text, struct perr *e)
{
	struct buf t = BUF_INIT;
	sqlite3_stmt *s;
	int rc = -1;

	store_fts_text(&t, text, utf8_cut(text, strlen(text), STORE_MAX_BODY));
	if (store_fts_row(st, STMT_FTS_DEL, id, e) < 0)
		goto out;
	if (!(s = store_stmt(st, STMT_TEXT_SET, e)))
		goto out;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, t.data, (int)t.len, SQLITE_STATIC);
	if (store_exec_stmt(st, s, "cannot index a body", e) < 0)
		goto out;
	rc = store_fts_row(st, STMT_FTS_ADD, id, e);
out:
	buf_release(&t);
	return rc;
}

int
store_body_put(struct store *st, int64_t folder, uint32_t uid,
	       const void *raw, size_t len, const char *text, struct perr *e)
{
	int64_t id = 0, validity = 0;
	char *name = NULL;
	sqlite3_stmt *s;
	int rc;

	if (len > STORE_MAX_BODY)
		return perr_set(e, PERR_MESSAGE,
				"cannot cache message UID %u: %zu bytes is "
				"over the limit",
				uid, len);
	if (store_begin(st, e) < 0)
		return -1;
	if (lookup(st, folder, uid, &id, NULL, e) < 0)
		goto fail;
	if (!id) {
		perr_set(e, PERR_MESSAGE,
			 "cannot cache message UID %u of folder %lld: not in "
			 "the index",
			 uid, (long long)folder);
		goto fail;
	}
	if (!(s = store_stmt(st, STMT_FOLDER_UIDVALIDITY, e)))
		goto fail;
	sqlite3_bind_int64(s, 1, folder);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		validity = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		store_dberr(st, e, "cannot look up a folder");
		goto fail;
	}
	name = xstrfmt("f%lld.v%lld.u%u", (long long)folder,
		       (long long)validity, uid);
	if (ensure_maildir(st, e) < 0 ||
	    body_write(st, name, raw, len, e) < 0)
		goto fail;
	if (!(s = store_stmt(st, STMT_BODY_SET, e)))
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	if (store_exec_stmt(st, s, "cannot record a cached body", e) < 0)
		goto fail;
	if (text && set_text(st, id, text, e) < 0)
		goto fail;
	if (store_commit(st, e) < 0)
		goto fail;
	free(name);
	return 0;
fail:
	store_rollback(st);
	free(name);
	return perr_prefix(e, "cannot cache message UID %u", uid);
}

int
store_body_put_files(struct store *st, int64_t folder, const uint32_t *uids,
		     char *const *paths, size_t n, struct perr *e)
{
	int64_t validity = 0;
	struct buf raw = BUF_INIT;
	char *curdir = NULL;
	uint32_t uid = 0;
	sqlite3_stmt *s;
	int rc;

	if (!n)
		return 0;
	if (store_begin(st, e) < 0)
		return -1;
	if (!(s = store_stmt(st, STMT_FOLDER_UIDVALIDITY, e)))
		goto fail;
	sqlite3_bind_int64(s, 1, folder);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		validity = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		store_dberr(st, e, "cannot look up a folder");
		goto fail;
	}
	if (ensure_maildir(st, e) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		int64_t id = 0;
		uid = uids[i];
		if (lookup(st, folder, uid, &id, NULL, e) < 0)
			goto fail;
		if (!id) {
			perr_set(e, PERR_MESSAGE, "not in the index");
			goto fail;
		}
		char *name = xstrfmt("f%lld.v%lld.u%u", (long long)folder,
				     (long long)validity, uid);
		char *cur = xstrfmt("%s/cur/%s", st->body_dir, name);
		/* A file left at this name by an expunged message of the
		 * same UID is not this message. */
		unlink(cur);
		rc = link(paths[i], cur);
		int err = errno;
		free(cur);
		if (rc < 0 && (err == EXDEV || err == EPERM || err == EMLINK ||
			       err == ENOSYS || err == EOPNOTSUPP)) {
			/* another file system: a copy of our own */
			buf_reset(&raw);
			rc = file_read_all(paths[i], &raw, STORE_MAX_BODY, e);
			if (rc == 0)
				rc = body_write(st, name, raw.data, raw.len,
						e);
		} else if (rc < 0) {
			perr_set(e, PERR_LOCAL, "cannot link '%s' into the "
				 "cache: %s", paths[i], strerror(err));
		}
		if (rc == 0 && !(s = store_stmt(st, STMT_BODY_SET, e)))
			rc = -1;
		if (rc == 0) {
			sqlite3_bind_int64(s, 1, id);
			sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
			rc = store_exec_stmt(st, s, "cannot record a cached "
					     "body", e);
		}
		free(name);
		if (rc < 0)
			goto fail;
	}
	/* The links are durable before the index says they are there. */
	curdir = xstrfmt("%s/cur", st->body_dir);
	if (file_fsync_dir(curdir, e) < 0 || store_commit(st, e) < 0)
		goto fail;
	free(curdir);
	buf_release(&raw);
	return 0;
fail:
	store_rollback(st);
	free(curdir);
	buf_release(&raw);
	return perr_prefix(e, "cannot cache message UID %u", uid);
}

int
store_body_path(struct store *st, int64_t folder, uint32_t uid, char **path,
		struct perr *e)
{
	int64_t id;
	char *name;
	struct stat sb;

	*path = NULL;
	if (lookup(st, folder, uid, &id, &name, e) < 0)
		return -1;
	if (!id || !name)
		return 0;
	if (!body_name_ok(name)) {
		free(name);
		return perr_set(e, PERR_LOCAL,
				"message UID %u: the index names a body file "
				"it could not have made",
				uid);
	}
	char *p = xstrfmt("%s/cur/%s", st->body_dir, name);
	free(name);
	if (lstat(p, &sb) < 0) {
		int err = errno;
		free(p);
		if (err == ENOENT)
			return 0;
		return perr_set(e, PERR_LOCAL,
				"cannot read the cached body of UID %u: %s",
				uid, strerror(err));
	}
	if (!S_ISREG(sb.st_mode)) {
		perr_set(e, PERR_LOCAL, "'%s' is not a regular file", p);
		free(p);
		return -1;
	}
	*path = p;
	return 1;
}

int
store_body_get(struct store *st, int64_t folder, uint32_t uid,
	       struct buf *out, struct perr *e)
{
	char *path;
	int rc = store_body_path(st, folder, uid, &path, e);

	if (rc <= 0)
		return rc;
	if (file_read_all(path, out, STORE_MAX_BODY, e) < 0)
		rc = -1;
	free(path);
	return rc;
}

void
store_body_unlink(struct store *st, const char *name)
{
	if (!body_name_ok(name))
		return;
	char *path = xstrfmt("%s/cur/%s", st->body_dir, name);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("cannot remove the cached body '%s': %s", path,
			 strerror(errno));
	free(path);
}

/* Remove the entries of one Maildir sub-directory and the directory. */
static int
wipe_dir(const char *dir, struct perr *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return errno == ENOENT
			       ? 0
			       : perr_set(e, PERR_LOCAL,
					  "cannot read '%s': %s", dir,
					  strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
			rc = perr_set(e, PERR_LOCAL,
				      "cannot remove '%s/%s': %s", dir,
				      de->d_name, strerror(errno));
			break;
		}
	}
	closedir(d);
	if (rc == 0 && rmdir(dir) < 0 && errno != ENOENT)
		rc = perr_set(e, PERR_LOCAL, "cannot remove '%s': %s", dir,
			      strerror(errno));
	return rc;
}

int
store_body_wipe(struct store *st, struct perr *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(maildir_sub); i++) {
		char *d = xstrfmt("%s/%s", st->body_dir, maildir_sub[i]);
		int rc = wipe_dir(d, e);
		free(d);
		if (rc < 0)
			return -1;
	}
	if (rmdir(st->body_dir) < 0 && errno != ENOENT)
		return perr_set(e, PERR_LOCAL, "cannot remove '%s': %s",
				st->body_dir, strerror(errno));
	return 0;
}
