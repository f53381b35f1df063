/* SPDX-License-Identifier: ISC */
/*
 * Running helper programs (password-command, new-mail-command, a mailcap
 * viewer) without a shell. A command line is split into words here with
 * quotes and backslashes and nothing else: no variables, no globbing, no
 * command substitution, so a value from a mail or a config file can never
 * become shell code.
 *
 * Every child is started here (proc_spawn, proc_run), with posix_spawnp,
 * which is safe to call from a threaded process (fork + exec in a program
 * with worker threads is not, once malloc is involved), with no signal
 * blocked and every signal at its default action. proc_run puts the
 * child in its own process group so a timeout kills the program and
 * anything it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "postie/base.h"

extern char **environ;

int64_t
time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

char **
argv_split(const char *line, struct perr *e)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct buf w = BUF_INIT;
	const char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		buf_reset(&w);
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' &&
		       *p != '\r') {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');
				if (!end)
					goto unbalanced;
				buf_add(&w, p + 1, (size_t)(end - p - 1));
				p = end + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && (p[1] == '"' ||
							   p[1] == '\\'))
						p++;
					buf_addch(&w, *p++);
				}
				if (*p != '"')
					goto unbalanced;
				p++;
			} else if (*p == '\\' && p[1]) {
				buf_addch(&w, p[1]);
				p += 2;
			} else {
				buf_addch(&w, *p++);
			}
		}
		v = xgrow(v, &cap, n + 2, sizeof(*v));
		v[n++] = buf_strdup(&w);
		v[n] = NULL;
	}
	buf_release(&w);
	if (!n) {
		free(v);
		perr_set(e, PERR_CONFIG, "empty command");
		return NULL;
	}
	return v;
unbalanced:
	buf_release(&w);
	if (v)
		argv_free(v);
	perr_set(e, PERR_CONFIG, "unbalanced quote in command '%s'", line);
	return NULL;
}

static void
kill_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

/* Write all of (p, n) to fd, which the child reads as its stdin, and
 * close it. The input is small (a secret), so the pipe takes it before
 * the child has to read anything and this cannot block on a child that
 * waits for us to read its output. A child that exits without reading
 * makes the write fail with EPIPE; the SIGPIPE that comes with it is
 * blocked for this thread and taken back, so the caller need not ignore
 * it process-wide. */
static void
feed(int fd, const char *p, size_t n)
{
	sigset_t pipe_set, old;
	bool epipe = false;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EPIPE)
			epipe = true;
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
	if (epipe && !sigismember(&old, SIGPIPE)) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 &&
		       errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(fd);
}

/* Every child starts with no signal blocked and every signal at its
 * default action. postie ignores SIGPIPE (a closed socket is an error to
 * read, not a death), and an ignored signal stays ignored across exec: an
 * editor, a pager or a viewer would then live on writing to a closed
 * pipe. Handlers are reset by exec anyway; setting all is simplest and
 * leaves nothing to keep in step with the signals postie handles. */
static void
attr_init(posix_spawnattr_t *attr, bool own_group)
{
	sigset_t none, all;
	short fl = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;

	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	posix_spawnattr_init(attr);
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &all);
	if (own_group) {
		posix_spawnattr_setpgroup(attr, 0);
		fl |= POSIX_SPAWN_SETPGROUP;
	}
	posix_spawnattr_setflags(attr, fl);
}

int
proc_spawn(char *const argv[], const char *in_path, unsigned flags,
	   pid_t *pid, struct perr *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;

	posix_spawn_file_actions_init(&fa);
	if (in_path)
		posix_spawn_file_actions_addopen(&fa, 0, in_path, O_RDONLY, 0);
	else if (flags & PROC_NULL_STDIO)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
						 O_RDONLY, 0);
	if (flags & PROC_NULL_STDIO) {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
						 O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
						 O_WRONLY, 0);
	}
	attr_init(&attr, flags & PROC_OWN_GROUP);
	int serr = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (serr)
		return perr_set(e, PERR_LOCAL, "cannot run '%s': %s", argv[0],
				strerror(serr));
	return 0;
}

int
proc_run(char *const argv[], const struct proc_io *io, int timeout_ms,
	 size_t max_out, struct buf *out, struct buf *err, struct perr *e)
{
	static const struct proc_io no_io = { 0 };
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pi[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int rc = -1, status = 0;
	size_t err_keep = 4096;
	bool timed_out = false, too_much = false;

	if (!io)
		io = &no_io;
	bool input = io->input != NULL;
	if (pipe2(po, O_CLOEXEC) < 0 ||
	    (!io->merge_err && pipe2(pe, O_CLOEXEC) < 0) ||
	    (input && pipe2(pi, O_CLOEXEC) < 0)) {
		perr_set(e, PERR_LOCAL, "cannot run '%s': %s", argv[0],
			 strerror(errno));
		goto close_pipes;
	}
	posix_spawn_file_actions_init(&fa);
	if (input)
		posix_spawn_file_actions_adddup2(&fa, pi[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, io->in_path
								 ? io->in_path
								 : "/dev/null",
						 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, io->merge_err ? po[1] : pe[1],
					 2);
	/* its own group: a timeout kills what it started too */
	attr_init(&attr, true);
	int serr = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(po[1]);
	if (pe[1] >= 0)
		close(pe[1]);
	po[1] = pe[1] = -1;
	if (input) {
		close(pi[0]);
		pi[0] = -1;
	}
	if (serr) {
		perr_set(e, PERR_LOCAL, "cannot run '%s': %s", argv[0],
			 strerror(serr));
		goto close_pipes;
	}
	if (input) {
		feed(pi[1], io->input, io->in_len);
		pi[1] = -1;
	}

	int64_t deadline = time_mono_ms() + timeout_ms;
	struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open_fds = pe[0] >= 0 ? 2 : 1;
	char chunk[8192];
	while (open_fds) {
		int64_t left = deadline - time_mono_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		int r = poll(fds, 2, (int)left);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			ssize_t n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0) {
				if (out->len + (size_t)n > max_out) {
					too_much = true;
					break;
				}
				buf_add(out, chunk, (size_t)n);
			} else if (err && err->len < err_keep) {
				size_t room = err_keep - err->len;
				buf_add(err, chunk,
					(size_t)n < room ? (size_t)n : room);
			}
		}
		if (too_much)
			break;
	}
	if (timed_out || too_much)
		kill_group(pid);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		perr_set(e, PERR_LOCAL, "'%s' did not finish within %d ms",
			 argv[0], timeout_ms);
	else if (too_much)
		perr_set(e, PERR_LOCAL, "'%s' wrote more than %zu bytes",
			 argv[0], max_out);
	else
		rc = status;
close_pipes:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
		if (pi[i] >= 0)
			close(pi[i]);
	}
	return rc;
}

/* proc_run's wait status as proc_capture tells it: the exit status, or
 * -1 for a signal or a program that could not be found. */
static int
exit_status(char *const argv[], int status, const struct buf *out,
	    struct perr *e)
{
	if (status < 0)
		return -1;
	if (WIFSIGNALED(status))
		return perr_set(e, PERR_LOCAL, "'%s' was killed by signal %d",
				argv[0], WTERMSIG(status));
	if (!WIFEXITED(status))
		return perr_set(e, PERR_LOCAL, "'%s' ended strangely",
				argv[0]);
	int rc = WEXITSTATUS(status);
	/* posix_spawnp reports a missing program as exit 127. */
	if (rc == 127 && out->len == 0)
		perr_set(e, PERR_LOCAL, "'%s' could not be run", argv[0]);
	return rc;
}

int
proc_capture(char *const argv[], int timeout_ms, size_t max_out,
	     struct buf *out, struct buf *err, struct perr *e)
{
	int st = proc_run(argv, NULL, timeout_ms, max_out, out, err, e);
	return exit_status(argv, st, out, e);
}

int
proc_capture_input(char *const argv[], const char *input, size_t in_len,
		   int timeout_ms, size_t max_out, struct buf *out,
		   struct buf *err, struct perr *e)
{
	struct proc_io io = { .input = input, .in_len = in_len };
	int st = proc_run(argv, &io, timeout_ms, max_out, out, err, e);
	return exit_status(argv, st, out, e);
}
