#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Address completion in the composer, on the demo account in tmux: Tab in
# To completes a name or address from the addresses the index has seen
# (a CJK name shown with its address), expands an alias from the aliases
# file into its addresses, cycles through several matches on further
# Tabs, and says so when nothing matches; the field keeps what was
# typed before the address being completed. Then [bind "compose"]: a
# key bound to a composer action works in the composer, and the same key
# typed into a field is only text.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
chmod 600 "$D/postierc"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/postie"
cat >"$XDG_CONFIG_HOME/postie/aliases" <<'AL'
# the project team
alias team 王五 <wangwu@qq.com>, zhao@example.org
AL

tui_start 120 40 -F "$D/postierc"
ok "the index shows" tui_wait "postie: demo | INBOX"
ok "the index is built" tui_wait "周杰" 20

tui_keys m t
ok "m opens the composer" tui_wait "From:     Demo <demo@postie.example>"
tui_keys 'zhou' Tab
ok "Tab completes a name seen in the index" \
	tui_wait "To:       周杰 <zhoujie@qq.com>"
ok "it says it was the only match" tui_wait "the only match"
tui_keys ', team' Tab
ok "an alias expands to its first address" tui_wait "wangwu@qq.com" 5
ok "and its second" tui_wait "zhao@example.org"
ok "what was there before stays" tui_wait "To:       周杰 <zhoujie@qq.com>, "
tui_keys Enter

tui_keys t C-u 'w' Tab
ok "several matches: the first, and how many" tui_wait "1 of " 5
first=$(tui_screen | sed -n 's/^To:  *//p' | head -1)
tui_keys Tab
ok "Tab again: the second" tui_wait "2 of " 5
second=$(tui_screen | sed -n 's/^To:  *//p' | head -1)
ok "the field shows another address" test -n "$second" -a "$first" != "$second"
tui_keys C-u 'qqqqzz' Tab
ok "no match is said" tui_wait "no address matches 'qqqqzz'" 5
like "$(tui_screen)" "To:       qqqqzz" "and the text typed stays"
tui_keys Escape
tui_keys q
tui_wait "abort" 5 >/dev/null
tui_keys y
tui_keys q
tui_wait "postie exited" 10 >/dev/null
tui_stop

cp "$D/postierc" "$D/bound"
cat >>"$D/bound" <<'RC'

[bind "compose"]
	<C-t> = edit-to
	x = edit-subject
RC
chmod 600 "$D/bound"
is "$("$POSTIE" -F "$D/bound" config check 2>&1 | grep -c error)" 0 \
	"config check takes the composer's actions"
printf '[bind "compose"]\n\tx = sned\n' >"$D/bad"
chmod 600 "$D/bad"
like "$("$POSTIE" -F "$D/bad" config check 2>&1)" "did you mean 'send'" \
	"a misspelt composer action is a config error with a did-you-mean"

tui_start 120 40 -F "$D/bound"
ok "the index shows again" tui_wait "postie: demo | INBOX"
tui_keys m Escape
ok "the composer opens" tui_wait "From:     Demo <demo@postie.example>" 5
tui_keys C-t 'ax@example.org' Enter
ok "C-t, bound to edit-to, edits To" tui_wait "To:       ax@example.org" 5
tui_keys x 'fix x' Enter
ok "x, bound to edit-subject, edits the subject; x typed there is text" \
	tui_wait "Subject:  fix x" 5

done_testing
