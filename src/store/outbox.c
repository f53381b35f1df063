/* SPDX-License-Identifier: ISC */
/*
 * The outbox: a Maildir of messages waiting for submission, each with a
 * side file holding its envelope and attempt history. See outbox.h for
 * the layout and the order of writes that keeps every crash harmless.
 *
 * The side file is a few lines of "key value" text rather than SQLite so
 * that the outbox stands on base alone and a person can read it:
 *
 *	postie-outbox 1
 *	queued 1763900000
 *	from alice@example.org
 *	rcpt bob@example.org
 *	state retry
 *	attempts 1
 *	next 1763900060
 *	try 1763900000 temp 421 4.3.2 service shutting down
 *
 * Values are single lines: control bytes in a reason are replaced by
 * spaces when written, and addresses with control bytes are refused on
 * the way in.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/log.h"
#include "postie/outbox.h"

static const char *const state_names[] = {
#define OUTBOX_STATE_NAME_(name, text) text,
	OUTBOX_STATE_TABLE(OUTBOX_STATE_NAME_)
#undef OUTBOX_STATE_NAME_
};

const char *
outbox_state_name(enum outbox_state st)
{
	if ((unsigned)st >= OUTBOX_STATE_COUNT)
		return "?";
	return state_names[st];
}

/* fsync the directory holding path (a rename or unlink there must
 * reach the disk before we say it happened). */
static int
fsync_parent(const char *path, struct perr *e)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path))
			  : xstrdup(".");
	int rc = file_fsync_dir(*dir ? dir : "/", e);

	free(dir);
	return rc;
}

static int
mkdir_0700(const char *path, struct perr *e)
{
	return file_mkdirs(path, 0700, e);
}

/* Remove what a crash can leave behind, once it is surely stale (36
 * hours, the Maildir rule for tmp/): a message written to tmp/ that
 * never entered new/, and a side file whose message is gone (it moved to
 * Sent, or never arrived). Nothing in new/ is ever touched. */
static void
tidy(struct outbox *ob)
{
	static const char *const subs[] = { "tmp", "meta" };
	time_t limit = time(NULL) - 36 * 3600;

	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		char *dir = xstrfmt("%s/%s", ob->dir, subs[i]);
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char *path = xstrfmt("%s/%s", dir, de->d_name);
			char *msg = xstrfmt("%s/new/%s", ob->dir, de->d_name);
			struct stat st;
			bool stale = stat(path, &st) == 0 &&
				     S_ISREG(st.st_mode) &&
				     st.st_mtime < limit;
			if (stale && i == 1 && access(msg, F_OK) == 0)
				stale = false;
			if (stale && unlink(path) == 0)
				log_info("outbox: removed stale '%s'", path);
			free(path);
			free(msg);
		}
		if (d)
			closedir(d);
		free(dir);
	}
}

int
outbox_open(struct outbox *ob, const char *dir, const char *sent_dir,
	    struct perr *e)
{
	static const char *const subs[] = { "tmp", "new", "cur", "meta" };

	memset(ob, 0, sizeof(*ob));
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		char *p = xstrfmt("%s/%s", dir, subs[i]);
		int rc = mkdir_0700(p, e);
		free(p);
		if (rc < 0)
			return perr_prefix(e, "cannot create outbox '%s'",
					   dir);
	}
	for (size_t i = 0; i < 3; i++) {
		char *p = xstrfmt("%s/%s", sent_dir, subs[i]);
		int rc = mkdir_0700(p, e);
		free(p);
		if (rc < 0)
			return perr_prefix(e, "cannot create sent folder "
					   "'%s'", sent_dir);
	}
	ob->dir = xstrdup(dir);
	ob->sent = xstrdup(sent_dir);
	tidy(ob);
	return 0;
}

void
outbox_release(struct outbox *ob)
{
	free(ob->dir);
	free(ob->sent);
	memset(ob, 0, sizeof(*ob));
}

void
outbox_entry_release(struct outbox_entry *ent)
{
	free(ent->id);
	free(ent->path);
	free(ent->from);
	for (size_t i = 0; i < ent->nrcpt; i++)
		free(ent->rcpt[i]);
	free(ent->rcpt);
	for (size_t i = 0; i < ent->nhist; i++) {
		free(ent->hist[i].result);
		free(ent->hist[i].text);
	}
	free(ent->hist);
	free(ent->orig.account);
	free(ent->orig.folder);
	memset(ent, 0, sizeof(*ent));
}

void
outbox_list_free(struct outbox_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outbox_entry_release(&v[i]);
	free(v);
}

static int
check_addr(const char *a, struct perr *e)
{
	if (!*a)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ' ')
			return perr_set(e, PERR_MESSAGE, "address '%s' holds "
					"a space or control byte", a);
	return 0;
}

/* A Maildir unique name: seconds, microseconds, pid, a counter and
 * random bits, then the host name with '/' and ':' replaced. */
static char *
new_id(void)
{
	static unsigned counter;
	struct timespec ts;
	char host[64] = "localhost";
	unsigned rnd = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
			rnd = 0;
		close(fd);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (char *p = host; *p; p++)
		if (*p == '/' || *p == ':' || (unsigned char)*p < 0x21)
			*p = '_';
	return xstrfmt("%lld.M%ldP%dQ%uR%08x.%s", (long long)ts.tv_sec,
		       ts.tv_nsec / 1000, (int)getpid(), ++counter, rnd,
		       host);
}

/* Append "key value\n" with the value made one line. */
static void
add_field(struct buf *b, const char *key, const char *val)
{
	buf_addf(b, "%s ", key);
	for (const unsigned char *p = (const unsigned char *)val; *p; p++)
		buf_addch(b, (*p < 0x20 || *p == 0x7f) ? ' ' : *p);
	buf_addch(b, '\n');
}

static char *
meta_path(const struct outbox *ob, const char *id)
{
	return xstrfmt("%s/meta/%s", ob->dir, id);
}

static int
write_meta(const struct outbox *ob, const struct outbox_entry *ent,
	   struct perr *e)
{
	struct buf b = BUF_INIT;
	char *path = meta_path(ob, ent->id);

	buf_addstr(&b, "postie-outbox 1\n");
	buf_addf(&b, "queued %lld\n", (long long)ent->queued);
	add_field(&b, "from", ent->from);
	for (size_t i = 0; i < ent->nrcpt; i++)
		add_field(&b, "rcpt", ent->rcpt[i]);
	buf_addf(&b, "state %s\n", outbox_state_name(ent->state));
	buf_addf(&b, "attempts %u\n", ent->attempts);
	buf_addf(&b, "next %lld\n", (long long)ent->next_try);
	if (ent->orig.uid && ent->orig.account && ent->orig.folder) {
		add_field(&b, "orig-account", ent->orig.account);
		add_field(&b, "orig-folder", ent->orig.folder);
		buf_addf(&b, "orig-uid %u %u\n",
			 (unsigned)ent->orig.uidvalidity,
			 (unsigned)ent->orig.uid);
		buf_addf(&b, "orig-flag %s\n", ent->orig.forwarded
							? "forwarded"
							: "answered");
	}
	for (size_t i = 0; i < ent->nhist; i++) {
		const struct outbox_attempt *a = &ent->hist[i];
		char head[96];
		snprintf(head, sizeof(head), "try %lld %s %d",
			 (long long)a->time, a->result, a->code);
		add_field(&b, head, a->text ? a->text : "");
	}
	int rc = file_write_atomic(path, b.data, b.len, 0600, e);
	if (rc < 0)
		perr_prefix(e, "cannot record outbox entry '%s'", ent->id);
	buf_release(&b);
	free(path);
	return rc;
}

static bool
parse_i64(struct slice s, int64_t *out)
{
	uint64_t v;

	if (!slice_to_u64(s, (uint64_t)INT64_MAX, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

static void
add_attempt(struct outbox_entry *ent, int64_t t, const char *result,
	    int code, const char *text)
{
	if (ent->nhist == OUTBOX_MAX_HISTORY) {
		free(ent->hist[0].result);
		free(ent->hist[0].text);
		memmove(ent->hist, ent->hist + 1,
			(ent->nhist - 1) * sizeof(*ent->hist));
		ent->nhist--;
	}
	ent->hist = xrealloc(ent->hist, (ent->nhist + 1) * sizeof(*ent->hist));
	struct outbox_attempt *a = &ent->hist[ent->nhist++];
	a->time = t;
	a->result = xstrdup(result);
	a->code = code;
	a->text = xstrdup(text ? text : "");
}

/* Parse a side file into ent (id and path already set). */
static int
parse_meta(struct outbox_entry *ent, const struct buf *b, struct perr *e)
{
	struct slice all = slice_make(b->data, b->len), line;
	bool header = false, state = false;
	size_t lineno = 0;

	while (all.len) {
		slice_split(&all, '\n', &line);
		lineno++;
		if (line.len == 0)
			continue;
		struct slice key, val = line;
		if (!slice_split(&val, ' ', &key))
			val = slice_make("", 0);
		if (lineno == 1) {
			if (!slice_eq(key, "postie-outbox") ||
			    !slice_eq(val, "1"))
				return perr_set(e, PERR_LOCAL, "not an outbox "
						"envelope file");
			header = true;
		} else if (slice_eq(key, "queued")) {
			if (!parse_i64(val, &ent->queued))
				goto bad;
		} else if (slice_eq(key, "from")) {
			free(ent->from);
			ent->from = slice_dup(val);
		} else if (slice_eq(key, "rcpt")) {
			if (val.len == 0)
				goto bad;
			ent->rcpt = xrealloc(ent->rcpt, (ent->nrcpt + 1) *
						     sizeof(*ent->rcpt));
			ent->rcpt[ent->nrcpt++] = slice_dup(val);
		} else if (slice_eq(key, "state")) {
			size_t i;
			for (i = 0; i < OUTBOX_STATE_COUNT; i++)
				if (slice_eq(val, state_names[i]))
					break;
			if (i == OUTBOX_STATE_COUNT)
				goto bad;
			ent->state = (enum outbox_state)i;
			state = true;
		} else if (slice_eq(key, "attempts")) {
			int64_t v;
			if (!parse_i64(val, &v) || v > 1000000)
				goto bad;
			ent->attempts = (unsigned)v;
		} else if (slice_eq(key, "next")) {
			if (!parse_i64(val, &ent->next_try))
				goto bad;
		} else if (slice_eq(key, "try")) {
			struct slice t, res, code;
			int64_t when, c;
			if (!slice_split(&val, ' ', &t) || !parse_i64(t, &when))
				goto bad;
			if (!slice_split(&val, ' ', &res) || res.len == 0)
				goto bad;
			bool more = slice_split(&val, ' ', &code);
			if (!parse_i64(code, &c) || c > 999)
				goto bad;
			char *r = slice_dup(res);
			char *text = more ? slice_dup(val) : xstrdup("");
			add_attempt(ent, when, r, (int)c, text);
			free(r);
			free(text);
		} else if (slice_eq(key, "orig-account")) {
			free(ent->orig.account);
			ent->orig.account = slice_dup(val);
		} else if (slice_eq(key, "orig-folder")) {
			free(ent->orig.folder);
			ent->orig.folder = slice_dup(val);
		} else if (slice_eq(key, "orig-uid")) {
			struct slice v1;
			uint64_t uv, u;
			if (!slice_split(&val, ' ', &v1) ||
			    !slice_to_u64(v1, UINT32_MAX, &uv) ||
			    !slice_to_u64(val, UINT32_MAX, &u))
				goto bad;
			ent->orig.uidvalidity = (uint32_t)uv;
			ent->orig.uid = (uint32_t)u;
		} else if (slice_eq(key, "orig-flag")) {
			ent->orig.forwarded = slice_eq(val, "forwarded");
		}
		/* other keys: written by a later version; ignored */
	}
	if (ent->orig.uid && (!ent->orig.account || !ent->orig.folder))
		ent->orig.uid = 0; /* half an origin: none */
	if (!header || !state || !ent->from || ent->nrcpt == 0)
		return perr_set(e, PERR_LOCAL, "outbox envelope file is "
				"incomplete");
	return 0;
bad:
	return perr_set(e, PERR_LOCAL, "outbox envelope file: bad line %zu",
			lineno);
}

static int
load_entry(struct outbox *ob, const char *id, struct outbox_entry *ent,
	   struct perr *e)
{
	struct buf b = BUF_INIT;
	struct stat st;
	char *mpath = meta_path(ob, id);
	int rc = -1;

	memset(ent, 0, sizeof(*ent));
	ent->id = xstrdup(id);
	ent->path = xstrfmt("%s/new/%s", ob->dir, id);
	if (stat(ent->path, &st) < 0) {
		perr_set(e, PERR_LOCAL, "no message '%s' in the outbox", id);
		goto out;
	}
	ent->size = (uint64_t)st.st_size;
	if (file_read_all(mpath, &b, OUTBOX_MAX_META, e) < 0 ||
	    parse_meta(ent, &b, e) < 0)
		goto out;
	/* An attempt was under way when the process stopped: the message
	 * may or may not have reached the server. */
	if (ent->state == OUTBOX_SENDING)
		ent->state = OUTBOX_UNKNOWN;
	rc = 0;
out:
	buf_release(&b);
	free(mpath);
	return rc;
}

int
outbox_get(struct outbox *ob, const char *id, struct outbox_entry *ent,
	   struct perr *e)
{
	if (!*id || strchr(id, '/') || id[0] == '.') {
		memset(ent, 0, sizeof(*ent));
		return perr_set(e, PERR_LOCAL, "bad outbox id '%s'", id);
	}
	if (load_entry(ob, id, ent, e) < 0) {
		outbox_entry_release(ent);
		return -1;
	}
	return 0;
}

int
outbox_add(struct outbox *ob, const char *from, const char *const *rcpt,
	   size_t nrcpt, const void *msg, size_t len, int64_t now,
	   char **id_out, struct perr *e)
{
	return outbox_add_orig(ob, from, rcpt, nrcpt, msg, len, NULL, now,
			       id_out, e);
}

static bool
one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int
outbox_add_orig(struct outbox *ob, const char *from, const char *const *rcpt,
		size_t nrcpt, const void *msg, size_t len,
		const struct outbox_origin *orig, int64_t now, char **id_out,
		struct perr *e)
{
	struct outbox_entry ent;
	char *tmp = NULL;
	int rc = -1;

	memset(&ent, 0, sizeof(ent));
	if (nrcpt == 0)
		return perr_set(e, PERR_MESSAGE, "no recipients");
	if (len > OUTBOX_MAX_MESSAGE)
		return perr_set(e, PERR_MESSAGE, "message of %zu bytes is too "
				"large for the outbox", len);
	if (check_addr(from, e) < 0)
		return -1;
	for (size_t i = 0; i < nrcpt; i++) {
		if (!*rcpt[i])
			return perr_set(e, PERR_MESSAGE, "empty recipient");
		if (check_addr(rcpt[i], e) < 0)
			return -1;
	}

	ent.id = new_id();
	ent.path = xstrfmt("%s/new/%s", ob->dir, ent.id);
	ent.from = xstrdup(from);
	ent.rcpt = xcalloc(nrcpt, sizeof(*ent.rcpt));
	for (size_t i = 0; i < nrcpt; i++)
		ent.rcpt[ent.nrcpt++] = xstrdup(rcpt[i]);
	ent.state = OUTBOX_QUEUED;
	ent.queued = now;
	if (orig && orig->uid) {
		if (!orig->account || !orig->folder ||
		    !one_line(orig->account) || !one_line(orig->folder)) {
			perr_set(e, PERR_MESSAGE, "the original message's "
				 "folder name is not one line");
			goto out;
		}
		ent.orig.account = xstrdup(orig->account);
		ent.orig.folder = xstrdup(orig->folder);
		ent.orig.uidvalidity = orig->uidvalidity;
		ent.orig.uid = orig->uid;
		ent.orig.forwarded = orig->forwarded;
	}

	/* 1. the message in tmp/, on disk */
	tmp = xstrfmt("%s/tmp/%s", ob->dir, ent.id);
	if (file_create_synced(tmp, msg, len, 0600, e) < 0) {
		free(tmp);
		tmp = NULL; /* nothing left there to remove */
		goto out;
	}
	/* 2. its envelope, atomically */
	if (write_meta(ob, &ent, e) < 0)
		goto out;
	/* 3. into new/: from now on it is in the outbox */
	if (rename(tmp, ent.path) < 0) {
		perr_set(e, PERR_LOCAL, "cannot move '%s' into the outbox: %s",
			 tmp, strerror(errno));
		char *m = meta_path(ob, ent.id);
		unlink(m);
		free(m);
		goto out;
	}
	if (fsync_parent(ent.path, e) < 0)
		goto out;
	if (id_out)
		*id_out = xstrdup(ent.id);
	rc = 0;
out:
	if (rc < 0 && tmp)
		unlink(tmp);
	free(tmp);
	outbox_entry_release(&ent);
	return rc;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct outbox_entry *x = a, *y = b;

	if (x->queued != y->queued)
		return x->queued < y->queued ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
outbox_list(struct outbox *ob, struct outbox_entry **out, size_t *n,
	    struct perr *e)
{
	char *dir = xstrfmt("%s/new", ob->dir);
	DIR *d = opendir(dir);
	struct outbox_entry *v = NULL;
	size_t nv = 0, cap = 0;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (!d) {
		perr_set(e, PERR_LOCAL, "cannot read outbox '%s': %s", dir,
			 strerror(errno));
		free(dir);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = xgrow(v, &cap, nv + 1, sizeof(*v));
		struct perr le = PERR_INIT;
		if (load_entry(ob, de->d_name, &v[nv], &le) < 0) {
			/* Listed, not skipped: a message must never
			 * vanish from view because its side file broke. */
			struct stat st;
			outbox_entry_release(&v[nv]);
			v[nv].id = xstrdup(de->d_name);
			v[nv].path = xstrfmt("%s/%s", dir, de->d_name);
			v[nv].from = xstrdup("");
			v[nv].state = OUTBOX_BROKEN;
			if (stat(v[nv].path, &st) == 0) {
				v[nv].size = (uint64_t)st.st_size;
				v[nv].queued = (int64_t)st.st_mtime;
			}
			add_attempt(&v[nv], v[nv].queued, "broken", 0,
				    le.msg);
		}
		nv++;
	}
	closedir(d);
	free(dir);
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_entry);
	*out = v;
	*n = nv;
	return 0;
}

int64_t
outbox_backoff(unsigned n)
{
	int64_t s = 60;

	if (n == 0)
		return 0;
	for (unsigned i = 1; i < n && s < 6 * 3600; i++)
		s *= 2;
	return s > 6 * 3600 ? 6 * 3600 : s;
}

bool
outbox_due(const struct outbox_entry *ent, int64_t now)
{
	switch (ent->state) {
	case OUTBOX_QUEUED:
		return true;
	case OUTBOX_RETRY:
		return now >= ent->next_try;
	case OUTBOX_UNKNOWN:
		/* It may have been delivered: sending it again by itself
		 * would make a duplicate nobody asked for (hostile-48). */
		return false;
	default:
		return false;
	}
}

int
outbox_begin(struct outbox *ob, struct outbox_entry *ent, int64_t now,
	     struct perr *e)
{
	enum outbox_state old = ent->state;

	ent->state = OUTBOX_SENDING;
	if (write_meta(ob, ent, e) < 0) {
		ent->state = old;
		return -1;
	}
	return 0;
}

int
outbox_fail(struct outbox *ob, struct outbox_entry *ent,
	    enum outbox_outcome how, int code, const char *text, int64_t now,
	    struct perr *e)
{
	static const char *const names[] = { "temp", "perm", "unknown" };
	static const enum outbox_state states[] = {
		OUTBOX_RETRY, OUTBOX_HELD, OUTBOX_UNKNOWN
	};

	if ((unsigned)how > OUTBOX_UNDETERMINED)
		how = OUTBOX_TEMPFAIL;
	ent->attempts++;
	ent->state = states[how];
	ent->next_try = now + outbox_backoff(ent->attempts);
	add_attempt(ent, now, names[how], code, text);
	return write_meta(ob, ent, e);
}

int
outbox_set_rcpts(struct outbox *ob, struct outbox_entry *ent,
		 const char *const *rcpt, size_t nrcpt, struct perr *e)
{
	if (nrcpt == 0)
		return perr_set(e, PERR_MESSAGE, "no recipients");
	for (size_t i = 0; i < nrcpt; i++)
		if (check_addr(rcpt[i], e) < 0)
			return -1;
	char **v = xcalloc(nrcpt, sizeof(*v));
	for (size_t i = 0; i < nrcpt; i++)
		v[i] = xstrdup(rcpt[i]);
	for (size_t i = 0; i < ent->nrcpt; i++)
		free(ent->rcpt[i]);
	free(ent->rcpt);
	ent->rcpt = v;
	ent->nrcpt = nrcpt;
	return write_meta(ob, ent, e);
}

/* Copy src to dst (created 0600, fsynced) for a move across file
 * systems. */
static int
copy_file(const char *src, const char *dst, struct perr *e)
{
	struct buf b = BUF_INIT;
	int rc;

	if (file_read_all(src, &b, OUTBOX_MAX_MESSAGE, e) < 0)
		return -1;
	rc = file_write_atomic(dst, b.data, b.len, 0600, e);
	buf_release(&b);
	return rc;
}

int
outbox_done(struct outbox *ob, struct outbox_entry *ent, struct perr *e)
{
	char *dst = xstrfmt("%s/cur/%s:2,S", ob->sent, ent->id);
	char *mpath = meta_path(ob, ent->id);
	int rc = -1;

	if (rename(ent->path, dst) < 0) {
		if (errno != EXDEV) {
			perr_set(e, PERR_LOCAL, "cannot move '%s' to '%s': %s",
				 ent->path, dst, strerror(errno));
			goto out;
		}
		if (copy_file(ent->path, dst, e) < 0)
			goto out;
		if (unlink(ent->path) < 0) {
			perr_set(e, PERR_LOCAL, "cannot remove '%s': %s",
				 ent->path, strerror(errno));
			goto out;
		}
	}
	if (fsync_parent(dst, e) < 0 || fsync_parent(ent->path, e) < 0)
		goto out;
	crashpoint("outbox.after-sent");
	/* The message is in Sent; a crash here leaves an orphan side file,
	 * which no listing shows (listings start from new/). */
	if (unlink(mpath) < 0 && errno != ENOENT)
		log_warn("outbox: cannot remove '%s': %s", mpath,
			 strerror(errno));
	rc = 0;
	outbox_entry_release(ent);
out:
	free(dst);
	free(mpath);
	return rc;
}

int
outbox_remove(struct outbox *ob, struct outbox_entry *ent, struct perr *e)
{
	char *mpath = meta_path(ob, ent->id);
	int rc = 0;

	if (unlink(ent->path) < 0 && errno != ENOENT)
		rc = perr_set(e, PERR_LOCAL, "cannot remove '%s': %s",
			      ent->path, strerror(errno));
	else if (fsync_parent(ent->path, e) < 0)
		rc = -1;
	if (rc == 0)
		unlink(mpath);
	free(mpath);
	if (rc == 0)
		outbox_entry_release(ent);
	return rc;
}
