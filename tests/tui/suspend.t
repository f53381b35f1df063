#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Ctrl-Z and fg from an interactive shell: the screen gives the terminal
# back to the shell when suspended (the prompt shows, the alternate
# screen is off) and draws itself again on resume; q then returns to the
# shell prompt.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
command -v bash >/dev/null || bail "bash is needed for job control"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
chmod 600 "$D/postierc"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
mkdir -p "$HOME"

tui_tmux -f /dev/null new-session -d -s "$TUI_SESSION" -x 100 -y 30 \
	"env PS1='PROMPT\$ ' TERM=screen-256color LANG=C.UTF-8 TZ=UTC bash --norc --noprofile -i"
at_exit tui_stop
ok "the shell starts" tui_wait 'PROMPT$'
tui_keys "$POSTIE -F $D/postierc" Enter
ok "postie starts" tui_wait "postie: demo | INBOX"
ok "with its index" tui_wait "合同修改意见"
is "$(tui_alternate)" 1 "the screen is on the alternate screen"
tui_keys C-z
ok "Ctrl-Z: the shell says it stopped" tui_wait "Stopped"
is "$(tui_alternate)" 0 "suspended: the alternate screen is off"
ok "suspended: postie's screen is gone" tui_gone "postie: demo | INBOX" 3
tui_keys fg Enter
ok "fg: the screen is drawn again" tui_wait "postie: demo | INBOX"
is "$(tui_alternate)" 1 "resumed: back on the alternate screen"
tui_keys j
ok "resumed: keys work" tui_wait "postie: demo | INBOX"
tui_keys q y
ok "q y: postie ends" tui_gone "postie: demo | INBOX" 5
is "$(tui_alternate)" 0 "the terminal is given back"
tui_keys 'echo "status $?"' Enter
ok "exit status 0 at the prompt" tui_wait "status 0"

done_testing
