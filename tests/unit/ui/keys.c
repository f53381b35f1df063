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

static void
test_names_and_checks(void)
{
	struct perr e = PERR_INIT;
	struct ui_key k[UI_KEYSEQ_MAX];
	size_t n;
	static const char *const seqs[] = { "j", "<C-d>", "<Enter>",
					    "<PageUp>", "<F5>", "<lt>",
					    "<Space>", "界", "<Tab>" };

	for (size_t i = 0; i < ARRAY_SIZE(seqs); i++) {
		struct buf b = BUF_INIT;
		ui_keyseq_parse(seqs[i], k, UI_KEYSEQ_MAX, &n, &e);
		for (size_t j = 0; j < n; j++)
			ui_key_name(k[j], &b);
		is_str(b.data, seqs[i], "key name of %s reads back", seqs[i]);
		buf_release(&b);
	}

	is_int(ui_action_key("falg", UI_PANE_INDEX, &k[0], &e), -1,
	       "a typo refused");
	like(e.msg, "unknown action 'falg'; did you mean 'flag'?",
	     "  with a guess");
	is_int(ui_command_check("sort thread", &e), 0, ":sort thread known");
	is_int(ui_command_check("theme gruvbox", &e), 0, ":theme known");
	is_int(ui_command_check("srot date", &e), -1, ":srot refused");
	like(e.msg, "unknown command ':srot'; did you mean ':sort'?",
	     "  with a guess");
	is_int(ui_command_check("sort \"date", &e), -1,
	       "an unbalanced quote refused");
	is_int(ui_binding_check("index", ":sync", &e), 0,
	       "a command binding checks");
	is_int(ui_binding_check("global", "line-down", &e), 0,
	       "global: an action of some pane is fine");
	is_int(ui_binding_check("folders", "search", &e), -1,
	       "an action a pane lacks is refused");
	is_int(ui_binding_check("compose", "whatever", &e), -1,
	       "compose: an unknown action is refused");
	like(e.msg, "unknown action 'whatever'", "and named");
	perr_clear(&e);
	is_int(ui_binding_check("compose", "sned", &e), -1,
	       "compose: a misspelt action");
	like(e.msg, "did you mean 'send'", "gets a did-you-mean");
	perr_clear(&e);
	is_int(ui_binding_check("compose", "send", &e), 0,
	       "compose: send is the composer's");
	is_int(ui_binding_check("compose", "flag", &e), -1,
	       "compose: an index action means nothing there");
	like(e.msg, "nothing in the composer", "and says so");
	perr_clear(&e);
	is_int(ui_binding_check("index", "postpone", &e), -1,
	       "index: a composer action means nothing there");
	perr_clear(&e);
	struct ui_key ck;
	is_int(ui_action_key("postpone", UI_PANE_COMPOSE, &ck, &e), 0,
	       "postpone in the composer");
	ok(!ck.fn && ck.code == 'P', "presses P");
	is_int(ui_action_key("edit-subject", UI_PANE_COMPOSE, &ck, &e), 0,
	       "edit-subject in the composer");
	ok(!ck.fn && ck.code == 's', "presses s");

	/* every preset line parses and names an action of its pane */
	static const char *const presets[] = { "vim", "emacs" };
	for (size_t p = 0; p < ARRAY_SIZE(presets); p++) {
		size_t np;
		const struct ui_preset_bind *b = ui_key_preset(presets[p],
							       &np);
		ok(b && np > 5, "preset %s has bindings", presets[p]);
		size_t bad = 0;
		for (size_t i = 0; b && i < np; i++) {
			if (ui_keyseq_parse(b[i].keys, k, UI_KEYSEQ_MAX, &n,
					    &e) < 0 ||
			    ui_binding_check(b[i].pane, b[i].action, &e) < 0) {
				diag("%s: %s %s: %s", presets[p], b[i].keys,
				     b[i].action, e.msg);
				bad++;
			}
		}
		is_int((intmax_t)bad, 0, "  each of its lines is good");
	}
	ok(ui_key_preset("default", &n) == NULL && n == 0,
	   "the default preset adds nothing");
}

int
main(void)
{
	test_parse();
	test_actions();
	test_names_and_checks();
	return done_testing();
}
