/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the transfer codecs: base64 (lenient), quoted-
 * printable (body and header forms), uuencode, and every transfer
 * encoding through mime_transfer_decode. Beyond "no memory error": the
 * decoded size is bounded by the input size (none of these codecs can
 * grow data), and base64 of random bytes round-trips.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct buf out = BUF_INIT, enc = BUF_INIT;

	b64_decode(&out, p, size, NULL);
	if (out.len > size)
		abort();
	buf_reset(&out);
	mime_qp_decode(&out, p, size, false);
	if (out.len > size)
		abort();
	buf_reset(&out);
	mime_qp_decode(&out, p, size, true);
	buf_reset(&out);
	char *name = NULL;
	size_t used;
	mime_uu_decode(&out, p, size, &name, &used);
	free(name);
	(void)mime_uu_find(p, size);
	for (int cte = MIME_CTE_7BIT; cte <= MIME_CTE_UNKNOWN; cte++) {
		buf_reset(&out);
		mime_transfer_decode(&out, (enum mime_cte)cte, p, size);
	}

	buf_reset(&out);
	b64_encode(&enc, p, size, 76);
	b64_decode(&out, enc.data, enc.len, NULL);
	if (out.len != size || (size && memcmp(out.data, p, size) != 0))
		abort();
	buf_release(&out);
	buf_release(&enc);
	return 0;
}
