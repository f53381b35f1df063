/* SPDX-License-Identifier: ISC */
/*
 * A small IMAP client for the integration tests: log in, list the
 * folders, open one and fetch every message with UID FETCH, through the
 * imap module's session exactly as postie does.
 *
 *   imap-fetch HOST PORT imaps|starttls CAFILE USER FOLDER [OUTDIR]
 *
 * The password comes from $IMAP_PASSWORD (not the command line). With
 * $IMAP_IDLE_MS set, it then waits in IDLE that long and prints "idling"
 * before and "idle CHANGED exists N" after. Prints
 * "list NAME" for each folder (the decoded UTF-8 name, or "opaque RAW"),
 * "exists N", "uidvalidity N", then "uid U size S subject SUBJECT" per
 * message; with OUTDIR each message's bytes go to OUTDIR/UID. Exits 0,
 * 2 for a usage error, 3 for a refused login, 1 for anything else, with
 * the error on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/imap.h"

static const char *outdir;

static int
on_list(const struct imap_resp *r, void *arg, struct perr *e)
{
	(void)arg;
	(void)e;
	if (r->kind != IMAP_RESP_LIST)
		return 0;
	if (r->list.mbox.name)
		printf("list %s\n", r->list.mbox.name);
	else
		printf("opaque %s\n", r->list.mbox.raw.data ?
					      r->list.mbox.raw.data : "");
	return 0;
}

static int
on_fetch(const struct imap_resp *r, void *arg, struct perr *e)
{
	const struct imap_fetch *f = &r->fetch;

	(void)arg;
	if (!(f->have & IMAP_F_UID))
		return 0;
	printf("uid %u size %llu subject %s\n", f->uid,
	       (unsigned long long)f->size,
	       f->env && f->env->subject.data ? f->env->subject.data : "NIL");
	if (!outdir)
		return 0;
	for (size_t i = 0; i < f->nsections; i++) {
		if (strcmp(f->sections[i].section, "") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%u", outdir, f->uid);
		struct perr fe = PERR_INIT;
		const struct imap_str *d = &f->sections[i].data;
		if (file_write_atomic(path, d->data ? d->data : "", d->len,
				      0600, &fe) < 0) {
			if (e)
				*e = fe;
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 7 || argc > 8) {
		fprintf(stderr, "usage: imap-fetch HOST PORT imaps|starttls "
				"CAFILE USER FOLDER [OUTDIR]\n");
		return 2;
	}
	outdir = argc == 8 ? argv[7] : NULL;
	struct imap_session_params p = {
		.host = argv[1],
		.port = argv[2],
		.tls = strcmp(argv[3], "starttls") == 0 ? IMAP_TLS_STARTTLS :
							  IMAP_TLS_IMPLICIT,
		.ca_file = argv[4],
		.user = argv[5],
		.password = getenv("IMAP_PASSWORD"),
		.connect_timeout_ms = 10000,
		.io_timeout_ms = 20000,
		.cancel_fd = -1,
		.send_id = true,
	};
	struct imap_session s;
	struct perr e = PERR_INIT;

	if (imap_session_open(&s, &p, &e) < 0) {
		fprintf(stderr, "imap-fetch: %s\n", e.msg);
		imap_session_close(&s);
		return e.kind == PERR_AUTH ? 3 : 1;
	}
	if (imap_session_simple(&s, "LIST \"\" *", on_list, NULL, &e) < 0)
		goto fail;
	if (imap_session_select(&s, argv[6], false, true, &e) < 0)
		goto fail;
	printf("exists %u\nuidvalidity %u\n", s.mbox.exists,
	       s.mbox.uidvalidity);
	if (s.mbox.exists) {
		struct imap_seqset set = IMAP_SEQSET_INIT;
		imap_seqset_add(&set, 1, IMAP_SEQ_STAR);
		int rc = imap_session_uid_fetch(
			&s, &set, "(UID RFC822.SIZE ENVELOPE BODY.PEEK[])",
			on_fetch, NULL, &e);
		imap_seqset_release(&set);
		if (rc < 0)
			goto fail;
	}
	const char *idle = getenv("IMAP_IDLE_MS");
	if (idle) {
		printf("idling\n");
		fflush(stdout);
		int changed = imap_session_idle(&s, atoi(idle), NULL, NULL,
						&e);
		if (changed < 0)
			goto fail;
		printf("idle %d exists %u\n", changed, s.mbox.exists);
	}
	imap_session_close(&s);
	return 0;
fail:
	fprintf(stderr, "imap-fetch: %s\n", e.msg);
	imap_session_close(&s);
	return 1;
}
