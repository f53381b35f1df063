/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for theme files: the bytes as a theme file (config's
 * parser in theme mode), then every [color] line checked and applied by
 * the screen's theme code. Beyond "no memory error": every failure
 * carries a message, and a theme that applies gives only colours a
 * terminal can be asked for at every depth.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/config.h"

#include "../../src/ui/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c;
	struct theme t;
	struct perr e = PERR_INIT;

	cfg_init(&c);
	theme_builtin(&t);
	if (cfg_parse_theme_buffer(&c, "fuzz.theme", (const char *)data, size,
				   &e) < 0 ||
	    theme_apply_cfg(&t, &c, &e) < 0) {
		if (e.msg[0] == '\0')
			abort();
		goto out;
	}
	for (int i = 0; i < THEME_COUNT; i++) {
		const struct theme_color *fg = &t.el[i].fg;
		for (int d = THEME_DEPTH_NONE; d <= THEME_DEPTH_DIRECT; d++) {
			int n = theme_color_number(fg, (enum theme_depth)d,
						   true);
			int max = d == THEME_DEPTH_DIRECT ? 0xffffff
				  : d == THEME_DEPTH_256  ? 255
				  : d == THEME_DEPTH_16   ? 15
							  : 7;
			if (n < -1 || n > max)
				abort();
		}
	}
out:
	theme_release(&t);
	cfg_release(&c);
	return 0;
}
