/* SPDX-License-Identifier: ISC */
/*
 * outbox: messages waiting to be submitted, kept on disk so that nothing
 * a person wrote is ever only in memory or only in flight.
 *
 * Layout, under the account's outbox directory (0700, files 0600):
 *
 *	tmp/ new/ cur/    a Maildir; each message is one file in new/
 *	meta/ID           its envelope and attempt history, text, written
 *	                  atomically (temporary file, fsync, rename, fsync
 *	                  of the directory)
 *
 * A message enters as tmp/ID (written, fsynced), then meta/ID, then a
 * rename to new/ID and an fsync of new/: at every instant a crash leaves
 * either nothing visible or a complete message with its envelope. It
 * leaves only after the server's 250 to the end of DATA, by a rename into
 * the Sent Maildir's cur/ (a copy when that is on another file system),
 * then meta/ID is removed. A failed attempt is recorded with its time,
 * kind, code and the server's text, and the next try is pushed back
 * (1 min, 2, 4, ... up to 6 h). An attempt that was under way when the
 * process died, or whose connection broke after the final dot, leaves the
 * entry in state UNKNOWN: the message may have been delivered, and the
 * next flush must say so before sending it again.
 *
 * Threads: an outbox directory belongs to one account worker (or one
 * headless command) at a time; these functions do no locking of their
 * own. Uses base only.
 */
#ifndef POSTIE_OUTBOX_H
#define POSTIE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* The largest message the outbox takes, and the largest side file. */
#define OUTBOX_MAX_MESSAGE ((size_t)1 << 30)
#define OUTBOX_MAX_META (256 * 1024)
/* Attempts kept in the history (the oldest are dropped). */
#define OUTBOX_MAX_HISTORY 20

#define OUTBOX_STATE_TABLE(X)                                   \
	X(QUEUED, "queued")   /* never tried */                 \
	X(SENDING, "sending") /* an attempt is under way */     \
	X(RETRY, "retry")     /* failed for now; retried */     \
	X(HELD, "held")       /* refused for good; kept until the user acts */ \
	X(UNKNOWN, "unknown") /* may have been delivered */     \
	X(BROKEN, "broken")   /* its envelope file is unreadable */

enum outbox_state {
#define OUTBOX_STATE_ENUM_(name, text) OUTBOX_##name,
	OUTBOX_STATE_TABLE(OUTBOX_STATE_ENUM_)
#undef OUTBOX_STATE_ENUM_
	OUTBOX_STATE_COUNT
};

const char *outbox_state_name(enum outbox_state st);

/* How an attempt ended, for outbox_fail. */
enum outbox_outcome {
	OUTBOX_TEMPFAIL, /* try again later (network, 4xx) */
	OUTBOX_PERMFAIL, /* the server or the message said no for good */
	OUTBOX_UNDETERMINED, /* lost after the final dot */
};

struct outbox_attempt {
	int64_t time;  /* seconds since the epoch */
	char *result;  /* "temp", "perm", "unknown" */
	int code;      /* the SMTP code, 0 when none */
	char *text;    /* the reason (server text or local error) */
};

/* The message a reply or a forward answers: once this entry is
 * delivered, whichever attempt it is, the flusher flags it on the
 * server (\Answered, or $Forwarded for a forward), if it is still there
 * under the same UIDVALIDITY. Strings are owned by the entry. */
struct outbox_origin {
	char *account;        /* the account's name */
	char *folder;         /* the folder's raw server name */
	uint32_t uidvalidity; /* 0: not known (then it is not flagged) */
	uint32_t uid;         /* 0: no origin */
	bool forwarded;       /* $Forwarded, else \Answered */
};

struct outbox_entry {
	char *id;
	char *path;    /* the message file */
	char *from;
	char **rcpt;
	size_t nrcpt;
	enum outbox_state state;
	int64_t queued;   /* when it entered */
	int64_t next_try; /* not before (0: at once) */
	unsigned attempts;
	struct outbox_attempt *hist;
	size_t nhist;
	uint64_t size;    /* bytes of the message file */
	struct outbox_origin orig; /* orig.uid 0: none (and in entries
				      written before it was kept) */
};

struct outbox {
	char *dir;
	char *sent; /* the Sent Maildir */
};

/* Open (and create, 0700) the outbox at dir and the Sent Maildir at
 * sent_dir. Both strings are copied. Files a crash left in tmp/ and side
 * files without a message, older than 36 hours, are removed. Returns 0
 * or -1 with PERR_LOCAL. */
int outbox_open(struct outbox *ob, const char *dir, const char *sent_dir,
		struct perr *e);
void outbox_release(struct outbox *ob);

/* Put a message in: durable on return. from and rcpt must not hold
 * control bytes (PERR_MESSAGE). *id_out (may be NULL) gets the new id,
 * owned by the caller. now is the current time (seconds). Returns 0 or -1
 * with PERR_LOCAL / PERR_MESSAGE. */
int outbox_add(struct outbox *ob, const char *from, const char *const *rcpt,
	       size_t nrcpt, const void *msg, size_t len, int64_t now,
	       char **id_out, struct perr *e);

/* outbox_add for a reply or a forward: orig (may be NULL; copied) is
 * kept in the envelope file for the flag to set once it is delivered.
 * Its account and folder must be one line (PERR_MESSAGE). */
int outbox_add_orig(struct outbox *ob, const char *from,
		    const char *const *rcpt, size_t nrcpt, const void *msg,
		    size_t len, const struct outbox_origin *orig, int64_t now,
		    char **id_out, struct perr *e);

/* Every message in the outbox, oldest first; *out is an array the caller
 * frees with outbox_list_free. A message whose side file cannot be read
 * is listed in state BROKEN with the reason in its history, never
 * skipped. Returns 0 or -1 with PERR_LOCAL. */
int outbox_list(struct outbox *ob, struct outbox_entry **out, size_t *n,
		struct perr *e);
void outbox_list_free(struct outbox_entry *v, size_t n);

/* Load one entry by id (ent is filled; release it). */
int outbox_get(struct outbox *ob, const char *id, struct outbox_entry *ent,
	       struct perr *e);
void outbox_entry_release(struct outbox_entry *ent);

/* Whether the entry should be tried at now without asking anyone: QUEUED,
 * or RETRY and past next_try. HELD and BROKEN wait for the user, and so
 * does UNKNOWN (it may have been delivered: only an explicit flush, which
 * warns of a possible duplicate, sends it again); SENDING entries (a
 * crash mid-attempt) are loaded as UNKNOWN, so never seen here. */
bool outbox_due(const struct outbox_entry *ent, int64_t now);
/* Seconds to wait after the n-th failed attempt (n >= 1). */
int64_t outbox_backoff(unsigned n);

/* Record that an attempt starts (state SENDING, durable). */
int outbox_begin(struct outbox *ob, struct outbox_entry *ent, int64_t now,
		 struct perr *e);
/* Record a failed attempt: its outcome, code and reason; the state
 * becomes RETRY, HELD or UNKNOWN and next_try moves on. */
int outbox_fail(struct outbox *ob, struct outbox_entry *ent,
		enum outbox_outcome how, int code, const char *text,
		int64_t now, struct perr *e);
/* Replace the recipients (after a partial delivery, the ones left to
 * try). nrcpt must be > 0. */
int outbox_set_rcpts(struct outbox *ob, struct outbox_entry *ent,
		     const char *const *rcpt, size_t nrcpt, struct perr *e);
/* The server accepted it: move the message to Sent (cur/, flag S), then
 * drop its side file. ent is released. Returns 0 or -1; on -1 the message
 * is still in one of the two places, never in neither. */
int outbox_done(struct outbox *ob, struct outbox_entry *ent,
		struct perr *e);
/* Remove a message for good (the user asked). */
int outbox_remove(struct outbox *ob, struct outbox_entry *ent,
		  struct perr *e);

#endif
