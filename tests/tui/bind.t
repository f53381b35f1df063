#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Key bindings on the demo account, in tmux: a key bound to an action
# and a key bound to a : command line take effect; the vim preset's gg
# goes to the top and G to the bottom, and N searches back; the emacs
# preset's <C-n>, <C-v> and <M-<>; the dotfile's bindings win over a
# preset's; ? shows the map in use; `postie config check` refuses an
# unknown action or command with a did-you-mean.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$D/"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/home/.config"
mkdir -p "$HOME"

# until the line under the cursor no longer matches PATTERN
sel_moved_from() {
	end=$(( $(date +%s) + 5 ))
	while tui_selected | grep -q -- "$1"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}

# rc [UI-LINES] [BIND-LINES]
rc() {
	{
		printf '[ui]\nsort = thread\nfolder-width = 22\n%s\n' "$1"
		printf '[account "demo"]\naddress = demo@postie.example\n'
		printf 'receive = maildir:Maildir\nassumed-charset = gb18030\n'
		printf '%s\n' "${2:-}"
	} >"$D/postierc"
	chmod 600 "$D/postierc"
}

runs=0
start() {
	tui_stop
	runs=$((runs + 1))
	TUI_SOCK=postie-test-$$-$runs
	# 20 rows: a page (17 lines) is shorter than the folder
	tui_start 120 20 -F "$D/postierc"
	tui_wait "postie: demo | INBOX" || return 1
	tui_wait "demo: synced" 10
}

# --- an action and a command line
rc "" '[bind "index"]
	X = :sort subject
	<C-t> = ":sort reverse-date"
	x = flag
	q = help'
ok "config check accepts command bindings" "$POSTIE" -F "$D/postierc" config check
start || bail "postie did not start"
tui_keys g
ok "g: the first message in thread order" tui_wait_sel "关于下周项目评审的安排"
tui_keys x
ok "x = flag: the flag column shows !" tui_wait_sel "│ !  .*关于下周项目评审的安排"
tui_keys X
ok "X = :sort subject runs the command" tui_wait "sorted by subject"
ok "the status bar says so" tui_wait "sort: subject"
tui_keys C-t
ok "<C-t> = \":sort reverse-date\" (quoted)" tui_wait "sort: reverse-date"
tui_keys q
ok "q = help: the binding wins over quit" tui_wait "postie keys"
ok "the help lists the bound key first" tui_wait "x, F "
# help_find TEXT: page through the help from its top until TEXT shows
help_find() {
	tui_keys g
	for _ in 1 2 3 4 5; do
		tui_wait "$1" 1 >/dev/null 2>&1 && return 0
		tui_keys Space
	done
	tui_wait "$1" 1
}
ok "the help lists the command binding" help_find ":sort subject"
ok "and the other one" help_find "<C-t>"
unlike "$(tui_screen | grep ' quit ')" " q " "q is not listed for quit any more"
tui_keys i
tui_wait "postie: demo | INBOX"
tui_keys :quit Enter
ok "postie quits by :quit" tui_wait "postie exited: 0"

# --- the vim preset
rc "keys = vim" '[bind "index"]
	U = sync'
start || bail "postie did not start with keys = vim"
tui_keys g g
ok "vim: gg goes to the top" tui_wait_sel "关于下周项目评审的安排"
tui_keys G
ok "vim: G goes to the bottom" tui_wait_sel "Your talk was accepted"
tui_keys g g
tui_wait_sel "关于下周项目评审的安排"
tui_keys C-d
ok "vim: <C-d> a page down" sel_moved_from "关于下周项目评审的安排"
is "$(tui_selected | grep -c 'Your talk was accepted')" 0 \
	"  a page, not to the end"
tui_keys / 爬山 Enter
tui_wait_sel "周杰 *周末爬山"
tui_keys n n
ok "vim: n searches on" tui_wait_sel "孙丽 *└─>Re: 周末爬山"
tui_keys N
ok "vim: N searches back" tui_wait_sel "吴磊 *└─>Re: 周末爬山"
tui_keys U
ok "the dotfile's U = sync wins over the preset's toggle-new" \
	tui_wait "demo: synced"
tui_keys '?'
ok "the help names the preset" tui_wait "postie keys (vim)"
ok "and shows gg for first" tui_wait "gg, g, <Home>"
tui_keys q
tui_keys Z Z
ok "vim: ZZ asks to quit" tui_wait "Quit postie? (y/n)"
tui_keys y
ok "and quits" tui_wait "postie exited: 0"

# --- the emacs preset
rc "keys = emacs"
start || bail "postie did not start with keys = emacs"
tui_keys M-\<
ok "emacs: M-< goes to the top" tui_wait_sel "关于下周项目评审的安排"
tui_keys C-n C-n
ok "emacs: C-n C-n two down" tui_wait_sel "合同修改意见"
tui_keys C-p
ok "emacs: C-p one up" tui_wait_sel "课程安排"
tui_keys M-\>
ok "emacs: M-> goes to the bottom" tui_wait_sel "Your talk was accepted"
tui_keys M-\<
tui_wait_sel "关于下周项目评审的安排"
tui_keys C-v
ok "emacs: C-v a page down" sel_moved_from "关于下周项目评审的安排"
tui_keys M-v
ok "emacs: M-v a page up" tui_wait_sel "关于下周项目评审的安排"
tui_keys M-\< Enter
ok "the viewer opens" tui_wait "各位同事："
tui_keys C-g
ok "emacs: C-g leaves the viewer" tui_wait "postie: demo | INBOX"

# --- faults at config check
rc "" '[bind "index"]
	x = falg
	Y = ":srot date"
[bind "folders"]
	s = search'
"$POSTIE" -F "$D/postierc" config check >/dev/null 2>"$TEST_TMP/err"
is "$?" 78 "config check refuses bad bindings (exit 78)"
err=$(cat "$TEST_TMP/err")
like "$err" "postierc:10: unknown action 'falg'; did you mean 'flag'?" \
	"an unknown action, its line and a guess"
like "$err" "postierc:11: unknown command ':srot'; did you mean ':sort'?" \
	"an unknown command, its line and a guess"
like "$err" "postierc:13: action 'search' means nothing in the folder list" \
	"an action the pane does not have"
rc "keys = vi"
"$POSTIE" -F "$D/postierc" config check >/dev/null 2>"$TEST_TMP/err"
like "$(cat "$TEST_TMP/err")" "expected default, vim or emacs, got 'vi'" \
	"an unknown preset"

done_testing
