/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by sort.c and thread.c, which work on a loaded
 * struct store_summaries only: no SQLite, no I/O.
 */
#ifndef POSTIE_STORE_ORDER_H
#define POSTIE_STORE_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "postie/store.h"

/* Sort v[n] (message indexes) stably with cmp, which gets ctx. A merge
 * sort: O(n log n) in every case, whatever the data, and stable, so the
 * order of equal keys is the order given. */
void store_msort(uint32_t *v, size_t n,
		 int (*cmp)(uint32_t a, uint32_t b, const void *ctx),
		 const void *ctx);

/* The date a message sorts by: its Date: header, else its arrival. */
static inline int64_t
store_sort_date(const struct store_summary *m)
{
	return m->date ? m->date : m->internal_date;
}

/* Compare two strings with ASCII letters folded to lower case; other
 * bytes (CJK has no case) compare as they are. */
int store_fold_cmp(const char *a, const char *b);

#endif
