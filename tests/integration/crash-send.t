#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostile-48, sending: postie send is killed with SIGKILL at each step
# after the SMTP server's 250 (through the lab's real Postfix, delivered
# into bob's Maildir by Dovecot) and its copy to the IMAP server's Sent.
# The rules checked after the restart:
#
#   - nothing is lost: the message is in the outbox or in the local Sent
#     (and, once the copy is made, in the server's Sent);
#   - a message is never sent twice silently: after a kill between the
#     250 and the move to Sent, the outbox lists it as "unknown" and
#     "postie outbox flush --due" (what a timer runs) leaves it alone;
#     only an explicit "postie outbox flush" sends it again, saying that
#     this may make a duplicate; bob's Maildir is counted to prove it;
#   - the copy in the server's Sent is made once the message is in the
#     local Sent, even when the kill came before it, and only once: after
#     a kill between the server's OK to the APPEND and the removal of the
#     marker, the next flush finds the copy by its Message-ID; the
#     message itself is never sent again for the sake of its copy.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=20
mkdir -p "$HOME"

cat >"$TEST_TMP/rc" <<RC
[account "a"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	send = smtp://127.0.0.1:$LAB_SMTP_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
RC
chmod 600 "$TEST_TMP/rc"

cat >"$TEST_TMP/peer.py" <<'PY'
import imaplib, os, ssl, sys

ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
m.select("Sent", readonly=True)
typ, data = m.search(None, "SUBJECT", '"%s"' % sys.argv[1])
print(len(data[0].split()) if data and data[0] else 0)
m.logout()
PY

# delivered SUBJECT: how many copies Postfix delivered into bob's Maildir
delivered() {
	grep -l "^Subject: $1\$" "$LAB_MAILDIR_bob"/new/* \
		"$LAB_MAILDIR_bob"/cur/* 2>/dev/null | wc -l | tr -d ' '
}
# settle SUBJECT N: wait until bob has N copies, then a little longer
# so that a copy still in flight would show
settle() {
	i=0
	while [ "$(delivered "$1")" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	sleep 2
	delivered "$1"
}
server_sent() {
	python3 "$TEST_TMP/peer.py" "$1" 2>&1
}
OB=$XDG_DATA_HOME/postie/a/outbox
SENT=$XDG_DATA_HOME/postie/a/sent
MARKS=$XDG_DATA_HOME/postie/a/sent-server-copy
local_sent() {
	grep -l "^Subject: $1" "$SENT"/cur/* "$SENT"/new/* 2>/dev/null |
		wc -l | tr -d ' '
}
in_outbox() {
	grep -l "^Subject: $1" "$OB"/new/* 2>/dev/null | wc -l | tr -d ' '
}
send_killed() {
	# in a subshell, whose report of the kill goes to the file too
	(echo "body of $2" | POSTIE_CRASHPOINT=$1 "$POSTIE" -F "$TEST_TMP/rc" \
		send -s "$2" bob@lab.test) >"$TEST_TMP/out" 2>&1
	is "$?" 137 "$1: postie send dies by SIGKILL"
}

# --- killed after the 250, before the move to Sent -------------------
S=crash-after-250
send_killed smtp.after-250 $S
is "$(settle $S 1)" 1 "smtp.after-250: bob got the message once"
is "$(in_outbox $S)" 1 "smtp.after-250: still in the outbox"
is "$(local_sent $S)" 0 "smtp.after-250: not in the local Sent"
list=$("$POSTIE" -F "$TEST_TMP/rc" outbox list 2>&1)
like "$list" "unknown" "smtp.after-250: the outbox lists it as unknown"
like "$("$POSTIE" -F "$TEST_TMP/rc" outbox show 1 2>&1)" \
	"next try:  when you run 'postie outbox flush'" \
	"smtp.after-250: outbox show says only an explicit flush sends it"
"$POSTIE" -F "$TEST_TMP/rc" outbox flush --due >"$TEST_TMP/out" 2>&1
like "$(cat "$TEST_TMP/out")" "not sent again by --due" \
	"smtp.after-250: flush --due says why it leaves it"
is "$(settle $S 1)" 1 "smtp.after-250: flush --due does not send it again"
is "$(in_outbox $S)" 1 "smtp.after-250: and keeps it in the outbox"
"$POSTIE" -F "$TEST_TMP/rc" outbox flush >"$TEST_TMP/out" 2>&1
is "$?" 0 "smtp.after-250: an explicit flush sends it"
like "$(cat "$TEST_TMP/out")" "may already have been delivered" \
	"smtp.after-250: saying it may make a duplicate"
is "$(settle $S 2)" 2 "smtp.after-250: bob has the duplicate he was warned of"
is "$(in_outbox $S)" 0 "smtp.after-250: the outbox is empty"
is "$(local_sent $S)" 1 "smtp.after-250: in the local Sent once"
is "$(server_sent $S)" 1 "smtp.after-250: one copy in the server's Sent"

# --- killed after the move to Sent, before the side file went --------
S=crash-after-sent
send_killed outbox.after-sent $S
is "$(settle $S 1)" 1 "outbox.after-sent: bob got the message once"
is "$(in_outbox $S)" 0 "outbox.after-sent: not in the outbox"
is "$(local_sent $S)" 1 "outbox.after-sent: in the local Sent"
unlike "$("$POSTIE" -F "$TEST_TMP/rc" outbox list 2>&1)" "$S" \
	"outbox.after-sent: the leftover side file lists nothing"
is "$(server_sent $S)" 0 "outbox.after-sent: no copy in the server's Sent yet"
is "$(ls "$MARKS" | wc -l | tr -d ' ')" 1 \
	"outbox.after-sent: the copy is marked as due"
"$POSTIE" -F "$TEST_TMP/rc" outbox flush >"$TEST_TMP/out" 2>&1
is "$?" 0 "outbox.after-sent: the next flush succeeds"
is "$(server_sent $S)" 1 "outbox.after-sent: and makes the server's copy"
is "$(settle $S 1)" 1 "outbox.after-sent: bob still has it once"

# --- killed after the APPEND to the server's Sent, marker still there -
S=crash-after-append
send_killed sent.after-append $S
is "$(settle $S 1)" 1 "sent.after-append: bob got the message once"
is "$(local_sent $S)" 1 "sent.after-append: in the local Sent"
is "$(server_sent $S)" 1 "sent.after-append: the server's Sent has it"
"$POSTIE" -F "$TEST_TMP/rc" outbox flush >"$TEST_TMP/out" 2>&1
is "$?" 0 "sent.after-append: the next flush succeeds"
is "$(server_sent $S)" 1 \
	"sent.after-append: the retry finds the copy by its Message-ID: one copy"
is "$(ls "$MARKS" | wc -l | tr -d ' ')" 0 \
	"sent.after-append: nothing left waiting"
is "$(settle $S 1)" 1 "sent.after-append: never sent again for its copy"

done_testing
