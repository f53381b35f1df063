/* SPDX-License-Identifier: ISC */
/*
 * The raw cost of fetching summaries: log in over implicit TLS, EXAMINE
 * a folder, then one UID FETCH 1:* of the items postie's sync asks for
 * (flags, dates, size, BODYSTRUCTURE and the header fields it shows),
 * through the imap module's session and parser, keeping nothing. For the
 * benchmarks: what any client must pay for the same data on the same
 * connection, with no decoding and no store.
 *
 *   imap-fetch-bench PORT CAFILE USER FOLDER
 *
 * The host is 127.0.0.1 and the password comes from $IMAP_PASSWORD.
 * Prints "login MS", "examine MS" and "fetch N messages BYTES bytes MS".
 * Exits 0, or 1 with the error on stderr.
 */
#include <stdio.h>
#include <stdlib.h>

#include "postie/imap.h"

#define ITEMS                                                           \
	"(UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE "            \
	"BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID "  \
	"IN-REPLY-TO REFERENCES CONTENT-TYPE)])"

struct count {
	unsigned long n;
	unsigned long long bytes;
};

static int
on_fetch(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct count *c = arg;

	(void)e;
	c->n++;
	for (size_t i = 0; i < r->fetch.nsections; i++)
		c->bytes += r->fetch.sections[i].data.len;
	return 0;
}

int
main(int argc, char **argv)
{
	struct perr e = PERR_INIT;
	struct imap_session s;
	struct count c = { 0, 0 };

	if (argc != 5) {
		fprintf(stderr, "usage: imap-fetch-bench PORT CAFILE USER "
				"FOLDER\n");
		return 2;
	}
	const char *pw = getenv("IMAP_PASSWORD");
	struct imap_session_params p = {
		.host = "127.0.0.1", .port = argv[1], .tls = IMAP_TLS_IMPLICIT,
		.ca_file = argv[2], .user = argv[3], .password = pw ? pw : "",
		.cancel_fd = -1, .io_timeout_ms = 300000,
	};
	int64_t t0 = time_mono_ms();
	if (imap_session_open(&s, &p, &e) < 0)
		goto fail;
	int64_t t1 = time_mono_ms();
	if (imap_session_select(&s, argv[4], false, true, &e) < 0)
		goto fail;
	int64_t t2 = time_mono_ms();
	struct imap_seqset all = IMAP_SEQSET_INIT;
	imap_seqset_add(&all, 1, IMAP_SEQ_STAR);
	int rc = imap_session_uid_fetch(&s, &all, ITEMS, on_fetch, &c, &e);
	imap_seqset_release(&all);
	if (rc < 0)
		goto fail;
	int64_t t3 = time_mono_ms();
	printf("login %lld\nexamine %lld\nfetch %lu messages %llu bytes %lld\n",
	       (long long)(t1 - t0), (long long)(t2 - t1), c.n, c.bytes,
	       (long long)(t3 - t2));
	imap_session_close(&s);
	return 0;
fail:
	fprintf(stderr, "imap-fetch-bench: %s\n", e.msg);
	imap_session_close(&s);
	return 1;
}
