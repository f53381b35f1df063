/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the dotfile parser. Beyond "no memory error":
 * every fault it reports carries a message, and a file that parses is
 * printed in dotfile syntax that parses again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postie/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c;
	struct perr e = PERR_INIT;

	cfg_init(&c);
	if (cfg_parse_buffer(&c, "fuzz.rc", (const char *)data, size, &e) < 0) {
		if (e.msg[0] == '\0')
			abort();
		cfg_release(&c);
		return 0;
	}
	struct buf out = BUF_INIT;
	cfg_format(&c, &out);
	cfg_release(&c);
	cfg_init(&c);
	if (cfg_parse_buffer(&c, "fuzz.rc", out.data, out.len, &e) < 0) {
		fprintf(stderr, "printed configuration does not parse: %s\n",
			e.msg);
		abort();
	}
	cfg_release(&c);
	buf_release(&out);
	return 0;
}
