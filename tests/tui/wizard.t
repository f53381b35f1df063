#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The first-run wizard: postie started with HOME an empty directory asks
# for an account instead of failing. With a preset address (x@163.com)
# it shows the provider's servers and its hint about the authorisation
# code without touching the network, and Esc leaves without writing. With
# the lab's address (not a preset) it asks for the servers, tests the
# login against the lab's real Dovecot and Postfix, shows the server's
# reason for a wrong password and offers a retry, and after the right one
# writes a 0600 dotfile that `postie config check` accepts and that
# postie then reads alice's INBOX with. A server that never answers does
# not hold the screen: Ctrl-C stops the test.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
PY=${LAB_PYTHON:-python3}

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
unset XDG_CONFIG_HOME
export POSTIE_TIMEOUT=20
mkdir -p "$HOME"
RC=$HOME/.postierc

printf 'From: bob@lab.test\r\nTo: alice@lab.test\r\nSubject: welcome to the lab\r\n\r\nhello\r\n' \
	>"$TEST_TMP/welcome.eml"
sh "$TESTS_DIR/lab/lab.sh" put "$LAB_DIR" alice "$TEST_TMP/welcome.eml" ||
	bail "cannot put a message in alice's INBOX"

# --- a preset address: no network, Esc writes nothing -------------------
tui_start 100 30
ok "no dotfile: the wizard starts" tui_wait "postie: first run, set up an account"
ok "it asks for the address" tui_wait "Email address:"
tui_keys -l 'x@163.com'
tui_keys Enter
ok "the preset is found from the domain" \
	tui_wait "NetEase 163 Mail (preset 163)"
ok "its IMAP server is shown" tui_wait "imaps://imap.163.com:993"
ok "its SMTP server is shown" tui_wait "smtps://smtp.163.com:465"
ok "its hint says which code to use" \
	tui_wait "wants a client authorisation code, not the web password"
tui_keys -l '张三'
tui_keys Enter
ok "IMAP or POP3 is asked" tui_wait "Receive with IMAP or POP3? (i/p"
ok "the name typed in UTF-8 is kept" tui_wait "Name         张三"
tui_keys Enter
ok "the login name defaults to the address" tui_wait "Login name: x@163.com"
tui_keys Home DC
tui_keys -l 'zz'
tui_keys Left BSpace End
tui_keys -l '.'
ok "Home, Delete, Left, Backspace and End edit inside the field" \
	tui_wait "Login name: z@163.com."
tui_keys BSpace Enter
ok "the edited login name is kept" tui_wait "Login        z@163.com"
ok "163 asks for the authorisation code by name" \
	tui_wait "Authorisation code (not the web password"
tui_keys Escape
ok "Esc leaves the wizard" tui_wait "postie exited: 1"
ok "saying nothing was written" tui_wait "nothing written"
is "$(tui_alternate)" 0 "the terminal left the alternate screen"
ok "no dotfile was written" test ! -e "$RC"
tui_stop

# --- a server that never answers: Ctrl-C stops the test ----------------
"$PY" - "$TEST_TMP/mute.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 120
s.settimeout(1)
while time.time() < end:
    try:
        conns.append(s.accept()[0])
    except socket.timeout:
        pass
PY
MUTE_PID=$!
at_exit "kill $MUTE_PID 2>/dev/null"
i=0
while [ ! -s "$TEST_TMP/mute.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
MUTE_PORT=$(cat "$TEST_TMP/mute.port")

tui_start 120 40 setup
ok "postie setup starts the wizard" tui_wait "postie setup" 5
tui_keys -l 'alice@lab.test'
tui_keys Enter
ok "a domain not in the table: the servers are asked" \
	tui_wait "not in the table: servers asked"
tui_keys Enter
tui_wait "Receive with IMAP or POP3? (i/p)"
tui_keys Enter
ok "the IMAP server defaults to imap.DOMAIN" \
	tui_wait "IMAP server: imap.lab.test"
tui_keys C-u
tui_keys -l '127.0.0.1'
tui_keys Enter
ok "the IMAP port defaults to 993" tui_wait "STARTTLS): 993"
tui_keys C-u
tui_keys -l "$MUTE_PORT"
tui_keys Enter
ok "a port that says nothing: TLS or STARTTLS is asked" \
	tui_wait "TLS from the first byte (t) or STARTTLS (s)?"
tui_keys t
ok "the SMTP server defaults to smtp.DOMAIN" \
	tui_wait "SMTP server (empty: no sending): smtp.lab.test"
tui_keys C-u Enter
ok "the CA file is asked" tui_wait "CA file (empty: the system's):"
tui_keys Enter
tui_wait "Login name: alice@lab.test"
tui_keys Enter
tui_keys -l 'whatever'
tui_keys Enter
ok "hostile-6: the test shows what it is doing" \
	tui_wait "testing the login: IMAP imaps://127.0.0.1:$MUTE_PORT"
ok "and how to stop it" tui_wait "Esc or Ctrl-C: stop the test"
t0=$(date +%s%N)
tui_keys C-c
ok "hostile-6: Ctrl-C stops the test at once" \
	tui_wait "The test was stopped" 3
diag "Ctrl-C to the test stopped on screen: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
ok "the retry is offered" tui_wait "Enter: try another password"
tui_keys Escape
ok "Esc leaves" tui_wait "postie exited: 1"
ok "no dotfile was written" test ! -e "$RC"
tui_stop
kill "$MUTE_PID" 2>/dev/null

# --- hostile-42: a server's refusal with escape sequences in it ---------
# An IMAP server (TLS, the lab's certificate) that refuses the login with
# an OSC title sequence, a colour and a C1 CSI in its text: the reason
# is shown, made visible, and nothing of it reaches the terminal.
cat >"$TEST_TMP/hostile.script" <<'SCRIPT'
send * OK [CAPABILITY IMAP4rev1] hostile server ready
expect A1 LOGIN *
raw 'A1 NO \x1b]0;pwned-title\x07\x1b[31mred\x1b[0m \x9b2J refused\r\n'
wait-close
SCRIPT
"$PY" "$TESTS_DIR/proto/scriptsrv.py" --script "$TEST_TMP/hostile.script" \
	--port-file "$TEST_TMP/hostile.port" --log "$TEST_TMP/hostile.log" \
	--cert "$LAB_CERT" --key "$LAB_KEY" --implicit-tls &
HOSTILE_PID=$!
at_exit "kill $HOSTILE_PID 2>/dev/null"
i=0
while [ ! -s "$TEST_TMP/hostile.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
HOSTILE_PORT=$(cat "$TEST_TMP/hostile.port")

tui_start 120 40 setup
tui_wait "Email address:"
tui_keys -l 'alice@lab.test'
tui_keys Enter
tui_wait "not in the table: servers asked"
tui_keys Enter
tui_wait "Receive with IMAP or POP3? (i/p)"
tui_keys Enter
tui_wait "IMAP server: imap.lab.test"
tui_keys C-u
tui_keys -l '127.0.0.1'
tui_keys Enter
tui_wait "STARTTLS): 993"
tui_keys C-u
tui_keys -l "$HOSTILE_PORT"
tui_keys Enter
tui_wait "TLS from the first byte (t) or STARTTLS (s)?"
tui_keys t
tui_wait "SMTP server (empty: no sending): smtp.lab.test"
tui_keys C-u Enter
tui_wait "CA file (empty: the system's):"
tui_keys -l "$LAB_CA"
tui_keys Enter
tui_wait "Login name: alice@lab.test"
tui_keys C-u
tui_keys -l 'alice'
tui_keys Enter
tui_wait "Password (empty: use a password-command):"
tui_keys -l 'whatever'
tui_keys Enter
ok "hostile-42: the server's reason is shown" tui_wait "refused the login:" 20
ok "hostile-42: its escape sequences are made visible" tui_wait "^[]0;pwned-title^G"
ok "hostile-42: and the C1 CSI too" tui_wait "<U+009B>2J refused"
unlike "$(tui_tmux capture-pane -p -e -t "$TUI_SESSION")" "pwned-title$(printf '\007')" \
	"hostile-42: no OSC sequence reached the terminal"
isnt_title=$(tui_tmux display -p -t "$TUI_SESSION" '#{pane_title}')
unlike "$isnt_title" "pwned" "hostile-42: the terminal title is unchanged"
tui_keys Escape
ok "Esc leaves" tui_wait "postie exited: 1"
tui_stop
kill "$HOSTILE_PID" 2>/dev/null

# --- a preset's hint after a refused login ------------------------------
# 163 with its servers edited (e) to point at a scripted TLS server that
# refuses the login: the server's reason comes with NetEase's hint about
# the client authorisation code.
cat >"$TEST_TMP/refuse.script" <<'SCRIPT'
send * OK [CAPABILITY IMAP4rev1] ready
expect A1 LOGIN *
send A1 NO [AUTHENTICATIONFAILED] ERR.LOGIN.PASSERR
wait-close
SCRIPT
"$PY" "$TESTS_DIR/proto/scriptsrv.py" --script "$TEST_TMP/refuse.script" \
	--port-file "$TEST_TMP/refuse.port" --log "$TEST_TMP/refuse.log" \
	--cert "$LAB_CERT" --key "$LAB_KEY" --implicit-tls &
REFUSE_PID=$!
at_exit "kill $REFUSE_PID 2>/dev/null"
i=0
while [ ! -s "$TEST_TMP/refuse.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
REFUSE_PORT=$(cat "$TEST_TMP/refuse.port")

tui_start 120 40 setup
tui_wait "Email address:"
tui_keys -l 'x@163.com'
tui_keys Enter
tui_wait "NetEase 163 Mail (preset 163)"
tui_keys Enter
ok "a preset's servers can be edited" \
	tui_wait "Receive with IMAP or POP3? (i/p; e: edit the servers)"
tui_keys e
ok "starting from the preset's IMAP server" tui_wait "IMAP server: imap.163.com"
tui_keys C-u
tui_keys -l '127.0.0.1'
tui_keys Enter
tui_wait "STARTTLS): 993"
tui_keys C-u
tui_keys -l "$REFUSE_PORT"
tui_keys Enter
tui_wait "TLS from the first byte (t) or STARTTLS (s)?"
tui_keys t
tui_wait "SMTP server (empty: the preset's): smtp.163.com"
tui_keys C-u Enter
tui_wait "CA file (empty: the system's):"
tui_keys -l "$LAB_CA"
tui_keys Enter
tui_wait "Login name: x@163.com"
tui_keys Enter
tui_wait "Authorisation code (not the web password"
tui_keys -l 'my-web-password'
tui_keys Enter
ok "the refusal is shown with the server's words" \
	tui_wait "ERR.LOGIN.PASSERR" 20
ok "and with the preset's hint: which code to use" \
	tui_wait "wants a client authorisation code, not the web password"
ok "and what to switch on" tui_wait "switch on IMAP/SMTP and POP3/SMTP"
tui_keys Escape
ok "Esc leaves" tui_wait "postie exited: 1"
tui_stop
kill "$REFUSE_PID" 2>/dev/null

# --- the lab: a wrong password, then the right one ----------------------
tui_start 120 40
ok "the wizard starts again" tui_wait "Email address:"
tui_keys -l 'alice@lab.test'
tui_keys Enter
tui_wait "not in the table: servers asked"
tui_keys Enter
tui_wait "Receive with IMAP or POP3? (i/p)"
tui_keys i
tui_wait "IMAP server: imap.lab.test"
tui_keys C-u
tui_keys -l '127.0.0.1'
tui_keys Enter
tui_wait "STARTTLS): 993"
tui_keys C-u
tui_keys -l "$LAB_IMAPS_PORT"
tui_keys Enter
tui_wait "TLS from the first byte (t) or STARTTLS (s)?"
tui_keys t
tui_wait "SMTP server (empty: no sending): smtp.lab.test"
tui_keys C-u
tui_keys -l '127.0.0.1'
tui_keys Enter
ok "the SMTP port defaults to 465" tui_wait "587 STARTTLS): 465"
tui_keys C-u
tui_keys -l "$LAB_SMTPS_PORT"
tui_keys Enter
tui_wait "TLS from the first byte (t) or STARTTLS (s)?"
tui_keys t
tui_wait "CA file (empty: the system's):"
tui_keys -l "$TEST_TMP/no-such-ca.pem"
tui_keys Enter
ok "a CA file that cannot be read is refused" \
	tui_wait "cannot read the CA file"
tui_keys C-u
tui_keys -l "$LAB_CA"
tui_keys Enter
tui_wait "Login name: alice@lab.test"
tui_keys C-u
tui_keys -l 'alice'
tui_keys Enter
ok "the password is asked" \
	tui_wait "Password (empty: use a password-command):"
tui_keys -l 'not-her-password'
ok "the password is not shown as it is typed" \
	tui_gone "not-her-password" 1
tui_keys Enter
ok "a wrong password: the server's reason is shown" \
	tui_wait "The IMAP server imaps://127.0.0.1:$LAB_IMAPS_PORT refused the login:" 30
ok "with Dovecot's own words" tui_wait "Authentication failed"
ok "and a retry is offered" tui_wait "Enter: try another password"
ok "nothing is written after a failure" test ! -e "$RC"
tui_keys Enter
tui_wait "Password (empty: use a password-command):"
tui_keys -l "$LAB_PASS_alice"
t0=$(date +%s%N)
tui_keys Enter
ok "the right password: both servers accept it" \
	tui_wait "the IMAP server and the SMTP server accepted it" 30
diag "login test, IMAP then SMTP on the lab: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
ok "where to keep the password is asked" \
	tui_wait "Keep the password: f: in the dotfile"
tui_keys f
ok "a plaintext password is asked about first" \
	tui_wait "Write the password in plain text into the dotfile (mode 0600)? (y/n)"
ok "still nothing written" test ! -e "$RC"
tui_keys y
ok "the dotfile is written" tui_wait "Wrote ~/.postierc (mode 0600)"
is "$(stat -c %a "$RC")" 600 "with mode 0600"
out=$("$POSTIE" config check 2>&1)
is "$?" 0 "postie config check accepts it"
like "$out" "receive = imaps://alice@127.0.0.1:$LAB_IMAPS_PORT" \
	"with the receiving server typed"
like "$out" "send = smtps://alice@127.0.0.1:$LAB_SMTPS_PORT" \
	"and the sending one"
like "$out" 'user = alice' "and the login name"
like "$(cat "$RC")" "ca-file = $LAB_CA" "the CA file is in it"
tui_keys Enter
ok "postie goes on to the screen and logs in" \
	tui_wait "postie: lab | INBOX" 30
ok "alice's INBOX is shown" tui_wait "welcome to the lab" 30
tui_keys q
tui_wait "Quit postie?" 3 && tui_keys y
ok "q quits" tui_wait "postie exited: 0"
tui_stop

# --- postie setup with a dotfile there asks before replacing it --------
mkdir -p "$TEST_TMP/empty"
HOME=$TEST_TMP/empty "$POSTIE" </dev/null >/dev/null 2>"$TEST_TMP/tui.err"
is "$?" 78 "no dotfile and no terminal: postie fails as before"
like "$(cat "$TEST_TMP/tui.err")" "postie setup asks for an account" \
	"and names postie setup"
"$POSTIE" setup </dev/null >/dev/null 2>"$TEST_TMP/setup.err"
is "$?" 64 "postie setup without a terminal refuses"
like "$(cat "$TEST_TMP/setup.err")" "needs a terminal" "saying why"
tui_start 120 40 setup
ok "postie setup asks before replacing a dotfile" \
	tui_wait "exists. Write a new one in its place"
tui_keys n Enter
ok "no: it is left as it is" tui_wait "left as it is"
ok "and the file still logs in" sh -c "'$POSTIE' config check >/dev/null"
tui_stop
cp "$RC" "$TEST_TMP/rc.before"
tui_start 120 40 setup
tui_wait "exists. Write a new one in its place"
tui_keys y Enter
ok "yes: the wizard starts" tui_wait "Email address:"
tui_keys Escape
ok "Esc in it: nothing written" tui_wait "nothing written"
ok "the old dotfile is untouched" cmp -s "$RC" "$TEST_TMP/rc.before"
ok "and no backup was made of it" test ! -e "$RC.bak"
tui_stop

# --- carol: the password handed to pass, the dotfile under XDG ---------
# A stand-in for pass(1) that keeps entries in files: insert -m reads the
# secret on stdin, show prints it. carol's password holds a space, a
# double quote and a backslash, so it must cross stdin and come back
# byte for byte.
mkdir -p "$TEST_TMP/bin" "$TEST_TMP/passdb"
cat >"$TEST_TMP/bin/pass" <<PASS
#!/bin/sh
db="$TEST_TMP/passdb"
case "\$1" in
insert)
	[ "\$2" = -m ] || exit 2
	f="\$db/\$(printf %s "\$3" | tr / _)"
	[ -e "\$f" ] && { echo "An entry already exists for \$3." >&2; exit 1; }
	cat >"\$f" ;;
show)
	cat "\$db/\$(printf %s "\$2" | tr / _)" ;;
*)
	exit 2 ;;
esac
PASS
chmod +x "$TEST_TMP/bin/pass"
export PATH="$TEST_TMP/bin:$PATH"
export HOME="$TEST_TMP/home2" XDG_CONFIG_HOME="$TEST_TMP/home2/.config"
mkdir -p "$HOME"
RC2=$XDG_CONFIG_HOME/postie/config

tui_start 120 40
tui_wait "Email address:"
tui_keys -l 'carol@lab.test'
tui_keys Enter
tui_wait "not in the table: servers asked"
tui_keys Enter
tui_wait "Receive with IMAP or POP3? (i/p)"
tui_keys p
ok "POP3 chosen: the POP3 server defaults to pop.DOMAIN" \
	tui_wait "POP3 server: pop.lab.test"
tui_keys C-u
tui_keys -l '127.0.0.1'
tui_keys Enter
ok "the POP3 port defaults to 995" tui_wait "110 STARTTLS): 995"
tui_keys C-u
tui_keys -l "$LAB_POP3S_PORT"
tui_keys Enter
tui_wait "TLS from the first byte (t) or STARTTLS (s)?"
tui_keys t
tui_wait "SMTP server (empty: no sending): smtp.lab.test"
tui_keys C-u
tui_keys -l '127.0.0.1'
tui_keys Enter
tui_wait "587 STARTTLS): 465"
tui_keys C-u
tui_keys -l "$LAB_SMTP_PORT"
tui_keys Enter
tui_wait "TLS from the first byte (t) or STARTTLS (s)?"
tui_keys s
ok "STARTTLS chosen: the summary says smtp://" \
	tui_wait "Send         smtp://127.0.0.1:$LAB_SMTP_PORT"
tui_wait "CA file (empty: the system's):"
tui_keys -l "$LAB_CA"
tui_keys Enter
tui_wait "Login name: carol@lab.test"
tui_keys Enter
tui_wait "Password (empty: use a password-command):"
tui_keys -l "$LAB_PASS_carol"
tui_keys Enter
ok "POP3 and SMTP with STARTTLS accept carol's password" \
	tui_wait "the POP3 server and the SMTP server accepted it" 30
ok "pass, found in PATH, is offered" tui_wait "p: pass"
printf 'an older secret\n' >"$TEST_TMP/passdb/mail_carol@lab.test"
tui_keys p
ok "pass keeps an entry that exists: the reason is shown" \
	tui_wait "The password was not stored: 'pass insert' exited with status 1: An entry already exists" 15
is "$(cat "$TEST_TMP/passdb/mail_carol@lab.test")" "an older secret" \
	"and the old entry is untouched"
ok "the choice is offered again" tui_wait "p: pass"
rm "$TEST_TMP/passdb/mail_carol@lab.test"
tui_keys p
ok "the secret read back through pass logs in; the dotfile is written" \
	tui_wait "Wrote ~/.config/postie/config (mode 0600)" 30
is "$(cat "$TEST_TMP/passdb/mail_carol@lab.test")" "$LAB_PASS_carol" \
	"pass got the password byte for byte on its stdin"
like "$(cat "$RC2")" 'password-command = pass show mail/carol@lab.test' \
	"the dotfile names the command"
unlike "$(cat "$RC2")" "$LAB_PASS_carol" "and holds no password"
like "$(cat "$RC2")" "receive = pop3s://127.0.0.1:$LAB_POP3S_PORT" \
	"the POP3 server is in it"
like "$(cat "$RC2")" "send = smtp://127.0.0.1:$LAB_SMTP_PORT" \
	"and the submission port with STARTTLS (smtp://)"
is "$(stat -c %a "$RC2")" 600 "mode 0600 under XDG_CONFIG_HOME too"
out=$("$POSTIE" config check 2>&1)
is "$?" 0 "postie config check finds and accepts it"
tui_keys Enter
ok "postie goes on to carol's mail over POP3" \
	tui_wait "postie: lab | INBOX" 30
tui_keys q
tui_wait "Quit postie?" 3 && tui_keys y
ok "q quits" tui_wait "postie exited: 0"
tui_stop

done_testing
