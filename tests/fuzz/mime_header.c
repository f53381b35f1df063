/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for header-level decoders: header parsing, RFC 2047
 * (unstructured text), RFC 2231 parameters, address lists, Message-ID
 * lists and dates. The input is used whole for each decoder. Beyond "no
 * memory error": decoded text is valid UTF-8 and a parsed date lies in
 * the years the parser promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const assumed[] = { "gb18030", NULL };
	const char *p = (const char *)data;
	struct buf out = BUF_INIT;
	struct mime_headers h;
	struct mime_addr_list l;

	size_t body_off;
	mime_headers_parse(&h, p, size, &body_off);
	if (body_off > size)
		abort();
	mime_headers_release(&h);

	mime_decode_header(&out, p, size, assumed);
	if (!utf8_valid(out.data, out.len))
		abort();

	buf_reset(&out);
	char *v = mime_param_get(p, size, "filename", assumed);
	if (v && !utf8_valid(v, strlen(v)))
		abort();
	free(v);
	char *cs = NULL;
	v = mime_param_raw(p, size, "name", &cs);
	free(v);
	free(cs);

	memset(&l, 0, sizeof(l));
	mime_addr_parse(&l, p, size, assumed);
	mime_addr_format(&out, &l);
	mime_addr_list_release(&l);

	buf_reset(&out);
	mime_msgid_list(&out, p, size);

	int64_t t;
	int tz;
	if (mime_date_parse(p, size, &t, &tz) == 0) {
		/* 1000-01-01 .. 9999-12-31 plus a day of zone either way */
		if (t < -30610224000LL - 86400 || t > 253402300799LL + 86400)
			abort();
	}
	buf_release(&out);
	return 0;
}
