#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie send against the scripted server: STARTTLS done right (with the
# server's output split at every byte and at random points: hostile-4),
# capabilities relearnt after TLS (hostile-21), and STARTTLS missing,
# refused or followed by injected bytes (hostile-18, -20): each of those
# ends in a clear error, with no AUTH or MAIL sent and the message still
# in the outbox.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtp-lib.sh"

make_certs "$TEST_TMP/c" || bail "cannot make certificates"
C="$TEST_TMP/c"

cat >"$TEST_TMP/good.script" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250-AUTH LOGIN
send 250 STARTTLS
expect STARTTLS
send 220 2.0.0 go ahead
starttls
expect EHLO *
send 250-mx.test
send 250-PIPELINING
send 250-8BITMIME
send 250-SIZE 10000000
send 250 AUTH PLAIN LOGIN
expect AUTH PLAIN *
send 235 2.7.0 ok
expect MAIL FROM:<alice@example.org> SIZE=*
expect RCPT TO:<bob@example.org>
expect DATA
send 250 2.1.0 ok
send 250 2.1.5 ok
send 354 go
expect-data
send 250 2.0.0 queued as 1
expect QUIT
send 221 bye
S

export POSTIE_TRACE=smtp
for split in none byte random; do
	rm -rf "$XDG_DATA_HOME" "$TEST_TMP/data.out"
	start_srv "$TEST_TMP/good.script" --cert "$C/good.crt" \
		--key "$C/good.key" --split $split --seed 7 \
		--data-out "$TEST_TMP/data.out"
	write_rc "smtp://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
	run_send -s "hi there" bob@example.org
	wait_srv
	is "$SEND_RC" 0 "split $split: sent over STARTTLS (exit 0)"
	[ "$SEND_RC" = 0 ] || diag "$SEND_ERR" "$(cat "$SRV_LOG")"
	is "$(in_outbox)" 0 "split $split: outbox empty after 250"
	is "$(in_sent)" 1 "split $split: message in Sent"
	ok "split $split: AUTH PLAIN chosen from post-TLS list (hostile-21)" \
		client_sent "AUTH PLAIN"
	like "$(cat "$TEST_TMP/data.out")" "Subject: hi there" \
		"split $split: server got the message"
	ok "split $split: lone dot line dot-stuffed and unstuffed intact" \
		grep -qx '.' "$TEST_TMP/data.out"
done
unset POSTIE_TRACE
log=$(cat "$XDG_STATE_HOME/postie/postie.log" 2>/dev/null)
like "$log" "smtp: state starttls -> ehlo" "the log traces state transitions"
like "$log" "smtp >>> AUTH PLAIN *****" "the trace masks the AUTH argument"
unlike "$log" "s3cret-pw" "no password in the log"
unlike "$log" "$(printf '\0alice\0s3cret-pw' | base64)" \
	"nor its base64 form"
like "$log" "accepted for 1 of 1 recipients" "the log records the delivery"
unlike "$(cat "$SRV_LOG")" "s3cret-pw" "password never in clear in the transcript"
ok "server saw TLS" grep -q '^!: tls up' "$SRV_LOG"

# The server does not offer STARTTLS (hostile-18).
cat >"$TEST_TMP/nostarttls.script" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250 AUTH PLAIN LOGIN
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/nostarttls.script"
write_rc "smtp://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 75 "no STARTTLS offered: exit 75 (hostile-18)"
like "$SEND_ERR" "does not offer STARTTLS" "says STARTTLS is missing"
fails "no AUTH sent in the clear" client_sent AUTH
fails "no MAIL sent in the clear" client_sent MAIL
is "$(in_outbox)" 1 "message still in the outbox"

# STARTTLS refused (hostile-18).
cat >"$TEST_TMP/refused.script" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250 STARTTLS
expect STARTTLS
send 454 4.7.0 TLS not available due to temporary reason
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/refused.script"
write_rc "smtp://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 75 "STARTTLS refused: exit 75"
like "$SEND_ERR" "refused STARTTLS: 454 4.7.0" "says so with the server text"
fails "no AUTH after refused STARTTLS" client_sent AUTH
fails "no MAIL after refused STARTTLS" client_sent MAIL
is "$(in_outbox)" 1 "message still in the outbox"
"$POSTIE" -F "$TEST_TMP/rc" outbox list >"$TEST_TMP/list" 2>&1
like "$(cat "$TEST_TMP/list")" "retry" "outbox list shows it waiting for a retry"
like "$(cat "$TEST_TMP/list")" "454 4.7.0" "with the server's reason"

# Bytes injected after the STARTTLS go-ahead (hostile-20, CVE-2020-14954).
cat >"$TEST_TMP/inject.script" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250 STARTTLS
expect STARTTLS
raw '220 2.0.0 go ahead\r\n250-mx.test\r\n250 AUTH PLAIN\r\n'
starttls
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/inject.script" --cert "$C/good.crt" --key "$C/good.key"
write_rc "smtp://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
isnt_zero=$([ "$SEND_RC" != 0 ] && echo yes)
is "$isnt_zero" yes "injected bytes after 220: send fails (hostile-20)"
like "$SEND_ERR" "injection" "says it was a response injection"
fails "no AUTH after injection" client_sent AUTH
fails "no MAIL after injection" client_sent MAIL
is "$(in_outbox)" 1 "message still in the outbox"

# Garbage instead of a greeting (hostile-19).
cat >"$TEST_TMP/garbage.script" <<'S'
send * PREAUTH IMAP4rev1 server logged in as alice
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/garbage.script"
write_rc "smtp://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 75 "garbage greeting: exit 75 (hostile-19)"
like "$SEND_ERR" "malformed reply line" "says the reply is malformed"
fails "nothing sent after a garbage greeting" client_sent EHLO
is "$(in_outbox)" 1 "message still in the outbox"

done_testing
