#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Drafts on the server stay one per draft: a message postponed, recalled,
# edited and postponed again leaves exactly one copy in the server's
# Drafts, with the new text (the old copy is removed by UID STORE
# \Deleted and UID EXPUNGE of its UID alone, after the new APPEND
# succeeded); sending a recalled draft removes its server copy once the
# message is in the outbox. Against the lab's real Dovecot (UIDPLUS).

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

# the editor adds the line in $TEST_TMP/line to the text
cat >"$TEST_TMP/editor" <<EOF2
#!/bin/sh
cat "$TEST_TMP/line" >>"\$1"
EOF2
chmod +x "$TEST_TMP/editor"

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
	editor = $TEST_TMP/editor
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

# drafts: "count=N" and the text of each message in alice's Drafts
drafts() {
	"$PY" - <<'PY'
import email, email.policy, imaplib, os, ssl
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
typ, data = m.select("Drafts", readonly=True)
n = int(data[0]) if typ == "OK" else 0
print("count=%d" % n)
for i in range(1, n + 1):
    raw = m.fetch(str(i), "(BODY.PEEK[])")[1][0][1]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(("plain",))
    print("text=%s" % (body.get_content().strip().replace("\n", "|")
                       if body else ""))
    print("id=%s" % msg["Message-ID"])
m.logout()
PY
}
# until_drafts COUNT TEXT: wait until Drafts holds COUNT messages and
# TEXT is in one of them (20 s at most); prints what it holds
until_drafts() {
	i=0
	while :; do
		out=$(drafts 2>/dev/null)
		if printf '%s\n' "$out" | grep -qx "count=$1" &&
			printf '%s\n' "$out" | grep -qF -- "$2"; then
			break
		fi
		[ $i -ge 100 ] && break
		i=$((i + 1)); sleep 0.2
	done
	printf '%s\n' "$out"
}

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen starts" tui_wait "postie: lab"
ok "the account is up" tui_wait "INBOX" 30

printf 'the first text\n' >"$TEST_TMP/line"
tui_keys m t 'bob@lab.test' Enter s 'plans' Enter e
ok "the text is written" tui_wait "the first text"
tui_keys P
ok "P postpones" tui_wait "postponed (R recalls it)"
out=$(until_drafts 1 "the first text")
like "$out" "count=1" "the server's Drafts holds one copy"
like "$out" "text=the first text" "with the first text"

tui_keys R
ok "R recalls the only draft at once" tui_wait "Subject:  plans"
printf 'the second text\n' >"$TEST_TMP/line"
tui_keys e
ok "edited" tui_wait "the second text"
tui_keys P
ok "postponed again" tui_wait "postponed (R recalls it)"
out=$(until_drafts 1 "the second text")
like "$out" "count=1" "still exactly one copy on the server"
like "$out" "the second text" "and it is the new one"

# once more: the copy the last APPEND made is the one replaced
tui_keys R
ok "recalled again" tui_wait "Subject:  plans"
printf 'the third text\n' >"$TEST_TMP/line"
tui_keys e
ok "edited again" tui_wait "the third text"
tui_keys P
ok "and postponed" tui_wait "postponed (R recalls it)"
out=$(until_drafts 1 "the third text")
like "$out" "count=1" "one copy after the third postponing"
like "$out" "the third text" "the newest text"

# sending a recalled draft removes its server copy
tui_keys R
ok "recalled for sending" tui_wait "Subject:  plans"
tui_keys y
ok "sent" tui_wait "lab: sent" 30
ok "delivered to bob" lab_wait_mail "$TEST_TMP/lab" bob 1 20
out=$(until_drafts 0 "count=0")
like "$out" "count=0" "the server's Drafts is empty once it is sent"
is "$(ls "$XDG_DATA_HOME/postie/lab/drafts" | wc -l | tr -d ' ')" 0 \
	"and no draft is left here"

# a draft another program left in the server's Drafts: listed, recalled,
# and replaced by postie's own copy when postponed
printf '%s\r\n' \
	'From: alice@lab.test' \
	'To: carol@lab.test' \
	'Subject: =?UTF-8?B?5Y+m5LiA5Liq56iL5bqP55qE6I2J56i/?=' \
	'Date: Wed, 14 Oct 2026 10:00:00 +0800' \
	'Message-ID: <other-client@lab.test>' \
	'Content-Type: text/plain; charset=UTF-8' \
	'' \
	'written elsewhere' >"$TEST_TMP/other.eml"
sh "$TESTS_DIR/lab/lab.sh" put "$TEST_TMP/lab" alice "$TEST_TMP/other.eml" \
	Drafts || bail "cannot put the draft"
# a local postponed one too, so that R shows the list
tui_keys m t 'dave@lab.test' Enter s 'local one' Enter P
ok "a local draft postponed" tui_wait "postponed (R recalls it)"
tui_keys c Drafts Enter
ok "the Drafts folder synced" tui_wait "另一个程序的草稿" 30
tui_keys c INBOX Enter
ok "back in the INBOX" tui_wait "postie: lab | INBOX"
tui_keys R
ok "R lists both" tui_wait "Postponed messages: "
ok "the server's draft, marked" tui_wait "[server]"
like "$(tui_screen)" "另一个程序的草稿" "its subject, decoded"
like "$(tui_screen)" "local one" "and the local one"
first=$(tui_screen | grep -n 'local one' | cut -d: -f1)
other=$(tui_screen | grep -n '另一个程序的草稿' | cut -d: -f1)
[ "$other" -gt "$first" ] && tui_keys j
ok "the server's draft chosen" tui_wait_sel "另一个程序的草稿"
tui_keys Enter
ok "recalled from the server" tui_wait "Subject:  另一个程序的草稿" 30
ok "its To" tui_wait "To:       carol@lab.test"
ok "its text" tui_wait "written elsewhere"
tui_keys P
ok "postponed" tui_wait "postponed (R recalls it)"
i=0
while drafts 2>/dev/null | grep -q "other-client@lab.test" && [ $i -lt 100 ]; do
	i=$((i + 1)); sleep 0.2
done
out=$(until_drafts 2 "written elsewhere")
unlike "$out" "id=<other-client@lab.test>" \
	"the other program's copy is gone (by its UID, once ours is there)"
like "$out" "count=2" "two drafts on the server: the local one's and ours"
like "$out" "text=written elsewhere" "ours with the recalled text"

tui_keys q
ok "q quits" tui_wait "postie exited: 0"
done_testing
