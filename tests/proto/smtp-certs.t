#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Certificate checks over implicit TLS and STARTTLS, with certificates the
# test makes: expired, self-signed, unknown issuer, wrong host, a pinned
# fingerprint (hostile-22). A failure names the reason, the subject and
# the fingerprint, sends nothing, and keeps the message in the outbox.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtp-lib.sh"

make_certs "$TEST_TMP/c" || bail "cannot make certificates"
C="$TEST_TMP/c"

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

# try NAME CERT "extra rc lines"...: one implicit-TLS send; sets SEND_RC
try() {
	name=$1
	cert=$2
	shift 2
	rm -rf "$XDG_DATA_HOME"
	start_srv "$TEST_TMP/ok" --implicit-tls --cert "$C/$cert.crt" \
		--key "$C/$cert.key"
	write_rc "smtps://localhost:$SRV_PORT" "$@"
	sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
	run_send -s "cert $name" bob@example.org
	wait_srv
}

# refused NAME WANT: the last try failed for the right reason, sent
# nothing, and kept the message.
refused() {
	is "$SEND_RC" 75 "$1: refused (exit 75)"
	like "$SEND_ERR" "$2" "$1: says '$2'"
	fails "$1: nothing sent to the server" client_sent EHLO
	is "$(in_outbox)" 1 "$1: message still in the outbox"
}

try "good" good "ca-file = $C/ca.crt"
is "$SEND_RC" 0 "trusted certificate with ca-file: sent"
is "$(in_sent)" 1 "in Sent"

try "expired" expired "ca-file = $C/ca.crt"
refused "expired (hostile-22)" "certificate expired"
like "$SEND_ERR" "subject: CN=localhost" "expired: names the subject"
like "$SEND_ERR" "issuer: CN=postie test CA" "expired: names the issuer"
fp=$(fingerprint "$C/expired.crt" | tr -d : | tr A-F a-f)
like "$SEND_ERR" "sha256:$fp" "expired: gives the SHA-256 fingerprint"

try "self-signed" self "ca-file = $C/ca.crt"
refused "self-signed (hostile-22)" "self-signed certificate"
like "$SEND_ERR" "tls-fingerprint" "self-signed: says how to pin it"

try "unknown issuer" good
refused "unknown CA (system store)" "unknown issuer"

try "wrong host" wrong "ca-file = $C/ca.crt"
refused "CN matches but SAN does not: wrong host (hostile-22)" "wrong host"

try "pinned self-signed" self "tls-fingerprint = $(fingerprint "$C/self.crt")"
is "$SEND_RC" 0 "self-signed with its fingerprint pinned: sent"
[ "$SEND_RC" = 0 ] || diag "$SEND_ERR"

try "pin mismatch" good "ca-file = $C/ca.crt" \
	"tls-fingerprint = $(fingerprint "$C/self.crt")"
refused "trusted chain, other pin" "does not match the pinned"

try "pinned wrong host" wrong \
	"tls-fingerprint = $(fingerprint "$C/wrong.crt")"
refused "a pin does not excuse a wrong host" "wrong host"

try "pinned expired" expired \
	"tls-fingerprint = $(fingerprint "$C/expired.crt")"
refused "a pin does not excuse expiry" "certificate expired"

# Weak keys, weak signatures and old protocol versions (hostile-22).
try_weak() { # name cert [scriptsrv options...]
	name=$1
	cert=$2
	shift 2
	rm -rf "$XDG_DATA_HOME"
	start_srv "$TEST_TMP/ok" --implicit-tls --cert "$C/$cert.crt" \
		--key "$C/$cert.key" "$@"
	write_rc "smtps://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
	sed -i '/password/d;/user = /d' "$TEST_TMP/rc"
	run_send -s "cert $name" bob@example.org
	wait_srv
}
try_weak "1024-bit RSA" weakkey --weak
refused "1024-bit RSA key (hostile-22)" "weak key"
try_weak "SHA-1 signature" sha1 --weak
refused "SHA-1 signature (hostile-22)" "weak signature algorithm"
try_weak "TLS 1.0 only" good --max-tls 1.0
refused "TLS 1.0-only server (hostile-22)" "offers no TLS version from 1.2 up"
try_weak "TLS 1.1 only" good --max-tls 1.1
refused "TLS 1.1-only server" "tls handshake with 'localhost' failed"
try_weak "TLS 1.2" good --max-tls 1.2
is "$SEND_RC" 0 "TLS 1.2 server: accepted"

# The same checks after STARTTLS.
cat >"$TEST_TMP/st" <<'S'
send 220 mx.test ESMTP
expect EHLO *
send 250-mx.test
send 250 STARTTLS
expect STARTTLS
send 220 go ahead
starttls
wait-close
S
rm -rf "$XDG_DATA_HOME"
start_srv "$TEST_TMP/st" --cert "$C/expired.crt" --key "$C/expired.key"
write_rc "smtp://localhost:$SRV_PORT" "ca-file = $C/ca.crt"
run_send -s t bob@example.org
wait_srv
is "$SEND_RC" 75 "STARTTLS with an expired certificate: refused"
like "$SEND_ERR" "certificate expired" "says why"
fails "no AUTH after a refused certificate" client_sent AUTH
is "$(in_outbox)" 1 "message still in the outbox"

done_testing
