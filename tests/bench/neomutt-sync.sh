#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie and NeoMutt side by side on the same folder of the lab's Dovecot:
# N messages (10,000 by default) in INBOX, then, each under /usr/bin/time
# (wall time and peak RSS):
#
#   - postie's first sync and a sync with nothing new;
#   - NeoMutt opening INBOX and quitting, without a header cache, then
#     with one (cold: it fills the cache; warm: it reads it);
#   - the raw cost of one UID FETCH of the same fields over one
#     connection (tests/tools/imap-fetch-bench: the session and the
#     parser, no decoding, no store).
#
#   tests/bench/neomutt-sync.sh [N]
#
# Not part of make check; needs neomutt, script (util-linux) and the
# lab's packages (tests/deps.sh). NeoMutt runs in a pseudo-terminal made
# by script, verifies the lab's certificate against the lab CA, and is
# told to quit as soon as the folder is open (push <quit>).

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000}
POSTIE=${POSTIE:-$top/build/release/postie}
BENCH=${BENCH:-$top/build/release/tools/imap-fetch-bench}
[ -x "$POSTIE" ] && [ -x "$BENCH" ] ||
	{ echo "neomutt-sync: build first (make && make tests)" >&2; exit 1; }
command -v neomutt >/dev/null 2>&1 ||
	{ echo "neomutt-sync: neomutt is not installed (tests/deps.sh install)" >&2; exit 1; }
command -v script >/dev/null 2>&1 ||
	{ echo "neomutt-sync: script (util-linux) is missing" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/neomutt-bench.XXXXXX")
LABDIR=$W/lab
cleanup() {
	sh "$top/tests/lab/lab.sh" stop "$LABDIR" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

sh "$top/tests/lab/lab.sh" start "$LABDIR" >"$W/lab.out" 2>&1 ||
	{ cat "$W/lab.out" >&2; echo "neomutt-sync: cannot start the lab" >&2; exit 1; }
. "$LABDIR/lab.env"

# N messages straight into the Maildir (Dovecot indexes them on the
# first SELECT): mixed headers, a GBK encoded word, a UTF-8 name, every
# third one multipart with an attachment.
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
export XDG_STATE_HOME="$W/state" POSTIE_TIMEOUT=600
mkdir -p "$HOME"

# Let Dovecot index the folder once, so that no client below pays for
# that (each would otherwise see a different server).
IMAP_PASSWORD=$LAB_PASS_alice "$BENCH" "$LAB_IMAPS_PORT" "$LAB_CA" alice \
	INBOX >/dev/null || exit 1

cat >"$W/rc" <<RC
[account "bench"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
RC
chmod 600 "$W/rc"

line() {
	printf '%-34s %8s s  peak RSS %7s KiB  %s\n' "$1" "$2" "$3" "$4"
}

postie_run() {
	/usr/bin/time -f '%e %M' -o "$W/time" "$POSTIE" -F "$W/rc" sync \
		>"$W/out" 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
	read -r secs kb <"$W/time"
	line "postie: $1" "$secs" "$kb" "$(tr '\n' ' ' <"$W/out")"
}

# neomutt_run LABEL HCACHE: open INBOX in a pseudo-terminal, then quit
neomutt_run() {
	{
		echo "set folder = \"imaps://alice@127.0.0.1:$LAB_IMAPS_PORT/\""
		echo "set spoolfile = \"+INBOX\""
		echo "set imap_user = \"alice\""
		echo "set imap_pass = \"$LAB_PASS_alice\""
		echo "set ssl_ca_certificates_file = \"$LAB_CA\""
		echo "set certificate_file = \"$W/neomutt-certs\""
		echo "set ssl_force_tls = yes"
		echo "set imap_check_subscribed = no"
		echo "set mail_check_stats = no"
		echo "set quit = yes"
		echo "set sleep_time = 0"
		echo "unset imap_idle"
		if [ -n "$2" ]; then
			echo "set header_cache = \"$2\""
		else
			echo "unset header_cache"
		fi
	} >"$W/neomuttrc"
	chmod 600 "$W/neomuttrc"
	TERM=xterm-256color timeout 900 script -qec "stty rows 50 cols 132; \
		/usr/bin/time -f '%e %M' -o '$W/time' \
		neomutt -n -F '$W/neomuttrc' -e 'push <quit>'" /dev/null \
		>"$W/neomutt.out" 2>&1 </dev/null
	rc=$?
	if [ $rc -ne 0 ] || ! [ -s "$W/time" ]; then
		echo "neomutt-sync: neomutt failed ($rc); its screen:" >&2
		tail -c 2000 "$W/neomutt.out" | tr -cd '[:print:]\n' >&2
		exit 1
	fi
	read -r secs kb <"$W/time"
	rm -f "$W/time"
	# the index shows the count: proof that the folder was read
	msgs=$(tr -cd '[:print:]\n' <"$W/neomutt.out" |
		grep -o "Msgs:[0-9]*" | tail -1)
	line "neomutt: $1" "$secs" "$kb" "${msgs:-no message count seen}"
}

echo "neomutt-sync: $N messages in INBOX, lab Dovecot over TLS on loopback"
echo "postie $("$POSTIE" --version 2>/dev/null | head -1), $(neomutt -v | head -1)"
# Dovecot caches the header fields a client asks for: one warm-up run of
# each client's fields first, so that every figure below is taken against
# the same warm server (the fetch above warmed postie's fields).
neomutt_run "warm-up, no header cache" ""
postie_run "first sync"
postie_run "sync, nothing new"
neomutt_run "open, no header cache" ""
mkdir -p "$W/hcache"
neomutt_run "open, header cache cold" "$W/hcache/"
neomutt_run "open, header cache warm" "$W/hcache/"
/usr/bin/time -f '%e %M' -o "$W/time" env IMAP_PASSWORD="$LAB_PASS_alice" \
	"$BENCH" "$LAB_IMAPS_PORT" "$LAB_CA" alice INBOX >"$W/out" ||
	exit 1
read -r secs kb <"$W/time"
line "raw UID FETCH (imap-fetch-bench)" "$secs" "$kb" \
	"$(tr '\n' ' ' <"$W/out")"
