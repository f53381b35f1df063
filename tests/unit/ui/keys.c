/* SPDX-License-Identifier: ISC */
/*
 * Key sequences of [bind] sections into curses keys, and action names
 * into the built-in keys they press in each pane.
 */
#include <curses.h>
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/ui.h"

#include "private.h"

static void
test_parse(void)
{
	struct ui_key k[UI_KEYSEQ_MAX];
	struct perr e = PERR_INIT;
	size_t n;

	is_int(ui_keyseq_parse("x", k, UI_KEYSEQ_MAX, &n, &e), 0, "x");
	ok(n == 1 && !k[0].fn && k[0].code == 'x', "x is one key");
	is_int(ui_keyseq_parse("gg", k, UI_KEYSEQ_MAX, &n, &e), 0, "gg");
	is_int(n, 2, "gg is two keys");
	is_int(ui_keyseq_parse("<C-f>", k, UI_KEYSEQ_MAX, &n, &e), 0, "<C-f>");
	ok(n == 1 && k[0].code == 6, "<C-f> is 0x06");
	is_int(ui_keyseq_parse("<M-Enter>", k, UI_KEYSEQ_MAX, &n, &e), 0,
	       "<M-Enter>");
	ok(n == 2 && k[0].code == 27 && k[1].code == '\n',
	   "<M-Enter> is Esc then Enter");
	is_int(ui_keyseq_parse("<F5><PageDown>", k, UI_KEYSEQ_MAX, &n, &e),
	       0, "<F5><PageDown>");
	ok(n == 2 && k[0].fn && k[0].code == (uint32_t)KEY_F(5) && k[1].fn &&
		   k[1].code == KEY_NPAGE, "function keys are curses codes");
	is_int(ui_keyseq_parse("<lt>界", k, UI_KEYSEQ_MAX, &n, &e), 0,
	       "<lt> and a CJK key");
	ok(n == 2 && k[0].code == '<' && k[1].code == 0x754c, "their codes");
	is_int(ui_keyseq_parse("<Nope>", k, UI_KEYSEQ_MAX, &n, &e), -1,
	       "unknown name refused");
	is_int(ui_keyseq_parse("<C-F5>", k, UI_KEYSEQ_MAX, &n, &e), -1,
	       "Control with a function key refused");
	is_int(ui_keyseq_parse("a b", k, UI_KEYSEQ_MAX, &n, &e), -1,
	       "a blank refused");
	is_int(ui_keyseq_parse("<x", k, UI_KEYSEQ_MAX, &n, &e), -1,
	       "unclosed < refused");
	is_int(ui_keyseq_parse("abc", k, 2, &n, &e), -1, "too long refused");
	is_int(ui_keyseq_parse("", k, UI_KEYSEQ_MAX, &n, &e), -1,
	       "empty refused");
}

static void
test_actions(void)
{
	struct ui_key k;
	struct perr e = PERR_INIT;

	is_int(ui_action_key("flag", UI_PANE_INDEX, &k, &e), 0, "flag");
	ok(!k.fn && k.code == 'F', "flag presses F");
	is_int(ui_action_key("next", UI_PANE_PAGER, &k, &e), 0, "next");
	ok(k.code == 'J', "next in the viewer is the next message");
	is_int(ui_action_key("page-up", UI_PANE_INDEX, &k, &e), 0, "page-up");
	ok(k.fn && k.code == KEY_PPAGE, "page-up in the index is PgUp");
	is_int(ui_action_key("search", UI_PANE_PAGER, &k, &e), 1,
	       "search means nothing in the viewer");
	like(e.msg, "nothing in the viewer", "and says so");
	is_int(ui_action_key("delete", UI_PANE_INDEX, &k, &e), 0, "delete");
	ok(!k.fn && k.code == 'd', "delete presses d");
	is_int(ui_action_key("limit", UI_PANE_INDEX, &k, &e), 0, "limit");
	ok(!k.fn && k.code == 'l', "limit presses l");
	is_int(ui_action_key("tag-prefix", UI_PANE_INDEX, &k, &e), 0,
	       "tag-prefix");
	ok(!k.fn && k.code == ';', "tag-prefix presses ;");
	is_int(ui_action_key("fold", UI_PANE_FOLDERS, &k, &e), 0,
	       "fold in the folder list");
	ok(!k.fn && k.code == ' ', "fold presses Space there");
	is_int(ui_action_key("move", UI_PANE_PAGER, &k, &e), 0,
	       "move in the viewer");
	is_int(ui_action_key("limit", UI_PANE_PAGER, &k, &e), 1,
	       "limit means nothing in the viewer");
	is_int(ui_action_key("explode", UI_PANE_INDEX, &k, &e), -1,
	       "unknown action refused");
	like(e.msg, "unknown action 'explode'", "names it");
}

int
main(void)
{
	test_parse();
	test_actions();
	return done_testing();
}
