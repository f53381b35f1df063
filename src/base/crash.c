/* SPDX-License-Identifier: ISC */
/*
 * Crash points: places in the code where a test may kill the process, so
 * that "a crash at any step loses nothing" is something a test shows
 * rather than something a comment claims. POSTIE_CRASHPOINT=NAME[:N]
 * makes the Nth pass (default the first) through crashpoint(NAME) raise
 * SIGKILL: no handler runs, no buffer is flushed, no atexit, exactly as
 * when the kernel's OOM killer or "kill -9" stops the program.
 *
 * The variable is read once; afterwards an unarmed process pays one
 * atomic load per call. The points in use (grep crashpoint src):
 *
 *	pop3.after-retr        a message is in memory, nothing on disk
 *	maildir.after-tmp      written and fsynced in tmp/, not in new/
 *	pop3.after-deliver     in new/, not yet indexed nor in the UIDL file
 *	pop3.after-uidl        in the UIDL file, not yet DELE'd
 *	pop3.after-dele        DELE sent and answered, no QUIT yet
 *	imap.after-copy        COPY answered OK, originals not yet \Deleted
 *	imap.after-move        MOVE (or its fallback) done on the server,
 *	                       the local store not yet told
 *	store.before-commit    a batch of messages inserted, not committed
 *	imap.after-batch       a batch of headers committed, more to come
 *	smtp.after-250         the server took the message, it is still in
 *	                       the outbox
 *	outbox.after-sent      moved to Sent, its side file not yet removed
 *	sent.after-append      the server's Sent has its copy, the marker
 *	                       saying it is due is still there
 *
 * A SIGKILL cannot tell "written" from "fsynced": the kernel keeps what
 * was written either way. What only fsync protects (a power cut) is
 * argued in the code, not tested here.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postie/base.h"

#define CRASH_NAME_MAX 64

/* 0: not read yet, 1: unarmed, 2: armed */
static atomic_int crash_state;
static pthread_once_t crash_once = PTHREAD_ONCE_INIT;
static char crash_name[CRASH_NAME_MAX];
static unsigned long crash_at = 1;
static atomic_ulong crash_hits;

static void
crash_read_env(void)
{
	const char *v = getenv("POSTIE_CRASHPOINT");
	int st = 1;

	if (v && *v) {
		const char *colon = strchr(v, ':');
		size_t n = colon ? (size_t)(colon - v) : strlen(v);
		unsigned long at = 1;
		if (colon) {
			char *end;
			at = strtoul(colon + 1, &end, 10);
			if (*end || at == 0)
				n = 0; /* malformed: never fires */
		}
		if (n > 0 && n < sizeof(crash_name)) {
			memcpy(crash_name, v, n);
			crash_name[n] = '\0';
			crash_at = at;
			st = 2;
		}
	}
	atomic_store(&crash_state, st);
}

void
crashpoint(const char *name)
{
	int st = atomic_load_explicit(&crash_state, memory_order_acquire);

	if (st == 1)
		return;
	if (st == 0) {
		pthread_once(&crash_once, crash_read_env);
		st = atomic_load(&crash_state);
		if (st == 1)
			return;
	}
	if (strcmp(name, crash_name) != 0)
		return;
	if (atomic_fetch_add(&crash_hits, 1) + 1 == crash_at)
		kill(getpid(), SIGKILL);
}
