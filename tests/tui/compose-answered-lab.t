#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The flag on the original is set when the answer is delivered, not when
# the first attempt ends: a reply written while Postfix is down waits in
# the outbox with the original's folder, UIDVALIDITY and UID in its
# envelope; the original stays without \Answered; once Postfix is back a
# flush delivers the reply and only then does the original get \Answered
# on the server. A forward gets $Forwarded (Dovecot keeps keywords). A
# reply whose original's folder got another UIDVALIDITY meanwhile sets
# no flag, and the log says why.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
PY=${LAB_PYTHON:-python3}

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=60
mkdir -p "$HOME"
DATA=$XDG_DATA_HOME/postie/lab

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
[account "lab"]
	address = alice@lab.test
	name = Alice
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	send = smtp://127.0.0.1:$LAB_SMTP_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 30s
RC
chmod 600 "$TEST_TMP/rc"

for n in 1 2; do
	printf '%s\r\n' \
		'From: carol@lab.test' \
		'To: alice@lab.test' \
		"Subject: question $n" \
		"Date: Wed, 14 Oct 2026 10:0$n:00 +0800" \
		"Message-ID: <q$n@lab.test>" \
		'' \
		"can you look at $n?" >"$TEST_TMP/q$n.eml"
	sh "$TESTS_DIR/lab/lab.sh" put "$TEST_TMP/lab" alice \
		"$TEST_TMP/q$n.eml" || bail "cannot put the message"
done

# flags UID: the flags of message UID in alice's INBOX
imap() {
	"$PY" - "$@" <<'PY'
import imaplib, os, ssl, sys
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
m.select("INBOX", readonly=True)
print(m.uid("FETCH", sys.argv[2], "(FLAGS)")[1][0].decode())
m.logout()
PY
}
wait_flag() {
	i=0
	until imap flags "$1" 2>/dev/null | grep -qF "$2" || [ $i -ge 100 ]; do
		i=$((i + 1)); sleep 0.2
	done
	imap flags "$1"
}

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen starts" tui_wait "postie: lab"
ok "the INBOX" tui_wait "question 2" 30

# Postfix down
kill "$LAB_POSTFIX_PID"
i=0
while "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $LAB_SMTP_PORT), 1)" 2>/dev/null &&
	[ $i -lt 100 ]; do
	i=$((i + 1)); sleep 0.1
done

# the cursor is on the newest: question 2 (UID 2); go to question 1
tui_keys k r
ok "r: the reply to question 1" tui_wait "Subject:  Re: question 1"
tui_keys y
ok "the first attempt fails" tui_wait "lab: not sent: " 30
ok "it waits in the outbox" tui_wait "outbox: 1 waiting"
meta=$(cat "$DATA"/outbox/meta/* 2>/dev/null)
like "$meta" "orig-account lab" "the envelope names the original's account"
like "$meta" "orig-folder INBOX" "its folder"
ok "its UIDVALIDITY (known, not 0) and UID" \
	sh -c "grep -qE '^orig-uid [1-9][0-9]* 1\$' '$DATA'/outbox/meta/*"
like "$meta" "orig-flag answered" "and the flag to set"
sleep 1
unlike "$(imap flags 1)" "Answered" "not \\Answered after the failed attempt"

lab_restart "$TEST_TMP/lab" >/dev/null 2>&1 || bail "cannot restart the lab"
tui_keys : flush Enter
ok "the flush delivers it" lab_wait_mail "$TEST_TMP/lab" carol 1 60
ok "the status bar count goes" tui_gone "outbox: 1 waiting" 30
like "$(wait_flag 1 Answered)" "\\Answered" \
	"the original is \\Answered on the server after the delivery"
unlike "$(imap flags 2)" "Answered" "the other message is untouched"
is "$(ls "$DATA/sent-flag-original" 2>/dev/null | wc -l | tr -d ' ')" 0 \
	"no flag waits any more"

# a forward of the same message: $Forwarded
tui_keys : forward-attached Enter
ok ":forward-attached" tui_wait "Subject:  Fwd: question 1" 10
tui_keys t 'bob@lab.test' Enter y
ok "no text: asked" tui_wait "send anyway? (y/n)"
tui_keys y
ok "sent" lab_wait_mail "$TEST_TMP/lab" bob 1 30
like "$(wait_flag 1 Forwarded)" "\$Forwarded" \
	"the forwarded message gets \$Forwarded"
unlike "$(imap flags 2)" "Forwarded" "the other message is untouched"

# the original's folder remade (another UIDVALIDITY) while the reply
# waits: the UID may name another message now, so no flag is set
kill "$LAB_POSTFIX_PID"
i=0
while "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $LAB_SMTP_PORT), 1)" 2>/dev/null &&
	[ $i -lt 100 ]; do
	i=$((i + 1)); sleep 0.1
done
tui_gone "is offline" 30 >/dev/null
tui_keys j
ok "question 2 chosen" tui_wait_sel "question 2"
tui_keys r
ok "r: the reply to question 2" tui_wait "Subject:  Re: question 2" 30
tui_keys y
ok "the first attempt fails" tui_wait "lab: not sent: " 30
ok "it waits" tui_wait "outbox: 1 waiting" 30
sh "$TESTS_DIR/lab/lab.sh" doveadm "$TEST_TMP/lab" mailbox update \
	--uid-validity 4242 -u alice INBOX ||
	bail "cannot change the UIDVALIDITY"
lab_restart "$TEST_TMP/lab" >/dev/null 2>&1 || bail "cannot restart the lab"
tui_keys : flush Enter
ok "the flush delivers it" lab_wait_mail "$TEST_TMP/lab" carol 2 60
ok "the status bar count goes" tui_gone "outbox: 1 waiting" 30
i=0
until grep -q "UIDVALIDITY of 'INBOX' changed" \
	"$XDG_STATE_HOME/postie/postie.log" 2>/dev/null || [ $i -ge 100 ]; do
	i=$((i + 1)); sleep 0.2
done
like "$(grep 'flag original' "$XDG_STATE_HOME/postie/postie.log")" \
	"the UIDVALIDITY of 'INBOX' changed (4242, was " \
	"a changed UIDVALIDITY: skipped, with a log line"
unlike "$(imap flags 2)" "Answered" "and no flag set on UID 2"
is "$(ls "$DATA/sent-flag-original" 2>/dev/null | wc -l | tr -d ' ')" 0 \
	"nothing left waiting for it"

tui_keys q
ok "q quits" tui_wait "postie exited: 0"
done_testing
