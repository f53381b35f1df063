/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the MIME tree and the renderer: parse a message,
 * choose its body, render every leaf as text (charset, transfer decoding,
 * flowed, HTML), make it terminal-safe, and derive every attachment's
 * safe file name. Beyond "no memory error", the sanitised text must hold
 * no ESC byte and be valid UTF-8, and every leaf must be reachable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const assumed[] = { "gb18030", "big5", NULL };
	struct mime_message m;
	struct buf text = BUF_INIT, safe = BUF_INIT;

	mime_message_parse(&m, (const char *)data, size, assumed);
	const struct mime_part *body = mime_choose_body(&m, size & 1);
	for (size_t i = 0; i < m.nleaves; i++) {
		const struct mime_part *p = m.leaves[i];
		if (!p)
			abort();
		buf_reset(&text);
		buf_reset(&safe);
		mime_part_text(&text, &m, p, 72);
		mime_sanitize(&safe, text.data, text.len, true);
		if (memchr(safe.data, '\x1b', safe.len) ||
		    !utf8_valid(safe.data, safe.len))
			abort();
		if (p->filename) {
			char *f = mime_safe_filename(p->filename);
			if (!f[0] || strchr(f, '/') || f[0] == '.' ||
			    f[0] == '-')
				abort();
			free(f);
		}
		(void)mime_part_size(p);
		(void)mime_is_attachment(p);
	}
	(void)body;
	buf_release(&text);
	buf_release(&safe);
	mime_message_release(&m);
	return 0;
}
