#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The receiving engine inside an account worker, as the screen runs it,
# against the lab: a sync request answered with NEW_MAIL and DONE; mail
# delivered by Postfix while the worker waits in IMAP IDLE arrives as
# unsolicited NEW_MAIL for INBOX; a sync after the interrupted IDLE logs
# in again; a POP3 account; a refused login fails the request with the
# provider's hint.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
LAB=$TESTS_DIR/lab/lab.sh
TOOL=$POSTIE_BUILD/tools/sync-worker
[ -x "$TOOL" ] || bail "missing $TOOL (make tests)"
export HOME="$TEST_TMP/home" XDG_STATE_HOME="$TEST_TMP/state"
mkdir -p "$HOME"

cat >"$TEST_TMP/rc" <<RC
[account "imap"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
[account "pop"]
	address = bob@lab.test
	receive = pop3s://127.0.0.1:$LAB_POP3S_PORT
	user = bob
	password = $LAB_PASS_bob
	ca-file = $LAB_CA
[account "bad"]
	address = alice@163.com
	preset = 163
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = wrong
	ca-file = $LAB_CA
RC
chmod 600 "$TEST_TMP/rc"

printf 'From: carol@lab.test\r\nTo: alice@lab.test\r\nSubject: first\r\n\r\nx\r\n' >"$TEST_TMP/m1"
ok "a message for alice" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m1"
ok "two for bob" sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m1"
ok "two for bob (2)" sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m1"

OUT=$TEST_TMP/imap.out
"$TOOL" "$TEST_TMP/rc" imap "$TEST_TMP/c-imap" "$TEST_TMP/d-imap" 30 \
	>"$OUT" 2>&1 &
pid=$!
at_exit "kill $pid 2>/dev/null"
i=0
while ! grep -q '^idling' "$OUT" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
like "$(cat "$OUT")" "connected" "the worker connects"
like "$(cat "$OUT")" "new mail 1" "the sync request reports the new message"
like "$(cat "$OUT")" "done" "and ends DONE"
sleep 1
printf 'From: bob@lab.test\r\nTo: alice@lab.test\r\nSubject: while idle\r\n\r\nhi\r\n' |
	"${LAB_PYTHON:-python3}" "$TESTS_DIR/lab/labmail.py" smtp-send bob \
		starttls plain bob@lab.test alice@lab.test >/dev/null 2>&1
is "$?" 0 "mail sent through Postfix while the worker idles"
wait $pid
is "$?" 0 "the worker tool ends well"
res=$(sed -n '/^idling/,$p' "$OUT")
like "$res" "new mail 1 in INBOX" "IDLE: the new message arrives unsolicited"
is "$(grep -c '^done' "$OUT")" 2 "the sync after IDLE was interrupted is DONE"

"$TOOL" "$TEST_TMP/rc" pop "$TEST_TMP/c-pop" "$TEST_TMP/d-pop" >"$TEST_TMP/pop.out" 2>&1
is "$?" 0 "POP3 account through the worker"
like "$(cat "$TEST_TMP/pop.out")" "new mail 2" "POP3: two new"
is "$(find "$TEST_TMP/d-pop/inbox/new" -type f | wc -l | tr -d ' ')" 2 \
	"POP3: two files in the Maildir"

"$TOOL" "$TEST_TMP/rc" bad "$TEST_TMP/c-bad" "$TEST_TMP/d-bad" >"$TEST_TMP/bad.out" 2>&1
st=$?
ok "a refused login fails the sync" test "$st" -ne 0
like "$(cat "$TEST_TMP/bad.out")" "failed: " "the request is answered FAILED"
like "$(cat "$TEST_TMP/bad.out")" "hint: NetEase" "with the provider's hint"

done_testing
