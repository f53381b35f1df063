#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The composer against the lab's real Postfix and Dovecot, in tmux: a new
# message with a Chinese subject, name and text sent through the account
# worker and read back from bob's Maildir (RFC 2047 encoded right); a
# reply to all to a GBK message (the quote decoded, In-Reply-To and
# References set, no own address, the original marked \Answered on the
# server); a forward as an attachment with a file attached too; a
# postponed message APPENDed to the server's Drafts with \Draft and
# recalled; and a message sent while Postfix is down, which waits in the
# outbox, is shown there, and goes out on the worker's timer once
# Postfix is back.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
PY=${LAB_PYTHON:-python3}
BOB=$LAB_MAILDIR_bob

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
# longer than the poll interval: IDLE waits until the next poll
export POSTIE_TIMEOUT=60
mkdir -p "$HOME"
OUTBOX=$XDG_DATA_HOME/postie/lab/outbox/new

cat >"$TEST_TMP/editor" <<'EOF'
#!/bin/sh
# keeps what is there (a reply's quote) and adds a Chinese line on top
{ printf '你好，鲍勃。这是正文。\n'; cat "$1"; } >"$1.new" && mv "$1.new" "$1"
EOF
chmod +x "$TEST_TMP/editor"

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
	editor = $TEST_TMP/editor
[account "lab"]
	address = alice@lab.test
	name = 张三
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	send = smtp://127.0.0.1:$LAB_SMTP_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 30s
RC
chmod 600 "$TEST_TMP/rc"

# A GBK message from carol to alice, Cc bob, in alice's INBOX.
printf '%s\r\n' \
	'From: =?GBK?B?wO7EyA==?= <carol@lab.test>' \
	'To: alice@lab.test' \
	'Cc: bob@lab.test, ALICE@lab.test' \
	'Subject: =?GBK?B?z+7Ev8bAyfM=?=' \
	'Date: Wed, 14 Oct 2026 10:00:00 +0800' \
	'Message-ID: <gbk-parent@lab.test>' \
	'References: <gbk-root@lab.test>' \
	'Content-Type: text/plain; charset=GBK' \
	'Content-Transfer-Encoding: 8bit' \
	'' >"$TEST_TMP/gbk.eml"
printf '\270\367\316\273\315\254\312\302\243\272\r\n\317\302\326\334\310\375\277\252\273\341\241\243\r\n' \
	>>"$TEST_TMP/gbk.eml"
sh "$TESTS_DIR/lab/lab.sh" put "$TEST_TMP/lab" alice "$TEST_TMP/gbk.eml" ||
	bail "cannot put the GBK message"

bob_count() {
	find "$BOB/new" "$BOB/cur" -type f 2>/dev/null | wc -l | tr -d ' '
}
bob_newest() {
	ls -t "$BOB"/new/* "$BOB"/cur/* 2>/dev/null | head -1
}
# show FILE: the headers and text of a delivered message, decoded by
# Python's mail parser (an independent reader)
show() {
	"$PY" - "$1" <<'PY'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
for h in ("From", "To", "Cc", "Subject", "In-Reply-To", "References"):
    if msg[h] is not None:
        print("%s=%s" % (h.lower(), msg[h]))
for line in raw.replace(b"\r\n", b"\n").split(b"\n\n")[0].split(b"\n"):
    if line.lower().startswith(b"subject:"):
        print("raw-subject=" + line.decode("ascii"))
for part in msg.walk():
    ct = part.get_content_type()
    if part.get_filename():
        print("file=%s %s" % (part.get_filename(), ct))
    if ct == "message/rfc822":
        inner = part.get_payload(0)
        print("inner-id=" + str(inner["Message-ID"]))
    elif ct == "text/plain" and not part.get_filename():
        print("text=" + part.get_content().replace("\n", "|"))
PY
}
imap() {
	"$PY" - "$@" <<'PY'
import imaplib, os, ssl, sys
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
if sys.argv[1] == "flags":
    m.select("INBOX", readonly=True)
    print(m.uid("FETCH", "1", "(FLAGS)")[1][0].decode())
elif sys.argv[1] == "drafts":
    typ, data = m.select("Drafts", readonly=True)
    n = int(data[0]) if typ == "OK" else 0
    print("count=%d" % n)
    if n:
        r = m.fetch(str(n), "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        print(r[1][0][0].decode())
        print(r[1][0][1].decode().strip())
m.logout()
PY
}

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen starts" tui_wait "postie: lab"
ok "the INBOX with the GBK message" tui_wait "项目评审" 30

# 1. a new message to bob
tui_keys m
ok "m opens the composer" tui_wait "From:     张三 <alice@lab.test>"
tui_keys t 'bob@lab.test' Enter s '测试邮件 composer' Enter e
ok "the editor's text" tui_wait "你好，鲍勃。这是正文。"
tui_keys y
ok "y sends: the worker says sent" tui_wait "lab: sent" 30
ok "delivered to bob" lab_wait_mail "$TEST_TMP/lab" bob 1 20
out=$(show "$(bob_newest)")
like "$out" "from=张三 <alice@lab.test>" "From: the account's name, decoded"
like "$out" "to=bob@lab.test" "To"
like "$out" "subject=测试邮件 composer" "the Chinese subject"
like "$out" "raw-subject=Subject: =?UTF-8?" "RFC 2047 encoded on the wire"
like "$out" "text=你好，鲍勃。这是正文。" "the text"
is "$(ls "$OUTBOX" 2>/dev/null | wc -l | tr -d ' ')" 0 "the outbox is empty"

# 2. reply to all to the GBK message
tui_keys a
ok "a: reply to all" tui_wait "Subject:  Re: 项目评审"
ok "To: the sender" tui_wait "To:       李娜 <carol@lab.test>"
ok "Cc: bob, not oneself" tui_wait "Cc:       bob@lab.test"
unlike "$(tui_screen | grep '^Cc:')" "alice" "no own address among the recipients"
ok "the GBK text quoted, decoded" tui_wait "> 各位同事："
tui_keys y
ok "sent" tui_wait "lab: sent" 30
ok "delivered to bob" lab_wait_mail "$TEST_TMP/lab" bob 2 20
out=$(show "$(bob_newest)")
like "$out" "in-reply-to=<gbk-parent@lab.test>" "In-Reply-To"
like "$out" "references=<gbk-root@lab.test> <gbk-parent@lab.test>" \
	"References"
like "$out" "> 下周三开会。" "the quote decoded from GBK"
like "$out" "wrote:" "under the attribution line"
i=0
until imap flags 2>/dev/null | grep -q Answered || [ $i -ge 100 ]; do
	i=$((i + 1)); sleep 0.2
done
like "$(imap flags)" "\\Answered" "the original is marked \\Answered on the server"

# 3. forward as an attachment, with a file too
printf 'quarterly numbers\n' >"$TEST_TMP/报告.txt"
tui_keys : forward-attached Enter
ok ":forward-attached" tui_wait "Subject:  Fwd: 项目评审"
ok "the message is attached" tui_wait "message/rfc822"
tui_keys a "$TEST_TMP/报告.txt" Enter
ok "and a file" tui_wait "报告.txt  [text/plain, 18]"
tui_keys t 'bob@lab.test' Enter y
ok "no text: asked first" \
	tui_wait "the message has no text: send anyway? (y/n)"
tui_keys y
ok "sent" tui_wait "lab: sent" 30
ok "delivered" lab_wait_mail "$TEST_TMP/lab" bob 3 20
out=$(show "$(bob_newest)")
like "$out" "inner-id=<gbk-parent@lab.test>" "the forwarded message inside"
like "$out" "file=报告.txt text/plain" "the attached file, its name"

# 4. postpone: the server's Drafts gets it with \Draft; R recalls
tui_keys m t 'bob@lab.test' Enter s '稍后再写' Enter P
ok "P postpones" tui_wait "postponed (R recalls it)"
i=0
until imap drafts 2>/dev/null | grep -q "count=1" || [ $i -ge 100 ]; do
	i=$((i + 1)); sleep 0.2
done
d=$(imap drafts)
like "$d" "count=1" "the server's Drafts holds it"
like "$d" "\\Draft" "flagged \\Draft"
tui_keys R
ok "R recalls it" tui_wait "Subject:  稍后再写"
tui_keys q y
ok "aborted again, kept" tui_wait "message not sent; kept"

# 5. Postfix down: the message waits in the outbox
kill "$LAB_POSTFIX_PID"
i=0
while "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $LAB_SMTP_PORT), 1)" 2>/dev/null &&
	[ $i -lt 100 ]; do
	i=$((i + 1)); sleep 0.1
done
tui_keys m t 'bob@lab.test' Enter s 'while down' Enter e y
ok "the failure is said, with the reason" tui_wait "lab: not sent: " 30
ok "and that it waits" tui_wait "it waits in the outbox"
ok "the status bar counts it" tui_wait "outbox: 1 waiting"
is "$(ls "$OUTBOX" | wc -l | tr -d ' ')" 1 "one message in the outbox"
sh "$TESTS_DIR/lab/lab.sh" restart "$TEST_TMP/lab" >/dev/null 2>&1 ||
	bail "cannot restart the lab"
ok "once Postfix is back, the timer sends it" \
	lab_wait_mail "$TEST_TMP/lab" bob 4 90
like "$(show "$(bob_newest)")" "subject=while down" "the message that waited"
ok "the status bar count goes" tui_gone "outbox: 1 waiting" 20
is "$(ls "$OUTBOX" | wc -l | tr -d ' ')" 0 "the outbox is empty"

tui_keys q
ok "q quits" tui_wait "postie exited: 0"
done_testing
