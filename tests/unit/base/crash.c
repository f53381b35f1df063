/* SPDX-License-Identifier: ISC */
/* Crash points: POSTIE_CRASHPOINT=NAME[:N] kills the process with
 * SIGKILL at the Nth pass through crashpoint(NAME) and at no other;
 * unset, malformed or naming another point, nothing happens. Each case
 * runs in a child process, since the variable is read once. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"

/* Run a child with POSTIE_CRASHPOINT=spec (NULL: unset) that passes
 * through "a.point" `passes` times, writing one byte to a pipe after
 * each; return how many passes completed (-1 on a fork failure) and set
 * *killed when SIGKILL ended it. */
static int
run(const char *spec, int passes, bool *killed)
{
	int p[2];

	*killed = false;
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		if (spec)
			setenv("POSTIE_CRASHPOINT", spec, 1);
		else
			unsetenv("POSTIE_CRASHPOINT");
		for (int i = 0; i < passes; i++) {
			crashpoint("other.point");
			crashpoint("a.point");
			if (write(p[1], "x", 1) != 1)
				_exit(3);
		}
		_exit(0);
	}
	close(p[1]);
	int n = 0;
	char c;
	while (read(p[0], &c, 1) == 1)
		n++;
	close(p[0]);
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	*killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	return n;
}

int
main(void)
{
	bool killed;

	is_int(run(NULL, 5, &killed), 5, "unset: every pass completes");
	ok(!killed, "unset: no kill");
	is_int(run("a.point", 5, &killed), 0, "NAME: stops at the first pass");
	ok(killed, "NAME: by SIGKILL");
	is_int(run("a.point:3", 5, &killed), 2, "NAME:3: two passes complete");
	ok(killed, "NAME:3: then SIGKILL");
	is_int(run("a.point:9", 5, &killed), 5,
	       "NAME:9 with five passes: never reached");
	ok(!killed, "NAME:9: no kill");
	is_int(run("b.point", 5, &killed), 5, "another name: no effect");
	ok(!killed, "another name: no kill");
	is_int(run("a.point:0", 5, &killed), 5, "count 0 is malformed: off");
	is_int(run("a.point:x", 5, &killed), 5, "count 'x' is malformed: off");
	is_int(run("a.poin", 5, &killed), 5, "a prefix of the name: off");
	return done_testing();
}
