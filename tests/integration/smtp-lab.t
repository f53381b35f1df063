#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie send against the real lab (Postfix submission and smtps, Dovecot
# LMTP into Maildirs): STARTTLS and implicit TLS, AUTH PLAIN and LOGIN, a
# wrong password, a refused recipient among accepted ones, Bcc absent
# from the delivered headers, a 10 MB attachment that arrives byte-exact,
# and a Chinese subject, display name and file name.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"

# Room for a 10 MB attachment in base64. A second try when the first
# start fails: a busy machine sometimes loses the first race for ports.
export LAB_POSTFIX_EXTRA='message_size_limit = 40000000'
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"

export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export HOME="$TEST_TMP/home" POSTIE_TIMEOUT=30
mkdir -p "$HOME"
OUTBOX="$XDG_DATA_HOME/postie/a/outbox/new"
SENT="$XDG_DATA_HOME/postie/a/sent/cur"
BOB=$LAB_MAILDIR_bob
CAROL=$LAB_MAILDIR_carol

# rc URL PASSWORD: alice's dotfile
rc() {
	cat >"$TEST_TMP/rc" <<RC
[account "a"]
	address = alice@lab.test
	name = 张三
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	send = $1
	user = alice
	password = $2
	ca-file = $LAB_CA
RC
	chmod 600 "$TEST_TMP/rc"
}

count() {
	find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '
}

bob_count() {
	find "$BOB/new" "$BOB/cur" -type f 2>/dev/null | wc -l | tr -d ' '
}

# newest FILE in bob's Maildir
bob_newest() {
	ls -t "$BOB"/new/* "$BOB"/cur/* 2>/dev/null | head -1
}

# send BODY [send arguments...]
send() {
	printf '%s\n' "$1" >"$TEST_TMP/body"
	shift
	"$POSTIE" ${VERBOSE:-} -F "$TEST_TMP/rc" send "$@" <"$TEST_TMP/body" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
}

n=0
# STARTTLS on the submission port, AUTH PLAIN chosen.
rc "smtp://127.0.0.1:$LAB_SMTP_PORT" "$LAB_PASS_alice"
export POSTIE_TRACE=smtp VERBOSE=-v
send "over STARTTLS" -s "starttls" bob@lab.test
unset POSTIE_TRACE VERBOSE
is "$RC" 0 "STARTTLS submission: exit 0"
[ "$RC" = 0 ] || diag "$ERR"
like "$ERR" "AUTH PLAIN *****" "AUTH PLAIN used, masked in the trace"
unlike "$ERR" "$LAB_PASS_alice" "password never in the trace"
n=$((n + 1))
ok "STARTTLS: arrived in bob's Maildir" lab_wait_mail "$TEST_TMP/lab" bob $n 20
is "$(count "$OUTBOX")" 0 "outbox empty"
is "$(count "$SENT")" 1 "copy in the local Sent"

# Implicit TLS.
rc "smtps://127.0.0.1:$LAB_SMTPS_PORT" "$LAB_PASS_alice"
send "over TLS" -s "smtps" bob@lab.test
is "$RC" 0 "implicit TLS submission: exit 0"
n=$((n + 1))
ok "implicit TLS: arrived" lab_wait_mail "$TEST_TMP/lab" bob $n 20

# A wrong password: refused, held in the outbox, not in Sent (hostile-33).
rc "smtp://127.0.0.1:$LAB_SMTP_PORT" "not-the-password"
send "wrong" -s "wrong password" bob@lab.test
is "$RC" 1 "wrong password: exit 1"
like "$ERR" "authentication failed: 535" "says the login was refused"
is "$(count "$OUTBOX")" 1 "message kept in the outbox"
is "$(count "$SENT")" 2 "not in Sent"
# fixed password: a flush sends it
rc "smtp://127.0.0.1:$LAB_SMTP_PORT" "$LAB_PASS_alice"
"$POSTIE" -F "$TEST_TMP/rc" outbox flush >"$TEST_TMP/flush" 2>&1
is "$?" 0 "after fixing the password, outbox flush sends it"
is "$(count "$OUTBOX")" 0 "outbox empty again"
n=$((n + 1))
ok "flushed message arrived" lab_wait_mail "$TEST_TMP/lab" bob $n 20

# A refused recipient among accepted ones, and Bcc.
send "partial" -s "partial" -b carol@lab.test bob@lab.test \
	nobody@lab.test
is "$RC" 1 "one refused recipient: exit 1"
like "$ERR" "not delivered to 'nobody@lab.test': 550" \
	"the refused recipient is named"
n=$((n + 1))
ok "the accepted recipient got it" lab_wait_mail "$TEST_TMP/lab" bob $n 20
ok "the Bcc recipient got it" lab_wait_mail "$TEST_TMP/lab" carol 1 20
f=$(bob_newest)
hdr=$(sed '/^\r*$/q' "$f")
unlike "$hdr" "carol" "Bcc address absent from the delivered headers"
unlike "$hdr" "Bcc:" "no Bcc field delivered"

# 10 MB attachment, byte-exact; Chinese subject, name and file name.
head -c 10485760 /dev/urandom >"$TEST_TMP/报告.bin"
send "你好，鲍勃。
附件是报告。" -s "季度报告 Q3" \
	-a "$TEST_TMP/报告.bin" bob@lab.test
is "$RC" 0 "10 MB attachment: exit 0"
[ "$RC" = 0 ] || diag "$ERR"
n=$((n + 1))
ok "10 MB message arrived" lab_wait_mail "$TEST_TMP/lab" bob $n 30
f=$(bob_newest)
python3 - "$f" "$TEST_TMP/报告.bin" >"$TEST_TMP/check" 2>&1 <<'PY'
import email, email.policy, hashlib, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                     policy=email.policy.default)
want = open(sys.argv[2], "rb").read()
print("subject=" + str(msg["subject"]))
print("from=" + str(msg["from"]))
for part in msg.iter_attachments():
    data = part.get_payload(decode=True)
    print("file=" + str(part.get_filename()))
    print("exact=" + str(data == want))
for part in msg.walk():
    if part.get_content_type() == "text/plain" and not part.get_filename():
        print("body=" + "|".join(part.get_content().strip().splitlines()))
PY
check=$(cat "$TEST_TMP/check")
like "$check" "exact=True" "10 MB attachment byte-exact in bob's Maildir"
like "$check" "subject=季度报告 Q3" "Chinese subject decoded"
like "$check" "from=张三 <alice@lab.test>" "Chinese display name decoded"
like "$check" "file=报告.bin" "Chinese file name decoded"
like "$check" "body=你好，鲍勃。|附件是报告。" "Chinese body intact"

done_testing
