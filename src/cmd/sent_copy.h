/* SPDX-License-Identifier: ISC */
/*
 * The copy of sent mail in the Sent folder of an IMAP account's server,
 * made by postie send and postie outbox flush after the SMTP server's
 * 250. Not part of any public API: only the commands in src/cmd use it.
 */
#ifndef POSTIE_CMD_SENT_COPY_H
#define POSTIE_CMD_SENT_COPY_H

#include <stdbool.h>

struct cfg_account;
struct outbox;

/* Does this account want a copy on the server (an IMAP account whose
 * sent-copy is on; a preset whose server files sent mail itself turns it
 * off)? */
bool sent_copy_wanted(const struct cfg_account *a);

/* Note that message id, accepted by the SMTP server and about to move to
 * the local Sent Maildir of ob, waits for its copy on the server: one
 * durable marker file. Call before outbox_done. Does nothing for an
 * account that wants no copy. A failure is printed (prog) and logged,
 * and must not stop outbox_done: the mail went out, and a missing copy
 * is better than a message sent twice. */
void sent_copy_mark(const struct cfg_account *a, const struct outbox *ob,
		    const char *id, const char *prog);

/* APPEND every marked message in the local Sent Maildir of ob to the
 * server's Sent folder (the account's sent folder, else the one LIST
 * marks \Sent, else "Sent", created when missing), flagged \Seen, over
 * one IMAP session; each marker is removed once the server said OK. A
 * failure leaves the message in the local Sent and its marker in place,
 * with the reason written into the marker, for the next flush, and is
 * printed on stderr with prog. timeout_ms <= 0: net's defaults. Returns
 * the number of copies still waiting. */
unsigned sent_copy_flush(const struct cfg_account *a, const struct outbox *ob,
			 int timeout_ms, const char *prog);

#endif
