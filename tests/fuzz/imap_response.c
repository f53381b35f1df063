/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the IMAP response parser. The input is fed twice:
 * whole, and in pieces whose size comes from the first byte; the two runs
 * must give the same responses and errors byte for byte, so a bug in
 * resuming shows up as a crash, not only memory errors do. The second
 * byte's low bit turns on UTF8=ACCEPT mode. Limits are small so that
 * the caps are reached often.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/imap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(const uint8_t *data, size_t size, size_t step, unsigned flags,
    struct buf *out)
{
	struct imap_limits lim;
	struct imap_parser p;
	struct imap_resp r;

	imap_limits_default(&lim);
	lim.max_line = 4096;
	lim.max_literal = 8192;
	lim.max_response = 16384;
	lim.max_literals = 64;
	lim.max_numbers = 1000;
	lim.max_depth = 8;
	lim.max_parts = 64;
	imap_parser_init(&p, &lim);
	imap_parser_set_flags(&p, flags);
	imap_resp_init(&r);
	size_t fed = 0;
	while (fed < size) {
		size_t n = size - fed < step ? size - fed : step;
		imap_parser_feed(&p, data + fed, n);
		fed += n;
		for (;;) {
			struct perr e = PERR_INIT;
			int rc = imap_parser_next(&p, &r, &e);
			if (rc == 0)
				break;
			if (rc < 0) {
				buf_addf(out, "ERR %s\n", e.msg);
				if (p.dead)
					goto out;
				continue;
			}
			imap_resp_dump(&r, out);
			buf_addch(out, '\n');
		}
	}
out:
	buf_addf(out, "pending %zu\n", p.dead ? 0 : imap_parser_pending(&p));
	imap_resp_release(&r);
	imap_parser_release(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t step = (size_t)(data[0] % 32) + 1;
	unsigned flags = (data[1] & 1) ? IMAP_PARSER_UTF8 : 0;
	struct buf whole = BUF_INIT, pieces = BUF_INIT;

	data += 2;
	size -= 2;
	run(data, size, size ? size : 1, flags, &whole);
	run(data, size, step, flags, &pieces);
	if (whole.len != pieces.len ||
	    memcmp(whole.data, pieces.data, whole.len) != 0)
		abort();
	buf_release(&whole);
	buf_release(&pieces);
	return 0;
}
