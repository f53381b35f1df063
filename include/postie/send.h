/* SPDX-License-Identifier: ISC */
/*
 * send: submitting what waits in an account's outbox, shared by the
 * account worker (ACCT_REQ_SEND and its poll timer) and the commands
 * `postie send` and `postie outbox flush` (src/account/outbox_flush.c,
 * src/account/sent_copy.c).
 *
 * A flush sends the waiting messages of one account over one SMTP
 * session: each attempt is recorded in the outbox before it starts, a
 * 250 moves the message to the local Sent (and marks it for a copy in
 * the server's Sent where the account wants one), a failure stays in the
 * outbox with the server's reason, RETRY for a temporary one (with a
 * growing delay), HELD for a permanent one. After the SMTP session the
 * copies are APPENDed to the IMAP server's Sent over an IMAP session of
 * their own.
 *
 * Nothing here prints or draws: every line meant for the user goes to a
 * callback, which the commands print on stderr and the worker turns into
 * events. Blocking, with the network timeouts: run it in an account's
 * worker thread or in a headless command, one flush per outbox at a time
 * (an outbox does no locking of its own).
 */
#ifndef POSTIE_SEND_H
#define POSTIE_SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "postie/account.h"
#include "postie/base.h"

struct cfg_account;
struct outbox;

/* Receives one line for the user ("message kept in the outbox (will
 * retry)"); msg is borrowed for the call. */
typedef void (*acct_note_fn)(void *arg, const char *msg);
/* Receives how far a flush is: done of total messages. */
typedef void (*acct_count_fn)(void *arg, unsigned done, unsigned total);

/* How a flush went, the worst first wins: a permanent failure outranks a
 * configuration error, which outranks a temporary failure, which
 * outranks success (the commands map these to exit statuses 1, 78, 75
 * and 0). */
enum acct_flush_status {
	ACCT_FLUSH_OK,
	ACCT_FLUSH_TEMP,    /* some wait for a retry */
	ACCT_FLUSH_CONFIG,  /* the account cannot send as configured */
	ACCT_FLUSH_FAIL,    /* refused for good, or a local failure */
};

/* Everything borrowed for the call. */
struct acct_flush_params {
	const struct cfg_account *account;
	struct outbox *ob;
	const char *only_id;   /* only this entry; NULL: every entry */
	bool due_only;         /* only entries outbox_due says are due */
	/* The poll timer's flush: QUEUED and RETRY entries at once (the
	 * poll interval paces the retries), UNKNOWN ones when outbox_due
	 * says so, HELD ones never (they wait for the user). */
	bool tick;
	int timeout_ms;        /* <= 0: net's defaults */
	int cancel_fd;         /* -1: none */
	acct_note_fn note;     /* may be NULL */
	acct_count_fn count;   /* may be NULL */
	void *arg;             /* for note and count */
};

struct acct_flush_result {
	unsigned tried;        /* entries attempted */
	unsigned sent;         /* accepted by the server (every recipient) */
	unsigned failed;       /* attempts that failed */
	unsigned waiting;      /* entries left in the outbox afterwards */
	unsigned copies_waiting; /* Sent copies still to be made */
	bool open_failed;      /* the connection or login failed: the rest
				  were not tried */
	enum acct_flush_status status;
	/* The first failure: the server's reason, with the provider's hint
	 * after a refused login ("... (hint: ...)"). PERR_NONE when none. */
	struct perr err;
};

/* Open (creating) the outbox of the account whose data directory is
 * data_dir ($XDG_DATA_HOME/postie/NAME): data_dir/outbox, with the local
 * Sent Maildir at data_dir/sent. Returns 0 or -1 with PERR_LOCAL. */
int acct_outbox_open(struct outbox *ob, const char *data_dir,
		     struct perr *e);

/* Flush the outbox as p says, then make the Sent copies that wait. A
 * BROKEN entry is reported and counted as a failure; HELD ones are tried
 * only when named by only_id or when due_only is false. Returns 0 when
 * nothing failed, -1 otherwise; *r is filled in both cases. */
int acct_outbox_flush(const struct acct_flush_params *p,
		      struct acct_flush_result *r);

/* How many messages wait in the outbox (any state), or -1 with *e. */
long acct_outbox_count(struct outbox *ob, struct perr *e);

/* ---------------------------------------------------------------------
 * In the account worker
 */

/* The payload of ACCT_EV_OUTBOX, emitted after each flush the worker
 * runs (for ACCT_REQ_SEND, and for a poll tick that tried something):
 * counts of this flush and what waits now, and its first failure. */
struct acct_outbox_report {
	unsigned sent, failed, waiting;
	unsigned held;   /* of those waiting, held until the user acts
			    (refused for good): the timer leaves them */
	bool tick;       /* from the poll timer (req_id 0) */
	struct perr err; /* PERR_NONE when nothing failed */
};

/* Flush the outbox of account a (data_dir as for acct_outbox_open) from
 * inside an engine: PROGRESS events (folder "Outbox", done, total), then
 * one ACCT_EV_OUTBOX (payload struct acct_outbox_report, freed with
 * free). tick selects the poll timer's choice of entries. Returns
 * ACCT_OK, ACCT_ERROR with *e (the first failure, the provider's hint
 * included) or ACCT_STOPPED. Worker thread only. */
enum acct_status acct_outbox_run(struct acct_worker *w,
				 const struct cfg_account *a,
				 const char *data_dir, int timeout_ms,
				 bool tick, struct perr *e);

/* ---------------------------------------------------------------------
 * The copy on an IMAP server's Sent (sent_copy.c)
 */

/* Does this account want a copy on the server (an IMAP account whose
 * sent-copy is on; a preset whose server files sent mail itself turns it
 * off)? */
bool acct_sent_copy_wanted(const struct cfg_account *a);

/* Note that message id, accepted by the SMTP server and about to move to
 * the local Sent Maildir of ob, waits for its copy on the server: one
 * durable marker file. Call before outbox_done. Does nothing for an
 * account that wants no copy. A failure goes to note and the log, and
 * must not stop outbox_done: the mail went out, and a missing copy is
 * better than a message sent twice. */
void acct_sent_copy_mark(const struct cfg_account *a, const struct outbox *ob,
			 const char *id, acct_note_fn note, void *arg);

/* APPEND every marked message in the local Sent Maildir of ob to the
 * server's Sent folder (the account's sent folder, else the one LIST
 * marks \Sent, else "Sent", created when missing), flagged \Seen, over
 * one IMAP session; each marker is removed once the server said OK. A
 * failure leaves the message in the local Sent and its marker in place,
 * with the reason written into the marker, for the next flush, and goes
 * to note. timeout_ms <= 0: net's defaults. Returns the number of copies
 * still waiting. */
unsigned acct_sent_copy_flush(const struct cfg_account *a,
			      const struct outbox *ob, int timeout_ms,
			      acct_note_fn note, void *arg);

/* ---------------------------------------------------------------------
 * The flag on the original (sent_copy.c)
 */

struct outbox_entry;

/* Note that ent, accepted by the SMTP server, answers (or forwards) the
 * message ent->orig names: one durable marker. Call before outbox_done.
 * Does nothing for an entry without an origin; an origin in another
 * account, or in an account that is not IMAP, is left to the caller
 * (logged). A failure goes to note and the log and must not stop
 * outbox_done. */
void acct_flag_original_mark(const struct cfg_account *a,
			     const struct outbox *ob,
			     const struct outbox_entry *ent, acct_note_fn note,
			     void *arg);

/* Set the flag each marker asks for (\Answered, or $Forwarded) over one
 * IMAP session: the folder selected, its UIDVALIDITY compared with the
 * marker's (changed: skipped, logged), a UID STORE on that UID alone. A
 * marker goes once done or skipped for good; a broken connection leaves
 * it for the next flush (said through note). Returns how many wait. */
/* Whether a marker waits (a flag not set yet: the poll timer's flush
 * runs for it even with nothing to send). */
bool acct_flag_original_waiting(const struct outbox *ob);

unsigned acct_flag_original_flush(const struct cfg_account *a,
				  const struct outbox *ob, int timeout_ms,
				  acct_note_fn note, void *arg);

#endif
