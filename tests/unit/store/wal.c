/* SPDX-License-Identifier: ISC */
/*
 * The writer and the reader at the same time, as the account worker and
 * the UI use them: a thread puts batches of summaries while this thread
 * loads the folder over and over through its own read-only connection.
 * Every load must see whole batches only (each batch is one transaction)
 * and never fewer messages than the load before it; neither side may
 * fail with "database is locked".
 */
#include <pthread.h>
#include <string.h>

#include "harness.h"
#include "postie/store.h"

#include "common.h"

enum { BATCH = 200, BATCHES = 40 };

struct writer {
	const char *dir;
	int64_t folder;
	int failed;
	char err[1024];
};

static void *
write_batches(void *arg)
{
	struct writer *w = arg;
	struct perr e = PERR_INIT;
	struct store *st = store_open(w->dir, STORE_WRITE, NULL, &e);
	struct store_msg m[BATCH];
	char subj[BATCH][48];

	if (!st) {
		w->failed = 1;
		snprintf(w->err, sizeof(w->err), "%s", e.msg);
		return NULL;
	}
	for (int b = 0; b < BATCHES && !w->failed; b++) {
		memset(m, 0, sizeof(m));
		for (int i = 0; i < BATCH; i++) {
			uint32_t uid = (uint32_t)(b * BATCH + i + 1);
			snprintf(subj[i], sizeof(subj[i]), "批次%d号 第%d封",
				 b, i);
			m[i].uid = uid;
			m[i].subject = subj[i];
			m[i].from_addr = "writer@qq.com";
		}
		if (store_msg_put(st, w->folder, m, BATCH, &e) < 0 ||
		    store_index_update(st, 0, NULL, &e) < 0) {
			w->failed = 1;
			snprintf(w->err, sizeof(w->err), "%s", e.msg);
		}
	}
	store_close(st);
	return NULL;
}

int
main(void)
{
	const char *root = tmp_make();
	char *dir = xstrfmt("%s/acct", root);
	struct perr e = PERR_INIT;
	struct store *st = store_open(dir, STORE_WRITE, NULL, &e);
	struct store_folder_info fi = { .name = "INBOX", .raw = "INBOX",
					.raw_len = 5, .uidvalidity = 1 };
	int64_t f = 0;

	if (!ok(st && store_folder_upsert(st, &fi, &f, NULL, &e) == 0,
		"set up the index")) {
		diag("%s", e.msg);
		return done_testing();
	}
	store_close(st);

	struct store *rd = store_open(dir, STORE_READ, NULL, &e);
	if (!ok(rd != NULL, "open the reader")) {
		diag("%s", e.msg);
		return done_testing();
	}
	struct writer w = { .dir = dir, .folder = f };
	pthread_t th;
	ok(pthread_create(&th, NULL, write_batches, &w) == 0,
	   "start the writer thread");

	size_t loads = 0, last = 0, torn = 0, backwards = 0, errors = 0;
	while (last < (size_t)BATCH * BATCHES && errors == 0) {
		struct store_summaries s = { 0 };
		if (store_load(rd, f, &s, &e) < 0) {
			diag("load: %s", e.msg);
			errors++;
			break;
		}
		if (s.n % BATCH)
			torn++;
		if (s.n < last)
			backwards++;
		/* UIDs 1..n in order, nothing missing between */
		for (size_t i = 0; i < s.n; i++)
			if (s.v[i].uid != i + 1) {
				torn++;
				break;
			}
		last = s.n;
		loads++;
		store_summaries_release(&s);
		if (w.failed)
			break;
	}
	pthread_join(th, NULL);
	if (!ok(!w.failed, "the writer never failed"))
		diag("%s", w.err);
	is_int((intmax_t)errors, 0, "the reader never failed");
	is_int((intmax_t)torn, 0, "every load saw whole transactions");
	is_int((intmax_t)backwards, 0, "no load saw fewer than the last");
	is_int((intmax_t)last, BATCH * BATCHES,
	       "the reader saw all in the end");
	diag("%zu loads while writing", loads);

	struct store_hit *h;
	size_t n;
	ok(store_search(rd, f, "批次39号", 1000, &h, &n, &e) == 0 && n == BATCH,
	   "the reader searches what the writer indexed");
	free(h);
	store_close(rd);
	free(dir);
	return done_testing();
}
