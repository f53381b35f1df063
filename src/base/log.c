/* SPDX-License-Identifier: ISC */
/*
 * The log file. One mutex guards the file and the secret list: a line is
 * formatted, redacted and written under it, so lines from worker threads
 * never interleave. Logging is cheap when off: before log_open, or above
 * the level, nothing is formatted.
 *
 * Redaction works on the finished line, not on the arguments, because a
 * secret can arrive inside something else (a server echoing a command, an
 * error message quoting a URL with a password in it).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -1;
static bool log_stderr;
static enum log_level log_level = LOG_INFO;
static char **secrets;
static size_t nsecrets, secrets_cap;
static char *trace_modules; /* ",imap,smtp," or NULL */
static _Thread_local char thread_ctx[64];

int
log_open(const char *path, struct perr *e)
{
	char *dir = NULL, *file = NULL;
	int rc = -1;

	if (path) {
		file = xstrdup(path);
	} else {
		dir = xdg_dir("state");
		if (!dir)
			return perr_set(e, PERR_LOCAL,
					"cannot place the log: neither "
					"XDG_STATE_HOME nor HOME is set");
		if (file_mkdirs(dir, 0700, e) < 0)
			goto out;
		file = xstrfmt("%s/postie.log", dir);
	}
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		      0600);
	if (fd < 0) {
		perr_set(e, PERR_LOCAL, "cannot open log '%s': %s", file,
			 strerror(errno));
		goto out;
	}
	pthread_mutex_lock(&log_lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	free(trace_modules);
	trace_modules = NULL;
	const char *t = getenv("POSTIE_TRACE");
	if (t && *t)
		trace_modules = xstrfmt(",%s,", t);
	pthread_mutex_unlock(&log_lock);
	rc = 0;
out:
	free(dir);
	free(file);
	return rc;
}

void
log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	for (size_t i = 0; i < nsecrets; i++) {
		explicit_bzero(secrets[i], strlen(secrets[i]));
		free(secrets[i]);
	}
	free(secrets);
	secrets = NULL;
	nsecrets = secrets_cap = 0;
	free(trace_modules);
	trace_modules = NULL;
	pthread_mutex_unlock(&log_lock);
}

void
log_to_stderr(bool on)
{
	log_stderr = on;
	if (on) {
		pthread_mutex_lock(&log_lock);
		if (!trace_modules) {
			const char *t = getenv("POSTIE_TRACE");
			if (t && *t)
				trace_modules = xstrfmt(",%s,", t);
		}
		pthread_mutex_unlock(&log_lock);
	}
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

void
log_set_context(const char *name)
{
	if (!name) {
		thread_ctx[0] = '\0';
		return;
	}
	size_t n = utf8_cut(name, strlen(name), sizeof(thread_ctx) - 1);
	memcpy(thread_ctx, name, n);
	thread_ctx[n] = '\0';
}

void
log_add_secret(const char *secret)
{
	if (!secret || !*secret)
		return;
	pthread_mutex_lock(&log_lock);
	for (size_t i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], secret) == 0)
			goto out;
	secrets = xgrow(secrets, &secrets_cap, nsecrets + 1, sizeof(*secrets));
	secrets[nsecrets++] = xstrdup(secret);
out:
	pthread_mutex_unlock(&log_lock);
}

/* Replace each secret in line by *****; called with log_lock held. */
static void
redact_locked(struct buf *line)
{
	static const char mask[] = "*****";
	for (size_t i = 0; i < nsecrets; i++) {
		size_t n = strlen(secrets[i]);
		size_t pos = 0;
		while (pos + n <= line->len) {
			char *at = memmem(line->data + pos, line->len - pos,
					  secrets[i], n);
			if (!at)
				break;
			size_t off = (size_t)(at - line->data);
			buf_remove(line, off, n);
			buf_insert(line, off, mask, sizeof(mask) - 1);
			pos = off + sizeof(mask) - 1;
		}
	}
}

void
log_redact(struct buf *line)
{
	pthread_mutex_lock(&log_lock);
	redact_locked(line);
	pthread_mutex_unlock(&log_lock);
}

static bool
enabled(enum log_level level)
{
	return level <= log_level && (log_fd >= 0 || log_stderr);
}

/* Make a line safe for a log file: no control bytes, one line. */
static void
add_escaped(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, c);
	}
}

static void
emit(enum log_level level, const char *body, size_t len)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	struct buf line = BUF_INIT;
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	char stamp[40];
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_addf(&line, "%s.%03ld %s", stamp, ts.tv_nsec / 1000000,
		 names[level]);
	if (thread_ctx[0])
		buf_addf(&line, " [%s]", thread_ctx);
	buf_addch(&line, ' ');
	add_escaped(&line, body, len);
	pthread_mutex_lock(&log_lock);
	redact_locked(&line);
	buf_addch(&line, '\n');
	if (log_fd >= 0) {
		ssize_t w = write(log_fd, line.data, line.len);
		(void)w;
	}
	if (log_stderr) {
		size_t w = fwrite(line.data, 1, line.len, stderr);
		(void)w;
	}
	pthread_mutex_unlock(&log_lock);
	buf_release(&line);
}

static void
vlog(enum log_level level, const char *fmt, va_list ap)
{
	if (!enabled(level))
		return;
	struct buf b = BUF_INIT;
	buf_vaddf(&b, fmt, ap);
	emit(level, b.data, b.len);
	buf_release(&b);
}

#define LOG_FN(fn, level)                   \
	void fn(const char *fmt, ...)       \
	{                                   \
		va_list ap;                 \
		va_start(ap, fmt);          \
		vlog(level, fmt, ap);       \
		va_end(ap);                 \
	}
LOG_FN(log_error, LOG_ERROR)
LOG_FN(log_warn, LOG_WARN)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)

bool
log_trace_on(const char *module)
{
	bool on = false;
	pthread_mutex_lock(&log_lock);
	if (trace_modules && (log_fd >= 0 || log_stderr)) {
		if (strstr(trace_modules, ",all,")) {
			on = true;
		} else {
			char key[32];
			snprintf(key, sizeof(key), ",%s,", module);
			on = strstr(trace_modules, key) != NULL;
		}
	}
	pthread_mutex_unlock(&log_lock);
	return on;
}

/* Commands whose arguments are credentials, as the word that names them
 * may appear after an IMAP tag. */
static const char *const secret_verbs[] = {
	"AUTH", "AUTHENTICATE", "LOGIN", "PASS", "APOP",
};

/*
 * How much of an outgoing line may be shown: up to and including the verb
 * (and, for AUTH and AUTHENTICATE, the mechanism name), never the
 * credentials. *secret tells whether the line carried a credential verb:
 * then every client line that follows is masked whole until the server
 * answers with something other than a continuation ("+" in IMAP, "334" in
 * SMTP), because SASL responses and IMAP literals carry the secret on
 * lines of their own.
 */
static size_t
visible_prefix(const char *line, size_t len, bool *secret)
{
	size_t i = 0, words = 0;
	*secret = false;
	while (i < len && words < 2) {
		size_t start = i;
		while (i < len && line[i] != ' ')
			i++;
		struct slice w = slice_make(line + start, i - start);
		for (size_t k = 0; k < ARRAY_SIZE(secret_verbs); k++) {
			if (!slice_eq_ci(w, secret_verbs[k]))
				continue;
			*secret = true;
			if (k > 1)
				return i;
			size_t j = i;
			if (j < len)
				j++;
			while (j < len && line[j] != ' ')
				j++;
			return j;
		}
		words++;
		if (i < len)
			i++;
	}
	return len;
}

/* The module (per thread) whose client is inside a credential exchange;
 * empty when none. Kept per module so that one protocol's exchange never
 * masks or unmasks another's lines. */
static _Thread_local char sasl_module[16];

void
log_trace(const char *module, bool out, const char *line, size_t len)
{
	if (!log_trace_on(module))
		return;
	struct buf b = BUF_INIT;
	size_t full = len;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	buf_addf(&b, "%s %s ", module, out ? ">>>" : "<<<");
	bool in_sasl = strcmp(sasl_module, module) == 0;
	if (out) {
		bool secret = false;
		size_t keep = in_sasl ? 0 : visible_prefix(line, len, &secret);
		if (secret)
			snprintf(sasl_module, sizeof(sasl_module), "%s", module);
		if (keep > 512)
			keep = 512;
		add_escaped(&b, line, keep);
		if (keep < len)
			buf_addstr(&b, keep ? " *****" : "*****");
	} else {
		struct slice l = slice_make(line, len);
		if (in_sasl &&
		    !(slice_starts_ci(l, "+") || slice_starts_ci(l, "334")))
			sasl_module[0] = '\0';
		add_escaped(&b, line, len > 512 ? 512 : len);
		if (len > 512)
			buf_addf(&b, " ... (%zu bytes)", full);
	}
	emit(LOG_DEBUG, b.data, b.len);
	buf_release(&b);
}
