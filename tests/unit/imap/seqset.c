/* SPDX-License-Identifier: ISC */
/*
 * Sequence sets: parse and format (hostile-11), counting, membership,
 * compact sets from sorted UIDs, splitting for line limits, and a 1 MB
 * set parsed in linear time.
 */
#include <string.h>

#include "harness.h"
#include "postie/imap.h"

static const struct {
	const char *in, *out;
} good[] = {
	{ "1", "1" },
	{ "1:*", "1:*" },
	{ "*", "*" },
	{ "*:4", "4:*" },
	{ "1,3:5,7", "1,3:5,7" },
	{ "5:3", "3:5" },                 /* hostile-11: reversed, normalised */
	{ "4294967295", "4294967295" },
	{ "1:4294967295", "1:4294967295" },
	{ "7:7", "7" },
	{ "2,1", "2,1" },
};

static const struct {
	const char *in, *why;
} bad[] = {
	{ "", "empty" },
	{ "0", "0 at offset 0" },                       /* hostile-11 */
	{ "1:0", "0 at offset 2" },
	{ "4294967296", "above 4294967295" },          /* hostile-11 */
	{ "99999999999999999999", "above 4294967295" },
	{ "1:*,", "trailing comma" },                   /* hostile-11 */
	{ "1,,2", "number expected at offset 2" },      /* hostile-11 */
	{ ",1", "number expected at offset 0" },
	{ "1:", "number expected at offset 2" },
	{ "1::2", "number expected at offset 2" },
	{ "01", "0 at offset 0" },
	{ "1 2", "unexpected byte 0x20" },
	{ "-1", "number expected" },
	{ "1:2:3", "unexpected byte 0x3a" },
};

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct imap_seqset s = IMAP_SEQSET_INIT;
		struct buf b = BUF_INIT;
		struct perr e = PERR_INIT;
		int rc = imap_seqset_parse(&s, good[i].in,
					   strlen(good[i].in), 0, &e);
		ok(rc == 0, "parse '%s'", good[i].in);
		imap_seqset_format(&s, &b);
		is_str(b.data, good[i].out, "'%s' formats as '%s'",
		       good[i].in, good[i].out);
		buf_release(&b);
		imap_seqset_release(&s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct imap_seqset s = IMAP_SEQSET_INIT;
		struct perr e = PERR_INIT;
		imap_seqset_add(&s, 9, 9);
		int rc = imap_seqset_parse(&s, bad[i].in, strlen(bad[i].in),
					   0, &e);
		ok(rc == -1 && e.kind == PERR_PROTO && s.n == 1,
		   "hostile-11: '%s' rejected, set unchanged", bad[i].in);
		like(e.msg, bad[i].why, "hostile-11: '%s' error", bad[i].in);
		imap_seqset_release(&s);
	}

	struct imap_seqset s = IMAP_SEQSET_INIT;
	struct perr e = PERR_INIT;
	ok(imap_seqset_parse(&s, "1:3,5,7", 7, 2, &e) == -1,
	   "max_ranges is applied");
	like(e.msg, "more than 2 ranges", "and said");
	imap_seqset_release(&s);

	imap_seqset_parse(&s, "3:5,10:*", 8, 0, &e);
	ok(imap_seqset_contains(&s, 4, 20), "4 in 3:5,10:*");
	ok(!imap_seqset_contains(&s, 6, 20), "6 not in 3:5,10:*");
	ok(imap_seqset_contains(&s, 20, 20), "20 in 10:* when * is 20");
	ok(!imap_seqset_contains(&s, 21, 20), "21 not in 10:* when * is 20");
	is_int((intmax_t)imap_seqset_count(&s, 20), 14, "count 3:5,10:20");
	imap_seqset_release(&s);

	static const uint32_t uids[] = { 0, 1, 2, 3, 3, 5, 7, 8, 9,
					 4294967294u, 4294967295u };
	struct buf b = BUF_INIT;
	imap_seqset_from_sorted(&s, uids, ARRAY_SIZE(uids));
	imap_seqset_format(&s, &b);
	is_str(b.data, "1:3,5,7:9,4294967294:4294967295",
	       "compact set from sorted UIDs (zero and duplicates skipped)");
	size_t pos = 0;
	int pieces = 0;
	struct buf all = BUF_INIT;
	buf_reset(&b);
	while (imap_seqset_chunk(&s, &pos, 8, &b)) {
		ok(b.len <= 8 || strchr(b.data, ',') == NULL,
		   "chunk '%s' within 8 bytes", b.data);
		if (all.len)
			buf_addch(&all, ',');
		buf_add(&all, b.data, b.len);
		buf_reset(&b);
		pieces++;
	}
	is_int(pieces, 3, "three chunks");
	is_str(all.data, "1:3,5,7:9,4294967294:4294967295",
	       "chunks join to the whole set");
	buf_release(&all);
	buf_release(&b);
	imap_seqset_release(&s);

	/* hostile-11: a 1 MB set is parsed, in linear time. */
	struct buf big = BUF_INIT;
	uint32_t n = 1;
	while (big.len < 1024 * 1024) {
		buf_addf(&big, "%s%u:%u", big.len ? "," : "", n, n + 1);
		n += 3;
	}
	int64_t t0 = time_mono_ms();
	ok(imap_seqset_parse(&s, big.data, big.len, 0, &e) == 0,
	   "hostile-11: 1 MB set parses");
	int64_t t1 = time_mono_ms();
	buf_reset(&b);
	imap_seqset_format(&s, &b);
	ok(b.len == big.len && memcmp(b.data, big.data, b.len) == 0,
	   "hostile-11: 1 MB set formats back the same");
	ok(t1 - t0 < 2000, "hostile-11: 1 MB set in %lld ms",
	   (long long)(t1 - t0));
	imap_seqset_release(&s);
	buf_release(&big);
	buf_release(&b);
	return done_testing();
}
