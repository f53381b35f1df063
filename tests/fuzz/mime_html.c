/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for HTML to text, the <meta> charset finder and
 * format=flowed decoding. Beyond "no memory error": what comes out of
 * valid UTF-8 input is valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/mime_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	bool valid = utf8_valid(p, size);
	struct buf out = BUF_INIT;

	mime_html_to_text(&out, p, size, size % 100);
	if (valid && !utf8_valid(out.data, out.len))
		abort();
	free(mime_html_meta_charset(p, size));
	buf_reset(&out);
	mime_flowed_decode(&out, p, size, size & 1);
	if (valid && !utf8_valid(out.data, out.len))
		abort();
	buf_release(&out);
	return 0;
}
