/* SPDX-License-Identifier: ISC */
/*
 * Key bindings from the dotfile's [bind "PANE"] sections: key sequences
 * as written there ("x", "gg", "<C-f>", "<M-Enter>", "<F5>") turned into
 * the keys curses reports, and action names turned into the built-in key
 * that does the same in that pane, so that a binding is a second way to
 * press a key the screen already knows and every action behaves exactly
 * as its built-in key. A binding may instead run a : command
 * ("X = :sort thread"). Also here: the vim and emacs presets of
 * [ui] keys, as data; key names for the help, which is generated from
 * the table and the bindings in use; and the checks `postie config
 * check` runs on bindings and the theme.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/ui.h"

#include "private.h"
#include "screen.h"
#include "theme.h"

/* Each action, its built-in key in the index, the viewer and the folder
 * list (0: the action means nothing there), other built-in keys that do
 * the same (for the help), and what it does. */
static const struct action {
	const char *name;
	struct ui_key index, pager, folders;
	const char *also, *also_pager; /* other keys, for the help */
	const char *help;
} actions[] = {
#define C(c) { false, (uint32_t)(c) }
#define K(k) { true, (uint32_t)(k) }
#define NONE { false, 0 }
	{ "next", C('j'), C('J'), C('j'), "<Down>", NULL,
	  "next message" },
	{ "previous", C('k'), C('K'), C('k'), "<Up>", NULL,
	  "previous message" },
	{ "line-down", NONE, C('j'), NONE, NULL, "<Down>",
	  "scroll a line down" },
	{ "line-up", NONE, C('k'), NONE, NULL, "<Up>", "scroll a line up" },
	{ "page-down", C(' '), C(' '), NONE, "<PageDown>", "<PageDown>",
	  "next page" },
	{ "page-up", K(KEY_PPAGE), C('b'), NONE, NULL, "<PageUp>",
	  "previous page" },
	{ "first", C('g'), C('g'), NONE, "<Home>", "<Home>",
	  "first message / top" },
	{ "last", C('G'), C('G'), NONE, "<End>", "<End>",
	  "last message / bottom" },
	{ "open", C('\n'), NONE, C('\n'), NULL, NULL,
	  "open the message or folder" },
	{ "back", NONE, C('q'), C('\t'), NULL, "i", "back to the index" },
	{ "focus-folders", C('\t'), NONE, C('\t'), NULL, NULL,
	  "switch between folder list and index" },
	{ "change-folder", C('c'), NONE, NONE, "y", NULL,
	  "change folder by name" },
	{ "toggle-folders", C('B'), NONE, NONE, NULL, NULL,
	  "show or hide the folder list" },
	{ "search", C('/'), NONE, NONE, NULL, NULL,
	  "search (as the limit l reads it)" },
	{ "search-next", C('n'), NONE, NONE, NULL, NULL, "next match" },
	{ "search-previous", C('p'), NONE, NONE, NULL, NULL,
	  "previous match" },
	{ "flag", C('F'), C('F'), NONE, NULL, NULL,
	  "flag or unflag the message" },
	{ "toggle-new", C('N'), C('N'), NONE, NULL, NULL,
	  "mark the message new or read" },
	{ "sync", C('$'), NONE, NONE, NULL, NULL,
	  "expunge deleted messages, sync now" },
	{ "command", C(':'), NONE, NONE, NULL, NULL,
	  "a command (the list is below)" },
	{ "help", C('?'), C('?'), NONE, NULL, NULL, "this list" },
	{ "quit", C('q'), C('q'), C('q'), NULL, NULL,
	  "quit (viewer, folders: back)" },
	{ "redraw", C(12), C(12), NONE, NULL, NULL, "redraw the screen" },
	{ "delete", C('d'), C('d'), NONE, NULL, NULL,
	  "delete (to Trash, or mark D)" },
	{ "undelete", C('u'), C('u'), NONE, NULL, NULL, "undelete" },
	{ "move", C('s'), C('s'), NONE, NULL, NULL,
	  "move to a folder (Tab: names)" },
	{ "copy", C('C'), C('C'), NONE, NULL, NULL, "copy to a folder" },
	{ "tag", C('t'), NONE, NONE, NULL, NULL, "tag the message" },
	{ "tag-pattern", C('T'), NONE, NONE, NULL, NULL,
	  "tag by a pattern (empty: untag)" },
	{ "tag-prefix", C(';'), NONE, NONE, NULL, NULL,
	  "next d u s C F N: all tagged" },
	{ "limit", C('l'), NONE, NONE, NULL, NULL,
	  "show only what matches (below)" },
	{ "fold-thread", C('z'), NONE, NONE, NULL, NULL,
	  "fold the thread (sort thread)" },
	{ "fold-all", C('Z'), NONE, NONE, NULL, NULL, "fold all threads" },
	{ "fold", NONE, NONE, C(' '), NULL, NULL,
	  "fold or unfold a parent" },
	{ "view-attachments", NONE, C('v'), NONE, NULL, NULL,
	  "the message's parts: view, save, open, pipe" },
	{ "toggle-headers", NONE, C('h'), NONE, NULL, NULL,
	  "all headers / the common ones" },
	{ "open-link", NONE, C(2), NONE, NULL, "NUMBER <Enter>",
	  "open link [N] with url-command" },
	{ "toggle-split", NONE, C('S'), NONE, NULL, NULL,
	  "split view (index rows above) / full" },
	{ "compose", C('m'), C('m'), NONE, NULL, NULL,
	  "write a new message" },
	{ "reply", C('r'), C('r'), NONE, NULL, NULL,
	  "reply to the sender (Reply-To when set)" },
	{ "reply-all", C('a'), C('a'), NONE, NULL, NULL,
	  "reply to the sender and all but oneself" },
	{ "reply-list", C('L'), C('L'), NONE, NULL, NULL,
	  "reply to the mailing list (List-Post)" },
	{ "forward", C('f'), C('f'), NONE, NULL, NULL,
	  "forward (:forward-attached as an attachment)" },
	{ "recall", C('R'), NONE, NONE, NULL, NULL,
	  "recall a postponed message" },
	{ "edit-as-new", C('e'), NONE, NONE, NULL, NULL,
	  "edit as new (in Sent and Drafts)" },
#undef C
#undef K
#undef NONE
};

/* The presets of [ui] keys: bindings as a [bind] section would write
 * them, laid under the dotfile's own (which win). */
struct preset_bind {
	const char *pane, *keys, *action;
};

static const struct preset_bind preset_vim[] = {
	{ "index", "gg", "first" },
	{ "index", "G", "last" },
	{ "index", "<C-d>", "page-down" },
	{ "index", "<C-u>", "page-up" },
	{ "index", "<C-f>", "page-down" },
	{ "index", "<C-b>", "page-up" },
	{ "index", "n", "search-next" },
	{ "index", "N", "search-previous" },
	{ "index", "U", "toggle-new" },
	{ "index", "ZZ", "quit" },
	{ "pager", "gg", "first" },
	{ "pager", "G", "last" },
	{ "pager", "<C-d>", "page-down" },
	{ "pager", "<C-u>", "page-up" },
	{ "pager", "<C-f>", "page-down" },
	{ "pager", "<C-b>", "page-up" },
	{ "pager", "<C-e>", "line-down" },
	{ "pager", "<C-y>", "line-up" },
	{ "pager", "U", "toggle-new" },
	{ "folders", "gg", "open" },
	{ NULL, NULL, NULL },
};

static const struct preset_bind preset_emacs[] = {
	{ "index", "<C-n>", "next" },
	{ "index", "<C-p>", "previous" },
	{ "index", "<C-v>", "page-down" },
	{ "index", "<M-v>", "page-up" },
	{ "index", "<C-s>", "search" },
	{ "index", "<C-r>", "search-previous" },
	{ "index", "<M-lt>", "first" },
	{ "index", "<M-gt>", "last" },
	{ "index", "<M-x>", "command" },
	{ "pager", "<C-n>", "line-down" },
	{ "pager", "<C-p>", "line-up" },
	{ "pager", "<C-v>", "page-down" },
	{ "pager", "<M-v>", "page-up" },
	{ "pager", "<M-lt>", "first" },
	{ "pager", "<M-gt>", "last" },
	{ "pager", "<C-g>", "back" },
	{ "folders", "<C-n>", "next" },
	{ "folders", "<C-p>", "previous" },
	{ "folders", "<C-g>", "back" },
	{ NULL, NULL, NULL },
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

/* The composer's actions and their built-in keys there. */
static const struct compose_action {
	const char *name;
	char key;
	const char *help;
} compose_actions[] = {
	{ "send", 'y', "send the message" },
	{ "edit-body", 'e', "edit the text" },
	{ "edit-to", 't', "edit To" },
	{ "edit-cc", 'c', "edit Cc" },
	{ "edit-bcc", 'b', "edit Bcc" },
	{ "edit-subject", 's', "edit the subject" },
	{ "next-from", 'f', "send from the next account" },
	{ "attach", 'a', "attach a file" },
	{ "detach", 'D', "remove the attachment" },
	{ "preview", 'p', "the message as it will be sent" },
	{ "postpone", 'P', "keep it in Drafts for later" },
	{ "abort", 'q', "leave the composer (asks)" },
};

/* Every action name, of the panes and of the composer. */
static const char *const *
all_action_names(void)
{
	static const char *v[ARRAY_SIZE(actions) +
			     ARRAY_SIZE(compose_actions) + 1];

	if (!v[0]) {
		size_t n = 0;
		for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
			v[n++] = actions[i].name;
		for (size_t i = 0; i < ARRAY_SIZE(compose_actions); i++)
			v[n++] = compose_actions[i].name;
	}
	return v;
}

static const char *
pane_label(enum ui_pane pane)
{
	return pane == UI_PANE_INDEX     ? "index"
	       : pane == UI_PANE_PAGER   ? "viewer"
	       : pane == UI_PANE_COMPOSE ? "composer"
					 : "folder list";
}

static bool
is_compose_action(const char *action)
{
	for (size_t i = 0; i < ARRAY_SIZE(compose_actions); i++)
		if (strcmp(compose_actions[i].name, action) == 0)
			return true;
	return false;
}

int
ui_action_key(const char *action, enum ui_pane pane, struct ui_key *out,
	      struct perr *e)
{
	if (pane == UI_PANE_COMPOSE) {
		for (size_t i = 0; i < ARRAY_SIZE(compose_actions); i++)
			if (strcmp(compose_actions[i].name, action) == 0) {
				out->fn = false;
				out->code = (uint32_t)compose_actions[i].key;
				return 0;
			}
		for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
			if (strcmp(actions[i].name, action) == 0) {
				perr_set(e, PERR_CONFIG, "action '%s' means "
					 "nothing in the composer", action);
				return 1;
			}
	} else if (is_compose_action(action)) {
		perr_set(e, PERR_CONFIG, "action '%s' means nothing in the "
			 "%s (it is the composer's)", action,
			 pane_label(pane));
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, action) != 0)
			continue;
		*out = pane == UI_PANE_INDEX   ? actions[i].index
		       : pane == UI_PANE_PAGER ? actions[i].pager
					       : actions[i].folders;
		if (out->code == 0) {
			perr_set(e, PERR_CONFIG, "action '%s' means nothing "
				 "in the %s", action, pane_label(pane));
			return 1;
		}
		return 0;
	}
	const char *hint = cfg_did_you_mean(action, all_action_names());
	if (hint)
		return perr_set(e, PERR_CONFIG, "unknown action '%s'; did you "
				"mean '%s'?", action, hint);
	return perr_set(e, PERR_CONFIG, "unknown action '%s' (next, "
			"previous, open, flag, toggle-new, search, sync, "
			"quit, ... or :COMMAND; postie(1) lists them)", action);
}

/* The : commands a binding may run (input.c's scr_run_command). */
static const char *const commands[] = { "quit", "q", "sync", "sort",
					"folder", "theme", "compose", "mail",
					"recall", "edit-as-new",
					"forward-attached", "flush", NULL };

int
ui_command_check(const char *line, struct perr *e)
{
	struct perr se = PERR_INIT;
	char **argv = argv_split(line, &se);

	if (!argv)
		return perr_set(e, PERR_CONFIG, "command ':%s': %s", line,
				se.msg);
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(argv[0], commands[i]) == 0) {
			argv_free(argv);
			return 0;
		}
	const char *hint = cfg_did_you_mean(argv[0], commands);
	perr_set(e, PERR_CONFIG, "unknown command ':%s'%s%s%s (quit, sync, "
		 "sort KEY, folder NAME, theme NAME)", argv[0],
		 hint ? "; did you mean ':" : "", hint ? hint : "",
		 hint ? "'?" : "");
	argv_free(argv);
	return -1;
}

const struct ui_preset_bind *
ui_key_preset(const char *name, size_t *n)
{
	const struct preset_bind *p = NULL;

	if (name && strcmp(name, "vim") == 0)
		p = preset_vim;
	else if (name && strcmp(name, "emacs") == 0)
		p = preset_emacs;
	*n = 0;
	if (!p)
		return NULL;
	while (p[*n].pane)
		(*n)++;
	return (const struct ui_preset_bind *)p;
}

/* ---------------------------------------------------------------------
 * Key names for the help
 */
void
ui_key_name(struct ui_key k, struct buf *out)
{
	static const struct {
		int code;
		const char *name;
	} fn[] = {
		{ KEY_UP, "Up" },       { KEY_DOWN, "Down" },
		{ KEY_LEFT, "Left" },   { KEY_RIGHT, "Right" },
		{ KEY_HOME, "Home" },   { KEY_END, "End" },
		{ KEY_PPAGE, "PageUp" }, { KEY_NPAGE, "PageDown" },
		{ KEY_BTAB, "BackTab" }, { KEY_BACKSPACE, "Backspace" },
		{ KEY_DC, "Delete" },   { KEY_IC, "Insert" },
		{ KEY_ENTER, "Enter" },
	};

	if (k.fn) {
		for (size_t i = 0; i < ARRAY_SIZE(fn); i++)
			if ((uint32_t)fn[i].code == k.code) {
				buf_addf(out, "<%s>", fn[i].name);
				return;
			}
		if (k.code >= (uint32_t)KEY_F(1) &&
		    k.code <= (uint32_t)KEY_F(24)) {
			buf_addf(out, "<F%u>", k.code - (uint32_t)KEY_F(0));
			return;
		}
		buf_addf(out, "<key %u>", k.code);
		return;
	}
	switch (k.code) {
	case '\n':
	case '\r': buf_addstr(out, "<Enter>"); return;
	case '\t': buf_addstr(out, "<Tab>"); return;
	case ' ': buf_addstr(out, "<Space>"); return;
	case 27: buf_addstr(out, "<Esc>"); return;
	case '<': buf_addstr(out, "<lt>"); return;
	case 127: buf_addstr(out, "<Backspace>"); return;
	default: break;
	}
	if (k.code < 0x20) {
		buf_addf(out, "<C-%c>", (char)(k.code + 'a' - 1));
		return;
	}
	utf8_encode(out, k.code);
}

/* Keys of a sequence one after another; Esc then a key is M-key. */
static void
seq_name(const struct ui_key *k, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!k[i].fn && k[i].code == 27 && i + 1 < n) {
			struct buf t = BUF_INIT;
			ui_key_name(k[i + 1], &t);
			if (t.data[0] == '<')
				buf_addf(out, "<M-%s", t.data + 1);
			else
				buf_addf(out, "<M-%s>", t.data);
			buf_release(&t);
			i++;
			continue;
		}
		ui_key_name(k[i], out);
	}
}

/* ---------------------------------------------------------------------
 * The help: the map in use, generated
 */
static bool
key_same(struct ui_key a, struct ui_key b)
{
	return a.fn == b.fn && a.code == b.code;
}

static void
help_pane(const struct screen *s, enum ui_pane pane, const char *title,
	  const char *notes, struct buf *out)
{
	struct buf keys = BUF_INIT, t = BUF_INIT;
	/* each line fits the screen: the viewer draws lines as they are */
	int width = s->cols > 10 ? s->cols : 80;

	buf_addf(out, "%s\n", title);
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		const struct action *a = &actions[i];
		struct ui_key k = pane == UI_PANE_INDEX   ? a->index
				  : pane == UI_PANE_PAGER ? a->pager
							  : a->folders;
		if (k.code == 0)
			continue;
		buf_reset(&keys);
		/* bound keys first: they are what the user chose */
		bool shadowed = false;
		for (size_t b = 0; b < s->nbind; b++) {
			const struct binding *bd = &s->bind[b];
			if (bd->pane != pane)
				continue;
			bool alone = bd->n == 1 && key_same(bd->keys[0], k);
			if (alone && (bd->cmd || !key_same(bd->to, k)))
				shadowed = true; /* the key does else now */
			if (bd->cmd || !key_same(bd->to, k) || alone)
				continue;
			if (keys.len)
				buf_addstr(&keys, ", ");
			seq_name(bd->keys, bd->n, &keys);
		}
		if (!shadowed) {
			if (keys.len)
				buf_addstr(&keys, ", ");
			ui_key_name(k, &keys);
		}
		const char *also = pane == UI_PANE_PAGER ? a->also_pager
							 : a->also;
		if (also && pane != UI_PANE_FOLDERS)
			buf_addf(&keys, ", %s", also);
		buf_reset(&t);
		ui_fit(&t, keys.data, keys.len, 24, UI_LEFT);
		buf_reset(&keys);
		buf_addf(&keys, "  %s %-16s %s", t.data, a->name, a->help);
		buf_reset(&t);
		ui_fit(&t, keys.data, keys.len, width, UI_LEFT);
		buf_addf(out, "%s\n", t.data);
	}
	for (size_t b = 0; b < s->nbind; b++) {
		const struct binding *bd = &s->bind[b];
		if (bd->pane != pane || !bd->cmd)
			continue;
		buf_reset(&keys);
		seq_name(bd->keys, bd->n, &keys);
		buf_reset(&t);
		ui_fit(&t, keys.data, keys.len, 24, UI_LEFT);
		buf_reset(&keys);
		buf_addf(&keys, "  %s :", t.data);
		ui_sanitize(&keys, bd->cmd, strlen(bd->cmd), UI_TAB_SPACE);
		buf_reset(&t);
		ui_fit(&t, keys.data, keys.len, width, UI_LEFT);
		buf_addf(out, "%s\n", t.data);
	}
	buf_addstr(out, notes);
	buf_addch(out, '\n');
	buf_release(&keys);
	buf_release(&t);
}

void
scr_help_text(const struct screen *s, struct buf *out)
{
	const char *preset = s->p->cfg->ui.keys;

	buf_addf(out, "postie keys%s%s%s (bound keys first; q or ? leaves)"
		      "\n\n",
		 preset ? " (" : "", preset ? preset : "", preset ? ")" : "");
	help_pane(s, UI_PANE_INDEX, "Index",
		  "  limit: from:X to:X subject:X body:X date:A..B date:7d\n"
		  "         is:unread is:flagged is:replied is:deleted\n"
		  "         has:attachment \"phrases\"; empty or all: all\n",
		  out);
	help_pane(s, UI_PANE_PAGER, "Viewer", "", out);
	/* the parts pane (parts.c) has keys of its own, not bindable */
	static const char *const parts[][2] = {
		{ "j, k, <Up>, <Down>", "next / previous part" },
		{ "<Enter>", "view a text part (others through mailcap)" },
		{ "s", "save the part (Tab completes the path)" },
		{ "o", "open it through mailcap" },
		{ "|", "pipe it to a command, output shown" },
		{ "q, v", "back to the message" },
	};
	struct buf line = BUF_INIT, fit = BUF_INIT;
	buf_addstr(out, "Parts (v in the viewer)\n");
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		buf_reset(&line);
		buf_reset(&fit);
		buf_addf(&line, "  %-24s %s", parts[i][0], parts[i][1]);
		ui_fit(&fit, line.data, line.len, s->cols > 10 ? s->cols : 80,
		       UI_LEFT);
		buf_addf(out, "%s\n", fit.data);
	}
	buf_addch(out, '\n');
	buf_release(&line);
	buf_release(&fit);
	help_pane(s, UI_PANE_FOLDERS, "Folder list",
		  "  l / h                  unfold or open / fold or go to "
		  "the parent\n", out);
	buf_addstr(out, "Composer\n"
			"  y send (asks first without subject or text)\n"
			"  e edit the text ($VISUAL, $EDITOR or built in; "
			"Esc ends the built-in one)\n"
			"  t / c / b / s  edit To / Cc / Bcc / Subject (Enter "
			"keeps, Esc cancels;\n"
			"                 Ctrl-A/E/K/U/W, arrows)\n"
			"  f From (the next account)   a / D  attach / remove "
			"(j, k choose)\n"
			"  p preview   P postpone (R or :recall)   q abort "
			"(asks; the draft is kept)\n"
			"\n");
	buf_addstr(out, "Commands (:)\n"
			"  quit, sync [FOLDER], sort KEY, folder NAME, "
			"theme NAME\n"
			"  compose [mailto:URL], recall, edit-as-new, "
			"forward-attached, flush (send the outbox now)\n"
			"  sort keys: date, arrival, from, subject, size, "
			"thread (reverse-KEY turns it round)\n");
}

/* ---------------------------------------------------------------------
 * Checking the dotfile
 */
static int
pane_of(const char *name, enum ui_pane *out)
{
	if (strcmp(name, "index") == 0)
		*out = UI_PANE_INDEX;
	else if (strcmp(name, "pager") == 0)
		*out = UI_PANE_PAGER;
	else if (strcmp(name, "folders") == 0)
		*out = UI_PANE_FOLDERS;
	else if (strcmp(name, "compose") == 0)
		*out = UI_PANE_COMPOSE;
	else
		return -1;
	return 0;
}

int
ui_binding_check(const char *pane, const char *action, struct perr *e)
{
	static const enum ui_pane all[] = { UI_PANE_INDEX, UI_PANE_PAGER,
					    UI_PANE_FOLDERS };
	struct ui_key k;
	enum ui_pane pn;

	if (action[0] == ':')
		return ui_command_check(action + 1, e);
	if (strcmp(pane, "global") == 0) {
		struct perr ae = PERR_INIT;
		for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
			int r = ui_action_key(action, all[i], &k, &ae);
			if (r == 0)
				return 0;
			if (r < 0) {
				*e = ae;
				return -1;
			}
		}
		return perr_set(e, PERR_CONFIG, "action '%s' means nothing "
				"in any pane", action);
	}
	if (pane_of(pane, &pn) < 0)
		return perr_set(e, PERR_CONFIG, "unknown pane '%s'", pane);
	return ui_action_key(action, pn, &k, e) == 0 ? 0 : -1;
}

size_t
ui_config_check(const struct cfg *c, struct buf *errors,
		struct buf *warnings)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_binds; i++) {
		const struct cfg_bind *b = &c->binds[i];
		struct perr e = PERR_INIT;
		if (ui_binding_check(b->pane, b->action, &e) < 0) {
			buf_addf(errors, "%s:%u: %s\n", c->display_path,
				 b->line, e.msg);
			n++;
		}
	}
	struct theme t = { 0 };
	struct perr te = PERR_INIT;
	char *path = theme_find(c->ui.theme, c->path, &te);
	if (!path && strcmp(c->ui.theme, "default") != 0) {
		buf_addf(warnings, "%s: warning: %s; the default theme will "
			 "be used\n", c->display_path, te.msg);
	} else if (theme_load(&t, c->ui.theme, c, &te) < 0) {
		buf_addf(errors, "%s\n", te.msg);
		n++;
	}
	free(path);
	theme_release(&t);
	return n;
}
