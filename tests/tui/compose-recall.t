#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The recall list on the demo account, in tmux: with several postponed
# messages R (and :recall) lists them, the newest first, with date, To
# and Subject, each sanitised (a subject with a right-to-left override
# shows the code point, never the override itself); j/k move, Enter
# recalls the one chosen, d deletes one after a question, and q / Esc go
# back; with a single postponed message R recalls it at once. Also: a
# reply to all of more recipients than To holds counts those left out on
# the composer's note line, and a recalled draft whose kept copy of a
# forwarded message is gone names it there.

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
unset EDITOR VISUAL

# a message to a crowd, the newest of the INBOX: more recipients than
# To holds
{
	printf 'From: boss@example.org\nSubject: all hands\n'
	printf 'Date: Mon, 30 Nov 2026 10:00:00 +0000\n'
	printf 'Message-ID: <crowd@example.org>\nTo: '
	i=0
	while [ $i -lt 400 ]; do
		[ $i -gt 0 ] && printf ', '
		printf '"Person %d" <person%d@example.org>' $i $i
		i=$((i + 1))
	done
	printf '\n\nhello all\n'
} >"$D/Maildir/cur/1796000000.M9P4242Q9.demo:2,S"

tui_start 120 40 -F "$D/postierc"
ok "the index shows" tui_wait "postie: demo | INBOX"

tui_keys R
ok "nothing postponed: said" tui_wait "no postponed message"

# three postponed messages, a second apart (the list is by date)
for n in 一 二 三; do
	tui_keys m t "to$n@example.org" Enter s "草稿$n" Enter
	tui_wait "Subject:  草稿$n" >/dev/null
	tui_keys P
	tui_wait "postponed (R recalls it)" >/dev/null
	sleep 1.1
done
is "$(ls "$DRAFTS" | grep -c '^postponed-')" 3 "three postponed files"

# and an older one with a bidi override in its subject, written by hand
{
	printf 'From-Account: demo\nTo: evil@example.org\nCc:\nBcc:\n'
	printf 'Subject: invoice \342\200\256fdp.exe\nSigned: no\n\ntext\n'
} >"$DRAFTS/postponed-1000-1-1"
touch -d '2020-01-02 03:04' "$DRAFTS/postponed-1000-1-1"

tui_keys R
ok "R lists them" tui_wait "Postponed messages: 4"
scr=$(tui_screen)
like "$scr" "to三@example.org" "the newest's To"
like "$scr" "草稿三" "and Subject"
like "$scr" "2020-01-02 03:04" "the date of each"
like "$scr" "invoice <U+202E>fdp.exe" "the override shown as a code point"
unlike "$scr" "$(printf '\342\200\256')" "never drawn as it is"
ok "the newest first, selected" tui_wait_sel "草稿三"
first=$(tui_screen | grep -n '草稿三' | cut -d: -f1)
second=$(tui_screen | grep -n '草稿二' | cut -d: -f1)
ok "newest above the older" test "$first" -lt "$second"
like "$(tui_screen | tail -1)" "j/k:move Enter:recall d:delete q:back" \
	"the keys on the bottom line"

tui_keys j
ok "j moves the selection down" tui_wait_sel "草稿二"
tui_keys Enter
ok "Enter recalls the one chosen" tui_wait "Subject:  草稿二"
ok "its To" tui_wait "To:       to二@example.org"
tui_keys P
ok "postponed again" tui_wait "postponed (R recalls it)"

tui_keys : recall Enter
ok ":recall lists them too" tui_wait "Postponed messages: 4"
tui_keys G d
ok "d asks first" tui_wait "delete the draft 'invoice <U+202E>fdp.exe'? (y/n)"
tui_keys n
ok "n keeps it" tui_wait "Postponed messages: 4"
tui_keys d y
ok "y deletes it" tui_wait "Postponed messages: 3"
ok "its file is gone" test ! -e "$DRAFTS/postponed-1000-1-1"
tui_keys q
ok "q goes back to the index" tui_wait "postie: demo | INBOX"
unlike "$(tui_screen)" "Postponed messages" "the list is gone"

tui_keys R
ok "R again" tui_wait "Postponed messages: 3"
tui_keys Escape
ok "Esc goes back too" tui_gone "Postponed messages" 5

# delete down to one: then R recalls it at once
tui_keys R
tui_wait "Postponed messages: 3" >/dev/null
tui_keys d y
ok "one deleted" tui_wait "Postponed messages: 2"
tui_keys d y
ok "two deleted" tui_wait "Postponed messages: 1"
is "$(ls "$DRAFTS" | grep -c '^postponed-')" 1 "one postponed file left"
tui_keys q
tui_gone "Postponed messages" 5 >/dev/null
tui_keys R
ok "a single postponed message is recalled at once" \
	tui_wait "Subject:  草稿一"
unlike "$(tui_screen)" "Postponed messages" "with no list"

tui_keys q y
ok "aborted, kept" tui_wait "message not sent; kept"

# reply to all of more than To holds: the composer says how many
tui_keys G
ok "the crowd's message" tui_wait_sel "all hands"
tui_keys a
ok "reply to all" tui_wait "Subject:  Re: all hands"
ok "the recipients left out are counted, not dropped in silence" \
	tui_wait "recipients of the message did not fit in To and Cc"

tui_keys q y
ok "aborted" tui_wait "message not sent; kept"

# a draft whose kept copy of a forwarded message is gone: said, not
# dropped in silence
{
	printf 'From-Account: demo\nTo: x@example.org\nCc:\nBcc:\n'
	printf 'Subject: lost part\nAttach-Kept: part-1 message/rfc822 '
	printf 'orig.eml\nSigned: no\n\ntext\n'
} >"$DRAFTS/postponed-2000-1-1"
touch -d '2020-01-02 03:04' "$DRAFTS/postponed-2000-1-1"
tui_keys R
ok "listed" tui_wait "Postponed messages: 3"
tui_keys G Enter
ok "recalled" tui_wait "Subject:  lost part"
ok "the lost attachment is named" \
	tui_wait "Lost from the draft (its kept copy is gone): 'orig.eml'"
done_testing
