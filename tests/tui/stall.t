#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The screen never waits for the network. An IMAP account's index is
# built by one sync against a scripted server; then the screen starts on
# it while a second scripted server answers the login and the SELECT and
# stops in the middle of a FETCH response, keeping the worker waiting.
# Meanwhile keys move the cursor in the index: the time from tmux
# send-keys to the changed cursor row in capture-pane (polled every 10
# ms) is measured for ten presses, and their median must be under 100
# ms. It prints the figures:
#
#	prove -v tests/tui/stall.t | grep 'stall:'

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab (for its certificates)"
PY=${LAB_PYTHON:-python3}
N=200

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=60
mkdir -p "$HOME"

# script MODE N: a whole sync of N messages (full), or the same start
# with N more messages whose FETCH stops half way (stall)
script() {
	"$PY" - "$1" "$2" <<'PY'
import sys
mode, n = sys.argv[1], int(sys.argv[2])
total = n if mode == "full" else n + 5
p = print
p('send * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE UIDPLUS MOVE] ready')
p('expect A1 LOGIN *')
p('send A1 OK done')
p('expect A2 CAPABILITY')
p('send * CAPABILITY IMAP4rev1 IDLE UIDPLUS MOVE')
p('send A2 OK done')
p('expect A3 LIST *')
p('send * LIST (\\HasNoChildren) "/" INBOX')
p('send A3 OK done')
p('expect A4 *')
p('send * %d EXISTS' % total)
p('send * OK [UIDVALIDITY 7] v')
p('send * OK [UIDNEXT %d] n' % (total + 1))
p('send A4 OK [READ-ONLY] done')
p('expect A5 UID FETCH *')
if mode == "stall":
    # half a FETCH response, then nothing
    p("raw '* 1 FETCH (UID %d FLAGS (\\\\Seen) INTERNALDATE '" % (n + 1))
    p('stall 120')
    sys.exit(0)
out = []
for i in range(1, n + 1):
    hdr = ("From: Sender %d <s%d@example.com>\r\nSubject: message %03d\r\n"
           "Date: %d Nov 2026 %02d:00:00 +0000\r\n\r\n" %
           (i, i, i, 1 + i // 24 % 28, i % 24))
    out.append('* %d FETCH (UID %d FLAGS (\\Seen) INTERNALDATE '
               '"01-Nov-2026 10:00:00 +0000" RFC822.SIZE 100 BODYSTRUCTURE '
               '("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 1) '
               'BODY[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID '
               'IN-REPLY-TO REFERENCES CONTENT-TYPE)] {%d}\r\n%s)\r\n' %
               (i, i, len(hdr), hdr))
p('raw ' + repr(''.join(out)))
p('send A5 OK done')
p('expect A6 *')
p('send A6 OK bye')
PY
}

# serve SCRIPT: a scripted server in the background; SRV_PORT its port
serve() {
	rm -f "$TEST_TMP/pf"
	"$PY" "$TESTS_DIR/proto/scriptsrv.py" --script "$1" \
		--port-file "$TEST_TMP/pf" --log "$1.log" --implicit-tls \
		--cert "$LAB_CERT" --key "$LAB_KEY" &
	SRV_PID=$!
	at_exit "kill $SRV_PID 2>/dev/null"
	i=0
	while [ ! -s "$TEST_TMP/pf" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SRV_PORT=$(cat "$TEST_TMP/pf" 2>/dev/null)
	[ -n "$SRV_PORT" ] || bail "the scripted server did not start"
}

rc() {
	cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
[account "stall"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$1
	user = alice
	password = secret
	ca-file = $LAB_CA
	poll = 0
RC
	chmod 600 "$TEST_TMP/rc"
}

script full $N >"$TEST_TMP/full"
serve "$TEST_TMP/full"
rc "$SRV_PORT"
sync_once() {
	"$POSTIE" -F "$TEST_TMP/rc" sync >"$TEST_TMP/sync.out" 2>&1
}
ok "the index is built by a sync" sync_once
kill "$SRV_PID" 2>/dev/null

script stall $N >"$TEST_TMP/stall"
serve "$TEST_TMP/stall"
rc "$SRV_PORT"
tui_start 120 40 -F "$TEST_TMP/rc"
ok "the index shows from the store" tui_wait "postie: stall | INBOX | $N messages"
ok "the worker is syncing" tui_wait "| syncing" 10
i=0
until grep -q 'stall 120' "$TEST_TMP/stall.log" 2>/dev/null || [ $i -ge 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
ok "hostile-6: the server stopped in the middle of the FETCH" \
	grep -q 'stall 120' "$TEST_TMP/stall.log"
ok "the cursor on the newest" tui_wait_sel "message $N"

now_ms() {
	date +%s%3N
}

# press k and time the cursor row's change; prints milliseconds. The
# poll is one capture with attributes (the reverse-video row moves), so
# that what is timed is the screen, not a pipeline of helpers.
press() {
	before=$(tui_tmux capture-pane -p -e -t "$TUI_SESSION")
	t0=$(now_ms)
	tui_keys k
	while :; do
		cur=$(tui_tmux capture-pane -p -e -t "$TUI_SESSION")
		[ "$cur" != "$before" ] && break
		[ $(( $(now_ms) - t0 )) -gt 5000 ] && break
		sleep 0.01
	done
	echo $(( $(now_ms) - t0 ))
}

times=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	times="$times $(press)"
done
sorted=$(printf '%s\n' $times | sort -n | tr '\n' ' ')
median=$(printf '%s\n' $times | sort -n | sed -n 5,6p |
	awk '{ s += $1 } END { print int(s / 2) }')
diag "stall: key to redrawn cursor, ms: $sorted(median $median)"
ok "hostile-6: the median of ten presses is under 100 ms (was $median)" \
	test "$median" -lt 100
ok "the cursor moved ten rows" tui_wait_sel "message $((N - 10))"
ok "and the worker is still waiting on the server" tui_wait "| syncing" 1
tui_keys '?'
ok "the help opens while the server stalls" tui_wait "postie keys" 2
tui_keys q q
ok "quit while the worker waits" tui_wait "postie exited: 0" 10

done_testing
