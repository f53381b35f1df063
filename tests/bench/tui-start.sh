#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Time from start to the index on screen, and peak RSS, for the demo
# account and for an IMAP folder of N messages (10,000 by default) from a
# warm store: the lab's INBOX is filled, `postie sync` builds the index
# once, then the screen starts in tmux (120x40) and its log says when the
# start folder was drawn. The worker's own sync runs behind the screen
# meanwhile, as it does for a user; the peak RSS is read from
# /proc/PID/status (VmHWM) once that sync is done.
#
#   tests/bench/tui-start.sh [N]

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000}
POSTIE=${POSTIE:-$top/build/release/postie}
[ -x "$POSTIE" ] || { echo "tui-start: build postie first (make)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "tui-start: needs tmux" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/tui-bench.XXXXXX")
SOCK=postie-bench-$$
LABDIR=$W/lab
cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	sh "$top/tests/lab/lab.sh" stop "$LABDIR" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

# screen NAME RC WANT: start the screen, wait for WANT, print the figures
screen() {
	name=$1 rc=$2 want=$3
	st=$W/$name-state
	rm -rf "$st"
	tmux -L "$SOCK" -f /dev/null new-session -d -s "$name" -x 120 -y 40 \
		"env TERM=screen-256color LANG=C.UTF-8 XDG_STATE_HOME=$st $POSTIE -F $rc; sleep 600"
	i=0
	until tmux -L "$SOCK" capture-pane -p -t "$name" | grep -qF "$want"; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "$name: the index did not show" >&2; return 1; }
		sleep 0.1
	done
	pid=$(pgrep -f "^$POSTIE -F $rc" | head -1)
	# let the worker's sync finish before reading the peak
	i=0
	while tmux -L "$SOCK" capture-pane -p -t "$name" | grep -q "| syncing"; do
		i=$((i + 1))
		[ $i -gt 3000 ] && break
		sleep 0.1
	done
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")
	sed -n "s/.*\(screen: .*\)/$name: \1/p" "$st/postie/postie.log"
	echo "$name: peak RSS $hwm"
	tmux -L "$SOCK" kill-session -t "$name"
}

# The demo account, first start (index built by the worker) and again
# (warm store).
cp -R "$top/tests/demo/Maildir" "$top/tests/demo/postierc" "$W/"
chmod 600 "$W/postierc"
export HOME="$W/home" XDG_CACHE_HOME="$W/cache" XDG_DATA_HOME="$W/data"
mkdir -p "$HOME"
screen demo-cold "$W/postierc" "关于下周项目评审的安排"
screen demo-warm "$W/postierc" "关于下周项目评审的安排"

sh "$top/tests/lab/lab.sh" start "$LABDIR" >"$W/lab.out" 2>&1 ||
	{ cat "$W/lab.out" >&2; echo "tui-start: cannot start the lab" >&2; exit 1; }
. "$LABDIR/lab.env"
python3 - "$LAB_MAILDIR_alice" "$N" <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
os.makedirs(md + "/cur", exist_ok=True)
now = int(time.time())
for i in range(1, n + 1):
    subj = ("=?GBK?B?1tDOxNb3zOI=?= %d" % i) if i % 2 else ("report %d" % i)
    hdr = ("From: =?UTF-8?B?5byg5LiJ?= <zs%d@qq.com>\r\n"
           "To: alice@lab.test\r\nSubject: %s\r\n"
           "Date: Mon, 23 Nov 2026 10:%02d:00 +0800\r\n"
           "Message-ID: <m%d@bench.test>\r\n\r\n" % (i, subj, i % 60, i))
    name = "%d.M%dP1Q%d.bench:2,%s" % (now, i, i, "S" if i % 4 == 0 else "")
    with open(os.path.join(md, "cur", name), "wb") as f:
        f.write((hdr + "line of text\r\n" * 10).encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_alice" 2>/dev/null
cat >"$W/rc" <<RC
[ui]
	sort = date
[account "bench"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 0
RC
chmod 600 "$W/rc"
POSTIE_TIMEOUT=300 "$POSTIE" -F "$W/rc" sync bench >/dev/null ||
	{ echo "tui-start: the first sync failed" >&2; exit 1; }
screen imap-$N-warm "$W/rc" "$N messages"
