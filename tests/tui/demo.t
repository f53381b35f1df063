#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The screen on the demo account, in tmux: the index from the local
# Maildir with GBK, Foxmail raw-GBK and Big5 subjects decoded, the thread
# tree, a GBK message and the HTML-only newsletter opened, search with /
# and n, a flag set (on screen and in the Maildir file name), a folder
# changed by name and through the folder list, the layout after a resize,
# the : commands, [bind] entries, and q giving the terminal back; SIGTERM restores it
# too. hostile-42: escape sequences in a subject and a sender are shown
# as text and change nothing on the terminal.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
cat >>"$D/postierc" <<'RC'
[bind "index"]
	x = flag
	zz = first
[bind "pager"]
	<C-n> = next
[bind "global"]
	<F2> = help
RC
chmod 600 "$D/postierc"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
mkdir -p "$HOME"

# hostile-42: a message whose subject and sender try to set the terminal
# title, clear the screen and move the cursor
printf 'From: "Evil \033]0;owned\007" <e@x>\nSubject: hi \033[2J\033[H\233' \
	>"$D/Maildir/new/1790000000.hostile.demo"
printf '31m red\nDate: Sun, 01 Nov 2026 00:00:00 +0000\n\nbody \033]52;c;AAAA\007\n' \
	>>"$D/Maildir/new/1790000000.hostile.demo"

tui_start 120 40 -F "$D/postierc"
ok "the index shows" tui_wait "postie: demo | INBOX"
ok "a GB2312 subject decoded" tui_wait "关于下周项目评审的安排"
ok "a Foxmail raw GBK subject and sender decoded" tui_wait "刘洋"
ok "the Foxmail subject" tui_wait "合同修改意见"
ok "a Big5 subject decoded" tui_wait "訂單出貨通知"
ok "an ISO-2022-JP subject decoded" tui_wait "打ち合わせの日程について"
ok "the thread tree is drawn" tui_wait "└─>Re: 周末爬山"
ok "the folder list with unread/total" tui_wait "INBOX            9/31"
ok "Sent in the folder list" tui_wait " Sent "
like "$(tui_screen | sed -n 2p)" "Oct 14" "oldest first in thread order"
ok "hostile-42: the escapes in a subject are shown as text" \
	tui_wait "hi ^[[2J^[[H"
ok "hostile-42: and in a sender" tui_wait "Evil ^[]0;owned^G"
is "$(tui_tmux display -p -t "$TUI_SESSION" '#{pane_title}' | grep -c owned)" 0 \
	"hostile-42: the terminal title is not changed"
ok "the cursor starts on the newest message" tui_wait_sel "hi ^\[\[2J"
log=$XDG_STATE_HOME/postie/postie.log
ok "the log has the time to the first screen" \
	grep -q "messages of the start folder drawn" "$log"
sed -n 's/.*\(screen: .*\)/# demo: \1/p' "$log"

# moving
tui_keys g
ok "g: cursor on the first" tui_wait_sel "关于下周项目评审的安排"
tui_keys j j
ok "j j: two down" tui_wait_sel "合同修改意见"
tui_keys k
ok "k: one up" tui_wait_sel "课程安排"
tui_keys G
ok "G: the last" tui_wait_sel "hi ^\[\[2J"

# bindings from the dotfile
tui_keys z z
ok "[bind] zz = first" tui_wait_sel "关于下周项目评审的安排"
tui_keys x
ok "[bind] x = flag" tui_wait_sel "│ !  .*关于下周项目评审的安排"
tui_keys x
ok "x again unflags" tui_wait_sel "│    .*关于下周项目评审的安排"
tui_keys F2
ok "[bind global] <F2> = help" tui_wait "postie keys"
tui_keys q

# a GBK message
tui_keys g Enter
ok "Enter opens the GBK message" tui_wait "各位同事："
ok "its body in Chinese" tui_wait "下周三（11月25日）下午两点在三楼会议室进行项目评审"
ok "its From decoded" tui_wait "From: 李娜 <lina@163.com>"
tui_keys C-n
ok "[bind pager] <C-n> = next message" tui_wait "Subject: 课程安排（第三周调整）"
tui_keys q
ok "q goes back to the index" tui_wait "postie: demo | INBOX"

# search, then the HTML-only newsletter
tui_keys / "Postie Weekly" Enter
ok "search prompt accepted" tui_wait "/Postie Weekly" 3
ok "/ moves to the match" tui_wait_sel "Postie Weekly: threads"
tui_keys Enter
ok "the HTML-only message as text" tui_wait "This week: faster folder lists"
ok "its list" tui_wait "Threads now show tree lines"
ok "its Chinese line" tui_wait "本周新增：中文邮件显示更准确。"
unlike "$(tui_screen)" "<p>" "no HTML tags on screen"
tui_keys q
ok "back, the newsletter now read" tui_wait "31 messages, 8 new"

tui_keys / 爬山 Enter
ok "search in Chinese finds the thread's first message" \
	tui_wait_sel "周杰 *周末爬山"
tui_keys n n
ok "n n: the second reply" tui_wait_sel "孙丽 *└─>Re: 周末爬山"
tui_keys p
ok "p: back to the first reply" tui_wait_sel "吴磊 *└─>Re: 周末爬山"

# flag it
tui_keys F
ok "F: the flag column shows !" tui_wait_sel "│ !  .*吴磊"
n=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	n=$(ls "$D/Maildir/cur" | grep -c ':2,FS$')
	[ "$n" -ge 3 ] && break
	sleep 0.2
done
is "$n" 3 "the flag is written to the Maildir file name"
tui_keys F
ok "F again clears it" tui_wait_sel "│    .*吴磊"

# folders
tui_keys c Sent Enter
ok "c: change folder by name" tui_wait "postie: demo | Sent | 2 messages"
ok "the Sent folder's messages" tui_wait "Re: Lunch on Thursday?"
ok "Sent shows whom mail went to" tui_wait "To maria@example.com"
tui_keys Tab j Enter
ok "Tab, j, Enter: the folder after Sent in the list" \
	tui_wait "postie: demo | Trash"
tui_keys : "folder INBOX" Enter
ok ":folder INBOX" tui_wait "postie: demo | INBOX"
tui_keys : "sort reverse-date" Enter
ok ":sort reverse-date" tui_wait "sort: reverse-date"
like "$(tui_screen | sed -n 3p)" "Your talk was accepted" \
	"newest first after :sort reverse-date"
tui_keys : nonsense Enter
ok "an unknown command says so" tui_wait "unknown command 'nonsense'"
tui_keys '?'
ok "? lists the keys" tui_wait "search (as the limit l reads it)"
tui_keys q

# resize
tui_tmux resize-window -t "$TUI_SESSION" -x 70 -y 15
ok "resized: the bar is redrawn" tui_wait "postie: demo | INBOX"
wide=$(tui_screen | LC_ALL=C.UTF-8 wc -L)
ok "no line wider than 70 columns ($wide)" test "$wide" -le 70
ok "the folder list goes when the index would be too narrow" \
	tui_gone "8/30" 3
lines=$(tui_screen | wc -l)
is "$lines" 15 "15 lines"
tui_tmux resize-window -t "$TUI_SESSION" -x 120 -y 40
ok "back to 120x40: the folder list returns" tui_wait "Lists.postie-dev"

# quit
tui_keys q
ok "q asks first (confirm-quit)" tui_wait "Quit postie? (y/n)"
tui_keys n
ok "n stays" tui_gone "Quit postie?" 3
tui_keys q y
ok "q y quits" tui_wait "postie exited: 0"
is "$(tui_alternate)" 0 "the terminal left the alternate screen"
tui_stop

# SIGTERM gives the terminal back too (on a server of its own: the old
# one may still be going away)
TUI_SOCK=$TUI_SOCK-2
tui_start 100 30 -F "$D/postierc"
ok "started again" tui_wait "postie: demo | INBOX"
pid=$(pgrep -f "^$POSTIE -F $D/postierc" | head -1)
ok "found postie's pid" test -n "$pid"
kill -TERM "$pid"
ok "SIGTERM: postie ends cleanly" tui_wait "postie exited: 0"
is "$(tui_alternate)" 0 "SIGTERM: the alternate screen is off"

done_testing
