/* SPDX-License-Identifier: ISC */
/*
 * ui: the main loop over pipes instead of a terminal. A byte on the wake
 * fd calls on_wake, input calls on_input, SIGWINCH raised with raise()
 * calls on_resize (once for several), the timeout calls on_timeout, end
 * of input is seen, and the loop runs until a callback quits it. Also the
 * loop with a real account hub: a worker's event wakes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "postie/account.h"
#include "postie/ui.h"

struct state {
	int in_fd, wake_fd;
	int inputs, wakes, resizes, timeouts;
	bool eof;
	char got[64];
	size_t ngot;
	struct ui_loop *loop;
	struct acct_hub *hub;
	int events, terminals;
	bool quit_on_eof;
};

static void
on_input(void *arg)
{
	struct state *s = arg;
	s->inputs++;
	char tmp[16];
	ssize_t n = read(s->in_fd, tmp, sizeof(tmp));
	if (n == 0) {
		s->eof = true;
		if (s->quit_on_eof)
			ui_loop_quit(s->loop);
		else
			s->in_fd = -1;
		return;
	}
	if (n > 0 && s->ngot + (size_t)n <= sizeof(s->got)) {
		memcpy(s->got + s->ngot, tmp, (size_t)n);
		s->ngot += (size_t)n;
	}
}

static void
on_wake(void *arg)
{
	struct state *s = arg;
	s->wakes++;
	if (s->hub) {
		struct acct_event *list = acct_hub_drain(s->hub);
		for (struct acct_event *ev = list; ev; ev = ev->next) {
			s->events++;
			s->terminals += acct_ev_is_terminal(ev->kind);
			if (ev->kind == ACCT_EV_STOPPED)
				ui_loop_quit(s->loop);
		}
		acct_event_free_list(list);
		return;
	}
	char tmp[16];
	while (read(s->wake_fd, tmp, sizeof(tmp)) > 0)
		;
}

static void
on_resize(void *arg)
{
	((struct state *)arg)->resizes++;
}

static void
on_timeout(void *arg)
{
	((struct state *)arg)->timeouts++;
}

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void
test_pipes(void)
{
	int in[2], wake[2];
	if (pipe(in) < 0 || pipe(wake) < 0) {
		ok(0, "pipes: %s", strerror(errno));
		return;
	}
	nonblock(wake[0]);
	struct state s = { .in_fd = in[0], .wake_fd = wake[0] };
	struct ui_loop_ops ops = {
		.on_input = on_input,
		.on_wake = on_wake,
		.on_resize = on_resize,
		.on_timeout = on_timeout,
		.timeout_ms = -1,
	};
	struct perr e = PERR_INIT;
	struct ui_loop *l = ui_loop_new(in[0], wake[0], &ops, &s, &e);
	ok(l != NULL, "loop made");
	s.loop = l;
	struct ui_loop *second = ui_loop_new(in[0], wake[0], &ops, &s, &e);
	ok(second == NULL && strstr(e.msg, "second"),
	   "only one loop at a time: %s", e.msg);

	is_int(ui_loop_once(l, 0, &e), 0, "nothing ready: no callback");

	(void)!write(wake[1], "x", 1);
	is_int(ui_loop_once(l, 1000, &e), 1, "a byte on the wake fd");
	is_int(s.wakes, 1, "calls on_wake");
	is_int(s.inputs, 0, "and not on_input");

	(void)!write(in[1], "jk", 2);
	ui_loop_once(l, 1000, &e);
	is_int(s.inputs, 1, "input calls on_input");
	is_mem(s.got, s.ngot, "jk", 2, "which reads the keys");

	raise(SIGWINCH);
	is_int(ui_loop_once(l, 1000, &e), 1, "SIGWINCH raised");
	is_int(s.resizes, 1, "calls on_resize");
	raise(SIGWINCH);
	raise(SIGWINCH);
	raise(SIGWINCH);
	ui_loop_once(l, 1000, &e);
	is_int(s.resizes, 2, "three signals, one resize");
	is_int(ui_loop_once(l, 0, &e), 0, "and nothing left over");

	/* All three at once: resize first, then wake, then input. */
	raise(SIGWINCH);
	(void)!write(wake[1], "x", 1);
	(void)!write(in[1], "q", 1);
	is_int(ui_loop_once(l, 1000, &e), 3, "three sources in one round");
	ok(s.resizes == 3 && s.wakes == 2 && s.inputs == 2,
	   "each callback once");

	ops.timeout_ms = 20;
	int64_t t0 = time_mono_ms();
	is_int(ui_loop_once(l, -1, &e), 1, "timeout round");
	ok(s.timeouts == 1 && time_mono_ms() - t0 >= 15,
	   "on_timeout after its interval");
	ops.timeout_ms = -1;

	close(in[1]);
	s.quit_on_eof = true;
	is_int(ui_loop_run(l, &e), 0, "run until a callback quits");
	ok(s.eof, "end of input seen");

	close(wake[1]);
	close(wake[0]);
	is_int(ui_loop_once(l, 0, &e), -1, "a closed fd is an error");
	like(e.msg, "not open", "that says so: %s", e.msg);

	ui_loop_free(l);
	struct sigaction cur;
	sigaction(SIGWINCH, NULL, &cur);
	ok(cur.sa_handler == SIG_DFL, "the old SIGWINCH handler is back");
	close(in[0]);
	l = ui_loop_new(-1, -1, &ops, &s, &e);
	ok(l != NULL, "a new loop after free");
	ui_loop_free(l);
}

/* The loop with a real account hub: the worker's events wake it. */
static enum acct_status
echo_handle(struct acct_worker *w, void *state, const struct acct_request *r,
	    struct perr *e)
{
	acct_emit(w, ACCT_EV_PROGRESS, r->folder, 1, 1, NULL, NULL);
	return ACCT_OK;
}

static const struct acct_engine echo = { .name = "echo",
					 .handle = echo_handle };

static void
test_hub(void)
{
	struct perr e = PERR_INIT;
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct acct_params p = { .name = "163", .engine = &echo };
	struct acct_worker *w = acct_start(hub, &p, &e);
	struct state s = { .in_fd = -1, .hub = hub };
	struct ui_loop_ops ops = { .on_wake = on_wake, .timeout_ms = -1 };
	struct ui_loop *l = ui_loop_new(-1, acct_hub_fd(hub), &ops, &s, &e);
	s.loop = l;
	for (int i = 0; i < 10; i++)
		acct_post(w, ACCT_REQ_SYNC, "INBOX", NULL, NULL, NULL, &e);
	acct_post(w, ACCT_REQ_QUIT, NULL, NULL, NULL, NULL, &e);
	is_int(ui_loop_run(l, &e), 0, "the loop runs until STOPPED arrives");
	is_int(s.terminals, 11, "every request and the quit answered");
	ok(s.wakes >= 1 && s.wakes <= s.events,
	   "%d events in %d wake-ups", s.events, s.wakes);
	is_int(acct_stop(w, time_mono_ms() + 2000, &e), 0, "worker joined");
	ui_loop_free(l);
	acct_hub_free(hub);
}

int
main(void)
{
	test_pipes();
	test_hub();
	return done_testing();
}
