#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie sync of POP3 accounts: against the lab's real Dovecot, "leave"
# (the messages arrive byte for byte in the local Maildir, are indexed for
# postie check, and a second sync downloads nothing) and "delete" over
# STLS (the server is empty afterwards); against a scripted server, a
# connection cut in the middle of RETR loses nothing and duplicates
# nothing, and sends no QUIT (hostile-27).

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
LAB=$TESTS_DIR/lab/lab.sh

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=20
mkdir -p "$HOME"
TAB=$(printf '\t')

cat >"$TEST_TMP/rc" <<RC
[account "keep"]
	address = bob@lab.test
	receive = pop3s://127.0.0.1:$LAB_POP3S_PORT
	user = bob
	password = $LAB_PASS_bob
	ca-file = $LAB_CA
[account "del"]
	address = carol@lab.test
	receive = pop3://127.0.0.1:$LAB_POP3_PORT
	user = carol
	password-command = printenv CAROL_PW
	ca-file = $LAB_CA
	pop3-delete = delete
RC
chmod 600 "$TEST_TMP/rc"
export CAROL_PW="$LAB_PASS_carol"

sync() {
	"$POSTIE" -F "$TEST_TMP/rc" sync "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	st=$?
	[ -s "$TEST_TMP/err" ] && sed 's/^/#   /' "$TEST_TMP/err"
	return $st
}

count_files() {
	find "$1" -type f 2>/dev/null | wc -l | tr -d ' '
}

printf 'From: =?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>\r\nTo: bob@lab.test\r\nSubject: =?GBK?B?1tDOxNb3zOI=?=\r\n\r\n\326\320\316\304\r\n.\r\n..two dots\r\n' >"$TEST_TMP/m1"
printf 'From: carol@lab.test\r\nTo: bob@lab.test\r\nSubject: second\r\n\r\nbody\r\n' >"$TEST_TMP/m2"

for u in bob carol; do
	ok "store message 1 for $u" sh "$LAB" put "$LAB_DIR" $u "$TEST_TMP/m1"
	ok "store message 2 for $u" sh "$LAB" put "$LAB_DIR" $u "$TEST_TMP/m2"
done

# leave
KEEP=$XDG_DATA_HOME/postie/keep/inbox
ok "leave: first sync" sync keep
like "$(cat "$TEST_TMP/out")" "keep: 1 folder, 2 new, 0 changed, 0 removed" \
	"leave: two new"
is "$(count_files "$KEEP/new")" 2 "leave: two files in the local Maildir"
n=0
for f in "$KEEP"/new/*; do
	if cmp -s "$f" "$TEST_TMP/m1" || cmp -s "$f" "$TEST_TMP/m2"; then
		n=$((n + 1))
	fi
done
is "$n" 2 "leave: both arrive byte for byte (dot-stuffed lines too)"
is "$(count_files "$KEEP/tmp")" 0 "leave: nothing left in tmp/"
like "$(cat "$XDG_DATA_HOME/postie/keep/pop3-uidl")" "postie-pop3-uidl 1" \
	"leave: the UIDL file is written"
like "$("$POSTIE" -F "$TEST_TMP/rc" check keep)" "keep${TAB}INBOX${TAB}2${TAB}2" \
	"leave: check counts two unread"
ok "leave: second sync" sync keep
like "$(cat "$TEST_TMP/out")" "keep: 1 folder, 0 new, 0 changed, 0 removed" \
	"leave: the second sync downloads nothing new"
is "$(count_files "$KEEP/new")" 2 "leave: still two files"
is "$(sh "$LAB" count "$LAB_DIR" bob)" 2 "leave: the server keeps both"

# delete, over STLS, with a password-command
DEL=$XDG_DATA_HOME/postie/del/inbox
ok "delete: sync" sync del
like "$(cat "$TEST_TMP/out")" "del: 1 folder, 2 new, 0 changed, 2 removed" \
	"delete: two new, two deleted on the server"
is "$(count_files "$DEL/new")" 2 "delete: two files in the local Maildir"
is "$(sh "$LAB" count "$LAB_DIR" carol)" 0 "delete: the server is empty after"
ok "delete: second sync" sync del
like "$(cat "$TEST_TMP/out")" "del: 1 folder, 0 new" "delete: nothing more"
is "$(count_files "$DEL/new")" 2 "delete: no duplicate"

# hostile-27 against a scripted server over implicit TLS: the connection
# is cut in the middle of RETR 2, after message 1 was stored and DELE'd.
PROTO_DIR=$TESTS_DIR/proto
srv_n=0
start_srv() {
	srv_n=$((srv_n + 1))
	SRV_LOG=$TEST_TMP/srv$srv_n.log
	pf=$TEST_TMP/srv$srv_n.port
	python3 "$PROTO_DIR/scriptsrv.py" --script "$1" --port-file "$pf" \
		--log "$SRV_LOG" --implicit-tls --cert "$LAB_CERT" \
		--key "$LAB_KEY" &
	SRV_PID=$!
	at_exit "kill $SRV_PID 2>/dev/null"
	i=0
	while [ ! -s "$pf" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SRV_PORT=$(cat "$pf" 2>/dev/null)
	[ -n "$SRV_PORT" ] || bail "scripted server did not start"
	cat >"$TEST_TMP/rc" <<RC
[account "cut"]
	address = dave@example.org
	receive = pop3s://127.0.0.1:$SRV_PORT
	user = dave
	password = pw
	ca-file = $LAB_CA
	pop3-delete = delete
RC
	chmod 600 "$TEST_TMP/rc"
}
stop_srv() {
	i=0
	while kill -0 "$SRV_PID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	:
}

opening='send +OK scripted POP3
expect CAPA
send -ERR no CAPA here
expect USER dave
send +OK
expect PASS pw
send +OK logged in
expect UIDL
send +OK
send 1 uid-A
send 2 uid-B
send .'
cat >"$TEST_TMP/cut.script" <<EOF
$opening
expect RETR 1
send +OK
send From: a@example.org
send Subject: first
send
send body one
send .
expect DELE 1
send +OK
expect RETR 2
send +OK
send From: b@example.org
send Subj
close
EOF
cat >"$TEST_TMP/resume.script" <<EOF
$opening
expect DELE 1
send +OK
expect RETR 2
send +OK
send From: b@example.org
send Subject: second
send
send body two
send .
expect DELE 2
send +OK
expect QUIT
send +OK bye
wait-close
EOF

CUT=$XDG_DATA_HOME/postie/cut/inbox
start_srv "$TEST_TMP/cut.script"
fails "hostile-27: a cut during RETR fails the sync" sync cut
stop_srv
like "$(cat "$TEST_TMP/err")" "cut:" "the error names the account"
unlike "$(cat "$SRV_LOG")" "C: QUIT" "no QUIT after the cut"
is "$(count_files "$CUT/new")" 1 "message 1 is safe in the Maildir"
# what a sync records goes to pop3-uidl.journal first; a clean end
# merges it into pop3-uidl
recorded() {
	cat "$XDG_DATA_HOME/postie/cut/pop3-uidl" \
		"$XDG_DATA_HOME/postie/cut/pop3-uidl.journal" 2>/dev/null
}
like "$(recorded)" "uid-A " "and recorded as downloaded"
unlike "$(recorded)" "uid-B" "the cut message is not recorded"

start_srv "$TEST_TMP/resume.script"
ok "the next sync" sync cut
stop_srv
like "$(cat "$TEST_TMP/out")" "cut: 1 folder, 1 new, 0 changed, 2 removed" \
	"one new message, both deleted"
unlike "$(cat "$SRV_LOG")" "C: RETR 1" "message 1 is not downloaded twice"
like "$(cat "$SRV_LOG")" "C: QUIT" "QUIT after a clean run"
is "$(count_files "$CUT/new")" 2 "two messages, no duplicate, no loss"
is "$(cat "$CUT"/new/* | grep -c '^Subject: ')" 2 "each message once"
is "$(count_files "$CUT/tmp")" 0 "nothing left in tmp/"

done_testing
