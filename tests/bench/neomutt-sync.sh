#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie, NeoMutt and Mutt side by side on the same folder of the lab's
# Dovecot: N messages (100,000 by default) in INBOX, then, each under
# /usr/bin/time (wall time and peak RSS):
#
#   - postie's first sync and a sync with nothing new;
#   - NeoMutt, then Mutt, opening INBOX and quitting, without a header
#     cache, then with one (cold: it fills the cache; warm: it reads it);
#   - the raw cost of one UID FETCH of the same fields over one
#     connection (tests/tools/imap-fetch-bench: the session and the
#     parser, no decoding, no store).
#
#   tests/bench/neomutt-sync.sh [N]
#
# The last lines compare the figures with postie's goals: the first sync
# within 1.3 times the raw fetch and at least twice as fast as NeoMutt
# without a header cache, a sync with nothing new under 0.3 s, and a peak
# RSS under a third of NeoMutt's.
#
# Not part of make check; needs neomutt, mutt, script (util-linux) and
# the lab's packages (tests/deps.sh). NeoMutt and Mutt run in a
# pseudo-terminal made by script, verify the lab's certificate against
# the lab CA, and are told to quit as soon as the folder is open (push
# <quit>).

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-100000}
POSTIE=${POSTIE:-$top/build/release/postie}
BENCH=${BENCH:-$top/build/release/tools/imap-fetch-bench}
[ -x "$POSTIE" ] && [ -x "$BENCH" ] ||
	{ echo "neomutt-sync: build first (make && make tests)" >&2; exit 1; }
for p in neomutt mutt; do
	command -v $p >/dev/null 2>&1 ||
		{ echo "neomutt-sync: $p is not installed (tests/deps.sh install)" >&2; exit 1; }
done
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
	last_secs=$secs last_kb=$kb
}

# neomutt_run LABEL HCACHE [PROG]: open INBOX in a pseudo-terminal, then
# quit; PROG is neomutt (the default) or mutt
neomutt_run() {
	prog=${3:-neomutt}
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
		$prog -n -F '$W/neomuttrc' -e 'push <quit>'" /dev/null \
		>"$W/neomutt.out" 2>&1 </dev/null
	rc=$?
	if [ $rc -ne 0 ] || ! [ -s "$W/time" ]; then
		echo "neomutt-sync: $prog failed ($rc); its screen:" >&2
		tail -c 2000 "$W/neomutt.out" | tr -cd '[:print:]\n' >&2
		exit 1
	fi
	read -r secs kb <"$W/time"
	rm -f "$W/time"
	# the index shows the count: proof that the folder was read
	msgs=$(tr -cd '[:print:]\n' <"$W/neomutt.out" |
		grep -o "Msgs:[0-9]*" | tail -1)
	[ "$prog" = mutt ] && msgs=$(tr -cd '[:print:]\n' <"$W/neomutt.out" |
		grep -o "Msgs:[0-9]*\|Messages:[0-9]*" | tail -1)
	line "$prog: $1" "$secs" "$kb" "${msgs:-no message count seen}"
	last_secs=$secs last_kb=$kb
}

echo "neomutt-sync: $N messages in INBOX, lab Dovecot over TLS on loopback"
echo "postie $("$POSTIE" --version 2>/dev/null | head -1), $(neomutt -v | head -1), $(mutt -v | head -1)"
# Dovecot caches the header fields a client asks for: one warm-up run of
# each client's fields first, so that every figure below is taken against
# the same warm server (the fetch above warmed postie's fields).
neomutt_run "warm-up, no header cache" ""
postie_run "first sync"
first=$last_secs first_kb=$last_kb
postie_run "sync, nothing new"
again=$last_secs
neomutt_run "open, no header cache" ""
nm=$last_secs nm_kb=$last_kb
mkdir -p "$W/hcache"
neomutt_run "open, header cache cold" "$W/hcache/"
neomutt_run "open, header cache warm" "$W/hcache/"
neomutt_run "open, no header cache" "" mutt
mkdir -p "$W/mhcache"
neomutt_run "open, header cache cold" "$W/mhcache/" mutt
neomutt_run "open, header cache warm" "$W/mhcache/" mutt
/usr/bin/time -f '%e %M' -o "$W/time" env IMAP_PASSWORD="$LAB_PASS_alice" \
	"$BENCH" "$LAB_IMAPS_PORT" "$LAB_CA" alice INBOX >"$W/out" ||
	exit 1
read -r secs kb <"$W/time"
line "raw UID FETCH (imap-fetch-bench)" "$secs" "$kb" \
	"$(tr '\n' ' ' <"$W/out")"
raw=$secs
awk -v f="$first" -v r="$raw" -v n="$nm" -v q="$again" -v k="$first_kb" \
    -v nk="$nm_kb" 'BEGIN {
	printf "goal: first sync <= 1.3 x raw fetch: %.2f x   %s\n", f / r,
	    f <= 1.3 * r ? "met" : "NOT met"
	printf "goal: first sync <= NeoMutt cold / 2: %.2f s vs %.2f s   %s\n",
	    f, n / 2, f <= n / 2 ? "met" : "NOT met"
	printf "goal: sync with nothing new < 0.3 s: %.2f s   %s\n", q,
	    q < 0.3 ? "met" : "NOT met"
	printf "goal: peak RSS < NeoMutt / 3: %d KiB vs %d KiB   %s\n", k,
	    nk / 3, k < nk / 3 ? "met" : "NOT met"
}'
