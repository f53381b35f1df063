/* SPDX-License-Identifier: ISC */
/*
 * How fast the index is at the size a busy mailbox reaches: generates N
 * summaries (100,000 by default; the first argument changes it) shaped
 * like real mail (Chinese and English subjects, threads of replies with
 * References, a few thousand senders), then times the bulk insert, a
 * writer's reopen (with its checks), a reader's open, the load,
 * threading, every sort and a search, and prints the memory of the
 * loaded array and the peak RSS of the process.
 *
 * usage: store-bench [N] [DIR]     (DIR: where the index goes; default a
 *                                   fresh directory under $TMPDIR)
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/store.h"

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of the process (user + system): on a shared machine a steadier
 * figure than the wall clock. */
static double
cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* Start and end a timed phase: prints wall and CPU milliseconds. */
static double phase_wall, phase_cpu;
static void
phase_start(void)
{
	phase_wall = now_ms();
	phase_cpu = cpu_ms();
}
static void
phase_end(const char *name, const char *note)
{
	printf("  %-16s %8.1f ms wall %8.1f ms CPU  %s\n", name,
	       now_ms() - phase_wall, cpu_ms() - phase_cpu, note);
}

static const char *const words_zh[] = {
	"会议", "通知", "报告", "项目", "进度", "周报", "合同", "发票",
	"预算", "审批", "系统", "升级", "测试", "上线", "客户", "反馈",
};
static const char *const words_en[] = {
	"meeting", "report", "budget", "release", "invoice", "review",
	"schedule", "update", "design", "lunch", "travel", "contract",
};
static const char *const names[] = {
	"张三", "李四", "王五", "赵六", "Alice Chen", "Bob Li", "陈小明",
	"Wang Fang", "刘洋", "QQ邮箱团队", "GitHub", "网易邮件中心",
};

static unsigned rng = 2463534242u;
static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

static int
rm_one(const char *p, const struct stat *sb, int f, struct FTW *w)
{
	(void)sb;
	(void)f;
	(void)w;
	return remove(p);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	char tmpl[512];
	const char *dir;
	struct perr e = PERR_INIT;
	bool own_dir = argc <= 2;

	if (n == 0 || n > 10000000) {
		fprintf(stderr, "store-bench: N must be 1 .. 10000000\n");
		return 2;
	}
	if (own_dir) {
		const char *t = getenv("TMPDIR");
		snprintf(tmpl, sizeof(tmpl), "%s/store-bench.XXXXXX",
			 t && *t ? t : "/tmp");
		if (!mkdtemp(tmpl)) {
			perror("store-bench: mkdtemp");
			return 1;
		}
		dir = tmpl;
	} else {
		dir = argv[2];
	}

	/* Generate: threads of 1 to 8 messages, replies referencing the
	 * whole chain so far (up to the last 10), dates increasing. */
	struct store_msg *m = xcalloc(n, sizeof(*m));
	char **strs = xcalloc(n * 5, sizeof(*strs));
	size_t thread_start = 0, thread_len = 0;
	for (size_t i = 0; i < n; i++) {
		if (i - thread_start >= thread_len) {
			thread_start = i;
			thread_len = 1 + rnd(8);
		}
		size_t pos = i - thread_start;
		struct buf subj = BUF_INIT, refs = BUF_INIT;
		if (pos)
			buf_addstr(&subj, rnd(2) ? "回复: " : "Re: ");
		unsigned seed = (unsigned)thread_start * 2654435761u;
		if (seed % 3)
			buf_addf(&subj, "%s%s第%zu期",
				 words_zh[seed % ARRAY_SIZE(words_zh)],
				 words_zh[(seed >> 8) % ARRAY_SIZE(words_zh)],
				 thread_start);
		else
			buf_addf(&subj, "%s %s #%zu",
				 words_en[seed % ARRAY_SIZE(words_en)],
				 words_en[(seed >> 8) % ARRAY_SIZE(words_en)],
				 thread_start);
		size_t from = pos > 10 ? pos - 10 : 0;
		for (size_t k = thread_start + from; k < i; k++)
			buf_addf(&refs, "%s<%zu.%u@mail.example.cn>",
				 refs.len ? " " : "", k, (unsigned)k * 7u);
		strs[i * 5] = buf_detach(&subj, NULL);
		strs[i * 5 + 1] = xstrfmt("%zu.%u@mail.example.cn", i,
					  (unsigned)i * 7u);
		strs[i * 5 + 2] = buf_detach(&refs, NULL);
		unsigned who = rnd(4000);
		strs[i * 5 + 3] = xstrfmt("user%u@%s", who,
					  who % 3 ? "qq.com" : "163.com");
		strs[i * 5 + 4] = xstrfmt("%s 你好，这是第%zu封邮件的预览，"
					  "请查收附件。",
					  names[who % ARRAY_SIZE(names)], i);
		m[i].uid = (uint32_t)i + 1;
		m[i].flags = rnd(10) < 8 ? STORE_F_SEEN : 0;
		m[i].internal_date = 1600000000 + (int64_t)i * 60;
		m[i].date = m[i].internal_date - rnd(600);
		m[i].size = 2000 + rnd(200000);
		m[i].from_name = names[who % ARRAY_SIZE(names)];
		m[i].from_addr = strs[i * 5 + 3];
		m[i].to = "我 <me@qq.com>";
		m[i].subject = strs[i * 5];
		m[i].message_id = strs[i * 5 + 1];
		m[i].references = strs[i * 5 + 2];
		m[i].preview = strs[i * 5 + 4];
		m[i].has_attachment = rnd(7) == 0;
	}

	printf("store-bench: %zu messages, index in %s\n", n, dir);
	struct store *st = store_open(dir, STORE_WRITE, NULL, &e);
	if (!st)
		goto fail;
	struct store_folder_info fi = { .name = "INBOX", .raw = "INBOX",
					.raw_len = 5, .uidvalidity = 1 };
	int64_t f;
	if (store_folder_upsert(st, &fi, &f, NULL, &e) < 0)
		goto fail;
	char note[128];

	phase_start();
	if (store_msg_put(st, f, m, n, &e) < 0)
		goto fail;
	phase_end("bulk insert", "(one transaction)");
	size_t indexed = 0;
	phase_start();
	if (store_index_update(st, 0, &indexed, &e) < 0)
		goto fail;
	snprintf(note, sizeof(note), "(%zu messages into FTS5)", indexed);
	phase_end("search indexing", note);
	for (size_t i = 0; i < n * 5; i++)
		free(strs[i]);
	free(strs);
	free(m);
	store_close(st);

	phase_start();
	st = store_open(dir, STORE_WRITE, NULL, &e);
	if (!st)
		goto fail;
	phase_end("writer open", "(cheap check; full check after a crash)");
	phase_start();
	struct store *rd = store_open(dir, STORE_READ, NULL, &e);
	if (!rd)
		goto fail;
	phase_end("reader open", "");

	struct store_summaries s = { 0 };
	phase_start();
	if (store_load(rd, f, &s, &e) < 0)
		goto fail;
	phase_end("load", "");
	size_t bytes = store_summaries_bytes(&s);

	struct store_thread th = { 0 };
	phase_start();
	if (store_thread(&s, false, &th, &e) < 0)
		goto fail;
	snprintf(note, sizeof(note), "(%zu threads)", th.threads);
	phase_end("thread", note);
	store_thread_release(&th);

	static const struct {
		enum store_sort_key key;
		const char *name;
	} sorts[] = {
		{ STORE_SORT_DATE, "sort date" },
		{ STORE_SORT_ARRIVAL, "sort arrival" },
		{ STORE_SORT_FROM, "sort from" },
		{ STORE_SORT_SUBJECT, "sort subject" },
		{ STORE_SORT_SIZE, "sort size" },
		{ STORE_SORT_THREAD, "sort thread" },
	};
	uint32_t *order = xmalloc(s.n * sizeof(*order));
	for (size_t k = 0; k < ARRAY_SIZE(sorts); k++) {
		phase_start();
		if (store_sort(&s, sorts[k].key, false, order, &e) < 0)
			goto fail;
		phase_end(sorts[k].name, "");
	}
	free(order);

	struct store_hit *h;
	size_t nh;
	phase_start();
	if (store_search(rd, 0, "会议 通知", 100, &h, &nh, &e) < 0)
		goto fail;
	snprintf(note, sizeof(note), "('会议 通知': %zu hits, limit 100)", nh);
	phase_end("search", note);
	free(h);
	uint32_t unread;
	phase_start();
	if (store_count_unread(rd, f, &unread, &e) < 0)
		goto fail;
	snprintf(note, sizeof(note), "(%u)", unread);
	phase_end("count unread", note);

	printf("  loaded array     %zu bytes = %.1f bytes/summary "
	       "(struct %zu + strings %.1f)\n",
	       bytes, (double)bytes / (double)s.n, sizeof(struct store_summary),
	       (double)s.arena_len / (double)s.n);
	store_summaries_release(&s);
	store_close(rd);
	store_close(st);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("  peak RSS         %ld KiB\n", ru.ru_maxrss);
	if (own_dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
fail:
	fprintf(stderr, "store-bench: %s\n", e.msg);
	if (own_dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 1;
}
