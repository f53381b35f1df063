/* SPDX-License-Identifier: ISC */
/*
 * account, inside: what the IMAP and POP3 syncs share. Not part of the
 * public API.
 */
#ifndef POSTIE_ACCOUNT_SYNC_H
#define POSTIE_ACCOUNT_SYNC_H

#include "postie/config.h"
#include "postie/store.h"

/* One summary on its way to store_msg_put, with the strings it owns. */
struct sync_msg {
	struct store_msg m;
	char *s[10];
	size_t ns;
};

/* Fill the header fields of p->m (From, To, Cc, Subject, Date,
 * Message-ID, In-Reply-To, References) from a header block (hdr, len),
 * decoded with mime/ (RFC 2047, the assumed charsets for raw 8-bit).
 * p must be zeroed first or hold only what the caller set. */
void sync_msg_headers(struct sync_msg *p, const char *hdr, size_t len,
		      const char *const *assumed);
/* Free what p owns and zero it. */
void sync_msg_release(struct sync_msg *p);

/* The account's assumed charsets as a NULL-terminated list (NULL: the
 * default). *owned gets the array to free() (the strings stay the
 * account's). */
const char *const *sync_assumed(const struct cfg_account *a, char ***owned);

/* The body text of a message for the store's full-text index: the part
 * a reader would show, decoded to UTF-8 (assumed may be NULL), at most
 * SYNC_TEXT_MAX bytes. Appended to out. */
#define SYNC_TEXT_MAX ((size_t)1 << 20)
void sync_body_text(struct buf *out, const char *raw, size_t len,
		    const char *const *assumed);

/* Index one whole message (raw, len) as uid of folder: its summary from
 * the headers (decoded with assumed), whether it has an attachment, and
 * a copy of it in the store's body cache. One message; writer only.
 * Returns 0 or -1 with *e. (The POP3 and Maildir syncs share it.) */
int sync_index_raw(struct store *st, int64_t folder, uint32_t uid,
		   uint32_t flags, int64_t internal_date, const char *raw,
		   size_t len, const char *const *assumed, struct perr *e);

#endif
