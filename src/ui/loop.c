/* SPDX-License-Identifier: ISC */
/*
 * ui: the main loop of the UI thread.
 *
 * One poll() over three fds: the terminal's input, the accounts' wake-up
 * pipe, and a self-pipe that the SIGWINCH handler writes a byte to. The
 * handler does nothing else (write is async-signal-safe, and errno is
 * kept), so a resize is handled in the loop like any other input, never
 * inside a signal. The UI thread never waits on anything but this
 * poll(): account workers block every signal, so SIGWINCH arrives here.
 *
 * A round runs resize first, then the accounts, then keys: a key is then
 * read against the screen size and data it will be drawn on.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postie/ui.h"

struct ui_loop {
	int in_fd, wake_fd;
	const struct ui_loop_ops *ops;
	void *arg;
	struct sigaction old_winch;
	bool quit;
};

/* The self-pipe is process-wide because a signal handler can only reach
 * globals; hence one loop at a time. */
static int winch_pipe[2] = { -1, -1 };
static bool loop_exists;

static void
on_winch(int sig)
{
	int saved = errno;
	char c = (char)sig;
	ssize_t n = write(winch_pipe[1], &c, 1);
	(void)n; /* a full pipe already says "resized" */
	errno = saved;
}

static int
nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

struct ui_loop *
ui_loop_new(int in_fd, int wake_fd, const struct ui_loop_ops *ops,
	    void *arg, struct perr *e)
{
	if (loop_exists) {
		perr_set(e, PERR_LOCAL, "cannot make a second main loop");
		return NULL;
	}
	if (pipe(winch_pipe) < 0) {
		perr_set(e, PERR_LOCAL, "cannot make the resize pipe: %s",
			 strerror(errno));
		return NULL;
	}
	if (nonblock_cloexec(winch_pipe[0]) < 0 ||
	    nonblock_cloexec(winch_pipe[1]) < 0) {
		perr_set(e, PERR_LOCAL, "cannot set up the resize pipe: %s",
			 strerror(errno));
		goto fail;
	}
	struct ui_loop *l = xcalloc(1, sizeof(*l));
	l->in_fd = in_fd;
	l->wake_fd = wake_fd;
	l->ops = ops;
	l->arg = arg;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGWINCH, &sa, &l->old_winch) < 0) {
		perr_set(e, PERR_LOCAL, "cannot catch SIGWINCH: %s",
			 strerror(errno));
		free(l);
		goto fail;
	}
	loop_exists = true;
	return l;
fail:
	close(winch_pipe[0]);
	close(winch_pipe[1]);
	winch_pipe[0] = winch_pipe[1] = -1;
	return NULL;
}

void
ui_loop_free(struct ui_loop *l)
{
	if (!l)
		return;
	sigaction(SIGWINCH, &l->old_winch, NULL);
	close(winch_pipe[0]);
	close(winch_pipe[1]);
	winch_pipe[0] = winch_pipe[1] = -1;
	loop_exists = false;
	free(l);
}

void
ui_loop_quit(struct ui_loop *l)
{
	l->quit = true;
}

static bool
drain(int fd)
{
	char tmp[64];
	bool any = false;
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n > 0) {
			any = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return any;
	}
}

int
ui_loop_once(struct ui_loop *l, int timeout_ms, struct perr *e)
{
	struct pollfd p[3];
	int np = 0, iw = -1, ii = -1, ik = -1;
	p[np] = (struct pollfd){ winch_pipe[0], POLLIN, 0 };
	iw = np++;
	if (l->wake_fd >= 0) {
		p[np] = (struct pollfd){ l->wake_fd, POLLIN, 0 };
		ik = np++;
	}
	if (l->in_fd >= 0) {
		p[np] = (struct pollfd){ l->in_fd, POLLIN, 0 };
		ii = np++;
	}
	int t = timeout_ms;
	if (l->ops->timeout_ms >= 0 && (t < 0 || l->ops->timeout_ms < t))
		t = l->ops->timeout_ms;
	int r = poll(p, (nfds_t)np, t);
	if (r < 0) {
		if (errno == EINTR)
			return 0; /* the handler wrote; next round sees it */
		return perr_set(e, PERR_LOCAL, "poll failed: %s",
				strerror(errno));
	}
	for (int i = 0; i < np; i++) {
		if (p[i].revents & POLLNVAL)
			return perr_set(e, PERR_LOCAL,
					"poll: fd %d is not open", p[i].fd);
	}
	if (r == 0) {
		if (l->ops->on_timeout && l->ops->timeout_ms >= 0 &&
		    t == l->ops->timeout_ms) {
			l->ops->on_timeout(l->arg);
			return 1;
		}
		return 0;
	}
	int ran = 0;
	if (p[iw].revents & POLLIN) {
		/* Several signals since the last round: one resize. */
		if (drain(winch_pipe[0]) && l->ops->on_resize) {
			l->ops->on_resize(l->arg);
			ran++;
		}
	}
	if (ik >= 0 && (p[ik].revents & (POLLIN | POLLHUP | POLLERR)) &&
	    l->ops->on_wake && !l->quit) {
		l->ops->on_wake(l->arg);
		ran++;
	}
	/* POLLHUP on the terminal is end of input: on_input reads 0 and
	 * decides what that means. */
	if (ii >= 0 && (p[ii].revents & (POLLIN | POLLHUP | POLLERR)) &&
	    l->ops->on_input && !l->quit) {
		l->ops->on_input(l->arg);
		ran++;
	}
	return ran;
}

int
ui_loop_run(struct ui_loop *l, struct perr *e)
{
	l->quit = false;
	while (!l->quit) {
		if (ui_loop_once(l, -1, e) < 0)
			return -1;
	}
	return 0;
}
