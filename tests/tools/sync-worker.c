/* SPDX-License-Identifier: ISC */
/*
 * For integration tests: run one account's worker with the receiving
 * engine, as the screen would, and print the events it sends back.
 *
 *   sync-worker RC ACCOUNT CACHE-DIR DATA-DIR [IDLE-SECONDS]
 *
 * Posts a sync and prints each event ("connected", "new mail N", "folder
 * changed", "done", "failed: ..."; progress events are counted and shown
 * once as "progress N"). With IDLE-SECONDS it then prints "idling" and
 * waits that long for unsolicited new mail (IMAP IDLE), printing it, and
 * posts a second sync to show the worker logs in again after IDLE was
 * interrupted. Exits 0 when every sync ended DONE. SYNC_WORKER_LOG set
 * in the environment sends the log (and POSTIE_TRACE's protocol trace)
 * to stderr.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/account.h"
#include "postie/config.h"
#include "postie/log.h"

static int
pump(struct acct_hub *hub, uint64_t want_id, int64_t deadline, bool *done,
     bool *failed, bool stop_on_new_mail)
{
	uint64_t progress = 0;

	while (time_mono_ms() < deadline) {
		struct pollfd pfd = { .fd = acct_hub_fd(hub),
				      .events = POLLIN };
		int64_t left = deadline - time_mono_ms();
		if (poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) <= 0)
			continue;
		struct acct_event *list = acct_hub_drain(hub);
		bool stop = false;
		for (struct acct_event *ev = list; ev; ev = ev->next) {
			switch (ev->kind) {
			case ACCT_EV_PROGRESS:
				progress++;
				break;
			case ACCT_EV_NEW_MAIL:
				printf("new mail %llu%s%s\n",
				       (unsigned long long)ev->n1,
				       ev->folder ? " in " : "",
				       ev->folder ? ev->folder : "");
				if (stop_on_new_mail)
					stop = true;
				break;
			case ACCT_EV_FAILED:
			case ACCT_EV_ERROR:
			case ACCT_EV_DISCONNECTED:
				printf("%s: %s\n", acct_ev_name(ev->kind),
				       ev->err.msg);
				if (ev->req_id == want_id) {
					*failed = true;
					stop = true;
				}
				break;
			default:
				printf("%s\n", acct_ev_name(ev->kind));
				if (ev->req_id == want_id &&
				    acct_ev_is_terminal(ev->kind)) {
					*done = ev->kind == ACCT_EV_DONE;
					stop = true;
				}
			}
		}
		acct_event_free_list(list);
		fflush(stdout);
		if (stop)
			break;
	}
	if (progress)
		printf("progress %llu\n", (unsigned long long)progress);
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	struct cfg c;
	struct perr e = PERR_INIT;

	if (argc < 5) {
		fprintf(stderr, "usage: sync-worker RC ACCOUNT CACHE DATA "
				"[IDLE-SECONDS]\n");
		return 64;
	}
	int idle = argc > 5 ? atoi(argv[5]) : 0;
	if (getenv("SYNC_WORKER_LOG"))
		log_to_stderr(true);
	cfg_init(&c);
	if (cfg_load(&c, argv[1], &e) < 0) {
		fprintf(stderr, "sync-worker: %s\n", e.msg);
		return 78;
	}
	const struct cfg_account *a = cfg_find_account(&c, argv[2]);
	if (!a) {
		fprintf(stderr, "sync-worker: no account '%s'\n", argv[2]);
		return 78;
	}
	struct acct_hub *hub = acct_hub_new(0, &e);
	struct acct_params p = {
		.name = a->name, .engine = &acct_sync_engine,
		.state = acct_sync_engine_state(a, argv[3], argv[4], 20000),
		.strict = true,
	};
	struct acct_worker *w = acct_start(hub, &p, &e);
	if (!w) {
		fprintf(stderr, "sync-worker: %s\n", e.msg);
		return 1;
	}
	int status = 0;
	for (int round = 0; round < (idle ? 2 : 1); round++) {
		uint64_t id;
		bool done = false, failed = false;
		if (acct_post(w, ACCT_REQ_SYNC, NULL, NULL, NULL, &id,
			      &e) < 0) {
			fprintf(stderr, "sync-worker: %s\n", e.msg);
			status = 1;
			break;
		}
		pump(hub, id, time_mono_ms() + 120000, &done, &failed, false);
		if (!done)
			status = 1;
		if (round == 0 && idle) {
			printf("idling\n");
			fflush(stdout);
			pump(hub, 0, time_mono_ms() + idle * 1000LL, &done,
			     &failed, true);
		}
	}
	if (acct_stop(w, time_mono_ms() + 10000, &e) < 0)
		fprintf(stderr, "sync-worker: %s\n", e.msg);
	acct_hub_free(hub);
	cfg_release(&c);
	return status;
}
