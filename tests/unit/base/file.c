/* SPDX-License-Identifier: ISC */
/* Atomic file writes, reading with a cap, directories, XDG places. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"

static char tmpdir[] = "/tmp/postie-unit-file.XXXXXX";

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
rm_rf(const char *dir)
{
	char *line = xstrfmt("rm -rf '%s'", dir);
	char **cmd = argv_split(line, NULL);
	struct buf o = BUF_INIT;
	if (cmd)
		proc_capture(cmd, 10000, 1024, &o, NULL, NULL);
	argv_free(cmd);
	free(line);
	buf_release(&o);
}

int
main(void)
{
	struct perr e = PERR_INIT;
	struct buf b = BUF_INIT;
	struct stat st;

	if (!mkdtemp(tmpdir)) {
		ok(0, "cannot make a temporary directory: %s", strerror(errno));
		return done_testing();
	}
	char *path = xstrfmt("%s/state", tmpdir);

	is_int(file_write_atomic(path, "one", 3, 0600, &e), 0,
	       "atomic write of a new file");
	is_int(file_read_all(path, &b, 100, &e), 0, "read it back");
	is_str(b.data, "one", "contents written");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "mode 0600 whatever the umask");

	umask(0);
	is_int(file_write_atomic(path, "two!", 4, 0600, &e), 0,
	       "atomic write replaces");
	buf_reset(&b);
	file_read_all(path, &b, 100, &e);
	is_str(b.data, "two!", "new contents replace old");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "mode kept with umask 0");
	umask(022);
	is_int(count_entries(tmpdir), 1, "no temporary file left behind");

	/* Binary contents with NULs. */
	static const char bin[] = { 'a', 0, 'b', 0, 0, 'c' };
	file_write_atomic(path, bin, sizeof(bin), 0644, &e);
	buf_reset(&b);
	file_read_all(path, &b, 100, &e);
	is_mem(b.data, b.len, bin, sizeof(bin), "binary contents kept");

	/* Exclusive creation: a taken name is refused and left as it was. */
	char *fresh = xstrfmt("%s/fresh", tmpdir);
	is_int(file_create_synced(fresh, "new", 3, 0600, &e), 0,
	       "create_synced makes a new file");
	buf_reset(&b);
	file_read_all(fresh, &b, 100, &e);
	is_str(b.data, "new", "with its contents");
	errno = 0;
	is_int(file_create_synced(fresh, "other", 5, 0600, &e), -1,
	       "create_synced refuses a taken name");
	ok(errno == EEXIST, "and says EEXIST so a caller can pick another");
	buf_reset(&b);
	file_read_all(fresh, &b, 100, &e);
	is_str(b.data, "new", "the existing file is untouched");
	char *link = xstrfmt("%s/link", tmpdir);
	ok(symlink(fresh, link) == 0 &&
		   file_create_synced(link, "x", 1, 0600, &e) == -1,
	   "create_synced does not follow a symbolic link");
	free(link);
	free(fresh);

	/* The cap: larger files are refused and nothing is appended. */
	buf_reset(&b);
	buf_addstr(&b, "keep");
	is_int(file_read_all(path, &b, 3, &e), -1, "read over the cap fails");
	is_str(b.data, "keep", "a failed read appends nothing");
	like(e.msg, "larger than 3 bytes", "cap error names the limit");
	is_int(e.kind, PERR_LOCAL, "cap error is local");

	is_int(file_read_all("/nonexistent/postie/x", &b, 10, &e), -1,
	       "missing file fails");
	like(e.msg, "cannot open '/nonexistent/postie/x'",
	     "missing file error names it");

	/* A directory that does not exist: the write fails cleanly. */
	char *bad = xstrfmt("%s/no/such/dir/file", tmpdir);
	is_int(file_write_atomic(bad, "x", 1, 0600, &e), -1,
	       "atomic write into a missing directory fails");
	like(e.msg, "cannot create", "and says why");

	/* Write over a read-only directory fails and keeps the old file
	 * (root ignores permissions, so only check as another user). */
	char *deep = xstrfmt("%s/a/b/c", tmpdir);
	is_int(file_mkdirs(deep, 0700, &e), 0, "mkdirs creates a chain");
	ok(stat(deep, &st) == 0 && S_ISDIR(st.st_mode) &&
		   (st.st_mode & 0777) == 0700,
	   "mkdirs gives mode 0700");
	is_int(file_mkdirs(deep, 0700, &e), 0, "mkdirs of an existing chain");
	is_int(file_mkdirs(path, 0700, &e), -1, "mkdirs over a file fails");
	is_int(file_fsync_dir(deep, &e), 0, "fsync of a directory");
	is_int(file_fsync_dir(path, &e), 0, "fsync of the directory holding a file");

	/* XDG places. */
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_STATE_HOME");
	char *s = xdg_dir("state");
	is_str(s, "/home/u/.local/state/postie", "state falls back to HOME");
	free(s);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	s = xdg_dir("state");
	is_str(s, "/x/state/postie", "XDG_STATE_HOME wins");
	free(s);
	setenv("XDG_DATA_HOME", "relative", 1);
	s = xdg_dir("data");
	is_str(s, "/home/u/.local/share/postie", "a relative XDG path is ignored");
	free(s);
	s = xdg_dir("nonsense");
	ok(s == NULL, "unknown kind gives NULL");

	rm_rf(tmpdir);
	free(path);
	free(bad);
	free(deep);
	buf_release(&b);
	return done_testing();
}
