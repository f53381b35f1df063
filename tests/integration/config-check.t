#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie config check and config path, run as a user would: good and bad
# dotfiles, the exit statuses (0, 78 EX_CONFIG, 66 EX_NOINPUT, 64 usage),
# every fault on stderr with its FILE:LINE:COL, and no password ever in
# the output (hostile-50).

. "$(dirname "$0")/../lib.sh"

[ -x "$POSTIE" ] || bail "no postie binary at $POSTIE"

H=$TEST_TMP/home
mkdir -p "$H"
export HOME="$H"
unset XDG_CONFIG_HOME
export LC_ALL=C.UTF-8

# run FILE ARGS...: postie -F FILE ARGS, keeping out, err and rc
run() {
	f=$1
	shift
	"$POSTIE" -F "$f" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	out=$(cat "$TEST_TMP/out")
	err=$(cat "$TEST_TMP/err")
}

# --- a good file ------------------------------------------------------
good=$TEST_TMP/good.rc
cat >"$good" <<'RC'
# a dotfile as people write it
[ui]
sort = reverse-date   # newest first
threads = yes

[account "qq"]
address = 12345@qq.com
name = 张三
preset = qq
poll = 2m

[account "work"]
address = me@example.org
receive = imap://mail.example.org
send = submission://mail.example.org:2587
password = Pa55-w0rd-XYZZY

[bind "index"]
gg = first
<C-x> = quit
RC
chmod 600 "$good"

run "$good" config check
is "$rc" 0 "a good file: exit 0"
is "$err" "" "a good file: nothing on stderr"
like "$out" "valid, 2 accounts, 2 bindings" "a good file: summary line"
like "$out" "	receive = imaps://12345%40qq.com@imap.qq.com:993" \
	"the qq preset fills the IMAP server"
like "$out" "	send = smtps://12345%40qq.com@smtp.qq.com:465" \
	"the qq preset fills the SMTP server"
like "$out" "	sent-copy = no" "qq files sent mail itself"
like "$out" "authorisation code" "the qq login hint is shown"
like "$out" "	name = 张三" "UTF-8 values come out as written"
like "$out" "	send = submission://me%40example.org@mail.example.org:2587" \
	"explicit port kept"
like "$out" "	sort = reverse-date" "ui settings shown"
like "$out" "	<C-x> = quit" "bindings shown"
like "$out" "	password = *****" "a plaintext password is masked"
unlike "$out$err" "Pa55-w0rd-XYZZY" "hostile-50: the password never appears"

# the output is a dotfile that reads back to the same thing
printf '%s\n' "$out" >"$TEST_TMP/again.rc"
chmod 600 "$TEST_TMP/again.rc"
first=$(printf '%s\n' "$out" | sed 1d)
run "$TEST_TMP/again.rc" config check
is "$rc" 0 "the resolved output is itself a valid dotfile"
is "$(printf '%s\n' "$out" | sed 1d)" "$first" "and resolves to the same"

# -A names an account that must exist
"$POSTIE" -F "$good" -A nosuch config check >/dev/null 2>"$TEST_TMP/err"
is "$?" 78 "-A with an unknown account: exit 78"
like "$(cat "$TEST_TMP/err")" 'no account "nosuch"' "and says which"

# --- secrets from commands ----------------------------------------------
cat >"$TEST_TMP/pw.sh" <<'SH'
#!/bin/sh
echo Cmd-Secret-4242
SH
cat >"$TEST_TMP/pwfail.sh" <<'SH'
#!/bin/sh
echo Leaked-Secret-777
echo "keyring is locked" >&2
exit 1
SH
chmod 700 "$TEST_TMP/pw.sh" "$TEST_TMP/pwfail.sh"
cat >"$TEST_TMP/cmd.rc" <<RC
[account "a"]
address = a@example.com
receive = imaps://imap.example.com
password-command = $TEST_TMP/pw.sh
RC
run "$TEST_TMP/cmd.rc" config check
is "$rc" 0 "password-command: exit 0"
like "$out" "password-command = $TEST_TMP/pw.sh" "the command is shown"
unlike "$out$err" "Cmd-Secret-4242" "and not run by default"
run "$TEST_TMP/cmd.rc" config check --try-secrets
is "$rc" 0 "--try-secrets: exit 0"
like "$out" 'account "a": password-command printed a line of 15 bytes' \
	"--try-secrets reports the length"
unlike "$out$err" "Cmd-Secret-4242" "hostile-50: never the secret"

sed "s|pw.sh|pwfail.sh|" "$TEST_TMP/cmd.rc" >"$TEST_TMP/cmdfail.rc"
run "$TEST_TMP/cmdfail.rc" config check --try-secrets
is "$rc" 78 "a failing password-command: exit 78"
like "$err" "exited with status 1" "says how it failed"
like "$err" "keyring is locked" "with the program's complaint"
unlike "$out$err" "Leaked-Secret-777" "hostile-50: never its stdout"

# a program that is not there is a warning, not an error
cat >"$TEST_TMP/warn.rc" <<'RC'
[account "a"]
address = a@example.com
receive = imaps://imap.example.com
password-command = no-such-helper-xyz get a
RC
run "$TEST_TMP/warn.rc" config check
is "$rc" 0 "a missing helper program: still exit 0"
like "$err" "warn.rc:4:20: warning: 'password-command' runs 'no-such-helper-xyz'" \
	"but a warning says so"

# --- faults -------------------------------------------------------------
bad=$TEST_TMP/bad.rc
cat >"$bad" <<'RC'
[ui]
thrads = yes
sort = sideways

[account "qq"]
address = 12345@qq.com
preset = qq
poll = 5 minutes

[account "nothing"]
name = x

[account "qq"]
address = x@y.z

[colours]
RC
run "$bad" config check
is "$rc" 78 "a bad file: exit 78 (EX_CONFIG)"
is "$out" "" "a bad file: nothing on stdout"
like "$err" "$bad:2:1: unknown key 'thrads' in [ui]; did you mean 'threads'?" \
	"unknown key with did-you-mean"
like "$err" "$bad:3:8: expected date, arrival, from, subject, size or thread" \
	"bad sort value at its column"
like "$err" "$bad:8:8: expected a duration like 30s, 5m or 1h, got \"5 minutes\"" \
	"bad duration at its column"
like "$err" "$bad:10:1: account \"nothing\" has no address" \
	"an account without address is named"
like "$err" "$bad:13:10: account \"qq\" is already defined on line 5" \
	"duplicate account"
like "$err" "$bad:16:2: unknown section [colours]" "unknown section"
like "$err" "is not valid: 6 faults" "all six faults collected"

# the first fault is on the first line of stderr, in file order
is "$(head -n 1 "$TEST_TMP/err" | cut -d: -f2,3)" "2:1" "faults come in file order"

# a plaintext password in a file others can read
cat >"$TEST_TMP/open.rc" <<'RC'
[account "a"]
address = a@example.com
receive = imaps://imap.example.com
password = Open-Secret-31337
RC
chmod 644 "$TEST_TMP/open.rc"
run "$TEST_TMP/open.rc" config check
is "$rc" 78 "hostile-50: password in a 0644 file: exit 78"
like "$err" "open.rc:4:12: a plaintext password is refused" "says so at the key"
like "$err" "run chmod 600 $TEST_TMP/open.rc" "names the fix"
unlike "$out$err" "Open-Secret-31337" "and does not show the password"
chmod 600 "$TEST_TMP/open.rc"
run "$TEST_TMP/open.rc" config check
is "$rc" 0 "after chmod 600 it is accepted"

# invalid UTF-8 and control characters
printf '[ui]\ntheme = caf\351\n' >"$TEST_TMP/latin1.rc"
run "$TEST_TMP/latin1.rc" config check
is "$rc" 78 "invalid UTF-8: exit 78"
like "$err" "latin1.rc:2:12: invalid UTF-8 (byte 0xe9)" "with its position"
printf '[ui]\ntheme = \033]0;pwned\007\n' >"$TEST_TMP/esc.rc"
run "$TEST_TMP/esc.rc" config check
is "$rc" 78 "an escape sequence in a value: exit 78"
case "$err" in
*"$(printf '\033')"*) tap_result 1 "hostile-42: no raw ESC reaches the terminal" ;;
*) tap_result 0 "hostile-42: no raw ESC reaches the terminal" ;;
esac

# --- finding the file ---------------------------------------------------
run "$TEST_TMP/missing.rc" config check
is "$rc" 66 "-F with a missing file: exit 66 (EX_NOINPUT)"
like "$err" "cannot read '$TEST_TMP/missing.rc'" "says which file"

"$POSTIE" config check >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "$?" 66 "no dotfile at all: exit 66"
like "$(cat "$TEST_TMP/err")" \
	"looked at '~/.postierc' and '~/.config/postie/config'" \
	"says where it looked"

mkdir -p "$H/.config/postie"
printf '[ui]\ntheme = from-xdg\n' >"$H/.config/postie/config"
"$POSTIE" config check >"$TEST_TMP/out" 2>&1
is "$?" 0 "~/.config/postie/config is found"
like "$(cat "$TEST_TMP/out")" "theme = from-xdg" "and read"
is "$("$POSTIE" config path)" "$H/.config/postie/config" "config path shows it"

mkdir -p "$TEST_TMP/xdg/postie"
printf '[ui]\ntheme = from-env\n' >"$TEST_TMP/xdg/postie/config"
is "$(XDG_CONFIG_HOME=$TEST_TMP/xdg "$POSTIE" config path)" \
	"$TEST_TMP/xdg/postie/config" "XDG_CONFIG_HOME is honoured"

printf '[ui]\ntheme = from-dot\n' >"$H/.postierc"
"$POSTIE" config check >"$TEST_TMP/out" 2>&1
like "$(cat "$TEST_TMP/out")" "theme = from-dot" "~/.postierc comes first"
is "$("$POSTIE" -F "$good" config path)" "$good" "config path with -F"

"$POSTIE" config frobnicate >/dev/null 2>&1
is "$?" 64 "an unknown sub-command is a usage error"
"$POSTIE" config >/dev/null 2>&1
is "$?" 64 "config alone is a usage error"

done_testing
