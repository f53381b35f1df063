#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The screen on a POP3 account of the lab's real Dovecot, over STLS: it
# starts with no index, the account worker downloads the mail into the
# local Maildir behind the screen and the INBOX appears; a GBK message
# and an HTML-only one read right in the viewer; mail that arrives later
# comes with the sync key; a message read and one flagged stay so across
# a restart (POP3 has no flags on the server: they are the local index's);
# the messages stay on the server ("leave", the default).

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
LAB=$TESTS_DIR/lab/lab.sh
PY=${LAB_PYTHON:-python3}

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=30
mkdir -p "$HOME"

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
[account "pop"]
	address = bob@lab.test
	receive = pop3://127.0.0.1:$LAB_POP3_PORT
	user = bob
	password = $LAB_PASS_bob
	ca-file = $LAB_CA
	poll = 0
RC
chmod 600 "$TEST_TMP/rc"

# GBK body and subject, no charset on the subject's words but RFC 2047
printf 'From: =?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>\r\nTo: bob@lab.test\r\nSubject: =?GBK?B?1tDOxNb3zOI=?= pop\r\nDate: Mon, 23 Nov 2026 09:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\304\343\272\303\243\254\325\342\312\307\322\273\267\342\262\342\312\324\323\312\274\376\241\243\r\n' >"$TEST_TMP/m1"
printf 'From: news@lab.test\r\nTo: bob@lab.test\r\nSubject: html only\r\nDate: Mon, 23 Nov 2026 09:05:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<html><body><p>Hello <b>reader</b></p><ul><li>first point</li></ul></body></html>\r\n' >"$TEST_TMP/m2"
ok "store the GBK message" sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m1"
ok "store the HTML message" sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m2"

server_count() {
	"$PY" - <<'PY'
import os, poplib, ssl
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
p = poplib.POP3_SSL("127.0.0.1", int(os.environ["LAB_POP3S_PORT"]),
                    context=ctx)
p.user("bob")
p.pass_(os.environ["LAB_PASS_bob"])
print(p.stat()[0])
p.quit()
PY
}

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen starts before any index exists" tui_wait "postie: pop"
ok "the worker's download brings INBOX" tui_wait "postie: pop | INBOX" 30
ok "the GBK subject decoded in the index" tui_wait "中文主题 pop" 10
ok "the HTML message in the index" tui_wait "html only"
ok "two messages, both new" tui_wait "2 messages, 2 new" 10

tui_keys c INBOX Enter
tui_keys g Enter
ok "the GBK message opens" tui_wait "Subject: 中文主题 pop" 10
ok "its GBK body decoded" tui_wait "你好，这是一封测试邮件。" 5
ok "the sender's name decoded" tui_wait "张三"
tui_keys q G Enter
ok "the HTML-only message opens" tui_wait "Subject: html only" 10
ok "as readable text" tui_wait "Hello reader" 5
ok "its list item" tui_wait "first point"
unlike "$(tui_screen)" "<b>" "no HTML tags on screen"
tui_keys q

# mail that arrives while the screen is up comes with the sync key
printf 'From: carol@lab.test\r\nTo: bob@lab.test\r\nSubject: arrived later\r\n\r\nlate\r\n' >"$TEST_TMP/m3"
ok "store a third message" sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m3"
tui_keys '$'
ok "the sync key downloads it" tui_wait "arrived later" 20
ok "the status bar counts three" tui_wait "3 messages" 5

# a flag on the message under the cursor
tui_keys g F
ok "F flags the GBK message on screen" tui_wait_sel "│ !  .*中文主题 pop" 5
sleep 1
tui_keys q
ok "q quits" tui_wait "postie exited: 0" 10
tui_stop

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen comes back from the store" tui_wait "中文主题 pop" 10
row() { tui_screen | grep -F "$1"; }
ok "the flag stayed across the restart" sh -c "echo '$(row '中文主题 pop')' | grep -q '│ !  '"
ok "the HTML message read stays read" sh -c "echo '$(row 'html only')' | grep -q '│    '"
ok "the unread one stays new" sh -c "echo '$(row 'arrived later')' | grep -q '│N   '"
is "$(server_count)" 3 "the messages stay on the server (leave)"
tui_keys q
ok "q quits again" tui_wait "postie exited: 0" 10

done_testing
