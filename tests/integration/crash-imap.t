#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostile-48, IMAP: SIGKILL (POSTIE_CRASHPOINT) while the sync writes the
# headers of 2,500 messages into the store (the newest 500 first, so that
# a screen shows them at once, then batches of 1,000), and in
# the middle of a move, against the lab's real Dovecot. The rules checked
# after the restart:
#
#   - the store is a cache of the server: after a kill at any point of a
#     sync, the next sync leaves every message in it exactly once (a
#     batch is one transaction: a kill before its commit leaves nothing
#     of it, a kill after leaves all of it);
#   - a move is decided by the server: a kill after MOVE (or after its
#     COPY, STORE, EXPUNGE fallback) but before the store heard of it
#     leaves the store stale until the next sync, which puts the message
#     where the server has it; nothing is lost;
#   - a kill after the COPY of the fallback and before STORE \Deleted
#     leaves the message in both folders, on the server and then in the
#     store: a duplicate in plain sight, never a loss.
# The move runs through tests/tools/imap-ops, which calls acct_op_imap
# as the account worker does.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

TOOL=$POSTIE_BUILD/tools/imap-ops
[ -x "$TOOL" ] || bail "missing $TOOL (make tests)"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
LAB=$TESTS_DIR/lab/lab.sh
export POSTIE_TIMEOUT=60
TAB=$(printf '\t')
N=2500

# N messages straight into alice's Maildir (Dovecot indexes them at the
# first SELECT): much faster than delivering them one by one.
python3 - "$LAB_MAILDIR_alice" "$N" <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
os.makedirs(md + "/cur", exist_ok=True)
now = int(time.time())
for i in range(1, n + 1):
    m = ("From: bob@lab.test\r\nTo: alice@lab.test\r\n"
         "Subject: batch %d\r\nMessage-ID: <b%d@lab.test>\r\n\r\n"
         "body %d\r\n" % (i, i, i))
    name = "%d.M%dP1Q%d.crash:2,S" % (now, i, i)
    with open(os.path.join(md, "cur", name), "wb") as f:
        f.write(m.encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_alice" 2>/dev/null

cat >"$TEST_TMP/rc" <<RC
[account "a"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
RC
chmod 600 "$TEST_TMP/rc"

use_case() {
	d=$TEST_TMP/$1
	mkdir -p "$d/home"
	export HOME="$d/home" XDG_CACHE_HOME="$d/cache"
	export XDG_DATA_HOME="$d/data" XDG_STATE_HOME="$d/state"
}
total() {
	"$POSTIE" -F "$TEST_TMP/rc" check --all a 2>&1 |
		awk -F "$TAB" '$2 == "INBOX" { print $4 }'
}

# sync_case POINT: kill the first sync there, then sync again
sync_case() {
	use_case "sync-$1"
	POSTIE_CRASHPOINT=$1 "$POSTIE" -F "$TEST_TMP/rc" sync a \
		>"$d/out1" 2>&1
	is "$?" 137 "$1: the first sync dies by SIGKILL"
	got=$(total)
	is "$got" "$2" "$1: the store holds $2 after the kill"
	"$POSTIE" -F "$TEST_TMP/rc" sync a >"$d/out2" 2>&1
	is "$?" 0 "$1: the sync after the restart succeeds"
	like "$(cat "$d/out2")" "$(($N - $2)) new" \
		"$1: it fetches only what was missing"
	is "$(total)" "$N" "$1: the store holds every message once"
	"$POSTIE" -F "$TEST_TMP/rc" sync a >"$d/out3" 2>&1
	like "$(cat "$d/out3")" " 0 new" "$1: a third sync finds nothing new"
}
# killed inside the second batch's transaction: only the newest 500 count
sync_case store.before-commit:2 500
# killed right after the second batch's commit: 500 + 1,000
sync_case imap.after-batch:2 1500

# --- moves --------------------------------------------------------------
cat >"$TEST_TMP/peer.py" <<'PY'
import imaplib, os, ssl, sys

ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
m.select(sys.argv[1], readonly=True)
typ, data = m.search(None, "HEADER", "Message-ID", sys.argv[2])
print(len(data[0].split()) if data and data[0] else 0)
m.logout()
PY
# on_server FOLDER MSGID: how many messages with that id FOLDER holds
on_server() {
	python3 "$TEST_TMP/peer.py" "$1" "$2" 2>&1
}
ops() {
	IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" "$LAB_IMAPS_PORT" "$LAB_CA" \
		alice "$CACHE" "$@" 2>&1
}
# in_store FOLDER UID: 1 when the store lists UID in FOLDER
in_store() {
	ops show "$1" | grep -c "^uid $2 "
}
# The Maildir files were written in order, so UID N is message "batch N".
CACHE=$TEST_TMP/move-cache
like "$(ops sync)" "synced" "move: the tool's store is synced"

# move_case POINT UID: kill a move of UID from INBOX to Trash at POINT
move_case() {
	POSTIE_CRASHPOINT=$1 IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" \
		"$LAB_IMAPS_PORT" "$LAB_CA" alice "$CACHE" move INBOX Trash \
		"$2" >"$TEST_TMP/move.out" 2>&1
	is "$?" 137 "$1: the move dies by SIGKILL"
}

move_case imap.after-move 7
is "$(on_server INBOX '<b7@lab.test>')" 0 "imap.after-move: gone from INBOX"
is "$(on_server Trash '<b7@lab.test>')" 1 "imap.after-move: in Trash once"
is "$(in_store INBOX 7)" 1 \
	"imap.after-move: the store, not told, still lists it in INBOX"
like "$(ops sync)" "synced" "imap.after-move: the next sync"
is "$(in_store INBOX 7)" 0 "imap.after-move: the store drops it from INBOX"
is "$(ops show Trash | wc -l | tr -d ' ')" 1 \
	"imap.after-move: and lists it in Trash"

# The COPY fallback: Dovecot without MOVE.
LAB_DOVECOT_EXTRA='imap_capability = IMAP4rev1 LITERAL+ IDLE UIDPLUS SPECIAL-USE LIST-EXTENDED' \
	sh "$LAB" restart "$LAB_DIR" >"$TEST_TMP/restart.out" 2>&1 ||
	bail "cannot restart the lab without MOVE"
like "$(ops caps)" "move 0 uidplus 1" "the restarted lab has no MOVE"
move_case imap.after-copy 8
is "$(on_server INBOX '<b8@lab.test>')" 1 \
	"imap.after-copy: still in INBOX (not yet \\Deleted)"
is "$(on_server Trash '<b8@lab.test>')" 1 "imap.after-copy: and in Trash"
like "$(ops sync)" "synced" "imap.after-copy: the next sync"
is "$(in_store INBOX 8)" 1 "imap.after-copy: the store lists it in INBOX"
is "$(ops show Trash | wc -l | tr -d ' ')" 2 \
	"imap.after-copy: and in Trash: a visible duplicate, no loss"
move_case imap.after-move 9
is "$(on_server INBOX '<b9@lab.test>')" 0 \
	"fallback imap.after-move: expunged from INBOX"
is "$(on_server Trash '<b9@lab.test>')" 1 \
	"fallback imap.after-move: in Trash once"
like "$(ops sync)" "synced" "fallback imap.after-move: the next sync"
is "$(in_store INBOX 9)" 0 "fallback imap.after-move: store: not in INBOX"
is "$(ops show Trash | wc -l | tr -d ' ')" 3 \
	"fallback imap.after-move: store: in Trash"

done_testing
