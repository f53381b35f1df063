/* SPDX-License-Identifier: ISC */
/*
 * Files that survive a crash. A mail client's promise is that nothing the
 * user wrote or received is lost, so every file that matters is written
 * to a temporary name beside its target, fsynced, renamed over it, and the
 * directory fsynced so that the rename itself is durable (rename alone
 * only orders the metadata; without the directory fsync a power cut can
 * bring back the old name).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/base.h"

static char *dir_of(const char *path);

int
file_fsync_dir(const char *path, struct perr *e)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *parent = dir_of(path);
		int rc = file_fsync_dir(parent, e);
		free(parent);
		return rc;
	}
	const char *dir = path;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, PERR_LOCAL, "cannot open directory '%s': %s",
				dir, strerror(errno));
	if (fsync(fd) < 0 && errno != EINVAL) {
		int err = errno;
		close(fd);
		return perr_set(e, PERR_LOCAL, "cannot fsync directory '%s': %s",
				dir, strerror(err));
	}
	close(fd);
	return 0;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
file_write_fd(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len,
		  mode_t mode, struct perr *e)
{
	char *dir = dir_of(path);
	char *tmp = NULL;
	int fd = -1, rc = -1;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (int attempt = 0; attempt < 100; attempt++) {
		free(tmp);
		tmp = xstrfmt("%s.tmp.%ld.%ld.%d", path, (long)getpid(),
			      (long)ts.tv_nsec, attempt);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		perr_set(e, PERR_LOCAL, "cannot create '%s': %s", tmp,
			 strerror(errno));
		goto out;
	}
	/* open() applies the umask; the caller asked for this mode. */
	if (fchmod(fd, mode) < 0 || file_write_fd(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		perr_set(e, PERR_LOCAL, "cannot write '%s': %s", tmp,
			 strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		perr_set(e, PERR_LOCAL, "cannot write '%s': %s", tmp,
			 strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		perr_set(e, PERR_LOCAL, "cannot rename '%s' to '%s': %s", tmp,
			 path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	rc = file_fsync_dir(dir, e);
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

int
file_create_synced(const char *path, const void *data, size_t len,
		   mode_t mode, struct perr *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		      mode);
	if (fd < 0) {
		int err = errno;
		perr_set(e, PERR_LOCAL, "cannot create '%s': %s", path,
			 strerror(err));
		errno = err;
		return -1;
	}
	if (file_write_fd(fd, data, len) < 0 || fsync(fd) < 0) {
		int err = errno;
		close(fd);
		unlink(path);
		perr_set(e, PERR_LOCAL, "cannot write '%s': %s", path,
			 strerror(err));
		errno = err;
		return -1;
	}
	if (close(fd) < 0) {
		int err = errno;
		unlink(path);
		perr_set(e, PERR_LOCAL, "cannot write '%s': %s", path,
			 strerror(err));
		errno = err;
		return -1;
	}
	return 0;
}

int
file_read_all(const char *path, struct buf *out, size_t max, struct perr *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, PERR_LOCAL, "cannot open '%s': %s", path,
				strerror(errno));
	size_t start = out->len;
	for (;;) {
		buf_grow(out, 65536);
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			close(fd);
			buf_truncate(out, start);
			return perr_set(e, PERR_LOCAL, "cannot read '%s': %s",
					path, strerror(err));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len - start > max) {
			close(fd);
			buf_truncate(out, start);
			return perr_set(e, PERR_LOCAL,
					"'%s' is larger than %zu bytes", path,
					max);
		}
	}
	close(fd);
	return 0;
}

int
file_mkdirs(const char *path, mode_t mode, struct perr *e)
{
	if (!path || !*path)
		return perr_set(e, PERR_LOCAL, "cannot create a directory with no name");
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			rc = perr_set(e, PERR_LOCAL, "cannot create directory '%s': %s",
				      p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!rc) {
		struct stat st;
		if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			rc = perr_set(e, PERR_LOCAL, "'%s' is not a directory",
				      path);
	}
	free(p);
	return rc;
}

char *
xdg_dir(const char *which)
{
	static const struct {
		const char *name, *var, *fallback;
	} dirs[] = {
		{ "state", "XDG_STATE_HOME", ".local/state" },
		{ "data", "XDG_DATA_HOME", ".local/share" },
		{ "cache", "XDG_CACHE_HOME", ".cache" },
		{ "config", "XDG_CONFIG_HOME", ".config" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (strcmp(which, dirs[i].name) != 0)
			continue;
		const char *v = getenv(dirs[i].var);
		/* The spec says a relative path is invalid and is ignored. */
		if (v && v[0] == '/')
			return xstrfmt("%s/postie", v);
		const char *home = getenv("HOME");
		if (!home || !*home)
			return NULL;
		return xstrfmt("%s/%s/postie", home, dirs[i].fallback);
	}
	return NULL;
}

char *
file_expand_home(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home &&
	    *home)
		return xstrfmt("%s%s", home, path + 1);
	return xstrdup(path);
}
