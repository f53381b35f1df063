#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie send against a scripted server that fails at every step: 421 at
# each reply, a reset during DATA and right after the final dot (delivery
# unknown, and a warning of a possible duplicate on the next flush), a
# 10 MB reply line, a reply that never ends, a stalled server, refused
# recipients (hostile-3, -6, -7, -29, -30, -33). Each ends in a clear
# error with the message still in the outbox, except when some
# recipients took it.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtp-lib.sh"

make_certs "$TEST_TMP/c" || bail "cannot make certificates"
C="$TEST_TMP/c"
TLS="--implicit-tls --cert $C/good.crt --key $C/good.key"

# The steps of a plain transaction over implicit TLS, one reply each.
# steps K REPLY: the script with the reply of step K replaced by REPLY
# and the connection closed after it.
steps() {
	k=$1
	rep=$2
	n=0
	step() { # expect-line reply-line
		n=$((n + 1))
		[ -n "$1" ] && echo "$1"
		if [ $n -eq "$k" ]; then
			echo "send $rep"
			echo "wait-close"
			return 1
		fi
		echo "$2"
	}
	step "" "send 220 mx.test ESMTP" &&
		step "expect EHLO *" "send 250-mx.test
send 250 AUTH PLAIN" &&
		step "expect AUTH PLAIN *" "send 235 2.7.0 ok" &&
		step "expect MAIL FROM:*" "send 250 ok" &&
		step "expect RCPT TO:*" "send 250 ok" &&
		step "expect DATA" "send 354 go" &&
		step "expect-data" "send 250 2.0.0 queued" &&
		echo "expect QUIT" && echo "send 221 bye"
}

names="greeting EHLO AUTH MAIL RCPT DATA end-of-data"
k=0
for name in $names; do
	k=$((k + 1))
	steps $k "421 4.3.2 service shutting down" >"$TEST_TMP/s421.$k"
	rm -rf "$XDG_DATA_HOME"
	start_srv "$TEST_TMP/s421.$k" $TLS
	write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
	run_send -s t bob@example.org
	wait_srv
	is "$SEND_RC" 75 "421 at $name: exit 75 (hostile-30)"
	like "$SEND_ERR" "421 4.3.2 service shutting down" \
		"421 at $name: server text shown"
	is "$(in_outbox)" 1 "421 at $name: message still in the outbox"
	is "$(in_sent)" 0 "421 at $name: not in Sent"
done

# A wrong password: 535, a permanent failure; held, with the reason.
steps 3 "535 5.7.8 authentication failed" >"$TEST_TMP/s535"
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/s535" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 1 "535: exit 1 (hostile-33)"
like "$SEND_ERR" "authentication failed: 535 5.7.8" "says the login was refused"
fails "no MAIL after a refused login" client_sent MAIL
is "$(in_outbox)" 1 "message held in the outbox"
"$POSTIE" -F "$TEST_TMP/rc" outbox show 1 >"$TEST_TMP/show" 2>&1
like "$(cat "$TEST_TMP/show")" "state:     held" "outbox show: held"
like "$(cat "$TEST_TMP/show")" "perm 535" "outbox show: the attempt and its code"

# Reset in the middle of DATA: not delivered, retried (hostile-7).
cat >"$TEST_TMP/reset-data" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:*
send 250 ok
expect DATA
send 354 go
expect Date:*
reset
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/reset-data" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
# large enough that the client is still writing when the reset comes
head -c 8000000 /dev/urandom >"$TEST_TMP/big.bin"
run_send -s t -a "$TEST_TMP/big.bin" bob@example.org
wait_srv
is "$SEND_RC" 75 "reset during DATA: exit 75 (hostile-7)"
unlike "$SEND_ERR" "delivery unknown" "not unknown: the end was never sent"
is "$(in_outbox)" 1 "message still in the outbox"

# A refusal in the middle of DATA, then a close: the server's reason is
# found and shown, and a 5xx is not retried (hostile-30, early reply).
cat >"$TEST_TMP/early" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:*
send 250 ok
expect DATA
send 354 go
expect Date:*
send 554 5.7.1 message refused: looks like spam
close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/early" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
run_send -s t -a "$TEST_TMP/big.bin" bob@example.org
wait_srv
is "$SEND_RC" 1 "refused during DATA: exit 1"
like "$SEND_ERR" "554 5.7.1 message refused: looks like spam" \
	"the server's early reply is shown"
is "$(in_outbox)" 1 "message held in the outbox"

# Reset right after the final dot: delivery unknown (hostile-30).
cat >"$TEST_TMP/reset-dot" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:*
send 250 ok
expect DATA
send 354 go
skip-data
reset
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/reset-dot" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 75 "reset after the final dot: exit 75"
like "$SEND_ERR" "delivery unknown" "says delivery is unknown (hostile-30)"
like "$SEND_ERR" "may have been delivered" "warns of a possible duplicate"
is "$(in_outbox)" 1 "message still in the outbox"
"$POSTIE" -F "$TEST_TMP/rc" outbox list >"$TEST_TMP/list" 2>&1
like "$(cat "$TEST_TMP/list")" "unknown" "outbox list: state unknown"

# The next flush warns before sending again, then succeeds.
cat >"$TEST_TMP/ok" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:*
send 250 ok
expect DATA
send 354 go
skip-data
send 250 2.0.0 queued
expect QUIT
send 221 bye
S
start_srv "$TEST_TMP/ok" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
"$POSTIE" -F "$TEST_TMP/rc" outbox flush >"$TEST_TMP/flush" 2>&1
rc=$?
wait_srv
is "$rc" 0 "flush after unknown: sent"
like "$(cat "$TEST_TMP/flush")" "may already have been delivered" \
	"flush warns of a possible duplicate"
is "$(in_outbox)" 0 "outbox empty"
is "$(in_sent)" 1 "in Sent"

# A 10 MB reply line (hostile-3) and a reply that never ends (hostile-29).
cat >"$TEST_TMP/bigline" <<'S'
send 220 mx.test ESMTP
expect EHLO *
big 10485760 x
wait-close
S
cat >"$TEST_TMP/endless" <<'S'
send 220 mx.test ESMTP
expect EHLO *
forever 250-more and more
S
cat >"$TEST_TMP/mixed" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 550 oops
wait-close
S
for t in bigline:"line too long" endless:"longer than 128 lines" \
	mixed:"reply mixes codes 250 and 550"; do
	name=${t%%:*}
	want=${t#*:}
	rm -rf "$XDG_DATA_HOME"
	start_srv "$TEST_TMP/$name" $TLS
	write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
	start=$(date +%s)
	run_send -s t bob@example.org
	took=$(($(date +%s) - start))
	wait_srv
	is "$SEND_RC" 75 "$name: exit 75"
	like "$SEND_ERR" "$want" "$name: $want"
	is "$(in_outbox)" 1 "$name: message still in the outbox"
	ok "$name: bounded time ($took s)" test "$took" -lt 10
done

# A server that stalls after the greeting: the timeout fires (hostile-6).
cat >"$TEST_TMP/stall" <<'S'
send 220 mx.test ESMTP
expect EHLO *
stall 8
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/stall" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
start=$(date +%s)
POSTIE_TIMEOUT=2 run_send -s t bob@example.org
took=$(($(date +%s) - start))
is "$SEND_RC" 75 "stalled server: exit 75 (hostile-6)"
like "$SEND_ERR" "timed out" "says it timed out"
ok "gave up after the timeout ($took s)" test "$took" -lt 6
is "$(in_outbox)" 1 "message still in the outbox"
wait_srv

# One recipient refused among accepted ones: sent to the others, the
# refusal reported, exit 1.
cat >"$TEST_TMP/partial" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250 PIPELINING
expect MAIL FROM:*
expect RCPT TO:<bob@example.org>
expect RCPT TO:<nobody@example.org>
expect RCPT TO:<carol@example.org>
expect DATA
send 250 ok
send 250 ok
send 550 5.1.1 <nobody@example.org>: no such user
send 250 ok
send 354 go
skip-data
send 250 2.0.0 queued
expect QUIT
send 221 bye
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/partial" $TLS --split byte
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
run_send -s t bob@example.org nobody@example.org -c carol@example.org
wait_srv
is "$SEND_RC" 1 "a refused recipient: exit 1"
like "$SEND_ERR" "not delivered to 'nobody@example.org': 550 5.1.1" \
	"the refused recipient is named with the reason"
is "$(in_outbox)" 0 "delivered to the others: out of the outbox"
is "$(in_sent)" 1 "and in Sent"

# Every recipient refused: no DATA, message held.
cat >"$TEST_TMP/allrefused" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:*
send 550 5.1.1 no such user
expect RCPT TO:*
send 550 5.1.1 no such user
expect RSET
send 250 ok
expect QUIT
send 221 bye
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/allrefused" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
run_send -s t nobody@example.org none@example.org
wait_srv
is "$SEND_RC" 1 "every recipient refused: exit 1"
like "$SEND_ERR" "every recipient refused" "says so"
fails "no DATA sent" client_sent DATA
is "$(in_outbox)" 1 "message held in the outbox"

# No reply after the final dot: the data timeout fires and the outcome
# is unknown (hostile-6, -30).
cat >"$TEST_TMP/stall-dot" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:*
send 250 ok
expect DATA
send 354 go
skip-data
stall 6
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/stall-dot" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
POSTIE_TIMEOUT=2 run_send -s t bob@example.org
is "$SEND_RC" 75 "no reply after the final dot: exit 75"
like "$SEND_ERR" "delivery unknown" "delivery unknown after a timeout"
like "$SEND_ERR" "timed out" "says it timed out"
is "$(in_outbox)" 1 "message still in the outbox"
wait_srv

# A recipient refused for now (450) among accepted ones: the others got
# it; the entry stays queued for the refused one only.
cat >"$TEST_TMP/partial-temp" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:<bob@example.org>
send 250 ok
expect RCPT TO:<busy@example.org>
send 450 4.2.1 mailbox busy, try later
expect DATA
send 354 go
skip-data
send 250 2.0.0 queued
expect QUIT
send 221 bye
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/partial-temp" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
run_send -s t bob@example.org busy@example.org
wait_srv
is "$SEND_RC" 75 "a recipient refused for now: exit 75"
like "$SEND_ERR" "not delivered to 'busy@example.org': 450 4.2.1" \
	"the refused recipient is named"
is "$(in_outbox)" 1 "kept in the outbox for the refused recipient"
"$POSTIE" -F "$TEST_TMP/rc" outbox show 1 >"$TEST_TMP/show" 2>&1
like "$(cat "$TEST_TMP/show")" "to:        busy@example.org" \
	"outbox entry now holds the refused recipient"
unlike "$(cat "$TEST_TMP/show")" "to:        bob@example.org" \
	"and not the one that got it"

# postie killed while waiting for the reply to the final dot: nothing is
# lost, and the next look at the outbox says the outcome is unknown.
cat >"$TEST_TMP/kill" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250 mx.test
expect MAIL FROM:*
send 250 ok
expect RCPT TO:*
send 250 ok
expect DATA
send 354 go
skip-data
stall 10
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/kill" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
printf 'kill me\n' >"$TEST_TMP/body"
POSTIE_TIMEOUT=30 "$POSTIE" -F "$TEST_TMP/rc" send -s killed bob@example.org \
	<"$TEST_TMP/body" >/dev/null 2>&1 &
pid=$!
i=0
while ! grep -q '^C: \.$' "$SRV_LOG" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
is "$(in_outbox)" 1 "killed after the final dot: message still in the outbox"
"$POSTIE" -F "$TEST_TMP/rc" outbox list >"$TEST_TMP/list" 2>&1
like "$(cat "$TEST_TMP/list")" "unknown" \
	"an attempt cut short by a kill loads as unknown"
ok "nothing left half-written in tmp/" test "$(count_dir "$OUTBOX/tmp")" = 0
kill "$SRV_PID" 2>/dev/null
wait_srv

done_testing
