#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The POP3 download against the lab's Dovecot: the first sync of N
# messages (1,000 by default) in "leave" mode, then a sync with nothing
# new; wall time, peak RSS and what postie reported. Messages are made
# safe in groups (each file fsynced, the Maildir's new/ fsynced once per
# group, the group's UIDLs appended to a journal), so the first figure is
# bound by one fsync per message. tests/bench/pop3-vs-mutt.sh compares
# the same download with Mutt's.
#
#   tests/bench/sync-pop3.sh [N]

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-1000}
POSTIE=${POSTIE:-$top/build/release/postie}
[ -x "$POSTIE" ] || { echo "sync-pop3: build postie first (make)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/pop3-bench.XXXXXX")
LABDIR=$W/lab
cleanup() {
	sh "$top/tests/lab/lab.sh" stop "$LABDIR" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

sh "$top/tests/lab/lab.sh" start "$LABDIR" >"$W/lab.out" 2>&1 ||
	{ cat "$W/lab.out" >&2; echo "sync-pop3: cannot start the lab" >&2; exit 1; }
. "$LABDIR/lab.env"

python3 - "$LAB_MAILDIR_bob" "$N" <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
os.makedirs(md + "/cur", exist_ok=True)
now = int(time.time())
for i in range(1, n + 1):
    msg = ("From: =?UTF-8?B?5byg5LiJ?= <zs%d@qq.com>\r\nTo: bob@lab.test\r\n"
           "Subject: =?GBK?B?1tDOxNb3zOI=?= %d\r\nMessage-ID: <p%d@bench>\r\n"
           "\r\n" % (i, i, i)) + "a line of text\r\n" * 40
    with open(os.path.join(md, "cur", "%d.M%dP1Q%d.bench:2," % (now, i, i)),
              "wb") as f:
        f.write(msg.encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_bob" 2>/dev/null

export HOME="$W/home" XDG_CACHE_HOME="$W/cache" XDG_DATA_HOME="$W/data"
export XDG_STATE_HOME="$W/state" POSTIE_TIMEOUT=300
mkdir -p "$HOME"
cat >"$W/rc" <<RC
[account "bench"]
	address = bob@lab.test
	receive = pop3s://127.0.0.1:$LAB_POP3S_PORT
	user = bob
	password = $LAB_PASS_bob
	ca-file = $LAB_CA
RC
chmod 600 "$W/rc"

run() {
	/usr/bin/time -f '%e %M' -o "$W/time" "$POSTIE" -F "$W/rc" sync \
		>"$W/out" 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
	read -r secs kb <"$W/time"
	printf '%-20s %8s s  peak RSS %6d KiB  %s\n' "$1" "$secs" "$kb" \
		"$(cat "$W/out")"
}

echo "sync-pop3: $N messages, lab Dovecot over TLS on loopback"
run "first sync"
run "sync, nothing new"
echo "Maildir: $(find "$XDG_DATA_HOME/postie/bench/inbox/new" -type f | wc -l | tr -d ' ') files"
