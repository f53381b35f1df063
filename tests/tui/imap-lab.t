#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The screen on an IMAP account of the lab's real Dovecot: it starts with
# no index, the account worker syncs behind the screen and the INBOX
# appears; mail delivered through the lab's Postfix shows after the sync
# key ($) and opens with its body fetched on demand; the screen answers
# keys while the worker fetches a folder of 3,000 messages; F sets the
# flag on the server. The screen itself never opens a connection.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
LABMAIL=$TESTS_DIR/lab/labmail.py
PY=${LAB_PYTHON:-python3}

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=30
mkdir -p "$HOME"

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
[account "lab"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 0
RC
chmod 600 "$TEST_TMP/rc"

send_to_alice() {
	printf 'From: bob@lab.test\r\nTo: alice@lab.test\r\nSubject: %s\r\n\r\nhello\r\n' "$1" |
		"$PY" "$LABMAIL" smtp-send bob starttls plain bob@lab.test \
			alice@lab.test
}

ok "send the first message" send_to_alice "=?GBK?B?1tDOxNb3zOI=?= one"
ok "delivered" lab_wait_mail "$LAB_DIR" alice 1 20

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen starts before any index exists" tui_wait "postie: lab"
ok "the worker's sync brings INBOX" tui_wait "postie: lab | INBOX" 30
ok "the first message, GBK subject decoded" tui_wait "中文主题 one" 10
ok "the folder list from the server" tui_wait "Drafts"

ok "send the second message" send_to_alice "second from the lab"
ok "delivered" lab_wait_mail "$LAB_DIR" alice 2 20
tui_keys '$'
tui_keys '?'
ok "the screen answers a key while the worker syncs" \
	tui_wait "postie keys" 3
tui_keys q
ok "after the sync key the new mail is on screen" \
	tui_wait "second from the lab" 30
ok "the status bar counts it" tui_wait "2 messages, 2 new"
tui_keys G Enter
ok "a message not yet downloaded opens with what the index has" \
	tui_wait "Subject: second from the lab"
ok "the worker fetches its body and the viewer shows it" \
	tui_wait "hello" 20
ok "the note about fetching goes" tui_gone "[fetching the message...]" 5
tui_keys q

# A folder of 3,000 messages, written straight into alice's Maildir: the
# screen must keep answering while the worker fetches their summaries.
"$PY" - "$LAB_MAILDIR_alice" 3000 <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
os.makedirs(md + "/.Big/cur", exist_ok=True)
open(md + "/.Big/maildirfolder", "w").close()
now = int(time.time())
for i in range(1, n + 1):
    with open("%s/.Big/cur/%d.M%dP2.t:2," % (md, now, i), "wb") as f:
        f.write(("From: z%d@x\r\nSubject: bulk %d\r\n\r\n%s" %
                 (i, i, "text\r\n" * 20)).encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_alice" 2>/dev/null
tui_keys '$'
ok "the sync of the big folder shows in the status bar" \
	tui_wait "| syncing" 10
tui_keys '?'
ok "the help opens while it syncs" tui_wait "postie keys" 2
ok "and the sync was still going" tui_wait "| syncing" 1
tui_keys q
ok "the index answers too" tui_wait "postie: lab | INBOX" 2
ok "the sync ends" tui_gone "| syncing" 60
tui_keys c Big Enter
ok "the big folder is there, whole" tui_wait "postie: lab | Big | 3000 messages" 10

# a flag goes to the server
tui_keys c INBOX Enter G F
ok "F flags the message on screen" tui_wait_sel "│ !  .*second from the lab"
flags() {
	"$PY" - <<'PY'
import imaplib, os, ssl
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
m.select("INBOX", readonly=True)
print(m.uid("FETCH", "2", "(FLAGS)")[1][0].decode())
m.logout()
PY
}
i=0
until flags | grep -q Flagged || [ $i -ge 50 ]; do i=$((i + 1)); sleep 0.2; done
like "$(flags)" "\\Flagged" "the server has \\Flagged on it"
tui_keys '$'
ok "after a sync" tui_gone "| syncing" 30
ok "the flag stays" tui_wait_sel "│ !  .*second from the lab"

tui_keys q
ok "q quits" tui_wait "postie exited: 0"
is "$(tui_alternate)" 0 "the terminal left the alternate screen"

done_testing
