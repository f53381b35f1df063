#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The viewer's links, headers and split view: URLs of the text numbered
# with trailing punctuation left out; Ctrl-B and a typed number give one to
# url-command (a script recording its argv) as one argument; a mailto:
# link runs nothing; h shows all headers and back; quoted text coloured
# by depth (three levels); S splits the screen with index rows above the
# message and a resize reflows it; viewer = split in the dotfile.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
command -v python3 >/dev/null || bail "python3 is not installed (make deps)"

VIEWER_UI="url-command = $TEST_TMP/v/url.sh --new-tab
viewer-index-rows = 3"
. "$TESTS_DIR/tui/viewer-lib.sh"

cat >"$D/url.sh" <<REC
#!/bin/sh
printf '%s\n' "\$@" >>"$D/out/url"
REC
chmod +x "$D/url.sh"

# a second message, so the split view has rows to show
# a second message, so the split view has rows to show; its attachments
# are a GBK text and a Big5 text, viewed from the parts pane
python3 - "$D/Maildir/cur" <<'PY'
import base64, sys
gbk = base64.encodebytes("会议纪要：下周一上午九点。\n".encode("gbk")).decode()
big5 = base64.encodebytes("出貨通知：已寄出。\n".encode("big5")).decode()
with open(sys.argv[1] + "/1792000000.M2P2Q2.v:2,S", "w") as f:
    f.write("From: Bob <bob@example.com>\nTo: me@postie.example\n"
            "Subject: An older one\n"
            "Date: Sun, 01 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=Z\n\n"
            "--Z\nContent-Type: text/plain\n\nOld text.\n"
            "--Z\nContent-Type: text/plain; charset=gbk\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=notes.txt\n\n"
            + gbk +
            "--Z\nContent-Type: text/plain; charset=big5\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=ship.txt\n\n"
            + big5 + "--Z--\n")
PY

waitfile() {
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

cd "$D" || bail "cannot enter $D"
tui_start 100 30 -F "$D/postierc"
ok "the index shows" tui_wait "Parts and links"
tui_keys G Enter
ok "the message opens" tui_wait "three levels"
ok "links numbered, the comma left out" \
	tui_wait "See https://example.com/a [1], and"
ok "a closing bracket the URL opened is kept, the other left out" \
	tui_wait "(http://example.org/wiki/Foo_(bar) [2])."
ok "mailto and ftp numbered, the full stop left out" \
	tui_wait "mailto:desk@example.com [3] or fetch ftp://ftp.example.net/f.txt [4]."

tui_keys C-b
ok "Ctrl-B asks which link" tui_wait "Open link (1-4):"
tui_keys 2 Enter
ok "link 2 opened" tui_wait "opening link 2: http://example.org/wiki/Foo_(bar)"
ok "url-command ran" waitfile "$D/out/url"
is "$(cat "$D/out/url")" "--new-tab
http://example.org/wiki/Foo_(bar)" "the URL is one argument after the command's own"
: >"$D/out/url"
tui_keys 4 Enter
ok "a number then Enter opens that link" tui_wait "opening link 4: ftp://"
ok "url-command ran again" waitfile "$D/out/url"
is "$(cat "$D/out/url")" "--new-tab
ftp://ftp.example.net/f.txt" "the ftp URL given"
: >"$D/out/url"
tui_keys 3 Enter
ok "a mailto: link says why nothing ran" tui_wait "no composer to open it"
sleep 0.3
is "$(cat "$D/out/url")" "" "and url-command did not run"
tui_keys 9 Enter
ok "a number past the links is refused" tui_wait "no link 9 (the text has 4)"

# quoting by depth: three colours
colour_of() {
	tui_tmux capture-pane -p -e -t "$TUI_SESSION" | grep -F "$1" |
		sed -n 's/^\(.\[[0-9;]*m\).*/\1/p' | sed -n 1p
}
q1=$(colour_of "> one level")
q2=$(colour_of "> > two levels")
q3=$(colour_of "> > > three levels")
ok "quote levels are coloured" test -n "$q1" -a -n "$q2" -a -n "$q3"
ok "three levels, three colours" \
	test "$q1" != "$q2" -a "$q2" != "$q3" -a "$q1" != "$q3"

# headers
unlike "$(tui_screen)" "X-Mailer" "the common headers only at first"
ok "Reply-To is among the common headers" tui_wait "Reply-To: Desk <desk@example.com>"
tui_keys h
ok "h: all headers" tui_wait "X-Mailer: HostileMailer 1.0"
ok "the Message-ID too" tui_wait "Message-ID: <parts@example.com>"
tui_keys h
ok "h again: the common ones" tui_gone "X-Mailer"

# split view
tui_keys S
ok "S: the split view" tui_wait "split view"
ok "index rows above the message" tui_wait "An older one"
like "$(tui_screen | sed -n 2,4p)" "Parts and links" \
	"the open message among the index rows"
like "$(tui_screen | sed -n 5p)" "────" "a rule under the index rows"
like "$(tui_screen | sed -n 6p)" "Date: " "the message below"
tui_keys K
ok "K: the older message in the split view" tui_wait "Old text."
like "$(tui_screen | sed -n 6,12p)" "Subject: An older one" \
	"shown below the rows"
tui_tmux resize-window -t "$TUI_SESSION" -x 60 -y 20
# until line N of the screen is TEXT (the redraw after a resize)
line_is() {
	for i in $(seq 50); do
		tui_screen | sed -n "$1p" | grep -qxF -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
ok "a resize reflows the split view: the rule where it was, 60 wide" \
	line_is 5 "$(printf '─%.0s' $(seq 60))"
ok "the message below it" tui_wait "Old text."
is "$(tui_screen | wc -l | tr -d ' ')" 20 "twenty rows"
tui_keys S
ok "S again: the full view" tui_wait "full view"
like "$(tui_screen | sed -n 2p)" "Date: " "the message right under the bar"

# Chinese text parts viewed from the parts pane, each in its charset
tui_keys v
ok "the parts of the older message" tui_wait "text/plain; gbk"
tui_keys Enter
ok "Enter: the GBK part decoded" tui_wait "会议纪要：下周一上午九点。"
tui_keys q j Enter
ok "the Big5 part decoded" tui_wait "出貨通知：已寄出。"
tui_keys q q
ok "back to the message" tui_wait "Old text."
tui_keys q q
ok "postie ends" tui_wait "postie exited: 0"

# viewer = split in the dotfile (on a tmux server of its own: the first
# may still be going away)
tui_stop
TUI_SOCK=postie-test-$$-split
cat >"$D/rc2" <<'RC'
[ui]
folder-width = 0
confirm-quit = no
viewer = split
viewer-index-rows = 2

[account "v"]
address = me@postie.example
receive = maildir:Maildir
RC
chmod 600 "$D/rc2"
tui_start 100 30 -F "$D/rc2"
ok "the index" tui_wait "Parts and links"
tui_keys G Enter
ok "viewer = split opens the message split" tui_wait "three levels"
like "$(tui_screen | sed -n 4p)" "────" "with two index rows above it"
tui_keys q q
ok "postie ends again" tui_wait "postie exited: 0"

done_testing
