/* SPDX-License-Identifier: ISC */
/*
 * Saving a part of a message to a file: the name to suggest, the path
 * prompt's Tab completion, and the write itself.
 *
 * The suggested name comes from the mail, so it is hostile until proven
 * otherwise (hostile-44: "../../.bashrc", "/etc/passwd", a name of 10 000
 * bytes, only dots; hostile-43: "invoice<U+202E>fdp.exe"). It is reduced
 * to one file name by mime_safe_filename, the same rule `postie cat`
 * uses, and when nothing of it is left the part's number and a suffix
 * from its media type stand in. The directory is always the user's (the
 * save-dir option or what they type); nothing in a mail ever names one.
 *
 * The write never clobbers in silence: the file is created with O_EXCL,
 * so a name taken between the question and the write (or a symbolic link
 * planted there) fails instead of being followed; replacing is a second,
 * explicit step that writes a new file beside the old one and renames it
 * over, so a crash leaves one or the other whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/mime.h"
#include "postie/ui.h"

#include "view.h"

/* A file-name suffix for a media type without a usable name. */
static const char *
type_suffix(const char *type)
{
	static const struct {
		const char *type, *ext;
	} map[] = {
		{ "text/plain", "txt" },	{ "text/html", "html" },
		{ "text/calendar", "ics" },	{ "text/csv", "csv" },
		{ "message/rfc822", "eml" },	{ "application/pdf", "pdf" },
		{ "application/zip", "zip" },	{ "image/png", "png" },
		{ "image/jpeg", "jpg" },	{ "image/gif", "gif" },
		{ "image/webp", "webp" },	{ "audio/mpeg", "mp3" },
		{ "application/msword", "doc" },
		{ "application/vnd.ms-excel", "xls" },
		{ "application/pgp-signature", "asc" },
		{ "application/pkcs7-signature", "p7s" },
	};

	for (size_t i = 0; type && i < ARRAY_SIZE(map); i++)
		if (ascii_strcasecmp(type, map[i].type) == 0)
			return map[i].ext;
	if (type && ascii_strncasecmp(type, "text/", 5) == 0)
		return "txt";
	return "bin";
}

char *
ui_part_filename(const char *name, size_t number, const char *type)
{
	struct buf b = BUF_INIT;

	if (name && *name) {
		char *safe = mime_safe_filename(name);
		/* "attachment" is what mime_safe_filename gives for a name
		 * with nothing usable in it; a mail may also call a file
		 * that, which is fine to keep */
		bool empty = strcmp(safe, "attachment") == 0 &&
			     ascii_strcasecmp(name, "attachment") != 0;
		if (!empty && safe[0] != '.' && !strchr(safe, '/') &&
		    strlen(safe) <= 200)
			return safe;
		free(safe);
	}
	buf_addf(&b, "part-%zu.%s", number, type_suffix(type));
	return buf_detach(&b, NULL);
}

static int
fsync_parent(const char *path, struct perr *e)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc;

	if (!slash)
		rc = file_fsync_dir(".", e);
	else if (slash == dir)
		rc = file_fsync_dir("/", e);
	else {
		*slash = '\0';
		rc = file_fsync_dir(dir, e);
	}
	free(dir);
	return rc;
}

int
ui_save_file(const char *path, const void *data, size_t len, bool replace,
	     struct perr *e)
{
	if (!replace) {
		if (file_create_synced(path, data, len, 0600, e) < 0)
			return -1;
		return fsync_parent(path, e);
	}
	/* a new file beside it, then renamed over it */
	struct buf tmp = BUF_INIT;
	int rc = -1;
	for (unsigned k = 0; k < 100; k++) {
		buf_reset(&tmp);
		buf_addf(&tmp, "%s.new-%ld-%u", path, (long)getpid(), k);
		if (file_create_synced(tmp.data, data, len, 0600, e) == 0) {
			rc = 0;
			break;
		}
		if (errno != EEXIST)
			break;
	}
	if (rc == 0 && rename(tmp.data, path) < 0) {
		rc = perr_set(e, PERR_LOCAL, "cannot replace '%s': %s", path,
			      strerror(errno));
		unlink(tmp.data);
	}
	if (rc == 0)
		rc = fsync_parent(path, e);
	buf_release(&tmp);
	return rc;
}

size_t
ui_path_complete(struct buf *in, struct buf *listing)
{
	char *full = file_expand_home(in->data);
	char *slash = strrchr(full, '/');
	const char *dir = slash ? full : ".";
	const char *stem = slash ? slash + 1 : full;
	size_t nstem = strlen(stem);
	char *common = NULL;
	size_t ncommon = 0, matches = 0;
	bool only_dir = false;

	if (slash == full)
		dir = "/";
	else if (slash)
		*slash = '\0';
	DIR *d = opendir(dir);
	if (!d) {
		free(full);
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
			continue;
		if (strncmp(nm, stem, nstem) != 0)
			continue;
		/* hidden entries only when the user typed the dot */
		if (nm[0] == '.' && nstem == 0)
			continue;
		matches++;
		if (listing->len < 400) {
			if (listing->len)
				buf_addstr(listing, "  ");
			ui_sanitize(listing, nm, strlen(nm), UI_TAB_SPACE);
		}
		if (!common) {
			common = xstrdup(nm);
			ncommon = strlen(nm);
			struct stat st;
			struct buf p = BUF_INIT;
			buf_addf(&p, "%s/%s", dir, nm);
			only_dir = stat(p.data, &st) == 0 &&
				   S_ISDIR(st.st_mode);
			buf_release(&p);
		} else {
			size_t k = 0;
			while (k < ncommon && nm[k] == common[k])
				k++;
			ncommon = k;
		}
	}
	closedir(d);
	if (matches && ncommon > nstem)
		buf_add(in, common + nstem, ncommon - nstem);
	if (matches == 1 && only_dir)
		buf_addch(in, '/');
	free(common);
	free(full);
	return matches;
}
