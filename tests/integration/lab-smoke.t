#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The mail lab itself, checked with Python's standard clients before any
# postie test leans on it: logins over STARTTLS and implicit TLS with the
# lab's CA and host name verified, SMTP submission with AUTH PLAIN and
# LOGIN, a wrong password refused, no relaying, a message from alice read
# back from bob's INBOX byte for byte, two labs side by side, a watchdog
# that stops a lab whose owner died, bad configurations reported with the
# servers' own words, and stop leaving nothing running.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

LAB=$TEST_TMP/lab
labmail() {
	"$LAB_PYTHON" "$TESTS_DIR/lab/labmail.py" "$@"
}

lab_start "$LAB" || bail "cannot start the mail lab"

# lab.env: every port a number, all of them different
ports="$LAB_IMAP_PORT $LAB_IMAPS_PORT $LAB_POP3_PORT $LAB_POP3S_PORT"
ports="$ports $LAB_SMTP_PORT $LAB_SMTPS_PORT $LAB_MX_PORT"
bad=$(printf '%s\n' $ports | grep -cv '^[1-9][0-9]*$')
is "$bad" 0 "lab.env: seven numeric ports"
is "$(printf '%s\n' $ports | sort -u | wc -l | tr -d ' ')" 7 \
	"lab.env: the ports are distinct"
is "$LAB_HOST $LAB_DOMAIN" "127.0.0.1 lab.test" "lab.env: host and domain"
ok "lab.env: CA certificate present" test -s "$LAB_CA"
ok "lab.env: bob's Maildir present" test -d "$LAB_MAILDIR_bob/new"
ok "lab_start: a watchdog runs" lab_alive "$LAB_WATCHDOG_PID"
ok "server certificate verifies against the lab CA for localhost" \
	openssl verify -CAfile "$LAB_CA" -verify_hostname localhost "$LAB_CERT"
ok "... and for 127.0.0.1" \
	openssl verify -CAfile "$LAB_CA" -verify_ip 127.0.0.1 "$LAB_CERT"

# The system's mail ports are not the lab's.
for p in $ports; do
	case $p in
	25 | 110 | 143 | 465 | 587 | 993 | 995) bad="$bad $p" ;;
	esac
done
is "$bad" 0 "no system mail port in use by the lab"

# IMAP and POP3
out=$(labmail imap-login alice starttls 2>&1)
like "$out" "IMAP4rev1" \
	"IMAP: alice logs in after STARTTLS (CA and name verified)"
like "$out" "MOVE" "IMAP: MOVE advertised by default"
out=$(labmail imap-login bob tls 2>&1)
like "$out" "IMAP4rev1" "IMAPS: bob logs in over implicit TLS"
out=$(labmail --servername mail.example.org imap-login bob tls 2>&1)
like "$out" "certificate verify failed" \
	"IMAPS: a name the certificate lacks is refused by the client"
out=$(labmail imap-login carol tls 2>&1)
like "$out" "IMAP4rev1" "IMAP: carol's password with space, quote, backslash"
out=$(labmail --password wrong imap-login alice tls 2>&1)
like "$out" "imap: NO" "IMAP: a wrong password is refused"
out=$(labmail pop3-login alice stls 2>&1)
is "$out" "0 0" "POP3: alice logs in after STLS, empty maildrop"
out=$(labmail pop3-login alice tls 2>&1)
is "$out" "0 0" "POP3S: alice logs in over implicit TLS"

# SMTP: alice writes to bob twice, once per port and mechanism.
msg() {
	printf 'From: Alice <alice@lab.test>\r\nTo: Bob <bob@lab.test>\r\n'
	printf 'Subject: %s\r\nMessage-ID: <%s@lab.test>\r\n' "$1" "$1"
	printf 'MIME-Version: 1.0\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n'
	printf 'Content-Transfer-Encoding: 8bit\r\n\r\n'
	cat "$TEST_TMP/body"
}
# A leading dot (stuffed on the wire), trailing blanks, 8-bit UTF-8.
printf 'Hello Bob,\r\n.a line that starts with a dot\r\n..and two\r\n' \
	>"$TEST_TMP/body"
printf '\344\275\240\345\245\275\357\274\214\344\270\226\347\225\214\r\n' \
	>>"$TEST_TMP/body"
printf 'trailing blanks   \r\n\t\r\n-- \r\nAlice\r\n' >>"$TEST_TMP/body"

msg one >"$TEST_TMP/one.eml"
msg two >"$TEST_TMP/two.eml"
out=$(labmail smtp-send alice starttls plain alice@lab.test bob@lab.test \
	<"$TEST_TMP/one.eml" 2>&1)
is "$?:$out" "0:" "submission: STARTTLS, then AUTH PLAIN, message accepted"
out=$(labmail smtp-send alice tls login alice@lab.test bob@lab.test \
	<"$TEST_TMP/two.eml" 2>&1)
is "$?:$out" "0:" "smtps: implicit TLS, AUTH LOGIN, message accepted"
out=$(labmail --password wrong smtp-send alice starttls plain \
	alice@lab.test bob@lab.test <"$TEST_TMP/one.eml" 2>&1)
like "$out" "smtp: 535" "submission: a wrong password gets 535"
out=$(labmail --password wrong smtp-send alice tls login \
	alice@lab.test bob@lab.test <"$TEST_TMP/one.eml" 2>&1)
like "$out" "smtp: 535" "smtps: a wrong password gets 535"
out=$(labmail smtp-send alice tls plain alice@lab.test nobody@lab.test \
	<"$TEST_TMP/one.eml" 2>&1)
like "$out" "smtp: all recipients refused" "an unknown lab user is refused"
like "$out" "550" "... with 550"

out=$(labmail smtp-send alice tls plain alice@lab.test who@example.org \
	<"$TEST_TMP/one.eml" 2>&1)
like "$out" "554 5.7.1" "a recipient outside the lab is refused (no relay)"
out=$(labmail smtp-send alice starttls none alice@lab.test bob@lab.test \
	<"$TEST_TMP/one.eml" 2>&1)
like "$out" "smtp: all recipients refused" \
	"submission: no mail without AUTH"
out=$(labmail smtp-send alice mx none someone@example.org carol@lab.test \
	<"$TEST_TMP/one.eml" 2>&1)
is "$?:$out" "0:" "MX port: mail for a lab user accepted without AUTH"
out=$(labmail smtp-send alice mx none someone@example.org who@example.org \
	<"$TEST_TMP/one.eml" 2>&1)
like "$out" "554 5.7.1" "MX port: no relaying"
ok "the MX message reaches carol's INBOX" lab_wait_mail "$LAB" carol 1 20

# Raw UTF-8 in the headers (no SMTPUTF8 offered, since Dovecot's LMTP
# could not take it): accepted as 8-bit data and delivered.
printf 'From: \345\274\240\344\270\211 <alice@lab.test>\r\n' \
	>"$TEST_TMP/utf8.eml"
printf 'To: carol@lab.test\r\nSubject: \344\275\240\345\245\275\r\n\r\nhi\r\n' \
	>>"$TEST_TMP/utf8.eml"
out=$(labmail smtp-send alice tls plain alice@lab.test carol@lab.test \
	<"$TEST_TMP/utf8.eml" 2>&1)
is "$?:$out" "0:" "raw UTF-8 headers accepted without SMTPUTF8"
ok "... and delivered to carol" lab_wait_mail "$LAB" carol 2 20

ok "both messages reach bob's INBOX" lab_wait_mail "$LAB" bob 2 20
is "$(sh "$LAB_SH" count "$LAB" bob)" 2 "lab.sh count: 2 for bob"
is "$(sh "$LAB_SH" count "$LAB" alice)" 0 "lab.sh count: 0 for alice"

labmail imap-fetch bob INBOX 1 >"$TEST_TMP/got1.eml"
is "$?" 0 "IMAP: bob fetches message 1"
# The body is everything after the first empty line, as delivered.
awk 'BEGIN { RS = "\r\n\r\n" }
	NR == 1 { next }
	{ printf "%s", sep $0; sep = RS }' \
	"$TEST_TMP/got1.eml" >"$TEST_TMP/got1.body"
ok "IMAP: the body is byte for byte what alice sent" \
	cmp "$TEST_TMP/body" "$TEST_TMP/got1.body"
like "$(grep -c 'Message-ID: <one@lab.test>' "$TEST_TMP/got1.eml")" 1 \
	"IMAP: message 1 is the one sent first"
out=$(labmail pop3-login bob tls 2>&1)
like "$out" "2 " "POP3: bob's maildrop has the 2 messages"

# put: bytes in, the same bytes out (no header added)
printf 'Subject: =?GB2312?B?xOO6wyDKwL3n?=\nFrom: x@y\n\n%s\n' \
	"$(printf 'raw \304\343\272\303 body')" \
	>"$TEST_TMP/put.eml"
ok "lab.sh put stores a message" \
	sh "$LAB_SH" put "$LAB" carol "$TEST_TMP/put.eml"
labmail imap-fetch carol >"$TEST_TMP/put.got"
# Dovecot serves stored LF line ends as CRLF, as IMAP requires.
sed 's/$/\r/' "$TEST_TMP/put.eml" >"$TEST_TMP/put.crlf"
ok "put: read back byte for byte" cmp "$TEST_TMP/put.crlf" "$TEST_TMP/put.got"
ok "put: into another folder" \
	sh "$LAB_SH" put "$LAB" carol "$TEST_TMP/put.eml" Junk
is "$(labmail imap-count carol Junk 2>&1)" 1 "put: Junk holds it"

fails "wait-mail gives up when the count is not reached" \
	sh "$LAB_SH" wait-mail "$LAB" alice 1 1

# A second lab at the same time, with a configuration change.
# Its owner is a stand-in process: when that dies, the lab must stop.
LAB2=$TEST_TMP/lab2
sleep 120 &
owner=$!
at_exit "kill $owner 2>/dev/null"
LAB_DOVECOT_EXTRA='imap_capability = IMAP4rev1 LITERAL+ IDLE' \
	LAB_OWNER_PID=$owner sh "$LAB_SH" start "$LAB2" 2>"$TEST_TMP/lab2.err"
is "$?" 0 "a second lab starts beside the first"
at_exit "sh '$LAB_SH' stop '$LAB2'"
out=$( (. "$LAB2/lab.env" && echo "$LAB_IMAP_PORT $LAB_SMTP_PORT") )
unlike " $ports " " ${out%% *} " "the second lab has its own IMAP port"
out=$( (. "$LAB2/lab.env" && labmail imap-login alice starttls) 2>&1)
like "$out" "IDLE" "second lab: LAB_DOVECOT_EXTRA applies"
unlike "$out" "MOVE" "second lab: MOVE no longer advertised"
out=$(labmail imap-login alice starttls 2>&1)
like "$out" "MOVE" "first lab unchanged"
lab2_pids=$( (. "$LAB2/lab.env" && echo "$LAB_DOVECOT_PID $LAB_POSTFIX_PID \
	$LAB_WATCHDOG_PID $(lab_descendants $LAB_DOVECOT_PID $LAB_POSTFIX_PID)") )
ok "second lab: its watchdog runs" lab_alive "$(. "$LAB2/lab.env" &&
	echo "$LAB_WATCHDOG_PID")"
kill -9 $owner
n=0
while [ $n -lt 100 ] && [ -n "$(lab_living $lab2_pids)" ]; do
	n=$((n + 1))
	sleep 0.1
done
is "$(lab_living $lab2_pids)" "" \
	"second lab: its owner killed, the watchdog stops it all"

# Bad certificates on purpose (hostile-22 against real servers): each kind
# is served by both Dovecot and Postfix and refused by a verifying client
# for its own reason.
for kc in "expired:certificate has expired" \
	"notyet:certificate is not yet valid" \
	"selfsigned:self-signed certificate" \
	"wronghost:Hostname mismatch" "san-mismatch:Hostname mismatch"; do
	kind=${kc%%:*} why=${kc#*:}
	if ! LAB_CERT_KIND=$kind sh "$LAB_SH" start "$TEST_TMP/$kind" \
		>"$TEST_TMP/$kind.out" 2>&1; then
		tap_result 1 "hostile-22: a lab with a certificate $kind starts"
		sed 's/^/#   /' "$TEST_TMP/$kind.out"
		continue
	fi
	at_exit "sh '$LAB_SH' stop '$TEST_TMP/$kind'"
	out=$( (. "$TEST_TMP/$kind/lab.env" && labmail imap-login alice tls) 2>&1)
	like "$out" "$why" "hostile-22: certificate $kind: IMAPS refused ($why)"
	out=$( (. "$TEST_TMP/$kind/lab.env" && labmail smtp-send alice starttls \
		plain alice@lab.test bob@lab.test <"$TEST_TMP/one.eml") 2>&1)
	like "$out" "$why" "hostile-22: certificate $kind: submission STARTTLS refused"
	sh "$LAB_SH" stop "$TEST_TMP/$kind"
done

# A configuration Dovecot rejects: its own message, a failure, no process.
LAB_DOVECOT_EXTRA='no_such_setting = 1' sh "$LAB_SH" start "$TEST_TMP/bad" \
	>"$TEST_TMP/bad.out" 2>&1
is "$?" 1 "a bad configuration fails the start"
like "$(cat "$TEST_TMP/bad.out")" "no_such_setting" \
	"... and shows Dovecot's own error"
left=$(ps -e -o args= | grep -c "[d]ovecot -c $TEST_TMP/bad/")
is "$left" 0 "... and leaves no Dovecot running"

# Postfix up but its TLS broken: the start sees it, shows Postfix's own
# warning and stops both servers.
LAB_START_TIMEOUT=2 LAB_POSTFIX_EXTRA='smtpd_tls_cert_file = /nonexistent' \
	sh "$LAB_SH" start "$TEST_TMP/badtls" >"$TEST_TMP/badtls.out" 2>&1
is "$?" 1 "broken TLS on the smtps port fails the start"
like "$(cat "$TEST_TMP/badtls.out")" 'certificate from file "/nonexistent"' \
	"... and shows Postfix's own warning"
left=$(ps -e -o args= | grep -c "[/]${TEST_TMP#/}/badtls/")
is "$left" 0 "... and leaves no server running"

# restart: same ports, same mail, new processes, old ones gone
old_pids="$LAB_DOVECOT_PID $LAB_POSTFIX_PID $LAB_WATCHDOG_PID"
old_pids="$old_pids $(lab_descendants $old_pids | tr '\n' ' ')"
old_port=$LAB_IMAPS_PORT
ok "lab_restart succeeds" lab_restart "$LAB"
is "$LAB_IMAPS_PORT" "$old_port" "restart: same IMAPS port"
is "$(lab_living $old_pids)" "" "restart: the old processes are gone"
unlike " $old_pids " " $LAB_DOVECOT_PID " "restart: a new Dovecot"
is "$(labmail imap-count bob 2>&1)" 2 "restart: bob still has his 2 messages"

# stop: every process the lab started, and all their children, are gone.
pids="$LAB_DOVECOT_PID $LAB_POSTFIX_PID $LAB_WATCHDOG_PID"
pids="$pids $(lab_descendants $LAB_DOVECOT_PID $LAB_POSTFIX_PID | tr '\n' ' ')"
n=$(echo $pids | wc -w)
ok "there were processes to stop ($n)" test "$n" -gt 4
ok "lab.sh stop succeeds" lab_stop "$LAB"
alive=""
for p in $pids; do lab_alive "$p" && alive="$alive $p"; done
is "$alive" "" "stop: none of the lab's PIDs is alive"
ok "stop again is harmless" lab_stop "$LAB"
out=$("$LAB_PYTHON" -c '
import socket, sys
for p in sys.argv[1:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p)))
    s.close()
print("free")' $ports 2>&1)
is "$out" "free" "stop: every port can be bound again"

done_testing
