#!/bin/sh
# SPDX-License-Identifier: ISC
#
# RFC 3501 7.1: the text of a response with the [ALERT] code MUST be
# presented to the user. A scripted IMAP server sends "* OK [ALERT]"
# after the login and "* NO [ALERT]" full of escapes (OSC 52, CSI, RLO)
# while the folder is opened. `postie sync` prints both on stderr as
# "ACCOUNT: server alert: TEXT"; the screen shows them one after the
# other on the bottom line with their count, each until a key, and
# sanitised (hostile-14, hostile-42). An [ALERT] sent in the clear
# before STARTTLS is not shown (hostile-14).

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
PY=${LAB_PYTHON:-python3}
export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=20
mkdir -p "$HOME"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$TEST_TMP/k.pem" -out "$TEST_TMP/c.pem" -days 3 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost \
	>/dev/null 2>&1 || bail "cannot make a certificate"
FP=$(openssl x509 -in "$TEST_TMP/c.pem" -noout -fingerprint -sha256 |
	sed 's/.*=//')

# The session: an alert after the login, another in EXAMINE's answer.
cat >"$TEST_TMP/script" <<'S'
send * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
expect A1 LOGIN *
send * OK [ALERT] System maintenance at 22:00 UTC tonight
send A1 OK done
expect A2 CAPABILITY
send * CAPABILITY IMAP4rev1
send A2 OK done
expect A3 LIST *
send * LIST (\HasNoChildren) "/" INBOX
send A3 OK done
expect A4 *
send * 0 EXISTS
send * OK [UIDVALIDITY 7] v
send * OK [UIDNEXT 1] n
raw '* NO [ALERT] quota \x1b]52;c;QUFB\x07 at 99% \x1b[21t \u202e end\r\n'
send A4 OK [READ-ONLY] done
expect A5 *
send A5 OK bye
wait-close
S

# serve SCRIPT [ARGS]: the scripted server in the background
serve() {
	rm -f "$TEST_TMP/pf"
	s=$1
	shift
	"$PY" "$TESTS_DIR/proto/scriptsrv.py" --script "$s" \
		--port-file "$TEST_TMP/pf" --log "$s.log" \
		--cert "$TEST_TMP/c.pem" --key "$TEST_TMP/k.pem" "$@" &
	SRV_PID=$!
	at_exit "kill $SRV_PID 2>/dev/null"
	i=0
	while [ ! -s "$TEST_TMP/pf" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SRV_PORT=$(cat "$TEST_TMP/pf" 2>/dev/null)
	[ -n "$SRV_PORT" ] || bail "the scripted server did not start"
}

rc() {
	cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
[account "corp"]
	address = you@example.org
	receive = $1://localhost:$SRV_PORT
	user = you
	password = pw
	tls-fingerprint = $FP
	poll = 0
RC
	chmod 600 "$TEST_TMP/rc"
}

# postie sync: both alerts on stderr, sanitised
serve "$TEST_TMP/script" --implicit-tls
rc imaps
"$POSTIE" -F "$TEST_TMP/rc" sync >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 0 "postie sync against the scripted server"
like "$(cat "$TEST_TMP/err")" \
	"corp: server alert: System maintenance at 22:00 UTC tonight" \
	"rfc3501-alert: the alert after the login is printed by postie sync"
like "$(cat "$TEST_TMP/err")" \
	"corp: server alert: quota ^[]52;c;QUFB^G at 99% ^[[21t <U+202E> end" \
	"hostile-42: the NO [ALERT] is printed with its escapes as text"
ok "hostile-42: no ESC byte from the server on stderr" \
	sh -c "! grep -q \"\$(printf '\033')\" '$TEST_TMP/err'"
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null

# the screen: the same session, both alerts in turn
rm -rf "$XDG_CACHE_HOME"
serve "$TEST_TMP/script" --implicit-tls
rc imaps
tui_start 120 30 -F "$TEST_TMP/rc"
ok "rfc3501-alert: the first alert is on the bottom line" \
	tui_wait "alert 1/2 corp: System maintenance at 22:00 UTC tonight"
ok "the status bar counts the alerts" tui_wait "| 2 server alerts"
bottom=$(tui_screen | tail -n 1)
like "$bottom" "(any key)" "the alert says how to dismiss it"
attrs=$(tui_tmux capture-pane -p -e -t "$TUI_SESSION" | tail -n 1)
like "$attrs" "$(printf '\033')[1;7m" "the alert is bold and in reverse video"
tui_keys x
ok "hostile-14/42: a key shows the next alert, sanitised" \
	tui_wait "alert 1/1 corp: quota ^[]52;c;QUFB^G at 99% ^[[21t <U+202E> end"
ok "one alert is left" tui_wait "| 1 server alert"
tui_keys x
ok "the second key dismisses the last alert" tui_gone "server alert"
ok "the screen is usable after" tui_wait "postie: corp"
tui_keys ?
ok "the next key works as usual" tui_wait "postie keys" 5
tui_keys q q
ok "postie quits" tui_wait "postie exited: 0" 10
tui_stop
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null

# hostile-14: an [ALERT] before STARTTLS is anyone's text: not shown
cat >"$TEST_TMP/pre" <<'S'
send * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
expect A1 STARTTLS
send * OK [ALERT] cleartext injected alert
send A1 OK go
starttls
expect A2 CAPABILITY
send * CAPABILITY IMAP4rev1 AUTH=PLAIN
send A2 OK done
expect A3 LOGIN *
send A3 OK done
expect A4 CAPABILITY
send * CAPABILITY IMAP4rev1
send A4 OK done
expect A5 LIST *
send * LIST (\HasNoChildren) "/" INBOX
send A5 OK done
expect A6 *
send * OK [ALERT] after TLS alert
send * 0 EXISTS
send * OK [UIDVALIDITY 7] v
send A6 OK [READ-ONLY] done
expect A7 *
send A7 OK bye
wait-close
S
rm -rf "$XDG_CACHE_HOME"
serve "$TEST_TMP/pre"
rc imap
"$POSTIE" -F "$TEST_TMP/rc" sync >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 0 "postie sync over STARTTLS"
grep -q 'C: A3 LOGIN' "$TEST_TMP/pre.log"
ok "the session logged in after STARTTLS" test $? -eq 0
unlike "$(cat "$TEST_TMP/err")" "cleartext injected" \
	"hostile-14: an alert before STARTTLS is not shown"
like "$(cat "$TEST_TMP/err")" "corp: server alert: after TLS alert" \
	"an alert after STARTTLS is"

done_testing
