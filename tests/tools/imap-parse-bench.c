/* SPDX-License-Identifier: ISC */
/*
 * Throughput of the IMAP response parser on what a folder sync receives:
 * N generated FETCH responses with UID, FLAGS, INTERNALDATE, RFC822.SIZE,
 * ENVELOPE (Chinese encoded words, three addresses) and a two-part
 * BODYSTRUCTURE, fed whole, in 4 KiB reads and in 16-byte reads. Prints
 * responses per second and MB/s of input (1 MB = 10^6 bytes), best of
 * three runs, and the peak of the parser's buffer.
 *
 *	imap-parse-bench [N]     100000 responses by default
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postie/imap.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
run(const struct buf *in, size_t step, size_t *peak)
{
	struct imap_parser p;
	struct imap_resp r;
	size_t n = 0, fed = 0;

	imap_parser_init(&p, NULL);
	imap_resp_init(&r);
	*peak = 0;
	while (fed < in->len) {
		size_t k = in->len - fed < step ? in->len - fed : step;
		imap_parser_feed(&p, in->data + fed, k);
		fed += k;
		if (p.in.cap > *peak)
			*peak = p.in.cap;
		for (;;) {
			struct perr e = PERR_INIT;
			int rc = imap_parser_next(&p, &r, &e);
			if (rc == 0)
				break;
			if (rc < 0) {
				fprintf(stderr, "imap-parse-bench: %s\n",
					e.msg);
				exit(1);
			}
			n++;
		}
	}
	imap_resp_release(&r);
	imap_parser_release(&p);
	return n;
}

int
main(int argc, char **argv)
{
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	struct buf in = BUF_INIT;

	if (count <= 0) {
		fprintf(stderr, "usage: imap-parse-bench [N]\n");
		return 2;
	}
	for (long i = 1; i <= count; i++)
		buf_addf(&in,
			 "* %ld FETCH (UID %ld FLAGS (\\Seen $Forwarded) "
			 "INTERNALDATE \"17-Jul-2024 02:44:25 +0800\" "
			 "RFC822.SIZE %ld ENVELOPE (\"Wed, 17 Jul 2024 "
			 "02:23:25 +0800\" \"=?GBK?B?1tDOxNb3zOI=?= %ld\" "
			 "((\"=?UTF-8?B?5byg5LiJ?=\" NIL \"zhangsan\" "
			 "\"qq.com\")) NIL NIL ((NIL NIL \"lisi\" "
			 "\"163.com\")(\"Wang\" NIL \"wang\" \"126.com\")) NIL "
			 "NIL NIL \"<%ld.postie@qq.com>\") BODYSTRUCTURE "
			 "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"GBK\") NIL NIL "
			 "\"BASE64\" 1152 15 NIL NIL NIL NIL)(\"TEXT\" "
			 "\"HTML\" (\"CHARSET\" \"GBK\") NIL NIL "
			 "\"QUOTED-PRINTABLE\" 2286 30 NIL NIL NIL NIL) "
			 "\"ALTERNATIVE\" (\"BOUNDARY\" \"----=_Part_%ld\") "
			 "NIL NIL NIL))\r\n",
			 i, i, 4000 + i, i, i, i);
	static const size_t steps[] = { 0, 4096, 16 };
	for (size_t s = 0; s < 3; s++) {
		size_t step = steps[s] ? steps[s] : in.len;
		double best = 1e30;
		size_t n = 0, peak = 0;
		for (int k = 0; k < 3; k++) {
			double t0 = now();
			n = run(&in, step, &peak);
			double t = now() - t0;
			if (t < best)
				best = t;
		}
		if (n != (size_t)count) {
			fprintf(stderr, "imap-parse-bench: %zu responses, "
					"want %ld\n", n, count);
			return 1;
		}
		char what[32];
		if (steps[s])
			snprintf(what, sizeof(what), "%zu-byte reads", step);
		else
			snprintf(what, sizeof(what), "whole");
		printf("imap FETCH %-15s %8.0f responses/s %7.1f MB/s "
		       "(%zu bytes, buffer peak %zu)\n", what, n / best,
		       in.len / best / 1e6, in.len, peak);
	}
	buf_release(&in);
	return 0;
}
