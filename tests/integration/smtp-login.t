#!/bin/sh
# SPDX-License-Identifier: ISC
#
# AUTH LOGIN against the real lab: Dovecot offers only LOGIN, so Postfix
# advertises only LOGIN after STARTTLS, and postie must pick it, answer
# both challenges, and keep the password out of the trace.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

export LAB_DOVECOT_EXTRA='auth_mechanisms = login'
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"

export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export HOME="$TEST_TMP/home" POSTIE_TIMEOUT=30 POSTIE_TRACE=smtp
mkdir -p "$HOME"
cat >"$TEST_TMP/rc" <<RC
[account "a"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	send = smtp://127.0.0.1:$LAB_SMTP_PORT
	user = alice
	password-command = printf %s $LAB_PASS_alice
	ca-file = $LAB_CA
RC
chmod 600 "$TEST_TMP/rc"

echo "login" >"$TEST_TMP/body"
"$POSTIE" -v -F "$TEST_TMP/rc" send -s "auth login" bob@lab.test \
	<"$TEST_TMP/body" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
rc=$?
err=$(cat "$TEST_TMP/err")
is "$rc" 0 "AUTH LOGIN: sent"
[ "$rc" = 0 ] || diag "$err"
like "$err" "250-AUTH LOGIN" "server offered LOGIN only"
like "$err" ">>> AUTH LOGIN" "postie chose LOGIN"
like "$err" "<<< 235" "and logged in"
unlike "$err" "$LAB_PASS_alice" "password not in the trace"
unlike "$err" "$(printf %s "$LAB_PASS_alice" | base64)" \
	"nor its base64 form"
ok "arrived in bob's Maildir" lab_wait_mail "$TEST_TMP/lab" bob 1 20

done_testing
