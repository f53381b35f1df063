#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The IMAP session against the lab's real Dovecot, over STARTTLS and
# implicit TLS: login (with carol's password that needs quoting), LIST
# with a Chinese folder name decoded from modified UTF-7, SELECT of that
# folder by its UTF-8 name, and UID FETCH of messages that arrive byte
# for byte; a wrong password is refused as a login failure.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"

TOOL=$POSTIE_BUILD/tools/imap-fetch
[ -x "$TOOL" ] || bail "missing $TOOL (make tests)"
LAB=$TESTS_DIR/lab/lab.sh

# Two messages: a GBK subject with an 8-bit body, and one with a long
# header line and a body line that is a single dot.
printf 'From: =?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>\r\nTo: alice@lab.test\r\nSubject: =?GBK?B?1tDOxNb3zOI=?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\326\320\316\304\r\n' >"$TEST_TMP/m1"
{
	printf 'From: bob@lab.test\r\nTo: alice@lab.test\r\nSubject: dots\r\nX-Long: '
	i=0
	while [ $i -lt 200 ]; do printf 'abcdefghij'; i=$((i + 1)); done
	printf '\r\n\r\n.\r\n..\r\nend\r\n'
} >"$TEST_TMP/m2"

ok "create folder 已发送" sh "$LAB" doveadm "$LAB_DIR" mailbox create -u alice '已发送'
ok "store message 1 in 已发送" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m1" '已发送'
ok "store message 2 in 已发送" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m2" '已发送'

for mode in starttls imaps; do
	if [ $mode = starttls ]; then port=$LAB_IMAP_PORT; else port=$LAB_IMAPS_PORT; fi
	out=$TEST_TMP/out-$mode
	mkdir -p "$out"
	IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" 127.0.0.1 "$port" $mode "$LAB_CA" \
		alice '已发送' "$out" >"$TEST_TMP/$mode.txt" 2>"$TEST_TMP/$mode.err"
	is "$?" 0 "$mode: session runs"
	[ -s "$TEST_TMP/$mode.err" ] && sed 's/^/#   /' "$TEST_TMP/$mode.err"
	res=$(cat "$TEST_TMP/$mode.txt")
	like "$res" "list 已发送" "$mode: LIST gives the folder's UTF-8 name"
	like "$res" "list INBOX" "$mode: LIST gives INBOX"
	like "$res" "exists 2" "$mode: SELECT counts two messages"
	like "$res" "subject =?GBK?B?1tDOxNb3zOI=?=" "$mode: ENVELOPE subject"
	n=0
	for f in "$out"/*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		if cmp -s "$f" "$TEST_TMP/m1" || cmp -s "$f" "$TEST_TMP/m2"; then
			tap_result 0 "$mode: message $(basename "$f") arrives byte for byte"
		else
			tap_result 1 "$mode: message $(basename "$f") arrives byte for byte"
		fi
	done
	is "$n" 2 "$mode: two messages fetched"
	size1=$(wc -c <"$TEST_TMP/m1" | tr -d ' ')
	like "$res" "size $size1 subject" "$mode: RFC822.SIZE is the stored size"
done

IMAP_PASSWORD=$LAB_PASS_carol "$TOOL" 127.0.0.1 "$LAB_IMAPS_PORT" imaps \
	"$LAB_CA" carol INBOX >"$TEST_TMP/carol.txt" 2>&1
is "$?" 0 "a password with a space, a quote and a backslash logs in"

IMAP_PASSWORD=wrong "$TOOL" 127.0.0.1 "$LAB_IMAPS_PORT" imaps "$LAB_CA" \
	alice INBOX >"$TEST_TMP/wrong.txt" 2>&1
is "$?" 3 "a wrong password is a refused login"
like "$(cat "$TEST_TMP/wrong.txt")" "login refused" "and says so"

IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" 127.0.0.1 "$LAB_IMAPS_PORT" imaps \
	"$LAB_CA" alice 'no such folder' >"$TEST_TMP/nofolder.txt" 2>&1
is "$?" 1 "SELECT of a missing folder fails"
like "$(cat "$TEST_TMP/nofolder.txt")" "cannot open folder 'no such folder'" \
	"and names the folder"

IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" 127.0.0.1 "$LAB_IMAPS_PORT" imaps \
	"$TEST_TMP/m1" alice INBOX >"$TEST_TMP/badca.txt" 2>&1
is "$?" 1 "a certificate not signed by the given CA is refused"

# IDLE: a quiet wait ends with DONE; a message delivered during IDLE
# ends it early with the new count.
IMAP_IDLE_MS=1000 IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" 127.0.0.1 \
	"$LAB_IMAPS_PORT" imaps "$LAB_CA" alice '已发送' >"$TEST_TMP/idle0.txt" 2>&1
is "$?" 0 "a quiet IDLE ends"
like "$(cat "$TEST_TMP/idle0.txt")" "idle 0 exists 2" "with no change"

IMAP_IDLE_MS=20000 IMAP_PASSWORD=$LAB_PASS_alice "$TOOL" 127.0.0.1 \
	"$LAB_IMAP_PORT" starttls "$LAB_CA" alice '已发送' >"$TEST_TMP/idle1.txt" 2>&1 &
idle_pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q idling "$TEST_TMP/idle1.txt"; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
t0=$(date +%s)
ok "deliver a message during IDLE" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m1" '已发送'
wait $idle_pid
is "$?" 0 "IDLE returns"
like "$(cat "$TEST_TMP/idle1.txt")" "idle 1 exists 3" "IDLE saw the new message"
t1=$(date +%s)
ok "IDLE ended early, not after its 20 s" test $((t1 - t0)) -lt 15

done_testing
