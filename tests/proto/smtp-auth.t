#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Authentication through postie send against the scripted server: the
# OAuth mechanisms with a token from oauth-token-command (OAUTHBEARER
# preferred, XOAUTH2 next, the error challenge answered as each RFC
# says), LOGIN when it is all that is offered, no usable mechanism, and a
# password-command that fails: each with the message kept when it must
# be (hostile-33).

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtp-lib.sh"

make_certs "$TEST_TMP/c" || bail "cannot make certificates"
C="$TEST_TMP/c"
TLS="--implicit-tls --cert $C/good.crt --key $C/good.key"

# token_rc: the dotfile with a token command instead of a password
token_rc() {
	write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt" \
		"oauth-token-command = printf ya29.tok3n"
	sed -i '/password = /d' "$TEST_TMP/rc"
}

tail_ok() { # the end of a transaction, as a script
	cat <<'S'
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
}

# OAUTHBEARER preferred when both are offered.
{
	echo "send 220 mx.test ESMTP"
	echo "expect EHLO *"
	echo "send 250-mx.test"
	echo "send 250 AUTH PLAIN XOAUTH2 OAUTHBEARER"
	echo "expect AUTH OAUTHBEARER *"
	echo "send 235 2.7.0 ok"
	tail_ok
} >"$TEST_TMP/ob"
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/ob" $TLS
token_rc
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 0 "OAUTHBEARER with a token: sent"
[ "$SEND_RC" = 0 ] || diag "$SEND_ERR"
b64=$(sed -n 's/^C: AUTH OAUTHBEARER //p' "$SRV_LOG")
raw=$(printf '%s' "$b64" | base64 -d | tr '\001' '|')
like "$raw" "n,a=alice,|host=localhost|port=$SRV_PORT|auth=Bearer ya29.tok3n||" \
	"OAUTHBEARER initial response (RFC 7628)"

# XOAUTH2 refused: the error challenge gets an empty answer, then 535.
cat >"$TEST_TMP/xo" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250 AUTH LOGIN XOAUTH2
expect AUTH XOAUTH2 *
send 334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=
expect 
send 535 5.7.8 Username and Password not accepted
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/xo" $TLS
token_rc
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 1 "XOAUTH2 refused: exit 1"
like "$SEND_ERR" "535 5.7.8 Username and Password not accepted" \
	"server text shown"
ok "the error challenge was answered with an empty line" \
	grep -qx 'C: ' "$SRV_LOG"
is "$(in_outbox)" 1 "message held"

# A password but only OAuth offered: no usable mechanism.
cat >"$TEST_TMP/none" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250 AUTH XOAUTH2 CRAM-MD5
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/none" $TLS
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 1 "no usable mechanism: exit 1"
like "$SEND_ERR" "no authentication mechanism usable with a password" \
	"says so"
like "$SEND_ERR" "XOAUTH2 CRAM-MD5" "and lists what the server offers"
fails "no AUTH attempted" client_sent AUTH
is "$(in_outbox)" 1 "message held"

# LOGIN only.
{
	echo "send 220 mx.test ESMTP"
	echo "expect EHLO *"
	echo "send 250-mx.test"
	echo "send 250 AUTH LOGIN"
	echo "expect AUTH LOGIN"
	echo "send 334 VXNlcm5hbWU6"
	echo "expect YWxpY2U="
	echo "send 334 UGFzc3dvcmQ6"
	echo "expect czNjcmV0LXB3"
	echo "send 235 2.7.0 ok"
	tail_ok
} >"$TEST_TMP/login"
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/login" $TLS --split byte
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 0 "AUTH LOGIN, server output split at every byte: sent"
[ "$SEND_RC" = 0 ] || diag "$SEND_ERR" "$(cat "$SRV_LOG")"

# A password-command that fails: nothing sent, held, configuration exit.
rm -rf "$XDG_DATA_HOME"
write_rc "smtps://localhost:1" "ca-file = $C/ca.crt" "password-command = false"
sed -i '/password = /d' "$TEST_TMP/rc"
run_send -s t bob@example.org
is "$SEND_RC" 78 "failing password-command: exit 78"
like "$SEND_ERR" "password-command" "names the setting"
is "$(in_outbox)" 1 "message kept in the outbox"

done_testing
