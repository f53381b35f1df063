/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the viewer's link finder and the name suggested
 * for saving a part, both fed bytes straight from a mail. The input is
 * searched for URLs; every link found must lie inside the input, in
 * order and apart, start with an allowed scheme and pass ui_url_check,
 * so nothing the finder hands to url-command can carry a control
 * character or another scheme. The input is also rendered as a message
 * by the viewer (links numbered), whose URLs must pass the same check.
 * The bytes up to the first NUL are an attachment name: its safe form
 * must be one non-empty file name (no '/', no leading '.', at most 200
 * bytes, valid UTF-8 without controls) (hostile-43, hostile-44).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/ui.h"

/* the viewer's own headers, which are not public */
#include "../../src/ui/private.h"
#include "../../src/ui/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct ui_links l = { 0 };
	struct perr e = PERR_INIT;
	size_t end = 0;

	ui_links_find(&l, p, size);
	if (l.n > UI_LINKS_MAX)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		const struct ui_link *k = &l.v[i];
		if (k->off < end || k->len == 0 || k->off + k->len > size ||
		    k->len > UI_URL_MAX)
			abort();
		end = k->off + k->len;
		if (ui_url_check(p + k->off, k->len, &e) < 0)
			abort();
	}
	ui_links_release(&l);

	struct ui_pager pg = { 0 };
	ui_pager_render(&pg, p, size, NULL, 40);
	if (pg.nurls > UI_LINKS_MAX)
		abort();
	for (size_t i = 0; i < pg.nurls; i++)
		if (ui_url_check(pg.urls[i], strlen(pg.urls[i]), &e) < 0)
			abort();
	ui_pager_release(&pg);

	char *name = malloc(size + 1);
	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	char *safe = ui_part_filename(name, 3, "text/plain");
	size_t n = strlen(safe);
	if (n == 0 || n > 200 || safe[0] == '.' || strchr(safe, '/'))
		abort();
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(safe + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || cp == 0x7f)
			abort();
		i += k;
	}
	free(safe);
	free(name);
	return 0;
}
