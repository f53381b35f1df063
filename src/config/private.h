/* SPDX-License-Identifier: ISC */
/*
 * What the files of src/config/ share and nobody else sees: the
 * did-you-mean helper, quoting of values for messages and for output, and
 * the parse of a TLS fingerprint.
 */
#ifndef POSTIE_CONFIG_PRIVATE_H
#define POSTIE_CONFIG_PRIVATE_H

#include "postie/config.h"

/* The candidate closest to word by edit distance (ASCII case ignored),
 * or NULL when none is close enough to be a likely typo (distance at most
 * 2, and less than half the word). cands is NULL-terminated. */
const char *cfg_did_you_mean(const char *word, const char *const *cands);
/* Levenshtein distance with adjacent transposition, ASCII case ignored;
 * strings longer than 64 bytes count as far from everything. */
size_t cfg_edit_distance(const char *a, const char *b);

/* Append s in double quotes for an error message: control bytes and
 * invalid UTF-8 as \xNN, at most 60 bytes then "...". */
void cfg_quote_msg(struct buf *out, const char *s, size_t len);
/* Append s as a dotfile value: bare when it reads back unchanged, else
 * in double quotes with \" \\ \n \t escapes. */
void cfg_quote_value(struct buf *out, const char *s);

/* "ab:cd:..." or "abcd..." (64 hex digits) into 32 bytes. */
int cfg_parse_fingerprint(const char *s, uint8_t out[32], struct perr *e);
void cfg_format_fingerprint(const uint8_t fp[32], struct buf *out);

/* "~/x" -> "$HOME/x"; other paths copied. NULL with *e set for "~user"
 * or when HOME is unset. The caller frees the result. */
char *cfg_expand_home(const char *path, struct perr *e);

#endif
