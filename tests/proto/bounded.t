#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The huge inputs of HOSTILE.md, each run by the real postie binary under
# a memory cap (ulimit -v, i.e. RLIMIT_AS) and a time cap (timeout), so
# that "bounded" is measured, not assumed. Each must end with a clear
# result inside both caps: a crash, an abort on a failed allocation or a
# timeout all fail the test.
#
#   postie cat: a 100 MB preamble (hostile-37), 1,000,000 parts
#   (hostile-36), multiparts nested 10,000 deep (hostile-36, -12), a
#   10 MB header line (hostile-35);
#   postie sync (IMAP): an untagged line of 10 MB without CRLF
#   (hostile-3), a 1 GB literal announced in a FETCH and then streamed
#   (hostile-1); postie sync (POP3) and postie send (SMTP): a 10 MB
#   greeting line (hostile-3).
#
# The caps leave room for the program itself (threads, libraries, SQLite)
# and, for postie cat, for the message, which it reads whole. Time and
# peak RSS of each run are printed as diagnostics.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smtp-lib.sh"

# limited MB SECONDS CMD...: run CMD with an address-space cap of MB and
# a time cap; stdout to $TEST_TMP/lim.out, stderr to $TEST_TMP/lim.err,
# "SECONDS RSS_KB" to $TEST_TMP/lim.time. Returns CMD's status (124 when
# it ran out of time).
limited() {
	mb=$1 secs=$2
	shift 2
	(
		[ -n "$ASAN" ] || ulimit -v $((mb * 1024)) || exit 90
		exec /usr/bin/time -f '%e %M' -o "$TEST_TMP/lim.time" \
			timeout -s KILL "$secs" "$@"
	) >"$TEST_TMP/lim.out" 2>"$TEST_TMP/lim.err"
	st=$?
	diag "$(basename "$1") $*: $(cat "$TEST_TMP/lim.time" 2>/dev/null |
		tail -1 | awk '{ printf "%s s, peak RSS %d KB", $1, $2 }') (cap $mb MB, $secs s)"
	return $st
}

[ -x /usr/bin/time ] || bail "/usr/bin/time is missing (Debian package time)"
# An AddressSanitizer build maps terabytes of shadow memory: no address
# space cap fits it, so it runs with the time cap alone, and says so.
ASAN=
if grep -q __asan_init "$POSTIE" 2>/dev/null; then
	ASAN=1
	diag "ASan build: the address-space caps are not applied, only the time caps"
fi

python3 - "$TEST_TMP" <<'PY' || bail "cannot write the test messages"
import sys
d = sys.argv[1]
hdr = b"From: a@example.org\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
with open(d + "/preamble.eml", "wb") as f:
    f.write(hdr % b"big preamble")
    f.write(b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n')
    line = b"preamble text, on and on " * 3 + b"\r\n"
    f.write(line * (100 * 1024 * 1024 // len(line)))
    f.write(b"--b\r\nContent-Type: text/plain\r\n\r\nthe real body\r\n--b--\r\n")
with open(d + "/parts.eml", "wb") as f:
    f.write(hdr % b"a million parts")
    f.write(b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n')
    f.write(b"--b\r\n\r\nx\r\n" * 1000000)
    f.write(b"--b--\r\n")
with open(d + "/deep.eml", "wb") as f:
    f.write(hdr % b"deep")
    f.write(b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n')
    for i in range(1, 10001):
        f.write(b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n'
                % (i - 1, i))
    f.write(b"--b10000\r\n\r\ndeepest text\r\n")
    for i in range(10000, -1, -1):
        f.write(b"--b%d--\r\n" % i)
with open(d + "/longline.eml", "wb") as f:
    f.write(b"From: a@example.org\r\nSubject: " + b"y" * (10 << 20) +
            b"\r\n\r\nbody after the long line\r\n")
PY

# --- postie cat ---------------------------------------------------------
limited 256 30 "$POSTIE" cat "$TEST_TMP/preamble.eml"
is "$?" 0 "hostile-37: a 100 MB preamble renders under 256 MB and 30 s"
like "$(cat "$TEST_TMP/lim.out")" "the real body" \
	"hostile-37: the part after the preamble is shown"
rm -f "$TEST_TMP/preamble.eml"

limited 64 30 "$POSTIE" cat "$TEST_TMP/parts.eml"
is "$?" 0 "hostile-36: 1,000,000 parts render under 64 MB and 30 s"
like "$(cat "$TEST_TMP/lim.out")" "nesting or part limits reached" \
	"hostile-36: the part limit is said"

limited 64 30 "$POSTIE" cat "$TEST_TMP/deep.eml"
is "$?" 0 "hostile-36: nesting 10,000 deep renders under 64 MB and 30 s"
like "$(cat "$TEST_TMP/lim.out")" "nesting or part limits reached" \
	"hostile-36: the depth limit is said"

limited 128 30 "$POSTIE" cat "$TEST_TMP/longline.eml"
is "$?" 0 "hostile-35: a 10 MB header line renders under 128 MB and 30 s"
like "$(cat "$TEST_TMP/lim.out")" "body after the long line" \
	"hostile-35: the body after it is shown"

# --- servers ------------------------------------------------------------
make_certs "$TEST_TMP/c" || bail "cannot make certificates"
C=$TEST_TMP/c
export POSTIE_TIMEOUT=20

# server_run PROTO SCRIPT: the account in the dotfile points at a
# scripted server over implicit TLS
server_rc() {
	start_srv "$2" --implicit-tls --cert "$C/good.crt" --key "$C/good.key"
	{
		echo '[account "t"]'
		echo '	address = alice@example.org'
		case $1 in
		imap) echo "	receive = imaps://localhost:$SRV_PORT" ;;
		pop3) echo "	receive = pop3s://localhost:$SRV_PORT" ;;
		smtp) echo '	receive = imaps://localhost:1'
		      echo "	send = smtps://localhost:$SRV_PORT" ;;
		esac
		echo '	user = alice'
		echo '	password = s3cret-pw'
		echo "	ca-file = $C/ca.crt"
	} >"$TEST_TMP/rc"
	chmod 600 "$TEST_TMP/rc"
}

cat >"$TEST_TMP/imap-line" <<'S'
send * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] scripted
expect A1 LOGIN *
send A1 OK [CAPABILITY IMAP4rev1] logged in
expect A2 LIST *
big 10485760 a
close
S
server_rc imap "$TEST_TMP/imap-line"
limited 64 30 "$POSTIE" -F "$TEST_TMP/rc" sync t
st=$?
wait_srv
ok "hostile-3: IMAP: the line came as the LIST reply" client_sent "A2 LIST"
ok "hostile-3: IMAP: a 10 MB line fails the sync (exit $st)" \
	test "$st" -ne 0 -a "$st" -lt 124
like "$(cat "$TEST_TMP/lim.err")" "too long" \
	"hostile-3: IMAP: says the line is too long, under 64 MB and 30 s"

cat >"$TEST_TMP/imap-literal" <<'S'
send * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] scripted
expect A1 LOGIN *
send A1 OK [CAPABILITY IMAP4rev1] logged in
expect A2 LIST *
send * LIST () "/" INBOX
send A2 OK done
expect A3 EXAMINE INBOX
send * 1 EXISTS
send * OK [UIDVALIDITY 7] ok
send * OK [UIDNEXT 2] ok
send A3 OK [READ-ONLY] done
expect A4 UID FETCH *
send * 1 FETCH (UID 1 FLAGS () RFC822.SIZE 10 BODY[HEADER.FIELDS (FROM)] {1073741824}
forever xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
S
server_rc imap "$TEST_TMP/imap-literal"
limited 64 30 "$POSTIE" -F "$TEST_TMP/rc" sync t
st=$?
wait_srv
ok "hostile-1: IMAP: the literal came in the FETCH reply" \
	client_sent "A4 UID FETCH"
ok "hostile-1: IMAP: a 1 GB literal fails the sync (exit $st)" \
	test "$st" -ne 0 -a "$st" -lt 124
like "$(cat "$TEST_TMP/lim.err")" "literal" \
	"hostile-1: IMAP: says the literal is refused, under 64 MB and 30 s"
[ "$st" -ne 0 ] && diag "$(cat "$TEST_TMP/lim.err")"

printf 'big 10485760 +\nclose\n' >"$TEST_TMP/pop3-line"
server_rc pop3 "$TEST_TMP/pop3-line"
limited 64 30 "$POSTIE" -F "$TEST_TMP/rc" sync t
st=$?
wait_srv
ok "hostile-3: POP3: a 10 MB greeting fails the sync (exit $st)" \
	test "$st" -ne 0 -a "$st" -lt 124
like "$(cat "$TEST_TMP/lim.err")" "too long" \
	"hostile-3: POP3: says the line is too long, under 64 MB and 30 s"

printf 'big 10485760 2\nclose\n' >"$TEST_TMP/smtp-line"
server_rc smtp "$TEST_TMP/smtp-line"
echo hi >"$TEST_TMP/body"
limited 64 30 sh -c 'exec "$0" -F "$1" send -s big bob@example.org <"$2"' \
	"$POSTIE" "$TEST_TMP/rc" "$TEST_TMP/body"
st=$?
wait_srv
ok "hostile-3: SMTP: a 10 MB greeting fails the send (exit $st)" \
	test "$st" -ne 0 -a "$st" -lt 124
like "$(cat "$TEST_TMP/lim.err")" "too long" \
	"hostile-3: SMTP: says the line is too long, under 64 MB and 30 s"
is "$(in_outbox)" 1 "hostile-3: SMTP: the message stays in the outbox"

done_testing
