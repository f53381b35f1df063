#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A forward as an attachment survives a crash: postie is killed (SIGKILL)
# while the composer holds a forwarded message; the next start offers
# the draft, the recovered composer still has the message/rfc822 part
# (its bytes were kept beside the draft file, under a name postie made),
# and once sent through the lab's Postfix the message in bob's INBOX,
# read over IMAP, carries the forwarded message intact. The kept copy
# goes with the draft once the message is in the outbox.

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
export POSTIE_TIMEOUT=60
mkdir -p "$HOME"
DRAFTS=$XDG_DATA_HOME/postie/lab/drafts

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
[account "lab"]
	address = alice@lab.test
	name = Alice
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	send = smtp://127.0.0.1:$LAB_SMTP_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 30s
RC
chmod 600 "$TEST_TMP/rc"

# a Big5 message with an attachment of its own, to be forwarded whole
printf '%s\r\n' \
	'From: carol@lab.test' \
	'To: alice@lab.test' \
	'Subject: quarterly report' \
	'Date: Wed, 14 Oct 2026 10:00:00 +0800' \
	'Message-ID: <fwd-inner@lab.test>' \
	'MIME-Version: 1.0' \
	'Content-Type: multipart/mixed; boundary="b1"' \
	'' \
	'--b1' \
	'Content-Type: text/plain; charset=Big5' \
	'Content-Transfer-Encoding: 8bit' \
	'' >"$TEST_TMP/inner.eml"
printf '\244\244\244\345\r\n' >>"$TEST_TMP/inner.eml"
printf '%s\r\n' \
	'--b1' \
	'Content-Type: application/octet-stream; name="data.bin"' \
	'Content-Transfer-Encoding: base64' \
	'' \
	'AAECAwQFBgcICQ==' \
	'--b1--' >>"$TEST_TMP/inner.eml"
sh "$TESTS_DIR/lab/lab.sh" put "$TEST_TMP/lab" alice "$TEST_TMP/inner.eml" ||
	bail "cannot put the message"

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen starts" tui_wait "postie: lab"
ok "the INBOX with the message" tui_wait "quarterly report" 30
tui_keys : forward-attached Enter
ok ":forward-attached" tui_wait "Subject:  Fwd: quarterly report"
ok "the message is attached" tui_wait "message/rfc822"
tui_keys t 'bob@lab.test' Enter
ok "To is typed" tui_wait "To:       bob@lab.test"

# the draft file names a copy kept beside it, in a private directory
draft=$(ls "$DRAFTS"/draft-* 2>/dev/null | head -1)
ok "the draft file is there" test -f "$draft"
like "$(cat "$draft")" "Attach-Kept: part-1 message/rfc822 " \
	"it names the kept copy of the forwarded message"
files=$(ls -d "$DRAFTS"/files-* 2>/dev/null | head -1)
is "$(stat -c %a "$files")" 700 "the files directory is private (0700)"
is "$(stat -c %a "$files/part-1")" 600 "the copy is 0600"
ok "the copy is the message, byte for byte" cmp -s "$files/part-1" \
	"$TEST_TMP/inner.eml"

# the crash
pane=$(tui_tmux list-panes -t "$TUI_SESSION" -F '#{pane_pid}')
pid=$(pgrep -P "$pane" | head -1)
ok "postie's process is found" test -n "$pid"
kill -9 "$pid"
ok "postie is killed" tui_wait "postie exited: 137"
tui_stop

# the next start offers the draft, with its attachment
tui_start 120 40 -F "$TEST_TMP/rc"
ok "the next start offers the draft" tui_wait "1 unsent draft from" 20
tui_keys y
ok "recovered into the composer" tui_wait "Subject:  Fwd: quarterly report"
ok "its To" tui_wait "To:       bob@lab.test"
ok "the forwarded message is back" tui_wait "message/rfc822"
ok "with its size" tui_wait "[message/rfc822, $(wc -c <"$TEST_TMP/inner.eml")"
tui_keys y
ok "no text: asked" tui_wait "the message has no text: send anyway? (y/n)"
tui_keys y
ok "sent" tui_wait "lab: sent" 30
ok "delivered to bob" lab_wait_mail "$TEST_TMP/lab" bob 1 20

out=$("$PY" - <<'PY'
import email, email.policy, imaplib, os, ssl
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("bob", os.environ["LAB_PASS_bob"])
m.select("INBOX", readonly=True)
raw = m.fetch("1", "(BODY.PEEK[])")[1][0][1]
msg = email.message_from_bytes(raw, policy=email.policy.default)
print("subject=%s" % msg["Subject"])
for part in msg.walk():
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0)
        print("inner-id=%s" % inner["Message-ID"])
        for p in inner.walk():
            if p.get_content_type() == "text/plain":
                print("inner-text=%s" % p.get_content().strip())
            elif p.get_filename():
                print("inner-file=%s %s" % (p.get_filename(),
                                           p.get_payload(decode=True).hex()))
m.logout()
PY
)
like "$out" "subject=Fwd: quarterly report" "bob's INBOX over IMAP: the forward"
like "$out" "inner-id=<fwd-inner@lab.test>" "the forwarded message inside"
like "$out" "inner-text=中文" "its Big5 text intact"
like "$out" "inner-file=data.bin 00010203040506070809" \
	"its own attachment intact"
is "$(ls "$DRAFTS" | wc -l | tr -d ' ')" 0 \
	"the draft and its kept copy are gone once sent"

tui_keys q
ok "q quits" tui_wait "postie exited: 0"
done_testing
