#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The screen's first start on a big IMAP INBOX with no index at all: the
# first sync stores the newest 500 messages first and the screen shows
# them at once (with the newest message on screen), while the older ones
# stream in behind; in the end every message is there. Against the lab's
# real Dovecot.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
PY=${LAB_PYTHON:-python3}
N=20000

# N messages dated a minute apart in UID order; the last says "newest".
"$PY" - "$LAB_MAILDIR_alice" $N <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
os.makedirs(md + "/cur", exist_ok=True)
now = int(time.time())
for i in range(1, n + 1):
    subj = ("newest %d" % i) if i == n else ("bulk %d" % i)
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                         time.gmtime(1795000000 + 60 * i))
    with open("%s/cur/%d.M%dP3.t:2,S" % (md, now, i), "wb") as f:
        f.write(("From: z%d@x\r\nSubject: %s\r\nDate: %s\r\n\r\nhi\r\n" %
                 (i, subj, date)).encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_alice" 2>/dev/null

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=60
mkdir -p "$HOME"
cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
	sort = date
[account "lab"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 0
RC
chmod 600 "$TEST_TMP/rc"

tui_start 120 40 -F "$TEST_TMP/rc"
ok "the screen starts before any index exists" tui_wait "postie: lab" 10
ok "the newest message shows before the sync is over" \
	tui_wait "newest $N" 60
log=$XDG_STATE_HOME/postie/postie.log
first=$(sed -n 's/.*screen: \([0-9]*\) messages of the start folder shown .*(first index).*/\1/p' "$log" | head -1)
ok "the first index came from the newest messages ($first of $N)" \
	test -n "$first" -a "${first:-0}" -ge 500 -a "${first:-0}" -lt $N
ok "then every message is there" tui_wait "| $N messages" 120
ok "the sync ends" tui_gone "| syncing" 60
ok "the oldest message is in the index too" \
	sh -c "'$POSTIE' -F '$TEST_TMP/rc' check --all lab | grep -q \"INBOX	0	$N\""
tui_keys q
ok "q quits" tui_wait "postie exited: 0"

done_testing
