/* SPDX-License-Identifier: ISC */
/*
 * maildir: a local Maildir that holds mail postie is the only keeper of,
 * such as what a POP3 account downloaded (the server may delete it once
 * it is here). Delivery follows the Maildir rules so that a crash at any
 * moment leaves either nothing or the whole message: the bytes go to a
 * new file in tmp/, which is fsynced, then linked into new/ (renamed where
 * the file system has no hard links), and new/ is fsynced before the
 * caller hears "delivered". File names are made from the time, the
 * process, a counter and the host name, never from anything a server
 * sent.
 *
 * What a crash leaves in tmp/ is never listed or read; maildir_clean_tmp
 * removes it once it is old (the Maildir convention is 36 hours).
 *
 * Threads: a struct maildir is used by one thread at a time. Several
 * processes may deliver into the same Maildir at once: names stay unique.
 */
#ifndef POSTIE_MAILDIR_H
#define POSTIE_MAILDIR_H

#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* Largest message maildir_read accepts. */
#define MAILDIR_MAX_MESSAGE ((size_t)256 << 20)

struct maildir {
	char *root;         /* the directory holding tmp/, new/, cur/ */
	uint64_t seq;       /* deliveries by this handle, for unique names */
	char host[256];     /* the host name with '/' and ':' escaped */
};

/* Open (creating with mode 0700 where missing) the Maildir at root and
 * its tmp/, new/ and cur/. Returns 0, or -1 with PERR_LOCAL naming the
 * directory. Release with maildir_release. */
int maildir_open(struct maildir *md, const char *root, struct perr *e);
void maildir_release(struct maildir *md);

/* Deliver len bytes as one new message (stored as given: the caller
 * decides the line ends). On success returns 0 and, when name is not
 * NULL, *name gets the file's name relative to the root ("new/NAME"; the
 * caller frees it). The message is on disk (file and directory entry
 * fsynced) before this returns. On failure nothing is left in new/ and
 * the tmp/ file is removed; -1 with PERR_LOCAL. */
int maildir_deliver(struct maildir *md, const void *data, size_t len,
		    char **name, struct perr *e);

/* Delivery in two steps, for many messages with one directory fsync.
 * maildir_stage writes len bytes into tmp/ and starts writing them out;
 * *out gets the name the message will have, "new/NAME", and the file
 * still open; nothing is in new/ yet. maildir_commit then fsyncs each
 * staged file of v[n], links each into new/ and fsyncs new/ once: on
 * success every one of them is on disk (each fd closed, each name still
 * the caller's to free); on failure none is left in new/ and the staged
 * files are removed (fds closed, names still the caller's).
 * maildir_unstage closes and removes one staged file that will not be
 * committed, and frees its name. A staged file a crash leaves behind
 * stays in tmp/, never listed, until maildir_clean_tmp. Return 0, or -1
 * with PERR_LOCAL. */
struct maildir_staged {
	char *name; /* "new/NAME" */
	int fd;     /* open until committed; -1 after */
};
int maildir_stage(struct maildir *md, const void *data, size_t len,
		  struct maildir_staged *out, struct perr *e);
int maildir_commit(struct maildir *md, struct maildir_staged *v, size_t n,
		   struct perr *e);
void maildir_unstage(struct maildir *md, struct maildir_staged *sg);

/* The messages in new/ and cur/ as names relative to the root ("new/X",
 * "cur/Y"), sorted by byte value; dot files and what is not a regular
 * file are left out, and tmp/ is never looked at. *out gets a new array
 * of heap strings (free with maildir_names_free), *n its length. Returns
 * 0 or -1. */
int maildir_list(const struct maildir *md, char ***out, size_t *n,
		 struct perr *e);
void maildir_names_free(char **v, size_t n);

/* Is (name, len) a message name of a Maildir as maildir_list gives it:
 * "new/X" or "cur/X", X not empty, not a dot file, with no '/' or NUL?
 * Names that fail are never opened, whatever a damaged record holds. */
bool maildir_name_ok(const char *name, size_t len);

/* Append the message called name (as maildir_list gives it) to out,
 * refusing files over max bytes (0: MAILDIR_MAX_MESSAGE). A name outside
 * new/ and cur/ (a '/' more, "..", a leading dot) is refused with
 * PERR_LOCAL. Returns 0 or -1; out is unchanged on failure. */
int maildir_read(const struct maildir *md, const char *name, struct buf *out,
		 size_t max, struct perr *e);

/* Remove the message called name. Returns 0 (also when it was already
 * gone) or -1. */
int maildir_remove(const struct maildir *md, const char *name,
		   struct perr *e);

/* Remove files in tmp/ whose last change is more than older_than seconds
 * ago (what an interrupted delivery left). *removed (may be NULL) gets
 * how many. Returns 0 or -1. */
int maildir_clean_tmp(const struct maildir *md, int64_t older_than,
		      size_t *removed, struct perr *e);

#endif
