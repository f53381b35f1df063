#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The composer on the demo account (a local Maildir, no network), in
# tmux: a reply to the GBK message with the quote decoded, the line
# editor on CJK text, the built-in body editor, an attachment with its
# size and type, the preview, the question before sending without a
# subject, postpone and recall, abort, hostile-49 (an editor that exits
# non-zero, empties the file or deletes it changes nothing), a kill -9
# while composing and the draft offered at the next start, and
# hostile-46 (a mailto: link on the command line cannot add a Bcc, set
# From or attach a file).

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
chmod 600 "$D/postierc"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
mkdir -p "$HOME"
DRAFTS=$XDG_DATA_HOME/postie/demo/drafts

# The editor: what it does is read from a file, so one screen can try
# them all. write: a known Chinese text; fail: write, then exit 1;
# empty: truncate the file; delete: remove it.
ED=$TEST_TMP/editor
cat >"$ED" <<EOF
#!/bin/sh
case \$(cat "$TEST_TMP/edmode") in
write) printf '编辑器写的正文\nsecond line\n' >"\$1" ;;
fail) printf 'half done\n' >"\$1"; exit 1 ;;
empty) : >"\$1" ;;
delete) rm -f "\$1" ;;
esac
EOF
chmod +x "$ED"
edmode() { echo "$1" >"$TEST_TMP/edmode"; }
edmode write

tui_start 120 40 -F "$D/postierc"
ok "the index shows" tui_wait "postie: demo | INBOX"

# A reply to the GBK message, built-in editor (no EDITOR yet)
tui_keys g r
ok "r opens the composer" tui_wait "y:send e:edit"
ok "To: the sender, decoded" tui_wait "To:       李娜 <lina@163.com>"
ok "the subject with Re:" tui_wait "Subject:  Re: 关于下周项目评审的安排"
ok "the attribution line" tui_wait ", 李娜 wrote:"
ok "the GBK text quoted, decoded" tui_wait "> 下周三（11月25日）下午两点在三楼会议室进行项目评审"
f=$(ls "$DRAFTS"/draft-* 2>/dev/null | head -1)
ok "the draft file is written as the composer opens" test -f "$f"
like "$(cat "$f")" "In-Reply-To: <" "it keeps In-Reply-To"
is "$(stat -c %a "$f")" 600 "the draft file is private (0600)"

# the line editor: CJK in the middle of a field
tui_keys t C-a Right Right
tui_keys '王' Enter
ok "t edits To; a CJK character goes in at the cursor" \
	tui_wait "To:       李娜王 <lina@163.com>"
tui_keys t BSpace BSpace BSpace BSpace BSpace BSpace C-e
tui_keys BSpace Escape
ok "Esc cancels the edit" tui_wait "To:       李娜王 <lina@163.com>"
tui_keys t C-u 'bob@lab.test' Enter
ok "Ctrl-U clears, typing replaces" tui_wait "To:       bob@lab.test"

# the built-in editor: no EDITOR or VISUAL
tui_keys e
ok "e without an editor edits in the pane" tui_wait "editing the text: Esc ends"
tui_keys C-k C-k '你好世界' Enter 'line two' Escape
ok "typed text shows" tui_wait "你好世界"
ok "on its own line" tui_wait "line two"
ok "the draft holds it" grep -q "你好世界" "$f"

# an attachment: its name, type and size
printf 'hello attachment\n' >"$TEST_TMP/报告.txt"
tui_keys a "$TEST_TMP/报告.txt" Enter
ok "a attaches a file, with its type and size" \
	tui_wait "报告.txt  [text/plain, 17]"
tui_keys a "$TEST_TMP/missing.txt" Enter
ok "a missing file is refused, saying why" \
	tui_wait "cannot attach '$TEST_TMP/missing.txt'"
printf 'from home\n' >"$HOME/home-note.txt"
tui_keys a "~/home-note.txt" Enter
ok "a path under ~/ is taken from HOME" \
	tui_wait "home-note.txt  [text/plain, 10]"
tui_keys D
ok "D removes the newest attachment" tui_gone "home-note.txt"
ok "and leaves the other" tui_wait "报告.txt  [text/plain, 17]"

# the preview, through the viewer's renderer
tui_keys p
ok "p previews the message as built" tui_wait "To: bob@lab.test"
ok "with its attachment listed" tui_wait "报告.txt"
ok "and the From of the account" tui_wait "From: Demo <demo@postie.example>"
tui_keys q
ok "q leaves the preview" tui_wait "y:send e:edit"
tui_keys D
ok "D removes the attachment" tui_gone "[text/plain, 17]"

# postpone, then recall
tui_keys P
ok "P postpones" tui_wait "postponed (R recalls it)"
ok "the screen is back on the index" tui_wait "postie: demo | INBOX"
ok "a postponed file is kept" ls "$DRAFTS"/postponed-*
tui_keys R
ok "R recalls it" tui_wait "Subject:  Re: 关于下周项目评审的安排"
ok "with its text" tui_wait "你好世界"

# hostile-49 with an external editor: [ui] editor is read at start, so
# the rest runs on a screen started with EDITOR set
tui_keys q
ok "q asks before aborting" tui_wait "abort this message?"
tui_keys y
ok "aborted, kept with the postponed ones" tui_wait "message not sent; kept"

# reply to the list without a List-Post address; edit as new in Sent
tui_keys g L
ok "L without List-Post says why" tui_wait "has no List-Post address"
tui_keys e
ok "e outside Sent and Drafts says where it works" \
	tui_wait "e edits as new in Sent and Drafts"
tui_keys c Sent Enter
ok "the Sent folder" tui_wait "postie: demo | Sent"
tui_keys g e
ok "e in Sent: edit as new" tui_wait "(account demo)"
ok "with the message's recipient" tui_wait "To:       lina@163.com"
ok "its subject as it was, no Re: added" \
	tui_wait "Subject:  回复：关于下周项目评审的安排"
tui_keys q y
ok "aborted" tui_wait "message not sent; kept"
tui_keys q y
ok "q quits" tui_wait "postie exited: 0"
tui_stop
# a tmux server of its own: the last one may still be going away
TUI_SOCK=postie-test-$$-1

export EDITOR="$ED"
tui_start 120 40 -F "$D/postierc"
ok "the screen again" tui_wait "postie: demo | INBOX"
tui_keys m s '编辑测试' Enter
edmode write
tui_keys e
ok "the editor's text comes in" tui_wait "编辑器写的正文"
edmode fail
tui_keys e
ok "hostile-49: an editor that exits 1 is reported" \
	tui_wait "the editor exited with status 1; the text is as it was"
ok "hostile-49: and the text is as it was" tui_wait "编辑器写的正文"
tui_gone "half done" 1
ok "hostile-49: nothing of the failed edit" test $? -eq 0
edmode empty
tui_keys e
ok "hostile-49: an emptied file is reported" \
	tui_wait "the editor left the file empty; the text is as it was"
ok "hostile-49: the text stays" tui_wait "编辑器写的正文"
edmode delete
tui_keys e
ok "hostile-49: a deleted file is reported" \
	tui_wait "the editor's file is gone"
ok "hostile-49: the text stays" tui_wait "编辑器写的正文"

# no recipient, then no subject: asked first
tui_keys y
ok "no recipient: not sent, said" tui_wait "no recipient: t edits To"
tui_keys t 'nobody@example.org' Enter s C-u Enter y
ok "no subject: asked first" tui_wait "no subject: send anyway? (y/n)"
tui_keys n
ok "n: still writing" tui_wait "y:send e:edit"

# kill -9 while writing: the draft is offered at the next start
tui_keys s '崩溃前的草稿' Enter
ok "the subject is typed" tui_wait "Subject:  崩溃前的草稿"
pid=$(pgrep -n -f "postie -F $D/postierc")
ok "postie runs" test -n "$pid"
kill -9 "$pid"
ok "killed" tui_wait "postie exited: 137"
tui_stop
# a tmux server of its own: the last one may still be going away
TUI_SOCK=postie-test-$$-2
tui_start 120 40 -F "$D/postierc"
ok "at the next start the draft is offered" \
	tui_wait "1 unsent draft from "
ok "asking y/n" tui_wait "recover? (y/n)"
tui_keys y
ok "y brings it back" tui_wait "Subject:  崩溃前的草稿"
ok "its recipient" tui_wait "To:       nobody@example.org"
ok "and its text" tui_wait "编辑器写的正文"
tui_keys q y q y
ok "quit" tui_wait "postie exited: 0"
tui_stop
# a tmux server of its own: the last one may still be going away
TUI_SOCK=postie-test-$$-3

# hostile-46: a mailto: link on the command line
tui_start 120 40 -F "$D/postierc" \
	'mailto:bob@lab.test?subject=%E4%BD%A0%E5%A5%BD&bcc=evil@x.example&from=evil@x.example&attach=/etc/passwd&body=hi'
ok "postie mailto:URL opens the composer" tui_wait "(account demo)"
ok "To from the link" tui_wait "To:       bob@lab.test"
ok "the subject decoded" tui_wait "Subject:  你好"
is "$(tui_screen | grep -c '^Bcc: *$')" 1 "hostile-46: no Bcc taken"
unlike "$(tui_screen)" "evil@x.example" "hostile-46: the Bcc and From of the link are nowhere"
unlike "$(tui_screen)" "passwd" "hostile-46: no attachment"
ok "From stays the account's" tui_wait "From:     Demo <demo@postie.example>"
ok "what was not taken is said" \
	tui_wait "Not taken from the link: bcc, from, attach"
tui_keys q y q y
ok "quit" tui_wait "postie exited: 0"
tui_stop
# a tmux server of its own: the last one may still be going away
TUI_SOCK=postie-test-$$-4

"$POSTIE" -F "$D/postierc" 'mailto:bob@lab.test?subject=a%0D%0ABcc:%20evil@x' \
	>"$TEST_TMP/out" 2>&1
is $? 65 "hostile-46: a link with CRLF in a header is refused before the screen starts"
like "$(cat "$TEST_TMP/out")" "postie compose: " "saying why"

done_testing
