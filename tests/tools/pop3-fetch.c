/* SPDX-License-Identifier: ISC */
/*
 * A small POP3 client for the integration tests, built on the pop3
 * module's session: log in, STAT, UIDL, and RETR every message.
 *
 *   pop3-fetch HOST PORT pop3s|stls CAFILE USER [OUTDIR]
 *
 * The password comes from $POP3_PASSWORD. Prints "stat COUNT SIZE" and
 * "uidl N UID" lines; with OUTDIR each message goes to OUTDIR/N. Exits
 * 0, 2 for a usage error, 3 for a refused login, 1 for anything else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/pop3.h"

int
main(int argc, char **argv)
{
	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: pop3-fetch HOST PORT pop3s|stls "
				"CAFILE USER [OUTDIR]\n");
		return 2;
	}
	struct pop3_session_params p = {
		.host = argv[1],
		.port = argv[2],
		.tls = strcmp(argv[3], "stls") == 0 ? POP3_TLS_STLS :
						      POP3_TLS_IMPLICIT,
		.ca_file = argv[4],
		.user = argv[5],
		.password = getenv("POP3_PASSWORD"),
		.connect_timeout_ms = 10000,
		.io_timeout_ms = 20000,
		.cancel_fd = -1,
	};
	struct pop3_session s;
	struct pop3_uidl_list l;
	struct perr e = PERR_INIT;
	uint32_t count;
	uint64_t size;

	pop3_uidl_init(&l, 0);
	if (pop3_session_open(&s, &p, &e) < 0) {
		fprintf(stderr, "pop3-fetch: %s\n", e.msg);
		pop3_session_close(&s);
		return e.kind == PERR_AUTH ? 3 : 1;
	}
	if (pop3_session_stat(&s, &count, &size, &e) < 0 ||
	    pop3_session_uidl(&s, &l, &e) < 0)
		goto fail;
	printf("stat %u %llu\n", count, (unsigned long long)size);
	for (size_t i = 0; i < l.n; i++) {
		printf("uidl %u %s\n", l.v[i].msgno, l.v[i].uid);
		if (argc < 7)
			continue;
		struct buf msg = BUF_INIT;
		char path[4096];
		if (pop3_session_retr(&s, l.v[i].msgno, &msg, 0, &e) < 0) {
			buf_release(&msg);
			goto fail;
		}
		snprintf(path, sizeof(path), "%s/%u", argv[6], l.v[i].msgno);
		int rc = file_write_atomic(path, msg.data, msg.len, 0600, &e);
		buf_release(&msg);
		if (rc < 0)
			goto fail;
	}
	pop3_uidl_release(&l);
	pop3_session_close(&s);
	return 0;
fail:
	fprintf(stderr, "pop3-fetch: %s\n", e.msg);
	pop3_uidl_release(&l);
	pop3_session_close(&s);
	return 1;
}
