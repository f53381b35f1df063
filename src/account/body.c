/* SPDX-License-Identifier: ISC */
/*
 * Fetching one message's body on demand (ACCT_REQ_FETCH_BODY): the
 * viewer asks for a message the sync indexed but did not download, the
 * worker fetches it whole with BODY.PEEK[] (so the server does not mark
 * it read by itself) and caches it in the store, where the viewer reads
 * it. The folder's UIDVALIDITY is checked first, so a UID from an old
 * numbering never fetches some other message.
 */
#include <string.h>

#include "postie/account.h"
#include "postie/imap.h"
#include "postie/store.h"

#include "sync.h"

struct body_ctx {
	uint32_t uid;
	struct buf raw;
	bool got;
};

static int
on_fetch(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct body_ctx *c = arg;

	if (r->kind != IMAP_RESP_FETCH || !(r->fetch.have & IMAP_F_UID) ||
	    r->fetch.uid != c->uid)
		return 0;
	for (size_t i = 0; i < r->fetch.nsections; i++) {
		const struct imap_section *sec = &r->fetch.sections[i];
		if (sec->section[0] != '\0' || !sec->data.data)
			continue;
		if (sec->data.len > STORE_MAX_BODY)
			return perr_set(e, PERR_MESSAGE, "message %u is larger "
					"than %zu bytes", (unsigned)c->uid,
					(size_t)STORE_MAX_BODY);
		buf_reset(&c->raw);
		buf_add(&c->raw, sec->data.data, sec->data.len);
		c->got = true;
	}
	return 0;
}

int
acct_fetch_body_imap(struct imap_session *s, struct store *st,
		     const char *folder, uint32_t uid, struct perr *e)
{
	struct store_folder sf;
	struct body_ctx c = { .uid = uid };
	struct imap_seqset set;
	int rc = -1;

	if (!folder || uid == 0)
		return perr_set(e, PERR_MESSAGE, "no message to fetch");
	int found = store_folder_find(st, folder, strlen(folder), &sf, e);
	if (found <= 0)
		return found < 0 ? -1
				 : perr_set(e, PERR_FOLDER, "folder '%s' is "
					    "not in the index", folder);
	buf_init(&c.raw);
	imap_seqset_init(&set);
	if (imap_session_select(s, folder, true, true, e) < 0)
		goto out;
	if (s->mbox.uidvalidity != sf.uidvalidity) {
		perr_set(e, PERR_FOLDER, "folder '%s' was renumbered on the "
			 "server; sync it first", sf.name);
		goto out;
	}
	imap_seqset_add(&set, uid, uid);
	if (imap_session_uid_fetch(s, &set, "(UID BODY.PEEK[])", on_fetch, &c,
				   e) < 0)
		goto out;
	if (!c.got) {
		perr_set(e, PERR_MESSAGE, "message %u is no longer in '%s'",
			 (unsigned)uid, sf.name);
		goto out;
	}
	struct buf text = BUF_INIT;
	sync_body_text(&text, c.raw.data, c.raw.len, NULL);
	rc = store_body_put(st, sf.id, uid, c.raw.data, c.raw.len, text.data,
			    e);
	buf_release(&text);
out:
	imap_seqset_release(&set);
	buf_release(&c.raw);
	store_folder_release(&sf);
	return rc;
}
