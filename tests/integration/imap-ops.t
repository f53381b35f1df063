#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Message and folder operations against the lab's real Dovecot, checked
# by a second client (python3 imaplib): flags set by postie seen there
# and the other way round, a move with MOVE, with the COPY fallback
# (Dovecot without MOVE) and without UIDPLUS (hostile-16: the originals
# stay marked, another \Deleted message is not expunged), APPEND to Sent,
# folders with Chinese names created, renamed and deleted, and postie
# send on an IMAP account leaving a copy in the server's Sent.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

TOOL=$POSTIE_BUILD/tools/imap-ops
[ -x "$TOOL" ] || bail "missing $TOOL (make tests)"
LAB_SH=$TESTS_DIR/lab/lab.sh

cat >"$TEST_TMP/peer.py" <<'PY'
import imaplib, os, ssl, sys

ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "list":
    for line in m.list()[1]:
        print(line.decode().rsplit(' ', 1)[1].strip('"'))
elif cmd == "uids":
    m.select(args[0], readonly=True)
    for line in m.uid("FETCH", "1:*", "(FLAGS)")[1]:
        if line:
            print(line.decode())
elif cmd == "store":
    m.select(args[0])
    typ, _ = m.uid("STORE", args[1], args[2], args[3])
    print(typ)
elif cmd == "subjects":
    m.select(args[0], readonly=True)
    for line in m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1]:
        if isinstance(line, tuple):
            print(line[1].decode().strip())
m.logout()
PY

peer() {
	python3 "$TEST_TMP/peer.py" "$@" 2>&1
}

# ops ARGS...: the tool against the current lab, with its own store
ops() {
	IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" "$LAB_IMAPS_PORT" "$LAB_CA" \
		alice "$CACHE" "$@" 2>&1
}

msg() {
	printf 'From: bob@lab.test\r\nTo: alice@lab.test\r\nSubject: %s\r\nMessage-ID: <%s@lab.test>\r\n\r\nbody %s\r\n' \
		"$1" "$1" "$1" >"$TEST_TMP/$1.eml"
	sh "$LAB_SH" put "$LAB_DIR" alice "$TEST_TMP/$1.eml" INBOX
}

# --- a lab with MOVE and UIDPLUS -------------------------------------
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
CACHE=$TEST_TMP/cache1
for s in one two three; do msg $s; done
like "$(ops caps)" "move 1 uidplus 1" "lab offers MOVE and UIDPLUS"
like "$(ops sync)" "synced" "first sync"

out=$(ops flags INBOX 1 +flagged +seen)
like "$out" "ok done 1" "postie sets \\Flagged \\Seen on UID 1"
out=$(peer uids INBOX)
like "$out" "UID 1 FLAGS (\\Flagged \\Seen)" "second client sees \\Flagged \\Seen"
like "$(ops show INBOX)" "uid 1 flags 5" "the store shows them"

like "$(peer store INBOX 2 +FLAGS '(\Answered)')" "OK" \
	"second client sets \\Answered on UID 2"
ops sync >/dev/null
like "$(ops show INBOX)" "uid 2 flags 2" "postie sees \\Answered after sync"

out=$(ops move INBOX Trash 3)
like "$out" "ok done 1 marked 0" "move with MOVE"
unlike "$(peer uids INBOX)" "UID 3 " "second client: gone from INBOX"
like "$(peer subjects Trash)" "Subject: three" "second client: in Trash"
unlike "$(ops show INBOX)" "uid 3 " "store: gone from INBOX"

printf 'From: alice@lab.test\r\nTo: bob@lab.test\r\nSubject: =?UTF-8?B?5bey5Y+R6YCB?=\r\n\r\nsent\r\n' \
	>"$TEST_TMP/sent.eml"
out=$(ops append Sent "$TEST_TMP/sent.eml" seen)
like "$out" "ok done 1" "APPEND to Sent"
unlike "$out" "appenduid 0" "APPENDUID returned"
like "$(peer subjects Sent)" "5bey5Y" "second client sees it in Sent"
like "$(peer uids Sent)" "Seen" "... flagged \\Seen"

like "$(ops mkdir 项目)" "ok done 1" "create 项目"
like "$(peer list)" "&mHl27g-" "second client lists it (modified UTF-7)"
like "$(ops folders)" "folder 项目 raw &mHl27g-" "store has it"
like "$(ops rename '&mHl27g-' 归档)" "ok done 1" "rename to 归档"
out=$(peer list)
like "$out" "&X1JoYw-" "second client lists the new name"
unlike "$out" "&mHl27g-" "... and not the old one"
like "$(ops folders)" "folder 归档 raw &X1JoYw-" "store renamed it"
like "$(ops subscribe '&X1JoYw-')" "ok done 1" "subscribe"
like "$(ops rmdir '&X1JoYw-')" "ok done 1" "delete 归档"
unlike "$(peer list)" "&X1JoYw-" "second client: gone"
unlike "$(ops folders)" "归档" "store: gone"
like "$(ops rmdir INBOX)" "cannot be deleted" "INBOX is never deleted"

# postie send: a copy in the server's Sent
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export HOME="$TEST_TMP/home" POSTIE_TIMEOUT=30
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
echo "hello" | "$POSTIE" -F "$TEST_TMP/rc" send -s "copy-in-sent" bob@lab.test \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 0 "postie send exits 0"
[ -s "$TEST_TMP/err" ] && sed 's/^/#   /' "$TEST_TMP/err"
like "$(peer subjects Sent)" "copy-in-sent" "the server's Sent has the copy"
MARKS=$XDG_DATA_HOME/postie/a/sent-server-copy
is "$(ls "$MARKS" 2>/dev/null | wc -l | tr -d ' ')" 0 "no copy left waiting"

# the IMAP server refuses for a while: kept, retried by outbox flush,
# sent once
sed "s/^	receive = .*/	receive = imaps:\\/\\/127.0.0.1:1/" "$TEST_TMP/rc" \
	>"$TEST_TMP/rc2"
chmod 600 "$TEST_TMP/rc2"
echo "later" | "$POSTIE" -F "$TEST_TMP/rc2" send -s "copy-later" bob@lab.test \
	>"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 0 "send with the IMAP server away still exits 0"
like "$(cat "$TEST_TMP/err")" "no copy in the server's Sent yet" \
	"says the copy waits"
is "$(ls "$MARKS" | wc -l | tr -d ' ')" 1 "one copy waiting"
unlike "$(peer subjects Sent)" "copy-later" "not in the server's Sent yet"
"$POSTIE" -F "$TEST_TMP/rc" outbox flush >"$TEST_TMP/out" 2>"$TEST_TMP/err"
like "$(peer subjects Sent)" "copy-later" "outbox flush made the copy"
is "$(ls "$MARKS" | wc -l | tr -d ' ')" 0 "nothing waiting after the flush"
ok "bob got each message once" lab_wait_mail "$TEST_TMP/lab" bob 2 20
n=$(grep -l "copy-later" "$LAB_MAILDIR_bob"/new/* "$LAB_MAILDIR_bob"/cur/* \
	2>/dev/null | wc -l | tr -d ' ')
is "$n" 1 "the message was sent once"
unset XDG_DATA_HOME XDG_STATE_HOME POSTIE_TIMEOUT
lab_stop "$TEST_TMP/lab"

# --- without MOVE: COPY, STORE, UID EXPUNGE ----------------------------
LAB_DOVECOT_EXTRA='imap_capability = IMAP4rev1 LITERAL+ IDLE UIDPLUS SPECIAL-USE LIST-EXTENDED' \
	lab_start "$TEST_TMP/lab2" ||
	bail "cannot start the second lab"
CACHE=$TEST_TMP/cache2
for s in a1 a2; do msg $s; done
like "$(ops caps)" "move 0 uidplus 1" "second lab: no MOVE"
ops sync >/dev/null
like "$(ops move INBOX Trash 1)" "ok done 1 marked 0" "move by COPY fallback"
out=$(peer uids INBOX)
unlike "$out" "UID 1 " "COPY fallback: gone from INBOX"
like "$out" "UID 2 " "COPY fallback: the other stays"
like "$(peer subjects Trash)" "Subject: a1" "COPY fallback: in Trash"
unlike "$(ops show INBOX)" "uid 1 " "COPY fallback: gone from the store"
lab_stop "$TEST_TMP/lab2"

# --- without UIDPLUS: never an EXPUNGE (hostile-16) -------------------
LAB_DOVECOT_EXTRA='imap_capability = IMAP4rev1 LITERAL+ IDLE SPECIAL-USE LIST-EXTENDED' \
	lab_start "$TEST_TMP/lab3" ||
	bail "cannot start the third lab"
CACHE=$TEST_TMP/cache3
for s in b1 b2; do msg $s; done
like "$(ops caps)" "move 0 uidplus 0" "third lab: no MOVE, no UIDPLUS"
ops sync >/dev/null
peer store INBOX 1 +FLAGS '(\Deleted)' >/dev/null
out=$(ops move INBOX Trash 2)
like "$out" "ok done 1 marked 1" "hostile-16: move reported as marked only"
like "$out" "originals stay in 'INBOX' marked deleted" "hostile-16: the user is told"
out=$(peer uids INBOX)
like "$out" "UID 1 FLAGS (\\Deleted)" \
	"hostile-16: the other \\Deleted message was not expunged"
like "$out" "UID 2 FLAGS (\\Deleted)" "hostile-16: the original stays, marked"
like "$(peer subjects Trash)" "Subject: b2" "hostile-16: the copy is in Trash"
like "$(ops show INBOX)" "uid 2 flags 8" "hostile-16: store shows it marked"
lab_stop "$TEST_TMP/lab3"

done_testing
