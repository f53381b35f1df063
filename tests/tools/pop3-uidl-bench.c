/* SPDX-License-Identifier: ISC */
/*
 * The POP3 sync's bookkeeping at scale: N messages recorded in pop3-uidl
 * (and indexed in the store), a server that now lists only every other
 * one, and nothing new to download. The sync loads the set, looks up
 * every listed unique id, forgets the N/2 the server no longer has and
 * writes the set again; the CPU time of that sync is printed:
 *
 *	build/release/tools/pop3-uidl-bench [N]
 *
 * prints "pop3-uidl: N recorded, N/2 listed: T ms CPU". The set used to
 * be a sorted array with a memmove for every removal, which made this
 * quadratic in N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/account.h"
#include "postie/base.h"
#include "postie/config.h"
#include "postie/net.h"
#include "postie/pop3.h"
#include "postie/store.h"

static double
cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
fail(const char *what, const struct perr *e)
{
	fprintf(stderr, "pop3-uidl-bench: %s: %s\n", what, e ? e->msg : "");
	return 1;
}

int
main(int argc, char **argv)
{
	uint64_t n = 100000;
	struct perr e = PERR_INIT;

	if (argc > 1 && (!slice_to_u64(slice_cstr(argv[1]), 10000000, &n) ||
			 n < 2)) {
		fprintf(stderr, "usage: pop3-uidl-bench [N]\n");
		return 2;
	}
	char root[] = "/tmp/postie-pop3-bench-XXXXXX";
	if (!mkdtemp(root))
		return fail("mkdtemp", NULL);
	char *cache = xstrfmt("%s/cache", root), *data = xstrfmt("%s/data",
								   root);
	if (file_mkdirs(cache, 0700, &e) < 0 || file_mkdirs(data, 0700, &e) < 0)
		return fail("mkdir", &e);
	struct store *st = store_open(cache, STORE_WRITE, NULL, &e);
	if (!st)
		return fail("store", &e);

	/* the recorded set, and the same messages in the store's INBOX */
	struct buf f = BUF_INIT;
	buf_addstr(&f, "postie-pop3-uidl 1\n");
	for (uint64_t i = 0; i < n; i++)
		buf_addf(&f, "uid-%08llu 1795399200 %llu new/m%llu\n",
			 (unsigned long long)i, (unsigned long long)i + 1,
			 (unsigned long long)i);
	char *uidl = xstrfmt("%s/pop3-uidl", data);
	if (file_write_atomic(uidl, f.data, f.len, 0600, &e) < 0)
		return fail("pop3-uidl", &e);
	struct store_folder_info fi = {
		.name = "INBOX", .raw = "INBOX", .raw_len = 5,
		.role = STORE_ROLE_INBOX, .uidvalidity = 1,
	};
	int64_t fid;
	if (store_folder_upsert(st, &fi, &fid, NULL, &e) < 0)
		return fail("folder", &e);
	struct store_msg *m = xcalloc(n, sizeof(*m));
	for (uint64_t i = 0; i < n; i++) {
		m[i].uid = (uint32_t)(i + 1);
		m[i].internal_date = 1795399200;
		m[i].subject = "recorded";
	}
	if (store_msg_put(st, fid, m, n, &e) < 0)
		return fail("summaries", &e);
	free(m);

	/* the server: every other message, by unique id */
	struct buf srv = BUF_INIT;
	buf_addstr(&srv, "+OK hi\r\n-ERR no CAPA\r\n+OK\r\n+OK in\r\n+OK\r\n");
	uint64_t k = 0;
	for (uint64_t i = 0; i < n; i += 2)
		buf_addf(&srv, "%llu uid-%08llu\r\n", (unsigned long long)++k,
			 (unsigned long long)i);
	buf_addstr(&srv, ".\r\n");

	struct cfg_account a = { 0 };
	a.pop3_delete = CFG_POP3_LEAVE;
	struct pop3_session s;
	struct pop3_session_params pp = {
		.host = "pop.example.com", .tls = POP3_TLS_IMPLICIT,
		.user = "alice", .password = "pw", .cancel_fd = -1,
	};
	struct acct_sync_params p = {
		.account = &a, .store = st, .data_dir = data, .cancel_fd = -1,
	};
	struct acct_sync_stats stats;
	struct net_conn *c = net_conn_fake(srv.data, srv.len, 0, 0);
	if (pop3_session_open_conn(&s, c, &pp, &e) < 0)
		return fail("open", &e);
	double t0 = cpu_ms();
	int rc = acct_sync_pop3_session(&s, &p, &stats, &e);
	double ms = cpu_ms() - t0;
	pop3_session_close(&s);
	if (rc < 0)
		return fail("sync", &e);

	/* the set written again holds the listed half */
	buf_reset(&f);
	if (file_read_all(uidl, &f, (size_t)1 << 30, &e) < 0)
		return fail("read pop3-uidl", &e);
	size_t lines = 0;
	for (size_t i = 0; i < f.len; i++)
		lines += f.data[i] == '\n';
	printf("pop3-uidl: %llu recorded, %llu listed: %.1f ms CPU "
	       "(%zu kept)\n", (unsigned long long)n, (unsigned long long)k,
	       ms, lines - 1);
	int bad = lines - 1 != k;
	if (bad)
		fprintf(stderr, "pop3-uidl-bench: %zu entries kept, want "
			"%llu\n", lines - 1, (unsigned long long)k);
	store_close(st);
	unlink(uidl);
	char *journal = xstrfmt("%s/pop3-uidl.journal", data);
	unlink(journal);
	free(journal);
	free(uidl);
	char *cmd[] = { (char *)"rm", (char *)"-rf", root, NULL };
	struct buf o = BUF_INIT;
	proc_capture(cmd, 30000, 1024, &o, NULL, &e);
	buf_release(&o);
	buf_release(&f);
	buf_release(&srv);
	free(cache);
	free(data);
	return bad;
}
