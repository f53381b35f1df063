/* SPDX-License-Identifier: ISC */
/*
 * log: one line per call, time-stamped, thread-safe, to a file in the state
 * directory ($XDG_STATE_HOME/postie/postie.log). Never to the terminal
 * while curses runs: before log_open, and when opening fails, lines go
 * nowhere unless log_to_stderr was asked for.
 *
 * Secrets: every string given to log_add_secret is replaced by "*****"
 * wherever it appears in a line, and protocol traces mask the arguments
 * of AUTH, AUTHENTICATE, LOGIN, PASS and SASL continuation lines, so a
 * password cannot reach the log through a trace or a server's echo.
 *
 * Traces are opt-in per module: POSTIE_TRACE=imap,smtp (or "all") in the
 * environment, read once by log_open.
 */
#ifndef POSTIE_LOG_H
#define POSTIE_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "postie/base.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Open (append) the log file at path, or when path is NULL at
 * $XDG_STATE_HOME/postie/postie.log, creating the directory 0700 and the
 * file 0600. Returns 0 or -1 with *e set (logging then stays off). */
int log_open(const char *path, struct perr *e);
void log_close(void);
/* Also copy every line to stderr (for headless commands with -v). */
void log_to_stderr(bool on);
void log_set_level(enum log_level level);
/* The name stamped on lines from the calling thread (an account name);
 * copied. NULL clears it. */
void log_set_context(const char *name);

/* Register a secret to be masked in every later line. Copied; strings
 * shorter than 4 bytes are masked too but may cause over-masking. */
void log_add_secret(const char *secret);
/* Mask registered secrets in line, in place. */
void log_redact(struct buf *line);

void log_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_info(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_debug(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Is tracing on for module ("imap", "pop3", "smtp", "net")? */
bool log_trace_on(const char *module);
/* Trace one protocol line. out is true for what postie sent (">>>"),
 * false for what it received ("<<<"). The line is cut at 512 bytes, its
 * control bytes escaped, and credentials masked as described above. */
void log_trace(const char *module, bool out, const char *line, size_t len);

#endif
