#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostile-48, POP3: postie sync is killed with SIGKILL (POSTIE_CRASHPOINT)
# at each step of downloading three messages from the lab's real Dovecot
# in "delete" mode, then run again. The messages are downloaded as one
# group: each staged and fsynced in tmp/, the group's UIDLs appended to
# the journal, then all linked into new/ with one directory fsync,
# indexed, and only then DELE'd. The rules checked after the second run:
#
#   - every message is in the local Maildir, complete (its Message-ID and
#     last body line), and the server is empty: nothing lost;
#   - the store lists each message once ("postie check" counts 3);
#   - no second copy on disk: a journal line whose file never reached
#     new/ is dropped when the journal is read, so that message is
#     fetched again into a new file and the staged one in tmp/ is never
#     listed;
#   - a DELE without QUIT deletes nothing (RFC 1939 section 6: only the
#     UPDATE state removes messages), so the server still lists
#     everything until the run that completes.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
LAB=$TESTS_DIR/lab/lab.sh
export POSTIE_TIMEOUT=20
TAB=$(printf '\t')

for i in 1 2 3; do
	printf 'From: carol@lab.test\r\nTo: bob@lab.test\r\nSubject: crash %s\r\nMessage-ID: <crash-%s@lab.test>\r\n\r\nfirst line %s\r\nlast line %s\r\n' \
		$i $i $i $i >"$TEST_TMP/m$i"
done

cat >"$TEST_TMP/rc" <<RC
[account "pop"]
	address = bob@lab.test
	receive = pop3s://127.0.0.1:$LAB_POP3S_PORT
	user = bob
	password = $LAB_PASS_bob
	ca-file = $LAB_CA
	pop3-delete = delete
RC
chmod 600 "$TEST_TMP/rc"

count_files() {
	find "$1" -type f 2>/dev/null | wc -l | tr -d ' '
}

# one_case POINT N DISK_COPIES SERVER_AFTER_CRASH
#   N: the kill comes the Nth time POINT is passed
#   DISK_COPIES: files in new/ after the second run
#   SERVER_AFTER_CRASH: messages the server holds after the killed run
one_case() {
	point=$1 nth=$2 want_files=$3 want_server=$4
	case_dir=$TEST_TMP/case-$point
	mkdir -p "$case_dir/home"
	export HOME="$case_dir/home" XDG_CACHE_HOME="$case_dir/cache"
	export XDG_DATA_HOME="$case_dir/data" XDG_STATE_HOME="$case_dir/state"
	sh "$LAB" doveadm "$LAB_DIR" expunge -u bob mailbox INBOX all \
		>/dev/null 2>&1
	for i in 1 2 3; do
		sh "$LAB" put "$LAB_DIR" bob "$TEST_TMP/m$i" >/dev/null ||
			bail "cannot store message $i"
	done

	POSTIE_CRASHPOINT=$point:$nth "$POSTIE" -F "$TEST_TMP/rc" sync pop \
		>"$case_dir/out1" 2>&1
	is "$?" 137 "$point: the first run dies by SIGKILL"
	is "$(sh "$LAB" count "$LAB_DIR" bob)" "$want_server" \
		"$point: the server holds $want_server after the crash"

	"$POSTIE" -F "$TEST_TMP/rc" sync pop >"$case_dir/out2" 2>&1
	st=$?
	is "$st" 0 "$point: the run after the restart succeeds"
	[ $st -eq 0 ] || sed 's/^/#   /' "$case_dir/out2"

	md=$XDG_DATA_HOME/postie/pop/inbox
	for i in 1 2 3; do
		n=$(cat "$md"/new/* "$md"/cur/* 2>/dev/null |
			grep -c "^Message-ID: <crash-$i@lab.test>")
		ok "$point: message $i is in the local Maildir" test "$n" -ge 1
		n=$(grep -l "^last line $i" "$md"/new/* "$md"/cur/* \
			2>/dev/null | wc -l | tr -d ' ')
		ok "$point: message $i is complete" test "$n" -ge 1
	done
	is "$(count_files "$md/new")" "$want_files" \
		"$point: $want_files files in new/"
	is "$("$POSTIE" -F "$TEST_TMP/rc" check pop 2>&1)" \
		"pop${TAB}INBOX${TAB}3${TAB}3" \
		"$point: the store lists each message once"
	is "$(sh "$LAB" count "$LAB_DIR" bob)" 0 \
		"$point: the server is empty after the run that completed"
	"$POSTIE" -F "$TEST_TMP/rc" sync pop >"$case_dir/out3" 2>&1
	like "$(cat "$case_dir/out3")" "pop: 1 folder, 0 new" \
		"$point: a third run finds nothing new"
}

# Per message: the second RETR, the second DELE; per group (one here):
# the tmp/ files fsynced, the journal written, the files in new/.
one_case pop3.after-retr 2 3 3
one_case maildir.after-tmp 1 3 3
one_case pop3.after-uidl 1 3 3
one_case pop3.after-deliver 1 3 3
one_case pop3.after-dele 2 3 3

done_testing
