/* SPDX-License-Identifier: ISC */
/*
 * A local Maildir (see postie/maildir.h): fsynced delivery through tmp/,
 * listing and reading of new/ and cur/, and cleaning of what a crash
 * left in tmp/.
 *
 * Names follow the Maildir convention "TIME.M<usec>P<pid>Q<n>.HOST" with
 * '/' and ':' in the host name written as "\057" and "\072", so that two
 * processes, or two deliveries in the same microsecond, never collide.
 * The message is linked (not renamed) from tmp/ into new/: link refuses
 * to replace an existing name, so even a clash that should not happen
 * cannot overwrite a message. Where the file system has no hard links,
 * rename is the fallback after checking the name is free.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "postie/maildir.h"

static const char *const subdirs[] = { "tmp", "new", "cur" };

int
maildir_open(struct maildir *md, const char *root, struct perr *e)
{
	char h[200];

	memset(md, 0, sizeof(*md));
	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		char *d = xstrfmt("%s/%s", root, subdirs[i]);
		int rc = file_mkdirs(d, 0700, e);
		free(d);
		if (rc < 0)
			return perr_prefix(e, "cannot open Maildir '%s'", root);
	}
	if (gethostname(h, sizeof(h)) < 0 || !h[0])
		snprintf(h, sizeof(h), "localhost");
	h[sizeof(h) - 1] = '\0';
	/* Maildir: '/' and ':' may not appear in the host part. */
	size_t o = 0;
	for (const char *p = h; *p && o + 5 < sizeof(md->host); p++) {
		if (*p == '/' || *p == ':') {
			snprintf(md->host + o, sizeof(md->host) - o, "\\%03o",
				 (unsigned char)*p);
			o += 4;
		} else if ((unsigned char)*p > 0x20 &&
			   (unsigned char)*p < 0x7f) {
			md->host[o++] = *p;
		}
	}
	md->host[o] = '\0';
	md->root = xstrdup(root);
	return 0;
}

void
maildir_release(struct maildir *md)
{
	free(md->root);
	md->root = NULL;
}

/* Link tmp to dst without ever replacing dst. */
static int
link_new(const char *tmp, const char *dst)
{
	if (link(tmp, dst) == 0)
		return 0;
	if (errno != EPERM && errno != ENOSYS && errno != EOPNOTSUPP &&
	    errno != EMLINK)
		return -1;
	struct stat st;
	if (lstat(dst, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, dst);
}

int
maildir_stage(struct maildir *md, const void *data, size_t len,
	      struct maildir_staged *out, struct perr *e)
{
	struct timeval tv;
	char *base = NULL, *tmp = NULL;
	int fd = -1, err = 0;

	out->name = NULL;
	out->fd = -1;
	for (int attempt = 0; attempt < 5; attempt++) {
		gettimeofday(&tv, NULL);
		free(base);
		free(tmp);
		base = xstrfmt("%lld.M%ldP%ldQ%llu.%s", (long long)tv.tv_sec,
			       (long)tv.tv_usec, (long)getpid(),
			       (unsigned long long)++md->seq, md->host);
		tmp = xstrfmt("%s/tmp/%s", md->root, base);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
				       O_NOFOLLOW, 0600);
		err = errno;
		if (fd >= 0 || err != EEXIST)
			break;
	}
	if (fd < 0) {
		perr_set(e, PERR_LOCAL, "cannot create '%s': %s", tmp,
			 strerror(err));
		goto fail;
	}
	if (file_write_fd(fd, data, len) < 0) {
		perr_set(e, PERR_LOCAL, "cannot write '%s': %s", tmp,
			 strerror(errno));
		close(fd);
		unlink(tmp);
		goto fail;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* Start writing it out now: when maildir_commit fsyncs a group,
	 * the first fsync's journal commit then carries all of them and
	 * the others find little left to do. A hint only; the fsync in
	 * maildir_commit is what counts. */
	sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	out->fd = fd;
	out->name = xstrfmt("new/%s", base);
	free(tmp);
	free(base);
	return 0;
fail:
	free(tmp);
	free(base);
	return -1;
}

/* The tmp/ path of a staged "new/BASE" name. */
static char *
staged_path(const struct maildir *md, const char *name)
{
	return xstrfmt("%s/tmp/%s", md->root, name + 4);
}

void
maildir_unstage(struct maildir *md, struct maildir_staged *sg)
{
	if (sg->fd >= 0)
		close(sg->fd);
	sg->fd = -1;
	if (sg->name && strncmp(sg->name, "new/", 4) == 0) {
		char *tmp = staged_path(md, sg->name);
		unlink(tmp);
		free(tmp);
	}
	free(sg->name);
	sg->name = NULL;
}

int
maildir_commit(struct maildir *md, struct maildir_staged *v, size_t n,
	       struct perr *e)
{
	size_t done = 0;
	int rc = -1;

	/* every file on disk first ... */
	for (size_t i = 0; i < n; i++) {
		if (v[i].fd < 0 || !v[i].name) {
			perr_set(e, PERR_LOCAL, "a message was not staged");
			goto undo;
		}
		if (fsync(v[i].fd) < 0) {
			perr_set(e, PERR_LOCAL, "cannot fsync '%s': %s",
				 v[i].name, strerror(errno));
			goto undo;
		}
	}
	for (size_t i = 0; i < n; i++) {
		close(v[i].fd);
		v[i].fd = -1;
	}
	crashpoint("maildir.after-tmp");
	/* ... then their names in new/ */
	for (; done < n; done++) {
		char *tmp = staged_path(md, v[done].name);
		char *dst = xstrfmt("%s/%s", md->root, v[done].name);
		int lr = link_new(tmp, dst);
		int err = errno;
		if (lr == 0)
			unlink(tmp);
		free(dst);
		if (lr < 0) {
			perr_set(e, PERR_LOCAL, "cannot move '%s' into new/: "
				 "%s", tmp, strerror(err));
			free(tmp);
			goto undo;
		}
		free(tmp);
	}
	/* One fsync of new/ makes every entry above durable. */
	char *newdir = xstrfmt("%s/new", md->root);
	rc = file_fsync_dir(newdir, e);
	free(newdir);
	if (rc == 0)
		return 0;
undo:
	/* Not known to be on disk: take back what was linked, so that the
	 * caller, who will not count them as delivered, finds no copy
	 * later; the staged files go too (names stay the caller's). */
	for (size_t i = 0; i < n; i++) {
		if (v[i].fd >= 0)
			close(v[i].fd);
		v[i].fd = -1;
		if (!v[i].name)
			continue;
		char *dst = xstrfmt("%s/%s", md->root, v[i].name);
		if (i < done)
			unlink(dst);
		free(dst);
		char *tmp = staged_path(md, v[i].name);
		unlink(tmp);
		free(tmp);
	}
	return -1;
}

int
maildir_deliver(struct maildir *md, const void *data, size_t len,
		char **name, struct perr *e)
{
	struct maildir_staged sg;

	if (name)
		*name = NULL;
	if (maildir_stage(md, data, len, &sg, e) < 0)
		return -1;
	if (maildir_commit(md, &sg, 1, e) < 0) {
		free(sg.name);
		return -1;
	}
	if (name)
		*name = sg.name;
	else
		free(sg.name);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
maildir_names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
maildir_list(const struct maildir *md, char ***out, size_t *n,
	     struct perr *e)
{
	char **v = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 1; i < ARRAY_SIZE(subdirs); i++) {
		char *dir = xstrfmt("%s/%s", md->root, subdirs[i]);
		DIR *d = opendir(dir);
		if (!d) {
			perr_set(e, PERR_LOCAL, "cannot read '%s': %s", dir,
				 strerror(errno));
			free(dir);
			maildir_names_free(v, len);
			return -1;
		}
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			struct stat st;
			char *path = xstrfmt("%s/%s", dir, de->d_name);
			int r = lstat(path, &st);
			free(path);
			if (r < 0 || !S_ISREG(st.st_mode))
				continue;
			v = xgrow(v, &cap, len + 1, sizeof(*v));
			v[len++] = xstrfmt("%s/%s", subdirs[i], de->d_name);
		}
		closedir(d);
		free(dir);
	}
	if (len > 1)
		qsort(v, len, sizeof(*v), cmp_names);
	*out = v;
	*n = len;
	return 0;
}

bool
maildir_name_ok(const char *name, size_t len)
{
	if (len < 5 || (memcmp(name, "new/", 4) != 0 &&
			memcmp(name, "cur/", 4) != 0))
		return false;
	return name[4] != '.' && !memchr(name + 4, '/', len - 4) &&
	       !memchr(name + 4, '\0', len - 4);
}

static bool
name_ok(const char *name)
{
	return maildir_name_ok(name, strlen(name));
}

int
maildir_read(const struct maildir *md, const char *name, struct buf *out,
	     size_t max, struct perr *e)
{
	if (!name_ok(name))
		return perr_set(e, PERR_LOCAL, "'%s' is not a message name in "
				"Maildir '%s'", name, md->root);
	char *path = xstrfmt("%s/%s", md->root, name);
	int rc = file_read_all(path, out, max ? max : MAILDIR_MAX_MESSAGE, e);
	free(path);
	return rc;
}

int
maildir_remove(const struct maildir *md, const char *name, struct perr *e)
{
	if (!name_ok(name))
		return perr_set(e, PERR_LOCAL, "'%s' is not a message name in "
				"Maildir '%s'", name, md->root);
	char *path = xstrfmt("%s/%s", md->root, name);
	int rc = 0;
	if (unlink(path) < 0 && errno != ENOENT)
		rc = perr_set(e, PERR_LOCAL, "cannot remove '%s': %s", path,
			      strerror(errno));
	free(path);
	return rc;
}

int
maildir_clean_tmp(const struct maildir *md, int64_t older_than,
		  size_t *removed, struct perr *e)
{
	char *dir = xstrfmt("%s/tmp", md->root);
	DIR *d = opendir(dir);
	size_t count = 0;
	time_t now = time(NULL);

	if (removed)
		*removed = 0;
	if (!d) {
		perr_set(e, PERR_LOCAL, "cannot read '%s': %s", dir,
			 strerror(errno));
		free(dir);
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		char *path = xstrfmt("%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (int64_t)(now - st.st_mtime) > older_than &&
		    unlink(path) == 0)
			count++;
		free(path);
	}
	closedir(d);
	free(dir);
	if (removed)
		*removed = count;
	return 0;
}
