#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The viewer's parts pane (v) on a message of hostile parts: the list
# shows every part with names escaped (hostile-42, hostile-43); s saves
# under a safe name in the save directory only (hostile-44), asks before
# replacing, completes the path with Tab and writes mode 0600; o opens a
# part through a test mailcap whose command records its argv (the
# private 0600 file it got is gone afterwards); a hostile Content-Type
# parameter stays an inert word (hostile-45); | pipes the decoded part
# to wc -c; Enter views the HTML part as text.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
command -v python3 >/dev/null || bail "python3 is not installed (make deps)"

. "$TESTS_DIR/tui/viewer-lib.sh"

cat >"$D/rec.sh" <<REC
#!/bin/sh
printf '%s\n' "\$@" >"$D/out/argv"
stat -c %a "\$1" >"$D/out/mode"
stat -c %a "\$(dirname "\$1")" >"$D/out/dirmode"
cat "\$1" >"$D/out/content"
REC
chmod +x "$D/rec.sh"
cat >"$D/mailcap" <<MC
# the test's mailcap
application/pdf; $D/rec.sh %s; nametemplate=%s.pdf
application/x-hostile; printf '[%%s]\\\\n' %{name}; copiousoutput
MC

cd "$D" || bail "cannot enter $D"
tui_start 120 40 -F "$D/postierc"
ok "the index shows" tui_wait "Parts and links"
tui_keys Enter
ok "the message opens" tui_wait "three levels"
ok "the viewer names the parts key" tui_wait "v lists the parts"

tui_keys v
ok "v: the parts pane" tui_wait "7 parts: Enter view, s save, o open"
ok "the container" tui_wait "multipart/mixed"
ok "the text part with its charset" tui_wait "text/plain; utf-8"
ok "hostile-44: the traversal name shown as it is, as text" \
	tui_wait "../../.bashrc  [attachment]"
ok "hostile-42: the escape in a name shown as text" \
	tui_wait "application/pdf  14  ^[]0;x^G.pdf"
ok "hostile-43: the bidi override shown escaped" \
	tui_wait "evil<U+202E>gpj.exe"
ok "the HTML part" tui_wait "text/html; utf-8  67  page.html"
ok "the cursor starts on the first attachment" tui_wait_sel ".bashrc"

# save: the suggested name is safe and in the save directory
tui_keys s
ok "hostile-44: s suggests a safe name in ~/Downloads" \
	tui_wait "Save to: ~/Downloads/bashrc"
tui_keys Enter
ok "saved" tui_wait "saved 10 bytes to $HOME/Downloads/bashrc"
is "$(cat "$HOME/Downloads/bashrc")" "echo pwned" "the file holds the part"
is "$(stat -c %a "$HOME/Downloads/bashrc")" 600 "written with mode 0600"
ok "hostile-44: nothing written outside the directory" \
	test ! -e "$HOME/.bashrc" -a ! -e "$D/.bashrc" -a ! -e "$TEST_TMP/.bashrc"

tui_keys s Enter
ok "hostile-44: an existing file is not replaced without asking" \
	tui_wait "bashrc' exists; replace it? (y/n)"
tui_keys n
ok "n keeps it" tui_wait "not saved"
tui_keys s Enter y
ok "y replaces it" tui_wait "saved 10 bytes to $HOME/Downloads/bashrc"

tui_keys j s
ok "hostile-42: the escape left out of the suggested name" \
	tui_wait "Save to: ~/Downloads/]0;x.pdf"
tui_keys Enter
ok "saved the pdf" tui_wait "saved 14 bytes"
tui_keys j s
ok "hostile-43: the bidi override left out of the suggested name" \
	tui_wait "Save to: ~/Downloads/evilgpj.exe"
# Tab completes a directory of the path
tui_keys C-u "~/Dow" Tab
ok "Tab completes ~/Dow to the directory" tui_wait "Save to: ~/Downloads/"
tui_keys "x.bin" Enter
ok "saved under the typed name" tui_wait "saved 1028 bytes to $HOME/Downloads/x.bin"
is "$(ls "$HOME/Downloads" | sort | tr '\n' ' ')" "]0;x.pdf bashrc x.bin " \
	"hostile-44: the directory holds the three safe names only"
is "$(ls -A "$HOME" | tr '\n' ' ')" "Downloads " \
	"hostile-44: nothing else in HOME"
is "$(wc -c <"$HOME/Downloads/x.bin" | tr -d ' ')" 1028 \
	"the base64 part saved decoded"

# pipe the decoded part to wc -c
tui_keys "|"
ok "| asks for a command" tui_wait "Pipe the part to:"
tui_keys "wc -c" Enter
ok "the output shows the decoded size" tui_wait "1028"
ok "with a title naming the command and its exit" \
	tui_wait "[-- part 4 piped to 'wc -c', exit 0 --]"
tui_keys q
ok "q returns to the parts" tui_wait "7 parts:"

# open through mailcap: the argument is the private file, gone after
tui_keys k o
ok "o runs the mailcap entry and the screen comes back" \
	tui_wait "the viewer of application/pdf ended (exit 0)"
f=$(cat "$D/out/argv")
ok "the argument is one private file with the nametemplate suffix" \
	sh -c 'printf "%s\n" "$1" | grep -qx "$2/postie-[A-Za-z0-9]*/part\\.pdf"' \
	- "$f" "$D/tmp"
is "$(cat "$D/out/mode")" 600 "the file had mode 0600"
is "$(cat "$D/out/dirmode")" 700 "in a directory of mode 0700"
is "$(cat "$D/out/content")" "%PDF-1.4 fake" "holding the decoded part"
ok "the file is removed afterwards" test ! -e "$f"
ok "and its directory" test ! -e "$(dirname "$f")"

# hostile-45: a parameter with shell syntax is one literal word
tui_keys j j o
ok "hostile-45: copiousoutput shows the parameter as a literal" \
	tui_wait "[\$(touch\${IFS}PWNED)\`touch PWNED2\`']"
ok "hostile-45: nothing ran" \
	test ! -e "$D/PWNED" -a ! -e "$D/PWNED2" -a ! -e "$HOME/PWNED"
tui_keys q

# Enter views the HTML part as text, with its link target numbered
tui_keys j Enter
ok "the HTML part as text" tui_wait "Hello the site[1]"
ok "its link target listed" tui_wait "[1] https://example.com/html-target"
unlike "$(tui_screen)" "<a href" "no HTML tags"
tui_keys q q
ok "q q: back to the message" tui_wait "three levels"
ok "the temporary directory is empty" test -z "$(ls -A "$TMPDIR")"

# from a part through the help to the index: the next message opened
# is that message, and q leaves it for the index, not for old parts
tui_keys v G Enter
ok "the HTML part again" tui_wait "Hello the site[1]"
tui_keys q "?"
ok "? in the parts pane: the keys" tui_wait "postie keys"
tui_keys G
ok "the parts pane's keys among them" tui_wait "Parts (v in the viewer)"
tui_keys q
ok "q: the index" tui_wait "1 message, 0 new"
tui_keys Enter
ok "the message opens, not the old part" tui_wait "three levels"
tui_keys q
ok "q from it: the index" tui_wait "Nov 02     Alice"
tui_keys q
ok "postie ends" tui_wait "postie exited: 0"

done_testing
