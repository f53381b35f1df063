#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A query-command that hangs never holds the composer: Tab in To waits
# for it a moment, completes from what the index has seen, and says the
# command has not answered yet; what is typed next shows at once. When
# the command has run over its timeout it is reported once and not run
# again for this message, so later Tabs answer at once.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$D/"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
mkdir -p "$HOME"
cat >"$D/query" <<'SH'
#!/bin/sh
for a; do last=$a; done
echo "$last" >>"$0.log"
echo 'Searching'
exec sleep 30
SH
chmod 700 "$D/query"
cat >"$D/rc" <<RC
[ui]
	confirm-quit = no
	query-command = "$D/query"
[account "demo"]
	address = demo@postie.example
	name = Demo
	receive = maildir:Maildir
RC
chmod 600 "$D/rc"

tui_start 120 40 -F "$D/rc"
ok "the index shows" tui_wait "postie: demo | INBOX"
ok "the index is built" tui_wait "周杰" 20

tui_keys m t
ok "m opens the composer" tui_wait "From:     Demo <demo@postie.example>"
t0=$(date +%s%3N)
tui_keys 'zhou' Tab
ok "Tab completes from the index while the command hangs" \
	tui_wait "To:       周杰 <zhoujie@qq.com>" 5
t1=$(date +%s%3N)
diag "compose-query: Tab answered in $((t1 - t0)) ms with the command hanging"
ok "the Tab did not wait for the hanging command ($((t1 - t0)) ms)" \
	test $((t1 - t0)) -lt 2500
ok "the command was started" test -s "$D/query.log"
tui_keys ', ab'
ok "typing goes on at once" tui_wait "zhoujie@qq.com>, ab" 2
# the command's timeout is 3 s: the next Tab after it tells the failure
sleep 3.5
tui_keys Tab
ok "the timeout is told once" tui_wait "did not finish within 3000 ms" 5
runs=$(wc -l <"$D/query.log")
tui_keys C-u 'zhou' Tab
ok "later Tabs complete at once" tui_wait "To:       周杰 <zhoujie@qq.com>" 5
is "$(wc -l <"$D/query.log")" "$runs" "and the command is not run again"
tui_keys Escape
tui_keys q
tui_wait "abort" 5 >/dev/null
tui_keys y
tui_keys q
ok "postie quits" tui_wait "postie exited" 10
tui_stop

done_testing
