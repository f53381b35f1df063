#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The parts pane on an IMAP account of the lab's Dovecot, where a body
# comes on demand: v on a message whose body is still on the way says
# "loading" and a key cancels the wait (the server is held still with
# SIGSTOP so that the wait is certain); v again, with the server going,
# fetches the body and then opens the pane (after $ in the index has
# brought the account back from the cancelled connection).

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
export POSTIE_TIMEOUT=8
mkdir -p "$HOME"

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
	folder-width = 0
[account "lab"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 0
RC
chmod 600 "$TEST_TMP/rc"

"$PY" - "$LAB_MAILDIR_alice" <<'PY'
import os, sys, time
md = sys.argv[1]
os.makedirs(md + "/cur", exist_ok=True)
with open("%s/cur/%d.M1P3.t:2,S" % (md, int(time.time())), "wb") as f:
    f.write(b"From: bob@lab.test\r\nTo: alice@lab.test\r\n"
            b"Subject: with a file\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=X\r\n\r\n"
            b"--X\r\nContent-Type: text/plain\r\n\r\nsee the file\r\n"
            b"--X\r\nContent-Type: text/csv\r\n"
            b"Content-Disposition: attachment; filename=data.csv\r\n\r\n"
            b"a,b\r\n1,2\r\n--X--\r\n")
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_alice" 2>/dev/null

# Dovecot held still, the master and every process under it: a session
# open now answers nothing, and a new connection waits in the listen
# queue unanswered, so the body cannot come until release
held=
hold() {
	[ -n "$LAB_DOVECOT_PID" ] || return 1
	held="$LAB_DOVECOT_PID $(lab_descendants "$LAB_DOVECOT_PID")"
	kill -STOP $held
}
release() {
	[ -n "$held" ] && kill -CONT $held
	held=
	return 0
}
at_exit release

tui_start 100 30 -F "$TEST_TMP/rc"
ok "the index from the server" tui_wait "with a file" 30
ok "the sync ends" tui_gone "| syncing" 30
ok "the server's session held still" hold
tui_keys Enter
ok "the message opens with what the index has" \
	tui_wait "[fetching the message...]"
tui_keys v
ok "v waits for the body and says so" \
	tui_wait "loading the message... (any key cancels)"
tui_keys x
ok "a key cancels the wait" tui_wait "loading cancelled"
sleep 0.5
unlike "$(tui_screen)" "parts: Enter view" "and no pane opens"
release
# A cancelled connect leaves the account offline until asked: $ in the
# index asks (the session the stop left behind may first run into its
# timeout, POSTIE_TIMEOUT)
tui_keys q '$'
ok "the account syncs again" tui_wait "lab: synced" 30
tui_keys Enter v
ok "v again: the body comes and the pane opens" \
	tui_wait "parts: Enter view, s save" 20
ok "with the attachment" tui_wait "text/csv  8  data.csv"
tui_keys q
ok "q: the message, its body fetched" tui_wait "see the file" 10
tui_keys q q
ok "postie ends" tui_wait "postie exited: 0"

done_testing
