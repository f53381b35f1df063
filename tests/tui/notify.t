#!/bin/sh
# SPDX-License-Identifier: ISC
#
# New mail on the demo account, in tmux, with the Maildir polled every
# second: mail delivered while postie runs puts "(N new)" on the
# account's heading and a note on the bottom line, rings the bell when
# asked, and runs new-mail-command once per batch with the account, the
# folder and the count as arguments (no shell: the arguments arrive as
# they are); the first sync after start announces nothing; a command
# that fails is logged and changes nothing else; one that hangs does not
# hold up the screen and is killed after 10 seconds. The terminal title
# follows the open folder and its unread count, and a folder name with
# escape sequences reaches it only as visible text (hostile-42).

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$D/"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/home/.config"
mkdir -p "$HOME"

# the command: one line per run, its arguments between brackets
cat >"$D/record" <<'EOF'
#!/bin/sh
out=$(dirname "$0")/calls
for a in "$@"; do printf '[%s]' "$a"; done >>"$out"
echo >>"$out"
EOF
cat >"$D/fail" <<'EOF'
#!/bin/sh
echo "$@" >>"$(dirname "$0")/fails"
exit 3
EOF
cat >"$D/hang" <<'EOF'
#!/bin/sh
echo $$ >"$(dirname "$0")/hang.pid"
exec sleep 60
EOF
chmod +x "$D/record" "$D/fail" "$D/hang"

cat >"$D/postierc" <<RC
[ui]
sort = date
folder-width = 22
bell-on-new = yes
new-mail-command = $D/record 'one arg; \$(touch $D/pwned)'
[account "demo"]
address = demo@postie.example
receive = maildir:Maildir
assumed-charset = gb18030
poll = 1s
RC
chmod 600 "$D/postierc"

n=0
# deliver FOLDER-DIR COUNT: COUNT messages into FOLDER-DIR/new at once
deliver() {
	dir=$1 count=$2 files=""
	mkdir -p "$D/tmp"
	for i in $(seq "$count"); do
		n=$((n + 1))
		f=$D/tmp/1800000000.n$n.test
		printf 'From: New <new@example.com>\nSubject: new mail %s\n' "$n" >"$f"
		printf 'Date: Mon, 23 Nov 2026 10:00:00 +0000\n\nbody %s\n' "$n" >>"$f"
		files="$files $f"
	done
	# shellcheck disable=SC2086
	mv $files "$dir/new/"
}

calls() {
	cat "$D/calls" 2>/dev/null
}

# until FILE has N lines
wait_lines() {
	end=$(( $(date +%s) + 10 ))
	while [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -lt "$2" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}

title() {
	tui_tmux display -p -t "$TUI_SESSION" '#{pane_title}'
}

# until the terminal title is TEXT
tui_wait_title() {
	end=$(( $(date +%s) + 10 ))
	until [ "$(title)" = "$1" ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			diag "title: $(title)"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

tui_start 120 30 -F "$D/postierc"
ok "the index shows" tui_wait "postie: demo | INBOX"
ok "the first sync ends" tui_wait "demo: synced"
ok "the title names account, folder and unread count" \
	tui_wait_title "postie: demo/INBOX (8)"
sleep 2
is "$(calls)" "" "the first sync announces nothing"
unlike "$(tui_screen | sed -n 2p)" "new)" "no marker at start"

# one message
deliver "$D/Maildir" 1
ok "the heading shows (1 new)" tui_wait "demo (1 new)"
ok "the bottom line says so" tui_wait "demo: 1 new message in INBOX"
ok "new-mail-command ran" wait_lines "$D/calls" 1
is "$(calls)" "[one arg; \$(touch $D/pwned)][demo][INBOX][1]" \
	"with its own words, then account, folder and count"
ok "no shell read the command" test ! -e "$D/pwned"
is "$(tui_tmux display -p -t "$TUI_SESSION" '#{window_bell_flag}')" 1 \
	"bell-on-new rang the bell"
ok "the title follows the unread count" tui_wait_title "postie: demo/INBOX (9)"

# three at once: one batch, one run
deliver "$D/Maildir" 3
ok "the heading shows (4 new)" tui_wait "demo (4 new)"
ok "one more run" wait_lines "$D/calls" 2
sleep 2
is "$(calls | wc -l)" 2 "once per batch, not once per message"
is "$(calls | sed -n 2p)" "[one arg; \$(touch $D/pwned)][demo][INBOX][3]" \
	"the batch's count"

# another folder
deliver "$D/Maildir/.Lists.postie-dev" 1
ok "a folder of its own" wait_lines "$D/calls" 3
is "$(calls | sed -n 3p)" "[one arg; \$(touch $D/pwned)][demo][Lists.postie-dev][1]" \
	"its name as the folder"

# looking clears the marker
tui_keys j
ok "a key in the account's index clears the marker" tui_gone "(5 new)"
unlike "$(tui_screen | sed -n 2p)" "new)" "no marker left"
tui_keys q y
ok "postie quits" tui_wait "postie exited: 0"
tui_stop

# a failing command: logged, nothing else
TUI_SOCK=postie-test-$$-2
sed -i "s|^new-mail-command = .*|new-mail-command = $D/fail|" "$D/postierc"
tui_start 120 30 -F "$D/postierc"
ok "postie starts again" tui_wait "demo: synced"
deliver "$D/Maildir" 1
ok "the failing command ran" wait_lines "$D/fails" 1
ok "the screen goes on" tui_wait "demo (1 new)"
log=$XDG_STATE_HOME/postie/postie.log
end=$(( $(date +%s) + 5 ))
until grep -q "new-mail-command exited with 3" "$log" 2>/dev/null; do
	[ "$(date +%s)" -ge "$end" ] && break
	sleep 0.2
done
ok "its failure is in the log" grep -q "new-mail-command exited with 3" "$log"

tui_keys q y
tui_wait "postie exited: 0"
tui_stop

# a command that hangs: the screen goes on, and it is killed after 10s
TUI_SOCK=postie-test-$$-4
sed -i "s|^new-mail-command = .*|new-mail-command = $D/hang|" "$D/postierc"
tui_start 120 30 -F "$D/postierc"
ok "postie starts with a command that hangs" tui_wait "demo: synced"
deliver "$D/Maildir" 1
ok "the command runs" wait_lines "$D/hang.pid" 1
pid=$(cat "$D/hang.pid")
tui_keys g
ok "the screen answers keys while it runs" \
	tui_wait_sel "关于下周项目评审的安排"
end=$(( $(date +%s) + 20 ))
while kill -0 "$pid" 2>/dev/null; do
	[ "$(date +%s)" -ge "$end" ] && break
	sleep 0.2
done
fails "it is killed after its time" kill -0 "$pid"
ok "and that is in the log" grep -q "new-mail-command ran for more than 10s: killed" "$log"
tui_keys q y
tui_wait "postie exited: 0"
tui_stop

# hostile-42: a folder name with escapes reaches the title as text
evil=$(printf 'x\033]0;owned\007y')
mkdir -p "$D/Maildir/.$evil/cur" "$D/Maildir/.$evil/new" "$D/Maildir/.$evil/tmp"
deliver "$D/Maildir/.$evil" 1
TUI_SOCK=postie-test-$$-3
tui_start 120 30 -F "$D/postierc"
ok "hostile-42: the folder is listed, its name as text" tui_wait "x^[]0;owned^Gy"
# the last folder of the list
tui_keys Tab j j j j j j j j j j Enter
ok "hostile-42: the title shows the escape as text" \
	tui_wait_title "postie: demo/x^[]0;owned^Gy (1)"
unlike "$(title)" "$(printf '\033')" "hostile-42: no escape in the title"
tui_keys q y

done_testing
