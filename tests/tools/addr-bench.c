/* SPDX-License-Identifier: ISC */
/*
 * How fast address completion is over a busy account: N summaries
 * (100,000 by default) in an INBOX and a Sent folder, from and to a few
 * thousand correspondents out of a pool of 20,000 (a few write a lot,
 * most once; mailing lists Cc many; Chinese and English names), then:
 *
 *   - the bulk insert, which now counts the addresses;
 *   - the upgrade of the same index from schema 2 (the table dropped
 *     and counted again from the summaries);
 *   - completion as typed, one keystroke at a time, through the real
 *     address book (an aliases file of 200 entries and a reader store),
 *     for several words: the time of each keystroke, the slowest and
 *     the mean, in wall-clock and in CPU time.
 *
 * usage: addr-bench [N]
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "postie/base.h"
#include "postie/store.h"

#include "../../src/ui/addrbook.h"

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this thread: steadier than the wall clock on a machine
 * shared with other work. */
static double
cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned rng = 2463534242u;
static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

#define POOL 20000
static const char *const family[] = {
	"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴",
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军",
};
static const char *const first_en[] = {
	"Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry",
	"Ivy", "Jack", "Kevin", "Linda", "Mike", "Nancy", "Oscar", "Wang",
};
static const char *const last_en[] = {
	"Chen", "Li", "Zhang", "Smith", "Brown", "Wong", "Liu", "Zhao",
};
static const char *const domains[] = {
	"qq.com", "163.com", "126.com", "gmail.com", "example.cn",
	"sina.com", "foxmail.com", "outlook.com",
};

static char *pool_name[POOL], *pool_addr[POOL];

static void
make_pool(void)
{
	for (unsigned i = 0; i < POOL; i++) {
		unsigned d = rnd(ARRAY_SIZE(domains));
		if (i % 2) {
			pool_name[i] = xstrfmt(
				"%s%s", family[rnd(ARRAY_SIZE(family))],
				given[rnd(ARRAY_SIZE(given))]);
			pool_addr[i] = xstrfmt("%u%u@%s", 10000 + i, rnd(1000),
					       domains[d]);
		} else {
			const char *f = first_en[rnd(ARRAY_SIZE(first_en))];
			const char *l = last_en[rnd(ARRAY_SIZE(last_en))];
			pool_name[i] = xstrfmt("%s %s", f, l);
			pool_addr[i] = xstrfmt("%c%s%u@%s", f[0] | 0x20, l, i,
					       domains[d]);
			for (char *p = pool_addr[i]; *p != '@'; p++)
				*p = (char)ascii_lower(*p);
		}
	}
}

/* A correspondent: a few are very frequent, most are rare. */
static unsigned
who(void)
{
	unsigned r = rnd(100);
	if (r < 50)
		return rnd(200);
	if (r < 80)
		return rnd(2000);
	return rnd(POOL);
}

static int
rm_one(const char *p, const struct stat *sb, int f, struct FTW *w)
{
	(void)sb;
	(void)f;
	(void)w;
	return remove(p);
}

static int
fill(struct store *st, size_t n, struct perr *e)
{
	struct store_folder_info in = { .name = "INBOX", .raw = "INBOX",
					.raw_len = 5, .uidvalidity = 1,
					.role = STORE_ROLE_INBOX };
	struct store_folder_info sent = { .name = "Sent", .raw = "Sent",
					  .raw_len = 4, .uidvalidity = 1,
					  .role = STORE_ROLE_SENT };
	int64_t fin, fsent;
	if (store_folder_upsert(st, &in, &fin, NULL, e) < 0 ||
	    store_folder_upsert(st, &sent, &fsent, NULL, e) < 0)
		return -1;

	struct store_msg *m = xcalloc(n, sizeof(*m));
	char **to = xcalloc(n, sizeof(*to)), **cc = xcalloc(n, sizeof(*cc));
	bool *is_sent = xcalloc(n, sizeof(*is_sent));
	size_t nin = 0, nsent = 0;
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		is_sent[i] = rnd(10) == 0;
		unsigned w = who();
		if (is_sent[i]) {
			m[i].from_name = "我";
			m[i].from_addr = "me@qq.com";
			buf_addf(&b, "%s <%s>", pool_name[w], pool_addr[w]);
		} else {
			m[i].from_name = pool_name[w];
			m[i].from_addr = pool_addr[w];
			buf_addstr(&b, "我 <me@qq.com>");
		}
		to[i] = buf_detach(&b, NULL);
		unsigned ncc = rnd(10) < 7 ? 0 : 1 + rnd(rnd(10) ? 3 : 12);
		for (unsigned k = 0; k < ncc; k++) {
			unsigned c = who();
			buf_addf(&b, "%s%s <%s>", k ? ", " : "", pool_name[c],
				 pool_addr[c]);
		}
		cc[i] = buf_detach(&b, NULL);
		m[i].to = to[i];
		m[i].cc = cc[i];
		m[i].uid = (uint32_t)(is_sent[i] ? ++nsent : ++nin);
		m[i].internal_date = 1700000000 + (int64_t)i * 300;
		m[i].subject = "周报";
	}
	/* Two batches (one per folder), each one transaction. */
	struct store_msg *a = xcalloc(n, sizeof(*a));
	size_t na = 0;
	for (size_t i = 0; i < n; i++)
		if (!is_sent[i])
			a[na++] = m[i];
	size_t nb = 0;
	for (size_t i = 0; i < n; i++)
		if (is_sent[i])
			a[na + nb++] = m[i];
	double t0 = now_ms();
	int rc = store_msg_put(st, fin, a, na, e);
	if (rc == 0)
		rc = store_msg_put(st, fsent, a + na, nb, e);
	printf("  bulk insert       %8.1f ms  (%zu received, %zu sent; "
	       "addresses counted)\n", now_ms() - t0, na, nb);
	for (size_t i = 0; i < n; i++) {
		free(to[i]);
		free(cc[i]);
	}
	free(to);
	free(cc);
	free(is_sent);
	free(m);
	free(a);
	return rc;
}

/* Take the index back to schema 2 by hand and time the upgrade. */
static int
migrate(const char *dir, struct perr *e)
{
	char *db = xstrfmt("%s/index.db", dir);
	sqlite3 *h;
	int rc = sqlite3_open(db, &h);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h, "DROP TABLE addr; PRAGMA user_version = 2",
				  NULL, NULL, NULL);
	sqlite3_close(h);
	free(db);
	if (rc != SQLITE_OK)
		return perr_set(e, PERR_LOCAL, "cannot go back to schema 2");
	double t0 = now_ms();
	struct store_open_info info;
	struct store *st = store_open(dir, STORE_WRITE, &info, e);
	if (!st)
		return -1;
	printf("  upgrade 2 -> 3    %8.1f ms  (open with the integrity "
	       "check, table made, every summary counted; old version %d)\n",
	       now_ms() - t0, info.old_version);
	store_close(st);
	return 0;
}

static double worst, total, worst_cpu, total_cpu;
static size_t keystrokes;

static void
type_word(struct ui_addrbook *ab, const char *word)
{
	char typed[64];
	size_t len = strlen(word);

	printf("  %-10s", word);
	for (size_t i = 1; i <= len && i < sizeof(typed); i++) {
		if (((unsigned char)word[i] & 0xc0) == 0x80)
			continue; /* inside a character */
		memcpy(typed, word, i);
		typed[i] = '\0';
		struct ui_addr *v;
		size_t n;
		struct perr e = PERR_INIT;
		double t0 = now_ms(), c0 = cpu_ms();
		int rc = ui_addrbook_complete(ab, typed, 10, &v, &n, &e);
		double t = now_ms() - t0, c = cpu_ms() - c0;
		if (c > worst_cpu)
			worst_cpu = c;
		total_cpu += c;
		if (rc < 0)
			printf(" [error: %s]", e.msg);
		printf(" %5.2f", t);
		if (t > worst)
			worst = t;
		total += t;
		keystrokes++;
		if (i == len)
			printf("  ms -> %zu, first %s", n,
			       n ? v[0].addr : "(none)");
		ui_addr_list_free(v, n);
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	char dir[512];
	struct perr e = PERR_INIT;
	const char *t = getenv("TMPDIR");

	if (n == 0 || n > 10000000) {
		fprintf(stderr, "addr-bench: N must be 1 .. 10000000\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/addr-bench.XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(dir)) {
		perror("addr-bench: mkdtemp");
		return 1;
	}
	make_pool();
	printf("addr-bench: %zu messages, index in %s\n", n, dir);
	char *acct = xstrfmt("%s/acct", dir);
	struct store *st = store_open(acct, STORE_WRITE, NULL, &e);
	if (!st || fill(st, n, &e) < 0)
		goto fail;
	store_close(st);
	if (migrate(acct, &e) < 0)
		goto fail;

	struct buf al = BUF_INIT;
	for (unsigned i = 0; i < 200; i++)
		buf_addf(&al, "alias a%u %s <%s>\n", i, pool_name[i * 7],
			 pool_addr[i * 7]);
	char *aliases = xstrfmt("%s/aliases", dir);
	if (file_write_atomic(aliases, al.data, al.len, 0600, &e) < 0)
		goto fail;
	buf_release(&al);

	struct store *rd = store_open(acct, STORE_READ, NULL, &e);
	if (!rd)
		goto fail;
	struct store_addr *all;
	size_t nall;
	if (store_addr_match(rd, "", 0, 1000000, &all, &nall, &e) < 0)
		goto fail;
	store_addr_list_free(all, nall);
	printf("  distinct addresses %zu\n", nall);

	struct store *const stores[1] = { rd };
	struct ui_addrbook_params p = { .aliases_path = aliases,
					.stores = stores, .nstores = 1 };
	char *warn = NULL;
	double t0 = now_ms();
	struct ui_addrbook *ab = ui_addrbook_open(&p, &warn, &e);
	if (!ab)
		goto fail;
	printf("  open the book     %8.2f ms  (200 aliases)%s%s\n",
	       now_ms() - t0, warn ? "; " : "", warn ? warn : "");
	free(warn);
	printf("  per keystroke, ms:\n");
	static const char *const words[] = {
		"zhang", "alice", "wang", "张伟", "李", "10043",
		"me@qq", "xyzzy", "a1", "bob.chen",
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		type_word(ab, words[i]);
	printf("  keystrokes %zu: wall mean %.2f ms, slowest %.2f ms; "
	       "CPU mean %.2f ms, slowest %.2f ms\n",
	       keystrokes, total / (double)keystrokes, worst,
	       total_cpu / (double)keystrokes, worst_cpu);
	ui_addrbook_free(ab);
	store_close(rd);
	free(aliases);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(acct);
	return 0;
fail:
	fprintf(stderr, "addr-bench: %s\n", e.msg);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 1;
}
