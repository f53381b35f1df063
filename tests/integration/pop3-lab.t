#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The POP3 session against the lab's real Dovecot, over STLS and
# implicit TLS: login, STAT, UIDL, and RETR of messages with dot-stuffed
# lines and 8-bit text that must arrive byte for byte; a wrong password
# is refused as a login failure.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"

TOOL=$POSTIE_BUILD/tools/pop3-fetch
[ -x "$TOOL" ] || bail "missing $TOOL (make tests)"
LAB=$TESTS_DIR/lab/lab.sh

printf 'From: a@lab.test\r\nTo: bob@lab.test\r\nSubject: =?GBK?B?1tDOxA==?=\r\n\r\n\326\320\316\304\r\n' >"$TEST_TMP/m1"
printf 'From: a@lab.test\r\nTo: bob@lab.test\r\nSubject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\nend\r\n' >"$TEST_TMP/m2"
ok "store message 1" sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m1"
ok "store message 2" sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m2"

for mode in stls pop3s; do
	if [ $mode = stls ]; then port=$LAB_POP3_PORT; else port=$LAB_POP3S_PORT; fi
	out=$TEST_TMP/out-$mode
	mkdir -p "$out"
	POP3_PASSWORD=$LAB_PASS_bob "$TOOL" 127.0.0.1 "$port" $mode "$LAB_CA" \
		bob "$out" >"$TEST_TMP/$mode.txt" 2>"$TEST_TMP/$mode.err"
	is "$?" 0 "$mode: session runs"
	[ -s "$TEST_TMP/$mode.err" ] && sed 's/^/#   /' "$TEST_TMP/$mode.err"
	res=$(cat "$TEST_TMP/$mode.txt")
	like "$res" "stat 2 " "$mode: STAT counts two messages"
	is "$(grep -c '^uidl [12] ' "$TEST_TMP/$mode.txt")" 2 \
		"$mode: UIDL lists both"
	if cmp -s "$out/1" "$TEST_TMP/m1"; then r=0; else r=1; fi
	tap_result $r "$mode: 8-bit message arrives byte for byte"
	if cmp -s "$out/2" "$TEST_TMP/m2"; then r=0; else r=1; fi
	tap_result $r "$mode: dot-stuffed lines arrive byte for byte"
done

POP3_PASSWORD=wrong "$TOOL" 127.0.0.1 "$LAB_POP3S_PORT" pop3s "$LAB_CA" bob \
	>"$TEST_TMP/wrong.txt" 2>&1
is "$?" 3 "a wrong password is a refused login"
like "$(cat "$TEST_TMP/wrong.txt")" "login refused" "and says so"

POP3_PASSWORD=$LAB_PASS_carol "$TOOL" 127.0.0.1 "$LAB_POP3S_PORT" pop3s \
	"$LAB_CA" carol >"$TEST_TMP/carol.txt" 2>&1
is "$?" 0 "a password with a space, a quote and a backslash logs in"
like "$(cat "$TEST_TMP/carol.txt")" "stat 0 0" "carol's empty maildrop"

done_testing
