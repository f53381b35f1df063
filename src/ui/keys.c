/* SPDX-License-Identifier: ISC */
/*
 * Key bindings from the dotfile's [bind "PANE"] sections: key sequences
 * as written there ("x", "gg", "<C-f>", "<M-Enter>", "<F5>") turned into
 * the keys curses reports, and action names turned into the built-in key
 * that does the same in that pane, so that a binding is a second way to
 * press a key the screen already knows and every action behaves exactly
 * as its built-in key.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/ui.h"

#include "private.h"

/* Each action and its built-in key in the index, the viewer and the
 * folder list (0: the action means nothing there). */
static const struct action {
	const char *name;
	struct ui_key index, pager, folders;
} actions[] = {
#define C(c) { false, (uint32_t)(c) }
#define K(k) { true, (uint32_t)(k) }
#define NONE { false, 0 }
	{ "next", C('j'), C('J'), C('j') },
	{ "previous", C('k'), C('K'), C('k') },
	{ "line-down", NONE, C('j'), NONE },
	{ "line-up", NONE, C('k'), NONE },
	{ "page-down", C(' '), C(' '), NONE },
	{ "page-up", K(KEY_PPAGE), C('b'), NONE },
	{ "first", C('g'), C('g'), NONE },
	{ "last", C('G'), C('G'), NONE },
	{ "open", C('\n'), NONE, C('\n') },
	{ "back", NONE, C('q'), C('\t') },
	{ "focus-folders", C('\t'), NONE, C('\t') },
	{ "change-folder", C('c'), NONE, NONE },
	{ "toggle-folders", C('B'), NONE, NONE },
	{ "search", C('/'), NONE, NONE },
	{ "search-next", C('n'), NONE, NONE },
	{ "search-previous", C('p'), NONE, NONE },
	{ "flag", C('F'), C('F'), NONE },
	{ "toggle-new", C('N'), C('N'), NONE },
	{ "sync", C('$'), NONE, NONE },
	{ "command", C(':'), NONE, NONE },
	{ "help", C('?'), NONE, NONE },
	{ "quit", C('q'), C('q'), C('q') },
	{ "redraw", C(12), C(12), NONE },
	{ "delete", C('d'), C('d'), NONE },
	{ "undelete", C('u'), C('u'), NONE },
	{ "move", C('s'), C('s'), NONE },
	{ "copy", C('C'), C('C'), NONE },
	{ "tag", C('t'), NONE, NONE },
	{ "tag-pattern", C('T'), NONE, NONE },
	{ "tag-prefix", C(';'), NONE, NONE },
	{ "limit", C('l'), NONE, NONE },
	{ "fold-thread", C('z'), NONE, NONE },
	{ "fold-all", C('Z'), NONE, NONE },
	{ "fold", NONE, NONE, C(' ') },
#undef C
#undef K
#undef NONE
};

static const struct {
	const char *name;
	struct ui_key key;
} names[] = {
	{ "Enter", { false, '\n' } },  { "Esc", { false, 27 } },
	{ "Tab", { false, '\t' } },    { "BackTab", { true, KEY_BTAB } },
	{ "Space", { false, ' ' } },   { "Backspace", { true, KEY_BACKSPACE } },
	{ "Delete", { true, KEY_DC } }, { "Insert", { true, KEY_IC } },
	{ "Home", { true, KEY_HOME } }, { "End", { true, KEY_END } },
	{ "PageUp", { true, KEY_PPAGE } },
	{ "PageDown", { true, KEY_NPAGE } },
	{ "Up", { true, KEY_UP } },     { "Down", { true, KEY_DOWN } },
	{ "Left", { true, KEY_LEFT } }, { "Right", { true, KEY_RIGHT } },
	{ "lt", { false, '<' } },       { "gt", { false, '>' } },
};

/* One <...> name (len bytes at p) into keys; M- makes it two keys. */
static int
parse_name(const char *seq, const char *p, size_t len, struct ui_key *out,
	   size_t max, size_t *n, struct perr *e)
{
	bool ctrl = false, meta = false;
	struct ui_key k = { false, 0 };

	while (len > 2 && p[1] == '-' && (p[0] == 'C' || p[0] == 'M')) {
		if (p[0] == 'C')
			ctrl = true;
		else
			meta = true;
		p += 2;
		len -= 2;
	}
	uint32_t cp;
	size_t used = utf8_decode(p, len, &cp);
	bool found = false;
	if (used == len && cp > 0x20 && cp != 0x7f) {
		k.code = cp;
		found = true;
	}
	if (!found && len >= 2 && len <= 3 && (p[0] == 'F' || p[0] == 'f')) {
		unsigned num = 0;
		size_t i;
		for (i = 1; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			num = num * 10 + (unsigned)(p[i] - '0');
		if (i == len && num >= 1 && num <= 24) {
			k.fn = true;
			k.code = (uint32_t)KEY_F(num);
			found = true;
		}
	}
	for (size_t i = 0; !found && i < ARRAY_SIZE(names); i++)
		if (strlen(names[i].name) == len &&
		    ascii_strncasecmp(names[i].name, p, len) == 0) {
			k = names[i].key;
			found = true;
		}
	if (!found)
		return perr_set(e, PERR_CONFIG, "unknown key in '%s'", seq);
	if (ctrl) {
		if (k.fn || !((k.code >= '@' && k.code <= '_') ||
			      (k.code >= 'a' && k.code <= 'z')))
			return perr_set(e, PERR_CONFIG, "no terminal sends "
					"Control with that key in '%s'", seq);
		k.code &= 0x1f;
	}
	if (*n + (meta ? 2 : 1) > max)
		return perr_set(e, PERR_CONFIG, "key sequence '%s' is too "
				"long (at most %zu keys)", seq, max);
	if (meta)
		out[(*n)++] = (struct ui_key){ false, 27 };
	out[(*n)++] = k;
	return 0;
}

int
ui_keyseq_parse(const char *s, struct ui_key *out, size_t max, size_t *n,
		struct perr *e)
{
	const char *p = s;
	size_t left = strlen(s);

	*n = 0;
	if (left == 0)
		return perr_set(e, PERR_CONFIG, "empty key sequence");
	while (left > 0) {
		if (*p == '<') {
			const char *end = memchr(p + 1, '>', left - 1);
			if (!end || end == p + 1)
				return perr_set(e, PERR_CONFIG, "unclosed '<' "
						"in '%s'", s);
			if (parse_name(s, p + 1, (size_t)(end - p - 1), out,
				       max, n, e) < 0)
				return -1;
			left -= (size_t)(end + 1 - p);
			p = end + 1;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p, left, &cp);
		if (k == 0 || cp <= 0x20 || cp == 0x7f)
			return perr_set(e, PERR_CONFIG, "a blank or control "
					"character in '%s'", s);
		if (*n >= max)
			return perr_set(e, PERR_CONFIG, "key sequence '%s' is "
					"too long (at most %zu keys)", s, max);
		out[(*n)++] = (struct ui_key){ false, cp };
		p += k;
		left -= k;
	}
	return 0;
}

int
ui_action_key(const char *action, enum ui_pane pane, struct ui_key *out,
	      struct perr *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, action) != 0)
			continue;
		*out = pane == UI_PANE_INDEX   ? actions[i].index
		       : pane == UI_PANE_PAGER ? actions[i].pager
					       : actions[i].folders;
		if (out->code == 0) {
			perr_set(e, PERR_CONFIG, "action '%s' means nothing "
				 "in the %s", action,
				 pane == UI_PANE_INDEX   ? "index"
				 : pane == UI_PANE_PAGER ? "viewer"
							 : "folder list");
			return 1;
		}
		return 0;
	}
	return perr_set(e, PERR_CONFIG, "unknown action '%s' (next, "
			"previous, open, flag, toggle-new, search, sync, "
			"quit, ... ; postie(1) lists them)", action);
}
