#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie sync and postie check of an IMAP account against the lab's real
# Dovecot: mail delivered by the lab's Postfix appears in the index and in
# the unread counts; a flag set and an expunge done by a second client
# (Python's imaplib) are seen by the next sync; a folder with a Chinese
# name; a sync with nothing new; the progress line only on a terminal;
# one folder alone; a folder deleted on the server leaves the index; a
# folder made again with a new UIDVALIDITY (hostile-15); STARTTLS as well
# as implicit TLS; ID after login for the 163 preset; a refused login
# fails with the provider's hint.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
LAB=$TESTS_DIR/lab/lab.sh
LABMAIL=$TESTS_DIR/lab/labmail.py
PY=${LAB_PYTHON:-python3}

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=30
mkdir -p "$HOME"

cat >"$TEST_TMP/rc" <<RC
[account "lab"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
[account "tls"]
	address = alice@lab.test
	receive = imap://127.0.0.1:$LAB_IMAP_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
RC
chmod 600 "$TEST_TMP/rc"

# imapdo PYTHON-STATEMENTS: run statements with `m`, alice's imaplib
# connection with INBOX selected.
imapdo() {
	"$PY" - "$1" <<'PY'
import imaplib, os, ssl, sys
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
m.select("INBOX")
exec(sys.argv[1])
m.logout()
PY
}

send_to_alice() {
	printf 'From: bob@lab.test\r\nTo: alice@lab.test\r\nSubject: %s\r\n\r\nhello\r\n' "$1" |
		"$PY" "$LABMAIL" smtp-send bob starttls plain bob@lab.test \
			alice@lab.test
}

sync() {
	"$POSTIE" -F "$TEST_TMP/rc" sync "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	st=$?
	[ -s "$TEST_TMP/err" ] && sed 's/^/#   /' "$TEST_TMP/err"
	return $st
}

check() {
	"$POSTIE" -F "$TEST_TMP/rc" check "$@" 2>&1
}

TAB=$(printf '\t')

# A Chinese folder holding a GBK-subject message, and two messages
# through Postfix into INBOX.
printf 'From: =?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>\r\nTo: alice@lab.test\r\nSubject: =?GBK?B?1tDOxNb3zOI=?=\r\n\r\n\326\320\316\304\r\n' >"$TEST_TMP/m1"
ok "create folder 已发送" sh "$LAB" doveadm "$LAB_DIR" mailbox create -u alice '已发送'
ok "store a message in 已发送" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m1" '已发送'
ok "send mail 1 through Postfix" send_to_alice one
ok "send mail 2 through Postfix" send_to_alice two
ok "both delivered" lab_wait_mail "$LAB_DIR" alice 2 20

ok "first sync" sync lab
like "$(cat "$TEST_TMP/out")" "lab: 6 folders, 3 new, 0 changed, 0 removed" \
	"summary: six folders, three new"
res=$(check lab)
like "$res" "lab${TAB}INBOX${TAB}2${TAB}2" "check: INBOX has 2 unread of 2"
like "$res" "lab${TAB}已发送${TAB}1${TAB}1" "check: the Chinese folder by its UTF-8 name"
unlike "$res" "Drafts" "check lists only folders with unread mail"
like "$(check --all lab)" "lab${TAB}Drafts${TAB}0${TAB}0" "check --all lists every folder"
is "$(check --total lab)" "3" "check --total sums the unread mail"

ok "second sync" sync lab
like "$(cat "$TEST_TMP/out")" "lab: 6 folders, 0 new, 0 changed, 0 removed" \
	"a sync with nothing new changes nothing"
is "$(wc -c <"$TEST_TMP/err" | tr -d ' ')" 0 \
	"no progress line when stderr is not a terminal"
script -qec "$POSTIE -F $TEST_TMP/rc sync lab" /dev/null >"$TEST_TMP/tty" 2>&1
is "$?" 0 "sync on a terminal"
like "$(cat "$TEST_TMP/tty")" "sync lab: INBOX" "on a terminal, a progress line"
like "$(cat "$TEST_TMP/tty")" "lab: 6 folders" "and the summary"

ok "a second client marks message 1 seen" \
	imapdo 'm.uid("STORE", "1", "+FLAGS", "(\\Seen)")'
ok "sync after the flag change" sync lab
like "$(cat "$TEST_TMP/out")" "0 new, 1 changed, 0 removed" "the flag change is seen"
like "$(check lab)" "lab${TAB}INBOX${TAB}1${TAB}2" "INBOX: 1 unread of 2"

ok "a second client expunges message 2" \
	imapdo 'm.uid("STORE", "2", "+FLAGS", "(\\Deleted)"); m.expunge()'
ok "sync after the expunge" sync lab
like "$(cat "$TEST_TMP/out")" "0 new, 0 changed, 1 removed" "the expunge is seen"
like "$(check --all lab)" "lab${TAB}INBOX${TAB}0${TAB}1" "INBOX: 0 unread of 1"

ok "send mail 3" send_to_alice three
ok "delivered" lab_wait_mail "$LAB_DIR" alice 2 20
ok "sync of INBOX alone" sync lab INBOX
like "$(cat "$TEST_TMP/out")" "lab: 1 folder, 1 new, 0 changed, 0 removed" \
	"one folder, the new message"

ok "delete 已发送 on the server" sh "$LAB" doveadm "$LAB_DIR" mailbox delete -u alice '已发送'
ok "sync after the folder was deleted" sync lab
unlike "$(check --all lab)" "已发送" "a folder gone from the server leaves the index"

# hostile-15: the folder is deleted and made again under the same name,
# with a new UIDVALIDITY: its cache is dropped, not mixed with the new
ok "create folder Work" sh "$LAB" doveadm "$LAB_DIR" mailbox create -u alice Work
ok "a message in Work" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m1" Work
ok "sync of Work" sync lab Work
like "$(check lab)" "lab${TAB}Work${TAB}1${TAB}1" "Work: 1 of 1"
ok "delete Work" sh "$LAB" doveadm "$LAB_DIR" mailbox delete -u alice Work
ok "create Work again" sh "$LAB" doveadm "$LAB_DIR" mailbox create -u alice Work
ok "message 1 in the new Work" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m1" Work
ok "message 2 in the new Work" sh "$LAB" put "$LAB_DIR" alice "$TEST_TMP/m1" Work
ok "sync after the UIDVALIDITY change" sync lab Work
like "$(cat "$TEST_TMP/out")" "lab: 1 folder, 2 new" "both messages fetched anew"
like "$(check lab)" "lab${TAB}Work${TAB}2${TAB}2" \
	"hostile-15: Work holds the two new messages, not three"

ok "STARTTLS account syncs" sync tls
like "$(cat "$TEST_TMP/out")" "tls: 6 folders, 4 new" "over STARTTLS too"
like "$(check tls)" "tls${TAB}INBOX${TAB}1${TAB}2" \
	"the STARTTLS account's index has the same counts"


fails "a folder the server does not have" sync lab Nope
like "$(cat "$TEST_TMP/err")" "no folder 'Nope'" "says which folder"

# A 163 account wants the ID command after login (its preset says so)
cat >"$TEST_TMP/rc" <<RC
[account "netease"]
	address = alice@163.com
	preset = 163
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
RC
POSTIE_TRACE=imap "$POSTIE" -F "$TEST_TMP/rc" sync netease >"$TEST_TMP/out" 2>&1
is "$?" 0 "a sync with the 163 preset"
like "$(cat "$XDG_STATE_HOME/postie/postie.log")" "[netease] imap >>> A2 ID (" \
	"the preset's ID command is sent after login"

cat >"$TEST_TMP/rc" <<RC
[account "bad"]
	address = alice@163.com
	preset = 163
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = wrong
	ca-file = $LAB_CA
RC
fails "a wrong password fails the sync" sync
like "$(cat "$TEST_TMP/err")" "login refused" "says the login was refused"
like "$(cat "$TEST_TMP/err")" "hint: NetEase" "with the provider's hint"

done_testing
