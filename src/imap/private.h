/* SPDX-License-Identifier: ISC */
/*
 * Inside the imap module: the tokenizer over one complete, framed
 * response, and the helpers that make every allocation belong to the
 * response being built (so that one release frees all, on success and on
 * every error path alike).
 */
#ifndef POSTIE_IMAP_PRIVATE_H
#define POSTIE_IMAP_PRIVATE_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/imap.h"

/* A cursor over one framed response: p[0..len) ends with the line end
 * and every literal in it is complete (the framer made sure). */
struct tok {
	const char *p;
	size_t len;
	size_t i;
	struct imap_resp *r;
	const struct imap_limits *lim;
	unsigned flags;
	struct perr *e;
	size_t nparts;   /* BODYSTRUCTURE nodes so far */
	size_t nnumbers; /* numbers and ranges so far */
};

/* A growing array owned by the response: slot is its index in the
 * response's list of allocations, updated when it moves. */
struct rvec {
	void *p;
	size_t n, cap, slot;
};

/* Allocation owned by the response. */
void *resp_alloc(struct imap_resp *r, size_t n);
char *resp_strndup(struct imap_resp *r, const char *p, size_t n);
void rvec_init(struct imap_resp *r, struct rvec *v);
/* Room for one more element of size sz; returns the element's address. */
void *rvec_push(struct imap_resp *r, struct rvec *v, size_t sz);

/* Tokenizer. Every function returns 0 or -1 with PERR_PROTO in t->e
 * saying what was expected and at which offset of the response. */
int tok_fail(struct tok *t, const char *what);
bool tok_at_eol(const struct tok *t);
int tok_peek(const struct tok *t);
bool tok_accept(struct tok *t, char c);
int tok_expect(struct tok *t, char c);
int tok_sp(struct tok *t);
int tok_eol(struct tok *t);
/* Characters of an atom; astring also allows ']'; mailbox (LIST) also
 * allows the list wildcards. */
enum tok_class { TOK_ATOM, TOK_ASTRING, TOK_MAILBOX, TOK_FLAG };
int tok_atom(struct tok *t, enum tok_class cls, struct slice *out);
/* The next word if it is an atom, case-insensitively equal to word. */
bool tok_word(struct tok *t, const char *word);
int tok_u32(struct tok *t, uint32_t *out);
int tok_nz32(struct tok *t, uint32_t *out);
int tok_u64(struct tok *t, uint64_t max, uint64_t *out);
/* quoted / literal (literal8 too when allow8); copied into the response */
int tok_string(struct tok *t, bool allow8, struct imap_str *out);
int tok_nstring(struct tok *t, bool allow8, struct imap_str *out);
int tok_astring(struct tok *t, enum tok_class cls, struct imap_str *out);
/* Skip one value of any shape (atom, number, string, literal, NIL or a
 * parenthesised list of any depth), without recursion. */
int tok_skip_value(struct tok *t);
/* The rest of the line as text (no NUL, no CR, no LF); may be empty. */
int tok_text(struct tok *t, char **out);
/* A parenthesised list of flags or atoms into a strlist. */
int tok_atom_list(struct tok *t, enum tok_class cls,
		  struct imap_strlist *out);

/* fetch.c */
int parse_fetch(struct tok *t);
int parse_envelope(struct tok *t, struct imap_envelope **out);
/* mailbox names (parse.c) */
int parse_mailbox(struct tok *t, struct imap_mailbox *out);

#endif
