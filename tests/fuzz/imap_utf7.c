/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for modified UTF-7. Two properties beyond "no memory
 * error": a name that decodes re-encodes to something that decodes to
 * the same UTF-8, and any valid UTF-8 name without control characters
 * survives encode then decode unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/imap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	struct perr e = PERR_INIT;

	if (imap_utf7_decode(p, size, &a, &e) == 0) {
		if (imap_utf7_encode(a.data, a.len, &b, &e) < 0)
			abort();
		if (imap_utf7_decode(b.data, b.len, &c, &e) < 0 ||
		    c.len != a.len || memcmp(c.data, a.data, a.len) != 0)
			abort();
	}
	buf_reset(&b);
	buf_reset(&c);
	if (imap_utf7_encode(p, size, &b, &e) == 0) {
		if (imap_utf7_decode(b.data, b.len, &c, &e) < 0 ||
		    c.len != size || memcmp(c.data, p, size) != 0)
			abort();
	}
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	return 0;
}
