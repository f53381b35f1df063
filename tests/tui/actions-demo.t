#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The actions of the index on the demo Maildir account, in tmux: d moves
# a message to Trash (the file moves too), d in Trash marks it D, u
# clears it, $ expunges; s with Tab completion moves to a Chinese-named
# folder, to a new folder after a yes; C copies; t tags three messages
# and ; s moves them in one go; T tags by a pattern; the limit (l) with
# from:, subject: in Chinese, has:attachment, body: (full text of the
# cached bodies) and a date range, cleared with "all"; z and Z fold
# threads; the folder list as a tree that folds; a move the worker
# refuses comes back with the error on the status line.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
chmod 600 "$D/postierc"
M=$D/Maildir
# a Chinese-named folder and a small hierarchy for the tree
for f in 归档 Work Work.2026 Work.2026.Q1; do
	mkdir -p "$M/.$f/cur" "$M/.$f/new" "$M/.$f/tmp"
done
# hostile-42: a folder whose name tries to set the title and clear the
# screen
for f in "$(printf 'A\033[2J')" "$(printf 'B\033]0;owned\007')"; do
	mkdir -p "$M/.$f/cur" "$M/.$f/new" "$M/.$f/tmp"
done
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
mkdir -p "$HOME"

# count the messages of a Maildir folder (cur/ and new/)
count() {
	ls "$1/cur" "$1/new" 2>/dev/null | grep -c '^[0-9]'
}
# until the screen has a line matching the extended regex RE
wait_re() {
	end=$(( $(date +%s) + 10 ))
	while ! tui_screen | grep -qE -- "$1"; do
		if [ "$(date +%s)" -ge "$end" ]; then
			diag "waited for /$1/"
			return 1
		fi
		sleep 0.1
	done
}
# the file holding a subject, in a folder (grep over the raw files: the
# demo's subjects are encoded, so look for a word of the body instead)
has_body() {
	grep -rlq -- "$2" "$1/cur" "$1/new" 2>/dev/null
}

tui_start 120 40 -F "$D/postierc"
ok "the index shows" tui_wait "postie: demo | INBOX | 30 messages"
ok "the cursor starts on the newest" tui_wait_sel "Your talk was accepted"

# --- d: to Trash --------------------------------------------------------
inbox0=$(count "$M")
trash0=$(count "$M/.Trash")
tui_keys d
ok "d: the row is gone at once" tui_gone "Your talk was accepted" 5
ok "d: the cursor stays on the row after" tui_wait_sel "京东"
ok "d: says where it went" tui_wait "moved 1 message to Trash"
ok "d: the index counts 29" tui_wait "INBOX | 29 messages"
is "$(count "$M")" $((inbox0 - 1)) "d: the file left INBOX"
is "$(count "$M/.Trash")" $((trash0 + 1)) "d: and is in .Trash"
ok "d: the message's text is in Trash" has_body "$M/.Trash" "talk"

# --- in Trash: d marks, u clears, $ expunges -----------------------------
tui_keys c
tui_keys Trash Enter
ok "Trash opens" tui_wait "postie: demo | Trash | 2 messages"
# the demo's Trash holds a newsletter marked deleted (T) already
tui_keys / talk Enter
ok "the moved message is in Trash" tui_wait_sel "Your talk was accepted"
ok "it is not marked deleted" wait_re "│r   Oct 31 .*Your talk was accepted"
tui_keys d
ok "d in Trash marks D" tui_wait "1 message marked deleted"
ok "d in Trash: the row shows D" wait_re "│D   Oct 31 .*Your talk was accepted"
tui_keys / talk Enter u
ok "u undeletes" tui_wait "1 message undeleted"
ok "u: the D is gone" wait_re "│r   Oct 31 .*Your talk was accepted"
ok "u: the flag left the file name" \
	sh -c "ls '$M/.Trash/cur' | grep -v M34P | grep -qv ':2,.*T'"
tui_keys d
ok "d again" tui_wait "1 message marked deleted"
ok "the flag reached the file name (T)" \
	sh -c "test \$(ls '$M/.Trash/cur' | grep -c ':2,.*T') -eq 2"
tui_keys '$'
ok "\$ expunges both messages marked deleted" tui_wait "Trash | 0 messages"
is "$(count "$M/.Trash")" 0 "\$: the files are removed"

# --- s with Tab completion, to a Chinese-named folder ---------------------
tui_keys c
tui_keys INBOX Enter
ok "back in INBOX" tui_wait "postie: demo | INBOX | 29 messages"
tui_keys g
ok "on the first message" tui_wait_sel "关于下周项目评审的安排"
tui_keys s
ok "s asks for a folder" tui_wait "Move to folder:"
tui_keys 归 Tab
ok "Tab completes the Chinese name" tui_wait "Move to folder: 归档"
tui_keys Enter
ok "s: moved" tui_wait "moved 1 message to 归档"
ok "s: the row is gone" tui_gone "关于下周项目评审的安排" 5
is "$(count "$M/.归档")" 1 "s: the file is in .归档"
ok "s: the folder list counts it" wait_re " 归档 +1│"

# --- s to a folder that does not exist: asked, created ---------------------
tui_keys s
tui_keys 新建 Enter
ok "a new folder is asked about" \
	tui_wait "Folder '新建' does not exist; create it? (y/n)"
tui_keys n
ok "n: nothing moved" tui_wait "not moved"
ok "n: the folder is not made" test ! -d "$M/.新建"
tui_keys s
tui_keys 新建 Enter
tui_wait "create it? (y/n)" >/dev/null
tui_keys y
ok "y: created and moved" tui_wait "moved 1 message to 新建"
is "$(count "$M/.新建")" 1 "y: the message is in the new folder"

# --- C copies ------------------------------------------------------------
inbox1=$(count "$M")
tui_keys C
ok "C asks for a folder" tui_wait "Copy to folder:"
tui_keys Work Enter
ok "C: copied" tui_wait "copied 1 message to Work"
is "$(count "$M")" "$inbox1" "C: the original stays"
is "$(count "$M/.Work")" 1 "C: the copy is in Work"

# --- t tags three, ; s moves them in one request ----------------------------
tui_keys g t t t
ok "t: three tagged" tui_wait "| 3 tagged"
ok "t: the mark is shown" \
	sh -c "test \$(tmux -L '$TUI_SOCK' capture-pane -p -t t | grep -c '│.\*') -eq 3"
inbox2=$(count "$M")
tui_keys '\;'
ok "; waits for the action" tui_wait "; for 3 tagged"
tui_keys s
ok "; s asks for the folder of the tagged" tui_wait "Move tagged to folder:"
tui_keys Work.2026 Enter
ok "; s: three moved" tui_wait "moved 3 messages to Work.2026"
is "$(count "$M")" $((inbox2 - 3)) "; s: three files left INBOX"
is "$(count "$M/.Work.2026")" 3 "; s: and are in Work.2026"
ok "; s: no tags left" tui_gone "tagged" 5

# --- ; F and ; N: one flag request for the tagged ----------------------------
tui_keys g t t
ok "two tagged" tui_wait "| 2 tagged"
tui_keys '\;' F
ok "; F flags both" wait_re "│.\*  Oct 1[0-9] "
tui_keys l is:flagged Enter
ok "both are flagged (is:flagged counts them)" \
	wait_re "limit: is:flagged \([0-9]+ of"
nflag=$(tui_screen | sed -n 's/.*limit: is:flagged (\([0-9]*\) of.*/\1/p')
tui_keys l all Enter g
tui_keys '\;' F
tui_keys l is:flagged Enter
ok "; F again clears both" \
	wait_re "limit: is:flagged \($((nflag - 2)) of"
tui_keys l all Enter
tui_keys T Enter

# --- T tags by a pattern ----------------------------------------------------
tui_keys T
ok "T asks for a pattern" tui_wait "Tag messages matching:"
tui_keys from:吴磊 Enter
ok "T: the messages of one sender tagged" tui_wait "3 messages tagged"
tui_keys T Enter
ok "T with nothing untags all" tui_wait "3 messages untagged"

# --- the limit ---------------------------------------------------------------
total=$(tui_screen | sed -n 's/.*INBOX | \([0-9]*\) messages.*/\1/p')
tui_keys l
ok "l asks for a query" tui_wait "Limit to:"
tui_keys from:吴磊 Enter
ok "limit from:" tui_wait "limit: from:吴磊 (3 of $total)"
tui_keys l 'subject:爬山 from:孙丽' Enter
ok "limit subject: in Chinese and from:" \
	tui_wait "limit: subject:爬山 from:孙丽 (2 of $total)"
tui_keys l has:attachment Enter
ok "limit has:attachment" tui_wait "limit: has:attachment (1 of $total)"
ok "has:attachment: the invoice mail" tui_wait_sel "报销单和发票"
tui_keys l body:还款日 Enter
ok "limit body: in Chinese, through the full-text index" \
	tui_wait "limit: body:还款日 (1 of $total)"
ok "body: the message whose text has it" tui_wait_sel "信用卡电子账单"
tui_keys l body:lake Enter
ok "limit body: in a base64 body" tui_wait "limit: body:lake (1 of $total)"
ok "body: the message" tui_wait_sel "Photos from the trip"
tui_keys l body:Thursday Enter
ok "body: not the subject (Lunch on Thursday? has it in both)" \
	tui_wait "limit: body:Thursday (1 of $total)"
tui_keys l date:2026-10-20..2026-10-21 Enter
ok "limit date range" tui_wait "limit: date:2026-10-20..2026-10-21 (2 of"
tui_keys l is:unread Enter
ok "limit is:unread" tui_wait "limit: is:unread ("
tui_keys l 'nothing-like-this' Enter
ok "a limit that matches nothing says so" \
	tui_wait "no messages match the limit"
tui_keys l 'foo:bar' Enter
ok "a bad query is refused with a reason" tui_wait "unknown key 'foo:'"
tui_keys l all Enter
ok "l all clears" tui_wait "limit cleared: all $total messages"
ok "the status line has no limit" tui_gone "limit:" 5

# --- / uses the same matcher -----------------------------------------------------
tui_keys / from:孙丽 Enter
ok "/ with from: finds a message" tui_wait_sel "孙丽"

# --- folded threads ----------------------------------------------------------------
tui_keys g
tui_keys / 'subject:周末爬山' Enter
ok "on the thread" tui_wait_sel "周末爬山"
tui_keys z
ok "z folds the thread into its first message" tui_wait "(+9) 周末爬山"
ok "z: the replies are hidden" tui_gone "└─>Re: 周末爬山" 5
tui_keys z
ok "z again unfolds" tui_wait "└─>Re: 周末爬山"
tui_keys Z
ok "Z folds every thread" tui_wait "(+9) 周末爬山"
tui_keys Z
ok "Z again unfolds all" tui_gone "(+9)" 5

# --- d in the viewer ----------------------------------------------------------------
tui_keys / subject:年假 Enter Enter
ok "a message opens in the viewer" tui_wait "Subject: 年假申请已批准"
trash1=$(count "$M/.Trash")
tui_keys d
ok "d in the viewer shows the next message" \
	tui_wait "Subject: [SECURITY] DSA-5999-1"
i=0
while [ "$(count "$M/.Trash")" -ne $((trash1 + 1)) ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
is "$(count "$M/.Trash")" $((trash1 + 1)) "and the one shown went to Trash"
tui_keys q
ok "back to the index" tui_gone "Subject: [SECURITY]" 5

# --- the folder list as a tree ---------------------------------------------------
tui_keys Tab
ok "Work with its child nested" tui_wait " ▾Work"
ok "2026 under Work" tui_wait "   ▾2026"
ok "Q1 under 2026" tui_wait "     Q1"
ok "hostile-42: a CSI in a folder name is shown as text" \
	tui_wait " A^[[2J"
ok "hostile-42: an OSC title in a folder name too" \
	tui_wait " B^[]0;owned^G"
is "$(tui_tmux display -p -t "$TUI_SESSION" '#{pane_title}' | grep -c owned)" 0 \
	"hostile-42: the terminal title is not changed"
tui_keys g 2>/dev/null
# to the Work row: from the top (the heading), down to it
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do tui_keys k; done
n=$(tui_screen | cut -c1-22 | grep -n ' ▾Work' | cut -d: -f1)
for i in $(seq 3 "$n"); do tui_keys j; done
tui_keys Space
ok "Space folds Work" tui_wait " ▸Work"
ok "its children are hidden" tui_gone "   ▾2026" 5
ok "a folded parent counts what it holds" wait_re " ▸Work +1/4│"
tui_keys l
ok "l unfolds" tui_wait "   ▾2026"
for i in $(seq 2 "$n"); do tui_keys k; done
tui_keys Space
ok "Space on the account heading folds it" tui_wait "▸ demo"
ok "its folders are hidden" tui_gone " Drafts" 5
tui_keys Enter
ok "Enter on the heading unfolds it" tui_wait " Drafts"
tui_keys Tab

# --- a move the worker refuses comes back -----------------------------------------
tui_keys G
ok "on the last message" tui_wait_sel "您的订单已签收"
inbox3=$(count "$M")
# another program adds a message: the UIDs the screen has are stale
printf 'From: x@y\nSubject: behind\n\nhi\n' >"$M/new/1799999999.stale.demo"
tui_keys d
ok "hostile-15: a move with stale UIDs is refused, the error shown" \
	tui_wait "changed on disk; sync it first"
ok "hostile-15: the message is back" tui_wait "您的订单已签收"
is "$(count "$M")" $((inbox3 + 1)) "hostile-15: nothing left INBOX"

tui_keys q
tui_wait "Quit postie?" >/dev/null
tui_keys y
ok "quit" tui_wait "postie exited: 0"

# --- delete = mark -------------------------------------------------------------
tui_stop
cat >>"$D/postierc" <<'RC'
[ui]
delete = mark
RC
TUI_SOCK=postie-test-$$-mark
tui_start 120 40 -F "$D/postierc"
ok "again, with delete = mark" tui_wait "postie: demo | INBOX"
before=$(count "$M/.Trash")
tui_keys g d
ok "delete = mark: d marks D" wait_re "│D   Oct 19 .*打ち合わせの日程について"
is "$(count "$M/.Trash")" "$before" "delete = mark: nothing went to Trash"
inbox4=$(count "$M")
tui_keys c Sent Enter
ok "another folder opens" tui_wait "postie: demo | Sent"
i=0
while [ "$(count "$M")" -ne $((inbox4 - 1)) ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
is "$(count "$M")" $((inbox4 - 1)) "leaving INBOX expunged what d marked"
tui_keys q
tui_wait "Quit postie?" >/dev/null
tui_keys y
ok "quit" tui_wait "postie exited: 0"

done_testing
