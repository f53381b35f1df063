/* SPDX-License-Identifier: ISC */
/*
 * IMAP sequence sets (RFC 3501 9: seq-number, seq-range, sequence-set):
 * parsing what a server sends (APPENDUID, COPYUID, VANISHED, ESEARCH ALL)
 * and building compact sets for the commands postie sends. Parsing is one
 * left-to-right pass with no backtracking, so a 1 MB set costs 1 MB of
 * work; the range array grows by doubling.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "postie/imap.h"

void
imap_seqset_init(struct imap_seqset *s)
{
	s->r = NULL;
	s->n = 0;
	s->cap = 0;
}

void
imap_seqset_release(struct imap_seqset *s)
{
	free(s->r);
	imap_seqset_init(s);
}

/* "*" is the largest value in use, so it sorts above every number. */
static uint64_t
seq_key(uint32_t v)
{
	return v == IMAP_SEQ_STAR ? UINT64_C(1) << 32 : v;
}

void
imap_seqset_add(struct imap_seqset *s, uint32_t lo, uint32_t hi)
{
	if (seq_key(lo) > seq_key(hi)) {
		uint32_t t = lo;
		lo = hi;
		hi = t;
	}
	s->r = xgrow(s->r, &s->cap, s->n + 1, sizeof(*s->r));
	s->r[s->n].lo = lo;
	s->r[s->n].hi = hi;
	s->n++;
}

/* seq-number = nz-number / "*"; nz-number = digit-nz *DIGIT, 32 bits. */
static int
parse_seq_number(const char *p, size_t len, size_t *i, uint32_t *out,
		 struct perr *e)
{
	size_t at = *i;

	if (at < len && p[at] == '*') {
		*out = IMAP_SEQ_STAR;
		*i = at + 1;
		return 0;
	}
	if (at >= len || p[at] < '1' || p[at] > '9') {
		if (at < len && p[at] == '0')
			return perr_set(e, PERR_PROTO,
					"sequence set: 0 at offset %zu", at);
		return perr_set(e, PERR_PROTO,
				"sequence set: number expected at offset %zu",
				at);
	}
	uint64_t v = 0;
	while (at < len && p[at] >= '0' && p[at] <= '9') {
		v = v * 10 + (uint64_t)(p[at] - '0');
		if (v > UINT32_MAX)
			return perr_set(e, PERR_PROTO,
					"sequence set: number above 4294967295 "
					"at offset %zu", *i);
		at++;
	}
	*out = (uint32_t)v;
	*i = at;
	return 0;
}

int
imap_seqset_parse(struct imap_seqset *s, const char *p, size_t len,
		  size_t max_ranges, struct perr *e)
{
	size_t i = 0, n0 = s->n;

	if (len == 0)
		return perr_set(e, PERR_PROTO, "sequence set: empty");
	for (;;) {
		uint32_t lo, hi;

		if (max_ranges && s->n - n0 >= max_ranges) {
			s->n = n0;
			return perr_set(e, PERR_PROTO,
					"sequence set: more than %zu ranges",
					max_ranges);
		}
		if (parse_seq_number(p, len, &i, &lo, e) < 0)
			goto fail;
		hi = lo;
		if (i < len && p[i] == ':') {
			i++;
			if (parse_seq_number(p, len, &i, &hi, e) < 0)
				goto fail;
		}
		imap_seqset_add(s, lo, hi);
		if (i == len)
			return 0;
		if (p[i] != ',') {
			perr_set(e, PERR_PROTO,
				 "sequence set: unexpected byte 0x%02x at "
				 "offset %zu", (unsigned char)p[i], i);
			goto fail;
		}
		i++;
		if (i == len) {
			perr_set(e, PERR_PROTO,
				 "sequence set: trailing comma at offset %zu",
				 i - 1);
			goto fail;
		}
	}
fail:
	s->n = n0;
	return -1;
}

static void
put_seq(struct buf *out, uint32_t v)
{
	if (v == IMAP_SEQ_STAR)
		buf_addch(out, '*');
	else
		buf_addf(out, "%" PRIu32, v);
}

static void
put_range(struct buf *out, const struct imap_range *r)
{
	put_seq(out, r->lo);
	if (r->hi != r->lo) {
		buf_addch(out, ':');
		put_seq(out, r->hi);
	}
}

void
imap_seqset_format(const struct imap_seqset *s, struct buf *out)
{
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			buf_addch(out, ',');
		put_range(out, &s->r[i]);
	}
}

bool
imap_seqset_contains(const struct imap_seqset *s, uint32_t v,
		     uint32_t star_value)
{
	for (size_t i = 0; i < s->n; i++) {
		uint32_t lo = s->r[i].lo, hi = s->r[i].hi;

		if (lo == IMAP_SEQ_STAR)
			lo = star_value;
		if (hi == IMAP_SEQ_STAR)
			hi = star_value;
		if (lo > hi) {
			uint32_t t = lo;
			lo = hi;
			hi = t;
		}
		if (v >= lo && v <= hi)
			return true;
	}
	return false;
}

uint64_t
imap_seqset_count(const struct imap_seqset *s, uint32_t star_value)
{
	uint64_t total = 0;

	for (size_t i = 0; i < s->n; i++) {
		uint32_t lo = s->r[i].lo, hi = s->r[i].hi;

		if (lo == IMAP_SEQ_STAR)
			lo = star_value;
		if (hi == IMAP_SEQ_STAR)
			hi = star_value;
		if (lo > hi) {
			uint32_t t = lo;
			lo = hi;
			hi = t;
		}
		uint64_t add = (uint64_t)hi - lo + 1;
		if (total > UINT64_MAX - add)
			return UINT64_MAX;
		total += add;
	}
	return total;
}

void
imap_seqset_from_sorted(struct imap_seqset *s, const uint32_t *uids,
			size_t n)
{
	size_t i = 0;

	while (i < n && uids[i] == 0)
		i++;
	while (i < n) {
		uint32_t lo = uids[i], hi = lo;

		for (i++; i < n; i++) {
			if (uids[i] == hi)
				continue;
			if (hi != UINT32_MAX && uids[i] == hi + 1) {
				hi = uids[i];
				continue;
			}
			break;
		}
		imap_seqset_add(s, lo, hi);
	}
}

bool
imap_seqset_chunk(const struct imap_seqset *s, size_t *pos,
		  size_t max_bytes, struct buf *out)
{
	size_t start = out->len;

	if (*pos >= s->n)
		return false;
	/* Always take at least one range, even one longer than max_bytes
	 * (23 bytes at most), so that the caller makes progress. */
	put_range(out, &s->r[*pos]);
	(*pos)++;
	while (*pos < s->n) {
		size_t mark = out->len;

		buf_addch(out, ',');
		put_range(out, &s->r[*pos]);
		if (out->len - start > max_bytes) {
			buf_truncate(out, mark);
			break;
		}
		(*pos)++;
	}
	return true;
}
