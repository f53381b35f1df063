/* SPDX-License-Identifier: ISC */
/*
 * base: what every other module stands on. Allocation that cannot fail
 * (x-allocators), the one error type, string slices, UTF-8 helpers,
 * base64, files written atomically, and running a helper program without a
 * shell. libc only; no other postie module is visible from here.
 *
 * All functions here may be called from any thread unless a comment says
 * otherwise.
 */
#ifndef POSTIE_BASE_H
#define POSTIE_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "postie/buf.h"

#define POSTIE_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* ---------------------------------------------------------------------
 * Errors
 *
 * Kinds are graded by scope and cause so that the caller knows what to do
 * next: CONN means try again later on a new connection, PROTO means the
 * server spoke nonsense (drop the connection), AUTH means ask the user,
 * REJECTED means the server said no to this one thing (its text is kept),
 * FOLDER and MESSAGE bound the damage to one folder or one message, LOCAL
 * is a file-system failure on this machine, CONFIG a fault in what the
 * user wrote. The enum and its names come from this one table.
 */
#define PERR_KIND_TABLE(X)                                  \
	X(NONE, "no error")                                 \
	X(NOMEM, "out of memory")                           \
	X(CONN, "connection")                               \
	X(PROTO, "protocol")                                \
	X(AUTH, "authentication")                           \
	X(REJECTED, "rejected")                             \
	X(FOLDER, "folder")                                 \
	X(MESSAGE, "message")                               \
	X(LOCAL, "local")                                   \
	X(CONFIG, "configuration")                          \
	X(CANCELLED, "cancelled")

enum perr_kind {
#define PERR_ENUM_(name, text) PERR_##name,
	PERR_KIND_TABLE(PERR_ENUM_)
#undef PERR_ENUM_
	PERR_KIND_COUNT
};

/* Details of a failure. The message is lower case, says what failed first
 * and quotes its subject ("cannot open folder 'INBOX': ..."); a longer
 * message is cut at a character boundary with "...". */
struct perr {
	enum perr_kind kind;
	char msg[1024];
};

#define PERR_INIT { PERR_NONE, "" }

/* The name of a kind ("connection"); never NULL. */
const char *perr_kind_name(enum perr_kind kind);

/* Record an error in *e (which may be NULL) and return -1, so that error
 * paths are one line: `return perr_set(e, PERR_CONN, "cannot ...");`. */
int perr_set(struct perr *e, enum perr_kind kind, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
int perr_vset(struct perr *e, enum perr_kind kind, const char *fmt,
	      va_list ap) PRINTF_LIKE(3, 0);

/* Put "prefix: " in front of the message already in *e, keeping its kind.
 * Returns -1. */
int perr_prefix(struct perr *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Forget any recorded error. */
void perr_clear(struct perr *e);

/* ---------------------------------------------------------------------
 * Allocation. These never return NULL: on failure they call the
 * out-of-memory hook (the UI sets one that restores the terminal), write
 * one line to stderr and abort.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of nmemb elements of size sz to hold at least want; *cap
 * is updated. Overflow aborts like out-of-memory. */
void *xgrow(void *p, size_t *cap, size_t want, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
/* A formatted string on the heap; the caller frees it. */
char *xstrfmt(const char *fmt, ...) PRINTF_LIKE(1, 2);
void base_set_oom_hook(void (*hook)(void));
NORETURN void base_oom(size_t n);

/* ---------------------------------------------------------------------
 * Slices: a pointer and a length into someone else's bytes. They borrow;
 * they live as long as the bytes they point at. Wire data is parsed from
 * slices, never from NUL-terminated strings.
 */
struct slice {
	const char *p;
	size_t len;
};

static inline struct slice
slice_make(const char *p, size_t len)
{
	struct slice s = { p, len };
	return s;
}
struct slice slice_cstr(const char *s);
struct slice slice_trim(struct slice s); /* space, tab, CR, LF */
bool slice_eq(struct slice a, const char *s);
bool slice_eq_ci(struct slice a, const char *s); /* ASCII case */
bool slice_starts_ci(struct slice a, const char *prefix);
/* Split at the first c: *head gets what is before, the slice what is after.
 * Returns false (and *head = all) when c is absent. */
bool slice_split(struct slice *s, char c, struct slice *head);
char *slice_dup(struct slice s); /* heap copy, NUL-terminated */
/* Parse an unsigned decimal with no sign and no space; false on empty,
 * junk or a value above max. */
bool slice_to_u64(struct slice s, uint64_t max, uint64_t *out);

/* ASCII helpers that ignore the locale. */
static inline int
ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}
int ascii_strcasecmp(const char *a, const char *b);
int ascii_strncasecmp(const char *a, const char *b, size_t n);
/* Case-insensitive search for needle in (h, hlen); NULL if absent. */
const char *ascii_memcasemem(const char *h, size_t hlen, const char *needle);

/* ---------------------------------------------------------------------
 * UTF-8
 */
/* Decode one code point at p (len bytes available). Returns the number of
 * bytes used (1 to 4) and the code point in *cp, or 0 for an invalid or
 * truncated sequence (overlong forms, surrogates and values above
 * U+10FFFF are invalid). */
size_t utf8_decode(const char *p, size_t len, uint32_t *cp);
/* Append the UTF-8 form of cp (U+FFFD for an invalid value). */
void utf8_encode(struct buf *b, uint32_t cp);
bool utf8_valid(const char *p, size_t len);
/* Length of the longest prefix of (p, len) that is no more than max bytes
 * and does not cut a UTF-8 sequence. */
size_t utf8_cut(const char *p, size_t len, size_t max);

/* ---------------------------------------------------------------------
 * Terminal text: what may be drawn, and how wide it is (src/base/text.c).
 */
/* What text_sanitize may let through. Everything else is escaped. */
enum {
	TEXT_ALLOW_TAB = 1 << 0, /* keep tabs (a pager expands them) */
	TEXT_ALLOW_LF = 1 << 1,  /* keep line feeds (multi-line text) */
	TEXT_TAB_SPACE = 1 << 2, /* a tab becomes one space (headers) */
	TEXT_ALLOW_ZWJ = 1 << 3, /* keep the joiners U+200C and U+200D
				    (emoji sequences, Persian text) */
};

/* Append the drawable form of (p, len) to out: C0 controls and DEL as
 * ^@ .. ^_ and ^? (so ESC is ^[ and the sequence it starts is inert
 * text), raw C1 bytes as \x80 .. \x9f, other invalid UTF-8 as U+FFFD,
 * C1 code points, bidi controls, zero-width and other invisible
 * characters as <U+XXXX>; tab and line feed only as flags allow. The
 * result is valid UTF-8 with no control character but those allowed.
 * Returns the number of replacements (0: drawn as it came). */
size_t text_sanitize(struct buf *out, const char *p, size_t len,
		     unsigned flags);
/* Would text_sanitize (with no flags) escape this code point? Controls,
 * C1, bidi controls and invisible characters. For file names and other
 * places where such a character is dropped rather than shown. */
bool text_cp_unsafe(uint32_t cp);
/* Cells a code point takes on a terminal: 0 (combining, invisible), 1,
 * 2 (East Asian wide and full-width, emoji), or -1 for a control. From
 * our own Unicode tables, the same in every locale. */
int text_cp_width(uint32_t cp);
/* Cells of a UTF-8 string as drawn after text_sanitize would leave it
 * unchanged (controls count 0, an invalid byte 1). */
size_t text_width(const char *p, size_t len);

/* ---------------------------------------------------------------------
 * base64 (RFC 4648 alphabet)
 */
/* Append the base64 form of (in, len); wrap > 0 breaks lines with CRLF
 * every wrap output characters (76 for MIME; 0 for one line). */
void b64_encode(struct buf *out, const void *in, size_t len, size_t wrap);

/* What a lenient decode passed over. White space is normal in MIME and is
 * counted apart from junk. */
struct b64_report {
	size_t whitespace; /* spaces, tabs, CR, LF skipped */
	size_t junk;       /* bytes outside the alphabet skipped */
	size_t trailing;   /* alphabet bytes after the final '=' padding */
	bool truncated;    /* a final group of 2 or 3 characters (no padding)
			      or a lone character, decoded as far as it went */
};

/* Append the decoded bytes of (in, len). Never fails: junk is skipped and
 * counted in *rep (which may be NULL). Returns the number of bytes
 * appended. */
size_t b64_decode(struct buf *out, const char *in, size_t len,
		  struct b64_report *rep);
/* Strict decode for protocol use (SASL): no white space, no junk, correct
 * padding. Returns 0 or -1. */
int b64_decode_strict(struct buf *out, const char *in, size_t len);

/* ---------------------------------------------------------------------
 * Files
 */
/* Write (data, len) to path so that after a crash the file holds either
 * its old contents or the new ones: a temporary file beside it (created
 * with mode), written, fsynced, renamed over path, then the directory
 * fsynced. Returns 0, or -1 with PERR_LOCAL in *e. */
int file_write_atomic(const char *path, const void *data, size_t len,
		      mode_t mode, struct perr *e);
/* Write all of (p, n) to fd, retrying after EINTR and short writes.
 * Returns 0, or -1 with errno set. */
int file_write_fd(int fd, const void *p, size_t n);
/* Create path, which must not exist (O_EXCL; a symbolic link there is
 * not followed), with mode; write (data, len), fsync and close it. On
 * failure nothing is left at path: returns -1 with PERR_LOCAL in *e and
 * errno kept (EEXIST when path was taken), so that a caller can try
 * another name. The first step of every crash-safe write: what follows
 * is a rename or link into place and an fsync of the directory. */
int file_create_synced(const char *path, const void *data, size_t len,
		       mode_t mode, struct perr *e);
/* Read a whole file into out (appending), refusing files larger than max
 * bytes. Returns 0 or -1 with PERR_LOCAL. */
int file_read_all(const char *path, struct buf *out, size_t max,
		  struct perr *e);
/* mkdir -p with mode for every directory created. */
int file_mkdirs(const char *path, mode_t mode, struct perr *e);
/* fsync the directory that holds path (or path itself if a directory). */
int file_fsync_dir(const char *dir, struct perr *e);
/* $XDG_STATE_HOME/postie, $XDG_DATA_HOME/postie, $XDG_CACHE_HOME/postie,
 * $XDG_CONFIG_HOME/postie with the usual fallbacks under $HOME. The caller
 * frees the string. NULL when neither the variable nor HOME is set. */
char *xdg_dir(const char *which);

/* ---------------------------------------------------------------------
 * Running a helper program (password-command, new-mail-command, ...).
 * Never through a shell.
 */
/* Split a command line into words: white space separates, 'single' and
 * "double" quotes group, backslash escapes outside single quotes. No
 * expansion of any kind. Returns a NULL-terminated vector (free with
 * argv_free) or NULL with *e set for an unbalanced quote or an empty
 * line. */
char **argv_split(const char *line, struct perr *e);
void argv_free(char **argv);

/* Run argv[0] (looked up in PATH) with stdin from /dev/null, stdout
 * captured into out (at most max_out bytes; more is an error), stderr
 * captured into err (may be NULL; at most 4 KiB kept), and kill it after
 * timeout_ms. Returns the exit status (0-255) or -1 with *e set when it
 * could not run, timed out, was killed by a signal or wrote too much. */
int proc_capture(char *const argv[], int timeout_ms, size_t max_out,
		 struct buf *out, struct buf *err, struct perr *e);
/* The same with (input, in_len) on the program's stdin instead of
 * /dev/null: for handing a secret to a keyring program (secret-tool
 * store, pass insert) without a command line that others could read.
 * The input must be small (at most a pipe's buffer, 4 KiB to be safe);
 * a program that exits without reading it is not an error here (its
 * exit status says what happened). */
int proc_capture_input(char *const argv[], const char *input, size_t in_len,
		       int timeout_ms, size_t max_out, struct buf *out,
		       struct buf *err, struct perr *e);

/* What proc_run gives the program. */
struct proc_io {
	const char *input;   /* bytes for its stdin (small, as for
				proc_capture_input), or NULL */
	size_t in_len;
	const char *in_path; /* else a file for its stdin; both NULL:
				/dev/null */
	bool merge_err;      /* its stderr into out with its stdout, in the
				order written (err is then unused) */
};
/* What proc_capture does, with stdin and stderr as io says (NULL: stdin
 * from /dev/null, stderr into err), returning the raw wait status
 * (WIFEXITED, WIFSIGNALED) of a program that ended by itself, or -1 with
 * *e set when it could not run, ran over timeout_ms or wrote more than
 * max_out bytes (it is then killed, with its process group). Any thread.
 */
int proc_run(char *const argv[], const struct proc_io *io, int timeout_ms,
	     size_t max_out, struct buf *out, struct buf *err, struct perr *e);

/* proc_spawn's flags */
enum {
	PROC_NULL_STDIO = 1 << 0, /* stdin (unless in_path), stdout and
				     stderr on /dev/null; else postie's */
	PROC_OWN_GROUP = 1 << 1,  /* a process group of its own: the
				     terminal's ^C is not for it, and
				     kill(-pid) reaches what it started */
};
/* Start argv[0] (looked up in PATH) and return at once: *pid gets the
 * child, which the caller reaps (waitpid). stdin from the file in_path
 * when not NULL. As every child of postie (proc_run, proc_capture too),
 * it starts with no signal blocked and every signal at its default
 * action, whatever postie ignores or handles (SIGPIPE). Returns 0, or -1
 * with *e set when it could not be started. Any thread. */
int proc_spawn(char *const argv[], const char *in_path, unsigned flags,
	       pid_t *pid, struct perr *e);

/* A copy of path with a leading "~/" (or a lone "~") made $HOME's; any
 * other path, and any path when HOME is unset or empty, copied as it
 * is ("~user" is not expanded). The caller frees it. Any thread. */
char *file_expand_home(const char *path);

/* Monotonic milliseconds, for timeouts. */
int64_t time_mono_ms(void);

/* ---------------------------------------------------------------------
 * Crash points, for the tests that prove a crash loses nothing.
 *
 * crashpoint("pop3.after-uidl") kills the process with SIGKILL when the
 * environment variable POSTIE_CRASHPOINT names that point: "NAME" stops
 * at the first pass, "NAME:N" at the Nth (counted over all threads).
 * The variable is read once, at the first call; when it is unset (or
 * names another point) a call costs a load and a compare. The names in
 * use are listed in src/base/crash.c. Any thread.
 */
void crashpoint(const char *name);

#endif
