#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie send and postie outbox on the command line: usage errors and
# their exit statuses, header injection through -s refused before
# anything is queued (hostile-32), plaintext SMTP refused, -q, and the
# provider's hint when the login is refused.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtp-lib.sh"

make_certs "$TEST_TMP/c" || bail "cannot make certificates"
C="$TEST_TMP/c"
write_rc "smtps://localhost:1" "ca-file = $C/ca.crt"

run_send
is "$SEND_RC" 64 "no recipient: exit 64"
like "$SEND_ERR" "no recipient" "says so"

run_send -x bob@example.org
is "$SEND_RC" 64 "unknown option: exit 64"

run_send -s
is "$SEND_RC" 64 "option without its value: exit 64"

run_send -s "$(printf 'hi\r\nBcc: evil@example.org')" bob@example.org
is "$SEND_RC" 65 "CR LF in -s: refused with exit 65 (hostile-32)"
like "$SEND_ERR" "Subject" "names the field"
is "$(in_outbox)" 0 "nothing queued"

run_send -s t "bob@example.org>, <evil"
is "$SEND_RC" 65 "malformed address: exit 65"
is "$(in_outbox)" 0 "nothing queued"

run_send -s t -a "$TEST_TMP/no-such-file" bob@example.org
is "$SEND_RC" 66 "missing attachment: exit 66"
like "$SEND_ERR" "no-such-file" "names the file"

run_send -A nope -s t bob@example.org
is "$SEND_RC" 78 "unknown account: exit 78"
like "$SEND_ERR" "no account 'nope'" "says which"

"$POSTIE" -F "$TEST_TMP/rc" outbox frobnicate >/dev/null 2>&1
is "$?" 64 "outbox: unknown sub-command exit 64"
"$POSTIE" -F "$TEST_TMP/rc" outbox show 3 >"$TEST_TMP/o" 2>&1
is "$?" 64 "outbox show of a missing number: exit 64"
"$POSTIE" -F "$TEST_TMP/rc" outbox >"$TEST_TMP/o" 2>&1
like "$(cat "$TEST_TMP/o")" "empty" "outbox with nothing in it says so"

# -q queues only; list shows it with its subject.
run_send -q -s "queued only" "Bob <bob@example.org>" -c carol@example.org
is "$SEND_RC" 0 "-q: exit 0"
is "$(in_outbox)" 1 "-q: queued"
"$POSTIE" -F "$TEST_TMP/rc" outbox list >"$TEST_TMP/o" 2>&1
like "$(cat "$TEST_TMP/o")" "queued" "listed as queued"
like "$(cat "$TEST_TMP/o")" "queued only" "with its subject"
"$POSTIE" -F "$TEST_TMP/rc" outbox show 1 >"$TEST_TMP/o" 2>&1
like "$(cat "$TEST_TMP/o")" "to:        carol@example.org" \
	"show lists every envelope recipient"
ok "files in the outbox are private" \
	test -z "$(find "$OUTBOX" -type f -perm /077)"
ok "directories in the outbox are private" \
	test -z "$(find "$XDG_DATA_HOME/postie/t" -type d -perm /077)"

# Two accounts: list and flush without -A cover both.
cat >>"$TEST_TMP/rc" <<'RC'
[account "u"]
	address = carol@example.org
	receive = imaps://127.0.0.1:1
	send = smtps://localhost:1
RC
run_send -A u -q -s "from carol" dave@example.org
is "$SEND_RC" 0 "-A u -q: queued in the second account"
"$POSTIE" -F "$TEST_TMP/rc" outbox list >"$TEST_TMP/o" 2>&1
like "$(cat "$TEST_TMP/o")" "[account u]" "list without -A shows every account"
like "$(cat "$TEST_TMP/o")" "from carol" "with the second account's message"
"$POSTIE" -F "$TEST_TMP/rc" -A u outbox list >"$TEST_TMP/o" 2>&1
unlike "$(cat "$TEST_TMP/o")" "queued only" "-A limits the list to one account"
ok "each account has its own outbox" \
	test "$(count_dir "$XDG_DATA_HOME/postie/u/outbox/new")" = 1

# Plaintext SMTP is refused: the message stays, held.
rm -rf "$XDG_DATA_HOME"
write_rc "smtp+insecure://localhost:1"
run_send -s t bob@example.org
is "$SEND_RC" 78 "smtp+insecure: refused with exit 78"
like "$SEND_ERR" "plaintext" "says why"
is "$(in_outbox)" 1 "message kept"

# A refused login on a provider account prints the provider's hint.
cat >"$TEST_TMP/s535" <<'S'
send 220 smtp.qq.com Esmtp QQ Mail Server
expect EHLO *
send 250-smtp.qq.com
send 250 AUTH LOGIN PLAIN
expect AUTH PLAIN *
send 535 Login fail. Authorization code is expired
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/s535" --implicit-tls --cert "$C/good.crt" \
	--key "$C/good.key"
write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt" "preset = qq"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 1 "QQ login refused: exit 1"
like "$SEND_ERR" "535 Login fail" "server text shown"
like "$SEND_ERR" "hint: QQ Mail wants an authorisation code" \
	"the provider's hint is shown"
is "$(in_outbox)" 1 "message kept in the outbox (hostile-33)"

done_testing
