/* SPDX-License-Identifier: ISC */
/*
 * A small driver for the integration tests: log in to an IMAP server
 * over implicit TLS and run one message or folder operation through
 * acct_op_imap against a store, exactly as the account worker does.
 *
 *   imap-ops PORT CAFILE USER CACHEDIR COMMAND [ARGS...]
 *
 *   sync                       sync every folder into the store
 *   show FOLDER                "uid U flags F" per message in the store
 *   folders                    "folder NAME raw RAW" per folder
 *   caps                       "move 0|1 uidplus 0|1"
 *   flags FOLDER UIDS +F|-F... F: seen answered flagged deleted draft
 *   move FOLDER DEST UIDS [create]
 *   copy FOLDER DEST UIDS
 *   delete FOLDER UIDS
 *   append FOLDER FILE [seen]
 *   mkdir NAME | rename FOLDER NEW | rmdir FOLDER | subscribe FOLDER
 *
 * FOLDER is a raw server name as the store keeps it; UIDS is "1,2,3".
 * The host is 127.0.0.1, the password comes from $IMAP_PASSWORD. An
 * operation prints "ok done N marked M" (and "appenduid V U" for
 * append) and "note TEXT" when there is one; a failure prints
 * "error KIND: TEXT" on stderr. Exits 0, 1 on failure, 2 for usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/account.h"
#include "postie/imap.h"
#include "postie/store.h"

static int
usage(void)
{
	fprintf(stderr, "usage: imap-ops PORT CAFILE USER CACHEDIR COMMAND "
			"[ARGS...]\n");
	return 2;
}

static int
fail(const struct perr *e)
{
	fprintf(stderr, "error %s: %s\n", perr_kind_name(e->kind), e->msg);
	return 1;
}

static void
parse_uids(const char *s, struct acct_op *op)
{
	size_t cap = 0;
	char *end;

	while (*s) {
		unsigned long v = strtoul(s, &end, 10);
		if (end == s)
			break;
		op->uids = xgrow(op->uids, &cap, op->n + 1, sizeof(uint32_t));
		op->uids[op->n++] = (uint32_t)v;
		s = *end == ',' ? end + 1 : end;
	}
}

static uint32_t
flag_bit(const char *name)
{
	static const struct {
		const char *n;
		uint32_t b;
	} t[] = {
		{ "seen", STORE_F_SEEN }, { "answered", STORE_F_ANSWERED },
		{ "flagged", STORE_F_FLAGGED }, { "deleted", STORE_F_DELETED },
		{ "draft", STORE_F_DRAFT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (strcmp(name, t[i].n) == 0)
			return t[i].b;
	return 0;
}

static int
show(struct store *st, const char *folder, struct perr *e)
{
	struct store_folder f;
	struct store_summaries s = { 0 };

	int rc = store_folder_find(st, folder, strlen(folder), &f, e);
	if (rc <= 0)
		return rc < 0 ? -1 : perr_set(e, PERR_FOLDER, "no folder '%s'",
					      folder);
	rc = store_load(st, f.id, &s, e);
	store_folder_release(&f);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < s.n; i++)
		printf("uid %u flags %u\n", (unsigned)s.v[i].uid,
		       (unsigned)(s.v[i].flags & STORE_F_SERVER_MASK));
	store_summaries_release(&s);
	return 0;
}

static int
folders(struct store *st, struct perr *e)
{
	struct store_folder *v;
	size_t n;

	if (store_folder_list(st, &v, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		printf("folder %s raw %s\n", v[i].name, v[i].raw);
	store_folder_list_free(v, n);
	return 0;
}

/* Build the request for an operation command; NULL kind on a usage
 * error. */
static int
build(int argc, char **argv, struct acct_request *req)
{
	const char *cmd = argv[0];
	struct acct_op *op = acct_op_new();

	req->payload = op;
	if (strcmp(cmd, "flags") == 0 && argc >= 4) {
		req->kind = ACCT_REQ_SET_FLAGS;
		req->folder = argv[1];
		parse_uids(argv[2], op);
		for (int i = 3; i < argc; i++) {
			uint32_t b = flag_bit(argv[i] + 1);
			if (!b || (argv[i][0] != '+' && argv[i][0] != '-'))
				return -1;
			if (argv[i][0] == '+')
				op->set |= b;
			else
				op->clear |= b;
		}
	} else if ((strcmp(cmd, "move") == 0 || strcmp(cmd, "copy") == 0) &&
		   argc >= 4) {
		req->kind = cmd[0] == 'm' ? ACCT_REQ_MOVE : ACCT_REQ_COPY;
		req->folder = argv[1];
		op->dest = xstrdup(argv[2]);
		parse_uids(argv[3], op);
		op->create = argc > 4 && strcmp(argv[4], "create") == 0;
	} else if (strcmp(cmd, "delete") == 0 && argc == 3) {
		req->kind = ACCT_REQ_DELETE;
		req->folder = argv[1];
		parse_uids(argv[2], op);
	} else if (strcmp(cmd, "append") == 0 && argc >= 3) {
		struct buf b = BUF_INIT;
		struct perr e = PERR_INIT;
		req->kind = ACCT_REQ_APPEND;
		req->folder = argv[1];
		if (file_read_all(argv[2], &b, (size_t)64 << 20, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return -1;
		}
		op->len = b.len;
		op->msg = buf_detach(&b, NULL);
		if (argc > 3 && strcmp(argv[3], "seen") == 0)
			op->flags = STORE_F_SEEN;
	} else if (strcmp(cmd, "mkdir") == 0 && argc == 2) {
		req->kind = ACCT_REQ_CREATE_FOLDER;
		req->folder = argv[1];
	} else if (strcmp(cmd, "rename") == 0 && argc == 3) {
		req->kind = ACCT_REQ_RENAME_FOLDER;
		req->folder = argv[1];
		op->name = xstrdup(argv[2]);
	} else if (strcmp(cmd, "rmdir") == 0 && argc == 2) {
		req->kind = ACCT_REQ_DELETE_FOLDER;
		req->folder = argv[1];
	} else if (strcmp(cmd, "subscribe") == 0 && argc == 2) {
		req->kind = ACCT_REQ_SUBSCRIBE;
		req->folder = argv[1];
		op->on = true;
	} else {
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct perr e = PERR_INIT;
	struct imap_session s;
	int rc = 1;

	if (argc < 6)
		return usage();
	const char *pw = getenv("IMAP_PASSWORD");
	struct imap_session_params p = {
		.host = "127.0.0.1", .port = argv[1], .tls = IMAP_TLS_IMPLICIT,
		.ca_file = argv[2], .user = argv[3], .password = pw ? pw : "",
		.cancel_fd = -1, .io_timeout_ms = 20000,
	};
	struct store *st = store_open(argv[4], STORE_WRITE, NULL, &e);
	if (!st)
		return fail(&e);
	char **cmdv = argv + 5;
	int cmdc = argc - 5;

	if (strcmp(cmdv[0], "show") == 0 && cmdc == 2) {
		rc = show(st, cmdv[1], &e) < 0 ? fail(&e) : 0;
		store_close(st);
		return rc;
	}
	if (strcmp(cmdv[0], "folders") == 0) {
		rc = folders(st, &e) < 0 ? fail(&e) : 0;
		store_close(st);
		return rc;
	}
	if (imap_session_open(&s, &p, &e) < 0) {
		imap_session_close(&s);
		store_close(st);
		return fail(&e);
	}
	if (strcmp(cmdv[0], "caps") == 0) {
		printf("move %d uidplus %d\n", !!(s.caps & IMAP_CAP(MOVE)),
		       !!(s.caps & IMAP_CAP(UIDPLUS)));
		rc = 0;
	} else if (strcmp(cmdv[0], "sync") == 0) {
		struct acct_sync_params sp = { .store = st, .cancel_fd = -1 };
		struct acct_sync_stats stats;
		if (acct_sync_imap_session(&s, &sp, &stats, &e) < 0) {
			rc = fail(&e);
		} else {
			printf("synced %u folders\n", stats.folders);
			rc = 0;
		}
	} else {
		struct acct_request req = { 0 };
		struct acct_op_result res;
		if (build(cmdc, cmdv, &req) < 0) {
			acct_op_free(req.payload);
			imap_session_close(&s);
			store_close(st);
			return usage();
		}
		if (acct_op_imap(NULL, &s, st, &req, &res, &e) < 0) {
			rc = fail(&e);
		} else {
			printf("ok done %llu marked %d\n",
			       (unsigned long long)res.done, res.marked_only);
			if (req.kind == ACCT_REQ_APPEND)
				printf("appenduid %u %u\n",
				       (unsigned)res.uidvalidity,
				       (unsigned)res.uid);
			rc = 0;
		}
		if (res.note[0])
			printf("note %s\n", res.note);
		acct_op_free(req.payload);
	}
	imap_session_close(&s);
	store_close(st);
	return rc;
}
