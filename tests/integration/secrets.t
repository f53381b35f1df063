#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Files and secrets, against the lab's real Dovecot and Postfix: with every
# protocol traced (POSTIE_TRACE=all) postie syncs an IMAP account over
# STARTTLS and a POP3 account, sends a message through SMTP AUTH, fails a
# login with a wrong password, and runs the screen on the IMAP account.
# Afterwards no password (the good ones and the wrong one, also in their
# base64 forms as AUTH PLAIN and AUTH LOGIN would send them) appears in
# the log, the traces, any file postie made, its output, or the screen;
# and every directory postie made is 0700 and every file 0600 (or
# stricter): its caches, Maildirs, outbox, state and log.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"

W=$TEST_TMP/w
mkdir -p "$W/home"
export HOME="$W/home" XDG_CACHE_HOME="$W/cache" XDG_DATA_HOME="$W/data"
export XDG_STATE_HOME="$W/state" XDG_CONFIG_HOME="$W/config"
export POSTIE_TIMEOUT=30 POSTIE_TRACE=all
umask 022 # what most users have: postie must not rely on a strict umask
WRONG='Wr0ng-Secret-7781'

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
[account "imap"]
	address = alice@lab.test
	receive = imap://127.0.0.1:$LAB_IMAP_PORT
	send = smtp://127.0.0.1:$LAB_SMTP_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 0
[account "pop"]
	address = bob@lab.test
	receive = pop3://127.0.0.1:$LAB_POP3_PORT
	user = bob
	password = $LAB_PASS_bob
	ca-file = $LAB_CA
	poll = 0
[account "wrong"]
	address = carol@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = carol
	password = $WRONG
	ca-file = $LAB_CA
	poll = 0
RC
chmod 600 "$TEST_TMP/rc"

printf 'From: carol@lab.test\r\nTo: bob@lab.test\r\nSubject: for pop\r\n\r\nhello\r\n' \
	>"$TEST_TMP/m1"
sh "$TESTS_DIR/lab/lab.sh" put "$LAB_DIR" bob "$TEST_TMP/m1" >/dev/null ||
	bail "cannot store a message for bob"

out=$W/out
mkdir -p "$out"
"$POSTIE" -F "$TEST_TMP/rc" sync imap >"$out/sync-imap" 2>&1
is "$?" 0 "the IMAP account syncs"
"$POSTIE" -F "$TEST_TMP/rc" sync pop >"$out/sync-pop" 2>&1
is "$?" 0 "the POP3 account syncs"
echo "a secret-free body" | "$POSTIE" -F "$TEST_TMP/rc" send -A imap \
	-s "traced send" bob@lab.test >"$out/send" 2>&1
st=$?
is "$st" 0 "a message goes out through SMTP AUTH"
[ $st -eq 0 ] || sed 's/^/#   /' "$out/send"
"$POSTIE" -F "$TEST_TMP/rc" sync wrong >"$out/sync-wrong" 2>&1
st=$?
ok "a wrong password fails the sync" test "$st" -ne 0
like "$(cat "$out/sync-wrong")" "login refused" "the failure says the login was refused"

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen comes up" tui_wait "postie: imap" 20
tui_keys '$'
ok "and syncs" tui_gone "| syncing" 30
tui_screen >"$out/screen1"
tui_keys c INBOX Enter G Enter
sleep 1
tui_screen >"$out/screen2"
tui_keys q q
tui_wait "postie exited" 10 >/dev/null
tui_stop

ok "a log was written" test -s "$XDG_STATE_HOME/postie/postie.log"
like "$(cat "$XDG_STATE_HOME/postie/postie.log")" "AUTH" \
	"the log holds the traced conversations"

b64() { printf '%s' "$1" | base64 | tr -d '\n'; }
plain() { printf '\0%s\0%s' "$1" "$2" | base64 | tr -d '\n'; }
# every form a secret could take on the wire; first, that the search
# finds one where there is one (the dotfile)
ok "the search finds the password in the dotfile" \
	grep -qF -- "$LAB_PASS_alice" "$TEST_TMP/rc"
for pw in "$LAB_PASS_alice" "$LAB_PASS_bob" "$WRONG"; do
	for form in "$pw" "$(b64 "$pw")"; do
		hits=$(grep -rlF -- "$form" "$W" 2>/dev/null | grep -v '^$' |
			sed "s|^$W/||")
		is "$hits" "" "no file holds a password (form ${#form} bytes)"
	done
done
for u in "alice:$LAB_PASS_alice" "bob:$LAB_PASS_bob" "carol:$WRONG"; do
	form=$(plain "${u%%:*}" "${u#*:}")
	hits=$(grep -rlF -- "$form" "$W" 2>/dev/null | sed "s|^$W/||")
	is "$hits" "" "no file holds an AUTH PLAIN string of ${u%%:*}"
done

# modes: nothing postie made is open to the group or to others
loose=$(find "$XDG_CACHE_HOME/postie" "$XDG_DATA_HOME/postie" \
	"$XDG_STATE_HOME/postie" -perm /077 2>/dev/null | sed "s|^$W/||")
is "$loose" "" "every directory and file postie made is private"
for d in "$XDG_CACHE_HOME/postie" "$XDG_DATA_HOME/postie" \
	"$XDG_STATE_HOME/postie"; do
	ok "$(basename "$(dirname "$d")")/postie exists" test -d "$d"
done
ok "the POP3 Maildir exists" test -d "$XDG_DATA_HOME/postie/pop/inbox/new"
is "$(stat -c %a "$XDG_DATA_HOME/postie/pop/inbox")" 700 \
	"the POP3 Maildir is 0700"
f=$(find "$XDG_DATA_HOME/postie/pop/inbox/new" -type f | head -1)
is "$(stat -c %a "$f")" 600 "a downloaded message is 0600"
is "$(stat -c %a "$XDG_STATE_HOME/postie/postie.log")" 600 "the log is 0600"

done_testing
