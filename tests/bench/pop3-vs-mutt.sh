#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie and Mutt downloading the same POP3 mailbox from the lab's
# Dovecot over TLS: N messages (10,000 by default) left on the server,
# each client starting from nothing, each run twice in turn (the figure
# kept is the faster of the two: on a shared machine the slower one says
# more about the neighbours than about the client). Wall time and peak
# RSS under /usr/bin/time.
#
#   postie: `postie sync` of a pop3s:// account, messages kept on the
#           server; every message is fsynced into the Maildir before it
#           is recorded (and before any DELE, in the delete modes).
#   Mutt:   <fetch-mail> into a Maildir spool, in a pseudo-terminal made
#           by script(1), then <quit>; pop_delete = no.
#
#   tests/bench/pop3-vs-mutt.sh [N]
#
# Needs mutt, script (util-linux) and the lab's packages (tests/deps.sh).

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000}
POSTIE=${POSTIE:-$top/build/release/postie}
[ -x "$POSTIE" ] || { echo "pop3-vs-mutt: build postie first (make)" >&2; exit 1; }
command -v mutt >/dev/null 2>&1 ||
	{ echo "pop3-vs-mutt: mutt is not installed (tests/deps.sh install)" >&2; exit 1; }
command -v script >/dev/null 2>&1 ||
	{ echo "pop3-vs-mutt: script (util-linux) is missing" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/pop3-mutt.XXXXXX")
LABDIR=$W/lab
cleanup() {
	sh "$top/tests/lab/lab.sh" stop "$LABDIR" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

sh "$top/tests/lab/lab.sh" start "$LABDIR" >"$W/lab.out" 2>&1 ||
	{ cat "$W/lab.out" >&2; echo "pop3-vs-mutt: cannot start the lab" >&2; exit 1; }
. "$LABDIR/lab.env"

# N messages of about 900 bytes, a GBK subject and a UTF-8 name.
python3 - "$LAB_MAILDIR_bob" "$N" <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
os.makedirs(md + "/cur", exist_ok=True)
now = int(time.time())
for i in range(1, n + 1):
    msg = ("From: =?UTF-8?B?5byg5LiJ?= <zs%d@qq.com>\r\nTo: bob@lab.test\r\n"
           "Subject: =?GBK?B?1tDOxNb3zOI=?= %d\r\nMessage-ID: <p%d@bench>\r\n"
           "Date: Mon, 23 Nov 2026 10:00:00 +0800\r\n"
           "\r\n" % (i, i, i)) + "a line of text\r\n" * 40
    with open(os.path.join(md, "cur", "%d.M%dP1Q%d.bench:2," % (now, i, i)),
              "wb") as f:
        f.write(msg.encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_bob" 2>/dev/null

# Dovecot builds its index of the mailbox on the first login: pay that
# once here, so that neither client below does.
python3 - <<'PY' || exit 1
import os, poplib, ssl
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
p = poplib.POP3_SSL("127.0.0.1", int(os.environ["LAB_POP3S_PORT"]),
                    context=ctx)
p.user("bob"); p.pass_(os.environ["LAB_PASS_bob"])
p.uidl(); p.quit()
PY

export HOME="$W/home" POSTIE_TIMEOUT=600
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

line() {
	printf '%-30s %8s s  peak RSS %7s KiB  %s\n' "$1" "$2" "$3" "$4"
}
best=
best_kb=
keep() { # keep the faster of the runs
	if [ -z "$best" ] || awk -v a="$1" -v b="$best" 'BEGIN { exit !(a < b) }'
	then best=$1; best_kb=$2; fi
}

postie_run() {
	rm -rf "$W/x"
	XDG_CACHE_HOME="$W/x/cache" XDG_DATA_HOME="$W/x/data" \
	XDG_STATE_HOME="$W/x/state" /usr/bin/time -f '%e %M' -o "$W/time" \
		"$POSTIE" -F "$W/rc" sync >"$W/out" 2>"$W/err" ||
		{ cat "$W/err" >&2; exit 1; }
	got=$(find "$W/x/data/postie/bench/inbox/new" -type f | wc -l)
	[ "$got" -eq "$N" ] ||
		{ echo "pop3-vs-mutt: postie stored $got of $N" >&2; exit 1; }
	read -r secs kb <"$W/time"
	keep "$secs" "$kb"
}

mutt_run() {
	rm -rf "$W/m"
	mkdir -p "$W/m/spool/cur" "$W/m/spool/new" "$W/m/spool/tmp"
	cat >"$W/muttrc" <<M
set pop_host = "pops://bob@127.0.0.1:$LAB_POP3S_PORT"
set pop_pass = "$LAB_PASS_bob"
set pop_delete = no
set pop_last = no
set ssl_ca_certificates_file = "$LAB_CA"
set certificate_file = "$W/m/certs"
set ssl_force_tls = yes
set mbox_type = Maildir
set spoolfile = "$W/m/spool"
set folder = "$W/m"
set header_cache = ""
set move = no
set quit = yes
set sleep_time = 0
set mail_check_stats = no
M
	chmod 600 "$W/muttrc"
	TERM=xterm-256color timeout 900 script -qec "stty rows 50 cols 132; \
		/usr/bin/time -f '%e %M' -o '$W/time' \
		mutt -n -F '$W/muttrc' -e 'push <fetch-mail><quit>'" /dev/null \
		>"$W/mutt.out" 2>&1 </dev/null
	got=$(find "$W/m/spool/new" "$W/m/spool/cur" -type f | wc -l)
	if [ "$got" -ne "$N" ] || ! [ -s "$W/time" ]; then
		echo "pop3-vs-mutt: mutt stored $got of $N; its screen:" >&2
		tail -c 2000 "$W/mutt.out" | tr -cd '[:print:]\n' >&2
		exit 1
	fi
	read -r secs kb <"$W/time"
	rm -f "$W/time"
	keep "$secs" "$kb"
}

echo "pop3-vs-mutt: $N messages over POP3S from the lab's Dovecot, best of 2"
echo "postie $("$POSTIE" --version 2>/dev/null | head -1), $(mutt -v | head -1)"
best=; postie_run; postie_run
p_secs=$best
line "postie: first download" "$best" "$best_kb" "$N messages, Maildir, fsynced"
best=; mutt_run; mutt_run
m_secs=$best
line "mutt: <fetch-mail>" "$best" "$best_kb" "$N messages, Maildir"
awk -v p="$p_secs" -v m="$m_secs" 'BEGIN {
	printf "postie/mutt: %.2f (%s)\n", p / m,
	    p <= m ? "postie as fast or faster" : "postie slower" }'
