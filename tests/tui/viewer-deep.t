#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostile-36 in the parts pane: multipart nested 1,000 deep and a
# message of 6,000 parts. The pane lists what the MIME limits keep
# (nesting cut at 50, parts at 5,000) and says more were not read; keys
# move to the last part and save it.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
command -v python3 >/dev/null || bail "python3 is not installed (make deps)"

. "$TESTS_DIR/tui/viewer-lib.sh"
rm -f "$D/Maildir/cur/"*

python3 - "$D/Maildir/cur" <<'PY'
import sys
d = sys.argv[1]
# 1,000 levels of multipart/mixed, a text at the bottom
head = ("From: deep@example.com\nSubject: deep nesting\n"
        "Date: Mon, 02 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n")
body, tail = "", ""
for i in range(1000):
    body += ("Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n"
             % (i, i))
    tail = "\n--b%d--\n" % i + tail
body += "Content-Type: text/plain\n\nat the bottom\n"
with open(d + "/1793000001.M1.v:2,S", "w") as f:
    f.write(head + body + tail)
# 6,000 small parts side by side
parts = "".join("--w\nContent-Type: application/octet-stream\n"
                "Content-Disposition: attachment; filename=\"f%d.bin\"\n\n"
                "x\n" % i for i in range(6000))
with open(d + "/1793000002.M2.v:2,S", "w") as f:
    f.write("From: wide@example.com\nSubject: many parts\n"
            "Date: Mon, 02 Nov 2026 11:00:00 +0000\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"w\"\n\n"
            "--w\nContent-Type: text/plain\n\nmany\n" + parts + "--w--\n")
PY

tui_start 100 30 -F "$D/postierc"
ok "the index" tui_wait "deep nesting"
tui_keys g Enter
ok "the deep message opens" tui_wait "Subject: deep nesting"
tui_keys v
ok "hostile-36: the parts pane lists the nesting it keeps" \
	tui_wait " 51 parts, more not read: Enter view"
tui_keys G
ok "G: the last row, deep down" tui_wait_sel "multipart/mixed\|text/plain"
tui_keys q q j Enter
ok "the wide message opens" tui_wait "Subject: many parts"
tui_keys v
ok "hostile-36: the parts past the limit are not all listed" \
	tui_wait "5000 parts, more not read: Enter view"
tui_keys G
ok "G reaches the last one kept at once" tui_wait_sel "f4997.bin"
tui_keys s
ok "and it can be saved" tui_wait "Save to: ~/Downloads/f4997.bin"
tui_keys Enter
ok "saved" tui_wait "saved 1 bytes"
tui_keys q q q
ok "postie ends" tui_wait "postie exited: 0"

done_testing
