#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The IMAP sync against the lab's Dovecot: the first sync of N messages
# (10,000 by default) in INBOX, then a sync with nothing new, then one
# after a second client flagged every tenth message; for each the wall
# time, the peak RSS of postie and what it reported.
#
#   tests/bench/sync-imap.sh [N]
#
# The messages are written straight into the lab user's Maildir before
# the first login (Dovecot indexes them on the first SELECT), which is
# much faster than delivering them one by one. To measure the sync of a
# server without CONDSTORE/QRESYNC (the FLAGS sweep), run it with
# LAB_DOVECOT_EXTRA='imap_capability = IMAP4rev1 IDLE ENABLE SPECIAL-USE
# LIST-EXTENDED'.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000}
POSTIE=${POSTIE:-$top/build/release/postie}
[ -x "$POSTIE" ] || { echo "sync-imap: build postie first (make)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/sync-bench.XXXXXX")
LABDIR=$W/lab
cleanup() {
	sh "$top/tests/lab/lab.sh" stop "$LABDIR" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

sh "$top/tests/lab/lab.sh" start "$LABDIR" >"$W/lab.out" 2>&1 ||
	{ cat "$W/lab.out" >&2; echo "sync-imap: cannot start the lab" >&2; exit 1; }
. "$LABDIR/lab.env"

# N messages of a few hundred bytes with mixed headers: plain ASCII, a
# GBK encoded word, a UTF-8 name, every third one multipart with a PDF.
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
           "Message-ID: <m%d@bench.test>\r\n" % (i, subj, i % 60, i))
    if i > 1:
        hdr += "In-Reply-To: <m%d@bench.test>\r\n" % (i - 1)
    if i % 3 == 0:
        body = ("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                "Content-Type: text/plain\r\n\r\nhello\r\n--b\r\n"
                "Content-Type: application/pdf\r\n"
                "Content-Disposition: attachment; filename=a.pdf\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
                "--b--\r\n")
    else:
        body = "\r\n" + "line of text\r\n" * 10
    name = "%d.M%dP1Q%d.bench:2,%s" % (now, i, i, "S" if i % 4 == 0 else "")
    with open(os.path.join(md, "cur", name), "wb") as f:
        f.write((hdr + body).encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_alice" 2>/dev/null

export HOME="$W/home" XDG_CACHE_HOME="$W/cache" XDG_DATA_HOME="$W/data"
export XDG_STATE_HOME="$W/state" POSTIE_TIMEOUT=300
mkdir -p "$HOME"
cat >"$W/rc" <<RC
[account "bench"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
RC
chmod 600 "$W/rc"

# run LABEL: one sync under /usr/bin/time, then the figures
run() {
	/usr/bin/time -f '%e %M' -o "$W/time" "$POSTIE" -F "$W/rc" sync \
		>"$W/out" 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
	read -r secs kb <"$W/time"
	printf '%-28s %8s s  peak RSS %6d KiB  %s\n' "$1" "$secs" "$kb" \
		"$(cat "$W/out")"
}

echo "sync-imap: $N messages in INBOX, lab Dovecot over TLS on loopback"
run "first sync"
run "sync, nothing new"
python3 - <<'PY'
import imaplib, os, ssl
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
m.select("INBOX")
n = int(m.select("INBOX")[1][0])
for lo in range(1, n + 1, 1000):
    ids = ",".join(str(i) for i in range(lo, min(n, lo + 999) + 1, 10))
    m.uid("STORE", ids, "+FLAGS", "(\\Flagged)")
m.logout()
PY
run "sync, 10% flagged elsewhere"
du -sk "$XDG_CACHE_HOME/postie/bench" | awk '{ printf "index on disk: %d KiB\n", $1 }'
"$POSTIE" -F "$W/rc" check --all bench | awk -F '\t' '$2 == "INBOX" {
	printf "check: INBOX %s unread of %s\n", $3, $4 }'
